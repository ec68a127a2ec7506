/*
 * nfacct: the nfacct 1.0.2 tool (nfacct.c of the nfacct package, the printers of
 * libnetfilter_acct) over the instance's accounting objects (xt/ext/nfacct.c,
 * which mirrors nfnetlink_acct.c).  Messages, output and exit codes are the tool's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "xt/ext/nfacct.h"

#define NFACCT_VERSION "1.0.2"
#define NFACCT_RESTORE_LINE 512         /* nfacct_cmd_restore()'s fgets() buffer */

static int nfacct_usage(struct cli_ctx *ctx, const char *argv0)
{
	sb_addf(&ctx->err, "Usage: %s command [parameters]...\n", argv0);
	return 1;
}

/* nfacct_perror() with errno 0: the tool's own complaints. */
static int nfacct_fail(struct cli_ctx *ctx, const char *msg)
{
	sb_addf(&ctx->err, "nfacct v%s: %s\n", NFACCT_VERSION, msg);
	return 1;
}

/* nfacct_perror("error") after the kernel's netlink error. */
static int nfacct_kernel_fail(struct cli_ctx *ctx, int rc)
{
	sb_addf(&ctx->err, "nfacct v%s: error: %s\n", NFACCT_VERSION, strerror(-rc));
	return 1;
}

/* duparg(): exit(EXIT_FAILURE) after its message. */
static int nfacct_duparg(struct cli_ctx *ctx, const char *key)
{
	sb_addf(&ctx->err, "Error: duplicate \"%s\" or collision with another option \n", key);
	return 1;
}

/* The tool matches every word by prefix: "" is the first candidate, "l" is list. */
static bool nfacct_word_is(const char *arg, const char *word)
{
	return strncmp(arg, word, strlen(arg)) == 0;
}

/* The `list`/`get` output state: nfacct_cb()'s xml flag and its static xml_header. */
struct nfacct_show {
	struct cli_ctx *ctx;
	bool xml, reset, header;
};

/*
 * One object as nfacct_cb() prints it: nfacct_snprintf(NFACCT_SNPRINTF_F_FULL), plain
 * or XML, of what nfnl_acct_fill_info() reported.  A reset (NFNL_MSG_ACCT_GET_CTRZERO)
 * reports the counters and flags before zeroing them.
 */
static void nfacct_show_one(void *arg, const char *name, struct nfacct_obj *o)
{
	struct nfacct_show *sh = arg;
	struct strbuf *out = &sh->ctx->out;
	unsigned long long pkts = o->pkts, bytes = o->bytes;
	bool overquota = o->overquota_seen;

	if (sh->reset) {
		o->pkts = o->bytes = 0;
		o->overquota_seen = false;
	}
	if (sh->xml) {
		if (!sh->header)
			sb_add(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<nfacct>\n");
		sh->header = true;
		sb_addf(out, "<obj><name>%s</name><pkts>%.20llu</pkts><bytes>%.20llu</bytes></obj>\n",
			name, pkts, bytes);
		return;
	}
	if (!(o->flags & NFACCT_F_QUOTA)) {
		sb_addf(out, "{ pkts = %.20llu, bytes = %.20llu } = %s;\n", pkts, bytes, name);
		return;
	}
	sb_addf(out, "{ pkts = %.20llu, bytes = %.20llu, quota = %.20llu, mode = %s, "
		"overquota = %s } = %s;\n", pkts, bytes, (unsigned long long)o->quota,
		(o->flags & NFACCT_F_QUOTA_PKTS) ? "packet" : "byte", overquota ? "yes" : "no",
		name);
}

static void nfacct_show_end(struct nfacct_show *sh)
{
	if (sh->header)
		sb_add(&sh->ctx->out, "</nfacct>\n");
}

/* nfacct_cmd_list(): a dump of every object, reset and xml as options. */
static int nfacct_cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
	struct nfacct_show sh = { .ctx = ctx };

	for (int i = 2; i < argc; i++) {
		if (nfacct_word_is(argv[i], "reset")) {
			if (sh.reset)
				return nfacct_duparg(ctx, argv[i]);
			sh.reset = true;
		} else if (nfacct_word_is(argv[i], "xml")) {
			if (sh.xml)
				return nfacct_duparg(ctx, argv[i]);
			sh.xml = true;
		} else {
			return nfacct_fail(ctx, "unknown argument");
		}
	}
	nfacct_obj_foreach(ctx->net, nfacct_show_one, &sh);
	nfacct_show_end(&sh);
	return 0;
}

/* nfacct_cmd_get(): one object; options may repeat here. */
static int nfacct_cmd_get(struct cli_ctx *ctx, int argc, char **argv)
{
	struct nfacct_show sh = { .ctx = ctx };
	char name[NFACCT_NAME_MAX];
	struct nfacct_obj *o;

	if (argc < 3)
		return nfacct_fail(ctx, "missing object name");
	for (int i = 3; i < argc; i++) {
		if (nfacct_word_is(argv[i], "reset"))
			sh.reset = true;
		else if (nfacct_word_is(argv[i], "xml"))
			sh.xml = true;
		else
			return nfacct_fail(ctx, "unknown argument");
	}
	o = nfacct_obj_find(ctx->net, argv[2]);
	if (!o)
		return nfacct_kernel_fail(ctx, -ENOENT);
	snprintf(name, sizeof(name), "%s", argv[2]);   /* the object's name: cut as stored */
	nfacct_show_one(&sh, name, o);
	nfacct_show_end(&sh);
	return 0;
}

/* sscanf("%" PRIu64): strtoull's reading, "-1" included; no digits is an error. */
static int nfacct_scan_u64(const char *s, uint64_t *v)
{
	return sscanf(s, "%" SCNu64, v) == 1 ? 0 : -1;
}

/* nfacct_cmd_add(): NAME, or NAME byte|packet QUOTA. */
static int nfacct_cmd_add(struct cli_ctx *ctx, int argc, char **argv)
{
	struct nfacct_obj init = { 0 };
	int rc;

	if (argc < 3)
		return nfacct_fail(ctx, "missing object name");
	if (argc == 4)
		return nfacct_fail(ctx, "missing quota value");
	if (argc == 5 && strcmp(argv[3], "byte") && strcmp(argv[3], "packet"))
		return nfacct_fail(ctx, "argument must \"byte\" or \"packet\"");
	if (argc > 5)
		return nfacct_fail(ctx, "too many arguments");
	if (argc == 5) {
		init.flags = strcmp(argv[3], "byte") == 0 ? NFACCT_F_QUOTA_BYTES
							  : NFACCT_F_QUOTA_PKTS;
		if (nfacct_scan_u64(argv[4], &init.quota))
			return nfacct_fail(ctx, "error reading quota");
	}
	rc = nfacct_obj_new(ctx->net, argv[2], &init);
	return rc ? nfacct_kernel_fail(ctx, rc) : 0;
}

static int nfacct_cmd_delete(struct cli_ctx *ctx, int argc, char **argv)
{
	int rc;

	if (argc < 3)
		return nfacct_fail(ctx, "missing object name");
	if (argc > 3)
		return nfacct_fail(ctx, "too many arguments");
	rc = nfacct_obj_del(ctx->net, argv[2]);
	return rc ? nfacct_kernel_fail(ctx, rc) : 0;
}

static int nfacct_cmd_flush(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc > 2)
		return nfacct_fail(ctx, "too many arguments");
	nfacct_obj_flush(ctx->net);     /* objects in use stay, silently */
	return 0;
}

/* One line of `nfacct restore` input: `list` output without a quota, or with one. */
static int nfacct_restore_line(struct cli_ctx *ctx, char *line)
{
	char name[NFACCT_RESTORE_LINE], mode[NFACCT_RESTORE_LINE];
	char *semicolon = strchr(line, ';');
	struct nfacct_obj init = { 0 };
	int rc;

	if (!semicolon)
		return nfacct_fail(ctx, "invalid line");
	*semicolon = '\0';
	if (!strstr(line, "quota")) {
		if (sscanf(line, "{ pkts = %" SCNu64 ", bytes = %" SCNu64 " } = %511s",
			   &init.pkts, &init.bytes, name) != 3)
			return nfacct_fail(ctx, "error reading input");
	} else {
		/* "mode = %s" swallows the comma of `list`'s own quota lines: they fail */
		if (sscanf(line, "{ pkts = %" SCNu64 ", bytes = %" SCNu64 ", quota = %" SCNu64
			   ", mode = %511s } = %511s", &init.pkts, &init.bytes, &init.quota,
			   mode, name) != 5)
			return nfacct_fail(ctx, "error reading input");
		init.flags = strcmp(mode, "byte") == 0 ? NFACCT_F_QUOTA_BYTES : NFACCT_F_QUOTA_PKTS;
	}
	rc = nfacct_obj_new(ctx->net, name, &init);
	return rc ? nfacct_kernel_fail(ctx, rc) : 0;
}

/* nfacct_cmd_restore(): stdin read by fgets() into 512 bytes (longer lines split). */
static int nfacct_cmd_restore(struct cli_ctx *ctx)
{
	const char *p = ctx->input, *end = ctx->input + (ctx->input ? ctx->input_len : 0);
	char line[NFACCT_RESTORE_LINE];

	while (p && p < end) {
		size_t n = 0;

		while (p + n < end && n < sizeof(line) - 1 && p[n] != '\n')
			n++;
		if (p + n < end && n < sizeof(line) - 1)
			n++;            /* the newline, kept as fgets() keeps it */
		memcpy(line, p, n);
		line[n] = '\0';
		p += n;
		if (nfacct_restore_line(ctx, line))
			return 1;
	}
	return 0;
}

static int nfacct_cmd_version(struct cli_ctx *ctx)
{
	sb_addf(&ctx->out, "nfacct v%s: utility for the Netfilter extended accounting "
		"infrastructure\n"
		"Copyright (C) 2011 Pablo Neira Ayuso <pablo@netfilter.org>\n"
		"Copyright (C) 2011 Intra2net AG <http://www.intra2net.com>\n"
		"This program comes with ABSOLUTELY NO WARRANTY.\n"
		"This is free software, and you are welcome to redistribute it under certain \n"
		"conditions; see LICENSE file distributed in this package for details.\n",
		NFACCT_VERSION);
	return 0;
}

static int nfacct_cmd_help(struct cli_ctx *ctx, const char *argv0)
{
	sb_addf(&ctx->out, "nfacct v%s: utility for the Netfilter extended accounting "
		"infrastructure\n"
		"Usage: %s command [parameters]...\n\n"
		"Commands:\n"
		"  list [reset]\t\tList the accounting object table (and reset)\n"
		"  add object-name\tAdd new accounting object to table\n"
		"  delete object-name\tDelete existing accounting object\n"
		"  get object-name\tGet existing accounting object\n"
		"  flush\t\t\tFlush accounting object table\n"
		"  restore\t\tRestore accounting object table reading 'list' output from stdin\n"
		"  monitor\t\tListens for quota attainment notifications\n"
		"  version\t\tDisplay version and disclaimer\n"
		"  help\t\t\tDisplay this help message\n", NFACCT_VERSION, argv0);
	return 0;
}

int cli_nfacct(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		return nfacct_usage(ctx, argv[0]);
	cmd = argv[1];
	/* main()'s order of tests decides what a prefix means */
	if (nfacct_word_is(cmd, "list"))
		return nfacct_cmd_list(ctx, argc, argv);
	if (nfacct_word_is(cmd, "add"))
		return nfacct_cmd_add(ctx, argc, argv);
	if (nfacct_word_is(cmd, "delete"))
		return nfacct_cmd_delete(ctx, argc, argv);
	if (nfacct_word_is(cmd, "get"))
		return nfacct_cmd_get(ctx, argc, argv);
	if (nfacct_word_is(cmd, "flush"))
		return nfacct_cmd_flush(ctx, argc, argv);
	if (nfacct_word_is(cmd, "version"))
		return nfacct_cmd_version(ctx);
	if (nfacct_word_is(cmd, "help"))
		return nfacct_cmd_help(ctx, argv[0]);
	if (nfacct_word_is(cmd, "restore"))
		return nfacct_cmd_restore(ctx);
	if (nfacct_word_is(cmd, "monitor"))     /* waits for ever in the real tool */
		return nfacct_fail(ctx, "monitor: not available in a setup file (usnf)");
	sb_addf(&ctx->err, "nfacct v%s: Unknown command: %s\n", NFACCT_VERSION, cmd);
	return nfacct_usage(ctx, argv[0]);
}
