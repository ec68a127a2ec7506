/* ct_print: a connection as conntrack-tools 1.4.7 prints it (libnetfilter_conntrack's default format). */
#include <arpa/inet.h>
#include <stdio.h>

#include "ct/ct_int.h"

static const char *l4_name(uint8_t proto)
{
	switch (proto) {
	case 6: return "tcp";
	case 17: return "udp";
	case 136: return "udplite";
	case 1: return "icmp";
	case 58: return "icmpv6";
	case 132: return "sctp";
	case 33: return "dccp";
	case 47: return "gre";
	default: return "unknown";
	}
}

static void put_tuple(const struct ct_tuple *t, struct strbuf *out)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int af = t->l3 == USNF_NFPROTO_IPV4 ? AF_INET : AF_INET6;

	inet_ntop(af, t->src, a, sizeof(a));
	inet_ntop(af, t->dst, b, sizeof(b));
	sb_addf(out, "src=%s dst=%s ", a, b);
	switch (t->proto) {
	case 6: case 17: case 136: case 132: case 33:
		sb_addf(out, "sport=%u dport=%u ", t->sport, t->dport);
		break;
	case 1: case 58:
		sb_addf(out, "type=%u code=%u id=%u ", t->dport >> 8, t->dport & 0xff, t->sport);
		break;
	default:
		break;
	}
}

void ct_conn_format_opts(const struct usnf_net *net, const struct ct_conn *c, bool ext, bool id,
			 struct strbuf *out)
{
	const struct ct_tuple *o = &c->node[0].t;

	if (ext)
		sb_addf(out, "%-8s %u ", o->l3 == USNF_NFPROTO_IPV4 ? "ipv4" : "ipv6",
			o->l3 == USNF_NFPROTO_IPV4 ? 2u : 10u);
	sb_addf(out, "%-8s %u ", l4_name(o->proto), o->proto);
	sb_addf(out, "%u ", ct_conn_timeout_left(net, c));
	if (o->proto == 6)
		sb_addf(out, "%s ", ct_tcp_state_name(c->tcp.state));
	put_tuple(o, out);
	if (c->acct)
		sb_addf(out, "packets=%llu bytes=%llu ", (unsigned long long)c->pkts[0],
			(unsigned long long)c->bytes[0]);
	if (!(c->status & CT_S_SEEN_REPLY))
		sb_add(out, "[UNREPLIED] ");
	put_tuple(&c->node[1].t, out);
	if (c->acct)
		sb_addf(out, "packets=%llu bytes=%llu ", (unsigned long long)c->pkts[1],
			(unsigned long long)c->bytes[1]);
	if (c->status & CT_S_ASSURED)
		sb_add(out, "[ASSURED] ");
	sb_addf(out, "mark=%u ", c->mark);
	if (o->zone)
		sb_addf(out, "zone=%u ", o->zone);
	if (c->helper[0])
		sb_addf(out, "helper=%s ", c->helper);
	sb_add(out, "use=1");
	if (id)
		sb_addf(out, " id=%u", c->id);
	sb_addc(out, '\n');
}

void ct_conn_format(const struct usnf_net *net, const struct ct_conn *c, bool ext,
		    struct strbuf *out)
{
	ct_conn_format_opts(net, c, ext, false, out);
}
