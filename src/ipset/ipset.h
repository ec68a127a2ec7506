/*
 * ipset: IP sets (the kernel's net/netfilter/ipset/) in one engine instance.
 * Sets are named, typed collections looked up per packet by the `set` match and
 * changed by the `SET` target and the `ipset` command.  The engine part never
 * prints; ipset_print.c renders `ipset list` / `ipset save` text into a strbuf.
 */
#ifndef USNF_IPSET_H
#define USNF_IPSET_H

#include <stdbool.h>
#include <stdint.h>

#include "util/strbuf.h"

struct usnf_net;
struct pkt;
struct usnf_hook_state;

#define IPSET_MAXNAMELEN 32             /* including the NUL, as IPSET_MAXNAMELEN */
#define IPSET_MAX_SETS 256              /* CONFIG_IP_SET_MAX default */
#define IPSET_INVALID_ID 65535          /* ip_set_id_t IPSET_INVALID_ID */
#define IPSET_DIM_MAX 6
#define IPSET_NO_TIMEOUT UINT32_MAX     /* "no timeout given" in SET's --timeout */

/* ipset's set families (NFPROTO_*). */
#define IPSET_FAM_UNSPEC 0
#define IPSET_FAM_INET 2
#define IPSET_FAM_INET6 10

enum ipset_kind {
	IPSET_HASH_IP,
	IPSET_HASH_NET,
	IPSET_HASH_IPPORT,
	IPSET_HASH_NETPORT,
	IPSET_HASH_IPPORTIP,
	IPSET_HASH_NETIFACE,
	IPSET_HASH_MAC,
	IPSET_BITMAP_IP,
	IPSET_BITMAP_PORT,
	IPSET_LIST_SET,
};

/* A set type: what `ipset create NAME TYPE` names. */
struct ipset_type {
	const char *name;
	uint8_t kind;                   /* enum ipset_kind */
	uint8_t dimension;              /* how many src/dst flags a lookup needs */
	uint8_t revision;               /* the newest revision of Linux 6.x */
	bool has_cidr;                  /* net types: prefix lengths and nomatch */
};

/*
 * An element key.  Zeroed then filled, compared and hashed as bytes, so
 * unused fields must stay zero.  Addresses in network order; v4 in ip[0..3].
 */
struct ipset_key {
	uint8_t ip[16];
	uint8_t ip2[16];                /* hash:ip,port,ip: the second address */
	char iface[16];                 /* hash:net,iface */
	uint8_t mac[6];
	uint16_t port;                  /* host order; icmp: type << 8 | code */
	uint8_t cidr;                   /* net types: prefix length */
	uint8_t proto;                  /* port types: IPPROTO_*, 0 for "any" */
	uint8_t physdev;                /* hash:net,iface: "physdev:" given */
	uint8_t setid_hi, setid_lo;     /* list:set: member set id */
	uint8_t pad;
};

/* The skbinfo extension: what SET --map-set writes into the packet. */
struct ipset_skbinfo {
	uint32_t skbmark, skbmarkmask;
	uint32_t skbprio;               /* TC handle major:minor */
	uint16_t skbqueue;
};

/* Extensions of one element (a kernel ip_set_ext). */
struct ipset_ext {
	uint32_t timeout;               /* seconds; IPSET_NO_TIMEOUT: the set's default */
	uint64_t packets, bytes;
	bool has_packets, has_bytes;
	const char *comment;            /* NULL: none */
	bool nomatch;
	struct ipset_skbinfo skb;
	bool has_skbmark, has_skbprio, has_skbqueue;
	/* list:set add: "before NAME" / "after NAME" (ref_id), or -1 */
	int before, after;
};

struct ipset_entry {
	struct ipset_key key;
	uint64_t expires_ns;            /* 0: never */
	uint64_t packets, bytes;
	char *comment;
	bool nomatch;
	bool dead;
	struct ipset_skbinfo skb;                      /* deleted, waiting for compaction */
};

/* Options of `ipset create`. */
struct ipset_create_opts {
	uint8_t family;                 /* IPSET_FAM_* (0: default inet) */
	uint32_t hashsize, maxelem;     /* 0: default */
	uint32_t timeout;               /* 0: no timeout support */
	bool has_timeout;
	bool counters, comment, forceadd, skbinfo;
	uint8_t netmask;                /* hash:ip, bitmap:ip; 0: none */
	uint32_t bucketsize;            /* 0: default 12 */
	uint32_t initval;
	bool has_initval;
	uint32_t range_lo, range_hi;    /* bitmap: v4 address (host order) or port */
	bool has_range;
	uint32_t size;                  /* list:set (default 8) */
};

/* A bucket of the kernel's table layout (ipset_kern.c): entry index + 1 per slot, 0 free. */
struct ipset_kbucket {
	uint32_t *slot;
	uint8_t size, pos;
};

struct ipset_set {
	char name[IPSET_MAXNAMELEN];
	const struct ipset_type *type;
	struct ipset_create_opts o;     /* defaults filled in */
	uint32_t refs;                  /* rules and list:set members referring to it */
	struct ipset_entry *ents;       /* insertion order (bitmaps are listed sorted) */
	uint32_t nents, cap;            /* slots used (live + dead), capacity */
	uint32_t nlive;
	uint32_t *index;                /* open addressing: entry index + 1, 0 empty */
	uint32_t index_cap;             /* power of two */
	uint32_t cidr_count[129];       /* net types: live entries per prefix length */
	/* the kernel's layout, for listing order and memory size (ipset_kern.c) */
	struct ipset_kbucket *kb;
	uint8_t kbits;
	uint64_t kext, kcomment;
};

struct ipset_net {
	struct usnf_net *net;
	struct ipset_set *sets[IPSET_MAX_SETS];
	uint32_t seed;                  /* deterministic "random" initval source */
};

/* Instance life cycle (called from usnf_net_create/destroy). */
int ipset_net_init(struct usnf_net *net);
void ipset_net_exit(struct usnf_net *net);

const struct ipset_type *ipset_type_find(const char *name);

/* Set by name: its id, or -1.  ipset_set_get: NULL for a free id. */
int ipset_find(const struct ipset_net *in, const char *name);
struct ipset_set *ipset_get(const struct ipset_net *in, unsigned int id);

/* Control operations: 0 or a negative IPSET error (see ipset_strerror). */
enum ipset_err {
	IPSET_OK = 0,
	IPSET_E_EXIST = 1,              /* set with this name exists */
	IPSET_E_NOENT,                  /* no set with this name */
	IPSET_E_FULL_SETS,              /* no free set id */
	IPSET_E_BUSY,                   /* referenced: cannot destroy */
	IPSET_E_ELEM_EXIST,             /* element already added */
	IPSET_E_ELEM_NOENT,             /* element not added */
	IPSET_E_FULL,                   /* maxelem reached */
	IPSET_E_RANGE,                  /* bitmap: out of range */
	IPSET_E_TIMEOUT,                /* set has no timeout support */
	IPSET_E_COUNTER,                /* set has no counters */
	IPSET_E_COMMENT,                /* set has no comment support */
	IPSET_E_TYPE_MISMATCH,          /* swap: types differ */
	IPSET_E_RENAME_EXIST,           /* rename: target name exists */
	IPSET_E_LOOP,                   /* list:set: adding a list:set */
	IPSET_E_REF_NOENT,              /* list:set: before/after set not in list */
	IPSET_E_NOMEM,
	IPSET_E_ZERO,                   /* zero valued address */
	IPSET_E_FAMILY,                 /* set/element family mismatch */
	IPSET_E_SKBINFO,                /* set has no skbinfo support */
};

int ipset_create(struct ipset_net *in, const char *name, const struct ipset_type *type,
		 const struct ipset_create_opts *o, bool exist);
int ipset_destroy(struct ipset_net *in, int id);            /* id -1: all unreferenced */
int ipset_flush(struct ipset_net *in, int id);              /* id -1: all */
int ipset_rename(struct ipset_net *in, int id, const char *to);
int ipset_swap(struct ipset_net *in, int a, int b);
int ipset_add(struct ipset_net *in, struct ipset_set *s, const struct ipset_key *k,
	      const struct ipset_ext *x, bool exist);
int ipset_del(struct ipset_net *in, struct ipset_set *s, const struct ipset_key *k, bool exist);
/* 1 in the set, 0 not (nomatch entries count as not), for `ipset test`. */
int ipset_test(struct ipset_net *in, struct ipset_set *s, const struct ipset_key *k);
/* The entry for exactly this key (live), or NULL. */
struct ipset_entry *ipset_lookup_exact(struct ipset_set *s, const struct ipset_key *k,
				       uint64_t now);

/* Message text of an error as ipset 7.17 prints it for `op` ("add", "del", ...). */
const char *ipset_strerror(int err, const char *op);

/* Header/member rendering. */
void ipset_print_set(const struct ipset_net *in, const struct ipset_set *s, bool save,
		     bool terse, struct strbuf *out);
void ipset_print_key(const struct ipset_net *in, const struct ipset_set *s,
		     const struct ipset_key *k, struct strbuf *out);

/* ---- the packet path (the kernel's ip_set_test/add/del from xt_set) ---- */

struct ipset_adt_opt {
	uint8_t family;                 /* IPSET_FAM_INET/INET6 of the packet */
	uint8_t dim;                    /* how many flags were given */
	uint8_t flags;                  /* bit i (1..dim): dimension i is src */
	bool return_nomatch;            /* IPSET_RETURN_NOMATCH */
	bool skip_counters;             /* ! --update-counters */
	bool skip_subcounters;          /* ! --update-subcounters */
	uint32_t timeout;               /* SET --timeout (IPSET_NO_TIMEOUT: set default) */
	bool exist;                     /* SET --exist: re-add refreshes timeout */
	/* counter conditions of the match (op 0: none) */
	uint8_t pkt_op, byte_op;
	uint64_t pkt_val, byte_val;
	/* SET --map-set: the matched element's skbinfo is written here (NULL: not wanted) */
	struct ipset_skbinfo *skb_out;
};
#define IPSET_CNT_NONE 0
#define IPSET_CNT_EQ 1
#define IPSET_CNT_NE 2
#define IPSET_CNT_LT 3
#define IPSET_CNT_GT 4

/*
 * Test the packet against set id.  Returns 1 match, 0 no match, -1 when a net
 * type matched a nomatch entry and return_nomatch asked for it (kernel: -ENOTEMPTY).
 * Never allocates.
 */
int ipset_pkt_test(struct usnf_net *net, unsigned int id, const struct pkt *pkt,
		   const struct usnf_hook_state *st, const struct ipset_adt_opt *opt);
/* Add / delete the packet's element (SET target); errors are ignored as the kernel's. */
void ipset_pkt_add(struct usnf_net *net, unsigned int id, const struct pkt *pkt,
		   const struct usnf_hook_state *st, const struct ipset_adt_opt *opt);
void ipset_pkt_del(struct usnf_net *net, unsigned int id, const struct pkt *pkt,
		   const struct usnf_hook_state *st, const struct ipset_adt_opt *opt);

/* Reference counting by rules (set match, SET target). */
void ipset_ref_get(struct usnf_net *net, unsigned int id);
void ipset_ref_put(struct usnf_net *net, unsigned int id);
/* The name of set id, or NULL. */
const char *ipset_name(const struct usnf_net *net, unsigned int id);

#endif
