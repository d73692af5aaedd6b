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

/* Widths from the registry's wishes (col_want): every column its
 * preferred width, then the flexible ones (addresses) share out spare
 * room up to their maximum, or give it back down to their minimum, one
 * cell at a time so they stay equal. Columns that do not
 * fit whole are left out rather than cut: a byte count missing its last
 * digits would mislead. */
void geometry_columns(struct geometry *g, const int *cols, size_t n)
{
	struct col_want w[TUI_MAX_COLS];
	int total = 1, nflex = 0, x = 1;

	if (n > TUI_MAX_COLS)
		n = TUI_MAX_COLS;
	for (size_t c = 0; c < n; c++) {
		w[c] = col_want(cols[c]);
		g->colw[c] = w[c].pref;
		total += g->colw[c] + 1;
		nflex += w[c].flex;
	}
	while (nflex && total != g->cols) {
		bool moved = false;

		for (size_t c = 0; c < n && total != g->cols; c++) {
			if (!w[c].flex)
				continue;
			if (total < g->cols && g->colw[c] < w[c].max) {
				g->colw[c]++;
				total++;
				moved = true;
			} else if (total > g->cols && g->colw[c] > w[c].min) {
				g->colw[c]--;
				total--;
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	g->nvis = 0;
	for (size_t c = 0; c < n; c++) {
		g->colx[c] = x;
		x += g->colw[c] + 1;
		if (x - 1 <= g->cols)
			g->nvis = c + 1;
	}
}

int geometry_col_at(const struct geometry *g, const int *cols, int x)
{
	for (size_t c = 0; c < g->nvis; c++)
		if (x >= g->colx[c] && x <= g->colx[c] + g->colw[c])
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
