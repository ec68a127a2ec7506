/* MARK: set, and, or, xor the packet mark (xt_MARK revision 2, libxt_MARK.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_SET_XMARK = 0, O_SET_MARK, O_AND_MARK, O_OR_MARK, O_XOR_MARK };

/* struct xt_mark_tginfo2: mark = (mark & ~mask) ^ value. */
struct mark_tg {
	uint32_t xflags;
	uint32_t mark, mask;
};

static const struct xt_opt mark_tg_opts[] = {
	{ .name = "set-xmark", .id = O_SET_XMARK, .arg = XT_ARG_REQUIRED },
	{ .name = "set-mark", .id = O_SET_MARK, .arg = XT_ARG_REQUIRED },
	{ .name = "and-mark", .id = O_AND_MARK, .arg = XT_ARG_REQUIRED },
	{ .name = "or-mark", .id = O_OR_MARK, .arg = XT_ARG_REQUIRED },
	{ .name = "xor-mark", .id = O_XOR_MARK, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

#define MARK_ANY 0x1fu
static const struct ext_fc mark_tg_fc[] = {
	{ .id = O_SET_XMARK, .excl = MARK_ANY },
	{ .id = O_SET_MARK, .excl = MARK_ANY },
	{ .id = O_AND_MARK, .excl = MARK_ANY },
	{ .id = O_OR_MARK, .excl = MARK_ANY },
	{ .id = O_XOR_MARK, .excl = MARK_ANY },
	{ .id = EXT_FC_END },
};

static int mark_tg_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct mark_tg *m = data;
	unsigned long long v;
	uint32_t val, mask;

	if (id == O_SET_XMARK || id == O_SET_MARK) {
		if (ext_parse_markmask(ps, "MARK", ext_opt_name(mark_tg_opts, id), arg, &val, &mask))
			return -1;
		m->mark = val;
		m->mask = id == O_SET_MARK ? mask | val : mask;
	} else {
		if (ext_parse_num(ps, "MARK", ext_opt_name(mark_tg_opts, id), arg, 0, UINT32_MAX, &v))
			return -1;
		val = (uint32_t)v;
		m->mark = id == O_AND_MARK ? 0 : val;
		m->mask = id == O_AND_MARK ? ~val : id == O_OR_MARK ? val : 0;
	}
	m->xflags |= EXT_F(id);
	return 0;
}

static int mark_tg_final_check(void *data, struct xt_parse *ps)
{
	struct mark_tg *m = data;
	uint32_t xflags = m->xflags;

	m->xflags = 0;
	if (!xflags)
		return xt_parse_error(ps, "MARK: One of the --set-xmark, --{and,or,xor,set}-mark "
				      "options is required");
	return ext_fcheck(ps, "MARK", mark_tg_opts, mark_tg_fc, xflags);
}

static void mark_tg_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct mark_tg *m = data;

	sb_addf(out, " --set-xmark 0x%x/0x%x", m->mark, m->mask);
}

/* mark_tg_print(): the operation the pair stands for. */
static void mark_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			  struct strbuf *out)
{
	const struct mark_tg *m = data;

	if (m->mark == 0)
		sb_addf(out, " MARK and 0x%x", ~m->mask);
	else if (m->mark == m->mask)
		sb_addf(out, " MARK or 0x%x", m->mark);
	else if (m->mask == 0)
		sb_addf(out, " MARK xor 0x%x", m->mark);
	else if (m->mask == 0xffffffffu)
		sb_addf(out, " MARK set 0x%x", m->mark);
	else
		sb_addf(out, " MARK xset 0x%x/0x%x", m->mark, m->mask);
}

static unsigned int mark_tg_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct mark_tg *m = data;

	pkt->mark = (pkt->mark & ~m->mask) ^ m->mark;
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_mark = {
	.name = "MARK",
	.revision = 2,
	.family = XT_EXT_ANY,
	.size = sizeof(struct mark_tg),
	.opts = mark_tg_opts,
	.parse = mark_tg_parse,
	.final_check = mark_tg_final_check,
	.save = mark_tg_save,
	.print = mark_tg_print,
	.target = mark_tg_target,
};
