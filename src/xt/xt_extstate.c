/* xt_extstate: per-instance named objects shared by the rules of stateful extensions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/net.h"
#include "xt/xt.h"
#include "xt/xt_extstate.h"

struct xt_extobj {
	struct xt_extobj *next;
	const char *kind;               /* a string literal of the extension */
	char *name;
	void (*fini)(void *obj);
	bool pinned;                    /* outlives its rules (xt_extstate_pin) */
	bool marked;                    /* a published rule holds it (collection) */
	max_align_t data[];
};

/* The list head lives in struct xt_net (xt_table.c). */
struct xt_extobj **xt_net_extstate(struct usnf_net *net);

static struct xt_extobj **xt_extstate_slot(struct usnf_net *net, const char *kind,
					   const char *name)
{
	struct xt_extobj **pp = xt_net_extstate(net);

	for (; pp && *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->kind, kind) == 0 && strcmp((*pp)->name, name) == 0)
			return pp;
	return pp;
}

void *xt_extstate_find(struct usnf_net *net, const char *kind, const char *name)
{
	struct xt_extobj **pp = net ? xt_extstate_slot(net, kind, name) : NULL;

	return pp && *pp ? (*pp)->data : NULL;
}

void *xt_extstate_get(struct usnf_net *net, const char *kind, const char *name, size_t size,
		      void (*fini)(void *obj), bool *created)
{
	struct xt_extobj **pp, *o;

	*created = false;
	if (!net)
		return NULL;
	pp = xt_extstate_slot(net, kind, name);
	if (!pp)
		return NULL;
	if (*pp)
		return (*pp)->data;
	o = calloc(1, sizeof(*o) + size);
	if (!o)
		return NULL;
	o->name = strdup(name);
	if (!o->name) {
		free(o);
		return NULL;
	}
	o->kind = kind;
	o->fini = fini;
	*pp = o;
	*created = true;
	return o->data;
}

static void xt_extobj_free(struct xt_extobj *o)
{
	if (o->fini)
		o->fini(o->data);
	free(o->name);
	free(o);
}

int xt_extstate_del(struct usnf_net *net, const char *kind, const char *name)
{
	struct xt_extobj **pp = xt_extstate_slot(net, kind, name), *o;

	if (!pp || !*pp)
		return -ENOENT;
	o = *pp;
	*pp = o->next;
	xt_extobj_free(o);
	return 0;
}

int xt_extstate_pin(struct usnf_net *net, const char *kind, const char *name)
{
	struct xt_extobj **pp = xt_extstate_slot(net, kind, name);

	if (!pp || !*pp)
		return -ENOENT;
	(*pp)->pinned = true;
	return 0;
}

bool xt_extstate_empty(struct usnf_net *net)
{
	struct xt_extobj **pp = xt_net_extstate(net);

	return !pp || !*pp;
}

void xt_extstate_unmark(struct usnf_net *net)
{
	struct xt_extobj **pp = xt_net_extstate(net), *o;

	for (o = pp ? *pp : NULL; o; o = o->next)
		o->marked = false;
}

void xt_extstate_mark(void *net, const char *kind, const char *name)
{
	struct xt_extobj **pp = xt_extstate_slot(net, kind, name);

	if (pp && *pp)
		(*pp)->marked = true;
}

void xt_extstate_sweep(struct usnf_net *net)
{
	struct xt_extobj **pp = xt_net_extstate(net), *o;

	while (pp && *pp) {
		o = *pp;
		if (o->pinned || o->marked) {
			pp = &o->next;
			continue;
		}
		*pp = o->next;
		xt_extobj_free(o);
	}
}

/*
 * Rules change only by commits, each of which ends with a collection, so the marks
 * it left say which objects the published rules hold now.
 */
bool xt_extstate_held(struct usnf_net *net, const char *kind, const char *name)
{
	struct xt_extobj **pp = xt_extstate_slot(net, kind, name);

	return pp && *pp && (*pp)->marked;
}

void xt_extstate_foreach(struct usnf_net *net, const char *kind,
			 void (*fn)(void *ctx, const char *name, void *obj), void *ctx)
{
	struct xt_extobj **pp = xt_net_extstate(net), *o;

	for (o = pp ? *pp : NULL; o; o = o->next)
		if (strcmp(o->kind, kind) == 0)
			fn(ctx, o->name, o->data);
}

void xt_extstate_del_unheld(struct usnf_net *net, const char *kind)
{
	struct xt_extobj **pp = xt_net_extstate(net), *o;

	while (pp && *pp) {
		o = *pp;
		if (o->marked || strcmp(o->kind, kind) != 0) {
			pp = &o->next;
			continue;
		}
		*pp = o->next;
		xt_extobj_free(o);
	}
}

void xt_extstate_exit(struct usnf_net *net)
{
	struct xt_extobj **pp = xt_net_extstate(net), *o;

	while (pp && *pp) {
		o = *pp;
		*pp = o->next;
		xt_extobj_free(o);
	}
}
