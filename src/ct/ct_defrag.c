/*
 * ct_defrag: reassembly before conntrack (nf_defrag_ipv4 / nf_defrag_ipv6 at
 * priority -400).  Fragments are kept (STOLEN) until the datagram is whole;
 * the completing fragment's buffer then carries the datagram on, with the
 * largest original fragment size recorded so that the output path can
 * re-fragment at the original sizes (IPCB/IP6CB frag_max_size).
 */
#include <stdlib.h>
#include <string.h>

#include "ct/ct_int.h"
#include "pkt/csum.h"

#define DF_QUEUES 64u
#define DF_FRAGS 64u
#define DF_TIMEOUT4_S 30u       /* net.ipv4.ipfrag_time */
#define DF_TIMEOUT6_S 60u       /* nf_conntrack_frag6_timeout */

struct df_frag {
	struct pkt *p;
	uint32_t off, end;              /* payload byte range */
	uint32_t doff;                  /* absolute offset of this fragment's payload */
};

struct df_queue {
	bool used, v6;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t proto;
	uint16_t zone_unused;
	uint64_t expires_ns;
	uint32_t len;                   /* total payload length once known */
	bool last_in, first_in;
	uint32_t meat;
	uint32_t max_size, max_df_size;
	unsigned int n;
	struct df_frag f[DF_FRAGS];     /* sorted by offset */
};

struct ct_defrag {
	struct df_queue q[DF_QUEUES];
};

static void dq_kill(struct df_queue *q)
{
	for (unsigned int i = 0; i < q->n; i++)
		pkt_free(q->f[i].p);
	memset(q, 0, sizeof(*q));
}

void ct_defrag_exit(struct ct_net *cn)
{
	if (!cn->defrag)
		return;
	for (unsigned int i = 0; i < DF_QUEUES; i++)
		if (cn->defrag->q[i].used)
			dq_kill(&cn->defrag->q[i]);
	free(cn->defrag);
	cn->defrag = NULL;
}

static struct df_queue *dq_find(struct usnf_net *net, bool v6, const uint8_t *src,
				const uint8_t *dst, uint32_t id, uint8_t proto)
{
	struct ct_net *cn = ctn(net);
	struct df_queue *free_q = NULL, *oldest = NULL;
	size_t alen = v6 ? 16 : 4;

	if (!cn->defrag && !(cn->defrag = calloc(1, sizeof(*cn->defrag))))
		return NULL;
	for (unsigned int i = 0; i < DF_QUEUES; i++) {
		struct df_queue *q = &cn->defrag->q[i];

		if (q->used && q->expires_ns <= net->now_ns)
			dq_kill(q);             /* ip_expire(): silently for forwarded traffic */
		if (!q->used) {
			if (!free_q)
				free_q = q;
			continue;
		}
		if (q->v6 == v6 && q->id == id && q->proto == proto &&
		    !memcmp(q->src, src, alen) && !memcmp(q->dst, dst, alen))
			return q;
		if (!oldest || q->expires_ns < oldest->expires_ns)
			oldest = q;
	}
	if (!free_q) {
		dq_kill(oldest);        /* memory pressure: the oldest queue goes */
		free_q = oldest;
	}
	free_q->used = true;
	free_q->v6 = v6;
	memcpy(free_q->src, src, alen);
	memcpy(free_q->dst, dst, alen);
	free_q->id = id;
	free_q->proto = proto;
	free_q->expires_ns = net->now_ns + (uint64_t)(v6 ? DF_TIMEOUT6_S : DF_TIMEOUT4_S) *
						   CT_NS_PER_S;
	return free_q;
}

/*
 * inet_frag_queue_insert(): 0 queued, 1 duplicate (drop this fragment only),
 * -1 overlap or corrupt (drop the whole queue and this fragment).
 */
static int dq_insert(struct df_queue *q, struct pkt *p, uint32_t off, uint32_t end, bool more,
		     uint32_t doff)
{
	unsigned int i;

	if (!more) {
		if (end < q->len || (q->last_in && end != q->len))
			return -1;
		q->last_in = true;
		q->len = end;
	} else {
		if (end > q->len) {
			if (q->last_in)
				return -1;
			q->len = end;
		}
	}
	if (end == off)
		return -1;
	for (i = 0; i < q->n; i++) {
		if (q->f[i].off == off && q->f[i].end == end)
			return 1;
		if (off < q->f[i].end && end > q->f[i].off)
			return -1;
		if (q->f[i].off > off)
			break;
	}
	if (q->n == DF_FRAGS)
		return -1;
	memmove(&q->f[i + 1], &q->f[i], (q->n - i) * sizeof(q->f[0]));
	q->f[i] = (struct df_frag){ .p = p, .off = off, .end = end, .doff = doff };
	q->n++;
	q->meat += end - off;
	if (off == 0)
		q->first_in = true;
	return 0;
}

/*
 * Copy every fragment's payload into p (which is one of them) at base + off.
 * p's own payload moves first so that the others may overwrite where it was.
 */
static void dq_gather(struct df_queue *q, struct pkt *p, uint32_t base)
{
	unsigned int i;

	for (i = 0; i < q->n; i++)
		if (q->f[i].p == p)
			memmove(p->buf + base + q->f[i].off, p->buf + q->f[i].doff,
				q->f[i].end - q->f[i].off);
	for (i = 0; i < q->n; i++) {
		if (q->f[i].p == p)
			continue;
		memcpy(p->buf + base + q->f[i].off, q->f[i].p->buf + q->f[i].doff,
		       q->f[i].end - q->f[i].off);
		pkt_free(q->f[i].p);
	}
	q->n = 0;
	memset(q, 0, sizeof(*q));
}

static void set_fragmax(struct pkt *p, uint32_t max)
{
	p->ctinfo = (p->ctinfo & ((1u << CT_FRAGMAX_SHIFT) - 1)) |
		    ((max & 0xffffu) << CT_FRAGMAX_SHIFT);
}

uint32_t ct_frag_max_size(const struct pkt *p)
{
	return p->ctinfo >> CT_FRAGMAX_SHIFT;
}

/* ip_defrag(IP_DEFRAG_CONNTRACK_IN/OUT). */
unsigned int ct_defrag4_hook(void *priv, struct pkt *p, const struct usnf_hook_state *st)
{
	const uint8_t *h = pkt_header(p, p->net_off, 20);
	uint32_t ihl, tot, off, end, id, base, first_ihl;
	struct df_queue *q;
	uint8_t *nh;
	bool more;
	int rc;

	if (!h || !(ct_rd16(h + 6) & 0x3fff) || ct_pkt_untracked(p) || p->ct)
		return USNF_ACCEPT;
	ihl = (uint32_t)(h[0] & 0x0f) * 4;
	tot = ct_rd16(h + 2);
	off = (uint32_t)(ct_rd16(h + 6) & 0x1fff) * 8;
	more = ct_rd16(h + 6) & 0x2000;
	end = off + tot - ihl;
	id = ct_rd16(h + 4);
	if (more)
		end &= ~7u;             /* ip_frag_queue(): non-last fragments are 8-aligned */
	q = dq_find(st->net, false, h + 12, h + 16, id, h[9]);
	if (!q)
		return USNF_DROP;
	if (tot > q->max_size)
		q->max_size = tot;
	if ((ct_rd16(h + 6) & 0x4000) && tot > q->max_df_size)
		q->max_df_size = tot;
	rc = dq_insert(q, p, off, end, more, p->net_off + ihl);
	if (rc) {
		if (rc < 0)
			dq_kill(q);
		return USNF_DROP;
	}
	if (!(q->first_in && q->last_in && q->meat == q->len))
		return USNF_STOLEN;
	if (q->len + q->f[0].doff - q->f[0].p->net_off > 65535) {
		dq_kill(q);
		return USNF_DROP;       /* oversized datagram */
	}
	/* The first fragment's header (with its options) heads the datagram. */
	first_ihl = q->f[0].doff - q->f[0].p->net_off;
	base = p->net_off + first_ihl;
	{
		uint8_t hdr[60];
		uint32_t maxsz = q->max_size, dfsz = q->max_df_size;
		uint32_t len = q->len;

		memcpy(hdr, q->f[0].p->buf + q->f[0].p->net_off, first_ihl);
		dq_gather(q, p, base);
		memcpy(p->buf + p->net_off, hdr, first_ihl);
		p->len = p->net_off - p->data + first_ihl + len;
		nh = p->buf + p->net_off;
		nh[2] = (uint8_t)((first_ihl + len) >> 8);
		nh[3] = (uint8_t)(first_ihl + len);
		/* All fragments had DF: the datagram has it, else no flags (ip_frag_reasm()). */
		nh[6] = dfsz == maxsz ? 0x40 : 0;
		nh[7] = 0;
		nh[10] = nh[11] = 0;
		{
			uint16_t c = ip_fast_csum(nh, first_ihl / 4);

			memcpy(nh + 10, &c, 2);
		}
		p->trans_off = p->net_off + first_ihl;
		p->frag_off = 0;
		p->is_fragment = false;
		set_fragmax(p, dfsz > maxsz ? dfsz : maxsz);
	}
	return USNF_ACCEPT;
}

/* The fragment header of an IPv6 packet: its offset and the offset of the Next Header
 * byte that points at it, or false. */
static bool v6_frag_hdr(const struct pkt *p, uint32_t *fh, uint32_t *prev_nh)
{
	uint32_t off = p->net_off + 40, pnh = p->net_off + 6;
	const uint8_t *h = pkt_header(p, p->net_off, 40);
	uint8_t nh = h ? h[6] : 59;

	while (nh == 0 || nh == 43 || nh == 60) {
		const uint8_t *e = pkt_header(p, off, 2);

		if (!e)
			return false;
		pnh = off;
		nh = e[0];
		off += ((uint32_t)e[1] + 1) * 8;
	}
	if (nh != 44 || !pkt_header(p, off, 8))
		return false;
	*fh = off;
	*prev_nh = pnh;
	return true;
}

/* nf_ct_frag6_gather(). */
unsigned int ct_defrag6_hook(void *priv, struct pkt *p, const struct usnf_hook_state *st)
{
	const uint8_t *h = pkt_header(p, p->net_off, 40), *fh;
	uint32_t fhoff, pnh, off, end, plen, unfrag, base;
	struct df_queue *q;
	bool more;
	int rc;

	if (!h || ct_pkt_untracked(p) || p->ct || !v6_frag_hdr(p, &fhoff, &pnh))
		return USNF_ACCEPT;
	fh = p->buf + fhoff;
	if (!(ct_rd16(fh + 2) & 0xfff9))
		return USNF_ACCEPT;     /* an atomic fragment passes as it is */
	plen = ct_rd16(h + 4);
	off = ct_rd16(fh + 2) & 0xfff8;
	more = fh[3] & 1;
	end = off + (p->net_off + 40 + plen) - (fhoff + 8);
	if (more && (end - off) % 8)
		return USNF_ACCEPT;     /* invalid: left to the stack (it sends the error) */
	if (end > 65535)
		return USNF_DROP;
	q = dq_find(st->net, true, h + 8, h + 24, ct_rd32(fh + 4), 0);
	if (!q)
		return USNF_DROP;
	if (plen > q->max_size)
		q->max_size = plen;
	rc = dq_insert(q, p, off, end, more, fhoff + 8);
	if (rc) {
		if (rc < 0)
			dq_kill(q);
		return USNF_DROP;
	}
	if (!(q->first_in && q->last_in && q->meat == q->len))
		return USNF_STOLEN;
	{
		struct pkt *first = q->f[0].p;
		uint32_t ffh, fpnh, len = q->len, maxsz = q->max_size;
		uint8_t hdr[512], next;

		if (!v6_frag_hdr(first, &ffh, &fpnh) || ffh - first->net_off > sizeof(hdr)) {
			dq_kill(q);
			return USNF_DROP;
		}
		unfrag = ffh - first->net_off;
		next = first->buf[ffh];
		memcpy(hdr, first->buf + first->net_off, unfrag);
		hdr[fpnh - first->net_off] = next;      /* skip the fragment header */
		if (unfrag - 40 + len > 65535) {
			dq_kill(q);
			return USNF_DROP;
		}
		base = p->net_off + unfrag;
		dq_gather(q, p, base);
		memcpy(p->buf + p->net_off, hdr, unfrag);
		p->buf[p->net_off + 4] = (uint8_t)((unfrag - 40 + len) >> 8);
		p->buf[p->net_off + 5] = (uint8_t)(unfrag - 40 + len);
		p->len = p->net_off - p->data + unfrag + len;
		p->trans_off = base;
		p->frag_off = 0;
		p->is_fragment = false;
		set_fragmax(p, 40 + maxsz);
	}
	return USNF_ACCEPT;
}
