/* The header: where, when and how full, then what the list is showing. */
#ifndef CTOP_TUI_HEADER_H
#define CTOP_TUI_HEADER_H

struct tui;

void header_draw(const struct tui *t);
/* The first two lines (clock, events, meter, warnings), for every view. */
void header_top(const struct tui *t);
/* Line 2 of a view: its title, and the warning or a hint on the right. */
void header_view_title(const struct tui *t, const char *title,
		       const char *hint);
/* Warning bits (PW_*) of the last two statistics readings. */
unsigned int header_warnings(const struct tui *t);

#endif
