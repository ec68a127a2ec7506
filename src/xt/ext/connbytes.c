/* connbytes: packets/bytes/average packet size a connection has seen (xt_connbytes, libxt_connbytes.c). */
#include <string.h>
#include <strings.h>

#include <usnf/net.h>

#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_CONNBYTES = 0, O_DIR, O_MODE };
enum { WHAT_PKTS = 0, WHAT_BYTES, WHAT_AVGPKT };
enum { DIR_ORIGINAL = 0, DIR_REPLY, DIR_BOTH };

struct connbytes_info {
	uint32_t xflags;
	uint64_t from, to;              /* from > to: inverted */
	uint8_t what, dir;
};

static const struct xt_opt connbytes_opts[] = {
	{ .name = "connbytes", .id = O_CONNBYTES, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "connbytes-dir", .id = O_DIR, .arg = XT_ARG_REQUIRED },
	{ .name = "connbytes-mode", .id = O_MODE, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

static const struct ext_fc connbytes_fc[] = {
	{ .id = O_CONNBYTES, .mand = true },
	{ .id = O_DIR, .mand = true },
	{ .id = O_MODE, .mand = true },
	{ .id = EXT_FC_END },
};

static const char *const what_names[] = { "packets", "bytes", "avgpkt" };
static const char *const dir_names[] = { "original", "reply", "both" };

static int connbytes_parse(void *data, int id, const char *arg, bool invert,
			   struct xt_parse *ps)
{
	struct connbytes_info *c = data;
	unsigned long long r[2];
	uint64_t t;
	int i, n;

	switch (id) {
	case O_CONNBYTES:
		/* connbytes_parse(): xtopt_parse_mint(), a single value means "from" */
		n = ext_parse_mint(ps, "connbytes", "connbytes", arg, UINT64_MAX, r);
		if (n < 0)
			return -1;
		c->from = r[0];
		c->to = n == 2 ? r[1] : UINT64_MAX;
		if (c->to < c->from)
			return xt_parse_error(ps, "%llu should be less than %llu",
					      (unsigned long long)c->from, (unsigned long long)c->to);
		if (invert) {
			t = c->from;
			c->from = c->to;
			c->to = t;
		}
		break;
	case O_DIR:
	case O_MODE:
		for (i = 0; i < 3; i++)
			if (!strcmp(arg, id == O_DIR ? dir_names[i] : what_names[i]))
				break;
		if (i == 3)
			return xt_parse_error(ps, "Unknown --connbytes-%s `%s'",
					      id == O_DIR ? "dir" : "mode", arg);
		if (id == O_DIR)
			c->dir = (uint8_t)i;
		else
			c->what = (uint8_t)i;
		break;
	default:
		return -1;
	}
	c->xflags |= EXT_F(id);
	return 0;
}

static int connbytes_final_check(void *data, struct xt_parse *ps)
{
	struct connbytes_info *c = data;
	uint32_t xflags = c->xflags;

	c->xflags = 0;
	return ext_fcheck(ps, "connbytes", connbytes_opts, connbytes_fc, xflags);
}

/* connbytes_mt_check(): conntrack, and accounting forced on. */
static int connbytes_check(const void *data, struct xt_parse *ps)
{
	if (!ps->net)
		return 0;
	usnf_sysctl_set(ps->net, "net.netfilter.nf_conntrack_acct", "1");
	return ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
								  : USNF_NFPROTO_IPV4) ? -1 : 0;
}

static void connbytes_dump(const struct connbytes_info *c, const char *pfx, struct strbuf *out)
{
	uint64_t from = c->from, to = c->to;

	if (c->from > c->to) {
		sb_add(out, " !");
		from = c->to;
		to = c->from;
	}
	sb_addf(out, " %sconnbytes %llu", pfx, (unsigned long long)from);
	if (to && to < UINT64_MAX)
		sb_addf(out, ":%llu", (unsigned long long)to);
}

static void connbytes_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct connbytes_info *c = data;

	connbytes_dump(c, "--", out);
	sb_addf(out, " --connbytes-mode %s --connbytes-dir %s", what_names[c->what],
		dir_names[c->dir]);
}

static void connbytes_print(const void *data, const struct xt_rule *r, unsigned int flags,
			    struct strbuf *out)
{
	const struct connbytes_info *c = data;

	connbytes_dump(c, "", out);
	sb_addf(out, " connbytes mode %s connbytes direction %s", what_names[c->what],
		dir_names[c->dir]);
}

static bool connbytes_mt(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct connbytes_info *c = data;
	struct ct_conn *ct = ct_get(pkt, NULL);
	uint64_t what = 0, pk, by;

	if (!ct)
		return false;
	switch (c->dir) {
	case DIR_ORIGINAL:
		pk = ct->pkts[0];
		by = ct->bytes[0];
		break;
	case DIR_REPLY:
		pk = ct->pkts[1];
		by = ct->bytes[1];
		break;
	default:
		pk = ct->pkts[0] + ct->pkts[1];
		by = ct->bytes[0] + ct->bytes[1];
		break;
	}
	if (c->what == WHAT_PKTS)
		what = pk;
	else if (c->what == WHAT_BYTES)
		what = by;
	else if (pk)
		what = by / pk;
	if (c->to >= c->from)
		return what <= c->to && what >= c->from;
	return what < c->to || what > c->from;
}

const struct xt_match_ops xt_match_connbytes = {
	.name = "connbytes",
	.revision = 0,
	.family = XT_EXT_ANY,
	.size = sizeof(struct connbytes_info),
	.opts = connbytes_opts,
	.parse = connbytes_parse,
	.final_check = connbytes_final_check,
	.check = connbytes_check,
	.save = connbytes_save,
	.print = connbytes_print,
	.match = connbytes_mt,
};
