/* TOS: rewrite the TOS / traffic class byte under a mask (xt_DSCP.c tos_tg rev 1, libxt_TOS.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_SET_TOS = 0, O_AND_TOS, O_OR_TOS, O_XOR_TOS };

/* struct xt_tos_target_info: tos = (tos & ~mask) ^ value. */
struct tos_tg {
	uint32_t xflags;
	uint8_t tos_value, tos_mask;
};

static const struct xt_opt tos_tg_opts[] = {
	{ .name = "set-tos", .id = O_SET_TOS, .arg = XT_ARG_REQUIRED },
	{ .name = "and-tos", .id = O_AND_TOS, .arg = XT_ARG_REQUIRED },
	{ .name = "or-tos", .id = O_OR_TOS, .arg = XT_ARG_REQUIRED },
	{ .name = "xor-tos", .id = O_XOR_TOS, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

#define TOS_ANY 0xfu
static const struct ext_fc tos_tg_fc[] = {
	{ .id = O_SET_TOS, .excl = TOS_ANY },
	{ .id = O_AND_TOS, .excl = TOS_ANY },
	{ .id = O_OR_TOS, .excl = TOS_ANY },
	{ .id = O_XOR_TOS, .excl = TOS_ANY },
	{ .id = EXT_FC_END },
};

static int tos_tg_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct tos_tg *t = data;
	unsigned long long v;

	if (id == O_SET_TOS) {
		if (ext_parse_tosmask(ps, arg, 0xff, &t->tos_value, &t->tos_mask))
			return -1;
	} else {
		if (ext_parse_num(ps, "TOS", ext_opt_name(tos_tg_opts, id), arg, 0, 255, &v))
			return -1;
		t->tos_value = id == O_AND_TOS ? 0 : (uint8_t)v;
		t->tos_mask = id == O_AND_TOS ? (uint8_t)~v : id == O_OR_TOS ? (uint8_t)v : 0;
	}
	t->xflags |= EXT_F(id);
	return 0;
}

static int tos_tg_final_check(void *data, struct xt_parse *ps)
{
	struct tos_tg *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "TOS: An action is required");
	return ext_fcheck(ps, "TOS", tos_tg_opts, tos_tg_fc, xflags);
}

static void tos_tg_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct tos_tg *t = data;

	sb_addf(out, " --set-tos 0x%02x/0x%02x", t->tos_value, t->tos_mask);
}

/* tos_tg_print(): numeric with -n, else the operation the pair stands for. */
static void tos_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct tos_tg *t = data;
	const char *name = ext_tos_name(t->tos_value, t->tos_mask);

	if (flags & XT_PRINT_NUMERIC)
		sb_addf(out, " TOS set 0x%02x/0x%02x", t->tos_value, t->tos_mask);
	else if (name)
		sb_addf(out, " TOS set %s", name);
	else if (t->tos_value == 0)
		sb_addf(out, " TOS and 0x%02x", (uint8_t)~t->tos_mask);
	else if (t->tos_value == t->tos_mask)
		sb_addf(out, " TOS or 0x%02x", t->tos_value);
	else if (t->tos_mask == 0)
		sb_addf(out, " TOS xor 0x%02x", t->tos_value);
	else
		sb_addf(out, " TOS set 0x%02x/0x%02x", t->tos_value, t->tos_mask);
}

static unsigned int tos_tg_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct tos_tg *t = data;
	bool v6 = xt_is_v6(par);
	const uint8_t *h = pkt_header(pkt, pkt->net_off, v6 ? 40 : 20);
	uint8_t orig, nv;

	if (!h)
		return XT_CONTINUE;
	orig = v6 ? (uint8_t)((h[0] & 0x0f) << 4 | h[1] >> 4) : h[1];
	nv = (uint8_t)((orig & ~t->tos_mask) ^ t->tos_value);
	if (nv != orig)
		ext_set_dsfield(pkt, v6, 0, nv);
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_tos = {
	.name = "TOS",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct tos_tg),
	.opts = tos_tg_opts,
	.table = "mangle",
	.parse = tos_tg_parse,
	.final_check = tos_tg_final_check,
	.save = tos_tg_save,
	.print = tos_tg_print,
	.target = tos_tg_target,
};
