/* Boxes drawn over the list: the delete confirmation, the sort menu and
 * the columns menu.
 * They are modes of the main loop, not loops of their own, so refreshes,
 * resizes and signals go on while they are open. */
#include <stdio.h>
#include <string.h>
#include <curses.h>

#include "../format.h"
#include "tui_int.h"

static void box_at(struct tui *t, int y, int x, int h, int w,
		   const char *title)
{
	int a = tui_attr(t, ROLE_DIALOG);

	for (int r = 0; r < h; r++)
		screen_fill(y + r, x, w, a);
	attrset(a);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	if (title) {
		char buf[64];

		snprintf(buf, sizeof(buf), " %s ", title);
		screen_put(y, x + 2, (int)strlen(buf) < w - 4 ?
			   (int)strlen(buf) : w - 4, buf, a | A_BOLD, false);
	}
}

/* ---- delete confirmation ---- */

void confirm_open(struct tui *t)
{
	t->mode = MODE_CONFIRM;
	t->redraw = true;
}

void confirm_key(struct tui *t, int key, bool fkey)
{
	t->redraw = true;
	if ((!fkey && (key == 'y' || key == 'Y' || key == '\r' ||
		       key == '\n')) || (fkey && key == KEY_ENTER)) {
		t->mode = MODE_LIST;
		delete_run(t);
		return;
	}
	if (fkey && (key == KEY_RESIZE || key == KEY_MOUSE))
		return;
	if (!fkey && (key == 'n' || key == 'N' || key == 27 || key == 'q')) {
		t->mode = MODE_LIST;
		t->nvictims = 0;
		status_set(t, false, "nothing deleted");
	}
}

static void flow_lines(struct tui *t, const struct flow *f, char (*out)[160])
{
	char a[64], b[64], c[64], d[64], ttl[16], flags[80];
	const char *st = flow_state_name(f);

	format_endpoint(a, sizeof(a), f, &f->orig, 0);
	format_endpoint(b, sizeof(b), f, &f->orig, 1);
	format_endpoint(c, sizeof(c), f, &f->reply, 0);
	format_endpoint(d, sizeof(d), f, &f->reply, 1);
	format_duration(ttl, sizeof(ttl), f->timeout);
	format_flags_long(flags, sizeof(flags), f);
	snprintf(out[0], 160, "%s  %s -> %s", flow_proto_name(f->protonum),
		 a, b);
	snprintf(out[1], 160, "reply  %s -> %s", c, d);
	snprintf(out[2], 160, "%s  ttl %s  zone %u  id %u", st ? st : "-",
		 ttl, f->zone, f->id);
	snprintf(out[3], 160, "%s", flags);
	(void)t;
}

void confirm_draw(struct tui *t)
{
	char text[6][160];
	int n = 0, w = COLS - 8 > 76 ? 76 : COLS - 8, h, y, x;
	int a = tui_attr(t, ROLE_DIALOG);

	if (t->nvictims == 1) {
		snprintf(text[n++], 160, "Delete this flow from the kernel?");
		flow_lines(t, &t->victims[0], text + n);
		n += 4;
	} else {
		snprintf(text[n++], 160, "Delete %zu flows from the kernel?",
			 t->nvictims);
		if (t->group != GROUP_NONE && t->sel < t->ngrows) {
			char key[96];

			group_key_format(key, sizeof(key), t->group,
					 &t->grows[t->sel].key);
			snprintf(text[n++], 160, "every flow of group %s %s",
				 group_by_str(t->group), key);
		} else {
			snprintf(text[n++], 160, "the %zu tagged flows",
				 t->nvictims);
		}
	}
	snprintf(text[n++], 160, "y/Enter: delete    n/Esc: keep");
	h = n + 3;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	box_at(t, y, x, h, w, "Delete");
	for (int i = 0; i < n; i++)
		screen_put(y + 1 + i + (i == n - 1), x + 2, w - 4, text[i],
			   a | (i == 0 || i == n - 1 ? A_BOLD : 0), false);
}

/* ---- menus: a list of every column in a box on the left ---- */

static int menu_col(size_t i)
{
	return i < COL_COUNT ? (int)i : VCOL_RATE;
}

#define MENU_ITEMS (COL_COUNT + 1)

/* Up/Down/Home/End move the menu's selection. True when KEY did. */
static bool menu_move(struct tui *t, int key)
{
	switch (key) {
	case KEY_UP:
		if (t->menu_sel)
			t->menu_sel--;
		return true;
	case KEY_DOWN:
		if (t->menu_sel + 1 < MENU_ITEMS)
			t->menu_sel++;
		return true;
	case KEY_HOME:
		t->menu_sel = 0;
		return true;
	case KEY_END:
		t->menu_sel = MENU_ITEMS - 1;
		return true;
	default:
		return false;
	}
}

/* The box, scrolled to keep the selection in view; MARK gives the two
 * characters before a column's title. */
static void menu_draw(struct tui *t, const char *title, int w,
		      const char *(*mark)(const struct tui *t, int col))
{
	int h = LINES - t->list_y - 2, y = t->list_y, x = 0;
	int a = tui_attr(t, ROLE_DIALOG), rows = h - 2, first = 0;

	if (rows < 1)
		return;
	if ((int)t->menu_sel >= rows)
		first = (int)t->menu_sel - rows + 1;
	box_at(t, y, x, h, w, title);
	for (int r = 0; r < rows && first + r < (int)MENU_ITEMS; r++) {
		size_t i = (size_t)(first + r);
		char line[64];

		snprintf(line, sizeof(line), " %s %s", mark(t, menu_col(i)),
			 col_title(menu_col(i)));
		screen_put(y + 1 + r, x + 1, w - 2, line,
			   i == t->menu_sel ? tui_attr(t, ROLE_SELECTED) : a,
			   false);
	}
}

/* ---- sort menu ---- */

void sortmenu_open(struct tui *t)
{
	if (t->group != GROUP_NONE) {
		status_set(t, false, "groups are sorted by flows");
		return;
	}
	t->mode = MODE_SORTMENU;
	t->menu_sel = 0;
	for (size_t i = 0; i < MENU_ITEMS; i++)
		if (menu_col(i) == t->sort_col)
			t->menu_sel = i;
	t->redraw = true;
}

void sortmenu_key(struct tui *t, int key, bool fkey)
{
	t->redraw = true;
	if (fkey) {
		if (menu_move(t, key))
			return;
		if (key == KEY_F(6) || key == KEY_F(10)) {
			t->mode = MODE_LIST;
			return;
		}
		if (key != KEY_ENTER)
			return;
	} else if (key == 27 || key == 'q') {
		t->mode = MODE_LIST;
		return;
	} else if (key == 'I') {
		t->sort_rev = !t->sort_rev;
		return;
	} else if (key != '\r' && key != '\n' && key != ' ') {
		return;
	}
	t->mode = MODE_LIST;
	view_set_sort(t, menu_col(t->menu_sel), t->sort_rev);
}

static const char *sort_mark(const struct tui *t, int col)
{
	if (col != t->sort_col)
		return " ";
	return t->sort_rev ? "-" : "+";
}

void sortmenu_draw(struct tui *t)
{
	menu_draw(t, "Sort by", 20, sort_mark);
}

/* ---- columns menu ---- */

/* Where COL is among the shown columns, or -1. */
static int shown_at(const struct tui *t, int col)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c] == col)
			return (int)c;
	return -1;
}

void colmenu_open(struct tui *t)
{
	if (t->group != GROUP_NONE) {
		status_set(t, false, "group rows have columns of their own");
		return;
	}
	t->mode = MODE_COLMENU;
	t->menu_sel = 0;
	t->redraw = true;
}

/* Show the column (at the end) or hide it; one stays, at least. */
static void col_toggle(struct tui *t, int col)
{
	int at = shown_at(t, col);

	if (at < 0) {
		if (t->ncols < TUI_MAX_COLS)
			t->cols[t->ncols++] = col;
		return;
	}
	if (t->ncols == 1) {
		status_set(t, true, "one column at least");
		return;
	}
	memmove(&t->cols[at], &t->cols[at + 1],
		(t->ncols - (size_t)at - 1) * sizeof(t->cols[0]));
	t->ncols--;
}

void colmenu_key(struct tui *t, int key, bool fkey)
{
	t->redraw = true;
	if (fkey) {
		if (menu_move(t, key))
			return;
		if (key == KEY_F(2) || key == KEY_F(10))
			t->mode = MODE_LIST;
		else if (key == KEY_ENTER)
			col_toggle(t, menu_col(t->menu_sel));
		return;
	}
	if (key == 27 || key == 'q' || key == 'C')
		t->mode = MODE_LIST;
	else if (key == ' ' || key == '\r' || key == '\n')
		col_toggle(t, menu_col(t->menu_sel));
}

static const char *col_mark(const struct tui *t, int col)
{
	return shown_at(t, col) >= 0 ? "[x]" : "[ ]";
}

void colmenu_draw(struct tui *t)
{
	menu_draw(t, "Columns", 22, col_mark);
}
