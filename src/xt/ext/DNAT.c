/* DNAT: change the destination of a connection's packets (xt_nat.c revision 2, libxt_NAT.c). */
#include <string.h>

#include "nat/nat.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_TO = 0, O_RANDOM, O_RANDOM_FULLY, O_PERSISTENT };

struct dnat_tg {
	struct nat_range r;
	uint32_t xflags;
};

static const struct xt_opt dnat_opts[] = {
	{ .name = "to-destination", .id = O_TO, .arg = XT_ARG_REQUIRED },
	{ .name = "random", .id = O_RANDOM, .arg = XT_ARG_NONE },
	{ .name = "random-fully", .id = O_RANDOM_FULLY, .arg = XT_ARG_NONE },
	{ .name = "persistent", .id = O_PERSISTENT, .arg = XT_ARG_NONE },
	{ 0 },
};

static int dnat_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct dnat_tg *t = data;

	switch (id) {
	case O_TO:
		if (nat_xt_parse_to(&t->r, arg, ps, true))
			return -1;
		break;
	case O_RANDOM:
		t->r.flags |= NAT_RANGE_PROTO_RANDOM;
		break;
	case O_RANDOM_FULLY:
		t->r.flags |= NAT_RANGE_PROTO_RANDOM_FULLY;
		break;
	case O_PERSISTENT:
		t->r.flags |= NAT_RANGE_PERSISTENT;
		break;
	default:
		return -1;
	}
	t->xflags |= EXT_F(id);
	return 0;
}

static int dnat_final_check(void *data, struct xt_parse *ps)
{
	struct dnat_tg *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!(xflags & EXT_F(O_TO)))
		return xt_parse_error(ps, "DNAT: option \"--to-destination\" must be specified");
	return 0;
}

static int dnat_check(const void *data, struct xt_parse *ps)
{
	return nat_xt_check(ps);
}

static void dnat_flags(const struct nat_range *r, const char *dd, struct strbuf *out)
{
	if (r->flags & NAT_RANGE_PROTO_RANDOM)
		sb_addf(out, " %srandom", dd);
	if (r->flags & NAT_RANGE_PROTO_RANDOM_FULLY)
		sb_addf(out, " %srandom-fully", dd);
	if (r->flags & NAT_RANGE_PERSISTENT)
		sb_addf(out, " %spersistent", dd);
}

static void dnat_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct dnat_tg *t = data;

	sb_add(out, " --to-destination ");
	nat_xt_put_range(&t->r, r->family == XT_FAMILY_V6, out);
	dnat_flags(&t->r, "--", out);
}

static void dnat_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct dnat_tg *t = data;

	sb_add(out, " to:");
	nat_xt_put_range(&t->r, r->family == XT_FAMILY_V6, out);
	dnat_flags(&t->r, "", out);
}

static unsigned int dnat_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return nat_xt_snat_dnat(pkt, &((struct dnat_tg *)data)->r, NAT_MANIP_DST, par);
}

const struct xt_target_ops xt_target_dnat = {
	.name = "DNAT",
	.revision = 2,
	.family = XT_EXT_ANY,
	.size = sizeof(struct dnat_tg),
	.usersize = sizeof(struct nat_range),
	.opts = dnat_opts,
	.hooks = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_OUT),
	.table = "nat",
	.parse = dnat_parse,
	.final_check = dnat_final_check,
	.check = dnat_check,
	.save = dnat_save,
	.print = dnat_print,
	.target = dnat_target,
};
