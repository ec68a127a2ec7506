/* fuzz_geoip: the xt_geoip database decoder and range lookup on arbitrary file bytes (first byte: 0 = .iv4, else .iv6). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xt/ext/ext_addons.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int cmp(const uint32_t *a, const uint32_t *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xt_geoip_range *r;
	uint32_t n, i, w, words;
	bool v6, sorted = true;
	size_t rec;

	if (size < 1)
		return 0;
	v6 = data[0] != 0;
	words = v6 ? 4 : 1;
	rec = v6 ? 32 : 8;
	data++, size--;
	if (xt_geoip_decode(data, size, v6, &r, &n)) {
		if (size % rec == 0)
			abort();        /* whole records must decode */
		return 0;
	}
	if (n != size / rec || (n == 0) != (r == NULL))
		abort();
	for (i = 0; i < n; i++) {
		for (w = 0; w < words; w++)
			if (r[i].begin[w] != be32(data + i * rec + 4 * w) ||
			    r[i].end[w] != be32(data + i * rec + 4 * (words + w)))
				abort();
		if (cmp(r[i].begin, r[i].end, words) > 0 ||
		    (i && cmp(r[i - 1].end, r[i].begin, words) >= 0))
			sorted = false;
	}
	/* In a well-formed (sorted, disjoint) file every bound is found. */
	for (i = 0; i < n; i++) {
		bool b = xt_geoip_lookup(r, n, v6, r[i].begin), e = xt_geoip_lookup(r, n, v6, r[i].end);

		if (sorted && (!b || !e))
			abort();
	}
	free(r);
	return 0;
}
