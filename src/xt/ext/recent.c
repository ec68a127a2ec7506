/*
 * recent: lists of recently seen addresses, one per --name and instance
 * (xt_recent.c for the lists, checkentry and /proc/net/xt_recent, libxt_recent.c
 * revision 1 for the syntax and printed forms).  A list goes with the last rule
 * that names it (recent_extrefs(), the collection of xt_extstate.c), as the kernel
 * frees it in recent_mt_destroy().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <usnf/net.h>

#include "stack/net.h"
#include "xt/ext/ext_util.h"
#include "xt/ext/recent.h"
#include "xt/xt.h"
#include "xt/xt_extstate.h"

#define RECENT_CHECK 0x01       /* XT_RECENT_* of xt_recent.h */
#define RECENT_SET 0x02
#define RECENT_UPDATE 0x04
#define RECENT_REMOVE 0x08
#define RECENT_TTL 0x10
#define RECENT_REAP 0x20
#define RECENT_OPS (RECENT_CHECK | RECENT_SET | RECENT_UPDATE | RECENT_REMOVE)
#define RECENT_NAME_LEN 200
#define RECENT_LIST_TOT 100u    /* module parameter ip_list_tot */
#define RECENT_PKT_LIST_TOT 20u /* module parameter ip_pkt_list_tot */
#define RECENT_MAX_NSTAMPS 65536u /* XT_RECENT_MAX_NSTAMPS: recent_mt_check() refuses more */
#define RECENT_HZ 1000u         /* jiffies as the stack counts them (STACK_HZ) */
#define RECENT_PROC_BUF 47u     /* sizeof("+b335:1d35:1e55:dead:c0de:1715:255.255.255.255") */

enum { O_SET = 0, O_RCHECK, O_UPDATE, O_REMOVE, O_SECONDS, O_REAP, O_HITCOUNT, O_RTTL,
       O_NAME, O_RSOURCE, O_RDEST, O_MASK };

struct recent_table;

/* struct xt_recent_mtinfo_v1, the options seen, then the list (runtime). */
struct recent_info {
	uint32_t seconds;
	uint32_t hit_count;
	uint8_t check_set;
	uint8_t invert;
	uint8_t side;           /* 0 source, 1 dest */
	char name[RECENT_NAME_LEN];
	union xt_addr mask;
	uint32_t xflags;        /* zeroed by final_check */
	struct recent_table *t;
};

struct recent_entry {
	union xt_addr addr;
	uint8_t family;         /* enum xt_family */
	uint8_t ttl;
	bool used;
	uint16_t nstamps, index;
	uint64_t lru;           /* larger: more recently used (the kernel's lru_list order) */
	uint64_t born;          /* larger: added later (the order /proc lists them in) */
};

/* struct recent_table: a fixed pool of ip_list_tot entries, made at check time. */
struct recent_table {
	union xt_addr mask;
	unsigned int nstamps_max_mask;
	unsigned int entries;
	uint64_t lru_seq, born_seq;
	struct recent_entry e[RECENT_LIST_TOT];
	uint64_t *stamps;       /* RECENT_LIST_TOT * (nstamps_max_mask + 1) jiffies */
};

static const struct xt_opt recent_opts[] = {
	{ .name = "set", .id = O_SET, .invertible = true },
	{ .name = "rcheck", .id = O_RCHECK, .invertible = true },
	{ .name = "update", .id = O_UPDATE, .invertible = true },
	{ .name = "remove", .id = O_REMOVE, .invertible = true },
	{ .name = "seconds", .id = O_SECONDS, .arg = XT_ARG_REQUIRED },
	{ .name = "reap", .id = O_REAP },
	{ .name = "hitcount", .id = O_HITCOUNT, .arg = XT_ARG_REQUIRED },
	{ .name = "rttl", .id = O_RTTL },
	{ .name = "name", .id = O_NAME, .arg = XT_ARG_REQUIRED },
	{ .name = "rsource", .id = O_RSOURCE },
	{ .name = "rdest", .id = O_RDEST },
	{ .name = "mask", .id = O_MASK, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

#define F_ANY_OP (EXT_F(O_SET) | EXT_F(O_RCHECK) | EXT_F(O_UPDATE) | EXT_F(O_REMOVE))
static const struct ext_fc recent_fc[] = {
	{ .id = O_SET, .excl = F_ANY_OP },
	{ .id = O_RCHECK, .excl = F_ANY_OP },
	{ .id = O_UPDATE, .excl = F_ANY_OP },
	{ .id = O_REMOVE, .excl = F_ANY_OP },
	{ .id = O_REAP, .also = EXT_F(O_SECONDS) },
	{ .id = O_RTTL, .excl = EXT_F(O_SET) | EXT_F(O_REMOVE) },
	{ .id = EXT_FC_END },
};

static void recent_init(void *data)
{
	struct recent_info *ri = data;

	strcpy(ri->name, "DEFAULT");
	memset(&ri->mask, 0xff, sizeof(ri->mask));
}

static int recent_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	static const uint8_t opbit[] = { RECENT_SET, RECENT_CHECK, RECENT_UPDATE, RECENT_REMOVE };
	struct recent_info *ri = data;
	unsigned long long v;

	switch (id) {
	case O_SET: case O_RCHECK: case O_UPDATE: case O_REMOVE:
		ri->check_set |= opbit[id];
		if (invert)
			ri->invert = 1;
		break;
	case O_SECONDS:
		if (ext_parse_num(ps, "recent", "seconds", arg, 1, 0xffffffffu, &v))
			return -1;
		ri->seconds = (uint32_t)v;
		break;
	case O_HITCOUNT:
		if (ext_parse_num(ps, "recent", "hitcount", arg, 0, 0xffffffffu, &v))
			return -1;
		ri->hit_count = (uint32_t)v;
		break;
	case O_REAP: ri->check_set |= RECENT_REAP; break;
	case O_RTTL: ri->check_set |= RECENT_TTL; break;
	case O_RSOURCE: ri->side = 0; break;
	case O_RDEST: ri->side = 1; break;
	case O_NAME:
		if (strlen(arg) >= RECENT_NAME_LEN)
			return xt_parse_error(ps, "recent: option \"--name\" is too long");
		memset(ri->name, 0, sizeof(ri->name));
		strcpy(ri->name, arg);
		break;
	default:
		if (ext_parse_host(ps, arg, &ri->mask))         /* XTTYPE_HOST */
			return -1;
		break;
	}
	ri->xflags |= EXT_F(id);
	return 0;
}

static int recent_final_check(void *data, struct xt_parse *ps)
{
	struct recent_info *ri = data;
	uint32_t xflags = ri->xflags;

	ri->xflags = 0;
	if (ps->family == XT_FAMILY_V4)         /* one layout per family for -D/-C */
		memset(&ri->mask.w[1], 0, 12);
	/* x6_fcheck runs before the option table's checks (xtables_option_mfcheck) */
	if (!(xflags & F_ANY_OP))
		return xt_parse_error(ps, "recent: you must specify one of `--set', `--rcheck' "
				      "`--update' or `--remove'");
	return ext_fcheck(ps, "recent", recent_opts, recent_fc, xflags);
}

static unsigned int recent_roundup_pow2(uint32_t v)
{
	unsigned int p = 1;

	while (p < v && p < 0x80000000u)
		p <<= 1;
	return p;
}

static void recent_table_fini(void *obj)
{
	free(((struct recent_table *)obj)->stamps);
}

/* recent_table_flush() */
static void recent_table_flush(struct recent_table *t)
{
	memset(t->e, 0, sizeof(t->e));
	t->entries = 0;
}

/* recent_mt_check(): the one operation, its modifiers, the list (made or grown). */
static int recent_check(const void *data, struct xt_parse *ps)
{
	const struct recent_info *ri = data;
	struct recent_table *t;
	unsigned int mask;
	uint64_t *st;
	bool created;

	if (__builtin_popcount(ri->check_set & RECENT_OPS) != 1)
		return -EINVAL;
	if ((ri->check_set & (RECENT_SET | RECENT_REMOVE)) &&
	    (ri->seconds || ri->hit_count || (ri->check_set & (RECENT_TTL | RECENT_REAP))))
		return -EINVAL;
	if ((ri->check_set & RECENT_REAP) && !ri->seconds)
		return -EINVAL;
	if (ri->name[0] == '\0' || ext_check_proc_name(ri->name))
		return -EINVAL;
	if (ri->hit_count >= RECENT_MAX_NSTAMPS)
		return -EINVAL;
	mask = recent_roundup_pow2(ri->hit_count > RECENT_PKT_LIST_TOT ? ri->hit_count
								   : RECENT_PKT_LIST_TOT) - 1;
	t = xt_extstate_get(ps->net, "recent", ri->name, sizeof(*t), recent_table_fini, &created);
	if (!t)
		return -ENOMEM;
	if (!created && mask <= t->nstamps_max_mask)
		return 0;
	st = calloc((size_t)RECENT_LIST_TOT * (mask + 1), sizeof(*st));
	if (!st)
		return -ENOMEM;
	/* A list whose stamps grow is flushed, as the kernel does. */
	free(t->stamps);
	t->stamps = st;
	t->nstamps_max_mask = mask;
	recent_table_flush(t);
	if (created)
		t->mask = ri->mask;
	return 0;
}

static void recent_mask_str(const struct recent_info *ri, const struct xt_rule *r,
			    struct strbuf *out)
{
	char buf[64];

	sb_add(out, ext_addr_str(r && r->family == XT_FAMILY_V6 ? XT_FAMILY_V6 : XT_FAMILY_V4,
				 &ri->mask, buf));
}

static void recent_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct recent_info *ri = data;

	if (ri->invert)
		sb_add(out, " !");
	if (ri->check_set & RECENT_SET)
		sb_add(out, " --set");
	if (ri->check_set & RECENT_CHECK)
		sb_add(out, " --rcheck");
	if (ri->check_set & RECENT_UPDATE)
		sb_add(out, " --update");
	if (ri->check_set & RECENT_REMOVE)
		sb_add(out, " --remove");
	if (ri->seconds)
		sb_addf(out, " --seconds %u", ri->seconds);
	if (ri->check_set & RECENT_REAP)
		sb_add(out, " --reap");
	if (ri->hit_count)
		sb_addf(out, " --hitcount %u", ri->hit_count);
	if (ri->check_set & RECENT_TTL)
		sb_add(out, " --rttl");
	sb_addf(out, " --name %s --mask ", ri->name);
	recent_mask_str(ri, r, out);
	sb_add(out, ri->side ? " --rdest" : " --rsource");
}

static void recent_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct recent_info *ri = data;

	if (ri->invert)
		sb_add(out, " !");
	sb_add(out, " recent:");
	if (ri->check_set & RECENT_SET)
		sb_add(out, " SET");
	if (ri->check_set & RECENT_CHECK)
		sb_add(out, " CHECK");
	if (ri->check_set & RECENT_UPDATE)
		sb_add(out, " UPDATE");
	if (ri->check_set & RECENT_REMOVE)
		sb_add(out, " REMOVE");
	if (ri->seconds)
		sb_addf(out, " seconds: %u", ri->seconds);
	if (ri->check_set & RECENT_REAP)
		sb_add(out, " reap");
	if (ri->hit_count)
		sb_addf(out, " hit_count: %u", ri->hit_count);
	if (ri->check_set & RECENT_TTL)
		sb_add(out, " TTL-Match");
	sb_addf(out, " name: %s side: %s mask: ", ri->name, ri->side ? "dest" : "source");
	recent_mask_str(ri, r, out);
}

static uint64_t *recent_stamps(struct recent_table *t, const struct recent_entry *e)
{
	return t->stamps + (size_t)(e - t->e) * (t->nstamps_max_mask + 1);
}

/* recent_entry_lookup(): a TTL of 0 on either side matches any. */
static struct recent_entry *recent_lookup(struct recent_table *t, const union xt_addr *a,
					  uint8_t family, uint8_t ttl)
{
	unsigned int i;

	for (i = 0; i < RECENT_LIST_TOT; i++) {
		struct recent_entry *e = &t->e[i];

		if (e->used && e->family == family && memcmp(&e->addr, a, sizeof(*a)) == 0 &&
		    (ttl == e->ttl || ttl == 0 || e->ttl == 0))
			return e;
	}
	return NULL;
}

static struct recent_entry *recent_oldest(struct recent_table *t)
{
	struct recent_entry *old = NULL;
	unsigned int i;

	for (i = 0; i < RECENT_LIST_TOT; i++)
		if (t->e[i].used && (!old || t->e[i].lru < old->lru))
			old = &t->e[i];
	return old;
}

static void recent_remove(struct recent_table *t, struct recent_entry *e)
{
	e->used = false;
	t->entries--;
}

/* recent_entry_init(): a full list drops its least recently used entry. */
static struct recent_entry *recent_add(struct recent_table *t, const union xt_addr *a,
				       uint8_t family, uint8_t ttl, uint64_t now)
{
	struct recent_entry *e = NULL;
	unsigned int i;

	if (t->entries >= RECENT_LIST_TOT)
		recent_remove(t, recent_oldest(t));
	for (i = 0; i < RECENT_LIST_TOT && !e; i++)
		if (!t->e[i].used)
			e = &t->e[i];
	e->used = true;
	e->addr = *a;
	e->family = family;
	e->ttl = ttl;
	e->nstamps = 1;
	e->index = 1;
	e->lru = ++t->lru_seq;
	e->born = ++t->born_seq;
	recent_stamps(t, e)[0] = now;
	t->entries++;
	return e;
}

/* recent_entry_update(): one more stamp in the ring, most recently used. */
static void recent_touch(struct recent_table *t, struct recent_entry *e, uint64_t now)
{
	e->index &= t->nstamps_max_mask;
	recent_stamps(t, e)[e->index++] = now;
	if (e->index > e->nstamps)
		e->nstamps = e->index;
	e->lru = ++t->lru_seq;
}

/* recent_entry_reap(): drop the oldest entry if its last stamp is before `time`. */
static void recent_reap(struct recent_table *t, uint64_t time, struct recent_entry *working)
{
	struct recent_entry *e = recent_oldest(t);
	unsigned int i;

	if (!e || e == working)
		return;
	i = (e->index - 1u) & t->nstamps_max_mask;
	if ((int64_t)(recent_stamps(t, e)[i] - time) < 0)
		recent_remove(t, e);
}

/* The address the rule looks at, masked with the list's mask, and the TTL. */
static void recent_key(const struct pkt *pkt, const struct recent_info *ri,
		       const struct recent_table *t, struct xt_action *par, union xt_addr *a,
		       uint8_t *ttl)
{
	const uint8_t *nh = pkt_network(pkt);
	unsigned int i;

	memset(a, 0, sizeof(*a));
	if (xt_is_v6(par)) {
		memcpy(a->a6, nh + (ri->side ? 24 : 8), 16);
		*ttl = nh[7];
	} else {
		memcpy(&a->a4, nh + (ri->side ? 16 : 12), 4);
		*ttl = nh[8];
	}
	for (i = 0; i < 4; i++)
		a->w[i] &= t->mask.w[i];
	/* "use TTL as seen before forwarding" */
	if (par->state && par->state->out && !pkt->local_out)
		(*ttl)++;
}

/* recent_mt() */
static bool recent_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	struct recent_info *ri = data;
	struct recent_table *t = ri->t;
	struct recent_entry *e;
	union xt_addr a;
	uint64_t now = recent_jiffies(ext_now_ns(par)), time;
	uint8_t ttl;
	bool ret = ri->invert;
	unsigned int i, hits = 0;

	if (!t)
		t = ri->t = xt_extstate_find(par->net, "recent", ri->name);
	if (!t || !t->stamps)
		return ret;             /* no list: the rule was never checked */
	recent_key(pkt, ri, t, par, &a, &ttl);
	e = recent_lookup(t, &a, par->family, (ri->check_set & RECENT_TTL) ? ttl : 0);
	if (!e) {
		if (!(ri->check_set & RECENT_SET))
			return ret;
		recent_add(t, &a, par->family, ttl, now);
		return !ret;
	}
	if (ri->check_set & RECENT_SET) {
		ret = !ret;
	} else if (ri->check_set & RECENT_REMOVE) {
		recent_remove(t, e);
		return !ret;
	} else {
		time = now - (uint64_t)ri->seconds * RECENT_HZ;
		for (i = 0; i < e->nstamps; i++) {
			if (ri->seconds && (int64_t)(recent_stamps(t, e)[i] - time) < 0)
				continue;
			if (!ri->hit_count || ++hits >= ri->hit_count) {
				ret = !ret;
				break;
			}
		}
		if (ri->check_set & RECENT_REAP)
			recent_reap(t, time, e);
	}
	if ((ri->check_set & RECENT_SET) || ((ri->check_set & RECENT_UPDATE) && ret)) {
		recent_touch(t, e, now);
		e->ttl = ttl;
	}
	return ret;
}

uint64_t recent_jiffies(uint64_t now_ns)
{
	return RECENT_INITIAL_JIFFIES + now_ns / (1000000000ull / RECENT_HZ);
}

/* --- /proc/net/xt_recent/NAME (recent_seq_ops, recent_mt_fops) --- */

static void recent_show_entry(struct recent_table *t, const struct recent_entry *e,
			      struct strbuf *out)
{
	const uint64_t *st = recent_stamps(t, e);
	unsigned int i = (e->index - 1u) & t->nstamps_max_mask;
	const uint8_t *a = e->addr.a6;

	if (e->family == XT_FAMILY_V4) {
		sb_addf(out, "src=%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	} else {                /* %pI6: eight groups of four digits, nothing compressed */
		sb_add(out, "src=");
		for (i = 0; i < 16; i += 2)
			sb_addf(out, "%s%02x%02x", i ? ":" : "", a[i], a[i + 1]);
		i = (e->index - 1u) & t->nstamps_max_mask;
	}
	sb_addf(out, " ttl: %u last_seen: %llu oldest_pkt: %u", e->ttl,
		(unsigned long long)st[i], e->index);
	for (i = 0; i < e->nstamps; i++)
		sb_addf(out, "%s %llu", i ? "," : "", (unsigned long long)st[i]);
	sb_addc(out, '\n');
}

/*
 * recent_seq_show() for every entry.  The kernel walks its hash buckets, whose order
 * comes from a random seed (hash_rnd): entries are listed here in the order they
 * were added, which is the kernel's for any one bucket.
 */
int recent_proc_show(struct usnf_net *net, const char *name, struct strbuf *out)
{
	struct recent_table *t = xt_extstate_find(net, "recent", name);
	const struct recent_entry *order[RECENT_LIST_TOT];
	unsigned int n = 0, i, j;

	if (!t)
		return -ENOENT;
	for (i = 0; i < RECENT_LIST_TOT; i++) {
		if (!t->e[i].used)
			continue;
		for (j = n++; j > 0 && order[j - 1]->born > t->e[i].born; j--)
			order[j] = order[j - 1];
		order[j] = &t->e[i];
	}
	for (i = 0; i < n && t->stamps; i++)
		recent_show_entry(t, order[i], out);
	return 0;
}

/* xdigit2bin() of net/core/utils.c: what a character is to in4_pton()/in6_pton(). */
#define PTON_XDIGIT 0x00010000
#define PTON_DIGIT 0x00020000
#define PTON_COLON_MASK 0x00700000
#define PTON_COLON_1 0x00100000
#define PTON_COLON_2 0x00200000
#define PTON_COLON_1_2 0x00400000
#define PTON_DOT 0x00800000
#define PTON_DELIM 0x10000000
#define PTON_NULL 0x20000000
#define PTON_UNKNOWN 0x40000000

static int pton_class(const char *s, size_t left, int delim)
{
	int c = left > 0 ? (unsigned char)*s : 0;

	if (c == delim || c == 0)
		return PTON_DELIM;
	if (c == ':')
		return PTON_COLON_MASK;
	if (c == '.')
		return PTON_DOT;
	if (c >= '0' && c <= '9')
		return (c - '0') | PTON_XDIGIT | PTON_DIGIT;
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return ((c | 0x20) - 'a' + 10) | PTON_XDIGIT;
	return PTON_UNKNOWN;
}

/* in4_pton(): dotted quad up to delim (or the end); 1 on success, *end past it. */
static int recent_in4_pton(const char *src, size_t len, uint8_t *dst, int delim,
			   const char **end)
{
	const char *s = src;
	uint8_t dbuf[4];
	unsigned int i = 0, w = 0;
	int ret = 0;

	for (;;) {
		int c = pton_class(s, len, delim);

		if (!(c & (PTON_DIGIT | PTON_DOT | PTON_DELIM | PTON_COLON_MASK)))
			break;
		if (c & (PTON_DOT | PTON_DELIM | PTON_COLON_MASK)) {
			if (w == 0)
				break;
			dbuf[i++] = (uint8_t)(w & 0xff);
			w = 0;
			if (c & (PTON_DELIM | PTON_COLON_MASK)) {
				ret = i == 4;
				break;
			}
		} else {
			w = w * 10 + (unsigned int)c;   /* the class bits keep w != 0 for "0" */
			if ((w & 0xffff) > 255)
				break;
		}
		if (i >= 4)
			break;
		s++;
		len--;
	}
	if (ret)
		memcpy(dst, dbuf, 4);
	if (end)
		*end = s;
	return ret;
}

/* in6_pton(): the kernel's state machine, "::" and a dotted quad tail included. */
static int recent_in6_pton(const char *src, size_t len, uint8_t *dst, int delim)
{
	const char *s = src, *tok = NULL;
	uint8_t dbuf[16], *d = dbuf, *dc = NULL;
	int state = PTON_COLON_1_2 | PTON_XDIGIT | PTON_NULL, i;
	unsigned int w = 0;

	memset(dbuf, 0, sizeof(dbuf));
	for (;;) {
		int c = pton_class(s, len, delim);

		if (!(c & state))
			return 0;
		if (c & (PTON_DELIM | PTON_COLON_MASK)) {
			if (!(state & PTON_NULL)) {
				*d++ = (uint8_t)(w >> 8);
				*d++ = (uint8_t)w;
			}
			w = 0;
			if (c & PTON_DELIM)
				break;
			switch (state & PTON_COLON_MASK) {
			case PTON_COLON_2:
				dc = d;
				state = PTON_XDIGIT | PTON_DELIM;
				if (dc - dbuf >= (ptrdiff_t)sizeof(dbuf))
					state |= PTON_NULL;
				break;
			case PTON_COLON_1 | PTON_COLON_1_2:
				state = PTON_XDIGIT | PTON_COLON_2;
				break;
			case PTON_COLON_1:
				state = PTON_XDIGIT;
				break;
			case PTON_COLON_1_2:
				state = PTON_COLON_2;
				break;
			default:
				state = 0;
			}
			tok = s + 1;
		} else if (c & PTON_DOT) {
			const char *from = tok ? tok : s;

			if (!recent_in4_pton(from, len + (size_t)(s - from), d, delim, &s))
				return 0;
			d += 4;
			break;
		} else {
			w = (w << 4) | (0xff & (unsigned int)c);
			state = PTON_COLON_1 | PTON_DELIM;
			if (!(w & 0xf000))
				state |= PTON_XDIGIT;
			if (!dc && d + 2 < dbuf + sizeof(dbuf)) {
				state |= PTON_COLON_1_2;
				state &= ~PTON_DELIM;
			}
			if (d + 2 >= dbuf + sizeof(dbuf))
				state &= ~(PTON_COLON_1 | PTON_COLON_1_2);
		}
		if ((dc && d + 4 < dbuf + sizeof(dbuf)) || d + 4 == dbuf + sizeof(dbuf))
			state |= PTON_DOT;
		if (d >= dbuf + sizeof(dbuf))
			state &= ~(PTON_XDIGIT | PTON_COLON_MASK);
		s++;
		len--;
	}
	i = 15;
	d--;
	if (dc) {
		while (d >= dc)
			dst[i--] = *d--;
		while (i >= dc - dbuf)
			dst[i--] = 0;
		while (i >= 0)
			dst[i--] = *d--;
	} else {
		memcpy(dst, dbuf, sizeof(dbuf));
	}
	return 1;
}

/* recent_mt_proc_write(): the table's lock held, no mask applied, a TTL of 0. */
ssize_t recent_proc_write(struct usnf_net *net, const char *name, const char *buf,
			  size_t len, uint64_t *off)
{
	struct recent_table *t = xt_extstate_find(net, "recent", name);
	union xt_addr addr;
	struct recent_entry *e;
	uint8_t family;
	size_t size = len;
	const char *c = buf;
	uint64_t now = recent_jiffies(usnf_net_now(net));
	int ok;

	if (!t || !t->stamps)
		return -ENOENT;
	if (size == 0)
		return 0;
	if (size > RECENT_PROC_BUF)
		size = RECENT_PROC_BUF;
	if (*off != 0)
		return -ESPIPE;         /* "Strict protocol!" */
	if (*c == '/') {
		recent_table_flush(t);
		return (ssize_t)size;
	}
	if (*c != '+' && *c != '-')
		return -EINVAL;         /* pr_info("Need \"+ip\", \"-ip\" or \"/\"") */
	memset(&addr, 0, sizeof(addr));
	if (memchr(c + 1, ':', size - 1)) {
		family = XT_FAMILY_V6;
		ok = recent_in6_pton(c + 1, size - 1, addr.a6, '\n');
	} else {
		family = XT_FAMILY_V4;
		ok = recent_in4_pton(c + 1, size - 1, addr.a6, '\n', NULL);
	}
	if (!ok)
		return -EINVAL;
	e = recent_lookup(t, &addr, family, 0);
	if (!e && *c == '+')
		recent_add(t, &addr, family, 0, now);
	else if (e && *c == '+')
		recent_touch(t, e, now);
	else if (e)
		recent_remove(t, e);
	*off += size;
	return (ssize_t)size;
}

struct recent_names_ctx {
	void (*fn)(void *ctx, const char *name);
	void *ctx;
};

static void recent_names_one(void *ctx, const char *name, void *obj)
{
	struct recent_names_ctx *c = ctx;

	if (((struct recent_table *)obj)->stamps)       /* a list whose check finished */
		c->fn(c->ctx, name);
}

void recent_proc_names(struct usnf_net *net, void (*fn)(void *ctx, const char *name), void *ctx)
{
	struct recent_names_ctx c = { fn, ctx };

	xt_extstate_foreach(net, "recent", recent_names_one, &c);
}

/* The list lives as long as a rule names it (recent_mt_destroy() frees it with the last). */
static void recent_extrefs(const void *data, enum xt_family fam, xt_extref_fn ref, void *ctx)
{
	(void)fam;
	ref(ctx, "recent", ((const struct recent_info *)data)->name);
}

const struct xt_match_ops xt_match_recent = {
	.name = "recent",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct recent_info),
	.usersize = offsetof(struct recent_info, t),
	.opts = recent_opts,
	.init = recent_init,
	.parse = recent_parse,
	.final_check = recent_final_check,
	.check = recent_check,
	.save = recent_save,
	.print = recent_print,
	.match = recent_match,
	.extrefs = recent_extrefs,
};
