/* iprange: source/destination address ranges (xt_iprange.c, libxt_iprange.c revision 1). */
#include <stdio.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { IPRANGE_SRC = 1, IPRANGE_DST = 2, IPRANGE_SRC_INV = 0x10, IPRANGE_DST_INV = 0x20 };
enum { O_SRC_RANGE = 0, O_DST_RANGE };

/* struct xt_iprange_mtinfo. */
struct iprange_info {
	union xt_addr src_min, src_max, dst_min, dst_max;
	uint8_t flags;
};

static const struct xt_opt iprange_opts[] = {
	{ .name = "src-range", .id = O_SRC_RANGE, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "dst-range", .id = O_DST_RANGE, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

/* xtables_numeric_to_ipaddr(): up to four dotted bytes, missing ones 0 ("10" is
 * 10.0.0.0), each as xtables_strtoui(0-255); the first 19 chars count. */
static int iprange_numeric_ip4(const char *s, union xt_addr *a)
{
	unsigned long long v;
	uint8_t *b = (uint8_t *)&a->a4;
	char buf[20], *p = buf, *q;
	int i;

	memset(a, 0, sizeof(*a));
	snprintf(buf, sizeof(buf), "%s", s);
	for (i = 0; i < 3; i++) {
		q = strchr(p, '.');
		if (q)
			*q = '\0';
		if (xt_parse_uint(p, 0, 255, &v))
			return -1;
		b[i] = (uint8_t)v;
		if (!q)
			return 0;       /* fewer bytes: a network, the rest 0 */
		p = q + 1;
	}
	if (xt_parse_uint(p, 0, 255, &v))
		return -1;
	b[3] = (uint8_t)v;
	return 0;
}

static int iprange_addr(struct xt_parse *ps, const char *s, union xt_addr *a)
{
	if (ps->family == XT_FAMILY_V6)
		return ext_addr_parse(ps->family, s, a);
	return iprange_numeric_ip4(s, a);
}

/* "a-b" or "a" (then b = a), as iprange_parse_range(). */
static int iprange_parse_range(struct xt_parse *ps, const char *opt, const char *arg,
			       union xt_addr *lo, union xt_addr *hi)
{
	char buf[128], *dash;

	snprintf(buf, sizeof(buf), "%s", arg);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (iprange_addr(ps, buf, lo))
		return xt_parse_error(ps, "iprange: Bad value for \"--%s\" option: \"%s\"", opt, buf);
	if (!dash) {
		*hi = *lo;
		return 0;
	}
	if (iprange_addr(ps, dash, hi))
		return xt_parse_error(ps, "iprange: Bad value for \"--%s\" option: \"%s\"", opt, dash);
	return 0;
}

static int iprange_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct iprange_info *info = data;

	if (id == O_SRC_RANGE) {
		info->flags |= IPRANGE_SRC | (invert ? IPRANGE_SRC_INV : 0);
		return iprange_parse_range(ps, "src-range", arg, &info->src_min, &info->src_max);
	}
	info->flags |= IPRANGE_DST | (invert ? IPRANGE_DST_INV : 0);
	return iprange_parse_range(ps, "dst-range", arg, &info->dst_min, &info->dst_max);
}

static int iprange_final_check(void *data, struct xt_parse *ps)
{
	const struct iprange_info *info = data;

	if (!(info->flags & (IPRANGE_SRC | IPRANGE_DST)))
		return xt_parse_error(ps, "iprange match: You must specify `--src-range' or "
				      "`--dst-range'");
	return 0;
}

static void iprange_out(const struct iprange_info *info, const struct xt_rule *r, bool save,
			struct strbuf *out)
{
	char a[46], b[46];
	enum xt_family fam = r ? (enum xt_family)r->family : XT_FAMILY_V4;

	if (info->flags & IPRANGE_SRC) {
		if (save)
			sb_addf(out, "%s --src-range", info->flags & IPRANGE_SRC_INV ? " !" : "");
		else
			sb_addf(out, " source IP range%s", info->flags & IPRANGE_SRC_INV ? " !" : "");
		sb_addf(out, " %s-%s", ext_addr_str(fam, &info->src_min, a),
			ext_addr_str(fam, &info->src_max, b));
	}
	if (info->flags & IPRANGE_DST) {
		if (save)
			sb_addf(out, "%s --dst-range", info->flags & IPRANGE_DST_INV ? " !" : "");
		else
			sb_addf(out, " destination IP range%s",
				info->flags & IPRANGE_DST_INV ? " !" : "");
		sb_addf(out, " %s-%s", ext_addr_str(fam, &info->dst_min, a),
			ext_addr_str(fam, &info->dst_max, b));
	}
}

static void iprange_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	iprange_out(data, r, true, out);
}

static void iprange_print(const void *data, const struct xt_rule *r, unsigned int flags,
			  struct strbuf *out)
{
	iprange_out(data, r, false, out);
}

/* Addresses compared as big-endian numbers (iprange_ipv6_lt() / ntohl()). */
static int iprange_cmp(const uint8_t *a, const uint8_t *b, size_t n)
{
	return memcmp(a, b, n);
}

static bool iprange_out_of(const uint8_t *a, const union xt_addr *lo, const union xt_addr *hi,
			   size_t n)
{
	return iprange_cmp(a, (const uint8_t *)lo, n) < 0 || iprange_cmp(a, (const uint8_t *)hi, n) > 0;
}

static bool iprange_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct iprange_info *info = data;
	bool v6 = xt_is_v6(par);
	size_t n = v6 ? 16 : 4;
	const uint8_t *h = pkt_header(pkt, pkt->net_off, v6 ? 40 : 20);
	const uint8_t *src, *dst;
	bool m;

	if (!h)
		return false;
	src = v6 ? h + 8 : h + 12;
	dst = v6 ? h + 24 : h + 16;
	if (info->flags & IPRANGE_SRC) {
		m = iprange_out_of(src, &info->src_min, &info->src_max, n);
		if (m ^ !!(info->flags & IPRANGE_SRC_INV))
			return false;
	}
	if (info->flags & IPRANGE_DST) {
		m = iprange_out_of(dst, &info->dst_min, &info->dst_max, n);
		if (m ^ !!(info->flags & IPRANGE_DST_INV))
			return false;
	}
	return true;
}

const struct xt_match_ops xt_match_iprange = {
	.name = "iprange",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct iprange_info),
	.opts = iprange_opts,
	.parse = iprange_parse,
	.final_check = iprange_final_check,
	.save = iprange_save,
	.print = iprange_print,
	.match = iprange_match,
};
