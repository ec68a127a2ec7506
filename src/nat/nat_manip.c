/*
 * nat_manip: header rewriting with incremental checksum updates (nf_nat_proto.c):
 * IPv4/IPv6 addresses, TCP/UDP/UDP-Lite ports, ICMP/ICMPv6 echo ids, and the
 * translation of ICMP errors RELATED to a NATed connection.
 */
#include <arpa/inet.h>
#include <string.h>

#include "nat/nat_int.h"
#include "pkt/csum.h"
#include "pkt/parse.h"

#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_ICMPV6 58
#define P_UDPLITE 136

static void fix16(uint8_t *field, const void *from, const void *to)
{
	uint16_t c, f, t;

	memcpy(&c, field, 2);
	memcpy(&f, from, 2);
	memcpy(&t, to, 2);
	csum_replace2(&c, f, t);
	memcpy(field, &c, 2);
}

static void fix_addr(uint8_t *field, uint8_t l3, const uint8_t *from, const uint8_t *to)
{
	uint16_t c;

	memcpy(&c, field, 2);
	if (l3 == USNF_NFPROTO_IPV4) {
		uint32_t f, t;

		memcpy(&f, from, 4);
		memcpy(&t, to, 4);
		csum_replace4(&c, f, t);
	} else {
		csum_replace16(&c, from, to);
	}
	memcpy(field, &c, 2);
}

/* The address the manip replaces in the IP header at nh, and the new one. */
static void addr_of(uint8_t *nh, uint8_t l3, const struct ct_tuple *t, enum nat_manip m,
		    uint8_t **cur, const uint8_t **next)
{
	unsigned int alen = l3 == USNF_NFPROTO_IPV4 ? 4 : 16;
	unsigned int soff = l3 == USNF_NFPROTO_IPV4 ? 12 : 8;

	*cur = nh + (m == NAT_MANIP_SRC ? soff : soff + alen);
	*next = m == NAT_MANIP_SRC ? t->src : t->dst;
}

/*
 * tcp_manip_pkt()/udp_manip_pkt(): the port, and the checksum for the port and
 * the pseudo-header address.  An inner header quoted by an ICMP error may be cut
 * after 8 bytes: TCP's checksum is then out of reach and left alone.
 */
static bool ports_manip(struct pkt *p, uint32_t nhoff, uint32_t hoff, const struct ct_tuple *t,
			enum nat_manip m)
{
	uint8_t *nh = pkt_at(p, nhoff), *h, *cur, *csum;
	const uint8_t *next;
	uint16_t port = htons(m == NAT_MANIP_SRC ? t->sport : t->dport);
	bool do_csum;

	if (!pkt_header(p, hoff, 8))
		return false;
	h = pkt_at(p, hoff);
	addr_of(nh, t->l3, t, m, &cur, &next);
	if (t->proto == P_TCP) {
		do_csum = pkt_end(p) >= hoff + 20;
		csum = h + 16;
	} else {
		/* A zero UDP checksum (IPv4: none) stays zero. */
		do_csum = h[6] || h[7];
		csum = h + 6;
	}
	if (do_csum) {
		fix_addr(csum, t->l3, cur, next);
		fix16(csum, h + (m == NAT_MANIP_SRC ? 0 : 2), &port);
		if (t->proto != P_TCP && !csum[0] && !csum[1])
			csum[0] = csum[1] = 0xff;       /* CSUM_MANGLED_0 */
	}
	memcpy(h + (m == NAT_MANIP_SRC ? 0 : 2), &port, 2);
	return true;
}

/* icmp_manip_pkt(): queries carry the id; errors are left to the reply translation. */
static bool icmp_manip(struct pkt *p, uint32_t hoff, const struct ct_tuple *t)
{
	uint16_t id = htons(t->sport);
	uint8_t *h;

	if (!pkt_header(p, hoff, 8))
		return false;
	h = pkt_at(p, hoff);
	switch (h[0]) {
	case 0: case 8: case 13: case 14: case 15: case 16: case 17: case 18:
		break;
	default:
		return true;
	}
	fix16(h + 2, h + 4, &id);
	memcpy(h + 4, &id, 2);
	return true;
}

/* icmpv6_manip_pkt(): the pseudo-header address always, the id of echoes. */
static bool icmp6_manip(struct pkt *p, uint32_t nhoff, uint32_t hoff, const struct ct_tuple *t,
			enum nat_manip m)
{
	uint8_t *nh = pkt_at(p, nhoff), *h, *cur;
	const uint8_t *next;
	uint16_t id = htons(t->sport);

	if (!pkt_header(p, hoff, 8))
		return false;
	h = pkt_at(p, hoff);
	addr_of(nh, USNF_NFPROTO_IPV6, t, m, &cur, &next);
	fix_addr(h + 2, USNF_NFPROTO_IPV6, cur, next);
	if (h[0] == 128 || h[0] == 129) {
		fix16(h + 2, h + 4, &id);
		memcpy(h + 4, &id, 2);
	}
	return true;
}

/* l4proto_manip_pkt(): by the tuple's protocol, not the header's. */
static bool l4_manip(struct pkt *p, uint32_t nhoff, uint32_t hoff, const struct ct_tuple *t,
		     enum nat_manip m)
{
	switch (t->proto) {
	case P_TCP:
	case P_UDP:
	case P_UDPLITE:
		return ports_manip(p, nhoff, hoff, t, m);
	case P_ICMP:
		return t->l3 == USNF_NFPROTO_IPV4 ? icmp_manip(p, hoff, t) : true;
	case P_ICMPV6:
		return t->l3 == USNF_NFPROTO_IPV6 ? icmp6_manip(p, nhoff, hoff, t, m) : true;
	default:
		return true;
	}
}

bool nat_manip_pkt(struct pkt *p, uint32_t nhoff, const struct ct_tuple *target,
		   enum nat_manip m)
{
	uint8_t *nh, *cur;
	const uint8_t *next;

	if (target->l3 == USNF_NFPROTO_IPV4) {
		if (!pkt_header(p, nhoff, 20))
			return false;
		nh = pkt_at(p, nhoff);
		if (!l4_manip(p, nhoff, nhoff + (uint32_t)(nh[0] & 0x0f) * 4, target, m))
			return false;
		addr_of(nh, target->l3, target, m, &cur, &next);
		fix_addr(nh + 10, target->l3, cur, next);
		memcpy(cur, next, 4);
	} else {
		uint8_t nexthdr;
		uint16_t fo = 0;
		int hoff;

		if (!pkt_header(p, nhoff, 40))
			return false;
		nh = pkt_at(p, nhoff);
		nexthdr = nh[6];
		hoff = pkt_ipv6_skip_exthdr(p, nhoff + 40, &nexthdr, &fo, NULL);
		if (hoff >= 0 && !fo && !l4_manip(p, nhoff, (uint32_t)hoff, target, m))
			return false;
		addr_of(nh, target->l3, target, m, &cur, &next);
		memcpy(cur, next, 16);
	}
	return true;
}

unsigned int nat_packet(struct ct_conn *c, enum ct_info ci, unsigned int hook, struct pkt *p)
{
	enum nat_manip m = nat_hook2manip(hook);
	enum ct_dir dir = ct_info_dir(ci);
	uint32_t bit = m == NAT_MANIP_SRC ? CT_S_SRC_NAT : CT_S_DST_NAT;
	struct ct_tuple target;

	if (dir == CT_DIR_REPLY)
		bit ^= CT_S_SRC_NAT | CT_S_DST_NAT;
	if (!(c->status & bit))
		return USNF_ACCEPT;
	/* What the packet must look like: the inverse of the other direction's tuple. */
	ct_tuple_invert_any(&c->node[!dir].t, &target);
	return nat_manip_pkt(p, p->net_off, &target, m) ? USNF_ACCEPT : USNF_DROP;
}

/* The ICMP/ICMPv6 message from thoff to the end, checksummed from scratch. */
static void icmp_csum_redo(struct pkt *p, uint8_t l3, uint32_t thoff)
{
	uint32_t len = pkt_end(p) - thoff, pseudo = 0;
	uint8_t *h = pkt_at(p, thoff);
	uint16_t c;

	h[2] = h[3] = 0;
	if (l3 == USNF_NFPROTO_IPV6) {
		const uint8_t *nh = pkt_network(p);

		pseudo = csum_pseudo6(nh + 8, nh + 24, P_ICMPV6, len);
	}
	c = csum_l4(p, thoff, len, pseudo);
	memcpy(h + 2, &c, 2);
}

static bool icmp_csum_bad(const struct pkt *p, uint8_t l3, uint32_t thoff)
{
	uint32_t len = pkt_end(p) - thoff, pseudo = 0;

	if (l3 == USNF_NFPROTO_IPV6) {
		const uint8_t *nh = pkt_network(p);

		pseudo = csum_pseudo6(nh + 8, nh + 24, P_ICMPV6, len);
	}
	return csum_l4(p, thoff, len, pseudo) != 0;
}

bool nat_icmp_reply_translation(struct pkt *p, struct ct_conn *c, enum ct_info ci,
				unsigned int hook, uint32_t thoff)
{
	uint8_t l3 = c->node[0].t.l3;
	enum nat_manip m = nat_hook2manip(hook);
	enum ct_dir dir = ct_info_dir(ci);
	uint32_t bit = m == NAT_MANIP_SRC ? CT_S_SRC_NAT : CT_S_DST_NAT;
	const uint32_t done = CT_S_SRC_NAT_DONE | CT_S_DST_NAT_DONE;
	const uint32_t nat = CT_S_SRC_NAT | CT_S_DST_NAT;
	struct ct_tuple target;
	const uint8_t *h = pkt_header(p, thoff, 8);

	if (!h || icmp_csum_bad(p, l3, thoff))
		return false;
	/* Redirects about NATed connections would let the ends talk past the NAT. */
	if (h[0] == (l3 == USNF_NFPROTO_IPV4 ? 5 : 137)) {
		if ((c->status & done) != done || (c->status & nat))
			return false;
	}
	if (dir == CT_DIR_REPLY)
		bit ^= nat;
	if (!(c->status & bit))
		return true;
	/* The embedded packet travelled the other way: it takes the other tuple. */
	if (!nat_manip_pkt(p, thoff + 8, &c->node[!dir].t,
			   m == NAT_MANIP_SRC ? NAT_MANIP_DST : NAT_MANIP_SRC))
		return false;
	icmp_csum_redo(p, l3, thoff);
	ct_tuple_invert_any(&c->node[!dir].t, &target);
	target.proto = l3 == USNF_NFPROTO_IPV4 ? P_ICMP : P_ICMPV6;
	return nat_manip_pkt(p, p->net_off, &target, m);
}
