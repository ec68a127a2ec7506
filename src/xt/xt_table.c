/* xt_table: tables, chains and rules; staged generations published whole (x_tables.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nat/nat.h"
#include "stack/net.h"
#include "xt/xt.h"
#include "xt/xt_cls.h"
#include "xt/xt_extstate.h"

/* One (family, table): its published generation and its hook registrations. */
struct xt_slot {
	struct xt_table *cur;
	struct usnf_hook_ops ops[USNF_INET_NUMHOOKS];
	unsigned int nops;
	bool registered;
};

struct xt_net {
	struct xt_slot slots[XT_FAMILY_COUNT][XT_TABLE_COUNT];
	uint64_t gen;
	struct xt_extobj *extstate;     /* xt_extstate.c: extensions' named objects */
	uint32_t kmods;                 /* xt_kmod.c: optional modules loaded */
};

uint32_t *xt_net_kmods(struct usnf_net *net)
{
	return net->xt ? &net->xt->kmods : NULL;
}

/* The head of the extensions' named objects (xt_extstate.c). */
struct xt_extobj **xt_net_extstate(struct usnf_net *net);
struct xt_extobj **xt_net_extstate(struct usnf_net *net)
{
	return net->xt ? &net->xt->extstate : NULL;
}

#define HB(h) (1u << (h))

/* Hooks and priorities of the kernel's iptable_*.c / ip6table_*.c tables. */
static const struct xt_table_info xt_tables[XT_TABLE_COUNT] = {
	[XT_TABLE_RAW] = { "raw", HB(USNF_INET_PRE_ROUTING) | HB(USNF_INET_LOCAL_OUT),
			   USNF_PRI_RAW },
	[XT_TABLE_MANGLE] = { "mangle", 0x1f, USNF_PRI_MANGLE },
	[XT_TABLE_FILTER] = { "filter", HB(USNF_INET_LOCAL_IN) | HB(USNF_INET_FORWARD) |
			      HB(USNF_INET_LOCAL_OUT), USNF_PRI_FILTER },
	[XT_TABLE_SECURITY] = { "security", HB(USNF_INET_LOCAL_IN) | HB(USNF_INET_FORWARD) |
				HB(USNF_INET_LOCAL_OUT), USNF_PRI_SECURITY },
	/* nat: DNAT hooks at -100, SNAT hooks at 100 (set per hook when registering). */
	[XT_TABLE_NAT] = { "nat", HB(USNF_INET_PRE_ROUTING) | HB(USNF_INET_LOCAL_IN) |
			   HB(USNF_INET_LOCAL_OUT) | HB(USNF_INET_POST_ROUTING),
			   USNF_PRI_NAT_DST },
};

static const char *const xt_hook_names[USNF_INET_NUMHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

const struct xt_table_info *xt_table_info_get(enum xt_table_id id)
{
	return id < XT_TABLE_COUNT ? &xt_tables[id] : NULL;
}

int xt_table_id_find(const char *name)
{
	int i;

	for (i = 0; i < XT_TABLE_COUNT; i++)
		if (strcmp(xt_tables[i].name, name) == 0)
			return i;
	return -ENOENT;
}

const char *xt_hook_chain_name(unsigned int hook)
{
	return hook < USNF_INET_NUMHOOKS ? xt_hook_names[hook] : "?";
}

int xt_net_init(struct usnf_net *net)
{
	net->xt = calloc(1, sizeof(*net->xt));
	return net->xt ? 0 : -ENOMEM;
}

void xt_net_exit(struct usnf_net *net)
{
	struct xt_net *xn = net->xt;
	int f, i;

	if (!xn)
		return;
	for (f = 0; f < XT_FAMILY_COUNT; f++) {
		for (i = 0; i < XT_TABLE_COUNT; i++) {
			struct xt_slot *s = &xn->slots[f][i];

			if (s->registered)
				usnf_hook_unregister_many(net, s->ops, s->nops);
			xt_table_free(s->cur);
		}
	}
	xt_extstate_exit(net);
	free(xn);
	net->xt = NULL;
}

void xt_counters_zero_all(struct usnf_net *net)
{
	int f, i;
	unsigned int c;

	if (!net->xt)
		return;
	for (f = 0; f < XT_FAMILY_COUNT; f++) {
		for (i = 0; i < XT_TABLE_COUNT; i++) {
			struct xt_table *t = net->xt->slots[f][i].cur;

			for (c = 0; t && c < t->nchains; c++)
				xt_chain_zero(t, c);
		}
	}
}

const struct xt_table *xt_table_get(const struct usnf_net *net, enum xt_family fam,
				    enum xt_table_id id)
{
	if (!net->xt || fam >= XT_FAMILY_COUNT || id >= XT_TABLE_COUNT)
		return NULL;
	return net->xt->slots[fam][id].cur;
}

/* ---- rules ---- */

struct xt_rule *xt_rule_alloc(enum xt_family fam)
{
	struct xt_rule *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->family = (uint8_t)fam;
	r->refs = 1;
	return r;
}

void xt_rule_get(struct xt_rule *r)
{
	r->refs++;
}

void xt_rule_put(struct xt_rule *r)
{
	unsigned int i;

	if (!r || --r->refs > 0)
		return;
	for (i = 0; i < r->nmatches; i++) {
		if (r->matches[i].ops->destroy)
			r->matches[i].ops->destroy(r->matches[i].data);
		free(r->matches[i].data);
	}
	free(r->matches);
	if (r->target && r->target->destroy)
		r->target->destroy(r->tdata);
	free(r->tdata);
	free(r);
}

void *xt_rule_add_match(struct xt_rule *r, const struct xt_match_ops *ops)
{
	struct xt_entry_match *m;
	void *data;

	m = realloc(r->matches, (r->nmatches + 1) * sizeof(*m));
	if (!m)
		return NULL;
	r->matches = m;
	data = calloc(1, ops->size ? ops->size : 1);
	if (!data)
		return NULL;
	if (ops->init)
		ops->init(data);
	m[r->nmatches].ops = ops;
	m[r->nmatches].data = data;
	r->nmatches++;
	return data;
}

void *xt_rule_set_target(struct xt_rule *r, const struct xt_target_ops *ops)
{
	void *data = calloc(1, ops->size ? ops->size : 1);

	if (!data)
		return NULL;
	if (ops->init)
		ops->init(data);
	r->target = ops;
	r->tdata = data;
	r->verdict = XT_RV_TARGET;
	return data;
}

struct xt_rule *xt_rule_clone(const struct xt_rule *r)
{
	struct xt_rule *n = xt_rule_alloc(r->family);
	unsigned int i;

	if (!n)
		return NULL;
	n->ip = r->ip;
	n->verdict = r->verdict;
	memcpy(n->jump, r->jump, sizeof(n->jump));
	for (i = 0; i < r->nmatches; i++) {
		void *d = xt_rule_add_match(n, r->matches[i].ops);

		if (!d)
			goto err;
		memcpy(d, r->matches[i].data, xt_match_usersize(r->matches[i].ops));
	}
	if (r->target) {
		void *d = xt_rule_set_target(n, r->target);

		if (!d)
			goto err;
		memcpy(d, r->tdata, xt_target_usersize(r->target));
	}
	return n;
err:
	xt_rule_put(n);
	return NULL;
}

/* Index of the view entry a native match of ops folds into, or -1. */
static int xt_view_fold_slot(const struct xt_rule_view *v, const bool *native,
			     const struct xt_match_ops *ops)
{
	unsigned int j;

	for (j = 0; j < v->n; j++)
		if (native[j] && v->m[j].ops == ops)
			return (int)j;
	return -1;
}

/* Drop the native matches that, folded, still emit nothing (xt_match_ops.nft_void). */
static void xt_view_drop_void(struct xt_rule_view *v)
{
	unsigned int i, n = 0;

	for (i = 0; i < v->n; i++) {
		const struct xt_match_ops *o = v->m[i].ops;

		if (o->nft_void && o->nft_void(v->m[i].data)) {
			free(v->own[i]);
			continue;
		}
		v->m[n] = v->m[i];
		v->own[n++] = v->own[i];
	}
	for (i = n; i < v->n; i++)
		v->own[i] = NULL;
	v->n = n;
}

int xt_rule_view_get(const struct xt_rule *r, struct xt_rule_view *v)
{
	size_t cap = r->nmatches ? r->nmatches : 1;
	bool *native = calloc(cap, sizeof(*native));
	unsigned int i;
	int rc = 0;

	v->n = 0;
	v->m = calloc(cap, sizeof(*v->m));
	v->own = calloc(cap, sizeof(*v->own));
	if (!native || !v->m || !v->own) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < r->nmatches; i++) {
		const struct xt_entry_match *m = &r->matches[i];
		bool nat = m->ops->nft_native && m->ops->nft_fold && m->ops->nft_native(m->data);
		int j = nat ? xt_view_fold_slot(v, native, m->ops) : -1;

		if (j < 0) {
			native[v->n] = nat;
			v->m[v->n++] = *m;
			continue;
		}
		if (!v->own[j]) {
			v->own[j] = malloc(m->ops->size ? m->ops->size : 1);
			if (!v->own[j]) {
				rc = -ENOMEM;
				goto out;
			}
			memcpy(v->own[j], v->m[j].data, m->ops->size);
			v->m[j].data = v->own[j];
		}
		m->ops->nft_fold(v->own[j], m->data);
	}
	xt_view_drop_void(v);
out:
	free(native);
	if (rc)
		xt_rule_view_put(v);
	return rc;
}

void xt_rule_view_put(struct xt_rule_view *v)
{
	unsigned int i;

	for (i = 0; v->own && i < v->n; i++)
		free(v->own[i]);
	free(v->own);
	free(v->m);
	v->own = NULL;
	v->m = NULL;
	v->n = 0;
}

static bool xt_view_equal(const struct xt_rule_view *a, const struct xt_rule_view *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		const struct xt_entry_match *ma = &a->m[i], *mb = &b->m[i];

		if (ma->ops != mb->ops ||
		    memcmp(ma->data, mb->data, xt_match_usersize(ma->ops)))
			return false;
	}
	return true;
}

/* nft_rule_cmp(): both rules as read back from the kernel (xt_rule_view). */
bool xt_rule_equal(const struct xt_rule *a, const struct xt_rule *b)
{
	struct xt_rule_view va, vb;
	bool eq;

	if (memcmp(&a->ip, &b->ip, sizeof(a->ip)) || a->verdict != b->verdict ||
	    a->target != b->target)
		return false;
	if ((a->verdict == XT_RV_JUMP || a->verdict == XT_RV_GOTO) && strcmp(a->jump, b->jump))
		return false;
	if (a->target && memcmp(a->tdata, b->tdata, xt_target_usersize(a->target)))
		return false;
	if (xt_rule_view_get(a, &va))
		return false;
	if (xt_rule_view_get(b, &vb)) {
		xt_rule_view_put(&va);
		return false;
	}
	eq = xt_view_equal(&va, &vb);
	xt_rule_view_put(&va);
	xt_rule_view_put(&vb);
	return eq;
}

const char *xt_rule_target_name(const struct xt_rule *r)
{
	switch (r->verdict) {
	case XT_RV_ACCEPT: return "ACCEPT";
	case XT_RV_DROP: return "DROP";
	case XT_RV_QUEUE: return "QUEUE";
	case XT_RV_RETURN: return "RETURN";
	case XT_RV_JUMP:
	case XT_RV_GOTO: return r->jump;
	case XT_RV_TARGET: return r->target->name;
	default: return "";
	}
}

/* ---- tables and chains ---- */

static void xt_chain_release(struct xt_chain *c)
{
	unsigned int i;

	for (i = 0; i < c->nrules; i++)
		xt_rule_put(c->rules[i]);
	free(c->rules);
	free(c->jumpto);
	xt_cls_free(c->cls);
	c->rules = NULL;
	c->jumpto = NULL;
	c->cls = NULL;
	c->nrules = c->cap = 0;
}

void xt_table_free(struct xt_table *t)
{
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < t->nchains; i++)
		xt_chain_release(&t->chains[i]);
	free(t->chains);
	free(t->name_idx);
	free(t);
}

/* FNV-1a over the chain name. */
static uint32_t xt_chain_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void xt_name_idx_put(struct xt_table *t, unsigned int idx)
{
	uint32_t i = xt_chain_hash(t->chains[idx].name) & t->name_mask;

	while (t->name_idx[i])
		i = (i + 1) & t->name_mask;
	t->name_idx[i] = idx + 1;
}

/* (Re)build the name index for every chain; at most half full. */
static int xt_name_idx_build(struct xt_table *t)
{
	unsigned int slots = 16, i;

	while (slots < 2 * (t->nchains + 1))
		slots *= 2;
	free(t->name_idx);
	t->name_idx = calloc(slots, sizeof(*t->name_idx));
	if (!t->name_idx) {
		t->name_mask = 0;
		return -ENOMEM;
	}
	t->name_mask = slots - 1;
	for (i = 0; i < t->nchains; i++)
		xt_name_idx_put(t, i);
	return 0;
}

/* Index chain idx, just appended (counted in nchains). */
static int xt_name_idx_add(struct xt_table *t, unsigned int idx)
{
	if (!t->name_idx || 2 * (t->nchains + 1) > t->name_mask + 1)
		return xt_name_idx_build(t);
	xt_name_idx_put(t, idx);
	return 0;
}

static int xt_table_reserve(struct xt_table *t, unsigned int n)
{
	struct xt_chain *c;
	unsigned int cap;

	if (n <= t->cap)
		return 0;
	cap = t->cap ? t->cap * 2 : 8;
	while (cap < n)
		cap *= 2;
	c = realloc(t->chains, cap * sizeof(*c));
	if (!c)
		return -ENOMEM;
	t->chains = c;
	t->cap = cap;
	return 0;
}

/* A table with its built-in chains, none of them created yet (nft semantics). */
static struct xt_table *xt_table_new(enum xt_family fam, enum xt_table_id id)
{
	struct xt_table *t = calloc(1, sizeof(*t));
	unsigned int h;

	if (!t)
		return NULL;
	t->family = (uint8_t)fam;
	t->id = (uint8_t)id;
	for (h = 0; h < USNF_INET_NUMHOOKS; h++) {
		struct xt_chain *c;

		t->hook_chain[h] = -1;
		if (!(xt_tables[id].valid_hooks & HB(h)))
			continue;
		if (xt_table_reserve(t, t->nchains + 1)) {
			xt_table_free(t);
			return NULL;
		}
		c = &t->chains[t->nchains];
		memset(c, 0, sizeof(*c));
		strcpy(c->name, xt_hook_names[h]);
		c->hook = (int8_t)h;
		c->policy = USNF_ACCEPT;
		t->hook_chain[h] = (int)t->nchains++;
	}
	if (xt_name_idx_build(t)) {
		xt_table_free(t);
		return NULL;
	}
	return t;
}

struct xt_table *xt_table_fresh(enum xt_family fam, enum xt_table_id id)
{
	return xt_table_new(fam, id);
}

static int xt_chain_copy(struct xt_chain *dst, const struct xt_chain *src)
{
	unsigned int i;

	*dst = *src;
	dst->jumpto = NULL;
	dst->cls = NULL;
	dst->rules = NULL;
	dst->cap = src->nrules;
	if (!src->nrules)
		return 0;
	dst->rules = malloc(src->nrules * sizeof(*dst->rules));
	if (!dst->rules) {
		dst->nrules = dst->cap = 0;
		return -ENOMEM;
	}
	for (i = 0; i < src->nrules; i++) {
		dst->rules[i] = src->rules[i];
		xt_rule_get(dst->rules[i]);
	}
	return 0;
}

struct xt_table *xt_table_stage(const struct usnf_net *net, enum xt_family fam,
				enum xt_table_id id)
{
	const struct xt_table *cur = xt_table_get(net, fam, id);
	struct xt_table *t;
	unsigned int i;

	if (!cur)
		return xt_table_new(fam, id);
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	*t = *cur;
	t->chains = NULL;
	t->name_idx = NULL;
	t->nchains = t->cap = 0;
	if (xt_table_reserve(t, cur->nchains))
		goto err;
	for (i = 0; i < cur->nchains; i++) {
		if (xt_chain_copy(&t->chains[i], &cur->chains[i]))
			goto err;
		t->nchains++;
	}
	if (xt_name_idx_build(t))
		goto err;
	return t;
err:
	xt_table_free(t);
	return NULL;
}

int xt_chain_find(const struct xt_table *t, const char *name)
{
	uint32_t i, v;

	for (i = xt_chain_hash(name) & t->name_mask; (v = t->name_idx[i]) != 0;
	     i = (i + 1) & t->name_mask)
		if (strcmp(t->chains[v - 1].name, name) == 0)
			return (int)v - 1;
	return -1;
}

int xt_chain_add(struct xt_table *t, const char *name)
{
	struct xt_chain *c;

	if (strlen(name) >= XT_CHAIN_MAXNAMELEN)
		return -ENAMETOOLONG;
	if (xt_chain_find(t, name) >= 0)
		return -EEXIST;
	if (xt_table_reserve(t, t->nchains + 1))
		return -ENOMEM;
	c = &t->chains[t->nchains];
	memset(c, 0, sizeof(*c));
	strcpy(c->name, name);
	c->hook = -1;
	c->exists = true;
	if (xt_name_idx_add(t, t->nchains++)) {
		t->nchains--;
		return -ENOMEM;
	}
	return (int)t->nchains - 1;
}

unsigned int xt_chain_refs(const struct xt_table *t, unsigned int idx)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < t->nchains; i++) {
		const struct xt_chain *c = &t->chains[i];

		for (j = 0; j < c->nrules; j++) {
			const struct xt_rule *r = c->rules[j];

			if ((r->verdict == XT_RV_JUMP || r->verdict == XT_RV_GOTO) &&
			    strcmp(r->jump, t->chains[idx].name) == 0)
				n++;
		}
	}
	return n;
}

int xt_chain_del(struct xt_table *t, unsigned int idx)
{
	unsigned int h;

	if (idx >= t->nchains || t->chains[idx].hook >= 0)
		return -EINVAL;
	if (xt_chain_refs(t, idx))
		return -EBUSY;
	if (t->chains[idx].nrules)
		return -ENOTEMPTY;
	xt_chain_release(&t->chains[idx]);
	memmove(&t->chains[idx], &t->chains[idx + 1],
		(t->nchains - idx - 1) * sizeof(t->chains[0]));
	t->nchains--;
	for (h = 0; h < USNF_INET_NUMHOOKS; h++)
		if (t->hook_chain[h] > (int)idx)
			t->hook_chain[h]--;
	return xt_name_idx_build(t);    /* the chains after idx moved down */
}

int xt_chain_rename(struct xt_table *t, unsigned int idx, const char *name)
{
	unsigned int i, j;
	char old[XT_CHAIN_MAXNAMELEN];

	if (strlen(name) >= XT_CHAIN_MAXNAMELEN)
		return -ENAMETOOLONG;
	if (xt_chain_find(t, name) >= 0)
		return -EEXIST;
	strcpy(old, t->chains[idx].name);
	strcpy(t->chains[idx].name, name);
	if (xt_name_idx_build(t))
		return -ENOMEM;
	/* Jumps follow the chain, as they do by handle in nf_tables: re-point them. */
	for (i = 0; i < t->nchains; i++) {
		struct xt_chain *c = &t->chains[i];

		for (j = 0; j < c->nrules; j++) {
			struct xt_rule *r = c->rules[j];

			if ((r->verdict != XT_RV_JUMP && r->verdict != XT_RV_GOTO) ||
			    strcmp(r->jump, old))
				continue;
			if (r->refs > 1) {
				/* Shared with the published generation: copy before writing. */
				struct xt_rule *n = xt_rule_clone(r);

				if (!n)
					return -ENOMEM;
				n->pkts = r->pkts;
				n->bytes = r->bytes;
				xt_rule_put(r);
				c->rules[j] = r = n;
			}
			strcpy(r->jump, name);
		}
	}
	return 0;
}

void xt_chain_flush(struct xt_table *t, unsigned int idx)
{
	struct xt_chain *c = &t->chains[idx];
	unsigned int i;

	for (i = 0; i < c->nrules; i++)
		xt_rule_put(c->rules[i]);
	c->nrules = 0;
}

void xt_chain_zero(struct xt_table *t, unsigned int idx)
{
	struct xt_chain *c = &t->chains[idx];
	unsigned int i;

	c->pkts = c->bytes = 0;
	for (i = 0; i < c->nrules; i++)
		c->rules[i]->pkts = c->rules[i]->bytes = 0;
}

void xt_chain_create(struct xt_table *t, unsigned int idx)
{
	t->chains[idx].exists = true;
}

int xt_rule_insert(struct xt_table *t, unsigned int chain, unsigned int pos, struct xt_rule *r)
{
	struct xt_chain *c = &t->chains[chain];

	if (pos > c->nrules)
		return -E2BIG;
	if (c->nrules == c->cap) {
		unsigned int cap = c->cap ? c->cap * 2 : 8;
		struct xt_rule **n = realloc(c->rules, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->rules = n;
		c->cap = cap;
	}
	memmove(&c->rules[pos + 1], &c->rules[pos], (c->nrules - pos) * sizeof(*c->rules));
	c->rules[pos] = r;
	c->nrules++;
	c->exists = true;
	return 0;
}

void xt_rule_delete(struct xt_table *t, unsigned int chain, unsigned int pos)
{
	struct xt_chain *c = &t->chains[chain];

	xt_rule_put(c->rules[pos]);
	memmove(&c->rules[pos], &c->rules[pos + 1], (c->nrules - pos - 1) * sizeof(*c->rules));
	c->nrules--;
}

void xt_rule_replace(struct xt_table *t, unsigned int chain, unsigned int pos,
		     struct xt_rule *r)
{
	struct xt_chain *c = &t->chains[chain];

	xt_rule_put(c->rules[pos]);
	c->rules[pos] = r;
}

/* ---- commit: resolve jumps, check loops, publish ---- */

/* Depth-first walk for loops (mark_source_chains() in x_tables.c, in spirit). */
static int xt_check_loops(const struct xt_table *t, unsigned int idx, uint8_t *state,
			  unsigned int depth, unsigned int *maxdepth)
{
	const struct xt_chain *c = &t->chains[idx];
	unsigned int j;

	if (state[idx] == 1)
		return -ELOOP;
	if (state[idx] == 2)
		return 0;
	state[idx] = 1;
	if (depth > *maxdepth)
		*maxdepth = depth;
	for (j = 0; j < c->nrules; j++) {
		int to = c->jumpto[j];
		int err;

		if (to < 0)
			continue;
		err = xt_check_loops(t, (unsigned int)to, state, depth + 1, maxdepth);
		if (err)
			return err;
	}
	state[idx] = 0;
	return 0;
}

/* The per-chain classifiers of a generation about to be published (xt_cls.h). */
static int xt_table_classify(struct xt_table *t)
{
	unsigned int i;
	int rc;

	t->classified = false;
	for (i = 0; i < t->nchains; i++) {
		struct xt_chain *c = &t->chains[i];

		xt_cls_free(c->cls);
		c->cls = NULL;
		rc = xt_cls_build(c, (enum xt_family)t->family, &c->cls);
		if (rc)
			return rc;
		if (c->cls)
			t->classified = true;
	}
	return 0;
}

static int xt_table_compile(struct xt_table *t, struct strbuf *err)
{
	uint8_t *state;
	unsigned int i, j, maxdepth = 0;
	int rc = 0;

	for (i = 0; i < t->nchains; i++) {
		struct xt_chain *c = &t->chains[i];

		free(c->jumpto);
		c->jumpto = malloc((c->nrules ? c->nrules : 1) * sizeof(*c->jumpto));
		if (!c->jumpto)
			return -ENOMEM;
		for (j = 0; j < c->nrules; j++) {
			const struct xt_rule *r = c->rules[j];

			c->jumpto[j] = -1;
			if (r->verdict != XT_RV_JUMP && r->verdict != XT_RV_GOTO)
				continue;
			c->jumpto[j] = xt_chain_find(t, r->jump);
			if (c->jumpto[j] < 0 || t->chains[c->jumpto[j]].hook >= 0) {
				if (err)
					sb_addf(err, "chain %s", r->jump);
				return -ENOENT;
			}
		}
	}
	state = calloc(t->nchains ? t->nchains : 1, 1);
	if (!state)
		return -ENOMEM;
	for (i = 0; i < t->nchains && !rc; i++)
		if (t->chains[i].hook >= 0)
			rc = xt_check_loops(t, i, state, 1, &maxdepth);
	free(state);
	t->max_depth = maxdepth;
	if (!rc && maxdepth > XT_STACK_MAX)
		rc = -ELOOP;
	if (!rc)
		rc = xt_table_classify(t);
	return rc;
}

static unsigned int xt_hook_fn(void *priv, struct pkt *pkt, const struct usnf_hook_state *st)
{
	const struct xt_slot *s = priv;

	return s->cur ? xt_do_table(s->cur, pkt, st) : USNF_ACCEPT;
}

/* The table is on its hooks once it exists (the nft table's base chains). */
static int xt_slot_register(struct usnf_net *net, struct xt_slot *s, enum xt_family fam,
			    enum xt_table_id id)
{
	unsigned int h;
	int rc;

	if (s->registered)
		return 0;
	/* nat: the NAT core's hook functions consult the table, for a connection's
	 * first packet only (nf_nat_ipv4_ops calling the table's chains). */
	if (id == XT_TABLE_NAT) {
		rc = nat_table_register(net, fam == XT_FAMILY_V4 ? USNF_NFPROTO_IPV4
								 : USNF_NFPROTO_IPV6);
		if (rc == 0)
			s->registered = true;
		return rc;
	}
	s->nops = 0;
	for (h = 0; h < USNF_INET_NUMHOOKS; h++) {
		struct usnf_hook_ops *o;

		if (!(xt_tables[id].valid_hooks & HB(h)))
			continue;
		o = &s->ops[s->nops++];
		memset(o, 0, sizeof(*o));
		o->hook = xt_hook_fn;
		o->priv = s;
		o->pf = fam == XT_FAMILY_V4 ? USNF_NFPROTO_IPV4 : USNF_NFPROTO_IPV6;
		o->hooknum = (uint8_t)h;
		o->priority = xt_tables[id].priority;
		/* nat: SNAT side (POSTROUTING, INPUT) at NF_IP_PRI_NAT_SRC. */
		if (id == XT_TABLE_NAT &&
		    (h == USNF_INET_POST_ROUTING || h == USNF_INET_LOCAL_IN))
			o->priority = USNF_PRI_NAT_SRC;
	}
	rc = usnf_hook_register_many(net, s->ops, s->nops);
	if (rc == 0)
		s->registered = true;
	return rc;
}

static void xt_rule_extrefs(const struct xt_rule *r, struct usnf_net *net)
{
	unsigned int i;

	for (i = 0; i < r->nmatches; i++)
		if (r->matches[i].ops->extrefs)
			r->matches[i].ops->extrefs(r->matches[i].data, r->family,
						   xt_extstate_mark, net);
	if (r->target && r->target->extrefs)
		r->target->extrefs(r->tdata, r->family, xt_extstate_mark, net);
}

/* Free the extensions' named objects that no published rule holds any more. */
static void xt_extstate_gc(struct usnf_net *net)
{
	unsigned int f, id, c, i;

	if (xt_extstate_empty(net))
		return;
	xt_extstate_unmark(net);
	for (f = 0; f < XT_FAMILY_COUNT; f++)
		for (id = 0; id < XT_TABLE_COUNT; id++) {
			const struct xt_table *t = net->xt->slots[f][id].cur;

			for (c = 0; t && c < t->nchains; c++)
				for (i = 0; i < t->chains[c].nrules; i++)
					xt_rule_extrefs(t->chains[c].rules[i], net);
		}
	xt_extstate_sweep(net);
}

int xt_table_commit(struct usnf_net *net, struct xt_table *t, struct strbuf *err)
{
	struct xt_slot *s = &net->xt->slots[t->family][t->id];
	struct xt_table *old;
	int rc;

	rc = xt_table_compile(t, err);
	if (rc)
		return rc;
	rc = xt_slot_register(net, s, t->family, t->id);
	if (rc)
		return rc;
	t->gen = ++net->xt->gen;
	old = s->cur;
	if (!old)
		t->created = t->gen;
	s->cur = t;
	xt_table_free(old);
	xt_extstate_gc(net);
	return 0;
}
