/* The view: what the list shows, as an array of table records filtered
 * and sorted, or as group rows. Rebuilt only when the table changed or
 * the user changed the filter, sort or grouping; drawing then touches
 * only the visible rows. The selection is remembered by flow key (or
 * group key) so the cursor stays on the same connection while rows move
 * around it from one refresh to the next.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../format.h"
#include "../sort.h"
#include "tui_int.h"

const struct filter *tui_filter(const struct tui *t)
{
	return t->own_flt ? t->own_flt : t->base_flt;
}

void view_invalidate(struct tui *t)
{
	t->view_dirty = true;
	t->redraw = true;
}

size_t view_rows(const struct tui *t)
{
	return t->group != GROUP_NONE ? t->ngrows : t->nview;
}

void view_remember(struct tui *t)
{
	if (t->group != GROUP_NONE) {
		t->sel_gvalid = t->sel < t->ngrows;
		if (t->sel_gvalid)
			t->sel_gkey = t->grows[t->sel].key;
	} else {
		t->sel_valid = t->sel < t->nview;
		if (t->sel_valid)
			t->sel_key = *t->view[t->sel];
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

/* The view's order: the sort column (ties broken by the flow key, so the
 * order is total), or the rate first for the RATE column. */
static int view_cmp(const struct tui *t, const struct flow *a,
		    const struct flow *b)
{
	if (t->vrate) {
		const struct table_flow *ra = (const struct table_flow *)a;
		const struct table_flow *rb = (const struct table_flow *)b;
		int c = (ra->bps > rb->bps) - (ra->bps < rb->bps);

		if (c)
			return t->sort_rev ? -c : c;
	}
	return sort_compare(&t->vspec, a, b);
}

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	return view_cmp(arg, *(const struct flow *const *)pa,
			*(const struct flow *const *)pb);
}

static void spec_set(struct tui *t)
{
	struct timespec ts;

	memset(&t->vspec, 0, sizeof(t->vspec));
	clock_gettime(CLOCK_REALTIME, &ts);
	t->vspec.ctx.now_ns = (uint64_t)ts.tv_sec * 1000000000ull +
			      (uint64_t)ts.tv_nsec;
	t->vrate = t->sort_col == VCOL_RATE;
	/* Equal rates fall back to the source address, a stable order. */
	t->vspec.column = t->vrate ? COL_SRC : (enum column_id)t->sort_col;
	t->vspec.reverse = t->vrate ? false : t->sort_rev;
}

static void sort_array(struct tui *t, const struct flow **v, size_t n)
{
	if (n < 2)
		return;
	/* sort_flows extracts the keys once: several times faster than a
	 * comparison sort at a million rows. It knows no rate. */
	if (t->vrate)
		qsort_r(v, n, sizeof(*v), cmp_rows, t);
	else
		sort_flows(v, n, &t->vspec);
}

static bool view_grow(struct tui *t, size_t need)
{
	const struct flow **v;
	size_t cap = t->capview ? t->capview : 1024;

	if (need <= t->capview)
		return true;
	while (cap < need)
		cap *= 2;
	v = realloc(t->view, cap * sizeof(*v));
	if (!v)
		return false;
	t->view = v;
	t->capview = cap;
	return true;
}

static bool wanted(const struct tui *t, const struct flow *f)
{
	if (!filter_match(tui_filter(t), f))
		return false;
	return !t->drill || group_key_match(t->drill_by, &t->drill_key, f);
}

/* First position in view[0, n) whose entry sorts after f. */
static size_t view_upper(const struct tui *t, const struct flow *f, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (view_cmp(t, t->view[mid], f) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Where the record f is in the view, or nview. The view is sorted, so a
 * binary search finds it; while a dump updates records in place the
 * order may be off a little, hence the scan as a last resort. */
static size_t view_find(const struct tui *t, const struct flow *f)
{
	size_t lo = 0, hi = t->nview;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (view_cmp(t, t->view[mid], f) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->nview && t->view[lo] == f)
		return lo;
	for (size_t i = 0; i < t->nview; i++)
		if (t->view[i] == f)
			return i;
	return t->nview;
}

static bool follow_flow(struct tui *t)
{
	struct table_flow *r = table_find(t->tbl, &t->sel_key);
	size_t i;

	if (!r || !wanted(t, &r->f))
		return false;
	i = view_find(t, &r->f);
	if (i == t->nview)
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

static void rebuild(struct tui *t)
{
	struct table_flow *tf;
	size_t cur = 0;

	memset(t->nproto, 0, sizeof(t->nproto));
	t->nview = 0;
	t->grows = NULL;
	t->ngrows = 0;
	if (t->group != GROUP_NONE) {
		if (t->grouper)
			group_free(t->grouper);
		t->grouper = group_new(t->group);
	}
	view_grow(t, table_count(t->tbl));
	while ((tf = table_next(t->tbl, &cur))) {
		t->nproto[view_proto_slot(tf->f.protonum)]++;
		if (!wanted(t, &tf->f))
			continue;
		if (t->group != GROUP_NONE) {
			if (t->grouper)
				group_add(t->grouper, &tf->f);
		} else if (t->nview < t->capview || view_grow(t, t->nview + 1)) {
			t->view[t->nview++] = &tf->f;
		}
	}
	spec_set(t);
	if (t->group != GROUP_NONE && t->grouper) {
		t->grows = group_rows(t->grouper, &t->ngrows);
		t->gtotal = group_total(t->grouper);
	} else {
		sort_array(t, t->view, t->nview);
	}
	dirty_clear(t);
	follow_selection(t);
}

/* Bring the sorted view up to date with the records that changed since:
 * drop them, then put back those that still belong, each at its place
 * found by binary search. Linear in the view's size for the moves, but
 * with no comparison per row, and no sort of the whole. */
static void patch(struct tui *t)
{
	const struct dirty_set *d = &t->dirty;
	const struct flow **ins;
	size_t keep = 0, m = 0, hi, out;

	for (size_t i = 0; i < t->nview; i++)
		if (!dirty_has(t, t->view[i]))
			t->view[keep++] = t->view[i];
	t->nview = keep;
	ins = malloc(d->n * sizeof(*ins));
	if (!ins) {
		rebuild(t);
		return;
	}
	for (size_t i = 0; i < d->cap; i++) {
		const struct table_flow *r = d->v[i];

		/* family 0: removed and not reused. */
		if (r && r->f.family && wanted(t, &r->f))
			ins[m++] = &r->f;
	}
	if (m && !view_grow(t, t->nview + m)) {
		free(ins);
		rebuild(t);
		return;
	}
	sort_array(t, ins, m);
	/* Merge from the back: entries below hi are still in place. */
	hi = t->nview;
	out = t->nview + m;
	for (size_t j = m; j-- > 0;) {
		size_t pos = view_upper(t, ins[j], hi);

		out -= hi - pos;
		memmove(&t->view[out], &t->view[pos],
			(hi - pos) * sizeof(*t->view));
		t->view[--out] = ins[j];
		hi = pos;
	}
	t->nview += m;
	free(ins);
	dirty_clear(t);
	follow_selection(t);
}

void view_update(struct tui *t)
{
	uint64_t now, took;

	/* Until the first dump is complete the list says it is reading:
	 * sorting a table half read, again and again, would only slow the
	 * first full screen down. The end of the dump rebuilds it all. */
	if (!t->dumped_once) {
		t->nview = 0;
		t->ngrows = 0;
		t->grows = NULL;
		dirty_clear(t);
		return;
	}
	if (t->group != GROUP_NONE) {
		/* Group rows hold keys, not records: stale ones are safe
		 * to draw, so the whole-table pass is rate-limited. */
		if (t->dirty.n || t->dirty.all) {
			t->groups_stale = true;
			dirty_clear(t);
		}
		now = tui_now_ms();
		if (!t->view_dirty && !(t->groups_stale && now >= t->next_group_ms))
			return;
		rebuild(t);
		took = tui_now_ms() - now;
		t->next_group_ms = now + (uint64_t)(t->delay * 1000);
		if (t->next_group_ms < now + 10 * took)
			t->next_group_ms = now + 10 * took;
		t->groups_stale = false;
	} else if (t->view_dirty || t->dirty.all) {
		rebuild(t);
	} else if (t->dirty.n) {
		patch(t);
	} else {
		return;
	}
	t->view_version = table_version(t->tbl);
	t->view_dirty = false;
	t->redraw = true;
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
	if (row >= t->nview)
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

bool view_search(struct tui *t, const char *needle, size_t from, bool wrap)
{
	size_t n = view_rows(t);
	char text[1024];

	if (!*needle || !n)
		return false;
	for (size_t k = 0; k < n; k++) {
		size_t i = from + k;

		if (i >= n) {
			if (!wrap)
				break;
			i -= n;
		}
		view_row_text(t, i, text, sizeof(text));
		if (strcasestr(text, needle)) {
			view_select(t, i);
			return true;
		}
	}
	return false;
}
