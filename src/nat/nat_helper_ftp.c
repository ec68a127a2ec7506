/*
 * nat_helper_ftp: the NAT parts of the helpers (nf_nat_ftp.c, nf_nat_tftp.c,
 * nf_nat_helper.c): the address and port an FTP command or reply announces are
 * replaced by the NATed ones, the payload's length change is recorded for
 * sequence adjustment, and expected connections are NATed like their master.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nat/nat_int.h"
#include "pkt/csum.h"

void nat_follow_master(struct usnf_net *net, struct ct_conn *c, const struct ct_expect *e)
{
	const struct ct_tuple *m = &e->master->node[!e->dir].t;
	struct nat_range r = { .flags = NAT_RANGE_MAP_IPS };

	/* The source becomes where the master sends to ... */
	memcpy(r.min_addr, m->dst, 16);
	memcpy(r.max_addr, m->dst, 16);
	nat_setup_info(net, c, &r, NAT_MANIP_SRC);
	/* ... the destination the address and port the master announced. */
	r.flags = NAT_RANGE_MAP_IPS | NAT_RANGE_PROTO_SPECIFIED;
	r.min_proto = r.max_proto = e->saved_port;
	memcpy(r.min_addr, m->src, 16);
	memcpy(r.max_addr, m->src, 16);
	nat_setup_info(net, c, &r, NAT_MANIP_DST);
}

unsigned int nat_tftp_expect(struct usnf_net *net, struct ct_conn *c, struct ct_expect *e)
{
	e->saved_port = c->node[CT_DIR_ORIGINAL].t.sport;
	e->dir = CT_DIR_REPLY;
	e->expectfn = nat_follow_master;
	return ct_expect_related(net, e) ? USNF_DROP : USNF_ACCEPT;
}

/* A random 16-bit value from the NAT instance's generator (fixed seed if deterministic). */
static uint32_t helper_rand(struct usnf_net *net)
{
	struct nat_net *nn = natn(net);
	uint64_t *s = nat_get_deterministic(net) ? &nn->det_state : &nn->rnd_state;
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)(z ^ (z >> 31));
}

/*
 * nf_nat_exp_find_port(): the announced port if the expectation can have it,
 * otherwise up to 128 random ones above it; 0 if none.
 */
static uint16_t exp_find_port(struct usnf_net *net, struct ct_expect *e, uint16_t port)
{
	unsigned int range = 65535u - port, min = port;
	int left = range > 128 ? 128 : (int)range;

	for (;;) {
		int rc;

		e->t.dport = port;
		rc = ct_expect_related(net, e);
		if (rc == 0)
			return port;
		if (rc != -EBUSY || --left < 0 || !range)
			return 0;
		port = (uint16_t)(min + helper_rand(net) % range);
	}
}

/* %pI6: eight groups of four hex digits. */
static void fmt_v6_full(char *b, size_t n, const uint8_t *a)
{
	snprintf(b, n, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x",
		 a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12],
		 a[13], a[14], a[15]);
}

/* nf_nat_ftp_fmt_cmd(). */
static int ftp_fmt(const struct ct_conn *c, enum ct_ftp_type type, char *b, size_t n,
		   const uint8_t *a, uint16_t port)
{
	char s[64];

	switch (type) {
	case CT_FTP_PORT:
	case CT_FTP_PASV:
		return snprintf(b, n, "%u,%u,%u,%u,%u,%u", a[0], a[1], a[2], a[3], port >> 8,
				port & 0xff);
	case CT_FTP_EPRT:
		if (c->node[0].t.l3 == USNF_NFPROTO_IPV4) {
			inet_ntop(AF_INET, a, s, sizeof(s));
			return snprintf(b, n, "|1|%s|%u|", s, port);
		}
		fmt_v6_full(s, sizeof(s), a);
		return snprintf(b, n, "|2|%s|%u|", s, port);
	case CT_FTP_EPSV:
		return snprintf(b, n, "|||%u|", port);
	}
	return 0;
}

unsigned int nat_ftp_mangle(struct usnf_net *net, struct pkt *p, struct ct_conn *c,
			    enum ct_info ci, enum ct_ftp_type type, uint32_t protoff,
			    uint32_t matchoff, uint32_t matchlen, struct ct_expect *e)
{
	unsigned int dir = ct_info_dir(ci);
	char buf[96];
	uint16_t port;
	int len;

	/* The data connection will come from wherever this packet goes: !dir. */
	e->saved_port = e->t.dport;
	e->dir = (uint8_t)!dir;
	e->expectfn = nat_follow_master;
	port = exp_find_port(net, e, e->saved_port);
	if (!port)
		return USNF_DROP;       /* "all ports in use" */
	len = ftp_fmt(c, type, buf, sizeof(buf), c->node[!dir].t.dst, port);
	if (len > 0 && (size_t)len < sizeof(buf) &&
	    nat_mangle_tcp(p, c, ci, protoff, matchoff, matchlen, buf, (uint32_t)len))
		return USNF_ACCEPT;
	ct_expect_unrelated(net, e);    /* "cannot mangle packet" */
	return USNF_DROP;
}

/* The IP header's length after the payload changed (mangle_contents()). */
static void fix_ip_len(struct pkt *p, uint8_t l3)
{
	uint8_t *nh = pkt_network(p);
	uint32_t len = pkt_end(p) - p->net_off;
	uint16_t c;

	if (l3 == USNF_NFPROTO_IPV4) {
		nh[2] = (uint8_t)(len >> 8);
		nh[3] = (uint8_t)len;
		nh[10] = nh[11] = 0;
		c = ip_fast_csum(nh, nh[0] & 0x0f);
		memcpy(nh + 10, &c, 2);
	} else {
		len -= 40;
		nh[4] = (uint8_t)(len >> 8);
		nh[5] = (uint8_t)len;
	}
}

/* nf_nat_csum_recalc(): the TCP checksum over the new segment (0 sent as 0xffff,
 * as skb_checksum_help() completes a partial checksum). */
static void tcp_csum_redo(struct pkt *p, uint8_t l3, uint32_t protoff)
{
	const uint8_t *nh = pkt_network(p);
	uint32_t len = pkt_end(p) - protoff, pseudo, s, d;
	uint8_t *th = pkt_at(p, protoff);
	uint16_t c;

	if (l3 == USNF_NFPROTO_IPV4) {
		memcpy(&s, nh + 12, 4);
		memcpy(&d, nh + 16, 4);
		pseudo = csum_pseudo4(s, d, 6, len);
	} else {
		pseudo = csum_pseudo6(nh + 8, nh + 24, 6, len);
	}
	th[16] = th[17] = 0;
	c = csum_l4(p, protoff, len, pseudo);
	if (!c)
		c = CSUM_MANGLED_0;
	memcpy(th + 16, &c, 2);
}

bool nat_mangle_tcp(struct pkt *p, struct ct_conn *c, enum ct_info ci, uint32_t protoff,
		    uint32_t matchoff, uint32_t matchlen, const char *rep, uint32_t replen)
{
	uint8_t l3 = c->node[0].t.l3;
	const uint8_t *th = pkt_header(p, protoff, 20);
	uint32_t start, tail, seq;

	if (!th)
		return false;
	seq = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 | (uint32_t)th[6] << 8 | th[7];
	start = protoff + (uint32_t)(th[12] >> 4) * 4 + matchoff;
	if (start + matchlen > pkt_end(p))
		return false;
	tail = pkt_end(p) - start - matchlen;
	if (pkt_end(p) - p->net_off + replen - matchlen > 65535)
		return false;
	if (replen > matchlen && pkt_put(p, replen - matchlen))
		return false;
	memmove(pkt_at(p, start + replen), pkt_at(p, start + matchlen), tail);
	memcpy(pkt_at(p, start), rep, replen);
	if (replen < matchlen)
		pkt_trim(p, p->len - (matchlen - replen));
	fix_ip_len(p, l3);
	tcp_csum_redo(p, l3, protoff);
	if (replen != matchlen)
		nat_seqadj_set(c, ci, seq, (int32_t)replen - (int32_t)matchlen);
	return true;
}
