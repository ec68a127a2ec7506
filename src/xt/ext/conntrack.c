/*
 * conntrack, state: connection tracking state matches (xt_conntrack revision 3
 * and its "state" alias, libxt_conntrack.c / libxt_state.c of iptables 1.8.9).
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

/* Match flags (XT_CONNTRACK_*), also used as invert flags. */
#define F_STATE     0x0001u
#define F_PROTO     0x0002u
#define F_ORIGSRC   0x0004u
#define F_ORIGDST   0x0008u
#define F_REPLSRC   0x0010u
#define F_REPLDST   0x0020u
#define F_STATUS    0x0040u
#define F_EXPIRES   0x0080u
#define F_OSPORT    0x0100u
#define F_ODPORT    0x0200u
#define F_RSPORT    0x0400u
#define F_RDPORT    0x0800u
#define F_DIRECTION 0x1000u

/* State bits (XT_CONNTRACK_STATE_*). */
#define S_INVALID   0x001u
#define S_EST       0x002u
#define S_REL       0x004u
#define S_NEW       0x008u
#define S_SNAT      0x040u
#define S_DNAT      0x080u
#define S_UNTRACKED 0x100u

enum { O_STATE = 0, O_PROTO, O_OSRC, O_ODST, O_RSRC, O_RDST, O_STATUS, O_EXPIRE,
       O_OSPORT, O_ODPORT, O_RSPORT, O_RDPORT, O_DIR };

struct conntrack_info {
	union xt_addr osrc, osrc_m, odst, odst_m, rsrc, rsrc_m, rdst, rdst_m;
	uint32_t expires_min, expires_max;
	uint16_t ports[4][2];           /* origsrc, origdst, replsrc, repldst: lo, hi */
	uint16_t match_flags, invert_flags;
	uint16_t state_mask, status_mask;
	uint8_t l4proto;
	uint32_t seen;                  /* parse-time only */
};

static const struct xt_opt conntrack_opts[] = {
	{ "ctstate", O_STATE, XT_ARG_REQUIRED, true, false },
	{ "ctproto", O_PROTO, XT_ARG_REQUIRED, true, false },
	{ "ctorigsrc", O_OSRC, XT_ARG_REQUIRED, true, false },
	{ "ctorigdst", O_ODST, XT_ARG_REQUIRED, true, false },
	{ "ctreplsrc", O_RSRC, XT_ARG_REQUIRED, true, false },
	{ "ctrepldst", O_RDST, XT_ARG_REQUIRED, true, false },
	{ "ctstatus", O_STATUS, XT_ARG_REQUIRED, true, false },
	{ "ctexpire", O_EXPIRE, XT_ARG_REQUIRED, true, false },
	{ "ctorigsrcport", O_OSPORT, XT_ARG_REQUIRED, true, false },
	{ "ctorigdstport", O_ODPORT, XT_ARG_REQUIRED, true, false },
	{ "ctreplsrcport", O_RSPORT, XT_ARG_REQUIRED, true, false },
	{ "ctrepldstport", O_RDPORT, XT_ARG_REQUIRED, true, false },
	{ "ctdir", O_DIR, XT_ARG_REQUIRED, false, false },
	{ NULL, 0, 0, false, false },
};

static const struct { const char *name; uint16_t bit; } state_names[] = {
	{ "INVALID", S_INVALID }, { "NEW", S_NEW }, { "RELATED", S_REL },
	{ "ESTABLISHED", S_EST }, { "UNTRACKED", S_UNTRACKED }, { "SNAT", S_SNAT },
	{ "DNAT", S_DNAT },
};

static const struct { const char *name; uint16_t bit; } status_names[] = {
	{ "NONE", 0 }, { "EXPECTED", CT_S_EXPECTED }, { "SEEN_REPLY", CT_S_SEEN_REPLY },
	{ "ASSURED", CT_S_ASSURED }, { "CONFIRMED", CT_S_CONFIRMED },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* conntrack_ps_state(): a word of len chars names the first state (or status) it is
 * a prefix of, in any case. */
static bool parse_name(const char *w, size_t len, bool status, unsigned int nstates,
		       uint16_t *mask)
{
	size_t i;

	for (i = 0; i < (status ? NELEM(status_names) : nstates); i++) {
		if (!strncasecmp(w, status ? status_names[i].name : state_names[i].name, len)) {
			*mask |= status ? status_names[i].bit : state_names[i].bit;
			return true;
		}
	}
	return false;
}

/* conntrack_ps_states()/statuses(), state_parse_states(): a comma list into a bit mask
 * (state lists stop before SNAT for "state").  NULL, or the rest of the list from the
 * bad word on, as iptables names it. */
static const char *parse_names(const char *arg, bool status, unsigned int nstates,
			       uint16_t *mask)
{
	const char *comma;

	*mask = 0;
	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg || !parse_name(arg, (size_t)(comma - arg), status, nstates, mask))
			return arg;
		arg = comma + 1;
	}
	if (!*arg || !parse_name(arg, strlen(arg), status, nstates, mask))
		return arg;
	return NULL;
}

static void print_states(uint16_t mask, struct strbuf *out)
{
	const char *sep = " ";

	for (size_t i = 0; i < NELEM(state_names); i++)
		if (mask & state_names[i].bit) {
			sb_addf(out, "%s%s", sep, state_names[i].name);
			sep = ",";
		}
}

static void print_status(uint16_t mask, struct strbuf *out)
{
	const char *sep = " ";

	if (!mask) {
		sb_add(out, " NONE");
		return;
	}
	for (size_t i = 1; i < NELEM(status_names); i++)
		if (mask & status_names[i].bit) {
			sb_addf(out, "%s%s", sep, status_names[i].name);
			sep = ",";
		}
}

/* "addr[/len|/mask]" of the rule's family (XTTYPE_HOSTMASK). */
static int parse_addrmask(struct xt_parse *ps, const char *opt, const char *arg,
			  union xt_addr *a, union xt_addr *m)
{
	bool v6 = ps->family == XT_FAMILY_V6;
	const char *slash = strchr(arg, '/');
	unsigned long long n;
	unsigned int bits;

	/* xtopt_parse_hostmask() decides what is refused, and with which message */
	if (ext_parse_hostmask(ps, "conntrack", opt, arg, a, m, NULL))
		return -1;
	if (!slash || xt_parse_uint(slash + 1, 0, 1000, &n))
		return 0;
	/* a length past the family's shows as the full one */
	bits = n > (v6 ? 128u : 32u) ? (v6 ? 128u : 32u) : (unsigned int)n;
	memset(m, 0, sizeof(*m));
	for (unsigned int i = 0; i < bits; i++)
		((uint8_t *)m)[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	return 0;
}

static int expire_range(struct xt_parse *ps, const char *arg, uint32_t *lo, uint32_t *hi)
{
	return ext_parse_range(ps, "conntrack", "ctexpire", arg, 0xffffffffu, lo, hi);
}

static int conntrack_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct conntrack_info *c = data;
	const char *bad;
	static const uint16_t flag_of[] = { F_STATE, F_PROTO, F_ORIGSRC, F_ORIGDST, F_REPLSRC,
					    F_REPLDST, F_STATUS, F_EXPIRES, F_OSPORT, F_ODPORT,
					    F_RSPORT, F_RDPORT, F_DIRECTION };
	uint16_t f = flag_of[id];

	if (c->seen & (1u << id))
		return xt_parse_error(ps, "conntrack: option \"--%s\" can only be used once.",
				      ext_opt_name(conntrack_opts, id));
	switch (id) {
	case O_STATE:
		bad = parse_names(arg, false, NELEM(state_names), &c->state_mask);
		if (bad)
			return xt_parse_error(ps, "Bad ctstate \"%s\"", bad);
		break;
	case O_PROTO:
		if (xt_proto_parse(arg, &c->l4proto))
			return xt_parse_error(ps, "unknown protocol \"%s\" specified", arg);
		break;
	case O_OSRC:
		if (parse_addrmask(ps, "ctorigsrc", arg, &c->osrc, &c->osrc_m))
			return -1;
		break;
	case O_ODST:
		if (parse_addrmask(ps, "ctorigdst", arg, &c->odst, &c->odst_m))
			return -1;
		break;
	case O_RSRC:
		if (parse_addrmask(ps, "ctreplsrc", arg, &c->rsrc, &c->rsrc_m))
			return -1;
		break;
	case O_RDST:
		if (parse_addrmask(ps, "ctrepldst", arg, &c->rdst, &c->rdst_m))
			return -1;
		break;
	case O_STATUS:
		bad = parse_names(arg, true, 0, &c->status_mask);
		if (bad)
			return xt_parse_error(ps, "Bad ctstatus \"%s\"", bad);
		break;
	case O_EXPIRE:
		if (expire_range(ps, arg, &c->expires_min, &c->expires_max))
			return -1;
		break;
	case O_OSPORT: case O_ODPORT: case O_RSPORT: case O_RDPORT:
		/* XTTYPE_PORTRC (xtopt_parse_mport()) */
		if (ext_parse_mport(ps, "conntrack", ext_opt_name(conntrack_opts, id), arg,
				    c->ports[id - O_OSPORT]) < 0)
			return -1;
		break;
	case O_DIR:
		if (!strcasecmp(arg, "ORIGINAL"))
			c->invert_flags &= (uint16_t)~F_DIRECTION;
		else if (!strcasecmp(arg, "REPLY"))
			c->invert_flags |= F_DIRECTION;
		else
			return xt_parse_error(ps, "conntrack: Bad value for \"--ctdir\" option: \"%s\"", arg);
		break;
	default:
		return -1;
	}
	c->match_flags |= f;
	if (invert && id != O_DIR)
		c->invert_flags |= f;
	c->seen |= 1u << id;
	return 0;
}

static int conntrack_final_check(void *data, struct xt_parse *ps)
{
	struct conntrack_info *c = data;

	c->seen = 0;
	if (!c->match_flags)
		return xt_parse_error(ps, "conntrack: At least one option is required");
	return 0;
}

/* nf_ct_netns_get() from the kernel's checkentry. */
static int conntrack_check(const void *data, struct xt_parse *ps)
{
	if (!ps->net)
		return 0;
	return ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
								  : USNF_NFPROTO_IPV4) ? -1 : 0;
}

static void dump_addr(const struct conntrack_info *c, const union xt_addr *a,
		      const union xt_addr *m, const struct xt_rule *r, struct strbuf *out)
{
	enum xt_family fam = (enum xt_family)r->family;
	unsigned int bits = 0, total = fam == XT_FAMILY_V6 ? 128 : 32;
	char buf[46];
	bool contiguous = true;

	(void)c;
	for (unsigned int i = 0; i < total; i++) {
		bool set = ((const uint8_t *)m)[i / 8] & (0x80u >> (i % 8));

		if (set && bits != i)
			contiguous = false;
		if (set)
			bits++;
	}
	sb_addf(out, " %s", ext_addr_str(fam, a, buf));
	if (!contiguous)
		sb_addf(out, "/%s", ext_addr_str(fam, m, buf));
	else if (bits != total)
		sb_addf(out, "/%u", bits);
}

static void dump_ports(const uint16_t *r, struct strbuf *out)
{
	if (r[0] == r[1])
		sb_addf(out, " %u", r[0]);
	else
		sb_addf(out, " %u:%u", r[0], r[1]);
}

static void conntrack_dump(const struct conntrack_info *c, const struct xt_rule *r,
			   const char *pfx, struct strbuf *out)
{
	static const char *const port_names[] = { "origsrcport", "origdstport", "replsrcport",
						  "repldstport" };
	static const uint16_t port_flags[] = { F_OSPORT, F_ODPORT, F_RSPORT, F_RDPORT };
	const union xt_addr *addrs[4][2] = { { &c->osrc, &c->osrc_m }, { &c->odst, &c->odst_m },
					     { &c->rsrc, &c->rsrc_m }, { &c->rdst, &c->rdst_m } };
	static const char *const addr_names[] = { "origsrc", "origdst", "replsrc", "repldst" };
	static const uint16_t addr_flags[] = { F_ORIGSRC, F_ORIGDST, F_REPLSRC, F_REPLDST };
	const char *inv;

	if (c->match_flags & F_STATE) {
		sb_addf(out, "%s %sstate", (c->invert_flags & F_STATE) ? " !" : "", pfx);
		print_states(c->state_mask, out);
	}
	if (c->match_flags & F_PROTO)
		sb_addf(out, "%s %sproto %u", (c->invert_flags & F_PROTO) ? " !" : "", pfx,
			c->l4proto);
	for (int i = 0; i < 4; i++) {
		if (!(c->match_flags & addr_flags[i]))
			continue;
		inv = (c->invert_flags & addr_flags[i]) ? " !" : "";
		sb_addf(out, "%s %s%s", inv, pfx, addr_names[i]);
		dump_addr(c, addrs[i][0], addrs[i][1], r, out);
	}
	for (int i = 0; i < 4; i++) {
		if (!(c->match_flags & port_flags[i]))
			continue;
		inv = (c->invert_flags & port_flags[i]) ? " !" : "";
		sb_addf(out, "%s %s%s", inv, pfx, port_names[i]);
		dump_ports(c->ports[i], out);
	}
	if (c->match_flags & F_STATUS) {
		sb_addf(out, "%s %sstatus", (c->invert_flags & F_STATUS) ? " !" : "", pfx);
		print_status(c->status_mask, out);
	}
	if (c->match_flags & F_EXPIRES) {
		sb_addf(out, "%s %sexpire ", (c->invert_flags & F_EXPIRES) ? " !" : "", pfx);
		if (c->expires_min == c->expires_max)
			sb_addf(out, "%u", c->expires_min);
		else
			sb_addf(out, "%u:%u", c->expires_min, c->expires_max);
	}
	if (c->match_flags & F_DIRECTION)
		sb_addf(out, " %sdir %s", pfx, (c->invert_flags & F_DIRECTION) ? "REPLY" : "ORIGINAL");
}

static void conntrack_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	conntrack_dump(data, r, "--ct", out);
}

static void conntrack_print(const void *data, const struct xt_rule *r, unsigned int flags,
			    struct strbuf *out)
{
	conntrack_dump(data, r, "ct", out);
}

/* The state bits of a packet (XT_CONNTRACK_STATE_BIT() and friends). */
static uint16_t pkt_statebit(const struct pkt *pkt, struct ct_conn **ctp, enum ct_info *ci)
{
	struct ct_conn *ct = ct_get(pkt, ci);

	*ctp = ct;
	if (ct)
		return (uint16_t)(1u << (((unsigned int)*ci % CT_IS_REPLY) + 1));
	return ct_pkt_untracked(pkt) ? S_UNTRACKED : S_INVALID;
}

static bool addr_match(const union xt_addr *want, const union xt_addr *mask, const uint8_t *a,
		       bool v6)
{
	for (unsigned int i = 0; i < (v6 ? 16u : 4u); i++)
		if ((a[i] & ((const uint8_t *)mask)[i]) !=
		    (((const uint8_t *)want)[i] & ((const uint8_t *)mask)[i]))
			return false;
	return true;
}

static bool port_ok(const uint16_t *r, uint16_t port, bool inv)
{
	return (port >= r[0] && port <= r[1]) ^ inv;
}

static bool conntrack_mt(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct conntrack_info *c = data;
	const struct ct_tuple *o, *rp;
	struct ct_conn *ct;
	enum ct_info ci;
	uint16_t sb = pkt_statebit(pkt, &ct, &ci);
	bool v6 = xt_is_v6(par);

	if (c->match_flags & F_STATE) {
		if (ct) {
			if (ct->status & CT_S_SRC_NAT)
				sb |= S_SNAT;
			if (ct->status & CT_S_DST_NAT)
				sb |= S_DNAT;
		}
		if (!!(c->state_mask & sb) ^ !(c->invert_flags & F_STATE))
			return false;
	}
	if (!ct)
		return c->match_flags & F_STATE;
	/* As Linux 6.x's conntrack_mt(): --ctdir ORIGINAL matches the original direction. */
	if ((c->match_flags & F_DIRECTION) &&
	    ((ct_info_dir(ci) == CT_DIR_ORIGINAL) ^ !(c->invert_flags & F_DIRECTION)))
		return false;
	o = &ct->node[CT_DIR_ORIGINAL].t;
	rp = &ct->node[CT_DIR_REPLY].t;
	if ((c->match_flags & F_ORIGSRC) &&
	    (addr_match(&c->osrc, &c->osrc_m, o->src, v6) ^ !(c->invert_flags & F_ORIGSRC)))
		return false;
	if ((c->match_flags & F_ORIGDST) &&
	    (addr_match(&c->odst, &c->odst_m, o->dst, v6) ^ !(c->invert_flags & F_ORIGDST)))
		return false;
	if ((c->match_flags & F_REPLSRC) &&
	    (addr_match(&c->rsrc, &c->rsrc_m, rp->src, v6) ^ !(c->invert_flags & F_REPLSRC)))
		return false;
	if ((c->match_flags & F_REPLDST) &&
	    (addr_match(&c->rdst, &c->rdst_m, rp->dst, v6) ^ !(c->invert_flags & F_REPLDST)))
		return false;
	if ((c->match_flags & F_PROTO) &&
	    ((o->proto == c->l4proto) ^ !(c->invert_flags & F_PROTO)))
		return false;
	if ((c->match_flags & F_OSPORT) &&
	    !port_ok(c->ports[0], o->sport, c->invert_flags & F_OSPORT))
		return false;
	if ((c->match_flags & F_ODPORT) &&
	    !port_ok(c->ports[1], o->dport, c->invert_flags & F_ODPORT))
		return false;
	if ((c->match_flags & F_RSPORT) &&
	    !port_ok(c->ports[2], rp->sport, c->invert_flags & F_RSPORT))
		return false;
	if ((c->match_flags & F_RDPORT) &&
	    !port_ok(c->ports[3], rp->dport, c->invert_flags & F_RDPORT))
		return false;
	if ((c->match_flags & F_STATUS) &&
	    (!!(c->status_mask & ct->status) ^ !(c->invert_flags & F_STATUS)))
		return false;
	if (c->match_flags & F_EXPIRES) {
		uint32_t left = ct_conn_timeout_left(par->net, ct);

		if ((left >= c->expires_min && left <= c->expires_max) ^
		    !(c->invert_flags & F_EXPIRES))
			return false;
	}
	return true;
}

const struct xt_match_ops xt_match_conntrack = {
	.name = "conntrack",
	.revision = 3,
	.family = XT_EXT_ANY,
	.size = sizeof(struct conntrack_info),
	.opts = conntrack_opts,
	.parse = conntrack_parse,
	.final_check = conntrack_final_check,
	.check = conntrack_check,
	.save = conntrack_save,
	.print = conntrack_print,
	.match = conntrack_mt,
};

/* ---- state: --state is --ctstate without SNAT/DNAT ---- */

static const struct xt_opt state_opts[] = {
	{ "state", O_STATE, XT_ARG_REQUIRED, true, false },
	{ NULL, 0, 0, false, false },
};

static int state_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct conntrack_info *c = data;
	const char *bad;

	if (c->seen)
		return xt_parse_error(ps, "state: option \"--state\" can only be used once.");
	bad = parse_names(arg, false, 5, &c->state_mask);
	if (bad && !*bad)
		return xt_parse_error(ps, "\"--state\" requires a list of states with no spaces, "
				      "e.g. ESTABLISHED,RELATED");
	if (bad)
		return xt_parse_error(ps, "Bad state \"%s\"", bad);
	c->match_flags |= F_STATE;
	if (invert)
		c->invert_flags |= F_STATE;
	c->seen = 1;
	return 0;
}

static int state_final_check(void *data, struct xt_parse *ps)
{
	struct conntrack_info *c = data;

	c->seen = 0;
	if (!c->match_flags)
		return xt_parse_error(ps, "state: option \"--state\" must be specified");
	return 0;
}

static void state_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct conntrack_info *c = data;

	sb_addf(out, "%s --state", (c->invert_flags & F_STATE) ? " !" : "");
	print_states(c->state_mask, out);
}

static void state_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	const struct conntrack_info *c = data;

	sb_addf(out, "%s state", (c->invert_flags & F_STATE) ? " !" : "");
	print_states(c->state_mask, out);
}

const struct xt_match_ops xt_match_state = {
	.name = "state",
	.revision = 0,
	.family = XT_EXT_ANY,
	.size = sizeof(struct conntrack_info),
	.opts = state_opts,
	.parse = state_parse,
	.final_check = state_final_check,
	.check = conntrack_check,
	.save = state_save,
	.print = state_print,
	.match = conntrack_mt,
};
