/* nat_int: what the files of the nat module share (not for other modules). */
#ifndef USNF_NAT_INT_H
#define USNF_NAT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "nat/nat.h"
#include "stack/net.h"

#define NAT_BYSRC_BUCKETS 4096u
#define NAT_POOLS 256u

/* One port pool: a NAT address and protocol (telemetry). */
struct nat_pool {
	uint8_t addr[16];
	uint8_t l3, proto;
	bool used;
	uint64_t in_use, allocs, clashes, failures;
};

/* One (pool, remote address, remote port) of the per-destination telemetry: the
 * destination of SNAT bindings, the source of DNAT ones (port 0 without ports). */
#define NAT_DESTS 4096u         /* a power of two */
struct nat_dest {
	uint8_t addr[16];
	uint16_t port;
	uint16_t pool;
	bool used;
	uint64_t in_use, allocs, clashes, failures;
};

/* net->nat: the per-instance NAT state (struct nf_nat_pernet + nf_nat_bysource). */
struct nat_net {
	struct usnf_net *net;
	bool on[2];                             /* hooks registered for v4 / v6 */
	struct usnf_hook_ops ops[2][4];
	struct ct_conn *bysrc[NAT_BYSRC_BUCKETS];
	bool deterministic;
	const int *det_sysctl;                  /* usnf.nat_deterministic, if the table has it */
	uint64_t det_state, rnd_state;
	struct nat_pool pools[NAT_POOLS];
	uint64_t pool_overflow;                 /* bindings no pool slot was left for */
	struct nat_dest dests[NAT_DESTS];
	uint64_t dest_overflow;
};

int nat_net_get(struct usnf_net *net);
static inline struct nat_net *natn(const struct usnf_net *net) { return net->nat; }

/* Telemetry (nat_stats.c): charge a binding of c to t's pool, release it when c goes. */
void nat_pool_charge(struct nat_net *nn, struct ct_conn *c, const struct ct_tuple *t,
		     enum nat_manip m, bool clash, bool ok);
void nat_pool_release(struct nat_net *nn, struct ct_conn *c);

/* Packet rewriting (nat_manip.c). */
/* nf_nat_ipv4_manip_pkt()/nf_nat_ipv6_manip_pkt(): the IP header at nhoff (and its
 * L4 header) takes target's source or destination part.  false: cannot (drop). */
bool nat_manip_pkt(struct pkt *p, uint32_t nhoff, const struct ct_tuple *target,
		   enum nat_manip m);
/* nf_nat_packet(): translate an established packet of c; USNF_ACCEPT or DROP. */
unsigned int nat_packet(struct ct_conn *c, enum ct_info ci, unsigned int hook, struct pkt *p);
/* nf_nat_icmp_reply_translation(): an ICMP/ICMPv6 error RELATED to c. */
bool nat_icmp_reply_translation(struct pkt *p, struct ct_conn *c, enum ct_info ci,
				unsigned int hook, uint32_t thoff);

#endif
