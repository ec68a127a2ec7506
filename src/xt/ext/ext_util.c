/* ext_util: helpers shared by the match/target extensions (libxtables' checks and printers). */
#include <arpa/inet.h>
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

int ext_err_range(struct xt_parse *ps, const char *ext, const char *opt,
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

/* strtoul with base 0 over the whole of [s, end) within max; false if not a number. */
static bool ext_strtou(const char *s, char **end, unsigned long long max, unsigned long long *v)
{
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoull(s, end, 0);
	return !errno && *end != s && *v <= max;
}

/* One bound of a range: digits (base 0) up to end or ':'. */
static bool ext_range_num(const char *s, char **end, uint32_t max, uint32_t *out)
{
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, end, 0);
	if (errno || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

int ext_parse_range(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		    uint32_t max, uint32_t *lo, uint32_t *hi)
{
	const char *p = arg;
	char *end = (char *)arg;

	if (*p == ':')
		*lo = 0;
	else if (!ext_range_num(p, &end, max, lo) || (*end != '\0' && *end != ':'))
		goto bad;
	else
		p = end;
	if (*p == '\0') {
		*hi = *lo;
		return 0;
	}
	p++;
	if (*p == '\0')
		*hi = max;
	else if (!ext_range_num(p, &end, max, hi) || *end != '\0')
		goto bad;
	return 0;
bad:
	return xt_parse_error(ps, "%s: bad value for option \"--%s\" near \"%s\", or out of "
			      "range (0-%u).", ext, opt, p, max);
}

int ext_parse_markmask(struct xt_parse *ps, const char *ext, const char *opt,
		       const char *arg, uint32_t *value, uint32_t *mask)
{
	unsigned long long v, m = 0xffffffffu;
	char *end;

	/* xtopt_parse_markmask(): value, then "/mask", then nothing more */
	if (!ext_strtou(arg, &end, 0xffffffffu, &v) ||
	    (*end == '/' && !ext_strtou(end + 1, &end, 0xffffffffu, &m)))
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

	if (ext_strtou(arg, &end, 0xff, &v) && (*end == '\0' || *end == '/')) {
		if (*end == '/' && (!ext_strtou(end + 1, &end, 0xff, &m) || *end))
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
