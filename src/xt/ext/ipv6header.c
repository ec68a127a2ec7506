/* ipv6header: which extension headers an IPv6 packet carries (ip6t_ipv6header.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pkt/parse.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define MASK_HOPOPTS 128
#define MASK_DSTOPTS 64
#define MASK_ROUTING 32
#define MASK_FRAGMENT 16
#define MASK_AH 8
#define MASK_ESP 4
#define MASK_NONE 2
#define MASK_PROTO 1

enum { O_HEADER = 0, O_SOFT };

struct ipv6header_info {
	uint32_t xflags;
	uint8_t matchflags, invflags, modeflag;
};

static const struct xt_opt ipv6header_opts[] = {
	{ .name = "header", .id = O_HEADER, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "soft", .id = O_SOFT, .arg = XT_ARG_NONE },
	{ 0 },
};

static const struct ext_fc ipv6header_fc[] = {
	{ .id = O_HEADER, .mand = true },
	{ .id = EXT_FC_END },
};

/* The header names by bit, highest first (the order they are printed in). */
static const struct {
	const char *name, *alias;
	uint8_t proto, mask;
} ipv6header_names[] = {
	{ "hop-by-hop", "hop", 0, MASK_HOPOPTS }, { "ipv6-opts", "dst", 60, MASK_DSTOPTS },
	{ "ipv6-route", "route", 43, MASK_ROUTING }, { "ipv6-frag", "frag", 44, MASK_FRAGMENT },
	{ "ah", "auth", 51, MASK_AH }, { "esp", "esp", 50, MASK_ESP },
	{ "ipv6-nonxt", "none", 59, MASK_NONE }, { "protocol", "prot", 255, MASK_PROTO },
};

static int ipv6header_mask(const char *tok)
{
	char *end;
	unsigned long n;
	size_t i;

	n = strtoul(tok, &end, 10);
	for (i = 0; i < 8; i++) {
		const char *a = ipv6header_names[i].alias;

		if (strcasecmp(tok, ipv6header_names[i].name) == 0 || strcasecmp(tok, a) == 0 ||
		    (end != tok && !*end && n == ipv6header_names[i].proto))
			return ipv6header_names[i].mask;
	}
	return -1;
}

static int ipv6header_parse(void *data, int id, const char *arg, bool invert,
			    struct xt_parse *ps)
{
	struct ipv6header_info *h = data;
	char buf[256], *tok, *save = NULL;
	int m;

	if (id == O_SOFT) {
		h->modeflag = 1;
	} else {
		snprintf(buf, sizeof(buf), "%s", arg);
		h->matchflags = 0;
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			m = ipv6header_mask(tok);
			if (m < 0)
				return xt_parse_error(ps, "unknown header `%s' specified", tok);
			h->matchflags |= (uint8_t)m;
		}
		if (!h->matchflags)     /* parse_header() found nothing ("" or ",") */
			return xt_parse_error(ps, "ip6t_ipv6header: cannot parse header names");
		if (invert)
			h->invflags = 0xff;
	}
	h->xflags |= EXT_F(id);
	return 0;
}

static int ipv6header_final_check(void *data, struct xt_parse *ps)
{
	struct ipv6header_info *h = data;
	uint32_t xflags = h->xflags;

	h->xflags = 0;
	return ext_fcheck(ps, "ipv6header", ipv6header_opts, ipv6header_fc, xflags);
}

static void ipv6header_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct ipv6header_info *h = data;
	bool first = true;
	size_t i;

	sb_addf(out, "%s --header", h->invflags ? " !" : "");
	for (i = 0; i < 8; i++) {
		if (!(h->matchflags & ipv6header_names[i].mask))
			continue;
		sb_addf(out, "%c%s", first ? ' ' : ',', ipv6header_names[i].name);
		first = false;
	}
	if (h->modeflag)
		sb_add(out, " --soft");
}

static void ipv6header_print(const void *data, const struct xt_rule *r, unsigned int flags,
			     struct strbuf *out)
{
	const struct ipv6header_info *h = data;

	sb_addf(out, " ipv6header flags:%s0x%02X", h->invflags ? "!" : "", h->matchflags);
	if (h->modeflag)
		sb_add(out, " soft");
}

/* ipv6header_mt6(): collect the headers present, then compare (soft: a subset). */
static bool ipv6header_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ipv6header_info *h = data;
	const uint8_t *ip6 = pkt_header(pkt, pkt->net_off, 40), *hp;
	uint32_t ptr = 40, len, total = pkt_end(pkt) - pkt->net_off;
	uint8_t nexthdr, temp = 0;
	int hlen;

	if (!ip6)
		return false;
	nexthdr = ip6[6];
	len = total - 40;
	while (pkt_ipv6_is_exthdr(nexthdr) || nexthdr == 50 || nexthdr == 59) {
		if (nexthdr == 59) {
			temp |= MASK_NONE;
			break;
		}
		if ((int)len < 2)
			return false;
		if (nexthdr == 50) {
			temp |= MASK_ESP;
			break;
		}
		hp = pkt_header(pkt, pkt->net_off + ptr, 2);
		if (!hp) {
			par->hotdrop = true;
			return false;
		}
		hlen = nexthdr == 44 ? 8 : nexthdr == 51 ? (hp[1] + 2) * 4 : (hp[1] + 1) * 8;
		switch (nexthdr) {
		case 0: temp |= MASK_HOPOPTS; break;
		case 43: temp |= MASK_ROUTING; break;
		case 44: temp |= MASK_FRAGMENT; break;
		case 51: temp |= MASK_AH; break;
		case 60: temp |= MASK_DSTOPTS; break;
		default: return false;
		}
		nexthdr = hp[0];
		len -= (uint32_t)hlen;
		ptr += (uint32_t)hlen;
		if (ptr > total)
			break;
	}
	if (nexthdr != 59 && nexthdr != 50)
		temp |= MASK_PROTO;
	if (h->modeflag)
		return !((temp ^ h->matchflags ^ h->invflags) & h->matchflags);
	return h->invflags ? temp != h->matchflags : temp == h->matchflags;
}

const struct xt_match_ops xt_match_ipv6header = {
	.name = "ipv6header",
	.family = XT_EXT_V6,
	.size = sizeof(struct ipv6header_info),
	.opts = ipv6header_opts,
	.parse = ipv6header_parse,
	.final_check = ipv6header_final_check,
	.save = ipv6header_save,
	.print = ipv6header_print,
	.match = ipv6header_match,
};
