/* dscp: the 6-bit DSCP of the DS field (xt_dscp.c, libxt_dscp.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_DSCP = 0, O_DSCP_CLASS };

struct dscp_info {
	uint32_t xflags;
	uint8_t dscp, invert;
};

static const struct xt_opt dscp_opts[] = {
	{ .name = "dscp", .id = O_DSCP, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "dscp-class", .id = O_DSCP_CLASS, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc dscp_fc[] = {
	{ .id = O_DSCP, .excl = EXT_F(O_DSCP_CLASS) },
	{ .id = O_DSCP_CLASS, .excl = EXT_F(O_DSCP) },
	{ .id = EXT_FC_END },
};

static int dscp_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct dscp_info *d = data;

	if (ext_parse_dscp(ps, "dscp", "dscp", id != O_DSCP, arg, &d->dscp))
		return -1;
	d->invert = invert;
	d->xflags |= EXT_F(id);
	return 0;
}

static int dscp_final_check(void *data, struct xt_parse *ps)
{
	struct dscp_info *d = data;
	uint32_t xflags = d->xflags;

	d->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "DSCP match: Parameter --dscp is required");
	return ext_fcheck(ps, "dscp", dscp_opts, dscp_fc, xflags);
}

static int dscp_check(const void *data, struct xt_parse *ps)
{
	const struct dscp_info *d = data;

	return d->dscp > 63 ? -EDOM : 0;
}

static void dscp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct dscp_info *d = data;

	sb_addf(out, "%s --dscp 0x%02x", d->invert ? " !" : "", d->dscp);
}

static void dscp_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct dscp_info *d = data;

	sb_addf(out, " DSCP match %s0x%02x", d->invert ? "!" : "", d->dscp);
}

static bool dscp_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct dscp_info *d = data;
	const uint8_t *h = pkt_header(pkt, pkt->net_off, xt_is_v6(par) ? 40 : 20);
	uint8_t ds;

	if (!h)
		return false;
	ds = xt_is_v6(par) ? (uint8_t)((h[0] & 0x0f) << 4 | h[1] >> 4) : h[1];
	return ((ds >> 2) == d->dscp) ^ !!d->invert;
}

const struct xt_match_ops xt_match_dscp = {
	.name = "dscp",
	.family = XT_EXT_ANY,
	.size = sizeof(struct dscp_info),
	.opts = dscp_opts,
	.parse = dscp_parse,
	.final_check = dscp_final_check,
	.check = dscp_check,
	.save = dscp_save,
	.print = dscp_print,
	.match = dscp_match,
};
