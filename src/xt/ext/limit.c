/*
 * limit: a packet-rate token bucket (libxt_limit.c for the syntax).  iptables-nft
 * 1.8.9 does not load xt_limit: add_nft_limit() turns the rule into the native nft
 * "limit rate N/unit burst B packets" expression (`nft list ruleset` shows it), so
 * evaluation follows nft_limit.c: tokens in nanoseconds, cost = unit/rate, bucket
 * of cost * burst, full at creation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define LIMIT_SCALE 10000u              /* XT_LIMIT_SCALE */
#define LIMIT_BURST_DEFAULT 5u
#define LIMIT_NSEC 1000000000ull

enum { O_LIMIT = 0, O_BURST };

/* struct xt_rateinfo's user part, then what nft_limit_init() derives, then state. */
struct limit_info {
	uint32_t xflags;
	uint32_t avg;           /* period between packets, in 1/LIMIT_SCALE seconds */
	uint32_t burst;
	uint64_t cost;          /* ns of tokens one packet costs */
	uint64_t tokens_max;
	/* state */
	uint64_t tokens;
	uint64_t last;
	bool started;
};

static const struct xt_opt limit_opts[] = {
	{ .name = "limit", .id = O_LIMIT, .arg = XT_ARG_REQUIRED },
	{ .name = "limit-burst", .id = O_BURST, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

/* The units print_rate() and add_nft_limit() choose from, largest first. */
static const struct {
	const char *name;
	uint32_t mult;
} limit_rates[] = {
	{ "day", LIMIT_SCALE * 24 * 60 * 60 }, { "hour", LIMIT_SCALE * 60 * 60 },
	{ "min", LIMIT_SCALE * 60 }, { "sec", LIMIT_SCALE },
};

static void limit_init(void *data)
{
	struct limit_info *l = data;

	l->avg = LIMIT_SCALE * 60 * 60 / 3;     /* 3/hour */
	l->burst = LIMIT_BURST_DEFAULT;
}

/* parse_rate(): "N[/second|minute|hour|day]", any prefix of the unit word. */
static int limit_parse_rate(struct xt_parse *ps, const char *rate, uint32_t *val)
{
	static const struct { const char *word; uint32_t mult; } units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
	};
	const char *delim = strchr(rate, '/');
	uint32_t mult = 1, r;
	size_t i;

	if (delim) {
		size_t n = strlen(delim + 1);

		if (n == 0)
			goto bad;
		for (i = 0; i < 4; i++)
			if (strncasecmp(delim + 1, units[i].word, n) == 0)
				break;
		if (i == 4)
			goto bad;
		mult = units[i].mult;
	}
	r = (uint32_t)atoi(rate);       /* a negative rate is a huge one: "too fast" */
	if (!r)
		goto bad;
	*val = (uint32_t)((uint64_t)LIMIT_SCALE * mult / r);
	if (*val == 0)
		return xt_parse_error(ps, "Rate too fast \"%s\"", rate);
	return 0;
bad:
	return xt_parse_error(ps, "bad rate \"%s\"'", rate);
}

static int limit_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct limit_info *l = data;
	unsigned long long v;

	if (id == O_LIMIT) {
		if (limit_parse_rate(ps, arg, &l->avg))
			return -1;
	} else {
		if (ext_parse_num(ps, "limit", "limit-burst", arg, 0, 10000, &v))
			return -1;
		l->burst = (uint32_t)v;
	}
	l->xflags |= EXT_F(id);
	return 0;
}

/* The unit index print_rate()/add_nft_limit() pick for avg. */
static unsigned int limit_unit(uint32_t avg)
{
	unsigned int i;

	for (i = 1; i < 4; i++)
		if (avg > limit_rates[i].mult ||
		    limit_rates[i].mult / avg < limit_rates[i].mult % avg)
			break;
	return i - 1;
}

/* nft_limit_init() for NFT_LIMIT_PKTS: burst 0 means 5; the bucket starts full. */
static int limit_final_check(void *data, struct xt_parse *ps)
{
	struct limit_info *l = data;
	unsigned int u;
	uint64_t rate, unit;

	l->xflags = 0;
	if (l->burst == 0)
		l->burst = LIMIT_BURST_DEFAULT;
	u = limit_unit(l->avg);
	rate = limit_rates[u].mult / l->avg;
	unit = limit_rates[u].mult / LIMIT_SCALE;
	l->cost = unit * LIMIT_NSEC / rate;
	l->tokens_max = l->cost * l->burst;
	return 0;
}

static void limit_rate(uint32_t avg, struct strbuf *out)
{
	unsigned int u;

	if (avg == 0) {
		sb_add(out, " inf");
		return;
	}
	u = limit_unit(avg);
	sb_addf(out, " %u/%s", limit_rates[u].mult / avg, limit_rates[u].name);
}

static void limit_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct limit_info *l = data;

	sb_add(out, " --limit");
	limit_rate(l->avg, out);
	if (l->burst != LIMIT_BURST_DEFAULT)
		sb_addf(out, " --limit-burst %u", l->burst);
}

static void limit_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	const struct limit_info *l = data;

	sb_add(out, " limit: avg");
	limit_rate(l->avg, out);
	sb_addf(out, " burst %u", l->burst);
}

/* nft_limit_eval(): refill by the time elapsed, capped; pass if a packet's cost is there. */
static bool limit_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	struct limit_info *l = data;
	uint64_t now = ext_now_ns(par), tokens;

	if (!l->started) {
		/* The kernel fills the bucket and stamps `last` when the rule is
		 * created; the bucket is capped, so starting at first use is the same.
		 * Done here so that a rule's data past usersize may start zeroed. */
		l->started = true;
		l->tokens = l->tokens_max;
		l->last = now;
	}
	tokens = l->tokens + (now - l->last);
	if (tokens > l->tokens_max)
		tokens = l->tokens_max;
	l->last = now;
	if (tokens >= l->cost) {
		l->tokens = tokens - l->cost;
		return true;
	}
	l->tokens = tokens;
	return false;
}

const struct xt_match_ops xt_match_limit = {
	.name = "limit",
	.family = XT_EXT_ANY,
	.size = sizeof(struct limit_info),
	.usersize = offsetof(struct limit_info, tokens),
	.opts = limit_opts,
	.init = limit_init,
	.parse = limit_parse,
	.final_check = limit_final_check,
	.save = limit_save,
	.print = limit_print,
	.match = limit_match,
};
