/*
 * ct_helper: the helper hook functions (nf_confirm()'s helper and sequence-adjust
 * part, at USNF_PRI_CONNTRACK_HELPER on POSTROUTING and INPUT) and the registry of
 * the helpers usnf has (nf_conntrack_helper.c).
 */
#include <errno.h>
#include <string.h>

#include "ct/ct_helper.h"
#include "ct/ct_int.h"
#include "nat/nat.h"
#include "pkt/parse.h"

/* Both with an expectation policy of one expectation living five minutes. */
static const struct ct_helper ct_helpers[] = {
	{ .name = "ftp", .proto = 6, .max_expected = 1, .timeout_s = 300, .help = ct_ftp_help },
	{ .name = "tftp", .proto = 17, .max_expected = 1, .timeout_s = 300, .help = ct_tftp_help },
};

const struct ct_helper *ct_helper_find(const char *name)
{
	for (size_t i = 0; i < sizeof(ct_helpers) / sizeof(ct_helpers[0]); i++)
		if (!strcmp(ct_helpers[i].name, name))
			return &ct_helpers[i];
	return NULL;
}

/* The L4 header of p (the protoff nf_confirm() computes); false if none. */
static bool helper_protoff(const struct pkt *p, uint8_t l3, uint8_t *proto, uint32_t *off)
{
	if (l3 == USNF_NFPROTO_IPV4) {
		const uint8_t *h = pkt_header(p, p->net_off, 20);

		if (!h)
			return false;
		*proto = h[9];
		*off = p->net_off + (uint32_t)(h[0] & 0x0f) * 4;
		return true;
	} else {
		const uint8_t *h = pkt_header(p, p->net_off, 40);
		uint16_t fo = 0;
		int o;

		if (!h)
			return false;
		*proto = h[6];
		o = pkt_ipv6_skip_exthdr(p, p->net_off + 40, proto, &fo, NULL);
		if (o < 0 || fo)
			return false;
		*off = (uint32_t)o;
		return true;
	}
}

/*
 * nf_confirm() before the confirmation: the connection's helper looks at the
 * packet (as it leaves, NAT done), then NAT's sequence adjustment applies.
 * ICMP errors (RELATED_REPLY) are not shown to helpers.
 */
static unsigned int ct_helper_hook(void *priv, struct pkt *p, const struct usnf_hook_state *st)
{
	enum ct_info ci;
	struct ct_conn *c = ct_get(p, &ci);
	const struct ct_helper *h;
	uint32_t off;
	uint8_t proto;
	unsigned int v;

	(void)priv;
	if (!c || (c->status & CT_S_TEMPLATE))
		return USNF_ACCEPT;
	h = c->helper[0] ? ct_helper_find(c->helper) : NULL;
	if (!h && !(c->status & CT_S_SEQ_ADJUST))
		return USNF_ACCEPT;
	if (ci == CT_RELATED_REPLY || !helper_protoff(p, st->pf, &proto, &off))
		return USNF_ACCEPT;
	if (h && proto == h->proto) {
		v = h->help(st->net, p, off, c, ci);
		if (v != USNF_ACCEPT)
			return v;
	}
	if ((c->status & CT_S_SEQ_ADJUST) && proto == 6 && !nat_seq_adjust(p, c, ci, off)) {
		ctn(st->net)->stats.drop++;
		return USNF_DROP;
	}
	return USNF_ACCEPT;
}

int ct_helper_register(struct usnf_net *net, unsigned int fam)
{
	struct ct_expect_net *xn;
	struct usnf_hook_ops *o;
	static const uint8_t hooks[2] = { USNF_INET_POST_ROUTING, USNF_INET_LOCAL_IN };
	int rc;

	xn = ct_expect_net_get(net);
	if (!xn)
		return -ENOMEM;
	if (xn->on[fam])
		return 0;
	o = xn->ops[fam];
	for (unsigned int i = 0; i < 2; i++) {
		memset(&o[i], 0, sizeof(o[i]));
		o[i].hook = ct_helper_hook;
		o[i].pf = fam ? USNF_NFPROTO_IPV6 : USNF_NFPROTO_IPV4;
		o[i].hooknum = hooks[i];
		o[i].priority = USNF_PRI_CONNTRACK_HELPER;
	}
	rc = usnf_hook_register_many(net, o, 2);
	if (rc == 0)
		xn->on[fam] = true;
	return rc;
}

void ct_helper_unregister(struct usnf_net *net, struct ct_expect_net *xn)
{
	for (unsigned int f = 0; f < 2; f++)
		if (xn->on[f]) {
			usnf_hook_unregister_many(net, xn->ops[f], 2);
			xn->on[f] = false;
		}
}
