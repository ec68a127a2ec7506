/* ext_harness: build a match from "--opt value" words as the iptables front end does (tests). */
#ifndef USNF_TEST_EXT_HARNESS_H
#define USNF_TEST_EXT_HARNESS_H

#include <stdbool.h>
#include <string.h>

#include "xt/xt.h"

/*
 * Parse args ("! --opt value ...", NULL-terminated) into ops's data on rule, then
 * final_check and check.  Returns the match data, or NULL with the message in ps->err.
 * The caller's test asserts; an unknown option name fails the test (assert_non_null).
 */
static inline void *ext_harness_match(struct xt_rule *rule, const struct xt_match_ops *ops,
				      struct xt_parse *ps, const char *const *args)
{
	bool invert = false;
	void *data;

	ps->rule = rule;
	data = xt_rule_add_match(rule, ops);
	assert_non_null(data);
	sb_reset(ps->err);
	for (; *args; args++) {
		const struct xt_opt *o;

		if (strcmp(*args, "!") == 0) {
			invert = true;
			continue;
		}
		for (o = ops->opts; o->name && strcmp(o->name, *args + 2); o++)
			;
		assert_non_null(o->name);
		if (ops->parse(data, o->id, o->arg ? args[1] : NULL, invert, ps))
			return NULL;
		if (o->arg)
			args++;
		invert = false;
	}
	if (ops->final_check && ops->final_check(data, ps))
		return NULL;
	if (ops->check && ops->check(data, ps))
		return NULL;
	return data;
}

#endif
