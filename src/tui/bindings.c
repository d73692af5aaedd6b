/* The binding table (bindings.h). Adding a key is one entry here, and
 * the help screen, the key bar, the hints and the man page check follow.
 * The order of the entries is the order of the help and the hints. */
#include <stdio.h>
#include <string.h>
#include <curses.h>

#include "actions.h"
#include "bindings.h"

/* Keys that ask for a move, wherever there are rows. */
#define MOVE_KEYS { K_FN(KEY_UP), K_FN(KEY_DOWN), K_FN(KEY_PPAGE), \
		    K_FN(KEY_NPAGE), K_FN(KEY_HOME), K_FN(KEY_END), 'j', 'k' }

static const struct binding list_bindings[] = {
	{ { '<', '>', ',', '.' }, act_sort_step, "Sorting",
	  "previous/next column as the sort key", NULL, "sort", ON_FLOWS,
	  false, true },
	{ { K_FN(KEY_F(6)) }, act_sort_menu, "Sorting", "the sort menu",
	  "Sort", NULL, 0, false, false },
	{ { 'I' }, act_invert, "Sorting",
	  "invert the order (or click a column title, twice to invert)",
	  NULL, NULL, 0, false, false },
	{ { '/', K_FN(KEY_F(3)) }, act_search, "Search",
	  "search the rows' text as you type", "Search", "search", ON_ROWS,
	  false, false },
	{ { 'n' }, act_search_next, "Search", "the next match", NULL, NULL,
	  0, false, false },
	{ { '\\', K_FN(KEY_F(4)) }, act_filter, "Filter",
	  "filter expression (as on the command line; empty: none)",
	  "Filter", "filter", ON_FLOWS | ON_DRILL, false, false },
	{ { K_ESC }, act_escape, "Grouping",
	  "back from a group's flows; stops a delete under way", NULL,
	  "back to groups", ON_DRILL, false, false },
	{ { '\r', '\n', K_FN(KEY_ENTER) }, act_enter, "Grouping",
	  "open the selected group's flows", NULL, "open group", ON_GROUPS,
	  false, false },
	{ { 'g', K_FN(KEY_F(5)) }, act_group, "Grouping",
	  "next grouping: none, src, dst, dport, proto, state", "Group",
	  "group", ON_ROWS, false, false },
	{ { 127, CTRL('h'), K_FN(KEY_BACKSPACE) }, act_leave, "Grouping",
	  "back from a group's flows", NULL, NULL, 0, false, false },
	{ { ' ' }, act_tag, "Tagging", "tag/untag the flow and move down",
	  NULL, "tag", ON_FLOWS | ON_DRILL, false, false },
	{ { 'U' }, act_untag_all, "Tagging", "untag all", NULL, NULL, 0,
	  false, false },
	{ { 'd', 'x', K_FN(KEY_DC), K_FN(KEY_F(9)) }, act_delete, "Deleting",
	  "delete the tagged, the group's or the selected flows (asks)",
	  "Delete", "delete", ON_ROWS, true, false },
	{ { '+', '=', '-' }, act_delay_step, "Refresh",
	  "refresh faster/slower", NULL, NULL, 0, false, false },
	{ { 's' }, act_delay_prompt, "Refresh", "set the refresh interval",
	  NULL, NULL, 0, false, false },
	{ { 'l' }, act_names, "Display",
	  "host names (reverse DNS, in the background)", NULL, "names",
	  ON_FLOWS, false, false },
	{ { 'C', K_FN(KEY_F(2)) }, act_columns, "Display",
	  "the columns menu: Space or Enter shows/hides", "Cols", NULL, 0,
	  false, false },
	{ { 'q' }, act_quit, "Quit", "quit (in P, T and E: back)", NULL, NULL,
	  0, false, false },
};

static const struct binding report_bindings[] = {
	{ { K_ESC, 'q', 127, CTRL('h'), K_FN(KEY_BACKSPACE) }, act_back,
	  "Views", "back to the flows", NULL, "back to the flows", ON_REPORT,
	  false, false },
};

static const struct binding common_bindings[] = {
	{ MOVE_KEYS, act_move, "Moving",
	  "move the selection (the mouse: wheel, click)", NULL, NULL,
	  0, false, false },
	{ { 'P' }, act_report, "Views",
	  "table pressure: fill, statistics, drops, early-drop candidates",
	  NULL, "pressure", ON_REPORT, false, false },
	{ { 'T' }, act_report, "Views",
	  "timeouts per state with flow counts, sysctl lines, policies",
	  NULL, "timeouts", ON_REPORT, false, false },
	{ { 'E' }, act_report, "Views", "the expectation table", NULL,
	  "expectations", ON_REPORT, false, false },
	{ { 'p', 'Z' }, act_pause, "Refresh", "pause/resume", NULL, "pause",
	  ON_FLOWS, false, false },
	{ { 'r', CTRL('r') }, act_refresh, "Refresh",
	  "re-read the whole table now", NULL, NULL, 0, false, false },
	{ { '[', ']', '{', '}', '(', ')' }, act_time_step, "Recording",
	  "recording: back/on an interval, a minute, an hour", NULL, NULL,
	  0, false, false },
	{ { 't' }, act_time_jump, "Recording",
	  "recording: jump to a time (03:12, -1h, 2026-12-01T03:12)", NULL,
	  NULL, 0, false, false },
	{ { CTRL('l') }, act_redraw, "Display", "redraw the screen", NULL,
	  NULL, 0, false, false },
	{ { 'h', '?', K_FN(KEY_F(1)) }, act_help, "Display", "this help",
	  "Help", "help", ON_ROWS | ON_REPORT, false, false },
	{ { K_FN(KEY_F(10)) }, act_quit, "Quit", "quit (Ctrl-C too)", "Quit",
	  NULL, 0, false, false },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct binding *bindings_table(enum binding_table bt, size_t *n)
{
	switch (bt) {
	case BT_LIST:
		*n = N(list_bindings);
		return list_bindings;
	case BT_REPORT:
		*n = N(report_bindings);
		return report_bindings;
	case BT_COMMON:
		*n = N(common_bindings);
		return common_bindings;
	default:
		*n = 0;
		return NULL;
	}
}

enum binding_table bindings_table_of(enum tui_mode mode)
{
	switch (mode) {
	case MODE_LIST:
		return BT_LIST;
	case MODE_PRESSURE:
	case MODE_TIMEOUTS:
	case MODE_EXPECT:
		return BT_REPORT;
	default:
		return BT_COUNT;
	}
}

static const struct binding *find_in(enum binding_table bt, int key)
{
	const struct binding *b;
	size_t n;

	b = bindings_table(bt, &n);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < BINDING_KEYS && b[i].keys[k]; k++)
			if (b[i].keys[k] == key)
				return &b[i];
	return NULL;
}

const struct binding *bindings_find(enum tui_mode mode, int key)
{
	enum binding_table bt = bindings_table_of(mode);
	const struct binding *b;

	if (bt == BT_COUNT)
		return NULL;
	b = find_in(bt, key);
	return b ? b : find_in(BT_COMMON, key);
}

static const char *fkey_name(int k, char *buf, size_t len)
{
	static const struct { int key; const char *name; } names[] = {
		{ KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" },
		{ KEY_RIGHT, "Right" }, { KEY_PPAGE, "PgUp" },
		{ KEY_NPAGE, "PgDn" }, { KEY_HOME, "Home" }, { KEY_END, "End" },
		{ KEY_DC, "Delete" }, { KEY_ENTER, "Enter" },
		{ KEY_BACKSPACE, "Backspace" },
	};

	for (size_t i = 0; i < N(names); i++)
		if (names[i].key == k)
			return names[i].name;
	for (int f = 1; f <= 12; f++)
		if (k == KEY_F(f)) {
			snprintf(buf, len, "F%d", f);
			return buf;
		}
	snprintf(buf, len, "key %d", k);
	return buf;
}

const char *keycode_name(int key, char *buf, size_t len)
{
	if (K_IS_FN(key))
		return fkey_name(key & ~K_FN_BIT, buf, len);
	switch (key) {
	case '\r':
	case '\n':
		return "Enter";
	case K_ESC:
		return "Esc";
	case ' ':
		return "Space";
	case 127:
	case CTRL('h'):
		return "Backspace";
	}
	if (key > 0 && key < 32)
		snprintf(buf, len, "Ctrl-%c", key + 'A' - 1);
	else
		snprintf(buf, len, "%c", key);
	return buf;
}

void binding_keys_text(const struct binding *b, char *buf, size_t len)
{
	size_t pos = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t k = 0; k < BINDING_KEYS && b->keys[k]; k++) {
		char tmp[16], prev[16];
		const char *name = keycode_name(b->keys[k], tmp, sizeof(tmp));
		bool seen = false;
		int w;

		/* Several codes, one name: Enter is \r, \n and KEY_ENTER. */
		for (size_t j = 0; j < k && !seen; j++)
			seen = !strcmp(keycode_name(b->keys[j], prev, sizeof(prev)),
				       name);
		if (seen)
			continue;
		w = snprintf(buf + pos, len - pos, "%s%s", pos ? " " : "",
			     name);
		if (w < 0 || (size_t)w >= len - pos)
			return;
		pos += (size_t)w;
	}
}
