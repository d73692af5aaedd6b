/* Sparklines and share bars (spark.c), and the screen's clock on a flight
 * recording (tui/timeline.c): stepping, jumping, the series graphed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flightrec.h"
#include "spark.h"
#include "tui/timeline.h"

#define SEC 1000000000ULL
#define T0 1764547200000000000ULL

static void test_levels(void **state)
{
	(void)state;
	assert_int_equal(spark_level(-1, 10), -1);
	assert_int_equal(spark_level(0, 10), 0);
	/* Anything above zero shows above the floor: one drop is seen. */
	assert_int_equal(spark_level(0.01, 10), 1);
	assert_int_equal(spark_level(10, 10), 7);
	assert_int_equal(spark_level(20, 10), 7);
	assert_int_equal(spark_level(5, 10), 4);
	assert_int_equal(spark_level(3, 0), 0);
}

static void test_render(void **state)
{
	double v[] = { 0, 1, 2, 4, 8, -1, 8 };
	char buf[64];

	(void)state;
	assert_int_equal(spark_render(buf, sizeof(buf), v, 7, 0, false), 7);
	assert_string_equal(buf, "_.-=# #");
	assert_int_equal(spark_render(buf, sizeof(buf), v, 7, 8, true), 7);
	assert_string_equal(buf, "\u2581\u2582\u2583\u2585\u2588 \u2588");
	/* Cut where the buffer ends, whole characters only. */
	assert_int_equal(spark_render(buf, 8, v, 7, 8, true), 2);
	assert_int_equal(strlen(buf), 6);
	/* Bars: eighths in UTF-8, whole columns in ASCII. */
	assert_int_equal(spark_bar(buf, sizeof(buf), 0.5, 10, false), 5);
	assert_string_equal(buf, "#####");
	assert_int_equal(spark_bar(buf, sizeof(buf), 0.05, 10, true), 1);
	assert_string_equal(buf, "\u258c");	/* half a column */
	assert_int_equal(spark_bar(buf, sizeof(buf), 2, 4, true), 4);
	assert_int_equal(spark_bar(buf, sizeof(buf), 0, 4, true), 0);
	assert_string_equal(buf, "");
}

/* 30 summaries 10 s apart, the count rising by 10 each. */
static void make_file(const char *path)
{
	struct fr_summary *s = calloc(1, sizeof(*s));
	struct fr_buf b = { 0 };
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fr_put_header(&b);
	for (int i = 0; i < 30; i++) {
		memset(s, 0, sizeof(*s));
		s->time_ns = T0 + (uint64_t)i * 10 * SEC;
		s->interval_ms = 10000;
		s->have_stats = true;
		s->st.count = 100 + 10 * (uint32_t)i;
		s->st.max = 1000;
		s->st.drop = i >= 20 ? 5 : 0;
		s->added = 20;
		fr_put_summary(&b, s);
	}
	assert_int_equal(fwrite(b.p, 1, b.len, f), b.len);
	fclose(f);
	fr_buf_free(&b);
	free(s);
}

static void test_timeline(void **state)
{
	struct ctop_err err = { 0 };
	struct timeline tl;
	char path[64];
	double v[7];

	(void)state;
	snprintf(path, sizeof(path), "/tmp/ctop-tl-test-%ld", (long)getpid());
	make_file(path);
	assert_int_equal(timeline_open(&tl, path, &err), 0);
	assert_true(tl.on);
	assert_int_equal(tl.idx, 29);
	assert_false(timeline_step(&tl, 1, 0));		/* at the end */
	assert_true(timeline_step(&tl, -1, 0));
	assert_int_equal(tl.idx, 28);
	assert_int_equal(tl.cur.st.count, 380);
	assert_true(timeline_step(&tl, 0, -60));	/* a minute back */
	assert_int_equal(tl.idx, 22);
	assert_true(timeline_step(&tl, 0, -3600));	/* past the start */
	assert_int_equal(tl.idx, 0);
	assert_false(timeline_step(&tl, -1, 0));
	assert_true(timeline_step(&tl, 0, 60));
	assert_int_equal(tl.idx, 6);
	timeline_jump(&tl, T0 + 105 * SEC);		/* between two */
	assert_int_equal(tl.idx, 10);
	timeline_jump(&tl, T0 - SEC);			/* before the start */
	assert_int_equal(tl.idx, 0);

	/* 70 s across, the instant (idx 10, count 200) in the middle. */
	timeline_jump(&tl, T0 + 100 * SEC);
	timeline_series(&tl, TS_FILL, v, 7, 70);
	assert_int_equal(timeline_now_col(7), 3);
	assert_true(v[3] == 20.0);
	assert_true(v[0] < v[3] && v[3] < v[6]);
	timeline_series(&tl, TS_ADDED, v, 7, 70);
	assert_true(v[3] == 2.0);			/* 20 in 10 s */
	timeline_jump(&tl, T0 + 200 * SEC);
	timeline_series(&tl, TS_DROPS, v, 7, 70);
	assert_true(v[3] == 5.0);			/* drop moved by 5 */
	assert_true(v[4] == 0.0);
	timeline_close(&tl);

	/* Not a recording: the screen goes on without a clock. */
	assert_int_equal(timeline_open(&tl, "/etc/hostname", &err), 0);
	assert_false(tl.on);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_timeline),
	};

	return cmocka_run_group_tests_name("spark", tests, NULL, NULL);
}
