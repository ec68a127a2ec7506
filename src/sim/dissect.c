/* sim/dissect: decode enough of a frame (ARP, IPv4, IPv6, TCP, UDP, ICMP) to say what it is. */
#include "sim/dissect.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void add_mac(struct strbuf *out, const uint8_t *m)
{
	sb_addf(out, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void add_ip(struct strbuf *out, int af, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];

	sb_add(out, inet_ntop(af, a, s, sizeof(s)) ? s : "?");
}

static void dissect_arp(const uint8_t *p, uint32_t len, struct strbuf *out)
{
	if (len < 28 || be16(p) != 1 || be16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4) {
		sb_addf(out, "ARP (%u bytes, not Ethernet/IPv4)", len);
		return;
	}
	uint16_t op = be16(p + 6);
	if (op == 1) {
		sb_add(out, "ARP who-has ");
		add_ip(out, AF_INET, p + 24);
		sb_add(out, " tell ");
		add_ip(out, AF_INET, p + 14);
	} else if (op == 2) {
		sb_add(out, "ARP reply ");
		add_ip(out, AF_INET, p + 14);
		sb_add(out, " is-at ");
		add_mac(out, p + 8);
	} else {
		sb_addf(out, "ARP op %u", op);
	}
}

static void add_tcp_flags(struct strbuf *out, uint8_t f)
{
	static const char names[] = "FSRPAUEC";

	sb_add(out, " [");
	for (int i = 0; i < 8; i++)
		if (f & (1u << i))
			sb_addc(out, names[i] == 'A' ? '.' : names[i]);
	sb_add(out, "]");
}

static void dissect_l4_ports(const char *name, const uint8_t *p, uint32_t len,
			     struct strbuf *out)
{
	if (len < 4) {
		sb_addf(out, " %s (truncated)", name);
		return;
	}
	sb_addf(out, " %s %u > %u", name, be16(p), be16(p + 2));
}

static void dissect_tcp(const uint8_t *p, uint32_t len, struct strbuf *out)
{
	dissect_l4_ports("TCP", p, len, out);
	if (len < 20)
		return;
	add_tcp_flags(out, p[13]);
	uint32_t doff = (uint32_t)(p[12] >> 4) * 4;
	if (doff >= 20 && doff <= len && len - doff)
		sb_addf(out, " len %u", len - doff);
}

static const char *icmp4_name(uint8_t type, uint8_t code)
{
	static const char *const unreach[] = {
		"net-unreachable", "host-unreachable", "protocol-unreachable",
		"port-unreachable", "fragmentation-needed", "source-route-failed",
		"net-unknown", "host-unknown", "host-isolated", "net-prohibited",
		"host-prohibited", "TOS-net-unreachable", "TOS-host-unreachable",
		"communication-prohibited", "host-precedence-violation", "precedence-cutoff",
	};

	switch (type) {
	case 0: return "echo-reply";
	case 3: return code < 16 ? unreach[code] : "destination-unreachable";
	case 5: return "redirect";
	case 8: return "echo-request";
	case 11: return code ? "fragment-reassembly-time-exceeded" : "ttl-exceeded";
	case 12: return "parameter-problem";
	default: return NULL;
	}
}

static void dissect_icmp4(const uint8_t *p, uint32_t len, struct strbuf *out)
{
	if (len < 8) {
		sb_add(out, " ICMP (truncated)");
		return;
	}
	const char *n = icmp4_name(p[0], p[1]);
	if (n)
		sb_addf(out, " ICMP %s", n);
	else
		sb_addf(out, " ICMP type %u code %u", p[0], p[1]);
	if (p[0] == 0 || p[0] == 8)
		sb_addf(out, " id %u seq %u", be16(p + 4), be16(p + 6));
	else if (p[0] == 3 && p[1] == 4)
		sb_addf(out, " mtu %u", be16(p + 6));
}

static void dissect_ipv4(const uint8_t *p, uint32_t len, struct strbuf *out)
{
	if (len < 20 || p[0] >> 4 != 4 || (p[0] & 15) < 5 || (uint32_t)(p[0] & 15) * 4 > len) {
		sb_addf(out, "IPv4 malformed header (%u bytes)", len);
		return;
	}
	uint32_t ihl = (uint32_t)(p[0] & 15) * 4, tot = be16(p + 2);
	uint16_t frag = be16(p + 6);
	sb_add(out, "IPv4 ");
	add_ip(out, AF_INET, p + 12);
	sb_add(out, " > ");
	add_ip(out, AF_INET, p + 16);
	sb_addf(out, " ttl %u", p[8]);
	if (frag & 0x3fff)
		sb_addf(out, " frag off %u%s", (frag & 0x1fff) * 8u, frag & 0x2000 ? " MF" : "");
	if (tot < len && tot >= ihl)
		len = tot;
	if (frag & 0x1fff) {
		sb_addf(out, " proto %u, %u bytes", p[9], tot);
		return;
	}
	const uint8_t *l4 = p + ihl;
	uint32_t l4len = len - ihl;
	if (p[9] == 6)
		dissect_tcp(l4, l4len, out);
	else if (p[9] == 17)
		dissect_l4_ports("UDP", l4, l4len, out);
	else if (p[9] == 1)
		dissect_icmp4(l4, l4len, out);
	else
		sb_addf(out, " proto %u", p[9]);
	sb_addf(out, ", %u bytes", tot);
}

static const char *icmp6_name(uint8_t type)
{
	switch (type) {
	case 1: return "destination-unreachable";
	case 2: return "packet-too-big";
	case 3: return "time-exceeded";
	case 4: return "parameter-problem";
	case 128: return "echo-request";
	case 129: return "echo-reply";
	case 133: return "router-solicitation";
	case 134: return "router-advertisement";
	case 135: return "neighbor-solicitation";
	case 136: return "neighbor-advertisement";
	case 143: return "mld2-report";
	default: return NULL;
	}
}

static void dissect_icmp6(const uint8_t *p, uint32_t len, struct strbuf *out)
{
	if (len < 8) {
		sb_add(out, " ICMPv6 (truncated)");
		return;
	}
	const char *n = icmp6_name(p[0]);
	if (n)
		sb_addf(out, " ICMPv6 %s", n);
	else
		sb_addf(out, " ICMPv6 type %u", p[0]);
	if (p[0] < 128)
		sb_addf(out, " code %u", p[1]);
	if (p[0] == 128 || p[0] == 129)
		sb_addf(out, " id %u seq %u", be16(p + 4), be16(p + 6));
	if ((p[0] == 135 || p[0] == 136) && len >= 24) {
		sb_add(out, p[0] == 135 ? " who-has " : " tgt ");
		add_ip(out, AF_INET6, p + 8);
	}
	if (p[0] == 2)
		sb_addf(out, " mtu %u", (unsigned)(be16(p + 4) << 16 | be16(p + 6)));
}

static void dissect_ipv6(const uint8_t *p, uint32_t len, struct strbuf *out)
{
	if (len < 40 || p[0] >> 4 != 6) {
		sb_addf(out, "IPv6 malformed header (%u bytes)", len);
		return;
	}
	sb_add(out, "IPv6 ");
	add_ip(out, AF_INET6, p + 8);
	sb_add(out, " > ");
	add_ip(out, AF_INET6, p + 24);
	sb_addf(out, " hlim %u", p[7]);
	uint32_t plen = be16(p + 4), off = 40, end = 40 + plen < len ? 40 + plen : len;
	uint8_t nh = p[6];
	/* hop-by-hop, routing, destination options and fragment headers */
	while ((nh == 0 || nh == 43 || nh == 60 || nh == 44) && off + 8 <= end) {
		if (nh == 44) {
			uint16_t fo = be16(p + off + 2);
			sb_addf(out, " frag off %u%s", (fo & 0xfff8u), fo & 1 ? " MF" : "");
			if (fo & 0xfff8u) {
				sb_addf(out, " next %u, %u bytes", p[off], plen + 40);
				return;
			}
			nh = p[off];
			off += 8;
			continue;
		}
		sb_addf(out, " ext %u", nh);
		nh = p[off];
		off += 8u * (p[off + 1] + 1u);
	}
	if (off > end) {
		sb_add(out, " (truncated extension header)");
		return;
	}
	if (nh == 6)
		dissect_tcp(p + off, end - off, out);
	else if (nh == 17)
		dissect_l4_ports("UDP", p + off, end - off, out);
	else if (nh == 58)
		dissect_icmp6(p + off, end - off, out);
	else
		sb_addf(out, " next %u", nh);
	sb_addf(out, ", %u bytes", plen + 40);
}

void dissect_frame(const uint8_t *frame, uint32_t len, struct strbuf *out)
{
	if (len < 14) {
		sb_addf(out, "runt frame (%u bytes)", len);
		return;
	}
	uint16_t type = be16(frame + 12);
	const uint8_t *p = frame + 14;
	uint32_t plen = len - 14;
	if (type == 0x8100 && len >= 18) {
		sb_addf(out, "vlan %u ", be16(frame + 14) & 0xfff);
		type = be16(frame + 16);
		p += 4;
		plen -= 4;
	}
	if (type == 0x0806)
		dissect_arp(p, plen, out);
	else if (type == 0x0800)
		dissect_ipv4(p, plen, out);
	else if (type == 0x86dd)
		dissect_ipv6(p, plen, out);
	else
		sb_addf(out, "ethertype 0x%04x, %u bytes", type, len);
}
