/* nfacct: named accounting objects (nfnetlink_acct) that the nfacct match counts into. */
#ifndef USNF_XT_EXT_NFACCT_H
#define USNF_XT_EXT_NFACCT_H

#include <stdbool.h>
#include <stdint.h>

struct usnf_net;

#define NFACCT_NAME_MAX 32

/* struct nf_acct: counters and an optional quota (flags NFACCT_F_*). */
struct nfacct_obj {
	uint64_t pkts, bytes;
	uint64_t quota;
	uint32_t flags;
	bool overquota_seen;            /* NFACCT_OVERQUOTA_BIT: the quota was reached */
};
#define NFACCT_F_QUOTA_PKTS 0x01
#define NFACCT_F_QUOTA_BYTES 0x02
#define NFACCT_F_QUOTA (NFACCT_F_QUOTA_PKTS | NFACCT_F_QUOTA_BYTES)

/* `nfacct add NAME` with NLM_F_EXCL: 0, -EEXIST, -EINVAL (bad name) or -ENOMEM. */
int nfacct_obj_add(struct usnf_net *net, const char *name);
/*
 * nfnl_acct_new() as the nfacct tool asks it (NLM_F_CREATE, no NLM_F_EXCL): an object
 * with init's counters, flags and quota.  0, -EBUSY (exists), -EINVAL (empty name, both
 * quota flags) or -ENOMEM.  The name is cut to NFACCT_NAME_MAX - 1 bytes (nla_strscpy).
 */
int nfacct_obj_new(struct usnf_net *net, const char *name, const struct nfacct_obj *init);
/* The object named name or NULL. */
struct nfacct_obj *nfacct_obj_find(struct usnf_net *net, const char *name);
/* nfnl_acct_del() of one object: 0, -ENOENT, or -EBUSY while a rule uses it. */
int nfacct_obj_del(struct usnf_net *net, const char *name);
/* nfnl_acct_del() without a name: every object no rule uses. */
void nfacct_obj_flush(struct usnf_net *net);
/* Every object, oldest first (the kernel's nfnl_acct_list order). */
void nfacct_obj_foreach(struct usnf_net *net,
			void (*fn)(void *ctx, const char *name, struct nfacct_obj *o), void *ctx);

#endif
