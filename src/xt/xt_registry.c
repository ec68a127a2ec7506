/* xt_registry: finding matches and targets by name and family (xt_find_match()). */
#include <string.h>

#include "xt/xt.h"

/* Declarations of every extension's ops, from the explicit list. */
#define XT_MATCH(sym) extern const struct xt_match_ops sym;
#define XT_TARGET(sym) extern const struct xt_target_ops sym;
#include "xt/ext/ext_list.h"
#undef XT_MATCH
#undef XT_TARGET

static const struct xt_match_ops *const xt_matches[] = {
#define XT_MATCH(sym) &sym,
#define XT_TARGET(sym)
#include "xt/ext/ext_list.h"
#undef XT_MATCH
#undef XT_TARGET
	NULL,
};

static const struct xt_target_ops *const xt_targets[] = {
#define XT_MATCH(sym)
#define XT_TARGET(sym) &sym,
#include "xt/ext/ext_list.h"
#undef XT_MATCH
#undef XT_TARGET
	NULL,
};

static bool xt_family_ok(uint8_t ext_family, enum xt_family fam)
{
	if (ext_family == XT_EXT_ANY)
		return true;
	return (ext_family == XT_EXT_V4) == (fam == XT_FAMILY_V4);
}

/* The newest revision serving fam, as xtables picks the highest the kernel supports. */
const struct xt_match_ops *xt_match_find(const char *name, enum xt_family fam)
{
	const struct xt_match_ops *best = NULL;
	size_t i;

	for (i = 0; xt_matches[i]; i++) {
		const struct xt_match_ops *m = xt_matches[i];

		if (strcmp(m->name, name) || !xt_family_ok(m->family, fam))
			continue;
		if (!best || m->revision > best->revision)
			best = m;
	}
	return best;
}

const struct xt_target_ops *xt_target_find(const char *name, enum xt_family fam)
{
	const struct xt_target_ops *best = NULL;
	size_t i;

	for (i = 0; xt_targets[i]; i++) {
		const struct xt_target_ops *t = xt_targets[i];

		if (strcmp(t->name, name) || !xt_family_ok(t->family, fam))
			continue;
		if (!best || t->revision > best->revision)
			best = t;
	}
	return best;
}
