/* lpm: a binary trie for longest-prefix match over keys of up to 128 bits. */
#ifndef USNF_ROUTE_LPM_H
#define USNF_ROUTE_LPM_H

#include <stdint.h>

/*
 * One node per prefix bit (an uncompressed trie in one array, indices instead of
 * pointers): simple enough to be obviously right, and a lookup is at most 32 or
 * 128 steps of two loads.  Values are opaque pointers (route chains).
 */
struct lpm_node {
	uint32_t child[2];      /* 0: none (node 0 is the root, never a child) */
	void *val;
};

struct lpm {
	struct lpm_node *nodes;
	uint32_t n, cap;
	unsigned int maxbits;   /* 32 or 128 */
};

int lpm_init(struct lpm *t, unsigned int maxbits);
void lpm_free(struct lpm *t);
/* The value slot of key/plen, created if absent (NULL only on ENOMEM). */
void **lpm_slot(struct lpm *t, const uint8_t *key, unsigned int plen);
/* The value slot of exactly key/plen, NULL if the path does not exist. */
void **lpm_find(const struct lpm *t, const uint8_t *key, unsigned int plen);
/*
 * All non-NULL values on the path of key, shortest prefix first, into out
 * (room for maxbits + 1).  Returns how many.
 */
unsigned int lpm_match(const struct lpm *t, const uint8_t *key, void **out);

static inline unsigned int lpm_bit(const uint8_t *key, unsigned int i)
{
	return (key[i >> 3] >> (7 - (i & 7))) & 1u;
}

#endif
