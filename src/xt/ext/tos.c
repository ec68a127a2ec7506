/* tos: the IPv4 TOS / IPv6 traffic class under a mask (xt_tos match revision 1, libxt_tos.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_TOS = 0 };

struct tos_info {
	uint32_t xflags;
	uint8_t tos_mask, tos_value, invert;
};

static const struct xt_opt tos_opts[] = {
	{ .name = "tos", .id = O_TOS, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc tos_fc[] = {
	{ .id = O_TOS, .mand = true },
	{ .id = EXT_FC_END },
};

static int tos_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct tos_info *t = data;

	if (ext_parse_tosmask(ps, arg, 0xff, &t->tos_value, &t->tos_mask))
		return -1;
	t->invert = invert;
	t->xflags |= EXT_F(id);
	return 0;
}

static int tos_final_check(void *data, struct xt_parse *ps)
{
	struct tos_info *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	return ext_fcheck(ps, "tos", tos_opts, tos_fc, xflags);
}

static void tos_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct tos_info *t = data;

	sb_addf(out, "%s --tos 0x%02x/0x%02x", t->invert ? " !" : "", t->tos_value, t->tos_mask);
}

/* tos_mt_print(): a symbolic name without -n when the mask is 0x3f. */
static void tos_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct tos_info *t = data;
	const char *name = ext_tos_name(t->tos_value, t->tos_mask);

	sb_addf(out, " tos match%s", t->invert ? "!" : "");
	if (!(flags & XT_PRINT_NUMERIC) && name)
		sb_addf(out, " %s", name);
	else
		sb_addf(out, "0x%02x/0x%02x", t->tos_value, t->tos_mask);
}

/* The DS field: IPv4 TOS byte, or the IPv6 traffic class (ipv6_get_dsfield()). */
static bool tos_dsfield(const struct pkt *pkt, bool v6, uint8_t *ds)
{
	const uint8_t *h = pkt_header(pkt, pkt->net_off, v6 ? 40 : 20);

	if (!h)
		return false;
	*ds = v6 ? (uint8_t)((h[0] & 0x0f) << 4 | h[1] >> 4) : h[1];
	return true;
}

static bool tos_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct tos_info *t = data;
	uint8_t ds;

	if (!tos_dsfield(pkt, xt_is_v6(par), &ds))
		return false;
	return ((ds & t->tos_mask) == t->tos_value) ^ !!t->invert;
}

const struct xt_match_ops xt_match_tos = {
	.name = "tos",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct tos_info),
	.opts = tos_opts,
	.parse = tos_parse,
	.final_check = tos_final_check,
	.save = tos_save,
	.print = tos_print,
	.match = tos_match,
};
