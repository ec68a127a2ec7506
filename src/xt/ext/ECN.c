/* ECN: rewrite the IPv4 ECN field and the TCP ECE/CWR flags (ipt_ECN.c, libipt_ECN.c). */
#include <string.h>

#include "pkt/csum.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define ECN_OP_SET_IP 0x01
#define ECN_OP_SET_ECE 0x10
#define ECN_OP_SET_CWR 0x20
#define ECN_OP_MASK 0xce        /* bits the kernel refuses */

enum { O_ECN_TCP_REMOVE = 0, O_ECN_TCP_CWR, O_ECN_TCP_ECE, O_ECN_IP_ECT };

/* struct ipt_ECN_info. */
struct ecn_tg {
	uint32_t xflags;
	uint8_t operation, ip_ect, ece, cwr;
};

static const struct xt_opt ecn_tg_opts[] = {
	{ .name = "ecn-tcp-remove", .id = O_ECN_TCP_REMOVE, .arg = XT_ARG_NONE },
	{ .name = "ecn-tcp-cwr", .id = O_ECN_TCP_CWR, .arg = XT_ARG_REQUIRED },
	{ .name = "ecn-tcp-ece", .id = O_ECN_TCP_ECE, .arg = XT_ARG_REQUIRED },
	{ .name = "ecn-ip-ect", .id = O_ECN_IP_ECT, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc ecn_tg_fc[] = {
	{ .id = O_ECN_TCP_REMOVE, .excl = EXT_F(O_ECN_TCP_CWR) | EXT_F(O_ECN_TCP_ECE) },
	{ .id = EXT_FC_END },
};

static int ecn_tg_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ecn_tg *e = data;
	unsigned long long v = 0;

	if (id != O_ECN_TCP_REMOVE &&
	    ext_parse_num(ps, "ECN", ext_opt_name(ecn_tg_opts, id), arg, 0,
			  id == O_ECN_IP_ECT ? 3 : 1, &v))
		return -1;
	switch (id) {
	case O_ECN_TCP_REMOVE:
		e->operation = ECN_OP_SET_ECE | ECN_OP_SET_CWR;
		e->ece = e->cwr = 0;
		break;
	case O_ECN_TCP_CWR:
		e->operation |= ECN_OP_SET_CWR;
		e->cwr = (uint8_t)v;
		break;
	case O_ECN_TCP_ECE:
		e->operation |= ECN_OP_SET_ECE;
		e->ece = (uint8_t)v;
		break;
	default:
		e->operation |= ECN_OP_SET_IP;
		e->ip_ect = (uint8_t)v;
		break;
	}
	e->xflags |= EXT_F(id);
	return 0;
}

static int ecn_tg_final_check(void *data, struct xt_parse *ps)
{
	struct ecn_tg *e = data;
	uint32_t xflags = e->xflags;

	e->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "ECN target: An operation is required");
	return ext_fcheck(ps, "ECN", ecn_tg_opts, ecn_tg_fc, xflags);
}

/* ecn_tg_check(): the TCP flag operations need an uninverted -p tcp. */
static int ecn_tg_check(const void *data, struct xt_parse *ps)
{
	const struct ecn_tg *e = data;
	const struct xt_ipspec *ip = &ps->rule->ip;

	if ((e->operation & ECN_OP_MASK) || (e->ip_ect & ~3))
		return -EINVAL;
	if ((e->operation & (ECN_OP_SET_ECE | ECN_OP_SET_CWR)) &&
	    (ip->proto != 6 || (ip->invflags & XT_INV_PROTO)))
		return -EINVAL;
	return 0;
}

static bool ecn_tg_remove(const struct ecn_tg *e)
{
	return e->operation == (ECN_OP_SET_ECE | ECN_OP_SET_CWR) && !e->ece && !e->cwr;
}

static void ecn_tg_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct ecn_tg *e = data;

	if (ecn_tg_remove(e)) {
		sb_add(out, " --ecn-tcp-remove");
		return;
	}
	if (e->operation & ECN_OP_SET_ECE)
		sb_addf(out, " --ecn-tcp-ece %u", e->ece);
	if (e->operation & ECN_OP_SET_CWR)
		sb_addf(out, " --ecn-tcp-cwr %u", e->cwr);
	if (e->operation & ECN_OP_SET_IP)
		sb_addf(out, " --ecn-ip-ect %u", e->ip_ect);
}

static void ecn_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct ecn_tg *e = data;

	sb_add(out, " ECN");
	if (ecn_tg_remove(e)) {
		sb_add(out, " TCP remove");
		return;
	}
	if (e->operation & ECN_OP_SET_ECE)
		sb_addf(out, " ECE=%u", e->ece);
	if (e->operation & ECN_OP_SET_CWR)
		sb_addf(out, " CWR=%u", e->cwr);
	if (e->operation & ECN_OP_SET_IP)
		sb_addf(out, " ECT codepoint=%u", e->ip_ect);
}

/* set_ect_tcp(): only when a flag differs; the TCP checksum follows the flag word. */
static bool ecn_tg_tcp(struct pkt *pkt, const struct ecn_tg *e, uint32_t off)
{
	uint8_t *th = (uint8_t *)pkt_header(pkt, off, 20);
	uint16_t oldw, neww, check;
	bool ece, cwr;

	if (!th)
		return false;
	ece = th[13] & 0x40;
	cwr = th[13] & 0x80;
	if ((!(e->operation & ECN_OP_SET_ECE) || ece == e->ece) &&
	    (!(e->operation & ECN_OP_SET_CWR) || cwr == e->cwr))
		return true;
	memcpy(&oldw, th + 12, 2);
	if (e->operation & ECN_OP_SET_ECE)
		th[13] = (uint8_t)((th[13] & ~0x40) | (e->ece ? 0x40 : 0));
	if (e->operation & ECN_OP_SET_CWR)
		th[13] = (uint8_t)((th[13] & ~0x80) | (e->cwr ? 0x80 : 0));
	memcpy(&neww, th + 12, 2);
	memcpy(&check, th + 16, 2);
	csum_replace2(&check, oldw, neww);
	memcpy(th + 16, &check, 2);
	return true;
}

/* ecn_tg(). */
static unsigned int ecn_tg_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ecn_tg *e = data;
	const uint8_t *iph = pkt_header(pkt, pkt->net_off, 20);

	if (!iph)
		return USNF_DROP;
	if ((e->operation & ECN_OP_SET_IP) && (iph[1] & 3) != e->ip_ect)
		ext_set_dsfield(pkt, false, 0xfc, e->ip_ect);
	if ((e->operation & (ECN_OP_SET_ECE | ECN_OP_SET_CWR)) && iph[9] == 6 &&
	    !ecn_tg_tcp(pkt, e, pkt->net_off + (iph[0] & 0x0f) * 4u)) {
		pkt->drop_reason = PKT_DROP_NETFILTER_DROP;
		return USNF_DROP;
	}
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_ecn = {
	.name = "ECN",
	.family = XT_EXT_V4,
	.size = sizeof(struct ecn_tg),
	.opts = ecn_tg_opts,
	.table = "mangle",
	.parse = ecn_tg_parse,
	.final_check = ecn_tg_final_check,
	.check = ecn_tg_check,
	.save = ecn_tg_save,
	.print = ecn_tg_print,
	.target = ecn_tg_target,
};
