/* route: interfaces, addresses, LPM routing tables (v4/v6) and the neighbour table. */
#ifndef USNF_ROUTE_H
#define USNF_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include <usnf/net.h>

struct strbuf;

/* Route types: values of the kernel's RTN_* (include/uapi/linux/rtnetlink.h). */
enum route_type {
	RTN_UNSPEC = 0,
	RTN_UNICAST = 1,
	RTN_LOCAL = 2,
	RTN_BROADCAST = 3,
	RTN_ANYCAST = 4,
	RTN_MULTICAST = 5,
	RTN_BLACKHOLE = 6,
	RTN_UNREACHABLE = 7,
	RTN_PROHIBIT = 8,
	RTN_THROW = 9,
	RTN_NAT = 10,
	RTN_XRESOLVE = 11,
};

/* Routing table ids (RT_TABLE_*). */
#define ROUTE_TABLE_DEFAULT 253u
#define ROUTE_TABLE_MAIN    254u
#define ROUTE_TABLE_LOCAL   255u

/* Route origin (RTPROT_*): kernel routes come from addresses. */
#define ROUTE_PROTO_KERNEL 2u
#define ROUTE_PROTO_BOOT   3u

/* Scopes (RT_SCOPE_*). */
#define ROUTE_SCOPE_UNIVERSE 0u
#define ROUTE_SCOPE_LINK     253u
#define ROUTE_SCOPE_HOST     254u

/*
 * Per-device IPv4/IPv6 configuration the data path reads (the rest of the
 * net.ipv4.conf.* / net.ipv6.conf.* keys live only in the sysctl store).  The
 * sysctl store points its slots for these keys at these fields.
 */
enum route_conf4 {
	CONF4_FORWARDING,
	CONF4_RP_FILTER,
	CONF4_ACCEPT_LOCAL,
	CONF4_ROUTE_LOCALNET,
	CONF4_ARP_IGNORE,
	CONF4_ARP_FILTER,
	CONF4_ARP_ACCEPT,
	CONF4_PROXY_ARP,
	CONF4_ACCEPT_SOURCE_ROUTE,
	CONF4_SEND_REDIRECTS,
	CONF4_BC_FORWARDING,
	CONF4_LOG_MARTIANS,
	CONF4_SRC_VALID_MARK,
	CONF4_DROP_UNICAST_IN_L2_MULTICAST,
	CONF4_SHARED_MEDIA,
	CONF4_MAX,
};
enum route_conf6 {
	CONF6_FORWARDING,
	CONF6_DISABLE_IPV6,
	CONF6_HOP_LIMIT,
	CONF6_MTU,
	CONF6_ACCEPT_SOURCE_ROUTE,
	CONF6_FORCE_FORWARDING,
	CONF6_DROP_UNICAST_IN_L2_MULTICAST,
	CONF6_MAX,
};
extern const char *const route_conf4_names[CONF4_MAX];
extern const char *const route_conf6_names[CONF6_MAX];

struct usnf_iface {
	int ifindex;
	char name[16];
	uint8_t mac[6];
	uint32_t mtu;
	uint32_t group;         /* `ip link set DEV group N`: 0 ("default") unless set */
	bool up;
	bool loopback;
	int conf4[CONF4_MAX];
	int conf6[CONF6_MAX];
	void *sysctl_priv;      /* the stack's per-device sysctl slots */
};

/* An address configured on a device. */
struct route_ifaddr {
	int family;             /* AF_INET / AF_INET6 */
	int ifindex;
	uint8_t plen;
	uint8_t scope;          /* ROUTE_SCOPE_* (host for 127/8 and ::1, link for fe80::/10) */
	uint8_t addr[16];
	uint8_t brd[16];        /* IPv4 broadcast, zero if none */
	uint8_t local[16];      /* ip addr add A peer P: A; else same as addr */
};

/* One route (struct fib_alias + fib_info, reduced). */
struct route_entry {
	struct route_entry *next;       /* same prefix, by ascending metric */
	int family;
	uint8_t plen;
	uint8_t type;                   /* enum route_type */
	uint8_t proto;                  /* ROUTE_PROTO_* or a user value */
	uint8_t scope;
	uint32_t table;
	uint32_t metric;
	int oif;                        /* 0: none (blackhole & co) */
	bool has_gw;
	bool has_src;
	uint8_t dst[16];
	uint8_t gw[16];
	uint8_t prefsrc[16];
	int addr_owner;                 /* kernel route of an address: its ifindex, else 0 */
	uint32_t mtu;                   /* route mtu metric, 0: the device's */
};

/* Interface API beyond include/usnf/net.h. */
struct usnf_iface *route_iface_get(const struct usnf_net *net, int ifindex);
struct usnf_iface *route_iface_by_name(const struct usnf_net *net, const char *name);
/* Highest ifindex in use (for iteration with route_iface_get). */
int route_iface_max(const struct usnf_net *net);
int route_iface_set_up(struct usnf_net *net, int ifindex, bool up);
int route_iface_set_mtu(struct usnf_net *net, int ifindex, uint32_t mtu);
int route_iface_set_mac(struct usnf_net *net, int ifindex, const uint8_t mac[6]);

/*
 * Addresses: add (with the kernel's local/broadcast/prefix routes, as fib_add_ifaddr()
 * and addrconf_prefix_route() do), del.  brd may be NULL (IPv4: none given; "+" is
 * resolved by the caller).  -EEXIST, -EADDRNOTAVAIL, -ENODEV, -ENOMEM.
 */
int route_addr_add(struct usnf_net *net, int family, int ifindex, const void *addr,
		   uint8_t plen, const void *brd);
int route_addr_del(struct usnf_net *net, int family, int ifindex, const void *addr,
		   uint8_t plen);
/* Iterate: the i-th address (NULL past the end). */
const struct route_ifaddr *route_addr_at(const struct usnf_net *net, unsigned int i);
/* The first address of family on ifindex with scope <= max_scope (NULL if none). */
const struct route_ifaddr *route_addr_first(const struct usnf_net *net, int family,
					    int ifindex, uint8_t max_scope);
/* Is addr one of ours (any device)?  Returns the ifaddr or NULL. */
const struct route_ifaddr *route_addr_find(const struct usnf_net *net, int family,
					   const void *addr);

/*
 * IPv4 source selection as inet_select_addr(): the primary address of dev whose
 * subnet holds dst (or the first one of scope <= scope), else any device's.
 * Returns false if the host has none.
 */
bool route_select_src4(const struct usnf_net *net, int ifindex, uint32_t dst, uint8_t scope,
		       uint32_t *out);
/* Is addr a subnet-router anycast address of a forwarding device (ifindex 0: any)? */
bool route_anycast6(const struct usnf_net *net, const uint8_t *addr, int ifindex);
/* IPv6 source selection (RFC 6724 rules as ipv6_dev_get_saddr(), reduced). */
bool route_select_src6(const struct usnf_net *net, int ifindex, const uint8_t *dst,
		       uint8_t *out);

/* Routes.  table 0 means main.  -EEXIST / -ESRCH / -ENODEV / -EINVAL / -ENOMEM. */
int route_add(struct usnf_net *net, const struct route_entry *r, bool replace);
int route_del(struct usnf_net *net, const struct route_entry *match);
/*
 * Lookup as fib_lookup() with the default rules (local, main, default tables; a
 * throw route continues with the next table).  Only routes whose device is up.
 * oif != 0 restricts to routes out of that device (or without a device).
 * Returns the route or NULL (no route).
 */
const struct route_entry *route_lookup(const struct usnf_net *net, int family,
				       const void *dst, int oif);
/* Iterate all routes (for `ip route show`): call fn for each. */
void route_foreach(const struct usnf_net *net, int family,
		   void (*fn)(void *ctx, const struct route_entry *r), void *ctx);

/* The kernel's address type of addr (inet_addr_type_dev_table()), ifindex 0: any. */
unsigned int route_addr_type(struct usnf_net *net, int family, const void *addr, int ifindex);

/* Neighbours (struct neighbour, reduced). */
#define ROUTE_NUD_INCOMPLETE 0x01
#define ROUTE_NUD_PERMANENT 0x80
#define ROUTE_NUD_STALE     0x04
#define ROUTE_NUD_REACHABLE 0x02
#define ROUTE_NUD_FAILED    0x20
#define ROUTE_NUD_NOARP     0x40
#define ROUTE_NUD_VALID     (ROUTE_NUD_PERMANENT | ROUTE_NUD_NOARP | ROUTE_NUD_REACHABLE | \
			     ROUTE_NUD_STALE)
int route_neigh_set(struct usnf_net *net, int family, int ifindex, const void *addr,
		    const uint8_t mac[6], uint8_t state, bool replace);
int route_neigh_del(struct usnf_net *net, int family, int ifindex, const void *addr);
/* __neigh_create() on the packet path: an entry (no address yet) in state, using
 * reserved room only (-ENOSPC when full); an existing one just changes state. */
int route_neigh_create(struct usnf_net *net, int family, int ifindex, const void *addr,
		       uint8_t state);
/* The state of (ifindex, addr)'s entry (ROUTE_NUD_*), or -ENOENT. */
int route_neigh_state(const struct usnf_net *net, int family, int ifindex, const void *addr);
/* neigh_update() of an existing entry that is not permanent: new address and
 * state.  Returns the old state, or -ENOENT. */
int route_neigh_update(struct usnf_net *net, int family, int ifindex, const void *addr,
		       const uint8_t mac[6], uint8_t state);
/* The MAC of (ifindex, addr) when its entry is valid (not INCOMPLETE/FAILED), or NULL. */
const uint8_t *route_neigh_lookup(const struct usnf_net *net, int family, int ifindex,
				  const void *addr);
/* The i-th neighbour slot for `ip neigh show`: 1 (out filled), 0 (an empty slot), -1 past the end. */
struct route_neigh_view {
	int family;
	int ifindex;
	const uint8_t *addr;
	const uint8_t *mac;
	uint8_t state;
};
int route_neigh_get(const struct usnf_net *net, unsigned int i, struct route_neigh_view *out);
/* Learn from ARP/NDP (neigh_event_ns): creates a STALE entry, never touches permanent ones. */
void route_neigh_learn(struct usnf_net *net, int family, int ifindex, const void *addr,
		       const uint8_t mac[6]);

int route_net_init(struct usnf_net *net);
void route_net_exit(struct usnf_net *net);

/* Mask src to plen bits into dst (alen bytes used, the rest of the 16 zeroed). */
void route_prefix_mask(uint8_t *dst, const uint8_t *src, unsigned int plen, unsigned int alen);

/* Address-family helpers. */
static inline unsigned int route_alen(int family) { return family == 10 ? 16u : 4u; }

/* Hooks the stack installs to keep per-device sysctls in step (may be NULL). */
struct route_iface_ops {
	int (*added)(struct usnf_net *net, struct usnf_iface *ifc);
	void (*removed)(struct usnf_net *net, struct usnf_iface *ifc);
};
void route_set_iface_ops(struct usnf_net *net, const struct route_iface_ops *ops);

#endif
