/*
 * NFLOG: hand the packet to nfnetlink_log (libxt_NFLOG.c).  iptables-nft 1.8.9
 * turns it into the native nft "log group N" expression (add_log(): prefix,
 * group, snaplen = --nflog-size, qthreshold), which does not keep --nflog-range.
 * nft_log_eval() logs to the group's subscriber (hook/nflog.c,
 * usnf_nflog_subscribe()) and the rule goes on, listener or not.
 */
#include <stdio.h>
#include <string.h>

#include "hook/nfnl.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define NFLOG_F_COPY_LEN 0x1
#define NFLOG_PREFIX_MAX 128     /* the nft log prefix (NF_LOG_PREFIXLEN), not xt_nflog_info's 64 */

enum { O_GROUP = 0, O_PREFIX, O_RANGE, O_SIZE, O_THRESHOLD };

/* struct xt_nflog_info, with the prefix as long as nft keeps it. */
struct nflog_info {
	uint32_t len;
	uint16_t group, threshold, flags, pad;
	char prefix[NFLOG_PREFIX_MAX];
};

static const struct xt_opt nflog_opts[] = {
	{ .name = "nflog-group", .id = O_GROUP, .arg = XT_ARG_REQUIRED },
	{ .name = "nflog-prefix", .id = O_PREFIX, .arg = XT_ARG_REQUIRED },
	{ .name = "nflog-range", .id = O_RANGE, .arg = XT_ARG_REQUIRED },
	{ .name = "nflog-size", .id = O_SIZE, .arg = XT_ARG_REQUIRED },
	{ .name = "nflog-threshold", .id = O_THRESHOLD, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static int nflog_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct nflog_info *n = data;
	unsigned long long v;

	switch (id) {
	case O_GROUP:
		if (ext_parse_num(ps, "NFLOG", "nflog-group", arg, 0, 65535, &v))
			return -1;
		n->group = (uint16_t)v;
		return 0;
	case O_PREFIX:
		if (arg[0] == '\0')
			return xt_parse_error(ps, "Argument must have a minimum length of 1 "
					      "characters\n");
		/* Through the nft log expression: cut to 127 characters. */
		snprintf(n->prefix, sizeof(n->prefix), "%s", arg);
		return 0;
	case O_RANGE:
		/* Accepted with a warning; the nft log expression has no place for it. */
		return ext_parse_num(ps, "NFLOG", "nflog-range", arg, 0, 0xffffffffu, &v);
	case O_SIZE:
		if (ext_parse_num(ps, "NFLOG", "nflog-size", arg, 0, 0xffffffffu, &v))
			return -1;
		n->len = (uint32_t)v;
		n->flags |= NFLOG_F_COPY_LEN;
		return 0;
	default:
		if (ext_parse_num(ps, "NFLOG", "nflog-threshold", arg, 0, 65535, &v))
			return -1;
		n->threshold = (uint16_t)v;
		return 0;
	}
}

static void nflog_out(const struct nflog_info *n, const char *dash, struct strbuf *out)
{
	if (n->prefix[0]) {
		sb_addf(out, " %snflog-prefix", dash);
		ext_save_string(out, n->prefix);
	}
	if (n->group)
		sb_addf(out, " %snflog-group %u", dash, n->group);
	if (n->flags & NFLOG_F_COPY_LEN)
		sb_addf(out, " %snflog-size %u", dash, n->len);
	if (n->threshold)
		sb_addf(out, " %snflog-threshold %u", dash, n->threshold);
}

static void nflog_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	nflog_out(data, "--", out);
}

static void nflog_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	nflog_out(data, "", out);
}

/* nft_log_eval() -> nf_log_packet() -> nfulnl_log_packet(), then on with the rule. */
static unsigned int nflog_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct nflog_info *n = data;
	struct nflog_loginfo li = {
		.group = n->group, .copy_len_set = n->flags & NFLOG_F_COPY_LEN,
		.copy_len = n->len, .prefix = n->prefix,
	};

	nflog_packet(par->net, pkt, par->state, &li);      /* nothing without a listener */
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_nflog = {
	.name = "NFLOG",
	.family = XT_EXT_ANY,
	.size = sizeof(struct nflog_info),
	.opts = nflog_opts,
	.parse = nflog_parse,
	.save = nflog_save,
	.print = nflog_print,
	.target = nflog_target,
};
