/*
 * test_tee: the TEE target and the stack's duplication (stack/dup.c): frames in,
 * the copy and the original out, as nf_dup_ipv4()/nf_dup_ipv6() send them.
 */
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

#define IF_ETH0 2
#define IF_ETH1 3
#define IF_ETH2 4

static const uint8_t R0[6] = { 2, 0, 0, 0, 0, 1 }, H0[6] = { 2, 1, 0, 0, 0, 10 };
static const uint8_t GW1[6] = { 2, 1, 0, 0, 1, 0xfe }, MON[6] = { 2, 1, 0, 0, 2, 2 };
static const uint8_t DST2[6] = { 2, 1, 0, 0, 2, 0x07 };

/*
 * A router: eth0 LAN 10.0.0.1/24 + fd00::1/64 (host .10 / ::a), eth1 WAN with the
 * default routes, eth2 the monitor link 10.9.0.1/24 + fd09::1/64 whose host .2 /
 * ::2 receives the copies; 172.16.5.5 is a neighbour on eth2 without a route.
 */
static struct usnf_net *router(struct harness_cap *cap)
{
	static const char *const setup[] = {
		"ip link set eth0 address 02:00:00:00:00:01 up",
		"ip link set eth1 address 02:00:00:00:00:02 up",
		"ip link set eth2 address 02:00:00:00:00:03 up",
		"ip addr add 10.0.0.1/24 dev eth0",
		"ip addr add 192.0.2.1/24 dev eth1",
		"ip addr add 10.9.0.1/24 dev eth2",
		"ip -6 addr add fd00::1/64 dev eth0",
		"ip -6 addr add 2001:db8::1/64 dev eth1",
		"ip -6 addr add fd09::1/64 dev eth2",
		"ip route add default via 192.0.2.254",
		"ip -6 route add default via 2001:db8::fe",
		"ip neigh add 10.0.0.10 lladdr 02:01:00:00:00:0a dev eth0 nud permanent",
		"ip neigh add 192.0.2.254 lladdr 02:01:00:00:01:fe dev eth1 nud permanent",
		"ip neigh add 10.9.0.2 lladdr 02:01:00:00:02:02 dev eth2 nud permanent",
		"ip neigh add 172.16.5.5 lladdr 02:01:00:00:02:55 dev eth2 nud permanent",
		"ip -6 neigh add fd00::a lladdr 02:01:00:00:00:0a dev eth0 nud permanent",
		"ip -6 neigh add 2001:db8::fe lladdr 02:01:00:00:01:fe dev eth1 nud permanent",
		"ip -6 neigh add fd09::2 lladdr 02:01:00:00:02:02 dev eth2 nud permanent",
		"sysctl -w net.ipv4.ip_forward=1",
		"sysctl -w net.ipv6.conf.all.forwarding=1",
		NULL,
	};
	int ifindex[3];
	struct usnf_net *net = harness_router(ifindex, 3, setup, cap);

	assert_int_equal(ifindex[0], IF_ETH0);
	assert_int_equal(ifindex[2], IF_ETH2);
	return net;
}

/* A UDP datagram host 10.0.0.10 -> dst (TTL ttl) from the LAN, with its Ethernet header. */
static uint32_t udp4_frame(uint8_t *f, const char *dst, uint8_t ttl)
{
	unsigned int b[4];
	uint8_t *h = f + 14;

	memcpy(f, R0, 6);
	memcpy(f + 6, H0, 6);
	f[12] = 0x08, f[13] = 0x00;
	memset(h, 0, 36);
	h[0] = 0x45;
	h[3] = 36;
	h[4] = 0x12, h[5] = 0x34;
	h[8] = ttl;
	h[9] = 17;
	h[12] = 10, h[15] = 10;
	sscanf(dst, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]);
	for (int i = 0; i < 4; i++)
		h[16 + i] = (uint8_t)b[i];
	uint16_t c = ip_fast_csum(h, 5);

	memcpy(h + 10, &c, 2);
	h[20] = 0x0f, h[21] = 0xa0;             /* 4000 -> 9000, no UDP checksum */
	h[22] = 0x23, h[23] = 0x28;
	h[25] = 16;
	memcpy(h + 28, "teetest!", 8);
	return 14 + 36;
}

/* A UDP datagram fd00::a -> 2001:db8:ffff::99 with hop limit hl. */
static uint32_t udp6_frame(uint8_t *f, uint8_t hl)
{
	static const uint8_t src[16] = { 0xfd, 0, [15] = 0x0a };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 0x99 };
	uint8_t *h = f + 14;

	memcpy(f, R0, 6);
	memcpy(f + 6, H0, 6);
	f[12] = 0x86, f[13] = 0xdd;
	memset(h, 0, 56);
	h[0] = 0x60;
	h[5] = 16;
	h[6] = 17;
	h[7] = hl;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
	h[40] = 0x13, h[41] = 0x88;
	h[42] = 0x17, h[43] = 0x70;
	h[45] = 16;
	memcpy(h + 48, "tee6tst!", 8);
	uint16_t c = csum_fold(csum_partial(h + 40, 16, csum_pseudo6(src, dst, 17, 16)));

	memcpy(h + 46, &c, 2);
	return 14 + 56;
}

/* Frame i went out of ifindex to dmac; returns its IP header. */
static const uint8_t *sent(const struct harness_cap *cap, unsigned int i, int ifindex,
			   const uint8_t *dmac)
{
	assert_true(i < cap->n);
	assert_int_equal(cap->ifindex[i], ifindex);
	assert_memory_equal(cap->frame[i], dmac, 6);
	return cap->frame[i] + 14;
}

/* A copy made in PREROUTING: first out, to the gateway, one TTL less, DF set, valid. */
static void test_tee4_prerouting(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	unsigned int pool = pkt_pool_avail(net->pool);
	uint8_t f[128];
	uint32_t n = udp4_frame(f, "198.51.100.7", 64);
	const uint8_t *c, *o;

	(void)state;
	harness_run_ok(net, "iptables -t mangle -A PREROUTING -i eth0 -p udp -j TEE "
			    "--gateway 10.9.0.2");
	assert_int_equal(usnf_net_rx(net, IF_ETH0, f, n), USNF_FATE_FORWARDED);
	assert_int_equal(cap.n, 2);
	c = sent(&cap, 0, IF_ETH2, MON);
	o = sent(&cap, 1, IF_ETH1, GW1);
	assert_int_equal(c[8], 63);                     /* the copy's own decrement */
	assert_int_equal(c[6] & 0x40, 0x40);            /* IP_DF */
	assert_int_equal(ip_fast_csum(c, 5), 0);
	assert_memory_equal(c + 12, f + 14 + 12, 8);    /* addresses untouched */
	assert_memory_equal(c + 20, f + 14 + 20, 16);   /* payload untouched */
	assert_int_equal(o[8], 63);                     /* the original, forwarded */
	assert_int_equal(o[6] & 0x40, 0);
	assert_int_equal(ip_fast_csum(o, 5), 0);
	assert_int_equal(pkt_pool_avail(net->pool), pool);      /* the copy went back */
	usnf_net_destroy(net);
}

/* In FORWARD the original has been decremented already: the copy is not again. */
static void test_tee4_forward_and_oif(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t f[128];
	uint32_t n = udp4_frame(f, "198.51.100.7", 10);
	const uint8_t *c;

	(void)state;
	/* 172.16.5.5 has no route but the default one: with --oif the route is taken
	 * as on link there (ip_route_output_key_hash_rcu()), a route without next hop:
	 * the neighbour is the packet's destination on eth2, not the gateway.  The
	 * gateway of a route that has one is the next hop (192.0.2.254 for 203.0.113.1). */
	harness_run_ok(net, "ip neigh add 198.51.100.7 lladdr 02:01:00:00:02:07 dev eth2 "
			    "nud permanent");
	harness_run_ok(net, "iptables -A FORWARD -j TEE --gateway 172.16.5.5 --oif eth2");
	harness_run_ok(net, "iptables -A FORWARD -j TEE --gateway 203.0.113.1");
	harness_run_ok(net, "iptables -A FORWARD -j TEE --gateway 10.9.0.2 --oif nosuch");
	assert_int_equal(usnf_net_rx(net, IF_ETH0, f, n), USNF_FATE_FORWARDED);
	assert_int_equal(cap.n, 4);
	c = sent(&cap, 0, IF_ETH2, DST2);
	assert_int_equal(c[8], 9);
	c = sent(&cap, 1, IF_ETH1, GW1);
	assert_memory_equal(c + 16, f + 14 + 16, 4);    /* still to 198.51.100.7 */
	sent(&cap, 2, IF_ETH2, MON);                    /* no such device: not bound */
	c = sent(&cap, 3, IF_ETH1, GW1);
	assert_int_equal(c[6] & 0x40, 0);
	usnf_net_destroy(net);
}

/* The copy passes OUTPUT untracked (a rule there drops it); no copy of a copy. */
static void test_tee4_output_untracked_no_recursion(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t f[128];
	uint32_t n = udp4_frame(f, "198.51.100.7", 64);
	struct strbuf out = STRBUF_INIT;

	(void)state;
	harness_run_ok(net, "iptables -A FORWARD -m state --state NEW -j TEE --gateway 10.9.0.2");
	harness_run_ok(net, "iptables -A OUTPUT -j TEE --gateway 10.9.0.2");
	assert_int_equal(usnf_net_rx(net, IF_ETH0, f, n), USNF_FATE_FORWARDED);
	assert_int_equal(cap.n, 2);                     /* the copy met TEE in OUTPUT */
	assert_int_equal(cap.ifindex[0], IF_ETH2);
	harness_run_ok(net, "iptables -I OUTPUT -m state --state UNTRACKED -j DROP");
	cap.n = 0;
	assert_int_equal(usnf_net_rx(net, IF_ETH0, f, n), USNF_FATE_FORWARDED);
	assert_int_equal(cap.n, 1);                     /* the copy died in OUTPUT */
	assert_int_equal(cap.ifindex[0], IF_ETH1);
	assert_int_equal(harness_cli(net, "iptables -L OUTPUT -n -v -x", &out, NULL), 0);
	assert_non_null(strstr(sb_str(&out), "       1       36 DROP"));
	sb_release(&out);
	usnf_net_destroy(net);
}

/* IPv6: a hop less in PREROUTING, not in FORWARD; the neighbour of the gateway. */
static void test_tee6(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	uint8_t f[128];
	uint32_t n = udp6_frame(f, 64);
	const uint8_t *c;

	(void)state;
	harness_run_ok(net, "ip6tables -t mangle -A PREROUTING -j TEE --gateway fd09::2");
	harness_run_ok(net, "ip6tables -A FORWARD -j TEE --gateway fd09::2 --oif eth2");
	assert_int_equal(usnf_net_rx(net, IF_ETH0, f, n), USNF_FATE_FORWARDED);
	assert_int_equal(cap.n, 3);
	c = sent(&cap, 0, IF_ETH2, MON);
	assert_int_equal(c[7], 63);
	assert_memory_equal(c + 8, f + 14 + 8, 48);     /* addresses and payload */
	c = sent(&cap, 1, IF_ETH2, MON);
	assert_int_equal(c[7], 63);
	c = sent(&cap, 2, IF_ETH1, GW1);
	assert_int_equal(c[7], 63);
	usnf_net_destroy(net);
}

/* Parse, kernel check and the saved form (libxt_TEE.c, tee_tg_check()). */
static void test_tee_rules(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net = router(&cap);
	struct strbuf out = STRBUF_INIT;

	(void)state;
	assert_int_not_equal(harness_run(net, "iptables -A INPUT -j TEE --gateway 0.0.0.0"), 0);
	assert_int_not_equal(harness_run(net, "ip6tables -A INPUT -j TEE --gateway ::"), 0);
	assert_int_not_equal(harness_run(net, "iptables -A INPUT -j TEE --oif eth0"), 0);
	assert_int_not_equal(harness_run(net, "iptables -A INPUT -j TEE --gateway fd09::2"), 0);
	assert_int_not_equal(harness_run(net, "ip6tables -A INPUT -j TEE --gateway 10.9.0.2"), 0);
	harness_run_ok(net, "iptables -t nat -A OUTPUT -j TEE --gateway 10.1 "
			    "--oif 0123456789abcdefXYZ");
	assert_int_equal(harness_cli(net, "iptables -t nat -S OUTPUT", &out, NULL), 0);
	assert_string_equal(sb_str(&out), "-P OUTPUT ACCEPT\n"
			    "-A OUTPUT -j TEE --gateway 10.0.0.1 --oif 0123456789abcde\n");
	harness_run_ok(net, "ip6tables -A INPUT -j TEE --gateway fd09::2");
	sb_reset(&out);
	assert_int_equal(harness_cli(net, "ip6tables -S INPUT", &out, NULL), 0);
	assert_string_equal(sb_str(&out), "-P INPUT ACCEPT\n-A INPUT -j TEE --gateway fd09::2\n");
	sb_release(&out);
	usnf_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tee4_prerouting),
		cmocka_unit_test(test_tee4_forward_and_oif),
		cmocka_unit_test(test_tee4_output_untracked_no_recursion),
		cmocka_unit_test(test_tee6),
		cmocka_unit_test(test_tee_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
