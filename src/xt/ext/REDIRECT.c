/* REDIRECT: DNAT to the host itself (xt_REDIRECT.c, libxt_REDIRECT.c). */
#include <string.h>

#include "nat/nat.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_TO_PORTS = 0, O_RANDOM };

struct redir_tg {
	struct nat_range r;
};

static const struct xt_opt redir_opts[] = {
	{ .name = "to-ports", .id = O_TO_PORTS, .arg = XT_ARG_REQUIRED },
	{ .name = "random", .id = O_RANDOM, .arg = XT_ARG_NONE },
	{ 0 },
};

static int redir_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct redir_tg *t = data;

	switch (id) {
	case O_TO_PORTS:
		return nat_xt_parse_ports(&t->r, arg, NAT_XT_BASE_REFUSED, ps);
	case O_RANDOM:
		t->r.flags |= NAT_RANGE_PROTO_RANDOM;
		return 0;
	default:
		return -1;
	}
}

/* redirect_tg_check(): no addresses in the range. */
static int redir_check(const void *data, struct xt_parse *ps)
{
	const struct redir_tg *t = data;

	if (t->r.flags & NAT_RANGE_MAP_IPS)
		return -EINVAL;
	return nat_xt_check(ps);
}

static void redir_put(const struct nat_range *r, bool save, struct strbuf *out)
{
	if (r->flags & NAT_RANGE_PROTO_SPECIFIED) {
		sb_addf(out, save ? " --to-ports %u" : " redir ports %u", r->min_proto);
		if (r->max_proto != r->min_proto)
			sb_addf(out, "-%u", r->max_proto);
	}
	if (r->flags & NAT_RANGE_PROTO_RANDOM)
		sb_add(out, save ? " --random" : " random");
}

static void redir_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	redir_put(&((const struct redir_tg *)data)->r, true, out);
}

static void redir_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	redir_put(&((const struct redir_tg *)data)->r, false, out);
}

static unsigned int redir_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return nat_xt_redirect(pkt, &((struct redir_tg *)data)->r, par);
}

const struct xt_target_ops xt_target_redirect = {
	.name = "REDIRECT",
	.family = XT_EXT_ANY,
	.size = sizeof(struct redir_tg),
	.opts = redir_opts,
	.hooks = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_OUT),
	.table = "nat",
	.parse = redir_parse,
	.check = redir_check,
	.save = redir_save,
	.print = redir_print,
	.target = redir_target,
};
