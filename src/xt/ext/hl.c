/* hl: the ttl (IPv4) and hl (IPv6) matches, one file as the kernel's xt_hl.c (libipt_ttl, libip6t_hl). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { HL_EQ = 0, HL_NE, HL_LT, HL_GT };    /* IPT_TTL_* / IP6T_HL_* modes */
enum { O_HL_EQ = 0, O_HL_LT, O_HL_GT };

/* struct ipt_ttl_info / ip6t_hl_info, plus the options seen while parsing. */
struct hl_info {
	uint32_t xflags;
	uint8_t mode;
	uint8_t value;
};

/*
 * What differs between ttl and hl: option names and wording, and where the
 * byte sits (IPv4 TTL at offset 8 of 20, IPv6 hop limit at offset 7 of 40).
 */
struct hl_family {
	const char *ext;                /* "ttl" */
	const char *label;              /* "TTL" in -L output */
	const char *missing;            /* libipt_ttl's message, quirks kept */
	const struct xt_opt *opts;
	const struct ext_fc *fc;
	const char *const *save;        /* option words, indexed by mode */
	uint32_t hdr_len, field_off;
};

#define HL_ANY (EXT_F(O_HL_EQ) | EXT_F(O_HL_LT) | EXT_F(O_HL_GT))
/* As libipt_ttl/libip6t_hl: only --*-lt/--*-gt carry the exclusion, so they are named first. */
static const struct ext_fc hl_fc[] = {
	{ .id = O_HL_LT, .excl = HL_ANY },
	{ .id = O_HL_GT, .excl = HL_ANY },
	{ .id = EXT_FC_END },
};

static const struct xt_opt ttl_opts[] = {
	{ .name = "ttl-eq", .id = O_HL_EQ, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "ttl-lt", .id = O_HL_LT, .arg = XT_ARG_REQUIRED },
	{ .name = "ttl-gt", .id = O_HL_GT, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const char *const ttl_save_words[] = { " --ttl-eq", " ! --ttl-eq", " --ttl-lt",
					      " --ttl-gt" };

static const struct hl_family hl_fam_v4 = {
	.ext = "ttl",
	.label = "TTL",
	/* libipt_ttl really leaves the last quote out. */
	.missing = "TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt",
	.opts = ttl_opts,
	.fc = hl_fc,
	.save = ttl_save_words,
	.hdr_len = 20,
	.field_off = 8,
};

static const struct xt_opt hl6_opts[] = {
	{ .name = "hl-eq", .id = O_HL_EQ, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "hl-lt", .id = O_HL_LT, .arg = XT_ARG_REQUIRED },
	{ .name = "hl-gt", .id = O_HL_GT, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const char *const hl6_save_words[] = { " --hl-eq", " ! --hl-eq", " --hl-lt", " --hl-gt" };

static const struct hl_family hl_fam_v6 = {
	.ext = "hl",
	.label = "HL",
	.missing = "HL match: You must specify one of `--hl-eq', `--hl-lt', `--hl-gt'",
	.opts = hl6_opts,
	.fc = hl_fc,
	.save = hl6_save_words,
	.hdr_len = 40,
	.field_off = 7,
};

static int hl_info_parse(const struct hl_family *fam, void *data, int id, const char *arg,
			 bool invert, struct xt_parse *ps)
{
	struct hl_info *t = data;
	unsigned long long v;

	if (ext_parse_num(ps, fam->ext, ext_opt_name(fam->opts, id), arg, 0, 255, &v))
		return -1;
	t->value = (uint8_t)v;
	t->mode = id == O_HL_EQ ? (invert ? HL_NE : HL_EQ) : id == O_HL_LT ? HL_LT : HL_GT;
	t->xflags |= EXT_F(id);
	return 0;
}

static int hl_info_final_check(const struct hl_family *fam, void *data, struct xt_parse *ps)
{
	struct hl_info *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "%s", fam->missing);
	return ext_fcheck(ps, fam->ext, fam->opts, fam->fc, xflags);
}

static void hl_info_save(const struct hl_family *fam, const void *data, struct strbuf *out)
{
	const struct hl_info *t = data;

	sb_addf(out, "%s %u", fam->save[t->mode & 3], t->value);
}

static void hl_info_print(const struct hl_family *fam, const void *data, struct strbuf *out)
{
	static const char *const s[] = { "==", "!=", "<", ">" };
	const struct hl_info *t = data;

	sb_addf(out, " %s match %s %s %u", fam->label, fam->label, s[t->mode & 3], t->value);
}

/* ttl_mt()/hl_mt6(): a plain comparison of the header byte. */
static bool hl_info_match(const struct hl_family *fam, const struct pkt *pkt, const void *data)
{
	const struct hl_info *t = data;
	const uint8_t *h = pkt_header(pkt, pkt->net_off, fam->hdr_len);
	uint8_t v;

	if (!h)
		return false;
	v = h[fam->field_off];
	switch (t->mode) {
	case HL_EQ: return v == t->value;
	case HL_NE: return v != t->value;
	case HL_LT: return v < t->value;
	case HL_GT: return v > t->value;
	}
	return false;
}

/* ttl (IPv4): the ops callbacks carry no family, so each family has thin entry points. */
static int ttl_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return hl_info_parse(&hl_fam_v4, data, id, arg, invert, ps);
}

static int ttl_final_check(void *data, struct xt_parse *ps)
{
	return hl_info_final_check(&hl_fam_v4, data, ps);
}

static void ttl_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	hl_info_save(&hl_fam_v4, data, out);
}

static void ttl_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	hl_info_print(&hl_fam_v4, data, out);
}

static bool ttl_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	return hl_info_match(&hl_fam_v4, pkt, data);
}

const struct xt_match_ops xt_match_ttl = {
	.name = "ttl",
	.family = XT_EXT_V4,
	.size = sizeof(struct hl_info),
	.opts = ttl_opts,
	.parse = ttl_parse,
	.final_check = ttl_final_check,
	.save = ttl_save,
	.print = ttl_print,
	.match = ttl_match,
};

/* hl (IPv6): the ops callbacks carry no family, so each family has thin entry points. */
static int hl6_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return hl_info_parse(&hl_fam_v6, data, id, arg, invert, ps);
}

static int hl6_final_check(void *data, struct xt_parse *ps)
{
	return hl_info_final_check(&hl_fam_v6, data, ps);
}

static void hl6_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	hl_info_save(&hl_fam_v6, data, out);
}

static void hl6_print(const void *data, const struct xt_rule *r, unsigned int flags,
		     struct strbuf *out)
{
	hl_info_print(&hl_fam_v6, data, out);
}

static bool hl6_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	return hl_info_match(&hl_fam_v6, pkt, data);
}

const struct xt_match_ops xt_match_hl = {
	.name = "hl",
	.family = XT_EXT_V6,
	.size = sizeof(struct hl_info),
	.opts = hl6_opts,
	.parse = hl6_parse,
	.final_check = hl6_final_check,
	.save = hl6_save,
	.print = hl6_print,
	.match = hl6_match,
};
