/* Boxes drawn over the list: the delete confirmation, the sort menu and
 * the columns menu. They are modes of the main loop, not loops of their
 * own, so refreshes, resizes and signals go on while they are open. */
#ifndef CTOP_TUI_DIALOGS_H
#define CTOP_TUI_DIALOGS_H

struct tui;

/* Each returns ACT_* bits (input.h). */
unsigned confirm_open(struct tui *t);
unsigned confirm_key(struct tui *t, int key);
void confirm_draw(const struct tui *t);
unsigned sortmenu_open(struct tui *t);
unsigned sortmenu_key(struct tui *t, int key);
void sortmenu_draw(const struct tui *t);
unsigned colmenu_open(struct tui *t);
unsigned colmenu_key(struct tui *t, int key);
void colmenu_draw(const struct tui *t);

#endif
