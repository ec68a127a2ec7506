/* ttl: compare the IPv4 TTL (ipt_ttl.c, libipt_ttl.c); hl.c is its IPv6 twin. */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { TTL_EQ = 0, TTL_NE, TTL_LT, TTL_GT };    /* IPT_TTL_* modes */
enum { O_TTL_EQ = 0, O_TTL_LT, O_TTL_GT };

struct ttl_info {
	uint32_t xflags;
	uint8_t mode;
	uint8_t ttl;
};

static const struct xt_opt ttl_opts[] = {
	{ .name = "ttl-eq", .id = O_TTL_EQ, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "ttl-lt", .id = O_TTL_LT, .arg = XT_ARG_REQUIRED },
	{ .name = "ttl-gt", .id = O_TTL_GT, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

#define TTL_ANY (EXT_F(O_TTL_EQ) | EXT_F(O_TTL_LT) | EXT_F(O_TTL_GT))
/* As libipt_ttl: only --ttl-lt/--ttl-gt carry the exclusion, so they are named first. */
static const struct ext_fc ttl_fc[] = {
	{ .id = O_TTL_LT, .excl = TTL_ANY },
	{ .id = O_TTL_GT, .excl = TTL_ANY },
	{ .id = EXT_FC_END },
};

static int ttl_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ttl_info *t = data;
	unsigned long long v;

	if (ext_parse_num(ps, "ttl", ext_opt_name(ttl_opts, id), arg, 0, 255, &v))
		return -1;
	t->ttl = (uint8_t)v;
	t->mode = id == O_TTL_EQ ? (invert ? TTL_NE : TTL_EQ) : id == O_TTL_LT ? TTL_LT : TTL_GT;
	t->xflags |= EXT_F(id);
	return 0;
}

static int ttl_final_check(void *data, struct xt_parse *ps)
{
	struct ttl_info *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "TTL match: You must specify one of `--ttl-eq', "
				      "`--ttl-lt', `--ttl-gt");
	return ext_fcheck(ps, "ttl", ttl_opts, ttl_fc, xflags);
}

static void ttl_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	static const char *const s[] = { " --ttl-eq", " ! --ttl-eq", " --ttl-lt", " --ttl-gt" };
	const struct ttl_info *t = data;

	sb_addf(out, "%s %u", s[t->mode & 3], t->ttl);
}

static void ttl_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	static const char *const s[] = { "==", "!=", "<", ">" };
	const struct ttl_info *t = data;

	sb_addf(out, " TTL match TTL %s %u", s[t->mode & 3], t->ttl);
}

static bool ttl_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ttl_info *t = data;
	const uint8_t *h = pkt_header(pkt, pkt->net_off, 20);

	if (!h)
		return false;
	switch (t->mode) {
	case TTL_EQ: return h[8] == t->ttl;
	case TTL_NE: return h[8] != t->ttl;
	case TTL_LT: return h[8] < t->ttl;
	case TTL_GT: return h[8] > t->ttl;
	}
	return false;
}

const struct xt_match_ops xt_match_ttl = {
	.name = "ttl",
	.family = XT_EXT_V4,
	.size = sizeof(struct ttl_info),
	.opts = ttl_opts,
	.parse = ttl_parse,
	.final_check = ttl_final_check,
	.save = ttl_save,
	.print = ttl_print,
	.match = ttl_match,
};
