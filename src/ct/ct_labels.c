/*
 * ct_labels: 128 label bits per connection (net/netfilter/nf_conntrack_labels.c
 * and nf_ct_labels_ext_add() of include/net/netfilter/nf_conntrack_labels.h).
 *
 * The kernel gives a new entry the labels extension only while some user
 * (xt_connlabel's checkentry, nft's ct label) holds net->ct.labels_used, so an
 * entry made before the first connlabel rule, or after the last one went, has
 * none and no rule can label it later.  Here the users are rules whose data is
 * copied without a hook (xt_rule_clone), so a put does not decrement: it asks
 * for a recount of the remaining users, done before the next entry is made.
 */
#include <errno.h>

#include "ct/ct_int.h"

int ct_connlabels_get(struct usnf_net *net, unsigned int bit,
		      bool (*in_use)(const struct usnf_net *net))
{
	struct ct_net *cn;
	int rc;

	/* BIT_WORD(bits) >= NF_CT_LABELS_MAX_SIZE / sizeof(long): -ERANGE. */
	if (bit >= CT_LABELS_MAX_SIZE * 8)
		return -ERANGE;
	rc = ct_net_get(net);
	if (rc)
		return rc;
	cn = ctn(net);
	cn->labels_used = true;
	cn->labels_in_use = in_use;
	return 0;
}

void ct_connlabels_put(struct usnf_net *net)
{
	struct ct_net *cn = net ? ctn(net) : NULL;

	if (cn)
		cn->labels_recount = true;
}

/* nf_ct_labels_ext_add(): the area, zeroed, when labels are in use. */
void ct_labels_ext_add(struct usnf_net *net, struct ct_conn *c)
{
	struct ct_net *cn = ctn(net);

	if (cn->labels_recount) {
		cn->labels_recount = false;
		cn->labels_used = cn->labels_in_use && cn->labels_in_use(net);
	}
	c->labels_ext = cn->labels_used;
}

bool ct_connlabel_test(const struct ct_conn *c, unsigned int bit)
{
	if (!c->labels_ext || bit >= CT_LABELS_MAX_SIZE * 8)
		return false;
	return c->labels[bit / 8] & (1u << (bit % 8));
}

int ct_connlabel_set(struct ct_conn *c, unsigned int bit)
{
	uint8_t m = (uint8_t)(1u << (bit % 8));

	if (!c->labels_ext || bit >= CT_LABELS_MAX_SIZE * 8)
		return -ENOSPC;
	if (c->labels[bit / 8] & m)
		return 0;
	c->labels[bit / 8] |= m;
	ct_event_cache(c, CT_EV_LABEL);
	return 0;
}
