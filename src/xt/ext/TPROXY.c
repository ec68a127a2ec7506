/*
 * TPROXY: hand the packet to a local transparent socket and mark it
 * (xt_TPROXY.c revision 1, libxt_TPROXY.c).  usnf has no sockets (see owner.c):
 * neither the established nor the listener lookup finds one, and tproxy_tg4()/
 * tproxy_tg6_v1() then drop the packet.
 */
#include <stdio.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_ON_PORT = 0, O_ON_IP, O_MARK };

/* struct xt_tproxy_target_info_v1 */
struct tproxy_info {
	uint32_t mark_mask, mark_value;
	union xt_addr laddr;
	uint16_t lport;
	uint8_t xflags;                 /* cleared by final_check */
};

static const struct xt_opt tproxy_opts[] = {
	{ .name = "on-port", .id = O_ON_PORT, .arg = XT_ARG_REQUIRED },
	{ .name = "on-ip", .id = O_ON_IP, .arg = XT_ARG_REQUIRED },
	{ .name = "tproxy-mark", .id = O_MARK, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc tproxy_fc[] = {
	{ .id = O_ON_PORT, .mand = true },
	{ .id = EXT_FC_END },
};

static int tproxy_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct tproxy_info *t = data;

	switch (id) {
	case O_ON_PORT:
		if (ext_parse_port(ps, arg, &t->lport))
			return -1;
		break;
	case O_ON_IP:
		if (ext_parse_host(ps, arg, &t->laddr))         /* XTTYPE_HOST */
			return -1;
		break;
	default:
		if (ext_parse_markmask(ps, "TPROXY", "tproxy-mark", arg, &t->mark_value,
				       &t->mark_mask))
			return -1;
		break;
	}
	t->xflags |= (uint8_t)EXT_F(id);
	return 0;
}

static int tproxy_final_check(void *data, struct xt_parse *ps)
{
	struct tproxy_info *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	return ext_fcheck(ps, "TPROXY", tproxy_opts, tproxy_fc, xflags);
}

/* tproxy_tg4_check()/tproxy_tg6_check(): -p tcp or -p udp, not inverted. */
static int tproxy_check(const void *data, struct xt_parse *ps)
{
	const struct xt_ipspec *ip = &ps->rule->ip;

	if ((ip->proto == 6 || ip->proto == 17) && !(ip->invflags & XT_INV_PROTO))
		return 0;
	return -EINVAL;
}

static void tproxy_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct tproxy_info *t = data;
	char buf[64];

	sb_addf(out, " --on-port %u --on-ip %s --tproxy-mark 0x%x/0x%x", t->lport,
		ext_addr_str(r && r->family == XT_FAMILY_V6 ? XT_FAMILY_V6 : XT_FAMILY_V4, &t->laddr,
			     buf), t->mark_value, t->mark_mask);
}

static void tproxy_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct tproxy_info *t = data;
	char buf[64];

	sb_addf(out, " TPROXY redirect %s:%u mark 0x%x/0x%x",
		ext_addr_str(r && r->family == XT_FAMILY_V6 ? XT_FAMILY_V6 : XT_FAMILY_V4, &t->laddr,
			     buf), t->lport, t->mark_value, t->mark_mask);
}

static unsigned int tproxy_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	pkt->drop_reason = PKT_DROP_NETFILTER_DROP;
	return USNF_DROP;
}

const struct xt_target_ops xt_target_tproxy = {
	.name = "TPROXY",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct tproxy_info),
	.opts = tproxy_opts,
	.table = "mangle",
	.hooks = 1u << USNF_INET_PRE_ROUTING,
	.parse = tproxy_parse,
	.final_check = tproxy_final_check,
	.check = tproxy_check,
	.save = tproxy_save,
	.print = tproxy_print,
	.target = tproxy_target,
};
