/* dccp: DCCP ports, packet types and options (xt_dccp.c, libxt_dccp.c). */
#include <stdio.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define DCCP_SRC_PORTS 0x01     /* XT_DCCP_* of xt_dccp.h */
#define DCCP_DEST_PORTS 0x02
#define DCCP_TYPE 0x04
#define DCCP_OPTION 0x08
#define DCCP_VALID 0x0f
#define DCCP_NTYPES 11

enum { O_SOURCE_PORT = 0, O_DEST_PORT, O_DCCP_TYPES, O_DCCP_OPTION };

/* struct xt_dccp_info */
struct dccp_info {
	uint16_t dpts[2];
	uint16_t spts[2];
	uint16_t flags;
	uint16_t invflags;
	uint16_t typemask;
	uint8_t option;
};

static const struct xt_opt dccp_opts[] = {
	{ .name = "source-port", .id = O_SOURCE_PORT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "sport", .id = O_SOURCE_PORT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "destination-port", .id = O_DEST_PORT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "dport", .id = O_DEST_PORT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "dccp-types", .id = O_DCCP_TYPES, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "dccp-option", .id = O_DCCP_OPTION, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

/* DCCP_PKT_* names, by type number. */
static const char *const dccp_types[DCCP_NTYPES] = {
	"REQUEST", "RESPONSE", "DATA", "ACK", "DATAACK", "CLOSEREQ", "CLOSE", "RESET", "SYNC",
	"SYNCACK", "INVALID",
};

static int dccp_parse_types(struct xt_parse *ps, const char *arg, uint16_t *mask)
{
	char buf[256], *tok, *save = NULL;
	unsigned int i;

	snprintf(buf, sizeof(buf), "%s", arg);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < DCCP_NTYPES; i++)
			if (!strcasecmp(dccp_types[i], tok))
				break;
		if (i == DCCP_NTYPES)
			return xt_parse_error(ps, "Unknown DCCP type `%s'", tok);
		/* INVALID stands for every type from 10 up (libxt_dccp 1.8.9) */
		*mask |= (uint16_t)(i == DCCP_NTYPES - 1 ? 0xfc00u : 1u << i);
	}
	return 0;
}

static int dccp_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	static const uint16_t bit[] = { DCCP_SRC_PORTS, DCCP_DEST_PORTS, DCCP_TYPE, DCCP_OPTION };
	struct dccp_info *d = data;
	unsigned long long v;

	switch (id) {
	case O_SOURCE_PORT:
		if (ext_parse_mport(ps, "dccp", "source-port", arg, d->spts) < 0)
			return -1;
		break;
	case O_DEST_PORT:
		if (ext_parse_mport(ps, "dccp", "destination-port", arg, d->dpts) < 0)
			return -1;
		break;
	case O_DCCP_TYPES:
		if (dccp_parse_types(ps, arg, &d->typemask))
			return -1;
		break;
	default:
		if (ext_parse_num(ps, "dccp", "dccp-option", arg, 1, 255, &v))
			return -1;
		d->option = (uint8_t)v;
		break;
	}
	d->flags |= bit[id];
	if (invert)
		d->invflags |= bit[id];
	return 0;
}

static int dccp_check(const void *data, struct xt_parse *ps)
{
	const struct dccp_info *d = data;

	if ((d->flags & ~DCCP_VALID) || (d->invflags & ~DCCP_VALID))
		return -EINVAL;
	return 0;
}

static void dccp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct dccp_info *d = data;
	unsigned int i;
	bool first = true;

	if (d->flags & DCCP_SRC_PORTS) {
		sb_add(out, (d->invflags & DCCP_SRC_PORTS) ? " ! --sport " : " --sport ");
		sb_addf(out, "%u", d->spts[0]);
		if (d->spts[0] != d->spts[1])
			sb_addf(out, ":%u", d->spts[1]);
	}
	if (d->flags & DCCP_DEST_PORTS) {
		sb_add(out, (d->invflags & DCCP_DEST_PORTS) ? " ! --dport " : " --dport ");
		sb_addf(out, "%u", d->dpts[0]);
		if (d->dpts[0] != d->dpts[1])
			sb_addf(out, ":%u", d->dpts[1]);
	}
	if (d->flags & DCCP_TYPE) {
		sb_addf(out, "%s --dccp-types ", (d->invflags & DCCP_TYPE) ? " !" : "");
		for (i = 0; i < 16; i++)
			if (d->typemask & (1u << i)) {
				sb_addf(out, "%s%s", first ? "" : ",",
					i < DCCP_NTYPES ? dccp_types[i] : "?");
				first = false;
				if (i >= DCCP_NTYPES - 1)
					break;  /* INVALID names the types above it */
			}
	}
	if (d->flags & DCCP_OPTION)
		sb_addf(out, "%s --dccp-option %u", (d->invflags & DCCP_OPTION) ? " !" : "",
			d->option);
}

static void dccp_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct dccp_info *d = data;
	bool numeric = flags & XT_PRINT_NUMERIC, first = true;
	unsigned int i;

	sb_add(out, " dccp");
	/* /etc/services names no DCCP port: numbers even without -n */
	if (d->flags & DCCP_SRC_PORTS)
		xt_print_ports(out, "spt", d->spts, d->invflags & DCCP_SRC_PORTS, "dccp", true);
	if (d->flags & DCCP_DEST_PORTS)
		xt_print_ports(out, "dpt", d->dpts, d->invflags & DCCP_DEST_PORTS, "dccp", true);
	if (d->flags & DCCP_TYPE) {
		sb_add(out, (d->invflags & DCCP_TYPE) ? " ! " : " ");
		for (i = 0; i < 16; i++)
			if (d->typemask & (1u << i)) {
				if (!first)
					sb_add(out, ",");
				first = false;
				if (numeric) {
					sb_addf(out, "%u", i);
					continue;
				}
				sb_add(out, i < DCCP_NTYPES ? dccp_types[i] : "INVALID");
				if (i >= DCCP_NTYPES - 1)
					break;  /* INVALID names the types above it */
			}
	}
	if ((d->flags & DCCP_OPTION) && (d->option || (d->invflags & DCCP_OPTION)))
		sb_addf(out, " option=%s%u", (d->invflags & DCCP_OPTION) ? "!" : "", d->option);
}

/* __dccp_hdr_len(): the generic header, its extension, the type's own part. */
static unsigned int dccp_hdr_len(const uint8_t *dh)
{
	unsigned int type = (dh[8] >> 1) & 0x0f, len = 12 + ((dh[8] & 1) ? 4 : 0);

	if (type == 2)                          /* DATA */
		return len;
	if (type == 3 || type == 4 || type == 8 || type == 9)
		return len + 8;                 /* ACK, DATAACK, SYNC, SYNCACK */
	if (type == 0)
		return len + 4;                 /* REQUEST */
	return len + 12;                        /* RESPONSE, RESET and the rest */
}

/* dccp_find_option(): walk the options for the number asked. */
static bool dccp_has_option(const struct pkt *pkt, uint32_t thoff, const uint8_t *dh,
			    uint8_t option, bool *hotdrop)
{
	unsigned int doff = dh[4] * 4u, hlen = dccp_hdr_len(dh), optlen, i;
	const uint8_t *op;

	if (doff < hlen) {
		*hotdrop = true;
		return false;
	}
	optlen = doff - hlen;
	if (!optlen)
		return false;
	op = pkt_header(pkt, thoff + hlen, optlen);
	if (!op) {
		*hotdrop = true;
		return false;
	}
	for (i = 0; i < optlen;) {
		if (op[i] == option)
			return true;
		if (op[i] < 2 || i + 1 >= optlen)
			i++;
		else
			i += op[i + 1] ? op[i + 1] : 1;
	}
	return false;
}

/* DCCHECK(): a condition counts only if its option was given; ! flips it. */
static bool dccp_cond(const struct dccp_info *d, uint16_t bit, bool cond)
{
	return !(d->flags & bit) || (!!(d->invflags & bit) ^ cond);
}

/* dccp_mt() */
static bool dccp_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct dccp_info *d = data;
	const uint8_t *dh;
	uint16_t sp, dp;

	if (par->fragoff != 0)
		return false;
	dh = pkt_header(pkt, par->thoff, 12);
	if (!dh) {
		par->hotdrop = true;
		return false;
	}
	sp = (uint16_t)(dh[0] << 8 | dh[1]);
	dp = (uint16_t)(dh[2] << 8 | dh[3]);
	if (!dccp_cond(d, DCCP_SRC_PORTS, sp >= d->spts[0] && sp <= d->spts[1]) ||
	    !dccp_cond(d, DCCP_DEST_PORTS, dp >= d->dpts[0] && dp <= d->dpts[1]) ||
	    !dccp_cond(d, DCCP_TYPE, d->typemask & (1u << ((dh[8] >> 1) & 0x0f))))
		return false;
	if (!(d->flags & DCCP_OPTION))
		return true;
	return dccp_cond(d, DCCP_OPTION, dccp_has_option(pkt, par->thoff, dh, d->option,
							  &par->hotdrop));
}

static void dccp_init(void *data)
{
	struct dccp_info *d = data;

	d->spts[1] = d->dpts[1] = 0xffff;
}

const struct xt_match_ops xt_match_dccp = {
	.name = "dccp",
	.family = XT_EXT_ANY,
	.size = sizeof(struct dccp_info),
	.opts = dccp_opts,
	.proto = 33,
	.init = dccp_init,
	.parse = dccp_parse,
	.check = dccp_check,
	.save = dccp_save,
	.print = dccp_print,
	.match = dccp_match,
};
