/* TTL: set, decrement or increment the IPv4 TTL (xt_HL.c ttl_tg, libipt_TTL.c); mangle only. */
#include <string.h>

#include "pkt/csum.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { TTL_SET = 0, TTL_INC, TTL_DEC };         /* IPT_TTL_* */
enum { O_TTL_SET = 0, O_TTL_DEC, O_TTL_INC };

struct ttl_tg {
	uint32_t xflags;
	uint8_t mode, ttl;
};

static const struct xt_opt ttl_tg_opts[] = {
	{ .name = "ttl-set", .id = O_TTL_SET, .arg = XT_ARG_REQUIRED },
	{ .name = "ttl-dec", .id = O_TTL_DEC, .arg = XT_ARG_REQUIRED },
	{ .name = "ttl-inc", .id = O_TTL_INC, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

#define TTL_TG_ANY 0x7u
static const struct ext_fc ttl_tg_fc[] = {
	{ .id = O_TTL_SET, .excl = TTL_TG_ANY },
	{ .id = O_TTL_DEC, .excl = TTL_TG_ANY },
	{ .id = O_TTL_INC, .excl = TTL_TG_ANY },
	{ .id = EXT_FC_END },
};

static int ttl_tg_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ttl_tg *t = data;
	unsigned long long v;

	if (ext_parse_num(ps, "TTL", ext_opt_name(ttl_tg_opts, id), arg, id == O_TTL_SET ? 0 : 1,
			  255, &v))
		return -1;
	t->ttl = (uint8_t)v;
	t->mode = id == O_TTL_SET ? TTL_SET : id == O_TTL_INC ? TTL_INC : TTL_DEC;
	t->xflags |= EXT_F(id);
	return 0;
}

static int ttl_tg_final_check(void *data, struct xt_parse *ps)
{
	struct ttl_tg *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "TTL: You must specify an action");
	return ext_fcheck(ps, "TTL", ttl_tg_opts, ttl_tg_fc, xflags);
}

/* ttl_tg_check(). */
static int ttl_tg_check(const void *data, struct xt_parse *ps)
{
	const struct ttl_tg *t = data;

	if (t->mode > TTL_DEC || (t->mode != TTL_SET && t->ttl == 0))
		return -EINVAL;
	return 0;
}

static void ttl_tg_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	static const char *const s[] = { "--ttl-set", "--ttl-inc", "--ttl-dec" };
	const struct ttl_tg *t = data;

	sb_addf(out, " %s %u", s[t->mode % 3], t->ttl);
}

static void ttl_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	static const char *const s[] = { "set to", "increment by", "decrement by" };
	const struct ttl_tg *t = data;

	sb_addf(out, " TTL %s %u", s[t->mode % 3], t->ttl);
}

/* ttl_tg(): saturating arithmetic, header checksum patched incrementally. */
static unsigned int ttl_tg_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ttl_tg *t = data;
	uint8_t *iph = (uint8_t *)pkt_header(pkt, pkt->net_off, 20);
	int nt;
	uint16_t check, from, to;

	if (!iph)
		return XT_CONTINUE;
	if (t->mode == TTL_SET)
		nt = t->ttl;
	else if (t->mode == TTL_INC)
		nt = iph[8] + t->ttl > 255 ? 255 : iph[8] + t->ttl;
	else
		nt = iph[8] - t->ttl < 0 ? 0 : iph[8] - t->ttl;
	if (nt != iph[8]) {
		/* The 16-bit word holding TTL and protocol, in packet byte order. */
		memcpy(&check, iph + 10, 2);
		memcpy(&from, iph + 8, 2);
		iph[8] = (uint8_t)nt;
		memcpy(&to, iph + 8, 2);
		csum_replace2(&check, from, to);
		memcpy(iph + 10, &check, 2);
	}
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_ttl = {
	.name = "TTL",
	.family = XT_EXT_V4,
	.size = sizeof(struct ttl_tg),
	.opts = ttl_tg_opts,
	.table = "mangle",
	.parse = ttl_tg_parse,
	.final_check = ttl_tg_final_check,
	.check = ttl_tg_check,
	.save = ttl_tg_save,
	.print = ttl_tg_print,
	.target = ttl_tg_target,
};
