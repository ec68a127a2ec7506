/*
 * recent: lists of recently seen addresses, one per --name and instance
 * (xt_recent.c for the lists and checkentry, libxt_recent.c revision 1 for the
 * syntax and printed forms).  The kernel frees a list when its last rule goes;
 * here a list lives as long as the instance (xt_extstate.c), which only differs
 * in that re-adding a rule with the same name keeps the addresses seen.
 */
#include <stdlib.h>
#include <string.h>

#include "stack/net.h"
#include "xt/ext/ext_util.h"
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
};

/* struct recent_table: a fixed pool of ip_list_tot entries, made at check time. */
struct recent_table {
	union xt_addr mask;
	unsigned int nstamps_max_mask;
	unsigned int entries;
	uint64_t lru_seq;
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
		if (ext_addr_parse(ps->family, arg, &ri->mask))
			return xt_parse_error(ps, "host/network `%s' not found", arg);
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
	if (ri->name[0] == '\0')
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
	uint64_t now = ext_now_ns(par) / (1000000000ull / RECENT_HZ), time;
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
