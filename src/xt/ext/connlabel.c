/*
 * connlabel: test and set a connection's label bits (the kernel's xt_connlabel.c,
 * iptables 1.8.9's libxt_connlabel.c).
 *
 * Labels are given as numbers 0-127.  iptables also maps names through
 * /etc/xtables/connlabel.conf; the engine reads no files, so a name is refused
 * as iptables refuses it when that file is missing (as on the reference system).
 */
#include <stdlib.h>

#include "ct/ct.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

enum { O_LABEL = 0, O_SET = 1 };

extern const struct xt_match_ops xt_match_connlabel;

/* struct xt_connlabel_mtinfo's options. */
#define CONNLABEL_OP_INVERT 0x1
#define CONNLABEL_OP_SET    0x2

struct connlabel_info {
	uint16_t bit;
	uint16_t options;               /* CONNLABEL_OP_* */
	uint32_t xflags;                /* cleared by final_check */
	/* The instance, for destroy (nf_connlabels_put(par->net)); the same for every
	 * rule of one instance, so it may sit among the bytes rules are compared on,
	 * and must: clones copy only those. */
	struct usnf_net *net;
};

static const struct xt_opt connlabel_opts[] = {
	{ .name = "label", .id = O_LABEL, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "set", .id = O_SET, .arg = XT_ARG_NONE },
	{ 0 },
};

static const struct ext_fc connlabel_fc[] = {
	{ .id = O_LABEL, .mand = true },
	{ .id = EXT_FC_END },
};

/*
 * connlabel_value_parse(): strtoul(in, &end, 0) taken as an int, so "-1" and
 * values of 2^31 and more (modulo 2^32) are refused, and a value past 65535
 * keeps its low 16 bits in the u16 `bit` (65536 is label 0).  -1 if refused.
 */
static int connlabel_value_parse(const char *in, uint16_t *bit)
{
	char *end;
	unsigned long v = strtoul(in, &end, 0);
	uint32_t as_int = (uint32_t)v;

	if (in[0] == '\0' || *end != '\0' || (as_int & 0x80000000u))
		return -1;
	*bit = (uint16_t)as_int;
	return 0;
}

static int connlabel_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct connlabel_info *m = data;

	m->net = ps->net;
	m->xflags |= EXT_F(id);
	if (id == O_SET) {
		m->options |= CONNLABEL_OP_SET;
		return 0;
	}
	/* XTTYPE_STRING with .min = 1, checked by xtables_option_parse() first. */
	if (arg[0] == '\0')
		return xt_parse_error(ps, "Argument must have a minimum length of 1 characters\n");
	/* Not a number: iptables tries the label map, which is missing here. */
	if (connlabel_value_parse(arg, &m->bit))
		return xt_parse_error(ps, "label '%s' not found or invalid value", arg);
	if (invert)
		m->options |= CONNLABEL_OP_INVERT;
	return 0;
}

static int connlabel_final_check(void *data, struct xt_parse *ps)
{
	struct connlabel_info *m = data;
	uint32_t xflags = m->xflags;

	m->xflags = 0;
	return ext_fcheck(ps, "connlabel", connlabel_opts, connlabel_fc, xflags);
}

/* Whether a published table of net still has a connlabel rule (ct_connlabels_get). */
static bool connlabel_in_use(const struct usnf_net *net)
{
	for (int f = 0; f < XT_FAMILY_COUNT; f++) {
		for (int id = 0; id < XT_TABLE_COUNT; id++) {
			const struct xt_table *t = xt_table_get(net, (enum xt_family)f,
								(enum xt_table_id)id);

			for (unsigned int c = 0; t && c < t->nchains; c++) {
				const struct xt_chain *ch = &t->chains[c];

				for (unsigned int r = 0; r < ch->nrules; r++)
					for (unsigned int i = 0; i < ch->rules[r]->nmatches; i++)
						if (ch->rules[r]->matches[i].ops == &xt_match_connlabel)
							return true;
			}
		}
	}
	return false;
}

/* connlabel_mt_check(): nf_ct_netns_get(), then nf_connlabels_get() (-ERANGE past 127). */
static int connlabel_check(const void *data, struct xt_parse *ps)
{
	const struct connlabel_info *m = data;

	if (m->options & ~(CONNLABEL_OP_INVERT | CONNLABEL_OP_SET))
		return -EINVAL;
	if (!ps->net)
		return m->bit >= CT_LABELS_MAX_SIZE * 8 ? -ERANGE : 0;
	if (ct_netns_get(ps->net, ps->family == XT_FAMILY_V6 ? USNF_NFPROTO_IPV6
							      : USNF_NFPROTO_IPV4))
		return -ENOMEM;
	return ct_connlabels_get(ps->net, m->bit, connlabel_in_use);
}

static void connlabel_destroy(void *data)
{
	struct connlabel_info *m = data;

	if (m->net)
		ct_connlabels_put(m->net);
}

/* connlabel_mt_save(): the number quoted, as when no label map names it. */
static void connlabel_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct connlabel_info *m = data;

	if (m->options & CONNLABEL_OP_INVERT)
		sb_add(out, " !");
	sb_addf(out, " --label \"%u\"", m->bit);
	if (m->options & CONNLABEL_OP_SET)
		sb_add(out, " --set");
}

static void connlabel_print(const void *data, const struct xt_rule *r, unsigned int flags,
			    struct strbuf *out)
{
	const struct connlabel_info *m = data;

	sb_add(out, " connlabel");
	if (m->options & CONNLABEL_OP_INVERT)
		sb_add(out, " !");
	sb_addf(out, " %u", m->bit);
	if (m->options & CONNLABEL_OP_SET)
		sb_add(out, " set");
}

/*
 * connlabel_mt(): without a connection or its labels area the answer is the
 * inversion; a set bit matches; with --set a clear bit is set (an IPCT_LABEL
 * event) and matches too.
 */
static bool connlabel_mt(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct connlabel_info *m = data;
	bool invert = m->options & CONNLABEL_OP_INVERT;
	struct ct_conn *ct = ct_get(pkt, NULL);

	if (!ct || !ct->labels_ext)
		return invert;
	if (ct_connlabel_test(ct, m->bit))
		return !invert;
	if (m->options & CONNLABEL_OP_SET) {
		ct_connlabel_set(ct, m->bit);
		return !invert;
	}
	return invert;
}

const struct xt_match_ops xt_match_connlabel = {
	.name = "connlabel",
	.family = XT_EXT_ANY,
	.size = sizeof(struct connlabel_info),
	.opts = connlabel_opts,
	.parse = connlabel_parse,
	.final_check = connlabel_final_check,
	.check = connlabel_check,
	.save = connlabel_save,
	.print = connlabel_print,
	.match = connlabel_mt,
	.destroy = connlabel_destroy,
};
