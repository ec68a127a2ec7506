/*
 * connlimit: the number of connections per source (or destination) network
 * (xt_connlimit revision 1 over nf_conncount, libxt_connlimit.c).  Each rule
 * keeps the tuples it counted, as nf_conncount's per-rule lists; entries whose
 * connection is gone or closed are dropped when counting.
 */
#include <string.h>

#include <usnf/net.h>

#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_UPTO = 0, O_ABOVE, O_MASK, O_SADDR, O_DADDR };

#define CL_INVERT 0x1u          /* XT_CONNLIMIT_INVERT: --connlimit-upto */
#define CL_DADDR 0x2u
#define CL_MAX 128u             /* tuples remembered per rule */

struct cl_entry {
	struct ct_tuple t;
	uint8_t key[16];
	uint64_t added_ns;
};

struct connlimit_info {
	uint32_t xflags;
	uint32_t limit;
	uint8_t mask[16];
	uint8_t masklen;
	uint8_t flags;
	bool mask_set;
	unsigned int n;
	struct cl_entry e[CL_MAX];
};

static const struct xt_opt connlimit_opts[] = {
	{ .name = "connlimit-upto", .id = O_UPTO, .arg = XT_ARG_REQUIRED },
	{ .name = "connlimit-above", .id = O_ABOVE, .arg = XT_ARG_REQUIRED },
	{ .name = "connlimit-mask", .id = O_MASK, .arg = XT_ARG_REQUIRED },
	{ .name = "connlimit-saddr", .id = O_SADDR, .arg = XT_ARG_NONE },
	{ .name = "connlimit-daddr", .id = O_DADDR, .arg = XT_ARG_NONE },
	{ 0 },
};

static const struct ext_fc connlimit_fc[] = {
	{ .id = O_UPTO, .excl = EXT_F(O_ABOVE) },
	{ .id = O_ABOVE, .excl = EXT_F(O_UPTO) },
	{ .id = O_SADDR, .excl = EXT_F(O_DADDR) },
	{ .id = O_DADDR, .excl = EXT_F(O_SADDR) },
	{ .id = EXT_FC_END },
};

static int connlimit_parse(void *data, int id, const char *arg, bool invert,
			   struct xt_parse *ps)
{
	struct connlimit_info *c = data;
	const char *opt = ext_opt_name(connlimit_opts, id);
	unsigned long long v;
	unsigned int plen;

	switch (id) {
	case O_UPTO:
	case O_ABOVE:
		if (ext_parse_num(ps, "connlimit", opt, arg, 0, 0xffffffffu, &v))
			return -1;
		c->limit = (uint32_t)v;
		/* "! --connlimit-upto" is --connlimit-above and the other way round. */
		if ((id == O_UPTO) ^ invert)
			c->flags |= CL_INVERT;
		break;
	case O_MASK:
		if (ext_parse_plenmask(ps, "connlimit", opt, arg, &plen, NULL))
			return -1;
		c->masklen = (uint8_t)plen;
		c->mask_set = true;
		break;
	case O_SADDR:
		c->flags &= (uint8_t)~CL_DADDR;
		break;
	case O_DADDR:
		c->flags |= CL_DADDR;
		break;
	default:
		return -1;
	}
	c->xflags |= EXT_F(id);
	return 0;
}

static int connlimit_final_check(void *data, struct xt_parse *ps)
{
	struct connlimit_info *c = data;
	uint32_t xflags = c->xflags;

	c->xflags = 0;
	if (!(xflags & (EXT_F(O_UPTO) | EXT_F(O_ABOVE))))
		return xt_parse_error(ps, "You must specify \"--connlimit-above\" or "
				      "\"--connlimit-upto\".");
	if (!c->mask_set)
		c->masklen = ps->family == XT_FAMILY_V6 ? 128 : 32;
	c->mask_set = false;
	memset(c->mask, 0, sizeof(c->mask));
	for (unsigned int i = 0; i < c->masklen; i++)
		c->mask[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	return ext_fcheck(ps, "connlimit", connlimit_opts, connlimit_fc, xflags);
}

static int connlimit_check(const void *data, struct xt_parse *ps)
{
	if (!ps->net)
		return 0;
	return ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
								  : USNF_NFPROTO_IPV4) ? -1 : 0;
}

static void connlimit_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct connlimit_info *c = data;

	sb_addf(out, " --connlimit-%s %u --connlimit-mask %u --connlimit-%s",
		(c->flags & CL_INVERT) ? "upto" : "above", c->limit, c->masklen,
		(c->flags & CL_DADDR) ? "daddr" : "saddr");
}

static void connlimit_print(const void *data, const struct xt_rule *r, unsigned int flags,
			    struct strbuf *out)
{
	const struct connlimit_info *c = data;

	sb_addf(out, " #conn %s/%u %s %u", (c->flags & CL_DADDR) ? "dst" : "src", c->masklen,
		(c->flags & CL_INVERT) ? "<=" : ">", c->limit);
}

/* nf_conncount's gc: connections gone (and not just added) or closed no longer count. */
static bool cl_stale(struct usnf_net *net, const struct cl_entry *e)
{
	enum ct_dir dir;
	struct ct_conn *c = ct_lookup(net, &e->t, &dir);

	if (!c)
		return e->added_ns != usnf_net_now(net);      /* unconfirmed in this tick: keep */
	return c->node[0].t.proto == 6 &&
	       (c->tcp.state == CT_TCP_TIME_WAIT || c->tcp.state == CT_TCP_CLOSE);
}

static bool connlimit_mt(const struct pkt *pkt, void *data, struct xt_action *par)
{
	struct connlimit_info *c = data;
	struct ct_conn *ct = ct_get(pkt, NULL);
	bool v6 = xt_is_v6(par), found = false;
	uint8_t key[16] = { 0 };
	struct ct_tuple t;
	const uint8_t *nh = pkt_network(pkt);
	unsigned int i, j, count = 0;

	if (ct)
		t = ct->node[CT_DIR_ORIGINAL].t;
	else if (ct_pkt_tuple(pkt, v6 ? USNF_NFPROTO_IPV6 : USNF_NFPROTO_IPV4, &t)) {
		par->hotdrop = true;
		return false;
	}
	memcpy(key, nh + (v6 ? ((c->flags & CL_DADDR) ? 24 : 8) : ((c->flags & CL_DADDR) ? 16 : 12)),
	       v6 ? 16 : 4);
	for (i = 0; i < 16; i++)
		key[i] &= c->mask[i];
	for (i = j = 0; i < c->n; i++) {
		if (cl_stale(par->net, &c->e[i]))
			continue;
		c->e[j++] = c->e[i];
	}
	c->n = j;
	for (i = 0; i < c->n; i++) {
		if (memcmp(c->e[i].key, key, sizeof(key)))
			continue;
		count++;
		if (!memcmp(&c->e[i].t, &t, sizeof(t)))
			found = true;
	}
	if (!found && c->n < CL_MAX) {
		c->e[c->n].t = t;
		memcpy(c->e[c->n].key, key, sizeof(key));
		c->e[c->n].added_ns = usnf_net_now(par->net);
		c->n++;
		count++;
	}
	return (count > c->limit) ^ !!(c->flags & CL_INVERT);
}

const struct xt_match_ops xt_match_connlimit = {
	.name = "connlimit",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct connlimit_info),
	.opts = connlimit_opts,
	.parse = connlimit_parse,
	.final_check = connlimit_final_check,
	.check = connlimit_check,
	.save = connlimit_save,
	.print = connlimit_print,
	.match = connlimit_mt,
};
