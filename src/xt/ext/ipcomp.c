/* ipcomp: the CPI of an IPComp header (xt_ipcomp.c, libxt_ipcomp.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define IPCOMP_INV_SPI 0x01

enum { O_SPI = 0, O_RES };

/* struct xt_ipcomp: no default range, so a rule without --ipcompspi wants CPI 0. */
struct ipcomp_info {
	uint32_t spis[2];
	uint8_t invflags;
	uint8_t hdrres;
};

static const struct xt_opt ipcomp_opts[] = {
	{ .name = "ipcompspi", .id = O_SPI, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "compres", .id = O_RES },
	{ 0 },
};

static int ipcomp_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ipcomp_info *c = data;

	if (id == O_RES) {
		c->hdrres = 1;
		return 0;
	}
	if (ext_parse_range(ps, "ipcomp", "ipcompspi", arg, 0xffffffffu, &c->spis[0], &c->spis[1]))
		return -1;
	if (invert)
		c->invflags |= IPCOMP_INV_SPI;
	return 0;
}

static int ipcomp_check(const void *data, struct xt_parse *ps)
{
	return (((const struct ipcomp_info *)data)->invflags & ~IPCOMP_INV_SPI) ? -EINVAL : 0;
}

static void ipcomp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct ipcomp_info *c = data;

	if (!(c->spis[0] == 0 && c->spis[1] == 0xffffffffu)) {
		sb_addf(out, "%s --ipcompspi %u", (c->invflags & IPCOMP_INV_SPI) ? " !" : "",
			c->spis[0]);
		if (c->spis[0] != c->spis[1])
			sb_addf(out, ":%u", c->spis[1]);
	}
	if (c->hdrres)
		sb_add(out, " --compres");
}

static void ipcomp_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct ipcomp_info *c = data;
	const char *inv = (c->invflags & IPCOMP_INV_SPI) ? "!" : "";

	sb_add(out, " comp");
	if (c->spis[0] != 0 || c->spis[1] != 0xffffffffu || *inv) {
		if (c->spis[0] == c->spis[1])
			sb_addf(out, " spi:%s%u", inv, c->spis[0]);
		else
			sb_addf(out, " spis:%s%u:%u", inv, c->spis[0], c->spis[1]);
	}
	if (c->hdrres)
		sb_add(out, " reserved");
}

/* comp_mt(): the 16-bit CPI at offset 2 of the header. */
static bool ipcomp_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ipcomp_info *c = data;
	const uint8_t *h;
	uint32_t cpi;

	if (par->fragoff != 0)
		return false;
	h = pkt_header(pkt, par->thoff, 4);
	if (!h) {
		par->hotdrop = true;
		return false;
	}
	cpi = (uint32_t)(h[2] << 8 | h[3]);
	return (cpi >= c->spis[0] && cpi <= c->spis[1]) ^ !!(c->invflags & IPCOMP_INV_SPI);
}

const struct xt_match_ops xt_match_ipcomp = {
	.name = "ipcomp",
	.family = XT_EXT_ANY,
	.size = sizeof(struct ipcomp_info),
	.opts = ipcomp_opts,
	.proto = 108,
	.parse = ipcomp_parse,
	.check = ipcomp_check,
	.save = ipcomp_save,
	.print = ipcomp_print,
	.match = ipcomp_match,
};
