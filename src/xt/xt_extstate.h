/*
 * xt_extstate: per-instance named objects that extensions share across rules
 * (xt_recent's and xt_hashlimit's tables, nfacct's accounting objects), as the
 * kernel keeps them per network namespace (net_generic()).  Objects are made in
 * a rule's check (control path), never per packet, and live until the instance
 * is destroyed.
 */
#ifndef USNF_XT_EXTSTATE_H
#define USNF_XT_EXTSTATE_H

#include <stdbool.h>
#include <stddef.h>

struct usnf_net;

/* The object of `kind` ("recent", "hashlimit", ...) named name, or NULL. */
void *xt_extstate_find(struct usnf_net *net, const char *kind, const char *name);
/*
 * Find, or create zeroed with `size` bytes (fini, if not NULL, is called before
 * it is freed).  *created tells which.  NULL on -ENOMEM.
 */
void *xt_extstate_get(struct usnf_net *net, const char *kind, const char *name, size_t size,
		      void (*fini)(void *obj), bool *created);
/* Drop one object now (nfacct del); 0 or -ENOENT. */
int xt_extstate_del(struct usnf_net *net, const char *kind, const char *name);
/* Free everything (xt_net_exit). */
void xt_extstate_exit(struct usnf_net *net);

#endif
