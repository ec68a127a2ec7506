/* ct_proto: tuples and the UDP, ICMP, ICMPv6 and generic trackers (nf_conntrack_proto_*.c). */
#include <string.h>

#include "ct/ct_int.h"
#include "pkt/csum.h"
#include "pkt/parse.h"

#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_DCCP 33
#define P_ICMPV6 58
#define P_SCTP 132
#define P_UDPLITE 136

static bool proto_has_ports(uint8_t proto)
{
	return proto == P_TCP || proto == P_UDP || proto == P_UDPLITE || proto == P_SCTP ||
	       proto == P_DCCP;
}

int ct_tuple_build(const struct pkt *p, uint8_t l3, uint32_t nhoff, uint32_t thoff,
		   uint8_t proto, struct ct_tuple *t)
{
	const uint8_t *h;

	memset(t, 0, sizeof(*t));
	t->l3 = l3;
	t->proto = proto;
	if (l3 == USNF_NFPROTO_IPV4) {
		if (!(h = pkt_header(p, nhoff, 20)))
			return -1;
		memcpy(t->src, h + 12, 4);
		memcpy(t->dst, h + 16, 4);
	} else {
		if (!(h = pkt_header(p, nhoff, 40)))
			return -1;
		memcpy(t->src, h + 8, 16);
		memcpy(t->dst, h + 24, 16);
	}
	if (proto_has_ports(proto)) {
		if (!(h = pkt_header(p, thoff, 4)))
			return -1;
		t->sport = ct_rd16(h);
		t->dport = ct_rd16(h + 2);
	} else if ((proto == P_ICMP && l3 == USNF_NFPROTO_IPV4) ||
		   (proto == P_ICMPV6 && l3 == USNF_NFPROTO_IPV6)) {
		if (!(h = pkt_header(p, thoff, 8)))
			return -1;
		t->sport = ct_rd16(h + 4);              /* echo id */
		t->dport = (uint16_t)(h[0] << 8 | h[1]); /* type, code */
	}
	return 0;
}

/* The reply type of an ICMP/ICMPv6 query, -1 if it has none (invmap[]). */
static int icmp_inverse(uint8_t l3, uint8_t type)
{
	static const uint8_t inv4[][2] = { { 8, 0 }, { 0, 8 }, { 13, 14 }, { 14, 13 },
					   { 15, 16 }, { 16, 15 }, { 17, 18 }, { 18, 17 } };
	static const uint8_t inv6[][2] = { { 128, 129 }, { 129, 128 }, { 139, 140 },
					   { 140, 139 } };
	const uint8_t (*m)[2] = l3 == USNF_NFPROTO_IPV4 ? inv4 : inv6;
	unsigned int n = l3 == USNF_NFPROTO_IPV4 ? 8 : 4;

	for (unsigned int i = 0; i < n; i++)
		if (m[i][0] == type)
			return m[i][1];
	return -1;
}

static bool is_icmp_proto(uint8_t l3, uint8_t proto)
{
	return (l3 == USNF_NFPROTO_IPV4 && proto == P_ICMP) ||
	       (l3 == USNF_NFPROTO_IPV6 && proto == P_ICMPV6);
}

bool ct_tuple_invert(const struct ct_tuple *in, struct ct_tuple *out)
{
	*out = *in;
	memcpy(out->src, in->dst, 16);
	memcpy(out->dst, in->src, 16);
	if (is_icmp_proto(in->l3, in->proto)) {
		int inv = icmp_inverse(in->l3, (uint8_t)(in->dport >> 8));

		if (inv < 0)
			return false;
		out->dport = (uint16_t)(inv << 8 | (in->dport & 0xff));
		out->sport = in->sport;
		return true;
	}
	out->sport = in->dport;
	out->dport = in->sport;
	return true;
}

void ct_tuple_invert_any(const struct ct_tuple *in, struct ct_tuple *out)
{
	if (!ct_tuple_invert(in, out))
		out->dport = in->dport;         /* addresses swapped, id kept */
}

/* nf_checksum(): the L4 checksum over [thoff, end) with its pseudo header; true if bad. */
static bool l4_csum_bad(const struct pkt *p, uint8_t l3, uint8_t proto, uint32_t thoff)
{
	uint32_t len = pkt_end(p) - thoff, pseudo;
	const uint8_t *nh = pkt_network(p);

	if (l3 == USNF_NFPROTO_IPV4) {
		uint32_t s, d;

		if (proto == P_ICMP)
			return csum_l4(p, thoff, len, 0) != 0;
		memcpy(&s, nh + 12, 4);
		memcpy(&d, nh + 16, 4);
		pseudo = csum_pseudo4(s, d, proto, len);
	} else {
		pseudo = csum_pseudo6(nh + 8, nh + 24, proto, len);
	}
	return csum_l4(p, thoff, len, pseudo) != 0;
}

/* udp_error(): length and checksum sanity. */
static bool udp_error(struct usnf_net *net, const struct pkt *p, uint8_t l3, uint8_t proto,
		      uint32_t thoff, uint8_t hook)
{
	const uint8_t *h = pkt_header(p, thoff, 8);
	uint32_t udplen = pkt_end(p) - thoff;

	if (!h)
		return true;
	if (ct_rd16(h + 4) > udplen || ct_rd16(h + 4) < 8)
		return true;
	if (!ct_rd16(h + 6))
		return false;                   /* no checksum */
	return ct_sys(ctn(net)->sys.checksum, 1) && hook == USNF_INET_PRE_ROUTING &&
	       l4_csum_bad(p, l3, proto, thoff);
}

bool ct_l4_error(struct usnf_net *net, const struct pkt *p, uint8_t l3, uint8_t proto,
		 uint32_t thoff, uint8_t hook)
{
	switch (proto) {
	case P_TCP:
		/* Called back from ct_tcp_error() for the checksum only. */
		return l4_csum_bad(p, l3, proto, thoff);
	case P_UDP:
	case P_UDPLITE:
		return udp_error(net, p, l3, proto, thoff, hook);
	default:
		return false;
	}
}

/* ICMP types that report an error about an embedded packet (icmp_is_err()). */
static bool icmp4_is_err(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

bool ct_is_icmp_error(const struct pkt *p, uint8_t l3, uint8_t proto, uint32_t thoff)
{
	const uint8_t *h = pkt_header(p, thoff, 1);

	if (!h || !is_icmp_proto(l3, proto))
		return false;
	return l3 == USNF_NFPROTO_IPV4 ? icmp4_is_err(h[0]) : h[0] < 128;
}

/* The embedded packet's tuple (nf_ct_get_tuplepr() on the inner header). */
static int inner_tuple(const struct pkt *p, uint8_t l3, uint32_t thoff, struct ct_tuple *t)
{
	uint32_t in = thoff + 8, ith;
	const uint8_t *ih;
	uint8_t proto;

	if (l3 == USNF_NFPROTO_IPV4) {
		if (!(ih = pkt_header(p, in, 20)) || (ih[0] >> 4) != 4 || (ih[0] & 0x0f) < 5)
			return -1;
		if (ct_rd16(ih + 6) & 0x1fff)
			return -1;              /* a non-first fragment has no L4 header */
		ith = in + (uint32_t)(ih[0] & 0x0f) * 4;
		proto = ih[9];
	} else {
		uint16_t fo = 0;
		int off;

		if (!(ih = pkt_header(p, in, 40)))
			return -1;
		proto = ih[6];
		off = pkt_ipv6_skip_exthdr(p, in + 40, &proto, &fo, NULL);
		if (off < 0 || fo)
			return -1;
		ith = (uint32_t)off;
	}
	return ct_tuple_build(p, l3, in, ith, proto, t);
}

/*
 * The error must travel towards the destination of the direction its embedded
 * packet was found in ("outer daddr != inner" in nf_conntrack_inet_error()).
 */
static bool outer_daddr_ok(const struct pkt *p, uint8_t l3, const struct ct_tuple *found)
{
	bool v4 = l3 == USNF_NFPROTO_IPV4;
	const uint8_t *oh = pkt_header(p, p->net_off, v4 ? 20 : 40);

	return oh && !memcmp(oh + (v4 ? 16 : 24), found->dst, v4 ? 4 : 16);
}

/* nf_conntrack_inet_error(): RELATED to the connection of the embedded packet. */
static bool inet_error(struct usnf_net *net, struct pkt *p, uint8_t l3, uint32_t thoff,
		       uint16_t zone)
{
	struct ct_tuple orig, inv;
	struct ct_node *n;
	enum ct_info ci = CT_RELATED;

	if (inner_tuple(p, l3, thoff, &orig))
		return false;
	orig.zone = zone;
	if (!ct_tuple_invert(&orig, &inv))
		return false;
	n = ct_find(net, &inv);
	if (!n)
		return false;
	/* An inner B->T quoted in an outer B->X would make X's packet RELATED. */
	if (!outer_daddr_ok(p, l3, &n->t))
		return false;
	if (n->dir == CT_DIR_REPLY)
		ci = CT_RELATED_REPLY;
	p->ct = ct_of_node(n);
	p->ctinfo = (p->ctinfo & ~CT_INFO_MASK) | ci;
	return true;
}

int ct_icmp_check(struct usnf_net *net, struct pkt *p, uint8_t l3, uint32_t thoff, uint8_t hook,
		  uint16_t zone)
{
	const uint8_t *h = pkt_header(p, thoff, l3 == USNF_NFPROTO_IPV4 ? 8 : 4);
	uint8_t type;

	if (!h)
		return 1;
	if (ct_sys(ctn(net)->sys.checksum, 1) && hook == USNF_INET_PRE_ROUTING &&
	    l4_csum_bad(p, l3, l3 == USNF_NFPROTO_IPV4 ? P_ICMP : P_ICMPV6, thoff))
		return 1;
	type = h[0];
	if (l3 == USNF_NFPROTO_IPV4) {
		if (type > 18)
			return 1;
		if (!icmp4_is_err(type))
			return 0;
	} else {
		if (type >= 128) {
			/* MLD and ND are not tracked (noct_valid_new[]). */
			if (type == 130 || type == 131 || type == 132 || type == 143 ||
			    (type >= 133 && type <= 137))
				return 3;
			return 0;
		}
	}
	return inet_error(net, p, l3, thoff, zone) ? 2 : 1;
}

static void udp_packet(struct usnf_net *net, struct ct_conn *c, bool fresh)
{
	struct ct_sysctl *s = &ctn(net)->sys;

	/* The stream timestamp: replies after 2 s make it a stream (nf_conntrack_udp_packet). */
	if (fresh)
		c->udp_stream_ns = net->now_ns + 2 * CT_NS_PER_S;
	if (c->status & CT_S_SEEN_REPLY) {
		uint32_t extra = (uint32_t)ct_sys(s->udp, 30);
		bool stream = false;

		if (net->now_ns > c->udp_stream_ns) {
			extra = (uint32_t)ct_sys(s->udp_stream, 120);
			stream = !(c->status & CT_S_ASSURED);
		}
		ct_refresh(net, c, extra);
		if (stream)
			c->status |= CT_S_ASSURED;
	} else {
		ct_refresh(net, c, (uint32_t)ct_sys(s->udp, 30));
	}
}

static int icmp_packet(struct usnf_net *net, struct ct_conn *c, bool fresh)
{
	uint8_t type = (uint8_t)(c->node[0].t.dport >> 8);
	bool v4 = c->node[0].t.l3 == USNF_NFPROTO_IPV4;

	if (fresh) {
		/* Only queries may create a connection (valid_new[]). */
		bool ok = v4 ? (type == 8 || type == 13 || type == 15 || type == 17)
			     : (type == 128 || type == 139);
		if (!ok)
			return 0;
	}
	ct_refresh(net, c, (uint32_t)ct_sys(v4 ? ctn(net)->sys.icmp : ctn(net)->sys.icmpv6, 30));
	return 1;
}

int ct_proto_packet(struct usnf_net *net, struct ct_conn *c, const struct pkt *p, uint32_t thoff,
		    enum ct_info info, bool fresh)
{
	const struct ct_tuple *t = &c->node[0].t;

	switch (t->proto) {
	case P_TCP:
		return ct_tcp_packet(net, c, p, thoff, info, fresh);
	case P_UDP:
	case P_UDPLITE:
		udp_packet(net, c, fresh);
		return 1;
	default:
		if (is_icmp_proto(t->l3, t->proto))
			return icmp_packet(net, c, fresh);
		ct_refresh(net, c, (uint32_t)ct_sys(ctn(net)->sys.generic, 600));
		return 1;
	}
}
