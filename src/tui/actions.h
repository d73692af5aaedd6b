/* What the keys do: each action changes the model, the view or the
 * input mode, and returns what must be redrawn (ACT_* bits, input.h).
 * The binding table (bindings.c) maps keys to them; no curses here but
 * key codes, so test_actions runs them without a terminal. */
#ifndef CTOP_TUI_ACTIONS_H
#define CTOP_TUI_ACTIONS_H

#include "input.h"

struct tui;

/* Every mode */
unsigned act_move(struct tui *t, int key);
unsigned act_help(struct tui *t, int key);
unsigned act_quit(struct tui *t, int key);
unsigned act_report(struct tui *t, int key);
unsigned act_pause(struct tui *t, int key);
unsigned act_refresh(struct tui *t, int key);
unsigned act_time_step(struct tui *t, int key);
unsigned act_time_jump(struct tui *t, int key);
unsigned act_redraw(struct tui *t, int key);
/* P, T, E */
unsigned act_back(struct tui *t, int key);
/* The flow list */
unsigned act_sort_step(struct tui *t, int key);
unsigned act_sort_menu(struct tui *t, int key);
unsigned act_invert(struct tui *t, int key);
unsigned act_columns(struct tui *t, int key);
unsigned act_search(struct tui *t, int key);
unsigned act_search_next(struct tui *t, int key);
unsigned act_filter(struct tui *t, int key);
unsigned act_group(struct tui *t, int key);
unsigned act_enter(struct tui *t, int key);
unsigned act_escape(struct tui *t, int key);
unsigned act_leave(struct tui *t, int key);
unsigned act_tag(struct tui *t, int key);
unsigned act_untag_all(struct tui *t, int key);
unsigned act_delete(struct tui *t, int key);
unsigned act_delay_step(struct tui *t, int key);
unsigned act_delay_prompt(struct tui *t, int key);
unsigned act_names(struct tui *t, int key);

/* Open a report view (MODE_PRESSURE, _TIMEOUTS, _EXPECT). */
unsigned actions_open_report(struct tui *t, enum tui_mode mode);
/* A mouse click or wheel at (y, x); BUTTON: 1 click, 2 double click,
 * 4 wheel up, 5 wheel down. */
unsigned actions_mouse(struct tui *t, int y, int x, int button);

#endif
