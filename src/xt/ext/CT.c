/*
 * CT, NOTRACK: attach a conntrack template (zone) or untrack the packet
 * (xt_CT revision 2 and its NOTRACK alias, libxt_CT.c of iptables 1.8.9).
 * --helper assigns one of the kernel's helper names to new connections (shown by
 * conntrack -L); ftp and tftp run (src/ct/ct_helper*.c), the others are names only.
 * --zone/--zone-orig/--zone-reply ID|mark give the template a conntrack zone, of both
 * directions or one (struct ct_zone, applied by ct_in() as resolve_normal_ct() does).
 * --timeout names a timeout policy; usnf has none, so the kernel's check refuses it.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_NOTRACK = 0, O_HELPER, O_ZONE, O_CTEVENTS, O_EXPEVENTS, O_TIMEOUT, O_ZONE_ORIG,
       O_ZONE_REPLY };

/* xt_ct_target_info_v1.flags */
#define CT_F_NOTRACK       0x01u
#define CT_F_NOTRACK_ALIAS 0x02u        /* made by -j NOTRACK: printed so */
#define CT_F_ZONE_DIR_ORIG 0x04u
#define CT_F_ZONE_DIR_REPL 0x08u
#define CT_F_ZONE_MARK     0x10u

struct ct_tg {
	struct ct_conn tmpl;            /* the template packets carry to conntrack */
	uint32_t xflags;
	uint16_t flags;
	uint16_t zone;
	uint16_t ct_events, exp_events;     /* event filters (kept, printed) */
	char helper[16];
	char timeout[32];               /* a timeout policy name (none exist: refused) */
};

/* Event names in bit order (IPCT_* / IPEXP_*). */
static const char *const ct_event_names[] = { "new", "related", "destroy", "reply", "assured",
					      "protoinfo", "helper", "mark", "natseqinfo",
					      "secmark" };
static const char *const exp_event_names[] = { "new" };

static int ct_parse_events(const char *arg, const char *const *names, unsigned int n,
			   uint16_t *mask, struct xt_parse *ps)
{
	char buf[256], *tok, *save;

	if (strlen(arg) >= sizeof(buf))
		return xt_parse_error(ps, "Unknown event type \"%s\"", arg);
	strcpy(buf, arg);
	*mask = 0;
	/* ct_parse_events(): strsep(), so an empty word is unknown too */
	for (save = buf; (tok = strsep(&save, ",")) != NULL;) {
		unsigned int i;

		for (i = 0; i < n; i++)
			if (!strcmp(tok, names[i]))
				break;
		if (i == n)
			return xt_parse_error(ps, "Unknown event type \"%s\"", tok);
		*mask |= (uint16_t)(1u << i);
	}
	return 0;
}

static void ct_print_events(const char *pfx, const char *const *names, unsigned int n,
			    uint16_t mask, struct strbuf *out)
{
	const char *sep = " ";

	sb_add(out, pfx);
	for (unsigned int i = 0; i < n; i++)
		if (mask & (1u << i)) {
			sb_addf(out, "%s%s", sep, names[i]);
			sep = ",";
		}
}

static const struct xt_opt ct_opts[] = {
	{ .name = "notrack", .id = O_NOTRACK, .arg = XT_ARG_NONE },
	{ .name = "helper", .id = O_HELPER, .arg = XT_ARG_REQUIRED },
	{ .name = "zone", .id = O_ZONE, .arg = XT_ARG_REQUIRED },
	{ .name = "zone-orig", .id = O_ZONE_ORIG, .arg = XT_ARG_REQUIRED },
	{ .name = "zone-reply", .id = O_ZONE_REPLY, .arg = XT_ARG_REQUIRED },
	{ .name = "ctevents", .id = O_CTEVENTS, .arg = XT_ARG_REQUIRED },
	{ .name = "expevents", .id = O_EXPEVENTS, .arg = XT_ARG_REQUIRED },
	{ .name = "timeout", .id = O_TIMEOUT, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

/* ct_parse_zone_id(): "mark" (any case) takes the zone from the packet's mark. */
static int ct_parse_zone(struct ct_tg *t, const char *arg, struct xt_parse *ps)
{
	unsigned long long v;

	if (strcasecmp(arg, "mark") == 0) {
		t->flags |= CT_F_ZONE_MARK;
		t->zone = 0;
		return 0;
	}
	if (xt_parse_uint(arg, 0, 65535, &v))
		return xt_parse_error(ps, "Cannot parse %s as a zone ID", arg);
	t->zone = (uint16_t)v;
	return 0;
}

static int ct_tg_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ct_tg *t = data;

	switch (id) {
	case O_NOTRACK:
		t->flags |= CT_F_NOTRACK;
		break;
	case O_HELPER:
		if (strlen(arg) >= sizeof(t->helper))
			return xt_parse_error(ps, "CT: bad value for option \"--helper\"");
		strcpy(t->helper, arg);
		break;
	case O_CTEVENTS:
		if (ct_parse_events(arg, ct_event_names, 10, &t->ct_events, ps))
			return -1;
		break;
	case O_EXPEVENTS:
		if (ct_parse_events(arg, exp_event_names, 1, &t->exp_events, ps))
			return -1;
		break;
	case O_ZONE_ORIG:
	case O_ZONE_REPLY:
		t->flags |= id == O_ZONE_ORIG ? CT_F_ZONE_DIR_ORIG : CT_F_ZONE_DIR_REPL;
		/* fall through */
	case O_ZONE:
		if (ct_parse_zone(t, arg, ps))
			return -1;
		break;
	case O_TIMEOUT:
		if (strlen(arg) >= sizeof(t->timeout))
			return xt_parse_error(ps, "CT: bad value for option \"--timeout\"");
		strcpy(t->timeout, arg);
		break;
	default:
		return -1;
	}
	t->xflags |= EXT_F(id);
	return 0;
}

/* xt_ct_flags_to_dir(): one direction flag alone limits the zone to it. */
static uint8_t ct_tg_zone_dir(uint32_t flags)
{
	switch (flags & (CT_F_ZONE_DIR_ORIG | CT_F_ZONE_DIR_REPL)) {
	case CT_F_ZONE_DIR_ORIG:
		return CT_ZONE_DIR_ORIG;
	case CT_F_ZONE_DIR_REPL:
		return CT_ZONE_DIR_REPL;
	default:
		return CT_ZONE_DIR_ORIG | CT_ZONE_DIR_REPL;
	}
}

static int ct_tg_final_check(void *data, struct xt_parse *ps)
{
	struct ct_tg *t = data;

	t->xflags = 0;
	memset(&t->tmpl, 0, sizeof(t->tmpl));
	t->tmpl.status = CT_S_TEMPLATE | CT_S_CONFIRMED;
	t->tmpl.tmpl_zone.id = t->zone;
	t->tmpl.tmpl_zone.dir = ct_tg_zone_dir(t->flags);
	t->tmpl.tmpl_zone.from_mark = (t->flags & CT_F_ZONE_MARK) != 0;
	memcpy(t->tmpl.helper, t->helper, sizeof(t->tmpl.helper));
	return 0;
}

/* The helpers a kernel registers: name, L4 protocol, families (1 v4, 2 v6). */
static const struct { const char *name; uint8_t proto; uint8_t fams; } ct_helpers[] = {
	{ "ftp", 6, 3 }, { "tftp", 17, 3 }, { "irc", 6, 1 }, { "sip", 17, 3 }, { "sip", 6, 3 },
	{ "amanda", 17, 3 }, { "netbios-ns", 17, 1 }, { "snmp", 17, 1 }, { "pptp", 6, 1 },
	{ "sane", 6, 3 }, { "RAS", 17, 3 }, { "Q.931", 6, 3 },
};

/* xt_ct_set_helper(): the rule's -p must name the helper's protocol. */
static bool ct_helper_exists(const char *name, const struct xt_parse *ps)
{
	const struct xt_rule *r = ps->rule;
	uint8_t fam = ps->family == XT_FAMILY_V6 ? 2 : 1;

	if (!r || !r->ip.proto || (r->ip.invflags & XT_INV_PROTO))
		return false;
	for (size_t i = 0; i < sizeof(ct_helpers) / sizeof(ct_helpers[0]); i++)
		if (!strcmp(ct_helpers[i].name, name) && ct_helpers[i].proto == r->ip.proto &&
		    (ct_helpers[i].fams & fam))
			return true;
	return false;
}

/* xt_ct_tg_check(): a template needs conntrack; a helper must exist. */
static int ct_tg_check(const void *data, struct xt_parse *ps)
{
	const struct ct_tg *t = data;

	if (t->flags & CT_F_NOTRACK)
		return 0;
	if (t->helper[0] && !ct_helper_exists(t->helper, ps))
		return -ENOENT;         /* xt_ct_set_helper(): no protocol, or no such helper */
	if (t->timeout[0])
		return -EINVAL;         /* xt_ct_set_timeout(): no timeout policy exists */
	if (!ps->net)
		return 0;
	return ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
								  : USNF_NFPROTO_IPV4) ? -1 : 0;
}

static void ct_tg_dump(const struct ct_tg *t, const char *pfx, struct strbuf *out)
{
	if (t->flags & CT_F_NOTRACK)
		sb_addf(out, " %snotrack", pfx);
	if (t->helper[0])
		sb_addf(out, " %shelper %s", pfx, t->helper);
	if (t->timeout[0])
		sb_addf(out, " %stimeout %s", pfx, t->timeout);
	if (t->ct_events)
		ct_print_events(pfx[0] ? " --ctevents" : " ctevents", ct_event_names, 10,
				t->ct_events, out);
	if (t->exp_events)
		ct_print_events(pfx[0] ? " --expevents" : " expevents", exp_event_names, 1,
				t->exp_events, out);
	if (t->zone || (t->flags & CT_F_ZONE_MARK)) {
		uint8_t dir = ct_tg_zone_dir(t->flags);

		sb_addf(out, " %szone%s", pfx, dir == CT_ZONE_DIR_ORIG ? "-orig" :
					    dir == CT_ZONE_DIR_REPL ? "-reply" : "");
		if (t->flags & CT_F_ZONE_MARK)
			sb_add(out, " mark");
		else
			sb_addf(out, " %u", t->zone);
	}
}

static void ct_tg_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	ct_tg_dump(data, "--", out);
}

static void ct_tg_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	sb_add(out, " CT");
	ct_tg_dump(data, "", out);
}

static unsigned int ct_tg(struct pkt *pkt, void *data, struct xt_action *par)
{
	struct ct_tg *t = data;

	/* A packet that already has a conntrack (or is untracked) is left alone. */
	if (pkt->ct || ct_pkt_untracked(pkt))
		return XT_CONTINUE;
	if (t->flags & CT_F_NOTRACK) {
		ct_set_untracked(pkt);
		return XT_CONTINUE;
	}
	pkt->ct = &t->tmpl;
	pkt->ctinfo = (pkt->ctinfo & ~CT_INFO_MASK) | CT_NEW;
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_ct = {
	.name = "CT",
	.revision = 2,
	.family = XT_EXT_ANY,
	.size = sizeof(struct ct_tg),
	.opts = ct_opts,
	.table = "raw",
	.parse = ct_tg_parse,
	.final_check = ct_tg_final_check,
	.check = ct_tg_check,
	.save = ct_tg_save,
	.print = ct_tg_print,
	.target = ct_tg,
};

/* NOTRACK: CT --notrack under its old name (saved as "-j NOTRACK"; -L shows target CT
 * and " NOTRACK"). */
static const struct xt_opt notrack_opts[] = { { 0 } };

static void notrack_init(void *data)
{
	struct ct_tg *t = data;

	t->flags = CT_F_NOTRACK | CT_F_NOTRACK_ALIAS;
}

static void notrack_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
}

static void notrack_print(const void *data, const struct xt_rule *r, unsigned int flags,
			  struct strbuf *out)
{
	sb_add(out, " NOTRACK");
}

const struct xt_target_ops xt_target_notrack = {
	.name = "NOTRACK",
	.real_name = "CT",
	.revision = 0,
	.family = XT_EXT_ANY,
	.size = sizeof(struct ct_tg),
	.opts = notrack_opts,
	.table = "raw",
	.init = notrack_init,
	.save = notrack_save,
	.print = notrack_print,
	.target = ct_tg,
};
