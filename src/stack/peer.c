/* peer: long-lived per-address state for rate limits (net/ipv4/inetpeer.c, reduced). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/stack_int.h"

/*
 * A fixed pool of entries, allocated once: hashed by (family, address) with index
 * chains, and kept on an LRU list so that a full table recycles the entry used
 * least recently (the kernel's inet_peer_gc() drops old unreferenced peers; the
 * effect on a busy table is the same: the oldest state is forgotten first).
 */
#define PEER_MAX 1024u
#define PEER_BUCKETS 1024u
#define PEER_NONE (-1)

struct peer_table {
	struct stack_peer ent[PEER_MAX];
	int bucket[PEER_BUCKETS];
	int lru_head, lru_tail;         /* most / least recently used */
	unsigned int used;
};

uint64_t stack_jiffies(const struct usnf_net *net)
{
	return net->now_ns / (1000000000ull / STACK_HZ);
}

int peer_net_init(struct usnf_net *net)
{
	struct peer_table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (unsigned int i = 0; i < PEER_BUCKETS; i++)
		t->bucket[i] = PEER_NONE;
	t->lru_head = t->lru_tail = PEER_NONE;
	stk(net)->peers = t;
	return 0;
}

void peer_net_exit(struct usnf_net *net)
{
	free(stk(net)->peers);
	stk(net)->peers = NULL;
}

static unsigned int peer_hash(int family, const uint8_t *addr)
{
	unsigned int alen = route_alen(family);
	uint32_t h = 2166136261u ^ (uint32_t)family;

	for (unsigned int i = 0; i < alen; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h % PEER_BUCKETS;
}

static void lru_unlink(struct peer_table *t, int i)
{
	struct stack_peer *e = &t->ent[i];

	if (e->lru_prev != PEER_NONE)
		t->ent[e->lru_prev].lru_next = e->lru_next;
	else
		t->lru_head = e->lru_next;
	if (e->lru_next != PEER_NONE)
		t->ent[e->lru_next].lru_prev = e->lru_prev;
	else
		t->lru_tail = e->lru_prev;
}

static void lru_push_head(struct peer_table *t, int i)
{
	struct stack_peer *e = &t->ent[i];

	e->lru_prev = PEER_NONE;
	e->lru_next = t->lru_head;
	if (t->lru_head != PEER_NONE)
		t->ent[t->lru_head].lru_prev = i;
	t->lru_head = i;
	if (t->lru_tail == PEER_NONE)
		t->lru_tail = i;
}

static void hash_unlink(struct peer_table *t, int i)
{
	struct stack_peer *e = &t->ent[i];
	int *pp = &t->bucket[peer_hash(e->family, e->addr)];

	while (*pp != PEER_NONE && *pp != i)
		pp = &t->ent[*pp].hash_next;
	if (*pp == i)
		*pp = e->hash_next;
}

/* A free entry, or the least recently used one taken back. */
static int peer_take(struct peer_table *t)
{
	int i;

	if (t->used < PEER_MAX)
		return (int)t->used++;
	i = t->lru_tail;
	lru_unlink(t, i);
	hash_unlink(t, i);
	return i;
}

struct stack_peer *stack_peer_get(struct usnf_net *net, int family, const void *addr)
{
	struct peer_table *t = stk(net)->peers;
	unsigned int alen = route_alen(family), h;
	struct stack_peer *e;
	int i;

	if (!t)
		return NULL;
	h = peer_hash(family, addr);
	for (i = t->bucket[h]; i != PEER_NONE; i = t->ent[i].hash_next) {
		e = &t->ent[i];
		if (e->family == family && !memcmp(e->addr, addr, alen)) {
			lru_unlink(t, i);
			lru_push_head(t, i);
			return e;
		}
	}
	i = peer_take(t);
	e = &t->ent[i];
	memset(e, 0, sizeof(*e));
	e->family = family;
	memcpy(e->addr, addr, alen);
	/* inet_getpeer(): "60*HZ is arbitrary, but chosen enough high so that the
	 * first calculation of tokens is at its maximum". */
	e->rate_last = stack_jiffies(net) - 60 * STACK_HZ;
	e->hash_next = t->bucket[h];
	t->bucket[h] = i;
	lru_push_head(t, i);
	return e;
}

/*
 * inet_peer_xrlim_allow(): a token bucket of XRLIM_BURST_FACTOR (6) times timeout.
 * Within the jiffy of the last charge nothing is added nor capped: so an ICMP
 * error that ip_error() has just paid for leaves its bucket as it was, while one
 * sent later with icmp_ratelimit 0 empties it.
 */
bool stack_peer_xrlim_allow(struct usnf_net *net, struct stack_peer *peer, uint64_t timeout)
{
	uint64_t now = stack_jiffies(net), token;
	bool rc = false;

	if (!peer)
		return true;
	token = peer->rate_tokens;
	if (now != peer->rate_last) {
		token += now - peer->rate_last;
		peer->rate_last = now;
		if (token > 6 * timeout)
			token = 6 * timeout;
	}
	if (token >= timeout) {
		token -= timeout;
		rc = true;
	}
	peer->rate_tokens = token;
	return rc;
}
