/* quota: match until a byte budget is spent (xt_quota.c, libxt_quota.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define QUOTA_INVERT 0x1

enum { O_QUOTA = 0 };

/* struct xt_quota_info; the remaining budget (the kernel's priv) comes last. */
struct quota_info {
	uint32_t xflags;
	uint32_t flags;
	uint64_t quota;
	/* state */
	uint64_t left;
	bool started;
};

static const struct xt_opt quota_opts[] = {
	{ .name = "quota", .id = O_QUOTA, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc quota_fc[] = {
	{ .id = O_QUOTA, .mand = true },
	{ .id = EXT_FC_END },
};

static int quota_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct quota_info *q = data;
	unsigned long long v;

	if (ext_parse_num(ps, "quota", "quota", arg, 0, UINT64_MAX, &v))
		return -1;
	q->quota = v;
	q->flags = invert ? QUOTA_INVERT : 0;
	q->xflags |= EXT_F(id);
	return 0;
}

static int quota_final_check(void *data, struct xt_parse *ps)
{
	struct quota_info *q = data;
	uint32_t xflags = q->xflags;

	q->xflags = 0;
	return ext_fcheck(ps, "quota", quota_opts, quota_fc, xflags);
}

static void quota_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct quota_info *q = data;

	sb_addf(out, "%s --quota %llu", q->flags & QUOTA_INVERT ? " !" : "",
		(unsigned long long)q->quota);
}

static void quota_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	const struct quota_info *q = data;

	sb_addf(out, " quota: %llu bytes", (unsigned long long)q->quota);
}

/* quota_mt(): charge skb->len (from the network header); once short, the quota is gone. */
static bool quota_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	struct quota_info *q = data;
	bool ret = q->flags & QUOTA_INVERT;
	uint32_t len = pkt_end(pkt) - pkt->net_off;

	if (!q->started) {
		/* quota_mt_check(): priv->quota = info->quota, here at first use so
		 * that the data past usersize may start zeroed. */
		q->started = true;
		q->left = q->quota;
	}
	if (q->left >= len) {
		q->left -= len;
		ret = !ret;
	} else {
		q->left = 0;
	}
	return ret;
}

const struct xt_match_ops xt_match_quota = {
	.name = "quota",
	.family = XT_EXT_ANY,
	.size = sizeof(struct quota_info),
	.usersize = offsetof(struct quota_info, left),
	.opts = quota_opts,
	.parse = quota_parse,
	.final_check = quota_final_check,
	.save = quota_save,
	.print = quota_print,
	.match = quota_match,
};
