/* The bottom two lines: the status line (messages, or a reminder of the
 * letter keys) and the function-key bar, htop style, clickable. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "../layout.h"
#include "tui_int.h"

#define STATUS_MS 6000

static const struct {
	const char *fkey, *label;
	int key;
	bool deletes;
} keys[] = {
	{ "F1", "Help", KEY_F(1), false },
	{ "F2", "Cols", KEY_F(2), false },
	{ "F3", "Search", KEY_F(3), false },
	{ "F4", "Filter", KEY_F(4), false },
	{ "F5", "Group", KEY_F(5), false },
	{ "F6", "Sort", KEY_F(6), false },
	{ "F9", "Delete", KEY_F(9), true },
	{ "F10", "Quit", KEY_F(10), false },
};

void keybar_draw(struct tui *t)
{
	int y = LINES - 1, x = 0;

	t->nkb = 0;
	screen_fill(y, 0, COLS, tui_attr(t, ROLE_KEYLABEL));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int kw = (int)strlen(keys[i].fkey), lw = 7;

		if (keys[i].deletes && (t->cli->readonly || !t->usrc))
			continue;
		if (x + kw + lw > COLS)
			break;
		screen_put(y, x, kw, keys[i].fkey, tui_attr(t, ROLE_KEY), false);
		screen_put(y, x + kw, lw, keys[i].label,
			   tui_attr(t, ROLE_KEYLABEL), false);
		t->kb[t->nkb].x0 = x;
		t->kb[t->nkb].x1 = x + kw + lw - 1;
		t->kb[t->nkb].key = keys[i].key;
		t->nkb++;
		x += kw + lw;
	}
}

int keybar_key_at(const struct tui *t, int x)
{
	for (int i = 0; i < t->nkb; i++)
		if (x >= t->kb[i].x0 && x <= t->kb[i].x1)
			return t->kb[i].key;
	return -1;
}

void status_set(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof(t->status), fmt, ap);
	va_end(ap);
	t->status_err = error;
	t->status_until = tui_now_ms() + STATUS_MS;
	t->redraw = true;
}

void status_draw(struct tui *t)
{
	int y = LINES - 2;
	const char *hint;
	char fit[512];

	if (t->status[0]) {
		/* A message too long for the line says so at its end. */
		layout_shorten(fit, sizeof(fit), t->status, COLS, LAYOUT_NAME,
			       layout_marker(MB_CUR_MAX > 1));
		screen_put(y, 0, COLS, fit,
			   tui_attr(t, t->status_err ? ROLE_ERROR : ROLE_INFO),
			   false);
		return;
	}
	if (t->mode == MODE_COLMENU)
		hint = "Up/Down: move  Space or Enter: show/hide the column"
		       "  Esc or q: close";
	else if (t->mode == MODE_SORTMENU)
		hint = "Up/Down: move  Enter: sort by it  I: invert"
		       "  Esc or q: close";
	else if (t->group != GROUP_NONE)
		hint = t->cli->readonly ?
		       "Enter: open group  g: next grouping  /: search  h: help" :
		       "Enter: open group  g: next grouping  d: delete group"
		       "  /: search  h: help";
	else if (t->drill)
		hint = t->cli->readonly ?
		       "Esc: back to groups  /: search  \\: filter  h: help" :
		       "Esc: back to groups  Space: tag  d: delete"
		       "  /: search  \\: filter  h: help";
	else
		hint = t->cli->readonly ?
		       "/: search  \\: filter  g: group  </>: sort  p: pause"
		       "  l: names  h: help  (read-only)" :
		       "Space: tag  d: delete  /: search  \\: filter  g: group"
		       "  </>: sort  p: pause  l: names  h: help";
	/* Whole hints only: "l: n" would be no hint at all. */
	layout_items(fit, sizeof(fit), hint, COLS);
	screen_put(y, 0, COLS, fit, A_NORMAL, false);
}
