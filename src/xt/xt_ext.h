/*
 * xt_ext: the contract between the x_tables core and its extensions (matches and
 * targets).  One file per extension in xt/ext/, each defining one or more
 * `const struct xt_match_ops` / `const struct xt_target_ops` and listed in
 * xt/ext/ext_list.h (an explicit table: constructors do not survive static
 * linking).  An extension's ops combine what iptables' libxt_*.c (parse, check,
 * print, save) and the kernel's xt_*.c (checkentry, match/target) do for it.
 */
#ifndef USNF_XT_EXT_H
#define USNF_XT_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <usnf/hook.h>
#include <usnf/pkt.h>

#include "util/strbuf.h"

struct usnf_net;
struct xt_rule;

/* Family of a ruleset: iptables or ip6tables. */
enum xt_family {
	XT_FAMILY_V4 = 0,
	XT_FAMILY_V6 = 1,
	XT_FAMILY_COUNT = 2,
};

/* Which families an extension serves. */
enum xt_ext_family {
	XT_EXT_ANY = 0,         /* NFPROTO_UNSPEC: both */
	XT_EXT_V4 = 1,
	XT_EXT_V6 = 2,
};

/* invflags of struct ipt_ip / ip6t_ip6 (values as in the kernel's uapi). */
#define XT_INV_VIA_IN   0x01
#define XT_INV_VIA_OUT  0x02
#define XT_INV_TOS      0x04    /* unused by iptables, kept for the value layout */
#define XT_INV_SRCIP    0x08
#define XT_INV_DSTIP    0x10
#define XT_INV_FRAG     0x20    /* IPv4 -f */
#define XT_INV_PROTO    0x40

#define XT_F_FRAG       0x01    /* IPv4: -f given */
#define XT_F_PROTO      0x01    /* IPv6: -p given (ip6t_ip6.flags IP6T_F_PROTO) */

/* An address of either family; v4 in a4 (network byte order). */
union xt_addr {
	uint32_t a4;
	uint8_t a6[16];
	uint32_t w[4];
};

/* The fixed part of a rule (struct ipt_ip / ip6t_ip6). */
struct xt_ipspec {
	union xt_addr src, smsk, dst, dmsk;
	char iniface[16], outiface[16];         /* "eth+" kept as typed */
	uint16_t proto;                         /* 0: any */
	uint8_t flags;                          /* XT_F_* */
	uint8_t invflags;                       /* XT_INV_* */
};

/* One option of an extension, as given to getopt_long by iptables. */
enum xt_opt_arg { XT_ARG_NONE = 0, XT_ARG_REQUIRED = 1, XT_ARG_OPTIONAL = 2,
		 XT_ARG_TWO = 3 /* two words, given to parse() joined by one space
				   (--tcp-flags MASK COMP, --chunk-types all INIT) */ };
struct xt_opt {
	const char *name;       /* without "--"; NULL terminates the table */
	int id;                 /* passed back to parse() */
	uint8_t arg;            /* enum xt_opt_arg */
	bool invertible;        /* "! --opt" accepted */
	bool multi;             /* may be given more than once */
};

/*
 * Parse context.  Messages are written with xt_parse_error() exactly as iptables
 * words them (without the "iptables v1.8.9 (nf_tables): " prefix, which the CLI
 * adds), so that users see the same text.
 */
struct xt_parse {
	enum xt_family family;
	const char *table;              /* "filter", "mangle", ... */
	const struct xt_rule *rule;     /* the rule being built (ip part filled so far) */
	unsigned int hook_mask;         /* hooks the chain is reachable from (1 << hooknum) */
	struct strbuf *err;
	struct usnf_net *net;           /* the instance (checkentry's net: nf_ct_netns_get) */
};
__attribute__((format(printf, 2, 3))) int xt_parse_error(struct xt_parse *ps, const char *fmt,
							 ...);

/* What match()/target() are told (struct xt_action_param). */
struct xt_action {
	struct usnf_net *net;
	const struct usnf_hook_state *state;
	uint32_t thoff;                 /* absolute offset of the transport header */
	uint16_t fragoff;               /* fragment offset in bytes, 0 if first/whole */
	uint8_t family;                 /* enum xt_family */
	bool hotdrop;                   /* set by a match to drop the packet at once */
	const char *table;
	const char *chain;
	unsigned int rulenum;
};

/* Special values a target returns besides USNF_ACCEPT/DROP/STOLEN/QUEUE. */
#define XT_CONTINUE 0xFFFFFFFFu     /* go on with the next rule */
#define XT_RETURN   0xFFFFFFFEu     /* return from the chain (kernel: XT_RETURN) */

/* Print flags for print(), the `-L` form. */
#define XT_PRINT_NUMERIC 0x01       /* -n */
#define XT_PRINT_VERBOSE 0x02       /* -v */

/* A match's port condition as plain inclusive ranges (xt_match_ops.l4_ports). */
struct xt_l4_ports {
	uint16_t sport[2], dport[2];
	bool sinv, dinv;                /* the port must lie outside the range */
};

/* Reports one named object (xt_extstate.c) a rule holds: kind and name as given to
 * xt_extstate_get(). */
typedef void (*xt_extref_fn)(void *ctx, const char *kind, const char *name);

struct xt_match_ops {
	const char *name;               /* "tcp", "multiport", ... */
	uint8_t revision;
	uint8_t family;                 /* enum xt_ext_family */
	uint32_t size;                  /* bytes of private data, zeroed, then init() */
	/* Leading bytes of the data that define the rule (the kernel's .usersize):
	 * compared for -D/-C/-R and copied into a new rule; what follows is runtime
	 * state (limit's tokens, quota's budget left), left as init() made it.
	 * 0: all of size. */
	uint32_t usersize;
	const struct xt_opt *opts;
	/* Hook restriction (0: any) and required table (NULL: any), as the kernel's
	 * struct xt_match .hooks/.table; proto: required -p (0: any). */
	unsigned int hooks;
	const char *table;
	uint16_t proto;
	/* The kernel module providing it when the emulated kernel lacks it until
	 * `modprobe` (xt_kmod.c); NULL: built in. */
	const char *kmod;

	void (*init)(void *data);
	/* One option; returns 0 or -1 after xt_parse_error(). */
	int (*parse)(void *data, int id, const char *arg, bool invert, struct xt_parse *ps);
	/* After all options (iptables' x6_fcheck): missing/conflicting options. */
	int (*final_check)(void *data, struct xt_parse *ps);
	/* The kernel's checkentry: table/hook/proto restrictions, ranges.  Returns 0,
	 * the kernel's negative errno (printed as iptables-nft frames it: "RULE_APPEND
	 * failed (strerror): rule in chain X"; not run for -C/-D, which compare in user
	 * space), or -1 after xt_parse_error() for a refusal iptables makes itself. */
	int (*check)(const void *data, struct xt_parse *ps);
	/* iptables-save / -S form: appended after " -m name", each option with a
	 * leading space ("  --dport 22" style spacing exactly as iptables prints). */
	void (*save)(const void *data, const struct xt_rule *r, struct strbuf *out);
	/* -L form (the text after the fixed columns). */
	void (*print)(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out);
	/* Evaluate; data is mutable for stateful matches (limit, quota, statistic). */
	bool (*match)(const struct pkt *pkt, void *data, struct xt_action *par);
	void (*destroy)(void *data);
	/* Optional: report every named object the rule holds (recent's list,
	 * hashlimit's table...), so that the objects no rule holds any more are freed
	 * after a commit as the kernel frees them with their last rule. */
	void (*extrefs)(const void *data, enum xt_family fam, xt_extref_fn ref, void *ctx);
	/* Optional, for the rule classifier (xt_cls.c): in a rule whose -p is l4proto
	 * (not inverted), when the match can only match packets whose ports lie in
	 * these ranges, fill *p and return true (other conditions may remain: the
	 * rule is still evaluated); false when it cannot be summarised so. */
	bool (*l4_ports)(const void *data, uint8_t l4proto, struct xt_l4_ports *p);
	/* Optional: iptables-nft 1.8.9 turns some matches into native nft expressions
	 * (nft_native() true: tcp/udp with ports or flags), and reading the rule back
	 * folds every such match of one extension into the first: the rule is listed
	 * and compared (-C/-D) so, though all of them are evaluated.  nft_fold()
	 * copies into `into` the fields `from` specifies. */
	bool (*nft_native)(const void *data);
	void (*nft_fold)(void *into, const void *from);
	/* Optional: true when iptables-nft emitted no expression at all for this
	 * native match (tcp/udp `! --sport :`: add_nft_tcpudp() skips a full range,
	 * inverted or not), so the rule reads back without it. */
	bool (*nft_void)(const void *data);
};

struct xt_target_ops {
	const char *name;               /* "REJECT", "LOG", ... */
	/* The kernel's target when the front end names it otherwise (libxtables'
	 * real_name: NOTRACK is CT): -L's target column shows it.  NULL: name. */
	const char *real_name;
	uint8_t revision;
	uint8_t family;
	uint32_t size;
	uint32_t usersize;              /* as in struct xt_match_ops */
	const struct xt_opt *opts;
	unsigned int hooks;
	const char *table;
	uint16_t proto;
	const char *kmod;               /* as in struct xt_match_ops */

	void (*init)(void *data);
	int (*parse)(void *data, int id, const char *arg, bool invert, struct xt_parse *ps);
	int (*final_check)(void *data, struct xt_parse *ps);
	int (*check)(const void *data, struct xt_parse *ps);
	void (*save)(const void *data, const struct xt_rule *r, struct strbuf *out);
	void (*print)(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out);
	/* Returns USNF_ACCEPT/DROP/STOLEN/QUEUE, XT_CONTINUE or XT_RETURN. */
	unsigned int (*target)(struct pkt *pkt, void *data, struct xt_action *par);
	void (*destroy)(void *data);
	void (*extrefs)(const void *data, enum xt_family fam, xt_extref_fn ref, void *ctx);
};

/* The bytes of an extension's data that identify a rule (usersize or size). */
static inline uint32_t xt_match_usersize(const struct xt_match_ops *o)
{
	return o->usersize ? o->usersize : o->size;
}
static inline uint32_t xt_target_usersize(const struct xt_target_ops *o)
{
	return o->usersize ? o->usersize : o->size;
}

/* Registry lookup by name and family (the newest revision the family has). */
const struct xt_match_ops *xt_match_find(const char *name, enum xt_family fam);
const struct xt_target_ops *xt_target_find(const char *name, enum xt_family fam);

/* Shared parsing helpers for extensions (xt/xt_parse.c). */
int xt_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		  unsigned long long *out);
/* A port number or service name (/etc/services names iptables knows). */
int xt_parse_port(const char *s, const char *proto, uint16_t *out);
/* "a:b", "a", ":b", "a:" as in iptables' port ranges. */
int xt_parse_port_range(const char *s, const char *proto, uint16_t *lo, uint16_t *hi);
/* Layer-3 helpers for matches: the L4 protocol of the packet and its header. */
static inline bool xt_is_v6(const struct xt_action *par) { return par->family == XT_FAMILY_V6; }

#endif
