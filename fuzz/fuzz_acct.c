/*
 * fuzz_acct: the accounting tools' own parsers on arbitrary text: `nfacct restore`
 * input (first byte even) or a write to /proc/net/xt_recent/NAME (odd: the kernel's
 * recent_mt_proc_write() syntax, "+ADDR", "-ADDR", "/"), each followed by the
 * listing, which must not fail.
 */
#include <stdint.h>
#include <stdlib.h>

#include <usnf/net.h>

#include "cli/cli.h"

static int fz_run(struct usnf_net *net, char **argv, const char *in, size_t len)
{
	struct cli_ctx ctx = { .net = net, .out = STRBUF_INIT, .err = STRBUF_INIT,
			       .input = in, .input_len = len };
	int argc = 0, rc;

	while (argv[argc])
		argc++;
	rc = cli_run(&ctx, argc, argv);
	sb_release(&ctx.out);
	sb_release(&ctx.err);
	return rc;
}

static void fz_recent_write(struct usnf_net *net, const char *data, size_t len)
{
	char *rule[] = { "iptables", "-A", "INPUT", "-m", "recent", "--name", "fz", "--set", NULL };
	char *cat[] = { "cat", "/proc/net/xt_recent/fz", NULL };
	struct cli_ctx ctx = { .net = net, .out = STRBUF_INIT, .err = STRBUF_INIT };

	if (fz_run(net, rule, NULL, 0))
		abort();
	if (cli_output_open(&ctx, "/proc/net/xt_recent/fz"))
		abort();
	(void)cli_output_write(&ctx, "echo", "/proc/net/xt_recent/fz", data, len);
	if (fz_run(net, cat, NULL, 0))
		abort();
	sb_release(&ctx.out);
	sb_release(&ctx.err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *restore[] = { "nfacct", "restore", NULL }, *list[] = { "nfacct", "list", NULL };
	struct usnf_net *net = NULL;

	if (size < 1 || usnf_net_create(&net))
		return 0;
	if (data[0] & 1) {
		fz_recent_write(net, (const char *)data + 1, size - 1);
	} else {
		(void)fz_run(net, restore, (const char *)data + 1, size - 1);
		if (fz_run(net, list, NULL, 0))
			abort();
	}
	usnf_net_destroy(net);
	return 0;
}
