/* Keys from the terminal to the actions: the mode's bindings, then the
 * common ones (bindings.h); prompts, dialogs and menus read their own. */
#ifndef CTOP_TUI_KEYS_H
#define CTOP_TUI_KEYS_H

struct tui;

/* One key (keycode.h); returns ACT_* bits. */
unsigned keys_dispatch(struct tui *t, int key);

#endif
