/* Finding the ends the kernel does not report, at a bounded cost.
 *
 * With nf_conntrack_events=2 (the kernel's default) a flow made before
 * anyone listened has no event extension: it ends without a DESTROY. The
 * table keeps those flows in a set (table_silent_count); the set only
 * shrinks, as such flows go and new ones are seen born in events.
 *
 * Two facts make looking for their ends cheap:
 * - the kernel's entry count, read every refresh anyway, says how many
 *   flows we list that it no longer has (ours minus its); while that is
 *   zero there is nothing to find, and no sweep runs at all;
 * - the kernel can be asked whether a flow of the set is still there
 *   without sending it back (a probe: source_probe_batch, many per
 *   sendmsg), for less than a dump costs a flow (bench/README: about
 *   2.0 us against 2.5 us in the kernel at 1M, and a dumped flow is then
 *   parsed and merged here too), or about 1.2 us where only the gone
 *   are answered (source_probe_quiet_batch, while nobody else listens
 *   to updates).
 * So while the count says flows went, the sweep probes the set a slice
 * at a time, round and round, until it has found as many as the count
 * said. A dump is asked for only where it is cheaper (a set much larger
 * than the table's share of it probed would be: never, at today's
 * costs) or where probing the whole set found none of the missing
 * flows (they are not in the set). Either way
 * the CPU it spends is paced by a budget (a share of one core), measured
 * rather than guessed: each step reports what it cost, and the costs per
 * flow it learns also say how long a silent end can stay listed.
 *
 * Pure model: no netlink, no clock of its own; the screen's loop (and
 * anything else keeping a table) drives it. */
#ifndef CTOP_SWEEP_H
#define CTOP_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWEEP_BUDGET_DEFAULT 2.0	/* % of one core */
/* At most this much CPU in one step, so a refresh never waits on it. */
#define SWEEP_SLICE_US	5000.0
/* A step waits until it can be this long: fewer, fuller batches. */
#define SWEEP_STEP_US	2000.0
/* Costs per flow before any was measured (bench/README: a batched probe
 * about 2.5 us, a dumped flow about 3.5 us with its merge, on a loaded
 * 2-CPU VM). */
#define SWEEP_PROBE_US_PRIOR	2.5
#define SWEEP_DUMP_US_PRIOR	3.5
/* A dump is chosen for its cost only after this many probe steps were
 * measured since the last one, and only when it is this much cheaper:
 * at a million flows a dump's debt silences the sweep for minutes, so a
 * few noisy samples must not decide it. */
#define SWEEP_PROBE_SAMPLES	16
#define SWEEP_DUMP_MARGIN	2.0

enum sweep_how {
	SWEEP_IDLE,		/* nothing to look for, or the budget is spent */
	SWEEP_PROBES,		/* probe the next n flows of the set */
	SWEEP_DUMP,		/* re-read the whole table */
};

struct sweep_step {
	enum sweep_how how;
	size_t n;		/* SWEEP_PROBES: how many */
};

struct sweep {
	double budget;		/* share of one core (0.02); 0: never */
	double probe_us;	/* CPU per flow probed, learned */
	double dump_us;		/* CPU per flow dumped, learned */
	double dump_wall_us;	/* a dump's length per flow, last seen */
	bool probe_known, dump_known;
	double credit_us;	/* CPU it may spend now; below 0: owed */
	uint64_t last_ms;	/* when the credit was last brought up */
	bool clock_started;
	long ghosts;		/* listed but gone, as counted, less found */
	long last_gap;		/* the count before */
	size_t pass_read;	/* flows read since the pass began */
	size_t pass_found;	/* of them, gone */
	double pass_cpu_us;	/* CPU of the pass so far */
	double pass_wall_ms;	/* its time while steps ran (pauses of
				 * over a second, or of a few steps'
				 * spacing, are idle, not counted) */
	uint64_t last_step_ms;	/* when the last step began; 0: none yet */
	double last_pass_us;	/* the last whole pass: CPU per flow */
	double last_pass_ms_flow;	/* ... and its time per flow */
	bool futile;		/* a whole pass found none the count said */
	unsigned probe_steps;	/* probe steps measured since the last dump */
	uint64_t probes, found, dumps;	/* totals */
};

/* BUDGET_PERCENT of one core (SWEEP_BUDGET_DEFAULT; 0: never sweep). */
void sweep_init(struct sweep *s, double budget_percent);
/* The kernel's count was read: GAP is the flows listed minus the
 * kernel's entries (negative when it has more). Only a gap seen twice in
 * a row counts: the DESTROY events of flows deleted just before the
 * count was read may still be on their way. */
void sweep_count(struct sweep *s, long gap);
/* What to do at NOW_MS with FLOWS listed, SILENT of them in the set;
 * DUMPING: a dump is under way (wait for it). */
struct sweep_step sweep_next(struct sweep *s, size_t flows, size_t silent,
			     bool dumping, uint64_t now_ms);
/* A PROBES step begun at NOW_MS probed N flows (of a set of SILENT), GONE
 * of them gone, at a cost of CPU_US. */
void sweep_probe_done(struct sweep *s, size_t n, size_t gone, size_t silent,
		     double cpu_us, uint64_t now_ms);
/* A dump of N flows ended after WALL_US, at a cost of CPU_US. FOR_SWEEP:
 * this model asked for it, so it is paid from the budget; any dump
 * teaches the cost. */
void sweep_dump_done(struct sweep *s, size_t n, double cpu_us,
		     double wall_us, bool for_sweep);
/* Whether a sweep is wanted now (the count says flows went and the set
 * is not empty), and when sweep_next can act next (UINT64_MAX: not until
 * a count says so). */
bool sweep_wanted(const struct sweep *s, size_t silent);
uint64_t sweep_due_ms(const struct sweep *s, size_t silent, uint64_t now_ms);
/* Which way a pass over SILENT of FLOWS is cheaper. */
enum sweep_how sweep_cheaper(const struct sweep *s, size_t flows,
			     size_t silent);
/* How long, in seconds, a silent end can stay listed: a refresh
 * (REFRESH_S) for the count to show it, then a whole pass at the budget,
 * or as long as the last whole pass took if that was longer (the costs
 * learned lean to the cheap samples, which the pacing does not).
 * 0 when no flow can end silently; negative when none is looked for. */
double sweep_bound_s(const struct sweep *s, size_t flows, size_t silent,
		     double refresh_s);

#endif
