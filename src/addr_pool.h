/* A set of 16-byte addresses with reference counts, each named by a
 * 32-bit number. The table keeps the IPv6 addresses of its records here,
 * so that a record holds four 4-byte numbers where an IPv4 flow holds its
 * four addresses: most flows of a router are IPv4, and the IPv6 ones
 * share few addresses (the LAN's hosts, popular servers).
 *
 * A pool belongs to one table and is used by the thread that owns the
 * table; it is not locked. Numbers stay valid while referenced; a number
 * whose last reference is dropped is reused.
 */
#ifndef CTOP_ADDR_POOL_H
#define CTOP_ADDR_POOL_H

#include <stddef.h>
#include <stdint.h>

struct addr_pool {
	uint8_t (*addr)[16];	/* by number; a free entry links the next */
	uint32_t *refs;		/* 0: free */
	uint32_t n, cap;	/* numbers handed out, allocated */
	uint32_t free_head;	/* first free number + 1, 0 = none */
	uint32_t live;		/* addresses referenced */
	uint32_t *idx;		/* open addressing: number + 1, 0 = empty */
	unsigned bits;		/* 0 while no index */
};

#define ADDR_POOL_NONE UINT32_MAX

void addr_pool_init(struct addr_pool *p);
void addr_pool_free(struct addr_pool *p);
/* A reference to ADDR: its number, or ADDR_POOL_NONE when out of memory
 * (the pool is unchanged then). */
uint32_t addr_pool_get(struct addr_pool *p, const uint8_t addr[16]);
/* The number of ADDR, or ADDR_POOL_NONE; takes no reference. */
uint32_t addr_pool_find(const struct addr_pool *p, const uint8_t addr[16]);
/* Drop one reference to NUM. */
void addr_pool_put(struct addr_pool *p, uint32_t num);
static inline const uint8_t *addr_pool_addr(const struct addr_pool *p,
					    uint32_t num)
{
	return p->addr[num];
}
/* Addresses referenced now, numbers allocated, and the bytes the pool
 * holds. Numbers are not moved: a pool of mostly free numbers is given
 * back by building a new one (the table does, after a sweep). */
size_t addr_pool_count(const struct addr_pool *p);
/* The place of each address in the order of its 16 bytes (memcmp):
 * rank[num] for every referenced number (other entries unset), in an
 * array of addr_pool_capacity() entries the caller frees. Equal ranks
 * are equal addresses, so a sort can order by rank alone. NULL when the
 * pool is empty or memory ran out. Valid until the pool changes. */
uint32_t *addr_pool_ranks(const struct addr_pool *p);
size_t addr_pool_capacity(const struct addr_pool *p);
size_t addr_pool_memory(const struct addr_pool *p);

#endif
