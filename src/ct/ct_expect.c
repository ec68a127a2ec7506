/*
 * ct_expect: conntrack expectations (nf_conntrack_expect.c): connections a helper
 * announced, matched when their first packet arrives, which then become RELATED
 * children of their master.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ct/ct_helper.h"
#include "ct/ct_int.h"
#include "stack/stack.h"

struct ct_expect_net *ct_expect_net_get(struct usnf_net *net)
{
	struct ct_net *cn = ctn(net);

	if (!cn->expect && (cn->expect = calloc(1, sizeof(*cn->expect))))
		cn->expect->max = stack_sysctl_ptr(net, "net.netfilter.nf_conntrack_expect_max");
	return cn->expect;
}

static bool exp_expired(const struct usnf_net *net, const struct ct_expect *e)
{
	return e->expires_ns <= net->now_ns;
}

/* Unlink *pp and keep it for reuse (no packet holds an expectation). */
static void exp_unlink(struct ct_expect_net *xn, struct ct_expect **pp)
{
	struct ct_expect *e = *pp;

	*pp = e->next;
	e->next = xn->freelist;
	xn->freelist = e;
	xn->count--;
}

/* The timer of every expectation ran with the packet clock: drop the dead ones. */
static void exp_reap(struct usnf_net *net, struct ct_expect_net *xn)
{
	struct ct_expect **pp = &xn->list;

	while (*pp) {
		if (exp_expired(net, *pp))
			exp_unlink(xn, pp);
		else
			pp = &(*pp)->next;
	}
}

void ct_expect_init(struct ct_expect *e, struct ct_conn *master, uint8_t l3, const uint8_t *src,
		    const uint8_t *dst, uint8_t proto, uint16_t dport)
{
	memset(e, 0, sizeof(*e));
	e->master = master;
	e->t.l3 = l3;
	e->t.proto = proto;
	e->t.zone = master->node[0].t.zone;
	memcpy(e->t.src, src, l3 == USNF_NFPROTO_IPV4 ? 4 : 16);
	memcpy(e->t.dst, dst, l3 == USNF_NFPROTO_IPV4 ? 4 : 16);
	e->t.dport = dport;
	e->mask_sport = 0;              /* nf_ct_expect_init() without a source port */
}

/* expect_matches(): the same tuple and mask. */
static bool exp_same(const struct ct_expect *a, const struct ct_expect *b)
{
	return a->mask_sport == b->mask_sport && !memcmp(&a->t, &b->t, sizeof(a->t));
}

/* expect_clash(): the tuples agree under both masks (the intersection). */
static bool exp_clash(const struct ct_expect *a, const struct ct_expect *b)
{
	uint16_t m = a->mask_sport & b->mask_sport;
	struct ct_tuple x = a->t, y = b->t;

	x.sport &= m;
	y.sport &= m;
	return !memcmp(&x, &y, sizeof(x));
}

/* The master's expectations of class cls, and the oldest of them. */
static unsigned int exp_count(struct ct_expect_net *xn, const struct ct_conn *master, uint8_t cls,
			      struct ct_expect ***oldest)
{
	unsigned int n = 0;

	for (struct ct_expect **pp = &xn->list; *pp; pp = &(*pp)->next)
		if ((*pp)->master == master && (*pp)->cls == cls) {
			if (!n)
				*oldest = pp;   /* the list runs oldest first */
			n++;
		}
	return n;
}

int ct_expect_related(struct usnf_net *net, const struct ct_expect *e)
{
	struct ct_expect_net *xn = ct_expect_net_get(net);
	const struct ct_helper *h = ct_helper_find(e->master->helper);
	struct ct_expect **pp, **oldest = NULL, *n;

	if (!xn)
		return -ENOMEM;
	if (!h)
		return -ESHUTDOWN;      /* no helper on the master */
	exp_reap(net, xn);
	/* __nf_ct_expect_check(): replace our identical one, refuse a clash. */
	for (pp = &xn->list; *pp;) {
		if ((*pp)->master == e->master && exp_same(*pp, e)) {
			exp_unlink(xn, pp);
			continue;
		}
		if (exp_clash(*pp, e))
			return -EBUSY;
		pp = &(*pp)->next;
	}
	if (h->max_expected && exp_count(xn, e->master, e->cls, &oldest) >= h->max_expected) {
		exp_unlink(xn, oldest);         /* evict_oldest_expect() */
		if (exp_count(xn, e->master, e->cls, &oldest) >= h->max_expected)
			return -EMFILE;
	}
	if (xn->count >= (unsigned int)ct_sys(xn->max, 4096))
		return -EMFILE;         /* "nf_conntrack: expectation table full" */
	n = xn->freelist;
	if (n)
		xn->freelist = n->next;
	else if (!(n = malloc(sizeof(*n))))
		return -ENOMEM;
	*n = *e;
	n->next = NULL;
	n->id = ++xn->next_id;
	n->expires_ns = net->now_ns + (uint64_t)h->timeout_s * CT_NS_PER_S;
	for (pp = &xn->list; *pp; pp = &(*pp)->next)
		;
	*pp = n;
	xn->count++;
	return 0;
}

void ct_expect_unrelated(struct usnf_net *net, const struct ct_expect *e)
{
	struct ct_expect_net *xn = ctn(net) ? ctn(net)->expect : NULL;

	if (!xn)
		return;
	for (struct ct_expect **pp = &xn->list; *pp; pp = &(*pp)->next)
		if ((*pp)->master == e->master && exp_same(*pp, e)) {
			exp_unlink(xn, pp);
			return;
		}
}

/* nf_ct_tuple_mask_cmp(): t falls under e. */
static bool exp_match(const struct ct_expect *e, const struct ct_tuple *t)
{
	struct ct_tuple x = *t;

	x.sport = (uint16_t)((x.sport & e->mask_sport) | (e->t.sport & ~e->mask_sport));
	return !memcmp(&x, &e->t, sizeof(x));
}

/*
 * nf_ct_find_expectation(): the expectation for c's original tuple, taken out of
 * the table (none is permanent); none while its master is unconfirmed.
 */
static bool exp_take(struct usnf_net *net, const struct ct_tuple *t, struct ct_expect *out)
{
	struct ct_expect_net *xn = ctn(net)->expect;
	struct ct_expect **pp;

	if (!xn || !xn->count)
		return false;
	exp_reap(net, xn);
	for (pp = &xn->list; *pp; pp = &(*pp)->next) {
		if (!exp_match(*pp, t))
			continue;
		if (!((*pp)->master->status & CT_S_CONFIRMED) ||
		    ((*pp)->master->status & CT_S_DYING))
			return false;
		*out = **pp;
		exp_unlink(xn, pp);
		return true;
	}
	return false;
}

bool ct_expect_new_conn(struct usnf_net *net, struct ct_conn *c)
{
	struct ct_expect e;

	if (!exp_take(net, &c->node[0].t, &e))
		return false;
	/* init_conntrack(): "Welcome, Mr. Bond.  We've been expecting you..." */
	c->status |= CT_S_EXPECTED;
	c->master = e.master;
	e.master->children++;
	memcpy(c->master_helper, e.master->helper, sizeof(c->master_helper));
	c->mark = e.master->mark;
	c->secmark = e.master->secmark;
	if (e.expectfn)
		e.expectfn(net, c, &e);
	return true;
}

void ct_expect_master_gone(struct ct_net *cn, struct ct_conn *c)
{
	struct ct_expect_net *xn = cn->expect;
	struct ct_expect **pp;

	if (!xn)
		return;
	for (pp = &xn->list; *pp;) {
		if ((*pp)->master == c)
			exp_unlink(xn, pp);
		else
			pp = &(*pp)->next;
	}
}

int ct_expect_iterate(struct usnf_net *net, ct_expect_iter_fn fn, void *arg)
{
	struct ct_expect_net *xn = net->ct ? net->ct->expect : NULL;
	int rc = 0;

	if (!xn)
		return 0;
	exp_reap(net, xn);
	for (struct ct_expect *e = xn->list; e && !rc; e = e->next)
		rc = fn(e, arg);
	return rc;
}

void ct_expect_flush(struct usnf_net *net)
{
	struct ct_expect_net *xn = net->ct ? net->ct->expect : NULL;

	while (xn && xn->list)
		exp_unlink(xn, &xn->list);
}

void ct_expect_exit(struct usnf_net *net)
{
	struct ct_expect_net *xn = net->ct->expect;
	struct ct_expect *e, *next;

	if (!xn)
		return;
	ct_helper_unregister(net, xn);
	ct_expect_flush(net);
	for (e = xn->freelist; e; e = next) {
		next = e->next;
		free(e);
	}
	free(xn);
	net->ct->expect = NULL;
}

/* ---- conntrack -L expect ---- */

static void put_addrs(const struct ct_tuple *t, const uint8_t *src, const uint8_t *dst,
		      const char *ps, const char *pd, struct strbuf *out)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int af = t->l3 == USNF_NFPROTO_IPV4 ? AF_INET : AF_INET6;

	inet_ntop(af, src, a, sizeof(a));
	inet_ntop(af, dst, b, sizeof(b));
	sb_addf(out, "%s=%s %s=%s ", ps, a, pd, b);
}

/* libnetfilter_conntrack's __snprintf_expect_default(). */
void ct_expect_format(const struct usnf_net *net, const struct ct_expect *e, struct strbuf *out)
{
	const struct ct_tuple *m = &e->master->node[0].t;
	uint8_t ones[16];
	uint32_t left = e->expires_ns > net->now_ns ?
				(uint32_t)((e->expires_ns - net->now_ns) / CT_NS_PER_S) : 0;

	memset(ones, 0xff, sizeof(ones));
	sb_addf(out, "%u proto=%u ", left, e->t.proto);
	put_addrs(&e->t, e->t.src, e->t.dst, "src", "dst", out);
	sb_addf(out, "sport=%u dport=%u ", e->t.sport & e->mask_sport, e->t.dport);
	put_addrs(&e->t, ones, ones, "mask-src", "mask-dst", out);
	sb_addf(out, "sport=%u dport=65535 ", e->mask_sport);
	put_addrs(m, m->src, m->dst, "master-src", "master-dst", out);
	sb_addf(out, "sport=%u dport=%u ", m->sport, m->dport);
	if (m->zone)
		sb_addf(out, "zone=%u ", m->zone);
	sb_addf(out, "class=%u ", e->cls);
	if (e->master->helper[0])
		sb_addf(out, "helper=%s ", e->master->helper);
	if (out->len && out->s[out->len - 1] == ' ')
		out->s[--out->len] = '\0';
	sb_addc(out, '\n');
}
