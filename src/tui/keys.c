/* Keys and mouse in the list. Every key here is listed in help.c. */
#include <limits.h>
#include <curses.h>

#include "tui_int.h"

#define CTRL(c) ((c) & 0x1f)

/* Refresh intervals that + and - step through. */
static const double steps[] = {
	0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 300,
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

static void delay_step(struct tui *t, int dir)
{
	size_t i;

	if (dir > 0) {
		for (i = 0; i < NSTEPS && steps[i] <= t->delay + 1e-9; i++)
			;
		if (i < NSTEPS)
			t->delay = steps[i];
	} else {
		for (i = NSTEPS; i > 0 && steps[i - 1] >= t->delay - 1e-9; i--)
			;
		if (i > 0)
			t->delay = steps[i - 1];
	}
	t->next_refresh_ms = t->refresh_asked_ms + (uint64_t)(t->delay * 1000);
	status_set(t, false, "refresh every %gs", t->delay);
}

void tui_refresh_now(struct tui *t)
{
	if (t->cli->replay) {
		status_set(t, false, "a recording is read once");
		return;
	}
	/* Events keep the table; an explicit refresh re-reads all of it. */
	sync_resync(t);
	t->next_refresh_ms = 0;
	t->redraw = true;
}

size_t keys_moved(size_t sel, long delta, size_t n)
{
	long s = (long)sel + delta;

	if (s < 0)
		s = 0;
	if (n && s >= (long)n)
		s = (long)n - 1;
	return (size_t)s;
}

bool keys_nav_delta(int key, long page, long *delta)
{
	switch (key) {
	case KEY_UP:
		*delta = -1;
		return true;
	case KEY_DOWN:
		*delta = 1;
		return true;
	case KEY_PPAGE:
		*delta = -page;
		return true;
	case KEY_NPAGE:
		*delta = page;
		return true;
	case KEY_HOME:
		*delta = LONG_MIN / 2;
		return true;
	case KEY_END:
		*delta = LONG_MAX / 2;
		return true;
	}
	return false;
}

bool keys_open_view(struct tui *t, int key)
{
	switch (key) {
	case 'P':
		views_open(t, MODE_PRESSURE);
		return true;
	case 'T':
		views_open(t, MODE_TIMEOUTS);
		return true;
	case 'E':
		views_open(t, MODE_EXPECT);
		return true;
	}
	return false;
}

static void move_sel(struct tui *t, long delta)
{
	size_t n = view_rows(t);

	if (n)
		view_select(t, keys_moved(t->sel, delta, n));
}

/* Next or previous column of the view as the sort key. */
static void sort_step(struct tui *t, int dir)
{
	size_t i;

	if (t->group != GROUP_NONE || !t->ncols)
		return;
	for (i = 0; i < t->ncols && t->cols[i] != t->sort_col; i++)
		;
	if (i == t->ncols)
		i = 0;
	else
		i = (i + t->ncols + (size_t)dir) % t->ncols;
	view_set_sort(t, t->cols[i], t->sort_rev);
}

static void ask_delete(struct tui *t)
{
	if (t->deleting) {
		status_set(t, true, "a delete is under way (Esc stops it)");
		return;
	}
	if (t->cli->readonly) {
		status_set(t, true, "read-only session (--readonly): "
			   "deleting is disabled");
		return;
	}
	if (!t->usrc) {
		status_set(t, true, "deleting is not available on a recording");
		return;
	}
	if (!delete_gather(t)) {
		status_set(t, true, "nothing to delete");
		return;
	}
	confirm_open(t);
}

static void tag_selected(struct tui *t)
{
	if (t->group != GROUP_NONE) {
		status_set(t, false, "tags apply to flows: Enter opens a group");
		return;
	}
	if (t->sel >= order_count(&t->ord))
		return;
	view_tag_toggle(t, &VREC(t, t->sel)->f);
	move_sel(t, 1);
	t->redraw = true;
}

static void toggle_names(struct tui *t)
{
	t->resolve_on = !t->resolve_on;
	if (t->resolve_on && !t->res)
		t->res = resolve_new(t->wake_wr, 0);
	if (t->resolve_on && !t->res) {
		t->resolve_on = false;
		status_set(t, true, "cannot start the name resolver");
		return;
	}
	status_set(t, false, t->resolve_on ? "host names on (looked up in "
		   "the background)" : "host names off");
	t->redraw = true;
}

static void search_next(struct tui *t)
{
	if (!t->search[0]) {
		prompt_open(t, PROMPT_SEARCH);
		return;
	}
	view_search(t, t->search, t->sel + 1, false);
}

/* Function keys and the keys that have no letter. */
static bool special_key(struct tui *t, int key)
{
	long page = t->list_h > 1 ? t->list_h - 1 : 1, delta;

	if (keys_nav_delta(key, page, &delta)) {
		move_sel(t, delta);
		return true;
	}
	switch (key) {
	case KEY_F(1):
		t->mode = MODE_HELP;
		break;
	case KEY_F(3):
		prompt_open(t, PROMPT_SEARCH);
		break;
	case KEY_F(4):
		prompt_open(t, PROMPT_FILTER);
		break;
	case KEY_F(5):
		view_cycle_group(t);
		break;
	case KEY_F(6):
		sortmenu_open(t);
		break;
	case KEY_F(2):
		colmenu_open(t);
		break;
	case KEY_F(9):
	case KEY_DC:
		ask_delete(t);
		break;
	case KEY_F(10):
		t->quit = true;
		break;
	case KEY_ENTER:
		view_enter_group(t);
		break;
	case KEY_BACKSPACE:
		view_leave_group(t);
		break;
	case KEY_MOUSE:
		keys_mouse(t);
		break;
	case KEY_RESIZE:
		break;
	default:
		return false;
	}
	t->redraw = true;
	return true;
}

void keys_list(struct tui *t, int key, bool fkey)
{
	/* A key while a search is under way: the user moved on. */
	view_search_stop(t);
	if (fkey) {
		special_key(t, key);
		return;
	}
	t->redraw = true;
	switch (key) {
	case 'q':
		t->quit = true;
		break;
	case 'h':
	case '?':
		t->mode = MODE_HELP;
		break;
	case '<':
	case ',':
		sort_step(t, -1);
		break;
	case '>':
	case '.':
		sort_step(t, 1);
		break;
	case 'C':
		colmenu_open(t);
		break;
	case 'I':
		view_set_sort(t, t->sort_col, !t->sort_rev);
		break;
	case '/':
		prompt_open(t, PROMPT_SEARCH);
		break;
	case 'n':
		search_next(t);
		break;
	case '\\':
		prompt_open(t, PROMPT_FILTER);
		break;
	case 'g':
		view_cycle_group(t);
		break;
	case '\r':
	case '\n':
		view_enter_group(t);
		break;
	case 27:
		if (t->deleting)
			delete_cancel(t);
		else
			view_leave_group(t);
		break;
	case 127:
	case CTRL('h'):
		view_leave_group(t);
		break;
	case 'P':
	case 'T':
	case 'E':
		keys_open_view(t, key);
		break;
	case 'd':
	case 'x':
		ask_delete(t);
		break;
	case ' ':
		tag_selected(t);
		break;
	case 'U':
		view_untag_all(t);
		status_set(t, false, "all tags cleared");
		break;
	case 'p':
	case 'Z':
		t->paused = !t->paused;
		if (!t->paused)
			t->next_refresh_ms = 0;
		status_set(t, false, t->paused ? "paused: the list is frozen, "
			   "keys still work (p resumes)" : "resumed");
		break;
	case 'r':
	case CTRL('r'):
		tui_refresh_now(t);
		break;
	case '+':
	case '=':
		delay_step(t, 1);
		break;
	case '-':
		delay_step(t, -1);
		break;
	case 's':
		prompt_open(t, PROMPT_DELAY);
		break;
	case 'l':
		toggle_names(t);
		break;
	case CTRL('l'):
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
}

void keys_mouse(struct tui *t)
{
	MEVENT ev;
	int col, key;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		move_sel(t, -3);
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		move_sel(t, 3);
		return;
	}
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
			   BUTTON1_DOUBLE_CLICKED)))
		return;
	if (ev.y == LINES - 1) {
		key = keybar_key_at(t, ev.x);
		if (key >= 0)
			keys_list(t, key, true);
		return;
	}
	if (ev.y == t->title_y && t->group == GROUP_NONE) {
		col = list_col_at(t, ev.x);
		if (col >= 0)
			view_set_sort(t, col,
				      col == t->sort_col ? !t->sort_rev : false);
		return;
	}
	if (ev.y >= t->list_y && ev.y < t->list_y + t->list_h) {
		size_t row = t->top + (size_t)(ev.y - t->list_y);

		if (row < view_rows(t)) {
			view_select(t, row);
			if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
				view_enter_group(t);
		}
	}
}
