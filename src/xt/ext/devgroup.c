/*
 * devgroup: the group of the incoming/outgoing device (`ip link set DEV group N`),
 * as xt_devgroup.c and iptables 1.8.9's libxt_devgroup.c.  Group names come from
 * /etc/iproute2/group, whose stock content names only 0 "default": usnf reads no
 * /etc, so that is the one name it knows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_SRC_GROUP = 0, O_DST_GROUP };

/* enum xt_devgroup_flags */
#define DG_MATCH_SRC  0x1
#define DG_INVERT_SRC 0x2
#define DG_MATCH_DST  0x4
#define DG_INVERT_DST 0x8

/* struct xt_devgroup_info */
struct devgroup_info {
	uint32_t flags;
	uint32_t src_group, src_mask;
	uint32_t dst_group, dst_mask;
};

static const struct xt_opt devgroup_opts[] = {
	{ .name = "src-group", .id = O_SRC_GROUP, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "dst-group", .id = O_DST_GROUP, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

#define DG_DEFAULT_NAME "default"

/* The devgroups map (/etc/iproute2/group): "default" only. */
static int devgroup_name2id(const char *name)
{
	return strcmp(name, DG_DEFAULT_NAME) ? -1 : 0;
}

static int devgroup_parse_val(struct xt_parse *ps, const char *opt, const char *arg,
			      uint32_t *group, uint32_t *mask)
{
	return ext_parse_val_mask(ps, "devgroup", opt, arg, devgroup_name2id, group, mask);
}

static int devgroup_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct devgroup_info *d = data;
	bool src = id == O_SRC_GROUP;

	if (devgroup_parse_val(ps, src ? "src-group" : "dst-group", arg,
			       src ? &d->src_group : &d->dst_group,
			       src ? &d->src_mask : &d->dst_mask))
		return -1;
	d->flags |= src ? DG_MATCH_SRC : DG_MATCH_DST;
	if (invert)
		d->flags |= src ? DG_INVERT_SRC : DG_INVERT_DST;
	return 0;
}

static int devgroup_final_check(void *data, struct xt_parse *ps)
{
	const struct devgroup_info *d = data;

	if (!(d->flags & (DG_MATCH_SRC | DG_MATCH_DST)))
		return xt_parse_error(ps, "devgroup match: You must specify either "
				      "'--src-group' or '--dst-group'");
	return 0;
}

/* devgroup_mt_checkentry(): the input device exists only up to FORWARD, the output
 * device only from FORWARD on. */
static int devgroup_check(const void *data, struct xt_parse *ps)
{
	const struct devgroup_info *d = data;
	unsigned int in_ok = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_IN) |
			     (1u << USNF_INET_FORWARD);
	unsigned int out_ok = (1u << USNF_INET_FORWARD) | (1u << USNF_INET_LOCAL_OUT) |
			      (1u << USNF_INET_POST_ROUTING);

	if ((d->flags & DG_MATCH_SRC) && (ps->hook_mask & ~in_ok))
		return -EINVAL;
	if ((d->flags & DG_MATCH_DST) && (ps->hook_mask & ~out_ok))
		return -EINVAL;
	return 0;
}

/* xtables_print_val_mask(): a mask forces numbers; otherwise the name if any. */
static void devgroup_val(uint32_t group, uint32_t mask, bool numeric, struct strbuf *out)
{
	if (mask != ~0u)
		sb_addf(out, " 0x%x/0x%x", group, mask);
	else if (!numeric && group == 0)
		sb_add(out, " " DG_DEFAULT_NAME);
	else
		sb_addf(out, " 0x%x", group);
}

/* devgroup_show(): "--" before the option names in the save form. */
static void devgroup_show(const struct devgroup_info *d, const char *pfx, bool numeric,
			  struct strbuf *out)
{
	if (d->flags & DG_MATCH_SRC) {
		sb_addf(out, "%s %ssrc-group", d->flags & DG_INVERT_SRC ? " !" : "", pfx);
		devgroup_val(d->src_group, d->src_mask, numeric, out);
	}
	if (d->flags & DG_MATCH_DST) {
		sb_addf(out, "%s %sdst-group", d->flags & DG_INVERT_DST ? " !" : "", pfx);
		devgroup_val(d->dst_group, d->dst_mask, numeric, out);
	}
}

static void devgroup_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	(void)r;
	devgroup_show(data, "--", false, out);
}

static void devgroup_print(const void *data, const struct xt_rule *r, unsigned int flags,
			   struct strbuf *out)
{
	(void)r;
	devgroup_show(data, "", flags & XT_PRINT_NUMERIC, out);
}

/* devgroup_mt() */
static bool devgroup_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct devgroup_info *d = data;
	const struct usnf_iface *in = par->state ? par->state->in : NULL;
	const struct usnf_iface *out = par->state ? par->state->out : NULL;

	(void)pkt;
	if ((d->flags & DG_MATCH_SRC) && in &&
	    (((d->src_group ^ in->group) & d->src_mask) != 0) != !!(d->flags & DG_INVERT_SRC))
		return false;
	if ((d->flags & DG_MATCH_DST) && out &&
	    (((d->dst_group ^ out->group) & d->dst_mask) != 0) != !!(d->flags & DG_INVERT_DST))
		return false;
	return true;
}

const struct xt_match_ops xt_match_devgroup = {
	.name = "devgroup",
	.family = XT_EXT_ANY,
	.size = sizeof(struct devgroup_info),
	.opts = devgroup_opts,
	.parse = devgroup_parse,
	.final_check = devgroup_final_check,
	.check = devgroup_check,
	.save = devgroup_save,
	.print = devgroup_print,
	.match = devgroup_match,
};
