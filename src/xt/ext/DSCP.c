/* DSCP: rewrite the DSCP bits of the DS field (xt_DSCP.c dscp_tg, libxt_DSCP.c); mangle only. */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_SET_DSCP = 0, O_SET_DSCP_CLASS };

struct dscp_tg {
	uint32_t xflags;
	uint8_t dscp;
};

static const struct xt_opt dscp_tg_opts[] = {
	{ .name = "set-dscp", .id = O_SET_DSCP, .arg = XT_ARG_REQUIRED },
	{ .name = "set-dscp-class", .id = O_SET_DSCP_CLASS, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc dscp_tg_fc[] = {
	{ .id = O_SET_DSCP, .excl = EXT_F(O_SET_DSCP_CLASS) },
	{ .id = O_SET_DSCP_CLASS, .excl = EXT_F(O_SET_DSCP) },
	{ .id = EXT_FC_END },
};

static int dscp_tg_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct dscp_tg *d = data;

	if (ext_parse_dscp(ps, "DSCP", "set-dscp", id != O_SET_DSCP, arg, &d->dscp))
		return -1;
	d->xflags |= EXT_F(id);
	return 0;
}

static int dscp_tg_final_check(void *data, struct xt_parse *ps)
{
	struct dscp_tg *d = data;
	uint32_t xflags = d->xflags;

	d->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "DSCP target: Parameter --set-dscp is required");
	return ext_fcheck(ps, "DSCP", dscp_tg_opts, dscp_tg_fc, xflags);
}

static int dscp_tg_check(const void *data, struct xt_parse *ps)
{
	return ((const struct dscp_tg *)data)->dscp > 63 ? -EDOM : 0;
}

static void dscp_tg_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	sb_addf(out, " --set-dscp 0x%02x", ((const struct dscp_tg *)data)->dscp);
}

static void dscp_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			  struct strbuf *out)
{
	sb_addf(out, " DSCP set 0x%02x", ((const struct dscp_tg *)data)->dscp);
}

/* dscp_tg()/dscp_tg6(): only when the DSCP differs; the ECN bits stay. */
static unsigned int dscp_tg_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct dscp_tg *d = data;
	bool v6 = xt_is_v6(par);
	const uint8_t *h = pkt_header(pkt, pkt->net_off, v6 ? 40 : 20);
	uint8_t ds;

	if (!h)
		return XT_CONTINUE;
	ds = v6 ? (uint8_t)((h[0] & 0x0f) << 4 | h[1] >> 4) : h[1];
	if ((ds >> 2) != d->dscp)
		ext_set_dsfield(pkt, v6, 0x03, (uint8_t)(d->dscp << 2));
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_dscp = {
	.name = "DSCP",
	.family = XT_EXT_ANY,
	.size = sizeof(struct dscp_tg),
	.opts = dscp_tg_opts,
	.table = "mangle",
	.parse = dscp_tg_parse,
	.final_check = dscp_tg_final_check,
	.check = dscp_tg_check,
	.save = dscp_tg_save,
	.print = dscp_tg_print,
	.target = dscp_tg_target,
};
