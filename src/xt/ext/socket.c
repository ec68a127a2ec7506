/*
 * socket: whether a local socket would receive the packet (xt_socket.c revision 3,
 * libxt_socket.c).  usnf has no sockets (see owner.c): the lookup finds none, and
 * socket_mt4_v1_v2_v3() then does not match, whatever the flags.
 */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define SOCK_TRANSPARENT 0x01   /* XT_SOCKET_* of xt_socket.h */
#define SOCK_NOWILDCARD 0x02
#define SOCK_RESTORESKMARK 0x04
#define SOCK_FLAGS_V3 0x07

/* struct xt_socket_mtinfo3 */
struct socket_info {
	uint8_t flags;
};

static const struct xt_opt socket_opts[] = {
	{ .name = "transparent", .id = 0 },
	{ .name = "nowildcard", .id = 1 },
	{ .name = "restore-skmark", .id = 2 },
	{ 0 },
};

static int socket_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	((struct socket_info *)data)->flags |= (uint8_t)(1u << id);
	return 0;
}

/* socket_mt_v3_check(): known flags only. */
static int socket_check(const void *data, struct xt_parse *ps)
{
	return (((const struct socket_info *)data)->flags & ~SOCK_FLAGS_V3) ? -EINVAL : 0;
}

static void socket_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct socket_info *s = data;

	if (s->flags & SOCK_TRANSPARENT)
		sb_add(out, " --transparent");
	if (s->flags & SOCK_NOWILDCARD)
		sb_add(out, " --nowildcard");
	if (s->flags & SOCK_RESTORESKMARK)
		sb_add(out, " --restore-skmark");
}

static void socket_print(const void *data, const struct xt_rule *r, unsigned int flags,
			 struct strbuf *out)
{
	sb_add(out, " socket");
	socket_save(data, r, out);
}

static bool socket_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	return false;
}

const struct xt_match_ops xt_match_socket = {
	.name = "socket",
	.revision = 3,
	.family = XT_EXT_ANY,
	.size = sizeof(struct socket_info),
	.opts = socket_opts,
	.hooks = (1u << USNF_INET_PRE_ROUTING) | (1u << USNF_INET_LOCAL_IN),
	.parse = socket_parse,
	.check = socket_check,
	.save = socket_save,
	.print = socket_print,
	.match = socket_match,
};
