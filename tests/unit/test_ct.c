/*
 * test_ct: the conntrack table against a naive list-based reference (random
 * inserts, lookups in both directions, deletes, expiry with the clock), and the
 * hook path on crafted packets (TCP handshake states, UDP, INVALID, RELATED).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <usnf/net.h>

#include "cli/cli.h"
#include "ct/ct_int.h"
#include <arpa/inet.h>

#include "pkt/csum.h"

#include "engine_harness.h"

/* ---- the naive reference: an array scanned linearly ---- */

#define REF_MAX 4096

struct ref_entry {
	struct ct_tuple t[2];
	uint64_t expires;
	bool live;
	uint32_t id;
};

static struct ref_entry ref[REF_MAX];
static unsigned int nref;

static bool ref_alive(const struct ref_entry *e, uint64_t now)
{
	return e->live && e->expires > now;
}

static struct ref_entry *ref_find(const struct ct_tuple *t, uint64_t now, int *dir)
{
	/* A tuple equal to its own inverse: the reply node is found first, as the
	 * kernel's hash (reply inserted at the bucket head after the original). */
	for (unsigned int i = 0; i < nref; i++)
		for (int d = 1; d >= 0; d--)
			if (ref_alive(&ref[i], now) && !memcmp(&ref[i].t[d], t, sizeof(*t))) {
				*dir = d;
				return &ref[i];
			}
	return NULL;
}

static unsigned int ref_count(uint64_t now)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nref; i++)
		n += ref_alive(&ref[i], now);
	return n;
}

/* A tuple from a small space so that clashes and both-direction hits happen. */
static void rand_tuple(struct ct_tuple *t)
{
	static const uint8_t protos[] = { 6, 17, 1, 58, 47 };

	memset(t, 0, sizeof(*t));
	t->l3 = (rand() & 1) ? USNF_NFPROTO_IPV4 : USNF_NFPROTO_IPV6;
	t->proto = protos[rand() % 5];
	if (t->proto == 1 && t->l3 == USNF_NFPROTO_IPV6)
		t->proto = 58;
	if (t->proto == 58 && t->l3 == USNF_NFPROTO_IPV4)
		t->proto = 1;
	t->src[0] = 10;
	t->src[3] = (uint8_t)(rand() % 4);
	t->dst[0] = 10;
	t->dst[3] = (uint8_t)(rand() % 4);
	if (t->proto == 6 || t->proto == 17) {
		t->sport = (uint16_t)(1000 + rand() % 4);
		t->dport = (uint16_t)(1000 + rand() % 4);
	} else if (t->proto == 1 || t->proto == 58) {
		t->sport = (uint16_t)(rand() % 3);                              /* id */
		t->dport = (uint16_t)(((rand() & 1) ? (t->proto == 1 ? 8 : 128)
						    : (t->proto == 1 ? 0 : 129)) << 8);
	}
	t->zone = (uint16_t)(rand() % 8 == 0);
}

static int collect(struct ct_conn *c, void *arg)
{
	unsigned int *n = arg;

	(*n)++;
	return 0;
}

static void test_table_vs_reference(void **state)
{
	struct usnf_net *net;
	uint64_t now = 1000 * CT_NS_PER_S;

	(void)state;
	assert_int_equal(usnf_net_create(&net), 0);
	assert_int_equal(ct_net_get(net), 0);
	usnf_net_set_clock(net, now);
	srand(12345);
	nref = 0;
	for (int step = 0; step < 60000; step++) {
		int op = rand() % 100, dir = -1;
		struct ct_tuple t;

		rand_tuple(&t);
		if (op < 35 && nref < REF_MAX) {
			struct ct_tuple r;
			uint32_t secs = 1 + (uint32_t)(rand() % 60);
			int err, rd;
			bool clash;
			struct ct_conn *c;

			if (!ct_tuple_invert(&t, &r))
				continue;
			clash = ref_find(&t, now, &rd) || ref_find(&r, now, &rd);
			c = ct_conn_insert(net, &t, secs, &err);
			if (clash) {
				assert_null(c);
				assert_int_equal(err, -EEXIST);
			} else {
				assert_non_null(c);
				ref[nref] = (struct ref_entry){ .t = { t, r }, .live = true,
								.expires = now + secs * CT_NS_PER_S,
								.id = c->id };
				nref++;
			}
		} else if (op < 80) {
			struct ref_entry *e = ref_find(&t, now, &dir);
			enum ct_dir d;
			struct ct_conn *c = ct_lookup(net, &t, &d);

			if (!e) {
				assert_null(c);
			} else {
				assert_non_null(c);
				assert_int_equal(c->id, e->id);
				assert_int_equal((int)d, dir);
			}
		} else if (op < 90) {
			struct ref_entry *e = ref_find(&t, now, &dir);

			if (e) {
				struct ct_conn *c = ct_lookup(net, &t, NULL);

				assert_non_null(c);
				ct_conn_delete(net, c);
				e->live = false;
				assert_null(ct_lookup(net, &t, NULL));
			}
		} else if (op < 97) {
			now += (uint64_t)(rand() % 5) * CT_NS_PER_S;
			usnf_net_set_clock(net, now);
		} else {
			unsigned int n = 0;

			ct_iterate(net, collect, &n);   /* reaps what expired */
			assert_int_equal(n, ref_count(now));
			assert_int_equal(ct_count(net), ref_count(now));
		}
	}
	ct_net_exit(net);
	usnf_net_destroy(net);
}

/* ---- the hook path on crafted packets ---- */

struct hp {
	struct usnf_net *net;
	struct pkt_pool *pool;
};

static struct pkt *mk_tcp4(struct hp *h, uint32_t saddr, uint32_t daddr, uint16_t sp,
			   uint16_t dp, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t trace)
{
	struct pkt *p = pkt_alloc(h->pool);
	uint8_t *b;
	uint16_t c;

	assert_non_null(p);
	p->data = PKT_HEADROOM;
	p->len = 40;
	p->net_off = p->data;
	p->trans_off = p->data + 20;
	p->l4proto = 6;
	p->trace_id = trace;
	b = pkt_data(p);
	memset(b, 0, 40);
	b[0] = 0x45;
	b[3] = 40;
	b[8] = 64;
	b[9] = 6;
	memcpy(b + 12, &saddr, 4);
	memcpy(b + 16, &daddr, 4);
	c = ip_fast_csum(b, 5);
	memcpy(b + 10, &c, 2);
	b[20] = (uint8_t)(sp >> 8), b[21] = (uint8_t)sp;
	b[22] = (uint8_t)(dp >> 8), b[23] = (uint8_t)dp;
	b[24] = (uint8_t)(seq >> 24), b[25] = (uint8_t)(seq >> 16), b[26] = (uint8_t)(seq >> 8),
	b[27] = (uint8_t)seq;
	b[28] = (uint8_t)(ack >> 24), b[29] = (uint8_t)(ack >> 16), b[30] = (uint8_t)(ack >> 8),
	b[31] = (uint8_t)ack;
	b[32] = 0x50;
	b[33] = flags;
	b[34] = 0xff, b[35] = 0xff;
	c = csum_l4(p, p->trans_off, 20, csum_pseudo4(saddr, daddr, 6, 20));
	memcpy(b + 36, &c, 2);
	return p;
}

/* Run the registered PREROUTING then POSTROUTING functions on p as the stack would. */
static enum ct_info run(struct hp *h, struct pkt *p, struct ct_conn **ctp)
{
	struct ct_net *cn = ctn(h->net);
	struct usnf_hook_state st = { .pf = USNF_NFPROTO_IPV4, .net = h->net };
	enum ct_info ci;

	st.hook = USNF_INET_PRE_ROUTING;
	assert_int_equal(cn->ops[0][2].hook(NULL, p, &st), USNF_ACCEPT);
	*ctp = ct_get(p, &ci);
	st.hook = USNF_INET_POST_ROUTING;
	cn->ops[0][4].hook(NULL, p, &st);
	pkt_free(p);
	return ci;
}

static void test_tcp_handshake(void **state)
{
	struct hp h;
	uint32_t a = htonl(0x0a000001), b = htonl(0x0a000002);
	struct ct_conn *c;
	uint32_t tr = 1;

	(void)state;
	assert_int_equal(usnf_net_create(&h.net), 0);
	assert_int_equal(pkt_pool_create(16, &h.pool), 0);
	usnf_net_set_clock(h.net, 5 * CT_NS_PER_S);
	assert_int_equal(ct_netns_get(h.net, USNF_NFPROTO_IPV4), 0);

	assert_int_equal(run(&h, mk_tcp4(&h, a, b, 4000, 80, 0x02, 100, 0, tr++), &c), CT_NEW);
	assert_non_null(c);
	assert_int_equal(c->tcp.state, CT_TCP_SYN_SENT);
	assert_int_equal(run(&h, mk_tcp4(&h, b, a, 80, 4000, 0x12, 500, 101, tr++), &c),
			 CT_ESTABLISHED_REPLY);
	assert_int_equal(c->tcp.state, CT_TCP_SYN_RECV);
	assert_int_equal(run(&h, mk_tcp4(&h, a, b, 4000, 80, 0x10, 101, 501, tr++), &c),
			 CT_ESTABLISHED);
	assert_int_equal(c->tcp.state, CT_TCP_ESTABLISHED);
	assert_true(c->status & CT_S_ASSURED);
	/* An ACK far beyond what the peer sent is out of the window: INVALID. */
	run(&h, mk_tcp4(&h, a, b, 4000, 80, 0x10, 101, 900000, tr++), &c);
	assert_null(c);
	/* SYN+FIN is an invalid flag combination. */
	run(&h, mk_tcp4(&h, a, b, 4001, 80, 0x03, 1, 0, tr++), &c);
	assert_null(c);
	/* A lone SYN/ACK cannot open a connection. */
	run(&h, mk_tcp4(&h, a, b, 4002, 80, 0x12, 1, 1, tr++), &c);
	assert_null(c);
	/* tcp_loose: a lone ACK is picked up as ESTABLISHED (NEW for the rules). */
	assert_int_equal(run(&h, mk_tcp4(&h, a, b, 4003, 80, 0x10, 1, 1, tr++), &c), CT_NEW);
	assert_int_equal(c->tcp.state, CT_TCP_ESTABLISHED);
	assert_int_equal(ct_count(h.net), 2);
	ct_net_exit(h.net);
	pkt_pool_destroy(h.pool);
	usnf_net_destroy(h.net);
}

/*
 * The next tuple after *n (source port, then the third destination byte: never
 * wrapping back to an earlier tuple) that the instance's seeded hash puts in bucket
 * want.
 */
static void next_in_bucket(struct usnf_net *net, struct ct_tuple *n, uint32_t want)
{
	do {
		if (++n->sport == 0)
			n->dst[2]++;
	} while ((ct_tuple_hash(net->ct, n) & (net->ct->nbuckets - 1)) != want);
}

/* nf_conntrack_max: a full table drops unassured entries near the new tuple's bucket
 * (early_drop()), and refuses the new one when only assured entries are there. */
static void test_table_full(void **state)
{
	struct usnf_net *net;
	struct ct_tuple t, n;
	struct ct_conn *c;
	uint32_t want;
	int err;

	(void)state;
	assert_int_equal(usnf_net_create(&net), 0);
	assert_int_equal(ct_net_get(net), 0);
	assert_int_equal(usnf_sysctl_set(net, "net.netfilter.nf_conntrack_max", "2"), 0);
	usnf_net_set_clock(net, CT_NS_PER_S);
	memset(&t, 0, sizeof(t));
	t.l3 = USNF_NFPROTO_IPV4;
	t.proto = 17;
	t.src[0] = 10, t.dst[0] = 10, t.dst[3] = 1;
	t.sport = 1, t.dport = 53;
	assert_non_null(ct_conn_insert(net, &t, 30, &err));
	want = ct_tuple_hash(net->ct, &t) & (net->ct->nbuckets - 1);
	/* A second tuple in the same bucket, then a third one: table full. */
	n = t;
	next_in_bucket(net, &n, want);
	c = ct_conn_insert(net, &n, 30, &err);
	assert_non_null(c);
	c->status |= CT_S_ASSURED;
	next_in_bucket(net, &n, want);
	assert_non_null(ct_conn_insert(net, &n, 30, &err));     /* t was early-dropped */
	assert_null(ct_lookup(net, &t, NULL));
	assert_int_equal(ct_count(net), 2);
	/* Only assured entries left near the bucket: the new one is refused. */
	ct_lookup(net, &n, NULL)->status |= CT_S_ASSURED;
	next_in_bucket(net, &n, want);
	assert_null(ct_conn_insert(net, &n, 30, &err));
	assert_int_equal(err, -ENOMEM);
	assert_int_equal(ct_stats_get(net).early_drop, 1);
	ct_net_exit(net);
	usnf_net_destroy(net);
}

/* One command line; out and err hold its stdout and stderr alone. */
static int cli(struct usnf_net *net, const char *line, struct strbuf *out, struct strbuf *err)
{
	sb_reset(out);
	sb_reset(err);
	return harness_cli(net, line, out, err);
}

/* conntrack -L/-D/-F/-C in conntrack-tools 1.4.7's words. */
static void test_cli(void **state)
{
	struct usnf_net *net;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct ct_tuple t;
	int e;

	(void)state;
	assert_int_equal(usnf_net_create(&net), 0);
	usnf_net_set_clock(net, 10 * CT_NS_PER_S);
	memset(&t, 0, sizeof(t));
	t.l3 = USNF_NFPROTO_IPV4;
	t.proto = 17;
	t.src[0] = 127, t.src[3] = 1, t.dst[0] = 127, t.dst[3] = 1;
	t.sport = 60275, t.dport = 999;
	assert_non_null(ct_conn_insert(net, &t, 29, &e));
	t.l3 = USNF_NFPROTO_IPV6;
	memset(t.src, 0, 16), memset(t.dst, 0, 16);
	t.src[15] = 1, t.dst[15] = 1;
	t.sport = 42863, t.dport = 998;
	assert_non_null(ct_conn_insert(net, &t, 29, &e));
	assert_int_equal(cli(net, "conntrack -L -f ipv4 -o extended", &out, &err), 0);
	assert_string_equal(sb_str(&out),
		"ipv4     2 udp      17 29 src=127.0.0.1 dst=127.0.0.1 sport=60275 dport=999 "
		"[UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=999 dport=60275 mark=0 use=1\n");
	assert_string_equal(sb_str(&err),
		"conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n");
	assert_int_equal(cli(net, "conntrack -C", &out, &err), 0);
	assert_string_equal(sb_str(&out), "2\n");
	assert_int_equal(cli(net, "conntrack -D -s 1.2.3.4", &out, &err), 1);
	assert_string_equal(sb_str(&err),
		"conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.\n");
	assert_int_equal(cli(net, "conntrack -D -f ipv6", &out, &err), 0);
	assert_string_equal(sb_str(&out),
		"udp      17 29 src=::1 dst=::1 sport=42863 dport=998 [UNREPLIED] src=::1 dst=::1 "
		"sport=998 dport=42863 mark=0 use=1\n");
	assert_int_equal(cli(net, "conntrack -L -o xyz", &out, &err), 2);
	assert_string_equal(sb_str(&err),
		"conntrack v1.4.7 (conntrack-tools): Bad parameter `xyz'\n"
		"Try `conntrack -h' or 'conntrack --help' for more information.\n");
	assert_int_equal(cli(net, "conntrack -F", &out, &err), 0);
	assert_string_equal(sb_str(&err),
		"conntrack v1.4.7 (conntrack-tools): connection tracking table has been emptied.\n");
	assert_int_equal(cli(net, "conntrack -C", &out, &err), 0);
	assert_string_equal(sb_str(&out), "0\n");
	sb_release(&out);
	sb_release(&err);
	ct_net_exit(net);
	usnf_net_destroy(net);
}

static void ev_collect(void *ctx, const struct usnf_net *net, const struct ct_conn *c,
		       uint32_t events)
{
	ct_event_format(net, c, events, ctx);
}

/* conntrack -E lines (conntrack-tools 1.4.7) and conntrack -S counters of a handshake,
 * an invalid segment and a RST answering a SYN. */
static void test_events_stats(void **state)
{
	struct hp h;
	uint32_t a = htonl(0x0a000001), b = htonl(0x0a000002);
	struct strbuf ev = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
	struct ct_conn *c;
	uint32_t tr = 1;

	(void)state;
	assert_int_equal(usnf_net_create(&h.net), 0);
	assert_int_equal(pkt_pool_create(16, &h.pool), 0);
	usnf_net_set_clock(h.net, 5 * CT_NS_PER_S);
	assert_int_equal(ct_netns_get(h.net, USNF_NFPROTO_IPV4), 0);
	assert_int_equal(ct_event_listen(h.net, ev_collect, &ev), 0);
	run(&h, mk_tcp4(&h, a, b, 4000, 80, 0x02, 100, 0, tr++), &c);
	run(&h, mk_tcp4(&h, b, a, 80, 4000, 0x12, 500, 101, tr++), &c);
	run(&h, mk_tcp4(&h, a, b, 4000, 80, 0x10, 101, 501, tr++), &c);
	run(&h, mk_tcp4(&h, a, b, 4000, 80, 0x10, 101, 501, tr++), &c);    /* no event */
	run(&h, mk_tcp4(&h, a, b, 4001, 80, 0x03, 1, 0, tr++), &c);         /* SYN+FIN */
	run(&h, mk_tcp4(&h, a, b, 4002, 80, 0x02, 7, 0, tr++), &c);
	run(&h, mk_tcp4(&h, b, a, 80, 4002, 0x14, 0, 8, tr++), &c);         /* RST/ACK */
	assert_string_equal(sb_str(&ev),
		"    [NEW] tcp      6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=4000 dport=80 "
		"[UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=80 dport=4000\n"
		" [UPDATE] tcp      6 60 SYN_RECV src=10.0.0.1 dst=10.0.0.2 sport=4000 dport=80 "
		"src=10.0.0.2 dst=10.0.0.1 sport=80 dport=4000\n"
		" [UPDATE] tcp      6 432000 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=4000 "
		"dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=4000 [ASSURED]\n"
		"    [NEW] tcp      6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=4002 dport=80 "
		"[UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=80 dport=4002\n"
		"[DESTROY] tcp      6 120 CLOSE src=10.0.0.1 dst=10.0.0.2 sport=4002 dport=80 "
		"[UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=80 dport=4002\n");
	assert_int_equal(cli(h.net, "conntrack -S", &out, &err), 0);
	assert_string_equal(sb_str(&out),
		"cpu=0   \tfound=0 invalid=1 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 "
		"search_restart=0 clash_resolve=0 chaintoolong=0 \n");
	sb_release(&ev);
	sb_release(&out);
	sb_release(&err);
	ct_net_exit(h.net);
	pkt_pool_destroy(h.pool);
	usnf_net_destroy(h.net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_vs_reference),
		cmocka_unit_test(test_tcp_handshake),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_events_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
