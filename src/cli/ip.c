/* ip: the iproute2 `ip link|addr|route|neigh` commands over an instance. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "route/route.h"

#define AF_INET_ 2
#define AF_INET6_ 10

struct ipcmd_opts {
	int family;     /* 0: from the addresses */
};

static int ip_err(struct cli_ctx *c, int rc, const char *fmt, const char *arg)
{
	sb_addf(&c->err, fmt, arg ? arg : "");
	sb_addc(&c->err, '\n');
	return rc;
}

static bool ip_arg_matches(const char *arg, const char *full)
{
	size_t n = strlen(arg);

	return n && n <= strlen(full) && !strncmp(arg, full, n);
}

/* An address with an optional /plen; "default"/"any"/"all" is the zero prefix. */
static int ip_prefix_parse(const char *s, int *family, uint8_t *addr, int *plen)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	memset(addr, 0, 16);
	if (!strcmp(s, "default") || !strcmp(s, "any") || !strcmp(s, "all")) {
		*plen = 0;
		return 0;
	}
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = 0;
	int fam;

	if (inet_pton(AF_INET, buf, addr) == 1)
		fam = AF_INET_;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		fam = AF_INET6_;
	else
		return -EINVAL;
	if (*family && *family != fam)
		return -EAFNOSUPPORT;
	*family = fam;
	if (slash) {
		char *end;
		long v = strtol(slash + 1, &end, 10);

		if (!slash[1] || *end || v < 0 || v > (fam == AF_INET_ ? 32 : 128))
			return -EINVAL;
		*plen = (int)v;
	} else {
		*plen = fam == AF_INET_ ? 32 : 128;
	}
	return 0;
}

static int ip_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static int ip_u32_parse(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return -EINVAL;
	v = strtoull(s, &end, 0);
	if (*end || v > 0xffffffffull)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int ip_dev_find(struct cli_ctx *c, const char *name, int *ifindex)
{
	int i = usnf_iface_find(c->net, name);

	if (i < 0)
		return ip_err(c, 1, "Cannot find device \"%s\"", name);
	*ifindex = i;
	return 0;
}

static const struct route_type_name { const char *name; uint8_t type; } route_types[] = {
	{ "unicast", RTN_UNICAST }, { "local", RTN_LOCAL }, { "broadcast", RTN_BROADCAST },
	{ "anycast", RTN_ANYCAST }, { "multicast", RTN_MULTICAST }, { "blackhole", RTN_BLACKHOLE },
	{ "unreachable", RTN_UNREACHABLE }, { "prohibit", RTN_PROHIBIT }, { "throw", RTN_THROW },
};

static int ip_table_parse(const char *s, uint32_t *t)
{
	if (!strcmp(s, "main"))
		*t = ROUTE_TABLE_MAIN;
	else if (!strcmp(s, "local"))
		*t = ROUTE_TABLE_LOCAL;
	else if (!strcmp(s, "default"))
		*t = ROUTE_TABLE_DEFAULT;
	else
		return ip_u32_parse(s, t);
	return 0;
}

/* ---- printing as iproute2 does ---- */

/* The DEV of `show [dev] DEV` (NULL: all). */
static const char *ip_show_dev_arg(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev") && i + 1 < argc)
			return argv[i + 1];
		if (strcmp(argv[i], "up") && strcmp(argv[i], "dev"))
			return argv[i];
	}
	return NULL;
}

/*
 * The link lines of `ip link` / `ip addr` for a device as a veth end without its
 * peer: flags, mtu, qdisc (noqueue once up, noop before), operational state.
 */
static void ip_link_print(struct cli_ctx *c, const struct usnf_iface *f, bool mode, bool lladdr)
{
	const char *state = !f->up ? "DOWN" : f->loopback ? "UNKNOWN" : "UP";

	char group[16] = "default";

	if (f->group)
		snprintf(group, sizeof(group), "%u", f->group);
	sb_addf(&c->out, "%d: %s: <%s%s> mtu %u qdisc %s state %s %sgroup %s qlen 1000\n",
		f->ifindex, f->name, f->loopback ? "LOOPBACK" : "BROADCAST,MULTICAST",
		f->up ? ",UP,LOWER_UP" : "", f->mtu, f->up ? "noqueue" : "noop", state,
		mode ? "mode DEFAULT " : "", group);
	if (!lladdr)
		return;
	if (f->loopback)
		sb_addf(&c->out, "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n");
	else
		sb_addf(&c->out, "    link/ether %02x:%02x:%02x:%02x:%02x:%02x brd ff:ff:ff:ff:ff:ff\n",
			f->mac[0], f->mac[1], f->mac[2], f->mac[3], f->mac[4], f->mac[5]);
}

static const char *ip_addr_str(int family, const uint8_t *a, char *buf)
{
	return inet_ntop(family == AF_INET6_ ? AF_INET6 : AF_INET, a, buf, INET6_ADDRSTRLEN);
}

static const char *ip_scope_name(uint8_t scope, char *buf)
{
	switch (scope) {
	case ROUTE_SCOPE_UNIVERSE:
		return "global";
	case ROUTE_SCOPE_LINK:
		return "link";
	case ROUTE_SCOPE_HOST:
		return "host";
	case 200:
		return "site";
	default:
		snprintf(buf, 8, "%u", scope);
		return buf;
	}
}

/* A secondary IPv4 address: an earlier one on the device has the same subnet. */
static bool ip_addr4_is_secondary(struct usnf_net *net, unsigned int idx, const struct route_ifaddr *ia)
{
	const struct route_ifaddr *o;
	uint8_t a[16], b[16];

	route_prefix_mask(a, ia->local, ia->plen, 4);
	for (unsigned int i = 0; i < idx && (o = route_addr_at(net, i)); i++) {
		if (o->family != AF_INET_ || o->ifindex != ia->ifindex || o->plen != ia->plen)
			continue;
		route_prefix_mask(b, o->local, o->plen, 4);
		if (!memcmp(a, b, 4))
			return true;
	}
	return false;
}

static void ip_addr4_print(struct cli_ctx *c, const struct usnf_iface *f, const struct route_ifaddr *ia,
			bool secondary)
{
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN], sc[8];
	static const uint8_t zero[4];

	if (memcmp(ia->addr, ia->local, 4))
		sb_addf(&c->out, "    inet %s peer %s/%u", ip_addr_str(AF_INET_, ia->local, a),
			ip_addr_str(AF_INET_, ia->addr, p), ia->plen);
	else
		sb_addf(&c->out, "    inet %s/%u", ip_addr_str(AF_INET_, ia->local, a), ia->plen);
	if (memcmp(ia->brd, zero, 4))
		sb_addf(&c->out, " brd %s", ip_addr_str(AF_INET_, ia->brd, p));
	sb_addf(&c->out, " scope %s %s%s\n", ip_scope_name(ia->scope, sc), secondary ? "secondary " : "",
		f->name);
	sb_add(&c->out, "       valid_lft forever preferred_lft forever\n");
}

/* ipv6_addr_src_scope(): global (and site) before link before host. */
static int ip_addr6_rank(const struct route_ifaddr *ia)
{
	return ia->scope == ROUTE_SCOPE_UNIVERSE ? 0 : ia->scope == ROUTE_SCOPE_LINK ? 2 :
	       ia->scope == ROUTE_SCOPE_HOST ? 3 : 1;
}

/*
 * The addresses of f: IPv4 primaries, then secondaries, in the order they were
 * added; IPv6 by scope, the newest first within one (ipv6_link_dev_addr()).
 */
static void ip_addrs_print(struct cli_ctx *c, const struct usnf_iface *f, int family)
{
	const struct route_ifaddr *ia;
	char a[INET6_ADDRSTRLEN], sc[8];

	for (int pass = 0; pass < 2 && family != AF_INET6_; pass++)
		for (unsigned int i = 0; (ia = route_addr_at(c->net, i)); i++)
			if (ia->family == AF_INET_ && ia->ifindex == f->ifindex &&
			    ip_addr4_is_secondary(c->net, i, ia) == (pass == 1))
				ip_addr4_print(c, f, ia, pass == 1);
	if (family == AF_INET_)
		return;
	unsigned int n = 0;

	while (route_addr_at(c->net, n))
		n++;
	for (int rank = 0; rank < 4; rank++)
		for (unsigned int i = n; i-- > 0;) {
			ia = route_addr_at(c->net, i);
			if (ia->family != AF_INET6_ || ia->ifindex != f->ifindex || ip_addr6_rank(ia) != rank)
				continue;
			sb_addf(&c->out, "    inet6 %s/%u scope %s \n", ip_addr_str(AF_INET6_, ia->addr, a),
				ia->plen, ip_scope_name(ia->scope, sc));
			sb_add(&c->out, "       valid_lft forever preferred_lft forever\n");
		}
}

static bool ip_dev_has_addr(struct usnf_net *net, const struct usnf_iface *f, int family)
{
	const struct route_ifaddr *ia;

	for (unsigned int i = 0; (ia = route_addr_at(net, i)); i++)
		if (ia->ifindex == f->ifindex && (!family || ia->family == family))
			return true;
	return false;
}

/* `ip [-4|-6] addr show [dev] DEV`: with a family, devices without one are left out. */
static int ip_addr_show(struct cli_ctx *c, struct ipcmd_opts *o, int argc, char **argv)
{
	const char *dev = ip_show_dev_arg(argc, argv);
	int only = 0, rc;

	if (dev && (rc = ip_dev_find(c, dev, &only)))
		return rc;
	for (int i = 1; i <= route_iface_max(c->net); i++) {
		const struct usnf_iface *f = route_iface_get(c->net, i);

		if (!f || (only && only != i) || (o->family && !ip_dev_has_addr(c->net, f, o->family)))
			continue;
		ip_link_print(c, f, false, !o->family);
		ip_addrs_print(c, f, o->family);
	}
	return 0;
}

/* ---- ip route show ---- */

struct route_list {
	const struct route_entry **r;
	size_t n, cap;
	int family;
	uint32_t table;         /* 0: all */
};

static void ip_route_collect(void *ctx, const struct route_entry *r)
{
	struct route_list *l = ctx;

	if (r->family != l->family || (l->table && r->table != l->table))
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		const struct route_entry **v = realloc(l->r, cap * sizeof(*v));

		if (!v)
			return;
		l->r = v;
		l->cap = cap;
	}
	l->r[l->n++] = r;
}

static int ip_route_bit(const struct route_entry *r, unsigned int i)
{
	return (r->dst[i >> 3] >> (7 - (i & 7))) & 1;
}

/*
 * The kernel's dump orders: IPv4 by the fib trie (ascending key, the longer
 * prefix first on one key); IPv6 by a post-order walk of the fib6 radix tree
 * (the 0 branch, the 1 branch, then the node: more specific first, default
 * last).  Routes of one prefix by metric.  Tables: main (254) before local (255).
 */
static int ip_route_cmp(const void *pa, const void *pb)
{
	const struct route_entry *a = *(const struct route_entry *const *)pa;
	const struct route_entry *b = *(const struct route_entry *const *)pb;
	unsigned int m = a->plen < b->plen ? a->plen : b->plen;

	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	for (unsigned int i = 0; i < m; i++) {
		int x = ip_route_bit(a, i), y = ip_route_bit(b, i);

		if (x != y)
			return x - y;
	}
	if (a->plen != b->plen) {
		if (a->family == AF_INET_) {
			/* Same key up to the shorter prefix: compare the keys, then length. */
			uint32_t ka = (uint32_t)a->dst[0] << 24 | (uint32_t)a->dst[1] << 16 |
				      (uint32_t)a->dst[2] << 8 | a->dst[3];
			uint32_t kb = (uint32_t)b->dst[0] << 24 | (uint32_t)b->dst[1] << 16 |
				      (uint32_t)b->dst[2] << 8 | b->dst[3];

			if (ka != kb)
				return ka < kb ? -1 : 1;
		}
		return a->plen > b->plen ? -1 : 1;
	}
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	return 0;
}

static const char *ip_route_type_name(uint8_t t)
{
	for (size_t i = 0; i < sizeof(route_types) / sizeof(route_types[0]); i++)
		if (route_types[i].type == t)
			return route_types[i].name;
	return "unicast";
}

static void ip_route_print(struct cli_ctx *c, const struct route_entry *r, bool show_table)
{
	char a[INET6_ADDRSTRLEN], sc[8];
	unsigned int full = r->family == AF_INET6_ ? 128 : 32;
	const struct usnf_iface *dev = route_iface_get(c->net, r->oif);
	bool v6 = r->family == AF_INET6_;

	if (r->type != RTN_UNICAST)
		sb_addf(&c->out, "%s ", ip_route_type_name(r->type));
	if (!r->plen)
		sb_add(&c->out, "default");
	else if (r->plen == full)
		sb_add(&c->out, ip_addr_str(r->family, r->dst, a));
	else
		sb_addf(&c->out, "%s/%u", ip_addr_str(r->family, r->dst, a), r->plen);
	if (r->has_gw)
		sb_addf(&c->out, " via %s", ip_addr_str(r->family, r->gw, a));
	if (dev)
		sb_addf(&c->out, " dev %s", dev->name);
	else if (v6)
		sb_add(&c->out, " dev lo");
	if (show_table && r->table != ROUTE_TABLE_MAIN) {
		if (r->table == ROUTE_TABLE_LOCAL)
			sb_add(&c->out, " table local");
		else
			sb_addf(&c->out, " table %u", r->table);
	}
	if (r->proto == ROUTE_PROTO_KERNEL)
		sb_add(&c->out, " proto kernel");
	else if (r->proto == 4)
		sb_add(&c->out, " proto static");
	else if (r->proto != ROUTE_PROTO_BOOT && r->proto)
		sb_addf(&c->out, " proto %u", r->proto);
	if (!v6 && r->scope != ROUTE_SCOPE_UNIVERSE)
		sb_addf(&c->out, " scope %s", ip_scope_name(r->scope, sc));
	if (r->has_src)
		sb_addf(&c->out, " src %s", ip_addr_str(r->family, r->prefsrc, a));
	if (v6)
		sb_addf(&c->out, " metric %u", r->metric);
	else if (r->metric)
		sb_addf(&c->out, " metric %u", r->metric);
	if (r->mtu)
		sb_addf(&c->out, " mtu %u", r->mtu);
	sb_add(&c->out, v6 ? " pref medium\n" : " \n");
}

/* The subnet-router anycast routes of forwarding devices (local table, metric 0). */
static void ip_route_add_anycast(struct cli_ctx *c, struct route_list *l, struct route_entry *store,
			       size_t max, size_t *used)
{
	const struct route_ifaddr *ia;
	static const uint8_t zero[16];

	for (unsigned int i = 0; (ia = route_addr_at(c->net, i)) && *used < max; i++) {
		const struct usnf_iface *f = route_iface_get(c->net, ia->ifindex);
		struct route_entry *r = &store[*used];
		bool dup = false;

		if (ia->family != AF_INET6_ || ia->plen >= 127 || !f || !f->conf6[CONF6_FORWARDING])
			continue;
		memset(r, 0, sizeof(*r));
		route_prefix_mask(r->dst, ia->addr, ia->plen, 16);
		if (!memcmp(r->dst, zero, 16))
			continue;
		for (size_t j = 0; j < *used; j++)
			dup |= store[j].oif == ia->ifindex && !memcmp(store[j].dst, r->dst, 16);
		if (dup)
			continue;
		r->family = AF_INET6_;
		r->plen = 128;
		r->type = RTN_ANYCAST;
		r->proto = ROUTE_PROTO_KERNEL;
		r->table = ROUTE_TABLE_LOCAL;
		r->oif = ia->ifindex;
		(*used)++;
		ip_route_collect(l, r);
	}
}

/* `ip [-6] route show [table main|local|all|N]`. */
static int ip_route_show(struct cli_ctx *c, struct ipcmd_opts *o, int argc, char **argv)
{
	struct route_list l = { .family = o->family ? o->family : AF_INET_,
				.table = ROUTE_TABLE_MAIN };
	struct route_entry *any = NULL;
	size_t nany = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "table") && i + 1 < argc) {
			const char *t = argv[++i];

			if (!strcmp(t, "all") || !strcmp(t, "0"))
				l.table = 0;
			else if (ip_table_parse(t, &l.table))
				return ip_err(c, 1, "Error: argument \"%s\" is wrong: \"table\" value is invalid\n", t);
		}
	}
	route_foreach(c->net, l.family, ip_route_collect, &l);
	if (l.family == AF_INET6_ && (l.table == 0 || l.table == ROUTE_TABLE_LOCAL)) {
		any = calloc(64, sizeof(*any));
		if (any)
			ip_route_add_anycast(c, &l, any, 64, &nany);
	}
	if (l.n)
		qsort(l.r, l.n, sizeof(l.r[0]), ip_route_cmp);
	for (size_t i = 0; i < l.n; i++)
		ip_route_print(c, l.r[i], l.table == 0);
	free(l.r);
	free(any);
	return 0;
}

/* ---- ip neigh show ---- */

static const char *ip_nud_name(uint8_t s)
{
	switch (s) {
	case ROUTE_NUD_INCOMPLETE:
		return "INCOMPLETE";
	case ROUTE_NUD_REACHABLE:
		return "REACHABLE";
	case ROUTE_NUD_STALE:
		return "STALE";
	case ROUTE_NUD_FAILED:
		return "FAILED";
	case ROUTE_NUD_NOARP:
		return "NOARP";
	case ROUTE_NUD_PERMANENT:
		return "PERMANENT";
	default:
		return "NONE";
	}
}

/* `ip neigh show [dev DEV]`: IPv4 then IPv6, NOARP entries hidden (iproute2's filter). */
static int ip_neigh_show(struct cli_ctx *c, struct ipcmd_opts *o, int argc, char **argv)
{
	const char *dev = NULL;
	struct route_neigh_view v;
	char a[INET6_ADDRSTRLEN];
	int only = 0, rc;

	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "dev") && i + 1 < argc)
			dev = argv[++i];
	if (dev && (rc = ip_dev_find(c, dev, &only)))
		return rc;
	for (int fam = AF_INET_; fam <= AF_INET6_; fam += AF_INET6_ - AF_INET_) {
		if (o->family && o->family != fam)
			continue;
		for (unsigned int i = 0; (rc = route_neigh_get(c->net, i, &v)) >= 0; i++) {
			const struct usnf_iface *f = route_iface_get(c->net, v.ifindex);

			if (!rc || v.family != fam || !f || (only && only != v.ifindex) ||
			    v.state == ROUTE_NUD_NOARP)
				continue;
			sb_addf(&c->out, "%s ", ip_addr_str(fam, v.addr, a));
			if (!only)
				sb_addf(&c->out, "dev %s ", f->name);
			if (v.state & ROUTE_NUD_VALID)
				sb_addf(&c->out, "lladdr %02x:%02x:%02x:%02x:%02x:%02x ", v.mac[0],
					v.mac[1], v.mac[2], v.mac[3], v.mac[4], v.mac[5]);
			sb_addf(&c->out, "%s \n", ip_nud_name(v.state));
		}
	}
	return 0;
}

/* ---- ip link ---- */

static int ip_link_set(struct cli_ctx *c, int argc, char **argv)
{
	const char *dev = NULL;
	int up = -1, ifindex, rc;
	bool have_mac = false, have_mtu = false, have_group = false;
	uint8_t mac[6];
	uint32_t mtu = 0, group = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "up")) {
			up = 1;
		} else if (!strcmp(argv[i], "down")) {
			up = 0;
		} else if ((!strcmp(argv[i], "address") || !strcmp(argv[i], "addr")) && i + 1 < argc) {
			if (ip_mac_parse(argv[++i], mac))
				return ip_err(c, 1, "\"%s\" is invalid lladdr.", argv[i]);
			have_mac = true;
		} else if (!strcmp(argv[i], "mtu") && i + 1 < argc) {
			if (ip_u32_parse(argv[++i], &mtu))
				return ip_err(c, 255, "Error: argument \"%s\" is wrong: Invalid \"mtu\" value",
					      argv[i]);
			have_mtu = true;
		} else if (!strcmp(argv[i], "group") && i + 1 < argc) {
			/* rtnl_group_a2n(): "default" (the stock /etc/iproute2/group) or a number */
			if (strcmp(argv[++i], "default") && ip_u32_parse(argv[i], &group))
				return ip_err(c, 255, "Error: argument \"%s\" is wrong: Invalid \"group\" value",
					      argv[i]);
			have_group = true;
		} else if (!strcmp(argv[i], "dev") && i + 1 < argc) {
			dev = argv[++i];
		} else if (!dev) {
			dev = argv[i];
		} else {
			return ip_err(c, 255, "Error: either \"dev\" is duplicate, or \"%s\" is a garbage.",
				      argv[i]);
		}
	}
	if (!dev)
		return ip_err(c, 255, "Not enough information: \"dev\" argument is required.%s", "");
	if ((rc = ip_dev_find(c, dev, &ifindex)))
		return rc;
	struct usnf_iface *ifc = route_iface_get(c->net, ifindex);

	if (have_mtu && (mtu < (ifc->loopback ? 0u : 68u) || mtu > 65535u))
		return ip_err(c, 2, mtu < 68 ? "Error: mtu less than device minimum.%s" :
				     "Error: mtu greater than device maximum.%s", "");
	if (have_mac && ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])))
		return ip_err(c, 2, "RTNETLINK answers: Cannot assign requested address%s", "");
	if (have_mac)
		route_iface_set_mac(c->net, ifindex, mac);
	if (have_mtu)
		route_iface_set_mtu(c->net, ifindex, mtu);
	if (have_group)
		ifc->group = group;
	if (up >= 0)
		route_iface_set_up(c->net, ifindex, up == 1);
	return 0;
}

static int ip_link(struct cli_ctx *c, int argc, char **argv)
{
	if (argc < 1)
		return 0;
	if (ip_arg_matches(argv[0], "set"))
		return ip_link_set(c, argc - 1, argv + 1);
	if (ip_arg_matches(argv[0], "add")) {
		/* ip link add [name] NAME type dummy|veth... : devices are plain Ethernet here. */
		const char *name = NULL;

		for (int i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "name") && i + 1 < argc)
				name = argv[++i];
			else if (!strcmp(argv[i], "type"))
				break;
			else if (!name)
				name = argv[i];
		}
		if (!name)
			return ip_err(c, 255, "Not enough information: \"dev\" argument is required.%s", "");
		int idx, rc = usnf_iface_add(c->net, name, &idx);

		if (rc == -EEXIST)
			return ip_err(c, 2, "RTNETLINK answers: File exists%s", "");
		if (rc)
			return ip_err(c, 2, "Error: Attribute failed policy validation.%s", "");
		return 0;
	}
	if (ip_arg_matches(argv[0], "show") || ip_arg_matches(argv[0], "list")) {
		const char *dev = ip_show_dev_arg(argc - 1, argv + 1);
		int only = 0, rc;

		if (dev && (rc = ip_dev_find(c, dev, &only)))
			return rc;
		for (int i = 1; i <= route_iface_max(c->net); i++) {
			const struct usnf_iface *f = route_iface_get(c->net, i);

			if (f && (!only || only == i))
				ip_link_print(c, f, true, true);
		}
		return 0;
	}
	return ip_err(c, 255, "Command \"%s\" is unknown, try \"ip link help\".", argv[0]);
}

/* ---- ip addr ---- */

static int ip_addr(struct cli_ctx *c, struct ipcmd_opts *o, int argc, char **argv)
{
	if (argc < 1 || ip_arg_matches(argv[0], "show") || ip_arg_matches(argv[0], "list"))
		return ip_addr_show(c, o, argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
	bool add = ip_arg_matches(argv[0], "add"), del = ip_arg_matches(argv[0], "delete");

	if (!add && !del && strcmp(argv[0], "replace"))
		return ip_err(c, 255, "Command \"%s\" is unknown, try \"ip addr help\".", argv[0]);
	const char *dev = NULL, *local = NULL, *brd = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "dev") && i + 1 < argc)
			dev = argv[++i];
		else if ((!strcmp(argv[i], "brd") || !strcmp(argv[i], "broadcast")) && i + 1 < argc)
			brd = argv[++i];
		else if (!strcmp(argv[i], "local") && i + 1 < argc)
			local = argv[++i];
		else if ((!strcmp(argv[i], "scope") || !strcmp(argv[i], "label") ||
			  !strcmp(argv[i], "valid_lft") || !strcmp(argv[i], "preferred_lft") ||
			  !strcmp(argv[i], "metric")) && i + 1 < argc)
			i++;
		else if (!strcmp(argv[i], "nodad") || !strcmp(argv[i], "noprefixroute"))
			;
		else if (!local)
			local = argv[i];
	}
	if (!dev)
		return ip_err(c, 255, "Not enough information: \"dev\" argument is required.%s", "");
	if (!local)
		return ip_err(c, 2, "RTNETLINK answers: Operation not supported%s", "");
	int family = o->family, plen, ifindex, rc;
	uint8_t a[16], b[16] = { 0 };

	if (ip_prefix_parse(local, &family, a, &plen) || !strcmp(local, "default"))
		return ip_err(c, 1, "Error: any valid prefix is expected rather than \"%s\".", local);
	if ((rc = ip_dev_find(c, dev, &ifindex)))
		return rc;
	if (brd && family == AF_INET_) {
		if (!strcmp(brd, "+") || !strcmp(brd, "-")) {
			uint32_t m = plen ? ~0u << (32 - plen) : 0, v;

			memcpy(&v, a, 4);
			v = ntohl(v);
			v = brd[0] == '+' ? (v | ~m) : (v & m);
			v = htonl(v);
			memcpy(b, &v, 4);
		} else if (inet_pton(AF_INET, brd, b) != 1) {
			return ip_err(c, 1, "Error: an inet address is expected rather than \"%s\".", brd);
		}
	}
	if (del) {
		rc = route_addr_del(c->net, family, ifindex, a, (uint8_t)plen);
		if (rc)
			return ip_err(c, 2, family == AF_INET_ ? "Error: ipv4: Address not found.%s" :
					    "RTNETLINK answers: Cannot assign requested address%s", "");
		return 0;
	}
	rc = route_addr_add(c->net, family, ifindex, a, (uint8_t)plen, brd ? b : NULL);
	if (rc == -EEXIST)
		return ip_err(c, 2, family == AF_INET_ ? "Error: ipv4: Address already assigned.%s" :
				    "Error: ipv6: address already assigned.%s", "");
	if (rc)
		return ip_err(c, 2, "RTNETLINK answers: %s", strerror(-rc));
	return 0;
}

/* ---- ip route ---- */

/* Is gw reachable directly on dev (a connected route), as fib_check_nh()? Returns oif. */
static int ip_route_gw_onlink(struct cli_ctx *c, int family, const uint8_t *gw, int dev)
{
	if (family == AF_INET6_ && gw[0] == 0xfe && (gw[1] & 0xc0) == 0x80)
		return dev;     /* link-local gateways need the device */
	const struct route_entry *r = route_lookup(c->net, family, gw, 0);

	if (!r || r->type != RTN_UNICAST || r->has_gw)
		return 0;
	if (dev && r->oif != dev)
		return 0;
	return r->oif;
}

/* What "ip route add/del/replace" was asked, collected from its arguments. */
struct ip_route_req {
	struct route_entry r;
	int family, plen;
	const char *dev, *dst;
	bool have_metric, typed;
};

/* "via [inet|inet6] ADDR": the gateway also fixes the family. */
static int ip_route_parse_via(struct cli_ctx *c, struct ip_route_req *q, int argc, char **argv,
			      int *i)
{
	const char *v = argv[*i + 1];
	int f2 = q->family;

	(*i)++;
	if (!strcmp(v, "inet") || !strcmp(v, "inet6")) {
		if (*i + 1 >= argc)
			return ip_err(c, 1, "Error: an inet address is expected rather than \"%s\".", v);
		v = argv[++*i];
	}
	if (ip_prefix_parse(v, &f2, q->r.gw, &q->plen) || !strcmp(v, "default"))
		return ip_err(c, 1, "Error: an inet address is expected rather than \"%s\".", v);
	if (q->family && f2 != q->family)
		return ip_err(c, 2, "Error: Gateway family mismatch.%s", "");
	q->family = f2;
	q->r.has_gw = true;
	q->plen = -1;
	return 0;
}

/* A route type keyword (first, before the destination) or the destination itself. */
static int ip_route_parse_dst(struct cli_ctx *c, struct ip_route_req *q, const char *a)
{
	bool t = false;

	for (size_t k = 0; k < sizeof(route_types) / sizeof(route_types[0]); k++)
		if (!q->dst && !q->typed && !strcmp(a, route_types[k].name)) {
			q->r.type = route_types[k].type;
			q->typed = t = true;
		}
	if (t)
		return 0;
	if (q->dst)
		return ip_err(c, 255, "Error: either \"to\" is duplicate, or \"%s\" is a garbage.", a);
	q->dst = a;
	return 0;
}

/* Keywords iproute2 accepts with a value that has no effect here. */
static bool ip_route_ignored_kw(const char *a)
{
	static const char *const kw[] = { "scope", "tos", "dsfield", "realm", "advmss", "pref",
					  "hoplimit", "initcwnd" };

	for (size_t k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
		if (!strcmp(a, kw[k]))
			return true;
	return false;
}

/* One argument at argv[*i] (and its value); *i is left on the last word used. */
static int ip_route_parse_arg(struct cli_ctx *c, struct ip_route_req *q, int argc, char **argv,
			      int *i)
{
	const char *a = argv[*i];
	const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	struct route_entry *r = &q->r;

	if (!strcmp(a, "via") && v)
		return ip_route_parse_via(c, q, argc, argv, i);
	if (!strcmp(a, "dev") && v) {
		q->dev = v;
	} else if ((!strcmp(a, "metric") || !strcmp(a, "priority") ||
		    !strcmp(a, "preference")) && v) {
		if (ip_u32_parse(v, &r->metric))
			return ip_err(c, 1, "Error: argument \"%s\" is wrong: \"metric\" value is invalid", v);
		q->have_metric = true;
	} else if (!strcmp(a, "table") && v) {
		if (ip_table_parse(v, &r->table))
			return ip_err(c, 1, "Error: argument \"%s\" is wrong: \"table\" value is invalid", v);
	} else if (!strcmp(a, "src") && v) {
		int f2 = q->family, pl;

		if (ip_prefix_parse(v, &f2, r->prefsrc, &pl))
			return ip_err(c, 1, "Error: an inet address is expected rather than \"%s\".", v);
		r->has_src = true;
	} else if (!strcmp(a, "mtu") && v) {
		if (!strcmp(v, "lock") && *i + 2 < argc)
			v = argv[++*i];
		if (ip_u32_parse(v, &r->mtu))
			return ip_err(c, 1, "Error: argument \"%s\" is wrong: \"mtu\" value is invalid", v);
	} else if ((!strcmp(a, "proto") || !strcmp(a, "protocol")) && v) {
		uint32_t pr;

		r->proto = !strcmp(v, "kernel") ? 2 : !strcmp(v, "boot") ? 3 :
			   !strcmp(v, "static") ? 4 : (ip_u32_parse(v, &pr) ? 3 : (uint8_t)pr);
	} else if (ip_route_ignored_kw(a) && v) {
		;
	} else if (!strcmp(a, "onlink") || !strcmp(a, "to")) {
		return 0;
	} else {
		return ip_route_parse_dst(c, q, a);
	}
	(*i)++;         /* the value */
	return 0;
}

/* All arguments after the command word, then the destination prefix and defaults. */
static int ip_route_parse(struct cli_ctx *c, struct ipcmd_opts *o, bool del, int argc,
			  char **argv, struct ip_route_req *q)
{
	int fam2, rc;

	memset(q, 0, sizeof(*q));
	q->family = o->family;
	q->plen = -1;
	q->r.type = RTN_UNICAST;
	q->r.proto = ROUTE_PROTO_BOOT;
	q->r.table = ROUTE_TABLE_MAIN;
	for (int i = 1; i < argc; i++) {
		rc = ip_route_parse_arg(c, q, argc, argv, &i);
		if (rc)
			return rc;
	}
	if (!q->dst)
		return ip_err(c, 255, "Error: either \"to\" is duplicate, or \"%s\" is a garbage.", "");
	fam2 = q->family;
	if (ip_prefix_parse(q->dst, &fam2, q->r.dst, &q->plen))
		return ip_err(c, 1, "Error: any valid prefix is expected rather than \"%s\".", q->dst);
	q->family = fam2 ? fam2 : (o->family ? o->family : AF_INET_);
	q->r.family = q->family;
	q->r.plen = (uint8_t)q->plen;
	/* IPv6 routes get metric 1024 by default (IP6_RT_PRIO_USER). */
	if (!q->have_metric && q->family == AF_INET6_ && !del)
		q->r.metric = 1024;
	if (q->dev)
		return ip_dev_find(c, q->dev, &q->r.oif);
	return 0;
}

/* Unset fields match any route, as RTM_DELROUTE does. */
static int ip_route_del(struct cli_ctx *c, struct ip_route_req *q)
{
	if (!q->have_metric)
		q->r.metric = UINT32_MAX;
	q->r.type = q->typed ? q->r.type : 0;
	q->r.proto = 0;
	if (route_del(c->net, &q->r))
		return ip_err(c, 2, "RTNETLINK answers: No such process%s", "");
	return 0;
}

/* A unicast route needs a reachable gateway or a device (fib_check_nh()). */
static int ip_route_add(struct cli_ctx *c, struct ip_route_req *q, bool repl)
{
	struct route_entry *r = &q->r;
	int rc;

	if (r->type == RTN_UNICAST) {
		if (r->has_gw) {
			int oif = ip_route_gw_onlink(c, q->family, r->gw, r->oif);

			if (!oif)
				return ip_err(c, 2, q->family == AF_INET_ ?
					      "Error: Nexthop has invalid gateway.%s" :
					      "RTNETLINK answers: No route to host%s", "");
			r->oif = oif;
		} else if (!r->oif) {
			return ip_err(c, 2, "Error: Device for nexthop is not up.%s", "");
		}
		r->scope = r->has_gw ? ROUTE_SCOPE_UNIVERSE : ROUTE_SCOPE_LINK;
	}
	rc = route_add(c->net, r, repl);
	if (rc == -EEXIST)
		return ip_err(c, 2, "RTNETLINK answers: File exists%s", "");
	if (rc)
		return ip_err(c, 2, "RTNETLINK answers: %s", strerror(-rc));
	return 0;
}

static int ip_route(struct cli_ctx *c, struct ipcmd_opts *o, int argc, char **argv)
{
	struct ip_route_req q;
	bool add, del, repl;
	int rc;

	if (argc < 1 || ip_arg_matches(argv[0], "show") || ip_arg_matches(argv[0], "list"))
		return ip_route_show(c, o, argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
	add = !strcmp(argv[0], "add") || !strcmp(argv[0], "a");
	del = ip_arg_matches(argv[0], "delete");
	repl = !strcmp(argv[0], "replace") || !strcmp(argv[0], "change") ||
	       !strcmp(argv[0], "append");
	if (!strcmp(argv[0], "flush"))
		return 0;
	if (!add && !del && !repl)
		return ip_err(c, 255, "Command \"%s\" is unknown, try \"ip route help\".", argv[0]);
	rc = ip_route_parse(c, o, del, argc, argv, &q);
	if (rc)
		return rc;
	return del ? ip_route_del(c, &q) : ip_route_add(c, &q, repl);
}

/* ---- ip neigh ---- */

static int ip_neigh(struct cli_ctx *c, struct ipcmd_opts *o, int argc, char **argv)
{
	if (argc < 1 || ip_arg_matches(argv[0], "show") || ip_arg_matches(argv[0], "list"))
		return ip_neigh_show(c, o, argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
	if (!strcmp(argv[0], "flush"))
		return 0;
	bool add = !strcmp(argv[0], "add") || !strcmp(argv[0], "a");
	bool del = ip_arg_matches(argv[0], "delete");
	bool repl = !strcmp(argv[0], "replace") || !strcmp(argv[0], "change");

	if (!add && !del && !repl)
		return ip_err(c, 255, "Command \"%s\" is unknown, try \"ip neigh help\".", argv[0]);
	const char *dev = NULL, *addr = NULL;
	uint8_t mac[6] = { 0 }, state = ROUTE_NUD_PERMANENT;
	bool have_mac = false;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "lladdr") && v) {
			if (ip_mac_parse(v, mac))
				return ip_err(c, 1, "\"%s\" is invalid lladdr.", v);
			have_mac = true;
			i++;
		} else if (!strcmp(argv[i], "dev") && v) {
			dev = v;
			i++;
		} else if (!strcmp(argv[i], "nud") && v) {
			state = !strcmp(v, "permanent") ? ROUTE_NUD_PERMANENT :
				!strcmp(v, "noarp") ? ROUTE_NUD_NOARP :
				!strcmp(v, "stale") ? ROUTE_NUD_STALE : ROUTE_NUD_REACHABLE;
			i++;
		} else if (!strcmp(argv[i], "proxy") || !strcmp(argv[i], "to")) {
			;
		} else if (!addr) {
			addr = argv[i];
		}
	}
	if (!dev || !addr)
		return ip_err(c, 255, "Device and destination are required arguments.%s", "");
	int family = o->family, plen, ifindex, rc;
	uint8_t a[16];

	if (ip_prefix_parse(addr, &family, a, &plen))
		return ip_err(c, 1, "Error: an inet address is expected rather than \"%s\".", addr);
	if ((rc = ip_dev_find(c, dev, &ifindex)))
		return rc;
	if (del) {
		if (route_neigh_del(c->net, family, ifindex, a))
			return ip_err(c, 2, "RTNETLINK answers: No such file or directory%s", "");
		return 0;
	}
	if (!have_mac)
		return ip_err(c, 2, "RTNETLINK answers: Invalid argument%s", "");
	rc = route_neigh_set(c->net, family, ifindex, a, mac, state, repl);
	if (rc == -EEXIST)
		return ip_err(c, 2, "RTNETLINK answers: File exists%s", "");
	if (rc)
		return ip_err(c, 2, "RTNETLINK answers: %s", strerror(-rc));
	return 0;
}

int cli_ip(struct cli_ctx *ctx, int argc, char **argv)
{
	struct ipcmd_opts o = { 0 };
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *f = argv[i];

		if (!strcmp(f, "-4"))
			o.family = AF_INET_;
		else if (!strcmp(f, "-6"))
			o.family = AF_INET6_;
		else if (!strcmp(f, "-f") || !strcmp(f, "-family")) {
			if (++i >= argc)
				return ip_err(ctx, 255, "Option \"%s\" requires an argument.", f);
			o.family = !strcmp(argv[i], "inet6") ? AF_INET6_ : AF_INET_;
		} else if (!strcmp(f, "-d") || !strcmp(f, "-s") || !strcmp(f, "-o") ||
			   !strcmp(f, "-br") || !strcmp(f, "-c") || !strcmp(f, "-j") ||
			   !strcmp(f, "-n") || !strcmp(f, "-details") || !strcmp(f, "-brief")) {
			;
		} else {
			return ip_err(ctx, 255, "Option \"%s\" is unknown, try \"ip -help\".", f);
		}
	}
	if (i >= argc)
		return ip_err(ctx, 255, "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }%s", "");
	const char *obj = argv[i];
	int rest = argc - i - 1;
	char **rv = argv + i + 1;

	if (ip_arg_matches(obj, "link"))
		return ip_link(ctx, rest, rv);
	if (ip_arg_matches(obj, "address") || !strcmp(obj, "a") || !strcmp(obj, "addr"))
		return ip_addr(ctx, &o, rest, rv);
	if (ip_arg_matches(obj, "route") || !strcmp(obj, "r"))
		return ip_route(ctx, &o, rest, rv);
	if (ip_arg_matches(obj, "neighbour") || ip_arg_matches(obj, "neighbor") || !strcmp(obj, "n"))
		return ip_neigh(ctx, &o, rest, rv);
	return ip_err(ctx, 1, "Object \"%s\" is unknown, try \"ip help\".", obj);
}
