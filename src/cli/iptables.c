/* iptables: the iptables/ip6tables command (do_command4/6 of iptables 1.8.9, nft backend). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/iptables_int.h"
#include "stack/net.h"

#define IPT_MAX_MATCHES 32
#define IPT_MAX_ADDRS 64

/* Everything one command line says. */
struct ipt_cmd {
	char cmd;                       /* 'A', 'D', ... 0: none */
	char cmd2;                      /* 'Z' together with 'L' */
	const char *chain;
	const char *arg2;               /* -E new name, -P policy */
	unsigned long rulenum;          /* 0: none */
	const char *table;
	unsigned int fmt;               /* IPT_FMT_* */
	struct xt_rule *rule;
	uint32_t seen_opt[IPT_MAX_MATCHES + 1];  /* options given per match (+ target) */
	const char *saddrs, *daddrs;
	bool proto_seen, jump_seen, counters;
	bool proto_used;                /* the -p match was loaded for an unknown option */
	bool version;                   /* -V: print the version, do nothing else */
	bool wait, wait_interval;       /* -w, -W given */
	unsigned int target_at;         /* matches loaded before the target (option order) */
	uint64_t pcnt, bcnt;
	unsigned int illegal;           /* first rule option letter given (for -N etc.) */
};

static const char *ipt_errno_str(int e)
{
	switch (e) {
	case EBUSY: return "Device or resource busy";
	case ENOENT: return "No such file or directory";
	case EINVAL: return "Invalid argument";
	case ELOOP: return "Too many levels of symbolic links";
	case ENOMEM: return "Cannot allocate memory";
	case EEXIST: return "File exists";
	default: return strerror(e);   /* what iptables-nft prints: strerror(errno) */
	}
}

__attribute__((format(printf, 3, 4)))
static int ipt_fail(struct ipt_env *env, enum ipt_err_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (env->ekind != IPT_ERR_NONE)
		return -1;
	env->ekind = kind;
	sb_reset(&env->emsg);
	va_start(ap, fmt);
	sb_vaddf(&env->emsg, fmt, ap);
	va_end(ap);
	return -1;
}

static int ipt_exit_code(enum ipt_err_kind k)
{
	switch (k) {
	case IPT_ERR_NONE: return 0;
	case IPT_ERR_PLAIN:
	case IPT_ERR_PREFIXED: return 1;
	case IPT_ERR_KERNEL: return 4;
	case IPT_ERR_TABLE: return 3;
	default: return 2;
	}
}

void ipt_error_print(const struct ipt_env *env, struct strbuf *out)
{
	const char *m = sb_str(&env->emsg);

	switch (env->ekind) {
	case IPT_ERR_NONE:
		return;
	case IPT_ERR_PLAIN:
		sb_addf(out, "%s: %s\n", env->prog, m);
		return;
	case IPT_ERR_KERNEL:
		sb_addf(out, "%s %s:  %s\n", env->prog, IPT_VERSION, m);
		return;
	case IPT_ERR_PREFIXED:
		sb_addf(out, "%s %s: %s\n", env->prog, IPT_VERSION, m);
		return;
	case IPT_ERR_TABLE:
		sb_addf(out, "%s %s: %s\nPerhaps iptables or your kernel needs to be upgraded.\n",
			env->prog, IPT_VERSION, m);
		return;
	case IPT_ERR_BARE:
		sb_addf(out, "%s\nTry `%s -h' or '%s --help' for more information.\n", m,
			env->prog, env->prog);
		return;
	case IPT_ERR_PARAM:
		sb_addf(out, "%s %s: %s\nTry `%s -h' or '%s --help' for more information.\n",
			env->prog, IPT_VERSION, m, env->prog, env->prog);
		return;
	}
}

/* ---- env: staged tables ---- */

void ipt_env_init(struct ipt_env *env, struct cli_ctx *ctx, enum xt_family fam,
		  const char *prog)
{
	memset(env, 0, sizeof(*env));
	env->ctx = ctx;
	env->fam = fam;
	env->prog = prog;
}

struct xt_table *ipt_env_table(struct ipt_env *env, enum xt_table_id id)
{
	if (!env->staged[id])
		env->staged[id] = xt_table_stage(env->ctx->net, env->fam, id);
	return env->staged[id];
}

bool ipt_env_table_exists(struct ipt_env *env, enum xt_table_id id)
{
	return env->create[id] || xt_table_get(env->ctx->net, env->fam, id);
}

void ipt_env_release(struct ipt_env *env)
{
	int i;

	for (i = 0; i < XT_TABLE_COUNT; i++) {
		xt_table_free(env->staged[i]);
		env->staged[i] = NULL;
	}
	sb_release(&env->emsg);
}

int ipt_env_commit(struct ipt_env *env)
{
	struct strbuf err = STRBUF_INIT;
	int i, rc;

	for (i = 0; i < XT_TABLE_COUNT; i++) {
		if (!env->staged[i] || !env->dirty[i] || !ipt_env_table_exists(env, i))
			continue;
		rc = xt_table_commit(env->ctx->net, env->staged[i], &err);
		if (rc) {
			ipt_fail(env, IPT_ERR_KERNEL, "%s failed (%s): rule in chain %s",
				 env->kop[0] ? env->kop : "RULE_APPEND",
				 rc == -ELOOP ? "Too many links" : ipt_errno_str(-rc), env->kchain);
			sb_release(&err);
			return -1;
		}
		env->staged[i] = NULL;
		env->dirty[i] = false;
	}
	sb_release(&err);
	return 0;
}

/* ---- parsing helpers ---- */

static bool ipt_is_num(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* An address with optional /mask (xtables_ipparse_any / ip6parse_any). */
static int ipt_parse_addr(struct ipt_env *env, const char *s, union xt_addr *a,
			  union xt_addr *m)
{
	int af = env->fam == XT_FAMILY_V4 ? AF_INET : AF_INET6;
	int bits = env->fam == XT_FAMILY_V4 ? 32 : 128;
	char host[128];
	const char *slash = strchr(s, '/');
	unsigned long long plen = (unsigned long long)bits;
	int i;

	memset(a, 0, sizeof(*a));
	memset(m, 0, sizeof(*m));
	if ((slash ? (size_t)(slash - s) : strlen(s)) >= sizeof(host))
		return ipt_fail(env, IPT_ERR_PARAM, "host/network `%s' not found", s);
	memcpy(host, s, slash ? (size_t)(slash - s) : strlen(s) + 1);
	if (slash)
		host[slash - s] = '\0';
	if (slash) {
		if (xt_parse_uint(slash + 1, 0, (unsigned long long)bits, &plen)) {
			if (inet_pton(af, slash + 1, m) != 1)
				return ipt_fail(env, IPT_ERR_PARAM, "invalid mask `%s' specified",
						slash + 1);
			plen = 1000;
		}
	}
	if (plen != 1000)
		for (i = 0; i < (int)plen; i++)
			m->a6[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	if (strcmp(host, "localhost") == 0 && env->fam == XT_FAMILY_V4)
		strcpy(host, "127.0.0.1");
	if (inet_pton(af, host, a) != 1)
		return ipt_fail(env, IPT_ERR_PARAM, "host/network `%s' not found", host);
	for (i = 0; i < 4; i++)
		a->w[i] &= m->w[i];
	return 0;
}

static int ipt_split_addrs(struct ipt_env *env, const char *list, union xt_addr *a,
			   union xt_addr *m, unsigned int *n)
{
	char buf[1024], *tok, *save = NULL;

	*n = 0;
	if (!list) {
		memset(&a[0], 0, sizeof(a[0]));
		memset(&m[0], 0, sizeof(m[0]));
		*n = 1;
		return 0;
	}
	if (strlen(list) >= sizeof(buf))
		return ipt_fail(env, IPT_ERR_PARAM, "host/network `%s' not found", list);
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n >= IPT_MAX_ADDRS)
			return ipt_fail(env, IPT_ERR_PARAM, "too many addresses");
		if (ipt_parse_addr(env, tok, &a[*n], &m[*n]))
			return -1;
		(*n)++;
	}
	if (*n == 0)
		return ipt_fail(env, IPT_ERR_PARAM, "host/network `' not found");
	return 0;
}

static int ipt_set_iface(struct ipt_env *env, char *dst, const char *name, bool invert)
{
	if (strlen(name) >= 16)
		return ipt_fail(env, IPT_ERR_PARAM,
				"interface name `%s' must be shorter than IFNAMSIZ (15)", name);
	/* "+" is any interface: iptables-nft's add_iface() emits nothing for it unless
	 * inverted, so the rule reads back (and compares) as one without -i/-o. */
	if (!invert && strcmp(name, "+") == 0)
		name = "";
	strcpy(dst, name);
	return 0;
}

/* ---- option lookup: getopt_long over iptables' merged option table ---- */

/* iptables' own long options (xtables' original_opts) and the letters they stand for. */
static const struct {
	const char *name;
	char letter;
	uint8_t arg;                    /* enum xt_opt_arg (NONE, REQUIRED, OPTIONAL) */
} ipt_base_opts[] = {
	{ "append", 'A', 1 }, { "delete", 'D', 1 }, { "check", 'C', 1 }, { "insert", 'I', 1 },
	{ "replace", 'R', 1 }, { "list", 'L', 2 }, { "list-rules", 'S', 2 }, { "flush", 'F', 2 },
	{ "zero", 'Z', 2 }, { "new-chain", 'N', 1 }, { "delete-chain", 'X', 2 },
	{ "rename-chain", 'E', 1 }, { "policy", 'P', 1 }, { "source", 's', 1 },
	{ "destination", 'd', 1 }, { "src", 's', 1 }, { "dst", 'd', 1 }, { "protocol", 'p', 1 },
	{ "in-interface", 'i', 1 }, { "jump", 'j', 1 }, { "table", 't', 1 }, { "match", 'm', 1 },
	{ "numeric", 'n', 0 }, { "out-interface", 'o', 1 }, { "verbose", 'v', 0 },
	{ "wait", 'w', 2 }, { "wait-interval", 'W', 2 }, { "exact", 'x', 0 },
	{ "fragments", 'f', 0 }, { "version", 'V', 0 }, { "help", 'h', 2 },
	{ "line-numbers", '0', 0 }, { "modprobe", 'M', 1 }, { "set-counters", 'c', 1 },
	{ "goto", 'g', 1 }, { "ipv4", '4', 0 }, { "ipv6", '6', 0 },
};

/* iptables' getopt optstring (after "-:"): ':' a required, "::" an optional argument. */
static const char ipt_short_opts[] = "A:C:D:R:I:L::S::M:F::Z::N:X::E:P:Vh::o:p:s:d:j:i:fbvw::W::"
				     "nt:m:xc:g:46";

/* What a long option resolves to: a base option (letter) or an extension's. */
struct ipt_lopt {
	char letter;                    /* 0: extension option */
	uint8_t arg;
	int slot;                       /* match index, IPT_MAX_MATCHES: the target */
	const struct xt_opt *o;
};

/* -1 if l is not an option letter, else its enum xt_opt_arg. */
static int ipt_short_arg(char l)
{
	const char *p = l && l != ':' ? strchr(ipt_short_opts, l) : NULL;

	if (!p)
		return -1;
	if (p[1] != ':')
		return XT_ARG_NONE;
	return p[2] == ':' ? XT_ARG_OPTIONAL : XT_ARG_REQUIRED;
}

/*
 * The extensions whose options getopt sees, newest first: xtables_merge_options()
 * puts a newly loaded extension's options right after the base ones.  A match
 * loaded again is a clone that adds no options: the options go to the newest
 * instance (xtables_find_match() marks the older ones completed).
 */
static unsigned int ipt_ext_order(const struct ipt_cmd *c, int *slots)
{
	const struct xt_rule *r = c->rule;
	unsigned int i, j, n = 0;

	for (i = r->nmatches + 1; i-- > 0;) {
		if (r->verdict == XT_RV_TARGET && c->target_at == i)
			slots[n++] = IPT_MAX_MATCHES;
		if (i == 0)
			break;
		for (j = i; j < r->nmatches; j++)
			if (!strcmp(r->matches[j].ops->name, r->matches[i - 1].ops->name))
				break;
		if (j == r->nmatches)
			slots[n++] = (int)i - 1;
	}
	return n;
}

static const struct xt_opt *ipt_slot_opts(const struct xt_rule *r, int slot)
{
	return slot == IPT_MAX_MATCHES ? r->target->opts : r->matches[slot].ops->opts;
}

/* Same option for getopt's ambiguity test (same has_arg and val). */
static bool ipt_lopt_same(const struct ipt_lopt *a, const struct ipt_lopt *b)
{
	if (a->letter || b->letter)
		return a->letter == b->letter && a->arg == b->arg;
	return a->slot == b->slot && a->o->id == b->o->id && a->o->arg == b->o->arg;
}

/* One candidate: exact (2), a prefix (1) or no match (0) of name[0..len). */
static int ipt_lopt_cmp(const char *cand, const char *name, size_t len)
{
	if (strncmp(cand, name, len) != 0)
		return 0;
	return cand[len] == '\0' ? 2 : 1;
}

/* Record candidate k; returns true when the search is over (exact match). */
static bool ipt_lopt_visit(const struct ipt_lopt *k, int how, struct ipt_lopt *found,
			   bool *have, bool *ambig)
{
	if (how == 2) {
		*found = *k;
		*have = true;
		*ambig = false;
		return true;
	}
	if (how == 1) {
		if (!*have) {
			*found = *k;
			*have = true;
		} else if (!ipt_lopt_same(found, k)) {
			*ambig = true;
		}
	}
	return false;
}

/* getopt_long's lookup: an exact name, else an unambiguous abbreviation. */
static bool ipt_lopt_find(const struct ipt_cmd *c, const char *name, size_t len,
			  struct ipt_lopt *found)
{
	int slots[IPT_MAX_MATCHES + 1];
	bool have = false, ambig = false;
	unsigned int i, n;
	size_t b;

	for (b = 0; b < sizeof(ipt_base_opts) / sizeof(ipt_base_opts[0]); b++) {
		struct ipt_lopt k = { .letter = ipt_base_opts[b].letter,
				      .arg = ipt_base_opts[b].arg };

		if (ipt_lopt_visit(&k, ipt_lopt_cmp(ipt_base_opts[b].name, name, len), found,
				   &have, &ambig))
			return true;
	}
	n = ipt_ext_order(c, slots);
	for (i = 0; i < n; i++) {
		const struct xt_opt *o;

		for (o = ipt_slot_opts(c->rule, slots[i]); o && o->name; o++) {
			struct ipt_lopt k = { .arg = o->arg, .slot = slots[i], .o = o };

			if (ipt_lopt_visit(&k, ipt_lopt_cmp(o->name, name, len), found, &have,
					   &ambig))
				return true;
		}
	}
	return have && !ambig;
}

/*
 * The match iptables loads for -p when getopt does not know an option
 * (load_proto(): once per command, also for "! -p"), or NULL.
 */
static const struct xt_match_ops *ipt_proto_match(struct ipt_env *env, struct ipt_cmd *c)
{
	const char *name;

	if (!c->rule->ip.proto || c->proto_used)
		return NULL;
	name = xt_proto_name((uint8_t)c->rule->ip.proto);
	if (!name)
		return NULL;
	if (c->rule->ip.proto == 58)
		name = "icmp6";
	return xt_match_find(name, env->fam);
}

/* Load the -p match (command_default()); true when getopt should try again. */
static bool ipt_load_proto(struct ipt_env *env, struct ipt_cmd *c)
{
	const struct xt_match_ops *pm = ipt_proto_match(env, c);

	if (!pm || c->rule->nmatches >= IPT_MAX_MATCHES)
		return false;
	c->proto_used = true;
	return xt_rule_add_match(c->rule, pm) != NULL;
}

static void ipt_parse_ctx(struct ipt_env *env, struct ipt_cmd *c, struct xt_parse *ps,
			  struct strbuf *err)
{
	memset(ps, 0, sizeof(*ps));
	ps->family = env->fam;
	ps->table = c->table;
	ps->rule = c->rule;
	ps->err = err;
	ps->net = env->ctx->net;
}

/* The argument of an extension option: inline ("--opt=x"), the next word(s). */
static int ipt_ext_arg(struct ipt_env *env, const struct xt_opt *o, const char *inl,
		       const char *word, int argc, char **argv, int *i, const char **arg,
		       char *buf, size_t bufsz)
{
	*arg = NULL;
	if (o->arg == XT_ARG_NONE)
		return 0;
	if (inl) {
		*arg = inl;
	} else if (o->arg == XT_ARG_OPTIONAL) {
		if (*i + 1 < argc && argv[*i + 1][0] != '-' && strcmp(argv[*i + 1], "!"))
			*arg = argv[++*i];
	} else if (*i + 1 < argc) {
		*arg = argv[++*i];
	} else {
		return ipt_fail(env, IPT_ERR_PARAM, "option \"%s\" requires an argument", word);
	}
	if (o->arg == XT_ARG_TWO) {
		if (*i + 1 >= argc || argv[*i + 1][0] == '-' || !strcmp(argv[*i + 1], "!"))
			return ipt_fail(env, IPT_ERR_PARAM, "--%s requires two args.", o->name);
		snprintf(buf, bufsz, "%s %s", *arg, argv[++*i]);
		*arg = buf;
	}
	return 0;
}

/* The name libxtables reports an option by: the first entry with its id. */
static const char *ipt_opt_canon(const struct xt_opt *opts, const struct xt_opt *o)
{
	const struct xt_opt *p;

	for (p = opts; p->name; p++)
		if (p->id == o->id)
			return p->name;
	return o->name;
}

/* An extension option: to the instance getopt's val names (command_default()). */
static int ipt_ext_option(struct ipt_env *env, struct ipt_cmd *c, const struct ipt_lopt *lo,
			  const char *inl, const char *word, int argc, char **argv, int *i,
			  bool invert)
{
	const struct xt_opt *o = lo->o;
	bool tg = lo->slot == IPT_MAX_MATCHES;
	const char *ext = tg ? c->rule->target->name : c->rule->matches[lo->slot].ops->name;
	uint32_t bit = 1u << (o->id & 31);
	char argbuf[512];
	struct strbuf err = STRBUF_INIT;
	struct xt_parse ps;
	const char *arg;
	void *data = tg ? c->rule->tdata : c->rule->matches[lo->slot].data;
	int (*parse)(void *, int, const char *, bool, struct xt_parse *) =
		tg ? c->rule->target->parse : c->rule->matches[lo->slot].ops->parse;
	int rc;

	if (ipt_ext_arg(env, o, inl, word, argc, argv, i, &arg, argbuf, sizeof(argbuf)))
		return -1;
	if (!o->multi && (c->seen_opt[lo->slot] & bit))
		return ipt_fail(env, IPT_ERR_PARAM, "%s: option \"--%s\" can only be used once.\n",
				ext, ipt_opt_canon(ipt_slot_opts(c->rule, lo->slot), o));
	c->seen_opt[lo->slot] |= bit;
	if (invert && !o->invertible)
		return ipt_fail(env, IPT_ERR_PARAM, "%s: option \"--%s\" cannot be inverted.\n",
				ext, ipt_opt_canon(ipt_slot_opts(c->rule, lo->slot), o));
	ipt_parse_ctx(env, c, &ps, &err);
	rc = parse ? parse(data, o->id, arg, invert, &ps) : 0;
	if (rc)
		ipt_fail(env, IPT_ERR_PARAM, "%s", err.len ? sb_str(&err) : "bad argument");
	sb_release(&err);
	return rc ? -1 : 0;
}

/* Standard verdict names (-j). */
static int ipt_std_verdict(const char *name)
{
	if (!strcmp(name, "ACCEPT"))
		return XT_RV_ACCEPT;
	if (!strcmp(name, "DROP"))
		return XT_RV_DROP;
	if (!strcmp(name, "QUEUE"))
		return XT_RV_QUEUE;
	if (!strcmp(name, "RETURN"))
		return XT_RV_RETURN;
	return -1;
}

/* iptables-nft asks the kernel for the extension's revision as it loads it and, when
 * the module is missing, warns and goes on (nft_compat_revision()). */
static void ipt_kmod_warn(struct ipt_env *env, const char *name, uint8_t rev, const char *kmod)
{
	if (kmod && !xt_kmod_loaded(env->ctx->net, kmod))
		sb_addf(&env->ctx->err, "Warning: Extension %s revision %u not supported, "
			"missing kernel module?\n", name, rev);
}

static int ipt_set_jump(struct ipt_env *env, struct ipt_cmd *c, const char *name, bool go)
{
	const struct xt_target_ops *tg;
	int v;

	if (c->jump_seen)
		return ipt_fail(env, IPT_ERR_PARAM, "multiple -j flags not allowed");
	c->jump_seen = true;
	v = ipt_std_verdict(name);
	if (v >= 0 && !go) {
		c->rule->verdict = (uint8_t)v;
		return 0;
	}
	if (!go && (tg = xt_target_find(name, env->fam)) != NULL) {
		if (!xt_rule_set_target(c->rule, tg))
			return ipt_fail(env, IPT_ERR_PARAM, "out of memory");
		c->target_at = c->rule->nmatches;
		ipt_kmod_warn(env, tg->name, tg->revision, tg->kmod);
		return 0;
	}
	if (strlen(name) >= XT_CHAIN_MAXNAMELEN)
		return ipt_fail(env, IPT_ERR_PARAM, "Chain '%s' does not exist", name);
	c->rule->verdict = go ? XT_RV_GOTO : XT_RV_JUMP;
	strcpy(c->rule->jump, name);
	return 0;
}

static bool ipt_optarg_next(int argc, char **argv, int i)
{
	return i + 1 < argc && argv[i + 1][0] != '-' && strcmp(argv[i + 1], "!") != 0;
}

static int ipt_set_cmd(struct ipt_env *env, struct ipt_cmd *c, char l)
{
	if (c->cmd) {
		if ((c->cmd == 'L' && l == 'Z') || (c->cmd == 'Z' && l == 'L')) {
			c->cmd = 'L';
			c->cmd2 = 'Z';
			return 0;
		}
		return ipt_fail(env, IPT_ERR_PARAM, "Cannot use -%c with -%c", l, c->cmd);
	}
	c->cmd = l;
	return 0;
}

static int ipt_parse_rulenum(struct ipt_env *env, const char *s, unsigned long *out)
{
	unsigned long long v;

	if (xt_parse_uint(s, 1, 0xffffffffu, &v) || !ipt_is_num(s))
		return ipt_fail(env, IPT_ERR_PARAM, "Invalid rule number `%s'", s);
	*out = (unsigned long)v;
	return 0;
}

/* A command letter; inl: its argument given in the same word ("-AINPUT", "--append=X"). */
static int ipt_parse_command(struct ipt_env *env, struct ipt_cmd *c, char l, const char *inl,
			     const char *word, int argc, char **argv, int *i)
{
	if (ipt_set_cmd(env, c, l))
		return -1;
	if (l == 'h')
		return 0;
	switch (l) {
	case 'A': case 'C': case 'D': case 'I': case 'R': case 'N': case 'P': case 'E':
		if (inl) {
			c->chain = inl;
			break;
		}
		if (*i + 1 >= argc || ((argv[*i + 1][0] == '-' || !strcmp(argv[*i + 1], "!")) &&
				       l != 'N'))
			return ipt_fail(env, IPT_ERR_PARAM, "option \"%s\" requires an argument",
					word);
		c->chain = argv[++*i];
		break;
	default:
		if (inl)
			c->chain = inl;
		else if (ipt_optarg_next(argc, argv, *i))
			c->chain = argv[++*i];
		break;
	}
	switch (l) {
	case 'D':
	case 'I':
		if (ipt_optarg_next(argc, argv, *i)) {
			if (ipt_parse_rulenum(env, argv[++*i], &c->rulenum))
				return -1;
		}
		break;
	case 'R':
		if (*i + 1 >= argc)
			return ipt_fail(env, IPT_ERR_PARAM, "-R requires a rule number");
		if (ipt_parse_rulenum(env, argv[++*i], &c->rulenum))
			return -1;
		break;
	case 'L': case 'S': case 'Z':
		if (c->chain && ipt_optarg_next(argc, argv, *i)) {
			if (ipt_parse_rulenum(env, argv[++*i], &c->rulenum))
				return -1;
		}
		break;
	case 'P': case 'E':
		if (*i + 1 >= argc)
			return ipt_fail(env, IPT_ERR_PARAM, "-%c requires 2 args", l);
		c->arg2 = argv[++*i];
		break;
	default:
		break;
	}
	return 0;
}

static int ipt_opt_flag(struct ipt_env *env, struct ipt_cmd *c, char letter)
{
	if (!c->illegal)
		c->illegal = (unsigned int)letter;
	return 0;
}

/* -p: a protocol name or number. */
static int ipt_set_proto(struct ipt_env *env, struct ipt_cmd *c, const char *val, bool invert)
{
	char low[64];
	uint8_t p;
	size_t i;

	if (c->proto_seen)
		return ipt_fail(env, IPT_ERR_PARAM, "multiple -p flags not allowed");
	c->proto_seen = true;
	/* iptables lower-cases -p's argument before xtables_parse_protocol() */
	for (i = 0; val[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)val[i]);
	low[i] = '\0';
	if (xt_proto_parse(low, &p))
		return ipt_fail(env, IPT_ERR_PARAM, "unknown protocol \"%s\" specified", low);
	c->rule->ip.proto = p;
	if (invert)
		c->rule->ip.invflags |= XT_INV_PROTO;
	if (p == 0 && invert)
		return ipt_fail(env, IPT_ERR_PARAM, "rule would never match protocol");
	if (env->fam == XT_FAMILY_V6 && (p || invert))
		c->rule->ip.flags |= XT_F_PROTO;
	return 0;
}

static int ipt_add_match(struct ipt_env *env, struct ipt_cmd *c, const char *val, bool invert)
{
	const struct xt_match_ops *m = xt_match_find(val, env->fam);

	if (invert)
		return ipt_fail(env, IPT_ERR_PARAM, "unexpected ! flag before --match");
	if (!m)
		return ipt_fail(env, IPT_ERR_PARAM,
				"Couldn't load match `%s':No such file or directory\n", val);
	if (c->rule->nmatches >= IPT_MAX_MATCHES)
		return ipt_fail(env, IPT_ERR_PARAM, "too many matches");
	if (!xt_rule_add_match(c->rule, m))
		return ipt_fail(env, IPT_ERR_PARAM, "out of memory");
	ipt_kmod_warn(env, m->name, m->revision, m->kmod);
	return 0;
}

/* sscanf("%llu") as iptables reads counters: leading blanks, a sign and trailing
 * text are taken; only a missing number fails. */
static bool ipt_scan_counter(const char *s, unsigned long long *out)
{
	return sscanf(s, "%llu", out) == 1;
}

/* -c PKTS BYTES or -c PKTS,BYTES, as do_parse() in iptables 1.8.9's xshared.c. */
static int ipt_set_counters(struct ipt_env *env, struct ipt_cmd *c, const char *val, int argc,
			    char **argv, int *i)
{
	const char *bcnt = val[0] ? strchr(val + 1, ',') : NULL;
	unsigned long long p, b;

	if (bcnt)
		bcnt++;
	else if (*i + 1 < argc && argv[*i + 1][0] != '-' && argv[*i + 1][0] != '!')
		bcnt = argv[++*i];
	if (!bcnt)
		return ipt_fail(env, IPT_ERR_PARAM, "-c requires packet and byte counter");
	if (!ipt_scan_counter(val, &p))
		return ipt_fail(env, IPT_ERR_PARAM, "-c packet counter not numeric");
	if (!ipt_scan_counter(bcnt, &b))
		return ipt_fail(env, IPT_ERR_PARAM, "-c byte counter not numeric");
	c->counters = true;
	c->pcnt = p;
	c->bcnt = b;
	return 0;
}

/* A rule option with its value (-s, -p, -j, ...). */
static int ipt_rule_option(struct ipt_env *env, struct ipt_cmd *c, char l, const char *val,
			   int argc, char **argv, int *i, bool invert)
{
	if (l != 't' && l != 'c')
		ipt_opt_flag(env, c, l);
	switch (l) {
	case 's':
		c->saddrs = val;
		if (invert)
			c->rule->ip.invflags |= XT_INV_SRCIP;
		return 0;
	case 'd':
		c->daddrs = val;
		if (invert)
			c->rule->ip.invflags |= XT_INV_DSTIP;
		return 0;
	case 'i':
		if (invert)
			c->rule->ip.invflags |= XT_INV_VIA_IN;
		return ipt_set_iface(env, c->rule->ip.iniface, val, invert);
	case 'o':
		if (invert)
			c->rule->ip.invflags |= XT_INV_VIA_OUT;
		return ipt_set_iface(env, c->rule->ip.outiface, val, invert);
	case 'p':
		return ipt_set_proto(env, c, val, invert);
	case 'j':
	case 'g':
		return ipt_set_jump(env, c, val, l == 'g');
	case 'm':
		return ipt_add_match(env, c, val, invert);
	case 't':
		c->table = val;
		return 0;
	case 'c':
		return ipt_set_counters(env, c, val, argc, argv, i);
	default:
		return 0;       /* -M: no modules to load */
	}
}

/* An option without argument (-f, -n, -v, -x, --line-numbers, -4, -6, -V). */
static int ipt_flag_option(struct ipt_env *env, struct ipt_cmd *c, char l, bool invert)
{
	switch (l) {
	case 'f':
		ipt_opt_flag(env, c, l);
		if (env->fam == XT_FAMILY_V6)
			return ipt_fail(env, IPT_ERR_PARAM,
					"`-f' is not supported in IPv6, use -m frag instead");
		c->rule->ip.flags |= XT_F_FRAG;
		if (invert)
			c->rule->ip.invflags |= XT_INV_FRAG;
		return 0;
	case 'n':
		c->fmt |= IPT_FMT_NUMERIC;
		return 0;
	case 'v':
		c->fmt |= IPT_FMT_VERBOSE;
		return 0;
	case 'x':
		c->fmt |= IPT_FMT_EXACT;
		return 0;
	case '0':
		c->fmt |= IPT_FMT_LINENUM;
		return 0;
	case 'V':
		c->version = true;
		return 0;
	case 'b':
		/* In the optstring, handled by nothing: do_parse()'s default case. */
		return ipt_fail(env, IPT_ERR_PARAM, "Unknown arg \"(null)\"");
	default:
		return 0;       /* -4, -6 */
	}
}

/* -w [secs] / -W [usecs]: nothing to wait for here; -W is only warned about. */
static int ipt_wait_option(struct ipt_env *env, struct ipt_cmd *c, char l, const char *inl,
			   int argc, char **argv, int *i)
{
	bool val = inl || ipt_optarg_next(argc, argv, *i);

	if (!inl && val)
		(*i)++;
	if (l == 'w') {
		c->wait = true;
		return 0;
	}
	if (!val)
		return ipt_fail(env, IPT_ERR_PARAM, "wait interval value required");
	sb_add(&env->ctx->err, "Ignoring deprecated --wait-interval option.\n");
	c->wait_interval = true;
	return 0;
}

/*
 * One base option as getopt returns it: letter, inline argument (or NULL) and
 * the word it was in.  iptables reads -s -d -i -o -p -j from argv[optind-1],
 * which is the whole word when the argument was attached ("-s1.2.3.4").
 */
static int ipt_base_option(struct ipt_env *env, struct ipt_cmd *c, char l, int kind,
			   const char *inl, const char *word, int argc, char **argv, int *i,
			   bool invert)
{
	const char *val;

	if (strchr("ACDIRLSFZNXPEh", l))
		return ipt_parse_command(env, c, l, inl, word, argc, argv, i);
	if (kind == XT_ARG_NONE)
		return ipt_flag_option(env, c, l, invert);
	if (kind == XT_ARG_OPTIONAL)
		return ipt_wait_option(env, c, l, inl, argc, argv, i);
	if (inl) {
		val = strchr("sdiopj", l) ? word : inl;
	} else if (*i + 1 < argc) {
		val = argv[++*i];
	} else {
		return ipt_fail(env, IPT_ERR_PARAM, "option \"%s\" requires an argument", word);
	}
	return ipt_rule_option(env, c, l, val, argc, argv, i, invert);
}

/* "--name[=value]": resolved as getopt_long does, loading the -p match if unknown. */
static int ipt_long_option(struct ipt_env *env, struct ipt_cmd *c, int argc, char **argv,
			   int *i, bool invert)
{
	const char *word = argv[*i], *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	struct ipt_lopt lo = { 0 };

	while (!ipt_lopt_find(c, name, len, &lo))
		if (!ipt_load_proto(env, c))
			return ipt_fail(env, IPT_ERR_PARAM, "unknown option \"%s\"", word);
	if (eq && lo.arg == XT_ARG_NONE)
		/* "--syn=1": getopt refuses an argument to an option without one. */
		return ipt_fail(env, IPT_ERR_PARAM, "unknown option \"%s\"", word);
	if (lo.letter)
		return ipt_base_option(env, c, lo.letter, lo.arg, eq ? eq + 1 : NULL, word, argc,
				       argv, i, invert);
	return ipt_ext_option(env, c, &lo, eq ? eq + 1 : NULL, word, argc, argv, i, invert);
}

/* "-abc": short options, bundled; one taking an argument ends the word. */
static int ipt_short_options(struct ipt_env *env, struct ipt_cmd *c, int argc, char **argv,
			     int *i, bool invert)
{
	const char *word = argv[*i], *p;

	for (p = word + 1; *p; p++) {
		int kind = ipt_short_arg(*p);
		bool last = p[1] == '\0';

		if (kind < 0) {
			/* argv[optind-1]: optind moves on only after a word's last letter. */
			ipt_load_proto(env, c);
			return ipt_fail(env, IPT_ERR_PARAM, "unknown option \"%s\"",
					last ? word : argv[*i - 1]);
		}
		if (kind != XT_ARG_NONE)
			return ipt_base_option(env, c, *p, kind, last ? NULL : p + 1, word, argc,
					       argv, i, invert);
		if (ipt_base_option(env, c, *p, kind, NULL, word, argc, argv, i, invert))
			return -1;
		if (c->version)
			return 0;
	}
	return 0;
}

static int ipt_parse_argv(struct ipt_env *env, struct ipt_cmd *c, int argc, char **argv)
{
	bool invert = false;
	int i;

	for (i = 1; i < argc && env->ekind == IPT_ERR_NONE && !c->version; i++) {
		const char *a = argv[i];
		int rc;

		if (!strcmp(a, "!")) {
			if (invert)
				return ipt_fail(env, IPT_ERR_PARAM, "multiple consecutive ! not allowed");
			invert = true;
			continue;
		}
		if (a[0] != '-' || !a[1])
			return ipt_fail(env, IPT_ERR_BARE, "Bad argument `%s'", a);
		if (a[1] == '-' && a[2])
			rc = ipt_long_option(env, c, argc, argv, &i, invert);
		else if (a[1] == '-')
			rc = ipt_fail(env, IPT_ERR_PARAM, "unknown option \"%s\"", a);
		else
			rc = ipt_short_options(env, c, argc, argv, &i, invert);
		if (rc)
			return -1;
		invert = false;
	}
	if (env->ekind != IPT_ERR_NONE)
		return -1;
	if (c->version)
		return 0;
	if (c->wait_interval && !c->wait)
		return ipt_fail(env, IPT_ERR_PARAM, "--wait-interval only makes sense with --wait\n");
	if (!c->cmd)
		return ipt_fail(env, IPT_ERR_PARAM, "no command specified");
	return 0;
}

/* ---- execution ---- */

static int ipt_no_chain(struct ipt_env *env)
{
	return ipt_fail(env, IPT_ERR_PLAIN, "No chain/target/match by that name.");
}

/* Checks that need the whole rule: -i/-o on hooks, extension final/check. */
static int ipt_rule_finish(struct ipt_env *env, struct ipt_cmd *c, const struct xt_chain *ch)
{
	struct xt_rule *r = c->rule;
	struct strbuf err = STRBUF_INIT;
	struct xt_parse ps;
	bool kernel = c->cmd != 'C' && c->cmd != 'D';
	unsigned int i;
	int rc = 0;

	if (ch && ch->hook >= 0) {
		if (r->ip.iniface[0] &&
		    (ch->hook == USNF_INET_LOCAL_OUT || ch->hook == USNF_INET_POST_ROUTING))
			return ipt_fail(env, IPT_ERR_PARAM, "Can't use -i with %s\n", ch->name);
		if (r->ip.outiface[0] &&
		    (ch->hook == USNF_INET_PRE_ROUTING || ch->hook == USNF_INET_LOCAL_IN))
			return ipt_fail(env, IPT_ERR_PARAM, "Can't use -o with %s\n", ch->name);
	}
	ipt_parse_ctx(env, c, &ps, &err);
	if (ch && ch->hook >= 0)
		ps.hook_mask = 1u << ch->hook;
	for (i = 0; i < r->nmatches && !rc; i++) {
		const struct xt_match_ops *m = r->matches[i].ops;

		if (m->final_check)
			rc = m->final_check(r->matches[i].data, &ps);
	}
	if (!rc && r->verdict == XT_RV_TARGET && r->target->final_check)
		rc = r->target->final_check(r->tdata, &ps);
	if (rc) {
		ipt_fail(env, IPT_ERR_PARAM, "%s", err.len ? sb_str(&err) : "bad argument");
		sb_release(&err);
		return -1;
	}
	for (i = 0; i < r->nmatches && !rc; i++) {
		const struct xt_match_ops *m = r->matches[i].ops;

		if (m->kmod && !xt_kmod_loaded(env->ctx->net, m->kmod))
			rc = -ENOENT;   /* no such match in the kernel */
		else if (m->check)
			rc = m->check(r->matches[i].data, &ps);
	}
	if (!rc && r->verdict == XT_RV_TARGET && r->target->kmod &&
	    !xt_kmod_loaded(env->ctx->net, r->target->kmod))
		rc = -ENOENT;
	else if (!rc && r->verdict == XT_RV_TARGET && r->target->check)
		rc = r->target->check(r->tdata, &ps);
	if (rc && !err.len) {
		/* A checkentry refusal without a message is the kernel's errno, seen
		 * only when the rule is sent to it: -C/-D compare in user space. */
		sb_release(&err);
		if (!kernel)
			return 0;
		return ipt_fail(env, IPT_ERR_KERNEL, "%s failed (%s): rule in chain %s", env->kop,
				ipt_errno_str(rc < 0 && rc != -1 ? -rc : EINVAL), c->chain);
	}
	if (rc) {
		ipt_fail(env, IPT_ERR_PARAM, "%s", err.len ? sb_str(&err) : "bad argument");
		sb_release(&err);
		return -1;
	}
	sb_release(&err);
	if (!kernel)
		return 0;
	/* The kernel's own checks (xt_check_match/target): protocol, table, hooks. */
	for (i = 0; i < r->nmatches; i++) {
		const struct xt_match_ops *m = r->matches[i].ops;

		if ((m->proto && (r->ip.proto != m->proto || (r->ip.invflags & XT_INV_PROTO))) ||
		    (m->table && strcmp(m->table, c->table)) ||
		    (m->hooks && ch && ch->hook >= 0 && !(m->hooks & (1u << ch->hook))))
			return ipt_fail(env, IPT_ERR_KERNEL,
					"%s failed (Invalid argument): rule in chain %s",
					env->kop, c->chain);
	}
	if (r->verdict == XT_RV_TARGET) {
		const struct xt_target_ops *t = r->target;

		if ((t->proto && (r->ip.proto != t->proto || (r->ip.invflags & XT_INV_PROTO))) ||
		    (t->table && strcmp(t->table, c->table)) ||
		    (t->hooks && ch && ch->hook >= 0 && !(t->hooks & (1u << ch->hook))))
			return ipt_fail(env, IPT_ERR_KERNEL,
					"%s failed (Invalid argument): rule in chain %s",
					env->kop, c->chain);
	}
	return 0;
}

/* The rules a command line stands for: one per source x destination address. */
static int ipt_expand(struct ipt_env *env, struct ipt_cmd *c, struct xt_rule **out,
		      unsigned int *n)
{
	static union xt_addr sa[IPT_MAX_ADDRS], sm[IPT_MAX_ADDRS], da[IPT_MAX_ADDRS],
		dm[IPT_MAX_ADDRS];
	unsigned int ns, nd, s, d;

	*n = 0;
	if (ipt_split_addrs(env, c->saddrs, sa, sm, &ns) ||
	    ipt_split_addrs(env, c->daddrs, da, dm, &nd))
		return -1;
	if (ns * nd > IPT_MAX_ADDRS)
		return ipt_fail(env, IPT_ERR_PARAM, "too many addresses");
	for (s = 0; s < ns; s++) {
		for (d = 0; d < nd; d++) {
			struct xt_rule *r = xt_rule_clone(c->rule);

			if (!r)
				return ipt_fail(env, IPT_ERR_PARAM, "out of memory");
			r->ip.src = sa[s];
			r->ip.smsk = sm[s];
			r->ip.dst = da[d];
			r->ip.dmsk = dm[d];
			if (c->counters) {
				r->pkts = c->pcnt;
				r->bytes = c->bcnt;
			}
			out[(*n)++] = r;
		}
	}
	return 0;
}

static void ipt_put_all(struct xt_rule **rs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		xt_rule_put(rs[i]);
}

static int ipt_find_rule(const struct xt_chain *ch, const struct xt_rule *r)
{
	unsigned int i;

	for (i = 0; i < ch->nrules; i++)
		if (xt_rule_equal(ch->rules[i], r))
			return (int)i;
	return -1;
}

/* The chain a rule command names; built-in ones come into being for adds. */
static int ipt_rule_chain(struct ipt_env *env, struct xt_table *t, struct ipt_cmd *c,
			  bool adds)
{
	int ci = xt_chain_find(t, c->chain);

	if (ci < 0)
		return ipt_no_chain(env);
	if (t->chains[ci].hook >= 0 && !t->chains[ci].exists && !adds)
		return ipt_no_chain(env);
	return ci;
}

static int ipt_check_jump(struct ipt_env *env, struct xt_table *t, struct ipt_cmd *c)
{
	int ci;

	if (c->rule->verdict != XT_RV_JUMP && c->rule->verdict != XT_RV_GOTO)
		return 0;
	ci = xt_chain_find(t, c->rule->jump);
	if (ci < 0 || t->chains[ci].hook >= 0)
		return ipt_fail(env, IPT_ERR_PARAM, "Chain '%s' does not exist", c->rule->jump);
	return 0;
}

static int ipt_exec_rule(struct ipt_env *env, struct xt_table *t, struct ipt_cmd *c,
			 enum xt_table_id tid)
{
	struct xt_rule *rs[IPT_MAX_ADDRS];
	unsigned int n = 0, k;
	bool adds = c->cmd == 'A' || c->cmd == 'I';
	int ci, pos, rc = 0;

	if (c->cmd == 'D' && c->rulenum) {
		if ((ci = ipt_rule_chain(env, t, c, false)) < 0)
			return -1;
		if (c->rulenum > t->chains[ci].nrules)
			return ipt_fail(env, IPT_ERR_PLAIN, "Index of deletion too big.");
		xt_rule_delete(t, (unsigned int)ci, (unsigned int)c->rulenum - 1);
		env->dirty[tid] = true;
		return 0;
	}
	snprintf(env->kop, sizeof(env->kop), "%s",
		 c->cmd == 'I' ? "RULE_INSERT" : c->cmd == 'R' ? "RULE_REPLACE" : "RULE_APPEND");
	snprintf(env->kchain, sizeof(env->kchain), "%s", c->chain);
	ci = xt_chain_find(t, c->chain);
	/* iptables-restore resolves jumps at COMMIT: chains may be declared later. */
	if (!env->restore && ipt_check_jump(env, t, c))
		return -1;
	if (ipt_rule_finish(env, c, ci >= 0 ? &t->chains[ci] : NULL))
		return -1;
	if (ipt_expand(env, c, rs, &n))
		goto out;
	if (c->cmd == 'D' || c->cmd == 'C') {
		if (ci < 0 || (t->chains[ci].hook >= 0 && !t->chains[ci].exists)) {
			rc = ipt_fail(env, IPT_ERR_PLAIN,
				      "Bad rule (does a matching rule exist in that chain?).");
			goto out;
		}
		for (k = 0; k < n; k++) {
			pos = ipt_find_rule(&t->chains[ci], rs[k]);
			if (pos < 0) {
				rc = ipt_fail(env, IPT_ERR_PLAIN,
					      "Bad rule (does a matching rule exist in that chain?).");
				goto out;
			}
			if (c->cmd == 'D')
				xt_rule_delete(t, (unsigned int)ci, (unsigned int)pos);
		}
		env->dirty[tid] = c->cmd == 'D';
		goto out;
	}
	if ((ci = ipt_rule_chain(env, t, c, adds)) < 0) {
		rc = -1;
		goto out;
	}
	if (c->cmd == 'R') {
		if (n != 1) {
			rc = ipt_fail(env, IPT_ERR_PARAM,
				      "Replacement rule does not specify a unique address");
			goto out;
		}
		if (c->rulenum > t->chains[ci].nrules) {
			rc = ipt_fail(env, IPT_ERR_PLAIN, "Index of replacement too big.");
			goto out;
		}
		xt_rule_replace(t, (unsigned int)ci, (unsigned int)c->rulenum - 1, rs[0]);
		n = 0;
		env->dirty[tid] = true;
		goto out;
	}
	pos = c->cmd == 'A' ? (int)t->chains[ci].nrules : (int)(c->rulenum ? c->rulenum - 1 : 0);
	if ((unsigned int)pos > t->chains[ci].nrules) {
		rc = ipt_fail(env, IPT_ERR_PLAIN, "Index of insertion too big.");
		goto out;
	}
	for (k = 0; k < n; k++) {
		if (xt_rule_insert(t, (unsigned int)ci, (unsigned int)pos + (c->cmd == 'A' ? k : k),
				   rs[k])) {
			rc = ipt_fail(env, IPT_ERR_PARAM, "out of memory");
			ipt_put_all(rs + k, n - k);
			n = 0;
			goto out;
		}
	}
	n = 0;
	env->create[tid] = true;
	env->dirty[tid] = true;
out:
	ipt_put_all(rs, n);
	return rc ? -1 : (env->ekind ? -1 : 0);
}

static int ipt_exec_list(struct ipt_env *env, struct xt_table *t, struct ipt_cmd *c)
{
	struct strbuf *out = &env->ctx->out;
	unsigned int idx[512], n, k;
	bool first = true;
	int ci = -1;

	if (c->chain) {
		ci = xt_chain_find(t, c->chain);
		if (ci < 0) {
			if (c->cmd == 'S')
				return ipt_no_chain(env);
			return ipt_fail(env, IPT_ERR_PREFIXED,
					"chain `%s' in table `%s' is incompatible, use 'nft' tool.",
					c->chain, c->table);
		}
	}
	n = t->nchains <= 512 ? ipt_chain_order(t, idx) : 0;
	if (c->cmd == 'S') {
		/* Policies and chain creations first, then the rules. */
		for (k = 0; k < n; k++) {
			const struct xt_chain *ch = &t->chains[idx[k]];

			if (ci >= 0 && (int)idx[k] != ci)
				continue;
			if (c->rulenum)
				break;
			if (ch->hook >= 0) {
				sb_addf(out, "-P %s %s", ch->name,
					ch->policy == USNF_DROP ? "DROP" : "ACCEPT");
				if (c->fmt & IPT_FMT_VERBOSE)
					sb_addf(out, " -c %llu %llu", (unsigned long long)ch->pkts,
						(unsigned long long)ch->bytes);
				sb_addc(out, '\n');
			} else {
				sb_addf(out, "-N %s\n", ch->name);
			}
		}
		for (k = 0; k < n; k++) {
			const struct xt_chain *ch = &t->chains[idx[k]];
			unsigned int j;

			if (ci >= 0 && (int)idx[k] != ci)
				continue;
			for (j = 0; j < ch->nrules; j++) {
				if (c->rulenum && j + 1 != c->rulenum)
					continue;
				ipt_rule_save(t, ch, ch->rules[j], false,
					      c->fmt & IPT_FMT_VERBOSE, out);
			}
		}
		return 0;
	}
	for (k = 0; k < n; k++) {
		if (ci >= 0 && (int)idx[k] != ci)
			continue;
		if (!first)
			sb_addc(out, '\n');
		first = false;
		ipt_list_chain(t, idx[k], c->fmt, (unsigned int)c->rulenum, out);
	}
	return 0;
}

static int ipt_exec_chain_cmd(struct ipt_env *env, struct xt_table *t, struct ipt_cmd *c,
			      enum xt_table_id tid)
{
	int ci = c->chain ? xt_chain_find(t, c->chain) : -1;
	unsigned int k;

	switch (c->cmd) {
	case 'N':
		if (strlen(c->chain) >= XT_CHAIN_MAXNAMELEN)
			return ipt_fail(env, IPT_ERR_PARAM,
					"chain name `%s' too long (must be under %u chars)",
					c->chain, XT_CHAIN_MAXNAMELEN);
		if (c->chain[0] == '-' || c->chain[0] == '!')
			return ipt_fail(env, IPT_ERR_PARAM,
					"chain name not allowed to start with `%c'", c->chain[0]);
		/* assert_valid_chain_name(): "" is the standard target's own name. */
		if (!c->chain[0] || ipt_std_verdict(c->chain) >= 0 ||
		    xt_target_find(c->chain, env->fam))
			return ipt_fail(env, IPT_ERR_PARAM,
					"chain name may not clash with target name");
		if (strpbrk(c->chain, " \t\n\v\f\r"))
			return ipt_fail(env, IPT_ERR_PARAM, "Invalid chain name `%s'", c->chain);
		if (ci >= 0)
			return ipt_fail(env, IPT_ERR_PLAIN, "Chain already exists.");
		if (xt_chain_add(t, c->chain) < 0)
			return ipt_fail(env, IPT_ERR_PARAM, "out of memory");
		env->create[tid] = env->dirty[tid] = true;
		return 0;
	case 'X':
		if (c->chain) {
			if (ci < 0)
				return ipt_no_chain(env);
			if (t->chains[ci].hook >= 0 || xt_chain_del(t, (unsigned int)ci))
				return ipt_fail(env, IPT_ERR_KERNEL,
						"CHAIN_DEL failed (Device or resource busy): chain %s",
						c->chain);
			env->dirty[tid] = true;
			return 0;
		}
		for (k = t->nchains; k-- > 0;) {
			if (t->chains[k].hook >= 0)
				continue;
			if (xt_chain_del(t, k))
				return ipt_fail(env, IPT_ERR_KERNEL,
						"CHAIN_DEL failed (Device or resource busy): chain %s",
						t->chains[k].name);
			env->dirty[tid] = true;
		}
		return 0;
	case 'F':
	case 'Z':
		if (c->chain && ci < 0)
			return ipt_no_chain(env);
		for (k = 0; k < t->nchains; k++) {
			if (ci >= 0 && (int)k != ci)
				continue;
			if (c->cmd == 'F')
				xt_chain_flush(t, k);
			else
				xt_chain_zero(t, k);
		}
		env->dirty[tid] = true;
		return 0;
	case 'P':
		if (strcmp(c->arg2, "ACCEPT") && strcmp(c->arg2, "DROP"))
			return ipt_fail(env, IPT_ERR_PLAIN,
					"Bad policy name. Run `dmesg' for more information.");
		if (ci < 0 || t->chains[ci].hook < 0)
			return ipt_fail(env, IPT_ERR_PLAIN, "Bad built-in chain name.");
		t->chains[ci].policy = strcmp(c->arg2, "DROP") ? USNF_ACCEPT : USNF_DROP;
		xt_chain_create(t, (unsigned int)ci);
		env->create[tid] = env->dirty[tid] = true;
		return 0;
	case 'E':
		if (ci < 0 || t->chains[ci].hook >= 0)
			return ipt_no_chain(env);
		if (strlen(c->arg2) >= XT_CHAIN_MAXNAMELEN)
			return ipt_fail(env, IPT_ERR_PARAM,
					"chain name `%s' too long (must be under %u chars)",
					c->arg2, XT_CHAIN_MAXNAMELEN);
		if (xt_chain_find(t, c->arg2) >= 0)
			return ipt_fail(env, IPT_ERR_PLAIN, "File exists.");
		if (xt_chain_rename(t, (unsigned int)ci, c->arg2))
			return ipt_fail(env, IPT_ERR_PARAM, "out of memory");
		env->dirty[tid] = true;
		return 0;
	default:
		return -1;
	}
}

static int ipt_check_illegal(struct ipt_env *env, struct ipt_cmd *c)
{
	bool rule_cmd = strchr("ACDIR", c->cmd) != NULL;

	if (!rule_cmd && c->illegal)
		return ipt_fail(env, IPT_ERR_PARAM, "Illegal option `-%c' with this command",
				(char)c->illegal);
	if (c->cmd != 'L' && (c->fmt & (IPT_FMT_NUMERIC | IPT_FMT_EXACT | IPT_FMT_LINENUM))) {
		char o = c->fmt & IPT_FMT_NUMERIC ? 'n' : c->fmt & IPT_FMT_EXACT ? 'x' : '0';

		return ipt_fail(env, IPT_ERR_PARAM, "Illegal option `-%c' with this command", o);
	}
	if (c->counters && !strchr("AIR", c->cmd))
		return ipt_fail(env, IPT_ERR_PARAM, "Illegal option `-c' with this command");
	return 0;
}

/* do_parse() refuses DROP in the nat table, as a policy or a jump (also -g DROP). */
static bool ipt_nat_drop(const struct ipt_cmd *c)
{
	const struct xt_rule *r = c->rule;

	if (strcmp(c->table, "nat") != 0)
		return false;
	if (c->cmd == 'P' && c->arg2 && !strcmp(c->arg2, "DROP"))
		return true;
	return r->verdict == XT_RV_DROP || (r->verdict == XT_RV_GOTO && !strcmp(r->jump, "DROP"));
}

static int ipt_execute(struct ipt_env *env, struct ipt_cmd *c)
{
	struct xt_table *t;
	int tid;

	if (c->cmd == 'h')
		return 0;
	if (ipt_nat_drop(c))
		return ipt_fail(env, IPT_ERR_PARAM, "\nThe \"nat\" table is not intended for "
				"filtering, the use of DROP is therefore inhibited.\n\n");
	tid = xt_table_id_find(c->table);
	if (tid < 0)
		return ipt_fail(env, IPT_ERR_TABLE, "table '%s' does not exist", c->table);
	if (ipt_check_illegal(env, c))
		return -1;
	t = ipt_env_table(env, (enum xt_table_id)tid);
	if (!t)
		return ipt_fail(env, IPT_ERR_PARAM, "out of memory");
	switch (c->cmd) {
	case 'A': case 'C': case 'D': case 'I': case 'R':
		return ipt_exec_rule(env, t, c, (enum xt_table_id)tid);
	case 'L':
		if (ipt_exec_list(env, t, c))
			return -1;
		if (c->cmd2 == 'Z') {
			c->cmd = 'Z';
			return ipt_exec_chain_cmd(env, t, c, (enum xt_table_id)tid);
		}
		return 0;
	case 'S':
		return ipt_exec_list(env, t, c);
	default:
		return ipt_exec_chain_cmd(env, t, c, (enum xt_table_id)tid);
	}
}

int ipt_command(struct ipt_env *env, int argc, char **argv)
{
	struct ipt_cmd c;

	memset(&c, 0, sizeof(c));
	c.table = env->restore_table ? env->restore_table : "filter";
	c.rule = xt_rule_alloc(env->fam);
	if (!c.rule)
		return ipt_fail(env, IPT_ERR_PARAM, "out of memory"), 2;
	if (ipt_parse_argv(env, &c, argc, argv) == 0) {
		if (c.version)
			sb_addf(&env->ctx->out, "%s %s\n", env->prog, IPT_VERSION);
		else
			ipt_execute(env, &c);
	}
	xt_rule_put(c.rule);
	return ipt_exit_code(env->ekind);
}

int cli_iptables(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	bool v6 = strncmp(name, "ip6", 3) == 0;
	struct ipt_env env;
	int rc;

	ipt_env_init(&env, ctx, v6 ? XT_FAMILY_V6 : XT_FAMILY_V4, v6 ? "ip6tables" : "iptables");
	rc = ipt_command(&env, argc, argv);
	if (rc == 0 && ipt_env_commit(&env))
		rc = ipt_exit_code(env.ekind);
	ipt_error_print(&env, &ctx->err);
	ipt_env_release(&env);
	return rc;
}
