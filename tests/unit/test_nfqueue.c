/*
 * test_nfqueue: NF_QUEUE through the queue handler (hook/nfnl.c): `-j NFQUEUE` and
 * `-j QUEUE` hand the packet to usnf_queue_set_handler()'s function, whose verdict
 * re-injects it as nf_reinject() does; nobody listening drops it unless
 * --queue-bypass.  Frames in, fates and rule counters out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <usnf/hook.h>
#include <usnf/net.h>
#include <usnf/queue.h>

#include "cli/cli.h"

#include "engine_harness.h"

/* The handler: a verdict per call (the last one repeats), what it was told. */
struct qh {
	int verdicts[4];
	unsigned int n_verdicts, calls;
	bool set_mark;
	uint32_t mark;
	struct usnf_queue_entry last;
};

static int qh_fn(void *ctx, struct pkt *pkt, const struct usnf_queue_entry *e)
{
	struct qh *q = ctx;
	unsigned int i = q->calls < q->n_verdicts ? q->calls : q->n_verdicts - 1;

	q->calls++;
	q->last = *e;
	if (q->set_mark)
		pkt->mark = q->mark;    /* NFQA_MARK with the verdict */
	return q->verdicts[i];
}

static struct usnf_net *router(int *ifi)
{
	static const char *const setup[] = {
		"ip link set eth0 address 02:00:00:00:00:01 up",
		"ip link set eth1 address 02:00:00:00:00:02 up",
		"ip addr add 10.0.0.1/24 dev eth0",
		"ip addr add 10.0.1.1/24 dev eth1",
		"ip neigh add 10.0.0.2 lladdr 02:01:00:00:00:0a dev eth0 nud permanent",
		"ip neigh add 10.0.1.2 lladdr 02:01:00:00:01:02 dev eth1 nud permanent",
		"sysctl -w net.ipv4.ip_forward=1",
		NULL,
	};

	return harness_router(ifi, 2, setup, NULL);
}

static int send_udp(struct usnf_net *net, int ifindex, bool reply, uint16_t sport, uint16_t dport)
{
	uint8_t f[128];
	uint32_t len = harness_udp4(f, reply, sport, dport);

	return usnf_net_rx(net, ifindex, f, len);
}

/* Nobody listens: dropped as queued, or on through the chain with --queue-bypass. */
static void test_no_listener(void **state)
{
	int ifi[2];
	struct usnf_net *net = router(ifi);

	(void)state;
	harness_run_ok(net, "iptables -A FORWARD -p udp --dport 53 -j NFQUEUE --queue-num 3");
	harness_run_ok(net, "iptables -A FORWARD -p udp --dport 54 -j NFQUEUE --queue-num 3 --queue-bypass");
	harness_run_ok(net, "iptables -A FORWARD -p udp --dport 55 -j QUEUE");
	harness_run_ok(net, "iptables -A FORWARD -p udp -j DROP");
	assert_int_equal(send_udp(net, ifi[0], false, 1000, 53), USNF_FATE_QUEUED);
	/* bypass: the next hook function, not the next rule (the chain verdict is NF_QUEUE) */
	assert_int_equal(send_udp(net, ifi[0], false, 1000, 54), USNF_FATE_FORWARDED);
	assert_int_equal(send_udp(net, ifi[0], false, 1000, 55), USNF_FATE_QUEUED);
	assert_int_equal(harness_rule_pkts(net, "iptables -L FORWARD -v -x -n --line-numbers", 4), 0);
	usnf_net_destroy(net);
}

/* The handler's verdicts: accept goes on with the next hook function, drop drops. */
static void test_verdicts(void **state)
{
	int ifi[2];
	struct usnf_net *net = router(ifi);
	struct qh q = { .verdicts = { USNF_ACCEPT }, .n_verdicts = 1 };

	(void)state;
	harness_run_ok(net, "iptables -A FORWARD -p udp -j NFQUEUE --queue-num 7");
	harness_run_ok(net, "iptables -A FORWARD -p udp -j DROP");
	assert_int_equal(usnf_queue_set_handler(net, qh_fn, &q), 0);
	assert_int_equal(send_udp(net, ifi[0], false, 1000, 53), USNF_FATE_FORWARDED);
	assert_int_equal(q.calls, 1);
	assert_int_equal(q.last.queuenum, 7);
	assert_int_equal(q.last.hook, USNF_INET_FORWARD);
	assert_int_equal(q.last.indev, ifi[0]);
	assert_int_equal(q.last.outdev, ifi[1]);
	assert_int_equal(harness_rule_pkts(net, "iptables -L FORWARD -v -x -n --line-numbers", 2), 0);

	q.verdicts[0] = USNF_DROP;
	assert_int_equal(send_udp(net, ifi[0], false, 1000, 53), USNF_FATE_DROPPED);
	assert_int_equal(q.calls, 2);

	/* unregistered: nobody listens again */
	assert_int_equal(usnf_queue_set_handler(net, NULL, NULL), 0);
	assert_int_equal(send_udp(net, ifi[0], false, 1000, 53), USNF_FATE_QUEUED);
	assert_int_equal(q.calls, 2);
	usnf_net_destroy(net);
}

/* Repeat calls the hook function (the table) again: the rule counts the packet twice;
 * a mark set with the verdict is seen by the second pass. */
static void test_repeat_and_mark(void **state)
{
	int ifi[2];
	struct usnf_net *net = router(ifi);
	struct qh q = { .verdicts = { USNF_REPEAT, USNF_ACCEPT }, .n_verdicts = 2,
			.set_mark = true, .mark = 0x2a };

	(void)state;
	harness_run_ok(net, "iptables -A FORWARD -m mark --mark 0x2a -j DROP");
	harness_run_ok(net, "iptables -A FORWARD -p udp -j NFQUEUE --queue-num 1");
	assert_int_equal(usnf_queue_set_handler(net, qh_fn, &q), 0);
	/* first pass queues and marks; the repeat drops on the mark */
	assert_int_equal(send_udp(net, ifi[0], false, 1000, 53), USNF_FATE_DROPPED);
	assert_int_equal(q.calls, 1);
	assert_int_equal(harness_rule_pkts(net, "iptables -L FORWARD -v -x -n --line-numbers", 1), 1);
	assert_int_equal(harness_rule_pkts(net, "iptables -L FORWARD -v -x -n --line-numbers", 2), 1);

	harness_run_ok(net, "iptables -D FORWARD 1");
	q = (struct qh){ .verdicts = { USNF_REPEAT, USNF_ACCEPT }, .n_verdicts = 2 };
	assert_int_equal(send_udp(net, ifi[0], false, 1000, 53), USNF_FATE_FORWARDED);
	assert_int_equal(q.calls, 2);
	assert_int_equal(harness_rule_pkts(net, "iptables -L FORWARD -v -x -n --line-numbers", 1), 3);
	usnf_net_destroy(net);
}

/* --queue-balance: both directions of a flow land on the same queue of the range. */
static void test_balance(void **state)
{
	int ifi[2];
	struct usnf_net *net = router(ifi);
	struct qh q = { .verdicts = { USNF_ACCEPT }, .n_verdicts = 1 };
	unsigned int seen = 0;

	(void)state;
	harness_run_ok(net, "iptables -A FORWARD -p udp -j NFQUEUE --queue-balance 10:13");
	assert_int_equal(usnf_queue_set_handler(net, qh_fn, &q), 0);
	for (uint16_t port = 1000; port < 1032; port++) {
		unsigned int there;

		assert_int_equal(send_udp(net, ifi[0], false, port, 53), USNF_FATE_FORWARDED);
		there = q.last.queuenum;
		assert_true(there >= 10 && there <= 13);
		assert_int_equal(send_udp(net, ifi[1], true, 53, port), USNF_FATE_FORWARDED);
		assert_int_equal(q.last.queuenum, there);
		seen |= 1u << (there - 10);
	}
	/* the hash is of the addresses and protocol only (hash_v4()): one queue for all */
	assert_int_equal(__builtin_popcount(seen), 1);
	usnf_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_listener),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_repeat_and_mark),
		cmocka_unit_test(test_balance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
