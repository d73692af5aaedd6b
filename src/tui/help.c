/* The help screen: every key, in one place. Any key closes it. */
#include <stdio.h>
#include <string.h>
#include <curses.h>

#include "tui_int.h"

static const char *const lines[] = {
	"ctop: the conntrack table, live.  Any key closes this help.",
	"",
	"Moving        Up/Down, PgUp/PgDn, Home/End, mouse wheel; click a row",
	"Sorting       < >  previous/next column   F6  sort menu   I  invert",
	"              click a column title to sort by it (again to invert)",
	"Search        / or F3  search the rows' text   n  next match",
	"Filter        \\ or F4  filter expression (as on the command line):",
	"              tcp and dport 443, not src 10.0.0.0/8, state TIME_WAIT,",
	"              ttl < 60, unreplied ...  Enter applies, Esc cancels,",
	"              an empty filter clears it",
	"Grouping      g or F5  none, src, dst, dport, proto, state",
	"              Enter opens a group's flows, Esc or Backspace goes back",
	"Tagging       Space  tag/untag the flow and move down   U  untag all",
	"Deleting      d, x, Delete or F9: delete the selected flow, the tagged",
	"              flows, or every flow of the selected group (asks first)",
	"              Esc stops a long delete (progress on the status line)",
	"Views         P  table pressure: fill, statistics, drops, early-drop",
	"                 candidates, top states and sources",
	"              T  timeouts per state with flow counts, sysctl lines,",
	"                 cttimeout policies   E  expectations",
	"              Esc or q goes back to the flows",
	"Refresh       p or Z  pause/resume   r or Ctrl-R  re-read the table",
	"              + -  faster/slower   s  set the interval",
	"              (Space tags, as in htop: it does not refresh)",
	"Display       l  host names (reverse DNS, in the background)",
	"              F2 or C  columns menu: Space or Enter shows/hides",
	"              Ctrl-L  redraw   h, ? or F1  this help",
	"Quit          q or F10 (Ctrl-C too)",
	"",
	"Columns: RATE is bytes/s between the last two refreshes; FLAGS:",
	"A assured, U unreplied, N/S/D nat, O offload, X dying, E expected.",
	"ICMP rows show type and id in STATE. The table follows conntrack",
	"events; rows on screen are re-read every refresh, the whole table",
	"as the line below says (header: events, overflows, resyncs).",
};

/* How often the whole table is re-read, as it stands now. */
static void resync_line(const struct tui *t, char *buf, size_t len)
{
	double every = (double)sync_resync_ms(t) / 1000;

	if (t->cli->replay)
		snprintf(buf, len, "A recording is read once: no re-reads.");
	else if (t->polling)
		snprintf(buf, len, "Whole table re-read every refresh (%s).",
			 t->poll_why);
	else if (t->volatile_why)
		snprintf(buf, len, "Whole table re-read every %.1f s (%s).",
			 (double)sync_volatile_ms(t) / 1000, t->volatile_why);
	else if (t->cli->resync <= 0)
		snprintf(buf, len, "Whole table re-read only after lost events "
			 "or a count drift (--resync 0).");
	else if (t->cli->resync_set)
		snprintf(buf, len, "Whole table re-read every %.0f s (--resync).",
			 every);
	else
		snprintf(buf, len, "Whole table re-read every %.0f s (%g s, or "
			 "100 x the last: %.1f s).", every, t->cli->resync,
			 (double)t->last_dump_took_ms / 1000);
}

void help_draw(struct tui *t)
{
	int n = (int)(sizeof(lines) / sizeof(lines[0]));
	const char *ro = t->cli->readonly ?
		"This session is read-only (--readonly): the delete keys are "
		"disabled." :
		"Deleting asks first: y or Enter deletes, n or Esc keeps.";

	erase();
	screen_put(1, 2, COLS - 4, lines[0], tui_attr(t, ROLE_LABEL), false);
	/* Right under the title, so a short terminal still shows it. */
	screen_put(2, 2, COLS - 4, ro,
		   tui_attr(t, t->cli->readonly ? ROLE_ERROR : ROLE_INFO), false);
	for (int i = 1; i < n && 2 + i < LINES - 1; i++)
		screen_put(2 + i, 2, COLS - 4, lines[i], A_NORMAL, false);
	if (2 + n < LINES - 1) {
		char buf[160];

		resync_line(t, buf, sizeof(buf));
		screen_put(2 + n, 2, COLS - 4, buf, A_NORMAL, false);
	}
	screen_put(LINES - 1, 0, COLS, " Press any key to return",
		   tui_attr(t, ROLE_KEYLABEL), false);
}
