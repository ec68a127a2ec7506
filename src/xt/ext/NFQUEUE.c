/*
 * NFQUEUE: hand the packet to a user-space queue (xt_NFQUEUE.c revision 3,
 * libxt_NFQUEUE.c).  The target only names the queue (NF_QUEUE_NR) and the
 * bypass flag; the hook core gives the packet to the queue handler
 * (hook/nfnl.c, usnf_queue_set_handler()) and re-injects it with its verdict.
 * Nobody listening on the queue: dropped, or with --queue-bypass it goes on.
 */
#include <string.h>

#include "hook/hook_core.h"
#include "xt/ext/ext_util.h"
#include "xt/ext/jhash.h"
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
	unsigned long long v, r[2];
	uint32_t lo, hi;
	int n;

	switch (id) {
	case O_QUEUE_NUM:
		if (ext_parse_num(ps, "NFQUEUE", "queue-num", arg, 0, 65535, &v))
			return -1;
		q->queuenum = (uint16_t)v;
		break;
	case O_QUEUE_BALANCE:
		/* NFQUEUE_parse_v3(): xtopt_parse_mint() first, then two bounds needed */
		n = ext_parse_mint(ps, "NFQUEUE", "queue-balance", arg, 65535, r);
		if (n < 0)
			return -1;
		if (n != 2)
			return xt_parse_error(ps, "Bad range \"%s\"", arg);
		lo = (uint32_t)r[0];
		hi = (uint32_t)r[1];
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

/*
 * The kernel draws jhash_initval at random once (init_hashrandom()); usnf fixes it
 * so that a simulation is reproducible.  Which queue of a --queue-balance range a
 * flow lands on therefore differs from a given kernel's, as between two boots.
 */
#define NFQ_HASH_INITVAL 1u

static uint32_t nfq_rd32(const struct pkt *pkt, uint32_t off)
{
	const uint8_t *p = pkt_header(pkt, off, 4);
	uint32_t v = 0;

	if (p)
		memcpy(&v, p, 4);       /* the raw (__force u32) word, as the kernel reads it */
	return v;
}

/* hash_v4()/hash_v6() of include/net/netfilter/nf_queue.h: both directions of a
 * flow give the same hash. */
static uint32_t nfq_hash(const struct pkt *pkt, bool v6)
{
	uint32_t a, b, c, s, d;

	if (!v6) {
		const uint8_t *ip = pkt_header(pkt, pkt->net_off, 20);

		if (!ip)
			return 0;
		s = nfq_rd32(pkt, pkt->net_off + 12);
		d = nfq_rd32(pkt, pkt->net_off + 16);
		return s < d ? jhash_3words(s, d, ip[9], NFQ_HASH_INITVAL) :
			       jhash_3words(d, s, ip[9], NFQ_HASH_INITVAL);
	}
	if (!pkt_header(pkt, pkt->net_off, 40))
		return 0;
	s = nfq_rd32(pkt, pkt->net_off + 8 + 12);       /* saddr.s6_addr32[3] */
	d = nfq_rd32(pkt, pkt->net_off + 24 + 12);
	a = s < d ? s : d;
	b = s < d ? d : s;
	s = nfq_rd32(pkt, pkt->net_off + 8 + 4);        /* s6_addr32[1] */
	d = nfq_rd32(pkt, pkt->net_off + 24 + 4);
	c = s < d ? s : d;
	return jhash_3words(a, b, c, NFQ_HASH_INITVAL);
}

/* nfqueue_tg_v3(): the queue (spread over --queue-balance by flow hash, or by CPU
 * with --queue-cpu-fanout: the engine runs on CPU 0), the bypass flag. */
static unsigned int nfq_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct nfq_info *q = data;
	uint32_t queue = q->queuenum;
	unsigned int v;

	if (q->queues_total > 1) {
		/* with --queue-cpu-fanout: queuenum + smp_processor_id() % total, CPU 0 */
		if (!(q->flags & NFQ_FLAG_CPU_FANOUT))
			queue += jhash_scale(nfq_hash(pkt, xt_is_v6(par)), q->queues_total);
	}
	v = HOOK_QUEUE_NR(queue);
	if (q->flags & NFQ_FLAG_BYPASS)
		v |= HOOK_VERDICT_FLAG_BYPASS;
	return v;
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
