/* A flight recording opened for reading: the file mapped, an index of its
 * records built in one pass (type, time, place), and the table at any
 * instant rebuilt from the last key table and the deltas after it. Stops
 * at the last whole record of a file cut mid-write, with a warning. */
#ifndef CTOP_FLIGHTREC_FILE_H
#define CTOP_FLIGHTREC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "flightrec.h"
#include "flow.h"

struct fr_entry {
	uint64_t time_ns;
	size_t off, len;	/* framed record in the file */
	uint8_t type;		/* enum fr_type */
	uint8_t kind;		/* FR_FULL: enum fr_full_kind */
};

struct fr_file {
	const uint8_t *map;
	size_t size;
	bool owned;		/* map is malloc'd (read from a stream) */
	struct fr_entry *rec;	/* every whole record, in file order */
	size_t n;
	size_t *summ, nsumm;	/* the summaries' places in rec */
	size_t *tmo, ntmo;	/* the timeouts records' places in rec */
	size_t *exp, nexp;	/* the expectations records' places */
	size_t good_end;	/* bytes up to the end of the last whole record */
	unsigned int version;	/* of the file's header */
	char warning[256];	/* "" when every byte was read */
};

/* Whether PATH starts like a flight recording (1), not (0), or cannot be
 * read (-1, errno set). */
int fr_file_sniff(const char *path);
/* 0, or -1 with err (status 1: unreadable, not a recording, another
 * version). A cut or damaged end is not an error: f->warning says it. */
int fr_file_open(struct fr_file *f, const char *path, struct ctop_err *err);
/* The same on a recording in memory (read from a pipe): BUF, malloc'd,
 * is the file's and freed by fr_file_close, also on failure. */
int fr_file_open_mem(struct fr_file *f, uint8_t *buf, size_t len,
		     const char *name, struct ctop_err *err);
void fr_file_close(struct fr_file *f);

uint64_t fr_file_first_ns(const struct fr_file *f);
uint64_t fr_file_last_ns(const struct fr_file *f);

/* The summary in force at T: the last one at or before it. -1 when the
 * recording starts after T. Binary search: records are in time order. */
long fr_file_summary_at(const struct fr_file *f, uint64_t t);
int fr_file_summary(const struct fr_file *f, size_t i, struct fr_summary *s);

/* The timeouts in force at T (the last timeouts record at or before it)
 * into *t: 1, 0 when none was recorded by then (recordings of older
 * versions have none), -1 on a damaged record or out of memory. Free *t
 * with fr_timeouts_free after 1. */
int fr_file_timeouts_at(const struct fr_file *f, uint64_t t,
			struct fr_timeouts *out);

/* The expectations in force at T (the last such record at or before
 * it), their timeouts counted down to T, into a malloc'd array: 1, 0
 * when none was recorded by then, -1 on a damaged record or out of
 * memory. */
int fr_file_expect_at(const struct fr_file *f, uint64_t t,
		      struct expectation **e, size_t *n);

/* Whether a table can be rebuilt at T (a key table was recorded at or
 * before it), and the time of the full record it would be as of. */
bool fr_file_table_time(const struct fr_file *f, uint64_t t,
			uint64_t *table_ns);

/* The table at T, from the last full record at or before it: FN is
 * called once per flow (timeouts as they were at that record's time).
 * Returns 1 with *table_ns the record's time, 0 when no full table was
 * recorded at or before T, -1 on a damaged record or out of memory (err
 * filled), or what FN returned when it stopped. */
int fr_file_table_at(const struct fr_file *f, uint64_t t, uint64_t *table_ns,
		     int (*fn)(const struct flow *f, void *data), void *data,
		     struct ctop_err *err);

/* The table at T of the recording in PATH, flow by flow (none when no
 * full table was recorded at or before T). 0, or -1 with err. */
int fr_path_table_at(const char *path, uint64_t t,
		     int (*fn)(const struct flow *f, void *data), void *data,
		     struct ctop_err *err);

/* source_read's reader of a flight recording from any stream (a pipe
 * too): the table of its last full record, flow by flow; *flows counts
 * them. A cut end is warned about on stderr. */
struct read_in;
bool fr_stream_detect(const char *head, size_t n);
int fr_stream_read(struct read_in *in, int (*fn)(const struct flow *f, void *data),
		   void *data, uint64_t *flows, struct ctop_err *err);

#endif
