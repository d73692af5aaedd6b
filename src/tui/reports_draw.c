/* Drawing the P, T and E views (reports.h has their data). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "../format.h"
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
static int half(void)
{
	return (COLS - 2) / 2;
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
	double added, removed;
	char line[256];

	if (have) {
		int n = snprintf(line, sizeof(line),
				 "entries %" PRIu32 " of %" PRIu32 " (%.1f%% full)",
				 st->count, st->max, pressure_fill(st));

		if (v->buckets > 0 && n > 0 && (size_t)n < sizeof(line))
			snprintf(line + n, sizeof(line) - (size_t)n,
				 "   buckets %ld (%.2f entries per bucket)",
				 v->buckets,
				 (double)st->count / (double)v->buckets);
	} else {
		snprintf(line, sizeof(line), "entries %zu (no kernel figures)",
			 table_count(t->m.tbl));
	}
	screen_put(y++, 1, COLS - 2, line, A_NORMAL, false);
	if (t->tl.on)
		snprintf(line, sizeof(line), "this interval: %" PRIu64
			 " entries added, %" PRIu64 " removed (recorded)",
			 t->tl.cur.added, t->tl.cur.removed);
	else if (pressure_trend_rates(&v->trend, 60.0, &added, &removed) == 0)
		snprintf(line, sizeof(line), "fill trend: %.1f entries/s added, "
			 "%.1f/s removed (last minute)", added, removed);
	else
		snprintf(line, sizeof(line), "fill trend: measuring...");
	screen_put(y++, 1, COLS - 2, line, A_NORMAL, false);
	if (v->pf_ok)
		snprintf(line, sizeof(line), "early-drop candidates: %" PRIu64
			 " of %" PRIu64 " %s not ASSURED (%.1f%%)",
			 v->pf.not_assured, v->pf.flows,
			 *ft ? "flows matching the filter" : "entries",
			 pressure_share(v->pf.not_assured, v->pf.flows));
	else
		snprintf(line, sizeof(line), "early-drop candidates: -");
	screen_put(y++, 1, COLS - 2, line,
		   screen_attr(v->pf.not_assured ? ROLE_LABEL : ROLE_NORMAL),
		   false);
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
		snprintf(line, sizeof(line), "%-*.*s %8" PRIu64 " %6.1f%%", kw,
			 kw, key, rows[i].flows,
			 pressure_share(rows[i].flows, v->pf.flows));
		screen_put(y++, x, w, line, A_NORMAL, false);
	}
	return y;
}

/* Top states, in two columns, as many as fit. */
static void draw_states(const struct tui *t, int y, int bottom)
{
	const struct reports *v = &t->rep;
	const struct group_row *rows;
	char line[160], key[64], proto[16];
	int w = half(), kw = w - 17, per;
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
		snprintf(line, sizeof(line), "%-*.*s %8" PRIu64 " %6.1f%%", kw,
			 kw, key, rows[i].flows,
			 pressure_share(rows[i].flows, v->pf.flows));
		screen_put(y + row, 1 + col * (w + 1), w, line, A_NORMAL, false);
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
	size_t cols = (size_t)(COLS - 2 - GRAPH_LABEL);
	bool utf8 = screen_utf8();

	if (COLS - 2 - GRAPH_LABEL < 10)
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
			timeparse_format(when, sizeof(when), t->tl.at_ns);
			snprintf(label, sizeof(label), "^ %s, 6 hours across", when);
			screen_put(y++, 1 + GRAPH_LABEL + (int)timeline_now_col(cols),
				   COLS - 2 - GRAPH_LABEL - (int)timeline_now_col(cols),
				   label, screen_attr(ROLE_INFO), false);
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
	int bottom = LINES - 2, y, yl, yr, w = half();

	header_view_title(t, "Table pressure", "P  Esc/q: back");
	y = draw_summary(t, 3) + 1;
	y = draw_graphs(t, y, bottom) + 1;
	yl = draw_counters(t, y, 1, w, bottom);
	yr = draw_sources(t, y, 2 + w, w, bottom);
	draw_states(t, (yl > yr ? yl : yr) + 1, bottom);
}

static void draw_timeouts(const struct tui *t)
{
	const struct reports *v = &t->rep;
	int bottom = LINES - 2, y = 3, rows, extra;
	char line[256], dur[32], flows[32], over[32];
	size_t npl = v->npol > POLICY_LINES ? POLICY_LINES : v->npol;

	header_view_title(t, "Timeouts", "T  Up/Down: row  Esc/q: back");
	snprintf(line, sizeof(line), "%-8s %-16s %10s %9s %10s %8s", "PROTO",
		 "STATE", "TIMEOUT", "", "FLOWS", ">1H");
	screen_fill(y, 0, COLS, screen_attr(ROLE_TITLE));
	screen_put(y++, 1, COLS - 1, line, screen_attr(ROLE_TITLE), false);
	/* Under the rows: totals, the sysctl line, the policies. */
	extra = 3 + (int)(npl ? npl + (v->npol > npl) : 0);
	rows = reports_page(v, REPORT_TIMEOUTS, LINES);
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
		snprintf(line, sizeof(line), "%-8s %-16s %10ld %9s %10s %8s",
			 tr->proto, tr->state, tr->seconds, dur, flows, over);
		screen_fill(y, 0, COLS, screen_attr(role));
		/* Flows parked for hours stand out. */
		if (!sel && tr->counted && tr->over_hour)
			role = ROLE_LABEL;
		screen_put(y++, 1, COLS - 1, line, screen_attr(role), false);
	}
	y = bottom - extra;
	snprintf(line, sizeof(line), "%" PRIu64 " flows%s", v->to.flows,
		 *filter_text(listview_filter(&t->lv)) ? " matching the filter" : "");
	if (v->to.other) {
		size_t n = strlen(line);

		snprintf(line + n, sizeof(line) - n,
			 ", %" PRIu64 " in states without a timeout sysctl",
			 v->to.other);
	}
	/* Rows without counts on a recording: why, instead of the total. */
	if (v->note[0] && v->to.n)
		screen_put(y++, 1, COLS - 2, v->note, screen_attr(ROLE_INFO),
			   false);
	else
		screen_put(y++, 1, COLS - 2, line, A_NORMAL, false);
	if (v->sel < v->to.n) {
		char cmd[200];

		timeouts_sysctl_line(cmd, sizeof(cmd), &v->to.rows[v->sel]);
		snprintf(line, sizeof(line), "change with: %s  (ctop does not "
			 "run it)", cmd);
		screen_put(y++, 1, COLS - 2, line, screen_attr(ROLE_INFO),
			   false);
	} else {
		screen_put(y++, 1, COLS - 2, v->note[0] ? v->note :
			   "no timeout sysctls", screen_attr(v->note[0] ?
			   ROLE_ERROR : ROLE_NORMAL), false);
	}
	if (v->pol_err[0]) {
		snprintf(line, sizeof(line), "cttimeout policies: unavailable: %.200s",
			 v->pol_err);
		screen_put(y, 1, COLS - 2, line, screen_attr(ROLE_ERROR), false);
		return;
	}
	if (!v->npol) {
		screen_put(y, 1, COLS - 2, "cttimeout policies: none", A_NORMAL,
			   false);
		return;
	}
	snprintf(line, sizeof(line), "cttimeout policies: %zu", v->npol);
	screen_put(y++, 1, COLS - 2, line, screen_attr(ROLE_LABEL), false);
	for (size_t i = 0; i < npl; i++) {
		const struct timeout_policy *p = &v->pol[i];
		char fam[16], proto[16];
		size_t n;

		format_proto(proto, sizeof(proto), p->l4proto);
		n = (size_t)snprintf(line, sizeof(line), "  %s %s %s", p->name,
				     report_family_name(p->l3proto, fam,
							sizeof(fam)),
				     proto);
		/* A recording keeps no reference counts. */
		if (p->use != POLICY_USE_UNKNOWN && n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n,
					      " (refs %" PRIu32 ")", p->use);
		if (n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n, ":");
		for (size_t k = 0; k < p->n && n < sizeof(line); k++)
			n += (size_t)snprintf(line + n, sizeof(line) - n,
					      " %s=%" PRIu32, p->v[k].state,
					      p->v[k].seconds);
		screen_put(y++, 1, COLS - 2, line, A_NORMAL, false);
	}
	if (v->npol > npl) {
		snprintf(line, sizeof(line), "  ... and %zu more (ctop -1 "
			 "--timeouts lists them all)", v->npol - npl);
		screen_put(y, 1, COLS - 2, line, A_NORMAL, false);
	}
}

static void tuple_text(char *buf, size_t len, uint8_t family,
		       uint8_t protonum, const struct flow_tuple *tp)
{
	char a[80], b[80];
	struct flow tmp;

	memset(&tmp, 0, sizeof(tmp));
	tmp.family = family;
	tmp.protonum = protonum;
	format_endpoint(a, sizeof(a), &tmp, tp, 0);
	format_endpoint(b, sizeof(b), &tmp, tp, 1);
	snprintf(buf, len, "%s>%s", a, b);
}

static void draw_expect(const struct tui *t)
{
	const struct reports *v = &t->rep;
	int bottom = LINES - 2, y = 3, rows, tw;
	char line[512], m[200], e[200], k[200], proto[16];

	header_view_title(t, "Expectations", "E  Up/Down: row  Esc/q: back");
	/* PROTO TTL HELPER, then three tuples sharing the rest. */
	tw = (COLS - 1 - 6 - 8 - 9 - 3) / 3;
	if (tw < 10)
		tw = 10;
	snprintf(line, sizeof(line), "%-5s %7s %-8s %-*s %-*s %-*s", "PROTO",
		 "TTL", "HELPER", tw, "EXPECTED", tw, "MASTER", tw, "MASK");
	screen_fill(y, 0, COLS, screen_attr(ROLE_TITLE));
	screen_put(y++, 1, COLS - 1, line, screen_attr(ROLE_TITLE), false);
	if (v->exp_err[0]) {
		snprintf(line, sizeof(line), "cannot read expectations: %.200s",
			 v->exp_err);
		screen_put(y + 1, 1, COLS - 2, line, screen_attr(ROLE_ERROR),
			   false);
		return;
	}
	if (!v->nexp) {
		const char *msg = "no expectations";

		mvaddstr((y + bottom) / 2, (COLS - (int)strlen(msg)) / 2, msg);
		return;
	}
	rows = reports_page(v, REPORT_EXPECT, LINES);
	for (int r = 0; r < rows && v->top + (size_t)r < v->nexp; r++) {
		size_t i = v->top + (size_t)r;
		const struct expectation *x = &v->exp[i];
		enum tui_role role = i == v->sel ? ROLE_SELECTED : ROLE_NORMAL;

		format_proto(proto, sizeof(proto), x->protonum);
		tuple_text(e, sizeof(e), x->family, x->protonum, &x->tuple);
		tuple_text(m, sizeof(m), x->master_family, x->master_protonum,
			   &x->master);
		tuple_text(k, sizeof(k), x->family, x->protonum, &x->mask);
		snprintf(line, sizeof(line), "%-5s %7" PRIu32 " %-8.8s %-*.*s "
			 "%-*.*s %-*.*s", proto, x->timeout,
			 x->helper[0] ? x->helper : "-", tw, tw, e, tw, tw, m,
			 tw, tw, k);
		screen_fill(y, 0, COLS, screen_attr(role));
		screen_put(y++, 1, COLS - 1, line, screen_attr(role), false);
	}
	snprintf(line, sizeof(line), "%zu expectation%s", v->nexp,
		 v->nexp == 1 ? "" : "s");
	screen_put(bottom - 1, 1, COLS - 2, line, A_NORMAL, false);
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
