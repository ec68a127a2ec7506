/*
 * hashlimit: token buckets per flow group (source/destination address and
 * ports), in tables shared by name (xt_hashlimit.c revision 3, libxt_hashlimit.c
 * for the syntax and printed forms).  A table takes its configuration from the
 * first rule that names it, as htable_create() does, and is found by name and
 * family.  Time is counted in jiffies at HZ=1000 (the stack's STACK_HZ).  The
 * kernel frees a table with its last rule; here it lives as long as the
 * instance (xt_extstate.c).  Entries come from a pool made with the table: the
 * packet path never allocates.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stack/net.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"
#include "xt/xt_extstate.h"

#define HL_HASH_DIP 0x01        /* XT_HASHLIMIT_* of xt_hashlimit.h */
#define HL_HASH_DPT 0x02
#define HL_HASH_SIP 0x04
#define HL_HASH_SPT 0x08
#define HL_INVERT 0x10
#define HL_BYTES 0x20
#define HL_RATE_MATCH 0x40
#define HL_ALL 0x7f
#define HL_HASH_ANY (HL_HASH_DIP | HL_HASH_DPT | HL_HASH_SIP | HL_HASH_SPT)
#define HL_NAME_LEN 255         /* xt_hashlimit_mtinfo3.name[NAME_MAX] */
#define HL_SCALE 1000000ull     /* XT_HASHLIMIT_SCALE_v2 */
#define HL_BYTE_SHIFT 4
#define HL_BURST_DEFAULT 5
#define HL_BURST_MAX 1000000ull
#define HL_BYTE_EXPIRE 15
#define HL_BYTE_EXPIRE_BURST 60
#define HL_GCINTERVAL 1000
#define HL_HZ 1000ull
#define HL_CPJ (1ull << 37)     /* CREDITS_PER_JIFFY: power of 2 <= 2^64 / (HZ * 86400) */
#define HL_CPJ_BYTES (1ull << 22) /* CREDITS_PER_JIFFY_BYTES: <= 2^32 / HZ */
#define HL_DEFAULT_SIZE 8192u   /* htable_create() on a machine with more than 1 GiB */
#define HL_POOL_MAX (1u << 20)  /* entries made ready per table at most */
#define HL_NIL 0xffffffffu

enum { O_UPTO = 0, O_ABOVE, O_MODE, O_SRCMASK, O_DSTMASK, O_NAME, O_BURST, O_HTABLE_SIZE,
       O_HTABLE_MAX, O_HTABLE_GCINT, O_HTABLE_EXPIRE, O_RATEMATCH, O_INTERVAL };

/* struct hashlimit_cfg3 */
struct hl_cfg {
	uint64_t avg;
	uint64_t burst;
	uint32_t mode;
	uint32_t size, max, gc_interval, expire;
	uint32_t interval;
	uint8_t srcmask, dstmask;
};

struct hl_table;

/* struct xt_hashlimit_mtinfo3, parse-time state, then the table (runtime). */
struct hl_info {
	char name[HL_NAME_LEN];
	struct hl_cfg cfg;
	uint32_t xflags;        /* parse time only: zeroed by final_check */
	uint32_t mult;          /* hashlimit_mt_udata */
	struct hl_table *t;
};

/* struct dsthash_dst */
struct hl_key {
	union xt_addr src, dst;
	uint16_t sport, dport;
};

/* struct dsthash_ent with its rateinfo */
struct hl_ent {
	struct hl_key key;
	uint64_t expires;
	uint64_t prev;
	uint64_t credit, credit_cap, cost;
	uint64_t rate, burst, current_rate;
	uint32_t interval;
	bool prev_window;
	uint32_t next;          /* bucket chain or free list */
};

/* struct xt_hashlimit_htable */
struct hl_table {
	struct hl_cfg cfg;
	uint32_t count, cap;
	uint32_t *bucket;       /* cfg.size heads */
	struct hl_ent *ent;     /* cap entries, handed out in order (hw), then reused */
	uint32_t hw;            /* entries ever handed out: the rest is untouched memory */
	uint32_t free;
	uint64_t next_gc;       /* jiffies of the next garbage collection */
};

static const struct xt_opt hl_opts[] = {
	{ .name = "hashlimit-upto", .id = O_UPTO, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "hashlimit-above", .id = O_ABOVE, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "hashlimit", .id = O_UPTO, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "hashlimit-srcmask", .id = O_SRCMASK, .arg = XT_ARG_REQUIRED },
	{ .name = "hashlimit-dstmask", .id = O_DSTMASK, .arg = XT_ARG_REQUIRED },
	{ .name = "hashlimit-burst", .id = O_BURST, .arg = XT_ARG_REQUIRED },
	{ .name = "hashlimit-htable-size", .id = O_HTABLE_SIZE, .arg = XT_ARG_REQUIRED },
	{ .name = "hashlimit-htable-max", .id = O_HTABLE_MAX, .arg = XT_ARG_REQUIRED },
	{ .name = "hashlimit-htable-gcinterval", .id = O_HTABLE_GCINT, .arg = XT_ARG_REQUIRED },
	{ .name = "hashlimit-htable-expire", .id = O_HTABLE_EXPIRE, .arg = XT_ARG_REQUIRED },
	{ .name = "hashlimit-mode", .id = O_MODE, .arg = XT_ARG_REQUIRED },
	{ .name = "hashlimit-name", .id = O_NAME, .arg = XT_ARG_REQUIRED },
	{ .name = "hashlimit-rate-match", .id = O_RATEMATCH },
	{ .name = "hashlimit-rate-interval", .id = O_INTERVAL, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc hl_fc[] = {
	{ .id = O_UPTO, .excl = EXT_F(O_ABOVE) },
	{ .id = O_ABOVE, .excl = EXT_F(O_UPTO) },
	{ .id = O_NAME, .mand = true },
	{ .id = EXT_FC_END },
};

static void hl_init4(void *data)
{
	struct hl_info *h = data;

	h->cfg.burst = HL_BURST_DEFAULT;
	h->cfg.gc_interval = HL_GCINTERVAL;
	h->cfg.srcmask = h->cfg.dstmask = 32;
}

static void hl_init6(void *data)
{
	struct hl_info *h = data;

	hl_init4(data);
	h->cfg.srcmask = h->cfg.dstmask = 128;
}

static uint64_t hl_factor(int c)
{
	return c == 'm' ? 1024 * 1024 : c == 'k' ? 1024 : 1;
}

static uint64_t hl_cost_to_bytes(uint64_t cost)
{
	uint64_t r = cost ? 0xffffffffull / cost : 0xffffffffull;

	return (r - 1) << HL_BYTE_SHIFT;
}

static uint64_t hl_bytes_to_cost(uint64_t bytes)
{
	uint32_t r = (uint32_t)(bytes >> HL_BYTE_SHIFT);

	return 0xffffffffu / ((uint64_t)r + 1);
}

/* parse_bytes(): "N[k|m]b/s"; false if the rate is not in bytes. */
static int hl_parse_bytes(struct hl_info *h, const char *rate, struct xt_parse *ps, bool *ok)
{
	const char *mode = strstr(rate, "b/s");
	uint64_t r, tmp;

	*ok = false;
	if (!mode || mode == rate)
		return 0;
	r = strtoull(rate, NULL, 10);
	if (r == 0)
		return 0;
	tmp = r * hl_factor(mode[-1]);
	tmp = hl_bytes_to_cost(tmp);
	if (tmp == 0)
		return xt_parse_error(ps, "Rate too high \"%s\"", rate);
	h->mult = HL_BYTE_EXPIRE;
	h->cfg.avg = tmp;
	*ok = true;
	return 0;
}

/* parse_rate(): "N[/second|minute|hour|day]", any prefix of the unit. */
static int hl_parse_rate(struct hl_info *h, const char *rate, struct xt_parse *ps, bool *ok)
{
	static const struct { const char *w; uint32_t mult; } u[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
	};
	const char *delim = strchr(rate, '/');
	uint64_t r;
	size_t i, n;

	*ok = false;
	h->mult = 1;
	if (delim) {
		n = strlen(delim + 1);
		if (n == 0)
			return 0;
		for (i = 0; i < 4; i++)
			if (strncasecmp(delim + 1, u[i].w, n) == 0)
				break;
		if (i == 4)
			return 0;
		h->mult = u[i].mult;
	}
	r = strtoull(rate, NULL, 10);
	if (!r)
		return 0;
	h->cfg.avg = HL_SCALE * h->mult / r;
	if (h->cfg.avg == 0)
		return xt_parse_error(ps, "Rate too fast \"%s\"", rate);
	*ok = true;
	return 0;
}

static int hl_parse_limit(struct hl_info *h, int id, const char *arg, bool invert,
			  struct xt_parse *ps)
{
	bool ok;

	if (id == O_UPTO ? invert : !invert)
		h->cfg.mode |= HL_INVERT;
	if (hl_parse_bytes(h, arg, ps, &ok))
		return -1;
	if (ok) {
		h->cfg.mode |= HL_BYTES;
		return 0;
	}
	if (hl_parse_rate(h, arg, ps, &ok))
		return -1;
	if (!ok)
		return xt_parse_error(ps, "hashlimit: Bad value for \"--hashlimit-%s\" option: "
				      "\"%s\"", id == O_UPTO ? "upto" : "above", arg);
	return 0;
}

/* parse_burst(): a count, or with k/m a byte amount. */
static int hl_parse_burst(struct hl_info *h, const char *arg, struct xt_parse *ps)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (end == arg || errno || v < 1 || arg[0] == '-' || (*end == '\0' && v > HL_BURST_MAX))
		return xt_parse_error(ps, "bad value for option \"--hashlimit-burst\", or out of "
				      "range (1-%llu).", HL_BURST_MAX);
	h->cfg.burst = v * hl_factor(*end);
	return 0;
}

static int hl_parse_mode(struct hl_info *h, const char *arg, struct xt_parse *ps)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",|", &save); tok; tok = strtok_r(NULL, ",|", &save)) {
		if (!strcmp(tok, "dstip"))
			h->cfg.mode |= HL_HASH_DIP;
		else if (!strcmp(tok, "srcip"))
			h->cfg.mode |= HL_HASH_SIP;
		else if (!strcmp(tok, "srcport"))
			h->cfg.mode |= HL_HASH_SPT;
		else if (!strcmp(tok, "dstport"))
			h->cfg.mode |= HL_HASH_DPT;
		else
			return xt_parse_error(ps, "hashlimit: Bad value for "
					      "\"--hashlimit-mode\" option: \"%s\"", arg);
	}
	return 0;
}

static int hl_parse_u32(struct xt_parse *ps, const char *opt, const char *arg, uint32_t *out)
{
	unsigned long long v;

	if (ext_parse_num(ps, "hashlimit", opt, arg, 0, 0xffffffffu, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int hl_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct hl_info *h = data;
	unsigned int plen;
	int r = 0;

	h->xflags |= EXT_F(id);
	switch (id) {
	case O_UPTO: case O_ABOVE: return hl_parse_limit(h, id, arg, invert, ps);
	case O_MODE: return hl_parse_mode(h, arg, ps);
	case O_BURST: return hl_parse_burst(h, arg, ps);
	case O_SRCMASK: case O_DSTMASK:
		/* XTTYPE_PLEN: 33 reads as mask 0.0.0.33, 255 for the kernel to refuse */
		if (ext_parse_plenmask(ps, "hashlimit", id == O_SRCMASK ? "hashlimit-srcmask"
				       : "hashlimit-dstmask", arg, &plen, NULL))
			return -1;
		*(id == O_SRCMASK ? &h->cfg.srcmask : &h->cfg.dstmask) = (uint8_t)plen;
		return 0;
	case O_NAME:
		if (!arg[0])
			return xt_parse_error(ps, "Argument must have a minimum length of 1 "
					      "characters\n");  /* xtopt_parse_string() */
		/* xtopt_parse_string(): a longer name is cut, not refused */
		memset(h->name, 0, sizeof(h->name));
		strncpy(h->name, arg, HL_NAME_LEN - 1);
		return 0;
	case O_HTABLE_SIZE: return hl_parse_u32(ps, "hashlimit-htable-size", arg, &h->cfg.size);
	case O_HTABLE_MAX: return hl_parse_u32(ps, "hashlimit-htable-max", arg, &h->cfg.max);
	case O_HTABLE_GCINT:
		return hl_parse_u32(ps, "hashlimit-htable-gcinterval", arg, &h->cfg.gc_interval);
	case O_HTABLE_EXPIRE:
		return hl_parse_u32(ps, "hashlimit-htable-expire", arg, &h->cfg.expire);
	case O_RATEMATCH:
		h->cfg.mode |= HL_RATE_MATCH;
		return 0;
	default:
		r = atoi(arg);
		if (r <= 0)
			return xt_parse_error(ps, "hashlimit: Bad value for "
					      "\"--hashlimit-rate-interval\" option: \"%s\"", arg);
		h->cfg.interval = (uint32_t)r;
		return 0;
	}
}

/* hashlimit_mt_check() of libxt_hashlimit: default expiry, burst in bytes, rate-match. */
static int hl_final_check(void *data, struct xt_parse *ps)
{
	struct hl_info *h = data;
	uint32_t xflags = h->xflags, mult = h->mult;
	uint64_t unit, burst;

	h->xflags = 0;
	h->mult = 0;
	/* x6_fcheck runs before the option table's checks (xtables_option_mfcheck) */
	if (!(xflags & (EXT_F(O_UPTO) | EXT_F(O_ABOVE))))
		return xt_parse_error(ps, "You have to specify --hashlimit");
	if (!(xflags & EXT_F(O_HTABLE_EXPIRE)))
		h->cfg.expire = mult * 1000;
	if (h->cfg.mode & HL_BYTES) {
		burst = 0;
		if (xflags & EXT_F(O_BURST)) {
			unit = hl_cost_to_bytes(h->cfg.avg);
			if (h->cfg.burst < unit)
				return xt_parse_error(ps, "burst cannot be smaller than %" PRIu64 "b",
						      unit);
			burst = (uint32_t)(h->cfg.burst / unit);
			if (h->cfg.burst % unit)
				burst = (uint32_t)(burst + 1);
			if (!(xflags & EXT_F(O_HTABLE_EXPIRE)))
				h->cfg.expire = HL_BYTE_EXPIRE_BURST * 1000;
		}
		h->cfg.burst = burst;
	} else if (h->cfg.burst > HL_BURST_MAX) {
		return xt_parse_error(ps, "bad value for option \"--hashlimit-burst\", or out of "
				      "range (1-%llu).", HL_BURST_MAX);
	}
	if (xflags & EXT_F(O_RATEMATCH)) {
		if (!(h->cfg.mode & HL_BYTES))
			h->cfg.avg /= mult;
		if (h->cfg.interval == 0)
			h->cfg.interval = (h->cfg.mode & HL_BYTES) ? 1 : mult;
	}
	return ext_fcheck(ps, "hashlimit", hl_opts, hl_fc, xflags);
}

/* user2credits() for revision 3: scale < HZ * CREDITS_PER_JIFFY, so multiply. */
static uint64_t hl_user2credits(uint64_t user)
{
	return user * (HL_HZ * HL_CPJ / HL_SCALE);
}

static uint32_t hl_user2credits_byte(uint32_t user)
{
	return (uint32_t)(((uint64_t)user * HL_HZ * HL_CPJ_BYTES) >> 32);
}

static void hl_table_fini(void *obj)
{
	struct hl_table *t = obj;

	free(t->bucket);
	free(t->ent);
}

/* htable_create(): size and max defaults, the pool, the first gc one interval later. */
static int hl_table_setup(struct hl_table *t, const struct hl_cfg *cfg, uint64_t now)
{
	uint32_t i;

	t->cfg = *cfg;
	if (!t->cfg.size)
		t->cfg.size = HL_DEFAULT_SIZE;
	if (t->cfg.max == 0)
		t->cfg.max = 8 * t->cfg.size;
	else if (t->cfg.max < t->cfg.size)
		t->cfg.max = t->cfg.size;
	t->cap = t->cfg.max < HL_POOL_MAX ? t->cfg.max : HL_POOL_MAX;
	t->bucket = malloc((size_t)t->cfg.size * sizeof(*t->bucket));
	t->ent = calloc(t->cap, sizeof(*t->ent));
	if (!t->bucket || !t->ent)
		return -ENOMEM;
	for (i = 0; i < t->cfg.size; i++)
		t->bucket[i] = HL_NIL;
	t->free = HL_NIL;
	t->hw = 0;
	t->next_gc = now + t->cfg.gc_interval;
	return 0;
}

/* hashlimit_mt_check_common() */
static int hl_check(const void *data, struct xt_parse *ps)
{
	const struct hl_info *h = data;
	const struct hl_cfg *cfg = &h->cfg;
	unsigned int plen = ps->family == XT_FAMILY_V6 ? 128 : 32;
	struct hl_table *t;
	bool created;

	if (cfg->gc_interval == 0 || cfg->expire == 0)
		return -EINVAL;
	if (ext_check_proc_name(h->name))
		return -EINVAL;
	if (cfg->srcmask > plen || cfg->dstmask > plen)
		return -EINVAL;
	if (cfg->mode & ~HL_ALL)
		return -EINVAL;
	if (cfg->mode & HL_RATE_MATCH) {
		if (cfg->interval == 0 || cfg->avg == 0)
			return -EINVAL;
	} else if (cfg->mode & HL_BYTES) {
		if (hl_user2credits_byte((uint32_t)cfg->avg) == 0)
			return -EINVAL;
	} else if (cfg->burst == 0 ||
		   hl_user2credits(cfg->avg * cfg->burst) < hl_user2credits(cfg->avg)) {
		return -ERANGE;
	}
	t = xt_extstate_get(ps->net, ps->family == XT_FAMILY_V6 ? "hashlimit6" : "hashlimit",
			    h->name, sizeof(*t), hl_table_fini, &created);
	if (!t)
		return -ENOMEM;
	if (created || !t->ent)
		return hl_table_setup(t, cfg, ps->net ? ps->net->now_ns / 1000000 : 0);
	return 0;
}

/* print_rate(): the largest unit that divides evenly enough; returns its msec. */
static uint32_t hl_print_rate(uint64_t period, struct strbuf *out)
{
	static const struct { const char *name; uint64_t mult; } rates[] = {
		{ "day", HL_SCALE * 86400 }, { "hour", HL_SCALE * 3600 },
		{ "min", HL_SCALE * 60 }, { "sec", HL_SCALE },
	};
	unsigned int i;

	if (period == 0) {
		sb_add(out, " inf");
		return 0;
	}
	for (i = 1; i < 4; i++)
		if (period > rates[i].mult || rates[i].mult / period < rates[i].mult % period)
			break;
	sb_addf(out, " %" PRIu64 "/%s", rates[i - 1].mult / period, rates[i - 1].name);
	return (uint32_t)(rates[i - 1].mult / HL_SCALE * 1000);
}

/* print_bytes() */
static uint32_t hl_print_bytes(uint64_t avg, uint64_t burst, const char *prefix,
			       struct strbuf *out)
{
	static const struct { const char *name; uint64_t thresh; } units[] = {
		{ "m", 1024 * 1024 }, { "k", 1024 }, { "", 1 },
	};
	unsigned int i;
	uint64_t r = hl_cost_to_bytes(avg);

	for (i = 0; i < 2; i++)
		if (r >= units[i].thresh && hl_bytes_to_cost(r & ~(units[i].thresh - 1)) == avg)
			break;
	sb_addf(out, " %" PRIu64 "%sb/s", r / units[i].thresh, units[i].name);
	if (burst == 0)
		return HL_BYTE_EXPIRE * 1000;
	r *= burst;
	sb_addf(out, " %s", prefix);
	for (i = 0; i < 2; i++)
		if (r >= units[i].thresh)
			break;
	sb_addf(out, "burst %" PRIu64 "%sb", r / units[i].thresh, units[i].name);
	return HL_BYTE_EXPIRE_BURST * 1000;
}

static void hl_print_mode(uint32_t mode, char sep, struct strbuf *out)
{
	static const struct { uint32_t bit; const char *name; } m[] = {
		{ HL_HASH_SIP, "srcip" }, { HL_HASH_SPT, "srcport" },
		{ HL_HASH_DIP, "dstip" }, { HL_HASH_DPT, "dstport" },
	};
	bool prev = false;
	unsigned int i;

	sb_add(out, " ");
	for (i = 0; i < 4; i++) {
		if (!(mode & m[i].bit))
			continue;
		if (prev)
			sb_addf(out, "%c", sep);
		sb_add(out, m[i].name);
		prev = true;
	}
}

/* hashlimit_mt_save() / hashlimit_mt_print(): pfx "--hashlimit-" or "". */
static void hl_out(const struct hl_info *h, const struct xt_rule *r, bool save, struct strbuf *out)
{
	const struct hl_cfg *c = &h->cfg;
	const char *p = save ? "--hashlimit-" : "";
	unsigned int dmask = r && r->family == XT_FAMILY_V6 ? 128 : 32;
	uint64_t quantum, period;

	if (save)
		sb_add(out, (c->mode & HL_INVERT) ? " --hashlimit-above" : " --hashlimit-upto");
	else
		sb_add(out, (c->mode & HL_INVERT) ? " limit: above" : " limit: up to");
	if (c->mode & HL_BYTES) {
		quantum = hl_print_bytes(c->avg, c->burst, p, out);
	} else {
		period = c->avg;
		if (!save && c->interval != 0)
			period *= c->interval;
		quantum = hl_print_rate(period, out);
		sb_addf(out, " %sburst %" PRIu64, p, c->burst);
	}
	if (c->mode & HL_HASH_ANY) {
		sb_addf(out, " %smode", p);
		hl_print_mode(c->mode, save ? ',' : '-', out);
	}
	if (save)
		sb_addf(out, " --hashlimit-name %s", h->name);
	if (c->size)
		sb_addf(out, " %shtable-size %u", p, c->size);
	if (c->max)
		sb_addf(out, " %shtable-max %u", p, c->max);
	if (c->gc_interval != HL_GCINTERVAL)
		sb_addf(out, " %shtable-gcinterval %u", p, c->gc_interval);
	if (c->expire != quantum)
		sb_addf(out, " %shtable-expire %u", p, c->expire);
	if (c->srcmask != dmask)
		sb_addf(out, " %ssrcmask %u", p, c->srcmask);
	if (c->dstmask != dmask)
		sb_addf(out, " %sdstmask %u", p, c->dstmask);
	if (c->mode & HL_RATE_MATCH) {
		sb_addf(out, " %srate-match", p);
		if (c->interval != 1)
			sb_addf(out, " %srate-interval %u", p, c->interval);
	}
}

static void hl_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	hl_out(data, r, true, out);
}

static void hl_print(const void *data, const struct xt_rule *r, unsigned int flags,
		     struct strbuf *out)
{
	hl_out(data, r, false, out);
}

static void hl_mask(union xt_addr *a, unsigned int plen, unsigned int bits)
{
	uint8_t *b = bits == 32 ? (uint8_t *)&a->a4 : a->a6;
	unsigned int i;

	for (i = plen; i < bits; i++)
		b[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

/* proto_ports_offset() */
static int hl_ports_offset(uint8_t proto)
{
	switch (proto) {
	case 6: case 17: case 33: case 50: case 132: case 136: return 0;
	case 51: return 4;
	default: return -1;
	}
}

/* hashlimit_init_dst(): the flow group of the packet under the table's mode. */
static int hl_key(const struct hl_table *t, const struct pkt *pkt, struct xt_action *par,
		  struct hl_key *k)
{
	const uint8_t *nh = pkt_network(pkt);
	bool v6 = xt_is_v6(par);
	unsigned int bits = v6 ? 128 : 32, alen = v6 ? 16 : 4;
	const uint8_t *ports;
	uint8_t proto;
	int poff;

	memset(k, 0, sizeof(*k));
	if (t->cfg.mode & HL_HASH_DIP) {
		memcpy(v6 ? k->dst.a6 : (uint8_t *)&k->dst.a4, nh + (v6 ? 24 : 16), alen);
		hl_mask(&k->dst, t->cfg.dstmask, bits);
	}
	if (t->cfg.mode & HL_HASH_SIP) {
		memcpy(v6 ? k->src.a6 : (uint8_t *)&k->src.a4, nh + (v6 ? 8 : 12), alen);
		hl_mask(&k->src, t->cfg.srcmask, bits);
	}
	if (!(t->cfg.mode & (HL_HASH_DPT | HL_HASH_SPT)))
		return 0;
	proto = v6 ? pkt->l4proto : nh[9];
	poff = hl_ports_offset(proto);
	if (poff < 0)
		return 0;
	ports = pkt_header(pkt, par->thoff + (uint32_t)poff, 4);
	if (!ports)
		return -1;
	if (t->cfg.mode & HL_HASH_SPT)
		k->sport = (uint16_t)(ports[0] << 8 | ports[1]);
	if (t->cfg.mode & HL_HASH_DPT)
		k->dport = (uint16_t)(ports[2] << 8 | ports[3]);
	return 0;
}

static uint32_t hl_hash(const struct hl_table *t, const struct hl_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h % t->cfg.size;
}

/* htable_selective_cleanup() at gc time `tick`: entries whose time is up go. */
static void hl_gc(struct hl_table *t, uint64_t now)
{
	uint64_t tick;
	uint32_t b, *pp, i;

	if (now < t->next_gc)
		return;
	tick = t->next_gc + (now - t->next_gc) / t->cfg.gc_interval * t->cfg.gc_interval;
	t->next_gc = tick + t->cfg.gc_interval;
	for (b = 0; b < t->cfg.size && t->count; b++) {
		for (pp = &t->bucket[b]; *pp != HL_NIL;) {
			i = *pp;
			if ((int64_t)(tick - t->ent[i].expires) >= 0) {
				*pp = t->ent[i].next;
				t->ent[i].next = t->free;
				t->free = i;
				t->count--;
			} else {
				pp = &t->ent[i].next;
			}
		}
	}
}

static struct hl_ent *hl_find(struct hl_table *t, const struct hl_key *k, uint32_t h)
{
	uint32_t i;

	for (i = t->bucket[h]; i != HL_NIL; i = t->ent[i].next)
		if (memcmp(&t->ent[i].key, k, sizeof(*k)) == 0)
			return &t->ent[i];
	return NULL;
}

/* dsthash_alloc_init(): none once the table holds cfg.max entries. */
static struct hl_ent *hl_alloc(struct hl_table *t, const struct hl_key *k, uint32_t h)
{
	struct hl_ent *e;
	uint32_t i = t->free;

	if (t->cfg.max && t->count >= t->cfg.max)
		return NULL;
	if (i != HL_NIL)
		t->free = t->ent[i].next;
	else if (t->hw < t->cap)
		i = t->hw++;
	else
		return NULL;
	e = &t->ent[i];
	memset(e, 0, sizeof(*e));
	e->key = *k;
	e->next = t->bucket[h];
	t->bucket[h] = i;
	t->count++;
	return e;
}

/* rateinfo_init() for revision 3, from the table's configuration. */
static void hl_rate_init(struct hl_ent *e, const struct hl_cfg *c, uint64_t now)
{
	e->prev = now;
	if (c->mode & HL_RATE_MATCH) {
		e->prev_window = false;
		e->current_rate = 0;
		if (c->mode & HL_BYTES) {
			e->rate = hl_cost_to_bytes((uint32_t)c->avg);
			e->burst = c->burst ? c->burst * e->rate : e->rate;
		} else {
			e->rate = c->avg ? HL_SCALE / c->avg : 0;
			e->burst = c->burst + e->rate;
		}
		e->interval = c->interval;
	} else if (c->mode & HL_BYTES) {
		e->cost = hl_user2credits_byte((uint32_t)c->avg);
		e->credit = HL_CPJ_BYTES * HL_HZ;
		e->credit_cap = c->burst;
	} else {
		e->credit = hl_user2credits(c->avg * c->burst);
		e->cost = hl_user2credits(c->avg);
		e->credit_cap = e->credit;
	}
}

/* rateinfo_recalc() */
static void hl_rate_recalc(struct hl_ent *e, uint64_t now, uint32_t mode)
{
	uint64_t delta = now - e->prev, cap, tmp, interval;

	if (delta == 0)
		return;
	if (mode & HL_RATE_MATCH) {
		interval = (uint64_t)e->interval * HL_HZ;
		if (delta < interval)
			return;
		e->prev = now;
		e->prev_window = e->current_rate * interval > delta * e->rate;
		e->current_rate = 0;
		return;
	}
	e->prev = now;
	if (mode & HL_BYTES) {
		tmp = e->credit;
		e->credit += HL_CPJ_BYTES * delta;
		cap = HL_CPJ_BYTES * HL_HZ;
		if (tmp >= e->credit) {
			e->credit = cap;
			return;
		}
	} else {
		e->credit += delta * HL_CPJ;
		cap = e->credit_cap;
	}
	if (e->credit > cap)
		e->credit = cap;
}

/* hashlimit_byte_cost(): an empty bucket is refilled while credit_cap lasts. */
static uint64_t hl_byte_cost(uint32_t len, struct hl_ent *e)
{
	uint64_t tmp = ((uint64_t)(len >> HL_BYTE_SHIFT) + 1) * e->cost;

	if (tmp > HL_CPJ_BYTES * HL_HZ)
		tmp = HL_CPJ_BYTES * HL_HZ;
	if (e->credit < tmp && e->credit_cap) {
		e->credit_cap--;
		e->credit = HL_CPJ_BYTES * HL_HZ;
	}
	return (uint32_t)tmp;
}

/* hashlimit_mt_common(): rate-match counts, else spend the packet's cost. */
static bool hl_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	struct hl_info *h = data;
	struct hl_table *t = h->t;
	const struct hl_cfg *cfg = &h->cfg;
	uint64_t now = ext_now_ns(par) / 1000000, cost;
	struct hl_key k;
	struct hl_ent *e;
	uint32_t hash;

	if (!t)
		t = h->t = xt_extstate_find(par->net, xt_is_v6(par) ? "hashlimit6" : "hashlimit",
					    h->name);
	if (!t || !t->ent)
		return false;           /* never checked */
	hl_gc(t, now);
	if (hl_key(t, pkt, par, &k) < 0)
		goto hotdrop;
	hash = hl_hash(t, &k);
	e = hl_find(t, &k, hash);
	if (!e) {
		e = hl_alloc(t, &k, hash);
		if (!e)
			goto hotdrop;
		hl_rate_init(e, &t->cfg, now);
	} else {
		hl_rate_recalc(e, now, t->cfg.mode);
	}
	e->expires = now + t->cfg.expire;
	if (cfg->mode & HL_RATE_MATCH) {
		e->current_rate += (cfg->mode & HL_BYTES) ? (pkt_end(pkt) - pkt->net_off) : 1;
		if (!e->prev_window && e->current_rate <= e->burst)
			return !(cfg->mode & HL_INVERT);
		return cfg->mode & HL_INVERT;
	}
	cost = (cfg->mode & HL_BYTES) ? hl_byte_cost((pkt_end(pkt) - pkt->net_off), e) : e->cost;
	if (e->credit >= cost) {
		e->credit -= cost;
		return !(cfg->mode & HL_INVERT);
	}
	return cfg->mode & HL_INVERT;
hotdrop:
	par->hotdrop = true;
	return false;
}

/* htable_put(): the table goes with the last rule of its family that names it. */
static void hl_extrefs(const void *data, enum xt_family fam, xt_extref_fn ref, void *ctx)
{
	ref(ctx, fam == XT_FAMILY_V6 ? "hashlimit6" : "hashlimit",
	    ((const struct hl_info *)data)->name);
}

const struct xt_match_ops xt_match_hashlimit4 = {
	.name = "hashlimit",
	.revision = 3,
	.family = XT_EXT_V4,
	.size = sizeof(struct hl_info),
	.usersize = offsetof(struct hl_info, t),
	.opts = hl_opts,
	.init = hl_init4,
	.parse = hl_parse,
	.final_check = hl_final_check,
	.check = hl_check,
	.save = hl_save,
	.print = hl_print,
	.match = hl_match,
	.extrefs = hl_extrefs,
};

const struct xt_match_ops xt_match_hashlimit6 = {
	.name = "hashlimit",
	.revision = 3,
	.family = XT_EXT_V6,
	.size = sizeof(struct hl_info),
	.usersize = offsetof(struct hl_info, t),
	.opts = hl_opts,
	.init = hl_init6,
	.parse = hl_parse,
	.final_check = hl_final_check,
	.check = hl_check,
	.save = hl_save,
	.print = hl_print,
	.match = hl_match,
	.extrefs = hl_extrefs,
};
