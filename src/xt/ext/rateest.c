/*
 * rateest: compare the rates of RATEEST estimators with each other or with
 * given rates (xt_rateest.c, libxt_rateest.c).  The estimators must exist when
 * the rule is added (checkentry: -ENOENT otherwise).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/ext/rateest.h"
#include "xt/xt.h"
#include "xt/xt_extstate.h"

#define RM_INVERT 0x01          /* XT_RATEEST_MATCH_* of xt_rateest.h */
#define RM_ABS 0x02
#define RM_REL 0x04
#define RM_DELTA 0x08
#define RM_BPS 0x10
#define RM_PPS 0x20
#define RM_NAME_LEN 16

enum { MODE_NONE = 0, MODE_EQ, MODE_LT, MODE_GT };
enum { O_RATEEST1 = 0, O_RATEEST2, O_BPS1, O_PPS1, O_BPS2, O_PPS2, O_DELTA, O_LT, O_GT, O_EQ };

/* struct xt_rateest_match_info, the options seen, then the estimators (runtime). */
struct rm_info {
	char name1[RM_NAME_LEN], name2[RM_NAME_LEN];
	uint16_t flags, mode;
	uint32_t bps1, pps1, bps2, pps2;
	uint32_t seen;                  /* parse time (cleared by final_check) */
	struct rateest_est *est1, *est2;
};

static const struct xt_opt rm_opts[] = {
	{ .name = "rateest1", .id = O_RATEEST1, .arg = XT_ARG_REQUIRED, .multi = true },
	{ .name = "rateest", .id = O_RATEEST1, .arg = XT_ARG_REQUIRED, .multi = true },
	{ .name = "rateest2", .id = O_RATEEST2, .arg = XT_ARG_REQUIRED, .multi = true },
	{ .name = "rateest-bps1", .id = O_BPS1, .arg = XT_ARG_OPTIONAL, .multi = true },
	{ .name = "rateest-pps1", .id = O_PPS1, .arg = XT_ARG_OPTIONAL, .multi = true },
	{ .name = "rateest-bps2", .id = O_BPS2, .arg = XT_ARG_OPTIONAL, .multi = true },
	{ .name = "rateest-pps2", .id = O_PPS2, .arg = XT_ARG_OPTIONAL, .multi = true },
	{ .name = "rateest-bps", .id = O_BPS2, .arg = XT_ARG_OPTIONAL, .multi = true },
	{ .name = "rateest-pps", .id = O_PPS2, .arg = XT_ARG_OPTIONAL, .multi = true },
	{ .name = "rateest-delta", .id = O_DELTA, .multi = true },
	{ .name = "rateest-lt", .id = O_LT, .invertible = true, .multi = true },
	{ .name = "rateest-gt", .id = O_GT, .invertible = true, .multi = true },
	{ .name = "rateest-eq", .id = O_EQ, .invertible = true, .multi = true },
	{ 0 },
};

/* rateest_get_rate(): bits per second with iproute's suffixes, kept as bytes. */
static int rm_rate(const char *s, uint32_t *rate)
{
	static const struct { const char *name; double scale; } sfx[] = {
		{ "bit", 1. }, { "Kibit", 1024. }, { "kbit", 1000. }, { "mibit", 1024. * 1024. },
		{ "mbit", 1000000. }, { "gibit", 1024. * 1024. * 1024. }, { "gbit", 1000000000. },
		{ "tibit", 1024. * 1024. * 1024. * 1024. }, { "tbit", 1000000000000. },
		{ "Bps", 8. }, { "KiBps", 8. * 1024. }, { "KBps", 8000. },
		{ "MiBps", 8. * 1024 * 1024 }, { "MBps", 8000000. },
		{ "GiBps", 8. * 1024. * 1024. * 1024. }, { "GBps", 8000000000. },
		{ "TiBps", 8. * 1024. * 1024. * 1024. * 1024. }, { "TBps", 8000000000000. },
	};
	char *p;
	double bps = strtod(s, &p);
	size_t i;

	if (p == s)
		return -1;
	if (*p == '\0') {
		*rate = (uint32_t)(bps / 8.);
		return 0;
	}
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (strcasecmp(sfx[i].name, p) == 0) {
			*rate = (uint32_t)((bps * sfx[i].scale) / 8.);
			return 0;
		}
	return -1;
}

static const char *const rm_once_msg[] = {
	"--rateest1", "--rateest2", "--rateest-bps1", "--rateest-pps1", "--rateest-bps2",
	"--rateest-pps2", "--rateest-delta", "lt/gt/eq", "lt/gt/eq", "lt/gt/eq",
};

static int rm_value(struct rm_info *m, int id, const char *arg, struct xt_parse *ps)
{
	unsigned long long v;
	uint32_t *dst = id == O_BPS1 ? &m->bps1 : id == O_BPS2 ? &m->bps2
		      : id == O_PPS1 ? &m->pps1 : &m->pps2;

	if (!arg)
		return 0;               /* the rate is optional (relative mode) */
	if (id == O_BPS1 || id == O_BPS2) {
		if (rm_rate(arg, dst))
			return xt_parse_error(ps, "rateest: could not parse rate `%s'", arg);
		return 0;
	}
	if (xt_parse_uint(arg, 0, 0xffffffffu, &v))
		return xt_parse_error(ps, "rateest: could not parse pps `%s'", arg);
	*dst = (uint32_t)v;
	return 0;
}

static int rm_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct rm_info *m = data;
	uint32_t bit = EXT_F(id);

	if (m->seen & bit)
		return xt_parse_error(ps, "rateest: can't specify %s twice", rm_once_msg[id]);
	m->seen |= bit;
	switch (id) {
	case O_RATEEST1:
	case O_RATEEST2:
		snprintf(id == O_RATEEST1 ? m->name1 : m->name2, RM_NAME_LEN, "%s", arg);
		if (id == O_RATEEST2)
			m->flags |= RM_REL;
		return 0;
	case O_BPS1: case O_BPS2:
		m->flags |= RM_BPS;
		return rm_value(m, id, arg, ps);
	case O_PPS1: case O_PPS2:
		m->flags |= RM_PPS;
		return rm_value(m, id, arg, ps);
	case O_DELTA:
		m->flags |= RM_DELTA;
		return 0;
	default:
		m->mode = id == O_LT ? MODE_LT : id == O_GT ? MODE_GT : MODE_EQ;
		if (invert)
			m->flags |= RM_INVERT;
		return 0;
	}
}

/* rateest_final_check(): without a second estimator the comparison is absolute. */
static int rm_final_check(void *data, struct xt_parse *ps)
{
	struct rm_info *m = data;
	m->seen = 0;
	if (!(m->flags & RM_REL))
		m->flags |= RM_ABS;
	return 0;
}

/* xt_rateest_mt_checkentry() */
static int rm_check(const void *data, struct xt_parse *ps)
{
	const struct rm_info *m = data;

	if (__builtin_popcount(m->flags & (RM_ABS | RM_REL)) != 1)
		return -EINVAL;
	if (!(m->flags & (RM_BPS | RM_PPS)))
		return -EINVAL;
	if (m->mode != MODE_EQ && m->mode != MODE_LT && m->mode != MODE_GT)
		return -EINVAL;
	if (!xt_extstate_find(ps->net, "rateest", m->name1))
		return -ENOENT;
	if ((m->flags & RM_REL) && !xt_extstate_find(ps->net, "rateest", m->name2))
		return -ENOENT;
	return 0;
}

/* rateest_print_rate() */
static void rm_rate_out(uint32_t rate, bool numeric, struct strbuf *out)
{
	double tmp = (double)rate * 8;

	if (numeric)
		sb_addf(out, " %u", rate);
	else if (tmp >= 1000.0 * 1000000.0)
		sb_addf(out, " %.0fMbit", tmp / 1000000.0);
	else if (tmp >= 1000.0 * 1000.0)
		sb_addf(out, " %.0fKbit", tmp / 1000.0);
	else
		sb_addf(out, " %.0fbit", tmp);
}

static void rm_mode_out(const struct rm_info *m, const char *pfx, struct strbuf *out)
{
	static const char *const names[] = { "", "eq", "lt", "gt" };

	if (m->flags & RM_INVERT)
		sb_add(out, " !");
	sb_addf(out, " %s%s", pfx, names[m->mode & 3]);
}

static void rm_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct rm_info *m = data;
	bool delta = m->flags & RM_DELTA;

	if (delta)
		sb_add(out, " --rateest-delta");
	sb_addf(out, (m->flags & RM_REL) ? " --rateest1 %s" : " --rateest %s", m->name1);
	if (m->flags & RM_BPS) {
		if (delta) {
			sb_add(out, " --rateest-bps1");
			rm_rate_out(m->bps1, false, out);
			rm_mode_out(m, "--rateest-", out);
			sb_add(out, " --rateest-bps2");
			rm_rate_out(m->bps2, false, out);
		} else {
			rm_mode_out(m, "--rateest-", out);
			sb_add(out, " --rateest-bps");
			if (m->flags & RM_ABS)
				rm_rate_out(m->bps2, false, out);
		}
	}
	if (m->flags & RM_PPS) {
		if (delta) {
			sb_addf(out, " --rateest-pps1 %u", m->pps1);
			rm_mode_out(m, "--rateest-", out);
			sb_addf(out, " --rateest-pps2 %u", m->pps2);
		} else {
			rm_mode_out(m, "--rateest-", out);
			sb_add(out, " --rateest-pps");
			if (m->flags & RM_ABS)
				sb_addf(out, " %u", m->pps2);
		}
	}
	if (m->flags & RM_REL)
		sb_addf(out, " --rateest2 %s", m->name2);
}

static void rm_print(const void *data, const struct xt_rule *r, unsigned int flags,
		     struct strbuf *out)
{
	const struct rm_info *m = data;
	bool delta = m->flags & RM_DELTA, numeric = flags & XT_PRINT_NUMERIC;

	sb_addf(out, " rateest match %s", m->name1);
	if (delta)
		sb_add(out, " delta");
	if (m->flags & RM_BPS) {
		sb_add(out, " bps");
		if (delta)
			rm_rate_out(m->bps1, numeric, out);
		if (m->flags & RM_ABS) {
			rm_rate_out(m->bps2, numeric, out);
			rm_mode_out(m, "", out);
		}
	}
	if (m->flags & RM_PPS) {
		sb_add(out, " pps");
		if (delta)
			sb_addf(out, " %u", m->pps1);
		if (m->flags & RM_ABS) {
			rm_mode_out(m, "", out);
			sb_addf(out, " %u", m->pps2);
		}
	}
	if (m->flags & RM_REL) {
		rm_mode_out(m, "", out);
		sb_addf(out, " %s", m->name2);
		if (m->flags & RM_BPS) {
			sb_add(out, " bps");
			if (delta)
				rm_rate_out(m->bps2, numeric, out);
		}
		if (m->flags & RM_PPS) {
			sb_add(out, " pps");
			if (delta)
				sb_addf(out, " %u", m->pps2);
		}
	}
}

/* One side of the comparison: the estimate, or its distance below the given rate. */
static void rm_side(struct rateest_est *e, uint64_t now, bool delta, uint32_t bps_given,
		    uint32_t pps_given, uint32_t *bps, uint32_t *pps)
{
	uint32_t b, p;

	rateest_est_read(e, now, &b, &p);
	if (delta) {
		*bps = bps_given >= b ? bps_given - b : 0;
		*pps = pps_given >= p ? pps_given - p : 0;
	} else {
		*bps = b;
		*pps = p;
	}
}

static bool rm_cmp(uint16_t mode, uint32_t a, uint32_t b)
{
	return mode == MODE_LT ? a < b : mode == MODE_GT ? a > b : a == b;
}

/* xt_rateest_mt() */
static bool rm_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	struct rm_info *m = data;
	uint64_t now = ext_now_ns(par) / 1000000;
	uint32_t bps1, pps1, bps2, pps2;
	bool delta = m->flags & RM_DELTA, ret = true;

	if (!m->est1)
		m->est1 = xt_extstate_find(par->net, "rateest", m->name1);
	if ((m->flags & RM_REL) && !m->est2)
		m->est2 = xt_extstate_find(par->net, "rateest", m->name2);
	if (!m->est1 || ((m->flags & RM_REL) && !m->est2))
		return false;           /* never checked */
	rm_side(m->est1, now, delta, m->bps1, m->pps1, &bps1, &pps1);
	if (m->flags & RM_ABS) {
		bps2 = m->bps2;
		pps2 = m->pps2;
	} else {
		rm_side(m->est2, now, delta, m->bps2, m->pps2, &bps2, &pps2);
	}
	if (m->flags & RM_BPS)
		ret &= rm_cmp(m->mode, bps1, bps2);
	if (m->flags & RM_PPS)
		ret &= rm_cmp(m->mode, pps1, pps2);
	return ret ^ !!(m->flags & RM_INVERT);
}

/* xt_rateest_mt_destroy() puts both estimators it looked up. */
static void rm_extrefs(const void *data, enum xt_family fam, xt_extref_fn ref, void *ctx)
{
	const struct rm_info *m = data;

	(void)fam;
	ref(ctx, "rateest", m->name1);
	if (m->flags & RM_REL)
		ref(ctx, "rateest", m->name2);
}

const struct xt_match_ops xt_match_rateest = {
	.name = "rateest",
	.family = XT_EXT_ANY,
	.size = sizeof(struct rm_info),
	.usersize = offsetof(struct rm_info, est1),
	.opts = rm_opts,
	.parse = rm_parse,
	.final_check = rm_final_check,
	.check = rm_check,
	.save = rm_save,
	.print = rm_print,
	.match = rm_match,
	.extrefs = rm_extrefs,
};
