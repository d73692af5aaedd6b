/* The address pool: entries in two arrays (addresses, counts) that grow
 * by half, and a hash index of numbers with linear probing at load <= 0.5
 * and backward-shift deletion, like the table's own index. */
#include <stdlib.h>
#include <string.h>

#include "addr_pool.h"

#define POOL_MIN_BITS 6

static uint64_t load64(const uint8_t *b)
{
	uint64_t x;

	memcpy(&x, b, sizeof(x));
	return x;
}

/* Host byte order does not matter: the hash never leaves the process. */
static size_t addr_home(const uint8_t a[16], unsigned bits)
{
	uint64_t h = load64(a) * 0x9e3779b97f4a7c15ull;

	h ^= h >> 31;
	h = (h ^ load64(a + 8)) * 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return (size_t)((h * 0x94d049bb133111ebull) >> (64 - bits));
}

void addr_pool_init(struct addr_pool *p)
{
	memset(p, 0, sizeof(*p));
}

void addr_pool_free(struct addr_pool *p)
{
	free(p->addr);
	free(p->refs);
	free(p->idx);
	addr_pool_init(p);
}

static void idx_put(uint32_t *idx, unsigned bits, const uint8_t a[16],
		    uint32_t num)
{
	size_t mask = ((size_t)1 << bits) - 1;
	size_t i = addr_home(a, bits);

	while (idx[i])
		i = (i + 1) & mask;
	idx[i] = num + 1;
}

/* Keep the index at load <= 0.5 with one more address. */
static int idx_reserve(struct addr_pool *p)
{
	unsigned bits = p->bits ? p->bits : POOL_MIN_BITS;
	uint32_t *idx;

	while (((size_t)p->live + 1) * 2 > ((size_t)1 << bits))
		bits++;
	if (bits == p->bits)
		return 0;
	idx = calloc((size_t)1 << bits, sizeof(*idx));
	if (!idx)
		return -1;
	for (uint32_t n = 0; n < p->n; n++)
		if (p->refs[n])
			idx_put(idx, bits, p->addr[n], n);
	free(p->idx);
	p->idx = idx;
	p->bits = bits;
	return 0;
}

static int entries_reserve(struct addr_pool *p)
{
	uint32_t cap;
	void *a, *r;

	if (p->free_head || p->n < p->cap)
		return 0;
	if (p->cap >= UINT32_MAX / 2)
		return -1;
	cap = p->cap ? p->cap + p->cap / 2 : 64;
	a = realloc(p->addr, (size_t)cap * sizeof(*p->addr));
	if (!a)
		return -1;
	p->addr = a;
	r = realloc(p->refs, (size_t)cap * sizeof(*p->refs));
	if (!r)
		return -1;
	p->refs = r;
	p->cap = cap;
	return 0;
}

uint32_t addr_pool_find(const struct addr_pool *p, const uint8_t addr[16])
{
	size_t mask, i;
	uint32_t num;

	if (!p->bits)
		return ADDR_POOL_NONE;
	mask = ((size_t)1 << p->bits) - 1;
	for (i = addr_home(addr, p->bits); p->idx[i]; i = (i + 1) & mask) {
		num = p->idx[i] - 1;
		if (!memcmp(p->addr[num], addr, 16))
			return num;
	}
	return ADDR_POOL_NONE;
}

uint32_t addr_pool_get(struct addr_pool *p, const uint8_t addr[16])
{
	uint32_t num = addr_pool_find(p, addr);

	if (num != ADDR_POOL_NONE) {
		p->refs[num]++;
		return num;
	}
	if (idx_reserve(p) || entries_reserve(p))
		return ADDR_POOL_NONE;
	if (p->free_head) {
		num = p->free_head - 1;
		memcpy(&p->free_head, p->addr[num], sizeof(p->free_head));
	} else {
		num = p->n++;
	}
	memcpy(p->addr[num], addr, 16);
	p->refs[num] = 1;
	p->live++;
	idx_put(p->idx, p->bits, addr, num);
	return num;
}

void addr_pool_put(struct addr_pool *p, uint32_t num)
{
	size_t mask = ((size_t)1 << p->bits) - 1;
	size_t pos, j;

	if (--p->refs[num])
		return;
	for (pos = addr_home(p->addr[num], p->bits); p->idx[pos] != num + 1;)
		pos = (pos + 1) & mask;
	/* Shift back the entries after it that would be closer to their
	 * home there. */
	for (j = pos;;) {
		size_t home;
		uint32_t e;

		j = (j + 1) & mask;
		e = p->idx[j];
		if (!e)
			break;
		home = addr_home(p->addr[e - 1], p->bits);
		if (((j - home) & mask) >= ((j - pos) & mask)) {
			p->idx[pos] = e;
			pos = j;
		}
	}
	p->idx[pos] = 0;
	memcpy(p->addr[num], &p->free_head, sizeof(p->free_head));
	p->free_head = num + 1;
	p->live--;
}

static int num_cmp(const void *pa, const void *pb, void *arg)
{
	const struct addr_pool *p = arg;
	int c = memcmp(p->addr[*(const uint32_t *)pa],
		       p->addr[*(const uint32_t *)pb], 16);

	return (c > 0) - (c < 0);
}

uint32_t *addr_pool_ranks(const struct addr_pool *p)
{
	uint32_t *num, *rank;
	size_t k = 0;

	if (!p->live)
		return NULL;
	num = malloc((size_t)p->live * sizeof(*num));
	rank = malloc((size_t)p->cap * sizeof(*rank));
	if (!num || !rank) {
		free(num);
		free(rank);
		return NULL;
	}
	for (uint32_t i = 0; i < p->n; i++)
		if (p->refs[i])
			num[k++] = i;
	qsort_r(num, k, sizeof(*num), num_cmp, (void *)p);
	for (size_t i = 0; i < k; i++)
		rank[num[i]] = (uint32_t)i;
	free(num);
	return rank;
}

size_t addr_pool_count(const struct addr_pool *p)
{
	return p->live;
}

size_t addr_pool_capacity(const struct addr_pool *p)
{
	return p->cap;
}

size_t addr_pool_memory(const struct addr_pool *p)
{
	return (size_t)p->cap * (sizeof(*p->addr) + sizeof(*p->refs)) +
	       (p->bits ? ((size_t)1 << p->bits) * sizeof(*p->idx) : 0);
}
