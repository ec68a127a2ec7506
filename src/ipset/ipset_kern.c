/*
 * ipset_kern: the kernel's hash-table layout, kept beside our own index so that
 * `ipset list/save` print members in the order Linux does and report its
 * "Size in memory" and grown "hashsize" (net/netfilter/ipset/ip_set_hash_gen.h):
 * buckets chosen by jhash2 over the element struct with the set's initval, slots
 * reused after deletes, buckets grown by AHASH_INIT_SIZE and the table doubled
 * when a bucket would pass bucketsize.  Lookups never use it.
 */
#include <stdlib.h>
#include <string.h>

#include "ipset/ipset_int.h"
#include "stack/net.h"

#define AHASH_INIT_SIZE 2
#define HBUCKET_SIZE 32         /* sizeof(struct hbucket): rcu_head, size, pos, used bitmap */
#define REGION_SIZE 24          /* sizeof(struct ip_set_region) */
#define COMMENT_RCU_SIZE 16     /* sizeof(struct ip_set_comment_rcu) before the text */

static uint32_t rol32(uint32_t w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

/* Bob Jenkins' lookup3 as <linux/jhash.h> has it (jhash2 over u32 words). */
uint32_t ipset_kern_jhash2(const uint32_t *k, uint32_t len, uint32_t initval)
{
	uint32_t a, b, c;

	a = b = c = 0xdeadbeefu + (len << 2) + initval;
	while (len > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		a -= c; a ^= rol32(c, 4); c += b;
		b -= a; b ^= rol32(a, 6); a += c;
		c -= b; c ^= rol32(b, 8); b += a;
		a -= c; a ^= rol32(c, 16); c += b;
		b -= a; b ^= rol32(a, 19); a += c;
		c -= b; c ^= rol32(b, 4); b += a;
		len -= 3;
		k += 3;
	}
	switch (len) {
	case 3:
		c += k[2];
		/* fall through */
	case 2:
		b += k[1];
		/* fall through */
	case 1:
		a += k[0];
		c ^= b; c -= rol32(b, 14);
		a ^= c; a -= rol32(c, 11);
		b ^= a; b -= rol32(a, 25);
		c ^= b; c -= rol32(b, 16);
		a ^= c; a -= rol32(c, 4);
		b ^= a; b -= rol32(a, 14);
		c ^= b; c -= rol32(b, 24);
		break;
	default:
		break;
	}
	return c;
}

/*
 * The hashed bytes of the kernel's element struct (HKEY_DATALEN), e.g.
 * hash_net4_elem { ip; u16 padding0; u8 nomatch; u8 cidr }, with nomatch 0 as
 * mtype_add hashes it.  Returns the length (a multiple of 4).
 */
static size_t ipset_kern_key(const struct ipset_set *s, const struct ipset_key *k,
			     uint8_t *b)
{
	bool v6 = s->o.family == IPSET_FAM_INET6;
	size_t al = v6 ? 16 : 4;

	memset(b, 0, 48);
	switch (s->type->kind) {
	case IPSET_HASH_IP:
		memcpy(b, k->ip, al);
		return al;
	case IPSET_HASH_NET:
		memcpy(b, k->ip, al);
		b[al + 3] = k->cidr;
		return al + 4;
	case IPSET_HASH_IPPORT:
	case IPSET_HASH_NETPORT:
		memcpy(b, k->ip, al);
		b[al] = (uint8_t)(k->port >> 8);
		b[al + 1] = (uint8_t)k->port;
		b[al + 2] = k->proto;
		/* hash_netport: u8 cidr:7 holds cidr - 1 */
		if (s->type->kind == IPSET_HASH_NETPORT)
			b[al + 3] = (uint8_t)((k->cidr - 1) & 0x7f);
		return al + 4;
	case IPSET_HASH_IPPORTIP:
		memcpy(b, k->ip, al);
		memcpy(b + al, k->ip2, al);
		b[2 * al] = (uint8_t)(k->port >> 8);
		b[2 * al + 1] = (uint8_t)k->port;
		b[2 * al + 2] = k->proto;
		return 2 * al + 4;
	case IPSET_HASH_NETIFACE:
		/* hash_netiface*_elem_hashed: the interface name is not hashed */
		memcpy(b, k->ip, al);
		b[al] = k->physdev;
		b[al + 1] = k->cidr;
		b[al + 3] = 1;          /* .elem = 1 */
		return al + 4;
	case IPSET_HASH_MAC:
		memcpy(b, k->mac, 6);
		return 8;
	default:
		return 0;
	}
}

static size_t ipset_align(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

/* sizeof the kernel element struct (unhashed parts included). */
static size_t ipset_kern_elemsize(const struct ipset_set *s)
{
	bool v6 = s->o.family == IPSET_FAM_INET6;
	size_t al = v6 ? 16 : 4;

	switch (s->type->kind) {
	case IPSET_HASH_IP: return al;
	case IPSET_HASH_IPPORTIP: return 2 * al + 4;
	/* hashed part, u8 wildcard, char iface[IFNAMSIZ]; 4-byte aligned */
	case IPSET_HASH_NETIFACE: return ipset_align(al + 4 + 1 + 16, 4);
	case IPSET_HASH_MAC: return 8;
	default: return al + 4;
	}
}


/* set->dsize: the element plus its extensions, as ip_set_elem_len() lays them out. */
uint32_t ipset_kern_dsize(const struct ipset_set *s)
{
	size_t off = ipset_kern_elemsize(s), align = 4;

	if (s->o.has_timeout)
		off = ipset_align(off, 8) + 8, align = 8;
	if (s->o.counters)
		off = ipset_align(off, 8) + 16, align = 8;
	if (s->o.comment)
		off = ipset_align(off, 8) + 8, align = 8;
	if (s->o.skbinfo)
		off = ipset_align(off, 4) + 16;
	return (uint32_t)ipset_align(off, align);
}

static bool ipset_kern_used(const struct ipset_set *s)
{
	return s->type->kind <= IPSET_HASH_MAC;
}

static uint32_t ipset_kern_bucket_of(const struct ipset_set *s, const struct ipset_key *k,
				     uint8_t bits)
{
	uint32_t w[12];
	uint8_t b[48];
	size_t n = ipset_kern_key(s, k, b);

	memcpy(w, b, sizeof(w));        /* the words as the CPU (little-endian) reads them */
	return ipset_kern_jhash2(w, (uint32_t)(n / 4), s->o.initval) & ((1u << bits) - 1);
}

static unsigned int ipset_kern_bits(uint32_t hashsize)
{
	unsigned int bits = 0;

	while ((1u << bits) < hashsize && bits < 31)
		bits++;
	return bits;
}

void ipset_kern_clear(struct ipset_set *s)
{
	if (s->kb) {
		for (uint32_t i = 0; i < (1u << s->kbits); i++)
			free(s->kb[i].slot);
		free(s->kb);
	}
	s->kb = NULL;
	s->kext = 0;
}

static int ipset_kern_table(struct ipset_set *s)
{
	if (s->kb)
		return 0;
	if (!s->kbits)
		s->kbits = (uint8_t)ipset_kern_bits(s->o.hashsize);
	s->kb = calloc(1u << s->kbits, sizeof(*s->kb));
	return s->kb ? 0 : -1;
}

/* Append entry idx to bucket b; -1 when it is full at bucketsize (caller resizes). */
static int ipset_kern_put(struct ipset_set *s, struct ipset_kbucket *b, uint32_t idx,
			  uint64_t *ext)
{
	uint32_t dsize = ipset_kern_dsize(s);

	if (b->pos >= b->size) {
		if (b->size >= s->o.bucketsize)
			return -1;
		uint32_t *n = realloc(b->slot, (b->size + AHASH_INIT_SIZE) * sizeof(*n));
		if (!n)
			return -1;
		memset(n + b->size, 0, AHASH_INIT_SIZE * sizeof(*n));
		b->slot = n;
		b->size += AHASH_INIT_SIZE;
		*ext += HBUCKET_SIZE + AHASH_INIT_SIZE * dsize;
	}
	b->slot[b->pos++] = idx + 1;
	return 0;
}

/*
 * mtype_resize(): a table twice the size, the live unexpired members moved in old
 * bucket order; again bigger while some bucket would overflow.  Expired members are
 * left behind (forgotten by the store too).
 */
static int ipset_kern_resize(struct ipset_net *in, struct ipset_set *s)
{
	uint8_t bits = s->kbits;

	for (;;) {
		struct ipset_kbucket *nb;
		uint64_t ext = 0;
		bool ok = true;

		if (++bits > 31)
			return -1;
		nb = calloc(1u << bits, sizeof(*nb));
		if (!nb)
			return -1;
		for (uint32_t i = 0; ok && i < (1u << s->kbits); i++) {
			struct ipset_kbucket *b = &s->kb[i];

			for (uint32_t j = 0; ok && j < b->pos; j++) {
				uint32_t e = b->slot[j];

				if (!e || ipset_store_expired(in, s, e - 1))
					continue;
				uint32_t h = ipset_kern_bucket_of(s, &s->ents[e - 1].key, bits);
				ok = ipset_kern_put(s, &nb[h], e - 1, &ext) == 0;
			}
		}
		if (ok) {
			for (uint32_t i = 0; i < (1u << s->kbits); i++)
				for (uint32_t j = 0; j < s->kb[i].pos; j++)
					if (s->kb[i].slot[j] &&
					    ipset_store_expired(in, s, s->kb[i].slot[j] - 1))
						ipset_store_forget(s, s->kb[i].slot[j] - 1);
			uint64_t comments = s->kcomment;
			ipset_kern_clear(s);
			s->kb = nb;
			s->kbits = bits;
			s->kext = ext;
			s->kcomment = comments;
			return 0;
		}
		for (uint32_t i = 0; i < (1u << bits); i++)
			free(nb[i].slot);
		free(nb);
	}
}

/*
 * mtype_add() placement of entry idx (already in the store): the first free or
 * expired slot of its bucket, else the end, growing the bucket, else a resize.
 * An expired member whose slot is taken is forgotten.  0 or -1 (no memory).
 */
int ipset_kern_add(struct ipset_net *in, struct ipset_set *s, uint32_t idx)
{
	if (!ipset_kern_used(s))
		return 0;
	if (ipset_kern_table(s))
		return -1;
	for (;;) {
		uint32_t h = ipset_kern_bucket_of(s, &s->ents[idx].key, s->kbits);
		struct ipset_kbucket *b = &s->kb[h];

		for (uint32_t j = 0; j < b->pos; j++) {
			uint32_t e = b->slot[j];

			if (e && !ipset_store_expired(in, s, e - 1))
				continue;
			if (e)
				ipset_store_forget(s, e - 1);
			b->slot[j] = idx + 1;
			return 0;
		}
		if (ipset_kern_put(s, b, idx, &s->kext) == 0)
			return 0;
		if (ipset_kern_resize(in, s))
			return -1;
	}
}

/* mtype_del(): free the slot; shrink or drop the bucket as the kernel does. */
void ipset_kern_del(struct ipset_set *s, uint32_t idx)
{
	if (!ipset_kern_used(s) || !s->kb)
		return;
	uint32_t h = ipset_kern_bucket_of(s, &s->ents[idx].key, s->kbits);
	struct ipset_kbucket *b = &s->kb[h];
	uint32_t dsize = ipset_kern_dsize(s), k = 0, i;

	for (i = 0; i < b->pos && b->slot[i] != idx + 1; i++)
		if (!b->slot[i])
			k++;
	if (i == b->pos)
		return;
	b->slot[i] = 0;
	if (i + 1 == b->pos)
		b->pos--;
	for (; i < b->pos; i++)
		if (!b->slot[i])
			k++;
	/* every position below pos unused: the bucket goes (Linux 6.18 stable: "k == n->pos") */
	if (k == b->pos) {
		s->kext -= HBUCKET_SIZE + (uint64_t)b->size * dsize;
		free(b->slot);
		memset(b, 0, sizeof(*b));
	} else if (k >= AHASH_INIT_SIZE) {
		uint32_t n = 0;

		for (uint32_t j = 0; j < b->pos; j++)
			if (b->slot[j])
				b->slot[n++] = b->slot[j];
		for (uint32_t j = n; j < b->size; j++)
			b->slot[j] = 0;
		b->pos = (uint8_t)n;
		b->size -= AHASH_INIT_SIZE;
		s->kext -= HBUCKET_SIZE + AHASH_INIT_SIZE * dsize;
	}
}

/* After the store compacted its array: entry old became remap[old] (UINT32_MAX: gone). */
void ipset_kern_remap(struct ipset_set *s, const uint32_t *remap)
{
	if (!s->kb)
		return;
	for (uint32_t i = 0; i < (1u << s->kbits); i++)
		for (uint32_t j = 0; j < s->kb[i].pos; j++)
			if (s->kb[i].slot[j])
				s->kb[i].slot[j] = remap[s->kb[i].slot[j] - 1] + 1;
}

/* Live members in the kernel's listing order (mtype_list walks buckets, then slots). */
uint32_t ipset_kern_order(const struct ipset_net *in, const struct ipset_set *s, uint32_t *idx)
{
	uint32_t n = 0;

	if (!s->kb)
		return 0;
	for (uint32_t i = 0; i < (1u << s->kbits); i++)
		for (uint32_t j = 0; j < s->kb[i].pos; j++) {
			uint32_t e = s->kb[i].slot[j];

			if (e && !s->ents[e - 1].dead &&
			    !ipset_store_expired((struct ipset_net *)in, s, e - 1))
				idx[n++] = e - 1;
		}
	return n;
}

/* The table size `ipset list` reports (it doubles on resize). */
uint32_t ipset_kern_hashsize(const struct ipset_set *s)
{
	/* a flush frees the buckets; the grown table keeps its size */
	return s->kbits ? 1u << s->kbits : s->o.hashsize;
}

/*
 * "Size in memory": the set struct and its regions, the buckets' accounting and
 * the comments (mtype_ahash_memsize() + set->ext_size), measured on Linux 6.x for
 * the empty sets with one region.
 */
uint64_t ipset_kern_memsize(const struct ipset_set *s)
{
	bool v6 = s->o.family == IPSET_FAM_INET6;
	uint64_t base;
	unsigned int bits = s->kbits ? s->kbits : ipset_kern_bits(s->o.hashsize);
	uint64_t regions = bits < 10 ? 1 : 1ull << (bits - 10);

	switch (s->type->kind) {
	case IPSET_HASH_IP: base = v6 ? 224 : 216; break;
	case IPSET_HASH_NET:
	case IPSET_HASH_NETPORT: base = v6 ? 1240 : 456; break;
	case IPSET_HASH_IPPORT: base = v6 ? 232 : 216; break;
	case IPSET_HASH_IPPORTIP: base = v6 ? 232 : 208; break;
	case IPSET_HASH_NETIFACE: base = v6 ? 1264 : 488; break;
	default: base = 208; break;        /* hash:mac: not measured (no module here) */
	}
	return base + (regions - 1) * REGION_SIZE + s->kext + s->kcomment;
}

/* set->ext_size of a comment (ip_set_init_comment / ip_set_comment_free). */
uint64_t ipset_kern_comment_size(const char *c)
{
	return c ? COMMENT_RCU_SIZE + strlen(c) + 1 : 0;
}
