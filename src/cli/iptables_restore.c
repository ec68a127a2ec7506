/* iptables_restore: iptables-restore / ip6tables-restore, one atomic commit per COMMIT line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/iptables_int.h"

#define RST_MAX_ARGS 256

struct rst {
	struct ipt_env env;
	const char *rprog;              /* "iptables-restore" */
	bool counters, noflush, test;
	const char *only;               /* -T */
	int table;                      /* current table id, -1 outside */
	bool skip;                      /* -T names another table */
	unsigned int line;
	bool eol;                       /* the current line ended with '\n' */
	int rc;
};

__attribute__((format(printf, 3, 4)))
static int rst_fail(struct rst *r, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&r->env.ctx->err, fmt, ap);
	va_end(ap);
	r->rc = rc;
	return -1;
}

/* An error of a command line, framed as iptables-restore frames it. */
static int rst_cmd_error(struct rst *r, unsigned int line)
{
	struct ipt_env *env = &r->env;
	struct strbuf *err = &env->ctx->err;
	const char *m = sb_str(&env->emsg);

	switch (env->ekind) {
	case IPT_ERR_PLAIN:
		if (!strncmp(m, "Bad policy name.", 16))
			m = "Bad policy name.";
		sb_addf(err, "%s: line %u failed: %s\n", r->rprog, line, m);
		r->rc = 1;
		break;
	case IPT_ERR_KERNEL:
		sb_addf(err, "%s %s: \nline %u: %s\n", r->rprog, IPT_VERSION, line, m);
		r->rc = 4;
		break;
	case IPT_ERR_BARE:
		sb_addf(err, "%s\nError occurred at line: %u\n", m, line);
		sb_addf(err, "Try `%s -h' or '%s --help' for more information.\n", r->rprog,
			r->rprog);
		r->rc = 2;
		break;
	default:
		sb_addf(err, "%s %s: %s\nError occurred at line: %u\n", r->rprog, IPT_VERSION, m,
			line);
		sb_addf(err, "Try `%s -h' or '%s --help' for more information.\n", r->rprog,
			r->rprog);
		r->rc = 2;
		break;
	}
	return -1;
}

/* Split a line as iptables-restore's add_param_to_argv(): blanks, "quotes", 'quotes'. */
static int rst_split(char *s, char **argv, int max)
{
	int argc = 0;
	char *w;

	while (*s) {
		char q = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (argc >= max - 1)
			return -1;
		w = s;
		argv[argc++] = w;
		for (; *s; s++) {
			if (q) {
				if (*s == q) {
					q = 0;
					continue;
				}
			} else if (*s == '"' || *s == '\'') {
				q = *s;
				continue;
			} else if (*s == ' ' || *s == '\t') {
				s++;
				break;
			} else if (*s == '\\' && (s[1] == '"' || s[1] == '\'')) {
				s++;
			}
			*w++ = *s;
		}
		if (w < s)
			*w = '\0';
		else
			*s = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

static int rst_table_start(struct rst *r, const char *name)
{
	struct ipt_env *env = &r->env;
	int tid = xt_table_id_find(name);

	if (tid < 0) {
		sb_reset(&env->emsg);
		sb_addf(&env->emsg, "%s: line %u table name '%s' invalid", r->rprog, r->line, name);
		env->ekind = IPT_ERR_PARAM;
		return rst_cmd_error(r, r->line);
	}
	r->table = tid;
	r->skip = r->only && strcmp(r->only, name) != 0;
	if (r->skip)
		return 0;
	if (!r->noflush) {
		xt_table_free(env->staged[tid]);
		env->staged[tid] = xt_table_fresh((enum xt_family)env->fam, (enum xt_table_id)tid);
		if (!env->staged[tid])
			return rst_fail(r, 1, "%s: out of memory\n", r->rprog);
	}
	/* The table comes into being only if a line of it creates something
	 * (a chain line, a rule, -N, -P): "*nat" + COMMIT alone makes nothing. */
	env->dirty[tid] = true;
	env->restore_table = xt_table_info_get((enum xt_table_id)tid)->name;
	return 0;
}

static int rst_chain_line(struct rst *r, char *s)
{
	struct ipt_env *env = &r->env;
	struct xt_table *t = ipt_env_table(env, (enum xt_table_id)r->table);
	char *name = s + 1, *policy, *ctr, *save = NULL;
	unsigned long long p = 0, b = 0;
	int ci;

	name = strtok_r(name, " \t", &save);
	policy = name ? strtok_r(NULL, " \t", &save) : NULL;
	ctr = policy ? strtok_r(NULL, " \t", &save) : NULL;
	if (!t)
		return rst_fail(r, 1, "%s: out of memory\n", r->rprog);
	if (!name || !policy)
		return rst_fail(r, 1, "%s: line %u failed\n", r->rprog, r->line);
	if (strlen(name) >= XT_CHAIN_MAXNAMELEN) {
		sb_reset(&env->emsg);
		sb_addf(&env->emsg, "Invalid chain name `%s' (%u chars max)", name,
			XT_CHAIN_MAXNAMELEN - 1);
		env->ekind = IPT_ERR_PARAM;
		return rst_cmd_error(r, r->line);
	}
	if (ctr && sscanf(ctr, "[%llu:%llu]", &p, &b) != 2)
		return rst_fail(r, 1, "%s: line %u failed\n", r->rprog, r->line);
	env->create[r->table] = true;
	ci = xt_chain_find(t, name);
	if (ci >= 0 && t->chains[ci].hook >= 0) {
		if (strcmp(policy, "ACCEPT") && strcmp(policy, "DROP"))
			return rst_fail(r, 1, "%s: line %u failed: Bad policy name.\n", r->rprog,
					r->line);
		t->chains[ci].policy = strcmp(policy, "DROP") ? USNF_ACCEPT : USNF_DROP;
		xt_chain_create(t, (unsigned int)ci);
		if (r->counters) {
			t->chains[ci].pkts = p;
			t->chains[ci].bytes = b;
		}
		return 0;
	}
	if (ci >= 0) {
		xt_chain_flush(t, (unsigned int)ci);    /* an existing user chain (noflush) */
		return 0;
	}
	if (xt_chain_add(t, name) < 0)
		return rst_fail(r, 1, "%s: line %u failed\n", r->rprog, r->line);
	return 0;
}

static int rst_commit(struct rst *r)
{
	struct ipt_env *env = &r->env;
	struct strbuf err = STRBUF_INIT;
	int tid = r->table;
	int rc;

	r->table = -1;
	env->restore_table = NULL;
	if (r->skip || !env->staged[tid])
		return 0;
	if (r->test || !ipt_env_table_exists(env, (enum xt_table_id)tid)) {
		xt_table_free(env->staged[tid]);
		env->staged[tid] = NULL;
		return 0;
	}
	rc = xt_table_commit(env->ctx->net, env->staged[tid], &err);
	if (rc == -ENOENT) {
		sb_reset(&env->emsg);
		/* err holds "chain NAME": the jump that does not resolve. */
		sb_addf(&env->emsg, "Chain '%s' does not exist", sb_str(&err) + 6);
		env->ekind = IPT_ERR_PARAM;
		sb_release(&err);
		return rst_cmd_error(r, r->line);
	}
	if (rc) {
		sb_reset(&env->emsg);
		sb_addf(&env->emsg, "RULE_APPEND failed (%s): %s",
			rc == -ELOOP ? "Too many links" : strerror(-rc), sb_str(&err));
		env->ekind = IPT_ERR_KERNEL;
		sb_release(&err);
		return rst_cmd_error(r, r->line);
	}
	sb_release(&err);
	env->staged[tid] = NULL;
	env->dirty[tid] = false;
	return 0;
}

static int rst_rule_line(struct rst *r, char *s)
{
	struct ipt_env *env = &r->env;
	char *argv[RST_MAX_ARGS + 2];
	unsigned long long p = 0, b = 0;
	char cbuf[2][24];
	int argc, rc;

	if (r->skip)
		return 0;
	argv[0] = (char *)env->prog;
	if (*s == '[') {
		char *end = strchr(s, ']');

		if (!end || sscanf(s, "[%llu:%llu]", &p, &b) != 2)
			return rst_fail(r, 1, "%s: line %u failed\n", r->rprog, r->line);
		s = end + 1;
	}
	argc = rst_split(s, argv + 1, RST_MAX_ARGS - 3);
	if (argc < 0)
		return rst_fail(r, 1, "%s: line %u failed\n", r->rprog, r->line);
	argc++;
	if (r->counters && p + b) {
		snprintf(cbuf[0], sizeof(cbuf[0]), "%llu", p);
		snprintf(cbuf[1], sizeof(cbuf[1]), "%llu", b);
		argv[argc++] = "-c";
		argv[argc++] = cbuf[0];
		argv[argc++] = cbuf[1];
	}
	argv[argc] = NULL;
	env->ekind = IPT_ERR_NONE;
	rc = ipt_command(env, argc, argv);
	if (rc)
		return rst_cmd_error(r, r->line);
	/* The command may have staged the table's published copy (noflush): keep it. */
	return 0;
}

static int rst_line(struct rst *r, char *s)
{
	size_t n = strlen(s);
	const char *t = s + strspn(s, " \t");
	/* xtables-restore knows COMMIT only as the whole line "COMMIT\n": with
	 * anything after it ("COMMIT ", CRLF, no final newline) the line is a
	 * command, and "COMMIT" a bad argument. */
	bool commit = r->eol && !strcmp(t, "COMMIT");

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return 0;
	if (r->table < 0) {
		if (*s == '*')
			return rst_table_start(r, s + 1);
		return rst_fail(r, 1, "%s: line %u failed\n", r->rprog, r->line);
	}
	if (commit)
		return rst_commit(r);
	if (*s == ':') {
		if (r->skip)
			return 0;
		return rst_chain_line(r, s);
	}
	return rst_rule_line(r, s);
}

static int rst_options(struct rst *r, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-c") || !strcmp(a, "--counters"))
			r->counters = true;
		else if (!strcmp(a, "-n") || !strcmp(a, "--noflush"))
			r->noflush = true;
		else if (!strcmp(a, "-t") || !strcmp(a, "--test"))
			r->test = true;
		else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			continue;
		else if ((!strcmp(a, "-T") || !strcmp(a, "--table")) && i + 1 < argc)
			r->only = argv[++i];
		else if ((!strcmp(a, "-w") || !strcmp(a, "--wait") || !strcmp(a, "-W") ||
			  !strcmp(a, "--wait-interval") || !strcmp(a, "-M") ||
			  !strcmp(a, "--modprobe")) && i + 1 < argc && argv[i + 1][0] != '-')
			i++;
		else if (!strcmp(a, "-w") || !strcmp(a, "--wait"))
			continue;
		else if (a[0] != '-')
			return rst_fail(r, 1, "Bad argument `%s'\n", a);  /* a file name: unsupported */
		else
			return rst_fail(r, 1, "%s: unrecognized option '%s'\n", r->rprog, a);
	}
	return 0;
}

int cli_iptables_restore(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	bool v6 = strncmp(name, "ip6", 3) == 0;
	struct rst r;
	size_t pos, end;
	char *text;

	memset(&r, 0, sizeof(r));
	ipt_env_init(&r.env, ctx, v6 ? XT_FAMILY_V6 : XT_FAMILY_V4, v6 ? "ip6tables" : "iptables");
	r.env.restore = true;
	r.rprog = v6 ? "ip6tables-restore" : "iptables-restore";
	r.table = -1;
	if (rst_options(&r, argc, argv))
		goto out;
	text = malloc(ctx->input_len + 1);
	if (!text) {
		rst_fail(&r, 1, "%s: out of memory\n", r.rprog);
		goto out;
	}
	if (ctx->input_len)
		memcpy(text, ctx->input, ctx->input_len);
	text[ctx->input_len] = '\0';
	/* Line by line over the whole input; a NUL byte ends its line early. */
	for (pos = 0; pos < ctx->input_len; pos = end + 1) {
		for (end = pos; end < ctx->input_len && text[end] != '\n'; end++)
			;
		r.eol = end < ctx->input_len;
		text[end] = '\0';
		r.line++;
		if (rst_line(&r, text + pos))
			break;
	}
	if (!r.rc && r.table >= 0)
		rst_fail(&r, 1, "%s: COMMIT expected at line %u\n", r.rprog, r.line + 1);
	free(text);
out:
	ipt_env_release(&r.env);
	return r.rc;
}
