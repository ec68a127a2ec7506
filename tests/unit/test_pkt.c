/* test_pkt: packet pool, buffer ops, checksums (against a naive RFC 1071 sum), parsing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <usnf/pkt.h>

#include "pkt/csum.h"
#include "pkt/parse.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static void rnd_fill(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rnd();
}

/* RFC 1071, the obvious way: big-endian 16-bit words, odd byte padded. */
static uint32_t naive_sum(const uint8_t *b, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The 16-bit checksum value naive_sum implies, as bytes in the packet. */
static uint16_t naive_csum_stored(uint32_t folded)
{
	uint16_t c = (uint16_t)~folded, v;
	uint8_t b[2] = { (uint8_t)(c >> 8), (uint8_t)c };

	memcpy(&v, b, 2);
	return v;
}

static uint16_t rd16(const uint8_t *b)
{
	uint16_t v;

	memcpy(&v, b, 2);
	return v;
}

/* ---- pool ---- */

static void test_pool_exhaustion(void **state)
{
	struct pkt_pool *pool;
	struct pkt *p[5];

	assert_int_equal(pkt_pool_create(0, &pool), -EINVAL);
	assert_int_equal(pkt_pool_create(4, &pool), 0);
	assert_int_equal(pkt_pool_avail(pool), 4);
	for (int i = 0; i < 4; i++) {
		p[i] = pkt_alloc(pool);
		assert_non_null(p[i]);
		assert_int_equal(p[i]->data, PKT_HEADROOM);
		assert_int_equal(p[i]->len, 0);
		assert_int_equal(p[i]->mac_off, PKT_OFF_UNSET);
		assert_int_equal(p[i]->net_off, PKT_OFF_UNSET);
		assert_int_equal(p[i]->trans_off, PKT_OFF_UNSET);
		assert_int_equal(p[i]->l4proto, 255);
		assert_int_equal(p[i]->drop_reason, PKT_DROP_NOT_DROPPED_YET);
	}
	assert_null(pkt_alloc(pool));
	assert_int_equal(pkt_pool_avail(pool), 0);

	/* A freed buffer comes back with every field reset. */
	p[1]->mark = 7;
	p[1]->net_off = 200;
	p[1]->ct = p[0];
	pkt_free(p[1]);
	pkt_free(p[1]);         /* double free: ignored */
	pkt_free(NULL);
	assert_int_equal(pkt_pool_avail(pool), 1);
	p[4] = pkt_alloc(pool);
	assert_ptr_equal(p[4], p[1]);
	assert_int_equal(p[4]->mark, 0);
	assert_int_equal(p[4]->net_off, PKT_OFF_UNSET);
	assert_null(p[4]->ct);
	assert_null(pkt_alloc(pool));

	/* Distinct, non-overlapping buffers. */
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++) {
			size_t d = p[i]->buf > p[j]->buf ? (size_t)(p[i]->buf - p[j]->buf)
							 : (size_t)(p[j]->buf - p[i]->buf);
			assert_true(d >= PKT_BUF_SIZE);
		}
	for (int i = 0; i < 4; i++)
		pkt_free(p[i]);
	assert_int_equal(pkt_pool_avail(pool), 4);
	pkt_pool_destroy(pool);
	pkt_pool_destroy(NULL);
}

static void test_push_pull_bounds(void **state)
{
	struct pkt_pool *pool;
	struct pkt *p;
	uint8_t frame[100];

	for (int i = 0; i < 100; i++)
		frame[i] = (uint8_t)i;
	assert_int_equal(pkt_pool_create(2, &pool), 0);
	p = pkt_alloc(pool);

	assert_int_equal(pkt_set_data(p, frame, PKT_DATA_MAX + 1), -EMSGSIZE);
	assert_int_equal(pkt_set_data(p, frame, sizeof(frame)), 0);
	assert_int_equal(p->data, PKT_HEADROOM);
	assert_int_equal(p->len, 100);
	assert_memory_equal(pkt_data(p), frame, 100);

	/* pull */
	assert_null(pkt_pull(p, 101));
	assert_ptr_equal(pkt_pull(p, 14), p->buf + PKT_HEADROOM + 14);
	assert_int_equal(p->len, 86);
	assert_int_equal(pkt_data(p)[0], 14);
	assert_ptr_equal(pkt_pull(p, 86), p->buf + PKT_HEADROOM + 100);
	assert_int_equal(p->len, 0);

	/* push: down to buf[0], not one byte more */
	assert_int_equal(pkt_set_data(p, frame, sizeof(frame)), 0);
	assert_non_null(pkt_push(p, PKT_HEADROOM));
	assert_int_equal(p->data, 0);
	assert_int_equal(p->len, 100 + PKT_HEADROOM);
	assert_null(pkt_push(p, 1));
	assert_non_null(pkt_pull(p, PKT_HEADROOM));

	/* put up to the end of the buffer */
	assert_int_equal(pkt_put(p, PKT_DATA_MAX - 100), 0);
	assert_int_equal(pkt_end(p), PKT_BUF_SIZE);
	assert_int_equal(pkt_put(p, 1), -EMSGSIZE);

	/* trim sets the length (skb_trim) */
	assert_int_equal(pkt_trim(p, 60), 0);
	assert_int_equal(p->len, 60);
	assert_int_equal(pkt_trim(p, 61), -EINVAL);

	/* header pointer bounds */
	assert_non_null(pkt_header(p, p->data, 60));
	assert_null(pkt_header(p, p->data, 61));
	assert_null(pkt_header(p, p->data - 1, 1));
	assert_null(pkt_header(p, 0xffffffffu, 2));

	pkt_free(p);
	pkt_pool_destroy(pool);
}

static void test_clone(void **state)
{
	struct pkt_pool *pool;
	struct pkt *p, *c;
	uint8_t frame[64];

	rnd_fill(frame, sizeof(frame));
	assert_int_equal(pkt_pool_create(2, &pool), 0);
	p = pkt_alloc(pool);
	assert_int_equal(pkt_set_data(p, frame, sizeof(frame)), 0);
	assert_non_null(pkt_pull(p, 14));
	p->mac_off = PKT_HEADROOM;
	p->net_off = PKT_HEADROOM + 14;
	p->mark = 0x42;
	p->iif = 3;
	c = pkt_clone(p);
	assert_non_null(c);
	assert_ptr_not_equal(c->buf, p->buf);
	assert_int_equal(c->data, p->data);
	assert_int_equal(c->len, p->len);
	assert_int_equal(c->net_off, p->net_off);
	assert_int_equal(c->mark, 0x42);
	assert_int_equal(c->iif, 3);
	assert_memory_equal(pkt_data(c), pkt_data(p), p->len);
	assert_null(pkt_clone(p));      /* pool exhausted */
	pkt_free(c);
	pkt_free(p);
	pkt_pool_destroy(pool);
}

static void test_drop_names(void **state)
{
	assert_string_equal(pkt_drop_reason_name(PKT_DROP_IP_CSUM), "IP_CSUM");
	assert_string_equal(pkt_drop_reason_name(PKT_DROP_NOT_DROPPED_YET), "NOT_DROPPED_YET");
	assert_string_equal(pkt_drop_reason_name(PKT_DROP_NETFILTER_DROP), "NETFILTER_DROP");
	assert_string_equal(pkt_drop_reason_name(PKT_DROP_MAX), "MAX");
	assert_string_equal(pkt_drop_reason_name((enum pkt_drop_reason)(PKT_DROP_MAX + 1)),
			    "UNKNOWN");
}

/* ---- checksums ---- */

static void test_csum_random(void **state)
{
	static uint8_t buf[4096 + 16];

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = iter < 64 ? (size_t)iter : rnd() % 4096;
		size_t shift = rnd() % 16;      /* any alignment */
		uint32_t init = iter & 1 ? rnd() & 0xffff : 0;
		uint32_t s;

		rnd_fill(buf + shift, len);
		s = csum_partial(buf + shift, len, init);
		/* init as a host-order word: naive sees it as big-endian bytes. */
		{
			uint8_t ib[2];
			uint16_t hv = (uint16_t)init;

			memcpy(ib, &hv, 2);
			assert_int_equal(csum_fold(s),
					 naive_csum_stored(naive_sum(buf + shift, len,
								     (uint32_t)(ib[0] << 8 | ib[1]))));
		}
		/* Splitting at an even point and chaining gives the same sum. */
		if (len >= 2) {
			size_t cut = (rnd() % len) & ~(size_t)1;
			uint32_t a = csum_partial(buf + shift, cut, init);

			a = csum_partial(buf + shift + cut, len - cut, a);
			assert_int_equal(csum_fold(a), csum_fold(s));
		}
	}
}

static void test_csum_extremes(void **state)
{
	static uint8_t buf[65536];

	/* All ones: many carries; all zeros: sum 0 -> checksum 0xffff. */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(csum_fold(csum_partial(buf, sizeof(buf), 0)),
			 naive_csum_stored(naive_sum(buf, sizeof(buf), 0)));
	assert_int_equal(csum_fold(csum_partial(buf, 65535, 0xffffffffu)),
			 csum_fold(csum_partial(buf, 65535, 0xffff)));
	memset(buf, 0, sizeof(buf));
	assert_int_equal(csum_fold(csum_partial(buf, 1000, 0)), 0xffff);
	assert_int_equal(csum_fold(0), 0xffff);
}

static void test_ip_fast_csum(void **state)
{
	/* A real header (checksum 0xb861): verifies to 0; recomputed gives b861. */
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			  0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint16_t c;

	assert_int_equal(ip_fast_csum(h, 5), 0);
	h[10] = h[11] = 0;
	c = ip_fast_csum(h, 5);
	memcpy(h + 10, &c, 2);
	assert_int_equal(h[10], 0xb8);
	assert_int_equal(h[11], 0x61);
	h[8] = 0x3f;    /* TTL changed: no longer valid */
	assert_int_not_equal(ip_fast_csum(h, 5), 0);
}

/* Put a random UDP/IPv4 or IPv6 datagram in p; returns the L4 offset. */
static uint32_t build_udp(struct pkt *p, int v6, uint32_t l4len, uint32_t *pseudo,
			  uint32_t *naive_pseudo)
{
	uint8_t frame[14 + 40 + 1500];
	uint32_t nl = v6 ? 40 : 20, off;

	rnd_fill(frame, sizeof(frame));
	assert_int_equal(pkt_set_data(p, frame, 14 + nl + l4len), 0);
	p->net_off = p->data + 14;
	off = p->net_off + nl;
	if (!v6) {
		uint32_t s, d;
		uint8_t *ip = pkt_network(p);

		memcpy(&s, ip + 12, 4);
		memcpy(&d, ip + 16, 4);
		*pseudo = csum_pseudo4(s, d, 17, l4len);
		*naive_pseudo = naive_sum(ip + 12, 8, 17 + l4len);
	} else {
		uint8_t *ip = pkt_network(p);

		*pseudo = csum_pseudo6(ip + 8, ip + 24, 17, l4len);
		*naive_pseudo = naive_sum(ip + 8, 32, 17 + (l4len & 0xffff) + (l4len >> 16));
	}
	memset(pkt_at(p, off + 6), 0, 2);
	return off;
}

static void test_csum_l4_pseudo(void **state)
{
	struct pkt_pool *pool;
	struct pkt *p;

	assert_int_equal(pkt_pool_create(1, &pool), 0);
	p = pkt_alloc(pool);
	for (int iter = 0; iter < 2000; iter++) {
		int v6 = iter & 1;
		uint32_t l4len = 8 + rnd() % 1400, pseudo, npseudo, off;
		uint16_t c;

		off = build_udp(p, v6, l4len, &pseudo, &npseudo);
		c = csum_l4(p, off, l4len, pseudo);
		assert_int_equal(c, naive_csum_stored(naive_sum(pkt_at(p, off), l4len, npseudo)));
		memcpy(pkt_at(p, off + 6), &c, 2);
		assert_int_equal(csum_l4(p, off, l4len, pseudo), 0);
		/* A flipped bit is caught. */
		if (l4len > 8) {
			pkt_at(p, off + 8 + rnd() % (l4len - 8))[0] ^= 0x10;
			assert_int_not_equal(csum_l4(p, off, l4len, pseudo), 0);
		}
	}
	/* Out of range never verifies. */
	assert_int_equal(csum_l4(p, pkt_end(p) - 4, 8, 0), 0xffff);
	pkt_free(p);
	pkt_pool_destroy(pool);
}

/* Fill buf with data and a valid checksum at cpos; returns nothing. */
static void set_csum(uint8_t *buf, size_t len, size_t cpos)
{
	uint16_t c;

	memset(buf + cpos, 0, 2);
	c = csum_fold(csum_partial(buf, len, 0));
	memcpy(buf + cpos, &c, 2);
}

static void test_csum_incremental(void **state)
{
	uint8_t buf[64], ref[64];

	for (int iter = 0; iter < 100000; iter++) {
		size_t cpos = 2 * (rnd() % 4), fpos = 8 + 2 * (rnd() % 20);
		int kind = iter % 3;
		size_t flen = kind == 0 ? 2 : kind == 1 ? 4 : 16;
		uint8_t newv[16];
		uint16_t field;

		rnd_fill(buf, sizeof(buf));
		if (iter % 7 == 0)
			memset(buf + 8, 0, 56);         /* sums near 0 / -0 */
		if (iter % 11 == 0)
			memset(buf + 8, 0xff, 56);
		set_csum(buf, sizeof(buf), cpos);
		rnd_fill(newv, flen);
		if (iter % 5 == 0)
			memset(newv, iter % 10 == 0 ? 0 : 0xff, flen);
		memcpy(&field, buf + cpos, 2);
		if (kind == 0) {
			uint16_t f, t;

			memcpy(&f, buf + fpos, 2);
			memcpy(&t, newv, 2);
			csum_replace2(&field, f, t);
		} else if (kind == 1) {
			uint32_t f, t;

			memcpy(&f, buf + fpos, 4);
			memcpy(&t, newv, 4);
			csum_replace4(&field, f, t);
		} else {
			csum_replace16(&field, buf + fpos, newv);
		}
		memcpy(buf + fpos, newv, flen);
		memcpy(ref, buf, sizeof(buf));
		set_csum(ref, sizeof(ref), cpos);
		/* Equal to recomputation, and in any case verifying. */
		memcpy(buf + cpos, &field, 2);
		assert_int_equal(csum_fold(csum_partial(buf, sizeof(buf), 0)), 0);
		assert_int_equal(field, rd16(ref + cpos));
	}
}

/* ---- parsing ---- */

static struct pkt *frame_pkt(struct pkt_pool *pool, const uint8_t *f, uint32_t len)
{
	struct pkt *p = pkt_alloc(pool);

	assert_non_null(p);
	assert_int_equal(pkt_set_data(p, f, len), 0);
	return p;
}

static void test_parse_l2(void **state)
{
	static const uint8_t me[6] = { 2, 0, 0, 0, 0, 1 };
	struct pkt_pool *pool;
	struct pkt *p;
	uint8_t f[64] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00 };

	assert_int_equal(pkt_pool_create(1, &pool), 0);

	p = frame_pkt(pool, f, 60);
	assert_int_equal(pkt_parse_l2(p, me), 0);
	assert_int_equal(p->pkt_type, PKT_HOST);
	assert_int_equal(p->protocol, 0x0800);
	assert_int_equal(p->mac_off, PKT_HEADROOM);
	assert_int_equal(p->net_off, PKT_HEADROOM + 14);
	assert_int_equal(p->data, PKT_HEADROOM);
	pkt_free(p);

	memset(f, 0xff, 6);
	p = frame_pkt(pool, f, 60);
	assert_int_equal(pkt_parse_l2(p, me), 0);
	assert_int_equal(p->pkt_type, PKT_BROADCAST);
	pkt_free(p);

	memcpy(f, (uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, 6);
	p = frame_pkt(pool, f, 60);
	assert_int_equal(pkt_parse_l2(p, me), 0);
	assert_int_equal(p->pkt_type, PKT_MULTICAST);
	pkt_free(p);

	memcpy(f, (uint8_t[]){ 2, 0, 0, 0, 0, 9 }, 6);
	p = frame_pkt(pool, f, 60);
	assert_int_equal(pkt_parse_l2(p, me), 0);
	assert_int_equal(p->pkt_type, PKT_OTHERHOST);
	assert_int_equal(pkt_parse_l2(p, NULL), 0);
	assert_int_equal(p->pkt_type, PKT_HOST);
	pkt_free(p);

	/* Priority tag (VID 0): stripped, inner IPv6 handled as untagged. */
	memcpy(f, me, 6);
	memcpy(f + 12, (uint8_t[]){ 0x81, 0x00, 0xe0, 0x00, 0x86, 0xdd }, 6);
	p = frame_pkt(pool, f, 60);
	assert_int_equal(pkt_parse_l2(p, me), 0);
	assert_int_equal(p->pkt_type, PKT_HOST);
	assert_int_equal(p->protocol, 0x86dd);
	assert_int_equal(p->net_off, PKT_HEADROOM + 18);
	pkt_free(p);

	/* VID 5 on a device without VLANs: not for us. */
	f[15] = 5;
	p = frame_pkt(pool, f, 60);
	assert_int_equal(pkt_parse_l2(p, me), 0);
	assert_int_equal(p->pkt_type, PKT_OTHERHOST);
	pkt_free(p);

	/* QinQ, both VID 0. */
	memcpy(f + 12, (uint8_t[]){ 0x88, 0xa8, 0, 0, 0x81, 0x00, 0, 0, 0x08, 0x06 }, 10);
	p = frame_pkt(pool, f, 60);
	assert_int_equal(pkt_parse_l2(p, me), 0);
	assert_int_equal(p->protocol, 0x0806);
	assert_int_equal(p->net_off, PKT_HEADROOM + 22);
	assert_int_equal(p->pkt_type, PKT_HOST);
	pkt_free(p);

	/* Three tags, truncated tag, runt. */
	memcpy(f + 12, (uint8_t[]){ 0x88, 0xa8, 0, 0, 0x81, 0x00, 0, 0, 0x81, 0, 0, 0, 8, 0 },
	       14);
	p = frame_pkt(pool, f, 60);
	assert_int_equal(pkt_parse_l2(p, me), -EINVAL);
	pkt_free(p);
	p = frame_pkt(pool, f, 17);
	assert_int_equal(pkt_parse_l2(p, me), -EINVAL);
	pkt_free(p);
	p = frame_pkt(pool, f, 13);
	assert_int_equal(pkt_parse_l2(p, me), -EINVAL);
	pkt_free(p);
	pkt_pool_destroy(pool);
}

static void test_ipv6_exthdr(void **state)
{
	struct pkt_pool *pool;
	struct pkt *p;
	uint8_t f[200] = { 0 };
	uint32_t base = PKT_HEADROOM + 54;      /* after Ethernet + IPv6 header */
	uint16_t fo;
	uint8_t nh;
	bool isf;

	assert_int_equal(pkt_pool_create(1, &pool), 0);

	/* HBH (8) -> DST (16) -> AH (12) -> TCP */
	f[54] = 60; f[55] = 0;
	f[62] = 51; f[63] = 1;
	f[78] = 6; f[79] = 1;
	p = frame_pkt(pool, f, 54 + 8 + 16 + 12 + 20);
	nh = 0;
	assert_int_equal(pkt_ipv6_skip_exthdr(p, base, &nh, &fo, &isf), (int)base + 36);
	assert_int_equal(nh, 6);
	assert_false(isf);
	assert_int_equal(fo, 0);
	/* No extension header at all. */
	nh = 17;
	assert_int_equal(pkt_ipv6_skip_exthdr(p, base, &nh, NULL, NULL), (int)base);
	assert_int_equal(nh, 17);
	pkt_free(p);

	/* Truncated: the DST header claims 16 bytes, 10 are there. */
	p = frame_pkt(pool, f, 54 + 8 + 10);
	nh = 0;
	assert_int_equal(pkt_ipv6_skip_exthdr(p, base, &nh, NULL, NULL), -EINVAL);
	pkt_free(p);
	p = frame_pkt(pool, f, 54 + 4);
	nh = 0;
	assert_int_equal(pkt_ipv6_skip_exthdr(p, base, &nh, NULL, NULL), -EINVAL);
	pkt_free(p);

	/* First fragment (offset 0, M=1): walked through, is a fragment. */
	memset(f + 54, 0, 40);
	f[54] = 17; f[56] = 0x00; f[57] = 0x01;
	p = frame_pkt(pool, f, 54 + 8 + 8);
	nh = 44;
	assert_int_equal(pkt_ipv6_skip_exthdr(p, base, &nh, &fo, &isf), (int)base + 8);
	assert_int_equal(nh, 17);
	assert_true(isf);
	assert_int_equal(fo, 0);
	pkt_free(p);

	/* Atomic fragment (offset 0, M=0): not a fragment. */
	f[57] = 0;
	p = frame_pkt(pool, f, 54 + 8 + 8);
	nh = 44;
	assert_int_equal(pkt_ipv6_skip_exthdr(p, base, &nh, &fo, &isf), (int)base + 8);
	assert_false(isf);
	pkt_free(p);

	/* Later fragment (offset 1480): stops at the fragment header. */
	f[56] = 0x05; f[57] = 0xc8;
	p = frame_pkt(pool, f, 54 + 8 + 8);
	nh = 44;
	assert_int_equal(pkt_ipv6_skip_exthdr(p, base, &nh, &fo, &isf), (int)base);
	assert_int_equal(nh, 44);
	assert_int_equal(fo, 1480);
	assert_true(isf);
	pkt_free(p);

	/* No Next Header. */
	f[54] = 59; f[56] = 0; f[57] = 0;
	p = frame_pkt(pool, f, 54 + 8);
	nh = 0;
	assert_int_equal(pkt_ipv6_skip_exthdr(p, base, &nh, NULL, NULL), -EINVAL);
	assert_int_equal(nh, 59);
	pkt_free(p);
	pkt_pool_destroy(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_exhaustion),
		cmocka_unit_test(test_push_pull_bounds),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_drop_names),
		cmocka_unit_test(test_csum_random),
		cmocka_unit_test(test_csum_extremes),
		cmocka_unit_test(test_ip_fast_csum),
		cmocka_unit_test(test_csum_l4_pseudo),
		cmocka_unit_test(test_csum_incremental),
		cmocka_unit_test(test_parse_l2),
		cmocka_unit_test(test_ipv6_exthdr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
