/* ext_util: helpers shared by the match/target extensions (what libxtables gives its extensions). */
#ifndef USNF_XT_EXT_UTIL_H
#define USNF_XT_EXT_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/strbuf.h"
#include "xt/xt_ext.h"

/*
 * Constraints of one option, as libxtables' struct xt_option_entry has them:
 * XTOPT_MAND, .excl and .also (bit masks of option ids).  A table is ended
 * by an entry with id EXT_FC_END.
 */
#define EXT_FC_END 0xff
struct ext_fc {
	uint8_t id;
	bool mand;
	uint32_t excl;
	uint32_t also;
};

/* Bit of option id in the xflags an extension collects while parsing. */
#define EXT_F(id) (1u << (id))

/*
 * xtables_options_fcheck(): walk opts in table order and report the first
 * missing mandatory option, missing companion or exclusion, worded as
 * iptables does ("ext: option \"--a\" cannot be used together with \"--b\".").
 * Returns 0 or -1 after xt_parse_error().
 */
int ext_fcheck(struct xt_parse *ps, const char *ext, const struct xt_opt *opts,
	       const struct ext_fc *fc, uint32_t xflags);

/* The long name of option id (the first table entry with that id). */
const char *ext_opt_name(const struct xt_opt *opts, int id);

/* xtables_strtoul(): base 0, leading blanks, no '-', within [min, max]; *end is left
 * after the digits (the caller checks what follows). */
bool ext_xstrtoul(const char *s, char **end, unsigned long long min, unsigned long long max,
		  unsigned long long *v);


/* An XTTYPE_UINT* option: a number in [min, max] or the range message. */
int ext_parse_num(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		  unsigned long long min, unsigned long long max, unsigned long long *out);

/*
 * XTTYPE_UINT16RC/UINT32RC (xtopt_parse_mint()): "a", "a:b", ":b", "a:"; a
 * missing bound is 0 / max, a single value gives lo == hi.  The message names
 * the part that failed: "ext: bad value for option \"--opt\" near \"x\", or out
 * of range (0-max)."
 */
int ext_parse_range(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		    uint32_t max, uint32_t *lo, uint32_t *hi);
/* The same, giving the number of components parsed (1 or 2; vals[1] unset for 1) or -1. */
int ext_parse_mint(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		   unsigned long long max, unsigned long long vals[2]);

/* xtables_getportbyname(): a decimal number (low 16 bits) or a service name; -1 if none. */
int ext_getportbyname(const char *s);
/* XTTYPE_PORT (xtopt_parse_port()): 'Port "x" does not resolve to anything.' */
int ext_parse_port(struct xt_parse *ps, const char *arg, uint16_t *port);
/* XTTYPE_PORTRC (xtopt_parse_mport()): "a", "a:b", ":b", "a:", ""; r[] defaults 0:65535,
 * a single port gives r[1] = r[0].  The number of components (1 or 2) or -1. */
int ext_parse_mport(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		    uint16_t r[2]);

/* xtables_parse_val_mask(): "value[/mask]" or, with name2id (-1: unknown), a name. */
int ext_parse_val_mask(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		       int (*name2id)(const char *name), uint32_t *val, uint32_t *mask);

/* XTTYPE_MARKMASK32: "value[/mask]"; mask defaults to 0xffffffff. */
int ext_parse_markmask(struct xt_parse *ps, const char *ext, const char *opt,
		       const char *arg, uint32_t *value, uint32_t *mask);

/*
 * XTTYPE_TOSMASK: a symbolic TOS name (mask 0x3f) or "value[/mask]" with the
 * mask defaulting to defmask.  Messages as libxtables words them.
 */
int ext_parse_tosmask(struct xt_parse *ps, const char *arg, uint8_t defmask, uint8_t *value,
		      uint8_t *mask);
/* The TOS name for value if mask is 0x3f and the value has one, else NULL. */
const char *ext_tos_name(uint8_t value, uint8_t mask);

/* A DSCP class name (CS0..CS7, BE, AFxy, EF; any case) to its value, -1 if unknown. */
int ext_dscp_class(const char *name);
/*
 * The value of a DSCP option, as libxt_dscp and libxt_DSCP share it: a number
 * 0-63 (the range message names ext and opt), or with is_class a class name.
 */
int ext_parse_dscp(struct xt_parse *ps, const char *ext, const char *opt, bool is_class,
		   const char *arg, uint8_t *out);

/* xtables_save_string(): " word" or " \"quoted \\\"text\\\"\"". */
void ext_save_string(struct strbuf *out, const char *s);

/* An address as iptables prints it (inet_ntop).  buf holds 46 bytes. */
const char *ext_addr_str(enum xt_family fam, const union xt_addr *a, char *buf);
/* Parse an address of fam; 0 or -EINVAL. */
int ext_addr_parse(enum xt_family fam, const char *s, union xt_addr *a);

/*
 * Set the DS field (IPv4 TOS / IPv6 traffic class) to (ds & keep) | value as
 * ipv4_change_dsfield()/ipv6_change_dsfield(); IPv4 gets its checksum patched.
 */
void ext_set_dsfield(struct pkt *pkt, bool v6, uint8_t keep, uint8_t value);

/*
 * ipv6_find_hdr() for an extension header: the absolute offset of the first
 * header of type target in the chain.  -ENOENT if absent (or behind a non-first
 * fragment), -EBADMSG if a header is cut short.
 */
int ext_ipv6_find_hdr(const struct pkt *pkt, uint8_t target, uint32_t *off);

/* XTTYPE_HOST (xtopt_parse_host()): an address literal of ps->family, else the
 * "getaddrinfo: ..." message the reference system (no DNS) prints. */
int ext_parse_host(struct xt_parse *ps, const char *arg, union xt_addr *a);
/* XTTYPE_PLEN/PLENMASK (xtopt_parse_plen()): a prefix length or a mask; *plen is 255 for
 * a non-contiguous mask, *mask (if not NULL) the mask. */
int ext_parse_plenmask(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		       unsigned int *plen, union xt_addr *mask);
/* XTTYPE_HOSTMASK (xtopt_parse_hostmask()): "host" or "host/plen-or-mask"; *plen (if
 * not NULL) as ext_parse_plenmask() gives it. */
int ext_parse_hostmask(struct xt_parse *ps, const char *ext, const char *opt, const char *arg,
		       union xt_addr *a, union xt_addr *mask, unsigned int *plen);

/* xt_check_proc_name(): -EINVAL for "", ".", ".." or a name with '/'. */
int ext_check_proc_name(const char *name);

/* The engine clock in nanoseconds (net->now_ns). */
uint64_t ext_now_ns(const struct xt_action *par);

/* Port ranges of tcp/udp as iptables prints them: -L ("dpts:1:1023", service names
 * unless numeric) and save (" --dport 1:1023"). */
void xt_print_ports(struct strbuf *out, const char *what, const uint16_t *pts, bool inv,
		    const char *proto, bool numeric);
void xt_save_ports(struct strbuf *out, const char *opt, const uint16_t *pts, bool inv);
/* add_nft_tcpudp() of iptables-nft 1.8.9 emits no expression for a full port range,
 * so an inverted one ("! --sport :") is not installed at all: clear its inversion
 * bit, true if it was set. */
bool xt_nft_drop_full_range(const uint16_t *pts, uint8_t *invflags, uint8_t bit);

#endif
