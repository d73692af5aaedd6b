/* Drawing the flow list (titles and rows) where the geometry says. */
#ifndef CTOP_TUI_LIST_DRAW_H
#define CTOP_TUI_LIST_DRAW_H

struct tui;

void list_draw(const struct tui *t);

#endif
