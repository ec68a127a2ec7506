/* ct_int: what the files of the conntrack module share (not for other modules). */
#ifndef USNF_CT_INT_H
#define USNF_CT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "ct/ct.h"
#include "stack/net.h"

#define CT_NS_PER_S 1000000000ull

struct ct_defrag;

/* Cached sysctls (stable pointers into the stack's sysctl table). */
struct ct_sysctl {
	const int *acct;
	const int *checksum, *loose, *liberal, *max, *max_retrans, *ignore_invalid_rst;
	const int *udp, *udp_stream, *icmp, *icmpv6, *generic;
	const int *tcp[CT_TCP_TIMEOUT_MAX];
};

/* net->ct: the per-instance conntrack state (struct netns_ct + the hash). */
struct ct_net {
	struct ct_node **buckets;
	unsigned int nbuckets;          /* a power of two */
	uint32_t seed;
	unsigned int count;             /* confirmed entries */
	uint32_t next_id;
	struct ct_conn *unconfirmed;    /* created, not confirmed (freed when the frame ends) */
	struct ct_conn *graveyard;      /* removed from the hash, freed when the frame ends */
	struct ct_conn *freelist;
	uint32_t last_trace;            /* the input frame being processed */
	bool on[2];                     /* hooks registered for v4 / v6 */
	struct usnf_hook_ops ops[2][6];
	struct ct_sysctl sys;
	struct ct_defrag *defrag;
	/* Labels (ct_labels.c): net->ct.labels_used as a flag, recounted through
	 * labels_in_use after a connlabel rule went (ct_connlabels_put). */
	bool labels_used, labels_recount;
	bool (*labels_in_use)(const struct usnf_net *net);
	/* NAT's per-connection cleanup (nf_nat_cleanup_conntrack) and its exit. */
	void (*nat_free)(void *ctx, struct ct_conn *c);
	void (*nat_exit)(struct usnf_net *net);
	void *nat_ctx;
	struct ct_stats stats;
	ct_event_fn ev_fn;              /* the event listener (conntrack -E), NULL none */
	void *ev_ctx;
	struct ct_expect_net *expect;   /* expectations and the helper hooks (ct_expect.c) */
	struct ct_synproxy_net *synproxy; /* SYNPROXY's secrets, template, hooks (ct_synproxy.c) */
};

static inline struct ct_net *ctn(const struct usnf_net *net) { return net->ct; }
static inline int ct_sys(const int *p, int dflt) { return p ? *p : dflt; }
static inline uint16_t ct_rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t ct_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Core. */
int ct_net_get(struct usnf_net *net);
uint32_t ct_tuple_hash(const struct ct_net *cn, const struct ct_tuple *t);
struct ct_node *ct_find(struct usnf_net *net, const struct ct_tuple *t);
void ct_refresh(struct usnf_net *net, struct ct_conn *c, uint32_t secs);
void ct_kill(struct usnf_net *net, struct ct_conn *c);
/* A confirmed entry for t without a packet (tests, conntrack -I): NULL and *err
 * = -EEXIST (clash), -EINVAL (tuple not invertible) or -ENOMEM (table full). */
struct ct_conn *ct_conn_insert(struct usnf_net *net, const struct ct_tuple *t, uint32_t secs,
			       int *err);
static inline struct ct_conn *ct_of_node(struct ct_node *n)
{
	return (struct ct_conn *)(void *)(n - n->dir);
}

/* Tuples and trackers (ct_proto.c, ct_tcp.c). */
bool ct_tuple_invert(const struct ct_tuple *in, struct ct_tuple *out);
int ct_tuple_build(const struct pkt *p, uint8_t l3, uint32_t nhoff, uint32_t thoff,
		   uint8_t proto, struct ct_tuple *t);
/* Whether proto's header at thoff is an error to track via its embedded packet. */
bool ct_is_icmp_error(const struct pkt *p, uint8_t l3, uint8_t proto, uint32_t thoff);
/* The checksum/length sanity of the L4 header (the trackers' *_error()); true if bad. */
bool ct_l4_error(struct usnf_net *net, const struct pkt *p, uint8_t l3, uint8_t proto,
		 uint32_t thoff, uint8_t hook);
/*
 * Checks of the ICMP header before tracking (icmp_error()/icmpv6_error()):
 * returns 0 go on (an ICMP query), 1 invalid, 2 handled (an error made RELATED
 * through its embedded packet: pkt->ct/ctinfo set), 3 untracked (ND, MLD).
 */
int ct_icmp_check(struct usnf_net *net, struct pkt *p, uint8_t l3, uint32_t thoff, uint8_t hook,
		  uint16_t zone);
/* A tracker's packet(): >0 accept, 0 invalid, -1 drop, -2 repeat (kill and redo). */
int ct_proto_packet(struct usnf_net *net, struct ct_conn *c, const struct pkt *p, uint32_t thoff,
		    enum ct_info info, bool fresh);
int ct_tcp_packet(struct usnf_net *net, struct ct_conn *c, const struct pkt *p, uint32_t thoff,
		  enum ct_info info, bool fresh);
bool ct_tcp_error(struct usnf_net *net, const struct pkt *p, uint8_t l3, uint32_t thoff,
		  uint8_t hook);
bool ct_tcp_can_early_drop(const struct ct_conn *c);

/* Expectations (ct_expect.c), helpers (ct_helper.c). */
/* init_conntrack()'s expectation lookup for the new unconfirmed c: true if c is
 * expected (status EXPECTED, master's mark, NAT's expectfn run). */
bool ct_expect_new_conn(struct usnf_net *net, struct ct_conn *c);
/* nf_ct_remove_expectations(): c is deleted or freed, its expectations go. */
void ct_expect_master_gone(struct ct_net *cn, struct ct_conn *c);
/* The helper hook functions (priority USNF_PRI_CONNTRACK_HELPER) for family fam (0 v4,
 * 1 v6) and their teardown with the expectation table. */
int ct_helper_register(struct usnf_net *net, unsigned int fam);
void ct_expect_exit(struct usnf_net *net);

/* Labels (ct_labels.c): nf_ct_labels_ext_add() for the new entry c. */
void ct_labels_ext_add(struct usnf_net *net, struct ct_conn *c);

/* Defrag (ct_defrag.c): -400 hook functions. */
unsigned int ct_defrag4_hook(void *priv, struct pkt *pkt, const struct usnf_hook_state *st);
unsigned int ct_defrag6_hook(void *priv, struct pkt *pkt, const struct usnf_hook_state *st);
void ct_defrag_exit(struct ct_net *cn);

#endif
