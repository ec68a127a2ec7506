/* MASQUERADE: SNAT to the outgoing device's address (xt_MASQUERADE.c, libxt_MASQUERADE.c). */
#include <string.h>

#include "nat/nat.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_TO_PORTS = 0, O_RANDOM, O_RANDOM_FULLY };

struct masq_tg {
	struct nat_range r;
};

static const struct xt_opt masq_opts[] = {
	{ .name = "to-ports", .id = O_TO_PORTS, .arg = XT_ARG_REQUIRED },
	{ .name = "random", .id = O_RANDOM, .arg = XT_ARG_NONE },
	{ .name = "random-fully", .id = O_RANDOM_FULLY, .arg = XT_ARG_NONE },
	{ 0 },
};

static int masq_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct masq_tg *t = data;

	switch (id) {
	case O_TO_PORTS:
		return nat_xt_parse_ports(&t->r, arg, NAT_XT_BASE_LOST, ps);
	case O_RANDOM:
		t->r.flags |= NAT_RANGE_PROTO_RANDOM;
		return 0;
	case O_RANDOM_FULLY:
		t->r.flags |= NAT_RANGE_PROTO_RANDOM_FULLY;
		return 0;
	default:
		return -1;
	}
}

/* masquerade_tg_check(): no addresses in the range. */
static int masq_check(const void *data, struct xt_parse *ps)
{
	const struct masq_tg *t = data;

	if (t->r.flags & NAT_RANGE_MAP_IPS)
		return -EINVAL;
	return nat_xt_check(ps);
}

static void masq_put(const struct nat_range *r, bool save, struct strbuf *out)
{
	if (r->flags & NAT_RANGE_PROTO_SPECIFIED) {
		sb_addf(out, save ? " --to-ports %u" : " masq ports: %u", r->min_proto);
		if (r->max_proto != r->min_proto)
			sb_addf(out, "-%u", r->max_proto);
		if (r->flags & NAT_RANGE_PROTO_OFFSET)
			sb_addf(out, "/%u", r->base_proto);
	}
	if (r->flags & NAT_RANGE_PROTO_RANDOM)
		sb_add(out, save ? " --random" : " random");
	if (r->flags & NAT_RANGE_PROTO_RANDOM_FULLY)
		sb_add(out, save ? " --random-fully" : " random-fully");
}

static void masq_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	masq_put(&((const struct masq_tg *)data)->r, true, out);
}

static void masq_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	masq_put(&((const struct masq_tg *)data)->r, false, out);
}

static unsigned int masq_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return nat_xt_masquerade(pkt, &((struct masq_tg *)data)->r, par);
}

const struct xt_target_ops xt_target_masquerade = {
	.name = "MASQUERADE",
	.family = XT_EXT_ANY,
	.size = sizeof(struct masq_tg),
	.opts = masq_opts,
	.hooks = 1u << USNF_INET_POST_ROUTING,
	.table = "nat",
	.parse = masq_parse,
	.check = masq_check,
	.save = masq_save,
	.print = masq_print,
	.target = masq_target,
};
