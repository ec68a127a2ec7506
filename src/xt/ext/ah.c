/* ah: the SPI (and, for IPv6, length and reserved field) of an AH header (ipt_ah.c, ip6t_ah.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define AH_INV_SPI 0x01
#define AH_INV_LEN 0x02

enum { O_AHSPI = 0, O_AHLEN, O_AHRES };

/* struct ipt_ah / ip6t_ah. */
struct ah_info {
	uint32_t spis[2];
	uint32_t hdrlen;        /* IPv6 only */
	uint8_t hdrres;         /* IPv6 only */
	uint8_t invflags;
};

static const struct xt_opt ah4_opts[] = {
	{ .name = "ahspi", .id = O_AHSPI, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct xt_opt ah6_opts[] = {
	{ .name = "ahspi", .id = O_AHSPI, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "ahlen", .id = O_AHLEN, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "ahres", .id = O_AHRES, .arg = XT_ARG_NONE },
	{ 0 },
};

static void ah_init(void *data)
{
	((struct ah_info *)data)->spis[1] = 0xffffffffu;
}

static int ah_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ah_info *a = data;
	unsigned long long v;

	switch (id) {
	case O_AHSPI:
		if (ext_parse_range(ps, "ah", "ahspi", arg, 0xffffffffu, &a->spis[0], &a->spis[1]))
			return -1;
		if (invert)
			a->invflags |= AH_INV_SPI;
		break;
	case O_AHLEN:
		if (ext_parse_num(ps, "ah", "ahlen", arg, 0, 0xffffffffu, &v))
			return -1;
		a->hdrlen = (uint32_t)v;
		if (invert)
			a->invflags |= AH_INV_LEN;
		break;
	default:
		a->hdrres = 1;
		break;
	}
	return 0;
}

static bool ah_all_spis(const struct ah_info *a)
{
	return a->spis[0] == 0 && a->spis[1] == 0xffffffffu;
}

static void ah_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct ah_info *a = data;

	if (!ah_all_spis(a)) {
		sb_addf(out, "%s --ahspi %u", a->invflags & AH_INV_SPI ? " !" : "", a->spis[0]);
		if (a->spis[0] != a->spis[1])
			sb_addf(out, ":%u", a->spis[1]);
	}
	if (r && r->family == XT_FAMILY_V6) {
		if (a->hdrlen || (a->invflags & AH_INV_LEN))
			sb_addf(out, "%s --ahlen %u", a->invflags & AH_INV_LEN ? " !" : "", a->hdrlen);
		if (a->hdrres)
			sb_add(out, " --ahres");
	}
}

/* print_spis()/print_len() of libipt_ah/libip6t_ah: no space between the items. */
static void ah_print(const void *data, const struct xt_rule *r, unsigned int flags,
		     struct strbuf *out)
{
	const struct ah_info *a = data;
	const char *inv = a->invflags & AH_INV_SPI ? "!" : "";

	sb_add(out, " ah ");
	if (!ah_all_spis(a) || (a->invflags & AH_INV_SPI)) {
		if (a->spis[0] == a->spis[1])
			sb_addf(out, "spi:%s%u", inv, a->spis[0]);
		else
			sb_addf(out, "spis:%s%u:%u", inv, a->spis[0], a->spis[1]);
	}
	if (r && r->family == XT_FAMILY_V6) {
		if (a->hdrlen || (a->invflags & AH_INV_LEN))
			sb_addf(out, "length:%s%u", a->invflags & AH_INV_LEN ? "!" : "", a->hdrlen);
		if (a->hdrres)
			sb_add(out, " reserved");
	}
}

static bool ah_spi_match(const struct ah_info *a, uint32_t spi)
{
	return (spi >= a->spis[0] && spi <= a->spis[1]) ^ !!(a->invflags & AH_INV_SPI);
}

static uint32_t ah_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ah_mt(): the AH header is the transport header of -p ah rules. */
static bool ah4_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const uint8_t *ah;

	if (par->fragoff != 0)
		return false;
	ah = pkt_header(pkt, par->thoff, 12);
	if (!ah) {
		par->hotdrop = true;
		return false;
	}
	return ah_spi_match(data, ah_be32(ah + 4));
}

/* ah_mt6(): AH found anywhere in the extension header chain. */
static bool ah6_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ah_info *a = data;
	const uint8_t *ah;
	uint32_t off, hdrlen;
	int err = ext_ipv6_find_hdr(pkt, 51, &off);

	if (err < 0) {
		if (err != -ENOENT)
			par->hotdrop = true;
		return false;
	}
	ah = pkt_header(pkt, off, 12);
	if (!ah) {
		par->hotdrop = true;
		return false;
	}
	hdrlen = (ah[1] + 2u) << 2;
	return ah_spi_match(a, ah_be32(ah + 4)) &&
	       (!a->hdrlen || ((a->hdrlen == hdrlen) ^ !!(a->invflags & AH_INV_LEN))) &&
	       !(a->hdrres && (ah[2] || ah[3]));
}

const struct xt_match_ops xt_match_ah4 = {
	.name = "ah",
	.family = XT_EXT_V4,
	.size = sizeof(struct ah_info),
	.opts = ah4_opts,
	.proto = 51,
	.init = ah_init,
	.parse = ah_parse,
	.save = ah_save,
	.print = ah_print,
	.match = ah4_match,
};

const struct xt_match_ops xt_match_ah6 = {
	.name = "ah",
	.family = XT_EXT_V6,
	.size = sizeof(struct ah_info),
	.opts = ah6_opts,
	.init = ah_init,
	.parse = ah_parse,
	.save = ah_save,
	.print = ah_print,
	.match = ah6_match,
};
