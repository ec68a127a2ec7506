/*
 * SECMARK: set the packet's security mark from an SELinux context (xt_SECMARK.c,
 * libxt_SECMARK.c revision 0).  usnf has no LSM: the rule is accepted, checked
 * (table restriction of secmark_tg_check()) and printed as on a SELinux kernel;
 * evaluating it sets nothing (there is no skb->secmark to set) and continues,
 * as the kernel's target does after setting the mark.
 */
#include <stdio.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define SECMARK_SECCTX_MAX 256
#define SECMARK_MODE_SEL 0x01

enum { O_SELCTX = 0 };

/* struct xt_secmark_target_info (secid is the kernel's, derived from secctx). */
struct secmark_info {
	uint8_t mode;
	uint32_t secid;
	char secctx[SECMARK_SECCTX_MAX];
};

static const struct xt_opt secmark_opts[] = {
	{ .name = "selctx", .id = O_SELCTX, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc secmark_fc[] = {
	{ .id = O_SELCTX, .mand = true },
	{ .id = EXT_FC_END },
};

static int secmark_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct secmark_info *s = data;

	(void)id;
	(void)invert;
	(void)ps;
	/* XTTYPE_STRING with XTOPT_PUT: a longer context is cut to the field silently. */
	snprintf(s->secctx, sizeof(s->secctx), "%s", arg);
	s->mode = SECMARK_MODE_SEL;
	return 0;
}

static int secmark_final_check(void *data, struct xt_parse *ps)
{
	const struct secmark_info *s = data;

	return ext_fcheck(ps, "SECMARK", secmark_opts, secmark_fc, s->mode ? EXT_F(O_SELCTX) : 0);
}

/* secmark_tg_check(): only the mangle and security tables. */
static int secmark_check(const void *data, struct xt_parse *ps)
{
	(void)data;
	if (strcmp(ps->table, "mangle") != 0 && strcmp(ps->table, "security") != 0)
		return -EINVAL;
	return 0;
}

static void secmark_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	(void)r;
	sb_addf(out, " --selctx %s", ((const struct secmark_info *)data)->secctx);
}

static void secmark_print(const void *data, const struct xt_rule *r, unsigned int flags,
			  struct strbuf *out)
{
	(void)r;
	(void)flags;
	sb_addf(out, " SECMARK selctx %s", ((const struct secmark_info *)data)->secctx);
}

/* secmark_tg(): skb->secmark = secid; usnf packets carry no security mark. */
static unsigned int secmark_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	(void)pkt;
	(void)data;
	(void)par;
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_secmark = {
	.name = "SECMARK",
	.family = XT_EXT_ANY,
	.size = sizeof(struct secmark_info),
	.opts = secmark_opts,
	.parse = secmark_parse,
	.final_check = secmark_final_check,
	.check = secmark_check,
	.save = secmark_save,
	.print = secmark_print,
	.target = secmark_target,
};
