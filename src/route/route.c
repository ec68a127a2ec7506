/* route: the v4/v6 routing tables and lookup (fib_table_insert/lookup, fib6_add/lookup). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "route/route_int.h"
#include "stack/net.h"

#define AF_INET_ 2
#define AF_INET6_ 10

static struct route_ctx *rctx(const struct usnf_net *net) { return net->route; }

static struct route_table *table_get(struct route_ctx *rc, int family, uint32_t id, bool create)
{
	int f = route_fam(family);

	for (unsigned int i = 0; i < rc->ntables[f]; i++)
		if (rc->tables[f][i].id == id)
			return &rc->tables[f][i];
	if (!create)
		return NULL;
	struct route_table *n = realloc(rc->tables[f], (rc->ntables[f] + 1) * sizeof(*n));

	if (!n)
		return NULL;
	rc->tables[f] = n;
	struct route_table *t = &n[rc->ntables[f]];

	t->id = id;
	if (lpm_init(&t->lpm, route_alen(family) * 8) < 0)
		return NULL;
	rc->ntables[f]++;
	return t;
}

static const struct route_table *table_find(const struct route_ctx *rc, int family, uint32_t id)
{
	return table_get((struct route_ctx *)rc, family, id, false);
}

/*
 * One route per prefix and metric (`ip route add` answers "File exists"); but
 * the IPv6 routes the kernel makes for addresses (prefix and multicast routes)
 * exist once per device, as fib6_add_rt2node() keeps non-ECMP routes apart.
 */
static bool same_key(const struct route_entry *a, const struct route_entry *b)
{
	if (a->family == 10 && a->addr_owner && b->addr_owner && a->oif != b->oif)
		return false;
	return a->metric == b->metric;
}

int route_add(struct usnf_net *net, const struct route_entry *r, bool replace)
{
	struct route_ctx *rc = rctx(net);
	uint32_t id = r->table ? r->table : ROUTE_TABLE_MAIN;
	struct route_table *t = table_get(rc, r->family, id, true);
	unsigned int alen = route_alen(r->family);

	if (!t)
		return -ENOMEM;
	if (r->plen > alen * 8)
		return -EINVAL;
	uint8_t key[16];

	route_prefix_mask(key, r->dst, r->plen, alen);
	void **slot = lpm_slot(&t->lpm, key, r->plen);

	if (!slot)
		return -ENOMEM;
	struct route_entry **pp = (struct route_entry **)slot;

	for (struct route_entry *e = *pp; e; e = e->next) {
		if (!same_key(e, r))
			continue;
		if (!replace)
			return -EEXIST;
		struct route_entry *keep = e->next;

		*e = *r;
		e->table = id;
		memcpy(e->dst, key, 16);
		e->next = keep;
		return 0;
	}
	struct route_entry *n = malloc(sizeof(*n));

	if (!n)
		return -ENOMEM;
	*n = *r;
	n->table = id;
	memcpy(n->dst, key, 16);
	/* Keep the chain sorted by metric; equal metrics keep insertion order. */
	while (*pp && (*pp)->metric <= n->metric)
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
	return 0;
}

/* Does e match the filter m (zero/unset fields of m match anything)? */
static bool route_matches(const struct route_entry *e, const struct route_entry *m)
{
	unsigned int alen = route_alen(e->family);

	if (m->metric != UINT32_MAX && e->metric != m->metric)
		return false;
	if (m->type && e->type != m->type)
		return false;
	if (m->oif && e->oif != m->oif)
		return false;
	if (m->has_gw && (!e->has_gw || memcmp(e->gw, m->gw, alen)))
		return false;
	if (m->proto && e->proto != m->proto)
		return false;
	return true;
}

int route_del(struct usnf_net *net, const struct route_entry *m)
{
	struct route_ctx *rc = rctx(net);
	uint32_t id = m->table ? m->table : ROUTE_TABLE_MAIN;
	struct route_table *t = table_get(rc, m->family, id, false);
	uint8_t key[16];

	if (!t)
		return -ESRCH;
	route_prefix_mask(key, m->dst, m->plen, route_alen(m->family));
	void **slot = lpm_find(&t->lpm, key, m->plen);

	if (!slot)
		return -ESRCH;
	for (struct route_entry **pp = (struct route_entry **)slot; *pp; pp = &(*pp)->next) {
		if (!route_matches(*pp, m))
			continue;
		struct route_entry *e = *pp;

		*pp = e->next;
		free(e);
		return 0;
	}
	return -ESRCH;
}

/* A route can be used if its device exists and is up (dead nexthops are skipped). */
static bool route_usable(const struct usnf_net *net, const struct route_entry *e, int oif)
{
	if (oif && e->oif && e->oif != oif && e->type != RTN_LOCAL && e->type != RTN_BROADCAST)
		return false;
	if (!e->oif)
		return true;
	const struct usnf_iface *ifc = route_iface_get(net, e->oif);

	return ifc && ifc->up;
}

/* Longest usable prefix in one table. */
static const struct route_entry *table_lookup(const struct usnf_net *net,
					      const struct route_table *t, const uint8_t *key,
					      int oif)
{
	void *path[129];
	unsigned int n = lpm_match(&t->lpm, key, path);

	while (n--)
		for (const struct route_entry *e = path[n]; e; e = e->next)
			if (route_usable(net, e, oif))
				return e;
	return NULL;
}

const struct route_entry *route_lookup(const struct usnf_net *net, int family, const void *dst,
				       int oif)
{
	static const uint32_t order[] = { ROUTE_TABLE_LOCAL, ROUTE_TABLE_MAIN, ROUTE_TABLE_DEFAULT };
	const struct route_ctx *rc = rctx(net);
	uint8_t key[16] = { 0 };

	memcpy(key, dst, route_alen(family));
	for (unsigned int i = 0; i < 3; i++) {
		const struct route_table *t = table_find(rc, family, order[i]);
		const struct route_entry *e;

		if (!t || !(e = table_lookup(net, t, key, oif)))
			continue;
		if (e->type == RTN_THROW)
			continue;       /* fib rules: a throw route goes on with the next table */
		return e;
	}
	return NULL;
}

static void lpm_walk(const struct lpm *t, void (*fn)(void *, const struct route_entry *), void *ctx)
{
	for (uint32_t i = 0; i < t->n; i++)
		for (const struct route_entry *e = t->nodes[i].val; e; e = e->next)
			fn(ctx, e);
}

void route_foreach(const struct usnf_net *net, int family,
		   void (*fn)(void *ctx, const struct route_entry *r), void *ctx)
{
	const struct route_ctx *rc = rctx(net);
	int f = route_fam(family);

	for (unsigned int i = 0; i < rc->ntables[f]; i++)
		lpm_walk(&rc->tables[f][i].lpm, fn, ctx);
}

/* ---- kernel routes of addresses (fib_add_ifaddr(), addrconf_prefix_route()) ---- */

static int kroute(struct usnf_net *net, const struct route_ifaddr *ia, uint32_t table,
		  uint8_t type, const uint8_t *dst, uint8_t plen, uint8_t scope, uint32_t metric)
{
	struct route_entry r;

	memset(&r, 0, sizeof(r));
	r.family = ia->family;
	r.table = table;
	r.type = type;
	r.plen = plen;
	r.scope = scope;
	r.metric = metric;
	r.proto = ROUTE_PROTO_KERNEL;
	r.oif = ia->ifindex;
	r.addr_owner = ia->ifindex;
	memcpy(r.dst, dst, 16);
	if (ia->family == AF_INET_) {
		r.has_src = true;
		memcpy(r.prefsrc, ia->local, 4);
	}
	int err = route_add(net, &r, false);

	return err == -EEXIST ? 0 : err;        /* shared prefix/broadcast routes */
}

static void kroute_del(struct usnf_net *net, const struct route_ifaddr *ia, uint32_t table,
		       uint8_t type, const uint8_t *dst, uint8_t plen, uint32_t metric)
{
	struct route_entry m;

	memset(&m, 0, sizeof(m));
	m.family = ia->family;
	m.table = table;
	m.type = type;
	m.plen = plen;
	m.metric = metric;
	m.oif = ia->ifindex;
	memcpy(m.dst, dst, 16);
	route_del(net, &m);
}

static bool v4_needs_bcast(const struct route_ifaddr *ia, uint8_t *bc)
{
	uint8_t p[16];

	if (ia->plen >= 31)
		return false;
	route_prefix_mask(p, ia->addr, ia->plen, 4);
	for (unsigned int i = 0; i < 4; i++) {
		unsigned int bits = ia->plen > i * 8 ? ia->plen - i * 8 : 0;
		uint8_t hm = bits >= 8 ? 0 : (uint8_t)(0xff >> bits);

		p[i] |= hm;
	}
	memset(bc, 0, 16);
	memcpy(bc, p, 4);
	return true;
}

int route_kernel_routes_add(struct usnf_net *net, const struct route_ifaddr *ia)
{
	const struct usnf_iface *ifc = route_iface_get(net, ia->ifindex);
	uint8_t pfx[16], full[16] = { 0 };
	unsigned int alen = route_alen(ia->family);
	int err;

	memcpy(full, ia->addr, alen);
	route_prefix_mask(pfx, ia->addr, ia->plen, alen);
	if (ia->family == AF_INET_) {
		err = kroute(net, ia, ROUTE_TABLE_LOCAL, RTN_LOCAL, full, 32, ROUTE_SCOPE_HOST, 0);
		if (!err && ia->brd[0] | ia->brd[1] | ia->brd[2] | ia->brd[3] &&
		    memcmp(ia->brd, "\xff\xff\xff\xff", 4)) {
			uint8_t b[16] = { 0 };

			memcpy(b, ia->brd, 4);
			err = kroute(net, ia, ROUTE_TABLE_LOCAL, RTN_BROADCAST, b, 32, ROUTE_SCOPE_LINK, 0);
		}
		/* fib_add_ifaddr(): the prefix route, also the /32 to a peer. */
		if (!err && (ia->plen < 32 || memcmp(ia->addr, ia->local, 4)) &&
		    (pfx[0] | pfx[1] | pfx[2] | pfx[3])) {
			if (ifc->loopback)
				err = kroute(net, ia, ROUTE_TABLE_LOCAL, RTN_LOCAL, pfx, ia->plen,
					     ROUTE_SCOPE_HOST, 0);
			else
				err = kroute(net, ia, ROUTE_TABLE_MAIN, RTN_UNICAST, pfx, ia->plen,
					     ROUTE_SCOPE_LINK, 0);
			uint8_t bc[16];

			if (!err && v4_needs_bcast(ia, bc))
				err = kroute(net, ia, ROUTE_TABLE_LOCAL, RTN_BROADCAST, bc, 32,
					     ROUTE_SCOPE_LINK, 0);
		}
		return err;
	}
	/* addrconf_prefix_route() for every prefix length, /128 included (::1 too). */
	err = kroute(net, ia, ROUTE_TABLE_LOCAL, RTN_LOCAL, full, 128, ROUTE_SCOPE_HOST, 0);
	if (!err)
		err = kroute(net, ia, ROUTE_TABLE_MAIN, RTN_UNICAST, pfx, ia->plen,
			     ROUTE_SCOPE_UNIVERSE, 256);
	if (!err && !ifc->loopback) {
		static const uint8_t mc[16] = { 0xff };

		err = kroute(net, ia, ROUTE_TABLE_LOCAL, RTN_MULTICAST, mc, 8, ROUTE_SCOPE_UNIVERSE, 256);
	}
	return err;
}

/* Is another address still providing (family, ifindex, prefix/plen)? */
static bool prefix_still_used(const struct usnf_net *net, const struct route_ifaddr *gone,
			      bool same_prefix_only)
{
	unsigned int alen = route_alen(gone->family);
	uint8_t a[16], b[16];

	route_prefix_mask(a, gone->addr, gone->plen, alen);
	for (unsigned int i = 0;; i++) {
		const struct route_ifaddr *ia = route_addr_at(net, i);

		if (!ia)
			return false;
		if (ia == gone || ia->family != gone->family || ia->ifindex != gone->ifindex)
			continue;
		if (!same_prefix_only)
			return true;
		route_prefix_mask(b, ia->addr, ia->plen, alen);
		if (ia->plen == gone->plen && !memcmp(a, b, alen))
			return true;
	}
}

void route_kernel_routes_del(struct usnf_net *net, const struct route_ifaddr *ia)
{
	const struct usnf_iface *ifc = route_iface_get(net, ia->ifindex);
	uint8_t pfx[16], full[16] = { 0 };
	unsigned int alen = route_alen(ia->family);

	memcpy(full, ia->addr, alen);
	route_prefix_mask(pfx, ia->addr, ia->plen, alen);
	if (ia->family == AF_INET_) {
		kroute_del(net, ia, ROUTE_TABLE_LOCAL, RTN_LOCAL, full, 32, 0);
		if (ia->brd[0] | ia->brd[1] | ia->brd[2] | ia->brd[3]) {
			uint8_t b[16] = { 0 };

			memcpy(b, ia->brd, 4);
			kroute_del(net, ia, ROUTE_TABLE_LOCAL, RTN_BROADCAST, b, 32, 0);
		}
		if ((ia->plen < 32 || memcmp(ia->addr, ia->local, 4)) &&
		    !prefix_still_used(net, ia, true)) {
			uint8_t bc[16];

			kroute_del(net, ia, ifc && ifc->loopback ? ROUTE_TABLE_LOCAL : ROUTE_TABLE_MAIN,
				   0, pfx, ia->plen, 0);
			if (v4_needs_bcast(ia, bc))
				kroute_del(net, ia, ROUTE_TABLE_LOCAL, RTN_BROADCAST, bc, 32, 0);
		}
		return;
	}
	kroute_del(net, ia, ROUTE_TABLE_LOCAL, RTN_LOCAL, full, 128, 0);
	if (!prefix_still_used(net, ia, true))
		kroute_del(net, ia, ROUTE_TABLE_MAIN, RTN_UNICAST, pfx, ia->plen, 256);
	if (!prefix_still_used(net, ia, false)) {
		static const uint8_t mc[16] = { 0xff };

		kroute_del(net, ia, ROUTE_TABLE_LOCAL, RTN_MULTICAST, mc, 8, 256);
	}
}

/* ---- address types ---- */

unsigned int route_addr_type(struct usnf_net *net, int family, const void *addr, int ifindex)
{
	const uint8_t *a = addr;

	if (family == AF_INET_) {
		uint32_t v;

		memcpy(&v, a, 4);
		if (v == 0 || v == 0xffffffffu)
			return RTN_BROADCAST;
		if ((a[0] & 0xf0) == 0xe0)
			return RTN_MULTICAST;
		/* __inet_dev_addr_type(): the local table decides, unicast otherwise. */
		const struct route_table *t = table_find(net->route, family, ROUTE_TABLE_LOCAL);
		uint8_t key[16] = { 0 };

		memcpy(key, a, 4);
		const struct route_entry *e = t ? table_lookup(net, t, key, 0) : NULL;

		if (!e)
			return RTN_UNICAST;
		if (e->type != RTN_UNICAST && ifindex && e->oif != ifindex &&
		    e->type == RTN_LOCAL)
			return RTN_UNICAST;
		return e->type;
	}
	if (a[0] == 0xff)
		return RTN_MULTICAST;
	static const uint8_t any6[16];

	if (!memcmp(a, any6, 16))
		return RTN_UNSPEC;
	const struct route_entry *e = route_lookup(net, family, a, 0);

	if (!e)
		return RTN_UNREACHABLE;
	if (e->type == RTN_LOCAL && ifindex && e->oif != ifindex)
		return RTN_UNICAST;
	return e->type;
}

/* ---- lifecycle ---- */

int route_net_init(struct usnf_net *net)
{
	struct route_ctx *rc = calloc(1, sizeof(*rc));

	if (!rc)
		return -ENOMEM;
	memset(rc->buckets, 0xff, sizeof(rc->buckets));
	net->route = rc;
	/* Learned neighbours use reserved room: receiving never allocates. */
	rc->neigh = calloc(256, sizeof(*rc->neigh));
	if (!rc->neigh) {
		free(rc);
		net->route = NULL;
		return -ENOMEM;
	}
	rc->neigh_cap = 256;
	int err = route_loopback_create(net);

	if (err < 0)
		route_net_exit(net);
	return err;
}

void route_net_exit(struct usnf_net *net)
{
	struct route_ctx *rc = net->route;

	if (!rc)
		return;
	for (int f = 0; f < 2; f++) {
		for (unsigned int i = 0; i < rc->ntables[f]; i++) {
			struct lpm *t = &rc->tables[f][i].lpm;

			for (uint32_t n = 0; n < t->n; n++) {
				struct route_entry *e = t->nodes[n].val;

				while (e) {
					struct route_entry *next = e->next;

					free(e);
					e = next;
				}
			}
			lpm_free(t);
		}
		free(rc->tables[f]);
	}
	for (int i = 0; i <= rc->if_max && i < rc->if_cap; i++)
		free(rc->ifaces[i]);
	free(rc->ifaces);
	free(rc->addrs);
	free(rc->neigh);
	free(rc);
	net->route = NULL;
}

void route_set_iface_ops(struct usnf_net *net, const struct route_iface_ops *ops)
{
	struct route_ctx *rc = net->route;

	rc->ops = ops;
	if (!ops || !ops->added)
		return;
	for (int i = 1; i <= rc->if_max; i++)
		if (rc->ifaces[i])
			ops->added(net, rc->ifaces[i]);
}
