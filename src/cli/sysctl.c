/* sysctl: the procps `sysctl` command (-w, -n, -q, -e, -a) over an instance. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "stack/stack.h"
#include <usnf/net.h>

struct sysctl_flags {
	bool write, quiet, names_only, values_only, ignore_unknown;
};

/* Copy key into out (len bytes, truncated) with every from replaced by to. */
static void sysctl_key_translate(const char *key, char *out, size_t len, char from, char to)
{
	size_t i;

	for (i = 0; key[i] && i + 1 < len; i++)
		out[i] = key[i] == from ? to : key[i];
	out[i] = 0;
}

/* sysctl accepts net/ipv4/ip_forward as well as net.ipv4.ip_forward. */
static void sysctl_key_dotted(const char *key, char *out, size_t len)
{
	sysctl_key_translate(key, out, len, '/', '.');
}

static void sysctl_key_slashed(const char *key, char *out, size_t len)
{
	sysctl_key_translate(key, out, len, '.', '/');
}

/* procps names a missing key by its /proc/sys path; -e keeps quiet about it. */
static int sysctl_unknown(struct cli_ctx *c, const struct sysctl_flags *f, const char *dk)
{
	char path[256];

	if (f->ignore_unknown)
		return 0;
	sysctl_key_slashed(dk, path, sizeof(path));
	sb_addf(&c->err, "sysctl: cannot stat /proc/sys/%s: No such file or directory\n", path);
	return 1;
}

static void sysctl_print(struct cli_ctx *c, const struct sysctl_flags *f, const char *key,
			 const char *val)
{
	if (f->quiet)
		return;
	if (f->values_only)
		sb_addf(&c->out, "%s\n", val);
	else if (f->names_only)
		sb_addf(&c->out, "%s\n", key);
	else
		sb_addf(&c->out, "%s = %s\n", key, val);
}

static int sysctl_write(struct cli_ctx *c, const struct sysctl_flags *f, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char key[256];

	if (!eq || eq == arg) {
		sb_addf(&c->err, "sysctl: \"%s\" must be of the form name=value\n", arg);
		return 1;
	}
	size_t n = (size_t)(eq - arg);

	if (n >= sizeof(key))
		n = sizeof(key) - 1;
	memcpy(key, arg, n);
	key[n] = 0;
	while (n && key[n - 1] == ' ')
		key[--n] = 0;
	const char *v = eq + 1;

	while (*v == ' ')
		v++;
	char dk[256];

	sysctl_key_dotted(key, dk, sizeof(dk));
	int rc = usnf_sysctl_set(c->net, dk, v);

	if (rc == -ENOENT)
		return sysctl_unknown(c, f, dk);
	if (rc) {
		sb_addf(&c->err, "sysctl: setting key \"%s\": %s\n", dk,
			rc == -EINVAL ? "Invalid argument" : strerror(-rc));
		return 1;
	}
	/* procps echoes the value as written, not as read back. */
	sysctl_print(c, f, dk, v);
	return 0;
}

static int sysctl_read(struct cli_ctx *c, const struct sysctl_flags *f, const char *key)
{
	char dk[256], val[512];

	sysctl_key_dotted(key, dk, sizeof(dk));
	if (usnf_sysctl_get(c->net, dk, val, sizeof(val)))
		return sysctl_unknown(c, f, dk);
	sysctl_print(c, f, dk, val);
	return 0;
}

static int sysctl_key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int sysctl_all(struct cli_ctx *c, const struct sysctl_flags *f)
{
	unsigned int n = 0;

	while (stack_sysctl_key_at(c->net, n))
		n++;
	const char **keys = malloc((n ? n : 1) * sizeof(*keys));

	if (!keys)
		return 1;
	for (unsigned int i = 0; i < n; i++)
		keys[i] = stack_sysctl_key_at(c->net, i);
	qsort(keys, n, sizeof(*keys), sysctl_key_cmp);
	for (unsigned int i = 0; i < n; i++)
		sysctl_read(c, f, keys[i]);
	free(keys);
	return 0;
}

int cli_sysctl(struct cli_ctx *ctx, int argc, char **argv)
{
	struct sysctl_flags f = { 0 };
	bool all = false;
	int rc = 0, i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "--"))  {
			i++;
			break;
		}
		if (!strcmp(o, "--write"))
			f.write = true;
		else if (!strcmp(o, "--quiet"))
			f.quiet = true;
		else if (!strcmp(o, "--values"))
			f.values_only = true;
		else if (!strcmp(o, "--names"))
			f.names_only = true;
		else if (!strcmp(o, "--all"))
			all = true;
		else if (!strcmp(o, "--ignore"))
			f.ignore_unknown = true;
		else {
			for (const char *p = o + 1; *p; p++) {
				switch (*p) {
				case 'w': f.write = true; break;
				case 'q': f.quiet = true; break;
				case 'n': f.values_only = true; break;
				case 'N': f.names_only = true; break;
				case 'e': f.ignore_unknown = true; break;
				case 'a': case 'A': case 'X': all = true; break;
				case 'b': break;
				default:
					sb_addf(&ctx->err, "sysctl: invalid option -- '%c'\n", *p);
					return 1;
				}
			}
		}
	}
	if (all)
		return sysctl_all(ctx, &f);
	if (i >= argc) {
		sb_add(&ctx->err, "sysctl: no variables specified\n");
		return 1;
	}
	for (; i < argc; i++) {
		bool has_eq = strchr(argv[i], '=') != NULL;

		if (f.write || has_eq) {
			if (!has_eq) {
				sb_add(&ctx->err, "sysctl: command line(0): invalid syntax, continuing...\n");
				rc = 1;
				continue;
			}
			if (sysctl_write(ctx, &f, argv[i]))
				rc = 1;
		} else if (sysctl_read(ctx, &f, argv[i])) {
			rc = 1;
		}
	}
	return rc;
}
