/* The view: what the list shows, as an array of table records filtered
 * and sorted (an order, order.h, repaired row by row as records change),
 * or as group rows. Rebuilt only when the user changed the filter, sort
 * or grouping, or too much changed at once; drawing then touches
 * only the visible rows. The selection is remembered by flow key (or
 * group key) so the cursor stays on the same connection while rows move
 * around it from one refresh to the next.
 *
 * The first screen is the one a user waits for: the list is gathered
 * while the first dump runs, with its first rows kept sorted in front,
 * so that the screen is drawn as soon as the dump ends and the rest of
 * the rows are sorted just after (view_prepare, view_settle).
 */
#include <string.h>
#include <time.h>

#include "../format.h"
#include "../order.h"
#include "tui_int.h"

const struct filter *tui_filter(const struct tui *t)
{
	return t->own_flt ? t->own_flt : t->base_flt;
}

static void collect_drop(struct tui *t)
{
	t->collecting = false;
	order_free(&t->collect);
}

void view_invalidate(struct tui *t)
{
	/* The list gathered so far follows the old settings (and may point
	 * to a filter just freed): the end of the dump rebuilds instead. */
	if (t->collecting)
		collect_drop(t);
	t->view_dirty = true;
	t->redraw = true;
}

size_t view_rows(const struct tui *t)
{
	return t->group != GROUP_NONE ? t->ngrows : order_count(&t->ord);
}

void view_remember(struct tui *t)
{
	if (t->group != GROUP_NONE) {
		t->sel_gvalid = t->sel < t->ngrows;
		if (t->sel_gvalid)
			t->sel_gkey = t->grows[t->sel].key;
	} else {
		/* NULL also past the rows of a preview (order_pending). */
		const struct table_flow *r = order_at(&t->ord, t->sel);

		t->sel_valid = r != NULL;
		if (r)
			t->sel_key = r->f;
	}
}

void view_select(struct tui *t, size_t row)
{
	size_t n = view_rows(t);

	t->sel = n ? (row < n ? row : n - 1) : 0;
	view_remember(t);
	t->redraw = true;
}

size_t view_proto_slot(uint8_t protonum)
{
	switch (protonum) {
	case FLOW_P_TCP:
		return 0;
	case FLOW_P_UDP:
	case FLOW_P_UDPLITE:
		return 1;
	case FLOW_P_ICMP:
	case FLOW_P_ICMPV6:
		return 2;
	default:
		return 3;
	}
}

static bool drill_keep(const struct flow *f, void *arg)
{
	const struct tui *t = arg;

	return group_key_match(t->drill_by, &t->drill_key, f);
}

/* The order's settings as the user chose them: sort, filter, drill. */
static void order_setup(struct tui *t, struct order *o)
{
	struct order_spec spec;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	order_spec_init(&spec, t->sort_col, t->sort_rev,
			(uint64_t)ts.tv_sec * 1000000000ull +
			(uint64_t)ts.tv_nsec);
	order_set(o, &spec, tui_filter(t), t->drill ? drill_keep : NULL, t);
}

static bool follow_flow(struct tui *t)
{
	struct table_flow *r = table_find(t->tbl, &t->sel_key);
	size_t i;

	if (!r || !order_wants(&t->ord, &r->f))
		return false;
	i = order_find(&t->ord, r);
	if (i == order_count(&t->ord))
		return false;
	t->sel = i;
	return true;
}

/* Keep the cursor on the same flow (or group), and the flow on the same
 * screen line, while rows come and go around it. */
static void follow_selection(struct tui *t)
{
	size_t n = view_rows(t), old = t->sel;
	size_t off = t->sel >= t->top ? t->sel - t->top : 0;
	bool found = false;

	if (t->group != GROUP_NONE && t->sel_gvalid) {
		for (size_t i = 0; i < t->ngrows; i++)
			if (!memcmp(&t->grows[i].key, &t->sel_gkey,
				    sizeof(t->sel_gkey))) {
				t->sel = i;
				found = true;
				break;
			}
	} else if (t->group == GROUP_NONE && t->sel_valid) {
		found = follow_flow(t);
	}
	if (found) {
		if (t->sel != old)
			t->top = t->sel >= off ? t->sel - off : 0;
		return;
	}
	/* The selected flow is gone: stay at the same height. */
	if (t->sel >= n)
		t->sel = n ? n - 1 : 0;
	view_remember(t);
}

/* Rows sorted ahead of the rest by a preview: the page, with room for a
 * terminal that grows before the rest is sorted. */
#define PREVIEW_SLACK 256
/* Rows the first dump keeps sorted ahead (the terminal's size may not be
 * known yet when it starts). */
#define COLLECT_TOP 512

/* The first dump: the list is gathered as the flows come in, on the UI
 * thread that otherwise waits for the kernel, so that when the dump ends
 * only its first page is left to sort before the first screen. Records
 * inserted go to the order being collected (t->collect, not t->ord: the
 * screen shows none until the dump is complete); records changed or
 * removed meanwhile go to the set of changes as usual (tui_upsert,
 * tui_remove), and are put right at the end (order_top_fix). */
void view_collect_begin(struct tui *t)
{
	if (t->group != GROUP_NONE || t->collecting)
		return;
	order_init(&t->collect);
	order_setup(t, &t->collect);
	order_begin_top(&t->collect, table_count(t->tbl) +
			t->collect_hint, COLLECT_TOP);
	dirty_clear(t);
	t->collecting = true;
	t->collect_failed = false;
}

void view_collect(struct tui *t, const struct table_flow *r)
{
	if (t->collecting && !order_offer(&t->collect, r) &&
	    order_wants(&t->collect, &r->f))
		t->collect_failed = true;	/* out of memory */
}

void view_collect_changed(struct tui *t, const struct table_flow *r)
{
	dirty_add(t, r);
	order_top_forget(&t->collect, r);
}

/* The collected list as the view, if nothing spoiled it: the sort, the
 * filter or the grouping changed meanwhile, too much changed, or the
 * sweep removed flows behind our back. False: rebuild. */
static bool collect_take(struct tui *t, bool preview)
{
	size_t need = t->top + (t->list_h > 0 ? (size_t)t->list_h :
				 PREVIEW_SLACK);
	bool ok;

	if (!t->collecting)
		return false;
	ok = !t->collect_failed && !t->view_dirty && !t->dirty.all &&
	     t->group == GROUP_NONE && !t->sel_valid &&
	     !order_top_fix(&t->collect, &t->dirty);
	if (!ok) {
		collect_drop(t);
		return false;
	}
	t->collecting = false;
	order_free(&t->ord);
	t->ord = t->collect;
	memset(&t->collect, 0, sizeof(t->collect));
	/* Too few rows kept in front for the page: sort them all now. */
	if (preview && order_top_count(&t->ord) >= need)
		order_finish_top(&t->ord);
	else
		order_finish(&t->ord);
	t->grows = NULL;
	t->ngrows = 0;
	dirty_clear(t);
	follow_selection(t);
	return true;
}

/* PREVIEW: the sort of the rows past the first page may stay pending
 * (order.h) until view_settle, so that the page is drawn first. */
static void rebuild(struct tui *t, bool preview)
{
	struct table_flow *tf;
	size_t cur = 0;

	memset(t->nproto, 0, sizeof(t->nproto));
	t->grows = NULL;
	t->ngrows = 0;
	order_setup(t, &t->ord);
	if (t->group != GROUP_NONE) {
		if (t->grouper)
			group_free(t->grouper);
		t->grouper = group_new(t->group);
		order_clear(&t->ord);
	} else if (preview) {
		order_begin_top(&t->ord, table_count(t->tbl), t->top +
				(t->list_h > 0 ? (size_t)t->list_h : 0) +
				PREVIEW_SLACK);
	} else {
		order_begin(&t->ord, table_count(t->tbl));
	}
	/* One pass serves the protocol counts and the list (or groups). */
	while ((tf = table_next(t->tbl, &cur))) {
		t->nproto[view_proto_slot(tf->f.protonum)]++;
		if (t->group == GROUP_NONE) {
			order_offer(&t->ord, tf);
		} else if (t->grouper && order_wants(&t->ord, &tf->f)) {
			group_add(t->grouper, &tf->f);
		}
	}
	if (t->group != GROUP_NONE && t->grouper) {
		t->grows = group_rows(t->grouper, &t->ngrows);
		t->gtotal = group_total(t->grouper);
	} else if (preview) {
		order_finish_top(&t->ord);
	} else {
		order_finish(&t->ord);
	}
	dirty_clear(t);
	follow_selection(t);
}

/* Bring the sorted view up to date with the records that changed since
 * (order.c): the cost grows with what changed, not with the table. */
static void patch(struct tui *t)
{
	if (order_update(&t->ord, &t->dirty)) {
		rebuild(t, false);
		return;
	}
	dirty_clear(t);
	follow_selection(t);
}

/* PREVIEW: see rebuild(); only the first list after the first dump is
 * built so (nothing is selected yet, so nothing has to be followed). */
static void update(struct tui *t, bool preview)
{
	uint64_t now, took;

	/* Until the first dump is complete the list says it is reading:
	 * sorting a table half read, again and again, would only slow the
	 * first full screen down. The end of the dump rebuilds it all. */
	if (!t->dumped_once) {
		order_clear(&t->ord);
		t->ngrows = 0;
		t->grows = NULL;
		/* While collecting, the changes are the collection's. */
		if (!t->collecting)
			dirty_clear(t);
		return;
	}
	view_settle(t);
	if (!t->view_built && collect_take(t, preview)) {
		/* The list gathered during the first dump. */
	} else if (t->group != GROUP_NONE) {
		/* Group rows hold keys, not records: stale ones are safe
		 * to draw, so the whole-table pass is rate-limited. */
		if (t->dirty.n || t->dirty.all) {
			t->groups_stale = true;
			dirty_clear(t);
		}
		now = tui_now_ms();
		if (!t->view_dirty && !(t->groups_stale && now >= t->next_group_ms))
			return;
		rebuild(t, false);
		took = tui_now_ms() - now;
		t->next_group_ms = now + (uint64_t)(t->delay * 1000);
		if (t->next_group_ms < now + 10 * took)
			t->next_group_ms = now + 10 * took;
		t->groups_stale = false;
	} else if (t->view_dirty || t->dirty.all || !t->view_built) {
		rebuild(t, preview && !t->view_built && !t->sel_valid);
	} else if (t->dirty.n) {
		patch(t);
	} else {
		return;
	}
	t->view_built = true;
	t->view_version = table_version(t->tbl);
	t->view_dirty = false;
	t->redraw = true;
}

void view_update(struct tui *t)
{
	update(t, false);
	view_settle(t);
}

void view_prepare(struct tui *t)
{
	update(t, true);
}

void view_settle(struct tui *t)
{
	if (!order_pending(&t->ord))
		return;
	order_finish(&t->ord);
	follow_selection(t);
}

/* Tags: flow keys in a table of their own, so tagging thousands of rows
 * and drawing them stays cheap. */

bool view_is_tagged(const struct tui *t, const struct flow *f)
{
	return t->ntags && table_find(t->tags, f);
}

void view_untag(struct tui *t, const struct flow *f)
{
	if (t->ntags && table_remove(t->tags, f))
		t->ntags = table_count(t->tags);
}

void view_tag_toggle(struct tui *t, const struct flow *f)
{
	if (view_is_tagged(t, f)) {
		view_untag(t, f);
		return;
	}
	if (!t->tags && !(t->tags = table_new()))
		return;
	table_upsert(t->tags, f, 0);
	t->ntags = table_count(t->tags);
}

void view_untag_all(struct tui *t)
{
	table_free(t->tags);
	t->tags = NULL;
	t->ntags = 0;
}

void view_set_sort(struct tui *t, int col, bool reverse)
{
	t->sort_col = col;
	t->sort_rev = reverse;
	view_invalidate(t);
}

void view_cycle_group(struct tui *t)
{
	static const enum group_by order[] = {
		GROUP_NONE, GROUP_SRC, GROUP_DST, GROUP_DPORT, GROUP_PROTO,
		GROUP_STATE,
	};
	size_t n = sizeof(order) / sizeof(order[0]), i;

	for (i = 0; i < n && order[i] != t->group; i++)
		;
	t->group = order[(i + 1) % n];
	t->sel = t->top = 0;
	t->sel_gvalid = false;
	view_invalidate(t);
}

void view_enter_group(struct tui *t)
{
	const struct group_row *row;

	if (t->group == GROUP_NONE || t->sel >= t->ngrows)
		return;
	row = &t->grows[t->sel];
	t->drill = true;
	t->drill_by = t->group;
	t->drill_key = row->key;
	group_key_format(t->drill_text, sizeof(t->drill_text), t->group,
			 &row->key);
	t->group = GROUP_NONE;
	t->sel = t->top = 0;
	t->sel_valid = false;
	view_invalidate(t);
}

bool view_leave_group(struct tui *t)
{
	if (!t->drill)
		return false;
	t->drill = false;
	t->group = t->drill_by;
	t->sel_gkey = t->drill_key;
	t->sel_gvalid = true;
	t->top = 0;
	view_invalidate(t);
	return true;
}

void view_row_text(struct tui *t, size_t row, char *buf, size_t len)
{
	size_t pos = 0;
	char cell[128];

	if (!len)
		return;
	buf[0] = '\0';
	if (t->group != GROUP_NONE) {
		if (row < t->ngrows)
			group_key_format(buf, len, t->group, &t->grows[row].key);
		return;
	}
	if (row >= order_count(&t->ord))
		return;
	for (size_t c = 0; c < t->ncols && pos + 1 < len; c++) {
		size_t n;

		cell_text(t, t->cols[c], VREC(t, row), cell, sizeof(cell));
		n = strlen(cell);
		if (pos + n + 2 > len)
			break;
		memcpy(buf + pos, cell, n);
		pos += n;
		buf[pos++] = ' ';
		buf[pos] = '\0';
	}
}

/* The time one search step may take: well under a key repeat. */
#define SEARCH_STEP_MS	20

void view_search(struct tui *t, const char *needle, size_t from, bool live)
{
	snprintf(t->finding.needle, sizeof(t->finding.needle), "%s", needle);
	t->finding.next = from;
	t->finding.left = view_rows(t);
	t->finding.live = live;
	t->finding.active = true;
	view_search_step(t);
}

bool view_search_pending(const struct tui *t)
{
	return t->finding.active;
}

void view_search_stop(struct tui *t)
{
	t->finding.active = false;
}

/* Whether the search reports on the open search prompt, else on the
 * status line (after n, or once the prompt was closed with Enter). */
static bool search_on_prompt(const struct tui *t)
{
	return t->finding.live && t->mode == MODE_PROMPT;
}

static void search_ended(struct tui *t, bool found)
{
	t->finding.active = false;
	t->redraw = true;
	if (search_on_prompt(t))
		snprintf(t->perr, sizeof(t->perr), "%s",
			 found ? "" : "not found");
	else if (!found)
		status_set(t, true, "not found: %s", t->finding.needle);
	else
		t->status[0] = '\0';	/* the "searching" note */
}

void view_search_step(struct tui *t)
{
	uint64_t until = tui_now_ms() + SEARCH_STEP_MS;
	size_t n, i;
	char text[1024];

	if (!t->finding.active)
		return;
	/* Rows removed since the last step must not be matched. */
	view_update(t);
	n = view_rows(t);
	if (!*t->finding.needle || !n) {
		search_ended(t, false);
		return;
	}
	/* The view may have shrunk since the last step. */
	if (t->finding.left > n)
		t->finding.left = n;
	for (size_t k = 0; t->finding.left; k++) {
		i = t->finding.next % n;
		t->finding.next = i + 1;
		t->finding.left--;
		view_row_text(t, i, text, sizeof(text));
		if (strcasestr(text, t->finding.needle)) {
			view_select(t, i);
			search_ended(t, true);
			return;
		}
		if (k % 256 == 255 && tui_now_ms() >= until)
			break;
	}
	if (!t->finding.left) {
		search_ended(t, false);
		return;
	}
	/* Under way: say so, with how far it got. */
	if (search_on_prompt(t))
		snprintf(t->perr, sizeof(t->perr), "searching %zu%%",
			 100 - t->finding.left * 100 / n);
	else
		status_set(t, false, "searching %zu%%",
			   100 - t->finding.left * 100 / n);
	t->redraw = true;
}
