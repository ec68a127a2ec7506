/* fuzz_roundtrip: shared by the iptables fuzz harnesses: a ruleset that was accepted must
 * save, restore into a fresh instance and save again to the same text. */
#ifndef USNF_FUZZ_ROUNDTRIP_H
#define USNF_FUZZ_ROUNDTRIP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <usnf/net.h>

#include "cli/cli.h"

/* A whole instance: rules of conntrack-based extensions (conntrack, CONNMARK,
 * connlabel, SYNPROXY...) start connection tracking, which reads the stack's sysctls. */
static struct usnf_net *fz_net(void)
{
	struct usnf_net *net;

	if (usnf_net_create(&net))
		abort();
	return net;
}

static void fz_free(struct usnf_net *net)
{
	usnf_net_destroy(net);
}

/* One command; its standard output is appended to out when out is not NULL. */
static int fz_run(struct usnf_net *net, int argc, char **argv, const char *in, size_t inlen,
		  struct strbuf *out)
{
	struct cli_ctx ctx = { .net = net, .out = STRBUF_INIT, .err = STRBUF_INIT,
			       .input = in, .input_len = inlen };
	int rc = cli_run(&ctx, argc, argv);

	if (rc && ctx.err.len == 0)
		abort();        /* a failure always says why */
	if (out)
		sb_add(out, sb_str(&ctx.out));
	sb_release(&ctx.out);
	sb_release(&ctx.err);
	return rc;
}

/* iptables-save -c without the date comments, so two saves compare. */
static void fz_save(struct usnf_net *net, bool v6, struct strbuf *out)
{
	struct strbuf raw = STRBUF_INIT;
	char *argv[] = { v6 ? "ip6tables-save" : "iptables-save", "-c", NULL };
	const char *p;

	fz_run(net, 2, argv, NULL, 0, &raw);
	for (p = sb_str(&raw); *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p + 1) : strlen(p);

		if (*p != '#')
			sb_addn(out, p, n);
		p += n;
	}
	sb_release(&raw);
}

/* Abort unless what a holds saves, restores into a fresh instance and saves the same. */
static void fz_check_roundtrip(struct usnf_net *a, bool v6)
{
	char *rargv[] = { v6 ? "ip6tables-restore" : "iptables-restore", "-c", NULL };
	struct strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;
	struct usnf_net *b = fz_net();

	fz_save(a, v6, &s1);
	if (fz_run(b, 2, rargv, sb_str(&s1), s1.len, NULL))
		abort();        /* what we print must parse back */
	fz_save(b, v6, &s2);
	if (strcmp(sb_str(&s1), sb_str(&s2)))
		abort();
	fz_free(b);
	sb_release(&s1);
	sb_release(&s2);
}

#endif
