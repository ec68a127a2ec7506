/* xt_do: the rule traversal of one table on one hook (ipt_do_table / ip6t_do_table). */
#include <stdio.h>
#include <string.h>

#include "route/route.h"
#include "stack/net.h"
#include "xt/xt.h"
#include "xt/xt_cls.h"

/* ifname_compare(): "eth+" is a prefix, anything else the whole name. */
static bool xt_iface_match(const char *rule, const char *dev)
{
	size_t n = strlen(rule);

	if (n == 0)
		return true;
	if (rule[n - 1] == '+')
		return strncmp(rule, dev, n - 1) == 0;
	return strcmp(rule, dev) == 0;
}

/* The devices of the hook state, as ipt_do_table() takes state->in/out->name. */
static bool xt_ifaces_match(const struct xt_ipspec *ip, const struct usnf_hook_state *st)
{
	if (ip->iniface[0] &&
	    xt_iface_match(ip->iniface, st->in ? st->in->name : "") ==
	    !!(ip->invflags & XT_INV_VIA_IN))
		return false;
	if (ip->outiface[0] &&
	    xt_iface_match(ip->outiface, st->out ? st->out->name : "") ==
	    !!(ip->invflags & XT_INV_VIA_OUT))
		return false;
	return true;
}

/* ip_packet_match() in net/ipv4/netfilter/ip_tables.c. */
static bool xt_ip4_match(const struct xt_ipspec *ip, const struct pkt *pkt,
			 const struct usnf_hook_state *st)
{
	const uint8_t *h = pkt_header(pkt, pkt->net_off, 20);
	uint32_t saddr, daddr;
	uint16_t frag;

	if (!h)
		return false;
	memcpy(&saddr, h + 12, 4);
	memcpy(&daddr, h + 16, 4);
	if (((saddr & ip->smsk.a4) != ip->src.a4) != !!(ip->invflags & XT_INV_SRCIP))
		return false;
	if (((daddr & ip->dmsk.a4) != ip->dst.a4) != !!(ip->invflags & XT_INV_DSTIP))
		return false;
	if (!xt_ifaces_match(ip, st))
		return false;
	if (ip->proto && ((h[9] != ip->proto) != !!(ip->invflags & XT_INV_PROTO)))
		return false;
	frag = (uint16_t)((h[6] << 8 | h[7]) & 0x1fff);
	if ((ip->flags & XT_F_FRAG) && ((frag == 0) != !!(ip->invflags & XT_INV_FRAG)))
		return false;
	return true;
}

static bool xt_addr6_match(const uint8_t *a, const union xt_addr *addr,
			   const union xt_addr *msk)
{
	int i;

	for (i = 0; i < 16; i++)
		if ((a[i] & msk->a6[i]) != addr->a6[i])
			return false;
	return true;
}

/* ip6_packet_match() in net/ipv6/netfilter/ip6_tables.c. */
static bool xt_ip6_match(const struct xt_ipspec *ip, const struct pkt *pkt,
			 const struct usnf_hook_state *st)
{
	const uint8_t *h = pkt_header(pkt, pkt->net_off, 40);

	if (!h)
		return false;
	if (xt_addr6_match(h + 8, &ip->src, &ip->smsk) == !!(ip->invflags & XT_INV_SRCIP))
		return false;
	if (xt_addr6_match(h + 24, &ip->dst, &ip->dmsk) == !!(ip->invflags & XT_INV_DSTIP))
		return false;
	if (!xt_ifaces_match(ip, st))
		return false;
	if (ip->flags & XT_F_PROTO) {
		/* The header found past the extension headers (ipv6_find_hdr()). */
		if (pkt->l4proto == ip->proto)
			return !(ip->invflags & XT_INV_PROTO);
		/* "-p all" (0) matches anything. */
		if (ip->proto != 0 && !(ip->invflags & XT_INV_PROTO))
			return false;
	}
	return true;
}

/* USNF_TRACE_RULE (a rule matched) or USNF_TRACE_VERDICT (what its target returned). */
static void xt_trace_rule(enum usnf_trace_kind kind, const struct xt_table *t,
			  const struct xt_chain *c, unsigned int n, const struct xt_rule *r,
			  int verdict, struct pkt *pkt, const struct usnf_hook_state *st)
{
	struct usnf_trace_ev ev = {
		.kind = kind, .pf = st->pf, .hook = st->hook, .chain = c->name, .rulenum = n,
		.verdict = verdict, .pkt = pkt,
	};

	if (!st->net->trace)
		return;
	ev.table = xt_table_info_get(t->id)->name;
	ev.target = xt_rule_target_name(r);
	net_trace(st->net, &ev);
}

/* TRACE target: nf_trace packets log every rule, return and policy they meet. */
static void xt_trace_nf(const struct xt_table *t, const struct xt_chain *c, const char *type,
			unsigned int n, struct pkt *pkt, const struct usnf_hook_state *st)
{
	char text[96];
	struct usnf_trace_ev ev = {
		.kind = USNF_TRACE_LOG, .pf = st->pf, .hook = st->hook,
		.table = xt_table_info_get(t->id)->name, .chain = c->name, .rulenum = n,
		.verdict = -1, .text = text, .pkt = pkt,
	};

	if (!pkt->nf_trace || !st->net->trace)
		return;
	snprintf(text, sizeof(text), "TRACE: %s:%s:%s:%u", ev.table, c->name, type, n);
	net_trace(st->net, &ev);
}

static void xt_trace_simple(enum usnf_trace_kind kind, const struct xt_table *t,
			    const struct xt_chain *c, int verdict, struct pkt *pkt,
			    const struct usnf_hook_state *st)
{
	struct usnf_trace_ev ev = {
		.kind = kind, .pf = st->pf, .hook = st->hook,
		.table = xt_table_info_get(t->id)->name, .chain = c->name,
		.target = verdict == USNF_DROP ? "DROP" : "ACCEPT", .verdict = verdict,
		.pkt = pkt,
	};

	if (kind == USNF_TRACE_RETURN)
		ev.target = "RETURN", ev.verdict = -1;
	net_trace(st->net, &ev);
}

static unsigned int xt_std_verdict(uint8_t v)
{
	switch (v) {
	case XT_RV_ACCEPT: return USNF_ACCEPT;
	case XT_RV_QUEUE: return USNF_QUEUE;
	default: return USNF_DROP;
	}
}

/* skb->len as ADD_COUNTER() reads it at each counter: the packet's length now, from
 * the network header on, which a mangling target (TCPMSS) may have changed. */
static inline uint32_t xt_pkt_len(const struct pkt *pkt)
{
	return pkt_end(pkt) - pkt->net_off;
}

struct xt_frame {
	unsigned int chain;
	unsigned int next;
};

/* Does rule r match: its ip part, then every match in order (stops at the first no). */
static bool xt_rule_match(const struct xt_rule *r, const struct pkt *pkt,
			  const struct usnf_hook_state *st, struct xt_action *par, bool v6)
{
	unsigned int m;

	if (!(v6 ? xt_ip6_match(&r->ip, pkt, st) : xt_ip4_match(&r->ip, pkt, st)))
		return false;
	for (m = 0; m < r->nmatches; m++)
		if (!r->matches[m].ops->match(pkt, r->matches[m].data, par))
			return false;
	return true;
}

/* The next rule of chain c worth evaluating from i on: i itself when not compiled. */
static inline unsigned int xt_next_rule(const struct xt_chain *c, struct xt_cls_cursor *cur,
					const struct xt_cls_key *key, unsigned int i, bool cls)
{
	if (!cls || !c->cls || i >= c->nrules)
		return i;
	return xt_cls_next(c->cls, cur, key, i);
}

/*
 * ipt_do_table(): walk from the hook's base chain.  With cls, compiled chains
 * skip the rules their classifier rules out (they could not match); every other
 * rule is evaluated exactly as by the linear scan, in the same order.
 */
static unsigned int xt_traverse(const struct xt_table *t, struct pkt *pkt,
				const struct usnf_hook_state *st, bool cls)
{
	struct xt_frame stack[XT_STACK_MAX];
	struct xt_cls_key key;
	struct xt_cls_cursor cur = { 0 };
	unsigned int sp = 0, ci, i = 0;
	bool v6 = t->family == XT_FAMILY_V6;
	struct xt_action par = {
		.net = st->net, .state = st, .thoff = pkt->trans_off,
		.fragoff = pkt->frag_off, .family = t->family,
		.table = xt_table_info_get(t->id)->name,
	};
	int hc;

	if (st->hook >= USNF_INET_NUMHOOKS || (hc = t->hook_chain[st->hook]) < 0 ||
	    !t->chains[hc].exists)
		return USNF_ACCEPT;     /* no base chain: nothing on this hook */
	cls = cls && t->classified;
	if (cls)
		xt_cls_key_get(&key, pkt, v6);
	ci = (unsigned int)hc;
	for (;;) {
		struct xt_chain *c = &t->chains[ci];
		struct xt_rule *r;
		unsigned int v;
		bool matched;

		i = xt_next_rule(c, &cur, &key, i, cls);
		if (i >= c->nrules) {
			if (c->hook >= 0) {
				/* The policy: the built-in chain's underflow. */
				c->pkts++;
				c->bytes += xt_pkt_len(pkt);
				xt_trace_nf(t, c, "policy", c->nrules + 1, pkt, st);
				xt_trace_simple(USNF_TRACE_POLICY, t, c, c->policy, pkt, st);
				return c->policy;
			}
			xt_trace_nf(t, c, "return", c->nrules + 1, pkt, st);
			xt_trace_simple(USNF_TRACE_RETURN, t, c, -1, pkt, st);
			goto do_return;
		}
		r = c->rules[i];
		par.chain = c->name;
		par.rulenum = i + 1;
		matched = xt_rule_match(r, pkt, st, &par, v6);
		if (par.hotdrop)
			return USNF_DROP;
		if (!matched)
			goto next;
		r->pkts++;
		r->bytes += xt_pkt_len(pkt);
		xt_trace_nf(t, c, "rule", i + 1, pkt, st);
		switch (r->verdict) {
		case XT_RV_NONE:
			xt_trace_rule(USNF_TRACE_RULE, t, c, i + 1, r, -1, pkt, st);
			goto next;
		case XT_RV_ACCEPT:
		case XT_RV_DROP:
		case XT_RV_QUEUE:
			v = xt_std_verdict(r->verdict);
			xt_trace_rule(USNF_TRACE_RULE, t, c, i + 1, r, (int)v, pkt, st);
			return v;
		case XT_RV_RETURN:
			xt_trace_rule(USNF_TRACE_RULE, t, c, i + 1, r, -1, pkt, st);
			goto do_return;
		case XT_RV_JUMP:
			xt_trace_rule(USNF_TRACE_RULE, t, c, i + 1, r, -1, pkt, st);
			if (sp >= XT_STACK_MAX)
				return USNF_DROP;
			stack[sp].chain = ci;
			stack[sp++].next = i + 1;
			ci = (unsigned int)c->jumpto[i];
			i = 0;
			continue;
		case XT_RV_GOTO:
			/* No return address: RETURN goes to whoever called this chain. */
			xt_trace_rule(USNF_TRACE_RULE, t, c, i + 1, r, -1, pkt, st);
			ci = (unsigned int)c->jumpto[i];
			i = 0;
			continue;
		default:
			break;
		}
		/* Reported before the target runs, so that what it causes (a LOG line,
		 * REJECT's answer) follows the rule; a final verdict is reported after. */
		xt_trace_rule(USNF_TRACE_RULE, t, c, i + 1, r, -1, pkt, st);
		v = r->target->target(pkt, r->tdata, &par);
		if (v == XT_CONTINUE) {
			if (cls) {
				/* The target may have rewritten the packet: read it again. */
				xt_cls_key_get(&key, pkt, v6);
				cur.cls = cur.top = NULL;
			}
			goto next;
		}
		if (v == XT_RETURN)
			goto do_return;
		xt_trace_rule(USNF_TRACE_VERDICT, t, c, i + 1, r, (int)v, pkt, st);
		return v;
next:
		i++;
		continue;
do_return:
		if (sp == 0) {
			/* RETURN in a base chain, or off the end of a chain reached by goto
			 * from it: the policy (the kernel's underflow entry). */
			ci = (unsigned int)hc;
			i = t->chains[hc].nrules;
			continue;
		}
		sp--;
		ci = stack[sp].chain;
		i = stack[sp].next;
	}
}

unsigned int xt_do_table(const struct xt_table *t, struct pkt *pkt,
			 const struct usnf_hook_state *st)
{
	return xt_traverse(t, pkt, st, true);
}

unsigned int xt_do_table_linear(const struct xt_table *t, struct pkt *pkt,
				const struct usnf_hook_state *st)
{
	return xt_traverse(t, pkt, st, false);
}
