/* The sweep for silent ends: when, how, and how much (see sweep.h). */
#include "sweep.h"

/* Costs are learned as a moving average: one slow step on a loaded
 * machine must not swing the choice between probes and dumps. A sample
 * below the average moves it faster: other work on the machine can only
 * make a step look dearer, so a cheaper one is closer to the true cost. */
#define LEARN		0.25
#define LEARN_DOWN	0.75
/* A step of fewer flows says little about the cost per flow. */
#define LEARN_MIN_FLOWS 16

void sweep_init(struct sweep *s, double budget_percent)
{
	*s = (struct sweep){ 0 };
	s->budget = budget_percent > 0 ? budget_percent / 100.0 : 0;
	s->probe_us = SWEEP_PROBE_US_PRIOR;
	s->dump_us = SWEEP_DUMP_US_PRIOR;
}

static void learn(double *avg, bool *known, double sample)
{
	if (!*known)
		*avg = sample;
	else
		*avg += (sample < *avg ? LEARN_DOWN : LEARN) * (sample - *avg);
	*known = true;
}

/* The budget's share of the time since the last call, up to one slice:
 * a sweep idle for an hour has no hour of CPU saved up to burst with. */
static void accrue(struct sweep *s, uint64_t now_ms)
{
	if (!s->clock_started) {
		s->clock_started = true;
		s->last_ms = now_ms;
		return;
	}
	if (now_ms > s->last_ms)
		s->credit_us += (double)(now_ms - s->last_ms) * s->budget * 1000;
	s->last_ms = now_ms;
	if (s->credit_us > SWEEP_SLICE_US)
		s->credit_us = SWEEP_SLICE_US;
}

/* A pause between steps longer than this is the sweep idle (nothing
 * to find), not time the pass took; at a budget so low that steps are
 * further apart, a few steps' spacing. */
#define STEP_GAP_MAX_MS 1000

static void pass_reset(struct sweep *s)
{
	s->pass_read = 0;
	s->pass_found = 0;
	s->pass_cpu_us = 0;
	s->pass_wall_ms = 0;
}

void sweep_count(struct sweep *s, long gap)
{
	s->ghosts = gap < s->last_gap ? gap : s->last_gap;
	s->last_gap = gap;
	/* The count agrees: whatever a pass missed is not missing. */
	if (gap <= 0)
		s->futile = false;
}

bool sweep_wanted(const struct sweep *s, size_t silent)
{
	return s->budget > 0 && silent > 0 && s->ghosts > 0;
}

enum sweep_how sweep_cheaper(const struct sweep *s, size_t flows,
			     size_t silent)
{
	/* A dump also reads the flows that do report their end. */
	return (double)flows * s->dump_us * SWEEP_DUMP_MARGIN <
	       (double)silent * s->probe_us ? SWEEP_DUMP : SWEEP_PROBES;
}

struct sweep_step sweep_next(struct sweep *s, size_t flows, size_t silent,
			     bool dumping, uint64_t now_ms)
{
	struct sweep_step st = { SWEEP_IDLE, 0 };
	double n;

	accrue(s, now_ms);
	if (!silent)
		pass_reset(s);
	if (!sweep_wanted(s, silent) || dumping)
		return st;
	/* A dump is paid when it ends, so it starts on any credit and the
	 * debt it leaves spaces the next one out. Before each dump chosen
	 * for its cost, probe steps measure probes again: a few slow
	 * samples on a busy machine must not put the sweep on dumps. */
	if (s->futile || (s->probe_steps >= SWEEP_PROBE_SAMPLES &&
			  sweep_cheaper(s, flows, silent) == SWEEP_DUMP)) {
		if (s->credit_us >= 0)
			st.how = SWEEP_DUMP;
		return st;
	}
	if (s->credit_us < SWEEP_STEP_US)
		return st;
	n = s->credit_us / s->probe_us;
	if (n < 1)
		n = 1;
	st.how = SWEEP_PROBES;
	st.n = n < (double)silent ? (size_t)n : silent;
	return st;
}

void sweep_probe_done(struct sweep *s, size_t n, size_t gone, size_t silent,
		     double cpu_us, uint64_t now_ms)
{
	double gap_max = s->budget > 0 ?
				 4 * SWEEP_STEP_US / (s->budget * 1000) : 0;

	if (gap_max < STEP_GAP_MAX_MS)
		gap_max = STEP_GAP_MAX_MS;
	if (s->last_step_ms && now_ms > s->last_step_ms &&
	    (double)(now_ms - s->last_step_ms) <= gap_max)
		s->pass_wall_ms += (double)(now_ms - s->last_step_ms);
	s->last_step_ms = now_ms;
	s->pass_cpu_us += cpu_us;
	s->credit_us -= cpu_us;
	if (n >= LEARN_MIN_FLOWS) {
		learn(&s->probe_us, &s->probe_known, cpu_us / (double)n);
		s->probe_steps++;
	}
	s->probes += n;
	s->found += gone;
	s->ghosts -= (long)gone;
	s->pass_read += n;
	s->pass_found += gone;
	/* Round the whole set once: if the count still says flows went and
	 * none of them was here, they are not in the set (a flow that had
	 * no event extension although the sysctl said so): only a dump
	 * finds them. */
	if (s->pass_read >= silent) {
		if (!s->pass_found && s->ghosts > 0)
			s->futile = true;
		s->last_pass_us = s->pass_cpu_us / (double)s->pass_read;
		s->last_pass_ms_flow = s->pass_wall_ms / (double)s->pass_read;
		pass_reset(s);
	}
}

void sweep_dump_done(struct sweep *s, size_t n, double cpu_us,
		     double wall_us, bool for_sweep)
{
	if (n >= LEARN_MIN_FLOWS) {
		learn(&s->dump_us, &s->dump_known, cpu_us / (double)n);
		s->dump_wall_us = wall_us / (double)n;
	}
	/* Until a probe was measured, keep the measured ratio between the
	 * two rather than a prior from another machine. */
	if (!s->probe_known)
		s->probe_us = s->dump_us * (SWEEP_PROBE_US_PRIOR /
					  SWEEP_DUMP_US_PRIOR);
	if (!for_sweep)
		return;
	s->credit_us -= cpu_us;
	s->dumps++;
	s->probe_steps = 0;
	/* The dump saw the whole table: the next count starts afresh. */
	s->ghosts = 0;
	s->futile = false;
	pass_reset(s);
}

uint64_t sweep_due_ms(const struct sweep *s, size_t silent, uint64_t now_ms)
{
	double want, ms;

	if (!sweep_wanted(s, silent))
		return UINT64_MAX;
	/* A dump waits for the debt to be paid, a probe step for a step's
	 * worth. */
	want = s->futile ? 0 : SWEEP_STEP_US;
	if (s->credit_us >= want)
		return now_ms;
	ms = (want - s->credit_us) / (s->budget * 1000);
	return s->last_ms + (uint64_t)ms + 1;
}

double sweep_bound_s(const struct sweep *s, size_t flows, size_t silent,
		     double refresh_s)
{
	double cost_us, wall_us;

	if (!silent)
		return 0;
	if (s->budget <= 0)
		return -1;
	/* A dump: the pause that pays for the last, plus its own length
	 * (a flow that ended just after the last one read it waits for the
	 * next one to end); probes: one pass. */
	if (sweep_cheaper(s, flows, silent) == SWEEP_DUMP) {
		cost_us = (double)flows * s->dump_us;
		wall_us = (double)flows * (s->dump_wall_us > s->dump_us ?
					   s->dump_wall_us : s->dump_us);
	} else {
		double per_flow = s->probe_us > s->last_pass_us ?
					  s->probe_us : s->last_pass_us;
		double took_s = (double)silent * s->last_pass_ms_flow / 1e3;

		cost_us = (double)silent * per_flow;
		wall_us = 0;
		if (took_s > cost_us / s->budget / 1e6)
			return refresh_s + took_s;
	}
	return refresh_s + (cost_us / s->budget + wall_us) / 1e6;
}
