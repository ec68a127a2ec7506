/*
 * owner: the socket owner of locally generated packets (xt_owner.c, libxt_owner.c).
 * The engine's own packets (ICMP errors, RSTs) have no socket, so the kernel's
 * no-socket rule decides: match only when every test asked for is inverted.
 */
#include <stdlib.h>
#include <string.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define OWNER_UID 0x01
#define OWNER_GID 0x02
#define OWNER_SOCKET 0x04
#define OWNER_SUPPL_GROUPS 0x08

enum { O_USER = 0, O_GROUP, O_SOCK_EXISTS, O_SUPPL_GROUPS };

struct owner_info {
	uint32_t xflags;
	uint32_t uid_min, uid_max, gid_min, gid_max;
	uint8_t match, invert;
};

static const struct xt_opt owner_opts[] = {
	{ .name = "uid-owner", .id = O_USER, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "gid-owner", .id = O_GROUP, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ .name = "socket-exists", .id = O_SOCK_EXISTS, .arg = XT_ARG_NONE, .invertible = true },
	{ .name = "suppl-groups", .id = O_SUPPL_GROUPS, .arg = XT_ARG_NONE },
	{ 0 },
};

/*
 * "id" or "id-id"; names need the user database, which the engine does not
 * read: only "root" (0) is known by name.
 */
static int owner_parse_id(const char *s, uint32_t *lo, uint32_t *hi)
{
	char *end;
	unsigned long long a, b;

	if (strcmp(s, "root") == 0) {
		*lo = *hi = 0;
		return 0;
	}
	/* owner_parse_range(): xtables_strtoui() bounds, "a", "a-b" or "a:b" */
	if (!ext_xstrtoul(s, &end, 0, 0xfffffffeull, &a))
		return -1;
	b = a;
	if ((*end == '-' || *end == ':') && !ext_xstrtoul(end + 1, &end, 0, 0xfffffffeull, &b))
		return -1;
	if (*end)
		return -1;
	*lo = (uint32_t)a;
	*hi = (uint32_t)b;
	return 0;
}

static int owner_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	static const uint8_t bits[] = { OWNER_UID, OWNER_GID, OWNER_SOCKET, OWNER_SUPPL_GROUPS };
	struct owner_info *o = data;

	if (id == O_USER && owner_parse_id(arg, &o->uid_min, &o->uid_max))
		return xt_parse_error(ps, "owner: Bad value for \"--uid-owner\" option: \"%s\"",
				      arg);
	if (id == O_GROUP && owner_parse_id(arg, &o->gid_min, &o->gid_max))
		return xt_parse_error(ps, "owner: Bad value for \"--gid-owner\" option: \"%s\"",
				      arg);
	if (id == O_SUPPL_GROUPS && !(o->match & OWNER_GID))
		return xt_parse_error(ps, "owner: Bad value for \"--suppl-groups\" option: \"you "
				      "need to use --gid-owner first\"");
	o->match |= bits[id];
	if (invert)
		o->invert |= bits[id];
	o->xflags |= EXT_F(id);
	return 0;
}

static int owner_final_check(void *data, struct xt_parse *ps)
{
	((struct owner_info *)data)->xflags = 0;
	return 0;
}

static void owner_item(const struct owner_info *o, uint8_t flag, const char *label,
		       struct strbuf *out)
{
	uint32_t lo = flag == OWNER_UID ? o->uid_min : o->gid_min;
	uint32_t hi = flag == OWNER_UID ? o->uid_max : o->gid_max;

	if (!(o->match & flag))
		return;
	if (o->invert & flag)
		sb_add(out, " !");
	sb_addf(out, " %s", label);
	if (flag != OWNER_UID && flag != OWNER_GID)
		return;
	sb_addf(out, " %u", lo);
	if (lo != hi)
		sb_addf(out, "-%u", hi);
}

static void owner_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	owner_item(data, OWNER_SOCKET, "--socket-exists", out);
	owner_item(data, OWNER_UID, "--uid-owner", out);
	owner_item(data, OWNER_GID, "--gid-owner", out);
	owner_item(data, OWNER_SUPPL_GROUPS, "--suppl-groups", out);
}

static void owner_print(const void *data, const struct xt_rule *r, unsigned int flags,
			struct strbuf *out)
{
	owner_item(data, OWNER_SOCKET, "owner socket exists", out);
	owner_item(data, OWNER_UID, "owner UID match", out);
	owner_item(data, OWNER_GID, "owner GID match", out);
	owner_item(data, OWNER_SUPPL_GROUPS, "incl. suppl. groups", out);
}

/*
 * owner_mt(): usnf has no user sockets.  Without a socket nothing matches but the
 * inverted forms; the kernel's own control socket (pkt->kernel_sk) exists but has
 * no file, so --socket-exists matches and UID/GID only inverted.
 */
static bool owner_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct owner_info *o = data;

	if (!pkt->kernel_sk)
		return (o->match ^ o->invert) == 0;
	if (o->match & o->invert & OWNER_SOCKET)
		return false;
	return ((o->match ^ o->invert) & (OWNER_UID | OWNER_GID)) == 0;
}

const struct xt_match_ops xt_match_owner = {
	.name = "owner",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct owner_info),
	.opts = owner_opts,
	.hooks = (1u << USNF_INET_LOCAL_OUT) | (1u << USNF_INET_POST_ROUTING),
	.parse = owner_parse,
	.final_check = owner_final_check,
	.save = owner_save,
	.print = owner_print,
	.match = owner_match,
};
