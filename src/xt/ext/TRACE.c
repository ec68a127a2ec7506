/*
 * TRACE: mark the packet for tracing (skb->nf_trace).  iptables-nft 1.8.9 turns
 * it into the native "meta nftrace set 1", so no table restriction applies; the
 * rules a traced packet meets are reported by the traversal (xt_do.c).
 */
#include "xt/xt.h"

static unsigned int trace_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	pkt->nf_trace = true;
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_trace = {
	.name = "TRACE",
	.family = XT_EXT_ANY,
	.target = trace_target,
};
