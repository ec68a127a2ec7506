/*
 * nfbpf_compile: a tcpdump filter expression compiled by libpcap into the classic BPF
 * program the bpf match takes, printed as `-m bpf --bytecode` reads it
 * ("N,code jt jf k,code jt jf k,...").  As utils/nfbpf_compile.c of iptables 1.8.9:
 * the link type defaults to RAW (the match runs the program from the network header),
 * the program is optimized for a 65535-byte snap length with an unknown netmask, and
 * every failure is exit status 1 with the tool's own messages.
 */
#include <pcap/pcap.h>

#include "cli/cli.h"

/* The usage text, byte for byte, its stray quote after the last newline included. */
static void nfbpf_usage(struct cli_ctx *ctx, const char *prog)
{
	sb_addf(&ctx->err, "Usage:    %s [link] '<program>'\n\n"
		"          link is a pcap linklayer type:\n"
		"          one of EN10MB, RAW, SLIP, ...\n\n"
		"Examples: %s RAW 'tcp and greater 100'\n"
		"          %s EN10MB 'ip proto 47'\n'",
		prog, prog, prog);
}

/* "N," then each instruction as "code jt jf k", comma-separated, one newline. */
static void nfbpf_print(struct cli_ctx *ctx, const struct bpf_program *prog)
{
	sb_addf(&ctx->out, "%u,", prog->bf_len);
	for (unsigned int i = 0; i < prog->bf_len; i++) {
		const struct bpf_insn *ins = &prog->bf_insns[i];

		sb_addf(&ctx->out, "%u %u %u %u%c", ins->code, ins->jt, ins->jf, ins->k,
			i + 1 < prog->bf_len ? ',' : '\n');
	}
}

/*
 * pcap_compile_nopcap(), which the tool calls, is this open_dead/compile/close (it is
 * deprecated in libpcap's header); its error text is dropped, as the tool drops it.
 */
static int nfbpf_compile(int dlt, const char *expr, struct bpf_program *prog)
{
	pcap_t *p = pcap_open_dead(dlt, 65535);
	int rc;

	if (!p)
		return -1;
	rc = pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	pcap_close(p);
	return rc;
}

int cli_nfbpf_compile(struct cli_ctx *ctx, int argc, char **argv)
{
	struct bpf_program prog;
	int dlt = DLT_RAW;

	if (argc < 2 || argc > 3) {
		nfbpf_usage(ctx, argv[0]);
		return 1;
	}
	if (argc == 3) {
		dlt = pcap_datalink_name_to_val(argv[1]);
		if (dlt == -1) {
			sb_addf(&ctx->err, "Unknown datalinktype: %s\n", argv[1]);
			return 1;
		}
	}
	if (nfbpf_compile(dlt, argv[argc - 1], &prog)) {
		sb_add(&ctx->err, "Compilation error\n");
		return 1;
	}
	nfbpf_print(ctx, &prog);
	pcap_freecode(&prog);
	return 0;
}
