/* Keep a struct table in step with the kernel: one full dump, then
 * ctnetlink events (NEW and UPDATE upsert, DESTROY removes), and a
 * resynchronizing dump (a table sweep, with tombstones for flows destroyed
 * while it runs) when events were lost and on a long interval. No screen,
 * no output: the screen and ctop --self-check share it.
 *
 * Usage from a poll() loop:
 *	fw = follow_new(table, src, &opts, &err);
 *	follow_start(fw, &err);			   (first dump)
 *	loop: poll(follow_fd(fw)) with a timeout;
 *	      follow_poll(fw, &err);		   (events, resyncs)
 */
#ifndef CTOP_FOLLOW_H
#define CTOP_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "flow.h"
#include "source.h"
#include "table.h"

struct follow_opts {
	size_t rcvbuf;		/* event socket buffer, bytes; 0 = default */
	double resync_s;	/* periodic full dump, seconds; 0 = never */
};

#define FOLLOW_RESYNC_DEFAULT 60.0

struct follow_stats {
	uint64_t events;	/* events applied */
	uint64_t news, updates, destroys;
	uint64_t overflows;	/* times events were lost */
	uint64_t lost;		/* events lost (an unknown count as 1) */
	uint64_t dumps;		/* full dumps, the first one included */
	uint64_t resyncs;	/* dumps after an overflow */
	uint64_t swept;		/* flows the resync dumps removed */
	long events_sysctl;	/* nf_conntrack_events: 0 off, 1, 2 auto, -1 */
	size_t rcvbuf;		/* event socket buffer now */
	double last_dump_s;	/* how long the last dump took */
};

/* ---- the rules, shared with the screen (tui/sync.c) ----
 *
 * How events and dumps change a table, whoever reads them: the blocking
 * follower below (ctop --self-check) and the screen, which reads events
 * on its UI thread and dumps on a worker. The caller opens a sweep when it
 * asks for a dump, feeds every event and every dumped flow through here,
 * and closes the sweep when the dump ends. Hooks let the screen see every
 * change (its sorted view and per-protocol counts); without hooks the
 * table is changed directly. */
struct follow_hooks {
	/* ENDS: what the source tells of the flow's events (table.h). */
	struct table_rec *(*upsert)(void *ctx, const struct flow *f,
				     uint64_t now_ms, enum table_ends ends);
	bool (*remove)(void *ctx, const struct flow *key);
};

struct follow_state {
	struct table *t;
	const struct follow_hooks *hooks;	/* NULL: the table itself */
	void *ctx;
	struct follow_stats st;
	bool need_resync;	/* events were lost: dump again */
	bool sweeping;		/* a dump is being applied */
	bool lost_in_sweep;	/* events were lost while it was */
};

void follow_state_init(struct follow_state *s, struct table *t,
		       const struct follow_hooks *hooks, void *ctx);
/* Apply one event: an overflow asks for a resync; NEW and UPDATE upsert
 * (a tombstone may refuse) and mark the flow as one that reports its end;
 * DESTROY removes the stored flow unless its conntrack id is another. Returns true when the table changed. Sets
 * errno to ENOMEM and returns false when a flow could not be stored. */
bool follow_apply(struct follow_state *s, const struct source_event *e,
		  uint64_t now_ms);
/* Store one dumped flow (the sweep marks it seen). A flow first seen
 * in a dump may end without an event (table_silent_count), unless
 * st.events_sysctl is 1: then every flow carries the event extension.
 * False with errno ENOMEM when it could not be stored. */
bool follow_dumped(struct follow_state *s, const struct flow *f,
		   uint64_t now_ms);
/* What a read (dump, get) tells of a flow's events under these rules. */
enum table_ends follow_read_ends(const struct follow_state *s);
/* A dump is asked for: from now on a DESTROY leaves a tombstone. Apply
 * the events queued before this first: they predate any loss. */
void follow_sweep_begin(struct follow_state *s);
/* The dump ended: remove what it did not see, count it (as a resync when
 * RESYNC), and ask for another when events were lost meanwhile. Returns
 * the flows removed. */
size_t follow_sweep_end(struct follow_state *s, bool resync);
/* The dump failed: it saw only part of the table, so nothing is removed
 * for want of being seen. When to try again is the caller's choice. */
void follow_sweep_abort(struct follow_state *s);

/* ---- a blocking follower ---- */

struct follow;

/* Subscribe to events in the current namespace (before the first dump,
 * so nothing falls between the two). src is used for the dumps. */
struct follow *follow_new(struct table *t, struct source *src,
			  const struct follow_opts *opts,
			  struct ctop_err *err);
void follow_free(struct follow *fw);

/* The first dump, as a sweep so that it can also be called again. */
int follow_start(struct follow *fw, struct ctop_err *err);
/* For poll(): readable when events are queued. */
int follow_fd(const struct follow *fw);
/* Apply the queued events, then resynchronize if events were lost or the
 * interval has passed. Bounded work per call, so a screen stays live
 * under a flood. Returns 1 if the table changed, 0 if not, -1 on error. */
int follow_poll(struct follow *fw, struct ctop_err *err);
/* A full dump and sweep now (also the fallback when events are off). */
int follow_resync(struct follow *fw, struct ctop_err *err);
/* Apply everything queued and resynchronize until no event is lost
 * (at most a few rounds). Returns 0 when in step, -1 on error. */
int follow_settle(struct follow *fw, struct ctop_err *err);
/* Whether the kernel sends events at all (nf_conntrack_events != 0). */
bool follow_events_on(const struct follow *fw);
const struct follow_stats *follow_stats(const struct follow *fw);

/* Compare the table with a fresh dump. Flows that had events while the
 * comparison ran are counted as changed, not as errors; ghosts that may
 * have ended silently are counted apart (the examples list them last). */
#define FOLLOW_CHECK_EXAMPLES 5
struct follow_check {
	size_t table, kernel;	/* flows in each */
	size_t missing;		/* in the kernel, not in the table */
	size_t ghosts;		/* in the table, not in the kernel */
	size_t silent;		/* of the ghosts, flows that may end without
				 * an event (table_is_silent): no DESTROY
				 * was due, so not an error of the events */
	size_t changed;		/* touched by events during the check */
	bool overflow;		/* events were lost during the check */
	struct flow missing_ex[FOLLOW_CHECK_EXAMPLES];
	struct flow ghost_ex[FOLLOW_CHECK_EXAMPLES];
	struct flow silent_ex[FOLLOW_CHECK_EXAMPLES];
};
int follow_check(struct follow *fw, struct follow_check *res,
		 struct ctop_err *err);

#endif
