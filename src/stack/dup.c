/*
 * dup: packet duplication to a gateway, as net/ipv4/netfilter/nf_dup_ipv4.c and
 * net/ipv6/netfilter/nf_dup_ipv6.c (used by the TEE target).  The copy comes
 * from the packet pool, is untracked, is routed with the gateway as next hop
 * and leaves through the local output path (LOCAL_OUT, POST_ROUTING): rules
 * there see it; a TEE it meets makes no copy of the copy.
 */
#include <stdbool.h>
#include <string.h>

#include "ct/ct.h"
#include "stack/stack_int.h"

#define IP_DF 0x4000

/*
 * current->in_nf_duplicate: set while a copy runs through the output path.  Per
 * thread like the kernel's per-task flag; the copy is sent synchronously, so
 * only a TEE reached from inside that call sees it set.
 */
static _Thread_local bool dup_active;

/* The route's device, next hop, type and MTU on the copy; NULL when p was dropped. */
static const struct usnf_iface *dup_set_route(struct usnf_net *net, struct pkt *p,
					      const struct route_entry *r, const void *gw,
					      size_t alen)
{
	const struct usnf_iface *out;

	p->rt_type = r->type;
	p->mtu = r->mtu;
	/* FLOWI_FLAG_KNOWN_NH: a route without a gateway leads to gw itself,
	 * not to the packet's destination (rt_set_nexthop() / ip6_rt_cache_alloc()). */
	memset(p->nexthop, 0, sizeof(p->nexthop));
	memcpy(p->nexthop, r->has_gw ? (const void *)r->gw : gw, alen);
	out = route_iface_get(net, r->type == RTN_LOCAL ? 1 : r->oif);
	if (!out) {
		stack_drop(net, p, PKT_DROP_IP_OUTNOROUTES);
		return NULL;
	}
	p->oif = out->ifindex;
	return out;
}

/*
 * nf_dup_ipv4_route(): ip_route_output_key() to gw (out of oif when > 0).  With
 * an oif and no usable route, ip_route_output_key_hash_rcu() assumes gw is on
 * that link ("Apparently, routing tables are wrong"): a route without fib_info,
 * so without a next hop of its own, and ip_finish_output2() then resolves the
 * packet's destination on that device, not gw.  NULL when p was dropped.
 */
static const struct usnf_iface *dup_route4(struct usnf_net *net, struct pkt *p, uint32_t gw,
					   int oif)
{
	const struct route_entry *r;
	const struct usnf_iface *dev = NULL;

	if (oif > 0) {
		dev = route_iface_get(net, oif);
		if (!dev || !dev->up) {         /* -ENODEV / -ENETUNREACH */
			stack_drop(net, p, PKT_DROP_IP_OUTNOROUTES);
			return NULL;
		}
	}
	r = route_lookup(net, AF_INET_, &gw, oif > 0 ? oif : 0);
	if (r && (r->type == RTN_UNICAST || r->type == RTN_LOCAL || r->type == RTN_BROADCAST))
		return dup_set_route(net, p, r, &gw, 4);
	if (!dev) {
		stack_drop(net, p, PKT_DROP_IP_OUTNOROUTES);
		return NULL;
	}
	p->rt_type = RTN_UNICAST;
	p->mtu = 0;
	memset(p->nexthop, 0, sizeof(p->nexthop));
	memcpy(p->nexthop, pkt_network(p) + 16, 4);
	p->oif = dev->ifindex;
	return dev;
}

/* nf_dup_ipv6_route(): ip6_route_output() to gw; an oif makes the lookup strict. */
static const struct usnf_iface *dup_route6(struct usnf_net *net, struct pkt *p,
					   const uint8_t *gw, int oif)
{
	const struct route_entry *r = route_lookup(net, AF_INET6_, gw, oif > 0 ? oif : 0);

	if (!r || (r->type != RTN_UNICAST && r->type != RTN_LOCAL)) {
		stack_drop(net, p, PKT_DROP_IP_OUTNOROUTES);   /* dst->error */
		return NULL;
	}
	return dup_set_route(net, p, r, gw, 16);
}

/*
 * pskb_copy() + nf_ct_set(copy, NULL, IP_CT_UNTRACKED): the copy does not count
 * towards the original's connection.  It is the router's own packet from here
 * on (local_out): what becomes of it is not the received frame's fate.
 */
static struct pkt *dup_copy(struct usnf_net *net, const struct pkt *pkt)
{
	struct pkt *c = pkt_clone(pkt);

	if (!c) {
		stk(net)->drops[PKT_DROP_NOMEM]++;
		return NULL;
	}
	ct_set_untracked(c);
	c->local_out = true;
	c->oif = 0;
	c->data = c->net_off;           /* the copy starts at its IP header */
	c->len = pkt_end(pkt) - pkt->net_off;
	return c;
}

/* A copy made on the way in (PREROUTING, INPUT) loses a hop against loops. */
static bool dup_hook_decrements(unsigned int hook)
{
	return hook == USNF_INET_PRE_ROUTING || hook == USNF_INET_LOCAL_IN;
}

void stack_dup_ipv4(struct usnf_net *net, const struct pkt *pkt, unsigned int hook,
		    const void *gw, int oif)
{
	const struct usnf_iface *out;
	uint32_t gw4;
	uint8_t *iph;
	struct pkt *c;

	if (dup_active || !pkt_header(pkt, pkt->net_off, 20))
		return;
	c = dup_copy(net, pkt);
	if (!c)
		return;
	iph = pkt_network(c);
	/* IP_DF: the original source learns of a smaller MTU on the copy's path. */
	wr16(iph + 6, rd16(iph + 6) | IP_DF);
	if (dup_hook_decrements(hook))
		iph[8]--;
	/* __ip_local_out(): tot_len from the length, then ip_send_check(). */
	if (c->len <= 0xffff)
		wr16(iph + 2, (uint16_t)c->len);
	ipv4_set_csum(iph);
	memcpy(&gw4, gw, 4);
	out = dup_route4(net, c, gw4, oif);
	if (!out)
		return;
	dup_active = true;
	ipv4_local_out_routed(net, c, out);
	dup_active = false;
}

void stack_dup_ipv6(struct usnf_net *net, const struct pkt *pkt, unsigned int hook,
		    const void *gw, int oif)
{
	const struct usnf_iface *out;
	uint8_t *ip6;
	struct pkt *c;

	if (dup_active || !pkt_header(pkt, pkt->net_off, 40))
		return;
	c = dup_copy(net, pkt);
	if (!c)
		return;
	ip6 = pkt_network(c);
	if (dup_hook_decrements(hook))
		ip6[7]--;
	/* __ip6_local_out(): payload_len from the length. */
	if (c->len - 40 <= 0xffff)
		wr16(ip6 + 4, (uint16_t)(c->len - 40));
	out = dup_route6(net, c, gw, oif);
	if (!out)
		return;
	dup_active = true;
	ipv6_local_out_routed(net, c, out);
	dup_active = false;
}
