/* The one-line prompt on the status line: incremental search, the filter
 * (checked as you type; a parse error shows its column), and the refresh
 * interval. Enter applies, Esc cancels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "tui_int.h"

#define CTRL(c) ((c) & 0x1f)

static const char *label(enum prompt_kind k)
{
	switch (k) {
	case PROMPT_SEARCH:
		return "Search: ";
	case PROMPT_FILTER:
		return "Filter: ";
	default:
		return "Refresh every (seconds): ";
	}
}

/* Compile to validate; the message says where it went wrong. */
static void check_filter(struct tui *t)
{
	struct filter_error fe = { 0 };
	struct filter *f = filter_compile(t->pbuf, &fe);

	if (f) {
		t->perr[0] = '\0';
		filter_free(f);
		return;
	}
	snprintf(t->perr, sizeof(t->perr), "column %d: %s", fe.column, fe.msg);
}

static void search_live(struct tui *t)
{
	t->perr[0] = '\0';
	if (!t->plen) {
		view_search_stop(t);
		view_select(t, t->psaved_sel);
		return;
	}
	view_search(t, t->pbuf, t->psaved_sel, true);
}

void prompt_open(struct tui *t, enum prompt_kind kind)
{
	t->mode = MODE_PROMPT;
	t->pkind = kind;
	t->perr[0] = '\0';
	t->pbuf[0] = '\0';
	if (kind == PROMPT_FILTER)
		snprintf(t->pbuf, sizeof(t->pbuf), "%s",
			 filter_text(tui_filter(t)));
	else if (kind == PROMPT_DELAY)
		snprintf(t->pbuf, sizeof(t->pbuf), "%g", t->delay);
	t->plen = t->pcur = strlen(t->pbuf);
	t->psaved_sel = t->sel;
	t->redraw = true;
}

static void apply_filter(struct tui *t)
{
	struct filter_error fe = { 0 };
	struct filter *f = filter_compile(t->pbuf, &fe);

	if (!f) {
		snprintf(t->perr, sizeof(t->perr), "column %d: %s", fe.column,
			 fe.msg);
		return;		/* stay in the prompt */
	}
	filter_free(t->own_flt);
	t->own_flt = f;
	t->mode = MODE_LIST;
	t->sel = t->top = 0;
	view_invalidate(t);
	if (filter_is_empty(f))
		status_set(t, false, "filter cleared");
	else
		status_set(t, false, "filter: %s", filter_text(f));
}

static void apply_delay(struct tui *t)
{
	char *end;
	double d = strtod(t->pbuf, &end);

	while (*end == ' ' || *end == 's')
		end++;
	if (end == t->pbuf || *end || !(d >= 0.05) || d > 86400) {
		snprintf(t->perr, sizeof(t->perr),
			 "seconds between 0.05 and 86400");
		return;
	}
	t->delay = d;
	t->next_refresh_ms = t->refresh_asked_ms + (uint64_t)(d * 1000);
	t->mode = MODE_LIST;
	status_set(t, false, "refresh every %gs", d);
}

static void enter(struct tui *t)
{
	switch (t->pkind) {
	case PROMPT_SEARCH:
		snprintf(t->search, sizeof(t->search), "%s", t->pbuf);
		t->mode = MODE_LIST;
		/* A search still under way reports on the status line. */
		if (view_search_pending(t))
			status_set(t, false, "searching %s", t->pbuf);
		else if (t->plen && t->perr[0])
			status_set(t, true, "not found: %s", t->pbuf);
		break;
	case PROMPT_FILTER:
		apply_filter(t);
		break;
	case PROMPT_DELAY:
		apply_delay(t);
		break;
	}
}

static void cancel(struct tui *t)
{
	if (t->pkind == PROMPT_SEARCH) {
		view_search_stop(t);
		view_select(t, t->psaved_sel);
	}
	t->mode = MODE_LIST;
}

static void edited(struct tui *t)
{
	if (t->pkind == PROMPT_SEARCH)
		search_live(t);
	else if (t->pkind == PROMPT_FILTER)
		check_filter(t);
	else
		t->perr[0] = '\0';
}

static void insert(struct tui *t, int c)
{
	if (t->plen + 1 >= sizeof(t->pbuf) || c < 32 || c > 126)
		return;
	memmove(t->pbuf + t->pcur + 1, t->pbuf + t->pcur, t->plen - t->pcur + 1);
	t->pbuf[t->pcur++] = (char)c;
	t->plen++;
	edited(t);
}

static void erase_at(struct tui *t, size_t pos)
{
	if (pos >= t->plen)
		return;
	memmove(t->pbuf + pos, t->pbuf + pos + 1, t->plen - pos);
	t->plen--;
	edited(t);
}

void prompt_key(struct tui *t, int key, bool fkey)
{
	t->redraw = true;
	if (fkey) {
		switch (key) {
		case KEY_ENTER:
			enter(t);
			break;
		case KEY_BACKSPACE:
			if (t->pcur)
				erase_at(t, --t->pcur);
			break;
		case KEY_DC:
			erase_at(t, t->pcur);
			break;
		case KEY_LEFT:
			if (t->pcur)
				t->pcur--;
			break;
		case KEY_RIGHT:
			if (t->pcur < t->plen)
				t->pcur++;
			break;
		case KEY_HOME:
			t->pcur = 0;
			break;
		case KEY_END:
			t->pcur = t->plen;
			break;
		case KEY_F(10):
			cancel(t);
			break;
		default:
			break;
		}
		return;
	}
	switch (key) {
	case '\r':
	case '\n':
		enter(t);
		break;
	case 27:
	case CTRL('g'):
		cancel(t);
		break;
	case 127:
	case CTRL('h'):
		if (t->pcur)
			erase_at(t, --t->pcur);
		break;
	case CTRL('a'):
		t->pcur = 0;
		break;
	case CTRL('e'):
		t->pcur = t->plen;
		break;
	case CTRL('u'):
		t->pbuf[0] = '\0';
		t->plen = t->pcur = 0;
		edited(t);
		break;
	default:
		insert(t, key);
		break;
	}
}

void prompt_draw(struct tui *t)
{
	int y = LINES - 2, lw = (int)strlen(label(t->pkind));
	int room = COLS - lw - 1, x, off = 0;
	char err[300];

	screen_fill(y, 0, COLS, A_NORMAL);
	screen_put(y, 0, lw, label(t->pkind), tui_attr(t, ROLE_LABEL), false);
	if (t->perr[0]) {
		/* The error takes the right side; the text keeps at least half. */
		snprintf(err, sizeof(err), "  %s", t->perr);
		int ew = (int)strlen(err);

		if (ew > room / 2)
			ew = room / 2;
		screen_put(y, COLS - ew, ew, err, tui_attr(t, ROLE_ERROR), false);
		room -= ew;
	}
	if ((int)t->pcur >= room)
		off = (int)t->pcur - room + 1;
	screen_put(y, lw, room, t->pbuf + off, A_NORMAL, false);
	x = lw + (int)t->pcur - off;
	/* A visible cursor: reverse video on the cell under it. */
	mvchgat(y, x, 1, A_REVERSE, 0, NULL);
}
