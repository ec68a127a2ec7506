/*
 * procfs: the files of the emulated kernel a setup file may read or write, as
 * `cat`, `ls` and a shell's `>` redirection see them.  Only xt_recent's lists
 * (/proc/net/xt_recent/NAME, xt/ext/recent.c) exist; cat's, ls's and bash's
 * messages are GNU coreutils' and bash's.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "xt/ext/recent.h"

#define PROCFS_RECENT_DIR "/proc/net/xt_recent"

/* xt_recent is built in: its directory is always there (recent_proc_net_init()). */
static bool procfs_is_recent_dir(const char *path)
{
	return strcmp(path, PROCFS_RECENT_DIR) == 0 || strcmp(path, PROCFS_RECENT_DIR "/") == 0;
}

/* The list a path names ("/proc/net/xt_recent/NAME"), or NULL for any other path. */
static const char *procfs_recent_name(const char *path)
{
	size_t n = strlen(PROCFS_RECENT_DIR "/");
	const char *name = path + n;

	if (strncmp(path, PROCFS_RECENT_DIR "/", n) != 0 || !name[0] || strchr(name, '/'))
		return NULL;
	return name;
}

bool cli_output_path(const char *path)
{
	return procfs_recent_name(path) != NULL;
}

static int procfs_unsupported(struct cli_ctx *ctx, const char *tool, const char *path, int rc)
{
	sb_addf(&ctx->err, "%s: %s: not available in a setup file (only %s/NAME exists)\n",
		tool, path, PROCFS_RECENT_DIR);
	return rc;
}

/* cat FILE...: each file in turn; a failing one is reported and skipped (exit 1). */
int cli_cat(struct cli_ctx *ctx, int argc, char **argv)
{
	int rc = 0;

	if (argc < 2 && ctx->input)
		sb_addn(&ctx->out, ctx->input, ctx->input_len);
	for (int i = 1; i < argc; i++) {
		const char *path = argv[i], *name = procfs_recent_name(path);

		if (!strcmp(path, "-")) {
			if (ctx->input)
				sb_addn(&ctx->out, ctx->input, ctx->input_len);
		} else if (path[0] == '-') {
			sb_addf(&ctx->err, "cat: option %s: not available in a setup file\n", path);
			return 1;
		} else if (procfs_is_recent_dir(path)) {
			sb_addf(&ctx->err, "cat: %s: Is a directory\n", path);
			rc = 1;
		} else if (!name) {
			rc = procfs_unsupported(ctx, "cat", path, 1);
		} else if (recent_proc_show(ctx->net, name, &ctx->out)) {
			sb_addf(&ctx->err, "cat: %s: No such file or directory\n", path);
			rc = 1;
		}
	}
	return rc;
}

struct procfs_names {
	char **v;
	size_t n;
	bool oom;
};

static void procfs_name_add(void *arg, const char *name)
{
	struct procfs_names *nl = arg;
	char **v = realloc(nl->v, (nl->n + 1) * sizeof(*v));

	if (!v || !(v[nl->n] = strdup(name))) {
		if (v)
			nl->v = v;
		nl->oom = true;
		return;
	}
	nl->v = v;
	nl->n++;
}

static int procfs_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ls of the directory: one name a line (stdout is no terminal), sorted as in the C locale. */
static int procfs_ls_dir(struct cli_ctx *ctx)
{
	struct procfs_names nl = { 0 };

	recent_proc_names(ctx->net, procfs_name_add, &nl);
	if (nl.n)
		qsort(nl.v, nl.n, sizeof(*nl.v), procfs_name_cmp);
	for (size_t i = 0; i < nl.n; i++) {
		sb_addf(&ctx->out, "%s\n", nl.v[i]);
		free(nl.v[i]);
	}
	free(nl.v);
	if (nl.oom) {
		sb_add(&ctx->err, "ls: memory exhausted\n");
		return 2;
	}
	return 0;
}

/* Whether /proc/net/xt_recent/NAME exists (a list some rule made). */
static bool procfs_recent_exists(struct cli_ctx *ctx, const char *name)
{
	struct strbuf junk = STRBUF_INIT;
	int rc = recent_proc_show(ctx->net, name, &junk);

	sb_release(&junk);
	return rc == 0;
}

/* ls PATH: the xt_recent directory or one of its files (one operand, no options). */
int cli_ls(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *path = argc == 2 ? argv[1] : NULL, *name;

	if (!path || path[0] == '-') {
		sb_add(&ctx->err, "ls: only `ls " PROCFS_RECENT_DIR "[/NAME]' is available in a "
		       "setup file\n");
		return 2;
	}
	if (procfs_is_recent_dir(path))
		return procfs_ls_dir(ctx);
	name = procfs_recent_name(path);
	if (!name)
		return procfs_unsupported(ctx, "ls", path, 2);
	if (!procfs_recent_exists(ctx, name)) {
		sb_addf(&ctx->err, "ls: cannot access '%s': No such file or directory\n", path);
		return 2;
	}
	sb_addf(&ctx->out, "%s\n", path);
	return 0;
}

/* bash opening `> PATH` (O_WRONLY|O_CREAT|O_TRUNC): procfs creates no files. */
int cli_output_open(struct cli_ctx *ctx, const char *path)
{
	const char *name = procfs_recent_name(path);

	if (procfs_is_recent_dir(path)) {
		sb_addf(&ctx->err, "%s: Is a directory\n", path);
		return 1;
	}
	if (!name)
		return procfs_unsupported(ctx, "bash", path, 1);
	if (!procfs_recent_exists(ctx, name)) {
		sb_addf(&ctx->err, "%s: No such file or directory\n", path);
		return 1;
	}
	return 0;
}

/*
 * What cmd printed, written to PATH as bash's stdio does: one write(2) of it all,
 * then of whatever the file did not take, until done or an error, which cmd
 * reports as bash's builtins do ("echo: write error: Invalid argument", status 1).
 */
int cli_output_write(struct cli_ctx *ctx, const char *cmd, const char *path, const char *data,
		     size_t len)
{
	const char *name = procfs_recent_name(path);
	uint64_t off = 0;
	size_t done = 0;

	if (!name)
		return cli_output_open(ctx, path);
	while (done < len) {
		ssize_t n = recent_proc_write(ctx->net, name, data + done, len - done, &off);

		if (n <= 0) {
			sb_addf(&ctx->err, "%s: write error: %s\n", cmd,
				strerror(n < 0 ? (int)-n : EIO));
			return 1;
		}
		done += (size_t)n;
	}
	return 0;
}
