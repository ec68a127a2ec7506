/*
 * nat: network address translation on top of conntrack (net/netfilter/nf_nat_*.c):
 * the nat table's hook functions, bindings made once per connection, the
 * port/ICMP-id allocator, header rewriting and port-pool telemetry.
 */
#ifndef USNF_NAT_H
#define USNF_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include <usnf/hook.h>
#include <usnf/pkt.h>

#include "ct/ct.h"
#include "util/strbuf.h"

struct usnf_net;

/* Range flags (the values of the kernel's NF_NAT_RANGE_*). */
#define NAT_RANGE_MAP_IPS            0x01u
#define NAT_RANGE_PROTO_SPECIFIED    0x02u
#define NAT_RANGE_PROTO_RANDOM       0x04u
#define NAT_RANGE_PERSISTENT         0x08u
#define NAT_RANGE_PROTO_RANDOM_FULLY 0x10u
#define NAT_RANGE_PROTO_OFFSET       0x20u
#define NAT_RANGE_NETMAP             0x40u
#define NAT_RANGE_PROTO_RANDOM_ALL   (NAT_RANGE_PROTO_RANDOM | NAT_RANGE_PROTO_RANDOM_FULLY)

/* struct nf_nat_range2: addresses as in the packet (v4 in the first 4 bytes), ports
 * (or ICMP ids) in host order. */
struct nat_range {
	uint32_t flags;
	uint8_t min_addr[16], max_addr[16];
	uint16_t min_proto, max_proto, base_proto;
};

enum nat_manip { NAT_MANIP_SRC = 0, NAT_MANIP_DST = 1 };

/* HOOK2MANIP(): POSTROUTING and INPUT change the source, the others the destination. */
static inline enum nat_manip nat_hook2manip(unsigned int hook)
{
	return hook == USNF_INET_POST_ROUTING || hook == USNF_INET_LOCAL_IN ? NAT_MANIP_SRC
									      : NAT_MANIP_DST;
}

/*
 * The nat table of family pf (USNF_NFPROTO_IPV4/_IPV6) exists: register the NAT
 * hook functions (nf_nat_ipv4_ops / nf_nat_ipv6_ops: PREROUTING and OUTPUT at
 * -100, POSTROUTING and INPUT at 100) and conntrack.  They consult the nat table
 * only for a connection's first packet.  0 or -errno.
 */
int nat_table_register(struct usnf_net *net, uint8_t pf);

/* nf_nat_initialized(): the connection has its binding for manip. */
static inline bool nat_initialized(const struct ct_conn *c, enum nat_manip m)
{
	return c->status & (m == NAT_MANIP_SRC ? CT_S_SRC_NAT_DONE : CT_S_DST_NAT_DONE);
}

/*
 * nf_nat_setup_info(): bind the unconfirmed connection c for manip within range:
 * a unique tuple is chosen and the reply tuple altered.  Returns USNF_ACCEPT, or
 * USNF_DROP when no unique tuple exists (counted as an allocation failure).
 */
unsigned int nat_setup_info(struct usnf_net *net, struct ct_conn *c, const struct nat_range *r,
			    enum nat_manip m);

/* The simulator switch: the allocator's random start offsets come from a fixed-seed
 * generator (reproducible runs) instead of the system's randomness. */
void nat_set_deterministic(struct usnf_net *net, bool on);
bool nat_get_deterministic(const struct usnf_net *net);

/*
 * Port-pool telemetry: per (NAT address, protocol) the bindings in use, the
 * allocation failures (no unique tuple: packet dropped) and the clashes (the
 * first choice was taken and the search had to move on).  `usnf nat stats` form.
 */
void nat_stats_format(struct usnf_net *net, struct strbuf *out);

/* Where a packet's L4 header starts, its protocol; false if none (fragment). */
bool nat_pkt_l4(const struct pkt *p, uint8_t l3, uint32_t nhoff, uint8_t *proto,
		uint32_t *thoff);

/*
 * The allocator's search (nf_nat_l4proto_unique_tuple) exposed for tests:
 * used(t, ctx) says whether tuple t is taken, rnd() gives the random offsets.
 * Returns true if a free tuple was found (t holds it), false otherwise (t holds
 * the last one tried, as the kernel leaves it).
 */
typedef bool (*nat_used_fn)(const struct ct_tuple *t, void *ctx);
bool nat_unique_tuple(struct ct_tuple *t, const struct nat_range *r, enum nat_manip m,
		      nat_used_fn used, void *ctx, uint16_t (*rnd)(void *ctx));
/* The same with the attempts left in the current round passed to used (0: the
 * kernel does not look there; the answer only feeds the telemetry). */
typedef bool (*nat_used_ex_fn)(const struct ct_tuple *t, unsigned int left, void *ctx);
bool nat_unique_tuple_ex(struct ct_tuple *t, const struct nat_range *r, enum nat_manip m,
			 nat_used_ex_fn used, void *ctx, uint16_t (*rnd)(void *ctx));

/* ---- the helpers' NAT parts (nat_helper_ftp.c, nat_seqadj.c) ---- */

/*
 * nf_nat_ftp(): the FTP command or reply the helper found at matchoff/matchlen of
 * the TCP payload announces the NATed address and a free port instead, the
 * expectation e (filled by the helper) is registered for it, and the length
 * change is recorded for sequence adjustment.  USNF_ACCEPT or USNF_DROP.
 */
unsigned int nat_ftp_mangle(struct usnf_net *net, struct pkt *p, struct ct_conn *c,
			    enum ct_info ci, enum ct_ftp_type type, uint32_t protoff,
			    uint32_t matchoff, uint32_t matchlen, struct ct_expect *e);
/* nf_nat_tftp(): register e so that the answer follows the master's NAT. */
unsigned int nat_tftp_expect(struct usnf_net *net, struct ct_conn *c, struct ct_expect *e);
/* nf_nat_follow_master(): the expected connection c is NATed like its master. */
void nat_follow_master(struct usnf_net *net, struct ct_conn *c, const struct ct_expect *e);
/*
 * nf_nat_mangle_tcp_packet(): replace matchlen bytes at matchoff of the TCP
 * payload by rep, fix lengths and checksums, and note the size change for
 * sequence adjustment.  false: the packet cannot take it.
 */
bool nat_mangle_tcp(struct pkt *p, struct ct_conn *c, enum ct_info ci, uint32_t protoff,
		    uint32_t matchoff, uint32_t matchlen, const char *rep, uint32_t replen);
/* nf_ct_seqadj_set(): from seq on, direction ci's sequence numbers move by off. */
void nat_seqadj_set(struct ct_conn *c, enum ct_info ci, uint32_t seq, int32_t off);
/* nf_ct_seq_adjust(): a TCP packet's seq, ack and SACK blocks follow the changes
 * made to the stream.  false: drop. */
bool nat_seq_adjust(struct pkt *p, struct ct_conn *c, enum ct_info ci, uint32_t protoff);

/* ---- for the NAT targets (src/xt/ext/SNAT.c ...; nat_xt.c) ---- */
struct xt_action;
struct xt_parse;

/* What iptables 1.8.9 makes of a "/base" port (shifted port map) per target: DNAT
 * (revision 2) keeps it; SNAT and MASQUERADE keep the flag and lose the value (it
 * prints back as "/0"); REDIRECT refuses it. */
enum nat_xt_base { NAT_XT_BASE_KEPT, NAT_XT_BASE_LOST, NAT_XT_BASE_REFUSED };

/*
 * libxt_NAT's parse_to(): "[addr[-addr]][:port[-port[/base]]]" (IPv6: the
 * addresses in brackets when a port follows).  0 or -1 after xt_parse_error().
 */
int nat_xt_parse_to(struct nat_range *r, const char *arg, struct xt_parse *ps,
		    enum nat_xt_base base_mode);
/* "--to-ports port[-port[/base]]" of MASQUERADE/REDIRECT: 0 or -1 after the message. */
int nat_xt_parse_ports(struct nat_range *r, const char *arg, enum nat_xt_base base_mode,
		       struct xt_parse *ps);
/* Whether the rule's -p allows a port specification (TCP, UDP, SCTP, DCCP, ICMP). */
bool nat_xt_portok(const struct xt_parse *ps);
/* The range as iptables prints it ("1.2.3.4-1.2.3.5:80-81", "[fd00::1]:80"). */
void nat_xt_put_range(const struct nat_range *r, bool v6, struct strbuf *out);
/* The checkentry of the NAT targets: conntrack for the family (nf_ct_netns_get). */
int nat_xt_check(struct xt_parse *ps);

/* The targets' actions (xt_nat.c, xt_MASQUERADE.c, xt_REDIRECT.c, xt_NETMAP.c). */
unsigned int nat_xt_snat_dnat(struct pkt *p, const struct nat_range *r, enum nat_manip m,
			      struct xt_action *par);
unsigned int nat_xt_masquerade(struct pkt *p, const struct nat_range *r, struct xt_action *par);
unsigned int nat_xt_redirect(struct pkt *p, const struct nat_range *r, struct xt_action *par);
unsigned int nat_xt_netmap(struct pkt *p, const struct nat_range *r, struct xt_action *par);

#endif
