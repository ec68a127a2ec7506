/* fuzz_pktparse: the pkt header walkers (Ethernet/VLAN, IPv6 extension headers). */
#include <stdint.h>
#include <stdlib.h>

#include <usnf/pkt.h>

#include "pkt/csum.h"
#include "pkt/parse.h"

static struct pkt_pool *fuzz_pool;

/*
 * Input: an Ethernet frame.  Checks what callers rely on: the offsets found lie
 * inside the packet, the extension header walk only moves forward, and the
 * checksum helpers accept any range the walk returns.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct pkt *p;

	if (!fuzz_pool && pkt_pool_create(2, &fuzz_pool))
		abort();
	p = pkt_alloc(fuzz_pool);
	if (!p || pkt_set_data(p, data, (uint32_t)(size > PKT_DATA_MAX ? 0 : size))) {
		pkt_free(p);
		return 0;
	}
	if (pkt_parse_l2(p, mac) == 0) {
		if (p->net_off > pkt_end(p) || p->net_off < p->data + 14)
			abort();
		if (p->protocol == 0x86dd && pkt_header(p, p->net_off, 40)) {
			uint8_t nh = pkt_network(p)[6];
			uint16_t fo;
			bool isf;
			int off = pkt_ipv6_skip_exthdr(p, p->net_off + 40, &nh, &fo, &isf);

			if (off >= 0) {
				if ((uint32_t)off < p->net_off + 40 || (uint32_t)off > pkt_end(p))
					abort();
				(void)csum_l4(p, (uint32_t)off, pkt_end(p) - (uint32_t)off,
					      csum_pseudo6(pkt_network(p) + 8, pkt_network(p) + 24,
							   nh, pkt_end(p) - (uint32_t)off));
			}
		} else if (p->protocol == 0x0800 && pkt_header(p, p->net_off, 20)) {
			unsigned int ihl = pkt_network(p)[0] & 15;

			if (pkt_header(p, p->net_off, ihl * 4))
				(void)ip_fast_csum(pkt_network(p), ihl);
		}
	}
	pkt_free(p);
	return 0;
}
