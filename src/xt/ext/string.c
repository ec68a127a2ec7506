/*
 * string: a byte pattern in the packet (xt_string.c revision 1, libxt_string.c).
 * The search is the kernel's skb_find_text(): from --from to the end of the
 * packet (offsets from the network header), first occurrence only, which must
 * end by --to.  Both textsearch algorithms are here: Boyer-Moore (ts_bm.c) and
 * Knuth-Morris-Pratt (ts_kmp.c); tables are built once, at rule creation.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define STR_MAX_PATTERN 128     /* XT_STRING_MAX_PATTERN_SIZE */
#define STR_MAX_ALGO 16         /* XT_STRING_MAX_ALGO_NAME_SIZE */
#define STR_FLAG_INVERT 0x01
#define STR_FLAG_ICASE 0x02

enum { O_FROM = 0, O_TO, O_ALGO, O_STRING, O_HEX_STRING, O_ICASE };

struct string_info {
	uint32_t xflags;
	uint16_t from_offset, to_offset;
	char algo[STR_MAX_ALGO];
	char pattern[STR_MAX_PATTERN];
	uint8_t patlen;
	uint8_t flags;
	/* search tables, derived at rule creation (textsearch_prepare()) */
	uint8_t pat[STR_MAX_PATTERN];           /* upper-cased with --icase */
	uint16_t bm_bad[256];
	uint16_t kmp_prefix[STR_MAX_PATTERN];
};

static const struct xt_opt string_opts[] = {
	{ .name = "from", .id = O_FROM, .arg = XT_ARG_REQUIRED },
	{ .name = "to", .id = O_TO, .arg = XT_ARG_REQUIRED },
	{ .name = "algo", .id = O_ALGO, .arg = XT_ARG_REQUIRED },
	{ .name = "string", .id = O_STRING, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "hex-string", .id = O_HEX_STRING, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "icase", .id = O_ICASE, .arg = XT_ARG_NONE },
	{ 0 },
};

static const struct ext_fc string_fc[] = {
	{ .id = O_ALGO, .mand = true },
	{ .id = O_STRING, .excl = EXT_F(O_HEX_STRING) },
	{ .id = O_HEX_STRING, .excl = EXT_F(O_STRING) },
	{ .id = EXT_FC_END },
};

static void string_init(void *data)
{
	struct string_info *s = data;

	s->to_offset = UINT16_MAX;
}

static int string_hex_byte(struct xt_parse *ps, const char *p, uint8_t *out)
{
	char hex[3] = { p[0], p[1], 0 };
	unsigned int v;

	if (!isxdigit((unsigned char)p[0]))
		return xt_parse_error(ps, "Invalid hex char '%c'", p[0]);
	if (!isxdigit((unsigned char)p[1]))
		return xt_parse_error(ps, "Invalid hex char '%c'", p[1]);
	sscanf(hex, "%x", &v);
	*out = (uint8_t)v;
	return 0;
}

/* parse_hex_string(): text with |hex bytes| blocks and \x literals. */
static int string_parse_hex(struct string_info *s, const char *str, struct xt_parse *ps)
{
	size_t i = 0, n = strlen(str), k = 0;
	bool hex = false, literal = false;

	if (n == 0)
		return xt_parse_error(ps, "STRING must contain at least one char");
	while (i < n) {
		if (str[i] == '\\' && !hex) {
			literal = true;
		} else if (str[i] == '\\') {
			return xt_parse_error(ps, "Cannot include literals in hex data");
		} else if (str[i] == '|') {
			hex = !hex;
			if (hex)
				while (str[i + 1] == ' ')
					i++;
			if (i + 1 >= n)
				break;
			i++;
		}
		if (k >= STR_MAX_PATTERN)
			return xt_parse_error(ps, "STRING too long \"%s\"", str);
		if (literal) {
			if (i + 1 >= n)
				return xt_parse_error(ps, "Bad literal placement at end of string");
			s->pattern[k] = str[i + 1];
			i += 2;
			literal = false;
		} else if (hex) {
			if (i + 1 >= n)
				return xt_parse_error(ps, "Odd number of hex digits");
			if (i + 2 >= n)
				return xt_parse_error(ps, "Invalid hex block");
			if (string_hex_byte(ps, str + i, (uint8_t *)&s->pattern[k]))
				return -1;
			i += str[i + 2] == ' ' ? 3 : 2;
		} else {
			s->pattern[k] = str[i++];
		}
		k++;
	}
	s->patlen = (uint8_t)k;
	return 0;
}

static int string_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct string_info *s = data;
	unsigned long long v;

	switch (id) {
	case O_FROM:
	case O_TO:
		if (ext_parse_num(ps, "string", id == O_FROM ? "from" : "to", arg, 0, UINT16_MAX, &v))
			return -1;
		if (id == O_FROM)
			s->from_offset = (uint16_t)v;
		else
			s->to_offset = (uint16_t)v;
		break;
	case O_ALGO:
		if (strlen(arg) >= STR_MAX_ALGO)
			return xt_parse_error(ps, "string: argument to option \"--algo\" is too long "
					      "(%u characters allowed)", STR_MAX_ALGO - 1);
		strcpy(s->algo, arg);
		break;
	case O_STRING:
		if (strlen(arg) > STR_MAX_PATTERN)
			return xt_parse_error(ps, "STRING too long \"%s\"", arg);
		memcpy(s->pattern, arg, strlen(arg));
		s->patlen = (uint8_t)strlen(arg);
		break;
	case O_HEX_STRING:
		if (string_parse_hex(s, arg, ps))
			return -1;
		break;
	default:
		s->flags |= STR_FLAG_ICASE;
		break;
	}
	if (invert)
		s->flags |= STR_FLAG_INVERT;
	s->xflags |= EXT_F(id);
	return 0;
}

/*
 * Bad-character shifts (Horspool).  ts_bm.c also keeps a good-suffix table; it
 * only changes how far a window may jump, never which occurrence is found
 * first in a linear buffer, which is all skb_find_text() reports.
 */
static void string_bm_prepare(struct string_info *s)
{
	unsigned int n = s->patlen, i;

	for (i = 0; i < 256; i++)
		s->bm_bad[i] = (uint16_t)n;
	for (i = 0; i + 1 < n; i++)
		s->bm_bad[s->pat[i]] = (uint16_t)(n - 1 - i);
}

static void string_kmp_prepare(struct string_info *s)
{
	unsigned int k = 0, q;

	if (s->patlen == 0)
		return;
	s->kmp_prefix[0] = 0;
	for (q = 1; q < s->patlen; q++) {
		while (k > 0 && s->pat[k] != s->pat[q])
			k = s->kmp_prefix[k - 1];
		if (s->pat[k] == s->pat[q])
			k++;
		s->kmp_prefix[q] = (uint16_t)k;
	}
}

static int string_final_check(void *data, struct xt_parse *ps)
{
	struct string_info *s = data;
	uint32_t xflags = s->xflags;
	unsigned int i;

	s->xflags = 0;
	if (!(xflags & (EXT_F(O_STRING) | EXT_F(O_HEX_STRING))))
		return xt_parse_error(ps, "STRING match: You must specify `--string' or "
				      "`--hex-string'");
	if (ext_fcheck(ps, "string", string_opts, string_fc, xflags))
		return -1;
	for (i = 0; i < s->patlen; i++)
		s->pat[i] = s->flags & STR_FLAG_ICASE ? (uint8_t)toupper((unsigned char)s->pattern[i])
						      : (uint8_t)s->pattern[i];
	string_bm_prepare(s);
	string_kmp_prepare(s);
	return 0;
}

/* string_mt_check(): what textsearch_prepare() and the kernel refuse. */
static int string_check(const void *data, struct xt_parse *ps)
{
	const struct string_info *s = data;

	if (s->from_offset > s->to_offset)
		return -EINVAL;
	if (s->patlen == 0 || s->patlen > STR_MAX_PATTERN)
		return -EINVAL;
	if (strcmp(s->algo, "bm") != 0 && strcmp(s->algo, "kmp") != 0)
		return -ENOENT;
	return 0;
}

/* is_hex_string(): anything unprintable is shown as |hex|. */
static bool string_is_hex(const struct string_info *s)
{
	unsigned int i;

	for (i = 0; i < s->patlen; i++)
		if (!isprint((unsigned char)s->pattern[i]))
			return true;
	return false;
}

static void string_pattern(const struct string_info *s, bool hex, struct strbuf *out)
{
	unsigned int i;

	sb_add(out, " \"");
	if (hex)
		sb_addc(out, '|');
	for (i = 0; i < s->patlen; i++) {
		if (hex) {
			sb_addf(out, "%02x", (unsigned char)s->pattern[i]);
			continue;
		}
		if (s->pattern[i] == '"' || s->pattern[i] == '\\')
			sb_addc(out, '\\');
		sb_addc(out, s->pattern[i]);
	}
	if (hex)
		sb_addc(out, '|');
	sb_addc(out, '"');
}

static void string_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct string_info *s = data;
	bool hex = string_is_hex(s);

	sb_addf(out, "%s --%s", s->flags & STR_FLAG_INVERT ? " !" : "",
		hex ? "hex-string" : "string");
	string_pattern(s, hex, out);
	sb_addf(out, " --algo %s", s->algo);
	if (s->from_offset != 0)
		sb_addf(out, " --from %u", s->from_offset);
	if (s->to_offset != UINT16_MAX)
		sb_addf(out, " --to %u", s->to_offset);
	if (s->flags & STR_FLAG_ICASE)
		sb_add(out, " --icase");
}

static void string_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct string_info *s = data;

	sb_addf(out, " STRING match %s", s->flags & STR_FLAG_INVERT ? "!" : "");
	string_pattern(s, string_is_hex(s), out);
	sb_addf(out, " ALGO name %s", s->algo);
	if (s->from_offset != 0)
		sb_addf(out, " FROM %u", s->from_offset);
	if (s->to_offset != UINT16_MAX)
		sb_addf(out, " TO %u", s->to_offset);
	if (s->flags & STR_FLAG_ICASE)
		sb_add(out, " ICASE");
}

static uint8_t string_fold(const struct string_info *s, uint8_t c)
{
	return s->flags & STR_FLAG_ICASE ? (uint8_t)toupper(c) : c;
}

/* bm_find(): compare right to left, then shift the window by the bad-character table. */
static long string_bm_find(const struct string_info *s, const uint8_t *text, size_t len)
{
	size_t n = s->patlen, pos = 0, i;

	while (pos + n <= len) {
		for (i = n; i > 0; i--)
			if (string_fold(s, text[pos + i - 1]) != s->pat[i - 1])
				break;
		if (i == 0)
			return (long)pos;
		pos += s->bm_bad[string_fold(s, text[pos + n - 1])];
	}
	return -1;
}

/* kmp_find(). */
static long string_kmp_find(const struct string_info *s, const uint8_t *text, size_t len)
{
	size_t i;
	unsigned int q = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = string_fold(s, text[i]);

		while (q > 0 && s->pat[q] != c)
			q = s->kmp_prefix[q - 1];
		if (s->pat[q] == c)
			q++;
		if (q == s->patlen)
			return (long)(i + 1 - s->patlen);
	}
	return -1;
}

/* skb_find_text(skb, from, to): search [from, len), the hit must end by to. */
static bool string_find(const void *data, const uint8_t *buf, size_t len)
{
	const struct string_info *s = data;
	long pos;

	if (s->from_offset >= len || s->patlen == 0)
		return false;
	buf += s->from_offset;
	len -= s->from_offset;
	pos = s->algo[0] == 'k' ? string_kmp_find(s, buf, len) : string_bm_find(s, buf, len);
	return pos >= 0 && (size_t)pos + s->patlen <= (size_t)(s->to_offset - s->from_offset);
}

static bool string_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct string_info *s = data;
	bool found = string_find(s, pkt_network(pkt), pkt_end(pkt) - pkt->net_off);

	return found ^ !!(s->flags & STR_FLAG_INVERT);
}

const struct xt_match_ops xt_match_string = {
	.name = "string",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct string_info),
	.opts = string_opts,
	.init = string_init,
	.parse = string_parse,
	.final_check = string_final_check,
	.check = string_check,
	.save = string_save,
	.print = string_print,
	.match = string_match,
};
