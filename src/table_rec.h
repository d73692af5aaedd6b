/* How the table stores a flow: struct flow with its addresses made
 * small. A struct flow is 144 bytes, 64 of them four 16-byte addresses;
 * an IPv4 flow uses 16 of those. A record keeps IPv4 addresses as they
 * are and any other address (IPv6, or an IPv4 address whose unused bytes
 * are not zero) as a number in the table's address pool, and only 32-bit
 * fields, so its alignment is 4 and nothing is padding: 104 bytes. A
 * tuple's ICMP type and code share the destination port's 16 bits, as
 * in the kernel's tuple (flow_tuple_dslot).
 * Private to the table: everyone else reads records as struct flow,
 * through table_view(). */
#ifndef CTOP_TABLE_REC_H
#define CTOP_TABLE_REC_H

#include <stdbool.h>
#include <stdint.h>

#include "addr_pool.h"
#include "flow.h"

/* The key and the id first: a sort that compares keys reads 40 bytes. */
struct table_rec {
	uint32_t addr[4];	/* orig src, orig dst, reply src, reply dst */
	uint16_t port[4];	/* orig sport, dslot, reply sport, dslot */
	uint16_t zone[2];	/* orig, reply */
	uint32_t id;
	uint8_t family;		/* 0: a free record */
	uint8_t protonum;
	uint8_t pooled;		/* addr[] are numbers in the address pool */
	uint8_t state, helper, labels, has;
	uint8_t spare;
	uint32_t cnt[8];	/* orig packets, bytes, reply packets, bytes:
				 * each as low, high 32 bits */
	uint32_t start[2];	/* start_ns: low, high */
	uint32_t status, timeout, mark;
	uint32_t sample_ms;	/* the rate's state: see table.c */
	float bps, pps;
};

/* Write F into R. LIVE: R holds a flow now, whose pool references are
 * dropped once F's are taken. False when the pool is out of memory: R
 * is unchanged then. The rate's fields are not touched. */
bool rec_store(struct table_rec *r, bool live, const struct flow *f,
	       struct addr_pool *p);
/* Drop R's references to the pool (R is being freed). */
void rec_release(struct table_rec *r, struct addr_pool *p);
/* The flow R holds, every field set. */
void rec_load(const struct table_rec *r, const struct addr_pool *p,
	      struct flow *f);
/* Only its key (flow_key_equal's fields) and id: the other fields of F
 * are left as they were. */
void rec_load_key(const struct table_rec *r, const struct addr_pool *p,
		  struct flow *f);
/* flow_key_equal and flow_key_hash on R's flow, without building it. */
bool rec_key_equal(const struct table_rec *r, const struct addr_pool *p,
		   const struct flow *key);
uint64_t rec_key_hash(const struct table_rec *r, const struct addr_pool *p);

#endif
