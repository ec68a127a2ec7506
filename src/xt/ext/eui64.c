/* eui64: an IPv6 source address whose interface ID is the EUI-64 of the source MAC (ip6t_eui64.c). */
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

/* eui64_mt6(): build the EUI-64 of the Ethernet source and compare it with saddr[8..15]. */
static bool eui64_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const uint8_t *eth, *ip6;
	uint8_t eui[8];
	bool have_mac = pkt->mac_off != PKT_OFF_UNSET && pkt->mac_off + 14 <= pkt->data;

	if (!have_mac) {
		/* the kernel drops only a fragment without a MAC header */
		if (par->fragoff != 0)
			par->hotdrop = true;
		return false;
	}
	eth = pkt_at(pkt, pkt->mac_off);
	if (eth[12] != 0x86 || eth[13] != 0xdd)
		return false;
	ip6 = pkt_network(pkt);
	if ((ip6[0] >> 4) != 6)
		return false;
	memcpy(eui, eth + 6, 3);
	eui[3] = 0xff;
	eui[4] = 0xfe;
	memcpy(eui + 5, eth + 9, 3);
	eui[0] ^= 0x02;
	return memcmp(ip6 + 16, eui, 8) == 0;
}

static void eui64_none(const void *data, const struct xt_rule *r, struct strbuf *out)
{
}

static void eui64_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
}

const struct xt_match_ops xt_match_eui64 = {
	.name = "eui64",
	.family = XT_EXT_V6,
	.size = 0,
	.hooks = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_IN) |
		 (1u << USNF_INET_FORWARD),
	.save = eui64_none,
	.print = eui64_print,
	.match = eui64_match,
};
