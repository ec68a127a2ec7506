/*
 * ipset: IP sets (the kernel's net/netfilter/ipset/) in one engine instance.
 * Sets are named, typed collections looked up per packet by the `set` match and
 * changed by the `SET` target and the `ipset` command.
 *
 * The engine speaks to the command the way the kernel speaks to ipset(8) over
 * netlink: a request is a bag of attributes (struct ipset_attrs, the IPSET_ATTR_*
 * of one message), answers are the kernel's error codes (IPSET_ERR_* or errno,
 * negated), and listings are attribute bags per set header and per member.  All
 * wording and layout of text is the command's business (cli/ipset.c).
 */
#ifndef USNF_IPSET_H
#define USNF_IPSET_H

#include <stdbool.h>
#include <stdint.h>

struct usnf_net;
struct pkt;
struct usnf_hook_state;

#define IPSET_MAXNAMELEN 32             /* including the NUL, as IPSET_MAXNAMELEN */
#define IPSET_MAX_COMMENT_SIZE 255
#define IPSET_MAX_SETS 256              /* CONFIG_IP_SET_MAX default */
#define IPSET_INVALID_ID 65535          /* ip_set_id_t IPSET_INVALID_ID */
#define IPSET_DIM_MAX 6
#define IPSET_NO_TIMEOUT UINT32_MAX     /* "no timeout given" */
#define IPSET_MAX_TIMEOUT ((UINT32_MAX >> 1) / 1000)

/* ipset's set families (NFPROTO_*). */
#define IPSET_FAM_UNSPEC 0
#define IPSET_FAM_INET 2
#define IPSET_FAM_INET6 10

/* The kernel's answers (include/uapi/linux/netfilter/ipset/ip_set*.h), returned negated. */
enum ipset_errcode {
	IPSET_ERR_PRIVATE = 4096,
	IPSET_ERR_PROTOCOL,
	IPSET_ERR_FIND_TYPE,
	IPSET_ERR_MAX_SETS,
	IPSET_ERR_BUSY,
	IPSET_ERR_EXIST_SETNAME2,
	IPSET_ERR_TYPE_MISMATCH,
	IPSET_ERR_EXIST,
	IPSET_ERR_INVALID_CIDR,
	IPSET_ERR_INVALID_NETMASK,
	IPSET_ERR_INVALID_FAMILY,
	IPSET_ERR_TIMEOUT,
	IPSET_ERR_REFERENCED,
	IPSET_ERR_IPADDR_IPV4,
	IPSET_ERR_IPADDR_IPV6,
	IPSET_ERR_COUNTER,
	IPSET_ERR_COMMENT,
	IPSET_ERR_INVALID_MARKMASK,
	IPSET_ERR_SKBINFO,
	IPSET_ERR_BITMASK_NETMASK_EXCL,
	IPSET_ERR_TYPE_SPECIFIC = 4352,
};
/* type specific codes: bitmap, hash, list */
#define IPSET_ERR_BITMAP_RANGE IPSET_ERR_TYPE_SPECIFIC
#define IPSET_ERR_BITMAP_RANGE_SIZE (IPSET_ERR_TYPE_SPECIFIC + 1)
#define IPSET_ERR_HASH_FULL IPSET_ERR_TYPE_SPECIFIC
#define IPSET_ERR_HASH_ELEM (IPSET_ERR_TYPE_SPECIFIC + 1)
#define IPSET_ERR_INVALID_PROTO (IPSET_ERR_TYPE_SPECIFIC + 2)
#define IPSET_ERR_MISSING_PROTO (IPSET_ERR_TYPE_SPECIFIC + 3)
#define IPSET_ERR_HASH_RANGE_UNSUPPORTED (IPSET_ERR_TYPE_SPECIFIC + 4)
#define IPSET_ERR_HASH_RANGE (IPSET_ERR_TYPE_SPECIFIC + 5)
#define IPSET_ERR_NAME IPSET_ERR_TYPE_SPECIFIC
#define IPSET_ERR_LOOP (IPSET_ERR_TYPE_SPECIFIC + 1)
#define IPSET_ERR_BEFORE (IPSET_ERR_TYPE_SPECIFIC + 2)
#define IPSET_ERR_NAMEREF (IPSET_ERR_TYPE_SPECIFIC + 3)
#define IPSET_ERR_LIST_FULL (IPSET_ERR_TYPE_SPECIFIC + 4)
#define IPSET_ERR_REF_EXIST (IPSET_ERR_TYPE_SPECIFIC + 5)

/* IPSET_ATTR_CADT_FLAGS bits */
#define IPSET_FLAG_BEFORE (1u << 0)
#define IPSET_FLAG_PHYSDEV (1u << 1)
#define IPSET_FLAG_NOMATCH (1u << 2)
#define IPSET_FLAG_WITH_COUNTERS (1u << 3)
#define IPSET_FLAG_WITH_COMMENT (1u << 4)
#define IPSET_FLAG_WITH_FORCEADD (1u << 5)
#define IPSET_FLAG_WITH_SKBINFO (1u << 6)
#define IPSET_FLAG_IFACE_WILDCARD (1u << 7)

/* The set type features (IPSET_TYPE_*): swap needs them equal. */
#define IPSET_TYPE_IP (1u << 0)
#define IPSET_TYPE_PORT (1u << 1)
#define IPSET_TYPE_MAC (1u << 2)
#define IPSET_TYPE_IP2 (1u << 3)
#define IPSET_TYPE_NAME (1u << 5)
#define IPSET_TYPE_IFACE (1u << 6)
#define IPSET_TYPE_NOMATCH (1u << 8)
#define IPSET_DUMP_LAST (1u << 10)

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
	uint16_t features;              /* IPSET_TYPE_* */
	uint8_t family;                 /* the type's own: IPSET_FAM_INET (bitmap:ip) or UNSPEC */
};

/*
 * The attributes of one request or listed item (IPSET_ATTR_*): `has` says which
 * are present.  Addresses in network order (v4 in the first 4 bytes), the rest in
 * host order.
 */
enum ipset_attr {
	IPSET_A_IP, IPSET_A_IP_TO, IPSET_A_CIDR, IPSET_A_PORT, IPSET_A_PORT_TO,
	IPSET_A_PROTO, IPSET_A_TIMEOUT, IPSET_A_CADT_FLAGS, IPSET_A_ETHER, IPSET_A_NAME,
	IPSET_A_NAMEREF, IPSET_A_IP2, IPSET_A_CIDR2, IPSET_A_IFACE, IPSET_A_PACKETS,
	IPSET_A_BYTES, IPSET_A_COMMENT, IPSET_A_SKBMARK, IPSET_A_SKBPRIO, IPSET_A_SKBQUEUE,
	/* create and header */
	IPSET_A_HASHSIZE, IPSET_A_MAXELEM, IPSET_A_NETMASK, IPSET_A_BITMASK,
	IPSET_A_BUCKETSIZE, IPSET_A_INITVAL, IPSET_A_SIZE, IPSET_A_RESIZE,
	IPSET_A_REFERENCES, IPSET_A_MEMSIZE, IPSET_A_ELEMENTS,
};
#define IPSET_A(x) (1u << IPSET_A_##x)

struct ipset_attrs {
	uint32_t has;
	uint8_t ip[16], ip_to[16], ip2[16], bitmask[16];
	uint8_t cidr, cidr2, proto, netmask, bucketsize, resize;
	uint16_t port, port_to, skbqueue;
	uint32_t timeout, cadt_flags, hashsize, maxelem, initval, size, skbprio;
	uint32_t references, memsize, elements;
	uint64_t packets, bytes, skbmark;       /* skbmark: mark << 32 | mask */
	char iface[16], name[IPSET_MAXNAMELEN], nameref[IPSET_MAXNAMELEN];
	char comment[IPSET_MAX_COMMENT_SIZE + 1];
	uint8_t ether[6];
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
	uint8_t proto;                  /* port types: IPPROTO_* */
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

/* Extensions of one element as a request brings them (a kernel ip_set_ext). */
struct ipset_ext {
	uint32_t timeout;               /* seconds; IPSET_NO_TIMEOUT: the set's default */
	uint64_t packets, bytes;
	bool has_packets, has_bytes;
	const char *comment;            /* NULL: none */
	bool nomatch;
	bool wildcard;                  /* hash:net,iface: the interface is a prefix */
	struct ipset_skbinfo skb;
	/* list:set add: "before NAME" / "after NAME" (ref_id), or -1 */
	int before, after;
};

struct ipset_entry {
	struct ipset_key key;
	uint64_t expires_ns;            /* 0: never */
	uint64_t packets, bytes;
	char *comment;
	bool nomatch;
	bool wildcard;
	bool dead;                      /* deleted, waiting for compaction */
	struct ipset_skbinfo skb;
};

/* Options of a set, as its create request left them (the kernel's defaults filled in). */
struct ipset_create_opts {
	uint8_t family;                 /* IPSET_FAM_* */
	uint32_t hashsize, maxelem;     /* 0: default (maxelem: unless has_maxelem) */
	bool has_maxelem;
	uint32_t timeout;
	bool has_timeout;
	bool counters, comment, forceadd, skbinfo;
	uint8_t netmask;                /* hash:ip, hash:ip,port, bitmap:ip; 0: none */
	uint8_t bitmask[16];            /* hash:ip, hash:ip,port: the address mask */
	bool has_bitmask;               /* bitmask given (not derived from netmask) */
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
	struct ipset_entry *ents;       /* insertion order (list:set: list order) */
	uint32_t nents, cap;            /* slots used (live + dead), capacity */
	uint32_t nlive;
	uint32_t *index;                /* open addressing: entry index + 1, 0 empty */
	uint32_t index_cap;             /* power of two */
	uint32_t cidr_count[129];       /* net types: live entries per prefix length */
	uint32_t nwildcard;             /* hash:net,iface: live wildcard entries */
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

/* Set by name: its id, or -1.  ipset_get: NULL for a free id. */
int ipset_find(const struct ipset_net *in, const char *name);
struct ipset_set *ipset_get(const struct ipset_net *in, unsigned int id);

/* ---- the control operations, as the kernel's nfnetlink handlers answer them ---- */

enum ipset_adt { IPSET_ADD, IPSET_DEL, IPSET_TEST };

/*
 * ip_set_create(): the type's create() checks the attributes, then the name is
 * placed.  With exist, a set of the same name and identical settings is no error.
 * 0 or a negative kernel code.
 */
int ipset_ucreate(struct ipset_net *in, const char *name, const char *typename,
		  uint8_t family, const struct ipset_attrs *a, bool exist);
int ipset_udestroy(struct ipset_net *in, const char *name, bool exist);  /* NULL: all */
int ipset_uflush(struct ipset_net *in, const char *name);                 /* NULL: all */
int ipset_urename(struct ipset_net *in, const char *from, const char *to);
int ipset_uswap(struct ipset_net *in, const char *from, const char *to);
/*
 * ip_set_uadd/udel (call_ad) and ip_set_utest: the type's uadt() over the
 * request's element (ranges expanded).  Test answers 0 (in the set) or
 * -IPSET_ERR_EXIST (not), as the kernel does.
 */
int ipset_uadt(struct ipset_net *in, struct ipset_set *s, enum ipset_adt adt,
	       const struct ipset_attrs *a, bool exist);
/* The set's ref count as `References:` shows it (rules and list:set members). */
unsigned int ipset_references(const struct ipset_net *in, unsigned int id);

/* ---- listing (ip_set_dump): the header, then the members in the kernel's order ---- */
void ipset_dump_head(const struct ipset_net *in, unsigned int id, struct ipset_attrs *h);
typedef void (*ipset_member_fn)(void *ctx, const struct ipset_attrs *m);
void ipset_dump_members(const struct ipset_net *in, unsigned int id, ipset_member_fn fn,
			void *ctx);

/* ---- the storage beneath (ipset_core.c), in the kernel's adtfn terms ---- */

/* Core results, mapped to kernel codes by ipset_uadt(). */
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

/* Create with options already checked (defaults are filled in). */
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
/* The entry `ipset test` finds for k (mtype_test_cidrs on net types), or NULL. */
struct ipset_entry *ipset_lookup_test(struct ipset_set *s, const struct ipset_key *k,
				      uint64_t now);
/* The entry for this key (live; hash:net,iface wildcards included), or NULL. */
struct ipset_entry *ipset_lookup_exact(struct ipset_set *s, const struct ipset_key *k,
				       uint64_t now);

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

/* The name of set id, or NULL. */
const char *ipset_name(const struct usnf_net *net, unsigned int id);

#endif
