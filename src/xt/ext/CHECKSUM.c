/*
 * CHECKSUM: fill in a checksum left for offload (xt_CHECKSUM.c, libxt_CHECKSUM.c).
 * The kernel only acts on CHECKSUM_PARTIAL packets; the engine's packets always
 * carry complete checksums, so the target changes nothing.
 */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define CHECKSUM_OP_FILL 0x01

enum { O_CHECKSUM_FILL = 0 };

struct checksum_info {
	uint8_t operation;
};

static const struct xt_opt checksum_opts[] = {
	{ .name = "checksum-fill", .id = O_CHECKSUM_FILL, .arg = XT_ARG_NONE },
	{ 0 },
};

static int checksum_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	((struct checksum_info *)data)->operation = CHECKSUM_OP_FILL;
	return 0;
}

static int checksum_final_check(void *data, struct xt_parse *ps)
{
	if (!((struct checksum_info *)data)->operation)
		return xt_parse_error(ps, "CHECKSUM target: Parameter --checksum-fill is required");
	return 0;
}

static void checksum_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	sb_add(out, " --checksum-fill");
}

static void checksum_print(const void *data, const struct xt_rule *r, unsigned int flags,
			   struct strbuf *out)
{
	sb_add(out, " CHECKSUM fill");
}

static unsigned int checksum_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_checksum = {
	.name = "CHECKSUM",
	.family = XT_EXT_ANY,
	.size = sizeof(struct checksum_info),
	.opts = checksum_opts,
	.table = "mangle",
	.parse = checksum_parse,
	.final_check = checksum_final_check,
	.save = checksum_save,
	.print = checksum_print,
	.target = checksum_target,
};
