/*
 * xt_kmod: which extension modules the emulated kernel has.
 *
 * usnf builds every extension in, but the kernel it mirrors (the reference machine:
 * Debian 12's iptables 1.8.9 on a kernel without /lib/modules) lacks a few modules,
 * and there the real iptables refuses their rules: iptables-nft warns "Extension ipvs
 * revision 0 not supported, missing kernel module?" and the kernel answers ENOENT.
 * So do we, until the setup says the module is there with `modprobe xt_ipvs`, as on
 * a machine that ships it.
 */
#include <errno.h>
#include <string.h>

#include "xt/xt.h"

/* The optional modules; bit i of xt_net.kmods is optional_kmods[i]. */
static const char *const optional_kmods[] = { "xt_ipvs", "xt_LED", "ipt_CLUSTERIP" };

/* Modules the emulated kernel has built in: `modprobe` of them does nothing. */
static const char *const builtin_prefixes[] = {
	"x_tables", "xt_", "ipt_", "ip6t_", "ip_tables", "ip6_tables", "iptable_", "ip6table_",
	"nf_", "nfnetlink", "ip_set",
};

static int xt_kmod_index(const char *kmod)
{
	for (size_t i = 0; i < sizeof(optional_kmods) / sizeof(optional_kmods[0]); i++)
		if (strcmp(optional_kmods[i], kmod) == 0)
			return (int)i;
	return -1;
}

bool xt_kmod_loaded(struct usnf_net *net, const char *kmod)
{
	const uint32_t *kmods = xt_net_kmods(net);
	int i = xt_kmod_index(kmod);

	return i < 0 || (kmods && (*kmods & (1u << i)));
}

int xt_kmod_load(struct usnf_net *net, const char *kmod)
{
	uint32_t *kmods = xt_net_kmods(net);
	int i = xt_kmod_index(kmod);

	if (i >= 0) {
		if (!kmods)
			return -ENOMEM;
		*kmods |= 1u << i;
		return 0;
	}
	for (size_t j = 0; j < sizeof(builtin_prefixes) / sizeof(builtin_prefixes[0]); j++)
		if (strncmp(kmod, builtin_prefixes[j], strlen(builtin_prefixes[j])) == 0)
			return 0;
	return -ENOENT;
}
