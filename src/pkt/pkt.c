/* pkt: the packet pool and buffer operations (skb_put/push/pull/trim reduced). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <usnf/pkt.h>

/*
 * A pool is one array of struct pkt and one slab of PKT_BUF_SIZE buffers, both
 * allocated at create time.  Free packets are chained through pkt->next, so
 * alloc and free are a pointer swap.  in_use catches double frees (ignored,
 * counted) without trusting the packet's own fields.
 */
struct pkt_pool {
	struct pkt *pkts;
	uint8_t *bufs;
	uint8_t *in_use;
	struct pkt *free_list;
	unsigned int count;
	unsigned int avail;
	unsigned long double_frees;
};

static const char *const pkt_drop_names[] = {
#define PKT_DROP_NAME(n) #n,
	PKT_DROP_REASONS(PKT_DROP_NAME)
#undef PKT_DROP_NAME
};

const char *pkt_drop_reason_name(enum pkt_drop_reason r)
{
	if ((unsigned int)r >= sizeof(pkt_drop_names) / sizeof(pkt_drop_names[0]))
		return "UNKNOWN";
	return pkt_drop_names[r];
}

int pkt_pool_create(unsigned int count, struct pkt_pool **out)
{
	struct pkt_pool *pool;

	*out = NULL;
	if (count == 0)
		return -EINVAL;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	pool->pkts = calloc(count, sizeof(*pool->pkts));
	pool->in_use = calloc(count, 1);
	/* malloc, not calloc: pages are only touched when a buffer is used. */
	pool->bufs = malloc((size_t)count * PKT_BUF_SIZE);
	if (!pool->pkts || !pool->in_use || !pool->bufs) {
		pkt_pool_destroy(pool);
		return -ENOMEM;
	}
	pool->count = count;
	/* Chain in reverse so that the first allocations use the lowest buffers. */
	for (unsigned int i = count; i-- > 0;) {
		struct pkt *p = &pool->pkts[i];

		p->buf = pool->bufs + (size_t)i * PKT_BUF_SIZE;
		p->pool = pool;
		p->next = pool->free_list;
		pool->free_list = p;
	}
	pool->avail = count;
	*out = pool;
	return 0;
}

void pkt_pool_destroy(struct pkt_pool *pool)
{
	if (!pool)
		return;
	free(pool->bufs);
	free(pool->in_use);
	free(pool->pkts);
	free(pool);
}

/* Reset every field as a fresh skb from alloc_skb() + skb_reserve(HEADROOM). */
static void pkt_reset(struct pkt *p, struct pkt_pool *pool, uint8_t *buf)
{
	memset(p, 0, sizeof(*p));
	p->buf = buf;
	p->pool = pool;
	p->data = PKT_HEADROOM;
	p->mac_off = PKT_OFF_UNSET;
	p->net_off = PKT_OFF_UNSET;
	p->trans_off = PKT_OFF_UNSET;
	p->l4proto = 255;
}

struct pkt *pkt_alloc(struct pkt_pool *pool)
{
	struct pkt *p = pool->free_list;

	if (!p)
		return NULL;
	pool->free_list = p->next;
	pool->avail--;
	pool->in_use[p - pool->pkts] = 1;
	pkt_reset(p, pool, p->buf);
	return p;
}

void pkt_free(struct pkt *p)
{
	struct pkt_pool *pool;
	size_t idx;

	if (!p)
		return;
	pool = p->pool;
	idx = (size_t)(p - pool->pkts);
	if (idx >= pool->count || !pool->in_use[idx]) {
		pool->double_frees++;
		return;
	}
	pool->in_use[idx] = 0;
	p->next = pool->free_list;
	pool->free_list = p;
	pool->avail++;
}

unsigned int pkt_pool_avail(const struct pkt_pool *pool)
{
	return pool->avail;
}

struct pkt *pkt_clone(const struct pkt *p)
{
	struct pkt *c = pkt_alloc(p->pool);
	uint8_t *buf;

	if (!c)
		return NULL;
	buf = c->buf;
	*c = *p;
	c->buf = buf;
	c->next = NULL;
	/* Offsets are relative to buf, so copying the live bytes keeps them valid. */
	memcpy(c->buf + p->data, p->buf + p->data, p->len);
	return c;
}

int pkt_set_data(struct pkt *p, const void *frame, uint32_t len)
{
	if (len > PKT_DATA_MAX)
		return -EMSGSIZE;
	p->data = PKT_HEADROOM;
	p->len = len;
	if (len)
		memcpy(p->buf + PKT_HEADROOM, frame, len);
	return 0;
}

uint8_t *pkt_pull(struct pkt *p, uint32_t len)
{
	if (len > p->len)
		return NULL;
	p->data += len;
	p->len -= len;
	return p->buf + p->data;
}

uint8_t *pkt_push(struct pkt *p, uint32_t len)
{
	if (len > p->data)
		return NULL;
	p->data -= len;
	p->len += len;
	return p->buf + p->data;
}

/* skb_put(): add len bytes (uninitialised) at the tail. */
int pkt_put(struct pkt *p, uint32_t len)
{
	if ((uint64_t)p->data + p->len + len > PKT_BUF_SIZE)
		return -EMSGSIZE;
	p->len += len;
	return 0;
}

/* skb_trim(): set the length to len (as in the kernel, len is the new length). */
int pkt_trim(struct pkt *p, uint32_t len)
{
	if (len > p->len)
		return -EINVAL;
	p->len = len;
	return 0;
}
