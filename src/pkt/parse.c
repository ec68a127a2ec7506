/* parse: Ethernet/VLAN and IPv6 extension header walkers, every length checked. */
#include <errno.h>
#include <string.h>

#include "pkt/parse.h"

static inline uint16_t parse_be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* eth_type_trans(): multicast (incl. broadcast) first, then our own address. */
static uint8_t parse_pkt_type(const uint8_t *dst, const uint8_t ifmac[6])
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (dst[0] & 1)
		return memcmp(dst, bcast, 6) == 0 ? PKT_BROADCAST : PKT_MULTICAST;
	if (ifmac && memcmp(dst, ifmac, 6) != 0)
		return PKT_OTHERHOST;
	return PKT_HOST;
}

static bool parse_is_vlan(uint16_t type)
{
	return type == PKT_ETH_P_8021Q || type == PKT_ETH_P_8021AD;
}

int pkt_parse_l2(struct pkt *p, const uint8_t ifmac[6])
{
	const uint8_t *eth = pkt_header(p, p->data, PKT_ETH_HLEN);
	uint32_t off = p->data + PKT_ETH_HLEN;
	uint16_t type;

	if (!eth)
		return -EINVAL;
	p->mac_off = p->data;
	p->pkt_type = parse_pkt_type(eth, ifmac);
	type = parse_be16(eth + 12);
	/*
	 * skb_vlan_untag() takes the tag into metadata; with no VLAN device a
	 * non-zero VID turns the frame into PACKET_OTHERHOST, a zero VID (802.1p
	 * priority tag) is dropped and the next tag, if any, examined the same way.
	 */
	for (int tags = 0; parse_is_vlan(type); tags++) {
		const uint8_t *tag = pkt_header(p, off, 4);

		if (!tag || tags == 2)
			return -EINVAL;
		if (parse_be16(tag) & 0x0fff)
			p->pkt_type = PKT_OTHERHOST;
		type = parse_be16(tag + 2);
		off += 4;
		if (p->pkt_type == PKT_OTHERHOST)
			break;
	}
	p->net_off = off;
	p->protocol = type;
	return 0;
}

bool pkt_ipv6_is_exthdr(uint8_t nexthdr)
{
	return nexthdr == 0 || nexthdr == 43 || nexthdr == 44 || nexthdr == 51 ||
	       nexthdr == 59 || nexthdr == 60;
}

int pkt_ipv6_skip_exthdr(const struct pkt *p, uint32_t off, uint8_t *nexthdr,
			 uint16_t *frag_off_out, bool *is_frag)
{
	uint8_t nh = *nexthdr;

	if (frag_off_out)
		*frag_off_out = 0;
	if (is_frag)
		*is_frag = false;
	while (pkt_ipv6_is_exthdr(nh)) {
		const uint8_t *h = pkt_header(p, off, 8);
		uint32_t hdrlen;

		if (nh == 59) {
			*nexthdr = nh;
			return -EINVAL;
		}
		if (!h)
			return -EINVAL;
		if (nh == 44) {
			/* Offset in 8-octet units in the top 13 bits, M flag in bit 0. */
			uint16_t fo = parse_be16(h + 2);

			if (frag_off_out)
				*frag_off_out = fo & 0xfff8;
			if (is_frag)
				*is_frag = (fo & 0xfff9) != 0;
			if (fo & 0xfff8)
				break;  /* not the first fragment: no upper header here */
			hdrlen = 8;
		} else if (nh == 51) {
			hdrlen = ((uint32_t)h[1] + 2) << 2;     /* ipv6_authlen() */
		} else {
			hdrlen = ((uint32_t)h[1] + 1) << 3;     /* ipv6_optlen() */
		}
		nh = h[0];
		off += hdrlen;
		if (off > pkt_end(p))
			return -EINVAL;
	}
	*nexthdr = nh;
	if (off > INT32_MAX)
		return -EINVAL;
	return (int)off;
}
