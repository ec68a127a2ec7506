/* SNAT: change the source of a connection's packets (xt_nat.c revision 2, libxt_NAT.c). */
#include <string.h>

#include "nat/nat.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_TO = 0, O_RANDOM, O_RANDOM_FULLY, O_PERSISTENT };

struct snat_tg {
	struct nat_range r;
	uint32_t xflags;
};

static const struct xt_opt snat_opts[] = {
	{ .name = "to-source", .id = O_TO, .arg = XT_ARG_REQUIRED },
	{ .name = "random", .id = O_RANDOM, .arg = XT_ARG_NONE },
	{ .name = "random-fully", .id = O_RANDOM_FULLY, .arg = XT_ARG_NONE },
	{ .name = "persistent", .id = O_PERSISTENT, .arg = XT_ARG_NONE },
	{ 0 },
};

static int snat_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct snat_tg *t = data;

	switch (id) {
	case O_TO:
		if (nat_xt_parse_to(&t->r, arg, ps, false))
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

static int snat_final_check(void *data, struct xt_parse *ps)
{
	struct snat_tg *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!(xflags & EXT_F(O_TO)))
		return xt_parse_error(ps, "SNAT: option \"--to-source\" must be specified");
	return 0;
}

static int snat_check(const void *data, struct xt_parse *ps)
{
	return nat_xt_check(ps);
}

static void snat_flags(const struct nat_range *r, const char *dd, struct strbuf *out)
{
	if (r->flags & NAT_RANGE_PROTO_RANDOM)
		sb_addf(out, " %srandom", dd);
	if (r->flags & NAT_RANGE_PROTO_RANDOM_FULLY)
		sb_addf(out, " %srandom-fully", dd);
	if (r->flags & NAT_RANGE_PERSISTENT)
		sb_addf(out, " %spersistent", dd);
}

static void snat_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct snat_tg *t = data;

	sb_add(out, " --to-source ");
	nat_xt_put_range(&t->r, r->family == XT_FAMILY_V6, out);
	snat_flags(&t->r, "--", out);
}

static void snat_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct snat_tg *t = data;

	sb_add(out, " to:");
	nat_xt_put_range(&t->r, r->family == XT_FAMILY_V6, out);
	snat_flags(&t->r, "", out);
}

static unsigned int snat_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return nat_xt_snat_dnat(pkt, &((struct snat_tg *)data)->r, NAT_MANIP_SRC, par);
}

const struct xt_target_ops xt_target_snat = {
	.name = "SNAT",
	.revision = 2,
	.family = XT_EXT_ANY,
	.size = sizeof(struct snat_tg),
	.usersize = sizeof(struct nat_range),
	.opts = snat_opts,
	.hooks = (1u << USNF_INET_POST_ROUTING) | (1u << USNF_INET_LOCAL_IN),
	.table = "nat",
	.parse = snat_parse,
	.final_check = snat_final_check,
	.check = snat_check,
	.save = snat_save,
	.print = snat_print,
	.target = snat_target,
};
