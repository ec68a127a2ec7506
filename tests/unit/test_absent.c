/*
 * test_absent: evaluation of the extensions whose subsystem usnf lacks and that the
 * reference kernel lacks too, so no kernel scenario can show them (docs/extensions.md):
 * cpu (the engine runs on CPU 0), ipvs after `modprobe xt_ipvs` (IPVS never handled the
 * packet), LED after `modprobe xt_LED` and SECMARK (targets that continue).  Frames in,
 * rule counters and fates out.
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

#include "engine_harness.h"

#define LIST_FORWARD "iptables -L FORWARD -v -x -n --line-numbers"
#define LIST_SECURITY "iptables -t security -L FORWARD -v -x -n --line-numbers"

static struct usnf_net *router(int *ifi)
{
	static const char *const setup[] = {
		"ip link set eth0 address 02:00:00:00:00:01 up",
		"ip link set eth1 address 02:00:00:00:00:02 up",
		"ip addr add 10.0.0.1/24 dev eth0",
		"ip addr add 10.0.1.1/24 dev eth1",
		"ip neigh add 10.0.1.2 lladdr 02:01:00:00:01:02 dev eth1 nud permanent",
		"sysctl -w net.ipv4.ip_forward=1",
		"modprobe xt_ipvs",
		"modprobe xt_LED",
		NULL,
	};

	return harness_router(ifi, 2, setup, NULL);
}

/* Each rule's packet count after two frames: which rules matched, and that the
 * targets let the packets through to the last rule. */
static void test_absent_eval(void **state)
{
	static const struct { const char *rule; unsigned long pkts; } rules[] = {
		{ "iptables -A FORWARD -m cpu --cpu 0", 2 },
		{ "iptables -A FORWARD -m cpu --cpu 1", 0 },
		{ "iptables -A FORWARD -m cpu ! --cpu 1", 2 },
		{ "iptables -A FORWARD -m ipvs --ipvs", 0 },
		{ "iptables -A FORWARD -m ipvs ! --ipvs", 2 },
		{ "iptables -A FORWARD -m ipvs --vproto 17", 0 },
		{ "iptables -A FORWARD -m ipvs ! --vproto 17", 0 },
		{ "iptables -A FORWARD -j LED --led-trigger-id fw", 2 },
		{ "iptables -A FORWARD -j ACCEPT", 2 },
	};
	int ifi[2];
	struct usnf_net *net = router(ifi);
	uint8_t f[64];

	(void)state;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		harness_run_ok(net, rules[i].rule);
	harness_run_ok(net, "iptables -t security -A FORWARD -j SECMARK --selctx system_u:object_r:x_t:s0");
	harness_run_ok(net, "iptables -t security -A FORWARD -j DROP");
	for (uint16_t port = 1; port <= 2; port++)
		assert_int_equal(usnf_net_rx(net, ifi[0], f, harness_udp4(f, false, 1000, port)),
				 USNF_FATE_DROPPED);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		unsigned long got = harness_rule_pkts(net, LIST_FORWARD, (unsigned int)i + 1);

		if (got != rules[i].pkts)
			fail_msg("%s: %lu packets, want %lu", rules[i].rule, got, rules[i].pkts);
	}
	/* SECMARK continues (security runs after filter): the DROP after it sees both */
	assert_int_equal(harness_rule_pkts(net, LIST_SECURITY, 1), 2);
	assert_int_equal(harness_rule_pkts(net, LIST_SECURITY, 2), 2);
	usnf_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_eval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
