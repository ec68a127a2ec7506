/*
 * test_nfbpf: the nfbpf_compile command (cli/nfbpf.c) against the real tool's recorded
 * outputs (nfbpf_recorded.h, made by tests/nfbpf/record), and its programs loaded into
 * `-m bpf --bytecode` rules: a rule drops exactly the frames libpcap's own interpreter
 * (pcap_offline_filter()) says the expression selects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include <usnf/net.h>

#include "cli/cli.h"
#include "pkt/csum.h"

#include "engine_harness.h"

struct nfbpf_case {
	int argc;               /* arguments after argv[0] */
	const char *args[3];
	int rc;
	const char *out, *err;
};

#include "nfbpf_recorded.h"

/* argv words run through cli_run(): exit status, stdout into out, stderr into err. */
static int run_argv(struct usnf_net *net, char **argv, struct strbuf *out, struct strbuf *err)
{
	struct cli_ctx c = { .net = net, .out = STRBUF_INIT, .err = STRBUF_INIT };
	int argc = 0, rc;

	while (argv[argc])
		argc++;
	rc = cli_run(&c, argc, argv);
	sb_add(out, sb_str(&c.out));
	sb_add(err, sb_str(&c.err));
	sb_release(&c.out);
	sb_release(&c.err);
	return rc;
}

/* Every recorded case: the same exit status, stdout and stderr, byte for byte. */
static void test_recorded(void **state)
{
	struct usnf_net *net = NULL;

	(void)state;
	assert_int_equal(usnf_net_create(&net), 0);
	for (size_t i = 0; i < sizeof(nfbpf_recorded) / sizeof(nfbpf_recorded[0]); i++) {
		const struct nfbpf_case *tc = &nfbpf_recorded[i];
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
		char *argv[5] = { "nfbpf_compile" };

		for (int a = 0; a < tc->argc; a++)
			argv[1 + a] = (char *)tc->args[a];
		argv[1 + tc->argc] = NULL;
		int rc = run_argv(net, argv, &out, &err);

		if (rc != tc->rc || strcmp(sb_str(&out), tc->out) || strcmp(sb_str(&err), tc->err))
			print_error("case %zu (%s): exit %d, out '%s', err '%s'\n", i,
				    tc->argc ? tc->args[tc->argc - 1] : "no arguments", rc,
				    sb_str(&out), sb_str(&err));
		assert_int_equal(rc, tc->rc);
		assert_string_equal(sb_str(&out), tc->out);
		assert_string_equal(sb_str(&err), tc->err);
		sb_release(&out);
		sb_release(&err);
	}
	usnf_net_destroy(net);
}

/* Bad input: long, unbalanced, binary-looking expressions fail cleanly or compile. */
static void test_bad_input(void **state)
{
	static const char *const exprs[] = {
		"tcp[", "ip[1:3] = 1", "\xff\xfe", "port -1", "len >",
		"ether[0:4294967295]", "tcp port 22 and", "))))",
	};
	char big[8192];
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		char *argv[] = { "nfbpf_compile", "RAW", (char *)exprs[i], NULL };

		sb_reset(&out);
		sb_reset(&err);
		assert_int_equal(run_argv(NULL, argv, &out, &err), 1);
		assert_string_equal(sb_str(&out), "");
		assert_string_equal(sb_str(&err), "Compilation error\n");
	}
	/* 100 alternatives: a long program, printed whole (the match refuses it, not this);
	 * libpcap's optimizer is superlinear, so more would only slow the test */
	size_t n = 0;
	for (int i = 0; i < 100 && n + 16 < sizeof(big); i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%sport %d", i ? " or " : "", i + 1);
	char *argv[] = { "nfbpf_compile", big, NULL };

	sb_reset(&out);
	sb_reset(&err);
	assert_int_equal(run_argv(NULL, argv, &out, &err), 0);
	assert_true(atoi(sb_str(&out)) > 64);
	assert_string_equal(sb_str(&err), "");
	sb_release(&out);
	sb_release(&err);
}

/* --- evaluation --- */

#define IF_ETH0 2

static const uint8_t R0[6] = { 2, 0, 0, 0, 0, 1 }, H0[6] = { 2, 1, 0, 0, 0, 10 };

/* One test frame: IPv4 10.0.0.<src> / IPv6 fd00::<src> -> 198.51.100.<dst> / 2001:db8:ffff::<dst>. */
struct frame_spec {
	int v6;
	uint8_t proto, src, dst, ttl;
	uint16_t sport, dport;  /* ICMP: sport is the type */
	uint8_t tcp_flags;
	uint16_t payload;
};

static const struct frame_spec frames[] = {
	{ 0, 6, 10, 7, 64, 40000, 22, 0x02, 0 },        /* SYN to ssh */
	{ 0, 6, 10, 8, 64, 40000, 22, 0x10, 120 },      /* ACK to ssh, 160 bytes */
	{ 0, 6, 10, 8, 4, 40001, 8080, 0x02, 0 },       /* SYN, TTL 4 */
	{ 0, 6, 11, 8, 64, 1500, 443, 0x12, 0 },        /* SYN-ACK from port 1500 */
	{ 0, 17, 10, 8, 64, 5353, 53, 0, 4 },           /* DNS, padded to 60 bytes */
	{ 0, 17, 11, 8, 64, 5353, 1234, 0, 200 },
	{ 0, 1, 10, 8, 64, 8, 0, 0, 0 },                /* echo request, padded */
	{ 0, 1, 11, 7, 64, 0, 0, 0, 56 },               /* echo reply */
	{ 1, 6, 10, 8, 64, 40000, 22, 0x02, 0 },
	{ 1, 17, 10, 8, 64, 5353, 53, 0, 10 },
	{ 1, 17, 10, 8, 64, 5353, 1500, 0, 200 },
};

#define NFRAMES (sizeof(frames) / sizeof(frames[0]))

/* The frame of s with its checksums (the IP packet at 14); returns its length. */
static uint32_t frame_build(uint8_t *f, const struct frame_spec *s)
{
	uint8_t *h = f + 14, *l4;
	uint32_t l4len = (s->proto == 6 ? 20 : 8) + s->payload, iplen, sum;

	memset(f, 0, 1600);
	memcpy(f, R0, 6);
	memcpy(f + 6, H0, 6);
	if (s->v6) {
		f[12] = 0x86, f[13] = 0xdd;
		h[0] = 0x60;
		h[4] = (uint8_t)(l4len >> 8), h[5] = (uint8_t)l4len;
		h[6] = s->proto;
		h[7] = s->ttl;
		h[8] = 0xfd, h[23] = s->src;
		h[24] = 0x20, h[25] = 0x01, h[26] = 0x0d, h[27] = 0xb8, h[28] = 0xff, h[29] = 0xff;
		h[39] = s->dst;
		l4 = h + 40;
		iplen = 40 + l4len;
		sum = csum_pseudo6(h + 8, h + 24, s->proto, l4len);
	} else {
		f[12] = 0x08, f[13] = 0x00;
		iplen = 20 + l4len;
		h[0] = 0x45;
		h[2] = (uint8_t)(iplen >> 8), h[3] = (uint8_t)iplen;
		h[8] = s->ttl;
		h[9] = s->proto;
		h[12] = 10, h[15] = s->src;
		h[16] = 198, h[17] = 51, h[18] = 100, h[19] = s->dst;
		uint16_t c = ip_fast_csum(h, 5);

		memcpy(h + 10, &c, 2);
		l4 = h + 20;
		uint32_t sa, da;

		memcpy(&sa, h + 12, 4);
		memcpy(&da, h + 16, 4);
		sum = s->proto == 1 ? 0 : csum_pseudo4(sa, da, s->proto, l4len);
	}
	if (s->proto == 1) {
		l4[0] = (uint8_t)s->sport;
	} else {
		l4[0] = (uint8_t)(s->sport >> 8), l4[1] = (uint8_t)s->sport;
		l4[2] = (uint8_t)(s->dport >> 8), l4[3] = (uint8_t)s->dport;
	}
	if (s->proto == 6) {
		l4[12] = 0x50;
		l4[13] = s->tcp_flags;
		l4[14] = 0xff, l4[15] = 0xff;
	} else if (s->proto == 17) {
		l4[4] = (uint8_t)(l4len >> 8), l4[5] = (uint8_t)l4len;
	}
	for (uint32_t i = 0; i < s->payload; i++)
		l4[(s->proto == 6 ? 20 : 8) + i] = (uint8_t)('a' + i % 26);
	uint16_t c = csum_fold(csum_partial(l4, l4len, sum));
	memcpy(l4 + (s->proto == 6 ? 16 : s->proto == 17 ? 6 : 2), &c, 2);
	/* Ethernet's minimum frame: the padding is not part of the IP packet */
	return 14 + iplen < 60 ? 60 : 14 + iplen;
}

static uint32_t frame_iplen(const uint8_t *f)
{
	const uint8_t *h = f + 14;

	return f[12] == 0x86 ? 40u + (uint32_t)(h[4] << 8 | h[5]) : (uint32_t)(h[2] << 8 | h[3]);
}

static struct usnf_net *router(void)
{
	static const char *const setup[] = {
		"ip link set eth0 address 02:00:00:00:00:01 up",
		"ip link set eth1 address 02:00:00:00:00:02 up",
		"ip addr add 10.0.0.1/24 dev eth0",
		"ip addr add 192.0.2.1/24 dev eth1",
		"ip -6 addr add fd00::1/64 dev eth0",
		"ip -6 addr add 2001:db8::1/64 dev eth1",
		"ip route add default via 192.0.2.254",
		"ip -6 route add default via 2001:db8::fe",
		"ip neigh add 192.0.2.254 lladdr 02:01:00:00:01:fe dev eth1 nud permanent",
		"ip -6 neigh add 2001:db8::fe lladdr 02:01:00:00:01:fe dev eth1 nud permanent",
		"sysctl -w net.ipv4.ip_forward=1",
		"sysctl -w net.ipv6.conf.all.forwarding=1",
		NULL,
	};
	int ifindex[2];
	struct usnf_net *net = harness_router(ifindex, 2, setup, NULL);

	assert_int_equal(ifindex[0], IF_ETH0);
	return net;
}

/* The expression compiled by `nfbpf_compile RAW EXPR`, its newline cut: the --bytecode argument. */
static void compile_cli(struct usnf_net *net, const char *expr, struct strbuf *code)
{
	char *argv[] = { "nfbpf_compile", "RAW", (char *)expr, NULL };
	struct strbuf err = STRBUF_INIT;

	sb_reset(code);
	assert_int_equal(run_argv(net, argv, code, &err), 0);
	assert_true(code->len > 0 && code->s[code->len - 1] == '\n');
	code->s[--code->len] = '\0';
	sb_release(&err);
}

/* The raw-table PREROUTING rule dropping what the program selects, in both families. */
static void rule_load(struct usnf_net *net, const char *code)
{
	char *v4[] = { "iptables", "-t", "raw", "-A", "PREROUTING", "-m", "bpf",
		       "--bytecode", (char *)code, "-j", "DROP", NULL };
	char *v6[] = { "ip6tables", "-t", "raw", "-A", "PREROUTING", "-m", "bpf",
		       "--bytecode", (char *)code, "-j", "DROP", NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	if (run_argv(net, v4, &out, &err) || run_argv(net, v6, &out, &err))
		fail_msg("rule '%s' refused: %s", code, sb_str(&err));
	sb_release(&out);
	sb_release(&err);
}

/*
 * Each expression as a rule: frame i is dropped iff libpcap's interpreter, run on the
 * IP packet (what the match sees from the network header), accepts it.  Each expression
 * selects some frames and not others, so a match that always or never fires fails.
 */
static void test_eval(void **state)
{
	static const char *const exprs[] = {
		"tcp dst port 22",
		"ip proto 6",
		"udp and dst port 53",
		"icmp[icmptype] == icmp-echo",
		"tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
		"host 10.0.0.10",
		"src net 10.0.0.0/24 and not dst host 198.51.100.7",
		"greater 100",
		"less 60",
		"ip[8] < 5",
		"portrange 1000-2000",
		"ip6 and tcp",
		"ip6 and udp dst port 53",
		"not ip",
		"tcp or icmp",
	};
	static uint8_t f[NFRAMES][1600];
	uint32_t len[NFRAMES];
	struct strbuf code = STRBUF_INIT;
	struct usnf_net *net = router();

	(void)state;
	for (size_t i = 0; i < NFRAMES; i++) {
		len[i] = frame_build(f[i], &frames[i]);
		assert_int_equal(usnf_net_rx(net, IF_ETH0, f[i], len[i]), USNF_FATE_FORWARDED);
	}
	for (size_t e = 0; e < sizeof(exprs) / sizeof(exprs[0]); e++) {
		pcap_t *p = pcap_open_dead(DLT_RAW, 65535);
		struct bpf_program prog;
		unsigned int selected = 0;

		assert_non_null(p);
		assert_int_equal(pcap_compile(p, &prog, exprs[e], 1, PCAP_NETMASK_UNKNOWN), 0);
		compile_cli(net, exprs[e], &code);
		rule_load(net, sb_str(&code));
		for (size_t i = 0; i < NFRAMES; i++) {
			uint32_t iplen = frame_iplen(f[i]);
			struct pcap_pkthdr hdr = { .caplen = iplen, .len = iplen };
			bool want = pcap_offline_filter(&prog, &hdr, f[i] + 14) != 0;
			int fate = usnf_net_rx(net, IF_ETH0, f[i], len[i]);

			if ((fate == USNF_FATE_DROPPED) != want)
				fail_msg("'%s' frame %zu: fate %s, libpcap says %s", exprs[e], i,
					 usnf_fate_name(fate), want ? "match" : "no match");
			assert_int_equal(fate, want ? USNF_FATE_DROPPED : USNF_FATE_FORWARDED);
			selected += want;
		}
		assert_true(selected > 0 && selected < NFRAMES);
		harness_run_ok(net, "iptables -t raw -F PREROUTING");
		harness_run_ok(net, "ip6tables -t raw -F PREROUTING");
		pcap_freecode(&prog);
		pcap_close(p);
	}
	sb_release(&code);
	usnf_net_destroy(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_eval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
