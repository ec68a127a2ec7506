/*
 * modprobe: tell the emulated kernel that a module is there (xt_kmod.c).  Setup
 * scripts written for a real machine often load modules first; for the modules the
 * reference kernel lacks (xt_ipvs, xt_LED) this is what makes their rules loadable.
 */
#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "xt/xt.h"

int cli_modprobe(struct cli_ctx *ctx, int argc, char **argv)
{
	bool quiet = false, all = false;
	int i = 1, last;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all"))
			all = true;
		else if (strcmp(argv[i], "-v") && strcmp(argv[i], "--verbose") &&
			 strcmp(argv[i], "-b") && strcmp(argv[i], "--use-blacklist")) {
			sb_addf(&ctx->err, "modprobe: ERROR: unknown option %s\n", argv[i]);
			return 1;
		}
	}
	if (i >= argc) {
		sb_add(&ctx->err, "modprobe: ERROR: missing parameters. See -h.\n");
		return 1;
	}
	/* Without -a only the first word is a module; the rest are its parameters. */
	last = all ? argc - 1 : i;
	for (; i <= last; i++) {
		if (xt_kmod_load(ctx->net, argv[i]) != -ENOENT)
			continue;
		if (!quiet)
			sb_addf(&ctx->err, "modprobe: FATAL: Module %s not found.\n", argv[i]);
		return 1;
	}
	return 0;
}
