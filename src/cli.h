/* Command-line options into a plain struct; no side effects. */
#ifndef CTOP_CLI_H
#define CTOP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "batch.h"
#include "columns.h"
#include "err.h"
#include "group.h"

#define CLI_MAX_COLS 32

/* -o openmetrics and -o prometheus: the table figures as metrics, written
 * by report.c rather than the flow writers. */
enum metrics_format {
	METRICS_NONE,
	METRICS_OPENMETRICS,	/* OpenMetrics text, "# EOF" at the end */
	METRICS_PROMETHEUS,	/* Prometheus text 0.0.4 (textfile collector) */
};

struct cli {
	bool help, version;
	bool batch;		/* -b, -1, or stdout not a terminal */
	long iterations;	/* -n; 0 = until interrupted, -1 = not given */
	double delay;		/* -d seconds between refreshes */
	bool delay_set;		/* -d given */
	enum batch_format format;
	bool header;		/* -H clears */
	enum column_id cols[CLI_MAX_COLS];
	size_t ncols;
	enum column_id sort;
	bool sort_set, reverse;
	enum group_by group;
	long top;		/* --top N, 0 = all */
	const char *netns;
	char *filter;		/* trailing arguments joined; "" if none */
	bool readonly, no_color, resolve;
	const char *record;
	/* -R/--read FILE, --replay FILE, or "-" (standard input): the
	 * table comes from there, not the kernel (source_read.h). */
	const char *replay;
	/* Reports instead of the flow list (report.h); -o openmetrics or
	 * prometheus leaves format alone and sets metrics. */
	bool stats, timeouts, expect;
	enum metrics_format metrics;
	/* --output FILE: each report snapshot replaces FILE atomically. */
	const char *output;
	/* Event stream and self-check (issue 4). */
	bool events;		/* -E */
	long buffer_size;	/* --buffer-size, bytes; 0 = default */
	double self_check;	/* --self-check SECONDS; 0 = off */
	/* The screen: full dump to resynchronize the event-driven table
	 * every resync seconds (--resync; default 60, 0 = only when events
	 * were lost). */
	double resync;
	bool resync_set;
	/* The screen's look for flows that end without an event, as % of
	 * one core (--sweep-budget; 0 = never, then count drifts dump). */
	double sweep_budget;
	bool sweep_budget_set;
	bool delete;		/* -D: delete what the filter matches */
	/* The flight recorder (issue 14): -w writes; -R (replay above)
	 * reads one, at an instant or over a span. */
	const char *write;	/* -w FILE */
	long full_every;	/* --full-every N intervals, 0 = never */
	long max_size;		/* --max-size bytes, 0 = no cap */
	const char *at, *from, *to;	/* --at, --from, --to as given */
};

/* Parse argv into *cli. Returns 0, or -1 with err (status 2) filled. */
int cli_parse(int argc, char **argv, struct cli *cli, struct ctop_err *err);
/* The mode once it is known whether standard output is a terminal
 * (OUT_TTY): reports and metrics print unless the screen can show them,
 * output into a pipe or file is batch (one snapshot without -b or -n),
 * and a batch -r needs -s. Returns 0, or -1 with err (status 2). */
int cli_settle(struct cli *cli, bool out_tty, struct ctop_err *err);
/* --stats, --timeouts, --expect or a metrics format. */
bool cli_wants_report(const struct cli *cli);
void cli_free(struct cli *cli);
void cli_usage(FILE *out);

#endif
