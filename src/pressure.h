/* Table pressure: how full the conntrack table is, how fast it moves, and
 * who holds the entries. Pure computations over struct table_stats and
 * flows, shared by the batch report (ctop --stats) and the screen's
 * pressure view; no kernel access here. */
#ifndef CTOP_PRESSURE_H
#define CTOP_PRESSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "group.h"
#include "stats.h"

/* The per-CPU counters of struct table_stats, in conntrack -S order, so
 * writers can loop over them. */
enum pressure_counter {
	PC_FOUND,
	PC_INVALID,
	PC_INSERT,
	PC_INSERT_FAILED,
	PC_DROP,
	PC_EARLY_DROP,
	PC_ERROR,
	PC_SEARCH_RESTART,
	PC_CLASH_RESOLVE,
	PC_CHAINTOOLONG,
	PC_COUNT
};

/* "found", "insert_failed", ... as conntrack -S names them. */
const char *pressure_counter_name(enum pressure_counter c);
uint64_t pressure_counter_value(const struct table_stats *st,
				enum pressure_counter c);

/* Fill thresholds, in percent of nf_conntrack_max. */
#define PRESSURE_FILL_WARN	90.0
#define PRESSURE_FILL_CRIT	95.0

/* Warning bits: the table is filling, or packets were dropped. */
enum {
	PW_FILL_WARN = 1u << 0,		/* >= 90 % */
	PW_FILL_CRIT = 1u << 1,		/* >= 95 % (PW_FILL_WARN is set too) */
	PW_DROP = 1u << 2,		/* drop moved since prev */
	PW_EARLY_DROP = 1u << 3,	/* early_drop moved since prev */
};

/* Entries as a percentage of the maximum; 0 when the maximum is unknown. */
double pressure_fill(const struct table_stats *st);
/* PW_* for the current figures; prev (NULL on the first snapshot) is the
 * previous snapshot, for the "moved" bits. */
unsigned int pressure_warnings(const struct table_stats *cur,
			       const struct table_stats *prev);
/* One line for the warning bits, e.g. "table 96.1% full (critical);
 * drop +12"; "" when there is none. Returns the length. */
size_t pressure_warning_text(char *buf, size_t len, unsigned int warn,
			     const struct table_stats *cur,
			     const struct table_stats *prev);

/* Counter rates per second between two snapshots taken SECONDS apart.
 * A counter that went backwards (CPU hot-unplug, namespace reuse) counts
 * as 0. Returns -1 (and leaves out alone) when seconds <= 0 or either
 * snapshot lacks the per-CPU figures. */
int pressure_rates(const struct table_stats *cur,
		   const struct table_stats *prev, double seconds,
		   double out[PC_COUNT]);

/* Fill trend: entries added and removed per second over a window, from
 * samples of (time, count, insert). Removed is derived: what was inserted
 * minus what the count grew by. */
#define PRESSURE_TREND_SAMPLES	128

struct pressure_sample {
	double t;		/* seconds, any monotonic origin */
	uint32_t count;
	uint64_t insert;
	uint64_t drops;		/* drop + early_drop, as recordings keep them */
};

struct pressure_trend {
	struct pressure_sample s[PRESSURE_TREND_SAMPLES];
	size_t head, n;		/* ring: s[head] is the oldest */
};

void pressure_trend_reset(struct pressure_trend *t);
void pressure_trend_add(struct pressure_trend *t, double now,
			const struct table_stats *st);
/* Over the samples no older than WINDOW seconds before the newest. Returns
 * -1 while fewer than two samples span some time. */
int pressure_trend_rates(const struct pressure_trend *t, double window,
			 double *added, double *removed);

/* What the entries are: early-drop candidates (not ASSURED), per-state and
 * per-source counts, built while a dump streams by. */
struct pressure_flows {
	uint64_t flows;
	uint64_t not_assured;
	struct grouper *states;		/* GROUP_STATE */
	struct grouper *sources;	/* GROUP_SRC */
};

int pressure_flows_init(struct pressure_flows *pf);
void pressure_flows_add(struct pressure_flows *pf, const struct flow *f);
void pressure_flows_reset(struct pressure_flows *pf);
void pressure_flows_free(struct pressure_flows *pf);

/* PART as a percentage of TOTAL; 0 for an empty total. */
double pressure_share(uint64_t part, uint64_t total);

#endif
