/*
 * nat_core: bindings and the NAT hook functions (nf_nat_core.c, nf_nat_proto.c's
 * nf_nat_ipv4_ops/nf_nat_ipv6_ops): the nat table runs for a connection's first
 * packet only; the binding it makes (or the null binding) is kept in the
 * connection's tuples and applied to every later packet.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ct/ct_int.h"
#include "nat/nat_int.h"
#include "pkt/parse.h"
#include "route/route.h"
#include "stack/stack.h"
#include "xt/xt.h"

#define NAT_MAX_ATTEMPTS 128u   /* NF_NAT_MAX_ATTEMPTS */

/* ---- state ---- */

static uint32_t bysrc_hash(const struct ct_tuple *t)
{
	uint32_t h = 2166136261u;
	const uint8_t *a = t->src;

	for (unsigned int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 16777619u;
	h = (h ^ t->sport) * 16777619u;
	h = (h ^ (uint32_t)(t->proto << 8 | t->l3)) * 16777619u;
	return (h ^ t->zone) & (NAT_BYSRC_BUCKETS - 1);
}

static void bysrc_unlink(struct nat_net *nn, struct ct_conn *c)
{
	struct ct_conn **pp = &nn->bysrc[bysrc_hash(&c->node[0].t)];

	for (; *pp; pp = &(*pp)->nat_bysrc_next)
		if (*pp == c) {
			*pp = c->nat_bysrc_next;
			return;
		}
}

/* nf_nat_cleanup_conntrack(): the connection is freed. */
static void nat_conn_free(void *ctx, struct ct_conn *c)
{
	struct nat_net *nn = ctx;

	if (c->status & CT_S_SRC_NAT_DONE)
		bysrc_unlink(nn, c);
	nat_pool_release(nn, c);
}

static void nat_net_exit(struct usnf_net *net)
{
	struct nat_net *nn = net->nat;

	if (!nn)
		return;
	for (unsigned int f = 0; f < 2; f++)
		if (nn->on[f])
			usnf_hook_unregister_many(net, nn->ops[f], 4);
	free(nn);
	net->nat = NULL;
}

int nat_net_get(struct usnf_net *net)
{
	struct nat_net *nn;
	struct timespec ts;
	int rc;

	if (net->nat)
		return 0;
	rc = ct_net_get(net);
	if (rc)
		return rc;
	nn = calloc(1, sizeof(*nn));
	if (!nn)
		return -ENOMEM;
	nn->net = net;
	nn->det_sysctl = stack_sysctl_ptr(net, "usnf.nat_deterministic");
	nn->det_state = 0x9e3779b97f4a7c15ull;
	clock_gettime(CLOCK_REALTIME, &ts);
	nn->rnd_state = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ (uintptr_t)nn;
	net->nat = nn;
	net->ct->nat_free = nat_conn_free;
	net->ct->nat_exit = nat_net_exit;
	net->ct->nat_ctx = nn;
	return 0;
}

void nat_set_deterministic(struct usnf_net *net, bool on)
{
	if (nat_net_get(net))
		return;
	net->nat->deterministic = on;
	net->nat->det_state = 0x9e3779b97f4a7c15ull;
}

bool nat_get_deterministic(const struct usnf_net *net)
{
	const struct nat_net *nn = net->nat;

	return nn && (nn->deterministic || (nn->det_sysctl && *nn->det_sysctl));
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* get_random_u16(), or the fixed-seed sequence in deterministic mode. */
static uint16_t nat_rand16(void *ctx)
{
	struct usnf_net *net = ((struct nat_net *)ctx)->net;
	struct nat_net *nn = net->nat;

	return (uint16_t)splitmix(nat_get_deterministic(net) ? &nn->det_state : &nn->rnd_state);
}

/* ---- the allocator (get_unique_tuple() and helpers) ---- */

struct used_ctx {
	struct usnf_net *net;
	const struct ct_conn *ign;
	bool peek;              /* a look the kernel does not take: not counted as found */
};

/*
 * nf_nat_used_tuple(): t (an original tuple) is taken if its reply is in the
 * table, except by a connection with the same original tuple (the same flow
 * racing: nf_ct_resolve_clash() sorts it out at confirmation).
 */
static bool used_tuple(const struct ct_tuple *t, void *arg)
{
	struct used_ctx *u = arg;
	struct ct_tuple r;
	struct ct_node *n;

	ct_tuple_invert_any(t, &r);
	n = ct_find(u->net, &r);
	if (!n)
		return false;
	if (u->ign && !memcmp(&ct_of_node(n)->node[0].t, &u->ign->node[0].t, sizeof(r)))
		return false;
	if (!u->peek)
		ct_stat_found(u->net);  /* nf_conntrack_tuple_taken()'s "found" */
	return true;
}

static bool is_icmp(const struct ct_tuple *t)
{
	return (t->l3 == USNF_NFPROTO_IPV4 && t->proto == 1) ||
	       (t->l3 == USNF_NFPROTO_IPV6 && t->proto == 58);
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 136 || proto == 132 || proto == 33;
}

/* l4proto_in_range(). */
static bool l4_in_range(const struct ct_tuple *t, enum nat_manip m, uint16_t lo, uint16_t hi)
{
	uint16_t v;

	if (is_icmp(t))
		v = t->sport;
	else if (has_ports(t->proto))
		v = m == NAT_MANIP_SRC ? t->sport : t->dport;
	else
		return true;
	return v >= lo && v <= hi;
}

static int addr_cmp(uint8_t l3, const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, l3 == USNF_NFPROTO_IPV4 ? 4 : 16);
}

/* nf_in_range(): the source of t lies in the range (addresses compared big-endian). */
static bool in_range(const struct ct_tuple *t, const struct nat_range *r)
{
	if ((r->flags & NAT_RANGE_MAP_IPS) &&
	    (addr_cmp(t->l3, t->src, r->min_addr) < 0 || addr_cmp(t->l3, t->src, r->max_addr) > 0))
		return false;
	if (!(r->flags & NAT_RANGE_PROTO_SPECIFIED))
		return true;
	return l4_in_range(t, NAT_MANIP_SRC, r->min_proto, r->max_proto);
}

/* find_appropriate_src(): reuse the mapping of a connection from the same source. */
static bool find_appropriate_src(struct nat_net *nn, const struct ct_tuple *t,
				 struct ct_tuple *res, const struct nat_range *r)
{
	struct ct_conn *c;

	for (c = nn->bysrc[bysrc_hash(t)]; c; c = c->nat_bysrc_next) {
		const struct ct_tuple *o = &c->node[0].t;

		if (c->status & CT_S_DYING)
			continue;
		if (o->l3 != t->l3 || o->proto != t->proto || o->sport != t->sport ||
		    o->zone != t->zone || memcmp(o->src, t->src, 16))
			continue;
		ct_tuple_invert_any(&c->node[1].t, res);
		memcpy(res->dst, t->dst, 16);
		res->dport = t->dport;
		if (is_icmp(t))
			res->dport = t->dport;
		if (in_range(res, r))
			return true;
	}
	return false;
}

static inline uint32_t rol32(uint32_t w, unsigned int s) { return (w << s) | (w >> (32 - s)); }

/* jhash2() (Bob Jenkins' lookup3 over 32-bit words), as find_best_ips_proto() uses. */
static uint32_t jhash2(const uint32_t *k, uint32_t len, uint32_t initval)
{
	uint32_t a, b, c;

	a = b = c = 0xdeadbeefu + (len << 2) + initval;
	while (len > 3) {
		a += k[0]; b += k[1]; c += k[2];
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
	case 3: c += k[2]; /* fall through */
	case 2: b += k[1]; /* fall through */
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
 * find_best_ips_proto(): an address of the range chosen by a hash of the source
 * (and, unless --persistent, the destination) so a client keeps its address.
 */
static void find_best_ips(struct ct_tuple *t, const struct nat_range *r, enum nat_manip m)
{
	uint8_t *var = m == NAT_MANIP_SRC ? t->src : t->dst;
	unsigned int max = t->l3 == USNF_NFPROTO_IPV4 ? 0 : 3;
	uint32_t w[4], dw[4], minw[4], maxw[4], j, minip, dist;
	bool full = false;

	if (!(r->flags & NAT_RANGE_MAP_IPS))
		return;
	if (!addr_cmp(t->l3, r->min_addr, r->max_addr)) {
		memcpy(var, r->min_addr, t->l3 == USNF_NFPROTO_IPV4 ? 4 : 16);
		return;
	}
	memcpy(w, t->src, 16);
	memcpy(dw, t->dst, 16);
	memcpy(minw, r->min_addr, 16);
	memcpy(maxw, r->max_addr, 16);
	j = jhash2(w, 4, (r->flags & NAT_RANGE_PERSISTENT) ? 0 : dw[max] ^ t->zone);
	for (unsigned int i = 0; i <= max; i++) {
		uint32_t v;

		if (!full) {
			minip = ntohl(minw[i]);
			dist = ntohl(maxw[i]) - minip + 1;
		} else {
			minip = 0;
			dist = ~0u;
		}
		v = htonl(minip + (uint32_t)(((uint64_t)j * dist) >> 32));
		memcpy(var + 4 * i, &v, 4);
		if (v != maxw[i])
			full = true;
		if (!(r->flags & NAT_RANGE_PERSISTENT))
			j ^= dw[i];
	}
}

bool nat_unique_tuple_ex(struct ct_tuple *t, const struct nat_range *r, enum nat_manip m,
			 nat_used_ex_fn used, void *ctx, uint16_t (*rnd)(void *ctx))
{
	unsigned int range_size, min, max, attempts, i;
	uint16_t *key, off;

	if (is_icmp(t)) {
		key = &t->sport;
		if (!(r->flags & NAT_RANGE_PROTO_SPECIFIED)) {
			min = 0;
			range_size = 65536;
		} else {
			min = r->min_proto;
			range_size = (unsigned int)(r->max_proto - r->min_proto) + 1;
		}
	} else if (has_ports(t->proto)) {
		key = m == NAT_MANIP_SRC ? &t->sport : &t->dport;
		if (!(r->flags & NAT_RANGE_PROTO_SPECIFIED)) {
			if (m == NAT_MANIP_DST)
				return !used(t, 0, ctx); /* a destination port is not changed */
			/* Loose convention: privileged ports stay privileged. */
			if (*key < 1024) {
				min = *key < 512 ? 1 : 600;
				range_size = *key < 512 ? 511 : 1023 - 600 + 1;
			} else {
				min = 1024;
				range_size = 65535 - 1024 + 1;
			}
		} else {
			min = r->min_proto;
			max = r->max_proto;
			if (max < min) {
				unsigned int x = max;

				max = min;
				min = x;
			}
			range_size = max - min + 1;
		}
	} else {
		return !used(t, 0, ctx);
	}
	if (r->flags & NAT_RANGE_PROTO_OFFSET)
		off = (uint16_t)(*key - r->base_proto);
	else if ((r->flags & NAT_RANGE_PROTO_RANDOM_ALL) || m != NAT_MANIP_DST)
		off = rnd(ctx);
	else
		off = 0;
	attempts = range_size < NAT_MAX_ATTEMPTS ? range_size : NAT_MAX_ATTEMPTS;
	for (;;) {
		/* The search from off, then from new random offsets in ever smaller windows. */
		for (i = 0; i < attempts; i++, off++) {
			*key = (uint16_t)(min + off % range_size);
			if (!used(t, attempts - i, ctx))
				return true;
		}
		if (attempts >= range_size || attempts < 16)
			return false;
		attempts /= 2;
		off = rnd(ctx);
	}
}

/* nat_unique_tuple() over nat_unique_tuple_ex(): the plain callbacks. */
struct plain_ctx {
	nat_used_fn used;
	uint16_t (*rnd)(void *ctx);
	void *ctx;
};

static bool plain_used(const struct ct_tuple *t, unsigned int left, void *arg)
{
	const struct plain_ctx *x = arg;

	(void)left;
	return x->used(t, x->ctx);
}

static uint16_t plain_rnd(void *arg)
{
	const struct plain_ctx *x = arg;

	return x->rnd(x->ctx);
}

bool nat_unique_tuple(struct ct_tuple *t, const struct nat_range *r, enum nat_manip m,
		      nat_used_fn used, void *ctx, uint16_t (*rnd)(void *ctx))
{
	struct plain_ctx x = { used, rnd, ctx };

	return nat_unique_tuple_ex(t, r, m, plain_used, &x, plain_rnd);
}

/*
 * nf_nat_may_kill(): an old SNAT connection in TIME_WAIT or later (CLOSE,
 * SYN_SENT2), without a fixed timeout, may give its tuple to a new one.
 */
static bool may_kill(const struct ct_conn *old)
{
	return old->tcp.state >= CT_TCP_TIME_WAIT &&
	       !(old->status & (CT_S_FIXED_TIMEOUT | CT_S_DYING)) &&
	       (old->status & CT_S_SRC_NAT);
}

/*
 * nf_nat_used_tuple_harder(): in the last NF_NAT_HARDER_THRESH attempts for a new
 * TCP connection (SYN_SENT), a tuple held in the reply direction by a connection
 * that may be killed, whose original-direction sequence the new SYN has passed
 * (so late packets of the old one are out of window), is taken over: the old
 * entry is deleted.  This lookup is not nf_conntrack_tuple_taken(): no "found".
 */
static bool used_tuple_harder(const struct ct_tuple *t, struct used_ctx *u)
{
	struct ct_tuple r;
	struct ct_node *n;
	struct ct_conn *old;

	ct_tuple_invert_any(t, &r);
	n = ct_find(u->net, &r);
	if (!n)
		return false;
	old = ct_of_node(n);
	if (n->dir == CT_DIR_ORIGINAL || old == u->ign || !may_kill(old))
		return true;
	if ((int32_t)(u->ign->tcp.seen[0].td_end - old->tcp.seen[0].td_end) <= 0)
		return true;
	ct_kill(u->net, old);
	return false;
}

/* The random source of the allocator for used_ctx (the nat_net travels along). */
struct alloc_ctx {
	struct used_ctx u;
	struct nat_net *nn;
};

#define NAT_HARDER_THRESH (NAT_MAX_ATTEMPTS / 4)

/* left: the attempts left in this round, 0 for a look the kernel does not take. */
static bool alloc_used(const struct ct_tuple *t, unsigned int left, void *arg)
{
	struct used_ctx *u = &((struct alloc_ctx *)arg)->u;
	struct used_ctx peek = { .net = u->net, .ign = u->ign, .peek = true };

	if (!left)
		return used_tuple(t, &peek);
	if (left > NAT_HARDER_THRESH || t->proto != 6 || u->ign->tcp.state != CT_TCP_SYN_SENT)
		return used_tuple(t, u);
	return used_tuple_harder(t, u);
}

static uint16_t alloc_rnd(void *arg)
{
	return nat_rand16(((struct alloc_ctx *)arg)->nn);
}

/* get_unique_tuple(): *clash set when the first choice was taken. */
static bool get_unique_tuple(struct nat_net *nn, struct ct_tuple *t, const struct ct_tuple *orig,
			     const struct nat_range *r, struct ct_conn *c, enum nat_manip m,
			     bool *clash)
{
	struct alloc_ctx x = { { .net = nn->net, .ign = c }, nn };

	*clash = false;
	if (m == NAT_MANIP_SRC && !(r->flags & NAT_RANGE_PROTO_RANDOM_ALL)) {
		if (in_range(orig, r)) {
			if (!used_tuple(orig, &x.u)) {
				*t = *orig;
				return true;
			}
		} else if (find_appropriate_src(nn, orig, t, r)) {
			if (!used_tuple(t, &x.u))
				return true;
		}
	}
	*t = *orig;
	find_best_ips(t, r, m);
	if (!(r->flags & NAT_RANGE_PROTO_RANDOM_ALL)) {
		if (r->flags & NAT_RANGE_PROTO_SPECIFIED) {
			if (!(r->flags & NAT_RANGE_PROTO_OFFSET) &&
			    l4_in_range(t, m, r->min_proto, r->max_proto)) {
				/*
				 * A single port is kept even if taken: confirmation
				 * decides.  The kernel does not look; the peek only
				 * feeds the telemetry's failure count.
				 */
				if (r->min_proto == r->max_proto) {
					struct used_ctx peek = { nn->net, c, true };

					return !used_tuple(t, &peek);
				}
				if (!used_tuple(t, &x.u))
					return true;
				*clash = true;
			}
		} else if (!used_tuple(t, &x.u)) {
			return true;
		} else {
			*clash = true;
		}
	}
	return nat_unique_tuple_ex(t, r, m, alloc_used, &x, alloc_rnd);
}

unsigned int nat_setup_info(struct usnf_net *net, struct ct_conn *c, const struct nat_range *r,
			    enum nat_manip m)
{
	struct nat_net *nn;
	struct ct_tuple cur, nt;
	bool clash, ok;

	if (nat_net_get(net))
		return USNF_DROP;
	nn = net->nat;
	if (c->status & CT_S_CONFIRMED)
		return USNF_ACCEPT;     /* too late to bind (the kernel WARNs and goes on) */
	/* What we have looks like the inverse of the reply (earlier manips included). */
	ct_tuple_invert_any(&c->node[1].t, &cur);
	ok = get_unique_tuple(nn, &nt, &cur, r, c, m, &clash);
	/* The kernel binds the last tuple tried anyway; confirmation then drops the
	 * packet (insert_failed), which the drop reason attributes to NAT. */
	if (!ok)
		c->nat_no_tuple = true;
	if (memcmp(&nt, &cur, sizeof(nt))) {
		/* nf_conntrack_alter_reply(): replies are recognised by the new tuple. */
		ct_tuple_invert_any(&nt, &c->node[1].t);
		c->status |= m == NAT_MANIP_SRC ? CT_S_SRC_NAT : CT_S_DST_NAT;
		nat_pool_charge(nn, c, &nt, m, clash, ok);
	} else if (!ok || clash) {
		nat_pool_charge(nn, c, &nt, m, clash, ok);
	}
	if (m == NAT_MANIP_SRC) {
		uint32_t h = bysrc_hash(&c->node[0].t);

		c->nat_bysrc_next = nn->bysrc[h];
		nn->bysrc[h] = c;
		c->status |= CT_S_SRC_NAT_DONE;
	} else {
		c->status |= CT_S_DST_NAT_DONE;
	}
	return USNF_ACCEPT;
}

/* nf_nat_alloc_null_binding(): the connection keeps its addresses (ports may move). */
static unsigned int null_binding(struct usnf_net *net, struct ct_conn *c, enum nat_manip m)
{
	const struct ct_tuple *rep = &c->node[1].t;
	struct nat_range r = { .flags = NAT_RANGE_MAP_IPS };

	memcpy(r.min_addr, m == NAT_MANIP_SRC ? rep->dst : rep->src, 16);
	memcpy(r.max_addr, r.min_addr, 16);
	return nat_setup_info(net, c, &r, m);
}

/* ---- hook functions ---- */

bool nat_pkt_l4(const struct pkt *p, uint8_t l3, uint32_t nhoff, uint8_t *proto,
		uint32_t *thoff)
{
	if (l3 == USNF_NFPROTO_IPV4) {
		const uint8_t *h = pkt_header(p, nhoff, 20);

		if (!h || ((h[6] << 8 | h[7]) & 0x1fff))
			return false;
		*proto = h[9];
		*thoff = nhoff + (uint32_t)(h[0] & 0x0f) * 4;
		return true;
	} else {
		const uint8_t *h = pkt_header(p, nhoff, 40);
		uint16_t fo = 0;
		int off;

		if (!h)
			return false;
		*proto = h[6];
		off = pkt_ipv6_skip_exthdr(p, nhoff + 40, proto, &fo, NULL);
		if (off < 0 || fo)
			return false;
		*thoff = (uint32_t)off;
		return true;
	}
}

/* nf_nat_oif_changed(): a masqueraded connection leaving by another device. */
static bool oif_changed(const struct ct_conn *c, enum ct_info ci, unsigned int hook,
			const struct usnf_hook_state *st)
{
	return c->nat_masq_ifindex && hook == USNF_INET_POST_ROUTING &&
	       ct_info_dir(ci) == CT_DIR_ORIGINAL && st->out &&
	       c->nat_masq_ifindex != st->out->ifindex;
}

static void nat_trace(struct usnf_net *net, const struct pkt *p, const struct ct_conn *c,
		      unsigned int hook, const char *what)
{
	struct usnf_trace_ev ev = { .kind = USNF_TRACE_NAT, .verdict = -1, .pkt = p,
				    .hook = (uint8_t)hook, .text = what };

	(void)c;
	net_trace(net, &ev);
}

/* nf_nat_inet_fn() with nf_nat_ipv4_fn()/nf_nat_ipv6_fn()'s ICMP error case. */
static unsigned int nat_fn(struct usnf_net *net, struct pkt *p, const struct usnf_hook_state *st)
{
	enum nat_manip m = nat_hook2manip(st->hook);
	enum xt_family fam = st->pf == USNF_NFPROTO_IPV4 ? XT_FAMILY_V4 : XT_FAMILY_V6;
	enum ct_info ci;
	struct ct_conn *c = ct_get(p, &ci);
	unsigned int v;
	uint8_t proto;
	uint32_t thoff;

	if (!c || (c->status & CT_S_TEMPLATE))
		return USNF_ACCEPT;
	if ((ci == CT_RELATED || ci == CT_RELATED_REPLY) &&
	    nat_pkt_l4(p, st->pf, p->net_off, &proto, &thoff) &&
	    proto == (st->pf == USNF_NFPROTO_IPV4 ? 1 : 58))
		return nat_icmp_reply_translation(p, c, ci, st->hook, thoff) ? USNF_ACCEPT
									      : USNF_DROP;
	if (ci == CT_NEW || ci == CT_RELATED || ci == CT_RELATED_REPLY) {
		if (!nat_initialized(c, m)) {
			const struct xt_table *t = xt_table_get(net, fam, XT_TABLE_NAT);

			v = t ? xt_do_table(t, p, st) : USNF_ACCEPT;
			if (v != USNF_ACCEPT)
				return v;
			if (!nat_initialized(c, m)) {
				v = null_binding(net, c, m);
				if (v != USNF_ACCEPT)
					return v;
			}
		} else if (oif_changed(c, ci, st->hook, st)) {
			ct_kill(net, c);
			return USNF_DROP;
		}
	} else if (oif_changed(c, ci, st->hook, st)) {
		ct_kill(net, c);
		return USNF_DROP;
	}
	return nat_packet(c, ci, st->hook, p);
}

static unsigned int nat_hook_fn(void *priv, struct pkt *p, const struct usnf_hook_state *st)
{
	unsigned int v = nat_fn(st->net, p, st);

	if (st->net->trace && v == USNF_DROP)
		nat_trace(st->net, p, ct_get(p, NULL), st->hook, "dropped by nat");
	return v;
}

static void ops_fill(struct usnf_hook_ops *o, uint8_t pf, uint8_t hook, int32_t prio)
{
	memset(o, 0, sizeof(*o));
	o->hook = nat_hook_fn;
	o->pf = pf;
	o->hooknum = hook;
	o->priority = prio;
}

int nat_table_register(struct usnf_net *net, uint8_t pf)
{
	unsigned int f = pf == USNF_NFPROTO_IPV6;
	struct nat_net *nn;
	int rc;

	rc = ct_netns_get(net, pf);
	if (!rc)
		rc = nat_net_get(net);
	if (rc)
		return rc;
	nn = net->nat;
	if (nn->on[f])
		return 0;
	ops_fill(&nn->ops[f][0], pf, USNF_INET_PRE_ROUTING, USNF_PRI_NAT_DST);
	ops_fill(&nn->ops[f][1], pf, USNF_INET_LOCAL_OUT, USNF_PRI_NAT_DST);
	ops_fill(&nn->ops[f][2], pf, USNF_INET_POST_ROUTING, USNF_PRI_NAT_SRC);
	ops_fill(&nn->ops[f][3], pf, USNF_INET_LOCAL_IN, USNF_PRI_NAT_SRC);
	rc = usnf_hook_register_many(net, nn->ops[f], 4);
	if (rc == 0)
		nn->on[f] = true;
	return rc;
}
