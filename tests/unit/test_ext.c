/* test_ext: evaluation of the stateful and complex match extensions on synthetic packets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ext_harness.h"

#include "stack/net.h"
#include "xt/xt.h"

struct fixture {
	struct usnf_net *net;
	struct pkt_pool *pool;
	struct xt_rule *rule;
	struct strbuf err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->net = calloc(1, sizeof(*f->net));
	assert_int_equal(pkt_pool_create(4, &f->pool), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	xt_rule_put(f->rule);
	sb_release(&f->err);
	pkt_pool_destroy(f->pool);
	free(f->net);
	free(f);
	return 0;
}

/*
 * Build "-m name args..." on a fresh rule of fam (with -p proto) the way the
 * iptables front end does: parse every option, then final_check and check.
 * Returns the match data, or NULL with the message in f->err.
 */
static void *mk_match(struct fixture *f, enum xt_family fam, uint16_t proto, const char *name,
		      const char *const *args)
{
	const struct xt_match_ops *ops = xt_match_find(name, fam);
	struct xt_parse ps = { .family = fam, .table = "filter", .err = &f->err,
			       .hook_mask = 1u << USNF_INET_FORWARD };

	assert_non_null(ops);
	xt_rule_put(f->rule);
	f->rule = xt_rule_alloc(fam);
	f->rule->ip.proto = proto;
	if (proto && fam == XT_FAMILY_V6)
		f->rule->ip.flags |= XT_F_PROTO;
	return ext_harness_match(f->rule, ops, &ps, args);
}

static const char *saved(struct fixture *f, const void *data)
{
	static char buf[512];
	struct strbuf sb = STRBUF_INIT;

	f->rule->matches[0].ops->save(data, f->rule, &sb);
	snprintf(buf, sizeof(buf), "%s", sb_str(&sb));
	sb_release(&sb);
	return buf;
}

/* IPv4 packet of len bytes, protocol proto, 10.0.0.1 -> 10.0.0.2, L4 ports 1234 -> 80. */
static struct pkt *ip4(struct fixture *f, uint8_t proto, uint32_t len)
{
	struct pkt *p = pkt_alloc(f->pool);
	uint8_t *h;

	assert_non_null(p);
	p->data = PKT_HEADROOM;
	p->len = len;
	p->net_off = p->data;
	p->trans_off = p->data + 20;
	p->protocol = 0x0800;
	p->l4proto = proto;
	h = p->buf + p->data;
	memset(h, 0, len);
	h[0] = 0x45;
	h[2] = (uint8_t)(len >> 8);
	h[3] = (uint8_t)len;
	h[8] = 64;
	h[9] = proto;
	h[12] = 10, h[15] = 1;
	h[16] = 10, h[19] = 2;
	h[20] = 1234 >> 8, h[21] = 1234 & 0xff;
	h[22] = 0, h[23] = 80;
	return p;
}

static bool run(struct fixture *f, struct pkt *p, void *data)
{
	struct usnf_hook_state st = { .hook = USNF_INET_FORWARD, .pf = USNF_NFPROTO_IPV4,
				      .net = f->net };
	struct xt_action par = { .net = f->net, .state = &st, .thoff = p->trans_off,
				 .family = XT_FAMILY_V4 };

	return f->rule->matches[0].ops->match(p, data, &par);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* nft_limit: 2/sec with burst 3 -> cost 0.5 s, bucket 1.5 s, full at start. */
static void test_limit(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = ip4(f, 17, 28);
	void *d = mk_match(f, XT_FAMILY_V4, 0, "limit", ARGS("--limit", "2/sec", "--limit-burst", "3"));
	int i;

	assert_non_null(d);
	assert_string_equal(saved(f, d), " --limit 2/sec --limit-burst 3");
	f->net->now_ns = 1700000000ull * 1000000000ull;
	for (i = 0; i < 3; i++)
		assert_true(run(f, p, d));
	assert_false(run(f, p, d));
	f->net->now_ns += 499999999;            /* not quite one token yet */
	assert_false(run(f, p, d));
	f->net->now_ns += 1;
	assert_true(run(f, p, d));
	assert_false(run(f, p, d));
	f->net->now_ns += 3600ull * 1000000000ull;      /* refills to the burst only */
	for (i = 0; i < 3; i++)
		assert_true(run(f, p, d));
	assert_false(run(f, p, d));
	pkt_free(p);
}

static void test_limit_print(void **state)
{
	struct fixture *f = *state;
	void *d = mk_match(f, XT_FAMILY_V4, 0, "limit", ARGS("--limit", "1000/day"));

	assert_string_equal(saved(f, d), " --limit 1000/day");
	d = mk_match(f, XT_FAMILY_V4, 0, "limit", ARGS("--limit-burst", "7"));
	assert_string_equal(saved(f, d), " --limit 3/hour --limit-burst 7");
	assert_null(mk_match(f, XT_FAMILY_V4, 0, "limit", ARGS("--limit", "20000/sec")));
	assert_string_equal(sb_str(&f->err), "Rate too fast \"20000/sec\"");
}

static void test_u32(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = ip4(f, 6, 40);
	void *d;

	/* protocol byte == 6 */
	d = mk_match(f, XT_FAMILY_V4, 0, "u32", ARGS("--u32", "6&0xFF=6"));
	assert_true(run(f, p, d));
	d = mk_match(f, XT_FAMILY_V4, 0, "u32", ARGS("--u32", "6&0xFF=1:5,7"));
	assert_false(run(f, p, d));
	/* destination port through the IHL: skip the IP header with @ */
	d = mk_match(f, XT_FAMILY_V4, 0, "u32", ARGS("--u32", "0>>22&0x3C@0&0xFFFF=80"));
	assert_true(run(f, p, d));
	assert_string_equal(saved(f, d), " --u32 \"0x0>>0x16&0x3c@0x0&0xffff=0x50\"");
	d = mk_match(f, XT_FAMILY_V4, 0, "u32",
		     ARGS("!", "--u32", "0>>22&0x3C@0>>16=1234 && 8>>24=64"));
	assert_false(run(f, p, d));
	/* a word past the end never matches */
	d = mk_match(f, XT_FAMILY_V4, 0, "u32", ARGS("--u32", "37=0:0xffffffff"));
	assert_false(run(f, p, d));
	d = mk_match(f, XT_FAMILY_V4, 0, "u32", ARGS("--u32", "36=0"));
	assert_true(run(f, p, d));
	assert_null(mk_match(f, XT_FAMILY_V4, 0, "u32", ARGS("--u32", "0=1=2")));
	assert_string_equal(sb_str(&f->err), "u32: at char 3: expected \",\" or \"&&\"");
	pkt_free(p);
}

static void put_payload(struct pkt *p, uint32_t off, const char *s)
{
	memcpy(p->buf + p->net_off + off, s, strlen(s));
}

static void test_string(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = ip4(f, 17, 100);
	static const char *const algos[] = { "bm", "kmp" };
	void *d;
	int i;

	put_payload(p, 40, "xxGET /forbidden HTTP");
	for (i = 0; i < 2; i++) {
		d = mk_match(f, XT_FAMILY_V4, 0, "string", ARGS("--algo", algos[i], "--string", "forbidden"));
		assert_true(run(f, p, d));
		d = mk_match(f, XT_FAMILY_V4, 0, "string", ARGS("--algo", algos[i], "--string", "FORBIDDEN"));
		assert_false(run(f, p, d));
		d = mk_match(f, XT_FAMILY_V4, 0, "string",
			     ARGS("--algo", algos[i], "--string", "FORBIDDEN", "--icase"));
		assert_true(run(f, p, d));
		/* "forbidden" spans bytes 47..55: --to 56 is enough, 55 is not */
		d = mk_match(f, XT_FAMILY_V4, 0, "string",
			     ARGS("--algo", algos[i], "--string", "forbidden", "--to", "56"));
		assert_true(run(f, p, d));
		d = mk_match(f, XT_FAMILY_V4, 0, "string",
			     ARGS("--algo", algos[i], "--string", "forbidden", "--to", "55"));
		assert_false(run(f, p, d));
		d = mk_match(f, XT_FAMILY_V4, 0, "string",
			     ARGS("--algo", algos[i], "--string", "forbidden", "--from", "48"));
		assert_false(run(f, p, d));
		d = mk_match(f, XT_FAMILY_V4, 0, "string",
			     ARGS("--algo", algos[i], "--hex-string", "|20|/f|6f72|"));
		assert_true(run(f, p, d));
		d = mk_match(f, XT_FAMILY_V4, 0, "string",
			     ARGS("--algo", algos[i], "!", "--string", "ababc"));
		assert_true(run(f, p, d));
	}
	put_payload(p, 60, "abababcab");
	d = mk_match(f, XT_FAMILY_V4, 0, "string", ARGS("--algo", "bm", "--string", "ababc"));
	assert_true(run(f, p, d));
	d = mk_match(f, XT_FAMILY_V4, 0, "string", ARGS("--algo", "kmp", "--string", "ababc"));
	assert_true(run(f, p, d));
	assert_string_equal(saved(f, d), " --string \"ababc\" --algo kmp");
	d = mk_match(f, XT_FAMILY_V4, 0, "string", ARGS("--algo", "bm", "--hex-string", "a|0001|"));
	assert_string_equal(saved(f, d), " --hex-string \"|610001|\" --algo bm");
	pkt_free(p);
}

static void test_statistic_nth(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = ip4(f, 17, 28);
	void *d = mk_match(f, XT_FAMILY_V4, 0, "statistic",
			   ARGS("--mode", "nth", "--every", "3", "--packet", "1"));
	static const bool want[] = { false, true, false, false, true, false, false, true };
	size_t i;

	assert_non_null(d);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(run(f, p, d), want[i]);
	d = mk_match(f, XT_FAMILY_V4, 0, "statistic",
		     ARGS("--mode", "nth", "!", "--every", "2", "--packet", "0"));
	assert_false(run(f, p, d));
	assert_true(run(f, p, d));
	assert_false(run(f, p, d));
	assert_null(mk_match(f, XT_FAMILY_V4, 0, "statistic", ARGS("--mode", "nth", "--every", "5")));
	assert_string_equal(sb_str(&f->err), "statistic: option \"--every\" also requires \"--packet\".\n");
	pkt_free(p);
}

static void test_statistic_random(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = ip4(f, 17, 28);
	void *d = mk_match(f, XT_FAMILY_V4, 0, "statistic",
			   ARGS("--mode", "random", "--probability", "0.25"));
	int i, hits = 0;

	for (i = 0; i < 4000; i++)
		hits += run(f, p, d);
	assert_in_range(hits, 850, 1150);
	assert_string_equal(saved(f, d), " --mode random --probability 0.25000000000");
	pkt_free(p);
}

static void test_quota(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = ip4(f, 17, 40);
	void *d = mk_match(f, XT_FAMILY_V4, 0, "quota", ARGS("--quota", "100"));

	assert_true(run(f, p, d));
	assert_true(run(f, p, d));
	assert_false(run(f, p, d));     /* 20 left: spent to 0 */
	assert_false(run(f, p, d));
	d = mk_match(f, XT_FAMILY_V4, 0, "quota", ARGS("!", "--quota", "40"));
	assert_false(run(f, p, d));
	assert_true(run(f, p, d));
	assert_string_equal(saved(f, d), " ! --quota 40");
	pkt_free(p);
}

#define DAY 86400ull
#define NS 1000000000ull

static bool run_at(struct fixture *f, struct pkt *p, void *d, uint64_t secs)
{
	p->tstamp_ns = secs * NS;
	return run(f, p, d);
}

static void test_time(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = ip4(f, 17, 28);
	/* 2023-11-14 is a Tuesday; 1699920000 is its midnight UTC. */
	uint64_t tue = 1699920000ull;
	void *d;

	d = mk_match(f, XT_FAMILY_V4, 0, "time", ARGS("--timestart", "08:00", "--timestop", "17:00"));
	assert_true(run_at(f, p, d, tue + 8 * 3600));
	assert_true(run_at(f, p, d, tue + 17 * 3600));
	assert_false(run_at(f, p, d, tue + 17 * 3600 + 1));
	assert_false(run_at(f, p, d, tue + 7 * 3600));
	d = mk_match(f, XT_FAMILY_V4, 0, "time", ARGS("--weekdays", "Tue,Sun"));
	assert_true(run_at(f, p, d, tue + 5));
	assert_false(run_at(f, p, d, tue + DAY + 5));
	assert_true(run_at(f, p, d, tue + 5 * DAY + 5));
	d = mk_match(f, XT_FAMILY_V4, 0, "time", ARGS("--monthdays", "14,15"));
	assert_true(run_at(f, p, d, tue + 100));
	assert_true(run_at(f, p, d, tue + DAY + 100));
	assert_false(run_at(f, p, d, tue + 2 * DAY + 100));
	/* 22:00-02:00 on Tuesdays: with --contiguous, Wednesday 01:00 still counts. */
	d = mk_match(f, XT_FAMILY_V4, 0, "time",
		     ARGS("--timestart", "22:00", "--timestop", "02:00", "--weekdays", "Tue"));
	assert_true(run_at(f, p, d, tue + 23 * 3600));
	assert_false(run_at(f, p, d, tue + DAY + 3600));
	assert_true(run_at(f, p, d, tue + 3600));
	d = mk_match(f, XT_FAMILY_V4, 0, "time",
		     ARGS("--timestart", "22:00", "--timestop", "02:00", "--weekdays", "Tue",
			  "--contiguous"));
	assert_true(run_at(f, p, d, tue + DAY + 3600));
	assert_false(run_at(f, p, d, tue + 3600));
	d = mk_match(f, XT_FAMILY_V4, 0, "time",
		     ARGS("--datestart", "2023-11-14T10:00:00", "--datestop", "2023-11-15"));
	assert_false(run_at(f, p, d, tue + 9 * 3600));
	assert_true(run_at(f, p, d, tue + DAY));
	assert_false(run_at(f, p, d, tue + DAY + 1));
	assert_string_equal(saved(f, d),
			    " --datestart 2023-11-14T10:00:00 --datestop 2023-11-15T00:00:00");
	pkt_free(p);
}

static void test_multiport(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = ip4(f, 6, 40);
	void *d;

	d = mk_match(f, XT_FAMILY_V4, 6, "multiport", ARGS("--dports", "22,79:81"));
	assert_true(run(f, p, d));
	d = mk_match(f, XT_FAMILY_V4, 6, "multiport", ARGS("!", "--ports", "1234"));
	assert_false(run(f, p, d));
	d = mk_match(f, XT_FAMILY_V4, 6, "multiport", ARGS("--sports", "1:1233,1235:65535"));
	assert_false(run(f, p, d));
	assert_null(mk_match(f, XT_FAMILY_V4, 0, "multiport", ARGS("--dports", "22")));
	pkt_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_print, setup, teardown),
		cmocka_unit_test_setup_teardown(test_u32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_string, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statistic_nth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statistic_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quota, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multiport, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
