/* icmp6: the icmp6 match (libip6t_icmp6 + the kernel's icmp6_match in ip6_tables.c). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xt/xt.h"

#define ICMP6_INV 0x01

struct icmp6_data {
	uint8_t type;
	uint8_t code[2];
	uint8_t invflags;
	uint8_t given;          /* parse-time only: the type option was seen */
};

struct icmp_name {
	const char *name;
	uint8_t type, min, max;
};

/* The names ip6tables 1.8.9 knows (libxtables' icmpv6 table), in its order. */
static const struct icmp_name icmp_names[] = {
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
	{ "mld-listener-query", 130, 0, 0xFF },
	{ "mld-listener-report", 131, 0, 0xFF },
	{ "mld-listener-done", 132, 0, 0xFF },
	{ "router-solicitation", 133, 0, 0xFF },
	{ "router-advertisement", 134, 0, 0xFF },
	{ "neighbour-solicitation", 135, 0, 0xFF },
	{ "neighbour-advertisement", 136, 0, 0xFF },
	{ "redirect", 137, 0, 0xFF },
};

/* Aliases accepted on input only. */
static const struct icmp_name icmp_aliases[] = {
	{ "ping", 128, 0, 0xFF }, { "pong", 129, 0, 0xFF }, { "ttl-exceeded", 3, 0, 0xFF },
	{ "mld-listener-reduction", 132, 0, 0xFF },
	{ "neighbor-solicitation", 135, 0, 0xFF }, { "neighbor-advertisement", 136, 0, 0xFF },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct xt_opt icmp_opts[] = {
	{ "icmpv6-type", 1, XT_ARG_REQUIRED, true, false },
	{ NULL, 0, 0, false, false },
};

static void icmp_init(void *data)
{
	struct icmp6_data *d = data;

	d->code[1] = 0xFF;
}

/* Unambiguous case-insensitive prefixes, as xtables' icmp type parser accepts. */
static int icmp_lookup(const char *s, struct icmp6_data *d, struct xt_parse *ps)
{
	size_t n = strlen(s), i;
	const struct icmp_name *hit = NULL;

	for (i = 0; i < NELEM(icmp_aliases); i++) {
		if (strcasecmp(icmp_aliases[i].name, s) == 0) {
			hit = &icmp_aliases[i];
			goto found;
		}
	}
	for (i = 0; i < NELEM(icmp_names); i++) {
		if (strncasecmp(icmp_names[i].name, s, n))
			continue;
		if (strlen(icmp_names[i].name) == n) {
			hit = &icmp_names[i];
			break;
		}
		if (hit)
			return xt_parse_error(ps, "Ambiguous ICMPv6 type `%s': `%s' or `%s'?", s,
					      hit->name, icmp_names[i].name);
		hit = &icmp_names[i];
	}
	if (!hit)
		return 1;
found:
	d->type = hit->type;
	d->code[0] = hit->min;
	d->code[1] = hit->max;
	return 0;
}

static int icmp_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct icmp6_data *d = data;
	unsigned long long v;
	char buf[32];
	char *slash;
	int rc;

	d->given = 1;
	if (invert)
		d->invflags |= ICMP6_INV;
	rc = icmp_lookup(arg, d, ps);
	if (rc <= 0)
		return rc;
	if (strlen(arg) >= sizeof(buf))
		return xt_parse_error(ps, "Unknown ICMPv6 type `%s'", arg);
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (xt_parse_uint(buf, 0, 255, &v))
		return xt_parse_error(ps, "Unknown ICMPv6 type `%s'", arg);
	d->type = (uint8_t)v;
	if (slash) {
		if (xt_parse_uint(slash + 1, 0, 255, &v))
			return xt_parse_error(ps, "Unknown ICMPv6 code `%s'", arg);
		d->code[0] = d->code[1] = (uint8_t)v;
	} else {
		d->code[0] = 0;
		d->code[1] = 0xFF;
	}
	return 0;
}

/* The type option is mandatory (XTOPT_MAND); cleared so -D/-C compare only the match. */
static int icmp_final_check(void *data, struct xt_parse *ps)
{
	struct icmp6_data *d = data;

	if (!d->given)
		return xt_parse_error(ps, "icmp6: option \"--icmpv6-type\" must be specified\n");
	d->given = 0;
	return 0;
}

static void icmp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct icmp6_data *d = data;

	sb_addf(out, " %s--icmpv6-type ", d->invflags & ICMP6_INV ? "! " : "");
	if (d->code[0] == 0 && d->code[1] == 0xFF)
		sb_addf(out, "%u", d->type);
	else
		sb_addf(out, "%u/%u", d->type, d->code[0]);
}

static void icmp_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct icmp6_data *d = data;
	bool inv = d->invflags & ICMP6_INV;
	size_t i;

	sb_add(out, " ipv6-icmp");
	if (!(flags & XT_PRINT_NUMERIC)) {
		for (i = 0; i < NELEM(icmp_names); i++) {
			const struct icmp_name *n = &icmp_names[i];

			if (n->type == d->type && n->min == d->code[0] && n->max == d->code[1]) {
				sb_addf(out, " %s%s", inv ? "!" : "", n->name);
				return;
			}
		}
	}
	sb_addf(out, "%stype %u", inv ? " !" : "", d->type);
	if (d->code[0] == d->code[1])
		sb_addf(out, " code %u", d->code[0]);
	else if (d->code[0] != 0 || d->code[1] != 0xFF)
		sb_addf(out, " codes %u-%u", d->code[0], d->code[1]);
}

static bool icmp_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct icmp6_data *d = data;
	const uint8_t *ih;
	bool hit;

	if (par->fragoff)
		return false;
	ih = pkt_header(pkt, par->thoff, 2);
	if (!ih) {
		par->hotdrop = true;
		return false;
	}
	hit = (ih[0] == d->type && ih[1] >= d->code[0] && ih[1] <= d->code[1]);
	return hit != !!(d->invflags & ICMP6_INV);
}

const struct xt_match_ops xt_match_icmp6 = {
	.name = "icmp6",
	.family = XT_EXT_V6,
	.size = sizeof(struct icmp6_data),
	.opts = icmp_opts,
	.proto = 58,
	.init = icmp_init,
	.parse = icmp_parse,
	.final_check = icmp_final_check,
	.save = icmp_save,
	.print = icmp_print,
	.match = icmp_match,
};
