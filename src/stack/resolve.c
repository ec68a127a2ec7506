/* resolve: neighbour resolution on output (neigh_resolve_output(), __neigh_event_send()). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/parse.h"
#include "stack/stack_int.h"

/*
 * A packet for a next hop without a valid neighbour entry waits in that entry's
 * queue while ARP requests / neighbour solicitations go out: one at once, then
 * one every retrans_time (1 s) until mcast_solicit (3) have gone unanswered;
 * then the entry fails and each waiting packet gets a "host unreachable"
 * (arp_error_report(), ndisc_error_report()).  An answer sends the queue.
 * The pending table and the queues are fixed at init; queues drop their
 * oldest packet when full, as the kernel's arp_queue does past its byte limit.
 */
#define RESOLVE_MAX 32u
#define RESOLVE_QLEN 8u
#define RESOLVE_PROBES 3u
#define RESOLVE_RETRANS_NS 1000000000ull

struct resolve_ent {
	bool used;
	int family;
	int ifindex;
	uint8_t addr[16];
	unsigned int probes;
	uint64_t next_ns;
	unsigned int n;
	struct pkt *q[RESOLVE_QLEN];    /* oldest first */
};

struct resolve_table {
	struct resolve_ent ent[RESOLVE_MAX];
	unsigned int used;
};

int resolve_net_init(struct usnf_net *net)
{
	stk(net)->resolve = calloc(1, sizeof(struct resolve_table));
	return stk(net)->resolve ? 0 : -ENOMEM;
}

static void resolve_free(struct resolve_table *t, struct resolve_ent *e)
{
	for (unsigned int i = 0; i < e->n; i++)
		pkt_free(e->q[i]);
	memset(e, 0, sizeof(*e));
	t->used--;
}

void resolve_net_exit(struct usnf_net *net)
{
	struct resolve_table *t = stk(net)->resolve;

	if (!t)
		return;
	for (unsigned int i = 0; i < RESOLVE_MAX; i++)
		if (t->ent[i].used)
			resolve_free(t, &t->ent[i]);
	free(t);
	stk(net)->resolve = NULL;
}

static struct resolve_ent *resolve_find(struct resolve_table *t, int family, int ifindex,
					const uint8_t *addr)
{
	for (unsigned int i = 0; i < RESOLVE_MAX; i++) {
		struct resolve_ent *e = &t->ent[i];

		if (e->used && e->family == family && e->ifindex == ifindex &&
		    !memcmp(e->addr, addr, route_alen(family)))
			return e;
	}
	return NULL;
}

/* neigh_probe(): the solicitation, its source chosen from the newest waiting packet. */
static void resolve_probe(struct usnf_net *net, struct resolve_ent *e)
{
	struct usnf_iface *dev = route_iface_get(net, e->ifindex);
	const struct pkt *tail = e->n ? e->q[e->n - 1] : NULL;

	e->probes++;
	if (!dev || !tail)
		return;
	if (e->family == AF_INET6_)
		ndisc_send_ns(net, tail, dev, e->addr);
	else
		arp_send_request(net, tail, dev, e->addr);
}

/* The packet's turn to go: the stack hands it to the neighbour layer. */
static bool resolve_mark_stolen(struct usnf_net *net, const struct pkt *p)
{
	struct stack_ctx *s = stk(net);

	if (!p->local_out && p->trace_id == s->cur_trace_id && s->depth == 0)
		stack_set_fate(net, USNF_FATE_STOLEN);
	return true;
}

void stack_resolve_output(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out)
{
	struct resolve_table *t = stk(net)->resolve;
	int family = p->protocol == PKT_ETH_P_IPV6 ? AF_INET6_ : AF_INET_;
	struct resolve_ent *e = resolve_find(t, family, out->ifindex, p->nexthop);

	if (!e) {
		for (unsigned int i = 0; i < RESOLVE_MAX && !e; i++)
			if (!t->ent[i].used)
				e = &t->ent[i];
		if (!e || route_neigh_create(net, family, out->ifindex, p->nexthop,
					     ROUTE_NUD_INCOMPLETE) < 0) {
			stack_drop(net, p, PKT_DROP_NEIGH_FAILED);
			return;
		}
		e->used = true;
		e->family = family;
		e->ifindex = out->ifindex;
		memcpy(e->addr, p->nexthop, route_alen(family));
		e->next_ns = net->now_ns + RESOLVE_RETRANS_NS;
		t->used++;
		e->q[e->n++] = p;
		resolve_mark_stolen(net, p);
		stack_trace_local(net, p, "waiting for the neighbour");
		resolve_probe(net, e);
		return;
	}
	if (e->n == RESOLVE_QLEN) {
		stack_drop(net, e->q[0], PKT_DROP_NEIGH_FAILED);
		memmove(&e->q[0], &e->q[1], (RESOLVE_QLEN - 1) * sizeof(e->q[0]));
		e->n--;
	}
	e->q[e->n++] = p;
	resolve_mark_stolen(net, p);
	stack_trace_local(net, p, "waiting for the neighbour");
}

/* neigh_update() to a valid state: the waiting packets leave with the new address. */
void stack_resolve_flush(struct usnf_net *net, int family, int ifindex, const void *addr)
{
	struct resolve_table *t = stk(net)->resolve;
	struct resolve_ent *e = t ? resolve_find(t, family, ifindex, addr) : NULL;
	const uint8_t *mac = route_neigh_lookup(net, family, ifindex, addr);
	struct usnf_iface *dev = route_iface_get(net, ifindex);

	if (!e || !mac || !dev)
		return;
	for (unsigned int i = 0; i < e->n; i++)
		stack_xmit(net, e->q[i], dev, mac, family == AF_INET6_ ? PKT_ETH_P_IPV6 : PKT_ETH_P_IP);
	e->n = 0;
	resolve_free(t, e);
}

/* neigh_invalidate(): every waiting packet is reported unreachable and dropped. */
static void resolve_fail(struct usnf_net *net, struct resolve_table *t, struct resolve_ent *e)
{
	route_neigh_update(net, e->family, e->ifindex, e->addr, NULL, ROUTE_NUD_FAILED);
	for (unsigned int i = 0; i < e->n; i++) {
		struct pkt *p = e->q[i];

		if (e->family == AF_INET6_)
			icmp6_send(net, p, 1, 3, 0);            /* address unreachable */
		else
			icmp_send4(net, p, 3, 1, 0);     /* host unreachable */
		stack_drop(net, p, PKT_DROP_NEIGH_FAILED);
	}
	e->n = 0;
	resolve_free(t, e);
}

/* neigh_timer_handler(), run when the engine clock has moved. */
void stack_resolve_timers(struct usnf_net *net)
{
	struct resolve_table *t = stk(net)->resolve;

	if (!t || !t->used)
		return;
	for (unsigned int i = 0; i < RESOLVE_MAX; i++) {
		struct resolve_ent *e = &t->ent[i];

		while (e->used && net->now_ns >= e->next_ns) {
			if (e->probes >= RESOLVE_PROBES) {
				resolve_fail(net, t, e);
				break;
			}
			e->next_ns += RESOLVE_RETRANS_NS;
			resolve_probe(net, e);
		}
	}
}
