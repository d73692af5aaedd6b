/* Made-up flows for tests and benchmarks: a seeded 64-bit mixer and
 * addresses from numbers, shared by tests/ctload.c, bench/order.c and the
 * unit tests. Header-only, no cmocka, no netlink: each user is one
 * program. */
#ifndef CTOP_TESTS_GEN_H
#define CTOP_TESTS_GEN_H

#include <stdint.h>
#include <string.h>

#include "../src/flow.h"

/* splitmix64's output function: the same value on every host, so a seed
 * makes the same table everywhere. */
static inline uint64_t gen_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The IPv4 address whose number is host (10.0.0.1 is 0x0a000001). */
static inline void gen_addr4(union flow_addr *a, uint32_t host)
{
	memset(a, 0, sizeof(*a));
	a->b[0] = (uint8_t)(host >> 24);
	a->b[1] = (uint8_t)(host >> 16);
	a->b[2] = (uint8_t)(host >> 8);
	a->b[3] = (uint8_t)host;
}

/* The IPv6 address w0:w1::low (low in the last 32 bits). */
static inline void gen_addr6(union flow_addr *a, uint16_t w0, uint16_t w1, uint32_t low)
{
	memset(a, 0, sizeof(*a));
	a->b[0] = (uint8_t)(w0 >> 8);
	a->b[1] = (uint8_t)w0;
	a->b[2] = (uint8_t)(w1 >> 8);
	a->b[3] = (uint8_t)w1;
	a->b[12] = (uint8_t)(low >> 24);
	a->b[13] = (uint8_t)(low >> 16);
	a->b[14] = (uint8_t)(low >> 8);
	a->b[15] = (uint8_t)low;
}

#endif
