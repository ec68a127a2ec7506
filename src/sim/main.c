/* usnf: the command-line program (sim, bench and the command language), a subcommand table. */
#include <stdio.h>
#include <string.h>

#include "sim/bench.h"
#include "sim/sim.h"

static int cmd_help(int argc, char **argv);

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct subcommand subcommands[] = {
	{ "sim", sim_main, "simulate a router: usnf sim -f SETUP [-i IN.pcapng] [-o OUT.pcapng] "
			   "[--log LOG.jsonl] [--dump DIR] [--iface NAME]... [--trace] "
			   "[--nflog GROUP=FILE]... [--queue-verdict [N=]VERDICT]..." },
	{ "bench", bench_main, "benchmarks (usnf bench --help)" },
	{ "ip", sim_oneshot, NULL },
	{ "sysctl", sim_oneshot, NULL },
	{ "iptables", sim_oneshot, NULL },
	{ "ip6tables", sim_oneshot, NULL },
	{ "iptables-save", sim_oneshot, NULL },
	{ "ip6tables-save", sim_oneshot, NULL },
	{ "iptables-restore", sim_oneshot, NULL },
	{ "ip6tables-restore", sim_oneshot, NULL },
	{ "ipset", sim_oneshot, NULL },
	{ "nfacct", sim_oneshot, NULL },
	{ "nfbpf_compile", sim_oneshot, "nfbpf_compile [LINKTYPE] EXPR: a tcpdump filter as -m bpf --bytecode" },
	{ "nat", sim_oneshot, "nat stats | nat deterministic [on|off] (the sim dump has nat-stats.txt)" },
	{ "help", cmd_help, "this text" },
	{ "--help", cmd_help, NULL },
	{ "-h", cmd_help, NULL },
};

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("usage: usnf COMMAND [ARGS]\n\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (subcommands[i].help)
			printf("  %-8s %s\n", subcommands[i].name, subcommands[i].help);
	printf("  ip | sysctl | iptables | ip6tables | iptables-save | ip6tables-save |\n"
	       "  iptables-restore | ip6tables-restore | ipset | nfacct ARGS...\n"
	       "           one command on a fresh, empty instance (output as the real tool's)\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help(0, NULL);
		return 2;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "usnf: unknown command '%s' (usnf --help)\n", argv[1]);
	return 2;
}
