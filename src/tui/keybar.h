/* The bottom two lines: the status line (a message, or hints from the
 * binding table) and the function-key bar, htop style, clickable. */
#ifndef CTOP_TUI_KEYBAR_H
#define CTOP_TUI_KEYBAR_H

#include <stddef.h>

struct tui;
struct geometry;

/* Where each key of the bar goes, from the bindings of the mode shown. */
void keybar_layout(struct geometry *g, const struct tui *t);
void keybar_draw(const struct tui *t);
/* The hints of the mode shown: "Space: tag  d: delete ..." */
void keybar_hints(const struct tui *t, char *buf, size_t len);
void status_draw(const struct tui *t);

#endif
