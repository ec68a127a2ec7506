/*
 * ct: connection tracking (net/netfilter/nf_conntrack_*.c reduced to what the
 * engine needs): tuples, the table, protocol trackers, the hook functions.
 */
#ifndef USNF_CT_H
#define USNF_CT_H

#include <stdbool.h>
#include <stdint.h>

#include <usnf/hook.h>
#include <usnf/pkt.h>

#include "util/strbuf.h"

struct usnf_net;

/* enum ip_conntrack_info: what pkt->ctinfo holds once conntrack has seen the packet. */
enum ct_info {
	CT_ESTABLISHED = 0,
	CT_RELATED = 1,
	CT_NEW = 2,
	CT_IS_REPLY = 3,
	CT_ESTABLISHED_REPLY = 3,
	CT_RELATED_REPLY = 4,
	CT_UNTRACKED = 7,
};
/* ctinfo lives in the low byte of pkt->ctinfo; the upper bits are ct-private. */
#define CT_INFO_MASK     0xffu
#define CT_INFO_SEEN     0x100u         /* conntrack ran on this packet (INVALID if ct NULL) */
#define CT_FRAGMAX_SHIFT 16             /* defrag: largest original fragment (frag_max_size) */

/* Status bits (enum ip_conntrack_status). */
#define CT_S_EXPECTED    (1u << 0)
#define CT_S_SEEN_REPLY  (1u << 1)
#define CT_S_ASSURED     (1u << 2)
#define CT_S_CONFIRMED   (1u << 3)
#define CT_S_SRC_NAT     (1u << 4)
#define CT_S_DST_NAT     (1u << 5)
#define CT_S_SEQ_ADJUST  (1u << 6)
#define CT_S_SRC_NAT_DONE (1u << 7)
#define CT_S_DST_NAT_DONE (1u << 8)
#define CT_S_DYING       (1u << 9)
#define CT_S_FIXED_TIMEOUT (1u << 10)
#define CT_S_TEMPLATE    (1u << 11)
#define CT_S_UNTRACKED   (1u << 12)
#define CT_S_HELPER      (1u << 13)
#define CT_S_OFFLOAD     (1u << 14)

enum ct_dir { CT_DIR_ORIGINAL = 0, CT_DIR_REPLY = 1 };

/* TCP states (enum tcp_conntrack). */
enum ct_tcp_state {
	CT_TCP_NONE, CT_TCP_SYN_SENT, CT_TCP_SYN_RECV, CT_TCP_ESTABLISHED, CT_TCP_FIN_WAIT,
	CT_TCP_CLOSE_WAIT, CT_TCP_LAST_ACK, CT_TCP_TIME_WAIT, CT_TCP_CLOSE, CT_TCP_SYN_SENT2,
	CT_TCP_MAX, CT_TCP_IGNORE, CT_TCP_RETRANS = CT_TCP_MAX, CT_TCP_UNACK,
	CT_TCP_TIMEOUT_MAX,
};

/*
 * A tuple (struct nf_conntrack_tuple).  Addresses: v4 in the first 4 bytes.
 * Ports in host order; ICMP/ICMPv6: sport is the echo id, dport is type << 8 | code.
 */
struct ct_tuple {
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport, dport;
	uint8_t l3;             /* USNF_NFPROTO_IPV4 / _IPV6 */
	uint8_t proto;          /* IPPROTO_* */
	uint16_t zone;
};

/* One direction's node in the hash (struct nf_conntrack_tuple_hash). */
struct ct_node {
	struct ct_tuple t;
	struct ct_node *next;
	uint8_t dir;
};

/* Per-direction window tracking (struct ip_ct_tcp_state). */
struct ct_tcp_dir {
	uint32_t td_end, td_maxend, td_maxwin, td_maxack;
	uint8_t td_scale, flags;
};

struct ct_tcp {
	struct ct_tcp_dir seen[2];
	uint8_t state;
	uint8_t last_dir, retrans, last_index;
	uint32_t last_seq, last_ack, last_end;
	uint16_t last_win;
	uint8_t last_wscale, last_flags;
};

/* NF_CT_LABELS_MAX_SIZE: the bytes of a connection's labels (XT_CONNLABEL_MAXBIT 127). */
#define CT_LABELS_MAX_SIZE 16

/* A template's zone (struct nf_conntrack_zone, set by xt_CT): the id, the tuple
 * directions it applies to (the other's is the default zone 0) and whether the id
 * is the packet's mark instead (NF_CT_FLAG_MARK). */
#define CT_ZONE_DIR_ORIG 0x1
#define CT_ZONE_DIR_REPL 0x2
struct ct_zone {
	uint16_t id;
	uint8_t dir;
	bool from_mark;
};

/* A connection (struct nf_conn). */
struct ct_conn {
	struct ct_node node[2];         /* [CT_DIR_ORIGINAL], [CT_DIR_REPLY] */
	uint32_t status;                /* CT_S_* */
	uint64_t expires_ns;            /* the engine clock at which it dies */
	uint32_t timeout_s;             /* last timeout set (for unconfirmed entries) */
	uint32_t mark;
	uint32_t secmark;
	uint32_t id;
	uint64_t pkts[2], bytes[2];     /* acct */
	bool acct;                      /* created with nf_conntrack_acct on: counters shown */
	struct ct_tcp tcp;
	uint64_t udp_stream_ns;         /* UDP: replies after this make a stream */
	uint32_t trace_id;              /* the input frame that created it (gc of unconfirmed) */
	char helper[16];                /* assigned helper name ("" none) */
	struct ct_zone tmpl_zone;       /* templates only: the zone they give */
	struct ct_conn *next_unconf;    /* unconfirmed list */
	struct ct_conn *next_dead;      /* graveyard / free list */
	/* NAT (src/nat, the nf_conn_nat extension): bysource chain, MASQUERADE device,
	 * the port-pool slot charged for this binding (-1 none). */
	struct ct_conn *nat_bysrc_next;
	int nat_masq_ifindex;
	int nat_pool;
	int nat_dest;                   /* the per-destination telemetry slot (-1 none) */
	bool nat_no_tuple;              /* the allocator found no unique tuple: the clash at
					 * confirmation is a NAT_NO_FREE_TUPLE drop */
	/* Events (nf_conntrack_ecache): CT_EV_* bits cached until the confirm hook, and
	 * the mark last reported (a change is an IPCT_MARK event). */
	uint32_t ev_cache;
	uint32_t ev_mark;
	/* Labels (ct_labels.c, the nf_conn_labels extension): 128 bits, bit n in
	 * labels[n / 8] bit n % 8 (CTA_LABELS' layout); present only on entries made
	 * while a connlabel rule existed (nf_ct_labels_ext_add()). */
	bool labels_ext;
	uint8_t labels[CT_LABELS_MAX_SIZE];
	/* Expectations and helpers (ct_expect.c, ct_helper_*.c): the master's helper of
	 * an expected connection (xt_helper; "" none), the FTP helper's positions after
	 * a newline per direction (nf_ct_ftp_master), NAT's sequence adjustment per
	 * direction (struct nf_conn_seqadj). */
	char master_helper[16];
	struct ct_conn *master;         /* an expected connection's master (a reference) */
	uint32_t children;              /* references of expected connections (use=1+this) */
	bool free_pending;              /* freed, kept until the last child goes */
	uint32_t ftp_seq_aft_nl[2][2];
	uint8_t ftp_seq_aft_nl_num[2];
	struct ct_seqadj {
		uint32_t correction_pos;
		int32_t offset_before, offset_after;
	} seqadj[2];
	/* SYNPROXY (struct nf_conn_synproxy, ct_synproxy.c): on for connections made
	 * from the synproxy template; the ISN the proxy gave the client, the
	 * timestamp it sent, and the offset between its and the server's timestamps. */
	struct ct_synproxy_ext {
		bool on;
		uint32_t isn, its, tsoff;
	} synproxy;
};

/* nf_ct_seq_offset(): the NAT sequence offset of direction dir at seq (0 without). */
static inline int32_t ct_seqadj_offset(const struct ct_conn *c, unsigned int dir, uint32_t seq)
{
	const struct ct_seqadj *s = &c->seqadj[dir];

	if (!(c->status & CT_S_SEQ_ADJUST))
		return 0;
	return (int32_t)(seq - s->correction_pos) > 0 ? s->offset_after : s->offset_before;
}

/* ctinfo of a packet, CT_UNTRACKED or, with ct NULL and ctinfo != UNTRACKED, INVALID. */
static inline struct ct_conn *ct_get(const struct pkt *p, enum ct_info *info)
{
	if (info)
		*info = (enum ct_info)(p->ctinfo & CT_INFO_MASK);
	return (struct ct_conn *)p->ct;
}
static inline bool ct_pkt_untracked(const struct pkt *p)
{
	return !p->ct && (p->ctinfo & CT_INFO_MASK) == CT_UNTRACKED;
}
static inline enum ct_dir ct_info_dir(enum ct_info ci)
{
	return ci >= CT_IS_REPLY && ci != CT_UNTRACKED ? CT_DIR_REPLY : CT_DIR_ORIGINAL;
}

/*
 * nf_ct_netns_get(): a rule needs conntrack in family pf (USNF_NFPROTO_IPV4,
 * _IPV6 or _INET for both).  Registers the defrag/conntrack/confirm hook
 * functions the first time.  Returns 0 or -ENOMEM.
 */
int ct_netns_get(struct usnf_net *net, uint8_t pf);
/* Free net->ct and every connection (accepts a net without conntrack). */
void ct_net_exit(struct usnf_net *net);

/*
 * nf_ct_attach(): a packet generated in answer to orig (TCP RST, ICMP error)
 * joins orig's connection in the other direction, so that conntrack sees it
 * as RELATED and neither creates nor confirms a connection for it.
 */
void ct_attach(struct usnf_net *net, struct pkt *reply, const struct pkt *orig);

/* The raw table's NOTRACK / CT --notrack: the packet is untracked. */
static inline void ct_set_untracked(struct pkt *p)
{
	p->ct = NULL;
	p->ctinfo = (p->ctinfo & ~CT_INFO_MASK) | CT_UNTRACKED | CT_INFO_SEEN;
}

/* Seconds left before conn expires at the engine clock (0 if past). */
uint32_t ct_conn_timeout_left(const struct usnf_net *net, const struct ct_conn *c);
/* TCP state name ("ESTABLISHED") for conntrack -L. */
const char *ct_tcp_state_name(unsigned int state);

/* Iterate confirmed connections (expired ones are reaped first). */
typedef int (*ct_iter_fn)(struct ct_conn *c, void *arg);
int ct_iterate(struct usnf_net *net, ct_iter_fn fn, void *arg);
/* Remove a connection from the table (conntrack -D, -F). */
void ct_conn_delete(struct usnf_net *net, struct ct_conn *c);
/* Number of confirmed connections. */
unsigned int ct_count(struct usnf_net *net);

/* conntrack -L one line, `-o extended` when ext (ends with '\n'). */
void ct_conn_format(const struct usnf_net *net, const struct ct_conn *c, bool ext,
		    struct strbuf *out);
/* The same with `-o id` (id appended) as well. */
void ct_conn_format_opts(const struct usnf_net *net, const struct ct_conn *c, bool ext, bool id,
			 struct strbuf *out);
/* Defrag: the largest original fragment of a reassembled packet (frag_max_size), 0 if
 * it was not reassembled.  The output path fragments at min(mtu, this). */
uint32_t ct_frag_max_size(const struct pkt *p);

/* A live confirmed connection with tuple t in either direction, NULL if none. */
struct ct_conn *ct_lookup(struct usnf_net *net, const struct ct_tuple *t, enum ct_dir *dir);
/* nf_ct_invert_tuple() that never fails: an ICMP type without a reply type is kept. */
void ct_tuple_invert_any(const struct ct_tuple *in, struct ct_tuple *out);
/* The packet's own tuple (original direction as seen), 0 or -1. */
int ct_pkt_tuple(const struct pkt *p, uint8_t l3, struct ct_tuple *t);

/* Per-instance statistics (struct ip_conntrack_stat, one CPU) as `conntrack -S` shows. */
struct ct_stats {
	uint32_t found, invalid, insert, insert_failed, drop, early_drop, error, search_restart,
		 clash_resolve, chaintoolong;
};
/* The counters (all zero for a net without conntrack). */
struct ct_stats ct_stats_get(const struct usnf_net *net);
/* nf_conntrack_tuple_taken() found the tuple in use (NAT's search): the found counter. */
void ct_stat_found(struct usnf_net *net);

/* Event bits (enum ip_conntrack_events, IPCT_*). */
enum ct_event_bit {
	CT_EV_NEW, CT_EV_RELATED, CT_EV_DESTROY, CT_EV_REPLY, CT_EV_ASSURED, CT_EV_PROTOINFO,
	CT_EV_HELPER, CT_EV_MARK, CT_EV_SEQADJ, CT_EV_SECMARK, CT_EV_LABEL, CT_EV_SYNPROXY,
};
/* nf_conntrack_event_cache(): note an event, delivered when a packet of c is confirmed. */
static inline void ct_event_cache(struct ct_conn *c, enum ct_event_bit bit)
{
	c->ev_cache |= 1u << bit;
}
/*
 * An event listener (ctnetlink's NFNLGRP_CONNTRACK_* groups, as `conntrack -E`):
 * called with the connection and the CT_EV_* mask of one message, from inside the
 * engine (the callback may allocate and print; the engine does neither).
 */
typedef void (*ct_event_fn)(void *ctx, const struct usnf_net *net, const struct ct_conn *c,
			    uint32_t events);
/* Set (fn NULL: remove) the listener.  0 or -ENOMEM. */
int ct_event_listen(struct usnf_net *net, ct_event_fn fn, void *ctx);
/* One `conntrack -E` line of conntrack-tools 1.4.7 for an event message (ends with '\n'):
 * "    [NEW] tcp      6 120 SYN_SENT src=... [UNREPLIED] src=..." */
void ct_event_format(const struct usnf_net *net, const struct ct_conn *c, uint32_t events,
		     struct strbuf *out);

/* ---- labels (ct_labels.c, net/netfilter/nf_conntrack_labels.c) ---- */

/*
 * nf_connlabels_get(): a rule uses label bit `bit`, so entries made from now on
 * carry the labels area.  0 or -ERANGE (bit past the 128).  in_use answers, after
 * a user went (ct_connlabels_put), whether a user is left: rule data is copied
 * without a hook (xt_rule_clone), so users are recounted rather than counted.
 */
int ct_connlabels_get(struct usnf_net *net, unsigned int bit,
		      bool (*in_use)(const struct usnf_net *net));
/* nf_connlabels_put(): a user went (recounted when the next entry is made). */
void ct_connlabels_put(struct usnf_net *net);
/* nf_connlabel_match(): bit set (false without the labels area). */
bool ct_connlabel_test(const struct ct_conn *c, unsigned int bit);
/* nf_connlabel_set(): set bit, caching an IPCT_LABEL event if it was clear.
 * 0, or -ENOSPC when the entry has no labels area or bit is past it. */
int ct_connlabel_set(struct ct_conn *c, unsigned int bit);

/* ---- expectations and helpers (ct_expect.c, ct_helper*.c) ---- */

/*
 * An expectation (struct nf_conntrack_expect): a connection the master's helper
 * announced.  The tuple's source address, destination and protocol are exact; the
 * source port is compared only when mask_sport is 0xffff (FTP, TFTP: wildcard).
 */
struct ct_expect {
	struct ct_expect *next;
	struct ct_tuple t;
	uint16_t mask_sport;
	uint8_t cls;                    /* NF_CT_EXPECT_CLASS_DEFAULT */
	uint8_t dir;                    /* NAT: the direction the expected one comes (exp->dir) */
	uint16_t saved_port;            /* NAT: the port the master announced (saved_proto) */
	struct ct_conn *master;
	uint64_t expires_ns;
	uint32_t id;
	/* NAT's nf_nat_follow_master(), run when the expected connection appears. */
	void (*expectfn)(struct usnf_net *net, struct ct_conn *c, const struct ct_expect *e);
};

/* nf_ct_expect_init(): an expectation of master for src -> dst:dport, proto. */
void ct_expect_init(struct ct_expect *e, struct ct_conn *master, uint8_t l3, const uint8_t *src,
		    const uint8_t *dst, uint8_t proto, uint16_t dport);
/*
 * nf_ct_expect_related(): insert a copy of e (an identical one of the same master is
 * replaced; the master's oldest is evicted at the helper's max_expected).  0, -EBUSY
 * (clashes with another master's), -EMFILE (over the limit), -ENOMEM.
 */
int ct_expect_related(struct usnf_net *net, const struct ct_expect *e);
/* nf_ct_unexpect_related(): remove the inserted copy of e. */
void ct_expect_unrelated(struct usnf_net *net, const struct ct_expect *e);
/* Live expectations, oldest first (conntrack -L expect). */
typedef int (*ct_expect_iter_fn)(const struct ct_expect *e, void *arg);
int ct_expect_iterate(struct usnf_net *net, ct_expect_iter_fn fn, void *arg);
/* Delete all (conntrack -F expect). */
void ct_expect_flush(struct usnf_net *net);
/* `conntrack -L expect` one line of conntrack-tools 1.4.7 (ends with '\n'). */
void ct_expect_format(const struct usnf_net *net, const struct ct_expect *e, struct strbuf *out);

/* The FTP commands the helper recognises (enum nf_ct_ftp_type). */
enum ct_ftp_type { CT_FTP_PORT, CT_FTP_PASV, CT_FTP_EPRT, CT_FTP_EPSV };

#endif
