/* SNAT and DNAT: change the source / destination of a connection (xt_nat.c rev 2, libxt_NAT.c). */
#include <string.h>

#include "nat/nat.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_TO = 0, O_RANDOM, O_RANDOM_FULLY, O_PERSISTENT };

struct nat_tg {
	struct nat_range r;
	uint32_t xflags;
};

#define NAT_TG_OPTS(to)                                                        \
	{                                                                      \
		{ .name = to, .id = O_TO, .arg = XT_ARG_REQUIRED },            \
		{ .name = "random", .id = O_RANDOM, .arg = XT_ARG_NONE },      \
		{ .name = "random-fully", .id = O_RANDOM_FULLY, .arg = XT_ARG_NONE }, \
		{ .name = "persistent", .id = O_PERSISTENT, .arg = XT_ARG_NONE }, \
		{ 0 },                                                         \
	}
static const struct xt_opt snat_opts[] = NAT_TG_OPTS("to-source");
static const struct xt_opt dnat_opts[] = NAT_TG_OPTS("to-destination");

/* One implementation for both, as libxt_NAT.c; dnat says which (the --to syntax differs:
 * DNAT allows a port offset "/base"). */
static int nat_tg_parse(struct nat_tg *t, int id, const char *arg, struct xt_parse *ps,
			bool dnat)
{
	switch (id) {
	case O_TO:
		if (nat_xt_parse_to(&t->r, arg, ps, dnat ? NAT_XT_BASE_KEPT : NAT_XT_BASE_LOST))
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

static int nat_tg_final_check(struct nat_tg *t, struct xt_parse *ps, const char *name,
			      const char *to)
{
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!(xflags & EXT_F(O_TO)))
		return xt_parse_error(ps, "%s: option \"--%s\" must be specified", name, to);
	return 0;
}

static void nat_tg_flags(const struct nat_range *r, const char *dd, struct strbuf *out)
{
	if (r->flags & NAT_RANGE_PROTO_RANDOM)
		sb_addf(out, " %srandom", dd);
	if (r->flags & NAT_RANGE_PROTO_RANDOM_FULLY)
		sb_addf(out, " %srandom-fully", dd);
	if (r->flags & NAT_RANGE_PERSISTENT)
		sb_addf(out, " %spersistent", dd);
}

static void nat_tg_save(const struct nat_tg *t, const struct xt_rule *r, const char *to,
			struct strbuf *out)
{
	sb_addf(out, " --%s ", to);
	nat_xt_put_range(&t->r, r->family == XT_FAMILY_V6, out);
	nat_tg_flags(&t->r, "--", out);
}

static void nat_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct nat_tg *t = data;

	sb_add(out, " to:");
	nat_xt_put_range(&t->r, r->family == XT_FAMILY_V6, out);
	nat_tg_flags(&t->r, "", out);
}

static int nat_tg_check(const void *data, struct xt_parse *ps)
{
	return nat_xt_check(ps);
}

static int snat_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return nat_tg_parse(data, id, arg, ps, false);
}

static int dnat_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return nat_tg_parse(data, id, arg, ps, true);
}

static int snat_final_check(void *data, struct xt_parse *ps)
{
	return nat_tg_final_check(data, ps, "SNAT", "to-source");
}

static int dnat_final_check(void *data, struct xt_parse *ps)
{
	return nat_tg_final_check(data, ps, "DNAT", "to-destination");
}

static void snat_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	nat_tg_save(data, r, "to-source", out);
}

static void dnat_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	nat_tg_save(data, r, "to-destination", out);
}

static unsigned int snat_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return nat_xt_snat_dnat(pkt, &((struct nat_tg *)data)->r, NAT_MANIP_SRC, par);
}

static unsigned int dnat_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return nat_xt_snat_dnat(pkt, &((struct nat_tg *)data)->r, NAT_MANIP_DST, par);
}

const struct xt_target_ops xt_target_snat = {
	.name = "SNAT",
	.revision = 2,
	.family = XT_EXT_ANY,
	.size = sizeof(struct nat_tg),
	.usersize = sizeof(struct nat_range),
	.opts = snat_opts,
	.hooks = (1u << USNF_INET_POST_ROUTING) | (1u << USNF_INET_LOCAL_IN),
	.table = "nat",
	.parse = snat_parse,
	.final_check = snat_final_check,
	.check = nat_tg_check,
	.save = snat_save,
	.print = nat_tg_print,
	.target = snat_target,
};

const struct xt_target_ops xt_target_dnat = {
	.name = "DNAT",
	.revision = 2,
	.family = XT_EXT_ANY,
	.size = sizeof(struct nat_tg),
	.usersize = sizeof(struct nat_range),
	.opts = dnat_opts,
	.hooks = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_OUT),
	.table = "nat",
	.parse = dnat_parse,
	.final_check = dnat_final_check,
	.check = nat_tg_check,
	.save = dnat_save,
	.print = nat_tg_print,
	.target = dnat_target,
};
