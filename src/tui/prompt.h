/* The one-line prompt on the status line: incremental search, the filter
 * (checked as you type; a parse error shows its column), the refresh
 * interval, and on a flight recording the time to jump to. Enter applies, Esc cancels. */
#ifndef CTOP_TUI_PROMPT_H
#define CTOP_TUI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "search.h"

enum prompt_kind { PROMPT_SEARCH, PROMPT_FILTER, PROMPT_DELAY, PROMPT_TIME };

struct prompt {
	enum prompt_kind kind;
	char buf[512];
	size_t len, cur;
	char err[240];		/* on the right of the prompt */
	size_t saved_sel;	/* the row before a search moved it */
	char search[512];	/* the last search, for n */
};

struct tui;

/* Each returns ACT_* bits (input.h). */
unsigned prompt_open(struct tui *t, enum prompt_kind kind);
unsigned prompt_key(struct tui *t, int key);
/* Say how a search step went: on the prompt while it is open and the
 * search was typed there, else on the status line. */
unsigned prompt_search_report(struct tui *t, enum search_result r,
			      unsigned pct);
void prompt_draw(const struct tui *t);
const char *prompt_label(enum prompt_kind k);

#endif
