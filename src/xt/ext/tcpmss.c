/* tcpmss: the MSS option of TCP SYNs within a range (xt_tcpmss.c, libxt_tcpmss.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_TCPMSS = 0 };

struct tcpmss_info {
	uint32_t xflags;
	uint16_t mss_min, mss_max;
	uint8_t invert;
};

static const struct xt_opt tcpmss_mt_opts[] = {
	{ .name = "mss", .id = O_TCPMSS, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc tcpmss_mt_fc[] = {
	{ .id = O_TCPMSS, .mand = true },
	{ .id = EXT_FC_END },
};

static int tcpmss_mt_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct tcpmss_info *t = data;
	uint32_t lo, hi;

	if (ext_parse_range(ps, "tcpmss", "mss", arg, 65535, &lo, &hi))
		return -1;
	if (lo > hi)
		return xt_parse_error(ps, "tcpmss: invalid range given");
	t->mss_min = (uint16_t)lo;
	t->mss_max = (uint16_t)hi;
	t->invert = invert;
	t->xflags |= EXT_F(id);
	return 0;
}

static int tcpmss_mt_final_check(void *data, struct xt_parse *ps)
{
	struct tcpmss_info *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	return ext_fcheck(ps, "tcpmss", tcpmss_mt_opts, tcpmss_mt_fc, xflags);
}

static void tcpmss_mt_range(const struct tcpmss_info *t, struct strbuf *out)
{
	sb_addf(out, "%u", t->mss_min);
	if (t->mss_min != t->mss_max)
		sb_addf(out, ":%u", t->mss_max);
}

static void tcpmss_mt_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct tcpmss_info *t = data;

	sb_addf(out, "%s --mss ", t->invert ? " !" : "");
	tcpmss_mt_range(t, out);
}

static void tcpmss_mt_print(const void *data, const struct xt_rule *r, unsigned int flags,
			    struct strbuf *out)
{
	const struct tcpmss_info *t = data;

	sb_addf(out, " tcpmss match %s", t->invert ? "!" : "");
	tcpmss_mt_range(t, out);
}

/* tcpmss_mt(): the first well-formed MSS option decides; none means "invert". */
static bool tcpmss_mt_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct tcpmss_info *t = data;
	const uint8_t *th = pkt_header(pkt, par->thoff, 20), *op;
	unsigned int optlen, i;

	if (!th || (th[12] >> 4) * 4u < 20)
		goto dropit;
	optlen = (th[12] >> 4) * 4u - 20;
	if (!optlen)
		return t->invert;
	op = pkt_header(pkt, par->thoff + 20, optlen);
	if (!op)
		goto dropit;
	for (i = 0; i < optlen;) {
		if (op[i] == 2 && optlen - i >= 4 && op[i + 1] == 4) {
			unsigned int mss = (unsigned int)(op[i + 2] << 8 | op[i + 3]);

			return (mss >= t->mss_min && mss <= t->mss_max) ^ !!t->invert;
		}
		if (op[i] < 2)
			i++;
		else
			i += op[i + 1] ? op[i + 1] : 1;
	}
	return t->invert;
dropit:
	par->hotdrop = true;
	return false;
}

const struct xt_match_ops xt_match_tcpmss = {
	.name = "tcpmss",
	.family = XT_EXT_ANY,
	.size = sizeof(struct tcpmss_info),
	.opts = tcpmss_mt_opts,
	.proto = 6,
	.parse = tcpmss_mt_parse,
	.final_check = tcpmss_mt_final_check,
	.save = tcpmss_mt_save,
	.print = tcpmss_mt_print,
	.match = tcpmss_mt_match,
};
