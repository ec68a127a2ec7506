/*
 * ct_core: the connection table and the conntrack hook functions
 * (nf_conntrack_core.c, nf_conntrack_proto.c: nf_conntrack_in, confirm, attach).
 *
 * Lifetime: a packet borrows its connection (pkt->ct holds no reference).  A
 * connection removed from the table, or never confirmed, is kept until the
 * next input frame starts, when no packet of the previous one is in flight
 * any more (the engine handles one frame to completion before the next).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct/ct_int.h"
#include "ct/ct_synproxy.h"
#include "pkt/parse.h"
#include "stack/stack.h"

#define CT_BUCKETS 16384u
#define CT_EVICTION_RANGE 8u

/* ---- table ---- */

static uint32_t mix(uint32_t h, uint32_t v)
{
	v *= 0xcc9e2d51u;
	v = (v << 15) | (v >> 17);
	v *= 0x1b873593u;
	h ^= v;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

/* A seeded hash of the whole tuple (hash_conntrack_raw()). */
uint32_t ct_tuple_hash(const struct ct_net *cn, const struct ct_tuple *t)
{
	const uint8_t *b = (const uint8_t *)t;
	uint32_t h = cn->seed, w;

	for (size_t i = 0; i + 4 <= sizeof(*t); i += 4) {
		memcpy(&w, b + i, 4);
		h = mix(h, w);
	}
	h ^= (uint32_t)sizeof(*t);
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

static struct ct_node **bucket(struct ct_net *cn, const struct ct_tuple *t)
{
	return &cn->buckets[ct_tuple_hash(cn, t) & (cn->nbuckets - 1)];
}

static bool expired(const struct usnf_net *net, const struct ct_conn *c)
{
	return c->expires_ns <= net->now_ns;
}

static void unlink_node(struct ct_net *cn, struct ct_node *n)
{
	struct ct_node **pp = bucket(cn, &n->t);

	for (; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			return;
		}
}

void ct_kill(struct usnf_net *net, struct ct_conn *c)
{
	struct ct_net *cn = ctn(net);

	if (c->status & CT_S_DYING)
		return;
	c->status |= CT_S_DYING;
	ct_expect_master_gone(cn, c);   /* nf_ct_remove_expectations() */
	if (!(c->status & CT_S_CONFIRMED))
		return;                 /* freed with the unconfirmed list */
	/* nf_ct_delete(): the IPCT_DESTROY event, any cached ones are dropped. */
	c->ev_cache = 0;
	if (cn->ev_fn)
		cn->ev_fn(cn->ev_ctx, net, c, 1u << CT_EV_DESTROY);
	unlink_node(cn, &c->node[0]);
	unlink_node(cn, &c->node[1]);
	cn->count--;
	c->next_dead = cn->graveyard;
	cn->graveyard = c;
}

void ct_conn_delete(struct usnf_net *net, struct ct_conn *c)
{
	ct_kill(net, c);
}

/* ____nf_conntrack_find(): the live entry for t; expired entries met are reaped. */
struct ct_node *ct_find(struct usnf_net *net, const struct ct_tuple *t)
{
	struct ct_net *cn = ctn(net);
	struct ct_node *n, *next;

	for (n = *bucket(cn, t); n; n = next) {
		next = n->next;
		if (memcmp(&n->t, t, sizeof(*t)))
			continue;
		if (expired(net, ct_of_node(n))) {
			if (next && ct_of_node(next) == ct_of_node(n))
				next = next->next;
			ct_kill(net, ct_of_node(n));
			continue;
		}
		return n;
	}
	return NULL;
}

struct ct_conn *ct_lookup(struct usnf_net *net, const struct ct_tuple *t, enum ct_dir *dir)
{
	struct ct_node *n;

	if (!net->ct)
		return NULL;
	n = ct_find(net, t);
	if (n && dir)
		*dir = (enum ct_dir)n->dir;
	return n ? ct_of_node(n) : NULL;
}

void ct_refresh(struct usnf_net *net, struct ct_conn *c, uint32_t secs)
{
	if (c->status & CT_S_FIXED_TIMEOUT)
		return;
	c->timeout_s = secs;
	c->expires_ns = net->now_ns + (uint64_t)secs * CT_NS_PER_S;
}

uint32_t ct_conn_timeout_left(const struct usnf_net *net, const struct ct_conn *c)
{
	return c->expires_ns > net->now_ns ?
		       (uint32_t)((c->expires_ns - net->now_ns) / CT_NS_PER_S) : 0;
}

static void conn_free(struct ct_net *cn, struct ct_conn *c)
{
	struct ct_conn *m = c->master;

	ct_expect_master_gone(cn, c);   /* TFTP expects before confirmation */
	if (c->children) {
		c->free_pending = true; /* expected connections still hold it (nf_ct_put) */
		return;
	}
	if (cn->nat_free)
		cn->nat_free(cn->nat_ctx, c);
	c->next_dead = cn->freelist;
	cn->freelist = c;
	if (m && --m->children == 0 && m->free_pending)
		conn_free(cn, m);
}

static struct ct_conn *conn_alloc(struct ct_net *cn)
{
	struct ct_conn *c = cn->freelist;

	if (c)
		cn->freelist = c->next_dead;
	else
		c = malloc(sizeof(*c));
	if (c) {
		memset(c, 0, sizeof(*c));
		c->nat_pool = -1;
		c->nat_dest = -1;
	}
	return c;
}

/* The previous frame is over: free what was only kept for its packets. */
static void ct_frame_end(struct ct_net *cn)
{
	struct ct_conn *c, *next;

	for (c = cn->unconfirmed; c; c = next) {
		next = c->next_unconf;
		if (!(c->status & CT_S_CONFIRMED))
			conn_free(cn, c);
	}
	cn->unconfirmed = NULL;
	for (c = cn->graveyard; c; c = next) {
		next = c->next_dead;
		conn_free(cn, c);
	}
	cn->graveyard = NULL;
}

static void ct_frame_check(struct usnf_net *net, const struct pkt *p)
{
	struct ct_net *cn = ctn(net);

	if (p->trace_id != cn->last_trace) {
		cn->last_trace = p->trace_id;
		ct_frame_end(cn);
	}
}

/* early_drop(): make room by deleting unassured entries near the new tuple's bucket. */
static bool early_drop(struct usnf_net *net, const struct ct_tuple *t)
{
	struct ct_net *cn = ctn(net);
	uint32_t b = ct_tuple_hash(cn, t) & (cn->nbuckets - 1);
	unsigned int drops = 0;

	for (unsigned int i = 0; i < CT_EVICTION_RANGE && !drops; i++) {
		struct ct_node *n, *next;

		for (n = cn->buckets[(b + i) & (cn->nbuckets - 1)]; n; n = next) {
			struct ct_conn *c = ct_of_node(n);

			next = n->next;
			if (expired(net, c)) {
				ct_kill(net, c);
				continue;
			}
			if (c->status & CT_S_ASSURED)
				continue;
			/* Both nodes may sit in this bucket: step over the twin. */
			if (next && ct_of_node(next) == c)
				next = next->next;
			ct_kill(net, c);
			drops++;
		}
	}
	cn->stats.early_drop += drops;
	return drops > 0;
}

/* ---- hook functions ---- */

static void set_info(struct pkt *p, struct ct_conn *c, enum ct_info ci)
{
	p->ct = c;
	p->ctinfo = (p->ctinfo & ~CT_INFO_MASK) | CT_INFO_SEEN | ci;
}

static void set_invalid(struct pkt *p)
{
	p->ct = NULL;
	p->ctinfo = (p->ctinfo & ~CT_INFO_MASK) | CT_INFO_SEEN | CT_NEW;
}

/* init_conntrack(): a new unconfirmed entry for tuple t; NULL: invalid or drop (*drop). */
static struct ct_conn *ct_new(struct usnf_net *net, const struct ct_tuple *t, bool *drop)
{
	struct ct_net *cn = ctn(net);
	int max = ct_sys(cn->sys.max, 262144);
	struct ct_tuple r;
	struct ct_conn *c;

	if (!ct_tuple_invert(t, &r))
		return NULL;
	if (max > 0 && cn->count >= (unsigned int)max && !early_drop(net, t)) {
		*drop = true;           /* "nf_conntrack: table full, dropping packet" */
		return NULL;
	}
	c = conn_alloc(cn);
	if (!c) {
		*drop = true;
		return NULL;
	}
	c->node[0].t = *t;
	c->node[1].t = r;
	c->node[1].dir = CT_DIR_REPLY;
	c->id = ++cn->next_id;
	c->acct = ct_sys(cn->sys.acct, 0) != 0;        /* the acct extension, at creation */
	ct_labels_ext_add(net, c);                      /* and the labels extension */
	c->trace_id = cn->last_trace;
	c->next_unconf = cn->unconfirmed;
	cn->unconfirmed = c;
	return c;
}

/* The L3/L4 view of a packet conntrack works on (get_l4proto()); false: invalid. */
static bool pkt_l4(const struct pkt *p, uint8_t l3, uint8_t *proto, uint32_t *thoff)
{
	if (l3 == USNF_NFPROTO_IPV4) {
		const uint8_t *h = pkt_header(p, p->net_off, 20);

		if (!h || (ct_rd16(h + 6) & 0x1fff))
			return false;           /* a non-first fragment */
		*proto = h[9];
		*thoff = p->net_off + (uint32_t)(h[0] & 0x0f) * 4;
		return true;
	} else {
		const uint8_t *h = pkt_header(p, p->net_off, 40);
		uint16_t fo = 0;
		int off;

		if (!h)
			return false;
		*proto = h[6];
		off = pkt_ipv6_skip_exthdr(p, p->net_off + 40, proto, &fo, NULL);
		if (off < 0) {
			if (*proto != 59)
				return false;
			*thoff = pkt_end(p);    /* no next header: generic */
			return true;
		}
		if (fo)
			return false;
		*thoff = (uint32_t)off;
		return true;
	}
}

int ct_pkt_tuple(const struct pkt *p, uint8_t l3, struct ct_tuple *t)
{
	uint8_t proto;
	uint32_t thoff;

	if (!pkt_l4(p, l3, &proto, &thoff))
		return -1;
	return ct_tuple_build(p, l3, p->net_off, thoff, proto, t);
}

static void acct(struct ct_conn *c, enum ct_info ci, const struct pkt *p)
{
	unsigned int d = ct_info_dir(ci);

	c->pkts[d]++;
	c->bytes[d] += pkt_end(p) - p->net_off;
}

/* Not a valid part of a connection: the invalid counter of nf_conntrack_in(). */
static unsigned int ct_in_invalid(struct usnf_net *net)
{
	ctn(net)->stats.invalid++;
	return USNF_ACCEPT;
}

/* The events a packet caused (IPCT_REPLY, IPCT_ASSURED, the TCP tracker's IPCT_PROTOINFO). */
static void ct_in_events(struct ct_conn *c, enum ct_info ci, uint32_t old_status,
			 uint8_t old_state)
{
	if (ci == CT_ESTABLISHED_REPLY && !(old_status & CT_S_SEEN_REPLY))
		ct_event_cache(c, CT_EV_REPLY);
	if ((c->status & ~old_status) & CT_S_ASSURED)
		ct_event_cache(c, CT_EV_ASSURED);
	if (c->node[0].t.proto == 6 && c->tcp.state != old_state)
		ct_event_cache(c, CT_EV_PROTOINFO);
}

/* nf_ct_zone_tmpl() + nf_ct_zone_id(): the zone a template gives in direction dir
 * (0, the default zone, where it does not apply). */
static uint16_t ct_zone_id(const struct ct_conn *tmpl, const struct pkt *p, uint8_t dir)
{
	const struct ct_zone *z = &tmpl->tmpl_zone;

	if (!(z->dir & dir))
		return 0;
	return z->from_mark ? (uint16_t)p->mark : z->id;
}

/*
 * resolve_normal_ct(): look t up in its original-direction zone (t->zone), then in
 * its reply-direction one; nf_ct_zone_equal() wants the zone of the direction the
 * entry was found in, so a template's one-direction zone does not match the other.
 */
static struct ct_node *ct_find_zoned(struct usnf_net *net, struct ct_tuple *t,
				     uint16_t zone_reply)
{
	uint16_t zone = t->zone;
	struct ct_node *n = ct_find(net, t);

	if (n && n->dir == CT_DIR_REPLY && zone != zone_reply)
		n = NULL;
	if (!n && zone_reply != zone) {
		t->zone = zone_reply;
		n = ct_find(net, t);
		t->zone = zone;
		if (n && n->dir == CT_DIR_ORIGINAL)
			n = NULL;
	}
	return n;
}

/* nf_conntrack_in(): find or create the connection, run the tracker. */
static unsigned int ct_in(struct usnf_net *net, struct pkt *p, const struct usnf_hook_state *st)
{
	struct ct_conn *tmpl = p->ct, *c;
	uint16_t zone = 0, zone_reply = 0;
	struct ct_tuple t;
	struct ct_node *n;
	enum ct_info ci;
	uint32_t thoff;
	uint32_t old_status;
	uint8_t proto, old_state;
	int rc, tries = 0;

	if (tmpl) {
		if (!(tmpl->status & CT_S_TEMPLATE))
			return USNF_ACCEPT;     /* attached (REJECT, ICMP error) */
		zone = ct_zone_id(tmpl, p, CT_ZONE_DIR_ORIG);
		zone_reply = ct_zone_id(tmpl, p, CT_ZONE_DIR_REPL);
		p->ct = NULL;
	} else if (ct_pkt_untracked(p)) {
		return USNF_ACCEPT;
	}
	set_invalid(p);
	if (!pkt_l4(p, st->pf, &proto, &thoff))
		return ct_in_invalid(net);
	if ((st->pf == USNF_NFPROTO_IPV4 && proto == 1) ||
	    (st->pf == USNF_NFPROTO_IPV6 && proto == 58)) {
		rc = ct_icmp_check(net, p, st->pf, thoff, st->hook, zone);
		if (rc == 3)
			ct_set_untracked(p);
		if (rc == 1)
			ctn(net)->stats.error++;        /* nf_conntrack_handle_icmp() <= 0 */
		if (rc)
			return USNF_ACCEPT;
	} else if (proto == 6) {
		/* Linux 6.x runs these checks inside the tracker: counted invalid. */
		if (ct_tcp_error(net, p, st->pf, thoff, st->hook))
			return ct_in_invalid(net);
	} else if (ct_l4_error(net, p, st->pf, proto, thoff, st->hook)) {
		return ct_in_invalid(net);
	}
	if (ct_tuple_build(p, st->pf, p->net_off, thoff, proto, &t))
		return ct_in_invalid(net);
	t.zone = zone;
again:
	n = ct_find_zoned(net, &t, zone_reply);
	if (!n) {
		bool drop = false;

		c = ct_new(net, &t, &drop);
		if (!c && drop)
			ctn(net)->stats.drop++; /* "Too stressed to deal" */
		if (!c)
			return drop ? USNF_DROP : ct_in_invalid(net);
		c->node[1].t.zone = zone_reply;        /* nf_ct_zone_add(): per direction */
		/* SYNPROXY hook-in (ct_synproxy.c): init_conntrack() gives a connection
		 * made from the synproxy template its synproxy extension. */
		if (tmpl && tmpl->synproxy.on)
			c->synproxy.on = true;
		/* An expected connection is RELATED and gets no helper of the template. */
		if (ct_expect_new_conn(net, c)) {
			ci = CT_RELATED;
		} else {
			if (tmpl && tmpl->helper[0])
				memcpy(c->helper, tmpl->helper, sizeof(c->helper));
			ci = CT_NEW;
		}
	} else {
		c = ct_of_node(n);
		if (n->dir == CT_DIR_REPLY)
			ci = CT_ESTABLISHED_REPLY;
		else if (c->status & CT_S_SEEN_REPLY)
			ci = CT_ESTABLISHED;
		else if (c->status & CT_S_EXPECTED)
			ci = CT_RELATED;
		else
			ci = CT_NEW;
	}
	set_info(p, c, ci);
	old_status = c->status;
	old_state = n ? c->tcp.state : CT_TCP_NONE;
	rc = ct_proto_packet(net, c, p, thoff, ci, !n);
	if (rc == -2 && tries++ == 0) {
		ct_kill(net, c);        /* reopened: delete and look up again */
		goto again;
	}
	if (rc <= 0) {
		set_invalid(p);
		ct_in_invalid(net);
		if (rc == -1 || rc == -2)
			ctn(net)->stats.drop++;
		return rc == -1 || rc == -2 ? USNF_DROP : USNF_ACCEPT;
	}
	ct_in_events(c, ci, old_status, old_state);
	if (ci == CT_ESTABLISHED_REPLY)
		c->status |= CT_S_SEEN_REPLY;
	acct(c, ci, p);
	return USNF_ACCEPT;
}

/* The trace line of a packet's conntrack state: "NEW id=3 tcp SYN_SENT", "INVALID". */
static void ct_trace(struct usnf_net *net, const struct pkt *p, unsigned int verdict)
{
	static const char *const names[] = { "ESTABLISHED", "RELATED", "NEW", "ESTABLISHED_REPLY",
					     "RELATED_REPLY" };
	struct usnf_trace_ev ev = { .kind = USNF_TRACE_CT, .verdict = -1, .pkt = p,
				    .ifindex = p->iif };
	enum ct_info ci;
	struct ct_conn *c = ct_get(p, &ci);
	char text[96];

	if (verdict == USNF_DROP)
		snprintf(text, sizeof(text), "dropped by conntrack");
	else if (ct_pkt_untracked(p))
		snprintf(text, sizeof(text), "UNTRACKED");
	else if (!c)
		snprintf(text, sizeof(text), "INVALID");
	else if (c->node[0].t.proto == 6)
		snprintf(text, sizeof(text), "%s id=%u tcp %s", ci < 5 ? names[ci] : "?", c->id,
			 ct_tcp_state_name(c->tcp.state));
	else
		snprintf(text, sizeof(text), "%s id=%u proto %u", ci < 5 ? names[ci] : "?", c->id,
			 c->node[0].t.proto);
	ev.text = text;
	net_trace(net, &ev);
}

static unsigned int ct_in_hook(void *priv, struct pkt *p, const struct usnf_hook_state *st)
{
	unsigned int v;

	ct_frame_check(st->net, p);
	v = ct_in(st->net, p, st);
	if (st->net->trace)
		ct_trace(st->net, p, v);
	return v;
}

/* Put both nodes of c in the table; -EEXIST if either tuple is taken (a clash). */
static int ct_hash_insert(struct usnf_net *net, struct ct_conn *c)
{
	struct ct_net *cn = ctn(net);

	if (ct_find(net, &c->node[0].t) || ct_find(net, &c->node[1].t))
		return -EEXIST;
	c->node[0].next = *bucket(cn, &c->node[0].t);
	*bucket(cn, &c->node[0].t) = &c->node[0];
	c->node[1].next = *bucket(cn, &c->node[1].t);
	*bucket(cn, &c->node[1].t) = &c->node[1];
	c->status |= CT_S_CONFIRMED;
	cn->count++;
	return 0;
}

struct ct_conn *ct_conn_insert(struct usnf_net *net, const struct ct_tuple *t, uint32_t secs,
			       int *err)
{
	bool drop = false;
	struct ct_conn *c;

	*err = ct_net_get(net);
	if (*err)
		return NULL;
	c = ct_new(net, t, &drop);
	if (!c) {
		*err = drop ? -ENOMEM : -EINVAL;
		return NULL;
	}
	ct_refresh(net, c, secs);
	*err = ct_hash_insert(net, c);
	if (*err) {
		c->status |= CT_S_DYING;        /* freed with the unconfirmed list */
		return NULL;
	}
	return c;
}

/*
 * nf_ct_deliver_cached_events(): the events cached while the packet crossed the
 * hooks go out as one message when it reaches the confirm hook (a mark that
 * differs from the last one reported is an IPCT_MARK event, as CONNMARK caches).
 */
static void ct_event_deliver(struct usnf_net *net, struct ct_conn *c)
{
	struct ct_net *cn = ctn(net);
	uint32_t ev;

	if (c->mark != c->ev_mark) {
		c->ev_mark = c->mark;
		ct_event_cache(c, CT_EV_MARK);
	}
	ev = c->ev_cache;
	c->ev_cache = 0;
	if (ev && cn->ev_fn && !(c->status & CT_S_DYING))
		cn->ev_fn(cn->ev_ctx, net, c, ev);
}

/* __nf_conntrack_confirm(): the entry enters the table when its first packet leaves. */
static unsigned int ct_confirm_hook(void *priv, struct pkt *p, const struct usnf_hook_state *st)
{
	struct usnf_net *net = st->net;
	enum ct_info ci;
	struct ct_conn *c = ct_get(p, &ci);

	if (!c || (c->status & CT_S_TEMPLATE))
		return USNF_ACCEPT;
	if (c->status & CT_S_CONFIRMED) {
		ct_event_deliver(net, c);
		return USNF_ACCEPT;
	}
	/* REJECT/ICMP errors attached in the reply direction do not confirm. */
	if (ct_info_dir(ci) != CT_DIR_ORIGINAL)
		return USNF_ACCEPT;
	if (c->status & CT_S_DYING)
		return USNF_DROP;
	/* A clash with an entry confirmed meanwhile: the packet is dropped. */
	if (ct_hash_insert(net, c)) {
		ctn(net)->stats.insert_failed++;
		ctn(net)->stats.drop++;
		if (c->nat_no_tuple)
			p->drop_reason = PKT_DROP_NAT_NO_FREE_TUPLE;
		return USNF_DROP;
	}
	ct_event_cache(c, (c->status & CT_S_EXPECTED) ? CT_EV_RELATED : CT_EV_NEW);
	ct_event_deliver(net, c);
	return USNF_ACCEPT;
}

void ct_attach(struct usnf_net *net, struct pkt *reply, const struct pkt *orig)
{
	struct ct_net *cn = net->ct;
	enum ct_info ci;
	struct ct_conn *c = ct_get(orig, &ci);
	enum ct_dir dir;

	if (!cn || !c || (c->status & CT_S_TEMPLATE))
		return;
	/*
	 * orig borrows its connection only while its own frame is processed: a packet
	 * kept from an earlier frame (it waited for a neighbour) may point at a freed
	 * entry, so its connection is looked up again from its headers.
	 */
	if (orig->trace_id != cn->last_trace) {
		struct ct_tuple t;
		uint8_t l3 = orig->protocol == 0x86dd ? USNF_NFPROTO_IPV6 : USNF_NFPROTO_IPV4;

		if (ct_pkt_tuple(orig, l3, &t))
			return;
		c = ct_lookup(net, &t, &dir);
		if (!c)
			return;
		ci = dir == CT_DIR_ORIGINAL ? CT_ESTABLISHED : CT_ESTABLISHED_REPLY;
	}
	reply->ct = c;
	reply->ctinfo = (reply->ctinfo & ~CT_INFO_MASK) | CT_INFO_SEEN |
			(ct_info_dir(ci) == CT_DIR_ORIGINAL ? CT_RELATED_REPLY : CT_RELATED);
}

/* ---- registration ---- */

static void sys_cache(struct usnf_net *net, struct ct_sysctl *s)
{
	static const char *const tcp_keys[CT_TCP_TIMEOUT_MAX] = {
		[CT_TCP_NONE] = "syn_sent", [CT_TCP_SYN_SENT] = "syn_sent",
		[CT_TCP_SYN_RECV] = "syn_recv", [CT_TCP_ESTABLISHED] = "established",
		[CT_TCP_FIN_WAIT] = "fin_wait", [CT_TCP_CLOSE_WAIT] = "close_wait",
		[CT_TCP_LAST_ACK] = "last_ack", [CT_TCP_TIME_WAIT] = "time_wait",
		[CT_TCP_CLOSE] = "close", [CT_TCP_SYN_SENT2] = "syn_sent",
		[CT_TCP_RETRANS] = "max_retrans", [CT_TCP_UNACK] = "unacknowledged",
	};
	char key[96];

#define NF "net.netfilter.nf_conntrack_"
	s->acct = stack_sysctl_ptr(net, NF "acct");
	s->checksum = stack_sysctl_ptr(net, NF "checksum");
	s->loose = stack_sysctl_ptr(net, NF "tcp_loose");
	s->liberal = stack_sysctl_ptr(net, NF "tcp_be_liberal");
	s->max = stack_sysctl_ptr(net, NF "max");
	s->max_retrans = stack_sysctl_ptr(net, NF "tcp_max_retrans");
	s->ignore_invalid_rst = stack_sysctl_ptr(net, NF "tcp_ignore_invalid_rst");
	s->udp = stack_sysctl_ptr(net, NF "udp_timeout");
	s->udp_stream = stack_sysctl_ptr(net, NF "udp_timeout_stream");
	s->icmp = stack_sysctl_ptr(net, NF "icmp_timeout");
	s->icmpv6 = stack_sysctl_ptr(net, NF "icmpv6_timeout");
	s->generic = stack_sysctl_ptr(net, NF "generic_timeout");
	for (unsigned int i = 0; i < CT_TCP_TIMEOUT_MAX; i++) {
		/* SYN_SENT2 has no sysctl of its own: it uses SYN_SENT's value. */
		snprintf(key, sizeof(key), NF "tcp_timeout_%s", tcp_keys[i]);
		s->tcp[i] = stack_sysctl_ptr(net, key);
	}
#undef NF
}

int ct_net_get(struct usnf_net *net)
{
	struct ct_net *cn = net->ct;

	if (cn)
		return 0;
	cn = calloc(1, sizeof(*cn));
	if (!cn)
		return -ENOMEM;
	cn->nbuckets = CT_BUCKETS;
	cn->buckets = calloc(cn->nbuckets, sizeof(*cn->buckets));
	if (!cn->buckets) {
		free(cn);
		return -ENOMEM;
	}
	/* A fixed seed mixed with the instance address: runs stay reproducible per
	 * instance while two instances do not share a bucket layout. */
	cn->seed = 0x5bd1e995u ^ (uint32_t)((uintptr_t)cn >> 4);
	net->ct = cn;
	sys_cache(net, &cn->sys);
	return 0;
}

static void ops_fill(struct usnf_hook_ops *o, usnf_hookfn fn, uint8_t pf, uint8_t hook,
		     int32_t prio)
{
	memset(o, 0, sizeof(*o));
	o->hook = fn;
	o->pf = pf;
	o->hooknum = hook;
	o->priority = prio;
}

/* The hook functions of nf_conntrack_l3proto_ipv4/ipv6 plus nf_defrag_ipv4/ipv6. */
static int ct_register(struct usnf_net *net, unsigned int fam)
{
	struct ct_net *cn = ctn(net);
	struct usnf_hook_ops *o = cn->ops[fam];
	uint8_t pf = fam ? USNF_NFPROTO_IPV6 : USNF_NFPROTO_IPV4;
	usnf_hookfn defrag = fam ? ct_defrag6_hook : ct_defrag4_hook;
	int rc;

	ops_fill(&o[0], defrag, pf, USNF_INET_PRE_ROUTING, USNF_PRI_CONNTRACK_DEFRAG);
	ops_fill(&o[1], defrag, pf, USNF_INET_LOCAL_OUT, USNF_PRI_CONNTRACK_DEFRAG);
	ops_fill(&o[2], ct_in_hook, pf, USNF_INET_PRE_ROUTING, USNF_PRI_CONNTRACK);
	ops_fill(&o[3], ct_in_hook, pf, USNF_INET_LOCAL_OUT, USNF_PRI_CONNTRACK);
	ops_fill(&o[4], ct_confirm_hook, pf, USNF_INET_POST_ROUTING, USNF_PRI_CONNTRACK_CONFIRM);
	ops_fill(&o[5], ct_confirm_hook, pf, USNF_INET_LOCAL_IN, USNF_PRI_CONNTRACK_CONFIRM);
	rc = usnf_hook_register_many(net, o, 6);
	if (rc == 0)
		cn->on[fam] = true;
	return rc ? rc : ct_helper_register(net, fam);
}

int ct_netns_get(struct usnf_net *net, uint8_t pf)
{
	int rc = ct_net_get(net);

	if (rc)
		return rc;
	if ((pf == USNF_NFPROTO_IPV4 || pf == USNF_NFPROTO_INET) && !net->ct->on[0] &&
	    (rc = ct_register(net, 0)))
		return rc;
	if ((pf == USNF_NFPROTO_IPV6 || pf == USNF_NFPROTO_INET) && !net->ct->on[1])
		rc = ct_register(net, 1);
	return rc;
}

void ct_net_exit(struct usnf_net *net)
{
	struct ct_net *cn = net->ct;
	struct ct_conn *c, *next;

	if (!cn)
		return;
	cn->ev_fn = NULL;               /* teardown deletes without events */
	ct_synproxy_exit(net);          /* SYNPROXY hook-in: its hooks and state go first */
	for (unsigned int f = 0; f < 2; f++)
		if (cn->on[f])
			usnf_hook_unregister_many(net, cn->ops[f], 6);
	for (unsigned int b = 0; b < cn->nbuckets; b++) {
		struct ct_node *n, *nn;

		for (n = cn->buckets[b]; n; n = nn) {
			nn = n->next;
			if (n->dir == CT_DIR_ORIGINAL)
				ct_kill(net, ct_of_node(n));
		}
	}
	ct_frame_end(cn);
	ct_expect_exit(net);
	if (cn->nat_exit)
		cn->nat_exit(net);
	for (c = cn->freelist; c; c = next) {
		next = c->next_dead;
		free(c);
	}
	ct_defrag_exit(cn);
	free(cn->buckets);
	free(cn);
	net->ct = NULL;
}

/* ---- iteration (conntrack -L/-D/-F, dumps) ---- */

int ct_iterate(struct usnf_net *net, ct_iter_fn fn, void *arg)
{
	struct ct_net *cn = net->ct;
	int rc = 0;

	if (!cn)
		return 0;
	for (unsigned int b = 0; b < cn->nbuckets && !rc; b++) {
		struct ct_node *n, *next;

		for (n = cn->buckets[b]; n && !rc; n = next) {
			struct ct_conn *c = ct_of_node(n);

			next = n->next;
			if (n->dir != CT_DIR_ORIGINAL)
				continue;
			if (expired(net, c)) {
				if (next && ct_of_node(next) == c)
					next = next->next;
				ct_kill(net, c);
				continue;
			}
			if (next && ct_of_node(next) == c)
				next = next->next;      /* fn may delete c */
			rc = fn(c, arg);
		}
	}
	return rc;
}

unsigned int ct_count(struct usnf_net *net)
{
	return net->ct ? net->ct->count : 0;
}

struct ct_stats ct_stats_get(const struct usnf_net *net)
{
	struct ct_stats zero = { 0 };

	return net->ct ? net->ct->stats : zero;
}

void ct_stat_found(struct usnf_net *net)
{
	if (net->ct)
		net->ct->stats.found++;
}

int ct_event_listen(struct usnf_net *net, ct_event_fn fn, void *ctx)
{
	int rc = ct_net_get(net);

	if (rc)
		return rc;
	net->ct->ev_fn = fn;
	net->ct->ev_ctx = ctx;
	return 0;
}
