/*
 * realm: the routing realm of the packet's route (xt_realm.c, libxt_realm.c).
 * usnf routes carry no realm (dst->tclassid 0), so the match compares 0.
 */
#include <stdlib.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

/* struct xt_realm_info, plus whether --realm was seen (cleared by final_check). */
struct realm_info {
	uint32_t id;
	uint32_t mask;
	uint8_t invert;
	uint8_t seen;
};

static const struct xt_opt realm_opts[] = {
	{ .name = "realm", .id = 0, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc realm_fc[] = {
	{ .id = 0, .mand = true },
	{ .id = EXT_FC_END },
};

/* The names of /etc/iproute2/rt_realms as shipped (all but "cosmos" commented out). */
static const struct { uint32_t id; const char *name; } realm_names[] = {
	{ 0, "cosmos" },
};

static int realm_name2id(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(realm_names) / sizeof(realm_names[0]); i++)
		if (strcmp(name, realm_names[i].name) == 0)
			return (int)realm_names[i].id;
	return -1;
}

/* xtables_parse_val_mask() with the realm names: "id[/mask]" or a name. */
static int realm_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct realm_info *r = data;

	if (ext_parse_val_mask(ps, "realm", "realm", arg, realm_name2id, &r->id, &r->mask))
		return -1;
	r->invert = invert;
	r->seen = 1;
	return 0;
}

static int realm_final_check(void *data, struct xt_parse *ps)
{
	struct realm_info *r = data;
	uint32_t seen = r->seen;

	r->seen = 0;
	return ext_fcheck(ps, "realm", realm_opts, realm_fc, seen);
}

/* print_realm(): a name only for a full mask, never with -n. */
static void realm_out(const struct realm_info *r, bool numeric, struct strbuf *out)
{
	size_t i;

	if (r->mask != 0xffffffffu) {
		sb_addf(out, " 0x%x/0x%x", r->id, r->mask);
		return;
	}
	for (i = 0; !numeric && i < sizeof(realm_names) / sizeof(realm_names[0]); i++)
		if (realm_names[i].id == r->id) {
			sb_addf(out, " %s", realm_names[i].name);
			return;
		}
	sb_addf(out, " 0x%x", r->id);
}

static void realm_save(const void *data, const struct xt_rule *rule, struct strbuf *out)
{
	const struct realm_info *r = data;

	sb_add(out, r->invert ? " ! --realm" : " --realm");
	realm_out(r, false, out);
}

static void realm_print(const void *data, const struct xt_rule *rule, unsigned int flags,
			struct strbuf *out)
{
	const struct realm_info *r = data;

	sb_add(out, r->invert ? " ! realm" : " realm");
	realm_out(r, flags & XT_PRINT_NUMERIC, out);
}

/* realm_mt(): (tclassid & mask) == id, tclassid being 0 here. */
static bool realm_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct realm_info *r = data;

	return (r->id == (0u & r->mask)) ^ (r->invert != 0);
}

const struct xt_match_ops xt_match_realm = {
	.name = "realm",
	.family = XT_EXT_V4,
	.size = sizeof(struct realm_info),
	.opts = realm_opts,
	.hooks = (1u << USNF_INET_POST_ROUTING) | (1u << USNF_INET_FORWARD) |
		 (1u << USNF_INET_LOCAL_OUT) | (1u << USNF_INET_LOCAL_IN),
	.parse = realm_parse,
	.final_check = realm_final_check,
	.save = realm_save,
	.print = realm_print,
	.match = realm_match,
};
