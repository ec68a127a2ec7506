/* test_ext3: geoip (database reader, matching), ipp2p detection, ipvs, LED, SECMARK, CLUSTERIP. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <usnf/net.h>

#include "stack/net.h"
#include "xt/ext/ext_addons.h"
#include "xt/xt.h"

struct fixture {
	struct usnf_net *net;
	struct pkt_pool *pool;
	struct xt_rule *rule;
	struct strbuf err;
	char dir[64];
};

static void write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A small database: DE = 10.0.0.0-10.0.0.255, 10.2.0.0-10.2.255.255, 192.0.2.7;
 * FR = 10.1.0.0/16; XX empty; BA corrupt; DE.iv6 = 2001:db8::/32. */
static void make_db(const char *dir)
{
	static const uint32_t de[][2] = {
		{ 0x0a000000, 0x0a0000ff }, { 0x0a020000, 0x0a02ffff }, { 0xc0000207, 0xc0000207 },
	};
	uint8_t buf[64], v6[32] = { 0x20, 0x01, 0x0d, 0xb8 };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		put_be32(buf + 8 * i, de[i][0]);
		put_be32(buf + 8 * i + 4, de[i][1]);
	}
	write_file(dir, "DE.iv4", buf, 24);
	put_be32(buf, 0x0a010000);
	put_be32(buf + 4, 0x0a01ffff);
	write_file(dir, "FR.iv4", buf, 8);
	write_file(dir, "XX.iv4", buf, 0);
	write_file(dir, "BA.iv4", buf, 7);
	memset(v6 + 20, 0xff, 12);
	memcpy(v6 + 16, v6, 4);
	write_file(dir, "DE.iv6", v6, 32);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_int_equal(usnf_net_create(&f->net), 0);    /* geoip keeps countries in it */
	assert_int_equal(pkt_pool_create(4, &f->pool), 0);
	strcpy(f->dir, "/tmp/usnf-geoip-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	make_db(f->dir);
	assert_int_equal(xt_geoip_dir_set(f->net, f->dir), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	static const char *const files[] = { "DE.iv4", "FR.iv4", "XX.iv4", "BA.iv4", "DE.iv6" };
	char path[256];
	unsigned int i;

	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, files[i]);
		unlink(path);
	}
	rmdir(f->dir);
	xt_rule_put(f->rule);
	sb_release(&f->err);
	pkt_pool_destroy(f->pool);
	usnf_net_destroy(f->net);
	free(f);
	return 0;
}

/* Parse "-m name args..." or "-j name args..." as the front end does. */
static void *mk(struct fixture *f, enum xt_family fam, const char *table, bool target,
		const char *name, const char *const *args, int *check_rc)
{
	const struct xt_match_ops *mo = target ? NULL : xt_match_find(name, fam);
	const struct xt_target_ops *to = target ? xt_target_find(name, fam) : NULL;
	const struct xt_opt *opts = target ? to->opts : mo->opts;
	struct xt_parse ps = { .family = fam, .table = table, .err = &f->err, .net = f->net,
			       .hook_mask = 1u << USNF_INET_LOCAL_IN };
	bool invert = false;
	void *data;
	int rc;

	assert_true(target ? to != NULL : mo != NULL);
	xt_rule_put(f->rule);
	f->rule = xt_rule_alloc(fam);
	ps.rule = f->rule;
	data = target ? xt_rule_set_target(f->rule, to) : xt_rule_add_match(f->rule, mo);
	assert_non_null(data);
	sb_reset(&f->err);
	*check_rc = 0;
	for (; *args; args++) {
		const struct xt_opt *o;

		if (strcmp(*args, "!") == 0) {
			invert = true;
			continue;
		}
		for (o = opts; o->name && strcmp(o->name, *args + 2); o++)
			;
		assert_non_null(o->name);
		rc = target ? to->parse(data, o->id, o->arg ? args[1] : NULL, invert, &ps)
			    : mo->parse(data, o->id, o->arg ? args[1] : NULL, invert, &ps);
		if (rc)
			return NULL;
		if (o->arg)
			args++;
		invert = false;
	}
	rc = target ? (to->final_check ? to->final_check(data, &ps) : 0)
		    : (mo->final_check ? mo->final_check(data, &ps) : 0);
	if (rc)
		return NULL;
	if (target ? to->check != NULL : mo->check != NULL)
		*check_rc = target ? to->check(data, &ps) : mo->check(data, &ps);
	return data;
}

static const char *saved(struct fixture *f, const void *data, bool target)
{
	static char buf[512];
	struct strbuf sb = STRBUF_INIT;

	if (target)
		f->rule->target->save(data, f->rule, &sb);
	else
		f->rule->matches[0].ops->save(data, f->rule, &sb);
	snprintf(buf, sizeof(buf), "%s", sb_str(&sb));
	sb_release(&sb);
	return buf;
}

static const char *printed(struct fixture *f, const void *data, bool target, unsigned int fl)
{
	static char buf[512];
	struct strbuf sb = STRBUF_INIT;

	if (target)
		f->rule->target->print(data, f->rule, fl, &sb);
	else
		f->rule->matches[0].ops->print(data, f->rule, fl, &sb);
	snprintf(buf, sizeof(buf), "%s", sb_str(&sb));
	sb_release(&sb);
	return buf;
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* IPv4 packet src -> dst with an L4 header and payload (TCP: ACK|PSH, doff 5). */
static struct pkt *ip4(struct fixture *f, uint32_t src, uint32_t dst, uint8_t proto,
		       const void *payload, uint32_t plen)
{
	struct pkt *p = pkt_alloc(f->pool);
	uint32_t l4 = proto == 6 ? 20 : 8, len = 20 + l4 + plen;
	uint8_t *h;

	assert_non_null(p);
	p->data = PKT_HEADROOM;
	p->len = len;
	p->net_off = p->data;
	p->trans_off = p->data + 20;
	p->protocol = 0x0800;
	p->l4proto = proto;
	h = p->buf + p->data;
	memset(h, 0, 20 + l4);
	h[0] = 0x45;
	h[2] = (uint8_t)(len >> 8);
	h[3] = (uint8_t)len;
	h[8] = 64;
	h[9] = proto;
	put_be32(h + 12, src);
	put_be32(h + 16, dst);
	h[20] = 0x04, h[21] = 0xd2;     /* 1234 -> 6881 */
	h[22] = 0x1a, h[23] = 0xe1;
	if (proto == 6) {
		h[32] = 0x50;
		h[33] = 0x18;
	}
	memcpy(h + 20 + l4, payload, plen);
	return p;
}

static bool run(struct fixture *f, struct pkt *p, void *data, enum xt_family fam)
{
	struct xt_action par = { .net = f->net, .thoff = p->trans_off, .family = (uint8_t)fam };
	bool r = f->rule->matches[0].ops->match(p, data, &par);

	pkt_free(p);
	return r;
}

static void test_geoip_decode(void **state)
{
	static const uint8_t v4[16] = { 1, 2, 3, 4, 1, 2, 3, 9, 10, 0, 0, 0, 10, 255, 255, 255 };
	struct xt_geoip_range *r;
	uint32_t n, a[4] = { 0 };

	(void)state;
	assert_int_equal(xt_geoip_decode(v4, 16, false, &r, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].begin[0], 0x01020304);
	assert_int_equal(r[0].end[0], 0x01020309);
	assert_int_equal(r[1].end[0], 0x0affffff);
	a[0] = 0x01020305;
	assert_true(xt_geoip_lookup(r, n, false, a));
	a[0] = 0x0a7f0001;
	assert_true(xt_geoip_lookup(r, n, false, a));
	a[0] = 0x0b000000;
	assert_false(xt_geoip_lookup(r, n, false, a));
	a[0] = 0x01020303;
	assert_false(xt_geoip_lookup(r, n, false, a));
	free(r);
	assert_int_equal(xt_geoip_decode(v4, 15, false, &r, &n), -EINVAL);
	assert_int_equal(xt_geoip_decode(v4, 16, true, &r, &n), -EINVAL);
	assert_int_equal(xt_geoip_decode(v4, 0, false, &r, &n), 0);
	assert_null(r);
	assert_int_equal(n, 0);
	assert_false(xt_geoip_lookup(r, n, false, a));
}

static void test_geoip_rule(void **state)
{
	struct fixture *f = *state;
	int rc;
	void *d = mk(f, XT_FAMILY_V4, "filter", false, "geoip", ARGS("--src-cc", "de,fr,DE"), &rc);

	assert_non_null(d);
	assert_string_equal(saved(f, d, false), " --source-country DE,FR ");
	assert_string_equal(printed(f, d, false, 0), " -m geoip --source-country DE,FR ");
	assert_true(run(f, ip4(f, 0x0a000005, 0x08080808, 17, "x", 1), d, XT_FAMILY_V4));
	assert_true(run(f, ip4(f, 0x0a01ff00, 0x08080808, 17, "x", 1), d, XT_FAMILY_V4));
	assert_true(run(f, ip4(f, 0xc0000207, 0x08080808, 17, "x", 1), d, XT_FAMILY_V4));
	assert_false(run(f, ip4(f, 0xc0000208, 0x0a000001, 17, "x", 1), d, XT_FAMILY_V4));

	d = mk(f, XT_FAMILY_V4, "filter", false, "geoip", ARGS("!", "--destination-country", "fr"),
	       &rc);
	assert_non_null(d);
	assert_string_equal(saved(f, d, false), " ! --destination-country FR ");
	assert_false(run(f, ip4(f, 0x08080808, 0x0a010101, 6, "x", 1), d, XT_FAMILY_V4));
	assert_true(run(f, ip4(f, 0x0a010101, 0x0a000001, 6, "x", 1), d, XT_FAMILY_V4));

	d = mk(f, XT_FAMILY_V4, "filter", false, "geoip", ARGS("--dst-cc", "XX"), &rc);
	assert_non_null(d);
	assert_false(run(f, ip4(f, 1, 2, 6, "x", 1), d, XT_FAMILY_V4));
}

static void test_geoip_errors(void **state)
{
	struct fixture *f = *state;
	int rc;

	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "geoip", ARGS("--src-cc", "ZZ"), &rc));
	assert_string_equal(sb_str(&f->err), "Could not read geoip database");
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "geoip", ARGS("--src-cc", "BA"), &rc));
	assert_non_null(strstr(sb_str(&f->err), "/BA.iv4 seems to be corrupted"));
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "geoip", ARGS("--src-cc", "DEU"), &rc));
	assert_string_equal(sb_str(&f->err), "geoip: invalid country code 'DEU'");
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "geoip", ARGS("--src-cc", "D-"), &rc));
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "geoip",
		       ARGS("--src-cc", "DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE"), &rc));
	assert_string_equal(sb_str(&f->err), "geoip: too many countries specified");
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "geoip",
		       ARGS("--src-cc", "DE", "--dst-cc", "FR"), &rc));
	assert_string_equal(sb_str(&f->err), "geoip: Only exactly one of --source-country or "
			    "--destination-country must be specified!");
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "geoip", ARGS("--src-cc", "de", "!", "--src-cc", "fr"), &rc));
}

static void test_geoip_v6(void **state)
{
	struct fixture *f = *state;
	struct pkt *p;
	uint8_t *h;
	int rc;
	void *d = mk(f, XT_FAMILY_V6, "filter", false, "geoip", ARGS("--src-cc", "de"), &rc);

	assert_non_null(d);
	p = pkt_alloc(f->pool);
	p->data = PKT_HEADROOM;
	p->len = 48;
	p->net_off = p->data;
	h = p->buf + p->data;
	memset(h, 0, 48);
	h[0] = 0x60;
	h[6] = 17;
	h[8] = 0x20, h[9] = 0x01, h[10] = 0x0d, h[11] = 0xb8, h[23] = 1;
	assert_true(run(f, p, d, XT_FAMILY_V6));
	p = pkt_alloc(f->pool);
	p->data = PKT_HEADROOM;
	p->len = 48;
	p->net_off = p->data;
	h = p->buf + p->data;
	memset(h, 0, 48);
	h[0] = 0x60;
	h[8] = 0x20, h[9] = 0x01, h[10] = 0x0d, h[11] = 0xb9;
	assert_false(run(f, p, d, XT_FAMILY_V6));
}

/* Payload samples of each protocol (what the clients send first). */
static void test_ipp2p_detect(void **state)
{
	static const uint8_t edk[] = { 0xe3, 0x11, 0x00, 0x00, 0x00, 0x01, 0x10, 0, 0, 0, 0, 0,
				       0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t ares[] = { 0x03, 0x00, 0x5a, 0x04, 0x03, 0x05 };
	uint8_t bt[68] = { 0x13 }, soul[12] = { 8, 0, 0, 0, 0, 7, 7, 0 }, udp[64];
	const char *s;

	(void)state;
	memcpy(bt + 1, "BitTorrent protocol", 19);
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_BIT, bt, sizeof(bt)), 25600);
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_EDK, bt, sizeof(bt)), 0);
	s = "GET /announce?info_hash=%12%34&peer_id=x HTTP/1.0\r\n\r\n";
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_BIT, (const uint8_t *)s, (uint32_t)strlen(s)), 25601);
	s = "GET /index.html HTTP/1.0\r\nHost: example.org\r\n\r\n";
	assert_int_equal(xt_ipp2p_tcp(0x1fff, (const uint8_t *)s, (uint32_t)strlen(s)), 0);
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_EDK, edk, sizeof(edk)), 101);
	s = "GNUTELLA CONNECT/0.6\r\n";
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_GNU, (const uint8_t *)s, (uint32_t)strlen(s)), 6401);
	s = "GET /uri-res/N2R?urn:sha1:ABC HTTP/1.1\r\nX-Queue: 0.1\r\nHost: a\r\n";
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_GNU, (const uint8_t *)s, (uint32_t)strlen(s)), 6403);
	s = "GIVE 123:abc\r\n";
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_KAZAA, (const uint8_t *)s, (uint32_t)strlen(s)), 12801);
	s = "GET /.hash=abc HTTP/1.1\r\nX-Kazaa-Username: bob\r\nHost: x\r\n";
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_KAZAA, (const uint8_t *)s, (uint32_t)strlen(s)), 12802);
	s = "$Lock EXTENDEDPROTOCOL Pk=x|";
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_DC, (const uint8_t *)s, (uint32_t)strlen(s)), 1601);
	s = "ajprot\r\nfoo";
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_APPLE, (const uint8_t *)s, (uint32_t)strlen(s)), 51200);
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_SOUL, soul, sizeof(soul)), 102401);
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_WINMX, (const uint8_t *)"SEND", 4), 204801);
	assert_int_equal(xt_ipp2p_tcp(XT_IPP2P_ARES, ares, sizeof(ares)), 409601);
	/* UDP: eDonkey e4 20 (35 bytes), KaZaA trailer, BitTorrent DHT, Gnutella */
	memset(udp, 0x11, sizeof(udp));
	udp[0] = 0xe4, udp[1] = 0x20;
	assert_int_equal(xt_ipp2p_udp(XT_IPP2P_EDK, udp, 35), 160);
	memcpy(udp + 20, "KaZaA", 6);
	assert_int_equal(xt_ipp2p_udp(XT_IPP2P_KAZAA, udp, 26), 12850);
	memcpy(udp, "d1:ad2:id20:", 12);
	assert_int_equal(xt_ipp2p_udp(XT_IPP2P_BIT, udp, 40), 25657);
	memcpy(udp, "GND", 3);
	assert_int_equal(xt_ipp2p_udp(XT_IPP2P_GNU, udp, 12), 6451);
	assert_int_equal(xt_ipp2p_udp(XT_IPP2P_GNU, udp, 11), 0);       /* must be longer than 11 */
}

static void test_ipp2p_rule(void **state)
{
	struct fixture *f = *state;
	uint8_t bt[40] = { 0x13 };
	struct pkt *p;
	int rc;
	void *d = mk(f, XT_FAMILY_V4, "filter", false, "ipp2p", ARGS("--bit", "--edk", "--debug"),
		     &rc);

	assert_non_null(d);
	assert_string_equal(saved(f, d, false), " --edk  --bit  --debug ");
	assert_string_equal(printed(f, d, false, 0), " -m ipp2p  --edk  --bit  --debug ");
	memcpy(bt + 1, "BitTorrent protocol", 19);
	assert_true(run(f, ip4(f, 1, 2, 6, bt, sizeof(bt)), d, XT_FAMILY_V4));
	p = ip4(f, 1, 2, 6, bt, sizeof(bt));
	pkt_data(p)[33] = 0x12;                 /* SYN|ACK: never inspected */
	assert_false(run(f, p, d, XT_FAMILY_V4));
	assert_false(run(f, ip4(f, 1, 2, 17, bt, sizeof(bt)), d, XT_FAMILY_V4));
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "ipp2p", ARGS("--bit", "--bit"), &rc));
	assert_string_equal(sb_str(&f->err), "ipp2p: \"--bit\" option may only be specified once");
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "ipp2p", ARGS("!", "--edk"), &rc));
	assert_string_equal(sb_str(&f->err), "ipp2p: \"--edk\" option cannot be inverted");
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "ipp2p", ARGS(NULL), &rc));
	assert_null(xt_match_find("ipp2p", XT_FAMILY_V6));
}

static void test_ipvs(void **state)
{
	struct fixture *f = *state;
	int rc;
	void *d = mk(f, XT_FAMILY_V4, "filter", false, "ipvs",
		     ARGS("--vproto", "tcp", "!", "--vaddr", "1.2.3.4/255.255.255.0", "--vport",
			  "http", "--vdir", "REPLY", "!", "--vmethod", "ipip", "--vportctl", "21"),
		     &rc);

	assert_non_null(d);
	assert_string_equal(saved(f, d, false), " --vproto 6 ! --vaddr 1.2.3.4/24 --vport 80 "
			    "--vdir REPLY ! --vmethod IPIP --vportctl 21");
	assert_string_equal(printed(f, d, false, XT_PRINT_NUMERIC), " vproto 6 ! vaddr 1.2.3.4/24 "
			    "vport 80 vdir REPLY ! vmethod IPIP vportctl 21");
	assert_false(run(f, ip4(f, 1, 2, 6, "x", 1), d, XT_FAMILY_V4));
	d = mk(f, XT_FAMILY_V4, "filter", false, "ipvs", ARGS("--ipvs"), &rc);
	assert_string_equal(saved(f, d, false), " --ipvs");
	assert_false(run(f, ip4(f, 1, 2, 6, "x", 1), d, XT_FAMILY_V4));
	d = mk(f, XT_FAMILY_V4, "filter", false, "ipvs", ARGS("!", "--ipvs"), &rc);
	assert_string_equal(saved(f, d, false), " ! --ipvs");
	assert_true(run(f, ip4(f, 1, 2, 6, "x", 1), d, XT_FAMILY_V4));
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "ipvs", ARGS("!", "--ipvs", "--vport", "1"),
		       &rc));
	assert_string_equal(sb_str(&f->err), "! --ipvs cannot be together with other options");
	assert_null(mk(f, XT_FAMILY_V4, "filter", false, "ipvs", ARGS("--vdir", "x"), &rc));
	assert_string_equal(sb_str(&f->err), "ipvs: Bad value for \"--vdir\" option: \"x\"");
	d = mk(f, XT_FAMILY_V6, "filter", false, "ipvs", ARGS("--vaddr", "2001:db8::1/64"), &rc);
	assert_string_equal(saved(f, d, false), " --vaddr 2001:db8::1/64");
}

static void test_targets(void **state)
{
	struct fixture *f = *state;
	struct xt_action par = { .net = f->net };
	int rc;
	void *d = mk(f, XT_FAMILY_V4, "filter", true, "LED",
		     ARGS("--led-trigger-id", "a\"b", "--led-delay", "inf", "--led-always-blink"),
		     &rc);

	assert_non_null(d);
	assert_int_equal(rc, 0);
	assert_string_equal(saved(f, d, true), " --led-trigger-id \"a\\\"b\" --led-delay inf "
			    "--led-always-blink");
	assert_string_equal(printed(f, d, true, 0), " led-trigger-id:\"a\\\"b\" led-delay:inf "
			    "led-always-blink");
	assert_int_equal(f->rule->target->target(NULL, d, &par), XT_CONTINUE);
	assert_null(mk(f, XT_FAMILY_V4, "filter", true, "LED", ARGS("--led-delay", "5"), &rc));
	assert_null(mk(f, XT_FAMILY_V4, "filter", true, "LED",
		       ARGS("--led-trigger-id", "12345678901234567"), &rc));

	d = mk(f, XT_FAMILY_V4, "security", true, "SECMARK", ARGS("--selctx", "system_u:r:t:s0"),
	       &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(saved(f, d, true), " --selctx system_u:r:t:s0");
	assert_string_equal(printed(f, d, true, 0), " SECMARK selctx system_u:r:t:s0");
	assert_int_equal(f->rule->target->target(NULL, d, &par), XT_CONTINUE);
	d = mk(f, XT_FAMILY_V4, "filter", true, "SECMARK", ARGS("--selctx", "x"), &rc);
	assert_int_equal(rc, -EINVAL);
	assert_null(mk(f, XT_FAMILY_V4, "mangle", true, "SECMARK", ARGS(NULL), &rc));
	assert_string_equal(sb_str(&f->err), "SECMARK: option \"--selctx\" must be specified\n");

	d = mk(f, XT_FAMILY_V4, "filter", true, "CLUSTERIP",
	       ARGS("--new", "--hashmode", "sourceip-sourceport", "--clustermac",
		    "01:aa:7b:47:f7:d7", "--total-nodes", "2", "--local-node", "1", "--hash-init",
		    "7"), &rc);
	assert_non_null(d);
	assert_int_equal(rc, -EOPNOTSUPP);      /* nft_compat, as iptables-nft */
	assert_string_equal(saved(f, d, true), " --new --hashmode sourceip-sourceport --clustermac "
			    "01:AA:7B:47:F7:D7 --total-nodes 2 --local-node 1 --hash-init 7");
	assert_string_equal(printed(f, d, true, 0), " CLUSTERIP hashmode=sourceip-sourceport "
			    "clustermac=01:AA:7B:47:F7:D7 total_nodes=2 local_node=1 hash_init=7");
	assert_null(mk(f, XT_FAMILY_V4, "filter", true, "CLUSTERIP", ARGS("--new"), &rc));
	assert_string_equal(sb_str(&f->err), "CLUSTERIP target: Invalid parameter combination");
	assert_null(mk(f, XT_FAMILY_V4, "filter", true, "CLUSTERIP",
		       ARGS("--clustermac", "00:11:22:33:44:55"), &rc));
	assert_string_equal(sb_str(&f->err), "MAC has to be a multicast ethernet address");
	assert_null(xt_target_find("CLUSTERIP", XT_FAMILY_V6));
}

/* clusterip_hashfn(): nodes 1..n, spread over both nodes, stable, port-sensitive. */
static void test_clusterip_hash(void **state)
{
	struct fixture *f = *state;
	unsigned int seen[3] = { 0 }, i;
	struct pkt *p;
	uint32_t h1, h2;

	for (i = 0; i < 64; i++) {
		p = ip4(f, 0x0a000000 + i, 0x0a0000fe, 6, "x", 1);
		h1 = xt_clusterip_hash(p, 0, 1, 2);
		assert_true(h1 >= 1 && h1 <= 2);
		assert_int_equal(h1, xt_clusterip_hash(p, 0, 1, 2));
		seen[h1]++;
		pkt_free(p);
	}
	assert_true(seen[1] > 8 && seen[2] > 8);
	p = ip4(f, 0x0a000001, 2, 6, "x", 1);
	h1 = xt_clusterip_hash(p, 2, 0, 16);
	pkt_data(p)[23] ^= 1;
	h2 = xt_clusterip_hash(p, 2, 0, 16);
	assert_true(h1 >= 1 && h1 <= 16 && h2 >= 1 && h2 <= 16);
	pkt_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geoip_decode),
		cmocka_unit_test_setup_teardown(test_geoip_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_geoip_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_geoip_v6, setup, teardown),
		cmocka_unit_test(test_ipp2p_detect),
		cmocka_unit_test_setup_teardown(test_ipp2p_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipvs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clusterip_hash, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
