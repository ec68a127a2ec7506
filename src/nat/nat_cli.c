/* nat_cli: `nat stats` (port-pool telemetry) and `nat deterministic on|off`. */
#include <string.h>

#include "cli/cli.h"
#include "nat/nat.h"

static int nat_usage(struct cli_ctx *c)
{
	sb_add(&c->err, "usage: nat stats | nat deterministic [on|off]\n");
	return 2;
}

int cli_nat(struct cli_ctx *c, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "stats") && argc == 2) {
		nat_stats_format(c->net, &c->out);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "deterministic")) {
		if (argc == 2) {
			sb_addf(&c->out, "%s\n", nat_get_deterministic(c->net) ? "on" : "off");
			return 0;
		}
		if (argc == 3 && (!strcmp(argv[2], "on") || !strcmp(argv[2], "off"))) {
			nat_set_deterministic(c->net, !strcmp(argv[2], "on"));
			return 0;
		}
	}
	return nat_usage(c);
}
