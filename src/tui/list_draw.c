/* Drawing the list: the column title row and the visible rows, flows
 * or groups, at the places and widths the geometry gave them (fitted to
 * these rows). A cell wider than its column is shortened visibly
 * (layout.h: an address's middle, never its port; a name's end). Column 0
 * of the screen is a margin that shows '*' on tagged rows, so tags read
 * without color too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "../clock.h"
#include "../layout.h"
#include "list_draw.h"
#include "screen.h"
#include "../spark.h"
#include "../timeparse.h"
#include "session.h"

static enum tui_role proto_role(uint8_t p)
{
	switch (p) {
	case FLOW_P_TCP:
		return ROLE_TCP;
	case FLOW_P_UDP:
	case FLOW_P_UDPLITE:
		return ROLE_UDP;
	case FLOW_P_ICMP:
	case FLOW_P_ICMPV6:
		return ROLE_ICMP;
	default:
		return ROLE_OTHER_PROTO;
	}
}

static enum tui_role state_role(const struct flow *f)
{
	static const char *const setup[] = {
		"SYN", "COOKIE", "REQUEST", "RESPOND", "PARTOPEN",
	};
	const char *s = flow_state_name(f);

	if (!s || !strcmp(s, "NONE"))
		return ROLE_NORMAL;
	if (!strcmp(s, "ESTABLISHED") || !strcmp(s, "OPEN"))
		return ROLE_ST_OPEN;
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
		if (!strncmp(s, setup[i], strlen(setup[i])))
			return ROLE_ST_SETUP;
	return ROLE_ST_CLOSING;
}

static enum tui_role cell_role(int col, const struct flow *f)
{
	switch (col) {
	case COL_PROTO:
		return proto_role(f->protonum);
	case COL_STATE:
		return state_role(f);
	case COL_FLAGS:
		return flow_unreplied(f) ? ROLE_UNREPLIED : ROLE_NORMAL;
	default:
		return ROLE_NORMAL;
	}
}

static void title_put(int y, int x, int w, const char *title, bool sorted,
		      bool rev, bool right)
{
	char buf[64];
	const char *mark = "";

	if (sorted)
		mark = MB_CUR_MAX > 1 ? (rev ? "\u25bc" : "\u25b2")
				      : (rev ? "-" : "+");
	snprintf(buf, sizeof(buf), "%s%s", title, mark);
	screen_put(y, x, w, buf,
		   screen_attr(sorted ? ROLE_TITLE_SORT : ROLE_TITLE), right);
}

static void titles_flows(const struct tui *t, int y)
{
	const struct geometry *g = &t->geo;
	const struct listview *lv = &t->lv;

	screen_fill(y, 0, t->geo.cols, screen_attr(ROLE_TITLE));
	for (size_t c = 0; c < g->ncols; c++) {
		bool sorted = lv->cols[c] == lv->sort_col;

		if (!g->colw[c])
			continue;
		title_put(y, g->colx[c], g->colw[c], col_title(lv->cols[c]),
			  sorted, lv->sort_rev, col_right(lv->cols[c]));
	}
}

/* A cell in w cells, shortened visibly when it does not fit. */
static void put_cell(int y, int x, int w, const char *cell,
		     enum layout_kind kind, int attr, bool right)
{
	char fit[192];

	if (layout_cells(cell) > w) {
		layout_shorten(fit, sizeof(fit), cell, w, kind,
			       layout_marker(MB_CUR_MAX > 1));
		cell = fit;
	}
	screen_put(y, x, w, cell, attr, right);
}

static void row_flow(const struct tui *t, int y, size_t i, uint64_t now)
{
	const struct geometry *g = &t->geo;
	const struct listview *lv = &t->lv;
	const struct table_rec *r = listview_rec(lv, i);
	struct table_flow tf;
	bool sel, tag;
	int base;
	char cell[160];

	/* Past the rows a first-screen preview sorted (view_prepare): a
	 * terminal that grew meanwhile. The next draw has them. */
	if (!r)
		return;
	table_view(t->m.tbl, r, &tf);
	sel = i == lv->sel;
	tag = listview_is_tagged(lv, &tf.f);
	base = screen_attr(sel ? ROLE_SELECTED : tag ? ROLE_TAGGED : ROLE_NORMAL);
	screen_fill(y, 0, t->geo.cols, base);
	screen_put(y, 0, 1, tag ? "*" : " ", base, false);
	for (size_t c = 0; c < g->ncols; c++) {
		int col = lv->cols[c], attr = base;

		if (!g->colw[c])
			continue;
		cell_text(&t->cells, &t->m, col, r, &tf, now, cell,
			  sizeof(cell));
		if (!sel && !tag)
			attr = screen_attr(cell_role(col, &tf.f));
		put_cell(y, g->colx[c], g->colw[c], cell, col_kind(col), attr,
			 col_right(col));
	}
}

/* Group rows: KEY FLOWS PACKETS BYTES SHARE, at the geometry's widths;
 * the share also as a bar in what room is left. */
#define GROUP_BAR_MAX 20
#define GROUP_BAR_MIN 6
static void titles_groups(const struct tui *t, int y)
{
	const int *w = t->geo.groupw;
	char title[64];
	int x = 1;

	screen_fill(y, 0, t->geo.cols, screen_attr(ROLE_TITLE));
	for (int j = 0; j < GROUP_CELLS; j++) {
		if (!w[j])
			continue;
		group_title(t->lv.group, j, title, sizeof(title));
		if (j)
			title_put(y, x, w[j], title, j == 1, true, true);
		else
			screen_put(y, x, w[j], title, screen_attr(ROLE_TITLE),
				   false);
		x += w[j] + 1;
	}
}

static void row_group(const struct tui *t, int y, size_t i)
{
	const int *w = t->geo.groupw;
	bool sel = i == t->lv.sel;
	int attr = screen_attr(sel ? ROLE_SELECTED : ROLE_NORMAL), x = 1, bw;
	char cell[GROUP_CELLS][GROUP_CELL_LEN], bar[GROUP_BAR_MAX * 4 + 1];
	const struct group_row *g = &t->lv.grows[i];

	group_cells(g, t->lv.group, t->m.acct_off, t->lv.gtotal,
		    cell);
	screen_fill(y, 0, t->geo.cols, attr);
	for (int j = 0; j < GROUP_CELLS; j++) {
		if (!w[j])
			continue;
		put_cell(y, x, w[j], cell[j],
			 j ? LAYOUT_NUMBER : group_key_kind(t->lv.group), attr,
			 j > 0);
		x += w[j] + 1;
	}
	bw = t->geo.cols - 1 - x;
	if (bw > GROUP_BAR_MAX)
		bw = GROUP_BAR_MAX;
	if (bw >= GROUP_BAR_MIN) {
		spark_bar(bar, sizeof(bar), t->lv.gtotal ? (double)g->flows /
			  (double)t->lv.gtotal : 0, (size_t)bw, screen_utf8());
		screen_put(y, x, bw, bar, attr, false);
	}
}

static void list_empty(const struct tui *t)
{
	const char *msg;
	char buf[160], when[32];
	int y = t->geo.list_y + t->geo.list_h / 2, x;

	if (t->tl.on && !t->tl.has_table && !listview_groups_summarized(&t->lv)) {
		/* Never an empty list that looks like an empty table. */
		char what[48];

		if (t->lv.group != GROUP_NONE)
			snprintf(what, sizeof(what), "-g %s%s",
				 group_by_str(t->lv.group),
				 fr_group_dim(t->lv.group) >= 0 ?
				 " with a filter" : "");
		else
			snprintf(what, sizeof(what), "the list");
		timeparse_format(when, sizeof(when), t->tl.at_ns);
		snprintf(buf, sizeof(buf), "no full table recorded at or "
			 "before %s: %s needs one (ctop -w --full-every N)",
			 when, what);
		msg = buf;
	} else if (!t->m.complete && !t->sync.fetch_error)
		msg = t->cli->replay ? "reading the table..."
				     : "reading the conntrack table...";
	else if (table_count(t->m.tbl) == 0)
		msg = "the conntrack table is empty";
	else
		msg = "no flows match the filter";
	x = (t->geo.cols - (int)strlen(msg)) / 2;
	if (x < 0)
		x = 0;
	screen_put(y, 0, t->geo.cols, "", A_NORMAL, false);
	screen_put(y, x, t->geo.cols - x, msg, A_NORMAL, false);
}

void list_draw(const struct tui *t)
{
	const struct geometry *g = &t->geo;
	const struct listview *lv = &t->lv;
	size_t n = listview_rows(lv);
	uint64_t now = clock_monotonic_ms();

	if (lv->group != GROUP_NONE)
		titles_groups(t, g->title_y);
	else
		titles_flows(t, g->title_y);
	if (!n) {
		list_empty(t);
		return;
	}
	for (int r = 0; r < g->list_h && lv->top + (size_t)r < n; r++) {
		if (lv->group != GROUP_NONE)
			row_group(t, g->list_y + r, lv->top + r);
		else
			row_flow(t, g->list_y + r, lv->top + r, now);
	}
}
