/* Keys to actions (keys.h). */
#include <curses.h>

#include "actions.h"
#include "bindings.h"
#include "dialogs.h"
#include "help.h"
#include "keys.h"
#include "session.h"

static unsigned mouse(struct tui *t)
{
	MEVENT ev;
	int key;

	if (getmouse(&ev) != OK)
		return ACT_NONE;
	if (ev.bstate & BUTTON4_PRESSED)
		return actions_mouse(t, ev.y, ev.x, 4);
	if (ev.bstate & BUTTON5_PRESSED)
		return actions_mouse(t, ev.y, ev.x, 5);
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
			   BUTTON1_DOUBLE_CLICKED)))
		return ACT_NONE;
	/* The key bar: as if the key were pressed. */
	if (ev.y == t->geo.lines - 1) {
		key = geometry_key_at(&t->geo, ev.x);
		return key >= 0 ? keys_dispatch(t, key) : ACT_NONE;
	}
	return actions_mouse(t, ev.y, ev.x,
			     ev.bstate & BUTTON1_DOUBLE_CLICKED ? 2 : 1);
}

static unsigned modal(struct tui *t, int key)
{
	switch (t->in.mode) {
	case MODE_HELP:
		return help_key(t, key);
	case MODE_PROMPT:
		return prompt_key(t, key);
	case MODE_CONFIRM:
		return confirm_key(t, key);
	case MODE_SORTMENU:
		return sortmenu_key(t, key);
	case MODE_COLMENU:
		return colmenu_key(t, key);
	default:
		return ACT_NONE;
	}
}

unsigned keys_dispatch(struct tui *t, int key)
{
	const struct binding *b;

	if (key == K_FN(KEY_RESIZE))
		return ACT_REDRAW;
	if (t->geo.too_small) {
		/* Only quitting makes sense on a screen that shows nothing. */
		return key == 'q' || key == K_FN(KEY_F(10)) ? ACT_QUIT : ACT_NONE;
	}
	if (bindings_table_of(t->in.mode) == BT_COUNT)
		return modal(t, key);
	/* A key in the list while a search is under way: the user moved
	 * on. */
	if (t->in.mode == MODE_LIST)
		search_stop(&t->find);
	if (key == K_FN(KEY_MOUSE))
		return t->in.mode == MODE_LIST ? mouse(t) : ACT_NONE;
	b = bindings_find(t->in.mode, key);
	return b ? b->act(t, key) : ACT_NONE;
}
