/* bench: `usnf bench forward`, ns per forwarded packet against the number of rules. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <usnf/net.h>

#include "cli/cli.h"
#include "hook/hook_core.h"
#include "cli/script.h"
#include "io/pcapng.h"
#include "pkt/csum.h"
#include "sim/bench.h"
#include "stack/net.h"
#include "util/strbuf.h"

/*
 * The router under test: eth0 (10.0.0.1/24) faces the senders, eth1 (10.0.1.1/24)
 * leads to 192.168.0.0/16 via a static neighbour, so every generated frame is
 * forwarded and transmitted.  With -f the user's setup file replaces this.
 */
static const char *const bench_setup_lines[] = {
	"sysctl -w net.ipv4.ip_forward=1",
	"ip link set eth0 address 02:00:00:00:00:01 up",
	"ip link set eth1 address 02:00:00:00:01:01 up",
	"ip addr add 10.0.0.1/24 dev eth0",
	"ip addr add 10.0.1.1/24 dev eth1",
	"ip neigh add 10.0.1.2 lladdr 02:00:00:00:01:02 dev eth1",
	"ip route add 192.168.0.0/16 via 10.0.1.2",
	NULL,
};

static const uint8_t bench_r0_mac[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t bench_h0_mac[6] = { 2, 0, 0, 0, 0, 2 };

struct bench_opts {
	const char *in;                 /* -i FILE.pcapng */
	const char *setup;              /* -f SETUP */
	unsigned long rules;            /* -n */
	unsigned long count;            /* -c */
	unsigned int batch;             /* --batch */
	unsigned int flows;             /* --flows (generated frames) */
};

/* The frames fed in a loop: all in one buffer, with their interfaces. */
struct bench_frames {
	uint8_t *data;
	const uint8_t **ptr;
	uint32_t *len;
	int *ifindex;
	unsigned int n;
};

struct bench_tx {
	uint64_t frames;
	uint64_t bytes;
};

static void bench_tx_count(void *ctx, int ifindex, const uint8_t *frame, uint32_t len,
			   const struct pkt *pkt)
{
	struct bench_tx *t = ctx;

	t->frames++;
	t->bytes += len;
}

static void bench_usage(FILE *f)
{
	fprintf(f,
		"usage: usnf bench forward [-n RULES] [-c COUNT] [--batch B] [--flows F]\n"
		"                          [-i FRAMES.pcapng] [-f SETUP]\n"
		"  -n RULES     filter FORWARD rules that match nothing, then ACCEPT (default 0)\n"
		"               (rules= in the output counts every rule installed, -f's too)\n"
		"  -c COUNT     packets to forward (default 1000000)\n"
		"  --batch B    frames per usnf_net_rx_burst call (default 32)\n"
		"  --flows F    distinct generated 5-tuples, UDP and TCP (default 1024)\n"
		"  -i FILE      feed the frames of FILE (on the interfaces of their IDB names)\n"
		"  -f SETUP     configure the router with SETUP instead of the built-in one\n"
		"prints: rules=N packets=C ns/packet=X.X Mpps=Y.YY\n"
		"       usnf bench hooks [-n HOOKS] [-c RUNS]   hook_run() with N accepting functions\n"
		"       usnf bench csum [-c COUNT]              csum_partial() on 20/64/1500 bytes\n");
}

/* Run one command; its error output goes to stderr prefixed by what ran. */
static int bench_cmd(struct usnf_net *net, int argc, char **argv, const char *input,
		     size_t input_len, const char *what)
{
	struct cli_ctx ctx = { .net = net, .out = STRBUF_INIT, .err = STRBUF_INIT,
			       .input = input, .input_len = input_len };
	int rc = cli_run(&ctx, argc, argv);

	if (rc)
		fprintf(stderr, "usnf bench: %s: %s%s", what,
			rc == -ENOENT ? "unknown command\n" : "",
			sb_str(&ctx.err));
	sb_release(&ctx.out);
	sb_release(&ctx.err);
	return rc;
}

static int bench_line(struct usnf_net *net, const char *line)
{
	char copy[256], *argv[32], *save = NULL;
	int argc = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok_r(copy, " ", &save); w && argc < 31; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	return bench_cmd(net, argc, argv, NULL, 0, line);
}

static char *bench_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[n] = 0;
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

/* A setup file as `usnf sim -f` reads it (heredocs included; `< FILE` is not supported). */
static int bench_setup_file(struct usnf_net *net, const char *path)
{
	struct strbuf err = STRBUF_INIT;
	struct script s = { 0 };
	size_t len = 0;
	char *text = bench_slurp(path, &len);
	int rc = 0;

	if (!text) {
		fprintf(stderr, "usnf bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (script_parse(text, len, &s, &err)) {
		fprintf(stderr, "usnf bench: %s:%s\n", path, sb_str(&err));
		rc = -1;
	}
	for (unsigned int i = 0; rc == 0 && i < s.n; i++) {
		const struct script_cmd *c = &s.cmds[i];
		char what[512];

		snprintf(what, sizeof(what), "%s:%u", path, c->line);
		if (bench_cmd(net, c->argc, c->argv, c->input, c->input_len, what) &&
		    !c->may_fail)
			rc = -1;
	}
	script_free(&s);
	sb_release(&err);
	free(text);
	return rc;
}

/*
 * N rules in one iptables-restore transaction (one table replacement instead of N):
 * sources in 10.128.0.0/9, never a generated sender, so each packet is checked
 * against every rule and accepted by the policy, as iptables' linear scan does.
 */
static int bench_rules(struct usnf_net *net, unsigned long n)
{
	struct strbuf sb = STRBUF_INIT;
	char *argv[] = { "iptables-restore", NULL };
	int rc;

	sb_add(&sb, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
	for (unsigned long i = 0; i < n; i++)
		sb_addf(&sb, "-A FORWARD -s 10.%lu.%lu.%lu/32 -p tcp -m tcp --dport %lu -j DROP\n",
			128 + (i >> 16) % 128, (i >> 8) & 255, i & 255, 1 + i % 65535);
	sb_add(&sb, "COMMIT\n");
	if (sb.oom) {
		sb_release(&sb);
		return -ENOMEM;
	}
	rc = bench_cmd(net, 1, argv, sb.s, sb.len, "iptables-restore");
	sb_release(&sb);
	return rc;
}

/* Rules installed in all iptables tables, counted from `iptables-save` ("-A " lines). */
static unsigned long bench_count_rules(struct usnf_net *net)
{
	struct cli_ctx ctx = { .net = net, .out = STRBUF_INIT, .err = STRBUF_INIT };
	char *argv[] = { "iptables-save", NULL };
	unsigned long n = 0;

	if (cli_run(&ctx, 1, argv) == 0)
		for (const char *l = sb_str(&ctx.out); l && *l; l = strchr(l, '\n')) {
			if (*l == '\n')
				l++;
			n += strncmp(l, "-A ", 3) == 0;
		}
	sb_release(&ctx.out);
	sb_release(&ctx.err);
	return n;
}

static void bench_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* One 64-byte UDP or TCP/IPv4 frame from 10.0.0.x to 192.168.y.z, checksums right. */
static uint32_t bench_gen_frame(uint8_t *f, unsigned int i)
{
	uint8_t *ip = f + 14, *l4 = ip + 20;
	int tcp = i & 1;
	uint32_t l4len = tcp ? 20 + 6 : 8 + 18, saddr, daddr;
	uint16_t c;

	memset(f, 0, 64);
	memcpy(f, bench_r0_mac, 6);
	memcpy(f + 6, bench_h0_mac, 6);
	bench_put16(f + 12, 0x0800);
	ip[0] = 0x45;
	bench_put16(ip + 2, (uint16_t)(20 + l4len));
	bench_put16(ip + 4, (uint16_t)i);
	ip[6] = 0x40;                           /* DF */
	ip[8] = 64;
	ip[9] = tcp ? 6 : 17;
	ip[12] = 10; ip[13] = 0; ip[14] = 0; ip[15] = (uint8_t)(2 + i % 250);
	ip[16] = 192; ip[17] = 168; ip[18] = (uint8_t)(i >> 8); ip[19] = (uint8_t)i;
	c = ip_fast_csum(ip, 5);
	memcpy(ip + 10, &c, 2);
	bench_put16(l4, (uint16_t)(1024 + i % 50000));
	bench_put16(l4 + 2, (uint16_t)(tcp ? 80 + i % 16 : 53 + i % 16));
	if (tcp) {
		l4[12] = 5 << 4;
		l4[13] = 0x10;                  /* ACK: a flow in progress */
		bench_put16(l4 + 14, 65535);
	} else {
		bench_put16(l4 + 4, (uint16_t)l4len);
	}
	memcpy(&saddr, ip + 12, 4);
	memcpy(&daddr, ip + 16, 4);
	c = csum_fold(csum_partial(l4, l4len, csum_pseudo4(saddr, daddr, ip[9], l4len)));
	if (!tcp && c == 0)
		c = CSUM_MANGLED_0;
	memcpy(l4 + (tcp ? 16 : 6), &c, 2);
	return 14 + 20 + l4len;
}

static int bench_frames_alloc(struct bench_frames *fr, unsigned int n, size_t bytes)
{
	fr->n = n;
	fr->data = malloc(bytes ? bytes : 1);
	fr->ptr = calloc(n, sizeof(*fr->ptr));
	fr->len = calloc(n, sizeof(*fr->len));
	fr->ifindex = calloc(n, sizeof(*fr->ifindex));
	return fr->data && fr->ptr && fr->len && fr->ifindex ? 0 : -ENOMEM;
}

static void bench_frames_free(struct bench_frames *fr)
{
	free(fr->data);
	free(fr->ptr);
	free(fr->len);
	free(fr->ifindex);
}

static int bench_gen(struct bench_frames *fr, unsigned int flows, int ifindex)
{
	if (bench_frames_alloc(fr, flows, (size_t)flows * 64))
		return -ENOMEM;
	for (unsigned int i = 0; i < flows; i++) {
		fr->ptr[i] = fr->data + (size_t)i * 64;
		fr->len[i] = bench_gen_frame(fr->data + (size_t)i * 64, i);
		fr->ifindex[i] = ifindex;
	}
	return 0;
}

/* Frames of a capture, each on the interface named by its IDB (created if missing). */
static int bench_load(struct usnf_net *net, struct bench_frames *fr, const char *path)
{
	struct strbuf err = STRBUF_INIT;
	struct pcapng_file f = { 0 };
	size_t off = 0;
	int rc = pcapng_read(path, &f, &err);

	if (rc || f.n_frames == 0) {
		fprintf(stderr, "usnf bench: %s\n", rc ? sb_str(&err) : "no frames in the capture");
		sb_release(&err);
		pcapng_file_free(&f);
		return -EINVAL;
	}
	sb_release(&err);
	rc = bench_frames_alloc(fr, f.n_frames, f.len);
	for (unsigned int i = 0; rc == 0 && i < f.n_frames; i++) {
		const struct pcapng_frame *pf = &f.frames[i];
		int ifx = usnf_iface_find(net, f.ifaces[pf->iface].name);

		if (ifx < 0 && usnf_iface_add(net, f.ifaces[pf->iface].name, &ifx) != 0)
			rc = -EINVAL;
		memcpy(fr->data + off, pf->data, pf->len);
		fr->ptr[i] = fr->data + off;
		fr->len[i] = pf->len;
		fr->ifindex[i] = ifx;
		off += pf->len;
	}
	pcapng_file_free(&f);
	return rc;
}

static int bench_parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option lopts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "flows", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	*o = (struct bench_opts){ .count = 1000000, .batch = 32, .flows = 1024 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:f:n:c:h", lopts, NULL)) != -1) {
		unsigned long v = 0;

		if (c == 'n' || c == 'c' || c == 'b' || c == 'F') {
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || (c != 'n' && v == 0) ||
			    ((c == 'b' || c == 'F') && v > 1u << 20)) {
				fprintf(stderr, "usnf bench: bad number '%s'\n", optarg);
				return 2;
			}
		}
		switch (c) {
		case 'i': o->in = optarg; break;
		case 'f': o->setup = optarg; break;
		case 'n': o->rules = v; break;
		case 'c': o->count = v; break;
		case 'b': o->batch = (unsigned int)v; break;
		case 'F': o->flows = (unsigned int)v; break;
		case 'h': bench_usage(stdout); return 0;
		default: bench_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "usnf bench: unexpected '%s'\n", argv[optind]);
		return 2;
	}
	return -1;
}

static uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Feed count frames in bursts of batch, cycling over the frame set.  The engine
 * clock advances 1 us a burst, as if the frames arrived at line rate.
 */
static uint64_t bench_loop(struct usnf_net *net, const struct bench_frames *fr,
			   unsigned long count, unsigned int batch)
{
	const uint8_t **ptr = calloc(batch, sizeof(*ptr));
	uint32_t *len = calloc(batch, sizeof(*len));
	int *ifx = calloc(batch, sizeof(*ifx));
	uint64_t clock = 1700000000ull * 1000000000ull, t0, t1;
	unsigned int next = 0;

	if (!ptr || !len || !ifx) {
		free(ptr);
		free(len);
		free(ifx);
		return 0;
	}
	t0 = bench_now_ns();
	for (unsigned long done = 0; done < count;) {
		unsigned int b = count - done < batch ? (unsigned int)(count - done) : batch;

		for (unsigned int i = 0; i < b; i++) {
			ptr[i] = fr->ptr[next];
			len[i] = fr->len[next];
			ifx[i] = fr->ifindex[next];
			if (++next == fr->n)
				next = 0;
		}
		clock += 1000;
		usnf_net_set_clock(net, clock);
		usnf_net_rx_burst(net, ifx, ptr, len, b, NULL);
		done += b;
	}
	t1 = bench_now_ns();
	free(ptr);
	free(len);
	free(ifx);
	return t1 - t0;
}

static int bench_forward(const struct bench_opts *o)
{
	struct usnf_net *net = NULL;
	struct bench_frames fr = { 0 };
	struct bench_tx tx = { 0 };
	int eth0, eth1, rc = 1;
	unsigned long nrules;
	uint64_t ns;

	if (usnf_net_create(&net) || usnf_iface_add(net, "eth0", &eth0) ||
	    usnf_iface_add(net, "eth1", &eth1)) {
		fprintf(stderr, "usnf bench: cannot create the router\n");
		goto out;
	}
	if (o->setup) {
		if (bench_setup_file(net, o->setup))
			goto out;
	} else {
		for (int i = 0; bench_setup_lines[i]; i++)
			if (bench_line(net, bench_setup_lines[i]))
				goto out;
	}
	if (o->rules && bench_rules(net, o->rules))
		goto out;
	nrules = bench_count_rules(net);
	if (o->in ? bench_load(net, &fr, o->in) : bench_gen(&fr, o->flows, eth0))
		goto out;
	usnf_net_set_tx(net, bench_tx_count, &tx);
	/* Warm-up: one pass over the frames (caches, conntrack entries, neighbours). */
	bench_loop(net, &fr, fr.n, o->batch);
	if (tx.frames == 0) {
		fprintf(stderr, "usnf bench: no frame was forwarded in the warm-up; "
				"the numbers would measure drops\n");
		goto out;
	}
	tx = (struct bench_tx){ 0 };
	ns = bench_loop(net, &fr, o->count, o->batch);
	printf("rules=%lu packets=%lu ns/packet=%.1f Mpps=%.2f\n", nrules, o->count,
	       (double)ns / (double)o->count, (double)o->count * 1e3 / (double)(ns ? ns : 1));
	fprintf(stderr, "transmitted=%llu bytes=%llu frames-in-set=%u batch=%u\n",
		(unsigned long long)tx.frames, (unsigned long long)tx.bytes, fr.n, o->batch);
	rc = 0;
out:
	bench_frames_free(&fr);
	usnf_net_destroy(net);
	return rc;
}

/* A hook function that looks at the packet as a cheap real one would, and accepts. */
static unsigned int bench_hook_fn(void *priv, struct pkt *pkt, const struct usnf_hook_state *st)
{
	uint64_t *calls = priv;

	(*calls)++;
	return pkt->mark == 0xdeadbeef ? USNF_DROP : USNF_ACCEPT;
}

/*
 * `usnf bench hooks`: the cost of hook_run() with N accepting functions on one
 * hook point (the traversal alone: no stack, no rules).
 */
static int bench_hooks(const struct bench_opts *o)
{
	struct usnf_net net = { 0 };
	struct usnf_hook_ops *ops = calloc(o->rules ? o->rules : 1, sizeof(*ops));
	uint64_t calls = 0, t0, ns;
	struct pkt *p = NULL;
	int rc = 1;

	if (!ops || hook_net_init(&net) || pkt_pool_create(1, &net.pool))
		goto out;
	for (unsigned long i = 0; i < o->rules; i++) {
		ops[i] = (struct usnf_hook_ops){ .hook = bench_hook_fn, .priv = &calls,
						 .pf = USNF_NFPROTO_IPV4, .hooknum = USNF_INET_FORWARD,
						 .priority = (int32_t)(i * 7 % 101) };
		if (usnf_hook_register(&net, &ops[i])) {
			fprintf(stderr, "usnf bench: cannot register %lu hooks\n", o->rules);
			goto out;
		}
	}
	p = pkt_alloc(net.pool);
	t0 = bench_now_ns();
	for (unsigned long i = 0; i < o->count; i++)
		if (hook_run(&net, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, p, NULL, NULL) != USNF_ACCEPT)
			goto out;
	ns = bench_now_ns() - t0;
	printf("hooks=%lu runs=%lu ns/run=%.1f ns/hook=%.2f\n", o->rules, o->count,
	       (double)ns / (double)o->count,
	       o->rules ? (double)ns / (double)o->count / (double)o->rules : 0.0);
	rc = calls == o->rules * o->count ? 0 : 1;
out:
	pkt_free(p);
	usnf_hook_unregister_many(&net, ops, o->rules);
	hook_net_exit(&net);
	pkt_pool_destroy(net.pool);
	free(ops);
	return rc;
}

/* `usnf bench csum`: csum_partial over frames of 64 and 1500 bytes. */
static int bench_csum(const struct bench_opts *o)
{
	static uint8_t buf[1501];
	static const size_t sizes[] = { 20, 64, 1500 };
	volatile uint32_t sink = 0;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint64_t t0 = bench_now_ns(), ns;

		for (unsigned long i = 0; i < o->count; i++)
			sink += csum_partial(buf + (i & 1), sizes[k], (uint32_t)i);
		ns = bench_now_ns() - t0;
		printf("csum bytes=%zu count=%lu ns/call=%.1f GB/s=%.2f\n", sizes[k], o->count,
		       (double)ns / (double)o->count,
		       (double)sizes[k] * (double)o->count / (double)(ns ? ns : 1));
	}
	(void)sink;
	return 0;
}

int bench_main(int argc, char **argv)
{
	struct bench_opts o;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		bench_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "forward") && strcmp(argv[1], "hooks") && strcmp(argv[1], "csum")) {
		fprintf(stderr, "usnf bench: unknown benchmark '%s' (forward, hooks, csum)\n",
			argv[1]);
		return 2;
	}
	rc = bench_parse(argc - 1, argv + 1, &o);
	if (rc >= 0)
		return rc;
	if (!strcmp(argv[1], "hooks"))
		return bench_hooks(&o);
	if (!strcmp(argv[1], "csum"))
		return bench_csum(&o);
	return bench_forward(&o);
}
