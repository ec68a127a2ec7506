/*
 * synproxy_out: how SYNPROXY's segments leave (synproxy_build_ip(),
 * synproxy_send_tcp() and their IPv6 twins in net/netfilter/nf_synproxy_core.c).
 * The TCP header comes built from ct/ct_synproxy.c; here it gets its IP header
 * and checksum, joins the connection it belongs to, and goes out through
 * LOCAL_OUT and POST_ROUTING like any locally generated packet.
 */
#include <string.h>

#include "pkt/csum.h"
#include "stack/stack_int.h"

/* The largest TCP header SYNPROXY builds: 20 bytes and 20 of options. */
#define SYNPROXY_TCP_MAX 60u

/* A fresh packet holding the IP header hlen and the TCP header, or NULL. */
static struct pkt *synproxy_pkt(struct usnf_net *net, const struct pkt *cause, uint32_t hlen,
				const uint8_t *tcp, uint32_t len, void *ct, uint32_t ctinfo)
{
	struct pkt *p;

	if (len < 20 || len > SYNPROXY_TCP_MAX)
		return NULL;
	p = stack_pkt_new(net, cause);
	if (!p)
		return NULL;
	p->len = hlen + len;
	p->kernel_sk = false;   /* synproxy_send_tcp(): a bare skb */
	memcpy(pkt_data(p) + hlen, tcp, len);
	/* nf_ct_set(nskb, nfct, ctinfo): the segment joins its connection (or the
	 * synproxy template) before LOCAL_OUT, so conntrack does not look it up. */
	if (ct) {
		p->ct = ct;
		p->ctinfo = ctinfo;
	}
	return p;
}

void stack_synproxy_send4(struct usnf_net *net, const struct pkt *cause, const uint8_t *saddr,
			  const uint8_t *daddr, const uint8_t *tcp, uint32_t len, void *ct,
			  uint32_t ctinfo)
{
	struct pkt *p = synproxy_pkt(net, cause, 20, tcp, len, ct, ctinfo);
	uint32_t s, d;
	uint8_t *h, *t;
	uint16_t c;

	if (!p)
		return;
	h = pkt_data(p);
	t = h + 20;
	memcpy(&s, saddr, 4);
	memcpy(&d, daddr, 4);
	/* synproxy_build_ip(): no options, TOS 0, ID 0, DF, the default TTL. */
	memset(h, 0, 20);
	h[0] = 0x45;
	wr16(h + 2, (uint16_t)p->len);
	wr16(h + 6, 0x4000);
	h[8] = (uint8_t)stk(net)->sys[SYS_IP_DEFAULT_TTL];
	h[9] = IPPROTO_TCP_;
	memcpy(h + 12, saddr, 4);
	memcpy(h + 16, daddr, 4);
	ipv4_set_csum(h);
	t[16] = t[17] = 0;
	c = csum_fold(csum_partial(t, len, csum_pseudo4(s, d, IPPROTO_TCP_, len)));
	memcpy(t + 16, &c, 2);
	/* ip_route_me_harder() routes it by its destination (its source may be foreign). */
	ipv4_local_out(net, p);
}

void stack_synproxy_send6(struct usnf_net *net, const struct pkt *cause, const uint8_t *saddr,
			  const uint8_t *daddr, const uint8_t *tcp, uint32_t len, void *ct,
			  uint32_t ctinfo)
{
	struct pkt *p = synproxy_pkt(net, cause, 40, tcp, len, ct, ctinfo);
	uint8_t *h, *t;
	uint16_t c;

	if (!p)
		return;
	h = pkt_data(p);
	t = h + 40;
	/* synproxy_build_ip_ipv6(): ip6_flow_hdr(iph, 0, 0), all.hop_limit. */
	memset(h, 0, 8);
	h[0] = 0x60;
	wr16(h + 4, (uint16_t)len);
	h[6] = IPPROTO_TCP_;
	h[7] = (uint8_t)stk(net)->conf6_all[CONF6_HOP_LIMIT];
	memcpy(h + 8, saddr, 16);
	memcpy(h + 24, daddr, 16);
	t[16] = t[17] = 0;
	c = csum_fold(csum_partial(t, len, csum_pseudo6(saddr, daddr, IPPROTO_TCP_, len)));
	memcpy(t + 16, &c, 2);
	ipv6_local_out(net, p);
}
