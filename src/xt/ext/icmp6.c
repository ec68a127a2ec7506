/* icmp6: the icmp6 match (libip6t_icmp6 + the kernel's icmp6_match in ip6_tables.c). */
#include "xt/ext/icmp_type.h"
#include "xt/xt.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The names ip6tables 1.8.9 knows (libxtables' icmpv6 table), in its order; the
 * mld-listener-* names came later (1.8.10) and are refused as unknown. */
static const struct icmp_type_name icmp6_names[] = {
	{ "destination-unreachable", 1, 0, 0xFF },
	{ "no-route", 1, 0, 0 },
	{ "communication-prohibited", 1, 1, 1 },
	{ "beyond-scope", 1, 2, 2 },
	{ "address-unreachable", 1, 3, 3 },
	{ "port-unreachable", 1, 4, 4 },
	{ "failed-policy", 1, 5, 5 },
	{ "reject-route", 1, 6, 6 },
	{ "packet-too-big", 2, 0, 0xFF },
	{ "time-exceeded", 3, 0, 0xFF },
	{ "ttl-zero-during-transit", 3, 0, 0 },
	{ "ttl-zero-during-reassembly", 3, 1, 1 },
	{ "parameter-problem", 4, 0, 0xFF },
	{ "bad-header", 4, 0, 0 },
	{ "unknown-header-type", 4, 1, 1 },
	{ "unknown-option", 4, 2, 2 },
	{ "echo-request", 128, 0, 0xFF },
	{ "echo-reply", 129, 0, 0xFF },
	{ "router-solicitation", 133, 0, 0xFF },
	{ "router-advertisement", 134, 0, 0xFF },
	{ "neighbour-solicitation", 135, 0, 0xFF },
	{ "neighbour-advertisement", 136, 0, 0xFF },
	{ "redirect", 137, 0, 0xFF },
};

/* Aliases accepted on input only. */
static const struct icmp_type_name icmp6_aliases[] = {
	{ "ping", 128, 0, 0xFF }, { "pong", 129, 0, 0xFF }, { "ttl-exceeded", 3, 0, 0xFF },
	{ "neighbor-solicitation", 135, 0, 0xFF }, { "neighbor-advertisement", 136, 0, 0xFF },
};

static const struct icmp_type_family icmp_v6 = {
	.ext = "icmp6",
	.opt = "icmpv6-type",
	.label = "ICMPv6",
	.proto = "ipv6-icmp",
	.names = icmp6_names,
	.n_names = NELEM(icmp6_names),
	.aliases = icmp6_aliases,
	.n_aliases = NELEM(icmp6_aliases),
	.any = false,
};

static const struct xt_opt icmp6_opts[] = {
	{ "icmpv6-type", 1, XT_ARG_REQUIRED, true, false },
	{ NULL, 0, 0, false, false },
};

static int icmp6_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	return icmp_type_parse(&icmp_v6, data, arg, invert, ps);
}

static int icmp6_final_check(void *data, struct xt_parse *ps)
{
	return icmp_type_final_check(&icmp_v6, data, ps);
}

static void icmp6_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	icmp_type_save(&icmp_v6, data, out);
}

static void icmp6_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	icmp_type_print(&icmp_v6, data, flags, out);
}

static bool icmp6_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	return icmp_type_match(&icmp_v6, pkt, data, par);
}

const struct xt_match_ops xt_match_icmp6 = {
	.name = "icmp6",
	.family = XT_EXT_V6,
	.size = sizeof(struct icmp_type_data),
	.opts = icmp6_opts,
	.proto = 58,
	.init = icmp_type_init,
	.parse = icmp6_parse,
	.final_check = icmp6_final_check,
	.save = icmp6_save,
	.print = icmp6_print,
	.match = icmp6_match,
};
