/* ipv4: receive, input routing, forwarding, local delivery and output (net/ipv4/ip_*.c). */
#include <errno.h>
#include <string.h>

#include "pkt/csum.h"
#include "pkt/parse.h"
#include "stack/stack_int.h"
#include "ct/ct.h"

#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

#define IPOPT_END 0
#define IPOPT_NOOP 1
#define IPOPT_RR 7
#define IPOPT_TS 68
#define IPOPT_LSRR 131
#define IPOPT_SSRR 137
#define IPOPT_RA 148

/* What ip_options_compile() found that later stages act on. */
struct ip4_opts {
	uint8_t rr;             /* offset of the record-route option from the IP header, 0 none */
	uint8_t ts;             /* offset of the timestamp option, 0 none */
	bool rr_needaddr;
	bool srr;
	bool router_alert;
};

void ipv4_set_csum(uint8_t *iph)
{
	uint16_t c;

	iph[10] = iph[11] = 0;
	c = ip_fast_csum(iph, iph[0] & 0x0f);
	memcpy(iph + 10, &c, 2);
}

/* Offsets and flags the rest of the engine reads from a packet with an IPv4 header at net_off. */
static void ipv4_set_meta(struct pkt *p)
{
	const uint8_t *iph = pkt_network(p);
	uint16_t fo = rd16(iph + 6);

	p->protocol = PKT_ETH_P_IP;
	p->trans_off = p->net_off + (uint32_t)(iph[0] & 0x0f) * 4;
	p->l4proto = iph[9];
	p->frag_off = (uint16_t)((fo & IP_OFFSET) * 8);
	p->is_fragment = (fo & (IP_MF | IP_OFFSET)) != 0;
}

/* ---- options (__ip_options_compile() on receive) ---- */

/* The timestamp of the IP options: milliseconds since midnight UT (inet_current_timestamp()). */
uint32_t ipv4_options_time(const struct usnf_net *net)
{
	uint64_t ms = net->now_ns / 1000000u;

	return (uint32_t)(ms % (86400u * 1000u));
}

static int ipv4_compile_ts(struct usnf_net *net, uint8_t *iph, unsigned int i, unsigned int len,
			   uint32_t spec_dst, struct ip4_opts *o)
{
	uint8_t *opt = iph + i, *timeptr = NULL;

	if (o->ts)
		return (int)i;
	if (len < 4)
		return (int)i + 1;
	if (opt[2] < 5)
		return (int)i + 2;
	if (opt[2] <= len) {
		if (opt[2] + 3u > len)
			return (int)i + 2;
		switch (opt[3] & 0x0f) {
		case 0:                 /* IPOPT_TS_TSONLY */
			timeptr = &opt[opt[2] - 1];
			opt[2] += 4;
			break;
		case 1:                 /* IPOPT_TS_TSANDADDR */
			if (opt[2] + 7u > len)
				return (int)i + 2;
			memcpy(&opt[opt[2] - 1], &spec_dst, 4);
			timeptr = &opt[opt[2] + 3];
			opt[2] += 8;
			break;
		case 3: {               /* IPOPT_TS_PRESPEC: only a stamp for us */
			uint32_t addr;

			if (opt[2] + 7u > len)
				return (int)i + 2;
			memcpy(&addr, &opt[opt[2] - 1], 4);
			if (route_addr_type(net, AF_INET_, &addr, 0) == RTN_UNICAST)
				break;
			timeptr = &opt[opt[2] + 3];
			opt[2] += 8;
			break;
		}
		default:
			break;
		}
		if (timeptr)
			wr32(timeptr, ipv4_options_time(net));
	} else if ((opt[3] & 0x0f) != 3) {
		unsigned int overflow = opt[3] >> 4;

		if (overflow == 15)
			return (int)i + 3;
		opt[3] = (uint8_t)((opt[3] & 0x0f) | ((overflow + 1) << 4));
	}
	o->ts = (uint8_t)i;
	return 0;
}

/*
 * ip_options_compile() on a received packet: validate, and do what the options
 * ask of every router on the way in place (record route gets spec_dst, the
 * timestamp option a stamp; bytes after END become END).  The header checksum
 * is not updated (the kernel leaves it stale until ip_forward_options()).
 * Returns 0, or the offset of the bad byte (the parameter problem pointer).
 */
static int ipv4_options_compile(struct usnf_net *net, uint8_t *iph, uint32_t spec_dst,
				struct ip4_opts *o)
{
	unsigned int hl = (unsigned int)(iph[0] & 0x0f) * 4;
	unsigned int i = 20;
	int bad;

	memset(o, 0, sizeof(*o));
	while (i < hl) {
		uint8_t t = iph[i];

		if (t == IPOPT_END) {
			for (i++; i < hl; i++)
				iph[i] = IPOPT_END;
			break;
		}
		if (t == IPOPT_NOOP) {
			i++;
			continue;
		}
		if (i + 2 > hl)
			return (int)i;
		unsigned int len = iph[i + 1];
		uint8_t *opt = iph + i;

		if (len < 2 || i + len > hl)
			return (int)i;
		switch (t) {
		case IPOPT_LSRR:
		case IPOPT_SSRR:
			if (len < 3)
				return (int)i + 1;
			if (opt[2] < 4)
				return (int)i + 2;
			if (o->srr)
				return (int)i;
			o->srr = true;
			break;
		case IPOPT_RR:
			if (o->rr)
				return (int)i;
			if (len < 3)
				return (int)i + 1;
			if (opt[2] < 4)
				return (int)i + 2;
			if (opt[2] <= len) {
				if (opt[2] + 3u > len)
					return (int)i + 2;
				memcpy(&opt[opt[2] - 1], &spec_dst, 4);
				opt[2] += 4;
				o->rr_needaddr = true;
			}
			o->rr = (uint8_t)i;
			break;
		case IPOPT_TS:
			bad = ipv4_compile_ts(net, iph, i, len, spec_dst, o);
			if (bad)
				return bad;
			break;
		case IPOPT_RA:
			if (len < 4)
				return (int)i + 1;
			if (opt[2] == 0 && opt[3] == 0)
				o->router_alert = true;
			break;
		default:
			break;
		}
		i += len;
	}
	return 0;
}

/* ---- output: neighbour, fragmentation, POSTROUTING ---- */

/* ip_finish_output2() + neigh_output(): broadcast/multicast map, else the neighbour or ARP. */
static void ipv4_neigh_output(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out)
{
	uint32_t nh;
	uint8_t mac[6];

	memcpy(&nh, p->nexthop, 4);
	if (p->rt_type == RTN_BROADCAST || nh == 0xffffffffu) {
		memset(mac, 0xff, 6);
	} else if ((((const uint8_t *)&nh)[0] & 0xf0) == 0xe0) {
		/* ip_eth_mc_map(): 01:00:5e + low 23 bits of the group. */
		const uint8_t *a = (const uint8_t *)&nh;

		mac[0] = 0x01, mac[1] = 0x00, mac[2] = 0x5e;
		mac[3] = a[1] & 0x7f, mac[4] = a[2], mac[5] = a[3];
	} else {
		const uint8_t *m = route_neigh_lookup(net, AF_INET_, out->ifindex, &nh);

		if (!m) {
			stack_resolve_output(net, p, out);     /* ARP, the packet waits */
			return;
		}
		memcpy(mac, m, 6);
	}
	stack_xmit(net, p, out, mac, PKT_ETH_P_IP);
}

/*
 * ip_options_fragment(): options without the copied flag (0x80) appear in the
 * first fragment only; in the header kept for the others they become NOOPs.
 */
static void ipv4_options_fragment(uint8_t *hdr, unsigned int hlen)
{
	unsigned int i = 20, ol;

	while (i < hlen) {
		uint8_t t = hdr[i];

		if (t == IPOPT_END)
			break;
		if (t == IPOPT_NOOP) {
			i++;
			continue;
		}
		if (i + 2 > hlen)
			break;          /* no length byte left in the header */
		ol = hdr[i + 1];
		if (ol < 2 || i + ol > hlen)
			break;
		if (!(t & 0x80))
			memset(hdr + i, IPOPT_NOOP, ol);
		i += ol;
	}
}

/* ip_do_fragment(): the slow path, one new packet per fragment. */
static void ipv4_fragment(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out,
			  uint32_t mtu)
{
	const uint8_t *iph = pkt_network(p);
	unsigned int hlen = (unsigned int)(iph[0] & 0x0f) * 4;
	uint32_t total = rd16(iph + 2);
	uint32_t left = total - hlen, off = 0;
	uint16_t ofo = rd16(iph + 6);
	uint32_t base = (uint32_t)(ofo & IP_OFFSET) * 8;
	bool more = ofo & IP_MF, df = ofo & IP_DF;
	bool first = true;
	uint8_t hdr[60];

	if (mtu < hlen + 8) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_BIG);
		return;
	}
	memcpy(hdr, iph, hlen);
	while (left > 0) {
		uint32_t len = left > mtu - hlen ? ((mtu - hlen) & ~7u) : left;
		struct pkt *f = pkt_clone(p);

		if (!f) {
			stk(net)->drops[PKT_DROP_NOMEM]++;
			break;
		}
		f->data = PKT_HEADROOM;
		f->net_off = f->data;
		memcpy(pkt_data(f), hdr, hlen);
		memcpy(pkt_data(f) + hlen, iph + hlen + off, len);
		f->len = hlen + len;
		uint8_t *fh = pkt_data(f);
		uint16_t fo = (uint16_t)((base + off) >> 3);

		if (off + len < total - hlen || more)
			fo |= IP_MF;
		if (df)
			fo |= IP_DF;
		wr16(fh + 6, fo);
		wr16(fh + 2, (uint16_t)(hlen + len));
		ipv4_set_csum(fh);
		ipv4_set_meta(f);
		if (first) {
			ipv4_options_fragment(hdr, hlen);
			first = false;
		}
		ipv4_neigh_output(net, f, out);
		off += len;
		left -= len;
	}
	pkt_free(p);
}

/* ip_finish_output(): fragment what exceeds the MTU, then the neighbour. */
static void ipv4_finish_output(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out)
{
	const uint8_t *iph = pkt_network(p);
	uint32_t mtu = p->mtu ? p->mtu : out->mtu;
	uint32_t fmax = ct_frag_max_size(p);

	/* ip_do_fragment(): conntrack-reassembled datagrams leave at their original sizes. */
	if (fmax && fmax < mtu)
		mtu = fmax;
	if (p->len > mtu) {
		if (rd16(iph + 6) & IP_DF) {
			/* ip_fragment(): DF set and too big (a local packet): frag needed. */
			icmp_send4(net, p, 3, 4, mtu);
			stack_drop(net, p, PKT_DROP_PKT_TOO_BIG);
			return;
		}
		ipv4_fragment(net, p, out, mtu);
		return;
	}
	ipv4_neigh_output(net, p, out);
}

/* ip_output(): POSTROUTING, then ip_finish_output(). */
static void ipv4_output(struct usnf_net *net, struct pkt *p, const struct usnf_iface *in,
			const struct usnf_iface *out)
{
	if (!stack_hook(net, USNF_NFPROTO_IPV4, USNF_INET_POST_ROUTING, p, in, out))
		return;
	if (p->rt_type == RTN_LOCAL) {
		stack_loopback(net, p, ipv4_rcv);
		return;
	}
	ipv4_finish_output(net, p, out);
}

/*
 * Output route for a local packet (ip_route_output_key()): sets oif, nexthop,
 * rt_type, mtu.  Returns the device or NULL (no route: -ENETUNREACH).
 */
static const struct usnf_iface *ipv4_route_output(struct usnf_net *net, struct pkt *p)
{
	const uint8_t *iph = pkt_network(p);
	uint32_t daddr = ipv4_daddr(iph);
	const struct route_entry *r;
	const struct usnf_iface *out;

	if (daddr == 0xffffffffu) {
		out = route_iface_get(net, p->oif);
		if (!out)
			return NULL;
		p->rt_type = RTN_BROADCAST;
		memcpy(p->nexthop, &daddr, 4);
		return out;
	}
	r = route_lookup(net, AF_INET_, &daddr, 0);
	if (!r || (r->type != RTN_UNICAST && r->type != RTN_LOCAL && r->type != RTN_BROADCAST))
		return NULL;
	p->rt_type = r->type;
	if (r->type == RTN_LOCAL) {
		out = route_iface_get(net, 1);
		memcpy(p->nexthop, &daddr, 4);
	} else {
		out = route_iface_get(net, r->oif);
		memcpy(p->nexthop, r->has_gw ? (const void *)r->gw : (const void *)&daddr, 4);
	}
	p->mtu = r->mtu;
	return out;
}

/* Route a local packet (again after a hook changed it); NULL when p was dropped. */
static const struct usnf_iface *ipv4_local_route(struct usnf_net *net, struct pkt *p)
{
	const struct usnf_iface *out;

	ipv4_set_meta(p);
	out = ipv4_route_output(net, p);
	if (!out) {
		stack_drop(net, p, PKT_DROP_IP_OUTNOROUTES);
		return NULL;
	}
	p->oif = out->ifindex;
	return out;
}

void ipv4_local_out(struct usnf_net *net, struct pkt *p)
{
	const struct usnf_iface *out;

	p->net_off = p->data;
	out = ipv4_local_route(net, p);
	if (!out)
		return;
	ipv4_local_out_routed(net, p, out);
}

/*
 * ip_local_out() of a packet whose route is already chosen (oif, nexthop,
 * rt_type, mtu set): nf_dup_ipv4() (dup.c) routes its copy to the gateway,
 * not to the destination, then sends it here.
 */
void ipv4_local_out_routed(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out)
{
	uint32_t daddr = ipv4_daddr(pkt_network(p));

	if (!stack_hook(net, USNF_NFPROTO_IPV4, USNF_INET_LOCAL_OUT, p, NULL, out))
		return;
	/* ip_route_me_harder(): a hook changed the destination, route again. */
	if (ipv4_daddr(pkt_network(p)) != daddr) {
		out = ipv4_local_route(net, p);
		if (!out)
			return;
	}
	ipv4_output(net, p, NULL, out);
}

/* ---- forwarding (ip_forward()) ---- */

/* ip_decrease_ttl(): the kernel's own incremental update, bit for bit. */
static void ipv4_decrease_ttl(uint8_t *iph)
{
	uint16_t c;
	uint32_t check;

	memcpy(&c, iph + 10, 2);
	check = c;
	uint16_t add = 0;

	wr16((uint8_t *)&add, 0x0100);
	check += add;
	c = (uint16_t)(check + (check >= 0xffff));
	memcpy(iph + 10, &c, 2);
	iph[8]--;
}

/* ip_forward_options(): record route gets the outgoing address. */
static void ipv4_forward_options(struct usnf_net *net, struct pkt *p, const struct ip4_opts *o,
				 const struct usnf_iface *out)
{
	uint8_t *iph = pkt_network(p);

	if (!o->rr_needaddr)
		return;
	uint8_t *opt = iph + o->rr;
	uint32_t src = 0, dst = ipv4_daddr(iph), nh;

	memcpy(&nh, p->nexthop, 4);
	/* ip_rt_get_source(): the route's preferred source toward the next hop. */
	const struct route_entry *r = route_lookup(net, AF_INET_, &dst, 0);

	if (r && r->has_src)
		memcpy(&src, r->prefsrc, 4);
	else
		route_select_src4(net, out->ifindex, nh, ROUTE_SCOPE_UNIVERSE, &src);
	/* ip_options_compile() advanced the pointer on receive and put spec_dst in
	 * the slot; the outgoing address replaces it. */
	memcpy(opt + opt[2] - 5, &src, 4);
	ipv4_set_csum(iph);
}

/* route.c's constants for redirects and errors (HZ = STACK_HZ jiffies). */
#define IP_RT_REDIRECT_NUMBER 9u
#define IP_RT_REDIRECT_LOAD (STACK_HZ / 50)
#define IP_RT_REDIRECT_SILENCE (IP_RT_REDIRECT_LOAD << (IP_RT_REDIRECT_NUMBER + 1))
#define IP_RT_ERROR_COST STACK_HZ
#define IP_RT_ERROR_BURST (5 * STACK_HZ)

static bool time_after(uint64_t a, uint64_t b) { return (int64_t)(b - a) < 0; }

/*
 * ip_rt_send_redirect(): a host redirect to the next hop, paced per source by the
 * inet_peer: the first at once, then with exponential back-off (redirect_load <<
 * n), at most redirect_number before redirect_silence without any resets it.
 */
static void ipv4_send_redirect(struct usnf_net *net, const struct pkt *p,
			       const struct usnf_iface *out)
{
	uint32_t saddr = ipv4_saddr(pkt_network(p)), gw;
	struct stack_peer *peer;
	uint64_t now = stack_jiffies(net);

	if (!stack_conf4(net, out, CONF4_SEND_REDIRECTS))
		return;
	memcpy(&gw, p->nexthop, 4);
	peer = stack_peer_get(net, AF_INET_, &saddr);
	if (!peer) {
		icmp_send4(net, p, 5, 1, gw);
		return;
	}
	if (time_after(now, peer->rate_last + IP_RT_REDIRECT_SILENCE)) {
		peer->rate_tokens = 0;
		peer->n_redirects = 0;
	}
	if (peer->n_redirects >= IP_RT_REDIRECT_NUMBER) {
		peer->rate_last = now;
		return;
	}
	if (peer->n_redirects == 0 ||
	    time_after(now, peer->rate_last + ((uint64_t)IP_RT_REDIRECT_LOAD << peer->n_redirects))) {
		icmp_send4(net, p, 5, 1, gw);
		peer->rate_last = now;
		peer->n_redirects++;
	}
}

static void ipv4_forward(struct usnf_net *net, struct pkt *p, struct usnf_iface *in,
			 const struct route_entry *r, const struct ip4_opts *o, bool do_redirect)
{
	uint8_t *iph = pkt_network(p);
	const struct usnf_iface *out = route_iface_get(net, r->oif);
	uint32_t mtu;

	if (p->pkt_type != PKT_HOST) {
		stack_drop(net, p, PKT_DROP_OTHERHOST);
		return;
	}
	if (iph[8] <= 1) {
		icmp_send4(net, p, 11, 0, 0);
		stack_drop(net, p, PKT_DROP_IP_TTL_EXPIRED);
		return;
	}
	if (!out) {
		stack_drop(net, p, PKT_DROP_IP_INNOROUTES);
		return;
	}
	/* ip_exceeds_mtu(): only DF packets are refused; the others get fragmented. */
	mtu = r->mtu ? r->mtu : out->mtu;
	if (p->len > mtu && (rd16(iph + 6) & IP_DF)) {
		icmp_send4(net, p, 3, 4, mtu);
		stack_drop(net, p, PKT_DROP_PKT_TOO_BIG);
		return;
	}
	ipv4_decrease_ttl(iph);
	/* The redirect quotes the packet with its TTL already decremented. */
	if (do_redirect && !o->srr)
		ipv4_send_redirect(net, p, out);
	p->oif = out->ifindex;
	if (!stack_hook(net, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, p, in, out))
		return;
	iph = pkt_network(p);
	if (o->rr)
		ipv4_forward_options(net, p, o, out);
	else if (o->ts)
		ipv4_set_csum(iph);     /* the stamp changed the header (opt->is_changed) */
	ipv4_output(net, p, in, out);
}

/* ---- local delivery (ip_local_deliver()) ---- */

static bool proto_known(uint8_t proto)
{
	return proto == IPPROTO_ICMP_ || proto == IPPROTO_IGMP_ || proto == IPPROTO_TCP_ ||
	       proto == IPPROTO_UDP_ || proto == IPPROTO_UDPLITE_;
}

static bool tcp4_csum_ok(const struct pkt *p, uint32_t l4len)
{
	const uint8_t *iph = pkt_network(p);

	return csum_l4(p, p->trans_off, l4len, csum_pseudo4(ipv4_saddr(iph), ipv4_daddr(iph),
							    iph[9], l4len)) == 0;
}

/* tcp_v4_rcv() with no sockets: validate, then answer with a reset. */
static void tcp4_rcv(struct usnf_net *net, struct pkt *p)
{
	const uint8_t *iph = pkt_network(p);
	uint32_t l4len = rd16(iph + 2) - (uint32_t)(iph[0] & 0x0f) * 4;
	const uint8_t *th = pkt_header(p, p->trans_off, 20);

	if (p->pkt_type != PKT_HOST) {
		stack_drop(net, p, PKT_DROP_OTHERHOST);
		return;
	}
	if (!th || (th[12] >> 4) < 5 || (uint32_t)(th[12] >> 4) * 4 > l4len) {
		stack_drop(net, p, th ? PKT_DROP_TCP_FLAGS : PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	if (!tcp4_csum_ok(p, l4len)) {
		stack_drop(net, p, PKT_DROP_TCP_CSUM);
		return;
	}
	stack_set_fate(net, USNF_FATE_LOCAL);
	if (!(th[13] & 0x04)) {
		stack_trace_local(net, p, "tcp rst");
		tcp4_send_reset(net, p);
	} else {
		stack_trace_local(net, p, "tcp rst ignored");
	}
	stack_drop(net, p, PKT_DROP_NO_SOCKET);
}

/* __udp4_lib_rcv() with no sockets. */
static void udp4_rcv(struct usnf_net *net, struct pkt *p)
{
	const uint8_t *iph = pkt_network(p);
	uint32_t l4len = rd16(iph + 2) - (uint32_t)(iph[0] & 0x0f) * 4;
	const uint8_t *uh = pkt_header(p, p->trans_off, 8);

	if (!uh || rd16(uh + 4) > l4len || rd16(uh + 4) < 8) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	uint32_t ulen = rd16(uh + 4);

	if (p->rt_type == RTN_BROADCAST || p->rt_type == RTN_MULTICAST) {
		/* __udp4_lib_mcast_deliver(): nobody listens, consumed without a word. */
		stack_set_fate(net, USNF_FATE_LOCAL);
		stack_trace_local(net, p, "udp broadcast, no listener");
		pkt_free(p);
		return;
	}
	if (rd16(uh + 6) != 0 &&
	    csum_l4(p, p->trans_off, ulen, csum_pseudo4(ipv4_saddr(iph), ipv4_daddr(iph),
							 IPPROTO_UDP_, ulen)) != 0) {
		stack_drop(net, p, PKT_DROP_UDP_CSUM);
		return;
	}
	stack_set_fate(net, USNF_FATE_LOCAL);
	stack_trace_local(net, p, "udp port unreachable");
	icmp_send4(net, p, 3, 3, 0);
	stack_drop(net, p, PKT_DROP_NO_SOCKET);
}

static void ipv4_local_deliver_finish(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	uint8_t proto = pkt_network(p)[9];

	switch (proto) {
	case IPPROTO_ICMP_:
		icmp_rcv(net, p, in);
		return;
	case IPPROTO_TCP_:
		tcp4_rcv(net, p);
		return;
	case IPPROTO_UDP_:
		udp4_rcv(net, p);
		return;
	default:
		break;
	}
	stack_set_fate(net, USNF_FATE_LOCAL);
	if (proto_known(proto)) {
		stack_trace_local(net, p, "consumed");
		pkt_free(p);
		return;
	}
	/* ip_protocol_deliver_rcu(): no handler, no raw socket. */
	stack_trace_local(net, p, "protocol unreachable");
	icmp_send4(net, p, 3, 2, 0);
	stack_drop(net, p, PKT_DROP_IP_NOPROTO);
}

static void ipv4_local_deliver(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	if (p->is_fragment) {
		p = ipv4_defrag(net, p);
		if (!p)
			return;
	}
	if (!stack_hook(net, USNF_NFPROTO_IPV4, USNF_INET_LOCAL_IN, p, in, NULL))
		return;
	ipv4_local_deliver_finish(net, p, in);
}

/* ---- input routing (ip_route_input_slow()) ---- */

enum rt4_kind { RT4_LOCAL, RT4_FORWARD, RT4_ERROR, RT4_DROP };

struct rt4_res {
	enum rt4_kind kind;
	const struct route_entry *r;
	int icmp_code;                  /* RT4_ERROR: code of dest-unreach, -1: silent */
	enum pkt_drop_reason reason;
	bool do_redirect;               /* IPSKB_DOREDIRECT */
};

static bool v4_loopback(uint32_t a) { return ((const uint8_t *)&a)[0] == 127; }
static bool v4_zeronet(uint32_t a) { return ((const uint8_t *)&a)[0] == 0; }
static bool v4_multicast(uint32_t a) { return (((const uint8_t *)&a)[0] & 0xf0) == 0xe0; }

/* inet_addr_onlink(): a and b (b 0: any) inside one subnet of dev's addresses. */
static bool ipv4_addr_onlink(struct usnf_net *net, int ifindex, uint32_t a, uint32_t b)
{
	const struct route_ifaddr *ia;

	for (unsigned int i = 0; (ia = route_addr_at(net, i)); i++) {
		uint8_t m[16], x[16], y[16];

		if (ia->family != AF_INET_ || ia->ifindex != ifindex)
			continue;
		route_prefix_mask(m, ia->addr, ia->plen, 4);
		route_prefix_mask(x, (const uint8_t *)&a, ia->plen, 4);
		route_prefix_mask(y, (const uint8_t *)&b, ia->plen, 4);
		if (!memcmp(m, x, 4) && (!b || !memcmp(m, y, 4)))
			return true;
	}
	return false;
}

static bool ipv4_dev_has_addr(struct usnf_net *net, int ifindex)
{
	return route_addr_first(net, AF_INET_, ifindex, 255) != NULL;
}

/*
 * fib_validate_source() / __fib_validate_source(): < 0 for a martian source or an
 * rp_filter failure; 1 if the source is reached directly (a next hop of host
 * scope: no gateway) through the input device, which is what lets
 * __mkroute_input() mark a packet for a redirect; else 0.  oif is the output
 * device of the forward route (0 for local and broadcast input).
 */
static int ipv4_validate_source(struct usnf_net *net, struct usnf_iface *in, uint32_t saddr,
				int oif)
{
	int rpf = stack_conf4(net, in, CONF4_RP_FILTER);
	bool accept_local = stack_conf4(net, in, CONF4_ACCEPT_LOCAL);
	const struct route_entry *r;

	if (!rpf && (in->ifindex != oif || !stack_conf4(net, in, CONF4_SEND_REDIRECTS))) {
		/* The fast path: only our own addresses are refused as sources. */
		if (!accept_local && route_addr_find(net, AF_INET_, &saddr))
			return -EINVAL;
		return 0;
	}
	r = route_lookup(net, AF_INET_, &saddr, 0);
	if (!r)
		return rpf ? -EXDEV : 0;
	if (r->type != RTN_UNICAST && (r->type != RTN_LOCAL || !accept_local))
		return -EINVAL;
	if (r->oif == in->ifindex || (r->type == RTN_LOCAL && in->loopback))
		return !r->has_gw;
	if (!ipv4_dev_has_addr(net, in->ifindex))
		return rpf ? -EXDEV : 0;
	if (rpf == 1)
		return -EXDEV;
	r = route_lookup(net, AF_INET_, &saddr, in->ifindex);
	return r && r->type == RTN_UNICAST && !r->has_gw;
}

static void rt4_error(struct rt4_res *res, int code, enum pkt_drop_reason reason)
{
	res->kind = RT4_ERROR;
	res->icmp_code = code;
	res->reason = reason;
}

/* Error codes of route types as fib_props[] / ip_error(). */
static void rt4_no_route(struct usnf_net *net, struct usnf_iface *in,
			 const struct route_entry *r, struct rt4_res *res)
{
	if (!stack_conf4(net, in, CONF4_FORWARDING)) {
		rt4_error(res, -1, r ? PKT_DROP_IP_INADDRERRORS : PKT_DROP_IP_INADDRERRORS);
		return;
	}
	if (!r)
		rt4_error(res, 0, PKT_DROP_IP_INNOROUTES);          /* -ENETUNREACH */
	else if (r->type == RTN_UNREACHABLE)
		rt4_error(res, 1, PKT_DROP_UNREACHABLE);            /* -EHOSTUNREACH */
	else if (r->type == RTN_PROHIBIT)
		rt4_error(res, 13, PKT_DROP_UNREACHABLE);           /* -EACCES */
	else
		rt4_error(res, -1, PKT_DROP_BLACKHOLE);             /* -EINVAL */
}

/*
 * __mkroute_input(): validate the source against the forward route; a packet
 * that leaves through the device it came in on, from a host on that link, is
 * marked for an ICMP redirect (send_redirects on, and shared_media or the
 * source and the gateway in one subnet of the device).
 */
static bool ipv4_mkroute_input(struct usnf_net *net, struct usnf_iface *in,
			       const struct route_entry *r, uint32_t saddr, struct rt4_res *res)
{
	int err = ipv4_validate_source(net, in, saddr, r->oif);
	uint32_t gw = 0;

	if (err < 0)
		return false;
	if (r->oif == in->ifindex && err && stack_conf4(net, in, CONF4_SEND_REDIRECTS)) {
		if (r->has_gw)
			memcpy(&gw, r->gw, 4);
		if (stack_conf4(net, in, CONF4_SHARED_MEDIA) ||
		    ipv4_addr_onlink(net, in->ifindex, saddr, gw))
			res->do_redirect = true;
	}
	return true;
}

static void ipv4_route_input(struct usnf_net *net, struct pkt *p, struct usnf_iface *in,
			     struct rt4_res *res)
{
	const uint8_t *iph = pkt_network(p);
	uint32_t saddr = ipv4_saddr(iph), daddr = ipv4_daddr(iph);
	bool localnet = stack_conf4(net, in, CONF4_ROUTE_LOCALNET);

	memset(res, 0, sizeof(*res));
	res->kind = RT4_DROP;
	res->reason = PKT_DROP_IP_INADDRERRORS;
	if (v4_multicast(saddr) || saddr == 0xffffffffu)
		return;                                         /* martian source */
	if (daddr == 0xffffffffu || (saddr == 0 && daddr == 0))
		goto brd_input;
	if (v4_zeronet(saddr) || v4_zeronet(daddr))
		return;
	if (v4_multicast(daddr)) {
		/* ip_route_input_mc(): no multicast groups joined beyond 224.0.0.1. */
		p->rt_type = RTN_MULTICAST;
		res->kind = RT4_LOCAL;
		return;
	}
	if (!in->loopback && !localnet && (v4_loopback(daddr) || v4_loopback(saddr)))
		return;                                         /* martian */
	const struct route_entry *r = route_lookup(net, AF_INET_, &daddr, 0);

	if (!r || r->type == RTN_UNREACHABLE || r->type == RTN_PROHIBIT ||
	    r->type == RTN_BLACKHOLE) {
		rt4_no_route(net, in, r, res);
		return;
	}
	if (r->type == RTN_BROADCAST) {
		if (stack_conf4(net, in, CONF4_BC_FORWARDING))
			goto forward;
		goto brd_input;
	}
	if (r->type == RTN_LOCAL) {
		if (!in->loopback && ipv4_validate_source(net, in, saddr, 0) < 0)
			return;
		p->rt_type = RTN_LOCAL;
		res->kind = RT4_LOCAL;
		res->r = r;
		return;
	}
	if (!stack_conf4(net, in, CONF4_FORWARDING)) {
		rt4_error(res, -1, PKT_DROP_FORWARDING_DISABLED);
		return;
	}
	if (r->type != RTN_UNICAST)
		return;                                         /* martian destination */
forward:
	if (!ipv4_mkroute_input(net, in, r, saddr, res))
		return;
	p->rt_type = RTN_UNICAST;
	res->kind = RT4_FORWARD;
	res->r = r;
	memcpy(p->nexthop, r->has_gw ? (const void *)r->gw : (const void *)&daddr, 4);
	return;
brd_input:
	if (saddr != 0 && ipv4_validate_source(net, in, saddr, 0) < 0)
		return;
	p->rt_type = RTN_BROADCAST;
	res->kind = RT4_LOCAL;
}

/*
 * ip_error(): the dst input of unreachable, prohibit and missing routes.  Its
 * ICMP error is paced per source by the inet_peer token bucket (error_cost per
 * message, at most error_burst saved up); a host the router has just sent a
 * rate-limited ICMP error to has an empty bucket (icmpv4_xrlim_allow()).
 */
static void ipv4_error(struct usnf_net *net, struct pkt *p, const struct rt4_res *res)
{
	if (res->icmp_code >= 0) {
		uint32_t saddr = ipv4_saddr(pkt_network(p));
		struct stack_peer *peer = stack_peer_get(net, AF_INET_, &saddr);
		bool send = true;

		if (peer) {
			uint64_t now = stack_jiffies(net);

			peer->rate_tokens += now - peer->rate_last;
			if (peer->rate_tokens > IP_RT_ERROR_BURST)
				peer->rate_tokens = IP_RT_ERROR_BURST;
			peer->rate_last = now;
			if (peer->rate_tokens >= IP_RT_ERROR_COST)
				peer->rate_tokens -= IP_RT_ERROR_COST;
			else
				send = false;
		}
		if (send)
			icmp_send4(net, p, 3, (uint8_t)res->icmp_code, 0);
	}
	stack_drop(net, p, res->reason);
}

/*
 * fib_compute_spec_dst(): the address a router puts in the options of a packet
 * it receives: the destination if it is ours, else the preferred source of the
 * route back to the sender.
 */
static uint32_t ipv4_spec_dst(struct usnf_net *net, const struct pkt *p, const struct usnf_iface *in)
{
	const uint8_t *iph = pkt_network(p);
	uint32_t saddr = ipv4_saddr(iph), src = 0;

	if (p->rt_type == RTN_LOCAL)
		return ipv4_daddr(iph);
	if (saddr && icmp_route_src4(net, saddr, &src, NULL))
		return src;
	route_select_src4(net, in->ifindex, saddr, saddr ? ROUTE_SCOPE_UNIVERSE : ROUTE_SCOPE_LINK, &src);
	return src;
}

/* ip_rcv_finish(): route, options (ip_rcv_options()), then the route's input. */
static void ipv4_rcv_finish(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	struct rt4_res res;
	struct ip4_opts o;
	const uint8_t *iph = pkt_network(p);

	ipv4_set_meta(p);
	ipv4_route_input(net, p, in, &res);
	if (res.kind == RT4_DROP) {
		stack_drop(net, p, res.reason);
		return;
	}
	memset(&o, 0, sizeof(o));
	if ((iph[0] & 0x0f) > 5) {
		int bad = ipv4_options_compile(net, pkt_network(p), ipv4_spec_dst(net, p, in), &o);

		if (bad) {
			icmp_send4(net, p, 12, 0, (uint32_t)bad << 24);
			stack_drop(net, p, PKT_DROP_IP_INHDR);
			return;
		}
		if (o.srr && !stack_conf4(net, in, CONF4_ACCEPT_SOURCE_ROUTE)) {
			stack_drop(net, p, PKT_DROP_IP_INHDR);
			return;
		}
	}
	if (res.kind == RT4_ERROR)
		ipv4_error(net, p, &res);
	else if (res.kind == RT4_LOCAL)
		ipv4_local_deliver(net, p, in);
	else
		ipv4_forward(net, p, in, res.r, &o, res.do_redirect);
}

/* ip_rcv_core(): header sanity, then PREROUTING. */
void ipv4_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	const uint8_t *iph = pkt_header(p, p->data, 20);
	unsigned int ihl, tot;

	if (p->pkt_type == PKT_OTHERHOST) {
		stack_drop(net, p, PKT_DROP_OTHERHOST);
		return;
	}
	if (!iph) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	ihl = iph[0] & 0x0f;
	if (ihl < 5 || (iph[0] >> 4) != 4) {
		stack_drop(net, p, PKT_DROP_IP_INHDR);
		return;
	}
	if (!pkt_header(p, p->data, ihl * 4)) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	if (ip_fast_csum(iph, ihl) != 0) {
		stack_drop(net, p, PKT_DROP_IP_CSUM);
		return;
	}
	tot = rd16(iph + 2);
	if (tot > p->len) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	if (tot < ihl * 4) {
		stack_drop(net, p, PKT_DROP_IP_INHDR);
		return;
	}
	/* pskb_trim_rcsum(): the Ethernet padding or trailing junk goes. */
	if (p->len > tot)
		pkt_trim(p, tot);
	p->net_off = p->data;
	ipv4_set_meta(p);
	if (!stack_hook(net, USNF_NFPROTO_IPV4, USNF_INET_PRE_ROUTING, p, in, NULL))
		return;
	ipv4_rcv_finish(net, p, in);
}
