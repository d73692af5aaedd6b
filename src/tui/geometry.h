/* Where each part of the screen goes: computed from the terminal's size
 * and the state before anything is drawn, so that drawing only reads,
 * and the mouse reads the same places the screen shows. */
#ifndef CTOP_TUI_GEOMETRY_H
#define CTOP_TUI_GEOMETRY_H

#include <stdbool.h>
#include <stddef.h>

#include "../layout.h"
#include "cells.h"

/* Layout: header lines on top, then the title row, the list, one
 * status/prompt line and the key bar. */
#define TUI_HEADER_LINES 4
#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 10
#define KEYBAR_MAX 12

struct geometry {
	int cols, lines;		/* the terminal */
	bool too_small;
	int title_y, list_y, list_h;	/* rows of the list */
	/* the flow list's columns: width and x of each column (width 0:
	 * left out), fitted to the rows on screen and kept across draws */
	int colw[TUI_MAX_COLS], colx[TUI_MAX_COLS];
	size_t ncols;
	struct layout_memo flow_fit;
	/* group rows: key, flows, packets, bytes, share */
	int groupw[GROUP_CELLS];
	struct layout_memo group_fit;
	/* the key bar: where each key is */
	struct { int x0, x1, key; const char *fkey, *label; } kb[KEYBAR_MAX];
	int nkb;
};

/* Rows and the terminal's size (before the columns). */
void geometry_frame(struct geometry *g, int cols, int lines);
/* The one place the widths of the list's columns are decided: what the
 * N columns need on the rows on screen (fit.h), fitted into the
 * terminal's width (layout.h). */
void geometry_columns(struct geometry *g, const struct layout_col *need,
		      size_t n);
/* The same for the group rows' GROUP_CELLS columns. */
void geometry_groups(struct geometry *g, const struct layout_col *need);
/* Column under screen x of the title row, or -1. */
int geometry_col_at(const struct geometry *g, const int *cols, int x);
/* Key under screen x of the key bar, or -1. */
int geometry_key_at(const struct geometry *g, int x);

#endif
