/* Input state: which mode the keys go to. The binding table (bindings.h)
 * maps keys to actions per mode; prompts, dialogs and menus read their
 * own keys (prompt.h, dialogs.h). */
#ifndef CTOP_TUI_INPUT_H
#define CTOP_TUI_INPUT_H

#include <stddef.h>

enum tui_mode {
	MODE_LIST,
	MODE_HELP,
	MODE_PROMPT,
	MODE_CONFIRM,
	MODE_SORTMENU,
	MODE_COLMENU,		/* F2 or C: columns shown */
	MODE_PRESSURE,		/* P */
	MODE_TIMEOUTS,		/* T */
	MODE_EXPECT,		/* E */
};

struct input {
	enum tui_mode mode;
	enum tui_mode help_back;	/* where the help returns (a view) */
	size_t menu_sel;		/* sort or columns menu */
	size_t help_top;		/* the help's first line shown */
};

/* What an action asks of the loop: bits. */
enum {
	ACT_NONE = 0,
	ACT_REDRAW = 1,		/* draw the screen again */
	ACT_CLEAR = 2,		/* ... from scratch (Ctrl-L) */
	ACT_QUIT = 4,
};

/* The report view a mode shows (reports.h), or -1. */
int input_report(enum tui_mode mode);
/* The flow list is on screen (under a prompt, dialog or menu too). */
int input_list_shown(enum tui_mode mode);

#endif
