/* arp: answer ARP requests for our addresses (net/ipv4/arp.c: arp_rcv(), arp_process()). */
#include <string.h>

#include "pkt/parse.h"
#include "stack/stack_int.h"

#define ARPHRD_ETHER 1
#define ARPHRD_IEEE802 6
#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2

/* arp_ignore(): which local targets this device answers for. */
static bool arp_ignored(struct usnf_net *net, struct usnf_iface *in, uint32_t sip, uint32_t tip)
{
	int mode = stack_conf4(net, in, CONF4_ARP_IGNORE);
	const struct route_ifaddr *ia;

	switch (mode) {
	case 0:
		return false;
	case 1:         /* the target must be configured on the incoming device */
	case 2:         /* ... and the sender in its subnet */
		for (unsigned int i = 0; (ia = route_addr_at(net, i)); i++) {
			if (ia->family != AF_INET_ || ia->ifindex != in->ifindex ||
			    memcmp(ia->addr, &tip, 4))
				continue;
			if (mode == 1)
				return false;
			uint8_t a[16], b[16] = { 0 };

			memcpy(b, &sip, 4);
			route_prefix_mask(a, ia->addr, ia->plen, 4);
			route_prefix_mask(b, b, ia->plen, 4);
			if (!memcmp(a, b, 4))
				return false;
		}
		return true;
	case 8:
		return true;
	default:
		return false;
	}
}

/*
 * arp_create() + arp_xmit(): an Ethernet/IPv4 ARP packet of op from dev's
 * address and sip to tha/tip, sent to the link-layer address dest_hw.
 */
static void arp_send(struct usnf_net *net, const struct pkt *cause, struct usnf_iface *dev,
		     uint16_t op, uint32_t sip, uint32_t tip, const uint8_t *tha,
		     const uint8_t *dest_hw)
{
	struct pkt *p = stack_pkt_new(net, cause);
	uint8_t *a;

	if (!p)
		return;
	a = pkt_data(p);
	p->len = 28;
	p->net_off = p->data;
	p->protocol = PKT_ETH_P_ARP;
	wr16(a, ARPHRD_ETHER);
	wr16(a + 2, PKT_ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	wr16(a + 6, op);
	memcpy(a + 8, dev->mac, 6);
	memcpy(a + 14, &sip, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, &tip, 4);
	p->oif = dev->ifindex;
	stack_xmit(net, p, dev, dest_hw, PKT_ETH_P_ARP);
}

/*
 * arp_solicit() with arp_announce 0: the waiting packet's source if it is one of
 * ours, else inet_select_addr(dev, target, link scope); broadcast, target
 * hardware address zero.
 */
void arp_send_request(struct usnf_net *net, const struct pkt *cause, struct usnf_iface *dev,
		      const uint8_t *target)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];
	uint32_t sip = 0, tip;

	memcpy(&tip, target, 4);
	if (cause && cause->net_off != PKT_OFF_UNSET) {
		const uint8_t *iph = pkt_header(cause, cause->net_off, 20);

		if (iph && route_addr_type(net, AF_INET_, iph + 12, 0) == RTN_LOCAL)
			memcpy(&sip, iph + 12, 4);
	}
	if (!sip)
		route_select_src4(net, dev->ifindex, tip, ROUTE_SCOPE_LINK, &sip);
	arp_send(net, cause, dev, ARPOP_REQUEST, sip, tip, zero, bc);
}

/* arp_process(): an entry that exists learns the sender (arp_accept 0 creates none). */
static void arp_update(struct usnf_net *net, const struct pkt *p, struct usnf_iface *in,
		       uint32_t sip, const uint8_t *sha, uint16_t op)
{
	uint8_t state = op == ARPOP_REPLY && p->pkt_type == PKT_HOST ? ROUTE_NUD_REACHABLE :
								       ROUTE_NUD_STALE;
	int old = route_neigh_update(net, AF_INET_, in->ifindex, &sip, sha, state);

	if (old >= 0 && !(old & ROUTE_NUD_VALID))
		stack_resolve_flush(net, AF_INET_, in->ifindex, &sip);
}

void arp_rcv(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	const uint8_t *a = pkt_header(p, p->data, 28);
	uint32_t sip, tip;
	uint8_t sha[6];

	if (!a || a[4] != 6 || a[5] != 4) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	if (p->pkt_type == PKT_OTHERHOST) {
		stack_drop(net, p, PKT_DROP_OTHERHOST);
		return;
	}
	if ((rd16(a) != ARPHRD_ETHER && rd16(a) != ARPHRD_IEEE802) || rd16(a + 2) != PKT_ETH_P_IP) {
		stack_drop(net, p, PKT_DROP_ARP_IGNORED);
		return;
	}
	uint16_t op = rd16(a + 6);

	memcpy(sha, a + 8, 6);
	memcpy(&sip, a + 14, 4);
	memcpy(&tip, a + 24, 4);
	stack_set_fate(net, USNF_FATE_LOCAL);
	if ((((uint8_t *)&tip)[0] & 0xf0) == 0xe0 ||
	    (((uint8_t *)&tip)[0] == 127 && !stack_conf4(net, in, CONF4_ROUTE_LOCALNET)) ||
	    (op != ARPOP_REQUEST && op != ARPOP_REPLY)) {
		stack_drop(net, p, PKT_DROP_ARP_IGNORED);
		return;
	}
	if (op == ARPOP_REQUEST) {
		bool local = route_addr_type(net, AF_INET_, &tip, 0) == RTN_LOCAL;

		/* ip_route_input(tip, sip): a sender that is us or a martian gets no answer. */
		if (sip && (route_addr_type(net, AF_INET_, &sip, 0) == RTN_LOCAL &&
			    !stack_conf4(net, in, CONF4_ACCEPT_LOCAL)))
			local = false;
		if ((((uint8_t *)&sip)[0] & 0xf0) == 0xe0 || sip == 0xffffffffu)
			local = false;
		if (local && !arp_ignored(net, in, sip, tip)) {
			if (sip) {
				/* neigh_event_ns(): the asker is now a (stale) neighbour;
				 * what waited for it leaves before the reply. */
				route_neigh_learn(net, AF_INET_, in->ifindex, &sip, sha);
				stack_resolve_flush(net, AF_INET_, in->ifindex, &sip);
			}
			stack_trace_local(net, p, "arp reply");
			/* arp_send(ARPOP_REPLY): our answer goes straight back to the asker. */
			arp_send(net, p, in, ARPOP_REPLY, tip, sip, sha, sha);
			pkt_free(p);
			return;
		}
	}
	if (sip)
		arp_update(net, p, in, sip, sha, op);
	stack_trace_local(net, p, "arp not for us");
	pkt_free(p);
}
