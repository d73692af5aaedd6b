/* The one-line prompt on the status line: incremental search, the filter
 * (checked as you type; a parse error shows its column), and the refresh
 * interval. Enter applies, Esc cancels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "../clock.h"
#include "../layout.h"
#include "../timeparse.h"
#include "keycode.h"
#include "screen.h"
#include "session.h"

const char *prompt_label(enum prompt_kind k)
{
	switch (k) {
	case PROMPT_SEARCH:
		return "Search: ";
	case PROMPT_FILTER:
		return "Filter: ";
	case PROMPT_TIME:
		return "Jump to (03:12, -1h, 2026-12-01T03:12, @SECONDS): ";
	default:
		return "Refresh every (seconds): ";
	}
}

/* The label without its examples, for a narrow line. */
static const char *prompt_label_brief(enum prompt_kind k)
{
	return k == PROMPT_TIME ? "Jump to: " : prompt_label(k);
}

/* Compile to validate; the message says where it went wrong. */
static void check_filter(struct prompt *p)
{
	struct filter_error fe = { 0 };
	struct filter *f = filter_compile(p->buf, &fe);

	if (f) {
		p->err[0] = '\0';
		filter_free(f);
		return;
	}
	snprintf(p->err, sizeof(p->err), "column %d: %s", fe.column, fe.msg);
}

static void search_live(struct tui *t)
{
	struct prompt *p = &t->pr;
	unsigned pct = 0;

	p->err[0] = '\0';
	if (!p->len) {
		search_stop(&t->find);
		listview_select(&t->lv, p->saved_sel);
		return;
	}
	search_start(&t->find, &t->lv, p->buf, p->saved_sel, true);
	prompt_search_report(t, search_step(&t->find, &t->lv, &t->cells, &t->m,
					    clock_monotonic_ms(), &pct), pct);
}

unsigned prompt_search_report(struct tui *t, enum search_result r,
			      unsigned pct)
{
	bool on_prompt = t->find.live && t->in.mode == MODE_PROMPT;

	switch (r) {
	case SEARCH_IDLE:
		return ACT_NONE;
	case SEARCH_RUNNING:
		if (on_prompt)
			snprintf(t->pr.err, sizeof(t->pr.err), "searching %u%%",
				 pct);
		else
			status_set(&t->st, false, "searching %u%%", pct);
		break;
	case SEARCH_FOUND:
		if (on_prompt)
			t->pr.err[0] = '\0';
		else
			status_clear(&t->st);	/* the "searching" note */
		break;
	case SEARCH_NOT_FOUND:
		if (on_prompt)
			snprintf(t->pr.err, sizeof(t->pr.err), "not found");
		else
			status_set(&t->st, true, "not found: %s",
				   t->find.needle);
		break;
	}
	return ACT_REDRAW;
}

unsigned prompt_open(struct tui *t, enum prompt_kind kind)
{
	struct prompt *p = &t->pr;

	t->in.mode = MODE_PROMPT;
	p->kind = kind;
	p->err[0] = '\0';
	p->buf[0] = '\0';
	if (kind == PROMPT_FILTER)
		snprintf(p->buf, sizeof(p->buf), "%s",
			 filter_text(listview_filter(&t->lv)));
	else if (kind == PROMPT_DELAY)
		snprintf(p->buf, sizeof(p->buf), "%g", t->sync.delay);
	p->len = p->cur = strlen(p->buf);
	p->saved_sel = t->lv.sel;
	return ACT_REDRAW;
}

static void apply_filter(struct tui *t)
{
	struct filter_error fe = { 0 };
	struct filter *f = filter_compile(t->pr.buf, &fe);

	if (!f) {
		snprintf(t->pr.err, sizeof(t->pr.err), "column %d: %s",
			 fe.column, fe.msg);
		return;		/* stay in the prompt */
	}
	listview_set_filter(&t->lv, &t->m, f);
	t->in.mode = MODE_LIST;
	if (filter_is_empty(f))
		status_set(&t->st, false, "filter cleared");
	else
		status_set(&t->st, false, "filter: %s", filter_text(f));
}

static void apply_delay(struct tui *t)
{
	char *end;
	double d = strtod(t->pr.buf, &end);

	while (*end == ' ' || *end == 's')
		end++;
	if (end == t->pr.buf || *end || !(d >= 0.05) || d > 86400) {
		snprintf(t->pr.err, sizeof(t->pr.err),
			 "seconds between 0.05 and 86400");
		return;
	}
	sync_set_delay(&t->sync, d);
	t->in.mode = MODE_LIST;
	status_set(&t->st, false, "refresh every %gs", d);
}

static void apply_time(struct tui *t)
{
	uint64_t at;

	if (timeparse(t->pr.buf, fr_file_last_ns(&t->tl.f), &at, t->pr.err,
		      sizeof(t->pr.err)))
		return;		/* stay in the prompt */
	timeline_jump(&t->tl, at);
	t->in.mode = MODE_LIST;
	session_instant_moved(t);
}

static void enter(struct tui *t)
{
	struct prompt *p = &t->pr;

	switch (p->kind) {
	case PROMPT_SEARCH:
		snprintf(p->search, sizeof(p->search), "%s", p->buf);
		t->in.mode = MODE_LIST;
		/* A search still under way reports on the status line. */
		if (search_pending(&t->find))
			status_set(&t->st, false, "searching %s", p->buf);
		else if (p->len && p->err[0])
			status_set(&t->st, true, "not found: %s", p->buf);
		break;
	case PROMPT_FILTER:
		apply_filter(t);
		break;
	case PROMPT_DELAY:
		apply_delay(t);
		break;
	case PROMPT_TIME:
		apply_time(t);
		break;
	}
}

static void cancel(struct tui *t)
{
	if (t->pr.kind == PROMPT_SEARCH) {
		search_stop(&t->find);
		listview_select(&t->lv, t->pr.saved_sel);
	}
	t->in.mode = MODE_LIST;
}

static void edited(struct tui *t)
{
	if (t->pr.kind == PROMPT_SEARCH)
		search_live(t);
	else if (t->pr.kind == PROMPT_FILTER)
		check_filter(&t->pr);
	else
		t->pr.err[0] = '\0';
}

static void insert(struct tui *t, int c)
{
	struct prompt *p = &t->pr;

	if (p->len + 1 >= sizeof(p->buf) || c < 32 || c > 126)
		return;
	memmove(p->buf + p->cur + 1, p->buf + p->cur, p->len - p->cur + 1);
	p->buf[p->cur++] = (char)c;
	p->len++;
	edited(t);
}

static void erase_at(struct tui *t, size_t pos)
{
	struct prompt *p = &t->pr;

	if (pos >= p->len)
		return;
	memmove(p->buf + pos, p->buf + pos + 1, p->len - pos);
	p->len--;
	edited(t);
}

/* Keys that move the cursor or erase; false for others. */
static bool edit_key(struct tui *t, int key)
{
	struct prompt *p = &t->pr;

	switch (key) {
	case K_FN(KEY_BACKSPACE):
	case 127:
	case CTRL('h'):
		if (p->cur)
			erase_at(t, --p->cur);
		return true;
	case K_FN(KEY_DC):
		erase_at(t, p->cur);
		return true;
	case K_FN(KEY_LEFT):
		if (p->cur)
			p->cur--;
		return true;
	case K_FN(KEY_RIGHT):
		if (p->cur < p->len)
			p->cur++;
		return true;
	case K_FN(KEY_HOME):
	case CTRL('a'):
		p->cur = 0;
		return true;
	case K_FN(KEY_END):
	case CTRL('e'):
		p->cur = p->len;
		return true;
	case CTRL('u'):
		p->buf[0] = '\0';
		p->len = p->cur = 0;
		edited(t);
		return true;
	}
	return false;
}

unsigned prompt_key(struct tui *t, int key)
{
	if (edit_key(t, key))
		return ACT_REDRAW;
	switch (key) {
	case K_FN(KEY_ENTER):
	case '\r':
	case '\n':
		enter(t);
		break;
	case K_FN(KEY_F(10)):
	case 27:
	case CTRL('g'):
		cancel(t);
		break;
	default:
		if (!K_IS_FN(key))
			insert(t, key);
		break;
	}
	return ACT_REDRAW;
}

void prompt_draw(const struct tui *t)
{
	const struct prompt *p = &t->pr;
	const char *label = prompt_label(p->kind);
	int cols = t->geo.cols, ew = p->err[0] ? layout_cells(p->err) + 2 : 0;
	int y = t->geo.lines - 2, lw, room, x, off = 0;
	char err[300];

	/* The label's examples give way to an error that needs the room. */
	if (ew && (int)strlen(label) + ew + 16 > cols)
		label = prompt_label_brief(p->kind);
	lw = (int)strlen(label);
	room = cols - lw - 1;
	screen_fill(y, 0, cols, A_NORMAL);
	screen_put(y, 0, lw, label, screen_attr(ROLE_LABEL), false);
	if (p->err[0]) {
		/* The error takes the right side; the text keeps at least half. */
		snprintf(err, sizeof(err), "  %s", p->err);
		if (ew > room / 2)
			ew = room / 2;
		screen_put_words(y, cols - ew, ew, err, screen_attr(ROLE_ERROR));
		room -= ew;
	}
	if ((int)p->cur >= room)
		off = (int)p->cur - room + 1;
	screen_put(y, lw, room, p->buf + off, A_NORMAL, false);
	/* Scrolled: the text's start is off the screen, and says so. */
	if (off > 0)
		screen_put(y, lw, 1, layout_marker(screen_utf8()), A_NORMAL,
			   false);
	x = lw + (int)p->cur - off;
	/* A visible cursor: reverse video on the cell under it. */
	mvchgat(y, x, 1, A_REVERSE, 0, NULL);
}
