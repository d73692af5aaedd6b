/* The full-screen views beside the flow list: table pressure (P), the
 * timeouts (T) and the expectation table (E). The figures come from the
 * same functions as ctop --stats, --timeouts and --expect (pressure.h,
 * timeouts.h, source_policy.h); the flows they count are the screen's own
 * table, kept current by events, so opening a view costs one pass over
 * the table and no dump. Esc or q goes back to the list.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "../format.h"
#include "../report.h"
#include "tui_int.h"

#define POLICY_LINES 4		/* policies shown under the timeouts */

/* ---- gathering ---- */

/* A copy of the flow with its TTL as of now, for counting. */
static const struct flow *flow_now(const struct tui *t,
				   const struct table_flow *tf,
				   struct flow *tmp)
{
	*tmp = tf->f;
	tmp->timeout = sync_ttl(t, tf);
	return tmp;
}

static void gather_pressure(struct tui *t)
{
	struct views *v = &t->vw;
	const struct filter *flt = tui_filter(t);
	struct table_flow *tf;
	size_t cur = 0;

	if (!v->pf_ok) {
		if (pressure_flows_init(&v->pf))
			return;
		v->pf_ok = true;
	}
	pressure_flows_reset(&v->pf);
	while ((tf = table_next(t->tbl, &cur)))
		if (filter_match(flt, &tf->f))
			pressure_flows_add(&v->pf, &tf->f);
	v->buckets = source_sysctl("nf_conntrack_buckets");
}

static void gather_timeouts(struct tui *t)
{
	struct views *v = &t->vw;
	struct ctop_err err = { 0 };
	struct report_items it = { 0 };
	const struct filter *flt = tui_filter(t);
	struct table_flow *tf;
	struct flow tmp;
	size_t cur = 0;

	timeouts_read(&v->to, NULL);
	while ((tf = table_next(t->tbl, &cur)))
		if (filter_match(flt, &tf->f))
			timeouts_add_flow(&v->to, flow_now(t, tf, &tmp));
	/* The capacity of the old array is not kept: start afresh. */
	free(v->pol);
	v->pol_err[0] = '\0';
	if (report_read_policies(&it, &err))
		snprintf(v->pol_err, sizeof(v->pol_err), "%s", err.msg);
	v->pol = it.v;
	v->npol = it.n;
}

static void gather_expect(struct tui *t)
{
	struct views *v = &t->vw;
	struct ctop_err err = { 0 };
	struct report_items it = { 0 };

	free(v->exp);
	v->exp_err[0] = '\0';
	if (report_read_expectations(&it, &err))
		snprintf(v->exp_err, sizeof(v->exp_err), "%s", err.msg);
	v->exp = it.v;
	v->nexp = it.n;
}

static void gather(struct tui *t)
{
	uint64_t start = tui_now_ms(), took;

	if (t->cli->replay && t->mode != MODE_PRESSURE)
		return;
	switch (t->mode) {
	case MODE_PRESSURE:
		gather_pressure(t);
		break;
	case MODE_TIMEOUTS:
		gather_timeouts(t);
		break;
	case MODE_EXPECT:
		gather_expect(t);
		break;
	default:
		return;
	}
	/* At a million flows a pass takes a while: at most a tenth of the
	 * time goes to it. */
	took = tui_now_ms() - start;
	t->vw.next_gather_ms = start + 10 * took;
}

void views_refresh(struct tui *t)
{
	struct views *v = &t->vw;

	/* The fill trend needs a minute of history, whatever the mode. */
	if (t->have_stats && t->stats_ms != 0) {
		pressure_trend_add(&v->trend, (double)t->stats_ms / 1000.0,
				   &t->stats);
		v->have_prev = t->have_prev_stats;
		v->prev = t->prev_stats;
		v->interval = (double)(t->stats_ms - t->prev_stats_ms) / 1000.0;
	}
	if (tui_now_ms() >= v->next_gather_ms)
		gather(t);
}

void views_open(struct tui *t, enum tui_mode mode)
{
	if (t->cli->replay && mode != MODE_PRESSURE) {
		status_set(t, true, "a recording has no %s",
			   mode == MODE_TIMEOUTS ? "timeouts" : "expectations");
		return;
	}
	t->mode = mode;
	t->vw.sel = t->vw.top = 0;
	view_update(t);
	gather(t);
	t->redraw = true;
}

void views_free(struct tui *t)
{
	struct views *v = &t->vw;

	if (v->pf_ok)
		pressure_flows_free(&v->pf);
	free(v->pol);
	free(v->exp);
	memset(v, 0, sizeof(*v));
}

/* ---- keys ---- */

static size_t view_len(const struct tui *t)
{
	if (t->mode == MODE_TIMEOUTS)
		return t->vw.to.n;
	if (t->mode == MODE_EXPECT)
		return t->vw.nexp;
	return 0;
}

static void vmove(struct tui *t, long delta)
{
	size_t n = view_len(t);

	if (n)
		t->vw.sel = keys_moved(t->vw.sel, delta, n);
}

void views_key(struct tui *t, int key, bool fkey)
{
	long delta;

	t->redraw = true;
	if (fkey) {
		if (keys_nav_delta(key, 10, &delta)) {
			vmove(t, delta);
			return;
		}
		switch (key) {
		case KEY_BACKSPACE:
			t->mode = MODE_LIST;
			break;
		case KEY_F(1):
			t->help_back = t->mode;
			t->mode = MODE_HELP;
			break;
		case KEY_F(10):
			t->quit = true;
			break;
		default:
			break;
		}
		return;
	}
	switch (key) {
	case 27:
	case 'q':
	case 127:
		t->mode = MODE_LIST;
		break;
	case 'P':
	case 'T':
	case 'E':
		keys_open_view(t, key);
		break;
	case 'h':
	case '?':
		t->help_back = t->mode;
		t->mode = MODE_HELP;
		break;
	case 'p':
	case 'Z':
		t->paused = !t->paused;
		status_set(t, false, t->paused ? "paused (p resumes)" : "resumed");
		break;
	case 'r':
		tui_refresh_now(t);
		break;
	case 'k':
		vmove(t, -1);
		break;
	case 'j':
		vmove(t, 1);
		break;
	default:
		break;
	}
}

/* ---- drawing ---- */

/* Two columns of half the screen each. */
static int half(void)
{
	return (COLS - 2) / 2;
}

static int draw_summary(struct tui *t, int y)
{
	const struct views *v = &t->vw;
	const struct table_stats *st = &t->stats;
	const char *ft = filter_text(tui_filter(t));
	double added, removed;
	char line[256];

	if (t->have_stats) {
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
			 table_count(t->tbl));
	}
	screen_put(y++, 1, COLS - 2, line, A_NORMAL, false);
	if (pressure_trend_rates(&v->trend, 60.0, &added, &removed) == 0)
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
		   tui_attr(t, v->pf.not_assured ? ROLE_LABEL : ROLE_NORMAL),
		   false);
	return y;
}

static int draw_counters(struct tui *t, int y, int x, int w, int bottom)
{
	const struct views *v = &t->vw;
	unsigned int warn = header_warnings(t);
	double rates[PC_COUNT];
	bool have_rates;
	char line[128], total[32], rate[32];

	screen_put(y, x, w, "", tui_attr(t, ROLE_TITLE), false);
	snprintf(line, sizeof(line), "%-14s %12s %10s", "COUNTER", "TOTAL",
		 "PER_SEC");
	screen_put(y++, x, w, line, tui_attr(t, ROLE_TITLE), false);
	if (!t->have_stats || !t->stats.have_cpu) {
		screen_put(y++, x, w, "statistics not available", A_NORMAL,
			   false);
		return y;
	}
	have_rates = v->have_prev &&
		     pressure_rates(&t->stats, &v->prev, v->interval, rates) == 0;
	for (int c = 0; c < PC_COUNT && y < bottom; c++) {
		enum tui_role role = ROLE_NORMAL;

		format_u64(total, sizeof(total), pressure_counter_value(&t->stats, c));
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
		screen_put(y++, x, w, line, tui_attr(t, role), false);
	}
	return y;
}

static int draw_sources(struct tui *t, int y, int x, int w, int bottom)
{
	struct views *v = &t->vw;
	const struct group_row *rows;
	char line[160], key[96];
	int kw = w - 17;
	size_t n;

	snprintf(line, sizeof(line), "%-*s %8s %7s", kw, "TOP SOURCES",
		 "FLOWS", "SHARE");
	screen_put(y++, x, w, line, tui_attr(t, ROLE_TITLE), false);
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
static void draw_states(struct tui *t, int y, int bottom)
{
	struct views *v = &t->vw;
	const struct group_row *rows;
	char line[160], key[64], proto[16];
	int w = half(), kw = w - 17, per;
	const char *state;
	size_t n;

	if (y >= bottom || !v->pf_ok)
		return;
	for (int c = 0; c < 2; c++) {
		snprintf(line, sizeof(line), "%-*s %8s %7s", kw,
			 c ? "" : "TOP STATES", "FLOWS", "SHARE");
		screen_put(y, 1 + c * (w + 1), w, line,
			   tui_attr(t, ROLE_TITLE), false);
	}
	y++;
	per = bottom - y;
	rows = group_rows(v->pf.states, &n);
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

static void draw_pressure(struct tui *t)
{
	int bottom = LINES - 2, y, yl, yr, w = half();

	header_view_title(t, "Table pressure", "P  Esc/q: back");
	y = draw_summary(t, 3) + 1;
	yl = draw_counters(t, y, 1, w, bottom);
	yr = draw_sources(t, y, 2 + w, w, bottom);
	draw_states(t, (yl > yr ? yl : yr) + 1, bottom);
}

static void draw_timeouts(struct tui *t)
{
	struct views *v = &t->vw;
	int bottom = LINES - 2, y = 3, rows, extra;
	char line[256], dur[32], flows[32], over[32];
	size_t npl = v->npol > POLICY_LINES ? POLICY_LINES : v->npol;

	header_view_title(t, "Timeouts", "T  Up/Down: row  Esc/q: back");
	snprintf(line, sizeof(line), "%-8s %-16s %10s %9s %10s %8s", "PROTO",
		 "STATE", "TIMEOUT", "", "FLOWS", ">1H");
	screen_fill(y, 0, COLS, tui_attr(t, ROLE_TITLE));
	screen_put(y++, 1, COLS - 1, line, tui_attr(t, ROLE_TITLE), false);
	/* Under the rows: totals, the sysctl line, the policies. */
	extra = 3 + (int)(npl ? npl + (v->npol > npl) : 0);
	rows = bottom - y - extra;
	if (rows < 1)
		rows = 1;
	if (v->sel >= v->to.n)
		v->sel = v->to.n ? v->to.n - 1 : 0;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
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
		screen_fill(y, 0, COLS, tui_attr(t, role));
		/* Flows parked for hours stand out. */
		if (!sel && tr->counted && tr->over_hour)
			role = ROLE_LABEL;
		screen_put(y++, 1, COLS - 1, line, tui_attr(t, role), false);
	}
	y = bottom - extra;
	snprintf(line, sizeof(line), "%" PRIu64 " flows%s", v->to.flows,
		 *filter_text(tui_filter(t)) ? " matching the filter" : "");
	if (v->to.other) {
		size_t n = strlen(line);

		snprintf(line + n, sizeof(line) - n,
			 ", %" PRIu64 " in states without a timeout sysctl",
			 v->to.other);
	}
	screen_put(y++, 1, COLS - 2, line, A_NORMAL, false);
	if (v->sel < v->to.n) {
		char cmd[200];

		timeouts_sysctl_line(cmd, sizeof(cmd), &v->to.rows[v->sel]);
		snprintf(line, sizeof(line), "change with: %s  (ctop does not "
			 "run it)", cmd);
		screen_put(y++, 1, COLS - 2, line, tui_attr(t, ROLE_INFO),
			   false);
	} else {
		screen_put(y++, 1, COLS - 2, "no timeout sysctls", A_NORMAL,
			   false);
	}
	if (v->pol_err[0]) {
		snprintf(line, sizeof(line), "cttimeout policies: unavailable: %.200s",
			 v->pol_err);
		screen_put(y, 1, COLS - 2, line, tui_attr(t, ROLE_ERROR), false);
		return;
	}
	if (!v->npol) {
		screen_put(y, 1, COLS - 2, "cttimeout policies: none", A_NORMAL,
			   false);
		return;
	}
	snprintf(line, sizeof(line), "cttimeout policies: %zu", v->npol);
	screen_put(y++, 1, COLS - 2, line, tui_attr(t, ROLE_LABEL), false);
	for (size_t i = 0; i < npl; i++) {
		const struct timeout_policy *p = &v->pol[i];
		char fam[16], proto[16];
		size_t n;

		format_proto(proto, sizeof(proto), p->l4proto);
		n = (size_t)snprintf(line, sizeof(line), "  %s %s %s (refs %"
				     PRIu32 "):", p->name,
				     report_family_name(p->l3proto, fam,
							sizeof(fam)),
				     proto, p->use);
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

static void draw_expect(struct tui *t)
{
	struct views *v = &t->vw;
	int bottom = LINES - 2, y = 3, rows, tw;
	char line[512], m[200], e[200], k[200], proto[16];

	header_view_title(t, "Expectations", "E  Up/Down: row  Esc/q: back");
	/* PROTO TTL HELPER, then three tuples sharing the rest. */
	tw = (COLS - 1 - 6 - 8 - 9 - 3) / 3;
	if (tw < 10)
		tw = 10;
	snprintf(line, sizeof(line), "%-5s %7s %-8s %-*s %-*s %-*s", "PROTO",
		 "TTL", "HELPER", tw, "EXPECTED", tw, "MASTER", tw, "MASK");
	screen_fill(y, 0, COLS, tui_attr(t, ROLE_TITLE));
	screen_put(y++, 1, COLS - 1, line, tui_attr(t, ROLE_TITLE), false);
	if (v->exp_err[0]) {
		snprintf(line, sizeof(line), "cannot read expectations: %.200s",
			 v->exp_err);
		screen_put(y + 1, 1, COLS - 2, line, tui_attr(t, ROLE_ERROR),
			   false);
		return;
	}
	if (!v->nexp) {
		const char *msg = "no expectations";

		mvaddstr((y + bottom) / 2, (COLS - (int)strlen(msg)) / 2, msg);
		return;
	}
	rows = bottom - y - 1;
	if (v->sel >= v->nexp)
		v->sel = v->nexp - 1;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
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
		screen_fill(y, 0, COLS, tui_attr(t, role));
		screen_put(y++, 1, COLS - 1, line, tui_attr(t, role), false);
	}
	snprintf(line, sizeof(line), "%zu expectation%s", v->nexp,
		 v->nexp == 1 ? "" : "s");
	screen_put(bottom - 1, 1, COLS - 2, line, A_NORMAL, false);
}

void views_draw(struct tui *t)
{
	header_top(t);
	switch (t->mode) {
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
	if (t->status[0])
		status_draw(t);
	else
		screen_put(LINES - 2, 0, COLS, "P pressure  T timeouts  "
			   "E expectations  Esc/q back to the flows  "
			   "h help", A_NORMAL, false);
	keybar_draw(t);
}
