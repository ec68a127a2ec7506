/* test_hook_e2e: a user hook function on a whole engine instance, frames in, frames out. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <usnf/hook.h>
#include <usnf/net.h>

#include "cli/cli.h"
#include "pkt/csum.h"

#include "engine_harness.h"

/*
 * The example of the library's use: like a kernel module, a program registers a
 * hook function on PREROUTING that counts IPv4 UDP datagrams to port 9 (discard)
 * and drops them; everything else is routed on.
 */
struct discard_counter {
	uint64_t seen, dropped;
};

static unsigned int discard_hook(void *priv, struct pkt *pkt, const struct usnf_hook_state *st)
{
	struct discard_counter *c = priv;
	const uint8_t *ip = pkt_header(pkt, pkt->net_off, 20), *udp;

	c->seen++;
	if (!ip || (ip[0] >> 4) != 4 || ip[9] != 17 || (ip[6] & 0x1f) || ip[7])
		return USNF_ACCEPT;
	udp = pkt_header(pkt, pkt->net_off + (uint32_t)(ip[0] & 15) * 4, 8);
	if (!udp || udp[2] != 0 || udp[3] != 9)
		return USNF_ACCEPT;
	c->dropped++;
	return USNF_DROP;
}

/* A UDP/IPv4 frame 10.0.0.2 -> 192.168.1.1:dport arriving at 02:00:00:00:00:01. */
static uint32_t udp_frame(uint8_t *f, uint16_t dport)
{
	static const uint8_t hdr[34] = {
		2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00,
		0x45, 0, 0, 32, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 2, 192, 168, 1, 1 };
	uint32_t s, d;
	uint16_t c;

	memcpy(f, hdr, 34);
	c = ip_fast_csum(f + 14, 5);
	memcpy(f + 24, &c, 2);
	memset(f + 34, 0, 12);
	f[34] = 0x30; f[35] = 0x39;
	f[36] = (uint8_t)(dport >> 8); f[37] = (uint8_t)dport;
	f[39] = 12;
	memcpy(f + 42, "ping", 4);
	memcpy(&s, f + 26, 4);
	memcpy(&d, f + 30, 4);
	c = csum_fold(csum_partial(f + 34, 12, csum_pseudo4(s, d, 17, 12)));
	memcpy(f + 40, &c, 2);
	return 46;
}

static const char *const router_setup[] = {
		"sysctl -w net.ipv4.ip_forward=1",
		"ip link set eth0 address 02:00:00:00:00:01 up",
		"ip link set eth1 address 02:00:00:00:01:01 up",
		"ip addr add 10.0.0.1/24 dev eth0",
		"ip addr add 10.0.1.1/24 dev eth1",
		"ip neigh add 10.0.1.2 lladdr 02:00:00:00:01:02 dev eth1",
		"ip route add 192.168.0.0/16 via 10.0.1.2",
		NULL,
};

static void test_discard_hook_on_router(void **state)
{
	struct discard_counter cnt = { 0 };
	struct usnf_hook_ops ops = { .hook = discard_hook, .priv = &cnt, .pf = USNF_NFPROTO_IPV4,
				     .hooknum = USNF_INET_PRE_ROUTING,
				     .priority = USNF_PRI_FILTER };
	struct harness_cap cap;
	struct usnf_net *net;
	int eth[2];
	uint8_t f[64];
	uint32_t len;

	net = harness_router(eth, 2, router_setup, &cap);
	assert_int_equal(usnf_hook_register(net, &ops), 0);

	len = udp_frame(f, 53);
	assert_int_equal(usnf_net_rx(net, eth[0], f, len), USNF_FATE_FORWARDED);
	assert_int_equal(cap.n, 1);
	assert_int_equal(cap.ifindex[0], eth[1]);
	assert_int_equal(cap.frame[0][14 + 8], 63);     /* TTL decremented */

	len = udp_frame(f, 9);
	assert_int_equal(usnf_net_rx(net, eth[0], f, len), USNF_FATE_DROPPED);
	assert_int_equal(cap.n, 1);
	assert_int_equal(usnf_net_drop_count(net, PKT_DROP_NETFILTER_DROP), 1);
	assert_int_equal(cnt.seen, 2);
	assert_int_equal(cnt.dropped, 1);

	/* Unregistered: port 9 goes through. */
	usnf_hook_unregister(net, &ops);
	assert_int_equal(usnf_net_rx(net, eth[0], f, len), USNF_FATE_FORWARDED);
	assert_int_equal(cap.n, 2);
	assert_int_equal(cnt.seen, 2);
	usnf_net_destroy(net);
}

/*
 * A recent list lives as long as a rule names it (recent_mt_destroy()): deleting one
 * of two rules keeps its entries, flushing the last one frees it, and a new rule
 * starts with an empty list (checked on Linux with /proc/net/xt_recent).
 */
static void test_recent_list_lifetime(void **state)
{
	struct harness_cap cap;
	struct usnf_net *net;
	uint8_t f[64];
	int eth[2];

	net = harness_router(eth, 2, router_setup, &cap);
	harness_run_ok(net, "iptables -A FORWARD -p udp --dport 53 -m recent --name seen --set");
	harness_run_ok(net, "iptables -A FORWARD -p udp --dport 9 -m recent --name seen --rcheck "
			    "-j DROP");
	assert_int_equal(usnf_net_rx(net, eth[0], f, udp_frame(f, 53)), USNF_FATE_FORWARDED);
	assert_int_equal(usnf_net_rx(net, eth[0], f, udp_frame(f, 9)), USNF_FATE_DROPPED);

	harness_run_ok(net, "iptables -D FORWARD 1");
	assert_int_equal(usnf_net_rx(net, eth[0], f, udp_frame(f, 9)), USNF_FATE_DROPPED);

	harness_run_ok(net, "iptables -F FORWARD");
	harness_run_ok(net, "iptables -A FORWARD -p udp --dport 9 -m recent --name seen --rcheck "
			    "-j DROP");
	assert_int_equal(usnf_net_rx(net, eth[0], f, udp_frame(f, 9)), USNF_FATE_FORWARDED);
	assert_int_equal(cap.n, 2);
	usnf_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discard_hook_on_router),
		cmocka_unit_test(test_recent_list_lifetime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
