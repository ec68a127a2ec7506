/* stack_int: the stack's private state and the functions its files share. */
#ifndef USNF_STACK_INT_H
#define USNF_STACK_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <usnf/net.h>

#include "route/route.h"
#include "stack/net.h"
#include "stack/stack.h"

#define AF_INET_  2
#define AF_INET6_ 10

#define IPPROTO_ICMP_   1
#define IPPROTO_IGMP_   2
#define IPPROTO_TCP_    6
#define IPPROTO_UDP_    17
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_UDPLITE_ 136

/* Global sysctls the data path reads, by fixed id (their slots point here). */
enum stack_sysctl {
	SYS_IP_DEFAULT_TTL,
	SYS_ICMP_ECHO_IGNORE_ALL,
	SYS_ICMP_ECHO_IGNORE_BROADCASTS,
	SYS_ICMP_ERRORS_USE_INBOUND_IFADDR,
	SYS_ICMP_IGNORE_BOGUS_ERROR_RESPONSES,
	SYS_IP_NO_PMTU_DISC,
	SYS_FWMARK_REFLECT,
	SYS_IPV6_ECHO_IGNORE_ALL,
	SYS_IPV6_ECHO_IGNORE_MULTICAST,
	SYS_IPV6_ECHO_IGNORE_ANYCAST,
	SYS_IPV6_FLOWLABEL_REFLECT,
	SYS_IPV6_AUTO_FLOWLABELS,
	SYS_IPV6_FWMARK_REFLECT,
	SYS_IPFRAG_TIME,
	SYS_IP6FRAG_TIME,
	SYS_ICMP_RATELIMIT,
	SYS_ICMP_RATEMASK,
	SYS_IPV6_ICMP_RATELIMIT,
	SYS_MAX,
};

struct sysctl_store;
struct peer_table;

/* The kernel's clock for rate limits: jiffies at HZ=1000 from the engine clock. */
#define STACK_HZ 1000u

/* struct inet_peer, reduced to the rate-limit state (peer.c). */
struct stack_peer {
	int family;
	uint8_t addr[16];
	uint64_t rate_tokens;           /* ip_error() and icmp xrlim tokens, in jiffies */
	uint64_t rate_last;             /* jiffies of the last charge */
	uint32_t n_redirects;           /* ip_rt_send_redirect() count */
	int hash_next, lru_prev, lru_next;
};

struct stack_ctx {
	int sys[SYS_MAX];
	int conf4_all[CONF4_MAX], conf4_dflt[CONF4_MAX];
	int conf6_all[CONF6_MAX], conf6_dflt[CONF6_MAX];
	struct sysctl_store *store;

	uint64_t drops[PKT_DROP_MAX];
	uint16_t ip_id;                 /* generated packets' IDs (any value is right) */
	uint32_t frag6_id;

	/* What the frame being received became (usnf_net_rx's answer). */
	int fate;
	uint32_t cur_trace_id;
	uint32_t next_trace_id;
	unsigned int depth;             /* nested local re-injection guard */

	struct frag_table *frags;       /* IPv4/IPv6 reassembly (frag.c) */
	struct peer_table *peers;       /* inet_peer state (peer.c) */
	struct resolve_table *resolve;  /* packets waiting for a neighbour (resolve.c) */
};

static inline struct stack_ctx *stk(const struct usnf_net *net) { return net->stack; }

/* Effective per-device values, as the kernel's IN_DEV_* macros combine all/dev. */
int stack_conf4(const struct usnf_net *net, const struct usnf_iface *ifc, enum route_conf4 id);

/* net.c: drops, trace, transmit. */
void stack_drop(struct usnf_net *net, struct pkt *p, enum pkt_drop_reason r);
void stack_trace_local(struct usnf_net *net, const struct pkt *p, const char *what);
void stack_set_fate(struct usnf_net *net, int fate);
/* Put an Ethernet header (dst mac, our mac, ethertype) and hand the frame to tx; frees p. */
void stack_xmit(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out,
		const uint8_t dmac[6], uint16_t ethertype);
/*
 * A local packet routed to ourselves goes round through lo into rcv (the
 * family's receive function), as loopback_xmit() + netif_rx(); frees p.
 */
void stack_loopback(struct usnf_net *net, struct pkt *p,
		    void (*rcv)(struct usnf_net *net, struct pkt *p, struct usnf_iface *in));
/* A fresh packet for a reply, data at the headroom, trace id of the cause. */
struct pkt *stack_pkt_new(struct usnf_net *net, const struct pkt *cause);
/* Run a hook; returns true if the caller goes on (ACCEPT), false if p is gone. */
bool stack_hook(struct usnf_net *net, uint8_t pf, uint8_t hook, struct pkt *p,
		const struct usnf_iface *in, const struct usnf_iface *out);

/* ipv4.c */
void ipv4_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in);
/* Send a locally built IPv4 packet (net_off set, data = IP header): route, LOCAL_OUT, POSTROUTING. */
void ipv4_local_out(struct usnf_net *net, struct pkt *p);
void ipv4_set_csum(uint8_t *iph);
/* IP options' timestamps: ms since midnight UT by the engine clock. */
uint32_t ipv4_options_time(const struct usnf_net *net);

/* icmp.c */
/* A reply to daddr: its source (route prefsrc or inet_select_addr()) and path MTU. */
bool icmp_route_src4(struct usnf_net *net, uint32_t daddr, uint32_t *saddr, uint32_t *mtu);
void icmp_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in);
void tcp4_send_reset(struct usnf_net *net, const struct pkt *old);
/* __icmp_send(): an ICMP error (or redirect) about old; old stays the caller's. */
void icmp_send4(struct usnf_net *net, const struct pkt *old, uint8_t type, uint8_t code,
		uint32_t info);

/* arp.c */
void arp_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in);
/* arp_solicit(): a broadcast request for target (4 bytes) on dev, cause the waiting packet. */
void arp_send_request(struct usnf_net *net, const struct pkt *cause, struct usnf_iface *dev,
		      const uint8_t *target);

/* ipv6.c */
void ipv6_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in);
void ipv6_local_out(struct usnf_net *net, struct pkt *p);

/* icmp6.c */
void icmp6_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in);
void tcp6_send_reset(struct usnf_net *net, const struct pkt *old);
void icmp6_send(struct usnf_net *net, const struct pkt *old, uint8_t type, uint8_t code,
		uint32_t info);
/* ndisc_solicit(): a multicast neighbour solicitation for target on dev. */
void ndisc_send_ns(struct usnf_net *net, const struct pkt *cause, struct usnf_iface *dev,
		   const uint8_t *target);
void ndisc_send_redirect(struct usnf_net *net, const struct pkt *old, const struct usnf_iface *dev,
			 const uint8_t *target);

/* frag.c: reassembly for local delivery; NULL while incomplete (p kept), else the whole. */
struct pkt *ipv4_defrag(struct usnf_net *net, struct pkt *p);
/* ipv6_frag_rcv(): 1 and *out to go on with (fragment header at *fhoff, now the
 * offset of what follows it), or 0 when p was queued or dropped. */
int ipv6_frag_rcv(struct usnf_net *net, struct pkt *p, uint32_t *nhoff, uint32_t *fhoff,
		  struct pkt **out);
/* Kill queues past their time (ICMP time exceeded when the first fragment came). */
void frag_expire(struct usnf_net *net);
int frag_net_init(struct usnf_net *net);
void frag_net_exit(struct usnf_net *net);

/* peer.c: inet_getpeer() (never NULL once initialised: the LRU entry is recycled). */
int peer_net_init(struct usnf_net *net);
void peer_net_exit(struct usnf_net *net);
uint64_t stack_jiffies(const struct usnf_net *net);
struct stack_peer *stack_peer_get(struct usnf_net *net, int family, const void *addr);
bool stack_peer_xrlim_allow(struct usnf_net *net, struct stack_peer *peer, uint64_t timeout);

/* resolve.c: neighbour resolution for p (nexthop set) on out; flush on an answer. */
int resolve_net_init(struct usnf_net *net);
void resolve_net_exit(struct usnf_net *net);
void stack_resolve_output(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out);
void stack_resolve_flush(struct usnf_net *net, int family, int ifindex, const void *addr);
void stack_resolve_timers(struct usnf_net *net);

/* sysctl.c */
int sysctl_net_init(struct usnf_net *net);
void sysctl_net_exit(struct usnf_net *net);

/* An IPv4 header's addresses, in network byte order as they are stored. */
static inline uint32_t ipv4_saddr(const uint8_t *iph)
{
	uint32_t a;

	memcpy(&a, iph + 12, 4);
	return a;
}
static inline uint32_t ipv4_daddr(const uint8_t *iph)
{
	uint32_t a;

	memcpy(&a, iph + 16, 4);
	return a;
}

/* Byte helpers. */
static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
