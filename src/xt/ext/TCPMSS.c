/* TCPMSS: lower (or add) the MSS option of TCP segments (xt_TCPMSS.c, libxt_TCPMSS.c). */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt/csum.h"
#include "pkt/parse.h"
#include "route/route.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define TCPMSS_CLAMP_PMTU 0xffff
#define TCPOPT_MSS 2
#define TCPOLEN_MSS 4

enum { O_SET_MSS = 0, O_CLAMP_MSS };

struct tcpmss_tg {
	uint32_t xflags;
	uint16_t mss;
};

static const struct xt_opt tcpmss_opts[] = {
	{ .name = "set-mss", .id = O_SET_MSS, .arg = XT_ARG_REQUIRED },
	{ .name = "clamp-mss-to-pmtu", .id = O_CLAMP_MSS, .arg = XT_ARG_NONE },
	{ 0 },
};

static int tcpmss_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct tcpmss_tg *t = data;
	unsigned long long v;

	if (id == O_SET_MSS) {
		/* libxt_TCPMSS: .max = UINT16_MAX - sizeof(struct iphdr / ipv6hdr) */
		if (ext_parse_num(ps, "TCPMSS", "set-mss", arg, 0,
				  UINT16_MAX - (ps->family == XT_FAMILY_V6 ? 40 : 20), &v))
			return -1;
		t->mss = (uint16_t)v;   /* the last of the two options wins */
	} else {
		t->mss = TCPMSS_CLAMP_PMTU;
	}
	t->xflags |= EXT_F(id);
	return 0;
}

static int tcpmss_final_check(void *data, struct xt_parse *ps)
{
	struct tcpmss_tg *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "TCPMSS target: At least one parameter is required");
	return 0;
}

/*
 * tcpmss_tg4_check()/tcpmss_tg6_check(): clamping needs a route, so only on
 * FORWARD, OUTPUT and POSTROUTING.  The "Only works on TCP SYN packets" test
 * is skipped for nft_compat, which is how iptables-nft loads this target.
 */
static int tcpmss_check(const void *data, struct xt_parse *ps)
{
	const struct tcpmss_tg *t = data;
	unsigned int ok = (1u << USNF_INET_FORWARD) | (1u << USNF_INET_LOCAL_OUT) |
			  (1u << USNF_INET_POST_ROUTING);

	if (t->mss == TCPMSS_CLAMP_PMTU && (ps->hook_mask & ~ok))
		return -EINVAL;
	return 0;
}

static void tcpmss_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct tcpmss_tg *t = data;

	if (t->mss == TCPMSS_CLAMP_PMTU)
		sb_add(out, " --clamp-mss-to-pmtu");
	else
		sb_addf(out, " --set-mss %u", t->mss);
}

static void tcpmss_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct tcpmss_tg *t = data;

	if (t->mss == TCPMSS_CLAMP_PMTU)
		sb_add(out, " TCPMSS clamp to PMTU");
	else
		sb_addf(out, " TCPMSS set %u", t->mss);
}

/* tcpmss_reverse_mtu(): the MTU of the route back to the source, ~0 if none. */
static uint32_t tcpmss_reverse_mtu(struct usnf_net *net, const uint8_t *saddr, bool v6)
{
	const struct route_entry *rt = route_lookup(net, v6 ? AF_INET6 : AF_INET, saddr, 0);
	const struct usnf_iface *dev;

	if (!rt)
		return ~0u;
	if (rt->mtu)
		return rt->mtu;
	dev = rt->oif ? route_iface_get(net, rt->oif) : NULL;
	return dev ? dev->mtu : ~0u;
}

/* dst_mtu(skb_dst(skb)): the route's MTU metric, else the output device's. */
static uint32_t tcpmss_dst_mtu(struct usnf_net *net, const struct pkt *pkt)
{
	const struct usnf_iface *dev;

	if (pkt->mtu)
		return pkt->mtu;
	dev = pkt->oif > 0 ? route_iface_get(net, pkt->oif) : NULL;
	return dev ? dev->mtu : 0;
}

/* optlen(): EOL, NOP and broken lengths advance by one. */
static unsigned int tcpmss_optlen(const uint8_t *opt, unsigned int off)
{
	if (opt[off] <= 1 || opt[off + 1] == 0)
		return 1;
	return opt[off + 1];
}

static void tcpmss_csum2(uint8_t *th, uint16_t from_host, uint16_t to_host)
{
	uint16_t check, from = htons(from_host), to = htons(to_host);

	memcpy(&check, th + 16, 2);
	csum_replace2(&check, from, to);
	memcpy(th + 16, &check, 2);
}

/* Add a 4-byte MSS option in front of the others (the segment has no data). */
static int tcpmss_add_option(struct pkt *pkt, uint32_t tcphoff_abs, unsigned int len,
			     uint16_t newmss, bool v6)
{
	uint8_t *th, *opt;
	uint16_t check, oldword, newword;
	uint32_t word;

	if (pkt_put(pkt, TCPOLEN_MSS))
		return -1;
	th = pkt_at(pkt, tcphoff_abs);
	if (newmss > (v6 ? 1220 : 536))
		newmss = v6 ? 1220 : 536;       /* the RFC 1122 / RFC 2460 defaults */
	opt = th + 20;
	memmove(opt + TCPOLEN_MSS, opt, len - 20);
	tcpmss_csum2(th, (uint16_t)len, (uint16_t)(len + TCPOLEN_MSS));
	opt[0] = TCPOPT_MSS;
	opt[1] = TCPOLEN_MSS;
	opt[2] = (uint8_t)(newmss >> 8);
	opt[3] = (uint8_t)newmss;
	memcpy(&check, th + 16, 2);
	memcpy(&word, opt, 4);
	csum_replace4(&check, 0, word);
	memcpy(th + 16, &check, 2);
	memcpy(&oldword, th + 12, 2);
	th[12] = (uint8_t)(th[12] + (TCPOLEN_MSS / 4 << 4));
	memcpy(&newword, th + 12, 2);
	memcpy(&check, th + 16, 2);
	csum_replace2(&check, oldword, newword);
	memcpy(th + 16, &check, 2);
	return TCPOLEN_MSS;
}

/*
 * tcpmss_mangle_packet(): returns the bytes added (0 or 4) or -1 to drop.
 * tcphoff is relative to the network header; iplen is the IP datagram length.
 */
static int tcpmss_mangle(struct pkt *pkt, const struct tcpmss_tg *t, struct xt_action *par,
			 uint32_t tcphoff, uint32_t iplen, unsigned int minlen, bool v6)
{
	uint32_t abs = pkt->net_off + tcphoff;
	uint8_t *th;
	unsigned int len, hdrlen, i;
	uint16_t newmss;

	if (par->fragoff != 0)
		return 0;
	if (iplen < tcphoff + 20)
		return -1;
	len = iplen - tcphoff;
	th = pkt_at(pkt, abs);
	hdrlen = (th[12] >> 4) * 4u;
	if (len < hdrlen || hdrlen < 20)
		return -1;
	if (t->mss == TCPMSS_CLAMP_PMTU) {
		const uint8_t *nh = pkt_network(pkt);
		uint32_t in_mtu = tcpmss_reverse_mtu(par->net, v6 ? nh + 8 : nh + 12, v6);
		uint32_t out_mtu = tcpmss_dst_mtu(par->net, pkt);
		uint32_t min_mtu = out_mtu < in_mtu ? out_mtu : in_mtu;

		if (min_mtu <= minlen)
			return -1;      /* "unknown or invalid path-MTU" */
		newmss = (uint16_t)(min_mtu - minlen);
	} else {
		newmss = t->mss;
	}
	for (i = 20; i + TCPOLEN_MSS <= hdrlen; i += tcpmss_optlen(th, i)) {
		if (th[i] == TCPOPT_MSS && th[i + 1] == TCPOLEN_MSS) {
			uint16_t oldmss = (uint16_t)(th[i + 2] << 8 | th[i + 3]);

			if (oldmss <= newmss)
				return 0;       /* never raise the MSS */
			th[i + 2] = (uint8_t)(newmss >> 8);
			th[i + 3] = (uint8_t)newmss;
			tcpmss_csum2(th, oldmss, newmss);
			return 0;
		}
	}
	/* Data after the header, or no room in doff: leave the segment alone. */
	if (len > hdrlen || hdrlen >= 15 * 4)
		return 0;
	return tcpmss_add_option(pkt, abs, len, newmss, v6);
}

/* Bytes after the IP datagram (link padding) are not part of skb->len here. */
static bool tcpmss_trim(struct pkt *pkt, uint32_t iplen)
{
	uint32_t have = pkt_end(pkt) - pkt->net_off;

	if (have < iplen)
		return false;
	if (have > iplen)
		pkt_trim(pkt, pkt->len - (have - iplen));
	return true;
}

static unsigned int tcpmss_tg4(struct pkt *pkt, const struct tcpmss_tg *t, struct xt_action *par)
{
	uint8_t *iph = (uint8_t *)pkt_header(pkt, pkt->net_off, 20);
	uint32_t iplen;
	uint16_t check, oldlen, newlen;
	int ret;

	if (!iph)
		return USNF_DROP;
	iplen = (uint32_t)(iph[2] << 8 | iph[3]);
	if (!tcpmss_trim(pkt, iplen))
		return USNF_DROP;
	ret = tcpmss_mangle(pkt, t, par, (iph[0] & 0x0f) * 4u, iplen, 40, false);
	if (ret < 0)
		return USNF_DROP;
	if (ret > 0) {
		iph = pkt_network(pkt);
		memcpy(&oldlen, iph + 2, 2);
		newlen = htons((uint16_t)(iplen + (uint32_t)ret));
		memcpy(&check, iph + 10, 2);
		csum_replace2(&check, oldlen, newlen);
		memcpy(iph + 10, &check, 2);
		memcpy(iph + 2, &newlen, 2);
	}
	return XT_CONTINUE;
}

static unsigned int tcpmss_tg6(struct pkt *pkt, const struct tcpmss_tg *t, struct xt_action *par)
{
	const uint8_t *ip6 = pkt_header(pkt, pkt->net_off, 40);
	uint32_t iplen;
	uint16_t frag = 0;
	uint8_t nexthdr;
	uint8_t *h;
	int off, ret;

	if (!ip6)
		return USNF_DROP;
	iplen = (uint32_t)(ip6[4] << 8 | ip6[5]) + 40;
	if (!tcpmss_trim(pkt, iplen))
		return USNF_DROP;
	nexthdr = ip6[6];
	off = pkt_ipv6_skip_exthdr(pkt, pkt->net_off + 40, &nexthdr, &frag, NULL);
	if (off < 0)
		return USNF_DROP;
	ret = tcpmss_mangle(pkt, t, par, (uint32_t)off - pkt->net_off, iplen, 60, true);
	if (ret < 0)
		return USNF_DROP;
	if (ret > 0) {
		h = pkt_network(pkt);
		iplen = iplen - 40 + (uint32_t)ret;
		h[4] = (uint8_t)(iplen >> 8);
		h[5] = (uint8_t)iplen;
	}
	return XT_CONTINUE;
}

static unsigned int tcpmss_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct tcpmss_tg *t = data;
	unsigned int v = xt_is_v6(par) ? tcpmss_tg6(pkt, t, par) : tcpmss_tg4(pkt, t, par);

	if (v == USNF_DROP)
		pkt->drop_reason = PKT_DROP_NETFILTER_DROP;
	return v;
}

const struct xt_target_ops xt_target_tcpmss = {
	.name = "TCPMSS",
	.family = XT_EXT_ANY,
	.size = sizeof(struct tcpmss_tg),
	.opts = tcpmss_opts,
	.proto = 6,
	.parse = tcpmss_parse,
	.final_check = tcpmss_final_check,
	.check = tcpmss_check,
	.save = tcpmss_save,
	.print = tcpmss_print,
	.target = tcpmss_target,
};
