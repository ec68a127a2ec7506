/*
 * nfnl: per-instance state of the user-space channels, and nf_queue(): packets a
 * hook function queued go to the registered handler (nfnetlink_queue's part) and
 * come back with its verdict (nf_reinject()).  The handler answers synchronously:
 * the engine keeps no queue of packets waiting for a verdict.
 */
#include <errno.h>
#include <stdlib.h>

#include "hook/hook_core.h"
#include "hook/nfnl.h"
#include "route/route.h"
#include "stack/net.h"

struct nfnl_net *nfnl_get(struct usnf_net *net)
{
	if (!net->nfnl)
		net->nfnl = calloc(1, sizeof(*net->nfnl));
	return net->nfnl;
}

void nfnl_net_exit(struct usnf_net *net)
{
	if (!net->nfnl)
		return;
	free(net->nfnl->subs);
	free(net->nfnl);
	net->nfnl = NULL;
}

int usnf_queue_set_handler(struct usnf_net *net, usnf_queue_fn fn, void *ctx)
{
	struct nfnl_net *n = fn ? nfnl_get(net) : net->nfnl;

	if (!n)
		return fn ? -ENOMEM : 0;
	n->queue_fn = fn;
	n->queue_ctx = fn ? ctx : NULL;
	return 0;
}

static void nf_queue_trace(struct usnf_net *net, const struct pkt *pkt,
			   const struct usnf_hook_state *st, unsigned int queuenum, int v,
			   bool bypass)
{
	struct usnf_trace_ev ev = {
		.kind = USNF_TRACE_QUEUE, .pf = st->pf, .hook = st->hook, .verdict = v,
		.ifindex = pkt->iif, .pkt = pkt, .queuenum = queuenum,
		.text = v < 0 ? (bypass ? "bypass" : "no listener") : NULL,
	};

	net_trace(net, &ev);
}

unsigned int nf_queue_packet(struct pkt *pkt, const struct usnf_hook_state *st,
			     unsigned int verdict)
{
	struct usnf_net *net = st->net;
	const struct nfnl_net *n = net->nfnl;
	struct usnf_queue_entry e = {
		.queuenum = (uint16_t)(verdict >> HOOK_VERDICT_QBITS),
		.pf = st->pf, .hook = st->hook,
		.indev = st->in ? st->in->ifindex : 0,
		.outdev = st->out ? st->out->ifindex : 0,
	};
	int v = USNF_QUEUE_NO_LISTENER;
	bool bypass = verdict & HOOK_VERDICT_FLAG_BYPASS;

	if (n && n->queue_fn)
		v = n->queue_fn(n->queue_ctx, pkt, &e);
	if (v < 0)
		v = USNF_QUEUE_NO_LISTENER;
	nf_queue_trace(net, pkt, st, e.queuenum, v, bypass);
	switch (v) {
	case USNF_QUEUE_NO_LISTENER:
		/* nf_queue(): -ESRCH; with NF_VERDICT_FLAG_QUEUE_BYPASS go on. */
		return bypass ? USNF_ACCEPT : USNF_QUEUE;
	case USNF_ACCEPT:
	case USNF_DROP:
	case USNF_REPEAT:
	case USNF_STOP:
		return (unsigned int)v;
	default:
		/* nfqnl_recv_verdict() refuses other verdicts; nf_reinject() frees
		 * what it cannot handle. */
		return USNF_DROP;
	}
}
