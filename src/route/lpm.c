/* lpm: a binary trie for longest-prefix match over keys of up to 128 bits. */
#include "route/lpm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int lpm_init(struct lpm *t, unsigned int maxbits)
{
	memset(t, 0, sizeof(*t));
	t->maxbits = maxbits;
	t->cap = 64;
	t->nodes = calloc(t->cap, sizeof(*t->nodes));
	if (!t->nodes)
		return -ENOMEM;
	t->n = 1;       /* the root */
	return 0;
}

void lpm_free(struct lpm *t)
{
	free(t->nodes);
	t->nodes = NULL;
	t->n = t->cap = 0;
}

static uint32_t lpm_node_new(struct lpm *t)
{
	if (t->n == t->cap) {
		uint32_t cap = t->cap * 2;
		struct lpm_node *nn = realloc(t->nodes, cap * sizeof(*nn));

		if (!nn)
			return 0;
		memset(nn + t->cap, 0, (cap - t->cap) * sizeof(*nn));
		t->nodes = nn;
		t->cap = cap;
	}
	return t->n++;
}

void **lpm_slot(struct lpm *t, const uint8_t *key, unsigned int plen)
{
	uint32_t cur = 0;

	for (unsigned int i = 0; i < plen; i++) {
		unsigned int b = lpm_bit(key, i);
		uint32_t next = t->nodes[cur].child[b];

		if (!next) {
			next = lpm_node_new(t);
			if (!next)
				return NULL;
			t->nodes[cur].child[b] = next;
		}
		cur = next;
	}
	return &t->nodes[cur].val;
}

void **lpm_find(const struct lpm *t, const uint8_t *key, unsigned int plen)
{
	uint32_t cur = 0;

	for (unsigned int i = 0; i < plen; i++) {
		cur = t->nodes[cur].child[lpm_bit(key, i)];
		if (!cur)
			return NULL;
	}
	return &t->nodes[cur].val;
}

unsigned int lpm_match(const struct lpm *t, const uint8_t *key, void **out)
{
	unsigned int n = 0;
	uint32_t cur = 0;

	for (unsigned int i = 0;; i++) {
		if (t->nodes[cur].val)
			out[n++] = t->nodes[cur].val;
		if (i == t->maxbits)
			break;
		cur = t->nodes[cur].child[lpm_bit(key, i)];
		if (!cur)
			break;
	}
	return n;
}
