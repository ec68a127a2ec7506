/* frag: fields of the IPv6 fragment header (ip6t_frag.c, libip6t_frag.c). */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define FRAG_IDS 0x01
#define FRAG_LEN 0x02
#define FRAG_RES 0x04
#define FRAG_FST 0x08
#define FRAG_MF 0x10
#define FRAG_NMF 0x20
#define FRAG_INV_IDS 0x01
#define FRAG_INV_LEN 0x02

enum { O_FRAGID = 0, O_FRAGLEN, O_FRAGRES, O_FRAGFIRST, O_FRAGMORE, O_FRAGLAST };

/* struct ip6t_frag. */
struct frag_info {
	uint32_t xflags;
	uint32_t ids[2];
	uint32_t hdrlen;
	uint8_t flags, invflags;
};

static const struct xt_opt frag_opts[] = {
	{ .name = "fragid", .id = O_FRAGID, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "fraglen", .id = O_FRAGLEN, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "fragres", .id = O_FRAGRES, .arg = XT_ARG_NONE },
	{ .name = "fragfirst", .id = O_FRAGFIRST, .arg = XT_ARG_NONE },
	{ .name = "fragmore", .id = O_FRAGMORE, .arg = XT_ARG_NONE },
	{ .name = "fraglast", .id = O_FRAGLAST, .arg = XT_ARG_NONE },
	{ 0 },
};

static const struct ext_fc frag_fc[] = {
	{ .id = O_FRAGMORE, .excl = EXT_F(O_FRAGLAST) },
	{ .id = O_FRAGLAST, .excl = EXT_F(O_FRAGMORE) },
	{ .id = EXT_FC_END },
};

static void frag_init(void *data)
{
	((struct frag_info *)data)->ids[1] = 0xffffffffu;
}

static int frag_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	static const uint8_t bits[] = { FRAG_IDS, FRAG_LEN, FRAG_RES, FRAG_FST, FRAG_MF, FRAG_NMF };
	struct frag_info *f = data;
	unsigned long long v;

	if (id == O_FRAGID) {
		if (ext_parse_range(ps, "frag", "fragid", arg, 0xffffffffu, &f->ids[0], &f->ids[1]))
			return -1;
		if (invert)
			f->invflags |= FRAG_INV_IDS;
	} else if (id == O_FRAGLEN) {
		if (ext_parse_num(ps, "frag", "fraglen", arg, 0, 0xffffffffu, &v))
			return -1;
		f->hdrlen = (uint32_t)v;
		if (invert)
			f->invflags |= FRAG_INV_LEN;
	}
	f->flags |= bits[id];
	f->xflags |= EXT_F(id);
	return 0;
}

static int frag_final_check(void *data, struct xt_parse *ps)
{
	struct frag_info *f = data;
	uint32_t xflags = f->xflags;

	f->xflags = 0;
	return ext_fcheck(ps, "frag", frag_opts, frag_fc, xflags);
}

static const char *const frag_words[][2] = {
	{ " --fragres", " reserved" }, { " --fragfirst", " first" },
	{ " --fragmore", " more" }, { " --fraglast", " last" },
};

static void frag_flags(const struct frag_info *f, int col, struct strbuf *out)
{
	static const uint8_t bits[] = { FRAG_RES, FRAG_FST, FRAG_MF, FRAG_NMF };
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (f->flags & bits[i])
			sb_add(out, frag_words[i][col]);
}

static void frag_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct frag_info *f = data;

	if (!(f->ids[0] == 0 && f->ids[1] == 0xffffffffu)) {
		sb_addf(out, "%s --fragid %u", f->invflags & FRAG_INV_IDS ? " !" : "", f->ids[0]);
		if (f->ids[0] != f->ids[1])
			sb_addf(out, ":%u", f->ids[1]);
	}
	if (f->flags & FRAG_LEN)
		sb_addf(out, "%s --fraglen %u", f->invflags & FRAG_INV_LEN ? " !" : "", f->hdrlen);
	frag_flags(f, 0, out);
}

static void frag_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	const struct frag_info *f = data;
	const char *inv = f->invflags & FRAG_INV_IDS ? "!" : "";

	sb_add(out, " frag ");
	if (f->ids[0] != 0 || f->ids[1] != 0xffffffffu || *inv) {
		if (f->ids[0] == f->ids[1])
			sb_addf(out, "id:%s%u", inv, f->ids[0]);
		else
			sb_addf(out, "ids:%s%u:%u", inv, f->ids[0], f->ids[1]);
	}
	if (f->flags & FRAG_LEN)
		sb_addf(out, " length:%s%u", f->invflags & FRAG_INV_LEN ? "!" : "", f->hdrlen);
	frag_flags(f, 1, out);
}

/* frag_mt6(); the kernel never looks at --fraglen. */
static bool frag_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct frag_info *f = data;
	const uint8_t *fh;
	uint32_t off, id;
	uint16_t fo;
	int err = ext_ipv6_find_hdr(pkt, 44, &off);

	if (err < 0) {
		if (err != -ENOENT)
			par->hotdrop = true;
		return false;
	}
	fh = pkt_header(pkt, off, 8);
	if (!fh) {
		par->hotdrop = true;
		return false;
	}
	fo = (uint16_t)(fh[2] << 8 | fh[3]);
	id = (uint32_t)fh[4] << 24 | (uint32_t)fh[5] << 16 | (uint32_t)fh[6] << 8 | fh[7];
	return ((id >= f->ids[0] && id <= f->ids[1]) ^ !!(f->invflags & FRAG_INV_IDS)) &&
	       !((f->flags & FRAG_RES) && (fh[1] || (fo & 0x6))) &&
	       !((f->flags & FRAG_FST) && (fo & ~0x7)) &&
	       !((f->flags & FRAG_MF) && !(fo & 1)) &&
	       !((f->flags & FRAG_NMF) && (fo & 1));
}

const struct xt_match_ops xt_match_frag = {
	.name = "frag",
	.family = XT_EXT_V6,
	.size = sizeof(struct frag_info),
	.opts = frag_opts,
	.init = frag_init,
	.parse = frag_parse,
	.final_check = frag_final_check,
	.save = frag_save,
	.print = frag_print,
	.match = frag_match,
};
