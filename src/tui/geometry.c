/* Where the parts of the screen go (geometry.h). */
#include <string.h>

#include "geometry.h"

void geometry_frame(struct geometry *g, int cols, int lines)
{
	g->cols = cols;
	g->lines = lines;
	g->too_small = cols < TUI_MIN_COLS || lines < TUI_MIN_LINES;
	g->title_y = TUI_HEADER_LINES;
	g->list_y = g->title_y + 1;
	g->list_h = lines - g->list_y - 2;
	if (g->list_h < 0)
		g->list_h = 0;
}

static struct layout_geom screen_geom(const struct geometry *g)
{
	/* Column 0 is the tag margin; one blank between columns. */
	return (struct layout_geom){ g->cols, 1, 1 };
}

void geometry_columns(struct geometry *g, const struct layout_col *need,
		      size_t n)
{
	struct layout_geom lg = screen_geom(g);
	int x = 1;

	if (n > TUI_MAX_COLS)
		n = TUI_MAX_COLS;
	layout_fit_steady(&g->flow_fit, need, n, &lg, g->colw);
	g->ncols = n;
	for (size_t c = 0; c < n; c++) {
		g->colx[c] = x;
		if (g->colw[c])
			x += g->colw[c] + 1;
	}
}

void geometry_groups(struct geometry *g, const struct layout_col *need)
{
	struct layout_geom lg = screen_geom(g);

	layout_fit_steady(&g->group_fit, need, GROUP_CELLS, &lg, g->groupw);
}

int geometry_col_at(const struct geometry *g, const int *cols, int x)
{
	for (size_t c = 0; c < g->ncols; c++)
		if (g->colw[c] && x >= g->colx[c] &&
		    x <= g->colx[c] + g->colw[c])
			return cols[c];
	return -1;
}

int geometry_key_at(const struct geometry *g, int x)
{
	for (int i = 0; i < g->nkb; i++)
		if (x >= g->kb[i].x0 && x <= g->kb[i].x1)
			return g->kb[i].key;
	return -1;
}
