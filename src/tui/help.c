/* The help screen: every binding, by section, in the order of the
 * binding table; then notes on the columns and the re-reads. Any key
 * closes it. */
#include <stdio.h>
#include <string.h>
#include <curses.h>

#include "bindings.h"
#include "help.h"
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

void help_draw(const struct tui *t)
{
	const char *ro = t->cli->readonly ?
		"This session is read-only (--readonly): the delete keys are "
		"disabled." :
		"Deleting asks first: y or Enter deletes, n or Esc keeps.";
	char buf[200];
	int y = 3;

	screen_put(1, 2, COLS - 4,
		   "ctop: the conntrack table, live.  Any key closes this help.",
		   screen_attr(ROLE_LABEL), false);
	/* Right under the title, so a short terminal still shows it. */
	screen_put(2, 2, COLS - 4, ro,
		   screen_attr(t->cli->readonly ? ROLE_ERROR : ROLE_INFO), false);
	for (size_t i = 0; y < LINES - 1 && help_line(i, buf, sizeof(buf)); i++)
		screen_put(y++, 2, COLS - 4, buf, A_NORMAL, false);
	for (size_t i = 0; i < NNOTES && y < LINES - 1; i++)
		screen_put(y++, 2, COLS - 4, notes[i], A_NORMAL, false);
	if (y < LINES - 1) {
		resync_line(t, buf, sizeof(buf));
		screen_put(y, 2, COLS - 4, buf, A_NORMAL, false);
	}
	screen_put(LINES - 1, 0, COLS, " Press any key to return",
		   screen_attr(ROLE_KEYLABEL), false);
}
