/*
 * CLUSTERIP: share one IPv4 address among cluster nodes by a hash of the source
 * (ipt_CLUSTERIP.c, libipt_CLUSTERIP.c; IPv4 only).  iptables 1.8.9 parses and
 * prints it, but kernels since 6.3 have no such target (the reference kernel:
 * "missing kernel module?", ENOENT; see xt/xt_kmod.c) and older ones refuse it
 * from nft_compat in clusterip_tg_check() with EOPNOTSUPP, as check() does after
 * `modprobe ipt_CLUSTERIP`.  The target itself is what
 * clusterip_tg() does, for a rule built without that front end (unit tests).
 */
#include <stdio.h>
#include <string.h>

#include "ct/ct.h"
#include "xt/ext/ext_addons.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define CIP_MAX_NODES 16                /* CLUSTERIP_MAX_NODES */
#define CIP_FLAG_NEW 0x00000001

enum cip_hashmode { CIP_HASH_SIP = 0, CIP_HASH_SIP_SPT, CIP_HASH_SIP_SPT_DPT };

enum { O_NEW = 0, O_HASHMODE, O_CLUSTERMAC, O_TOTAL_NODES, O_LOCAL_NODE, O_HASH_INIT };
#define CIP_F_FULL (EXT_F(O_NEW) | EXT_F(O_HASHMODE) | EXT_F(O_CLUSTERMAC) | \
		    EXT_F(O_TOTAL_NODES) | EXT_F(O_LOCAL_NODE))

/* struct ipt_clusterip_tgt_info's user part, then the parse flags. */
struct cip_info {
	uint32_t flags;
	uint8_t clustermac[6];
	uint16_t num_total_nodes;
	uint16_t num_local_nodes;
	uint16_t local_nodes[CIP_MAX_NODES];
	uint32_t hash_mode;
	uint32_t hash_initval;
	uint32_t xflags;
};

static const struct xt_opt cip_opts[] = {
	{ .name = "new", .id = O_NEW, .arg = XT_ARG_NONE },
	{ .name = "hashmode", .id = O_HASHMODE, .arg = XT_ARG_REQUIRED },
	{ .name = "clustermac", .id = O_CLUSTERMAC, .arg = XT_ARG_REQUIRED },
	{ .name = "total-nodes", .id = O_TOTAL_NODES, .arg = XT_ARG_REQUIRED },
	{ .name = "local-node", .id = O_LOCAL_NODE, .arg = XT_ARG_REQUIRED },
	{ .name = "hash-init", .id = O_HASH_INIT, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const char *const cip_modes[] = {
	"sourceip", "sourceip-sourceport", "sourceip-sourceport-destport",
};

static int cip_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int i, v;
	int n;

	for (i = 0; i < 6; i++) {
		if (sscanf(s, "%2x%n", &v, &n) != 1 || n == 0)
			return -1;
		mac[i] = (uint8_t)v;
		s += n;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	return *s ? -1 : 0;
}

static int cip_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct cip_info *c = data;
	unsigned long long v;
	unsigned int i;

	(void)invert;
	switch (id) {
	case O_NEW:
		c->flags |= CIP_FLAG_NEW;
		break;
	case O_HASHMODE:
		for (i = 0; i < 3 && strcmp(arg, cip_modes[i]); i++)
			;
		if (i == 3)
			return xt_parse_error(ps, "Unknown hashmode \"%s\"", arg);
		c->hash_mode = i;
		break;
	case O_CLUSTERMAC:
		if (cip_parse_mac(arg, c->clustermac))
			return xt_parse_error(ps, "Invalid MAC address specified.");
		if (!(c->clustermac[0] & 0x01))
			return xt_parse_error(ps, "MAC has to be a multicast ethernet address");
		break;
	case O_TOTAL_NODES:
	case O_LOCAL_NODE:
		if (ext_parse_num(ps, "CLUSTERIP", ext_opt_name(cip_opts, id), arg, 0,
				  CIP_MAX_NODES, &v))
			return -1;
		if (id == O_TOTAL_NODES) {
			c->num_total_nodes = (uint16_t)v;
		} else {
			c->local_nodes[0] = (uint16_t)v;
			c->num_local_nodes = 1;
		}
		break;
	default:
		if (ext_parse_num(ps, "CLUSTERIP", "hash-init", arg, 0, UINT32_MAX, &v))
			return -1;
		c->hash_initval = (uint32_t)v;
		break;
	}
	c->xflags |= EXT_F(id);
	return 0;
}

/* CLUSTERIP_check(): nothing (join an existing cluster) or everything but --hash-init. */
static int cip_final_check(void *data, struct xt_parse *ps)
{
	struct cip_info *c = data;
	uint32_t xf = c->xflags;

	c->xflags = 0;
	if (xf == 0 || (xf & CIP_F_FULL) == CIP_F_FULL)
		return 0;
	return xt_parse_error(ps, "CLUSTERIP target: Invalid parameter combination");
}

/* clusterip_tg_check(): "cannot use CLUSTERIP target from nftables compat". */
static int cip_check(const void *data, struct xt_parse *ps)
{
	(void)data;
	(void)ps;
	return -EOPNOTSUPP;
}

static void cip_mac(const uint8_t *m, char *buf)
{
	snprintf(buf, 18, "%02X:%02X:%02X:%02X:%02X:%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const char *cip_mode_name(uint32_t mode)
{
	return mode < 3 ? cip_modes[mode] : "unknown-error";
}

static void cip_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct cip_info *c = data;
	char mac[18];

	(void)r;
	if (!(c->flags & CIP_FLAG_NEW))
		return;
	cip_mac(c->clustermac, mac);
	sb_addf(out, " --new --hashmode %s --clustermac %s --total-nodes %d --local-node %d "
		"--hash-init %u", cip_mode_name(c->hash_mode), mac, c->num_total_nodes,
		c->local_nodes[0], c->hash_initval);
}

static void cip_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct cip_info *c = data;
	char mac[18];

	(void)r;
	(void)flags;
	if (!(c->flags & CIP_FLAG_NEW)) {
		sb_add(out, " CLUSTERIP");
		return;
	}
	cip_mac(c->clustermac, mac);
	sb_addf(out, " CLUSTERIP hashmode=%s clustermac=%s total_nodes=%u local_node=%u "
		"hash_init=%u", cip_mode_name(c->hash_mode), mac, c->num_total_nodes,
		c->local_nodes[0], c->hash_initval);
}

/* The kernel's jhash (lookup3): __jhash_final() and the n-word entry points. */
static uint32_t cip_rol(uint32_t w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

static uint32_t cip_jhash3(uint32_t a, uint32_t b, uint32_t c, uint32_t initval, unsigned int n)
{
	initval += 0xdeadbeefu + (n << 2);
	a += initval;
	b += initval;
	c += initval;
	c ^= b; c -= cip_rol(b, 14);
	a ^= c; a -= cip_rol(c, 11);
	b ^= a; b -= cip_rol(a, 25);
	c ^= b; c -= cip_rol(b, 16);
	a ^= c; a -= cip_rol(c, 4);
	b ^= a; b -= cip_rol(a, 14);
	c ^= b; c -= cip_rol(b, 24);
	return c;
}

/*
 * clusterip_hashfn(): the node (1..n) a packet belongs to.  Ports come from
 * proto_ports_offset() protocols and are hashed as the kernel reads them (raw
 * 16-bit loads, i.e. byte-swapped on the little-endian hosts usnf runs on).
 */
uint32_t xt_clusterip_hash(const struct pkt *pkt, uint32_t hash_mode, uint32_t initval,
			   uint16_t total_nodes)
{
	const uint8_t *iph = pkt_header(pkt, pkt->net_off, 20);
	uint16_t sport = 0, dport = 0;
	uint32_t saddr, h;
	int poff = -1;

	if (!iph)
		return 0;
	switch (iph[9]) {
	case 6: case 17: case 33: case 50: case 132: case 136:
		poff = 0;
		break;
	case 51:
		poff = 4;
		break;
	}
	if (poff >= 0) {
		const uint8_t *p = pkt_header(pkt, pkt->net_off + (iph[0] & 0x0fu) * 4u +
					      (uint32_t)poff, 4);

		if (p) {
			memcpy(&sport, p, 2);
			memcpy(&dport, p + 2, 2);
		}
	}
	saddr = (uint32_t)iph[12] << 24 | (uint32_t)iph[13] << 16 | (uint32_t)iph[14] << 8 | iph[15];
	if (hash_mode == CIP_HASH_SIP)
		h = cip_jhash3(saddr, 0, 0, initval, 1);
	else if (hash_mode == CIP_HASH_SIP_SPT)
		h = cip_jhash3(saddr, sport, 0, initval, 2);
	else
		h = cip_jhash3(saddr, sport, dport, initval, 3);
	return (uint32_t)(((uint64_t)h * total_nodes) >> 32) + 1;       /* reciprocal_scale */
}

/* clusterip_tg(): conntrack required; drop what another node is responsible for. */
static unsigned int cip_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct cip_info *c = data;
	const uint8_t *iph = pkt_header(pkt, pkt->net_off, 20);
	enum ct_info ci;
	struct ct_conn *ct = ct_get(pkt, &ci);
	uint32_t hash, local = 0;
	unsigned int i;

	(void)par;
	if (!ct || !iph)
		return USNF_DROP;
	if (iph[9] == 1 && (ci == CT_RELATED || ci == CT_RELATED_REPLY))
		return XT_CONTINUE;
	hash = xt_clusterip_hash(pkt, c->hash_mode, c->hash_initval, c->num_total_nodes);
	if (ci == CT_NEW)
		ct->mark = hash;
	for (i = 0; i < c->num_local_nodes && i < CIP_MAX_NODES; i++)
		if (c->local_nodes[i] >= 1 && c->local_nodes[i] <= 32)
			local |= 1u << (c->local_nodes[i] - 1);
	if (hash < 1 || hash > 32 || !(local & (1u << (hash - 1))))
		return USNF_DROP;
	pkt->pkt_type = PKT_HOST;       /* a unicast packet received via L2 multicast */
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_clusterip = {
	.name = "CLUSTERIP",
	.kmod = "ipt_CLUSTERIP",        /* gone from kernels since 6.3 */
	.family = XT_EXT_V4,
	.size = sizeof(struct cip_info),
	.usersize = offsetof(struct cip_info, xflags),
	.opts = cip_opts,
	.parse = cip_parse,
	.final_check = cip_final_check,
	.check = cip_check,
	.save = cip_save,
	.print = cip_print,
	.target = cip_target,
};
