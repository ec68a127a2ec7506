/*
 * policy: the IPsec policy a packet was decapsulated with / will be encapsulated
 * with (xt_policy.c, libxt_policy.c).  usnf has no IPsec (no xfrm): every packet
 * is one without a policy (no secpath on input, no xfrm bundle on output), for
 * which policy_mt() finds "no policy" (-1): `--pol none` matches, `--pol ipsec`
 * does not, whatever the elements say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define POL_MATCH_IN 0x01       /* XT_POLICY_MATCH_* of xt_policy.h */
#define POL_MATCH_OUT 0x02
#define POL_MATCH_NONE 0x04
#define POL_MATCH_STRICT 0x08
#define POL_MAX_ELEM 4
#define POL_MODE_TRANSPORT 0
#define POL_MODE_TUNNEL 1

enum { O_DIRECTION = 0, O_POLICY, O_STRICT, O_REQID, O_SPI, O_PROTO, O_MODE, O_TUNNELSRC,
       O_TUNNELDST, O_NEXT };

/* What an element compares: bits of match/invert (struct xt_policy_spec). */
enum { PS_SADDR = 0x01, PS_DADDR = 0x02, PS_PROTO = 0x04, PS_MODE = 0x08, PS_SPI = 0x10,
       PS_REQID = 0x20 };

/* struct xt_policy_elem */
struct pol_elem {
	union xt_addr saddr, smask, daddr, dmask;
	uint32_t spi, reqid;
	uint8_t proto, mode;
	uint8_t match, invert;
};

/* struct xt_policy_info */
struct pol_info {
	struct pol_elem pol[POL_MAX_ELEM];
	uint16_t flags;
	uint16_t len;
	uint32_t xflags;        /* zeroed by final_check */
};

static const struct xt_opt pol_opts[] = {
	{ .name = "dir", .id = O_DIRECTION, .arg = XT_ARG_REQUIRED },
	{ .name = "pol", .id = O_POLICY, .arg = XT_ARG_REQUIRED },
	{ .name = "strict", .id = O_STRICT },
	{ .name = "reqid", .id = O_REQID, .arg = XT_ARG_REQUIRED, .invertible = true, .multi = true },
	{ .name = "spi", .id = O_SPI, .arg = XT_ARG_REQUIRED, .invertible = true, .multi = true },
	{ .name = "tunnel-src", .id = O_TUNNELSRC, .arg = XT_ARG_REQUIRED, .invertible = true,
	  .multi = true },
	{ .name = "tunnel-dst", .id = O_TUNNELDST, .arg = XT_ARG_REQUIRED, .invertible = true,
	  .multi = true },
	{ .name = "proto", .id = O_PROTO, .arg = XT_ARG_REQUIRED, .invertible = true, .multi = true },
	{ .name = "mode", .id = O_MODE, .arg = XT_ARG_REQUIRED, .invertible = true, .multi = true },
	{ .name = "next", .id = O_NEXT, .multi = true },
	{ 0 },
};

static const struct ext_fc pol_fc[] = {
	{ .id = O_NEXT, .also = EXT_F(O_STRICT) },
	{ .id = EXT_FC_END },
};

/* The prefix length of a contiguous mask, or -1. */
static int pol_mask_len(const union xt_addr *m, bool v6)
{
	unsigned int bits = v6 ? 128 : 32, i, n = 0;
	const uint8_t *b = v6 ? m->a6 : (const uint8_t *)&m->a4;

	for (i = 0; i < bits; i++) {
		if (b[i / 8] & (0x80 >> (i % 8))) {
			if (n != i)
				return -1;
			n++;
		}
	}
	return (int)n;
}

static void pol_mask_from_len(union xt_addr *m, unsigned int len, bool v6)
{
	uint8_t *b = v6 ? m->a6 : (uint8_t *)&m->a4;
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < len; i++)
		b[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

/* XTTYPE_HOSTMASK: "addr[/len|/mask]"; the address is kept as given.  A mask that is
 * not a prefix ("/33" reads as 0.0.0.33) shows and works as the full one. */
static int pol_parse_hostmask(struct xt_parse *ps, const char *opt, const char *arg,
			      union xt_addr *a, union xt_addr *m)
{
	bool v6 = ps->family == XT_FAMILY_V6;

	if (ext_parse_hostmask(ps, "policy", opt, arg, a, m, NULL))
		return -1;
	if (pol_mask_len(m, v6) < 0)
		pol_mask_from_len(m, v6 ? 128 : 32, v6);
	return 0;
}

static int pol_once(struct xt_parse *ps, struct pol_elem *e, uint8_t bit, const char *opt,
		    bool invert)
{
	if (e->match & bit)
		return xt_parse_error(ps, "policy match: double --%s option", opt);
	e->match |= bit;
	if (invert)
		e->invert |= bit;
	return 0;
}

static int pol_parse_elem(struct pol_elem *e, int id, const char *arg, bool invert,
			  struct xt_parse *ps)
{
	unsigned long long v;
	uint8_t p;

	switch (id) {
	case O_REQID:
	case O_SPI:
		if (pol_once(ps, e, id == O_REQID ? PS_REQID : PS_SPI, id == O_REQID ? "reqid" : "spi",
			     invert))
			return -1;
		if (ext_parse_num(ps, "policy", id == O_REQID ? "reqid" : "spi", arg, 0,
				  0xffffffffu, &v))
			return -1;
		*(id == O_REQID ? &e->reqid : &e->spi) = (uint32_t)v;
		return 0;
	case O_TUNNELSRC:
		if (pol_once(ps, e, PS_SADDR, "tunnel-src", invert))
			return -1;
		return pol_parse_hostmask(ps, "tunnel-src", arg, &e->saddr, &e->smask);
	case O_TUNNELDST:
		if (pol_once(ps, e, PS_DADDR, "tunnel-dst", invert))
			return -1;
		return pol_parse_hostmask(ps, "tunnel-dst", arg, &e->daddr, &e->dmask);
	case O_PROTO:
		if (e->match & PS_PROTO)
			return xt_parse_error(ps, "policy match: double --proto option");
		if (xt_proto_parse(arg, &p))
			return xt_parse_error(ps, "unknown protocol \"%s\" specified", arg);
		if (p != 51 && p != 50 && p != 108)
			return xt_parse_error(ps, "policy match: protocol must be ah/esp/ipcomp");
		e->proto = p;
		return pol_once(ps, e, PS_PROTO, "proto", invert);
	default:
		if (pol_once(ps, e, PS_MODE, "mode", invert))
			return -1;
		if (strcmp(arg, "transport") == 0)
			e->mode = POL_MODE_TRANSPORT;
		else if (strcmp(arg, "tunnel") == 0)
			e->mode = POL_MODE_TUNNEL;
		else
			return xt_parse_error(ps, "policy match: invalid mode \"%s\"", arg);
		return 0;
	}
}

static int pol_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct pol_info *pi = data;

	pi->xflags |= EXT_F(id);
	switch (id) {
	case O_DIRECTION:
		if (strcmp(arg, "in") == 0)
			pi->flags |= POL_MATCH_IN;
		else if (strcmp(arg, "out") == 0)
			pi->flags |= POL_MATCH_OUT;
		else
			return xt_parse_error(ps, "policy_match: invalid dir \"%s\"", arg);
		return 0;
	case O_POLICY:
		if (strcmp(arg, "none") == 0)
			pi->flags |= POL_MATCH_NONE;
		else if (strcmp(arg, "ipsec") != 0)
			return xt_parse_error(ps, "policy match: invalid policy \"%s\"", arg);
		return 0;
	case O_STRICT:
		pi->flags |= POL_MATCH_STRICT;
		return 0;
	case O_NEXT:
		if (++pi->len == POL_MAX_ELEM)
			return xt_parse_error(ps, "policy match: maximum policy depth reached");
		return 0;
	default:
		return pol_parse_elem(&pi->pol[pi->len], id, arg, invert, ps);
	}
}

static int pol_final_check(void *data, struct xt_parse *ps)
{
	struct pol_info *pi = data;
	uint32_t xflags = pi->xflags;
	unsigned int i;

	pi->xflags = 0;
	if (!(pi->flags & (POL_MATCH_IN | POL_MATCH_OUT)))
		return xt_parse_error(ps, "policy match: neither --dir in nor --dir out specified");
	if (pi->flags & POL_MATCH_NONE) {
		if (pi->flags & POL_MATCH_STRICT)
			return xt_parse_error(ps, "policy match: policy none but --strict given");
		if (pi->len != 0)
			return xt_parse_error(ps, "policy match: policy none but policy given");
	} else {
		pi->len++;
	}
	for (i = 0; i < pi->len; i++) {
		const struct pol_elem *e = &pi->pol[i];
		bool inv_mode = e->invert & PS_MODE;

		if ((pi->flags & POL_MATCH_STRICT) && !e->match)
			return xt_parse_error(ps, "policy match: empty policy element %u. --strict is "
					      "in effect, but at least one of reqid, spi, tunnel-src, "
					      "tunnel-dst, proto or mode is required.", i);
		if ((e->match & (PS_SADDR | PS_DADDR)) &&
		    ((e->mode == POL_MODE_TUNNEL && inv_mode) ||
		     (e->mode == POL_MODE_TRANSPORT && !inv_mode)))
			return xt_parse_error(ps, "policy match: --tunnel-src/--tunnel-dst is only "
					      "valid in tunnel mode");
	}
	/* the option table's checks come after x6_fcheck (xtables_option_mfcheck) */
	return ext_fcheck(ps, "policy", pol_opts, pol_fc, xflags);
}

/* policy_mt_check(): a direction, and one the chain's hooks can see. */
static int pol_check(const void *data, struct xt_parse *ps)
{
	const struct pol_info *pi = data;
	unsigned int in_hooks = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_IN);
	unsigned int out_hooks = (1u << USNF_INET_POST_ROUTING) | (1u << USNF_INET_LOCAL_OUT);

	if (!(pi->flags & (POL_MATCH_IN | POL_MATCH_OUT)))
		return -EINVAL;
	if ((ps->hook_mask & in_hooks) && (pi->flags & POL_MATCH_OUT))
		return -EINVAL;
	if ((ps->hook_mask & out_hooks) && (pi->flags & POL_MATCH_IN))
		return -EINVAL;
	if (pi->len > POL_MAX_ELEM)
		return -EINVAL;
	return 0;
}

static void pol_addr(struct strbuf *out, bool v6, const union xt_addr *a, const union xt_addr *m)
{
	enum xt_family fam = v6 ? XT_FAMILY_V6 : XT_FAMILY_V4;
	int len = pol_mask_len(m, v6);
	char buf[64];

	sb_add(out, ext_addr_str(fam, a, buf));
	if (len == (v6 ? 128 : 32))
		return;
	if (len >= 0)
		sb_addf(out, "/%d", len);
	else
		sb_addf(out, "/%s", ext_addr_str(fam, m, buf));
}

/* print_entry(): pfx is "" for -L, "--" for -S. */
static void pol_elem_out(const struct pol_elem *e, const char *pfx, bool numeric, bool v6,
			 struct strbuf *out)
{
	const char *pname;

#define POL_INV(bit) sb_add(out, (e->invert & (bit)) ? " !" : "")
	if (e->match & PS_REQID) {
		POL_INV(PS_REQID);
		sb_addf(out, " %sreqid %u", pfx, e->reqid);
	}
	if (e->match & PS_SPI) {
		POL_INV(PS_SPI);
		sb_addf(out, " %sspi 0x%x", pfx, e->spi);
	}
	if (e->match & PS_PROTO) {
		POL_INV(PS_PROTO);
		pname = numeric ? NULL : xt_proto_name(e->proto);
		if (pname)
			sb_addf(out, " %sproto %s", pfx, pname);
		else
			sb_addf(out, " %sproto %u", pfx, e->proto);
	}
	if (e->match & PS_MODE) {
		POL_INV(PS_MODE);
		sb_addf(out, " %smode %s", pfx, e->mode == POL_MODE_TRANSPORT ? "transport"
						  : e->mode == POL_MODE_TUNNEL ? "tunnel" : "???");
	}
	if (e->match & PS_DADDR) {
		POL_INV(PS_DADDR);
		sb_addf(out, " %stunnel-dst ", pfx);
		pol_addr(out, v6, &e->daddr, &e->dmask);
	}
	if (e->match & PS_SADDR) {
		POL_INV(PS_SADDR);
		sb_addf(out, " %stunnel-src ", pfx);
		pol_addr(out, v6, &e->saddr, &e->smask);
	}
#undef POL_INV
}

static void pol_flags_out(const struct pol_info *pi, const char *pfx, struct strbuf *out)
{
	sb_addf(out, " %sdir %s", pfx, (pi->flags & POL_MATCH_IN) ? "in" : "out");
	sb_addf(out, " %spol %s", pfx, (pi->flags & POL_MATCH_NONE) ? "none" : "ipsec");
	if (pi->flags & POL_MATCH_STRICT)
		sb_addf(out, " %sstrict", pfx);
}

static void pol_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct pol_info *pi = data;
	bool v6 = r && r->family == XT_FAMILY_V6;
	unsigned int i;

	pol_flags_out(pi, "--", out);
	for (i = 0; i < pi->len && i < POL_MAX_ELEM; i++) {
		pol_elem_out(&pi->pol[i], "--", false, v6, out);
		if (i + 1 < pi->len)
			sb_add(out, " --next");
	}
}

static void pol_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct pol_info *pi = data;
	bool v6 = r && r->family == XT_FAMILY_V6;
	unsigned int i;

	sb_add(out, " policy match");
	pol_flags_out(pi, "", out);
	for (i = 0; i < pi->len && i < POL_MAX_ELEM; i++) {
		if (pi->len > 1)
			sb_addf(out, " [%u]", i);
		pol_elem_out(&pi->pol[i], "", flags & XT_PRINT_NUMERIC, v6, out);
	}
}

/* policy_mt() for a packet with no IPsec policy: match_policy_in/out() give -1. */
static bool pol_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct pol_info *pi = data;

	return (pi->flags & POL_MATCH_NONE) != 0;
}

const struct xt_match_ops xt_match_policy = {
	.name = "policy",
	.family = XT_EXT_ANY,
	.size = sizeof(struct pol_info),
	.opts = pol_opts,
	.init = NULL,
	.parse = pol_parse,
	.final_check = pol_final_check,
	.check = pol_check,
	.save = pol_save,
	.print = pol_print,
	.match = pol_match,
};
