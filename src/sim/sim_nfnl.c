/*
 * sim/sim_nfnl: the simulator as a user-space netfilter listener.  --nflog
 * GROUP=FILE subscribes to an NFLOG group and writes what it gets as
 * `tcpdump -i nflog:GROUP -w` would (one LINKTYPE_NFLOG interface); --queue-verdict
 * registers a queue handler that answers every queued packet with a fixed verdict,
 * as a user-space program bound to the queue would.
 */
#include "sim/sim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <usnf/hook.h>
#include <usnf/nflog.h>
#include <usnf/queue.h>

/* The largest record: the payload plus the other attributes (a few hundred bytes). */
#define SIM_NFLOG_REC_MAX (USNF_NFLOG_COPY_RANGE_MAX + 1024u)

static int parse_u32(const char *s, unsigned long max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int sim_nfnl_parse_nflog(struct sim_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char num[16];
	uint32_t group;

	if (!eq || eq == arg || !eq[1] || (size_t)(eq - arg) >= sizeof(num))
		return -EINVAL;
	memcpy(num, arg, (size_t)(eq - arg));
	num[eq - arg] = '\0';
	if (parse_u32(num, 65535, &group))
		return -EINVAL;
	for (int i = 0; i < o->n_nflog; i++)
		if (o->nflog[i].group == group)
			return -EEXIST;
	o->nflog[o->n_nflog++] = (struct sim_nflog){ .group = (uint16_t)group, .path = eq + 1 };
	return 0;
}

static int parse_verdict(const char *s, struct sim_qverdict *q)
{
	static const struct { const char *name; int v; } names[] = {
		{ "accept", USNF_ACCEPT }, { "drop", USNF_DROP }, { "repeat", USNF_REPEAT },
	};
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	q->verdict = -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && !strncmp(s, names[i].name, n))
			q->verdict = names[i].v;
	if (q->verdict < 0)
		return -EINVAL;
	if (!colon)
		return 0;
	q->set_mark = true;
	return parse_u32(colon + 1, 0xffffffffu, &q->mark);
}

/* [N=]accept|drop|repeat[:MARK] */
int sim_nfnl_parse_qverdict(struct sim_opts *o, const char *arg)
{
	struct sim_qverdict q = { .queue = -1 };
	const char *eq = strchr(arg, '=');
	uint32_t num;

	if (eq) {
		char buf[16];

		if (eq == arg || (size_t)(eq - arg) >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, arg, (size_t)(eq - arg));
		buf[eq - arg] = '\0';
		if (parse_u32(buf, 65535, &num))
			return -EINVAL;
		q.queue = (int)num;
		arg = eq + 1;
	}
	if (parse_verdict(arg, &q))
		return -EINVAL;
	for (int i = 0; i < o->n_qverdict; i++)
		if (o->qverdict[i].queue == q.queue)
			return -EEXIST;
	o->qverdict[o->n_qverdict++] = q;
	return 0;
}

/* Records only while the input frames are fed, stamped with the frame's time. */
static void sim_on_nflog(void *ctx, const struct usnf_nflog_msg *m)
{
	struct sim *s = ctx;
	struct sim_nflog *g = NULL;
	struct strbuf f = STRBUF_INIT, t = STRBUF_INIT;
	size_t len;

	if (!s->running)
		return;
	for (int i = 0; i < s->o.n_nflog && !g; i++)
		if (s->o.nflog[i].group == m->group)
			g = &s->o.nflog[i];
	if (!g)
		return;
	len = usnf_nflog_encode(m, s->nflog_rec, SIM_NFLOG_REC_MAX);
	if (len <= SIM_NFLOG_REC_MAX) {
		pcapng_writer_add_frame(&g->w, 0, s->ts_ns, s->nflog_rec, (uint32_t)len);
		g->n++;
	}
	sb_addf(&f, ",\"group\":%u,\"prefix\":", m->group);
	sim_json_str(&f, m->prefix);
	sb_addf(&f, ",\"len\":%u,\"copied\":%u", m->pkt_len, m->payload_len);
	sb_addf(&t, "nflog group %u: prefix \"%s\", %u of %u bytes", m->group, m->prefix,
		m->payload_len, m->pkt_len);
	sim_event(s, "nflog", sb_str(&f), sb_str(&t));
	sb_release(&f);
	sb_release(&t);
}

static const struct sim_qverdict *qverdict_for(const struct sim *s, unsigned int queue)
{
	const struct sim_qverdict *dflt = NULL;

	for (int i = 0; i < s->o.n_qverdict; i++) {
		if (s->o.qverdict[i].queue == (int)queue)
			return &s->o.qverdict[i];
		if (s->o.qverdict[i].queue < 0)
			dflt = &s->o.qverdict[i];
	}
	return dflt;
}

/* nfqnl_recv_verdict() with a fixed answer per queue (and NFQA_MARK when given). */
static int sim_on_queue(void *ctx, struct pkt *pkt, const struct usnf_queue_entry *e)
{
	const struct sim_qverdict *q = qverdict_for(ctx, e->queuenum);

	if (!q)
		return USNF_QUEUE_NO_LISTENER;
	if (q->set_mark)
		pkt->mark = q->mark;
	return q->verdict;
}

int sim_nfnl_attach(struct sim *s)
{
	int rc;

	if (s->o.n_nflog) {
		s->nflog_rec = malloc(SIM_NFLOG_REC_MAX);
		if (!s->nflog_rec)
			return -ENOMEM;
	}
	for (int i = 0; i < s->o.n_nflog; i++) {
		struct sim_nflog *g = &s->o.nflog[i];
		char name[32];

		pcapng_writer_init(&g->w);
		snprintf(name, sizeof(name), "nflog:%u", g->group);
		pcapng_writer_add_iface_type(&g->w, name, PCAPNG_LINKTYPE_NFLOG);
		/* libpcap asks for its snapshot length (262144): the maximum range. */
		rc = usnf_nflog_subscribe(s->net, g->group, 0, sim_on_nflog, s);
		if (rc)
			return rc;
	}
	if (s->o.n_qverdict)
		return usnf_queue_set_handler(s->net, sim_on_queue, s);
	return 0;
}

int sim_nfnl_write(struct sim *s)
{
	int rc = 0;

	for (int i = 0; i < s->o.n_nflog && !rc; i++) {
		struct strbuf err = STRBUF_INIT;

		rc = pcapng_writer_save(&s->o.nflog[i].w, s->o.nflog[i].path, &err);
		if (rc)
			fprintf(stderr, "usnf sim: --nflog %s\n", sb_str(&err));
		sb_release(&err);
	}
	return rc;
}

void sim_nfnl_release(struct sim *s)
{
	for (int i = 0; i < s->o.n_nflog; i++)
		pcapng_writer_release(&s->o.nflog[i].w);
	free(s->nflog_rec);
	s->nflog_rec = NULL;
}
