/* iface: devices and their IPv4/IPv6 addresses (net/core/dev.c, devinet.c, addrconf.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "route/route_int.h"
#include "stack/net.h"

#define AF_INET_ 2
#define AF_INET6_ 10

static struct route_ctx *rctx(const struct usnf_net *net) { return net->route; }

struct usnf_iface *route_iface_get(const struct usnf_net *net, int ifindex)
{
	struct route_ctx *rc = rctx(net);

	if (ifindex <= 0 || ifindex > rc->if_max)
		return NULL;
	return rc->ifaces[ifindex];
}

int route_iface_max(const struct usnf_net *net) { return rctx(net)->if_max; }

struct usnf_iface *route_iface_by_name(const struct usnf_net *net, const char *name)
{
	struct route_ctx *rc = rctx(net);

	for (int i = 1; i <= rc->if_max; i++)
		if (rc->ifaces[i] && strcmp(rc->ifaces[i]->name, name) == 0)
			return rc->ifaces[i];
	return NULL;
}

int usnf_iface_find(const struct usnf_net *net, const char *name)
{
	struct usnf_iface *ifc = route_iface_by_name(net, name);

	return ifc ? ifc->ifindex : -ENOENT;
}

const char *usnf_iface_name(const struct usnf_net *net, int ifindex)
{
	struct usnf_iface *ifc = route_iface_get(net, ifindex);

	return ifc ? ifc->name : NULL;
}

/* dev_valid_name(): 1..15 characters, no '/', ':' or whitespace, not "." or "..". */
static bool iface_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= 16 || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == ':' || name[i] == ' ' || name[i] == '\t' ||
		    name[i] == '\n')
			return false;
	return true;
}

static int iface_slot_reserve(struct route_ctx *rc, int ifindex)
{
	if (ifindex < rc->if_cap)
		return 0;
	int cap = rc->if_cap ? rc->if_cap * 2 : 16;

	while (cap <= ifindex)
		cap *= 2;
	struct usnf_iface **n = realloc(rc->ifaces, (size_t)cap * sizeof(*n));

	if (!n)
		return -ENOMEM;
	memset(n + rc->if_cap, 0, (size_t)(cap - rc->if_cap) * sizeof(*n));
	rc->ifaces = n;
	rc->if_cap = cap;
	return 0;
}

/* Create a device; lo gets the loopback's properties (MTU 65536, up). */
static int iface_create(struct usnf_net *net, const char *name, bool loopback, int *ifindex)
{
	struct route_ctx *rc = rctx(net);
	struct usnf_iface *old = route_iface_by_name(net, name);

	if (old) {
		if (ifindex)
			*ifindex = old->ifindex;
		return -EEXIST;
	}
	if (!iface_name_valid(name))
		return -EINVAL;
	int idx = rc->if_max + 1;

	if (iface_slot_reserve(rc, idx) < 0)
		return -ENOMEM;
	struct usnf_iface *ifc = calloc(1, sizeof(*ifc));

	if (!ifc)
		return -ENOMEM;
	ifc->ifindex = idx;
	strcpy(ifc->name, name);
	ifc->loopback = loopback;
	ifc->mtu = loopback ? 65536 : 1500;
	ifc->up = loopback;
	ifc->conf6[CONF6_HOP_LIMIT] = 64;
	ifc->conf6[CONF6_MTU] = (int)ifc->mtu;
	rc->ifaces[idx] = ifc;
	rc->if_max = idx;
	if (rc->ops && rc->ops->added) {
		int err = rc->ops->added(net, ifc);

		if (err < 0) {
			rc->ifaces[idx] = NULL;
			rc->if_max = idx - 1;
			free(ifc);
			return err;
		}
	}
	if (ifindex)
		*ifindex = idx;
	return 0;
}

int usnf_iface_add(struct usnf_net *net, const char *name, int *ifindex)
{
	return iface_create(net, name, false, ifindex);
}

int route_iface_set_up(struct usnf_net *net, int ifindex, bool up)
{
	struct usnf_iface *ifc = route_iface_get(net, ifindex);

	if (!ifc)
		return -ENODEV;
	ifc->up = up;
	return 0;
}

int route_iface_set_mtu(struct usnf_net *net, int ifindex, uint32_t mtu)
{
	struct usnf_iface *ifc = route_iface_get(net, ifindex);

	if (!ifc)
		return -ENODEV;
	/* ETH_MIN_MTU 68 .. the veth maximum; IPv6 is disabled below 1280 in Linux. */
	if (mtu < (ifc->loopback ? 0u : 68u) || mtu > 65535u)
		return -EINVAL;
	ifc->mtu = mtu;
	ifc->conf6[CONF6_MTU] = (int)mtu;     /* addrconf follows NETDEV_CHANGEMTU */
	return 0;
}

int route_iface_set_mac(struct usnf_net *net, int ifindex, const uint8_t mac[6])
{
	struct usnf_iface *ifc = route_iface_get(net, ifindex);

	if (!ifc)
		return -ENODEV;
	if (mac[0] & 1)         /* is_valid_ether_addr(): no multicast, not zero */
		return -EADDRNOTAVAIL;
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -EADDRNOTAVAIL;
	memcpy(ifc->mac, mac, 6);
	return 0;
}

/* ---- addresses ---- */

void route_prefix_mask(uint8_t *dst, const uint8_t *src, unsigned int plen, unsigned int alen)
{
	for (unsigned int i = 0; i < alen; i++) {
		unsigned int bits = plen > i * 8 ? plen - i * 8 : 0;
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		dst[i] = src[i] & m;
	}
	for (unsigned int i = alen; i < 16; i++)
		dst[i] = 0;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned int plen, unsigned int alen)
{
	uint8_t x[16], y[16];

	route_prefix_mask(x, a, plen, alen);
	route_prefix_mask(y, b, plen, alen);
	return memcmp(x, y, alen) == 0;
}

static uint8_t addr_scope(int family, const uint8_t *a, unsigned int plen)
{
	if (family == AF_INET_)
		return a[0] == 127 ? ROUTE_SCOPE_HOST : ROUTE_SCOPE_UNIVERSE;
	static const uint8_t lo6[16] = { [15] = 1 };

	if (!memcmp(a, lo6, 16))
		return ROUTE_SCOPE_HOST;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return ROUTE_SCOPE_LINK;
	(void)plen;
	return ROUTE_SCOPE_UNIVERSE;
}

const struct route_ifaddr *route_addr_at(const struct usnf_net *net, unsigned int i)
{
	struct route_ctx *rc = rctx(net);

	return i < rc->naddr ? &rc->addrs[i] : NULL;
}

static int addr_index(const struct route_ctx *rc, int family, int ifindex, const uint8_t *addr,
		      int plen)
{
	unsigned int alen = route_alen(family);

	for (unsigned int i = 0; i < rc->naddr; i++) {
		const struct route_ifaddr *ia = &rc->addrs[i];

		if (ia->family == family && (!ifindex || ia->ifindex == ifindex) &&
		    !memcmp(ia->addr, addr, alen) && (plen < 0 || ia->plen == plen))
			return (int)i;
	}
	return -1;
}

int route_addr_add(struct usnf_net *net, int family, int ifindex, const void *addr, uint8_t plen,
		   const void *brd)
{
	struct route_ctx *rc = rctx(net);
	unsigned int alen = route_alen(family);

	if (!route_iface_get(net, ifindex))
		return -ENODEV;
	if (plen > alen * 8)
		return -EINVAL;
	/* IPv4: the same local address on a device once (any prefix); IPv6 the same. */
	if (addr_index(rc, family, ifindex, addr, -1) >= 0)
		return -EEXIST;
	if (rc->naddr == rc->addr_cap) {
		unsigned int cap = rc->addr_cap ? rc->addr_cap * 2 : 16;
		struct route_ifaddr *n = realloc(rc->addrs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		rc->addrs = n;
		rc->addr_cap = cap;
	}
	struct route_ifaddr *ia = &rc->addrs[rc->naddr];

	memset(ia, 0, sizeof(*ia));
	ia->family = family;
	ia->ifindex = ifindex;
	ia->plen = plen;
	memcpy(ia->addr, addr, alen);
	memcpy(ia->local, addr, alen);
	if (brd && family == AF_INET_)
		memcpy(ia->brd, brd, 4);
	ia->scope = addr_scope(family, ia->addr, plen);
	int err = route_kernel_routes_add(net, ia);

	if (err < 0) {
		route_kernel_routes_del(net, ia);
		return err;
	}
	rc->naddr++;
	return 0;
}

int route_addr_del(struct usnf_net *net, int family, int ifindex, const void *addr, uint8_t plen)
{
	struct route_ctx *rc = rctx(net);
	int i = addr_index(rc, family, ifindex, addr, plen);

	if (i < 0)
		return -EADDRNOTAVAIL;
	route_kernel_routes_del(net, &rc->addrs[i]);
	memmove(&rc->addrs[i], &rc->addrs[i + 1], (rc->naddr - (unsigned int)i - 1) * sizeof(rc->addrs[0]));
	rc->naddr--;
	return 0;
}

const struct route_ifaddr *route_addr_first(const struct usnf_net *net, int family, int ifindex,
					    uint8_t max_scope)
{
	struct route_ctx *rc = rctx(net);

	for (unsigned int i = 0; i < rc->naddr; i++) {
		const struct route_ifaddr *ia = &rc->addrs[i];

		if (ia->family == family && ia->ifindex == ifindex && ia->scope <= max_scope)
			return ia;
	}
	return NULL;
}

const struct route_ifaddr *route_addr_find(const struct usnf_net *net, int family, const void *addr)
{
	struct route_ctx *rc = rctx(net);
	int i = addr_index(rc, family, 0, addr, -1);

	return i < 0 ? NULL : &rc->addrs[i];
}

/* inet_select_addr(): subnet match on dev first, then its first, then other devices. */
bool route_select_src4(const struct usnf_net *net, int ifindex, uint32_t dst, uint8_t scope,
		       uint32_t *out)
{
	struct route_ctx *rc = rctx(net);
	const struct route_ifaddr *first = NULL;

	for (unsigned int i = 0; i < rc->naddr; i++) {
		const struct route_ifaddr *ia = &rc->addrs[i];

		if (ia->family != AF_INET_ || ia->ifindex != ifindex || ia->scope > scope)
			continue;
		if (dst && prefix_match(ia->addr, (const uint8_t *)&dst, ia->plen, 4)) {
			memcpy(out, ia->local, 4);
			return true;
		}
		if (!first)
			first = ia;
	}
	if (first) {
		memcpy(out, first->local, 4);
		return true;
	}
	/* Other devices: an address of scope < link (RT_SCOPE_LINK excluded). */
	for (unsigned int i = 0; i < rc->naddr; i++) {
		const struct route_ifaddr *ia = &rc->addrs[i];

		if (ia->family == AF_INET_ && ia->scope < ROUTE_SCOPE_LINK && ia->scope <= scope) {
			memcpy(out, ia->local, 4);
			return true;
		}
	}
	return false;
}

/* ---- IPv6 source selection (RFC 6724 section 5, as ipv6_dev_get_saddr()) ---- */

static int v6_scope(const uint8_t *a)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	if (a[0] == 0xff)
		return a[1] & 0x0f;
	if (!memcmp(a, lo6, 16))
		return 1;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return 2;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return 5;       /* site-local */
	return 14;
}

/* The default policy table's labels (RFC 6724 section 2.1, ip6_addrlabel.c). */
static int v6_label(const uint8_t *a)
{
	static const struct { uint8_t p[16]; uint8_t plen; uint8_t label; } tab[] = {
		{ { [15] = 1 }, 128, 0 },
		{ { 0x20, 0x01, 0x00, 0x10 }, 28, 7 },
		{ { [10] = 0xff, [11] = 0xff }, 96, 4 },
		{ { 0x20, 0x01 }, 32, 6 },
		{ { 0x20, 0x02 }, 16, 2 },
		{ { 0x3f, 0xfe }, 16, 12 },
		{ { 0xfe, 0xc0 }, 10, 11 },
		{ { 0xfc }, 7, 5 },
		{ { 0 }, 96, 3 },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (prefix_match(a, tab[i].p, tab[i].plen, 16))
			return tab[i].label;
	return 1;
}

static unsigned int common_prefix(const uint8_t *a, const uint8_t *b)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < 16; i++) {
		uint8_t x = a[i] ^ b[i];

		if (!x) {
			n += 8;
			continue;
		}
		while (!(x & 0x80)) {
			n++;
			x <<= 1;
		}
		break;
	}
	return n;
}

/* Is candidate a better than b for dst (rules 1, 2, 5, 6, 8)? */
static bool v6_better(const struct route_ifaddr *a, const struct route_ifaddr *b,
		      const uint8_t *dst, int oif)
{
	int ds = v6_scope(dst);
	bool sa = !memcmp(a->addr, dst, 16), sb = !memcmp(b->addr, dst, 16);

	if (sa != sb)
		return sa;
	int as = v6_scope(a->addr), bs = v6_scope(b->addr);

	if (as != bs)
		return as < bs ? as >= ds : bs < ds;
	bool oa = a->ifindex == oif, ob = b->ifindex == oif;

	if (oa != ob)
		return oa;
	int dl = v6_label(dst);
	bool la = v6_label(a->addr) == dl, lb = v6_label(b->addr) == dl;

	if (la != lb)
		return la;
	return common_prefix(a->addr, dst) > common_prefix(b->addr, dst);
}

bool route_select_src6(const struct usnf_net *net, int ifindex, const uint8_t *dst, uint8_t *out)
{
	struct route_ctx *rc = rctx(net);
	const struct route_ifaddr *best = NULL;
	bool oif_only = dst[0] == 0xff || v6_scope(dst) <= 2;

	for (unsigned int i = 0; i < rc->naddr; i++) {
		const struct route_ifaddr *ia = &rc->addrs[i];
		const struct usnf_iface *ifc = route_iface_get(net, ia->ifindex);

		if (ia->family != AF_INET6_ || !ifc || !ifc->up)
			continue;
		if (oif_only && ia->ifindex != ifindex)
			continue;
		if (!best || v6_better(ia, best, dst, ifindex))
			best = ia;
	}
	if (!best)
		return false;
	memcpy(out, best->addr, 16);
	return true;
}

/*
 * The subnet-router anycast addresses (RFC 4291 2.6.1) a forwarding device
 * joins for the prefix of each of its IPv6 addresses (addrconf_join_anycast():
 * not for /127 and /128, not for the all-zero prefix).
 */
bool route_anycast6(const struct usnf_net *net, const uint8_t *addr, int ifindex)
{
	struct route_ctx *rc = rctx(net);
	static const uint8_t zero[16];

	for (unsigned int i = 0; i < rc->naddr; i++) {
		const struct route_ifaddr *ia = &rc->addrs[i];
		const struct usnf_iface *ifc = route_iface_get(net, ia->ifindex);
		uint8_t pfx[16];

		if (ia->family != AF_INET6_ || ia->plen >= 127 || !ifc || !ifc->conf6[CONF6_FORWARDING])
			continue;
		if (ifindex && ia->ifindex != ifindex)
			continue;
		route_prefix_mask(pfx, ia->addr, ia->plen, 16);
		if (memcmp(pfx, zero, 16) && !memcmp(pfx, addr, 16))
			return true;
	}
	return false;
}

int route_loopback_create(struct usnf_net *net)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	static const uint8_t lo6[16] = { [15] = 1 };
	int idx, err = iface_create(net, "lo", true, &idx);

	if (err < 0)
		return err;
	/* No broadcast address on lo (127.255.255.255 is still a broadcast route). */
	err = route_addr_add(net, AF_INET_, idx, lo4, 8, NULL);
	if (!err)
		err = route_addr_add(net, AF_INET6_, idx, lo6, 128, NULL);
	return err;
}

const char *const route_conf4_names[CONF4_MAX] = {
	[CONF4_FORWARDING] = "forwarding",
	[CONF4_RP_FILTER] = "rp_filter",
	[CONF4_ACCEPT_LOCAL] = "accept_local",
	[CONF4_ROUTE_LOCALNET] = "route_localnet",
	[CONF4_ARP_IGNORE] = "arp_ignore",
	[CONF4_ARP_FILTER] = "arp_filter",
	[CONF4_ARP_ACCEPT] = "arp_accept",
	[CONF4_PROXY_ARP] = "proxy_arp",
	[CONF4_ACCEPT_SOURCE_ROUTE] = "accept_source_route",
	[CONF4_SEND_REDIRECTS] = "send_redirects",
	[CONF4_BC_FORWARDING] = "bc_forwarding",
	[CONF4_LOG_MARTIANS] = "log_martians",
	[CONF4_SRC_VALID_MARK] = "src_valid_mark",
	[CONF4_DROP_UNICAST_IN_L2_MULTICAST] = "drop_unicast_in_l2_multicast",
	[CONF4_SHARED_MEDIA] = "shared_media",
};

const char *const route_conf6_names[CONF6_MAX] = {
	[CONF6_FORWARDING] = "forwarding",
	[CONF6_DISABLE_IPV6] = "disable_ipv6",
	[CONF6_HOP_LIMIT] = "hop_limit",
	[CONF6_MTU] = "mtu",
	[CONF6_ACCEPT_SOURCE_ROUTE] = "accept_source_route",
	[CONF6_FORCE_FORWARDING] = "force_forwarding",
	[CONF6_DROP_UNICAST_IN_L2_MULTICAST] = "drop_unicast_in_l2_multicast",
};
