/* time: date, time of day, weekday and day of month of the packet (xt_time.c, libxt_time.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define TIME_LOCAL_TZ 0x1
#define TIME_CONTIGUOUS 0x2
#define TIME_ALL_MONTHDAYS 0xfffffffeu
#define TIME_ALL_WEEKDAYS 0xfe
#define TIME_DAY 86400u
#define TIME_DATE_MAX 0x7fffffffu       /* INT_MAX: the default --datestop */

enum { O_DATE_START = 0, O_DATE_STOP, O_TIME_START, O_TIME_STOP, O_TIME_CONTIGUOUS,
       O_MONTHDAYS, O_WEEKDAYS, O_LOCAL_TZ, O_UTC, O_KERNEL_TZ };

struct time_info {
	uint32_t xflags;
	uint32_t date_start, date_stop;
	uint32_t daytime_start, daytime_stop;
	uint32_t monthdays_match;
	uint8_t weekdays_match;
	uint8_t flags;
};

static const struct xt_opt time_opts[] = {
	{ .name = "datestart", .id = O_DATE_START, .arg = XT_ARG_REQUIRED },
	{ .name = "datestop", .id = O_DATE_STOP, .arg = XT_ARG_REQUIRED },
	{ .name = "timestart", .id = O_TIME_START, .arg = XT_ARG_REQUIRED },
	{ .name = "timestop", .id = O_TIME_STOP, .arg = XT_ARG_REQUIRED },
	{ .name = "contiguous", .id = O_TIME_CONTIGUOUS, .arg = XT_ARG_NONE },
	{ .name = "weekdays", .id = O_WEEKDAYS, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "monthdays", .id = O_MONTHDAYS, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "localtz", .id = O_LOCAL_TZ, .arg = XT_ARG_NONE },
	{ .name = "utc", .id = O_UTC, .arg = XT_ARG_NONE },
	{ .name = "kerneltz", .id = O_KERNEL_TZ, .arg = XT_ARG_NONE },
	{ 0 },
};

static const struct ext_fc time_fc[] = {
	{ .id = O_LOCAL_TZ, .excl = EXT_F(O_UTC) },
	{ .id = O_UTC, .excl = EXT_F(O_LOCAL_TZ) | EXT_F(O_KERNEL_TZ) },
	{ .id = O_KERNEL_TZ, .excl = EXT_F(O_UTC) },
	{ .id = EXT_FC_END },
};

static const char *const time_wdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static void time_init(void *data)
{
	struct time_info *t = data;

	t->date_stop = TIME_DATE_MAX;
	t->daytime_stop = TIME_DAY - 1;
	t->monthdays_match = TIME_ALL_MONTHDAYS;
	t->weekdays_match = TIME_ALL_WEEKDAYS;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), as timegm() counts. */
static int64_t time_days(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* One "N" field followed by sep (or the end), within [min, max]. */
static bool time_field(const char **s, char sep, unsigned int min, unsigned int max,
		       unsigned int *out)
{
	char *end;
	unsigned long v;

	if (**s < '0' || **s > '9')
		return false;
	v = strtoul(*s, &end, 10);
	if (v < min || v > max || (*end != sep && *end != '\0'))
		return false;
	*out = (unsigned int)v;
	*s = *end ? end + 1 : end;
	return true;
}

/* time_parse_date(): YYYY[-MM[-DD[Thh[:mm[:ss]]]]], in UTC. */
static int time_parse_date(struct xt_parse *ps, const char *arg, uint32_t *out)
{
	unsigned int y, mo = 1, d = 1, h = 0, mi = 0, sec = 0;
	const char *s = arg;
	int64_t t;

	if (!time_field(&s, '-', 1970, 2038, &y))
		goto bad;
	if (*s && !time_field(&s, '-', 1, 12, &mo))
		goto bad;
	if (*s && !time_field(&s, 'T', 1, 31, &d))
		goto bad;
	if (*s && !time_field(&s, ':', 0, 23, &h))
		goto bad;
	if (*s && !time_field(&s, ':', 0, 59, &mi))
		goto bad;
	if (*s && !time_field(&s, '\0', 0, 59, &sec))
		goto bad;
	t = time_days(y, mo, d) * TIME_DAY + h * 3600 + mi * 60 + sec;
	if (t < 0 || t > UINT32_MAX)
		goto bad;
	*out = (uint32_t)t;
	return 0;
bad:
	return xt_parse_error(ps, "Invalid date \"%s\" specified. Should be "
			      "YYYY[-MM[-DD[Thh[:mm[:ss]]]]]", arg);
}

/* time_parse_minutes(): hh:mm[:ss] to seconds of the day, each field strtoul()
 * (an empty one is 0); the message names the field that failed and what follows. */
static int time_parse_time(struct xt_parse *ps, const char *arg, uint32_t *out)
{
	unsigned long h, m, sec = 0;
	const char *s = arg;
	char *e;

	h = strtoul(s, &e, 10);
	if (*e != ':' || h > 23)
		goto bad;
	s = e + 1;
	m = strtoul(s, &e, 10);
	if ((*e != ':' && *e != '\0') || m > 59)
		goto bad;
	if (*e) {
		s = e + 1;
		sec = strtoul(s, &e, 10);
		if (*e || sec > 59)
			goto bad;
	}
	*out = (uint32_t)(h * 3600 + m * 60 + sec);
	return 0;
bad:
	return xt_parse_error(ps, "invalid time \"%s\" specified, should be hh:mm[:ss] format "
			      "and within the boundaries", s);
}

/* my_strseg() of libxt_time: the next ','-separated piece, cut to buflen - 1 chars. */
static const char *time_strseg(char *buf, size_t buflen, const char **arg)
{
	const char *sep;

	if (!*arg || !**arg)
		return NULL;
	sep = strchr(*arg, ',');
	if (!sep) {
		snprintf(buf, buflen, "%s", *arg);
		*arg = NULL;
		return buf;
	}
	snprintf(buf, buflen, "%.*s", (int)(sep - *arg), *arg);
	*arg = sep + 1;
	return buf;
}

/* time_parse_weekdays(): 3-char pieces, a number (bit 1 << n as x86 shifts it, kept
 * in the u8 mask) or a name matched on its first two letters. */
static int time_parse_weekdays(struct xt_parse *ps, const char *arg, uint8_t *mask)
{
	char day[4], *err;
	unsigned int i, ret = 0;
	bool valid;

	while (time_strseg(day, sizeof(day), &arg)) {
		i = (unsigned int)strtoul(day, &err, 0);
		if (*err == '\0') {
			if (i == 0)
				return xt_parse_error(ps, "No, the week does NOT begin with Sunday.");
			ret |= 1u << (i & 31);
			continue;
		}
		valid = false;
		for (i = 0; i < 7; i++) {
			if (strncmp(day, time_wdays[i], 2) == 0) {
				ret |= 1u << (i + 1);
				valid = true;
			}
		}
		if (!valid)
			return xt_parse_error(ps, "%s is not a valid day specifier", day);
	}
	*mask = (uint8_t)ret;
	return 0;
}

/* time_parse_monthdays(): 2-char pieces, numbers 0-31 in any base. */
static int time_parse_monthdays(struct xt_parse *ps, const char *arg, uint32_t *mask)
{
	char day[3], *err;
	unsigned int i;

	*mask = 0;
	while (time_strseg(day, sizeof(day), &arg)) {
		i = (unsigned int)strtoul(day, &err, 0);
		if ((*err != ',' && *err != '\0') || i > 31)
			return xt_parse_error(ps, "%s is not a valid day for --monthdays", day);
		*mask |= 1u << i;
	}
	return 0;
}

static int time_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct time_info *t = data;
	int rc = 0;

	switch (id) {
	case O_DATE_START: rc = time_parse_date(ps, arg, &t->date_start); break;
	case O_DATE_STOP: rc = time_parse_date(ps, arg, &t->date_stop); break;
	case O_TIME_START: rc = time_parse_time(ps, arg, &t->daytime_start); break;
	case O_TIME_STOP: rc = time_parse_time(ps, arg, &t->daytime_stop); break;
	case O_TIME_CONTIGUOUS: t->flags |= TIME_CONTIGUOUS; break;
	case O_LOCAL_TZ:
	case O_KERNEL_TZ: t->flags |= TIME_LOCAL_TZ; break;
	case O_UTC: t->flags &= (uint8_t)~TIME_LOCAL_TZ; break;
	case O_WEEKDAYS:
		rc = time_parse_weekdays(ps, arg, &t->weekdays_match);
		if (invert)
			t->weekdays_match ^= TIME_ALL_WEEKDAYS;
		break;
	default:
		rc = time_parse_monthdays(ps, arg, &t->monthdays_match);
		if (invert)
			t->monthdays_match ^= TIME_ALL_MONTHDAYS;
		break;
	}
	if (rc)
		return rc;
	t->xflags |= EXT_F(id);
	return 0;
}

static int time_final_check(void *data, struct xt_parse *ps)
{
	struct time_info *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if ((t->flags & TIME_CONTIGUOUS) && t->daytime_start < t->daytime_stop)
		return xt_parse_error(ps, "time: --contiguous only makes sense when stoptime is "
				      "smaller than starttime");
	return ext_fcheck(ps, "time", time_opts, time_fc, xflags);
}

/* xt_time checkentry: seconds of day must be within the day. */
static int time_check(const void *data, struct xt_parse *ps)
{
	const struct time_info *t = data;

	if (t->daytime_start >= TIME_DAY || t->daytime_stop >= TIME_DAY)
		return -EDOM;
	if (t->flags & ~(TIME_LOCAL_TZ | TIME_CONTIGUOUS))
		return -EINVAL;
	return 0;
}

static void time_hms(uint32_t s, struct strbuf *out)
{
	sb_addf(out, "%02u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
}

/* The civil date of a day number (inverse of time_days()). */
static void time_civil(int64_t z, unsigned int *y, unsigned int *m, unsigned int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (unsigned int)(yoe + era * 400 + (*m <= 2));
}

static void time_date(uint32_t t, char sep, struct strbuf *out)
{
	unsigned int y, m, d;

	time_civil(t / TIME_DAY, &y, &m, &d);
	sb_addf(out, "%04u-%02u-%02u%c", y, m, d, sep);
	time_hms(t % TIME_DAY, out);
}

static void time_weekdays(uint8_t mask, struct strbuf *out)
{
	unsigned int i;
	bool first = true;

	for (i = 1; i <= 7; i++) {
		if (!(mask & (1u << i)))
			continue;
		sb_addf(out, "%s%s", first ? "" : ",", time_wdays[i - 1]);
		first = false;
	}
}

/* time_print_monthdays(): numbers, with the day suffix in the -L form. */
static void time_monthdays(uint32_t mask, bool human, struct strbuf *out)
{
	static const char *const sfx[] = { "th", "st", "nd", "rd" };
	unsigned int i;
	bool first = true;

	for (i = 1; i <= 31; i++) {
		if (!(mask & (1u << i)))
			continue;
		sb_addf(out, "%s%u", first ? "" : ",", i);
		if (human)
			sb_add(out, sfx[i % 10 > 3 ? 0 : i % 10]);
		first = false;
	}
}

static bool time_has_daytime(const struct time_info *t)
{
	return t->daytime_start != 0 || t->daytime_stop != TIME_DAY - 1;
}

static void time_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct time_info *t = data;

	if (time_has_daytime(t)) {
		sb_add(out, " --timestart ");
		time_hms(t->daytime_start, out);
		sb_add(out, " --timestop ");
		time_hms(t->daytime_stop, out);
	}
	if (t->monthdays_match != TIME_ALL_MONTHDAYS) {
		sb_add(out, " --monthdays ");
		time_monthdays(t->monthdays_match, false, out);
	}
	if (t->weekdays_match != TIME_ALL_WEEKDAYS) {
		sb_add(out, " --weekdays ");
		time_weekdays(t->weekdays_match, out);
	}
	/* time_print_date() skips 0 and LONG_MAX; the INT_MAX default is printed. */
	if (t->date_start != 0) {
		sb_add(out, " --datestart ");
		time_date(t->date_start, 'T', out);
	}
	if (t->date_stop != 0) {
		sb_add(out, " --datestop ");
		time_date(t->date_stop, 'T', out);
	}
	if (t->flags & TIME_LOCAL_TZ)
		sb_add(out, " --kerneltz");
	if (t->flags & TIME_CONTIGUOUS)
		sb_add(out, " --contiguous");
}

static void time_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct time_info *t = data;

	sb_add(out, " TIME");
	if (time_has_daytime(t)) {
		sb_add(out, " from ");
		time_hms(t->daytime_start, out);
		sb_add(out, " to ");
		time_hms(t->daytime_stop, out);
	}
	if (t->weekdays_match != TIME_ALL_WEEKDAYS) {
		sb_add(out, " on ");
		time_weekdays(t->weekdays_match, out);
	}
	if (t->monthdays_match != TIME_ALL_MONTHDAYS) {
		sb_add(out, " on ");
		time_monthdays(t->monthdays_match, true, out);
	}
	if (t->date_start != 0) {
		sb_add(out, " starting from ");
		time_date(t->date_start, ' ', out);
	}
	if (t->date_stop != TIME_DATE_MAX) {
		sb_add(out, " until date ");
		time_date(t->date_stop, ' ', out);
	}
	if (!(t->flags & TIME_LOCAL_TZ))
		sb_add(out, " UTC");
	if (t->flags & TIME_CONTIGUOUS)
		sb_add(out, " contiguous");
}

/*
 * time_mt(): the packet's arrival time (the engine clock) in seconds.  The
 * kernel timezone (sys_tz) of a fresh system is UTC, so --kerneltz changes
 * nothing here.
 */
static bool time_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct time_info *t = data;
	uint64_t ns = pkt->tstamp_ns ? pkt->tstamp_ns : ext_now_ns(par);
	int64_t stamp = (int64_t)(ns / 1000000000u);
	unsigned int y, m, d, weekday;
	uint32_t packet_time;

	if (stamp < t->date_start || stamp > t->date_stop)
		return false;
	packet_time = (uint32_t)(stamp % TIME_DAY);
	if (t->daytime_start < t->daytime_stop) {
		if (packet_time < t->daytime_start || packet_time > t->daytime_stop)
			return false;
	} else {
		if (packet_time < t->daytime_start && packet_time > t->daytime_stop)
			return false;
		/* After midnight, a contiguous window belongs to the day it began. */
		if ((t->flags & TIME_CONTIGUOUS) && packet_time <= t->daytime_stop)
			stamp -= TIME_DAY;
	}
	weekday = (unsigned int)((4 + stamp / TIME_DAY - 1) % 7 + 1);     /* 1970-01-01: Thu */
	if (!(t->weekdays_match & (1u << weekday)))
		return false;
	if (t->monthdays_match != TIME_ALL_MONTHDAYS) {
		time_civil(stamp / TIME_DAY, &y, &m, &d);
		if (!(t->monthdays_match & (1u << d)))
			return false;
	}
	return true;
}

const struct xt_match_ops xt_match_time = {
	.name = "time",
	.family = XT_EXT_ANY,
	.size = sizeof(struct time_info),
	.opts = time_opts,
	.init = time_init,
	.parse = time_parse,
	.final_check = time_final_check,
	.check = time_check,
	.save = time_save,
	.print = time_print,
	.match = time_match,
};
