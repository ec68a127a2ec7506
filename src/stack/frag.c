/* frag: IPv4 reassembly before local delivery (net/ipv4/ip_fragment.c: ip_defrag()). */
#include <stdlib.h>
#include <string.h>

#include "stack/stack_int.h"

#define FRAG_QUEUES 64u
#define FRAG_MAX_PER_QUEUE 64u

struct frag_queue {
	bool used;
	uint32_t saddr, daddr;
	uint16_t id;
	uint8_t proto;
	uint64_t expires_ns;
	uint32_t total;                 /* payload length once the last fragment came, else 0 */
	unsigned int n;
	struct pkt *frags[FRAG_MAX_PER_QUEUE];   /* sorted by offset */
};

static struct frag_queue *frag_table(struct usnf_net *net)
{
	struct stack_ctx *s = stk(net);

	if (!s->frags)
		s->frags = calloc(FRAG_QUEUES, sizeof(struct frag_queue));
	return s->frags;
}

static void fq_kill(struct frag_queue *q)
{
	for (unsigned int i = 0; i < q->n; i++)
		pkt_free(q->frags[i]);
	memset(q, 0, sizeof(*q));
}

void frag_net_exit(struct usnf_net *net)
{
	struct frag_queue *t = stk(net)->frags;

	if (!t)
		return;
	for (unsigned int i = 0; i < FRAG_QUEUES; i++)
		if (t[i].used)
			fq_kill(&t[i]);
	free(t);
	stk(net)->frags = NULL;
}

static uint32_t frag_off(const struct pkt *p) { return (uint32_t)(rd16(pkt_network(p) + 6) & 0x1fff) * 8; }
static uint32_t frag_len(const struct pkt *p)
{
	const uint8_t *h = pkt_network(p);

	return rd16(h + 2) - (uint32_t)(h[0] & 0x0f) * 4;
}

static struct frag_queue *fq_find(struct usnf_net *net, const uint8_t *iph)
{
	struct frag_queue *t = frag_table(net), *freeq = NULL;
	uint64_t now = net->now_ns;

	if (!t)
		return NULL;
	for (unsigned int i = 0; i < FRAG_QUEUES; i++) {
		struct frag_queue *q = &t[i];

		if (q->used && q->expires_ns < now)
			fq_kill(q);     /* ip_expire(): timed out */
		if (!q->used) {
			if (!freeq)
				freeq = q;
			continue;
		}
		if (!memcmp(&q->saddr, iph + 12, 4) && !memcmp(&q->daddr, iph + 16, 4) &&
		    q->id == rd16(iph + 4) && q->proto == iph[9])
			return q;
	}
	if (!freeq)
		return NULL;
	freeq->used = true;
	memcpy(&freeq->saddr, iph + 12, 4);
	memcpy(&freeq->daddr, iph + 16, 4);
	freeq->id = rd16(iph + 4);
	freeq->proto = iph[9];
	freeq->expires_ns = now + (uint64_t)stk(net)->sys[SYS_IPFRAG_TIME] * 1000000000ull;
	return freeq;
}

/* Join the fragments into a new packet; NULL if the pool is empty. */
static struct pkt *fq_join(struct usnf_net *net, struct frag_queue *q)
{
	struct pkt *first = q->frags[0];
	const uint8_t *fh = pkt_network(first);
	uint32_t hl = (uint32_t)(fh[0] & 0x0f) * 4;
	struct pkt *r = pkt_clone(first);

	if (!r || hl + q->total > 65535) {
		pkt_free(r);
		return NULL;
	}
	r->data = PKT_HEADROOM;
	r->net_off = r->data;
	memcpy(pkt_data(r), fh, hl);
	for (unsigned int i = 0; i < q->n; i++) {
		const struct pkt *f = q->frags[i];
		const uint8_t *h = pkt_network(f);
		uint32_t fhl = (uint32_t)(h[0] & 0x0f) * 4;

		memcpy(pkt_data(r) + hl + frag_off(f), h + fhl, frag_len(f));
	}
	r->len = hl + q->total;
	uint8_t *h = pkt_data(r);

	wr16(h + 2, (uint16_t)r->len);
	wr16(h + 6, rd16(h + 6) & 0x4000);      /* keep DF, clear MF and the offset */
	ipv4_set_csum(h);
	r->trans_off = r->net_off + hl;
	r->frag_off = 0;
	r->is_fragment = false;
	return r;
}

struct pkt *ipv4_defrag(struct usnf_net *net, struct pkt *p)
{
	const uint8_t *iph = pkt_network(p);
	struct frag_queue *q = fq_find(net, iph);
	uint32_t off = frag_off(p), len = frag_len(p);
	bool last = !(rd16(iph + 6) & 0x2000);

	if (!q) {
		stack_drop(net, p, PKT_DROP_NOMEM);
		return NULL;
	}
	if ((!last && (len & 7)) || (last && q->total && q->total != off + len) ||
	    (q->total && off + len > q->total) || q->n == FRAG_MAX_PER_QUEUE) {
		fq_kill(q);
		stack_drop(net, p, PKT_DROP_FRAG_TOO_FAR);
		return NULL;
	}
	unsigned int pos = 0;

	while (pos < q->n && frag_off(q->frags[pos]) < off)
		pos++;
	/* Overlaps kill the whole queue (inet_frag_queue_insert(): IPFRAG_OVERLAP). */
	bool dup = pos < q->n && frag_off(q->frags[pos]) == off && frag_len(q->frags[pos]) == len;

	if (dup) {
		stack_drop(net, p, PKT_DROP_FRAG_TOO_FAR);
		return NULL;
	}
	if ((pos > 0 && frag_off(q->frags[pos - 1]) + frag_len(q->frags[pos - 1]) > off) ||
	    (pos < q->n && off + len > frag_off(q->frags[pos]))) {
		fq_kill(q);
		stack_drop(net, p, PKT_DROP_FRAG_TOO_FAR);
		return NULL;
	}
	memmove(&q->frags[pos + 1], &q->frags[pos], (q->n - pos) * sizeof(q->frags[0]));
	q->frags[pos] = p;
	q->n++;
	if (last)
		q->total = off + len;
	stack_set_fate(net, USNF_FATE_STOLEN);
	stack_trace_local(net, p, "fragment queued");
	if (!q->total || frag_off(q->frags[0]) != 0)
		return NULL;
	uint32_t end = 0;

	for (unsigned int i = 0; i < q->n; i++) {
		if (frag_off(q->frags[i]) != end)
			return NULL;
		end += frag_len(q->frags[i]);
	}
	if (end != q->total)
		return NULL;
	struct pkt *r = fq_join(net, q);

	fq_kill(q);
	if (r)
		stack_set_fate(net, USNF_FATE_LOCAL);
	return r;
}
