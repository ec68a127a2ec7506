/* ipset_core: sets of one instance — create/destroy/rename/swap/flush and element storage. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipset/ipset.h"
#include "ipset/ipset_int.h"
#include "stack/net.h"

/*
 * The types, with the newest revision Linux 6.x registers (the "Revision:" line
 * of `ipset list`, IPSET_TYPE_REV_MAX in net/netfilter/ipset/ip_set_*.c), their
 * features (swap compares them) and the family the type itself is bound to.
 */
static const struct ipset_type ipset_types[] = {
	{ "hash:ip", IPSET_HASH_IP, 1, 6, false, IPSET_TYPE_IP, IPSET_FAM_UNSPEC },
	{ "hash:net", IPSET_HASH_NET, 1, 7, true, IPSET_TYPE_IP | IPSET_TYPE_NOMATCH,
	  IPSET_FAM_UNSPEC },
	{ "hash:ip,port", IPSET_HASH_IPPORT, 2, 7, false, IPSET_TYPE_IP | IPSET_TYPE_PORT,
	  IPSET_FAM_UNSPEC },
	{ "hash:net,port", IPSET_HASH_NETPORT, 2, 8, true,
	  IPSET_TYPE_IP | IPSET_TYPE_PORT | IPSET_TYPE_NOMATCH, IPSET_FAM_UNSPEC },
	{ "hash:ip,port,ip", IPSET_HASH_IPPORTIP, 3, 6, false,
	  IPSET_TYPE_IP | IPSET_TYPE_PORT | IPSET_TYPE_IP2, IPSET_FAM_UNSPEC },
	{ "hash:net,iface", IPSET_HASH_NETIFACE, 2, 8, true,
	  IPSET_TYPE_IP | IPSET_TYPE_IFACE | IPSET_TYPE_NOMATCH, IPSET_FAM_UNSPEC },
	{ "hash:mac", IPSET_HASH_MAC, 1, 1, false, IPSET_TYPE_MAC, IPSET_FAM_UNSPEC },
	{ "bitmap:ip", IPSET_BITMAP_IP, 1, 3, false, IPSET_TYPE_IP, IPSET_FAM_INET },
	{ "bitmap:port", IPSET_BITMAP_PORT, 1, 3, false, IPSET_TYPE_PORT, IPSET_FAM_UNSPEC },
	{ "list:set", IPSET_LIST_SET, 1, 3, false, IPSET_TYPE_NAME | IPSET_DUMP_LAST,
	  IPSET_FAM_UNSPEC },
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

/* A deterministic stand-in for the kernel's get_random_bytes() initval. */
static uint32_t ipset_next_initval(struct ipset_net *in)
{
	in->seed ^= in->seed << 13;
	in->seed ^= in->seed >> 17;
	in->seed ^= in->seed << 5;
	return in->seed;
}

/* The bucket size rules of hash_*_create(): AHASH_INIT_SIZE..AHASH_MAX_SIZE, even. */
static uint32_t ipset_bucketsize(uint32_t b)
{
	if (!b)
		return 12;
	if (b < 2)
		return 2;
	if (b > 12)
		return 12;
	return b % 2 ? b + 1 : b;
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
	if (o->hashsize < 64)         /* IPSET_MIMINAL_HASHSIZE (and the default 1024) */
		o->hashsize = o->hashsize ? 64 : 1024;
	/* the kernel rounds hashsize up to a power of two (fls(hashsize - 1)) */
	uint32_t hs = 64;
	while (hs < o->hashsize && hs < (1u << 31))
		hs <<= 1;
	o->hashsize = hs;
	if (!o->maxelem && !o->has_maxelem)
		o->maxelem = 65536;
	o->has_maxelem = true;
	o->bucketsize = ipset_bucketsize(o->bucketsize);
	if (!o->has_bitmask) {
		/* the netmask as the kernel keeps it: a 16-byte bitmask from onesmask */
		memset(o->bitmask, 0xff, sizeof(o->bitmask));
		if (o->netmask)
			ipset_addr_mask(o->bitmask, o->netmask,
					o->family == IPSET_FAM_INET6 ? 16 : 4);
	}
	if (!o->has_initval) {
		o->initval = ipset_next_initval(in);
		o->has_initval = true;
	}
}

/*
 * -exist: a clash is no error when type and settings are the same (ip_set_create
 * with the type's same_set(): mtype_same_set compares maxelem, timeout, the mask
 * and the extensions, bitmaps their range and netmask, list:set its size).
 */
static bool ipset_same_set(const struct ipset_set *s, const struct ipset_type *t,
			   const struct ipset_create_opts *o)
{
	const struct ipset_create_opts *x = &s->o;

	if (s->type != t || x->has_timeout != o->has_timeout ||
	    (o->has_timeout && x->timeout != o->timeout) || x->counters != o->counters ||
	    x->comment != o->comment || x->skbinfo != o->skbinfo)
		return false;
	switch (t->kind) {
	case IPSET_BITMAP_IP:
		return x->range_lo == o->range_lo && x->range_hi == o->range_hi &&
		       x->netmask == o->netmask;
	case IPSET_BITMAP_PORT:
		return x->range_lo == o->range_lo && x->range_hi == o->range_hi;
	case IPSET_LIST_SET:
		return x->size == o->size;
	default:
		return x->maxelem == o->maxelem &&
		       !memcmp(x->bitmask, o->bitmask, sizeof(x->bitmask));
	}
}

int ipset_create(struct ipset_net *in, const char *name, const struct ipset_type *type,
		 const struct ipset_create_opts *opts, bool exist)
{
	struct ipset_create_opts o = *opts;
	int id = ipset_find(in, name);

	ipset_opts_default(in, type, &o);
	if (id >= 0)
		return exist && ipset_same_set(in->sets[id], type, &o) ? 0 : -IPSET_E_EXIST;
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
	s->nents = s->cap = s->nlive = s->index_cap = s->nwildcard = 0;
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

/* As ip_set_rename(): a referenced set is refused before the new name is looked at. */
int ipset_rename(struct ipset_net *in, int id, const char *to)
{
	if (!ipset_get(in, (unsigned int)id))
		return -IPSET_E_NOENT;
	if (ipset_refs(in, (unsigned int)id))
		return -IPSET_E_BUSY;
	if (ipset_find(in, to) >= 0)
		return -IPSET_E_RENAME_EXIST;
	memset(in->sets[id]->name, 0, IPSET_MAXNAMELEN);
	strncpy(in->sets[id]->name, to, IPSET_MAXNAMELEN - 1);
	return 0;
}

/*
 * As ip_set_swap(): the two sets exchange names and slots, so that rules that
 * refer to a slot (an id) see the other set's contents under the same name.
 * Types must have the same features and family (hash:ip and bitmap:ip may swap).
 */
int ipset_swap(struct ipset_net *in, int a, int b)
{
	struct ipset_set *sa = ipset_get(in, (unsigned int)a), *sb = ipset_get(in, (unsigned int)b);
	char tmp[IPSET_MAXNAMELEN];

	if (!sa || !sb)
		return -IPSET_E_NOENT;
	if (sa->type->features != sb->type->features || sa->o.family != sb->o.family)
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

/*
 * hash:net,iface: a stored wildcard element matches an interface it is a prefix
 * of (hash_netiface4_data_equal compares strncmp over the stored name's length).
 */
static struct ipset_entry *ipset_lookup_wildcard(struct ipset_set *s, const struct ipset_key *k,
						 uint64_t now)
{
	for (uint32_t i = 0; i < s->nents && s->nwildcard; i++) {
		struct ipset_entry *e = &s->ents[i];
		size_t n = strnlen(e->key.iface, sizeof(e->key.iface));

		if (e->dead || !e->wildcard || ipset_entry_expired(e, now) ||
		    memcmp(e->key.ip, k->ip, sizeof(k->ip)) || e->key.cidr != k->cidr ||
		    e->key.physdev != k->physdev || strncmp(e->key.iface, k->iface, n))
			continue;
		return e;
	}
	return NULL;
}

struct ipset_entry *ipset_lookup_exact(struct ipset_set *s, const struct ipset_key *k,
				       uint64_t now)
{
	struct ipset_entry *e = NULL;
	bool found;

	if (s->index_cap) {
		uint32_t slot = ipset_index_slot(s, k, &found);

		if (found)
			e = &s->ents[s->index[slot] - 1];
	}
	if (e && !ipset_entry_expired(e, now))
		return e;
	if (s->type->kind == IPSET_HASH_NETIFACE)
		return ipset_lookup_wildcard(s, k, now);
	return NULL;
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
	if (e->wildcard)
		s->nwildcard--;
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

/* ip_set_init_comment(): the comment is replaced, or dropped when none is given. */
static void ipset_entry_set_comment(struct ipset_set *s, struct ipset_entry *e, const char *c)
{
	char *n = c && *c ? strdup(c) : NULL;

	s->kcomment -= ipset_kern_comment_size(e->comment);
	free(e->comment);
	e->comment = n;
	s->kcomment += ipset_kern_comment_size(n);
}

/*
 * The extensions of a new or overwritten element, in mtype_add's order:
 * nomatch from the flags, counters where given, comment and skbinfo replaced,
 * the timeout last.
 */
static void ipset_entry_set_ext(struct ipset_net *in, struct ipset_set *s,
				struct ipset_entry *e, const struct ipset_ext *x)
{
	uint32_t t = x->timeout == IPSET_NO_TIMEOUT ? s->o.timeout : x->timeout;

	if (s->type->has_cidr)
		e->nomatch = x->nomatch;
	if (x->has_packets)
		e->packets = x->packets;
	if (x->has_bytes)
		e->bytes = x->bytes;
	if (s->o.comment)
		ipset_entry_set_comment(s, e, x->comment);
	if (s->o.skbinfo)
		e->skb = x->skb;
	if (t > IPSET_MAX_TIMEOUT)
		t = IPSET_MAX_TIMEOUT;
	e->expires_ns = s->o.has_timeout && t ? in->net->now_ns + (uint64_t)t * 1000000000ull : 0;
}

/* Drop expired entries so that they do not count against maxelem (as the GC would). */
void ipset_expire(struct ipset_net *in, struct ipset_set *s)
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
	case IPSET_LIST_SET:            /* list_set_uadd does not check the size */
		return UINT32_MAX;
	default:
		return s->o.maxelem;
	}
}

/* list:set: the index of the live entry holding member set id, or -1. */
static int ipset_list_find(struct ipset_net *in, struct ipset_set *s, int id)
{
	for (uint32_t i = 0; i < s->nents; i++)
		if (!s->ents[i].dead && (int)ipset_key_setid(&s->ents[i].key) == id &&
		    !ipset_entry_expired(&s->ents[i], in->net->now_ns))
			return (int)i;
	return -1;
}

/* list:set "before"/"after": move the entry just appended next to entry ref. */
static int ipset_list_move_last(struct ipset_set *s, uint32_t ref, bool before)
{
	uint32_t pos = 0;

	for (uint32_t i = 0; i < ref; i++)
		pos += !s->ents[i].dead;
	if (ipset_rehash(s, s->nlive))  /* compacts: live entries only, in order */
		return -IPSET_E_NOMEM;
	if (!before)
		pos++;
	struct ipset_entry last = s->ents[s->nents - 1];
	memmove(&s->ents[pos + 1], &s->ents[pos], (s->nents - 1 - pos) * sizeof(last));
	s->ents[pos] = last;
	return ipset_rehash(s, s->nlive) ? -IPSET_E_NOMEM : 0;
}

static int ipset_store_append(struct ipset_net *in, struct ipset_set *s,
			      const struct ipset_key *k, const struct ipset_ext *x)
{
	bool found;

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
	struct ipset_entry *e = &s->ents[s->nents];
	memset(e, 0, sizeof(*e));
	e->key = *k;
	e->wildcard = x->wildcard;
	ipset_entry_set_ext(in, s, e, x);
	uint32_t slot = ipset_index_slot(s, k, &found);
	s->index[slot] = ++s->nents;
	s->nlive++;
	if (e->wildcard)
		s->nwildcard++;
	if (s->type->has_cidr)
		s->cidr_count[k->cidr]++;
	if (ipset_kern_add(in, s, s->nents - 1)) {
		ipset_store_forget(s, s->nents - 1);
		return -IPSET_E_NOMEM;
	}
	return 0;
}

/*
 * mtype_add() / bitmap / list_set_uadd(): an existing element is an error
 * unless exist (then its extensions are overwritten); an expired one is reused
 * in place with its counters (the kernel only sets counters that are given).
 */
int ipset_add(struct ipset_net *in, struct ipset_set *s, const struct ipset_key *k,
	      const struct ipset_ext *x, bool exist)
{
	uint64_t now = in->net->now_ns;
	struct ipset_entry *e = NULL;
	bool found = false;
	int ref = -1;

	/* list_set_uadd: "before/after" a set that is not listed fails first */
	if (s->type->kind == IPSET_LIST_SET && (x->before >= 0 || x->after >= 0)) {
		ref = ipset_list_find(in, s, x->before >= 0 ? x->before : x->after);
		if (ref < 0)
			return -IPSET_E_REF_NOENT;
	}
	if (s->index_cap) {
		uint32_t slot = ipset_index_slot(s, k, &found);

		if (found)
			e = &s->ents[s->index[slot] - 1];
	}
	if (!e && s->type->kind == IPSET_HASH_NETIFACE)
		e = ipset_lookup_wildcard(s, k, now);
	if (e) {
		if (!ipset_entry_expired(e, now) && !exist)
			return -IPSET_E_ELEM_EXIST;
		ipset_entry_set_ext(in, s, e, x);
		return 0;
	}
	if (s->nlive >= ipset_capacity(s)) {
		ipset_expire(in, s);
		if (s->nlive >= ipset_capacity(s))
			return -IPSET_E_FULL;
	}
	int rc = ipset_store_append(in, s, k, x);
	if (rc || ref < 0)
		return rc;
	return ipset_list_move_last(s, (uint32_t)ref, x->before >= 0);
}

int ipset_del(struct ipset_net *in, struct ipset_set *s, const struct ipset_key *k, bool exist)
{
	bool found = false;
	uint32_t slot = 0;

	if (s->index_cap)
		slot = ipset_index_slot(s, k, &found);
	if (!found && s->type->kind == IPSET_HASH_NETIFACE) {
		/* a stored wildcard deletes as it matches (mtype_del uses data_equal) */
		struct ipset_entry *w = ipset_lookup_wildcard(s, k, in->net->now_ns);

		if (w)
			slot = ipset_index_slot(s, &w->key, &found);
	}
	if (!found || ipset_entry_expired(&s->ents[s->index[slot] - 1], in->net->now_ns))
		return exist ? 0 : -IPSET_E_ELEM_NOENT;
	ipset_entry_kill(s, slot);
	/* compact once half the array is dead, so that listing stays linear */
	if (s->nents > 64 && s->nlive * 2 < s->nents)
		ipset_rehash(s, s->nlive);
	return 0;
}

/*
 * The entry `ipset test` finds: a host address on a net type is looked up over every
 * prefix length present, longest first (mtype_test_cidrs), a prefix exactly.
 */
struct ipset_entry *ipset_lookup_test(struct ipset_set *s, const struct ipset_key *k,
				      uint64_t now)
{
	struct ipset_entry *e = NULL;
	struct ipset_key q;

	if (!s->type->has_cidr || k->cidr != ipset_hostmask(s))
		return ipset_lookup_exact(s, k, now);
	q = *k;
	for (int c = ipset_hostmask(s); c >= 0 && !e; c--) {
		if (!s->cidr_count[c])
			continue;
		memcpy(q.ip, k->ip, sizeof(q.ip));
		ipset_addr_mask(q.ip, (unsigned int)c, 16);
		q.cidr = (uint8_t)c;
		e = ipset_lookup_exact(s, &q, now);
	}
	return e;
}

/* `ipset test`: nomatch entries are "NOT in set". */
int ipset_test(struct ipset_net *in, struct ipset_set *s, const struct ipset_key *k)
{
	struct ipset_entry *e = ipset_lookup_test(s, k, in->net->now_ns);

	return e && !e->nomatch;
}
