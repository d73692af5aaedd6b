/* The header: where, when and how full, then what the list is showing.
 *
 *   ctop 17:12:03  netns host  refresh 1s  events on, silent ends within 80 s  PAUSED ...
 *   Entries [|||||||                    23.5%] 235/1000  listed 236  shown 200
 *   tcp 150  udp 40  icmp 10  other 0   sort SOURCE ascending
 *   filter none  in group ...   overflows 0  resyncs 1  sweeps 0  (or a warning)
 *
 * "235/1000" is the kernel's exact count, "listed" ours: the difference
 * is flows ended without an event not found yet (../sweep.h), which
 * "silent ends within" bounds in time ("re-reading" while a dump for
 * them runs); "sweeps" counts those dumps.
 *
 * The first two lines are drawn on every view (P, T, E too), and so is
 * the pressure warning: table 90 % / 95 % full, drop or early_drop moving.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curses.h>

#include "../layout.h"
#include "../source_read.h"
#include "../spark.h"
#include "../timeparse.h"
#include "header.h"
#include "screen.h"
#include "session.h"
#include "silent.h"

/* Print label then value; returns the next x. An item that does not fit
 * whole is left out (half an item would read as another value), and a
 * shorter one after it, such as PAUSED, may still show. */
static int pair_to(int y, int x, int end, const char *label,
		   const char *value, enum tui_role vrole)
{
	int lw = layout_cells(label), vw = layout_cells(value);

	if (x + lw + vw > end)
		return x;
	screen_put(y, x, lw, label, screen_attr(ROLE_LABEL), false);
	screen_put(y, x + lw, vw, value, screen_attr(vrole), false);
	return x + lw + vw + 2;
}

static int pair(const struct tui *t, int y, int x, const char *label,
		const char *value, enum tui_role vrole)
{
	return pair_to(y, x, t->geo.cols, label, value, vrole);
}

/* TEXT right-aligned on line y if it fits after column x; false if not. */
static bool right(const struct tui *t, int y, int x, const char *text,
		  enum tui_role role)
{
	int w = layout_cells(text), cols = t->geo.cols;

	if (cols - w - 1 < x)
		return false;
	screen_put(y, cols - w - 1, w, text, screen_attr(role), false);
	return true;
}

static void events_text(const struct tui *t, char *buf, size_t len,
			enum tui_role *role)
{
	*role = ROLE_INFO;
	if (!t->sync.ev) {
		snprintf(buf, len, "events unavailable: polling");
		*role = ROLE_ERROR;
	} else if (!t->sync.events_on) {
		snprintf(buf, len, "events off: polling");
		*role = ROLE_ERROR;
	} else if (t->sync.volatile_why) {
		double s = (double)sync_volatile_ms(&t->sync) / 1000;

		snprintf(buf, len, s < 1 ? "events on, re-read %.1fs (%s)" :
			 "events on, re-read %.0fs (%s)", s, t->sync.volatile_why);
	} else {
		double bound = silent_bound_s(&t->sync);

		/* 0: every flow listed reports its end. */
		if (bound > 0)
			snprintf(buf, len, "events on, silent ends within %.0f s%s",
				 bound + 0.5, t->sync.dump_for_sweep ?
				 ", re-reading" : "");
		else if (bound < 0)
			snprintf(buf, len, "events on, silent ends not looked for");
		else
			snprintf(buf, len, "events on");
	}
}

/* On a flight recording: which file, which instant, and the fill over
 * the six hours around it (the instant in the middle). */
#define HEADER_SPARK_COLS 24
#define HEADER_SPARK_SPAN (6 * 3600)

static int recording_top(const struct tui *t, int x, int end)
{
	double v[HEADER_SPARK_COLS], peak = 0;
	char when[32], spark[HEADER_SPARK_COLS * 4 + 1], label[48];
	const char *base = strrchr(t->cli->replay, '/');
	int lw;

	timeparse_format(when, sizeof(when), t->tl.at_ns);
	x = pair_to(0, x, end, "recording ",
		    base ? base + 1 : t->cli->replay, ROLE_NORMAL);
	x = pair_to(0, x, end, "at ", when, ROLE_INFO);
	timeline_series(&t->tl, TS_FILL, v, HEADER_SPARK_COLS,
			HEADER_SPARK_SPAN);
	for (size_t i = 0; i < HEADER_SPARK_COLS; i++)
		if (v[i] > peak)
			peak = v[i];
	/* Scaled to the peak, which the label gives: a table at 2 % still
	 * shows its shape. */
	spark_render(spark, sizeof(spark), v, HEADER_SPARK_COLS, peak,
		     screen_utf8());
	lw = snprintf(label, sizeof(label), "fill 6h (peak %.2g%%) ", peak);
	if (x + lw + HEADER_SPARK_COLS <= end) {
		screen_put(0, x, lw, label, screen_attr(ROLE_LABEL), false);
		screen_put(0, x + lw, HEADER_SPARK_COLS, spark,
			   screen_attr(ROLE_NORMAL), false);
		x += lw + HEADER_SPARK_COLS + 2;
	}
	return x;
}

/* Live: the fill over the last refreshes, when the width allows. */
static int live_spark(const struct tui *t, int x, int end)
{
	double v[HEADER_SPARK_COLS], peak = 0;
	char spark[HEADER_SPARK_COLS * 4 + 1], label[48];
	size_t n;
	int lw;

	n = reports_live_series(&t->rep, t->sync.have_stats ?
				t->sync.stats.max : 0, TS_FILL, v,
				HEADER_SPARK_COLS);
	if (n < 2)
		return x;
	for (size_t i = 0; i < n; i++)
		if (v[i] > peak)
			peak = v[i];
	spark_render(spark, sizeof(spark), v, n, peak, screen_utf8());
	lw = snprintf(label, sizeof(label), "fill (peak %.2g%%) ", peak);
	if (x + lw + (int)n > end)
		return x;
	screen_put(0, x, lw, label, screen_attr(ROLE_LABEL), false);
	screen_put(0, x + lw, (int)n, spark, screen_attr(ROLE_NORMAL), false);
	return x + lw + (int)n + 2;
}

static int line_top(const struct tui *t)
{
	char clock[16], every[32], ev[80];
	time_t now = time(NULL);
	bool ro = t->cli->readonly || t->tl.on || t->cli->replay;
	enum tui_role role;
	struct tm tm;
	int x = 1, end;

	/* PAUSED and read-only say what keys will do: they keep their
	 * room at the end, whatever else must be left out for them. */
	end = t->geo.cols - (t->sync.paused ? 8 : 0) - (ro ? 11 : 0);
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	snprintf(every, sizeof(every), "%gs", t->sync.delay);
	x = pair_to(0, x, end, "ctop ", clock, ROLE_NORMAL);
	if (t->tl.on) {
		x = recording_top(t, x, end);
	} else if (t->cli->replay) {
		/* The source instead of a namespace; no deletes on it. */
		x = pair_to(0, x, end, "table from ",
			    source_read_name(t->cli->replay), ROLE_NORMAL);
	} else {
		int was;

		x = pair_to(0, x, end, "netns ", t->netns, ROLE_NORMAL);
		x = pair_to(0, x, end, "refresh ", every, ROLE_NORMAL);
		events_text(t, ev, sizeof(ev), &role);
		was = x;
		x = pair_to(0, x, end, "", ev, role);
		/* On a narrow screen the short form rather than nothing. */
		if (x == was && role == ROLE_INFO)
			x = pair_to(0, x, end, "", "events on", role);
		x = live_spark(t, x, end);
	}
	if (t->sync.paused)
		x = pair(t, 0, x, "", "PAUSED", ROLE_ERROR);
	if (ro)
		x = pair(t, 0, x, "", "read-only", ROLE_INFO);
	return x;
}

#define ACCT_OFF "accounting off (nf_conntrack_acct=0)"

static void line_meter(const struct tui *t);

unsigned int header_warnings(const struct tui *t)
{
	if (!t->sync.have_stats)
		return 0;
	return pressure_warnings(&t->sync.stats, t->sync.have_prev_stats ?
				 &t->sync.prev_stats : NULL);
}

/* The pressure warning at the right of line y, if any. Returns whether
 * one was drawn. */
static bool warning_at(const struct tui *t, int y, int x)
{
	unsigned int w = header_warnings(t);
	char text[256], line[270];

	if (!w)
		return false;
	pressure_warning_text(text, sizeof(text), w, &t->sync.stats,
			      t->sync.have_prev_stats ? &t->sync.prev_stats : NULL);
	snprintf(line, sizeof(line), " %s ", text);
	if (right(t, y, x, line, w & (PW_FILL_CRIT | PW_DROP | PW_EARLY_DROP) ?
		  ROLE_CRIT : ROLE_WARN))
		return true;
	/* Too narrow for the whole text: the figure alone. */
	snprintf(line, sizeof(line), " %s%.0f%% full ",
		 w & (PW_DROP | PW_EARLY_DROP) ? "DROPS " : "",
		 pressure_fill(&t->sync.stats));
	return right(t, y, x, line, w & (PW_FILL_CRIT | PW_DROP | PW_EARLY_DROP) ?
		     ROLE_CRIT : ROLE_WARN);
}

void header_top(const struct tui *t)
{
	int x = line_top(t);

	if (t->m.acct_off && t->in.mode != MODE_LIST && t->in.mode != MODE_PROMPT)
		right(t, 0, x, ACCT_OFF, ROLE_ERROR);
	line_meter(t);
}

/* Line 2 of the views: a title on the left, the warning on the right. */
void header_view_title(const struct tui *t, const char *title, const char *hint)
{
	int x = pair(t, 2, 1, "", title, ROLE_LABEL);

	if (!warning_at(t, 2, x))
		right(t, 2, x, hint, ROLE_NORMAL);
}

static void line_meter(const struct tui *t)
{
	/* On a flight recording, the table's figures as recorded then. */
	const struct table_stats *st = t->tl.on ? &t->tl.cur.st : &t->sync.stats;
	bool have = t->tl.on ? t->tl.cur.have_stats : t->sync.have_stats;
	char txt[96], num[64];
	double pct = 0;
	int x = 1, width, bars;
	enum tui_role role = ROLE_METER_OK;

	if (have && st->max)
		pct = 100.0 * st->count / st->max;
	if (pct > 90)
		role = ROLE_METER_CRIT;
	else if (pct > 75)
		role = ROLE_METER_WARN;
	screen_put(1, x, 8, "Entries ", screen_attr(ROLE_LABEL), false);
	x += 8;
	width = t->geo.cols / 3;
	if (width > 50)
		width = 50;
	/* [ bars ... pct% ] */
	screen_put(1, x, 1, "[", A_BOLD, false);
	snprintf(txt, sizeof(txt), "%.1f%%", pct);
	bars = (int)(pct / 100.0 * (width - 2) + 0.5);
	if (pct > 0 && bars == 0)
		bars = 1;
	if (bars > width - 2)
		bars = width - 2;
	for (int i = 0; i < bars; i++)
		mvaddch(1, x + 1 + i, '|' | screen_attr(role));
	screen_put(1, x + width - 1 - (int)strlen(txt), (int)strlen(txt), txt,
		   A_NORMAL, false);
	screen_put(1, x + width - 1, 1, "]", A_BOLD, false);
	x += width + 1;
	if (have)
		snprintf(num, sizeof(num), "%u/%u", st->count, st->max);
	else if (t->cli->replay)
		snprintf(num, sizeof(num), "%zu", table_count(t->m.tbl));
	else
		snprintf(num, sizeof(num), "-/-");
	x = pair(t, 1, x, "", num, ROLE_NORMAL) + 1;
	if (t->sync.have_stats) {
		snprintf(num, sizeof(num), "%zu", table_count(t->m.tbl));
		x = pair(t, 1, x, "listed ", num, ROLE_NORMAL);
	}
	snprintf(num, sizeof(num), "%zu", t->lv.group != GROUP_NONE ?
		 (size_t)t->lv.gtotal : order_count(&t->lv.ord));
	x = pair(t, 1, x, "shown ", num, ROLE_NORMAL);
	if (t->lv.group != GROUP_NONE) {
		snprintf(num, sizeof(num), "%zu", t->lv.ngrows);
		x = pair(t, 1, x, "groups ", num, ROLE_NORMAL);
	}
	if (t->lv.ntags) {
		snprintf(num, sizeof(num), "%zu", t->lv.ntags);
		pair(t, 1, x, "tagged ", num, ROLE_ERROR);
	}
}

static int line_counts(const struct tui *t)
{
	static const char *const names[] = { "tcp ", "udp ", "icmp ", "other " };
	char num[64];
	int x = 1;

	for (int i = 0; i < 4; i++) {
		snprintf(num, sizeof(num), "%zu", t->m.nproto[i]);
		x = pair(t, 2, x, names[i], num, ROLE_NORMAL);
	}
	x += 2;
	if (t->lv.group != GROUP_NONE) {
		x = pair(t, 2, x, "group ", group_by_str(t->lv.group), ROLE_NORMAL);
	} else {
		snprintf(num, sizeof(num), "%s %s", col_title(t->lv.sort_col),
			 t->lv.sort_rev ? "descending" : "ascending");
		x = pair(t, 2, x, "sort ", num, ROLE_NORMAL);
	}
	if (t->cells.names)
		x = pair(t, 2, x, "", "names on", ROLE_INFO);
	return x;
}

static void line_filter(const struct tui *t, bool acct)
{
	const char *ft = filter_text(listview_filter(&t->lv));
	char buf[160];
	int x = 1;

	/* The filter is the one item worth reading cut: with a marker. */
	layout_shorten(buf, sizeof(buf), *ft ? ft : "none", t->geo.cols - x - 8,
		       LAYOUT_NAME, layout_marker(MB_CUR_MAX > 1));
	x = pair(t, 3, x, "filter ", buf, *ft ? ROLE_INFO : ROLE_NORMAL);
	if (t->lv.drill) {
		snprintf(buf, sizeof(buf), "%s %s (Esc: back)",
			 group_by_str(t->lv.drill_by), t->lv.drill_text);
		x = pair(t, 3, x, "in group ", buf, ROLE_INFO);
	}
	/* No room for the accounting note further up. */
	if (acct && x + (int)strlen(ACCT_OFF) < t->geo.cols)
		x = pair(t, 3, x, "", ACCT_OFF, ROLE_ERROR);
	if (warning_at(t, 3, x) || t->cli->replay)
		return;
	snprintf(buf, sizeof(buf), "overflows %" PRIu64 "  resyncs %" PRIu64
		 "  sweeps %" PRIu64, t->sync.fs.st.overflows,
		 t->sync.fs.st.resyncs, t->sync.sweep_dumps);
	right(t, 3, x, buf, t->sync.fs.st.overflows ? ROLE_ERROR : ROLE_NORMAL);
}

void header_draw(const struct tui *t)
{
	int x0 = line_top(t), x2;
	bool acct = t->m.acct_off;

	line_meter(t);
	x2 = line_counts(t);
	if (acct && (right(t, 0, x0, ACCT_OFF, ROLE_ERROR) ||
		     right(t, 2, x2, ACCT_OFF, ROLE_ERROR)))
		acct = false;
	line_filter(t, acct);
}
