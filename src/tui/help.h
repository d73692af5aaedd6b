/* The help screen, generated from the binding table. */
#ifndef CTOP_TUI_HELP_H
#define CTOP_TUI_HELP_H

#include <stdbool.h>
#include <stddef.h>

struct tui;

/* Line I of the help's key list (from the binding table) into BUF;
 * false past the last. */
bool help_line(size_t i, char *buf, size_t len);
void help_draw(const struct tui *t);

#endif
