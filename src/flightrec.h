/* The flight recorder's file format (ctop -w): pure encoding and decoding,
 * no I/O. Documented for other readers in man/ctop.8 (FILES).
 *
 * A file is a 16-byte header, then records appended one after another:
 *
 *	header:  "CTOPFLR\n"  u16 version (2)  u16 0  u32 0
 *	record:  u32 length   u32 crc32       payload (length bytes)
 *	payload: u8 type  u64 time (ns since the epoch, UTC)  body...
 *
 * Every integer is big-endian, whatever the machine that wrote it. The
 * crc32 (IEEE 802.3, as zlib's) covers the payload, so a reader stops at
 * the last whole record of a file cut mid-write (killed, disk full,
 * power lost) and says so. Types:
 *
 *  FR_SUMMARY, every interval: the table figures (count, max, per-CPU
 *    statistics summed), flows added and removed since the previous
 *    summary, early-drop candidates, and per dimension (source,
 *    destination, destination port, protocol+state, zone) the top keys
 *    with their flows plus the rest as one bucket.
 *  FR_FULL, every Nth interval (--full-every): the table's flows, either
 *    all of them (a key table) or what changed since the previous full
 *    record of the same file (a delta: flows new or changed, and the keys
 *    of flows gone). Each file's first full record is a key table.
 *  FR_TIMEOUTS, at the start of a file and whenever they change: the
 *    kernel's timeout sysctls and cttimeout policies, for the T view.
 *  FR_EXPECT, likewise: the expectation table, for the E view (a change
 *    of timeouts alone writes none: they count down from the record).
 *
 * A reader skips a record of a type it does not know (by its length), so
 * a new type needs no new version; the version changes when a known
 * record's layout does.
 */
#ifndef CTOP_FLIGHTREC_H
#define CTOP_FLIGHTREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "group.h"
#include "source_policy.h"
#include "stats.h"
#include "timeouts.h"

#define FR_MAGIC		"CTOPFLR\n"
/* 2: a flow item may carry its helper name and labels. Version 1 files
 * read the same (they never have them). */
#define FR_VERSION		2
#define FR_HEADER_LEN		16
#define FR_FRAME_LEN		8	/* length + crc32 */
/* A record longer than this is corruption, not data (a key table of
 * 16 million flows fits). */
#define FR_RECORD_MAX		(1u << 30)

enum fr_type { FR_SUMMARY = 1, FR_FULL = 2, FR_TIMEOUTS = 3, FR_EXPECT = 4 };

/* The summary's dimensions, in file order. */
enum fr_dim { FR_DIM_SRC, FR_DIM_DST, FR_DIM_DPORT, FR_DIM_STATE,
	      FR_DIM_ZONE, FR_DIMS };
#define FR_TOP_MAX		64	/* keys kept per dimension, at most */
#define FR_TOP_DEFAULT		10

/* The grouping a dimension is, and the dimension of a grouping (-1 when
 * summaries do not keep it). */
enum group_by fr_dim_group(enum fr_dim d);
int fr_group_dim(enum group_by by);

struct fr_bucket {
	struct group_key key;
	uint32_t flows;
};

struct fr_dimension {
	uint32_t n;			/* buckets in top */
	struct fr_bucket top[FR_TOP_MAX];
	uint64_t rest_flows;		/* flows under the other keys */
	uint32_t rest_keys;		/* how many other keys */
};

struct fr_summary {
	uint64_t time_ns;
	uint32_t interval_ms;		/* since the previous summary */
	bool have_stats;		/* st holds the kernel's figures */
	struct table_stats st;
	int64_t buckets;		/* nf_conntrack_buckets, -1 unknown */
	uint64_t flows;			/* flows summarized (the filter's) */
	uint64_t not_assured;		/* early-drop candidates */
	uint64_t added, removed;	/* since the previous summary */
	struct fr_dimension dim[FR_DIMS];
};

/* A growable output buffer; oom is sticky. */
struct fr_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
	size_t start;			/* where the open record begins */
	uint32_t items;			/* of the open full record */
};

void fr_buf_free(struct fr_buf *b);
/* The 16-byte file header into b (appended). */
void fr_put_header(struct fr_buf *b);
/* A whole summary record, framed, appended to b. */
void fr_put_summary(struct fr_buf *b, const struct fr_summary *s);

/* A full record, built in three steps: begin, items, end (frames it). */
enum fr_full_kind { FR_FULL_KEY = 0, FR_FULL_DELTA = 1 };
void fr_full_begin(struct fr_buf *b, uint64_t time_ns, enum fr_full_kind kind);
void fr_full_flow(struct fr_buf *b, const struct flow *f);
void fr_full_gone(struct fr_buf *b, uint64_t key_hash);
void fr_full_end(struct fr_buf *b);

/* A timeouts record: the sysctl rows of TO (their names and seconds) and,
 * when HAVE_POLICIES (the cttimeout dump worked), the policies (names,
 * families, protocols, states and seconds; not their reference counts,
 * which move with every flow). */
void fr_put_timeouts(struct fr_buf *b, uint64_t time_ns,
		     const struct timeouts *to, bool have_policies,
		     const struct timeout_policy *pol, size_t npol);
/* An expectations record: the N expectations of E. With NO_TIMEOUTS
 * their timeouts are written as 0 (what a writer compares, to write a
 * record only when the table changed otherwise). */
void fr_put_expect(struct fr_buf *b, uint64_t time_ns,
		   const struct expectation *e, size_t n, bool no_timeouts);
/* Where the body of the last record in b starts (after type and time),
 * to compare a record with the previous one of its kind. */
size_t fr_body_offset(const struct fr_buf *b);

/* A flow's key (tuple, protocol, family, zone), hashed the same on every
 * machine (the file holds it), and what a delta compares (the key with
 * status, state, mark, id, helper and labels; not counters or timeouts,
 * which move all the time), which stays in the writer's memory. */
uint64_t fr_key_hash(const struct flow *f);
uint64_t fr_content_hash(const struct flow *f);

uint32_t fr_crc32(const uint8_t *p, size_t len);

/* ---- decoding ---- */

/* Whether p (len bytes) starts with a flight recording's header: 1 (a
 * version this reader reads, 1 to FR_VERSION), 0 when it is something
 * else, -1 for a recording of another version (*version set). */
int fr_header_check(const uint8_t *p, size_t len, unsigned int *version);

/* The record at p with avail bytes left: FR_REC_OK (*reclen: framed
 * length), FR_REC_CUT (the file ends inside it), FR_REC_BAD (crc or
 * length wrong). */
enum fr_rec { FR_REC_OK, FR_REC_CUT, FR_REC_BAD };
enum fr_rec fr_record_check(const uint8_t *p, size_t avail, size_t *reclen);
/* Type and time of a checked record (p at its frame). -1 if too short. */
int fr_record_head(const uint8_t *p, size_t reclen, enum fr_type *type,
		   uint64_t *time_ns);

/* A checked summary record into *s: 0, or -1 when malformed. */
int fr_get_summary(const uint8_t *p, size_t reclen, struct fr_summary *s);

/* A checked timeouts record: the rows (counts zero) and the policies,
 * whose state names live in names. Free with fr_timeouts_free. */
struct fr_timeouts {
	uint64_t time_ns;
	struct timeouts to;
	bool have_policies;		/* the policies were read */
	struct timeout_policy *pol;	/* use: POLICY_USE_UNKNOWN */
	size_t npol;
	char *names;
};
/* 0, or -1 when malformed or out of memory (*t then empty). */
int fr_get_timeouts(const uint8_t *p, size_t reclen, struct fr_timeouts *t);
void fr_timeouts_free(struct fr_timeouts *t);

/* A checked expectations record into a malloc'd array (*e, *n; free
 * it), timeouts as written: 0, or -1 when malformed or out of memory. */
int fr_get_expect(const uint8_t *p, size_t reclen, uint64_t *time_ns,
		  struct expectation **e, size_t *n);

/* Items of a checked full record, one by one. */
struct fr_full_reader {
	const uint8_t *p, *end;
	uint64_t time_ns;
	enum fr_full_kind kind;
	uint32_t items, left;
};
int fr_full_open(struct fr_full_reader *r, const uint8_t *p, size_t reclen);
/* 1: a flow into *f; 2: a key gone into *gone; 0: the end; -1: bad. */
int fr_full_next(struct fr_full_reader *r, struct flow *f, uint64_t *gone);

#endif
