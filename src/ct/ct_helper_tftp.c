/*
 * ct_helper_tftp: the TFTP conntrack helper (nf_conntrack_tftp.c): a read or
 * write request expects the server's answer from any port back to the client's
 * port, which the server's new transfer connection then is RELATED to.
 */
#include "ct/ct_helper.h"
#include "ct/ct_int.h"
#include "nat/nat.h"

#define TFTP_OPCODE_READ 1
#define TFTP_OPCODE_WRITE 2

unsigned int ct_tftp_help(struct usnf_net *net, struct pkt *p, uint32_t protoff,
			  struct ct_conn *c, enum ct_info ci)
{
	const struct ct_tuple *r = &c->node[CT_DIR_REPLY].t;
	const uint8_t *op = pkt_header(p, protoff + 8, 2);
	struct ct_expect e;

	(void)ci;
	if (!op)
		return USNF_ACCEPT;
	switch (ct_rd16(op)) {
	case TFTP_OPCODE_READ:
	case TFTP_OPCODE_WRITE:
		/* Every request, even a retransmitted one: an identical expectation is
		 * replaced.  The source port of the answer is unknown. */
		ct_expect_init(&e, c, r->l3, r->src, r->dst, 17, r->dport);
		if (c->status & (CT_S_SRC_NAT | CT_S_DST_NAT))
			return nat_tftp_expect(net, c, &e);
		return ct_expect_related(net, &e) ? USNF_DROP : USNF_ACCEPT;
	default:
		return USNF_ACCEPT;     /* DATA, ACK, ERROR and the rest */
	}
}
