/* mac: the source MAC address of a received frame (xt_mac.c, libxt_mac.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_MAC = 0 };

struct mac_info {
	uint32_t xflags;
	uint8_t srcaddr[6];
	uint8_t invert;
};

static const struct xt_opt mac_opts[] = {
	{ .name = "mac-source", .id = O_MAC, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc mac_fc[] = {
	{ .id = O_MAC, .mand = true },
	{ .id = EXT_FC_END },
};

/* xtables_parse_mac(): exactly six two-digit hex bytes separated by ':'. */
static int mac_parse_addr(const char *s, uint8_t mac[6])
{
	unsigned int i;

	if (strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		const char *p = s + i * 3;
		char hex[3] = { p[0], p[1], 0 }, *end;
		unsigned long v;

		if (i < 5 && p[2] != ':')
			return -1;
		v = strtoul(hex, &end, 16);
		if (*end || end != hex + 2)
			return -1;
		mac[i] = (uint8_t)v;
	}
	return 0;
}

static int mac_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct mac_info *m = data;

	if (mac_parse_addr(arg, m->srcaddr))
		return xt_parse_error(ps, "Invalid MAC address specified.");
	m->invert = invert;
	m->xflags |= EXT_F(id);
	return 0;
}

static int mac_final_check(void *data, struct xt_parse *ps)
{
	struct mac_info *m = data;
	uint32_t xflags = m->xflags;

	m->xflags = 0;
	return ext_fcheck(ps, "mac", mac_opts, mac_fc, xflags);
}

static void mac_addr(const struct mac_info *m, struct strbuf *out)
{
	sb_addf(out, " %02x:%02x:%02x:%02x:%02x:%02x", m->srcaddr[0], m->srcaddr[1],
		m->srcaddr[2], m->srcaddr[3], m->srcaddr[4], m->srcaddr[5]);
}

static void mac_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct mac_info *m = data;

	sb_addf(out, "%s --mac-source", m->invert ? " !" : "");
	mac_addr(m, out);
}

static void mac_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct mac_info *m = data;

	sb_addf(out, " MAC%s", m->invert ? " !" : "");
	mac_addr(m, out);
}

/* mac_mt(): needs a received Ethernet header in front of the network header. */
static bool mac_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct mac_info *m = data;
	const uint8_t *eth;

	if (pkt->iif <= 1 || pkt->mac_off == PKT_OFF_UNSET || pkt->mac_off + 14 > pkt->net_off)
		return false;
	eth = pkt_at(pkt, pkt->mac_off);
	return (memcmp(eth + 6, m->srcaddr, 6) == 0) ^ m->invert;
}

const struct xt_match_ops xt_match_mac = {
	.name = "mac",
	.family = XT_EXT_ANY,
	.size = sizeof(struct mac_info),
	.opts = mac_opts,
	.hooks = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_IN) |
		 (1u << USNF_INET_FORWARD),
	.parse = mac_parse,
	.final_check = mac_final_check,
	.save = mac_save,
	.print = mac_print,
	.match = mac_match,
};
