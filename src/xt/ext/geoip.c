/*
 * geoip: the source or destination address's country (xtables-addons 3.x:
 * libxt_geoip.c revision 2 and xt_geoip.c).  As there, the country files are read
 * when the rule is parsed (the iptables side of the extension: this is the one
 * place an extension reads a file, never on the packet path): DIR/CC.iv4 holds
 * 8-byte records {begin, end} of big-endian IPv4 addresses, DIR/CC.iv6 32-byte
 * records of two IPv6 addresses, sorted; a match is a binary search per country.
 * DIR is the instance's geoip_dir (xt_geoip_dir_set()), /usr/share/xt_geoip by
 * default.  Loaded countries are shared like the kernel's geoip_country_kernel
 * nodes (find_node(): the first load of a country stays in use), keyed by
 * directory, family and code, as named objects of the instance (xt_extstate.c),
 * pinned: they stay until the instance is destroyed (the kernel frees a node with
 * its last rule; a rule holds pointers to its nodes, which may outlive a change of
 * geoip_dir, so they are never collected early).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/net.h"
#include "xt/ext/ext_addons.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"
#include "xt/xt_extstate.h"

#define GEOIP_SRC 0x01
#define GEOIP_DST 0x02
#define GEOIP_INV 0x04
#define GEOIP_MAX 15                    /* XT_GEOIP_MAX */
#define GEOIP_FILE_MAX (256u << 20)     /* refuse absurd files rather than exhaust memory */

enum { O_DST = 0, O_SRC };

/* struct xt_geoip_match_info: the shared country pointers stand in for mem[]. */
struct geoip_info {
	uint8_t flags;
	uint8_t count;
	uint16_t cc[GEOIP_MAX];
	const struct xt_geoip_country *mem[GEOIP_MAX];
};

static const struct xt_opt geoip_opts[] = {
	{ .name = "dst-cc", .id = O_DST, .arg = XT_ARG_REQUIRED, .invertible = true,
	  .multi = true },
	{ .name = "destination-country", .id = O_DST, .arg = XT_ARG_REQUIRED, .invertible = true,
	  .multi = true },
	{ .name = "src-cc", .id = O_SRC, .arg = XT_ARG_REQUIRED, .invertible = true,
	  .multi = true },
	{ .name = "source-country", .id = O_SRC, .arg = XT_ARG_REQUIRED, .invertible = true,
	  .multi = true },
	{ 0 },
};

static void geoip_country_fini(void *obj)
{
	free(((struct xt_geoip_country *)obj)->ranges);
}

int xt_geoip_dir_set(struct usnf_net *net, const char *dir)
{
	if (!dir)
		dir = "";
	if (strlen(dir) >= sizeof(net->geoip_dir))
		return -ENAMETOOLONG;
	strcpy(net->geoip_dir, dir);
	return 0;
}

static uint32_t geoip_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int xt_geoip_decode(const uint8_t *buf, size_t len, bool v6, struct xt_geoip_range **out,
		    uint32_t *count)
{
	size_t rec = v6 ? 32 : 8, n, i, w, words = v6 ? 4 : 1;
	struct xt_geoip_range *r;

	*out = NULL;
	*count = 0;
	if (len % rec != 0)
		return -EINVAL;
	n = len / rec;
	if (n == 0)
		return 0;
	if (n > UINT32_MAX)
		return -E2BIG;
	r = calloc(n, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < n; i++, buf += rec) {
		for (w = 0; w < words; w++) {
			r[i].begin[w] = geoip_be32(buf + 4 * w);
			r[i].end[w] = geoip_be32(buf + 4 * (words + w));
		}
	}
	*out = r;
	*count = (uint32_t)n;
	return 0;
}

static int geoip_cmp(const uint32_t *a, const uint32_t *b, bool v6)
{
	unsigned int i, n = v6 ? 4 : 1;

	for (i = 0; i < n; i++) {
		if (a[i] < b[i])
			return -1;
		if (a[i] > b[i])
			return 1;
	}
	return 0;
}

/* geoip_bsearch4/6(): the same halving, so unsorted files give the same answers. */
bool xt_geoip_lookup(const struct xt_geoip_range *r, uint32_t count, bool v6,
		     const uint32_t addr[4])
{
	uint32_t lo = 0, hi = count, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (geoip_cmp(r[mid].begin, addr, v6) <= 0 && geoip_cmp(addr, r[mid].end, v6) <= 0)
			return true;
		if (geoip_cmp(r[mid].begin, addr, v6) > 0)
			hi = mid;
		else if (geoip_cmp(r[mid].end, addr, v6) < 0)
			lo = mid + 1;
		else
			return false;   /* begin > end: the kernel WARNs and gives up */
	}
	return false;
}

/* geoip_get_subnets(): read and decode DIR/CC.iv4|iv6. */
static int geoip_read(struct xt_parse *ps, const char *path, bool v6,
		      struct xt_geoip_range **out, uint32_t *count)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;
	int err;

	if (!f)
		return xt_parse_error(ps, "Could not read geoip database");
	for (;;) {
		if (len == cap) {
			uint8_t *nb;

			if (cap >= GEOIP_FILE_MAX)
				break;
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return xt_parse_error(ps, "geoip: insufficient memory");
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		if (got == 0)
			break;
		len += got;
	}
	err = ferror(f) || len >= GEOIP_FILE_MAX ? -EIO : 0;
	fclose(f);
	if (!err)
		err = xt_geoip_decode(buf, len, v6, out, count);
	free(buf);
	if (err == -ENOMEM)
		return xt_parse_error(ps, "geoip: insufficient memory");
	if (err)
		return xt_parse_error(ps, "Database file %s seems to be corrupted", path);
	return 0;
}

/* geoip_load_cc() and the kernel's find_node()/geoip_add_node(). */
static const struct xt_geoip_country *geoip_load(struct xt_parse *ps, const char *code,
						 uint16_t cc)
{
	bool v6 = ps->family == XT_FAMILY_V6;
	const char *dir = ps->net && ps->net->geoip_dir[0] ? ps->net->geoip_dir
							  : XT_GEOIP_DIR_DEFAULT;
	struct xt_geoip_country *c;
	struct xt_geoip_range *r;
	char path[300];
	uint32_t count;
	bool created;

	/* The file is read for every rule (libxt_geoip does it in user space), so a
	 * missing or broken file refuses the rule even when the country is loaded. */
	snprintf(path, sizeof(path), "%s/%s.%s", dir, code, v6 ? "iv6" : "iv4");
	if (geoip_read(ps, path, v6, &r, &count))
		return NULL;
	c = xt_extstate_get(ps->net, "geoip", path, sizeof(*c), geoip_country_fini, &created);
	if (!c || (created && xt_extstate_pin(ps->net, "geoip", path))) {
		free(r);
		xt_parse_error(ps, "geoip: insufficient memory available");
		return NULL;
	}
	if (!created) {
		free(r);
		return c;
	}
	c->cc = cc;
	c->v6 = v6;
	c->count = count;
	c->ranges = r;
	return c;
}

/* check_geoip_cc(): two letters or digits, upper-cased; 0 if already listed. */
static int geoip_cc(struct xt_parse *ps, char *code, const struct geoip_info *g, uint16_t *cc)
{
	unsigned int i;

	if (strlen(code) != 2)
		return xt_parse_error(ps, "geoip: invalid country code '%s'", code);
	for (i = 0; i < 2; i++) {
		if (!isalnum((unsigned char)code[i]))
			return xt_parse_error(ps, "geoip: invalid country code '%s'", code);
		code[i] = (char)toupper((unsigned char)code[i]);
	}
	*cc = (uint16_t)((uint8_t)code[0] << 8 | (uint8_t)code[1]);
	for (i = 0; i < g->count; i++)
		if (g->cc[i] == *cc)
			*cc = 0;
	return 0;
}

/* parse_geoip_cc(): up to 15 comma-separated codes, duplicates skipped. */
static int geoip_parse_list(struct geoip_info *g, const char *arg, struct xt_parse *ps)
{
	char buf[256], *cp, *next;
	unsigned int i;
	uint16_t cc = 0;

	if (strlen(arg) >= sizeof(buf))
		return xt_parse_error(ps, "geoip: too many countries specified");
	strcpy(buf, arg);
	for (cp = buf, i = 0; cp && i < GEOIP_MAX; cp = next, i++) {
		next = strchr(cp, ',');
		if (next)
			*next++ = '\0';
		if (geoip_cc(ps, cp, g, &cc))
			return -1;
		if (cc == 0)
			continue;
		g->mem[g->count] = geoip_load(ps, cp, cc);
		if (!g->mem[g->count])
			return -1;
		g->cc[g->count++] = cc;
	}
	if (cp)
		return xt_parse_error(ps, "geoip: too many countries specified");
	return 0;
}

static int geoip_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct geoip_info *g = data;

	if (g->flags & (GEOIP_SRC | GEOIP_DST))
		return xt_parse_error(ps, "geoip: Only exactly one of --source-country "
				      "or --destination-country must be specified!");
	g->flags |= id == O_SRC ? GEOIP_SRC : GEOIP_DST;
	if (invert)
		g->flags |= GEOIP_INV;
	return geoip_parse_list(g, arg, ps);
}

static int geoip_final_check(void *data, struct xt_parse *ps)
{
	const struct geoip_info *g = data;

	if (!g->flags)
		return xt_parse_error(ps, "geoip: missing arguments");
	return 0;
}

/* geoip_save(): note the space after the list, which iptables-save keeps. */
static void geoip_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct geoip_info *g = data;
	unsigned int i;

	(void)r;
	if (g->flags & GEOIP_INV)
		sb_add(out, " !");
	sb_add(out, g->flags & GEOIP_SRC ? " --source-country " : " --destination-country ");
	for (i = 0; i < g->count; i++)
		sb_addf(out, "%s%c%c", i ? "," : "", g->cc[i] >> 8, g->cc[i] & 0xff);
	sb_add(out, " ");
}

/* geoip_print(): " -m geoip" and the save form. */
static void geoip_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	(void)flags;
	sb_add(out, " -m geoip");
	geoip_save(data, r, out);
}

/* xt_geoip_mt4/mt6(): the first country holding the address decides. */
static bool geoip_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct geoip_info *g = data;
	bool v6 = xt_is_v6(par), src = g->flags & GEOIP_SRC;
	uint32_t addr[4] = { 0 };
	const uint8_t *h;
	unsigned int i;

	if (v6) {
		h = pkt_header(pkt, pkt->net_off + (src ? 8 : 24), 16);
		if (!h)
			return false;
		for (i = 0; i < 4; i++)
			addr[i] = geoip_be32(h + 4 * i);
	} else {
		h = pkt_header(pkt, pkt->net_off + (src ? 12 : 16), 4);
		if (!h)
			return false;
		addr[0] = geoip_be32(h);
	}
	for (i = 0; i < g->count; i++) {
		const struct xt_geoip_country *c = g->mem[i];

		if (c && xt_geoip_lookup(c->ranges, c->count, v6, addr))
			return !(g->flags & GEOIP_INV);
	}
	return g->flags & GEOIP_INV;
}

const struct xt_match_ops xt_match_geoip = {
	.name = "geoip",
	.revision = 2,
	.family = XT_EXT_ANY,
	.size = sizeof(struct geoip_info),
	.opts = geoip_opts,
	.parse = geoip_parse,
	.final_check = geoip_final_check,
	.save = geoip_save,
	.print = geoip_print,
	.match = geoip_match,
};
