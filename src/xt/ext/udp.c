/* udp: the udp match (iptables' libxt_udp + the kernel's udp_mt in xt_tcpudp.c). */
#include <errno.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define UDP_INV_SRCPT 0x01
#define UDP_INV_DSTPT 0x02

enum { O_SPORT = 1, O_DPORT };

struct udp_data {
	uint16_t spts[2], dpts[2];
	uint8_t invflags;
	bool nft_void;          /* native, yet every condition was dropped (udp_nft_void) */
};

static const struct xt_opt udp_opts[] = {
	{ "source-port", O_SPORT, XT_ARG_REQUIRED, true, false },
	{ "sport", O_SPORT, XT_ARG_REQUIRED, true, false },
	{ "destination-port", O_DPORT, XT_ARG_REQUIRED, true, false },
	{ "dport", O_DPORT, XT_ARG_REQUIRED, true, false },
	{ NULL, 0, 0, false, false },
};


static void udp_init(void *data)
{
	struct udp_data *d = data;

	d->spts[1] = d->dpts[1] = 0xffff;
}

/* libxt_udp's guided parser (XTTYPE_PORTRC, xtopt_parse_mport()) keeps a reversed
 * range as given (it then matches nothing). */
static int udp_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct udp_data *d = data;
	uint16_t *pts = id == O_SPORT ? d->spts : d->dpts;

	if (ext_parse_mport(ps, "udp", id == O_SPORT ? "source-port" : "destination-port",
			    arg, pts) < 0)
		return -1;
	if (invert)
		d->invflags |= id == O_SPORT ? UDP_INV_SRCPT : UDP_INV_DSTPT;
	return 0;
}

/* As tcp_check(): with ports, iptables-nft makes nft payload expressions and
 * wants -p udp; without, the kernel's xt_udp wants it not inverted. */
static bool udp_sport_set(const struct udp_data *d)
{
	return d->spts[0] != 0 || d->spts[1] != 0xffff || (d->invflags & UDP_INV_SRCPT);
}

static bool udp_dport_set(const struct udp_data *d)
{
	return d->dpts[0] != 0 || d->dpts[1] != 0xffff || (d->invflags & UDP_INV_DSTPT);
}

/* add_nft_udp(): nft payload expressions when a port is given. */
static bool udp_nft_native(const void *data)
{
	const struct udp_data *d = data;

	return d->nft_void || udp_sport_set(d) || udp_dport_set(d);
}

static bool udp_nft_void(const void *data)
{
	const struct udp_data *d = data;

	return d->nft_void && !udp_sport_set(d) && !udp_dport_set(d);
}

static int udp_final_check(void *data, struct xt_parse *ps)
{
	struct udp_data *d = data;
	bool dropped;

	(void)ps;
	dropped = xt_nft_drop_full_range(d->spts, &d->invflags, UDP_INV_SRCPT);
	dropped |= xt_nft_drop_full_range(d->dpts, &d->invflags, UDP_INV_DSTPT);
	d->nft_void = dropped && !udp_sport_set(d) && !udp_dport_set(d);
	return 0;
}

/* As tcp_nft_fold(): a later native udp match's ports overwrite the first's. */
static void udp_nft_fold(void *into, const void *from)
{
	struct udp_data *t = into;
	const struct udp_data *f = from;

	if (udp_sport_set(f)) {
		memcpy(t->spts, f->spts, sizeof(t->spts));
		t->invflags |= f->invflags & UDP_INV_SRCPT;
	}
	if (udp_dport_set(f)) {
		memcpy(t->dpts, f->dpts, sizeof(t->dpts));
		t->invflags |= f->invflags & UDP_INV_DSTPT;
	}
}

static int udp_check(const void *data, struct xt_parse *ps)
{
	const struct xt_ipspec *ip = &ps->rule->ip;

	if (udp_nft_native(data))
		return ip->proto == 17 ? 0 : xt_parse_error(ps, "UDP match requires '-p udp'");
	return ip->proto != 17 || (ip->invflags & XT_INV_PROTO) ? -EINVAL : 0;
}

static void udp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct udp_data *d = data;

	xt_save_ports(out, "sport", d->spts, d->invflags & UDP_INV_SRCPT);
	xt_save_ports(out, "dport", d->dpts, d->invflags & UDP_INV_DSTPT);
}

static void udp_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct udp_data *d = data;
	bool numeric = flags & XT_PRINT_NUMERIC;

	sb_add(out, " udp");
	xt_print_ports(out, "spt", d->spts, d->invflags & UDP_INV_SRCPT, "udp", numeric);
	xt_print_ports(out, "dpt", d->dpts, d->invflags & UDP_INV_DSTPT, "udp", numeric);
}

static bool udp_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct udp_data *d = data;
	const uint8_t *uh;
	uint16_t sp, dp;

	if (par->fragoff)
		return false;
	uh = pkt_header(pkt, par->thoff, 8);
	if (!uh) {
		par->hotdrop = true;
		return false;
	}
	sp = (uint16_t)(uh[0] << 8 | uh[1]);
	dp = (uint16_t)(uh[2] << 8 | uh[3]);
	return ((sp >= d->spts[0] && sp <= d->spts[1]) != !!(d->invflags & UDP_INV_SRCPT)) &&
	       ((dp >= d->dpts[0] && dp <= d->dpts[1]) != !!(d->invflags & UDP_INV_DSTPT));
}

/* The port part of udp_mt() for the classifier: port_match() on each range. */
static bool udp_l4_ports(const void *data, uint8_t l4proto, struct xt_l4_ports *p)
{
	const struct udp_data *d = data;

	if (l4proto != 17)
		return false;
	memcpy(p->sport, d->spts, sizeof(p->sport));
	memcpy(p->dport, d->dpts, sizeof(p->dport));
	p->sinv = d->invflags & UDP_INV_SRCPT;
	p->dinv = d->invflags & UDP_INV_DSTPT;
	return true;
}

const struct xt_match_ops xt_match_udp = {
	.name = "udp",
	.family = XT_EXT_ANY,
	.size = sizeof(struct udp_data),
	.opts = udp_opts,
	.init = udp_init,
	.parse = udp_parse,
	.final_check = udp_final_check,
	.check = udp_check,
	.save = udp_save,
	.print = udp_print,
	.match = udp_match,
	.l4_ports = udp_l4_ports,
	.nft_native = udp_nft_native,
	.nft_fold = udp_nft_fold,
	.nft_void = udp_nft_void,
};
