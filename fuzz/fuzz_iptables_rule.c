/* fuzz_iptables_rule: one iptables/ip6tables command line against a fresh instance;
 * whatever is accepted must save, restore elsewhere and save again to the same text. */
#include "fuzz_roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[1024], *argv[128], *save = NULL, *tok;
	struct usnf_net *a;
	bool v6 = size && (data[0] & 1);
	int argc = 1;

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* Quotes and backslashes mean something to iptables-restore's tokenizer, exactly as
	 * they do for the real one: such names do not round-trip there either. */
	if (strlen(buf) != size || strpbrk(buf, "\"'\\#\r\v\f"))
		return 0;
	argv[0] = v6 ? "ip6tables" : "iptables";
	for (tok = strtok_r(buf + (size ? 1 : 0), " \t\n", &save); tok && argc < 126;
	     tok = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	a = fz_net();
	if (fz_run(a, argc, argv, NULL, 0, NULL) == 0)
		fz_check_roundtrip(a, v6);
	fz_free(a);
	return 0;
}
