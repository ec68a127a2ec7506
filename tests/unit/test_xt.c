/* test_xt: the x_tables traversal on synthetic packets (jump, goto, RETURN, policy, counters). */
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
#include "stack/net.h"
#include "xt/xt.h"

#include "engine_harness.h"

struct fixture {
	struct usnf_net *net;
	struct pkt_pool *pool;
};

/* A bare instance: only what x_tables needs (hooks and the xt state). */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->net = calloc(1, sizeof(*f->net));
	assert_int_equal(hook_net_init(f->net), 0);
	assert_int_equal(xt_net_init(f->net), 0);
	assert_int_equal(pkt_pool_create(8, &f->pool), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	xt_net_exit(f->net);
	hook_net_exit(f->net);
	pkt_pool_destroy(f->pool);
	free(f->net);
	free(f);
	return 0;
}

/* Run one iptables command line; returns its exit status. */
static int cmd(struct fixture *f, const char *line)
{
	return harness_run(f->net, line);
}

/* Run one iptables command line; its exit status, stderr into err (size n). */
static int cmd_err(struct fixture *f, const char *line, char *err, size_t n)
{
	struct strbuf e = STRBUF_INIT;
	int rc = harness_cli(f->net, line, NULL, &e);

	snprintf(err, n, "%s", sb_str(&e));
	sb_release(&e);
	return rc;
}

/* IPv4/TCP 10.0.0.1:1234 -> 10.0.0.2:dport, SYN; len bytes of IP packet (>= 40). */
static struct pkt *tcp4(struct fixture *f, uint16_t dport, uint32_t len)
{
	struct pkt *p = pkt_alloc(f->pool);
	uint8_t *h;

	assert_non_null(p);
	p->data = PKT_HEADROOM;
	p->len = len;
	p->net_off = p->data;
	p->trans_off = p->data + 20;
	p->protocol = 0x0800;
	p->l4proto = 6;
	h = p->buf + p->data;
	memset(h, 0, len);
	h[0] = 0x45;
	h[2] = (uint8_t)(len >> 8);
	h[3] = (uint8_t)len;
	h[8] = 64;
	h[9] = 6;
	h[12] = 10, h[15] = 1;
	h[16] = 10, h[19] = 2;
	h[20] = 1234 >> 8, h[21] = 1234 & 0xff;
	h[22] = (uint8_t)(dport >> 8), h[23] = (uint8_t)dport;
	h[32] = 5 << 4;
	h[33] = 0x02;
	return p;
}

static unsigned int run_input(struct fixture *f, struct pkt *p)
{
	const struct xt_table *t = xt_table_get(f->net, XT_FAMILY_V4, XT_TABLE_FILTER);
	struct usnf_hook_state st = { .hook = USNF_INET_LOCAL_IN, .pf = USNF_NFPROTO_IPV4,
				      .net = f->net };

	assert_non_null(t);
	return xt_do_table(t, p, &st);
}

static const struct xt_chain *chain(struct fixture *f, const char *name)
{
	const struct xt_table *t = xt_table_get(f->net, XT_FAMILY_V4, XT_TABLE_FILTER);
	int ci = xt_chain_find(t, name);

	assert_true(ci >= 0);
	return &t->chains[ci];
}

static void test_policy_counts(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = tcp4(f, 80, 60);

	assert_int_equal(cmd(f, "iptables -P INPUT DROP"), 0);
	assert_int_equal(run_input(f, p), USNF_DROP);
	assert_int_equal(chain(f, "INPUT")->pkts, 1);
	assert_int_equal(chain(f, "INPUT")->bytes, 60);
	pkt_free(p);
}

static void test_jump_and_fall_back(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = tcp4(f, 80, 40);

	assert_int_equal(cmd(f, "iptables -P INPUT DROP"), 0);
	assert_int_equal(cmd(f, "iptables -N foo"), 0);
	assert_int_equal(cmd(f, "iptables -A INPUT -p tcp -j foo"), 0);
	assert_int_equal(cmd(f, "iptables -A INPUT -j ACCEPT"), 0);
	assert_int_equal(cmd(f, "iptables -A foo -p tcp --dport 22 -j DROP"), 0);
	/* dport 80: foo does not decide, back to INPUT rule 2. */
	assert_int_equal(run_input(f, p), USNF_ACCEPT);
	assert_int_equal(chain(f, "INPUT")->rules[0]->pkts, 1);
	assert_int_equal(chain(f, "INPUT")->rules[1]->pkts, 1);
	assert_int_equal(chain(f, "foo")->rules[0]->pkts, 0);
	assert_int_equal(chain(f, "INPUT")->pkts, 0);
	pkt_free(p);
	p = tcp4(f, 22, 40);
	assert_int_equal(run_input(f, p), USNF_DROP);
	assert_int_equal(chain(f, "foo")->rules[0]->pkts, 1);
	assert_int_equal(chain(f, "INPUT")->rules[1]->pkts, 1);
	pkt_free(p);
}

static void test_return_rule(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = tcp4(f, 80, 40);

	assert_int_equal(cmd(f, "iptables -N foo"), 0);
	assert_int_equal(cmd(f, "iptables -A INPUT -j foo"), 0);
	assert_int_equal(cmd(f, "iptables -A INPUT -j DROP"), 0);
	assert_int_equal(cmd(f, "iptables -A foo -j RETURN"), 0);
	assert_int_equal(cmd(f, "iptables -A foo -j ACCEPT"), 0);
	assert_int_equal(run_input(f, p), USNF_DROP);
	assert_int_equal(chain(f, "foo")->rules[1]->pkts, 0);
	pkt_free(p);
}

/* ipt_do_table: the end of a chain entered by goto returns to the caller of the goer. */
static void test_goto_returns_to_caller(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = tcp4(f, 80, 40);

	assert_int_equal(cmd(f, "iptables -N bar"), 0);
	assert_int_equal(cmd(f, "iptables -N baz"), 0);
	assert_int_equal(cmd(f, "iptables -A INPUT -j bar"), 0);
	assert_int_equal(cmd(f, "iptables -A INPUT -j DROP"), 0);
	assert_int_equal(cmd(f, "iptables -A bar -g baz"), 0);
	assert_int_equal(cmd(f, "iptables -A bar -j ACCEPT"), 0);
	assert_int_equal(run_input(f, p), USNF_DROP);
	assert_int_equal(chain(f, "bar")->rules[1]->pkts, 0);
	assert_int_equal(chain(f, "INPUT")->rules[1]->pkts, 1);
	/* With a jump instead, bar's next rule decides. */
	assert_int_equal(cmd(f, "iptables -R bar 1 -j baz"), 0);
	assert_int_equal(run_input(f, p), USNF_ACCEPT);
	pkt_free(p);
}

/* Goto from the base chain, then falling off: the base chain's policy. */
static void test_goto_from_base_to_policy(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = tcp4(f, 80, 40);

	assert_int_equal(cmd(f, "iptables -P INPUT DROP"), 0);
	assert_int_equal(cmd(f, "iptables -N baz"), 0);
	assert_int_equal(cmd(f, "iptables -A INPUT -g baz"), 0);
	assert_int_equal(cmd(f, "iptables -A INPUT -j ACCEPT"), 0);
	assert_int_equal(run_input(f, p), USNF_DROP);
	assert_int_equal(chain(f, "INPUT")->pkts, 1);
	assert_int_equal(chain(f, "INPUT")->rules[1]->pkts, 0);
	pkt_free(p);
}

/* iptables-nft: a built-in chain nobody created is not on its hook. */
static void test_missing_chain_counts_nothing(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = tcp4(f, 80, 40);

	assert_int_equal(cmd(f, "iptables -P FORWARD DROP"), 0);
	assert_int_equal(run_input(f, p), USNF_ACCEPT);
	assert_int_equal(chain(f, "INPUT")->pkts, 0);
	assert_false(chain(f, "INPUT")->exists);
	pkt_free(p);
}

static void test_hotdrop_short_tcp(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = tcp4(f, 80, 40);

	assert_int_equal(cmd(f, "iptables -A INPUT -p tcp --dport 80 -j ACCEPT"), 0);
	p->len = 30;    /* truncated TCP header */
	assert_int_equal(run_input(f, p), USNF_DROP);
	assert_int_equal(chain(f, "INPUT")->rules[0]->pkts, 0);
	pkt_free(p);
}

static void test_loop_rejected(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cmd(f, "iptables -N a"), 0);
	assert_int_equal(cmd(f, "iptables -N b"), 0);
	assert_int_equal(cmd(f, "iptables -A INPUT -j a"), 0);
	assert_int_equal(cmd(f, "iptables -A a -j b"), 0);
	assert_int_not_equal(cmd(f, "iptables -A b -j a"), 0);
	assert_int_equal(chain(f, "b")->nrules, 0);
}

static void test_counters_survive_edits_and_zero(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = tcp4(f, 80, 40);

	assert_int_equal(cmd(f, "iptables -A INPUT -s 10.0.0.1 -j ACCEPT"), 0);
	assert_int_equal(run_input(f, p), USNF_ACCEPT);
	assert_int_equal(cmd(f, "iptables -I INPUT -s 10.9.9.9 -j DROP"), 0);
	assert_int_equal(chain(f, "INPUT")->rules[1]->pkts, 1);
	assert_int_equal(chain(f, "INPUT")->rules[1]->bytes, 40);
	xt_counters_zero_all(f->net);
	assert_int_equal(chain(f, "INPUT")->rules[1]->pkts, 0);
	/* -D by specification finds the rule among the others. */
	assert_int_equal(cmd(f, "iptables -D INPUT -s 10.0.0.1 -j ACCEPT"), 0);
	assert_int_equal(chain(f, "INPUT")->nrules, 1);
	pkt_free(p);
}

/* ADD_COUNTER(skb->len) at each counter: after TCPMSS adds its option (4 bytes),
 * the later rules and the policy count the longer packet. */
static void test_counters_count_current_length(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = tcp4(f, 80, 40);
	const struct xt_table *t;
	struct usnf_hook_state st = { .hook = USNF_INET_FORWARD, .pf = USNF_NFPROTO_IPV4,
				      .net = f->net };

	assert_int_equal(cmd(f, "iptables -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS "
			     "--set-mss 1000"), 0);
	assert_int_equal(cmd(f, "iptables -A FORWARD -p tcp"), 0);
	t = xt_table_get(f->net, XT_FAMILY_V4, XT_TABLE_FILTER);
	assert_int_equal(xt_do_table(t, p, &st), USNF_ACCEPT);
	assert_int_equal(p->len, 44);
	assert_int_equal(chain(f, "FORWARD")->rules[0]->bytes, 40);
	assert_int_equal(chain(f, "FORWARD")->rules[1]->bytes, 44);
	assert_int_equal(chain(f, "FORWARD")->bytes, 44);
	pkt_free(p);
}

/* -C/-D compare only what defines a rule (.usersize), not the running state of
 * limit, quota and statistic; a new rule starts with fresh state. */
static void test_stateful_rules_found_after_traffic(void **state)
{
	static const char *const rules[] = {
		"-m quota --quota 100 -j ACCEPT",
		"-m limit --limit 1/hour --limit-burst 1 -j ACCEPT",
		"-m statistic --mode nth --every 3 --packet 1 -j ACCEPT",
		"-m statistic --mode random --probability 0.5 -j ACCEPT",
	};
	struct fixture *f = *state;
	char line[256];
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct pkt *p = tcp4(f, 80, 60);

		snprintf(line, sizeof(line), "iptables -A INPUT %s", rules[i]);
		assert_int_equal(cmd(f, line), 0);
		assert_int_equal(cmd(f, "iptables -P INPUT DROP"), 0);
		run_input(f, p);
		run_input(f, p);
		run_input(f, p);
		snprintf(line, sizeof(line), "iptables -C INPUT %s", rules[i]);
		assert_int_equal(cmd(f, line), 0);
		snprintf(line, sizeof(line), "iptables -D INPUT %s", rules[i]);
		assert_int_equal(cmd(f, line), 0);
		assert_int_equal(chain(f, "INPUT")->nrules, 0);
		pkt_free(p);
	}
	/* A fresh quota rule: 100 bytes pass one 60-byte packet, not two. */
	{
		struct pkt *p = tcp4(f, 80, 60);

		assert_int_equal(cmd(f, "iptables -A INPUT -m quota --quota 100 -j ACCEPT"), 0);
		assert_int_equal(run_input(f, p), USNF_ACCEPT);
		assert_int_equal(run_input(f, p), USNF_DROP);
		pkt_free(p);
	}
}

/* A checkentry errno is printed as iptables-nft does; -C/-D never reach it. */
static void test_check_errno(void **state)
{
	struct fixture *f = *state;
	char err[512];

	assert_int_equal(cmd_err(f, "iptables -A INPUT -m string --algo wrong --string x", err,
				 sizeof(err)), 4);
	assert_string_equal(err, "iptables v1.8.9 (nf_tables):  RULE_APPEND failed (No such file "
			    "or directory): rule in chain INPUT\n");
	assert_int_equal(cmd_err(f, "iptables -C INPUT -m string --algo wrong --string x", err,
				 sizeof(err)), 1);
	assert_string_equal(err, "iptables: Bad rule (does a matching rule exist in that chain?)."
			    "\n");
}

/* getopt_long: abbreviations, "--opt=value", options to the newest instance of a match. */
static void test_option_lookup(void **state)
{
	struct fixture *f = *state;
	char err[512];

	assert_int_equal(cmd(f, "iptables -A INPUT --dest 1.2.3.4 --pro tcp --dp 22 -j LOG "
			     "--log-pre x"), 0);
	assert_int_equal(cmd(f, "iptables -C INPUT -d 1.2.3.4 -p tcp --dport 22 -j LOG "
			     "--log-prefix x"), 0);
	/* --d: --destination, --dst, --delete, --delete-chain: ambiguous. */
	assert_int_equal(cmd_err(f, "iptables -A INPUT --d 1.2.3.4", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "unknown option \"--d\""));
	/* -m tcp -m tcp --dport 1: the option belongs to the second tcp match. */
	assert_int_equal(cmd(f, "iptables -A INPUT -p tcp -m tcp -m tcp --dport=1"), 0);
	assert_int_equal(chain(f, "INPUT")->rules[1]->nmatches, 2);
	assert_int_equal(cmd(f, "iptables -C INPUT -p tcp -m tcp -m tcp --dport 1"), 0);
	assert_int_equal(cmd(f, "iptables -C INPUT -p tcp -m tcp --dport 1 -m tcp"), 1);
	assert_int_equal(cmd(f, "iptables -A INPUT -m mark --mark 1 -m mark --mark 2"), 0);
	/* -s takes argv[optind-1]: the whole word when the value is attached. */
	assert_int_equal(cmd_err(f, "iptables -A INPUT -s1.2.3.4", err, sizeof(err)), 2);
	assert_non_null(strstr(err, "host/network `-s1.2.3.4' not found"));
}

/* iptables-nft folds native tcp matches into the first when it reads a rule back:
 * listed and compared so, while the kernel evaluates every one of them. */
static void test_native_matches_fold(void **state)
{
	struct fixture *f = *state;
	struct pkt *p = tcp4(f, 2, 40);

	assert_int_equal(cmd(f, "iptables -P INPUT DROP"), 0);
	assert_int_equal(cmd(f, "iptables -A INPUT -p tcp -m tcp ! --dport 1 -m tcp --dport 2 "
			     "-j ACCEPT"), 0);
	assert_int_equal(cmd(f, "iptables -C INPUT -p tcp ! --dport 2 -j ACCEPT"), 0);
	assert_int_equal(cmd(f, "iptables -C INPUT -p tcp --dport 2 -j ACCEPT"), 1);
	assert_int_equal(run_input(f, p), USNF_ACCEPT);
	assert_int_equal(cmd(f, "iptables -D INPUT -p tcp ! --dport 2 -j ACCEPT"), 0);
	pkt_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_policy_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jump_and_fall_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_return_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_goto_returns_to_caller, setup, teardown),
		cmocka_unit_test_setup_teardown(test_goto_from_base_to_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_chain_counts_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hotdrop_short_tcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_survive_edits_and_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_count_current_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stateful_rules_found_after_traffic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_check_errno, setup, teardown),
		cmocka_unit_test_setup_teardown(test_option_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_native_matches_fold, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
