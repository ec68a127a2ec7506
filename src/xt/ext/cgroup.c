/*
 * cgroup: the control group (v2 path or net_cls classid) of the packet's socket
 * (xt_cgroup.c revision 2, libxt_cgroup.c).  usnf packets carry no socket (see
 * owner.c), for which cgroup_mt_v2() does not match, inverted or not.  The only
 * cgroup that exists is the root, "/".
 */
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define CGROUP_PATH_LEN 512     /* XT_CGROUP_PATH_LEN */

enum { O_PATH = 0, O_CLASSID };

/* struct xt_cgroup_info_v2 (path and classid are a union there) */
struct cgroup_info {
	uint8_t has_path, has_classid, invert_path, invert_classid;
	char path[CGROUP_PATH_LEN];
	uint32_t classid;
};

static const struct xt_opt cgroup_opts[] = {
	{ .name = "path", .id = O_PATH, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "cgroup", .id = O_CLASSID, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static int cgroup_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct cgroup_info *c = data;
	unsigned long long v;

	if (id == O_PATH) {
		if (strlen(arg) >= CGROUP_PATH_LEN)
			return xt_parse_error(ps, "cgroup: argument too long (max %u)",
					      CGROUP_PATH_LEN - 1);
		memset(c->path, 0, sizeof(c->path));
		strcpy(c->path, arg);
		c->has_path = 1;
		c->invert_path = invert;
	} else {
		if (ext_parse_num(ps, "cgroup", "cgroup", arg, 0, 0xffffffffu, &v))
			return -1;
		c->classid = (uint32_t)v;
		c->has_classid = 1;
		c->invert_classid = invert;
	}
	return 0;
}

/* cgroup_mt_check_v2(): exactly one of path and classid; the path must exist. */
static int cgroup_check(const void *data, struct xt_parse *ps)
{
	const struct cgroup_info *c = data;

	if ((c->invert_path & ~1) || (c->invert_classid & ~1))
		return -EINVAL;
	if (c->has_path == c->has_classid)
		return -EINVAL;
	/* cgroup_get_from_path() finds the root only: kernfs_walk_ns() skips empty
	 * components, so "" and "//" are the root too */
	if (c->has_path && c->path[strspn(c->path, "/")] != '\0')
		return -EINVAL;
	return 0;
}

static void cgroup_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct cgroup_info *c = data;

	if (c->has_path) {
		sb_add(out, c->invert_path ? " ! --path" : " --path");
		ext_save_string(out, c->path);
	}
	if (c->has_classid)
		sb_addf(out, "%s --cgroup %u", c->invert_classid ? " !" : "", c->classid);
}

static void cgroup_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	const struct cgroup_info *c = data;

	sb_add(out, " cgroup");
	if (c->has_path)
		sb_addf(out, " %s%s", c->invert_path ? "! " : "", c->path);
	if (c->has_classid)
		sb_addf(out, " %s%u", c->invert_classid ? "! " : "", c->classid);
}

/*
 * cgroup_mt_v2(): no user sockets here.  A packet without a socket never matches,
 * inverted or not; the kernel's control sockets (pkt->kernel_sk) live in the root
 * cgroup with no net_cls class id (0).
 */
static bool cgroup_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct cgroup_info *c = data;

	if (!pkt->kernel_sk)
		return false;
	if (c->has_path)
		return (strcmp(c->path, "/") == 0) ^ c->invert_path;
	return (c->classid == 0) ^ c->invert_classid;
}

const struct xt_match_ops xt_match_cgroup = {
	.name = "cgroup",
	.revision = 2,
	.family = XT_EXT_ANY,
	.size = sizeof(struct cgroup_info),
	.opts = cgroup_opts,
	.hooks = (1u << USNF_INET_LOCAL_OUT) | (1u << USNF_INET_POST_ROUTING) |
		 (1u << USNF_INET_LOCAL_IN),
	.parse = cgroup_parse,
	.check = cgroup_check,
	.save = cgroup_save,
	.print = cgroup_print,
	.match = cgroup_match,
};
