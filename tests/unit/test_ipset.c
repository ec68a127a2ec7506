/* test_ipset: IP sets — the ipset command's output, save/restore round trip, the set
 * match and SET target on packets, and randomized checks of the hash types against
 * naive lists. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "ipset/ipset.h"
#include "ipset/ipset_int.h"
#include "route/route.h"
#include "stack/net.h"
#include "xt/xt.h"

#define SEC 1000000000ull

struct fx {
	struct usnf_net *net;
	struct pkt_pool *pool;
	struct cli_ctx ctx;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_int_equal(usnf_net_create(&f->net), 0);
	assert_int_equal(pkt_pool_create(4, &f->pool), 0);
	f->net->now_ns = 1000 * SEC;
	f->ctx.net = f->net;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sb_release(&f->ctx.out);
	sb_release(&f->ctx.err);
	pkt_pool_destroy(f->pool);
	usnf_net_destroy(f->net);
	free(f);
	return 0;
}

/* Run one command line (split at spaces; "..." keeps spaces); returns the exit status. */
static int run(struct fx *f, const char *line)
{
	char buf[1024], *av[64], *p = buf;
	int ac = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			av[ac++] = ++p;
			p = strchr(p, '"');
			*p++ = '\0';
			continue;
		}
		av[ac++] = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
	}
	sb_reset(&f->ctx.out);
	sb_reset(&f->ctx.err);
	return cli_run(&f->ctx, ac, av);
}

static int run_input(struct fx *f, const char *line, const char *input)
{
	int rc;

	f->ctx.input = input;
	f->ctx.input_len = strlen(input);
	rc = run(f, line);
	f->ctx.input = NULL;
	f->ctx.input_len = 0;
	return rc;
}

static void test_list_save_format(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "ipset create foo hash:ip initval 0x11223344"), 0);
	assert_int_equal(run(f, "ipset add foo 192.168.1.1"), 0);
	assert_int_equal(run(f, "ipset add foo 10.0.0.0/30"), 0);
	assert_int_equal(run(f, "ipset list foo"), 0);
	assert_string_equal(sb_str(&f->ctx.out),
		"Name: foo\n"
		"Type: hash:ip\n"
		"Revision: 6\n"
		"Header: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x11223344\n"
		"Size in memory: 416\n"
		"References: 0\n"
		"Number of entries: 5\n"
		"Members:\n"
		/* Linux 6.18 lists these in this bucket order, with this size (measured) */
		"10.0.0.2\n10.0.0.0\n192.168.1.1\n10.0.0.1\n10.0.0.3\n");
	assert_int_equal(run(f, "ipset create n hash:net family inet6 timeout 60 counters comment "
			     "initval 0x1"), 0);
	assert_int_equal(run(f, "ipset add n 2001:db8::/32 comment \"a b\""), 0);
	assert_int_equal(run(f, "ipset add n 2001:db8:1::/48 nomatch timeout 0"), 0);
	f->net->now_ns += 1500000000ull;       /* 1.5 s later: 58 s left, truncated */
	assert_int_equal(run(f, "ipset save n"), 0);
	assert_string_equal(sb_str(&f->ctx.out),
		"create n hash:net family inet6 hashsize 1024 maxelem 65536 timeout 60 counters "
		"comment bucketsize 12 initval 0x00000001\n"
		"add n 2001:db8::/32 timeout 58 packets 0 bytes 0 comment \"a b\"\n"
		"add n 2001:db8:1::/48 timeout 0 nomatch packets 0 bytes 0\n");
	assert_int_equal(run(f, "ipset list n"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "\nSize in memory: 1548\n"));  /* as Linux */
	assert_int_equal(run(f, "ipset create b bitmap:port range 1000-2000"), 0);
	assert_int_equal(run(f, "ipset add b 1500"), 0);
	assert_int_equal(run(f, "ipset add b 1001"), 0);
	assert_int_equal(run(f, "ipset save b"), 0);
	assert_string_equal(sb_str(&f->ctx.out), "create b bitmap:port range 1000-2000\n"
			    "add b 1001\nadd b 1500\n");
	assert_int_equal(run(f, "ipset -n list"), 0);
	assert_string_equal(sb_str(&f->ctx.out), "foo\nn\nb\n");
}

static void test_errors(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "ipset create foo hash:ip"), 0);
	assert_int_equal(run(f, "ipset create foo hash:ip"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Set cannot be created: set with "
			    "the same name already exists\n");
	assert_int_equal(run(f, "ipset -exist create foo hash:ip"), 0);
	assert_int_equal(run(f, "ipset add bar 1.2.3.4"), 1);
	assert_string_equal(sb_str(&f->ctx.err),
			    "ipset v7.17: The set with the given name does not exist\n");
	assert_int_equal(run(f, "ipset add foo 1.2.3.4"), 0);
	assert_int_equal(run(f, "ipset add foo 1.2.3.4"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Element cannot be added to the "
			    "set: it's already added\n");
	assert_int_equal(run(f, "ipset -! add foo 1.2.3.4"), 0);
	assert_int_equal(run(f, "ipset del foo 1.2.3.5"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Element cannot be deleted from "
			    "the set: it's not added\n");
	assert_int_equal(run(f, "ipset test foo 1.2.3.4"), 0);
	assert_string_equal(sb_str(&f->ctx.err), "Warning: 1.2.3.4 is in set foo.\n");
	assert_int_equal(run(f, "ipset test foo 1.2.3.5"), 1);
	/* a miss is a notice: no program name, status 1 */
	assert_string_equal(sb_str(&f->ctx.err), "1.2.3.5 is NOT in set foo.\n");
	assert_int_equal(run(f, "ipset add foo 1.2.3.6 timeout 5"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Timeout cannot be used: set was "
			    "created without timeout support\n");
	assert_int_equal(run(f, "ipset create bar hash:net"), 0);
	assert_int_equal(run(f, "ipset swap foo bar"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: The sets cannot be swapped: their "
			    "type does not match\n");
	assert_int_equal(run(f, "ipset create x hash:foo"), 1);
	assert_string_equal(sb_str(&f->ctx.err),
			    "ipset v7.17: Syntax error: typename 'hash:foo' is unknown\n");
	assert_int_equal(run(f, "iptables -A INPUT -m set --match-set foo src"), 0);
	assert_int_equal(run(f, "ipset destroy foo"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Set cannot be destroyed: it is "
			    "in use by a kernel component\n");
	assert_int_equal(run(f, "iptables -F INPUT"), 0);
	assert_int_equal(run(f, "ipset destroy foo"), 0);
	assert_int_equal(run(f, "ipset destroy"), 0);
	assert_int_equal(run(f, "ipset list"), 0);
	assert_string_equal(sb_str(&f->ctx.out), "");
	assert_int_equal(run_input(f, "ipset restore", "create a hash:ip\nadd a 1.1.1.1\n"
				   "add nope 1.1.1.1\n"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Error in line 3: The set with "
			    "the given name does not exist\n");
}

static void test_rename_swap(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "ipset create a hash:ip"), 0);
	assert_int_equal(run(f, "ipset create b hash:ip"), 0);
	assert_int_equal(run(f, "ipset add a 1.1.1.1"), 0);
	assert_int_equal(run(f, "ipset add b 2.2.2.2"), 0);
	assert_int_equal(run(f, "iptables -A INPUT -m set --match-set a dst"), 0);
	assert_int_equal(run(f, "ipset swap a b"), 0);
	assert_int_equal(run(f, "ipset save a"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "add a 2.2.2.2\n"));
	/* the rule keeps the name a, now holding 2.2.2.2 */
	assert_int_equal(run(f, "iptables -S INPUT"), 0);
	assert_string_equal(sb_str(&f->ctx.out),
			    "-P INPUT ACCEPT\n-A INPUT -m set --match-set a dst\n");
	assert_int_equal(run(f, "ipset rename b c"), 0);
	assert_int_equal(run(f, "ipset rename a d"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Set cannot be renamed: it is in "
			    "use by another system\n");
	assert_int_equal(run(f, "ipset rename c a"), 1);
	assert_int_equal(run(f, "ipset flush"), 0);
	assert_int_equal(run(f, "ipset save"), 0);
	assert_null(strstr(sb_str(&f->ctx.out), "add "));
}

/* A save re-read by restore in a fresh instance saves to the same text. */
static void test_save_restore_roundtrip(void **state)
{
	struct fx *f = *state, *g;
	char *saved;

	assert_int_equal(run(f, "ipset create a hash:ip,port,ip initval 0x5"), 0);
	assert_int_equal(run(f, "ipset add a 1.1.1.1,udp:53,2.2.2.2"), 0);
	assert_int_equal(run(f, "ipset create n hash:net,port timeout 100 comment initval 0x6"), 0);
	assert_int_equal(run(f, "ipset add n 10.0.0.0-10.0.0.5,icmp:8/0 comment \"x y\""), 0);
	assert_int_equal(run(f, "ipset create i hash:net,iface initval 0x7"), 0);
	assert_int_equal(run(f, "ipset add i 10.0.0.0/8,physdev:eth1"), 0);
	assert_int_equal(run(f, "ipset create m hash:mac counters initval 0x8"), 0);
	assert_int_equal(run(f, "ipset add m 0a:0b:0c:0d:0e:0f packets 5 bytes 700"), 0);
	assert_int_equal(run(f, "ipset create bi bitmap:ip range 10.1.0.0/16 netmask 24"), 0);
	assert_int_equal(run(f, "ipset add bi 10.1.7.9"), 0);
	assert_int_equal(run(f, "ipset create l list:set size 4"), 0);
	assert_int_equal(run(f, "ipset add l a"), 0);
	assert_int_equal(run(f, "ipset add l n before a"), 0);
	assert_int_equal(run(f, "ipset save"), 0);
	saved = strdup(sb_str(&f->ctx.out));
	assert_non_null(strstr(saved, "add n 10.0.0.4/31,icmp:echo-request timeout 100 "
			       "comment \"x y\"\n"));
	assert_non_null(strstr(saved, "add m 0A:0B:0C:0D:0E:0F packets 5 bytes 700\n"));
	assert_non_null(strstr(saved, "add bi 10.1.7.0\n"));
	assert_non_null(strstr(saved, "add l n\nadd l a\n"));

	setup((void **)&g);
	g->net->now_ns = f->net->now_ns;
	assert_int_equal(run_input(g, "ipset restore", saved), 0);
	assert_int_equal(run(g, "ipset save"), 0);
	assert_string_equal(sb_str(&g->ctx.out), saved);
	teardown((void **)&g);
	free(saved);
}

/*
 * Recorded on Linux 6.18 (netlink, ipset protocol 7): a hash:ip,port set with
 * initval 0xc0ffee, hashsize 64, bucketsize 2 grown by resizes to 1024 buckets,
 * these adds then these deletes; the kernel listed the rest in kern_order and
 * reported hashsize 1024, memsize 3336.
 */
static const char *const kern_adds = 
	"10.0.0.12,udp:24 10.0.0.114,tcp:5 10.0.0.216,tcp:2 10.0.0.111,tcp:8 "
	"10.0.0.214,udp:8 10.0.1.3,tcp:25 10.0.1.174,tcp:9 10.0.0.172,tcp:4 "
	"10.0.1.49,udp:12 10.0.1.22,udp:24 10.0.0.193,udp:3 10.0.1.98,tcp:23 "
	"10.0.0.116,udp:25 10.0.0.119,tcp:28 10.0.1.142,udp:15 10.0.0.189,tcp:12 "
	"10.0.1.36,tcp:20 10.0.0.83,udp:15 10.0.1.112,udp:22 10.0.0.117,tcp:27 "
	"10.0.1.205,tcp:9 10.0.0.161,udp:7 10.0.1.234,udp:5 10.0.0.126,udp:24 "
	"10.0.1.204,tcp:12 10.0.0.252,tcp:3 10.0.0.78,tcp:21 10.0.1.32,udp:13 "
	"10.0.1.128,tcp:18 10.0.0.136,udp:25 10.0.0.150,tcp:14 10.0.1.1,udp:24 "
	"10.0.0.54,udp:28 10.0.0.78,tcp:12 10.0.0.165,tcp:16 10.0.0.185,udp:29 "
	"10.0.0.29,tcp:8 10.0.0.248,tcp:27 10.0.0.65,udp:22 10.0.0.135,udp:17 "
	"10.0.0.102,udp:23 10.0.1.191,udp:15 10.0.0.126,tcp:8 10.0.1.10,tcp:19 "
	"10.0.0.3,tcp:3 10.0.0.34,tcp:29 10.0.1.36,tcp:17 10.0.1.248,tcp:7 "
	"10.0.1.124,udp:26 10.0.1.97,tcp:4 10.0.1.181,udp:14 10.0.1.27,tcp:22 "
	"10.0.0.206,udp:24 10.0.0.127,tcp:7 10.0.1.71,tcp:14 10.0.1.236,tcp:8 "
	"10.0.1.50,tcp:2 10.0.0.121,udp:6 10.0.1.246,udp:7 10.0.0.84,tcp:13 "
	"10.0.1.135,udp:26 10.0.1.216,udp:23 10.0.0.97,tcp:10 10.0.0.31,udp:24 "
	"10.0.0.25,udp:19 10.0.0.29,tcp:17 10.0.0.35,tcp:20 10.0.0.206,tcp:4 "
	"10.0.0.41,udp:14 10.0.1.104,udp:22 10.0.0.135,tcp:13 10.0.1.234,tcp:11 "
	"10.0.0.234,tcp:20 10.0.0.109,udp:17 10.0.0.178,tcp:29 10.0.0.189,tcp:10 "
	"10.0.1.154,tcp:20 10.0.1.53,tcp:29 10.0.1.59,tcp:29 10.0.0.139,tcp:10 "
	"10.0.1.128,tcp:29 10.0.0.216,udp:27 10.0.0.1,tcp:11 10.0.1.82,udp:24 "
	"10.0.1.4,tcp:4 10.0.0.18,udp:27 10.0.0.220,tcp:5 10.0.1.186,tcp:29 "
	"10.0.1.107,tcp:22";
static const char *const kern_dels = 
	"10.0.0.12,udp:24 10.0.0.214,udp:8 10.0.1.49,udp:12 10.0.0.116,udp:25 "
	"10.0.1.36,tcp:20 10.0.1.205,tcp:9 10.0.1.204,tcp:12 10.0.1.128,tcp:18 "
	"10.0.0.54,udp:28 10.0.0.29,tcp:8 10.0.0.102,udp:23 10.0.0.3,tcp:3 "
	"10.0.1.124,udp:26 10.0.0.206,udp:24 10.0.1.50,tcp:2 10.0.1.135,udp:26 "
	"10.0.0.25,udp:19 10.0.0.41,udp:14 10.0.0.234,tcp:20 10.0.1.154,tcp:20 "
	"10.0.1.128,tcp:29 10.0.1.4,tcp:4 10.0.1.107,tcp:22";
static const char *const kern_order = 
	"10.0.0.206,tcp:4 10.0.0.193,udp:3 10.0.0.139,tcp:10 10.0.1.236,tcp:8 "
	"10.0.1.59,tcp:29 10.0.1.142,udp:15 10.0.1.248,tcp:7 10.0.0.78,tcp:12 "
	"10.0.0.29,tcp:17 10.0.0.135,tcp:13 10.0.1.82,udp:24 10.0.1.186,tcp:29 "
	"10.0.0.114,tcp:5 10.0.1.216,udp:23 10.0.0.119,tcp:28 10.0.1.71,tcp:14 "
	"10.0.0.97,tcp:10 10.0.0.248,tcp:27 10.0.0.84,tcp:13 10.0.0.109,udp:17 "
	"10.0.0.65,udp:22 10.0.1.36,tcp:17 10.0.0.216,tcp:2 10.0.0.216,udp:27 "
	"10.0.1.234,udp:5 10.0.0.135,udp:17 10.0.0.83,udp:15 10.0.0.189,tcp:12 "
	"10.0.0.35,tcp:20 10.0.1.181,udp:14 10.0.0.185,udp:29 10.0.0.127,tcp:7 "
	"10.0.0.165,tcp:16 10.0.0.1,tcp:11 10.0.1.53,tcp:29 10.0.1.97,tcp:4 "
	"10.0.0.78,tcp:21 10.0.0.161,udp:7 10.0.0.252,tcp:3 10.0.0.178,tcp:29 "
	"10.0.1.27,tcp:22 10.0.0.121,udp:6 10.0.0.220,tcp:5 10.0.0.172,tcp:4 "
	"10.0.0.111,tcp:8 10.0.1.191,udp:15 10.0.0.150,tcp:14 10.0.1.174,tcp:9 "
	"10.0.1.10,tcp:19 10.0.1.22,udp:24 10.0.0.189,tcp:10 10.0.0.117,tcp:27 "
	"10.0.1.98,tcp:23 10.0.0.126,tcp:8 10.0.1.112,udp:22 10.0.0.18,udp:27 "
	"10.0.0.126,udp:24 10.0.1.32,udp:13 10.0.1.246,udp:7 10.0.0.34,tcp:29 "
	"10.0.1.104,udp:22 10.0.0.136,udp:25 10.0.0.31,udp:24 10.0.1.3,tcp:25 "
	"10.0.1.1,udp:24 10.0.1.234,tcp:11";

static void test_kernel_layout(void **state)
{
	struct fx *f = *state;
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
	char buf[4096], *tok, *save;

	sb_add(&in, "create k hash:ip,port hashsize 64 bucketsize 2 initval 0xc0ffee\n");
	snprintf(buf, sizeof(buf), "%s", kern_adds);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		sb_addf(&in, "add k %s\n", tok);
	snprintf(buf, sizeof(buf), "%s", kern_dels);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		sb_addf(&in, "del k %s\n", tok);
	assert_int_equal(run_input(f, "ipset restore", sb_str(&in)), 0);
	snprintf(buf, sizeof(buf), "%s", kern_order);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		sb_addf(&want, "%s\n", tok);
	assert_int_equal(run(f, "ipset list k"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "hashsize 1024 maxelem 65536 bucketsize 2 "));
	assert_non_null(strstr(sb_str(&f->ctx.out), "\nSize in memory: 3336\n"));
	assert_non_null(strstr(sb_str(&f->ctx.out), sb_str(&want)));
	sb_release(&in);
	sb_release(&want);
}

/* ---- packets ---- */

static struct pkt *mk4(struct fx *f, uint32_t src, uint32_t dst, uint8_t proto,
		       uint16_t sport, uint16_t dport)
{
	struct pkt *p = pkt_alloc(f->pool);
	uint8_t *h;

	assert_non_null(p);
	p->data = PKT_HEADROOM;
	p->len = 40;
	p->net_off = p->data;
	p->trans_off = p->data + 20;
	p->mac_off = PKT_OFF_UNSET;
	p->protocol = 0x0800;
	p->l4proto = proto;
	p->frag_off = 0;
	h = p->buf + p->data;
	memset(h, 0, 40);
	h[0] = 0x45;
	h[3] = 40;
	h[9] = proto;
	for (int i = 0; i < 4; i++) {
		h[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		h[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	h[20] = (uint8_t)(sport >> 8), h[21] = (uint8_t)sport;
	h[22] = (uint8_t)(dport >> 8), h[23] = (uint8_t)dport;
	return p;
}

/* The first rule of chain INPUT (filter, v4). */
static struct xt_rule *rule0(struct fx *f, const char *chain)
{
	const struct xt_table *t = xt_table_get(f->net, XT_FAMILY_V4, XT_TABLE_FILTER);
	int c = xt_chain_find(t, chain);

	assert_true(c >= 0);
	return t->chains[c].rules[t->chains[c].nrules - 1];
}

static bool match_rule(struct fx *f, struct xt_rule *r, struct pkt *p)
{
	struct usnf_hook_state st = { .hook = USNF_INET_LOCAL_IN, .pf = USNF_NFPROTO_IPV4,
				      .net = f->net };
	struct xt_action par = { .net = f->net, .state = &st, .thoff = p->trans_off,
				 .family = XT_FAMILY_V4 };

	return r->matches[0].ops->match(p, r->matches[0].data, &par);
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void test_match_eval(void **state)
{
	struct fx *f = *state;
	struct pkt *p;

	assert_int_equal(run(f, "ipset create n hash:net counters"), 0);
	assert_int_equal(run(f, "ipset add n 10.0.0.0/8"), 0);
	assert_int_equal(run(f, "ipset add n 10.1.0.0/16 nomatch"), 0);
	assert_int_equal(run(f, "iptables -A INPUT -m set --match-set n src"), 0);
	struct xt_rule *plain = rule0(f, "INPUT");
	assert_int_equal(run(f, "iptables -A INPUT -m set --match-set n src --return-nomatch"), 0);
	struct xt_rule *retnm = rule0(f, "INPUT");
	assert_int_equal(run(f, "iptables -A INPUT -m set ! --match-set n src ! --update-counters"),
			 0);
	struct xt_rule *inv = rule0(f, "INPUT");
	assert_int_equal(run(f, "iptables -A INPUT -m set --match-set n src --packets-gt 1"), 0);
	struct xt_rule *cnt = rule0(f, "INPUT");

	p = mk4(f, IP(10, 2, 3, 4), IP(1, 1, 1, 1), 6, 1, 2);
	assert_true(match_rule(f, plain, p));
	assert_false(match_rule(f, retnm, p));
	assert_false(match_rule(f, inv, p));
	assert_true(match_rule(f, cnt, p));     /* 2 packets counted before: > 1 */
	pkt_free(p);
	p = mk4(f, IP(10, 1, 3, 4), IP(1, 1, 1, 1), 6, 1, 2);
	assert_false(match_rule(f, plain, p));   /* nomatch entry is more specific */
	assert_true(match_rule(f, retnm, p));
	assert_true(match_rule(f, inv, p));
	pkt_free(p);
	p = mk4(f, IP(11, 1, 3, 4), IP(1, 1, 1, 1), 6, 1, 2);
	assert_false(match_rule(f, plain, p));
	assert_true(match_rule(f, inv, p));
	pkt_free(p);
	/* counters: 10.0.0.0/8 was hit by plain, retnm and cnt (inv skips the update) */
	assert_int_equal(run(f, "ipset list n"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "10.0.0.0/8 packets 3 bytes 120\n"));

	/* hash:ip,port with src,dst: source address, destination port */
	assert_int_equal(run(f, "ipset create ipp hash:ip,port"), 0);
	assert_int_equal(run(f, "ipset add ipp 192.168.0.1,udp:53"), 0);
	assert_int_equal(run(f, "iptables -A FORWARD -m set --match-set ipp src,dst"), 0);
	struct xt_rule *r = rule0(f, "FORWARD");
	assert_int_equal(run(f, "iptables -A FORWARD -m set --match-set ipp src"), 0);
	struct xt_rule *short_dim = rule0(f, "FORWARD");
	p = mk4(f, IP(192, 168, 0, 1), IP(1, 1, 1, 1), 17, 5000, 53);
	assert_true(match_rule(f, r, p));
	assert_false(match_rule(f, short_dim, p));       /* too few flags: no match */
	pkt_free(p);
	p = mk4(f, IP(192, 168, 0, 1), IP(1, 1, 1, 1), 6, 5000, 53);
	assert_false(match_rule(f, r, p));               /* tcp:53 is not in the set */
	pkt_free(p);
}

static void test_target_eval(void **state)
{
	struct fx *f = *state;
	struct usnf_hook_state st = { .hook = USNF_INET_FORWARD, .pf = USNF_NFPROTO_IPV4,
				      .net = f->net };
	struct xt_action par = { .net = f->net, .state = &st, .family = XT_FAMILY_V4 };
	struct pkt *p;

	assert_int_equal(run(f, "ipset create t hash:ip timeout 30"), 0);
	assert_int_equal(run(f, "iptables -A FORWARD -j SET --add-set t src --timeout 10 --exist"),
			 0);
	struct xt_rule *add = rule0(f, "FORWARD");
	assert_int_equal(run(f, "iptables -S FORWARD"), 0);
	assert_string_equal(sb_str(&f->ctx.out), "-P FORWARD ACCEPT\n"
			    "-A FORWARD -j SET --add-set t src --exist --timeout 10\n");
	assert_int_equal(run(f, "iptables -A FORWARD -j SET --del-set t dst"), 0);
	struct xt_rule *del = rule0(f, "FORWARD");

	p = mk4(f, IP(10, 0, 0, 7), IP(10, 0, 0, 8), 6, 1, 2);
	assert_int_equal(add->target->target(p, add->tdata, &par), XT_CONTINUE);
	assert_int_equal(run(f, "ipset save t"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "add t 10.0.0.7 timeout 10\n"));
	f->net->now_ns += 11 * SEC;              /* expired */
	assert_int_equal(run(f, "ipset test t 10.0.0.7"), 1);
	add->target->target(p, add->tdata, &par);
	assert_int_equal(run(f, "ipset test t 10.0.0.7"), 0);
	pkt_free(p);
	p = mk4(f, IP(1, 1, 1, 1), IP(10, 0, 0, 7), 6, 1, 2);
	del->target->target(p, del->tdata, &par);
	assert_int_equal(run(f, "ipset test t 10.0.0.7"), 1);
	pkt_free(p);
	/* an unknown set is refused at parse time, worded as libxt_set */
	assert_int_equal(run(f, "iptables -A INPUT -m set --match-set nope src"), 2);
	assert_non_null(strstr(sb_str(&f->ctx.err), "Set nope doesn't exist.\n"));
}

static void test_map_set(void **state)
{
	struct fx *f = *state;
	struct usnf_hook_state st = { .hook = USNF_INET_FORWARD, .pf = USNF_NFPROTO_IPV4,
				      .net = f->net };
	struct xt_action par = { .net = f->net, .state = &st, .family = XT_FAMILY_V4 };
	const struct xt_table *t;
	struct xt_rule *r;
	struct pkt *p;

	assert_int_equal(run(f, "ipset create m hash:net skbinfo initval 0x3"), 0);
	assert_int_equal(run(f, "ipset add m 10.0.0.0/8 skbmark 0x50/0xf0 skbprio 1:10"), 0);
	assert_int_equal(run(f, "ipset add m 10.9.0.0/16 skbqueue 3"), 0);
	assert_int_equal(run(f, "ipset save m"), 0);
	assert_string_equal(sb_str(&f->ctx.out),
		"create m hash:net family inet hashsize 1024 maxelem 65536 skbinfo bucketsize 12 "
		"initval 0x00000003\n"
		"add m 10.0.0.0/8 skbmark 0x50/0xf0 skbprio 1:10\n"
		"add m 10.9.0.0/16 skbqueue 3\n");
	assert_int_equal(run(f, "ipset create n hash:ip"), 0);
	assert_int_equal(run(f, "ipset add n 1.1.1.1 skbmark 0x1"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Skbinfo mapping cannot be used: "
			    "set was created without skbinfo support\n");
	assert_int_equal(run(f, "iptables -t mangle -A FORWARD -j SET --map-set m src "
			     "--map-mark --map-prio"), 0);
	assert_int_equal(run(f, "iptables -A FORWARD -j SET --map-set m src --map-mark"), 4);
	assert_int_equal(run(f, "iptables -A FORWARD -j SET --map-set m src"), 2);
	assert_non_null(strstr(sb_str(&f->ctx.err), "You must specify flags `--map-mark' or "
			       "'--map-prio` or `--map-queue'"));
	t = xt_table_get(f->net, XT_FAMILY_V4, XT_TABLE_MANGLE);
	r = t->chains[xt_chain_find(t, "FORWARD")].rules[0];
	p = mk4(f, IP(10, 1, 2, 3), IP(1, 1, 1, 1), 6, 1, 2);
	p->mark = 0x1234;
	r->target->target(p, r->tdata, &par);
	assert_int_equal(p->mark, 0x1254);              /* (0x1234 & ~0xf0) ^ 0x50 */
	assert_int_equal(p->priority, 0x10010);     /* tc handle 1:10, hex */
	pkt_free(p);
	p = mk4(f, IP(11, 1, 2, 3), IP(1, 1, 1, 1), 6, 1, 2);
	p->mark = 7;
	r->target->target(p, r->tdata, &par);
	assert_int_equal(p->mark, 7);                   /* not in the set: unchanged */
	assert_int_equal(p->priority, 0);
	pkt_free(p);
}


/*
 * hash:mac (the kernel of the differential test has no hash:mac module, so its
 * forms are checked here, against lib/ipset_hash_mac.c and ipset_print_ether()).
 */
static void test_hash_mac(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "ipset create m hash:mac counters initval 0x9"), 0);
	assert_int_equal(run(f, "ipset add m 0a:b:c:d:e:f packets 2"), 0);
	assert_int_equal(run(f, "ipset add m 00:00:00:00:00:00"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Null-valued element, cannot be "
			    "stored in a hash type of set\n");
	assert_int_equal(run(f, "ipset add m 02:00:00:00:00"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Syntax error: cannot parse "
			    "'02:00:00:00:00' as ethernet address\n");
	assert_int_equal(run(f, "ipset add m 02:00:00:00:00:100"), 1);
	assert_int_equal(run(f, "ipset test m 0A:0B:0C:0D:0E:0F"), 0);
	assert_string_equal(sb_str(&f->ctx.err), "Warning: 0A:0B:0C:0D:0E:0F is in set m.\n");
	assert_int_equal(run(f, "ipset test m 0A:0B:0C:0D:0E:0E"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "0A:0B:0C:0D:0E:0E is NOT in set m.\n");
	assert_int_equal(run(f, "ipset save m"), 0);
	assert_string_equal(sb_str(&f->ctx.out),
			    "create m hash:mac hashsize 1024 maxelem 65536 counters bucketsize 12 "
			    "initval 0x00000009\n"
			    "add m 0A:0B:0C:0D:0E:0F packets 2 bytes 0\n");
	/* family neutral: no family option */
	assert_int_equal(run(f, "ipset create m6 hash:mac family inet6"), 2);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Unknown argument: `family'\n"
			    "Try `ipset help' for more information.\n");
	assert_int_equal(run(f, "ipset -o xml list m -t"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "<header><hashsize>1024</hashsize>"
			       "<maxelem>65536</maxelem><counters/><bucketsize>12</bucketsize>"
			       "<initval>0x00000009</initval>\n"));
}

/* The engine answers requests with the kernel's codes, in the kernel's order. */
static void test_uadt_codes(void **state)
{
	struct fx *f = *state;
	struct ipset_net *in = f->net->ipset;
	struct ipset_attrs a = { 0 };
	struct ipset_set *s;

	assert_int_equal(ipset_ucreate(in, "h", "hash:ip", IPSET_FAM_INET, &a, false), 0);
	assert_int_equal(ipset_ucreate(in, "h", "hash:ip", IPSET_FAM_INET, &a, false), -EEXIST);
	assert_int_equal(ipset_ucreate(in, "h", "hash:ip", IPSET_FAM_INET6, &a, true), 0);
	assert_int_equal(ipset_ucreate(in, "x", "hash:nope", IPSET_FAM_INET, &a, false),
			 -IPSET_ERR_FIND_TYPE);
	assert_int_equal(ipset_ucreate(in, "x", "hash:net", IPSET_FAM_UNSPEC, &a, false),
			 -IPSET_ERR_INVALID_FAMILY);
	assert_int_equal(ipset_ucreate(in, "x", "bitmap:ip", IPSET_FAM_INET, &a, false),
			 -IPSET_ERR_PROTOCOL);
	s = ipset_get(in, (unsigned int)ipset_find(in, "h"));
	assert_int_equal(ipset_uadt(in, s, IPSET_ADD, &a, false), -IPSET_ERR_PROTOCOL);
	a.has = IPSET_A(IP);
	assert_int_equal(ipset_uadt(in, s, IPSET_ADD, &a, false), -IPSET_ERR_HASH_ELEM);
	a.ip[0] = 10;
	a.ip[3] = 1;
	a.has |= IPSET_A(TIMEOUT);
	assert_int_equal(ipset_uadt(in, s, IPSET_ADD, &a, false), -IPSET_ERR_TIMEOUT);
	a.has = IPSET_A(IP) | IPSET_A(CIDR);
	a.cidr = 30;
	assert_int_equal(ipset_uadt(in, s, IPSET_ADD, &a, false), 0);
	assert_int_equal(ipset_uadt(in, s, IPSET_ADD, &a, false), -IPSET_ERR_EXIST);
	assert_int_equal(ipset_uadt(in, s, IPSET_ADD, &a, true), 0);
	assert_int_equal(ipset_uadt(in, s, IPSET_TEST, &a, false), 0);   /* 10.0.0.0 is in */
	a.has = IPSET_A(IP);
	a.ip[3] = 9;
	assert_int_equal(ipset_uadt(in, s, IPSET_TEST, &a, false), -IPSET_ERR_EXIST);
	assert_int_equal(ipset_uadt(in, s, IPSET_DEL, &a, false), -IPSET_ERR_EXIST);
	assert_int_equal(ipset_uadt(in, s, IPSET_DEL, &a, true), 0);
	/* hash:net refuses the whole IPv4 space as a range and /0 as a prefix */
	struct ipset_attrs n = { .has = IPSET_A(IP) | IPSET_A(IP_TO) };
	memset(n.ip_to, 0xff, 4);
	assert_int_equal(ipset_ucreate(in, "n", "hash:net", IPSET_FAM_INET, &a, false), 0);
	s = ipset_get(in, (unsigned int)ipset_find(in, "n"));
	assert_int_equal(ipset_uadt(in, s, IPSET_ADD, &n, false), -IPSET_ERR_HASH_RANGE);
	n.has = IPSET_A(IP) | IPSET_A(CIDR);
	assert_int_equal(ipset_uadt(in, s, IPSET_ADD, &n, false), -IPSET_ERR_INVALID_CIDR);
	/* swap needs the same features: hash:ip and bitmap:ip may, hash:net may not */
	struct ipset_attrs b = { .has = IPSET_A(IP) | IPSET_A(CIDR), .cidr = 24 };
	b.ip[0] = 10;
	assert_int_equal(ipset_ucreate(in, "b", "bitmap:ip", IPSET_FAM_INET, &b, false), 0);
	assert_int_equal(ipset_uswap(in, "h", "b"), 0);
	assert_int_equal(ipset_uswap(in, "h", "n"), -IPSET_ERR_TYPE_MISMATCH);
	assert_int_equal(ipset_uswap(in, "h", "zz"), -IPSET_ERR_EXIST_SETNAME2);
	assert_int_equal(ipset_urename(in, "h", "n"), -IPSET_ERR_EXIST_SETNAME2);
	assert_int_equal(ipset_udestroy(in, "zz", true), 0);
	assert_int_equal(ipset_udestroy(in, "zz", false), -ENOENT);
}

/*
 * The packet path as ip_set_match_extensions(): counters are updated before the
 * match compares them, a SET add counts the packet that added it (and --exist
 * resets that), hash:net,iface wildcards match interface name prefixes.
 */
static void test_counters_and_wildcards(void **state)
{
	struct fx *f = *state;
	struct usnf_hook_state st = { .hook = USNF_INET_FORWARD, .pf = USNF_NFPROTO_IPV4,
				      .net = f->net };
	struct xt_action par = { .net = f->net, .state = &st, .family = XT_FAMILY_V4 };
	struct usnf_iface eth7 = { .name = "eth7" };
	struct pkt *p;

	assert_int_equal(run(f, "ipset create c hash:ip counters"), 0);
	assert_int_equal(run(f, "ipset add c 10.0.0.1"), 0);
	assert_int_equal(run(f, "iptables -A INPUT -m set --match-set c src --packets-gt 0"), 0);
	struct xt_rule *gt0 = rule0(f, "INPUT");
	p = mk4(f, IP(10, 0, 0, 1), IP(1, 1, 1, 1), 6, 1, 2);
	assert_true(match_rule(f, gt0, p));     /* counted to 1, then compared */
	pkt_free(p);

	assert_int_equal(run(f, "ipset create s hash:ip counters timeout 100"), 0);
	assert_int_equal(run(f, "iptables -A FORWARD -j SET --add-set s src --exist"), 0);
	struct xt_rule *add = rule0(f, "FORWARD");
	p = mk4(f, IP(10, 0, 0, 2), IP(1, 1, 1, 1), 6, 1, 2);
	add->target->target(p, add->tdata, &par);
	assert_int_equal(run(f, "ipset list s"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "10.0.0.2 timeout 100 packets 1 bytes 40\n"));
	assert_int_equal(run(f, "iptables -A INPUT -m set --match-set s src"), 0);
	struct xt_rule *m = rule0(f, "INPUT");
	assert_true(match_rule(f, m, p));
	assert_true(match_rule(f, m, p));
	assert_int_equal(run(f, "ipset save s"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "add s 10.0.0.2 timeout 100 packets 3 bytes 120\n"));
	add->target->target(p, add->tdata, &par);        /* --exist: extensions overwritten */
	assert_int_equal(run(f, "ipset save s"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "add s 10.0.0.2 timeout 100 packets 1 bytes 40\n"));
	pkt_free(p);

	assert_int_equal(run(f, "ipset create i hash:net,iface"), 0);
	assert_int_equal(run(f, "ipset add i 10.0.0.0/8,eth wildcard"), 0);
	assert_int_equal(run(f, "ipset add i 10.0.0.0/8,eth9"), 1);   /* the wildcard has it */
	assert_int_equal(run(f, "ipset test i 10.1.1.1,eth0"), 0);
	assert_int_equal(run(f, "iptables -A FORWARD -m set --match-set i src,src"), 0);
	struct xt_rule *ifr = rule0(f, "FORWARD");
	struct xt_action fpar = { .net = f->net, .state = &st, .family = XT_FAMILY_V4 };
	p = mk4(f, IP(10, 3, 3, 3), IP(1, 1, 1, 1), 6, 1, 2);
	fpar.thoff = p->trans_off;
	st.in = &eth7;
	assert_true(ifr->matches[0].ops->match(p, ifr->matches[0].data, &fpar));
	snprintf(eth7.name, sizeof(eth7.name), "lo");
	assert_false(ifr->matches[0].ops->match(p, ifr->matches[0].data, &fpar));
	pkt_free(p);
	assert_int_equal(run(f, "ipset del i 10.0.0.0/8,eth5"), 0);   /* deletes the wildcard */
	assert_int_equal(run(f, "ipset list i -t"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "Number of entries: 0\n"));
}

/* restore sends add/del lines of one set together: a later syntax error loses them. */
static void test_restore_batch(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run_input(f, "ipset restore", "create a hash:ip\nadd a 1.1.1.1\n"
				   "add a 1.1.1.1\nadd a x.y\n"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Error in line 4: Syntax error: "
			    "cannot parse x.y: resolving to IPv4 address failed\n");
	assert_int_equal(run(f, "ipset list a -t"), 0);
	assert_non_null(strstr(sb_str(&f->ctx.out), "Number of entries: 0\n"));
	assert_int_equal(run_input(f, "ipset restore", "add a 1.1.1.1\nadd a 1.1.1.1\n"
				   "create b hash:ip\n"), 1);
	assert_string_equal(sb_str(&f->ctx.err), "ipset v7.17: Error in line 2: Element cannot "
			    "be added to the set: it's already added\n");
	assert_int_equal(run(f, "ipset list -n"), 0);
	assert_string_equal(sb_str(&f->ctx.out), "a\n");        /* b never created */
	/* a successful test ends a restore (its warning is the program's last word) */
	assert_int_equal(run_input(f, "ipset restore", "test a 1.1.1.1\nadd a 2.2.2.2\n"), 0);
	assert_string_equal(sb_str(&f->ctx.err), "Warning: 1.1.1.1 is in set a.\n");
	assert_int_equal(run(f, "ipset test a 2.2.2.2"), 1);
}

/* ---- randomized: the hash index and longest-prefix lookup against naive lists ---- */

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 1;
}

struct naive_net {
	uint32_t net;
	uint8_t cidr;
	bool nomatch, live;
};

static uint32_t mask_of(uint8_t c)
{
	return c ? 0xffffffffu << (32 - c) : 0;
}

static void test_random_hash_net(void **state)
{
	struct fx *f = *state;
	struct ipset_net *in = f->net->ipset;
	struct ipset_create_opts o = { .maxelem = 100000 };
	static struct naive_net nv[3000];
	unsigned int nn = 0;

	assert_int_equal(ipset_create(in, "r", ipset_type_find("hash:net"), &o, false), 0);
	struct ipset_set *s = ipset_get(in, (unsigned int)ipset_find(in, "r"));
	for (int round = 0; round < 6000; round++) {
		uint8_t c = (uint8_t)(8 + rnd() % 25);
		/* a small address space so that prefixes nest and collide */
		uint32_t a = (IP(10, 0, 0, 0) | (rnd() & 0x0003ffffu)) & mask_of(c);
		struct ipset_key k = { .cidr = c };
		struct ipset_ext x = { .timeout = IPSET_NO_TIMEOUT, .nomatch = rnd() % 4 == 0,
				       .before = -1, .after = -1 };
		unsigned int i;

		k.ip[0] = (uint8_t)(a >> 24), k.ip[1] = (uint8_t)(a >> 16);
		k.ip[2] = (uint8_t)(a >> 8), k.ip[3] = (uint8_t)a;
		for (i = 0; i < nn && !(nv[i].live && nv[i].net == a && nv[i].cidr == c); i++)
			;
		if (rnd() % 3 == 0) {
			int rc = ipset_del(in, s, &k, false);

			assert_int_equal(rc, i < nn ? 0 : -IPSET_E_ELEM_NOENT);
			if (i < nn)
				nv[i].live = false;
		} else if (nn < 3000 || i < nn) {
			int rc = ipset_add(in, s, &k, &x, true);

			assert_int_equal(rc, 0);
			if (i == nn)
				nv[nn++] = (struct naive_net){ a, c, x.nomatch, true };
			else
				nv[i].nomatch = x.nomatch;
		}
		/* probe a random address: most specific live prefix decides */
		uint32_t q = IP(10, 0, 0, 0) | (rnd() & 0x0003ffffu);
		int best = -1;
		for (i = 0; i < nn; i++)
			if (nv[i].live && (q & mask_of(nv[i].cidr)) == nv[i].net &&
			    (best < 0 || nv[i].cidr > nv[best].cidr))
				best = (int)i;
		struct pkt *p = mk4(f, q, IP(1, 1, 1, 1), 17, 1, 2);
		struct usnf_hook_state st = { .net = f->net };
		struct ipset_adt_opt opt = { .family = IPSET_FAM_INET, .dim = 1, .flags = 2 };
		int got = ipset_pkt_test(f->net, (unsigned int)ipset_find(in, "r"), p, &st, &opt);

		assert_int_equal(got, best >= 0 && !nv[best].nomatch);
		pkt_free(p);
	}
	unsigned int live = 0;
	for (unsigned int i = 0; i < nn; i++)
		live += nv[i].live;
	assert_int_equal(s->nlive, live);
}

static void test_random_hash_ipport(void **state)
{
	struct fx *f = *state;
	struct ipset_net *in = f->net->ipset;
	struct ipset_create_opts o = { 0 };
	static uint64_t naive[4096];
	static bool live[4096];
	unsigned int n = 0;

	assert_int_equal(ipset_create(in, "q", ipset_type_find("hash:ip,port"), &o, false), 0);
	struct ipset_set *s = ipset_get(in, (unsigned int)ipset_find(in, "q"));
	for (int round = 0; round < 20000; round++) {
		uint32_t a = IP(192, 168, 0, rnd() % 64);
		uint16_t port = (uint16_t)(rnd() % 32);
		uint8_t proto = rnd() % 2 ? 6 : 17;
		uint64_t id = (uint64_t)a << 24 | (uint64_t)port << 8 | proto;
		struct ipset_key k = { .port = port, .proto = proto };
		struct ipset_ext x = { .timeout = IPSET_NO_TIMEOUT, .before = -1, .after = -1 };
		unsigned int i;

		k.ip[0] = 192, k.ip[1] = 168, k.ip[3] = (uint8_t)a;
		for (i = 0; i < n && naive[i] != id; i++)
			;
		bool present = i < n && live[i];
		switch (rnd() % 3) {
		case 0:
			assert_int_equal(ipset_add(in, s, &k, &x, false),
					 present ? -IPSET_E_ELEM_EXIST : 0);
			if (i == n)
				naive[n++] = id;
			live[i] = true;
			break;
		case 1:
			assert_int_equal(ipset_del(in, s, &k, false),
					 present ? 0 : -IPSET_E_ELEM_NOENT);
			if (i < n)
				live[i] = false;
			break;
		default: {
			struct pkt *p = mk4(f, IP(1, 1, 1, 1), a, proto, 9, port);
			struct usnf_hook_state st = { .net = f->net };
			struct ipset_adt_opt opt = { .family = IPSET_FAM_INET, .dim = 2 };

			assert_int_equal(ipset_pkt_test(f->net, (unsigned int)ipset_find(in, "q"), p,
							&st, &opt), present);
			pkt_free(p);
		}
		}
	}
	unsigned int cnt = 0;
	for (unsigned int i = 0; i < n; i++)
		cnt += live[i];
	assert_int_equal(s->nlive, cnt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_save_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_restore_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_eval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_eval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uadt_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_and_wildcards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_hash_net, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_hash_ipport, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
