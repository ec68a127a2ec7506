/* xt_cls: build and query the per-chain bit-vector classifiers (see xt_cls.h). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "xt/xt_cls.h"

/* A field's allowed values for one rule: up to two ranges (an inverted one). */
struct xt_cls_range { uint64_t lo, hi; };
struct xt_cls_rf {
	struct xt_cls_range r[2];
	uint8_t n;
	bool wild;
};

static const uint64_t xt_cls_max[XT_CF_COUNT] = {
	[XT_CF_SRC] = UINT64_MAX, [XT_CF_DST] = UINT64_MAX, [XT_CF_DPORT] = 0xffff,
	[XT_CF_PROTO] = 0xff, [XT_CF_SPORT] = 0xffff,
};

static void rf_wild(struct xt_cls_rf *rf)
{
	rf->n = 1;
	rf->wild = true;
	rf->r[0].lo = 0;
	rf->r[0].hi = UINT64_MAX;
}

/* [lo, hi] or, inverted, its complement within [0, max]. */
static void rf_range(struct xt_cls_rf *rf, uint64_t lo, uint64_t hi, uint64_t max, bool inv)
{
	rf->wild = false;
	rf->n = 0;
	if (!inv) {
		rf->r[rf->n++] = (struct xt_cls_range){ lo, hi };
		return;
	}
	if (lo > 0)
		rf->r[rf->n++] = (struct xt_cls_range){ 0, lo - 1 };
	if (hi < max)
		rf->r[rf->n++] = (struct xt_cls_range){ hi + 1, max };
}

static uint64_t be_load(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Address field: exact for contiguous masks, else a superset (or wild when inverted). */
static void rf_addr4(struct xt_cls_rf *rf, const union xt_addr *a, const union xt_addr *m,
		     bool inv)
{
	uint32_t mask = (uint32_t)be_load((const uint8_t *)&m->a4, 4);
	uint32_t addr = (uint32_t)be_load((const uint8_t *)&a->a4, 4) & mask;

	if ((uint32_t)be_load((const uint8_t *)&a->a4, 4) & ~mask) {
		/* Bits outside the mask: (saddr & mask) != addr for every packet. */
		if (inv)
			rf_wild(rf);
		else
			rf->wild = false, rf->n = 0;
		return;
	}
	if ((~mask & (~mask + 1u)) != 0) {
		rf_wild(rf);    /* a mask like 255.0.255.0: the residual check decides */
		return;
	}
	rf_range(rf, addr, addr | ~mask, UINT32_MAX, inv);
	if (rf->n == 1 && rf->r[0].lo == 0 && rf->r[0].hi == UINT32_MAX)
		rf_wild(rf);
}

static void rf_addr6(struct xt_cls_rf *rf, const union xt_addr *a, const union xt_addr *m,
		     bool inv)
{
	uint64_t mhi = be_load(m->a6, 8), mlo = be_load(m->a6 + 8, 8);
	uint64_t ahi = be_load(a->a6, 8) & mhi;
	bool contiguous = mlo == 0 ? (~mhi & (~mhi + 1u)) == 0
				   : mhi == UINT64_MAX && (~mlo & (~mlo + 1u)) == 0;

	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (a->a6[i] & ~m->a6[i]) {
			/* Bits outside the mask: no packet's masked address equals it. */
			if (inv)
				rf_wild(rf);
			else
				rf->wild = false, rf->n = 0;
			return;
		}
	}
	if (!contiguous || (mlo != 0 && inv)) {
		/* Longer than /64 only narrows within one upper half: a superset, which
		 * cannot be inverted. */
		rf_wild(rf);
		return;
	}
	rf_range(rf, ahi, ahi | ~mhi, UINT64_MAX, inv);
	if (rf->n == 1 && rf->r[0].lo == 0 && rf->r[0].hi == UINT64_MAX)
		rf_wild(rf);
}

/* -p as ip_packet_match() / ip6_packet_match() test it (see xt_do.c). */
static void rf_proto(struct xt_cls_rf *rf, const struct xt_ipspec *ip, bool v6)
{
	bool inv = ip->invflags & XT_INV_PROTO;

	if (!v6) {
		if (ip->proto == 0)
			rf_wild(rf);
		else
			rf_range(rf, ip->proto, ip->proto, 0xff, inv);
		return;
	}
	if (!(ip->flags & XT_F_PROTO) || (ip->proto == 0 && !inv))
		rf_wild(rf);
	else
		rf_range(rf, ip->proto, ip->proto, 0xff, inv);
}

/*
 * Matches that neither change state nor drop the packet (hotdrop) before the
 * port test could: a tcp/udp match after them may prune.  Anything else in front
 * (quota, statistic, limit, ...) must be evaluated even for packets the ports rule
 * out, as the linear scan would.  multiport hotdrops only when fewer than 4 bytes of
 * the header are there, and then the ports are not used (xt_cls_key_get).
 */
static bool xt_cls_pure(const char *name)
{
	static const char *const pure[] = {
		"comment", "mark", "connmark", "state", "conntrack", "mac", "pkttype",
		"addrtype", "iprange", "multiport", "tcp", "udp",
	};
	size_t i;

	for (i = 0; i < sizeof(pure) / sizeof(pure[0]); i++)
		if (strcmp(pure[i], name) == 0)
			return true;
	return false;
}

/* The ports of rule r's first match that states them (ops->l4_ports, for the
 * protocol the rule's -p names), if only pure matches come before it. */
static void rf_ports(struct xt_cls_rf *sp, struct xt_cls_rf *dp, const struct xt_rule *r,
		     bool v6)
{
	unsigned int m;

	rf_wild(sp);
	rf_wild(dp);
	if ((r->ip.invflags & XT_INV_PROTO) || (v6 && !(r->ip.flags & XT_F_PROTO)))
		return;
	for (m = 0; m < r->nmatches; m++) {
		const struct xt_match_ops *ops = r->matches[m].ops;
		struct xt_l4_ports p;

		if (!ops->l4_ports || !ops->l4_ports(r->matches[m].data, (uint8_t)r->ip.proto, &p)) {
			if (!xt_cls_pure(ops->name))
				return;
			continue;
		}
		if (p.sport[0] > p.sport[1] || p.dport[0] > p.dport[1])
			return;
		rf_range(sp, p.sport[0], p.sport[1], 0xffff, p.sinv);
		rf_range(dp, p.dport[0], p.dport[1], 0xffff, p.dinv);
		if (sp->n == 1 && sp->r[0].lo == 0 && sp->r[0].hi == 0xffff)
			rf_wild(sp);
		if (dp->n == 1 && dp->r[0].lo == 0 && dp->r[0].hi == 0xffff)
			rf_wild(dp);
		return;
	}
}

static void rf_rule(struct xt_cls_rf rf[XT_CF_COUNT], const struct xt_rule *r, bool v6)
{
	const struct xt_ipspec *ip = &r->ip;

	if (v6) {
		rf_addr6(&rf[XT_CF_SRC], &ip->src, &ip->smsk, ip->invflags & XT_INV_SRCIP);
		rf_addr6(&rf[XT_CF_DST], &ip->dst, &ip->dmsk, ip->invflags & XT_INV_DSTIP);
	} else {
		rf_addr4(&rf[XT_CF_SRC], &ip->src, &ip->smsk, ip->invflags & XT_INV_SRCIP);
		rf_addr4(&rf[XT_CF_DST], &ip->dst, &ip->dmsk, ip->invflags & XT_INV_DSTIP);
	}
	rf_proto(&rf[XT_CF_PROTO], ip, v6);
	rf_ports(&rf[XT_CF_SPORT], &rf[XT_CF_DPORT], r, v6);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Index of the interval holding v: the last start <= v (pts[0] is 0). */
static uint32_t pts_find(const uint64_t *pts, uint32_t n, uint64_t v)
{
	uint32_t lo = 0, hi = n;

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (pts[mid] <= v)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The elementary intervals and bitmaps of one field over rules [0, n) of a block. */
static int field_build(struct xt_cls_field *f, const struct xt_cls_rf *rf, unsigned int n,
		       uint32_t nwords, uint64_t max)
{
	uint64_t *pts;
	uint32_t np = 0, k, w;
	unsigned int j, q;

	pts = malloc((1 + 4 * (size_t)n) * sizeof(*pts));
	if (!pts)
		return -ENOMEM;
	pts[np++] = 0;
	for (j = 0; j < n; j++) {
		for (q = 0; !rf[j * XT_CF_COUNT].wild && q < rf[j * XT_CF_COUNT].n; q++) {
			const struct xt_cls_range *r = &rf[j * XT_CF_COUNT].r[q];

			pts[np++] = r->lo;
			if (r->hi < max)
				pts[np++] = r->hi + 1;
		}
	}
	qsort(pts, np, sizeof(*pts), u64_cmp);
	for (k = 1, w = 1; k < np; k++)
		if (pts[k] != pts[w - 1])
			pts[w++] = pts[k];
	f->pts = pts;
	f->npts = w;
	f->bits = calloc((size_t)f->npts * nwords, sizeof(uint64_t));
	f->nonempty = calloc(f->npts, 1);
	if (!f->bits || !f->nonempty)
		return -ENOMEM;
	/* Toggle each rule's bit where its ranges start and end, then a prefix XOR
	 * over the intervals gives the covering sets (a rule's ranges are disjoint). */
	for (j = 0; j < n; j++) {
		const struct xt_cls_rf *x = &rf[j * XT_CF_COUNT];
		uint64_t bit = 1ull << (j & 63);

		for (q = 0; q < x->n; q++) {
			uint32_t a = x->wild ? 0 : pts_find(f->pts, f->npts, x->r[q].lo);

			f->bits[(size_t)a * nwords + j / 64] ^= bit;
			if (!x->wild && x->r[q].hi < max) {
				uint32_t b = pts_find(f->pts, f->npts, x->r[q].hi + 1);

				f->bits[(size_t)b * nwords + j / 64] ^= bit;
			}
		}
	}
	for (k = 0; k < f->npts; k++) {
		uint64_t *row = &f->bits[(size_t)k * nwords], any = 0;

		for (w = 0; w < nwords; w++) {
			if (k > 0)
				row[w] ^= row[(ptrdiff_t)w - (ptrdiff_t)nwords];
			any |= row[w];
		}
		f->nonempty[k] = any != 0;
	}
	return 0;
}

/* field: rf is laid out [rule][field]; view one field by offsetting the base. */
static int block_build(struct xt_cls_block *b, const struct xt_cls_rf *rf, unsigned int n)
{
	static const uint8_t order[XT_CF_COUNT] = {
		XT_CF_SRC, XT_CF_DST, XT_CF_DPORT, XT_CF_PROTO, XT_CF_SPORT,
	};
	unsigned int i, j;
	int rc;

	b->nwords = (n + 63) / 64;
	for (i = 0; i < XT_CF_COUNT; i++) {
		unsigned int f = order[i];

		for (j = 0; j < n && rf[j * XT_CF_COUNT + f].wild; j++)
			;
		if (j == n)
			continue;       /* every rule takes any value: nothing to prune */
		rc = field_build(&b->f[f], rf + f, n, b->nwords, xt_cls_max[f]);
		if (rc)
			return rc;
		b->fid[b->nf++] = (uint8_t)f;
	}
	return 0;
}

/*
 * The block-level field f: the union of the blocks' interval starts, and per
 * interval the blocks whose own interval there is covered by some rule (found by
 * walking each block's starts alongside).
 */
static int top_field_build(struct xt_cls *cls, unsigned int f)
{
	struct xt_cls_field *t = &cls->top.f[f];
	uint32_t np = 0, k, w, b;
	size_t total = 1;

	for (b = 0; b < cls->nblocks; b++)
		total += cls->blocks[b].f[f].npts;
	t->pts = malloc(total * sizeof(*t->pts));
	if (!t->pts)
		return -ENOMEM;
	t->pts[np++] = 0;
	for (b = 0; b < cls->nblocks; b++)
		for (k = 0; k < cls->blocks[b].f[f].npts; k++)
			t->pts[np++] = cls->blocks[b].f[f].pts[k];
	qsort(t->pts, np, sizeof(*t->pts), u64_cmp);
	for (k = 1, w = 1; k < np; k++)
		if (t->pts[k] != t->pts[w - 1])
			t->pts[w++] = t->pts[k];
	t->npts = w;
	t->bits = calloc((size_t)t->npts * cls->top.nwords, sizeof(uint64_t));
	t->nonempty = calloc(t->npts, 1);
	if (!t->bits || !t->nonempty)
		return -ENOMEM;
	for (b = 0; b < cls->nblocks; b++) {
		const struct xt_cls_field *bf = &cls->blocks[b].f[f];
		uint32_t at = 0;

		for (k = 0; k < t->npts; k++) {
			bool on = true;

			if (bf->npts) {
				while (at + 1 < bf->npts && bf->pts[at + 1] <= t->pts[k])
					at++;
				on = bf->nonempty[at];
			}
			if (on) {
				t->bits[(size_t)k * cls->top.nwords + b / 64] |= 1ull << (b % 64);
				t->nonempty[k] = 1;
			}
		}
	}
	return 0;
}

static int top_build(struct xt_cls *cls)
{
	static const uint8_t order[XT_CF_COUNT] = {
		XT_CF_SRC, XT_CF_DST, XT_CF_DPORT, XT_CF_PROTO, XT_CF_SPORT,
	};
	unsigned int i, b;
	int rc;

	if (cls->nblocks < 2)
		return 0;
	cls->top.nwords = (cls->nblocks + 63) / 64;
	for (i = 0; i < XT_CF_COUNT; i++) {
		unsigned int f = order[i];

		for (b = 0; b < cls->nblocks && !cls->blocks[b].f[f].npts; b++)
			;
		if (b == cls->nblocks)
			continue;
		rc = top_field_build(cls, f);
		if (rc)
			return rc;
		cls->top.fid[cls->top.nf++] = (uint8_t)f;
	}
	return 0;
}

static void field_free(struct xt_cls_field *f)
{
	free(f->pts);
	free(f->bits);
	free(f->nonempty);
}

void xt_cls_free(struct xt_cls *cls)
{
	unsigned int b, f;

	if (!cls)
		return;
	for (b = 0; cls->blocks && b < cls->nblocks; b++)
		for (f = 0; f < XT_CF_COUNT; f++)
			field_free(&cls->blocks[b].f[f]);
	for (f = 0; f < XT_CF_COUNT; f++)
		field_free(&cls->top.f[f]);
	free(cls->blocks);
	free(cls);
}

int xt_cls_build(const struct xt_chain *c, enum xt_family fam, struct xt_cls **out)
{
	struct xt_cls *cls;
	struct xt_cls_rf *rf;
	unsigned int b, j;
	int rc = 0;

	*out = NULL;
	if (c->nrules < XT_CLS_MIN_RULES)
		return 0;
	cls = calloc(1, sizeof(*cls));
	rf = malloc((size_t)XT_CLS_BLOCK * XT_CF_COUNT * sizeof(*rf));
	if (!cls || !rf) {
		free(cls);
		free(rf);
		return -ENOMEM;
	}
	cls->nrules = c->nrules;
	cls->nblocks = (c->nrules + XT_CLS_BLOCK - 1) / XT_CLS_BLOCK;
	cls->blocks = calloc(cls->nblocks, sizeof(*cls->blocks));
	if (!cls->blocks)
		rc = -ENOMEM;
	for (b = 0; !rc && b < cls->nblocks; b++) {
		unsigned int first = b * XT_CLS_BLOCK;
		unsigned int n = c->nrules - first < XT_CLS_BLOCK ? c->nrules - first
								  : XT_CLS_BLOCK;

		for (j = 0; j < n; j++)
			rf_rule(&rf[j * XT_CF_COUNT], c->rules[first + j], fam == XT_FAMILY_V6);
		rc = block_build(&cls->blocks[b], rf, n);
	}
	free(rf);
	if (!rc)
		rc = top_build(cls);
	if (rc) {
		xt_cls_free(cls);
		return rc;
	}
	*out = cls;
	return 0;
}

/*
 * The packet's fields.  Ports are used only when the tcp/udp match would read
 * them: not a later fragment (tcp_mt/udp_mt return false, or hotdrop, before
 * looking), and the whole header (20/8 bytes) is there, or the match hotdrops.
 * Protocols without ports get 0: rules with port ranges require -p tcp/udp.
 */
void xt_cls_key_get(struct xt_cls_key *k, const struct pkt *pkt, bool v6)
{
	const uint8_t *h, *th = NULL;
	uint8_t proto;

	k->valid = false;
	k->ports = false;
	if (v6) {
		h = pkt_header(pkt, pkt->net_off, 40);
		if (!h)
			return;
		k->v[XT_CF_SRC] = be_load(h + 8, 8);
		k->v[XT_CF_DST] = be_load(h + 24, 8);
		proto = pkt->l4proto;
	} else {
		h = pkt_header(pkt, pkt->net_off, 20);
		if (!h)
			return;
		k->v[XT_CF_SRC] = be_load(h + 12, 4);
		k->v[XT_CF_DST] = be_load(h + 16, 4);
		proto = h[9];
	}
	k->valid = true;
	k->v[XT_CF_PROTO] = proto;
	k->v[XT_CF_SPORT] = k->v[XT_CF_DPORT] = 0;
	if (pkt->frag_off)
		return;
	if (proto == 6 || proto == 17) {
		th = pkt_header(pkt, pkt->trans_off, proto == 6 ? 20 : 8);
		if (!th)
			return;
		k->v[XT_CF_SPORT] = be_load(th, 2);
		k->v[XT_CF_DPORT] = be_load(th + 2, 2);
	}
	k->ports = true;
}

/* The bitmaps of block b's intervals holding the packet's values; false if one is empty. */
static bool block_lookup(const struct xt_cls_block *b, const struct xt_cls_key *k,
			 const uint64_t **fb, unsigned int *nf)
{
	unsigned int i;

	*nf = 0;
	if (!k->valid)
		return true;
	for (i = 0; i < b->nf; i++) {
		unsigned int f = b->fid[i];
		const struct xt_cls_field *fl = &b->f[f];
		uint32_t at;

		if (!k->ports && (f == XT_CF_SPORT || f == XT_CF_DPORT))
			continue;
		at = pts_find(fl->pts, fl->npts, k->v[f]);
		if (!fl->nonempty[at])
			return false;
		fb[(*nf)++] = &fl->bits[(size_t)at * b->nwords];
	}
	return true;
}

/* The first block >= blk the block-level fields allow (nblocks if none). */
static unsigned int top_next(const struct xt_cls *cls, struct xt_cls_cursor *cur,
			     const struct xt_cls_key *k, unsigned int blk)
{
	unsigned int w, f;

	if (!cls->top.nf)
		return blk;
	if (cur->top != cls) {
		cur->top = cls;
		cur->topempty = !block_lookup(&cls->top, k, cur->tfb, &cur->ntf);
	}
	if (cur->topempty)
		return cls->nblocks;
	if (cur->ntf == 0)
		return blk;
	for (w = blk / 64; w < cls->top.nwords; w++) {
		uint64_t bits = ~0ull;

		for (f = 0; f < cur->ntf; f++)
			bits &= cur->tfb[f][w];
		if (w == blk / 64)
			bits &= ~0ull << (blk % 64);
		if (bits)
			return w * 64 + (unsigned int)__builtin_ctzll(bits);
	}
	return cls->nblocks;
}

unsigned int xt_cls_next(const struct xt_cls *cls, struct xt_cls_cursor *cur,
			 const struct xt_cls_key *k, unsigned int i)
{
	while (i < cls->nrules) {
		unsigned int blk = i / XT_CLS_BLOCK, off, w, f;
		const struct xt_cls_block *b;

		if (cur->cls != cls || cur->block != blk) {
			unsigned int nb = top_next(cls, cur, k, blk);

			if (nb >= cls->nblocks)
				break;
			if (nb != blk) {
				blk = nb;
				i = blk * XT_CLS_BLOCK;
			}
			cur->cls = cls;
			cur->block = blk;
			cur->empty = !block_lookup(&cls->blocks[blk], k, cur->fb, &cur->nf);
		}
		b = &cls->blocks[blk];
		off = i % XT_CLS_BLOCK;
		if (cur->nf == 0 && !cur->empty)
			return i;       /* nothing prunes here: every rule is a candidate */
		for (w = off / 64; !cur->empty && w < b->nwords; w++) {
			uint64_t bits = ~0ull;

			for (f = 0; f < cur->nf; f++)
				bits &= cur->fb[f][w];
			if (w == off / 64)
				bits &= ~0ull << (off % 64);
			if (bits)
				return blk * XT_CLS_BLOCK + w * 64 + (unsigned int)__builtin_ctzll(bits);
		}
		i = (blk + 1) * XT_CLS_BLOCK;
	}
	return cls->nrules;
}
