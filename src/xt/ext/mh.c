/* mh: the type of an IPv6 Mobility Header (ip6t_mh.c, libip6t_mh.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define MH_INV_TYPE 0x01

/* struct ip6t_mh */
struct mh_info {
	uint8_t types[2];
	uint8_t invflags;
};

static const struct xt_opt mh_opts[] = {
	{ .name = "mh-type", .id = 0, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

/* mh_names[] of libip6t_mh: long and short names; printing takes the first. */
static const struct { const char *name; uint8_t type; } mh_names[] = {
	{ "binding-refresh-request", 0 }, { "brr", 0 }, { "home-test-init", 1 }, { "hoti", 1 },
	{ "careof-test-init", 2 }, { "coti", 2 }, { "home-test", 3 }, { "hot", 3 },
	{ "careof-test", 4 }, { "cot", 4 }, { "binding-update", 5 }, { "bu", 5 },
	{ "binding-acknowledgement", 6 }, { "ba", 6 }, { "binding-error", 7 }, { "be", 7 },
};
#define MH_NNAMES (sizeof(mh_names) / sizeof(mh_names[0]))

static void mh_init(void *data)
{
	((struct mh_info *)data)->types[1] = 0xff;
}

/* name_to_type(): the first name s is a prefix of (any case; an exact one wins),
 * else a number 0-255 ("" is the first name). */
static int mh_type(struct xt_parse *ps, const char *s, uint8_t *out)
{
	unsigned long long v;
	size_t i, n = strlen(s), match = MH_NNAMES;
	char *end;

	for (i = 0; i < MH_NNAMES; i++)
		if (strncasecmp(mh_names[i].name, s, n) == 0 &&
		    (match == MH_NNAMES || strlen(mh_names[i].name) == n))
			match = i;
	if (match < MH_NNAMES) {
		*out = mh_names[match].type;
		return 0;
	}
	if (ext_xstrtoul(s, &end, 0, 255, &v) && !*end) {
		*out = (uint8_t)v;
		return 0;
	}
	return xt_parse_error(ps, "Invalid MH type `%s'", s);
}

/* parse_mh_types(): "t", "a:b", ":b", "a:". */
static int mh_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct mh_info *m = data;
	char buf[128], *colon;

	snprintf(buf, sizeof(buf), "%s", arg);
	colon = strchr(buf, ':');
	if (!colon) {
		if (mh_type(ps, buf, &m->types[0]))
			return -1;
		m->types[1] = m->types[0];
	} else {
		*colon = '\0';
		m->types[0] = 0;
		m->types[1] = 0xff;
		if (buf[0] && mh_type(ps, buf, &m->types[0]))
			return -1;
		if (colon[1] && mh_type(ps, colon + 1, &m->types[1]))
			return -1;
		if (m->types[0] > m->types[1])
			return xt_parse_error(ps, "Invalid MH type range (min > max)");
	}
	if (invert)
		m->invflags |= MH_INV_TYPE;
	return 0;
}

static int mh_check(const void *data, struct xt_parse *ps)
{
	return (((const struct mh_info *)data)->invflags & ~MH_INV_TYPE) ? -EINVAL : 0;
}

static bool mh_all(const struct mh_info *m)
{
	return m->types[0] == 0 && m->types[1] == 0xff && !(m->invflags & MH_INV_TYPE);
}

static void mh_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct mh_info *m = data;

	/* mh_save() of libip6t_mh.c tests the range only: "! --mh-type :" saves as
	 * "-m mh" though the kernel still matches no type (-L shows the "!"). */
	if (m->types[0] == 0 && m->types[1] == 0xff)
		return;
	if (m->invflags & MH_INV_TYPE)
		sb_add(out, " !");
	if (m->types[0] == m->types[1])
		sb_addf(out, " --mh-type %u", m->types[0]);
	else
		sb_addf(out, " --mh-type %u:%u", m->types[0], m->types[1]);
}

static void mh_type_out(uint8_t t, bool numeric, struct strbuf *out)
{
	size_t i;

	for (i = 0; !numeric && i < MH_NNAMES; i++)
		if (mh_names[i].type == t) {
			sb_add(out, mh_names[i].name);
			return;
		}
	sb_addf(out, "%u", t);
}

static void mh_print(const void *data, const struct xt_rule *r, unsigned int flags,
		     struct strbuf *out)
{
	const struct mh_info *m = data;
	bool numeric = flags & XT_PRINT_NUMERIC;

	sb_add(out, " mh");
	if (mh_all(m))
		return;
	sb_add(out, (m->invflags & MH_INV_TYPE) ? " !" : " ");
	mh_type_out(m->types[0], numeric, out);
	if (m->types[0] != m->types[1]) {
		sb_add(out, ":");
		mh_type_out(m->types[1], numeric, out);
	}
}

/* mh_mt6(): a header whose payload protocol is not IPPROTO_NONE is dropped. */
static bool mh_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct mh_info *m = data;
	const uint8_t *mh;
	bool in;

	if (par->fragoff != 0)
		return false;
	mh = pkt_header(pkt, par->thoff, 6);
	if (!mh || mh[0] != 59) {
		par->hotdrop = true;
		return false;
	}
	in = mh[2] >= m->types[0] && mh[2] <= m->types[1];
	return in ^ !!(m->invflags & MH_INV_TYPE);
}

const struct xt_match_ops xt_match_mh = {
	.name = "mh",
	.family = XT_EXT_V6,
	.size = sizeof(struct mh_info),
	.opts = mh_opts,
	.proto = 135,
	.init = mh_init,
	.parse = mh_parse,
	.check = mh_check,
	.save = mh_save,
	.print = mh_print,
	.match = mh_match,
};
