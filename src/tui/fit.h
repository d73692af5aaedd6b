/* What the rows on screen need from each column of the list (layout.h),
 * measured on the cells about to be drawn, for the geometry to fit. */
#ifndef CTOP_TUI_FIT_H
#define CTOP_TUI_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "../layout.h"
#include "cells.h"
#include "listview.h"
#include "model.h"

/* need[lv->ncols] for the flow rows top .. top+page-1. */
void fit_flows(struct layout_col *need, const struct listview *lv,
	       const struct cells *c, const struct model *m, size_t page,
	       uint64_t now_ms);
/* need[GROUP_CELLS] for the group rows top .. top+page-1. */
void fit_groups(struct layout_col *need, const struct listview *lv,
		const struct model *m, size_t page);

#endif
