/* ecn: ECN bits of the IP header and the TCP ECE/CWR flags (xt_ecn.c, libxt_ecn.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define ECN_MATCH_IP  0x01      /* XT_ECN_OP_MATCH_IP */
#define ECN_MATCH_ECE 0x10
#define ECN_MATCH_CWR 0x20
#define ECN_MATCH_MASK 0xce     /* bits the kernel rejects */

enum { O_ECN_TCP_CWR = 0, O_ECN_TCP_ECE, O_ECN_IP_ECT };

struct ecn_info {
	uint32_t xflags;
	uint8_t operation, invert, ip_ect;
};

static const struct xt_opt ecn_opts[] = {
	{ .name = "ecn-tcp-cwr", .id = O_ECN_TCP_CWR, .arg = XT_ARG_NONE, .invertible = true },
	{ .name = "ecn-tcp-ece", .id = O_ECN_TCP_ECE, .arg = XT_ARG_NONE, .invertible = true },
	{ .name = "ecn-ip-ect", .id = O_ECN_IP_ECT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static int ecn_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ecn_info *e = data;
	unsigned long long v;
	uint8_t bit;

	if (id == O_ECN_IP_ECT) {
		if (ext_parse_num(ps, "ecn", "ecn-ip-ect", arg, 0, 3, &v))
			return -1;
		e->ip_ect = (uint8_t)v;
		bit = ECN_MATCH_IP;
	} else {
		bit = id == O_ECN_TCP_CWR ? ECN_MATCH_CWR : ECN_MATCH_ECE;
	}
	e->operation |= bit;
	if (invert)
		e->invert |= bit;
	e->xflags |= EXT_F(id);
	return 0;
}

static int ecn_final_check(void *data, struct xt_parse *ps)
{
	struct ecn_info *e = data;
	uint32_t xflags = e->xflags;

	e->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "ECN match: some option required");
	return 0;
}

/* ecn_mt_check4/6(): the TCP flag tests need an uninverted -p tcp. */
static int ecn_check(const void *data, struct xt_parse *ps)
{
	const struct ecn_info *e = data;
	const struct xt_ipspec *ip = &ps->rule->ip;

	if ((e->operation & ECN_MATCH_MASK) || (e->invert & ECN_MATCH_MASK))
		return -EINVAL;
	if ((e->operation & (ECN_MATCH_ECE | ECN_MATCH_CWR)) &&
	    (ip->proto != 6 || (ip->invflags & XT_INV_PROTO)))
		return -EINVAL;
	return 0;
}

static void ecn_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct ecn_info *e = data;

	if (e->operation & ECN_MATCH_ECE)
		sb_addf(out, "%s --ecn-tcp-ece", e->invert & ECN_MATCH_ECE ? " !" : "");
	if (e->operation & ECN_MATCH_CWR)
		sb_addf(out, "%s --ecn-tcp-cwr", e->invert & ECN_MATCH_CWR ? " !" : "");
	if (e->operation & ECN_MATCH_IP)
		sb_addf(out, "%s --ecn-ip-ect %u", e->invert & ECN_MATCH_IP ? " !" : "", e->ip_ect);
}

static void ecn_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct ecn_info *e = data;

	sb_add(out, " ECN match");
	if (e->operation & ECN_MATCH_ECE)
		sb_addf(out, " %sECE", e->invert & ECN_MATCH_ECE ? "!" : "");
	if (e->operation & ECN_MATCH_CWR)
		sb_addf(out, " %sCWR", e->invert & ECN_MATCH_CWR ? "!" : "");
	if (e->operation & ECN_MATCH_IP)
		sb_addf(out, " %sECT=%u", e->invert & ECN_MATCH_IP ? "!" : "", e->ip_ect);
}

/* match_tcp(): each requested flag set (or clear when inverted). */
static bool ecn_match_tcp(const struct pkt *pkt, const struct ecn_info *e, uint32_t thoff)
{
	const uint8_t *th = pkt_header(pkt, thoff, 20);
	bool ece, cwr;

	if (!th)
		return false;
	ece = th[13] & 0x40;
	cwr = th[13] & 0x80;
	if ((e->operation & ECN_MATCH_ECE) && ece == !!(e->invert & ECN_MATCH_ECE))
		return false;
	if ((e->operation & ECN_MATCH_CWR) && cwr == !!(e->invert & ECN_MATCH_CWR))
		return false;
	return true;
}

static bool ecn_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ecn_info *e = data;
	bool v6 = xt_is_v6(par);
	const uint8_t *h = pkt_header(pkt, pkt->net_off, v6 ? 40 : 20);
	uint8_t ds;

	if (!h)
		return false;
	ds = v6 ? (uint8_t)((h[0] & 0x0f) << 4 | h[1] >> 4) : h[1];
	if ((e->operation & ECN_MATCH_IP) &&
	    !(((ds & 3) == e->ip_ect) ^ !!(e->invert & ECN_MATCH_IP)))
		return false;
	if ((e->operation & (ECN_MATCH_ECE | ECN_MATCH_CWR)) &&
	    !ecn_match_tcp(pkt, e, par->thoff))
		return false;
	return true;
}

const struct xt_match_ops xt_match_ecn = {
	.name = "ecn",
	.family = XT_EXT_ANY,
	.size = sizeof(struct ecn_info),
	.opts = ecn_opts,
	.parse = ecn_parse,
	.final_check = ecn_final_check,
	.check = ecn_check,
	.save = ecn_save,
	.print = ecn_print,
	.match = ecn_match,
};
