/* HL: set, decrement or increment the IPv6 hop limit (xt_HL.c hl_tg6, libip6t_HL.c); mangle only. */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { HL_SET = 0, HL_INC, HL_DEC };            /* IP6T_HL_* */
enum { O_HL_SET = 0, O_HL_DEC, O_HL_INC };

struct hl_tg {
	uint32_t xflags;
	uint8_t mode, hop_limit;
};

static const struct xt_opt hl_tg_opts[] = {
	{ .name = "hl-set", .id = O_HL_SET, .arg = XT_ARG_REQUIRED },
	{ .name = "hl-dec", .id = O_HL_DEC, .arg = XT_ARG_REQUIRED },
	{ .name = "hl-inc", .id = O_HL_INC, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

#define HL_TG_ANY 0x7u
static const struct ext_fc hl_tg_fc[] = {
	{ .id = O_HL_SET, .excl = HL_TG_ANY },
	{ .id = O_HL_DEC, .excl = HL_TG_ANY },
	{ .id = O_HL_INC, .excl = HL_TG_ANY },
	{ .id = EXT_FC_END },
};

static int hl_tg_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct hl_tg *t = data;
	unsigned long long v;

	if (ext_parse_num(ps, "HL", ext_opt_name(hl_tg_opts, id), arg, id == O_HL_SET ? 0 : 1,
			  255, &v))
		return -1;
	t->hop_limit = (uint8_t)v;
	t->mode = id == O_HL_SET ? HL_SET : id == O_HL_INC ? HL_INC : HL_DEC;
	t->xflags |= EXT_F(id);
	return 0;
}

static int hl_tg_final_check(void *data, struct xt_parse *ps)
{
	struct hl_tg *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "HL: You must specify an action");
	return ext_fcheck(ps, "HL", hl_tg_opts, hl_tg_fc, xflags);
}

static int hl_tg_check(const void *data, struct xt_parse *ps)
{
	const struct hl_tg *t = data;

	if (t->mode > HL_DEC || (t->mode != HL_SET && t->hop_limit == 0))
		return -EINVAL;
	return 0;
}

static void hl_tg_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	static const char *const s[] = { "--hl-set", "--hl-inc", "--hl-dec" };
	const struct hl_tg *t = data;

	sb_addf(out, " %s %u", s[t->mode % 3], t->hop_limit);
}

static void hl_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	static const char *const s[] = { "set to", "increment by", "decrement by" };
	const struct hl_tg *t = data;

	sb_addf(out, " HL %s %u", s[t->mode % 3], t->hop_limit);
}

/* hl_tg6(): IPv6 has no header checksum to fix. */
static unsigned int hl_tg_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct hl_tg *t = data;
	uint8_t *ip6 = (uint8_t *)pkt_header(pkt, pkt->net_off, 40);
	int nh;

	if (!ip6)
		return XT_CONTINUE;
	if (t->mode == HL_SET)
		nh = t->hop_limit;
	else if (t->mode == HL_INC)
		nh = ip6[7] + t->hop_limit > 255 ? 255 : ip6[7] + t->hop_limit;
	else
		nh = ip6[7] - t->hop_limit < 0 ? 0 : ip6[7] - t->hop_limit;
	ip6[7] = (uint8_t)nh;
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_hl = {
	.name = "HL",
	.family = XT_EXT_V6,
	.size = sizeof(struct hl_tg),
	.opts = hl_tg_opts,
	.table = "mangle",
	.parse = hl_tg_parse,
	.final_check = hl_tg_final_check,
	.check = hl_tg_check,
	.save = hl_tg_save,
	.print = hl_tg_print,
	.target = hl_tg_target,
};
