/*
 * nat_seqadj: TCP sequence adjustment after a helper changed a payload's length
 * (nf_conntrack_seqadj.c): each direction remembers where its last change was
 * and the offsets before and after it; later packets have their seq moved, the
 * other direction's acks and SACK blocks moved back.
 */
#include <string.h>

#include "nat/nat_int.h"
#include "pkt/csum.h"

static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

void nat_seqadj_set(struct ct_conn *c, enum ct_info ci, uint32_t seq, int32_t off)
{
	struct ct_seqadj *w = &c->seqadj[ct_info_dir(ci)];

	if (off == 0)
		return;
	c->status |= CT_S_SEQ_ADJUST;
	/* A change before the recorded one (a retransmission) keeps the offsets. */
	if (w->offset_before == w->offset_after || seq_after(seq, w->correction_pos)) {
		w->correction_pos = seq;
		w->offset_before = w->offset_after;
		w->offset_after += off;
	}
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Rewrite the 32-bit field at f to v, keeping the TCP checksum at csum right. */
static void put32(uint8_t *csum, uint8_t *f, uint32_t v)
{
	uint8_t nv[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	uint32_t from, to;
	uint16_t c;

	memcpy(&from, f, 4);
	memcpy(&to, nv, 4);
	memcpy(&c, csum, 2);
	csum_replace4(&c, from, to);
	memcpy(csum, &c, 2);
	memcpy(f, nv, 4);
}

/* An acknowledged sequence number of the other direction, moved back. */
static uint32_t ack_back(const struct ct_seqadj *o, uint32_t v)
{
	return v - (uint32_t)(seq_after(v - (uint32_t)o->offset_before, o->correction_pos) ?
			      o->offset_after : o->offset_before);
}

/* nf_ct_sack_adjust(): the SACK blocks; false on a truncated option. */
static bool sack_adjust(uint8_t *th, const struct ct_seqadj *o)
{
	unsigned int off = 20, end = (unsigned int)(th[12] >> 4) * 4;

	while (off < end) {
		uint8_t *op = th + off;

		if (op[0] == 0)
			return true;
		if (op[0] == 1) {
			off++;
			continue;
		}
		if (off + 1 == end || off + op[1] > end || op[1] < 2)
			return false;
		if (op[0] == 5 && op[1] >= 10 && (op[1] - 2) % 8 == 0)
			for (unsigned int b = 2; b < op[1]; b += 4)
				put32(th + 16, op + b, ack_back(o, rd32(op + b)));
		off += op[1];
	}
	return true;
}

bool nat_seq_adjust(struct pkt *p, struct ct_conn *c, enum ct_info ci, uint32_t protoff)
{
	unsigned int dir = ct_info_dir(ci);
	const struct ct_seqadj *w = &c->seqadj[dir], *o = &c->seqadj[!dir];
	uint8_t *th;
	uint32_t seq;

	if (!pkt_header(p, protoff, 20))
		return false;
	th = pkt_at(p, protoff);
	if (!pkt_header(p, protoff, (uint32_t)(th[12] >> 4) * 4))
		return false;
	seq = rd32(th + 4);
	put32(th + 16, th + 4,
	      seq + (uint32_t)(seq_after(seq, w->correction_pos) ? w->offset_after
							      : w->offset_before));
	if (!(th[13] & 0x10))
		return true;
	put32(th + 16, th + 8, ack_back(o, rd32(th + 8)));
	return sack_adjust(th, o);
}
