/*
 * SYNPROXY: answer a client's SYN with a syncookie and open the connection to
 * the server only once the client's ACK proves the cookie (ipt_SYNPROXY.c /
 * ip6t_SYNPROXY.c, the target half of net/netfilter/xt_SYNPROXY.c;
 * libxt_SYNPROXY.c).  The rest of the handshake and the translation of
 * sequence numbers and timestamps afterwards is the core's (ct/ct_synproxy.c).
 */
#include <errno.h>
#include <string.h>

#include "ct/ct.h"
#include "ct/ct_synproxy.h"
#include "pkt/csum.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_SACK_PERM = 0, O_TIMESTAMP, O_WSCALE, O_MSS, O_ECN };


static const struct xt_opt synproxy_opts[] = {
	{ .name = "sack-perm", .id = O_SACK_PERM, .arg = XT_ARG_NONE },
	{ .name = "timestamp", .id = O_TIMESTAMP, .arg = XT_ARG_NONE },
	{ .name = "wscale", .id = O_WSCALE, .arg = XT_ARG_REQUIRED },
	{ .name = "mss", .id = O_MSS, .arg = XT_ARG_REQUIRED },
	{ .name = "ecn", .id = O_ECN, .arg = XT_ARG_NONE },
	{ 0 },
};

/* SYNPROXY_parse(): --wscale and --mss are XTTYPE_UINT32 stored in a u8 and a u16. */
static int synproxy_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ct_synproxy_info *info = data;
	unsigned long long v;

	switch (id) {
	case O_SACK_PERM:
		info->options |= CT_SYNPROXY_OPT_SACK_PERM;
		break;
	case O_TIMESTAMP:
		info->options |= CT_SYNPROXY_OPT_TIMESTAMP;
		break;
	case O_WSCALE:
		if (ext_parse_num(ps, "SYNPROXY", "wscale", arg, 0, 0xffffffffu, &v))
			return -1;
		info->options |= CT_SYNPROXY_OPT_WSCALE;
		info->wscale = (uint8_t)v;
		break;
	case O_MSS:
		if (ext_parse_num(ps, "SYNPROXY", "mss", arg, 0, 0xffffffffu, &v))
			return -1;
		info->options |= CT_SYNPROXY_OPT_MSS;
		info->mss = (uint16_t)v;
		break;
	case O_ECN:
		info->options |= CT_SYNPROXY_OPT_ECN;
		break;
	default:
		return -1;
	}
	return 0;
}

/*
 * synproxy_tg4_check() / synproxy_tg6_check(): an uninverted -p tcp (IPv6: -p
 * given), then conntrack and the synproxy hook functions for the family.
 */
static int synproxy_check(const void *data, struct xt_parse *ps)
{
	const struct xt_ipspec *ip = &ps->rule->ip;

	(void)data;
	if (ip->proto != 6 || (ip->invflags & XT_INV_PROTO) ||
	    (ps->family == XT_FAMILY_V6 && !(ip->flags & XT_F_PROTO)))
		return -EINVAL;
	if (!ps->net)
		return 0;
	return ct_synproxy_init(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
								 : USNF_NFPROTO_IPV4);
}

/* SYNPROXY_save() (" --opt v") and SYNPROXY_print() ("opt v ", every word followed
 * by a space, the last one too). */
static void synproxy_dump(const struct ct_synproxy_info *info, bool save, struct strbuf *out)
{
	const char *fmt = save ? " --%s" : "%s ", *fmtv = save ? " --%s %u" : "%s %u ";

	if (info->options & CT_SYNPROXY_OPT_SACK_PERM)
		sb_addf(out, fmt, "sack-perm");
	if (info->options & CT_SYNPROXY_OPT_TIMESTAMP)
		sb_addf(out, fmt, "timestamp");
	if (info->options & CT_SYNPROXY_OPT_WSCALE)
		sb_addf(out, fmtv, "wscale", info->wscale);
	if (info->options & CT_SYNPROXY_OPT_MSS)
		sb_addf(out, fmtv, "mss", info->mss);
	if (info->options & CT_SYNPROXY_OPT_ECN)
		sb_addf(out, fmt, "ecn");
}

static void synproxy_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	synproxy_dump(data, true, out);
}

static void synproxy_print(const void *data, const struct xt_rule *r, unsigned int flags,
			   struct strbuf *out)
{
	sb_add(out, " SYNPROXY ");
	synproxy_dump(data, false, out);
}

/*
 * nf_ip_checksum() / nf_ip6_checksum() on LOCAL_IN and FORWARD: the TCP
 * checksum over the segment the IP header bounds.
 */
static bool synproxy_csum_ok(const struct pkt *pkt, const struct xt_action *par)
{
	const uint8_t *nh = pkt_header(pkt, pkt->net_off, xt_is_v6(par) ? 40 : 20);
	uint32_t end, len, pseudo, s, d;

	if (!nh)
		return false;
	end = xt_is_v6(par) ? pkt->net_off + 40 + (uint32_t)(nh[4] << 8 | nh[5])
			    : pkt->net_off + (uint32_t)(nh[2] << 8 | nh[3]);
	if (end > pkt_end(pkt) || end < par->thoff + 20)
		return false;
	len = end - par->thoff;
	if (xt_is_v6(par)) {
		pseudo = csum_pseudo6(nh + 8, nh + 24, 6, len);
	} else {
		memcpy(&s, nh + 12, 4);
		memcpy(&d, nh + 16, 4);
		pseudo = csum_pseudo4(s, d, 6, len);
	}
	return csum_l4(pkt, par->thoff, len, pseudo) == 0;
}

/* synproxy_tg4() / synproxy_tg6(). */
static unsigned int synproxy_tg(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ct_synproxy_info *info = data;
	struct ct_synproxy_opts o = { 0 };
	struct ct_synproxy_stats *st;
	uint8_t l3 = xt_is_v6(par) ? USNF_NFPROTO_IPV6 : USNF_NFPROTO_IPV4;
	const uint8_t *th;
	uint8_t flags;

	if (!synproxy_csum_ok(pkt, par))
		return USNF_DROP;
	th = pkt_header(pkt, par->thoff, 20);
	if (!th || !ct_synproxy_parse_options(pkt, par->thoff, &o))
		return USNF_DROP;
	flags = th[13];
	if ((flags & TH_SYN) && !(flags & (TH_ACK | TH_FIN | TH_RST))) {
		/* The client's SYN. */
		st = ct_synproxy_stats_mut(par->net);
		if (st)
			st->syn_received++;
		if ((flags & TH_ECE) && (flags & TH_CWR))
			o.options |= CT_SYNPROXY_OPT_ECN;
		o.options &= info->options;
		o.mss_encode = o.mss_option;
		o.mss_option = info->mss;
		if (o.options & CT_SYNPROXY_OPT_TIMESTAMP)
			ct_synproxy_init_timestamp_cookie(par->net, info, &o);
		else
			o.options &= (uint8_t)~(CT_SYNPROXY_OPT_WSCALE | CT_SYNPROXY_OPT_SACK_PERM |
						CT_SYNPROXY_OPT_ECN);
		ct_synproxy_send_client_synack(par->net, pkt, l3, par->thoff, &o);
		return ct_synproxy_consume(par->net, pkt);
	}
	if ((flags & TH_ACK) && !(flags & (TH_FIN | TH_RST | TH_SYN))) {
		/* The client's ACK: its cookie decides. */
		uint32_t seq = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 |
			       (uint32_t)th[6] << 8 | th[7];

		if (!ct_synproxy_recv_client_ack(par->net, pkt, l3, par->thoff, &o, seq))
			return USNF_DROP;
		return ct_synproxy_consume(par->net, pkt);
	}
	return XT_CONTINUE;
}

#define SYNPROXY_HOOKS ((1u << USNF_INET_LOCAL_IN) | (1u << USNF_INET_FORWARD))

const struct xt_target_ops xt_target_synproxy4 = {
	.name = "SYNPROXY",
	.family = XT_EXT_V4,
	.size = sizeof(struct ct_synproxy_info),
	.opts = synproxy_opts,
	.hooks = SYNPROXY_HOOKS,
	.parse = synproxy_parse,
	.check = synproxy_check,
	.save = synproxy_save,
	.print = synproxy_print,
	.target = synproxy_tg,
};

const struct xt_target_ops xt_target_synproxy6 = {
	.name = "SYNPROXY",
	.family = XT_EXT_V6,
	.size = sizeof(struct ct_synproxy_info),
	.opts = synproxy_opts,
	.hooks = SYNPROXY_HOOKS,
	.parse = synproxy_parse,
	.check = synproxy_check,
	.save = synproxy_save,
	.print = synproxy_print,
	.target = synproxy_tg,
};
