/*
 * CONNSECMARK: copy security marks between packet and connection
 * (xt_CONNSECMARK.c, libxt_CONNSECMARK.c).  usnf has no LSM, so no packet or
 * connection ever carries a secmark: --save finds none to copy and --restore
 * none to restore, and the target goes on with the next rule.
 */
#include <string.h>

#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define CSM_SAVE 1
#define CSM_RESTORE 2

/* struct xt_connsecmark_target_info, plus the options seen (cleared by final_check). */
struct csm_info {
	uint8_t mode;
	uint8_t xflags;
};

static const struct xt_opt csm_opts[] = {
	{ .name = "save", .id = 0 },
	{ .name = "restore", .id = 1 },
	{ 0 },
};

static const struct ext_fc csm_fc[] = {
	{ .id = 0, .excl = EXT_F(1) },
	{ .id = 1, .excl = EXT_F(0) },
	{ .id = EXT_FC_END },
};

static int csm_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct csm_info *c = data;

	c->mode = id == 0 ? CSM_SAVE : CSM_RESTORE;
	c->xflags |= (uint8_t)EXT_F(id);
	return 0;
}

static int csm_final_check(void *data, struct xt_parse *ps)
{
	struct csm_info *c = data;
	uint32_t xflags = c->xflags;

	c->xflags = 0;
	if (ext_fcheck(ps, "CONNSECMARK", csm_opts, csm_fc, xflags))
		return -1;
	if (!xflags)
		return xt_parse_error(ps, "CONNSECMARK target: parameter required");
	return 0;
}

/* connsecmark_tg_check(): mangle or security table, a known mode, conntrack on. */
static int csm_check(const void *data, struct xt_parse *ps)
{
	const struct csm_info *c = data;

	if (strcmp(ps->table, "mangle") != 0 && strcmp(ps->table, "security") != 0)
		return -EINVAL;
	if (c->mode != CSM_SAVE && c->mode != CSM_RESTORE)
		return -EINVAL;
	return ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
								: USNF_NFPROTO_IPV4);
}

static const char *csm_mode(const struct csm_info *c)
{
	return c->mode == CSM_SAVE ? "save" : c->mode == CSM_RESTORE ? "restore" : "";
}

static void csm_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	sb_addf(out, " --%s", csm_mode(data));
}

static void csm_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	sb_addf(out, " CONNSECMARK %s", csm_mode(data));
}

static unsigned int csm_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_connsecmark = {
	.name = "CONNSECMARK",
	.family = XT_EXT_ANY,
	.size = sizeof(struct csm_info),
	.opts = csm_opts,
	.parse = csm_parse,
	.final_check = csm_final_check,
	.check = csm_check,
	.save = csm_save,
	.print = csm_print,
	.target = csm_target,
};
