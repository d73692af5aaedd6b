/* Drawing the P, T and E views (reports.h has their data). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "../format.h"
#include "../layout.h"
#include "../report.h"
#include "header.h"
#include "keybar.h"
#include "reports_draw.h"
#include "screen.h"
#include "../spark.h"
#include "../timeparse.h"
#include "session.h"

#define POLICY_LINES 4		/* policies shown under the timeouts */

int reports_page(const struct reports *v, enum report_view rv, int lines)
{
	int bottom = lines - 2, y = 4, rows;
	size_t npl = v->npol > POLICY_LINES ? POLICY_LINES : v->npol;

	if (rv == REPORT_EXPECT)
		rows = bottom - y - 1;
	else if (rv == REPORT_TIMEOUTS)
		/* Under the rows: totals, the sysctl line, the policies. */
		rows = bottom - y - 3 - (int)(npl ? npl + (v->npol > npl) : 0);
	else
		rows = 0;
	return rows < 1 ? 1 : rows;
}

/* Two columns of half the screen each. */
static int half(const struct geometry *g)
{
	return (g->cols - 2) / 2;
}

/* The first of N forms of a line (the longest first, shorter ones
 * leaving items out) that fits W cells; screen_put marks the last one's
 * cut if even it does not fit. */
static void put_first_fit(int y, int x, int w, const char *const *forms,
			  size_t n, int attr)
{
	screen_put(y, x, w, forms[layout_first_fit(forms, n, w)], attr, false);
}

static const char *marker(void)
{
	return layout_marker(screen_utf8());
}

/* A key cell shortened visibly in KW cells, then FLOWS and SHARE. */
static void put_key_row(int y, int x, int kw, const char *key,
			enum layout_kind kind, uint64_t flows, uint64_t total,
			int attr)
{
	char cell[128], num[48];

	layout_shorten(cell, sizeof(cell), key, kw, kind, marker());
	screen_put(y, x, kw, cell, attr, false);
	snprintf(num, sizeof(num), " %8" PRIu64 " %6.1f%%", flows,
		 pressure_share(flows, total));
	screen_put(y, x + kw, 17, num, attr, false);
}

/* The kernel's figures: live, or the recording's at its instant. */
static const struct table_stats *view_stats(const struct tui *t, bool *have)
{
	if (t->tl.on) {
		*have = t->tl.cur.have_stats;
		return &t->tl.cur.st;
	}
	*have = t->sync.have_stats;
	return &t->sync.stats;
}

static int draw_summary(const struct tui *t, int y)
{
	const struct reports *v = &t->rep;
	bool have;
	const struct table_stats *st = view_stats(t, &have);
	const char *ft = filter_text(listview_filter(&t->lv));
	int w = t->geo.cols - 2;
	double added, removed;
	char line[256], brief[160];
	const char *forms[2] = { line, brief };

	/* Each line whole: a shorter form leaves items out. */
	if (have) {
		int n = snprintf(brief, sizeof(brief),
				 "entries %" PRIu32 " of %" PRIu32 " (%.1f%% full)",
				 st->count, st->max, pressure_fill(st));

		snprintf(line, sizeof(line), "%s", brief);
		if (v->buckets > 0 && n > 0 && (size_t)n < sizeof(line))
			snprintf(line + n, sizeof(line) - (size_t)n,
				 "   buckets %ld (%.2f entries per bucket)",
				 v->buckets,
				 (double)st->count / (double)v->buckets);
	} else {
		snprintf(line, sizeof(line), "entries %zu (no kernel figures)",
			 table_count(t->m.tbl));
		snprintf(brief, sizeof(brief), "entries %zu",
			 table_count(t->m.tbl));
	}
	put_first_fit(y++, 1, w, forms, 2, A_NORMAL);
	if (t->tl.on) {
		snprintf(line, sizeof(line), "this interval: %" PRIu64
			 " entries added, %" PRIu64 " removed (recorded)",
			 t->tl.cur.added, t->tl.cur.removed);
		snprintf(brief, sizeof(brief), "this interval: %" PRIu64
			 " added, %" PRIu64 " removed", t->tl.cur.added,
			 t->tl.cur.removed);
	} else if (pressure_trend_rates(&v->trend, 60.0, &added,
					&removed) == 0) {
		snprintf(line, sizeof(line), "fill trend: %.1f entries/s added, "
			 "%.1f/s removed (last minute)", added, removed);
		snprintf(brief, sizeof(brief), "fill trend: %.1f/s added, "
			 "%.1f/s removed", added, removed);
	} else {
		snprintf(line, sizeof(line), "fill trend: measuring...");
		snprintf(brief, sizeof(brief), "fill trend: measuring...");
	}
	put_first_fit(y++, 1, w, forms, 2, A_NORMAL);
	if (v->pf_ok) {
		snprintf(line, sizeof(line), "early-drop candidates: %" PRIu64
			 " of %" PRIu64 " %s not ASSURED (%.1f%%)",
			 v->pf.not_assured, v->pf.flows,
			 *ft ? "flows matching the filter" : "entries",
			 pressure_share(v->pf.not_assured, v->pf.flows));
		snprintf(brief, sizeof(brief), "early-drop candidates: %" PRIu64
			 " of %" PRIu64 " (%.1f%%)", v->pf.not_assured,
			 v->pf.flows,
			 pressure_share(v->pf.not_assured, v->pf.flows));
	} else {
		snprintf(line, sizeof(line), "early-drop candidates: -");
		snprintf(brief, sizeof(brief), "early-drop candidates: -");
	}
	put_first_fit(y++, 1, w, forms, 2,
		      screen_attr(v->pf.not_assured ? ROLE_LABEL : ROLE_NORMAL));
	return y;
}

static int draw_counters(const struct tui *t, int y, int x, int w, int bottom)
{
	const struct reports *v = &t->rep;
	unsigned int warn = header_warnings(t);
	double rates[PC_COUNT];
	bool have_rates, have;
	const struct table_stats *st = view_stats(t, &have);
	char line[128], total[32], rate[32];

	screen_put(y, x, w, "", screen_attr(ROLE_TITLE), false);
	snprintf(line, sizeof(line), "%-14s %12s %10s", "COUNTER", "TOTAL",
		 "PER_SEC");
	screen_put(y++, x, w, line, screen_attr(ROLE_TITLE), false);
	if (!have || !st->have_cpu) {
		screen_put(y++, x, w, "statistics not available", A_NORMAL,
			   false);
		return y;
	}
	have_rates = !t->tl.on && v->have_prev &&
		     pressure_rates(st, &v->prev, v->interval, rates) == 0;
	for (int c = 0; c < PC_COUNT && y < bottom; c++) {
		enum tui_role role = ROLE_NORMAL;

		format_u64(total, sizeof(total), pressure_counter_value(st, c));
		if (have_rates)
			snprintf(rate, sizeof(rate), "%.1f", rates[c]);
		else
			snprintf(rate, sizeof(rate), "-");
		/* Packets were lost because the table was full: say so
		 * loudly while it goes on. */
		if ((c == PC_DROP && (warn & PW_DROP)) ||
		    (c == PC_EARLY_DROP && (warn & PW_EARLY_DROP)))
			role = ROLE_CRIT;
		snprintf(line, sizeof(line), "%-14s %12s %10s",
			 pressure_counter_name(c), total, rate);
		screen_put(y++, x, w, line, screen_attr(role), false);
	}
	return y;
}

static int draw_sources(const struct tui *t, int y, int x, int w, int bottom)
{
	const struct reports *v = &t->rep;
	const struct group_row *rows;
	char line[160], key[96];
	int kw = w - 17;
	size_t n;

	snprintf(line, sizeof(line), "%-*s %8s %7s", kw, "TOP SOURCES",
		 "FLOWS", "SHARE");
	screen_put(y++, x, w, line, screen_attr(ROLE_TITLE), false);
	if (!v->pf_ok)
		return y;
	rows = group_rows(v->pf.sources, &n);
	if (n > REPORT_TOP_SOURCES)
		n = REPORT_TOP_SOURCES;
	for (size_t i = 0; i < n && y < bottom; i++) {
		group_key_format(key, sizeof(key), GROUP_SRC, &rows[i].key);
		put_key_row(y++, x, kw, key, group_key_kind(GROUP_SRC),
			    rows[i].flows, v->pf.flows, A_NORMAL);
	}
	return y;
}

/* Top states, in two columns, as many as fit. */
static void draw_states(const struct tui *t, int y, int bottom)
{
	const struct reports *v = &t->rep;
	const struct group_row *rows;
	char line[160], key[64], proto[16];
	int w = half(&t->geo), kw = w - 17, per;
	const char *state;
	size_t n;

	if (y >= bottom || !v->pf_ok)
		return;
	per = bottom - y - 1;
	rows = group_rows(v->pf.states, &n);
	/* The second column has a title only when rows go on in it. */
	for (int c = 0; c < 2 && (!c || (int)n > per); c++) {
		snprintf(line, sizeof(line), "%-*s %8s %7s", kw,
			 c ? "" : "TOP STATES", "FLOWS", "SHARE");
		screen_put(y, 1 + c * (w + 1), w, line,
			   screen_attr(ROLE_TITLE), false);
	}
	y++;
	for (size_t i = 0; i < n && per > 0 && (int)i < 2 * per; i++) {
		int col = (int)i / per, row = (int)i % per;

		state = report_row_state(&rows[i], proto, sizeof(proto));
		snprintf(key, sizeof(key), "%s %s", proto, state ? state : "-");
		put_key_row(y + row, 1 + col * (w + 1), kw, key, LAYOUT_NAME,
			    rows[i].flows, v->pf.flows, A_NORMAL);
	}
}

/* ---- graphs: the recording's hours around its instant, or the live
 * table's last minutes (the fill trend's samples) ---- */

#define GRAPH_COLS_MAX 120
#define GRAPH_SPAN_S (6 * 3600)
#define GRAPH_LABEL 27

static const char *const graph_names[] = {
	"fill %", "added/s", "removed/s", "drops",
};

static int draw_graphs(const struct tui *t, int y, int bottom)
{
	double v[GRAPH_COLS_MAX];
	char spark[GRAPH_COLS_MAX * 4 + 1], label[64], when[32];
	size_t cols = (size_t)(t->geo.cols - 2 - GRAPH_LABEL);
	bool utf8 = screen_utf8();

	if (t->geo.cols - 2 - GRAPH_LABEL < 10)
		return y;
	if (cols > GRAPH_COLS_MAX)
		cols = GRAPH_COLS_MAX;
	for (int g = TS_FILL; g <= TS_DROPS && y < bottom; g++) {
		size_t n = cols;
		double peak = 0;

		if (t->tl.on)
			timeline_series(&t->tl, (enum timeline_series)g, v, n,
					GRAPH_SPAN_S);
		else
			n = reports_live_series(&t->rep, t->sync.have_stats ?
						t->sync.stats.max : 0,
						(enum timeline_series)g, v, n);
		for (size_t i = 0; i < n; i++)
			if (v[i] > peak)
				peak = v[i];
		spark_render(spark, sizeof(spark), v, n, peak, utf8);
		snprintf(label, sizeof(label), "%-10s peak %9.1f ",
			 graph_names[g], peak);
		screen_put(y, 1, GRAPH_LABEL, label, screen_attr(ROLE_LABEL), false);
		screen_put(y++, 1 + GRAPH_LABEL, (int)cols, spark, A_NORMAL, false);
	}
	if (y < bottom) {
		if (t->tl.on) {
			/* Right of the instant's column, else left of it (the
			 * row is free under the labels too), else the time. */
			int at = 1 + GRAPH_LABEL + (int)timeline_now_col(cols);
			int lw;

			timeparse_format(when, sizeof(when), t->tl.at_ns);
			lw = snprintf(label, sizeof(label), "^ %s, 6 hours across",
				      when);
			if (at + lw > t->geo.cols - 1) {
				lw = snprintf(label, sizeof(label),
					      "%s, 6 hours across ^", when);
				if (lw > at)
					lw = snprintf(label, sizeof(label),
						      "^ %s", when);
				else
					at -= lw - 1;
			}
			screen_put(y++, at, lw, label, screen_attr(ROLE_INFO),
				   false);
		} else {
			screen_put(y++, 1 + GRAPH_LABEL, (int)cols,
				   "the last refreshes, oldest on the left",
				   screen_attr(ROLE_INFO), false);
		}
	}
	return y;
}

static void draw_pressure(const struct tui *t)
{
	int bottom = t->geo.lines - 2, y, yl, yr, w = half(&t->geo);

	header_view_title(t, "Table pressure", "P  Esc/q: back");
	y = draw_summary(t, 3) + 1;
	y = draw_graphs(t, y, bottom) + 1;
	yl = draw_counters(t, y, 1, w, bottom);
	yr = draw_sources(t, y, 2 + w, w, bottom);
	draw_states(t, (yl > yr ? yl : yr) + 1, bottom);
}

/* A policy's line by whole items: the timeouts that do not fit leave
 * from the right, and the marker says some did. */
static void policy_line(char *line, size_t len, int w,
			const struct timeout_policy *p)
{
	char fam[16], proto[16], item[48];
	size_t n;

	format_proto(proto, sizeof(proto), p->l4proto);
	n = (size_t)snprintf(line, len, "  %s %s %s", p->name,
			     report_family_name(p->l3proto, fam, sizeof(fam)),
			     proto);
	/* A recording keeps no reference counts. */
	if (p->use != POLICY_USE_UNKNOWN && n < len)
		n += (size_t)snprintf(line + n, len - n, " (refs %" PRIu32 ")",
				      p->use);
	if (n < len)
		n += (size_t)snprintf(line + n, len - n, ":");
	for (size_t k = 0; k < p->n && n < len; k++) {
		int iw = snprintf(item, sizeof(item), " %s=%" PRIu32,
				  p->v[k].state, p->v[k].seconds);
		bool last = k + 1 == p->n;

		/* Room for this item, and for the marker if more follow. */
		if (layout_cells(line) + iw + (last ? 0 : 2) > w) {
			snprintf(line + n, len - n, " %s", marker());
			return;
		}
		n += (size_t)snprintf(line + n, len - n, "%s", item);
	}
}

static void draw_timeouts(const struct tui *t)
{
	const struct reports *v = &t->rep;
	const struct geometry *g = &t->geo;
	int bottom = g->lines - 2, y = 3, rows, extra, w = g->cols - 2, sw = 16;
	char line[320], mid[288], brief[160], dur[32], flows[32], over[32];
	const char *forms[3] = { line, mid, brief };
	size_t npl = v->npol > POLICY_LINES ? POLICY_LINES : v->npol;

	header_view_title(t, "Timeouts", "T  Up/Down: row  Esc/q: back");
	/* STATE as wide as its longest name: never cut, never overlapping. */
	for (size_t i = 0; i < v->to.n; i++)
		if (layout_cells(v->to.rows[i].state) > sw)
			sw = layout_cells(v->to.rows[i].state);
	snprintf(line, sizeof(line), "%-8s %-*s %10s %9s %10s %8s", "PROTO",
		 sw, "STATE", "TIMEOUT", "", "FLOWS", ">1H");
	screen_fill(y, 0, g->cols, screen_attr(ROLE_TITLE));
	screen_put(y++, 1, g->cols - 1, line, screen_attr(ROLE_TITLE), false);
	/* Under the rows: totals, the sysctl line, the policies. */
	extra = 3 + (int)(npl ? npl + (v->npol > npl) : 0);
	rows = reports_page(v, REPORT_TIMEOUTS, g->lines);
	for (int r = 0; r < rows && v->top + (size_t)r < v->to.n; r++) {
		size_t i = v->top + (size_t)r;
		const struct timeout_row *tr = &v->to.rows[i];
		bool sel = i == v->sel;
		enum tui_role role = sel ? ROLE_SELECTED : ROLE_NORMAL;

		format_duration(dur, sizeof(dur), (uint64_t)tr->seconds);
		if (tr->counted) {
			format_u64(flows, sizeof(flows), tr->flows);
			format_u64(over, sizeof(over), tr->over_hour);
		} else {
			snprintf(flows, sizeof(flows), "-");
			snprintf(over, sizeof(over), "-");
		}
		snprintf(line, sizeof(line), "%-8s %-*s %10ld %9s %10s %8s",
			 tr->proto, sw, tr->state, tr->seconds, dur, flows, over);
		screen_fill(y, 0, g->cols, screen_attr(role));
		/* Flows parked for hours stand out. */
		if (!sel && tr->counted && tr->over_hour)
			role = ROLE_LABEL;
		screen_put(y++, 1, g->cols - 1, line, screen_attr(role), false);
	}
	y = bottom - extra;
	snprintf(brief, sizeof(brief), "%" PRIu64 " flows", v->to.flows);
	snprintf(mid, sizeof(mid), "%s%s", brief,
		 *filter_text(listview_filter(&t->lv)) ? " matching the filter" : "");
	snprintf(line, sizeof(line), "%s", mid);
	if (v->to.other) {
		size_t n = strlen(line);

		snprintf(line + n, sizeof(line) - n,
			 ", %" PRIu64 " in states without a timeout sysctl",
			 v->to.other);
	}
	/* Rows without counts on a recording: why, instead of the total. */
	if (v->note[0] && v->to.n)
		screen_put_words(y++, 1, w, v->note, screen_attr(ROLE_INFO));
	else
		put_first_fit(y++, 1, w, forms, 3, A_NORMAL);
	if (v->sel < v->to.n) {
		/* The command whole, the words around it as room allows. */
		timeouts_sysctl_line(brief, sizeof(brief), &v->to.rows[v->sel]);
		snprintf(mid, sizeof(mid), "change with: %s", brief);
		snprintf(line, sizeof(line), "%s  (ctop does not run it)", mid);
		put_first_fit(y++, 1, w, forms, 3, screen_attr(ROLE_INFO));
	} else {
		screen_put_words(y++, 1, w, v->note[0] ? v->note :
				 "no timeout sysctls", screen_attr(v->note[0] ?
				 ROLE_ERROR : ROLE_NORMAL));
	}
	if (v->pol_err[0]) {
		snprintf(line, sizeof(line), "cttimeout policies: unavailable: %.200s",
			 v->pol_err);
		screen_put_words(y, 1, w, line, screen_attr(ROLE_ERROR));
		return;
	}
	if (!v->npol) {
		screen_put(y, 1, w, "cttimeout policies: none", A_NORMAL, false);
		return;
	}
	snprintf(line, sizeof(line), "cttimeout policies: %zu", v->npol);
	screen_put(y++, 1, w, line, screen_attr(ROLE_LABEL), false);
	for (size_t i = 0; i < npl; i++) {
		policy_line(line, sizeof(line), w, &v->pol[i]);
		screen_put(y++, 1, w, line, A_NORMAL, false);
	}
	if (v->npol > npl) {
		snprintf(line, sizeof(line), "  ... and %zu more (ctop -1 "
			 "--timeouts lists them all)", v->npol - npl);
		snprintf(mid, sizeof(mid), "  ... and %zu more", v->npol - npl);
		put_first_fit(y, 1, w, forms, 2, A_NORMAL);
	}
}

/* The E view's columns, fitted to the rows shown as the list's are
 * (layout.h): the tuples share what is left, MASK leaves first. */
enum { EX_PROTO, EX_TTL, EX_HELPER, EX_EXPECTED, EX_MASTER, EX_MASK, EX_N };

static const char *const ex_title[EX_N] = {
	"PROTO", "TTL", "HELPER", "EXPECTED", "MASTER", "MASK",
};

static void expect_cells(const struct expectation *x, char c[EX_N][200])
{
	format_proto(c[EX_PROTO], sizeof(c[0]), x->protonum);
	snprintf(c[EX_TTL], sizeof(c[0]), "%" PRIu32, x->timeout);
	snprintf(c[EX_HELPER], sizeof(c[0]), "%s", x->helper[0] ? x->helper : "-");
	report_tuple_text(c[EX_EXPECTED], sizeof(c[0]), x->family, x->protonum,
			  &x->tuple);
	report_tuple_text(c[EX_MASTER], sizeof(c[0]), x->master_family,
			  x->master_protonum, &x->master);
	report_tuple_text(c[EX_MASK], sizeof(c[0]), x->family, x->protonum,
			  &x->mask);
}

static enum layout_kind ex_kind(int c)
{
	return c == EX_PROTO ? LAYOUT_FIXED : c == EX_TTL ? LAYOUT_NUMBER :
	       c == EX_HELPER ? LAYOUT_NAME : LAYOUT_PAIR;
}

/* Cells of row y at the widths W (0: left out). */
static void expect_row(int y, const int *w, char c[EX_N][200], int attr)
{
	char cell[208];
	int x = 1;

	for (int k = 0; k < EX_N; k++) {
		if (!w[k])
			continue;
		layout_shorten(cell, sizeof(cell), c[k], w[k], ex_kind(k),
			       marker());
		screen_put(y, x, w[k], cell, attr, k == EX_TTL);
		x += w[k] + 1;
	}
}

static void draw_expect(const struct tui *t)
{
	const struct reports *v = &t->rep;
	const struct geometry *g = &t->geo;
	struct layout_geom lg = { g->cols, 1, 1 };
	struct layout_col need[EX_N];
	int bottom = g->lines - 2, y = 3, rows, w[EX_N];
	char line[512], c[EX_N][200];

	header_view_title(t, "Expectations", "E  Up/Down: row  Esc/q: back");
	rows = reports_page(v, REPORT_EXPECT, g->lines);
	for (int k = 0; k < EX_N; k++)
		need[k] = (struct layout_col){ ex_kind(k),
			layout_cells(ex_title[k]), 0, true };
	for (int r = 0; r < rows && v->top + (size_t)r < v->nexp; r++) {
		expect_cells(&v->exp[v->top + (size_t)r], c);
		for (int k = 0; k < EX_N; k++)
			if (layout_cells(c[k]) > need[k].longest)
				need[k].longest = layout_cells(c[k]);
	}
	layout_fit(need, EX_N, &lg, w);
	for (int k = 0; k < EX_N; k++)
		snprintf(c[k], sizeof(c[0]), "%s", ex_title[k]);
	screen_fill(y, 0, g->cols, screen_attr(ROLE_TITLE));
	expect_row(y++, w, c, screen_attr(ROLE_TITLE));
	if (v->exp_err[0]) {
		snprintf(line, sizeof(line), "cannot read expectations: %.200s",
			 v->exp_err);
		screen_put_words(y + 1, 1, g->cols - 2, line,
				 screen_attr(ROLE_ERROR));
		return;
	}
	if (!v->nexp) {
		const char *msg = "no expectations";
		int mw = (int)strlen(msg);

		screen_put((y + bottom) / 2, (g->cols - mw) / 2, mw, msg,
			   A_NORMAL, false);
		return;
	}
	for (int r = 0; r < rows && v->top + (size_t)r < v->nexp; r++) {
		size_t i = v->top + (size_t)r;
		int role = screen_attr(i == v->sel ? ROLE_SELECTED : ROLE_NORMAL);

		expect_cells(&v->exp[i], c);
		screen_fill(y, 0, g->cols, role);
		expect_row(y++, w, c, role);
	}
	snprintf(line, sizeof(line), "%zu expectation%s", v->nexp,
		 v->nexp == 1 ? "" : "s");
	screen_put(bottom - 1, 1, g->cols - 2, line, A_NORMAL, false);
}

void reports_draw(const struct tui *t)
{
	header_top(t);
	switch (t->in.mode) {
	case MODE_PRESSURE:
		draw_pressure(t);
		break;
	case MODE_TIMEOUTS:
		draw_timeouts(t);
		break;
	default:
		draw_expect(t);
		break;
	}
	status_draw(t);
	keybar_draw(t);
}
