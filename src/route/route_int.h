/* route_int: the route module's private state (struct route_ctx). */
#ifndef USNF_ROUTE_INT_H
#define USNF_ROUTE_INT_H

#include "route/lpm.h"
#include "route/route.h"

#define ROUTE_FAM_V4 0
#define ROUTE_FAM_V6 1
#define ROUTE_NEIGH_BUCKETS 256u

struct route_table {
	uint32_t id;
	struct lpm lpm;
};

struct route_neigh {
	int family;
	int ifindex;
	uint8_t addr[16];
	uint8_t mac[6];
	uint8_t state;
	int next;               /* bucket chain, -1 ends */
	bool used;
};

struct route_ctx {
	struct usnf_iface **ifaces;     /* by ifindex */
	int if_cap;
	int if_max;

	struct route_ifaddr *addrs;
	unsigned int naddr, addr_cap;

	struct route_table *tables[2];  /* per ROUTE_FAM_* */
	unsigned int ntables[2];

	struct route_neigh *neigh;
	unsigned int nneigh, neigh_cap;
	int buckets[ROUTE_NEIGH_BUCKETS];

	const struct route_iface_ops *ops;
};

static inline int route_fam(int family) { return family == 10 ? ROUTE_FAM_V6 : ROUTE_FAM_V4; }

/* Kernel routes of an address (route.c), used by iface.c. */
int route_kernel_routes_add(struct usnf_net *net, const struct route_ifaddr *ia);
void route_kernel_routes_del(struct usnf_net *net, const struct route_ifaddr *ia);
/* Create lo (ifindex 1, up, 127.0.0.1/8 and ::1/128 as after `ip link set lo up`). */
int route_loopback_create(struct usnf_net *net);

#endif
