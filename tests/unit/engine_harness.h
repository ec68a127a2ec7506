/*
 * engine_harness: a whole engine instance driven as a user drives the usnf binary
 * (tests): command lines through the CLI, the frames the instance sends captured,
 * and a router made of ethN interfaces and set-up command lines.  Include after
 * <cmocka.h>: a command line too long for the buffers fails the test.
 */
#ifndef USNF_TEST_ENGINE_HARNESS_H
#define USNF_TEST_ENGINE_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <usnf/net.h>

#include "cli/cli.h"

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

#endif
