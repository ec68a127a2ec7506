/* The instance object shared by the engine modules (struct net in Linux). */
#ifndef USNF_STACK_NET_H
#define USNF_STACK_NET_H

#include <usnf/net.h>

struct hook_registry;   /* hook/hook_core.h */
struct route_ctx;       /* route/route.h */
struct stack_ctx;       /* stack/stack.h: sysctls, counters, IP id state */
struct xt_net;          /* xt/xt.h: iptables/ip6tables tables */
struct ct_net;          /* ct/ (connection tracking, a later issue) */
struct nat_net;         /* nat/ (a later issue) */

struct usnf_net {
	struct pkt_pool *pool;
	uint64_t now_ns;
	usnf_tx_fn tx;
	void *tx_ctx;
	usnf_trace_fn trace;
	void *trace_ctx;

	struct hook_registry *hooks;
	struct route_ctx *route;
	struct stack_ctx *stack;
	struct xt_net *xt;
	struct ct_net *ct;
	struct nat_net *nat;
	struct ipset_net *ipset;   /* ipset/ipset.h: IP sets (added by ipset) */
	struct nfnl_net *nfnl;     /* hook/nfnl.h: NFLOG groups, the queue handler (nflogq) */
	/* geoip match: directory of the xt_geoip database ("" = /usr/share/xt_geoip);
	 * set with xt_geoip_dir_set() (xt/ext/ext_addons.h).  Added by ext3. */
	char geoip_dir[256];
};

/* Report a trace event if someone listens (cheap when nobody does). */
static inline void net_trace(struct usnf_net *net, const struct usnf_trace_ev *ev)
{
	if (net->trace)
		net->trace(net->trace_ctx, ev);
}

#endif
