/* rpfilter: reverse-path check of the source address (ipt_rpfilter.c, ip6t_rpfilter.c). */
#include <string.h>
#include <sys/socket.h>

#include "route/route.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define RPF_LOOSE 0x01
#define RPF_VALID_MARK 0x02
#define RPF_ACCEPT_LOCAL 0x04
#define RPF_INVERT 0x08

enum { O_RPF_LOOSE = 0, O_RPF_VMARK, O_RPF_ACCEPT_LOCAL, O_RPF_INVERT };

struct rpfilter_info {
	uint8_t flags;
};

static const struct xt_opt rpfilter_opts[] = {
	{ .name = "loose", .id = O_RPF_LOOSE, .arg = XT_ARG_NONE },
	{ .name = "validmark", .id = O_RPF_VMARK, .arg = XT_ARG_NONE },
	{ .name = "accept-local", .id = O_RPF_ACCEPT_LOCAL, .arg = XT_ARG_NONE },
	{ .name = "invert", .id = O_RPF_INVERT, .arg = XT_ARG_NONE },
	{ 0 },
};

static int rpfilter_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	((struct rpfilter_info *)data)->flags |= (uint8_t)(1u << id);
	return 0;
}

/* rpfilter_check(): raw or mangle only (the hook is PREROUTING, in .hooks). */
static int rpfilter_check(const void *data, struct xt_parse *ps)
{
	const struct rpfilter_info *f = data;

	if (f->flags & ~(RPF_LOOSE | RPF_VALID_MARK | RPF_ACCEPT_LOCAL | RPF_INVERT))
		return -EINVAL;
	if (strcmp(ps->table, "mangle") != 0 && strcmp(ps->table, "raw") != 0)
		return -EINVAL;
	return 0;
}

static void rpfilter_out(const struct rpfilter_info *f, const char *const *words,
			 struct strbuf *out)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (f->flags & (1u << i))
			sb_addf(out, " %s", words[i]);
}

static void rpfilter_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	static const char *const w[] = { "--loose", "--validmark", "--accept-local", "--invert" };

	rpfilter_out(data, w, out);
}

static void rpfilter_print(const void *data, const struct xt_rule *r, unsigned int flags,
			   struct strbuf *out)
{
	static const char *const w[] = { "loose", "validmark", "accept-local", "invert" };

	sb_add(out, " rpfilter");
	rpfilter_out(data, w, out);
}

static bool rpfilter_loopback(const struct pkt *pkt, const struct usnf_hook_state *st)
{
	return pkt->pkt_type == 5 || (st->in && st->in->loopback);     /* PACKET_LOOPBACK */
}

/* rpfilter_lookup_reverse(): a unicast (or, if allowed, local) route back via in. */
static bool rpfilter_rev4(struct usnf_net *net, const uint8_t *saddr, int iif, uint8_t flags)
{
	const struct route_entry *rt = route_lookup(net, AF_INET, saddr, 0);

	if (!rt)
		return false;
	if (rt->type != RTN_UNICAST && (rt->type != RTN_LOCAL || !(flags & RPF_ACCEPT_LOCAL)))
		return false;
	return rt->oif == iif || (flags & RPF_LOOSE);
}

/* rpfilter_lookup_reverse6(): strict (or link-local) lookups are bound to the device. */
static bool rpfilter_rev6(struct usnf_net *net, const uint8_t *saddr, int iif, uint8_t flags)
{
	bool linklocal = saddr[0] == 0xfe && (saddr[1] & 0xc0) == 0x80;
	int oif = linklocal || !(flags & RPF_LOOSE) ? iif : 0;
	const struct route_entry *rt = route_lookup(net, AF_INET6, saddr, oif);

	if (!rt || rt->type == RTN_UNREACHABLE || rt->type == RTN_PROHIBIT ||
	    rt->type == RTN_BLACKHOLE || rt->type == RTN_ANYCAST)
		return false;
	if (rt->type == RTN_LOCAL)
		return flags & RPF_ACCEPT_LOCAL;
	return rt->oif == iif || (flags & RPF_LOOSE);
}

static bool rpfilter_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct rpfilter_info *f = data;
	bool invert = f->flags & RPF_INVERT, v6 = xt_is_v6(par);
	const uint8_t *h = pkt_header(pkt, pkt->net_off, v6 ? 40 : 20);
	static const uint8_t any6[16];

	if (!h)
		return false;
	if (rpfilter_loopback(pkt, par->state))
		return !invert;
	if (v6) {
		if (memcmp(h + 8, any6, 16) == 0)
			return !invert;         /* not routable: the forward path drops it */
		return rpfilter_rev6(par->net, h + 8, pkt->iif, f->flags) ^ invert;
	}
	/* 0.0.0.0 to broadcast or 224.0.0.0/24 (DHCP and friends) passes. */
	if (!h[12] && !h[13] && !h[14] && !h[15] &&
	    ((h[16] == 255 && h[17] == 255 && h[18] == 255 && h[19] == 255) ||
	     (h[16] == 224 && h[17] == 0 && h[18] == 0)))
		return !invert;
	return rpfilter_rev4(par->net, h + 12, pkt->iif, f->flags) ^ invert;
}

const struct xt_match_ops xt_match_rpfilter = {
	.name = "rpfilter",
	.family = XT_EXT_ANY,
	.size = sizeof(struct rpfilter_info),
	.opts = rpfilter_opts,
	.hooks = 1u << USNF_INET_PRE_ROUTING,
	.parse = rpfilter_parse,
	.check = rpfilter_check,
	.save = rpfilter_save,
	.print = rpfilter_print,
	.match = rpfilter_match,
};
