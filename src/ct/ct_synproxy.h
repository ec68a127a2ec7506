/*
 * ct_synproxy: the SYNPROXY core (net/netfilter/nf_synproxy_core.c with the
 * syncookies of net/ipv4/syncookies.c and net/ipv6/syncookies.c).
 *
 * The target (src/xt/ext/SYNPROXY.c) answers a client's SYN with a SYN-ACK whose
 * sequence number is a syncookie and, on the client's ACK carrying a valid
 * cookie, opens the connection to the server with a SYN made from the synproxy
 * conntrack template.  The synproxy hook functions (LOCAL_IN and POST_ROUTING,
 * just before the confirmation) then finish the server side of the handshake
 * and keep sequence numbers (through the connection's seqadj, applied by
 * conntrack's helper hook) and timestamps translated between the two halves.
 */
#ifndef USNF_CT_SYNPROXY_H
#define USNF_CT_SYNPROXY_H

#include <stdbool.h>
#include <stdint.h>

#include <usnf/pkt.h>

struct usnf_net;

/* Option bits (NF_SYNPROXY_OPT_* / XT_SYNPROXY_OPT_*). */
#define CT_SYNPROXY_OPT_MSS       0x01
#define CT_SYNPROXY_OPT_WSCALE    0x02
#define CT_SYNPROXY_OPT_SACK_PERM 0x04
#define CT_SYNPROXY_OPT_TIMESTAMP 0x08
#define CT_SYNPROXY_OPT_ECN       0x10

/* TCP header flags the target and the core test. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10
#define TH_ECE 0x40
#define TH_CWR 0x80

/* The rule's options (struct xt_synproxy_info). */
struct ct_synproxy_info {
	uint8_t options;
	uint8_t wscale;
	uint16_t mss;
};

/* The TCP options of a segment and of the one being built (struct synproxy_options). */
struct ct_synproxy_opts {
	uint8_t options;
	uint8_t wscale;
	uint16_t mss_option;
	uint16_t mss_encode;
	uint32_t tsval;
	uint32_t tsecr;
};

/* /proc/net/stat/synproxy (struct synproxy_stats, one CPU). */
struct ct_synproxy_stats {
	uint32_t syn_received, cookie_invalid, cookie_valid, cookie_retrans, conn_reopened;
};

/*
 * synproxy_tg4_check()/synproxy_tg6_check() after the protocol check: conntrack
 * for family pf (nf_ct_netns_get) and the synproxy hook functions
 * (nf_synproxy_ipv4_init/ipv6_init).  0 or a negative errno.
 */
int ct_synproxy_init(struct usnf_net *net, uint8_t pf);

/*
 * The cookie secrets (syncookie_secret / syncookie6_secret) are drawn at random
 * when the synproxy state is created; a driver that wants reproducible output
 * (tests) derives them from seed instead.  0 or -ENOMEM.
 */
int ct_synproxy_set_seed(struct usnf_net *net, uint64_t seed);

/* The counters (zero when SYNPROXY was never used). */
struct ct_synproxy_stats ct_synproxy_stats_get(const struct usnf_net *net);

/* Teardown with conntrack (ct_net_exit). */
void ct_synproxy_exit(struct usnf_net *net);

/* ---- what the target uses (xt_SYNPROXY.c's calls into nf_synproxy_core.c) ---- */

/* synproxy_parse_options(): the options of the TCP header at thoff; false: drop. */
bool ct_synproxy_parse_options(const struct pkt *p, uint32_t thoff, struct ct_synproxy_opts *o);
/* synproxy_init_timestamp_cookie(): wscale, SACK and ECN ride in our timestamp. */
void ct_synproxy_init_timestamp_cookie(const struct usnf_net *net,
				       const struct ct_synproxy_info *info,
				       struct ct_synproxy_opts *o);
/*
 * synproxy_send_client_synack(_ipv6)(): answer the SYN p (IPv4 or IPv6 as l3,
 * USNF_NFPROTO_*) with a SYN-ACK whose sequence number is a cookie.
 */
void ct_synproxy_send_client_synack(struct usnf_net *net, const struct pkt *p, uint8_t l3,
				    uint32_t thoff, const struct ct_synproxy_opts *o);
/*
 * synproxy_recv_client_ack(_ipv6)(): check the cookie the ACK p acknowledges and,
 * if valid, send the server the SYN (recv_seq: the client's sequence number after
 * its SYN).  false: an invalid cookie (drop).
 */
bool ct_synproxy_recv_client_ack(struct usnf_net *net, const struct pkt *p, uint8_t l3,
				 uint32_t thoff, struct ct_synproxy_opts *o, uint32_t recv_seq);
/* The counters to bump (NULL before ct_synproxy_init()). */
struct ct_synproxy_stats *ct_synproxy_stats_mut(struct usnf_net *net);
/*
 * consume_skb() of a packet the target or a hook function steals: it is freed
 * once the traversal that stole it is over (the callers still look at it after
 * the USNF_STOLEN verdict).  Returns USNF_STOLEN.
 */
unsigned int ct_synproxy_consume(struct usnf_net *net, struct pkt *p);

#endif
