/* pkttype: how the frame was addressed at link layer (xt_pkttype.c, libxt_pkttype.c). */
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define PKTTYPE_LOOPBACK 5      /* PACKET_LOOPBACK */

enum { O_PKTTYPE = 0 };

struct pkttype_info {
	uint32_t xflags;
	int32_t pkttype;
	int32_t invert;
};

static const struct xt_opt pkttype_opts[] = {
	{ .name = "pkt-type", .id = O_PKTTYPE, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc pkttype_fc[] = {
	{ .id = O_PKTTYPE, .mand = true },
	{ .id = EXT_FC_END },
};

/* libxt_pkttype's names; the first one of a value is the one printed. */
static const struct {
	const char *name;
	int32_t type;
} pkttype_names[] = {
	{ "unicast", PKT_HOST }, { "broadcast", PKT_BROADCAST },
	{ "multicast", PKT_MULTICAST }, { "host", PKT_HOST },
	{ "otherhost", PKT_OTHERHOST }, { "outgoing", PKT_OUTGOING },
	{ "loopback", PKTTYPE_LOOPBACK },
};

#define PKTTYPE_N (sizeof(pkttype_names) / sizeof(pkttype_names[0]))

static int pkttype_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct pkttype_info *p = data;
	size_t i;

	for (i = 0; i < PKTTYPE_N; i++) {
		if (strcasecmp(pkttype_names[i].name, arg) == 0) {
			p->pkttype = pkttype_names[i].type;
			p->invert = invert;
			p->xflags |= EXT_F(id);
			return 0;
		}
	}
	return xt_parse_error(ps, "Bad packet type '%s'", arg);
}

static int pkttype_final_check(void *data, struct xt_parse *ps)
{
	struct pkttype_info *p = data;
	uint32_t xflags = p->xflags;

	p->xflags = 0;
	return ext_fcheck(ps, "pkttype", pkttype_opts, pkttype_fc, xflags);
}

static const char *pkttype_name(int32_t type)
{
	size_t i;

	for (i = 0; i < PKTTYPE_N; i++)
		if (pkttype_names[i].type == type)
			return pkttype_names[i].name;
	return "?";
}

static void pkttype_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct pkttype_info *p = data;

	sb_addf(out, "%s --pkt-type %s", p->invert ? " !" : "", pkttype_name(p->pkttype));
}

static void pkttype_print(const void *data, const struct xt_rule *r, unsigned int flags,
			  struct strbuf *out)
{
	const struct pkttype_info *p = data;

	sb_addf(out, " PKTTYPE %s= %s", p->invert ? "!" : "", pkttype_name(p->pkttype));
}

/* pkttype_mt(): loopback packets count as multicast or broadcast by address. */
static bool pkttype_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct pkttype_info *p = data;
	int32_t type = pkt->pkt_type;

	if (type == PKTTYPE_LOOPBACK) {
		const uint8_t *h = pkt_header(pkt, pkt->net_off, 20);

		if (xt_is_v6(par) || (h && (h[16] & 0xf0) == 0xe0))
			type = PKT_MULTICAST;
		else
			type = PKT_BROADCAST;
	}
	return (type == p->pkttype) ^ !!p->invert;
}

const struct xt_match_ops xt_match_pkttype = {
	.name = "pkttype",
	.family = XT_EXT_ANY,
	.size = sizeof(struct pkttype_info),
	.opts = pkttype_opts,
	.parse = pkttype_parse,
	.final_check = pkttype_final_check,
	.save = pkttype_save,
	.print = pkttype_print,
	.match = pkttype_match,
};
