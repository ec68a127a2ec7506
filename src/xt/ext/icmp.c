/* icmp: the icmp match (iptables' libipt_icmp + the kernel's icmp_match in ip_tables.c). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xt/xt.h"

#define ICMP_INV 0x01

struct icmp_data {
	uint8_t type;
	uint8_t code[2];
	uint8_t invflags;
	uint8_t given;          /* parse-time only: the type option was seen */
};

struct icmp_name {
	const char *name;
	uint8_t type, min, max;
};

/* The names iptables 1.8.9 knows (libxtables' xt_icmp tables), in its order. */
static const struct icmp_name icmp_names[] = {
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
static const struct icmp_name icmp_aliases[] = {
	{ "pong", 0, 0, 0xFF }, { "ping", 8, 0, 0xFF }, { "ttl-exceeded", 11, 0, 0xFF },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct xt_opt icmp_opts[] = {
	{ "icmp-type", 1, XT_ARG_REQUIRED, true, false },
	{ NULL, 0, 0, false, false },
};

static void icmp_init(void *data)
{
	struct icmp_data *d = data;

	d->code[1] = 0xFF;
}

/* Unambiguous case-insensitive prefixes, as xtables' icmp type parser accepts. */
static int icmp_lookup(const char *s, struct icmp_data *d, struct xt_parse *ps)
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
			return xt_parse_error(ps, "Ambiguous ICMP type `%s': `%s' or `%s'?", s,
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
	struct icmp_data *d = data;
	unsigned long long v;
	char buf[32];
	char *slash;
	int rc;

	d->given = 1;
	if (invert)
		d->invflags |= ICMP_INV;
	rc = icmp_lookup(arg, d, ps);
	if (rc <= 0)
		return rc;
	if (strlen(arg) >= sizeof(buf))
		return xt_parse_error(ps, "Unknown ICMP type `%s'", arg);
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (xt_parse_uint(buf, 0, 255, &v))
		return xt_parse_error(ps, "Unknown ICMP type `%s'", arg);
	d->type = (uint8_t)v;
	if (slash) {
		if (xt_parse_uint(slash + 1, 0, 255, &v))
			return xt_parse_error(ps, "Unknown ICMP code `%s'", arg);
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
	struct icmp_data *d = data;

	if (!d->given)
		return xt_parse_error(ps, "icmp: option \"--icmp-type\" must be specified\n");
	d->given = 0;
	return 0;
}

static void icmp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct icmp_data *d = data;

	sb_addf(out, " %s--icmp-type ", d->invflags & ICMP_INV ? "! " : "");
	if (d->type == 0xFF)
		sb_add(out, "any");
	else if (d->code[0] == 0 && d->code[1] == 0xFF)
		sb_addf(out, "%u", d->type);
	else
		sb_addf(out, "%u/%u", d->type, d->code[0]);
}

static void icmp_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct icmp_data *d = data;
	bool inv = d->invflags & ICMP_INV;
	size_t i;

	sb_add(out, " icmp");
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
	const struct icmp_data *d = data;
	const uint8_t *ih;
	bool hit;

	if (par->fragoff)
		return false;
	ih = pkt_header(pkt, par->thoff, 2);
	if (!ih) {
		par->hotdrop = true;
		return false;
	}
	hit = d->type == 0xFF ||
	      (ih[0] == d->type && ih[1] >= d->code[0] && ih[1] <= d->code[1]);
	return hit != !!(d->invflags & ICMP_INV);
}

const struct xt_match_ops xt_match_icmp = {
	.name = "icmp",
	.family = XT_EXT_V4,
	.size = sizeof(struct icmp_data),
	.opts = icmp_opts,
	.proto = 1,
	.init = icmp_init,
	.parse = icmp_parse,
	.final_check = icmp_final_check,
	.save = icmp_save,
	.print = icmp_print,
	.match = icmp_match,
};
