/* icmp6: ICMPv6 receive, echo, icmpv6_send(), NDP answers and TCP resets over IPv6. */
#include <string.h>

#include "pkt/csum.h"
#include "pkt/parse.h"
#include "stack/stack_int.h"
#include "ct/ct.h"

#define ICMPV6_ECHO_REQUEST 128
#define ICMPV6_ECHO_REPLY 129
#define NDISC_ROUTER_SOLICITATION 133
#define NDISC_NEIGHBOUR_SOLICITATION 135
#define NDISC_NEIGHBOUR_ADVERTISEMENT 136
#define NDISC_REDIRECT 137
#define IPV6_MIN_MTU 1280u

static bool a6_multicast(const uint8_t *a) { return a[0] == 0xff; }
static bool a6_linklocal(const uint8_t *a) { return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; }
static bool a6_any(const uint8_t *a)
{
	static const uint8_t z[16];

	return !memcmp(a, z, 16);
}

static void ip6_hdr_put(uint8_t *h, uint8_t tclass, uint16_t plen, uint8_t nh, uint8_t hlim,
			const uint8_t *saddr, const uint8_t *daddr)
{
	/* auto_flowlabels=0 in the scenarios, flowlabel_reflect=0: flow label 0. */
	h[0] = (uint8_t)(0x60 | (tclass >> 4));
	h[1] = (uint8_t)(tclass << 4);
	h[2] = h[3] = 0;
	wr16(h + 4, plen);
	h[6] = nh;
	h[7] = hlim;
	memcpy(h + 8, saddr, 16);
	memcpy(h + 24, daddr, 16);
}

static void l4_csum6(uint8_t *h, uint8_t *l4, uint32_t len, uint8_t proto, unsigned int coff)
{
	uint16_t c;

	l4[coff] = l4[coff + 1] = 0;
	c = csum_fold(csum_partial(l4, len, csum_pseudo6(h + 8, h + 24, proto, len)));
	memcpy(l4 + coff, &c, 2);
}

/* ip6_dst_hoplimit(): the output device's hop_limit (64 unless changed). */
static uint8_t hoplimit6(struct usnf_net *net, const uint8_t *daddr, int oif)
{
	const struct route_entry *r = route_lookup(net, AF_INET6_, daddr, 0);
	const struct usnf_iface *ifc = route_iface_get(net, r && r->oif ? r->oif : oif);

	if (ifc && ifc->conf6[CONF6_HOP_LIMIT] > 0)
		return (uint8_t)ifc->conf6[CONF6_HOP_LIMIT];
	return (uint8_t)stk(net)->conf6_all[CONF6_HOP_LIMIT];
}

/*
 * The source of a packet to daddr: ipv6_dev_get_saddr() on the route's device
 * (oif for link-local and multicast destinations).  false: no route.
 */
static bool src6(struct usnf_net *net, const uint8_t *daddr, int oif, uint8_t *saddr)
{
	int dev = oif;

	if (!(a6_multicast(daddr) || (a6_linklocal(daddr) && oif))) {
		const struct route_entry *r = route_lookup(net, AF_INET6_, daddr, 0);

		if (!r || (r->type != RTN_UNICAST && r->type != RTN_LOCAL))
			return false;
		if (r->type == RTN_LOCAL) {
			memcpy(saddr, daddr, 16);
			return true;
		}
		dev = r->oif;
	}
	return route_select_src6(net, dev, daddr, saddr);
}

/* is_ineligible(): never an error about an ICMPv6 error. */
static bool icmp6_ineligible(const struct pkt *p)
{
	const uint8_t *ip6 = pkt_network(p);
	uint8_t nh = ip6[6];
	uint16_t fo = 0;
	int off = pkt_ipv6_skip_exthdr(p, p->net_off + 40, &nh, &fo, NULL);

	if (off < 0)
		return false;
	if (nh == IPPROTO_ICMPV6_) {
		const uint8_t *t = pkt_header(p, (uint32_t)off, 1);

		if (!t && fo)
			return false;
		if (!t || !(*t & 0x80))
			return true;
	}
	return false;
}

/* icmp6_send(). */
void icmp6_send(struct usnf_net *net, const struct pkt *old, uint8_t type, uint8_t code,
		uint32_t info)
{
	const uint8_t *ip6 = pkt_header(old, old->net_off, 40);
	uint8_t saddr[16], daddr[16];
	bool have_src = false;
	int oif = 0;

	if (!ip6)
		return;
	const uint8_t *osrc = ip6 + 8, *odst = ip6 + 24;

	if (a6_multicast(odst) || old->pkt_type != PKT_HOST) {
		if (type != 2 && !(type == 4 && code == 2))
			return;
	} else if (route_addr_type(net, AF_INET6_, odst, 0) == RTN_LOCAL ||
		   route_anycast6(net, odst, old->iif)) {
		memcpy(saddr, odst, 16);
		have_src = true;
	}
	if (a6_any(osrc) || a6_multicast(osrc))
		return;
	if (type < 128 && icmp6_ineligible(old))
		return;
	memcpy(daddr, osrc, 16);
	if (a6_linklocal(daddr))
		oif = old->iif;
	if (!have_src && !src6(net, daddr, oif, saddr))
		return;
	uint32_t len = old->len - (old->net_off - old->data);
	uint32_t room = IPV6_MIN_MTU - 40 - 8;

	if (len > room)
		len = room;
	struct pkt *p = stack_pkt_new(net, old);

	if (!p)
		return;
	uint8_t *h = pkt_data(p), *ic = h + 40;

	p->len = 40 + 8 + len;
	ic[0] = type;
	ic[1] = code;
	wr32(ic + 4, info);
	memcpy(ic + 8, pkt_at(old, old->net_off), len);
	ip6_hdr_put(h, 0, (uint16_t)(8 + len), IPPROTO_ICMPV6_, hoplimit6(net, daddr, oif), saddr,
		    daddr);
	l4_csum6(h, ic, 8 + len, IPPROTO_ICMPV6_, 2);
	p->oif = oif;
	ct_attach(net, p, old);        /* icmp_glue_bits(): nf_ct_attach() */
	ipv6_local_out(net, p);
}

/* nf_send_unreach6(): REJECT's ICMPv6. */
void stack_icmp6_send(struct usnf_net *net, const struct pkt *oldpkt, uint8_t type, uint8_t code,
		      uint32_t info)
{
	icmp6_send(net, oldpkt, type, code, info);
}

/* ---- echo (icmpv6_echo_reply()) ---- */

static void icmp6_echo_reply(struct usnf_net *net, const struct pkt *req, uint32_t len)
{
	const uint8_t *ip6 = pkt_network(req);
	uint8_t saddr[16], daddr[16];
	int oif = req->iif;

	memcpy(daddr, ip6 + 8, 16);
	if (req->rt_type == RTN_LOCAL)
		memcpy(saddr, ip6 + 24, 16);
	else if (!src6(net, daddr, a6_linklocal(daddr) ? oif : 0, saddr))
		return;
	struct pkt *p = stack_pkt_new(net, req);

	if (!p)
		return;
	uint8_t *h = pkt_data(p), *ic = h + 40;
	uint8_t tclass = (uint8_t)((ip6[0] << 4) | (ip6[1] >> 4));

	p->len = 40 + len;
	memcpy(ic, pkt_transport(req), len);
	ic[0] = ICMPV6_ECHO_REPLY;
	ic[1] = 0;
	ip6_hdr_put(h, tclass, (uint16_t)len, IPPROTO_ICMPV6_, hoplimit6(net, daddr, oif), saddr,
		    daddr);
	l4_csum6(h, ic, len, IPPROTO_ICMPV6_, 2);
	p->oif = a6_linklocal(daddr) ? oif : 0;
	ipv6_local_out(net, p);
}

/* ---- neighbour discovery (ndisc_recv_ns(), ndisc_send_na()) ---- */

static void ndisc_send_na(struct usnf_net *net, const struct pkt *cause, struct usnf_iface *dev,
			  const uint8_t *daddr, const uint8_t *target, bool router, bool solicited,
			  bool override, bool inc_opt)
{
	struct pkt *p = stack_pkt_new(net, cause);

	if (!p)
		return;
	uint8_t *h = pkt_data(p), *ic = h + 40;
	uint32_t len = 24 + (inc_opt ? 8 : 0);

	p->len = 40 + len;
	memset(ic, 0, len);
	ic[0] = NDISC_NEIGHBOUR_ADVERTISEMENT;
	ic[4] = (uint8_t)((router ? 0x80 : 0) | (solicited ? 0x40 : 0) | (override ? 0x20 : 0));
	memcpy(ic + 8, target, 16);
	if (inc_opt) {
		ic[24] = 2;             /* target link-layer address */
		ic[25] = 1;
		memcpy(ic + 26, dev->mac, 6);
	}
	ip6_hdr_put(h, 0, (uint16_t)len, IPPROTO_ICMPV6_, 255, target, daddr);
	l4_csum6(h, ic, len, IPPROTO_ICMPV6_, 2);
	p->oif = dev->ifindex;
	ipv6_local_out(net, p);
}

/* __ipv6_get_lladdr(): the first link-local address given to dev. */
static bool ndisc_lladdr(struct usnf_net *net, int ifindex, uint8_t *out)
{
	const struct route_ifaddr *ia;

	for (unsigned int i = 0; (ia = route_addr_at(net, i)); i++)
		if (ia->family == AF_INET6_ && ia->ifindex == ifindex && a6_linklocal(ia->addr)) {
			memcpy(out, ia->addr, 16);
			return true;
		}
	return false;
}

/*
 * ndisc_solicit(): to the solicited-node group of target, from the waiting
 * packet's source when it is ours on dev, else from dev's link-local address
 * (none: nothing is sent), with our link-layer address.
 */
void ndisc_send_ns(struct usnf_net *net, const struct pkt *cause, struct usnf_iface *dev,
		   const uint8_t *target)
{
	uint8_t saddr[16], daddr[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
	const struct route_ifaddr *ia;
	bool have = false;

	if (cause && cause->net_off != PKT_OFF_UNSET && pkt_header(cause, cause->net_off, 40)) {
		const uint8_t *src = pkt_network(cause) + 8;

		for (unsigned int i = 0; (ia = route_addr_at(net, i)); i++)
			if (ia->family == AF_INET6_ && ia->ifindex == dev->ifindex &&
			    !memcmp(ia->addr, src, 16)) {
				memcpy(saddr, src, 16);
				have = true;
			}
	}
	if (!have && !ndisc_lladdr(net, dev->ifindex, saddr))
		return;
	memcpy(daddr + 13, target + 13, 3);
	struct pkt *p = stack_pkt_new(net, cause);

	if (!p)
		return;
	uint8_t *h = pkt_data(p), *ic = h + 40;

	p->len = 40 + 32;
	memset(ic, 0, 32);
	ic[0] = NDISC_NEIGHBOUR_SOLICITATION;
	memcpy(ic + 8, target, 16);
	ic[24] = 1;                     /* source link-layer address */
	ic[25] = 1;
	memcpy(ic + 26, dev->mac, 6);
	ip6_hdr_put(h, 0, 32, IPPROTO_ICMPV6_, 255, saddr, daddr);
	l4_csum6(h, ic, 32, IPPROTO_ICMPV6_, 2);
	p->oif = dev->ifindex;
	ipv6_local_out(net, p);
}

/* ndisc_parse_options(): every option has a length, inside the message; the source lladdr. */
static bool ndisc_opts(const uint8_t *o, uint32_t len, const uint8_t **slla)
{
	*slla = NULL;
	while (len) {
		if (len < 2 || o[1] == 0 || (uint32_t)o[1] * 8 > len)
			return false;
		if (o[0] == 1) {
			if (*slla || o[1] != 1)
				return false;
			*slla = o + 2;
		}
		len -= (uint32_t)o[1] * 8;
		o += (uint32_t)o[1] * 8;
	}
	return true;
}

static void ndisc_recv_ns(struct usnf_net *net, struct pkt *p, struct usnf_iface *in,
			  uint32_t len)
{
	const uint8_t *ip6 = pkt_network(p), *ic = pkt_transport(p);
	const uint8_t *saddr = ip6 + 8, *daddr = ip6 + 24, *target = ic + 8, *slla;
	bool dad = a6_any(saddr), inc = a6_multicast(daddr);
	const struct route_ifaddr *ia;
	bool ours = false;

	if (len < 24 || a6_multicast(target) || !ndisc_opts(ic + 24, len - 24, &slla) ||
	    (dad && (slla || daddr[0] != 0xff || daddr[1] != 0x02 || daddr[11] != 1 ||
		     daddr[12] != 0xff))) {
		stack_drop(net, p, PKT_DROP_IPV6_NDISC_BAD_OPTIONS);
		return;
	}
	/* ipv6_get_ifaddr(..., dev, strict): the target must be on the receiving device. */
	for (unsigned int i = 0; (ia = route_addr_at(net, i)); i++)
		if (ia->family == AF_INET6_ && ia->ifindex == in->ifindex &&
		    !memcmp(ia->addr, target, 16))
			ours = true;
	if (!ours) {
		stack_drop(net, p, PKT_DROP_ICMP_IGNORED);
		return;
	}
	bool router = in->conf6[CONF6_FORWARDING];
	static const uint8_t allnodes[16] = { 0xff, 0x02, [15] = 1 };

	stack_set_fate(net, USNF_FATE_LOCAL);
	stack_trace_local(net, p, "ndisc neighbour advertisement");
	if (dad) {
		ndisc_send_na(net, p, in, allnodes, target, router, false, true, true);
		pkt_free(p);
		return;
	}
	/* __neigh_lookup(creat = !inc || lladdr): a multicast NS without lladdr needs an entry. */
	if (slla) {
		route_neigh_learn(net, AF_INET6_, in->ifindex, saddr, slla);
		stack_resolve_flush(net, AF_INET6_, in->ifindex, saddr);
	}
	else if (!inc && !route_neigh_lookup(net, AF_INET6_, in->ifindex, saddr)) {
		pkt_free(p);    /* an INCOMPLETE entry would be created and probed */
		return;
	}
	if (route_neigh_lookup(net, AF_INET6_, in->ifindex, saddr))
		ndisc_send_na(net, p, in, saddr, target, router, true, inc, inc);
	pkt_free(p);
}

/*
 * ndisc_recv_na(): an advertisement updates an entry that exists (solicited:
 * reachable, else stale) with its target link-layer address; an entry that was
 * waiting sends its queue.
 */
static void ndisc_recv_na(struct usnf_net *net, struct pkt *p, struct usnf_iface *in, uint32_t len)
{
	const uint8_t *ip6 = pkt_network(p), *ic = pkt_transport(p), *o, *tlla = NULL;
	uint32_t olen;

	if (len < 24 || a6_multicast(ic + 8) || (a6_multicast(ip6 + 24) && (ic[4] & 0x40))) {
		stack_drop(net, p, PKT_DROP_IPV6_NDISC_BAD_OPTIONS);
		return;
	}
	for (o = ic + 24, olen = len - 24; olen;) {
		if (olen < 2 || o[1] == 0 || (uint32_t)o[1] * 8 > olen) {
			stack_drop(net, p, PKT_DROP_IPV6_NDISC_BAD_OPTIONS);
			return;
		}
		if (o[0] == 2 && o[1] == 1)
			tlla = o + 2;
		olen -= (uint32_t)o[1] * 8;
		o += (uint32_t)o[1] * 8;
	}
	stack_set_fate(net, USNF_FATE_LOCAL);
	stack_trace_local(net, p, "ndisc neighbour advertisement");
	int st = route_neigh_state(net, AF_INET6_, in->ifindex, ic + 8);

	if (st >= 0 && (tlla || (st & ROUTE_NUD_VALID))) {
		int old = route_neigh_update(net, AF_INET6_, in->ifindex, ic + 8, tlla,
					     (ic[4] & 0x40) ? ROUTE_NUD_REACHABLE : ROUTE_NUD_STALE);

		if (old >= 0 && !(old & ROUTE_NUD_VALID))
			stack_resolve_flush(net, AF_INET6_, in->ifindex, ic + 8);
	}
	pkt_free(p);
}

/* ndisc_rcv(): hop limit 255 and code 0 or it is not neighbour discovery. */
static void ndisc_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in, uint32_t len)
{
	const uint8_t *ic = pkt_transport(p);

	if (pkt_network(p)[7] != 255 || ic[1] != 0) {
		stack_drop(net, p, PKT_DROP_IPV6_NDISC_BAD_OPTIONS);
		return;
	}
	if (ic[0] == NDISC_NEIGHBOUR_SOLICITATION) {
		ndisc_recv_ns(net, p, in, len);
		return;
	}
	if (ic[0] == NDISC_NEIGHBOUR_ADVERTISEMENT) {
		ndisc_recv_na(net, p, in, len);
		return;
	}
	/* NA, RS, RA, redirect: a router without radvd only updates its cache. */
	stack_set_fate(net, USNF_FATE_LOCAL);
	stack_trace_local(net, p, "ndisc consumed");
	pkt_free(p);
}

void icmp6_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	const uint8_t *ip6 = pkt_network(p);
	uint32_t len = p->net_off + 40 + rd16(ip6 + 4) - p->trans_off;
	const uint8_t *ic = pkt_header(p, p->trans_off, 4);
	struct stack_ctx *s = stk(net);

	if (!ic || len < 4) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	if (csum_l4(p, p->trans_off, len, csum_pseudo6(ip6 + 8, ip6 + 24, IPPROTO_ICMPV6_, len))) {
		stack_drop(net, p, PKT_DROP_ICMP_CSUM);
		return;
	}
	uint8_t type = ic[0];

	if (type == ICMPV6_ECHO_REQUEST) {
		if (s->sys[SYS_IPV6_ECHO_IGNORE_ALL] ||
		    (a6_multicast(ip6 + 24) && s->sys[SYS_IPV6_ECHO_IGNORE_MULTICAST])) {
			stack_drop(net, p, PKT_DROP_ICMP_IGNORED);
			return;
		}
		if (len < 8) {
			stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
			return;
		}
		stack_set_fate(net, USNF_FATE_LOCAL);
		stack_trace_local(net, p, "icmpv6 echo reply");
		icmp6_echo_reply(net, p, len);
		pkt_free(p);
		return;
	}
	if (type >= NDISC_ROUTER_SOLICITATION && type <= NDISC_REDIRECT) {
		ndisc_rcv(net, p, in, len);
		return;
	}
	stack_set_fate(net, USNF_FATE_LOCAL);
	stack_trace_local(net, p, "icmpv6 consumed");
	pkt_free(p);
}

/* ---- redirects (ndisc_send_redirect()) ---- */

/*
 * A redirect to the source of old (a packet about to be forwarded back out of
 * dev, hop limit not yet decremented): target is the better first hop (a
 * link-local gateway, or the destination itself when it is on the link).  The
 * message carries the target's link-layer address when its neighbour entry is
 * valid and as much of old as fits in the minimum MTU, in 8-byte units.
 */
void ndisc_send_redirect(struct usnf_net *net, const struct pkt *old, const struct usnf_iface *dev,
			 const uint8_t *target)
{
	const uint8_t *ip6 = pkt_network(old);
	uint8_t saddr[16];
	const struct route_entry *r;
	const uint8_t *ha;
	uint32_t optlen = 0, rd_len, len;

	if (!ndisc_lladdr(net, dev->ifindex, saddr))
		return;
	if (memcmp(ip6 + 24, target, 16) && (!a6_linklocal(target) || a6_multicast(target)))
		return;                 /* target is not link-local unicast */
	r = route_lookup(net, AF_INET6_, ip6 + 8, 0);
	if (!a6_linklocal(ip6 + 8) && (!r || r->type != RTN_UNICAST || r->has_gw))
		return;                 /* the source is not a neighbour */
	if (!stack_peer_xrlim_allow(net, stack_peer_get(net, AF_INET6_, ip6 + 8), STACK_HZ))
		return;
	ha = route_neigh_lookup(net, AF_INET6_, dev->ifindex, target);
	if (ha)
		optlen += 8;
	rd_len = IPV6_MIN_MTU - 40 - 40 - optlen;
	len = old->len - (old->net_off - old->data);
	if (rd_len > len + 8)
		rd_len = len + 8;
	rd_len &= ~7u;
	struct pkt *p = stack_pkt_new(net, old);

	if (!p)
		return;
	uint8_t *h = pkt_data(p), *ic = h + 40, *o = ic + 40;

	p->len = 40 + 40 + optlen + rd_len;
	memset(ic, 0, 40 + optlen + (rd_len ? 8 : 0));
	ic[0] = NDISC_REDIRECT;
	memcpy(ic + 8, target, 16);
	memcpy(ic + 24, ip6 + 24, 16);
	if (ha) {
		o[0] = 2;               /* target link-layer address */
		o[1] = 1;
		memcpy(o + 2, ha, 6);
		o += 8;
	}
	if (rd_len) {
		o[0] = 4;               /* redirected header */
		o[1] = (uint8_t)(rd_len / 8);
		memcpy(o + 8, pkt_at(old, old->net_off), rd_len - 8);
	}
	ip6_hdr_put(h, 0, (uint16_t)(p->len - 40), IPPROTO_ICMPV6_, 255, saddr, ip6 + 8);
	l4_csum6(h, ic, p->len - 40, IPPROTO_ICMPV6_, 2);
	p->oif = dev->ifindex;
	ipv6_local_out(net, p);
}

/* ---- TCP resets ---- */

static void tcp6_reset_build(struct usnf_net *net, const struct pkt *old, uint32_t thoff,
			     uint8_t tclass, int oif, bool nf)
{
	const uint8_t *ip6 = pkt_network(old), *th = pkt_at(old, thoff);
	uint32_t l4 = old->net_off + 40 + rd16(ip6 + 4) - thoff;
	uint32_t payload = l4 - (uint32_t)(th[12] >> 4) * 4;
	uint8_t saddr[16], daddr[16];
	struct pkt *p = stack_pkt_new(net, old);

	if (!p)
		return;
	memcpy(saddr, ip6 + 24, 16);
	memcpy(daddr, ip6 + 8, 16);
	uint8_t *h = pkt_data(p), *t = h + 40;

	p->len = 60;
	p->kernel_sk = false;   /* tcp_v6_send_response(), nf_send_reset6(): skb->sk unset */
	memset(t, 0, 20);
	memcpy(t, th + 2, 2);
	memcpy(t + 2, th, 2);
	if (th[13] & 0x10) {
		memcpy(t + 4, th + 8, 4);
		t[13] = 0x04;
	} else {
		wr32(t + 8, rd32(th + 4) + ((th[13] & 0x02) ? 1 : 0) + ((th[13] & 0x01) ? 1 : 0) +
				    payload);
		t[13] = 0x14;
	}
	t[12] = 5 << 4;
	ip6_hdr_put(h, tclass, 20, IPPROTO_TCP_, hoplimit6(net, daddr, oif), saddr, daddr);
	l4_csum6(h, t, 20, IPPROTO_TCP_, 16);
	p->oif = oif;
	/* nf_send_reset6() attaches the RST to the connection (nf_ct_attach). */
	if (nf)
		ct_attach(net, p, old);
	ipv6_local_out(net, p);
}

/* tcp_v6_send_reset() for a closed port. */
void tcp6_send_reset(struct usnf_net *net, const struct pkt *old)
{
	const uint8_t *ip6 = pkt_network(old);
	uint8_t tclass = (uint8_t)((ip6[0] << 4) | (ip6[1] >> 4));

	/* ipv6_unicast_destination(): never to a multicast or anycast destination. */
	if (pkt_at(old, old->trans_off)[13] & 0x04 || old->rt_type != RTN_LOCAL)
		return;
	tcp6_reset_build(net, old, old->trans_off, tclass & 0xfc,
			 a6_linklocal(ip6 + 8) ? old->iif : 0, false);
}

/* nf_send_reset6(): REJECT --reject-with tcp-reset over IPv6. */
void stack_send_reset6(struct usnf_net *net, const struct pkt *oldpkt, int hook)
{
	const uint8_t *ip6 = pkt_header(oldpkt, oldpkt->net_off, 40);
	uint8_t nh;
	uint16_t fo = 0;

	(void)hook;
	if (!ip6 || a6_multicast(ip6 + 8) || a6_any(ip6 + 8) || a6_multicast(ip6 + 24))
		return;
	nh = ip6[6];
	int off = pkt_ipv6_skip_exthdr(oldpkt, oldpkt->net_off + 40, &nh, &fo, NULL);

	if (off < 0 || nh != IPPROTO_TCP_ || fo)
		return;
	uint32_t l4 = oldpkt->net_off + 40 + rd16(ip6 + 4) - (uint32_t)off;
	const uint8_t *th = pkt_header(oldpkt, (uint32_t)off, 20);

	if (!th || (th[13] & 0x04))
		return;
	if (csum_l4(oldpkt, (uint32_t)off, l4,
		    csum_pseudo6(ip6 + 8, ip6 + 24, IPPROTO_TCP_, l4)) != 0)
		return;
	tcp6_reset_build(net, oldpkt, (uint32_t)off, 0, a6_linklocal(ip6 + 8) ? oldpkt->iif : 0,
			 true);
}
