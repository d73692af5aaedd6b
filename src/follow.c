/* Keep a table in step with the kernel from events.
 *
 * Order matters more than speed here. The rules:
 * - Subscribe before the first dump: an event queued while the dump runs
 *   is applied after (or during) it, and events of one flow come in the
 *   order they happened, so the end state is right.
 * - Apply events during a dump too (every few hundred dumped flows): a
 *   long dump must not leave the event socket to overflow. A DESTROY seen
 *   during the dump leaves a tombstone (the table does that while a sweep
 *   is open), so a copy of the flow the dump read before the destroy does
 *   not bring it back.
 * - After an overflow, first apply everything still queued (those events
 *   are older than the loss), then dump as a sweep: the sweep removes
 *   flows whose DESTROY was lost, the dump adds those whose NEW was lost.
 *   Events lost during that dump may have been about flows the dump had
 *   already passed, so it is done again.
 * - A DESTROY carries the conntrack id; one for another id than the
 *   stored flow's is about an older connection on the same tuple and
 *   must not remove the newer one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "follow.h"

/* Events applied per follow_poll() call before the caller gets control
 * back, and per pause in a dump. */
#define POLL_BUDGET	200000
#define DUMP_EVERY	256
#define DUMP_BUDGET	4096
/* Rounds of follow_settle() before giving up on a quiet moment. */
#define SETTLE_ROUNDS	6

struct follow {
	struct table *t;
	struct source *src;
	struct source_events *ev;
	struct follow_opts opts;
	struct follow_state s;
	struct table *dirty;		/* keys touched, during follow_check */
	struct table *check;		/* the kernel's copy, in follow_check */
	struct ctop_err *err;		/* for errors inside callbacks */
	uint64_t now_ms;
	uint64_t last_dump_ms;
	size_t dumped;			/* flows of the dump under way */
	bool changed;
	bool failed;			/* an event read failed in a dump */
	bool oom;
};

/* ---- the rules ---- */

void follow_state_init(struct follow_state *s, struct table *t,
		       const struct follow_hooks *hooks, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->hooks = hooks;
	s->ctx = ctx;
	s->st.events_sysctl = -1;
}

static struct table_rec *upsert(struct follow_state *s, const struct flow *f,
				uint64_t now_ms, enum table_ends ends)
{
	if (s->hooks)
		return s->hooks->upsert(s->ctx, f, now_ms, ends);
	return table_upsert_ends(s->t, f, now_ms, ends);
}

/* With nf_conntrack_events=1 every conntrack gets the event extension;
 * with 2 only those made while someone listened, and a read cannot tell
 * which (nor with 0, or unknown). */
enum table_ends follow_read_ends(const struct follow_state *s)
{
	return s->st.events_sysctl == 1 ? TABLE_ENDS_KEEP : TABLE_ENDS_UNKNOWN;
}

static bool destroy(struct follow_state *s, const struct flow *f)
{
	struct table_rec *r = table_find(s->t, f);
	struct table_flow v;
	bool removed;

	s->st.destroys++;
	/* Another id: the DESTROY of an older connection on this tuple,
	 * queued before the newer one was read. */
	if (r) {
		table_view(s->t, r, &v);
		if (v.f.id != f->id)
			return false;
	}
	removed = s->hooks ? s->hooks->remove(s->ctx, f) :
			     table_remove(s->t, f);
	/* During a sweep the tombstone is a change too. */
	return removed || s->sweeping;
}

bool follow_apply(struct follow_state *s, const struct source_event *e,
		  uint64_t now_ms)
{
	if (e->type == SOURCE_EV_OVERFLOW) {
		s->st.overflows++;
		s->st.lost += e->lost < 0 ? 1 : (uint64_t)e->lost;
		s->need_resync = true;
		if (s->sweeping)
			s->lost_in_sweep = true;
		errno = 0;
		return false;
	}
	s->st.events++;
	if (e->type == SOURCE_EV_DESTROY) {
		errno = 0;
		return destroy(s, &e->f);
	}
	if (e->type == SOURCE_EV_NEW)
		s->st.news++;
	else
		s->st.updates++;
	/* NULL with errno 0: a tombstone said the flow is gone. An event
	 * at all means this conntrack has the event extension: its end
	 * will be reported too. */
	return upsert(s, &e->f, now_ms, TABLE_ENDS_REPORTED) != NULL;
}

bool follow_dumped(struct follow_state *s, const struct flow *f,
		   uint64_t now_ms)
{
	return upsert(s, f, now_ms, follow_read_ends(s)) != NULL ||
	       errno != ENOMEM;
}

void follow_sweep_begin(struct follow_state *s)
{
	table_sweep_begin(s->t);
	s->sweeping = true;
	s->need_resync = false;
	s->lost_in_sweep = false;
}

size_t follow_sweep_end(struct follow_state *s, bool resync)
{
	size_t removed = table_sweep_end(s->t);

	s->sweeping = false;
	s->st.swept += removed;
	s->st.dumps++;
	if (resync)
		s->st.resyncs++;
	/* Lost events may concern flows the dump had already passed. */
	if (s->lost_in_sweep)
		s->need_resync = true;
	return removed;
}

void follow_sweep_abort(struct follow_state *s)
{
	table_sweep_cancel(s->t);
	s->sweeping = false;
	if (s->lost_in_sweep)
		s->need_resync = true;
}

/* ---- the blocking follower ---- */

static int apply(const struct source_event *e, void *data)
{
	struct follow *fw = data;

	if (e->type != SOURCE_EV_OVERFLOW && fw->dirty &&
	    !table_upsert(fw->dirty, &e->f, fw->now_ms) && errno == ENOMEM)
		fw->oom = true;
	if (follow_apply(&fw->s, e, fw->now_ms))
		fw->changed = true;
	else if (errno == ENOMEM)
		fw->oom = true;
	return 0;
}

/* Apply up to max queued events (0 = until the queue is empty). Returns
 * the number applied, or -1. */
static long drain(struct follow *fw, long max, struct ctop_err *err)
{
	long total = 0, n;

	fw->now_ms = clock_monotonic_ms();
	do {
		long want = max ? max - total : 0;

		n = source_events_read(fw->ev, want > 0 && want < 65536 ?
				       want : 65536, apply, fw, err);
		if (n < 0)
			return -1;
		total += n;
	} while (n > 0 && (!max || total < max));
	return total;
}

/* The events that can be queued at once: the kernel keeps up to twice
 * the buffer in socket memory, and an event costs more than 128 bytes. */
static long queue_capacity(const struct follow *fw)
{
	return (long)(source_events_rcvbuf(fw->ev) / 64) + 1024;
}

struct follow *follow_new(struct table *t, struct source *src,
			  const struct follow_opts *opts,
			  struct ctop_err *err)
{
	struct follow *fw = calloc(1, sizeof(*fw));

	if (!fw) {
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		return NULL;
	}
	fw->t = t;
	fw->src = src;
	follow_state_init(&fw->s, t, NULL, NULL);
	if (opts)
		fw->opts = *opts;
	fw->ev = source_events_open(fw->opts.rcvbuf, err);
	if (!fw->ev) {
		free(fw);
		return NULL;
	}
	fw->s.st.events_sysctl = source_events_sysctl();
	fw->s.st.rcvbuf = source_events_rcvbuf(fw->ev);
	return fw;
}

void follow_free(struct follow *fw)
{
	if (!fw)
		return;
	source_events_close(fw->ev);
	free(fw);
}

int follow_fd(const struct follow *fw)
{
	return source_events_fd(fw->ev);
}

bool follow_events_on(const struct follow *fw)
{
	return fw->s.st.events_sysctl != 0;
}

const struct follow_stats *follow_stats(const struct follow *fw)
{
	return &fw->s.st;
}

/* Dump callback of a resync: store, and keep the event socket drained. */
static int on_dump(const struct flow *f, void *data)
{
	struct follow *fw = data;
	bool stored = fw->check ?
		table_upsert(fw->check, f, fw->now_ms) || errno != ENOMEM :
		follow_dumped(&fw->s, f, fw->now_ms);

	if (!stored) {
		fw->oom = true;
		return 1;
	}
	if (++fw->dumped % DUMP_EVERY == 0 &&
	    drain(fw, DUMP_BUDGET, fw->err) < 0) {
		fw->failed = true;
		return 1;
	}
	return 0;
}

/* One dump into fw->check (when set) or the table, events applied as it
 * goes. */
static int dump(struct follow *fw, struct ctop_err *err)
{
	int r;

	fw->dumped = 0;
	fw->failed = false;
	fw->err = err;
	fw->now_ms = clock_monotonic_ms();
	r = source_dump(fw->src, NULL, on_dump, fw, err);
	fw->err = NULL;
	if (r < 0 || fw->failed)
		return -1;
	if (fw->oom)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "out of memory holding %zu flows",
			       table_count(fw->t));
	/* What came in during the last stretch of the dump. */
	return drain(fw, queue_capacity(fw), err) < 0 ? -1 : 0;
}

/* AFTER_LOSS: the dump is for lost events (counted as a resync). */
static int resync(struct follow *fw, bool after_loss, struct ctop_err *err)
{
	uint64_t t0;
	int r;

	/* Queued events predate any loss: apply them outside the sweep,
	 * so a flow whose DESTROY was lost is not marked as seen. */
	if (drain(fw, queue_capacity(fw), err) < 0)
		return -1;
	t0 = clock_monotonic_ms();
	follow_sweep_begin(&fw->s);
	r = dump(fw, err);
	if (r < 0)
		follow_sweep_abort(&fw->s);
	else
		follow_sweep_end(&fw->s, after_loss);
	fw->changed = true;
	fw->last_dump_ms = clock_monotonic_ms();
	fw->s.st.last_dump_s = (double)(fw->last_dump_ms - t0) / 1000.0;
	fw->s.st.events_sysctl = source_events_sysctl();
	fw->s.st.rcvbuf = source_events_rcvbuf(fw->ev);
	return r;
}

int follow_start(struct follow *fw, struct ctop_err *err)
{
	return resync(fw, false, err);
}

int follow_resync(struct follow *fw, struct ctop_err *err)
{
	return resync(fw, false, err);
}

int follow_poll(struct follow *fw, struct ctop_err *err)
{
	bool periodic;

	fw->changed = false;
	if (drain(fw, POLL_BUDGET, err) < 0)
		return -1;
	if (fw->oom)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	periodic = fw->opts.resync_s > 0 &&
		   (double)(clock_monotonic_ms() - fw->last_dump_ms) >=
		   fw->opts.resync_s * 1000.0;
	if ((fw->s.need_resync || periodic) &&
	    resync(fw, fw->s.need_resync, err) < 0)
		return -1;
	fw->s.st.rcvbuf = source_events_rcvbuf(fw->ev);
	return fw->changed ? 1 : 0;
}

int follow_settle(struct follow *fw, struct ctop_err *err)
{
	for (int i = 0; i < SETTLE_ROUNDS; i++) {
		if (drain(fw, queue_capacity(fw), err) < 0)
			return -1;
		if (!fw->s.need_resync)
			return 0;
		if (resync(fw, true, err) < 0)
			return -1;
	}
	return 0;
}

static void example(struct flow *ex, size_t n, const struct flow *f)
{
	if (n < FOLLOW_CHECK_EXAMPLES)
		ex[n] = *f;
}

static void compare(struct follow *fw, struct follow_check *res)
{
	struct table_rec *r;
	struct table_flow v;
	size_t cur = 0;

	res->table = table_count(fw->t);
	res->kernel = table_count(fw->check);
	res->changed = table_count(fw->dirty);
	while ((r = table_next(fw->check, &cur))) {
		table_view(fw->check, r, &v);
		if (table_find(fw->t, &v.f) || table_find(fw->dirty, &v.f))
			continue;
		example(res->missing_ex, res->missing++, &v.f);
	}
	cur = 0;
	while ((r = table_next(fw->t, &cur))) {
		table_view(fw->t, r, &v);
		if (table_find(fw->check, &v.f) ||
		    table_find(fw->dirty, &v.f))
			continue;
		res->ghosts++;
		if (table_is_silent(fw->t, &v.f))
			example(res->silent_ex, res->silent++, &v.f);
		else
			example(res->ghost_ex, res->ghosts - res->silent - 1,
				&v.f);
	}
}

int follow_check(struct follow *fw, struct follow_check *res,
		 struct ctop_err *err)
{
	uint64_t overflows;
	int r = -1;

	memset(res, 0, sizeof(*res));
	if (follow_settle(fw, err) < 0)
		return -1;
	fw->check = table_new();
	fw->dirty = table_new();
	if (!fw->check || !fw->dirty) {
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		goto out;
	}
	overflows = fw->s.st.overflows;
	if (dump(fw, err) < 0)
		goto out;
	res->overflow = fw->s.st.overflows != overflows;
	compare(fw, res);
	r = 0;
out:
	table_free(fw->check);
	table_free(fw->dirty);
	fw->check = NULL;
	fw->dirty = NULL;
	return r;
}
