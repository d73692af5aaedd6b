/* Unit tests for expiry.c: which flows have outlived the timeout they were
 * read with, a bounded slice of the table at a time. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "expiry.h"
#include "testflow.h"

#define T0 1000000	/* ms: when every flow below was read */

static struct flow mk(uint16_t sport, uint32_t timeout)
{
	struct flow f = test_flow4(0x0100000a, 0x0200000a, sport, 53,
				   FLOW_P_UDP, 0, sport);

	f.timeout = timeout;
	f.has = FLOW_HAS_TIMEOUT;
	return f;
}

/* Flow i (sport 1000 + i) has a timeout of i % 10 seconds. */
static struct table *fill(size_t n)
{
	struct table *t = table_new();

	assert_non_null(t);
	for (size_t i = 0; i < n; i++) {
		struct flow f = mk((uint16_t)(1000 + i), (uint32_t)(i % 10));

		assert_non_null(table_upsert(t, &f, T0));
	}
	return t;
}

static void test_due_after_timeout_and_grace(void **state)
{
	struct table *t = fill(100);
	struct expiry_scan sc = { 0 };
	struct flow out[100];
	size_t n;

	(void)state;
	/* 3 s later: timeouts 0, 1 and 2 ran out a second ago or more. */
	n = expiry_due(t, &sc, T0 + 3000, 1000, out, 100);
	assert_int_equal(n, 30);
	for (size_t i = 0; i < n; i++)
		assert_true(out[i].timeout <= 2);
	/* Just before timeout 2's grace ends it is not due yet. */
	sc.cursor = 0;
	n = expiry_due(t, &sc, T0 + 2999, 1000, out, 100);
	assert_int_equal(n, 20);
	/* A flow read again (refreshed) is not due any more. */
	{
		struct flow f = mk(1000, 120);	/* was timeout 0 */

		table_upsert(t, &f, T0 + 2500);
	}
	sc.cursor = 0;
	n = expiry_due(t, &sc, T0 + 3000, 1000, out, 100);
	assert_int_equal(n, 29);
	table_free(t);
}

/* Flows without a timeout (the kernel sent none) are never due. */
static void test_no_timeout_never_due(void **state)
{
	struct table *t = table_new();
	struct expiry_scan sc = { 0 };
	struct flow f = mk(1, 0), out[4];

	(void)state;
	f.has = 0;
	table_upsert(t, &f, T0);
	assert_int_equal(expiry_due(t, &sc, T0 + 100000, 10, out, 4), 0);
	table_free(t);
}

/* Small slices and a small output go on where they stopped, and one
 * call never reports a flow twice, however large its slice. */
static void test_slices_resume_and_wrap_once(void **state)
{
	struct table *t = fill(100);
	struct expiry_scan sc = { 0 };
	struct flow out[100];
	bool seen[100] = { false };
	size_t n, total = 0;

	(void)state;
	/* Everything is due 20 s later; 7 at a time, 13 flows a slice. The
	 * caller reads each due flow again: here they are all gone. */
	for (int round = 0; round < 40 && total < 100; round++) {
		n = expiry_due(t, &sc, T0 + 20000, 13, out, 7);
		assert_true(n <= 7);
		for (size_t i = 0; i < n; i++) {
			size_t k = (size_t)(out[i].orig.sport - 1000);

			assert_false(seen[k]);
			seen[k] = true;
			assert_true(table_remove(t, &out[i]));
		}
		total += n;
	}
	assert_int_equal(total, 100);
	assert_int_equal(table_count(t), 0);
	assert_int_equal(expiry_due(t, &sc, T0 + 20000, 13, out, 7), 0);
	table_free(t);

	/* Start mid-table with a slice bigger than the table: each flow
	 * once. */
	t = fill(100);
	sc.cursor = 0;
	expiry_due(t, &sc, T0 + 20000, 37, out, 100);
	n = expiry_due(t, &sc, T0 + 20000, 1000, out, 100);
	assert_int_equal(n, 100);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_int_not_equal(out[i].orig.sport,
					     out[j].orig.sport);
	table_free(t);
}

/* Records keep 32-bit times since the table's first upsert: 49 days on,
 * a flow just read must not look read 49 days ago (due at once, TTL 0). */
static void test_time_wraps_after_49_days(void **state)
{
	struct table *t = fill(1);
	struct expiry_scan sc = { 0 };
	uint64_t later = T0 + (1ULL << 32) + 5000;
	struct flow f = mk(2000, 120), out[4];
	struct table_rec *r;

	(void)state;
	r = table_upsert(t, &f, later);
	assert_non_null(r);
	assert_true(table_written_ms(t, r, later + 1000) == later);
	/* The first flow (timeout 0, read at T0) is due; the fresh one not,
	 * until its 120 s and the grace have run out. */
	assert_int_equal(expiry_due(t, &sc, later + 1000, 10, out, 4), 1);
	assert_int_equal(out[0].orig.sport, 1000);
	sc.cursor = 0;
	assert_int_equal(expiry_due(t, &sc, later + 121000, 10, out, 4), 2);
	table_free(t);
}

/* A pass over the table in about EXPIRY_CYCLE_S, within the bounds. */
static void test_slice_follows_the_table(void **state)
{
	(void)state;
	assert_int_equal(expiry_slice(0, 1), EXPIRY_SLICE_MIN);
	assert_int_equal(expiry_slice(3000, 1), EXPIRY_SLICE_MIN);
	/* 1M flows, 1 s refresh: a pass in 30 s, not 16. */
	assert_in_range(expiry_slice(1000000, 1), 1000000 / EXPIRY_CYCLE_S,
			1000000 / EXPIRY_CYCLE_S + 1);
	/* A slow refresh looks at more each time, up to the bound. */
	assert_int_equal(expiry_slice(1000000, 5), EXPIRY_SLICE_MAX);
	assert_int_equal(expiry_slice(100000000, 0.1), EXPIRY_SLICE_MAX);
	assert_int_equal(expiry_slice(1000000, -1), EXPIRY_SLICE_MIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_after_timeout_and_grace),
		cmocka_unit_test(test_no_timeout_never_due),
		cmocka_unit_test(test_slices_resume_and_wrap_once),
		cmocka_unit_test(test_time_wraps_after_49_days),
		cmocka_unit_test(test_slice_follows_the_table),
	};

	return cmocka_run_group_tests_name("expiry", tests, NULL, NULL);
}
