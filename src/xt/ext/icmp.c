/* icmp: the icmp match (iptables' libipt_icmp + the kernel's icmp_match in ip_tables.c). */
#include "xt/ext/icmp_type.h"
#include "xt/xt.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The names iptables 1.8.9 knows (libxtables' xt_icmp tables), in its order. */
static const struct icmp_type_name icmp_names[] = {
	{ "any", 0xFF, 0, 0xFF },
	{ "echo-reply", 0, 0, 0xFF },
	{ "destination-unreachable", 3, 0, 0xFF },
	{ "network-unreachable", 3, 0, 0 },
	{ "host-unreachable", 3, 1, 1 },
	{ "protocol-unreachable", 3, 2, 2 },
	{ "port-unreachable", 3, 3, 3 },
	{ "fragmentation-needed", 3, 4, 4 },
	{ "source-route-failed", 3, 5, 5 },
	{ "network-unknown", 3, 6, 6 },
	{ "host-unknown", 3, 7, 7 },
	{ "network-prohibited", 3, 9, 9 },
	{ "host-prohibited", 3, 10, 10 },
	{ "TOS-network-unreachable", 3, 11, 11 },
	{ "TOS-host-unreachable", 3, 12, 12 },
	{ "communication-prohibited", 3, 13, 13 },
	{ "host-precedence-violation", 3, 14, 14 },
	{ "precedence-cutoff", 3, 15, 15 },
	{ "source-quench", 4, 0, 0xFF },
	{ "redirect", 5, 0, 0xFF },
	{ "network-redirect", 5, 0, 0 },
	{ "host-redirect", 5, 1, 1 },
	{ "TOS-network-redirect", 5, 2, 2 },
	{ "TOS-host-redirect", 5, 3, 3 },
	{ "echo-request", 8, 0, 0xFF },
	{ "router-advertisement", 9, 0, 0xFF },
	{ "router-solicitation", 10, 0, 0xFF },
	{ "time-exceeded", 11, 0, 0xFF },
	{ "ttl-zero-during-transit", 11, 0, 0 },
	{ "ttl-zero-during-reassembly", 11, 1, 1 },
	{ "parameter-problem", 12, 0, 0xFF },
	{ "ip-header-bad", 12, 0, 0 },
	{ "required-option-missing", 12, 1, 1 },
	{ "timestamp-request", 13, 0, 0xFF },
	{ "timestamp-reply", 14, 0, 0xFF },
	{ "address-mask-request", 17, 0, 0xFF },
	{ "address-mask-reply", 18, 0, 0xFF },
};

/* Aliases accepted on input only. */
static const struct icmp_type_name icmp_aliases[] = {
	{ "pong", 0, 0, 0xFF }, { "ping", 8, 0, 0xFF }, { "ttl-exceeded", 11, 0, 0xFF },
};

static const struct icmp_type_family icmp_v4 = {
	.ext = "icmp",
	.opt = "icmp-type",
	.label = "ICMP",
	.proto = "icmp",
	.names = icmp_names,
	.n_names = NELEM(icmp_names),
	.aliases = icmp_aliases,
	.n_aliases = NELEM(icmp_aliases),
	.any = true,
};

static const struct xt_opt icmp_opts[] = {
	{ "icmp-type", 1, XT_ARG_REQUIRED, true, false },
	{ NULL, 0, 0, false, false },
};

static int icmp_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return icmp_type_parse(&icmp_v4, data, arg, invert, ps);
}

static int icmp_final_check(void *data, struct xt_parse *ps)
{
	return icmp_type_final_check(&icmp_v4, data, ps);
}

static void icmp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	icmp_type_save(&icmp_v4, data, out);
}

static void icmp_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	icmp_type_print(&icmp_v4, data, flags, out);
}

static bool icmp_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	return icmp_type_match(&icmp_v4, pkt, data, par);
}

const struct xt_match_ops xt_match_icmp = {
	.name = "icmp",
	.family = XT_EXT_V4,
	.size = sizeof(struct icmp_type_data),
	.opts = icmp_opts,
	.proto = 1,
	.init = icmp_type_init,
	.parse = icmp_parse,
	.final_check = icmp_final_check,
	.save = icmp_save,
	.print = icmp_print,
	.match = icmp_match,
};
