/*
 * RATEEST: count packets into a named rate estimator (xt_RATEEST.c,
 * libxt_RATEEST.c, net/core/gen_estimator.c).  The estimator's timer, which the
 * kernel runs every interval, is run here for every tick due before the
 * estimator is next touched, at the tick's time: the counters it sees are the
 * same.  Estimators are kept per instance by name (xt_extstate.c); the kernel
 * frees one with its last rule.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stack/net.h"
#include "xt/ext/ext_util.h"
#include "xt/ext/rateest.h"
#include "xt/xt.h"
#include "xt/xt_extstate.h"

#define RE_NAME_LEN 16          /* IFNAMSIZ */
#define RE_HZ 1000u
#define RE_UNITS 1000000u       /* TIME_UNITS_PER_SEC */

enum { O_NAME = 0, O_INTERVAL, O_EWMALOG };

/* struct xt_rateest_target_info, plus the parsed times (udata) until final_check. */
struct re_info {
	char name[RE_NAME_LEN];
	int8_t interval;
	uint8_t ewma_log;
	uint32_t u_interval, u_ewma;    /* parse time (cleared by final_check) */
	uint8_t xflags;
	struct rateest_est *est;
};

static const struct xt_opt re_opts[] = {
	{ .name = "rateest-name", .id = O_NAME, .arg = XT_ARG_REQUIRED },
	{ .name = "rateest-interval", .id = O_INTERVAL, .arg = XT_ARG_REQUIRED },
	{ .name = "rateest-ewmalog", .id = O_EWMALOG, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc re_fc[] = {
	{ .id = O_NAME, .mand = true },
	{ .id = EXT_FC_END },
};

/* est_timer(): one tick of the EWMA, rates scaled by 2^8 per second. */
static void re_tick(struct rateest_est *e)
{
	uint64_t brate, rate;

	brate = (e->bytes - e->last_bytes) << (10 - e->intvl_log);
	brate = (brate >> e->ewma_log) - (e->avbps >> e->ewma_log);
	rate = (e->packets - e->last_packets) << (10 - e->intvl_log);
	rate = (rate >> e->ewma_log) - (e->avpps >> e->ewma_log);
	e->avbps += brate;
	e->avpps += rate;
	e->last_bytes = e->bytes;
	e->last_packets = e->packets;
	e->next_jiffies += (uint64_t)(RE_HZ / 4) << e->intvl_log;
}

void rateest_est_catchup(struct rateest_est *e, uint64_t now)
{
	uint64_t step = (uint64_t)(RE_HZ / 4) << e->intvl_log, bps, pps;
	bool fresh;

	while (now >= e->next_jiffies) {
		bps = e->avbps;
		pps = e->avpps;
		fresh = e->bytes != e->last_bytes || e->packets != e->last_packets;
		re_tick(e);
		if (!fresh && e->avbps == bps && e->avpps == pps) {
			/* nothing moves any more until new packets come */
			e->next_jiffies += (now - e->next_jiffies) / step * step;
			if (now >= e->next_jiffies)
				e->next_jiffies += step;
			break;
		}
	}
}

void rateest_est_read(struct rateest_est *e, uint64_t now, uint32_t *bps, uint32_t *pps)
{
	rateest_est_catchup(e, now);
	*bps = (uint32_t)(e->avbps >> 8);
	*pps = (uint32_t)(e->avpps >> 8);
}

/* RATEEST_get_time(): a number of microseconds, seconds or milliseconds. */
static int re_time(const char *s, uint32_t *out)
{
	char *p;
	double t = strtod(s, &p);

	if (p == s)
		return -1;
	if (*p) {
		if (!strcasecmp(p, "s") || !strcasecmp(p, "sec") || !strcasecmp(p, "secs"))
			t *= RE_UNITS;
		else if (!strcasecmp(p, "ms") || !strcasecmp(p, "msec") || !strcasecmp(p, "msecs"))
			t *= RE_UNITS / 1000;
		else if (!strcasecmp(p, "us") || !strcasecmp(p, "usec") || !strcasecmp(p, "usecs"))
			t *= RE_UNITS / 1000000;
		else
			return -1;
	}
	*out = (uint32_t)t;
	return 0;
}

static int re_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct re_info *r = data;

	switch (id) {
	case O_NAME:
		/* xtopt_parse_string(): a longer name is cut, not refused */
		memset(r->name, 0, sizeof(r->name));
		strncpy(r->name, arg, RE_NAME_LEN - 1);
		break;
	case O_INTERVAL:
		if (re_time(arg, &r->u_interval))
			return xt_parse_error(ps, "RATEEST: bad interval value \"%s\"", arg);
		break;
	default:
		if (re_time(arg, &r->u_ewma))
			return xt_parse_error(ps, "RATEEST: bad ewmalog value \"%s\"", arg);
		break;
	}
	r->xflags |= (uint8_t)EXT_F(id);
	return 0;
}

/* RATEEST_final_check(): the interval and EWMA constants nearest the times given. */
static int re_final_check(void *data, struct xt_parse *ps)
{
	struct re_info *r = data;
	uint32_t xflags = r->xflags, iv = r->u_interval, ew = r->u_ewma;
	int i;

	r->xflags = 0;
	r->u_interval = r->u_ewma = 0;
	if (ext_fcheck(ps, "RATEEST", re_opts, re_fc, xflags))
		return -1;
	for (i = 0; i <= 5; i++)
		if (iv <= (1u << i) * (RE_UNITS / 4))
			break;
	if (i > 5)
		return xt_parse_error(ps, "RATEEST: interval value is too large");
	r->interval = (int8_t)(i - 2);
	for (i = 1; i < 32; i++) {
		double w = 1.0 - 1.0 / (double)(1u << i);

		if (iv / (-log(w)) > ew)
			break;
	}
	i--;
	if (i == 0 || i >= 31)
		return xt_parse_error(ps, "RATEEST: ewmalog value is out of range");
	r->ewma_log = (uint8_t)i;
	return 0;
}

/* xt_rateest_tg_checkentry(): reuse an estimator only with the same parameters. */
static int re_check(const void *data, struct xt_parse *ps)
{
	const struct re_info *r = data;
	struct rateest_est *e;
	bool created;

	e = xt_extstate_get(ps->net, "rateest", r->name, sizeof(*e), NULL, &created);
	if (!e)
		return -ENOMEM;
	if (!created)
		return (r->interval == e->interval && r->ewma_log == e->ewma_log) ? 0 : -EINVAL;
	/* gen_new_estimator() */
	if (r->interval < -2 || r->interval > 3 || r->ewma_log == 0 || r->ewma_log >= 31) {
		xt_extstate_del(ps->net, "rateest", r->name);
		return -EINVAL;
	}
	e->interval = r->interval;
	e->ewma_log = r->ewma_log;
	e->intvl_log = (uint8_t)(r->interval + 2);
	e->next_jiffies = (ps->net ? ps->net->now_ns / 1000000 : 0) +
			  ((uint64_t)(RE_HZ / 4) << e->intvl_log);
	return 0;
}

/* RATEEST_print_time() */
static void re_time_out(uint32_t t, struct strbuf *out)
{
	double d = t;

	if (d >= RE_UNITS)
		sb_addf(out, " %.1fs", d / RE_UNITS);
	else if (d >= RE_UNITS / 1000)
		sb_addf(out, " %.1fms", d / (RE_UNITS / 1000));
	else
		sb_addf(out, " %uus", t);
}

/* __RATEEST_print(): the times back from the constants, in 32-bit arithmetic. */
static void re_out(const struct re_info *r, const char *pfx, struct strbuf *out)
{
	uint32_t iv = (RE_UNITS << (r->interval + 2)) / 4;
	uint32_t ew = iv * (1u << r->ewma_log);

	sb_addf(out, " %sname %s %sinterval", pfx, r->name, pfx);
	re_time_out(iv, out);
	sb_addf(out, " %sewmalog", pfx);
	re_time_out(ew, out);
}

static void re_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	re_out(data, "--rateest-", out);
}

static void re_print(const void *data, const struct xt_rule *r, unsigned int flags,
		     struct strbuf *out)
{
	re_out(data, "", out);
}

/* xt_rateest_tg(): bytes and packets into the estimator's counters. */
static unsigned int re_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	struct re_info *r = data;
	struct rateest_est *e = r->est;

	if (!e)
		e = r->est = xt_extstate_find(par->net, "rateest", r->name);
	if (e) {
		rateest_est_catchup(e, ext_now_ns(par) / 1000000);
		e->bytes += pkt_end(pkt) - pkt->net_off;
		e->packets++;
	}
	return XT_CONTINUE;
}

/* xt_rateest_tg_destroy(): the estimator goes with its last user. */
static void re_extrefs(const void *data, enum xt_family fam, xt_extref_fn ref, void *ctx)
{
	(void)fam;
	ref(ctx, "rateest", ((const struct re_info *)data)->name);
}

const struct xt_target_ops xt_target_rateest = {
	.name = "RATEEST",
	.family = XT_EXT_ANY,
	.size = sizeof(struct re_info),
	.usersize = offsetof(struct re_info, est),
	.opts = re_opts,
	.parse = re_parse,
	.final_check = re_final_check,
	.check = re_check,
	.save = re_save,
	.print = re_print,
	.target = re_target,
	.extrefs = re_extrefs,
};
