/* icmp: ICMPv4 receive, echo replies, icmp_send() and TCP resets (net/ipv4/icmp.c, tcp_ipv4.c). */
#include <string.h>

#include "pkt/csum.h"
#include "stack/stack_int.h"
#include "ct/ct.h"

#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_TIMESTAMP 13
#define ICMP_TIMESTAMPREPLY 14
#define ICMP_ADDRESS 17
#define ICMP_ADDRESSREPLY 18
#define NR_ICMP_TYPES 18

/* icmp_pointers[].error: the types that are errors (never answered with an error). */
static bool icmp_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* Fill an IPv4 header at h whose optlen bytes of options are already at h + 20. */
static void ip4_hdr_put(struct usnf_net *net, uint8_t *h, unsigned int optlen, uint8_t tos,
			uint16_t totlen, bool df, uint8_t ttl, uint8_t proto, uint32_t saddr,
			uint32_t daddr)
{
	struct stack_ctx *s = stk(net);

	h[0] = (uint8_t)(0x40 | (5 + optlen / 4));
	h[1] = tos;
	wr16(h + 2, totlen);
	/* ip_select_ident(): DF packets of unconnected sockets carry 0, the others any. */
	wr16(h + 4, df ? 0 : s->ip_id++);
	wr16(h + 6, df ? 0x4000 : 0);
	h[8] = ttl;
	h[9] = proto;
	memcpy(h + 12, &saddr, 4);
	memcpy(h + 16, &daddr, 4);
	ipv4_set_csum(h);
}

/*
 * The source a reply to daddr leaves with when none is imposed: the route's
 * preferred source, else inet_select_addr() on its device (fib_result_prefsrc()).
 */
bool icmp_route_src4(struct usnf_net *net, uint32_t daddr, uint32_t *saddr, uint32_t *mtu)
{
	const struct route_entry *r = route_lookup(net, AF_INET_, &daddr, 0);
	const struct usnf_iface *dev;

	if (!r || (r->type != RTN_UNICAST && r->type != RTN_LOCAL && r->type != RTN_BROADCAST))
		return false;
	dev = route_iface_get(net, r->type == RTN_LOCAL ? 1 : r->oif);
	if (mtu)
		*mtu = r->mtu ? r->mtu : (dev ? dev->mtu : 1500);
	if (r->has_src) {
		memcpy(saddr, r->prefsrc, 4);
		return true;
	}
	if (r->type == RTN_LOCAL) {
		*saddr = daddr;
		return true;
	}
	uint32_t toward = daddr;

	if (r->has_gw)
		memcpy(&toward, r->gw, 4);
	return route_select_src4(net, r->oif, toward, ROUTE_SCOPE_UNIVERSE, saddr);
}

/*
 * icmpv4_xrlim_allow(): the types of icmp_ratemask (but never frag-needed) to a
 * destination not behind lo charge that host's inet_peer bucket with
 * icmp_ratelimit jiffies.  With icmp_ratelimit 0 every message passes, yet the
 * bucket is left empty: which is what ip_error() then finds for the same host.
 */
static bool icmp4_xrlim_allow(struct usnf_net *net, uint8_t type, uint8_t code, uint32_t daddr)
{
	const struct route_entry *r;
	struct stack_peer *peer;
	int timeout;

	if (type > NR_ICMP_TYPES || (type == ICMP_DEST_UNREACH && code == 4))
		return true;
	if (!((1u << type) & (unsigned int)stk(net)->sys[SYS_ICMP_RATEMASK]))
		return true;
	r = route_lookup(net, AF_INET_, &daddr, 0);
	if (r && r->type == RTN_LOCAL)
		return true;                    /* no rate limit on loopback */
	peer = stack_peer_get(net, AF_INET_, &daddr);
	timeout = stk(net)->sys[SYS_ICMP_RATELIMIT];
	return stack_peer_xrlim_allow(net, peer, timeout > 0 ? (uint64_t)timeout : 0);
}

/* Record route copied to o, with saddr in the next slot if there is one. */
static int ip4_options_echo_rr(const uint8_t *opt, uint8_t *o, uint32_t saddr)
{
	uint8_t len = opt[1], soff = opt[2];

	memcpy(o, opt, len);
	if (soff <= len) {
		if (soff + 3 > len)
			return -1;
		o[2] = (uint8_t)(soff + 4);
		memcpy(o + o[2] - 5, &saddr, 4);
	}
	return 0;
}

/*
 * Timestamp copied to o and, with room left, stamped as its flag asks:
 * 0 time only, 1 address and time, 3 time only where the prespecified
 * address is ours.
 */
static int ip4_options_echo_ts(struct usnf_net *net, const uint8_t *opt, uint8_t *o,
			       uint32_t saddr)
{
	uint8_t len = opt[1], soff = opt[2], type = opt[3] & 0x0f;
	bool needaddr = false, needtime = false;

	memcpy(o, opt, len);
	if (soff > len)
		return 0;
	if (type == 1) {
		if (soff + 3 > len)
			return -1;
		needaddr = true;
		soff += 4;
	}
	if (type == 0 || type == 1 || type == 3) {
		if (soff + 3 > len)
			return -1;
		if (type != 3) {
			needtime = true;
			soff += 4;
		} else if (soff + 7 <= len) {
			uint32_t a;

			memcpy(&a, o + soff - 1, 4);
			if (route_addr_type(net, AF_INET_, &a, 0) != RTN_UNICAST) {
				needtime = true;
				soff += 8;
			}
		}
	}
	o[2] = soff;
	if (needaddr)
		memcpy(o + soff - 9, &saddr, 4);
	if (needtime)
		wr32(o + soff - 5, ipv4_options_time(net));
	return 0;
}

/*
 * ip_options_echo() then ip_options_build(): the options of a reply to old, at
 * d.  Record route and timestamp are copied (in that order, whatever the order
 * they came in) and, when they have room left, get the reply's source (saddr)
 * and a stamp.  old's options were compiled on receive, so their pointers are
 * already past the slot this host filled then; only options ending before
 * limit count (a parameter problem: those compiled before the bad one).
 * Returns the length (padded with END to a multiple of 4), or -1 when a full
 * option forbids any reply.
 */
static int ip4_options_echo(struct usnf_net *net, const struct pkt *old, uint8_t *d,
			    uint32_t saddr, unsigned int limit)
{
	const uint8_t *iph = pkt_network(old);
	unsigned int hl = (unsigned int)(iph[0] & 0x0f) * 4, i = 20, n = 0;
	int rr = -1, ts = -1;

	if (hl <= 20 || old->local_out)
		return 0;
	if (hl > limit)
		hl = limit;
	while (i < hl && iph[i] != 0) {
		if (iph[i] == 1) {
			i++;
			continue;
		}
		if (i + 2 > hl || iph[i + 1] < 2 || i + iph[i + 1] > hl)
			break;
		if (iph[i] == 7 && rr < 0)
			rr = (int)i;
		if (iph[i] == 68 && ts < 0)
			ts = (int)i;
		i += iph[i + 1];
	}
	if (rr >= 0) {
		if (ip4_options_echo_rr(iph + rr, d, saddr) < 0)
			return -1;
		n += iph[rr + 1];
	}
	if (ts >= 0) {
		if (ip4_options_echo_ts(net, iph + ts, d + n, saddr) < 0)
			return -1;
		n += iph[ts + 1];
	}
	while (n & 3)
		d[n++] = 0;
	return (int)n;
}

static uint16_t icmp_len(const struct pkt *p)
{
	const uint8_t *iph = pkt_network(p);

	return (uint16_t)(rd16(iph + 2) - (iph[0] & 0x0f) * 4);
}

/* ---- icmp_send() ---- */

/*
 * __icmp_send()'s refusals: never about a packet not addressed to us at link
 * level, a broadcast or multicast, a fragment other than the first, or (RFC
 * 1122 3.2.2) an ICMP error or a malformed ICMP type.
 */
static bool icmp_send4_permitted(const struct pkt *old, const uint8_t *iph, uint8_t type)
{
	if (old->pkt_type != PKT_HOST)
		return false;
	if (old->rt_type == RTN_BROADCAST || old->rt_type == RTN_MULTICAST)
		return false;
	if (rd16(iph + 6) & 0x1fff)
		return false;
	if (icmp_is_error(type) && iph[9] == 1) {
		const uint8_t *it = pkt_header(old, old->net_off + (iph[0] & 0x0fu) * 4, 1);

		if (!it || *it > NR_ICMP_TYPES || icmp_is_error(*it))
			return false;
	}
	return true;
}

/*
 * __icmp_send()'s source: the offending packet's destination when it was for
 * us, with icmp_errors_use_inbound_ifaddr the incoming device's address, else
 * 0 (the route's choice).
 */
static uint32_t icmp_send4_saddr(struct usnf_net *net, const struct pkt *old,
				 const uint8_t *iph)
{
	uint32_t saddr = 0;

	if (old->rt_type == RTN_LOCAL)
		saddr = ipv4_daddr(iph);
	else if (old->iif && !old->local_out && stk(net)->sys[SYS_ICMP_ERRORS_USE_INBOUND_IFADDR])
		route_select_src4(net, old->iif, ipv4_saddr(iph), ROUTE_SCOPE_LINK, &saddr);
	return saddr;
}

/* The 8-byte ICMP header: type, code and the type's info word. */
static void icmp_send4_hdr(uint8_t *ic, uint8_t type, uint8_t code, uint32_t info)
{
	memset(ic, 0, 8);
	ic[0] = type;
	ic[1] = code;
	if (type == ICMP_DEST_UNREACH && code == 4)
		wr16(ic + 6, (uint16_t)info);           /* un.frag.mtu */
	else if (type == 12)
		wr32(ic + 4, info);                     /* pointer << 24 */
	else if (type == 5)
		memcpy(ic + 4, &info, 4);               /* gateway */
}

void icmp_send4(struct usnf_net *net, const struct pkt *old, uint8_t type, uint8_t code,
		uint32_t info)
{
	const uint8_t *iph = pkt_header(old, old->net_off, 20);
	uint32_t saddr, rsrc = 0, daddr, mtu = 576, room, dlen;
	uint8_t *h, *ic, tos;
	struct pkt *p;
	uint16_t c;
	int optlen;

	if (!iph || !icmp_send4_permitted(old, iph, type))
		return;
	daddr = ipv4_saddr(iph);
	saddr = icmp_send4_saddr(net, old, iph);
	if (!icmp_route_src4(net, daddr, &rsrc, &mtu))
		return;
	if (!icmp4_xrlim_allow(net, type, code, daddr))
		return;
	if (!saddr)
		saddr = rsrc;
	p = stack_pkt_new(net, old);
	if (!p)
		return;
	h = pkt_data(p);
	optlen = ip4_options_echo(net, old, h + 20, saddr, type == 12 ? info >> 24 : 60);
	if (optlen < 0) {
		pkt_free(p);
		return;
	}
	/* As much of the offending datagram as fits in 576 bytes (RFC 1812 4.3.2.3). */
	room = mtu > 576 ? 576 : mtu;
	room -= 20 + (uint32_t)optlen + 8;
	dlen = old->len - (old->net_off - old->data);
	if (dlen > room)
		dlen = room;
	ic = h + 20 + optlen;
	/* Errors go out at internetwork-control precedence, keeping the DSCP's TOS bits. */
	tos = icmp_is_error(type) ? (uint8_t)((iph[1] & 0x1e) | 0xc0) : iph[1];
	p->len = 20 + (uint32_t)optlen + 8 + dlen;
	icmp_send4_hdr(ic, type, code, info);
	memcpy(ic + 8, pkt_at(old, old->net_off), dlen);
	c = csum_fold(csum_partial(ic, 8 + dlen, 0));
	memcpy(ic + 2, &c, 2);
	ip4_hdr_put(net, h, (unsigned int)optlen, tos, (uint16_t)p->len, false,
		    (uint8_t)stk(net)->sys[SYS_IP_DEFAULT_TTL], 1, saddr, daddr);
	ct_attach(net, p, old);        /* icmp_glue_bits(): nf_ct_attach() */
	ipv4_local_out(net, p);
}

/* nf_send_unreach(): REJECT's ICMP, only for a packet whose checksum is right. */
void stack_icmp_send(struct usnf_net *net, const struct pkt *oldpkt, uint8_t type, uint8_t code,
		     uint32_t info)
{
	const uint8_t *iph = pkt_header(oldpkt, oldpkt->net_off, 20);

	if (!iph || (rd16(iph + 6) & 0x1fff))
		return;
	uint32_t hl = (iph[0] & 0x0fu) * 4, l4len = rd16(iph + 2) - hl;
	uint32_t th = oldpkt->net_off + hl;
	uint8_t proto = iph[9];
	bool verify = proto == IPPROTO_TCP_ || proto == IPPROTO_ICMP_;

	if (proto == IPPROTO_UDP_) {
		const uint8_t *uh = pkt_header(oldpkt, th, 8);

		verify = uh && rd16(uh + 6) != 0;
	}
	if (verify && !(oldpkt->is_fragment)) {
		uint32_t pseudo = proto == IPPROTO_ICMP_ ? 0 :
				  csum_pseudo4(ipv4_saddr(iph), ipv4_daddr(iph), proto, l4len);

		if (csum_l4(oldpkt, th, l4len, pseudo) != 0)
			return;
	}
	icmp_send4(net, oldpkt, type, code, info);
}

/* ---- echo (icmp_echo() / icmp_reply()) ---- */

/*
 * icmp_reply(): answer req with the 8-byte ICMP header hdr followed by data,
 * from the address the request came to (fib_compute_spec_dst() for broadcast
 * requests), echoing its IP options.  The ICMP socket does no PMTU discovery
 * (no DF); the reply keeps the TOS.
 */
static void icmp_reply4(struct usnf_net *net, const struct pkt *req, const uint8_t hdr[8],
			const uint8_t *data, uint32_t data_len)
{
	const uint8_t *iph = pkt_network(req);
	uint32_t len = 8 + data_len, saddr, daddr = ipv4_saddr(iph);
	struct pkt *p;
	uint8_t *h, *ic;
	uint16_t c;
	int optlen;

	if (req->rt_type == RTN_LOCAL)
		saddr = ipv4_daddr(iph);
	else if (!icmp_route_src4(net, daddr, &saddr, NULL))
		return;
	p = stack_pkt_new(net, req);
	if (!p)
		return;
	h = pkt_data(p);
	optlen = ip4_options_echo(net, req, h + 20, saddr, 60);
	if (optlen < 0) {
		pkt_free(p);
		return;
	}
	ic = h + 20 + optlen;
	p->len = 20 + (uint32_t)optlen + len;
	memcpy(ic, hdr, 8);
	memcpy(ic + 8, data, data_len);
	ic[2] = ic[3] = 0;
	c = csum_fold(csum_partial(ic, len, 0));
	memcpy(ic + 2, &c, 2);
	ip4_hdr_put(net, h, (unsigned int)optlen, iph[1], (uint16_t)p->len, false,
		    (uint8_t)stk(net)->sys[SYS_IP_DEFAULT_TTL], 1, saddr, daddr);
	ipv4_local_out(net, p);
}

/* icmp_echo(): the request's identifier, sequence and data come back. */
static void icmp_echo_reply(struct usnf_net *net, const struct pkt *req)
{
	const uint8_t *ic = pkt_transport(req);
	uint8_t hdr[8];

	memcpy(hdr, ic, 8);
	hdr[0] = ICMP_ECHOREPLY;
	hdr[1] = 0;
	icmp_reply4(net, req, hdr, ic + 8, icmp_len(req) - 8u);
}

/*
 * icmp_timestamp(): the originate timestamp back with receive and transmit
 * times (ms since midnight UT, here by the engine clock), through icmp_reply().
 */
static void icmp_timestamp_reply(struct usnf_net *net, const struct pkt *req)
{
	const uint8_t *ic = pkt_transport(req);
	uint32_t now = ipv4_options_time(net);
	uint8_t hdr[8], times[12];

	memcpy(hdr, ic, 8);
	hdr[0] = ICMP_TIMESTAMPREPLY;
	hdr[1] = 0;
	memcpy(times, ic + 8, 4);
	wr32(times + 4, now);
	wr32(times + 8, now);
	icmp_reply4(net, req, hdr, times, sizeof(times));
}

void icmp_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	uint32_t len = icmp_len(p);
	const uint8_t *ic = pkt_header(p, p->trans_off, 8);
	struct stack_ctx *s = stk(net);

	(void)in;
	if (!ic || len < 8) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	if (csum_l4(p, p->trans_off, len, 0) != 0) {
		stack_drop(net, p, PKT_DROP_ICMP_CSUM);
		return;
	}
	uint8_t type = ic[0];

	if (p->rt_type == RTN_BROADCAST || p->rt_type == RTN_MULTICAST) {
		if ((type == ICMP_ECHO || type == ICMP_TIMESTAMP) &&
		    s->sys[SYS_ICMP_ECHO_IGNORE_BROADCASTS]) {
			stack_drop(net, p, PKT_DROP_ICMP_IGNORED);
			return;
		}
		if (type != ICMP_ECHO && type != ICMP_TIMESTAMP && type != ICMP_ADDRESS &&
		    type != ICMP_ADDRESSREPLY) {
			stack_drop(net, p, PKT_DROP_ICMP_IGNORED);
			return;
		}
	}
	if (type > NR_ICMP_TYPES) {
		stack_drop(net, p, PKT_DROP_ICMP_IGNORED);
		return;
	}
	if (type == ICMP_TIMESTAMP) {
		if (len < 8 + 4) {
			stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
			return;
		}
		stack_set_fate(net, USNF_FATE_LOCAL);
		stack_trace_local(net, p, "icmp timestamp reply");
		icmp_timestamp_reply(net, p);
		pkt_free(p);
		return;
	}
	if (type == ICMP_ECHO) {
		if (s->sys[SYS_ICMP_ECHO_IGNORE_ALL]) {
			stack_drop(net, p, PKT_DROP_ICMP_IGNORED);
			return;
		}
		stack_set_fate(net, USNF_FATE_LOCAL);
		stack_trace_local(net, p, "icmp echo reply");
		icmp_echo_reply(net, p);
		pkt_free(p);
		return;
	}
	/* Errors and replies go to sockets; there are none: consumed. */
	stack_set_fate(net, USNF_FATE_LOCAL);
	stack_trace_local(net, p, "icmp consumed");
	pkt_free(p);
}

/* ---- TCP resets ---- */

/* The RST of tcp_v4_send_reset() / nf_reject_ip_tcphdr_put(). */
static void tcp4_reset_build(struct usnf_net *net, const struct pkt *old, uint8_t tos,
			     uint8_t ttl, bool echo_opts)
{
	const uint8_t *iph = pkt_network(old);
	const uint8_t *th = pkt_transport(old);
	uint32_t hl = (iph[0] & 0x0fu) * 4;
	uint32_t payload = rd16(iph + 2) - hl - (uint32_t)(th[12] >> 4) * 4;
	uint32_t saddr = ipv4_daddr(iph), daddr = ipv4_saddr(iph);
	struct pkt *p = stack_pkt_new(net, old);

	if (!p)
		return;
	uint8_t *h = pkt_data(p);
	/* ip_send_unicast_reply() echoes the options; nf_send_reset() sends none. */
	int optlen = echo_opts ? ip4_options_echo(net, old, h + 20, saddr, 60) : 0;

	if (optlen < 0) {
		pkt_free(p);
		return;
	}
	uint8_t *t = h + 20 + optlen;

	p->len = 40 + (uint32_t)optlen;
	memset(t, 0, 20);
	memcpy(t, th + 2, 2);
	memcpy(t + 2, th, 2);
	if (th[13] & 0x10) {
		memcpy(t + 4, th + 8, 4);       /* seq = their ack */
		t[13] = 0x04;
	} else {
		uint32_t ack = rd32(th + 4) + ((th[13] & 0x02) ? 1 : 0) + ((th[13] & 0x01) ? 1 : 0) +
			       payload;

		wr32(t + 8, ack);
		t[13] = 0x14;                   /* RST|ACK */
	}
	t[12] = 5 << 4;
	uint16_t c = csum_fold(csum_partial(t, 20, csum_pseudo4(saddr, daddr, IPPROTO_TCP_, 20)));

	memcpy(t + 16, &c, 2);
	ip4_hdr_put(net, h, (unsigned int)optlen, tos, (uint16_t)p->len, true, ttl, IPPROTO_TCP_,
		    saddr, daddr);
	/* nf_send_reset() (the path without echoed options) attaches the RST to the
	 * offending packet's connection (nf_ct_attach); a closed local port's RST is not. */
	if (!echo_opts) {
		ct_attach(net, p, old);
		p->kernel_sk = false;   /* nf_send_reset(): a bare skb */
	}
	ipv4_local_out(net, p);
}

void tcp4_send_reset(struct usnf_net *net, const struct pkt *old)
{
	const uint8_t *th = pkt_transport(old);

	if (th[13] & 0x04 || old->rt_type != RTN_LOCAL)
		return;
	/* ip_send_unicast_reply(): the TOS of the segment without its ECN bits. */
	tcp4_reset_build(net, old, pkt_network(old)[1] & 0xfc,
			 (uint8_t)stk(net)->sys[SYS_IP_DEFAULT_TTL], true);
}

/* nf_send_reset(): REJECT --reject-with tcp-reset. */
void stack_send_reset4(struct usnf_net *net, const struct pkt *oldpkt, int hook)
{
	const uint8_t *iph = pkt_header(oldpkt, oldpkt->net_off, 20);

	(void)hook;
	if (!iph || (rd16(iph + 6) & 0x1fff) || iph[9] != IPPROTO_TCP_ || (iph[0] >> 4) != 4 ||
	    (iph[0] & 0x0f) < 5)
		return;
	uint32_t hl = (iph[0] & 0x0fu) * 4, l4len = rd16(iph + 2) - hl;
	const uint8_t *th = pkt_header(oldpkt, oldpkt->net_off + hl, 20);

	if (!th || (th[13] & 0x04))
		return;
	if (csum_l4(oldpkt, oldpkt->net_off + hl, l4len,
		    csum_pseudo4(ipv4_saddr(iph), ipv4_daddr(iph), IPPROTO_TCP_, l4len)) != 0)
		return;
	if (oldpkt->rt_type == RTN_BROADCAST || oldpkt->rt_type == RTN_MULTICAST)
		return;
	/* tcp_v4 layout helpers read through net_off/trans_off. */
	struct pkt tmp = *oldpkt;

	tmp.trans_off = oldpkt->net_off + hl;
	tcp4_reset_build(net, &tmp, 0, (uint8_t)stk(net)->sys[SYS_IP_DEFAULT_TTL], false);
}
