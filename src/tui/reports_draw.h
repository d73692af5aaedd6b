/* Drawing the P, T and E views. */
#ifndef CTOP_TUI_REPORTS_DRAW_H
#define CTOP_TUI_REPORTS_DRAW_H

#include "reports.h"

struct tui;

/* Rows of a view's list on a terminal of LINES lines (for the layout). */
int reports_page(const struct reports *r, enum report_view v, int lines);
void reports_draw(const struct tui *t);

#endif
