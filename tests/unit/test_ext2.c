/* test_ext2: evaluation of the ext2 extensions: recent, hashlimit, nfacct, HMARK, bpf, rateest. */
#include <errno.h>
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
#include "xt/ext/nfacct.h"
#include "xt/xt.h"

#define NRULES 4
#define SEC 1000000000ull

struct fixture {
	struct usnf_net *net;
	struct pkt_pool *pool;
	struct xt_rule *rule[NRULES];
	struct strbuf err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->net = calloc(1, sizeof(*f->net));
	assert_int_equal(xt_net_init(f->net), 0);
	assert_int_equal(pkt_pool_create(4, &f->pool), 0);
	f->net->now_ns = 1700000000ull * SEC;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int i;

	for (i = 0; i < NRULES; i++)
		xt_rule_put(f->rule[i]);
	xt_net_exit(f->net);
	sb_release(&f->err);
	pkt_pool_destroy(f->pool);
	free(f->net);
	free(f);
	return 0;
}

/* Rule slot n: "-m name args..." parsed, final-checked and checked as iptables does. */
static void *mk(struct fixture *f, int n, const char *name, const char *const *args)
{
	const struct xt_match_ops *ops = xt_match_find(name, XT_FAMILY_V4);
	struct xt_parse ps = { .family = XT_FAMILY_V4, .table = "filter", .err = &f->err,
			       .hook_mask = 1u << USNF_INET_FORWARD, .net = f->net };

	assert_non_null(ops);
	xt_rule_put(f->rule[n]);
	f->rule[n] = xt_rule_alloc(XT_FAMILY_V4);
	return ext_harness_match(f->rule[n], ops, &ps, args);
}

static const char *saved(struct fixture *f, int n)
{
	static char buf[512];
	struct strbuf sb = STRBUF_INIT;

	f->rule[n]->matches[0].ops->save(f->rule[n]->matches[0].data, f->rule[n], &sb);
	snprintf(buf, sizeof(buf), "%s", sb_str(&sb));
	sb_release(&sb);
	return buf;
}

/* IPv4 UDP packet of len bytes from 10.0.0.src to 10.0.0.2, TTL 64, ports 1234 -> 80. */
static struct pkt *ip4(struct fixture *f, uint8_t src, uint32_t len)
{
	struct pkt *p = pkt_alloc(f->pool);
	uint8_t *h;

	assert_non_null(p);
	p->data = PKT_HEADROOM;
	p->len = len;
	p->net_off = p->data;
	p->trans_off = p->data + 20;
	p->protocol = 0x0800;
	p->l4proto = 17;
	h = p->buf + p->data;
	memset(h, 0, len);
	h[0] = 0x45;
	h[2] = (uint8_t)(len >> 8);
	h[3] = (uint8_t)len;
	h[8] = 64;
	h[9] = 17;
	h[12] = 10, h[15] = src;
	h[16] = 10, h[19] = 2;
	h[20] = 1234 >> 8, h[21] = 1234 & 0xff;
	h[22] = 0, h[23] = 80;
	return p;
}

/* Evaluate rule n's match on p at the INPUT hook; *hotdrop receives the flag if given. */
static bool run2(struct fixture *f, int n, struct pkt *p, bool *hotdrop)
{
	struct usnf_hook_state st = { .hook = USNF_INET_LOCAL_IN, .pf = USNF_NFPROTO_IPV4,
				      .net = f->net };
	struct xt_action par = { .net = f->net, .state = &st, .thoff = p->trans_off,
				 .family = XT_FAMILY_V4 };
	bool r = f->rule[n]->matches[0].ops->match(p, f->rule[n]->matches[0].data, &par);

	if (hotdrop)
		*hotdrop = par.hotdrop;
	return r;
}

static bool run(struct fixture *f, int n, struct pkt *p)
{
	return run2(f, n, p, NULL);
}

/* Target slot n: "-j name args..." as mk() does for matches. */
static void *mk_tg(struct fixture *f, int n, const char *name, const char *const *args)
{
	const struct xt_target_ops *ops = xt_target_find(name, XT_FAMILY_V4);
	struct xt_parse ps = { .family = XT_FAMILY_V4, .table = "mangle", .err = &f->err,
			       .hook_mask = 1u << USNF_INET_LOCAL_OUT, .net = f->net };
	void *data;

	assert_non_null(ops);
	xt_rule_put(f->rule[n]);
	f->rule[n] = xt_rule_alloc(XT_FAMILY_V4);
	ps.rule = f->rule[n];
	data = xt_rule_set_target(f->rule[n], ops);
	assert_non_null(data);
	for (; *args; args++) {
		const struct xt_opt *o;

		for (o = ops->opts; o->name && strcmp(o->name, *args + 2); o++)
			;
		assert_non_null(o->name);
		if (ops->parse(data, o->id, o->arg ? args[1] : NULL, false, &ps))
			return NULL;
		if (o->arg)
			args++;
	}
	if (ops->final_check && ops->final_check(data, &ps))
		return NULL;
	if (ops->check && ops->check(data, &ps))
		return NULL;
	return data;
}

static unsigned int run_tg(struct fixture *f, int n, struct pkt *p)
{
	struct usnf_hook_state st = { .hook = USNF_INET_LOCAL_OUT, .pf = USNF_NFPROTO_IPV4,
				      .net = f->net };
	struct xt_action par = { .net = f->net, .state = &st, .thoff = p->trans_off,
				 .family = XT_FAMILY_V4 };

	return f->rule[n]->target->target(p, f->rule[n]->tdata, &par);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* --set and --rcheck share the list "ssh"; hits counted within --seconds. */
static void test_recent_hitcount(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 28), *b = ip4(f, 9, 28);
	int i;

	assert_non_null(mk(f, 0, "recent", ARGS("--set", "--name", "ssh")));
	assert_non_null(mk(f, 1, "recent", ARGS("--rcheck", "--seconds", "10", "--hitcount", "3",
						"--name", "ssh")));
	assert_string_equal(saved(f, 1), " --rcheck --seconds 10 --hitcount 3 --name ssh "
				       "--mask 255.255.255.255 --rsource");
	assert_false(run(f, 1, a));             /* unknown address */
	for (i = 0; i < 3; i++) {
		assert_false(run(f, 1, a));
		assert_true(run(f, 0, a));      /* --set always matches */
		f->net->now_ns += SEC;
	}
	assert_true(run(f, 1, a));              /* 3 stamps at t=0,1,2, now t=3 */
	assert_false(run(f, 1, b));             /* another source is not in the list */
	f->net->now_ns += 7 * SEC + SEC / 2;    /* t=10.5: the stamp of t=0 is too old */
	assert_false(run(f, 1, a));
	pkt_free(a);
	pkt_free(b);
}

/* --update refreshes only when it matches; --remove drops; ! inverts; --rdest keys on dst. */
static void test_recent_update_remove(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 28);

	assert_non_null(mk(f, 0, "recent", ARGS("--set", "--name", "x")));
	assert_non_null(mk(f, 1, "recent", ARGS("--update", "--seconds", "5", "--name", "x")));
	assert_non_null(mk(f, 2, "recent", ARGS("!", "--remove", "--name", "x")));
	assert_non_null(mk(f, 3, "recent", ARGS("--rcheck", "--name", "x", "--rdest")));
	assert_true(run(f, 2, a));              /* not listed: inverted remove matches */
	assert_true(run(f, 0, a));
	assert_false(run(f, 3, a));             /* 10.0.0.2 was never set */
	f->net->now_ns += 4 * SEC;
	assert_true(run(f, 1, a));              /* seen 4 s ago, stamp refreshed */
	f->net->now_ns += 4 * SEC;
	assert_true(run(f, 1, a));              /* 4 s after the update */
	f->net->now_ns += 6 * SEC;
	assert_false(run(f, 1, a));             /* too old: no refresh */
	assert_false(run(f, 2, a));             /* removed (inverted: no match) */
	assert_true(run(f, 2, a));              /* gone now */
	pkt_free(a);
}

/* --rttl: the TTL stored by --set must be the packet's. */
static void test_recent_ttl(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 28);

	assert_non_null(mk(f, 0, "recent", ARGS("--set")));
	assert_non_null(mk(f, 1, "recent", ARGS("--rcheck", "--rttl")));
	assert_null(mk(f, 2, "recent", ARGS("--set", "--seconds", "1")));       /* kernel: EINVAL */
	assert_true(run(f, 0, a));
	assert_true(run(f, 1, a));
	a->buf[a->data + 8] = 63;
	assert_false(run(f, 1, a));
	pkt_free(a);
}

/* Per-source buckets: 2/sec burst 3; the second source has its own bucket. */
static void test_hashlimit_srcip(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 28), *b = ip4(f, 9, 28);
	int i;

	assert_non_null(mk(f, 0, "hashlimit", ARGS("--hashlimit-upto", "2/sec", "--hashlimit-burst",
						   "3", "--hashlimit-mode", "srcip",
						   "--hashlimit-name", "t")));
	assert_string_equal(saved(f, 0), " --hashlimit-upto 2/sec --hashlimit-burst 3 "
				       "--hashlimit-mode srcip --hashlimit-name t");
	for (i = 0; i < 3; i++)
		assert_true(run(f, 0, a));
	assert_false(run(f, 0, a));
	assert_true(run(f, 0, b));
	f->net->now_ns += SEC / 2 - 1000000;    /* 499 ms: not yet one token */
	assert_false(run(f, 0, a));
	f->net->now_ns += 1000000;
	assert_true(run(f, 0, a));
	assert_false(run(f, 0, a));
	f->net->now_ns += 3600 * SEC;           /* refills to the burst only */
	for (i = 0; i < 3; i++)
		assert_true(run(f, 0, a));
	assert_false(run(f, 0, a));
	pkt_free(a);
	pkt_free(b);
}

/* Two rules naming one table share its buckets; --hashlimit-above inverts. */
static void test_hashlimit_shared_above(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 28);

	assert_non_null(mk(f, 0, "hashlimit", ARGS("--hashlimit-above", "1/min", "--hashlimit-burst",
						   "2", "--hashlimit-name", "s")));
	assert_non_null(mk(f, 1, "hashlimit", ARGS("--hashlimit-above", "1/min", "--hashlimit-burst",
						   "2", "--hashlimit-name", "s")));
	assert_false(run(f, 0, a));
	assert_false(run(f, 1, a));
	assert_true(run(f, 0, a));              /* above the rate */
	assert_true(run(f, 1, a));
	pkt_free(a);
}

/* A full table (--hashlimit-htable-max) drops new flows: hotdrop. */
static void test_hashlimit_max(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 28), *b = ip4(f, 9, 28);
	bool hot = false;

	assert_non_null(mk(f, 0, "hashlimit", ARGS("--hashlimit-upto", "1/sec", "--hashlimit-mode",
						   "srcip", "--hashlimit-name", "m",
						   "--hashlimit-htable-size", "1",
						   "--hashlimit-htable-max", "1")));
	assert_true(run2(f, 0, a, &hot));
	assert_false(hot);
	assert_false(run2(f, 0, b, &hot));
	assert_true(hot);
	f->net->now_ns += 3 * SEC;              /* a's entry expires (1000 ms) and is collected */
	assert_true(run2(f, 0, b, &hot));
	assert_false(hot);
	pkt_free(a);
	pkt_free(b);
}

/* --hashlimit-rate-match: counts per interval, judged against the previous window. */
static void test_hashlimit_rate_match(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 28);
	int i;

	assert_non_null(mk(f, 0, "hashlimit", ARGS("--hashlimit-upto", "2/sec", "--hashlimit-name",
						   "r", "--hashlimit-rate-match",
						   "--hashlimit-htable-expire", "10000")));
	for (i = 0; i < 7; i++)                 /* burst 5 + rate 2 */
		assert_true(run(f, 0, a));
	assert_false(run(f, 0, a));
	/* (with the default expiry of 1000 ms the entry would be collected by now) */
	f->net->now_ns += SEC;                  /* the last window was over the rate */
	assert_false(run(f, 0, a));
	f->net->now_ns += SEC;                  /* one packet in that window: under */
	assert_true(run(f, 0, a));
	pkt_free(a);
}

/* The kernel refuses a rate whose bucket overflows: 1/day with burst 5 (ERANGE). */
static void test_hashlimit_overflow(void **state)
{
	struct fixture *f = *state;

	assert_non_null(mk(f, 0, "hashlimit", ARGS("--hashlimit-upto", "1/day", "--hashlimit-burst",
						   "1", "--hashlimit-name", "o")));
	assert_null(mk(f, 1, "hashlimit", ARGS("--hashlimit-upto", "1/day", "--hashlimit-burst",
						"5", "--hashlimit-name", "o")));
}

/* nfacct: the object must exist; without a quota every packet matches and counts. */
static void test_nfacct(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 100);
	struct nfacct_obj *o;

	assert_null(mk(f, 0, "nfacct", ARGS("--nfacct-name", "web")));
	assert_int_equal(nfacct_obj_add(f->net, "web"), 0);
	assert_int_equal(nfacct_obj_add(f->net, "web"), -EEXIST);
	assert_non_null(mk(f, 0, "nfacct", ARGS("--nfacct-name", "web")));
	assert_true(run(f, 0, a));
	assert_true(run(f, 0, a));
	o = nfacct_obj_find(f->net, "web");
	assert_non_null(o);
	assert_int_equal(o->pkts, 2);
	assert_int_equal(o->bytes, 200);
	pkt_free(a);
}

/* HMARK gives the marks the kernel gave (6.18, netns) for 127.0.0.1:5555 -> 127.0.0.2. */
static void test_hmark_kernel_values(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 29);
	uint8_t *h = a->buf + a->data;

	h[12] = 127, h[13] = 0, h[14] = 0, h[15] = 1;
	h[16] = 127, h[17] = 0, h[18] = 0, h[19] = 2;
	h[20] = 5555 >> 8, h[21] = 5555 & 0xff;
	h[22] = 9999 >> 8, h[23] = 9999 & 0xff;
	assert_non_null(mk_tg(f, 0, "HMARK", ARGS("--hmark-tuple", "src,dst,sport,dport,proto",
						  "--hmark-rnd", "0x12345678", "--hmark-mod",
						  "1000000", "--hmark-offset", "7")));
	assert_int_equal(run_tg(f, 0, a), XT_CONTINUE);
	assert_int_equal(a->mark, 589616);
	assert_non_null(mk_tg(f, 1, "HMARK", ARGS("--hmark-tuple", "src", "--hmark-rnd",
						  "0x12345678", "--hmark-mod", "1000000")));
	run_tg(f, 1, a);
	assert_int_equal(a->mark, 293358);
	pkt_free(a);
}

/* bpf: "ip protocol == tcp" over the network header. */
static void test_bpf_tcp(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 40);

	assert_non_null(mk(f, 0, "bpf", ARGS("--bytecode", "4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0")));
	assert_false(run(f, 0, a));             /* UDP */
	a->buf[a->data + 9] = 6;
	assert_true(run(f, 0, a));
	assert_null(mk(f, 1, "bpf", ARGS("--bytecode", "1,48 0 0 9")));    /* no RET: EINVAL */
	assert_null(mk(f, 1, "bpf", ARGS("--bytecode", "2,96 0 0 1,6 0 0 0")));   /* M[1] unset */
	assert_non_null(mk(f, 1, "bpf", ARGS("--bytecode", "2,32 0 0 100,6 0 0 1")));
	assert_false(run(f, 1, a));             /* a load past the end returns 0 */
	pkt_free(a);
}

/* RATEEST feeds RE1; rateest sees the EWMA after the first 250 ms tick. */
static void test_rateest(void **state)
{
	struct fixture *f = *state;
	struct pkt *a = ip4(f, 1, 100);
	int i;

	assert_null(mk(f, 1, "rateest", ARGS("--rateest", "RE1", "--rateest-gt", "--rateest-pps",
					     "150")));  /* no estimator yet: ENOENT */
	assert_non_null(mk_tg(f, 0, "RATEEST", ARGS("--rateest-name", "RE1", "--rateest-interval",
						    "250.0ms", "--rateest-ewmalog", "500.0ms")));
	assert_non_null(mk(f, 1, "rateest", ARGS("--rateest", "RE1", "--rateest-gt", "--rateest-pps",
						 "150")));
	assert_non_null(mk(f, 2, "rateest", ARGS("--rateest", "RE1", "--rateest-eq", "--rateest-bps",
						 "160000bit")));
	for (i = 0; i < 100; i++)
		run_tg(f, 0, a);
	assert_false(run(f, 1, a));             /* no tick yet: rate 0 */
	f->net->now_ns += SEC / 4;
	assert_true(run(f, 1, a));              /* 100 pkts / 0.25 s, weight 1/2: 200 pps */
	assert_true(run(f, 2, a));              /* 10000 B / 0.25 s, weight 1/2: 20000 B/s */
	pkt_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recent_hitcount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recent_update_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recent_ttl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hashlimit_srcip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hashlimit_shared_above, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hashlimit_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hashlimit_rate_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hashlimit_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nfacct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hmark_kernel_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bpf_tcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rateest, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
