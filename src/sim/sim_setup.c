/* sim/sim_setup: the router environment of the scenarios and the setup file's commands. */
#include "sim/sim.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <usnf/net.h>

#include "cli/cli.h"

/*
 * Sysctls of the oracle's router namespace (../shared/scenarios/README.md), set before
 * interfaces exist so that they inherit the `default` values.  Keys the engine does
 * not model yet are skipped silently (-ENOENT).
 */
static const char *const sim_router_sysctls[][2] = {
	{ "net.ipv4.icmp_ratelimit", "0" },
	{ "net.ipv4.icmp_msgs_per_sec", "1000000" },
	{ "net.ipv4.icmp_msgs_burst", "1000000" },
	{ "net.ipv6.icmp.ratelimit", "0" },
	{ "net.ipv6.auto_flowlabels", "0" },
	{ "net.ipv6.conf.all.accept_dad", "0" },
	{ "net.ipv6.conf.all.dad_transmits", "0" },
	{ "net.ipv6.conf.all.router_solicitations", "0" },
	{ "net.ipv6.conf.all.accept_ra", "0" },
	{ "net.ipv6.conf.all.addr_gen_mode", "1" },
	{ "net.ipv6.conf.all.mldv1_unsolicited_report_interval", "10" },
	{ "net.ipv6.conf.all.mldv2_unsolicited_report_interval", "10" },
	{ "net.ipv6.conf.default.accept_dad", "0" },
	{ "net.ipv6.conf.default.dad_transmits", "0" },
	{ "net.ipv6.conf.default.router_solicitations", "0" },
	{ "net.ipv6.conf.default.accept_ra", "0" },
	{ "net.ipv6.conf.default.addr_gen_mode", "1" },
	{ "net.ipv6.conf.default.mldv1_unsolicited_report_interval", "10" },
	{ "net.ipv6.conf.default.mldv2_unsolicited_report_interval", "10" },
};

int sim_cli(struct usnf_net *net, char **argv, const char *input, size_t input_len,
	    struct strbuf *out, struct strbuf *err)
{
	struct cli_ctx ctx = { .net = net, .out = STRBUF_INIT, .err = STRBUF_INIT,
			       .input = input, .input_len = input_len };
	int argc = 0, rc;

	while (argv[argc])
		argc++;
	rc = cli_run(&ctx, argc, argv);
	sb_addn(out, sb_str(&ctx.out), ctx.out.len);
	sb_addn(err, sb_str(&ctx.err), ctx.err.len);
	sb_release(&ctx.out);
	sb_release(&ctx.err);
	return rc;
}

/* A command of our own that must work (bringing interfaces up): report failures. */
static int sim_cli_must(struct sim *s, char **argv)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int rc = sim_cli(s->net, argv, NULL, 0, &out, &err);

	if (rc)
		fprintf(stderr, "usnf sim: '%s %s %s %s %s' failed (%d): %s", argv[0], argv[1],
			argv[2], argv[3], argv[4], rc, err.len ? sb_str(&err) : "\n");
	sb_release(&out);
	sb_release(&err);
	return rc ? -EINVAL : 0;
}

/* --- interface names: IDB if_names, eth[0-9]+ words of SETUP, --iface --- */

struct namelist {
	char (*v)[16];
	unsigned int n;
};

static int names_add(struct namelist *nl, const char *name, size_t len)
{
	if (len == 0 || len > 15) {
		fprintf(stderr, "usnf sim: interface name '%.*s' is not 1..15 characters\n",
			(int)len, name);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < nl->n; i++)
		if (strlen(nl->v[i]) == len && memcmp(nl->v[i], name, len) == 0)
			return 0;
	char (*n)[16] = realloc(nl->v, (nl->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	nl->v = n;
	memcpy(n[nl->n], name, len);
	n[nl->n++][len] = '\0';
	return 0;
}

static bool is_word_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Every word matching \beth[0-9]+\b in the setup text, as kernel-run finds them. */
static int names_from_setup(struct namelist *nl, const char *t, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++) {
		if (memcmp(t + i, "eth", 3) || (i && is_word_char((unsigned char)t[i - 1])))
			continue;
		size_t j = i + 3;
		while (j < len && isdigit((unsigned char)t[j]))
			j++;
		if (j == i + 3 || (j < len && is_word_char((unsigned char)t[j])))
			continue;
		if (names_add(nl, t + i, j - i))
			return -EINVAL;
		i = j - 1;
	}
	return 0;
}

/* Sorted as kernel-run sorts them: by length, then by name (eth2 before eth10). */
static int name_cmp(const void *a, const void *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return la != lb ? (la < lb ? -1 : 1) : strcmp(a, b);
}

static int sim_collect_names(struct sim *s, struct namelist *nl, const char *text, size_t len)
{
	for (unsigned int i = 0; i < s->in.n_ifaces; i++)
		if (names_add(nl, s->in.ifaces[i].name, strlen(s->in.ifaces[i].name)))
			return -EINVAL;
	if (names_from_setup(nl, text, len))
		return -EINVAL;
	for (int i = 0; i < s->o.n_ifaces; i++)
		if (names_add(nl, s->o.ifaces[i], strlen(s->o.ifaces[i])))
			return -EINVAL;
	if (nl->n)
		qsort(nl->v, nl->n, sizeof(*nl->v), name_cmp);
	return 0;
}

static void sim_sysctls(struct sim *s)
{
	for (size_t i = 0; i < sizeof(sim_router_sysctls) / sizeof(sim_router_sysctls[0]); i++)
		(void)usnf_sysctl_set(s->net, sim_router_sysctls[i][0], sim_router_sysctls[i][1]);
}

static int sim_iface_up(struct sim *s, const char *name)
{
	char *argv[] = { "ip", "link", "set", (char *)name, "up", NULL };

	return sim_cli_must(s, argv);
}

/*
 * The router namespace of the scenarios: sysctls, lo up, one Ethernet device per
 * interface name, each brought up (kernel-run does the same before setup.sh).
 */
int sim_env_create(struct sim *s)
{
	struct namelist nl = { 0 };
	int rc = usnf_net_create(&s->net);

	if (rc) {
		fprintf(stderr, "usnf sim: cannot create the instance: %s\n", strerror(-rc));
		return rc;
	}
	sim_sysctls(s);
	s->lo_ifindex = usnf_iface_find(s->net, "lo");
	rc = sim_iface_up(s, "lo");
	if (!rc)
		rc = sim_collect_names(s, &nl, s->setup_text, s->setup_len);
	for (unsigned int i = 0; !rc && i < nl.n; i++) {
		int ifindex;

		rc = usnf_iface_add(s->net, nl.v[i], &ifindex);
		if (rc)
			fprintf(stderr, "usnf sim: cannot create interface %s: %s\n", nl.v[i],
				strerror(-rc));
		else
			rc = sim_iface_up(s, nl.v[i]);
	}
	free(nl.v);
	return rc;
}

/* --- running the setup file --- */

static void print_prefixed(FILE *fp, const char *prefix, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		fprintf(fp, "%s%.*s\n", prefix, (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

/* `< FILE`: read it, relative to the setup file's directory. */
static int sim_read_input(struct sim *s, const char *name, struct strbuf *buf,
			  struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT;
	char chunk[65536];
	size_t n;

	if (name[0] != '/' && s->setup_dir)
		sb_addf(&path, "%s/", s->setup_dir);
	sb_add(&path, name);
	FILE *fp = fopen(sb_str(&path), "rb");
	if (!fp) {
		sb_addf(err, "%s: %s\n", name, strerror(errno));
		sb_release(&path);
		return -errno;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		sb_addn(buf, chunk, n);
	sb_addn(buf, "", 0);
	fclose(fp);
	sb_release(&path);
	return 0;
}

/* The shell builtins a setup file may use: set (options are ignored: we always
 * stop at the first failure), true, :, echo.  Returns 1 if argv was a builtin. */
static int sim_builtin(const struct script_cmd *c, struct strbuf *out)
{
	const char *n = c->argv[0];

	if (!strcmp(n, "set") || !strcmp(n, "true") || !strcmp(n, ":"))
		return 1;
	if (strcmp(n, "echo"))
		return 0;
	for (int i = 1; i < c->argc; i++)
		sb_addf(out, "%s%s", i > 1 ? " " : "", c->argv[i]);
	sb_addc(out, '\n');
	return 1;
}

static int sim_command_run(struct sim *s, const struct script_cmd *c, struct strbuf *out,
			   struct strbuf *err)
{
	struct strbuf in = STRBUF_INIT;
	int rc;

	if (sim_builtin(c, out))
		return 0;
	if (c->input_file && sim_read_input(s, c->input_file, &in, err)) {
		sb_release(&in);
		return 1;
	}
	rc = sim_cli(s->net, c->argv, c->input_file ? sb_str(&in) : c->input,
		     c->input_file ? in.len : c->input_len, out, err);
	if (rc == -ENOENT)
		sb_addf(err, "%s: command not found\n", c->argv[0]);
	sb_release(&in);
	return rc == -ENOENT ? 127 : rc;
}

/*
 * One command, its stdout redirected to a file of the emulated kernel if the line
 * says so: the shell opens the file first (the command does not run if it cannot),
 * then what the command printed is written to it, even if the command failed.
 */
static int sim_command(struct sim *s, const struct script_cmd *c, struct strbuf *out,
		       struct strbuf *err)
{
	struct cli_ctx file = { .net = s->net, .out = STRBUF_INIT, .err = STRBUF_INIT };
	struct strbuf printed = STRBUF_INIT;
	int rc, wrc;

	if (!c->output_file)
		return sim_command_run(s, c, out, err);
	rc = cli_output_open(&file, c->output_file);
	if (!rc) {
		rc = sim_command_run(s, c, &printed, err);
		wrc = cli_output_write(&file, c->argv[0], c->output_file, printed.s ? printed.s : "",
				       printed.len);
		rc = rc ? rc : wrc;
	}
	sb_add(err, sb_str(&file.err));
	sb_release(&printed);
	sb_release(&file.out);
	sb_release(&file.err);
	return rc;
}

/*
 * Every command of SETUP in order, as `bash -e` runs them: output copied to our
 * stdout/stderr; the first failure stops everything with "SETUP:LINE: <stderr>".
 */
int sim_setup_run(struct sim *s)
{
	for (unsigned int i = 0; i < s->script.n; i++) {
		const struct script_cmd *c = &s->script.cmds[i];
		struct strbuf out = STRBUF_INIT, err = STRBUF_INIT, pfx = STRBUF_INIT;
		int rc = sim_command(s, c, &out, &err);

		if (!c->discard_out)
			fputs(sb_str(&out), stdout);
		fflush(stdout);
		if (rc && !c->may_fail) {
			sb_addf(&pfx, "%s:%u: ", s->o.setup, c->line);
			if (err.len)
				print_prefixed(stderr, sb_str(&pfx), sb_str(&err));
			else
				fprintf(stderr, "%s%s failed with exit status %d\n", sb_str(&pfx),
					c->argv[0], rc);
		} else if (!c->discard_err) {
			fputs(sb_str(&err), stderr);
		}
		sb_release(&out);
		sb_release(&err);
		sb_release(&pfx);
		if (rc && !c->may_fail)
			return -EINVAL;
	}
	return 0;
}

/* Tables named by `*table` lines of an iptables-save output. */
static int sim_zero_family(struct sim *s, const char *save, const char *tool)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	char *argv[] = { (char *)save, NULL };
	int rc = sim_cli(s->net, argv, NULL, 0, &out, &err);
	const char *p = sb_str(&out);

	while (!rc && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (p[0] == '*' && n > 1 && n < 64) {
			char table[64];
			memcpy(table, p + 1, n - 1);
			table[n - 1] = '\0';
			char *zargv[] = { (char *)tool, "-t", table, "-Z", NULL };
			struct strbuf zo = STRBUF_INIT, ze = STRBUF_INIT;
			rc = sim_cli(s->net, zargv, NULL, 0, &zo, &ze);
			if (rc)
				fprintf(stderr, "usnf sim: %s -t %s -Z failed: %s", tool, table, sb_str(&ze));
			sb_release(&zo);
			sb_release(&ze);
		}
		p += n + (nl ? 1 : 0);
	}
	sb_release(&out);
	sb_release(&err);
	return rc ? -EINVAL : 0;
}

/*
 * After setup the oracle zeroes the counters of every existing table (`iptables -t T
 * -Z` for each table iptables-save lists), so we do exactly that too.
 */
int sim_counters_zero(struct sim *s)
{
	int rc = sim_zero_family(s, "iptables-save", "iptables");

	if (!rc)
		rc = sim_zero_family(s, "ip6tables-save", "ip6tables");
	return rc;
}
