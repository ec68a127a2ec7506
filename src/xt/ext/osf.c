/*
 * osf: passive OS fingerprinting of TCP SYNs (xt_osf.c / nfnetlink_osf.c,
 * libxt_osf.c).  Fingerprints are loaded into the kernel with nfnl_osf; usnf has
 * no way to load any, and nf_osf_match() with an empty list matches nothing.
 */
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define OSF_GENRE 0x01          /* NF_OSF_* of nfnetlink_osf.h */
#define OSF_TTL 0x02
#define OSF_LOG 0x04
#define OSF_INVERT 0x08
#define OSF_GENRE_LEN 32

enum { O_GENRE = 0, O_TTL, O_LOGLEVEL };

/* struct nf_osf_info */
struct osf_info {
	char genre[OSF_GENRE_LEN];
	uint32_t len;
	uint32_t flags;
	uint32_t loglevel;
	uint32_t ttl;
};

static const struct xt_opt osf_opts[] = {
	{ .name = "genre", .id = O_GENRE, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "ttl", .id = O_TTL, .arg = XT_ARG_REQUIRED },
	{ .name = "log", .id = O_LOGLEVEL, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc osf_fc[] = {
	{ .id = O_GENRE, .mand = true },
	{ .id = EXT_FC_END },
};

static int osf_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct osf_info *o = data;
	unsigned long long v;

	switch (id) {
	case O_GENRE:
		/* xtopt_parse_string(): a longer genre is cut, not refused */
		memset(o->genre, 0, sizeof(o->genre));
		strncpy(o->genre, arg, OSF_GENRE_LEN - 1);
		o->len = (uint32_t)strlen(o->genre);
		o->flags |= OSF_GENRE;
		if (invert)
			o->flags |= OSF_INVERT;
		break;
	case O_TTL:
		if (ext_parse_num(ps, "osf", "ttl", arg, 0, 2, &v))
			return -1;
		o->ttl = (uint32_t)v;
		o->flags |= OSF_TTL;
		break;
	default:
		if (ext_parse_num(ps, "osf", "log", arg, 0, 2, &v))
			return -1;
		o->loglevel = (uint32_t)v;
		o->flags |= OSF_LOG;
		break;
	}
	return 0;
}

static int osf_final_check(void *data, struct xt_parse *ps)
{
	const struct osf_info *o = data;

	return ext_fcheck(ps, "osf", osf_opts, osf_fc, (o->flags & OSF_GENRE) ? 1u : 0u);
}

static void osf_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct osf_info *o = data;

	sb_addf(out, " %s--genre %s", (o->flags & OSF_INVERT) ? "! " : "", o->genre);
	if (o->flags & OSF_TTL)
		sb_addf(out, " --ttl %u", o->ttl);
	if (o->flags & OSF_LOG)
		sb_addf(out, " --log %u", o->loglevel);
}

static void osf_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct osf_info *o = data;

	sb_addf(out, " OS fingerprint match %s%s", (o->flags & OSF_INVERT) ? "! " : "", o->genre);
}

static bool osf_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	return false;
}

const struct xt_match_ops xt_match_osf = {
	.name = "osf",
	.family = XT_EXT_V4,
	.size = sizeof(struct osf_info),
	.opts = osf_opts,
	.proto = 6,
	.hooks = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_IN) |
		 (1u << USNF_INET_FORWARD),
	.parse = osf_parse,
	.final_check = osf_final_check,
	.save = osf_save,
	.print = osf_print,
	.match = osf_match,
};
