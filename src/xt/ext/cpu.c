/*
 * cpu: the CPU processing the packet (xt_cpu.c, libxt_cpu.c).  usnf runs each
 * instance on one thread, which is CPU 0 for this match (smp_processor_id()).
 */
#include "xt/ext/ext_util.h"
#include "xt/xt.h"

/* struct xt_cpu_info */
struct cpu_info {
	uint32_t cpu;
	uint32_t invert;
};

static const struct xt_opt cpu_opts[] = {
	{ .name = "cpu", .id = 0, .arg = XT_ARG_REQUIRED, .invertible = true },
	{ 0 },
};

static const struct ext_fc cpu_fc[] = {
	{ .id = 0, .mand = true },
	{ .id = EXT_FC_END },
};

static int cpu_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct cpu_info *c = data;
	unsigned long long v;

	if (ext_parse_num(ps, "cpu", "cpu", arg, 0, 0xffffffffu, &v))
		return -1;
	c->cpu = (uint32_t)v;
	c->invert = invert;
	c->invert |= 0x100;     /* seen (cleared by final_check) */
	return 0;
}

static int cpu_final_check(void *data, struct xt_parse *ps)
{
	struct cpu_info *c = data;
	uint32_t seen = c->invert & 0x100;

	c->invert &= 1;
	return ext_fcheck(ps, "cpu", cpu_opts, cpu_fc, seen ? 1u : 0u);
}

/* cpu_mt_check(): only the invert flag may be set. */
static int cpu_check(const void *data, struct xt_parse *ps)
{
	return ((const struct cpu_info *)data)->invert > 1 ? -EINVAL : 0;
}

static void cpu_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct cpu_info *c = data;

	sb_addf(out, "%s --cpu %u", c->invert ? " !" : "", c->cpu);
}

static void cpu_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct cpu_info *c = data;

	sb_addf(out, " cpu %s%u", c->invert ? "! " : "", c->cpu);
}

static bool cpu_match(const struct pkt *pkt, void *data, struct xt_action *par)
{
	const struct cpu_info *c = data;

	return (c->cpu == 0) ^ (c->invert != 0);
}

const struct xt_match_ops xt_match_cpu = {
	.name = "cpu",
	.family = XT_EXT_ANY,
	.size = sizeof(struct cpu_info),
	.opts = cpu_opts,
	.parse = cpu_parse,
	.final_check = cpu_final_check,
	.check = cpu_check,
	.save = cpu_save,
	.print = cpu_print,
	.match = cpu_match,
};
