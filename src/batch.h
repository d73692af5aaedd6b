/* Batch writers: text, JSON and CSV, for ctop -1 and ctop -b. Flows are
 * written as they come (streaming), so a plain dump needs no table. */
#ifndef CTOP_BATCH_H
#define CTOP_BATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "columns.h"
#include "flow.h"
#include "group.h"
#include "stats.h"

enum batch_format { BATCH_TEXT, BATCH_JSON, BATCH_CSV };

struct batch_opts {
	enum batch_format format;
	bool header;			/* text/csv header row (-H drops it) */
	const enum column_id *cols;	/* text columns */
	size_t ncols;
	const char *rows_verb;		/* text footer "# N flows VERB"; NULL:
					 * "shown" */
	int fit_width;			/* text on a terminal: rows fitted to
					 * this many cells, cut cells marked
					 * (layout.h); 0: whole values */
	const char *marker;		/* for cut cells; NULL: "~" */
};

struct batch_snapshot {
	uint64_t time_ns;		/* CLOCK_REALTIME */
	const char *netns;		/* NULL for the current namespace */
	const char *filter;		/* "" for none */
	const struct table_stats *stats; /* NULL if not read */
	bool have_stats;
};

struct batch;

struct batch *batch_new(FILE *out, const struct batch_opts *opts);
/* Widen text columns to fit these flows (when they are all in memory,
 * e.g. sorted output); without it text uses the registry's widths and
 * longer values push the row. With fit_width the columns are then fitted
 * to the terminal: columns without data may leave, cells that do not fit
 * are shortened visibly. */
void batch_fit(struct batch *b, const struct flow *const *flows, size_t n);
void batch_begin(struct batch *b, const struct batch_snapshot *snap);
void batch_flow(struct batch *b, const struct flow *f);
/* shown: flows written; seen: flows read from the kernel. */
void batch_end(struct batch *b, uint64_t shown, uint64_t seen);
/* One grouped snapshot: rows most flows first (n of them shown, of
 * ngroups in all), total = flows grouped. Shares are of the table: the
 * kernel's count when snap has it (never less than total), else total. */
void batch_groups(struct batch *b, const struct batch_snapshot *snap,
		  enum group_by by, const struct group_row *rows, size_t n,
		  size_t ngroups, uint64_t total);
/* Whether a write already failed (a closed pipe): the caller can stop
 * reading the table early. */
bool batch_failed(const struct batch *b);
/* Flush buffered output; returns -1 on a write error (errno set). */
int batch_flush(struct batch *b);
void batch_free(struct batch *b);

/* ctop -E: one line per conntrack event at time_ns (CLOCK_REALTIME).
 * event is "new", "update" or "destroy" with its flow, or "overflow"
 * with f NULL and lost the number of events lost (-1: unknown). JSON:
 * {"time":T,"event":E,"flow":{...}} or {"time":T,"event":"overflow",
 * "lost":N|null}; text: time, [EVENT], the columns; CSV: time, event,
 * lost, then the flow fields. Text and CSV start with a header row
 * unless opts.header is off. */
/* STOP_NS, when not 0, is the kernel's end time of a destroyed flow
 * (timestamps on): JSON writes it as "stop" beside the flow. */
void batch_event(struct batch *b, uint64_t time_ns, const char *event,
		 const struct flow *f, long long lost, uint64_t stop_ns);

#endif
