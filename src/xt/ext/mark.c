/* mark: the packet mark under a mask (xt_mark.c match revision 1, libxt_mark.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_MARK = 0 };

struct mark_info {
	uint32_t xflags;
	uint32_t mark, mask;
	uint8_t invert;
};

static const struct xt_opt mark_opts[] = {
	{ .name = "mark", .id = O_MARK, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc mark_fc[] = {
	{ .id = O_MARK, .mand = true },
	{ .id = EXT_FC_END },
};

static int mark_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct mark_info *m = data;

	if (ext_parse_markmask(ps, "mark", "mark", arg, &m->mark, &m->mask))
		return -1;
	m->invert = invert;
	m->xflags |= EXT_F(id);
	return 0;
}

static int mark_final_check(void *data, struct xt_parse *ps)
{
	struct mark_info *m = data;
	uint32_t xflags = m->xflags;

	m->xflags = 0;
	return ext_fcheck(ps, "mark", mark_opts, mark_fc, xflags);
}

static void mark_value(const struct mark_info *m, struct strbuf *out)
{
	sb_addf(out, " 0x%x", m->mark);
	if (m->mask != 0xffffffffu)
		sb_addf(out, "/0x%x", m->mask);
}

static void mark_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct mark_info *m = data;

	sb_addf(out, "%s --mark", m->invert ? " !" : "");
	mark_value(m, out);
}

static void mark_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct mark_info *m = data;

	sb_addf(out, " mark match%s", m->invert ? " !" : "");
	mark_value(m, out);
}

static bool mark_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct mark_info *m = data;

	return ((pkt->mark & m->mask) == m->mark) ^ !!m->invert;
}

const struct xt_match_ops xt_match_mark = {
	.name = "mark",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct mark_info),
	.opts = mark_opts,
	.parse = mark_parse,
	.final_check = mark_final_check,
	.save = mark_save,
	.print = mark_print,
	.match = mark_match,
};
