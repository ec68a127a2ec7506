/* set: match packets against an IP set (xt_set.c match revision 4, libxt_set.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipset/ipset.h"
#include "ipset/ipset_xt.h"
#include "stack/net.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum {
	O_MATCH_SET = 0, O_SET, O_RETURN_NOMATCH, O_UPDATE_COUNTERS, O_PACKETS_EQ,
	O_PACKETS_LT, O_PACKETS_GT, O_BYTES_EQ, O_BYTES_LT, O_BYTES_GT, O_UPDATE_SUBCOUNTERS,
};

static const struct xt_opt set_opts[] = {
	{ .name = "match-set", .id = O_MATCH_SET, .arg = XT_ARG_TWO, .invertible = true },
	{ .name = "set", .id = O_SET, .arg = XT_ARG_TWO, .invertible = true },
	{ .name = "return-nomatch", .id = O_RETURN_NOMATCH, .arg = XT_ARG_NONE,
	  .invertible = true },
	{ .name = "update-counters", .id = O_UPDATE_COUNTERS, .arg = XT_ARG_NONE,
	  .invertible = true },
	{ .name = "packets-eq", .id = O_PACKETS_EQ, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "packets-lt", .id = O_PACKETS_LT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "packets-gt", .id = O_PACKETS_GT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "bytes-eq", .id = O_BYTES_EQ, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "bytes-lt", .id = O_BYTES_LT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "bytes-gt", .id = O_BYTES_GT, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "update-subcounters", .id = O_UPDATE_SUBCOUNTERS, .arg = XT_ARG_NONE,
	  .invertible = true },
	{ 0 },
};

static void set_init(void *data)
{
	struct ipset_xt_match *m = data;

	m->set.index = IPSET_INVALID_ID;
}

/* parse_dirs() of libxt_set.h: "src,dst,..." into dim and flags. */
static int set_parse_dirs(const char *arg, struct ipset_xt_info *info, struct xt_parse *ps)
{
	char buf[128], *tmp = buf, *tok;

	snprintf(buf, sizeof(buf), "%s", arg);
	while (info->dim < IPSET_DIM_MAX && tmp) {
		info->dim++;
		tok = strsep(&tmp, ",");
		if (!strncmp(tok, "src", 3))
			info->flags |= (uint8_t)(1u << info->dim);
		else if (strncmp(tok, "dst", 3))
			return xt_parse_error(ps, "You must spefify (the comma separated list of) "
					      "'src' or 'dst'.");
	}
	if (tmp)
		return xt_parse_error(ps, "Can't be more src/dst options than %i.", IPSET_DIM_MAX);
	return 0;
}

/*
 * get_set_byname() + parse_dirs(): "NAME FLAGS" (XT_ARG_TWO joins the two words)
 * into info.  The set must exist now, in this instance, and suit the family.
 */
int ipset_xt_parse_info(const char *arg, const char *what, struct ipset_xt_info *info,
			struct xt_parse *ps);
int ipset_xt_parse_info(const char *arg, const char *what, struct ipset_xt_info *info,
			struct xt_parse *ps)
{
	char name[256];
	const char *sp = strchr(arg, ' ');
	size_t n = sp ? (size_t)(sp - arg) : strlen(arg);
	int id;

	if (info->dim)
		return xt_parse_error(ps, "--%s can be specified only once", what);
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, arg, n);
	name[n] = '\0';
	if (n > IPSET_MAXNAMELEN - 1)
		return xt_parse_error(ps, "setname `%s' too long, max %d characters.", name,
				      IPSET_MAXNAMELEN - 1);
	id = ps->net && ps->net->ipset ? ipset_find(ps->net->ipset, name) : -1;
	if (id < 0)
		return xt_parse_error(ps, "Set %s doesn't exist.\n", name);
	const struct ipset_set *s = ipset_get(ps->net->ipset, (unsigned int)id);
	uint8_t fam = ps->family == XT_FAMILY_V6 ? IPSET_FAM_INET6 : IPSET_FAM_INET;
	if (s->o.family != IPSET_FAM_UNSPEC && s->o.family != fam)
		return xt_parse_error(ps, "The protocol family of set %s is %s, which is not "
				      "applicable.\n", name,
				      s->o.family == IPSET_FAM_INET ? "IPv4" : "IPv6");
	info->index = (uint16_t)id;
	return set_parse_dirs(sp ? sp + 1 : "", info, ps);
}

static int set_parse_counter(const char *arg, uint64_t *out, struct xt_parse *ps)
{
	unsigned long long v;
	char *end;

	/* parse_counter(): xtables_strtoul() of the whole word */
	if (!ext_xstrtoul(arg, &end, 0, UINT64_MAX, &v) || *end)
		return xt_parse_error(ps, "Cannot parse %s as a counter value", arg);
	*out = v;
	return 0;
}

static int set_parse_cnt_opt(struct ipset_xt_match *m, int id, const char *arg, bool invert,
			     struct xt_parse *ps)
{
	bool pkts = id <= O_PACKETS_GT;
	uint8_t *op = pkts ? &m->pkt_op : &m->byte_op;
	int kind = pkts ? id - O_PACKETS_EQ : id - O_BYTES_EQ;     /* 0 eq, 1 lt, 2 gt */

	if (*op != IPSET_CNT_NONE)
		return xt_parse_error(ps, "only one of the --%s-[eq|lt|gt] is allowed",
				      pkts ? "packets" : "bytes");
	if (invert && kind)
		return xt_parse_error(ps, "--%s-%s option cannot be inverted",
				      pkts ? "packets" : "bytes", kind == 1 ? "lt" : "gt");
	*op = kind == 0 ? (invert ? IPSET_CNT_NE : IPSET_CNT_EQ) :
	      kind == 1 ? IPSET_CNT_LT : IPSET_CNT_GT;
	return set_parse_counter(arg, pkts ? &m->pkt_val : &m->byte_val, ps);
}

static int set_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ipset_xt_match *m = data;

	m->net = ps->net;
	m->xflags |= 1u;
	switch (id) {
	case O_SET:
	case O_MATCH_SET:
		if (m->set.dim)
			return xt_parse_error(ps, "--match-set can be specified only once");
		if (invert)
			m->set.flags |= IPSET_XT_INV;
		return ipset_xt_parse_info(arg, "match-set", &m->set, ps);
	case O_RETURN_NOMATCH:
		if (invert)
			return xt_parse_error(ps, "--return-nomatch flag cannot be inverted");
		m->mflags |= IPSET_XTF_RETURN_NOMATCH;
		return 0;
	case O_UPDATE_COUNTERS:
		if (invert)
			m->mflags |= IPSET_XTF_SKIP_COUNTERS;
		return 0;
	case O_UPDATE_SUBCOUNTERS:
		if (invert)
			m->mflags |= IPSET_XTF_SKIP_SUBCOUNTERS;
		return 0;
	default:
		return set_parse_cnt_opt(m, id, arg, invert, ps);
	}
}

static int set_final_check(void *data, struct xt_parse *ps)
{
	struct ipset_xt_match *m = data;

	if (!m->set.dim)
		return xt_parse_error(ps, "You must specify `--match-set' with proper arguments");
	m->xflags = 0;
	return 0;
}

/* ip_set_nfnl_get_byindex() in set_match_v4_checkentry: the set must still exist. */
static int set_check(const void *data, struct xt_parse *ps)
{
	const struct ipset_xt_match *m = data;

	if (!ps->net || !ipset_name(ps->net, m->set.index))
		return -2;      /* -ENOENT */
	return 0;
}

/* print_match(): "[!] PREFIX NAME src,dst" with the name the set has now. */
void ipset_xt_print_info(const struct usnf_net *net, const char *prefix,
			 const struct ipset_xt_info *info, struct strbuf *out);
void ipset_xt_print_info(const struct usnf_net *net, const char *prefix,
			 const struct ipset_xt_info *info, struct strbuf *out)
{
	const char *name = net ? ipset_name(net, info->index) : NULL;

	sb_addf(out, "%s %s %s", (info->flags & IPSET_XT_INV) ? " !" : "", prefix,
		name ? name : "");
	for (unsigned int i = 1; i <= info->dim; i++)
		sb_addf(out, "%s%s", i == 1 ? " " : ",", info->flags & (1u << i) ? "src" : "dst");
}

static void set_print_counter(uint8_t op, uint64_t v, const char *name, const char *sep,
			      struct strbuf *out)
{
	switch (op) {
	case IPSET_CNT_EQ:
		sb_addf(out, " %s%s-eq %llu", sep, name, (unsigned long long)v);
		break;
	case IPSET_CNT_NE:
		sb_addf(out, " ! %s%s-eq %llu", sep, name, (unsigned long long)v);
		break;
	case IPSET_CNT_LT:
		sb_addf(out, " %s%s-lt %llu", sep, name, (unsigned long long)v);
		break;
	case IPSET_CNT_GT:
		sb_addf(out, " %s%s-gt %llu", sep, name, (unsigned long long)v);
		break;
	default:
		break;
	}
}

static void set_out(const struct ipset_xt_match *m, const char *sep, struct strbuf *out)
{
	char pfx[16];

	snprintf(pfx, sizeof(pfx), "%smatch-set", sep);
	ipset_xt_print_info(m->net, pfx, &m->set, out);
	if (m->mflags & IPSET_XTF_RETURN_NOMATCH)
		sb_addf(out, " %sreturn-nomatch", sep);
	if (m->mflags & IPSET_XTF_SKIP_COUNTERS)
		sb_addf(out, " ! %supdate-counters", sep);
	if (m->mflags & IPSET_XTF_SKIP_SUBCOUNTERS)
		sb_addf(out, " ! %supdate-subcounters", sep);
	set_print_counter(m->pkt_op, m->pkt_val, "packets", sep, out);
	set_print_counter(m->byte_op, m->byte_val, "bytes", sep, out);
}

static void set_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	set_out(data, "--", out);
}

static void set_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	set_out(data, "", out);
}

static bool set_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ipset_xt_match *m = data;
	struct ipset_adt_opt o = {
		.family = par->family == XT_FAMILY_V6 ? IPSET_FAM_INET6 : IPSET_FAM_INET,
		.dim = m->set.dim,
		.flags = (uint8_t)(m->set.flags & ~IPSET_XT_INV),
		.return_nomatch = m->mflags & IPSET_XTF_RETURN_NOMATCH,
		.skip_counters = m->mflags & IPSET_XTF_SKIP_COUNTERS,
		.skip_subcounters = m->mflags & IPSET_XTF_SKIP_SUBCOUNTERS,
		.pkt_op = m->pkt_op, .pkt_val = m->pkt_val,
		.byte_op = m->byte_op, .byte_val = m->byte_val,
	};
	bool hit = ipset_pkt_test(par->net, m->set.index, pkt, par->state, &o) > 0;

	/* match_set(): ! inverts the answer */
	return hit ^ !!(m->set.flags & IPSET_XT_INV);
}

const struct xt_match_ops xt_match_set = {
	.name = "set",
	.revision = 4,
	.family = XT_EXT_ANY,
	.size = sizeof(struct ipset_xt_match),
	.usersize = offsetof(struct ipset_xt_match, xflags),
	.opts = set_opts,
	.init = set_init,
	.parse = set_parse,
	.final_check = set_final_check,
	.check = set_check,
	.save = set_save,
	.print = set_print,
	.match = set_match,
};
