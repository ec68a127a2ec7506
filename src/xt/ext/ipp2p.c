/*
 * ipp2p: peer-to-peer traffic recognised by its payload (xtables-addons:
 * libxt_ipp2p.c and xt_ipp2p.c revision 1; IPv4 only, as the kernel module).
 * The classifiers below follow xt_ipp2p.c test for test, in the same order and
 * with the same minimum lengths.  Multi-byte fields the kernel reads in host
 * order (get_u16/get_u32 without ntohs/ntohl) are read little-endian, as on the
 * x86 hosts those signatures were written for.  --debug only makes the kernel
 * printk; usnf keeps the flag for printing.
 */
#include <string.h>

#include "xt/ext/ext_addons.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_EDK = 0, O_DC, O_GNU, O_KAZAA, O_BIT, O_APPLE, O_SOUL, O_WINMX, O_ARES, O_DEBUG };

/* struct ipt_p2p_info */
struct ipp2p_info {
	int32_t cmd;
	int32_t debug;
};

static const struct xt_opt ipp2p_opts[] = {
	{ .name = "edk", .id = O_EDK, .invertible = true, .multi = true },
	{ .name = "dc", .id = O_DC, .invertible = true, .multi = true },
	{ .name = "gnu", .id = O_GNU, .invertible = true, .multi = true },
	{ .name = "kazaa", .id = O_KAZAA, .invertible = true, .multi = true },
	{ .name = "bit", .id = O_BIT, .invertible = true, .multi = true },
	{ .name = "apple", .id = O_APPLE, .invertible = true, .multi = true },
	{ .name = "soul", .id = O_SOUL, .invertible = true, .multi = true },
	{ .name = "winmx", .id = O_WINMX, .invertible = true, .multi = true },
	{ .name = "ares", .id = O_ARES, .invertible = true, .multi = true },
	{ .name = "debug", .id = O_DEBUG, .invertible = true, .multi = true },
	{ 0 },
};

/* IPP2P_* bit of each option, and the names in bit order for printing. */
static const uint32_t ipp2p_bit[] = {
	XT_IPP2P_EDK, XT_IPP2P_DC, XT_IPP2P_GNU, XT_IPP2P_KAZAA, XT_IPP2P_BIT,
	XT_IPP2P_APPLE, XT_IPP2P_SOUL, XT_IPP2P_WINMX, XT_IPP2P_ARES,
};

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The kernel's codes are IPP2P_<proto> * 100 + n, with the bit value as <proto>. */
#define CODE(bit, n) ((bit) * 100u + (n))

/* udp_search_edk(): eDonkey/eMule/Kad datagrams by opcode and exact size. */
static unsigned int udp_edk(const uint8_t *t, uint32_t len)
{
	static const struct { uint8_t op; uint32_t len; unsigned int n; } e4[] = {
		{ 0x52, 36, 64 }, { 0x58, 6, 65 }, { 0x59, 2, 66 }, { 0x50, 4, 68 }, { 0x40, 48, 69 },
	};
	unsigned int i;

	if (len < 4)
		return 0;
	if (t[0] == 0xe3) {
		if ((t[1] == 0x96 && len == 6) || (t[1] == 0x97 && len == 34))
			return CODE(XT_IPP2P_EDK, t[1] == 0x96 ? 50 : 51);
		if (t[1] == 0xa2 && len == 6 && be16(t + 2) == 0xfff0)
			return CODE(XT_IPP2P_EDK, 52);
		if ((t[1] == 0x9a && len == 18) || (t[1] == 0x92 && len == 10))
			return CODE(XT_IPP2P_EDK, t[1] == 0x9a ? 54 : 55);
		return 0;
	}
	if (t[0] != 0xe4)
		return 0;
	switch (t[1]) {
	case 0x20:
		return len == 35 && t[2] != 0 && t[34] != 0 ? CODE(XT_IPP2P_EDK, 60) : 0;
	case 0x00:
	case 0x10:
	case 0x18:
		if (len == 27 && t[26] == 0)
			return CODE(XT_IPP2P_EDK, t[1] == 0 ? 61 : t[1] == 0x10 ? 62 : 63);
		return 0;
	case 0x28:
		return (len - 44) % 25 == 0 ? CODE(XT_IPP2P_EDK, 67) : 0;    /* unsigned, as there */
	}
	for (i = 0; i < sizeof(e4) / sizeof(e4[0]); i++)
		if (t[1] == e4[i].op)
			return len == e4[i].len ? CODE(XT_IPP2P_EDK, e4[i].n) : 0;
	return 0;
}

static unsigned int udp_gnu(const uint8_t *t, uint32_t len)
{
	if (len >= 3 && memcmp(t, "GND", 3) == 0)
		return CODE(XT_IPP2P_GNU, 51);
	if (len >= 9 && memcmp(t, "GNUTELLA ", 9) == 0)
		return CODE(XT_IPP2P_GNU, 52);
	return 0;
}

static unsigned int udp_kazaa(const uint8_t *t, uint32_t len)
{
	if (len >= 6 && memcmp(t + len - 6, "KaZaA\0", 6) == 0)
		return CODE(XT_IPP2P_KAZAA, 50);
	return 0;
}

static unsigned int udp_dc(const uint8_t *t, uint32_t len)
{
	if (len < 5 || t[0] != '$' || t[len - 1] != '|')
		return 0;
	if (memcmp(t + 1, "SR ", 3) == 0)
		return CODE(XT_IPP2P_DC, 60);
	if (len >= 7 && memcmp(t + 1, "Ping ", 5) == 0)
		return CODE(XT_IPP2P_DC, 61);
	return 0;
}

/* udp_search_bit(): DHT/tracker datagrams by size and fixed words. */
static unsigned int udp_bit(const uint8_t *h, uint32_t len)
{
	static const struct { uint32_t len, w8; unsigned int n, n_alone; } sized[] = {
		{ 36, 0x400, 51, 61 }, { 57, 0x404, 52, 62 }, { 59, 0x406, 53, 63 },
	};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (len != sized[i].len)
			continue;
		if (be32(h + 8) == sized[i].w8)
			return CODE(XT_IPP2P_BIT, be32(h + 28) == 0x104 ? sized[i].n : sized[i].n_alone);
		goto bitcomet;
	}
	switch (len) {
	case 16:
		if (be32(h) == 0x417 && be32(h + 4) == 0x27101980)
			return CODE(XT_IPP2P_BIT, 50);
		break;
	case 203:
		if (be32(h) == 0x405)
			return CODE(XT_IPP2P_BIT, 54);
		break;
	case 21:
		if (be32(h) == 0x401)
			return CODE(XT_IPP2P_BIT, 55);
		break;
	case 44:
		if (be32(h) == 0x827 && be32(h + 4) == 0x37502950)
			return CODE(XT_IPP2P_BIT, 80);
		break;
	default:
		if (len >= 32 && be32(h + 8) == 0x402 && be32(h + 28) == 0x104)
			return CODE(XT_IPP2P_BIT, 56);
		break;
	}
bitcomet:
	/* "d1:" [a|r] "d2:id20:" */
	if (len > 22 && h[0] == 'd' && h[1] == '1' && h[2] == ':' && (h[3] == 'a' || h[3] == 'r') &&
	    memcmp(h + 4, "d2:id20:", 8) == 0)
		return CODE(XT_IPP2P_BIT, 57);
	return 0;
}

static unsigned int tcp_ares(const uint8_t *p, uint32_t len)
{
	if (len < 3 || p[1] != 0 || len - p[0] != 3)
		return 0;
	if (p[2] == 0x5a && len == 6 && p[5] == 0x05)
		return CODE(XT_IPP2P_ARES, 1);
	if (p[2] == 0x09 && len >= 14 && len <= 34)
		return CODE(XT_IPP2P_ARES, 1);
	return 0;
}

/* search_soul(): a little-endian length word, then command patterns. */
static unsigned int tcp_soul(const uint8_t *p, uint32_t len)
{
	if (len < 8)
		return 0;
	if (le32(p) == len - 4) {
		uint32_t m = le32(p + 4);

		if (p[4] == 0 && p[7] == 0)
			return CODE(XT_IPP2P_SOUL, 1);
		if (p[4] == 0x01 && le16(p + 6) == 0)
			return CODE(XT_IPP2P_SOUL, 2);
		switch (m) {
		case 7: case 9: case 22: case 23: case 26: case 28: case 50: case 51: case 60:
		case 91: case 92: case 1001:
			return CODE(XT_IPP2P_SOUL, 3);
		}
		if (m > 0 && m < 6)
			return CODE(XT_IPP2P_SOUL, 4);
		if (m > 12 && m < 19)
			return CODE(XT_IPP2P_SOUL, 5);
		if (m > 34 && m < 38)
			return CODE(XT_IPP2P_SOUL, 6);
		if (m > 39 && m < 47)
			return CODE(XT_IPP2P_SOUL, 7);
		if (m > 61 && m < 70)
			return CODE(XT_IPP2P_SOUL, 8);
	}
	/* "14 00 00 00 01 yy..": the kernel's test of the trailer has an empty body,
	 * so only the (32-bit, wrapping) length condition decides. */
	if (le32(p) == 0x14 && p[4] == 0x01 && len >= 9 && le32(p + 5) + 19u <= len)
		return CODE(XT_IPP2P_SOUL, 9);
	return 0;
}

static unsigned int tcp_winmx(const uint8_t *p, uint32_t len)
{
	if (len == 4 && memcmp(p, "SEND", 4) == 0)
		return CODE(XT_IPP2P_WINMX, 1);
	if (len == 3 && memcmp(p, "GET", 3) == 0)
		return CODE(XT_IPP2P_WINMX, 2);
	if (len < 10)
		return 0;
	if (memcmp(p, "SEND", 4) == 0 || memcmp(p, "GET", 3) == 0) {
		uint16_t c = 4, end = (uint16_t)(len - 2);
		unsigned int count = 0;

		for (; c < end; c++) {
			if (p[c] == 0x20 && p[c + 1] == 0x22) {
				c++;
				if (++count >= 2)
					return CODE(XT_IPP2P_WINMX, 3);
			}
		}
	}
	if (len == 149 && p[0] == '8' && le32(p + 17) == 0 && le32(p + 21) == 0 &&
	    le32(p + 25) == 0 && le16(p + 39) == 0 && be16(p + 135) == 0x7edf &&
	    be16(p + 147) == 0xf792)
		return CODE(XT_IPP2P_WINMX, 4);
	return 0;
}

static unsigned int tcp_apple(const uint8_t *p, uint32_t len)
{
	if (len > 7 && p[6] == 0x0d && p[7] == 0x0a && memcmp(p, "ajprot", 6) == 0)
		return CODE(XT_IPP2P_APPLE, 0);
	return 0;
}

static unsigned int tcp_bit(const uint8_t *p, uint32_t len)
{
	if (len > 20) {
		if (p[0] == 0x13 && memcmp(p + 1, "BitTorrent protocol", 19) == 0)
			return CODE(XT_IPP2P_BIT, 0);
		if (memcmp(p, "GET /", 5) == 0) {
			if (memmem(p, len, "info_hash=", 10))
				return CODE(XT_IPP2P_BIT, 1);
			if (memmem(p, len, "peer_id=", 8))
				return CODE(XT_IPP2P_BIT, 2);
			if (memmem(p, len, "passkey=", 8))
				return CODE(XT_IPP2P_BIT, 4);
		}
	} else if (len == 17 && be32(p) == 0x0d && p[4] == 0x06 && be32(p + 13) == 0x4000) {
		return CODE(XT_IPP2P_BIT, 3);   /* block request (never reached: > 20 required) */
	}
	return 0;
}

static bool crlf_end(const uint8_t *p, uint32_t len)
{
	return p[len - 2] == 0x0d && p[len - 1] == 0x0a;
}

static unsigned int tcp_gnu(const uint8_t *p, uint32_t len)
{
	uint32_t c;

	if (len < 11 || !crlf_end(p, len))
		return 0;
	if (len >= 19 && memcmp(p, "GNUTELLA CONNECT/", 17) == 0)
		return CODE(XT_IPP2P_GNU, 1);
	if (memcmp(p, "GNUTELLA/", 9) == 0)
		return CODE(XT_IPP2P_GNU, 2);
	if (len >= 22 && (memcmp(p, "GET /get/", 9) == 0 || memcmp(p, "GET /uri-res/", 13) == 0)) {
		for (c = 0; c < len - 22; c++)
			if (p[c] == 0x0d && p[c + 1] == 0x0a &&
			    (memcmp(p + c + 2, "X-Gnutella-", 11) == 0 ||
			     memcmp(p + c + 2, "X-Queue:", 8) == 0))
				return CODE(XT_IPP2P_GNU, 3);
	}
	return 0;
}

/* search_all_kazaa(); the kernel's 16-bit counters are kept, its possible 2-byte
 * overread for the User-Agent test is not (a header cut short does not match). */
static unsigned int tcp_kazaa(const uint8_t *p, uint32_t len)
{
	uint16_t c, end, rem;

	if (len < 7 || !crlf_end(p, len))
		return 0;
	if (memcmp(p, "GIVE ", 5) == 0)
		return CODE(XT_IPP2P_KAZAA, 1);
	if (memcmp(p, "GET /", 5) != 0 || len < 18)
		return 0;
	end = (uint16_t)(len - 18);
	rem = (uint16_t)(len - 5);
	for (c = 5; c < end; ++c, --rem) {
		if (p[c] != 0x0d || p[c + 1] != 0x0a)
			continue;
		if (rem >= 18 && memcmp(p + c + 2, "X-Kazaa-Username: ", 18) == 0)
			return CODE(XT_IPP2P_KAZAA, 2);
		if (rem >= 24 && (uint32_t)c + 26 <= len &&
		    memcmp(p + c + 2, "User-Agent: PeerEnabler/", 24) == 0)
			return CODE(XT_IPP2P_KAZAA, 2);
	}
	return 0;
}

static unsigned int tcp_edk(const uint8_t *p, uint32_t len)
{
	if (len < 6 || p[0] != 0xe3 || le16(p + 1) != len - 5)
		return 0;
	if (p[5] == 0x01)
		return CODE(XT_IPP2P_EDK, 1);
	if (p[5] == 0x4c)
		return CODE(XT_IPP2P_EDK, 9);
	return 0;
}

static unsigned int tcp_dc(const uint8_t *p, uint32_t len)
{
	if (len < 7 || p[0] != '$' || p[len - 1] != '|')
		return 0;
	if (memcmp(p + 1, "Lock ", 5) == 0)
		return CODE(XT_IPP2P_DC, 1);
	if (len >= 9 && memcmp(p + 1, "MyNick ", 7) == 0)
		return CODE(XT_IPP2P_DC, 38);
	return 0;
}

struct ipp2p_test {
	uint32_t cmd;
	uint32_t minlen;        /* the payload must be longer */
	unsigned int (*fn)(const uint8_t *, uint32_t);
};

/* matchlist[] and udp_list[] without the data-only entries no option selects. */
static const struct ipp2p_test ipp2p_tcp_list[] = {
	{ XT_IPP2P_EDK, 20, tcp_edk }, { XT_IPP2P_DC, 5, tcp_dc }, { XT_IPP2P_GNU, 5, tcp_gnu },
	{ XT_IPP2P_KAZAA, 5, tcp_kazaa }, { XT_IPP2P_BIT, 20, tcp_bit },
	{ XT_IPP2P_APPLE, 5, tcp_apple }, { XT_IPP2P_SOUL, 5, tcp_soul },
	{ XT_IPP2P_WINMX, 2, tcp_winmx }, { XT_IPP2P_ARES, 5, tcp_ares }, { 0, 0, NULL },
};
static const struct ipp2p_test ipp2p_udp_list[] = {
	{ XT_IPP2P_KAZAA, 14, udp_kazaa }, { XT_IPP2P_BIT, 23, udp_bit },
	{ XT_IPP2P_GNU, 11, udp_gnu }, { XT_IPP2P_EDK, 9, udp_edk }, { XT_IPP2P_DC, 12, udp_dc },
	{ 0, 0, NULL },
};

static unsigned int ipp2p_run(const struct ipp2p_test *t, uint32_t cmd, const uint8_t *p,
			      uint32_t len)
{
	unsigned int r;

	for (; t->cmd; t++)
		if ((cmd & t->cmd) == t->cmd && len > t->minlen && (r = t->fn(p, len)) != 0)
			return r;
	return 0;
}

unsigned int xt_ipp2p_tcp(uint32_t cmd, const uint8_t *payload, uint32_t len)
{
	return ipp2p_run(ipp2p_tcp_list, cmd, payload, len);
}

unsigned int xt_ipp2p_udp(uint32_t cmd, const uint8_t *payload, uint32_t len)
{
	return ipp2p_run(ipp2p_udp_list, cmd, payload, len);
}

static int ipp2p_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct ipp2p_info *i = data;
	const char *name = ext_opt_name(ipp2p_opts, id);
	bool seen = id == O_DEBUG ? i->debug != 0 : (i->cmd & (int32_t)ipp2p_bit[id]) != 0;

	(void)arg;
	/* xtables_param_act(XTF_ONLY_ONCE / XTF_NO_INVERT) */
	if (seen)
		return xt_parse_error(ps, "ipp2p: \"--%s\" option may only be specified once", name);
	if (invert)
		return xt_parse_error(ps, "ipp2p: \"--%s\" option cannot be inverted", name);
	if (id == O_DEBUG)
		i->debug = 1;
	else
		i->cmd |= (int32_t)ipp2p_bit[id];
	return 0;
}

static int ipp2p_final_check(void *data, struct xt_parse *ps)
{
	const struct ipp2p_info *i = data;

	if (!i->cmd && !i->debug)
		return xt_parse_error(ps, "\nipp2p-parameter problem: for ipp2p usage type: "
				      "iptables -m ipp2p --help\n");
	return 0;
}

/* ipp2p_mt_print1(): each option followed by a space, in bit order. */
static void ipp2p_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct ipp2p_info *i = data;
	unsigned int k;

	(void)r;
	for (k = 0; k < sizeof(ipp2p_bit) / sizeof(ipp2p_bit[0]); k++)
		if ((uint32_t)i->cmd & ipp2p_bit[k])
			sb_addf(out, " --%s ", ipp2p_opts[k].name);
	if (i->debug)
		sb_add(out, " --debug ");
}

static void ipp2p_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	(void)flags;
	sb_add(out, " -m ipp2p ");
	ipp2p_save(data, r, out);
}

/* ipp2p_mt(): first fragments only; TCP without FIN/SYN/RST, UDP and UDP-Lite. */
static bool ipp2p_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct ipp2p_info *i = data;
	const uint8_t *ip = pkt_header(pkt, pkt->net_off, 20), *l4;
	uint32_t ihl, hlen, off, avail;

	if (!ip || par->fragoff != 0)
		return false;
	ihl = (ip[0] & 0x0fu) * 4u;
	hlen = be16(ip + 2) >= ihl ? be16(ip + 2) - ihl : 0;
	off = pkt->net_off + ihl;
	avail = pkt_end(pkt) > off ? pkt_end(pkt) - off : 0;
	if (hlen > avail)
		hlen = avail;
	if (ip[9] == 6) {
		uint32_t doff;

		l4 = pkt_header(pkt, off, 20);
		if (!l4 || (l4[13] & 0x07))     /* FIN, SYN or RST */
			return false;
		doff = (l4[12] >> 4) * 4u;
		hlen = doff > hlen ? 0 : hlen - doff;
		return xt_ipp2p_tcp((uint32_t)i->cmd, pkt_at(pkt, off + doff), hlen) != 0;
	}
	if (ip[9] == 17 || ip[9] == 136) {
		hlen = hlen < 8 ? 0 : hlen - 8;
		return xt_ipp2p_udp((uint32_t)i->cmd, pkt_at(pkt, off + 8), hlen) != 0;
	}
	return false;
}

const struct xt_match_ops xt_match_ipp2p = {
	.name = "ipp2p",
	.revision = 1,
	.family = XT_EXT_V4,
	.size = sizeof(struct ipp2p_info),
	.opts = ipp2p_opts,
	.parse = ipp2p_parse,
	.final_check = ipp2p_final_check,
	.save = ipp2p_save,
	.print = ipp2p_print,
	.match = ipp2p_match,
};
