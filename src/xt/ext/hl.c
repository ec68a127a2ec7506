/* hl: compare the IPv6 hop limit (ip6t_hl.c, libip6t_hl.c); twin of ttl.c. */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { HL_EQ = 0, HL_NE, HL_LT, HL_GT };    /* IPT_HL_* modes */
enum { O_HL_EQ = 0, O_HL_LT, O_HL_GT };

struct hl_info {
	uint32_t xflags;
	uint8_t mode;
	uint8_t hl;
};

static const struct xt_opt hl_opts[] = {
	{ .name = "hl-eq", .id = O_HL_EQ, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "hl-lt", .id = O_HL_LT, .arg = XT_ARG_REQUIRED },
	{ .name = "hl-gt", .id = O_HL_GT, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

#define HL_ANY (EXT_F(O_HL_EQ) | EXT_F(O_HL_LT) | EXT_F(O_HL_GT))
/* As libip6t_hl: only --hl-lt/--hl-gt carry the exclusion, so they are named first. */
static const struct ext_fc hl_fc[] = {
	{ .id = O_HL_LT, .excl = HL_ANY },
	{ .id = O_HL_GT, .excl = HL_ANY },
	{ .id = EXT_FC_END },
};

static int hl_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct hl_info *t = data;
	unsigned long long v;

	if (ext_parse_num(ps, "hl", ext_opt_name(hl_opts, id), arg, 0, 255, &v))
		return -1;
	t->hl = (uint8_t)v;
	t->mode = id == O_HL_EQ ? (invert ? HL_NE : HL_EQ) : id == O_HL_LT ? HL_LT : HL_GT;
	t->xflags |= EXT_F(id);
	return 0;
}

static int hl_final_check(void *data, struct xt_parse *ps)
{
	struct hl_info *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "HL match: You must specify one of `--hl-eq', "
				      "`--hl-lt', `--hl-gt'");
	return ext_fcheck(ps, "hl", hl_opts, hl_fc, xflags);
}

static void hl_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	static const char *const s[] = { " --hl-eq", " ! --hl-eq", " --hl-lt", " --hl-gt" };
	const struct hl_info *t = data;

	sb_addf(out, "%s %u", s[t->mode & 3], t->hl);
}

static void hl_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	static const char *const s[] = { "==", "!=", "<", ">" };
	const struct hl_info *t = data;

	sb_addf(out, " HL match HL %s %u", s[t->mode & 3], t->hl);
}

static bool hl_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct hl_info *t = data;
	const uint8_t *h = pkt_header(pkt, pkt->net_off, 40);

	if (!h)
		return false;
	switch (t->mode) {
	case HL_EQ: return h[7] == t->hl;
	case HL_NE: return h[7] != t->hl;
	case HL_LT: return h[7] < t->hl;
	case HL_GT: return h[7] > t->hl;
	}
	return false;
}

const struct xt_match_ops xt_match_hl = {
	.name = "hl",
	.family = XT_EXT_V6,
	.size = sizeof(struct hl_info),
	.opts = hl_opts,
	.parse = hl_parse,
	.final_check = hl_final_check,
	.save = hl_save,
	.print = hl_print,
	.match = hl_match,
};
