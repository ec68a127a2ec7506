/* CONNMARK: set the connection mark, or copy it to/from the packet mark (xt_CONNMARK revision 2). */
#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_SET_XMARK = 0, O_SET_MARK, O_AND_MARK, O_OR_MARK, O_XOR_MARK, O_SAVE, O_RESTORE,
       O_CTMASK, O_NFMASK, O_MASK };
enum { MODE_SET = 0, MODE_SAVE, MODE_RESTORE };

/* struct xt_connmark_tginfo2 without the shift options. */
struct connmark_tg {
	uint32_t xflags;
	uint32_t ctmark, ctmask, nfmask;
	uint8_t mode;
};

static const struct xt_opt connmark_tg_opts[] = {
	{ .name = "set-xmark", .id = O_SET_XMARK, .arg = XT_ARG_REQUIRED },
	{ .name = "set-mark", .id = O_SET_MARK, .arg = XT_ARG_REQUIRED },
	{ .name = "and-mark", .id = O_AND_MARK, .arg = XT_ARG_REQUIRED },
	{ .name = "or-mark", .id = O_OR_MARK, .arg = XT_ARG_REQUIRED },
	{ .name = "xor-mark", .id = O_XOR_MARK, .arg = XT_ARG_REQUIRED },
	{ .name = "save-mark", .id = O_SAVE, .arg = XT_ARG_NONE },
	{ .name = "restore-mark", .id = O_RESTORE, .arg = XT_ARG_NONE },
	{ .name = "ctmask", .id = O_CTMASK, .arg = XT_ARG_REQUIRED },
	{ .name = "nfmask", .id = O_NFMASK, .arg = XT_ARG_REQUIRED },
	{ .name = "mask", .id = O_MASK, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

#define OPS_ANY 0x7fu
static const struct ext_fc connmark_tg_fc[] = {
	{ .id = O_SET_XMARK, .excl = OPS_ANY },
	{ .id = O_SET_MARK, .excl = OPS_ANY },
	{ .id = O_AND_MARK, .excl = OPS_ANY },
	{ .id = O_OR_MARK, .excl = OPS_ANY },
	{ .id = O_XOR_MARK, .excl = OPS_ANY },
	{ .id = O_SAVE, .excl = OPS_ANY },
	{ .id = O_RESTORE, .excl = OPS_ANY },
	{ .id = O_CTMASK, .excl = EXT_F(O_MASK) },
	{ .id = O_NFMASK, .excl = EXT_F(O_MASK) },
	{ .id = O_MASK, .excl = EXT_F(O_CTMASK) | EXT_F(O_NFMASK) },
	{ .id = EXT_FC_END },
};

static void connmark_tg_init(void *data)
{
	struct connmark_tg *t = data;

	t->ctmask = t->nfmask = 0xffffffffu;
}

static int connmark_tg_parse(void *data, int id, const char *arg, bool invert,
			     struct xt_parse *ps)
{
	struct connmark_tg *t = data;
	const char *opt = ext_opt_name(connmark_tg_opts, id);
	unsigned long long v;
	uint32_t val, mask;

	switch (id) {
	case O_SET_XMARK:
	case O_SET_MARK:
		if (ext_parse_markmask(ps, "CONNMARK", opt, arg, &val, &mask))
			return -1;
		t->mode = MODE_SET;
		t->ctmark = val;
		t->ctmask = id == O_SET_MARK ? (mask | val) : mask;
		break;
	case O_AND_MARK:
	case O_OR_MARK:
	case O_XOR_MARK:
		if (ext_parse_num(ps, "CONNMARK", opt, arg, 0, 0xffffffffu, &v))
			return -1;
		t->mode = MODE_SET;
		t->ctmark = id == O_AND_MARK ? 0 : (uint32_t)v;
		t->ctmask = id == O_AND_MARK ? ~(uint32_t)v : id == O_OR_MARK ? (uint32_t)v : 0;
		break;
	case O_SAVE:
		t->mode = MODE_SAVE;
		break;
	case O_RESTORE:
		t->mode = MODE_RESTORE;
		break;
	case O_CTMASK:
	case O_NFMASK:
	case O_MASK:
		if (ext_parse_num(ps, "CONNMARK", opt, arg, 0, 0xffffffffu, &v))
			return -1;
		if (id != O_NFMASK)
			t->ctmask = (uint32_t)v;
		if (id != O_CTMASK)
			t->nfmask = (uint32_t)v;
		break;
	default:
		return -1;
	}
	t->xflags |= EXT_F(id);
	return 0;
}

static int connmark_tg_final_check(void *data, struct xt_parse *ps)
{
	struct connmark_tg *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!(xflags & OPS_ANY))
		return xt_parse_error(ps, "CONNMARK target: No operation specified");
	return ext_fcheck(ps, "CONNMARK", connmark_tg_opts, connmark_tg_fc, xflags);
}

static int connmark_tg_check(const void *data, struct xt_parse *ps)
{
	if (!ps->net)
		return 0;
	return ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
								  : USNF_NFPROTO_IPV4) ? -1 : 0;
}

static void connmark_tg_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct connmark_tg *t = data;

	if (t->mode == MODE_SET)
		sb_addf(out, " --set-xmark 0x%x/0x%x", t->ctmark, t->ctmask);
	else
		sb_addf(out, " --%s-mark --nfmask 0x%x --ctmask 0x%x",
			t->mode == MODE_SAVE ? "save" : "restore", t->nfmask, t->ctmask);
}

static void connmark_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			      struct strbuf *out)
{
	const struct connmark_tg *t = data;

	switch (t->mode) {
	case MODE_SET:
		if (t->ctmark == 0)
			sb_addf(out, " CONNMARK and 0x%x", ~t->ctmask);
		else if (t->ctmark == t->ctmask)
			sb_addf(out, " CONNMARK or 0x%x", t->ctmark);
		else if (t->ctmask == 0)
			sb_addf(out, " CONNMARK xor 0x%x", t->ctmark);
		else if (t->ctmask == 0xffffffffu)
			sb_addf(out, " CONNMARK set 0x%x", t->ctmark);
		else
			sb_addf(out, " CONNMARK xset 0x%x/0x%x", t->ctmark, t->ctmask);
		break;
	case MODE_SAVE:
		if (t->nfmask == 0xffffffffu && t->ctmask == 0xffffffffu)
			sb_add(out, " CONNMARK save");
		else if (t->nfmask == t->ctmask)
			sb_addf(out, " CONNMARK save mask 0x%x", t->nfmask);
		else
			sb_addf(out, " CONNMARK save nfmask 0x%x ctmask ~0x%x", t->nfmask, t->ctmask);
		break;
	default:
		if (t->ctmask == 0xffffffffu && t->nfmask == 0xffffffffu)
			sb_add(out, " CONNMARK restore");
		else if (t->ctmask == t->nfmask)
			sb_addf(out, " CONNMARK restore mask 0x%x", t->ctmask);
		else
			sb_addf(out, " CONNMARK restore ctmask 0x%x nfmask ~0x%x", t->ctmask,
				t->nfmask);
		break;
	}
}

static unsigned int connmark_tg(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct connmark_tg *t = data;
	struct ct_conn *ct = ct_get(pkt, NULL);

	if (!ct)
		return XT_CONTINUE;
	switch (t->mode) {
	case MODE_SET:
		ct->mark = (ct->mark & ~t->ctmask) ^ t->ctmark;
		break;
	case MODE_SAVE:
		ct->mark = (ct->mark & ~t->ctmask) ^ (pkt->mark & t->nfmask);
		break;
	default:
		pkt->mark = (pkt->mark & ~t->nfmask) ^ (ct->mark & t->ctmask);
		break;
	}
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_connmark = {
	.name = "CONNMARK",
	.revision = 2,
	.family = XT_EXT_ANY,
	.size = sizeof(struct connmark_tg),
	.opts = connmark_tg_opts,
	.init = connmark_tg_init,
	.parse = connmark_tg_parse,
	.final_check = connmark_tg_final_check,
	.check = connmark_tg_check,
	.save = connmark_tg_save,
	.print = connmark_tg_print,
	.target = connmark_tg,
};
