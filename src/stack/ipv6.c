/* ipv6: receive, extension headers, forwarding, local delivery and output (net/ipv6/ip6_*.c). */
#include <string.h>

#include "pkt/csum.h"
#include "pkt/parse.h"
#include "stack/stack_int.h"
#include "ct/ct.h"

#define NEXTHDR_HOP 0
#define NEXTHDR_ROUTING 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_NONE 59
#define NEXTHDR_DEST 60

static bool a6_multicast(const uint8_t *a) { return a[0] == 0xff; }
static bool a6_linklocal(const uint8_t *a) { return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; }
static bool a6_loopback(const uint8_t *a)
{
	static const uint8_t lo[16] = { [15] = 1 };

	return !memcmp(a, lo, 16);
}
static bool a6_any(const uint8_t *a)
{
	static const uint8_t z[16];

	return !memcmp(a, z, 16);
}
static bool a6_v4mapped(const uint8_t *a)
{
	static const uint8_t m[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, m, 12);
}

static void ipv6_set_meta(struct pkt *p)
{
	uint8_t nh = pkt_network(p)[6];
	uint16_t fo = 0;
	bool frag = false;
	int off = pkt_ipv6_skip_exthdr(p, p->net_off + 40, &nh, &fo, &frag);

	p->protocol = PKT_ETH_P_IPV6;
	p->trans_off = off < 0 ? p->net_off + 40 : (uint32_t)off;
	p->l4proto = nh;
	p->frag_off = fo;
	p->is_fragment = frag;
}

/* ---- TLV options of hop-by-hop and destination headers (ip6_parse_tlv()) ---- */

/*
 * ip6_tlvopt_unknown(): the two high bits of an unknown option's type say what
 * to do: skip it, drop, or drop with a parameter problem (11: not for a
 * multicast destination).  Returns true to go on.
 */
static bool ipv6_tlv_unknown(struct usnf_net *net, struct pkt *p, uint32_t optoff)
{
	uint8_t t = pkt_network(p)[optoff];

	switch (t >> 6) {
	case 0:
		return true;
	case 3:
		if (a6_multicast(pkt_network(p) + 24))
			break;
		/* fallthrough */
	case 2:
		icmp6_send(net, p, 4, 2, optoff);
		break;
	default:
		break;
	}
	stack_drop(net, p, PKT_DROP_IPV6_BAD_EXTHDR);
	return false;
}

/* The hop-by-hop options the kernel knows (ipv6_hop_ra/jumbo/calipso/ioam). */
static bool ipv6_hop_known(struct usnf_net *net, struct pkt *p, uint32_t optoff, bool *ok)
{
	const uint8_t *nh = pkt_network(p);
	uint8_t t = nh[optoff], olen = nh[optoff + 1];

	*ok = false;
	switch (t) {
	case 0x05:              /* router alert: exactly 2 bytes of value */
		*ok = olen == 2;
		break;
	case 0xc2: {            /* jumbo payload: never right in a packet with a length */
		uint32_t jlen = rd32(nh + optoff + 2);

		if (olen != 4 || (optoff & 3) != 2)
			break;
		icmp6_send(net, p, 4, 0, jlen <= 65535 ? optoff + 2 : optoff);
		break;
	}
	case 0x07:              /* CALIPSO: calipso_validate() finds no DOI configured */
		break;
	case 0x31:              /* IOAM: ignored unless ioam6_enabled, 4n-aligned */
		*ok = !(optoff & 3);
		break;
	default:
		return false;
	}
	if (!*ok)
		stack_drop(net, p, PKT_DROP_IP_INHDR);
	return true;
}

/*
 * ip6_parse_tlv() on the header at hoff (absolute): at most max_opts options
 * that are not padding, at most 7 bytes of consecutive padding, PadN all zero.
 * Returns true to go on; false: p was dropped (maybe with an ICMPv6 error).
 */
static bool ipv6_parse_tlv(struct usnf_net *net, struct pkt *p, uint32_t hoff, int max_opts,
			   bool hopbyhop)
{
	const uint8_t *h = pkt_header(p, hoff, 2);
	uint32_t len, off;
	int n = 0, padlen = 0;

	if (!h || !pkt_header(p, hoff, ((uint32_t)h[1] + 1) * 8)) {
		stack_drop(net, p, PKT_DROP_IPV6_BAD_EXTHDR);
		return false;
	}
	len = ((uint32_t)h[1] + 1) * 8;
	h = pkt_at(p, hoff);
	off = 2;
	while (off < len) {
		uint8_t t = h[off];
		uint32_t ol;

		if (t == 0) {           /* Pad1 */
			if (++padlen > 7)
				goto bad;
			off++;
			continue;
		}
		if (off + 2 > len)
			goto bad;
		ol = (uint32_t)h[off + 1] + 2;
		if (off + ol > len)
			goto bad;
		if (t == 1) {           /* PadN */
			padlen += (int)ol;
			if (padlen > 7)
				goto bad;
			for (uint32_t i = 2; i < ol; i++)
				if (h[off + i])
					goto bad;
		} else {
			bool ok;
			uint32_t optoff = hoff + off - p->net_off;

			if (++n > max_opts)
				goto bad;
			if (hopbyhop && ipv6_hop_known(net, p, optoff, &ok)) {
				if (!ok)
					return false;
			} else if (!ipv6_tlv_unknown(net, p, optoff)) {
				return false;
			}
			h = pkt_at(p, hoff);
			padlen = 0;
		}
		off += ol;
	}
	return true;
bad:
	stack_drop(net, p, PKT_DROP_IP_INHDR);
	return false;
}

/* ---- output ---- */

/* ip6_finish_output2(): 33:33 + low 32 bits for multicast (ipv6_eth_mc_map()), else NDP. */
static void ipv6_neigh_output(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out)
{
	uint8_t mac[6];

	if (a6_multicast(p->nexthop)) {
		mac[0] = 0x33, mac[1] = 0x33;
		memcpy(mac + 2, p->nexthop + 12, 4);
	} else {
		const uint8_t *m = route_neigh_lookup(net, AF_INET6_, out->ifindex, p->nexthop);

		if (!m) {
			stack_resolve_output(net, p, out);     /* NS, the packet waits */
			return;
		}
		memcpy(mac, m, 6);
	}
	stack_xmit(net, p, out, mac, PKT_ETH_P_IPV6);
}

/*
 * ip6_fragment() for a locally generated packet (the echo reply to a big ping):
 * a fragment header after the fixed header, 8-byte aligned pieces.  Packets with
 * extension headers are not split here (the kernel keeps the unfragmentable part).
 */
static void ipv6_fragment(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out,
			  uint32_t mtu)
{
	const uint8_t *ip6 = pkt_network(p);
	uint32_t left = p->len - 40, off = 0, room = (mtu - 48) & ~7u;
	uint32_t id = stk(net)->frag6_id++;

	if (pkt_ipv6_is_exthdr(ip6[6]) || (mtu < 1280 && !ct_frag_max_size(p))) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_BIG);
		return;
	}
	while (left) {
		uint32_t len = left > room ? room : left;
		struct pkt *f = pkt_clone(p);

		if (!f) {
			stk(net)->drops[PKT_DROP_NOMEM]++;
			break;
		}
		f->data = PKT_HEADROOM;
		f->net_off = f->data;
		uint8_t *h = pkt_data(f);

		memcpy(h, ip6, 40);
		h[6] = NEXTHDR_FRAGMENT;
		wr16(h + 4, (uint16_t)(8 + len));
		h[40] = ip6[6];
		h[41] = 0;
		wr16(h + 42, (uint16_t)(off | (left > len ? 1 : 0)));
		wr32(h + 44, id);
		memcpy(h + 48, ip6 + 40 + off, len);
		f->len = 48 + len;
		ipv6_set_meta(f);
		ipv6_neigh_output(net, f, out);
		off += len;
		left -= len;
	}
	pkt_free(p);
}

/* ip6_output(): POSTROUTING, then ip6_finish_output(). */
static void ipv6_output(struct usnf_net *net, struct pkt *p, const struct usnf_iface *in,
			const struct usnf_iface *out)
{
	if (!stack_hook(net, USNF_NFPROTO_IPV6, USNF_INET_POST_ROUTING, p, in, out))
		return;
	if (p->rt_type == RTN_LOCAL) {
		stack_loopback(net, p, ipv6_rcv);
		return;
	}
	uint32_t mtu = p->mtu ? p->mtu : out->mtu;
	uint32_t fmax = ct_frag_max_size(p);

	/* ip6_fragment(): never fragments larger than those conntrack reassembled. */
	if (fmax && fmax < mtu)
		mtu = fmax;
	if (p->len > mtu) {
		if (p->local_out || fmax)
			ipv6_fragment(net, p, out, mtu);
		else
			stack_drop(net, p, PKT_DROP_PKT_TOO_BIG);
		return;
	}
	ipv6_neigh_output(net, p, out);
}

/* ip6_route_output(): oif is strict for link-local and multicast destinations. */
static const struct usnf_iface *ipv6_route_output(struct usnf_net *net, struct pkt *p)
{
	const uint8_t *daddr = pkt_network(p) + 24;
	const struct route_entry *r;

	if (a6_multicast(daddr) || (a6_linklocal(daddr) && p->oif)) {
		const struct usnf_iface *out = route_iface_get(net, p->oif);

		if (!out)
			return NULL;
		p->rt_type = a6_multicast(daddr) ? RTN_MULTICAST : RTN_UNICAST;
		if (route_addr_type(net, AF_INET6_, daddr, 0) == RTN_LOCAL && !a6_multicast(daddr))
			p->rt_type = RTN_LOCAL;
		memcpy(p->nexthop, daddr, 16);
		p->mtu = 0;
		return out;
	}
	r = route_lookup(net, AF_INET6_, daddr, 0);
	if (!r || (r->type != RTN_UNICAST && r->type != RTN_LOCAL))
		return NULL;
	p->rt_type = r->type;
	memcpy(p->nexthop, r->has_gw ? r->gw : daddr, 16);
	p->mtu = r->mtu;
	return route_iface_get(net, r->type == RTN_LOCAL ? 1 : r->oif);
}

/* Route a local packet (again after a hook changed it); NULL when p was dropped. */
static const struct usnf_iface *ipv6_local_route(struct usnf_net *net, struct pkt *p)
{
	const struct usnf_iface *out;

	ipv6_set_meta(p);
	out = ipv6_route_output(net, p);
	if (!out) {
		stack_drop(net, p, PKT_DROP_IP_OUTNOROUTES);
		return NULL;
	}
	p->oif = out->ifindex;
	return out;
}

void ipv6_local_out(struct usnf_net *net, struct pkt *p)
{
	const struct usnf_iface *out;

	p->net_off = p->data;
	out = ipv6_local_route(net, p);
	if (!out)
		return;
	ipv6_local_out_routed(net, p, out);
}

/* ip6_local_out() of a packet already routed: nf_dup_ipv6()'s copy (dup.c). */
void ipv6_local_out_routed(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out)
{
	uint8_t daddr[16];

	memcpy(daddr, pkt_network(p) + 24, 16);
	if (!stack_hook(net, USNF_NFPROTO_IPV6, USNF_INET_LOCAL_OUT, p, NULL, out))
		return;
	/* ip6_route_me_harder(): a hook changed the destination, route again. */
	if (memcmp(daddr, pkt_network(p) + 24, 16)) {
		out = ipv6_local_route(net, p);
		if (!out)
			return;
	}
	ipv6_output(net, p, NULL, out);
}

/* ---- forwarding (ip6_forward()) ---- */

static void ipv6_forward(struct usnf_net *net, struct pkt *p, struct usnf_iface *in,
			 const struct route_entry *r)
{
	uint8_t *ip6 = pkt_network(p);
	const struct usnf_iface *out = route_iface_get(net, r->oif);
	uint32_t mtu;

	if (!stk(net)->conf6_all[CONF6_FORWARDING] && !in->conf6[CONF6_FORCE_FORWARDING]) {
		stack_drop(net, p, PKT_DROP_FORWARDING_DISABLED);
		return;
	}
	if (p->pkt_type != PKT_HOST) {
		stack_drop(net, p, PKT_DROP_OTHERHOST);
		return;
	}
	if (ip6[7] <= 1) {
		icmp6_send(net, p, 3, 0, 0);
		stack_drop(net, p, PKT_DROP_IP_TTL_EXPIRED);
		return;
	}
	if (!out) {
		stack_drop(net, p, PKT_DROP_IP_INNOROUTES);
		return;
	}
	if (out->ifindex == in->ifindex) {
		/* Out where it came in: redirect the source, paced per destination
		 * here and per source in ndisc_send_redirect(). */
		const uint8_t *target = r->has_gw ? r->gw : ip6 + 24;

		if (stack_peer_xrlim_allow(net, stack_peer_get(net, AF_INET6_, ip6 + 24), STACK_HZ))
			ndisc_send_redirect(net, p, out, target);
	} else {
		const uint8_t *s = ip6 + 8;

		if (a6_any(s) || a6_multicast(s) || a6_loopback(s)) {
			stack_drop(net, p, PKT_DROP_IP_INADDRERRORS);
			return;
		}
		if (a6_linklocal(s)) {
			icmp6_send(net, p, 1, 2, 0);        /* beyond scope of source */
			stack_drop(net, p, PKT_DROP_IP_INADDRERRORS);
			return;
		}
	}
	mtu = r->mtu ? r->mtu : out->mtu;
	if (mtu < 1280)
		mtu = 1280;
	if (p->len > mtu) {
		icmp6_send(net, p, 2, 0, mtu);
		stack_drop(net, p, PKT_DROP_PKT_TOO_BIG);
		return;
	}
	ip6[7]--;
	p->oif = out->ifindex;
	memcpy(p->nexthop, r->has_gw ? r->gw : ip6 + 24, 16);
	p->rt_type = RTN_UNICAST;
	if (!stack_hook(net, USNF_NFPROTO_IPV6, USNF_INET_FORWARD, p, in, out))
		return;
	ipv6_output(net, p, in, out);
}

/* ---- local delivery (ip6_input_finish(), ip6_protocol_deliver_rcu()) ---- */

static bool csum6_ok(const struct pkt *p, uint32_t off, uint32_t len, uint8_t proto)
{
	const uint8_t *ip6 = pkt_network(p);

	return csum_l4(p, off, len, csum_pseudo6(ip6 + 8, ip6 + 24, proto, len)) == 0;
}

static uint32_t l4len6(const struct pkt *p, uint32_t off)
{
	return p->net_off + 40 + rd16(pkt_network(p) + 4) - off;
}

static void tcp6_rcv(struct usnf_net *net, struct pkt *p, uint32_t off)
{
	uint32_t len = l4len6(p, off);
	const uint8_t *th = pkt_header(p, off, 20);

	if (p->pkt_type != PKT_HOST) {
		stack_drop(net, p, PKT_DROP_OTHERHOST);
		return;
	}
	if (!th || (th[12] >> 4) < 5 || (uint32_t)(th[12] >> 4) * 4 > len) {
		stack_drop(net, p, th ? PKT_DROP_TCP_FLAGS : PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	if (!csum6_ok(p, off, len, IPPROTO_TCP_)) {
		stack_drop(net, p, PKT_DROP_TCP_CSUM);
		return;
	}
	stack_set_fate(net, USNF_FATE_LOCAL);
	p->trans_off = off;
	if (!(th[13] & 0x04)) {
		stack_trace_local(net, p, "tcp rst");
		tcp6_send_reset(net, p);
	}
	stack_drop(net, p, PKT_DROP_NO_SOCKET);
}

static void udp6_rcv(struct usnf_net *net, struct pkt *p, uint32_t off)
{
	uint32_t len = l4len6(p, off);
	const uint8_t *uh = pkt_header(p, off, 8);

	if (!uh || rd16(uh + 4) > len || rd16(uh + 4) < 8) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	uint32_t ulen = rd16(uh + 4);

	/* udp6_csum_init(): a zero checksum is not allowed over IPv6. */
	if (rd16(uh + 6) == 0 || !csum6_ok(p, off, ulen, IPPROTO_UDP_)) {
		stack_drop(net, p, PKT_DROP_UDP_CSUM);
		return;
	}
	stack_set_fate(net, USNF_FATE_LOCAL);
	if (a6_multicast(pkt_network(p) + 24)) {
		stack_trace_local(net, p, "udp multicast, no listener");
		pkt_free(p);
		return;
	}
	stack_trace_local(net, p, "udp port unreachable");
	icmp6_send(net, p, 1, 4, 0);
	stack_drop(net, p, PKT_DROP_NO_SOCKET);
}

/*
 * A hop-by-hop, destination options or routing header met on the way in
 * (ip6_protocol_deliver_rcu() calling ipv6_destopt_rcv()/ipv6_rthdr_rcv()):
 * checked, then skipped.  Returns false when p was dropped.
 */
static bool ipv6_exthdr_rcv(struct usnf_net *net, struct pkt *p, uint8_t *nh, uint32_t *nhoff,
			    uint32_t *off)
{
	const uint8_t *h;

	if (*nh == NEXTHDR_HOP && *off != 40) {
		/* Hop-by-hop only first; that one was already checked in ipv6_rcv(). */
		icmp6_send(net, p, 4, 1, *nhoff);
		stack_drop(net, p, PKT_DROP_IPV6_BAD_EXTHDR);
		return false;
	}
	if (*nh == NEXTHDR_DEST && !ipv6_parse_tlv(net, p, p->net_off + *off, 8, false))
		return false;
	h = pkt_header(p, p->net_off + *off, *nh == NEXTHDR_ROUTING ? 4 : 2);
	if (!h) {
		stack_drop(net, p, PKT_DROP_IPV6_BAD_EXTHDR);
		return false;
	}
	if (*nh == NEXTHDR_ROUTING && h[3] != 0) {
		/* ipv6_rthdr_rcv(): no routing header type is accepted here. */
		icmp6_send(net, p, 4, 0, *off + 2);
		stack_drop(net, p, PKT_DROP_IPV6_BAD_EXTHDR);
		return false;
	}
	*nhoff = *off;
	*nh = h[0];
	*off += ((uint32_t)h[1] + 1) * 8;
	return true;
}

/*
 * ip6_protocol_deliver_rcu(): walk the headers after the fixed header (a leading
 * hop-by-hop header was handled in ipv6_rcv()); offsets are from the network
 * header.  Fragments are reassembled here, after LOCAL_IN saw each of them.
 */
static void ipv6_local_deliver_finish(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	uint8_t nh = pkt_network(p)[6];
	uint32_t nhoff = 6, off = 40;
	bool fragmented = false;

	for (;;) {
		switch (nh) {
		case NEXTHDR_HOP:
		case NEXTHDR_DEST:
		case NEXTHDR_ROUTING:
			if (!ipv6_exthdr_rcv(net, p, &nh, &nhoff, &off))
				return;
			continue;
		case NEXTHDR_FRAGMENT:
			if (fragmented) {
				/* IP6SKB_FRAGMENTED: a second fragment header. */
				icmp6_send(net, p, 4, 0, off);
				stack_drop(net, p, PKT_DROP_IPV6_BAD_EXTHDR);
				return;
			}
			if (!ipv6_frag_rcv(net, p, &nhoff, &off, &p))
				return;
			fragmented = true;
			nh = pkt_network(p)[nhoff];
			continue;
		case NEXTHDR_NONE:
			stack_set_fate(net, USNF_FATE_LOCAL);
			stack_trace_local(net, p, "no next header");
			pkt_free(p);
			return;
		case IPPROTO_ICMPV6_:
			p->trans_off = p->net_off + off;
			icmp6_rcv(net, p, in);
			return;
		case IPPROTO_TCP_:
			tcp6_rcv(net, p, p->net_off + off);
			return;
		case IPPROTO_UDP_:
			udp6_rcv(net, p, p->net_off + off);
			return;
		default:
			stack_set_fate(net, USNF_FATE_LOCAL);
			stack_trace_local(net, p, "unknown next header");
			icmp6_send(net, p, 4, 1, nhoff);
			stack_drop(net, p, PKT_DROP_IP_NOPROTO);
			return;
		}
	}
}

static void ipv6_local_deliver(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	if (!stack_hook(net, USNF_NFPROTO_IPV6, USNF_INET_LOCAL_IN, p, in, NULL))
		return;
	ipv6_local_deliver_finish(net, p, in);
}

/* ipv6_chk_mcast_addr(): the groups a device has joined. */
static bool ipv6_mc_member(struct usnf_net *net, const struct usnf_iface *in, const uint8_t *a)
{
	static const uint8_t allnodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t allrouters[16] = { 0xff, 0x02, [15] = 2 };
	static const uint8_t site_routers[16] = { 0xff, 0x05, [15] = 2 };
	static const uint8_t if_allnodes[16] = { 0xff, 0x01, [15] = 1 };
	static const uint8_t solicited[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
	const struct route_ifaddr *ia;

	if (!memcmp(a, allnodes, 16) || !memcmp(a, if_allnodes, 16))
		return true;
	if (in->conf6[CONF6_FORWARDING] &&
	    (!memcmp(a, allrouters, 16) || !memcmp(a, site_routers, 16) ||
	     (a[1] == 0x01 && !memcmp(a + 2, allrouters + 2, 14))))
		return true;
	if (memcmp(a, solicited, 13))
		return false;
	for (unsigned int i = 0; (ia = route_addr_at(net, i)); i++)
		if (ia->family == AF_INET6_ && ia->ifindex == in->ifindex &&
		    !memcmp(ia->addr + 13, a + 13, 3))
			return true;
	return false;
}

/* ip6_rcv_finish(): route and dispatch. */
static void ipv6_rcv_finish(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	const uint8_t *daddr = pkt_network(p) + 24;
	const struct route_entry *r;

	ipv6_set_meta(p);
	if (a6_multicast(daddr)) {
		if (!ipv6_mc_member(net, in, daddr)) {
			stack_drop(net, p, PKT_DROP_OTHERHOST);
			return;
		}
		p->rt_type = RTN_MULTICAST;
		ipv6_local_deliver(net, p, in);
		return;
	}
	r = route_lookup(net, AF_INET6_, daddr, a6_linklocal(daddr) ? in->ifindex : 0);
	if (r && r->type == RTN_LOCAL) {
		p->rt_type = RTN_LOCAL;
		ipv6_local_deliver(net, p, in);
		return;
	}
	/* The local table's anycast routes: delivered, but not as a unicast destination. */
	if (route_anycast6(net, daddr, 0)) {
		p->rt_type = RTN_ANYCAST;
		ipv6_local_deliver(net, p, in);
		return;
	}
	if (!r || r->type == RTN_UNREACHABLE || r->type == RTN_PROHIBIT) {
		/* ip6_pkt_discard() / ip6_pkt_prohibit(). */
		icmp6_send(net, p, 1, r && r->type == RTN_PROHIBIT ? 1 : 0, 0);
		stack_drop(net, p, r ? PKT_DROP_UNREACHABLE : PKT_DROP_IP_INNOROUTES);
		return;
	}
	if (r->type != RTN_UNICAST) {
		stack_drop(net, p, PKT_DROP_BLACKHOLE);
		return;
	}
	ipv6_forward(net, p, in, r);
}

/* ipv6_rcv() / ip6_rcv_core(). */
void ipv6_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	const uint8_t *ip6 = pkt_header(p, p->data, 40);
	uint32_t plen;

	if (p->pkt_type == PKT_OTHERHOST) {
		stack_drop(net, p, PKT_DROP_OTHERHOST);
		return;
	}
	if (in->conf6[CONF6_DISABLE_IPV6] || stk(net)->conf6_all[CONF6_DISABLE_IPV6]) {
		stack_drop(net, p, PKT_DROP_IPV6DISABLED);
		return;
	}
	if (!ip6) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	if ((ip6[0] >> 4) != 6) {
		stack_drop(net, p, PKT_DROP_IP_INHDR);
		return;
	}
	const uint8_t *s = ip6 + 8, *d = ip6 + 24;

	if (a6_multicast(s) || (!in->loopback && (a6_loopback(s) || a6_loopback(d))) ||
	    (a6_multicast(d) && (d[1] & 0x0f) == 0) ||
	    (!in->loopback && a6_multicast(d) && (d[1] & 0x0f) == 1) || a6_v4mapped(s)) {
		stack_drop(net, p, PKT_DROP_IP_INADDRERRORS);
		return;
	}
	plen = rd16(ip6 + 4);
	if (plen == 0 && ip6[6] == NEXTHDR_HOP) {
		stack_drop(net, p, PKT_DROP_IP_INHDR);      /* jumbograms: not here */
		return;
	}
	if (plen + 40 > p->len) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	if (p->len > plen + 40)
		pkt_trim(p, plen + 40);
	p->net_off = p->data;
	if (ip6[6] == NEXTHDR_HOP && !ipv6_parse_tlv(net, p, p->net_off + 40, 8, true))
		return;
	ipv6_set_meta(p);
	if (!stack_hook(net, USNF_NFPROTO_IPV6, USNF_INET_PRE_ROUTING, p, in, NULL))
		return;
	ipv6_rcv_finish(net, p, in);
}
