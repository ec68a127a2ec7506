/* ipset_print: `ipset list` and `ipset save` text of a set, as ipset 7.17 prints it. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipset/ipset_int.h"
#include "stack/net.h"

struct ipset_icmp_name {
	uint8_t type, code;
	const char *name;
};

/* ipset's icmp.c / icmpv6.c names, printed instead of "type/code" when known. */
static const struct ipset_icmp_name ipset_icmp4[] = {
	{ 0, 0, "echo-reply" }, { 3, 0, "network-unreachable" }, { 3, 1, "host-unreachable" },
	{ 3, 2, "protocol-unreachable" }, { 3, 3, "port-unreachable" },
	{ 3, 4, "fragmentation-needed" }, { 3, 5, "source-route-failed" },
	{ 3, 6, "network-unknown" }, { 3, 7, "host-unknown" }, { 3, 9, "network-prohibited" },
	{ 3, 10, "host-prohibited" }, { 3, 11, "TOS-network-unreachable" },
	{ 3, 12, "TOS-host-unreachable" }, { 3, 13, "communication-prohibited" },
	{ 3, 14, "host-precedence-violation" }, { 3, 15, "precedence-cutoff" },
	{ 4, 0, "source-quench" }, { 5, 0, "network-redirect" }, { 5, 1, "host-redirect" },
	{ 5, 2, "TOS-network-redirect" }, { 5, 3, "TOS-host-redirect" },
	{ 8, 0, "echo-request" }, { 9, 0, "router-advertisement" },
	{ 10, 0, "router-solicitation" }, { 11, 0, "ttl-zero-during-transit" },
	{ 11, 1, "ttl-zero-during-reassembly" }, { 12, 0, "ip-header-bad" },
	{ 12, 1, "required-option-missing" }, { 13, 0, "timestamp-request" },
	{ 14, 0, "timestamp-reply" }, { 17, 0, "address-mask-request" },
	{ 18, 0, "address-mask-reply" },
};

static const struct ipset_icmp_name ipset_icmp6[] = {
	{ 1, 0, "no-route" }, { 1, 1, "communication-prohibited" },
	{ 1, 3, "address-unreachable" }, { 1, 4, "port-unreachable" },
	{ 2, 0, "packet-too-big" }, { 3, 0, "ttl-zero-during-transit" },
	{ 3, 1, "ttl-zero-during-reassembly" }, { 4, 0, "bad-header" },
	{ 4, 1, "unknown-header-type" }, { 4, 2, "unknown-option" },
	{ 128, 0, "echo-request" }, { 129, 0, "echo-reply" },
	{ 133, 0, "router-solicitation" }, { 134, 0, "router-advertisement" },
	{ 135, 0, "neighbour-solicitation" }, { 136, 0, "neighbour-advertisement" },
	{ 137, 0, "redirect" },
};

const char *ipset_icmp_name(bool v6, uint8_t type, uint8_t code);
const char *ipset_icmp_name(bool v6, uint8_t type, uint8_t code)
{
	const struct ipset_icmp_name *t = v6 ? ipset_icmp6 : ipset_icmp4;
	size_t n = v6 ? sizeof(ipset_icmp6) / sizeof(*t) : sizeof(ipset_icmp4) / sizeof(*t);

	for (size_t i = 0; i < n; i++)
		if (t[i].type == type && t[i].code == code)
			return t[i].name;
	return NULL;
}

/* ipset_icmp_parse: name or "type/code" into type << 8 | code; 0 or -1. */
int ipset_icmp_parse(bool v6, const char *s, uint16_t *out);
int ipset_icmp_parse(bool v6, const char *s, uint16_t *out)
{
	const struct ipset_icmp_name *t = v6 ? ipset_icmp6 : ipset_icmp4;
	size_t n = v6 ? sizeof(ipset_icmp6) / sizeof(*t) : sizeof(ipset_icmp4) / sizeof(*t);
	unsigned int type, code;
	char extra;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(t[i].name, s)) {
			*out = (uint16_t)(t[i].type << 8 | t[i].code);
			return 0;
		}
	}
	if (sscanf(s, "%u/%u%c", &type, &code, &extra) != 2 || type > 255 || code > 255)
		return -1;
	*out = (uint16_t)(type << 8 | code);
	return 0;
}

static void ipset_print_addr(const struct ipset_set *s, const uint8_t *a, unsigned int cidr,
			     bool show_cidr, struct strbuf *out)
{
	char buf[INET6_ADDRSTRLEN];
	bool v6 = s->o.family == IPSET_FAM_INET6;

	inet_ntop(v6 ? AF_INET6 : AF_INET, a, buf, sizeof(buf));
	sb_add(out, buf);
	if (show_cidr && cidr != (v6 ? 128u : 32u))
		sb_addf(out, "/%u", cidr);
}

static const char *ipset_proto_name(uint8_t p)
{
	static char num[8];
	const struct protoent *pe;

	switch (p) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "ipv6-icmp";
	case 132: return "sctp";
	case 136: return "udplite";
	default:
		pe = getprotobynumber(p);
		if (pe)
			return pe->p_name;
		snprintf(num, sizeof(num), "%u", p);
		return num;
	}
}

/* ipset_print_proto_port(): "tcp:80", "icmp:echo-request", "gre:0". */
static void ipset_print_proto_port(const struct ipset_set *s, const struct ipset_key *k,
				   struct strbuf *out)
{
	if (k->proto == 1 || k->proto == 58) {
		const char *n = ipset_icmp_name(k->proto == 58, (uint8_t)(k->port >> 8),
						(uint8_t)k->port);

		sb_addf(out, "%s:", k->proto == 58 ? "ipv6-icmp" : "icmp");
		if (n)
			sb_add(out, n);
		else
			sb_addf(out, "%u/%u", k->port >> 8, k->port & 0xff);
		return;
	}
	sb_addf(out, "%s:%u", ipset_proto_name(k->proto), k->port);
}

void ipset_print_key(const struct ipset_net *in, const struct ipset_set *s,
		     const struct ipset_key *k, struct strbuf *out)
{
	switch (s->type->kind) {
	case IPSET_HASH_IP:
	case IPSET_BITMAP_IP:
		ipset_print_addr(s, k->ip, 0, false, out);
		break;
	case IPSET_HASH_NET:
		ipset_print_addr(s, k->ip, k->cidr, true, out);
		break;
	case IPSET_HASH_IPPORT:
	case IPSET_HASH_IPPORTIP:
		ipset_print_addr(s, k->ip, 0, false, out);
		sb_addc(out, ',');
		ipset_print_proto_port(s, k, out);
		if (s->type->kind == IPSET_HASH_IPPORTIP) {
			sb_addc(out, ',');
			ipset_print_addr(s, k->ip2, 0, false, out);
		}
		break;
	case IPSET_HASH_NETPORT:
		ipset_print_addr(s, k->ip, k->cidr, true, out);
		sb_addc(out, ',');
		ipset_print_proto_port(s, k, out);
		break;
	case IPSET_HASH_NETIFACE:
		ipset_print_addr(s, k->ip, k->cidr, true, out);
		sb_addf(out, ",%s%s", k->physdev ? "physdev:" : "", k->iface);
		break;
	case IPSET_HASH_MAC:
		sb_addf(out, "%02X:%02X:%02X:%02X:%02X:%02X", k->mac[0], k->mac[1], k->mac[2],
			k->mac[3], k->mac[4], k->mac[5]);
		break;
	case IPSET_BITMAP_PORT:
		sb_addf(out, "%u", k->port);
		break;
	case IPSET_LIST_SET: {
		const struct ipset_set *m = ipset_get(in, ipset_key_setid(k));

		sb_add(out, m ? m->name : "");
		break;
	}
	}
}

static void ipset_print_v4range(uint32_t lo, uint32_t hi, struct strbuf *out)
{
	sb_addf(out, "range %u.%u.%u.%u-%u.%u.%u.%u", lo >> 24, (lo >> 16) & 255,
		(lo >> 8) & 255, lo & 255, hi >> 24, (hi >> 16) & 255, (hi >> 8) & 255, hi & 255);
}

/* The create options in the order of the type's IPSET_CREATE args (list_create()). */
static void ipset_print_header(const struct ipset_set *s, struct strbuf *out)
{
	const struct ipset_create_opts *o = &s->o;
	bool hash = true;

	switch (s->type->kind) {
	case IPSET_BITMAP_IP:
		ipset_print_v4range(o->range_lo, o->range_hi, out);
		if (o->netmask)
			sb_addf(out, " netmask %u", o->netmask);
		hash = false;
		break;
	case IPSET_BITMAP_PORT:
		sb_addf(out, "range %u-%u", o->range_lo, o->range_hi);
		hash = false;
		break;
	case IPSET_LIST_SET:
		sb_addf(out, "size %u", o->size);
		hash = false;
		break;
	case IPSET_HASH_MAC:
		sb_addf(out, "hashsize %u maxelem %u", ipset_kern_hashsize(s), o->maxelem);
		break;
	default:
		sb_addf(out, "family %s hashsize %u maxelem %u",
			o->family == IPSET_FAM_INET6 ? "inet6" : "inet", ipset_kern_hashsize(s),
			o->maxelem);
		if (s->type->kind == IPSET_HASH_IP && o->netmask)
			sb_addf(out, " netmask %u", o->netmask);
		break;
	}
	if (o->has_timeout)
		sb_addf(out, " timeout %u", o->timeout);
	if (o->counters)
		sb_add(out, " counters");
	if (o->comment)
		sb_add(out, " comment");
	if (hash && o->forceadd)
		sb_add(out, " forceadd");
	if (o->skbinfo)
		sb_add(out, " skbinfo");
	if (hash)
		sb_addf(out, " bucketsize %u initval 0x%08x", o->bucketsize, o->initval);
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

static void ipset_print_member(const struct ipset_net *in, const struct ipset_set *s,
			       const struct ipset_entry *e, struct strbuf *out)
{
	ipset_print_key(in, s, &e->key, out);
	if (s->o.has_timeout)
		sb_addf(out, " timeout %u", ipset_timeout_left(e, in->net->now_ns));
	if (e->nomatch)
		sb_add(out, " nomatch");
	if (s->o.counters)
		sb_addf(out, " packets %llu bytes %llu", (unsigned long long)e->packets,
			(unsigned long long)e->bytes);
	if (s->o.comment && e->comment)
		sb_addf(out, " comment \"%s\"", e->comment);
	/* ip_set_put_skbinfo() sends only non-zero values */
	if (s->o.skbinfo && (e->skb.skbmark || e->skb.skbmarkmask)) {
		sb_addf(out, " skbmark 0x%x", e->skb.skbmark);
		if (e->skb.skbmarkmask != 0xffffffffu)
			sb_addf(out, "/0x%x", e->skb.skbmarkmask);
	}
	if (s->o.skbinfo && e->skb.skbprio)
		sb_addf(out, " skbprio %x:%x", e->skb.skbprio >> 16, e->skb.skbprio & 0xffff);
	if (s->o.skbinfo && e->skb.skbqueue)
		sb_addf(out, " skbqueue %u", e->skb.skbqueue);
}

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
 * (ipset_kern.c), insertion order for list:set, ascending for bitmaps (the kernel
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

/* Bytes of the extensions of one bitmap element (ip_set_elem_len() with no element). */
static uint64_t ipset_bitmap_dsize(const struct ipset_set *s)
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

/*
 * "Size in memory:" as Linux 6.x reports it: hash types from the layout model;
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
		uint64_t elems = (uint64_t)s->o.range_hi - s->o.range_lo + 1;

		if (s->type->kind == IPSET_BITMAP_IP && s->o.netmask)
			elems = (elems + (1ull << (32 - s->o.netmask)) - 1) >> (32 - s->o.netmask);
		return (s->type->kind == IPSET_BITMAP_IP ? 88 : 72) + (elems + 63) / 64 * 8 +
		       elems * ipset_bitmap_dsize(s) + kc;
	}
	case IPSET_LIST_SET:
		/* struct set_elem (48) and its extensions per member */
		return 80 + (uint64_t)n * (48 + ipset_bitmap_dsize(s)) + kc;
	default:
		return ipset_kern_memsize(s);
	}
}

void ipset_print_set(const struct ipset_net *in, const struct ipset_set *s, bool save,
		     bool terse, struct strbuf *out)
{
	uint32_t *idx = s->nents ? calloc(s->nents, sizeof(*idx)) : NULL;
	uint32_t n = idx ? ipset_list_order(in, s, idx) : 0;
	int id = ipset_find(in, s->name);

	if (save) {
		sb_addf(out, "create %s %s ", s->name, s->type->name);
		ipset_print_header(s, out);
		sb_addc(out, '\n');
		for (uint32_t i = 0; i < n && !terse; i++) {
			sb_addf(out, "add %s ", s->name);
			ipset_print_member(in, s, &s->ents[idx[i]], out);
			sb_addc(out, '\n');
		}
		free(idx);
		return;
	}
	sb_addf(out, "Name: %s\nType: %s\nRevision: %u\nHeader: ", s->name, s->type->name,
		s->type->revision);
	ipset_print_header(s, out);
	sb_addf(out, "\nSize in memory: %llu\nReferences: %u\nNumber of entries: %u\n",
		(unsigned long long)ipset_memsize(s, n), ipset_refs(in, (unsigned int)id), n);
	if (!terse) {
		sb_add(out, "Members:\n");
		for (uint32_t i = 0; i < n; i++) {
			ipset_print_member(in, s, &s->ents[idx[i]], out);
			sb_addc(out, '\n');
		}
	}
	free(idx);
}
