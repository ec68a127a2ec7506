/*
 * helper: the conntrack helper of a RELATED connection's master (xt_helper,
 * libxt_helper.c): connections created through an FTP or TFTP expectation.
 */
#include <string.h>

#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_HELPER = 0 };

struct helper_info {
	uint32_t xflags;
	uint8_t invert;
	char name[30];
};

static const struct xt_opt helper_opts[] = {
	{ .name = "helper", .id = O_HELPER, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc helper_fc[] = {
	{ .id = O_HELPER, .mand = true },
	{ .id = EXT_FC_END },
};

static int helper_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct helper_info *h = data;

	if (strlen(arg) >= sizeof(h->name))
		return xt_parse_error(ps, "helper: bad value for option \"--helper\"");
	strcpy(h->name, arg);
	h->invert = invert;
	h->xflags |= EXT_F(id);
	return 0;
}

static int helper_final_check(void *data, struct xt_parse *ps)
{
	struct helper_info *h = data;
	uint32_t xflags = h->xflags;

	h->xflags = 0;
	return ext_fcheck(ps, "helper", helper_opts, helper_fc, xflags);
}

static int helper_check(const void *data, struct xt_parse *ps)
{
	if (!ps->net)
		return 0;
	return ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
								  : USNF_NFPROTO_IPV4) ? -1 : 0;
}

static void helper_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct helper_info *h = data;

	sb_addf(out, "%s --helper", h->invert ? " !" : "");
	ext_save_string(out, h->name);
}

static void helper_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct helper_info *h = data;

	sb_addf(out, " helper match %s\"%s\"", h->invert ? "! " : "", h->name);
}

/* helper_mt(): the master's helper name, compared over the helper name's length
 * (as strncmp(helper->name, name, strlen(helper->name))); "" matches any helper. */
static bool helper_mt(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct helper_info *h = data;
	struct ct_conn *ct = ct_get(pkt, NULL);

	if (!ct || !(ct->status & CT_S_EXPECTED) || !ct->master_helper[0])
		return h->invert;
	if (h->name[0] == '\0')
		return !h->invert;
	return !strncmp(ct->master_helper, h->name, strlen(ct->master_helper)) ^ !!h->invert;
}

const struct xt_match_ops xt_match_helper = {
	.name = "helper",
	.revision = 0,
	.family = XT_EXT_ANY,
	.size = sizeof(struct helper_info),
	.opts = helper_opts,
	.parse = helper_parse,
	.final_check = helper_final_check,
	.check = helper_check,
	.save = helper_save,
	.print = helper_print,
	.match = helper_mt,
};
