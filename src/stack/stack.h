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

/* The value of a sysctl the engine uses, by fixed id (fast) — see stack/sysctl.c. */

#endif
