/* multiport: up to 15 source/destination ports or ranges (xt_multiport.c, libxt_multiport.c). */
#include <stdio.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define MP_MAX_PORTS 15

enum { MP_SOURCE = 0, MP_DESTINATION = 1, MP_EITHER = 2 };
enum { O_SOURCE_PORTS = 0, O_DEST_PORTS, O_SD_PORTS };

/* struct xt_multiport_v1 (revision 1), plus the options seen while parsing. */
struct mp_info {
	uint32_t xflags;                /* zeroed by final_check */
	uint8_t flags;                  /* MP_SOURCE/DESTINATION/EITHER */
	uint8_t count;
	uint16_t ports[MP_MAX_PORTS];
	uint8_t pflags[MP_MAX_PORTS];   /* 1: ports[i] starts a range ending at ports[i+1] */
	uint8_t invert;
};

static const struct xt_opt mp_opts[] = {
	{ .name = "source-ports", .id = O_SOURCE_PORTS, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "sports", .id = O_SOURCE_PORTS, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "destination-ports", .id = O_DEST_PORTS, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "dports", .id = O_DEST_PORTS, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "ports", .id = O_SD_PORTS, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

#define MP_ALL (EXT_F(O_SOURCE_PORTS) | EXT_F(O_DEST_PORTS) | EXT_F(O_SD_PORTS))
static const struct ext_fc mp_fc[] = {
	{ .id = O_SOURCE_PORTS, .excl = MP_ALL },
	{ .id = O_DEST_PORTS, .excl = MP_ALL },
	{ .id = O_SD_PORTS, .excl = MP_ALL },
	{ .id = EXT_FC_END },
};

/* libxt_multiport's check_proto(): the protocols with 16-bit ports at offset 0 and 2. */
static const char *mp_proto_name(uint16_t proto)
{
	switch (proto) {
	case 6: return "tcp";
	case 17: return "udp";
	case 136: return "udplite";
	case 132: return "sctp";
	case 33: return "dccp";
	default: return NULL;
	}
}

static int mp_check_proto(struct xt_parse *ps, const char **name)
{
	const struct xt_ipspec *ip = &ps->rule->ip;

	if (ip->invflags & XT_INV_PROTO)
		return xt_parse_error(ps, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
	*name = mp_proto_name(ip->proto);
	if (*name)
		return 0;
	if (ip->proto == 0)
		return xt_parse_error(ps, "multiport needs `-p tcp', `-p udp', `-p udplite', "
				      "`-p sctp' or `-p dccp'");
	return xt_parse_error(ps, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
}

static int mp_port(struct xt_parse *ps, const char *s, const char *proto, uint16_t *out)
{
	unsigned long long v;

	/* /etc/services names only tcp/udp ports (and sctp's amqp) on Debian. */
	if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0) {
		if (xt_parse_uint(s, 0, 65535, &v) == 0) {
			*out = (uint16_t)v;
			return 0;
		}
		if (strcmp(proto, "sctp") == 0 && strcmp(s, "amqp") == 0) {
			*out = 5672;
			return 0;
		}
		return xt_parse_error(ps, "invalid port/service `%s' specified", s);
	}
	if (xt_parse_port(s, proto, out))
		return xt_parse_error(ps, "invalid port/service `%s' specified", s);
	return 0;
}

/* parse_multi_ports_v1(): "a,b:c,..." where a range takes two slots. */
static int mp_parse_list(struct mp_info *mp, const char *arg, const char *proto,
			 struct xt_parse *ps)
{
	char buf[512], *cp = buf, *next, *range;
	unsigned int i;

	snprintf(buf, sizeof(buf), "%s", arg);
	memset(mp->pflags, 0, sizeof(mp->pflags));
	for (i = 0; cp && i < MP_MAX_PORTS; i++, cp = next) {
		next = strchr(cp, ',');
		if (next)
			*next++ = '\0';
		range = strchr(cp, ':');
		if (range) {
			if (i == MP_MAX_PORTS - 1)
				return xt_parse_error(ps, "too many ports specified");
			*range++ = '\0';
		}
		if (mp_port(ps, cp, proto, &mp->ports[i]))
			return -1;
		if (range) {
			mp->pflags[i] = 1;
			if (mp_port(ps, range, proto, &mp->ports[++i]))
				return -1;
			if (mp->ports[i - 1] >= mp->ports[i])
				return xt_parse_error(ps, "invalid portrange specified");
		}
	}
	if (cp)
		return xt_parse_error(ps, "too many ports specified");
	mp->count = (uint8_t)i;
	return 0;
}

static int mp_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct mp_info *mp = data;
	const char *proto;

	if (mp_check_proto(ps, &proto))
		return -1;
	if (mp_parse_list(mp, arg, proto, ps))
		return -1;
	mp->flags = id == O_SOURCE_PORTS ? MP_SOURCE : id == O_DEST_PORTS ? MP_DESTINATION
									  : MP_EITHER;
	mp->invert = invert;
	mp->xflags |= EXT_F(id);
	return 0;
}

static int mp_final_check(void *data, struct xt_parse *ps)
{
	struct mp_info *mp = data;
	uint32_t xflags = mp->xflags;

	mp->xflags = 0;
	if (xflags == 0)
		return xt_parse_error(ps, "multiport expection an option");
	return ext_fcheck(ps, "multiport", mp_opts, mp_fc, xflags);
}

/* multiport_mt_check(): the rule must name one of the port protocols, not inverted. */
static int mp_check(const void *data, struct xt_parse *ps)
{
	const struct xt_ipspec *ip = &ps->rule->ip;
	const struct mp_info *mp = data;

	if (!mp_proto_name(ip->proto) || (ip->invflags & XT_INV_PROTO))
		return -EINVAL;
	if (mp->flags > MP_EITHER || mp->count > MP_MAX_PORTS)
		return -EINVAL;
	return 0;
}

static void mp_ports(const struct mp_info *mp, struct strbuf *out)
{
	unsigned int i;

	for (i = 0; i < mp->count; i++) {
		sb_addf(out, "%s%u", i ? "," : "", mp->ports[i]);
		if (mp->pflags[i])
			sb_addf(out, ":%u", mp->ports[++i]);
	}
}

static void mp_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	static const char *const names[] = { " --sports ", " --dports ", " --ports " };
	const struct mp_info *mp = data;

	if (mp->invert)
		sb_add(out, " !");
	sb_add(out, names[mp->flags % 3]);
	mp_ports(mp, out);
}

static void mp_print(const void *data, const struct xt_rule *r, unsigned int flags,
		     struct strbuf *out)
{
	static const char *const names[] = { " sports ", " dports ", " ports " };
	const struct mp_info *mp = data;

	sb_add(out, " multiport");
	sb_add(out, names[mp->flags % 3]);
	if (mp->invert)
		sb_add(out, " !");
	mp_ports(mp, out);
}

static bool mp_in(uint16_t lo, uint16_t hi, uint16_t p)
{
	return p >= lo && p <= hi;
}

/* ports_match_v1() of net/netfilter/xt_multiport.c. */
static bool mp_ports_match(const struct mp_info *mp, uint16_t src, uint16_t dst)
{
	unsigned int i;

	for (i = 0; i < mp->count; i++) {
		uint16_t s = mp->ports[i], e = s;

		if (mp->pflags[i])
			e = mp->ports[++i];
		if ((mp->flags == MP_SOURCE && mp_in(s, e, src)) ||
		    (mp->flags == MP_DESTINATION && mp_in(s, e, dst)) ||
		    (mp->flags == MP_EITHER && (mp_in(s, e, src) || mp_in(s, e, dst))))
			return !mp->invert;
	}
	return mp->invert;
}

static bool mp_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct mp_info *mp = data;
	const uint8_t *pp;

	if (par->fragoff != 0)
		return false;
	pp = pkt_header(pkt, par->thoff, 4);
	if (!pp) {
		/* A packet too short for its ports: the kernel drops it (hotdrop). */
		par->hotdrop = true;
		return false;
	}
	return mp_ports_match(mp, (uint16_t)(pp[0] << 8 | pp[1]), (uint16_t)(pp[2] << 8 | pp[3]));
}

const struct xt_match_ops xt_match_multiport = {
	.name = "multiport",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct mp_info),
	.opts = mp_opts,
	.parse = mp_parse,
	.final_check = mp_final_check,
	.check = mp_check,
	.save = mp_save,
	.print = mp_print,
	.match = mp_match,
};
