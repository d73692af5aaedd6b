/* Searching the list's rows in steps (search.h). */
#include <stdio.h>
#include <string.h>

#include "../clock.h"
#include "search.h"

/* The time one search step may take: well under a key repeat. */
#define SEARCH_STEP_MS	20

void search_start(struct search *s, const struct listview *lv,
		  const char *needle, size_t from, bool live)
{
	snprintf(s->needle, sizeof(s->needle), "%s", needle);
	s->next = from;
	s->left = listview_rows(lv);
	s->live = live;
	s->active = true;
}

bool search_pending(const struct search *s)
{
	return s->active;
}

void search_stop(struct search *s)
{
	s->active = false;
}

static enum search_result ended(struct search *s, bool found)
{
	s->active = false;
	return found ? SEARCH_FOUND : SEARCH_NOT_FOUND;
}

enum search_result search_step(struct search *s, struct listview *lv,
			       const struct cells *c, const struct model *m,
			       uint64_t now_ms, unsigned *pct)
{
	uint64_t until = clock_monotonic_ms() + SEARCH_STEP_MS;
	size_t n, i;
	char text[1024];

	if (!s->active)
		return SEARCH_IDLE;
	n = listview_rows(lv);
	if (!*s->needle || !n)
		return ended(s, false);
	/* The view may have shrunk since the last step. */
	if (s->left > n)
		s->left = n;
	for (size_t k = 0; s->left; k++) {
		i = s->next % n;
		s->next = i + 1;
		s->left--;
		listview_row_text(lv, c, m, i, now_ms, text, sizeof(text));
		if (strcasestr(text, s->needle)) {
			listview_select(lv, i);
			return ended(s, true);
		}
		if (k % 256 == 255 && clock_monotonic_ms() >= until)
			break;
	}
	if (!s->left)
		return ended(s, false);
	*pct = (unsigned)(100 - s->left * 100 / n);
	return SEARCH_RUNNING;
}
