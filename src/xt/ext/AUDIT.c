/*
 * AUDIT: write an audit record for the packet (xt_AUDIT.c, libxt_AUDIT.c).
 * usnf has no audit subsystem to write to, so the target only goes on with the
 * next rule (XT_CONTINUE), as audit_tg() does after logging.
 */
#include <string.h>
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

static const char *const audit_types[] = { "accept", "drop", "reject" };

/* struct xt_audit_info, plus whether --type was seen (cleared by final_check). */
struct audit_info {
	uint8_t type;
	uint8_t seen;
};

static const struct xt_opt audit_opts[] = {
	{ .name = "type", .id = 0, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc audit_fc[] = {
	{ .id = 0, .mand = true },
	{ .id = EXT_FC_END },
};

static int audit_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct audit_info *a = data;
	uint8_t i;

	for (i = 0; i < 3; i++)
		if (strcasecmp(arg, audit_types[i]) == 0)
			break;
	if (i == 3)
		return xt_parse_error(ps, "Bad action type value \"%s\"", arg);
	a->type = i;
	a->seen = 1;
	return 0;
}

static int audit_final_check(void *data, struct xt_parse *ps)
{
	struct audit_info *a = data;
	uint32_t seen = a->seen;

	a->seen = 0;
	return ext_fcheck(ps, "AUDIT", audit_opts, audit_fc, seen);
}

static int audit_check(const void *data, struct xt_parse *ps)
{
	return ((const struct audit_info *)data)->type > 2 ? -ERANGE : 0;
}

static void audit_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	sb_addf(out, " --type %s", audit_types[((const struct audit_info *)data)->type % 3]);
}

static void audit_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	sb_addf(out, " AUDIT %s", audit_types[((const struct audit_info *)data)->type % 3]);
}

static unsigned int audit_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_audit = {
	.name = "AUDIT",
	.family = XT_EXT_ANY,
	.size = sizeof(struct audit_info),
	.opts = audit_opts,
	.parse = audit_parse,
	.final_check = audit_final_check,
	.check = audit_check,
	.save = audit_save,
	.print = audit_print,
	.target = audit_target,
};
