/*
 * TEE: send a copy of the packet to a gateway and let the original go on
 * (xt_TEE.c revision 1 with nf_dup_ipv4.c / nf_dup_ipv6.c, libxt_TEE.c).  No
 * table or hook restriction.  The copying is the stack's (stack/dup.c).
 */
#include <arpa/inet.h>
#include <string.h>

#include "stack/stack.h"
#include "route/route.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define TEE_IFNAMSIZ 16

enum { O_GATEWAY = 0, O_OIF };

/* struct xt_tee_tginfo up to priv (its usersize), with the options seen while parsing. */
struct tee_info {
	union xt_addr gw;
	char oif[TEE_IFNAMSIZ];
	uint32_t xflags;                /* cleared by final_check */
};

static const struct xt_opt tee_opts[] = {
	{ .name = "gateway", .id = O_GATEWAY, .arg = XT_ARG_REQUIRED },
	{ .name = "oif", .id = O_OIF, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc tee_fc[] = {
	{ .id = O_GATEWAY, .mand = true },
	{ .id = EXT_FC_END },
};


static int tee_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct tee_info *t = data;

	if (id == O_GATEWAY) {
		if (ext_parse_host(ps, arg, &t->gw))
			return -1;
	} else {
		/* XTTYPE_STRING put into char[16]: cut to 15 characters, "" is none. */
		strncpy(t->oif, arg, sizeof(t->oif) - 1);
		t->oif[sizeof(t->oif) - 1] = '\0';
	}
	t->xflags |= EXT_F(id);
	return 0;
}

static int tee_final_check(void *data, struct xt_parse *ps)
{
	struct tee_info *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	return ext_fcheck(ps, "TEE", tee_opts, tee_fc, xflags);
}

/* tee_tg_check(): 0.0.0.0 and :: are refused. */
static int tee_check(const void *data, struct xt_parse *ps)
{
	const struct tee_info *t = data;
	static const union xt_addr zero;

	if (memcmp(&t->gw, &zero, sizeof(zero)) == 0)
		return -EINVAL;
	return 0;
}

static enum xt_family tee_family(const struct xt_rule *r)
{
	return r && r->family == XT_FAMILY_V6 ? XT_FAMILY_V6 : XT_FAMILY_V4;
}

static void tee_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct tee_info *t = data;
	char buf[64];

	sb_addf(out, " --gateway %s", ext_addr_str(tee_family(r), &t->gw, buf));
	if (t->oif[0])
		sb_addf(out, " --oif %s", t->oif);
}

/* -L: the gateway's name unless -n; the engine knows no names, so the address. */
static void tee_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct tee_info *t = data;
	char buf[64];

	sb_addf(out, " TEE gw:%s", ext_addr_str(tee_family(r), &t->gw, buf));
	if (t->oif[0])
		sb_addf(out, " oif=%s", t->oif);
}

/*
 * The oif tee_tg_check() and tee_netdev_event() keep: the index of the device
 * of that name now, -1 while there is none (then the route is not bound to a
 * device), 0 without --oif.  Looked up per copy, which follows renames and
 * devices coming and going as the notifier does.
 */
static int tee_oif(const struct tee_info *t, struct usnf_net *net)
{
	const struct usnf_iface *dev;

	if (!t->oif[0])
		return 0;
	dev = route_iface_by_name(net, t->oif);
	return dev ? dev->ifindex : -1;
}

/* tee_tg4() / tee_tg6(): copy, and the original continues. */
static unsigned int tee_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct tee_info *t = data;
	int oif;

	if (!par->net)
		return XT_CONTINUE;
	oif = tee_oif(t, par->net);
	if (xt_is_v6(par))
		stack_dup_ipv6(par->net, pkt, par->state->hook, t->gw.a6, oif);
	else
		stack_dup_ipv4(par->net, pkt, par->state->hook, &t->gw.a4, oif);
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_tee = {
	.name = "TEE",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct tee_info),
	.opts = tee_opts,
	.parse = tee_parse,
	.final_check = tee_final_check,
	.check = tee_check,
	.save = tee_save,
	.print = tee_print,
	.target = tee_target,
};
