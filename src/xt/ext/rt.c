/* rt: fields of the IPv6 routing header (ip6t_rt.c, libip6t_rt.c). */
#include <stdio.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define RT_TYP 0x01
#define RT_SGS 0x02
#define RT_LEN 0x04
#define RT_RES 0x08
#define RT_FST 0x10
#define RT_FST_NSTRICT 0x20
#define RT_INV_TYP 0x01
#define RT_INV_SGS 0x02
#define RT_INV_LEN 0x04
#define RT_MAX_ADDRS 16

enum { O_RT_TYPE = 0, O_RT_SEGSLEFT, O_RT_LEN, O_RT0RES, O_RT0ADDRS, O_RT0NSTRICT };

/* struct ip6t_rt. */
struct rt_info {
	uint32_t rt_type;
	uint32_t segsleft[2];
	uint32_t hdrlen;
	uint8_t flags, invflags;
	uint8_t addrs[RT_MAX_ADDRS][16];
	uint8_t addrnr;
};

static const struct xt_opt rt_opts[] = {
	{ .name = "rt-type", .id = O_RT_TYPE, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "rt-segsleft", .id = O_RT_SEGSLEFT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "rt-len", .id = O_RT_LEN, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "rt-0-res", .id = O_RT0RES, .arg = XT_ARG_NONE },
	{ .name = "rt-0-addrs", .id = O_RT0ADDRS, .arg = XT_ARG_REQUIRED },
	{ .name = "rt-0-not-strict", .id = O_RT0NSTRICT, .arg = XT_ARG_NONE },
	{ 0 },
};

static void rt_init(void *data)
{
	((struct rt_info *)data)->segsleft[1] = 0xffffffffu;
}

static bool rt_type0(const struct rt_info *r)
{
	return (r->flags & RT_TYP) && r->rt_type == 0 && !(r->invflags & RT_INV_TYP);
}

static int rt_parse_addrs(struct rt_info *r, const char *arg, struct xt_parse *ps)
{
	char buf[1024], *tok, *save;
	union xt_addr a;

	snprintf(buf, sizeof(buf), "%s", arg);
	r->addrnr = 0;
	/* parse_addresses(): every word between commas, an empty one too */
	for (save = buf; (tok = strsep(&save, ",")) != NULL;) {
		if (r->addrnr >= RT_MAX_ADDRS)
			return xt_parse_error(ps, "too many addresses specified");
		if (ext_addr_parse(XT_FAMILY_V6, tok, &a))
			return xt_parse_error(ps, "bad address: %s", tok);
		memcpy(r->addrs[r->addrnr++], a.a6, 16);
	}
	return 0;
}

static int rt_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct rt_info *r = data;
	unsigned long long v;

	switch (id) {
	case O_RT_TYPE:
		if (ext_parse_num(ps, "rt", "rt-type", arg, 0, 0xffffffffu, &v))
			return -1;
		r->rt_type = (uint32_t)v;
		r->flags |= RT_TYP;
		r->invflags |= invert ? RT_INV_TYP : 0;
		break;
	case O_RT_SEGSLEFT:
		if (ext_parse_range(ps, "rt", "rt-segsleft", arg, 0xffffffffu, &r->segsleft[0],
				    &r->segsleft[1]))
			return -1;
		r->flags |= RT_SGS;
		r->invflags |= invert ? RT_INV_SGS : 0;
		break;
	case O_RT_LEN:
		if (ext_parse_num(ps, "rt", "rt-len", arg, 0, 0xffffffffu, &v))
			return -1;
		r->hdrlen = (uint32_t)v;
		r->flags |= RT_LEN;
		r->invflags |= invert ? RT_INV_LEN : 0;
		break;
	case O_RT0RES:
		if (!rt_type0(r))
			return xt_parse_error(ps, "`--rt-type 0' required before `--rt-0-res'");
		r->flags |= RT_RES;
		break;
	case O_RT0ADDRS:
		if (!rt_type0(r))
			return xt_parse_error(ps, "`--rt-type 0' required before `--rt-0-addrs'");
		if (rt_parse_addrs(r, arg, ps))
			return -1;
		r->flags |= RT_FST;
		break;
	default:
		if (!(r->flags & RT_FST))
			return xt_parse_error(ps, "`--rt-0-addr ...' required before "
					      "`--rt-0-not-strict'");
		r->flags |= RT_FST_NSTRICT;
		break;
	}
	return 0;
}

/* rt_mt6_check(): the type 0 options need an uninverted --rt-type 0. */
static int rt_check(const void *data, struct xt_parse *ps)
{
	const struct rt_info *r = data;

	if ((r->flags & (RT_RES | RT_FST | RT_FST_NSTRICT)) && !rt_type0(r))
		return -EINVAL;
	return 0;
}

static void rt_addrs(const struct rt_info *r, struct strbuf *out)
{
	char buf[46];
	unsigned int i;

	for (i = 0; i < r->addrnr; i++)
		sb_addf(out, "%c%s", i ? ',' : ' ',
			ext_addr_str(XT_FAMILY_V6, (const union xt_addr *)r->addrs[i], buf));
}

static void rt_save(const void *data, const struct xt_rule *rl, struct strbuf *out)
{
	const struct rt_info *r = data;

	if (r->flags & RT_TYP)
		sb_addf(out, "%s --rt-type %u", r->invflags & RT_INV_TYP ? " !" : "", r->rt_type);
	if (!(r->segsleft[0] == 0 && r->segsleft[1] == 0xffffffffu)) {
		sb_addf(out, "%s --rt-segsleft %u", r->invflags & RT_INV_SGS ? " !" : "",
			r->segsleft[0]);
		if (r->segsleft[0] != r->segsleft[1])
			sb_addf(out, ":%u", r->segsleft[1]);
	}
	if (r->flags & RT_LEN)
		sb_addf(out, "%s --rt-len %u", r->invflags & RT_INV_LEN ? " !" : "", r->hdrlen);
	if (r->flags & RT_RES)
		sb_add(out, " --rt-0-res");
	if (r->flags & RT_FST) {
		sb_add(out, " --rt-0-addrs");
		rt_addrs(r, out);
	}
	if (r->flags & RT_FST_NSTRICT)
		sb_add(out, " --rt-0-not-strict");
}

static void rt_print(const void *data, const struct xt_rule *rl, unsigned int flags,
		     struct strbuf *out)
{
	const struct rt_info *r = data;
	const char *inv = r->invflags & RT_INV_SGS ? "!" : "";

	sb_add(out, " rt");
	if (r->flags & RT_TYP)
		sb_addf(out, " type:%s%u", r->invflags & RT_INV_TYP ? "!" : "", r->rt_type);
	if (r->segsleft[0] != 0 || r->segsleft[1] != 0xffffffffu || *inv) {
		if (r->segsleft[0] == r->segsleft[1])
			sb_addf(out, " segsleft:%s%u", inv, r->segsleft[0]);
		else
			sb_addf(out, " segslefts:%s%u:%u", inv, r->segsleft[0], r->segsleft[1]);
	}
	if (r->flags & RT_LEN)
		sb_addf(out, " length:%s%u", r->invflags & RT_INV_LEN ? "!" : "", r->hdrlen);
	if (r->flags & RT_RES)
		sb_add(out, " reserved");
	if (r->flags & RT_FST)
		sb_add(out, " 0-addrs");
	rt_addrs(r, out);
	if (r->flags & RT_FST_NSTRICT)
		sb_add(out, " 0-not-strict");
}

/* The type 0 address list: in order and complete, or (not-strict) a subsequence. */
static bool rt_addrs_match(const struct rt_info *r, const struct pkt *pkt, uint32_t ptr,
			   unsigned int hdrlen)
{
	unsigned int n = (hdrlen - 8) / 16, i = 0, t;
	const uint8_t *ap;

	if (r->addrnr > n)
		return false;
	for (t = 0; t < (r->flags & RT_FST_NSTRICT ? n : r->addrnr); t++) {
		ap = pkt_header(pkt, ptr + 8 + t * 16, 16);
		if (!ap)
			return false;
		if (r->flags & RT_FST_NSTRICT) {
			if (memcmp(ap, r->addrs[i], 16) == 0)
				i++;
			if (i == r->addrnr)
				break;
		} else if (memcmp(ap, r->addrs[t], 16) != 0) {
			return false;
		}
	}
	if (r->flags & RT_FST_NSTRICT)
		return i == r->addrnr;
	return r->addrnr == n;
}

/* rt_mt6(). */
static bool rt_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct rt_info *r = data;
	const uint8_t *rh, *res;
	uint32_t ptr;
	unsigned int hdrlen;
	int err = ext_ipv6_find_hdr(pkt, 43, &ptr);
	bool ret;

	if (err < 0) {
		if (err != -ENOENT)
			par->hotdrop = true;
		return false;
	}
	rh = pkt_header(pkt, ptr, 4);
	if (!rh) {
		par->hotdrop = true;
		return false;
	}
	hdrlen = (rh[1] + 1u) * 8;
	if (pkt_end(pkt) - ptr < hdrlen)
		return false;   /* shorter than its length field says */
	ret = ((rh[3] >= r->segsleft[0] && rh[3] <= r->segsleft[1]) ^
	       !!(r->invflags & RT_INV_SGS)) &&
	      (!(r->flags & RT_LEN) || ((r->hdrlen == hdrlen) ^ !!(r->invflags & RT_INV_LEN))) &&
	      (!(r->flags & RT_TYP) || ((r->rt_type == rh[2]) ^ !!(r->invflags & RT_INV_TYP)));
	if (ret && (r->flags & RT_RES)) {
		res = pkt_header(pkt, ptr + 4, 4);
		ret = res && !res[0] && !res[1] && !res[2] && !res[3];
	}
	if (!(r->flags & RT_FST))
		return ret;
	return rt_addrs_match(r, pkt, ptr, hdrlen) && ret;
}

const struct xt_match_ops xt_match_rt = {
	.name = "rt",
	.family = XT_EXT_V6,
	.size = sizeof(struct rt_info),
	.opts = rt_opts,
	.init = rt_init,
	.parse = rt_parse,
	.check = rt_check,
	.save = rt_save,
	.print = rt_print,
	.match = rt_match,
};
