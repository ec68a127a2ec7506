/*
 * ct_synproxy: the SYNPROXY core — syncookies (net/ipv4/syncookies.c,
 * net/ipv6/syncookies.c), TCP option handling, the segments the proxy sends and
 * the synproxy hook functions (net/netfilter/nf_synproxy_core.c).
 *
 * The per-instance state (struct synproxy_net) is created by the first SYNPROXY
 * rule: the cookie secrets, the conntrack template whose connections carry the
 * synproxy extension, the hook functions and the counters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ct/ct_int.h"
#include "ct/ct_synproxy.h"
#include "pkt/csum.h"
#include "pkt/parse.h"
#include "route/route.h"
#include "stack/stack.h"

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WINDOW 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_TIMESTAMP 8
#define TCP_MAX_WSCALE 14


/* Syncookies: the upper 8 bits of a cookie count minutes, two minutes is the oldest. */
#define COOKIEBITS 24
#define COOKIEMASK ((1u << COOKIEBITS) - 1)
#define MAX_SYNCOOKIE_AGE 2
#define SYNCOOKIE_PERIOD_NS (60ull * 1000000000ull)

struct ct_synproxy_net {
	uint64_t secret[2][2][2];               /* [v4, v6][c][siphash key words] */
	struct ct_conn tmpl;                    /* snet->tmpl: the synproxy template */
	struct usnf_hook_ops ops[2][2];         /* [v4, v6][LOCAL_IN, POST_ROUTING] */
	bool on[2];
	struct ct_synproxy_stats stats;
	struct pkt *consumed;                   /* stolen, freed after their traversal */
};

/* msstab of the syncookies: IPv4 and IPv6 (IPV6_MIN_MTU - 60 ...). */
static const uint16_t synproxy_msstab[2][4] = {
	{ 536, 1300, 1440, 1460 },
	{ 1280 - 60, 1480 - 60, 1500 - 60, 9000 - 60 },
};

static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}
static inline void le32(uint8_t *p, uint32_t v)
{
	for (unsigned int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- SipHash-2-4 (lib/siphash.c), the cookies' keyed hash ---- */

#define SIP_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                \
	do {                                                                                    \
		v0 += v1; v1 = SIP_ROTL(v1, 13); v1 ^= v0; v0 = SIP_ROTL(v0, 32);              \
		v2 += v3; v3 = SIP_ROTL(v3, 16); v3 ^= v2;                                     \
		v0 += v3; v3 = SIP_ROTL(v3, 21); v3 ^= v0;                                     \
		v2 += v1; v1 = SIP_ROTL(v1, 17); v1 ^= v2; v2 = SIP_ROTL(v2, 32);              \
	} while (0)

static uint64_t siphash24(const uint64_t key[2], const uint8_t *in, size_t len)
{
	uint64_t v0 = 0x736f6d6570736575ull ^ key[0], v1 = 0x646f72616e646f6dull ^ key[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ key[0], v3 = 0x7465646279746573ull ^ key[1];
	uint64_t b = (uint64_t)len << 56, m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (unsigned int j = 0; j < 8; j++)
			m |= (uint64_t)in[i + j] << (8 * j);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (unsigned int j = 0; i + j < len; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- syncookies ---- */

/* The addresses and ports a cookie covers, as the packet carries them. */
struct synproxy_flow {
	unsigned int fam;               /* 0 IPv4, 1 IPv6 */
	const uint8_t *saddr, *daddr;
	const uint8_t *sport, *dport;   /* network byte order */
};

/*
 * cookie_hash(): siphash_4u32(saddr, daddr, sport << 16 | dport, count) for IPv4
 * and siphash over {saddr, daddr, count, sport, dport} for IPv6, with the
 * words laid out as a little-endian machine holds them.
 */
static uint32_t cookie_hash(const struct ct_synproxy_net *sn, const struct synproxy_flow *f,
			    uint32_t count, unsigned int c)
{
	uint8_t buf[40];
	size_t len;

	if (f->fam == 0) {
		uint32_t ports = (uint32_t)(f->sport[0] | f->sport[1] << 8) << 16 |
				 (uint32_t)(f->dport[0] | f->dport[1] << 8);

		memcpy(buf, f->saddr, 4);
		memcpy(buf + 4, f->daddr, 4);
		le32(buf + 8, ports);
		le32(buf + 12, count);
		len = 16;
	} else {
		memcpy(buf, f->saddr, 16);
		memcpy(buf + 16, f->daddr, 16);
		le32(buf + 32, count);
		memcpy(buf + 36, f->sport, 2);
		memcpy(buf + 38, f->dport, 2);
		len = 40;
	}
	return (uint32_t)siphash24(sn->secret[f->fam][c], buf, len);
}

/* tcp_cookie_time(): minutes of the engine clock. */
static uint32_t cookie_time(const struct usnf_net *net)
{
	return (uint32_t)(net->now_ns / SYNCOOKIE_PERIOD_NS);
}

/* secure_tcp_syn_cookie(). */
static uint32_t cookie_make(const struct usnf_net *net, const struct ct_synproxy_net *sn,
			    const struct synproxy_flow *f, uint32_t sseq, uint32_t data)
{
	uint32_t count = cookie_time(net);

	return cookie_hash(sn, f, 0, 0) + sseq + (count << COOKIEBITS) +
	       ((cookie_hash(sn, f, count, 1) + data) & COOKIEMASK);
}

/* check_tcp_syn_cookie(): the data (MSS index) of a live cookie, else (uint32_t)-1. */
static uint32_t cookie_check(const struct usnf_net *net, const struct ct_synproxy_net *sn,
			     const struct synproxy_flow *f, uint32_t cookie, uint32_t sseq)
{
	uint32_t diff, count = cookie_time(net);

	cookie -= cookie_hash(sn, f, 0, 0) + sseq;
	diff = (count - (cookie >> COOKIEBITS)) & (0xffffffffu >> COOKIEBITS);
	if (diff >= MAX_SYNCOOKIE_AGE)
		return 0xffffffffu;
	return (cookie - cookie_hash(sn, f, count - diff, 1)) & COOKIEMASK;
}

/* __cookie_v4_init_sequence() / __cookie_v6_init_sequence(): *mss rounds down to the table. */
static uint32_t cookie_init_sequence(const struct usnf_net *net, const struct ct_synproxy_net *sn,
				     const struct synproxy_flow *f, uint32_t seq, uint16_t *mss)
{
	const uint16_t *tab = synproxy_msstab[f->fam];
	unsigned int i;

	for (i = 3; i; i--)
		if (*mss >= tab[i])
			break;
	*mss = tab[i];
	return cookie_make(net, sn, f, seq, i);
}

/* __cookie_v4_check() / __cookie_v6_check(): the MSS the cookie in ack - 1 encodes, 0 if invalid. */
static uint16_t cookie_check_ack(const struct usnf_net *net, const struct ct_synproxy_net *sn,
				 const struct synproxy_flow *f, uint32_t seq, uint32_t ack)
{
	uint32_t idx = cookie_check(net, sn, f, ack - 1, seq - 1);

	return idx < 4 ? synproxy_msstab[f->fam][idx] : 0;
}

/* ---- per-instance state ---- */

static struct ct_synproxy_net *snet(const struct usnf_net *net)
{
	return net->ct ? net->ct->synproxy : NULL;
}

/* splitmix64: the secrets from one 64-bit seed. */
static uint64_t seed_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void secrets_from_seed(struct ct_synproxy_net *sn, uint64_t seed)
{
	uint64_t *w = &sn->secret[0][0][0];

	for (size_t i = 0; i < sizeof(sn->secret) / sizeof(*w); i++)
		w[i] = seed_next(&seed);
}

/* synproxy_net_init(): net_get_random_once(syncookie_secret) and the template. */
static struct ct_synproxy_net *snet_get(struct usnf_net *net)
{
	struct ct_synproxy_net *sn;
	int rc = ct_net_get(net);

	if (rc)
		return NULL;
	sn = net->ct->synproxy;
	if (sn)
		return sn;
	sn = calloc(1, sizeof(*sn));
	if (!sn)
		return NULL;
	if (getrandom(sn->secret, sizeof(sn->secret), GRND_NONBLOCK) != (ssize_t)sizeof(sn->secret))
		secrets_from_seed(sn, (uint64_t)(uintptr_t)sn ^ net->now_ns ^ 0x5350524f5859ull);
	/* nf_ct_tmpl_alloc() with the seqadj and synproxy extensions, confirmed. */
	sn->tmpl.status = CT_S_TEMPLATE | CT_S_CONFIRMED;
	sn->tmpl.synproxy.on = true;
	sn->tmpl.nat_pool = -1;
	sn->tmpl.nat_dest = -1;
	net->ct->synproxy = sn;
	return sn;
}

int ct_synproxy_set_seed(struct usnf_net *net, uint64_t seed)
{
	struct ct_synproxy_net *sn = snet_get(net);

	if (!sn)
		return -ENOMEM;
	secrets_from_seed(sn, seed);
	return 0;
}

struct ct_synproxy_stats ct_synproxy_stats_get(const struct usnf_net *net)
{
	struct ct_synproxy_stats zero = { 0 };
	const struct ct_synproxy_net *sn = snet(net);

	return sn ? sn->stats : zero;
}

struct ct_synproxy_stats *ct_synproxy_stats_mut(struct usnf_net *net)
{
	struct ct_synproxy_net *sn = snet(net);

	return sn ? &sn->stats : NULL;
}

/* Free the packets stolen during an earlier frame: their traversal is over. */
static void consumed_reap(struct ct_synproxy_net *sn, const struct pkt *cur)
{
	struct pkt *p;

	if (!sn->consumed || (cur && sn->consumed->trace_id == cur->trace_id))
		return;
	while ((p = sn->consumed)) {
		sn->consumed = p->next;
		p->next = NULL;
		pkt_free(p);
	}
}

unsigned int ct_synproxy_consume(struct usnf_net *net, struct pkt *p)
{
	struct ct_synproxy_net *sn = snet(net);

	if (!sn) {
		/* Cannot happen once a rule made the state; never keep it then. */
		p->drop_reason = PKT_DROP_NETFILTER_DROP;
		return USNF_DROP;
	}
	consumed_reap(sn, p);
	p->next = sn->consumed;
	sn->consumed = p;
	return USNF_STOLEN;
}

/* ---- TCP options ---- */

bool ct_synproxy_parse_options(const struct pkt *p, uint32_t thoff, struct ct_synproxy_opts *o)
{
	const uint8_t *th = pkt_header(p, thoff, 20), *ptr;
	int length;

	if (!th)
		return false;
	length = (th[12] >> 4) * 4 - 20;
	if (length < 0)
		return false;
	ptr = pkt_header(p, thoff + 20, (uint32_t)length);
	if (!ptr)
		return false;
	o->options = 0;
	while (length > 0) {
		int opcode = *ptr++, opsize;

		switch (opcode) {
		case TCPOPT_EOL:
			return true;
		case TCPOPT_NOP:
			length--;
			continue;
		default:
			if (length < 2)
				return true;
			opsize = *ptr++;
			if (opsize < 2 || opsize > length)
				return true;
			switch (opcode) {
			case TCPOPT_MSS:
				if (opsize == 4) {
					o->mss_option = (uint16_t)(ptr[0] << 8 | ptr[1]);
					o->options |= CT_SYNPROXY_OPT_MSS;
				}
				break;
			case TCPOPT_WINDOW:
				if (opsize == 3) {
					o->wscale = ptr[0] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : ptr[0];
					o->options |= CT_SYNPROXY_OPT_WSCALE;
				}
				break;
			case TCPOPT_TIMESTAMP:
				if (opsize == 10) {
					o->tsval = ct_rd32(ptr);
					o->tsecr = ct_rd32(ptr + 4);
					o->options |= CT_SYNPROXY_OPT_TIMESTAMP;
				}
				break;
			case TCPOPT_SACK_PERM:
				if (opsize == 2)
					o->options |= CT_SYNPROXY_OPT_SACK_PERM;
				break;
			}
			ptr += opsize - 2;
			length -= opsize;
		}
	}
	return true;
}

/* synproxy_options_size(): MSS, timestamp (with SACK-permitted folded in) or SACK, wscale. */
static uint32_t options_size(const struct ct_synproxy_opts *o)
{
	uint32_t size = 0;

	if (o->options & CT_SYNPROXY_OPT_MSS)
		size += 4;
	if (o->options & CT_SYNPROXY_OPT_TIMESTAMP)
		size += 12;
	else if (o->options & CT_SYNPROXY_OPT_SACK_PERM)
		size += 4;
	if (o->options & CT_SYNPROXY_OPT_WSCALE)
		size += 4;
	return size;
}

/* synproxy_build_options(): the words in the kernel's order and padding. */
static void build_options(uint8_t *op, const struct ct_synproxy_opts *o)
{
	if (o->options & CT_SYNPROXY_OPT_MSS) {
		op[0] = TCPOPT_MSS;
		op[1] = 4;
		wr16(op + 2, o->mss_option);
		op += 4;
	}
	if (o->options & CT_SYNPROXY_OPT_TIMESTAMP) {
		bool sack = o->options & CT_SYNPROXY_OPT_SACK_PERM;

		op[0] = sack ? TCPOPT_SACK_PERM : TCPOPT_NOP;
		op[1] = sack ? 2 : TCPOPT_NOP;
		op[2] = TCPOPT_TIMESTAMP;
		op[3] = 10;
		wr32(op + 4, o->tsval);
		wr32(op + 8, o->tsecr);
		op += 12;
	} else if (o->options & CT_SYNPROXY_OPT_SACK_PERM) {
		op[0] = op[1] = TCPOPT_NOP;
		op[2] = TCPOPT_SACK_PERM;
		op[3] = 2;
		op += 4;
	}
	if (o->options & CT_SYNPROXY_OPT_WSCALE) {
		op[0] = TCPOPT_NOP;
		op[1] = TCPOPT_WINDOW;
		op[2] = 3;
		op[3] = o->wscale;
	}
}

void ct_synproxy_init_timestamp_cookie(const struct usnf_net *net,
				       const struct ct_synproxy_info *info,
				       struct ct_synproxy_opts *o)
{
	o->tsecr = o->tsval;
	/* tcp_clock_ms(): milliseconds of the engine clock. */
	o->tsval = (uint32_t)(net->now_ns / 1000000u) & ~0x3fu;
	if (o->options & CT_SYNPROXY_OPT_WSCALE) {
		o->tsval |= o->wscale;
		o->wscale = info->wscale;
	} else {
		o->tsval |= 0xf;
	}
	if (o->options & CT_SYNPROXY_OPT_SACK_PERM)
		o->tsval |= 1u << 4;
	if (o->options & CT_SYNPROXY_OPT_ECN)
		o->tsval |= 1u << 5;
}

/* synproxy_check_timestamp_cookie(): what the client's SYN asked for, back from tsecr. */
static void check_timestamp_cookie(struct ct_synproxy_opts *o)
{
	o->wscale = o->tsecr & 0xf;
	if (o->wscale != 0xf)
		o->options |= CT_SYNPROXY_OPT_WSCALE;
	if (o->tsecr & (1u << 4))
		o->options |= CT_SYNPROXY_OPT_SACK_PERM;
	if (o->tsecr & (1u << 5))
		o->options |= CT_SYNPROXY_OPT_ECN;
}

/*
 * synproxy_tstamp_adjust(): the client sees the proxy's timestamps, the server
 * its own; replies' TSval move back by tsoff, originals' TSecr forward.
 * false: a malformed option list (the kernel's return value 0, ignored).
 */
static bool tstamp_adjust(struct pkt *p, uint32_t thoff, const struct ct_conn *c, enum ct_info ci)
{
	uint32_t optoff, optend;
	uint8_t *th;

	if (c->synproxy.tsoff == 0)
		return true;
	th = pkt_at(p, thoff);
	optoff = thoff + 20;
	optend = thoff + (uint32_t)(th[12] >> 4) * 4;
	if (optend < optoff || !pkt_header(p, thoff, optend - thoff))
		return false;
	while (optoff < optend) {
		uint8_t *op = pkt_at(p, optoff), *f;
		uint32_t old, v;
		uint16_t sum;

		switch (op[0]) {
		case TCPOPT_EOL:
			return true;
		case TCPOPT_NOP:
			optoff++;
			continue;
		default:
			if (optoff + 1 == optend || optoff + op[1] > optend || op[1] < 2)
				return false;
			if (op[0] == TCPOPT_TIMESTAMP && op[1] == 10) {
				f = ct_info_dir(ci) == CT_DIR_REPLY ? op + 2 : op + 6;
				memcpy(&old, f, 4);
				v = ct_rd32(f);
				wr32(f, ct_info_dir(ci) == CT_DIR_REPLY ? v - c->synproxy.tsoff
									: v + c->synproxy.tsoff);
				memcpy(&v, f, 4);
				memcpy(&sum, th + 16, 2);
				csum_replace4(&sum, old, v);
				memcpy(th + 16, &sum, 2);
				return true;
			}
			optoff += op[1];
		}
	}
	return true;
}

/* ---- the segments ---- */

/* The addresses and ports of the packet p whose TCP header is at thoff. */
static void flow_of(struct synproxy_flow *f, const struct pkt *p, uint8_t l3, uint32_t thoff)
{
	const uint8_t *nh = pkt_network(p), *th = pkt_at(p, thoff);

	f->fam = l3 == USNF_NFPROTO_IPV6;
	f->saddr = f->fam ? nh + 8 : nh + 12;
	f->daddr = f->fam ? nh + 24 : nh + 16;
	f->sport = th;
	f->dport = th + 2;
}

/*
 * A TCP header with o's options into t: ports and numbers as given, the flags
 * of the kernel's tcp_flag_word(), window win.  Returns its length.
 */
static uint32_t seg_build(uint8_t *t, const uint8_t *sport, const uint8_t *dport, uint32_t seq,
			  uint32_t ack, uint8_t flags, uint16_t win,
			  const struct ct_synproxy_opts *o)
{
	uint32_t len = 20 + options_size(o);

	memset(t, 0, len);
	memcpy(t, sport, 2);
	memcpy(t + 2, dport, 2);
	wr32(t + 4, seq);
	wr32(t + 8, ack);
	t[12] = (uint8_t)((len / 4) << 4);
	t[13] = flags;
	wr16(t + 14, win);
	build_options(t + 20, o);
	return len;
}

/* synproxy_send_tcp(): from saddr to daddr of the family of f, joined to c as ci. */
static void seg_send(struct usnf_net *net, const struct pkt *cause, unsigned int fam,
		     const uint8_t *saddr, const uint8_t *daddr, const uint8_t *t, uint32_t len,
		     struct ct_conn *c, enum ct_info ci, bool seen)
{
	uint32_t ctinfo = c ? (uint32_t)ci | (seen ? CT_INFO_SEEN : 0) : 0;

	if (fam)
		stack_synproxy_send6(net, cause, saddr, daddr, t, len, c, ctinfo);
	else
		stack_synproxy_send4(net, cause, saddr, daddr, t, len, c, ctinfo);
}

void ct_synproxy_send_client_synack(struct usnf_net *net, const struct pkt *p, uint8_t l3,
				    uint32_t thoff, const struct ct_synproxy_opts *o)
{
	struct ct_synproxy_net *sn = snet(net);
	const uint8_t *th = pkt_at(p, thoff);
	struct synproxy_flow f;
	uint16_t mss = o->mss_encode;
	uint8_t t[60];
	uint32_t len, cookie;

	if (!sn)
		return;
	flow_of(&f, p, l3, thoff);
	cookie = cookie_init_sequence(net, sn, &f, ct_rd32(th + 4), &mss);
	len = seg_build(t, th + 2, th, cookie, ct_rd32(th + 4) + 1,
			TH_SYN | TH_ACK | ((o->options & CT_SYNPROXY_OPT_ECN) ? TH_ECE : 0), 0, o);
	/* skb_nfct(skb): the SYN's connection if it has one (an untracked or
	 * invalid SYN has none), as IP_CT_ESTABLISHED_REPLY. */
	seg_send(net, p, f.fam, f.daddr, f.saddr, t, len, p->ct, CT_ESTABLISHED_REPLY, true);
}

/* synproxy_send_server_syn(): the client's SYN again, our ISN relayed in ack_seq. */
static void send_server_syn(struct usnf_net *net, struct ct_synproxy_net *sn, const struct pkt *p,
			    uint8_t l3, uint32_t thoff, const struct ct_synproxy_opts *o,
			    uint32_t recv_seq)
{
	const uint8_t *th = pkt_at(p, thoff);
	struct synproxy_flow f;
	uint8_t t[60];
	uint32_t len;
	uint8_t flags = TH_SYN;

	if (o->options & CT_SYNPROXY_OPT_ECN)
		flags |= TH_ECE | TH_CWR;
	flow_of(&f, p, l3, thoff);
	len = seg_build(t, th, th + 2, recv_seq - 1, ct_rd32(th + 8) - 1, flags,
			ct_rd16(th + 14), o);
	seg_send(net, p, f.fam, f.saddr, f.daddr, t, len, &sn->tmpl, CT_NEW, false);
}

bool ct_synproxy_recv_client_ack(struct usnf_net *net, const struct pkt *p, uint8_t l3,
				 uint32_t thoff, struct ct_synproxy_opts *o, uint32_t recv_seq)
{
	struct ct_synproxy_net *sn = snet(net);
	const uint8_t *th = pkt_at(p, thoff);
	struct synproxy_flow f;
	uint16_t mss;

	if (!sn)
		return false;
	flow_of(&f, p, l3, thoff);
	mss = cookie_check_ack(net, sn, &f, ct_rd32(th + 4), ct_rd32(th + 8));
	if (mss == 0) {
		sn->stats.cookie_invalid++;
		return false;
	}
	sn->stats.cookie_valid++;
	o->mss_option = mss;
	o->options |= CT_SYNPROXY_OPT_MSS;
	if (o->options & CT_SYNPROXY_OPT_TIMESTAMP)
		check_timestamp_cookie(o);
	send_server_syn(net, sn, p, l3, thoff, o, recv_seq);
	return true;
}

/* synproxy_send_server_ack(): acknowledge the server's SYN-ACK for the client. */
static void send_server_ack(struct usnf_net *net, const struct ct_conn *c, const struct pkt *p,
			    uint8_t l3, uint32_t thoff, const struct ct_synproxy_opts *o)
{
	const uint8_t *th = pkt_at(p, thoff);
	struct synproxy_flow f;
	uint8_t t[60];
	uint32_t len;

	flow_of(&f, p, l3, thoff);
	len = seg_build(t, th + 2, th, ct_rd32(th + 8), ct_rd32(th + 4) + 1, TH_ACK,
			(uint16_t)c->tcp.seen[CT_DIR_ORIGINAL].td_maxwin, o);
	seg_send(net, p, f.fam, f.daddr, f.saddr, t, len, NULL, CT_NEW, false);
}

/* synproxy_send_client_ack(): the server's window, on its behalf, to the client. */
static void send_client_ack(struct usnf_net *net, const struct pkt *p, uint8_t l3,
			    uint32_t thoff, const struct ct_synproxy_opts *o)
{
	const uint8_t *th = pkt_at(p, thoff);
	struct synproxy_flow f;
	uint8_t t[60];
	uint32_t len;

	flow_of(&f, p, l3, thoff);
	len = seg_build(t, th, th + 2, ct_rd32(th + 4) + 1, ct_rd32(th + 8), TH_ACK,
			(uint16_t)(ct_rd16(th + 14) >> o->wscale), o);
	seg_send(net, p, f.fam, f.saddr, f.daddr, t, len, p->ct, CT_ESTABLISHED_REPLY, true);
}

/* nf_ct_seqadj_init(): direction ci's sequence numbers move by off from now on. */
static void seqadj_init(struct ct_conn *c, enum ct_info ci, int32_t off)
{
	struct ct_seqadj *s = &c->seqadj[ct_info_dir(ci)];

	if (off == 0)
		return;
	c->status |= CT_S_SEQ_ADJUST;
	s->offset_before = off;
	s->offset_after = off;
}

/* ---- the hook functions ---- */

/* The TCP header of p for the hook (ipv4/ipv6_synproxy_hook()); false: not TCP. */
static bool hook_thoff(const struct pkt *p, uint8_t pf, uint32_t *thoff)
{
	if (pf == USNF_NFPROTO_IPV4) {
		const uint8_t *h = pkt_header(p, p->net_off, 20);

		if (!h || h[9] != 6)
			return false;
		*thoff = p->net_off + (uint32_t)(h[0] & 0x0f) * 4;
	} else {
		const uint8_t *h = pkt_header(p, p->net_off, 40);
		uint16_t fo = 0;
		uint8_t nh;
		int off;

		if (!h)
			return false;
		nh = h[6];
		off = pkt_ipv6_skip_exthdr(p, p->net_off + 40, &nh, &fo, NULL);
		if (off < 0 || nh != 6 || fo)
			return false;
		*thoff = (uint32_t)off;
	}
	return true;
}

/* TCP_CONNTRACK_SYN_RECV: the server's SYN-ACK completes both halves. */
static unsigned int hook_syn_recv(struct usnf_net *net, struct pkt *p, uint8_t pf, uint32_t thoff,
				  struct ct_conn *c, enum ct_info ci)
{
	struct ct_synproxy_opts o = { 0 };
	const uint8_t *th = pkt_at(p, thoff);
	uint32_t tmp;

	if (!ct_synproxy_parse_options(p, thoff, &o))
		return USNF_DROP;
	if (o.options & CT_SYNPROXY_OPT_TIMESTAMP) {
		c->synproxy.tsoff = o.tsval - c->synproxy.its;
		ct_event_cache(c, CT_EV_SYNPROXY);
	}
	o.options &= (uint8_t)~(CT_SYNPROXY_OPT_MSS | CT_SYNPROXY_OPT_WSCALE |
				CT_SYNPROXY_OPT_SACK_PERM);
	tmp = o.tsval, o.tsval = o.tsecr, o.tsecr = tmp;
	send_server_ack(net, c, p, pf, thoff, &o);
	seqadj_init(c, ci, (int32_t)(c->synproxy.isn - ct_rd32(th + 4)));
	ct_event_cache(c, CT_EV_SEQADJ);
	tmp = o.tsval, o.tsval = o.tsecr, o.tsecr = tmp;
	send_client_ack(net, p, pf, thoff, &o);
	return ct_synproxy_consume(net, p);
}

/* ipv4_synproxy_hook() / ipv6_synproxy_hook(). */
static unsigned int synproxy_hook(void *priv, struct pkt *p, const struct usnf_hook_state *st)
{
	struct usnf_net *net = st->net;
	struct ct_synproxy_net *sn = snet(net);
	struct ct_synproxy_opts o = { 0 };
	const struct usnf_iface *dev = st->hook == USNF_INET_LOCAL_IN ? st->in : st->out;
	enum ct_info ci;
	struct ct_conn *c = ct_get(p, &ci);
	const uint8_t *th;
	uint32_t thoff;
	uint8_t flags;
	bool orig;

	(void)priv;
	if (!sn)
		return USNF_ACCEPT;
	consumed_reap(sn, p);
	if (!c || !c->synproxy.on || (c->status & CT_S_TEMPLATE))
		return USNF_ACCEPT;
	/* nf_is_loopback_packet(), then only TCP. */
	if ((dev && dev->loopback) || !hook_thoff(p, st->pf, &thoff))
		return USNF_ACCEPT;
	th = pkt_header(p, thoff, 20);
	if (!th)
		return USNF_DROP;
	flags = th[13];
	orig = ct_info_dir(ci) == CT_DIR_ORIGINAL;
	switch (c->tcp.state) {
	case CT_TCP_CLOSE:
		if ((flags & TH_RST) && !orig) {
			seqadj_init(c, ci, (int32_t)(c->synproxy.isn - ct_rd32(th + 4) + 1));
			break;
		}
		if (!(flags & TH_SYN) || (flags & TH_ACK) || !orig)
			break;
		/* Reopened: the adjustments are made again once it is re-established. */
		seqadj_init(c, ci, 0);
		c->synproxy.tsoff = 0;
		sn->stats.conn_reopened++;
		/* fallthrough */
	case CT_TCP_SYN_SENT:
		if (!ct_synproxy_parse_options(p, thoff, &o))
			return USNF_DROP;
		if (!(flags & TH_SYN) && (flags & TH_ACK) && orig) {
			/* Keep-alives carry SND.NXT-1: add 1 to meet the first SYN's number. */
			if (!ct_synproxy_recv_client_ack(net, p, st->pf, thoff, &o,
							 ct_rd32(th + 4) + 1))
				return USNF_DROP;
			sn->stats.cookie_retrans++;
			return ct_synproxy_consume(net, p);
		}
		c->synproxy.isn = ct_rd32(th + 8);
		if (o.options & CT_SYNPROXY_OPT_TIMESTAMP)
			c->synproxy.its = o.tsecr;
		ct_event_cache(c, CT_EV_SYNPROXY);
		break;
	case CT_TCP_SYN_RECV:
		if (!(flags & TH_SYN) || !(flags & TH_ACK))
			break;
		return hook_syn_recv(net, p, st->pf, thoff, c, ci);
	default:
		break;
	}
	tstamp_adjust(p, thoff, c, ci);
	return USNF_ACCEPT;
}

/*
 * nf_synproxy_ipv4_init() / ipv6_init(): LOCAL_IN and POST_ROUTING.  The kernel
 * runs them at NF_IP_PRI_CONNTRACK_CONFIRM - 1, just before nf_confirm(), whose
 * helper and sequence adjustment usnf runs as a hook of its own at
 * USNF_PRI_CONNTRACK_HELPER (ct_helper.c): one below that keeps the kernel's
 * order (the SYN-ACK's and RST's numbers are read before seqadj moves them),
 * with nothing else registered in between.
 */
static int hooks_register(struct usnf_net *net, struct ct_synproxy_net *sn, unsigned int fam)
{
	static const uint8_t hooks[2] = { USNF_INET_LOCAL_IN, USNF_INET_POST_ROUTING };
	struct usnf_hook_ops *o = sn->ops[fam];
	int rc;

	if (sn->on[fam])
		return 0;
	for (unsigned int i = 0; i < 2; i++) {
		memset(&o[i], 0, sizeof(o[i]));
		o[i].hook = synproxy_hook;
		o[i].pf = fam ? USNF_NFPROTO_IPV6 : USNF_NFPROTO_IPV4;
		o[i].hooknum = hooks[i];
		o[i].priority = USNF_PRI_CONNTRACK_HELPER - 1;
	}
	rc = usnf_hook_register_many(net, o, 2);
	if (rc == 0)
		sn->on[fam] = true;
	return rc;
}

int ct_synproxy_init(struct usnf_net *net, uint8_t pf)
{
	struct ct_synproxy_net *sn;
	int rc = ct_netns_get(net, pf);

	if (rc)
		return rc;
	sn = snet_get(net);
	if (!sn)
		return -ENOMEM;
	return hooks_register(net, sn, pf == USNF_NFPROTO_IPV6);
}

void ct_synproxy_exit(struct usnf_net *net)
{
	struct ct_synproxy_net *sn = snet(net);

	if (!sn)
		return;
	for (unsigned int f = 0; f < 2; f++)
		if (sn->on[f])
			usnf_hook_unregister_many(net, sn->ops[f], 2);
	consumed_reap(sn, NULL);
	free(sn);
	net->ct->synproxy = NULL;
}
