/* The binding table: one entry per action, with its keys, the modes it
 * acts in, the function, its key-bar label, its hint and its help text.
 * A key is looked up in the mode's table, then in the common one. The
 * help screen, the key bar and the status-line hints are generated from
 * it, and test_bindings checks the man page's KEYS section against it. */
#ifndef CTOP_TUI_BINDINGS_H
#define CTOP_TUI_BINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"
#include "keycode.h"

struct tui;

/* An action: ACT_* bits (input.h). KEY: the key that asked for it (some
 * actions take a direction from it). */
typedef unsigned (*action_fn)(struct tui *t, int key);

/* Which rows a hint applies to. */
enum {
	ON_FLOWS = 1,		/* the flow list, not grouped */
	ON_GROUPS = 2,		/* group rows */
	ON_DRILL = 4,		/* a group's flows */
	ON_ROWS = ON_FLOWS | ON_GROUPS | ON_DRILL,
	ON_REPORT = 8,		/* P, T, E */
};

#define BINDING_KEYS 8

struct binding {
	int keys[BINDING_KEYS];		/* 0-terminated */
	action_fn act;
	const char *section;		/* help: where it is listed */
	const char *help;		/* help: what it does */
	const char *bar;		/* key-bar label of its F key, or NULL */
	const char *hint;		/* status-line hint, or NULL */
	unsigned hint_on;		/* ON_* rows the hint is shown on */
	bool deletes;			/* hidden when deleting is not possible */
	bool pair;			/* hint names two keys: "</>" */
};

enum binding_table { BT_LIST, BT_REPORT, BT_COMMON, BT_COUNT };

/* The table of a mode (BT_COUNT: a mode that reads its own keys). */
enum binding_table bindings_table_of(enum tui_mode mode);
const struct binding *bindings_table(enum binding_table bt, size_t *n);
/* The binding of KEY in MODE (its table, then the common one), or NULL. */
const struct binding *bindings_find(enum tui_mode mode, int key);
/* The key's name as the help, the key bar and the man page write it:
 * "q", "F10", "Ctrl-R", "Enter", "Backspace", "PgUp" ... */
const char *keycode_name(int key, char *buf, size_t len);
/* A binding's keys by name, space-separated, each name once. */
void binding_keys_text(const struct binding *b, char *buf, size_t len);

#endif
