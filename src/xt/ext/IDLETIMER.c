/*
 * IDLETIMER: restart a per-label timer that reports when no packet has hit the
 * rule for --timeout seconds (xt_IDLETIMER.c revision 1, libxt_IDLETIMER.c).
 * Timers are shared by label (xt_extstate.c); usnf has no sysfs to notify, so a
 * timer only records when it was last restarted.  The target goes on.
 */
#include <string.h>

#include "stack/net.h"
#include "xt/ext/ext_util.h"
#include "xt/xt.h"
#include "xt/xt_extstate.h"

#define IDT_LABEL_SIZE 28       /* MAX_IDLETIMER_LABEL_SIZE */
#define IDT_ALARM 0x01          /* XT_IDLETIMER_ALARM */

enum { O_TIMEOUT = 0, O_LABEL, O_ALARM };

/* A timer shared by the rules with one label. */
struct idt_timer {
	uint8_t timer_type;
	uint32_t timeout;
	uint64_t expires_ns;
};

/* struct idletimer_tg_info_v1, the options seen, then the timer (runtime). */
struct idt_info {
	uint32_t timeout;
	char label[IDT_LABEL_SIZE];
	uint8_t send_nl_msg;
	uint8_t timer_type;
	uint8_t xflags;         /* cleared by final_check */
	struct idt_timer *timer;
};

static const struct xt_opt idt_opts[] = {
	{ .name = "timeout", .id = O_TIMEOUT, .arg = XT_ARG_REQUIRED },
	{ .name = "label", .id = O_LABEL, .arg = XT_ARG_REQUIRED },
	{ .name = "alarm", .id = O_ALARM },
	{ 0 },
};

static const struct ext_fc idt_fc[] = {
	{ .id = O_TIMEOUT, .mand = true },
	{ .id = O_LABEL, .mand = true },
	{ .id = EXT_FC_END },
};

static int idt_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct idt_info *t = data;
	unsigned long long v;

	if (id == O_TIMEOUT) {
		if (ext_parse_num(ps, "IDLETIMER", "timeout", arg, 0, 0xffffffffu, &v))
			return -1;
		t->timeout = (uint32_t)v;
	} else if (id == O_LABEL) {
		/* xtopt_parse_string(): a longer label is cut, not refused */
		memset(t->label, 0, sizeof(t->label));
		strncpy(t->label, arg, IDT_LABEL_SIZE - 1);
	} else {
		t->timer_type = IDT_ALARM;
	}
	t->xflags |= (uint8_t)EXT_F(id);
	return 0;
}

static int idt_final_check(void *data, struct xt_parse *ps)
{
	struct idt_info *t = data;
	uint32_t xflags = t->xflags;

	t->xflags = 0;
	return ext_fcheck(ps, "IDLETIMER", idt_opts, idt_fc, xflags);
}

/* xt_check_proc_name() and idletimer_check_sysfs_name(): a usable file name. */
static bool idt_name_ok(const char *s)
{
	return s[0] && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/') &&
	       strcmp(s, "power") && strcmp(s, "subsystem") && strcmp(s, "uevent");
}

/* idletimer_tg_checkentry_v1(): one timer per label, of one type. */
static int idt_check(const void *data, struct xt_parse *ps)
{
	const struct idt_info *t = data;
	struct idt_timer *tm;
	bool created;

	if (t->timeout == 0 || t->timeout >= 0x7fffffffu / 1000 || t->timer_type > IDT_ALARM)
		return -EINVAL;
	if (!idt_name_ok(t->label))
		return -EINVAL;
	tm = xt_extstate_get(ps->net, "idletimer", t->label, sizeof(*tm), NULL, &created);
	if (!tm)
		return -ENOMEM;
	if (!created && tm->timer_type != t->timer_type)
		return -EINVAL;
	tm->timer_type = t->timer_type;
	tm->timeout = t->timeout;
	tm->expires_ns = (ps->net ? ps->net->now_ns : 0) + t->timeout * 1000000000ull;
	return 0;
}

static void idt_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct idt_info *t = data;

	sb_addf(out, " --timeout %u --label %s", t->timeout, t->label);
	if (t->timer_type & IDT_ALARM)
		sb_add(out, " --alarm");
}

static void idt_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct idt_info *t = data;

	sb_addf(out, " timeout:%u label:%s", t->timeout, t->label);
	if (t->timer_type & IDT_ALARM)
		sb_add(out, " alarm");
}

/* idletimer_tg_target_v1(): push the expiry out by the rule's timeout. */
static unsigned int idt_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	struct idt_info *t = data;

	if (!t->timer)
		t->timer = xt_extstate_find(par->net, "idletimer", t->label);
	if (t->timer)
		t->timer->expires_ns = ext_now_ns(par) + t->timeout * 1000000000ull;
	return XT_CONTINUE;
}

/* idletimer_tg_destroy(): the timer goes with the last rule of its label. */
static void idt_extrefs(const void *data, enum xt_family fam, xt_extref_fn ref, void *ctx)
{
	(void)fam;
	ref(ctx, "idletimer", ((const struct idt_info *)data)->label);
}

const struct xt_target_ops xt_target_idletimer = {
	.name = "IDLETIMER",
	.revision = 1,
	.family = XT_EXT_ANY,
	.size = sizeof(struct idt_info),
	.usersize = offsetof(struct idt_info, timer),
	.opts = idt_opts,
	.parse = idt_parse,
	.final_check = idt_final_check,
	.check = idt_check,
	.save = idt_save,
	.print = idt_print,
	.target = idt_target,
	.extrefs = idt_extrefs,
};
