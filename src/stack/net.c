/* net: the instance (a network namespace): creation, frame receive, drops, transmit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hook/hook_core.h"
#include "pkt/parse.h"
#include "stack/stack_int.h"
#include "ct/ct.h"
#include "xt/xt.h"
#include "ipset/ipset.h"

#define NET_POOL_PKTS 512u

int usnf_net_create(struct usnf_net **out)
{
	struct usnf_net *net = calloc(1, sizeof(*net));
	int err;

	if (!net)
		return -ENOMEM;
	err = pkt_pool_create(NET_POOL_PKTS, &net->pool);
	if (err)
		goto err_pool;
	err = hook_net_init(net);
	if (err)
		goto err_hook;
	err = route_net_init(net);
	if (err)
		goto err_route;
	err = stack_net_init(net);
	if (err)
		goto err_stack;
	err = xt_net_init(net);
	if (err)
		goto err_xt;
	err = ipset_net_init(net);
	if (err)
		goto err_ipset;
	*out = net;
	return 0;

err_ipset:
	xt_net_exit(net);
err_xt:
	stack_net_exit(net);
err_stack:
	route_net_exit(net);
err_route:
	hook_net_exit(net);
err_hook:
	pkt_pool_destroy(net->pool);
err_pool:
	free(net);
	return err;
}

void usnf_net_destroy(struct usnf_net *net)
{
	if (!net)
		return;
	xt_net_exit(net);
	ipset_net_exit(net);
	ct_net_exit(net);
	stack_net_exit(net);
	route_net_exit(net);
	hook_net_exit(net);
	pkt_pool_destroy(net->pool);
	free(net);
}

int stack_net_init(struct usnf_net *net)
{
	struct stack_ctx *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	net->stack = s;
	s->ip_id = 1;
	s->frag6_id = 1;
	int err = sysctl_net_init(net);

	if (err)
		goto err_sysctl;
	err = peer_net_init(net);
	if (err)
		goto err_peer;
	err = frag_net_init(net);
	if (err)
		goto err_frag;
	err = resolve_net_init(net);
	if (err)
		goto err_resolve;
	return 0;

err_resolve:
	frag_net_exit(net);
err_frag:
	peer_net_exit(net);
err_peer:
	sysctl_net_exit(net);
err_sysctl:
	free(s);
	net->stack = NULL;
	return err;
}

void stack_net_exit(struct usnf_net *net)
{
	if (!net->stack)
		return;
	resolve_net_exit(net);
	frag_net_exit(net);
	peer_net_exit(net);
	sysctl_net_exit(net);
	free(net->stack);
	net->stack = NULL;
}

void usnf_net_set_tx(struct usnf_net *net, usnf_tx_fn fn, void *ctx)
{
	net->tx = fn;
	net->tx_ctx = ctx;
}

void usnf_net_set_clock(struct usnf_net *net, uint64_t now_ns) { net->now_ns = now_ns; }
uint64_t usnf_net_now(const struct usnf_net *net) { return net->now_ns; }

void usnf_net_set_trace(struct usnf_net *net, usnf_trace_fn fn, void *ctx)
{
	net->trace = fn;
	net->trace_ctx = ctx;
}

const char *usnf_fate_name(enum usnf_fate f)
{
	static const char *const names[] = { "forwarded", "local", "dropped", "stolen", "queued" };

	return (unsigned int)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

uint64_t usnf_net_drop_count(const struct usnf_net *net, enum pkt_drop_reason r)
{
	return (unsigned int)r < PKT_DROP_MAX ? stk(net)->drops[r] : 0;
}

/* ---- helpers the stack files share ---- */

void stack_set_fate(struct usnf_net *net, int fate)
{
	stk(net)->fate = fate;
}

void stack_drop(struct usnf_net *net, struct pkt *p, enum pkt_drop_reason r)
{
	struct stack_ctx *s = stk(net);

	if ((unsigned int)r >= PKT_DROP_MAX)
		r = PKT_DROP_NOT_DROPPED_YET;
	p->drop_reason = r;
	s->drops[r]++;
	if (net->trace) {
		struct usnf_trace_ev ev = { .kind = USNF_TRACE_DROP, .drop_reason = r,
					    .verdict = -1, .pkt = p, .ifindex = p->iif };

		net_trace(net, &ev);
	}
	/* Only the received frame's own end decides its fate, not a reply's. */
	if (!p->local_out && p->trace_id == s->cur_trace_id && s->depth == 0)
		s->fate = USNF_FATE_DROPPED;
	pkt_free(p);
}

void stack_trace_local(struct usnf_net *net, const struct pkt *p, const char *what)
{
	if (net->trace) {
		struct usnf_trace_ev ev = { .kind = USNF_TRACE_LOCAL, .text = what, .verdict = -1,
					    .pkt = p, .ifindex = p->iif };

		net_trace(net, &ev);
	}
}

bool stack_hook(struct usnf_net *net, uint8_t pf, uint8_t hook, struct pkt *p,
		const struct usnf_iface *in, const struct usnf_iface *out)
{
	unsigned int v = hook_run(net, pf, hook, p, in, out);

	switch (v) {
	case USNF_ACCEPT:
		return true;
	case USNF_STOLEN:
		if (!p->local_out && p->trace_id == stk(net)->cur_trace_id && stk(net)->depth == 0)
			stack_set_fate(net, USNF_FATE_STOLEN);
		return false;
	case USNF_QUEUE:
		/* No queue handler: nf_queue() fails and the kernel drops the packet. */
		if (!p->local_out && p->trace_id == stk(net)->cur_trace_id && stk(net)->depth == 0) {
			stk(net)->drops[PKT_DROP_QUEUED]++;
			stack_set_fate(net, USNF_FATE_QUEUED);
			pkt_free(p);
			return false;
		}
		stack_drop(net, p, PKT_DROP_QUEUED);
		return false;
	default:
		stack_drop(net, p, p->drop_reason != PKT_DROP_NOT_DROPPED_YET ?
			   (enum pkt_drop_reason)p->drop_reason : PKT_DROP_NETFILTER_DROP);
		return false;
	}
}

struct pkt *stack_pkt_new(struct usnf_net *net, const struct pkt *cause)
{
	struct pkt *p = pkt_alloc(net->pool);

	if (!p) {
		stk(net)->drops[PKT_DROP_NOMEM]++;
		return NULL;
	}
	p->data = PKT_HEADROOM;
	p->len = 0;
	p->net_off = PKT_HEADROOM;
	p->local_out = true;
	/* What the stack sends goes out on its per-netns (or netns-switched per-CPU)
	 * control socket: icmp_xmit_lock(), ndisc_sk, ip_send_unicast_reply().  The
	 * senders that attach none clear it (nf_send_reset*(), tcp_v6_send_response(),
	 * synproxy_send_tcp()). */
	p->kernel_sk = true;
	p->tstamp_ns = net->now_ns;
	p->trace_id = cause ? cause->trace_id : stk(net)->cur_trace_id;
	return p;
}

void stack_xmit(struct usnf_net *net, struct pkt *p, const struct usnf_iface *out,
		const uint8_t dmac[6], uint16_t ethertype)
{
	uint8_t *eh = pkt_push(p, PKT_ETH_HLEN);

	if (!eh) {
		stack_drop(net, p, PKT_DROP_NOMEM);
		return;
	}
	memcpy(eh, dmac, 6);
	memcpy(eh + 6, out->mac, 6);
	wr16(eh + 12, ethertype);
	p->mac_off = p->data;
	p->oif = out->ifindex;
	if (net->trace) {
		struct usnf_trace_ev ev = { .kind = USNF_TRACE_TX, .ifindex = out->ifindex,
					    .verdict = -1, .pkt = p };

		net_trace(net, &ev);
	}
	if (!p->local_out && p->trace_id == stk(net)->cur_trace_id && stk(net)->depth == 0)
		stk(net)->fate = USNF_FATE_FORWARDED;
	if (net->tx)
		net->tx(net->tx_ctx, out->ifindex, pkt_data(p), p->len, p);
	pkt_free(p);
}

void stack_loopback(struct usnf_net *net, struct pkt *p,
		    void (*rcv)(struct usnf_net *net, struct pkt *p, struct usnf_iface *in))
{
	struct usnf_iface *lo = route_iface_get(net, 1);
	struct stack_ctx *s = stk(net);

	/* Bound the re-injection (a hook may loop a packet back to itself). */
	if (s->depth > 4) {
		stack_drop(net, p, PKT_DROP_NOMEM);
		return;
	}
	p->iif = lo->ifindex;
	p->oif = 0;
	p->local_out = false;
	p->pkt_type = PKT_HOST;
	p->rt_type = RTN_UNSPEC;
	s->depth++;
	rcv(net, p, lo);
	s->depth--;
}

/* ---- receive ---- */

/* netif_receive_skb(): L2 parse, then the protocol handler of the ethertype. */
static void net_receive(struct usnf_net *net, struct pkt *p, struct usnf_iface *in)
{
	if (!in->up) {
		stack_drop(net, p, PKT_DROP_OTHERHOST);
		return;
	}
	if (pkt_parse_l2(p, in->mac) < 0) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return;
	}
	if (hook_active(net, USNF_NFPROTO_NETDEV, USNF_INET_INGRESS, in->ifindex) &&
	    !stack_hook(net, USNF_NFPROTO_NETDEV, USNF_INET_INGRESS, p, in, NULL))
		return;
	/* eth_type_trans() pulls the MAC header: data now points at L3. */
	pkt_pull(p, p->net_off - p->data);
	switch (p->protocol) {
	case PKT_ETH_P_IP:
		ipv4_rcv(net, p, in);
		break;
	case PKT_ETH_P_IPV6:
		ipv6_rcv(net, p, in);
		break;
	case PKT_ETH_P_ARP:
		arp_rcv(net, p, in);
		break;
	default:
		stack_drop(net, p, PKT_DROP_UNHANDLED_PROTO);
		break;
	}
}

int usnf_net_rx(struct usnf_net *net, int ifindex, const uint8_t *frame, uint32_t len)
{
	struct stack_ctx *s = stk(net);
	struct usnf_iface *in = route_iface_get(net, ifindex);
	struct pkt *p;

	s->cur_trace_id = ++s->next_trace_id;
	s->fate = USNF_FATE_DROPPED;
	if (!in)
		return -ENODEV;
	p = pkt_alloc(net->pool);
	if (!p) {
		s->drops[PKT_DROP_NOMEM]++;
		return USNF_FATE_DROPPED;
	}
	if (pkt_set_data(p, frame, len) < 0) {
		stack_drop(net, p, PKT_DROP_PKT_TOO_SMALL);
		return USNF_FATE_DROPPED;
	}
	p->iif = ifindex;
	p->tstamp_ns = net->now_ns;
	p->trace_id = s->cur_trace_id;
	p->rt_type = RTN_UNSPEC;
	/* Timers that fell due before this frame (the kernel runs them in real time). */
	stack_resolve_timers(net);
	frag_expire(net);
	net_receive(net, p, in);
	return s->fate;
}

void usnf_net_rx_burst(struct usnf_net *net, const int *ifindex, const uint8_t *const *frames,
		       const uint32_t *lens, unsigned int n, int *fates)
{
	for (unsigned int i = 0; i < n; i++) {
		int f = usnf_net_rx(net, ifindex[i], frames[i], lens[i]);

		if (fates)
			fates[i] = f;
	}
}
