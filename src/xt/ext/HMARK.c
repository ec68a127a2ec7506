/*
 * HMARK: set the packet mark to a hash of its addresses, ports/SPI and protocol,
 * scaled into --hmark-mod and offset (xt_HMARK.c, libxt_HMARK.c), from the packet
 * or, with --hmark-tuple ct, from its connection's tuples.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/ext/jhash.h"
#include "xt/xt.h"

/* XT_HMARK_* bit numbers (the option ids of libxt_HMARK follow them). */
enum { HM_SADDR_MASK = 0, HM_DADDR_MASK, HM_SPI, HM_SPI_MASK, HM_SPORT, HM_DPORT, HM_SPORT_MASK,
       HM_DPORT_MASK, HM_PROTO_MASK, HM_RND, HM_MODULUS, HM_OFFSET, HM_CT, HM_METHOD_L3,
       HM_METHOD_L3_4, O_TYPE = 20 };
#define HMF(b) (1u << (b))
#define HM_PKT_OPTS (HMF(HM_SADDR_MASK) | HMF(HM_DADDR_MASK) | HMF(HM_SPI_MASK) | \
		     HMF(HM_SPORT_MASK) | HMF(HM_DPORT_MASK) | HMF(HM_PROTO_MASK) | \
		     HMF(HM_SPORT) | HMF(HM_DPORT) | HMF(HM_SPI))

/* struct xt_hmark_info with the port words in host order (src = upper half of a SPI). */
struct hm_info {
	union xt_addr src_mask, dst_mask;
	uint16_t mask_src, mask_dst;    /* port_mask */
	uint16_t set_src, set_dst;      /* port_set */
	uint32_t flags;
	uint16_t proto_mask;
	uint32_t hashrnd, hmodulus, hoffset;
	uint32_t xflags;                /* parse time (cleared by final_check) */
};

static const struct xt_opt hm_opts[] = {
	{ .name = "hmark-tuple", .id = O_TYPE, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-src-prefix", .id = HM_SADDR_MASK, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-dst-prefix", .id = HM_DADDR_MASK, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-sport-mask", .id = HM_SPORT_MASK, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-dport-mask", .id = HM_DPORT_MASK, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-spi-mask", .id = HM_SPI_MASK, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-sport", .id = HM_SPORT, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-dport", .id = HM_DPORT, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-spi", .id = HM_SPI, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-proto-mask", .id = HM_PROTO_MASK, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-rnd", .id = HM_RND, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-mod", .id = HM_MODULUS, .arg = XT_ARG_REQUIRED },
	{ .name = "hmark-offset", .id = HM_OFFSET, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static void hm_plen_mask(union xt_addr *m, unsigned int len)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < len; i++)
		((uint8_t *)m)[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

static unsigned int hm_mask_len(const union xt_addr *m, unsigned int bits)
{
	unsigned int n = 0;

	while (n < bits && (((const uint8_t *)m)[n / 8] & (0x80 >> (n % 8))))
		n++;
	return n;
}

/* hmark_parse(): one --hmark-tuple word, matched as a prefix in libxt's order. */
static bool hm_type(struct hm_info *h, const char *w, size_t len)
{
	static const char *const words[] = { "ct", "src", "dst", "sport", "dport", "proto", "spi" };
	static const int bits[] = { HM_CT, HM_SADDR_MASK, HM_DADDR_MASK, HM_SPORT_MASK,
				    HM_DPORT_MASK, HM_PROTO_MASK, HM_SPI_MASK };
	size_t i;

	for (i = 0; i < 7; i++)
		if (strncasecmp(w, words[i], len) == 0)
			break;
	if (i == 7)
		return false;
	switch (bits[i]) {
	case HM_SADDR_MASK: memset(&h->src_mask, 0xff, sizeof(h->src_mask)); break;
	case HM_DADDR_MASK: memset(&h->dst_mask, 0xff, sizeof(h->dst_mask)); break;
	case HM_SPORT_MASK: h->mask_src = 0xffff; break;
	case HM_DPORT_MASK: h->mask_dst = 0xffff; break;
	case HM_PROTO_MASK: h->proto_mask = 0xffff; break;
	case HM_SPI_MASK: h->mask_src = h->mask_dst = 0xffff; break;
	default: break;
	}
	h->flags |= HMF(bits[i]);
	h->xflags |= HMF(bits[i]);
	return true;
}

static int hm_parse_type(struct hm_info *h, const char *arg, struct xt_parse *ps)
{
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg || !hm_type(h, arg, (size_t)(comma - arg)))
			return xt_parse_error(ps, "Bad type \"%s\"", arg);
		arg = comma + 1;
	}
	if (!*arg)
		return xt_parse_error(ps, "\"--hmark-tuple\" requires a list of types with no "
				      "spaces, e.g. src,dst,sport,dport,proto");
	if (!hm_type(h, arg, strlen(arg)))
		return xt_parse_error(ps, "Bad type \"%s\"", arg);
	return 0;
}

static int hm_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct hm_info *h = data;
	unsigned int plen = ps->family == XT_FAMILY_V6 ? 128 : 32;
	unsigned long long v;
	const char *name = ext_opt_name(hm_opts, id);

	if (id == O_TYPE)
		return hm_parse_type(h, arg, ps);
	/* a --hmark-tuple word marks its option as given (cb->xflags of hmark_parse()) */
	if (h->xflags & HMF(id))
		return xt_parse_error(ps, "HMARK: option \"--%s\" can only be used once.\n", name);
	switch (id) {
	case HM_SADDR_MASK: case HM_DADDR_MASK:
		/* XTTYPE_PLENMASK */
		if (ext_parse_plenmask(ps, "HMARK", name, arg, &plen,
				       id == HM_SADDR_MASK ? &h->src_mask : &h->dst_mask))
			return -1;
		break;
	case HM_SPORT_MASK: case HM_DPORT_MASK: case HM_SPORT: case HM_DPORT:
	case HM_PROTO_MASK:
		if (ext_parse_num(ps, "HMARK", name, arg, 0, 0xffff, &v))
			return -1;
		if (id == HM_SPORT_MASK)
			h->mask_src = (uint16_t)v;
		else if (id == HM_DPORT_MASK)
			h->mask_dst = (uint16_t)v;
		else if (id == HM_SPORT)
			h->set_src = (uint16_t)v;
		else if (id == HM_DPORT)
			h->set_dst = (uint16_t)v;
		else
			h->proto_mask = (uint16_t)v;
		break;
	default:
		if (ext_parse_num(ps, "HMARK", name, arg, id == HM_MODULUS ? 1 : 0, 0xffffffffu, &v))
			return -1;
		if (id == HM_SPI_MASK)
			h->mask_src = (uint16_t)(v >> 16), h->mask_dst = (uint16_t)v;
		else if (id == HM_SPI)
			h->set_src = (uint16_t)(v >> 16), h->set_dst = (uint16_t)v;
		else if (id == HM_RND)
			h->hashrnd = (uint32_t)v;
		else if (id == HM_MODULUS)
			h->hmodulus = (uint32_t)v;
		else
			h->hoffset = (uint32_t)v;
		break;
	}
	h->flags |= HMF(id);
	h->xflags |= HMF(id);
	return 0;
}

/* HMARK_check() of libxt_HMARK */
static int hm_final_check(void *data, struct xt_parse *ps)
{
	struct hm_info *h = data;
	uint32_t x = h->xflags;

	h->xflags = 0;
	if (!(x & HMF(HM_MODULUS)))
		return xt_parse_error(ps, "--hmark-mod is mandatory");
	if (!(x & HMF(HM_RND)))
		return xt_parse_error(ps, "--hmark-rnd is mandatory");
	if ((x & HMF(HM_SPI_MASK)) && (x & (HMF(HM_SPORT_MASK) | HMF(HM_DPORT_MASK))))
		return xt_parse_error(ps, "you cannot use --hmark-spi-mask and --hmark-?port-mask,"
				      "at the same time");
	if (!(x & (HM_PKT_OPTS | HMF(HM_CT))))
		return xt_parse_error(ps, "you have to specify --hmark-tuple at least");
	return 0;
}

/* hmark_tg_check() */
static int hm_check(const void *data, struct xt_parse *ps)
{
	const struct hm_info *h = data;

	if (!h->hmodulus)
		return -EINVAL;
	if (h->proto_mask && (h->flags & HMF(HM_METHOD_L3)))
		return -EINVAL;
	if ((h->flags & HMF(HM_SPI_MASK)) && (h->flags & (HMF(HM_SPORT_MASK) | HMF(HM_DPORT_MASK))))
		return -EINVAL;
	if ((h->flags & HMF(HM_SPI)) && (h->flags & (HMF(HM_SPORT) | HMF(HM_DPORT))))
		return -EINVAL;
	return 0;
}

static void hm_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct hm_info *h = data;
	unsigned int bits = r && r->family == XT_FAMILY_V6 ? 128 : 32;

	if (h->flags & HMF(HM_SADDR_MASK))
		sb_addf(out, " --hmark-src-prefix %u", hm_mask_len(&h->src_mask, bits));
	if (h->flags & HMF(HM_DADDR_MASK))
		sb_addf(out, " --hmark-dst-prefix %u", hm_mask_len(&h->dst_mask, bits));
	if (h->flags & HMF(HM_SPORT_MASK))
		sb_addf(out, " --hmark-sport-mask 0x%04x", h->mask_src);
	if (h->flags & HMF(HM_DPORT_MASK))
		sb_addf(out, " --hmark-dport-mask 0x%04x", h->mask_dst);
	if (h->flags & HMF(HM_SPI_MASK))
		sb_addf(out, " --hmark-spi-mask 0x%08x", (uint32_t)h->mask_src << 16 | h->mask_dst);
	if (h->flags & HMF(HM_SPORT))
		sb_addf(out, " --hmark-sport 0x%04x", h->set_src);
	if (h->flags & HMF(HM_DPORT))
		sb_addf(out, " --hmark-dport 0x%04x", h->set_dst);
	if (h->flags & HMF(HM_SPI))
		sb_addf(out, " --hmark-spi 0x%08x", (uint32_t)h->set_src << 16 | h->set_dst);
	if (h->flags & HMF(HM_PROTO_MASK))
		sb_addf(out, " --hmark-proto-mask 0x%02x", h->proto_mask);
	if (h->flags & HMF(HM_RND))
		sb_addf(out, " --hmark-rnd 0x%08x", h->hashrnd);
	if (h->flags & HMF(HM_MODULUS))
		sb_addf(out, " --hmark-mod %u", h->hmodulus);
	if (h->flags & HMF(HM_OFFSET))
		sb_addf(out, " --hmark-offset %u", h->hoffset);
	if (h->flags & HMF(HM_CT))
		sb_add(out, " --hmark-tuple ct");
}

/* The IPv6 prefix as xtables_ip6mask_to_numeric() without its '/'. */
static void hm_prefix6(const union xt_addr *m, struct strbuf *out)
{
	unsigned int n = hm_mask_len(m, 128);
	union xt_addr full;
	char buf[64];

	hm_plen_mask(&full, n);
	if (n == 128)
		return;         /* the mask prints as "", and libxt skips its first char */
	if (memcmp(&full, m, 16) == 0)
		sb_addf(out, "%u", n);
	else
		sb_add(out, ext_addr_str(XT_FAMILY_V6, m, buf));
}

static void hm_print(const void *data, const struct xt_rule *r, unsigned int flags,
		     struct strbuf *out)
{
	const struct hm_info *h = data;
	bool v6 = r && r->family == XT_FAMILY_V6;

	sb_add(out, " HMARK ");
	if (h->flags & HMF(HM_MODULUS))
		sb_addf(out, "mod %u ", h->hmodulus);
	if (h->flags & HMF(HM_OFFSET))
		sb_addf(out, "+ 0x%x ", h->hoffset);
	if (h->flags & HMF(HM_CT))
		sb_add(out, "ct, ");
	if (h->flags & HMF(HM_SADDR_MASK)) {
		sb_add(out, "src-prefix ");
		if (v6)
			hm_prefix6(&h->src_mask, out);
		else
			sb_addf(out, "%u", hm_mask_len(&h->src_mask, 32));
		sb_add(out, " ");
	}
	if (h->flags & HMF(HM_DADDR_MASK)) {
		sb_add(out, "dst-prefix ");
		if (v6)
			hm_prefix6(&h->dst_mask, out);
		else
			sb_addf(out, "%u", hm_mask_len(&h->dst_mask, 32));
		sb_add(out, " ");
	}
	if (h->flags & HMF(HM_SPORT_MASK))
		sb_addf(out, "sport-mask 0x%x ", h->mask_src);
	if (h->flags & HMF(HM_DPORT_MASK))
		sb_addf(out, "dport-mask 0x%x ", h->mask_dst);
	if (h->flags & HMF(HM_SPI_MASK))
		sb_addf(out, "spi-mask 0x%x ", (uint32_t)h->mask_src << 16 | h->mask_dst);
	if (h->flags & HMF(HM_SPORT))
		sb_addf(out, "sport 0x%x ", h->set_src);
	if (h->flags & HMF(HM_DPORT))
		sb_addf(out, "dport 0x%x ", h->set_dst);
	if (h->flags & HMF(HM_SPI))
		sb_addf(out, "spi 0x%x ", (uint32_t)h->set_src << 16 | h->set_dst);
	if (h->flags & HMF(HM_PROTO_MASK))
		sb_addf(out, "proto-mask 0x%x ", h->proto_mask);
	if (h->flags & HMF(HM_RND))
		sb_addf(out, "rnd 0x%x ", h->hashrnd);
}

/* struct hmark_tuple in host order. */
struct hm_tuple {
	uint32_t src, dst, ports;
	uint8_t proto;
};

static uint32_t hm_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* hmark_addr_mask(): IPv4 masked, IPv6 the XOR of the four masked words. */
static uint32_t hm_addr(const uint8_t *a, const union xt_addr *m, bool v6)
{
	const uint8_t *mb = (const uint8_t *)m;
	uint32_t r = 0;
	unsigned int i;

	for (i = 0; i < (v6 ? 4u : 1u); i++)
		r ^= hm_be32(a + 4 * i) & hm_be32(mb + 4 * i);
	return r;
}

/* hmark_swap_ports(): mask, set, larger port in the upper half. */
static uint32_t hm_ports(uint16_t src, uint16_t dst, const struct hm_info *h)
{
	src = (uint16_t)((src & h->mask_src) | h->set_src);
	dst = (uint16_t)((dst & h->mask_dst) | h->set_dst);
	return dst > src ? (uint32_t)dst << 16 | src : (uint32_t)src << 16 | dst;
}

/* proto_ports_offset() */
static int hm_ports_offset(uint8_t proto)
{
	switch (proto) {
	case 6: case 17: case 33: case 50: case 132: case 136: return 0;
	case 51: return 4;
	default: return -1;
	}
}

static void hm_set_ports(const struct pkt *pkt, uint32_t off, struct hm_tuple *t,
			 const struct hm_info *h)
{
	int poff = hm_ports_offset(t->proto);
	const uint8_t *p;

	if (poff < 0)
		return;
	p = pkt_header(pkt, off + (uint32_t)poff, 4);
	if (p)
		t->ports = hm_ports((uint16_t)(p[0] << 8 | p[1]), (uint16_t)(p[2] << 8 | p[3]), h);
}

/* hmark_ct_set_htuple(): the original source and the reply's source. */
static int hm_ct_tuple(const struct pkt *pkt, struct hm_tuple *t, const struct hm_info *h)
{
	const struct ct_conn *c = ct_get(pkt, NULL);
	const struct ct_tuple *o, *rp;
	bool v6;

	if (!c)
		return -1;
	o = &c->node[CT_DIR_ORIGINAL].t;
	rp = &c->node[CT_DIR_REPLY].t;
	v6 = o->l3 == USNF_NFPROTO_IPV6;
	t->src = hm_addr(o->src, &h->src_mask, v6);
	t->dst = hm_addr(rp->src, &h->dst_mask, v6);
	if (h->flags & HMF(HM_METHOD_L3))
		return 0;
	t->proto = o->proto;
	if (t->proto != 1)
		t->ports = hm_ports(o->sport, rp->sport, h);
	return 0;
}

/* hmark_pkt_set_htuple_ipv4(): ICMP errors hash their inner header. */
static int hm_pkt_tuple4(const struct pkt *pkt, struct hm_tuple *t, const struct hm_info *h)
{
	const uint8_t *ip = pkt_network(pkt), *icmp;
	uint32_t nhoff = pkt->net_off, ihl = (ip[0] & 0x0f) * 4u;

	if (ip[9] == 1) {
		icmp = pkt_header(pkt, nhoff + ihl, 8);
		/* icmp_is_err(): unreachable, source quench, redirect, time exceeded, parameter */
		if (icmp && icmp[0] <= 18 && (icmp[0] == 3 || icmp[0] == 4 || icmp[0] == 5 ||
					      icmp[0] == 11 || icmp[0] == 12)) {
			nhoff += ihl + 8;
			ip = pkt_header(pkt, nhoff, 20);
			if (!ip)
				return -1;
			ihl = (ip[0] & 0x0f) * 4u;
		}
	}
	t->src = hm_be32(ip + 12) & hm_be32((const uint8_t *)&h->src_mask);
	t->dst = hm_be32(ip + 16) & hm_be32((const uint8_t *)&h->dst_mask);
	if (h->flags & HMF(HM_METHOD_L3))
		return 0;
	t->proto = ip[9];
	if (t->proto == 1)
		return 0;
	if ((ip[6] & 0x3f) || ip[7])    /* ip_is_fragment(): MF or an offset */
		return 0;
	hm_set_ports(pkt, nhoff + ihl, t, h);
	return 0;
}

/*
 * ipv6_find_hdr(target -1, IP6_FH_F_AUTH) from the IPv6 header at off: the last
 * header's type and offset, stopping at AH; *frag says a fragment header was met.
 */
static int hm_find6(const struct pkt *pkt, uint32_t off, uint32_t *at, bool *frag)
{
	const uint8_t *ip6 = pkt_header(pkt, off, 40), *h;
	uint8_t nexthdr;
	uint32_t start;

	if (!ip6 || (ip6[0] >> 4) != 6)
		return -1;
	nexthdr = ip6[6];
	start = off + 40;
	*frag = false;
	for (;;) {
		if (nexthdr != 0 && nexthdr != 43 && nexthdr != 44 && nexthdr != 60 &&
		    nexthdr != 51)
			break;
		if (nexthdr == 51)
			break;                  /* IP6_FH_F_AUTH: AH is the answer */
		h = pkt_header(pkt, start, 8);
		if (!h)
			return -1;
		if (nexthdr == 44) {
			*frag = true;
			if ((h[2] << 8 | h[3]) & 0xfff8)
				break;          /* no header follows a later fragment */
			nexthdr = h[0];
			start += 8;
			continue;
		}
		nexthdr = h[0];
		start += (h[1] + 1u) * 8;
	}
	*at = start;
	return nexthdr;
}

/* hmark_pkt_set_htuple_ipv6() */
static int hm_pkt_tuple6(const struct pkt *pkt, struct hm_tuple *t, const struct hm_info *h)
{
	uint32_t ipoff = pkt->net_off, off;
	const uint8_t *ip6, *icmp;
	bool frag;
	int nh = hm_find6(pkt, ipoff, &off, &frag);

	if (nh < 0)
		return 0;
	if (!frag && nh == 58) {
		icmp = pkt_header(pkt, off, 8);
		if (icmp && icmp[0] && icmp[0] < 128) {     /* an error: use the inner header */
			ipoff = off + 8;
			nh = hm_find6(pkt, ipoff, &off, &frag);
			if (nh < 0)
				return -1;
		}
	}
	ip6 = pkt_header(pkt, ipoff, 40);
	if (!ip6)
		return -1;
	t->src = hm_addr(ip6 + 8, &h->src_mask, true);
	t->dst = hm_addr(ip6 + 24, &h->dst_mask, true);
	if (h->flags & HMF(HM_METHOD_L3))
		return 0;
	t->proto = (uint8_t)nh;
	if (t->proto == 58 || frag)
		return 0;
	hm_set_ports(pkt, off, t, h);
	return 0;
}

/* hmark_hash(): addresses in order, ports, protocol; scaled and offset. */
static uint32_t hm_hash(const struct hm_tuple *t, const struct hm_info *h)
{
	uint32_t src = t->src, dst = t->dst, hash;

	if (dst < src) {
		uint32_t tmp = src;

		src = dst;
		dst = tmp;
	}
	hash = jhash_3words(src, dst, t->ports, h->hashrnd);
	hash ^= t->proto & h->proto_mask;
	return jhash_scale(hash, h->hmodulus) + h->hoffset;
}

static unsigned int hm_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct hm_info *h = data;
	struct hm_tuple t = { 0 };
	int r;

	if (h->flags & HMF(HM_CT))
		r = hm_ct_tuple(pkt, &t, h);
	else if (xt_is_v6(par))
		r = hm_pkt_tuple6(pkt, &t, h);
	else
		r = hm_pkt_tuple4(pkt, &t, h);
	if (r == 0)
		pkt->mark = hm_hash(&t, h);
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_hmark = {
	.name = "HMARK",
	.family = XT_EXT_ANY,
	.size = sizeof(struct hm_info),
	.opts = hm_opts,
	.parse = hm_parse,
	.final_check = hm_final_check,
	.check = hm_check,
	.save = hm_save,
	.print = hm_print,
	.target = hm_target,
};
