/* fuzz_restore: iptables-restore text against a fresh instance; an accepted ruleset must
 * save, restore elsewhere and save again to the same text. */
#include "fuzz_roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool v6 = size && (data[0] & 0x80);
	char *rargv[] = { v6 ? "ip6tables-restore" : "iptables-restore", "-c", NULL };
	struct usnf_net *a = fz_net();

	if (fz_run(a, 2, rargv, (const char *)data, size, NULL) == 0)
		fz_check_roundtrip(a, v6);
	fz_free(a);
	return 0;
}
