/* stack: the IPv4/IPv6 receive, forward, local delivery and output path. */
#ifndef USNF_STACK_H
#define USNF_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include <usnf/hook.h>
#include <usnf/pkt.h>

struct usnf_net;

/* Engine-internal lifecycle of the stack state (sysctls, counters, ids). */
int stack_net_init(struct usnf_net *net);
void stack_net_exit(struct usnf_net *net);

/*
 * Replies generated on behalf of netfilter targets (REJECT) and the stack itself.
 * oldpkt is the offending packet with net_off/trans_off set; hook is where the
 * target runs (it decides routing of the reply as nf_send_reset/nf_send_unreach do).
 * The reply goes through LOCAL_OUT/POST_ROUTING like any locally generated packet.
 */
void stack_send_reset4(struct usnf_net *net, const struct pkt *oldpkt, int hook);
void stack_send_reset6(struct usnf_net *net, const struct pkt *oldpkt, int hook);
/* icmp_send(): type/code, info = MTU for frag-needed / gateway for redirect. */
void stack_icmp_send(struct usnf_net *net, const struct pkt *oldpkt, uint8_t type,
		     uint8_t code, uint32_t info);
/* icmpv6_send(). */
void stack_icmp6_send(struct usnf_net *net, const struct pkt *oldpkt, uint8_t type,
		      uint8_t code, uint32_t info);

/*
 * nf_dup_ipv4() / nf_dup_ipv6() (dup.c, for the TEE target): send an untracked
 * copy of pkt to the next hop gw (4 bytes in network order / 16 bytes), routed
 * out of oif when oif > 0; pkt itself is left as it is.  hook is where the
 * caller runs (copies made in PREROUTING/INPUT lose one TTL / hop).  The copy
 * goes through LOCAL_OUT and POST_ROUTING; while it does, no further copy is
 * made (the kernel's current->in_nf_duplicate).
 */
void stack_dup_ipv4(struct usnf_net *net, const struct pkt *pkt, unsigned int hook,
		    const void *gw, int oif);
void stack_dup_ipv6(struct usnf_net *net, const struct pkt *pkt, unsigned int hook,
		    const void *gw, int oif);
/* ip_local_out() / ip6_local_out() of a packet routed already (ipv4.c, ipv6.c; dup.c's). */
void ipv4_local_out_routed(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out);
void ipv6_local_out_routed(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out);

/*
 * SYNPROXY's segments (synproxy_send_tcp()/synproxy_send_tcp_ipv6() in
 * nf_synproxy_core.c; stack/synproxy_out.c): the TCP header tcp (len bytes, its
 * checksum field filled here) from saddr to daddr in an IP header as
 * synproxy_build_ip() makes it, joined to connection ct with ctinfo (ct NULL:
 * none, conntrack looks it up on LOCAL_OUT), sent through LOCAL_OUT/POST_ROUTING.
 * cause: the packet it answers (its frame's trace id).
 */
void stack_synproxy_send4(struct usnf_net *net, const struct pkt *cause, const uint8_t *saddr,
			  const uint8_t *daddr, const uint8_t *tcp, uint32_t len, void *ct,
			  uint32_t ctinfo);
void stack_synproxy_send6(struct usnf_net *net, const struct pkt *cause, const uint8_t *saddr,
			  const uint8_t *daddr, const uint8_t *tcp, uint32_t len, void *ct,
			  uint32_t ctinfo);

/* The value of a sysctl the engine uses, by fixed id (fast) — see stack/sysctl.c. */

/* An integer sysctl by name ("net.netfilter.nf_conntrack_tcp_loose"), dflt if unknown. */
int stack_sysctl_int(struct usnf_net *net, const char *key, int dflt);
/* A stable pointer to an integer sysctl's value (NULL if unknown or not an integer):
 * cache it at init and read it per packet. */
const int *stack_sysctl_ptr(struct usnf_net *net, const char *key);
/* The i-th sysctl key (creation order), NULL past the end (`sysctl -a`). */
const char *stack_sysctl_key_at(struct usnf_net *net, unsigned int i);

#endif
