/* jhash: Bob Jenkins' lookup3 hash as the kernel's <linux/jhash.h> computes it (HMARK, cluster). */
#ifndef USNF_XT_EXT_JHASH_H
#define USNF_XT_EXT_JHASH_H

#include <stdint.h>

#define JHASH_INITVAL 0xdeadbeefu

static inline uint32_t jhash_rol32(uint32_t w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

static inline void jhash_mix(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*a -= *c; *a ^= jhash_rol32(*c, 4); *c += *b;
	*b -= *a; *b ^= jhash_rol32(*a, 6); *a += *c;
	*c -= *b; *c ^= jhash_rol32(*b, 8); *b += *a;
	*a -= *c; *a ^= jhash_rol32(*c, 16); *c += *b;
	*b -= *a; *b ^= jhash_rol32(*a, 19); *a += *c;
	*c -= *b; *c ^= jhash_rol32(*b, 4); *b += *a;
}

static inline void jhash_final(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*c ^= *b; *c -= jhash_rol32(*b, 14);
	*a ^= *c; *a -= jhash_rol32(*c, 11);
	*b ^= *a; *b -= jhash_rol32(*a, 25);
	*c ^= *b; *c -= jhash_rol32(*b, 16);
	*a ^= *c; *a -= jhash_rol32(*c, 4);
	*b ^= *a; *b -= jhash_rol32(*a, 14);
	*c ^= *b; *c -= jhash_rol32(*b, 24);
}

static inline uint32_t jhash_nwords(uint32_t a, uint32_t b, uint32_t c, uint32_t initval)
{
	a += initval;
	b += initval;
	c += initval;
	jhash_final(&a, &b, &c);
	return c;
}

static inline uint32_t jhash_3words(uint32_t a, uint32_t b, uint32_t c, uint32_t initval)
{
	return jhash_nwords(a, b, c, initval + JHASH_INITVAL + (3 << 2));
}

static inline uint32_t jhash_1word(uint32_t a, uint32_t initval)
{
	return jhash_nwords(a, 0, 0, initval + JHASH_INITVAL + (1 << 2));
}

/* jhash2(): an array of 32-bit words. */
static inline uint32_t jhash2(const uint32_t *k, uint32_t length, uint32_t initval)
{
	uint32_t a, b, c;

	a = b = c = JHASH_INITVAL + (length << 2) + initval;
	while (length > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		jhash_mix(&a, &b, &c);
		length -= 3;
		k += 3;
	}
	switch (length) {
	case 3: c += k[2]; __attribute__((fallthrough));
	case 2: b += k[1]; __attribute__((fallthrough));
	case 1:
		a += k[0];
		jhash_final(&a, &b, &c);
		break;
	default:
		break;
	}
	return c;
}

/* reciprocal_scale(): val mapped into [0, ep_ro). */
static inline uint32_t jhash_scale(uint32_t val, uint32_t ep_ro)
{
	return (uint32_t)(((uint64_t)val * ep_ro) >> 32);
}

#endif
