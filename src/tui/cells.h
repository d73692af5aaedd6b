/* The text of a flow's cell on the screen: the registry's one renderer
 * (columns.h), as in ctop -1, given what only the screen knows: host
 * names from the resolver, the TTL counted down since the flow was read,
 * accounting switched off, and the rates of its table's records. */
#ifndef CTOP_TUI_CELLS_H
#define CTOP_TUI_CELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cli.h"
#include "../columns.h"
#include "../group.h"
#include "../layout.h"
#include "../order.h"
#include "../resolve.h"
#include "model.h"

#define TUI_MAX_COLS CLI_MAX_COLS

/* Host names (reverse DNS in the background) for the address cells. */
struct cells {
	struct resolver *res;
	bool names;		/* shown */
	int wake_fd;		/* the resolver's wakeup */
};

/* NAMES: on from the start (-l). -1: the resolver could not start. */
int cells_init(struct cells *c, bool names, int wake_fd);
void cells_free(struct cells *c);
/* l: names on or off. -1: could not start the resolver (left off). */
int cells_toggle_names(struct cells *c);
/* Bumps when a name arrives (a redraw shows it). */
uint64_t cells_version(const struct cells *c);

const char *col_title(int col);
bool col_right(int col);
/* How a column's cells may be shortened (layout.h). */
enum layout_kind col_kind(int col);

/* The text of column COL for record R of m's table, whose view is TF. */
void cell_text(const struct cells *c, const struct model *m, int col,
	       const struct table_rec *r, const struct table_flow *tf,
	       uint64_t now_ms, char *buf, size_t len);

/* A group row's cells: key, flows, packets, bytes, share (of total);
 * counters are "-" without accounting. */
#define GROUP_CELLS 5
#define GROUP_CELL_LEN 96
void group_cells(const struct group_row *g, enum group_by by, bool acct_off,
		 uint64_t total, char cell[GROUP_CELLS][GROUP_CELL_LEN]);
/* How a group key may be shortened. */
enum layout_kind group_key_kind(enum group_by by);
/* Title of group column j: the grouping in capitals for the key, then
 * FLOWS, PACKETS, BYTES, SHARE. */
void group_title(enum group_by by, int j, char *buf, size_t len);

#endif
