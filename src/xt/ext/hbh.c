/* hbh, dst: the hop-by-hop and destination options headers (ip6t_hbh.c, libip6t_hbh/dst.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define OPTS_LEN 0x01
#define OPTS_OPTS 0x02
#define OPTS_INV_LEN 0x01
#define OPTS_MAX 16

enum { O_OPTS_LEN = 0, O_OPTS_OPTS };

/* struct ip6t_opts: each option is type << 8 | length (0xff: any length). */
struct opts_info {
	uint32_t hdrlen;
	uint8_t flags, invflags;
	uint16_t opts[OPTS_MAX];
	uint8_t optsnr;
};

static const struct xt_opt hbh_opts[] = {
	{ .name = "hbh-len", .id = O_OPTS_LEN, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "hbh-opts", .id = O_OPTS_OPTS, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct xt_opt dst_opts[] = {
	{ .name = "dst-len", .id = O_OPTS_LEN, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "dst-opts", .id = O_OPTS_OPTS, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static int opts_num(struct xt_parse *ps, const char *ext, const char *what, const char *s,
		    unsigned long *out)
{
	char *end;

	/* parse_opts_num() */
	errno = 0;
	*out = strtoul(s, &end, 0);
	if (end == s)
		return xt_parse_error(ps, "%s: no valid digits in %s `%s'", ext, what, s);
	if (*out == ULONG_MAX && errno == ERANGE)
		return xt_parse_error(ps, "%s `%s' specified too big: would overflow", what, s);
	if (*end)
		return xt_parse_error(ps, "%s: error parsing %s `%s'", ext, what, s);
	return 0;
}

/* parse_options(): "type[:length],..." (the length ORed in as the tool does). */
static int opts_parse_list(struct opts_info *o, const char *ext, const char *arg,
			   struct xt_parse *ps)
{
	char buf[512], *tok, *save, *colon;
	unsigned long t, l;

	snprintf(buf, sizeof(buf), "%s", arg);
	o->optsnr = 0;
	/* every word between commas, an empty one too */
	for (save = buf; (tok = strsep(&save, ",")) != NULL;) {
		if (o->optsnr >= OPTS_MAX)
			return xt_parse_error(ps, "too many addresses specified");
		colon = strchr(tok, ':');
		if (colon)
			*colon++ = '\0';
		if (opts_num(ps, ext, "opt", tok, &t))
			return -1;
		o->opts[o->optsnr] = (uint16_t)(t << 8);
		if (colon) {
			if (opts_num(ps, ext, "length", colon, &l))
				return -1;
			o->opts[o->optsnr] |= (uint16_t)l;
		} else {
			o->opts[o->optsnr] |= 0xff;
		}
		o->optsnr++;
	}
	return 0;
}

static int opts_parse(struct opts_info *o, const char *ext, int id, const char *arg, bool invert,
		      struct xt_parse *ps)
{
	unsigned long long v;
	char opt[16];

	if (id == O_OPTS_LEN) {
		snprintf(opt, sizeof(opt), "%s-len", ext);
		if (ext_parse_num(ps, ext, opt, arg, 0, 0xffffffffu, &v))
			return -1;
		o->hdrlen = (uint32_t)v;
		o->flags |= OPTS_LEN;
		if (invert)
			o->invflags |= OPTS_INV_LEN;
		return 0;
	}
	if (opts_parse_list(o, ext, arg, ps))
		return -1;
	o->flags |= OPTS_OPTS;
	return 0;
}

static int hbh_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return opts_parse(data, "hbh", id, arg, invert, ps);
}

static int dst_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return opts_parse(data, "dst", id, arg, invert, ps);
}

static void opts_list(const struct opts_info *o, struct strbuf *out)
{
	unsigned int i;

	for (i = 0; i < o->optsnr; i++) {
		sb_addf(out, "%c%u", i ? ',' : ' ', o->opts[i] >> 8);
		if ((o->opts[i] & 0xff) != 0xff)
			sb_addf(out, ":%u", o->opts[i] & 0xff);
	}
}

static void opts_save(const struct opts_info *o, const char *ext, struct strbuf *out)
{
	if (o->flags & OPTS_LEN)
		sb_addf(out, "%s --%s-len %u", o->invflags & OPTS_INV_LEN ? " !" : "", ext, o->hdrlen);
	if (o->flags & OPTS_OPTS) {
		sb_addf(out, " --%s-opts", ext);
		opts_list(o, out);
	}
}

static void opts_print(const struct opts_info *o, const char *ext, struct strbuf *out)
{
	sb_addf(out, " %s", ext);
	if (o->flags & OPTS_LEN)
		sb_addf(out, " length:%s%u", o->invflags & OPTS_INV_LEN ? "!" : "", o->hdrlen);
	if (o->flags & OPTS_OPTS)
		sb_add(out, " opts");
	opts_list(o, out);
}

static void hbh_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	opts_save(data, "hbh", out);
}

static void dst_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	opts_save(data, "dst", out);
}

static void hbh_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	opts_print(data, "hbh", out);
}

static void dst_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	opts_print(data, "dst", out);
}

/* The option list of hbh_mt6(): the rule's options, in order, from the start. */
static bool opts_walk(const struct opts_info *o, const struct pkt *pkt, uint32_t ptr,
		      unsigned int hdrlen)
{
	unsigned int t, optlen;
	const uint8_t *tp, *lp;

	for (t = 0; t < o->optsnr; t++) {
		if (hdrlen < 1 || !(tp = pkt_header(pkt, ptr, 1)))
			break;
		if (*tp != o->opts[t] >> 8)
			return false;
		if (*tp) {
			if (hdrlen < 2 || !(lp = pkt_header(pkt, ptr + 1, 1)))
				break;
			if ((o->opts[t] & 0xff) != 0xff && (o->opts[t] & 0xff) != *lp)
				return false;
			optlen = *lp + 2u;
		} else {
			optlen = 1;     /* Pad1 */
		}
		if ((ptr > pkt_end(pkt) - optlen || hdrlen < optlen) && t < o->optsnr - 1u)
			break;
		ptr += optlen;
		hdrlen -= optlen;
	}
	return t == o->optsnr;
}

static bool opts_match(const struct pkt *pkt, const struct opts_info *o, uint8_t hdr,
		       struct xt_action *par)
{
	const uint8_t *oh;
	uint32_t ptr;
	unsigned int hdrlen;
	int err = ext_ipv6_find_hdr(pkt, hdr, &ptr);
	bool ret;

	if (err < 0) {
		if (err != -ENOENT)
			par->hotdrop = true;
		return false;
	}
	oh = pkt_header(pkt, ptr, 2);
	if (!oh) {
		par->hotdrop = true;
		return false;
	}
	hdrlen = (oh[1] + 1u) * 8;
	if (pkt_end(pkt) - ptr < hdrlen)
		return false;
	ret = !(o->flags & OPTS_LEN) || ((o->hdrlen == hdrlen) ^ !!(o->invflags & OPTS_INV_LEN));
	if (!(o->flags & OPTS_OPTS))
		return ret;
	return opts_walk(o, pkt, ptr + 2, hdrlen - 2) && ret;
}

static bool hbh_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	return opts_match(pkt, data, 0, par);
}

static bool dst_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	return opts_match(pkt, data, 60, par);
}

/* hbh_mt6_check(): the list must fit. */
static int opts_check(const void *data, struct xt_parse *ps)
{
	return ((const struct opts_info *)data)->optsnr > OPTS_MAX ? -EINVAL : 0;
}

const struct xt_match_ops xt_match_hbh = {
	.name = "hbh",
	.family = XT_EXT_V6,
	.size = sizeof(struct opts_info),
	.opts = hbh_opts,
	.parse = hbh_parse,
	.check = opts_check,
	.save = hbh_save,
	.print = hbh_print,
	.match = hbh_match,
};

const struct xt_match_ops xt_match_dst = {
	.name = "dst",
	.family = XT_EXT_V6,
	.size = sizeof(struct opts_info),
	.opts = dst_opts,
	.parse = dst_parse,
	.check = opts_check,
	.save = dst_save,
	.print = dst_print,
	.match = dst_match,
};
