/* The screen on a flight recording (ctop -R FILE, a -w file): which
 * instant is shown, moved by the time keys and the jump prompt, and the
 * figures around it for the graphs. The flows of that instant are read by
 * the fetch worker (fetch_replay_at); this part only keeps the clock. */
#ifndef CTOP_TUI_TIMELINE_H
#define CTOP_TUI_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../flightrec_file.h"

struct timeline {
	bool on;			/* the screen shows a flight recording */
	struct fr_file f;
	long idx;			/* the summary in force */
	uint64_t at_ns;			/* its time */
	struct fr_summary cur;		/* and its figures */
	bool has_table;			/* a full table at or before it */
	uint64_t table_ns;		/* the full record it is as of */
};

/* Open PATH when it is a flight recording (a file): on the last summary.
 * Not a recording: tl->on stays false, 0. -1 with err on a broken one. */
int timeline_open(struct timeline *tl, const char *path, struct ctop_err *err);
void timeline_close(struct timeline *tl);

/* Step by STEPS summaries (one interval each) or, with SECONDS non-zero,
 * to the summary in force SECONDS later (earlier when negative; at least
 * one summary on). False when already at that end. */
bool timeline_step(struct timeline *tl, long steps, long seconds);
/* To the summary in force at T (the first one when T is earlier). */
void timeline_jump(struct timeline *tl, uint64_t t);

/* Graphs: N values over SPAN seconds centred on the instant (each the
 * last summary at or before its column's end; -1 where nothing was
 * recorded). */
enum timeline_series { TS_FILL, TS_ADDED, TS_REMOVED, TS_DROPS };
void timeline_series(const struct timeline *tl, enum timeline_series what,
		     double *v, size_t n, uint64_t span_s);
/* The column of the instant in such a series. */
size_t timeline_now_col(size_t n);

#endif
