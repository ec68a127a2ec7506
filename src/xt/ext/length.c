/* length: the IP packet length within a range (xt_length.c, libxt_length.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_LENGTH = 0 };

struct length_info {
	uint32_t xflags;
	uint16_t min, max;
	uint8_t invert;
};

static const struct xt_opt length_opts[] = {
	{ .name = "length", .id = O_LENGTH, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc length_fc[] = {
	{ .id = O_LENGTH, .mand = true },
	{ .id = EXT_FC_END },
};

/* xtopt_parse_mint(): "a", "a:b", ":b", "a:"; a missing bound is 0 / 65535. */
static int length_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct length_info *l = data;
	uint32_t lo, hi;

	/* XTTYPE_UINT16RC; one value is min and max */
	if (ext_parse_range(ps, "length", "length", arg, 65535, &lo, &hi))
		return -1;
	l->min = (uint16_t)lo;
	l->max = (uint16_t)hi;
	l->invert = invert;
	l->xflags |= EXT_F(id);
	return 0;
}

static int length_final_check(void *data, struct xt_parse *ps)
{
	struct length_info *l = data;
	uint32_t xflags = l->xflags;

	l->xflags = 0;
	return ext_fcheck(ps, "length", length_opts, length_fc, xflags);
}

static void length_range(const struct length_info *l, struct strbuf *out)
{
	if (l->min == l->max)
		sb_addf(out, "%u", l->min);
	else
		sb_addf(out, "%u:%u", l->min, l->max);
}

static void length_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct length_info *l = data;

	sb_addf(out, "%s --length ", l->invert ? " !" : "");
	length_range(l, out);
}

static void length_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct length_info *l = data;

	sb_addf(out, " length %s", l->invert ? "!" : "");
	length_range(l, out);
}

/* length_mt()/length_mt6(): tot_len, or payload_len plus the fixed IPv6 header. */
static bool length_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct length_info *l = data;
	const uint8_t *h = pkt_header(pkt, pkt->net_off, xt_is_v6(par) ? 40 : 20);
	unsigned int len;

	if (!h)
		return false;
	if (xt_is_v6(par))
		len = (unsigned int)(h[4] << 8 | h[5]) + 40;
	else
		len = (unsigned int)(h[2] << 8 | h[3]);
	return (len >= l->min && len <= l->max) ^ l->invert;
}

const struct xt_match_ops xt_match_length = {
	.name = "length",
	.family = XT_EXT_ANY,
	.size = sizeof(struct length_info),
	.opts = length_opts,
	.parse = length_parse,
	.final_check = length_final_check,
	.save = length_save,
	.print = length_print,
	.match = length_match,
};
