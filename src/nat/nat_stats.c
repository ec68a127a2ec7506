/*
 * nat_stats: port-pool telemetry (no kernel counterpart): per (NAT address,
 * protocol) and per (NAT address, protocol, remote end) the bindings in use, the
 * allocations, the clashes (first choice taken) and the failures (no unique tuple).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nat/nat_int.h"

static int pool_get(struct nat_net *nn, uint8_t l3, uint8_t proto, const uint8_t *addr)
{
	for (unsigned int i = 0; i < NAT_POOLS; i++) {
		struct nat_pool *p = &nn->pools[i];

		if (!p->used) {
			p->used = true;
			p->l3 = l3;
			p->proto = proto;
			memcpy(p->addr, addr, 16);
			return (int)i;
		}
		if (p->l3 == l3 && p->proto == proto && !memcmp(p->addr, addr, 16))
			return (int)i;
	}
	nn->pool_overflow++;
	return -1;
}

static uint32_t dest_hash(int pool, const uint8_t *addr, uint16_t port)
{
	uint32_t h = 2166136261u ^ (uint32_t)pool ^ (uint32_t)port << 12;

	for (unsigned int i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h;
}

/* The slot of (pool, remote address, remote port), made on first use; -1 if full. */
static int dest_get(struct nat_net *nn, int pool, const uint8_t *addr, uint16_t port)
{
	uint32_t h = dest_hash(pool, addr, port);

	for (unsigned int n = 0; n < NAT_DESTS; n++) {
		unsigned int i = (h + n) & (NAT_DESTS - 1);
		struct nat_dest *d = &nn->dests[i];

		if (!d->used) {
			d->used = true;
			d->pool = (uint16_t)pool;
			memcpy(d->addr, addr, 16);
			d->port = port;
			return (int)i;
		}
		if (d->pool == pool && d->port == port && !memcmp(d->addr, addr, 16))
			return (int)i;
	}
	nn->dest_overflow++;
	return -1;
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 136 || proto == 132 || proto == 33;
}

static void counts_add(uint64_t *in_use, uint64_t *allocs, uint64_t *clashes,
		       uint64_t *failures, int *slot, int i, bool clash, bool ok)
{
	(*allocs)++;
	*clashes += clash;
	*failures += !ok;
	if (ok && *slot < 0) {
		*slot = i;
		(*in_use)++;
	}
}

void nat_pool_charge(struct nat_net *nn, struct ct_conn *c, const struct ct_tuple *t,
		     enum nat_manip m, bool clash, bool ok)
{
	int i = pool_get(nn, t->l3, t->proto, m == NAT_MANIP_SRC ? t->src : t->dst);
	const uint8_t *peer = m == NAT_MANIP_SRC ? t->dst : t->src;
	uint16_t pport = has_ports(t->proto) ? (m == NAT_MANIP_SRC ? t->dport : t->sport) : 0;
	struct nat_pool *p;
	struct nat_dest *d;
	int j;

	if (i < 0)
		return;
	p = &nn->pools[i];
	counts_add(&p->in_use, &p->allocs, &p->clashes, &p->failures, &c->nat_pool, i, clash,
		   ok);
	j = dest_get(nn, i, peer, pport);
	if (j < 0)
		return;
	d = &nn->dests[j];
	counts_add(&d->in_use, &d->allocs, &d->clashes, &d->failures, &c->nat_dest, j, clash, ok);
}

void nat_pool_release(struct nat_net *nn, struct ct_conn *c)
{
	if (c->nat_pool >= 0 && nn->pools[c->nat_pool].in_use)
		nn->pools[c->nat_pool].in_use--;
	if (c->nat_dest >= 0 && nn->dests[c->nat_dest].in_use)
		nn->dests[c->nat_dest].in_use--;
	c->nat_pool = -1;
	c->nat_dest = -1;
}

static void put_proto(uint8_t proto, struct strbuf *out)
{
	const char *pn = proto == 6 ? "tcp" : proto == 17 ? "udp" : proto == 1 ? "icmp" :
			 proto == 58 ? "icmpv6" : NULL;

	if (pn)
		sb_addf(out, "%-8s", pn);
	else
		sb_addf(out, "%-8u", proto);
}

static void put_counts(uint64_t in_use, uint64_t allocs, uint64_t clashes, uint64_t failures,
		       struct strbuf *out)
{
	sb_addf(out, " %8llu %8llu %8llu %8llu\n", (unsigned long long)in_use,
		(unsigned long long)allocs, (unsigned long long)clashes,
		(unsigned long long)failures);
}

static const struct nat_net *sort_nn;

/* Per-destination lines in pool order, then by address and port (stable output). */
static int dest_cmp(const void *a, const void *b)
{
	const struct nat_dest *x = &sort_nn->dests[*(const int *)a];
	const struct nat_dest *y = &sort_nn->dests[*(const int *)b];
	int r;

	if (x->pool != y->pool)
		return x->pool < y->pool ? -1 : 1;
	r = memcmp(x->addr, y->addr, 16);
	if (r)
		return r;
	return x->port < y->port ? -1 : x->port > y->port;
}

static void format_dests(const struct nat_net *nn, struct strbuf *out)
{
	int *idx = malloc(NAT_DESTS * sizeof(*idx));
	char a[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN];
	unsigned int n = 0;

	if (!idx)
		return;
	for (unsigned int i = 0; i < NAT_DESTS; i++)
		if (nn->dests[i].used)
			idx[n++] = (int)i;
	sort_nn = nn;
	qsort(idx, n, sizeof(*idx), dest_cmp);
	sb_addf(out, "\n%-40s %-8s %-48s %8s %8s %8s %8s\n", "address", "proto", "destination",
		"in-use", "allocs", "clashes", "failures");
	for (unsigned int k = 0; k < n; k++) {
		const struct nat_dest *d = &nn->dests[idx[k]];
		const struct nat_pool *p = &nn->pools[d->pool];
		bool v6 = p->l3 != USNF_NFPROTO_IPV4;

		inet_ntop(v6 ? AF_INET6 : AF_INET, p->addr, a, sizeof(a));
		inet_ntop(v6 ? AF_INET6 : AF_INET, d->addr, b, sizeof(b));
		if (!has_ports(p->proto))
			snprintf(peer, sizeof(peer), "%s", b);
		else
			snprintf(peer, sizeof(peer), v6 ? "[%s]:%u" : "%s:%u", b, d->port);
		sb_addf(out, "%-40s ", a);
		put_proto(p->proto, out);
		sb_addf(out, " %-48s", peer);
		put_counts(d->in_use, d->allocs, d->clashes, d->failures, out);
	}
	free(idx);
}

void nat_stats_format(struct usnf_net *net, struct strbuf *out)
{
	struct nat_net *nn = net->nat;
	char a[INET6_ADDRSTRLEN];

	sb_addf(out, "%-40s %-8s %8s %8s %8s %8s\n", "address", "proto", "in-use", "allocs",
		"clashes", "failures");
	if (!nn)
		return;
	for (unsigned int i = 0; i < NAT_POOLS && nn->pools[i].used; i++) {
		const struct nat_pool *p = &nn->pools[i];

		inet_ntop(p->l3 == USNF_NFPROTO_IPV4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a));
		sb_addf(out, "%-40s ", a);
		put_proto(p->proto, out);
		put_counts(p->in_use, p->allocs, p->clashes, p->failures, out);
	}
	if (nn->pool_overflow)
		sb_addf(out, "(%llu bindings beyond %u pools not counted)\n",
			(unsigned long long)nn->pool_overflow, NAT_POOLS);
	if (nn->pools[0].used)
		format_dests(nn, out);
	if (nn->dest_overflow)
		sb_addf(out, "(%llu bindings beyond %u destinations not counted)\n",
			(unsigned long long)nn->dest_overflow, NAT_DESTS);
}
