/* Keeping the screen's model in step with the kernel: the event socket,
 * full dumps on the worker (fetch.h) to resynchronize, the statistics,
 * and targeted reads of the rows on screen. Data goes one way: kernel ->
 * sync -> model. The sync calls nothing of the view: the loop hands it
 * the rows on screen and what the view's order needs. */
#ifndef CTOP_TUI_SYNC_H
#define CTOP_TUI_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cli.h"
#include "../expiry.h"
#include "../follow.h"
#include "../source.h"
#include "../stats.h"
#include "../sweep.h"
#include "fetch.h"
#include "model.h"
#include "status.h"

struct sync {
	const struct cli *cli;
	struct source *src;		/* the worker's (NULL: replay) */
	struct source *usrc;		/* the UI thread's: reads, stats, deletes */
	struct fetch *fetch;
	struct source_events *ev;	/* the event socket; NULL: none */
	struct model *m;		/* what it keeps (not owned) */
	struct status *st;		/* where it reports (not owned) */

	/* refresh */
	double delay;			/* seconds between refreshes */
	bool paused;
	bool fetch_error;		/* the last dump failed */
	bool reread;			/* a recording's instant moved: read again */
	uint64_t next_refresh_ms;
	uint64_t refresh_asked_ms;	/* when the last refresh ran */
	struct table_stats stats, prev_stats;	/* the last two readings */
	bool have_stats, have_prev_stats;
	uint64_t stats_ms, prev_stats_ms;

	/* events and dumps */
	long events_sysctl;		/* nf_conntrack_events, -1 unknown */
	bool events_on;			/* subscribed and the kernel sends */
	bool polling;			/* full dump every interval */
	const char *poll_why;		/* why, for the header */
	const char *volatile_why;	/* the order needs every flow fresh */
	struct follow_state fs;		/* events and dumps: follow.c's rules */
	bool dump_is_resync;
	uint64_t dump_started_ms;
	uint64_t last_dump_ms, last_dump_took_ms;
	uint64_t ev_now_ms;		/* clock of the events being applied */
	struct expiry_scan expiry;	/* where the expiry pass goes on */
	unsigned drift_ticks;		/* refreshes the kernel's count differed */
	uint64_t next_drift_ms;		/* earliest resync for a drift */

	/* silent ends (silent.c, ../sweep.h) */
	struct sweep sweep;
	size_t silent_cursor;		/* where its next reads start */
	bool probes_refused;		/* the kernel refused probes: GETs */
	bool sweep_dump_wanted;		/* it asked for a dump */
	bool dump_for_sweep;		/* the dump under way is that one */
	uint64_t sweep_dumps;		/* such dumps ended, for the header */
	double dump_cpu0_us;		/* process CPU when the dump began */
	bool dump_cost_pending;		/* a dump ended, its view not rebuilt */
	bool dump_cost_for_sweep;
	size_t dump_cost_flows;
	uint64_t dump_done_ms;
};

/* Set up on model M (its table made), the worker started on SRC or the
 * replay. -1: out of memory. */
int sync_init(struct sync *s, const struct cli *cli, struct source *src,
	      struct source *usrc, struct model *m, struct status *st,
	      int wake_fd);
void sync_free(struct sync *s);
/* Subscribe to events (before the first dump is asked for). */
int sync_open(struct sync *s);
int sync_fd(const struct sync *s);	/* -1 when not listening */
/* Apply queued events within a time budget; true if more are queued. */
bool sync_events(struct sync *s);
/* Ask for the first dump now, before the terminal is set up. */
void sync_start(struct sync *s);
/* Apply what the worker gathered: 1 when a dump completed, -1 when it
 * failed (on the status line), 0 when under way or nothing happened. */
int sync_apply(struct sync *s);
/* Start dumps when due and, when a refresh is due, read the statistics,
 * the sysctls and the flows whose timeout ran out. VOLATILE_WHY: why the
 * view's order needs every flow fresh, or NULL. True when it refreshed:
 * then the rows on screen are due for sync_reread. */
bool sync_tick(struct sync *s, uint64_t now, const char *volatile_why);
/* Whether the rows on screen should be read again after a refresh
 * (not while every refresh dumps anyway). */
bool sync_rows_wanted(const struct sync *s);
/* Read these flows again, in one batch of GETs: gone ones go, others are
 * updated.
 * Returns how many went. */
size_t sync_reread(struct sync *s, const struct flow *keys, size_t n,
		   uint64_t now);
/* When sync_tick has something to do next (for poll()). */
uint64_t sync_next_ms(const struct sync *s);
/* The interval of periodic resyncs in ms: --resync (0: none). */
uint64_t sync_resync_ms(const struct sync *s);
/* The interval of full dumps while the order or filter needs every
 * flow's counters or TTL, in ms. */
uint64_t sync_volatile_ms(const struct sync *s);
/* The r key: re-read the whole table now (a recording: says no). */
void sync_refresh_now(struct sync *s);
/* A flight recording: show the table at AT_NS (read in the background). */
void sync_replay_at(struct sync *s, uint64_t at_ns);
/* A full dump at the next turn (opening T). */
void sync_resync(struct sync *s);
void sync_set_delay(struct sync *s, double seconds);
void sync_pause(struct sync *s, bool paused);
/* A dump (first, resync or poll) is being read. */
bool sync_busy(const struct sync *s);

#endif
