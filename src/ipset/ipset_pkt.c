/* ipset_pkt: the packet path — element keys from packets, test/add/del (the kernel's kadt). */
#include <string.h>

#include <usnf/hook.h>
#include <usnf/pkt.h>

#include "ipset/ipset_int.h"
#include "ipset/ipset_xt.h"
#include "route/route.h"
#include "stack/net.h"
#include "xt/xt.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58
#define PROTO_SCTP 132
#define PROTO_UDPLITE 136

static bool ipset_dim_src(const struct ipset_adt_opt *o, unsigned int dim)
{
	return o->flags & (1u << dim);
}

/* The packet's source or destination address into a (16 bytes, v4 in the first 4). */
static void ipset_pkt_addr(const struct pkt *pkt, uint8_t fam, bool src, uint8_t *a)
{
	const uint8_t *nh = pkt->buf + pkt->net_off;

	memset(a, 0, 16);
	if (fam == IPSET_FAM_INET)
		memcpy(a, nh + (src ? 12 : 16), 4);
	else
		memcpy(a, nh + (src ? 8 : 24), 16);
}

/*
 * As ip_set_get_ip4_port()/ip_set_get_ip6_port(): the L4 port (ICMP: type << 8 |
 * code) and protocol; false for a non-first fragment or a truncated header.
 */
static bool ipset_pkt_port(const struct pkt *pkt, bool src, uint16_t *port, uint8_t *proto)
{
	uint32_t end = pkt->data + pkt->len;
	const uint8_t *th = pkt->buf + pkt->trans_off;

	if (pkt->frag_off || pkt->trans_off == PKT_OFF_UNSET)
		return false;
	*proto = pkt->l4proto;
	*port = 0;
	switch (pkt->l4proto) {
	case PROTO_TCP:
	case PROTO_UDP:
	case PROTO_SCTP:
	case PROTO_UDPLITE:
		if (pkt->trans_off + 4 > end)
			return false;
		*port = (uint16_t)(th[src ? 0 : 2] << 8 | th[src ? 1 : 3]);
		return true;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		if (pkt->trans_off + 2 > end)
			return false;
		*port = (uint16_t)(th[0] << 8 | th[1]);
		return true;
	default:
		return true;
	}
}

/* The L2 source or destination of the frame, as hash:mac/bitmap:ip,mac read it. */
static bool ipset_pkt_mac(const struct pkt *pkt, bool src, uint8_t *mac)
{
	if (pkt->mac_off == PKT_OFF_UNSET || pkt->mac_off + 14 > pkt->net_off)
		return false;
	memcpy(mac, pkt->buf + pkt->mac_off + (src ? 6 : 0), 6);
	return true;
}

/* The set's address bitmask (netmask or bitmask) on k->ip; false if nothing is left. */
static bool ipset_key_bitmask(const struct ipset_set *s, struct ipset_key *k)
{
	uint8_t any = 0;

	for (int i = 0; i < 16; i++) {
		k->ip[i] &= s->o.bitmask[i];
		any |= k->ip[i];
	}
	return any;
}

/*
 * Fill k from the packet for set s (without the cidr for net types).  False when
 * the packet cannot be expressed as an element (kernel: -EINVAL, i.e. no match).
 */
static bool ipset_pkt_key(const struct ipset_set *s, const struct pkt *pkt,
			  const struct usnf_hook_state *st, const struct ipset_adt_opt *o,
			  struct ipset_key *k)
{
	uint8_t fam = o->family;

	memset(k, 0, sizeof(*k));
	if (s->o.family != IPSET_FAM_UNSPEC && s->o.family != fam)
		return false;
	switch (s->type->kind) {
	case IPSET_HASH_IP:
		/* hash_ip4_kadt: the address under the set's bitmask, zero is no element */
		ipset_pkt_addr(pkt, fam, ipset_dim_src(o, 1), k->ip);
		return ipset_key_bitmask(s, k);
	case IPSET_HASH_NET:
		ipset_pkt_addr(pkt, fam, ipset_dim_src(o, 1), k->ip);
		return true;
	case IPSET_HASH_IPPORT:
	case IPSET_HASH_NETPORT:
	case IPSET_HASH_IPPORTIP:
		if (!ipset_pkt_port(pkt, ipset_dim_src(o, 2), &k->port, &k->proto))
			return false;
		ipset_pkt_addr(pkt, fam, ipset_dim_src(o, 1), k->ip);
		if (s->type->kind == IPSET_HASH_IPPORTIP)
			ipset_pkt_addr(pkt, fam, ipset_dim_src(o, 3), k->ip2);
		return s->type->kind != IPSET_HASH_IPPORT || ipset_key_bitmask(s, k);
	case IPSET_HASH_NETIFACE: {
		const struct usnf_iface *dev = ipset_dim_src(o, 2) ? st->in : st->out;

		if (!dev)
			return false;
		ipset_pkt_addr(pkt, fam, ipset_dim_src(o, 1), k->ip);
		memcpy(k->iface, dev->name, strnlen(dev->name, sizeof(k->iface) - 1));
		return true;
	}
	case IPSET_HASH_MAC:
		return ipset_pkt_mac(pkt, ipset_dim_src(o, 1), k->mac);
	case IPSET_BITMAP_IP: {
		uint32_t a;

		if (fam != IPSET_FAM_INET)
			return false;
		ipset_pkt_addr(pkt, fam, ipset_dim_src(o, 1), k->ip);
		if (s->o.netmask)
			ipset_addr_mask(k->ip, s->o.netmask, 4);
		a = (uint32_t)k->ip[0] << 24 | k->ip[1] << 16 | k->ip[2] << 8 | k->ip[3];
		return a >= s->o.range_lo && a <= s->o.range_hi;
	}
	case IPSET_BITMAP_PORT: {
		uint8_t proto;

		if (!ipset_pkt_port(pkt, ipset_dim_src(o, 1), &k->port, &proto))
			return false;
		/* bitmap_port_kadt: TCP and UDP only */
		if (proto != PROTO_TCP && proto != PROTO_UDP)
			return false;
		return k->port >= s->o.range_lo && k->port <= s->o.range_hi;
	}
	default:
		return false;
	}
}

/* ip_set_match_counter() */
static bool ipset_counter_ok(uint64_t have, uint8_t op, uint64_t want)
{
	switch (op) {
	case IPSET_CNT_EQ: return have == want;
	case IPSET_CNT_NE: return have != want;
	case IPSET_CNT_LT: return have < want;
	case IPSET_CNT_GT: return have > want;
	default: return true;
	}
}

static uint32_t ipset_pkt_len(const struct pkt *pkt)
{
	uint32_t start = pkt->net_off != PKT_OFF_UNSET && pkt->net_off >= pkt->data ?
			 pkt->net_off : pkt->data;

	return pkt->data + pkt->len - start;
}

/*
 * ip_set_match_extensions(): the counters are updated first (unless
 * ! --update-counters), then compared with the match's conditions; a
 * --map-set reads the element's skbinfo.
 */
static bool ipset_entry_match_ext(const struct ipset_set *s, struct ipset_entry *e,
				  const struct pkt *pkt, const struct ipset_adt_opt *o,
				  bool skip_update, bool match_counters)
{
	if (s->o.counters) {
		if (!skip_update) {
			e->packets++;
			e->bytes += ipset_pkt_len(pkt);
		}
		if (match_counters && !(ipset_counter_ok(e->packets, o->pkt_op, o->pkt_val) &&
					ipset_counter_ok(e->bytes, o->byte_op, o->byte_val)))
			return false;
	}
	if (s->o.skbinfo && o->skb_out)
		*o->skb_out = e->skb;
	return true;
}

static bool ipset_match_counters(const struct ipset_adt_opt *o)
{
	return o->pkt_op != IPSET_CNT_NONE || o->byte_op != IPSET_CNT_NONE;
}

/*
 * Net types: the most specific prefix present wins (mtype_test_cidrs walks the
 * set's prefix lengths from the longest).  Returns the entry or NULL.
 */
static struct ipset_entry *ipset_test_cidrs(struct ipset_set *s, struct ipset_key *k,
					    uint64_t now)
{
	uint8_t addr[16];
	int c = ipset_hostmask(s);

	memcpy(addr, k->ip, sizeof(addr));
	for (; c >= 0; c--) {
		if (!s->cidr_count[c])
			continue;
		memcpy(k->ip, addr, sizeof(addr));
		ipset_addr_mask(k->ip, (unsigned int)c, 16);
		k->cidr = (uint8_t)c;
		struct ipset_entry *e = ipset_lookup_exact(s, k, now);
		if (e)
			return e;
	}
	return NULL;
}

static int ipset_pkt_test_depth(struct usnf_net *net, unsigned int id, const struct pkt *pkt,
				const struct usnf_hook_state *st, const struct ipset_adt_opt *o,
				unsigned int depth);

/*
 * list:set: the first member set that matches (list_set_ktest): the members are
 * tested without counter conditions (and without updating their counters under
 * ! --update-subcounters), then the list element's own extensions decide.
 */
static int ipset_list_test(struct usnf_net *net, struct ipset_set *s, const struct pkt *pkt,
			   const struct usnf_hook_state *st, const struct ipset_adt_opt *o,
			   unsigned int depth)
{
	struct ipset_adt_opt sub = *o;

	sub.pkt_op = sub.byte_op = IPSET_CNT_NONE;
	sub.skip_counters = o->skip_counters || o->skip_subcounters;
	for (uint32_t i = 0; i < s->nents; i++) {
		struct ipset_entry *e = &s->ents[i];

		if (e->dead || (e->expires_ns && net->now_ns >= e->expires_ns))
			continue;
		if (ipset_pkt_test_depth(net, ipset_key_setid(&e->key), pkt, st, &sub, depth + 1) > 0 &&
		    ipset_entry_match_ext(s, e, pkt, o, o->skip_counters, ipset_match_counters(o)))
			return 1;
	}
	return 0;
}

static int ipset_pkt_test_depth(struct usnf_net *net, unsigned int id, const struct pkt *pkt,
				const struct usnf_hook_state *st, const struct ipset_adt_opt *o,
				unsigned int depth)
{
	struct ipset_set *s = net->ipset ? ipset_get(net->ipset, id) : NULL;
	struct ipset_entry *e;
	struct ipset_key k;

	if (!s || depth > 2)
		return 0;
	/* ip_set_test(): too few src/dst flags for the set's dimension: no match */
	if (o->dim < s->type->dimension)
		return 0;
	if (s->type->kind == IPSET_LIST_SET)
		return ipset_list_test(net, s, pkt, st, o, depth);
	if (!ipset_pkt_key(s, pkt, st, o, &k))
		return 0;
	e = s->type->has_cidr ? ipset_test_cidrs(s, &k, net->now_ns) :
				ipset_lookup_exact(s, &k, net->now_ns);
	if (!e || !ipset_entry_match_ext(s, e, pkt, o, o->skip_counters, ipset_match_counters(o)))
		return 0;
	/* --return-nomatch inverts a found element's answer (ip_set_test) */
	if (s->type->has_cidr && o->return_nomatch)
		return e->nomatch ? 1 : 0;
	return e->nomatch ? 0 : 1;
}

int ipset_pkt_test(struct usnf_net *net, unsigned int id, const struct pkt *pkt,
		   const struct usnf_hook_state *st, const struct ipset_adt_opt *opt)
{
	return ipset_pkt_test_depth(net, id, pkt, st, opt, 0);
}

/* The prefix a packet element gets when added to a net type: the longest present. */
static uint8_t ipset_add_cidr(const struct ipset_set *s)
{
	for (int c = ipset_hostmask(s); c > 0; c--)
		if (s->cidr_count[c])
			return (uint8_t)c;
	return ipset_hostmask(s);
}

static void ipset_pkt_adt(struct usnf_net *net, unsigned int id, const struct pkt *pkt,
			  const struct usnf_hook_state *st, const struct ipset_adt_opt *o, bool add,
			  unsigned int depth)
{
	struct ipset_set *s = net->ipset ? ipset_get(net->ipset, id) : NULL;
	struct ipset_key k;

	if (!s || depth > 2 || o->dim < s->type->dimension)
		return;
	if (s->type->kind == IPSET_LIST_SET) {
		/* list_set_kadd/kdel: the first member set that takes it */
		for (uint32_t i = 0; i < s->nents; i++) {
			if (s->ents[i].dead)
				continue;
			unsigned int mid = ipset_key_setid(&s->ents[i].key);
			ipset_pkt_adt(net, mid, pkt, st, o, add, depth + 1);
		}
		return;
	}
	if (!ipset_pkt_key(s, pkt, st, o, &k))
		return;
	if (s->type->has_cidr) {
		k.cidr = ipset_add_cidr(s);
		ipset_addr_mask(k.ip, k.cidr, 16);
	}
	if (add) {
		/* IP_SET_INIT_KEXT: an element added from a packet counts that packet */
		struct ipset_ext x = { .timeout = o->timeout, .before = -1, .after = -1,
				       .packets = 1, .bytes = ipset_pkt_len(pkt),
				       .has_packets = true, .has_bytes = true };

		if (!s->o.has_timeout)
			x.timeout = IPSET_NO_TIMEOUT;
		ipset_add(net->ipset, s, &k, &x, o->exist);
	} else {
		ipset_del(net->ipset, s, &k, false);
	}
}

void ipset_pkt_add(struct usnf_net *net, unsigned int id, const struct pkt *pkt,
		   const struct usnf_hook_state *st, const struct ipset_adt_opt *opt)
{
	ipset_pkt_adt(net, id, pkt, st, opt, true, 0);
}

void ipset_pkt_del(struct usnf_net *net, unsigned int id, const struct pkt *pkt,
		   const struct usnf_hook_state *st, const struct ipset_adt_opt *opt)
{
	ipset_pkt_adt(net, id, pkt, st, opt, false, 0);
}

/* ---- references: counted from the published rules, so that they never drift ---- */

static bool ipset_info_refers(const struct ipset_xt_info *i, unsigned int id)
{
	return i->index == id;
}

static unsigned int ipset_rule_refs(const struct xt_rule *r, unsigned int id)
{
	unsigned int n = 0;

	for (unsigned int m = 0; m < r->nmatches; m++) {
		const struct ipset_xt_match *d = r->matches[m].data;

		if (r->matches[m].ops == &xt_match_set && ipset_info_refers(&d->set, id))
			n++;
	}
	if (r->verdict == XT_RV_TARGET && r->target == &xt_target_set) {
		const struct ipset_xt_target *t = r->tdata;

		n += ipset_info_refers(&t->add, id) + ipset_info_refers(&t->del, id) +
		     ipset_info_refers(&t->map, id);
	}
	return n;
}

unsigned int ipset_refs(const struct ipset_net *in, unsigned int id)
{
	unsigned int n = 0;

	for (int f = 0; f < XT_FAMILY_COUNT; f++) {
		for (int t = 0; t < XT_TABLE_COUNT; t++) {
			const struct xt_table *tb = xt_table_get(in->net, f, t);

			for (unsigned int c = 0; tb && c < tb->nchains; c++)
				for (unsigned int i = 0; i < tb->chains[c].nrules; i++)
					n += ipset_rule_refs(tb->chains[c].rules[i], id);
		}
	}
	for (unsigned int i = 0; i < IPSET_MAX_SETS; i++) {
		const struct ipset_set *s = in->sets[i];

		if (!s || s->type->kind != IPSET_LIST_SET)
			continue;
		for (uint32_t j = 0; j < s->nents; j++)
			if (!s->ents[j].dead && ipset_key_setid(&s->ents[j].key) == id)
				n++;
	}
	return n;
}
