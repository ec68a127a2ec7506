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

/*
 * A zone of one direction only (xt_CT --zone-orig/--zone-reply) is dumped inside
 * that tuple (CTA_TUPLE_ZONE: "zone-orig=N" / "zone-reply=N" after it); one of
 * both directions as CTA_ZONE ("zone=N" after the mark).
 */
static void put_dir_zone(const struct ct_conn *c, unsigned int dir, struct strbuf *out)
{
	uint16_t z = c->node[dir].t.zone, other = c->node[!dir].t.zone;

	if (z && z != other)
		sb_addf(out, "zone-%s=%u ", dir == CT_DIR_ORIGINAL ? "orig" : "reply", z);
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
	put_dir_zone(c, CT_DIR_ORIGINAL, out);
	if (c->acct)
		sb_addf(out, "packets=%llu bytes=%llu ", (unsigned long long)c->pkts[0],
			(unsigned long long)c->bytes[0]);
	if (!(c->status & CT_S_SEEN_REPLY))
		sb_add(out, "[UNREPLIED] ");
	put_tuple(&c->node[1].t, out);
	put_dir_zone(c, CT_DIR_REPLY, out);
	if (c->acct)
		sb_addf(out, "packets=%llu bytes=%llu ", (unsigned long long)c->pkts[1],
			(unsigned long long)c->bytes[1]);
	if (c->status & CT_S_ASSURED)
		sb_add(out, "[ASSURED] ");
	sb_addf(out, "mark=%u ", c->mark);
	if (o->zone && o->zone == c->node[1].t.zone)
		sb_addf(out, "zone=%u ", o->zone);
	if (c->helper[0])
		sb_addf(out, "helper=%s ", c->helper);
	sb_addf(out, "use=%u", 1 + c->children);       /* expected connections hold it */
	if (id)
		sb_addf(out, " id=%u", c->id);
	sb_addc(out, '\n');
}

void ct_conn_format(const struct usnf_net *net, const struct ct_conn *c, bool ext,
		    struct strbuf *out)
{
	ct_conn_format_opts(net, c, ext, false, out);
}

/* The counters attribute: ctnetlink dumps it in DESTROY messages only, when acct is on. */
static void put_counters(const struct ct_conn *c, unsigned int dir, uint32_t events,
			 struct strbuf *out)
{
	if (c->acct && (events & (1u << CT_EV_DESTROY)))
		sb_addf(out, "packets=%llu bytes=%llu ", (unsigned long long)c->pkts[dir],
			(unsigned long long)c->bytes[dir]);
}

/*
 * ctnetlink_conntrack_event() puts the TCP state in NEW/UPDATE messages on
 * IPCT_PROTOINFO (always in DESTROY ones), the helper only in NEW/UPDATE, the
 * counters only in DESTROY, the timeout unless a DESTROY's is zero, the mark
 * when set or changed; libnetfilter_conntrack prints "%9s " of the message type first
 * and drops the last blank.
 */
void ct_event_format(const struct usnf_net *net, const struct ct_conn *c, uint32_t events,
		     struct strbuf *out)
{
	const struct ct_tuple *o = &c->node[0].t;
	bool destroy = events & (1u << CT_EV_DESTROY);
	const char *type = destroy ? "[DESTROY]" :
			   events & (1u << CT_EV_NEW | 1u << CT_EV_RELATED) ? "[NEW]" : "[UPDATE]";

	sb_addf(out, "%9s ", type);
	sb_addf(out, "%-8s %u ", l4_name(o->proto), o->proto);
	/* DESTROY: the timeout unless it ran out (skip_zero), the TCP state always. */
	if (!destroy || ct_conn_timeout_left(net, c))
		sb_addf(out, "%u ", ct_conn_timeout_left(net, c));
	if (o->proto == 6 && (destroy || (events & (1u << CT_EV_PROTOINFO))))
		sb_addf(out, "%s ", ct_tcp_state_name(c->tcp.state));
	put_tuple(o, out);
	put_dir_zone(c, CT_DIR_ORIGINAL, out);
	put_counters(c, 0, events, out);
	if (!(c->status & CT_S_SEEN_REPLY))
		sb_add(out, "[UNREPLIED] ");
	put_tuple(&c->node[1].t, out);
	put_dir_zone(c, CT_DIR_REPLY, out);
	put_counters(c, 1, events, out);
	if (c->status & CT_S_ASSURED)
		sb_add(out, "[ASSURED] ");
	if (c->mark || (events & (1u << CT_EV_MARK)))
		sb_addf(out, "mark=%u ", c->mark);
	if (o->zone && o->zone == c->node[1].t.zone)
		sb_addf(out, "zone=%u ", o->zone);
	if (!destroy && c->helper[0])
		sb_addf(out, "helper=%s ", c->helper);
	if (out->len && out->s[out->len - 1] == ' ')
		out->s[--out->len] = '\0';
	sb_addc(out, '\n');
}
