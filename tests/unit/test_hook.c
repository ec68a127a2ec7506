/* test_hook: hook registry order, verdicts, batch rollback, families, changes mid-run. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <usnf/hook.h>
#include <usnf/pkt.h>

#include "hook/hook_core.h"
#include "stack/net.h"

/* A hook function's script: what it answers, and a log of who ran. */
struct probe {
	int id;
	unsigned int verdict;
	unsigned int repeat;            /* answer REPEAT this many times first */
	unsigned int calls;
	uint8_t last_pf;
	struct usnf_net *net;
	const struct usnf_hook_ops *reg, *unreg;  /* change the registry when called */
};

static int order[64];
static unsigned int norder;

static unsigned int probe_fn(void *priv, struct pkt *pkt, const struct usnf_hook_state *st)
{
	struct probe *pr = priv;

	pr->calls++;
	pr->last_pf = st->pf;
	if (norder < 64)
		order[norder++] = pr->id;
	if (pr->reg)
		assert_int_equal(usnf_hook_register(pr->net, pr->reg), 0);
	if (pr->unreg)
		usnf_hook_unregister(pr->net, pr->unreg);
	if (pr->repeat) {
		pr->repeat--;
		return USNF_REPEAT;
	}
	return pr->verdict;
}

struct fixture {
	struct usnf_net net;
	struct pkt_pool *pool;
	struct pkt *pkt;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(hook_net_init(&f->net), 0);
	assert_int_equal(pkt_pool_create(4, &f->pool), 0);
	f->net.pool = f->pool;
	f->pkt = pkt_alloc(f->pool);
	f->pkt->iif = 2;
	norder = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pkt_free(f->pkt);
	pkt_pool_destroy(f->pool);
	hook_net_exit(&f->net);
	hook_net_exit(&f->net);         /* idempotent */
	free(f);
	return 0;
}

static struct usnf_hook_ops mkops(struct probe *pr, uint8_t pf, uint8_t hook, int32_t prio)
{
	return (struct usnf_hook_ops){ .hook = probe_fn, .priv = pr, .pf = pf,
				       .hooknum = hook, .priority = prio };
}

static unsigned int run4(struct fixture *f, uint8_t hook)
{
	norder = 0;
	return hook_run(&f->net, USNF_NFPROTO_IPV4, hook, f->pkt, NULL, NULL);
}

static void test_empty(void **state)
{
	struct fixture *f = *state;

	assert_false(hook_active(&f->net, USNF_NFPROTO_IPV4, USNF_INET_PRE_ROUTING, 0));
	assert_int_equal(run4(f, USNF_INET_PRE_ROUTING), USNF_ACCEPT);
	assert_int_equal(hook_run(&f->net, USNF_NFPROTO_IPV6, USNF_INET_INGRESS, f->pkt, NULL,
				  NULL), USNF_ACCEPT);
}

static void test_priority_order(void **state)
{
	struct fixture *f = *state;
	struct probe p[5] = { { .id = 0 }, { .id = 1 }, { .id = 2 }, { .id = 3 }, { .id = 4 } };
	struct usnf_hook_ops ops[5] = {
		mkops(&p[0], USNF_NFPROTO_IPV4, USNF_INET_FORWARD, USNF_PRI_FILTER),
		mkops(&p[1], USNF_NFPROTO_IPV4, USNF_INET_FORWARD, USNF_PRI_MANGLE),
		mkops(&p[2], USNF_NFPROTO_IPV4, USNF_INET_FORWARD, USNF_PRI_LAST),
		mkops(&p[3], USNF_NFPROTO_IPV4, USNF_INET_FORWARD, USNF_PRI_FIRST),
		mkops(&p[4], USNF_NFPROTO_IPV4, USNF_INET_FORWARD, USNF_PRI_SECURITY),
	};
	static const int want[5] = { 3, 1, 0, 4, 2 };

	for (int i = 0; i < 5; i++) {
		p[i].verdict = USNF_ACCEPT;
		assert_int_equal(usnf_hook_register(&f->net, &ops[i]), 0);
	}
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, 0), 5);
	assert_int_equal(run4(f, USNF_INET_FORWARD), USNF_ACCEPT);
	assert_int_equal(norder, 5);
	assert_memory_equal(order, want, sizeof(want));
	/* Other hook points and the other family are untouched. */
	assert_int_equal(run4(f, USNF_INET_LOCAL_IN), USNF_ACCEPT);
	assert_int_equal(norder, 0);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV6, USNF_INET_FORWARD, 0), 0);
	usnf_hook_unregister_many(&f->net, ops, 5);
}

static void test_equal_priorities(void **state)
{
	struct fixture *f = *state;
	struct probe p[4];
	struct usnf_hook_ops ops[4];
	static const int want[4] = { 3, 0, 1, 2 };

	for (int i = 0; i < 4; i++) {
		p[i] = (struct probe){ .id = i, .verdict = USNF_ACCEPT };
		ops[i] = mkops(&p[i], USNF_NFPROTO_IPV4, USNF_INET_PRE_ROUTING, i == 3 ? -1 : 7);
		assert_int_equal(usnf_hook_register(&f->net, &ops[i]), 0);
	}
	run4(f, USNF_INET_PRE_ROUTING);
	assert_memory_equal(order, want, sizeof(want));
	/* Re-registering after an unregister puts it last among equals. */
	usnf_hook_unregister(&f->net, &ops[0]);
	assert_int_equal(usnf_hook_register(&f->net, &ops[0]), 0);
	run4(f, USNF_INET_PRE_ROUTING);
	assert_memory_equal(order, ((int[]){ 3, 1, 2, 0 }), 4 * sizeof(int));
	usnf_hook_unregister_many(&f->net, ops, 4);
}

static void test_drop_stops(void **state)
{
	struct fixture *f = *state;
	struct probe a = { .id = 1, .verdict = USNF_ACCEPT }, d = { .id = 2, .verdict = USNF_DROP },
		     c = { .id = 3, .verdict = USNF_ACCEPT };
	struct usnf_hook_ops ops[3] = {
		mkops(&a, USNF_NFPROTO_IPV4, USNF_INET_LOCAL_IN, -10),
		mkops(&d, USNF_NFPROTO_IPV4, USNF_INET_LOCAL_IN, 0),
		mkops(&c, USNF_NFPROTO_IPV4, USNF_INET_LOCAL_IN, 10),
	};

	assert_int_equal(usnf_hook_register_many(&f->net, ops, 3), 0);
	assert_int_equal(run4(f, USNF_INET_LOCAL_IN), USNF_DROP);
	assert_int_equal(a.calls, 1);
	assert_int_equal(d.calls, 1);
	assert_int_equal(c.calls, 0);
	assert_int_equal(f->pkt->drop_reason, PKT_DROP_NETFILTER_DROP);

	/* A reason set by the hook itself is kept. */
	f->pkt->drop_reason = PKT_DROP_TCP_FLAGS;
	assert_int_equal(run4(f, USNF_INET_LOCAL_IN), USNF_DROP);
	assert_int_equal(f->pkt->drop_reason, PKT_DROP_TCP_FLAGS);

	/* NF_DROP_ERR(-EPERM): errno in the upper bits, still a drop. */
	d.verdict = ((uint32_t)EPERM << 16) | USNF_DROP;
	assert_int_equal(run4(f, USNF_INET_LOCAL_IN), USNF_DROP);
	/* A verdict that means nothing drops too. */
	d.verdict = 77;
	assert_int_equal(run4(f, USNF_INET_LOCAL_IN), USNF_DROP);
	assert_int_equal(c.calls, 0);
	usnf_hook_unregister_many(&f->net, ops, 3);
}

static void test_stolen_queue_stop(void **state)
{
	struct fixture *f = *state;
	struct probe s = { .id = 1, .verdict = USNF_STOLEN }, c = { .id = 2, .verdict = USNF_ACCEPT };
	struct usnf_hook_ops ops[2] = {
		mkops(&s, USNF_NFPROTO_IPV4, USNF_INET_POST_ROUTING, 0),
		mkops(&c, USNF_NFPROTO_IPV4, USNF_INET_POST_ROUTING, 1),
	};

	assert_int_equal(usnf_hook_register_many(&f->net, ops, 2), 0);
	assert_int_equal(run4(f, USNF_INET_POST_ROUTING), USNF_STOLEN);
	assert_int_equal(c.calls, 0);
	assert_int_equal(f->pkt->drop_reason, PKT_DROP_NOT_DROPPED_YET);

	s.verdict = HOOK_QUEUE_NR(3);
	assert_int_equal(run4(f, USNF_INET_POST_ROUTING), USNF_QUEUE);
	assert_int_equal(c.calls, 0);
	/* --queue-bypass with nobody listening: the next function runs. */
	s.verdict = HOOK_QUEUE_NR(3) | HOOK_VERDICT_FLAG_BYPASS;
	assert_int_equal(run4(f, USNF_INET_POST_ROUTING), USNF_ACCEPT);
	assert_int_equal(c.calls, 1);

	s.verdict = USNF_STOP;
	assert_int_equal(run4(f, USNF_INET_POST_ROUTING), USNF_ACCEPT);
	assert_int_equal(c.calls, 1);
	usnf_hook_unregister_many(&f->net, ops, 2);
}

static void test_repeat(void **state)
{
	struct fixture *f = *state;
	struct probe r = { .id = 1, .verdict = USNF_ACCEPT, .repeat = 2 },
		     c = { .id = 2, .verdict = USNF_ACCEPT };
	struct usnf_hook_ops ops[2] = {
		mkops(&r, USNF_NFPROTO_IPV4, USNF_INET_LOCAL_OUT, 0),
		mkops(&c, USNF_NFPROTO_IPV4, USNF_INET_LOCAL_OUT, 1),
	};

	assert_int_equal(usnf_hook_register_many(&f->net, ops, 2), 0);
	assert_int_equal(run4(f, USNF_INET_LOCAL_OUT), USNF_ACCEPT);
	assert_int_equal(r.calls, 3);
	assert_int_equal(c.calls, 1);
	assert_memory_equal(order, ((int[]){ 1, 1, 1, 2 }), 4 * sizeof(int));
	/* A function repeating forever is cut off and the packet dropped. */
	r.calls = 0;
	r.repeat = 1u << 30;
	assert_int_equal(run4(f, USNF_INET_LOCAL_OUT), USNF_DROP);
	assert_true(r.calls >= 16 && r.calls < 100000);
	assert_int_equal(c.calls, 1);
	usnf_hook_unregister_many(&f->net, ops, 2);
}

static void test_register_errors_and_rollback(void **state)
{
	struct fixture *f = *state;
	struct probe p = { .verdict = USNF_ACCEPT };
	struct usnf_hook_ops ops[4] = {
		mkops(&p, USNF_NFPROTO_IPV4, USNF_INET_PRE_ROUTING, 0),
		mkops(&p, USNF_NFPROTO_INET, USNF_INET_FORWARD, 0),
		mkops(&p, USNF_NFPROTO_NETDEV, USNF_INET_INGRESS, 0),
		mkops(&p, USNF_NFPROTO_IPV6, USNF_INET_INGRESS, 0),    /* invalid */
	};
	struct usnf_hook_ops bad;

	ops[2].ifindex = 2;
	assert_int_equal(usnf_hook_register_many(&f->net, ops, 4), -EINVAL);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV4, USNF_INET_PRE_ROUTING, 0), 0);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, 0), 0);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV6, USNF_INET_FORWARD, 0), 0);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_NETDEV, USNF_INET_INGRESS, 2), 0);

	/* An ops already registered in the batch: -EEXIST, the others rolled back. */
	assert_int_equal(usnf_hook_register(&f->net, &ops[2]), 0);
	assert_int_equal(usnf_hook_register_many(&f->net, ops, 3), -EEXIST);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV4, USNF_INET_PRE_ROUTING, 0), 0);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV6, USNF_INET_FORWARD, 0), 0);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_NETDEV, USNF_INET_INGRESS, 2), 1);
	usnf_hook_unregister(&f->net, &ops[2]);
	assert_int_equal(usnf_hook_register_many(&f->net, ops, 3), 0);
	assert_int_equal(usnf_hook_register(&f->net, &ops[1]), -EEXIST);
	/* A distinct ops with the same function and priority is a second entry. */
	ops[3] = ops[0];
	assert_int_equal(usnf_hook_register(&f->net, &ops[3]), 0);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV4, USNF_INET_PRE_ROUTING, 0), 2);
	usnf_hook_unregister_many(&f->net, ops, 4);

	bad = ops[0];
	bad.hook = NULL;
	assert_int_equal(usnf_hook_register(&f->net, &bad), -EINVAL);
	bad = ops[0];
	bad.pf = USNF_NFPROTO_BRIDGE;
	assert_int_equal(usnf_hook_register(&f->net, &bad), -EINVAL);
	bad.pf = 99;
	assert_int_equal(usnf_hook_register(&f->net, &bad), -EINVAL);
	bad.pf = USNF_NFPROTO_IPV4;
	bad.hooknum = USNF_HOOK_MAX;
	assert_int_equal(usnf_hook_register(&f->net, &bad), -EINVAL);
	bad.pf = USNF_NFPROTO_ARP;
	bad.hooknum = 3;
	assert_int_equal(usnf_hook_register(&f->net, &bad), -EINVAL);
	bad.pf = USNF_NFPROTO_NETDEV;
	bad.hooknum = USNF_INET_INGRESS;
	bad.ifindex = 0;
	assert_int_equal(usnf_hook_register(&f->net, &bad), -EINVAL);
	bad.hooknum = USNF_INET_PRE_ROUTING;
	bad.ifindex = 2;
	assert_int_equal(usnf_hook_register(&f->net, &bad), -EINVAL);
	/* Unregistering what was never registered is harmless. */
	usnf_hook_unregister(&f->net, &ops[0]);
	usnf_hook_unregister(&f->net, &bad);
}

static void test_too_many(void **state)
{
	struct fixture *f = *state;
	struct probe p = { .verdict = USNF_ACCEPT };
	struct usnf_hook_ops *ops = calloc(HOOK_MAX_ENTRIES + 1, sizeof(*ops));

	for (unsigned int i = 0; i <= HOOK_MAX_ENTRIES; i++)
		ops[i] = mkops(&p, USNF_NFPROTO_IPV6, USNF_INET_LOCAL_IN, (int32_t)(i % 7));
	assert_int_equal(usnf_hook_register_many(&f->net, ops, HOOK_MAX_ENTRIES + 1), -E2BIG);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV6, USNF_INET_LOCAL_IN, 0), 0);
	assert_int_equal(usnf_hook_register_many(&f->net, ops, HOOK_MAX_ENTRIES), 0);
	assert_int_equal(hook_run(&f->net, USNF_NFPROTO_IPV6, USNF_INET_LOCAL_IN, f->pkt, NULL,
				  NULL), USNF_ACCEPT);
	assert_int_equal(p.calls, HOOK_MAX_ENTRIES);
	usnf_hook_unregister_many(&f->net, ops, HOOK_MAX_ENTRIES);
	assert_false(hook_active(&f->net, USNF_NFPROTO_IPV6, USNF_INET_LOCAL_IN, 0));
	free(ops);
}

static void test_unregister(void **state)
{
	struct fixture *f = *state;
	struct probe p[3];
	struct usnf_hook_ops ops[3];

	for (int i = 0; i < 3; i++) {
		p[i] = (struct probe){ .id = i, .verdict = USNF_ACCEPT };
		ops[i] = mkops(&p[i], USNF_NFPROTO_IPV4, USNF_INET_FORWARD, i);
	}
	assert_int_equal(usnf_hook_register_many(&f->net, ops, 3), 0);
	usnf_hook_unregister(&f->net, &ops[1]);
	run4(f, USNF_INET_FORWARD);
	assert_int_equal(norder, 2);
	assert_memory_equal(order, ((int[]){ 0, 2 }), 2 * sizeof(int));
	usnf_hook_unregister(&f->net, &ops[0]);
	usnf_hook_unregister(&f->net, &ops[2]);
	assert_false(hook_active(&f->net, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, 0));
	assert_int_equal(run4(f, USNF_INET_FORWARD), USNF_ACCEPT);
	assert_int_equal(norder, 0);
}

static void test_inet_both_families(void **state)
{
	struct fixture *f = *state;
	struct probe p = { .id = 1, .verdict = USNF_DROP };
	struct usnf_hook_ops o = mkops(&p, USNF_NFPROTO_INET, USNF_INET_PRE_ROUTING, 0);

	assert_int_equal(usnf_hook_register(&f->net, &o), 0);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV4, USNF_INET_PRE_ROUTING, 0), 1);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV6, USNF_INET_PRE_ROUTING, 0), 1);
	assert_int_equal(hook_run(&f->net, USNF_NFPROTO_IPV4, USNF_INET_PRE_ROUTING, f->pkt,
				  NULL, NULL), USNF_DROP);
	assert_int_equal(p.last_pf, USNF_NFPROTO_IPV4);
	assert_int_equal(hook_run(&f->net, USNF_NFPROTO_IPV6, USNF_INET_PRE_ROUTING, f->pkt,
				  NULL, NULL), USNF_DROP);
	assert_int_equal(p.last_pf, USNF_NFPROTO_IPV6);
	assert_int_equal(p.calls, 2);
	/* Not on ARP. */
	assert_int_equal(hook_run(&f->net, USNF_NFPROTO_ARP, 0, f->pkt, NULL, NULL),
			 USNF_ACCEPT);
	usnf_hook_unregister(&f->net, &o);
	assert_false(hook_active(&f->net, USNF_NFPROTO_IPV4, USNF_INET_PRE_ROUTING, 0));
	assert_false(hook_active(&f->net, USNF_NFPROTO_IPV6, USNF_INET_PRE_ROUTING, 0));
}

static void test_ingress_per_device(void **state)
{
	struct fixture *f = *state;
	struct probe a = { .id = 1, .verdict = USNF_ACCEPT }, b = { .id = 2, .verdict = USNF_DROP };
	struct usnf_hook_ops oa = mkops(&a, USNF_NFPROTO_NETDEV, USNF_INET_INGRESS, 0),
			     ob = mkops(&b, USNF_NFPROTO_INET, USNF_INET_INGRESS, 5);

	oa.ifindex = 2;
	ob.ifindex = 3;
	assert_int_equal(usnf_hook_register(&f->net, &oa), 0);
	assert_int_equal(usnf_hook_register(&f->net, &ob), 0);
	f->pkt->iif = 2;
	assert_int_equal(hook_run(&f->net, USNF_NFPROTO_IPV4, USNF_INET_INGRESS, f->pkt, NULL,
				  NULL), USNF_ACCEPT);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.last_pf, USNF_NFPROTO_NETDEV);
	assert_int_equal(b.calls, 0);
	f->pkt->iif = 3;
	assert_int_equal(hook_run(&f->net, USNF_NFPROTO_IPV6, USNF_INET_INGRESS, f->pkt, NULL,
				  NULL), USNF_DROP);
	assert_int_equal(b.calls, 1);
	f->pkt->iif = 4;
	assert_int_equal(hook_run(&f->net, USNF_NFPROTO_IPV4, USNF_INET_INGRESS, f->pkt, NULL,
				  NULL), USNF_ACCEPT);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_NETDEV, USNF_INET_INGRESS, 2), 1);
	usnf_hook_unregister(&f->net, &oa);
	usnf_hook_unregister(&f->net, &ob);
	assert_false(hook_active(&f->net, USNF_NFPROTO_NETDEV, USNF_INET_INGRESS, 3));
}

/* As with RCU in the kernel, a run sees the array it started with ... */
static void test_register_during_run(void **state)
{
	struct fixture *f = *state;
	struct probe n = { .id = 9, .verdict = USNF_ACCEPT };
	struct usnf_hook_ops on = mkops(&n, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, 100);
	struct probe a = { .id = 1, .verdict = USNF_ACCEPT, .net = &f->net, .reg = &on };
	struct usnf_hook_ops oa = mkops(&a, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, 0);

	assert_int_equal(usnf_hook_register(&f->net, &oa), 0);
	assert_int_equal(run4(f, USNF_INET_FORWARD), USNF_ACCEPT);
	assert_int_equal(n.calls, 0);           /* registered mid-run: next packet */
	a.reg = NULL;
	assert_int_equal(run4(f, USNF_INET_FORWARD), USNF_ACCEPT);
	assert_int_equal(n.calls, 1);
	usnf_hook_unregister(&f->net, &oa);
	usnf_hook_unregister(&f->net, &on);
}

/* ... except that an unregistered function is skipped at once (accept_all). */
static void test_unregister_during_run(void **state)
{
	struct fixture *f = *state;
	struct probe c = { .id = 3, .verdict = USNF_DROP };
	struct usnf_hook_ops oc = mkops(&c, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, 10);
	struct probe a = { .id = 1, .verdict = USNF_ACCEPT, .net = &f->net, .unreg = &oc };
	struct usnf_hook_ops oa = mkops(&a, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, 0);

	assert_int_equal(usnf_hook_register(&f->net, &oa), 0);
	assert_int_equal(usnf_hook_register(&f->net, &oc), 0);
	assert_int_equal(run4(f, USNF_INET_FORWARD), USNF_ACCEPT);
	assert_int_equal(c.calls, 0);
	assert_int_equal(hook_count(&f->net, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, 0), 1);
	/* A function unregistering itself. */
	a.unreg = &oa;
	assert_int_equal(run4(f, USNF_INET_FORWARD), USNF_ACCEPT);
	assert_false(hook_active(&f->net, USNF_NFPROTO_IPV4, USNF_INET_FORWARD, 0));
}

static unsigned int trace_hooks;

static void trace_cb(void *ctx, const struct usnf_trace_ev *ev)
{
	if (ev->kind == USNF_TRACE_HOOK && ev->hook == USNF_INET_LOCAL_IN &&
	    ev->pf == USNF_NFPROTO_IPV4)
		trace_hooks++;
}

static void test_trace_event(void **state)
{
	struct fixture *f = *state;
	struct probe p = { .verdict = USNF_ACCEPT };
	struct usnf_hook_ops o = mkops(&p, USNF_NFPROTO_IPV4, USNF_INET_LOCAL_IN, 0);

	f->net.trace = trace_cb;
	run4(f, USNF_INET_LOCAL_IN);            /* nothing registered: no event */
	assert_int_equal(trace_hooks, 0);
	assert_int_equal(usnf_hook_register(&f->net, &o), 0);
	run4(f, USNF_INET_LOCAL_IN);
	assert_int_equal(trace_hooks, 1);
	usnf_hook_unregister(&f->net, &o);
	f->net.trace = NULL;
}

/*
 * An example user hook function, as a kernel module would write one: count
 * IPv4 UDP datagrams to port 9 (discard) and drop them; let the rest pass.
 */
struct discard_counter {
	uint64_t seen, dropped;
};

static unsigned int discard_hook(void *priv, struct pkt *pkt, const struct usnf_hook_state *st)
{
	struct discard_counter *c = priv;
	const uint8_t *ip = pkt_header(pkt, pkt->net_off, 20), *udp;
	uint32_t ihl;

	c->seen++;
	if (!ip || (ip[0] >> 4) != 4 || ip[9] != 17)
		return USNF_ACCEPT;
	ihl = (uint32_t)(ip[0] & 15) * 4;
	if ((ip[6] & 0x1f) || ip[7])            /* not the first fragment: no ports */
		return USNF_ACCEPT;
	udp = pkt_header(pkt, pkt->net_off + ihl, 8);
	if (!udp || udp[2] != 0 || udp[3] != 9)
		return USNF_ACCEPT;
	c->dropped++;
	return USNF_DROP;
}

static void test_example_discard_hook(void **state)
{
	struct fixture *f = *state;
	struct discard_counter cnt = { 0 };
	struct usnf_hook_ops o = { .hook = discard_hook, .priv = &cnt, .pf = USNF_NFPROTO_IPV4,
				   .hooknum = USNF_INET_PRE_ROUTING, .priority = USNF_PRI_FILTER };
	uint8_t ip[28] = { 0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 1, 1,
			   0x30, 0x39, 0, 9, 0, 8, 0, 0 };

	assert_int_equal(usnf_hook_register(&f->net, &o), 0);
	assert_int_equal(pkt_set_data(f->pkt, ip, sizeof(ip)), 0);
	f->pkt->net_off = f->pkt->data;
	assert_int_equal(run4(f, USNF_INET_PRE_ROUTING), USNF_DROP);
	pkt_at(f->pkt, f->pkt->net_off + 23)[0] = 53;
	f->pkt->drop_reason = 0;
	assert_int_equal(run4(f, USNF_INET_PRE_ROUTING), USNF_ACCEPT);
	assert_int_equal(cnt.seen, 2);
	assert_int_equal(cnt.dropped, 1);
	usnf_hook_unregister(&f->net, &o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priority_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_equal_priorities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stolen_queue_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repeat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_errors_and_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unregister, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inet_both_families, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ingress_per_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_during_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unregister_during_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trace_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_example_discard_hook, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
