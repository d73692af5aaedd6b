/* One screen session: every part, each owned by its file, side by side.
 * Data flows one way: the kernel -> sync -> model -> list view -> draw,
 * and input -> bindings -> actions -> model and view. The loop (tui.c)
 * runs the parts in that order; session.c sets them up without a
 * terminal, so the unit tests run the model and the actions alone. */
#ifndef CTOP_TUI_SESSION_H
#define CTOP_TUI_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "../cli.h"
#include "../filter.h"
#include "../source.h"
#include "cells.h"
#include "delete.h"
#include "geometry.h"
#include "input.h"
#include "listview.h"
#include "model.h"
#include "prompt.h"
#include "reports.h"
#include "search.h"
#include "status.h"
#include "sync.h"
#include "timeline.h"

struct tui {
	const struct cli *cli;
	char netns[64];
	struct status st;		/* status.c */
	struct model m;			/* model.c */
	struct sync sync;		/* sync.c, fetch.c */
	struct cells cells;		/* cells.c */
	struct listview lv;		/* listview.c */
	struct search find;		/* search.c */
	struct reports rep;		/* reports.c */
	struct deleter del;		/* delete.c */
	struct input in;		/* keys.c, actions.c */
	struct prompt pr;		/* prompt.c */
	struct geometry geo;		/* geometry.c, keybar.c */
	struct timeline tl;		/* timeline.c: a flight recording */
};

/* Every part set up, the worker started (on SRC, or the replay), no
 * terminal touched. USRC: the UI thread's socket (NULL: replay). WAKE_FD:
 * where the worker and the resolver wake the loop (-1: nowhere). */
int session_init(struct tui *t, const struct cli *cli, struct source *src,
		 struct source *usrc, const struct filter *flt, int wake_fd);
void session_free(struct tui *t);
/* The least time between two rebuilds of group rows. */
uint64_t session_group_every(const struct tui *t);
/* Bring the list view up to date with the model (a no-op when nothing
 * changed). True if its rows changed. */
bool session_update(struct tui *t);
/* Deleting is possible: not read-only, not a recording. */
bool session_can_delete(const struct tui *t);
/* The time keys and the jump prompt moved the recording's instant: read
 * its table and say where we are. */
void session_instant_moved(struct tui *t);
/* Without a full table at the recording's instant the groups the
 * summary keeps come from it (listview.summary). */
void session_summary_in(struct tui *t);

#endif
