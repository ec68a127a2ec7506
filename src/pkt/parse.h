/* parse: bounds-checked header walkers shared by the stack and the matches. */
#ifndef USNF_PKT_PARSE_H
#define USNF_PKT_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include <usnf/pkt.h>

#define PKT_ETH_HLEN      14u
#define PKT_ETH_P_IP      0x0800
#define PKT_ETH_P_ARP     0x0806
#define PKT_ETH_P_IPV6    0x86dd
#define PKT_ETH_P_8021Q   0x8100
#define PKT_ETH_P_8021AD  0x88a8

/*
 * Parse the Ethernet header at p->data (as eth_type_trans() plus the VLAN
 * handling of __netif_receive_skb_core() on a device without VLAN uppers):
 * sets mac_off, net_off (after the tags), protocol (the inner ethertype, host
 * order) and pkt_type from the destination MAC compared with ifmac (the
 * receiving device's address; NULL: unicast counts as PKT_HOST).  A tag with a
 * non-zero VLAN id makes the frame PKT_OTHERHOST (nobody would receive it); a
 * priority tag (VID 0) is stripped and the inner frame handled as untagged.  At
 * most two tags (802.1ad outer, 802.1Q inner).  Does not pull: p->data stays at
 * the MAC header.  Returns 0, or -EINVAL if the frame is shorter than its headers.
 */
int pkt_parse_l2(struct pkt *p, const uint8_t ifmac[6]);

/*
 * ipv6_skip_exthdr() of net/ipv6/exthdrs_core.c: walk the extension headers
 * (hop-by-hop 0, routing 43, fragment 44, AH 51, destination options 60)
 * starting at absolute offset off with *nexthdr the Next Header that points
 * there.  Returns the offset of the upper-layer header, *nexthdr set to its
 * protocol.  For a non-first fragment it stops at the fragment header (as the
 * kernel does): the return value is the fragment header's offset and *nexthdr
 * stays 44.  frag_off_out (may be NULL) gets the fragment offset in bytes, 0
 * without a fragment header; is_frag (may be NULL) is true if a fragment header
 * has a non-zero offset or More Fragments set (an atomic fragment is not one).
 * -EINVAL if a header runs past the end of the packet or Next Header is 59
 * (no next header; *nexthdr is then 59).
 */
int pkt_ipv6_skip_exthdr(const struct pkt *p, uint32_t off, uint8_t *nexthdr,
			 uint16_t *frag_off_out, bool *is_frag);

/* True for the Next Header values ipv6_skip_exthdr() steps over (ipv6_ext_hdr()). */
bool pkt_ipv6_is_exthdr(uint8_t nexthdr);

#endif
