/*
 * nat_xt: what the NAT targets share: range parsing and printing as libxt_NAT,
 * libxt_MASQUERADE, libxt_REDIRECT of iptables 1.8.9 do, and the target actions
 * of xt_nat.c, nf_nat_masquerade.c, nf_nat_redirect.c and xt_NETMAP.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nat/nat_int.h"
#include "route/route.h"
#include "xt/xt.h"

bool nat_xt_portok(const struct xt_parse *ps)
{
	uint16_t p = ps->rule ? ps->rule->ip.proto : 0;

	if (ps->rule && (ps->rule->ip.invflags & XT_INV_PROTO))
		return false;
	return p == 6 || p == 17 || p == 132 || p == 33 || p == 1 || p == 58;
}

/* xtables_strtoui(s, &end, ..., min, 65535): a number (any base) at the start of s,
 * *end after it; -1 if there is none or it is out of range. */
static long nat_port_num(const char *s, char **end, unsigned long min)
{
	const char *p = s;
	unsigned long v;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-')
		return -1;
	v = strtoul(s, end, 0);
	return *end == s || v < min || v > 65535 ? -1 : (long)v;
}

/* A port number or, alone, a service name (xtables_service_to_port(s, NULL)): iptables
 * tries the number first and takes a name only for the whole word. */
static long nat_port_or_service(const char *s, char **end, unsigned long min)
{
	long v = nat_port_num(s, end, min);
	uint16_t port;

	if (v >= 0)
		return v;
	if (s[0] >= '0' && s[0] <= '9')
		return -1;      /* a number out of range, not a name */
	if (xt_parse_port(s, NULL, &port))
		return -1;
	*end = (char *)s + strlen(s);
	return port;
}

/* The port part after ':' ("p", "p-q", "p-q/base"), as parse_ports() of 1.8.9's
 * libxt_NAT.c, which SNAT, DNAT, MASQUERADE and REDIRECT share: a service name for
 * the first port and the base, numbers in a range, text after the base ignored. */
static int parse_port_part(struct nat_range *r, char *s, struct xt_parse *ps,
			   enum nat_xt_base base_mode)
{
	char *end;
	long lo, hi, base;

	lo = nat_port_or_service(s, &end, 0);
	if (lo < 0)
		return xt_parse_error(ps, "Port `%s' not valid", s);
	r->flags |= NAT_RANGE_PROTO_SPECIFIED;
	r->min_proto = r->max_proto = (uint16_t)lo;
	if (*end == ':')
		return xt_parse_error(ps, "Invalid port:port syntax - use dash");
	if (*end == '\0')
		return 0;
	if (*end != '-')
		return xt_parse_error(ps, "Garbage after port value: `%s'", end);
	s = end + 1;
	hi = nat_port_num(s, &end, 0);
	if (hi < 0)
		return xt_parse_error(ps, "Port `%s' not valid", s);
	if (hi < lo)
		return xt_parse_error(ps, "Port range `%s' funky", s);
	r->max_proto = (uint16_t)hi;
	if (*end == '\0')
		return 0;
	if (*end != '/')
		return xt_parse_error(ps, "Garbage after port range: `%s'", end);
	s = end + 1;
	base = nat_port_or_service(s, &end, 1);
	if (base < 0)
		return xt_parse_error(ps, "Port `%s' not valid", s);
	if (base_mode == NAT_XT_BASE_REFUSED)
		return xt_parse_error(ps, "Shifted portmap ranges not supported with this kernel");
	r->flags |= NAT_RANGE_PROTO_OFFSET;
	r->base_proto = base_mode == NAT_XT_BASE_KEPT ? (uint16_t)base : 0;
	return 0;
}

/* "a" or "a-b" of the family. */
static int parse_addrs(struct nat_range *r, char *s, bool v6, struct xt_parse *ps)
{
	int af = v6 ? AF_INET6 : AF_INET;
	char *dash = strchr(s, '-');

	if (dash)
		*dash = '\0';
	if (inet_pton(af, s, r->min_addr) != 1)
		return xt_parse_error(ps, "Bad IP address \"%s\"", s);
	memcpy(r->max_addr, r->min_addr, 16);
	if (dash && inet_pton(af, dash + 1, r->max_addr) != 1)
		return xt_parse_error(ps, "Bad IP address \"%s\"", dash + 1);
	r->flags |= NAT_RANGE_MAP_IPS;
	return 0;
}

int nat_xt_parse_to(struct nat_range *r, const char *arg, struct xt_parse *ps,
		    enum nat_xt_base base_mode)
{
	bool v6 = ps->family == XT_FAMILY_V6;
	char buf[160], *start, *end, *colon;

	if (strlen(arg) >= sizeof(buf))
		return xt_parse_error(ps, "Bad IP address \"%s\"", arg);
	strcpy(buf, arg);
	/* parse_to() of 1.8.9's libxt_NAT.c: one colon starts the ports, more make an
	 * IPv6 address; "[addr]:ports" is for IPv6 only */
	start = strchr(buf, '[');
	if (!start) {
		start = buf;
		colon = strchr(buf, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
	} else {
		start++;
		end = strchr(start, ']');
		if (!end || !v6)
			return xt_parse_error(ps, "Invalid address format");
		*end = '\0';
		colon = strchr(end + 1, ':');
	}
	if (colon) {
		if (!nat_xt_portok(ps))
			return xt_parse_error(ps, "Need TCP, UDP, SCTP or DCCP with port specification");
		if (parse_port_part(r, colon + 1, ps, base_mode))
			return -1;
		if (colon == buf || colon == buf + 2)   /* ":ports" or "[]:ports": no address */
			return 0;
		*colon = '\0';
	}
	return parse_addrs(r, start, v6, ps);
}

int nat_xt_parse_ports(struct nat_range *r, const char *arg, enum nat_xt_base base_mode,
		       struct xt_parse *ps)
{
	char buf[64];

	if (!nat_xt_portok(ps))
		return xt_parse_error(ps, "Need TCP, UDP, SCTP or DCCP with port specification");
	if (strlen(arg) >= sizeof(buf))
		return xt_parse_error(ps, "Port `%s' not valid", arg);
	strcpy(buf, arg);
	return parse_port_part(r, buf, ps, base_mode);
}

void nat_xt_put_range(const struct nat_range *r, bool v6, struct strbuf *out)
{
	int af = v6 ? AF_INET6 : AF_INET;
	bool br = v6 && (r->flags & NAT_RANGE_PROTO_SPECIFIED);
	char a[INET6_ADDRSTRLEN];

	if (r->flags & NAT_RANGE_MAP_IPS) {
		if (br)
			sb_addc(out, '[');
		sb_add(out, inet_ntop(af, r->min_addr, a, sizeof(a)));
		if (memcmp(r->min_addr, r->max_addr, v6 ? 16 : 4))
			sb_addf(out, "-%s", inet_ntop(af, r->max_addr, a, sizeof(a)));
		if (br)
			sb_addc(out, ']');
	}
	if (r->flags & NAT_RANGE_PROTO_SPECIFIED) {
		sb_addf(out, ":%u", r->min_proto);
		if (r->max_proto != r->min_proto)
			sb_addf(out, "-%u", r->max_proto);
		if (r->flags & NAT_RANGE_PROTO_OFFSET)
			sb_addf(out, "/%u", r->base_proto);
	}
}

int nat_xt_check(struct xt_parse *ps)
{
	if (!ps->net)
		return 0;
	return ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
							       : USNF_NFPROTO_IPV4);
}

/* ---- actions ---- */

unsigned int nat_xt_snat_dnat(struct pkt *p, const struct nat_range *r, enum nat_manip m,
			      struct xt_action *par)
{
	struct ct_conn *c = ct_get(p, NULL);

	if (!c)
		return USNF_ACCEPT;
	return nat_setup_info(par->net, c, r, m);
}

/* nf_nat_masquerade_ipv4/ipv6(): the outgoing device's address towards the next hop. */
unsigned int nat_xt_masquerade(struct pkt *p, const struct nat_range *r, struct xt_action *par)
{
	struct ct_conn *c = ct_get(p, NULL);
	const struct usnf_iface *out = par->state->out;
	struct nat_range nr = *r;

	if (!c || !out)
		return USNF_ACCEPT;
	memset(nr.min_addr, 0, 16);
	if (par->family == XT_FAMILY_V4) {
		static const uint8_t zero[4];
		uint32_t nh, src;

		/* A 0.0.0.0 source is a local packet not meant to be masqueraded. */
		if (!memcmp(c->node[0].t.src, zero, 4))
			return USNF_ACCEPT;
		memcpy(&nh, p->nexthop, 4);
		if (!nh)
			memcpy(&nh, pkt_network(p) + 16, 4);
		if (!route_select_src4(par->net, out->ifindex, nh, ROUTE_SCOPE_UNIVERSE, &src) ||
		    !src)
			return USNF_DROP;       /* "%s ate my IP address" */
		memcpy(nr.min_addr, &src, 4);
	} else {
		if (!route_select_src6(par->net, out->ifindex, pkt_network(p) + 24, nr.min_addr))
			return USNF_DROP;
	}
	memcpy(nr.max_addr, nr.min_addr, 16);
	nr.flags |= NAT_RANGE_MAP_IPS;
	c->nat_masq_ifindex = out->ifindex;
	return nat_setup_info(par->net, c, &nr, NAT_MANIP_SRC);
}

/* nf_nat_redirect_ipv4/ipv6(): to the host itself (the incoming device's address). */
unsigned int nat_xt_redirect(struct pkt *p, const struct nat_range *r, struct xt_action *par)
{
	struct ct_conn *c = ct_get(p, NULL);
	struct nat_range nr = *r;
	bool v6 = par->family == XT_FAMILY_V6;

	if (!c)
		return USNF_ACCEPT;
	memset(nr.min_addr, 0, 16);
	if (par->state->hook == USNF_INET_LOCAL_OUT) {
		if (v6)
			nr.min_addr[15] = 1;
		else
			memcpy(nr.min_addr, "\x7f\x00\x00\x01", 4);
	} else if (!v6) {
		const struct route_ifaddr *a = par->state->in ?
			route_addr_first(par->net, AF_INET, par->state->in->ifindex, 255) : NULL;

		if (!a)
			return USNF_DROP;
		memcpy(nr.min_addr, a->local, 4);
	} else {
		if (!par->state->in ||
		    !route_select_src6(par->net, par->state->in->ifindex, pkt_network(p) + 24,
				       nr.min_addr))
			return USNF_DROP;
	}
	memcpy(nr.max_addr, nr.min_addr, 16);
	nr.flags |= NAT_RANGE_MAP_IPS;
	return nat_setup_info(par->net, c, &nr, NAT_MANIP_DST);
}

/* netmap_tg4/6(): the host part kept, the network part from the range. */
unsigned int nat_xt_netmap(struct pkt *p, const struct nat_range *r, struct xt_action *par)
{
	struct ct_conn *c = ct_get(p, NULL);
	enum nat_manip m = nat_hook2manip(par->state->hook);
	bool v6 = par->family == XT_FAMILY_V6;
	unsigned int alen = v6 ? 16 : 4;
	const uint8_t *nh = pkt_network(p);
	const uint8_t *a = nh + (v6 ? 8 : 12) + (m == NAT_MANIP_DST ? alen : 0);
	struct nat_range nr = *r;

	if (!c)
		return USNF_ACCEPT;
	memset(nr.min_addr, 0, 16);
	for (unsigned int i = 0; i < alen; i++) {
		uint8_t mask = (uint8_t)~(r->min_addr[i] ^ r->max_addr[i]);

		nr.min_addr[i] = (uint8_t)((a[i] & ~mask) | (r->min_addr[i] & mask));
	}
	memcpy(nr.max_addr, nr.min_addr, 16);
	nr.flags |= NAT_RANGE_MAP_IPS;
	return nat_setup_info(par->net, c, &nr, m);
}
