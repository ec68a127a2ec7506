/*
 * ipset_uadt: the kernel's side of the ipset command — ip_set_create() with the
 * types' create() checks, the control operations, and each type's uadt(): the
 * element of a request checked, its range expanded, each key added, deleted or
 * tested.  Answers are the kernel's codes (negated IPSET_ERR_* or errno), in the
 * order the kernel checks (net/netfilter/ipset/ip_set_core.c, ip_set_hash_*.c,
 * ip_set_bitmap_*.c, ip_set_list_set.c of Linux 6.x).
 */
#include <errno.h>
#include <string.h>

#include "ipset/ipset.h"
#include "ipset/ipset_int.h"
#include "stack/net.h"

#define HAS(a, x) ((a)->has & IPSET_A(x))
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58
#define PROTO_SCTP 132
#define PROTO_UDPLITE 136
#define IPSET_BITMAP_MAX_RANGE 0xffff

static uint32_t ip4(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
}

static void ip4_put(uint8_t *a, uint32_t v)
{
	a[0] = (uint8_t)(v >> 24);
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

/* ip_set_hostmask(cidr) in host order */
static uint32_t hostmask4(unsigned int cidr)
{
	return cidr ? 0xffffffffu << (32 - cidr) : 0;
}

static bool ip6_zero(const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

/* ip_set_proto_with_ports() */
static bool with_ports(uint8_t proto)
{
	return proto == PROTO_TCP || proto == PROTO_SCTP || proto == PROTO_UDP ||
	       proto == PROTO_UDPLITE;
}

/* The number of leading one bits of a range's common prefix (ip_set_range_to_cidr). */
static uint32_t range_to_cidr(uint32_t from, uint32_t to, uint8_t *cidr)
{
	for (unsigned int c = 1; c <= 32; c++) {
		uint32_t last = from | ~hostmask4(c);

		if ((from & hostmask4(c)) == from && last <= to) {
			*cidr = (uint8_t)c;
			return last;
		}
	}
	*cidr = 32;
	return from;
}

/* ---- creation ---- */

static int ipset_hash_opts(const struct ipset_type *t, uint8_t family, const struct ipset_attrs *a,
			   struct ipset_create_opts *o)
{
	bool with_netmask = t->kind == IPSET_HASH_IP || t->kind == IPSET_HASH_IPPORT;
	unsigned int host = family == IPSET_FAM_INET6 ? 128 : 32, len = host / 8;

	if (t->kind == IPSET_HASH_MAC ? family != IPSET_FAM_UNSPEC :
	    family != IPSET_FAM_INET && family != IPSET_FAM_INET6)
		return -IPSET_ERR_INVALID_FAMILY;
	if (with_netmask && HAS(a, NETMASK)) {
		if (a->netmask > host || !a->netmask)
			return -IPSET_ERR_INVALID_NETMASK;
		if (a->netmask != host)
			o->netmask = a->netmask;
	}
	if (with_netmask && HAS(a, BITMASK)) {
		if (HAS(a, NETMASK))
			return -IPSET_ERR_BITMASK_NETMASK_EXCL;
		memset(o->bitmask, 0xff, sizeof(o->bitmask));
		memcpy(o->bitmask, a->bitmask, len);
		if (ip6_zero(a->bitmask))
			return -IPSET_ERR_INVALID_NETMASK;
		o->has_bitmask = true;
	}
	o->hashsize = HAS(a, HASHSIZE) ? (a->hashsize ? a->hashsize : 1) : 0;
	if (HAS(a, MAXELEM)) {
		o->maxelem = a->maxelem;
		o->has_maxelem = true;
	}
	if (HAS(a, INITVAL)) {
		o->initval = a->initval;
		o->has_initval = true;
	}
	o->bucketsize = HAS(a, BUCKETSIZE) ? (a->bucketsize ? a->bucketsize : 1) : 0;
	return 0;
}

/* range_to_mask() of bitmap:ip: the prefix length first and last share. */
static uint32_t range_to_mask(uint32_t from, uint32_t to, uint8_t *bits)
{
	uint32_t mask = 0xfffffffeu;

	*bits = 32;
	while (--(*bits) > 0 && mask && (to & mask) != from)
		mask <<= 1;
	return mask;
}

/* bitmap_ip_create() */
static int ipset_bitmap_ip_opts(const struct ipset_attrs *a, struct ipset_create_opts *o)
{
	uint32_t first, last;
	uint64_t elements;
	uint8_t netmask = 32;

	if (!HAS(a, IP))
		return -IPSET_ERR_PROTOCOL;
	first = ip4(a->ip);
	if (HAS(a, IP_TO)) {
		last = ip4(a->ip_to);
		if (first > last) {
			uint32_t t = first;

			first = last;
			last = t;
		}
	} else if (HAS(a, CIDR)) {
		if (a->cidr >= 32)
			return -IPSET_ERR_INVALID_CIDR;
		first &= hostmask4(a->cidr);
		last = first | ~hostmask4(a->cidr);
	} else {
		return -IPSET_ERR_PROTOCOL;
	}
	if (HAS(a, NETMASK)) {
		netmask = a->netmask;
		if (netmask > 32)
			return -IPSET_ERR_INVALID_NETMASK;
		first &= hostmask4(netmask);
		last |= ~hostmask4(netmask);
	}
	if (netmask == 32) {
		elements = (uint64_t)last - first + 1;
	} else {
		uint8_t bits;
		uint32_t mask = range_to_mask(first, last, &bits);

		if ((!mask && (first || last != 0xffffffffu)) || netmask <= bits)
			return -IPSET_ERR_BITMAP_RANGE;
		elements = 2ull << (netmask - bits - 1);
	}
	if (elements > IPSET_BITMAP_MAX_RANGE + 1)
		return -IPSET_ERR_BITMAP_RANGE_SIZE;
	o->range_lo = first;
	o->range_hi = last;
	o->netmask = netmask == 32 ? 0 : netmask;
	o->has_range = true;
	return 0;
}

/* bitmap_port_create() */
static int ipset_bitmap_port_opts(const struct ipset_attrs *a, struct ipset_create_opts *o)
{
	if (!HAS(a, PORT) || !HAS(a, PORT_TO))
		return -IPSET_ERR_PROTOCOL;
	o->range_lo = a->port < a->port_to ? a->port : a->port_to;
	o->range_hi = a->port < a->port_to ? a->port_to : a->port;
	o->has_range = true;
	return 0;
}

int ipset_ucreate(struct ipset_net *in, const char *name, const char *typename,
		  uint8_t family, const struct ipset_attrs *a, bool exist)
{
	const struct ipset_type *t = ipset_type_find(typename);
	struct ipset_create_opts o = { .family = family };
	int rc = 0;

	/* find_set_type_get(): the type must exist for this family */
	if (!t || (t->family != IPSET_FAM_UNSPEC && t->family != family))
		return -IPSET_ERR_FIND_TYPE;
	switch (t->kind) {
	case IPSET_BITMAP_IP:
		rc = ipset_bitmap_ip_opts(a, &o);
		break;
	case IPSET_BITMAP_PORT:
		rc = ipset_bitmap_port_opts(a, &o);
		break;
	case IPSET_LIST_SET:
		o.size = HAS(a, SIZE) ? (a->size ? a->size : 1) : 0;
		break;
	default:
		rc = ipset_hash_opts(t, family, a, &o);
		break;
	}
	if (rc)
		return rc;
	if (HAS(a, TIMEOUT)) {
		o.has_timeout = true;
		o.timeout = a->timeout > IPSET_MAX_TIMEOUT ? IPSET_MAX_TIMEOUT : a->timeout;
	}
	if (HAS(a, CADT_FLAGS)) {
		o.counters = a->cadt_flags & IPSET_FLAG_WITH_COUNTERS;
		o.comment = a->cadt_flags & IPSET_FLAG_WITH_COMMENT;
		o.skbinfo = a->cadt_flags & IPSET_FLAG_WITH_SKBINFO;
		o.forceadd = a->cadt_flags & IPSET_FLAG_WITH_FORCEADD;
	}
	rc = ipset_create(in, name, t, &o, exist);
	if (rc == -IPSET_E_EXIST)
		return -EEXIST;
	if (rc == -IPSET_E_FULL_SETS)
		return -IPSET_ERR_MAX_SETS;
	return rc ? -ENOMEM : 0;
}

/* ---- destroy, flush, rename, swap ---- */

int ipset_udestroy(struct ipset_net *in, const char *name, bool exist)
{
	int id = name ? ipset_find(in, name) : -1;

	if (name && id < 0)
		return exist ? 0 : -ENOENT;
	return ipset_destroy(in, id) ? -IPSET_ERR_BUSY : 0;
}

int ipset_uflush(struct ipset_net *in, const char *name)
{
	int id = name ? ipset_find(in, name) : -1;

	if (name && id < 0)
		return -ENOENT;
	return ipset_flush(in, id);
}

int ipset_urename(struct ipset_net *in, const char *from, const char *to)
{
	switch (ipset_rename(in, ipset_find(in, from), to)) {
	case 0:
		return 0;
	case -IPSET_E_NOENT:
		return -ENOENT;
	case -IPSET_E_BUSY:
		return -IPSET_ERR_REFERENCED;
	default:
		return -IPSET_ERR_EXIST_SETNAME2;
	}
}

int ipset_uswap(struct ipset_net *in, const char *from, const char *to)
{
	int a = ipset_find(in, from), b = ipset_find(in, to);

	if (a < 0)
		return -ENOENT;
	if (b < 0)
		return -IPSET_ERR_EXIST_SETNAME2;
	return ipset_swap(in, a, b) ? -IPSET_ERR_TYPE_MISMATCH : 0;
}

unsigned int ipset_references(const struct ipset_net *in, unsigned int id)
{
	return ipset_refs(in, id);
}

/* ---- add, del, test ---- */

/* One element operation: the uadt's flags as the kernel passes them to adtfn. */
struct ipset_op {
	struct ipset_net *in;
	struct ipset_set *s;
	enum ipset_adt adt;
	bool exist, nomatch;
	struct ipset_ext x;
};

/* ip_set_get_extensions(), in its order */
static int ipset_get_ext(struct ipset_op *op, const struct ipset_attrs *a)
{
	const struct ipset_create_opts *o = &op->s->o;
	struct ipset_ext *x = &op->x;

	memset(x, 0, sizeof(*x));
	x->timeout = IPSET_NO_TIMEOUT;
	x->before = x->after = -1;
	if (HAS(a, TIMEOUT)) {
		if (!o->has_timeout)
			return -IPSET_ERR_TIMEOUT;
		x->timeout = a->timeout > IPSET_MAX_TIMEOUT ? IPSET_MAX_TIMEOUT : a->timeout;
	}
	if (HAS(a, BYTES) || HAS(a, PACKETS)) {
		if (!o->counters)
			return -IPSET_ERR_COUNTER;
		x->has_bytes = HAS(a, BYTES);
		x->bytes = a->bytes;
		x->has_packets = HAS(a, PACKETS);
		x->packets = a->packets;
	}
	if (HAS(a, COMMENT)) {
		if (!o->comment)
			return -IPSET_ERR_COMMENT;
		x->comment = a->comment;
	}
	if (HAS(a, SKBMARK) || HAS(a, SKBPRIO) || HAS(a, SKBQUEUE)) {
		if (!o->skbinfo)
			return -IPSET_ERR_SKBINFO;
		x->skb.skbmark = (uint32_t)(a->skbmark >> 32);
		x->skb.skbmarkmask = (uint32_t)a->skbmark;
		x->skb.skbprio = a->skbprio;
		x->skb.skbqueue = a->skbqueue;
	}
	return 0;
}

/*
 * The type's adtfn for one key: add/del answer 0 or -IPSET_ERR_EXIST (the
 * element exists / does not), test 1, 0 or -ENOTEMPTY (a nomatch element).
 */
static int ipset_adtfn(struct ipset_op *op, struct ipset_key *k)
{
	struct ipset_set *s = op->s;
	struct ipset_entry *e;
	int rc;

	switch (op->adt) {
	case IPSET_ADD:
		op->x.nomatch = op->nomatch;
		rc = ipset_add(op->in, s, k, &op->x, op->exist);
		if (rc == -IPSET_E_ELEM_EXIST)
			return -IPSET_ERR_EXIST;
		if (rc == -IPSET_E_FULL)
			return -IPSET_ERR_HASH_FULL;
		if (rc == -IPSET_E_REF_NOENT)
			return -IPSET_ERR_REF_EXIST;
		return rc ? -ENOMEM : 0;
	case IPSET_DEL:
		return ipset_del(op->in, s, k, false) ? -IPSET_ERR_EXIST : 0;
	default:
		e = ipset_lookup_test(s, k, op->in->net->now_ns);
		return !e ? 0 : e->nomatch ? -ENOTEMPTY : 1;
	}
}

/* The uadt's tail: ip_set_enomatch() and ip_set_eexist() */
static int ipset_adt_ret(const struct ipset_op *op, int ret)
{
	if (op->adt == IPSET_TEST && ret == -ENOTEMPTY && op->nomatch)
		return -ret;
	return ret == -IPSET_ERR_EXIST && op->exist ? 0 : ret;
}

/* A key loop's step: stop at an error unless it is "exists" under -exist. */
static bool ipset_adt_stop(const struct ipset_op *op, int ret)
{
	return ret && !(ret == -IPSET_ERR_EXIST && op->exist);
}

static void ipset_key_ip4(struct ipset_key *k, uint32_t ip)
{
	memset(k->ip, 0, sizeof(k->ip));
	ip4_put(k->ip, ip);
}

static bool v6set(const struct ipset_set *s)
{
	return s->o.family == IPSET_FAM_INET6;
}

/* hash_ip4_uadt / hash_ip6_uadt */
static int ipset_uadt_hash_ip(struct ipset_op *op, const struct ipset_attrs *a)
{
	const struct ipset_set *s = op->s;
	struct ipset_key k = { 0 };
	int ret;

	if (!HAS(a, IP))
		return -IPSET_ERR_PROTOCOL;
	if (v6set(s)) {
		if (HAS(a, IP_TO))
			return -IPSET_ERR_HASH_RANGE_UNSUPPORTED;
		if (HAS(a, CIDR) && a->cidr != 128)
			return -IPSET_ERR_INVALID_CIDR;
		ret = ipset_get_ext(op, a);
		if (ret)
			return ret;
		for (int i = 0; i < 16; i++)
			k.ip[i] = a->ip[i] & s->o.bitmask[i];
		if (ip6_zero(k.ip))
			return -IPSET_ERR_HASH_ELEM;
		return ipset_adt_ret(op, ipset_adtfn(op, &k));
	}
	uint32_t mask = ip4(s->o.bitmask), ip = ip4(a->ip), ip_to;
	ret = ipset_get_ext(op, a);
	if (ret)
		return ret;
	ip &= mask;
	if (!ip)
		return -IPSET_ERR_HASH_ELEM;
	if (op->adt == IPSET_TEST) {
		ipset_key_ip4(&k, ip);
		return ipset_adtfn(op, &k);
	}
	ip_to = ip;
	if (HAS(a, IP_TO)) {
		ip_to = ip4(a->ip_to);
		if (ip > ip_to) {
			if (!ip_to)
				return -IPSET_ERR_HASH_ELEM;
			ip_to = ip;
			ip = ip4(a->ip_to);
		}
	} else if (HAS(a, CIDR)) {
		if (!a->cidr || a->cidr > 32)
			return -IPSET_ERR_INVALID_CIDR;
		ip &= hostmask4(a->cidr);
		ip_to = ip | ~hostmask4(a->cidr);
	}
	uint32_t hosts = s->o.netmask ? 2u << (32 - s->o.netmask - 1) : 1;
	for (uint64_t cur = ip; cur <= ip_to; cur += hosts) {
		ipset_key_ip4(&k, (uint32_t)cur);
		ret = ipset_adtfn(op, &k);
		if (ipset_adt_stop(op, ret))
			return ret;
		ret = 0;
	}
	return 0;
}

/* hash_net / hash_net,port / hash_net,iface over an IPv4 range: CIDR blocks (range_to_cidr). */
typedef int (*ipset_net_fn)(struct ipset_op *op, struct ipset_key *k, const struct ipset_attrs *a);

static int ipset_net4_range(struct ipset_op *op, struct ipset_key *k, const struct ipset_attrs *a,
			    uint32_t ip, uint32_t ip_to, ipset_net_fn fn)
{
	int ret = 0;

	for (uint64_t cur = ip; cur <= ip_to;) {
		uint8_t cidr;
		uint32_t last = range_to_cidr((uint32_t)cur, ip_to, &cidr);

		ipset_key_ip4(k, (uint32_t)cur);
		k->cidr = cidr;
		ret = fn(op, k, a);
		if (ret)
			return ret;
		cur = (uint64_t)last + 1;
	}
	return ret;
}

static int ipset_net_one(struct ipset_op *op, struct ipset_key *k, const struct ipset_attrs *a)
{
	int ret = ipset_adtfn(op, k);

	(void)a;
	return ipset_adt_stop(op, ret) ? ret : 0;
}

/* The IPv4 range of a net type's request: IP_TO (whole space refused) or the CIDR block. */
static int ipset_net4_bounds(const struct ipset_attrs *a, uint8_t cidr, uint32_t *ip,
			     uint32_t *ip_to)
{
	if (HAS(a, IP_TO)) {
		*ip_to = ip4(a->ip_to);
		if (*ip_to < *ip) {
			uint32_t t = *ip;

			*ip = *ip_to;
			*ip_to = t;
		}
		if (*ip == 0 && *ip_to == 0xffffffffu)
			return -IPSET_ERR_HASH_RANGE;
		return 0;
	}
	*ip &= hostmask4(cidr);
	*ip_to = *ip | ~hostmask4(cidr);
	return 0;
}

/* hash_net4_uadt / hash_net6_uadt */
static int ipset_uadt_hash_net(struct ipset_op *op, const struct ipset_attrs *a)
{
	struct ipset_key k = { 0 };
	uint8_t host = ipset_hostmask(op->s);
	int ret;

	if (!HAS(a, IP))
		return -IPSET_ERR_PROTOCOL;
	if (v6set(op->s) && HAS(a, IP_TO))
		return -IPSET_ERR_HASH_RANGE_UNSUPPORTED;
	ret = ipset_get_ext(op, a);
	if (ret)
		return ret;
	k.cidr = host;
	if (HAS(a, CIDR)) {
		if (!a->cidr || a->cidr > host)
			return -IPSET_ERR_INVALID_CIDR;
		k.cidr = a->cidr;
	}
	op->nomatch = HAS(a, CADT_FLAGS) && (a->cadt_flags & IPSET_FLAG_NOMATCH);
	memcpy(k.ip, a->ip, 16);
	if (v6set(op->s) || op->adt == IPSET_TEST || !HAS(a, IP_TO)) {
		ipset_addr_mask(k.ip, k.cidr, 16);
		return ipset_adt_ret(op, ipset_adtfn(op, &k));
	}
	uint32_t ip = ip4(a->ip), ip_to;
	ret = ipset_net4_bounds(a, k.cidr, &ip, &ip_to);
	return ret ? ret : ipset_net4_range(op, &k, a, ip, ip_to, ipset_net_one);
}

/* The protocol and port of a port type's request (hash_ipport4_uadt's middle part). */
static int ipset_port_attrs(const struct ipset_attrs *a, struct ipset_key *k, bool v6,
			    bool *ports)
{
	k->port = a->port;
	if (!HAS(a, PROTO))
		return -IPSET_ERR_MISSING_PROTO;
	k->proto = a->proto;
	*ports = with_ports(k->proto);
	if (!k->proto)
		return -IPSET_ERR_INVALID_PROTO;
	if (!(*ports || k->proto == (v6 ? PROTO_ICMPV6 : PROTO_ICMP)))
		k->port = 0;
	return 0;
}

static void ipset_port_bounds(const struct ipset_attrs *a, bool ports, uint16_t port,
			      uint32_t *lo, uint32_t *hi)
{
	*lo = *hi = port;
	if (ports && HAS(a, PORT_TO)) {
		*lo = port < a->port_to ? port : a->port_to;
		*hi = port < a->port_to ? a->port_to : port;
	}
}

/* Every port of [lo, hi] on key k. */
static int ipset_ports(struct ipset_op *op, struct ipset_key *k, uint32_t lo, uint32_t hi)
{
	for (uint32_t p = lo; p <= hi; p++) {
		int ret;

		k->port = (uint16_t)p;
		ret = ipset_adtfn(op, k);
		if (ipset_adt_stop(op, ret))
			return ret;
	}
	return 0;
}

/* hash_ipport{4,6}_uadt and hash_ipportip{4,6}_uadt */
static int ipset_uadt_hash_ipport(struct ipset_op *op, const struct ipset_attrs *a)
{
	const struct ipset_set *s = op->s;
	bool three = s->type->kind == IPSET_HASH_IPPORTIP, ports, v6 = v6set(s);
	struct ipset_key k = { 0 };
	uint32_t lo, hi;
	int ret;

	if (!HAS(a, IP) || !HAS(a, PORT) || (three && !HAS(a, IP2)))
		return -IPSET_ERR_PROTOCOL;
	if (v6 && HAS(a, IP_TO))
		return -IPSET_ERR_HASH_RANGE_UNSUPPORTED;
	if (v6 && HAS(a, CIDR) && a->cidr != 128)
		return -IPSET_ERR_INVALID_CIDR;
	ret = ipset_get_ext(op, a);
	if (ret)
		return ret;
	memcpy(k.ip, a->ip, 16);
	if (!three) {
		for (int i = 0; i < 16; i++)
			k.ip[i] &= s->o.bitmask[i];
		if (ip6_zero(k.ip))
			return -EINVAL;
	} else {
		memcpy(k.ip2, a->ip2, 16);
	}
	ret = ipset_port_attrs(a, &k, v6, &ports);
	if (ret)
		return ret;
	if (v6) {
		if (op->adt == IPSET_TEST || !ports || !HAS(a, PORT_TO))
			return ipset_adt_ret(op, ipset_adtfn(op, &k));
		ipset_port_bounds(a, ports, k.port, &lo, &hi);
		return ipset_ports(op, &k, lo, hi);
	}
	if (op->adt == IPSET_TEST || !(HAS(a, IP_TO) || HAS(a, CIDR) || HAS(a, PORT_TO)))
		return ipset_adt_ret(op, ipset_adtfn(op, &k));
	uint32_t ip = ip4(k.ip), ip_to = ip;
	if (HAS(a, IP_TO)) {
		ip_to = ip4(a->ip_to);
		if (ip > ip_to) {
			uint32_t t = ip;

			ip = ip_to;
			ip_to = t;
		}
	} else if (HAS(a, CIDR)) {
		if (!a->cidr || a->cidr > 32)
			return -IPSET_ERR_INVALID_CIDR;
		ip &= hostmask4(a->cidr);
		ip_to = ip | ~hostmask4(a->cidr);
	}
	ipset_port_bounds(a, ports, k.port, &lo, &hi);
	for (uint64_t cur = ip; cur <= ip_to; cur++) {
		ipset_key_ip4(&k, (uint32_t)cur);
		ret = ipset_ports(op, &k, lo, hi);
		if (ret)
			return ret;
	}
	return 0;
}

/* One CIDR block of hash:net,port's range, over its ports from the first again. */
static int ipset_netport_block(struct ipset_op *op, struct ipset_key *k, const struct ipset_attrs *a)
{
	uint32_t lo, hi;
	bool ports = with_ports(k->proto);
	uint16_t port = ports || k->proto == PROTO_ICMP ? a->port : 0;

	ipset_port_bounds(a, ports, port, &lo, &hi);
	return ipset_ports(op, k, lo, hi);
}

/* hash_netport4_uadt / hash_netport6_uadt */
static int ipset_uadt_hash_netport(struct ipset_op *op, const struct ipset_attrs *a)
{
	bool v6 = v6set(op->s), ports;
	uint8_t host = ipset_hostmask(op->s);
	struct ipset_key k = { 0 };
	uint32_t lo, hi;
	int ret;

	if (!HAS(a, IP) || !HAS(a, PORT))
		return -IPSET_ERR_PROTOCOL;
	if (v6 && HAS(a, IP_TO))
		return -IPSET_ERR_HASH_RANGE_UNSUPPORTED;
	ret = ipset_get_ext(op, a);
	if (ret)
		return ret;
	k.cidr = host;
	if (HAS(a, CIDR)) {
		if (!a->cidr || a->cidr > host)
			return -IPSET_ERR_INVALID_CIDR;
		k.cidr = a->cidr;
	}
	memcpy(k.ip, a->ip, 16);
	if (v6)
		ipset_addr_mask(k.ip, k.cidr, 16);
	ret = ipset_port_attrs(a, &k, v6, &ports);
	if (ret)
		return ret;
	op->nomatch = HAS(a, CADT_FLAGS) && (a->cadt_flags & IPSET_FLAG_NOMATCH);
	if (v6) {
		if (op->adt == IPSET_TEST || !ports || !HAS(a, PORT_TO))
			return ipset_adt_ret(op, ipset_adtfn(op, &k));
		ipset_port_bounds(a, ports, k.port, &lo, &hi);
		return ipset_ports(op, &k, lo, hi);
	}
	if (op->adt == IPSET_TEST || !((ports && HAS(a, PORT_TO)) || HAS(a, IP_TO))) {
		ipset_addr_mask(k.ip, k.cidr, 16);
		return ipset_adt_ret(op, ipset_adtfn(op, &k));
	}
	uint32_t ip = ip4(a->ip), ip_to;
	ret = ipset_net4_bounds(a, k.cidr, &ip, &ip_to);
	return ret ? ret : ipset_net4_range(op, &k, a, ip, ip_to, ipset_netport_block);
}

/* hash_netiface4_uadt / hash_netiface6_uadt (a zero prefix is allowed here) */
static int ipset_uadt_hash_netiface(struct ipset_op *op, const struct ipset_attrs *a)
{
	uint8_t host = ipset_hostmask(op->s);
	struct ipset_key k = { 0 };
	int ret;

	if (!HAS(a, IP) || !HAS(a, IFACE))
		return -IPSET_ERR_PROTOCOL;
	if (v6set(op->s) && HAS(a, IP_TO))
		return -IPSET_ERR_HASH_RANGE_UNSUPPORTED;
	ret = ipset_get_ext(op, a);
	if (ret)
		return ret;
	k.cidr = host;
	if (HAS(a, CIDR)) {
		if (a->cidr > host)
			return -IPSET_ERR_INVALID_CIDR;
		k.cidr = a->cidr;
	}
	memcpy(k.iface, a->iface, sizeof(k.iface) - 1);
	if (HAS(a, CADT_FLAGS)) {
		k.physdev = !!(a->cadt_flags & IPSET_FLAG_PHYSDEV);
		op->nomatch = a->cadt_flags & IPSET_FLAG_NOMATCH;
		op->x.wildcard = a->cadt_flags & IPSET_FLAG_IFACE_WILDCARD;
	}
	memcpy(k.ip, a->ip, 16);
	if (v6set(op->s) || op->adt == IPSET_TEST || !HAS(a, IP_TO)) {
		ipset_addr_mask(k.ip, k.cidr, 16);
		return ipset_adt_ret(op, ipset_adtfn(op, &k));
	}
	uint32_t ip = ip4(a->ip), ip_to;
	ret = ipset_net4_bounds(a, k.cidr, &ip, &ip_to);
	return ret ? ret : ipset_net4_range(op, &k, a, ip, ip_to, ipset_net_one);
}

/* hash_mac4_uadt */
static int ipset_uadt_hash_mac(struct ipset_op *op, const struct ipset_attrs *a)
{
	static const uint8_t zero[6];
	struct ipset_key k = { 0 };
	int ret;

	if (!HAS(a, ETHER))
		return -IPSET_ERR_PROTOCOL;
	ret = ipset_get_ext(op, a);
	if (ret)
		return ret;
	memcpy(k.mac, a->ether, 6);
	if (!memcmp(k.mac, zero, 6))
		return -IPSET_ERR_HASH_ELEM;
	return ipset_adtfn(op, &k);
}

/* bitmap_ip_uadt: addresses step by the netmask's host count from the range start */
static int ipset_uadt_bitmap_ip(struct ipset_op *op, const struct ipset_attrs *a)
{
	const struct ipset_create_opts *o = &op->s->o;
	uint32_t hosts = o->netmask ? 2u << (32 - o->netmask - 1) : 1, ip, ip_to;
	struct ipset_key k = { 0 };
	int ret;

	if (!HAS(a, IP))
		return -IPSET_ERR_PROTOCOL;
	ip = ip4(a->ip);
	ret = ipset_get_ext(op, a);
	if (ret)
		return ret;
	if (ip < o->range_lo || ip > o->range_hi)
		return -IPSET_ERR_BITMAP_RANGE;
	if (op->adt == IPSET_TEST) {
		ipset_key_ip4(&k, o->range_lo + (ip - o->range_lo) / hosts * hosts);
		return ipset_adtfn(op, &k);
	}
	if (HAS(a, IP_TO)) {
		ip_to = ip4(a->ip_to);
		if (ip > ip_to) {
			uint32_t t = ip;

			ip = ip_to;
			ip_to = t;
			if (ip < o->range_lo)
				return -IPSET_ERR_BITMAP_RANGE;
		}
	} else if (HAS(a, CIDR)) {
		if (!a->cidr || a->cidr > 32)
			return -IPSET_ERR_INVALID_CIDR;
		ip &= hostmask4(a->cidr);
		ip_to = ip | ~hostmask4(a->cidr);
	} else {
		ip_to = ip;
	}
	if (ip_to > o->range_hi || ip < o->range_lo)
		return -IPSET_ERR_BITMAP_RANGE;
	for (uint64_t cur = ip; cur <= ip_to; cur += hosts) {
		uint32_t id = ((uint32_t)cur & hostmask4(o->netmask ? o->netmask : 32)) - o->range_lo;

		ipset_key_ip4(&k, o->range_lo + id / hosts * hosts);
		ret = ipset_adtfn(op, &k);
		if (ipset_adt_stop(op, ret))
			return ret;
	}
	return 0;
}

/* bitmap_port_uadt */
static int ipset_uadt_bitmap_port(struct ipset_op *op, const struct ipset_attrs *a)
{
	const struct ipset_create_opts *o = &op->s->o;
	struct ipset_key k = { 0 };
	uint32_t port, port_to;
	int ret;

	if (!HAS(a, PORT))
		return -IPSET_ERR_PROTOCOL;
	port = a->port;
	if (port < o->range_lo || port > o->range_hi)
		return -IPSET_ERR_BITMAP_RANGE;
	ret = ipset_get_ext(op, a);
	if (ret)
		return ret;
	if (op->adt == IPSET_TEST) {
		k.port = (uint16_t)port;
		return ipset_adtfn(op, &k);
	}
	port_to = port;
	if (HAS(a, PORT_TO)) {
		port_to = a->port_to;
		if (port > port_to) {
			uint32_t t = port;

			port = port_to;
			port_to = t;
			if (port < o->range_lo)
				return -IPSET_ERR_BITMAP_RANGE;
		}
	}
	if (port_to > o->range_hi)
		return -IPSET_ERR_BITMAP_RANGE;
	return ipset_ports(op, &k, port, port_to);
}

/* list_set_udel / list_set_utest: the member and its neighbour */
static int ipset_list_neighbour(struct ipset_op *op, int id, int before, int refid)
{
	struct ipset_set *s = op->s;
	uint64_t now = op->in->net->now_ns;
	int prev = -1;

	for (uint32_t i = 0; i < s->nents; i++) {
		const struct ipset_entry *e = &s->ents[i];
		bool ok;

		if (e->dead || (e->expires_ns && now >= e->expires_ns))
			continue;
		if ((int)ipset_key_setid(&e->key) != id) {
			prev = (int)ipset_key_setid(&e->key);
			continue;
		}
		if (before > 0) {
			int next = -1;

			for (uint32_t j = i + 1; j < s->nents && next < 0; j++)
				if (!s->ents[j].dead && !(s->ents[j].expires_ns &&
							  now >= s->ents[j].expires_ns))
					next = (int)ipset_key_setid(&s->ents[j].key);
			ok = next >= 0 && next == refid;
		} else if (before < 0) {
			ok = prev >= 0 && prev == refid;
		} else {
			ok = true;
		}
		if (op->adt == IPSET_TEST)
			return ok;
		if (!ok)
			return -IPSET_ERR_REF_EXIST;
		ipset_del(op->in, s, &e->key, false);
		return 0;
	}
	if (op->adt == IPSET_TEST)
		return 0;
	return before ? -IPSET_ERR_REF_EXIST : -IPSET_ERR_EXIST;
}

/* list_set_uadt */
static int ipset_uadt_list_set(struct ipset_op *op, const struct ipset_attrs *a)
{
	struct ipset_key k = { 0 };
	int id, refid = -1, before = 0, ret;

	if (!HAS(a, NAME))
		return -IPSET_ERR_PROTOCOL;
	ret = ipset_get_ext(op, a);
	if (ret)
		return ret;
	id = ipset_find(op->in, a->name);
	if (id < 0)
		return -IPSET_ERR_NAME;
	if (ipset_get(op->in, (unsigned int)id)->type->kind == IPSET_LIST_SET)
		return -IPSET_ERR_LOOP;
	if (HAS(a, CADT_FLAGS))
		before = a->cadt_flags & IPSET_FLAG_BEFORE ? 1 : 0;
	if (before && !HAS(a, NAMEREF))
		return -IPSET_ERR_BEFORE;
	if (HAS(a, NAMEREF)) {
		refid = ipset_find(op->in, a->nameref);
		if (refid < 0)
			return -IPSET_ERR_NAMEREF;
		if (!before)
			before = -1;
	}
	if (op->adt != IPSET_TEST && op->s->o.has_timeout)
		ipset_expire(op->in, op->s);
	if (op->adt != IPSET_ADD)
		return ipset_adt_ret(op, ipset_list_neighbour(op, id, before, refid));
	k.setid_hi = (uint8_t)(id >> 8);
	k.setid_lo = (uint8_t)id;
	if (before > 0)
		op->x.before = refid;
	else if (before < 0)
		op->x.after = refid;
	return ipset_adt_ret(op, ipset_adtfn(op, &k));
}

int ipset_uadt(struct ipset_net *in, struct ipset_set *s, enum ipset_adt adt,
	       const struct ipset_attrs *a, bool exist)
{
	struct ipset_op op = { .in = in, .s = s, .adt = adt, .exist = exist && adt != IPSET_TEST };
	int ret;

	switch (s->type->kind) {
	case IPSET_HASH_IP: ret = ipset_uadt_hash_ip(&op, a); break;
	case IPSET_HASH_NET: ret = ipset_uadt_hash_net(&op, a); break;
	case IPSET_HASH_IPPORT:
	case IPSET_HASH_IPPORTIP: ret = ipset_uadt_hash_ipport(&op, a); break;
	case IPSET_HASH_NETPORT: ret = ipset_uadt_hash_netport(&op, a); break;
	case IPSET_HASH_NETIFACE: ret = ipset_uadt_hash_netiface(&op, a); break;
	case IPSET_HASH_MAC: ret = ipset_uadt_hash_mac(&op, a); break;
	case IPSET_BITMAP_IP: ret = ipset_uadt_bitmap_ip(&op, a); break;
	case IPSET_BITMAP_PORT: ret = ipset_uadt_bitmap_port(&op, a); break;
	default: ret = ipset_uadt_list_set(&op, a); break;
	}
	if (adt == IPSET_TEST)          /* ip_set_utest() */
		return ret > 0 ? 0 : -IPSET_ERR_EXIST;
	/* call_ad(): "exists" under -exist is no error */
	return ret == -IPSET_ERR_EXIST && exist ? 0 : ret;
}
