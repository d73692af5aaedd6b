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

/* The table stores each flow in a compact record (struct table_rec,
 * private to it: 104 bytes where struct flow is 144, since IPv4 flows
 * need no 16-byte addresses). Callers hold records by address and read
 * them through table_view(), which fills this: the flow, and its rate
 * from the counter deltas. */
struct table_flow {
	struct flow f;		/* first: order_record_rate() relies on it */
	uint32_t sample_ms;	/* ms since the table's epoch, last sample */
	float bps, pps;		/* rates from the last two samples */
};

struct table;
struct table_rec;

/* Fill V from the record R of table T. */
void table_view(const struct table *t, const struct table_rec *r,
		struct table_flow *v);
/* Only the key of V's flow (flow_key_equal's fields) and its id; the
 * rest of V is left as it was. For comparisons of keys. */
void table_view_key(const struct table *t, const struct table_rec *r,
		    struct table_flow *v);
/* For a sort of many records: the rank of each of the table's pooled
 * addresses (addr_pool_ranks: every IPv6 address) in their memcmp order,
 * to be freed; NULL when there is none or no memory. Valid until the
 * next insert, update or remove. table_rec_ranks gives R's four (orig
 * src, dst, reply src, dst) from it, or false when R keeps its addresses
 * inline (an IPv4 flow: its addresses are their own order). */
uint32_t *table_addr_ranks(const struct table *t);
size_t table_addr_count(const struct table *t);
bool table_rec_ranks(const struct table_rec *r, const uint32_t *ranks,
		     uint32_t out[4]);
/* False for a record that was removed (and not reused since). */
bool table_rec_live(const struct table_rec *r);

struct table *table_new(void);
void table_free(struct table *t);

/* Number of live flows. */
size_t table_count(const struct table *t);

/* Size the index for N flows now (e.g. the kernel's count before a first
 * dump), so that loading them does not grow and rehash it on the way.
 * Never shrinks. 0, or -1 with errno ENOMEM (the table is unchanged). */
int table_reserve(struct table *t, size_t n);

/* Insert or update a flow (from a dump, an event or a targeted get);
 * a new record is taken to report its end (table_upsert_ends below).
 * now_ms is a monotonic clock in ms; rates are computed when the previous
 * sample is older. Returns the stored flow (valid until the next insert
 * or remove). While a sweep is open, a flow with a tombstone is not
 * brought back (returns NULL). */
struct table_rec *table_upsert(struct table *t, const struct flow *f,
				uint64_t now_ms);
/* How the end of a flow will be known. With nf_conntrack_events=2 only
 * the flows created while someone listened carry the kernel's event
 * extension; the others (all those a first dump finds, with the default
 * sysctl) end without a DESTROY. The table keeps a bit per record for
 * them, so the screen can look for those ends alone. */
enum table_ends {
	TABLE_ENDS_KEEP,	/* as known; a new record: reported */
	TABLE_ENDS_UNKNOWN,	/* read (dump, get): a new record, or a new
				 * conntrack id on a known tuple, may end
				 * silently */
	TABLE_ENDS_REPORTED,	/* an event came: its end will be reported */
};
/* table_upsert, saying what the source tells of the flow's events. */
struct table_rec *table_upsert_ends(struct table *t, const struct flow *f,
				     uint64_t now_ms, enum table_ends ends);
/* Flows that may end without an event, and whether KEY is one. */
size_t table_silent_count(const struct table *t);
bool table_is_silent(const struct table *t, const struct flow *key);
/* Those flows in storage order, as table_next (same cursor rules). */
struct table_rec *table_next_silent(struct table *t, size_t *cursor);

/* Remove by key (a DESTROY event or a delete). While a sweep is open a
 * tombstone remembers the key until table_sweep_end. Returns true if it
 * was present. */
bool table_remove(struct table *t, const struct flow *key);
struct table_rec *table_find(struct table *t, const struct flow *key);
/* A hint that F is upserted or looked up soon: start loading its place in
 * the index. Applying a batch, a few flows ahead, hides most of the cache
 * misses of a big index. */
void table_prefetch(const struct table *t, const struct flow *f);

/* Mark-and-sweep: begin before a full dump, upsert every dumped flow, end
 * after it; flows the dump did not hold are removed. Returns how many.
 * When the dump saw every flow (a first load), ending costs no pass. */
void table_sweep_begin(struct table *t);
size_t table_sweep_end(struct table *t);
/* Close the sweep without removing anything: a dump that failed saw only
 * part of the table. */
void table_sweep_cancel(struct table *t);

/* When R was last written, on the clock of the now_ms given to
 * table_upsert, to within the rate sampling step (100 ms): the moment its
 * timeout was read. NOW_MS is the time now: records keep 32-bit times,
 * which wrap after 49 days; counted back from now they stay exact for
 * anything written in the last 49 days. */
uint64_t table_written_ms(const struct table *t, const struct table_rec *r,
			  uint64_t now_ms);

/* Monotonic change counter: bumps on every insert, update that changed a
 * field, or remove, so views can skip work when nothing changed. */
uint64_t table_version(const struct table *t);
/* Monotonic count of records freed or moved: while it stands still,
 * every record pointer still means the flow it meant (a freed slot is
 * reused by the next flow inserted). */
uint64_t table_frees(const struct table *t);

/* Iteration over live flows in storage order: pass *cursor = 0 first;
 * returns NULL at the end. Do not insert or remove while iterating. */
struct table_rec *table_next(struct table *t, size_t *cursor);

/* Bytes of memory the table holds (records, index, tombstones). */
size_t table_memory(const struct table *t);

#endif
