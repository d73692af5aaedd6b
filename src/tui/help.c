/* The help screen: every binding, by section, in the order of the
 * binding table; then notes on the columns and the re-reads. Any key
 * closes it. */
#include <stdio.h>
#include <string.h>
#include <curses.h>

#include "../layout.h"
#include "bindings.h"
#include "help.h"
#include "keycode.h"
#include "screen.h"
#include "session.h"

#define SECTION_W 13

static const char *const sections[] = {
	"Moving", "Sorting", "Search", "Filter", "Grouping", "Tagging",
	"Deleting", "Views", "Refresh", "Recording", "Display", "Quit",
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

static const char *const notes[] = {
	"",
	"Filters: tcp and dport 443, not src 10.0.0.0/8, state TIME_WAIT,",
	"ttl < 60, unreplied ...  Enter applies, Esc cancels.",
	"Columns: RATE is bytes/s between the last two refreshes; FLAGS:",
	"A assured, U unreplied, N/S/D nat, O offload, X dying, E expected.",
	"TTL reads offload (hw-offload) while a flowtable carries the flow:",
	"its timeout and counters are then the flowtable's, not a countdown.",
	"ICMP rows show type and id in STATE. The table follows conntrack",
	"events; rows on screen are re-read every refresh, the whole table",
	"as the line below says (header: events, overflows, resyncs).",
};
#define NNOTES (sizeof(notes) / sizeof(notes[0]))

/* The I-th binding of section S over every table, or NULL. */
static const struct binding *nth_of(const char *s, size_t i)
{
	for (int bt = 0; bt < BT_COUNT; bt++) {
		size_t n;
		const struct binding *b = bindings_table(bt, &n);

		for (size_t j = 0; j < n; j++)
			if (!strcmp(b[j].section, s) && !i--)
				return &b[j];
	}
	return NULL;
}

bool help_line(size_t i, char *buf, size_t len)
{
	for (size_t s = 0; s < NSECTIONS; s++) {
		const struct binding *b;
		char keys[96];

		for (size_t k = 0; (b = nth_of(sections[s], k)); k++) {
			if (i--)
				continue;
			binding_keys_text(b, keys, sizeof(keys));
			snprintf(buf, len, "%-*s %s  %s", SECTION_W,
				 k ? "" : sections[s], keys, b->help);
			return true;
		}
	}
	return false;
}

/* How often the whole table is re-read, as it stands now. */
static void resync_line(const struct tui *t, char *buf, size_t len)
{
	const struct sync *s = &t->sync;
	double every = (double)sync_resync_ms(s) / 1000;

	if (t->cli->replay)
		snprintf(buf, len, "A table from a file: r reads a file again, "
			 "a pipe is read once.");
	else if (s->polling)
		snprintf(buf, len, "Whole table re-read every refresh (%s).",
			 s->poll_why);
	else if (s->volatile_why)
		snprintf(buf, len, "Whole table re-read every %.1f s (%s).",
			 (double)sync_volatile_ms(s) / 1000, s->volatile_why);
	else if (t->cli->resync <= 0)
		snprintf(buf, len, "Whole table re-read only after lost events, "
			 "a count drift, or to find silent ends.");
	else
		snprintf(buf, len, "Whole table re-read every %.0f s (--resync).",
			 every);
}

/* The help as screen lines at WIDTH cells: every line broken between
 * words, a binding's text continued under its own start (or under the
 * keys when that leaves too little room). */
#define HELP_LINES 160
#define HELP_LINE_LEN 336

struct help_text {
	size_t n;
	char line[HELP_LINES][HELP_LINE_LEN];
};

/* TEXT wrapped into h: the first line after PREFIX, the next ones
 * after INDENT blanks. */
static void wrap_into(struct help_text *h, int width, const char *prefix,
		      int indent, const char *text)
{
	const char *marker = layout_marker(screen_utf8());
	int pw = layout_cells(prefix);
	size_t pos = 0;
	char word[200];

	do {
		bool first = !pos;

		if (h->n >= HELP_LINES)
			return;
		layout_line(word, sizeof(word), text, &pos,
			    width - (first ? pw : indent), LAYOUT_NAME, marker);
		snprintf(h->line[h->n++], HELP_LINE_LEN, "%*s%s",
			 first ? 0 : indent, first ? prefix : "", word);
	} while (text[pos]);
}

static void help_build(const struct tui *t, int width, struct help_text *h)
{
	char prefix[128], keys[96], buf[200];

	h->n = 0;
	for (size_t s = 0; s < NSECTIONS; s++) {
		const struct binding *b;

		for (size_t k = 0; (b = nth_of(sections[s], k)); k++) {
			int pw;

			binding_keys_text(b, keys, sizeof(keys));
			pw = snprintf(prefix, sizeof(prefix), "%-*s %s  ",
				      SECTION_W, k ? "" : sections[s], keys);
			wrap_into(h, width, prefix,
				  width - pw >= 24 ? pw : SECTION_W + 3,
				  b->help);
		}
	}
	for (size_t i = 0; i < NNOTES; i++)
		wrap_into(h, width, "", 0, notes[i]);
	resync_line(t, buf, sizeof(buf));
	wrap_into(h, width, "", 0, buf);
}

/* Rows for the help's lines: under the title and the read-only line,
 * above the bottom bar. */
static int help_rows(const struct geometry *g)
{
	return g->lines - 4 > 1 ? g->lines - 4 : 1;
}

static int help_width(const struct geometry *g)
{
	return g->cols - 4;
}

/* The first line shown, so that the last page is full. */
static size_t help_first(size_t top, size_t n, int rows)
{
	size_t last = n > (size_t)rows ? n - (size_t)rows : 0;

	return top < last ? top : last;
}

unsigned help_key(struct tui *t, int key)
{
	/* About 50 KB: not on the stack. */
	static struct help_text h;
	int rows = help_rows(&t->geo);
	size_t top = t->in.help_top;

	help_build(t, help_width(&t->geo), &h);
	top = help_first(top, h.n, rows);
	switch (key) {
	case K_FN(KEY_MOUSE):
		return ACT_NONE;
	case K_FN(KEY_DOWN):
	case 'j':
		top++;
		break;
	case K_FN(KEY_UP):
	case 'k':
		top = top ? top - 1 : 0;
		break;
	case K_FN(KEY_NPAGE):
	case ' ':
		top += (size_t)rows;
		break;
	case K_FN(KEY_PPAGE):
		top = top > (size_t)rows ? top - (size_t)rows : 0;
		break;
	case K_FN(KEY_HOME):
		top = 0;
		break;
	case K_FN(KEY_END):
		top = h.n;
		break;
	default:
		/* Any other key closes the help. */
		t->in.mode = t->in.help_back;
		t->in.help_back = MODE_LIST;
		t->in.help_top = 0;
		return ACT_REDRAW;
	}
	t->in.help_top = help_first(top, h.n, rows);
	return ACT_REDRAW;
}

void help_draw(const struct tui *t)
{
	const struct geometry *g = &t->geo;
	const char *ro = t->cli->readonly ?
		"This session is read-only (--readonly): the delete keys are "
		"disabled." :
		"Deleting asks first: y or Enter deletes, n or Esc keeps.";
	static struct help_text h;
	int rows = help_rows(g), w = help_width(g);
	size_t top;
	char bar[128], fit[128];

	help_build(t, w, &h);
	top = help_first(t->in.help_top, h.n, rows);
	screen_put(1, 2, w, h.n > (size_t)rows ?
		   "ctop: the conntrack table, live.  Space/PgDn: more, any "
		   "other key closes." :
		   "ctop: the conntrack table, live.  Any key closes this help.",
		   screen_attr(ROLE_LABEL), false);
	/* Right under the title, so a short terminal still shows it. */
	screen_put(2, 2, w, ro,
		   screen_attr(t->cli->readonly ? ROLE_ERROR : ROLE_INFO), false);
	for (int r = 0; r < rows && top + (size_t)r < h.n; r++)
		screen_put(3 + r, 2, w, h.line[top + (size_t)r], A_NORMAL,
			   false);
	if (h.n > (size_t)rows)
		snprintf(bar, sizeof(bar), "Space/PgDn/Down: more  PgUp/Up: "
			 "back  other keys return  lines %zu-%zu of %zu",
			 top + 1, top + (size_t)rows < h.n ?
			 top + (size_t)rows : h.n, h.n);
	else
		snprintf(bar, sizeof(bar), "Press any key to return");
	layout_items(fit, sizeof(fit), bar, g->cols - 1);
	screen_fill(g->lines - 1, 0, g->cols, screen_attr(ROLE_KEYLABEL));
	screen_put(g->lines - 1, 1, g->cols - 1, fit,
		   screen_attr(ROLE_KEYLABEL), false);
}
