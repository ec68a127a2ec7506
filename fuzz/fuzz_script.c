/* fuzz_script: the setup-file parser on arbitrary text; every command it returns is well formed. */
#include <stdint.h>
#include <stdlib.h>

#include "cli/script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script s;
	struct strbuf err = STRBUF_INIT;

	if (script_parse((const char *)data, size, &s, &err) == 0) {
		for (unsigned int i = 0; i < s.n; i++) {
			const struct script_cmd *c = &s.cmds[i];

			if (c->argc < 1 || c->argv[c->argc] != NULL || c->line < 1)
				abort();
			if (c->input && c->input[c->input_len] != '\0')
				abort();
		}
		script_free(&s);
	} else if (err.len == 0) {
		abort();        /* a rejection always says why */
	}
	sb_release(&err);
	return 0;
}
