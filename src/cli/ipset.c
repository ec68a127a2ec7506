/* ipset: the `ipset` command (create/add/del/test/list/save/restore/...), as ipset 7.17. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ipset/ipset.h"
#include "stack/net.h"
#include "xt/xt.h"

#define IPSET_PROG "ipset v7.17: "
#define IPSET_MAX_ARGS 64

int ipset_icmp_parse(bool v6, const char *s, uint16_t *out);    /* ipset_print.c */

struct ipset_env {
	struct cli_ctx *ctx;
	struct ipset_net *in;
	bool exist, quiet, names, terse, save_out;
	unsigned int line;              /* restore: the input line, else 0 */
	const char *elem_str;           /* for `test` messages */
};

__attribute__((format(printf, 2, 3)))
static int ipset_fail(struct ipset_env *env, const char *fmt, ...)
{
	va_list ap;

	if (env->quiet)
		return 1;
	sb_add(&env->ctx->err, IPSET_PROG);
	if (env->line)
		sb_addf(&env->ctx->err, "Error in line %u: ", env->line);
	va_start(ap, fmt);
	sb_vaddf(&env->ctx->err, fmt, ap);
	va_end(ap);
	sb_addc(&env->ctx->err, '\n');
	return 1;
}

static int ipset_fail_err(struct ipset_env *env, int err, const char *op)
{
	return ipset_fail(env, "%s", ipset_strerror(err, op));
}

/* ---- numbers, addresses, ports ---- */

static int ipset_parse_u32(struct ipset_env *env, const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || errno || v > max || *s == '-')
		return ipset_fail(env, "Syntax error: '%s' is out of range 0-%u", s, max) ? -1 : -1;
	*out = (uint32_t)v;
	return 0;
}

static int ipset_parse_u64(struct ipset_env *env, const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-') {
		ipset_fail(env, "Syntax error: '%s' is invalid as number", s);
		return -1;
	}
	return 0;
}

static bool ipset_set_v6(const struct ipset_set *s)
{
	return s->o.family == IPSET_FAM_INET6;
}

static uint32_t ipset_v4(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
}

static void ipset_v4_put(uint8_t *a, uint32_t v)
{
	a[0] = (uint8_t)(v >> 24);
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

/*
 * An address of the set's family: "a", "a/cidr" or (v4) "a-b".  Writes lo (and
 * for v4 the host-order range lo..hi).  *cidr is the host mask when none given.
 */
struct ipset_addr_spec {
	uint8_t a[16];
	uint32_t lo, hi;        /* v4 host order */
	uint8_t cidr;
	bool has_cidr, is_range;
};

static int ipset_parse_addr(struct ipset_env *env, bool v6, const char *arg,
			    struct ipset_addr_spec *sp)
{
	char buf[128], *sep;
	unsigned int plen = v6 ? 128 : 32;

	memset(sp, 0, sizeof(*sp));
	snprintf(buf, sizeof(buf), "%s", arg);
	sp->cidr = (uint8_t)plen;
	sep = strchr(buf, '/');
	if (sep) {
		uint32_t c;

		*sep++ = '\0';
		if (ipset_parse_u32(env, sep, plen, &c))
			return -1;
		sp->cidr = (uint8_t)c;
		sp->has_cidr = true;
	} else if (!v6 && (sep = strchr(buf, '-'))) {
		uint8_t b[4];

		*sep++ = '\0';
		if (inet_pton(AF_INET, sep, b) != 1) {
			ipset_fail(env, "Syntax error: cannot parse %s: resolving to IPv4 address failed",
				   sep);
			return -1;
		}
		sp->hi = ipset_v4(b);
		sp->is_range = true;
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, sp->a) != 1) {
		ipset_fail(env, "Syntax error: cannot parse %s: resolving to IPv%d address failed",
			   buf, v6 ? 6 : 4);
		return -1;
	}
	if (!v6) {
		sp->lo = ipset_v4(sp->a);
		if (sp->has_cidr) {
			uint32_t m = sp->cidr ? 0xffffffffu << (32 - sp->cidr) : 0;

			sp->lo &= m;
			sp->hi = sp->lo | ~m;
		} else if (!sp->is_range) {
			sp->hi = sp->lo;
		}
		if (sp->lo > sp->hi) {
			uint32_t t = sp->lo;

			sp->lo = sp->hi;
			sp->hi = t;
		}
	}
	return 0;
}

/* "[proto:]port[-port]" or "icmp:type/code|name"; the default protocol is tcp. */
struct ipset_port_spec {
	uint16_t lo, hi;
	uint8_t proto;
};

static int ipset_parse_proto_port(struct ipset_env *env, bool v6, const char *arg,
				  struct ipset_port_spec *sp)
{
	char buf[96], *colon, *port = NULL, *dash;
	const char *pname = "tcp";

	snprintf(buf, sizeof(buf), "%s", arg);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		pname = buf;
		port = colon + 1;
	} else {
		port = buf;
	}
	if (!strcmp(pname, "icmpv6"))
		pname = "ipv6-icmp";
	if (xt_proto_parse(strcmp(pname, "ipv6-icmp") ? pname : "icmpv6", &sp->proto) &&
	    xt_proto_parse(pname, &sp->proto)) {
		ipset_fail(env, "Syntax error: cannot parse '%s' as a protocol", pname);
		return -1;
	}
	if (sp->proto == 1 || sp->proto == 58) {
		if ((sp->proto == 58) != v6) {
			ipset_fail(env, "Protocol ICMP%s can be used with family %s only",
				   sp->proto == 58 ? "v6" : "", sp->proto == 58 ? "inet6" : "inet");
			return -1;
		}
		if (ipset_icmp_parse(v6, port, &sp->lo)) {
			ipset_fail(env, "Syntax error: cannot parse '%s' as ICMP%s type/code", port,
				   v6 ? "v6" : "");
			return -1;
		}
		sp->hi = sp->lo;
		return 0;
	}
	dash = strchr(port, '-');
	if (dash)
		*dash++ = '\0';
	if (xt_parse_port(port, pname, &sp->lo) ||
	    (dash && xt_parse_port(dash, pname, &sp->hi))) {
		ipset_fail(env, "Syntax error: cannot parse '%s' as a %s port", dash ? dash : port,
			   pname);
		return -1;
	}
	if (!dash)
		sp->hi = sp->lo;
	if (sp->lo > sp->hi) {
		uint16_t t = sp->lo;

		sp->lo = sp->hi;
		sp->hi = t;
	}
	return 0;
}

/* ---- an element: its parts, expanded over ranges into keys ---- */

struct ipset_elem {
	struct ipset_addr_spec ip, ip2;
	struct ipset_port_spec port;
	struct ipset_key base;          /* mac, iface, setid */
};

static int ipset_split(char *s, char **parts, int max)
{
	int n = 0;

	while (n < max) {
		parts[n++] = s;
		s = strchr(s, ',');
		if (!s)
			break;
		*s++ = '\0';
	}
	return s ? -1 : n;
}

static int ipset_parse_mac(struct ipset_env *env, const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char extra;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &extra) != 6) {
		ipset_fail(env, "Syntax error: cannot parse %s as ethernet address", s);
		return -1;
	}
	for (int i = 0; i < 6; i++) {
		if (b[i] > 255)
			return ipset_fail(env, "Syntax error: cannot parse %s as ethernet address", s),
			       -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static int ipset_parse_elem(struct ipset_env *env, const struct ipset_set *s, const char *arg,
			    struct ipset_elem *e)
{
	char buf[256], *p[4];
	bool v6 = ipset_set_v6(s);
	int n, want = 1;

	memset(e, 0, sizeof(*e));
	snprintf(buf, sizeof(buf), "%s", arg);
	switch (s->type->kind) {
	case IPSET_HASH_IPPORT:
	case IPSET_HASH_NETPORT:
	case IPSET_HASH_NETIFACE:
		want = 2;
		break;
	case IPSET_HASH_IPPORTIP:
		want = 3;
		break;
	default:
		break;
	}
	n = s->type->kind == IPSET_HASH_MAC || s->type->kind == IPSET_LIST_SET ? 1 :
	    ipset_split(buf, p, want);
	if (n == 1)
		p[0] = buf;
	if (n != want) {
		ipset_fail(env, "Syntax error: Missing second/third element in %s", arg);
		return -1;
	}
	switch (s->type->kind) {
	case IPSET_HASH_MAC:
		return ipset_parse_mac(env, p[0], e->base.mac);
	case IPSET_LIST_SET: {
		int id = ipset_find(env->in, p[0]);

		if (id < 0) {
			ipset_fail(env, "Set to be added/deleted/tested as element does not exist.");
			return -1;
		}
		e->base.setid_hi = (uint8_t)(id >> 8);
		e->base.setid_lo = (uint8_t)id;
		return 0;
	}
	case IPSET_BITMAP_PORT: {
		char *colon = strchr(p[0], ':');

		if (ipset_parse_proto_port(env, false, colon ? p[0] : p[0], &e->port))
			return -1;
		return 0;
	}
	default:
		break;
	}
	if (ipset_parse_addr(env, v6, p[0], &e->ip))
		return -1;
	if (want >= 2 && s->type->kind != IPSET_HASH_NETIFACE &&
	    ipset_parse_proto_port(env, v6, p[1], &e->port))
		return -1;
	if (s->type->kind == IPSET_HASH_NETIFACE) {
		const char *ifn = p[1];

		if (!strncmp(ifn, "physdev:", 8)) {
			e->base.physdev = 1;
			ifn += 8;
		}
		if (!*ifn || strlen(ifn) >= sizeof(e->base.iface)) {
			ipset_fail(env, "Syntax error: Invalid interface name %s", ifn);
			return -1;
		}
		strncpy(e->base.iface, ifn, sizeof(e->base.iface) - 1);
	}
	if (want == 3 && ipset_parse_addr(env, v6, p[2], &e->ip2))
		return -1;
	return 0;
}

typedef int (*ipset_key_fn)(struct ipset_env *env, struct ipset_set *s,
			    const struct ipset_key *k, void *arg);

/* The largest CIDR block that starts at lo and does not pass hi (ip_set_range_to_cidr). */
static unsigned int ipset_range_cidr(uint32_t lo, uint32_t hi)
{
	for (unsigned int c = 0; c <= 32; c++) {
		uint32_t size = c < 32 ? 0xffffffffu >> c : 0;
		uint32_t m = ~size;

		if ((lo & m) == lo && lo + (uint64_t)size <= hi)
			return c;
	}
	return 32;
}

static int ipset_each_port(struct ipset_env *env, struct ipset_set *s, struct ipset_key *k,
			   const struct ipset_elem *e, ipset_key_fn fn, void *arg)
{
	for (uint32_t p = e->port.lo; p <= e->port.hi; p++) {
		int rc;

		k->port = (uint16_t)p;
		rc = fn(env, s, k, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Call fn for every key the element stands for: IPv4 ranges and prefixes of
 * the ip types expand to addresses (stepping by the netmask), of the net
 * types to CIDR blocks; port ranges to ports.  Stops at the first error.
 */
static int ipset_elem_each(struct ipset_env *env, struct ipset_set *s,
			   const struct ipset_elem *e, ipset_key_fn fn, void *arg)
{
	struct ipset_key k = e->base;
	bool v6 = ipset_set_v6(s);
	bool net = s->type->has_cidr;
	uint8_t step_mask = s->o.netmask;
	int rc = 0;

	switch (s->type->kind) {
	case IPSET_HASH_MAC:
	case IPSET_LIST_SET:
		return fn(env, s, &k, arg);
	case IPSET_BITMAP_PORT:
		if (e->port.lo < s->o.range_lo || e->port.hi > s->o.range_hi)
			return ipset_fail_err(env, IPSET_E_RANGE, "add");
		for (uint32_t p = e->port.lo; p <= e->port.hi && !rc; p++) {
			k.port = (uint16_t)p;
			rc = fn(env, s, &k, arg);
		}
		return rc;
	default:
		break;
	}
	/* IPSET_MAX_RANGE: at most 2^20 elements from one range (mtype_uadt) */
	uint64_t nkeys = (uint64_t)e->port.hi - e->port.lo + 1;
	if (!v6 && !net)
		nkeys *= ((uint64_t)e->ip.hi - e->ip.lo) / (s->o.netmask ? 1ull << (32 - s->o.netmask) : 1) + 1;
	if (nkeys > (1u << 20))
		return ipset_fail(env, "Kernel error received: Numerical result out of range");
	if (s->type->kind == IPSET_HASH_IPPORTIP)
		memcpy(k.ip2, e->ip2.a, 16);
	k.proto = e->port.proto;
	if (v6) {
		if (!net && e->ip.has_cidr && e->ip.cidr != 128 && s->type->kind != IPSET_HASH_IP)
			return ipset_fail(env, "Syntax error: plain IP address must be supplied: %s",
					  env->elem_str);
		memcpy(k.ip, e->ip.a, 16);
		if (net) {
			if (!e->ip.cidr)
				return ipset_fail(env, "The value of the CIDR parameter of the IP address is invalid");
			k.cidr = e->ip.cidr;
			/* stored masked, as the kernel's ip6_netmask() */
			for (unsigned int i = 0; i < 16; i++) {
				unsigned int bits = k.cidr > i * 8 ? k.cidr - i * 8 : 0;

				if (bits < 8)
					k.ip[i] &= (uint8_t)(0xff00u >> bits);
			}
		} else if (step_mask || e->ip.has_cidr) {
			unsigned int c = step_mask ? step_mask : e->ip.cidr;

			for (unsigned int i = 0; i < 16; i++) {
				unsigned int bits = c > i * 8 ? c - i * 8 : 0;

				if (bits < 8)
					k.ip[i] &= (uint8_t)(0xff00u >> bits);
			}
		}
		if (s->type->kind == IPSET_HASH_IPPORT || s->type->kind == IPSET_HASH_NETPORT ||
		    s->type->kind == IPSET_HASH_IPPORTIP)
			return ipset_each_port(env, s, &k, e, fn, arg);
		return fn(env, s, &k, arg);
	}
	if (s->type->kind == IPSET_BITMAP_IP) {
		if (e->ip.lo < s->o.range_lo || e->ip.hi > s->o.range_hi)
			return ipset_fail_err(env, IPSET_E_RANGE, "add");
	}
	if (net) {
		if (e->ip.has_cidr || !e->ip.is_range) {
			if (!e->ip.cidr)
				return ipset_fail(env, "The value of the CIDR parameter of the IP address is invalid");
			k.cidr = e->ip.cidr;
			ipset_v4_put(k.ip, e->ip.lo);
			if (s->type->kind == IPSET_HASH_NETPORT)
				return ipset_each_port(env, s, &k, e, fn, arg);
			return fn(env, s, &k, arg);
		}
		for (uint64_t a = e->ip.lo; a <= e->ip.hi && !rc;) {
			unsigned int c = ipset_range_cidr((uint32_t)a, e->ip.hi);

			k.cidr = (uint8_t)c;
			ipset_v4_put(k.ip, (uint32_t)a);
			rc = s->type->kind == IPSET_HASH_NETPORT ?
			     ipset_each_port(env, s, &k, e, fn, arg) : fn(env, s, &k, arg);
			a += c ? (1ull << (32 - c)) : (1ull << 32);
		}
		return rc;
	}
	uint64_t step = step_mask ? 1ull << (32 - step_mask) : 1;
	uint32_t lo = e->ip.lo;

	if (step_mask)
		lo &= step_mask ? 0xffffffffu << (32 - step_mask) : 0;
	for (uint64_t a = lo; a <= e->ip.hi && !rc; a += step) {
		ipset_v4_put(k.ip, (uint32_t)a);
		if (s->type->kind == IPSET_HASH_IPPORT || s->type->kind == IPSET_HASH_IPPORTIP)
			rc = ipset_each_port(env, s, &k, e, fn, arg);
		else
			rc = fn(env, s, &k, arg);
	}
	return rc;
}

/* ---- element options: timeout, packets, bytes, comment, nomatch, before/after ---- */

/* ipset_parse_skbmark(): "MARK[/MASK]", the mask defaulting to all ones. */
static int ipset_parse_skbmark(struct ipset_env *env, const char *arg, struct ipset_skbinfo *skb)
{
	char *end;
	unsigned long long v, m = 0xffffffffu;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (*end == '/')
		m = strtoull(end + 1, &end, 0);
	if (!*arg || *end || errno || v > 0xffffffffu || m > 0xffffffffu || *arg == '-')
		return ipset_fail(env, "Syntax error: Invalid value '%s' for skbmark", arg), -1;
	skb->skbmark = (uint32_t)v;
	skb->skbmarkmask = (uint32_t)m;
	return 0;
}

static int ipset_parse_ext(struct ipset_env *env, struct ipset_set *s, int argc, char **argv,
			   struct ipset_ext *x, bool add)
{
	memset(x, 0, sizeof(*x));
	x->timeout = IPSET_NO_TIMEOUT;
	x->before = x->after = -1;
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		bool need = strcmp(o, "nomatch") != 0;

		if (need && i + 1 >= argc)
			return ipset_fail(env, "Syntax error: Missing mandatory argument of option '%s'",
					  o), -1;
		if (!strcmp(o, "timeout") && add) {
			if (ipset_parse_u32(env, argv[++i], 2147483, &x->timeout))
				return -1;
		} else if (!strcmp(o, "packets") && add) {
			if (ipset_parse_u64(env, argv[++i], &x->packets))
				return -1;
			x->has_packets = true;
		} else if (!strcmp(o, "bytes") && add) {
			if (ipset_parse_u64(env, argv[++i], &x->bytes))
				return -1;
			x->has_bytes = true;
		} else if (!strcmp(o, "comment") && add) {
			x->comment = argv[++i];
			if (strchr(x->comment, '"'))
				return ipset_fail(env, "Syntax error: \" character is not permitted in "
						  "comments"), -1;
			if (strlen(x->comment) > 255)
				return ipset_fail(env, "Syntax error: comment is longer than 255 characters"),
				       -1;
		} else if (!strcmp(o, "skbmark") && add) {
			if (ipset_parse_skbmark(env, argv[++i], &x->skb))
				return -1;
			x->has_skbmark = true;
		} else if (!strcmp(o, "skbprio") && add) {
			unsigned int maj, min;
			char extra;

			if (sscanf(argv[++i], "%x:%x%c", &maj, &min, &extra) != 2 || maj > 0xffff ||
			    min > 0xffff)
				return ipset_fail(env, "Syntax error: Invalid value '%s' for skbprio",
						  argv[i]), -1;
			x->skb.skbprio = maj << 16 | min;
			x->has_skbprio = true;
		} else if (!strcmp(o, "skbqueue") && add) {
			uint32_t q;

			if (ipset_parse_u32(env, argv[++i], 65535, &q))
				return -1;
			x->skb.skbqueue = (uint16_t)q;
			x->has_skbqueue = true;
		} else if (!strcmp(o, "nomatch") && s->type->has_cidr) {
			x->nomatch = true;
		} else if ((!strcmp(o, "before") || !strcmp(o, "after")) &&
			   s->type->kind == IPSET_LIST_SET) {
			int id = ipset_find(env->in, argv[++i]);

			if (id < 0)
				return ipset_fail(env, "%s", ipset_strerror(IPSET_E_REF_NOENT, "ref")),
				       -1;
			if (o[0] == 'b')
				x->before = id;
			else
				x->after = id;
		} else {
			return ipset_fail(env, "Syntax error: Unknown argument: '%s'", o), -1;
		}
	}
	if (x->timeout != IPSET_NO_TIMEOUT && !s->o.has_timeout)
		return ipset_fail_err(env, IPSET_E_TIMEOUT, "add"), -1;
	if ((x->has_packets || x->has_bytes) && !s->o.counters)
		return ipset_fail_err(env, IPSET_E_COUNTER, "add"), -1;
	if (x->comment && !s->o.comment)
		return ipset_fail_err(env, IPSET_E_COMMENT, "add"), -1;
	if ((x->has_skbmark || x->has_skbprio || x->has_skbqueue) && !s->o.skbinfo)
		return ipset_fail_err(env, IPSET_E_SKBINFO, "add"), -1;
	return 0;
}

/* ---- commands ---- */

static struct ipset_set *ipset_need_set(struct ipset_env *env, const char *name, int *id)
{
	*id = ipset_find(env->in, name);
	if (*id < 0) {
		ipset_fail_err(env, IPSET_E_NOENT, "");
		return NULL;
	}
	return ipset_get(env->in, (unsigned int)*id);
}

static int ipset_check_name(struct ipset_env *env, const char *name)
{
	if (strlen(name) >= IPSET_MAXNAMELEN)
		return ipset_fail(env, "Syntax error: setname '%s' is longer than %d characters",
				  name, IPSET_MAXNAMELEN - 1);
	return 0;
}

static int ipset_parse_range_opt(struct ipset_env *env, const struct ipset_type *t,
				 const char *arg, struct ipset_create_opts *o)
{
	if (t->kind == IPSET_BITMAP_PORT) {
		struct ipset_port_spec ps;

		if (ipset_parse_proto_port(env, false, arg, &ps))
			return -1;
		o->range_lo = ps.lo;
		o->range_hi = ps.hi;
	} else {
		struct ipset_addr_spec as;

		if (ipset_parse_addr(env, false, arg, &as))
			return -1;
		o->range_lo = as.lo;
		o->range_hi = as.hi;
	}
	o->has_range = true;
	return 0;
}

static int ipset_cmd_create(struct ipset_env *env, int argc, char **argv)
{
	struct ipset_create_opts o = { 0 };
	const struct ipset_type *t;
	int err;

	if (argc < 2)
		return ipset_fail(env, "Syntax error: Missing mandatory argument: %s",
				  argc < 1 ? "setname" : "typename");
	if (ipset_check_name(env, argv[0]))
		return 1;
	t = ipset_type_find(argv[1]);
	if (!t)
		return ipset_fail(env, "Syntax error: typename '%s' is unknown", argv[1]);
	for (int i = 2; i < argc; i++) {
		const char *k = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t u;
		bool flag = !strcmp(k, "counters") || !strcmp(k, "comment") ||
			    !strcmp(k, "forceadd") || !strcmp(k, "skbinfo") ||
			    !strcmp(k, "-4") || !strcmp(k, "-6");

		if (!flag && !v)
			return ipset_fail(env, "Syntax error: Missing mandatory argument of option '%s'",
					  k);
		if (!flag)
			i++;
		if (!strcmp(k, "family") && t->kind != IPSET_HASH_MAC && t->kind < IPSET_BITMAP_IP) {
			if (!strcmp(v, "inet") || !strcmp(v, "ipv4"))
				o.family = IPSET_FAM_INET;
			else if (!strcmp(v, "inet6") || !strcmp(v, "ipv6"))
				o.family = IPSET_FAM_INET6;
			else
				return ipset_fail(env, "Syntax error: unknown family %s", v);
		} else if (!strcmp(k, "-4") || !strcmp(k, "-6")) {
			o.family = k[1] == '4' ? IPSET_FAM_INET : IPSET_FAM_INET6;
		} else if (!strcmp(k, "hashsize") && t->kind < IPSET_BITMAP_IP) {
			if (ipset_parse_u32(env, v, UINT32_MAX, &o.hashsize))
				return 1;
		} else if (!strcmp(k, "maxelem") && t->kind < IPSET_BITMAP_IP) {
			if (ipset_parse_u32(env, v, UINT32_MAX, &o.maxelem))
				return 1;
		} else if (!strcmp(k, "bucketsize") && t->kind < IPSET_BITMAP_IP) {
			if (ipset_parse_u32(env, v, 255, &o.bucketsize))
				return 1;
		} else if (!strcmp(k, "initval") && t->kind < IPSET_BITMAP_IP) {
			if (ipset_parse_u32(env, v, UINT32_MAX, &o.initval))
				return 1;
			o.has_initval = true;
		} else if ((!strcmp(k, "probes") || !strcmp(k, "resize") || !strcmp(k, "gc")) &&
			   t->kind < IPSET_BITMAP_IP) {
			if (ipset_parse_u32(env, v, UINT32_MAX, &u))  /* ignored, as ipset does */
				return 1;
		} else if (!strcmp(k, "timeout")) {
			if (ipset_parse_u32(env, v, 2147483, &o.timeout))
				return 1;
			o.has_timeout = true;
		} else if (!strcmp(k, "netmask") &&
			   (t->kind == IPSET_HASH_IP || t->kind == IPSET_BITMAP_IP)) {
			if (ipset_parse_u32(env, v, 128, &u))
				return 1;
			o.netmask = (uint8_t)u;
		} else if (!strcmp(k, "range") &&
			   (t->kind == IPSET_BITMAP_IP || t->kind == IPSET_BITMAP_PORT)) {
			if (ipset_parse_range_opt(env, t, v, &o))
				return 1;
		} else if (!strcmp(k, "size") && t->kind == IPSET_LIST_SET) {
			if (ipset_parse_u32(env, v, UINT32_MAX, &o.size))
				return 1;
		} else if (!strcmp(k, "counters")) {
			o.counters = true;
		} else if (!strcmp(k, "comment")) {
			o.comment = true;
		} else if (!strcmp(k, "forceadd") && t->kind < IPSET_BITMAP_IP) {
			o.forceadd = true;
		} else if (!strcmp(k, "skbinfo")) {
			o.skbinfo = true;
		} else {
			return ipset_fail(env, "Syntax error: Unknown argument: '%s'", k);
		}
	}
	if ((t->kind == IPSET_BITMAP_IP || t->kind == IPSET_BITMAP_PORT) && !o.has_range)
		return ipset_fail(env, "Syntax error: Missing mandatory argument: range");
	/* bitmap_ip_create(): at most IPSET_BITMAP_MAX_RANGE + 1 elements */
	if (t->kind == IPSET_BITMAP_IP && o.netmask <= 32 &&
	    ((uint64_t)o.range_hi - o.range_lo) >> (o.netmask ? 32 - o.netmask : 0) >= 65536)
		return ipset_fail(env, "The range you specified exceeds the size limit of the set type.");
	if (o.netmask) {
		unsigned int max = o.family == IPSET_FAM_INET6 ? 128 : 32;

		if (o.netmask > max || (t->kind == IPSET_BITMAP_IP && o.netmask == 0))
			return ipset_fail(env, "Syntax error: netmask is out of the valid range");
	}
	err = ipset_create(env->in, argv[0], t, &o, env->exist);
	return err ? ipset_fail_err(env, err, "create") : 0;
}

static int ipset_key_add(struct ipset_env *env, struct ipset_set *s, const struct ipset_key *k,
			 void *arg)
{
	int err = ipset_add(env->in, s, k, arg, env->exist);

	if (err)
		return ipset_fail_err(env, err, s->type->kind == IPSET_LIST_SET ? "list" : "add");
	return 0;
}

static int ipset_key_del(struct ipset_env *env, struct ipset_set *s, const struct ipset_key *k,
			 void *arg)
{
	int err = ipset_del(env->in, s, k, env->exist);

	return err ? ipset_fail_err(env, err, "del") : 0;
}

static int ipset_key_test(struct ipset_env *env, struct ipset_set *s, const struct ipset_key *k,
			  void *arg)
{
	/* a multi-key element is in the set only if every key is */
	return ipset_test(env->in, s, k) ? 0 : 1;
}

static int ipset_cmd_adt(struct ipset_env *env, const char *op, int argc, char **argv)
{
	struct ipset_set *s;
	struct ipset_elem e;
	struct ipset_ext x;
	int id;

	if (argc < 1)
		return ipset_fail(env, "Syntax error: Missing mandatory argument: setname");
	s = ipset_need_set(env, argv[0], &id);
	if (!s)
		return 1;
	if (argc < 2)
		return ipset_fail(env, "Syntax error: Missing mandatory argument: element");
	env->elem_str = argv[1];
	if (ipset_parse_elem(env, s, argv[1], &e))
		return 1;
	if (ipset_parse_ext(env, s, argc - 2, argv + 2, &x, !strcmp(op, "add")))
		return 1;
	if (!strcmp(op, "add"))
		return ipset_elem_each(env, s, &e, ipset_key_add, &x) ? 1 : 0;
	if (!strcmp(op, "del"))
		return ipset_elem_each(env, s, &e, ipset_key_del, &x) ? 1 : 0;
	if (ipset_elem_each(env, s, &e, ipset_key_test, &x)) {
		if (!env->quiet) {
			sb_add(&env->ctx->err, IPSET_PROG);
			if (env->line)
				sb_addf(&env->ctx->err, "Error in line %u: ", env->line);
			sb_addf(&env->ctx->err, "%s is NOT in set %s.\n", argv[1], s->name);
		}
		return 1;
	}
	if (!env->quiet)
		sb_addf(&env->ctx->err, "Warning: %s is in set %s.\n", argv[1], s->name);
	return 0;
}

static void ipset_list_one(struct ipset_env *env, const struct ipset_set *s, bool first)
{
	struct strbuf *out = &env->ctx->out;

	if (env->names) {
		sb_addf(out, "%s\n", s->name);
		return;
	}
	if (!first && !env->save_out)
		sb_addc(out, '\n');
	ipset_print_set(env->in, s, env->save_out, env->terse, out);
}

static int ipset_cmd_list(struct ipset_env *env, int argc, char **argv)
{
	bool first = true;
	int id;

	if (argc >= 1) {
		const struct ipset_set *s = ipset_need_set(env, argv[0], &id);

		if (!s)
			return 1;
		ipset_list_one(env, s, true);
		return 0;
	}
	/* list:set sets come last (IPSET_DUMP_LAST), so that a save restores */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < IPSET_MAX_SETS; i++) {
			const struct ipset_set *s = ipset_get(env->in, i);

			if (!s || (s->type->kind == IPSET_LIST_SET) != (pass == 1))
				continue;
			ipset_list_one(env, s, first);
			first = false;
		}
	}
	return 0;
}

static int ipset_cmd_flush_destroy(struct ipset_env *env, bool destroy, int argc, char **argv)
{
	int id = -1, err;

	if (argc >= 1 && !ipset_need_set(env, argv[0], &id))
		return 1;
	err = destroy ? ipset_destroy(env->in, id) : ipset_flush(env->in, id);
	return err ? ipset_fail_err(env, err, destroy ? "destroy" : "flush") : 0;
}

static int ipset_cmd_rename_swap(struct ipset_env *env, bool swap, int argc, char **argv)
{
	int a, b = -1, err;

	if (argc < 2)
		return ipset_fail(env, "Syntax error: Missing mandatory argument: setname");
	if (!ipset_need_set(env, argv[0], &a))
		return 1;
	if (swap) {
		b = ipset_find(env->in, argv[1]);
		if (b < 0)
			return ipset_fail(env, "Sets cannot be swapped: the second set does not exist");
		err = ipset_swap(env->in, a, b);
	} else {
		if (ipset_check_name(env, argv[1]))
			return 1;
		err = ipset_rename(env->in, a, argv[1]);
	}
	return err ? ipset_fail_err(env, err, swap ? "swap" : "rename") : 0;
}

enum ipset_cmd {
	IC_NONE, IC_CREATE, IC_ADD, IC_DEL, IC_TEST, IC_DESTROY, IC_LIST, IC_SAVE,
	IC_RESTORE, IC_FLUSH, IC_RENAME, IC_SWAP, IC_HELP, IC_VERSION,
};

/* Commands in ipset's lookup order (a prefix picks the first that fits), with aliases. */
static const struct {
	const char *name, *alias, *old;
	enum ipset_cmd cmd;
} ipset_cmds[] = {
	{ "create", "n", "-N", IC_CREATE }, { "add", NULL, "-A", IC_ADD },
	{ "del", NULL, "-D", IC_DEL }, { "test", NULL, "-T", IC_TEST },
	{ "destroy", "x", "-X", IC_DESTROY }, { "list", NULL, "-L", IC_LIST },
	{ "save", NULL, "-S", IC_SAVE }, { "restore", NULL, "-R", IC_RESTORE },
	{ "flush", NULL, "-F", IC_FLUSH }, { "rename", "e", "-E", IC_RENAME },
	{ "swap", "w", "-W", IC_SWAP }, { "help", NULL, "-H", IC_HELP },
	{ "version", NULL, "-V", IC_VERSION },
};

static enum ipset_cmd ipset_cmd_find(const char *w)
{
	size_t n = strlen(w);

	for (size_t i = 0; i < sizeof(ipset_cmds) / sizeof(ipset_cmds[0]); i++) {
		if ((ipset_cmds[i].alias && !strcmp(w, ipset_cmds[i].alias)) ||
		    !strcmp(w, ipset_cmds[i].old))
			return ipset_cmds[i].cmd;
		if (n && !strncmp(w, ipset_cmds[i].name, n))
			return ipset_cmds[i].cmd;
	}
	return IC_NONE;
}

static int ipset_restore(struct ipset_env *env);

static int ipset_dispatch(struct ipset_env *env, enum ipset_cmd cmd, int argc, char **argv)
{
	switch (cmd) {
	case IC_CREATE: return ipset_cmd_create(env, argc, argv);
	case IC_ADD: return ipset_cmd_adt(env, "add", argc, argv);
	case IC_DEL: return ipset_cmd_adt(env, "del", argc, argv);
	case IC_TEST: return ipset_cmd_adt(env, "test", argc, argv);
	case IC_DESTROY: return ipset_cmd_flush_destroy(env, true, argc, argv);
	case IC_FLUSH: return ipset_cmd_flush_destroy(env, false, argc, argv);
	case IC_LIST: return ipset_cmd_list(env, argc, argv);
	case IC_SAVE: {
		bool saved = env->save_out;
		int rc;

		env->save_out = true;
		rc = ipset_cmd_list(env, argc, argv);
		env->save_out = saved;
		return rc;
	}
	case IC_RENAME: return ipset_cmd_rename_swap(env, false, argc, argv);
	case IC_SWAP: return ipset_cmd_rename_swap(env, true, argc, argv);
	case IC_RESTORE:
		if (env->line)
			return ipset_fail(env, "Restore command is not supported in restore mode");
		return ipset_restore(env);
	case IC_VERSION:
		sb_add(&env->ctx->out, "ipset v7.17, protocol version: 7\n");
		return 0;
	case IC_HELP:
		sb_add(&env->ctx->out, "ipset v7.17\n\nUsage: ipset [options] COMMAND\n");
		return 0;
	default:
		return 2;
	}
}

/* Global options (-exist, -quiet, -output, -name, -terse, -sorted), anywhere in argv. */
static int ipset_global_opts(struct ipset_env *env, int *argc, char **argv)
{
	int n = 0;

	for (int i = 0; i < *argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-exist") || !strcmp(a, "-!") || !strcmp(a, "--exist")) {
			env->exist = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "-quiet")) {
			env->quiet = true;
		} else if (!strcmp(a, "-n") || !strcmp(a, "-name")) {
			env->names = true;
		} else if (!strcmp(a, "-t") || !strcmp(a, "-terse")) {
			env->terse = true;
		} else if (!strcmp(a, "-s") || !strcmp(a, "-sorted") || !strcmp(a, "-r") ||
			   !strcmp(a, "-resolve")) {
			/* listing order is already deterministic; names are not resolved */
		} else if (!strcmp(a, "-o") || !strcmp(a, "-output")) {
			if (i + 1 >= *argc)
				return ipset_fail(env, "Syntax error: Missing mandatory argument of option '%s'", a);
			a = argv[++i];
			if (!strcmp(a, "save"))
				env->save_out = true;
			else if (strcmp(a, "plain"))
				return ipset_fail(env, "Syntax error: Unknown output mode '%s'", a);
		} else {
			argv[n++] = argv[i];
		}
	}
	*argc = n;
	return 0;
}

/* ---- restore: one command a line, arguments split like a shell's words ---- */

static int ipset_tokenize(char *line, char **av, int max)
{
	int n = 0;
	char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (n == max)
			return -1;
		if (*p == '"') {
			char *start = ++p;

			while (*p && *p != '"')
				p++;
			if (!*p)
				return -1;
			*p++ = '\0';
			av[n++] = start;
			continue;
		}
		av[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

static int ipset_restore(struct ipset_env *env)
{
	const char *in = env->ctx->input ? env->ctx->input : "";
	size_t len = env->ctx->input ? env->ctx->input_len : 0, pos = 0;
	unsigned int lineno = 0;

	while (pos < len) {
		size_t end = pos;
		char buf[4096], *av[IPSET_MAX_ARGS];
		int ac, rc;

		while (end < len && in[end] != '\n')
			end++;
		lineno++;
		snprintf(buf, sizeof(buf), "%.*s", (int)(end - pos), in + pos);
		pos = end + 1;
		env->line = lineno;
		ac = ipset_tokenize(buf, av, IPSET_MAX_ARGS);
		if (ac < 0)
			return ipset_fail(env, "Syntax error: cannot split the line into words");
		if (ac == 0 || av[0][0] == '#')
			continue;
		if (!strcmp(av[0], "COMMIT"))
			continue;
		if (ipset_global_opts(env, &ac, av))
			return 1;
		enum ipset_cmd cmd = ipset_cmd_find(av[0]);
		if (cmd == IC_NONE || cmd == IC_HELP || cmd == IC_VERSION)
			return ipset_fail(env, "No command specified: unknown argument %s", av[0]);
		rc = ipset_dispatch(env, cmd, ac - 1, av + 1);
		if (rc)
			return rc;
	}
	env->line = 0;
	return 0;
}

int cli_ipset(struct cli_ctx *ctx, int argc, char **argv)
{
	struct ipset_env env = { .ctx = ctx, .in = ctx->net->ipset };
	enum ipset_cmd cmd;

	if (!env.in)
		return ipset_fail(&env, "Kernel error received: ipset protocol error");
	argc--;
	argv++;
	if (ipset_global_opts(&env, &argc, argv))
		return 1;
	if (argc < 1) {
		/* interactive mode is not offered: read commands as restore does */
		return ipset_fail(&env, "No command specified.");
	}
	cmd = ipset_cmd_find(argv[0]);
	if (cmd == IC_NONE) {
		ipset_fail(&env, "No command specified: unknown argument %s", argv[0]);
		if (!env.quiet)
			sb_add(&ctx->err, "Try `ipset help' for more information.\n");
		return 2;
	}
	return ipset_dispatch(&env, cmd, argc - 1, argv + 1);
}
