/* fuzz_frame: every input is an Ethernet frame received by a small two-port router. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <usnf/net.h>

#include "cli/cli.h"

/*
 * The router, built once: eth0 10.0.0.1/24 + 2001:db8:0::1/64, eth1 10.0.1.1/24 +
 * 2001:db8:1::1/64, forwarding on, static neighbours so forwarded frames reach
 * the transmit callback, and a few rules so that the xt traversal runs too.
 * Commands the engine does not know (yet) are skipped: the harness must keep
 * working while the command language grows.
 */
static const char *const fuzz_setup[] = {
	"sysctl -w net.ipv4.ip_forward=1",
	"sysctl -w net.ipv6.conf.all.forwarding=1",
	"ip link set eth0 address 02:00:00:00:00:01 up",
	"ip link set eth1 address 02:00:00:00:01:01 up",
	"ip addr add 10.0.0.1/24 dev eth0",
	"ip addr add 10.0.1.1/24 dev eth1",
	"ip -6 addr add 2001:db8:0::1/64 dev eth0",
	"ip -6 addr add 2001:db8:1::1/64 dev eth1",
	"ip -6 addr add fe80::1/64 dev eth0",
	"ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev eth0",
	"ip neigh add 10.0.1.2 lladdr 02:00:00:00:01:02 dev eth1",
	"ip -6 neigh add 2001:db8:0::2 lladdr 02:00:00:00:00:02 dev eth0",
	"ip -6 neigh add 2001:db8:1::2 lladdr 02:00:00:00:01:02 dev eth1",
	"ip route add 192.168.0.0/16 via 10.0.1.2",
	"iptables -A FORWARD -p tcp --dport 22 -j DROP",
	"iptables -A FORWARD -p udp --dport 9 -j REJECT",
	"iptables -A INPUT -p icmp -j ACCEPT",
	"iptables -A FORWARD -m state --state ESTABLISHED,RELATED -j ACCEPT",
	"ip6tables -A FORWARD -p tcp --dport 22 -j REJECT --reject-with tcp-reset",
	"ip6tables -A INPUT -p ipv6-icmp -j ACCEPT",
	NULL,
};

static struct usnf_net *fuzz_net;
static int fuzz_if[2];
static uint64_t fuzz_clock = 1700000000ull * 1000000000ull;
static volatile uint32_t fuzz_sink;

/* Touch every byte emitted, so that ASan checks the frames the engine builds. */
static void fuzz_tx(void *ctx, int ifindex, const uint8_t *frame, uint32_t len,
		    const struct pkt *pkt)
{
	uint32_t s = (uint32_t)ifindex;

	for (uint32_t i = 0; i < len; i++)
		s = s * 31 + frame[i];
	fuzz_sink += s;
}

static void fuzz_run_line(const char *line)
{
	char copy[256], *argv[24], *save = NULL;
	int argc = 0;
	struct cli_ctx ctx = { .net = fuzz_net, .out = STRBUF_INIT, .err = STRBUF_INIT };

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok_r(copy, " ", &save); w && argc < 23; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	(void)cli_run(&ctx, argc, argv);
	sb_release(&ctx.out);
	sb_release(&ctx.err);
}

static int fuzz_init(void)
{
	if (usnf_net_create(&fuzz_net))
		return -1;
	if (usnf_iface_add(fuzz_net, "eth0", &fuzz_if[0]) ||
	    usnf_iface_add(fuzz_net, "eth1", &fuzz_if[1]))
		return -1;
	usnf_net_set_tx(fuzz_net, fuzz_tx, NULL);
	for (int i = 0; fuzz_setup[i]; i++)
		fuzz_run_line(fuzz_setup[i]);
	return 0;
}

/* Each input arrives on eth0, then again on eth1 (both directions of the router). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_net && fuzz_init())
		abort();
	if (size > 65535)
		return 0;
	for (int i = 0; i < 2; i++) {
		fuzz_clock += 1000000;  /* 1 ms a frame: timers (conntrack, fragments) move */
		usnf_net_set_clock(fuzz_net, fuzz_clock);
		(void)usnf_net_rx(fuzz_net, fuzz_if[i], data, (uint32_t)size);
	}
	return 0;
}

#ifdef FUZZ_STANDALONE
/* Replay saved inputs without libFuzzer: fuzz_frame FILE... */
int main(int argc, char **argv)
{
	static uint8_t buf[65536];

	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
