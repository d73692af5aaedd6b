/* Keeping the screen's table in step with the kernel.
 *
 * A full dump of a million entries costs seconds of kernel time, so after
 * the first one the table is kept from ctnetlink events read here, on the
 * UI thread, from a non-blocking socket (a bounded slice per loop turn).
 * Full dumps still run, on the worker (fetch.c), but only to
 * resynchronize: after events were lost (ENOBUFS), every --resync
 * seconds (with nf_conntrack_events=2 flows created before we subscribed
 * never report their end; without --resync, every 60 s or 100 times the
 * last dump's duration, whichever is longer), at every refresh when the
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
 * entry count, read every refresh anyway, tells: when it differs from the
 * table's for DRIFT_TICKS refreshes in a row, the table is re-read (at
 * most every DRIFT_MIN_MS, and never more than 1/20 of the time).
 *
 * Events carry no counters, and the kernel does not report a timeout
 * refreshed by a packet. So once per refresh the rows on screen are read
 * again one by one (IPCTNL_MSG_CT_GET): a few dozen short requests,
 * whatever the size of the table. A row the kernel no longer has goes.
 * The same is done for flows anywhere in the table whose timeout ran out
 * since it was read (expiry.c, a slice of the table per refresh): the
 * silent ends of nf_conntrack_events=2 are mostly expiries, and these
 * reads find them without a dump. While they do, a count drift waits.
 */
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

#define EV_SLICE	2048	/* events per read */
#define EV_BUDGET_MS	15	/* events per loop turn, in time */
#define DRIFT_TICKS	3
#define DRIFT_MIN_MS	10000
#define RESYNC_DUMP_FACTOR 100	/* default resync: at least 100 dumps' time */
#define VOLATILE_DUMP_FACTOR 20	/* counter or TTL order: 20 dumps' time */
#define DUMP_RETRY_MS	5000	/* after a failed dump, at least */
#define EXPIRY_SLICE	65536	/* flows looked at per refresh for expiry */
#define EXPIRY_READS	256	/* expired flows read again per refresh */

/* ---- the set of changed records (order.h) ---- */

void dirty_add(struct tui *t, const struct table_flow *r)
{
	order_changes_add(&t->dirty, r, table_count(t->tbl));
}

void dirty_clear(struct tui *t)
{
	order_changes_clear(&t->dirty);
}

void dirty_free(struct tui *t)
{
	order_changes_free(&t->dirty);
}

/* ---- every change to the table ---- */

struct table_flow *tui_upsert(struct tui *t, const struct flow *f,
			      uint64_t now, bool track)
{
	size_t before = table_count(t->tbl);
	uint64_t v = table_version(t->tbl);
	struct table_flow *r;

	r = table_upsert(t->tbl, f, now);
	if (!r)
		return NULL;
	if (table_count(t->tbl) != before) {
		t->nproto[view_proto_slot(r->f.protonum)]++;
		if (t->collecting)
			view_collect(t, r);
		else
			dirty_add(t, r);
	} else if (table_version(t->tbl) == v) {
		/* Nothing changed. */
	} else if (t->collecting) {
		/* A first dump's changes in place are tracked too: the list
		 * it gathers is not rebuilt at its end. */
		view_collect_changed(t, r);
	} else if (track) {
		dirty_add(t, r);
	}
	return r;
}

bool tui_remove(struct tui *t, const struct flow *key)
{
	struct table_flow *r = table_find(t->tbl, key);
	size_t slot;

	if (r) {
		if (t->collecting)
			view_collect_changed(t, r);
		else
			dirty_add(t, r);
		slot = view_proto_slot(r->f.protonum);
		if (t->nproto[slot])
			t->nproto[slot]--;
	}
	return table_remove(t->tbl, key);
}

uint32_t sync_ttl(const struct tui *t, const struct table_flow *tf)
{
	uint64_t read, now, gone;

	if (!(tf->f.has & FLOW_HAS_TIMEOUT))
		return tf->f.timeout;
	now = tui_now_ms();
	read = table_written_ms(t->tbl, tf, now);
	gone = now > read ? (now - read) / 1000 : 0;
	return gone >= tf->f.timeout ? 0 : tf->f.timeout - (uint32_t)gone;
}

const char *sync_volatile(const struct tui *t)
{
	if (t->group == GROUP_NONE) {
		switch (t->sort_col) {
		case COL_PACKETS:
		case COL_BYTES:
		case VCOL_RATE:
			/* Without accounting there are no counters to
			 * keep fresh. */
			if (!t->acct_off)
				return "counter sort";
			break;
		case COL_TTL:
			return "TTL sort";
		default:
			break;
		}
	} else if (!t->acct_off) {
		/* Group rows add up counters, which events do not carry. */
		return "group counters";
	}
	if (strcasestr(filter_text(tui_filter(t)), "ttl"))
		return "TTL filter";
	return NULL;
}

/* ---- events ---- */

/* follow.c applies the rules; these hooks keep the view in step. */
static struct table_flow *hook_upsert(void *ctx, const struct flow *f,
				      uint64_t now_ms, enum table_ends ends)
{
	(void)ends;	/* the screen does not look for silent ends yet */
	return tui_upsert(ctx, f, now_ms, true);
}

static bool hook_remove(void *ctx, const struct flow *key)
{
	return tui_remove(ctx, key);
}

static const struct follow_hooks hooks = {
	.upsert = hook_upsert,
	.remove = hook_remove,
};

static int on_event(const struct source_event *e, void *data)
{
	struct tui *t = data;

	/* A flow not stored for want of memory: the next resync tries
	 * again. */
	follow_apply(&t->fs, e, t->ev_now_ms);
	return 0;
}

void sync_init(struct tui *t)
{
	follow_state_init(&t->fs, t->tbl, &hooks, t);
}

int sync_open(struct tui *t)
{
	struct ctop_err err = { 0 };

	if (t->cli->replay)
		return 0;
	t->events_sysctl = source_events_sysctl();
	t->ev = source_events_open((size_t)t->cli->buffer_size, &err);
	if (!t->ev) {
		status_set(t, true, "%s: refreshing by full dumps", err.msg);
		return -1;
	}
	t->events_on = t->events_sysctl != 0;
	return 0;
}

void sync_close(struct tui *t)
{
	source_events_close(t->ev);
	t->ev = NULL;
}

int sync_fd(const struct tui *t)
{
	return t->ev && !t->paused ? source_events_fd(t->ev) : -1;
}

bool sync_events(struct tui *t)
{
	struct ctop_err err = { 0 };
	uint64_t start;
	long n;

	if (!t->ev || t->paused)
		return false;
	start = tui_now_ms();
	t->ev_now_ms = start;
	for (;;) {
		n = source_events_read(t->ev, EV_SLICE, on_event, t, &err);
		if (n < 0) {
			status_set(t, true, "%s", err.msg);
			t->fs.need_resync = true;
			return false;
		}
		if (n < EV_SLICE)
			return false;
		t->ev_now_ms = tui_now_ms();
		if (t->ev_now_ms - start >= EV_BUDGET_MS)
			return true;
	}
}

/* ---- dumps ---- */

static void request_dump(struct tui *t, uint64_t now)
{
	/* Events queued now are older than any loss: apply them before the
	 * sweep opens (bounded; the rest is applied during the dump). */
	if (t->fs.need_resync)
		sync_events(t);
	if (!fetch_request(t->fetch))
		return;
	follow_sweep_begin(&t->fs);
	t->dump_started_ms = now;
	if (!t->dumped_once)
		view_collect_begin(t);
	t->dump_is_resync = t->dumped_once && !t->polling && !t->volatile_why;
}

void sync_start(struct tui *t)
{
	if (!t->dumped_once && !t->fs.sweeping)
		request_dump(t, tui_now_ms());
}

void sync_dump_done(struct tui *t, int r, const char *msg, size_t removed)
{
	uint64_t now = tui_now_ms();

	t->last_dump_ms = now;
	t->last_dump_took_ms = now - t->dump_started_ms;
	if (!t->dumped_once) {
		t->dumped_once = true;
		/* Statistics and the first targeted reads right away. */
		t->next_refresh_ms = 0;
	}
	t->fetch_error = r < 0;
	if (r < 0)
		status_set(t, true, "refresh failed: %s", msg);
	/* The sweep removed flows and may have moved records; and records
	 * the dump changed in place were not tracked, but by the first
	 * dump, which gathered the list as it went. */
	if (removed || r < 0 || !t->collecting)
		t->dirty.all = true;
	t->redraw = true;
}

void sync_resync(struct tui *t)
{
	if (t->cli->replay)
		return;
	t->fs.need_resync = true;
}

uint64_t sync_resync_ms(const struct tui *t)
{
	uint64_t ms = (uint64_t)(t->cli->resync * 1000);

	/* A resync is for what events cannot tell, not urgent: unless the
	 * user chose the interval, keep it to about 1 % of the time, so a
	 * million flows whose dump takes 3.4 s cost a re-read every six
	 * minutes rather than 6 % of a core every minute. */
	if (!t->cli->resync_set && ms &&
	    RESYNC_DUMP_FACTOR * t->last_dump_took_ms > ms)
		ms = RESYNC_DUMP_FACTOR * t->last_dump_took_ms;
	return ms;
}

uint64_t sync_volatile_ms(const struct tui *t)
{
	uint64_t ms = (uint64_t)(t->delay * 1000);

	/* The rows on screen are read every refresh anyway; the dump is for
	 * flows elsewhere that may move into view. Kept to about 5 % of the
	 * time: a million flows whose dump takes 2.4 s are re-read every
	 * 48 s, not every refresh. */
	if (VOLATILE_DUMP_FACTOR * t->last_dump_took_ms > ms)
		ms = VOLATILE_DUMP_FACTOR * t->last_dump_took_ms;
	return ms;
}

/* When the next full dump is due on its timer (UINT64_MAX: none). */
static uint64_t timed_dump_due(const struct tui *t)
{
	uint64_t wait, resync;

	if (t->polling) {
		/* A dump that takes longer than the interval would keep a
		 * CPU busy in the kernel for nothing: rest as long. */
		wait = (uint64_t)(t->delay * 1000);
		if (t->last_dump_took_ms > wait)
			wait = t->last_dump_took_ms;
		return t->last_dump_ms + wait;
	}
	resync = t->cli->resync > 0 ? t->last_dump_ms + sync_resync_ms(t)
				    : UINT64_MAX;
	if (!t->volatile_why)
		return resync;
	/* An interval the user chose is honoured when it is shorter. */
	wait = t->last_dump_ms + sync_volatile_ms(t);
	return t->cli->resync_set && resync < wait ? resync : wait;
}

/* When the next full dump is due (0: now, UINT64_MAX: not on a timer). */
static uint64_t dump_due(const struct tui *t)
{
	uint64_t due, retry, wait;

	if (!t->dumped_once || t->fs.need_resync)
		return 0;
	due = timed_dump_due(t);
	/* A dump that failed (a hash resize, a kernel error) is tried again
	 * after a pause, not at once: an error that stays must not keep a
	 * CPU busy. */
	if (t->fetch_error) {
		wait = 10 * t->last_dump_took_ms;
		if (wait < DUMP_RETRY_MS)
			wait = DUMP_RETRY_MS;
		retry = t->last_dump_ms + wait;
		if (retry < due)
			due = retry;
	}
	return due;
}

uint64_t sync_next_ms(const struct tui *t)
{
	uint64_t next = t->next_refresh_ms, d;

	if (t->paused || t->cli->replay)
		return UINT64_MAX;
	if (!t->fs.sweeping) {
		d = dump_due(t);
		if (d < next)
			next = d;
	}
	return next;
}

/* ---- the rows on screen ---- */

static bool list_visible(const struct tui *t)
{
	return (t->mode == MODE_LIST || t->mode == MODE_PROMPT ||
		t->mode == MODE_CONFIRM || t->mode == MODE_SORTMENU ||
		t->mode == MODE_COLMENU) &&
	       t->group == GROUP_NONE;
}

/* Read KEYS again one by one: a flow the kernel no longer has goes, the
 * others are updated. Returns how many went. */
static size_t reread(struct tui *t, const struct flow *keys, size_t n,
		     uint64_t now)
{
	struct ctop_err err = { 0 };
	struct flow out;
	size_t gone = 0;
	int r;

	for (size_t i = 0; i < n; i++) {
		r = source_get(t->usrc, &keys[i], &out, &err);
		if (r < 0) {
			status_set(t, true, "reading a flow: %s", err.msg);
			break;
		}
		if (r == 0) {
			tui_remove(t, &keys[i]);	/* gone, unreported */
			gone++;
		} else {
			tui_upsert(t, &out, now, true);
		}
	}
	return gone;
}

static void refresh_rows(struct tui *t, uint64_t now)
{
	struct flow *keys;
	size_t from, n = 0;

	view_update(t);
	from = t->top;
	if (from >= order_count(&t->ord) || t->list_h <= 0)
		return;
	n = order_count(&t->ord) - from;
	if (n > (size_t)t->list_h)
		n = (size_t)t->list_h;
	/* Keys first: a removal below frees the record a row points to. */
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return;
	for (size_t i = 0; i < n; i++)
		keys[i] = order_at(&t->ord, from + i)->f;
	reread(t, keys, n, now);
	free(keys);
}

/* Flows whose timeout ran out since they were read: gone without an
 * event (nf_conntrack_events=2 and older than our subscription), or
 * refreshed by traffic. A slice of the table per refresh; returns how
 * many went. */
static size_t reread_expired(struct tui *t, uint64_t now)
{
	static struct flow due[EXPIRY_READS];
	size_t n;

	if (!t->usrc || t->polling || t->fs.sweeping || !t->dumped_once)
		return 0;
	n = expiry_due(t->tbl, &t->expiry, now, EXPIRY_SLICE, due,
		       EXPIRY_READS);
	return n ? reread(t, due, n, now) : 0;
}

static void read_sysctls(struct tui *t)
{
	long ev;

	t->acct_off = source_sysctl("nf_conntrack_acct") == 0;
	if (!t->ev)
		return;
	ev = source_events_sysctl();
	/* Flows made while events were off never send any: start over
	 * from a dump when they come back on. */
	if (t->events_sysctl == 0 && ev != 0)
		t->fs.need_resync = true;
	t->events_sysctl = ev;
	t->events_on = ev != 0;
}

static void read_stats(struct tui *t, uint64_t now)
{
	struct ctop_err err = { 0 };
	struct table_stats st;

	if (!t->usrc)
		return;
	if (source_stats(t->usrc, &st, &err)) {
		status_set(t, true, "statistics: %s", err.msg);
		return;
	}
	if (t->have_stats) {
		t->prev_stats = t->stats;
		t->prev_stats_ms = t->stats_ms;
		t->have_prev_stats = true;
	}
	t->stats = st;
	t->stats_ms = now;
	t->have_stats = true;
}

/* Resynchronize when the kernel's count and ours keep disagreeing.
 * EXPIRED: flows the expiry pass just found gone; while it finds some
 * and the gap is small enough for it to close within a few refreshes,
 * a dump would cost more. */
static void check_drift(struct tui *t, uint64_t now, size_t expired)
{
	size_t ours = table_count(t->tbl), theirs;
	uint64_t gap;

	if (t->polling || t->fs.sweeping || !t->dumped_once || !t->have_stats ||
	    fetch_busy(t->fetch))
		return;
	theirs = (size_t)t->stats.count;
	if (theirs == ours) {
		t->drift_ticks = 0;
		return;
	}
	gap = theirs > ours ? theirs - ours : ours - theirs;
	if (expired && gap <= DRIFT_TICKS * EXPIRY_READS)
		t->drift_ticks = 0;
	if (++t->drift_ticks < DRIFT_TICKS || now < t->next_drift_ms)
		return;
	gap = 20 * t->last_dump_took_ms;
	t->next_drift_ms = now + (gap > DRIFT_MIN_MS ? gap : DRIFT_MIN_MS);
	t->drift_ticks = 0;
	t->fs.need_resync = true;
}

void sync_tick(struct tui *t, uint64_t now)
{
	const char *why = NULL;
	size_t expired;

	if (t->cli->replay) {
		if (!t->dumped_once && !t->fs.sweeping)
			request_dump(t, now);
		return;
	}
	if (!t->events_on)
		why = t->ev ? "events off" : "no event socket";
	t->polling = why != NULL;
	t->poll_why = why;
	t->volatile_why = t->polling ? NULL : sync_volatile(t);
	if (t->paused)
		return;
	if (!t->fs.sweeping && now >= dump_due(t))
		request_dump(t, now);
	if (now < t->next_refresh_ms)
		return;
	t->next_refresh_ms = now + (uint64_t)(t->delay * 1000);
	t->refresh_asked_ms = now;
	expired = reread_expired(t, now);
	read_stats(t, now);
	read_sysctls(t);
	check_drift(t, now, expired);
	/* While polling, the dumps refresh every row anyway. */
	if (t->dumped_once && !t->polling && list_visible(t))
		refresh_rows(t, now);
	views_refresh(t);
	t->redraw = true;
}
