/* hook: the hook registry per (family, hook point) and the traversal loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hook/hook_core.h"
#include "hook/nfnl.h"
#include "stack/net.h"

/*
 * Per hook point, one compact array of {fn, priv} sorted by priority (the
 * kernel's struct nf_hook_entries), rebuilt on every change.  hook_run() reads
 * the array pointer once and walks it; a change made meanwhile (a hook function
 * registering or unregistering) builds a new array and retires the old one,
 * which is freed when the outermost run ends (the kernel waits for an RCU grace
 * period instead).  The ops pointers sit after the entries so that the hot loop
 * only touches fn/priv.
 */
struct hook_entry {
	usnf_hookfn fn;
	void *priv;
};

struct hook_entries {
	unsigned int num;
	struct hook_entries *retired_next;
	const struct usnf_hook_ops **ops;       /* num pointers after e[] */
	struct hook_entry e[];
};

struct hook_dev {
	int ifindex;
	struct hook_entries *cur;
};

struct hook_registry {
	struct hook_entries *inet[2][USNF_INET_NUMHOOKS];       /* IPv4, IPv6 */
	struct hook_entries *arp[3];                            /* NF_ARP_IN/OUT/FORWARD */
	struct hook_dev *ingress;                               /* per device */
	unsigned int n_ingress;
	unsigned int running;                                   /* nesting depth of hook_run */
	struct hook_entries *retired;
};

/* Bound on NF_REPEAT loops: a function repeating forever would hang the engine. */
#define HOOK_MAX_REPEAT 1024u

int hook_net_init(struct usnf_net *net)
{
	net->hooks = calloc(1, sizeof(*net->hooks));
	return net->hooks ? 0 : -ENOMEM;
}

static void hook_entries_free_list(struct hook_entries *e)
{
	while (e) {
		struct hook_entries *next = e->retired_next;

		free(e);
		e = next;
	}
}

void hook_net_exit(struct usnf_net *net)
{
	struct hook_registry *reg = net->hooks;

	if (!reg)
		return;
	for (int f = 0; f < 2; f++)
		for (int h = 0; h < USNF_INET_NUMHOOKS; h++)
			free(reg->inet[f][h]);
	for (int h = 0; h < 3; h++)
		free(reg->arp[h]);
	for (unsigned int i = 0; i < reg->n_ingress; i++)
		free(reg->ingress[i].cur);
	free(reg->ingress);
	hook_entries_free_list(reg->retired);
	free(reg);
	net->hooks = NULL;
	nfnl_net_exit(net);     /* NFLOG subscribers and the queue handler go with it */
}

static struct hook_entries *hook_entries_alloc(unsigned int num)
{
	struct hook_entries *e;
	size_t sz = sizeof(*e) + num * sizeof(e->e[0]) + num * sizeof(e->ops[0]);

	e = malloc(sz);
	if (!e)
		return NULL;
	e->num = num;
	e->retired_next = NULL;
	e->ops = (const struct usnf_hook_ops **)(void *)&e->e[num];
	return e;
}

static void hook_entries_retire(struct hook_registry *reg, struct hook_entries *old)
{
	if (!old)
		return;
	if (reg->running == 0) {
		free(old);
		return;
	}
	old->retired_next = reg->retired;
	reg->retired = old;
}

/* The array of a (non-ingress) hook point, or NULL if pf/hooknum is not one. */
static struct hook_entries **hook_slot(struct hook_registry *reg, uint8_t pf, uint8_t hooknum)
{
	switch (pf) {
	case USNF_NFPROTO_IPV4:
		return hooknum < USNF_INET_NUMHOOKS ? &reg->inet[0][hooknum] : NULL;
	case USNF_NFPROTO_IPV6:
		return hooknum < USNF_INET_NUMHOOKS ? &reg->inet[1][hooknum] : NULL;
	case USNF_NFPROTO_ARP:
		return hooknum < 3 ? &reg->arp[hooknum] : NULL;
	default:
		return NULL;
	}
}

static struct hook_entries **hook_slot_dev(struct hook_registry *reg, int ifindex, bool create)
{
	struct hook_dev *d;

	for (unsigned int i = 0; i < reg->n_ingress; i++)
		if (reg->ingress[i].ifindex == ifindex)
			return &reg->ingress[i].cur;
	if (!create)
		return NULL;
	d = realloc(reg->ingress, (reg->n_ingress + 1) * sizeof(*d));
	if (!d)
		return NULL;
	reg->ingress = d;
	d[reg->n_ingress].ifindex = ifindex;
	d[reg->n_ingress].cur = NULL;
	return &d[reg->n_ingress++].cur;
}

static unsigned int hook_accept_all(void *priv, struct pkt *pkt,
				    const struct usnf_hook_state *state)
{
	return USNF_ACCEPT;
}

/* Live functions (an unregistered one may linger as a NULL-ops placeholder). */
static unsigned int hook_entries_live(const struct hook_entries *e)
{
	unsigned int n = 0;

	for (unsigned int i = 0; e && i < e->num; i++)
		n += e->ops[i] != NULL;
	return n;
}

/*
 * nf_hook_entries_grow(): a copy of the array with ops inserted before the first
 * function of higher priority, so equal priorities run in registration order.
 */
static int hook_slot_insert(struct hook_registry *reg, struct hook_entries **slot,
			    const struct usnf_hook_ops *ops)
{
	struct hook_entries *old = *slot, *new;
	unsigned int n = hook_entries_live(old), j = 0;
	bool placed = false;

	if (n >= HOOK_MAX_ENTRIES)
		return -E2BIG;
	for (unsigned int i = 0; old && i < old->num; i++)
		if (old->ops[i] == ops)
			return -EEXIST;
	new = hook_entries_alloc(n + 1);
	if (!new)
		return -ENOMEM;
	for (unsigned int i = 0; old && i < old->num; i++) {
		if (!old->ops[i])
			continue;
		if (!placed && ops->priority < old->ops[i]->priority) {
			new->e[j] = (struct hook_entry){ ops->hook, ops->priv };
			new->ops[j++] = ops;
			placed = true;
		}
		new->e[j] = old->e[i];
		new->ops[j++] = old->ops[i];
	}
	if (!placed) {
		new->e[j] = (struct hook_entry){ ops->hook, ops->priv };
		new->ops[j] = ops;
	}
	*slot = new;
	hook_entries_retire(reg, old);
	return 0;
}

/*
 * __nf_unregister_net_hook(): the entry first becomes accept-all in place, so a
 * traversal running on this array passes it; then a shrunk copy replaces it.  If
 * that copy cannot be allocated the placeholder simply stays.
 */
static void hook_slot_remove(struct hook_registry *reg, struct hook_entries **slot,
			     const struct usnf_hook_ops *ops)
{
	struct hook_entries *old = *slot, *new;
	unsigned int idx, n, j = 0;

	if (!old)
		return;
	for (idx = 0; idx < old->num && old->ops[idx] != ops; idx++)
		;
	if (idx == old->num)
		return;
	old->e[idx].fn = hook_accept_all;
	old->ops[idx] = NULL;
	n = hook_entries_live(old);
	if (n == 0) {
		*slot = NULL;
		hook_entries_retire(reg, old);
		return;
	}
	new = hook_entries_alloc(n);
	if (!new)
		return;
	for (unsigned int i = 0; i < old->num; i++) {
		if (!old->ops[i])
			continue;
		new->e[j] = old->e[i];
		new->ops[j++] = old->ops[i];
	}
	*slot = new;
	hook_entries_retire(reg, old);
}

/* Which array(s) ops goes to: up to two (INET = IPv4 + IPv6).  0 or -EINVAL. */
static int hook_ops_slots(struct hook_registry *reg, const struct usnf_hook_ops *ops,
			  bool create, struct hook_entries **slots[2], unsigned int *n)
{
	*n = 0;
	if (!reg || !ops->hook)
		return -EINVAL;
	if (ops->hooknum == USNF_INET_INGRESS &&
	    (ops->pf == USNF_NFPROTO_NETDEV || ops->pf == USNF_NFPROTO_INET)) {
		if (ops->ifindex <= 0)
			return -EINVAL;
		slots[0] = hook_slot_dev(reg, ops->ifindex, create);
		if (!slots[0])
			return create ? -ENOMEM : -ENOENT;
		*n = 1;
		return 0;
	}
	if (ops->pf == USNF_NFPROTO_INET) {
		slots[0] = hook_slot(reg, USNF_NFPROTO_IPV4, ops->hooknum);
		slots[1] = hook_slot(reg, USNF_NFPROTO_IPV6, ops->hooknum);
		*n = 2;
	} else {
		slots[0] = hook_slot(reg, ops->pf, ops->hooknum);
		*n = 1;
	}
	return slots[0] ? 0 : -EINVAL;
}

int usnf_hook_register(struct usnf_net *net, const struct usnf_hook_ops *ops)
{
	struct hook_registry *reg = net->hooks;
	struct hook_entries **slots[2];
	unsigned int n;
	int err = hook_ops_slots(reg, ops, true, slots, &n);

	if (err)
		return err;
	for (unsigned int i = 0; i < n; i++) {
		err = hook_slot_insert(reg, slots[i], ops);
		if (err) {
			while (i-- > 0)
				hook_slot_remove(reg, slots[i], ops);
			return err;
		}
	}
	return 0;
}

void usnf_hook_unregister(struct usnf_net *net, const struct usnf_hook_ops *ops)
{
	struct hook_registry *reg = net->hooks;
	struct hook_entries **slots[2];
	unsigned int n;

	if (hook_ops_slots(reg, ops, false, slots, &n))
		return;
	for (unsigned int i = 0; i < n; i++)
		hook_slot_remove(reg, slots[i], ops);
}

int usnf_hook_register_many(struct usnf_net *net, const struct usnf_hook_ops *ops,
			    unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		int err = usnf_hook_register(net, &ops[i]);

		if (err) {
			usnf_hook_unregister_many(net, ops, i);
			return err;
		}
	}
	return 0;
}

void usnf_hook_unregister_many(struct usnf_net *net, const struct usnf_hook_ops *ops,
			       unsigned int n)
{
	while (n-- > 0)
		usnf_hook_unregister(net, &ops[n]);
}

static struct hook_entries *hook_lookup(const struct hook_registry *reg, uint8_t pf,
					uint8_t hooknum, int ifindex)
{
	if (!reg)
		return NULL;
	if (hooknum == USNF_INET_INGRESS) {
		for (unsigned int i = 0; i < reg->n_ingress; i++)
			if (reg->ingress[i].ifindex == ifindex)
				return reg->ingress[i].cur;
		return NULL;
	}
	if (pf == USNF_NFPROTO_IPV4 && hooknum < USNF_INET_NUMHOOKS)
		return reg->inet[0][hooknum];
	if (pf == USNF_NFPROTO_IPV6 && hooknum < USNF_INET_NUMHOOKS)
		return reg->inet[1][hooknum];
	if (pf == USNF_NFPROTO_ARP && hooknum < 3)
		return reg->arp[hooknum];
	return NULL;
}

bool hook_active(const struct usnf_net *net, uint8_t pf, uint8_t hooknum, int ifindex)
{
	return hook_lookup(net->hooks, pf, hooknum, ifindex) != NULL;
}

unsigned int hook_count(const struct usnf_net *net, uint8_t pf, uint8_t hooknum, int ifindex)
{
	return hook_entries_live(hook_lookup(net->hooks, pf, hooknum, ifindex));
}

/* Call one function, again while it answers NF_REPEAT; the masked verdict. */
static unsigned int hook_call(const struct hook_entry *h, struct pkt *pkt,
			      const struct usnf_hook_state *st, unsigned int *raw)
{
	for (unsigned int r = 0; r < HOOK_MAX_REPEAT; r++) {
		*raw = h->fn(h->priv, pkt, st);
		if ((*raw & HOOK_VERDICT_MASK) != USNF_REPEAT)
			return *raw & HOOK_VERDICT_MASK;
	}
	return USNF_DROP;
}

static unsigned int hook_drop(struct pkt *pkt)
{
	if (pkt->drop_reason == PKT_DROP_NOT_DROPPED_YET)
		pkt->drop_reason = PKT_DROP_NETFILTER_DROP;
	return USNF_DROP;
}

/* The loop of nf_hook_slow() over one array; see hook_core.h for the verdicts. */
static unsigned int hook_walk(const struct hook_entries *e, struct pkt *pkt,
			      const struct usnf_hook_state *st)
{
	unsigned int requeued = 0;

	for (unsigned int i = 0; i < e->num; i++) {
		unsigned int raw;

		switch (hook_call(&e->e[i], pkt, st, &raw)) {
		case USNF_ACCEPT:
			continue;
		case USNF_QUEUE:
			/* nf_queue() to the handler; its verdict re-injects the packet
			 * (nf_reinject(): accept goes on with the next function, repeat
			 * calls this one again, bounded as hook_call() bounds it). */
			switch (nf_queue_packet(pkt, st, raw)) {
			case USNF_ACCEPT:
				continue;
			case USNF_REPEAT:
				if (++requeued < HOOK_MAX_REPEAT) {
					i--;
					continue;
				}
				break;
			case USNF_STOP:
				return USNF_ACCEPT;
			case USNF_QUEUE:
				return USNF_QUEUE;      /* nobody listens, no bypass */
			default:
				break;
			}
			return hook_drop(pkt);
		case USNF_STOLEN:
			return USNF_STOLEN;
		case USNF_STOP:
			return USNF_ACCEPT;
		default:        /* USNF_DROP, or a verdict that means nothing */
			return hook_drop(pkt);
		}
	}
	return USNF_ACCEPT;
}

unsigned int hook_run(struct usnf_net *net, uint8_t pf, uint8_t hooknum, struct pkt *pkt,
		      const struct usnf_iface *in, const struct usnf_iface *out)
{
	struct hook_registry *reg = net->hooks;
	const struct hook_entries *e = hook_lookup(reg, pf, hooknum, pkt->iif);
	struct usnf_hook_state st;
	unsigned int v;

	if (!e)
		return USNF_ACCEPT;
	st.hook = hooknum;
	st.pf = hooknum == USNF_INET_INGRESS ? USNF_NFPROTO_NETDEV : pf;
	st.in = in;
	st.out = out;
	st.net = net;
	if (net->trace) {
		struct usnf_trace_ev ev = {
			.kind = USNF_TRACE_HOOK, .pf = st.pf, .hook = hooknum,
			.verdict = -1, .ifindex = pkt->iif, .pkt = pkt,
		};
		net->trace(net->trace_ctx, &ev);
	}
	reg->running++;
	v = hook_walk(e, pkt, &st);
	if (--reg->running == 0 && reg->retired) {
		hook_entries_free_list(reg->retired);
		reg->retired = NULL;
	}
	return v;
}
