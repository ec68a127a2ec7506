/* iptables_print: rules and chains as iptables 1.8.9 prints them (-S, -L, iptables-save). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/iptables_int.h"

void ipt_addr_str(enum xt_family fam, const union xt_addr *a, char *buf, size_t len)
{
	inet_ntop(fam == XT_FAMILY_V4 ? AF_INET : AF_INET6, a, buf, (socklen_t)len);
}

/* Prefix length of a contiguous mask, -1 if not contiguous. */
static int ipt_mask_cidr(enum xt_family fam, const union xt_addr *m)
{
	int bits = fam == XT_FAMILY_V4 ? 32 : 128, i, n = 0;
	bool zero = false;

	for (i = 0; i < bits; i++) {
		bool set = m->a6[i / 8] & (0x80 >> (i % 8));

		if (set && zero)
			return -1;
		if (set)
			n++;
		else
			zero = true;
	}
	return n;
}

void ipt_mask_str(enum xt_family fam, const union xt_addr *m, bool save, char *buf, size_t len)
{
	int cidr = ipt_mask_cidr(fam, m);
	char a[64];

	if (cidr == (fam == XT_FAMILY_V4 ? 32 : 128) && !save) {
		buf[0] = '\0';
	} else if (cidr >= 0) {
		snprintf(buf, len, "/%d", cidr);
	} else {
		ipt_addr_str(fam, m, a, sizeof(a));
		snprintf(buf, len, "/%s", a);
	}
}

static bool ipt_addr_zero(const union xt_addr *a)
{
	return !a->w[0] && !a->w[1] && !a->w[2] && !a->w[3];
}

static void ipt_save_addr(struct strbuf *out, enum xt_family fam, const char *opt, bool inv,
			  const union xt_addr *a, const union xt_addr *m)
{
	char ab[64], mb[64];

	if (ipt_addr_zero(m) && !inv)
		return;
	ipt_addr_str(fam, a, ab, sizeof(ab));
	ipt_mask_str(fam, m, true, mb, sizeof(mb));
	sb_addf(out, " %s%s %s%s", inv ? "! " : "", opt, ab, mb);
}

static void ipt_save_proto(struct strbuf *out, const struct xt_ipspec *ip)
{
	const char *name;

	if (!ip->proto && !(ip->invflags & XT_INV_PROTO))
		return;
	sb_addf(out, " %s-p ", ip->invflags & XT_INV_PROTO ? "! " : "");
	name = xt_proto_name((uint8_t)ip->proto);
	if (name)
		sb_add(out, name);
	else
		sb_addf(out, "%u", ip->proto);
}

void ipt_rule_save(const struct xt_table *t, const struct xt_chain *c, const struct xt_rule *r,
		   bool counters_prefix, bool counters_v, struct strbuf *out)
{
	const struct xt_ipspec *ip = &r->ip;
	enum xt_family fam = (enum xt_family)t->family;
	struct xt_rule_view v;
	unsigned int i;

	if (counters_prefix)
		sb_addf(out, "[%llu:%llu] ", (unsigned long long)r->pkts,
			(unsigned long long)r->bytes);
	sb_addf(out, "-A %s", c->name);
	ipt_save_addr(out, fam, "-s", ip->invflags & XT_INV_SRCIP, &ip->src, &ip->smsk);
	ipt_save_addr(out, fam, "-d", ip->invflags & XT_INV_DSTIP, &ip->dst, &ip->dmsk);
	if (ip->iniface[0])
		sb_addf(out, " %s-i %s", ip->invflags & XT_INV_VIA_IN ? "! " : "", ip->iniface);
	if (ip->outiface[0])
		sb_addf(out, " %s-o %s", ip->invflags & XT_INV_VIA_OUT ? "! " : "", ip->outiface);
	ipt_save_proto(out, ip);
	if (fam == XT_FAMILY_V4 && (ip->flags & XT_F_FRAG))
		sb_addf(out, " %s-f", ip->invflags & XT_INV_FRAG ? "! " : "");
	if (xt_rule_view_get(r, &v) == 0) {
		for (i = 0; i < v.n; i++) {
			sb_addf(out, " -m %s", v.m[i].ops->name);
			if (v.m[i].ops->save)
				v.m[i].ops->save(v.m[i].data, r, out);
		}
		xt_rule_view_put(&v);
	}
	if (counters_v)
		sb_addf(out, " -c %llu %llu", (unsigned long long)r->pkts,
			(unsigned long long)r->bytes);
	switch (r->verdict) {
	case XT_RV_NONE:
		break;
	case XT_RV_GOTO:
		sb_addf(out, " -g %s", r->jump);
		break;
	case XT_RV_TARGET:
		sb_addf(out, " -j %s", r->target->name);
		if (r->target->save)
			r->target->save(r->tdata, r, out);
		break;
	default:
		sb_addf(out, " -j %s", xt_rule_target_name(r));
		break;
	}
	sb_addc(out, '\n');
}

static int ipt_chain_cmp(const void *a, const void *b, void *t)
{
	const struct xt_table *tb = t;

	return strcmp(tb->chains[*(const unsigned int *)a].name,
		      tb->chains[*(const unsigned int *)b].name);
}

unsigned int ipt_chain_order(const struct xt_table *t, unsigned int *idx)
{
	unsigned int i, n = 0, nb;

	for (i = 0; i < t->nchains; i++)
		if (t->chains[i].hook >= 0)
			idx[n++] = i;
	nb = n;
	for (i = 0; i < t->nchains; i++)
		if (t->chains[i].hook < 0)
			idx[n++] = i;
	qsort_r(idx + nb, n - nb, sizeof(*idx), ipt_chain_cmp, (void *)t);
	return n;
}

/* xtables_print_num(): exact, or K/M/G/T above 99999 (notable: no column padding). */
static void ipt_print_num(struct strbuf *out, uint64_t n, unsigned int fmt, bool notable)
{
	static const char units[] = "KMGT";
	int u = -1;

	if (fmt & IPT_FMT_EXACT) {
		sb_addf(out, notable ? "%llu " : "%8llu ", (unsigned long long)n);
		return;
	}
	if (n > 99999) {
		do {
			n = (n + 500) / 1000;
			u++;
		} while (n > 9999 && u < 3);
		sb_addf(out, notable ? "%llu%c " : "%4llu%c ", (unsigned long long)n, units[u]);
		return;
	}
	sb_addf(out, notable ? "%llu " : "%5llu ", (unsigned long long)n);
}

static void ipt_list_header(const struct xt_table *t, const struct xt_chain *c,
			    unsigned int fmt, struct strbuf *out)
{
	sb_addf(out, "Chain %s", c->name);
	if (c->hook >= 0) {
		sb_addf(out, " (policy %s", c->policy == USNF_DROP ? "DROP" : "ACCEPT");
		if (fmt & IPT_FMT_VERBOSE) {
			sb_addc(out, ' ');
			ipt_print_num(out, c->pkts, fmt, true);
			sb_add(out, "packets, ");
			ipt_print_num(out, c->bytes, fmt, true);
			sb_add(out, "bytes");
		}
		sb_add(out, ")\n");
	} else {
		sb_addf(out, " (%u references)\n", xt_chain_refs(t, (unsigned int)(c - t->chains)));
	}
	if (fmt & IPT_FMT_LINENUM)
		sb_addf(out, "%-4s ", "num");
	if (fmt & IPT_FMT_VERBOSE) {
		if (fmt & IPT_FMT_EXACT)
			sb_addf(out, "%8s %10s ", "pkts", "bytes");
		else
			sb_addf(out, "%5s %5s ", "pkts", "bytes");
	}
	sb_addf(out, "%-9s  prot opt", "target");
	if (fmt & IPT_FMT_VERBOSE)
		sb_addf(out, " %-6s %-6s ", "in", "out");
	sb_addf(out, " %-19s  %-19s \n", "source", "destination");
}

static void ipt_list_addr(struct strbuf *out, enum xt_family fam, bool inv,
			  const union xt_addr *a, const union xt_addr *m, unsigned int fmt)
{
	char buf[128], ab[64], mb[64];

	if (ipt_addr_zero(m) && !inv) {
		if (fmt & IPT_FMT_NUMERIC)
			snprintf(buf, sizeof(buf), "%s", fam == XT_FAMILY_V4 ? "0.0.0.0/0" : "::/0");
		else
			snprintf(buf, sizeof(buf), "anywhere");
	} else {
		ipt_addr_str(fam, a, ab, sizeof(ab));
		ipt_mask_str(fam, m, false, mb, sizeof(mb));
		snprintf(buf, sizeof(buf), "%s%s", ab, mb);
	}
	sb_addf(out, "%c%-19s ", inv ? '!' : ' ', buf);
}

static void ipt_list_rule(const struct xt_table *t, const struct xt_rule *r, unsigned int num,
			  unsigned int fmt, struct strbuf *out)
{
	const struct xt_ipspec *ip = &r->ip;
	enum xt_family fam = (enum xt_family)t->family;
	const char *pname = NULL;
	struct xt_rule_view v;
	unsigned int i, pflags = 0;

	if (fmt & IPT_FMT_LINENUM)
		sb_addf(out, "%-4u ", num);
	if (fmt & IPT_FMT_VERBOSE) {
		ipt_print_num(out, r->pkts, fmt, false);
		ipt_print_num(out, r->bytes, fmt, false);
	}
	/* The column shows the kernel's target name (NOTRACK is listed as CT). */
	sb_addf(out, "%-9s ", r->verdict == XT_RV_TARGET && r->target->real_name ?
			      r->target->real_name : xt_rule_target_name(r));
	sb_addc(out, ip->invflags & XT_INV_PROTO ? '!' : ' ');
	if (!(fmt & IPT_FMT_NUMERIC))
		pname = ip->proto ? xt_proto_name((uint8_t)ip->proto) : "all";
	if (pname)
		sb_addf(out, "%-4s ", pname);
	else
		sb_addf(out, "%-4u ", ip->proto);
	sb_addc(out, (ip->invflags & XT_INV_FRAG) ? '!' : '-');
	sb_addc(out, (ip->flags & XT_F_FRAG) && fam == XT_FAMILY_V4 ? 'f' : '-');
	sb_addc(out, ' ');
	if (fmt & IPT_FMT_VERBOSE) {
		const char *any = fmt & IPT_FMT_NUMERIC ? "*" : "any";

		char in[20], o[20];

		snprintf(in, sizeof(in), "%s%s", ip->invflags & XT_INV_VIA_IN ? "!" : "",
			 ip->iniface[0] ? ip->iniface : any);
		snprintf(o, sizeof(o), "%s%s", ip->invflags & XT_INV_VIA_OUT ? "!" : "",
			 ip->outiface[0] ? ip->outiface : any);
		sb_addf(out, " %-6s %-6s ", in, o);
	}
	ipt_list_addr(out, fam, ip->invflags & XT_INV_SRCIP, &ip->src, &ip->smsk, fmt);
	ipt_list_addr(out, fam, ip->invflags & XT_INV_DSTIP, &ip->dst, &ip->dmsk, fmt);
	if (r->verdict == XT_RV_GOTO)
		sb_add(out, "[goto] ");
	if (fmt & IPT_FMT_NUMERIC)
		pflags |= XT_PRINT_NUMERIC;
	if (fmt & IPT_FMT_VERBOSE)
		pflags |= XT_PRINT_VERBOSE;
	if (xt_rule_view_get(r, &v) == 0) {
		for (i = 0; i < v.n; i++) {
			if (v.m[i].ops->print)
				v.m[i].ops->print(v.m[i].data, r, pflags, out);
			else
				sb_addf(out, "%s ", v.m[i].ops->name);
		}
		xt_rule_view_put(&v);
	}
	if (r->verdict == XT_RV_TARGET && r->target->print)
		r->target->print(r->tdata, r, pflags, out);
	sb_addc(out, '\n');
}

void ipt_list_chain(const struct xt_table *t, unsigned int ci, unsigned int fmt,
		    unsigned int rulenum, struct strbuf *out)
{
	const struct xt_chain *c = &t->chains[ci];
	unsigned int i;

	if (rulenum) {
		if (rulenum <= c->nrules)
			ipt_list_rule(t, c->rules[rulenum - 1], rulenum, fmt, out);
		return;
	}
	ipt_list_header(t, c, fmt, out);
	for (i = 0; i < c->nrules; i++)
		ipt_list_rule(t, c->rules[i], i + 1, fmt, out);
}

void ipt_table_save(const struct xt_table *t, bool counters, bool comments, const char *prog,
		    struct strbuf *out)
{
	unsigned int *idx = calloc(t->nchains ? t->nchains : 1, sizeof(*idx));
	unsigned int n, i, j;
	char date[64] = "";

	if (!idx)
		return;
	if (comments) {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
		sb_addf(out, "# Generated by %s-save %s on %s\n", prog, IPT_VERSION, date);
	}
	sb_addf(out, "*%s\n", xt_table_info_get(t->id)->name);
	n = ipt_chain_order(t, idx);
	for (i = 0; i < n; i++) {
		const struct xt_chain *c = &t->chains[idx[i]];

		sb_addf(out, ":%s %s [%llu:%llu]\n", c->name,
			c->hook < 0 ? "-" : c->policy == USNF_DROP ? "DROP" : "ACCEPT",
			(unsigned long long)c->pkts, (unsigned long long)c->bytes);
	}
	for (i = 0; i < n; i++) {
		const struct xt_chain *c = &t->chains[idx[i]];

		for (j = 0; j < c->nrules; j++)
			ipt_rule_save(t, c, c->rules[j], counters, false, out);
	}
	sb_add(out, "COMMIT\n");
	if (comments)
		sb_addf(out, "# Completed on %s\n", date);
	free(idx);
}
