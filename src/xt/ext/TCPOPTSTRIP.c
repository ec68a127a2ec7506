/*
 * TCPOPTSTRIP: overwrite chosen TCP options with NOPs (xt_TCPOPTSTRIP.c,
 * libxt_TCPOPTSTRIP.c), patching the checksum for every byte changed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/csum.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

/* struct xt_tcpoptstrip_target_info: one bit per option kind. */
struct tos_info {
	uint32_t strip_bmap[8];
};

static const struct xt_opt tos_opts[] = {
	{ .name = "strip-options", .id = 0, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

/* tcpopt_names[] of libxt_TCPOPTSTRIP */
static const struct { const char *name; uint8_t kind; } tos_names[] = {
	{ "wscale", 3 }, { "mss", 2 }, { "sack-permitted", 4 }, { "sack", 5 },
	{ "timestamp", 8 }, { "md5", 19 },
};
#define TOS_NNAMES (sizeof(tos_names) / sizeof(tos_names[0]))

static bool tos_test(const struct tos_info *t, unsigned int k)
{
	return t->strip_bmap[k / 32] & (1u << (k % 32));
}

/* parse_list(): names or numbers 2..255, each once. */
static int tos_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct tos_info *t = data;
	char buf[512], *tok, *save, *end;
	unsigned long long v;
	unsigned int k;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (save = buf; (tok = strsep(&save, ",")) != NULL;) {        /* "" is bad too */
		for (i = 0; i < TOS_NNAMES; i++)
			if (strcmp(tok, tos_names[i].name) == 0)
				break;
		if (i < TOS_NNAMES)
			k = tos_names[i].kind;
		else if (ext_xstrtoul(tok, &end, 0, 255, &v) && !*end)
			k = (unsigned int)v;
		else
			return xt_parse_error(ps, "Bad TCP option value \"%s\"", tok);
		if (k < 2)
			return xt_parse_error(ps, "Option value may not be 0 or 1");
		if (tos_test(t, k))
			return xt_parse_error(ps, "Option \"%s\" already specified", tok);
		t->strip_bmap[k / 32] |= 1u << (k % 32);
	}
	return 0;
}

static void tos_list(const struct tos_info *t, bool names, struct strbuf *out)
{
	unsigned int k;
	size_t i;
	bool first = true;

	for (k = 0; k < 256; k++) {
		if (!tos_test(t, k))
			continue;
		sb_add(out, first ? "" : ",");
		first = false;
		for (i = 0; names && i < TOS_NNAMES; i++)
			if (tos_names[i].kind == k)
				break;
		if (names && i < TOS_NNAMES)
			sb_add(out, tos_names[i].name);
		else
			sb_addf(out, "%u", k);
	}
}

static bool tos_empty(const struct tos_info *t)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (t->strip_bmap[i])
			return false;
	return true;
}

static void tos_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	if (tos_empty(data))
		return;
	sb_add(out, " --strip-options ");
	tos_list(data, false, out);
}

static void tos_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	if (tos_empty(data))
		return;
	sb_add(out, " TCPOPTSTRIP options ");
	tos_list(data, !(flags & XT_PRINT_NUMERIC), out);
}

static unsigned int tos_optlen(const uint8_t *opt, unsigned int off)
{
	if (opt[off] <= 1 || opt[off + 1] == 0)
		return 1;
	return opt[off + 1];
}

/* tcpoptstrip_mangle_packet(): NOP out every chosen option that fits the header. */
static unsigned int tos_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct tos_info *t = data;
	uint8_t *th;
	uint16_t check, o, n;
	unsigned int hlen, i, j, optl;
	uint32_t len;

	if (par->fragoff != 0)
		return XT_CONTINUE;
	len = pkt_end(pkt) > par->thoff ? pkt_end(pkt) - par->thoff : 0;
	if (len < 20)
		return USNF_DROP;
	th = pkt_at(pkt, par->thoff);
	hlen = (th[12] >> 4) * 4u;
	if (len < hlen)
		return USNF_DROP;
	memcpy(&check, th + 16, 2);
	for (i = 20; i + 1 < hlen; i += optl) {
		optl = tos_optlen(th, i);
		if (i + optl > hlen)
			break;
		if (!tos_test(t, th[i]))
			continue;
		for (j = 0; j < optl; j++) {
			/* each byte is one half of a 16-bit word of the sum */
			o = th[i + j];
			n = 1;
			if ((i + j) % 2 == 0) {
				o = (uint16_t)(o << 8);
				n = (uint16_t)(n << 8);
			}
			csum_replace2(&check, htons(o), htons(n));
		}
		memset(th + i, 1, optl);
	}
	memcpy(th + 16, &check, 2);
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_tcpoptstrip = {
	.name = "TCPOPTSTRIP",
	.family = XT_EXT_ANY,
	.size = sizeof(struct tos_info),
	.opts = tos_opts,
	.table = "mangle",
	.proto = 6,
	.parse = tos_parse,
	.save = tos_save,
	.print = tos_print,
	.target = tos_target,
};
