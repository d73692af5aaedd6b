/* Small integer helpers shared by the registry's compares and sort keys
 * and the sort's tie-break, so they agree by construction. */
#ifndef CTOP_NUM_H
#define CTOP_NUM_H

#include <stddef.h>
#include <stdint.h>

/* -1, 0 or 1, safe to negate. */
static inline int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/* Counters may be near 2^64 after years on a busy box; saturate rather
 * than wrap so the sum still sorts sensibly. */
static inline uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* The first NBYTES bytes (at most 8) as a big-endian number: addresses
 * in network order compare as these do. */
static inline uint64_t be_bits(const uint8_t *b, unsigned nbytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < nbytes; i++)
		v = v << 8 | b[i];
	return v;
}

/* Row SEL moved by DELTA, clamped to [0, N - 1]; N must not be 0. */
static inline size_t index_step(size_t sel, long delta, size_t n)
{
	long s = (long)sel + delta;

	if (s < 0)
		return 0;
	return s >= (long)n ? n - 1 : (size_t)s;
}

#endif
