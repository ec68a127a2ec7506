/*
 * SNPT / DNPT: IPv6-to-IPv6 network prefix translation, checksum-neutral as
 * RFC 6296 (ip6t_NPT.c, libip6t_SNPT.c / libip6t_DNPT.c).
 */
#include <stdio.h>
#include <string.h>

#include "pkt/csum.h"
#include "stack/stack.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_SRC_PFX = 0, O_DST_PFX };

/* struct ip6t_npt_tginfo (adjustment derived at check time, kept with the rule). */
struct npt_info {
	uint8_t src_pfx[16], dst_pfx[16];
	uint8_t src_pfx_len, dst_pfx_len;
	uint8_t xflags;                 /* cleared by final_check */
};

static const struct xt_opt npt_opts[] = {
	{ .name = "src-pfx", .id = O_SRC_PFX, .arg = XT_ARG_REQUIRED },
	{ .name = "dst-pfx", .id = O_DST_PFX, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc npt_fc[] = {
	{ .id = O_SRC_PFX, .mand = true },
	{ .id = O_DST_PFX, .mand = true },
	{ .id = EXT_FC_END },
};

/* XTTYPE_HOSTMASK: "addr[/len]" (no length: 128). */
static int npt_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct npt_info *n = data;
	union xt_addr a, m;
	unsigned int len;

	/* XTTYPE_HOSTMASK; the prefix length is cb->val.hlen */
	if (ext_parse_hostmask(ps, "NPT", id == O_SRC_PFX ? "src-pfx" : "dst-pfx", arg, &a, &m,
			       &len))
		return -1;
	memcpy(id == O_SRC_PFX ? n->src_pfx : n->dst_pfx, a.a6, 16);
	*(id == O_SRC_PFX ? &n->src_pfx_len : &n->dst_pfx_len) = (uint8_t)len;
	n->xflags |= (uint8_t)EXT_F(id);
	return 0;
}

static int npt_final_check(void *data, struct xt_parse *ps, const char *name)
{
	struct npt_info *n = data;
	uint32_t xflags = n->xflags;

	n->xflags = 0;
	return ext_fcheck(ps, name, npt_opts, npt_fc, xflags);
}

static int snpt_final_check(void *data, struct xt_parse *ps)
{
	return npt_final_check(data, ps, "SNPT");
}

static int dnpt_final_check(void *data, struct xt_parse *ps)
{
	return npt_final_check(data, ps, "DNPT");
}

static bool npt_prefix_equal(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		if ((a[i / 8] ^ b[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* The prefix has no bit set past its length. */
static bool npt_pfx_clean(const uint8_t *p, unsigned int len)
{
	unsigned int i;

	for (i = len; i < 128; i++)
		if (p[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* snpt_tg_check()/dnpt's: prefixes of at most 64 bits with nothing past them. */
static int npt_check(const void *data, struct xt_parse *ps)
{
	const struct npt_info *n = data;

	if (n->src_pfx_len > 64 || n->dst_pfx_len > 64)
		return -EINVAL;
	if (!npt_pfx_clean(n->src_pfx, n->src_pfx_len) || !npt_pfx_clean(n->dst_pfx, n->dst_pfx_len))
		return -EINVAL;
	return 0;
}

static void npt_out(const struct npt_info *n, const char *pfx, struct strbuf *out)
{
	union xt_addr a;
	char buf[64];

	memcpy(a.a6, n->src_pfx, 16);
	sb_addf(out, " %ssrc-pfx %s/%u", pfx, ext_addr_str(XT_FAMILY_V6, &a, buf), n->src_pfx_len);
	memcpy(a.a6, n->dst_pfx, 16);
	sb_addf(out, " %sdst-pfx %s/%u", pfx, ext_addr_str(XT_FAMILY_V6, &a, buf), n->dst_pfx_len);
}

static void npt_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	npt_out(data, "--", out);
}

static void snpt_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	sb_add(out, " SNPT");
	npt_out(data, "", out);
}

static void dnpt_print(const void *data, const struct xt_rule *r, unsigned int flags,
		       struct strbuf *out)
{
	sb_add(out, " DNPT");
	npt_out(data, "", out);
}

static uint32_t npt_csum_add(uint32_t a, uint32_t b)
{
	a += b;
	return a + (a < b);
}

/* ip6t_npt_map_pfx(): new prefix, then one 16-bit word absorbs the checksum change. */
static bool npt_map(const struct npt_info *n, uint8_t *addr)
{
	unsigned int pfx_len = n->src_pfx_len > n->dst_pfx_len ? n->src_pfx_len : n->dst_pfx_len;
	uint32_t src_sum, dst_sum, w;
	uint16_t adj, word, sum;
	unsigned int i, idx;

	for (i = 0; i < pfx_len; i++) {
		uint8_t bit = (uint8_t)(0x80 >> (i % 8));

		addr[i / 8] = (uint8_t)((addr[i / 8] & ~bit) | (n->dst_pfx[i / 8] & bit));
	}
	src_sum = csum_partial(n->src_pfx, 16, 0);
	dst_sum = csum_partial(n->dst_pfx, 16, 0);
	adj = (uint16_t)~csum_fold(npt_csum_add(src_sum, ~dst_sum));
	if (pfx_len <= 48) {
		idx = 3;
	} else {
		for (idx = 4; idx < 8; idx++) {
			memcpy(&word, addr + 2 * idx, 2);
			if (word != 0xffff)
				break;
		}
		if (idx == 8)
			return false;
	}
	memcpy(&word, addr + 2 * idx, 2);
	w = npt_csum_add(word, adj);
	sum = (uint16_t)~csum_fold(w);
	if (sum == 0xffff)
		sum = 0;
	memcpy(addr + 2 * idx, &sum, 2);
	return true;
}

/* snpt_tg()/dnpt_tg(): a packet outside the prefix gets a parameter problem. */
static unsigned int npt_xlate(struct pkt *pkt, const struct npt_info *n, struct xt_action *par,
			      unsigned int field)
{
	uint8_t *addr = pkt_network(pkt) + field;

	if (!npt_prefix_equal(addr, n->src_pfx, n->src_pfx_len) || !npt_map(n, addr)) {
		stack_icmp6_send(par->net, pkt, 4, 0, field);   /* ICMPV6_HDR_FIELD */
		return USNF_DROP;
	}
	return XT_CONTINUE;
}

static unsigned int snpt_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return npt_xlate(pkt, data, par, 8);
}

static unsigned int dnpt_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return npt_xlate(pkt, data, par, 24);
}

const struct xt_target_ops xt_target_snpt = {
	.name = "SNPT",
	.family = XT_EXT_V6,
	.size = sizeof(struct npt_info),
	.opts = npt_opts,
	.table = "mangle",
	.hooks = (1u << USNF_INET_LOCAL_IN) | (1u << USNF_INET_POST_ROUTING),
	.parse = npt_parse,
	.final_check = snpt_final_check,
	.check = npt_check,
	.save = npt_save,
	.print = snpt_print,
	.target = snpt_target,
};

const struct xt_target_ops xt_target_dnpt = {
	.name = "DNPT",
	.family = XT_EXT_V6,
	.size = sizeof(struct npt_info),
	.opts = npt_opts,
	.table = "mangle",
	.hooks = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_OUT),
	.parse = npt_parse,
	.final_check = dnpt_final_check,
	.check = npt_check,
	.save = npt_save,
	.print = dnpt_print,
	.target = dnpt_target,
};
