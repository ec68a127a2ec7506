/* NETMAP: map a whole network one to one (xt_NETMAP.c, libxt_NETMAP.c). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nat/nat.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_TO = 0 };

struct netmap_tg {
	struct nat_range r;
	uint32_t xflags;
};

static const struct xt_opt netmap_opts[] = {
	{ .name = "to", .id = O_TO, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

/* A prefix length from a mask, -1 if the mask is not contiguous. */
static int mask_bits(const uint8_t *m, unsigned int alen)
{
	int bits = 0;
	unsigned int i;

	for (i = 0; i < alen && m[i] == 0xff; i++)
		bits += 8;
	if (i < alen) {
		uint8_t b = m[i];

		while (b & 0x80) {
			bits++;
			b = (uint8_t)(b << 1);
		}
		if (b)
			return -1;
		for (i++; i < alen; i++)
			if (m[i])
				return -1;
	}
	return bits;
}

/* "addr[/len|/mask]": the range is the network (min) to its last address (max). */
static int netmap_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct netmap_tg *t = data;
	bool v6 = ps->family == XT_FAMILY_V6;
	unsigned int alen = v6 ? 16 : 4;
	const char *slash = strchr(arg, '/');
	uint8_t addr[16] = { 0 }, mask[16] = { 0 };
	union xt_addr ha, hm;

	/* XTTYPE_HOSTMASK decides what is refused; the mask is read as before */
	if (ext_parse_hostmask(ps, "NETMAP", "to", arg, &ha, &hm, NULL))
		return -1;
	memcpy(addr, ha.a6, alen);
	memset(mask, 0xff, alen);
	if (slash) {
		char *end;
		long bits = strtol(slash + 1, &end, 10);

		if (!*end && end != slash + 1 && bits >= 0 && bits <= (long)alen * 8) {
			memset(mask, 0, sizeof(mask));
			for (long b = 0; b < bits; b++)
				mask[b / 8] |= (uint8_t)(0x80 >> (b % 8));
		} else if (v6 || inet_pton(AF_INET, slash + 1, mask) != 1 ||
			   mask_bits(mask, alen) < 0) {
			return xt_parse_error(ps, "NETMAP: Bad value for \"--to\" option: \"%s\"",
					      arg);
		}
	}
	for (unsigned int i = 0; i < alen; i++) {
		t->r.min_addr[i] = addr[i] & mask[i];
		t->r.max_addr[i] = (uint8_t)(addr[i] | ~mask[i]);
	}
	t->r.flags |= NAT_RANGE_MAP_IPS;
	t->xflags |= EXT_F(id);
	return 0;
}

static int netmap_final_check(void *data, struct xt_parse *ps)
{
	struct netmap_tg *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	if (!(xflags & EXT_F(O_TO)))
		return xt_parse_error(ps, "NETMAP: option \"--to\" must be specified");
	return 0;
}

static int netmap_check(const void *data, struct xt_parse *ps)
{
	const struct netmap_tg *t = data;

	if (!(t->r.flags & NAT_RANGE_MAP_IPS))
		return -EINVAL;
	return nat_xt_check(ps);
}

static void netmap_put(const struct netmap_tg *t, bool v6, struct strbuf *out)
{
	unsigned int alen = v6 ? 16 : 4;
	uint8_t mask[16];
	char a[INET6_ADDRSTRLEN];
	int bits;

	for (unsigned int i = 0; i < alen; i++)
		mask[i] = (uint8_t)~(t->r.min_addr[i] ^ t->r.max_addr[i]);
	sb_add(out, inet_ntop(v6 ? AF_INET6 : AF_INET, t->r.min_addr, a, sizeof(a)));
	bits = mask_bits(mask, alen);
	if (bits >= 0)
		sb_addf(out, "/%d", bits);
	else
		sb_addf(out, "/%s", inet_ntop(AF_INET, mask, a, sizeof(a)));
}

static void netmap_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	sb_add(out, " --to ");
	netmap_put(data, r->family == XT_FAMILY_V6, out);
}

static void netmap_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	sb_add(out, " to:");
	netmap_put(data, r->family == XT_FAMILY_V6, out);
}

static unsigned int netmap_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return nat_xt_netmap(pkt, &((struct netmap_tg *)data)->r, par);
}

const struct xt_target_ops xt_target_netmap = {
	.name = "NETMAP",
	.family = XT_EXT_ANY,
	.size = sizeof(struct netmap_tg),
	.usersize = sizeof(struct nat_range),
	.opts = netmap_opts,
	.hooks = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_OUT) |
		 (1u << USNF_INET_POST_ROUTING) | (1u << USNF_INET_LOCAL_IN),
	.table = "nat",
	.parse = netmap_parse,
	.final_check = netmap_final_check,
	.check = netmap_check,
	.save = netmap_save,
	.print = netmap_print,
	.target = netmap_target,
};
