/* connmark: the connection's mark under a mask (xt_connmark match revision 1, libxt_connmark.c). */
#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_MARK = 0 };

struct connmark_info {
	uint32_t xflags;
	uint32_t mark, mask;
	uint8_t invert;
};

static const struct xt_opt connmark_opts[] = {
	{ .name = "mark", .id = O_MARK, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc connmark_fc[] = {
	{ .id = O_MARK, .mand = true },
	{ .id = EXT_FC_END },
};

static int connmark_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct connmark_info *m = data;

	if (ext_parse_markmask(ps, "connmark", "mark", arg, &m->mark, &m->mask))
		return -1;
	m->invert = invert;
	m->xflags |= EXT_F(id);
	return 0;
}

static int connmark_final_check(void *data, struct xt_parse *ps)
{
	struct connmark_info *m = data;
	uint32_t xflags = m->xflags;

	m->xflags = 0;
	return ext_fcheck(ps, "connmark", connmark_opts, connmark_fc, xflags);
}

static int connmark_check(const void *data, struct xt_parse *ps)
{
	if (!ps->net)
		return 0;
	return ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
								  : USNF_NFPROTO_IPV4) ? -1 : 0;
}

static void connmark_value(const struct connmark_info *m, struct strbuf *out)
{
	sb_addf(out, " 0x%x", m->mark);
	if (m->mask != 0xffffffffu)
		sb_addf(out, "/0x%x", m->mask);
}

static void connmark_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct connmark_info *m = data;

	sb_addf(out, "%s --mark", m->invert ? " !" : "");
	connmark_value(m, out);
}

static void connmark_print(const void *data, const struct xt_rule *r, unsigned int flags,
			   struct strbuf *out)
{
	const struct connmark_info *m = data;

	sb_addf(out, " connmark match %s", m->invert ? "!" : "");
	connmark_value(m, out);
}

static bool connmark_mt(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct connmark_info *m = data;
	struct ct_conn *ct = ct_get(pkt, NULL);

	if (!ct)
		return false;
	return ((ct->mark & m->mask) == m->mark) ^ !!m->invert;
}

const struct xt_match_ops xt_match_connmark = {
	.name = "connmark",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct connmark_info),
	.opts = connmark_opts,
	.parse = connmark_parse,
	.final_check = connmark_final_check,
	.check = connmark_check,
	.save = connmark_save,
	.print = connmark_print,
	.match = connmark_mt,
};
