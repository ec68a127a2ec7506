/* ipset_core: sets of one instance — create/destroy/rename/swap/flush and element storage. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipset/ipset.h"
#include "ipset/ipset_int.h"
#include "stack/net.h"

/*
 * The types, with the newest revision Linux 6.x registers (the "Revision:" line
 * of `ipset list`), as IPSET_TYPE_REV_MAX in net/netfilter/ipset/ip_set_*.c.
 */
static const struct ipset_type ipset_types[] = {
	{ "hash:ip", IPSET_HASH_IP, 1, 6, false },
	{ "hash:net", IPSET_HASH_NET, 1, 7, true },
	{ "hash:ip,port", IPSET_HASH_IPPORT, 2, 6, false },
	{ "hash:net,port", IPSET_HASH_NETPORT, 2, 8, true },
	{ "hash:ip,port,ip", IPSET_HASH_IPPORTIP, 3, 5, false },
	{ "hash:net,iface", IPSET_HASH_NETIFACE, 2, 8, true },
	{ "hash:mac", IPSET_HASH_MAC, 1, 1, false },
	{ "bitmap:ip", IPSET_BITMAP_IP, 1, 3, false },
	{ "bitmap:port", IPSET_BITMAP_PORT, 1, 3, false },
	{ "list:set", IPSET_LIST_SET, 1, 3, false },
};

const struct ipset_type *ipset_type_find(const char *name)
{
	for (size_t i = 0; i < sizeof(ipset_types) / sizeof(ipset_types[0]); i++)
		if (!strcmp(ipset_types[i].name, name))
			return &ipset_types[i];
	return NULL;
}

int ipset_net_init(struct usnf_net *net)
{
	struct ipset_net *in = calloc(1, sizeof(*in));

	if (!in)
		return -ENOMEM;
	in->net = net;
	in->seed = 0x3c6ef372u;
	net->ipset = in;
	return 0;
}

static void ipset_set_free(struct ipset_set *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nents; i++)
		free(s->ents[i].comment);
	free(s->ents);
	free(s->index);
	ipset_kern_clear(s);
	free(s);
}

void ipset_net_exit(struct usnf_net *net)
{
	struct ipset_net *in = net->ipset;

	if (!in)
		return;
	for (unsigned int i = 0; i < IPSET_MAX_SETS; i++)
		ipset_set_free(in->sets[i]);
	free(in);
	net->ipset = NULL;
}

int ipset_find(const struct ipset_net *in, const char *name)
{
	for (unsigned int i = 0; i < IPSET_MAX_SETS; i++)
		if (in->sets[i] && !strcmp(in->sets[i]->name, name))
			return (int)i;
	return -1;
}

struct ipset_set *ipset_get(const struct ipset_net *in, unsigned int id)
{
	return id < IPSET_MAX_SETS ? in->sets[id] : NULL;
}

const char *ipset_name(const struct usnf_net *net, unsigned int id)
{
	const struct ipset_set *s = net->ipset ? ipset_get(net->ipset, id) : NULL;

	return s ? s->name : NULL;
}

/* A deterministic stand-in for the kernel's get_random_u32() initval. */
static uint32_t ipset_next_initval(struct ipset_net *in)
{
	in->seed ^= in->seed << 13;
	in->seed ^= in->seed >> 17;
	in->seed ^= in->seed << 5;
	return in->seed;
}

/* Defaults as the kernel's hash_*_create/bitmap_*_create/list_set_create apply them. */
static void ipset_opts_default(struct ipset_net *in, const struct ipset_type *t,
			       struct ipset_create_opts *o)
{
	if (t->kind == IPSET_LIST_SET || t->kind == IPSET_BITMAP_PORT ||
	    t->kind == IPSET_HASH_MAC)
		o->family = IPSET_FAM_UNSPEC;
	else if (!o->family)
		o->family = IPSET_FAM_INET;
	if (t->kind == IPSET_LIST_SET) {
		if (!o->size)
			o->size = 8;
		if (o->size < 4)      /* IP_SET_LIST_MIN_SIZE */
			o->size = 4;
		return;
	}
	if (t->kind == IPSET_BITMAP_IP || t->kind == IPSET_BITMAP_PORT)
		return;
	if (!o->hashsize)
		o->hashsize = 1024;
	if (o->hashsize < 64)         /* IPSET_MIMINAL_HASHSIZE */
		o->hashsize = 64;
	/* the kernel rounds hashsize up to a power of two (htable_bits()) */
	uint32_t hs = 64;
	while (hs < o->hashsize && hs < (1u << 31))
		hs <<= 1;
	o->hashsize = hs;
	if (!o->maxelem)
		o->maxelem = 65536;
	if (!o->bucketsize)
		o->bucketsize = 12;
	if (o->bucketsize & 1)        /* rounded up to even, as hash_*_create */
		o->bucketsize++;
	if (o->bucketsize > 12)
		o->bucketsize = 12;
	if (o->bucketsize < 2)
		o->bucketsize = 2;
	if (!o->has_initval) {
		o->initval = ipset_next_initval(in);
		o->has_initval = true;
	}
}

static bool ipset_opts_equal(const struct ipset_set *s, const struct ipset_type *t,
			     const struct ipset_create_opts *o)
{
	/* -exist: an identical create is no error (ip_set_create's "same" check) */
	return s->type == t && s->o.family == o->family && s->o.timeout == o->timeout &&
	       s->o.counters == o->counters && s->o.comment == o->comment;
}

int ipset_create(struct ipset_net *in, const char *name, const struct ipset_type *type,
		 const struct ipset_create_opts *opts, bool exist)
{
	struct ipset_create_opts o = *opts;
	int id = ipset_find(in, name);

	ipset_opts_default(in, type, &o);
	if (id >= 0)
		return exist && ipset_opts_equal(in->sets[id], type, &o) ? 0 : -IPSET_E_EXIST;
	for (id = 0; id < IPSET_MAX_SETS && in->sets[id]; id++)
		;
	if (id == IPSET_MAX_SETS)
		return -IPSET_E_FULL_SETS;
	struct ipset_set *s = calloc(1, sizeof(*s));
	if (!s)
		return -IPSET_E_NOMEM;
	strncpy(s->name, name, IPSET_MAXNAMELEN - 1);
	s->type = type;
	s->o = o;
	in->sets[id] = s;
	return 0;
}

int ipset_destroy(struct ipset_net *in, int id)
{
	if (id < 0) {
		/* all sets: refused whole if any is referenced (ip_set_destroy) */
		for (unsigned int i = 0; i < IPSET_MAX_SETS; i++)
			if (in->sets[i] && ipset_refs(in, i))
				return -IPSET_E_BUSY;
		for (unsigned int i = 0; i < IPSET_MAX_SETS; i++) {
			ipset_set_free(in->sets[i]);
			in->sets[i] = NULL;
		}
		return 0;
	}
	if (!ipset_get(in, (unsigned int)id))
		return -IPSET_E_NOENT;
	if (ipset_refs(in, (unsigned int)id))
		return -IPSET_E_BUSY;
	ipset_set_free(in->sets[id]);
	in->sets[id] = NULL;
	return 0;
}

static void ipset_set_clear(struct ipset_set *s)
{
	for (uint32_t i = 0; i < s->nents; i++)
		free(s->ents[i].comment);
	free(s->ents);
	free(s->index);
	s->ents = NULL;
	s->index = NULL;
	s->nents = s->cap = s->nlive = s->index_cap = 0;
	memset(s->cidr_count, 0, sizeof(s->cidr_count));
	ipset_kern_clear(s);    /* mtype_flush frees the buckets, the table keeps its size */
	s->kcomment = 0;
}

int ipset_flush(struct ipset_net *in, int id)
{
	if (id < 0) {
		for (unsigned int i = 0; i < IPSET_MAX_SETS; i++)
			if (in->sets[i])
				ipset_set_clear(in->sets[i]);
		return 0;
	}
	if (!ipset_get(in, (unsigned int)id))
		return -IPSET_E_NOENT;
	ipset_set_clear(in->sets[id]);
	return 0;
}

int ipset_rename(struct ipset_net *in, int id, const char *to)
{
	if (!ipset_get(in, (unsigned int)id))
		return -IPSET_E_NOENT;
	if (ipset_find(in, to) >= 0)
		return -IPSET_E_RENAME_EXIST;
	/* the kernel refuses to rename a referenced set (ip_set_rename: IPSET_ERR_REFERENCED) */
	if (ipset_refs(in, (unsigned int)id))
		return -IPSET_E_BUSY;
	memset(in->sets[id]->name, 0, IPSET_MAXNAMELEN);
	strncpy(in->sets[id]->name, to, IPSET_MAXNAMELEN - 1);
	return 0;
}

/*
 * As ip_set_swap(): the two sets exchange names and slots, so that rules that
 * refer to a slot (an id) see the other set's contents under the same name.
 */
int ipset_swap(struct ipset_net *in, int a, int b)
{
	struct ipset_set *sa = ipset_get(in, (unsigned int)a), *sb = ipset_get(in, (unsigned int)b);
	char tmp[IPSET_MAXNAMELEN];

	if (!sa || !sb)
		return -IPSET_E_NOENT;
	if (sa->type != sb->type || sa->o.family != sb->o.family)
		return -IPSET_E_TYPE_MISMATCH;
	memcpy(tmp, sa->name, sizeof(tmp));
	memcpy(sa->name, sb->name, sizeof(tmp));
	memcpy(sb->name, tmp, sizeof(tmp));
	in->sets[a] = sb;
	in->sets[b] = sa;
	return 0;
}

/* ---- element storage: an insertion-ordered array with an open-addressing index ---- */

static uint32_t ipset_key_hash(const struct ipset_set *s, const struct ipset_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u ^ s->o.initval;

	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h ^ (h >> 15);
}

static bool ipset_entry_expired(const struct ipset_entry *e, uint64_t now)
{
	return e->expires_ns && now >= e->expires_ns;
}

/* Slot of k in the index (holding it, or the empty slot where it would go). */
static uint32_t ipset_index_slot(const struct ipset_set *s, const struct ipset_key *k,
				 bool *found)
{
	uint32_t mask = s->index_cap - 1, i = ipset_key_hash(s, k) & mask;

	*found = false;
	for (;;) {
		uint32_t v = s->index[i];

		if (!v)
			return i;
		if (!memcmp(&s->ents[v - 1].key, k, sizeof(*k))) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

/* Rebuild the index with live entries only, compacting the array. */
static int ipset_rehash(struct ipset_set *s, uint32_t want)
{
	uint32_t cap = 16, n = 0;

	while (cap < want * 2)
		cap <<= 1;
	uint32_t *idx = calloc(cap, sizeof(*idx));
	uint32_t *remap = calloc(s->nents ? s->nents : 1, sizeof(*remap));
	if (!idx || !remap) {
		free(idx);
		free(remap);
		return -IPSET_E_NOMEM;
	}
	for (uint32_t i = 0; i < s->nents; i++) {
		remap[i] = UINT32_MAX;
		if (s->ents[i].dead) {
			free(s->ents[i].comment);
			continue;
		}
		remap[i] = n;
		s->ents[n++] = s->ents[i];
	}
	ipset_kern_remap(s, remap);
	free(remap);
	s->nents = n;
	free(s->index);
	s->index = idx;
	s->index_cap = cap;
	for (uint32_t i = 0; i < n; i++) {
		bool found;
		uint32_t slot = ipset_index_slot(s, &s->ents[i].key, &found);

		s->index[slot] = i + 1;
	}
	return 0;
}

struct ipset_entry *ipset_lookup_exact(struct ipset_set *s, const struct ipset_key *k,
				       uint64_t now)
{
	bool found;

	if (!s->index_cap)
		return NULL;
	uint32_t slot = ipset_index_slot(s, k, &found);
	if (!found)
		return NULL;
	struct ipset_entry *e = &s->ents[s->index[slot] - 1];
	return ipset_entry_expired(e, now) ? NULL : e;
}

bool ipset_store_expired(struct ipset_net *in, const struct ipset_set *s, uint32_t idx)
{
	return ipset_entry_expired(&s->ents[idx], in->net->now_ns);
}

static void ipset_entry_kill_nolayout(struct ipset_set *s, uint32_t slot);

/* Drop entry idx from the store; the kernel layout model has already let go of it. */
void ipset_store_forget(struct ipset_set *s, uint32_t idx)
{
	bool found;
	uint32_t slot;

	if (s->ents[idx].dead)
		return;
	slot = ipset_index_slot(s, &s->ents[idx].key, &found);
	if (!found)
		return;
	ipset_entry_kill_nolayout(s, slot);
}

static void ipset_entry_kill_nolayout(struct ipset_set *s, uint32_t slot)
{
	struct ipset_entry *e = &s->ents[s->index[slot] - 1];
	uint32_t mask = s->index_cap - 1, i = slot, j = slot;

	s->kcomment -= ipset_kern_comment_size(e->comment);
	e->dead = true;
	s->nlive--;
	if (s->type->has_cidr)
		s->cidr_count[e->key.cidr]--;
	/* backward-shift deletion keeps probe chains intact without tombstones */
	s->index[i] = 0;
	for (;;) {
		j = (j + 1) & mask;
		if (!s->index[j])
			break;
		uint32_t home = ipset_key_hash(s, &s->ents[s->index[j] - 1].key) & mask;
		bool between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (between)
			continue;
		s->index[i] = s->index[j];
		s->index[j] = 0;
		i = j;
	}
}

static void ipset_entry_kill(struct ipset_set *s, uint32_t slot)
{
	ipset_kern_del(s, s->index[slot] - 1);
	ipset_entry_kill_nolayout(s, slot);
}

static void ipset_entry_set_ext(struct ipset_net *in, struct ipset_set *s,
				struct ipset_entry *e, const struct ipset_ext *x)
{
	uint32_t t = x->timeout == IPSET_NO_TIMEOUT ? s->o.timeout : x->timeout;

	e->expires_ns = s->o.has_timeout && t ? in->net->now_ns + (uint64_t)t * 1000000000ull : 0;
	if (x->has_packets)
		e->packets = x->packets;
	if (x->has_bytes)
		e->bytes = x->bytes;
	if (s->o.comment && x->comment) {
		char *c = strdup(x->comment);

		if (c) {
			s->kcomment -= ipset_kern_comment_size(e->comment);
			free(e->comment);
			e->comment = c;
			s->kcomment += ipset_kern_comment_size(c);
		}
	}
	if (s->type->has_cidr)
		e->nomatch = x->nomatch;
	/* ip_set_init_skbinfo(): the element's values are replaced whole */
	if (s->o.skbinfo)
		e->skb = x->skb;
}

/* Drop expired entries so that they do not count against maxelem (as the GC would). */
static void ipset_expire(struct ipset_net *in, struct ipset_set *s)
{
	uint64_t now = in->net->now_ns;

	if (!s->o.has_timeout)
		return;
	for (uint32_t i = 0; i < s->nents; i++) {
		struct ipset_entry *e = &s->ents[i];
		bool found;

		if (e->dead || !ipset_entry_expired(e, now))
			continue;
		uint32_t slot = ipset_index_slot(s, &e->key, &found);
		if (found)
			ipset_entry_kill(s, slot);
	}
}

static uint32_t ipset_capacity(const struct ipset_set *s)
{
	switch (s->type->kind) {
	case IPSET_BITMAP_IP:
	case IPSET_BITMAP_PORT:
		return UINT32_MAX;      /* bounded by the range */
	case IPSET_LIST_SET:
		return s->o.size;
	default:
		return s->o.maxelem;
	}
}

/* list:set: the position of member set id among the compacted entries, or -1. */
static int ipset_list_pos(struct ipset_net *in, struct ipset_set *s, int id)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->nents; i++) {
		if (s->ents[i].dead)
			continue;
		if ((int)ipset_key_setid(&s->ents[i].key) == id &&
		    !ipset_entry_expired(&s->ents[i], in->net->now_ns))
			return (int)n;
		n++;
	}
	return -1;
}

/* list:set "before"/"after": move the entry just appended to position pos. */
static int ipset_list_move_last(struct ipset_set *s, uint32_t pos)
{
	if (ipset_rehash(s, s->nlive))  /* compacts: live entries only, in order */
		return -IPSET_E_NOMEM;
	struct ipset_entry last = s->ents[s->nents - 1];
	memmove(&s->ents[pos + 1], &s->ents[pos], (s->nents - 1 - pos) * sizeof(last));
	s->ents[pos] = last;
	return ipset_rehash(s, s->nlive) ? -IPSET_E_NOMEM : 0;
}

int ipset_add(struct ipset_net *in, struct ipset_set *s, const struct ipset_key *k,
	      const struct ipset_ext *x, bool exist)
{
	uint64_t now = in->net->now_ns;
	bool found = false;
	uint32_t slot = 0;

	if (x->timeout != IPSET_NO_TIMEOUT && !s->o.has_timeout)
		return -IPSET_E_TIMEOUT;
	if ((x->has_packets || x->has_bytes) && !s->o.counters)
		return -IPSET_E_COUNTER;
	if (x->comment && !s->o.comment)
		return -IPSET_E_COMMENT;
	if ((x->has_skbmark || x->has_skbprio || x->has_skbqueue) && !s->o.skbinfo)
		return -IPSET_E_SKBINFO;
	if (s->type->kind == IPSET_LIST_SET) {
		const struct ipset_set *m = ipset_get(in, ipset_key_setid(k));

		if (!m)
			return -IPSET_E_NOENT;
		if (m->type->kind == IPSET_LIST_SET)
			return -IPSET_E_LOOP;
	}
	if (s->index_cap)
		slot = ipset_index_slot(s, k, &found);
	if (found) {
		struct ipset_entry *e = &s->ents[s->index[slot] - 1];

		if (!ipset_entry_expired(e, now) && !exist)
			return -IPSET_E_ELEM_EXIST;
		if (ipset_entry_expired(e, now)) {
			/* an expired entry is replaced whole: fresh counters and comment */
			e->packets = e->bytes = 0;
			s->kcomment -= ipset_kern_comment_size(e->comment);
			free(e->comment);
			e->comment = NULL;
		}
		if (s->type->has_cidr && e->nomatch != x->nomatch)
			e->nomatch = x->nomatch;
		ipset_entry_set_ext(in, s, e, x);
		return 0;
	}
	if (s->nlive >= ipset_capacity(s)) {
		ipset_expire(in, s);
		if (s->nlive >= ipset_capacity(s))
			return -IPSET_E_FULL;
	}
	if (s->nents == s->cap) {
		uint32_t ncap = s->cap ? s->cap * 2 : 16;
		struct ipset_entry *ne = realloc(s->ents, ncap * sizeof(*ne));

		if (!ne)
			return -IPSET_E_NOMEM;
		s->ents = ne;
		s->cap = ncap;
	}
	if ((s->nents + 1) * 2 > s->index_cap) {
		if (ipset_rehash(s, s->nlive + 1 > s->nents ? s->nlive + 1 : s->nents + 1))
			return -IPSET_E_NOMEM;
	}
	int pos = -1;
	if (s->type->kind == IPSET_LIST_SET && (x->before >= 0 || x->after >= 0)) {
		pos = ipset_list_pos(in, s, x->before >= 0 ? x->before : x->after);
		if (pos < 0)
			return -IPSET_E_REF_NOENT;
		if (x->after >= 0)
			pos++;
	}
	struct ipset_entry *e = &s->ents[s->nents];
	memset(e, 0, sizeof(*e));
	e->key = *k;
	ipset_entry_set_ext(in, s, e, x);
	slot = ipset_index_slot(s, k, &found);
	s->index[slot] = ++s->nents;
	s->nlive++;
	if (s->type->has_cidr)
		s->cidr_count[k->cidr]++;
	if (ipset_kern_add(in, s, s->nents - 1)) {
		ipset_store_forget(s, s->nents - 1);
		return -IPSET_E_NOMEM;
	}
	if (pos >= 0)
		return ipset_list_move_last(s, (uint32_t)pos);
	return 0;
}

int ipset_del(struct ipset_net *in, struct ipset_set *s, const struct ipset_key *k, bool exist)
{
	bool found = false;
	uint32_t slot = 0;

	if (s->index_cap)
		slot = ipset_index_slot(s, k, &found);
	if (!found || ipset_entry_expired(&s->ents[s->index[slot] - 1], in->net->now_ns))
		return exist ? 0 : -IPSET_E_ELEM_NOENT;
	ipset_entry_kill(s, slot);
	/* compact once half the array is dead, so that listing stays linear */
	if (s->nents > 64 && s->nlive * 2 < s->nents)
		ipset_rehash(s, s->nlive);
	return 0;
}

/* The wording of ipset 7.17's lib/errcode.c for the kernel's IPSET_ERR_* answers. */
const char *ipset_strerror(int err, const char *op)
{
	switch (err < 0 ? -err : err) {
	case IPSET_E_EXIST:
		return "Set cannot be created: set with the same name already exists";
	case IPSET_E_NOENT:
		return "The set with the given name does not exist";
	case IPSET_E_FULL_SETS:
		return "Kernel error received: maximal number of sets reached, cannot create more.";
	case IPSET_E_BUSY:
		return !strcmp(op, "rename") ?
		       "Set cannot be renamed: it is in use by another system" :
		       "Set cannot be destroyed: it is in use by a kernel component";
	case IPSET_E_ELEM_EXIST:
		return "Element cannot be added to the set: it's already added";
	case IPSET_E_ELEM_NOENT:
		return "Element cannot be deleted from the set: it's not added";
	case IPSET_E_FULL:
		return !strcmp(op, "list") ? "Set is full, cannot add more elements." :
		       "Hash is full, cannot add more elements";
	case IPSET_E_RANGE:
		return "Element is out of the range of the set";
	case IPSET_E_TIMEOUT:
		return "Timeout cannot be used: set was created without timeout support";
	case IPSET_E_COUNTER:
		return "Packet/byte counters cannot be used: set was created without counter support";
	case IPSET_E_COMMENT:
		return "Comment cannot be used: set was created without comment support";
	case IPSET_E_TYPE_MISMATCH:
		return "The sets cannot be swapped: their type does not match";
	case IPSET_E_RENAME_EXIST:
		return "Set cannot be renamed: a set with the new name already exists";
	case IPSET_E_LOOP:
		return "Sets with list:set type cannot be added to the set.";
	case IPSET_E_REF_NOENT:
		return !strcmp(op, "ref") ? "Reference set does not exist." :
		       "Reference set is not added to the set.";
	case IPSET_E_NOMEM:
		return "Kernel error received: Cannot allocate memory";
	case IPSET_E_ZERO:
		return "Zero valued element is not allowed";
	case IPSET_E_FAMILY:
		return "The element's address family does not match the set's";
	case IPSET_E_SKBINFO:
		return "Skbinfo mapping cannot be used: set was created without skbinfo support";
	default:
		return "Kernel error received: Invalid argument";
	}
}

/*
 * `ipset test`: a plain address on a net type is looked up over every prefix
 * length present (mtype_test_cidrs), a prefix exactly; nomatch entries are "NOT
 * in set".  list:set: whether the member set is listed.
 */
int ipset_test(struct ipset_net *in, struct ipset_set *s, const struct ipset_key *k)
{
	uint64_t now = in->net->now_ns;
	struct ipset_entry *e = NULL;

	if (s->type->has_cidr && k->cidr == ipset_hostmask(s)) {
		struct ipset_key q = *k;

		for (int c = ipset_hostmask(s); c >= 0 && !e; c--) {
			if (!s->cidr_count[c])
				continue;
			memcpy(q.ip, k->ip, sizeof(q.ip));
			ipset_addr_mask(q.ip, (unsigned int)c, 16);
			q.cidr = (uint8_t)c;
			e = ipset_lookup_exact(s, &q, now);
		}
	} else {
		e = ipset_lookup_exact(s, k, now);
	}
	return e && !e->nomatch;
}
