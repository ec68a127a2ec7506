/* test_pcapng: the pcapng reader (byte orders, resolutions, block kinds, errors) and writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "io/pcapng.h"

static const uint8_t frame[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00, 0x45 };

/* A little builder for hand-made files in either byte order. */
struct bld {
	uint8_t b[1024];
	size_t len;
	int be;
};

static void put32(struct bld *x, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		x->b[x->len++] = x->be ? (uint8_t)(v >> (24 - 8 * i)) : (uint8_t)(v >> (8 * i));
}

static void put16(struct bld *x, uint16_t v)
{
	x->b[x->len++] = x->be ? (uint8_t)(v >> 8) : (uint8_t)v;
	x->b[x->len++] = x->be ? (uint8_t)v : (uint8_t)(v >> 8);
}

static void put_shb(struct bld *x)
{
	put32(x, 0x0A0D0D0A);
	put32(x, 28);
	put32(x, 0x1A2B3C4D);
	put16(x, 1);
	put16(x, 0);
	put32(x, 0xffffffff);
	put32(x, 0xffffffff);
	put32(x, 28);
}

/* IDB "eth0" with an optional if_tsresol. */
static void put_idb(struct bld *x, int tsresol)
{
	uint32_t len = 20 + 8 + (tsresol >= 0 ? 8 : 0) + 4;

	put32(x, 1);
	put32(x, len);
	put16(x, 1);
	put16(x, 0);
	put32(x, 0);
	put16(x, 2);
	put16(x, 4);
	memcpy(x->b + x->len, "eth0", 4);
	x->len += 4;
	if (tsresol >= 0) {
		put16(x, 9);
		put16(x, 1);
		x->b[x->len++] = (uint8_t)tsresol;
		x->b[x->len++] = 0;
		x->b[x->len++] = 0;
		x->b[x->len++] = 0;
	}
	put32(x, 0);
	put32(x, len);
}

static void put_epb(struct bld *x, uint32_t ifid, uint64_t ticks)
{
	uint32_t len = 32 + 16;

	put32(x, 6);
	put32(x, len);
	put32(x, ifid);
	put32(x, (uint32_t)(ticks >> 32));
	put32(x, (uint32_t)ticks);
	put32(x, sizeof(frame));
	put32(x, sizeof(frame));
	memset(x->b + x->len, 0, 16);
	memcpy(x->b + x->len, frame, sizeof(frame));
	x->len += 16;
	put32(x, len);
}

static void check_one_frame(struct bld *x, uint64_t want_ns)
{
	struct pcapng_file f;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(pcapng_parse(x->b, x->len, &f, &err), 0);
	assert_int_equal(f.n_ifaces, 1);
	assert_string_equal(f.ifaces[0].name, "eth0");
	assert_int_equal(f.n_frames, 1);
	assert_int_equal(f.frames[0].len, sizeof(frame));
	assert_memory_equal(f.frames[0].data, frame, sizeof(frame));
	assert_true(f.frames[0].ts_ns == want_ns);
	pcapng_file_free(&f);
	sb_release(&err);
}

static void test_both_byte_orders(void **state)
{
	for (int be = 0; be < 2; be++) {
		struct bld x = { .be = be };

		put_shb(&x);
		put_idb(&x, -1);
		put_epb(&x, 0, 1700000000000123ull);
		check_one_frame(&x, 1700000000000123000ull);
	}
}

static void test_resolutions(void **state)
{
	struct bld x = { 0 };

	put_shb(&x);
	put_idb(&x, 9);         /* nanoseconds */
	put_epb(&x, 0, 1700000000123456789ull);
	check_one_frame(&x, 1700000000123456789ull);
	x.len = 0;
	put_shb(&x);
	put_idb(&x, 0x80 | 10); /* 2^-10 s */
	put_epb(&x, 0, 3 * 1024);
	check_one_frame(&x, 3000000000ull);
}

static void expect_error(struct bld *x, const char *needle)
{
	struct pcapng_file f;
	struct strbuf err = STRBUF_INIT;

	assert_int_not_equal(pcapng_parse(x->b, x->len, &f, &err), 0);
	assert_non_null(strstr(sb_str(&err), needle));
	assert_null(f.buf);
	sb_release(&err);
}

static void test_errors(void **state)
{
	struct bld x = { 0 };

	put_shb(&x);
	put_idb(&x, -1);
	put_epb(&x, 3, 0);
	expect_error(&x, "offset 60: packet refers to an undefined interface");
	x.len -= 48;
	put_epb(&x, 0, 0);
	x.len -= 1;
	expect_error(&x, "offset 60: block runs past the end of the file");
	x.len = 0;
	put32(&x, 0x12345678);
	for (int i = 0; i < 8; i++)
		put32(&x, 0);
	expect_error(&x, "offset 0: not a pcapng file");
	x.len = 10;
	expect_error(&x, "too short");
}

static void test_writer_round_trip(void **state)
{
	struct pcapng_writer w;
	struct pcapng_file f;
	struct strbuf err = STRBUF_INIT;

	pcapng_writer_init(&w);
	assert_int_equal(pcapng_writer_add_iface(&w, "eth0"), 0);
	assert_int_equal(pcapng_writer_add_iface(&w, "wan-uplink1"), 1);
	pcapng_writer_add_frame(&w, 1, 1700000000010000999ull, frame, sizeof(frame));
	pcapng_writer_add_frame(&w, 0, 5, frame, 3);
	assert_int_equal(pcapng_parse(w.buf, w.len, &f, &err), 0);
	assert_int_equal(f.n_ifaces, 2);
	assert_string_equal(f.ifaces[1].name, "wan-uplink1");
	assert_int_equal(f.n_frames, 2);
	assert_int_equal(f.frames[0].iface, 1);
	assert_true(f.frames[0].ts_ns == 1700000000010000000ull);    /* microseconds */
	assert_int_equal(f.frames[1].len, 3);
	pcapng_file_free(&f);
	pcapng_writer_release(&w);
	sb_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_byte_orders),
		cmocka_unit_test(test_resolutions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_writer_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
