/* What the rows on screen need (fit.h): for each column its kind, its
 * title and the longest of its cells on screen, and whether any of them
 * holds a value ("-" is none: counters with accounting off). */
#include <string.h>

#include "fit.h"

static void take(struct layout_col *need, const char *cell)
{
	int w = layout_cells(cell);

	if (w > need->longest)
		need->longest = w;
	if (strcmp(cell, "-"))
		need->holds_data = true;
}

void fit_flows(struct layout_col *need, const struct listview *lv,
	       const struct cells *c, const struct model *m, size_t page,
	       uint64_t now_ms)
{
	size_t n = listview_rows(lv), end = lv->top + page;
	char cell[160];

	for (size_t k = 0; k < lv->ncols; k++) {
		int col = lv->cols[k];

		need[k] = (struct layout_col){
			.kind = col_kind(col),
			/* The sort arrow takes a cell after the title. */
			.title = layout_cells(col_title(col)) +
				 (col == lv->sort_col),
		};
		for (size_t i = lv->top; i < end && i < n; i++) {
			const struct table_rec *r = listview_rec(lv, i);
			struct table_flow tf;

			if (!r)
				break;
			table_view(m->tbl, r, &tf);
			cell_text(c, m, col, r, &tf, now_ms, cell, sizeof(cell));
			take(&need[k], cell);
		}
	}
}

void fit_groups(struct layout_col *need, const struct listview *lv,
		const struct model *m, size_t page)
{
	char cell[GROUP_CELLS][GROUP_CELL_LEN], title[64];

	for (int j = 0; j < GROUP_CELLS; j++) {
		group_title(lv->group, j, title, sizeof(title));
		need[j] = (struct layout_col){
			.kind = j == 0 ? group_key_kind(lv->group) :
				j == 4 ? LAYOUT_FIXED : LAYOUT_NUMBER,
			/* FLOWS carries the sort arrow. */
			.title = layout_cells(title) + (j == 1),
		};
	}
	for (size_t i = lv->top; i < lv->top + page && i < lv->ngrows; i++) {
		group_cells(&lv->grows[i], lv->group, m->acct_off, lv->gtotal,
			    cell);
		for (int j = 0; j < GROUP_CELLS; j++)
			take(&need[j], cell[j]);
	}
}
