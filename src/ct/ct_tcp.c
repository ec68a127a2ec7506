/* ct_tcp: the TCP tracker — state table and window tracking of nf_conntrack_proto_tcp.c. */
#include <string.h>

#include "ct/ct_int.h"
#include "pkt/csum.h"

/* Flags of struct ip_ct_tcp_state (uapi nf_conntrack_tcp.h). */
#define F_WINDOW_SCALE   0x01
#define F_SACK_PERM      0x02
#define F_CLOSE_INIT     0x04
#define F_BE_LIBERAL     0x08
#define F_DATA_UNACK     0x10
#define F_MAXACK_SET     0x20
#define F_EXP_CHALLENGE  0x40
#define F_SIMULTANEOUS   0x80

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

#define MAXACKWINCONST 66000u
#define TCP_MAX_WSCALE 14

enum { I_SYN, I_SYNACK, I_FIN, I_ACK, I_RST, I_NONE };
enum tcp_act { ACT_IGNORE, ACT_INVALID, ACT_ACCEPT };

#define sNO CT_TCP_NONE
#define sSS CT_TCP_SYN_SENT
#define sSR CT_TCP_SYN_RECV
#define sES CT_TCP_ESTABLISHED
#define sFW CT_TCP_FIN_WAIT
#define sCW CT_TCP_CLOSE_WAIT
#define sLA CT_TCP_LAST_ACK
#define sTW CT_TCP_TIME_WAIT
#define sCL CT_TCP_CLOSE
#define sS2 CT_TCP_SYN_SENT2
#define sIV CT_TCP_MAX
#define sIG CT_TCP_IGNORE

/* The kernel's tcp_conntracks[dir][index][old state] transition table. */
static const uint8_t tcp_next[2][6][CT_TCP_MAX] = {
	{
		/*          sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
		/* syn */ { sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
		/* s/a */ { sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
		/* fin */ { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/* ack */ { sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
		/* rst */ { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/* none*/ { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
	{
		/* syn */ { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2 },
		/* s/a */ { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
		/* fin */ { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/* ack */ { sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
		/* rst */ { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/* none*/ { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
};

static const char *const tcp_names[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

const char *ct_tcp_state_name(unsigned int state)
{
	return state < CT_TCP_MAX ? tcp_names[state] : "UNKNOWN";
}

/* Default timeouts in seconds, by state (tcp_timeouts[]); sysctls override. */
static const uint32_t tcp_default_timeouts[CT_TCP_TIMEOUT_MAX] = {
	[CT_TCP_NONE] = 120, [CT_TCP_SYN_SENT] = 120, [CT_TCP_SYN_RECV] = 60,
	[CT_TCP_ESTABLISHED] = 432000, [CT_TCP_FIN_WAIT] = 120, [CT_TCP_CLOSE_WAIT] = 60,
	[CT_TCP_LAST_ACK] = 30, [CT_TCP_TIME_WAIT] = 120, [CT_TCP_CLOSE] = 10,
	[CT_TCP_SYN_SENT2] = 120, [CT_TCP_RETRANS] = 300, [CT_TCP_UNACK] = 300,
};

static uint32_t tcp_timeout(struct usnf_net *net, unsigned int state)
{
	const int *p = ctn(net)->sys.tcp[state];

	return p ? (uint32_t)*p : tcp_default_timeouts[state];
}

static bool before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool after(uint32_t a, uint32_t b) { return before(b, a); }

/* A parsed view of the segment. */
struct seg {
	const uint8_t *th;
	uint32_t thoff, doff, len;      /* len: bytes from thoff to the end */
	uint8_t flags;
	uint32_t seq, ack, end;
	uint16_t win;
};

static unsigned int tcp_index(uint8_t f)
{
	if (f & TH_RST)
		return I_RST;
	if (f & TH_SYN)
		return (f & TH_ACK) ? I_SYNACK : I_SYN;
	if (f & TH_FIN)
		return I_FIN;
	if (f & TH_ACK)
		return I_ACK;
	return I_NONE;
}

static bool seg_parse(const struct pkt *p, uint32_t thoff, struct seg *s)
{
	s->th = pkt_header(p, thoff, 20);
	if (!s->th)
		return false;
	s->thoff = thoff;
	s->len = pkt_end(p) - thoff;
	s->doff = (uint32_t)(s->th[12] >> 4) * 4;
	s->flags = s->th[13];
	s->seq = ct_rd32(s->th + 4);
	s->ack = ct_rd32(s->th + 8);
	s->win = ct_rd16(s->th + 14);
	/* segment_seq_plus_len(): SYN and FIN count as one byte each. */
	s->end = s->seq + s->len - s->doff + ((s->flags & TH_SYN) ? 1 : 0) +
		 ((s->flags & TH_FIN) ? 1 : 0);
	return true;
}

/* tcp_options(): window scale and SACK-permitted. */
static void tcp_options(const struct seg *s, struct ct_tcp_dir *d)
{
	const uint8_t *o = s->th + 20;
	int len = (int)s->doff - 20;

	if (len <= 0)
		return;
	d->td_scale = 0;
	d->flags = 0;
	while (len > 0) {
		uint8_t op = *o++;
		int sz;

		if (op == 0)
			return;
		if (op == 1) {
			len--;
			continue;
		}
		if (len < 2)
			return;
		sz = *o++;
		if (sz < 2 || sz > len)
			return;
		if (op == 4 && sz == 2)
			d->flags |= F_SACK_PERM;
		else if (op == 3 && sz == 3) {
			d->td_scale = *o > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : *o;
			d->flags |= F_WINDOW_SCALE;
		}
		o += sz - 2;
		len -= sz;
	}
}

/* tcp_sack(): the highest right edge of the SACK blocks. */
static void tcp_sack(const struct seg *s, uint32_t *sack)
{
	const uint8_t *o = s->th + 20;
	int len = (int)s->doff - 20;

	if (len <= 0)
		return;
	/* The timestamp-only layout has no SACK. */
	if (len == 12 && o[0] == 1 && o[1] == 1 && o[2] == 8 && o[3] == 10)
		return;
	while (len > 0) {
		uint8_t op = *o++;
		int sz;

		if (op == 0)
			return;
		if (op == 1) {
			len--;
			continue;
		}
		if (len < 2)
			return;
		sz = *o++;
		if (sz < 2 || sz > len)
			return;
		if (op == 5 && sz >= 10 && !((sz - 2) % 8)) {
			for (int i = 0; i < sz - 2; i += 8) {
				uint32_t t = ct_rd32(o + i + 4);

				if (after(t, *sack))
					*sack = t;
			}
			return;
		}
		o += sz - 2;
		len -= sz;
	}
}

static void tcp_init_sender(struct ct_tcp_dir *snd, struct ct_tcp_dir *rcv, const struct seg *s,
			    uint32_t end, uint32_t win, unsigned int dir)
{
	snd->td_end = snd->td_maxend = end;
	snd->td_maxwin = win == 0 ? 1 : win;
	tcp_options(s, snd);
	/* RFC 1323: scaling only when both sides sent the option. */
	if (dir == CT_DIR_REPLY &&
	    !((snd->flags & F_WINDOW_SCALE) && (rcv->flags & F_WINDOW_SCALE))) {
		snd->td_scale = 0;
		rcv->td_scale = 0;
	}
}

static enum tcp_act tcp_log_invalid(struct usnf_net *net, const struct ct_tcp_dir *snd,
				    enum tcp_act ret)
{
	if ((snd->flags & F_BE_LIBERAL) || ct_sys(ctn(net)->sys.liberal, 0))
		return ACT_ACCEPT;
	return ret;
}

static uint32_t maxackwindow(const struct ct_tcp_dir *snd)
{
	return snd->td_maxwin > MAXACKWINCONST ? snd->td_maxwin : MAXACKWINCONST;
}

/* tcp_in_window() of Linux 6.x. */
static enum tcp_act tcp_in_window(struct usnf_net *net, struct ct_conn *c, unsigned int dir,
				  unsigned int index, const struct seg *s)
{
	struct ct_tcp *st = &c->tcp;
	struct ct_tcp_dir *snd = &st->seen[dir], *rcv = &st->seen[!dir];
	uint32_t seq = s->seq, ack = s->ack, sack = s->ack, end = s->end;
	uint32_t win = s->win, swin;
	bool in_recv_win;

	if (rcv->flags & F_SACK_PERM)
		tcp_sack(s, &sack);
	/* NAT's sequence adjustment: the receiver's stream grew or shrank. */
	{
		uint32_t roff = (uint32_t)ct_seqadj_offset(c, !dir, ack - 1);

		ack -= roff;
		sack -= roff;
	}
	if (snd->td_maxwin == 0) {
		if (s->flags & TH_SYN) {
			tcp_init_sender(snd, rcv, s, end, win, dir);
			if (!(s->flags & TH_ACK))
				return ACT_ACCEPT;      /* simultaneous open */
		} else {
			/* Mid-connection: take what the packet says. */
			snd->td_end = end;
			swin = win << snd->td_scale;
			snd->td_maxwin = swin == 0 ? 1 : swin;
			snd->td_maxend = end + snd->td_maxwin;
			if (rcv->td_maxwin == 0)
				rcv->td_end = rcv->td_maxend = sack;
			else if (sack == rcv->td_end + 1)
				rcv->td_end++;          /* a keepalive's answer */
		}
	} else if ((s->flags & TH_SYN) && after(end, snd->td_end) &&
		   (st->state == CT_TCP_SYN_SENT || st->state == CT_TCP_SYN_RECV)) {
		tcp_init_sender(snd, rcv, s, end, win, dir);
		if (dir == CT_DIR_REPLY && !(s->flags & TH_ACK))
			return ACT_ACCEPT;
	}
	if (!(s->flags & TH_ACK))
		ack = sack = rcv->td_end;
	else if ((s->flags & (TH_ACK | TH_RST)) == (TH_ACK | TH_RST) && ack == 0)
		ack = sack = rcv->td_end;       /* broken stacks: RST+ACK with ack 0 */
	if ((s->flags & TH_RST) && seq == 0 && st->state == CT_TCP_SYN_SENT)
		seq = end = snd->td_end;        /* RST answering a SYN */

	if (!before(seq, snd->td_maxend + 1)) {
		uint32_t overshot = end - snd->td_maxend + 1;
		bool ack_ok = after(sack, rcv->td_end - maxackwindow(snd) - 1);

		in_recv_win = rcv->td_maxwin && after(end, snd->td_end - rcv->td_maxwin - 1);
		if (in_recv_win && ack_ok && overshot <= rcv->td_maxwin &&
		    before(sack, rcv->td_end + 1)) {
			snd->td_end = end;
			snd->flags |= F_DATA_UNACK;
			return tcp_log_invalid(net, snd, ACT_IGNORE);
		}
		return tcp_log_invalid(net, snd, ACT_INVALID);  /* SEQ over upper bound */
	}
	if (!before(sack, rcv->td_end + 1))
		return tcp_log_invalid(net, snd, ACT_INVALID);  /* ACK over upper bound */
	in_recv_win = !rcv->td_maxwin || after(end, snd->td_end - rcv->td_maxwin - 1);
	if (!in_recv_win)
		return tcp_log_invalid(net, snd, ACT_IGNORE);
	if (!after(sack, rcv->td_end - maxackwindow(snd) - 1))
		return tcp_log_invalid(net, snd, ACT_IGNORE);

	if (!(s->flags & TH_SYN))
		win <<= snd->td_scale;
	swin = win + (sack - ack);
	if (snd->td_maxwin < swin)
		snd->td_maxwin = swin;
	if (after(end, snd->td_end)) {
		snd->td_end = end;
		snd->flags |= F_DATA_UNACK;
	}
	if (s->flags & TH_ACK) {
		if (!(snd->flags & F_MAXACK_SET)) {
			snd->td_maxack = ack;
			snd->flags |= F_MAXACK_SET;
		} else if (after(ack, snd->td_maxack)) {
			snd->td_maxack = ack;
		}
	}
	if (rcv->td_maxwin != 0 && after(end, snd->td_maxend))
		rcv->td_maxwin += end - snd->td_maxend;
	if (after(sack + win, rcv->td_maxend - 1)) {
		rcv->td_maxend = sack + win;
		if (win == 0)
			rcv->td_maxend++;
	}
	if (ack == rcv->td_end)
		rcv->flags &= ~F_DATA_UNACK;
	if (index == I_ACK) {
		if (st->last_dir == dir && st->last_seq == seq && st->last_ack == ack &&
		    st->last_end == end && st->last_win == s->win) {
			st->retrans++;
		} else {
			st->last_dir = (uint8_t)dir;
			st->last_seq = seq;
			st->last_ack = ack;
			st->last_end = end;
			st->last_win = s->win;
			st->retrans = 0;
		}
	}
	return ACT_ACCEPT;
}

/* nf_tcp_handle_invalid(): an out-of-window FIN/RST shortens an assured entry's life. */
static void tcp_handle_invalid(struct usnf_net *net, struct ct_conn *c, unsigned int dir,
			       unsigned int index)
{
	uint64_t now = net->now_ns, left;
	uint32_t t;

	if (!(c->status & CT_S_ASSURED) || (c->status & CT_S_FIXED_TIMEOUT))
		return;
	if (index != I_RST && index != I_FIN)
		return;
	if (c->tcp.last_dir != dir && (c->tcp.last_index == I_FIN || c->tcp.last_index == I_RST)) {
		left = c->expires_ns > now ? c->expires_ns - now : 0;
		if (left < 120 * CT_NS_PER_S)
			return;
		t = tcp_timeout(net, CT_TCP_UNACK);
		if (left > t * CT_NS_PER_S)
			ct_refresh(net, c, t);
	} else {
		c->tcp.last_index = (uint8_t)index;
		c->tcp.last_dir = (uint8_t)dir;
	}
}

static const uint8_t tcp_valid_flags[0x40] = {
	[TH_SYN] = 1, [TH_SYN | TH_URG] = 1, [TH_SYN | TH_ACK] = 1, [TH_RST] = 1,
	[TH_RST | TH_ACK] = 1, [TH_FIN | TH_ACK] = 1, [TH_FIN | TH_ACK | TH_URG] = 1,
	[TH_ACK] = 1, [TH_ACK | TH_URG] = 1,
};

bool ct_tcp_error(struct usnf_net *net, const struct pkt *p, uint8_t l3, uint32_t thoff,
		  uint8_t hook)
{
	struct seg s;

	if (!seg_parse(p, thoff, &s))
		return true;
	if (s.doff < 20 || s.len < s.doff)
		return true;                    /* truncated */
	if (ct_sys(ctn(net)->sys.checksum, 1) && hook == USNF_INET_PRE_ROUTING &&
	    ct_l4_error(net, p, l3, 6, thoff, hook))
		return true;                    /* bad checksum */
	return !tcp_valid_flags[s.flags & ~(TH_ECE | TH_CWR | TH_PSH)];
}

/* tcp_new(): the first packet of a connection. */
static bool tcp_new(struct usnf_net *net, struct ct_conn *c, const struct seg *s)
{
	unsigned int ns = tcp_next[0][tcp_index(s->flags)][CT_TCP_NONE];
	struct ct_tcp_dir *d0 = &c->tcp.seen[0];

	if (ns >= CT_TCP_MAX)
		return false;
	memset(&c->tcp, 0, sizeof(c->tcp));
	d0->td_end = s->end;
	d0->td_maxwin = s->win ? s->win : 1;
	if (ns == CT_TCP_SYN_SENT) {
		d0->td_maxend = d0->td_end;
		tcp_options(s, d0);
	} else {
		if (!ct_sys(ctn(net)->sys.loose, 1))
			return false;           /* don't pick up connections */
		d0->td_maxend = d0->td_end + d0->td_maxwin;
		/* Picked up: assume SACK and be liberal to cope with window scaling. */
		c->tcp.seen[0].flags = c->tcp.seen[1].flags = F_SACK_PERM | F_BE_LIBERAL;
	}
	c->tcp.last_index = I_NONE;
	return true;
}

bool ct_tcp_can_early_drop(const struct ct_conn *c)
{
	switch (c->tcp.state) {
	case CT_TCP_FIN_WAIT: case CT_TCP_LAST_ACK: case CT_TCP_TIME_WAIT:
	case CT_TCP_CLOSE: case CT_TCP_CLOSE_WAIT:
		return true;
	default:
		return false;
	}
}

static bool tcp_established(const struct ct_conn *c)
{
	return c->tcp.state == CT_TCP_ESTABLISHED && (c->status & CT_S_ASSURED);
}

static void tcp_reset_dir(struct ct_tcp_dir *d)
{
	uint8_t keep = d->flags & F_BE_LIBERAL;

	memset(d, 0, sizeof(*d));
	d->flags = keep;
}

/*
 * The ignored-packet bookkeeping (TCP_CONNTRACK_IGNORE): returns 1 to accept the
 * packet unchanged, 0 if it resynchronised (go on with SYN_RECV).
 */
static int tcp_ignore(struct ct_conn *c, unsigned int dir, unsigned int index,
		      const struct seg *s, unsigned int old, unsigned int *ns, unsigned int *os)
{
	struct ct_tcp *t = &c->tcp;

	if (index == I_SYNACK && t->last_index == I_SYN && t->last_dir != dir &&
	    s->ack == t->last_end) {
		/* This SYN/ACK answers a SYN we ignored: both ends are in sync, we resync. */
		struct ct_tcp_dir *ld = &t->seen[t->last_dir];

		*os = CT_TCP_SYN_SENT;
		*ns = CT_TCP_SYN_RECV;
		ld->td_end = ld->td_maxend = t->last_end;
		ld->td_maxwin = t->last_win == 0 ? 1 : t->last_win;
		ld->td_scale = t->last_wscale;
		t->last_flags &= ~F_EXP_CHALLENGE;
		ld->flags = t->last_flags;
		tcp_reset_dir(&t->seen[dir]);
		return 0;
	}
	t->last_index = (uint8_t)index;
	t->last_dir = (uint8_t)dir;
	t->last_seq = s->seq;
	t->last_end = s->end;
	t->last_win = s->win;
	if (index == I_SYN && dir == CT_DIR_ORIGINAL) {
		struct ct_tcp_dir seen = { 0 };

		t->last_flags = t->last_wscale = 0;
		tcp_options(s, &seen);
		if (seen.flags & F_WINDOW_SCALE) {
			t->last_flags |= F_WINDOW_SCALE;
			t->last_wscale = seen.td_scale;
		}
		if (seen.flags & F_SACK_PERM)
			t->last_flags |= F_SACK_PERM;
		if (old == CT_TCP_LAST_ACK)
			t->last_flags |= F_EXP_CHALLENGE;
	}
	if (old == CT_TCP_SYN_SENT && index == I_ACK && dir == CT_DIR_REPLY)
		t->last_ack = s->ack;
	return 1;
}

/* The TCP_CONNTRACK_CLOSE case for RST: 1 skip the window check, 0 check it, -1 invalid. */
static int tcp_rst_check(struct usnf_net *net, struct ct_conn *c, unsigned int dir,
			 const struct seg *s, unsigned int old, unsigned int *ns)
{
	struct ct_tcp *t = &c->tcp;

	if (ct_tcp_can_early_drop(c))
		return 1;
	if ((t->seen[!dir].flags & F_MAXACK_SET) && t->last_index != I_SYN) {
		if (s->seq == 0 && !tcp_established(c))
			return 0;
		if (before(s->seq, t->seen[!dir].td_maxack) &&
		    !ct_sys(ctn(net)->sys.ignore_invalid_rst, 0))
			return -1;
		if (!tcp_established(c) || s->seq == t->seen[!dir].td_maxack)
			return 0;
		if (t->last_index == I_ACK && t->last_dir == dir && s->seq == t->last_end)
			return 0;
		*ns = old;      /* inexact RST: keep the state for a challenge ACK */
	}
	if ((((c->status & CT_S_SEEN_REPLY) && t->last_index == I_SYN) ||
	     (!(c->status & CT_S_ASSURED) && t->last_index == I_ACK)) &&
	    s->ack == t->last_end)
		return 1;
	if (old == CT_TCP_SYN_SENT && t->last_index == I_ACK && t->last_dir == CT_DIR_REPLY &&
	    s->seq == t->last_ack)
		return 1;
	return 0;
}

static uint32_t tcp_pick_timeout(struct usnf_net *net, const struct ct_conn *c,
				 unsigned int index, unsigned int ns)
{
	uint32_t t = tcp_timeout(net, ns);

	if (c->tcp.retrans >= (unsigned int)ct_sys(ctn(net)->sys.max_retrans, 3) &&
	    t > tcp_timeout(net, CT_TCP_RETRANS))
		return tcp_timeout(net, CT_TCP_RETRANS);
	if (index == I_RST)
		return tcp_timeout(net, CT_TCP_CLOSE);
	if (((c->tcp.seen[0].flags | c->tcp.seen[1].flags) & F_DATA_UNACK) &&
	    t > tcp_timeout(net, CT_TCP_UNACK))
		return tcp_timeout(net, CT_TCP_UNACK);
	if (c->tcp.last_win == 0 && t > tcp_timeout(net, CT_TCP_RETRANS))
		return tcp_timeout(net, CT_TCP_RETRANS);
	return t;
}

int ct_tcp_packet(struct usnf_net *net, struct ct_conn *c, const struct pkt *p, uint32_t thoff,
		  enum ct_info info, bool fresh)
{
	unsigned int dir = ct_info_dir(info), index, old, ns;
	struct seg s;
	uint32_t timeout;
	int r;

	if (!seg_parse(p, thoff, &s))
		return 0;
	if (fresh && !tcp_new(net, c, &s))
		return 0;
	old = c->tcp.state;
	index = tcp_index(s.flags);
	ns = tcp_next[dir][index][old];

	switch (ns) {
	case CT_TCP_SYN_SENT:
		if (old < CT_TCP_TIME_WAIT)
			break;
		/* Reopening a closed/aborted connection: delete it and look up again. */
		if (((c->tcp.seen[dir].flags | c->tcp.seen[!dir].flags) & F_CLOSE_INIT) ||
		    (c->tcp.last_dir == dir && c->tcp.last_index == I_RST))
			return -2;
		/* fall through */
	case CT_TCP_IGNORE:
		if (tcp_ignore(c, dir, index, &s, old, &ns, &old))
			return 1;
		break;
	case CT_TCP_MAX:
		return 0;
	case CT_TCP_TIME_WAIT:
		if (old == CT_TCP_LAST_ACK && index == I_ACK && c->tcp.last_dir != dir &&
		    c->tcp.last_index == I_SYN && (c->tcp.last_flags & F_EXP_CHALLENGE)) {
			c->tcp.last_flags &= ~F_EXP_CHALLENGE;     /* RFC 5961 challenge ACK */
			return 1;
		}
		break;
	case CT_TCP_SYN_SENT2:
		c->tcp.last_flags |= F_SIMULTANEOUS;
		break;
	case CT_TCP_SYN_RECV:
		if (dir == CT_DIR_REPLY && index == I_ACK && (c->tcp.last_flags & F_SIMULTANEOUS))
			ns = CT_TCP_ESTABLISHED;
		break;
	case CT_TCP_CLOSE:
		if (index != I_RST)
			break;
		r = tcp_rst_check(net, c, dir, &s, old, &ns);
		if (r < 0)
			return 0;
		if (r > 0)
			goto in_window;
		break;
	default:
		break;
	}

	switch (tcp_in_window(net, c, dir, index, &s)) {
	case ACT_IGNORE:
		return 1;
	case ACT_INVALID:
		tcp_handle_invalid(net, c, dir, index);
		return 0;
	case ACT_ACCEPT:
		break;
	}
in_window:
	c->tcp.last_index = (uint8_t)index;
	c->tcp.last_dir = (uint8_t)dir;
	c->tcp.state = (uint8_t)ns;
	if (old != ns && ns == CT_TCP_FIN_WAIT)
		c->tcp.seen[dir].flags |= F_CLOSE_INIT;
	timeout = tcp_pick_timeout(net, c, index, ns);

	if (!(c->status & CT_S_SEEN_REPLY)) {
		/* Only a RST in answer: no connection worth keeping (nf_ct_kill_acct). */
		if (s.flags & TH_RST) {
			ct_kill(net, c);
			return 1;
		}
		/* A retransmitted SYN does not renew the timeout. */
		if (index == I_SYN && old == CT_TCP_SYN_SENT && !fresh)
			return 1;
		if (ns == CT_TCP_ESTABLISHED && timeout > tcp_timeout(net, CT_TCP_UNACK))
			timeout = tcp_timeout(net, CT_TCP_UNACK);
	} else if (!(c->status & CT_S_ASSURED) &&
		   (old == CT_TCP_SYN_RECV || old == CT_TCP_ESTABLISHED) &&
		   ns == CT_TCP_ESTABLISHED) {
		c->status |= CT_S_ASSURED;
	}
	ct_refresh(net, c, timeout);
	return 1;
}
