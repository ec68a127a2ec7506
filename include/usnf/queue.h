/*
 * queue: the NF_QUEUE handler, the user-space nf_queue + nfnetlink_queue.  A hook
 * function (the NFQUEUE target, `-j QUEUE`, or a library user's) returning
 * USNF_QUEUE hands the packet to the handler with its queue number; the handler
 * answers at once with the verdict user space would send, and the packet is
 * re-injected as nf_reinject() does.
 */
#ifndef USNF_QUEUE_H
#define USNF_QUEUE_H

#include <stdint.h>

#include "pkt.h"

struct usnf_net;

/* What the handler is told about a queued packet (struct nf_queue_entry). */
struct usnf_queue_entry {
	uint16_t queuenum;
	uint8_t pf;                     /* enum usnf_nfproto */
	uint8_t hook;                   /* enum usnf_hook_num */
	int indev, outdev;              /* ifindex, 0 if none */
};

/* The handler's answer when nobody listens on that queue (nfqnl_enqueue_packet()'s
 * -ESRCH): the packet is dropped, or goes on with --queue-bypass. */
#define USNF_QUEUE_NO_LISTENER (-1)

/*
 * Returns the verdict for pkt (which it may change, e.g. its mark, as NFQA_MARK
 * does, but not keep): USNF_ACCEPT (go on with the next hook function), USNF_DROP,
 * USNF_REPEAT (call the same hook function again), USNF_STOP (accept, skipping
 * the rest of the hook), or USNF_QUEUE_NO_LISTENER.  Anything else drops.
 */
typedef int (*usnf_queue_fn)(void *ctx, struct pkt *pkt, const struct usnf_queue_entry *e);

/*
 * Register the handler of every queue (nf_register_queue_handler()); NULL
 * unregisters it: then nobody listens on any queue.  0 or -ENOMEM.
 */
int usnf_queue_set_handler(struct usnf_net *net, usnf_queue_fn fn, void *ctx);

#endif
