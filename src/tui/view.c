/* The view: what the list shows, as an array of table records filtered
 * and sorted, or as group rows. Rebuilt only when the table changed or
 * the user changed the filter, sort or grouping; drawing then touches
 * only the visible rows. The selection is remembered by flow key (or
 * group key) so the cursor stays on the same connection while rows move
 * around it from one refresh to the next.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
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
			t->sel_key = t->view[t->sel]->f;
	}
}

void view_select(struct tui *t, size_t row)
{
	size_t n = view_rows(t);

	t->sel = n ? (row < n ? row : n - 1) : 0;
	view_remember(t);
	t->redraw = true;
}

struct sort_arg {
	struct sort_spec spec;
	bool rate, rev;
};

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct table_flow *a = *(struct table_flow *const *)pa;
	const struct table_flow *b = *(struct table_flow *const *)pb;
	const struct sort_arg *s = arg;

	if (s->rate) {
		int c = (a->bps > b->bps) - (a->bps < b->bps);

		if (c)
			return s->rev ? -c : c;
	}
	return sort_compare(&s->spec, &a->f, &b->f);
}

static void sort_view(struct tui *t)
{
	struct sort_arg s;
	struct timespec ts;

	memset(&s, 0, sizeof(s));
	clock_gettime(CLOCK_REALTIME, &ts);
	s.spec.ctx.now_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	s.rate = t->sort_col == VCOL_RATE;
	s.rev = t->sort_rev;
	/* Equal rates fall back to the source address, a stable order. */
	s.spec.column = s.rate ? COL_SRC : (enum column_id)t->sort_col;
	s.spec.reverse = s.rate ? false : t->sort_rev;
	if (t->nview > 1)
		qsort_r(t->view, t->nview, sizeof(*t->view), cmp_rows, &s);
}

static bool view_grow(struct tui *t, size_t need)
{
	struct table_flow **v;
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

static void count_proto(struct tui *t, const struct flow *f)
{
	switch (f->protonum) {
	case FLOW_P_TCP:
		t->nproto[0]++;
		break;
	case FLOW_P_UDP:
	case FLOW_P_UDPLITE:
		t->nproto[1]++;
		break;
	case FLOW_P_ICMP:
	case FLOW_P_ICMPV6:
		t->nproto[2]++;
		break;
	default:
		t->nproto[3]++;
	}
}

static bool wanted(const struct tui *t, const struct flow *f)
{
	if (!filter_match(tui_filter(t), f))
		return false;
	return !t->drill || group_key_match(t->drill_by, &t->drill_key, f);
}

static void follow_selection(struct tui *t)
{
	size_t n = view_rows(t);

	if (t->group != GROUP_NONE && t->sel_gvalid) {
		for (size_t i = 0; i < t->ngrows; i++)
			if (!memcmp(&t->grows[i].key, &t->sel_gkey,
				    sizeof(t->sel_gkey))) {
				t->sel = i;
				return;
			}
	} else if (t->group == GROUP_NONE && t->sel_valid) {
		for (size_t i = 0; i < t->nview; i++)
			if (flow_key_equal(&t->view[i]->f, &t->sel_key)) {
				t->sel = i;
				return;
			}
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
		count_proto(t, &tf->f);
		if (!wanted(t, &tf->f))
			continue;
		if (t->group != GROUP_NONE) {
			if (t->grouper)
				group_add(t->grouper, &tf->f);
		} else if (t->nview < t->capview || view_grow(t, t->nview + 1)) {
			t->view[t->nview++] = tf;
		}
	}
	if (t->group != GROUP_NONE && t->grouper) {
		t->grows = group_rows(t->grouper, &t->ngrows);
		t->gtotal = group_total(t->grouper);
	} else {
		sort_view(t);
	}
	follow_selection(t);
}

void view_update(struct tui *t)
{
	bool changed = table_version(t->tbl) != t->view_version;

	/* During a dump records are updated in place and none is freed, so
	 * the old view stays valid; rebuild once the dump is complete. */
	if (!t->view_dirty && (!changed || t->sweeping))
		return;
	rebuild(t);
	t->view_version = table_version(t->tbl);
	t->view_dirty = false;
	t->redraw = true;
}

/* Tags: a small array of flow keys, searched linearly (a person tags a
 * handful of rows, not thousands). */

static ssize_t tag_index(const struct tui *t, const struct flow *f)
{
	for (size_t i = 0; i < t->ntags; i++)
		if (flow_key_equal(&t->tags[i], f))
			return (ssize_t)i;
	return -1;
}

bool view_is_tagged(const struct tui *t, const struct flow *f)
{
	return t->ntags && tag_index(t, f) >= 0;
}

void view_untag(struct tui *t, const struct flow *f)
{
	ssize_t i = tag_index(t, f);

	if (i >= 0)
		t->tags[i] = t->tags[--t->ntags];
}

void view_tag_toggle(struct tui *t, const struct flow *f)
{
	if (tag_index(t, f) >= 0) {
		view_untag(t, f);
		return;
	}
	if (t->ntags == t->captags) {
		size_t cap = t->captags ? t->captags * 2 : 16;
		struct flow *v = realloc(t->tags, cap * sizeof(*v));

		if (!v)
			return;
		t->tags = v;
		t->captags = cap;
	}
	t->tags[t->ntags++] = *f;
}

void view_untag_all(struct tui *t)
{
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

		cell_text(t, t->cols[c], t->view[row], cell, sizeof(cell));
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
