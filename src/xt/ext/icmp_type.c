/* icmp_type: the type/code match shared by icmp.c and icmp6.c (libxt icmp type parsing). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/ext/icmp_type.h"

void icmp_type_init(void *data)
{
	struct icmp_type_data *d = data;

	d->code[1] = 0xFF;
}

static void icmp_type_set(struct icmp_type_data *d, const struct icmp_type_name *n)
{
	d->type = n->type;
	d->code[0] = n->min;
	d->code[1] = n->max;
}

/*
 * A name: an exact alias, else an unambiguous case-insensitive prefix of a
 * table name, as xtables' icmp type parser accepts.  Returns 0 when found,
 * 1 when s is no name, -1 after an ambiguity message.
 */
static int icmp_type_lookup(const struct icmp_type_family *fam, const char *s,
			    struct icmp_type_data *d, struct xt_parse *ps)
{
	const struct icmp_type_name *hit = NULL;
	size_t n = strlen(s), i;

	for (i = 0; i < fam->n_aliases; i++) {
		if (strcasecmp(fam->aliases[i].name, s) == 0) {
			icmp_type_set(d, &fam->aliases[i]);
			return 0;
		}
	}
	for (i = 0; i < fam->n_names; i++) {
		const struct icmp_type_name *cand = &fam->names[i];

		if (strncasecmp(cand->name, s, n))
			continue;
		if (strlen(cand->name) == n) {
			hit = cand;
			break;
		}
		if (hit)
			return xt_parse_error(ps, "Ambiguous %s type `%s': `%s' or `%s'?",
					      fam->label, s, hit->name, cand->name);
		hit = cand;
	}
	if (!hit)
		return 1;
	icmp_type_set(d, hit);
	return 0;
}

/* parse_range() of iptables 1.8.9's shared icmp parser: "n" or "n:m", 0-255 each. */
static const char *icmp_type_range(const char *s, unsigned int r[2])
{
	unsigned long long v;
	char *next;

	if (!ext_xstrtoul(s, &next, 0, 255, &v))
		return NULL;
	r[0] = r[1] = (unsigned int)v;
	if (*next == ':') {
		if (!ext_xstrtoul(next + 1, &next, 0, 255, &v))
			return NULL;
		r[1] = (unsigned int)v;
	}
	return next;
}

/* "type[/code]" (each may be a range); a bare type covers every code.  Only one type
 * is taken, the range refused once the whole has been read. */
static int icmp_type_parse_num(const struct icmp_type_family *fam, struct icmp_type_data *d,
			       const char *arg, struct xt_parse *ps)
{
	unsigned int t[2], c[2] = { 0, 0xFF };
	const char *next = icmp_type_range(arg, t);

	if (!next)
		return xt_parse_error(ps, "Unknown %s type `%s'", fam->label, arg);
	if (*next == '/') {
		next = icmp_type_range(next + 1, c);
		if (!next)
			return xt_parse_error(ps, "Unknown %s code `%s'", fam->label, arg);
	}
	if (*next)
		return xt_parse_error(ps, "unknown character %c", *next);
	if (t[0] != t[1])
		return xt_parse_error(ps, "%s type range not supported", fam->label);
	d->type = (uint8_t)t[0];
	d->code[0] = (uint8_t)c[0];
	d->code[1] = (uint8_t)c[1];
	return 0;
}

int icmp_type_parse(const struct icmp_type_family *fam, void *data, const char *arg,
		    bool invert, struct xt_parse *ps)
{
	struct icmp_type_data *d = data;
	int rc;

	d->given = 1;
	if (invert)
		d->invflags |= ICMP_TYPE_INV;
	rc = icmp_type_lookup(fam, arg, d, ps);
	if (rc <= 0)
		return rc;
	return icmp_type_parse_num(fam, d, arg, ps);
}

/* The type option is mandatory (XTOPT_MAND); cleared so -D/-C compare only the match. */
int icmp_type_final_check(const struct icmp_type_family *fam, void *data, struct xt_parse *ps)
{
	struct icmp_type_data *d = data;

	if (!d->given)
		return xt_parse_error(ps, "%s: option \"--%s\" must be specified\n", fam->ext,
				      fam->opt);
	d->given = 0;
	return 0;
}

void icmp_type_save(const struct icmp_type_family *fam, const void *data, struct strbuf *out)
{
	const struct icmp_type_data *d = data;

	sb_addf(out, " %s--%s ", d->invflags & ICMP_TYPE_INV ? "! " : "", fam->opt);
	if (fam->any && d->type == 0xFF)
		sb_add(out, "any");
	else if (d->code[0] == 0 && d->code[1] == 0xFF)
		sb_addf(out, "%u", d->type);
	else
		sb_addf(out, "%u/%u", d->type, d->code[0]);
}

void icmp_type_print(const struct icmp_type_family *fam, const void *data, unsigned int flags,
		     struct strbuf *out)
{
	const struct icmp_type_data *d = data;
	bool inv = d->invflags & ICMP_TYPE_INV;
	size_t i;

	sb_addf(out, " %s", fam->proto);
	if (!(flags & XT_PRINT_NUMERIC)) {
		for (i = 0; i < fam->n_names; i++) {
			const struct icmp_type_name *n = &fam->names[i];

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

/* icmp_match()/icmp6_match(): never a fragment; a header cut short drops the packet. */
bool icmp_type_match(const struct icmp_type_family *fam, const struct pkt *pkt,
		     const void *data, struct xt_action *par)
{
	const struct icmp_type_data *d = data;
	const uint8_t *ih;
	bool hit;

	if (par->fragoff)
		return false;
	ih = pkt_header(pkt, par->thoff, 2);
	if (!ih) {
		par->hotdrop = true;
		return false;
	}
	hit = (fam->any && d->type == 0xFF) ||
	      (ih[0] == d->type && ih[1] >= d->code[0] && ih[1] <= d->code[1]);
	return hit != !!(d->invflags & ICMP_TYPE_INV);
}
