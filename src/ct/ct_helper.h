/* ct_helper: the conntrack helpers and the expectation table (private to src/ct). */
#ifndef USNF_CT_HELPER_H
#define USNF_CT_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "ct/ct.h"

struct usnf_net;

/* struct nf_conntrack_helper: the help function and the expectation policy. */
struct ct_helper {
	const char *name;
	uint8_t proto;
	unsigned int max_expected;
	uint32_t timeout_s;
	/* helper->help(): USNF_ACCEPT or USNF_DROP. */
	unsigned int (*help)(struct usnf_net *net, struct pkt *p, uint32_t protoff,
			     struct ct_conn *c, enum ct_info ci);
};

/* The helper called name, NULL if usnf has none (the name is still shown). */
const struct ct_helper *ct_helper_find(const char *name);

/* The per-instance expectation table and the helper hook functions. */
struct ct_expect_net {
	struct ct_expect *list;         /* oldest first */
	struct ct_expect *freelist;
	unsigned int count;
	uint32_t next_id;
	bool on[2];
	struct usnf_hook_ops ops[2][2];
	const int *max;                 /* nf_conntrack_expect_max */
};
/* net->ct->expect, created on first use; NULL: no memory. */
struct ct_expect_net *ct_expect_net_get(struct usnf_net *net);
void ct_helper_unregister(struct usnf_net *net, struct ct_expect_net *xn);

/* The helpers (ct_helper_ftp.c, ct_helper_tftp.c). */
unsigned int ct_ftp_help(struct usnf_net *net, struct pkt *p, uint32_t protoff, struct ct_conn *c,
			 enum ct_info ci);
unsigned int ct_tftp_help(struct usnf_net *net, struct pkt *p, uint32_t protoff,
			  struct ct_conn *c, enum ct_info ci);

#endif
