/* hook: netfilter hook registration, the user-space nf_register_net_hook(). */
#ifndef USNF_HOOK_H
#define USNF_HOOK_H

#include <stdint.h>

#include "pkt.h"

struct usnf_net;
struct usnf_iface;

/* Protocol families (values of the kernel's NFPROTO_*). */
enum usnf_nfproto {
	USNF_NFPROTO_UNSPEC = 0,
	USNF_NFPROTO_INET = 1,
	USNF_NFPROTO_IPV4 = 2,
	USNF_NFPROTO_ARP = 3,
	USNF_NFPROTO_NETDEV = 5,
	USNF_NFPROTO_BRIDGE = 7,
	USNF_NFPROTO_IPV6 = 10,
};

/* Hook points (values of enum nf_inet_hooks); INGRESS is per device. */
enum usnf_hook_num {
	USNF_INET_PRE_ROUTING = 0,
	USNF_INET_LOCAL_IN = 1,
	USNF_INET_FORWARD = 2,
	USNF_INET_LOCAL_OUT = 3,
	USNF_INET_POST_ROUTING = 4,
	USNF_INET_NUMHOOKS = 5,
	USNF_INET_INGRESS = 5,
	USNF_HOOK_MAX = 6,
};

/* Verdicts (values of NF_DROP ... NF_REPEAT). */
enum usnf_verdict {
	USNF_DROP = 0,
	USNF_ACCEPT = 1,
	USNF_STOLEN = 2,
	USNF_QUEUE = 3,
	USNF_REPEAT = 4,
	USNF_STOP = 5,          /* deprecated in Linux; treated as ACCEPT-and-stop */
};

/* Priorities of enum nf_ip_hook_priorities / nf_ip6_hook_priorities. */
enum usnf_hook_priority {
	USNF_PRI_FIRST = INT32_MIN,
	USNF_PRI_RAW_BEFORE_DEFRAG = -450,
	USNF_PRI_CONNTRACK_DEFRAG = -400,
	USNF_PRI_RAW = -300,
	USNF_PRI_SELINUX_FIRST = -225,
	USNF_PRI_CONNTRACK = -200,
	USNF_PRI_MANGLE = -150,
	USNF_PRI_NAT_DST = -100,
	USNF_PRI_FILTER = 0,
	USNF_PRI_SECURITY = 50,
	USNF_PRI_NAT_SRC = 100,
	USNF_PRI_SELINUX_LAST = 225,
	USNF_PRI_CONNTRACK_HELPER = 300,
	USNF_PRI_CONNTRACK_CONFIRM = INT32_MAX,
	USNF_PRI_LAST = INT32_MAX,
};

/* What a hook function is told about where it runs (struct nf_hook_state). */
struct usnf_hook_state {
	uint8_t hook;                   /* enum usnf_hook_num */
	uint8_t pf;                     /* enum usnf_nfproto */
	const struct usnf_iface *in;    /* NULL on OUTPUT */
	const struct usnf_iface *out;   /* NULL on PREROUTING/INPUT */
	struct usnf_net *net;
};

/*
 * A hook function.  It owns nothing: on USNF_DROP the core frees the packet, on
 * USNF_STOLEN the function has taken it (and must free or re-inject it), on
 * USNF_ACCEPT traversal goes on with the next function, on USNF_REPEAT the same
 * function is called again, on USNF_QUEUE the packet goes to the queue handler.
 */
typedef unsigned int (*usnf_hookfn)(void *priv, struct pkt *pkt,
				    const struct usnf_hook_state *state);

struct usnf_hook_ops {
	usnf_hookfn hook;
	void *priv;
	uint8_t pf;             /* USNF_NFPROTO_IPV4, _IPV6, _ARP, _NETDEV, _INET (both) */
	uint8_t hooknum;        /* enum usnf_hook_num */
	int ifindex;            /* INGRESS only: the device */
	int32_t priority;       /* lower runs first; equal priorities keep insertion order */
};

/*
 * Register ops on net.  The ops struct must stay valid until unregistered.
 * Returns 0, -EINVAL (bad pf/hooknum), -EEXIST (already registered) or -ENOMEM.
 */
int usnf_hook_register(struct usnf_net *net, const struct usnf_hook_ops *ops);
/* Register n ops, all or none (nf_register_net_hooks()). */
int usnf_hook_register_many(struct usnf_net *net, const struct usnf_hook_ops *ops,
			    unsigned int n);
void usnf_hook_unregister(struct usnf_net *net, const struct usnf_hook_ops *ops);
void usnf_hook_unregister_many(struct usnf_net *net, const struct usnf_hook_ops *ops,
			       unsigned int n);

#endif
