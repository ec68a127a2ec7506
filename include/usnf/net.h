/* net: one usnf instance, the user-space counterpart of a network namespace. */
#ifndef USNF_NET_H
#define USNF_NET_H

#include <stddef.h>
#include <stdint.h>

#include "hook.h"
#include "pkt.h"

struct usnf_net;

/*
 * Create an instance with the environment of a new Linux network namespace (sysctl
 * defaults, only "lo").  Returns 0 or -ENOMEM.  Destroy frees everything.
 */
int usnf_net_create(struct usnf_net **out);
void usnf_net_destroy(struct usnf_net *net);            /* accepts NULL */

/*
 * Transmit callback: the engine hands every frame it emits on an interface to
 * the driver.  The frame is only valid during the call.
 */
typedef void (*usnf_tx_fn)(void *ctx, int ifindex, const uint8_t *frame, uint32_t len,
			   const struct pkt *pkt);
void usnf_net_set_tx(struct usnf_net *net, usnf_tx_fn fn, void *ctx);

/* The engine's clock: set by the driver (packet timestamps in the simulator). */
void usnf_net_set_clock(struct usnf_net *net, uint64_t now_ns);
uint64_t usnf_net_now(const struct usnf_net *net);

/*
 * Receive one frame (Ethernet, no FCS) on ifindex.  The frame is copied into a
 * pool buffer; everything the packet causes is emitted through the tx callback
 * before this returns.  Returns the packet's fate (enum usnf_fate).
 */
enum usnf_fate {
	USNF_FATE_FORWARDED,    /* sent out of an interface */
	USNF_FATE_LOCAL,        /* delivered to the host itself */
	USNF_FATE_DROPPED,      /* dropped: see the trace for the reason */
	USNF_FATE_STOLEN,       /* a hook kept it */
	USNF_FATE_QUEUED,       /* NF_QUEUE */
};
const char *usnf_fate_name(enum usnf_fate f);
int usnf_net_rx(struct usnf_net *net, int ifindex, const uint8_t *frame, uint32_t len);
/* A burst: frames[i] of lens[i] on ifindex[i]; fates written to fates (may be NULL). */
void usnf_net_rx_burst(struct usnf_net *net, const int *ifindex, const uint8_t *const *frames,
		       const uint32_t *lens, unsigned int n, int *fates);

/*
 * Trace: the engine reports what a packet meets, in order.  The sim turns these
 * into LOG.jsonl and --trace text.  No callback set: nothing is recorded.
 */
enum usnf_trace_kind {
	USNF_TRACE_HOOK,        /* entering a hook: pf, hook */
	USNF_TRACE_RULE,        /* a rule matched, before its target runs: table, chain,
				   rulenum, target, verdict (-1 for extension targets) */
	USNF_TRACE_POLICY,      /* a built-in chain's policy decided: table, chain, verdict */
	USNF_TRACE_RETURN,      /* fell off the end of a user chain: table, chain */
	USNF_TRACE_DROP,        /* dropped: reason */
	USNF_TRACE_LOCAL,       /* delivered locally: what answered (text) */
	USNF_TRACE_TX,          /* emitted on ifindex */
	USNF_TRACE_LOG,         /* a LOG/TRACE target line (text) */
	USNF_TRACE_CT,          /* conntrack state (text) */
	USNF_TRACE_NAT,         /* NAT applied (text) */
	USNF_TRACE_VERDICT,     /* what the target of the rule just reported returned:
				   table, chain, rulenum, target, verdict */
	USNF_TRACE_QUEUE,       /* NF_QUEUE: queuenum, the handler's verdict (-1: nobody
				   listens; text "bypass" when the packet goes on) */
};

struct usnf_trace_ev {
	enum usnf_trace_kind kind;
	uint8_t pf;
	uint8_t hook;
	const char *table;
	const char *chain;
	unsigned int rulenum;           /* 1-based, 0 for policy */
	const char *target;             /* "ACCEPT", "DROP", "LOG", a chain name, ... */
	int verdict;                    /* enum usnf_verdict, or -1 */
	uint32_t drop_reason;           /* enum pkt_drop_reason */
	int ifindex;
	const char *text;
	const struct pkt *pkt;
	unsigned int queuenum;          /* USNF_TRACE_QUEUE */
};
typedef void (*usnf_trace_fn)(void *ctx, const struct usnf_trace_ev *ev);
void usnf_net_set_trace(struct usnf_net *net, usnf_trace_fn fn, void *ctx);

/*
 * Interfaces.  usnf_iface_add creates a down Ethernet device named name (at most 15
 * characters) with a zero MAC and MTU 1500 and returns its ifindex (lo is 1, the
 * first added device 2, ...).  -EEXIST if the name exists (then *ifindex is set too).
 */
int usnf_iface_add(struct usnf_net *net, const char *name, int *ifindex);
int usnf_iface_find(const struct usnf_net *net, const char *name);     /* ifindex or -ENOENT */
const char *usnf_iface_name(const struct usnf_net *net, int ifindex);  /* NULL if none */

/* Counters of dropped packets by reason (enum pkt_drop_reason). */
uint64_t usnf_net_drop_count(const struct usnf_net *net, enum pkt_drop_reason r);

/*
 * Sysctls, by their /proc/sys name ("net.ipv4.ip_forward" or "net/ipv4/ip_forward").
 * Returns 0, -ENOENT (unknown key) or -EINVAL (bad value).
 */
int usnf_sysctl_set(struct usnf_net *net, const char *key, const char *value);
int usnf_sysctl_get(struct usnf_net *net, const char *key, char *buf, size_t len);

#endif
