/*
 * test_ct_helper: expectations end to end through a router with the ftp and tftp
 * helpers behind SNAT: `conntrack -L expect` as conntrack-tools 1.4.7 printed it
 * for the same packets on Linux 6.18, -C and -F expect, expectations gone with
 * their master, and the PORT command rewritten with valid checksums.
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
#include "pkt/csum.h"

#include "engine_harness.h"

static const uint8_t rmac0[6] = { 2, 0, 0, 0, 0, 1 }, rmac1[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t cmac[6] = { 2, 1, 0, 0, 0, 10 }, smac[6] = { 2, 1, 0, 0, 1, 0xfe };

/* An IPv4 TCP (proto 6) or UDP (17) frame with payload and valid checksums. */
static uint32_t frame(uint8_t *f, bool to_wan, const char *src, const char *dst, uint8_t proto,
		      uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		      const void *data, uint32_t dlen)
{
	uint8_t *ip = f + 14, *l4 = ip + 20;
	uint32_t hl = proto == 6 ? 20 : 8, s, d;
	uint16_t c;

	memset(f, 0, 14 + 20 + hl);
	memcpy(f, to_wan ? rmac0 : rmac1, 6);
	memcpy(f + 6, to_wan ? cmac : smac, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + hl + dlen) >> 8);
	ip[3] = (uint8_t)(20 + hl + dlen);
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	c = ip_fast_csum(ip, 5);
	memcpy(ip + 10, &c, 2);
	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	if (proto == 6) {
		for (int i = 0; i < 4; i++) {
			l4[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
			l4[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
		}
		l4[12] = 0x50;
		l4[13] = flags;
		l4[14] = 0x20;
	} else {
		l4[4] = (uint8_t)((8 + dlen) >> 8);
		l4[5] = (uint8_t)(8 + dlen);
	}
	memcpy(l4 + hl, data, dlen);
	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	c = csum_fold(csum_partial(l4, hl + dlen, csum_pseudo4(s, d, proto, hl + dlen)));
	memcpy(l4 + (proto == 6 ? 16 : 6), &c, 2);
	return 14 + 20 + hl + dlen;
}

#define C "10.1.0.10"
#define S "192.0.2.7"
#define P "192.0.2.100"
#define SYN 0x02
#define ACK 0x10
#define PSH_ACK 0x18
#define SYN_ACK 0x12

static const char *const setup[] = {
	"ip link set eth0 address 02:00:00:00:00:01 up",
	"ip link set eth1 address 02:00:00:00:00:02 up",
	"ip addr add 10.1.0.1/24 dev eth0",
	"ip addr add 192.0.2.1/24 dev eth1",
	"ip neigh add 10.1.0.10 lladdr 02:01:00:00:00:0a dev eth0 nud permanent",
	"ip neigh add 192.0.2.7 lladdr 02:01:00:00:01:fe dev eth1 nud permanent",
	"sysctl -w net.ipv4.ip_forward=1",
	"iptables -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp",
	"iptables -t raw -A PREROUTING -p udp --dport 69 -j CT --helper tftp",
	"iptables -t nat -A POSTROUTING -o eth1 -j SNAT --to-source 192.0.2.100",
	NULL,
};

/* The kernel's `conntrack -L expect` after the same packets (newest first). */
static const char expect_list[] =
	"299 proto=17 src=192.0.2.7 dst=192.0.2.100 sport=0 dport=1069 mask-src=255.255.255.255 "
	"mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.1.0.10 master-dst=192.0.2.7 "
	"sport=1069 dport=69 class=0 helper=tftp\n"
	"299 proto=6 src=192.0.2.7 dst=192.0.2.100 sport=0 dport=50000 mask-src=255.255.255.255 "
	"mask-dst=255.255.255.255 sport=0 dport=65535 master-src=10.1.0.10 master-dst=192.0.2.7 "
	"sport=40000 dport=21 class=0 helper=ftp\n";

static void session(struct usnf_net *net, int eth0, int eth1)
{
	static const char banner[] = "220 hi\r\n", user[] = "USER x\r\n",
			  port[] = "PORT 10,1,0,10,195,80\r\n", rrq[] = "\0\1f\0octet";
	uint8_t f[256];
	uint64_t t = 1000000;

#define RX(i, ...) do { usnf_net_set_clock(net, t += 1000000); \
		usnf_net_rx(net, i, f, frame(f, __VA_ARGS__)); } while (0)
	RX(eth0, true, C, S, 6, 40000, 21, 1000, 0, SYN, "", 0);
	RX(eth1, false, S, P, 6, 21, 40000, 5000, 1001, SYN_ACK, "", 0);
	RX(eth0, true, C, S, 6, 40000, 21, 1001, 5001, ACK, "", 0);
	RX(eth1, false, S, P, 6, 21, 40000, 5001, 1001, PSH_ACK, banner, 8);
	RX(eth0, true, C, S, 6, 40000, 21, 1001, 5009, PSH_ACK, user, 8);
	RX(eth0, true, C, S, 6, 40000, 21, 1009, 5009, PSH_ACK, port, 23);
	RX(eth0, true, C, S, 17, 1069, 69, 0, 0, 0, rrq, sizeof(rrq));
#undef RX
	usnf_net_set_clock(net, t + 1000000);
}

static void test_expect_list(void **state)
{
	static struct harness_cap cap;
	struct usnf_net *net = NULL;
	struct strbuf out = STRBUF_INIT;
	const uint8_t *ip, *th;
	uint32_t s, d, len;
	int ifindex[2];

	(void)state;
	net = harness_router(ifindex, 2, setup, &cap);
	session(net, ifindex[0], ifindex[1]);
	assert_int_equal(cap.n, 7);
	/* The PORT command leaves with the NATed address, two bytes longer. */
	ip = cap.frame[5] + 14;
	th = ip + 20;
	len = cap.len[5] - 14 - 20;
	assert_int_equal(len, 20 + 25);
	assert_memory_equal(th + 20, "PORT 192,0,2,100,195,80\r\n", 25);
	assert_int_equal(ip_fast_csum(ip, 5), 0);
	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	assert_int_equal(csum_fold(csum_partial(th, len, csum_pseudo4(s, d, 6, len))), 0);

	assert_int_equal(harness_cli(net, "conntrack -L expect", &out, NULL), 0);
	assert_string_equal(sb_str(&out), expect_list);
	sb_reset(&out);
	assert_int_equal(harness_cli(net, "conntrack -C expect", &out, NULL), 0);
	assert_string_equal(sb_str(&out), "2\n");
	sb_reset(&out);
	assert_int_equal(harness_cli(net, "conntrack -L expect -f ipv6", &out, NULL), 0);
	assert_string_equal(sb_str(&out), "");
	/* The masters go: their expectations with them. */
	harness_run_ok(net, "conntrack -F");
	sb_reset(&out);
	assert_int_equal(harness_cli(net, "conntrack -C expect", &out, NULL), 0);
	assert_string_equal(sb_str(&out), "0\n");
	sb_release(&out);
	usnf_net_destroy(net);
}

static void test_expect_flush(void **state)
{
	static struct harness_cap cap;
	struct usnf_net *net = NULL;
	struct strbuf out = STRBUF_INIT;
	int ifindex[2];

	(void)state;
	net = harness_router(ifindex, 2, setup, &cap);
	session(net, ifindex[0], ifindex[1]);
	harness_run_ok(net, "conntrack -F expect");
	assert_int_equal(harness_cli(net, "conntrack -C expect", &out, NULL), 0);
	assert_string_equal(sb_str(&out), "0\n");
	sb_reset(&out);
	assert_int_equal(harness_cli(net, "conntrack -C", &out, NULL), 0);
	assert_string_equal(sb_str(&out), "2\n");
	sb_release(&out);
	usnf_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expect_list),
		cmocka_unit_test(test_expect_flush),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
