/* iptables_int: what iptables, iptables-save and iptables-restore share (cli-internal). */
#ifndef USNF_CLI_IPTABLES_INT_H
#define USNF_CLI_IPTABLES_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "xt/xt.h"

#define IPT_VERSION "v1.8.9 (nf_tables)"

/* How an error is framed when printed (iptables' exit paths). */
enum ipt_err_kind {
	IPT_ERR_NONE = 0,
	IPT_ERR_PARAM,          /* "PROG v1.8.9 (nf_tables): MSG" + "Try `PROG -h'..."  (2) */
	IPT_ERR_PLAIN,          /* "PROG: MSG" (1) */
	IPT_ERR_KERNEL,         /* "PROG v1.8.9 (nf_tables):  OP failed (ERR): OBJ" (4) */
	IPT_ERR_TABLE,          /* table does not exist (3) */
	IPT_ERR_BARE,           /* "MSG" + "Try ..." (2): Bad argument */
	IPT_ERR_PREFIXED,       /* "PROG v1.8.9 (nf_tables): MSG" without "Try" (1) */
};

/* One iptables invocation (or one iptables-restore commit) over staged tables. */
struct ipt_env {
	struct cli_ctx *ctx;
	enum xt_family fam;
	const char *prog;                       /* "iptables" / "ip6tables" */
	struct xt_table *staged[XT_TABLE_COUNT];
	bool create[XT_TABLE_COUNT];            /* the command brings the table into being */
	bool dirty[XT_TABLE_COUNT];
	bool restore;                           /* inside iptables-restore */
	const char *restore_table;              /* restore: the current *table */
	char kop[16];                           /* kernel operation of the last rule command */
	char kchain[XT_CHAIN_MAXNAMELEN];       /* and its chain, for commit errors */
	enum ipt_err_kind ekind;
	struct strbuf emsg;
};

void ipt_env_init(struct ipt_env *env, struct cli_ctx *ctx, enum xt_family fam,
		  const char *prog);
/* Commit every dirty staged table (all or nothing as far as validation goes). */
int ipt_env_commit(struct ipt_env *env);
void ipt_env_release(struct ipt_env *env);
/* The staged copy of table id (staged on first use); NULL on -ENOMEM. */
struct xt_table *ipt_env_table(struct ipt_env *env, enum xt_table_id id);
/* Does the table exist (published, or created by this env)? */
bool ipt_env_table_exists(struct ipt_env *env, enum xt_table_id id);

/* Run one iptables command line (argv[0] is the program name); returns the exit code. */
int ipt_command(struct ipt_env *env, int argc, char **argv);
/* Frame env's error as the tool prints it, into out. */
void ipt_error_print(const struct ipt_env *env, struct strbuf *out);

/* Printing (iptables_print.c). */
#define IPT_FMT_NUMERIC  0x01
#define IPT_FMT_VERBOSE  0x02
#define IPT_FMT_EXACT    0x04
#define IPT_FMT_LINENUM  0x08
void ipt_rule_save(const struct xt_table *t, const struct xt_chain *c, const struct xt_rule *r,
		   bool counters_prefix, bool counters_v, struct strbuf *out);
void ipt_list_chain(const struct xt_table *t, unsigned int ci, unsigned int fmt,
		    unsigned int rulenum, struct strbuf *out);
/* Chain indexes in listing order: built-ins in hook order, then user chains by name. */
unsigned int ipt_chain_order(const struct xt_table *t, unsigned int *idx);
/* The iptables-save text of one table (without the date comments if !comments). */
void ipt_table_save(const struct xt_table *t, bool counters, bool comments, const char *prog,
		    struct strbuf *out);

/* Address helpers (iptables_print.c). */
void ipt_addr_str(enum xt_family fam, const union xt_addr *a, char *buf, size_t len);
/* "/24", "/255.0.255.0", or "" when full (for -L). */
void ipt_mask_str(enum xt_family fam, const union xt_addr *m, bool save, char *buf, size_t len);

#endif
