/*
 * REJECT: drop and answer with an ICMP error or a TCP RST (ipt_REJECT.c and
 * ip6t_REJECT.c with nf_reject_ipv4/6.c; libipt_REJECT.c, libip6t_REJECT.c).
 * iptables-nft 1.8.9 keeps REJECT an xt target, so the kernel's own table
 * ("filter") and hook (INPUT, FORWARD, OUTPUT) restrictions apply.
 */
#include <string.h>
#include <strings.h>

#include "pkt/csum.h"
#include "pkt/parse.h"
#include "stack/stack.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

/* enum ipt_reject_with / ip6t_reject_with. */
enum { R4_NET_UNREACH = 0, R4_HOST_UNREACH, R4_PROT_UNREACH, R4_PORT_UNREACH, R4_ECHOREPLY,
       R4_NET_PROHIB, R4_HOST_PROHIB, R4_TCP_RESET, R4_ADMIN_PROHIB };
enum { R6_NO_ROUTE = 0, R6_ADM_PROHIB, R6_NOT_NEIGHBOUR, R6_ADDR_UNREACH, R6_PORT_UNREACH,
       R6_ECHOREPLY, R6_TCP_RESET, R6_POLICY_FAIL, R6_REJECT_ROUTE };

enum { O_REJECT_WITH = 0 };

struct reject_info {
	uint32_t with;
};

struct reject_name {
	const char *name, *alias;
	uint8_t with;
};

/* The tables iptables matches --reject-with against, by prefix, in this order. */
static const struct reject_name reject4_names[] = {
	{ "icmp-net-unreachable", "net-unreach", R4_NET_UNREACH },
	{ "icmp-host-unreachable", "host-unreach", R4_HOST_UNREACH },
	{ "icmp-proto-unreachable", "proto-unreach", R4_PROT_UNREACH },
	{ "icmp-port-unreachable", "port-unreach", R4_PORT_UNREACH },
	{ "icmp-net-prohibited", "net-prohib", R4_NET_PROHIB },
	{ "icmp-host-prohibited", "host-prohib", R4_HOST_PROHIB },
	{ "tcp-reset", "tcp-rst", R4_TCP_RESET },
	{ "icmp-admin-prohibited", "admin-prohib", R4_ADMIN_PROHIB },
	{ NULL, NULL, 0 },
};

static const struct reject_name reject6_names[] = {
	{ "icmp6-no-route", "no-route", R6_NO_ROUTE },
	{ "icmp6-adm-prohibited", "adm-prohibited", R6_ADM_PROHIB },
	{ "icmp6-addr-unreachable", "addr-unreach", R6_ADDR_UNREACH },
	{ "icmp6-port-unreachable", "port-unreach", R6_PORT_UNREACH },
	{ "tcp-reset", "tcp-rst", R6_TCP_RESET },
	{ "icmp6-policy-fail", "policy-fail", R6_POLICY_FAIL },
	{ "icmp6-reject-route", "reject-route", R6_REJECT_ROUTE },
	{ NULL, NULL, 0 },
};

static const struct xt_opt reject_opts[] = {
	{ .name = "reject-with", .id = O_REJECT_WITH, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static void reject4_init(void *data)
{
	((struct reject_info *)data)->with = R4_PORT_UNREACH;
}

static void reject6_init(void *data)
{
	((struct reject_info *)data)->with = R6_PORT_UNREACH;
}

static int reject_parse_tab(const struct reject_name *t, void *data, const char *arg,
			    struct xt_parse *ps)
{
	size_t n = strlen(arg);

	for (; t->name; t++) {
		if (strncasecmp(t->name, arg, n) == 0 || strncasecmp(t->alias, arg, n) == 0) {
			((struct reject_info *)data)->with = t->with;
			return 0;
		}
	}
	return xt_parse_error(ps, "unknown reject type \"%s\"", arg);
}

static int reject4_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return reject_parse_tab(reject4_names, data, arg, ps);
}

static int reject6_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return reject_parse_tab(reject6_names, data, arg, ps);
}

/* reject_tg_check(): no echo-reply; tcp-reset only on an uninverted -p tcp rule. */
static int reject4_check(const void *data, struct xt_parse *ps)
{
	const struct reject_info *r = data;
	const struct xt_ipspec *ip = &ps->rule->ip;

	if (r->with == R4_ECHOREPLY || r->with > R4_ADMIN_PROHIB)
		return -EINVAL;
	if (r->with == R4_TCP_RESET && (ip->proto != 6 || (ip->invflags & XT_INV_PROTO)))
		return -EINVAL;
	return 0;
}

static int reject6_check(const void *data, struct xt_parse *ps)
{
	const struct reject_info *r = data;
	const struct xt_ipspec *ip = &ps->rule->ip;

	if (r->with == R6_ECHOREPLY || r->with > R6_REJECT_ROUTE)
		return -EINVAL;
	if (r->with == R6_TCP_RESET && (!(ip->flags & XT_F_PROTO) || ip->proto != 6 ||
					(ip->invflags & XT_INV_PROTO)))
		return -EINVAL;
	return 0;
}

static const char *reject_name(const struct reject_name *t, uint32_t with)
{
	for (; t->name; t++)
		if (t->with == with)
			return t->name;
	return "icmp-echo-reply";
}

static void reject4_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	sb_addf(out, " --reject-with %s",
		reject_name(reject4_names, ((const struct reject_info *)data)->with));
}

static void reject4_print(const void *data, const struct xt_rule *r, unsigned int flags,
			  struct strbuf *out)
{
	sb_addf(out, " reject-with %s",
		reject_name(reject4_names, ((const struct reject_info *)data)->with));
}

static void reject6_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	sb_addf(out, " --reject-with %s",
		reject_name(reject6_names, ((const struct reject_info *)data)->with));
}

static void reject6_print(const void *data, const struct xt_rule *r, unsigned int flags,
			  struct strbuf *out)
{
	sb_addf(out, " reject-with %s",
		reject_name(reject6_names, ((const struct reject_info *)data)->with));
}

/*
 * nf_reject_verify_csum(): protocols whose 16-bit one's complement sum covers
 * the whole payload are checked before an error is sent about them.
 */
static bool reject_verify_csum(const struct pkt *pkt, uint32_t thoff, uint8_t proto)
{
	const uint8_t *uh;

	switch (proto) {
	case 17:
		uh = pkt_header(pkt, thoff, 8);
		return !uh || uh[6] || uh[7];
	case 47: case 51: case 50: case 132: case 136: case 33:
		return false;
	default:
		return true;
	}
}

/*
 * nf_send_unreach(): never about a non-first fragment, and (nf_ip_checksum())
 * only about a packet whose TCP/UDP checksum (with pseudo-header) or other
 * payload sum is right.
 */
static bool reject4_csum_ok(const struct pkt *pkt)
{
	const uint8_t *iph = pkt_header(pkt, pkt->net_off, 20);
	uint32_t ihl, tot, saddr, daddr, pseudo = 0;
	uint8_t proto;

	if (!iph || ((iph[6] << 8 | iph[7]) & 0x1fff))
		return false;
	ihl = (iph[0] & 0x0f) * 4u;
	tot = (uint32_t)(iph[2] << 8 | iph[3]);
	proto = iph[9];
	if (tot < ihl || pkt->net_off + tot > pkt_end(pkt))
		return false;
	if (!reject_verify_csum(pkt, pkt->net_off + ihl, proto))
		return true;
	if (proto == 6 || proto == 17) {
		memcpy(&saddr, iph + 12, 4);
		memcpy(&daddr, iph + 16, 4);
		pseudo = csum_pseudo4(saddr, daddr, proto, tot - ihl);
	}
	return csum_l4(pkt, pkt->net_off + ihl, tot - ihl, pseudo) == 0;
}

static unsigned int reject4_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	static const uint8_t codes[] = {
		[R4_NET_UNREACH] = 0, [R4_HOST_UNREACH] = 1, [R4_PROT_UNREACH] = 2,
		[R4_PORT_UNREACH] = 3, [R4_NET_PROHIB] = 9, [R4_HOST_PROHIB] = 10,
		[R4_ADMIN_PROHIB] = 13,
	};
	const struct reject_info *r = data;

	if (r->with == R4_TCP_RESET)
		stack_send_reset4(par->net, pkt, par->state->hook);
	else if (r->with != R4_ECHOREPLY && r->with <= R4_ADMIN_PROHIB && reject4_csum_ok(pkt))
		stack_icmp_send(par->net, pkt, 3, codes[r->with], 0);
	pkt->drop_reason = PKT_DROP_NETFILTER_DROP;
	return USNF_DROP;
}

/* reject6_csum_ok(): not a non-first fragment, and a right checksum over the L4 data. */
static bool reject6_csum_ok(const struct pkt *pkt)
{
	const uint8_t *ip6 = pkt_header(pkt, pkt->net_off, 40);
	uint32_t plen, thoff, len;
	uint16_t frag = 0;
	uint8_t proto;
	int off;

	if (!ip6)
		return false;
	plen = (uint32_t)(ip6[4] << 8 | ip6[5]);
	proto = ip6[6];
	off = pkt_ipv6_skip_exthdr(pkt, pkt->net_off + 40, &proto, &frag, NULL);
	if (off < 0 || (uint32_t)off >= pkt->net_off + 40 + plen || frag != 0)
		return false;
	thoff = (uint32_t)off;
	if (!reject_verify_csum(pkt, thoff, proto))
		return true;
	len = pkt->net_off + 40 + plen - thoff;
	if (pkt->net_off + 40 + plen > pkt_end(pkt))
		return false;
	return csum_l4(pkt, thoff, len, csum_pseudo6(ip6 + 8, ip6 + 24, proto, len)) == 0;
}

static unsigned int reject6_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	static const uint8_t codes[] = {
		[R6_NO_ROUTE] = 0, [R6_ADM_PROHIB] = 1, [R6_NOT_NEIGHBOUR] = 2,
		[R6_ADDR_UNREACH] = 3, [R6_PORT_UNREACH] = 4, [R6_POLICY_FAIL] = 5,
		[R6_REJECT_ROUTE] = 6,
	};
	const struct reject_info *r = data;

	if (r->with == R6_TCP_RESET)
		stack_send_reset6(par->net, pkt, par->state->hook);
	else if (r->with != R6_ECHOREPLY && r->with <= R6_REJECT_ROUTE && reject6_csum_ok(pkt))
		stack_icmp6_send(par->net, pkt, 1, codes[r->with], 0);
	pkt->drop_reason = PKT_DROP_NETFILTER_DROP;
	return USNF_DROP;
}

#define REJECT_HOOKS ((1u << USNF_INET_LOCAL_IN) | (1u << USNF_INET_FORWARD) | \
		      (1u << USNF_INET_LOCAL_OUT))

const struct xt_target_ops xt_target_reject4 = {
	.name = "REJECT",
	.family = XT_EXT_V4,
	.size = sizeof(struct reject_info),
	.opts = reject_opts,
	.hooks = REJECT_HOOKS,
	.table = "filter",
	.init = reject4_init,
	.parse = reject4_parse,
	.check = reject4_check,
	.save = reject4_save,
	.print = reject4_print,
	.target = reject4_target,
};

const struct xt_target_ops xt_target_reject6 = {
	.name = "REJECT",
	.family = XT_EXT_V6,
	.size = sizeof(struct reject_info),
	.opts = reject_opts,
	.hooks = REJECT_HOOKS,
	.table = "filter",
	.init = reject6_init,
	.parse = reject6_parse,
	.check = reject6_check,
	.save = reject6_save,
	.print = reject6_print,
	.target = reject6_target,
};
