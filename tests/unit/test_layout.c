/* Unit tests for src/layout.c: widths fitted to content and terminal,
 * steady across refreshes, and cells shortened visibly (never cut into
 * another valid value). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "layout.h"

#define ELL "\xe2\x80\xa6"

static void check_short(const char *cell, int width, enum layout_kind kind,
			const char *marker, const char *want)
{
	char buf[128];
	size_t n = layout_shorten(buf, sizeof(buf), cell, width, kind, marker);

	if (strcmp(buf, want))
		fail_msg("\"%s\" in %d: got \"%s\", want \"%s\"", cell, width,
			 buf, want);
	assert_int_equal(n, strlen(want));
}

/* The issue's examples. */
static void test_issue_examples(void **state)
{
	(void)state;
	check_short("[fd00:1234:5678:9abc::2]:443", 18, LAYOUT_ADDR_PORT, ELL,
		    "[fd00:12" ELL "c::2]:443");
	check_short("[fd00:1::1]:3306", 15, LAYOUT_ADDR_PORT, ELL,
		    "[fd00" ELL "::1]:3306");
	check_short("[fd00:1::1]:3306", 15, LAYOUT_ADDR_PORT, "~",
		    "[fd00~::1]:3306");
	check_short("icmpv6", 5, LAYOUT_FIXED, ELL, "icmp" ELL);
	check_short("10.1.2.3:8080", 12, LAYOUT_ADDR_PORT, "~",
		    "10.1~.3:8080");
}

static void test_fits_whole(void **state)
{
	(void)state;
	check_short("[fd00:1::1]:3306", 16, LAYOUT_ADDR_PORT, ELL,
		    "[fd00:1::1]:3306");
	check_short("icmpv6", 6, LAYOUT_FIXED, ELL, "icmpv6");
	check_short("12345", 5, LAYOUT_NUMBER, ELL, "12345");
	check_short("", 3, LAYOUT_NAME, ELL, "");
	check_short("abc", 0, LAYOUT_NAME, ELL, "");
}

static void test_names_and_numbers(void **state)
{
	(void)state;
	check_short("verylonghostname", 8, LAYOUT_NAME, ELL, "verylon" ELL);
	check_short("ESTABLISHED", 6, LAYOUT_FIXED, "~", "ESTAB~");
	/* Fewer digits would be another number: the marker alone. */
	check_short("123456", 4, LAYOUT_NUMBER, ELL, ELL);
	/* A resolved name keeps its port and loses its end. */
	check_short("host.example.com:443", 12, LAYOUT_ADDR_PORT, "~",
		    "host.ex~:443");
	/* ICMP rows have no port: the address loses its middle. */
	check_short("fd00:1234:5678:9abc::2", 12, LAYOUT_ADDR_PORT, "~",
		    "fd00:12~c::2");
	check_short("fd00:1234:5678:9abc::2", 12, LAYOUT_ADDR, "~",
		    "fd00:12~c::2");
	/* Too narrow even for the port: the marker, never a digit less. */
	check_short("[fd00::1]:44321", 7, LAYOUT_ADDR_PORT, "~", "~");
}

static void test_pair(void **state)
{
	(void)state;
	check_short("fd00:1234:5678::1 -> fd00:abcd:ef01::2", 24, LAYOUT_PAIR,
		    "~", "fd00:1~::1 -> fd00:a~::2");
	/* The short side gives its room to the long one. */
	check_short("10.0.0.1 -> fd00:abcd:ef01:2345::2", 24, LAYOUT_PAIR, "~",
		    "10.0.0.1 -> fd00:ab~5::2");
	/* An expectation's tuple: endpoints, each port whole. */
	check_short("[fd00:1234:5678:9abc::1]:0 -> [fd00:1234:5678:9abc::2]:50000",
		    40, LAYOUT_PAIR, "~",
		    "[fd00:123~bc::1]:0 -> [fd00:1~::2]:50000");
	check_short("127.0.0.1:0 -> 127.0.0.1:50000", 28, LAYOUT_PAIR, "~",
		    "127.0.0.1:0 -> 127.~.1:50000");
}

/* Whatever the width, a shortened cell fits, carries the marker, and an
 * endpoint keeps its port whole: it never reads as another value. */
static void test_never_another_value(void **state)
{
	static const char *const cells[] = {
		"[fd00:1::1]:3306", "[fd00:1::1]:8080", "[fd00:1::1]:5432",
		"[fd00:1234:5678:9abc:def0:1234:5678:9abc]:65535",
		"192.168.100.200:54321", "10.0.0.1:22", "host.example.org:443",
	};
	char buf[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		const char *port = strrchr(cells[i], ':');

		for (int w = 1; w <= 60; w++) {
			const char *m = w % 2 ? "~" : ELL;
			size_t whole = strlen(cells[i]);

			layout_shorten(buf, sizeof(buf), cells[i], w,
				       LAYOUT_ADDR_PORT, m);
			assert_true(layout_cells(buf) <= w);
			if (!strcmp(buf, cells[i]))
				continue;
			assert_true((int)whole > w);
			assert_non_null(strstr(buf, m));
			if (strcmp(buf, m))
				assert_string_equal(buf + strlen(buf) -
						    strlen(port), port);
		}
	}
}

static void test_small_buffer(void **state)
{
	char buf[6];

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	layout_shorten(buf, sizeof(buf), "[fd00:1::1]:3306", 15,
		       LAYOUT_ADDR_PORT, ELL);
	assert_int_equal(strlen(buf), 5);
}

static void test_cells(void **state)
{
	(void)state;
	assert_int_equal(layout_cells(""), 0);
	assert_int_equal(layout_cells("abc"), 3);
	assert_int_equal(layout_cells("a" ELL "b"), 3);
}

static void test_marker_locale(void **state)
{
	(void)state;
	assert_string_equal(layout_marker(true), ELL);
	assert_string_equal(layout_marker(false), "~");
	assert_true(layout_locale_utf8(NULL, NULL, "en_US.UTF-8"));
	assert_true(layout_locale_utf8("", "C.utf8", "C"));
	assert_false(layout_locale_utf8("C", "en_US.UTF-8", "en_US.UTF-8"));
	assert_false(layout_locale_utf8(NULL, NULL, NULL));
	assert_false(layout_locale_utf8("", "", "POSIX"));
}

static void test_items(void **state)
{
	static const char line[] = "Space: tag  d: delete  /: search"
				   "  \\: filter  g: group  </>: sort"
				   "  p: pause  l: names  h: help";
	char buf[128];

	(void)state;
	layout_items(buf, sizeof(buf), line, 200);
	assert_string_equal(buf, line);
	/* 80 cells: whole items only, help kept, never "l: n". */
	layout_items(buf, sizeof(buf), line, 80);
	assert_string_equal(buf, "Space: tag  d: delete  /: search  \\: filter"
			    "  g: group  </>: sort  h: help");
	assert_true(layout_cells(buf) <= 80);
	layout_items(buf, sizeof(buf), line, 30);
	assert_string_equal(buf, "Space: tag  d: delete  h: help");
	layout_items(buf, sizeof(buf), line, 7);
	assert_string_equal(buf, "h: help");
	layout_items(buf, sizeof(buf), line, 6);
	assert_string_equal(buf, "");
}

/* Lines broken between words, every word whole, each line in width. */
static void test_wrap(void **state)
{
	const char *text = "Whole table re-read only after lost events, a count "
			   "drift, or to find silent ends.";
	char got[8][96];
	size_t pos = 0, next, n = 0, len;

	(void)state;
	while (text[pos] && n < 8) {
		len = layout_wrap(text + pos, 30, &next);
		assert_true(len <= 30);
		snprintf(got[n++], sizeof(got[0]), "%.*s", (int)len, text + pos);
		assert_true(next > 0);
		pos += next;
	}
	assert_int_equal(n, 3);
	assert_string_equal(got[0], "Whole table re-read only after");
	assert_string_equal(got[1], "lost events, a count drift, or");
	assert_string_equal(got[2], "to find silent ends.");
	/* Fits: the whole text, nothing after it. */
	assert_int_equal(layout_wrap("a b", 3, &next), 3);
	assert_int_equal(next, 3);
	/* A word wider than the line is a line alone, never split. */
	assert_int_equal(layout_wrap("[fd00:1234:5678:9abc::2]:443 x", 10, &next),
			 28);
	assert_int_equal(next, 29);
	/* Multibyte characters count one cell each. */
	assert_int_equal(layout_wrap("\u2026\u2026 ab", 5, &next), 9);
	assert_int_equal(layout_wrap("\u2026\u2026 ab", 4, &next), 6);
	assert_int_equal(next, 7);
	assert_int_equal(layout_wrap("", 4, &next), 0);
	assert_int_equal(next, 0);
}

/* Line by line: whole words, a word too wide shortened with the marker. */
static void test_line(void **state)
{
	const char *text = "tcp  [fd00:1234:5678:9abc:def0:1234:5678:9abc]:51000 "
			   "-> [fd00:1::1]:8080";
	char buf[96];
	size_t pos = 0;

	(void)state;
	layout_line(buf, sizeof(buf), text, &pos, 30, LAYOUT_ADDR_PORT, "~");
	assert_string_equal(buf, "tcp");
	layout_line(buf, sizeof(buf), text, &pos, 30, LAYOUT_ADDR_PORT, "~");
	assert_string_equal(buf, "[fd00:1234:5678~78:9abc]:51000");
	assert_int_equal(layout_cells(buf), 30);
	layout_line(buf, sizeof(buf), text, &pos, 30, LAYOUT_ADDR_PORT, "~");
	assert_string_equal(buf, "-> [fd00:1::1]:8080");
	assert_int_equal(text[pos], '\0');
}

/* The long form while it fits, then shorter ones, the last one anyway. */
static void test_first_fit(void **state)
{
	const char *const t[] = { "change with: sysctl -w x=1  (not run)",
				  "change with: sysctl -w x=1",
				  "sysctl -w x=1" };

	(void)state;
	assert_int_equal(layout_first_fit(t, 3, 80), 0);
	assert_int_equal(layout_first_fit(t, 3, 30), 1);
	assert_int_equal(layout_first_fit(t, 3, 13), 2);
	assert_int_equal(layout_first_fit(t, 3, 5), 2);
}

/* ---- width fitting -------------------------------------------------- */

static const struct layout_geom g80 = { 80, 1, 1 };

/* The default view on an IPv6 table: proto, src, dst, state, ttl, flags. */
static void default_view(struct layout_col *c)
{
	c[0] = (struct layout_col){ LAYOUT_FIXED, 5, 6, true };
	c[1] = (struct layout_col){ LAYOUT_ADDR_PORT, 6, 46, true };
	c[2] = (struct layout_col){ LAYOUT_ADDR_PORT, 11, 30, true };
	c[3] = (struct layout_col){ LAYOUT_FIXED, 5, 11, true };
	c[4] = (struct layout_col){ LAYOUT_FIXED, 3, 4, true };
	c[5] = (struct layout_col){ LAYOUT_FIXED, 5, 2, true };
}

static int row(const int *w, size_t n, const struct layout_geom *g)
{
	int total = g->margin, k = 0;

	for (size_t i = 0; i < n; i++)
		if (w[i] > 0)
			total += w[i] + (k++ ? g->gap : 0);
	return total;
}

static void test_fit_80(void **state)
{
	struct layout_col c[6];
	int w[6];

	(void)state;
	default_view(c);
	assert_int_equal(layout_fit(c, 6, &g80, w), 6);
	/* Fixed columns: their longest value (or title), never less. */
	assert_int_equal(w[0], 6);
	assert_int_equal(w[3], 11);
	assert_int_equal(w[4], 4);
	assert_int_equal(w[5], 5);
	/* Addresses share the rest: the row is full, they are equal. */
	assert_int_equal(row(w, 6, &g80), 80);
	assert_int_equal(w[1], w[2]);
}

static void test_fit_wide(void **state)
{
	static const struct layout_geom g150 = { 150, 1, 1 };
	struct layout_col c[6];
	int w[6];

	(void)state;
	default_view(c);
	layout_fit(c, 6, &g150, w);
	/* Room for all: each as wide as its content, no wider. */
	assert_int_equal(w[1], 46);
	assert_int_equal(w[2], 30);
	assert_int_equal(w[5], 5);
	assert_true(row(w, 6, &g150) < 150);
}

/* Counters with accounting off: they leave when addresses would be cut,
 * stay as narrow as their title when there is room, and come back. */
static void test_fit_empty_columns(void **state)
{
	static const struct layout_geom g150 = { 150, 1, 1 };
	struct layout_col c[8];
	int w[8];

	(void)state;
	default_view(c);
	c[6] = (struct layout_col){ LAYOUT_NUMBER, 7, 1, false };
	c[7] = (struct layout_col){ LAYOUT_NUMBER, 5, 1, false };
	assert_int_equal(layout_fit(c, 8, &g80, w), 6);
	assert_int_equal(w[6], 0);
	assert_int_equal(w[7], 0);
	assert_int_equal(row(w, 8, &g80), 80);
	layout_fit(c, 8, &g150, w);
	assert_int_equal(w[6], 7);
	assert_int_equal(w[7], 5);
	/* Data appears: they are back at 80 columns, addresses narrower. */
	c[6] = (struct layout_col){ LAYOUT_NUMBER, 7, 5, true };
	c[7] = (struct layout_col){ LAYOUT_NUMBER, 5, 5, true };
	assert_int_equal(layout_fit(c, 8, &g80, w), 8);
	assert_int_equal(w[6], 7);
	assert_true(w[1] >= 16 && w[2] >= 16);
	assert_true(row(w, 8, &g80) <= 80);
}

/* More than fits: addresses stop at their minimum and the rightmost
 * columns leave whole; numbers are never narrowed. */
static void test_fit_too_many(void **state)
{
	struct layout_col c[10];
	int w[10];
	size_t shown;

	(void)state;
	default_view(c);
	for (int i = 6; i < 10; i++)
		c[i] = (struct layout_col){ LAYOUT_NUMBER, 10, 10, true };
	shown = layout_fit(c, 10, &g80, w);
	assert_true(shown < 10);
	assert_true(row(w, 10, &g80) <= 80);
	for (size_t i = 0; i < shown; i++) {
		assert_true(w[i] > 0);
		if (c[i].kind == LAYOUT_NUMBER)
			assert_int_equal(w[i], 10);
	}
	for (size_t i = shown; i < 10; i++)
		assert_int_equal(w[i], 0);
	assert_true(w[1] >= 16);
}

/* A wide column that does not fit leaves; a narrow one right of it that
 * fits comes back, and so does a column without data when room is left. */
static void test_fit_refill(void **state)
{
	static const struct layout_geom g30 = { 30, 1, 1 };
	struct layout_col c[4] = {
		{ LAYOUT_ADDR_PORT, 6, 14, true },
		{ LAYOUT_FIXED, 5, 20, true },
		{ LAYOUT_NUMBER, 3, 5, true },
		{ LAYOUT_NUMBER, 5, 1, false },
	};
	int w[4];

	(void)state;
	assert_int_equal(layout_fit(c, 4, &g30, w), 3);
	assert_int_equal(w[0], 14);
	assert_int_equal(w[1], 0);
	assert_int_equal(w[2], 5);
	assert_int_equal(w[3], 5);
	assert_true(row(w, 4, &g30) <= 30);
}

static void test_fit_names_first(void **state)
{
	struct layout_col c[4] = {
		{ LAYOUT_ADDR_PORT, 6, 40, true },
		{ LAYOUT_ADDR_PORT, 11, 40, true },
		{ LAYOUT_NAME, 6, 30, true },
		{ LAYOUT_FIXED, 3, 8, true },
	};
	int w[4];

	(void)state;
	layout_fit(c, 4, &g80, w);
	assert_int_equal(w[2], 8);	/* the name gave first */
	assert_int_equal(w[3], 8);
	assert_int_equal(row(w, 4, &g80), 80);
	assert_int_equal(w[0], w[1]);
}

/* One column wider than the terminal takes the whole row. */
static void test_fit_one_column(void **state)
{
	struct layout_col c[1] = { { LAYOUT_PAIR, 3, 200, true } };
	int w[1];

	(void)state;
	assert_int_equal(layout_fit(c, 1, &g80, w), 1);
	assert_int_equal(w[0], 79);
}

static void test_steady(void **state)
{
	static const struct layout_geom g150 = { 150, 1, 1 };
	struct layout_memo m = { 0 };
	struct layout_col c[6];
	int w[6];

	(void)state;
	default_view(c);
	layout_fit_steady(&m, c, 6, &g150, w);
	assert_int_equal(w[1], 46);
	/* Rows scrolled: a little narrower content keeps the widths. */
	c[1].longest = 44;
	layout_fit_steady(&m, c, 6, &g150, w);
	assert_int_equal(w[1], 46);
	/* Much narrower: recomputed. */
	c[1].longest = 21;
	layout_fit_steady(&m, c, 6, &g150, w);
	assert_int_equal(w[1], 21);
	/* Wider than the kept width: recomputed at once, nothing cut. */
	c[1].longest = 23;
	layout_fit_steady(&m, c, 6, &g150, w);
	assert_int_equal(w[1], 23);
	/* A resize is a fresh start. */
	layout_fit_steady(&m, c, 6, &g80, w);
	assert_int_equal(row(w, 6, &g80), 80);
	/* At 80 columns a narrower state value keeps the row as it is:
	 * the addresses would only gain a cell. */
	c[3].longest = 10;
	layout_fit_steady(&m, c, 6, &g80, w);
	assert_int_equal(w[3], 11);
	/* A wider one is made room for at once. */
	c[3].longest = 12;
	layout_fit_steady(&m, c, 6, &g80, w);
	assert_int_equal(w[3], 12);
	assert_int_equal(row(w, 6, &g80), 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_examples),
		cmocka_unit_test(test_fits_whole),
		cmocka_unit_test(test_names_and_numbers),
		cmocka_unit_test(test_pair),
		cmocka_unit_test(test_never_another_value),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_marker_locale),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_fit_80),
		cmocka_unit_test(test_fit_wide),
		cmocka_unit_test(test_fit_empty_columns),
		cmocka_unit_test(test_fit_too_many),
		cmocka_unit_test(test_fit_refill),
		cmocka_unit_test(test_fit_names_first),
		cmocka_unit_test(test_fit_one_column),
		cmocka_unit_test(test_steady),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_first_fit),
		cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
