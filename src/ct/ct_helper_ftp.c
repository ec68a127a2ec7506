/*
 * ct_helper_ftp: the FTP conntrack helper (nf_conntrack_ftp.c): PORT and EPRT
 * commands from the client, 227 (PASV) and 229 (EPSV) replies from the server
 * announce a data connection, which becomes an expectation of the control
 * connection.  Commands are only looked for at the start of a line, known by the
 * sequence numbers after the last newlines seen per direction.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "ct/ct_helper.h"
#include "ct/ct_int.h"
#include "nat/nat.h"

/* What a command carries (struct nf_conntrack_man): the address and port. */
struct ftp_cmd {
	uint8_t addr[16];
	uint16_t port;
	uint8_t l3;
};

typedef unsigned int (*ftp_getnum)(const char *d, size_t dlen, struct ftp_cmd *cmd, char term,
				   unsigned int *off);

/* try_number(): n numbers separated by sep, ended by term (any if 0). */
static unsigned int ftp_numbers(const char *d, size_t dlen, uint32_t *v, unsigned int n, char sep,
				char term)
{
	unsigned int i = 0, len;

	memset(v, 0, sizeof(*v) * n);
	for (len = 0; len < dlen && i < n; len++, d++) {
		if (*d >= '0' && *d <= '9')
			v[i] = v[i] * 10 + (uint32_t)(*d - '0');
		else if (*d == sep)
			i++;
		else
			return (*d == term || !term) && i == n - 1 ? len : 0;
	}
	return 0;
}

static void put_v4(uint8_t *a, const uint32_t *v)
{
	uint32_t ip = htonl(v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]);

	memcpy(a, &ip, 4);
}

/* try_rfc959(): "192,168,1,1,5,6". */
static unsigned int ftp_rfc959(const char *d, size_t dlen, struct ftp_cmd *cmd, char term,
			       unsigned int *off)
{
	uint32_t v[6];
	unsigned int len = ftp_numbers(d, dlen, v, 6, ',', term);

	(void)off;
	if (!len)
		return 0;
	put_v4(cmd->addr, v);
	cmd->port = (uint16_t)(v[4] << 8 | v[5]);
	return len;
}

/* try_rfc1123(): a 227 reply's numbers start at its first digit (RFC 1123 4.1.2.6). */
static unsigned int ftp_rfc1123(const char *d, size_t dlen, struct ftp_cmd *cmd, char term,
				unsigned int *off)
{
	size_t i;

	(void)term;
	for (i = 0; i < dlen; i++)
		if (isdigit((unsigned char)d[i]))
			break;
	if (i == dlen)
		return 0;
	*off += (unsigned int)i;
	return ftp_rfc959(d + i, dlen - i, cmd, 0, off);
}

/* get_port(): a non-zero number ending at delim; the length up to after it, or 0. */
static unsigned int ftp_port(const char *d, size_t start, size_t dlen, char delim, uint16_t *port)
{
	uint16_t v = 0;

	for (size_t i = start; i < dlen; i++) {
		if (d[i] == delim) {
			if (v == 0)
				break;
			*port = v;
			return (unsigned int)i + 1;
		}
		if (d[i] < '0' || d[i] > '9')
			break;
		v = (uint16_t)(v * 10 + (d[i] - '0'));
	}
	return 0;
}

static bool bad_delim(char c)
{
	return isdigit((unsigned char)c) || c < 33 || c > 126;
}

/* in6_pton() up to delim: the length parsed, 0 if not an address. */
static unsigned int ftp_v6addr(const char *d, size_t dlen, uint8_t *a, char delim)
{
	char buf[INET6_ADDRSTRLEN];
	size_t n;

	for (n = 0; n < dlen && d[n] != delim; n++)
		;
	if (n == dlen || n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, d, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, a) == 1 ? (unsigned int)n : 0;
}

/* try_eprt(): "|1|132.235.1.2|6275|" or "|2|3ffe::1|6275|" (RFC 2428). */
static unsigned int ftp_eprt(const char *d, size_t dlen, struct ftp_cmd *cmd, char term,
			     unsigned int *off)
{
	unsigned int len;
	char delim;

	(void)term;
	(void)off;
	if (dlen <= 3)
		return 0;
	delim = d[0];
	if (bad_delim(delim) || d[2] != delim)
		return 0;
	if ((cmd->l3 == USNF_NFPROTO_IPV4 && d[1] != '1') ||
	    (cmd->l3 == USNF_NFPROTO_IPV6 && d[1] != '2'))
		return 0;
	if (d[1] == '1') {
		uint32_t v[4];

		len = ftp_numbers(d + 3, dlen - 3, v, 4, '.', delim);
		if (len)
			put_v4(cmd->addr, v);
	} else {
		len = ftp_v6addr(d + 3, dlen - 3, cmd->addr, delim);
	}
	if (!len)
		return 0;
	return ftp_port(d, 3 + len + 1, dlen, delim, &cmd->port);
}

/* try_epsv_response(): "|||6446|". */
static unsigned int ftp_epsv(const char *d, size_t dlen, struct ftp_cmd *cmd, char term,
			     unsigned int *off)
{
	char delim;

	(void)term;
	(void)off;
	if (dlen <= 3)
		return 0;
	delim = d[0];
	if (bad_delim(delim) || d[1] != delim || d[2] != delim)
		return 0;
	return ftp_port(d, 3, dlen, delim, &cmd->port);
}

struct ftp_search {
	const char *pattern;
	size_t plen;
	char skip, term;
	enum ct_ftp_type type;
	ftp_getnum getnum;
};

/* What each direction may announce: the client's commands, the server's replies. */
static const struct ftp_search ftp_searches[2][2] = {
	{ { "PORT", 4, ' ', '\r', CT_FTP_PORT, ftp_rfc959 },
	  { "EPRT", 4, ' ', '\r', CT_FTP_EPRT, ftp_eprt } },
	{ { "227 ", 4, 0, 0, CT_FTP_PASV, ftp_rfc1123 },
	  { "229 ", 4, '(', ')', CT_FTP_EPSV, ftp_epsv } },
};

/* find_pattern(): 1 match (numbers at *off, *len long), 0 none, -1 partial. */
static int ftp_find(const char *d, size_t dlen, const struct ftp_search *s, unsigned int *off,
		    unsigned int *len, struct ftp_cmd *cmd)
{
	size_t i = s->plen;

	if (dlen <= s->plen)
		return strncasecmp(d, s->pattern, dlen) ? 0 : -1;
	if (strncasecmp(d, s->pattern, s->plen))
		return 0;
	if (s->skip) {
		for (i = s->plen; d[i] != s->skip; i++)
			if (i == dlen - 1)
				return -1;
		i++;
	}
	*off = (unsigned int)i;
	*len = s->getnum(d + i, dlen - i, cmd, s->term, off);
	return *len ? 1 : -1;
}

static bool ftp_at_nl(const struct ct_conn *c, unsigned int dir, uint32_t seq)
{
	for (unsigned int i = 0; i < c->ftp_seq_aft_nl_num[dir]; i++)
		if (c->ftp_seq_aft_nl[dir][i] == seq)
			return true;
	return false;
}

/* update_nl_seq(): remember two positions after a newline, replacing the older. */
static void ftp_nl_update(struct ct_conn *c, unsigned int dir, uint32_t seq)
{
	uint32_t *v = c->ftp_seq_aft_nl[dir];
	unsigned int oldest;

	if (ftp_at_nl(c, dir, seq))
		return;
	if (c->ftp_seq_aft_nl_num[dir] < 2) {
		v[c->ftp_seq_aft_nl_num[dir]++] = seq;
		return;
	}
	oldest = (int32_t)(v[0] - v[1]) < 0 ? 0 : 1;
	if ((int32_t)(seq - v[oldest]) > 0)
		v[oldest] = seq;
}

/* The expectation for a command found: NAT's version when the connection is NATed. */
static unsigned int ftp_expect(struct usnf_net *net, struct pkt *p, uint32_t protoff,
			       struct ct_conn *c, enum ct_info ci, const struct ftp_search *s,
			       const struct ftp_cmd *cmd, unsigned int moff, unsigned int mlen)
{
	unsigned int dir = ct_info_dir(ci);
	const struct ct_tuple *t = &c->node[dir].t, *o = &c->node[!dir].t;
	struct ct_expect e;

	/* Another address than the sender's: not recorded (the "loose" parameter off),
	 * so a DMZ host cannot open holes towards third parties. */
	if (memcmp(cmd->addr, t->src, 16))
		return USNF_ACCEPT;
	/* The data connection comes from the other end to this one's address. */
	ct_expect_init(&e, c, t->l3, o->src, o->dst, 6, cmd->port);
	if (c->status & (CT_S_SRC_NAT | CT_S_DST_NAT))
		return nat_ftp_mangle(net, p, c, ci, s->type, protoff, moff, mlen, &e);
	return ct_expect_related(net, &e) ? USNF_DROP : USNF_ACCEPT;
}

unsigned int ct_ftp_help(struct usnf_net *net, struct pkt *p, uint32_t protoff, struct ct_conn *c,
			 enum ct_info ci)
{
	unsigned int dir = ct_info_dir(ci), moff = 0, mlen = 0, i, v = USNF_ACCEPT;
	const uint8_t *th;
	const char *d;
	uint32_t doff, dlen, seq;
	struct ftp_cmd cmd;
	bool ends_nl;
	int found = 0;

	/* Until there has been traffic both ways, packets are not looked at. */
	if (ci != CT_ESTABLISHED && ci != CT_ESTABLISHED_REPLY)
		return USNF_ACCEPT;
	th = pkt_header(p, protoff, 20);
	if (!th)
		return USNF_ACCEPT;
	doff = protoff + (uint32_t)(th[12] >> 4) * 4;
	if (doff >= pkt_end(p))
		return USNF_ACCEPT;
	dlen = pkt_end(p) - doff;
	d = (const char *)pkt_at(p, doff);
	ends_nl = d[dlen - 1] == '\n';
	seq = ct_rd32(th + 4);
	if (!ftp_at_nl(c, dir, seq))
		goto update_nl;
	memset(&cmd, 0, sizeof(cmd));
	cmd.l3 = c->node[0].t.l3;
	memcpy(cmd.addr, c->node[dir].t.src, 16);       /* EPSV names no address */
	for (i = 0; i < 2; i++) {
		found = ftp_find(d, dlen, &ftp_searches[dir][i], &moff, &mlen, &cmd);
		if (found)
			break;
	}
	if (found == -1)
		return USNF_DROP;       /* "partial matching": accurate tracking needs it */
	if (found == 1)
		v = ftp_expect(net, p, protoff, c, ci, &ftp_searches[dir][i], &cmd, moff, mlen);
update_nl:
	/* The position after this packet, as it was before NAT changed its length. */
	if (ends_nl)
		ftp_nl_update(c, dir, seq + dlen);
	return v;
}
