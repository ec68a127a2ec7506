/*
 * ipset_dump: what the kernel sends for `ipset list/save` (ip_set_dump_do): a
 * header per set (the type's head(): sizes, options, references, memory size,
 * number of entries) and the members in the kernel's listing order (the type's
 * list(): data attributes and ip_set_put_extensions()).  The command renders them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipset/ipset_int.h"
#include "stack/net.h"

static bool ipset_live(const struct ipset_entry *e, uint64_t now)
{
	return !e->dead && !(e->expires_ns && now >= e->expires_ns);
}

static uint32_t ipset_bitmap_value(const struct ipset_set *s, const struct ipset_key *k)
{
	if (s->type->kind == IPSET_BITMAP_PORT)
		return k->port;
	return (uint32_t)k->ip[0] << 24 | k->ip[1] << 16 | k->ip[2] << 8 | k->ip[3];
}

/*
 * The live entries in listing order: the kernel's bucket order for hash types
 * (ipset_kern.c), list order for list:set, ascending for bitmaps (the kernel
 * walks the bitmap).  Fills idx, returns count.
 */
static uint32_t ipset_list_order(const struct ipset_net *in, const struct ipset_set *s,
				 uint32_t *idx)
{
	uint32_t n = 0;
	uint64_t now = in->net->now_ns;

	if (s->type->kind <= IPSET_HASH_MAC)
		return ipset_kern_order(in, s, idx);
	for (uint32_t i = 0; i < s->nents; i++)
		if (ipset_live(&s->ents[i], now))
			idx[n++] = i;
	if (s->type->kind == IPSET_BITMAP_IP || s->type->kind == IPSET_BITMAP_PORT) {
		/* insertion sort is fine: bitmaps hold at most 65536 entries, listed rarely */
		for (uint32_t i = 1; i < n; i++) {
			uint32_t v = idx[i], key = ipset_bitmap_value(s, &s->ents[v].key), j = i;

			while (j > 0 && ipset_bitmap_value(s, &s->ents[idx[j - 1]].key) > key) {
				idx[j] = idx[j - 1];
				j--;
			}
			idx[j] = v;
		}
	}
	return n;
}

/* Bytes of the extensions of one element (ip_set_elem_len() with no element). */
static uint64_t ipset_ext_dsize(const struct ipset_set *s)
{
	uint64_t off = 0;

	if (s->o.has_timeout)
		off += 8;
	if (s->o.counters)
		off += 16;
	if (s->o.comment)
		off += 8;
	if (s->o.skbinfo)
		off += 16;
	return off;
}

/* The number of bits of a bitmap:ip set (bitmap_ip_create's elements, range_to_mask). */
static uint64_t ipset_bitmap_ip_elements(const struct ipset_create_opts *o)
{
	uint32_t mask = 0xfffffffeu;
	uint8_t bits = 32;

	if (!o->netmask)
		return (uint64_t)o->range_hi - o->range_lo + 1;
	while (--bits > 0 && mask && (o->range_hi & mask) != o->range_lo)
		mask <<= 1;
	return o->netmask > bits ? 2ull << (o->netmask - bits - 1) : 1;
}

/*
 * "Size in memory" as Linux 6.x reports it: hash types from the layout model;
 * bitmaps: the struct (88 bitmap:ip, 72 bitmap:port), the bitmap in longs and the
 * extension array; list:set: the struct and one set_elem per member; plus the
 * comments (all measured on Linux 6.18).
 */
static uint64_t ipset_memsize(const struct ipset_set *s, uint32_t n)
{
	uint64_t kc = s->kcomment;

	switch (s->type->kind) {
	case IPSET_BITMAP_IP:
	case IPSET_BITMAP_PORT: {
		uint64_t elems = s->type->kind == IPSET_BITMAP_IP ? ipset_bitmap_ip_elements(&s->o) :
				 (uint64_t)s->o.range_hi - s->o.range_lo + 1;

		return (s->type->kind == IPSET_BITMAP_IP ? 88 : 72) + (elems + 63) / 64 * 8 +
		       elems * ipset_ext_dsize(s) + kc;
	}
	case IPSET_LIST_SET:
		/* struct set_elem (48) and its extensions per member */
		return 80 + (uint64_t)n * (48 + ipset_ext_dsize(s)) + kc;
	default:
		return ipset_kern_memsize(s);
	}
}

static uint32_t ipset_live_count(const struct ipset_net *in, const struct ipset_set *s)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->nents; i++)
		n += ipset_live(&s->ents[i], in->net->now_ns);
	return n;
}

/* ip_set_put_flags(): the timeout and the extension flags */
static void ipset_head_flags(const struct ipset_set *s, struct ipset_attrs *h)
{
	uint32_t f = (s->o.counters ? IPSET_FLAG_WITH_COUNTERS : 0) |
		     (s->o.comment ? IPSET_FLAG_WITH_COMMENT : 0) |
		     (s->o.skbinfo ? IPSET_FLAG_WITH_SKBINFO : 0) |
		     (s->o.forceadd ? IPSET_FLAG_WITH_FORCEADD : 0);

	if (s->o.has_timeout) {
		h->has |= IPSET_A(TIMEOUT);
		h->timeout = s->o.timeout;
	}
	if (f) {
		h->has |= IPSET_A(CADT_FLAGS);
		h->cadt_flags = f;
	}
}

/* mtype_head() of the hash types */
static void ipset_hash_head(const struct ipset_set *s, struct ipset_attrs *h)
{
	static const uint8_t ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	h->has |= IPSET_A(HASHSIZE) | IPSET_A(MAXELEM) | IPSET_A(BUCKETSIZE) | IPSET_A(INITVAL);
	h->hashsize = ipset_kern_hashsize(s);
	h->maxelem = s->o.maxelem;
	h->bucketsize = (uint8_t)s->o.bucketsize;
	h->initval = s->o.initval;
	if (s->o.netmask) {
		h->has |= IPSET_A(NETMASK);
		h->netmask = s->o.netmask;
	} else if (s->o.has_bitmask && memcmp(s->o.bitmask, ones, sizeof(ones))) {
		h->has |= IPSET_A(BITMASK);
		memcpy(h->bitmask, s->o.bitmask, sizeof(h->bitmask));
	}
}

void ipset_dump_head(const struct ipset_net *in, unsigned int id, struct ipset_attrs *h)
{
	const struct ipset_set *s = ipset_get(in, id);
	uint32_t n;

	memset(h, 0, sizeof(*h));
	if (!s)
		return;
	n = ipset_live_count(in, s);
	switch (s->type->kind) {
	case IPSET_BITMAP_IP:
		h->has |= IPSET_A(IP) | IPSET_A(IP_TO);
		h->ip[0] = (uint8_t)(s->o.range_lo >> 24);
		h->ip[1] = (uint8_t)(s->o.range_lo >> 16);
		h->ip[2] = (uint8_t)(s->o.range_lo >> 8);
		h->ip[3] = (uint8_t)s->o.range_lo;
		h->ip_to[0] = (uint8_t)(s->o.range_hi >> 24);
		h->ip_to[1] = (uint8_t)(s->o.range_hi >> 16);
		h->ip_to[2] = (uint8_t)(s->o.range_hi >> 8);
		h->ip_to[3] = (uint8_t)s->o.range_hi;
		if (s->o.netmask) {
			h->has |= IPSET_A(NETMASK);
			h->netmask = s->o.netmask;
		}
		break;
	case IPSET_BITMAP_PORT:
		h->has |= IPSET_A(PORT) | IPSET_A(PORT_TO);
		h->port = (uint16_t)s->o.range_lo;
		h->port_to = (uint16_t)s->o.range_hi;
		break;
	case IPSET_LIST_SET:
		h->has |= IPSET_A(SIZE);
		h->size = s->o.size;
		break;
	default:
		ipset_hash_head(s, h);
		break;
	}
	h->has |= IPSET_A(REFERENCES) | IPSET_A(MEMSIZE) | IPSET_A(ELEMENTS);
	h->references = ipset_refs(in, id);
	h->memsize = (uint32_t)ipset_memsize(s, n);
	h->elements = n;
	ipset_head_flags(s, h);
}

/* The seconds left, as ip_set_timeout_get(): truncated, at least 1. */
static uint32_t ipset_timeout_left(const struct ipset_entry *e, uint64_t now)
{
	uint64_t left;

	if (!e->expires_ns)
		return 0;
	left = (e->expires_ns - now) / 1000000000ull;
	return left ? (uint32_t)left : 1;
}

/* The type's data_list(): the element's own attributes. */
static void ipset_member_data(const struct ipset_net *in, const struct ipset_set *s,
			      const struct ipset_entry *e, struct ipset_attrs *m)
{
	const struct ipset_key *k = &e->key;
	uint32_t flags = e->nomatch ? IPSET_FLAG_NOMATCH : 0;

	switch (s->type->kind) {
	case IPSET_HASH_MAC:
		m->has |= IPSET_A(ETHER);
		memcpy(m->ether, k->mac, 6);
		return;
	case IPSET_BITMAP_PORT:
		m->has |= IPSET_A(PORT);
		m->port = k->port;
		return;
	case IPSET_LIST_SET: {
		const struct ipset_set *ms = ipset_get(in, ipset_key_setid(k));

		m->has |= IPSET_A(NAME);
		memcpy(m->name, ms ? ms->name : "", ms ? sizeof(m->name) : 1);
		return;
	}
	default:
		break;
	}
	m->has |= IPSET_A(IP);
	memcpy(m->ip, k->ip, 16);
	if (s->type->has_cidr) {
		m->has |= IPSET_A(CIDR);
		m->cidr = k->cidr;
	}
	if (s->type->kind == IPSET_HASH_IPPORT || s->type->kind == IPSET_HASH_NETPORT ||
	    s->type->kind == IPSET_HASH_IPPORTIP) {
		m->has |= IPSET_A(PORT) | IPSET_A(PROTO);
		m->port = k->port;
		m->proto = k->proto;
	}
	if (s->type->kind == IPSET_HASH_IPPORTIP) {
		m->has |= IPSET_A(IP2);
		memcpy(m->ip2, k->ip2, 16);
	}
	if (s->type->kind == IPSET_HASH_NETIFACE) {
		m->has |= IPSET_A(IFACE);
		memcpy(m->iface, k->iface, sizeof(m->iface));
		flags |= (k->physdev ? IPSET_FLAG_PHYSDEV : 0) |
			 (e->wildcard ? IPSET_FLAG_IFACE_WILDCARD : 0);
	}
	if (flags) {
		m->has |= IPSET_A(CADT_FLAGS);
		m->cadt_flags = flags;
	}
}

/* ip_set_put_extensions(): timeout, counters, comment, the non-zero skbinfo parts */
static void ipset_member_ext(const struct ipset_net *in, const struct ipset_set *s,
			     const struct ipset_entry *e, struct ipset_attrs *m)
{
	if (s->o.has_timeout) {
		m->has |= IPSET_A(TIMEOUT);
		m->timeout = ipset_timeout_left(e, in->net->now_ns);
	}
	if (s->o.counters) {
		m->has |= IPSET_A(PACKETS) | IPSET_A(BYTES);
		m->packets = e->packets;
		m->bytes = e->bytes;
	}
	if (s->o.comment && e->comment) {
		m->has |= IPSET_A(COMMENT);
		snprintf(m->comment, sizeof(m->comment), "%s", e->comment);
	}
	if (!s->o.skbinfo)
		return;
	if (e->skb.skbmark || e->skb.skbmarkmask) {
		m->has |= IPSET_A(SKBMARK);
		m->skbmark = (uint64_t)e->skb.skbmark << 32 | e->skb.skbmarkmask;
	}
	if (e->skb.skbprio) {
		m->has |= IPSET_A(SKBPRIO);
		m->skbprio = e->skb.skbprio;
	}
	if (e->skb.skbqueue) {
		m->has |= IPSET_A(SKBQUEUE);
		m->skbqueue = e->skb.skbqueue;
	}
}

void ipset_dump_members(const struct ipset_net *in, unsigned int id, ipset_member_fn fn,
			void *ctx)
{
	const struct ipset_set *s = ipset_get(in, id);
	uint32_t *idx, n;
	struct ipset_attrs m;

	if (!s || !s->nents)
		return;
	idx = calloc(s->nents, sizeof(*idx));
	if (!idx)
		return;
	n = ipset_list_order(in, s, idx);
	for (uint32_t i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		ipset_member_data(in, s, &s->ents[idx[i]], &m);
		ipset_member_ext(in, s, &s->ents[idx[i]], &m);
		fn(ctx, &m);
	}
	free(idx);
}
