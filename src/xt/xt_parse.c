/* xt_parse: shared option parsing helpers for the x_tables extensions (libxtables' parsers). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xt/xt.h"

int xt_parse_error(struct xt_parse *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps && ps->err) {
		va_start(ap, fmt);
		sb_vaddf(ps->err, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* As xtables_strtoul(): decimal, 0x hex or 0 octal, whole string, within [min, max];
 * like strtoumax() it skips leading blanks and takes a '+', but no '-'. */
int xt_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		  unsigned long long *out)
{
	unsigned long long v;
	const char *p = s;
	char *end;

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/*
 * The /etc/services names iptables users write most.  iptables resolves names with
 * getservbyname(); the engine does no I/O, so it keeps the common ones here.
 */
struct xt_service {
	const char *name;
	uint16_t port;
	uint8_t tcp, udp;
};

static const struct xt_service xt_services[] = {
	{ "tcpmux", 1, 1, 0 }, { "echo", 7, 1, 1 }, { "discard", 9, 1, 1 },
	{ "daytime", 13, 1, 1 }, { "ftp-data", 20, 1, 0 }, { "ftp", 21, 1, 0 },
	{ "ssh", 22, 1, 0 }, { "telnet", 23, 1, 0 }, { "smtp", 25, 1, 0 },
	{ "time", 37, 1, 1 }, { "whois", 43, 1, 0 }, { "tacacs", 49, 1, 1 },
	{ "domain", 53, 1, 1 }, { "bootps", 67, 0, 1 }, { "bootpc", 68, 0, 1 },
	{ "tftp", 69, 0, 1 }, { "gopher", 70, 1, 0 }, { "finger", 79, 1, 0 },
	{ "http", 80, 1, 0 }, { "www", 80, 1, 0 }, { "kerberos", 88, 1, 1 },
	{ "pop3", 110, 1, 0 }, { "sunrpc", 111, 1, 1 }, { "auth", 113, 1, 0 },
	{ "ident", 113, 1, 0 }, { "nntp", 119, 1, 0 }, { "ntp", 123, 0, 1 },
	{ "epmap", 135, 1, 1 }, { "netbios-ns", 137, 0, 1 }, { "netbios-dgm", 138, 0, 1 },
	{ "netbios-ssn", 139, 1, 0 }, { "imap2", 143, 1, 0 }, { "imap", 143, 1, 0 },
	{ "snmp", 161, 1, 1 }, { "snmp-trap", 162, 1, 1 }, { "bgp", 179, 1, 0 },
	{ "irc", 194, 1, 0 }, { "ldap", 389, 1, 1 }, { "https", 443, 1, 1 },
	{ "microsoft-ds", 445, 1, 0 }, { "isakmp", 500, 0, 1 }, { "syslog", 514, 0, 1 },
	{ "printer", 515, 1, 0 }, { "submission", 587, 1, 0 }, { "ldaps", 636, 1, 1 },
	{ "rsync", 873, 1, 0 }, { "ftps-data", 989, 1, 0 }, { "ftps", 990, 1, 0 },
	{ "telnets", 992, 1, 0 }, { "imaps", 993, 1, 0 }, { "pop3s", 995, 1, 0 },
	{ "socks", 1080, 1, 0 }, { "openvpn", 1194, 1, 1 }, { "ms-sql-s", 1433, 1, 0 },
	{ "l2tp", 1701, 0, 1 }, { "radius", 1812, 1, 1 }, { "radius-acct", 1813, 1, 1 },
	{ "nfs", 2049, 1, 1 }, { "mysql", 3306, 1, 0 }, { "ms-wbt-server", 3389, 1, 0 },
	{ "ipsec-nat-t", 4500, 0, 1 }, { "sip", 5060, 1, 1 }, { "postgresql", 5432, 1, 0 },
	{ "x11", 6000, 1, 0 }, { "http-alt", 8080, 1, 0 },
};

/* As xtables_parse_port(): a number 0-65535 or a service name for proto. */
int xt_parse_port(const char *s, const char *proto, uint16_t *out)
{
	unsigned long long v;
	size_t i;

	if (xt_parse_uint(s, 0, 65535, &v) == 0) {
		*out = (uint16_t)v;
		return 0;
	}
	for (i = 0; i < sizeof(xt_services) / sizeof(xt_services[0]); i++) {
		const struct xt_service *sv = &xt_services[i];

		if (strcmp(sv->name, s) != 0)
			continue;
		if (proto && strcmp(proto, "udp") == 0 && !sv->udp)
			continue;
		if (proto && strcmp(proto, "tcp") == 0 && !sv->tcp)
			continue;
		*out = sv->port;
		return 0;
	}
	return -EINVAL;
}

/* "a:b", "a", ":b", "a:" as libxt_tcp's parse_tcp_ports(). */
int xt_parse_port_range(const char *s, const char *proto, uint16_t *lo, uint16_t *hi)
{
	char buf[64];
	char *colon;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (!colon) {
		if (xt_parse_port(buf, proto, lo))
			return -EINVAL;
		*hi = *lo;
		return 0;
	}
	*colon = '\0';
	if (buf[0] == '\0')
		*lo = 0;
	else if (xt_parse_port(buf, proto, lo))
		return -EINVAL;
	if (colon[1] == '\0')
		*hi = 65535;
	else if (xt_parse_port(colon + 1, proto, hi))
		return -EINVAL;
	return 0;
}

/* /etc/protocols as Debian 12 ships it (getprotobyname/getprotobynumber without I/O). */
struct xt_proto {
	uint8_t num;
	const char *name;
};

static const struct xt_proto xt_protos[] = {
	{ 0, "ip" },
	{ 0, "hopopt" },
	{ 0, "HOPOPT" },
	{ 1, "icmp" },
	{ 2, "igmp" },
	{ 3, "ggp" },
	{ 4, "ipencap" },
	{ 4, "IP-ENCAP" },
	{ 5, "st" },
	{ 6, "tcp" },
	{ 8, "egp" },
	{ 9, "igp" },
	{ 12, "pup" },
	{ 17, "udp" },
	{ 20, "hmp" },
	{ 22, "xns-idp" },
	{ 27, "rdp" },
	{ 29, "iso-tp4" },
	{ 33, "dccp" },
	{ 36, "xtp" },
	{ 37, "ddp" },
	{ 38, "idpr-cmtp" },
	{ 41, "ipv6" },
	{ 43, "ipv6-route" },
	{ 44, "ipv6-frag" },
	{ 45, "idrp" },
	{ 46, "rsvp" },
	{ 47, "gre" },
	{ 50, "esp" },
	{ 50, "IPSEC-ESP" },
	{ 51, "ah" },
	{ 51, "IPSEC-AH" },
	{ 57, "skip" },
	{ 58, "ipv6-icmp" },
	{ 59, "ipv6-nonxt" },
	{ 60, "ipv6-opts" },
	{ 73, "rspf" },
	{ 73, "CPHB" },
	{ 81, "vmtp" },
	{ 88, "eigrp" },
	{ 89, "ospf" },
	{ 89, "OSPFIGP" },
	{ 93, "ax.25" },
	{ 94, "ipip" },
	{ 97, "etherip" },
	{ 98, "encap" },
	{ 103, "pim" },
	{ 108, "ipcomp" },
	{ 112, "vrrp" },
	{ 115, "l2tp" },
	{ 124, "isis" },
	{ 132, "sctp" },
	{ 133, "fc" },
	{ 135, "mobility-header" },
	{ 136, "udplite" },
	{ 137, "mpls-in-ip" },
	{ 138, "manet" },
	{ 139, "hip" },
	{ 140, "shim6" },
	{ 141, "wesp" },
	{ 142, "rohc" },
	{ 143, "ethernet" },
};

/* iptables' own names (xtables_chain_protos), tried after /etc/protocols. */
static const struct xt_proto xt_chain_protos[] = {
	{ 6, "tcp" }, { 132, "sctp" }, { 17, "udp" }, { 136, "udplite" }, { 1, "icmp" },
	{ 58, "ipv6-icmp" }, { 58, "icmpv6" }, { 50, "esp" }, { 51, "ah" }, { 135, "mh" },
	{ 0, "all" },
};

#define XT_NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *xt_proto_name(uint8_t num)
{
	size_t i;

	for (i = 0; i < XT_NELEM(xt_protos); i++)
		if (num && xt_protos[i].num == num)
			return xt_protos[i].name;
	for (i = 0; i < XT_NELEM(xt_chain_protos); i++)
		if (xt_chain_protos[i].num == num)
			return xt_chain_protos[i].name;
	return NULL;
}

int xt_proto_parse(const char *s, uint8_t *out)
{
	unsigned long long v;
	size_t i;

	if (xt_parse_uint(s, 0, 255, &v) == 0) {
		*out = (uint8_t)v;
		return 0;
	}
	for (i = 0; i < XT_NELEM(xt_protos); i++) {
		if (strcasecmp(xt_protos[i].name, s) == 0) {
			*out = xt_protos[i].num;
			return 0;
		}
	}
	for (i = 0; i < XT_NELEM(xt_chain_protos); i++) {
		if (strcmp(xt_chain_protos[i].name, s) == 0) {  /* case matters ("ALL") */
			*out = xt_chain_protos[i].num;
			return 0;
		}
	}
	return -ENOENT;
}

/* getservbyport() for -L without -n: the first name of the port, or NULL. */
const char *xt_port_name(uint16_t port, const char *proto)
{
	size_t i;

	for (i = 0; i < XT_NELEM(xt_services); i++) {
		const struct xt_service *sv = &xt_services[i];

		if (sv->port != port)
			continue;
		if ((strcmp(proto, "udp") == 0 && !sv->udp) || (strcmp(proto, "tcp") == 0 && !sv->tcp))
			continue;
		return sv->name;
	}
	return NULL;
}
