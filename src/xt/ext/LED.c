/*
 * LED: blink a "netfilter-<id>" LED trigger per packet (xt_LED.c, libxt_LED.c
 * revision 0).  usnf drives no LEDs: the rule is accepted, checked (led_tg_check()
 * refuses an empty id) and printed as iptables 1.8.9 does; evaluating it only
 * continues, which is what the kernel's target returns after firing the trigger.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xt/ext/ext_util.h"
#include "xt/xt.h"

#define LED_ID_SIZE 27                          /* sizeof(xt_led_info.id) */
#define LED_PREFIX "netfilter-"
#define LED_ID_MAX (LED_ID_SIZE - sizeof(LED_PREFIX))   /* 16 characters */
#define LED_DELAY_INF 0xffffffffu               /* "inf": -1 */

enum { O_LED_TRIGGER_ID = 0, O_LED_DELAY, O_LED_ALWAYS_BLINK };

/* struct xt_led_info's user part (internal_data is the kernel's). */
struct led_info {
	char id[LED_ID_SIZE];
	uint8_t always_blink;
	uint32_t delay;
	uint32_t xflags;
};

static const struct xt_opt led_opts[] = {
	{ .name = "led-trigger-id", .id = O_LED_TRIGGER_ID, .arg = XT_ARG_REQUIRED },
	{ .name = "led-delay", .id = O_LED_DELAY, .arg = XT_ARG_REQUIRED },
	{ .name = "led-always-blink", .id = O_LED_ALWAYS_BLINK, .arg = XT_ARG_NONE },
	{ 0 },
};

static const struct ext_fc led_fc[] = {
	{ .id = O_LED_TRIGGER_ID, .mand = true },
	{ .id = EXT_FC_END },
};

static int led_parse(void *data, int id, const char *arg, bool invert, struct xt_parse *ps)
{
	struct led_info *l = data;
	unsigned long long v;

	(void)invert;
	switch (id) {
	case O_LED_TRIGGER_ID:
		if (strlen(arg) > LED_ID_MAX)
			return xt_parse_error(ps, "Argument must have a maximum length of %zu "
					      "characters\n", LED_ID_MAX);
		snprintf(l->id, sizeof(l->id), LED_PREFIX "%s", arg);
		break;
	case O_LED_DELAY:
		if (strncasecmp(arg, "inf", 3) == 0)
			l->delay = LED_DELAY_INF;
		else if (xt_parse_uint(arg, 0, UINT32_MAX, &v))
			return xt_parse_error(ps, "Delay value must be within range 0..%u",
					      UINT32_MAX);
		else
			l->delay = (uint32_t)v;
		break;
	default:
		l->always_blink = 1;
		break;
	}
	l->xflags |= EXT_F(id);
	return 0;
}

static int led_final_check(void *data, struct xt_parse *ps)
{
	struct led_info *l = data;
	int err = ext_fcheck(ps, "LED", led_opts, led_fc, l->xflags);

	l->xflags = 0;
	return err;
}

/* led_tg_check(): the trigger needs a name. */
static int led_check(const void *data, struct xt_parse *ps)
{
	const struct led_info *l = data;

	(void)ps;
	return l->id[0] ? 0 : -EINVAL;
}

/* The id without its prefix, '"' and '\' escaped, as LED_print()/LED_save() write it. */
static void led_id(const struct led_info *l, struct strbuf *out)
{
	const char *p = l->id + strlen(LED_PREFIX);

	sb_add(out, "\"");
	for (; *p; p++)
		sb_addf(out, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
	sb_add(out, "\"");
}

static void led_save(const void *data, const struct xt_rule *r, struct strbuf *out)
{
	const struct led_info *l = data;

	(void)r;
	sb_add(out, " --led-trigger-id ");
	led_id(l, out);
	/* printed with %d: the delay is an int in libxt_LED */
	if (l->delay == LED_DELAY_INF)
		sb_add(out, " --led-delay inf");
	else if ((int32_t)l->delay > 0)
		sb_addf(out, " --led-delay %d", (int32_t)l->delay);
	if (l->always_blink)
		sb_add(out, " --led-always-blink");
}

static void led_print(const void *data, const struct xt_rule *r, unsigned int flags,
		      struct strbuf *out)
{
	const struct led_info *l = data;

	(void)r;
	(void)flags;
	sb_add(out, " led-trigger-id:");
	led_id(l, out);
	if (l->delay == LED_DELAY_INF)
		sb_add(out, " led-delay:inf");
	else
		sb_addf(out, " led-delay:%dms", (int32_t)l->delay);
	if (l->always_blink)
		sb_add(out, " led-always-blink");
}

/* led_tg(): fire the trigger (no LEDs here), then go on. */
static unsigned int led_target(struct pkt *pkt, void *data, struct xt_action *par)
{
	(void)pkt;
	(void)data;
	(void)par;
	return XT_CONTINUE;
}

const struct xt_target_ops xt_target_led = {
	.name = "LED",
	.family = XT_EXT_ANY,
	.kmod = "xt_LED",
	.size = sizeof(struct led_info),
	.usersize = offsetof(struct led_info, xflags),
	.opts = led_opts,
	.parse = led_parse,
	.final_check = led_final_check,
	.check = led_check,
	.save = led_save,
	.print = led_print,
	.target = led_target,
};
