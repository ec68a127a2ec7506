/*
 * ipvs: properties of the IPVS connection a packet belongs to (xt_ipvs.c,
 * libxt_ipvs.c revision 0).  usnf has no IPVS: rules are parsed, checked and
 * printed exactly as iptables 1.8.9 does, and evaluated as ipvs_mt() does for a
 * packet IPVS never handled (skb->ipvs_property clear): "--ipvs" and every other
 * option fail, only "! --ipvs" on its own matches.
 */
#include <string.h>
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

/* option ids double as the XT_IPVS_* bits (1 << id), as in libxt_ipvs.c */
enum { O_IPVS = 0, O_VPROTO, O_VADDR, O_VPORT, O_VDIR, O_VMETHOD, O_VPORTCTL };

#define IPVS_PROPERTY   (1u << O_IPVS)
#define IPVS_DIR        (1u << O_VDIR)
#define IPVS_MASK       0x7fu
#define IPVS_ONCE_MASK  (IPVS_MASK & ~IPVS_PROPERTY)

/* IP_VS_CONN_F_* forwarding methods */
#define IPVS_F_MASQ     0x0000
#define IPVS_F_TUNNEL   0x0002
#define IPVS_F_DROUTE   0x0003

/* struct xt_ipvs_mtinfo (ports in host order here). */
struct ipvs_info {
	union xt_addr vaddr, vmask;
	uint16_t vport;
	uint8_t l4proto;
	uint8_t fwd_method;
	uint16_t vportctl;
	uint8_t invert;
	uint8_t bitmask;
};

static const struct xt_opt ipvs_opts[] = {
	{ .name = "ipvs", .id = O_IPVS, .arg = XT_ARG_NONE, .invertible = true },
	{ .name = "vproto", .id = O_VPROTO, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "vaddr", .id = O_VADDR, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "vport", .id = O_VPORT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "vdir", .id = O_VDIR, .arg = XT_ARG_REQUIRED },
	{ .name = "vmethod", .id = O_VMETHOD, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "vportctl", .id = O_VPORTCTL, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

/* XTTYPE_HOSTMASK: "addr[/len|/mask]"; the address is kept as given (not masked). */
static int ipvs_parse_addr(struct xt_parse *ps, const char *arg, union xt_addr *a,
			   union xt_addr *m)
{
	bool v6 = ps->family == XT_FAMILY_V6;
	unsigned int bits = v6 ? 128 : 32, i;
	char buf[128], *slash;
	unsigned long long n;

	if (strlen(arg) >= sizeof(buf))
		return xt_parse_error(ps, "host/network `%s' not found", arg);
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	memset(m, 0, sizeof(*m));
	if (slash) {
		*slash++ = '\0';
		if (xt_parse_uint(slash, 0, 1000, &n) == 0)
			bits = n > bits ? bits : (unsigned int)n;
		else if (ext_addr_parse(ps->family, slash, m) == 0)
			bits = 0;
		else
			return xt_parse_error(ps, "invalid mask `%s' specified", slash);
	}
	for (i = 0; i < bits; i++)
		((uint8_t *)m)[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	if (ext_addr_parse(ps->family, buf, a))
		return xt_parse_error(ps, "host/network `%s' not found", buf);
	return 0;
}

/* XTTYPE_PORT: a number (kept in 16 bits, as iptables stores it) or a service name. */
static int ipvs_parse_port(struct xt_parse *ps, const char *arg, uint16_t *out)
{
	unsigned long long v;

	if (xt_parse_uint(arg, 0, 0xffffffffull, &v) == 0) {
		*out = (uint16_t)v;
		return 0;
	}
	if (xt_parse_port(arg, NULL, out) == 0)
		return 0;
	return xt_parse_error(ps, "Port \"%s\" does not resolve to anything.\n", arg);
}

static int ipvs_parse_named(struct ipvs_info *v, int id, const char *arg, struct xt_parse *ps)
{
	const char *opt = id == O_VDIR ? "vdir" : "vmethod";

	if (id == O_VDIR) {
		v->bitmask |= IPVS_DIR;
		if (strcasecmp(arg, "ORIGINAL") == 0)
			v->invert &= (uint8_t)~IPVS_DIR;
		else if (strcasecmp(arg, "REPLY") == 0)
			v->invert |= IPVS_DIR;
		else
			goto bad;
		return 0;
	}
	if (strcasecmp(arg, "GATE") == 0)
		v->fwd_method = IPVS_F_DROUTE;
	else if (strcasecmp(arg, "IPIP") == 0)
		v->fwd_method = IPVS_F_TUNNEL;
	else if (strcasecmp(arg, "MASQ") == 0)
		v->fwd_method = IPVS_F_MASQ;
	else
		goto bad;
	return 0;
bad:
	return xt_parse_error(ps, "ipvs: Bad value for \"--%s\" option: \"%s\"", opt, arg);
}

static int ipvs_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ipvs_info *v = data;
	int err = 0;

	switch (id) {
	case O_VPROTO:
		if (xt_proto_parse(arg, &v->l4proto))
			return xt_parse_error(ps, "unknown protocol \"%s\" specified", arg);
		break;
	case O_VADDR:
		err = ipvs_parse_addr(ps, arg, &v->vaddr, &v->vmask);
		break;
	case O_VPORT:
		err = ipvs_parse_port(ps, arg, &v->vport);
		break;
	case O_VPORTCTL:
		err = ipvs_parse_port(ps, arg, &v->vportctl);
		break;
	case O_VDIR:
	case O_VMETHOD:
		err = ipvs_parse_named(v, id, arg, ps);
		break;
	default:
		break;
	}
	if (err)
		return -1;
	v->bitmask |= (uint8_t)(1u << id);
	if (invert)
		v->invert |= (uint8_t)(1u << id);
	return 0;
}

/* ipvs_mt_check() of libxt_ipvs: any option implies --ipvs, which must not be negated. */
static int ipvs_final_check(void *data, struct xt_parse *ps)
{
	struct ipvs_info *v = data;

	if (v->bitmask == 0)
		return xt_parse_error(ps, "IPVS: At least one option is required");
	if (v->bitmask & IPVS_ONCE_MASK) {
		if (v->invert & IPVS_PROPERTY)
			return xt_parse_error(ps, "! --ipvs cannot be together with other options");
		v->bitmask |= IPVS_PROPERTY;
	}
	return 0;
}

/* xtables_ipmask_to_numeric() / ip6mask: "" for a host mask, "/len", or "/mask". */
static void ipvs_mask(enum xt_family fam, const union xt_addr *m, struct strbuf *out)
{
	unsigned int nbytes = fam == XT_FAMILY_V6 ? 16 : 4, bits = 0, i;
	char buf[64];

	for (i = 0; i < nbytes * 8 && (m->a6[i / 8] & (0x80u >> (i % 8))); i++)
		bits++;
	for (; i < nbytes * 8; i++)
		if (m->a6[i / 8] & (0x80u >> (i % 8)))
			break;
	if (i < nbytes * 8) {
		sb_addf(out, "/%s", ext_addr_str(fam, m, buf));
		return;
	}
	if (bits != nbytes * 8)
		sb_addf(out, "/%u", bits);
}

static bool ipvs_addr_zero(enum xt_family fam, const union xt_addr *a)
{
	static const union xt_addr zero;

	return memcmp(a, &zero, fam == XT_FAMILY_V6 ? 16 : 4) == 0;
}

static const char *ipvs_method_name(uint8_t m)
{
	switch (m) {
	case IPVS_F_DROUTE:
		return "GATE";
	case IPVS_F_TUNNEL:
		return "IPIP";
	case IPVS_F_MASQ:
		return "MASQ";
	default:
		return "UNKNOWN";
	}
}

static const char *ipvs_neg(const struct ipvs_info *v, int id)
{
	return v->invert & (1u << id) ? " !" : "";
}

/* ipvs_mt_dump(): the same words for -L (prefix "") and save (prefix "--"). */
static void ipvs_dump(const struct ipvs_info *v, enum xt_family fam, bool numeric,
		      const char *pfx, struct strbuf *out)
{
	char buf[64];

	if (v->bitmask == IPVS_PROPERTY)
		sb_addf(out, "%s %sipvs", ipvs_neg(v, O_IPVS), pfx);
	if (v->bitmask & (1u << O_VPROTO))
		sb_addf(out, "%s %svproto %u", ipvs_neg(v, O_VPROTO), pfx, v->l4proto);
	if (v->bitmask & (1u << O_VADDR)) {
		sb_addf(out, "%s %svaddr", ipvs_neg(v, O_VADDR), pfx);
		if (!numeric && ipvs_addr_zero(fam, &v->vaddr)) {
			sb_add(out, " anywhere");
		} else {
			sb_addf(out, " %s", ext_addr_str(fam, &v->vaddr, buf));
			ipvs_mask(fam, &v->vmask, out);
		}
	}
	if (v->bitmask & (1u << O_VPORT))
		sb_addf(out, "%s %svport %u", ipvs_neg(v, O_VPORT), pfx, v->vport);
	if (v->bitmask & IPVS_DIR)
		sb_addf(out, " %svdir %s", pfx, v->invert & IPVS_DIR ? "REPLY" : "ORIGINAL");
	if (v->bitmask & (1u << O_VMETHOD))
		sb_addf(out, "%s %svmethod %s", ipvs_neg(v, O_VMETHOD), pfx,
			ipvs_method_name(v->fwd_method));
	if (v->bitmask & (1u << O_VPORTCTL))
		sb_addf(out, "%s %svportctl %u", ipvs_neg(v, O_VPORTCTL), pfx, v->vportctl);
}

static void ipvs_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	ipvs_dump(data, r ? (enum xt_family)r->family : XT_FAMILY_V4, true, "--", out);
}

static void ipvs_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	ipvs_dump(data, r ? (enum xt_family)r->family : XT_FAMILY_V4,
		  (flags & XT_PRINT_NUMERIC) != 0, "", out);
}

/*
 * ipvs_mt(): with only --ipvs, the result is skb->ipvs_property (never set here:
 * usnf has no IPVS) xor the inversion; with any other option a packet outside
 * IPVS does not match.
 */
static bool ipvs_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ipvs_info *v = data;
	const bool ipvs_property = false;

	(void)pkt;
	(void)par;
	if (v->bitmask == IPVS_PROPERTY)
		return ipvs_property ^ !!(v->invert & IPVS_PROPERTY);
	return false;
}

const struct xt_match_ops xt_match_ipvs = {
	.name = "ipvs",
	.family = XT_EXT_ANY,
	.kmod = "xt_ipvs",
	.size = sizeof(struct ipvs_info),
	.opts = ipvs_opts,
	.parse = ipvs_parse,
	.final_check = ipvs_final_check,
	.save = ipvs_save,
	.print = ipvs_print,
	.match = ipvs_match,
};
