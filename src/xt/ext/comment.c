/* comment: a text attached to a rule, always matching (xt_comment.c, libxt_comment.c). */
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define COMMENT_MAX 256         /* XT_MAX_COMMENT_LEN, with the NUL */

enum { O_COMMENT = 0 };

struct comment_info {
	uint32_t xflags;
	char comment[COMMENT_MAX];
};

static const struct xt_opt comment_opts[] = {
	{ .name = "comment", .id = O_COMMENT, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc comment_fc[] = {
	{ .id = O_COMMENT, .mand = true },
	{ .id = EXT_FC_END },
};

static int comment_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct comment_info *c = data;

	/* XTTYPE_STRING with .max = XT_MAX_COMMENT_LEN: the NUL must fit too. */
	if (strlen(arg) >= COMMENT_MAX)
		return xt_parse_error(ps, "comment: argument to \"--comment\" is too long "
				      "(%u characters allowed)", COMMENT_MAX - 1);
	strcpy(c->comment, arg);
	c->xflags |= EXT_F(id);
	return 0;
}

static int comment_final_check(void *data, struct xt_parse *ps)
{
	struct comment_info *c = data;
	uint32_t xflags = c->xflags;

	c->xflags = 0;
	return ext_fcheck(ps, "comment", comment_opts, comment_fc, xflags);
}

static void comment_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct comment_info *c = data;

	sb_add(out, " --comment");
	ext_save_string(out, c->comment);
}

static void comment_print(const void *data, const struct xt_rule *r, unsigned int flags,
			  struct strbuf *out)
{
	const struct comment_info *c = data;

	sb_addf(out, " /* %s */", c->comment);
}

static bool comment_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	return true;
}

const struct xt_match_ops xt_match_comment = {
	.name = "comment",
	.family = XT_EXT_ANY,
	.size = sizeof(struct comment_info),
	.opts = comment_opts,
	.parse = comment_parse,
	.final_check = comment_final_check,
	.save = comment_save,
	.print = comment_print,
	.match = comment_match,
};
