/*
 * test_synproxy: SYNPROXY end to end through a forwarding router set up as the
 * man page's recipe (raw CT --notrack for SYNs, FORWARD SYNPROXY for
 * INVALID,UNTRACKED, INVALID dropped, nf_conntrack_tcp_loose=0).
 *
 * The IPv4 handshake replays, segment for segment, the handshake recorded through
 * Linux 6.18 in tests/scenarios/x-synproxy/live/eth{0,1}.pcap (make-synproxy-scenario
 * --live: a real client and server in two namespaces, the router in a third; the
 * numbers below are that recording's) and asserts every frame the
 * router emits byte for byte, except for what the kernel derives from its secret
 * and its clock: the cookie C (the SYN-ACK's sequence number, from which every
 * later client-side number follows) and our TSval T, whose low six bits carry the
 * client's wscale and SACK-permitted as the kernel's did (0x1a).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <usnf/net.h>

#include "cli/cli.h"
#include "ct/ct_synproxy.h"
#include "pkt/csum.h"

#include "engine_harness.h"

static const uint8_t rmac0[6] = { 2, 0, 0, 0, 0, 1 }, rmac1[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t cmac[6] = { 2, 1, 0, 0, 0, 10 }, smac[6] = { 2, 1, 0, 0, 1, 20 };

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One TCP segment's fields. */
struct seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *opt;
	uint32_t optlen;
	const char *data;
};

/* Options: nop, nop, timestamp val ecr (what both ends send once established). */
static const uint8_t *ts_opt(uint8_t *o, uint32_t val, uint32_t ecr)
{
	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	put32(o + 4, val);
	put32(o + 8, ecr);
	return o;
}

/* The L4 part of a frame: the TCP header s at th, the TCP checksum over len. */
static uint32_t tcp_put(uint8_t *th, const struct seg *s)
{
	uint32_t dlen = s->data ? (uint32_t)strlen(s->data) : 0;

	memset(th, 0, 20);
	th[0] = (uint8_t)(s->sport >> 8);
	th[1] = (uint8_t)s->sport;
	th[2] = (uint8_t)(s->dport >> 8);
	th[3] = (uint8_t)s->dport;
	put32(th + 4, s->seq);
	put32(th + 8, s->ack);
	th[12] = (uint8_t)(((20 + s->optlen) / 4) << 4);
	th[13] = s->flags;
	th[14] = (uint8_t)(s->win >> 8);
	th[15] = (uint8_t)s->win;
	if (s->optlen)
		memcpy(th + 20, s->opt, s->optlen);
	memcpy(th + 20 + s->optlen, s->data ? s->data : "", dlen);
	return 20 + s->optlen + dlen;
}

/* An IPv4 TCP frame from the client (to_r0) or the server, with valid checksums. */
static uint32_t frame4(uint8_t *f, bool from_client, uint16_t id, const struct seg *s)
{
	uint8_t *ip = f + 14, *th = ip + 20;
	uint32_t len, sa, da;
	uint16_t c;

	memcpy(f, from_client ? rmac0 : rmac1, 6);
	memcpy(f + 6, from_client ? cmac : smac, 6);
	f[12] = 0x08;
	f[13] = 0;
	len = tcp_put(th, s);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + len) >> 8);
	ip[3] = (uint8_t)(20 + len);
	ip[4] = (uint8_t)(id >> 8);
	ip[5] = (uint8_t)id;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	inet_pton(AF_INET, from_client ? "10.9.1.10" : "10.9.2.20", ip + 12);
	inet_pton(AF_INET, from_client ? "10.9.2.20" : "10.9.1.10", ip + 16);
	c = ip_fast_csum(ip, 5);
	memcpy(ip + 10, &c, 2);
	memcpy(&sa, ip + 12, 4);
	memcpy(&da, ip + 16, 4);
	c = csum_fold(csum_partial(th, len, csum_pseudo4(sa, da, 6, len)));
	memcpy(th + 16, &c, 2);
	return 14 + 20 + len;
}

/*
 * Frame i of cap is the IPv4 segment s from src to dst with that TTL and IP ID,
 * sent on ifindex, DF set, TOS 0, every checksum right.
 */
static void expect4(const struct harness_cap *cap, unsigned int i, int ifindex, uint8_t ttl,
		    uint16_t id, bool to_client, const struct seg *s)
{
	uint8_t want[256];
	const uint8_t *f = cap->frame[i], *ip = f + 14;
	uint32_t len = frame4(want, !to_client, id, s), sa, da, l4;

	assert_true(i < cap->n);
	assert_int_equal(cap->ifindex[i], ifindex);
	assert_int_equal(cap->len[i], len);
	/* Ethernet: to the host, from the router's port. */
	assert_memory_equal(f, to_client ? cmac : smac, 6);
	assert_memory_equal(f + 6, to_client ? rmac0 : rmac1, 6);
	assert_int_equal(ip_fast_csum(ip, 5), 0);
	assert_int_equal(ip[8], ttl);
	/* The IP header but TTL and checksum, then the TCP header but its checksum. */
	want[14 + 8] = ttl;
	assert_memory_equal(ip, want + 14, 8);
	assert_memory_equal(ip + 9, want + 14 + 9, 1);
	assert_memory_equal(ip + 12, want + 14 + 12, 8);
	assert_memory_equal(ip + 20, want + 34, 16);
	assert_memory_equal(ip + 38, want + 34 + 18, len - 34 - 18);
	l4 = len - 34;
	memcpy(&sa, ip + 12, 4);
	memcpy(&da, ip + 16, 4);
	assert_int_equal(csum_fold(csum_partial(ip + 20, l4, csum_pseudo4(sa, da, 6, l4))), 0);
}

static const char *const setup4[] = {
	"ip link set eth0 address 02:00:00:00:00:01 up",
	"ip link set eth1 address 02:00:00:00:00:02 up",
	"ip addr add 10.9.1.1/24 dev eth0",
	"ip addr add 10.9.2.1/24 dev eth1",
	"ip neigh add 10.9.1.10 lladdr 02:01:00:00:00:0a dev eth0 nud permanent",
	"ip neigh add 10.9.2.20 lladdr 02:01:00:00:01:14 dev eth1 nud permanent",
	"sysctl -w net.ipv4.ip_forward=1",
	"iptables -t raw -A PREROUTING -i eth0 -p tcp --dport 80 --syn -j CT --notrack",
	("iptables -A FORWARD -i eth0 -p tcp --dport 80 -m conntrack --ctstate INVALID,UNTRACKED "
	 "-j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460"),
	"iptables -A FORWARD -i eth0 -p tcp --dport 80 -m conntrack --ctstate INVALID -j DROP",
	"sysctl -w net.netfilter.nf_conntrack_tcp_loose=0",
	NULL,
};

/* The recorded handshake's numbers (Linux 6.18, python sockets on both ends). */
#define CPORT 33296
#define CSEQ 1766842623u        /* the client's ISN */
#define CTSV 636700872u         /* the client's TSval throughout */
#define SSEQ 3222441499u        /* the server's ISN */
#define STSV 2699002417u        /* the server's TSval */
#define NOW_NS 1700000000123456789ull

struct router {
	struct usnf_net *net;
	int eth0, eth1;
	struct harness_cap cap;
};

static void router_up(struct router *r, const char *const *setup)
{
	int ifindex[2];

	memset(r, 0, sizeof(*r));
	r->net = harness_router(ifindex, 2, setup, &r->cap);
	r->eth0 = ifindex[0];
	r->eth1 = ifindex[1];
	assert_int_equal(ct_synproxy_set_seed(r->net, 42), 0);
	usnf_net_set_clock(r->net, NOW_NS);
}

/* One client (from_client) or server frame in; the capture holds what it caused. */
static int rx4(struct router *r, bool from_client, uint16_t id, const struct seg *s)
{
	uint8_t f[256];

	r->cap.n = 0;
	return usnf_net_rx(r->net, from_client ? r->eth0 : r->eth1, f, frame4(f, from_client, id, s));
}

/* The client's SYN of the recording: MSS 1460, SACK, TS, wscale 10. */
static uint32_t client_syn(struct router *r)
{
	static const uint8_t opt[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x25, 0xf3, 0x48, 0xc8,
				       0, 0, 0, 0, 1, 3, 3, 10 };
	const struct seg syn = { CPORT, 80, CSEQ, 0, 0x02, 64240, opt, sizeof(opt), NULL };

	assert_int_equal(get32(opt + 8), CTSV);
	assert_int_equal(rx4(r, true, 56515, &syn), USNF_FATE_STOLEN);
	assert_int_equal(r->cap.n, 1);
	return get32(r->cap.frame[0] + 14 + 20 + 4);
}

static void test_handshake4(void **state)
{
	static struct router r;
	struct ct_synproxy_stats st;
	struct strbuf out = STRBUF_INIT;
	uint8_t o1[20], o2[20];
	uint32_t c, tsv, tsoff;

	(void)state;
	router_up(&r, setup4);

	/* 1. The client's SYN: a SYN-ACK from the server's address with the cookie C,
	 * window 0, MSS 1460 (the rule's), SACK-permitted and our TSval echoing the
	 * client's, wscale 7 (the rule's); IP ID 0, DF, TTL 64. */
	c = client_syn(&r);
	tsv = get32(r.cap.frame[0] + 14 + 20 + 28);
	assert_int_equal(tsv & 0x3f, 0x1a);     /* client wscale 10, SACK permitted */
	assert_int_equal(tsv & ~0x3fu, (uint32_t)(NOW_NS / 1000000u) & ~0x3fu);
	{
		const uint8_t opt[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0,
					0x25, 0xf3, 0x48, 0xc8, 1, 3, 3, 7 };
		uint8_t o[20];
		struct seg synack = { 80, CPORT, c, CSEQ + 1, 0x12, 0, o, 20, NULL };

		memcpy(o, opt, 20);
		put32(o + 8, tsv);
		expect4(&r.cap, 0, r.eth0, 64, 0, true, &synack);
	}

	/* 2. The client's ACK of C + 1: the server gets the SYN, the client's ISN and
	 * window, the MSS the cookie encodes, SACK-permitted and wscale 10 from the
	 * timestamp cookie, and C relayed in the (unflagged) ack field. */
	{
		struct seg ack = { CPORT, 80, CSEQ + 1, c + 1, 0x10, 63, ts_opt(o1, CTSV, tsv), 12,
				   NULL };
		const uint8_t opt[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x25, 0xf3, 0x48, 0xc8,
					0, 0, 0, 0, 1, 3, 3, 10 };
		uint8_t o[20];
		struct seg syn = { CPORT, 80, CSEQ, c, 0x02, 63, o, 20, NULL };

		assert_int_equal(rx4(&r, true, 56516, &ack), USNF_FATE_STOLEN);
		assert_int_equal(r.cap.n, 1);
		memcpy(o, opt, 20);
		put32(o + 12, tsv);
		expect4(&r.cap, 0, r.eth1, 64, 0, false, &syn);
	}

	/* 3. The server's SYN-ACK: the ACK to the server (window: the client's,
	 * TSecr moved by tsoff as the kernel's own hook does it) and the window
	 * update to the client (C + 1, the server's window >> its wscale, our TSval). */
	tsoff = STSV - tsv;
	{
		const uint8_t opt[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0xa0, 0xdf, 0x82, 0x31,
					0x25, 0xf3, 0x48, 0xc8, 1, 3, 3, 10 };
		struct seg synack = { 80, CPORT, SSEQ, CSEQ + 1, 0x12, 65160, opt, 20, NULL };
		struct seg sack = { CPORT, 80, CSEQ + 1, SSEQ + 1, 0x10, 63,
				    ts_opt(o1, CTSV, STSV + tsoff), 12, NULL };
		struct seg cack = { 80, CPORT, c + 1, CSEQ + 1, 0x10, 63, ts_opt(o2, tsv, CTSV), 12,
				    NULL };

		assert_int_equal(get32(opt + 8), STSV);
		assert_int_equal(rx4(&r, false, 0, &synack), USNF_FATE_STOLEN);
		assert_int_equal(r.cap.n, 2);
		expect4(&r.cap, 0, r.eth1, 64, 0, false, &sack);
		expect4(&r.cap, 1, r.eth0, 64, 0, true, &cack);
	}

	/* 4. Established: the server's numbers and TSval reach the client translated,
	 * the client's acks and TSecr reach the server translated back. */
	{
		struct seg s_ack = { 80, CPORT, SSEQ + 1, CSEQ + 1, 0x10, 63,
				     ts_opt(o1, STSV, CTSV), 12, NULL };
		struct seg fwd = { 80, CPORT, c + 1, CSEQ + 1, 0x10, 63, ts_opt(o2, tsv, CTSV), 12,
				   NULL };

		assert_int_equal(rx4(&r, false, 0, &s_ack), USNF_FATE_FORWARDED);
		assert_int_equal(r.cap.n, 1);
		expect4(&r.cap, 0, r.eth0, 63, 0, true, &fwd);
	}
	{
		struct seg data = { CPORT, 80, CSEQ + 1, c + 1, 0x18, 63, ts_opt(o1, CTSV, tsv), 12,
				    "hello" };
		struct seg fwd = { CPORT, 80, CSEQ + 1, SSEQ + 1, 0x18, 63,
				   ts_opt(o2, CTSV, STSV), 12, "hello" };

		assert_int_equal(rx4(&r, true, 56517, &data), USNF_FATE_FORWARDED);
		assert_int_equal(r.cap.n, 1);
		expect4(&r.cap, 0, r.eth1, 63, 56517, false, &fwd);
	}
	{
		struct seg data = { 80, CPORT, SSEQ + 1, CSEQ + 6, 0x18, 64, ts_opt(o1, STSV, CTSV),
				    12, "reply:hello" };
		struct seg fwd = { 80, CPORT, c + 1, CSEQ + 6, 0x18, 64, ts_opt(o2, tsv, CTSV), 12,
				   "reply:hello" };

		assert_int_equal(rx4(&r, false, 18727, &data), USNF_FATE_FORWARDED);
		assert_int_equal(r.cap.n, 1);
		expect4(&r.cap, 0, r.eth0, 63, 18727, true, &fwd);
	}
	{
		struct seg ack = { CPORT, 80, CSEQ + 6, c + 12, 0x10, 63, ts_opt(o1, CTSV, tsv), 12,
				   NULL };
		struct seg fwd = { CPORT, 80, CSEQ + 6, SSEQ + 12, 0x10, 63,
				   ts_opt(o2, CTSV, STSV), 12, NULL };

		assert_int_equal(rx4(&r, true, 56518, &ack), USNF_FATE_FORWARDED);
		assert_int_equal(r.cap.n, 1);
		expect4(&r.cap, 0, r.eth1, 63, 56518, false, &fwd);
	}

	st = ct_synproxy_stats_get(r.net);
	assert_int_equal(st.syn_received, 1);
	assert_int_equal(st.cookie_valid, 1);
	assert_int_equal(st.cookie_invalid, 0);
	assert_int_equal(harness_cli(r.net, "conntrack -L", &out, NULL), 0);
	assert_non_null(strstr(sb_str(&out), "ESTABLISHED src=10.9.1.10 dst=10.9.2.20 sport=33296 "
				       "dport=80 src=10.9.2.20 dst=10.9.1.10 sport=80 "
				       "dport=33296 [ASSURED]"));
	sb_release(&out);
	usnf_net_destroy(r.net);
}

/* An ACK whose cookie is wrong, a stale cookie, and segments the target lets pass. */
static void test_bad_cookie4(void **state)
{
	static struct router r;
	struct ct_synproxy_stats st;
	uint8_t o1[12];
	uint32_t c, tsv;

	(void)state;
	router_up(&r, setup4);
	c = client_syn(&r);
	tsv = get32(r.cap.frame[0] + 14 + 20 + 28);
	{
		struct seg ack = { CPORT, 80, CSEQ + 1, c + 2, 0x10, 63, ts_opt(o1, CTSV, tsv), 12,
				   NULL };

		assert_int_equal(rx4(&r, true, 1, &ack), USNF_FATE_DROPPED);
		assert_int_equal(r.cap.n, 0);
	}
	/* Another source port: the cookie does not cover it. */
	{
		struct seg ack = { CPORT + 1, 80, CSEQ + 1, c + 1, 0x10, 63, ts_opt(o1, CTSV, tsv),
				   12, NULL };

		assert_int_equal(rx4(&r, true, 2, &ack), USNF_FATE_DROPPED);
		assert_int_equal(r.cap.n, 0);
	}
	/* Three minutes later the cookie has expired (MAX_SYNCOOKIE_AGE). */
	usnf_net_set_clock(r.net, NOW_NS + 180ull * 1000000000ull);
	{
		struct seg ack = { CPORT, 80, CSEQ + 1, c + 1, 0x10, 63, ts_opt(o1, CTSV, tsv), 12,
				   NULL };

		assert_int_equal(rx4(&r, true, 3, &ack), USNF_FATE_DROPPED);
		assert_int_equal(r.cap.n, 0);
	}
	/* A lone FIN is neither SYN nor ACK: the target continues, then the INVALID rule. */
	{
		struct seg fin = { CPORT, 80, CSEQ + 1, c + 1, 0x11, 63, NULL, 0, NULL };

		assert_int_equal(rx4(&r, true, 4, &fin), USNF_FATE_DROPPED);
	}
	st = ct_synproxy_stats_get(r.net);
	assert_int_equal(st.syn_received, 1);
	assert_int_equal(st.cookie_invalid, 3);
	assert_int_equal(st.cookie_valid, 0);
	/* A bad TCP checksum never reaches the cookie code. */
	{
		uint8_t f[256];
		static const uint8_t opt[] = { 2, 4, 0x05, 0xb4 };
		const struct seg syn = { CPORT, 80, CSEQ, 0, 0x02, 64240, opt, 4, NULL };
		uint32_t len = frame4(f, true, 5, &syn);

		f[14 + 20 + 16] ^= 0x55;
		r.cap.n = 0;
		assert_int_equal(usnf_net_rx(r.net, r.eth0, f, len), USNF_FATE_DROPPED);
		assert_int_equal(r.cap.n, 0);
	}
	assert_int_equal(ct_synproxy_stats_get(r.net).syn_received, 1);
	usnf_net_destroy(r.net);
}

/*
 * The server refuses (RST to our SYN): the CLOSE state's reply RST sets the
 * sequence adjustment from it (ipv4_synproxy_hook()), so that the client gets the
 * reset at C + 1, the number it expects after the SYN-ACK it saw.
 */
static void test_server_rst4(void **state)
{
	static struct router r;
	uint8_t o1[12];
	uint32_t c, tsv;

	(void)state;
	router_up(&r, setup4);
	c = client_syn(&r);
	tsv = get32(r.cap.frame[0] + 14 + 20 + 28);
	{
		struct seg ack = { CPORT, 80, CSEQ + 1, c + 1, 0x10, 63, ts_opt(o1, CTSV, tsv), 12,
				   NULL };

		assert_int_equal(rx4(&r, true, 1, &ack), USNF_FATE_STOLEN);
		assert_int_equal(r.cap.n, 1);
	}
	{
		struct seg rst = { 80, CPORT, 0, CSEQ + 1, 0x14, 0, NULL, 0, NULL };
		struct seg fwd = { 80, CPORT, c + 1, CSEQ + 1, 0x14, 0, NULL, 0, NULL };

		assert_int_equal(rx4(&r, false, 0, &rst), USNF_FATE_FORWARDED);
		assert_int_equal(r.cap.n, 1);
		expect4(&r.cap, 0, r.eth0, 63, 0, true, &fwd);
	}
	{
		struct strbuf out = STRBUF_INIT;

		/* As on Linux (recorded with make-synproxy-scenario --live, no server
		 * listening): the reset connection is gone. */
		assert_int_equal(harness_cli(r.net, "conntrack -L", &out, NULL), 0);
		assert_string_equal(sb_str(&out), "");
		sb_release(&out);
	}
	usnf_net_destroy(r.net);
}

/* ---- IPv6 ---- */

static const char *const setup6[] = {
	"ip link set eth0 address 02:00:00:00:00:01 up",
	"ip link set eth1 address 02:00:00:00:00:02 up",
	"ip -6 addr add 2001:db8:1::1/64 dev eth0",
	"ip -6 addr add 2001:db8:2::1/64 dev eth1",
	"ip -6 neigh add 2001:db8:1::10 lladdr 02:01:00:00:00:0a dev eth0 nud permanent",
	"ip -6 neigh add 2001:db8:2::20 lladdr 02:01:00:00:01:14 dev eth1 nud permanent",
	"sysctl -w net.ipv6.conf.all.forwarding=1",
	"ip6tables -t raw -A PREROUTING -i eth0 -p tcp --dport 80 --syn -j CT --notrack",
	("ip6tables -A FORWARD -i eth0 -p tcp --dport 80 -m conntrack --ctstate INVALID,UNTRACKED "
	 "-j SYNPROXY --sack-perm --mss 1400"),
	"ip6tables -A FORWARD -i eth0 -p tcp --dport 80 -m conntrack --ctstate INVALID -j DROP",
	"sysctl -w net.netfilter.nf_conntrack_tcp_loose=0",
	NULL,
};

static uint32_t frame6(uint8_t *f, bool from_client, const struct seg *s)
{
	uint8_t *ip = f + 14, *th = ip + 40;
	uint32_t len;
	uint16_t c;

	memcpy(f, from_client ? rmac0 : rmac1, 6);
	memcpy(f + 6, from_client ? cmac : smac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	len = tcp_put(th, s);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[4] = (uint8_t)(len >> 8);
	ip[5] = (uint8_t)len;
	ip[6] = 6;
	ip[7] = 64;
	inet_pton(AF_INET6, from_client ? "2001:db8:1::10" : "2001:db8:2::20", ip + 8);
	inet_pton(AF_INET6, from_client ? "2001:db8:2::20" : "2001:db8:1::10", ip + 24);
	c = csum_fold(csum_partial(th, len, csum_pseudo6(ip + 8, ip + 24, 6, len)));
	memcpy(th + 16, &c, 2);
	return 14 + 40 + len;
}

/* Frame i is exactly s from the router (hop limit hl), but the TCP checksum, which must be right. */
static void expect6(const struct harness_cap *cap, unsigned int i, int ifindex, uint8_t hl,
		    bool to_client, const struct seg *s)
{
	uint8_t want[256];
	const uint8_t *f = cap->frame[i], *ip = f + 14;
	uint32_t len = frame6(want, !to_client, s);

	assert_true(i < cap->n);
	assert_int_equal(cap->ifindex[i], ifindex);
	assert_int_equal(cap->len[i], len);
	want[14 + 7] = hl;
	assert_memory_equal(ip, want + 14, 40 + 16);
	assert_memory_equal(ip + 40 + 18, want + 14 + 40 + 18, len - 14 - 40 - 18);
	assert_int_equal(csum_fold(csum_partial(ip + 40, len - 54,
						csum_pseudo6(ip + 8, ip + 24, 6, len - 54))), 0);
}

/*
 * Without --timestamp the SYN-ACK carries the MSS only (no room for the
 * timestamp cookie: wscale and SACK are dropped, synproxy_tg6()), and the MSS
 * the server gets is the IPv6 table's entry at or below the client's (1440).
 */
static void test_handshake6(void **state)
{
	static struct router r;
	static const uint8_t syn_opt[] = { 2, 4, 0x05, 0xa8, 4, 2, 1, 3, 3, 7, 1, 1 };
	static const uint8_t mss1400[] = { 2, 4, 0x05, 0x78 }, mss1440[] = { 2, 4, 0x05, 0xa0 };
	uint8_t f[256];
	uint32_t c;

	(void)state;
	router_up(&r, setup6);
	{
		const struct seg syn = { 40000, 80, 1000, 0, 0x02, 65535, syn_opt, 12, NULL };
		struct seg synack = { 80, 40000, 0, 1001, 0x12, 0, mss1400, 4, NULL };

		r.cap.n = 0;
		assert_int_equal(usnf_net_rx(r.net, r.eth0, f, frame6(f, true, &syn)),
				 USNF_FATE_STOLEN);
		assert_int_equal(r.cap.n, 1);
		c = get32(r.cap.frame[0] + 14 + 40 + 4);
		synack.seq = c;
		expect6(&r.cap, 0, r.eth0, 64, true, &synack);
	}
	{
		const struct seg ack = { 40000, 80, 1001, c + 1, 0x10, 512, NULL, 0, NULL };
		const struct seg syn = { 40000, 80, 1000, c, 0x02, 512, mss1440, 4, NULL };

		r.cap.n = 0;
		assert_int_equal(usnf_net_rx(r.net, r.eth0, f, frame6(f, true, &ack)),
				 USNF_FATE_STOLEN);
		assert_int_equal(r.cap.n, 1);
		expect6(&r.cap, 0, r.eth1, 64, false, &syn);
	}
	{
		const struct seg synack = { 80, 40000, 7000, 1001, 0x12, 28800, mss1440, 4, NULL };
		const struct seg sack = { 40000, 80, 1001, 7001, 0x10, 512, NULL, 0, NULL };
		const struct seg cack = { 80, 40000, c + 1, 1001, 0x10, 28800, NULL, 0, NULL };

		r.cap.n = 0;
		assert_int_equal(usnf_net_rx(r.net, r.eth1, f, frame6(f, false, &synack)),
				 USNF_FATE_STOLEN);
		assert_int_equal(r.cap.n, 2);
		expect6(&r.cap, 0, r.eth1, 64, false, &sack);
		expect6(&r.cap, 1, r.eth0, 64, true, &cack);
	}
	{
		const struct seg data = { 80, 40000, 7001, 1001, 0x18, 28800, NULL, 0, "hi" };
		const struct seg fwd = { 80, 40000, c + 1, 1001, 0x18, 28800, NULL, 0, "hi" };

		r.cap.n = 0;
		assert_int_equal(usnf_net_rx(r.net, r.eth1, f, frame6(f, false, &data)),
				 USNF_FATE_FORWARDED);
		assert_int_equal(r.cap.n, 1);
		expect6(&r.cap, 0, r.eth0, 63, true, &fwd);
	}
	usnf_net_destroy(r.net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake4),
		cmocka_unit_test(test_bad_cookie4),
		cmocka_unit_test(test_server_rst4),
		cmocka_unit_test(test_handshake6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
