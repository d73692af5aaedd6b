/* The screen's look for silent ends (the model is ../sweep.c).
 *
 * The flows that may end without an event are a set in the table
 * (table_silent_count). When the kernel's count, read every refresh,
 * says flows went that no event reported, this probes that set a slice
 * at a time (batched "is it there?" requests: reread.c) from where the
 * last slice stopped, or asks sync.c for a whole-table dump when that is
 * cheaper, each within the --sweep-budget share of a core. What each
 * step costs is measured (thread CPU time: the kernel answers a probe
 * inside the sendmsg) and
 * given back to the model, which also says how long a silent end can
 * stay on screen (the header shows it).
 */

#include "../clock.h"
#include "reread.h"
#include "silent.h"

/* The next N flows of the set, going round. Returns how many. */
static size_t next_keys(struct sync *s, struct flow *keys, size_t n)
{
	struct table_rec *r;
	struct table_flow v = { 0 };
	bool wrapped = false;
	size_t got = 0;

	while (got < n) {
		r = table_next_silent(s->m->tbl, &s->silent_cursor);
		if (!r) {
			if (wrapped)
				break;
			wrapped = true;
			s->silent_cursor = 0;
			continue;
		}
		/* A probe needs the tuple and zones only. */
		table_view_key(s->m->tbl, r, &v);
		keys[got++] = v.f;
	}
	return got;
}

/* Keys taken from the set at a time: one batch's worth, on the stack (a
 * step of a few thousand flows allocated anew ten times a second was
 * an mmap and its page faults each time). */
#define STEP_KEYS 128

static void probe_again(struct sync *s, size_t n, uint64_t now)
{
	struct ctop_err err = { 0 };
	size_t silent = table_silent_count(s->m->tbl);
	struct flow keys[STEP_KEYS];
	size_t done = 0, gone = 0, k, g;
	long answered = 0, r = 0;
	double cpu = clock_thread_cpu_us();
	/* Quiet probes cost half, but report an update of each probed flow
	 * that has the event extension: to us (the flow then leaves the
	 * set, its end will be reported) and to anyone else listening, so
	 * only while nobody else does. Looked at every step: it is part of
	 * the step's cost. */
	bool quiet = !s->probes_refused && s->ev &&
		     source_events_others_listen(s->ev) == 0;

	while (done < n && r >= 0) {
		k = next_keys(s, keys, n - done < STEP_KEYS ? n - done :
							      STEP_KEYS);
		if (!k)
			break;
		done += k;
		g = 0;
		r = -1;
		if (!s->probes_refused) {
			r = probe_flows(s, keys, k, quiet, &g, &err);
			/* Refused (or failed): GETs from now on, which say
			 * why if they fail too. */
			if (r < 0) {
				s->probes_refused = true;
				err = (struct ctop_err){ 0 };
			}
		}
		if (s->probes_refused)
			r = reread_flows(s, keys, k, now, &g, &err);
		if (r > 0)
			answered += r;
		gone += g;
	}
	cpu = clock_thread_cpu_us() - cpu;
	if (r < 0)
		status_set(s->st, true, "looking for silent ends: %s", err.msg);
	sweep_probe_done(&s->sweep, (size_t)answered, gone, silent, cpu, now);
}

void silent_init(struct sync *s)
{
	sweep_init(&s->sweep, s->cli->sweep_budget);
}

void silent_count(struct sync *s, long gap)
{
	if (s->have_stats)
		sweep_count(&s->sweep, gap);
}

void silent_step(struct sync *s, uint64_t now)
{
	struct sweep_step st;

	if (!s->usrc || s->polling || !s->m->complete || s->paused ||
	    s->cli->replay)
		return;
	st = sweep_next(&s->sweep, table_count(s->m->tbl),
			table_silent_count(s->m->tbl),
			s->fs.sweeping || s->sweep_dump_wanted ||
			s->dump_cost_pending, now);
	if (st.how == SWEEP_DUMP)
		s->sweep_dump_wanted = true;	/* sync.c asks the worker */
	else if (st.how == SWEEP_PROBES)
		probe_again(s, st.n, now);
}

uint64_t silent_next_ms(const struct sync *s, uint64_t now)
{
	if (s->polling || !s->m->complete || s->paused || s->cli->replay)
		return UINT64_MAX;
	return sweep_due_ms(&s->sweep, table_silent_count(s->m->tbl), now);
}

void silent_dump_done(struct sync *s, size_t flows, double cpu_us,
		      double wall_us, bool for_sweep)
{
	sweep_dump_done(&s->sweep, flows, cpu_us, wall_us, for_sweep);
}

bool silent_drift_is_ours(const struct sync *s)
{
	return sweep_wanted(&s->sweep, table_silent_count(s->m->tbl)) &&
	       !s->sweep.futile;
}

double silent_bound_s(const struct sync *s)
{
	return sweep_bound_s(&s->sweep, table_count(s->m->tbl),
			     table_silent_count(s->m->tbl), s->delay);
}
