/* xt: the x_tables core — tables, chains, rules, counters and the rule traversal. */
#ifndef USNF_XT_H
#define USNF_XT_H

#include <stdbool.h>
#include <stdint.h>

#include "xt/xt_ext.h"

struct usnf_net;
struct xt_cls;

/* Chain names: at most 28 characters (XT_EXTENSION_MAXNAMELEN - 1 in the kernel). */
#define XT_CHAIN_MAXNAMELEN 29

/* The iptables tables, in the order iptables-nft lists them (nft.c's table array). */
enum xt_table_id {
	XT_TABLE_RAW = 0,
	XT_TABLE_MANGLE,
	XT_TABLE_FILTER,
	XT_TABLE_SECURITY,
	XT_TABLE_NAT,
	XT_TABLE_COUNT,
};

/* One match of a rule: its extension and private data (ops->size bytes). */
struct xt_entry_match {
	const struct xt_match_ops *ops;
	void *data;
};

/* What a rule does when it matches (struct xt_standard_target's verdicts, or an extension). */
enum xt_rule_verdict {
	XT_RV_NONE = 0,         /* no -j: count and continue */
	XT_RV_ACCEPT,
	XT_RV_DROP,
	XT_RV_QUEUE,
	XT_RV_RETURN,
	XT_RV_JUMP,             /* -j CHAIN */
	XT_RV_GOTO,             /* -g CHAIN */
	XT_RV_TARGET,           /* an extension target (ops in target) */
};

/*
 * A rule.  Rules are reference counted: a command stages a new table generation
 * that shares the unchanged rules of the published one, so that their counters
 * and the state of stateful matches survive edits, as they do with nf_tables.
 */
struct xt_rule {
	struct xt_ipspec ip;
	struct xt_entry_match *matches;
	unsigned int nmatches;
	const struct xt_target_ops *target;     /* XT_RV_TARGET only */
	void *tdata;
	uint8_t verdict;                        /* enum xt_rule_verdict */
	uint8_t family;                         /* enum xt_family */
	char jump[XT_CHAIN_MAXNAMELEN];         /* XT_RV_JUMP/GOTO: chain name */
	uint64_t pkts, bytes;
	unsigned int refs;
};

/* A chain of one table generation.  Built-in chains exist only once used (nft). */
struct xt_chain {
	char name[XT_CHAIN_MAXNAMELEN];
	int8_t hook;                    /* built-in: enum usnf_hook_num; user chain: -1 */
	bool exists;                    /* built-in: created by a rule or a policy */
	uint8_t policy;                 /* USNF_ACCEPT / USNF_DROP (built-in) */
	uint64_t pkts, bytes;           /* policy counters */
	struct xt_rule **rules;
	unsigned int nrules, cap;
	int32_t *jumpto;                /* compiled: chain index per rule (-1), on publish */
	struct xt_cls *cls;             /* compiled: classifier (xt_cls.h), NULL if short */
};

/*
 * One generation of a table.  Published generations are immutable except for the
 * counters; every change builds a new one (xt_table_stage/xt_table_commit).
 * Chains: the built-in ones first in hook order, then user chains in creation order.
 */
struct xt_table {
	uint8_t family;                 /* enum xt_family */
	uint8_t id;                     /* enum xt_table_id */
	uint64_t gen;
	uint64_t created;               /* generation that created the table: save order */
	struct xt_chain *chains;
	unsigned int nchains, cap;
	/* Chain names hashed (open addressing, chain index + 1, 0 empty): kube-proxy
	 * style tables have tens of thousands of chains and every jump names one. */
	uint32_t *name_idx;
	unsigned int name_mask;                 /* slots - 1 */
	int hook_chain[USNF_INET_NUMHOOKS];     /* built-in chain index per hook, -1 */
	unsigned int max_depth;         /* jump stack needed (compiled) */
	bool classified;                /* some chain has a classifier (compiled) */
};

/* Static facts about a table: name, hooks, priority. */
struct xt_table_info {
	const char *name;
	unsigned int valid_hooks;       /* 1 << enum usnf_hook_num */
	int32_t priority;
};
const struct xt_table_info *xt_table_info_get(enum xt_table_id id);
/* Table id by name, or -ENOENT. */
int xt_table_id_find(const char *name);
/* "INPUT" for USNF_INET_LOCAL_IN ... */
const char *xt_hook_chain_name(unsigned int hook);

/* Engine lifecycle: allocates net->xt (no tables yet) / frees everything. */
int xt_net_init(struct usnf_net *net);
void xt_net_exit(struct usnf_net *net);
/* Zero every counter (rules and policies) of every existing table, both families. */
void xt_counters_zero_all(struct usnf_net *net);

/* The published generation, or NULL when the table does not exist (yet). */
const struct xt_table *xt_table_get(const struct usnf_net *net, enum xt_family fam,
				    enum xt_table_id id);
/*
 * A private, modifiable copy of the published table (or a fresh one with no
 * built-in chain created yet).  NULL on -ENOMEM.  Counters are copied.
 */
struct xt_table *xt_table_stage(const struct usnf_net *net, enum xt_family fam,
				enum xt_table_id id);
/*
 * Validate (jumps resolve, no loops, hook restrictions), compile and publish t,
 * replacing the old generation whole.  On error (-ELOOP, -ENOENT, -EINVAL,
 * -ENOMEM) nothing changes and t still belongs to the caller.  On success t
 * belongs to the engine.
 */
/* A new generation with no chain created and no rule (iptables-restore's flush). */
struct xt_table *xt_table_fresh(enum xt_family fam, enum xt_table_id id);
int xt_table_commit(struct usnf_net *net, struct xt_table *t, struct strbuf *err);
void xt_table_free(struct xt_table *t);                 /* accepts NULL */

/* Chains of a (staged) table. */
int xt_chain_find(const struct xt_table *t, const char *name);          /* index or -1 */
int xt_chain_add(struct xt_table *t, const char *name);                 /* index or -errno */
int xt_chain_del(struct xt_table *t, unsigned int idx);
int xt_chain_rename(struct xt_table *t, unsigned int idx, const char *name);
void xt_chain_flush(struct xt_table *t, unsigned int idx);
void xt_chain_zero(struct xt_table *t, unsigned int idx);
/* References to a user chain: jumps/gotos from rules of the table. */
unsigned int xt_chain_refs(const struct xt_table *t, unsigned int idx);
/* Create a built-in chain (nft semantics: it exists once used). */
void xt_chain_create(struct xt_table *t, unsigned int idx);

/* Rules. */
struct xt_rule *xt_rule_alloc(enum xt_family fam);
void xt_rule_get(struct xt_rule *r);
void xt_rule_put(struct xt_rule *r);                    /* accepts NULL */
/* Append a match with zeroed+init'ed data; returns its data or NULL (-ENOMEM). */
void *xt_rule_add_match(struct xt_rule *r, const struct xt_match_ops *ops);
void *xt_rule_set_target(struct xt_rule *r, const struct xt_target_ops *ops);
/* A copy (fresh counters and state; the usersize part of extension data copied). */
struct xt_rule *xt_rule_clone(const struct xt_rule *r);
/*
 * The matches of a rule as iptables-nft reads the rule back from the kernel, for
 * listing and comparing: native matches of one extension folded into the first
 * (xt_match_ops.nft_fold).  m[i].data points into the rule or into copies the
 * view owns.  xt_rule_view_get() returns 0 or -ENOMEM.
 */
struct xt_rule_view {
	unsigned int n;
	struct xt_entry_match *m;
	void **own;                     /* folded copies (freed by put) */
};
int xt_rule_view_get(const struct xt_rule *r, struct xt_rule_view *v);
void xt_rule_view_put(struct xt_rule_view *v);
/* Same rule as iptables compares them for -D/-C (not counters). */
bool xt_rule_equal(const struct xt_rule *a, const struct xt_rule *b);
/* Insert r (the table takes the reference) at pos (0-based, <= nrules). */
int xt_rule_insert(struct xt_table *t, unsigned int chain, unsigned int pos, struct xt_rule *r);
void xt_rule_delete(struct xt_table *t, unsigned int chain, unsigned int pos);
void xt_rule_replace(struct xt_table *t, unsigned int chain, unsigned int pos,
		     struct xt_rule *r);

/* Protocol names as iptables prints/parses them (/etc/protocols, then its own list). */
/* Optional extension modules of the emulated kernel (xt_kmod.c): is kmod (e.g.
 * "xt_ipvs") there (true for every module not optional), and `modprobe kmod`
 * (0, or -ENOENT for a module the kernel does not know). */
bool xt_kmod_loaded(struct usnf_net *net, const char *kmod);
int xt_kmod_load(struct usnf_net *net, const char *kmod);
uint32_t *xt_net_kmods(struct usnf_net *net);           /* NULL before xt is set up */

const char *xt_proto_name(uint8_t num);                 /* NULL if unnamed */
int xt_proto_parse(const char *s, uint8_t *out);        /* 0 or -ENOENT */
/* Service name of a port for -L without -n, NULL if none. */
const char *xt_port_name(uint16_t port, const char *proto);

/* Deepest jump nesting a table may have (the traversal's fixed stack). */
#define XT_STACK_MAX 256

/* Target name of a rule as printed ("ACCEPT", "LOG", a chain, "" for none). */
const char *xt_rule_target_name(const struct xt_rule *r);

/*
 * The traversal (ipt_do_table/ip6t_do_table) of table t's chain for state->hook.
 * Exported for tests; the hook functions registered per table call it.
 */
unsigned int xt_do_table(const struct xt_table *t, struct pkt *pkt,
			 const struct usnf_hook_state *state);
/* The same walk scanning every rule of every chain: the reference for tests and
 * the baseline for benchmarks (identical verdicts, counters and side effects). */
unsigned int xt_do_table_linear(const struct xt_table *t, struct pkt *pkt,
				const struct usnf_hook_state *state);

#endif
