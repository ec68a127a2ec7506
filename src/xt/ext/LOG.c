/*
 * LOG: write a kernel log line about the packet (xt_LOG.c with the formats of
 * nf_log_syslog.c; libxt_LOG.c).  The line goes out as a USNF_TRACE_LOG event
 * whose text is the prefix followed by what the kernel prints, trailing space
 * included (the kernel's buffer ends with one).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pkt/parse.h"
#include "route/route.h"
#include "stack/net.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define LOG_TCPSEQ 0x01
#define LOG_TCPOPT 0x02
#define LOG_IPOPT 0x04
#define LOG_UID 0x08
#define LOG_MACDECODE 0x20
#define LOG_DEFAULT_LEVEL 4
#define LOG_PREFIX_MAX 30       /* with the NUL */

enum { O_LOG_LEVEL = 0, O_LOG_PREFIX, O_LOG_TCPSEQ, O_LOG_TCPOPTS, O_LOG_IPOPTS, O_LOG_UID,
       O_LOG_MAC };

/* struct xt_log_info. */
struct log_info {
	uint8_t level;
	uint8_t logflags;
	char prefix[LOG_PREFIX_MAX];
};

static const struct xt_opt log_opts[] = {
	{ .name = "log-level", .id = O_LOG_LEVEL, .arg = XT_ARG_REQUIRED },
	{ .name = "log-prefix", .id = O_LOG_PREFIX, .arg = XT_ARG_REQUIRED },
	{ .name = "log-tcp-sequence", .id = O_LOG_TCPSEQ, .arg = XT_ARG_NONE },
	{ .name = "log-tcp-options", .id = O_LOG_TCPOPTS, .arg = XT_ARG_NONE },
	{ .name = "log-ip-options", .id = O_LOG_IPOPTS, .arg = XT_ARG_NONE },
	{ .name = "log-uid", .id = O_LOG_UID, .arg = XT_ARG_NONE },
	{ .name = "log-macdecode", .id = O_LOG_MAC, .arg = XT_ARG_NONE },
	{ 0 },
};

/* libxt_LOG's level names, alphabetical: the first name of a level is printed. */
static const struct {
	const char *name;
	uint8_t level;
} log_names[] = {
	{ "alert", 1 }, { "crit", 2 }, { "debug", 7 }, { "emerg", 0 }, { "error", 3 },
	{ "info", 6 }, { "notice", 5 }, { "panic", 0 }, { "warning", 4 },
};
#define LOG_NNAMES (sizeof(log_names) / sizeof(log_names[0]))

static void log_init(void *data)
{
	((struct log_info *)data)->level = LOG_DEFAULT_LEVEL;
}

static int log_parse_level(struct log_info *l, const char *arg, struct xt_parse *ps)
{
	unsigned long long v;
	size_t i;

	if (xt_parse_uint(arg, 0, 7, &v) == 0) {
		l->level = (uint8_t)v;
		return 0;
	}
	for (i = 0; i < LOG_NNAMES; i++) {
		if (strcasecmp(arg, log_names[i].name) == 0) {
			l->level = log_names[i].level;
			return 0;
		}
	}
	return xt_parse_error(ps, "log level \"%s\" unknown\n", arg);
}

static int log_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	static const uint8_t bits[] = {
		[O_LOG_TCPSEQ] = LOG_TCPSEQ, [O_LOG_TCPOPTS] = LOG_TCPOPT,
		[O_LOG_IPOPTS] = LOG_IPOPT, [O_LOG_UID] = LOG_UID, [O_LOG_MAC] = LOG_MACDECODE,
	};
	struct log_info *l = data;

	switch (id) {
	case O_LOG_LEVEL:
		return log_parse_level(l, arg, ps);
	case O_LOG_PREFIX:
		if (arg[0] == '\0')
			return xt_parse_error(ps, "Argument must have a minimum length of 1 "
					      "characters\n");
		if (strchr(arg, '\n'))
			return xt_parse_error(ps, "Newlines not allowed in --log-prefix");
		/* XTTYPE_STRING into prefix[30]: longer text is cut to 29 characters. */
		snprintf(l->prefix, sizeof(l->prefix), "%s", arg);
		return 0;
	default:
		l->logflags |= bits[id];
		return 0;
	}
}

static void log_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct log_info *l = data;

	if (l->prefix[0]) {
		sb_add(out, " --log-prefix");
		ext_save_string(out, l->prefix);
	}
	if (l->level != LOG_DEFAULT_LEVEL)
		sb_addf(out, " --log-level %u", l->level);
	if (l->logflags & LOG_TCPSEQ)
		sb_add(out, " --log-tcp-sequence");
	if (l->logflags & LOG_TCPOPT)
		sb_add(out, " --log-tcp-options");
	if (l->logflags & LOG_IPOPT)
		sb_add(out, " --log-ip-options");
	if (l->logflags & LOG_UID)
		sb_add(out, " --log-uid");
	if (l->logflags & LOG_MACDECODE)
		sb_add(out, " --log-macdecode");
}

static void log_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct log_info *l = data;
	size_t i;

	sb_add(out, " LOG");
	if (flags & XT_PRINT_NUMERIC) {
		sb_addf(out, " flags %u level %u", l->logflags, l->level);
	} else {
		for (i = 0; i < LOG_NNAMES && log_names[i].level != l->level; i++)
			;
		if (i < LOG_NNAMES)
			sb_addf(out, " level %s", log_names[i].name);
		else
			sb_addf(out, " UNKNOWN level %u", l->level);
		if (l->logflags & LOG_TCPSEQ)
			sb_add(out, " tcp-sequence");
		if (l->logflags & LOG_TCPOPT)
			sb_add(out, " tcp-options");
		if (l->logflags & LOG_IPOPT)
			sb_add(out, " ip-options");
		if (l->logflags & LOG_UID)
			sb_add(out, " uid");
		if (l->logflags & LOG_MACDECODE)
			sb_add(out, " macdecode");
	}
	if (l->prefix[0])
		sb_addf(out, " prefix \"%s\"", l->prefix);
}

/* nf_log_buf: a fixed buffer, silently cut when full, as the kernel's. */
struct log_buf {
	char s[1024];
	size_t len;
};

__attribute__((format(printf, 2, 3))) static void lb_add(struct log_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= sizeof(b->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, sizeof(b->s) - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n < sizeof(b->s) - b->len ? (size_t)n : sizeof(b->s) - 1 - b->len;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* nf_log_dump_tcp_header(); returns true when the line must end here. */
static bool log_tcp(struct log_buf *b, const struct pkt *pkt, bool fragment, uint32_t off,
		    uint8_t flags)
{
	static const char *const names[] = { "CWR ", "ECE ", "URG ", "ACK ", "PSH ", "RST ",
					      "SYN ", "FIN " };
	const uint8_t *th;
	unsigned int i, optsize;

	lb_add(b, "PROTO=TCP ");
	if (fragment)
		return false;
	th = pkt_header(pkt, off, 20);
	if (!th) {
		lb_add(b, "INCOMPLETE [%u bytes] ", pkt_end(pkt) - off);
		return true;
	}
	lb_add(b, "SPT=%u DPT=%u ", be16(th), be16(th + 2));
	if (flags & LOG_TCPSEQ)
		lb_add(b, "SEQ=%u ACK=%u ", be32(th + 4), be32(th + 8));
	lb_add(b, "WINDOW=%u ", be16(th + 14));
	lb_add(b, "RES=0x%02x ", (unsigned int)((be32(th + 12) & 0x0f000000u) >> 22));
	for (i = 0; i < 8; i++)
		if (th[13] & (0x80 >> i))
			lb_add(b, "%s", names[i]);
	lb_add(b, "URGP=%u ", be16(th + 18));
	optsize = (th[12] >> 4) * 4u;
	if ((flags & LOG_TCPOPT) && optsize > 20) {
		const uint8_t *op = pkt_header(pkt, off + 20, optsize - 20);

		if (!op) {
			lb_add(b, "OPT (TRUNCATED)");
			return true;
		}
		lb_add(b, "OPT (");
		for (i = 0; i < optsize - 20; i++)
			lb_add(b, "%02X", op[i]);
		lb_add(b, ") ");
	}
	return false;
}

/* nf_log_dump_udp_header(). */
static bool log_udp(struct log_buf *b, const struct pkt *pkt, uint8_t proto, bool fragment,
		    uint32_t off)
{
	const uint8_t *uh;

	lb_add(b, proto == 17 ? "PROTO=UDP " : "PROTO=UDPLITE ");
	if (fragment)
		return false;
	uh = pkt_header(pkt, off, 8);
	if (!uh) {
		lb_add(b, "INCOMPLETE [%u bytes] ", pkt_end(pkt) - off);
		return true;
	}
	lb_add(b, "SPT=%u DPT=%u LEN=%u ", be16(uh), be16(uh + 2), be16(uh + 4));
	return false;
}

static void log_ipv4(struct log_buf *b, const struct pkt *pkt, uint32_t off, uint8_t flags);

/* The ICMP part of dump_ipv4_packet(). */
static void log_icmp4(struct log_buf *b, const struct pkt *pkt, uint32_t iphoff, uint32_t off,
		      uint8_t flags)
{
	static const uint8_t required[19] = { [0] = 4, [3] = 28, [4] = 28, [5] = 28, [8] = 4,
					      [11] = 28, [12] = 28, [13] = 20, [14] = 20,
					      [17] = 12, [18] = 12 };
	const uint8_t *ic = pkt_header(pkt, off, 8);
	uint32_t left = pkt_end(pkt) - off;

	if (!ic) {
		lb_add(b, "INCOMPLETE [%u bytes] ", left);
		return;
	}
	lb_add(b, "TYPE=%u CODE=%u ", ic[0], ic[1]);
	if (ic[0] <= 18 && required[ic[0]] && left < required[ic[0]]) {
		lb_add(b, "INCOMPLETE [%u bytes] ", left);
		return;
	}
	switch (ic[0]) {
	case 0:
	case 8:
		lb_add(b, "ID=%u SEQ=%u ", be16(ic + 4), be16(ic + 6));
		break;
	case 12:
		lb_add(b, "PARAMETER=%u ", ic[4]);
		break;
	case 5:
		lb_add(b, "GATEWAY=%u.%u.%u.%u ", ic[4], ic[5], ic[6], ic[7]);
		/* fall through */
	case 3:
	case 4:
	case 11:
		if (iphoff == pkt->net_off) {   /* only recurse once */
			lb_add(b, "[");
			log_ipv4(b, pkt, off + 8, flags);
			lb_add(b, "] ");
		}
		if (ic[0] == 3 && ic[1] == 4)
			lb_add(b, "MTU=%u ", be16(ic + 6));
		break;
	}
}

/* dump_ipv4_packet(). */
static void log_ipv4(struct log_buf *b, const struct pkt *pkt, uint32_t off, uint8_t flags)
{
	const uint8_t *ih = pkt_header(pkt, off, 20);
	unsigned int i, fo, ihl;
	bool outer = off == pkt->net_off;
	const uint8_t *x;

	if (!ih) {
		lb_add(b, "TRUNCATED");
		return;
	}
	ihl = (ih[0] & 0x0f) * 4u;
	fo = be16(ih + 6);
	lb_add(b, "SRC=%u.%u.%u.%u DST=%u.%u.%u.%u ", ih[12], ih[13], ih[14], ih[15], ih[16],
	       ih[17], ih[18], ih[19]);
	lb_add(b, "LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u ", be16(ih + 2), ih[1] & 0x1e,
	       ih[1] & 0xe0, ih[8], be16(ih + 4));
	if (fo & 0x8000)
		lb_add(b, "CE ");
	if (fo & 0x4000)
		lb_add(b, "DF ");
	if (fo & 0x2000)
		lb_add(b, "MF ");
	if (fo & 0x1fff)
		lb_add(b, "FRAG:%u ", fo & 0x1fff);
	if ((flags & LOG_IPOPT) && ihl > 20) {
		x = pkt_header(pkt, off + 20, ihl - 20);
		if (!x) {
			lb_add(b, "TRUNCATED");
			return;
		}
		lb_add(b, "OPT (");
		for (i = 0; i < ihl - 20; i++)
			lb_add(b, "%02X", x[i]);
		lb_add(b, ") ");
	}
	switch (ih[9]) {
	case 6:
		if (log_tcp(b, pkt, fo & 0x1fff, off + ihl, flags))
			return;
		break;
	case 17:
	case 136:
		if (log_udp(b, pkt, ih[9], fo & 0x1fff, off + ihl))
			return;
		break;
	case 1:
		lb_add(b, "PROTO=ICMP ");
		if (!(fo & 0x1fff))
			log_icmp4(b, pkt, off, off + ihl, flags);
		break;
	case 51:
		if (fo & 0x1fff)
			break;
		lb_add(b, "PROTO=AH ");
		x = pkt_header(pkt, off + ihl, 12);
		if (!x)
			lb_add(b, "INCOMPLETE [%u bytes] ", pkt_end(pkt) - off - ihl);
		else
			lb_add(b, "SPI=0x%x ", be32(x + 4));
		break;
	case 50:
		lb_add(b, "PROTO=ESP ");
		if (fo & 0x1fff)
			break;
		x = pkt_header(pkt, off + ihl, 8);
		if (!x)
			lb_add(b, "INCOMPLETE [%u bytes] ", pkt_end(pkt) - off - ihl);
		else
			lb_add(b, "SPI=0x%x ", be32(x));
		break;
	default:
		lb_add(b, "PROTO=%u ", ih[9]);
	}
	/* UID=: the engine has no sockets, so --log-uid adds nothing (skb->sk is NULL). */
	if (outer && pkt->mark)
		lb_add(b, "MARK=0x%x ", pkt->mark);
}

static void log_addr6(struct log_buf *b, const uint8_t *a)
{
	unsigned int i;

	/* %pI6: eight groups of four hex digits, never compressed. */
	for (i = 0; i < 16; i += 2)
		lb_add(b, "%s%02x%02x", i ? ":" : "", a[i], a[i + 1]);
}

static void log_ipv6(struct log_buf *b, const struct pkt *pkt, uint32_t off, uint8_t flags,
		     bool recurse);

/* The ICMPv6 part of dump_ipv6_packet(). */
static void log_icmp6(struct log_buf *b, const struct pkt *pkt, uint32_t ptr, uint8_t flags,
		      bool recurse)
{
	const uint8_t *ic = pkt_header(pkt, ptr, 8);

	if (!ic) {
		lb_add(b, "INCOMPLETE [%u bytes] ", pkt_end(pkt) - ptr);
		return;
	}
	lb_add(b, "TYPE=%u CODE=%u ", ic[0], ic[1]);
	switch (ic[0]) {
	case 128:
	case 129:
		lb_add(b, "ID=%u SEQ=%u ", be16(ic + 4), be16(ic + 6));
		break;
	case 4:
		lb_add(b, "POINTER=%08x ", be32(ic + 4));
		/* fall through */
	case 1:
	case 2:
	case 3:
		if (recurse) {
			lb_add(b, "[");
			log_ipv6(b, pkt, ptr + 8, flags, false);
			lb_add(b, "] ");
		}
		if (ic[0] == 2)
			lb_add(b, "MTU=%u ", be32(ic + 4));
		break;
	}
}

/* The extension header walk of dump_ipv6_packet(); false when the line ends. */
static bool log_exthdrs6(struct log_buf *b, const struct pkt *pkt, uint32_t *ptr, uint8_t *hdr,
			 bool *fragment, uint8_t flags)
{
	while (*hdr != 59 && pkt_ipv6_is_exthdr(*hdr)) {
		const uint8_t *hp = pkt_header(pkt, *ptr, 8);
		uint32_t hdrlen;

		if (!hp) {
			lb_add(b, "TRUNCATED");
			return false;
		}
		if (flags & LOG_IPOPT)
			lb_add(b, "OPT ( ");
		switch (*hdr) {
		case 44:
			lb_add(b, "FRAG:%u ", be16(hp + 2) & 0xfff8);
			if (hp[3] & 1)
				lb_add(b, "INCOMPLETE ");
			lb_add(b, "ID:%08x ", be32(hp + 4));
			if (be16(hp + 2) & 0xfff8)
				*fragment = true;
			hdrlen = 8;
			break;
		case 0:
		case 43:
		case 60:
			if (*fragment) {
				if (flags & LOG_IPOPT)
					lb_add(b, ")");
				return false;
			}
			hdrlen = (hp[1] + 1u) * 8;
			break;
		case 51:
			if (flags & LOG_IPOPT) {
				lb_add(b, "AH ");
				if (*fragment) {
					lb_add(b, ")");
					return false;
				}
				lb_add(b, "SPI=0x%x ", be32(hp + 4));
			}
			hdrlen = (hp[1] + 2u) * 4;
			break;
		default:
			lb_add(b, "Unknown Ext Hdr %u", *hdr);
			return false;
		}
		if (flags & LOG_IPOPT)
			lb_add(b, ") ");
		*hdr = hp[0];
		*ptr += hdrlen;
	}
	return true;
}

/* dump_ipv6_packet(). */
static void log_ipv6(struct log_buf *b, const struct pkt *pkt, uint32_t off, uint8_t flags,
		     bool recurse)
{
	const uint8_t *ih = pkt_header(pkt, off, 40);
	bool fragment = false;
	uint32_t ptr = off + 40, w;
	uint8_t hdr;

	if (!ih) {
		lb_add(b, "TRUNCATED");
		return;
	}
	w = be32(ih);
	lb_add(b, "SRC=");
	log_addr6(b, ih + 8);
	lb_add(b, " DST=");
	log_addr6(b, ih + 24);
	lb_add(b, " LEN=%u TC=%u HOPLIMIT=%u FLOWLBL=%u ", be16(ih + 4) + 40u,
	       (w & 0x0ff00000u) >> 20, ih[7], w & 0x000fffffu);
	hdr = ih[6];
	if (!log_exthdrs6(b, pkt, &ptr, &hdr, &fragment, flags))
		return;
	switch (hdr) {
	case 6:
		if (log_tcp(b, pkt, fragment, ptr, flags))
			return;
		break;
	case 17:
	case 136:
		if (log_udp(b, pkt, hdr, fragment, ptr))
			return;
		break;
	case 58:
		lb_add(b, "PROTO=ICMPv6 ");
		if (!fragment)
			log_icmp6(b, pkt, ptr, flags, recurse);
		break;
	default:
		lb_add(b, "PROTO=%u ", hdr);
	}
	if (recurse && pkt->mark)
		lb_add(b, "MARK=0x%x ", pkt->mark);
}

/* dump_ipv4_mac_header()/dump_ipv6_mac_header(), only for received packets. */
static void log_mac(struct log_buf *b, const struct pkt *pkt, const struct usnf_iface *in,
		    uint8_t flags)
{
	const uint8_t *p;
	unsigned int i;

	if (pkt->mac_off == PKT_OFF_UNSET || pkt->mac_off == pkt->net_off ||
	    pkt->mac_off + 14 > pkt_end(pkt)) {
		lb_add(b, "MAC= ");
		return;
	}
	p = pkt_at(pkt, pkt->mac_off);
	if ((flags & LOG_MACDECODE) && !in->loopback) {
		lb_add(b, "MACSRC=%02x:%02x:%02x:%02x:%02x:%02x ", p[6], p[7], p[8], p[9], p[10],
		       p[11]);
		lb_add(b, "MACDST=%02x:%02x:%02x:%02x:%02x:%02x ", p[0], p[1], p[2], p[3], p[4], p[5]);
		lb_add(b, "MACPROTO=%04x ", be16(p + 12));
		return;
	}
	lb_add(b, "MAC=");
	for (i = 0; i < 14; i++)
		lb_add(b, "%s%02x", i ? ":" : "", p[i]);
	lb_add(b, " ");
}

/* log_tg() -> nf_log_packet() -> nf_log_ip_packet()/nf_log_ip6_packet(). */
static unsigned int log_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct log_info *l = data;
	const struct usnf_hook_state *st = par->state;
	struct usnf_trace_ev ev = {
		.kind = USNF_TRACE_LOG, .pf = st->pf, .hook = st->hook, .table = par->table,
		.chain = par->chain, .rulenum = par->rulenum, .target = "LOG", .verdict = -1,
		.pkt = pkt,
	};
	struct log_buf b;

	if (!par->net || !par->net->trace)
		return XT_CONTINUE;     /* nobody reads the log: skip the formatting */
	b.len = 0;
	b.s[0] = '\0';
	lb_add(&b, "%sIN=%s OUT=%s ", l->prefix, st->in ? st->in->name : "",
	       st->out ? st->out->name : "");
	if (st->in)
		log_mac(&b, pkt, st->in, l->logflags);
	if (xt_is_v6(par))
		log_ipv6(&b, pkt, pkt->net_off, l->logflags, true);
	else
		log_ipv4(&b, pkt, pkt->net_off, l->logflags);
	ev.text = b.s;
	net_trace(par->net, &ev);
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_log = {
	.name = "LOG",
	.family = XT_EXT_ANY,
	.size = sizeof(struct log_info),
	.opts = log_opts,
	.init = log_init,
	.parse = log_parse,
	.save = log_save,
	.print = log_print,
	.target = log_target,
};
