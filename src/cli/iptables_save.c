/* iptables_save: iptables-save / ip6tables-save (nft backend listing order and format). */
#include <string.h>

#include "cli/iptables_int.h"

/* The order iptables-nft lists the tables in, whatever their creation order. */
static const enum xt_table_id ipt_save_order[XT_TABLE_COUNT] = {
	XT_TABLE_MANGLE, XT_TABLE_SECURITY, XT_TABLE_RAW, XT_TABLE_FILTER, XT_TABLE_NAT,
};

int cli_iptables_save(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	bool v6 = strncmp(name, "ip6", 3) == 0;
	const char *prog = v6 ? "ip6tables" : "iptables";
	enum xt_family fam = v6 ? XT_FAMILY_V6 : XT_FAMILY_V4;
	const char *only = NULL;
	bool counters = false;
	int i, tid;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-c") || !strcmp(a, "--counters")) {
			counters = true;
		} else if (!strcmp(a, "-t") || !strcmp(a, "--table")) {
			if (++i >= argc) {
				sb_addf(&ctx->err, "%s-save: option '%s' requires an argument\n", prog, a);
				return 1;
			}
			only = argv[i];
		} else if (!strncmp(a, "--table=", 8)) {
			only = a + 8;
		} else if (!strcmp(a, "-M") || !strcmp(a, "--modprobe")) {
			i++;
		} else {
			sb_addf(&ctx->err, "Unknown arguments found on commandline\n");
			return 1;
		}
	}
	if (only) {
		const struct xt_table *t;
		struct xt_table *fresh = NULL;

		tid = xt_table_id_find(only);
		if (tid < 0) {
			sb_addf(&ctx->err, "%s-save: Table '%s' does not exist\n", prog, only);
			return 1;
		}
		t = xt_table_get(ctx->net, fam, (enum xt_table_id)tid);
		if (!t)
			t = fresh = xt_table_stage(ctx->net, fam, (enum xt_table_id)tid);
		if (t)
			ipt_table_save(t, counters, true, prog, &ctx->out);
		xt_table_free(fresh);
		return 0;
	}
	for (i = 0; i < XT_TABLE_COUNT; i++) {
		const struct xt_table *t = xt_table_get(ctx->net, fam, ipt_save_order[i]);

		if (t)
			ipt_table_save(t, counters, true, prog, &ctx->out);
	}
	return 0;
}
