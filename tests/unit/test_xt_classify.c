/* test_xt_classify: compiled chains (xt_cls) against the linear scan on random rule sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "hook/hook_core.h"
#include "route/route.h"
#include "stack/net.h"
#include "util/strbuf.h"
#include "xt/xt.h"

#include "engine_harness.h"

/* Two identical instances: one walked with the classifiers, one with the scan. */
struct fixture {
	struct usnf_net *net[2];
	struct pkt_pool *pool;
	uint64_t rng;
	unsigned int matched, hotdrops, classified;
};

static uint64_t rnd(struct fixture *f)
{
	/* xorshift64*: deterministic, seeded per test */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 2685821657736338717ull;
}

static unsigned int pick(struct fixture *f, unsigned int n)
{
	return (unsigned int)(rnd(f) >> 33) % n;
}

static bool chance(struct fixture *f, unsigned int pct)
{
	return pick(f, 100) < pct;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *seed = getenv("USNF_SEED");
	int i;

	for (i = 0; i < 2; i++) {
		f->net[i] = calloc(1, sizeof(*f->net[i]));
		assert_int_equal(hook_net_init(f->net[i]), 0);
		assert_int_equal(xt_net_init(f->net[i]), 0);
	}
	assert_int_equal(pkt_pool_create(8, &f->pool), 0);
	f->rng = seed ? strtoull(seed, NULL, 0) : 0x9e3779b97f4a7c15ull;
	if (!f->rng)
		f->rng = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int i;

	for (i = 0; i < 2; i++) {
		xt_net_exit(f->net[i]);
		hook_net_exit(f->net[i]);
		free(f->net[i]);
	}
	pkt_pool_destroy(f->pool);
	free(f);
	return 0;
}

/* Load the same ruleset into both instances. */
static void restore(struct fixture *f, bool v6, const struct strbuf *text)
{
	char *argv[] = { v6 ? "ip6tables-restore" : "iptables-restore", NULL };
	int i;

	for (i = 0; i < 2; i++) {
		struct cli_ctx ctx = { .net = f->net[i], .out = STRBUF_INIT, .err = STRBUF_INIT,
				       .input = sb_str(text), .input_len = text->len };
		int rc = cli_run(&ctx, 1, argv);

		if (rc)
			fprintf(stderr, "restore failed: %s\n%s", sb_str(&ctx.err), sb_str(text));
		assert_int_equal(rc, 0);
		sb_release(&ctx.out);
		sb_release(&ctx.err);
	}
}

/* ---- random rules ---- */

static const uint16_t ports[] = { 0, 1, 22, 53, 80, 443, 1023, 1024, 8080, 65535 };

static void addr_text(struct fixture *f, bool v6, char *buf, size_t n)
{
	static const char *const v4[] = { "10.0.0.%u", "10.0.1.%u", "10.1.0.%u",
					  "192.168.0.%u", "0.0.0.%u", "255.255.255.%u" };
	static const char *const v6a[] = { "fd00::%x", "fd00:0:0:1::%x", "fd00:1::%x",
					   "2001:db8::%x", "fd00::1:0:0:%x", "::%x" };
	unsigned int last = pick(f, 4) == 0 ? 255 : pick(f, 8);

	if (v6)
		snprintf(buf, n, v6a[pick(f, 6)], last);
	else
		snprintf(buf, n, v4[pick(f, 6)], last);
}

static void rule_addr(struct fixture *f, bool v6, struct strbuf *sb, const char *opt)
{
	static const unsigned int len4[] = { 0, 8, 16, 23, 24, 30, 31, 32 };
	static const unsigned int len6[] = { 0, 16, 48, 63, 64, 65, 120, 128 };
	char a[64];

	if (!chance(f, 60))
		return;
	addr_text(f, v6, a, sizeof(a));
	sb_addf(sb, "%s -%s %s", chance(f, 15) ? " !" : "", opt, a);
	if (!v6 && chance(f, 8))
		sb_add(sb, "/255.0.255.0");     /* a non-contiguous mask */
	else
		sb_addf(sb, "/%u", v6 ? len6[pick(f, 8)] : len4[pick(f, 8)]);
}

static void rule_ports(struct fixture *f, struct strbuf *sb, const char *opt)
{
	unsigned int a = pick(f, 10), b = pick(f, 10);

	if (!chance(f, 50))
		return;
	if (a > b) {
		unsigned int t = a;

		a = b, b = t;
	}
	sb_addf(sb, "%s --%s %u", chance(f, 15) ? " !" : "", opt, ports[a]);
	if (a != b && chance(f, 60))
		sb_addf(sb, ":%u", ports[b]);
}

/* Stateful or packet-mark matches: evaluated in order, before or after the ports. */
static void rule_extra(struct fixture *f, struct strbuf *sb)
{
	switch (pick(f, 8)) {
	case 0: sb_addf(sb, " -m quota --quota %u", 100 + pick(f, 4000)); break;
	case 1: sb_addf(sb, " -m statistic --mode nth --every %u --packet 0", 2 + pick(f, 3)); break;
	case 2: sb_addf(sb, " -m mark%s --mark %u", chance(f, 20) ? " !" : "", pick(f, 4)); break;
	default: break;
	}
}

static void rule_iface(struct fixture *f, struct strbuf *sb, const char *opt)
{
	static const char *const names[] = { "eth0", "eth1", "eth+", "ppp+", "eth2", "e+" };

	if (chance(f, 15))
		sb_addf(sb, "%s -%s %s", chance(f, 30) ? " !" : "", opt, names[pick(f, 6)]);
}

static void rule_target(struct fixture *f, struct strbuf *sb, unsigned int chain,
			unsigned int nuser)
{
	unsigned int k = pick(f, 12);

	/* chain 0 is FORWARD, user chain u is chain u + 1: jump only forward (no loop). */
	if ((k == 8 || k == 9) && chain < nuser) {
		sb_addf(sb, " -%c U%u", k == 8 ? 'j' : 'g', chain + pick(f, nuser - chain));
		return;
	}
	switch (k) {
	case 0: case 1: sb_add(sb, " -j ACCEPT"); break;
	case 2: case 3: sb_add(sb, " -j DROP"); break;
	case 4: sb_add(sb, " -j RETURN"); break;
	case 5: sb_addf(sb, " -j MARK --set-mark %u", pick(f, 4)); break;
	default: break;    /* no target: count and go on */
	}
}

static void rule_gen(struct fixture *f, bool v6, struct strbuf *sb, unsigned int chain,
		     unsigned int nuser)
{
	static const char *const protos4[] = { "tcp", "udp", "icmp", "47", "all" };
	static const char *const protos6[] = { "tcp", "udp", "ipv6-icmp", "47", "all" };
	unsigned int p = pick(f, 5);
	bool inv = chance(f, 10), extra_first = chance(f, 30);

	if (chain == 0)
		sb_add(sb, "-A FORWARD");
	else
		sb_addf(sb, "-A U%u", chain - 1);
	rule_addr(f, v6, sb, "s");
	rule_addr(f, v6, sb, "d");
	rule_iface(f, sb, "i");
	rule_iface(f, sb, "o");
	if (chance(f, 20))
		p = 4;
	if (p == 4)
		inv = false;            /* "! -p all": "rule would never match protocol" */
	if (p != 4 || chance(f, 30))
		sb_addf(sb, "%s -p %s", inv ? " !" : "", v6 ? protos6[p] : protos4[p]);
	if (extra_first)
		rule_extra(f, sb);
	if (p < 2 && !inv) {
		sb_addf(sb, " -m %s", p == 0 ? "tcp" : "udp");
		rule_ports(f, sb, "sport");
		rule_ports(f, sb, "dport");
	} else if (!v6 && chance(f, 10)) {
		sb_addf(sb, "%s -f", chance(f, 30) ? " !" : "");
	}
	if (!extra_first)
		rule_extra(f, sb);
	rule_target(f, sb, chain, nuser);
	sb_addc(sb, '\n');
}

static void ruleset_gen(struct fixture *f, bool v6, struct strbuf *sb, bool big)
{
	unsigned int nuser = pick(f, 5), c, j, n;

	sb_addf(sb, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD %s [0:0]\n:OUTPUT ACCEPT [0:0]\n",
		chance(f, 50) ? "ACCEPT" : "DROP");
	for (c = 0; c < nuser; c++)
		sb_addf(sb, ":U%u - [0:0]\n", c);
	for (c = 0; c <= nuser; c++) {
		n = c == 0 ? (big ? 1030 + pick(f, 1100) : pick(f, 250)) : pick(f, 60);
		for (j = 0; j < n; j++)
			rule_gen(f, v6, sb, c, nuser);
	}
	sb_add(sb, "COMMIT\n");
}

/* ---- random packets ---- */

struct pkt_spec {
	uint8_t src[16], dst[16];
	uint8_t proto;
	uint16_t sport, dport;
	uint16_t frag;          /* fragment offset in 8-byte units */
	uint32_t l4len;         /* bytes after the network header */
	uint32_t mark;
	int in, out;            /* index in the device table, -1: none */
};

static void spec_addr(struct fixture *f, bool v6, uint8_t *a)
{
	char text[64];
	unsigned int i;

	addr_text(f, v6, text, sizeof(text));
	memset(a, 0, 16);
	if (v6) {
		/* parse the few forms addr_text makes */
		unsigned int w[8] = { 0 };
		char *dc = strstr(text, "::");
		unsigned int nhead = 0, ntail = 0, tail[8];
		char *s = text, *e;

		*dc = '\0';
		while (*s) {
			w[nhead++] = (unsigned int)strtoul(s, &e, 16);
			s = *e == ':' ? e + 1 : e;
		}
		s = dc + 2;
		while (*s) {
			tail[ntail++] = (unsigned int)strtoul(s, &e, 16);
			s = *e == ':' ? e + 1 : e;
		}
		for (i = 0; i < ntail; i++)
			w[8 - ntail + i] = tail[i];
		for (i = 0; i < 8; i++)
			a[2 * i] = (uint8_t)(w[i] >> 8), a[2 * i + 1] = (uint8_t)w[i];
	} else {
		unsigned int b[4];

		sscanf(text, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]);
		for (i = 0; i < 4; i++)
			a[i] = (uint8_t)b[i];
	}
	if (chance(f, 10))
		a[v6 ? 15 : 3] ^= (uint8_t)rnd(f);     /* somewhere else */
}

static void spec_gen(struct fixture *f, bool v6, struct pkt_spec *s)
{
	static const uint8_t protos[] = { 6, 6, 17, 17, 1, 58, 47 };

	memset(s, 0, sizeof(*s));
	spec_addr(f, v6, s->src);
	spec_addr(f, v6, s->dst);
	s->proto = protos[pick(f, 7)];
	s->sport = chance(f, 70) ? ports[pick(f, 10)] : (uint16_t)rnd(f);
	s->dport = chance(f, 70) ? ports[pick(f, 10)] : (uint16_t)rnd(f);
	s->frag = chance(f, 8) ? (uint16_t)(1 + pick(f, 3)) : 0;
	s->l4len = chance(f, 8) ? pick(f, 20) : 20 + pick(f, 40);
	s->mark = pick(f, 4);
	s->in = (int)pick(f, 5) - 1;
	s->out = (int)pick(f, 5) - 1;
}

static struct pkt *pkt_make(struct fixture *f, bool v6, const struct pkt_spec *s)
{
	struct pkt *p = pkt_alloc(f->pool);
	uint32_t nh = v6 ? 40 : 20, len = nh + s->l4len;
	uint8_t *h, *th;

	assert_non_null(p);
	p->data = PKT_HEADROOM;
	p->len = len;
	p->net_off = p->data;
	p->trans_off = p->data + nh;
	p->protocol = v6 ? 0x86dd : 0x0800;
	p->l4proto = s->proto;
	p->frag_off = (uint16_t)(s->frag * 8);
	p->is_fragment = s->frag != 0;
	p->mark = s->mark;
	h = p->buf + p->data;
	memset(h, 0, len);
	if (v6) {
		h[0] = 0x60;
		h[4] = (uint8_t)(s->l4len >> 8), h[5] = (uint8_t)s->l4len;
		h[6] = s->proto;
		h[7] = 64;
		memcpy(h + 8, s->src, 16);
		memcpy(h + 24, s->dst, 16);
	} else {
		h[0] = 0x45;
		h[2] = (uint8_t)(len >> 8), h[3] = (uint8_t)len;
		h[6] = (uint8_t)(s->frag >> 8), h[7] = (uint8_t)s->frag;
		h[8] = 64;
		h[9] = s->proto;
		memcpy(h + 12, s->src, 4);
		memcpy(h + 16, s->dst, 4);
	}
	th = h + nh;
	if (s->l4len >= 4) {
		th[0] = (uint8_t)(s->sport >> 8), th[1] = (uint8_t)s->sport;
		th[2] = (uint8_t)(s->dport >> 8), th[3] = (uint8_t)s->dport;
	}
	if (s->l4len >= 20)
		th[12] = 5 << 4, th[13] = 0x10;
	return p;
}

/* ---- the comparison ---- */

static void compare_counters(const struct xt_table *a, const struct xt_table *b)
{
	unsigned int c, j;

	assert_int_equal(a->nchains, b->nchains);
	for (c = 0; c < a->nchains; c++) {
		const struct xt_chain *x = &a->chains[c], *y = &b->chains[c];

		assert_int_equal(x->nrules, y->nrules);
		assert_true(x->pkts == y->pkts && x->bytes == y->bytes);
		for (j = 0; j < x->nrules; j++) {
			if (x->rules[j]->pkts != y->rules[j]->pkts ||
			    x->rules[j]->bytes != y->rules[j]->bytes)
				fail_msg("chain %s rule %u: %llu/%llu packets", x->name, j + 1,
					 (unsigned long long)x->rules[j]->pkts,
					 (unsigned long long)y->rules[j]->pkts);
		}
	}
}

static void run_packets(struct fixture *f, bool v6, unsigned int npkts);

/* A fresh random ruleset in both instances, then npkts packets. */
static void run_round(struct fixture *f, bool v6, bool big, unsigned int npkts)
{
	struct strbuf text = STRBUF_INIT;

	ruleset_gen(f, v6, &text, big);
	restore(f, v6, &text);
	sb_release(&text);
	run_packets(f, v6, npkts);
}

/* npkts random packets through FORWARD of both instances: same verdicts and counters. */
static void run_packets(struct fixture *f, bool v6, unsigned int npkts)
{
	enum xt_family fam = v6 ? XT_FAMILY_V6 : XT_FAMILY_V4;
	struct usnf_iface dev[4] = { { .ifindex = 2, .name = "eth0" },
				     { .ifindex = 3, .name = "eth1" },
				     { .ifindex = 4, .name = "ppp0" },
				     { .ifindex = 5, .name = "eth2" } };
	const struct xt_table *ta, *tb;
	unsigned int n;

	ta = xt_table_get(f->net[0], fam, XT_TABLE_FILTER);
	tb = xt_table_get(f->net[1], fam, XT_TABLE_FILTER);
	assert_non_null(ta);
	assert_non_null(tb);
	f->classified += ta->classified;
	for (n = 0; n < npkts; n++) {
		struct pkt_spec s;
		struct pkt *pa, *pb;
		unsigned int va, vb;

		spec_gen(f, v6, &s);
		pa = pkt_make(f, v6, &s);
		pb = pkt_make(f, v6, &s);
		struct usnf_hook_state sa = {
			.hook = USNF_INET_FORWARD,
			.pf = v6 ? USNF_NFPROTO_IPV6 : USNF_NFPROTO_IPV4,
			.in = s.in >= 0 ? &dev[s.in] : NULL, .out = s.out >= 0 ? &dev[s.out] : NULL,
			.net = f->net[0],
		};
		struct usnf_hook_state sb = sa;

		sb.net = f->net[1];
		va = xt_do_table(ta, pa, &sa);
		vb = xt_do_table_linear(tb, pb, &sb);
		if (va != vb || pa->mark != pb->mark)
			fail_msg("packet %u: verdict %u/%u mark %u/%u", n, va, vb, pa->mark, pb->mark);
		pkt_free(pa);
		pkt_free(pb);
	}
	compare_counters(ta, tb);
	for (n = 0; n < ta->nchains; n++)
		f->matched += ta->chains[n].nrules && ta->chains[n].rules[0]->pkts;
}

static void test_random_v4(void **state)
{
	struct fixture *f = *state;
	unsigned int r;

	for (r = 0; r < 60; r++)
		run_round(f, false, false, 1500);
	assert_true(f->classified > 30);        /* the classifiers did run */
}

static void test_random_v6(void **state)
{
	struct fixture *f = *state;
	unsigned int r;

	f->rng ^= 0x1234567ull;
	for (r = 0; r < 60; r++)
		run_round(f, true, false, 1500);
	assert_true(f->classified > 30);
}

/* Chains longer than one classifier block (XT_CLS_BLOCK rules). */
static void test_random_big(void **state)
{
	struct fixture *f = *state;
	unsigned int r;

	f->rng ^= 0xabcdefull;
	for (r = 0; r < 8; r++)
		run_round(f, r & 1, true, 3000);
	assert_int_equal(f->classified, 8);
}

/* Run one iptables command line in both instances. */
static void cmd_both(struct fixture *f, const char *line)
{
	int i;

	for (i = 0; i < 2; i++)
		harness_run_ok(f->net[i], line);
}

/*
 * Edits publish new generations that share the unchanged rules (and so their
 * counters and quota state) with the old one; each gets fresh classifiers.
 */
static void test_counters_across_generations(void **state)
{
	struct fixture *f = *state;
	struct strbuf text = STRBUF_INIT;
	unsigned int r, j;

	f->rng ^= 0x55aa55aaull;
	sb_add(&text, "*filter\n:FORWARD ACCEPT [0:0]\n:U0 - [0:0]\n");
	for (j = 0; j < 40; j++)
		rule_gen(f, false, &text, j % 2, 1);
	sb_add(&text, "COMMIT\n");
	restore(f, false, &text);
	sb_release(&text);
	for (r = 0; r < 30; r++) {
		char line[600];
		struct strbuf rule = STRBUF_INIT;

		run_packets(f, false, 300);
		rule_gen(f, false, &rule, 0, 1);
		/* "-A FORWARD ...\n" as -I FORWARD 1 / -A / -D FORWARD 2 */
		switch (r % 3) {
		case 0:
			snprintf(line, sizeof(line), "iptables -I FORWARD 1%s", sb_str(&rule) + 10);
			break;
		case 1:
			snprintf(line, sizeof(line), "iptables %s", sb_str(&rule));
			break;
		default:
			snprintf(line, sizeof(line), "iptables -D FORWARD 2");
			break;
		}
		line[strcspn(line, "\n")] = '\0';
		cmd_both(f, line);
		sb_release(&rule);
	}
	run_packets(f, false, 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_v4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_v6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_across_generations, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
