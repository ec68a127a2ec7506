/*
 * nflog: the subscribers of NFLOG groups and the messages they get, as
 * nfulnl_log_packet() / __build_packet_message() in net/netfilter/nfnetlink_log.c
 * build them.  The message points into the packet: nothing is copied or allocated
 * per packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hook/nfnl.h"
#include "route/route.h"
#include "stack/net.h"

#define NFLOG_ETH_HLEN 14u
#define NFLOG_ARPHRD_ETHER 1u
#define NFLOG_ARPHRD_LOOPBACK 772u
#define NFLOG_PREFIX_MAX 128u           /* NF_LOG_PREFIXLEN, its NUL included */

static const struct nflog_sub *nflog_find(const struct usnf_net *net, uint16_t group)
{
	const struct nfnl_net *n = net->nfnl;

	for (unsigned int i = 0; n && i < n->n_subs; i++)
		if (n->subs[i].group == group)
			return &n->subs[i];
	return NULL;
}

int usnf_nflog_subscribe(struct usnf_net *net, uint16_t group, uint32_t copy_range,
			 usnf_nflog_fn fn, void *ctx)
{
	struct nfnl_net *n;

	if (!fn)
		return -EINVAL;
	if (nflog_find(net, group))
		return -EBUSY;          /* nfulnl_recv_config(): the instance exists */
	n = nfnl_get(net);
	if (!n)
		return -ENOMEM;
	if (n->n_subs == n->cap_subs) {
		unsigned int cap = n->cap_subs ? n->cap_subs * 2 : 4;
		struct nflog_sub *s = realloc(n->subs, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		n->subs = s;
		n->cap_subs = cap;
	}
	/* nfulnl_set_mode(): 0 is the maximum, and nothing goes beyond it. */
	if (copy_range == 0 || copy_range > USNF_NFLOG_COPY_RANGE_MAX)
		copy_range = USNF_NFLOG_COPY_RANGE_MAX;
	n->subs[n->n_subs++] = (struct nflog_sub){ group, copy_range, fn, ctx };
	return 0;
}

int usnf_nflog_unsubscribe(struct usnf_net *net, uint16_t group)
{
	struct nfnl_net *n = net->nfnl;

	for (unsigned int i = 0; n && i < n->n_subs; i++) {
		if (n->subs[i].group != group)
			continue;
		n->subs[i] = n->subs[--n->n_subs];
		return 0;
	}
	return -ENODEV;
}

/*
 * The link-layer attributes: only with an input device and a MAC header set
 * (skb_mac_header_was_set()); skb->dev is the output device from POSTROUTING on
 * (ip_output() sets it before the hook), the input device before.
 */
static void nflog_hw(struct usnf_nflog_msg *m, const struct pkt *pkt,
		     const struct usnf_hook_state *st)
{
	const struct usnf_iface *dev = st->hook == USNF_INET_POST_ROUTING && st->out ?
				       st->out : st->in;

	if (!st->in || pkt->mac_off == PKT_OFF_UNSET ||
	    (uint64_t)pkt->mac_off + NFLOG_ETH_HLEN > PKT_BUF_SIZE)
		return;
	m->hwhdr = pkt->buf + pkt->mac_off;
	m->hwhdr_len = NFLOG_ETH_HLEN;
	m->hwtype = dev->loopback ? NFLOG_ARPHRD_LOOPBACK : NFLOG_ARPHRD_ETHER;
	/* dev_parse_header() (eth_header_parse(): the source address) needs a
	 * non-empty MAC header (skb_mac_header_len()). */
	if (pkt->net_off != pkt->mac_off)
		m->hwaddr_len = 6;
}

void nflog_packet(struct usnf_net *net, const struct pkt *pkt,
		  const struct usnf_hook_state *st, const struct nflog_loginfo *li)
{
	const struct nflog_sub *sub = nflog_find(net, li->group);
	struct usnf_nflog_msg m;
	uint32_t len, data_len;

	if (!sub || pkt->net_off == PKT_OFF_UNSET || pkt->net_off < pkt->data ||
	    pkt->net_off > pkt_end(pkt))
		return;
	len = pkt_end(pkt) - pkt->net_off;      /* skb->len at an IP hook */
	/* nfulnl_log_packet(), NFULNL_COPY_PACKET: the copy range, cut to the rule's
	 * length (NF_LOG_F_COPY_LEN), cut to the packet. */
	data_len = sub->copy_range;
	if (li->copy_len_set && li->copy_len < data_len)
		data_len = li->copy_len;
	if (data_len > len)
		data_len = len;
	memset(&m, 0, sizeof(m));
	m.group = li->group;
	m.pf = st->pf;
	m.hook = st->hook;
	m.hw_protocol = st->pf == USNF_NFPROTO_IPV6 ? 0x86dd : 0x0800;
	m.prefix = li->prefix;
	m.indev = st->in ? st->in->ifindex : 0;
	m.outdev = st->out ? st->out->ifindex : 0;
	m.mark = pkt->mark;
	nflog_hw(&m, pkt, st);
	/* NFULA_TIMESTAMP: before the packet is routed out only, the arrival time
	 * or, without one, now (skb_tstamp_cond(skb, true)). */
	if (st->hook <= USNF_INET_FORWARD) {
		m.has_tstamp = true;
		m.tstamp_ns = pkt->tstamp_ns ? pkt->tstamp_ns : net->now_ns;
	}
	m.payload = pkt->buf + pkt->net_off;
	m.payload_len = data_len;
	m.pkt_len = len;
	m.pkt = pkt;
	sub->fn(sub->ctx, &m);
}

/* --- LINKTYPE_NFLOG encoding --- */

struct nflog_out {
	uint8_t *buf;                   /* NULL: only count */
	size_t len;
};

static void out_bytes(struct nflog_out *o, const void *p, size_t n)
{
	if (o->buf && n)
		memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void put_be16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put_be32(uint8_t *b, uint32_t v)
{
	put_be16(b, (uint16_t)(v >> 16));
	put_be16(b + 2, (uint16_t)v);
}

/* One attribute (nla_put()): nla_len and nla_type in host order, zero padding. */
static void out_attr(struct nflog_out *o, uint16_t type, const void *data, size_t n)
{
	static const uint8_t zero[4];
	uint16_t hdr[2] = { (uint16_t)(4 + n), type };

	out_bytes(o, hdr, sizeof(hdr));
	out_bytes(o, data, n);
	out_bytes(o, zero, (4 - n % 4) % 4);
}

static void out_be32_attr(struct nflog_out *o, uint16_t type, uint32_t v)
{
	uint8_t b[4];

	put_be32(b, v);
	out_attr(o, type, b, 4);
}

static void out_be16_attr(struct nflog_out *o, uint16_t type, uint16_t v)
{
	uint8_t b[2];

	put_be16(b, v);
	out_attr(o, type, b, 2);
}

/* NFULA_PREFIX: the string and its NUL (nf_log_packet() formats it into
 * NF_LOG_PREFIXLEN bytes). */
static void out_prefix(struct nflog_out *o, const char *prefix)
{
	char p[NFLOG_PREFIX_MAX];
	size_t n = strnlen(prefix, NFLOG_PREFIX_MAX - 1);

	memcpy(p, prefix, n);
	p[n] = '\0';
	out_attr(o, USNF_NFULA_PREFIX, p, n + 1);
}

/* The attributes in __build_packet_message()'s order. */
static void nflog_build(const struct usnf_nflog_msg *m, struct nflog_out *o)
{
	uint8_t b[16] = { m->pf, 0 };   /* nfgenmsg: family, NFNETLINK_V0, res_id */

	put_be16(b + 2, m->group);
	out_bytes(o, b, 4);
	put_be16(b, m->hw_protocol);    /* struct nfulnl_msg_packet_hdr */
	b[2] = m->hook;
	b[3] = 0;
	out_attr(o, USNF_NFULA_PACKET_HDR, b, 4);
	out_prefix(o, m->prefix ? m->prefix : "");
	if (m->indev)
		out_be32_attr(o, USNF_NFULA_IFINDEX_INDEV, (uint32_t)m->indev);
	if (m->outdev)
		out_be32_attr(o, USNF_NFULA_IFINDEX_OUTDEV, (uint32_t)m->outdev);
	if (m->mark)
		out_be32_attr(o, USNF_NFULA_MARK, m->mark);
	if (m->hwhdr && m->hwaddr_len && m->hwhdr_len >= 12) {
		uint8_t hw[12] = { 0 };         /* struct nfulnl_msg_packet_hw */

		put_be16(hw, m->hwaddr_len);
		memcpy(hw + 4, m->hwhdr + 6, 6);
		out_attr(o, USNF_NFULA_HWADDR, hw, sizeof(hw));
	}
	if (m->hwhdr) {
		out_be16_attr(o, USNF_NFULA_HWTYPE, m->hwtype);
		out_be16_attr(o, USNF_NFULA_HWLEN, m->hwhdr_len);
		out_attr(o, USNF_NFULA_HWHEADER, m->hwhdr, m->hwhdr_len);
	}
	if (m->has_tstamp) {
		uint64_t sec = m->tstamp_ns / 1000000000u, usec = m->tstamp_ns % 1000000000u / 1000u;

		put_be32(b, (uint32_t)(sec >> 32));
		put_be32(b + 4, (uint32_t)sec);
		put_be32(b + 8, (uint32_t)(usec >> 32));
		put_be32(b + 12, (uint32_t)usec);
		out_attr(o, USNF_NFULA_TIMESTAMP, b, 16);
	}
	if (m->payload_len)         /* at most what a 16-bit nla_len holds */
		out_attr(o, USNF_NFULA_PAYLOAD, m->payload,
			 m->payload_len < USNF_NFLOG_COPY_RANGE_MAX ? m->payload_len :
			 USNF_NFLOG_COPY_RANGE_MAX);
}

size_t usnf_nflog_encode(const struct usnf_nflog_msg *msg, uint8_t *buf, size_t len)
{
	struct nflog_out o = { NULL, 0 };

	nflog_build(msg, &o);
	if (o.len <= len && buf) {
		o = (struct nflog_out){ buf, 0 };
		nflog_build(msg, &o);
	}
	return o.len;
}
