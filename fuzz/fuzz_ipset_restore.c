/* fuzz_ipset_restore: `ipset restore` text against a fresh instance; whatever it left must
 * save, restore into another instance and save again to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hook/hook_core.h"
#include "ipset/ipset.h"
#include "stack/net.h"
#include "xt/xt.h"

/* An instance with hooks, tables and sets only (no packet pool: cheap per input). */
static struct usnf_net *fz_net(void)
{
	struct usnf_net *net = calloc(1, sizeof(*net));

	if (!net || hook_net_init(net) || xt_net_init(net) || ipset_net_init(net))
		abort();
	return net;
}

static void fz_free(struct usnf_net *net)
{
	ipset_net_exit(net);
	xt_net_exit(net);
	hook_net_exit(net);
	free(net);
}

static int fz_ipset(struct usnf_net *net, const char *cmd, const char *in, size_t len,
		    struct strbuf *out)
{
	char *argv[] = { "ipset", (char *)cmd, NULL };
	struct cli_ctx ctx = { .net = net, .out = STRBUF_INIT, .err = STRBUF_INIT,
			       .input = in, .input_len = len };
	int rc = cli_run(&ctx, 2, argv);

	/* (a failure may be silent: "-q" on a restore line is ipset's -quiet) */
	if (out)
		sb_add(out, sb_str(&ctx.out));
	sb_release(&ctx.out);
	sb_release(&ctx.err);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usnf_net *a = fz_net(), *b = fz_net();
	struct strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;

	fz_ipset(a, "restore", (const char *)data, size, NULL);
	fz_ipset(a, "save", NULL, 0, &s1);
	if (fz_ipset(b, "restore", sb_str(&s1), s1.len, NULL))
		abort();        /* what we print must parse back */
	fz_ipset(b, "save", NULL, 0, &s2);
	if (strcmp(sb_str(&s1), sb_str(&s2)))
		abort();
	sb_release(&s1);
	sb_release(&s2);
	fz_free(a);
	fz_free(b);
	return 0;
}
