/* srh: fields of an IPv6 Segment Routing Header (ip6t_srh.c revision 1, libip6t_srh.c). */
#include <stdio.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

/* IP6T_SRH_* flags (and, with the same values, IP6T_SRH_INV_*). */
enum {
	SRH_NEXTHDR = 0x0001, SRH_LEN_EQ = 0x0002, SRH_LEN_GT = 0x0004, SRH_LEN_LT = 0x0008,
	SRH_SEGS_EQ = 0x0010, SRH_SEGS_GT = 0x0020, SRH_SEGS_LT = 0x0040, SRH_LAST_EQ = 0x0080,
	SRH_LAST_GT = 0x0100, SRH_LAST_LT = 0x0200, SRH_TAG = 0x0400, SRH_PSID = 0x0800,
	SRH_NSID = 0x1000, SRH_LSID = 0x2000, SRH_MASK = 0x3fff,
};

enum { O_NEXTHDR = 0, O_LEN_EQ, O_LEN_GT, O_LEN_LT, O_SEGS_EQ, O_SEGS_GT, O_SEGS_LT, O_LAST_EQ,
       O_LAST_GT, O_LAST_LT, O_TAG, O_PSID, O_NSID, O_LSID };

/* struct ip6t_srh1 */
struct srh_info {
	uint8_t next_hdr, hdr_len, segs_left, last_entry;
	uint16_t tag;
	uint8_t psid_addr[16], nsid_addr[16], lsid_addr[16];
	uint8_t psid_msk[16], nsid_msk[16], lsid_msk[16];
	uint16_t mt_flags, mt_invflags;
};

#define SRH_OPT(n, i) { .name = n, .id = i, .arg = XT_ARG_REQUIRED, .invertible = true }
static const struct xt_opt srh_opts[] = {
	SRH_OPT("srh-next-hdr", O_NEXTHDR), SRH_OPT("srh-hdr-len-eq", O_LEN_EQ),
	SRH_OPT("srh-hdr-len-gt", O_LEN_GT), SRH_OPT("srh-hdr-len-lt", O_LEN_LT),
	SRH_OPT("srh-segs-left-eq", O_SEGS_EQ), SRH_OPT("srh-segs-left-gt", O_SEGS_GT),
	SRH_OPT("srh-segs-left-lt", O_SEGS_LT), SRH_OPT("srh-last-entry-eq", O_LAST_EQ),
	SRH_OPT("srh-last-entry-gt", O_LAST_GT), SRH_OPT("srh-last-entry-lt", O_LAST_LT),
	SRH_OPT("srh-tag", O_TAG), SRH_OPT("srh-psid", O_PSID), SRH_OPT("srh-nsid", O_NSID),
	SRH_OPT("srh-lsid", O_LSID),
	{ 0 },
};

/* The byte field and printed name of each 8-bit option. */
static uint8_t *srh_field(struct srh_info *s, int id)
{
	if (id == O_NEXTHDR)
		return &s->next_hdr;
	if (id <= O_LEN_LT)
		return &s->hdr_len;
	if (id <= O_SEGS_LT)
		return &s->segs_left;
	return &s->last_entry;
}

/* XTTYPE_HOSTMASK for IPv6: "addr[/len]". */
static int srh_parse_sid(struct xt_parse *ps, const char *opt, const char *arg, uint8_t *addr,
			 uint8_t *msk)
{
	union xt_addr a, m;

	if (ext_parse_hostmask(ps, "srh", opt, arg, &a, &m, NULL))
		return -1;
	memcpy(addr, a.a6, 16);
	memcpy(msk, m.a6, 16);
	return 0;
}

static int srh_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct srh_info *s = data;
	const char *opt = srh_opts[id].name;
	unsigned long long v;
	uint16_t bit = (uint16_t)(1u << id);

	if (id == O_TAG) {
		if (ext_parse_num(ps, "srh", opt, arg, 0, 0xffff, &v))
			return -1;
		s->tag = (uint16_t)v;
	} else if (id == O_PSID) {
		if (srh_parse_sid(ps, opt, arg, s->psid_addr, s->psid_msk))
			return -1;
	} else if (id == O_NSID) {
		if (srh_parse_sid(ps, opt, arg, s->nsid_addr, s->nsid_msk))
			return -1;
	} else if (id == O_LSID) {
		if (srh_parse_sid(ps, opt, arg, s->lsid_addr, s->lsid_msk))
			return -1;
	} else {
		if (ext_parse_num(ps, "srh", opt, arg, 0, 255, &v))
			return -1;
		*srh_field(s, id) = (uint8_t)v;
	}
	s->mt_flags |= bit;
	if (invert)
		s->mt_invflags |= bit;
	return 0;
}

static int srh_check(const void *data, struct xt_parse *ps)
{
	const struct srh_info *s = data;

	if ((s->mt_flags & ~SRH_MASK) || (s->mt_invflags & ~SRH_MASK))
		return -EINVAL;
	return 0;
}

static unsigned int srh_cidr(const uint8_t *m)
{
	unsigned int n = 0;

	while (n < 128 && (m[n / 8] & (0x80 >> (n % 8))))
		n++;
	return n;
}

/* save (save true) or -L form of every option given, in table order. */
static void srh_out(const struct srh_info *s, bool save, struct strbuf *out)
{
	static const char *const sid[] = { "psid", "nsid", "lsid" };
	const uint8_t *addr[] = { s->psid_addr, s->nsid_addr, s->lsid_addr };
	const uint8_t *msk[] = { s->psid_msk, s->nsid_msk, s->lsid_msk };
	struct srh_info tmp = *s;
	union xt_addr a;
	char buf[64];
	int id;

	for (id = O_NEXTHDR; id <= O_LSID; id++) {
		uint16_t bit = (uint16_t)(1u << id);
		bool inv = s->mt_invflags & bit;
		unsigned int val;

		if (!(s->mt_flags & bit))
			continue;
		if (id >= O_PSID) {
			memcpy(a.a6, addr[id - O_PSID], 16);
			ext_addr_str(XT_FAMILY_V6, &a, buf);
			if (save)
				sb_addf(out, "%s --srh-%s %s/%u", inv ? " !" : "", sid[id - O_PSID], buf,
					srh_cidr(msk[id - O_PSID]));
			else
				sb_addf(out, " %s %s %s/%u", sid[id - O_PSID], inv ? "!" : "", buf,
					srh_cidr(msk[id - O_PSID]));
			continue;
		}
		val = id == O_TAG ? s->tag : *srh_field(&tmp, id);
		if (save)
			sb_addf(out, "%s --%s %u", inv ? " !" : "", srh_opts[id].name, val);
		else
			sb_addf(out, " %s:%s%u", srh_opts[id].name + 4, inv ? "!" : "", val);
	}
}

static void srh_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	srh_out(data, true, out);
}

static void srh_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	sb_add(out, " srh");
	srh_out(data, false, out);
}

/* One comparison of srh1_mt6(): cond is "the field is as asked". */
static bool srh_ok(const struct srh_info *s, uint16_t bit, bool cond)
{
	return !(s->mt_flags & bit) || (cond ^ !!(s->mt_invflags & bit));
}

static bool srh_sid_ok(const struct pkt *pkt, uint32_t off, const uint8_t *addr,
		       const uint8_t *msk, bool inv)
{
	const uint8_t *sid = pkt_header(pkt, off, 16);
	unsigned int i;
	bool differ = false;

	if (!sid)
		return false;
	for (i = 0; i < 16; i++)
		if ((sid[i] ^ addr[i]) & msk[i])
			differ = true;
	return !(differ ^ inv);
}

/* srh1_mt6() compares the __be16 srh->tag with the host-order srhinfo->tag
 * without ntohs(): on a little-endian host --srh-tag 7 matches wire 07 00. */
static uint16_t srh_wire_tag(const uint8_t *h)
{
	uint16_t tag;

	memcpy(&tag, h + 6, 2);
	return tag;
}

/* srh1_mt6(): a type 4 routing header, then every condition given. */
static bool srh_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct srh_info *s = data;
	const uint8_t *h;
	uint32_t off, hdrlen;
	uint8_t sl, fs;

	if (ext_ipv6_find_hdr(pkt, 43, &off) < 0)
		return false;
	h = pkt_header(pkt, off, 8);
	if (!h)
		return false;
	hdrlen = (h[1] + 1u) << 3;
	if (pkt_end(pkt) - off < hdrlen || h[2] != 4 || h[3] > h[4])
		return false;
	sl = h[3], fs = h[4];
	if (!srh_ok(s, SRH_NEXTHDR, h[0] == s->next_hdr) ||
	    !srh_ok(s, SRH_LEN_EQ, h[1] == s->hdr_len) || !srh_ok(s, SRH_LEN_GT, h[1] > s->hdr_len) ||
	    !srh_ok(s, SRH_LEN_LT, h[1] < s->hdr_len) ||
	    !srh_ok(s, SRH_SEGS_EQ, sl == s->segs_left) || !srh_ok(s, SRH_SEGS_GT, sl > s->segs_left) ||
	    !srh_ok(s, SRH_SEGS_LT, sl < s->segs_left) ||
	    !srh_ok(s, SRH_LAST_EQ, fs == s->last_entry) ||
	    !srh_ok(s, SRH_LAST_GT, fs > s->last_entry) ||
	    !srh_ok(s, SRH_LAST_LT, fs < s->last_entry) ||
	    !srh_ok(s, SRH_TAG, srh_wire_tag(h) == s->tag))
		return false;
	if (s->mt_flags & SRH_PSID) {
		if (sl == fs || !srh_sid_ok(pkt, off + 8 + (sl + 1u) * 16, s->psid_addr, s->psid_msk,
					    s->mt_invflags & SRH_PSID))
			return false;
	}
	if (s->mt_flags & SRH_NSID) {
		if (sl == 0 || !srh_sid_ok(pkt, off + 8 + (sl - 1u) * 16, s->nsid_addr, s->nsid_msk,
					   s->mt_invflags & SRH_NSID))
			return false;
	}
	if ((s->mt_flags & SRH_LSID) &&
	    !srh_sid_ok(pkt, off + 8, s->lsid_addr, s->lsid_msk, s->mt_invflags & SRH_LSID))
		return false;
	return true;
}

const struct xt_match_ops xt_match_srh = {
	.name = "srh",
	.revision = 1,
	.family = XT_EXT_V6,
	.size = sizeof(struct srh_info),
	.opts = srh_opts,
	.parse = srh_parse,
	.check = srh_check,
	.save = srh_save,
	.print = srh_print,
	.match = srh_match,
};
