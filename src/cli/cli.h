/* cli: the command language (ip, sysctl, iptables, ...) over one engine instance. */
#ifndef USNF_CLI_H
#define USNF_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

struct usnf_net;

/*
 * One command's context.  Commands write what the real tool prints on stdout to
 * out and its error message(s) to err (without trailing newline handling
 * surprises: each message ends with '\n').  They never print and never exit.
 */
struct cli_ctx {
	struct usnf_net *net;
	struct strbuf out;
	struct strbuf err;
	const char *input;      /* stdin contents (heredoc or `< file`), NULL if none */
	size_t input_len;
	const char *src_name;   /* for messages: the setup file name */
	unsigned int src_line;
};

/*
 * Run argv (argv[0] is the command name: "ip", "sysctl", "iptables", "ip6tables",
 * "iptables-save", "iptables-restore", "ip6tables-save", "ip6tables-restore", ...).
 * Returns the exit status the real tool would (0 success, 1/2 failure as the tool
 * does) ; on failure nothing was changed.  -ENOENT if the command is unknown.
 */
int cli_run(struct cli_ctx *ctx, int argc, char **argv);

/* A command entry point (one per tool, each in its own file). */
typedef int (*cli_cmd_fn)(struct cli_ctx *ctx, int argc, char **argv);

int cli_ip(struct cli_ctx *ctx, int argc, char **argv);              /* cli/ip.c */
int cli_sysctl(struct cli_ctx *ctx, int argc, char **argv);          /* cli/sysctl.c */
int cli_modprobe(struct cli_ctx *ctx, int argc, char **argv);        /* cli/modprobe.c */
int cli_iptables(struct cli_ctx *ctx, int argc, char **argv);        /* cli/iptables.c (argv[0] picks v4/v6) */
int cli_iptables_save(struct cli_ctx *ctx, int argc, char **argv);   /* cli/iptables_save.c */
int cli_iptables_restore(struct cli_ctx *ctx, int argc, char **argv);/* cli/iptables_restore.c */
int cli_conntrack(struct cli_ctx *ctx, int argc, char **argv);       /* cli/conntrack.c */
int cli_nat(struct cli_ctx *ctx, int argc, char **argv);             /* nat/nat_cli.c */
int cli_ipset(struct cli_ctx *ctx, int argc, char **argv);           /* cli/ipset.c */
int cli_nfacct(struct cli_ctx *ctx, int argc, char **argv);          /* cli/nfacct.c */
int cli_cat(struct cli_ctx *ctx, int argc, char **argv);             /* cli/procfs.c */
int cli_ls(struct cli_ctx *ctx, int argc, char **argv);              /* cli/procfs.c */

/*
 * A command's stdout redirected to a file (`echo +1.2.3.4 > /proc/net/xt_recent/x`,
 * cli/procfs.c): cli_output_open() before running the command, as the shell opens
 * the file first (1 and the shell's message in ctx->err if it cannot be opened: the
 * command must not run), then cli_output_write() with what the command printed
 * (1 and "CMD: write error: ..." if the file refuses it).
 */
bool cli_output_path(const char *path);        /* a file that can be written: /proc/net/xt_recent/NAME */
int cli_output_open(struct cli_ctx *ctx, const char *path);
int cli_output_write(struct cli_ctx *ctx, const char *cmd, const char *path, const char *data,
		     size_t len);
int cli_nfbpf_compile(struct cli_ctx *ctx, int argc, char **argv);   /* cli/nfbpf.c */

#endif
