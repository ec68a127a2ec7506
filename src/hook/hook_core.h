/* hook_core: the engine side of the hook registry (init/exit and traversal). */
#ifndef USNF_HOOK_CORE_H
#define USNF_HOOK_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include <usnf/hook.h>
#include <usnf/pkt.h>

struct usnf_net;
struct usnf_iface;

/* Most functions on one hook point (MAX_HOOK_COUNT in net/netfilter/core.c). */
#define HOOK_MAX_ENTRIES 1024u

/*
 * A verdict may carry more than its low byte, as in the kernel
 * (include/uapi/linux/netfilter.h): NF_DROP_ERR's errno and NF_QUEUE_NR's queue
 * number live in the upper 16 bits, QUEUE_BYPASS is a flag.
 */
#define HOOK_VERDICT_MASK         0x000000ffu
#define HOOK_VERDICT_FLAG_BYPASS  0x00008000u
#define HOOK_VERDICT_QBITS        16
#define HOOK_QUEUE_NR(n)          ((((uint32_t)(n)) << HOOK_VERDICT_QBITS) | USNF_QUEUE)

/* Allocate / free net->hooks (an empty registry).  0 or -ENOMEM. */
int hook_net_init(struct usnf_net *net);
void hook_net_exit(struct usnf_net *net);

/*
 * Run the hook functions of (pf, hooknum) in priority order, as nf_hook_slow().
 * pf is USNF_NFPROTO_IPV4, _IPV6 or _ARP; hooknum USNF_INET_INGRESS (any pf)
 * runs the ingress functions of the device pkt->iif.  Returns:
 *   USNF_ACCEPT  every function accepted: the caller continues with okfn;
 *   USNF_DROP    the caller frees the packet; pkt->drop_reason is set to
 *                PKT_DROP_NETFILTER_DROP if it was still NOT_DROPPED_YET;
 *   USNF_STOLEN  a function took the packet: the caller forgets it;
 *   USNF_QUEUE   NF_QUEUE that nobody listens to (nf_queue() -> -ESRCH), without
 *                bypass: the kernel drops it; the caller decides.
 * REPEAT calls the same function again; STOP accepts without running the rest.
 * A QUEUE verdict goes to the queue handler (hook/nfnl.c, usnf_queue_set_handler())
 * and its verdict re-injects the packet (nf_reinject()); with nobody listening
 * and the bypass flag, it goes on with the next function.  Verdicts are masked to their low
 * byte first; an unknown verdict drops.  Never frees the packet, never allocates.
 * Emits a USNF_TRACE_HOOK event when at least one function is registered (an
 * empty hook point is skipped entirely, as nf_hook() does).
 */
unsigned int hook_run(struct usnf_net *net, uint8_t pf, uint8_t hooknum, struct pkt *pkt,
		      const struct usnf_iface *in, const struct usnf_iface *out);

/* Whether anything is registered on (pf, hooknum): lets callers skip setup work. */
bool hook_active(const struct usnf_net *net, uint8_t pf, uint8_t hooknum, int ifindex);

/* Number of functions on (pf, hooknum[, ifindex]) — for tests and dumps. */
unsigned int hook_count(const struct usnf_net *net, uint8_t pf, uint8_t hooknum, int ifindex);

#endif
