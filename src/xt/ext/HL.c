/* HL: the TTL (IPv4) and HL (IPv6) targets, one file as the kernel's xt_HL.c; mangle only. */
#include <string.h>

#include "pkt/csum.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { HL_SET = 0, HL_INC, HL_DEC };            /* IPT_TTL_* / IP6T_HL_* */
enum { O_HL_SET = 0, O_HL_DEC, O_HL_INC };

/* struct ipt_TTL_info / ip6t_HL_info, plus the options seen while parsing. */
struct hl_tg {
	uint32_t xflags;
	uint8_t mode, value;
};

/*
 * What differs between TTL (libipt_TTL) and HL (libip6t_HL): names, and the
 * byte rewritten (IPv4 TTL at offset 8 of 20, whose header checksum must be
 * patched; IPv6 hop limit at offset 7 of 40, with no header checksum).
 */
struct hl_tg_family {
	const char *ext;                /* "TTL" in messages and -L */
	const char *opt_prefix;         /* "ttl" of --ttl-set */
	const struct xt_opt *opts;
	uint32_t hdr_len, field_off;
	bool csum;
};

#define HL_TG_ANY 0x7u
static const struct ext_fc hl_tg_fc[] = {
	{ .id = O_HL_SET, .excl = HL_TG_ANY },
	{ .id = O_HL_DEC, .excl = HL_TG_ANY },
	{ .id = O_HL_INC, .excl = HL_TG_ANY },
	{ .id = EXT_FC_END },
};

static const struct xt_opt ttl_tg_opts[] = {
	{ .name = "ttl-set", .id = O_HL_SET, .arg = XT_ARG_REQUIRED },
	{ .name = "ttl-dec", .id = O_HL_DEC, .arg = XT_ARG_REQUIRED },
	{ .name = "ttl-inc", .id = O_HL_INC, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct hl_tg_family hl_tg_fam_v4 = {
	.ext = "TTL",
	.opt_prefix = "ttl",
	.opts = ttl_tg_opts,
	.hdr_len = 20,
	.field_off = 8,
	.csum = true,
};

static const struct xt_opt hl6_tg_opts[] = {
	{ .name = "hl-set", .id = O_HL_SET, .arg = XT_ARG_REQUIRED },
	{ .name = "hl-dec", .id = O_HL_DEC, .arg = XT_ARG_REQUIRED },
	{ .name = "hl-inc", .id = O_HL_INC, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct hl_tg_family hl_tg_fam_v6 = {
	.ext = "HL",
	.opt_prefix = "hl",
	.opts = hl6_tg_opts,
	.hdr_len = 40,
	.field_off = 7,
	.csum = false,
};

static int hl_tg_parse(const struct hl_tg_family *fam, void *data, int id, const char *arg,
		       struct xt_parse *ps)
{
	struct hl_tg *t = data;
	unsigned long long v;

	if (ext_parse_num(ps, fam->ext, ext_opt_name(fam->opts, id), arg, id == O_HL_SET ? 0 : 1,
			  255, &v))
		return -1;
	t->value = (uint8_t)v;
	t->mode = id == O_HL_SET ? HL_SET : id == O_HL_INC ? HL_INC : HL_DEC;
	t->xflags |= EXT_F(id);
	return 0;
}

static int hl_tg_final_check(const struct hl_tg_family *fam, void *data, struct xt_parse *ps)
{
	struct hl_tg *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "%s: You must specify an action", fam->ext);
	return ext_fcheck(ps, fam->ext, fam->opts, hl_tg_fc, xflags);
}

/* ttl_tg_check()/hl_tg6_check(): inc/dec by 0 is refused. */
static int hl_tg_check(const void *data, struct xt_parse *ps)
{
	const struct hl_tg *t = data;

	if (t->mode > HL_DEC || (t->mode != HL_SET && t->value == 0))
		return -EINVAL;
	return 0;
}

static void hl_tg_save(const struct hl_tg_family *fam, const void *data, struct strbuf *out)
{
	static const char *const s[] = { "set", "inc", "dec" };
	const struct hl_tg *t = data;

	sb_addf(out, " --%s-%s %u", fam->opt_prefix, s[t->mode % 3], t->value);
}

static void hl_tg_print(const struct hl_tg_family *fam, const void *data, struct strbuf *out)
{
	static const char *const s[] = { "set to", "increment by", "decrement by" };
	const struct hl_tg *t = data;

	sb_addf(out, " %s %s %u", fam->ext, s[t->mode % 3], t->value);
}

/* The new value with saturating arithmetic, as ttl_tg()/hl_tg6(). */
static uint8_t hl_tg_value(const struct hl_tg *t, uint8_t cur)
{
	if (t->mode == HL_SET)
		return t->value;
	if (t->mode == HL_INC)
		return cur + t->value > 255 ? 255 : (uint8_t)(cur + t->value);
	return cur < t->value ? 0 : (uint8_t)(cur - t->value);
}

/* IPv4 gets its header checksum patched incrementally (csum_replace2(), RFC 1624). */
static unsigned int hl_tg_target(const struct hl_tg_family *fam, struct pkt *pkt,
				 const void *data)
{
	uint8_t *h = (uint8_t *)pkt_header(pkt, pkt->net_off, fam->hdr_len);
	uint8_t *field;
	uint16_t check, from, to;
	uint8_t nv;

	if (!h)
		return XT_CONTINUE;
	field = h + fam->field_off;
	nv = hl_tg_value(data, *field);
	if (!fam->csum) {
		*field = nv;
		return XT_CONTINUE;
	}
	if (nv != *field) {
		/* The 16-bit word holding TTL and protocol, in packet byte order. */
		memcpy(&check, h + 10, 2);
		memcpy(&from, field, 2);
		*field = nv;
		memcpy(&to, field, 2);
		csum_replace2(&check, from, to);
		memcpy(h + 10, &check, 2);
	}
	return XT_CONTINUE;
}

/* TTL (IPv4): the ops callbacks carry no family, so each family has thin entry points. */
static int ttl_tg_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return hl_tg_parse(&hl_tg_fam_v4, data, id, arg, ps);
}

static int ttl_tg_final_check(void *data, struct xt_parse *ps)
{
	return hl_tg_final_check(&hl_tg_fam_v4, data, ps);
}

static void ttl_tg_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	hl_tg_save(&hl_tg_fam_v4, data, out);
}

static void ttl_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	hl_tg_print(&hl_tg_fam_v4, data, out);
}

static unsigned int ttl_tg_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return hl_tg_target(&hl_tg_fam_v4, pkt, data);
}

const struct xt_target_ops xt_target_ttl = {
	.name = "TTL",
	.family = XT_EXT_V4,
	.size = sizeof(struct hl_tg),
	.opts = ttl_tg_opts,
	.table = "mangle",
	.parse = ttl_tg_parse,
	.final_check = ttl_tg_final_check,
	.check = hl_tg_check,
	.save = ttl_tg_save,
	.print = ttl_tg_print,
	.target = ttl_tg_target,
};

/* HL (IPv6): the ops callbacks carry no family, so each family has thin entry points. */
static int hl6_tg_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return hl_tg_parse(&hl_tg_fam_v6, data, id, arg, ps);
}

static int hl6_tg_final_check(void *data, struct xt_parse *ps)
{
	return hl_tg_final_check(&hl_tg_fam_v6, data, ps);
}

static void hl6_tg_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	hl_tg_save(&hl_tg_fam_v6, data, out);
}

static void hl6_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	hl_tg_print(&hl_tg_fam_v6, data, out);
}

static unsigned int hl6_tg_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return hl_tg_target(&hl_tg_fam_v6, pkt, data);
}

const struct xt_target_ops xt_target_hl = {
	.name = "HL",
	.family = XT_EXT_V6,
	.size = sizeof(struct hl_tg),
	.opts = hl6_tg_opts,
	.table = "mangle",
	.parse = hl6_tg_parse,
	.final_check = hl6_tg_final_check,
	.check = hl_tg_check,
	.save = hl6_tg_save,
	.print = hl6_tg_print,
	.target = hl6_tg_target,
};
