/* csum: Internet checksum arithmetic, word at a time, alignment-safe. */
#include <string.h>

#include "pkt/csum.h"

/* One's complement addition of 32-bit values (end-around carry). */
static inline uint32_t csum_add32(uint32_t a, uint32_t b)
{
	uint32_t s = a + b;

	return s + (s < a);
}

static inline uint32_t csum_fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

/*
 * Sum 32-bit halves of 64-bit loads into a 64-bit accumulator: no carry can be
 * lost before 2^32 additions, and the final fold gives the 16-bit one's
 * complement sum of RFC 1071 on any byte order, as long as words start at buf.
 */
uint32_t csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *b = buf;
	uint64_t acc = sum, acc2 = 0;
	uint64_t w;

	while (len >= 32) {
		uint64_t w0, w1, w2, w3;

		memcpy(&w0, b, 8);
		memcpy(&w1, b + 8, 8);
		memcpy(&w2, b + 16, 8);
		memcpy(&w3, b + 24, 8);
		acc += (w0 & 0xffffffffu) + (w1 & 0xffffffffu);
		acc2 += (w0 >> 32) + (w1 >> 32);
		acc += (w2 & 0xffffffffu) + (w3 & 0xffffffffu);
		acc2 += (w2 >> 32) + (w3 >> 32);
		b += 32;
		len -= 32;
	}
	while (len >= 8) {
		memcpy(&w, b, 8);
		acc += w & 0xffffffffu;
		acc2 += w >> 32;
		b += 8;
		len -= 8;
	}
	acc = csum_fold64(acc) + (uint64_t)csum_fold64(acc2);   /* < 2^33: the tail cannot overflow */
	/*
	 * Tail: fixed-size loads.  Which 16-bit lane a word lands in does not matter
	 * (2^16 = 1 modulo 0xffff); only the odd last byte must stay the first byte
	 * of its word, hence the 2-byte load with a zero second byte.
	 */
	if (len & 4) {
		uint32_t t;

		memcpy(&t, b, 4);
		acc += t;
		b += 4;
	}
	if (len & 2) {
		uint16_t t;

		memcpy(&t, b, 2);
		acc += t;
		b += 2;
	}
	if (len & 1) {
		uint16_t t = 0;

		memcpy(&t, b, 1);
		acc += t;
	}
	return csum_fold64(acc);
}

uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t ip_fast_csum(const void *iph, unsigned int ihl)
{
	return csum_fold(csum_partial(iph, (size_t)ihl * 4, 0));
}

/* The bytes of a 16-bit big-endian value, loaded in host order. */
static inline uint32_t csum_be16(uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	uint16_t h;

	memcpy(&h, b, 2);
	return h;
}

/* Pseudo header of RFC 793/768: saddr, daddr, zero, proto, 16-bit length. */
uint32_t csum_pseudo4(uint32_t saddr, uint32_t daddr, uint8_t proto, uint32_t len)
{
	uint64_t s = (uint64_t)saddr + daddr + csum_be16(proto) + csum_be16((uint16_t)len) +
		     csum_be16((uint16_t)(len >> 16));

	return csum_fold64(s);
}

/* Pseudo header of RFC 8200 section 8.1: addresses, 32-bit length, 3 zeros, next header. */
uint32_t csum_pseudo6(const uint8_t *saddr, const uint8_t *daddr, uint8_t proto, uint32_t len)
{
	uint32_t s = csum_partial(saddr, 16, 0);

	s = csum_partial(daddr, 16, s);
	s = csum_add32(s, csum_be16((uint16_t)(len >> 16)) + csum_be16((uint16_t)len));
	return csum_add32(s, csum_be16(proto));
}

uint16_t csum_l4(const struct pkt *p, uint32_t off, uint32_t len, uint32_t pseudo)
{
	const void *d = pkt_header(p, off, len);

	if (!d)
		return 0xffff;
	return csum_fold(csum_partial(d, len, pseudo));
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), computed on the unfolded 32-bit sum. */
static void csum_update(uint16_t *field, uint32_t sub, uint32_t add)
{
	uint16_t hc;
	uint32_t s;

	memcpy(&hc, field, 2);
	s = csum_add32((uint16_t)~hc, ~sub);
	s = csum_add32(s, add);
	hc = csum_fold(s);
	memcpy(field, &hc, 2);
}

void csum_replace2(uint16_t *field, uint16_t from, uint16_t to)
{
	/* A 16-bit ~from: widen first so the upper half stays zero. */
	csum_update(field, 0xffff0000u | from, to);
}

void csum_replace4(uint16_t *field, uint32_t from, uint32_t to)
{
	csum_update(field, from, to);
}

void csum_replace16(uint16_t *field, const uint8_t *from, const uint8_t *to)
{
	uint16_t hc;
	uint32_t s;

	memcpy(&hc, field, 2);
	s = (uint16_t)~hc;
	for (int i = 0; i < 16; i += 4) {
		uint32_t f, t;

		memcpy(&f, from + i, 4);
		memcpy(&t, to + i, 4);
		s = csum_add32(s, ~f);
		s = csum_add32(s, t);
	}
	hc = csum_fold(s);
	memcpy(field, &hc, 2);
}
