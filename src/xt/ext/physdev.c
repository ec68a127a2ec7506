/*
 * physdev: the bridge ports a bridged packet came in / goes out by (xt_physdev.c,
 * libxt_physdev.c).  usnf has no bridge, so no packet carries bridge information
 * (nf_bridge_info_exists() false): physdev_mt() then matches only if every
 * option given is inverted.
 */
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define PD_IN 0x01              /* XT_PHYSDEV_OP_* of xt_physdev.h */
#define PD_OUT 0x02
#define PD_BRIDGED 0x04
#define PD_ISIN 0x08
#define PD_ISOUT 0x10
#define PD_MASK 0x1f
#define PD_IFNAMSIZ 16

enum { O_PHYSDEV_IN = 0, O_PHYSDEV_OUT, O_PHYSDEV_IS_IN, O_PHYSDEV_IS_OUT, O_PHYSDEV_IS_BRIDGED };

/* struct xt_physdev_info (the masks are derived from the names). */
struct pd_info {
	char physindev[PD_IFNAMSIZ];
	char physoutdev[PD_IFNAMSIZ];
	uint8_t invert;
	uint8_t bitmask;
};

static const struct xt_opt pd_opts[] = {
	{ .name = "physdev-in", .id = O_PHYSDEV_IN, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "physdev-out", .id = O_PHYSDEV_OUT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "physdev-is-in", .id = O_PHYSDEV_IS_IN, .invertible = true },
	{ .name = "physdev-is-out", .id = O_PHYSDEV_IS_OUT, .invertible = true },
	{ .name = "physdev-is-bridged", .id = O_PHYSDEV_IS_BRIDGED, .invertible = true },
	{ 0 },
};

static const uint8_t pd_bit[] = { PD_IN, PD_OUT, PD_ISIN, PD_ISOUT, PD_BRIDGED };

static int pd_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct pd_info *pd = data;
	char *name = id == O_PHYSDEV_IN ? pd->physindev : pd->physoutdev;

	if (id == O_PHYSDEV_IN || id == O_PHYSDEV_OUT) {
		/* xtables_parse_interface() */
		if (strlen(arg) >= PD_IFNAMSIZ)
			return xt_parse_error(ps, "interface name `%s' must be shorter than "
					      "IFNAMSIZ (%i)", arg, PD_IFNAMSIZ - 1);
		memset(name, 0, PD_IFNAMSIZ);
		strcpy(name, arg);
	}
	pd->bitmask |= pd_bit[id];
	if (invert)
		pd->invert |= pd_bit[id];
	return 0;
}

static int pd_final_check(void *data, struct xt_parse *ps)
{
	const struct pd_info *pd = data;

	if (pd->bitmask == 0)
		return xt_parse_error(ps, "PHYSDEV: no physdev option specified");
	return 0;
}

/* physdev_mt_check(): --physdev-out / --physdev-is-out need bridged traffic, never OUTPUT. */
static int pd_check(const void *data, struct xt_parse *ps)
{
	const struct pd_info *pd = data;

	if (!(pd->bitmask & PD_MASK) || (pd->bitmask & ~PD_MASK))
		return -EINVAL;
	if ((pd->bitmask & (PD_OUT | PD_ISOUT)) &&
	    (!(pd->bitmask & PD_BRIDGED) || (pd->invert & PD_BRIDGED)) &&
	    (ps->hook_mask & (1u << USNF_INET_LOCAL_OUT)))
		return -EINVAL;
	return 0;
}

static void pd_out(const struct pd_info *pd, struct strbuf *out)
{
#define PD_INV(bit) ((pd->invert & (bit)) ? " !" : "")
	if (pd->bitmask & PD_ISIN)
		sb_addf(out, "%s --physdev-is-in", PD_INV(PD_ISIN));
	if (pd->bitmask & PD_IN)
		sb_addf(out, "%s --physdev-in %s", PD_INV(PD_IN), pd->physindev);
	if (pd->bitmask & PD_ISOUT)
		sb_addf(out, "%s --physdev-is-out", PD_INV(PD_ISOUT));
	if (pd->bitmask & PD_OUT)
		sb_addf(out, "%s --physdev-out %s", PD_INV(PD_OUT), pd->physoutdev);
	if (pd->bitmask & PD_BRIDGED)
		sb_addf(out, "%s --physdev-is-bridged", PD_INV(PD_BRIDGED));
#undef PD_INV
}

static void pd_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	pd_out(data, out);
}

static void pd_print(const void *data, const struct xt_rule *r, unsigned int flags,
		     struct strbuf *out)
{
	sb_add(out, " PHYSDEV match");
	pd_out(data, out);
}

/* physdev_mt() without bridge information: a match only if every option is inverted. */
static bool pd_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct pd_info *pd = data;

	return (pd->bitmask & ~pd->invert) == 0;
}

const struct xt_match_ops xt_match_physdev = {
	.name = "physdev",
	.family = XT_EXT_ANY,
	.size = sizeof(struct pd_info),
	.opts = pd_opts,
	.parse = pd_parse,
	.final_check = pd_final_check,
	.check = pd_check,
	.save = pd_save,
	.print = pd_print,
	.match = pd_match,
};
