/* What the keys do (actions.h). Each action reads and changes the parts
 * through their own functions and returns what must be redrawn. */
#include <limits.h>
#include <stdio.h>
#include <curses.h>

#include "../clock.h"
#include "actions.h"
#include "dialogs.h"
#include "keycode.h"
#include "session.h"

/* Refresh intervals that + and - step through. */
static const double steps[] = {
	0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 300,
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* ---- every mode ---- */

/* The move a navigation key asks for (Home and End as moves past either
 * end, which the views clamp). */
static long nav_delta(int key, long page)
{
	switch (key) {
	case K_FN(KEY_UP):
	case 'k':
		return -1;
	case K_FN(KEY_DOWN):
	case 'j':
		return 1;
	case K_FN(KEY_PPAGE):
		return -page;
	case K_FN(KEY_NPAGE):
		return page;
	case K_FN(KEY_HOME):
		return LONG_MIN / 2;
	case K_FN(KEY_END):
		return LONG_MAX / 2;
	}
	return 0;
}

unsigned act_move(struct tui *t, int key)
{
	int rv = input_report(t->in.mode);
	long page;

	if (rv >= 0) {
		reports_move(&t->rep, (enum report_view)rv, nav_delta(key, 10));
		return ACT_REDRAW;
	}
	page = t->geo.list_h > 1 ? t->geo.list_h - 1 : 1;
	listview_move(&t->lv, nav_delta(key, page));
	return ACT_REDRAW;
}

unsigned act_help(struct tui *t, int key)
{
	(void)key;
	t->in.help_back = t->in.mode;
	t->in.mode = MODE_HELP;
	return ACT_REDRAW;
}

unsigned act_quit(struct tui *t, int key)
{
	(void)t;
	(void)key;
	return ACT_QUIT;
}

unsigned actions_open_report(struct tui *t, enum tui_mode mode)
{
	int rv = input_report(mode);

	if (rv < 0)
		return ACT_NONE;
	/* A flight recording keeps the timeouts and the expectations; a
	 * table from a file has neither. */
	if (t->cli->replay && mode != MODE_PRESSURE && !t->tl.on) {
		status_set(&t->st, true, "a table read from a file has no %s "
			   "(a flight recording of ctop -w has)",
			   mode == MODE_TIMEOUTS ? "timeouts" : "expectations");
		return ACT_REDRAW;
	}
	t->in.mode = mode;
	t->rep.sel = t->rep.top = 0;
	session_update(t);
	reports_gather(&t->rep, (enum report_view)rv, &t->m,
		       listview_filter(&t->lv), t->cli->replay != NULL, &t->tl,
		       clock_monotonic_ms());
	return ACT_REDRAW;
}

unsigned act_report(struct tui *t, int key)
{
	switch (key) {
	case 'P':
		return actions_open_report(t, MODE_PRESSURE);
	case 'T':
		return actions_open_report(t, MODE_TIMEOUTS);
	case 'E':
		return actions_open_report(t, MODE_EXPECT);
	}
	return ACT_NONE;
}

unsigned act_pause(struct tui *t, int key)
{
	(void)key;
	sync_pause(&t->sync, !t->sync.paused);
	status_set(&t->st, false, t->sync.paused ? "paused: the screen is "
		   "frozen, keys still work (p resumes)" : "resumed");
	return ACT_REDRAW;
}

unsigned act_refresh(struct tui *t, int key)
{
	(void)key;
	sync_refresh_now(&t->sync);
	return ACT_REDRAW;
}

/* ---- a flight recording's time ---- */

unsigned act_time_step(struct tui *t, int key)
{
	long steps = 0, secs = 0;

	if (!t->tl.on) {
		status_set(&t->st, false, "the time keys move through a flight "
			   "recording (ctop -R FILE of ctop -w)");
		return ACT_REDRAW;
	}
	switch (key) {
	case '[': steps = -1; break;
	case ']': steps = 1; break;
	case '{': secs = -60; break;
	case '}': secs = 60; break;
	case '(': secs = -3600; break;
	case ')': secs = 3600; break;
	}
	if (!timeline_step(&t->tl, steps, secs)) {
		status_set(&t->st, false, "the recording %s there",
			   steps < 0 || secs < 0 ? "starts" : "ends");
		return ACT_REDRAW;
	}
	session_instant_moved(t);
	return ACT_REDRAW;
}

unsigned act_time_jump(struct tui *t, int key)
{
	(void)key;
	if (!t->tl.on) {
		status_set(&t->st, false, "jumping in time needs a flight "
			   "recording (ctop -R FILE of ctop -w)");
		return ACT_REDRAW;
	}
	return prompt_open(t, PROMPT_TIME);
}

unsigned act_redraw(struct tui *t, int key)
{
	(void)t;
	(void)key;
	return ACT_REDRAW | ACT_CLEAR;
}

/* ---- P, T, E ---- */

unsigned act_back(struct tui *t, int key)
{
	(void)key;
	t->in.mode = MODE_LIST;
	return ACT_REDRAW;
}

/* ---- the flow list ---- */

unsigned act_sort_step(struct tui *t, int key)
{
	listview_sort_step(&t->lv, &t->m, key == '<' || key == ',' ? -1 : 1);
	return ACT_REDRAW;
}

unsigned act_sort_menu(struct tui *t, int key)
{
	(void)key;
	return sortmenu_open(t);
}

unsigned act_invert(struct tui *t, int key)
{
	(void)key;
	listview_set_sort(&t->lv, &t->m, t->lv.sort_col, !t->lv.sort_rev);
	return ACT_REDRAW;
}

unsigned act_columns(struct tui *t, int key)
{
	(void)key;
	return colmenu_open(t);
}

unsigned act_search(struct tui *t, int key)
{
	(void)key;
	return prompt_open(t, PROMPT_SEARCH);
}

unsigned act_search_next(struct tui *t, int key)
{
	unsigned pct = 0;
	enum search_result r;

	(void)key;
	if (!t->pr.search[0])
		return prompt_open(t, PROMPT_SEARCH);
	search_start(&t->find, &t->lv, t->pr.search, t->lv.sel + 1, false);
	r = search_step(&t->find, &t->lv, &t->cells, &t->m,
			clock_monotonic_ms(), &pct);
	return prompt_search_report(t, r, pct);
}

unsigned act_filter(struct tui *t, int key)
{
	(void)key;
	return prompt_open(t, PROMPT_FILTER);
}

unsigned act_group(struct tui *t, int key)
{
	(void)key;
	listview_cycle_group(&t->lv, &t->m);
	return ACT_REDRAW;
}

unsigned act_enter(struct tui *t, int key)
{
	(void)key;
	listview_enter_group(&t->lv, &t->m);
	return ACT_REDRAW;
}

unsigned act_escape(struct tui *t, int key)
{
	(void)key;
	if (t->del.running)
		delete_cancel(t);
	else
		listview_leave_group(&t->lv, &t->m);
	return ACT_REDRAW;
}

unsigned act_leave(struct tui *t, int key)
{
	(void)key;
	listview_leave_group(&t->lv, &t->m);
	return ACT_REDRAW;
}

unsigned act_tag(struct tui *t, int key)
{
	const struct table_rec *r;
	struct table_flow v;

	(void)key;
	if (t->lv.group != GROUP_NONE) {
		status_set(&t->st, false, "tags apply to flows: Enter opens a "
			   "group");
		return ACT_REDRAW;
	}
	if (!(r = listview_rec(&t->lv, t->lv.sel)))
		return ACT_NONE;
	table_view(t->m.tbl, r, &v);
	listview_tag_toggle(&t->lv, &v.f);
	listview_move(&t->lv, 1);
	return ACT_REDRAW;
}

unsigned act_untag_all(struct tui *t, int key)
{
	(void)key;
	listview_untag_all(&t->lv);
	status_set(&t->st, false, "all tags cleared");
	return ACT_REDRAW;
}

unsigned act_delete(struct tui *t, int key)
{
	(void)key;
	if (t->del.running)
		status_set(&t->st, true, "a delete is under way (Esc stops it)");
	else if (t->cli->readonly)
		status_set(&t->st, true, "read-only session (--readonly): "
			   "deleting is disabled");
	else if (!t->sync.usrc)
		status_set(&t->st, true, "a table read from a file: deletes "
			   "need the live kernel");
	else if (!delete_gather(t))
		status_set(&t->st, true, "nothing to delete");
	else
		return confirm_open(t);
	return ACT_REDRAW;
}

unsigned act_delay_step(struct tui *t, int key)
{
	double d = t->sync.delay;
	size_t i;

	if (key == '+' || key == '=') {
		for (i = 0; i < NSTEPS && steps[i] <= d + 1e-9; i++)
			;
		if (i < NSTEPS)
			d = steps[i];
	} else {
		for (i = NSTEPS; i > 0 && steps[i - 1] >= d - 1e-9; i--)
			;
		if (i > 0)
			d = steps[i - 1];
	}
	sync_set_delay(&t->sync, d);
	status_set(&t->st, false, "refresh every %gs", d);
	return ACT_REDRAW;
}

unsigned act_delay_prompt(struct tui *t, int key)
{
	(void)key;
	return prompt_open(t, PROMPT_DELAY);
}

unsigned act_names(struct tui *t, int key)
{
	(void)key;
	if (cells_toggle_names(&t->cells)) {
		status_set(&t->st, true, "cannot start the name resolver");
		return ACT_REDRAW;
	}
	status_set(&t->st, false, t->cells.names ? "host names on (looked up "
		   "in the background)" : "host names off");
	return ACT_REDRAW;
}

/* ---- the mouse ---- */

unsigned actions_mouse(struct tui *t, int y, int x, int button)
{
	const struct geometry *g = &t->geo;
	size_t row;
	int col;

	if (button == 4 || button == 5) {
		listview_move(&t->lv, button == 4 ? -3 : 3);
		return ACT_REDRAW;
	}
	if (y == g->title_y && t->lv.group == GROUP_NONE) {
		col = geometry_col_at(g, t->lv.cols, x);
		if (col < 0)
			return ACT_NONE;
		listview_set_sort(&t->lv, &t->m, col,
				  col == t->lv.sort_col ? !t->lv.sort_rev : false);
		return ACT_REDRAW;
	}
	if (y < g->list_y || y >= g->list_y + g->list_h)
		return ACT_NONE;
	row = t->lv.top + (size_t)(y - g->list_y);
	if (row >= listview_rows(&t->lv))
		return ACT_NONE;
	listview_select(&t->lv, row);
	if (button == 2)
		listview_enter_group(&t->lv, &t->m);
	return ACT_REDRAW;
}
