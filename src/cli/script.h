/* cli/script: the setup-file language, a small subset of POSIX shell. */
#ifndef USNF_CLI_SCRIPT_H
#define USNF_CLI_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/*
 * What a setup file may contain (everything else is an error naming line and column):
 * one command a line; words split as sh does, with '...' and "..." quoting and
 * backslash escapes; '#' comments; '\' line continuations; a "#!" first line;
 * `cmd < FILE` (stdin from a file, relative to the setup file's directory);
 * `cmd <<EOF`, `<<'EOF'`, `<<"EOF"`, `<<-EOF` heredocs (the body becomes stdin);
 * `>/dev/null` and `2>/dev/null` (output discarded); `> FILE` or `>> FILE` for a file
 * of the emulated kernel, /proc/net/xt_recent/NAME (stdout written to it, as by
 * cli_output_open() and cli_output_write()); a trailing `|| true` (failure
 * tolerated).  No variables, pipes, `;`, `&&`, subshells or command substitution.
 */
struct script_cmd {
	unsigned int line;              /* line of the first word (1-based) */
	int argc;
	char **argv;                    /* argc words, NULL-terminated */
	char *input;                    /* heredoc body (NUL-terminated), or NULL */
	size_t input_len;
	char *input_file;               /* `< FILE` as written, or NULL */
	char *output_file;              /* `> /proc/net/xt_recent/NAME` as written, or NULL */
	bool discard_out;               /* >/dev/null */
	bool discard_err;               /* 2>/dev/null */
	bool may_fail;                  /* || true */
};

struct script {
	struct script_cmd *cmds;
	unsigned int n;
	unsigned int cap;
};

/*
 * Parse (buf, len).  Returns 0, or -EINVAL with "LINE:COL: what is wrong" in err
 * (nothing in *out then), or -ENOMEM.  Free with script_free.
 */
int script_parse(const char *buf, size_t len, struct script *out, struct strbuf *err);
void script_free(struct script *s);                     /* accepts NULL, resets *s */

#endif
