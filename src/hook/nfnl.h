/*
 * nfnl: the engine side of the two netfilter user-space channels (the kernel's
 * nfnetlink_log and nfnetlink_queue): NFLOG group subscribers and the queue
 * handler, per instance.  The state is made by the first subscription or handler
 * (control path) and freed with the hook registry.
 */
#ifndef USNF_HOOK_NFNL_H
#define USNF_HOOK_NFNL_H

#include <stdbool.h>
#include <stdint.h>

#include <usnf/hook.h>
#include <usnf/nflog.h>
#include <usnf/queue.h>

struct usnf_net;

struct nflog_sub {
	uint16_t group;
	uint32_t copy_range;            /* the subscriber's NFULNL_COPY_PACKET range */
	usnf_nflog_fn fn;
	void *ctx;
};

struct nfnl_net {
	struct nflog_sub *subs;         /* a few groups: searched linearly */
	unsigned int n_subs, cap_subs;
	usnf_queue_fn queue_fn;
	void *queue_ctx;
};

/* net->nfnl, made on first use; NULL on -ENOMEM. */
struct nfnl_net *nfnl_get(struct usnf_net *net);
void nfnl_net_exit(struct usnf_net *net);

/* What a logging rule asks for (struct nf_loginfo, NF_LOG_TYPE_ULOG). */
struct nflog_loginfo {
	uint16_t group;
	bool copy_len_set;              /* NF_LOG_F_COPY_LEN: --nflog-size given */
	uint32_t copy_len;
	const char *prefix;             /* never NULL */
};

/*
 * nfulnl_log_packet(): hand pkt, as it is at the hook st, to the subscriber of
 * li->group; nothing when there is none.  Never allocates.
 */
void nflog_packet(struct usnf_net *net, const struct pkt *pkt,
		  const struct usnf_hook_state *st, const struct nflog_loginfo *li);

/*
 * nf_queue() and, with the handler's answer, nf_reinject(): verdict is the raw
 * NF_QUEUE verdict (queue number in the upper 16 bits, the bypass flag).  Returns
 * how the hook traversal goes on: USNF_ACCEPT (with the next function), USNF_REPEAT
 * (the same function again), USNF_STOP, USNF_DROP, or USNF_QUEUE when nobody
 * listens and the packet may not bypass (the caller drops it as queued).
 */
unsigned int nf_queue_packet(struct pkt *pkt, const struct usnf_hook_state *st,
			     unsigned int verdict);

#endif
