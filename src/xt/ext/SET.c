/* SET: add/delete the packet to/from IP sets (xt_set.c target revision 3, libxt_SET.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipset/ipset.h"
#include "ipset/ipset_xt.h"
#include "stack/net.h"
#include "xt/xt.h"

int ipset_xt_parse_info(const char *arg, const char *what, struct ipset_xt_info *info,
			struct xt_parse *ps);                           /* set.c */
void ipset_xt_print_info(const struct usnf_net *net, const char *prefix,
			 const struct ipset_xt_info *info, struct strbuf *out);

enum { O_ADD_SET = 0, O_DEL_SET, O_EXIST, O_TIMEOUT, O_MAP_SET, O_MAP_MARK, O_MAP_PRIO,
       O_MAP_QUEUE };

static const struct xt_opt setT_opts[] = {
	{ .name = "add-set", .id = O_ADD_SET, .arg = XT_ARG_TWO, .invertible = true },
	{ .name = "del-set", .id = O_DEL_SET, .arg = XT_ARG_TWO, .invertible = true },
	{ .name = "exist", .id = O_EXIST, .arg = XT_ARG_NONE },
	{ .name = "timeout", .id = O_TIMEOUT, .arg = XT_ARG_REQUIRED },
	{ .name = "map-set", .id = O_MAP_SET, .arg = XT_ARG_TWO, .invertible = true },
	{ .name = "map-mark", .id = O_MAP_MARK, .arg = XT_ARG_NONE },
	{ .name = "map-prio", .id = O_MAP_PRIO, .arg = XT_ARG_NONE },
	{ .name = "map-queue", .id = O_MAP_QUEUE, .arg = XT_ARG_NONE },
	{ 0 },
};

static void setT_init(void *data)
{
	struct ipset_xt_target *t = data;

	t->add.index = t->del.index = t->map.index = IPSET_INVALID_ID;
	t->timeout = IPSET_NO_TIMEOUT;
}

static int setT_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ipset_xt_target *t = data;
	char *end;
	unsigned long long v;

	t->net = ps->net;
	t->xflags |= 1u << id;
	switch (id) {
	case O_ADD_SET:
		return ipset_xt_parse_info(arg, "add-set", &t->add, ps);
	case O_DEL_SET:
		return ipset_xt_parse_info(arg, "del-set", &t->del, ps);
	case O_MAP_SET:
		return ipset_xt_parse_info(arg, "map-set", &t->map, ps);
	case O_EXIST:
		t->tflags |= IPSET_XTF_EXIST;
		return 0;
	case O_TIMEOUT:
		v = strtoull(arg, &end, 0);
		if (!*arg || *end || *arg == '-' || v > UINT32_MAX - 1)
			return xt_parse_error(ps, "Invalid value for option --timeout or out of range "
					      "0-%u", UINT32_MAX - 1);
		t->timeout = (uint32_t)v;
		return 0;
	case O_MAP_MARK:
		t->tflags |= IPSET_XTF_MAP_MARK;
		return 0;
	case O_MAP_PRIO:
		t->tflags |= IPSET_XTF_MAP_PRIO;
		return 0;
	default:
		t->tflags |= IPSET_XTF_MAP_QUEUE;
		return 0;
	}
}

static int setT_final_check(void *data, struct xt_parse *ps)
{
	struct ipset_xt_target *t = data;

	if (t->add.index == IPSET_INVALID_ID && t->del.index == IPSET_INVALID_ID &&
	    t->map.index == IPSET_INVALID_ID)
		return xt_parse_error(ps, "You must specify either `--add-set' or `--del-set' or "
				      "`--map-set'");
	/* set_target_v3_check(): --exist and --timeout belong to --add-set */
	if (t->add.index == IPSET_INVALID_ID && (t->tflags & IPSET_XTF_EXIST))
		return xt_parse_error(ps, "Flag `--exist' can be used with `--add-set' only");
	if (t->add.index == IPSET_INVALID_ID && t->timeout != IPSET_NO_TIMEOUT)
		return xt_parse_error(ps, "Option `--timeout' can be used with `--add-set' only");
	if (t->map.index != IPSET_INVALID_ID &&
	    !(t->tflags & (IPSET_XTF_MAP_MARK | IPSET_XTF_MAP_PRIO | IPSET_XTF_MAP_QUEUE)))
		return xt_parse_error(ps, "You must specify flags `--map-mark' or '--map-prio` or "
				      "`--map-queue'");
	t->xflags = 0;
	return 0;
}

/*
 * set_target_v3_checkentry(): the sets must exist; --map-set's skb fields are
 * only writable in mangle, priority and queue only on OUTPUT/FORWARD/POSTROUTING.
 */
static int setT_check(const void *data, struct xt_parse *ps)
{
	const struct ipset_xt_target *t = data;
	const struct ipset_xt_info *infos[3] = { &t->add, &t->del, &t->map };

	for (int i = 0; i < 3; i++)
		if (infos[i]->index != IPSET_INVALID_ID &&
		    (!ps->net || !ipset_name(ps->net, infos[i]->index)))
			return -2;      /* -ENOENT */
	if (t->map.index != IPSET_INVALID_ID) {
		if ((t->tflags & (IPSET_XTF_MAP_MARK | IPSET_XTF_MAP_PRIO | IPSET_XTF_MAP_QUEUE)) &&
		    (!ps->table || strcmp(ps->table, "mangle")))
			return -22;     /* -EINVAL */
		if ((t->tflags & (IPSET_XTF_MAP_PRIO | IPSET_XTF_MAP_QUEUE)) &&
		    (ps->hook_mask & ~((1u << USNF_INET_FORWARD) | (1u << USNF_INET_LOCAL_OUT) |
				       (1u << USNF_INET_POST_ROUTING))))
			return -22;
	}
	if (t->add.dim > IPSET_DIM_MAX || t->del.dim > IPSET_DIM_MAX ||
	    t->map.dim > IPSET_DIM_MAX)
		return -34;             /* -ERANGE */
	return 0;
}

static void setT_info(const struct ipset_xt_target *t, const char *sep, const char *what,
		      const struct ipset_xt_info *info, struct strbuf *out)
{
	char pfx[16];

	if (info->index == IPSET_INVALID_ID)
		return;
	snprintf(pfx, sizeof(pfx), "%s%s", sep, what);
	/* print_target() has no "!": the leading space of print_match's "%s %s" stays */
	struct ipset_xt_info i = *info;
	i.flags &= (uint8_t)~IPSET_XT_INV;
	ipset_xt_print_info(t->net, pfx, &i, out);
}

/* set_target_print_v3/save_v3 order: add, exist, timeout, del, map, map flags. */
static void setT_out(const struct ipset_xt_target *t, const char *sep, struct strbuf *out)
{
	setT_info(t, sep, "add-set", &t->add, out);
	if (t->tflags & IPSET_XTF_EXIST)
		sb_addf(out, " %sexist", sep);
	if (t->timeout != IPSET_NO_TIMEOUT)
		sb_addf(out, " %stimeout %u", sep, t->timeout);
	setT_info(t, sep, "del-set", &t->del, out);
	setT_info(t, sep, "map-set", &t->map, out);
	if (t->tflags & IPSET_XTF_MAP_MARK)
		sb_addf(out, " %smap-mark", sep);
	if (t->tflags & IPSET_XTF_MAP_PRIO)
		sb_addf(out, " %smap-prio", sep);
	if (t->tflags & IPSET_XTF_MAP_QUEUE)
		sb_addf(out, " %smap-queue", sep);
}

static void setT_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	setT_out(data, "--", out);
}

static void setT_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	setT_out(data, "", out);
}

static void setT_opt(const struct ipset_xt_target *t, const struct ipset_xt_info *info,
		     const struct xt_action *par, struct ipset_adt_opt *o)
{
	memset(o, 0, sizeof(*o));
	o->family = par->family == XT_FAMILY_V6 ? IPSET_FAM_INET6 : IPSET_FAM_INET;
	o->dim = info->dim;
	o->flags = (uint8_t)(info->flags & ~IPSET_XT_INV);
	o->timeout = t->timeout;
	o->exist = t->tflags & IPSET_XTF_EXIST;
}

/*
 * set_target_v3(): add, delete, then --map-set: when the packet matches the map
 * set, the matched element's skbinfo sets the mark (under its mask) and the
 * priority.  --map-queue would pick a TX queue; usnf devices have one, which
 * is what the kernel's "real_num_tx_queues > queue" test leaves for queue 0.
 */
static unsigned int setT_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ipset_xt_target *t = data;
	struct ipset_adt_opt o;
	struct ipset_skbinfo skb = { 0 };

	if (t->add.index != IPSET_INVALID_ID) {
		setT_opt(t, &t->add, par, &o);
		ipset_pkt_add(par->net, t->add.index, pkt, par->state, &o);
	}
	if (t->del.index != IPSET_INVALID_ID) {
		setT_opt(t, &t->del, par, &o);
		ipset_pkt_del(par->net, t->del.index, pkt, par->state, &o);
	}
	if (t->map.index != IPSET_INVALID_ID) {
		setT_opt(t, &t->map, par, &o);
		o.skb_out = &skb;
		bool hit = ipset_pkt_test(par->net, t->map.index, pkt, par->state, &o) > 0;

		if (!(hit ^ !!(t->map.flags & IPSET_XT_INV)))
			return XT_CONTINUE;
		if (t->tflags & IPSET_XTF_MAP_MARK)
			pkt->mark = (pkt->mark & ~skb.skbmarkmask) ^ skb.skbmark;
		if (t->tflags & IPSET_XTF_MAP_PRIO)
			pkt->priority = skb.skbprio;
	}
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_set = {
	.name = "SET",
	.revision = 3,
	.family = XT_EXT_ANY,
	.size = sizeof(struct ipset_xt_target),
	.usersize = offsetof(struct ipset_xt_target, xflags),
	.opts = setT_opts,
	.init = setT_init,
	.parse = setT_parse,
	.final_check = setT_final_check,
	.check = setT_check,
	.save = setT_save,
	.print = setT_print,
	.target = setT_target,
};
