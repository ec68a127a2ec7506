/*
 * NFQUEUE: hand the packet to a user-space queue (xt_NFQUEUE.c revision 3,
 * libxt_NFQUEUE.c).  The engine has no queue listeners, so the verdict is what
 * the kernel does then: drop, or with --queue-bypass go on as if accepted.
 */
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define NFQ_FLAG_BYPASS 0x01
#define NFQ_FLAG_CPU_FANOUT 0x02

enum { O_QUEUE_NUM = 0, O_QUEUE_BALANCE, O_QUEUE_BYPASS, O_QUEUE_CPU_FANOUT };

/* struct xt_NFQ_info_v3. */
struct nfq_info {
	uint32_t xflags;
	uint16_t queuenum, queues_total, flags;
};

static const struct xt_opt nfq_opts[] = {
	{ .name = "queue-num", .id = O_QUEUE_NUM, .arg = XT_ARG_REQUIRED },
	{ .name = "queue-balance", .id = O_QUEUE_BALANCE, .arg = XT_ARG_REQUIRED },
	{ .name = "queue-bypass", .id = O_QUEUE_BYPASS, .arg = XT_ARG_NONE },
	{ .name = "queue-cpu-fanout", .id = O_QUEUE_CPU_FANOUT, .arg = XT_ARG_NONE },
	{ 0 },
};

static const struct ext_fc nfq_fc[] = {
	{ .id = O_QUEUE_NUM, .excl = EXT_F(O_QUEUE_BALANCE) },
	{ .id = O_QUEUE_BALANCE, .excl = EXT_F(O_QUEUE_NUM) },
	{ .id = EXT_FC_END },
};

static void nfq_init(void *data)
{
	((struct nfq_info *)data)->queues_total = 1;
}

static int nfq_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct nfq_info *q = data;
	unsigned long long v;
	uint32_t lo, hi;

	switch (id) {
	case O_QUEUE_NUM:
		if (ext_parse_num(ps, "NFQUEUE", "queue-num", arg, 0, 65535, &v))
			return -1;
		q->queuenum = (uint16_t)v;
		break;
	case O_QUEUE_BALANCE:
		if (!strchr(arg, ':'))
			return xt_parse_error(ps, "Bad range \"%s\"", arg);
		if (ext_parse_range(ps, "NFQUEUE", "queue-balance", arg, 65535, &lo, &hi))
			return -1;
		if (lo >= hi)
			return xt_parse_error(ps, "%u should be less than %u", lo, hi);
		q->queuenum = (uint16_t)lo;
		q->queues_total = (uint16_t)(hi - lo + 1);      /* 0:65535 wraps to 0 */
		break;
	case O_QUEUE_BYPASS:
		q->flags |= NFQ_FLAG_BYPASS;
		break;
	default:
		q->flags |= NFQ_FLAG_CPU_FANOUT;
		break;
	}
	q->xflags |= EXT_F(id);
	return 0;
}

static int nfq_final_check(void *data, struct xt_parse *ps)
{
	struct nfq_info *q = data;
	uint32_t xflags = q->xflags;

	q->xflags = 0;
	return ext_fcheck(ps, "NFQUEUE", nfq_opts, nfq_fc, xflags);
}

/* nfqueue_tg_check(): at least one queue, all numbers within 16 bits. */
static int nfq_check(const void *data, struct xt_parse *ps)
{
	const struct nfq_info *q = data;

	if (q->queues_total == 0)
		return -EINVAL;
	if ((uint32_t)q->queues_total - 1 + q->queuenum > 0xffff)
		return -ERANGE;
	if (q->flags & ~(NFQ_FLAG_BYPASS | NFQ_FLAG_CPU_FANOUT))
		return -EINVAL;
	return 0;
}

static void nfq_out(const struct nfq_info *q, bool save, struct strbuf *out)
{
	if (q->queues_total > 1)
		sb_addf(out, save ? " --queue-balance %u:%u" : " NFQUEUE balance %u:%u", q->queuenum,
			q->queuenum + q->queues_total - 1u);
	else
		sb_addf(out, save ? " --queue-num %u" : " NFQUEUE num %u", q->queuenum);
	if (q->flags & NFQ_FLAG_BYPASS)
		sb_add(out, save ? " --queue-bypass" : " bypass");
	if (q->flags & NFQ_FLAG_CPU_FANOUT)
		sb_add(out, save ? " --queue-cpu-fanout" : " cpu-fanout");
}

static void nfq_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	nfq_out(data, true, out);
}

static void nfq_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	nfq_out(data, false, out);
}

static unsigned int nfq_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct nfq_info *q = data;

	if (q->flags & NFQ_FLAG_BYPASS)
		return USNF_ACCEPT;     /* nf_queue() finds no listener: bypass */
	pkt->drop_reason = PKT_DROP_QUEUED;
	return USNF_QUEUE;
}

const struct xt_target_ops xt_target_nfqueue = {
	.name = "NFQUEUE",
	.revision = 3,
	.family = XT_EXT_ANY,
	.size = sizeof(struct nfq_info),
	.opts = nfq_opts,
	.init = nfq_init,
	.parse = nfq_parse,
	.final_check = nfq_final_check,
	.check = nfq_check,
	.save = nfq_save,
	.print = nfq_print,
	.target = nfq_target,
};
