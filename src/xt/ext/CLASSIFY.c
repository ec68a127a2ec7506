/* CLASSIFY: set skb->priority, the tc class (xt_CLASSIFY.c, libxt_CLASSIFY.c). */
#include <stdio.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_SET_CLASS = 0 };

struct classify_info {
	uint32_t xflags;
	uint32_t priority;
};

static const struct xt_opt classify_opts[] = {
	{ .name = "set-class", .id = O_SET_CLASS, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc classify_fc[] = {
	{ .id = O_SET_CLASS, .mand = true },
	{ .id = EXT_FC_END },
};

/* "MAJOR:MINOR" in hex, as TC_H_MAKE(major << 16, minor). */
static int classify_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct classify_info *c = data;
	unsigned int maj, min;

	if (sscanf(arg, "%x:%x", &maj, &min) != 2)
		return xt_parse_error(ps, "Bad class value \"%s\"", arg);
	c->priority = ((maj << 16) & 0xffff0000u) | (min & 0xffffu);
	c->xflags |= EXT_F(id);
	return 0;
}

static int classify_final_check(void *data, struct xt_parse *ps)
{
	struct classify_info *c = data;
	uint32_t xflags = c->xflags;

	c->xflags = 0;
	return ext_fcheck(ps, "CLASSIFY", classify_opts, classify_fc, xflags);
}

static void classify_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct classify_info *c = data;

	sb_addf(out, " --set-class %04x:%04x", c->priority >> 16, c->priority & 0xffff);
}

static void classify_print(const void *data, const struct xt_rule *r, unsigned int flags,
			   struct strbuf *out)
{
	const struct classify_info *c = data;

	sb_addf(out, " CLASSIFY set %x:%x", c->priority >> 16, c->priority & 0xffff);
}

static unsigned int classify_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	pkt->priority = ((const struct classify_info *)data)->priority;
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_classify = {
	.name = "CLASSIFY",
	.family = XT_EXT_ANY,
	.size = sizeof(struct classify_info),
	.opts = classify_opts,
	/* xt_CLASSIFY.c classify_tg_reg: hooks only, any table */
	.hooks = (1u << USNF_INET_LOCAL_OUT) | (1u << USNF_INET_FORWARD) |
		 (1u << USNF_INET_POST_ROUTING),
	.parse = classify_parse,
	.final_check = classify_final_check,
	.save = classify_save,
	.print = classify_print,
	.target = classify_target,
};
