/* frag: IPv4 and IPv6 reassembly for local delivery (ip_fragment.c, ipv6/reassembly.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/parse.h"
#include "stack/stack_int.h"

/*
 * One table of queues allocated at init; fragments are the pool buffers they
 * arrived in.  FRAG_MAX_HELD bounds the buffers all queues hold together (the
 * kernel's ipfrag_high_thresh: past it, fragments are refused, not evicted) so
 * that reassembly cannot starve forwarding of packet buffers.
 */
#define FRAG_QUEUES 64u
#define FRAG_MAX_PER_QUEUE 64u
#define FRAG_MAX_HELD 128u

#define FRAG_FIRST_IN 0x1u
#define FRAG_LAST_IN 0x2u

#define IPV6_MAXPLEN 65535u

/* Outcome of inet_frag_queue_insert(). */
enum { FRAG_OK, FRAG_DUP, FRAG_OVERLAP };

struct frag_ent {
	struct pkt *p;
	uint32_t off, end;      /* payload bytes [off, end) of the datagram */
	uint32_t data;          /* absolute offset of those bytes in p */
	bool run_start;         /* begins a run of contiguous fragments (fragrun) */
};

struct frag_queue {
	bool used;
	uint8_t family;
	uint8_t proto;          /* IPv4 key */
	uint8_t flags;          /* FRAG_FIRST_IN | FRAG_LAST_IN */
	uint8_t ecn;            /* IPFRAG_ECN_* bits seen */
	uint32_t id;
	int iif;                /* IPv6 key for link-local and multicast destinations */
	uint8_t saddr[16], daddr[16];
	uint64_t expires_ns;
	uint32_t len;           /* datagram payload length known so far */
	uint32_t meat;          /* payload bytes received */
	uint32_t max_size, max_df_size;
	uint32_t nhoff;         /* IPv6: offset of the Next Header byte naming the fragment header */
	uint32_t fhoff;         /* IPv6: offset of the fragment header (both in the first fragment) */
	unsigned int n;
	struct frag_ent ent[FRAG_MAX_PER_QUEUE];        /* sorted by offset */
};

struct frag_table {
	struct frag_queue q[FRAG_QUEUES];
	unsigned int held;      /* buffers in all queues */
	unsigned int used;      /* queues in use */
};

int frag_net_init(struct usnf_net *net)
{
	stk(net)->frags = calloc(1, sizeof(struct frag_table));
	return stk(net)->frags ? 0 : -ENOMEM;
}

static void fq_kill(struct frag_table *t, struct frag_queue *q)
{
	for (unsigned int i = 0; i < q->n; i++)
		pkt_free(q->ent[i].p);
	t->held -= q->n;
	t->used--;
	memset(q, 0, sizeof(*q));
}

void frag_net_exit(struct usnf_net *net)
{
	struct frag_table *t = stk(net)->frags;

	if (!t)
		return;
	for (unsigned int i = 0; i < FRAG_QUEUES; i++)
		if (t->q[i].used)
			fq_kill(t, &t->q[i]);
	free(t);
	stk(net)->frags = NULL;
}

/* ---- expiry (ip_expire(), ip6_frag_expire()) ---- */

/*
 * Queues whose time is up die; if their first fragment came, its source gets a
 * "fragment reassembly time exceeded" quoting that fragment.  The kernel does
 * this from a timer; the engine when the clock next moves (the next frame in).
 */
void frag_expire(struct usnf_net *net)
{
	struct frag_table *t = stk(net)->frags;
	uint64_t now = net->now_ns;

	if (!t || !t->used)
		return;
	for (unsigned int i = 0; i < FRAG_QUEUES; i++) {
		struct frag_queue *q = &t->q[i];

		if (!q->used || q->expires_ns > now)
			continue;
		if ((q->flags & FRAG_FIRST_IN) && q->n) {
			struct pkt *head = q->ent[0].p;

			if (q->family == AF_INET6_)
				icmp6_send(net, head, 3, 1, 0);
			else
				icmp_send4(net, head, 11, 1, 0);
		}
		fq_kill(t, q);
	}
}

/* ---- queue lookup and insertion ---- */

static struct frag_queue *fq_find(struct usnf_net *net, int family, const uint8_t *saddr,
				  const uint8_t *daddr, uint32_t id, uint8_t proto, int iif)
{
	struct frag_table *t = stk(net)->frags;
	unsigned int alen = route_alen(family);
	struct frag_queue *freeq = NULL;

	frag_expire(net);
	for (unsigned int i = 0; i < FRAG_QUEUES; i++) {
		struct frag_queue *q = &t->q[i];

		if (!q->used) {
			if (!freeq)
				freeq = q;
			continue;
		}
		if (q->family == family && q->id == id && q->proto == proto && q->iif == iif &&
		    !memcmp(q->saddr, saddr, alen) && !memcmp(q->daddr, daddr, alen))
			return q;
	}
	if (!freeq)
		return NULL;
	memset(freeq, 0, sizeof(*freeq));
	freeq->used = true;
	freeq->family = (uint8_t)family;
	freeq->id = id;
	freeq->proto = proto;
	freeq->iif = iif;
	memcpy(freeq->saddr, saddr, alen);
	memcpy(freeq->daddr, daddr, alen);
	freeq->expires_ns = net->now_ns + (uint64_t)stk(net)->sys[family == AF_INET6_ ?
		SYS_IP6FRAG_TIME : SYS_IPFRAG_TIME] * 1000000000ull;
	t->used++;
	return freeq;
}

/*
 * inet_frag_queue_insert(): a fragment past the tail is appended (continuing the
 * tail's run when contiguous); one before it must fall in a gap.  A fragment
 * inside one run is a duplicate (dropped, the queue kept); any other overlap
 * kills the whole queue (RFC 5722).
 */
static int fq_insert(struct frag_queue *q, const struct frag_ent *e)
{
	unsigned int pos = q->n;
	bool run_start = true;

	if (q->n) {
		const struct frag_ent *last = &q->ent[q->n - 1];

		if (last->end < e->end) {
			if (e->off < last->end)
				return FRAG_OVERLAP;
			run_start = e->off != last->end;
		} else {
			for (unsigned int i = 0; i < q->n;) {
				uint32_t rs = q->ent[i].off, re = q->ent[i].end;
				unsigned int j = i + 1;

				while (j < q->n && !q->ent[j].run_start)
					re = q->ent[j++].end;
				if (e->end > rs && e->off < re)
					return e->off >= rs && e->end <= re ? FRAG_DUP : FRAG_OVERLAP;
				i = j;
			}
			pos = 0;
			while (pos < q->n && q->ent[pos].off < e->off)
				pos++;
		}
	}
	memmove(&q->ent[pos + 1], &q->ent[pos], (q->n - pos) * sizeof(q->ent[0]));
	q->ent[pos] = *e;
	q->ent[pos].run_start = run_start;
	q->n++;
	return FRAG_OK;
}

/* ip_frag_ecn_table[]: CE with ECT is CE; Not-ECT mixed with ECT or CE is invalid (-1). */
static int frag_ecn(uint8_t seen)
{
	if ((seen & 1) && (seen & 0xe))
		return -1;
	if ((seen & 8) && (seen & 6))
		return 3;
	return 0;
}

/*
 * The common part of ip_frag_queue() / ip6_frag_queue() once offset and end are
 * known.  Returns 1 when the queue is complete (p queued: the caller joins),
 * 0 when p was queued or dropped.  last: no More Fragments flag.
 */
static int fq_add(struct usnf_net *net, struct frag_queue *q, struct pkt *p,
		  const struct frag_ent *e, bool last, uint8_t ecn, uint32_t fragsize, bool df)
{
	struct frag_table *t = stk(net)->frags;
	int rc;

	if (last) {
		if (e->end < q->len || ((q->flags & FRAG_LAST_IN) && e->end != q->len))
			goto discard;
		q->flags |= FRAG_LAST_IN;
		q->len = e->end;
	} else if (e->end > q->len) {
		if (q->flags & FRAG_LAST_IN)
			goto discard;
		q->len = e->end;
	}
	if (e->end == e->off)
		goto discard;
	if (q->n == FRAG_MAX_PER_QUEUE || t->held >= FRAG_MAX_HELD) {
		stack_drop(net, p, PKT_DROP_NOMEM);
		return 0;
	}
	rc = fq_insert(q, e);
	if (rc == FRAG_DUP) {
		stack_drop(net, p, PKT_DROP_FRAG_TOO_FAR);
		return 0;
	}
	if (rc == FRAG_OVERLAP)
		goto discard;
	t->held++;
	q->meat += e->end - e->off;
	q->ecn |= ecn;
	if (fragsize > q->max_size)
		q->max_size = fragsize;
	if (df && fragsize > q->max_df_size)
		q->max_df_size = fragsize;
	if (e->off == 0)
		q->flags |= FRAG_FIRST_IN;
	stack_set_fate(net, USNF_FATE_STOLEN);
	stack_trace_local(net, p, "fragment queued");
	return q->flags == (FRAG_FIRST_IN | FRAG_LAST_IN) && q->meat == q->len;
discard:
	fq_kill(t, q);
	stack_drop(net, p, PKT_DROP_FRAG_TOO_FAR);
	return 0;
}

/* A new buffer for the whole datagram, stamped as the fragment that completed it. */
static struct pkt *fq_new_whole(struct usnf_net *net, const struct pkt *last)
{
	struct pkt *r = pkt_alloc(net->pool);

	if (!r) {
		stk(net)->drops[PKT_DROP_NOMEM]++;
		return NULL;
	}
	struct pkt_pool *pool = r->pool;
	uint8_t *buf = r->buf;

	*r = *last;
	r->buf = buf;
	r->pool = pool;
	r->next = NULL;
	r->ct = NULL;
	r->ctinfo = 0;
	r->data = PKT_HEADROOM;
	r->net_off = r->data;
	r->mac_off = PKT_OFF_UNSET;
	r->frag_off = 0;
	r->is_fragment = false;
	return r;
}

/* Copy every fragment's payload behind the unfragmentable part of r (hlen bytes). */
static void fq_copy_payload(const struct frag_queue *q, struct pkt *r, uint32_t hlen)
{
	for (unsigned int i = 0; i < q->n; i++) {
		const struct frag_ent *f = &q->ent[i];

		memcpy(pkt_data(r) + hlen + f->off, pkt_at(f->p, f->data), f->end - f->off);
	}
}

/* ---- IPv4 (ip_defrag(), IP_DEFRAG_LOCAL_DELIVER) ---- */

/* ip_frag_reasm(). */
static struct pkt *ipv4_frag_reasm(struct usnf_net *net, struct frag_queue *q,
				   const struct pkt *cur)
{
	const struct pkt *head = q->ent[0].p;
	const uint8_t *hh = pkt_network(head);
	uint32_t hl = (uint32_t)(hh[0] & 0x0f) * 4;
	int ecn = frag_ecn(q->ecn);
	struct pkt *r;

	if (ecn < 0 || hl + q->len > 65535)
		return NULL;            /* invalid ECN mix; "Oversized IP packet" */
	r = fq_new_whole(net, cur);
	if (!r)
		return NULL;
	memcpy(pkt_data(r), hh, hl);
	fq_copy_payload(q, r, hl);
	r->len = hl + q->len;
	uint8_t *h = pkt_data(r);

	h[1] |= (uint8_t)ecn;
	wr16(h + 2, (uint16_t)r->len);
	/* DF survives only if the largest fragment carried it (IPSKB_FRAG_PMTU). */
	wr16(h + 6, q->max_df_size == q->max_size ? 0x4000 : 0);
	ipv4_set_csum(h);
	r->trans_off = r->net_off + hl;
	return r;
}

struct pkt *ipv4_defrag(struct usnf_net *net, struct pkt *p)
{
	const uint8_t *iph = pkt_network(p);
	uint32_t hl = (uint32_t)(iph[0] & 0x0f) * 4;
	uint16_t fo = rd16(iph + 6);
	struct frag_ent e = { .p = p, .off = (uint32_t)(fo & 0x1fff) * 8 };
	struct frag_queue *q;
	struct pkt *r;

	q = fq_find(net, AF_INET_, iph + 12, iph + 16, rd16(iph + 4), iph[9], 0);
	if (!q) {
		stack_drop(net, p, PKT_DROP_NOMEM);
		return NULL;
	}
	e.end = e.off + rd16(iph + 2) - hl;
	/* A non-final fragment's length is cut down to a multiple of 8. */
	if ((fo & 0x2000) && (e.end & 7))
		e.end &= ~7u;
	e.data = p->net_off + hl;
	if (fq_add(net, q, p, &e, !(fo & 0x2000), (uint8_t)(1u << (iph[1] & 3)), hl + e.end - e.off,
		   fo & 0x4000) != 1)
		return NULL;
	r = ipv4_frag_reasm(net, q, p);
	fq_kill(stk(net)->frags, q);
	if (r)
		stack_set_fate(net, USNF_FATE_LOCAL);
	return r;
}

/* ---- IPv6 (ipv6_frag_rcv()) ---- */

/* ipv6frag_thdr_truncated(): the first fragment must hold the whole upper-layer header. */
static bool ipv6_thdr_truncated(const struct pkt *p)
{
	uint8_t nh = pkt_network(p)[6];
	uint16_t fo = 0;
	int off = pkt_ipv6_skip_exthdr(p, p->net_off + 40, &nh, &fo, NULL);

	if (off < 0 || fo)
		return false;
	switch (nh) {
	case IPPROTO_TCP_:
		off += 20;
		break;
	case IPPROTO_UDP_:
		off += 8;
		break;
	case IPPROTO_ICMPV6_:
		off += 8;
		break;
	default:
		off += 1;
	}
	return (uint32_t)off > pkt_end(p);
}

/* ip6_frag_reasm(): the first fragment's headers, the fragment header taken out. */
static struct pkt *ipv6_frag_reasm(struct usnf_net *net, struct frag_queue *q,
				   const struct pkt *cur)
{
	const struct pkt *head = q->ent[0].p;
	const uint8_t *hh = pkt_network(head);
	uint32_t unfrag = q->fhoff;
	int ecn = frag_ecn(q->ecn);
	struct pkt *r;

	if (ecn < 0 || unfrag - 40 + q->len > IPV6_MAXPLEN)
		return NULL;
	r = fq_new_whole(net, cur);
	if (!r)
		return NULL;
	memcpy(pkt_data(r), hh, unfrag);
	fq_copy_payload(q, r, unfrag);
	r->len = unfrag + q->len;
	uint8_t *h = pkt_data(r);

	h[q->nhoff] = hh[q->fhoff];     /* the fragment header's Next Header */
	wr16(h + 4, (uint16_t)(r->len - 40));
	h[1] |= (uint8_t)(ecn << 4);
	r->trans_off = r->net_off + unfrag;
	return r;
}

static void ipv6_param_prob(struct usnf_net *net, struct pkt *p, uint8_t code, uint32_t ptr)
{
	icmp6_send(net, p, 4, code, ptr);
	stack_drop(net, p, PKT_DROP_IPV6_BAD_EXTHDR);
}

/*
 * ipv6_frag_rcv() for the fragment header at *fhoff_io (relative to the network
 * header) whose Next Header byte is at *nhoff_io.  Returns 1 with *out the
 * datagram to go on with (atomic fragment: p itself; else the reassembled one,
 * its fragment header gone), *fhoff_io where its next header starts and
 * *nhoff_io the byte that names it; 0 when p was queued or dropped (maybe with
 * a parameter problem).
 */
int ipv6_frag_rcv(struct usnf_net *net, struct pkt *p, uint32_t *nhoff_io, uint32_t *fhoff_io,
		  struct pkt **out)
{
	uint32_t nhoff = *nhoff_io;
	const uint8_t *ip6 = pkt_network(p);
	uint32_t fhoff = *fhoff_io;
	const uint8_t *fh = pkt_header(p, p->net_off + fhoff, 8);
	struct frag_queue *q;
	uint16_t fo;

	if (rd16(ip6 + 4) == 0 || !fh) {
		ipv6_param_prob(net, p, 0, fhoff);
		return 0;
	}
	fo = rd16(fh + 2);
	if (!(fo & 0xfff9)) {
		/* An atomic fragment (RFC 6946): not fragmented, go on after the header. */
		*fhoff_io = fhoff + 8;
		*nhoff_io = fhoff;
		*out = p;
		return 1;
	}
	if (ipv6_thdr_truncated(p)) {
		ipv6_param_prob(net, p, 3, 0);
		return 0;
	}
	/* fq_find(): the input device is part of the key for link-local/multicast. */
	int iif = (ip6[24] == 0xff || (ip6[24] == 0xfe && (ip6[25] & 0xc0) == 0x80)) ? p->iif : 0;

	q = fq_find(net, AF_INET6_, ip6 + 8, ip6 + 24, rd32(fh + 4), 0, iif);
	if (!q) {
		stack_drop(net, p, PKT_DROP_NOMEM);
		return 0;
	}
	struct frag_ent e = { .p = p, .off = fo & 0xfff8u, .data = p->net_off + fhoff + 8 };

	e.end = e.off + 40 + rd16(ip6 + 4) - (fhoff + 8);
	if (e.end > IPV6_MAXPLEN) {
		fq_kill(stk(net)->frags, q);
		ipv6_param_prob(net, p, 0, fhoff + 2);
		return 0;
	}
	if ((fo & 1) && (e.end & 7)) {
		/* RFC 2460: a non-final fragment is a multiple of 8 bytes long. */
		ipv6_param_prob(net, p, 0, 4);
		return 0;
	}
	if (e.off == 0) {
		q->nhoff = nhoff;
		q->fhoff = fhoff;
	}
	uint8_t dsfield = (uint8_t)((ip6[0] << 4) | (ip6[1] >> 4));

	if (fq_add(net, q, p, &e, !(fo & 1), (uint8_t)(1u << (dsfield & 3)),
		   fhoff + 8 + e.end - e.off, false) != 1)
		return 0;
	/* The first fragment's offsets may be from a fragment other than p. */
	*out = ipv6_frag_reasm(net, q, p);
	*fhoff_io = q->fhoff;
	*nhoff_io = q->nhoff;
	fq_kill(stk(net)->frags, q);
	if (!*out)
		return 0;
	stack_set_fate(net, USNF_FATE_LOCAL);
	return 1;
}
