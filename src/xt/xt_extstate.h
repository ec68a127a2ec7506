/*
 * xt_extstate: per-instance named objects that extensions share across rules
 * (xt_recent's and xt_hashlimit's tables, nfacct's accounting objects), as the
 * kernel keeps them per network namespace (net_generic()).  Objects are made in
 * a rule's check (control path), never per packet.  As the kernel frees them with
 * the last rule that holds them, every commit of a table ends with a collection
 * (xt_table_commit() -> xt_extstate_gc()): an object no published rule reports
 * through its extension's extrefs() is freed, unless pinned (nfacct objects, which
 * `nfacct add` makes and `nfacct del` removes).
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
/* Keep the object whatever the rules (nfacct add); 0 or -ENOENT. */
int xt_extstate_pin(struct usnf_net *net, const char *kind, const char *name);
/* Collection: clear every mark, mark what a rule reports, free the unmarked. */
void xt_extstate_unmark(struct usnf_net *net);
void xt_extstate_mark(void *net, const char *kind, const char *name);   /* an xt_extref_fn */
void xt_extstate_sweep(struct usnf_net *net);
bool xt_extstate_empty(struct usnf_net *net);
/* Whether a published rule held it at the last collection (nfacct del: -EBUSY). */
bool xt_extstate_held(struct usnf_net *net, const char *kind, const char *name);
/* Every object of kind, oldest first (nfacct list, /proc/net/xt_recent). */
void xt_extstate_foreach(struct usnf_net *net, const char *kind,
			 void (*fn)(void *ctx, const char *name, void *obj), void *ctx);
/* Drop every object of kind that no rule holds (nfacct flush). */
void xt_extstate_del_unheld(struct usnf_net *net, const char *kind);
/* Drop one object now (nfacct del); 0 or -ENOENT. */
int xt_extstate_del(struct usnf_net *net, const char *kind, const char *name);
/* Free everything (xt_net_exit). */
void xt_extstate_exit(struct usnf_net *net);

#endif
