/*
 * cluster: a node's share of the connections of a cluster that sees every packet
 * (xt_cluster.c, libxt_cluster.c): a hash of the connection's original source
 * address picks the node.  The kernel also turns PACKET_MULTICAST frames to a
 * unicast address into PACKET_HOST here; usnf matches cannot change the packet,
 * so that fix-up is not made.
 */
#include <string.h>

#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/ext/jhash.h"
#include "xt/xt.h"

#define CLUSTER_F_INV 0x01
#define CLUSTER_NODES_MAX 32

enum { O_TOTAL = 0, O_LOCAL_NODE, O_LOCAL_NODEMASK, O_SEED };

/* struct xt_cluster_match_info */
struct cluster_info {
	uint32_t total_nodes;
	uint32_t node_mask;
	uint32_t hash_seed;
	uint32_t flags;
	uint32_t xflags;                /* cleared by final_check */
};

static const struct xt_opt cluster_opts[] = {
	{ .name = "cluster-total-nodes", .id = O_TOTAL, .arg = XT_ARG_REQUIRED },
	{ .name = "cluster-local-node", .id = O_LOCAL_NODE, .arg = XT_ARG_REQUIRED,
	  .invertible = true },
	{ .name = "cluster-local-nodemask", .id = O_LOCAL_NODEMASK, .arg = XT_ARG_REQUIRED,
	  .invertible = true },
	{ .name = "cluster-hash-seed", .id = O_SEED, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc cluster_fc[] = {
	{ .id = O_TOTAL, .mand = true },
	{ .id = O_LOCAL_NODE, .excl = EXT_F(O_LOCAL_NODEMASK) },
	{ .id = O_LOCAL_NODEMASK, .excl = EXT_F(O_LOCAL_NODE) },
	{ .id = O_SEED, .mand = true },
	{ .id = EXT_FC_END },
};

static int cluster_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct cluster_info *c = data;
	unsigned long long v;

	/* libxt_cluster bounds every option but the seed to 1-32, the nodemask too */
	if (ext_parse_num(ps, "cluster", ext_opt_name(cluster_opts, id), arg, id == O_SEED ? 0 : 1,
			  id == O_SEED ? 0xffffffffu : CLUSTER_NODES_MAX, &v))
		return -1;
	switch (id) {
	case O_TOTAL: c->total_nodes = (uint32_t)v; break;
	case O_LOCAL_NODE: c->node_mask = (uint32_t)(1ull << (v - 1)); break;
	case O_LOCAL_NODEMASK: c->node_mask = (uint32_t)v; break;
	default: c->hash_seed = (uint32_t)v; break;
	}
	if (invert)
		c->flags |= CLUSTER_F_INV;
	c->xflags |= EXT_F(id);
	return 0;
}

/* cluster_check() of libxt_cluster, then the option table's checks. */
static int cluster_final_check(void *data, struct xt_parse *ps)
{
	struct cluster_info *c = data;
	uint32_t x = c->xflags;
	uint32_t with_node = EXT_F(O_TOTAL) | EXT_F(O_LOCAL_NODE) | EXT_F(O_SEED);
	uint32_t with_mask = EXT_F(O_TOTAL) | EXT_F(O_LOCAL_NODEMASK) | EXT_F(O_SEED);
	bool too_big = c->total_nodes < 64 && c->node_mask >= (1ull << c->total_nodes);

	c->xflags = 0;
	if ((x & with_node) == with_node) {
		if (too_big)
			return xt_parse_error(ps, "cluster match: `--cluster-local-node' must be <= "
					      "`--cluster-total-nodes'");
	} else if ((x & with_mask) == with_mask) {
		if (too_big)
			return xt_parse_error(ps, "cluster match: `--cluster-local-nodemask' too big "
					      "for `--cluster-total-nodes'");
	} else if (!(x & (EXT_F(O_LOCAL_NODE) | EXT_F(O_LOCAL_NODEMASK)))) {
		return xt_parse_error(ps, "cluster match: `--cluster-local-node' or"
				      "`--cluster-local-nodemask' is missing");
	}
	return ext_fcheck(ps, "cluster", cluster_opts, cluster_fc, x);
}

/* xt_cluster_mt_checkentry() */
static int cluster_check(const void *data, struct xt_parse *ps)
{
	const struct cluster_info *c = data;

	if (c->total_nodes > CLUSTER_NODES_MAX)
		return -EINVAL;
	if (c->node_mask >= (1ull << c->total_nodes))
		return -EDOM;
	return ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
								: USNF_NFPROTO_IPV4);
}

static void cluster_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct cluster_info *c = data;

	sb_addf(out, " %s--cluster-local-nodemask 0x%08x --cluster-total-nodes %u "
		"--cluster-hash-seed 0x%08x", (c->flags & CLUSTER_F_INV) ? "! " : "", c->node_mask,
		c->total_nodes, c->hash_seed);
}

static void cluster_print(const void *data, const struct xt_rule *r, unsigned int flags,
			  struct strbuf *out)
{
	const struct cluster_info *c = data;

	sb_addf(out, " cluster %snode_mask=0x%08x total_nodes=%u hash_seed=0x%08x",
		(c->flags & CLUSTER_F_INV) ? "!" : "", c->node_mask, c->total_nodes, c->hash_seed);
}

/* xt_cluster_hash(): jhash of the original source address words as stored. */
static uint32_t cluster_hash(const struct ct_conn *ct, const struct cluster_info *c)
{
	const struct ct_tuple *t = &ct->node[CT_DIR_ORIGINAL].t;
	uint32_t w[4], hash;

	memcpy(w, t->src, sizeof(w));
	if (t->l3 == USNF_NFPROTO_IPV6)
		hash = jhash2(w, 4, c->hash_seed);
	else
		hash = jhash_1word(w[0], c->hash_seed);
	return jhash_scale(hash, c->total_nodes);
}

/* xt_cluster_mt() */
static bool cluster_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct cluster_info *c = data;
	const struct ct_conn *ct = ct_get(pkt, NULL);

	if (!ct)
		return false;
	return !!((1u << cluster_hash(ct, c)) & c->node_mask) ^ !!(c->flags & CLUSTER_F_INV);
}

const struct xt_match_ops xt_match_cluster = {
	.name = "cluster",
	.family = XT_EXT_ANY,
	.size = sizeof(struct cluster_info),
	.opts = cluster_opts,
	.parse = cluster_parse,
	.final_check = cluster_final_check,
	.check = cluster_check,
	.save = cluster_save,
	.print = cluster_print,
	.match = cluster_match,
};
