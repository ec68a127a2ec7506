/* test_route: the LPM tables against a naive list, kernel routes of addresses, neighbours. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <usnf/net.h>

#include "cli/cli.h"
#include "route/lpm.h"
#include "route/route.h"

#include "engine_harness.h"

#define AF4 2
#define AF6 10

/* xorshift: deterministic, seedable. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

struct naive {
	uint8_t key[16];
	unsigned int plen;
	uintptr_t val;
};

static bool naive_covers(const struct naive *n, const uint8_t *k)
{
	for (unsigned int i = 0; i < n->plen; i++)
		if (lpm_bit(n->key, i) != lpm_bit(k, i))
			return false;
	return true;
}

/* The deliberately naive reference: scan everything, keep the longest. */
static uintptr_t naive_lookup(const struct naive *v, unsigned int n, const uint8_t *k)
{
	int best = -1;

	for (unsigned int i = 0; i < n; i++)
		if (naive_covers(&v[i], k) && (best < 0 || v[i].plen > v[best].plen))
			best = (int)i;
	return best < 0 ? 0 : v[best].val;
}

static void random_key(uint8_t *k, unsigned int bytes, const uint8_t *near)
{
	for (unsigned int i = 0; i < bytes; i++)
		k[i] = (uint8_t)rnd();
	/* Half the keys share a random-length prefix with a route: deep matches. */
	if (near && (rnd() & 1)) {
		unsigned int keep = (unsigned int)(rnd() % (bytes + 1));

		memcpy(k, near, keep);
	}
}

static void lpm_random(unsigned int maxbits)
{
	enum { ROUTES = 2000, LOOKUPS = 20000 };
	struct naive *v = calloc(ROUTES, sizeof(*v));
	struct lpm t;
	unsigned int n = 0, bytes = maxbits / 8;

	assert_non_null(v);
	assert_int_equal(lpm_init(&t, maxbits), 0);
	for (unsigned int i = 0; i < ROUTES; i++) {
		struct naive r = { .plen = (unsigned int)(rnd() % (maxbits + 1)) };

		random_key(r.key, bytes, n ? v[rnd() % n].key : NULL);
		for (unsigned int b = r.plen; b < maxbits; b++)
			r.key[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
		r.val = i + 1;
		void **slot = lpm_slot(&t, r.key, r.plen);

		assert_non_null(slot);
		/* Same prefix twice: the newer value replaces the older in both. */
		bool dup = false;

		for (unsigned int j = 0; j < n; j++)
			if (v[j].plen == r.plen && !memcmp(v[j].key, r.key, bytes)) {
				v[j].val = r.val;
				dup = true;
			}
		if (!dup)
			v[n++] = r;
		*slot = (void *)r.val;
	}
	for (unsigned int i = 0; i < LOOKUPS; i++) {
		uint8_t k[16] = { 0 };
		void *path[129];

		random_key(k, bytes, v[rnd() % n].key);
		unsigned int m = lpm_match(&t, k, path);
		uintptr_t got = m ? (uintptr_t)path[m - 1] : 0;

		assert_int_equal(got, naive_lookup(v, n, k));
	}
	lpm_free(&t);
	free(v);
}

static void test_lpm_v4_random(void **state) { (void)state; lpm_random(32); }
static void test_lpm_v6_random(void **state) { (void)state; lpm_random(128); }

static struct usnf_net *mknet(void)
{
	struct usnf_net *net = NULL;

	assert_int_equal(usnf_net_create(&net), 0);
	return net;
}

/* The routes an address brings, as `ip route show table all` shows on Linux. */
static void test_addr_routes(void **state)
{
	struct usnf_net *net = mknet();
	uint8_t a[4] = { 10, 86, 1, 1 }, x[4];
	int eth0;

	(void)state;
	assert_int_equal(usnf_iface_add(net, "eth0", &eth0), 0);
	assert_int_equal(eth0, 2);
	route_iface_set_up(net, eth0, true);
	assert_int_equal(route_addr_add(net, AF4, eth0, a, 24, NULL), 0);
	assert_int_equal(route_addr_add(net, AF4, eth0, a, 24, NULL), -EEXIST);
	assert_int_equal(route_addr_type(net, AF4, a, 0), RTN_LOCAL);
	memcpy(x, (uint8_t[]){ 10, 86, 1, 255 }, 4);
	assert_int_equal(route_addr_type(net, AF4, x, 0), RTN_BROADCAST);
	memcpy(x, (uint8_t[]){ 10, 86, 1, 7 }, 4);
	assert_int_equal(route_addr_type(net, AF4, x, 0), RTN_UNICAST);
	const struct route_entry *r = route_lookup(net, AF4, x, 0);

	assert_non_null(r);
	assert_int_equal(r->type, RTN_UNICAST);
	assert_int_equal(r->oif, eth0);
	assert_false(r->has_gw);
	memcpy(x, (uint8_t[]){ 127, 3, 2, 1 }, 4);
	assert_int_equal(route_addr_type(net, AF4, x, 0), RTN_LOCAL);
	memcpy(x, (uint8_t[]){ 8, 8, 8, 8 }, 4);
	assert_null(route_lookup(net, AF4, x, 0));

	/* A default route via a gateway, a more specific blackhole, a throw. */
	struct route_entry d = { .family = AF4, .type = RTN_UNICAST, .oif = eth0, .has_gw = true };

	memcpy(d.gw, (uint8_t[]){ 10, 86, 1, 254 }, 4);
	assert_int_equal(route_add(net, &d, false), 0);
	assert_int_equal(route_add(net, &d, false), -EEXIST);
	struct route_entry b = { .family = AF4, .type = RTN_BLACKHOLE, .plen = 8 };

	memcpy(b.dst, (uint8_t[]){ 8, 0, 0, 0 }, 4);
	assert_int_equal(route_add(net, &b, false), 0);
	r = route_lookup(net, AF4, x, 0);
	assert_int_equal(r->type, RTN_BLACKHOLE);
	b.type = RTN_THROW;
	assert_int_equal(route_add(net, &b, true), 0);
	r = route_lookup(net, AF4, x, 0);
	assert_null(r);         /* throw in main, nothing in default: no route */
	b.metric = UINT32_MAX;
	b.type = 0;
	assert_int_equal(route_del(net, &b), 0);
	r = route_lookup(net, AF4, x, 0);
	assert_non_null(r);
	assert_true(r->has_gw);
	/* A down device's routes are not used. */
	route_iface_set_up(net, eth0, false);
	assert_null(route_lookup(net, AF4, x, 0));
	usnf_net_destroy(net);
}

static void test_select_src6(void **state)
{
	struct usnf_net *net = mknet();
	int e0, e1;
	uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 }, g0[16] = { 0xfd, 0x2a, [15] = 1 };
	uint8_t g1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, out[16];
	uint8_t dst[16] = { 0xfd, 0x2a, [15] = 0x0a }, mc[16] = { 0xff, 0x02, [15] = 1 };

	(void)state;
	usnf_iface_add(net, "eth0", &e0);
	usnf_iface_add(net, "eth1", &e1);
	route_iface_set_up(net, e0, true);
	route_iface_set_up(net, e1, true);
	assert_int_equal(route_addr_add(net, AF6, e0, ll, 64, NULL), 0);
	assert_int_equal(route_addr_add(net, AF6, e0, g0, 64, NULL), 0);
	assert_int_equal(route_addr_add(net, AF6, e1, g1, 64, NULL), 0);
	assert_true(route_select_src6(net, e0, dst, out));
	assert_memory_equal(out, g0, 16);
	assert_true(route_select_src6(net, e0, mc, out));
	assert_memory_equal(out, ll, 16);
	assert_int_equal(route_addr_type(net, AF6, g1, 0), RTN_LOCAL);
	assert_int_equal(route_addr_type(net, AF6, mc, 0), RTN_MULTICAST);
	usnf_net_destroy(net);
}

static void test_neigh(void **state)
{
	struct usnf_net *net = mknet();
	int e0;
	uint8_t a[4] = { 10, 0, 0, 9 }, m[6] = { 2, 0, 0, 0, 0, 9 }, m2[6] = { 2, 0, 0, 0, 0, 10 };

	(void)state;
	usnf_iface_add(net, "eth0", &e0);
	assert_null(route_neigh_lookup(net, AF4, e0, a));
	assert_int_equal(route_neigh_set(net, AF4, e0, a, m, ROUTE_NUD_PERMANENT, false), 0);
	assert_int_equal(route_neigh_set(net, AF4, e0, a, m, ROUTE_NUD_PERMANENT, false), -EEXIST);
	route_neigh_learn(net, AF4, e0, a, m2);        /* never overrides a permanent entry */
	assert_memory_equal(route_neigh_lookup(net, AF4, e0, a), m, 6);
	assert_int_equal(route_neigh_del(net, AF4, e0, a), 0);
	assert_null(route_neigh_lookup(net, AF4, e0, a));
	route_neigh_learn(net, AF4, e0, a, m2);
	assert_memory_equal(route_neigh_lookup(net, AF4, e0, a), m2, 6);
	usnf_net_destroy(net);
}

/* `ip addr/route/neigh show` print what iproute2 prints for the same state (checked in a netns). */
static void test_ip_show(void **state)
{
	static const char *const setup[] = {
		"ip link set eth0 address 02:00:00:0a:00:01 up",
		"ip -6 addr add fd00:1::1/64 dev eth0",
		"ip -6 addr add fe80::1/64 dev eth0",
		"ip -6 addr add fd00:2::1/64 dev eth0",
		"ip addr add 10.1.0.1/24 dev eth0",
		"ip addr add 10.1.0.2/24 dev eth0",
		"ip addr add 10.2.0.1/16 brd + dev eth0",
		"ip route add 10.0.0.0/24 dev eth0",
		"ip route add 10.0.0.0/8 via 10.1.0.254 metric 5",
		"ip route add default via 10.1.0.253",
		"ip route add blackhole 10.99.0.0/16",
		"ip -6 route add 2001:db8::/32 via fe80::9 dev eth0",
		"ip -6 route add unreachable 2001:db8:bad::/48",
		"ip neigh add 10.1.0.77 lladdr 02:00:00:00:00:4d dev eth0 nud reachable",
		"ip neigh add 10.1.0.78 lladdr 02:00:00:00:00:4e dev eth0 nud noarp",
		"ip -6 neigh add fe80::9 lladdr 02:00:00:00:00:09 dev eth0 nud stale",
		NULL,
	};
	static const char want_addr[] =
		"2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n"
		"    link/ether 02:00:00:0a:00:01 brd ff:ff:ff:ff:ff:ff\n"
		"    inet 10.1.0.1/24 scope global eth0\n"
		"       valid_lft forever preferred_lft forever\n"
		"    inet 10.2.0.1/16 brd 10.2.255.255 scope global eth0\n"
		"       valid_lft forever preferred_lft forever\n"
		"    inet 10.1.0.2/24 scope global secondary eth0\n"
		"       valid_lft forever preferred_lft forever\n"
		"    inet6 fd00:2::1/64 scope global \n"
		"       valid_lft forever preferred_lft forever\n"
		"    inet6 fd00:1::1/64 scope global \n"
		"       valid_lft forever preferred_lft forever\n"
		"    inet6 fe80::1/64 scope link \n"
		"       valid_lft forever preferred_lft forever\n";
	static const char want_route[] =
		"default via 10.1.0.253 dev eth0 \n"
		"10.0.0.0/24 dev eth0 scope link \n"
		"10.0.0.0/8 via 10.1.0.254 dev eth0 metric 5 \n"
		"10.1.0.0/24 dev eth0 proto kernel scope link src 10.1.0.1 \n"
		"10.2.0.0/16 dev eth0 proto kernel scope link src 10.2.0.1 \n"
		"blackhole 10.99.0.0/16 \n";
	static const char want_route6[] =
		"unreachable 2001:db8:bad::/48 dev lo metric 1024 pref medium\n"
		"2001:db8::/32 via fe80::9 dev eth0 metric 1024 pref medium\n"
		"fd00:1::/64 dev eth0 proto kernel metric 256 pref medium\n"
		"fd00:2::/64 dev eth0 proto kernel metric 256 pref medium\n"
		"fe80::/64 dev eth0 proto kernel metric 256 pref medium\n";
	static const char want_neigh[] =
		"10.1.0.77 dev eth0 lladdr 02:00:00:00:00:4d REACHABLE \n"
		"fe80::9 dev eth0 lladdr 02:00:00:00:00:09 STALE \n";
	struct usnf_net *net;
	struct strbuf out = STRBUF_INIT;

	(void)state;
	net = harness_router(NULL, 1, setup, NULL);
	assert_int_equal(harness_cli(net, "ip addr show dev eth0", &out, NULL), 0);
	assert_string_equal(sb_str(&out), want_addr);
	sb_reset(&out);
	assert_int_equal(harness_cli(net, "ip route show", &out, NULL), 0);
	assert_string_equal(sb_str(&out), want_route);
	sb_reset(&out);
	/* ::1 (lo) comes first in the kernel's walk, the default route would be last. */
	assert_int_equal(harness_cli(net, "ip -6 route show", &out, NULL), 0);
	assert_memory_equal(sb_str(&out), "::1 dev lo proto kernel metric 256 pref medium\n", 47);
	assert_string_equal(sb_str(&out) + 47, want_route6);
	sb_reset(&out);
	assert_int_equal(harness_cli(net, "ip neigh show", &out, NULL), 0);
	assert_string_equal(sb_str(&out), want_neigh);
	sb_release(&out);
	usnf_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lpm_v4_random),
		cmocka_unit_test(test_lpm_v6_random),
		cmocka_unit_test(test_addr_routes),
		cmocka_unit_test(test_select_src6),
		cmocka_unit_test(test_neigh),
		cmocka_unit_test(test_ip_show),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
