/* esp: the SPI of an ESP header (xt_esp.c, libxt_esp.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define ESP_INV_SPI 0x01

enum { O_ESPSPI = 0 };

struct esp_info {
	uint32_t spis[2];
	uint8_t invflags;
};

static const struct xt_opt esp_opts[] = {
	{ .name = "espspi", .id = O_ESPSPI, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static void esp_init(void *data)
{
	((struct esp_info *)data)->spis[1] = 0xffffffffu;
}

static int esp_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct esp_info *e = data;

	if (ext_parse_range(ps, "esp", "espspi", arg, 0xffffffffu, &e->spis[0], &e->spis[1]))
		return -1;
	if (invert)
		e->invflags |= ESP_INV_SPI;
	return 0;
}

static void esp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct esp_info *e = data;

	if (e->spis[0] == 0 && e->spis[1] == 0xffffffffu)
		return;
	sb_addf(out, "%s --espspi %u", e->invflags & ESP_INV_SPI ? " !" : "", e->spis[0]);
	if (e->spis[0] != e->spis[1])
		sb_addf(out, ":%u", e->spis[1]);
}

static void esp_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct esp_info *e = data;
	const char *inv = e->invflags & ESP_INV_SPI ? "!" : "";

	sb_add(out, " esp");
	if (e->spis[0] == 0 && e->spis[1] == 0xffffffffu && !*inv)
		return;
	if (e->spis[0] == e->spis[1])
		sb_addf(out, " spi:%s%u", inv, e->spis[0]);
	else
		sb_addf(out, " spis:%s%u:%u", inv, e->spis[0], e->spis[1]);
}

/* esp_mt(). */
static bool esp_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct esp_info *e = data;
	const uint8_t *eh;
	uint32_t spi;

	if (par->fragoff != 0)
		return false;
	eh = pkt_header(pkt, par->thoff, 8);
	if (!eh) {
		par->hotdrop = true;
		return false;
	}
	spi = (uint32_t)eh[0] << 24 | (uint32_t)eh[1] << 16 | (uint32_t)eh[2] << 8 | eh[3];
	return (spi >= e->spis[0] && spi <= e->spis[1]) ^ !!(e->invflags & ESP_INV_SPI);
}

const struct xt_match_ops xt_match_esp = {
	.name = "esp",
	.family = XT_EXT_ANY,
	.size = sizeof(struct esp_info),
	.opts = esp_opts,
	.proto = 50,
	.init = esp_init,
	.parse = esp_parse,
	.save = esp_save,
	.print = esp_print,
	.match = esp_match,
};
