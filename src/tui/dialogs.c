/* Boxes drawn over the list: the delete confirmation, the sort menu and
 * the columns menu.
 * They are modes of the main loop, not loops of their own, so refreshes,
 * resizes and signals go on while they are open. */
#include <stdio.h>
#include <string.h>
#include <curses.h>

#include "../format.h"
#include "../layout.h"
#include "dialogs.h"
#include "keycode.h"
#include "screen.h"
#include "session.h"

static void box_at(int y, int x, int h, int w, const char *title)
{
	int a = screen_attr(ROLE_DIALOG);

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

unsigned confirm_open(struct tui *t)
{
	t->in.mode = MODE_CONFIRM;
	return ACT_REDRAW;
}

unsigned confirm_key(struct tui *t, int key)
{
	switch (key) {
	case 'y':
	case 'Y':
	case '\r':
	case '\n':
	case K_FN(KEY_ENTER):
		t->in.mode = MODE_LIST;
		delete_run(t);
		break;
	case 'n':
	case 'N':
	case K_ESC:
	case 'q':
		t->in.mode = MODE_LIST;
		delete_drop(&t->del);
		status_set(&t->st, false, "nothing deleted");
		break;
	default:
		return ACT_NONE;
	}
	return ACT_REDRAW;
}

/* ICMP has no ports: its type, code and id say which flow it is, as
 * conntrack -L prints them. */
static void icmp_words(char *buf, size_t len, const struct flow *f,
		       const struct flow_tuple *t)
{
	buf[0] = 0;
	if (flow_is_icmp(f->protonum))
		snprintf(buf, len, "  type %u code %u id %u", t->icmp_type,
			 t->icmp_code, t->sport);
}

static void flow_lines(const struct flow *f, char (*out)[160])
{
	/* [IPv6]:port is 47 characters, the ICMP words 28: every line fits
	 * in 160. */
	char a[48], b[48], c[48], d[48], ttl[16], flags[80], zone[16];
	char io[32], ir[32];
	const char *st = flow_state_name(f);

	format_endpoint(a, sizeof(a), f, &f->orig, 0);
	format_endpoint(b, sizeof(b), f, &f->orig, 1);
	format_endpoint(c, sizeof(c), f, &f->reply, 0);
	format_endpoint(d, sizeof(d), f, &f->reply, 1);
	format_duration(ttl, sizeof(ttl), f->timeout);
	format_flags_long(flags, sizeof(flags), f);
	icmp_words(io, sizeof(io), f, &f->orig);
	icmp_words(ir, sizeof(ir), f, &f->reply);
	snprintf(out[0], 160, "%s  %s -> %s%s", flow_proto_name(f->protonum),
		 a, b, io);
	snprintf(out[1], 160, "reply  %s -> %s%s", c, d, ir);
	format_zone(zone, sizeof(zone), f->orig.zone, f->reply.zone);
	snprintf(out[2], 160, "%s  ttl %s  zone %s  id %u", st ? st : "-",
		 ttl, zone, f->id);
	snprintf(out[3], 160, "%s", flags);
}

/* The dialog's lines, broken between words into W cells (the next
 * lines of one indented by two): a tuple is read whole, never cut. */
#define CONFIRM_LINES 16

struct dialog_text {
	int n;
	char line[CONFIRM_LINES][168];
	bool bold[CONFIRM_LINES];
};

static void dialog_add(struct dialog_text *d, const char *text, int w,
		       bool bold)
{
	const char *marker = layout_marker(screen_utf8());
	size_t pos = 0;

	do {
		bool first = !pos;
		char word[160];

		if (d->n >= CONFIRM_LINES)
			return;
		layout_line(word, sizeof(word), text, &pos, w - (first ? 0 : 2),
			    LAYOUT_ADDR_PORT, marker);
		snprintf(d->line[d->n], sizeof(d->line[0]), "%s%s",
			 first ? "" : "  ", word);
		d->bold[d->n++] = bold;
	} while (text[pos]);
}

void confirm_draw(const struct tui *t)
{
	const struct geometry *g = &t->geo;
	const struct listview *lv = &t->lv;
	struct dialog_text d = { 0 };
	char text[6][160];
	int n = 0, longest = 0, w, h, y, x;
	int a = screen_attr(ROLE_DIALOG);

	if (t->del.nvictims == 1) {
		snprintf(text[n++], 160, "Delete this flow from the kernel?");
		flow_lines(&t->del.victims[0], text + n);
		n += 4;
	} else {
		snprintf(text[n++], 160, "Delete %zu flows from the kernel?",
			 t->del.nvictims);
		if (lv->group != GROUP_NONE && lv->sel < lv->ngrows) {
			char key[96];

			group_key_format(key, sizeof(key), lv->group,
					 &lv->grows[lv->sel].key);
			snprintf(text[n++], 160, "every flow of group %s %s",
				 group_by_str(lv->group), key);
		} else {
			snprintf(text[n++], 160, "the %zu tagged flows",
				 t->del.nvictims);
		}
	}
	snprintf(text[n++], 160, "y/Enter: delete    n/Esc: keep");
	/* As wide as the longest line, within the screen; lines still too
	 * long wrap. */
	for (int i = 0; i < n; i++)
		if (layout_cells(text[i]) > longest)
			longest = layout_cells(text[i]);
	w = g->cols - 8 > 76 ? 76 : g->cols - 8;
	if (longest + 4 > w)
		w = longest + 4 < g->cols - 2 ? longest + 4 : g->cols - 2;
	for (int i = 0; i < n; i++) {
		/* A blank line before the keys. */
		if (i == n - 1)
			dialog_add(&d, "", w - 4, false);
		dialog_add(&d, text[i], w - 4, i == 0 || i == n - 1);
	}
	h = d.n + 2;
	y = (g->lines - h) / 2;
	x = (g->cols - w) / 2;
	box_at(y, x, h, w, "Delete");
	for (int i = 0; i < d.n; i++)
		screen_put(y + 1 + i, x + 2, w - 4, d.line[i],
			   a | (d.bold[i] ? A_BOLD : 0), false);
}

/* ---- menus: a list of every column in a box on the left ---- */

static int menu_col(size_t i)
{
	return (int)i;
}

#define MENU_ITEMS COL_COUNT

/* Up/Down/Home/End move the menu's selection. True when KEY did. */
static bool menu_move(struct input *in, int key)
{
	switch (key) {
	case K_FN(KEY_UP):
		if (in->menu_sel)
			in->menu_sel--;
		return true;
	case K_FN(KEY_DOWN):
		if (in->menu_sel + 1 < MENU_ITEMS)
			in->menu_sel++;
		return true;
	case K_FN(KEY_HOME):
		in->menu_sel = 0;
		return true;
	case K_FN(KEY_END):
		in->menu_sel = MENU_ITEMS - 1;
		return true;
	default:
		return false;
	}
}

/* The box, scrolled to keep the selection in view; MARK gives the two
 * characters before a column's title. */
static void menu_draw(const struct tui *t, const char *title, int w,
		      const char *(*mark)(const struct tui *t, int col))
{
	int h = t->geo.lines - t->geo.list_y - 2, y = t->geo.list_y, x = 0;
	int a = screen_attr(ROLE_DIALOG), rows = h - 2, first = 0;
	size_t sel = t->in.menu_sel;

	if (rows < 1)
		return;
	if ((int)sel >= rows)
		first = (int)sel - rows + 1;
	box_at(y, x, h, w, title);
	for (int r = 0; r < rows && first + r < (int)MENU_ITEMS; r++) {
		size_t i = (size_t)(first + r);
		char line[64];

		snprintf(line, sizeof(line), " %s %s", mark(t, menu_col(i)),
			 col_title(menu_col(i)));
		screen_put(y + 1 + r, x + 1, w - 2, line,
			   i == sel ? screen_attr(ROLE_SELECTED) : a, false);
	}
}

/* ---- sort menu ---- */

unsigned sortmenu_open(struct tui *t)
{
	if (t->lv.group != GROUP_NONE) {
		status_set(&t->st, false, "groups are sorted by flows");
		return ACT_REDRAW;
	}
	t->in.mode = MODE_SORTMENU;
	t->in.menu_sel = 0;
	for (size_t i = 0; i < MENU_ITEMS; i++)
		if (menu_col(i) == t->lv.sort_col)
			t->in.menu_sel = i;
	return ACT_REDRAW;
}

unsigned sortmenu_key(struct tui *t, int key)
{
	if (menu_move(&t->in, key))
		return ACT_REDRAW;
	switch (key) {
	case K_FN(KEY_F(6)):
	case K_FN(KEY_F(10)):
	case K_ESC:
	case 'q':
		t->in.mode = MODE_LIST;
		return ACT_REDRAW;
	case 'I':
		t->lv.sort_rev = !t->lv.sort_rev;
		return ACT_REDRAW;
	case K_FN(KEY_ENTER):
	case '\r':
	case '\n':
	case ' ':
		t->in.mode = MODE_LIST;
		listview_set_sort(&t->lv, &t->m, menu_col(t->in.menu_sel),
				  t->lv.sort_rev);
		return ACT_REDRAW;
	}
	return ACT_NONE;
}

static const char *sort_mark(const struct tui *t, int col)
{
	if (col != t->lv.sort_col)
		return " ";
	return t->lv.sort_rev ? "-" : "+";
}

void sortmenu_draw(const struct tui *t)
{
	menu_draw(t, "Sort by", 20, sort_mark);
}

/* ---- columns menu ---- */

unsigned colmenu_open(struct tui *t)
{
	if (t->lv.group != GROUP_NONE) {
		status_set(&t->st, false, "group rows have columns of their own");
		return ACT_REDRAW;
	}
	t->in.mode = MODE_COLMENU;
	t->in.menu_sel = 0;
	return ACT_REDRAW;
}

/* Show the column (at the end) or hide it; one stays, at least. */
static void col_toggle(struct tui *t, int col)
{
	if (listview_toggle_column(&t->lv, col))
		status_set(&t->st, true, "one column at least");
}

unsigned colmenu_key(struct tui *t, int key)
{
	if (menu_move(&t->in, key))
		return ACT_REDRAW;
	switch (key) {
	case K_FN(KEY_F(2)):
	case K_FN(KEY_F(10)):
	case K_ESC:
	case 'q':
	case 'C':
		t->in.mode = MODE_LIST;
		return ACT_REDRAW;
	case K_FN(KEY_ENTER):
	case ' ':
	case '\r':
	case '\n':
		col_toggle(t, menu_col(t->in.menu_sel));
		return ACT_REDRAW;
	}
	return ACT_NONE;
}

static const char *col_mark(const struct tui *t, int col)
{
	return listview_column_at(&t->lv, col) >= 0 ? "[x]" : "[ ]";
}

void colmenu_draw(const struct tui *t)
{
	menu_draw(t, "Columns", 22, col_mark);
}
