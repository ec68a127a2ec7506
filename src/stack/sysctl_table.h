/* sysctl_table: the net.* sysctls of a new Linux network namespace, with defaults. */
#ifndef USNF_STACK_SYSCTL_TABLE_H
#define USNF_STACK_SYSCTL_TABLE_H

/* name (full key for globals, the last component for per-device keys), values. */
struct sysctl_def {
	const char *name;
	const char *dflt;       /* global value, or the `default` device's */
	const char *all;        /* per-device tables: the `all` value; NULL otherwise */
};

extern const struct sysctl_def sysctl_global_defs[];
extern const unsigned int sysctl_global_count;
extern const struct sysctl_def sysctl_conf4_defs[];
extern const unsigned int sysctl_conf4_count;
extern const struct sysctl_def sysctl_conf6_defs[];
extern const unsigned int sysctl_conf6_count;
extern const struct sysctl_def sysctl_neigh4_defs[];
extern const unsigned int sysctl_neigh4_count;
extern const struct sysctl_def sysctl_neigh6_defs[];
extern const unsigned int sysctl_neigh6_count;

#endif
