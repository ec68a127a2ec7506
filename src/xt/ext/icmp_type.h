/* icmp_type: the type/code match shared by the icmp and icmp6 matches. */
#ifndef USNF_XT_EXT_ICMP_TYPE_H
#define USNF_XT_EXT_ICMP_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xt/xt.h"

#define ICMP_TYPE_INV 0x01

/* The match data, laid out as struct ipt_icmp / struct ip6t_icmp. */
struct icmp_type_data {
	uint8_t type;
	uint8_t code[2];        /* inclusive code range */
	uint8_t invflags;
	uint8_t given;          /* parse-time only: the type option was seen */
};

/* A symbolic type name: type with codes min..max. */
struct icmp_type_name {
	const char *name;
	uint8_t type, min, max;
};

/*
 * What differs between the two families: the name tables and wording of
 * libipt_icmp vs libip6t_icmp6, and the 0xFF "any" wildcard that only
 * icmp_type_code_match() in ip_tables.c has (ip6_tables.c has none).
 */
struct icmp_type_family {
	const char *ext;        /* "icmp" in messages */
	const char *opt;        /* "icmp-type" */
	const char *label;      /* "ICMP" in "Unknown ICMP type" */
	const char *proto;      /* the -L protocol word: "icmp" */
	const struct icmp_type_name *names;     /* printed names, in iptables' order */
	size_t n_names;
	const struct icmp_type_name *aliases;   /* accepted on input only */
	size_t n_aliases;
	bool any;               /* type 0xFF matches every type */
};

void icmp_type_init(void *data);
int icmp_type_parse(const struct icmp_type_family *fam, void *data, const char *arg,
		    bool invert, struct xt_parse *ps);
int icmp_type_final_check(const struct icmp_type_family *fam, void *data,
			  struct xt_parse *ps);
void icmp_type_save(const struct icmp_type_family *fam, const void *data,
		    struct strbuf *out);
void icmp_type_print(const struct icmp_type_family *fam, const void *data,
		     unsigned int flags, struct strbuf *out);
bool icmp_type_match(const struct icmp_type_family *fam, const struct pkt *pkt,
		     const void *data, struct xt_action *par);

#endif
