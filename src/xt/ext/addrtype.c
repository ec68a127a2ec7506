/* addrtype: the routing type of the source/destination address (xt_addrtype.c rev 1). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "route/route.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define AT_INVERT_SOURCE 0x1
#define AT_INVERT_DEST 0x2
#define AT_LIMIT_IFACE_IN 0x4
#define AT_LIMIT_IFACE_OUT 0x8

/* XT_ADDRTYPE_* bits are 1 << RTN_* of the same name. */
#define AT_BIT(rtn) (1u << (rtn))

enum { O_SRC_TYPE = 0, O_DST_TYPE, O_LIMIT_IFACE_IN, O_LIMIT_IFACE_OUT };

struct addrtype_info {
	uint32_t xflags;
	uint16_t source, dest;
	uint32_t flags;
};

static const struct xt_opt addrtype_opts[] = {
	{ .name = "src-type", .id = O_SRC_TYPE, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "dst-type", .id = O_DST_TYPE, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "limit-iface-in", .id = O_LIMIT_IFACE_IN, .arg = XT_ARG_NONE },
	{ .name = "limit-iface-out", .id = O_LIMIT_IFACE_OUT, .arg = XT_ARG_NONE },
	{ 0 },
};

static const struct ext_fc addrtype_fc[] = {
	{ .id = O_LIMIT_IFACE_IN, .excl = EXT_F(O_LIMIT_IFACE_OUT) },
	{ .id = O_LIMIT_IFACE_OUT, .excl = EXT_F(O_LIMIT_IFACE_IN) },
	{ .id = EXT_FC_END },
};

static const char *const addrtype_names[] = {
	"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
	"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
};
#define AT_NNAMES 12

/* parse_type(): the first name the word (len chars) is a prefix of, any case. */
static bool addrtype_name_type(const char *name, size_t len, uint16_t *mask)
{
	unsigned int i;

	for (i = 0; i < AT_NNAMES; i++) {
		if (strncasecmp(name, addrtype_names[i], len) == 0) {
			*mask |= (uint16_t)AT_BIT(i);
			return true;
		}
	}
	return false;
}

/* parse_types(): a word before a comma is named with what follows it. */
static int addrtype_parse_types(struct xt_parse *ps, const char *arg, uint16_t *mask)
{
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg || !addrtype_name_type(arg, (size_t)(comma - arg), mask))
			return xt_parse_error(ps, "addrtype: bad type `%s'", arg);
		arg = comma + 1;
	}
	if (!*arg || !addrtype_name_type(arg, strlen(arg), mask))
		return xt_parse_error(ps, "addrtype: bad type \"%s\"", arg);
	return 0;
}

static int addrtype_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct addrtype_info *a = data;

	switch (id) {
	case O_SRC_TYPE:
		if (addrtype_parse_types(ps, arg, &a->source))
			return -1;
		if (invert)
			a->flags |= AT_INVERT_SOURCE;
		break;
	case O_DST_TYPE:
		if (addrtype_parse_types(ps, arg, &a->dest))
			return -1;
		if (invert)
			a->flags |= AT_INVERT_DEST;
		break;
	case O_LIMIT_IFACE_IN:
		a->flags |= AT_LIMIT_IFACE_IN;
		break;
	default:
		a->flags |= AT_LIMIT_IFACE_OUT;
		break;
	}
	a->xflags |= EXT_F(id);
	return 0;
}

static int addrtype_final_check(void *data, struct xt_parse *ps)
{
	struct addrtype_info *a = data;
	uint32_t xflags = a->xflags;

	a->xflags = 0;
	if (!(xflags & (EXT_F(O_SRC_TYPE) | EXT_F(O_DST_TYPE))))
		return xt_parse_error(ps, "addrtype: you must specify --src-type or --dst-type");
	return ext_fcheck(ps, "addrtype", addrtype_opts, addrtype_fc, xflags);
}

/* addrtype_mt_checkentry_v1(). */
static int addrtype_check(const void *data, struct xt_parse *ps)
{
	const struct addrtype_info *a = data;
	unsigned int in = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_IN);
	unsigned int out = (1u << USNF_INET_POST_ROUTING) | (1u << USNF_INET_LOCAL_OUT);
	unsigned int types = a->source | a->dest;

	if ((a->flags & AT_LIMIT_IFACE_IN) && (a->flags & AT_LIMIT_IFACE_OUT))
		return -EINVAL;
	if ((ps->hook_mask & in) && (a->flags & AT_LIMIT_IFACE_OUT))
		return -EINVAL;
	if ((ps->hook_mask & out) && (a->flags & AT_LIMIT_IFACE_IN))
		return -EINVAL;
	if (ps->family == XT_FAMILY_V6 &&
	    ((types & AT_BIT(RTN_BLACKHOLE)) || types >= AT_BIT(RTN_PROHIBIT) ||
	     (types & AT_BIT(RTN_BROADCAST))))
		return -EINVAL;
	return 0;
}

static void addrtype_types(uint16_t mask, struct strbuf *out)
{
	unsigned int i;
	bool first = true;

	for (i = 0; i < AT_NNAMES; i++) {
		if (!(mask & AT_BIT(i)))
			continue;
		sb_addf(out, "%s%s", first ? "" : ",", addrtype_names[i]);
		first = false;
	}
}

static void addrtype_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct addrtype_info *a = data;

	if (a->source) {
		sb_addf(out, "%s --src-type ", a->flags & AT_INVERT_SOURCE ? " !" : "");
		addrtype_types(a->source, out);
	}
	if (a->dest) {
		sb_addf(out, "%s --dst-type ", a->flags & AT_INVERT_DEST ? " !" : "");
		addrtype_types(a->dest, out);
	}
	if (a->flags & AT_LIMIT_IFACE_IN)
		sb_add(out, " --limit-iface-in");
	if (a->flags & AT_LIMIT_IFACE_OUT)
		sb_add(out, " --limit-iface-out");
}

static void addrtype_print(const void *data, const struct xt_rule *r, unsigned int flags,
			   struct strbuf *out)
{
	const struct addrtype_info *a = data;

	sb_add(out, " ADDRTYPE match");
	if (a->source) {
		sb_addf(out, " src-type %s", a->flags & AT_INVERT_SOURCE ? "!" : "");
		addrtype_types(a->source, out);
	}
	if (a->dest) {
		sb_addf(out, " dst-type %s", a->flags & AT_INVERT_DEST ? "!" : "");
		addrtype_types(a->dest, out);
	}
	if (a->flags & AT_LIMIT_IFACE_IN)
		sb_add(out, " limit-in");
	if (a->flags & AT_LIMIT_IFACE_OUT)
		sb_add(out, " limit-out");
}

/* match_type6(): address class bits first, then the route for LOCAL/ANYCAST/UNREACHABLE. */
static bool addrtype_match6(struct usnf_net *net, int ifindex, const uint8_t *a, uint16_t mask)
{
	static const uint8_t any[16];
	bool mcast = a[0] == 0xff, unspec = memcmp(a, any, 16) == 0;
	unsigned int rt, got = 0;

	if ((mask & AT_BIT(RTN_MULTICAST)) && !mcast)
		return false;
	if ((mask & AT_BIT(RTN_UNICAST)) && (mcast || unspec))
		return false;
	if ((mask & AT_BIT(RTN_UNSPEC)) && !unspec)
		return false;
	if (!(mask & (AT_BIT(RTN_LOCAL) | AT_BIT(RTN_ANYCAST) | AT_BIT(RTN_UNREACHABLE))))
		return true;
	rt = route_addr_type(net, AF_INET6, a, ifindex);
	if (rt == RTN_LOCAL)
		got = AT_BIT(RTN_LOCAL);
	else if (rt == RTN_UNREACHABLE || rt == RTN_PROHIBIT || rt == RTN_BLACKHOLE)
		got = AT_BIT(RTN_UNREACHABLE);
	else if (rt == RTN_ANYCAST)
		got = AT_BIT(RTN_ANYCAST);
	/* match_lookup_rt6(): ipv6_anycast_destination() also holds for the
	 * subnet-router anycast address (the local table's RTF_ANYCAST route). */
	if (route_anycast6(net, a, ifindex))
		got |= AT_BIT(RTN_ANYCAST);
	return (mask & got) != 0;
}

static bool addrtype_type(struct xt_action *par, int ifindex, const uint8_t *addr, uint16_t mask)
{
	if (xt_is_v6(par))
		return addrtype_match6(par->net, ifindex, addr, mask);
	return (mask & AT_BIT(route_addr_type(par->net, AF_INET, addr, ifindex))) != 0;
}

/* addrtype_mt_v1(). */
static bool addrtype_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct addrtype_info *a = data;
	bool v6 = xt_is_v6(par);
	const uint8_t *h = pkt_header(pkt, pkt->net_off, v6 ? 40 : 20);
	int ifindex = 0;

	if (!h)
		return false;
	if (a->flags & AT_LIMIT_IFACE_IN)
		ifindex = pkt->iif;
	else if (a->flags & AT_LIMIT_IFACE_OUT)
		ifindex = pkt->oif;
	if (a->source && addrtype_type(par, ifindex, v6 ? h + 8 : h + 12, a->source) ==
			 !!(a->flags & AT_INVERT_SOURCE))
		return false;
	if (a->dest && addrtype_type(par, ifindex, v6 ? h + 24 : h + 16, a->dest) ==
		       !!(a->flags & AT_INVERT_DEST))
		return false;
	return true;
}

const struct xt_match_ops xt_match_addrtype = {
	.name = "addrtype",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct addrtype_info),
	.opts = addrtype_opts,
	.parse = addrtype_parse,
	.final_check = addrtype_final_check,
	.check = addrtype_check,
	.save = addrtype_save,
	.print = addrtype_print,
	.match = addrtype_match,
};
