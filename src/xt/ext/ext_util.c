/* ext_util: helpers shared by the match/target extensions (libxtables' checks and printers). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pkt/csum.h"
#include "pkt/parse.h"
#include "stack/net.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

const char *ext_opt_name(const struct xt_opt *opts, int id)
{
	for (; opts->name; opts++)
		if (opts->id == id)
			return opts->name;
	return "?";
}

static const struct ext_fc *ext_fc_find(const struct ext_fc *fc, int id)
{
	for (; fc->id != EXT_FC_END; fc++)
		if (fc->id == id)
			return fc;
	return NULL;
}

/* One (entry, other) pair as xtables_option_fcheck2() judges it. */
static int ext_fcheck2(struct xt_parse *ps, const char *ext, const struct xt_opt *opts,
		       const struct ext_fc *e, unsigned int other, uint32_t xflags)
{
	uint32_t ef = EXT_F(e->id), of = EXT_F(other);

	if ((e->also & of) && !(xflags & of))
		return xt_parse_error(ps, "%s: option \"--%s\" also requires \"--%s\".\n", ext,
				      ext_opt_name(opts, e->id), ext_opt_name(opts, (int)other));
	if (!(e->excl & of) || (xflags & (ef | of)) != (ef | of))
		return 0;
	return xt_parse_error(ps, "%s: option \"--%s\" cannot be used together with \"--%s\".\n",
			      ext, ext_opt_name(opts, e->id), ext_opt_name(opts, (int)other));
}

int ext_fcheck(struct xt_parse *ps, const char *ext, const struct xt_opt *opts,
	       const struct ext_fc *fc, uint32_t xflags)
{
	const struct xt_opt *o;
	unsigned int i;

	for (o = opts; o->name; o++) {
		const struct ext_fc *e = ext_fc_find(fc, o->id);

		/* Aliases share an id: only the first entry of an id is the option. */
		if (!e || strcmp(ext_opt_name(opts, o->id), o->name) != 0)
			continue;
		if (e->mand && !(xflags & EXT_F(e->id)))
			return xt_parse_error(ps, "%s: option \"--%s\" must be specified\n", ext,
					      o->name);
		if (!(xflags & EXT_F(e->id)))
			continue;
		for (i = 0; i < 32; i++) {
			if (i == e->id || !((e->excl | e->also) & EXT_F(i)))
				continue;
			if (ext_fcheck2(ps, ext, opts, e, i, xflags))
				return -1;
		}
	}
	return 0;
}

/* xtopt_parse_int()'s message: "ext: bad value for option "--opt", or out of range (min-max)." */
static int ext_err_range(struct xt_parse *ps, const char *ext, const char *opt,
			 unsigned long long min, unsigned long long max)
{
	return xt_parse_error(ps, "%s: bad value for option \"--%s\", or out of range (%llu-%llu).\n",
			      ext, opt, min, max);
}

int ext_parse_num(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		  unsigned long long min, unsigned long long max, unsigned long long *out)
{
	if (xt_parse_uint(arg, min, max, out))
		return ext_err_range(ps, ext, opt, min, max);
	return 0;
}

/* xtables_strtoul(): base 0, leading blanks allowed, no '-', within [min, max]. */
bool ext_xstrtoul(const char *s, char **end, unsigned long long min, unsigned long long max,
		  unsigned long long *v)
{
	const char *p = s;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return false;
	errno = 0;
	*v = strtoull(s, end, 0);
	return *end != s && errno != ERANGE && *v >= min && *v <= max;
}

int ext_parse_mint(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		   unsigned long long max, unsigned long long vals[2])
{
	unsigned long long v, lmin = 0;
	const char *p;
	char *end;
	int n = 0;

	/* xtopt_parse_mint() of 1.8.9: a missing bound is 0 / max (a reversed range is
	 * left to the extension) */
	for (p = arg;; p = end + 1) {
		if (n == 2)
			return xt_parse_error(ps, "%s: Too many components for option \"--%s\" "
					      "(max: 2)\n", ext, opt);
		if (*p == '\0' || *p == ':') {
			end = (char *)p;
			v = n == 1 ? max : lmin;
		} else {
			if (!ext_xstrtoul(p, &end, lmin, max, &v))
				return xt_parse_error(ps, "%s: bad value for option \"--%s\" near "
						      "\"%s\", or out of range (%llu-%llu).\n",
						      ext, opt, p, lmin, max);
			if (*end != '\0' && *end != ':')
				return xt_parse_error(ps, "%s: Argument to \"--%s\" has unexpected "
						      "characters near \"%s\".\n", ext, opt, end);
		}
		vals[n++] = v;
		if (*end == '\0')
			return n;
	}
}

int ext_parse_range(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		    uint32_t max, uint32_t *lo, uint32_t *hi)
{
	unsigned long long v[2];
	int n = ext_parse_mint(ps, ext, opt, arg, max, v);

	if (n < 0)
		return -1;
	*lo = (uint32_t)v[0];
	*hi = (uint32_t)v[n - 1];
	return 0;
}

/*
 * xtables_getportbyname(): getaddrinfo(NULL, s) with no hints.  glibc takes a
 * string strtoul() reads whole in base 10 as a number when it fits an int (the
 * port is its low 16 bits; "" is 0), anything else as a service name of any
 * protocol.  -1 if it does not resolve.
 */
int ext_getportbyname(const char *s)
{
	unsigned long v;
	uint16_t port;
	char *end;

	v = strtoul(s, &end, 10);
	if (*end == '\0' && (int)v >= 0)
		return (int)(v & 0xffff);
	if (!isalpha((unsigned char)*s) || xt_parse_port(s, NULL, &port))
		return -1;
	return port;
}

int ext_parse_port(struct xt_parse *ps, const char *arg, uint16_t *port)
{
	int v = ext_getportbyname(arg);

	/* xtopt_parse_port() */
	if (v < 0)
		return xt_parse_error(ps, "Port \"%s\" does not resolve to anything.\n", arg);
	*port = (uint16_t)v;
	return 0;
}

int ext_parse_mport(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		    uint16_t r[2])
{
	const char *p = arg, *colon;
	char part[256];
	int n = 0, v;

	/* xtopt_parse_mport(): strsep() on ':', an empty part keeps 0 / 65535 */
	r[0] = 0;
	r[1] = 65535;
	for (;; p = colon + 1) {
		colon = strchr(p, ':');
		if (n == 2)
			return xt_parse_error(ps, "%s: Too many components for option \"--%s\" "
					      "(max: 2)\n", ext, opt);
		snprintf(part, sizeof(part), "%.*s", colon ? (int)(colon - p) : (int)strlen(p), p);
		if (part[0]) {
			v = ext_getportbyname(part);
			if (v < 0)
				return xt_parse_error(ps, "Port \"%s\" does not resolve to "
						      "anything.\n", part);
			r[n] = (uint16_t)v;
		}
		n++;
		if (!colon)
			break;
	}
	if (n == 1)
		r[1] = r[0];
	return n;
}

int ext_parse_val_mask(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		       int (*name2id)(const char *name), uint32_t *val, uint32_t *mask)
{
	unsigned long long v, m = 0xffffffffu;
	char *end;
	bool ok;
	int id;

	/* xtables_parse_val_mask(): "value[/mask]"; with a name map, what is not a
	 * number (or has more than a "/mask" after it) is a name */
	ok = ext_xstrtoul(arg, &end, 0, 0xffffffffu, &v);
	if (!ok || (*end && *end != '/')) {
		if (!name2id && !ok)
			goto bad_val;
		if (!name2id)
			return xt_parse_error(ps, "%s: trailing garbage after value for option "
					      "\"--%s\".\n", ext, opt);
		id = name2id(arg);
		if (id < 0)
			return xt_parse_error(ps, "%s: could not map name %s to an integer value "
					      "for option \"--%s\".\n", ext, arg, opt);
		*val = (uint32_t)id;
		*mask = 0xffffffffu;
		return 0;
	}
	if (*end == '/' && !ext_xstrtoul(end + 1, &end, 0, 0xffffffffu, &m))
		goto bad_val;
	if (*end)
		return xt_parse_error(ps, "%s: trailing garbage after value for option "
				      "\"--%s\".\n", ext, opt);
	*val = (uint32_t)v;
	*mask = (uint32_t)m;
	return 0;
bad_val:
	return xt_parse_error(ps, "%s: bad integer value for option \"--%s\", or out of "
			      "range.\n", ext, opt);
}

int ext_parse_markmask(struct xt_parse *ps, const char *ext, const char *opt,
		       const char *arg, uint32_t *value, uint32_t *mask)
{
	unsigned long long v, m = 0xffffffffu;
	char *end;

	/* xtopt_parse_markmask(): value, then "/mask", then nothing more */
	if (!ext_xstrtoul(arg, &end, 0, 0xffffffffu, &v) ||
	    (*end == '/' && !ext_xstrtoul(end + 1, &end, 0, 0xffffffffu, &m)))
		return xt_parse_error(ps, "%s: bad integer value for option \"--%s\", or out of "
				      "range.\n", ext, opt);
	if (*end)
		return xt_parse_error(ps, "%s: trailing garbage after value for option \"--%s\".\n",
				      ext, opt);
	*value = (uint32_t)v;
	*mask = (uint32_t)m;
	return 0;
}

static const struct {
	const char *name;
	uint8_t value;
} ext_tos_names[] = {
	{ "Minimize-Cost", 0x02 }, { "Maximize-Reliability", 0x04 },
	{ "Maximize-Throughput", 0x08 }, { "Minimize-Delay", 0x10 },
	{ "Normal-Service", 0x00 },
};

#define EXT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *ext_tos_name(uint8_t value, uint8_t mask)
{
	size_t i;

	if (mask != 0x3f)
		return NULL;
	for (i = 0; i < EXT_ARRAY_SIZE(ext_tos_names); i++)
		if (ext_tos_names[i].value == value)
			return ext_tos_names[i].name;
	return NULL;
}

int ext_parse_tosmask(struct xt_parse *ps, const char *arg, uint8_t defmask, uint8_t *value,
		      uint8_t *mask)
{
	unsigned long long v, m = defmask;
	char *end;
	size_t i;

	/* xtopt_parse_tosmask(): a number first means tos_parse_numeric(), where anything
	 * after "value[/mask]" is illegal */
	if (ext_xstrtoul(arg, &end, 0, 0xff, &v)) {
		if ((*end == '/' && !ext_xstrtoul(end + 1, &end, 0, 0xff, &m)) || *end)
			return xt_parse_error(ps, "Illegal value: \"%s\"", arg);
		*value = (uint8_t)v;
		*mask = (uint8_t)m;
		return 0;
	}
	for (i = 0; i < EXT_ARRAY_SIZE(ext_tos_names); i++) {
		if (strcasecmp(ext_tos_names[i].name, arg) == 0) {
			*value = ext_tos_names[i].value;
			*mask = 0x3f;
			return 0;
		}
	}
	return xt_parse_error(ps, "Symbolic name \"%s\" is unknown", arg);
}

static const struct {
	const char *name;
	uint8_t dscp;
} ext_dscp_classes[] = {
	{ "CS0", 0x00 }, { "CS1", 0x08 }, { "CS2", 0x10 }, { "CS3", 0x18 }, { "CS4", 0x20 },
	{ "CS5", 0x28 }, { "CS6", 0x30 }, { "CS7", 0x38 }, { "BE", 0x00 }, { "AF11", 0x0a },
	{ "AF12", 0x0c }, { "AF13", 0x0e }, { "AF21", 0x12 }, { "AF22", 0x14 }, { "AF23", 0x16 },
	{ "AF31", 0x1a }, { "AF32", 0x1c }, { "AF33", 0x1e }, { "AF41", 0x22 }, { "AF42", 0x24 },
	{ "AF43", 0x26 }, { "EF", 0x2e },
};

int ext_dscp_class(const char *name)
{
	size_t i;

	for (i = 0; i < EXT_ARRAY_SIZE(ext_dscp_classes); i++)
		if (strcasecmp(ext_dscp_classes[i].name, name) == 0)
			return ext_dscp_classes[i].dscp;
	return -1;
}

int ext_parse_dscp(struct xt_parse *ps, const char *ext, const char *opt, bool is_class,
		   const char *arg, uint8_t *out)
{
	unsigned long long v;
	int c;

	if (!is_class) {
		if (ext_parse_num(ps, ext, opt, arg, 0, 63, &v))
			return -1;
		*out = (uint8_t)v;
		return 0;
	}
	c = ext_dscp_class(arg);
	if (c < 0)
		return xt_parse_error(ps, "Invalid DSCP value `%s'", arg);
	*out = (uint8_t)c;
	return 0;
}

void ext_save_string(struct strbuf *out, const char *s)
{
	static const char plain[] = "_-0123456789abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(s, plain);

	if (n > 0 && s[n] == '\0') {
		sb_addc(out, ' ');
		sb_add(out, s);
		return;
	}
	sb_add(out, " \"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '\'')
			sb_addc(out, '\\');
		sb_addc(out, *s);
	}
	sb_addc(out, '"');
}

const char *ext_addr_str(enum xt_family fam, const union xt_addr *a, char *buf)
{
	if (!inet_ntop(fam == XT_FAMILY_V6 ? AF_INET6 : AF_INET, a, buf, 46))
		strcpy(buf, "?");
	return buf;
}

int ext_addr_parse(enum xt_family fam, const char *s, union xt_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(fam == XT_FAMILY_V6 ? AF_INET6 : AF_INET, s, a) != 1)
		return -EINVAL;
	return 0;
}

/* getaddrinfo(AI_NUMERICHOST): inet_aton() forms for IPv4 ("1" is 0.0.0.1), inet_pton()
 * for IPv6. */
static int ext_numeric_host(enum xt_family fam, const char *s, union xt_addr *a)
{
	struct in_addr in;

	memset(a, 0, sizeof(*a));
	if (fam == XT_FAMILY_V6)
		return inet_pton(AF_INET6, s, a) == 1 ? 0 : -EINVAL;
	if (strpbrk(s, " \t\n") || !inet_aton(s, &in))
		return -EINVAL;
	a->a4 = in.s_addr;
	return 0;
}

/* res_hnok(): a name the resolver would look up (letters, digits, '-', '_', dots). */
static bool ext_hnok(const char *s)
{
	const char *p;

	if (!*s || *s == '-' || *s == '.' || strstr(s, ".."))
		return false;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.", *p))
			return false;
	return true;
}

int ext_parse_host(struct xt_parse *ps, const char *arg, union xt_addr *a)
{
	bool v6 = ps->family == XT_FAMILY_V6;
	const char *err = "Name or service not known";
	union xt_addr t;

	/*
	 * xtopt_parse_host(): getaddrinfo() for the family.  The reference system has
	 * no network: a name the resolver would ask DNS for fails temporarily; glibc
	 * refuses an all-digit IPv4 name and an IPv4 literal for IPv6 itself.
	 */
	if (ext_numeric_host(ps->family, arg, a) == 0)
		return 0;
	if (!v6 && strcmp(arg, "localhost") == 0) {     /* /etc/hosts has it for IPv4 only */
		a->a4 = htonl(0x7f000001);
		return 0;
	}
	if (ext_numeric_host(v6 ? XT_FAMILY_V4 : XT_FAMILY_V6, arg, &t) == 0)
		err = "Address family for hostname not supported";
	else if (ext_hnok(arg) && (v6 || strspn(arg, "0123456789.") != strlen(arg)))
		err = "Temporary failure in name resolution";
	return xt_parse_error(ps, "getaddrinfo: %s\n", err);
}

/* xtables_ipmask_to_cidr()/xtables_ip6mask_to_cidr(): -1 if not contiguous. */
static int ext_mask_cidr(const union xt_addr *m, unsigned int bits)
{
	unsigned int n = 0, i;

	while (n < bits && (m->a6[n / 8] & (0x80 >> (n % 8))))
		n++;
	for (i = n; i < bits; i++)
		if (m->a6[i / 8] & (0x80 >> (i % 8)))
			return -1;
	return (int)n;
}

int ext_parse_plenmask(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		       unsigned int *plen, union xt_addr *mask)
{
	unsigned int bits = ps->family == XT_FAMILY_V6 ? 128 : 32, i;
	unsigned long long v;
	union xt_addr m;
	char *end;
	int c;

	/* xtopt_parse_plen(): a prefix length, or a mask (a non-contiguous one is 255) */
	if (ext_xstrtoul(arg, &end, 0, bits, &v) && *end == '\0') {
		*plen = (unsigned int)v;
		memset(&m, 0, sizeof(m));
		for (i = 0; i < v; i++)
			m.a6[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	} else if (ext_numeric_host(ps->family, arg, &m) == 0) {
		c = ext_mask_cidr(&m, bits);
		*plen = c < 0 ? 255 : (unsigned int)c;
	} else {
		return xt_parse_error(ps, "%s: bad value for option \"--%s\", neither a valid "
				      "network mask nor valid CIDR (0-%u).\n", ext, opt, bits);
	}
	if (mask)
		*mask = m;
	return 0;
}

int ext_parse_hostmask(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		       union xt_addr *a, union xt_addr *mask, unsigned int *plen)
{
	const char *slash = strchr(arg, '/');
	unsigned int len;
	char host[256];

	/* xtopt_parse_hostmask(): "host" (all-ones mask) or "host/plen-or-mask" */
	if (!slash) {
		len = ps->family == XT_FAMILY_V6 ? 128 : 32;
		memset(mask, 0, sizeof(*mask));
		memset(mask, 0xff, len / 8);
		if (plen)
			*plen = len;
		return ext_parse_host(ps, arg, a);
	}
	snprintf(host, sizeof(host), "%.*s", (int)(slash - arg), arg);
	if (ext_parse_host(ps, host, a))
		return -1;
	return ext_parse_plenmask(ps, ext, opt, slash + 1, plen ? plen : &len, mask);
}

int ext_check_proc_name(const char *name)
{
	/* xt_check_proc_name() (the name is a /proc file) */
	if (!name[0] || !strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
		return -EINVAL;
	return 0;
}

uint64_t ext_now_ns(const struct xt_action *par)
{
	return par->net ? par->net->now_ns : 0;
}

/*
 * Replace the DS field byte under keep (the bits left alone) with value, as
 * ipv4_change_dsfield()/ipv6_change_dsfield() do; IPv4 patches its checksum.
 */
void ext_set_dsfield(struct pkt *pkt, bool v6, uint8_t keep, uint8_t value)
{
	uint8_t *h = (uint8_t *)pkt_header(pkt, pkt->net_off, v6 ? 40 : 20);
	uint16_t check, from, to;
	uint8_t ds;

	if (!h)
		return;
	if (v6) {
		ds = (uint8_t)((h[0] & 0x0f) << 4 | h[1] >> 4);
		ds = (uint8_t)((ds & keep) | value);
		h[0] = (uint8_t)((h[0] & 0xf0) | ds >> 4);
		h[1] = (uint8_t)((h[1] & 0x0f) | (ds & 0x0f) << 4);
		return;
	}
	memcpy(&check, h + 10, 2);
	memcpy(&from, h, 2);
	h[1] = (uint8_t)((h[1] & keep) | value);
	memcpy(&to, h, 2);
	csum_replace2(&check, from, to);
	memcpy(h + 10, &check, 2);
}


int ext_ipv6_find_hdr(const struct pkt *pkt, uint8_t target, uint32_t *off)
{
	const uint8_t *ip6 = pkt_header(pkt, pkt->net_off, 40), *hp;
	uint32_t start = pkt->net_off + 40;
	uint8_t nexthdr;

	if (!ip6)
		return -EBADMSG;
	nexthdr = ip6[6];
	while (nexthdr != target) {
		if (nexthdr == 59 || !pkt_ipv6_is_exthdr(nexthdr))
			return -ENOENT;
		hp = pkt_header(pkt, start, 8);
		if (!hp)
			return -EBADMSG;
		if (nexthdr == 44) {
			/* Past a non-first fragment there are no more headers to see. */
			if ((hp[2] << 8 | hp[3]) & 0xfff8)
				return -ENOENT;
			start += 8;
		} else if (nexthdr == 51) {
			start += (hp[1] + 2u) * 4;
		} else {
			start += (hp[1] + 1u) * 8;
		}
		nexthdr = hp[0];
	}
	*off = start;
	return 0;
}

/* print_ports() of libxt_tcp/libxt_udp: "spt:22", "dpts:!1:1023", service names without -n. */
static void ext_print_port(struct strbuf *out, uint16_t port, const char *proto, bool numeric)
{
	const char *name = numeric ? NULL : xt_port_name(port, proto);

	if (name)
		sb_add(out, name);
	else
		sb_addf(out, "%u", port);
}

void xt_print_ports(struct strbuf *out, const char *what, const uint16_t *pts, bool inv,
		    const char *proto, bool numeric)
{
	if (pts[0] == 0 && pts[1] == 0xffff && !inv)
		return;
	if (pts[0] == pts[1]) {
		sb_addf(out, " %s:%s", what, inv ? "!" : "");
		ext_print_port(out, pts[0], proto, numeric);
	} else {
		sb_addf(out, " %ss:%s", what, inv ? "!" : "");
		ext_print_port(out, pts[0], proto, numeric);
		sb_addc(out, ':');
		ext_print_port(out, pts[1], proto, numeric);
	}
}

/* save_ports() of libxt_tcp/libxt_udp: " --dport 22", " ! --sport 1:1023"; nothing for any. */
bool xt_nft_drop_full_range(const uint16_t *pts, uint8_t *invflags, uint8_t bit)
{
	if (pts[0] != 0 || pts[1] != 0xffff || !(*invflags & bit))
		return false;
	*invflags &= (uint8_t)~bit;
	return true;
}

void xt_save_ports(struct strbuf *out, const char *opt, const uint16_t *pts, bool inv)
{
	if (pts[0] == 0 && pts[1] == 0xffff && !inv)
		return;
	sb_addf(out, " %s--%s ", inv ? "! " : "", opt);
	if (pts[0] == pts[1])
		sb_addf(out, "%u", pts[0]);
	else
		sb_addf(out, "%u:%u", pts[0], pts[1]);
}
