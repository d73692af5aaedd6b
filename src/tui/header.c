/* The header: where, when and how full, then what the list is showing.
 *
 *   ctop  17:12:03  netns host  every 1.0s  PAUSED     accounting off ...
 *   Entries [|||||||                    23.5%] 235/1000  shown 200
 *   tcp 150  udp 40  icmp 10  other 0   sort SOURCE asc  group none
 *   filter: tcp and dport 80   in group: src 10.0.0.1 (Esc: back)
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <curses.h>

#include "tui_int.h"

/* Print label then value; returns the next x. */
static int pair(struct tui *t, int y, int x, const char *label,
		const char *value, enum tui_role vrole)
{
	int lw = (int)strlen(label), vw = (int)strlen(value);

	if (x >= COLS)
		return x;
	screen_put(y, x, lw, label, tui_attr(t, ROLE_LABEL), false);
	screen_put(y, x + lw, vw, value, tui_attr(t, vrole), false);
	return x + lw + vw + 2;
}

static void line_top(struct tui *t)
{
	char clock[16], every[32];
	time_t now = time(NULL);
	struct tm tm;
	int x = 1;

	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	snprintf(every, sizeof(every), "%gs", t->delay);
	x = pair(t, 0, x, "ctop ", clock, ROLE_NORMAL);
	if (t->cli->replay) {
		x = pair(t, 0, x, "recording ", t->cli->replay, ROLE_NORMAL);
	} else {
		x = pair(t, 0, x, "netns ", t->netns, ROLE_NORMAL);
		x = pair(t, 0, x, "refresh ", every, ROLE_NORMAL);
	}
	if (t->paused)
		x = pair(t, 0, x, "", "PAUSED", ROLE_ERROR);
	if (t->cli->readonly)
		x = pair(t, 0, x, "", "read-only", ROLE_INFO);
	if (t->acct_off) {
		const char *msg = "accounting off (nf_conntrack_acct=0)";
		int w = (int)strlen(msg);

		if (COLS - w - 1 > x)
			x = COLS - w - 1;
		pair(t, 0, x, "", msg, ROLE_ERROR);
	}
}

static void line_meter(struct tui *t)
{
	char txt[96], num[64];
	double pct = 0;
	int x = 1, width, bars;
	enum tui_role role = ROLE_METER_OK;

	if (t->have_stats && t->stats.max)
		pct = 100.0 * t->stats.count / t->stats.max;
	if (pct > 90)
		role = ROLE_METER_CRIT;
	else if (pct > 75)
		role = ROLE_METER_WARN;
	screen_put(1, x, 8, "Entries ", tui_attr(t, ROLE_LABEL), false);
	x += 8;
	width = COLS / 3;
	if (width > 50)
		width = 50;
	/* [ bars ... pct% ] */
	screen_put(1, x, 1, "[", A_BOLD, false);
	snprintf(txt, sizeof(txt), "%.1f%%", pct);
	bars = (int)(pct / 100.0 * (width - 2) + 0.5);
	if (pct > 0 && bars == 0)
		bars = 1;
	if (bars > width - 2)
		bars = width - 2;
	for (int i = 0; i < bars; i++)
		mvaddch(1, x + 1 + i, '|' | tui_attr(t, role));
	screen_put(1, x + width - 1 - (int)strlen(txt), (int)strlen(txt), txt,
		   A_NORMAL, false);
	screen_put(1, x + width - 1, 1, "]", A_BOLD, false);
	x += width + 1;
	if (t->have_stats)
		snprintf(num, sizeof(num), "%u/%u", t->stats.count,
			 t->stats.max);
	else if (t->cli->replay)
		snprintf(num, sizeof(num), "%zu", table_count(t->tbl));
	else
		snprintf(num, sizeof(num), "-/-");
	x = pair(t, 1, x, "", num, ROLE_NORMAL) + 1;
	snprintf(num, sizeof(num), "%zu", t->group != GROUP_NONE ?
		 (size_t)t->gtotal : t->nview);
	x = pair(t, 1, x, "shown ", num, ROLE_NORMAL);
	if (t->group != GROUP_NONE) {
		snprintf(num, sizeof(num), "%zu", t->ngrows);
		x = pair(t, 1, x, "groups ", num, ROLE_NORMAL);
	}
	if (t->ntags) {
		snprintf(num, sizeof(num), "%zu", t->ntags);
		pair(t, 1, x, "tagged ", num, ROLE_ERROR);
	}
}

static void line_counts(struct tui *t)
{
	static const char *const names[] = { "tcp ", "udp ", "icmp ", "other " };
	char num[64];
	int x = 1;

	for (int i = 0; i < 4; i++) {
		snprintf(num, sizeof(num), "%zu", t->nproto[i]);
		x = pair(t, 2, x, names[i], num, ROLE_NORMAL);
	}
	x += 2;
	if (t->group != GROUP_NONE) {
		x = pair(t, 2, x, "group ", group_by_str(t->group), ROLE_NORMAL);
	} else {
		snprintf(num, sizeof(num), "%s %s", col_title(t->sort_col),
			 t->sort_rev ? "descending" : "ascending");
		x = pair(t, 2, x, "sort ", num, ROLE_NORMAL);
	}
	if (t->resolve_on)
		pair(t, 2, x, "", "names on", ROLE_INFO);
}

static void line_filter(struct tui *t)
{
	const char *ft = filter_text(tui_filter(t));
	char buf[160];
	int x = 1;

	x = pair(t, 3, x, "filter ", *ft ? ft : "none",
		 *ft ? ROLE_INFO : ROLE_NORMAL);
	if (t->drill) {
		snprintf(buf, sizeof(buf), "%s %s (Esc: back)",
			 group_by_str(t->drill_by), t->drill_text);
		pair(t, 3, x, "in group ", buf, ROLE_INFO);
	}
}

void header_draw(struct tui *t)
{
	line_top(t);
	line_meter(t);
	line_counts(t);
	line_filter(t);
}
