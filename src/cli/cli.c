/* cli: the command dispatcher, a table of tool names and their entry points (as wg.c). */
#include "cli/cli.h"

#include <errno.h>
#include <string.h>

struct cli_cmd {
	const char *name;
	cli_cmd_fn fn;
};

/*
 * The tools.  iptables and ip6tables share entry points: each looks at argv[0] to pick
 * the family, as the xtables-nft-multi binary does with its symlinks.
 */
static const struct cli_cmd cli_cmds[] = {
	{ "ip", cli_ip },
	{ "sysctl", cli_sysctl },
	{ "iptables", cli_iptables },
	{ "ip6tables", cli_iptables },
	{ "iptables-save", cli_iptables_save },
	{ "ip6tables-save", cli_iptables_save },
	{ "iptables-restore", cli_iptables_restore },
	{ "ip6tables-restore", cli_iptables_restore },
	{ "conntrack", cli_conntrack },
	{ "nat", cli_nat },
	{ "ipset", cli_ipset },
	{ "modprobe", cli_modprobe },
	{ "nfacct", cli_nfacct },
	{ "cat", cli_cat },
	{ "ls", cli_ls },
	{ "nfbpf_compile", cli_nfbpf_compile },
};

static const char *cli_basename(const char *s)
{
	const char *slash = strrchr(s, '/');

	return slash ? slash + 1 : s;
}

int cli_run(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 1 || !argv[0])
		return -EINVAL;
	/* "/usr/sbin/iptables" names the same tool as "iptables", as a shell's PATH lookup */
	const char *name = cli_basename(argv[0]);
	for (size_t i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++) {
		if (strcmp(name, cli_cmds[i].name) != 0)
			continue;
		char *saved = argv[0];
		argv[0] = (char *)cli_cmds[i].name;
		int rc = cli_cmds[i].fn(ctx, argc, argv);
		argv[0] = saved;
		return rc;
	}
	return -ENOENT;
}
