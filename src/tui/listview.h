/* The list view: which rows the flow list shows, in which order, and
 * where the cursor is. Rows are table records filtered and sorted (an
 * order, order.h, repaired as records change) or group rows; the view
 * reads the model and writes nothing back but through model.h. The
 * selection is remembered by flow key (or group key), so the cursor
 * stays on the same connection while rows move around it. No curses. */
#ifndef CTOP_TUI_LISTVIEW_H
#define CTOP_TUI_LISTVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cli.h"
#include "../filter.h"
#include "../flightrec.h"
#include "../group.h"
#include "../order.h"
#include "cells.h"
#include "model.h"

struct listview {
	const struct filter *base_flt;	/* from the command line, main's */
	struct filter *own_flt;		/* from the filter prompt, ours */

	/* columns and sort */
	int cols[TUI_MAX_COLS];		/* registry column ids */
	size_t ncols;
	int sort_col;
	bool sort_rev;

	/* the rows: filtered, sorted records, or group rows */
	struct order ord;
	bool stale;			/* settings changed: rebuild */
	bool built;			/* the list was built once */
	enum group_by group;
	struct grouper *grouper;
	const struct group_row *grows;
	size_t ngrows;
	uint64_t gtotal;
	uint64_t next_group_ms;		/* groups are rebuilt at most this often */
	bool groups_stale;
	bool drill;			/* in a group's flows */
	enum group_by drill_by;
	struct group_key drill_key;
	char drill_text[96];
	/* A flight recording's summary at an instant without a full table:
	 * the groupings it keeps (src, dst, dport, state, zone; no filter)
	 * come from it. NULL: the groups are the table's. */
	const struct fr_summary *summary;

	/* the cursor, and the rows on screen (listview_scroll) */
	size_t sel, top, page;
	struct flow sel_key;
	bool sel_valid;
	struct group_key sel_gkey;
	bool sel_gvalid;

	/* tags: flow keys in a table of their own (a hash by key) */
	struct table *tags;
	size_t ntags;
};

/* Whether the groups shown are a summary's (listview.summary). */
bool listview_groups_summarized(const struct listview *lv);

/* Columns, sort and grouping from the command line. */
void listview_init(struct listview *lv, const struct cli *cli,
		   const struct filter *base_flt);
void listview_free(struct listview *lv);
const struct filter *listview_filter(const struct listview *lv);
/* The filter typed at the prompt (ours from now on; NULL: none). */
void listview_set_filter(struct listview *lv, struct model *m,
			 struct filter *flt);
size_t listview_rows(const struct listview *lv);
/* The record on a row of the flow list (NULL past the end). */
const struct table_rec *listview_rec(const struct listview *lv, size_t row);
void listview_select(struct listview *lv, size_t row);
/* Move the cursor by DELTA rows, kept within the rows. */
void listview_move(struct listview *lv, long delta);
/* The settings changed: rebuild at the next update. */
void listview_invalidate(struct listview *lv, struct model *m);
/* The first dump gathers the list as its flows come in (model.h): set
 * up the gathering with the view's settings before it is asked for. */
void listview_collect_begin(struct listview *lv, struct model *m);
/* Bring the view up to date with the model. GROUP_EVERY_MS: the least
 * time between two rebuilds of group rows. True if the rows changed. */
bool listview_update(struct listview *lv, struct model *m, uint64_t now_ms,
		     uint64_t group_every_ms);
/* The same for a draw: the first list after the first dump may leave the
 * sort of the rows past the first page pending (order.h) ... */
bool listview_prepare(struct listview *lv, struct model *m, uint64_t now_ms,
		      uint64_t group_every_ms);
/* ... until this, right after the draw. */
void listview_settle(struct listview *lv, struct model *m);
/* The layout's page height: keep the cursor on it. */
void listview_scroll(struct listview *lv, size_t page);
/* Keys of the flows on screen (for the targeted reads); *n of them, in
 * a buffer to free. NULL when none. */
struct flow *listview_page_keys(const struct listview *lv, size_t *n);
/* Why the order or the filter needs every flow's counters or TTL fresh
 * (then the sync dumps more often), or NULL. */
const char *listview_volatile(const struct listview *lv, bool acct_off);

bool listview_is_tagged(const struct listview *lv, const struct flow *f);
void listview_tag_toggle(struct listview *lv, const struct flow *f);
void listview_untag(struct listview *lv, const struct flow *f);
void listview_untag_all(struct listview *lv);

void listview_set_sort(struct listview *lv, struct model *m, int col,
		       bool reverse);
/* Next or previous shown column as the sort key. */
void listview_sort_step(struct listview *lv, struct model *m, int dir);
void listview_cycle_group(struct listview *lv, struct model *m);
void listview_enter_group(struct listview *lv, struct model *m);
bool listview_leave_group(struct listview *lv, struct model *m);
/* Show the column (at the end) or hide it; -1: it is the last one. */
int listview_toggle_column(struct listview *lv, int col);
/* Where COL is among the shown columns, or -1. */
int listview_column_at(const struct listview *lv, int col);
/* Text of a row for search (cells joined by spaces). */
void listview_row_text(const struct listview *lv, const struct cells *c,
		       const struct model *m, size_t row, uint64_t now_ms,
		       char *buf, size_t len);

#endif
