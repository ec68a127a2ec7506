/* statistic: every nth packet or a random fraction (xt_statistic.c, libxt_statistic.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { STAT_RANDOM = 0, STAT_NTH = 1 };
#define STAT_INVERT 0x1

enum { O_MODE = 0, O_PROBABILITY, O_EVERY, O_PACKET };

/* struct xt_statistic_info, then the kernel's master state (count, PRNG). */
struct stat_info {
	uint32_t xflags;
	uint16_t mode, flags;
	uint32_t probability;   /* random: P * 2^31 */
	uint32_t every;         /* nth: every - 1 */
	uint32_t packet;
	uint32_t count;         /* initial counter (every - packet) */
	/* state */
	uint32_t cur;
	uint64_t rng;
	bool started;
};

static const struct xt_opt stat_opts[] = {
	{ .name = "mode", .id = O_MODE, .arg = XT_ARG_REQUIRED },
	{ .name = "probability", .id = O_PROBABILITY, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "every", .id = O_EVERY, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "packet", .id = O_PACKET, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc stat_fc[] = {
	{ .id = O_MODE, .mand = true },
	{ .id = O_PROBABILITY, .excl = EXT_F(O_EVERY) | EXT_F(O_PACKET) },
	{ .id = O_EVERY, .excl = EXT_F(O_PROBABILITY), .also = EXT_F(O_PACKET) },
	{ .id = O_PACKET, .excl = EXT_F(O_PROBABILITY), .also = EXT_F(O_EVERY) },
	{ .id = EXT_FC_END },
};

/* XTTYPE_DOUBLE in [0, 1]. */
static int stat_parse_prob(struct xt_parse *ps, const char *arg, uint32_t *out)
{
	char *end;
	double p;

	p = strtod(arg, &end);
	if (end == arg || *end || !(p >= 0.0 && p <= 1.0))
		return xt_parse_error(ps, "statistic: bad value for option \"--probability\", or "
				      "out of range (0-1).\n");
	*out = (uint32_t)lround(0x80000000 * p);
	return 0;
}

static int stat_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct stat_info *s = data;
	unsigned long long v;

	switch (id) {
	case O_MODE:
		if (strcmp(arg, "random") == 0)
			s->mode = STAT_RANDOM;
		else if (strcmp(arg, "nth") == 0)
			s->mode = STAT_NTH;
		else
			return xt_parse_error(ps, "Bad mode \"%s\"", arg);
		break;
	case O_PROBABILITY:
		if (stat_parse_prob(ps, arg, &s->probability))
			return -1;
		break;
	case O_EVERY:
		if (ext_parse_num(ps, "statistic", "every", arg, 1, UINT32_MAX, &v))
			return -1;
		s->every = (uint32_t)v - 1;
		break;
	default:
		if (ext_parse_num(ps, "statistic", "packet", arg, 0, UINT32_MAX, &v))
			return -1;
		s->packet = (uint32_t)v;
		break;
	}
	if (invert)
		s->flags |= STAT_INVERT;
	s->xflags |= EXT_F(id);
	return 0;
}

/* statistic_check() runs before the generic option checks, as x6_fcheck does. */
static int stat_final_check(void *data, struct xt_parse *ps)
{
	struct stat_info *s = data;
	uint32_t xflags = s->xflags;

	s->xflags = 0;
	if (s->mode == STAT_RANDOM && !(xflags & EXT_F(O_PROBABILITY)))
		return xt_parse_error(ps, "--probability must be specified when using random mode");
	if (s->mode == STAT_NTH && !(xflags & (EXT_F(O_EVERY) | EXT_F(O_PACKET))))
		return xt_parse_error(ps, "--every and --packet must be specified when using nth "
				      "mode");
	if (s->packet > s->every)
		return xt_parse_error(ps, "the --packet p must be 0 <= p <= n-1");
	s->count = s->every - s->packet;
	return ext_fcheck(ps, "statistic", stat_opts, stat_fc, xflags);
}

static void stat_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct stat_info *s = data;
	const char *inv = s->flags & STAT_INVERT ? " !" : "";

	if (s->mode == STAT_RANDOM)
		sb_addf(out, " --mode random%s --probability %.11f", inv,
			1.0 * s->probability / 0x80000000);
	else
		sb_addf(out, " --mode nth%s --every %u --packet %u", inv, s->every + 1, s->packet);
}

static void stat_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct stat_info *s = data;
	const char *inv = s->flags & STAT_INVERT ? " !" : "";

	if (s->mode == STAT_RANDOM) {
		sb_addf(out, " statistic mode random%s probability %.11f", inv,
			1.0 * s->probability / 0x80000000);
		return;
	}
	sb_addf(out, " statistic mode nth%s every %u", inv, s->every + 1);
	if (s->packet)
		sb_addf(out, " packet %u", s->packet);
}

/* get_random_u32() stand-in: xorshift64*, deterministic per rule. */
static uint32_t stat_random(struct stat_info *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (uint32_t)((s->rng * 0x2545f4914f6cdd1dull) >> 32);
}

/* statistic_mt(). */
static bool stat_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	struct stat_info *s = data;
	bool ret = s->flags & STAT_INVERT;

	if (!s->started) {
		/* statistic_mt_check(): master->count = info->u.nth.count, here at
		 * first use so that the data past usersize may start zeroed. */
		s->started = true;
		s->cur = s->count;
		s->rng = 0x9e3779b97f4a7c15ull;         /* fixed seed: reproducible runs */
	}
	if (s->mode == STAT_RANDOM) {
		if ((stat_random(s) & 0x7fffffff) < s->probability)
			ret = !ret;
		return ret;
	}
	s->cur = s->cur == s->every ? 0 : s->cur + 1;
	if (s->cur == 0)
		ret = !ret;
	return ret;
}

const struct xt_match_ops xt_match_statistic = {
	.name = "statistic",
	.family = XT_EXT_ANY,
	.size = sizeof(struct stat_info),
	.usersize = offsetof(struct stat_info, cur),
	.opts = stat_opts,
	.parse = stat_parse,
	.final_check = stat_final_check,
	.save = stat_save,
	.print = stat_print,
	.match = stat_match,
};
