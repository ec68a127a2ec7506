/* sysctl: the instance's net.* sysctl store (/proc/sys/net of a network namespace). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/stack_int.h"
#include "stack/sysctl_table.h"

/* What writing a slot does beyond storing (the kernel's proc handlers). */
enum sysctl_special {
	SPECIAL_NONE,
	SPECIAL_FWD4_ALL,       /* devinet_sysctl_forward() on `all`: inet_forward_change() */
	SPECIAL_FWD6_ALL,       /* addrconf_fixup_forwarding() on `all` */
};

struct sysctl_slot {
	char *key;
	int *iv;                /* single-integer keys: where the value lives */
	int own;
	char *sv;               /* other keys: the text */
	bool ints;              /* sv must be whitespace-separated integers */
	int min, max;           /* integer range (min > max: none) */
	uint8_t special;
};

struct sysctl_store {
	struct sysctl_slot **slots;
	unsigned int n, cap;
};

static const struct { const char *key; enum stack_sysctl id; } sys_ids[] = {
	{ "net.ipv4.ip_default_ttl", SYS_IP_DEFAULT_TTL },
	{ "net.ipv4.icmp_echo_ignore_all", SYS_ICMP_ECHO_IGNORE_ALL },
	{ "net.ipv4.icmp_echo_ignore_broadcasts", SYS_ICMP_ECHO_IGNORE_BROADCASTS },
	{ "net.ipv4.icmp_errors_use_inbound_ifaddr", SYS_ICMP_ERRORS_USE_INBOUND_IFADDR },
	{ "net.ipv4.icmp_ignore_bogus_error_responses", SYS_ICMP_IGNORE_BOGUS_ERROR_RESPONSES },
	{ "net.ipv4.ip_no_pmtu_disc", SYS_IP_NO_PMTU_DISC },
	{ "net.ipv4.fwmark_reflect", SYS_FWMARK_REFLECT },
	{ "net.ipv6.icmp.echo_ignore_all", SYS_IPV6_ECHO_IGNORE_ALL },
	{ "net.ipv6.icmp.echo_ignore_multicast", SYS_IPV6_ECHO_IGNORE_MULTICAST },
	{ "net.ipv6.icmp.echo_ignore_anycast", SYS_IPV6_ECHO_IGNORE_ANYCAST },
	{ "net.ipv6.flowlabel_reflect", SYS_IPV6_FLOWLABEL_REFLECT },
	{ "net.ipv6.auto_flowlabels", SYS_IPV6_AUTO_FLOWLABELS },
	{ "net.ipv6.fwmark_reflect", SYS_IPV6_FWMARK_REFLECT },
	{ "net.ipv4.ipfrag_time", SYS_IPFRAG_TIME },
	{ "net.ipv6.ip6frag_time", SYS_IP6FRAG_TIME },
	{ "net.ipv4.icmp_ratelimit", SYS_ICMP_RATELIMIT },
	{ "net.ipv4.icmp_ratemask", SYS_ICMP_RATEMASK },
	{ "net.ipv6.icmp.ratelimit", SYS_IPV6_ICMP_RATELIMIT },
};

/* Ranges the kernel enforces (extra1/extra2 of the ctl_table), for the common keys. */
static const struct { const char *suffix; int min, max; } ranges[] = {
	{ ".ip_default_ttl", 1, 255 },
	{ ".hop_limit", 1, 255 },
	{ ".icmp_echo_ignore_all", 0, 1 },
	{ ".icmp_echo_ignore_broadcasts", 0, 1 },
	{ ".echo_ignore_all", 0, 1 },
	{ ".echo_ignore_multicast", 0, 1 },
	{ ".echo_ignore_anycast", 0, 1 },
	{ ".nf_conntrack_tcp_loose", 0, 1 },
	{ ".nf_conntrack_tcp_be_liberal", 0, 1 },
	{ ".nf_conntrack_checksum", 0, 1 },
	{ ".accept_local", INT_MIN, INT_MAX },
};

static bool parse_int(const char *s, long long *out)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);

	if (errno || end == s)
		return false;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end)
		return false;
	*out = v;
	return true;
}

/* "4096\t131072" style values: every token an integer. */
static bool is_int_list(const char *s)
{
	bool any = false;

	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n') {
			s++;
			continue;
		}
		if (*s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
		if (*s && *s != ' ' && *s != '\t' && *s != '\n')
			return false;
		any = true;
	}
	return any;
}

static bool is_single_int(const char *s)
{
	long long v;

	return parse_int(s, &v) && !strpbrk(s, " \t");
}

static struct sysctl_slot *store_find(const struct sysctl_store *st, const char *key)
{
	for (unsigned int i = 0; i < st->n; i++)
		if (!strcmp(st->slots[i]->key, key))
			return st->slots[i];
	return NULL;
}

static void slot_range(struct sysctl_slot *sl)
{
	size_t kl = strlen(sl->key);

	sl->min = 1;
	sl->max = 0;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		size_t sl_len = strlen(ranges[i].suffix);

		if (kl >= sl_len && !strcmp(sl->key + kl - sl_len, ranges[i].suffix)) {
			sl->min = ranges[i].min;
			sl->max = ranges[i].max;
		}
	}
}

/* Add a slot; iv NULL means the slot keeps the value itself. */
static struct sysctl_slot *store_add(struct sysctl_store *st, const char *key, const char *val,
				     int *iv)
{
	if (st->n == st->cap) {
		unsigned int cap = st->cap ? st->cap * 2 : 1024;
		struct sysctl_slot **n = realloc(st->slots, cap * sizeof(*n));

		if (!n)
			return NULL;
		st->slots = n;
		st->cap = cap;
	}
	struct sysctl_slot *sl = calloc(1, sizeof(*sl));

	if (!sl || !(sl->key = strdup(key))) {
		free(sl);
		return NULL;
	}
	slot_range(sl);
	if (iv || is_single_int(val)) {
		long long v = 0;

		parse_int(val, &v);
		sl->iv = iv ? iv : &sl->own;
		*sl->iv = (int)v;
	} else {
		sl->ints = is_int_list(val);
		sl->sv = strdup(val);
		if (!sl->sv) {
			free(sl->key);
			free(sl);
			return NULL;
		}
	}
	st->slots[st->n++] = sl;
	return sl;
}

static void slot_free(struct sysctl_slot *sl)
{
	free(sl->key);
	free(sl->sv);
	free(sl);
}

static int conf_id(const char *const *names, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return (int)i;
	return -1;
}

/* ---- per-device keys (devinet_sysctl_register(), addrconf_sysctl_register()) ---- */

static const char *slot_text(const struct sysctl_slot *sl, char *buf, size_t len)
{
	if (sl->iv) {
		snprintf(buf, len, "%d", *sl->iv);
		return buf;
	}
	return sl->sv;
}

static int add_dev_conf(struct usnf_net *net, struct usnf_iface *ifc, const char *fam,
			const struct sysctl_def *defs, unsigned int n, const char *const *names,
			unsigned int nnames, int *conf)
{
	struct sysctl_store *st = stk(net)->store;
	char key[128], dkey[128], buf[32];

	for (unsigned int i = 0; i < n; i++) {
		int id = conf_id(names, nnames, defs[i].name);
		const char *val = defs[i].dflt;
		struct sysctl_slot *d;

		snprintf(dkey, sizeof(dkey), "net.%s.conf.default.%s", fam, defs[i].name);
		d = store_find(st, dkey);
		if (d)
			val = slot_text(d, buf, sizeof(buf));
		if (ifc->loopback && !strcmp(fam, "ipv6")) {
			if (!strcmp(defs[i].name, "accept_dad") || !strcmp(defs[i].name, "use_tempaddr"))
				val = "-1";
		}
		if (!strcmp(fam, "ipv6") && !strcmp(defs[i].name, "mtu")) {
			snprintf(buf, sizeof(buf), "%u", ifc->mtu);
			val = buf;
		}
		snprintf(key, sizeof(key), "net.%s.conf.%s.%s", fam, ifc->name, defs[i].name);
		if (!store_add(st, key, val, id >= 0 ? &conf[id] : NULL))
			return -ENOMEM;
	}
	return 0;
}

static int add_dev_neigh(struct usnf_net *net, struct usnf_iface *ifc, const char *fam,
			 const struct sysctl_def *defs, unsigned int n)
{
	char key[128];

	for (unsigned int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "net.%s.neigh.%s.%s", fam, ifc->name, defs[i].name);
		if (!store_add(stk(net)->store, key, defs[i].dflt, NULL))
			return -ENOMEM;
	}
	return 0;
}

static int sysctl_iface_added(struct usnf_net *net, struct usnf_iface *ifc)
{
	int err = add_dev_conf(net, ifc, "ipv4", sysctl_conf4_defs, sysctl_conf4_count,
			       route_conf4_names, CONF4_MAX, ifc->conf4);

	if (!err)
		err = add_dev_conf(net, ifc, "ipv6", sysctl_conf6_defs, sysctl_conf6_count,
				   route_conf6_names, CONF6_MAX, ifc->conf6);
	if (!err)
		err = add_dev_neigh(net, ifc, "ipv4", sysctl_neigh4_defs, sysctl_neigh4_count);
	if (!err)
		err = add_dev_neigh(net, ifc, "ipv6", sysctl_neigh6_defs, sysctl_neigh6_count);
	return err;
}

static const struct route_iface_ops sysctl_iface_ops = { .added = sysctl_iface_added };

/* ---- init ---- */

static int add_allconf(struct usnf_net *net, const char *fam, const struct sysctl_def *defs,
		       unsigned int n, const char *const *names, unsigned int nnames, int *all,
		       int *dflt, uint8_t fwd_special)
{
	struct sysctl_store *st = stk(net)->store;
	char key[128];

	for (unsigned int i = 0; i < n; i++) {
		int id = conf_id(names, nnames, defs[i].name);
		struct sysctl_slot *sl;

		snprintf(key, sizeof(key), "net.%s.conf.all.%s", fam, defs[i].name);
		sl = store_add(st, key, defs[i].all, id >= 0 ? &all[id] : NULL);
		if (!sl)
			return -ENOMEM;
		if (!strcmp(defs[i].name, "forwarding"))
			sl->special = fwd_special;
		snprintf(key, sizeof(key), "net.%s.conf.default.%s", fam, defs[i].name);
		if (!store_add(st, key, defs[i].dflt, id >= 0 ? &dflt[id] : NULL))
			return -ENOMEM;
	}
	return 0;
}

static int sys_id(const char *key)
{
	for (size_t i = 0; i < sizeof(sys_ids) / sizeof(sys_ids[0]); i++)
		if (!strcmp(sys_ids[i].key, key))
			return (int)sys_ids[i].id;
	return -1;
}

int sysctl_net_init(struct usnf_net *net)
{
	struct stack_ctx *s = stk(net);

	s->store = calloc(1, sizeof(*s->store));
	if (!s->store)
		return -ENOMEM;
	for (unsigned int i = 0; i < sysctl_global_count; i++) {
		const struct sysctl_def *d = &sysctl_global_defs[i];
		int id = sys_id(d->name);
		int *iv = id >= 0 ? &s->sys[id] : NULL;
		struct sysctl_slot *sl;

		/* ip_forward is conf/all/forwarding under another name (ipv4_devconf). */
		if (!strcmp(d->name, "net.ipv4.ip_forward"))
			iv = &s->conf4_all[CONF4_FORWARDING];
		sl = store_add(s->store, d->name, d->dflt, iv);
		if (!sl)
			goto err;
		if (!strcmp(d->name, "net.ipv4.ip_forward"))
			sl->special = SPECIAL_FWD4_ALL;
	}
	if (add_allconf(net, "ipv4", sysctl_conf4_defs, sysctl_conf4_count, route_conf4_names,
			CONF4_MAX, s->conf4_all, s->conf4_dflt, SPECIAL_FWD4_ALL) ||
	    add_allconf(net, "ipv6", sysctl_conf6_defs, sysctl_conf6_count, route_conf6_names,
			CONF6_MAX, s->conf6_all, s->conf6_dflt, SPECIAL_FWD6_ALL))
		goto err;
	route_set_iface_ops(net, &sysctl_iface_ops);
	return 0;
err:
	sysctl_net_exit(net);
	return -ENOMEM;
}

void sysctl_net_exit(struct usnf_net *net)
{
	struct sysctl_store *st = stk(net)->store;

	if (!st)
		return;
	route_set_iface_ops(net, NULL);
	for (unsigned int i = 0; i < st->n; i++)
		slot_free(st->slots[i]);
	free(st->slots);
	free(st);
	stk(net)->store = NULL;
}

/* ---- access ---- */

static void key_normalize(const char *key, char *out, size_t len)
{
	size_t i;

	for (i = 0; key[i] && i + 1 < len; i++)
		out[i] = key[i] == '/' ? '.' : key[i];
	out[i] = 0;
}

/* inet_forward_change() / addrconf_forward_change(): all, default and every device. */
static void forward_change(struct usnf_net *net, bool v6, int val)
{
	struct stack_ctx *s = stk(net);

	if (v6) {
		s->conf6_all[CONF6_FORWARDING] = val;
		s->conf6_dflt[CONF6_FORWARDING] = val;
	} else {
		s->conf4_all[CONF4_FORWARDING] = val;
		s->conf4_dflt[CONF4_FORWARDING] = val;
	}
	for (int i = 1; i <= route_iface_max(net); i++) {
		struct usnf_iface *ifc = route_iface_get(net, i);

		if (!ifc)
			continue;
		if (v6)
			ifc->conf6[CONF6_FORWARDING] = val;
		else
			ifc->conf4[CONF4_FORWARDING] = val;
	}
}

int usnf_sysctl_set(struct usnf_net *net, const char *key, const char *value)
{
	char k[256];
	struct sysctl_slot *sl;

	key_normalize(key, k, sizeof(k));
	sl = store_find(stk(net)->store, k);
	if (!sl)
		return -ENOENT;
	if (sl->iv) {
		long long v;

		if (!parse_int(value, &v) || v < INT_MIN || v > INT_MAX)
			return -EINVAL;
		if (sl->min <= sl->max && (v < sl->min || v > sl->max))
			return -EINVAL;
		if (sl->special == SPECIAL_FWD4_ALL)
			forward_change(net, false, (int)v);
		else if (sl->special == SPECIAL_FWD6_ALL)
			forward_change(net, true, (int)v);
		else
			*sl->iv = (int)v;
		return 0;
	}
	if (sl->ints && !is_int_list(value))
		return -EINVAL;
	/* The kernel prints integer vectors tab-separated, whatever was written. */
	char *nv = malloc(strlen(value) + 1);

	if (!nv)
		return -ENOMEM;
	if (sl->ints) {
		size_t o = 0;
		const char *p = value;

		while (*p) {
			while (*p == ' ' || *p == '\t' || *p == '\n')
				p++;
			if (!*p)
				break;
			if (o)
				nv[o++] = '\t';
			while (*p && *p != ' ' && *p != '\t' && *p != '\n')
				nv[o++] = *p++;
		}
		nv[o] = 0;
	} else {
		strcpy(nv, value);
		size_t l = strlen(nv);

		while (l && nv[l - 1] == '\n')
			nv[--l] = 0;
	}
	free(sl->sv);
	sl->sv = nv;
	return 0;
}

int usnf_sysctl_get(struct usnf_net *net, const char *key, char *buf, size_t len)
{
	char k[256], tmp[32];
	const struct sysctl_slot *sl;

	key_normalize(key, k, sizeof(k));
	sl = store_find(stk(net)->store, k);
	if (!sl)
		return -ENOENT;
	snprintf(buf, len, "%s", slot_text(sl, tmp, sizeof(tmp)));
	return 0;
}

/* Effective per-device IPv4 settings as IN_DEV_{ORCONF,MAXCONF,ANDCONF}. */
int stack_conf4(const struct usnf_net *net, const struct usnf_iface *ifc, enum route_conf4 id)
{
	const int *all = stk(net)->conf4_all;
	int d = ifc->conf4[id];

	switch (id) {
	case CONF4_FORWARDING:
		return d;
	case CONF4_RP_FILTER:
	case CONF4_ARP_IGNORE:
		return all[id] > d ? all[id] : d;
	case CONF4_BC_FORWARDING:
	case CONF4_ACCEPT_SOURCE_ROUTE:
		return all[id] && d;
	default:
		return all[id] || d;
	}
}

/* For other modules (conntrack): the integer value of key, or dflt if unknown. */
int stack_sysctl_int(struct usnf_net *net, const char *key, int dflt)
{
	char k[256];
	const struct sysctl_slot *sl;

	key_normalize(key, k, sizeof(k));
	sl = store_find(stk(net)->store, k);
	return sl && sl->iv ? *sl->iv : dflt;
}

/* A stable pointer to an integer sysctl's value (NULL if none): read it per packet. */
const int *stack_sysctl_ptr(struct usnf_net *net, const char *key)
{
	char k[256];
	const struct sysctl_slot *sl;

	key_normalize(key, k, sizeof(k));
	sl = store_find(stk(net)->store, k);
	return sl ? sl->iv : NULL;
}

/* Iterate keys in order of creation (for `sysctl -a`): the i-th key or NULL. */
const char *stack_sysctl_key_at(struct usnf_net *net, unsigned int i)
{
	const struct sysctl_store *st = stk(net)->store;

	return i < st->n ? st->slots[i]->key : NULL;
}
