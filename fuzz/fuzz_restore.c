/* fuzz_restore: iptables-restore text against a fresh instance; an accepted ruleset must
 * save, restore elsewhere and save again to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hook/hook_core.h"
#include "stack/net.h"
#include "xt/xt.h"

static struct usnf_net *fz_net(void)
{
	struct usnf_net *net = calloc(1, sizeof(*net));

	if (!net || hook_net_init(net) || xt_net_init(net))
		abort();
	return net;
}

static void fz_free(struct usnf_net *net)
{
	xt_net_exit(net);
	hook_net_exit(net);
	free(net);
}

static int fz_run(struct usnf_net *net, int argc, char **argv, const char *in, size_t inlen,
		  struct strbuf *out)
{
	struct cli_ctx ctx = { .net = net, .out = STRBUF_INIT, .err = STRBUF_INIT,
			       .input = in, .input_len = inlen };
	int rc = cli_run(&ctx, argc, argv);
	const char *p;

	if (rc && ctx.err.len == 0)
		abort();        /* a failure always says why */
	for (p = sb_str(&ctx.out); out && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p + 1) : strlen(p);

		if (*p != '#')
			sb_addn(out, p, n);
		p += n;
	}
	sb_release(&ctx.out);
	sb_release(&ctx.err);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool v6 = size && (data[0] & 0x80);
	char *rargv[] = { v6 ? "ip6tables-restore" : "iptables-restore", "-c", NULL };
	char *sargv[] = { v6 ? "ip6tables-save" : "iptables-save", "-c", NULL };
	struct strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;
	struct usnf_net *a = fz_net(), *b;

	if (fz_run(a, 2, rargv, (const char *)data, size, NULL) == 0) {
		fz_run(a, 2, sargv, NULL, 0, &s1);
		b = fz_net();
		if (fz_run(b, 2, rargv, sb_str(&s1), s1.len, NULL))
			abort();
		fz_run(b, 2, sargv, NULL, 0, &s2);
		if (strcmp(sb_str(&s1), sb_str(&s2)))
			abort();
		fz_free(b);
	}
	fz_free(a);
	sb_release(&s1);
	sb_release(&s2);
	return 0;
}
