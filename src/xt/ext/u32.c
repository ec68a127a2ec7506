/* u32: tests on 32-bit words anywhere in the packet (xt_u32.c, libxt_u32.c). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define U32_MAXSIZE 10          /* XT_U32_MAXSIZE */

enum { U32_AND = 0, U32_LEFTSH, U32_RIGHTSH, U32_AT };
enum { O_U32 = 0 };

struct u32_location {
	uint32_t number;
	uint8_t nextop;
};

struct u32_value {
	uint32_t min, max;
};

struct u32_test {
	struct u32_location location[U32_MAXSIZE + 1];
	struct u32_value value[U32_MAXSIZE + 1];
	uint8_t nnums, nvalues;
};

struct u32_info {
	uint32_t xflags;
	struct u32_test tests[U32_MAXSIZE + 1];
	uint8_t ntests;
	uint8_t invert;
};

static const struct xt_opt u32_opts[] = {
	{ .name = "u32", .id = O_U32, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc u32_fc[] = {
	{ .id = O_U32, .mand = true },
	{ .id = EXT_FC_END },
};

/* The parser's cursor: the string, where we are, and the error sink. */
struct u32_cursor {
	const char *start, *p;
	struct xt_parse *ps;
};

static int u32_err(struct u32_cursor *c, const char *what)
{
	return xt_parse_error(c->ps, "u32: at char %u: %s", (unsigned int)(c->p - c->start), what);
}

/* parse_number(): base 0, within 32 bits. */
static int u32_number(struct u32_cursor *c, uint32_t *out)
{
	unsigned long long v;
	unsigned int pos = (unsigned int)(c->p - c->start);
	char *end;

	errno = 0;
	v = strtoull(c->p, &end, 0);
	if (end == c->p || errno || v > UINT32_MAX || *c->p == '-')
		return xt_parse_error(c->ps, "u32: at char %u: not a number or out of range", pos);
	c->p = end;
	*out = (uint32_t)v;
	return 0;
}

/* Location part: "number (op number)*", ends at '='. */
static int u32_location(struct u32_cursor *c, struct u32_test *t, unsigned int *locind)
{
	struct u32_location *l = &t->location[*locind];

	if (*locind != 0) {
		switch (*c->p) {
		case '&': l->nextop = U32_AND; break;
		case '@': l->nextop = U32_AT; break;
		case '<':
		case '>':
			if (c->p[1] != c->p[0]) {
				c->p++;
				return u32_err(c, c->p[-1] == '<' ? "a second '<' was expected"
								   : "a second '>' was expected");
			}
			l->nextop = *c->p == '<' ? U32_LEFTSH : U32_RIGHTSH;
			c->p++;
			break;
		default:
			return u32_err(c, "operator expected");
		}
		c->p++;
	}
	if (u32_number(c, &l->number))
		return -1;
	if (++*locind > U32_MAXSIZE)
		return u32_err(c, "too many operators");
	return 0;
}

/* Value part: "range (, range)*" where a range is "a" or "a:b". */
static int u32_value(struct u32_cursor *c, struct u32_test *t, unsigned int *valind)
{
	struct u32_value *v = &t->value[*valind];

	if (*valind > 0) {
		if (*c->p != ',')
			return u32_err(c, "expected \",\" or \"&&\"");
		c->p++;
	}
	if (u32_number(c, &v->min))
		return -1;
	while (isspace((unsigned char)*c->p))
		c->p++;
	v->max = v->min;
	if (*c->p == ':') {
		c->p++;
		if (u32_number(c, &v->max))
			return -1;
	}
	if (++*valind > U32_MAXSIZE)
		return u32_err(c, "too many \",\"s");
	return 0;
}

/* u32_parse(): a two-state scanner over "loc=values&&loc=values...". */
static int u32_parse_expr(struct u32_info *d, const char *arg, struct xt_parse *ps)
{
	struct u32_cursor c = { arg, arg, ps };
	unsigned int testind = 0, locind = 0, valind = 0;
	bool values = false;
	struct u32_test *t = &d->tests[0];

	for (;;) {
		while (isspace((unsigned char)*c.p))
			c.p++;
		if (*c.p == '\0') {
			if (!values)
				return xt_parse_error(ps, "u32: abrupt end of input after location "
						      "specifier");
			if (valind == 0)
				return xt_parse_error(ps, "u32: test ended with no value specified");
			t->nnums = (uint8_t)locind;
			t->nvalues = (uint8_t)valind;
			d->ntests = (uint8_t)++testind;
			if (testind > U32_MAXSIZE)
				return u32_err(&c, "too many \"&&\"s");
			return 0;
		}
		if (!values) {
			if (*c.p == '=') {
				if (locind == 0)
					return u32_err(&c, "location spec missing");
				c.p++;
				values = true;
			} else if (u32_location(&c, t, &locind)) {
				return -1;
			}
			continue;
		}
		if (*c.p == '&') {
			c.p++;
			if (*c.p != '&')
				return u32_err(&c, "a second '&' was expected");
			if (valind == 0)
				return u32_err(&c, "value spec missing");
			t->nnums = (uint8_t)locind;
			t->nvalues = (uint8_t)valind;
			if (++testind > U32_MAXSIZE)
				return u32_err(&c, "too many \"&&\"s");
			t = &d->tests[testind];
			c.p++;
			values = false;
			locind = valind = 0;
		} else if (u32_value(&c, t, &valind)) {
			return -1;
		}
	}
}

static int u32_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct u32_info *d = data;

	d->invert = invert;
	if (u32_parse_expr(d, arg, ps))
		return -1;
	d->xflags |= EXT_F(id);
	return 0;
}

static int u32_final_check(void *data, struct xt_parse *ps)
{
	struct u32_info *d = data;
	uint32_t xflags = d->xflags;

	d->xflags = 0;
	return ext_fcheck(ps, "u32", u32_opts, u32_fc, xflags);
}

/* A shift by 32 or more: u32_mt_checkentry() refuses it (-EINVAL, since Linux 6.6). */
static bool u32_bad_shift(const struct u32_test *t)
{
	unsigned int i;

	for (i = 0; i < t->nnums; i++)
		if ((t->location[i].nextop == U32_LEFTSH || t->location[i].nextop == U32_RIGHTSH) &&
		    t->location[i].number >= 32)
			return true;
	return false;
}

/* u32_mt_checkentry(): counts within the arrays, shift counts below 32. */
static int u32_check(const void *data, struct xt_parse *ps)
{
	const struct u32_info *d = data;
	unsigned int i;

	if (d->ntests > U32_MAXSIZE + 1)
		return -EINVAL;
	for (i = 0; i < d->ntests; i++)
		if (d->tests[i].nnums > U32_MAXSIZE + 1 || d->tests[i].nvalues > U32_MAXSIZE + 1 ||
		    u32_bad_shift(&d->tests[i]))
			return -EINVAL;
	return 0;
}

/* u32_dump(). */
static void u32_dump(const struct u32_info *d, struct strbuf *out)
{
	static const char *const ops[] = { "&", "<<", ">>", "@" };
	unsigned int ti, i;

	sb_add(out, " \"");
	for (ti = 0; ti < d->ntests; ti++) {
		const struct u32_test *t = &d->tests[ti];

		if (ti > 0)
			sb_add(out, "&&");
		sb_addf(out, "0x%x", t->location[0].number);
		for (i = 1; i < t->nnums; i++)
			sb_addf(out, "%s0x%x", ops[t->location[i].nextop & 3], t->location[i].number);
		sb_addc(out, '=');
		for (i = 0; i < t->nvalues; i++) {
			if (i > 0)
				sb_addc(out, ',');
			if (t->value[i].min == t->value[i].max)
				sb_addf(out, "0x%x", t->value[i].min);
			else
				sb_addf(out, "0x%x:0x%x", t->value[i].min, t->value[i].max);
		}
	}
	sb_addc(out, '"');
}

static void u32_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct u32_info *d = data;

	sb_addf(out, "%s --u32", d->invert ? " !" : "");
	u32_dump(d, out);
}

static void u32_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct u32_info *d = data;

	sb_addf(out, " u32%s", d->invert ? " !" : "");
	u32_dump(d, out);
}

static uint32_t u32_load(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One test of u32_match_it(): compute the word, then look for it in the ranges. */
static bool u32_test_one(const struct u32_test *t, const uint8_t *data, uint32_t len)
{
	uint32_t pos = t->location[0].number, at = 0, val;
	unsigned int i;

	if (len < 4 || pos > len - 4)
		return false;
	val = u32_load(data + pos);
	for (i = 1; i < t->nnums; i++) {
		uint32_t number = t->location[i].number;

		switch (t->location[i].nextop) {
		case U32_AND: val &= number; break;
		case U32_LEFTSH: val <<= number & 31; break;  /* x86 masks the count */
		case U32_RIGHTSH: val >>= number & 31; break;
		case U32_AT:
			if (at + val < at)
				return false;
			at += val;
			pos = number;
			if (at + 4 < at || len < at + 4 || pos > len - at - 4)
				return false;
			val = u32_load(data + at + pos);
			break;
		}
	}
	for (i = 0; i < t->nvalues; i++)
		if (t->value[i].min <= val && val <= t->value[i].max)
			return true;
	return false;
}

/* u32_mt(): offsets count from the network header, as skb->data there. */
static bool u32_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct u32_info *d = data;
	const uint8_t *base = pkt_network(pkt);
	uint32_t len = pkt_end(pkt) - pkt->net_off;
	unsigned int i;
	bool ok = true;

	for (i = 0; i < d->ntests && ok; i++)
		ok = u32_test_one(&d->tests[i], base, len);
	return ok ^ !!d->invert;
}

const struct xt_match_ops xt_match_u32 = {
	.name = "u32",
	.family = XT_EXT_ANY,
	.size = sizeof(struct u32_info),
	.opts = u32_opts,
	.parse = u32_parse,
	.final_check = u32_final_check,
	.check = u32_check,
	.save = u32_save,
	.print = u32_print,
	.match = u32_match,
};
