/* tcp: the tcp match (iptables' libxt_tcp + the kernel's tcp_mt in xt_tcpudp.c). */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define TCP_INV_SRCPT  0x01
#define TCP_INV_DSTPT  0x02
#define TCP_INV_FLAGS  0x04
#define TCP_INV_OPTION 0x08

enum { O_SPORT = 1, O_DPORT, O_SYN, O_FLAGS, O_OPTION };

struct tcp_data {
	uint16_t spts[2], dpts[2];
	uint8_t option;
	uint8_t flg_mask, flg_cmp;
	uint8_t invflags;
	uint8_t seen;           /* parse-time only, zeroed before the rule is stored */
	bool nft_void;          /* native, yet every condition was dropped (tcp_nft_void) */
};

static const struct xt_opt tcp_opts[] = {
	{ "source-port", O_SPORT, XT_ARG_REQUIRED, true, true },
	{ "sport", O_SPORT, XT_ARG_REQUIRED, true, true },
	{ "destination-port", O_DPORT, XT_ARG_REQUIRED, true, true },
	{ "dport", O_DPORT, XT_ARG_REQUIRED, true, true },
	{ "syn", O_SYN, XT_ARG_NONE, true, true },
	{ "tcp-flags", O_FLAGS, XT_ARG_TWO, true, true },
	{ "tcp-option", O_OPTION, XT_ARG_REQUIRED, true, true },
	{ NULL, 0, 0, false, false },
};

static const struct { const char *name; uint8_t bits; } tcp_flag_names[] = {
	{ "FIN", 0x01 }, { "SYN", 0x02 }, { "RST", 0x04 }, { "PSH", 0x08 },
	{ "ACK", 0x10 }, { "URG", 0x20 }, { "ALL", 0x3f }, { "NONE", 0 },
};

static void tcp_init(void *data)
{
	struct tcp_data *d = data;

	d->spts[1] = d->dpts[1] = 0xffff;
}

static int tcp_parse_flags(const char *s, uint8_t *out, struct xt_parse *ps)
{
	char buf[128], *tok, *save = NULL;
	size_t i;

	*out = 0;
	if (strlen(s) >= sizeof(buf))
		return xt_parse_error(ps, "Unknown TCP flag `%s'", s);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(tcp_flag_names) / sizeof(tcp_flag_names[0]); i++)
			if (strcasecmp(tcp_flag_names[i].name, tok) == 0)
				break;
		if (i == sizeof(tcp_flag_names) / sizeof(tcp_flag_names[0]))
			return xt_parse_error(ps, "Unknown TCP flag `%s'", tok);
		*out |= tcp_flag_names[i].bits;
	}
	return 0;
}

static int tcp_parse_ports(const char *arg, uint16_t *pts, struct xt_parse *ps)
{
	char part[64];
	const char *colon = strchr(arg, ':');

	if (xt_parse_port_range(arg, "tcp", &pts[0], &pts[1]) == 0) {
		if (pts[0] > pts[1])
			return xt_parse_error(ps, "invalid portrange (min > max)");
		return 0;
	}
	/* Name the part that failed, as xtables_parse_port() does. */
	if (colon && (size_t)(colon - arg) < sizeof(part)) {
		uint16_t p;

		memcpy(part, arg, (size_t)(colon - arg));
		part[colon - arg] = '\0';
		if (part[0] && xt_parse_port(part, "tcp", &p))
			return xt_parse_error(ps, "invalid port/service `%s' specified", part);
		return xt_parse_error(ps, "invalid port/service `%s' specified", colon + 1);
	}
	return xt_parse_error(ps, "invalid port/service `%s' specified", arg);
}

static int tcp_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct tcp_data *d = data;
	unsigned long long v;
	char mask[128];
	const char *sp;

	switch (id) {
	case O_SPORT:
		if (d->seen & (1u << O_SPORT))
			return xt_parse_error(ps, "Only one `--source-port' allowed");
		if (tcp_parse_ports(arg, d->spts, ps))
			return -1;
		if (invert)
			d->invflags |= TCP_INV_SRCPT;
		break;
	case O_DPORT:
		if (d->seen & (1u << O_DPORT))
			return xt_parse_error(ps, "Only one `--destination-port' allowed");
		if (tcp_parse_ports(arg, d->dpts, ps))
			return -1;
		if (invert)
			d->invflags |= TCP_INV_DSTPT;
		break;
	case O_SYN:
	case O_FLAGS:
		if (d->seen & ((1u << O_SYN) | (1u << O_FLAGS)))
			return xt_parse_error(ps, "Only one of `--syn' or `--tcp-flags'  allowed");
		if (id == O_SYN) {
			d->flg_mask = 0x17;     /* FIN,SYN,RST,ACK */
			d->flg_cmp = 0x02;
		} else {
			sp = strchr(arg, ' ');
			if (!sp || (size_t)(sp - arg) >= sizeof(mask))
				return xt_parse_error(ps, "--tcp-flags requires two args.");
			memcpy(mask, arg, (size_t)(sp - arg));
			mask[sp - arg] = '\0';
			if (tcp_parse_flags(mask, &d->flg_mask, ps) ||
			    tcp_parse_flags(sp + 1, &d->flg_cmp, ps))
				return -1;
		}
		if (invert)
			d->invflags |= TCP_INV_FLAGS;
		break;
	case O_OPTION:
		if (d->seen & (1u << O_OPTION))
			return xt_parse_error(ps, "Only one `--tcp-option' allowed");
		if (xt_parse_uint(arg, 1, 255, &v))
			return xt_parse_error(ps, "Bad TCP option \"%s\"", arg);
		d->option = (uint8_t)v;
		if (invert)
			d->invflags |= TCP_INV_OPTION;
		break;
	default:
		return -1;
	}
	d->seen |= (uint8_t)(1u << id);
	return 0;
}

static bool tcp_sport_set(const struct tcp_data *d);
static bool tcp_dport_set(const struct tcp_data *d);
static bool tcp_flags_set(const struct tcp_data *d);

static int tcp_final_check(void *data, struct xt_parse *ps)
{
	struct tcp_data *d = data;
	bool dropped;

	(void)ps;
	d->seen = 0;    /* keep rule comparison (-D/-C) independent of option order */
	if (d->option)
		return 0;       /* not native: the kernel's xt_tcp gets the ranges as given */
	dropped = xt_nft_drop_full_range(d->spts, &d->invflags, TCP_INV_SRCPT);
	dropped |= xt_nft_drop_full_range(d->dpts, &d->invflags, TCP_INV_DSTPT);
	d->nft_void = dropped && !tcp_sport_set(d) && !tcp_dport_set(d) && !tcp_flags_set(d);
	return 0;
}

/*
 * iptables-nft 1.8.9 turns a tcp match with ports or flags and no --tcp-option
 * into nft payload expressions, refusing it itself unless -p names tcp (inverted
 * or not); any other tcp match goes to the kernel's xt_tcp (nft_compat), whose
 * xt_check_match() wants "-p tcp" not inverted: EINVAL.
 */
static bool tcp_sport_set(const struct tcp_data *d)
{
	return d->spts[0] != 0 || d->spts[1] != 0xffff || (d->invflags & TCP_INV_SRCPT);
}

static bool tcp_dport_set(const struct tcp_data *d)
{
	return d->dpts[0] != 0 || d->dpts[1] != 0xffff || (d->invflags & TCP_INV_DSTPT);
}

static bool tcp_flags_set(const struct tcp_data *d)
{
	return d->flg_mask || d->flg_cmp || (d->invflags & TCP_INV_FLAGS);
}

/* add_nft_tcp(): nft payload expressions unless --tcp-option (or nothing) is given. */
static bool tcp_nft_native(const void *data)
{
	const struct tcp_data *d = data;

	return d->option == 0 &&
	       (d->nft_void || tcp_sport_set(d) || tcp_dport_set(d) || tcp_flags_set(d));
}

static bool tcp_nft_void(const void *data)
{
	const struct tcp_data *d = data;

	return d->nft_void && !tcp_sport_set(d) && !tcp_dport_set(d) && !tcp_flags_set(d);
}

/* Reading the rule back, each field a later native tcp match sets overwrites the first's;
 * inversion flags only accumulate (the parser ORs them in). */
static void tcp_nft_fold(void *into, const void *from)
{
	struct tcp_data *t = into;
	const struct tcp_data *f = from;

	if (tcp_sport_set(f)) {
		memcpy(t->spts, f->spts, sizeof(t->spts));
		t->invflags |= f->invflags & TCP_INV_SRCPT;
	}
	if (tcp_dport_set(f)) {
		memcpy(t->dpts, f->dpts, sizeof(t->dpts));
		t->invflags |= f->invflags & TCP_INV_DSTPT;
	}
	if (tcp_flags_set(f)) {
		t->flg_mask = f->flg_mask;
		t->flg_cmp = f->flg_cmp;
		t->invflags |= f->invflags & TCP_INV_FLAGS;
	}
}

static int tcp_check(const void *data, struct xt_parse *ps)
{
	const struct xt_ipspec *ip = &ps->rule->ip;

	if (tcp_nft_native(data))
		return ip->proto == 6 ? 0 : xt_parse_error(ps, "TCP match requires '-p tcp'");
	return ip->proto != 6 || (ip->invflags & XT_INV_PROTO) ? -EINVAL : 0;
}

static void tcp_flags_names(struct strbuf *out, uint8_t flags)
{
	bool first = true;
	size_t i;

	if (!flags) {
		sb_add(out, "NONE");
		return;
	}
	for (i = 0; i < 6; i++) {
		if (!(flags & tcp_flag_names[i].bits))
			continue;
		if (!first)
			sb_addc(out, ',');
		sb_add(out, tcp_flag_names[i].name);
		first = false;
	}
}

static void tcp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct tcp_data *d = data;

	xt_save_ports(out, "sport", d->spts, d->invflags & TCP_INV_SRCPT);
	xt_save_ports(out, "dport", d->dpts, d->invflags & TCP_INV_DSTPT);
	if (d->option)
		sb_addf(out, " %s--tcp-option %u", d->invflags & TCP_INV_OPTION ? "! " : "",
			d->option);
	if (d->flg_mask || (d->invflags & TCP_INV_FLAGS)) {
		sb_addf(out, " %s--tcp-flags ", d->invflags & TCP_INV_FLAGS ? "! " : "");
		tcp_flags_names(out, d->flg_mask);
		sb_addc(out, ' ');
		tcp_flags_names(out, d->flg_cmp);
	}
}

static void tcp_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct tcp_data *d = data;
	bool numeric = flags & XT_PRINT_NUMERIC;

	sb_add(out, " tcp");
	xt_print_ports(out, "spt", d->spts, d->invflags & TCP_INV_SRCPT, "tcp", numeric);
	xt_print_ports(out, "dpt", d->dpts, d->invflags & TCP_INV_DSTPT, "tcp", numeric);
	if (d->option || (d->invflags & TCP_INV_OPTION))
		sb_addf(out, " option=%s%u", d->invflags & TCP_INV_OPTION ? "!" : "", d->option);
	if (d->flg_mask || (d->invflags & TCP_INV_FLAGS)) {
		sb_addf(out, " flags:%s", d->invflags & TCP_INV_FLAGS ? "!" : "");
		if (numeric) {
			sb_addf(out, "0x%02X/0x%02X", d->flg_mask, d->flg_cmp);
		} else {
			tcp_flags_names(out, d->flg_mask);
			sb_addc(out, '/');
			tcp_flags_names(out, d->flg_cmp);
		}
	}
}

static bool tcp_port_in(uint16_t p, const uint16_t *pts, bool inv)
{
	return (p >= pts[0] && p <= pts[1]) != inv;
}

/* tcp_find_option(): walk the options as the kernel does. */
static bool tcp_find_option(const struct pkt *pkt, uint32_t thoff, unsigned int optlen,
			    uint8_t option, bool invert, bool *hotdrop)
{
	const uint8_t *op;
	unsigned int i;

	if (!optlen)
		return invert;
	op = pkt_header(pkt, thoff + 20, optlen);
	if (!op) {
		*hotdrop = true;
		return false;
	}
	for (i = 0; i < optlen;) {
		if (op[i] == option)
			return !invert;
		if (op[i] < 2 || i + 1 >= optlen)
			i++;
		else
			i += op[i + 1] ? op[i + 1] : 1;
	}
	return invert;
}

static bool tcp_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct tcp_data *d = data;
	const uint8_t *th;
	uint16_t sp, dp;

	if (par->fragoff) {
		/* A first fragment offset of 8 bytes could overwrite the header: evil. */
		if (!xt_is_v6(par) && par->fragoff == 8)
			par->hotdrop = true;
		return false;
	}
	th = pkt_header(pkt, par->thoff, 20);
	if (!th) {
		par->hotdrop = true;
		return false;
	}
	sp = (uint16_t)(th[0] << 8 | th[1]);
	dp = (uint16_t)(th[2] << 8 | th[3]);
	if (!tcp_port_in(sp, d->spts, d->invflags & TCP_INV_SRCPT) ||
	    !tcp_port_in(dp, d->dpts, d->invflags & TCP_INV_DSTPT))
		return false;
	if (((th[13] & d->flg_mask) == d->flg_cmp) == !!(d->invflags & TCP_INV_FLAGS))
		return false;
	if (d->option) {
		unsigned int doff = (unsigned int)(th[12] >> 4) * 4;

		if (doff < 20) {
			par->hotdrop = true;
			return false;
		}
		if (!tcp_find_option(pkt, par->thoff, doff - 20, d->option,
				     d->invflags & TCP_INV_OPTION, &par->hotdrop))
			return false;
	}
	return true;
}

/* The port part of tcp_mt() for the classifier: port_match() on each range. */
static bool tcp_l4_ports(const void *data, uint8_t l4proto, struct xt_l4_ports *p)
{
	const struct tcp_data *d = data;

	if (l4proto != 6)
		return false;
	memcpy(p->sport, d->spts, sizeof(p->sport));
	memcpy(p->dport, d->dpts, sizeof(p->dport));
	p->sinv = d->invflags & TCP_INV_SRCPT;
	p->dinv = d->invflags & TCP_INV_DSTPT;
	return true;
}

const struct xt_match_ops xt_match_tcp = {
	.name = "tcp",
	.family = XT_EXT_ANY,
	.size = sizeof(struct tcp_data),
	.opts = tcp_opts,
	.init = tcp_init,
	.parse = tcp_parse,
	.final_check = tcp_final_check,
	.check = tcp_check,
	.save = tcp_save,
	.print = tcp_print,
	.match = tcp_match,
	.l4_ports = tcp_l4_ports,
	.nft_native = tcp_nft_native,
	.nft_fold = tcp_nft_fold,
	.nft_void = tcp_nft_void,
};
