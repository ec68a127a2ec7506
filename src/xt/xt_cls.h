/* xt_cls: compiled chains — bit-vector classification over the 5-tuple for xt_do_table. */
#ifndef USNF_XT_CLS_H
#define USNF_XT_CLS_H

#include <stdbool.h>
#include <stdint.h>

#include "xt/xt.h"

/*
 * The bit-vector scheme (Lakshman and Stiliadis, "High-speed policy-based packet
 * forwarding using efficient multi-dimensional range matching", 1998): per field, the
 * sorted elementary intervals cut by every rule's range, each with a bitmap of the
 * rules whose range covers it.  A packet's candidates are the AND of the bitmaps of
 * the intervals holding its field values; they are walked in rule order and each is
 * evaluated in full, so that first-match order, counters and the side effects of
 * stateful matches and non-terminal targets are those of the linear scan.
 *
 * Rules are cut into blocks of XT_CLS_BLOCK so that memory stays about
 * N * XT_CLS_BLOCK / 4 bytes per field instead of growing with N squared.
 */
#define XT_CLS_MIN_RULES 16     /* shorter chains keep the linear scan */
#define XT_CLS_BLOCK 1024       /* rules per block (a multiple of 64) */

/* Fields, in the order a lookup tries them (an empty interval ends it early). */
enum xt_cls_field_id {
	XT_CF_SRC = 0,          /* IPv4 address, or the upper 64 bits of an IPv6 one */
	XT_CF_DST,
	XT_CF_DPORT,
	XT_CF_PROTO,
	XT_CF_SPORT,
	XT_CF_COUNT,
};

/* A packet's field values, read once per traversal. */
struct xt_cls_key {
	uint64_t v[XT_CF_COUNT];
	bool valid;             /* network header readable: otherwise no pruning */
	bool ports;             /* ports usable for pruning (see xt_cls_key_get) */
};

struct xt_cls_field {
	uint64_t *pts;          /* interval starts, ascending, pts[0] == 0 */
	uint8_t *nonempty;      /* per interval: some rule covers it */
	uint64_t *bits;         /* per interval: nwords words of rule bits */
	uint32_t npts;
};

struct xt_cls_block {
	uint32_t nwords;
	uint8_t nf;                             /* fields that prune in this block */
	uint8_t fid[XT_CF_COUNT];               /* their ids, lookup order */
	struct xt_cls_field f[XT_CF_COUNT];     /* by field id; npts 0: all wildcard */
};

/*
 * Above the blocks, the same scheme with one bit per block (a block's bit is set
 * where some rule of the block covers the interval): a packet visits only the
 * blocks all its fields allow, so a long chain costs a few lookups, not one per
 * block.
 */
struct xt_cls {
	unsigned int nrules, nblocks;
	struct xt_cls_block *blocks;
	struct xt_cls_block top;        /* nwords words of block bits; nf 0: one block */
};

/* Where a walk of one chain is: the looked-up bitmaps of its current block. */
struct xt_cls_cursor {
	const struct xt_cls *cls;       /* NULL: nothing looked up */
	unsigned int block;
	bool empty;                     /* some field's interval holds no rule */
	unsigned int nf;
	const uint64_t *fb[XT_CF_COUNT];
	const struct xt_cls *top;       /* cls whose block bits tfb points into */
	bool topempty;
	unsigned int ntf;
	const uint64_t *tfb[XT_CF_COUNT];
};

/* Build the classifier of chain c (NULL in *out when the chain is short). */
int xt_cls_build(const struct xt_chain *c, enum xt_family fam, struct xt_cls **out);
void xt_cls_free(struct xt_cls *cls);                   /* accepts NULL */
void xt_cls_key_get(struct xt_cls_key *k, const struct pkt *pkt, bool v6);
/* The first candidate rule >= i (cls->nrules when none is left). */
unsigned int xt_cls_next(const struct xt_cls *cls, struct xt_cls_cursor *cur,
			 const struct xt_cls_key *k, unsigned int i);

#endif
