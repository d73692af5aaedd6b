/* The help screen, generated from the binding table. */
#ifndef CTOP_TUI_HELP_H
#define CTOP_TUI_HELP_H

#include <stdbool.h>
#include <stddef.h>

struct tui;

/* Line I of the help's key list (from the binding table) into BUF;
 * false past the last. */
bool help_line(size_t i, char *buf, size_t len);
/* The help's lines, broken between words to the screen's width; longer
 * than the screen, it scrolls. */
void help_draw(const struct tui *t);
/* A key on the help: Up/Down/PgUp/PgDn/Space/Home/End/j/k scroll it, any
 * other closes it. Returns ACT_* bits. */
unsigned help_key(struct tui *t, int key);

#endif
