/* The table owns the flows between refreshes: a hash keyed by
 * flow_key_hash()/flow_key_equal() (tuple + zone, not the conntrack id),
 * mark-and-sweep across dumps, incremental updates (events), tombstones
 * for flows destroyed while a dump is under way, and per-flow rates from
 * counter deltas. It knows nothing of screens or netlink. */
#ifndef CTOP_TABLE_H
#define CTOP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/* One stored flow. Kept small: at a million flows every byte is a MB. */
struct table_flow {
	struct flow f;
	uint64_t prev_bytes;	/* orig+reply bytes at the previous sample */
	uint32_t prev_packets;	/* low 32 bits suffice for a delta */
	uint32_t sample_ms;	/* ms since the table's epoch, last sample */
	uint32_t gen;		/* dump generation that last saw it */
	float bps, pps;		/* rates from the last two samples */
};

struct table;

struct table *table_new(void);
void table_free(struct table *t);

/* Number of live flows. */
size_t table_count(const struct table *t);

/* Insert or update a flow (from a dump, an event or a targeted get).
 * now_ms is a monotonic clock in ms; rates are computed when the previous
 * sample is older. Returns the stored flow (valid until the next insert
 * or remove). While a sweep is open, a flow with a tombstone is not
 * brought back (returns NULL). */
struct table_flow *table_upsert(struct table *t, const struct flow *f,
				uint64_t now_ms);
/* Remove by key (a DESTROY event or a delete). While a sweep is open a
 * tombstone remembers the key until table_sweep_end. Returns true if it
 * was present. */
bool table_remove(struct table *t, const struct flow *key);
struct table_flow *table_find(struct table *t, const struct flow *key);

/* Mark-and-sweep: begin before a full dump, upsert every dumped flow, end
 * after it; flows the dump did not hold are removed. Returns how many. */
void table_sweep_begin(struct table *t);
size_t table_sweep_end(struct table *t);

/* Monotonic change counter: bumps on every insert, update that changed a
 * field, or remove, so views can skip work when nothing changed. */
uint64_t table_version(const struct table *t);

/* Iteration over live flows in storage order: pass *cursor = 0 first;
 * returns NULL at the end. Do not insert or remove while iterating. */
struct table_flow *table_next(struct table *t, size_t *cursor);

/* Bytes of memory the table holds (records, index, tombstones). */
size_t table_memory(const struct table *t);

#endif
