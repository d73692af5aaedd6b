/* Unit tests for the sweep model (sweep.c): when it looks for silent
 * ends, which way, and that its CPU stays within the budget. The clock
 * and the costs are made up here; a simulated kernel answers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sweep.h"

/* Nothing can end silently: never a step, and the bound is 0. */
static void test_empty_set_never_sweeps(void **state)
{
	struct sweep s;

	(void)state;
	sweep_init(&s, SWEEP_BUDGET_DEFAULT);
	sweep_count(&s, 500);	/* the count differs, but no flow is silent */
	for (uint64_t ms = 0; ms < 60000; ms += 100)
		assert_int_equal(sweep_next(&s, 100000, 0, false, ms).how,
				 SWEEP_IDLE);
	assert_false(sweep_wanted(&s, 0));
	assert_int_equal(sweep_due_ms(&s, 0, 1000), UINT64_MAX);
	assert_true(sweep_bound_s(&s, 100000, 0, 1) == 0);
}

/* The count agrees: nothing went, nothing to look for. */
static void test_count_agrees_no_sweep(void **state)
{
	struct sweep s;

	(void)state;
	sweep_init(&s, SWEEP_BUDGET_DEFAULT);
	sweep_count(&s, 0);
	for (uint64_t ms = 0; ms < 10000; ms += 100)
		assert_int_equal(sweep_next(&s, 1000000, 1000000, false, ms).how,
				 SWEEP_IDLE);
	/* A gap seen once is events still on their way. */
	sweep_count(&s, 100);
	assert_int_equal(sweep_next(&s, 1000000, 1000000, false, 15000).how,
			 SWEEP_IDLE);
	sweep_count(&s, 0);
	sweep_count(&s, -3);	/* the kernel has more: not ours to find */
	assert_int_equal(sweep_next(&s, 1000000, 1000000, false, 20000).how,
			 SWEEP_IDLE);
	/* But the bound is still said: a flow may end any moment. */
	assert_true(sweep_bound_s(&s, 1000000, 1000000, 1) > 1);
}

/* A small set in a big table: probes, in steps no longer than a slice,
 * and over a minute no more CPU than the budget allows. */
static void test_probes_within_budget(void **state)
{
	const double probe_us = 6.0, budget = SWEEP_BUDGET_DEFAULT / 100;
	const size_t flows = 1000000, silent = 20000;
	double spent = 0;
	size_t steps = 0;
	struct sweep s;

	(void)state;
	sweep_init(&s, SWEEP_BUDGET_DEFAULT);
	for (uint64_t ms = 0; ms <= 60000; ms += 10) {
		struct sweep_step st;

		sweep_count(&s, 1000);	/* always more to find ... */
		st = sweep_next(&s, flows, silent, false, ms);
		assert_int_not_equal(st.how, SWEEP_DUMP);
		if (st.how != SWEEP_PROBES)
			continue;
		assert_true(st.n >= 1 && st.n <= silent);
		assert_true((double)st.n * probe_us <= SWEEP_SLICE_US + probe_us);
		spent += (double)st.n * probe_us;
		steps++;
		/* ... and some found at every step */
		sweep_probe_done(&s, st.n, 1, silent, (double)st.n * probe_us, ms);
	}
	/* Spread out, not one burst; and within the budget plus a slice. */
	assert_true(steps > 100);
	assert_true(spent <= 60.0 * budget * 1e6 + SWEEP_SLICE_US);
	assert_true(spent >= 0.9 * 60.0 * budget * 1e6);
	/* It learned the cost: a pass of 20,000 at 6 us on 2 % is 6 s. */
	assert_true(sweep_bound_s(&s, flows, silent, 1) > 6.5);
	assert_true(sweep_bound_s(&s, flows, silent, 1) < 7.5);
}

/* The sweep stops once it found as many as the count said, and starts
 * again at the next count that says more went. */
static void test_stops_when_found(void **state)
{
	struct sweep s;
	struct sweep_step st;
	uint64_t ms = 0;

	(void)state;
	sweep_init(&s, SWEEP_BUDGET_DEFAULT);
	sweep_count(&s, 2);
	sweep_count(&s, 2);
	for (;;) {
		ms += 100;
		st = sweep_next(&s, 100000, 5000, false, ms);
		if (st.how == SWEEP_PROBES)
			break;
	}
	/* This step found both. */
	sweep_probe_done(&s, st.n, 2, 5000, (double)st.n * 5, ms);
	assert_false(sweep_wanted(&s, 5000));
	for (int i = 0; i < 50; i++) {
		ms += 100;
		assert_int_equal(sweep_next(&s, 100000, 5000, false, ms).how,
				 SWEEP_IDLE);
	}
	sweep_count(&s, 1);
	sweep_count(&s, 1);
	assert_true(sweep_wanted(&s, 5000));
	assert_int_equal(sweep_next(&s, 100000, 5000, false, ms + 1000).how,
			 SWEEP_PROBES);
}

/* Where probes cost much more than a dumped flow (learned: here 5 us
 * against 2 us) and most of the table is silent, a dump is cheaper, asked for
 * only when no dump is under way, and paid for: the next one waits until
 * the budget has covered it. */
static void test_dump_when_cheaper_and_paced(void **state)
{
	const size_t flows = 1000000;
	const double dump_cpu_us = 2.0e6;	/* 2 s */
	uint64_t ms = 0, first = 0, second = 0, probe_steps = 1;
	struct sweep s;

	(void)state;
	sweep_init(&s, SWEEP_BUDGET_DEFAULT);
	/* The first load teaches the cost of a dump, unpaid. */
	sweep_dump_done(&s, flows, dump_cpu_us, 3.0e6, false);
	/* At the prior's ratio a probe is the cheaper. */
	assert_int_equal(sweep_cheaper(&s, flows, flows), SWEEP_PROBES);
	sweep_probe_done(&s, 1000, 0, flows, 5000.0, 0);
	assert_int_equal(sweep_cheaper(&s, flows, flows), SWEEP_DUMP);
	/* Not by a margin: 2 us against 2 us is no reason to dump. */
	sweep_probe_done(&s, 1000, 0, flows, 1000.0, 0);
	assert_int_equal(sweep_cheaper(&s, flows, flows), SWEEP_PROBES);
	for (int i = 0; i < 20; i++)
		sweep_probe_done(&s, 1000, 0, flows, 5000.0, 0);
	assert_int_equal(sweep_cheaper(&s, flows, flows), SWEEP_DUMP);
	s.probe_steps = 1;	/* as after one step */
	assert_int_equal(sweep_cheaper(&s, flows, flows / 10), SWEEP_PROBES);
	sweep_count(&s, 300);
	assert_int_equal(sweep_next(&s, flows, flows, true, ms).how,
			 SWEEP_IDLE);	/* one is under way */
	for (; ms < 400000; ms += 500) {
		struct sweep_step st;

		sweep_count(&s, 300);
		st = sweep_next(&s, flows, flows, false, ms);
		if (st.how == SWEEP_PROBES) {
			/* Before each dump, probe steps measure again (at
			 * the same cost: still the dearer way). */
			probe_steps++;
			assert_true(probe_steps <=
				    SWEEP_PROBE_SAMPLES * (s.dumps + 1));
			sweep_probe_done(&s, st.n, 0, flows, (double)st.n * 5, ms);
			continue;
		}
		if (st.how != SWEEP_DUMP)
			continue;
		assert_int_equal(probe_steps,
				 SWEEP_PROBE_SAMPLES * (s.dumps + 1));
		if (!first)
			first = ms ? ms : 1;
		else if (!second)
			second = ms;
		sweep_dump_done(&s, flows, dump_cpu_us, 3.0e6, true);
	}
	assert_true(first > 0 && second > first);
	/* 2 s of CPU at 2 % of a core, then the probe steps between (one a
	 * half-second tick here): about 108 s apart. */
	assert_true(second - first >= 99000 && second - first <= 112000);
	assert_int_equal(s.dumps, 4);
	/* A silent end waits at most a refresh, the pause and the dump
	 * (3 s long). */
	assert_true(sweep_bound_s(&s, flows, flows, 1) >= 103.9);
	assert_true(sweep_bound_s(&s, flows, flows, 1) <= 104.1);
}

/* One slow first probe step (a busy machine) makes dumps look cheaper,
 * but one sample decides nothing: the next probe steps measure again
 * and the sweep stays on probes, with no dump. */
static void test_recovers_from_slow_probe_sample(void **state)
{
	const size_t flows = 1000000;
	struct sweep_step st;
	struct sweep s;
	uint64_t ms = 0;
	int dumps_before_probes = -1;

	(void)state;
	sweep_init(&s, SWEEP_BUDGET_DEFAULT);
	sweep_dump_done(&s, flows, 3.0e6, 3.0e6, false);	/* 3 us */
	sweep_probe_done(&s, 1000, 0, flows, 20000.0, 0);	/* 20 us */
	assert_int_equal(sweep_cheaper(&s, flows, flows), SWEEP_DUMP);
	for (; ms < 3600000 && dumps_before_probes < 0; ms += 500) {
		sweep_count(&s, 300);
		st = sweep_next(&s, flows, flows, false, ms);
		if (st.how == SWEEP_DUMP)
			sweep_dump_done(&s, flows, 3.0e6, 3.0e6, true);
		else if (st.how == SWEEP_PROBES) {
			sweep_probe_done(&s, st.n, 0, flows, (double)st.n * 1.5, ms);
			if (sweep_cheaper(&s, flows, flows) == SWEEP_PROBES)
				dumps_before_probes = (int)s.dumps;
		}
	}
	assert_int_equal(dumps_before_probes, 0);
}

/* The bound says what a pass really takes: the costs learned lean to
 * the cheap samples (2 us of 2 and 4), and steps that come too seldom to
 * spend the budget (every 400 ms, a slice of 5 ms each: 1.25 % of 2 %)
 * make a pass longer than its CPU at the budget. */
static void run_passes(struct sweep *s, size_t silent, uint64_t every_ms,
		       bool uneven)
{
	size_t read = 0, steps = 0;
	uint64_t ms = 0;

	sweep_init(s, SWEEP_BUDGET_DEFAULT);
	while (read < 3 * silent && ms < 3600000) {
		struct sweep_step st;

		ms += every_ms;
		sweep_count(s, 100);
		st = sweep_next(s, 1000000, silent, false, ms);
		if (st.how != SWEEP_PROBES)
			continue;
		read += st.n;
		/* One found a step: the count keeps saying more went. */
		sweep_probe_done(s, st.n, 1, silent,
				 (double)st.n * (uneven && steps++ % 2 ? 4 : 2),
				 ms);
	}
}

static void test_bound_is_what_a_pass_takes(void **state)
{
	const size_t silent = 20000;
	struct sweep s;

	(void)state;
	/* Uneven costs: 3 us a flow on average, a pass 3 s at 2 %. */
	run_passes(&s, silent, 100, true);
	assert_true(s.probe_us < 2.8);
	assert_true(sweep_bound_s(&s, 1000000, silent, 1) >= 1 + 2.9);
	assert_true(sweep_bound_s(&s, 1000000, silent, 1) <= 1 + 3.3);
	/* Steps too seldom: 2 us a flow, 40 ms a pass, 2.5 passes of the
	 * 5 ms slices a second: 3.2 s, not 2 s. */
	run_passes(&s, silent, 400, false);
	assert_true(sweep_bound_s(&s, 1000000, silent, 1) >= 1 + 3.0);
	assert_true(sweep_bound_s(&s, 1000000, silent, 1) <= 1 + 3.5);
}

/* The count keeps saying flows went, but a whole pass over the set found
 * none: they are not in the set, so a dump is asked for. */
static void test_futile_pass_asks_for_dump(void **state)
{
	const size_t flows = 100000, silent = 1000;
	struct sweep_step st;
	struct sweep s;
	uint64_t ms = 0;
	size_t read = 0;

	(void)state;
	sweep_init(&s, SWEEP_BUDGET_DEFAULT);
	sweep_count(&s, 10);
	sweep_count(&s, 10);
	while (read < silent) {
		ms += 100;
		st = sweep_next(&s, flows, silent, false, ms);
		assert_int_not_equal(st.how, SWEEP_DUMP);
		if (st.how != SWEEP_PROBES)
			continue;
		read += st.n;
		sweep_probe_done(&s, st.n, 0, silent, (double)st.n * 7, ms);
	}
	for (;;) {
		ms += 100;
		st = sweep_next(&s, flows, silent, false, ms);
		if (st.how != SWEEP_IDLE)
			break;
	}
	assert_int_equal(st.how, SWEEP_DUMP);
	sweep_dump_done(&s, flows, 300000, 400000, true);
	assert_false(sweep_wanted(&s, silent));
}

/* A budget of 0 never sweeps and says so. */
static void test_zero_budget(void **state)
{
	struct sweep s;

	(void)state;
	sweep_init(&s, 0);
	sweep_count(&s, 100);
	for (uint64_t ms = 0; ms < 10000; ms += 100)
		assert_int_equal(sweep_next(&s, 1000, 1000, false, ms).how,
				 SWEEP_IDLE);
	assert_true(sweep_bound_s(&s, 1000, 1000, 1) < 0);
}

/* When the next step is due: now with credit, later without. */
static void test_due(void **state)
{
	struct sweep s;
	struct sweep_step st;
	uint64_t due;

	(void)state;
	sweep_init(&s, SWEEP_BUDGET_DEFAULT);
	sweep_count(&s, 5);
	sweep_count(&s, 5);
	sweep_next(&s, 100000, 5000, false, 0);
	/* 2 % of a core makes a 2 ms step in 100 ms. */
	due = sweep_due_ms(&s, 5000, 0);
	assert_true(due >= 99 && due <= 101);
	st = sweep_next(&s, 100000, 5000, false, due);
	assert_int_equal(st.how, SWEEP_PROBES);
	sweep_probe_done(&s, st.n, 0, 5000, (double)st.n * SWEEP_PROBE_US_PRIOR, 0);
	assert_true(sweep_due_ms(&s, 5000, due) > due);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_set_never_sweeps),
		cmocka_unit_test(test_count_agrees_no_sweep),
		cmocka_unit_test(test_probes_within_budget),
		cmocka_unit_test(test_stops_when_found),
		cmocka_unit_test(test_dump_when_cheaper_and_paced),
		cmocka_unit_test(test_recovers_from_slow_probe_sample),
		cmocka_unit_test(test_bound_is_what_a_pass_takes),
		cmocka_unit_test(test_futile_pass_asks_for_dump),
		cmocka_unit_test(test_zero_budget),
		cmocka_unit_test(test_due),
	};

	return cmocka_run_group_tests_name("sweep", tests, NULL, NULL);
}
