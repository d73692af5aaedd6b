/* The status line and the key bar (keybar.h), both generated from the
 * binding table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "../layout.h"
#include "bindings.h"
#include "keybar.h"
#include "screen.h"
#include "session.h"

#define LABEL_W 7

/* The binding tables of the mode shown: its own, then the common one
 * (the list's under a prompt, dialog or menu). */
static size_t tables_of(const struct tui *t, enum binding_table *bt)
{
	enum binding_table own = bindings_table_of(t->in.mode);

	if (own == BT_COUNT)
		own = input_report(t->in.help_back) >= 0 ? BT_REPORT : BT_LIST;
	bt[0] = own;
	bt[1] = BT_COMMON;
	return 2;
}

static bool shown(const struct tui *t, const struct binding *b)
{
	return !b->deletes || session_can_delete(t);
}

/* The binding of function key F among the mode's, with a bar label. */
static const struct binding *fkey_binding(const struct tui *t, int f)
{
	enum binding_table bt[2];
	size_t nt = tables_of(t, bt), n;

	for (size_t i = 0; i < nt; i++) {
		const struct binding *b = bindings_table(bt[i], &n);

		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; k < BINDING_KEYS && b[j].keys[k]; k++)
				if (b[j].keys[k] == K_FN(KEY_F(f)) && b[j].bar &&
				    shown(t, &b[j]))
					return &b[j];
	}
	return NULL;
}

void keybar_layout(struct geometry *g, const struct tui *t)
{
	static const char *const fnames[] = {
		"", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
		"F10", "F11", "F12",
	};
	int x = 0;

	g->nkb = 0;
	for (int f = 1; f <= 12 && g->nkb < KEYBAR_MAX; f++) {
		const struct binding *b = fkey_binding(t, f);
		int kw = (int)strlen(fnames[f]);

		if (!b)
			continue;
		if (x + kw + LABEL_W > g->cols)
			break;
		g->kb[g->nkb].x0 = x;
		g->kb[g->nkb].x1 = x + kw + LABEL_W - 1;
		g->kb[g->nkb].key = K_FN(KEY_F(f));
		g->kb[g->nkb].fkey = fnames[f];
		g->kb[g->nkb].label = b->bar;
		g->nkb++;
		x += kw + LABEL_W;
	}
}

void keybar_draw(const struct tui *t)
{
	const struct geometry *g = &t->geo;
	int y = g->lines - 1;

	screen_fill(y, 0, g->cols, screen_attr(ROLE_KEYLABEL));
	for (int i = 0; i < g->nkb; i++) {
		int kw = (int)strlen(g->kb[i].fkey);

		screen_put(y, g->kb[i].x0, kw, g->kb[i].fkey,
			   screen_attr(ROLE_KEY), false);
		screen_put(y, g->kb[i].x0 + kw, LABEL_W, g->kb[i].label,
			   screen_attr(ROLE_KEYLABEL), false);
	}
}

/* Which rows the list shows, for the hints. */
static unsigned rows_on(const struct tui *t)
{
	if (input_report(t->in.mode) >= 0)
		return ON_REPORT;
	if (t->lv.group != GROUP_NONE)
		return ON_GROUPS;
	return t->lv.drill ? ON_DRILL : ON_FLOWS;
}

void keybar_hints(const struct tui *t, char *buf, size_t len)
{
	enum binding_table bt[2];
	size_t nt = tables_of(t, bt), n, pos = 0;
	unsigned on = rows_on(t);

	buf[0] = '\0';
	for (size_t i = 0; i < nt; i++) {
		const struct binding *b = bindings_table(bt[i], &n);

		for (size_t j = 0; j < n && pos < len; j++) {
			char b0[16], b1[16];
			const char *k0, *k1;
			int w;

			if (!b[j].hint || !(b[j].hint_on & on) || !shown(t, &b[j]))
				continue;
			k0 = keycode_name(b[j].keys[0], b0, sizeof(b0));
			k1 = keycode_name(b[j].keys[1], b1, sizeof(b1));
			if (b[j].pair)
				w = snprintf(buf + pos, len - pos, "%s%s/%s: %s",
					     pos ? "  " : "", k0, k1, b[j].hint);
			else
				w = snprintf(buf + pos, len - pos, "%s%s: %s",
					     pos ? "  " : "", k0, b[j].hint);
			if (w < 0)
				return;
			pos += (size_t)w;
		}
	}
	if (on != ON_REPORT && t->cli->readonly && pos < len)
		snprintf(buf + pos, len - pos, "  (read-only)");
}

void status_draw(const struct tui *t)
{
	int y = t->geo.lines - 2, cols = t->geo.cols;
	char hint[512], fit[512];

	if (t->st.text[0]) {
		/* A message too long for the line says so at its end,
		 * after its last whole word. */
		screen_put_words(y, 0, cols, t->st.text,
				 screen_attr(t->st.err ? ROLE_ERROR : ROLE_INFO));
		return;
	}
	if (t->in.mode == MODE_COLMENU)
		snprintf(hint, sizeof(hint), "Up/Down: move  Space or Enter: "
			 "show/hide the column  Esc or q: close");
	else if (t->in.mode == MODE_SORTMENU)
		snprintf(hint, sizeof(hint), "Up/Down: move  Enter: sort by it"
			 "  I: invert  Esc or q: close");
	else
		keybar_hints(t, hint, sizeof(hint));
	/* Whole hints only: "l: n" would be no hint at all. */
	layout_items(fit, sizeof(fit), hint, cols);
	screen_put(y, 0, cols, fit, A_NORMAL, false);
}
