/* neigh: the neighbour table (static entries, and what ARP/NDP teach), by (ifindex, addr). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "route/route_int.h"
#include "stack/net.h"

/* Room for learned entries is reserved up front: learning never allocates. */
#define NEIGH_MIN_CAP 256u

static unsigned int neigh_hash(int family, int ifindex, const uint8_t *addr)
{
	unsigned int alen = route_alen(family);
	uint32_t h = 2166136261u ^ (uint32_t)ifindex ^ ((uint32_t)family << 8);

	for (unsigned int i = 0; i < alen; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h % ROUTE_NEIGH_BUCKETS;
}

static struct route_neigh *neigh_find(const struct route_ctx *rc, int family, int ifindex,
				      const uint8_t *addr)
{
	unsigned int alen = route_alen(family);

	for (int i = rc->buckets[neigh_hash(family, ifindex, addr)]; i >= 0; i = rc->neigh[i].next) {
		struct route_neigh *n = &rc->neigh[i];

		if (n->used && n->family == family && n->ifindex == ifindex &&
		    !memcmp(n->addr, addr, alen))
			return n;
	}
	return NULL;
}

static int neigh_reserve(struct route_ctx *rc)
{
	if (rc->nneigh < rc->neigh_cap)
		return 0;
	unsigned int cap = rc->neigh_cap ? rc->neigh_cap * 2 : NEIGH_MIN_CAP;
	struct route_neigh *n = realloc(rc->neigh, cap * sizeof(*n));

	if (!n)
		return -ENOMEM;
	rc->neigh = n;
	rc->neigh_cap = cap;
	return 0;
}

static void neigh_insert(struct route_ctx *rc, int family, int ifindex, const uint8_t *addr,
			 const uint8_t mac[6], uint8_t state)
{
	struct route_neigh *n = &rc->neigh[rc->nneigh];
	unsigned int b = neigh_hash(family, ifindex, addr);

	memset(n, 0, sizeof(*n));
	n->family = family;
	n->ifindex = ifindex;
	memcpy(n->addr, addr, route_alen(family));
	memcpy(n->mac, mac, 6);
	n->state = state;
	n->used = true;
	n->next = rc->buckets[b];
	rc->buckets[b] = (int)rc->nneigh++;
}

int route_neigh_set(struct usnf_net *net, int family, int ifindex, const void *addr,
		    const uint8_t mac[6], uint8_t state, bool replace)
{
	struct route_ctx *rc = net->route;
	struct route_neigh *n = neigh_find(rc, family, ifindex, addr);

	if (!route_iface_get(net, ifindex))
		return -ENODEV;
	if (n) {
		/* `ip neigh add` over a learned (non-permanent) entry updates it too. */
		if (!replace && (n->state & ROUTE_NUD_PERMANENT))
			return -EEXIST;
		memcpy(n->mac, mac, 6);
		n->state = state;
		return 0;
	}
	if (neigh_reserve(rc) < 0)
		return -ENOMEM;
	neigh_insert(rc, family, ifindex, addr, mac, state);
	return 0;
}

int route_neigh_del(struct usnf_net *net, int family, int ifindex, const void *addr)
{
	struct route_ctx *rc = net->route;
	struct route_neigh *n = neigh_find(rc, family, ifindex, addr);

	if (!n)
		return -ENOENT;
	n->used = false;        /* the slot stays in its chain; lookups skip it */
	return 0;
}

const uint8_t *route_neigh_lookup(const struct usnf_net *net, int family, int ifindex,
				  const void *addr)
{
	const struct route_neigh *n = neigh_find(net->route, family, ifindex, addr);

	return n && (n->state & ROUTE_NUD_VALID) ? n->mac : NULL;
}

int route_neigh_state(const struct usnf_net *net, int family, int ifindex, const void *addr)
{
	const struct route_neigh *n = neigh_find(net->route, family, ifindex, addr);

	return n ? n->state : -ENOENT;
}

int route_neigh_update(struct usnf_net *net, int family, int ifindex, const void *addr,
		       const uint8_t mac[6], uint8_t state)
{
	struct route_neigh *n = neigh_find(net->route, family, ifindex, addr);
	int old;

	if (!n)
		return -ENOENT;
	old = n->state;
	if (old & (ROUTE_NUD_PERMANENT | ROUTE_NUD_NOARP))
		return old;
	if (mac)
		memcpy(n->mac, mac, 6);
	n->state = state;
	return old;
}

void route_neigh_learn(struct usnf_net *net, int family, int ifindex, const void *addr,
		       const uint8_t mac[6])
{
	struct route_ctx *rc = net->route;
	struct route_neigh *n = neigh_find(rc, family, ifindex, addr);

	if (n) {
		if (!(n->state & (ROUTE_NUD_PERMANENT | ROUTE_NUD_NOARP))) {
			memcpy(n->mac, mac, 6);
			if (!(n->state & ROUTE_NUD_VALID))
				n->state = ROUTE_NUD_STALE;
		}
		return;
	}
	if (rc->nneigh < rc->neigh_cap)
		neigh_insert(rc, family, ifindex, addr, mac, ROUTE_NUD_STALE);
}

int route_neigh_create(struct usnf_net *net, int family, int ifindex, const void *addr,
		       uint8_t state)
{
	static const uint8_t zero[6];
	struct route_ctx *rc = net->route;
	struct route_neigh *n = neigh_find(rc, family, ifindex, addr);

	if (n) {
		if (!(n->state & (ROUTE_NUD_PERMANENT | ROUTE_NUD_NOARP)))
			n->state = state;
		return 0;
	}
	if (rc->nneigh >= rc->neigh_cap)
		return -ENOSPC;
	neigh_insert(rc, family, ifindex, addr, zero, state);
	return 0;
}

int route_neigh_get(const struct usnf_net *net, unsigned int i, struct route_neigh_view *out)
{
	const struct route_ctx *rc = net->route;
	const struct route_neigh *n;

	if (i >= rc->nneigh)
		return -1;
	n = &rc->neigh[i];
	if (!n->used)
		return 0;
	out->family = n->family;
	out->ifindex = n->ifindex;
	out->addr = n->addr;
	out->mac = n->mac;
	out->state = n->state;
	return 1;
}
