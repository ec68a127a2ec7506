/*
 * nfacct: count the packet into a named accounting object (xt_nfacct.c,
 * libxt_nfacct.c, nfnetlink_acct.c).  The object must exist when the rule is
 * added (checkentry: -ENOENT otherwise); the match is true unless the object has
 * a quota it is still under (nfnl_acct_overquota() != NFACCT_UNDERQUOTA).
 */
#include <errno.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/ext/nfacct.h"
#include "xt/xt.h"
#include "xt/xt_extstate.h"

enum { O_NAME = 0 };

/* struct xt_nfacct_match_info: the name, then the object (runtime). */
struct nfacct_info {
	char name[NFACCT_NAME_MAX];
	struct nfacct_obj *obj;
};

static const struct xt_opt nfacct_opts[] = {
	{ .name = "nfacct-name", .id = O_NAME, .arg = XT_ARG_REQUIRED },
	{ 0 },
};

/* nla_strscpy() into char[NFACCT_NAME_MAX]: longer names are cut. */
static void nfacct_name_copy(char *dst, const char *name)
{
	size_t n = strnlen(name, NFACCT_NAME_MAX - 1);

	memcpy(dst, name, n);
	dst[n] = '\0';
}

int nfacct_obj_new(struct usnf_net *net, const char *name, const struct nfacct_obj *init)
{
	char nm[NFACCT_NAME_MAX];
	struct nfacct_obj *o;
	bool created;

	nfacct_name_copy(nm, name);
	if (nfacct_obj_find(net, nm))
		return -EBUSY;          /* matching object, no NLM_F_REPLACE */
	if (!nm[0] || (init->flags & NFACCT_F_QUOTA) == NFACCT_F_QUOTA ||
	    (init->flags & ~(uint32_t)NFACCT_F_QUOTA))
		return -EINVAL;
	o = xt_extstate_get(net, "nfacct", nm, sizeof(*o), NULL, &created);
	if (!o)
		return -ENOMEM;
	*o = *init;
	o->overquota_seen = false;
	if (!(o->flags & NFACCT_F_QUOTA))
		o->quota = 0;
	return xt_extstate_pin(net, "nfacct", nm);      /* made by the user, not a rule */
}

int nfacct_obj_add(struct usnf_net *net, const char *name)
{
	const struct nfacct_obj zero = { 0 };

	if (strlen(name) >= NFACCT_NAME_MAX)
		return -EINVAL;
	if (nfacct_obj_find(net, name))
		return -EEXIST;         /* NLM_F_EXCL */
	return nfacct_obj_new(net, name, &zero);
}

struct nfacct_obj *nfacct_obj_find(struct usnf_net *net, const char *name)
{
	char nm[NFACCT_NAME_MAX];

	nfacct_name_copy(nm, name);
	return xt_extstate_find(net, "nfacct", nm);
}

/* nfnl_acct_try_del(): refused while a rule holds a reference. */
int nfacct_obj_del(struct usnf_net *net, const char *name)
{
	char nm[NFACCT_NAME_MAX];

	nfacct_name_copy(nm, name);
	if (!xt_extstate_find(net, "nfacct", nm))
		return -ENOENT;
	if (xt_extstate_held(net, "nfacct", nm))
		return -EBUSY;
	return xt_extstate_del(net, "nfacct", nm);
}

void nfacct_obj_flush(struct usnf_net *net)
{
	xt_extstate_del_unheld(net, "nfacct");
}

struct nfacct_foreach_ctx {
	void (*fn)(void *ctx, const char *name, struct nfacct_obj *o);
	void *ctx;
};

static void nfacct_foreach_one(void *ctx, const char *name, void *obj)
{
	struct nfacct_foreach_ctx *c = ctx;

	c->fn(c->ctx, name, obj);
}

void nfacct_obj_foreach(struct usnf_net *net,
			void (*fn)(void *ctx, const char *name, struct nfacct_obj *o), void *ctx)
{
	struct nfacct_foreach_ctx c = { fn, ctx };

	xt_extstate_foreach(net, "nfacct", nfacct_foreach_one, &c);
}

static int nfacct_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct nfacct_info *ni = data;

	/* XTTYPE_STRING into char[32], .min = 1: longer names are refused */
	if (!arg[0])
		return xt_parse_error(ps, "Argument must have a minimum length of 1 characters\n");
	if (strlen(arg) >= NFACCT_NAME_MAX)
		return xt_parse_error(ps, "nfacct: option \"--nfacct-name\" is too long");
	memset(ni->name, 0, sizeof(ni->name));
	strcpy(ni->name, arg);
	return 0;
}

static int nfacct_final_check(void *data, struct xt_parse *ps)
{
	const struct nfacct_info *ni = data;

	if (!ni->name[0])
		return xt_parse_error(ps, "nfacct: option \"--nfacct-name\" must be specified");
	return 0;
}

/* nfacct_mt_checkentry(): nfnl_acct_find_get() must find the object. */
static int nfacct_check(const void *data, struct xt_parse *ps)
{
	const struct nfacct_info *ni = data;

	return nfacct_obj_find(ps->net, ni->name) ? 0 : -ENOENT;
}

/* nfacct_print_name(): xtables_save_string() adds its own leading space. */
static void nfacct_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	sb_add(out, " --nfacct-name ");
	ext_save_string(out, ((const struct nfacct_info *)data)->name);
}

static void nfacct_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	sb_add(out, " nfacct-name ");
	ext_save_string(out, ((const struct nfacct_info *)data)->name);
}

/* nfacct_mt(): nfnl_acct_update(), then nfnl_acct_overquota(). */
static bool nfacct_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	struct nfacct_info *ni = data;
	struct nfacct_obj *o = ni->obj;
	uint64_t now;

	if (!o)
		o = ni->obj = nfacct_obj_find(par->net, ni->name);
	if (!o)
		return true;    /* never checked: no object, no quota */
	o->pkts++;
	o->bytes += (pkt_end(pkt) - pkt->net_off);
	if (!(o->flags & (NFACCT_F_QUOTA_PKTS | NFACCT_F_QUOTA_BYTES)))
		return true;    /* NFACCT_NO_QUOTA */
	now = (o->flags & NFACCT_F_QUOTA_PKTS) ? o->pkts : o->bytes;
	/* the flag (and the quota message) at the quota, the verdict past it */
	if (now >= o->quota)
		o->overquota_seen = true;
	return now > o->quota;  /* NFACCT_OVERQUOTA, else NFACCT_UNDERQUOTA */
}

/* The rule holds its object (nfacct_mt_checkentry()'s reference): `nfacct del` is -EBUSY. */
static void nfacct_extrefs(const void *data, enum xt_family fam, xt_extref_fn ref, void *ctx)
{
	(void)fam;
	ref(ctx, "nfacct", ((const struct nfacct_info *)data)->name);
}

const struct xt_match_ops xt_match_nfacct = {
	.name = "nfacct",
	.family = XT_EXT_ANY,
	.size = sizeof(struct nfacct_info),
	.usersize = offsetof(struct nfacct_info, obj),
	.opts = nfacct_opts,
	.parse = nfacct_parse,
	.final_check = nfacct_final_check,
	.check = nfacct_check,
	.save = nfacct_save,
	.print = nfacct_print,
	.match = nfacct_match,
	.extrefs = nfacct_extrefs,
};
