/* Searching the rows' text from a row on, going round once. A search runs
 * in steps of a few milliseconds, so a million rows never hold up the
 * keys: search_start begins one, the loop calls search_step while
 * search_pending. A match is selected in the list view; the caller says
 * "not found" or how far it got where it belongs (prompt or status). */
#ifndef CTOP_TUI_SEARCH_H
#define CTOP_TUI_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cells.h"
#include "listview.h"
#include "model.h"

struct search {
	char needle[512];
	size_t next, left;	/* row to look at, rows to go */
	bool active;
	bool live;		/* typed at the prompt, reported there */
};

enum search_result { SEARCH_IDLE, SEARCH_RUNNING, SEARCH_FOUND, SEARCH_NOT_FOUND };

void search_start(struct search *s, const struct listview *lv,
		  const char *needle, size_t from, bool live);
bool search_pending(const struct search *s);
void search_stop(struct search *s);
/* One step of at most a few ms. RUNNING: *pct tells how far it got. */
enum search_result search_step(struct search *s, struct listview *lv,
			       const struct cells *c, const struct model *m,
			       uint64_t now_ms, unsigned *pct);

#endif
