/* cli/script: parse a setup file (a subset of sh) into commands with argv and stdin. */
#include "cli/script.h"
#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The lexer: a position in the text and where its line starts, for messages. */
struct lex {
	const char *b;
	size_t len;
	size_t pos;
	unsigned int line;
	size_t line_start;
	struct strbuf *err;
	int rc;                 /* first error: -EINVAL or -ENOMEM */
};

/* A heredoc waiting for the end of its command line. */
struct heredoc {
	bool pending;
	bool strip_tabs;        /* <<- */
	bool expand;            /* unquoted delimiter: body backslashes processed */
	char delim[256];
};

static int peek(const struct lex *lx, size_t ahead)
{
	return lx->pos + ahead < lx->len ? (unsigned char)lx->b[lx->pos + ahead] : -1;
}

static void adv(struct lex *lx)
{
	if (lx->pos < lx->len && lx->b[lx->pos] == '\n') {
		lx->line++;
		lx->line_start = lx->pos + 1;
	}
	lx->pos++;
}

static int lex_fail_at(struct lex *lx, unsigned int line, size_t col, const char *what)
{
	if (!lx->rc) {
		sb_addf(lx->err, "%u:%zu: %s", line, col, what);
		lx->rc = -EINVAL;
	}
	return lx->rc;
}

static int lex_fail(struct lex *lx, const char *what)
{
	return lex_fail_at(lx, lx->line, lx->pos - lx->line_start + 1, what);
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Characters that end an unquoted word in sh. */
static bool is_meta(int c)
{
	return c == -1 || is_blank(c) || c == '\n' || (c > 0 && strchr("|&;<>()", c));
}

/* `$` starts an expansion when followed by one of these (otherwise it is literal). */
static bool starts_expansion(int c)
{
	return c > 0 && (isalnum(c) || strchr("_{(@*#?$!-'\"", c));
}

static void skip_blanks(struct lex *lx)
{
	for (;;) {
		if (is_blank(peek(lx, 0))) {
			adv(lx);
		} else if (peek(lx, 0) == '\\' && peek(lx, 1) == '\n') {
			adv(lx);
			adv(lx);
		} else {
			return;
		}
	}
}

static int unsupported_dollar(struct lex *lx)
{
	return lex_fail(lx, "variables and $-expansions are not supported in a setup file");
}

static int lex_single_quoted(struct lex *lx, struct strbuf *w)
{
	unsigned int line = lx->line;
	size_t col = lx->pos - lx->line_start + 1;

	adv(lx);
	while (peek(lx, 0) != '\'') {
		if (peek(lx, 0) == -1)
			return lex_fail_at(lx, line, col, "unterminated single quote");
		sb_addc(w, (char)peek(lx, 0));
		adv(lx);
	}
	adv(lx);
	return 0;
}

static int lex_double_quoted(struct lex *lx, struct strbuf *w)
{
	unsigned int line = lx->line;
	size_t col = lx->pos - lx->line_start + 1;

	adv(lx);
	for (;;) {
		int c = peek(lx, 0);

		if (c == -1)
			return lex_fail_at(lx, line, col, "unterminated double quote");
		if (c == '"')
			break;
		if (c == '`')
			return lex_fail(lx, "command substitution is not supported in a setup file");
		if (c == '$' && starts_expansion(peek(lx, 1)))
			return unsupported_dollar(lx);
		if (c == '\\' && peek(lx, 1) != -1 && strchr("$`\"\\\n", peek(lx, 1))) {
			adv(lx);
			c = peek(lx, 0);
			adv(lx);
			if (c != '\n')
				sb_addc(w, (char)c);
			continue;
		}
		sb_addc(w, (char)c);
		adv(lx);
	}
	adv(lx);
	return 0;
}

/*
 * One word at the current position (which is not blank nor a metacharacter).
 * *quoted says whether any part was quoted or escaped (heredoc delimiters, "2>").
 */
static int lex_word(struct lex *lx, struct strbuf *w, bool *quoted)
{
	*quoted = false;
	sb_reset(w);
	sb_addn(w, "", 0);
	for (;;) {
		int c = peek(lx, 0);

		if (is_meta(c))
			return 0;
		if (c == '\'') {
			*quoted = true;
			if (lex_single_quoted(lx, w))
				return lx->rc;
		} else if (c == '"') {
			*quoted = true;
			if (lex_double_quoted(lx, w))
				return lx->rc;
		} else if (c == '\\') {
			adv(lx);
			if (peek(lx, 0) == -1)
				return 0;
			if (peek(lx, 0) != '\n') {
				*quoted = true;
				sb_addc(w, (char)peek(lx, 0));
			}
			adv(lx);
		} else if (c == '`') {
			return lex_fail(lx, "command substitution is not supported in a setup file");
		} else if (c == '$' && starts_expansion(peek(lx, 1))) {
			return unsupported_dollar(lx);
		} else if (c == 0) {
			return lex_fail(lx, "NUL byte in setup file");
		} else {
			sb_addc(w, (char)c);
			adv(lx);
		}
	}
}

static int cmd_add_word(struct script_cmd *cmd, const char *s)
{
	char **n = realloc(cmd->argv, (size_t)(cmd->argc + 2) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	cmd->argv = n;
	n[cmd->argc] = strdup(s);
	if (!n[cmd->argc])
		return -ENOMEM;
	n[++cmd->argc] = NULL;
	return 0;
}

/* The target word of a redirection operator, which must follow on the same line. */
static int lex_redir_target(struct lex *lx, struct strbuf *w, bool *quoted, const char *op)
{
	skip_blanks(lx);
	if (is_meta(peek(lx, 0))) {
		struct strbuf m = STRBUF_INIT;

		sb_addf(&m, "a file name or word must follow '%s'", op);
		lex_fail(lx, sb_str(&m));
		sb_release(&m);
		return lx->rc;
	}
	return lex_word(lx, w, quoted);
}

static int lex_heredoc_op(struct lex *lx, struct script_cmd *cmd, struct heredoc *hd,
			  struct strbuf *w)
{
	bool quoted;

	adv(lx);
	adv(lx);
	hd->strip_tabs = peek(lx, 0) == '-';
	if (hd->strip_tabs)
		adv(lx);
	if (hd->pending || cmd->input_file)
		return lex_fail(lx, "only one input redirection per command is supported");
	if (lex_redir_target(lx, w, &quoted, "<<"))
		return lx->rc;
	if (w->len == 0 || w->len >= sizeof(hd->delim))
		return lex_fail(lx, "bad here-document delimiter");
	memcpy(hd->delim, sb_str(w), w->len + 1);
	hd->expand = !quoted;
	hd->pending = true;
	return 0;
}

static int lex_input_op(struct lex *lx, struct script_cmd *cmd, struct heredoc *hd,
			struct strbuf *w)
{
	bool quoted;

	if (peek(lx, 1) == '<')
		return lex_heredoc_op(lx, cmd, hd, w);
	if (peek(lx, 1) == '&' || peek(lx, 1) == '>' || peek(lx, 1) == '(')
		return lex_fail(lx, "unsupported redirection (only '< FILE' and heredocs)");
	adv(lx);
	if (hd->pending || cmd->input_file)
		return lex_fail(lx, "only one input redirection per command is supported");
	if (lex_redir_target(lx, w, &quoted, "<"))
		return lx->rc;
	cmd->input_file = strdup(sb_str(w));
	return cmd->input_file ? 0 : -ENOMEM;
}

/*
 * `>`, `>>` or `2>` (fd2): /dev/null, or for stdout (either operator: procfs files
 * ignore O_APPEND) a file of the emulated kernel, cli_output_path() (cli/procfs.c).
 */
static int lex_output_op(struct lex *lx, struct script_cmd *cmd, struct strbuf *w, bool fd2)
{
	bool quoted;

	adv(lx);
	if (!fd2 && peek(lx, 0) == '>')
		adv(lx);
	if (peek(lx, 0) == '>' || peek(lx, 0) == '&' || peek(lx, 0) == '|')
		return lex_fail(lx, "unsupported redirection (only '>/dev/null' and '2>/dev/null')");
	if (lex_redir_target(lx, w, &quoted, fd2 ? "2>" : ">"))
		return lx->rc;
	if (strcmp(sb_str(w), "/dev/null") == 0) {
		if (!fd2 && cmd->output_file)
			return lex_fail(lx, "only one output redirection per command is supported");
		if (fd2)
			cmd->discard_err = true;
		else
			cmd->discard_out = true;
		return 0;
	}
	if (fd2 || !cli_output_path(sb_str(w)))
		return lex_fail(lx, "output can only be redirected to /dev/null in a setup file");
	if (cmd->output_file || cmd->discard_out)
		return lex_fail(lx, "only one output redirection per command is supported");
	cmd->output_file = strdup(sb_str(w));
	return cmd->output_file ? 0 : (lx->rc = -ENOMEM);
}

/* `|| true` (or `|| :`) ending a command: the command may fail. */
static int lex_or_true(struct lex *lx, struct script_cmd *cmd, struct strbuf *w)
{
	bool quoted;

	adv(lx);
	adv(lx);
	skip_blanks(lx);
	if (is_meta(peek(lx, 0)) || lex_word(lx, w, &quoted) ||
	    (strcmp(sb_str(w), "true") && strcmp(sb_str(w), ":")))
		return lex_fail(lx, "only '|| true' is supported after '||'");
	skip_blanks(lx);
	if (peek(lx, 0) != -1 && peek(lx, 0) != '\n' && peek(lx, 0) != '#')
		return lex_fail(lx, "'|| true' must end the command");
	cmd->may_fail = true;
	return 0;
}

static int lex_operator(struct lex *lx, struct script_cmd *cmd, struct heredoc *hd,
			struct strbuf *w)
{
	int c = peek(lx, 0);

	if (c == '<')
		return lex_input_op(lx, cmd, hd, w);
	if (c == '>')
		return lex_output_op(lx, cmd, w, false);
	if (c == '|' && peek(lx, 1) == '|')
		return lex_or_true(lx, cmd, w);
	if (c == '|')
		return lex_fail(lx, "pipes are not supported in a setup file");
	if (c == '&' && peek(lx, 1) == '&')
		return lex_fail(lx, "'&&' is not supported in a setup file (one command a line)");
	if (c == '&')
		return lex_fail(lx, "background jobs ('&') are not supported in a setup file");
	if (c == ';')
		return lex_fail(lx, "';' is not supported in a setup file (one command a line)");
	return lex_fail(lx, "subshells and grouping are not supported in a setup file");
}

static bool is_assignment(const char *s)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (const char *p = s; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

/* The words and operators of one command, up to its (unquoted) end of line. */
static int lex_command_line(struct lex *lx, struct script_cmd *cmd, struct heredoc *hd,
			    struct strbuf *w)
{
	for (;;) {
		bool quoted;
		size_t col = lx->pos - lx->line_start + 1;
		unsigned int line = lx->line;

		skip_blanks(lx);
		int c = peek(lx, 0);
		if (c == -1 || c == '\n')
			return 0;
		if (c == '#') {
			while (peek(lx, 0) != -1 && peek(lx, 0) != '\n')
				adv(lx);
			return 0;
		}
		if (c != '\\' && is_meta(c)) {
			if (lex_operator(lx, cmd, hd, w))
				return lx->rc;
			continue;
		}
		col = lx->pos - lx->line_start + 1;
		line = lx->line;
		if (lex_word(lx, w, &quoted))
			return lx->rc;
		if (peek(lx, 0) == '>' && !quoted && strcmp(sb_str(w), "2") == 0) {
			if (lex_output_op(lx, cmd, w, true))
				return lx->rc;
			continue;
		}
		if (cmd->argc == 0 && !quoted && is_assignment(sb_str(w)))
			return lex_fail_at(lx, line, col,
					   "variable assignments are not supported in a setup file");
		if (cmd->argc == 0)
			cmd->line = line;
		if (cmd_add_word(cmd, sb_str(w)))
			return lx->rc = -ENOMEM;
	}
}

/* Heredoc body with an unquoted delimiter: \$ \` \\ and \<newline> processed. */
static int heredoc_expand_line(struct lex *lx, const char *s, size_t n, struct strbuf *body)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && strchr("$`\\", s[i + 1])) {
			sb_addc(body, s[++i]);
		} else if (s[i] == '`' || (s[i] == '$' && starts_expansion(i + 1 < n ? (unsigned char)s[i + 1] : -1))) {
			return lex_fail_at(lx, lx->line, i + 1,
					   "expansions in a here-document are not supported (quote the delimiter: <<'EOF')");
		} else {
			sb_addc(body, s[i]);
		}
	}
	return 0;
}

/* Read the body lines after the command line, up to the delimiter line. */
static int lex_heredoc_body(struct lex *lx, struct script_cmd *cmd, const struct heredoc *hd)
{
	struct strbuf body = STRBUF_INIT;
	bool joined = false;    /* previous line ended in \ (continuation, expanding bodies) */

	sb_addn(&body, "", 0);
	while (lx->pos < lx->len) {
		const char *s = lx->b + lx->pos;
		const char *nl = memchr(s, '\n', lx->len - lx->pos);
		size_t n = nl ? (size_t)(nl - s) : lx->len - lx->pos;

		if (memchr(s, '\0', n)) {
			lex_fail(lx, "NUL byte in setup file");
			break;
		}
		if (hd->strip_tabs && !joined)
			while (n && *s == '\t')
				s++, n--;
		if (!joined && n == strlen(hd->delim) && memcmp(s, hd->delim, n) == 0) {
			lx->pos = nl ? (size_t)(nl - lx->b) : lx->len;
			break;
		}
		joined = hd->expand && n && s[n - 1] == '\\' && (n < 2 || s[n - 2] != '\\');
		if (hd->expand) {
			if (heredoc_expand_line(lx, s, joined ? n - 1 : n, &body))
				break;
		} else {
			sb_addn(&body, s, n);
		}
		if (!joined)
			sb_addc(&body, '\n');
		lx->pos = nl ? (size_t)(nl - lx->b) + 1 : lx->len;
		lx->line++;
		lx->line_start = lx->pos;
	}
	if (lx->rc || body.oom) {
		sb_release(&body);
		return lx->rc ? lx->rc : -ENOMEM;
	}
	cmd->input_len = body.len;
	cmd->input = body.s;    /* ownership moves to the command */
	return 0;
}

static int script_push(struct script *s, struct script_cmd *cmd)
{
	if (s->n == s->cap) {
		unsigned int cap = s->cap ? s->cap * 2 : 16;
		struct script_cmd *n = realloc(s->cmds, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->cmds = n;
		s->cap = cap;
	}
	s->cmds[s->n++] = *cmd;
	return 0;
}

static void cmd_free(struct script_cmd *cmd)
{
	for (int i = 0; i < cmd->argc; i++)
		free(cmd->argv[i]);
	free(cmd->argv);
	free(cmd->input);
	free(cmd->input_file);
	free(cmd->output_file);
	memset(cmd, 0, sizeof(*cmd));
}

/* One command (or nothing, for blank and comment lines) starting at the current line. */
static int lex_statement(struct lex *lx, struct script *out, struct strbuf *w)
{
	struct script_cmd cmd = { 0 };
	struct heredoc hd = { 0 };
	unsigned int line = lx->line;
	int rc = lex_command_line(lx, &cmd, &hd, w);

	if (!rc && peek(lx, 0) == '\n')
		adv(lx);
	if (!rc && cmd.argc == 0 && (hd.pending || cmd.input_file || cmd.may_fail ||
				     cmd.discard_out || cmd.discard_err || cmd.output_file))
		rc = lex_fail_at(lx, line, 1, "redirection without a command");
	if (!rc && hd.pending)
		rc = lex_heredoc_body(lx, &cmd, &hd);
	if (!rc && cmd.argc > 0)
		rc = script_push(out, &cmd);
	else
		cmd_free(&cmd);
	return rc;
}

int script_parse(const char *buf, size_t len, struct script *out, struct strbuf *err)
{
	struct lex lx = { .b = buf, .len = len, .line = 1, .err = err };
	struct strbuf w = STRBUF_INIT;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (lx.pos < lx.len && !rc)
		rc = lex_statement(&lx, out, &w);
	if (!rc && w.oom)
		rc = -ENOMEM;
	sb_release(&w);
	if (rc == -ENOMEM && !lx.rc)
		sb_add(err, "out of memory");
	if (rc)
		script_free(out);
	return rc;
}

void script_free(struct script *s)
{
	if (!s)
		return;
	for (unsigned int i = 0; i < s->n; i++)
		cmd_free(&s->cmds[i]);
	free(s->cmds);
	memset(s, 0, sizeof(*s));
}
