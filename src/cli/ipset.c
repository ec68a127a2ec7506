/*
 * ipset: the `ipset` command, as ipset 7.17 (its libipset) behaves over the
 * kernel's netlink interface, with the engine (src/ipset) in the kernel's place.
 *
 * The shape follows libipset because its output is the specification, quirks
 * included: a session with a report buffer that collects errors and warnings
 * (lib/session.c), a data blob of parsed options (lib/data.c), the parsers and
 * printers (lib/parse.c, lib/print.c), the per-type argument tables (lib/ipset_*.c),
 * the command line parser (lib/ipset.c) and the kernel error texts (lib/errcode.c).
 * ipset leaves by exit() from deep inside its error paths; here that is a longjmp
 * back to cli_ipset() (no allocation is live across it except the restore batch,
 * freed there).  Checked byte for byte against ipset 7.17 by tests/tooldiff --dir tests/ipset.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ipset/ipset.h"
#include "stack/net.h"

#define IPS_PROGRAM "ipset"
#define IPS_VERSION "7.17"
#define IPS_PROTOCOL 7
#define IPS_ERRORBUFLEN 1024            /* IPSET_ERRORBUFLEN */
#define IPS_MAX_ARGS 32                 /* MAX_ARGS of lib/ipset.c */
#define IPS_CMDLINE 1024                /* MAX_CMDLINE_CHARS: restore reads lines of this */
#define IPS_FAM_46 255                  /* NFPROTO_IPSET_IPV46 */

/* Exit statuses (enum ipset_err_type of ipset.h) */
enum { IPS_NO_PROBLEM, IPS_OTHER_PROBLEM, IPS_PARAMETER_PROBLEM, IPS_VERSION_PROBLEM,
       IPS_SESSION_PROBLEM };
/* Report types (enum ipset_err_type): a notice ends the program with status 1 */
enum { IPS_NO_ERROR, IPS_WARNING, IPS_NOTICE, IPS_ERROR };

/* Commands (enum ipset_cmd) */
enum ips_cmd {
	C_NONE, C_PROTOCOL, C_CREATE, C_DESTROY, C_FLUSH, C_RENAME, C_SWAP, C_LIST, C_SAVE,
	C_ADD, C_DEL, C_TEST, C_HEADER, C_TYPE, C_RESTORE, C_HELP, C_VERSION, C_QUIT,
};
enum ips_adt { CADT_CREATE, CADT_ADD, CADT_DEL, CADT_TEST, CADT_MAX };

/* Options of the data blob, in libipset's enum ipset_opt order (check_allowed reports the first). */
enum ips_opt {
	O_NONE, O_SETNAME, O_TYPENAME, O_FAMILY, O_IP, O_IP_TO, O_CIDR, O_MARK, O_PORT,
	O_PORT_TO, O_TIMEOUT, O_GC, O_HASHSIZE, O_MAXELEM, O_MARKMASK, O_NETMASK, O_BITMASK,
	O_PROBES, O_RESIZE, O_SIZE, O_FORCEADD, O_ELEMENTS, O_REFERENCES, O_MEMSIZE, O_ETHER,
	O_NAME, O_NAMEREF, O_IP2, O_CIDR2, O_IP2_TO, O_PROTO, O_IFACE, O_SETNAME2, O_EXIST,
	O_BEFORE, O_PHYSDEV, O_NOMATCH, O_COUNTERS, O_PACKETS, O_BYTES, O_CREATE_COMMENT,
	O_ADT_COMMENT, O_SKBINFO, O_SKBMARK, O_SKBPRIO, O_SKBQUEUE, O_BUCKETSIZE, O_INITVAL,
	O_IFACE_WILDCARD, O_TYPE, O_REVISION,
};
#define F(o) (1ull << (o))
#define CREATE_FLAGS (F(O_FAMILY) | F(O_TYPENAME) | F(O_TYPE) | F(O_IP) | F(O_IP_TO) | \
	F(O_CIDR) | F(O_PORT) | F(O_PORT_TO) | F(O_TIMEOUT) | F(O_GC) | F(O_HASHSIZE) | \
	F(O_MAXELEM) | F(O_MARKMASK) | F(O_NETMASK) | F(O_BITMASK) | F(O_PROBES) | \
	F(O_RESIZE) | F(O_SIZE) | F(O_COUNTERS) | F(O_CREATE_COMMENT) | F(O_FORCEADD) | \
	F(O_SKBINFO) | F(O_BUCKETSIZE) | F(O_INITVAL))
#define ADT_FLAGS (F(O_IP) | F(O_IP_TO) | F(O_CIDR) | F(O_MARK) | F(O_PORT) | F(O_PORT_TO) | \
	F(O_TIMEOUT) | F(O_ETHER) | F(O_NAME) | F(O_NAMEREF) | F(O_IP2) | F(O_CIDR2) | \
	F(O_PROTO) | F(O_IFACE) | F(O_BEFORE) | F(O_PHYSDEV) | F(O_NOMATCH) | F(O_PACKETS) | \
	F(O_BYTES) | F(O_ADT_COMMENT) | F(O_SKBMARK) | F(O_SKBPRIO) | F(O_SKBQUEUE) | \
	F(O_IFACE_WILDCARD))

/* Environment options (IPSET_ENV_*) */
#define ENV_SORTED 1
#define ENV_QUIET 2
#define ENV_RESOLVE 4
#define ENV_EXIST 8
#define ENV_LIST_SETNAME 16
#define ENV_LIST_HEADER 32

enum { MODE_NONE, MODE_PLAIN, MODE_SAVE, MODE_XML };

struct ips;
struct ips_type;

/* The data blob (struct ipset_data): parsed options, and what listings bring back. */
struct ips_data {
	uint64_t flags, ignored;
	uint64_t cflags;                /* flag options (CADT flags): never "already specified" */
	char setname[IPSET_MAXNAMELEN], setname2[IPSET_MAXNAMELEN], typename[IPSET_MAXNAMELEN];
	const struct ips_type *type;
	uint8_t family, revision;
	uint8_t ip[16], ip_to[16], ip2[16], ip2_to[16], bitmask[16];
	uint8_t cidr, cidr2, netmask, bucketsize, proto, resize, probes;
	uint16_t port, port_to, skbqueue;
	uint32_t timeout, hashsize, maxelem, size, initval, skbprio, gc, markmask;
	uint32_t elements, references, memsize;
	uint64_t packets, bytes, skbmark;
	char iface[16], name[IPSET_MAXNAMELEN], nameref[IPSET_MAXNAMELEN];
	char comment[IPSET_MAX_COMMENT_SIZE + 1];
	uint8_t ether[6];
};

typedef int (*ips_parse_fn)(struct ips *s, int opt, const char *str);
typedef void (*ips_print_fn)(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env);

/* A keyword (struct ipset_arg of lib/args.c) */
struct ips_arg {
	const char *name[2];
	uint8_t has_arg;                /* 0 no, 1 mandatory */
	uint8_t opt;
	ips_parse_fn parse;
	ips_print_fn print;
	const char *help;               /* `ipset help TYPE` line, NULL: none */
};

/* One element part of a type */
struct ips_elem {
	ips_parse_fn parse;
	ips_print_fn print;
	uint8_t opt;
};

struct ips_cmd_args {
	const uint8_t *args;            /* enum ips_argid list, 0-terminated */
	uint64_t need, full;
	const char *help;               /* the element's syntax for `ipset help TYPE` */
};

/* A set type as ipset knows it (struct ipset_type), newest revision. */
struct ips_type {
	const char *name, *alias;
	uint8_t revision, family, dimension;
	bool last_elem_optional, compat_name;
	bool in_kernel;                 /* the engine implements it */
	struct ips_elem elem[3];
	struct ips_cmd_args cmd[CADT_MAX];
	const char *usage;
	bool port_usage;                /* usagefn: ipset_port_usage() */
};

/* A queued add/del of a restore batch (ipset aggregates them in one message). */
struct ips_pending {
	struct ipset_attrs a;
	uint32_t lineno;
};

/* The session (struct ipset_session) and the ipset structure of lib/ipset.c in one. */
struct ips {
	struct cli_ctx *ctx;
	struct ipset_net *in;
	jmp_buf exit_jb;
	int exit_status;
	struct ips_data data;
	char report[IPS_ERRORBUFLEN];
	int err_type;
	uint8_t envopts;
	int mode;
	uint32_t lineno, restore_line;
	enum ips_cmd cmd;
	const struct ips_type *saved_type;
	char saved_setname[IPSET_MAXNAMELEN];
	/* restore: the add/del batch of one set */
	struct ips_pending *batch;
	size_t nbatch, capbatch;
	bool batch_exist;
	enum ips_cmd batch_cmd;
	/* listing */
	uint32_t printed_set;
	bool sort;
	struct strbuf *sorted;          /* member lines when sorting */
	size_t nsorted, capsorted;
	size_t save_prefix;
};

static void ips_exit(struct ips *s, int status) __attribute__((noreturn));
static void ips_exit(struct ips *s, int status)
{
	s->exit_status = status;
	longjmp(s->exit_jb, 1);
}

/* ---- the report buffer (ipset_session_report and friends) ---- */

__attribute__((format(printf, 3, 4)))
static int ips_report(struct ips *s, int type, const char *fmt, ...)
{
	size_t off;
	va_list ap;

	/* a more important message drops the less important ones */
	if (s->err_type > IPS_NO_ERROR && s->err_type < type)
		s->report[0] = '\0';
	if (s->lineno != 0 && type == IPS_ERROR)
		snprintf(s->report, sizeof(s->report), "Error in line %u: ", s->lineno);
	off = strlen(s->report);
	va_start(ap, fmt);
	vsnprintf(s->report + off, sizeof(s->report) - 1 - off, fmt, ap);
	va_end(ap);
	if (strlen(s->report) < sizeof(s->report) - 1)
		strcat(s->report, "\n");
	s->err_type = type;
	if (type == IPS_ERROR)
		memset(&s->data, 0, sizeof(s->data));    /* ipset_data_reset() */
	return -1;
}

#define ips_err(s, ...) ips_report(s, IPS_ERROR, __VA_ARGS__)
#define ips_warn(s, ...) ips_report(s, IPS_WARNING, __VA_ARGS__)
#define syntax_err(s, fmt, ...) ips_report(s, IPS_ERROR, "Syntax error: " fmt, ##__VA_ARGS__)

static void ips_report_reset(struct ips *s)
{
	s->report[0] = '\0';
	s->err_type = IPS_NO_ERROR;
}

static int ips_warning_as_error(struct ips *s)
{
	s->err_type = IPS_ERROR;
	memset(&s->data, 0, sizeof(s->data));
	return -1;
}

/* default_custom_error(): print (unless quiet) and leave with the status. */
__attribute__((format(printf, 3, 4), noreturn))
static void ips_custom_error(struct ips *s, int status, const char *fmt, ...)
{
	struct strbuf *err = &s->ctx->err;
	va_list ap;

	if (status && fmt && !(s->envopts & ENV_QUIET)) {
		sb_addf(err, "%s v%s: ", IPS_PROGRAM, IPS_VERSION);
		va_start(ap, fmt);
		sb_vaddf(err, fmt, ap);
		va_end(ap);
		if (status != IPS_SESSION_PROBLEM)
			sb_addc(err, '\n');
		if (status == IPS_PARAMETER_PROBLEM)
			sb_addf(err, "Try `%s help' for more information.\n", IPS_PROGRAM);
	}
	ips_exit(s, status > IPS_VERSION_PROBLEM ? IPS_OTHER_PROBLEM : status);
}

/* default_standard_error(): the report; warnings and notices end the program too. */
__attribute__((noreturn))
static void ips_standard_error(struct ips *s)
{
	if ((s->err_type == IPS_WARNING || s->err_type == IPS_NOTICE) && !(s->envopts & ENV_QUIET))
		sb_addf(&s->ctx->err, "%s%s", s->err_type == IPS_WARNING ? "Warning: " : "", s->report);
	if (s->err_type == IPS_ERROR)
		ips_custom_error(s, IPS_SESSION_PROBLEM, "%s", s->report);
	ips_exit(s, s->err_type <= IPS_WARNING ? 0 : IPS_OTHER_PROBLEM);
}

/* ---- the data blob ---- */

/*
 * ipset_data_test(): the flag options a parser sets (nomatch, physdev, before,
 * counters, ...) go to the CADT flags only and do not test as set; the same flags
 * coming back in a listing do.
 */
static bool d_test(const struct ips_data *d, int opt)
{
	return d->flags & F(opt);
}

static bool d_cadt(const struct ips_data *d, int opt)
{
	return (d->flags | d->cflags) & F(opt);
}

static void d_flag(struct ips_data *d, int opt)
{
	d->flags |= F(opt);
}

/* ipset_data_ignored(): the option's ignored bit, set from now on */
static bool d_ignored(struct ips_data *d, int opt)
{
	bool was = d->ignored & F(opt);

	d->ignored |= F(opt);
	return was;
}

static void d_family(struct ips_data *d, uint8_t family)
{
	d->family = family;
	d->flags |= F(O_FAMILY);
	d->ignored &= ~F(O_FAMILY);
}

/* ---- numbers (string_to_number_ll and the sized variants) ---- */

static int str_to_ull(struct ips *s, const char *str, unsigned long long min,
		      unsigned long long max, unsigned long long *ret, int errtype)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(str, &end, 0);
	if (*end == '\0' && end != str && errno != ERANGE) {
		if (min <= n && (!max || n <= max)) {
			*ret = n;
			return 0;
		}
		errno = ERANGE;
	}
	if (errno == ERANGE)
		return ips_report(s, errtype, "Syntax error: '%s' is out of range %llu-%llu", str,
				  min, max ? max : ~0ull);
	return ips_report(s, errtype, "Syntax error: '%s' is invalid as number", str);
}

static int str_to_u8(struct ips *s, const char *str, uint8_t *ret, int errtype)
{
	unsigned long long n = 0;
	int err = str_to_ull(s, str, 0, 255, &n, errtype);

	*ret = (uint8_t)n;
	return err;
}

static int str_to_u16(struct ips *s, const char *str, uint16_t *ret, int errtype)
{
	unsigned long long n = 0;
	int err = str_to_ull(s, str, 0, 65535, &n, errtype);

	*ret = (uint16_t)n;
	return err;
}

static int str_to_u32(struct ips *s, const char *str, uint32_t *ret)
{
	unsigned long long n = 0;
	int err = str_to_ull(s, str, 0, 0xffffffffull, &n, IPS_ERROR);

	*ret = (uint32_t)n;
	return err;
}

static int str_to_cidr(struct ips *s, const char *str, uint8_t min, uint8_t max, uint8_t *ret)
{
	int err = str_to_u8(s, str, ret, IPS_ERROR);

	if (!err && (*ret < min || *ret > max))
		return syntax_err(s, "'%s' is out of range %u-%u", str, min, max);
	return err;
}

/* ---- separators (ipset_strchr: not at either end of the string) ---- */

static char *ips_strchr(const char *str, char sep)
{
	char *m = strchr(str, sep);
	size_t n = strlen(str);

	if (m && str[0] != sep && str[n - 1] != sep)
		return m;
	return NULL;
}

#define cidr_sep(str) ips_strchr(str, '/')
#define range_sep(str) ips_strchr(str, '-')
#define elem_sep(str) ips_strchr(str, ',')
#define proto_sep(str) ips_strchr(str, ':')

static char *escape_range_sep(const char *str)
{
	const char *tmp = NULL;

	if (str[0] == '[') {
		tmp = strstr(str, "]");
		if (!tmp)
			return NULL;
	}
	return range_sep(tmp ? tmp : str);
}

static char *find_range_sep(struct ips *s, char *str)
{
	if (str[0] == '[') {
		char *esc = strstr(str, "]");

		if (!esc) {
			syntax_err(s, "cannot find closing escape character '%s' in %s", "]", str);
			return str;
		}
		if (esc[1] == '\0')
			return NULL;
		esc++;
		if (*esc != '-') {
			*esc = '\0';
			syntax_err(s, "range separator expected after '%s'", str);
			return str;
		}
		return esc;
	}
	return range_sep(str);
}

static char *strip_escape(struct ips *s, char *str)
{
	if (str[0] == '[') {
		if (str[strlen(str) - 1] != ']') {
			syntax_err(s, "cannot find closing escape character '%s' in %s", "]", str);
			return NULL;
		}
		str++;
		str[strlen(str) - 1] = '\0';
	}
	return str;
}

/* ---- protocols, services, ICMP names ---- */

struct ips_icmp {
	const char *name;
	uint8_t type, code;
};

/* lib/icmp.c and lib/icmpv6.c, in their order (the first name of a type/code prints) */
static const struct ips_icmp ips_icmp4[] = {
	{ "echo-reply", 0, 0 }, { "pong", 0, 0 }, { "network-unreachable", 3, 0 },
	{ "host-unreachable", 3, 1 }, { "protocol-unreachable", 3, 2 },
	{ "port-unreachable", 3, 3 }, { "fragmentation-needed", 3, 4 },
	{ "source-route-failed", 3, 5 }, { "network-unknown", 3, 6 }, { "host-unknown", 3, 7 },
	{ "network-prohibited", 3, 9 }, { "host-prohibited", 3, 10 },
	{ "TOS-network-unreachable", 3, 11 }, { "TOS-host-unreachable", 3, 12 },
	{ "communication-prohibited", 3, 13 }, { "host-precedence-violation", 3, 14 },
	{ "precedence-cutoff", 3, 15 }, { "source-quench", 4, 0 },
	{ "network-redirect", 5, 0 }, { "host-redirect", 5, 1 },
	{ "TOS-network-redirect", 5, 2 }, { "TOS-host-redirect", 5, 3 },
	{ "echo-request", 8, 0 }, { "ping", 8, 0 }, { "router-advertisement", 9, 0 },
	{ "router-solicitation", 10, 0 }, { "ttl-zero-during-transit", 11, 0 },
	{ "ttl-zero-during-reassembly", 11, 1 }, { "ip-header-bad", 12, 0 },
	{ "required-option-missing", 12, 1 }, { "timestamp-request", 13, 0 },
	{ "timestamp-reply", 14, 0 }, { "address-mask-request", 17, 0 },
	{ "address-mask-reply", 18, 0 },
};

static const struct ips_icmp ips_icmp6[] = {
	{ "no-route", 1, 0 }, { "communication-prohibited", 1, 1 },
	{ "address-unreachable", 1, 3 }, { "port-unreachable", 1, 4 },
	{ "packet-too-big", 2, 0 }, { "ttl-zero-during-transit", 3, 0 },
	{ "ttl-zero-during-reassembly", 3, 1 }, { "bad-header", 4, 0 },
	{ "unknown-header-type", 4, 1 }, { "unknown-option", 4, 2 },
	{ "echo-request", 128, 0 }, { "ping", 128, 0 }, { "echo-reply", 129, 0 },
	{ "pong", 129, 0 }, { "router-solicitation", 133, 0 },
	{ "router-advertisement", 134, 0 }, { "neighbour-solicitation", 135, 0 },
	{ "neigbour-solicitation", 135, 0 }, { "neighbour-advertisement", 136, 0 },
	{ "neigbour-advertisement", 136, 0 }, { "redirect", 137, 0 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* name_to_icmp(): a case-insensitive prefix of a name, the first that fits */
static int name_to_icmp(bool v6, const char *str, uint16_t *tc)
{
	const struct ips_icmp *t = v6 ? ips_icmp6 : ips_icmp4;
	size_t n = v6 ? NELEM(ips_icmp6) : NELEM(ips_icmp4);

	for (size_t i = 0; i < n; i++) {
		if (!strncasecmp(t[i].name, str, strlen(str))) {
			*tc = (uint16_t)(t[i].type << 8 | t[i].code);
			return 0;
		}
	}
	return -1;
}

static const char *icmp_to_name(bool v6, uint8_t type, uint8_t code)
{
	const struct ips_icmp *t = v6 ? ips_icmp6 : ips_icmp4;
	size_t n = v6 ? NELEM(ips_icmp6) : NELEM(ips_icmp4);

	for (size_t i = 0; i < n; i++)
		if (t[i].type == type && t[i].code == code)
			return t[i].name;
	return NULL;
}

/* ---- addresses (parse_ipaddr with gethostbyname2: literal addresses only) ---- */

/*
 * What gethostbyname2() gives for a literal: a digits-and-dots string through
 * inet_aton() for IPv4 ("1.2.3" is 1.2.0.3), a string with a colon through
 * inet_pton() for IPv6.  Host names are not looked up (a simulation must not
 * depend on DNS): they fail as an unresolvable name does.
 */
static bool ips_resolve(const char *str, uint8_t family, uint8_t *out)
{
	struct in_addr a4;

	memset(out, 0, 16);
	if (family == IPSET_FAM_INET6)
		return strchr(str, ':') && inet_pton(AF_INET6, str, out) == 1;
	if (!*str || strspn(str, "0123456789.") != strlen(str) || str[strlen(str) - 1] == '.')
		return false;
	if (!inet_aton(str, &a4))
		return false;
	memcpy(out, &a4, 4);
	return true;
}

static uint8_t *d_addr(struct ips_data *d, int opt)
{
	switch (opt) {
	case O_IP_TO: return d->ip_to;
	case O_IP2: return d->ip2;
	case O_IP2_TO: return d->ip2_to;
	case O_BITMASK: return d->bitmask;
	default: return d->ip;
	}
}

static int get_hostbyname2(struct ips *s, int opt, const char *str, uint8_t family)
{
	uint8_t a[16];

	if (!ips_resolve(str, family, a)) {
		syntax_err(s, "cannot parse %s: resolving to %s address failed", str,
			   family == IPSET_FAM_INET ? "IPv4" : "IPv6");
		return -1;
	}
	memcpy(d_addr(&s->data, opt), a, 16);
	d_flag(&s->data, opt);
	return 0;
}

static int parse_ipaddr(struct ips *s, int opt, const char *str, uint8_t family)
{
	uint8_t m = family == IPSET_FAM_INET ? 32 : 128;
	int err = 0, range = 0;
	int copt = opt == O_IP ? O_CIDR : O_CIDR2, opt2 = opt == O_IP ? O_IP_TO : O_IP2_TO;
	char saved[IPS_CMDLINE], *a, *tmp = saved;

	snprintf(saved, sizeof(saved), "%s", str);
	if ((a = cidr_sep(tmp)) != NULL) {
		*a++ = '\0';
		err = str_to_cidr(s, a, 0, m, &m);
		if (err)
			return err;
		if (copt == O_CIDR)
			s->data.cidr = m;
		else
			s->data.cidr2 = m;
		d_flag(&s->data, copt);
	} else {
		a = find_range_sep(s, tmp);
		if (a == tmp)
			return -1;
		if (a) {
			*a++ = '\0';
			range++;
		}
	}
	tmp = strip_escape(s, tmp);
	if (!tmp)
		return -1;
	err = get_hostbyname2(s, opt, tmp, family);
	if (err || !range)
		return err;
	a = strip_escape(s, a);
	if (!a)
		return -1;
	return get_hostbyname2(s, opt2, a, family);
}

enum { ADDR_ANY, ADDR_PLAIN, ADDR_NET, ADDR_RANGE };

static bool cidr_hostaddr(const char *str, uint8_t family)
{
	const char *a = cidr_sep(str);

	return a && !strcmp(a, family == IPSET_FAM_INET ? "/32" : "/128");
}

static int parse_ip_kind(struct ips *s, int opt, const char *str, int kind)
{
	uint8_t family = s->data.family;

	if (family == IPSET_FAM_UNSPEC) {
		family = IPSET_FAM_INET;
		d_family(&s->data, family);
	}
	switch (kind) {
	case ADDR_PLAIN:
		if (escape_range_sep(str) || (cidr_sep(str) && !cidr_hostaddr(str, family)))
			return syntax_err(s, "plain IP address must be supplied: %s", str);
		break;
	case ADDR_NET:
		if (!cidr_sep(str) || escape_range_sep(str))
			return syntax_err(s, "IP/netblock must be supplied: %s", str);
		break;
	default:
		break;
	}
	return parse_ipaddr(s, opt, str, family);
}

static int p_ip(struct ips *s, int opt, const char *str)
{
	return parse_ip_kind(s, opt, str, ADDR_ANY);
}

static int p_single_ip(struct ips *s, int opt, const char *str)
{
	return parse_ip_kind(s, opt, str, ADDR_PLAIN);
}

static int p_net(struct ips *s, int opt, const char *str)
{
	return parse_ip_kind(s, opt, str, ADDR_NET);
}

static int p_ipnet(struct ips *s, int opt, const char *str)
{
	if (escape_range_sep(str))
		return syntax_err(s, "IP address or IP/cidr must be specified: %s", str);
	return parse_ip_kind(s, opt, str, ADDR_ANY);
}

static void default_family(struct ips *s)
{
	if (s->data.family == IPSET_FAM_UNSPEC)
		d_family(&s->data, IPSET_FAM_INET);
}

static int p_ip4_single6(struct ips *s, int opt, const char *str)
{
	default_family(s);
	return s->data.family == IPSET_FAM_INET ? p_ip(s, opt, str) : p_single_ip(s, opt, str);
}

static int p_ip4_net6(struct ips *s, int opt, const char *str)
{
	default_family(s);
	return s->data.family == IPSET_FAM_INET ? p_ip(s, opt, str) : p_ipnet(s, opt, str);
}

static int p_netrange(struct ips *s, int opt, const char *str)
{
	if (!(escape_range_sep(str) || cidr_sep(str)))
		return syntax_err(s, "IP/cidr or IP-IP range must be specified: %s", str);
	return parse_ip_kind(s, opt, str, ADDR_ANY);
}

/* ---- ports ---- */

static int parse_portname(struct ips *s, const char *str, uint16_t *port, const char *proto)
{
	char saved[IPS_CMDLINE], *tmp;
	const char *pname = proto;
	struct servent *sv;
	uint8_t num;

	snprintf(saved, sizeof(saved), "%s", str);
	tmp = strip_escape(s, saved);
	/* a numeric protocol is looked up by its name in the services database */
	if (str_to_u8(s, proto, &num, IPS_WARNING) == 0) {
		struct protoent *pe = getprotobynumber(num);

		if (pe)
			pname = pe->p_name;
	}
	if (tmp) {
		sv = getservbyname(tmp, pname);
		if (sv) {
			*port = ntohs((uint16_t)sv->s_port);
			return 0;
		}
	}
	return ips_warn(s, "cannot parse '%s' as a %s port", str, proto);
}

static int parse_port(struct ips *s, int opt, const char *str, const char *proto)
{
	uint16_t port;

	if (str_to_u16(s, str, &port, IPS_WARNING) == 0 ||
	    (parse_portname(s, str, &port, proto) == 0 && (ips_report_reset(s), 1))) {
		if (opt == O_PORT)
			s->data.port = port;
		else
			s->data.port_to = port;
		d_flag(&s->data, opt);
		return 0;
	}
	return ips_warning_as_error(s);
}

static int parse_tcpudp_port(struct ips *s, int opt, const char *str, const char *proto)
{
	char saved[IPS_CMDLINE], *a;
	int err;

	snprintf(saved, sizeof(saved), "%s", str);
	a = find_range_sep(s, saved);
	if (a == saved)
		return -1;
	if (a) {
		*a++ = '\0';
		err = parse_port(s, O_PORT_TO, a, proto);
		if (err)
			return err;
	}
	return parse_port(s, opt, saved, proto);
}

static int p_single_tcp_port(struct ips *s, int opt, const char *str)
{
	return parse_port(s, opt, str, "tcp");
}

static int p_proto(struct ips *s, int opt, const char *str)
{
	struct protoent *pe;
	uint8_t num;

	(void)opt;
	if (str_to_u8(s, str, &num, IPS_WARNING) == 0) {
		s->data.proto = num;
		d_flag(&s->data, O_PROTO);
		return 0;
	}
	ips_report_reset(s);
	pe = getprotobyname(!strcasecmp(str, "icmpv6") ? "ipv6-icmp" : str);
	if (!pe)
		return syntax_err(s, "cannot parse '%s' as a protocol", str);
	if (!pe->p_proto)
		return syntax_err(s, "Unsupported protocol '%s'", str);
	s->data.proto = (uint8_t)pe->p_proto;
	d_flag(&s->data, O_PROTO);
	return 0;
}

static int parse_icmp_typecode(struct ips *s, const char *str, const char *family)
{
	char saved[IPS_CMDLINE], *a;
	uint8_t type, code;
	int err;

	snprintf(saved, sizeof(saved), "%s", str);
	a = cidr_sep(saved);
	if (!a)
		return ips_err(s, "Cannot parse %s as an %s type/code.", str, family);
	*a++ = '\0';
	if ((err = str_to_u8(s, saved, &type, IPS_ERROR)) != 0 ||
	    (err = str_to_u8(s, a, &code, IPS_ERROR)) != 0)
		return err;
	s->data.port = (uint16_t)(type << 8 | code);
	d_flag(&s->data, O_PORT);
	return 0;
}

static int parse_icmp(struct ips *s, const char *str, bool v6)
{
	uint16_t tc;

	if (name_to_icmp(v6, str, &tc) < 0)
		return parse_icmp_typecode(s, str, v6 ? "ICMPv6" : "ICMP");
	s->data.port = tc;
	d_flag(&s->data, O_PORT);
	return 0;
}

static int p_proto_port(struct ips *s, int opt, const char *str)
{
	char saved[IPS_CMDLINE], *a, *tmp = saved;
	const char *proto;
	uint8_t p;
	int err;

	snprintf(saved, sizeof(saved), "%s", str);
	a = proto_sep(tmp);
	if (!a) {
		s->data.proto = 6;
		d_flag(&s->data, O_PROTO);
		return parse_tcpudp_port(s, opt, tmp, "tcp");
	}
	uint8_t family = s->data.family;

	*a++ = '\0';
	err = p_proto(s, O_PROTO, tmp);
	if (err)
		return err;
	p = s->data.proto;
	switch (p) {
	case 6:
	case 132:
	case 17:
	case 136:
		proto = tmp;
		return parse_tcpudp_port(s, opt, a, proto);
	case 1:
		if (family != IPSET_FAM_INET) {
			syntax_err(s, "Protocol ICMP can be used with family inet only");
			return 0;
		}
		return parse_icmp(s, a, false);
	case 58:
		if (family != IPSET_FAM_INET6) {
			syntax_err(s, "Protocol ICMPv6 can be used with family inet6 only");
			return 0;
		}
		return parse_icmp(s, a, true);
	default:
		if (strcmp(a, "0")) {
			syntax_err(s, "Protocol %s can be used with pseudo port value 0 only.", tmp);
			return -1;
		}
		d_flag(&s->data, opt);
		return 0;
	}
}

/* bitmap:port: the protocol may be given but only TCP and UDP, and is not stored */
static int p_tcp_udp_port(struct ips *s, int opt, const char *str)
{
	int err = p_proto_port(s, opt, str);

	if (err)
		return err;
	if (s->data.proto != 6 && s->data.proto != 17) {
		syntax_err(s, "Only protocols TCP and UDP are valid");
		return -1;
	}
	s->data.flags &= ~F(O_PROTO);
	return 0;
}

/* ---- the other parsers ---- */

static int p_family(struct ips *s, int opt, const char *str)
{
	uint8_t family;

	(void)opt;
	if (d_test(&s->data, O_FAMILY) && !(s->data.ignored & F(O_FAMILY)))
		syntax_err(s, "protocol family may not be specified multiple times");
	if (!strcmp(str, "inet") || !strcmp(str, "ipv4") || !strcmp(str, "-4"))
		family = IPSET_FAM_INET;
	else if (!strcmp(str, "inet6") || !strcmp(str, "ipv6") || !strcmp(str, "-6"))
		family = IPSET_FAM_INET6;
	else if (!strcmp(str, "any") || !strcmp(str, "unspec"))
		family = IPSET_FAM_UNSPEC;
	else
		return syntax_err(s, "unknown inet family %s", str);
	d_family(&s->data, family);
	return 0;
}

static int p_u32(struct ips *s, int opt, const char *str)
{
	uint32_t v;
	int err = str_to_u32(s, str, &v);

	if (err)
		return err;
	switch (opt) {
	case O_HASHSIZE: s->data.hashsize = v; break;
	case O_MAXELEM: s->data.maxelem = v; break;
	case O_SIZE: s->data.size = v; break;
	case O_INITVAL: s->data.initval = v; break;
	default: s->data.markmask = v; break;
	}
	d_flag(&s->data, opt);
	return 0;
}

static int p_u8(struct ips *s, int opt, const char *str)
{
	uint8_t v;
	int err = str_to_u8(s, str, &v, IPS_ERROR);

	if (err)
		return err;
	s->data.bucketsize = v;
	d_flag(&s->data, opt);
	return 0;
}

static int p_u16(struct ips *s, int opt, const char *str)
{
	uint16_t v;
	int err = str_to_u16(s, str, &v, IPS_ERROR);

	if (err)
		return err;
	s->data.skbqueue = v;
	d_flag(&s->data, opt);
	return 0;
}

static int p_u64(struct ips *s, int opt, const char *str)
{
	unsigned long long v = 0;
	int err = str_to_ull(s, str, 0, ~0ull - 1, &v, IPS_ERROR);

	if (err)
		return err;
	if (opt == O_PACKETS)
		s->data.packets = v;
	else
		s->data.bytes = v;
	d_flag(&s->data, opt);
	return 0;
}

static int p_timeout(struct ips *s, int opt, const char *str)
{
	unsigned long long v = 0;
	int err = str_to_ull(s, str, 0, (0xffffffffull >> 1) / 1000, &v, IPS_ERROR);

	if (err)
		return err;
	s->data.timeout = (uint32_t)v;
	d_flag(&s->data, opt);
	return 0;
}

static int p_netmask(struct ips *s, int opt, const char *str)
{
	uint8_t cidr, family;

	default_family(s);
	family = s->data.family;
	if (d_test(&s->data, O_BITMASK))
		return syntax_err(s, "bitmask and netmask are mutually exclusive, provide only one");
	if (str_to_cidr(s, str, 1, family == IPSET_FAM_INET ? 32 : 128, &cidr))
		return syntax_err(s, "netmask is out of the inclusive range of 1-%u",
				  family == IPSET_FAM_INET ? 32 : 128);
	s->data.netmask = cidr;
	d_flag(&s->data, opt);
	return 0;
}

static int p_bitmask(struct ips *s, int opt, const char *str)
{
	default_family(s);
	if (d_test(&s->data, O_NETMASK))
		return syntax_err(s, "bitmask and netmask are mutually exclusive, provide only one");
	return get_hostbyname2(s, opt, str, s->data.family);
}

static int p_flag(struct ips *s, int opt, const char *str)
{
	(void)str;
	s->data.cflags |= F(opt);
	return 0;
}

static const char *ignored_optname(int opt);

static int p_ignored(struct ips *s, int opt, const char *str)
{
	if (!d_ignored(&s->data, opt))
		ips_warn(s, "Option '--%s %s' is ignored. Please upgrade your syntax.",
			 ignored_optname(opt), str);
	return 0;
}

static int p_comment(struct ips *s, int opt, const char *str)
{
	if (strchr(str, '"'))
		return syntax_err(s, "\" character is not permitted in comments");
	if (strlen(str) > IPSET_MAX_COMMENT_SIZE)
		return syntax_err(s, "Comment is longer than the maximum allowed %d characters",
				  IPSET_MAX_COMMENT_SIZE);
	snprintf(s->data.comment, sizeof(s->data.comment), "%s", str);
	d_flag(&s->data, opt);
	return 0;
}

static int p_skbmark(struct ips *s, int opt, const char *str)
{
	unsigned long mark, mask;

	if (sscanf(str, "0x%lx/0x%lx", &mark, &mask) != 2) {
		mask = 0xffffffff;
		if (sscanf(str, "0x%lx", &mark) != 1)
			return syntax_err(s, "Invalid skbmark format, it should be:  MARK/MASK or MARK (see manpage)");
	}
	s->data.skbmark = (uint64_t)mark << 32 | (mask & 0xffffffff);
	d_flag(&s->data, opt);
	return 0;
}

static int p_skbprio(struct ips *s, int opt, const char *str)
{
	unsigned int maj, min;

	if (sscanf(str, "%x:%x", &maj, &min) != 2)
		return syntax_err(s, "Invalid skbprio format, it should be:MAJOR:MINOR (see manpage)");
	s->data.skbprio = maj << 16 | (min & 0xffff);
	d_flag(&s->data, opt);
	return 0;
}

static int check_setname(struct ips *s, const char *str)
{
	if (strlen(str) > IPSET_MAXNAMELEN - 1)
		return syntax_err(s, "setname '%s' is longer than %u characters", str,
				  IPSET_MAXNAMELEN - 1);
	return 0;
}

static int p_setname(struct ips *s, int opt, const char *str)
{
	if (check_setname(s, str))
		return -1;
	switch (opt) {
	case O_SETNAME:
		snprintf(s->data.setname, sizeof(s->data.setname), "%s", str);
		break;
	case O_SETNAME2:
		snprintf(s->data.setname2, sizeof(s->data.setname2), "%s", str);
		break;
	default:
		snprintf(s->data.name, sizeof(s->data.name), "%s", str);
		break;
	}
	d_flag(&s->data, opt);
	return 0;
}

static int p_before_after(struct ips *s, int opt, const char *str, bool before)
{
	if (d_test(&s->data, O_NAMEREF))
		syntax_err(s, "mixed syntax, before|after option already used");
	if (check_setname(s, str))
		return -1;
	if (before)
		s->data.cflags |= F(O_BEFORE);
	snprintf(s->data.nameref, sizeof(s->data.nameref), "%s", str);
	d_flag(&s->data, opt);
	return 0;
}

static int p_before(struct ips *s, int opt, const char *str)
{
	return p_before_after(s, opt, str, true);
}

static int p_after(struct ips *s, int opt, const char *str)
{
	return p_before_after(s, opt, str, false);
}

/* ipset_parse_name_compat(): "setname[,before|after,setname]" */
static int p_name_compat(struct ips *s, int opt, const char *str)
{
	char saved[IPS_CMDLINE], *a, *b = NULL, *tmp = saved;
	bool before = false;

	if (d_test(&s->data, O_NAMEREF))
		syntax_err(s, "mixed syntax, before|after option already used");
	snprintf(saved, sizeof(saved), "%s", str);
	if ((a = elem_sep(tmp)) != NULL) {
		*a++ = '\0';
		if ((b = elem_sep(a)) != NULL)
			*b++ = '\0';
		if (!b || !(!strcmp(a, "before") || !strcmp(a, "after")))
			return ips_err(s, "you must specify elements as setname%s[before|after]%ssetname",
				       ",", ",");
		before = !strcmp(a, "before");
	}
	if (check_setname(s, tmp))
		return -1;
	snprintf(s->data.name, sizeof(s->data.name), "%s", tmp);
	d_flag(&s->data, opt);
	if (!b)
		return 0;
	if (check_setname(s, b))
		return -1;
	snprintf(s->data.nameref, sizeof(s->data.nameref), "%s", b);
	d_flag(&s->data, O_NAMEREF);
	if (before)
		s->data.cflags |= F(O_BEFORE);
	return 0;
}

static int p_iface(struct ips *s, int opt, const char *str)
{
	size_t off = 0;

	if (!strncmp(str, "physdev:", 8)) {
		off = 8;
		s->data.cflags |= F(O_PHYSDEV);
	}
	if (strlen(str + off) > 15)
		return syntax_err(s, "interface name '%s' is longer than %u characters", str + off,
				  15);
	snprintf(s->data.iface, sizeof(s->data.iface), "%s", str + off);
	d_flag(&s->data, opt);
	return 0;
}

static int p_ether(struct ips *s, int opt, const char *str)
{
	size_t len = strlen(str), p = 0;
	uint8_t ether[6];

	if (len > 6 * 3 - 1)
		goto error;
	for (int i = 0; i < 6; i++) {
		char *end;
		long n = strtol(str + p, &end, 16);

		p = (size_t)(end - str) + 1;
		if (((*end == ':' && i < 5) || (*end == '\0' && i == 5)) && n >= 0 && n <= 255)
			ether[i] = (uint8_t)n;
		else
			goto error;
	}
	memcpy(s->data.ether, ether, 6);
	d_flag(&s->data, opt);
	return 0;
error:
	return syntax_err(s, "cannot parse '%s' as ethernet address", str);
}

/* ---- printers (lib/print.c) ---- */

static void pr_ip(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	int copt = opt == O_IP ? O_CIDR : O_CIDR2;
	uint8_t host = d->family == IPSET_FAM_INET6 ? 128 : 32;
	uint8_t cidr = d_test(d, copt) ? (copt == O_CIDR ? d->cidr : d->cidr2) : host;
	char buf[INET6_ADDRSTRLEN];
	const uint8_t *a = opt == O_IP2 ? d->ip2 : opt == O_BITMASK ? d->bitmask : d->ip;

	(void)env;
	inet_ntop(d->family == IPSET_FAM_INET6 ? AF_INET6 : AF_INET, a, buf, sizeof(buf));
	sb_add(b, buf);
	if (cidr != host)
		sb_addf(b, "/%u", cidr);
	if (!d_test(d, O_IP_TO))
		return;
	inet_ntop(d->family == IPSET_FAM_INET6 ? AF_INET6 : AF_INET, d->ip_to, buf, sizeof(buf));
	sb_addf(b, "-%s", buf);
	if (cidr != host)
		sb_addf(b, "/%u", cidr);
}

static void pr_port(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	(void)opt;
	(void)env;
	sb_addf(b, "%u", d->port);
	if (d_test(d, O_PORT_TO))
		sb_addf(b, "-%u", d->port_to);
}

static void pr_proto_port(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	if (d_test(d, O_PROTO)) {
		struct protoent *pe = getprotobynumber(d->proto);
		const char *n;

		if (pe)
			sb_add(b, pe->p_name);
		else
			sb_addf(b, "%u", d->proto);
		sb_addc(b, ':');
		if (d->proto == 1 || d->proto == 58) {
			n = icmp_to_name(d->proto == 58, (uint8_t)(d->port >> 8), (uint8_t)d->port);
			if (n)
				sb_add(b, n);
			else
				sb_addf(b, "%u/%u", d->port >> 8, d->port & 0xff);
			return;
		}
	}
	pr_port(b, d, opt, env);
}

static void pr_iface(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	(void)opt;
	(void)env;
	if (d_test(d, O_PHYSDEV))
		sb_add(b, "physdev:");
	sb_add(b, d->iface);
}

static void pr_ether(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	(void)opt;
	(void)env;
	sb_addf(b, "%02X:%02X:%02X:%02X:%02X:%02X", d->ether[0], d->ether[1], d->ether[2],
		d->ether[3], d->ether[4], d->ether[5]);
}

/* ipset_print_name(): "before" only when the (never set) FLAGS option says so */
static void pr_name(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	(void)opt;
	(void)env;
	sb_add(b, d->name);
	if (d_test(d, O_NAMEREF))
		sb_addf(b, " %s %s", "after", d->nameref);
}

static void pr_number(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	unsigned long long v = 0;

	(void)env;
	switch (opt) {
	case O_NETMASK: v = d->netmask; break;
	case O_BUCKETSIZE: v = d->bucketsize; break;
	case O_SKBQUEUE: v = d->skbqueue; break;
	case O_TIMEOUT: v = d->timeout; break;
	case O_HASHSIZE: v = d->hashsize; break;
	case O_MAXELEM: v = d->maxelem; break;
	case O_SIZE: v = d->size; break;
	case O_REFERENCES: v = d->references; break;
	case O_MEMSIZE: v = d->memsize; break;
	case O_ELEMENTS: v = d->elements; break;
	case O_PACKETS: v = d->packets; break;
	case O_BYTES: v = d->bytes; break;
	default: break;
	}
	sb_addf(b, "%llu", v);
}

static void pr_hex(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	(void)opt;
	(void)env;
	sb_addf(b, "0x%08x", d->initval);
}

static void pr_family(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	(void)opt;
	(void)env;
	sb_add(b, d->family == IPSET_FAM_INET ? "inet" : d->family == IPSET_FAM_INET6 ? "inet6" :
	       "any");
}

static void pr_comment(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	(void)opt;
	(void)env;
	sb_addf(b, "\"%s\"", d->comment);
}

static void pr_skbmark(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	uint32_t mark = (uint32_t)(d->skbmark >> 32), mask = (uint32_t)d->skbmark;

	(void)opt;
	(void)env;
	if (mask == 0xffffffffu)
		sb_addf(b, "0x%x", mark);
	else
		sb_addf(b, "0x%x/0x%x", mark, mask);
}

static void pr_skbprio(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	(void)opt;
	(void)env;
	sb_addf(b, "%x:%x", d->skbprio >> 16, d->skbprio & 0xffff);
}

static void pr_flag(struct strbuf *b, const struct ips_data *d, int opt, uint8_t env)
{
	(void)b;
	(void)d;
	(void)opt;
	(void)env;
}

/* ---- the keywords (lib/args.c), in enum ipset_keywords order ---- */

enum ips_argid {
	A_NONE, A_FAMILY, A_INET, A_INET6, A_HASHSIZE, A_MAXELEM, A_PROBES, A_RESIZE, A_GC,
	A_IGNORED_FROM, A_IGNORED_TO, A_IGNORED_NETWORK, A_SIZE, A_IPRANGE, A_NETMASK,
	A_PORTRANGE, A_BEFORE, A_AFTER, A_FROM_IP, A_TO_IP, A_NETWORK, A_FROM_PORT, A_TO_PORT,
	A_FORCEADD, A_MARKMASK, A_NOMATCH, A_IFACE_WILDCARD, A_TIMEOUT, A_COUNTERS, A_PACKETS,
	A_BYTES, A_COMMENT, A_ADT_COMMENT, A_SKBINFO, A_SKBMARK, A_SKBPRIO, A_SKBQUEUE,
	A_BUCKETSIZE, A_INITVAL, A_BITMASK, A_MAX,
};

static const struct ips_arg ips_args[A_MAX] = {
	[A_FAMILY] = { { "family", NULL }, 1, O_FAMILY, p_family, pr_family, "[family inet|inet6]|[-4|-6]" },
	[A_INET] = { { "-4", NULL }, 0, O_FAMILY, p_family, NULL, "" },
	[A_INET6] = { { "-6", NULL }, 0, O_FAMILY, p_family, NULL, "" },
	[A_HASHSIZE] = { { "hashsize", NULL }, 1, O_HASHSIZE, p_u32, pr_number, "[hashsize VALUE]" },
	[A_MAXELEM] = { { "maxelem", NULL }, 1, O_MAXELEM, p_u32, pr_number, "[maxelem VALUE]" },
	[A_PROBES] = { { "probes", NULL }, 1, O_PROBES, p_ignored, pr_number, NULL },
	[A_RESIZE] = { { "resize", NULL }, 1, O_RESIZE, p_ignored, pr_number, NULL },
	[A_GC] = { { "gc", NULL }, 1, O_GC, p_ignored, pr_number, NULL },
	[A_IGNORED_FROM] = { { "from", NULL }, 1, O_IP, p_ignored, pr_number, NULL },
	[A_IGNORED_TO] = { { "to", NULL }, 1, O_IP_TO, p_ignored, pr_number, NULL },
	[A_IGNORED_NETWORK] = { { "network", NULL }, 1, O_IP, p_ignored, pr_number, NULL },
	[A_SIZE] = { { "size", NULL }, 1, O_SIZE, p_u32, pr_number, "[size VALUE]" },
	[A_IPRANGE] = { { "range", NULL }, 1, O_IP, p_netrange, pr_ip, NULL },
	[A_NETMASK] = { { "netmask", NULL }, 1, O_NETMASK, p_netmask, pr_number, "[netmask CIDR]" },
	[A_PORTRANGE] = { { "range", NULL }, 1, O_PORT, p_tcp_udp_port, pr_port, NULL },
	[A_BEFORE] = { { "before", NULL }, 1, O_NAMEREF, p_before, NULL, "[before|after NAME]" },
	[A_AFTER] = { { "after", NULL }, 1, O_NAMEREF, p_after, NULL, NULL },
	[A_FROM_IP] = { { "from", NULL }, 1, O_IP, p_single_ip, NULL, NULL },
	[A_TO_IP] = { { "to", NULL }, 1, O_IP_TO, p_single_ip, NULL, NULL },
	[A_NETWORK] = { { "network", NULL }, 1, O_IP, p_net, NULL, NULL },
	[A_FROM_PORT] = { { "from", NULL }, 1, O_PORT, p_single_tcp_port, NULL, NULL },
	[A_TO_PORT] = { { "to", NULL }, 1, O_PORT_TO, p_single_tcp_port, NULL, NULL },
	[A_FORCEADD] = { { "forceadd", NULL }, 0, O_FORCEADD, p_flag, pr_flag, "[forceadd]" },
	[A_MARKMASK] = { { "markmask", NULL }, 1, O_MARKMASK, p_u32, NULL, "markmask VALUE" },
	[A_NOMATCH] = { { "nomatch", NULL }, 0, O_NOMATCH, p_flag, pr_flag, "[nomatch]" },
	[A_IFACE_WILDCARD] = { { "wildcard", NULL }, 0, O_IFACE_WILDCARD, p_flag, pr_flag, "[wildcard]" },
	[A_TIMEOUT] = { { "timeout", NULL }, 1, O_TIMEOUT, p_timeout, pr_number, "[timeout VALUE]" },
	[A_COUNTERS] = { { "counters", NULL }, 0, O_COUNTERS, p_flag, pr_flag, "[counters]" },
	[A_PACKETS] = { { "packets", NULL }, 1, O_PACKETS, p_u64, pr_number, "[packets VALUE]" },
	[A_BYTES] = { { "bytes", NULL }, 1, O_BYTES, p_u64, pr_number, "[bytes VALUE]" },
	[A_COMMENT] = { { "comment", NULL }, 0, O_CREATE_COMMENT, p_flag, pr_flag, "[comment]" },
	[A_ADT_COMMENT] = { { "comment", NULL }, 1, O_ADT_COMMENT, p_comment, pr_comment, "[comment \"string\"]" },
	[A_SKBINFO] = { { "skbinfo", NULL }, 0, O_SKBINFO, p_flag, pr_flag, "[skbinfo]" },
	[A_SKBMARK] = { { "skbmark", NULL }, 1, O_SKBMARK, p_skbmark, pr_skbmark, "[skbmark VALUE]" },
	[A_SKBPRIO] = { { "skbprio", NULL }, 1, O_SKBPRIO, p_skbprio, pr_skbprio, "[skbprio VALUE]" },
	[A_SKBQUEUE] = { { "skbqueue", NULL }, 1, O_SKBQUEUE, p_u16, pr_number, "[skbqueue VALUE]" },
	[A_BUCKETSIZE] = { { "bucketsize", NULL }, 1, O_BUCKETSIZE, p_u8, pr_number, "[bucketsize VALUE]" },
	[A_INITVAL] = { { "initval", NULL }, 1, O_INITVAL, p_u32, pr_hex, "[initval VALUE]" },
	[A_BITMASK] = { { "bitmask", NULL }, 1, O_BITMASK, p_bitmask, pr_ip, "[bitmask bitmask]" },
};

/* ipset_ignored_optname(): the first keyword of the option */
static const char *ignored_optname(int opt)
{
	for (int i = A_NONE + 1; i < A_MAX; i++)
		if (ips_args[i].opt == opt)
			return ips_args[i].name[0];
	return "";
}

/* ---- the types (lib/ipset_*.c, newest revisions of ipset 7.17) ---- */

#define ADT_EXT A_TIMEOUT, A_PACKETS, A_BYTES, A_ADT_COMMENT, A_SKBMARK, A_SKBPRIO, A_SKBQUEUE
#define NET_ADT_EXT A_TIMEOUT, A_NOMATCH, A_PACKETS, A_BYTES, A_ADT_COMMENT, A_SKBMARK, \
	A_SKBPRIO, A_SKBQUEUE
#define HASH_CREATE A_FAMILY, A_INET, A_INET6, A_HASHSIZE, A_MAXELEM

static const uint8_t args_none[] = { 0 };
static const uint8_t args_hash_ip_c[] = { HASH_CREATE, A_NETMASK, A_BITMASK, A_TIMEOUT,
	A_COUNTERS, A_COMMENT, A_FORCEADD, A_SKBINFO, A_BUCKETSIZE, A_INITVAL, A_PROBES,
	A_RESIZE, A_GC, 0 };
static const uint8_t args_adt_ext[] = { ADT_EXT, 0 };
static const uint8_t args_hash_net_c[] = { HASH_CREATE, A_TIMEOUT, A_COUNTERS, A_COMMENT,
	A_FORCEADD, A_SKBINFO, A_BUCKETSIZE, A_INITVAL, A_PROBES, A_RESIZE, 0 };
static const uint8_t args_net_add[] = { NET_ADT_EXT, 0 };
static const uint8_t args_nomatch[] = { A_NOMATCH, 0 };
static const uint8_t args_hash_ipport_c[] = { HASH_CREATE, A_TIMEOUT, A_COUNTERS, A_COMMENT,
	A_FORCEADD, A_SKBINFO, A_BUCKETSIZE, A_INITVAL, A_NETMASK, A_BITMASK, A_PROBES,
	A_RESIZE, A_IGNORED_FROM, A_IGNORED_TO, A_IGNORED_NETWORK, 0 };
static const uint8_t args_hash_ipportip_c[] = { HASH_CREATE, A_TIMEOUT, A_COUNTERS,
	A_COMMENT, A_FORCEADD, A_SKBINFO, A_BUCKETSIZE, A_INITVAL, A_PROBES, A_RESIZE,
	A_IGNORED_FROM, A_IGNORED_TO, A_IGNORED_NETWORK, 0 };
static const uint8_t args_netiface_add[] = { A_TIMEOUT, A_NOMATCH, A_IFACE_WILDCARD,
	A_PACKETS, A_BYTES, A_ADT_COMMENT, A_SKBMARK, A_SKBPRIO, A_SKBQUEUE, 0 };
static const uint8_t args_hash_mac_c[] = { A_HASHSIZE, A_MAXELEM, A_TIMEOUT, A_COUNTERS,
	A_COMMENT, A_FORCEADD, A_SKBINFO, A_BUCKETSIZE, A_INITVAL, 0 };
static const uint8_t args_bitmap_ip_c[] = { A_IPRANGE, A_NETMASK, A_TIMEOUT, A_COUNTERS,
	A_COMMENT, A_SKBINFO, A_FROM_IP, A_TO_IP, A_NETWORK, 0 };
static const uint8_t args_bitmap_port_c[] = { A_PORTRANGE, A_TIMEOUT, A_COUNTERS, A_COMMENT,
	A_SKBINFO, A_FROM_PORT, A_TO_PORT, 0 };
static const uint8_t args_list_c[] = { A_SIZE, A_TIMEOUT, A_COUNTERS, A_COMMENT, A_SKBINFO, 0 };
static const uint8_t args_list_add[] = { A_TIMEOUT, A_BEFORE, A_AFTER, A_PACKETS, A_BYTES,
	A_ADT_COMMENT, A_SKBMARK, A_SKBPRIO, A_SKBQUEUE, 0 };
static const uint8_t args_list_deltest[] = { A_BEFORE, A_AFTER, 0 };

#define T_IP F(O_IP)
#define T_IP_RANGE (F(O_IP) | F(O_IP_TO))
#define T_NETS (F(O_IP) | F(O_CIDR) | F(O_IP_TO))
#define T_PPORT (F(O_PROTO) | F(O_PORT))
#define T_PPORTS (F(O_PROTO) | F(O_PORT) | F(O_PORT_TO))
#define ELEM(p, pr, o) { p, pr, o }
#define NOELEM { NULL, NULL, 0 }

#define U_HASH_IP "where depending on the INET family\n" \
	"      IP is a valid IPv4 or IPv6 address (or hostname),\n" \
	"      CIDR is a valid IPv4 or IPv6 CIDR prefix.\n" \
	"      Adding/deleting multiple elements in IP/CIDR or FROM-TO form\n" \
	"      is supported for IPv4."
#define U_HASH_NET "where depending on the INET family\n" \
	"      IP is an IPv4 or IPv6 address (or hostname),\n" \
	"      CIDR is a valid IPv4 or IPv6 CIDR prefix."
#define U_PORT_RANGE "      Adding/deleting multiple elements with TCP/SCTP/UDP/UDPLITE\n" \
	"      port range is supported both for IPv4 and IPv6."
#define U_HASH_IPPORT "where depending on the INET family\n" \
	"      IP is a valid IPv4 or IPv6 address (or hostname).\n" \
	"      Adding/deleting multiple elements in IP/CIDR or FROM-TO form\n" \
	"      is supported for IPv4.\n" U_PORT_RANGE
#define U_HASH_NETPORT "where depending on the INET family\n" \
	"      IP is a valid IPv4 or IPv6 address (or hostname),\n" \
	"      CIDR is a valid IPv4 or IPv6 CIDR prefix.\n" U_PORT_RANGE
#define U_HASH_IPPORTIP "where depending on the INET family\n" \
	"      IP is a valid IPv4 or IPv6 address (or hostname).\n" \
	"      Adding/deleting multiple elements in IP/CIDR or FROM-TO form\n" \
	"      in the first IP component is supported for IPv4.\n" U_PORT_RANGE
#define U_HASH_NETIFACE "where depending on the INET family\n" \
	"      IP is a valid IPv4 or IPv6 address (or hostname),\n" \
	"      CIDR is a valid IPv4 or IPv6 CIDR prefix.\n" \
	"      Adding/deleting multiple elements with IPv4 is supported."
#define U_BITMAP_IP "where IP, FROM and TO are IPv4 addresses (or hostnames),\n" \
	"      CIDR is a valid IPv4 CIDR prefix."
#define U_BITMAP_PORT "where PORT, FROM and TO are port numbers or port names from /etc/services.\n" \
	"      PROTO is only needed if a service name is used and it does not exist\n" \
	"      as a TCP service; just the resolved service numer is stored in the set."
#define U_LIST "where NAME are existing set names."
#define H_IPPORT "IP,[PROTO:]PORT"
#define H_NETPORT "IP[/CIDR]|FROM-TO,[PROTO:]PORT"
#define H_NETIFACE "IP[/CIDR]|FROM-TO,[physdev:]IFACE"
#define H_IPPORTIP "IP,[PROTO:]PORT,IP"
#define H_LIST "NAME [before|after NAME]"

static const struct ips_type ips_types[] = {
	{ "hash:ip", "iphash", 6, IPS_FAM_46, 1, false, false, true,
	  { ELEM(p_ip4_single6, pr_ip, O_IP), NOELEM, NOELEM },
	  { { args_hash_ip_c, 0, 0, "" }, { args_adt_ext, T_IP, T_IP_RANGE, "IP" },
	    { args_none, T_IP, T_IP_RANGE, "IP" }, { args_none, T_IP, T_IP_RANGE, "IP" } },
	  U_HASH_IP, false },
	{ "hash:net", "nethash", 7, IPS_FAM_46, 1, false, false, true,
	  { ELEM(p_ip4_net6, pr_ip, O_IP), NOELEM, NOELEM },
	  { { args_hash_net_c, 0, 0, "" }, { args_net_add, T_IP, T_NETS, "IP[/CIDR]" },
	    { args_none, T_IP, T_NETS, "IP[/CIDR]" },
	    { args_nomatch, T_IP, F(O_IP) | F(O_CIDR), "IP[/CIDR]" } },
	  U_HASH_NET, false },
	{ "hash:ip,port", "ipporthash", 7, IPS_FAM_46, 2, false, false, true,
	  { ELEM(p_ip4_single6, pr_ip, O_IP), ELEM(p_proto_port, pr_proto_port, O_PORT),
	    NOELEM },
	  { { args_hash_ipport_c, 0, 0, "" },
	    { args_adt_ext, T_IP | T_PPORT, T_IP_RANGE | T_PPORTS, H_IPPORT },
	    { args_none, T_IP | T_PPORT, T_IP_RANGE | T_PPORTS, H_IPPORT },
	    { args_none, T_IP | T_PPORT, T_IP | T_PPORT, H_IPPORT } },
	  U_HASH_IPPORT, true },
	{ "hash:net,port", NULL, 8, IPS_FAM_46, 2, false, false, true,
	  { ELEM(p_ip4_net6, pr_ip, O_IP), ELEM(p_proto_port, pr_proto_port, O_PORT), NOELEM },
	  { { args_hash_net_c, 0, 0, "" },
	    { args_net_add, T_IP | T_PPORT, T_NETS | T_PPORTS, H_NETPORT },
	    { args_none, T_IP | T_PPORT, T_NETS | T_PPORTS, H_NETPORT },
	    { args_nomatch, T_IP | T_PPORT, F(O_IP) | F(O_CIDR) | T_PPORT,
	      "IP[/CIDR],[PROTO:]PORT" } },
	  U_HASH_NETPORT, true },
	{ "hash:ip,port,ip", "ipportiphash", 6, IPS_FAM_46, 3, false, false, true,
	  { ELEM(p_ip4_single6, pr_ip, O_IP), ELEM(p_proto_port, pr_proto_port, O_PORT),
	    ELEM(p_single_ip, pr_ip, O_IP2) },
	  { { args_hash_ipportip_c, 0, 0, "" },
	    { args_adt_ext, T_IP | T_PPORT | F(O_IP2), T_IP_RANGE | T_PPORTS | F(O_IP2),
	      H_IPPORTIP },
	    { args_none, T_IP | T_PPORT | F(O_IP2), T_IP_RANGE | T_PPORTS | F(O_IP2), H_IPPORTIP },
	    { args_none, T_IP | T_PPORT | F(O_IP2), T_IP | T_PPORT | F(O_IP2), H_IPPORTIP } },
	  U_HASH_IPPORTIP, true },
	{ "hash:net,iface", NULL, 8, IPS_FAM_46, 2, false, false, true,
	  { ELEM(p_ip4_net6, pr_ip, O_IP), ELEM(p_iface, pr_iface, O_IFACE), NOELEM },
	  { { args_hash_net_c, 0, 0, "" },
	    { args_netiface_add, T_IP | F(O_IFACE), T_NETS | F(O_IFACE) | F(O_PHYSDEV), H_NETIFACE },
	    { args_none, T_IP | F(O_IFACE), T_NETS | F(O_IFACE) | F(O_PHYSDEV), H_NETIFACE },
	    { args_nomatch, T_IP | F(O_IFACE), F(O_IP) | F(O_CIDR) | F(O_IFACE) | F(O_PHYSDEV),
	      "IP[/CIDR],[physdev:]IFACE" } },
	  U_HASH_NETIFACE, false },
	{ "hash:mac", NULL, 1, IPSET_FAM_UNSPEC, 1, false, false, true,
	  { ELEM(p_ether, pr_ether, O_ETHER), NOELEM, NOELEM },
	  { { args_hash_mac_c, 0, 0, "" }, { args_adt_ext, F(O_ETHER), F(O_ETHER), "MAC" },
	    { args_none, F(O_ETHER), F(O_ETHER), "MAC" },
	    { args_none, F(O_ETHER), F(O_ETHER), "MAC" } },
	  "", false },
	{ "bitmap:ip", "ipmap", 3, IPSET_FAM_INET, 1, false, false, true,
	  { ELEM(p_ip, pr_ip, O_IP), NOELEM, NOELEM },
	  { { args_bitmap_ip_c, T_IP_RANGE, T_IP_RANGE | F(O_NETMASK), "range IP/CIDR|FROM-TO" },
	    { args_adt_ext, T_IP, T_IP_RANGE, "IP|IP/CIDR|FROM-TO" },
	    { args_none, T_IP, T_IP_RANGE, "IP|IP/CIDR|FROM-TO" },
	    { args_none, T_IP, T_IP, "IP" } },
	  U_BITMAP_IP, false },
	{ "bitmap:port", "portmap", 3, IPSET_FAM_UNSPEC, 1, false, false, true,
	  { ELEM(p_tcp_udp_port, pr_port, O_PORT), NOELEM, NOELEM },
	  { { args_bitmap_port_c, F(O_PORT) | F(O_PORT_TO), F(O_PORT) | F(O_PORT_TO),
	      "range [PROTO:]FROM-TO" },
	    { args_adt_ext, F(O_PORT), F(O_PORT) | F(O_PORT_TO), "[PROTO:]PORT|FROM-TO" },
	    { args_none, F(O_PORT), F(O_PORT) | F(O_PORT_TO), "[PROTO:]PORT|FROM-TO" },
	    { args_none, F(O_PORT), F(O_PORT), "[PROTO:]PORT" } },
	  U_BITMAP_PORT, false },
	{ "list:set", "setlist", 3, IPSET_FAM_UNSPEC, 1, false, true, true,
	  { ELEM(p_setname, pr_name, O_NAME), NOELEM, NOELEM },
	  { { args_list_c, 0, 0, "" },
	    { args_list_add, F(O_NAME), F(O_NAME) | F(O_BEFORE) | F(O_NAMEREF), H_LIST },
	    { args_list_deltest, F(O_NAME), F(O_NAME) | F(O_BEFORE) | F(O_NAMEREF), H_LIST },
	    { args_list_deltest, F(O_NAME), F(O_NAME) | F(O_BEFORE) | F(O_NAMEREF), H_LIST } },
	  U_LIST, false },
	/* types ipset knows that the engine does not implement: "not supported" */
	{ "hash:ip,port,net", "ipportnethash", 8, IPS_FAM_46, 3, false, false, false,
	  { NOELEM, NOELEM, NOELEM }, { { NULL, 0, 0, NULL } }, NULL, false },
	{ "hash:ip,mark", NULL, 3, IPS_FAM_46, 2, false, false, false,
	  { NOELEM, NOELEM, NOELEM }, { { NULL, 0, 0, NULL } }, NULL, false },
	{ "hash:ip,mac", NULL, 1, IPS_FAM_46, 2, false, false, false,
	  { NOELEM, NOELEM, NOELEM }, { { NULL, 0, 0, NULL } }, NULL, false },
	{ "hash:net,net", NULL, 4, IPS_FAM_46, 2, false, false, false,
	  { NOELEM, NOELEM, NOELEM }, { { NULL, 0, 0, NULL } }, NULL, false },
	{ "hash:net,port,net", NULL, 3, IPS_FAM_46, 3, false, false, false,
	  { NOELEM, NOELEM, NOELEM }, { { NULL, 0, 0, NULL } }, NULL, false },
	{ "bitmap:ip,mac", "macipmap", 3, IPSET_FAM_INET, 2, true, false, false,
	  { NOELEM, NOELEM, NOELEM }, { { NULL, 0, 0, NULL } }, NULL, false },
};

/* `ipset help` (default_help() and the type list of ipset 7.17) */
static const char ips_help_head[] =
	"ipset v7.17\n"
	"\n"
	"Usage: ipset [options] COMMAND\n"
	"\n"
	"Commands:\n"
	"create SETNAME TYPENAME [type-specific-options]\n"
	"        Create a new set\n"
	"add SETNAME ENTRY\n"
	"        Add entry to the named set\n"
	"del SETNAME ENTRY\n"
	"        Delete entry from the named set\n"
	"test SETNAME ENTRY\n"
	"        Test entry in the named set\n"
	"destroy [SETNAME]\n"
	"        Destroy a named set or all sets\n"
	"list [SETNAME]\n"
	"        List the entries of a named set or all sets\n"
	"save [SETNAME]\n"
	"        Save the named set or all sets to stdout\n"
	"restore \n"
	"        Restore a saved state\n"
	"flush [SETNAME]\n"
	"        Flush a named set or all sets\n"
	"rename FROM-SETNAME TO-SETNAME\n"
	"        Rename two sets\n"
	"swap FROM-SETNAME TO-SETNAME\n"
	"        Swap the contect of two existing sets\n"
	"help [TYPENAME]\n"
	"        Print help, and settype specific help\n"
	"version \n"
	"        Print version information\n"
	"quit \n"
	"        Quit interactive mode\n"
	"\n"
	"Options:\n"
	"-o plain|save|xml\n"
	"       Specify output mode for listing sets.\n"
	"       Default value for \"list\" command is mode \"plain\"\n"
	"       and for \"save\" command is mode \"save\".\n"
	"-s \n"
	"        Print elements sorted (if supported by the set type).\n"
	"-q \n"
	"        Suppress any notice or warning message.\n"
	"-r \n"
	"        Try to resolve IP addresses in the output (slow!)\n"
	"-! \n"
	"        Ignore errors when creating or adding sets or\n"
	"        elements that do exist or when deleting elements\n"
	"        that don't exist.\n"
	"-n \n"
	"        When listing, just list setnames from the kernel.\n"
	"\n"
	"-t \n"
	"        When listing, list setnames and set headers\n"
	"        from kernel only.\n"
	"-f \n"
	"        Read from the given file instead of standard\n"
	"        input (restore) or write to given file instead\n"
	"        of standard output (list/save).\n";

static const char ips_help_types[] =
	"    list:set\t\t3\tskbinfo support\n"
	"    list:set\t\t2\tcomment support\n"
	"    list:set\t\t1\tcounters support\n"
	"    list:set\t\t0\tInitial revision\n"
	"    hash:mac\t\t1\tbucketsize, initval support\n"
	"    hash:mac\t\t0\tInitial revision\n"
	"    hash:ip,mac\t\t1\tbucketsize, initval support\n"
	"    hash:ip,mac\t\t0\tInitial revision\n"
	"    hash:net,iface\t8\tbucketsize, initval support\n"
	"    hash:net,iface\t7\tskbinfo and wildcard support\n"
	"    hash:net,iface\t6\tskbinfo support\n"
	"    hash:net,iface\t5\tforceadd support\n"
	"    hash:net,iface\t4\tcomment support\n"
	"    hash:net,iface\t3\tcounters support\n"
	"    hash:net,iface\t2\t/0 network support\n"
	"    hash:net,iface\t1\tnomatch flag support\n"
	"    hash:net,iface\t0\tInitial revision\n"
	"    hash:net,port\t8\tbucketsize, initval support\n"
	"    hash:net,port\t7\tskbinfo support\n"
	"    hash:net,port\t6\tforceadd support\n"
	"    hash:net,port\t5\tcomment support\n"
	"    hash:net,port\t4\tcounters support\n"
	"    hash:net,port\t3\tnomatch flag support\n"
	"    hash:net,port\t2\tAdd/del range support\n"
	"    hash:net,port\t1\tSCTP and UDPLITE support\n"
	"    hash:net,port,net\t3\tbucketsize, initval support\n"
	"    hash:net,port,net\t2\tskbinfo support\n"
	"    hash:net,port,net\t1\tforceadd support\n"
	"    hash:net,port,net\t0\tinitial revision\n"
	"    hash:net,net\t4\tnetmask and bitmask support\n"
	"    hash:net,net\t3\tbucketsize, initval support\n"
	"    hash:net,net\t2\tskbinfo support\n"
	"    hash:net,net\t1\tforceadd support\n"
	"    hash:net,net\t0\tinitial revision\n"
	"    hash:net\t\t7\tbucketsize, initval support\n"
	"    hash:net\t\t6\tskbinfo support\n"
	"    hash:net\t\t5\tforceadd support\n"
	"    hash:net\t\t4\tcomment support\n"
	"    hash:net\t\t3\tcounters support\n"
	"    hash:net\t\t2\tnomatch flag support\n"
	"    hash:net\t\t1\tAdd/del range support\n"
	"    hash:net\t\t0\tInitial revision\n"
	"    hash:ip,port,net\t8\tbucketsize, initval support\n"
	"    hash:ip,port,net\t7\tskbinfo support\n"
	"    hash:ip,port,net\t6\tforceadd support\n"
	"    hash:ip,port,net\t5\tcomment support\n"
	"    hash:ip,port,net\t4\tcounters support\n"
	"    hash:ip,port,net\t3\tnomatch flag support\n"
	"    hash:ip,port,net\t2\tAdd/del range support\n"
	"    hash:ip,port,net\t1\tSCTP and UDPLITE support\n"
	"    hash:ip,port,ip\t6\tbucketsize, initval support\n"
	"    hash:ip,port,ip\t5\tskbinfo support\n"
	"    hash:ip,port,ip\t4\tforceadd support\n"
	"    hash:ip,port,ip\t3\tcomment support\n"
	"    hash:ip,port,ip\t2\tcounters support\n"
	"    hash:ip,port,ip\t1\tSCTP and UDPLITE support\n"
	"    hash:ip,mark\t3\tbucketsize, initval support\n"
	"    hash:ip,mark\t2\tskbinfo support\n"
	"    hash:ip,mark\t1\tforceadd support\n"
	"    hash:ip,mark\t0\tinitial revision\n"
	"    hash:ip,port\t7\tnetmask and bitmask support\n"
	"    hash:ip,port\t6\tbucketsize, initval support\n"
	"    hash:ip,port\t5\tskbinfo support\n"
	"    hash:ip,port\t4\tforceadd support\n"
	"    hash:ip,port\t3\tcomment support\n"
	"    hash:ip,port\t2\tcounters support\n"
	"    hash:ip,port\t1\tSCTP and UDPLITE support\n"
	"    hash:ip\t\t6\tbitmask support\n"
	"    hash:ip\t\t5\tbucketsize, initval support\n"
	"    hash:ip\t\t4\tskbinfo support\n"
	"    hash:ip\t\t3\tforceadd support\n"
	"    hash:ip\t\t2\tcomment support\n"
	"    hash:ip\t\t1\tcounters support\n"
	"    hash:ip\t\t0\tInitial revision\n"
	"    bitmap:port\t\t3\tskbinfo support\n"
	"    bitmap:port\t\t2\tcomment support\n"
	"    bitmap:port\t\t1\tcounters support\n"
	"    bitmap:port\t\t0\tInitial revision\n"
	"    bitmap:ip,mac\t3\tskbinfo support\n"
	"    bitmap:ip,mac\t2\tcomment support\n"
	"    bitmap:ip,mac\t1\tcounters support\n"
	"    bitmap:ip,mac\t0\tInitial revision\n"
	"    bitmap:ip\t\t3\tskbinfo support\n"
	"    bitmap:ip\t\t2\tcomment support\n"
	"    bitmap:ip\t\t1\tcounters support\n"
	"    bitmap:ip\t\t0\tInitial revision\n";

static void ips_help_type(struct strbuf *out, const struct ips_type *t)
{
	static const char *const prefix[CADT_MAX] = {
		"create SETNAME", "add    SETNAME", "del    SETNAME", "test   SETNAME" };

	sb_addf(out, "\n%s type specific options:\n\n", t->name);
	for (int c = CADT_CREATE; c < CADT_MAX; c++) {
		sb_addf(out, "%s %s %s\n", prefix[c], t->name, t->cmd[c].help);
		for (const uint8_t *a = t->cmd[c].args; *a; a++)
			if (ips_args[*a].help && ips_args[*a].help[0])
				sb_addf(out, "               %s\n", ips_args[*a].help);
	}
	sb_addf(out, "\n%s\n", t->usage);
	if (t->port_usage) {
		/* ipset_port_usage() */
		sb_add(out, "      [PROTO:]PORT is a valid pattern of the following:\n"
		       "           PORTNAME         TCP port name from /etc/services\n"
		       "           PORTNUMBER       TCP port number identifier\n"
		       "           tcp|sctp|udp|udplite:PORTNAME|PORTNUMBER\n"
		       "           icmp:CODENAME    supported ICMP codename\n"
		       "           icmp:TYPE/CODE   ICMP type/code value\n"
		       "           icmpv6:CODENAME  supported ICMPv6 codename\n"
		       "           icmpv6:TYPE/CODE ICMPv6 type/code value\n"
		       "           PROTO:0          all other protocols\n\n"
		       "           Supported ICMP codenames:\n");
		for (size_t i = 0; i < NELEM(ips_icmp4); i++)
			sb_addf(out, "               %s\n", ips_icmp4[i].name);
		sb_add(out, "           Supported ICMPv6 codenames:\n");
		for (size_t i = 0; i < NELEM(ips_icmp6); i++)
			sb_addf(out, "               %s\n", ips_icmp6[i].name);
	}
	if (t->family == IPSET_FAM_UNSPEC)
		sb_addf(out, "\nType %s is family neutral.\n", t->name);
	else if (t->family == IPS_FAM_46)
		sb_addf(out, "\nType %s supports inet and inet6.\n", t->name);
	else
		sb_addf(out, "\nType %s supports family %s only.\n", t->name,
			t->family == IPSET_FAM_INET ? "inet" : "inet6");
}

static const struct ips_type *type_by_name(const char *name)
{
	for (size_t i = 0; i < NELEM(ips_types); i++)
		if (!strcmp(ips_types[i].name, name) ||
		    (ips_types[i].alias && !strcmp(ips_types[i].alias, name)))
			return &ips_types[i];
	return NULL;
}

/* ---- kernel error texts (lib/errcode.c of ipset 7.17) ---- */

struct ips_errcode {
	int code;
	enum ips_cmd cmd;               /* C_NONE: any */
	const char *msg;
};

static const struct ips_errcode core_errcodes[] = {
	{ ENOENT, C_NONE, "The set with the given name does not exist" },
	{ EMSGSIZE, C_NONE, "Kernel error received: message could not be created" },
	{ IPSET_ERR_PROTOCOL, C_NONE, "Kernel error received: ipset protocol error" },
	{ EEXIST, C_CREATE, "Set cannot be created: set with the same name already exists" },
	{ IPSET_ERR_FIND_TYPE, C_NONE, "Kernel error received: set type not supported" },
	{ IPSET_ERR_MAX_SETS, C_NONE,
	  "Kernel error received: maximal number of sets reached, cannot create more." },
	{ IPSET_ERR_INVALID_NETMASK, C_NONE, "The value of the netmask parameter is invalid" },
	{ IPSET_ERR_INVALID_MARKMASK, C_NONE, "The value of the markmask parameter is invalid" },
	{ IPSET_ERR_INVALID_FAMILY, C_NONE, "Protocol family not supported by the set type" },
	{ IPSET_ERR_BUSY, C_DESTROY, "Set cannot be destroyed: it is in use by a kernel component" },
	{ IPSET_ERR_EXIST_SETNAME2, C_RENAME,
	  "Set cannot be renamed: a set with the new name already exists" },
	{ IPSET_ERR_REFERENCED, C_RENAME, "Set cannot be renamed: it is in use by another system" },
	{ IPSET_ERR_EXIST_SETNAME2, C_SWAP, "Sets cannot be swapped: the second set does not exist" },
	{ IPSET_ERR_TYPE_MISMATCH, C_SWAP, "The sets cannot be swapped: their type does not match" },
	{ IPSET_ERR_INVALID_CIDR, C_NONE,
	  "The value of the CIDR parameter of the IP address is invalid" },
	{ IPSET_ERR_TIMEOUT, C_NONE,
	  "Timeout cannot be used: set was created without timeout support" },
	{ IPSET_ERR_IPADDR_IPV4, C_NONE, "An IPv4 address is expected, but not received" },
	{ IPSET_ERR_IPADDR_IPV6, C_NONE, "An IPv6 address is expected, but not received" },
	{ IPSET_ERR_COUNTER, C_NONE,
	  "Packet/byte counters cannot be used: set was created without counter support" },
	{ IPSET_ERR_COMMENT, C_NONE,
	  "Comment cannot be used: set was created without comment support" },
	{ IPSET_ERR_SKBINFO, C_NONE,
	  "Skbinfo mapping cannot be used: set was created without skbinfo support" },
	{ IPSET_ERR_BITMASK_NETMASK_EXCL, C_NONE,
	  "The bitmask and netmask parameters are mutually exclusive" },
	{ IPSET_ERR_EXIST, C_ADD, "Element cannot be added to the set: it's already added" },
	{ IPSET_ERR_EXIST, C_DEL, "Element cannot be deleted from the set: it's not added" },
	{ EEXIST, C_TYPE, "Kernel error received: set type does not supported" },
	{ 0, C_NONE, NULL },
};

static const struct ips_errcode bitmap_errcodes[] = {
	{ IPSET_ERR_BITMAP_RANGE, C_NONE, "Element is out of the range of the set" },
	{ IPSET_ERR_BITMAP_RANGE_SIZE, C_CREATE,
	  "The range you specified exceeds the size limit of the set type" },
	{ 0, C_NONE, NULL },
};

static const struct ips_errcode hash_errcodes[] = {
	{ IPSET_ERR_HASH_FULL, C_NONE, "Hash is full, cannot add more elements" },
	{ IPSET_ERR_HASH_ELEM, C_NONE, "Null-valued element, cannot be stored in a hash type of set" },
	{ IPSET_ERR_INVALID_PROTO, C_NONE, "Invalid protocol specified" },
	{ IPSET_ERR_MISSING_PROTO, C_NONE, "Protocol missing, but must be specified" },
	{ IPSET_ERR_HASH_RANGE_UNSUPPORTED, C_NONE,
	  "Range is not supported in the \"net\" component of the element" },
	{ IPSET_ERR_HASH_RANGE, C_NONE, "Invalid range, covers the whole address space" },
	{ 0, C_NONE, NULL },
};

static const struct ips_errcode list_errcodes[] = {
	{ IPSET_ERR_NAME, C_NONE, "Set to be added/deleted/tested as element does not exist." },
	{ IPSET_ERR_LOOP, C_NONE, "Sets with list:set type cannot be added to the set." },
	{ IPSET_ERR_BEFORE, C_NONE, "No reference set specified." },
	{ IPSET_ERR_NAMEREF, C_NONE,
	  "The set to which you referred with 'before' or 'after' does not exist." },
	{ IPSET_ERR_LIST_FULL, C_NONE, "The set is full, more elements cannot be added." },
	{ IPSET_ERR_REF_EXIST, C_NONE,
	  "The set to which you referred with 'before' or 'after' is not added to the set." },
	{ 0, C_NONE, NULL },
};

/* ipset_errcode(): the type's table for its own codes, then the core one. */
static int ips_errcode(struct ips *s, enum ips_cmd cmd, int code)
{
	const struct ips_errcode *t = core_errcodes;
	int generic;

	if (code >= IPSET_ERR_TYPE_SPECIFIC && s->saved_type) {
		const char *n = s->saved_type->name;

		if (!strncmp(n, "bitmap:", 7))
			t = bitmap_errcodes;
		else if (!strncmp(n, "hash:", 5))
			t = hash_errcodes;
		else if (!strncmp(n, "list:", 5))
			t = list_errcodes;
	}
	for (;;) {
		generic = -1;
		for (int i = 0; t[i].code; i++) {
			if (t[i].code != code || (t[i].cmd != cmd && t[i].cmd != C_NONE))
				continue;
			if (t[i].cmd == C_NONE) {
				generic = i;
				continue;
			}
			return ips_err(s, "%s", t[i].msg);
		}
		if (generic >= 0)
			return ips_err(s, "%s", t[generic].msg);
		if (t == core_errcodes)
			break;
		t = core_errcodes;
	}
	if (code < IPSET_ERR_PRIVATE)
		return ips_err(s, "Kernel error received: %s", strerror(code));
	return ips_err(s, "Undecoded error %u received from kernel", code);
}

/* ---- talking to the engine (the kernel side of the netlink conversation) ---- */

static void attrs_addr(uint8_t *dst, const uint8_t *src)
{
	memcpy(dst, src, 16);
}

/* The ADT attributes ipset's build_msg() puts in a request from the data blob. */
static void ips_adt_attrs(const struct ips_data *d, struct ipset_attrs *a)
{
	memset(a, 0, sizeof(*a));
#define PUT(opt, attr) if (d_test(d, opt)) a->has |= IPSET_A(attr)
	PUT(O_IP, IP);
	attrs_addr(a->ip, d->ip);
	PUT(O_IP_TO, IP_TO);
	attrs_addr(a->ip_to, d->ip_to);
	PUT(O_CIDR, CIDR);
	a->cidr = d->cidr;
	PUT(O_PORT, PORT);
	a->port = d->port;
	PUT(O_PORT_TO, PORT_TO);
	a->port_to = d->port_to;
	PUT(O_PROTO, PROTO);
	a->proto = d->proto;
	PUT(O_TIMEOUT, TIMEOUT);
	a->timeout = d->timeout;
	PUT(O_ETHER, ETHER);
	memcpy(a->ether, d->ether, 6);
	PUT(O_NAME, NAME);
	memcpy(a->name, d->name, sizeof(a->name));
	PUT(O_NAMEREF, NAMEREF);
	memcpy(a->nameref, d->nameref, sizeof(a->nameref));
	PUT(O_IP2, IP2);
	attrs_addr(a->ip2, d->ip2);
	PUT(O_CIDR2, CIDR2);
	a->cidr2 = d->cidr2;
	PUT(O_IFACE, IFACE);
	memcpy(a->iface, d->iface, sizeof(a->iface));
	PUT(O_PACKETS, PACKETS);
	a->packets = d->packets;
	PUT(O_BYTES, BYTES);
	a->bytes = d->bytes;
	PUT(O_ADT_COMMENT, COMMENT);
	memcpy(a->comment, d->comment, sizeof(a->comment));
	PUT(O_SKBMARK, SKBMARK);
	a->skbmark = d->skbmark;
	PUT(O_SKBPRIO, SKBPRIO);
	a->skbprio = d->skbprio;
	PUT(O_SKBQUEUE, SKBQUEUE);
	a->skbqueue = d->skbqueue;
	a->cadt_flags = (d_cadt(d, O_BEFORE) ? IPSET_FLAG_BEFORE : 0) |
			(d_cadt(d, O_PHYSDEV) ? IPSET_FLAG_PHYSDEV : 0) |
			(d_cadt(d, O_NOMATCH) ? IPSET_FLAG_NOMATCH : 0) |
			(d_cadt(d, O_IFACE_WILDCARD) ? IPSET_FLAG_IFACE_WILDCARD : 0);
	if (a->cadt_flags)
		a->has |= IPSET_A(CADT_FLAGS);
}

static void ips_create_attrs(const struct ips_data *d, struct ipset_attrs *a)
{
	ips_adt_attrs(d, a);
	PUT(O_HASHSIZE, HASHSIZE);
	a->hashsize = d->hashsize;
	PUT(O_MAXELEM, MAXELEM);
	a->maxelem = d->maxelem;
	PUT(O_NETMASK, NETMASK);
	a->netmask = d->netmask;
	PUT(O_BITMASK, BITMASK);
	attrs_addr(a->bitmask, d->bitmask);
	PUT(O_BUCKETSIZE, BUCKETSIZE);
	a->bucketsize = d->bucketsize;
	PUT(O_INITVAL, INITVAL);
	a->initval = d->initval;
	PUT(O_SIZE, SIZE);
	a->size = d->size;
	a->cadt_flags |= (d_cadt(d, O_COUNTERS) ? IPSET_FLAG_WITH_COUNTERS : 0) |
			 (d_cadt(d, O_CREATE_COMMENT) ? IPSET_FLAG_WITH_COMMENT : 0) |
			 (d_cadt(d, O_FORCEADD) ? IPSET_FLAG_WITH_FORCEADD : 0) |
			 (d_cadt(d, O_SKBINFO) ? IPSET_FLAG_WITH_SKBINFO : 0);
	if (a->cadt_flags)
		a->has |= IPSET_A(CADT_FLAGS);
#undef PUT
}

/* attr2data() of the listing callbacks: an engine item into a fresh data blob. */
static void ips_from_attrs(struct ips_data *d, const struct ipset_attrs *a, uint8_t family)
{
#define GET(attr, opt) if (a->has & IPSET_A(attr)) d->flags |= F(opt)
	d->family = family;
	d->flags |= F(O_FAMILY);
	GET(IP, O_IP);
	attrs_addr(d->ip, a->ip);
	GET(IP_TO, O_IP_TO);
	attrs_addr(d->ip_to, a->ip_to);
	GET(CIDR, O_CIDR);
	d->cidr = a->cidr;
	GET(PORT, O_PORT);
	d->port = a->port;
	GET(PORT_TO, O_PORT_TO);
	d->port_to = a->port_to;
	GET(PROTO, O_PROTO);
	d->proto = a->proto;
	GET(TIMEOUT, O_TIMEOUT);
	d->timeout = a->timeout;
	GET(ETHER, O_ETHER);
	memcpy(d->ether, a->ether, 6);
	GET(NAME, O_NAME);
	memcpy(d->name, a->name, sizeof(d->name));
	GET(IP2, O_IP2);
	attrs_addr(d->ip2, a->ip2);
	GET(IFACE, O_IFACE);
	memcpy(d->iface, a->iface, sizeof(d->iface));
	GET(PACKETS, O_PACKETS);
	d->packets = a->packets;
	GET(BYTES, O_BYTES);
	d->bytes = a->bytes;
	GET(COMMENT, O_ADT_COMMENT);
	memcpy(d->comment, a->comment, sizeof(d->comment));
	GET(SKBMARK, O_SKBMARK);
	d->skbmark = a->skbmark;
	GET(SKBPRIO, O_SKBPRIO);
	d->skbprio = a->skbprio;
	GET(SKBQUEUE, O_SKBQUEUE);
	d->skbqueue = a->skbqueue;
	GET(HASHSIZE, O_HASHSIZE);
	d->hashsize = a->hashsize;
	GET(MAXELEM, O_MAXELEM);
	d->maxelem = a->maxelem;
	GET(NETMASK, O_NETMASK);
	d->netmask = a->netmask;
	GET(BITMASK, O_BITMASK);
	attrs_addr(d->bitmask, a->bitmask);
	GET(BUCKETSIZE, O_BUCKETSIZE);
	d->bucketsize = a->bucketsize;
	GET(INITVAL, O_INITVAL);
	d->initval = a->initval;
	GET(SIZE, O_SIZE);
	d->size = a->size;
	GET(REFERENCES, O_REFERENCES);
	d->references = a->references;
	GET(MEMSIZE, O_MEMSIZE);
	d->memsize = a->memsize;
	GET(ELEMENTS, O_ELEMENTS);
	d->elements = a->elements;
#undef GET
	/* the CADT flags as data.c unfolds them (forceadd is not listed) */
	if (a->has & IPSET_A(CADT_FLAGS)) {
		uint32_t f = a->cadt_flags;

		d->flags |= (f & IPSET_FLAG_BEFORE ? F(O_BEFORE) : 0) |
			    (f & IPSET_FLAG_PHYSDEV ? F(O_PHYSDEV) : 0) |
			    (f & IPSET_FLAG_NOMATCH ? F(O_NOMATCH) : 0) |
			    (f & IPSET_FLAG_WITH_COUNTERS ? F(O_COUNTERS) : 0) |
			    (f & IPSET_FLAG_WITH_COMMENT ? F(O_CREATE_COMMENT) : 0) |
			    (f & IPSET_FLAG_WITH_SKBINFO ? F(O_SKBINFO) : 0) |
			    (f & IPSET_FLAG_IFACE_WILDCARD ? F(O_IFACE_WILDCARD) : 0);
	}
}

/* The engine's set behind a name, with the userspace type of its kind. */
static struct ipset_set *ips_kset(struct ips *s, const char *name)
{
	int id = ipset_find(s->in, name);

	return id < 0 ? NULL : ipset_get(s->in, (unsigned int)id);
}

/* adt_type_get(): the set's type and family from the kernel (HEADER). */
static const struct ips_type *ips_adt_type_get(struct ips *s)
{
	struct ipset_set *k = ips_kset(s, s->data.setname);
	const struct ips_type *t;

	if (!k) {
		ips_errcode(s, C_HEADER, ENOENT);
		return NULL;
	}
	t = type_by_name(k->type->name);
	s->data.type = t;
	d_flag(&s->data, O_TYPE);
	d_family(&s->data, k->o.family);
	return t;
}

/* create_type_get(): the type of a create; the kernel must implement it. */
static const struct ips_type *ips_create_type_get(struct ips *s, const struct ips_type *t)
{
	if (!t->in_kernel) {
		ips_errcode(s, C_TYPE, IPSET_ERR_FIND_TYPE);
		return NULL;
	}
	if (!d_test(&s->data, O_FAMILY)) {
		d_family(&s->data, t->family == IPS_FAM_46 ? IPSET_FAM_INET : t->family);
		if (t->family == IPS_FAM_46)
			d_ignored(&s->data, O_FAMILY);
	}
	s->data.type = t;
	d_flag(&s->data, O_TYPE);
	return t;
}

/* ---- listing ---- */

static void ips_out(struct ips *s, const char *text)
{
	if (s->sort) {
		if (s->nsorted == s->capsorted) {
			size_t cap = s->capsorted ? s->capsorted * 2 : 64;
			struct strbuf *n = realloc(s->sorted, cap * sizeof(*n));

			if (!n)
				return;
			s->sorted = n;
			s->capsorted = cap;
		}
		s->sorted[s->nsorted] = (struct strbuf)STRBUF_INIT;
		sb_add(&s->sorted[s->nsorted++], text);
		return;
	}
	sb_add(&s->ctx->out, text);
}

static void ips_print_arg(struct strbuf *b, const struct ips_arg *arg, const struct ips_data *d,
			  int mode)
{
	if (mode == MODE_XML) {
		if (!arg->has_arg) {
			sb_addf(b, "<%s/>", arg->name[0]);
			return;
		}
		sb_addf(b, "<%s>", arg->name[0]);
		arg->print(b, d, arg->opt, 0);
		sb_addf(b, "</%s>", arg->name[0]);
		return;
	}
	if (!arg->has_arg) {
		sb_addf(b, " %s", arg->name[0]);
		return;
	}
	sb_addf(b, " %s ", arg->name[0]);
	arg->print(b, d, arg->opt, 0);
}

/* list_create(): the header of one set. */
static void ips_list_create(struct ips *s, const char *name, const struct ips_type *t,
			    const struct ips_data *d)
{
	struct strbuf b = STRBUF_INIT;

	s->save_prefix = strlen(name) + 5;
	if (s->mode == MODE_SAVE)
		sb_addf(&b, "create %s %s", name, t->name);
	else if (s->mode == MODE_PLAIN)
		sb_addf(&b, "%sName: %s\nType: %s\nRevision: %u\nHeader:", s->printed_set ? "\n" : "",
			name, t->name, t->revision);
	else
		sb_addf(&b, "<ipset name=\"%s\">\n<type>%s</type>\n<revision>%u</revision>\n<header>",
			name, t->name, t->revision);
	for (const uint8_t *a = t->cmd[CADT_CREATE].args; *a; a++) {
		const struct ips_arg *arg = &ips_args[*a];

		if (!arg->print || !d_test(d, arg->opt) ||
		    (arg->opt == O_FAMILY && d->family == t->family))
			continue;
		ips_print_arg(&b, arg, d, s->mode);
	}
	if (s->mode == MODE_SAVE) {
		sb_addc(&b, '\n');
	} else if (s->mode == MODE_PLAIN) {
		sb_addf(&b, "\nSize in memory: %u\nReferences: %u\nNumber of entries: %u%s",
			d->memsize, d->references, d->elements,
			s->envopts & ENV_LIST_HEADER ? "\n" : "\nMembers:\n");
	} else {
		sb_addf(&b, "\n<memsize>%u</memsize>\n<references>%u</references>\n"
			"<numentries>%u</numentries>\n%s", d->memsize, d->references, d->elements,
			s->envopts & ENV_LIST_HEADER ? "</header>\n" : "</header>\n<members>\n");
	}
	s->printed_set++;
	sb_add(&s->ctx->out, sb_str(&b));
	sb_release(&b);
}

/* ipset_print_elem() */
static void ips_print_elem(struct strbuf *b, const struct ips_data *d)
{
	const struct ips_type *t = d->type;

	t->elem[0].print(b, d, t->elem[0].opt, 0);
	if (t->dimension == 1 || (t->last_elem_optional && !d_test(d, t->elem[1].opt)))
		return;
	sb_addc(b, ',');
	t->elem[1].print(b, d, t->elem[1].opt, 0);
	if (t->dimension == 2 || (t->last_elem_optional && !d_test(d, t->elem[2].opt)))
		return;
	sb_addc(b, ',');
	t->elem[2].print(b, d, t->elem[2].opt, 0);
}

struct ips_list_ctx {
	struct ips *s;
	const char *name;
	const struct ips_type *t;
	uint8_t family;
};

/* list_adt(): one member line */
static void ips_list_adt(void *vctx, const struct ipset_attrs *m)
{
	struct ips_list_ctx *c = vctx;
	struct ips *s = c->s;
	struct ips_data d = { 0 };
	struct strbuf b = STRBUF_INIT;

	ips_from_attrs(&d, m, c->family);
	d.type = c->t;
	if (s->mode == MODE_SAVE)
		sb_addf(&b, "add %s ", c->name);
	else if (s->mode == MODE_XML)
		sb_add(&b, "<member><elem>");
	ips_print_elem(&b, &d);
	if (s->mode == MODE_XML)
		sb_add(&b, "</elem>");
	for (const uint8_t *a = c->t->cmd[CADT_ADD].args; *a; a++) {
		const struct ips_arg *arg = &ips_args[*a];

		if (!arg->print || !d_test(&d, arg->opt))
			continue;
		ips_print_arg(&b, arg, &d, s->mode);
	}
	sb_add(&b, s->mode == MODE_XML ? "</member>\n" : "\n");
	ips_out(s, sb_str(&b));
	sb_release(&b);
}

/*
 * bystrcmp() of lib/session.c: the sort of `-sorted` listings, comparing the
 * printed members number by number (hex, as strtol base 16 reads them).
 */
static int ips_bystrcmp(const struct ips *s, const char *x1, const char *x2)
{
	int neg = 1;

	if (s->envopts & ENV_RESOLVE)
		return strcmp(x1, x2);
	if (s->mode == MODE_SAVE) {
		x1 += s->save_prefix;
		x2 += s->save_prefix;
	} else if (s->mode == MODE_XML) {
		x1 += 14;
		x2 += 14;
	}
	while (*x1 && *x2) {
		char *sep1, *sep2;
		long n1 = strtol(x1, &sep1, 16), n2 = strtol(x2, &sep2, 16);

		if (x1 == sep1 || x2 == sep2) {
			long l1 = (long)strcspn(x1, ":,"), l2 = (long)strcspn(x2, ":,");

			if (l1 || l2) {
				if (l1 == l2) {
					int r = strncmp(x1, x2, (size_t)l1);

					if (!r) {
						x1 += l1 + 1;
						x2 += l1 + 1;
						neg = 1;
						continue;
					}
					return r;
				}
				return l1 < l2 ? -1 : 1;
			}
			return strcmp(x1, x2);
		}
		if (n1 != n2)
			return neg * (n1 < n2 ? -1 : 1);
		if (*sep1 == '/' || *sep2 == '/') {
			if (*sep1 == *sep2)
				neg = *sep1 == '/' ? -1 : 1;
			else
				return *sep1 == '/' ? 1 : -1;
		}
		x1 = ++sep1;
		x2 = ++sep2;
		if (*x1 == ':' || *x2 == ':') {
			if (*x1 == *x2) {
				x1++;
				x2++;
			} else {
				return *x1 == ':' ? -1 : 1;
			}
		}
	}
	return *x1 ? 1 : *x2 ? -1 : 0;
}

/* list_sort() is a stable merge sort */
static void ips_sort_lines(struct ips *s, struct strbuf *v, size_t n, struct strbuf *tmp)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	ips_sort_lines(s, v, mid, tmp);
	ips_sort_lines(s, v + mid, n - mid, tmp);
	while (i < mid && j < n)
		tmp[k++] = ips_bystrcmp(s, sb_str(&v[j]), sb_str(&v[i])) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static void ips_sorted_flush(struct ips *s)
{
	struct strbuf *tmp = s->nsorted ? calloc(s->nsorted, sizeof(*tmp)) : NULL;

	if (tmp)
		ips_sort_lines(s, s->sorted, s->nsorted, tmp);
	free(tmp);
	for (size_t i = 0; i < s->nsorted; i++) {
		sb_add(&s->ctx->out, sb_str(&s->sorted[i]));
		sb_release(&s->sorted[i]);
	}
	s->nsorted = 0;
}

/* print_set_done(): close a set's listing */
static void ips_set_done(struct ips *s)
{
	if (s->sort)
		ips_sorted_flush(s);
	s->sort = false;
	if (s->mode == MODE_XML && !(s->envopts & ENV_LIST_SETNAME))
		sb_add(&s->ctx->out, s->envopts & ENV_LIST_HEADER ? "</ipset>\n" :
		       "</members>\n</ipset>\n");
}

/* One set of a LIST/SAVE dump (callback_list). */
static void ips_list_one(struct ips *s, unsigned int id, bool header_only)
{
	const struct ipset_set *k = ipset_get(s->in, id);
	const struct ips_type *t = type_by_name(k->type->name);
	struct ips_list_ctx c = { s, k->name, t, k->o.family };
	struct ipset_attrs h;
	struct ips_data d = { 0 };

	if ((s->envopts & ENV_LIST_SETNAME) && s->mode != MODE_SAVE) {
		if (s->mode == MODE_XML)
			sb_addf(&s->ctx->out, "<ipset name=\"%s\"/>\n", k->name);
		else
			sb_addf(&s->ctx->out, "%s\n", k->name);
		return;
	}
	ipset_dump_head(s->in, id, &h);
	ips_from_attrs(&d, &h, k->o.family);
	ips_list_create(s, k->name, t, &d);
	s->sort = !strncmp(t->name, "hash:", 5) && (s->envopts & ENV_SORTED);
	if (!header_only)
		ipset_dump_members(s->in, id, ips_list_adt, &c);
	ips_set_done(s);
}

/* ip_set_dump: one set, or all with list:set ones last (IPSET_DUMP_LAST). */
static int ips_list(struct ips *s, enum ips_cmd cmd)
{
	bool header_only = cmd == C_LIST && s->mode != MODE_SAVE &&
			   (s->envopts & ENV_LIST_HEADER);

	if (s->mode == MODE_NONE)
		s->mode = cmd == C_LIST ? MODE_PLAIN : MODE_SAVE;
	if (d_test(&s->data, O_SETNAME)) {
		int id = ipset_find(s->in, s->data.setname);

		if (id < 0)
			return ips_errcode(s, cmd, ENOENT);
		if (s->mode == MODE_XML)
			sb_add(&s->ctx->out, "<ipsets>\n");
		ips_list_one(s, (unsigned int)id, header_only);
	} else {
		if (s->mode == MODE_XML)
			sb_add(&s->ctx->out, "<ipsets>\n");
		for (int pass = 0; pass < 2; pass++)
			for (unsigned int i = 0; i < IPSET_MAX_SETS; i++) {
				const struct ipset_set *k = ipset_get(s->in, i);

				if (k && !!(k->type->features & IPSET_DUMP_LAST) == (pass == 1))
					ips_list_one(s, i, header_only);
			}
	}
	if (s->mode == MODE_XML)
		sb_add(&s->ctx->out, "</ipsets>\n");
	return 0;
}

/* ---- executing a command (ipset_cmd, build_msg, ipset_commit) ---- */

static int ips_commit(struct ips *s)
{
	int rc = 0;

	for (size_t i = 0; i < s->nbatch; i++) {
		struct ipset_set *k = ips_kset(s, s->saved_setname);

		rc = k ? ipset_uadt(s->in, k, s->batch_cmd == C_ADD ? IPSET_ADD : IPSET_DEL,
				    &s->batch[i].a, s->batch_exist) : -ENOENT;
		if (rc) {
			/* the kernel answers with the line of the failing element */
			if (s->batch[i].lineno)
				s->lineno = s->batch[i].lineno;
			ips_errcode(s, s->batch_cmd, -rc);
			break;
		}
	}
	s->nbatch = 0;
	s->saved_setname[0] = '\0';
	s->printed_set = 0;
	return rc ? -1 : 0;
}

static int ips_batch_add(struct ips *s, const struct ipset_attrs *a, uint32_t lineno)
{
	if (s->nbatch == s->capbatch) {
		size_t cap = s->capbatch ? s->capbatch * 2 : 64;
		struct ips_pending *n = realloc(s->batch, cap * sizeof(*n));

		if (!n)
			return ips_err(s, "Cannot allocate memory.");
		s->batch = n;
		s->capbatch = cap;
	}
	s->batch[s->nbatch].a = *a;
	s->batch[s->nbatch++].lineno = lineno;
	return 0;
}

/* The TEST answer is a report: "X is in set S." (warning) or "X is NOT in set S." */
static int ips_test(struct ips *s)
{
	struct ipset_set *k = ips_kset(s, s->data.setname);
	struct ipset_attrs a;
	struct strbuf b = STRBUF_INIT;
	int rc;

	if (!k)
		return ips_errcode(s, C_TEST, ENOENT);
	ips_adt_attrs(&s->data, &a);
	rc = ipset_uadt(s->in, k, IPSET_TEST, &a, false);
	if (rc && rc != -IPSET_ERR_EXIST)
		return ips_errcode(s, C_TEST, -rc);
	if (s->envopts & ENV_QUIET)
		return rc ? ips_err(s, "Internal protocol error") : 0;
	ips_print_elem(&b, &s->data);
	snprintf(s->report, sizeof(s->report), "%s", sb_str(&b));
	sb_release(&b);
	s->err_type = IPS_NO_ERROR;
	if (rc) {
		ips_report(s, IPS_NOTICE, " is NOT in set %s.", s->data.setname);
		return -1;
	}
	ips_report(s, IPS_WARNING, " is in set %s.", s->data.setname);
	return 0;
}

static int ips_send(struct ips *s, enum ips_cmd cmd)
{
	struct ips_data *d = &s->data;
	struct ipset_attrs a;
	int rc = 0;

	switch (cmd) {
	case C_CREATE:
		if (!d_test(d, O_SETNAME))
			return ips_err(s, "Invalid create command: missing setname");
		if (!d_test(d, O_TYPE))
			return ips_err(s, "Invalid create command: missing settype");
		ips_create_attrs(d, &a);
		rc = ipset_ucreate(s->in, d->setname, d->type->name, d->family, &a,
				   s->envopts & ENV_EXIST);
		break;
	case C_DESTROY:
		rc = ipset_udestroy(s->in, d_test(d, O_SETNAME) ? d->setname : NULL,
				    s->envopts & ENV_EXIST);
		break;
	case C_FLUSH:
		rc = ipset_uflush(s->in, d_test(d, O_SETNAME) ? d->setname : NULL);
		break;
	case C_RENAME:
	case C_SWAP:
		if (!d_test(d, O_SETNAME))
			return ips_err(s, "Invalid %s command: missing from-setname",
				       cmd == C_SWAP ? "swap" : "rename");
		if (!d_test(d, O_SETNAME2))
			return ips_err(s, "Invalid %s command: missing to-setname",
				       cmd == C_SWAP ? "swap" : "rename");
		rc = cmd == C_RENAME ? ipset_urename(s->in, d->setname, d->setname2) :
				       ipset_uswap(s->in, d->setname, d->setname2);
		break;
	case C_LIST:
	case C_SAVE:
		return ips_list(s, cmd);
	case C_TEST:
		if (!d_test(d, O_SETNAME))
			return ips_err(s, "Invalid test command: missing setname");
		if (!d_test(d, O_TYPE))
			return ips_err(s, "Invalid test command: missing settype");
		return ips_test(s);
	default:
		return 0;
	}
	return rc ? ips_errcode(s, cmd, -rc) : 0;
}

/*
 * ipset_cmd(): add/del lines of a restore for the same set are gathered and sent
 * together (may_aggregate_ad), so that their errors surface when the batch is
 * sent: at the next other command or at the end.
 */
static int ips_cmd(struct ips *s, enum ips_cmd cmd, uint32_t lineno)
{
	bool aggregate = s->lineno != 0 && (cmd == C_ADD || cmd == C_DEL) && cmd == s->cmd &&
			 !strcmp(s->data.setname, s->saved_setname);
	int ret;

	if (!aggregate && (ret = ips_commit(s)) < 0)
		goto out;
	s->cmd = cmd;
	s->lineno = lineno;
	if (cmd == C_ADD || cmd == C_DEL) {
		struct ipset_attrs a;

		if (!d_test(&s->data, O_SETNAME)) {
			ret = ips_err(s, "Invalid %s command: missing setname",
				      cmd == C_ADD ? "add" : "del");
			goto out;
		}
		if (!d_test(&s->data, O_TYPE)) {
			ret = ips_err(s, "Invalid %s command: missing settype",
				      cmd == C_ADD ? "add" : "del");
			goto out;
		}
		s->saved_type = s->data.type;
		ips_adt_attrs(&s->data, &a);
		if (!aggregate) {
			s->batch_exist = s->envopts & ENV_EXIST;
			s->batch_cmd = cmd;
			snprintf(s->saved_setname, sizeof(s->saved_setname), "%s", s->data.setname);
		}
		ret = ips_batch_add(s, &a, lineno);
		if (!ret && lineno == 0)
			ret = ips_commit(s);
		goto out;
	}
	if (s->data.type)
		s->saved_type = s->data.type;
	ret = ips_send(s, cmd);
	s->printed_set = 0;
out:
	memset(&s->data, 0, sizeof(s->data));
	return ret;
}

/* ---- the command line (lib/ipset.c) ---- */

struct ips_command {
	enum ips_cmd cmd;
	const char *name[3];
	int has_arg;                    /* 0 none, 1 optional, 2 mandatory, 3 two mandatory */
};

/* Order is important: prefixes pick the first that fits. */
static const struct ips_command ips_commands[] = {
	{ C_CREATE, { "create", "new", "-N" }, 3 },
	{ C_ADD, { "add", "-A", NULL }, 3 },
	{ C_DEL, { "del", "-D", NULL }, 3 },
	{ C_TEST, { "test", "-T", NULL }, 3 },
	{ C_DESTROY, { "destroy", "x", "-X" }, 1 },
	{ C_LIST, { "list", "-L", NULL }, 1 },
	{ C_SAVE, { "save", "-S", NULL }, 1 },
	{ C_RESTORE, { "restore", "-R", NULL }, 0 },
	{ C_FLUSH, { "flush", "-F", NULL }, 1 },
	{ C_RENAME, { "rename", "e", "-E" }, 3 },
	{ C_SWAP, { "swap", "w", "-W" }, 3 },
	{ C_HELP, { "help", "-h", "-H" }, 1 },
	{ C_VERSION, { "version", "-v", "-V" }, 0 },
	{ C_QUIT, { "quit", NULL, NULL }, 0 },
};

/* ipset_match_cmd(): a prefix of a name, two leading dashes ignored */
static bool ips_match_cmd(const char *arg, const char *const name[3])
{
	size_t len = strlen(arg), skip = arg[0] == '-' && arg[1] == '-' ? 2 : 0;

	if (len <= skip || (len == 1 && arg[0] == '-'))
		return false;
	for (int i = 0; i < 3 && name[i]; i++)
		if (!strncmp(arg + skip, name[i], len - skip))
			return true;
	return false;
}

struct ips_envopt {
	const char *name[2];
	bool has_arg;
	uint8_t flag;                   /* 0: -output / -file */
};

static const struct ips_envopt ips_envopts[] = {
	{ { "-o", "-output" }, true, 0 },
	{ { "-s", "-sorted" }, false, ENV_SORTED },
	{ { "-q", "-quiet" }, false, ENV_QUIET },
	{ { "-r", "-resolve" }, false, ENV_RESOLVE },
	{ { "-!", "-exist" }, false, ENV_EXIST },
	{ { "-n", "-name" }, false, ENV_LIST_SETNAME },
	{ { "-t", "-terse" }, false, ENV_LIST_HEADER },
	{ { "-f", "-file" }, true, 0 },
};

/* ipset_match_envopt(): one leading dash of two is ignored */
static bool ips_match_envopt(const char *arg, const char *const name[2])
{
	if (arg[0] == '-' && arg[1] == '-')
		arg++;
	return !strcmp(arg, name[0]) || !strcmp(arg, name[1]);
}

static void ips_shift(int *argc, char **argv, int from)
{
	for (int i = from + 1; i < *argc; i++)
		argv[i - 1] = argv[i];
	argv[--(*argc)] = NULL;
}

/* ipset_match_option(): exact, two leading dashes ignored */
static bool ips_match_option(const char *arg, const char *const name[2])
{
	if (arg[0] == '-' && arg[1] == '-')
		arg += 2;
	return !strcmp(arg, name[0]) || (name[1] && !strcmp(arg, name[1]));
}

/* ipset_call_parser() */
static int ips_call_parser(struct ips *s, const struct ips_arg *arg, const char *str)
{
	if ((s->data.flags & F(arg->opt)) &&
	    !(arg->opt == O_FAMILY && (s->data.ignored & F(O_FAMILY))))
		return syntax_err(s, "%s already specified", arg->name[0]);
	return arg->parse(s, arg->opt, str);
}

/* call_parser() of lib/ipset.c: the type's options, the family first. */
static int ips_args_parser(struct ips *s, int *argc, char **argv, const struct ips_type *t,
			   int cadt, bool family)
{
	const uint8_t *args = t->cmd[cadt].args;
	int ret = 0, i = 1;

	if (!args[0] && *argc > 1)
		ips_custom_error(s, IPS_PARAMETER_PROBLEM, "Unknown argument: `%s'", argv[i]);
	while (*argc > i) {
		ret = -1;
		for (const uint8_t *a = args; *a; a++) {
			const struct ips_arg *arg = &ips_args[*a];
			bool parse = family == (arg->opt == O_FAMILY);
			const char *optstr;

			if (!ips_match_option(argv[i], arg->name))
				continue;
			optstr = argv[i];
			i++;
			ret = 0;
			if (arg->has_arg) {
				if (*argc - i < 1)
					ips_custom_error(s, IPS_PARAMETER_PROBLEM,
							 "Missing mandatory argument of option `%s'",
							 arg->name[0]);
				if (parse) {
					ret = ips_call_parser(s, arg, argv[i]);
					if (ret < 0)
						return ret;
				}
				i++;
			} else if (parse) {
				ret = ips_call_parser(s, arg, optstr);
				if (ret < 0)
					return ret;
			}
			break;
		}
		if (ret < 0)
			ips_custom_error(s, IPS_PARAMETER_PROBLEM, "Unknown argument: `%s'", argv[i]);
	}
	if (!family)
		*argc = 0;
	return ret;
}

static const char *ips_cmd_name(enum ips_cmd cmd)
{
	for (size_t i = 0; i < NELEM(ips_commands); i++)
		if (ips_commands[i].cmd == cmd)
			return ips_commands[i].name[0];
	return "unknown command";
}

static int cadt_of(enum ips_cmd cmd)
{
	return cmd == C_ADD ? CADT_ADD : cmd == C_DEL ? CADT_DEL : cmd == C_TEST ? CADT_TEST :
	       CADT_CREATE;
}

/* check_mandatory() */
static void ips_check_mandatory(struct ips *s, const struct ips_type *t, enum ips_cmd cmd)
{
	const struct ips_cmd_args *c = &t->cmd[cadt_of(cmd)];
	uint64_t flags = s->data.flags, need;

	if (flags & F(O_CIDR))
		flags |= F(O_IP_TO);
	need = c->need & ~flags;
	if (!need)
		return;
	for (const uint8_t *a = c->args; *a; a++)
		if (need & F(ips_args[*a].opt))
			ips_custom_error(s, IPS_PARAMETER_PROBLEM, "Mandatory option `%s' is missing",
					 ips_args[*a].name[0]);
}

static const char *ips_session_family(const struct ips *s)
{
	return s->data.family == IPSET_FAM_INET ? "inet" :
	       s->data.family == IPSET_FAM_INET6 ? "inet6" : "unspec";
}

/* check_allowed(): element parts the command does not take */
static void ips_check_allowed(struct ips *s, const struct ips_type *t, enum ips_cmd cmd)
{
	const struct ips_cmd_args *c = &t->cmd[cadt_of(cmd)];
	uint64_t allowed = c->full, cmdflags = cmd == C_CREATE ? CREATE_FLAGS : ADT_FLAGS;

	for (const uint8_t *a = c->args; *a; a++)
		allowed |= F(ips_args[*a].opt);
	if (allowed & F(O_IP_TO))
		allowed |= F(O_CIDR);
	for (int i = O_IP; i < O_TYPE; i++) {
		if (!(cmdflags & F(i)) || (allowed & F(i)) || !(s->data.flags & F(i)))
			continue;
		if (i == O_CIDR || i == O_IP_TO || i == O_PORT_TO)
			ips_custom_error(s, IPS_OTHER_PROBLEM,
					 "%s range is not allowed in command %s with set type %s and family %s",
					 i == O_CIDR ? "IP/CIDR" : i == O_IP_TO ? "FROM-TO IP" :
					 "FROM-TO port", ips_cmd_name(cmd), t->name,
					 ips_session_family(s));
		ips_custom_error(s, IPS_OTHER_PROBLEM,
				 "There are not allowed options (%u) but can't resolve them. "
				 "It's a bug, please report the problem.", i);
	}
}

/* ipset_parse_elem() */
static int ips_parse_elem(struct ips *s, const struct ips_type *t, const char *str)
{
	char saved[IPS_CMDLINE], *a, *b = NULL, *tmp = saved;
	int ret;

	snprintf(saved, sizeof(saved), "%s", str);
	a = elem_sep(tmp);
	if (t->dimension > 1) {
		if (a)
			*a++ = '\0';
		else if (!t->last_elem_optional)
			return syntax_err(s, "Second element is missing from %s.", str);
	} else if (a) {
		if (t->compat_name)
			return p_name_compat(s, t->elem[0].opt, saved);
		return syntax_err(s, "Elem separator in %s, but settype %s supports none.", str,
				  t->name);
	}
	if (a)
		b = elem_sep(a);
	if (t->dimension > 2) {
		if (b)
			*b++ = '\0';
		else if (!t->last_elem_optional)
			return syntax_err(s, "Third element is missing from %s.", str);
	} else if (b) {
		return syntax_err(s, "Two elem separators in %s, but settype %s supports one.", str,
				  t->name);
	}
	if (b && elem_sep(b))
		return syntax_err(s, "Three elem separators in %s, but settype %s supports two.", str,
				  t->name);
	ret = t->elem[0].parse(s, t->elem[0].opt, tmp);
	if (ret)
		return ret;
	if (t->dimension > 1 && a) {
		ret = t->elem[1].parse(s, t->elem[1].opt, a);
		if (ret)
			return ret;
	}
	if (t->dimension > 2 && b)
		ret = t->elem[2].parse(s, t->elem[2].opt, b);
	return ret;
}

/* The argument parsing of ipset_parser(): returns the command, or exits. */
static enum ips_cmd ips_parser(struct ips *s, int oargc, char **oargv)
{
	char *argv[IPS_MAX_ARGS + 1] = { 0 };
	const struct ips_command *command = NULL;
	enum ips_cmd cmd = C_NONE;
	const struct ips_type *t;
	char *arg0 = NULL, *arg1 = NULL;
	int argc = oargc, i;

	if (argc > IPS_MAX_ARGS)
		ips_custom_error(s, IPS_PARAMETER_PROBLEM, "Line is too long to parse.");
	memcpy(argv, oargv, sizeof(char *) * (size_t)argc);
	s->lineno = s->restore_line;

	/* First: the environment options, anywhere */
	for (size_t o = 0; o < NELEM(ips_envopts); o++) {
		const struct ips_envopt *opt = &ips_envopts[o];

		for (i = 1; i < argc;) {
			if (!ips_match_envopt(argv[i], opt->name)) {
				i++;
				continue;
			}
			ips_shift(&argc, argv, i);
			if (!opt->has_arg) {
				s->envopts |= opt->flag;
				continue;
			}
			if (i + 1 > argc)
				ips_custom_error(s, IPS_PARAMETER_PROBLEM,
						 "Missing mandatory argument to option %s", opt->name[0]);
			if (!strcmp(opt->name[0], "-f"))
				ips_custom_error(s, IPS_PARAMETER_PROBLEM,
						 "-file is not supported by usnf: use `< FILE'");
			if (!strcmp(argv[i], "plain"))
				s->mode = MODE_PLAIN;
			else if (!strcmp(argv[i], "xml"))
				s->mode = MODE_XML;
			else if (!strcmp(argv[i], "save"))
				s->mode = MODE_SAVE;
			else {
				ips_err(s, "Syntax error: unknown output mode '%s'", argv[i]);
				ips_standard_error(s);
			}
			ips_shift(&argc, argv, i);
		}
	}

	/* Second: the command and its mandatory arguments */
	for (size_t c = 0; argc > 1 && c < NELEM(ips_commands) && cmd == C_NONE; c++) {
		command = &ips_commands[c];
		if (!ips_match_cmd(argv[1], command->name))
			continue;
		if (s->restore_line != 0 && (command->cmd == C_RESTORE ||
					     command->cmd == C_VERSION || command->cmd == C_HELP))
			ips_custom_error(s, IPS_PARAMETER_PROBLEM,
					 "Command `%s' is invalid in restore mode.", command->name[0]);
		ips_shift(&argc, argv, 1);
		cmd = command->cmd;
		if (command->has_arg >= 2 && argc < 2)
			ips_custom_error(s, IPS_PARAMETER_PROBLEM,
					 "Missing mandatory argument to command %s", command->name[0]);
		if (command->has_arg >= 1) {
			arg0 = argv[1];
			if (argc >= 2)
				ips_shift(&argc, argv, 1);
		}
		if (command->has_arg == 3) {
			if (argc < 2)
				ips_custom_error(s, IPS_PARAMETER_PROBLEM,
						 "Missing second mandatory argument to command %s",
						 command->name[0]);
			arg1 = argv[1];
			ips_shift(&argc, argv, 1);
		}
	}

	/* Third: no command, version, help */
	switch (cmd) {
	case C_NONE:
		if (argc > 1)
			ips_custom_error(s, IPS_PARAMETER_PROBLEM,
					 "No command specified: unknown argument %s", argv[1]);
		ips_custom_error(s, IPS_PARAMETER_PROBLEM, "No command specified.");
	case C_VERSION:
		sb_addf(&s->ctx->out, "%s v%s, protocol version: %u\n", IPS_PROGRAM, IPS_VERSION,
			IPS_PROTOCOL);
		ips_exit(s, 0);
	case C_HELP:
		sb_add(&s->ctx->out, ips_help_head);
		if (!(s->envopts & ENV_QUIET)) {
			if (arg0) {
				t = type_by_name(arg0);
				if (!t || !t->usage)
					ips_custom_error(s, IPS_PARAMETER_PROBLEM,
							 "Unknown settype: `%s'", arg0);
				ips_help_type(&s->ctx->out, t);
			} else {
				sb_addf(&s->ctx->out, "\nSupported set types:\n%s", ips_help_types);
			}
		}
		ips_exit(s, 0);
	case C_QUIT:
		ips_exit(s, 0);
	default:
		break;
	}

	/* Fourth: the command's arguments */
	switch (cmd) {
	case C_CREATE:
		if (p_setname(s, O_SETNAME, arg0) < 0)
			ips_standard_error(s);
		if (strlen(arg1) > IPSET_MAXNAMELEN - 1) {
			syntax_err(s, "typename '%s' is longer than %u characters", arg1,
				   IPSET_MAXNAMELEN - 1);
			ips_standard_error(s);
		}
		t = type_by_name(arg1);
		if (!t) {
			syntax_err(s, "typename '%s' is unknown", arg1);
			ips_standard_error(s);
		}
		snprintf(s->data.typename, sizeof(s->data.typename), "%s", t->name);
		d_flag(&s->data, O_TYPENAME);
		if (!ips_create_type_get(s, t))
			ips_standard_error(s);
		if (ips_args_parser(s, &argc, argv, t, CADT_CREATE, true) < 0 ||
		    ips_args_parser(s, &argc, argv, t, CADT_CREATE, false) < 0)
			ips_standard_error(s);
		ips_check_mandatory(s, t, cmd);
		ips_check_allowed(s, t, cmd);
		break;
	case C_LIST:
	case C_SAVE:
	case C_DESTROY:
	case C_FLUSH:
		if (arg0 && p_setname(s, O_SETNAME, arg0) < 0)
			ips_standard_error(s);
		break;
	case C_RENAME:
	case C_SWAP:
		if (p_setname(s, O_SETNAME, arg0) < 0 || p_setname(s, O_SETNAME2, arg1) < 0)
			ips_standard_error(s);
		break;
	case C_RESTORE:
		if (argc > 1)
			ips_custom_error(s, IPS_PARAMETER_PROBLEM, "Unknown argument %s", argv[1]);
		return C_RESTORE;
	case C_ADD:
	case C_DEL:
	case C_TEST:
		if (p_setname(s, O_SETNAME, arg0) < 0)
			ips_standard_error(s);
		t = ips_adt_type_get(s);
		if (!t)
			ips_standard_error(s);
		if (ips_parse_elem(s, t, arg1) < 0)
			ips_standard_error(s);
		if (ips_args_parser(s, &argc, argv, t, cadt_of(cmd), false) < 0)
			ips_standard_error(s);
		ips_check_mandatory(s, t, cmd);
		ips_check_allowed(s, t, cmd);
		break;
	default:
		break;
	}
	if (argc > 1)
		ips_custom_error(s, IPS_PARAMETER_PROBLEM, "Unknown argument %s", argv[1]);
	return cmd;
}

static void ips_restore(struct ips *s);

/* ipset_parse_argv() */
static int ips_parse_argv(struct ips *s, int argc, char **argv)
{
	enum ips_cmd cmd = ips_parser(s, argc, argv);
	int ret;

	if (cmd == C_RESTORE) {
		ips_restore(s);
		return 0;
	}
	ret = ips_cmd(s, cmd, s->restore_line);
	if (ret < 0 || s->err_type > IPS_NO_ERROR)
		ips_standard_error(s);
	return ret;
}

/* build_argv(): words split at blanks, "..." kept together (and dropped) */
static int ips_build_argv(struct ips *s, const char *buffer, char **argv, char *store)
{
	size_t i = 0, off = 0;
	bool quoted = false;
	int argc = 1;

	argv[0] = IPS_PROGRAM;
	for (const char *tmp = buffer; *tmp; tmp++) {
		if (argc + 1 == IPS_MAX_ARGS)
			ips_custom_error(s, IPS_PARAMETER_PROBLEM, "Line is too long to parse.");
		switch (*tmp) {
		case '"':
			quoted = !quoted;
			if (tmp[1])
				continue;
			break;
		case ' ':
		case '\r':
		case '\n':
		case '\t':
			if (!quoted)
				break;
			store[off + i++] = *tmp;
			continue;
		default:
			store[off + i++] = *tmp;
			if (tmp[1])
				continue;
			break;
		}
		if (!tmp[1] && quoted)
			ips_custom_error(s, IPS_PARAMETER_PROBLEM, "Missing close quote!");
		if (!i)
			continue;
		store[off + i] = '\0';
		argv[argc++] = store + off;
		off += i + 1;
		i = 0;
	}
	return argc;
}

/* ipset_parse_stream(): fgets() lines of at most IPS_CMDLINE - 1 characters */
static void ips_restore(struct ips *s)
{
	const char *in = s->ctx->input ? s->ctx->input : "";
	size_t len = s->ctx->input ? s->ctx->input_len : 0, pos = 0;
	char line[IPS_CMDLINE], store[IPS_CMDLINE * 2];
	char *argv[IPS_MAX_ARGS + 1];

	while (pos < len) {
		size_t n = 0;
		const char *c = line;
		int argc;

		while (pos < len && n < sizeof(line) - 1) {
			line[n++] = in[pos];
			if (in[pos++] == '\n')
				break;
		}
		line[n] = '\0';
		s->restore_line++;
		while (isspace((unsigned char)*c))
			c++;
		if (*c == '\0' || *c == '#')
			continue;
		if (!strcmp(c, "COMMIT\n") || !strcmp(c, "COMMIT\r\n")) {
			if (ips_commit(s) < 0)
				ips_standard_error(s);
			continue;
		}
		argc = ips_build_argv(s, c, argv, store);
		if (ips_parse_argv(s, argc, argv) < 0)
			ips_standard_error(s);
	}
	if (ips_commit(s) < 0)
		ips_standard_error(s);
}

int cli_ipset(struct cli_ctx *ctx, int argc, char **argv)
{
	struct ips *s = calloc(1, sizeof(*s));
	char *args[IPS_MAX_ARGS + 1];
	int rc;

	if (!s)
		return 1;
	s->ctx = ctx;
	s->in = ctx->net->ipset;
	if (setjmp(s->exit_jb)) {
		rc = s->exit_status;
	} else {
		/* our own copy: the parser shifts words around */
		int n = argc < IPS_MAX_ARGS ? argc : IPS_MAX_ARGS + 1;

		memcpy(args, argv, sizeof(char *) * (size_t)(n < IPS_MAX_ARGS ? n : IPS_MAX_ARGS));
		args[n < IPS_MAX_ARGS ? n : IPS_MAX_ARGS] = NULL;
		if (!s->in)
			ips_custom_error(s, IPS_OTHER_PROBLEM, "Cannot open session to kernel.");
		if (argc > IPS_MAX_ARGS)
			ips_custom_error(s, IPS_PARAMETER_PROBLEM, "Line is too long to parse.");
		ips_parse_argv(s, argc, args);
		rc = 0;
	}
	for (size_t i = 0; i < s->nsorted; i++)
		sb_release(&s->sorted[i]);
	free(s->sorted);
	free(s->batch);
	free(s);
	return rc;
}
