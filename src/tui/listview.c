/* The list view (listview.h): what the flow list shows, as an array of
 * table records filtered and sorted (an order, order.h, repaired row by
 * row as records change), or as group rows. Rebuilt only when the user
 * changed the filter, sort or grouping, or too much changed at once;
 * drawing then touches only the visible rows.
 *
 * The first screen is the one a user waits for: the list is gathered
 * while the first dump runs (model.h), with its first rows kept sorted
 * in front, so that the screen is drawn as soon as the dump ends and the
 * rest of the rows are sorted just after (listview_prepare, _settle).
 */
#include <stdlib.h>
#include <string.h>

#include "../clock.h"
#include "../num.h"
#include "listview.h"

/* Rows sorted ahead of the rest by a preview: the page, with room for a
 * terminal that grows before the rest is sorted. */
#define PREVIEW_SLACK 256
/* Rows the first dump keeps sorted ahead (the terminal's size may not be
 * known yet when it starts). */
#define COLLECT_TOP 512

/* The default view adds traffic columns to the registry's default,
 * unless --columns chose the columns. */
static void columns_init(struct listview *lv, const struct cli *cli)
{
	enum column_id def[CLI_MAX_COLS];
	size_t ndef = columns_default(def, CLI_MAX_COLS);
	bool is_default = cli->ncols == ndef &&
			  !memcmp(def, cli->cols, ndef * sizeof(def[0]));

	lv->ncols = 0;
	for (size_t i = 0; i < cli->ncols && i < CLI_MAX_COLS; i++)
		lv->cols[lv->ncols++] = cli->cols[i];
	if (is_default) {
		lv->cols[lv->ncols++] = COL_PACKETS;
		lv->cols[lv->ncols++] = COL_BYTES;
		lv->cols[lv->ncols++] = COL_RATE;
	}
}

void listview_init(struct listview *lv, const struct cli *cli,
		   const struct filter *base_flt)
{
	memset(lv, 0, sizeof(*lv));
	order_init(&lv->ord);
	lv->base_flt = base_flt;
	columns_init(lv, cli);
	lv->sort_col = cli->sort_set ? (int)cli->sort : COL_SRC;
	lv->sort_rev = cli->reverse;
	lv->group = cli->group;
}

void listview_free(struct listview *lv)
{
	if (lv->grouper)
		group_free(lv->grouper);
	order_free(&lv->ord);
	table_free(lv->tags);
	filter_free(lv->own_flt);
	memset(lv, 0, sizeof(*lv));
}

const struct filter *listview_filter(const struct listview *lv)
{
	return lv->own_flt ? lv->own_flt : lv->base_flt;
}

void listview_invalidate(struct listview *lv, struct model *m)
{
	/* The list gathered so far follows the old settings (and may point
	 * to a filter just freed): the end of the dump rebuilds instead. */
	if (m->collecting)
		model_collect_drop(m);
	lv->stale = true;
}

void listview_set_filter(struct listview *lv, struct model *m,
			 struct filter *flt)
{
	listview_invalidate(lv, m);
	filter_free(lv->own_flt);
	lv->own_flt = flt;
	lv->sel = lv->top = 0;
}

size_t listview_rows(const struct listview *lv)
{
	return lv->group != GROUP_NONE ? lv->ngrows : order_count(&lv->ord);
}

const struct table_rec *listview_rec(const struct listview *lv, size_t row)
{
	return order_at(&lv->ord, row);
}

static void remember(struct listview *lv)
{
	if (lv->group != GROUP_NONE) {
		lv->sel_gvalid = lv->sel < lv->ngrows;
		if (lv->sel_gvalid)
			lv->sel_gkey = lv->grows[lv->sel].key;
	} else {
		/* NULL also past the rows of a preview (order_pending). */
		const struct table_rec *r = order_at(&lv->ord, lv->sel);
		struct table_flow v;

		lv->sel_valid = r != NULL;
		if (r) {
			table_view(lv->ord.tbl, r, &v);
			lv->sel_key = v.f;
		}
	}
}

void listview_select(struct listview *lv, size_t row)
{
	size_t n = listview_rows(lv);

	lv->sel = n ? (row < n ? row : n - 1) : 0;
	remember(lv);
}

void listview_move(struct listview *lv, long delta)
{
	size_t n = listview_rows(lv);

	if (n)
		listview_select(lv, index_step(lv->sel, delta, n));
}

bool listview_groups_summarized(const struct listview *lv)
{
	return lv->summary && lv->group != GROUP_NONE && !lv->drill &&
	       fr_group_dim(lv->group) >= 0 &&
	       !filter_text(listview_filter(lv))[0];
}

static bool drill_keep(const struct flow *f, void *arg)
{
	const struct listview *lv = arg;

	return group_key_match(lv->drill_by, &lv->drill_key, f);
}

/* The order's settings as the user chose them: sort, filter, drill. */
static void order_setup(struct listview *lv, struct order *o)
{
	struct order_spec spec;

	order_spec_init(&spec, lv->sort_col, lv->sort_rev, clock_realtime_ns());
	order_set(o, &spec, listview_filter(lv), lv->drill ? drill_keep : NULL,
		  lv);
}

static bool follow_flow(struct listview *lv, struct model *m)
{
	struct table_rec *r = table_find(m->tbl, &lv->sel_key);
	struct table_flow v;
	size_t i;

	if (!r)
		return false;
	table_view(m->tbl, r, &v);
	if (!order_wants(&lv->ord, &v.f))
		return false;
	i = order_find(&lv->ord, r);
	if (i == order_count(&lv->ord))
		return false;
	lv->sel = i;
	return true;
}

/* Keep the cursor on the same flow (or group), and the flow on the same
 * screen line, while rows come and go around it. */
static void follow_selection(struct listview *lv, struct model *m)
{
	size_t n = listview_rows(lv), old = lv->sel;
	size_t off = lv->sel >= lv->top ? lv->sel - lv->top : 0;
	bool found = false;

	if (lv->group != GROUP_NONE && lv->sel_gvalid) {
		for (size_t i = 0; i < lv->ngrows; i++)
			if (!memcmp(&lv->grows[i].key, &lv->sel_gkey,
				    sizeof(lv->sel_gkey))) {
				lv->sel = i;
				found = true;
				break;
			}
	} else if (lv->group == GROUP_NONE && lv->sel_valid) {
		found = follow_flow(lv, m);
	}
	if (found) {
		if (lv->sel != old)
			lv->top = lv->sel >= off ? lv->sel - off : 0;
		return;
	}
	/* The selected flow is gone: stay at the same height. */
	if (lv->sel >= n)
		lv->sel = n ? n - 1 : 0;
	remember(lv);
}

void listview_collect_begin(struct listview *lv, struct model *m)
{
	if (lv->group != GROUP_NONE || m->collecting)
		return;
	order_init(&m->collect);
	order_setup(lv, &m->collect);
	order_begin_top(&m->collect, m->tbl,
			table_count(m->tbl) + m->collect_hint, COLLECT_TOP);
	model_collect_start(m);
}

/* The gathered list as the view, if nothing spoiled it: the sort, the
 * filter or the grouping changed meanwhile, too much changed, or the
 * sweep removed flows behind our back, or moved records (a compaction
 * when the table shrank: every record freed since the gathering began
 * must have been told, else one may be named by a pointer that moved).
 * False: rebuild. */
static bool collect_take(struct listview *lv, struct model *m, bool preview)
{
	size_t need = lv->top + (lv->page ? lv->page : PREVIEW_SLACK);
	bool ok;

	if (!m->collecting)
		return false;
	ok = !m->collect_failed && !lv->stale && !m->dirty.all &&
	     table_frees(m->tbl) - m->collect.frees == m->dirty.ngone &&
	     lv->group == GROUP_NONE && !lv->sel_valid &&
	     !order_top_fix(&m->collect, &m->dirty);
	if (!ok) {
		model_collect_drop(m);
		return false;
	}
	m->collecting = false;
	order_free(&lv->ord);
	lv->ord = m->collect;
	memset(&m->collect, 0, sizeof(m->collect));
	/* Too few rows kept in front for the page: sort them all now. */
	if (preview && order_top_count(&lv->ord) >= need)
		order_finish_top(&lv->ord);
	else
		order_finish(&lv->ord);
	lv->grows = NULL;
	lv->ngrows = 0;
	model_dirty_clear(m);
	follow_selection(lv, m);
	return true;
}

/* PREVIEW: the sort of the rows past the first page may stay pending
 * (order.h) until listview_settle, so that the page is drawn first. */
static void rebuild(struct listview *lv, struct model *m, bool preview)
{
	struct table_rec *r;
	struct table_flow tf;
	size_t cur = 0;

	model_count_reset(m);
	lv->grows = NULL;
	lv->ngrows = 0;
	order_setup(lv, &lv->ord);
	if (lv->group != GROUP_NONE) {
		if (lv->grouper)
			group_free(lv->grouper);
		lv->grouper = group_new(lv->group);
		order_clear(&lv->ord);
	} else if (preview) {
		order_begin_top(&lv->ord, m->tbl, table_count(m->tbl),
				lv->top + lv->page + PREVIEW_SLACK);
	} else {
		order_begin(&lv->ord, m->tbl, table_count(m->tbl));
	}
	/* One pass serves the protocol counts and the list (or groups). */
	while ((r = table_next(m->tbl, &cur))) {
		table_view(m->tbl, r, &tf);
		model_count(m, &tf.f);
		if (lv->group == GROUP_NONE)
			order_offer_flow(&lv->ord, r, &tf.f);
		else if (lv->grouper && order_wants(&lv->ord, &tf.f))
			group_add(lv->grouper, &tf.f);
	}
	if (lv->grouper && listview_groups_summarized(lv)) {
		const struct fr_dimension *dm =
			&lv->summary->dim[fr_group_dim(lv->group)];

		/* Exact for its top keys, the rest in the total only. */
		for (uint32_t k = 0; k < dm->n; k++)
			group_add_key(lv->grouper, &dm->top[k].key,
				      dm->top[k].flows);
		group_add_flows(lv->grouper, dm->rest_flows);
	}
	if (lv->group != GROUP_NONE && lv->grouper) {
		lv->grows = group_rows(lv->grouper, &lv->ngrows);
		lv->gtotal = group_total(lv->grouper);
	} else if (preview) {
		order_finish_top(&lv->ord);
	} else {
		order_finish(&lv->ord);
	}
	model_dirty_clear(m);
	follow_selection(lv, m);
}

/* Bring the sorted view up to date with the records that changed since
 * (order.c): the cost grows with what changed, not with the table. */
static void patch(struct listview *lv, struct model *m)
{
	if (order_update(&lv->ord, &m->dirty)) {
		rebuild(lv, m, false);
		return;
	}
	model_dirty_clear(m);
	follow_selection(lv, m);
}

/* Group rows hold keys, not records: stale ones are safe to draw, so
 * the whole-table pass is rate-limited. False: not yet. */
static bool update_groups(struct listview *lv, struct model *m,
			  uint64_t now, uint64_t every)
{
	uint64_t took;

	if (m->dirty.n || m->dirty.all) {
		lv->groups_stale = true;
		model_dirty_clear(m);
	}
	if (!lv->stale && !(lv->groups_stale && now >= lv->next_group_ms))
		return false;
	rebuild(lv, m, false);
	took = clock_monotonic_ms() - now;
	lv->next_group_ms = now + every;
	if (lv->next_group_ms < now + 10 * took)
		lv->next_group_ms = now + 10 * took;
	lv->groups_stale = false;
	return true;
}

/* PREVIEW: see rebuild(); only the first list after the first dump is
 * built so (nothing is selected yet, so nothing has to be followed). */
static bool update(struct listview *lv, struct model *m, bool preview,
		   uint64_t now, uint64_t group_every)
{
	/* Until the first dump is complete the list says it is reading:
	 * sorting a table half read, again and again, would only slow the
	 * first full screen down. The end of the dump rebuilds it all. */
	if (!m->complete) {
		order_clear(&lv->ord);
		lv->ngrows = 0;
		lv->grows = NULL;
		/* While collecting, the changes are the gathering's. */
		if (!m->collecting)
			model_dirty_clear(m);
		return false;
	}
	listview_settle(lv, m);
	if (!lv->built && collect_take(lv, m, preview)) {
		/* The list gathered during the first dump. */
	} else if (lv->group != GROUP_NONE) {
		if (!update_groups(lv, m, now, group_every))
			return false;
	} else if (lv->stale || m->dirty.all || !lv->built) {
		rebuild(lv, m, preview && !lv->built && !lv->sel_valid);
	} else if (m->dirty.n) {
		patch(lv, m);
	} else {
		return false;
	}
	lv->built = true;
	lv->stale = false;
	return true;
}

bool listview_update(struct listview *lv, struct model *m, uint64_t now_ms,
		     uint64_t group_every_ms)
{
	bool changed = update(lv, m, false, now_ms, group_every_ms);

	listview_settle(lv, m);
	return changed;
}

bool listview_prepare(struct listview *lv, struct model *m, uint64_t now_ms,
		      uint64_t group_every_ms)
{
	return update(lv, m, true, now_ms, group_every_ms);
}

void listview_settle(struct listview *lv, struct model *m)
{
	if (!order_pending(&lv->ord))
		return;
	order_finish(&lv->ord);
	follow_selection(lv, m);
}

void listview_scroll(struct listview *lv, size_t h)
{
	size_t n = listview_rows(lv);

	lv->page = h;
	if (lv->sel >= n)
		lv->sel = n ? n - 1 : 0;
	if (lv->sel < lv->top)
		lv->top = lv->sel;
	if (h && lv->sel >= lv->top + h)
		lv->top = lv->sel - h + 1;
	if (lv->top + h > n)
		lv->top = n > h ? n - h : 0;
}

struct flow *listview_page_keys(const struct listview *lv, size_t *n)
{
	size_t from = lv->top, count = order_count(&lv->ord);
	struct flow *keys;

	*n = 0;
	if (lv->group != GROUP_NONE || from >= count || !lv->page)
		return NULL;
	count -= from;
	if (count > lv->page)
		count = lv->page;
	/* Keys, not records: a removal frees the record a row points to. */
	keys = malloc(count * sizeof(*keys));
	if (!keys)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		const struct table_rec *r = order_at(&lv->ord, from + i);
		struct table_flow v;

		if (!r)
			break;
		table_view(lv->ord.tbl, r, &v);
		keys[(*n)++] = v.f;
	}
	return keys;
}

const char *listview_volatile(const struct listview *lv, bool acct_off)
{
	if (lv->group == GROUP_NONE) {
		switch (lv->sort_col) {
		case COL_PACKETS:
		case COL_BYTES:
		case COL_RATE:
			/* Without accounting there are no counters to
			 * keep fresh. */
			if (!acct_off)
				return "counter sort";
			break;
		case COL_TTL:
			return "TTL sort";
		default:
			break;
		}
	} else if (!acct_off) {
		/* Group rows add up counters, which events do not carry. */
		return "group counters";
	}
	if (strcasestr(filter_text(listview_filter(lv)), "ttl"))
		return "TTL filter";
	return NULL;
}

/* Tags: flow keys in a table of their own, so tagging thousands of rows
 * and drawing them stays cheap. */

bool listview_is_tagged(const struct listview *lv, const struct flow *f)
{
	return lv->ntags && table_find(lv->tags, f);
}

void listview_untag(struct listview *lv, const struct flow *f)
{
	if (lv->ntags && table_remove(lv->tags, f))
		lv->ntags = table_count(lv->tags);
}

void listview_tag_toggle(struct listview *lv, const struct flow *f)
{
	if (listview_is_tagged(lv, f)) {
		listview_untag(lv, f);
		return;
	}
	if (!lv->tags && !(lv->tags = table_new()))
		return;
	table_upsert(lv->tags, f, 0);
	lv->ntags = table_count(lv->tags);
}

void listview_untag_all(struct listview *lv)
{
	table_free(lv->tags);
	lv->tags = NULL;
	lv->ntags = 0;
}

void listview_set_sort(struct listview *lv, struct model *m, int col,
		       bool reverse)
{
	lv->sort_col = col;
	lv->sort_rev = reverse;
	listview_invalidate(lv, m);
}

void listview_sort_step(struct listview *lv, struct model *m, int dir)
{
	size_t i;

	if (lv->group != GROUP_NONE || !lv->ncols)
		return;
	for (i = 0; i < lv->ncols && lv->cols[i] != lv->sort_col; i++)
		;
	if (i == lv->ncols)
		i = 0;
	else
		i = (i + lv->ncols + (size_t)dir) % lv->ncols;
	listview_set_sort(lv, m, lv->cols[i], lv->sort_rev);
}

void listview_cycle_group(struct listview *lv, struct model *m)
{
	static const enum group_by order[] = {
		GROUP_NONE, GROUP_SRC, GROUP_DST, GROUP_DPORT, GROUP_PROTO,
		GROUP_STATE,
	};
	size_t n = sizeof(order) / sizeof(order[0]), i;

	for (i = 0; i < n && order[i] != lv->group; i++)
		;
	lv->group = order[(i + 1) % n];
	lv->sel = lv->top = 0;
	lv->sel_gvalid = false;
	listview_invalidate(lv, m);
}

void listview_enter_group(struct listview *lv, struct model *m)
{
	const struct group_row *row;

	if (lv->group == GROUP_NONE || lv->sel >= lv->ngrows)
		return;
	row = &lv->grows[lv->sel];
	lv->drill = true;
	lv->drill_by = lv->group;
	lv->drill_key = row->key;
	group_key_format(lv->drill_text, sizeof(lv->drill_text), lv->group,
			 &row->key);
	lv->group = GROUP_NONE;
	lv->sel = lv->top = 0;
	lv->sel_valid = false;
	listview_invalidate(lv, m);
}

bool listview_leave_group(struct listview *lv, struct model *m)
{
	if (!lv->drill)
		return false;
	lv->drill = false;
	lv->group = lv->drill_by;
	lv->sel_gkey = lv->drill_key;
	lv->sel_gvalid = true;
	lv->top = 0;
	listview_invalidate(lv, m);
	return true;
}

int listview_column_at(const struct listview *lv, int col)
{
	for (size_t c = 0; c < lv->ncols; c++)
		if (lv->cols[c] == col)
			return (int)c;
	return -1;
}

int listview_toggle_column(struct listview *lv, int col)
{
	int at = listview_column_at(lv, col);

	if (at < 0) {
		if (lv->ncols < TUI_MAX_COLS)
			lv->cols[lv->ncols++] = col;
		return 0;
	}
	if (lv->ncols == 1)
		return -1;
	memmove(&lv->cols[at], &lv->cols[at + 1],
		(lv->ncols - (size_t)at - 1) * sizeof(lv->cols[0]));
	lv->ncols--;
	return 0;
}

void listview_row_text(const struct listview *lv, const struct cells *c,
		       const struct model *m, size_t row, uint64_t now_ms,
		       char *buf, size_t len)
{
	const struct table_rec *r;
	struct table_flow tf;
	size_t pos = 0;
	char cell[128];

	if (!len)
		return;
	buf[0] = '\0';
	if (lv->group != GROUP_NONE) {
		if (row < lv->ngrows)
			group_key_format(buf, len, lv->group,
					 &lv->grows[row].key);
		return;
	}
	if (row >= order_count(&lv->ord) || !(r = order_at(&lv->ord, row)))
		return;
	table_view(m->tbl, r, &tf);
	for (size_t k = 0; k < lv->ncols && pos + 1 < len; k++) {
		size_t n;

		cell_text(c, m, lv->cols[k], r, &tf, now_ms, cell,
			  sizeof(cell));
		n = strlen(cell);
		if (pos + n + 2 > len)
			break;
		memcpy(buf + pos, cell, n);
		pos += n;
		buf[pos++] = ' ';
		buf[pos] = '\0';
	}
}
