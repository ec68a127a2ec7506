/*
 * engine_harness: a whole engine instance driven as a user drives the usnf binary
 * (tests): command lines through the CLI, the frames the instance sends captured,
 * and a router made of ethN interfaces and set-up command lines.  Include after
 * <cmocka.h>: a command line too long for the buffers fails the test.
 */
#ifndef USNF_TEST_ENGINE_HARNESS_H
#define USNF_TEST_ENGINE_HARNESS_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <usnf/net.h>

#include "cli/cli.h"
#include "pkt/csum.h"

#define HARNESS_LINE_MAX 1024   /* characters of one command line, its NUL included */
#define HARNESS_ARGV_MAX 128    /* words of one command line, argv's NULL included */

/*
 * Run one command line, its words split on spaces, through cli_run() as the usnf
 * binary runs argv; its stdout is appended to out and its stderr to err (either
 * may be NULL).  Returns the command's exit code.
 */
static inline int harness_cli(struct usnf_net *net, const char *line, struct strbuf *out,
			      struct strbuf *err)
{
	struct cli_ctx c = { .net = net, .out = STRBUF_INIT, .err = STRBUF_INIT };
	char buf[HARNESS_LINE_MAX], *argv[HARNESS_ARGV_MAX], *save = NULL;
	size_t len = strlen(line);
	int argc = 0, rc;

	assert_true(len < sizeof(buf));
	memcpy(buf, line, len + 1);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		assert_true(argc < HARNESS_ARGV_MAX - 1);
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	rc = cli_run(&c, argc, argv);
	if (out)
		sb_add(out, sb_str(&c.out));
	if (err)
		sb_add(err, sb_str(&c.err));
	sb_release(&c.out);
	sb_release(&c.err);
	return rc;
}

/* One command line, its output dropped.  Returns its exit code. */
static inline int harness_run(struct usnf_net *net, const char *line)
{
	return harness_cli(net, line, NULL, NULL);
}

/* One command line, its output dropped but for a failure's: the line and its stderr are printed. */
static inline int harness_run_report(struct usnf_net *net, const char *line)
{
	struct strbuf err = STRBUF_INIT;
	int rc = harness_cli(net, line, NULL, &err);

	if (rc)
		print_error("%s: exit %d: %s", line, rc, sb_str(&err));
	sb_release(&err);
	return rc;
}

/* Assert that one command line exits 0 (a macro: a failure is reported at the test's line). */
#define harness_run_ok(net, line) assert_int_equal(harness_run_report((net), (line)), 0)

/* Every line of a NULL-terminated list must exit 0. */
static inline void harness_run_all(struct usnf_net *net, const char *const *lines)
{
	for (; *lines; lines++)
		harness_run_ok(net, *lines);
}

#define HARNESS_CAP_FRAMES 64   /* frames held: the last ones sent */
#define HARNESS_CAP_BYTES 1600  /* bytes held of each frame: a whole Ethernet frame */

/*
 * The frames an instance sent, as a ring: n counts every frame since the capture
 * started (a test sets n = 0 to start over), and frame k (from 0) is held in slot
 * k % HARNESS_CAP_FRAMES: while n <= HARNESS_CAP_FRAMES, frame k is frame[k].
 */
struct harness_cap {
	unsigned int n;
	int ifindex[HARNESS_CAP_FRAMES];        /* the interface it left by */
	uint32_t len[HARNESS_CAP_FRAMES];       /* its whole length, also past the bytes held */
	uint8_t frame[HARNESS_CAP_FRAMES][HARNESS_CAP_BYTES];
};

/* The usnf_net_set_tx() callback: one frame into the ring. */
static inline void harness_cap_tx(void *ctx, int ifindex, const uint8_t *f, uint32_t len,
				  const struct pkt *p)
{
	struct harness_cap *c = ctx;
	unsigned int slot = c->n % HARNESS_CAP_FRAMES;

	(void)p;
	c->ifindex[slot] = ifindex;
	c->len[slot] = len;
	memcpy(c->frame[slot], f, len < HARNESS_CAP_BYTES ? len : HARNESS_CAP_BYTES);
	c->n++;
}

/* From now on every frame net sends goes into cap, emptied first. */
static inline void harness_cap_start(struct usnf_net *net, struct harness_cap *cap)
{
	memset(cap, 0, sizeof(*cap));
	usnf_net_set_tx(net, harness_cap_tx, cap);
}

/*
 * A new instance with the interfaces eth0 .. eth<nif - 1> (their ifindexes into
 * ifindex, which may be NULL), the NULL-terminated set-up lines run, each of
 * which must exit 0, and then, unless cap is NULL, every frame it sends captured.
 */
static inline struct usnf_net *harness_router(int *ifindex, unsigned int nif,
					      const char *const *setup, struct harness_cap *cap)
{
	struct usnf_net *net = NULL;
	char name[16];
	int idx;

	assert_int_equal(usnf_net_create(&net), 0);
	for (unsigned int i = 0; i < nif; i++) {
		snprintf(name, sizeof(name), "eth%u", i);
		assert_int_equal(usnf_iface_add(net, name, ifindex ? &ifindex[i] : &idx), 0);
	}
	harness_run_all(net, setup);
	if (cap)
		harness_cap_start(net, cap);
	return net;
}

/*
 * A UDP frame with 4 bytes of payload and valid checksums, from the host 10.0.0.2
 * (02:01:00:00:00:0a) on eth0 to 10.0.1.2 (02:01:00:00:01:02) on eth1 of a router
 * with 02:00:00:00:00:01 and :02, or the reply; f holds at least 46 bytes.
 */
static inline uint32_t harness_udp4(uint8_t *f, bool reply, uint16_t sport, uint16_t dport)
{
	static const uint8_t R0[6] = { 2, 0, 0, 0, 0, 1 }, R1[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t H0[6] = { 2, 1, 0, 0, 0, 10 }, H1[6] = { 2, 1, 0, 0, 1, 2 };
	uint8_t *ip = f + 14, *l4 = ip + 20;
	uint32_t s, d, ulen = 12;
	uint16_t c;

	memset(f, 0, 14 + 20 + ulen);
	memcpy(f, reply ? R1 : R0, 6);
	memcpy(f + 6, reply ? H1 : H0, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = (uint8_t)(20 + ulen);
	ip[8] = 64;
	ip[9] = 17;
	inet_pton(AF_INET, reply ? "10.0.1.2" : "10.0.0.2", ip + 12);
	inet_pton(AF_INET, reply ? "10.0.0.2" : "10.0.1.2", ip + 16);
	c = ip_fast_csum(ip, 5);
	memcpy(ip + 10, &c, 2);
	l4[0] = (uint8_t)(sport >> 8), l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8), l4[3] = (uint8_t)dport;
	l4[5] = (uint8_t)ulen;
	memcpy(l4 + 8, "ping", 4);
	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	c = csum_fold(csum_partial(l4, ulen, csum_pseudo4(s, d, 17, ulen)));
	memcpy(l4 + 6, &c, 2);
	return 14 + 20 + ulen;
}

/* The packet counter of rule num in a listing (`iptables -L CHAIN -v -x -n --line-numbers`). */
static inline unsigned long harness_rule_pkts(struct usnf_net *net, const char *list,
					      unsigned int num)
{
	struct strbuf out = STRBUF_INIT;
	unsigned long pkts = 0;
	const char *p;

	assert_int_equal(harness_cli(net, list, &out, NULL), 0);
	for (p = sb_str(&out); p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		unsigned int n;
		unsigned long k;

		if (sscanf(p, "%u %lu", &n, &k) == 2 && n == num)
			pkts = k;
	}
	sb_release(&out);
	return pkts;
}

#endif
