/* Keeping the screen's table in step with the kernel.
 *
 * A full dump of a million entries costs seconds of kernel time, so after
 * the first one the table is kept from ctnetlink events read here, on the
 * UI thread, from a non-blocking socket (a bounded slice per loop turn).
 * Full dumps still run, on the worker (fetch.c), but only to
 * resynchronize: after events were lost (ENOBUFS), every --resync
 * seconds if given, when the look for silent ends finds a dump cheaper
 * (silent.c: with nf_conntrack_events=2 flows created before we
 * subscribed never report their end), at every refresh when the
 * kernel sends no events at all, and, when the order or the filter needs
 * every flow's counters or TTL (sorting by bytes, packets, rate or TTL),
 * every refresh or 20 dumps' time, whichever is longer: the rows on
 * screen are read every refresh anyway, the dump brings the flows
 * elsewhere that should move into view.
 *
 * The rules that keep a dump and the events from contradicting each other
 * live in follow.c (follow_apply, follow_sweep_begin/end), shared with
 * ctop --self-check; this file decides when they run:
 * - We subscribe before the first dump, so nothing falls between them.
 * - The sweep opens when the dump is asked for, not when its first batch
 *   arrives: a DESTROY applied from then on leaves a tombstone, so the
 *   copy the dump read before the destroy cannot bring the flow back.
 * - Queued events are applied before a resync opens its sweep: they are
 *   older than the loss and must not mark a flow whose DESTROY was lost
 *   as seen.
 *
 * Some changes send no event at all: with nf_conntrack_events=2 a flow
 * created before anyone listened never reports its end. The kernel's
 * entry count, read every refresh anyway, tells: while we list more than
 * it has and some flows may end silently, silent.c looks for them;
 * otherwise, when the counts differ for DRIFT_TICKS refreshes in a row,
 * the table is re-read (at most every DRIFT_MIN_MS, and never more than
 * 1/20 of the time).
 *
 * Events carry no counters, and the kernel does not report a timeout
 * refreshed by a packet. So once per refresh the rows on screen are read
 * again (IPCTNL_MSG_CT_GET, one sendmsg for all of them: reread.c): a few
 * dozen short requests, whatever the size of the table. A row the kernel
 * no longer has goes at once, whether or not an event was to say so, so
 * a silent end stays on screen a refresh at most.
 * The same is done for flows anywhere in the table whose timeout ran out
 * since it was read (expiry.c, a slice of the table per refresh, the
 * whole of it in about 30 s): the
 * silent ends of nf_conntrack_events=2 are mostly expiries, and these
 * reads find them without a dump. While they do, a count drift waits.
 */
#include <stdlib.h>
#include <string.h>

#include "../clock.h"
#include "../source_read.h"
#include "reread.h"
#include "silent.h"
#include "sync.h"

#define EV_SLICE	2048	/* events per read */
#define EV_BUDGET_MS	15	/* events per loop turn, in time */
#define DRIFT_TICKS	3
#define DRIFT_MIN_MS	10000
#define VOLATILE_DUMP_FACTOR 20	/* counter or TTL order: 20 dumps' time */
#define DUMP_RETRY_MS	5000	/* after a failed dump, at least */
#define EXPIRY_READS	256	/* expired flows read again per refresh */
#define PREFETCH_AHEAD	8	/* flows: about one index miss's worth */

/* ---- events ---- */

/* follow.c applies the rules; these hooks keep the view in step. */
static struct table_rec *hook_upsert(void *ctx, const struct flow *f,
				     uint64_t now_ms, enum table_ends ends)
{
	return model_upsert_ends(ctx, f, now_ms, true, ends);
}

static bool hook_remove(void *ctx, const struct flow *key)
{
	return model_remove(ctx, key);
}

static const struct follow_hooks hooks = {
	.upsert = hook_upsert,
	.remove = hook_remove,
};

static int on_event(const struct source_event *e, void *data)
{
	struct sync *s = data;

	/* A flow not stored for want of memory: the next resync tries
	 * again. */
	follow_apply(&s->fs, e, s->ev_now_ms);
	return 0;
}

int sync_init(struct sync *s, const struct cli *cli, struct source *src,
	      struct source *usrc, struct model *m, struct status *st,
	      int wake_fd)
{
	memset(s, 0, sizeof(*s));
	s->cli = cli;
	s->src = src;
	s->usrc = usrc;
	s->m = m;
	s->st = st;
	s->delay = cli->delay > 0 ? cli->delay : 1;
	follow_state_init(&s->fs, m->tbl, &hooks, m);
	silent_init(s);
	s->fetch = fetch_new(src, cli->replay, wake_fd);
	return s->fetch ? 0 : -1;
}

void sync_free(struct sync *s)
{
	fetch_free(s->fetch);
	s->fetch = NULL;
	source_events_close(s->ev);
	s->ev = NULL;
}

int sync_open(struct sync *s)
{
	struct ctop_err err = { 0 };

	if (s->cli->replay)
		return 0;
	s->events_sysctl = source_events_sysctl();
	s->ev = source_events_open((size_t)s->cli->buffer_size, &err);
	if (!s->ev) {
		status_set(s->st, true, "%s: refreshing by full dumps", err.msg);
		return -1;
	}
	s->events_on = s->events_sysctl != 0;
	s->fs.st.events_sysctl = s->events_sysctl;
	return 0;
}

int sync_fd(const struct sync *s)
{
	return s->ev && !s->paused ? source_events_fd(s->ev) : -1;
}

bool sync_events(struct sync *s)
{
	struct ctop_err err = { 0 };
	uint64_t start;
	long n;

	if (!s->ev || s->paused)
		return false;
	start = clock_monotonic_ms();
	s->ev_now_ms = start;
	for (;;) {
		n = source_events_read(s->ev, EV_SLICE, on_event, s, &err);
		if (n < 0) {
			status_set(s->st, true, "%s", err.msg);
			s->fs.need_resync = true;
			return false;
		}
		if (n < EV_SLICE)
			return false;
		s->ev_now_ms = clock_monotonic_ms();
		if (s->ev_now_ms - start >= EV_BUDGET_MS)
			return true;
	}
}

/* ---- dumps ---- */

static void request_dump(struct sync *s, uint64_t now)
{
	/* Events queued now are older than any loss: apply them before the
	 * sweep opens (bounded; the rest is applied during the dump). */
	if (s->fs.need_resync)
		sync_events(s);
	if (!fetch_request(s->fetch))
		return;
	follow_sweep_begin(&s->fs);
	s->dump_started_ms = now;
	s->dump_cpu0_us = clock_process_cpu_us();
	s->dump_for_sweep = s->sweep_dump_wanted;
	s->sweep_dump_wanted = false;
	s->dump_is_resync = s->m->complete && !s->polling && !s->volatile_why &&
			    !s->dump_for_sweep;
}

void sync_start(struct sync *s)
{
	if (!s->m->complete && !s->fs.sweeping)
		request_dump(s, clock_monotonic_ms());
}

static void dump_done(struct sync *s, int r, const char *msg, size_t removed)
{
	uint64_t now = clock_monotonic_ms();

	s->last_dump_ms = now;
	s->last_dump_took_ms = now - s->dump_started_ms;
	/* What a dump costs (the first one too) tells the sweep which way
	 * is cheaper, and its own dumps are paid from its budget: counted
	 * once the view it invalidated is rebuilt (charge_dump). */
	s->dump_cost_pending = true;
	s->dump_cost_for_sweep = s->dump_for_sweep;
	s->dump_cost_flows = table_count(s->m->tbl);
	s->dump_done_ms = now;
	if (s->dump_for_sweep)
		s->sweep_dumps++;
	s->dump_for_sweep = false;
	if (!s->m->complete) {
		s->m->complete = true;
		/* Statistics and the first targeted reads right away. */
		s->next_refresh_ms = 0;
	}
	s->fetch_error = r < 0;
	if (r < 0)
		status_set(s->st, true, "refresh failed: %s", msg);
	/* The sweep removed flows and may have moved records; and records
	 * the dump changed in place were not tracked, but by the first
	 * dump, which gathered the list as it went. */
	if (removed || r < 0 || !s->m->collecting)
		s->m->dirty.all = true;
}

void sync_resync(struct sync *s)
{
	if (s->cli->replay)
		return;
	s->fs.need_resync = true;
}

uint64_t sync_resync_ms(const struct sync *s)
{
	/* Only when asked: what events cannot tell (silent ends) is found
	 * by silent.c, at a cost that follows what changed. */
	return s->cli->resync > 0 ? (uint64_t)(s->cli->resync * 1000) : 0;
}

uint64_t sync_volatile_ms(const struct sync *s)
{
	uint64_t ms = (uint64_t)(s->delay * 1000);

	/* The rows on screen are read every refresh anyway; the dump is for
	 * flows elsewhere that may move into view. Kept to about 5 % of the
	 * time: a million flows whose dump takes 2.4 s are re-read every
	 * 48 s, not every refresh. */
	if (VOLATILE_DUMP_FACTOR * s->last_dump_took_ms > ms)
		ms = VOLATILE_DUMP_FACTOR * s->last_dump_took_ms;
	return ms;
}

/* When the next full dump is due on its timer (UINT64_MAX: none). */
static uint64_t timed_dump_due(const struct sync *s)
{
	uint64_t wait, resync;

	if (s->polling) {
		/* A dump that takes longer than the interval would keep a
		 * CPU busy in the kernel for nothing: rest as long. */
		wait = (uint64_t)(s->delay * 1000);
		if (s->last_dump_took_ms > wait)
			wait = s->last_dump_took_ms;
		return s->last_dump_ms + wait;
	}
	resync = s->cli->resync > 0 ? s->last_dump_ms + sync_resync_ms(s)
				    : UINT64_MAX;
	if (!s->volatile_why)
		return resync;
	/* An interval the user chose is honoured when it is shorter. */
	wait = s->last_dump_ms + sync_volatile_ms(s);
	return s->cli->resync_set && resync < wait ? resync : wait;
}

/* When the next full dump is due (0: now, UINT64_MAX: not on a timer). */
static uint64_t dump_due(const struct sync *s)
{
	uint64_t due, retry, wait;

	if (!s->m->complete || s->fs.need_resync || s->sweep_dump_wanted)
		return 0;
	due = timed_dump_due(s);
	/* A dump that failed (a hash resize, a kernel error) is tried again
	 * after a pause, not at once: an error that stays must not keep a
	 * CPU busy. */
	if (s->fetch_error) {
		wait = 10 * s->last_dump_took_ms;
		if (wait < DUMP_RETRY_MS)
			wait = DUMP_RETRY_MS;
		retry = s->last_dump_ms + wait;
		if (retry < due)
			due = retry;
	}
	return due;
}

uint64_t sync_next_ms(const struct sync *s)
{
	uint64_t next = s->next_refresh_ms, d;

	if (s->paused || s->cli->replay)
		return UINT64_MAX;
	if (!s->fs.sweeping) {
		d = dump_due(s);
		if (d < next)
			next = d;
	}
	d = silent_next_ms(s, clock_monotonic_ms());
	return d < next ? d : next;
}

/* ---- the rows on screen ---- */

/* Read KEYS again, in one batch of GETs (reread.c): a flow the kernel
 * no longer has goes at once, the others are updated. Returns how many
 * went. */
size_t sync_reread(struct sync *s, const struct flow *keys, size_t n,
		   uint64_t now)
{
	struct ctop_err err = { 0 };
	size_t gone = 0;

	if (reread_flows(s, keys, n, now, &gone, &err) < 0)
		status_set(s->st, true, "reading flows: %s", err.msg);
	return gone;
}

/* Flows whose timeout ran out since they were read: gone without an
 * event (nf_conntrack_events=2 and older than our subscription), or
 * refreshed by traffic. A slice of the table per refresh; returns how
 * many went. */
static size_t reread_expired(struct sync *s, uint64_t now)
{
	static struct flow due[EXPIRY_READS];
	size_t n;

	if (!s->usrc || s->polling || s->fs.sweeping || !s->m->complete)
		return 0;
	n = expiry_due(s->m->tbl, &s->expiry, now,
		       expiry_slice(table_count(s->m->tbl), s->delay), due,
		       EXPIRY_READS);
	return n ? sync_reread(s, due, n, now) : 0;
}

static void read_sysctls(struct sync *s)
{
	long ev;

	s->m->acct_off = source_sysctl("nf_conntrack_acct") == 0;
	if (!s->ev)
		return;
	ev = source_events_sysctl();
	/* Flows made while events were off never send any: start over
	 * from a dump when they come back on. */
	if (s->events_sysctl == 0 && ev != 0)
		s->fs.need_resync = true;
	s->events_sysctl = ev;
	s->fs.st.events_sysctl = ev;
	s->events_on = ev != 0;
}

static void read_stats(struct sync *s, uint64_t now)
{
	struct ctop_err err = { 0 };
	struct table_stats st;

	if (!s->usrc)
		return;
	if (source_stats(s->usrc, &st, &err)) {
		status_set(s->st, true, "statistics: %s", err.msg);
		return;
	}
	if (s->have_stats) {
		s->prev_stats = s->stats;
		s->prev_stats_ms = s->stats_ms;
		s->have_prev_stats = true;
	}
	s->stats = st;
	s->stats_ms = now;
	s->have_stats = true;
}

/* Flows we list minus the kernel's count THEIRS, where we listed BEFORE
 * just before it was read and OURS after the events that followed: a
 * count between the two is no gap (0), else the distance to the nearer. */
static long count_gap(size_t before, size_t ours, uint64_t theirs)
{
	size_t lo = before < ours ? before : ours;
	size_t hi = before < ours ? ours : before;

	if (theirs < lo)
		return (long)(lo - theirs);
	if (theirs > hi)
		return -(long)(theirs - hi);
	return 0;
}

/* Resynchronize when the kernel's count and ours keep disagreeing (GAP,
 * count_gap). EXPIRED: flows the expiry pass just found gone; while it
 * finds some and the gap is small enough for it to close within a few
 * refreshes, a dump would cost more. */
static void check_drift(struct sync *s, uint64_t now, size_t expired,
			long gap)
{
	uint64_t wait;

	if (s->polling || s->fs.sweeping || !s->m->complete || !s->have_stats ||
	    fetch_busy(s->fetch))
		return;
	if (!gap) {
		s->drift_ticks = 0;
		return;
	}
	/* We list flows the kernel no longer has, and some may have ended
	 * without an event: the sweep finds them at a bounded cost. */
	if (gap > 0 && silent_drift_is_ours(s)) {
		s->drift_ticks = 0;
		return;
	}
	if (expired && labs(gap) <= DRIFT_TICKS * EXPIRY_READS)
		s->drift_ticks = 0;
	if (++s->drift_ticks < DRIFT_TICKS || now < s->next_drift_ms)
		return;
	wait = 20 * s->last_dump_took_ms;
	s->next_drift_ms = now + (wait > DRIFT_MIN_MS ? wait : DRIFT_MIN_MS);
	s->drift_ticks = 0;
	s->fs.need_resync = true;
}

/* A dump's cost, its view's rebuild included (or after 2 s, if the list
 * is not drawn meanwhile). */
static void charge_dump(struct sync *s, uint64_t now)
{
	if (!s->dump_cost_pending ||
	    (s->m->dirty.all && now < s->dump_done_ms + 2000))
		return;
	s->dump_cost_pending = false;
	silent_dump_done(s, s->dump_cost_flows,
			 clock_process_cpu_us() - s->dump_cpu0_us,
			 (double)s->last_dump_took_ms * 1000,
			 s->dump_cost_for_sweep);
}

bool sync_tick(struct sync *s, uint64_t now, const char *volatile_why)
{
	const char *why = NULL;
	size_t expired, before;
	long gap;

	if (s->cli->replay) {
		if ((!s->m->complete || s->reread) && !s->fs.sweeping) {
			request_dump(s, now);
			if (s->fs.sweeping)
				s->reread = false;
		}
		return false;
	}
	if (!s->events_on)
		why = s->ev ? "events off" : "no event socket";
	s->polling = why != NULL;
	s->poll_why = why;
	s->volatile_why = s->polling ? NULL : volatile_why;
	if (s->paused)
		return false;
	charge_dump(s, now);
	silent_step(s, now);
	if (!s->fs.sweeping && now >= dump_due(s))
		request_dump(s, now);
	if (now < s->next_refresh_ms)
		return false;
	s->next_refresh_ms = now + (uint64_t)(s->delay * 1000);
	s->refresh_asked_ms = now;
	expired = reread_expired(s, now);
	/* The events queued before the count and those of the changes it
	 * saw, applied on either side of it: a count read in the middle of
	 * a burst lies between the two and is no gap, where a churn in step
	 * with the refresh could otherwise look like a drift or like
	 * silent ends. */
	sync_events(s);
	before = table_count(s->m->tbl);
	read_stats(s, now);
	sync_events(s);
	read_sysctls(s);
	gap = count_gap(before, table_count(s->m->tbl), s->stats.count);
	silent_count(s, gap);
	check_drift(s, now, expired, gap);
	return true;
}

bool sync_rows_wanted(const struct sync *s)
{
	return s->m->complete && !s->polling && s->usrc;
}

void sync_refresh_now(struct sync *s)
{
	if (s->cli->replay) {
		/* A file is read again, swept like a dump; a pipe is gone
		 * once read. */
		if (!source_read_rereadable(s->cli->replay))
			status_set(s->st, true, "%s is read once: r re-reads "
				   "files, not pipes",
				   source_read_name(s->cli->replay));
		else if (!fetch_reread(s->fetch))
			status_set(s->st, false, "still reading %s",
				   s->cli->replay);
		else {
			request_dump(s, clock_monotonic_ms());
			status_set(s->st, false, "re-reading %s", s->cli->replay);
		}
		return;
	}
	/* Events keep the table; an explicit refresh re-reads all of it. */
	sync_resync(s);
	s->next_refresh_ms = 0;
}

void sync_replay_at(struct sync *s, uint64_t at_ns)
{
	fetch_replay_at(s->fetch, at_ns);
	s->reread = true;
}

void sync_set_delay(struct sync *s, double seconds)
{
	s->delay = seconds;
	s->next_refresh_ms = s->refresh_asked_ms + (uint64_t)(seconds * 1000);
}

void sync_pause(struct sync *s, bool paused)
{
	s->paused = paused;
	/* Resumed: refresh at once, not an interval later. */
	if (!paused)
		s->next_refresh_ms = 0;
}

bool sync_busy(const struct sync *s)
{
	return s->fs.sweeping;
}

/* ---- what the worker gathered ---- */

int sync_apply(struct sync *s)
{
	uint64_t now = clock_monotonic_ms();
	struct fetch_batch *b;
	size_t removed;
	int done = 0;
	char msg[sizeof(b->msg)] = "";

	/* Bounded work per call so keys and events are read between
	 * batches. */
	for (int i = 0; i < FETCH_QUEUE_MAX && !done; i++) {
		if (!(b = fetch_take(s->fetch)))
			break;
		/* The sweep normally opened when the dump was asked for
		 * (request_dump), so that destroys seen meanwhile leave
		 * tombstones. */
		if (!s->fs.sweeping)
			follow_sweep_begin(&s->fs);
		/* Changes in place need no tracking: the view is rebuilt
		 * when the sweep ends. New flows do (model_upsert). */
		for (size_t k = 0; k < b->n; k++) {
			if (k + PREFETCH_AHEAD < b->n)
				table_prefetch(s->m->tbl, &b->v[k + PREFETCH_AHEAD]);
			model_upsert_ends(s->m, &b->v[k], now, false,
					  follow_read_ends(&s->fs));
		}
		if (b->last) {
			/* A failed dump saw only part of the table: keep
			 * what it did not reach rather than sweep it (the
			 * records keep their read times, for expiry.c). */
			if (b->failed) {
				snprintf(msg, sizeof(msg), "%s", b->msg);
				follow_sweep_abort(&s->fs);
				removed = 0;
				done = -1;
			} else {
				removed = follow_sweep_end(&s->fs,
							   s->dump_is_resync);
				done = 1;
			}
			dump_done(s, done, msg, removed);
		}
		fetch_done(s->fetch, b);
	}
	return done;
}
