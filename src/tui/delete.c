/* Deleting flows from the kernel, on the UI thread's own socket.
 *
 * What a delete key acts on, in order: the tagged flows; else every flow
 * of the selected group; else the selected flow. The flows are copied
 * before the confirmation (the table may change while the dialog is up)
 * and each is deleted by tuple, zone and conntrack id, so a new
 * connection that reused a tuple meanwhile is left alone.
 */
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

static bool victims_push(struct tui *t, const struct flow *f, size_t *cap)
{
	if (t->nvictims == *cap) {
		size_t n = *cap ? *cap * 2 : 16;
		struct flow *v = realloc(t->victims, n * sizeof(*v));

		if (!v)
			return false;
		t->victims = v;
		*cap = n;
	}
	t->victims[t->nvictims++] = *f;
	return true;
}

size_t delete_gather(struct tui *t)
{
	size_t cap = 0;

	free(t->victims);
	t->victims = NULL;
	t->nvictims = 0;
	if (t->ntags && t->group == GROUP_NONE) {
		for (size_t i = 0; i < t->ntags; i++) {
			struct table_flow *tf = table_find(t->tbl, &t->tags[i]);

			/* Gone since it was tagged: nothing to delete. */
			if (tf && !victims_push(t, &tf->f, &cap))
				break;
		}
	} else if (t->group != GROUP_NONE) {
		const struct filter *flt = tui_filter(t);
		struct group_key key;
		struct table_flow *tf;
		size_t cur = 0;

		if (t->sel >= t->ngrows)
			return 0;
		key = t->grows[t->sel].key;
		while ((tf = table_next(t->tbl, &cur))) {
			if (!filter_match(flt, &tf->f) ||
			    (t->drill && !group_key_match(t->drill_by,
							  &t->drill_key, &tf->f)) ||
			    !group_key_match(t->group, &key, &tf->f))
				continue;
			if (!victims_push(t, &tf->f, &cap))
				break;
		}
	} else if (t->sel < t->nview) {
		victims_push(t, &t->view[t->sel]->f, &cap);
	}
	return t->nvictims;
}

void delete_run(struct tui *t)
{
	struct ctop_err err = { 0 }, last = { 0 };
	size_t done = 0, failed = 0;

	for (size_t i = 0; i < t->nvictims; i++) {
		const struct flow *f = &t->victims[i];

		/* 0 is "already gone": the flow is not there, as asked. */
		if (source_delete(t->usrc, f, &err) >= 0) {
			done++;
			table_remove(t->tbl, f);
			view_untag(t, f);
		} else {
			failed++;
			last = err;
		}
	}
	free(t->victims);
	t->victims = NULL;
	t->nvictims = 0;
	/* Records were freed: the view must not be drawn before rebuilt. */
	view_invalidate(t);
	view_update(t);
	if (failed)
		status_set(t, true, "deleted %zu, failed %zu: %s", done, failed,
			   last.msg);
	else
		status_set(t, false, "deleted %zu, failed 0", done);
	tui_refresh_now(t);
}
