/*
 * test_connlabel: conntrack labels and the connlabel match end to end through a
 * router (frames in, frames out): --set on NEW connections and accept by label
 * afterwards (xt_connlabel's connlabel_mt()), inversion, the labels area only on
 * entries made while a connlabel rule exists (nf_ct_labels_ext_add(): an entry
 * made before the first rule, or after the last went, cannot be labelled), the
 * IPCT_LABEL event, bits 0 and 127, ip6tables, and -ERANGE past bit 127.
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
#include "ct/ct.h"
#include "pkt/csum.h"

#include "engine_harness.h"

static const uint8_t rmac0[6] = { 2, 0, 0, 0, 0, 1 }, rmac1[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t cmac[6] = { 2, 1, 0, 0, 0, 10 }, smac[6] = { 2, 1, 0, 0, 1, 0xfe };

/* A UDP frame with 4 bytes of payload and valid checksums, v4 or v6. */
static uint32_t udp_frame(uint8_t *f, bool from_lan, bool v6, const char *src, const char *dst,
			  uint16_t sport, uint16_t dport)
{
	uint32_t iphl = v6 ? 40 : 20, ulen = 8 + 4;
	uint8_t *ip = f + 14, *l4 = ip + iphl;
	uint16_t c;

	memset(f, 0, 14 + iphl + ulen);
	memcpy(f, from_lan ? rmac0 : rmac1, 6);
	memcpy(f + 6, from_lan ? cmac : smac, 6);
	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	l4[5] = (uint8_t)ulen;
	memcpy(l4 + 8, "ping", 4);
	if (v6) {
		f[12] = 0x86;
		f[13] = 0xdd;
		ip[0] = 0x60;
		ip[5] = (uint8_t)ulen;
		ip[6] = 17;
		ip[7] = 64;
		inet_pton(AF_INET6, src, ip + 8);
		inet_pton(AF_INET6, dst, ip + 24);
		c = csum_fold(csum_partial(l4, ulen, csum_pseudo6(ip + 8, ip + 24, 17, ulen)));
	} else {
		uint32_t s, d;

		f[12] = 0x08;
		ip[0] = 0x45;
		ip[3] = (uint8_t)(20 + ulen);
		ip[8] = 64;
		ip[9] = 17;
		inet_pton(AF_INET, src, ip + 12);
		inet_pton(AF_INET, dst, ip + 16);
		c = ip_fast_csum(ip, 5);
		memcpy(ip + 10, &c, 2);
		memcpy(&s, ip + 12, 4);
		memcpy(&d, ip + 16, 4);
		c = csum_fold(csum_partial(l4, ulen, csum_pseudo4(s, d, 17, ulen)));
	}
	memcpy(l4 + 6, &c, 2);
	return 14 + iphl + ulen;
}

struct router {
	struct usnf_net *net;
	int eth0, eth1;
	struct harness_cap cap;
	uint64_t t;
};

#define LAN "10.1.0.10"
#define WAN "192.0.2.7"
#define LAN6 "2001:db8:1::10"
#define WAN6 "2001:db8:2::7"

static void router_up(struct router *r)
{
	static const char *const setup[] = {
		"ip link set eth0 address 02:00:00:00:00:01 up",
		"ip link set eth1 address 02:00:00:00:00:02 up",
		"ip addr add 10.1.0.1/24 dev eth0",
		"ip addr add 192.0.2.1/24 dev eth1",
		"ip -6 addr add 2001:db8:1::1/64 dev eth0",
		"ip -6 addr add 2001:db8:2::1/64 dev eth1",
		"ip neigh add 10.1.0.10 lladdr 02:01:00:00:00:0a dev eth0 nud permanent",
		"ip neigh add 192.0.2.7 lladdr 02:01:00:00:01:fe dev eth1 nud permanent",
		"ip -6 neigh add 2001:db8:1::10 lladdr 02:01:00:00:00:0a dev eth0 nud permanent",
		"ip -6 neigh add 2001:db8:2::7 lladdr 02:01:00:00:01:fe dev eth1 nud permanent",
		"sysctl -w net.ipv4.ip_forward=1",
		"sysctl -w net.ipv6.conf.all.forwarding=1",
		NULL,
	};
	int ifindex[2];

	memset(r, 0, sizeof(*r));
	r->net = harness_router(ifindex, 2, setup, &r->cap);
	r->eth0 = ifindex[0];
	r->eth1 = ifindex[1];
	r->t = 1000000000;
}

/* One UDP frame in (LAN -> WAN when out, else the reply); how many frames left the router. */
static unsigned int send_udp(struct router *r, bool out, bool v6, uint16_t lan_port,
			     uint16_t wan_port)
{
	const char *lan = v6 ? LAN6 : LAN, *wan = v6 ? WAN6 : WAN;
	uint8_t f[128];
	uint32_t len;

	len = out ? udp_frame(f, true, v6, lan, wan, lan_port, wan_port)
		  : udp_frame(f, false, v6, wan, lan, wan_port, lan_port);
	r->cap.n = 0;
	usnf_net_set_clock(r->net, r->t += 10000000);
	usnf_net_rx(r->net, out ? r->eth0 : r->eth1, f, len);
	return r->cap.n;
}

/* Label on NEW connections to port 53; only labelled connections pass FORWARD. */
static void test_set_then_accept(void **state)
{
	struct router r;

	(void)state;
	router_up(&r);
	harness_run_ok(r.net, "iptables -P FORWARD DROP");
	harness_run_ok(r.net, "iptables -A FORWARD -i eth0 -p udp --dport 53 -m conntrack "
			      "--ctstate NEW -m connlabel --label 5 --set");
	harness_run_ok(r.net, "iptables -A FORWARD -m connlabel --label 5 -j ACCEPT");
	assert_int_equal(send_udp(&r, true, false, 40000, 53), 1);
	assert_int_equal(send_udp(&r, false, false, 40000, 53), 1);
	assert_int_equal(send_udp(&r, true, false, 40000, 53), 1);
	/* Not labelled: port 54 never gets the label, its reply neither. */
	assert_int_equal(send_udp(&r, true, false, 40001, 54), 0);
	/* A different bit does not match. */
	harness_run_ok(r.net, "iptables -I FORWARD -m connlabel --label 6 -j DROP");
	assert_int_equal(send_udp(&r, true, false, 40000, 53), 1);
	usnf_net_destroy(r.net);
}

/* ! --label: the inversion, and without a connection (untracked) it is true. */
static void test_invert(void **state)
{
	struct router r;

	(void)state;
	router_up(&r);
	harness_run_ok(r.net, "iptables -A FORWARD -p udp --dport 53 -m connlabel --label 0 --set");
	harness_run_ok(r.net, "iptables -A FORWARD -m connlabel ! --label 0 -j DROP");
	assert_int_equal(send_udp(&r, true, false, 40000, 53), 1);
	assert_int_equal(send_udp(&r, false, false, 40000, 53), 1);
	assert_int_equal(send_udp(&r, true, false, 40002, 99), 0);
	/* Untracked: no connection, so `! --label` matches and drops. */
	harness_run_ok(r.net, "iptables -t raw -A PREROUTING -p udp --sport 40003 -j NOTRACK");
	assert_int_equal(send_udp(&r, true, false, 40003, 53), 0);
	/* ! --label --set: a set bit is a non-match of the inversion (the packet goes on). */
	harness_run_ok(r.net, "iptables -I FORWARD -m connlabel ! --label 127 --set -j DROP");
	assert_int_equal(send_udp(&r, true, false, 40000, 53), 1);
	usnf_net_destroy(r.net);
}

/*
 * nf_ct_labels_ext_add(): an entry made while no connlabel rule exists has no labels
 * area, and --set cannot label it later; neither can one made after the last
 * connlabel rule was deleted.
 */
static void test_area_only_with_rules(void **state)
{
	struct router r;

	(void)state;
	router_up(&r);
	harness_run_ok(r.net, "iptables -t mangle -A FORWARD -m conntrack --ctstate NEW");
	assert_int_equal(send_udp(&r, true, false, 41000, 53), 1);     /* A: no rule yet */
	harness_run_ok(r.net, "iptables -P FORWARD DROP");
	harness_run_ok(r.net, "iptables -A FORWARD -m connlabel --label 3 --set -j ACCEPT");
	assert_int_equal(send_udp(&r, true, false, 41000, 53), 0);     /* A: cannot be set */
	assert_int_equal(send_udp(&r, true, false, 41001, 53), 1);     /* B: new, labelled */
	assert_int_equal(send_udp(&r, false, false, 41001, 53), 1);
	/* The last connlabel rule goes: C is made without the area. */
	harness_run_ok(r.net, "iptables -F FORWARD");
	harness_run_ok(r.net, "iptables -A FORWARD -j ACCEPT");
	assert_int_equal(send_udp(&r, true, false, 41002, 53), 1);     /* C */
	harness_run_ok(r.net, "iptables -F FORWARD");
	harness_run_ok(r.net, "iptables -A FORWARD -m connlabel --label 3 --set -j ACCEPT");
	assert_int_equal(send_udp(&r, true, false, 41002, 53), 0);     /* C: cannot be set */
	assert_int_equal(send_udp(&r, true, false, 41001, 53), 1);     /* B kept its area */
	assert_int_equal(send_udp(&r, true, false, 41003, 53), 1);     /* D: new, labelled */
	/* A connlabel rule in another table (or family) keeps the area coming. */
	harness_run_ok(r.net, "ip6tables -A OUTPUT -m connlabel --label 1");
	harness_run_ok(r.net, "iptables -F FORWARD");
	harness_run_ok(r.net, "iptables -A FORWARD -j ACCEPT");
	assert_int_equal(send_udp(&r, true, false, 41004, 53), 1);     /* E: with the area */
	harness_run_ok(r.net, "iptables -F FORWARD");
	harness_run_ok(r.net, "iptables -A FORWARD -m connlabel --label 3 --set -j ACCEPT");
	assert_int_equal(send_udp(&r, true, false, 41004, 53), 1);
	/* A rule refused by the kernel (bit 128) leaves no area behind either. */
	harness_run_ok(r.net, "ip6tables -F OUTPUT");
	harness_run_ok(r.net, "iptables -F FORWARD");
	harness_run_ok(r.net, "iptables -A FORWARD -j ACCEPT");
	assert_int_not_equal(harness_run(r.net, "iptables -A FORWARD -m connlabel --label 128"), 0);
	assert_int_equal(harness_run(r.net, "iptables -C FORWARD -m connlabel --label 4"), 1);
	assert_int_equal(send_udp(&r, true, false, 41005, 53), 1);     /* F: no area */
	harness_run_ok(r.net, "iptables -F FORWARD");
	harness_run_ok(r.net, "iptables -A FORWARD -m connlabel --label 3 --set -j ACCEPT");
	assert_int_equal(send_udp(&r, true, false, 41005, 53), 0);
	usnf_net_destroy(r.net);
}

struct events {
	unsigned int label, total;
};

static void ev_count(void *ctx, const struct usnf_net *net, const struct ct_conn *c,
		     uint32_t events)
{
	struct events *e = ctx;

	(void)net;
	(void)c;
	e->total++;
	if (events & (1u << CT_EV_LABEL))
		e->label++;
}

/* A bit newly set is an IPCT_LABEL event (conntrack -E's [UPDATE]); a set one is not. */
static void test_label_event(void **state)
{
	struct router r;
	struct events ev = { 0, 0 };

	(void)state;
	router_up(&r);
	harness_run_ok(r.net, "iptables -A FORWARD -m connlabel --label 9");
	assert_int_equal(ct_event_listen(r.net, ev_count, &ev), 0);
	assert_int_equal(send_udp(&r, true, false, 42000, 53), 1);     /* [NEW] */
	assert_int_equal(ev.total, 1);
	assert_int_equal(ev.label, 0);
	harness_run_ok(r.net, "iptables -A FORWARD -m connlabel --label 9 --set");
	assert_int_equal(send_udp(&r, true, false, 42000, 53), 1);     /* [UPDATE] */
	assert_int_equal(ev.total, 2);
	assert_int_equal(ev.label, 1);
	assert_int_equal(send_udp(&r, true, false, 42000, 53), 1);     /* already set */
	assert_int_equal(ev.total, 2);
	assert_int_equal(ct_event_listen(r.net, NULL, NULL), 0);
	usnf_net_destroy(r.net);
}

/* ip6tables, and the first and last bits kept apart. */
static void test_v6_edges(void **state)
{
	struct router r;

	(void)state;
	router_up(&r);
	harness_run_ok(r.net, "ip6tables -P FORWARD DROP");
	harness_run_ok(r.net, "ip6tables -A FORWARD -p udp --dport 53 -m connlabel "
			      "--label 127 --set");
	harness_run_ok(r.net, "ip6tables -A FORWARD -p udp --dport 54 -m connlabel --label 0 --set");
	harness_run_ok(r.net, "ip6tables -A FORWARD -m connlabel --label 127 -j ACCEPT");
	assert_int_equal(send_udp(&r, true, true, 43000, 53), 1);
	assert_int_equal(send_udp(&r, false, true, 43000, 53), 1);
	assert_int_equal(send_udp(&r, true, true, 43001, 54), 0);      /* bit 0 only */
	assert_int_equal(send_udp(&r, false, true, 43001, 54), 0);
	usnf_net_destroy(r.net);
}

/* Kernel check and iptables parsing, as iptables 1.8.9 on Linux 6.18 answer. */
static void test_rules(void **state)
{
	struct usnf_net *net = NULL;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	(void)state;
	assert_int_equal(usnf_net_create(&net), 0);
	assert_int_equal(harness_cli(net, "iptables -A INPUT -m connlabel --label 128", NULL, &err),
			 4);
	assert_string_equal(sb_str(&err), "iptables v1.8.9 (nf_tables):  RULE_APPEND failed "
			    "(Numerical result out of range): rule in chain INPUT\n");
	sb_reset(&err);
	assert_int_equal(harness_cli(net, "iptables -A INPUT -m connlabel --label -1", NULL, &err),
			 2);
	assert_non_null(strstr(sb_str(&err), "label '-1' not found or invalid value"));
	harness_run_ok(net, "iptables -A INPUT -m connlabel --label 0x10");
	harness_run_ok(net, "iptables -A INPUT -m connlabel --label 65537 --set");
	harness_run_ok(net, "iptables -A INPUT -m connlabel ! --label 010");
	assert_int_equal(harness_cli(net, "iptables -S INPUT", &out, NULL), 0);
	assert_string_equal(sb_str(&out), "-P INPUT ACCEPT\n"
			    "-A INPUT -m connlabel --label \"16\"\n"
			    "-A INPUT -m connlabel --label \"1\" --set\n"
			    "-A INPUT -m connlabel ! --label \"8\"\n");
	sb_release(&out);
	sb_release(&err);
	usnf_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_then_accept),
		cmocka_unit_test(test_invert),
		cmocka_unit_test(test_area_only_with_rules),
		cmocka_unit_test(test_label_event),
		cmocka_unit_test(test_v6_edges),
		cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
