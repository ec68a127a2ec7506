/*
 * test_nat: the port/ICMP-id allocator (nf_nat_l4proto_unique_tuple) against a
 * naive reference that lists the candidates the kernel visits and takes the
 * first free one, on random ranges, occupancy and offsets; and SNAT end to end
 * through a router (unique mappings, valid checksums, exhaustion counted).
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
#include "nat/nat.h"
#include "pkt/csum.h"

#include "engine_harness.h"

/* ---- allocator vs reference ---- */

struct occ {
	uint8_t taken[65536];
	uint16_t offs[64];
	unsigned int noffs, next;
	enum nat_manip m;
};

static bool occ_used(const struct ct_tuple *t, void *ctx)
{
	struct occ *o = ctx;
	bool icmp = t->proto == 1;

	return o->taken[icmp || o->m == NAT_MANIP_SRC ? t->sport : t->dport];
}

static uint16_t occ_rnd(void *ctx)
{
	struct occ *o = ctx;

	assert_true(o->next < o->noffs);
	return o->offs[o->next++];
}

static uint32_t xs = 2463534242u;
static uint32_t rnd32(void)
{
	xs ^= xs << 13;
	xs ^= xs >> 17;
	xs ^= xs << 5;
	return xs;
}

/*
 * The reference: every candidate in visiting order (windows of min(size, 128)
 * from a random offset, halved after each miss while at least 16), then a scan.
 * Returns the port chosen or -1; *rounds offsets are consumed.
 */
static int ref_alloc(const struct occ *o, unsigned int min, unsigned int size, bool random_start,
		     uint16_t first_off, unsigned int *rounds)
{
	static uint32_t cand[65536 * 2];
	static uint8_t round_of[65536 * 2];
	unsigned int n = 0, att = size < 128 ? size : 128, r = 0;
	uint16_t off = random_start ? o->offs[r++] : first_off;

	for (;;) {
		for (unsigned int i = 0; i < att; i++) {
			round_of[n] = (uint8_t)r;
			cand[n++] = min + (uint16_t)(off + i) % size;
		}
		if (att >= size || att < 16)
			break;
		att /= 2;
		off = o->offs[r++];
	}
	*rounds = r;
	for (unsigned int i = 0; i < n; i++)
		if (!o->taken[cand[i] & 0xffff]) {
			*rounds = round_of[i];
			return (int)cand[i];
		}
	return -1;
}

static void one_case(struct occ *o, bool icmp, bool specified, enum nat_manip m)
{
	struct nat_range r = { 0 };
	struct ct_tuple t = { .l3 = USNF_NFPROTO_IPV4, .proto = icmp ? 1 : 17 };
	unsigned int min, size, rounds;
	uint16_t orig = (uint16_t)rnd32();
	double fill = (rnd32() % 1000) / 1000.0;
	bool ok;
	int want;

	memset(o->taken, 0, sizeof(o->taken));
	o->m = m;
	o->noffs = 64;
	o->next = 0;
	for (unsigned int i = 0; i < o->noffs; i++)
		o->offs[i] = (uint16_t)rnd32();
	if (specified) {
		unsigned int a = rnd32() % 65536, span = rnd32() % 3 ? rnd32() % 300 : rnd32() % 4000;

		r.flags = NAT_RANGE_PROTO_SPECIFIED;
		r.min_proto = (uint16_t)a;
		r.max_proto = (uint16_t)(a + span > 65535 ? 65535 : a + span);
		min = r.min_proto;
		size = (unsigned int)(r.max_proto - r.min_proto) + 1;
	} else if (icmp) {
		min = 0;
		size = 65536;
	} else if (orig < 1024) {
		min = orig < 512 ? 1 : 600;
		size = orig < 512 ? 511 : 424;
	} else {
		min = 1024;
		size = 64512;
	}
	/* Occupy a random share of the range (sometimes all of it). */
	for (unsigned int i = 0; i < size; i++)
		if (rnd32() % 1000 < fill * 1000 || fill > 0.98)
			o->taken[(min + i) & 0xffff] = 1;
	if (icmp)
		t.sport = orig;
	else if (m == NAT_MANIP_SRC)
		t.sport = orig;
	else
		t.dport = orig;
	ok = nat_unique_tuple(&t, &r, m, occ_used, o, occ_rnd);
	if (!icmp && !specified && m == NAT_MANIP_DST) {
		/* A destination port is never moved without a range. */
		assert_int_equal(t.dport, orig);
		assert_int_equal(ok, !o->taken[orig]);
		return;
	}
	want = ref_alloc(o, min, size, m == NAT_MANIP_SRC, 0, &rounds);
	if (want < 0) {
		assert_false(ok);
	} else {
		uint16_t got = icmp || m == NAT_MANIP_SRC ? t.sport : t.dport;

		assert_true(ok);
		assert_int_equal(got, want);
		assert_true(got >= min && got < min + size);
		assert_false(o->taken[got]);
	}
	assert_int_equal(o->next, rounds);
	/* Small ranges are searched whole: a free port is always found. */
	if (size <= 128) {
		bool any = false;

		for (unsigned int i = 0; i < size; i++)
			any |= !o->taken[(min + i) & 0xffff];
		assert_int_equal(ok, any);
	}
}

static void test_alloc_vs_reference(void **state)
{
	static struct occ o;

	(void)state;
	for (unsigned int i = 0; i < 3000; i++)
		one_case(&o, rnd32() % 4 == 0, rnd32() % 4 != 0,
			 rnd32() % 3 ? NAT_MANIP_SRC : NAT_MANIP_DST);
}

/* The offset of DNAT to a port range (--to-destination a:p-q/base): port - base. */
static void test_alloc_offset(void **state)
{
	static struct occ o;
	struct nat_range r = { .flags = NAT_RANGE_PROTO_SPECIFIED | NAT_RANGE_PROTO_OFFSET,
			       .min_proto = 8000, .max_proto = 8009, .base_proto = 1000 };
	struct ct_tuple t = { .l3 = USNF_NFPROTO_IPV4, .proto = 6, .dport = 1003 };

	(void)state;
	memset(&o, 0, sizeof(o));
	o.m = NAT_MANIP_DST;
	assert_true(nat_unique_tuple(&t, &r, NAT_MANIP_DST, occ_used, &o, occ_rnd));
	assert_int_equal(t.dport, 8003);
	o.taken[8003] = 1;
	t.dport = 1003;
	assert_true(nat_unique_tuple(&t, &r, NAT_MANIP_DST, occ_used, &o, occ_rnd));
	assert_int_equal(t.dport, 8004);
}

/* ---- SNAT end to end ---- */

/* A UDP frame from 10.0.0.h:sport to 203.0.113.9:53 with a valid (or zero) checksum. */
static uint32_t udp_frame(uint8_t *f, unsigned int h, uint16_t sport, bool zero_csum)
{
	static const uint8_t rmac[6] = { 2, 0, 0, 0, 0, 1 }, hmac[6] = { 2, 1, 0, 0, 0, 10 };
	uint8_t *ip = f + 14, *u = ip + 20;
	uint32_t s = htonl(0x0a000000u | h), d = htonl(0xcb007109u);
	uint16_t c;

	memset(f, 0, 14 + 20 + 12);
	memcpy(f, rmac, 6);
	memcpy(f + 6, hmac, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 32;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	c = ip_fast_csum(ip, 5);
	memcpy(ip + 10, &c, 2);
	u[0] = (uint8_t)(sport >> 8);
	u[1] = (uint8_t)sport;
	u[3] = 53;
	u[5] = 12;
	memcpy(u + 8, "abcd", 4);
	if (!zero_csum) {
		c = csum_fold(csum_partial(u, 12, csum_pseudo4(s, d, 17, 12)));
		if (!c)
			c = 0xffff;
		memcpy(u + 6, &c, 2);
	}
	return 14 + 32;
}

static void test_snat_e2e(void **state)
{
	static const char *const setup[] = {
		"ip link set eth0 address 02:00:00:00:00:01 up",
		"ip link set eth1 address 02:00:00:00:00:02 up",
		"ip addr add 10.0.0.1/24 dev eth0",
		"ip addr add 192.0.2.1/24 dev eth1",
		"ip route add default via 192.0.2.254",
		"ip neigh add 192.0.2.254 lladdr 02:01:00:00:01:fe dev eth1 nud permanent",
		"sysctl -w net.ipv4.ip_forward=1",
		"iptables -t nat -A POSTROUTING -o eth1 -p udp -j SNAT --to-source 192.0.2.7:40000-40015",
		NULL,
	};
	static struct harness_cap cap;
	struct usnf_net *net = NULL;
	struct strbuf out = STRBUF_INIT;
	uint8_t f[128], seen[16] = { 0 };
	int ifindex[2];

	(void)state;
	net = harness_router(ifindex, 2, setup, &cap);
	nat_set_deterministic(net, true);
	/* 17 hosts, same source port: 16 mappings fit, the 17th finds none. */
	for (unsigned int h = 0; h < 17; h++) {
		uint32_t len = udp_frame(f, 10 + h, 40003, h % 3 == 0);

		usnf_net_set_clock(net, (uint64_t)(h + 1) * 1000000);
		usnf_net_rx(net, ifindex[0], f, len);
	}
	assert_int_equal(cap.n, 16);
	for (unsigned int i = 0; i < cap.n; i++) {
		const uint8_t *ip = cap.frame[i] + 14, *u = ip + 20;
		uint16_t port = (uint16_t)(u[0] << 8 | u[1]);
		uint32_t s, d;

		assert_memory_equal(ip + 12, "\xc0\x00\x02\x07", 4);
		assert_int_equal(ip_fast_csum(ip, 5), 0);
		assert_true(port >= 40000 && port <= 40015);
		assert_false(seen[port - 40000]);
		seen[port - 40000] = 1;
		if (i == 0)
			assert_int_equal(port, 40003);  /* the original port is kept when free */
		memcpy(&s, ip + 12, 4);
		memcpy(&d, ip + 16, 4);
		if (i % 3 == 0)
			assert_int_equal(u[6] | u[7], 0);       /* a zero checksum stays zero */
		else
			assert_int_equal(csum_fold(csum_partial(u, 12, csum_pseudo4(s, d, 17, 12))),
					 0);
	}
	assert_int_equal(harness_cli(net, "conntrack -C", &out, NULL), 0);
	assert_string_equal(sb_str(&out), "16\n");
	sb_reset(&out);
	nat_stats_format(net, &out);
	assert_non_null(strstr(sb_str(&out), "192.0.2.7"));
	assert_non_null(strstr(sb_str(&out), "      16       17       16        1\n"));
	/* Per destination: every flow went to the same server and port. */
	assert_non_null(strstr(sb_str(&out), "udp      203.0.113.9:53 "));
	assert_int_equal(usnf_net_drop_count(net, PKT_DROP_NAT_NO_FREE_TUPLE), 1);
	sb_release(&out);
	usnf_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_vs_reference),
		cmocka_unit_test(test_alloc_offset),
		cmocka_unit_test(test_snat_e2e),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
