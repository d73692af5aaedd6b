/* Deleting flows from the kernel, on the UI thread's own socket.
 *
 * What a delete key acts on, in order: the tagged flows; else every flow
 * of the selected group; else the selected flow. The flows are copied
 * before the confirmation (the table may change while the dialog is up)
 * and each is deleted by tuple, zone and conntrack id, so a new
 * connection that reused a tuple meanwhile is left alone.
 *
 * A group can hold a hundred thousand flows, a request each: they go a
 * slice at a time (DELETE_SLICE_MS per loop turn) with the progress on
 * the status line, so the screen keeps answering and Esc stops.
 */
#include <stdlib.h>
#include <string.h>

#include "tui_int.h"

#define DELETE_SLICE_MS 25

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
		struct table_flow *tag;
		size_t cur = 0;

		while ((tag = table_next(t->tags, &cur))) {
			struct table_flow *tf = table_find(t->tbl, &tag->f);

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
	} else if (t->sel < order_count(&t->ord)) {
		victims_push(t, &VREC(t, t->sel)->f, &cap);
	}
	return t->nvictims;
}

static void delete_finish(struct tui *t, bool stopped)
{
	size_t left = t->nvictims - t->del_next;

	free(t->victims);
	t->victims = NULL;
	t->nvictims = 0;
	t->deleting = false;
	if (t->del_failed)
		status_set(t, true, "deleted %zu, failed %zu: %s", t->del_done,
			   t->del_failed, t->del_err);
	else if (stopped)
		status_set(t, false, "stopped: deleted %zu, failed 0, %zu left",
			   t->del_done, left);
	else
		status_set(t, false, "deleted %zu, failed 0", t->del_done);
}

void delete_run(struct tui *t)
{
	t->deleting = true;
	t->del_next = t->del_done = t->del_failed = 0;
	t->del_err[0] = '\0';
	/* The slices run at the top of the main loop, where the table may
	 * change (not in the middle of a key's handling). */
	status_set(t, false, "deleting %zu flows...", t->nvictims);
}

void delete_step(struct tui *t)
{
	struct ctop_err err = { 0 };
	uint64_t start = tui_now_ms();

	if (!t->deleting)
		return;
	while (t->del_next < t->nvictims &&
	       tui_now_ms() - start < DELETE_SLICE_MS) {
		const struct flow *f = &t->victims[t->del_next++];

		/* 0 is "already gone": the flow is not there, as asked. */
		if (source_delete(t->usrc, f, &err) >= 0) {
			t->del_done++;
			tui_remove(t, f);
			view_untag(t, f);
		} else {
			t->del_failed++;
			snprintf(t->del_err, sizeof(t->del_err), "%s", err.msg);
		}
	}
	t->redraw = true;
	if (t->del_next < t->nvictims) {
		status_set(t, false, "deleting: %zu of %zu done (Esc stops)",
			   t->del_next, t->nvictims);
		return;
	}
	delete_finish(t, false);
}

void delete_cancel(struct tui *t)
{
	if (t->deleting)
		delete_finish(t, true);
}
