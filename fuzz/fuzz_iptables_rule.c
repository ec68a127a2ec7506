/* fuzz_iptables_rule: one iptables/ip6tables command line against a fresh instance;
 * whatever is accepted must save, restore elsewhere and save again to the same text. */
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

	if (rc && ctx.err.len == 0)
		abort();        /* a failure always says why */
	if (out)
		sb_add(out, sb_str(&ctx.out));
	sb_release(&ctx.out);
	sb_release(&ctx.err);
	return rc;
}

/* Save without the date comments. */
static void fz_save(struct usnf_net *net, const char *tool, struct strbuf *out)
{
	struct strbuf raw = STRBUF_INIT;
	char *argv[] = { (char *)tool, "-c", NULL };
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[1024], *argv[128], *save = NULL, *tok;
	struct strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;
	struct usnf_net *a, *b;
	bool v6 = size && (data[0] & 1);
	int argc = 1;

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* Quotes and backslashes mean something to iptables-restore's tokenizer, exactly as
	 * they do for the real one: such names do not round-trip there either. */
	if (strlen(buf) != size || strpbrk(buf, "\"'\\#\r\v\f"))
		return 0;
	argv[0] = v6 ? "ip6tables" : "iptables";
	for (tok = strtok_r(buf + (size ? 1 : 0), " \t\n", &save); tok && argc < 126;
	     tok = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	a = fz_net();
	if (fz_run(a, argc, argv, NULL, 0, NULL) == 0) {
		char *rargv[] = { v6 ? "ip6tables-restore" : "iptables-restore", "-c", NULL };

		fz_save(a, v6 ? "ip6tables-save" : "iptables-save", &s1);
		b = fz_net();
		if (fz_run(b, 2, rargv, sb_str(&s1), s1.len, NULL))
			abort();        /* what we print must parse back */
		fz_save(b, v6 ? "ip6tables-save" : "iptables-save", &s2);
		if (strcmp(sb_str(&s1), sb_str(&s2)))
			abort();
		fz_free(b);
	}
	fz_free(a);
	sb_release(&s1);
	sb_release(&s2);
	return 0;
}
