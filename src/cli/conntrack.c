/* conntrack: list, delete, flush and count connections (conntrack-tools 1.4.7's command and output). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "ct/ct.h"
#include "stack/net.h"
#include "xt/xt.h"

#define CT_PROG "conntrack v1.4.7 (conntrack-tools): "

enum ctc_cmd { CMD_NONE, CMD_LIST, CMD_DELETE, CMD_FLUSH, CMD_COUNT, CMD_STATS };

/* Filters, as conntrack's -p, -s, -d, -r, -q, --sport, ..., -m, -u, --state, -w. */
struct ctc_filter {
	uint8_t l3;                     /* 0: any family */
	int proto;                      /* -1: any */
	bool has[4];                    /* orig src, orig dst, reply src, reply dst */
	uint8_t addr[4][16];
	int port[4];                    /* orig sport, dport, reply sport, dport; -1 any */
	bool has_mark;
	uint32_t mark, mark_mask;
	bool has_status;
	uint32_t status;
	int tcp_state;                  /* -1: any */
	int zone;                       /* -1: any */
};

struct ctc {
	struct cli_ctx *ctx;
	enum ctc_cmd cmd;
	bool ext, id;
	bool expect;                    /* the table named "expect" */
	struct ctc_filter f;
	unsigned int n;
	struct ct_conn **sel;
	unsigned int nsel, capsel;
};

static int ctc_usage_err(struct ctc *c, const char *fmt, const char *arg)
{
	sb_add(&c->ctx->err, CT_PROG);
	sb_addf(&c->ctx->err, fmt, arg);
	sb_add(&c->ctx->err, "\nTry `conntrack -h' or 'conntrack --help' for more information.\n");
	return 2;
}

static int ctc_family(const char *s, uint8_t *l3)
{
	if (!strcmp(s, "ipv4"))
		*l3 = USNF_NFPROTO_IPV4;
	else if (!strcmp(s, "ipv6"))
		*l3 = USNF_NFPROTO_IPV6;
	else
		return -1;
	return 0;
}

static int ctc_addr(struct ctc *c, int which, const char *s)
{
	uint8_t l3 = strchr(s, ':') ? USNF_NFPROTO_IPV6 : USNF_NFPROTO_IPV4;

	memset(c->f.addr[which], 0, 16);
	if (inet_pton(l3 == USNF_NFPROTO_IPV6 ? AF_INET6 : AF_INET, s, c->f.addr[which]) != 1)
		return -1;
	if (!c->f.l3)
		c->f.l3 = l3;
	c->f.has[which] = true;
	return 0;
}

static int ctc_proto(const char *s)
{
	uint8_t p;

	if (!strcasecmp(s, "icmpv6") || !strcasecmp(s, "ipv6-icmp"))
		return 58;
	if (xt_proto_parse(s, &p))
		return -1;
	return p;
}

static int ctc_status(const char *s, uint32_t *out)
{
	static const struct { const char *n; uint32_t b; } names[] = {
		{ "EXPECTED", CT_S_EXPECTED }, { "ASSURED", CT_S_ASSURED },
		{ "SEEN_REPLY", CT_S_SEEN_REPLY }, { "FIXED_TIMEOUT", CT_S_FIXED_TIMEOUT },
		{ "CONFIRMED", CT_S_CONFIRMED }, { "DYING", CT_S_DYING },
		{ "SRC_NAT", CT_S_SRC_NAT }, { "DST_NAT", CT_S_DST_NAT }, { "UNSET", 0 },
	};
	char buf[128], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	*out = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcasecmp(tok, names[i].n))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -1;
		*out |= names[i].b;
	}
	return 0;
}

static bool ctc_match(const struct ctc *c, const struct ct_conn *k)
{
	const struct ctc_filter *f = &c->f;
	const struct ct_tuple *o = &k->node[0].t, *r = &k->node[1].t;
	const uint8_t *addrs[4] = { o->src, o->dst, r->src, r->dst };
	const uint16_t ports[4] = { o->sport, o->dport, r->sport, r->dport };
	size_t alen = o->l3 == USNF_NFPROTO_IPV4 ? 4 : 16;

	if (f->l3 && o->l3 != f->l3)
		return false;
	if (f->proto >= 0 && o->proto != f->proto)
		return false;
	for (int i = 0; i < 4; i++) {
		if (f->has[i] && memcmp(addrs[i], f->addr[i], alen))
			return false;
		if (f->port[i] >= 0 && ports[i] != f->port[i])
			return false;
	}
	if (f->has_mark && (k->mark & f->mark_mask) != f->mark)
		return false;
	if (f->has_status && (k->status & f->status) != f->status)
		return false;
	if (f->tcp_state >= 0 && (o->proto != 6 || k->tcp.state != f->tcp_state))
		return false;
	if (f->zone >= 0 && o->zone != f->zone)
		return false;
	return true;
}

static int ctc_collect(struct ct_conn *k, void *arg)
{
	struct ctc *c = arg;

	if (!ctc_match(c, k))
		return 0;
	if (c->nsel == c->capsel) {
		unsigned int cap = c->capsel ? c->capsel * 2 : 64;
		struct ct_conn **n = realloc(c->sel, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->sel = n;
		c->capsel = cap;
	}
	c->sel[c->nsel++] = k;
	return 0;
}

/*
 * Labels are shown and selected by name only, through the map of
 * /etc/xtables/connlabel.conf (libnetfilter_conntrack's nfct_labelmap_new()),
 * which usnf does not read: conntrack behaves as where that file is missing.
 * labelmap_init() reports the failure each time it is asked for the map.
 */
static void ctc_labelmap_init(struct ctc *c)
{
	sb_add(&c->ctx->err, "nfct_labelmap_new: No such file or directory\n");
}

/* -l/--label, --label-add, --label-del NAME[,NAME]: no map knows the first name. */
static int ctc_label_names(struct ctc *c, const char *val)
{
	size_t n = strcspn(val, ",");
	char name[64];

	ctc_labelmap_init(c);
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, val, n);
	name[n] = '\0';
	return ctc_usage_err(c, "unknown label '%s'", name);
}

static int ctc_option(struct ctc *c, const char *opt, const char *val)
{
	struct ctc_filter *f = &c->f;
	static const char *const addr_opts[4][3] = {
		{ "-s", "--src", "--orig-src" }, { "-d", "--dst", "--orig-dst" },
		{ "-r", "--reply-src", "" }, { "-q", "--reply-dst", "" } };
	static const char *const port_opts[4][2] = {
		{ "--sport", "--orig-port-src" }, { "--dport", "--orig-port-dst" },
		{ "--reply-port-src", "" }, { "--reply-port-dst", "" } };
	char *end;

	for (int i = 0; i < 4; i++) {
		if (!strcmp(opt, addr_opts[i][0]) || !strcmp(opt, addr_opts[i][1]) ||
		    !strcmp(opt, addr_opts[i][2]))
			return ctc_addr(c, i, val) ? ctc_usage_err(c, "Bad parameter `%s'", val) : 0;
		if (!strcmp(opt, port_opts[i][0]) || !strcmp(opt, port_opts[i][1])) {
			unsigned long v = strtoul(val, &end, 10);

			if (*end || v > 65535)
				return ctc_usage_err(c, "Bad parameter `%s'", val);
			f->port[i] = (int)v;
			return 0;
		}
	}
	if (!strcmp(opt, "-f") || !strcmp(opt, "--family"))
		return ctc_family(val, &f->l3) ? ctc_usage_err(c, "`%s' unsupported protocol", val)
					       : 0;
	if (!strcmp(opt, "-p") || !strcmp(opt, "--proto")) {
		f->proto = ctc_proto(val);
		return f->proto < 0 ? ctc_usage_err(c, "proto `%s' not found", val) : 0;
	}
	if (!strcmp(opt, "-m") || !strcmp(opt, "--mark")) {
		f->mark = (uint32_t)strtoul(val, &end, 0);
		f->mark_mask = 0xffffffffu;
		if (*end == '/')
			f->mark_mask = (uint32_t)strtoul(end + 1, &end, 0);
		if (*end)
			return ctc_usage_err(c, "Bad parameter `%s'", val);
		f->mark &= f->mark_mask;
		f->has_mark = true;
		return 0;
	}
	if (!strcmp(opt, "-u") || !strcmp(opt, "--status")) {
		f->has_status = true;
		return ctc_status(val, &f->status) ? ctc_usage_err(c, "Bad parameter `%s'", val)
						   : 0;
	}
	if (!strcmp(opt, "--state")) {
		for (int s = 0; s < CT_TCP_MAX; s++)
			if (!strcasecmp(val, ct_tcp_state_name((unsigned int)s))) {
				f->tcp_state = s;
				return 0;
			}
		return ctc_usage_err(c, "unknown TCP state `%s'", val);
	}
	if (!strcmp(opt, "-w") || !strcmp(opt, "--zone")) {
		unsigned long v = strtoul(val, &end, 0);

		if (*end || v > 65535)
			return ctc_usage_err(c, "Bad parameter `%s'", val);
		f->zone = (int)v;
		return 0;
	}
	if (!strcmp(opt, "-l") || !strcmp(opt, "--label") || !strcmp(opt, "--label-add") ||
	    !strcmp(opt, "--label-del"))
		return ctc_label_names(c, val);
	if (!strcmp(opt, "-o") || !strcmp(opt, "--output")) {
		char buf[128], *tok, *save = NULL;

		if (strlen(val) >= sizeof(buf))
			return ctc_usage_err(c, "Bad parameter `%s'", val);
		strcpy(buf, val);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (!strcmp(tok, "extended"))
				c->ext = true;
			else if (!strcmp(tok, "id"))
				c->id = true;
			else if (!strcmp(tok, "labels"))
				ctc_labelmap_init(c);
			else
				return ctc_usage_err(c, "Bad parameter `%s'", tok);
		}
		return 0;
	}
	return ctc_usage_err(c, "Bad parameter `%s'", opt);
}

static int ctc_set_cmd(struct ctc *c, enum ctc_cmd cmd, const char *opt)
{
	if (c->cmd != CMD_NONE)
		return ctc_usage_err(c, "Invalid parameters combination: %s", opt);
	c->cmd = cmd;
	return 0;
}

static bool ctc_takes_value(const char *o)
{
	static const char *const v[] = {
		"-s", "--src", "--orig-src", "-d", "--dst", "--orig-dst", "-r", "--reply-src",
		"-q", "--reply-dst", "--sport", "--orig-port-src", "--dport", "--orig-port-dst",
		"--reply-port-src", "--reply-port-dst", "-f", "--family", "-p", "--proto", "-m",
		"--mark", "-u", "--status", "--state", "-w", "--zone", "-o", "--output", "-l",
		"--label", "--label-add", "--label-del", NULL };

	for (int i = 0; v[i]; i++)
		if (!strcmp(o, v[i]))
			return true;
	return false;
}

static int ctc_parse(struct ctc *c, int argc, char **argv)
{
	static const struct { const char *s, *l; enum ctc_cmd cmd; } cmds[] = {
		{ "-L", "--dump", CMD_LIST }, { "-D", "--delete", CMD_DELETE },
		{ "-F", "--flush", CMD_FLUSH }, { "-C", "--count", CMD_COUNT },
		{ "-S", "--stats", CMD_STATS },
	};
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool done = false;

		for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++)
			if (!strcmp(a, cmds[k].s) || !strcmp(a, cmds[k].l)) {
				if ((rc = ctc_set_cmd(c, cmds[k].cmd, a)))
					return rc;
				/* -L/-D/-F/-C take an optional table name. */
				if (i + 1 < argc && !strcmp(argv[i + 1], "conntrack"))
					i++;
				else if (i + 1 < argc && !strcmp(argv[i + 1], "expect") &&
					 cmds[k].cmd != CMD_DELETE && cmds[k].cmd != CMD_STATS) {
					c->expect = true;
					i++;
				}
				done = true;
			}
		if (done)
			continue;
		if (!ctc_takes_value(a))
			return ctc_usage_err(c, "Bad parameter `%s'", a);
		if (i + 1 >= argc)
			return ctc_usage_err(c, "option `%s' requires an argument", a);
		if ((rc = ctc_option(c, a, argv[++i])))
			return rc;
	}
	if (c->cmd == CMD_NONE)
		return ctc_usage_err(c, "%s", "no command specified");
	return 0;
}

/*
 * conntrack -S: the per-CPU lines of ctnetlink's IPCTNL_MSG_CT_GET_STATS_CPU as
 * conntrack-tools 1.4.7 prints them ("cpu=%-4u\t" then "name=value " per attribute
 * the kernel sends); the engine is one CPU.
 */
static void ctc_stats(struct cli_ctx *ctx)
{
	struct ct_stats st = ct_stats_get(ctx->net);

	sb_addf(&ctx->out, "cpu=%-4u\tfound=%u invalid=%u insert=%u insert_failed=%u drop=%u "
		"early_drop=%u error=%u search_restart=%u clash_resolve=%u chaintoolong=%u \n",
		0u, st.found, st.invalid, st.insert, st.insert_failed, st.drop, st.early_drop,
		st.error, st.search_restart, st.clash_resolve, st.chaintoolong);
}

/* The expectations of the family filter (-f), for -L/-C expect. */
struct ctc_exp {
	struct ctc *c;
	unsigned int n;
	struct strbuf lines;
	size_t *ends;
	unsigned int cap;
};

static int ctc_exp_one(const struct ct_expect *e, void *arg)
{
	struct ctc_exp *x = arg;

	if (x->c->f.l3 && e->t.l3 != x->c->f.l3)
		return 0;
	if (x->n == x->cap) {
		size_t *v = realloc(x->ends, (x->cap * 2 + 8) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		x->ends = v;
		x->cap = x->cap * 2 + 8;
	}
	ct_expect_format(x->c->ctx->net, e, &x->lines);
	x->ends[x->n++] = x->lines.len;
	return 0;
}

/* conntrack -L/-F/-C expect (the kernel's dump runs newest first here). */
static int ctc_expect(struct ctc *c)
{
	struct ctc_exp x = { .c = c, .lines = STRBUF_INIT };
	int rc = 0;

	if (c->cmd == CMD_FLUSH) {
		ct_expect_flush(c->ctx->net);
		sb_add(&c->ctx->err, CT_PROG "expectation table has been emptied.\n");
		return 0;
	}
	if (ct_expect_iterate(c->ctx->net, ctc_exp_one, &x)) {
		rc = 1;
	} else if (c->cmd == CMD_COUNT) {
		sb_addf(&c->ctx->out, "%u\n", x.n);
	} else {
		for (unsigned int i = x.n; i-- > 0;) {
			size_t from = i ? x.ends[i - 1] : 0;

			sb_addn(&c->ctx->out, x.lines.s + from, x.ends[i] - from);
		}
		sb_addf(&c->ctx->err, CT_PROG "%u expectations have been shown.\n", x.n);
	}
	free(x.ends);
	sb_release(&x.lines);
	return rc;
}

/* conntrack -L/-D/-F/-C/-S over the engine's table (one family or both). */
int cli_conntrack(struct cli_ctx *ctx, int argc, char **argv)
{
	struct ctc c = { .ctx = ctx };
	int rc;

	c.f.proto = -1;
	c.f.tcp_state = -1;
	c.f.zone = -1;
	for (int i = 0; i < 4; i++)
		c.f.port[i] = -1;
	rc = ctc_parse(&c, argc, argv);
	if (rc)
		return rc;
	if (c.expect)
		return ctc_expect(&c);
	if (c.cmd == CMD_STATS) {
		ctc_stats(ctx);
		return 0;
	}
	if (c.cmd == CMD_COUNT) {
		sb_addf(&ctx->out, "%u\n", ct_count(ctx->net));
		return 0;
	}
	if (ct_iterate(ctx->net, ctc_collect, &c)) {
		free(c.sel);
		return 1;
	}
	for (unsigned int i = 0; i < c.nsel; i++) {
		if (c.cmd == CMD_LIST || c.cmd == CMD_DELETE)
			ct_conn_format_opts(ctx->net, c.sel[i], c.ext, c.id, &ctx->out);
		if (c.cmd != CMD_LIST)
			ct_conn_delete(ctx->net, c.sel[i]);
	}
	free(c.sel);
	switch (c.cmd) {
	case CMD_LIST:
		sb_addf(&ctx->err, CT_PROG "%u flow entries have been shown.\n", c.nsel);
		return 0;
	case CMD_DELETE:
		sb_addf(&ctx->err, CT_PROG "%u flow entries have been deleted.\n", c.nsel);
		return c.nsel ? 0 : 1;
	default:
		sb_add(&ctx->err, CT_PROG "connection tracking table has been emptied.\n");
		return 0;
	}
}
