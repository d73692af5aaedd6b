/* Deleting flows from the kernel, on the UI thread's own socket.
 *
 * What a delete key acts on, in order: the tagged flows; else every flow
 * of the selected group; else the selected flow. The flows are copied
 * before the confirmation (the table may change while the dialog is up)
 * and each is deleted by tuple, zones and conntrack id, so a new
 * connection that reused a tuple meanwhile is left alone. A flow counts
 * as "already gone" only when the kernel has no entry for it at all
 * (source_delete looks again after ENOENT); otherwise it failed, and the
 * status line says why.
 *
 * A group can hold a hundred thousand flows, a request each: they go a
 * slice at a time (DELETE_SLICE_MS per loop turn) with the progress on
 * the status line, so the screen keeps answering and Esc stops.
 */
#include <stdlib.h>
#include <string.h>

#include "../clock.h"
#include "session.h"

#define DELETE_SLICE_MS 25

static bool victims_push(struct deleter *d, const struct flow *f, size_t *cap)
{
	if (d->nvictims == *cap) {
		size_t n = *cap ? *cap * 2 : 16;
		struct flow *v = realloc(d->victims, n * sizeof(*v));

		if (!v)
			return false;
		d->victims = v;
		*cap = n;
	}
	d->victims[d->nvictims++] = *f;
	return true;
}

void delete_drop(struct deleter *d)
{
	free(d->victims);
	d->victims = NULL;
	d->nvictims = 0;
}

void delete_free(struct deleter *d)
{
	delete_drop(d);
}

size_t delete_gather(struct tui *t)
{
	struct listview *lv = &t->lv;
	struct deleter *d = &t->del;
	size_t cap = 0;

	delete_drop(d);
	if (lv->ntags && lv->group == GROUP_NONE) {
		struct table_rec *tag, *r;
		struct table_flow v;
		size_t cur = 0;

		while ((tag = table_next(lv->tags, &cur))) {
			table_view(lv->tags, tag, &v);
			r = table_find(t->m.tbl, &v.f);
			/* Gone since it was tagged: nothing to delete. */
			if (!r)
				continue;
			table_view(t->m.tbl, r, &v);
			if (!victims_push(d, &v.f, &cap))
				break;
		}
	} else if (lv->group != GROUP_NONE) {
		const struct filter *flt = listview_filter(lv);
		struct group_key key;
		struct table_rec *r;
		struct table_flow v;
		const struct flow *f = &v.f;
		size_t cur = 0;

		if (lv->sel >= lv->ngrows)
			return 0;
		key = lv->grows[lv->sel].key;
		while ((r = table_next(t->m.tbl, &cur))) {
			table_view(t->m.tbl, r, &v);
			if (!filter_match(flt, f) ||
			    (lv->drill && !group_key_match(lv->drill_by,
							   &lv->drill_key, f)) ||
			    !group_key_match(lv->group, &key, f))
				continue;
			if (!victims_push(d, f, &cap))
				break;
		}
	} else if (listview_rec(lv, lv->sel)) {
		struct table_flow v;

		table_view(t->m.tbl, listview_rec(lv, lv->sel), &v);
		victims_push(d, &v.f, &cap);
	}
	return d->nvictims;
}

static void delete_finish(struct tui *t, bool stopped)
{
	struct deleter *d = &t->del;
	size_t left = d->nvictims - d->next;
	char done[64];

	delete_drop(d);
	d->running = false;
	if (d->gone)
		snprintf(done, sizeof(done), "deleted %zu (%zu already gone)",
			 d->done, d->gone);
	else
		snprintf(done, sizeof(done), "deleted %zu", d->done);
	if (d->failed)
		status_set(&t->st, true, "%s, failed %zu: %s", done, d->failed,
			   d->err);
	else if (stopped)
		status_set(&t->st, false, "stopped: %s, failed 0, %zu left",
			   done, left);
	else
		status_set(&t->st, false, "%s, failed 0", done);
}

void delete_run(struct tui *t)
{
	struct deleter *d = &t->del;

	d->running = true;
	d->next = d->done = d->gone = d->failed = 0;
	d->err[0] = '\0';
	/* The slices run at the top of the main loop, where the table may
	 * change (not in the middle of a key's handling). */
	status_set(&t->st, false, "deleting %zu flows...", d->nvictims);
}

bool delete_step(struct tui *t)
{
	struct deleter *d = &t->del;
	struct ctop_err err = { 0 };
	uint64_t start = clock_monotonic_ms();

	if (!d->running)
		return false;
	while (d->next < d->nvictims &&
	       clock_monotonic_ms() - start < DELETE_SLICE_MS) {
		const struct flow *f = &d->victims[d->next++];

		/* 0 is "already gone": the kernel has no such entry, as
		 * asked; the flow leaves the screen either way. */
		switch (source_delete(t->sync.usrc, f, &err)) {
		case 1:
			d->done++;
			break;
		case 0:
			d->gone++;
			break;
		default:
			d->failed++;
			snprintf(d->err, sizeof(d->err), "%s", err.msg);
			continue;
		}
		model_remove(&t->m, f);
		listview_untag(&t->lv, f);
	}
	if (d->next < d->nvictims) {
		status_set(&t->st, false, "deleting: %zu of %zu done (Esc stops)",
			   d->next, d->nvictims);
		return true;
	}
	delete_finish(t, false);
	return true;
}

void delete_cancel(struct tui *t)
{
	if (t->del.running)
		delete_finish(t, true);
}
