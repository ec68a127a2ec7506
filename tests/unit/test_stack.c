/* test_stack: frames in, frames out: ARP, echo, RST, TTL exceeded, fragmentation, sysctls. */
#include <errno.h>
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
#include "pkt/csum.h"
#include "stack/net.h"

#include "engine_harness.h"

static const uint8_t R0[6] = { 2, 0, 0, 0, 0, 1 }, H0[6] = { 2, 1, 0, 0, 0, 10 };

/* A router: eth0 10.0.0.1/24 (host .10), eth1 192.0.2.1/24 mtu 1000 (gateway .254). */
static struct usnf_net *router(struct harness_cap *cap)
{
	static const char *const setup[] = {
		"ip link set eth0 address 02:00:00:00:00:01 up",
		"ip link set eth1 address 02:00:00:00:00:02 up",
		"ip addr add 10.0.0.1/24 dev eth0",
		"ip addr add 192.0.2.1/24 dev eth1",
		"ip -6 addr add fe80::1/64 dev eth0",
		"ip -6 addr add fd00::1/64 dev eth0",
		"ip route add default via 192.0.2.254",
		"ip neigh add 10.0.0.10 lladdr 02:01:00:00:00:0a dev eth0 nud permanent",
		"ip -6 neigh add fd00::a lladdr 02:01:00:00:00:0a dev eth0 nud permanent",
		"ip neigh add 192.0.2.254 lladdr 02:01:00:00:01:fe dev eth1 nud permanent",
		"sysctl -w net.ipv4.ip_forward=1",
		"ip link set eth1 mtu 1000",
		NULL,
	};
	return harness_router(NULL, 2, setup, cap);
}

static uint32_t eth(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

static uint32_t ip4(uint8_t *h, uint8_t ttl, uint8_t proto, const char *s, const char *d,
		    uint16_t len, uint16_t frag)
{
	unsigned int a[4], b[4];

	sscanf(s, "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]);
	sscanf(d, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]);
	memset(h, 0, 20);
	h[0] = 0x45;
	h[2] = (uint8_t)(len >> 8);
	h[3] = (uint8_t)len;
	h[4] = 0x12;
	h[5] = 0x34;
	h[6] = (uint8_t)(frag >> 8);
	h[7] = (uint8_t)frag;
	h[8] = ttl;
	h[9] = proto;
	for (int i = 0; i < 4; i++) {
		h[12 + i] = (uint8_t)a[i];
		h[16 + i] = (uint8_t)b[i];
	}
	uint16_t c = ip_fast_csum(h, 5);

	memcpy(h + 10, &c, 2);
	return 20;
}

static void l4csum4(uint8_t *iph, uint32_t l4len, unsigned int coff)
{
	uint32_t s, d;
	uint8_t *l4 = iph + 20;

	memcpy(&s, iph + 12, 4);
	memcpy(&d, iph + 16, 4);
	l4[coff] = l4[coff + 1] = 0;
	uint32_t ps = iph[9] == 1 ? 0 : csum_pseudo4(s, d, iph[9], l4len);
	uint16_t c = csum_fold(csum_partial(l4, l4len, ps));

	memcpy(l4 + coff, &c, 2);
}

static void test_arp_reply(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[64];
	uint32_t n = eth(f, bc, H0, 0x0806);
	static const uint8_t req[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 2, 1, 0, 0, 0, 10, 10, 0, 0, 10,
					 0, 0, 0, 0, 0, 0, 192, 0, 2, 1 };
	static const uint8_t want[42] = { 2, 1, 0, 0, 0, 10, 2, 0, 0, 0, 0, 1, 8, 6, 0, 1, 8, 0, 6, 4, 0,
					  2, 2, 0, 0, 0, 0, 1, 192, 0, 2, 1, 2, 1, 0, 0, 0, 10, 10, 0,
					  0, 10 };

	(void)state;
	memcpy(f + n, req, 28);
	/* The WAN address asked on the LAN is answered too (arp_ignore=0). */
	assert_int_equal(usnf_net_rx(net, 2, f, n + 28), USNF_FATE_LOCAL);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.len[0], 42);
	assert_memory_equal(cap.frame[0], want, 42);
	/* Someone else's address: silence. */
	f[n + 27] = 99;
	usnf_net_rx(net, 2, f, n + 28);
	assert_int_equal(cap.n, 1);
	usnf_net_destroy(net);
}

static void test_echo_and_rst(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t f[128];
	uint32_t n = eth(f, R0, H0, 0x0800);

	(void)state;
	ip4(f + n, 64, 1, "10.0.0.10", "10.0.0.1", 20 + 12, 0);
	uint8_t *ic = f + n + 20;

	memcpy(ic, "\x08\x00\x00\x00\x00\x01\x00\x07" "ping", 12);
	l4csum4(f + n, 12, 2);
	assert_int_equal(usnf_net_rx(net, 2, f, n + 32), USNF_FATE_LOCAL);
	assert_int_equal(cap.n, 1);
	const uint8_t *o = cap.frame[0];

	assert_memory_equal(o, H0, 6);
	assert_int_equal(o[14 + 8], 64);                 /* ttl */
	assert_int_equal(o[14 + 6] & 0x40, 0);           /* no DF on echo replies */
	assert_memory_equal(o + 14 + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x0a", 8);
	assert_int_equal(o[34], 0);                      /* echo reply */
	assert_memory_equal(o + 38, "\x00\x01\x00\x07" "ping", 8);
	assert_int_equal(csum_fold(csum_partial(o + 34, 12, 0)), 0);

	/* SYN to a closed port: RST|ACK, ack = seq + 1, DF set. */
	ip4(f + n, 64, 6, "10.0.0.10", "10.0.0.1", 40, 0);
	uint8_t *th = f + n + 20;

	memset(th, 0, 20);
	memcpy(th, "\xc3\x50\x1f\x90\x00\x00\x10\x00", 8);
	th[12] = 0x50;
	th[13] = 0x02;
	l4csum4(f + n, 20, 16);
	usnf_net_rx(net, 2, f, n + 40);
	assert_int_equal(cap.n, 2);
	o = cap.frame[1];
	assert_int_equal(cap.len[1], 54);
	assert_int_equal(o[14 + 6] & 0x40, 0x40);
	assert_int_equal(o[34 + 13], 0x14);
	assert_memory_equal(o + 34 + 8, "\x00\x00\x10\x01", 4);
	/* The same SYN with a bad checksum: nothing. */
	th[16] ^= 1;
	usnf_net_rx(net, 2, f, n + 40);
	assert_int_equal(cap.n, 2);
	assert_true(usnf_net_drop_count(net, PKT_DROP_TCP_CSUM) == 1);
	usnf_net_destroy(net);
}

static void test_ttl_and_frag(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	static uint8_t f[1600];
	uint32_t n = eth(f, R0, H0, 0x0800);

	(void)state;
	/* TTL 1: time exceeded from the LAN address, TOS 0xc0, 28 + original. */
	ip4(f + n, 1, 17, "10.0.0.10", "198.51.100.7", 20 + 8 + 4, 0);
	memcpy(f + n + 20, "\x10\x00\x00\x09\x00\x0c\x00\x00" "abcd", 12);
	usnf_net_rx(net, 2, f, n + 32);
	assert_int_equal(cap.n, 1);
	const uint8_t *o = cap.frame[0];

	assert_int_equal(cap.ifindex[0], 2);
	assert_int_equal(o[15], 0xc0);
	assert_int_equal(o[34], 11);
	assert_memory_equal(o + 26, "\x0a\x00\x00\x01", 4);
	assert_int_equal(cap.len[0], 14 + 20 + 8 + 32);

	/* 1458 bytes without DF through MTU 1000: 996 + 482 (offsets multiple of 8). */
	memset(f + n, 0, 1458);
	ip4(f + n, 64, 17, "10.0.0.10", "198.51.100.7", 1458, 0);
	memcpy(f + n + 20, "\x10\x00\x00\x09\x05\xa6\x00\x00", 8);
	assert_int_equal(usnf_net_rx(net, 2, f, n + 1458), USNF_FATE_FORWARDED);
	assert_int_equal(cap.n, 3);
	assert_int_equal(cap.len[1], 14 + 996);
	assert_int_equal(cap.len[2], 14 + 20 + 1438 - 976);
	assert_int_equal(cap.frame[1][14 + 6], 0x20);           /* MF */
	assert_int_equal(cap.frame[2][14 + 7], 976 / 8);
	assert_int_equal(cap.frame[1][14 + 8], 63);
	assert_int_equal(ip_fast_csum(cap.frame[2] + 14, 5), 0);

	/* The same with DF: fragmentation needed, MTU 1000 in the ICMP. */
	ip4(f + n, 64, 17, "10.0.0.10", "198.51.100.7", 1458, 0x4000);
	usnf_net_rx(net, 2, f, n + 1458);
	assert_int_equal(cap.n, 4);
	o = cap.frame[3];
	assert_int_equal(o[34], 3);
	assert_int_equal(o[35], 4);
	assert_int_equal((o[40] << 8) | o[41], 1000);
	assert_int_equal(cap.len[3], 14 + 576);
	usnf_net_destroy(net);
}

/* A ping in two fragments is reassembled before the echo reply (ip_defrag()). */
static void test_local_defrag(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t whole[20 + 8 + 24], f[128];
	uint32_t n = eth(f, R0, H0, 0x0800);

	(void)state;
	ip4(whole, 64, 1, "10.0.0.10", "10.0.0.1", sizeof(whole), 0);
	memcpy(whole + 20, "\x08\x00\x00\x00\x00\x02\x00\x01", 8);
	memset(whole + 28, 'z', 24);
	l4csum4(whole, 32, 2);
	/* second half first: offset 16, 16 bytes */
	ip4(f + n, 64, 1, "10.0.0.10", "10.0.0.1", 20 + 16, 2);
	memcpy(f + n + 20, whole + 20 + 16, 16);
	assert_int_equal(usnf_net_rx(net, 2, f, n + 36), USNF_FATE_STOLEN);
	assert_int_equal(cap.n, 0);
	ip4(f + n, 64, 1, "10.0.0.10", "10.0.0.1", 20 + 16, 0x2000);
	memcpy(f + n + 20, whole + 20, 16);
	assert_int_equal(usnf_net_rx(net, 2, f, n + 36), USNF_FATE_LOCAL);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.len[0], 14 + sizeof(whole));
	assert_int_equal(cap.frame[0][34], 0);
	assert_memory_equal(cap.frame[0] + 14 + 28, whole + 28, 24);
	usnf_net_destroy(net);
}

/* An UDP datagram from src to dst on eth0 (frame in f, length returned). */
static uint32_t udp4_frame(uint8_t *f, const char *src, const char *dst, uint8_t ttl)
{
	uint32_t n = eth(f, R0, H0, 0x0800);

	ip4(f + n, ttl, 17, src, dst, 20 + 8 + 4, 0);
	memcpy(f + n + 20, "\x10\x00\x00\x09\x00\x0c\x00\x00" "abcd", 12);
	return n + 32;
}

/* ip_error(): a source starts with error_burst (5 s) of tokens, each error costs 1 s. */
static void test_ip_error_pacing(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t f[128];
	uint32_t n;
	uint64_t t = 1700000000ull * 1000000000ull;

	(void)state;
	/* The scenarios' setting: icmp_send() itself limits nothing. */
	assert_int_equal(usnf_sysctl_set(net, "net.ipv4.icmp_ratelimit", "0"), 0);
	harness_run_ok(net, "ip route add unreachable 198.18.0.0/24");
	harness_run_ok(net, "ip neigh add 10.0.0.11 lladdr 02:01:00:00:00:0b dev eth0 nud permanent");
	n = udp4_frame(f, "10.0.0.10", "198.18.0.5", 64);
	for (int i = 0; i < 7; i++) {
		usnf_net_set_clock(net, t + (uint64_t)i * 10000000ull);
		usnf_net_rx(net, 2, f, n);
	}
	assert_int_equal(cap.n, 5);
	assert_int_equal(cap.frame[4][34], 3);
	assert_int_equal(cap.frame[4][35], 1);          /* host unreachable */
	/* One second later one more token has come. */
	usnf_net_set_clock(net, t + 1070000000ull);
	usnf_net_rx(net, 2, f, n);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 6);
	/* A TTL-exceeded error (rate-limited type, icmp_ratelimit 0) empties the bucket. */
	n = udp4_frame(f, "10.0.0.11", "198.51.100.7", 1);
	usnf_net_set_clock(net, t + 2000000000ull);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 7);
	assert_int_equal(cap.frame[6][34], 11);
	n = udp4_frame(f, "10.0.0.11", "198.18.0.5", 64);
	usnf_net_set_clock(net, t + 2010000000ull);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 7);
	usnf_net_destroy(net);
}

/* ip_rt_send_redirect(): out where it came in, from an on-link source: a host redirect. */
static void test_redirect(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t f[128];
	uint32_t n;
	uint64_t t = 1700000000ull * 1000000000ull;

	(void)state;
	harness_run_ok(net, "ip neigh add 10.0.0.20 lladdr 02:01:00:00:00:14 dev eth0 nud permanent");
	n = udp4_frame(f, "10.0.0.10", "10.0.0.20", 64);
	usnf_net_set_clock(net, t);
	assert_int_equal(usnf_net_rx(net, 2, f, n), USNF_FATE_FORWARDED);
	assert_int_equal(cap.n, 2);
	const uint8_t *o = cap.frame[0];

	assert_memory_equal(o, H0, 6);
	assert_int_equal(o[15], 0xc0);
	assert_int_equal(o[34], 5);                     /* redirect */
	assert_int_equal(o[35], 1);                     /* for the host */
	assert_memory_equal(o + 38, "\x0a\x00\x00\x14", 4);  /* gateway: the destination */
	assert_int_equal(o[42 + 8], 63);                /* quotes the TTL already decremented */
	assert_int_equal(csum_fold(csum_partial(o + 34, cap.len[0] - 34, 0)), 0);
	assert_int_equal(cap.frame[1][14 + 8], 63);
	/* 10 ms later: within redirect_load << 1, forwarded without a redirect. */
	usnf_net_set_clock(net, t + 10000000ull);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 3);
	/* 50 ms after the first: past 40 ms, the second redirect. */
	usnf_net_set_clock(net, t + 50000000ull);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 5);
	assert_int_equal(cap.frame[3][34], 5);
	/* send_redirects off on `all` and on the device: none. */
	assert_int_equal(usnf_sysctl_set(net, "net.ipv4.conf.all.send_redirects", "0"), 0);
	assert_int_equal(usnf_sysctl_set(net, "net.ipv4.conf.eth0.send_redirects", "0"), 0);
	usnf_net_set_clock(net, t + 60000000000ull);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 6);
	usnf_net_destroy(net);
}

/* The inet_peer table is bounded: more sources than entries recycle the oldest. */
static void test_peer_table_bounded(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t f[128];
	char src[32];
	uint32_t n;

	(void)state;
	harness_run_ok(net, "ip route add unreachable 198.18.0.0/24");
	harness_run_ok(net, "ip route add 172.16.0.0/12 dev eth0");
	for (int i = 0; i < 3000; i++) {
		snprintf(src, sizeof(src), "172.16.%d.%d", i / 250, 1 + i % 250);
		n = udp4_frame(f, src, "198.18.0.5", 64);
		usnf_net_rx(net, 2, f, n);
	}
	/* No neighbour for those hosts: the first errors wait for ARP answers (a
	 * bounded number of pending neighbours), the rest are dropped; no leaks (ASan). */
	assert_true(cap.n > 0);
	assert_true(usnf_net_drop_count(net, PKT_DROP_NEIGH_FAILED) >= 3000 - 32);
	assert_true(pkt_pool_avail(net->pool) >= 512 - 32 * 8);
	usnf_net_destroy(net);
}

/* ---- IPv6 reassembly (ipv6_frag_rcv()) ---- */

static const uint8_t A6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a };
static const uint8_t R6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 };

/* An echo request of len bytes (ICMPv6 header included), checksum done. */
static void echo6(uint8_t *ic, uint32_t len, uint16_t seq)
{
	memset(ic, 'e', len);
	memcpy(ic, "\x80\x00\x00\x00\x00\x01", 6);
	ic[6] = (uint8_t)(seq >> 8);
	ic[7] = (uint8_t)seq;
	uint16_t c = csum_fold(csum_partial(ic, len, csum_pseudo6(A6, R6, 58, len)));

	memcpy(ic + 2, &c, 2);
}

/* A frame with one fragment of l4[off, off + len), More Fragments as given. */
static uint32_t frag6_frame(uint8_t *f, const uint8_t *l4, uint32_t off, uint32_t len, bool mf,
			    uint32_t id)
{
	uint32_t n = eth(f, R0, H0, 0x86dd);
	uint8_t *h = f + n;

	memset(h, 0, 48);
	h[0] = 0x60;
	h[4] = (uint8_t)((8 + len) >> 8);
	h[5] = (uint8_t)(8 + len);
	h[6] = 44;
	h[7] = 64;
	memcpy(h + 8, A6, 16);
	memcpy(h + 24, R6, 16);
	h[40] = 58;
	h[42] = (uint8_t)((off | mf) >> 8);
	h[43] = (uint8_t)(off | mf);
	h[44] = (uint8_t)(id >> 24);
	h[47] = (uint8_t)id;
	memcpy(h + 48, l4 + off, len);
	return n + 48 + len;
}

static void test_ipv6_reassembly(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t ic[48], f[160];
	uint32_t n;

	(void)state;
	assert_int_equal(usnf_sysctl_set(net, "net.ipv6.icmp.ratelimit", "0"), 0);
	echo6(ic, sizeof(ic), 1);
	/* Out of order: the tail first, then the head completes it. */
	n = frag6_frame(f, ic, 24, 24, false, 7);
	assert_int_equal(usnf_net_rx(net, 2, f, n), USNF_FATE_STOLEN);
	assert_int_equal(cap.n, 0);
	n = frag6_frame(f, ic, 0, 24, true, 7);
	assert_int_equal(usnf_net_rx(net, 2, f, n), USNF_FATE_LOCAL);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.len[0], 14 + 40 + 48);
	assert_int_equal(cap.frame[0][14 + 6], 58);             /* no fragment header */
	assert_int_equal(cap.frame[0][54], 129);                /* echo reply */
	assert_memory_equal(cap.frame[0] + 58, ic + 4, 44);

	/* An overlap kills the queue (RFC 5722): the rest never completes it. */
	echo6(ic, sizeof(ic), 2);
	n = frag6_frame(f, ic, 0, 24, true, 8);
	usnf_net_rx(net, 2, f, n);
	n = frag6_frame(f, ic, 16, 32, false, 8);
	usnf_net_rx(net, 2, f, n);
	n = frag6_frame(f, ic, 24, 24, false, 8);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 1);

	/* A duplicate is ignored, the datagram still completes. */
	echo6(ic, sizeof(ic), 3);
	n = frag6_frame(f, ic, 0, 16, true, 9);
	usnf_net_rx(net, 2, f, n);
	usnf_net_rx(net, 2, f, n);
	n = frag6_frame(f, ic, 16, 32, false, 9);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 2);
	assert_int_equal(cap.frame[1][54], 129);

	/* An atomic fragment is simply the datagram. */
	echo6(ic, sizeof(ic), 4);
	n = frag6_frame(f, ic, 0, 48, false, 10);
	assert_int_equal(usnf_net_rx(net, 2, f, n), USNF_FATE_LOCAL);
	assert_int_equal(cap.n, 3);

	/* A non-final fragment whose length is not a multiple of 8: parameter
	 * problem, code 0, pointing at the payload length. */
	n = frag6_frame(f, ic, 0, 20, true, 11);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 4);
	assert_int_equal(cap.frame[3][54], 4);
	assert_int_equal(cap.frame[3][55], 0);
	assert_int_equal(cap.frame[3][61], 4);
	usnf_net_destroy(net);
}

/* ip6frag_time: a queue with its first fragment dies with "reassembly time exceeded". */
static void test_ipv6_reassembly_timeout(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t ic[48], f[160];
	uint32_t n;
	uint64_t t = 1700000000ull * 1000000000ull;

	(void)state;
	echo6(ic, sizeof(ic), 5);
	usnf_net_set_clock(net, t);
	n = frag6_frame(f, ic, 0, 24, true, 12);
	usnf_net_rx(net, 2, f, n);
	/* 59 s later the queue still waits. */
	usnf_net_set_clock(net, t + 59000000000ull);
	n = frag6_frame(f, ic, 0, 24, true, 13);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 0);
	usnf_net_set_clock(net, t + 61000000000ull);
	n = frag6_frame(f, ic, 24, 24, false, 12);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.frame[0][54], 3);                  /* time exceeded */
	assert_int_equal(cap.frame[0][55], 1);                  /* reassembly */
	assert_int_equal(cap.len[0], 14 + 48 + 48 + 24);        /* quotes the first fragment */
	usnf_net_destroy(net);
}

/* Queues hold a bounded share of the pool: forwarding never runs out of buffers. */
static void test_reassembly_bounded(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t ic[48], f[160];
	uint32_t n;
	unsigned int before = pkt_pool_avail(net->pool);

	(void)state;
	echo6(ic, sizeof(ic), 6);
	for (uint32_t id = 100; id < 400; id++) {
		n = frag6_frame(f, ic, 0, 24, true, id);
		usnf_net_rx(net, 2, f, n);
	}
	assert_true(before - pkt_pool_avail(net->pool) <= 128);
	/* Forwarding still works. */
	n = udp4_frame(f, "10.0.0.10", "198.51.100.7", 64);
	assert_int_equal(usnf_net_rx(net, 2, f, n), USNF_FATE_FORWARDED);
	usnf_net_destroy(net);
}

/* An ARP frame (op 1 request, 2 reply) on eth1 from 192.0.2.x with mac. */
static uint32_t arp_frame(uint8_t *f, uint16_t op, const uint8_t *dst, const uint8_t *mac,
			  uint8_t host)
{
	static const uint8_t R1[6] = { 2, 0, 0, 0, 0, 2 };
	uint32_t n = eth(f, dst, mac, 0x0806);
	uint8_t *a = f + n;

	memcpy(a, "\x00\x01\x08\x00\x06\x04\x00", 7);
	a[7] = (uint8_t)op;
	memcpy(a + 8, mac, 6);
	memcpy(a + 14, "\xc0\x00\x02", 3);
	a[17] = host;
	memcpy(a + 18, op == 2 ? R1 : (const uint8_t *)"\0\0\0\0\0\0", 6);
	memcpy(a + 24, "\xc0\x00\x02\x01", 4);
	return n + 28;
}

/* A next hop without a neighbour entry: ARP, the packet waits, the answer sends it. */
static void test_neigh_resolution(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	static const uint8_t H77[6] = { 2, 1, 0, 0, 1, 0x4d }, R1[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[128];
	uint32_t n;
	uint64_t t = 1700000000ull * 1000000000ull;

	(void)state;
	usnf_net_set_clock(net, t);
	n = udp4_frame(f, "10.0.0.10", "192.0.2.77", 64);
	assert_int_equal(usnf_net_rx(net, 2, f, n), USNF_FATE_STOLEN);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.ifindex[0], 3);
	assert_memory_equal(cap.frame[0], bc, 6);
	assert_int_equal(cap.frame[0][12], 0x08);
	assert_int_equal(cap.frame[0][13], 0x06);
	assert_int_equal(cap.frame[0][21], 1);                   /* request */
	assert_memory_equal(cap.frame[0] + 28, "\xc0\x00\x02\x01", 4);
	assert_memory_equal(cap.frame[0] + 38, "\xc0\x00\x02\x4d", 4);
	/* The reply sends the waiting datagram. */
	n = arp_frame(f, 2, R1, H77, 77);
	usnf_net_rx(net, 3, f, n);
	assert_int_equal(cap.n, 2);
	assert_memory_equal(cap.frame[1], H77, 6);
	assert_int_equal(cap.frame[1][14 + 8], 63);
	/* Nobody answers for .99: two more requests a second apart, then host unreachable. */
	n = udp4_frame(f, "10.0.0.10", "192.0.2.99", 64);
	usnf_net_rx(net, 2, f, n);
	assert_int_equal(cap.n, 3);
	n = udp4_frame(f, "10.0.0.10", "192.0.2.77", 64);
	for (int i = 1; i <= 3; i++) {
		usnf_net_set_clock(net, t + (uint64_t)i * 1000000000ull);
		usnf_net_rx(net, 2, f, n);
	}
	/* per second: [probe or error] + the datagram to .77 */
	assert_int_equal(cap.n, 3 + 2 + 2 + 2);
	assert_int_equal(cap.frame[3][21], 1);
	assert_int_equal(cap.frame[5][21], 1);
	const uint8_t *o = cap.frame[7];

	assert_int_equal(cap.ifindex[7], 2);
	assert_int_equal(o[34], 3);                             /* dest unreachable */
	assert_int_equal(o[35], 1);                             /* host */
	usnf_net_destroy(net);
}

/* ip_options_echo(): a record-route option comes back with our address added. */
static void test_options_echo(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t f[128];
	uint32_t n = eth(f, R0, H0, 0x0800);
	uint8_t *h = f + n;

	(void)state;
	memset(h, 0, 32 + 12);
	h[0] = 0x48;
	h[2] = 0;
	h[3] = 32 + 12;
	h[8] = 64;
	h[9] = 1;
	memcpy(h + 12, "\x0a\x00\x00\x0a\x0a\x00\x00\x01", 8);
	memcpy(h + 20, "\x07\x0b\x04", 3);
	uint16_t c = ip_fast_csum(h, 8);

	memcpy(h + 10, &c, 2);
	memcpy(h + 32, "\x08\x00\x00\x00\x00\x01\x00\x02" "ping", 12);
	c = csum_fold(csum_partial(h + 32, 12, 0));
	memcpy(h + 34, &c, 2);
	assert_int_equal(usnf_net_rx(net, 2, f, n + 44), USNF_FATE_LOCAL);
	assert_int_equal(cap.n, 1);
	const uint8_t *o = cap.frame[0] + 14;

	assert_int_equal(o[0], 0x48);
	assert_memory_equal(o + 20, "\x07\x0b\x0c\x0a\x00\x00\x01\x0a\x00\x00\x01\x00", 12);
	assert_int_equal(ip_fast_csum(o, 8), 0);
	assert_int_equal(o[32], 0);                             /* echo reply */
	usnf_net_destroy(net);
}

/* A forwarding router answers on the subnet-router anycast address of its prefixes. */
static void test_anycast_echo(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	static const uint8_t any6[16] = { 0xfd };
	uint8_t f[160];
	uint32_t n = eth(f, R0, H0, 0x86dd);
	uint8_t *h = f + n, ic[16];

	(void)state;
	memset(h, 0, 40);
	h[0] = 0x60;
	h[5] = 16;
	h[6] = 58;
	h[7] = 64;
	memcpy(h + 8, A6, 16);
	memcpy(h + 24, any6, 16);
	memset(ic, 'a', 16);
	memcpy(ic, "\x80\x00\x00\x00\x00\x01\x00\x01", 8);
	uint16_t c = csum_fold(csum_partial(ic, 16, csum_pseudo6(A6, any6, 58, 16)));

	memcpy(ic + 2, &c, 2);
	memcpy(h + 40, ic, 16);
	/* Not forwarding: the anycast address does not exist. */
	usnf_net_rx(net, 2, f, n + 56);
	assert_int_equal(cap.n, 0);
	harness_run_ok(net, "sysctl -w net.ipv6.conf.all.forwarding=1");
	assert_int_equal(usnf_net_rx(net, 2, f, n + 56), USNF_FATE_LOCAL);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.frame[0][54], 129);
	assert_memory_equal(cap.frame[0] + 22, R6, 16);         /* from the unicast address */
	usnf_net_destroy(net);
}

static void test_sysctl_and_ip_errors(void **state)
{
	struct usnf_net *net = NULL;
	char buf[64];
	int idx;

	(void)state;
	assert_int_equal(usnf_net_create(&net), 0);
	assert_int_equal(usnf_sysctl_get(net, "net.ipv4.ip_forward", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0");
	assert_int_equal(usnf_iface_add(net, "eth0", &idx), 0);
	harness_run_ok(net, "sysctl -w net.ipv4.ip_forward=1");
	assert_int_equal(usnf_sysctl_get(net, "net/ipv4/conf/eth0/forwarding", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1");
	assert_int_equal(usnf_sysctl_get(net, "net.ipv4.conf.default.forwarding", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1");
	assert_int_equal(harness_run(net, "sysctl -w net.ipv4.no_such_key=1"), 1);
	assert_int_equal(usnf_sysctl_set(net, "net.ipv4.ip_default_ttl", "0"), -EINVAL);
	assert_int_equal(usnf_sysctl_set(net, "net.ipv4.ip_forward", "x"), -EINVAL);
	harness_run_ok(net, "sysctl -w net.ipv6.conf.all.forwarding=1");
	assert_int_equal(usnf_sysctl_get(net, "net.ipv6.conf.eth0.forwarding", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1");
	assert_int_equal(harness_run(net, "ip link set eth9 up"), 1);
	harness_run_ok(net, "ip link set eth0 up");
	harness_run_ok(net, "ip addr add 10.1.1.1/24 dev eth0");
	assert_int_equal(harness_run(net, "ip addr add 10.1.1.1/24 dev eth0"), 2);
	assert_int_equal(harness_run(net, "ip route add default via 10.9.9.9"), 2);
	harness_run_ok(net, "ip route add default via 10.1.1.254");
	assert_int_equal(harness_run(net, "ip route add default via 10.1.1.254"), 2);
	assert_int_equal(harness_run(net, "ip route del 10.7.0.0/16"), 2);
	harness_run_ok(net, "ip route add unreachable 10.7.0.0/16");
	harness_run_ok(net, "ip route del 10.7.0.0/16");
	usnf_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_reply),
		cmocka_unit_test(test_echo_and_rst),
		cmocka_unit_test(test_ttl_and_frag),
		cmocka_unit_test(test_local_defrag),
		cmocka_unit_test(test_sysctl_and_ip_errors),
		cmocka_unit_test(test_ip_error_pacing),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_peer_table_bounded),
		cmocka_unit_test(test_ipv6_reassembly),
		cmocka_unit_test(test_ipv6_reassembly_timeout),
		cmocka_unit_test(test_reassembly_bounded),
		cmocka_unit_test(test_neigh_resolution),
		cmocka_unit_test(test_options_echo),
		cmocka_unit_test(test_anycast_echo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
