/* nfacct: named accounting objects (nfnetlink_acct) that the nfacct match counts into. */
#ifndef USNF_XT_EXT_NFACCT_H
#define USNF_XT_EXT_NFACCT_H

#include <stdbool.h>
#include <stdint.h>

struct usnf_net;

#define NFACCT_NAME_MAX 32

/* struct nf_acct: counters and an optional quota (flags NFACCT_F_QUOTA_*). */
struct nfacct_obj {
	uint64_t pkts, bytes;
	uint64_t quota;
	uint32_t flags;
	bool overquota_seen;
};
#define NFACCT_F_QUOTA_PKTS 0x01
#define NFACCT_F_QUOTA_BYTES 0x02

/* `nfacct add NAME`: 0, -EEXIST, -EINVAL (name too long) or -ENOMEM. */
int nfacct_obj_add(struct usnf_net *net, const char *name);
/* The object named name or NULL. */
struct nfacct_obj *nfacct_obj_find(struct usnf_net *net, const char *name);

#endif
