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
	struct follow_stats st;
	struct table *dirty;		/* keys touched, during follow_check */
	struct table *check;		/* the kernel's copy, in follow_check */
	struct ctop_err *err;		/* for errors inside callbacks */
	uint64_t now_ms;
	uint64_t last_dump_ms;
	size_t dumped;			/* flows of the dump under way */
	bool need_resync;
	bool sweeping;
	bool lost_in_sweep;
	bool changed;
	bool failed;			/* an event read failed in a dump */
	bool oom;
};

static void apply_destroy(struct follow *fw, const struct flow *f)
{
	struct table_flow *r = table_find(fw->t, f);

	fw->st.destroys++;
	/* Another id: the DESTROY of an older connection on this tuple,
	 * queued before the newer one was read. */
	if (r && r->f.id != f->id)
		return;
	if (table_remove(fw->t, f) || fw->sweeping)
		fw->changed = true;
}

static int apply(const struct source_event *e, void *data)
{
	struct follow *fw = data;

	if (e->type == SOURCE_EV_OVERFLOW) {
		fw->st.overflows++;
		fw->st.lost += e->lost < 0 ? 1 : (uint64_t)e->lost;
		fw->need_resync = true;
		if (fw->sweeping)
			fw->lost_in_sweep = true;
		return 0;
	}
	fw->st.events++;
	if (fw->dirty && !table_upsert(fw->dirty, &e->f, fw->now_ms) &&
	    errno == ENOMEM)
		fw->oom = true;
	if (e->type == SOURCE_EV_DESTROY) {
		apply_destroy(fw, &e->f);
		return 0;
	}
	if (e->type == SOURCE_EV_NEW)
		fw->st.news++;
	else
		fw->st.updates++;
	/* NULL with errno 0: a tombstone said the flow is gone. */
	if (table_upsert(fw->t, &e->f, fw->now_ms))
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
	if (opts)
		fw->opts = *opts;
	fw->ev = source_events_open(fw->opts.rcvbuf, err);
	if (!fw->ev) {
		free(fw);
		return NULL;
	}
	fw->st.events_sysctl = source_events_sysctl();
	fw->st.rcvbuf = source_events_rcvbuf(fw->ev);
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
	return fw->st.events_sysctl != 0;
}

const struct follow_stats *follow_stats(const struct follow *fw)
{
	return &fw->st;
}

/* Dump callback of a resync: store, and keep the event socket drained. */
static int on_dump(const struct flow *f, void *data)
{
	struct follow *fw = data;
	struct table *t = fw->check ? fw->check : fw->t;

	if (!table_upsert(t, f, fw->now_ms) && errno == ENOMEM) {
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

static int resync(struct follow *fw, struct ctop_err *err)
{
	uint64_t t0;
	int r;

	/* Queued events predate any loss: apply them outside the sweep,
	 * so a flow whose DESTROY was lost is not marked as seen. */
	if (drain(fw, queue_capacity(fw), err) < 0)
		return -1;
	fw->need_resync = false;
	fw->lost_in_sweep = false;
	fw->sweeping = true;
	t0 = clock_monotonic_ms();
	table_sweep_begin(fw->t);
	r = dump(fw, err);
	fw->st.swept += table_sweep_end(fw->t);
	fw->sweeping = false;
	fw->changed = true;
	if (fw->lost_in_sweep)
		fw->need_resync = true;
	fw->last_dump_ms = clock_monotonic_ms();
	fw->st.last_dump_s = (double)(fw->last_dump_ms - t0) / 1000.0;
	fw->st.dumps++;
	fw->st.events_sysctl = source_events_sysctl();
	fw->st.rcvbuf = source_events_rcvbuf(fw->ev);
	return r;
}

int follow_start(struct follow *fw, struct ctop_err *err)
{
	return resync(fw, err);
}

int follow_resync(struct follow *fw, struct ctop_err *err)
{
	return resync(fw, err);
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
	if (fw->need_resync) {
		fw->st.resyncs++;
		if (resync(fw, err) < 0)
			return -1;
	} else if (periodic && resync(fw, err) < 0) {
		return -1;
	}
	fw->st.rcvbuf = source_events_rcvbuf(fw->ev);
	return fw->changed ? 1 : 0;
}

int follow_settle(struct follow *fw, struct ctop_err *err)
{
	for (int i = 0; i < SETTLE_ROUNDS; i++) {
		if (drain(fw, queue_capacity(fw), err) < 0)
			return -1;
		if (!fw->need_resync)
			return 0;
		fw->st.resyncs++;
		if (resync(fw, err) < 0)
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
	struct table_flow *r;
	size_t cur = 0;

	res->table = table_count(fw->t);
	res->kernel = table_count(fw->check);
	res->changed = table_count(fw->dirty);
	while ((r = table_next(fw->check, &cur))) {
		if (table_find(fw->t, &r->f) || table_find(fw->dirty, &r->f))
			continue;
		example(res->missing_ex, res->missing++, &r->f);
	}
	cur = 0;
	while ((r = table_next(fw->t, &cur))) {
		if (table_find(fw->check, &r->f) ||
		    table_find(fw->dirty, &r->f))
			continue;
		example(res->ghost_ex, res->ghosts++, &r->f);
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
	overflows = fw->st.overflows;
	if (dump(fw, err) < 0)
		goto out;
	res->overflow = fw->st.overflows != overflows;
	compare(fw, res);
	r = 0;
out:
	table_free(fw->check);
	table_free(fw->dirty);
	fw->check = NULL;
	fw->dirty = NULL;
	return r;
}
