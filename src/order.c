/* The sorted, filtered list of table records, repaired incrementally.
 *
 * A full sort of a million rows costs a good part of a second; one
 * refresh usually changes a few hundred. So the records that changed are
 * dropped from the array in one linear pass (a pointer-set lookup each,
 * no comparison), sorted among themselves, and merged back from the end,
 * each at the place a binary search finds: the moves stay linear, the
 * comparisons grow with what changed only. Every path uses the same total
 * order as the full sort, so a repaired order is exactly what a rebuild
 * would give, which test_order checks.
 *
 * The array is sized to the table plus a little, and grows by a quarter:
 * at a million rows a doubling would cost 8 MB for a few more flows.
 */
#include <stdlib.h>
#include <string.h>

#include "order.h"

#define ORDER_MIN_CAP	1024
#define ORDER_SLACK(n)	((n) / 64 + ORDER_MIN_CAP)	/* room for churn */
#define CHANGES_MIN	256
#define CHANGES_FLOOR	4096	/* past this and 1/8 of the table: rebuild */
#define ORDER_RANK_MIN	1024	/* rows a sort ranks the addresses for */

/* ---- the order ---- */

/* Entries are the table's records. */
static inline const struct table_rec *rec(const void *p)
{
	return p;
}

double order_record_rate(const struct flow *f)
{
	return ((const struct table_flow *)f)->bps;
}

/* What sort_items reads records with: their table, and the ranks of its
 * pooled addresses or NULL. */
struct rec_sort {
	const struct table *t;
	const uint32_t *ranks;
};

/* The flow of a record, for sort_items: whole, or its key only. */
static const struct flow *rec_view(const void *item, void *scratch,
				   const void *arg)
{
	const struct rec_sort *rs = arg;
	struct table_flow *v = scratch;

	table_view(rs->t, item, v);
	return &v->f;
}

static const struct flow *rec_view_key(const void *item, void *scratch,
				       const void *arg)
{
	const struct rec_sort *rs = arg;
	struct table_flow *v = scratch;

	table_view_key(rs->t, item, v);
	return &v->f;
}

static bool rec_ranks(const void *item, uint32_t rank[4], const void *arg)
{
	const struct rec_sort *rs = arg;

	return table_rec_ranks(item, rs->ranks, rank);
}

void order_spec_init(struct order_spec *spec, int column, bool reverse,
		     uint64_t now_ns)
{
	memset(spec, 0, sizeof(*spec));
	spec->sort.ctx.now_ns = now_ns;
	spec->sort.ctx.rate = order_record_rate;
	spec->sort.column = (enum column_id)column;
	spec->sort.reverse = reverse;
}

int order_compare(const struct order_spec *spec, const struct table *t,
		  const struct table_rec *a, const struct table_rec *b)
{
	struct table_flow va, vb;

	if (a == b)
		return 0;
	if (sort_column_reads_key(spec->sort.column)) {
		table_view_key(t, a, &va);
		table_view_key(t, b, &vb);
	} else {
		table_view(t, a, &va);
		table_view(t, b, &vb);
	}
	return sort_compare(&spec->sort, &va.f, &vb.f);
}

void order_sort(const struct order_spec *spec, const struct table *t,
		const void **v, size_t n)
{
	struct rec_sort rs = { t, NULL };
	struct sort_view view = {
		rec_view, rec_view_key, &rs, sizeof(struct table_flow), NULL,
	};
	uint32_t *ranks = NULL;

	/* Ranking the table's IPv6 addresses (a sort of the pool) makes
	 * their sort keys exact: worth it for a sort of many rows, not for
	 * the few an update puts back. */
	if (n >= ORDER_RANK_MIN && table_addr_count(t) <= n)
		ranks = table_addr_ranks(t);
	if (ranks) {
		rs.ranks = ranks;
		view.ranks = rec_ranks;
	}
	/* sort_items extracts the keys once: several times faster than a
	 * comparison sort at a million rows. */
	sort_items(v, n, &spec->sort, &view);
	free(ranks);
}

/* Whether the order wants the flow of record R. */
static bool rec_wanted(const struct order *o, const struct table_rec *r)
{
	struct table_flow v;

	if (!o->flt && !o->keep)
		return true;
	table_view(o->tbl, r, &v);
	return order_wants(o, &v.f);
}

void order_init(struct order *o)
{
	memset(o, 0, sizeof(*o));
	order_spec_init(&o->spec, COL_SRC, false, 0);
}

void order_free(struct order *o)
{
	free(o->v);
	o->v = NULL;
	o->n = o->cap = o->known = o->ktop = o->nheap = 0;
}

void order_set(struct order *o, const struct order_spec *spec,
	       const struct filter *flt, order_keep_fn keep, void *arg)
{
	o->spec = *spec;
	o->flt = flt;
	o->keep = keep;
	o->keep_arg = arg;
}

bool order_wants(const struct order *o, const struct flow *f)
{
	if (o->flt && !filter_match(o->flt, f))
		return false;
	return !o->keep || o->keep(f, o->keep_arg);
}

void order_clear(struct order *o)
{
	o->n = 0;
	o->known = 0;
	o->ktop = 0;
	o->nheap = 0;
}

static bool order_resize(struct order *o, size_t cap)
{
	const void **v = realloc(o->v, cap * sizeof(*v));

	if (!v)
		return false;
	o->v = v;
	o->cap = cap;
	return true;
}

static bool order_grow(struct order *o, size_t need)
{
	size_t cap = o->cap ? o->cap : ORDER_MIN_CAP;

	if (need <= o->cap)
		return true;
	while (cap < need)
		cap += cap / 4;
	return order_resize(o, cap);
}

/* The heap of order_begin_top: v[0, nheap), the row that sorts last on
 * top, and every row of the heap sorts before every row after it. It
 * holds the best ktop rows offered, or fewer after order_top_fix. */
static bool heap_after(const struct order *o, size_t a, size_t b)
{
	return order_compare(&o->spec, o->tbl, rec(o->v[a]), rec(o->v[b])) > 0;
}

static void heap_swap(struct order *o, size_t a, size_t b)
{
	const void *x = o->v[a];

	o->v[a] = o->v[b];
	o->v[b] = x;
}

static void heap_up(struct order *o, size_t i)
{
	while (i && heap_after(o, i, (i - 1) / 2)) {
		heap_swap(o, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct order *o, size_t i, size_t h)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < h && heap_after(o, l, m))
			m = l;
		if (l + 1 < h && heap_after(o, l + 1, m))
			m = l + 1;
		if (m == i)
			return;
		heap_swap(o, i, m);
		i = m;
	}
}

/* The row just appended at v[n - 1] joins the heap if it belongs there. */
static void heap_offer(struct order *o)
{
	size_t last = o->n - 1;

	if (o->nheap == last && o->nheap < o->ktop) {
		/* Nothing after the heap yet: every row is among the best. */
		heap_up(o, o->nheap++);
	} else if (o->nheap && heap_after(o, 0, last)) {
		if (o->nheap < o->ktop) {
			/* Room (rows were dropped): it moves in, the first
			 * row after the heap moves to the end. */
			heap_swap(o, o->nheap, last);
			heap_up(o, o->nheap++);
		} else {
			/* It takes the place of the last of the best, which
			 * joins the rest. */
			heap_swap(o, 0, last);
			heap_down(o, 0, o->nheap);
		}
	}
	/* Else it sorts after the whole heap (or the heap was emptied and
	 * nothing tells): it stays with the rest. */
}

static bool order_push(struct order *o, const struct table_rec *r)
{
	if (o->n == o->cap && !order_grow(o, o->n + 1))
		return false;
	o->v[o->n++] = r;
	if (o->ktop)
		heap_offer(o);
	return true;
}

void order_begin(struct order *o, const struct table *t, size_t hint)
{
	size_t cap = hint + ORDER_SLACK(hint);

	o->tbl = t;
	o->n = 0;
	o->known = 0;
	o->ktop = 0;
	o->nheap = 0;
	/* Only a hint: order_push grows on demand. An array far larger
	 * than the table (a flood has ended) is given back. */
	if (cap > o->cap || (o->cap > 2 * cap && o->cap > 4 * ORDER_MIN_CAP))
		order_resize(o, cap);
}

void order_begin_top(struct order *o, const struct table *t, size_t hint,
		     size_t k)
{
	order_begin(o, t, hint);
	o->ktop = k;
}

bool order_offer(struct order *o, const struct table_rec *r)
{
	return rec_wanted(o, r) && order_push(o, r);
}

bool order_offer_flow(struct order *o, const struct table_rec *r,
		      const struct flow *f)
{
	return order_wants(o, f) && order_push(o, r);
}

void order_top_forget(struct order *o, const struct table_rec *r)
{
	size_t last;

	for (size_t i = 0; i < o->nheap; i++) {
		if (o->v[i] != r)
			continue;
		/* Found by address, not by key: its key may have changed.
		 * The last heap row takes its place and r goes just past
		 * the heap, with the rest. */
		last = --o->nheap;
		heap_swap(o, i, last);
		if (i < last) {
			heap_up(o, i);
			heap_down(o, i, last);
		}
		return;
	}
}

int order_top_fix(struct order *o, const struct order_changes *c)
{
	size_t keep = 0, hkeep = 0;

	if (c->all)
		return -1;
	if (!c->n)
		return 0;
	/* Drop the changed rows by address, the heap's first: the heap
	 * stays in front and still sorts before the rest. */
	for (size_t i = 0; i < o->n; i++) {
		if (order_changes_has(c, o->v[i]))
			continue;
		hkeep += i < o->nheap;
		o->v[keep++] = o->v[i];
	}
	o->n = keep;
	o->nheap = hkeep;
	for (size_t i = hkeep / 2; i-- > 0;)
		heap_down(o, i, hkeep);
	/* Offer the live ones again. */
	for (size_t i = 0; i < c->cap; i++) {
		const struct table_rec *r = c->v[i];

		if (r && table_rec_live(r) && rec_wanted(o, r) &&
		    !order_push(o, r))
			return -1;
	}
	return 0;
}

size_t order_top_count(const struct order *o)
{
	return o->nheap;
}

void order_finish_top(struct order *o)
{
	/* Every row past the heap sorts after every row in it. */
	order_sort(&o->spec, o->tbl, o->v, o->nheap);
	o->known = o->nheap;
	o->ktop = 0;
	o->nheap = 0;
}

void order_finish(struct order *o)
{
	if (o->ktop)
		order_finish_top(o);
	order_sort(&o->spec, o->tbl, o->v + o->known, o->n - o->known);
	o->known = o->n;
}

bool order_pending(const struct order *o)
{
	return o->known < o->n;
}

int order_rebuild(struct order *o, struct table *t)
{
	struct table_rec *r;
	size_t cur = 0;
	bool oom = false;

	order_begin(o, t, table_count(t));
	while ((r = table_next(t, &cur)))
		if (rec_wanted(o, r) && !order_push(o, r))
			oom = true;
	order_finish(o);
	return oom ? -1 : 0;
}

/* First row in [0, n) whose record sorts after r. */
static size_t order_upper(const struct order *o, const struct table_rec *r,
			  size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (order_compare(&o->spec, o->tbl, rec(o->v[mid]), r) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t order_find(const struct order *o, const struct table_rec *r)
{
	size_t lo = 0, hi = o->known;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (order_compare(&o->spec, o->tbl, rec(o->v[mid]), r) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < o->known && o->v[lo] == r)
		return lo;
	/* r's key changed since it was placed (a record updated in place
	 * and not yet told): it can be anywhere. */
	for (size_t i = 0; i < o->known; i++)
		if (o->v[i] == r)
			return i;
	return o->n;
}

int order_insert(struct order *o, const struct table_rec *r)
{
	size_t pos;

	if (!rec_wanted(o, r))
		return 0;
	order_finish(o);
	pos = order_upper(o, r, o->n);
	/* Equal only to itself: already there. */
	if (pos && o->v[pos - 1] == r)
		return 1;
	if (!order_grow(o, o->n + 1))
		return -1;
	memmove(&o->v[pos + 1], &o->v[pos], (o->n - pos) * sizeof(*o->v));
	o->v[pos] = r;
	o->n++;
	o->known = o->n;
	return 1;
}

bool order_remove(struct order *o, const struct table_rec *r)
{
	size_t i;

	order_finish(o);
	i = order_find(o, r);
	if (i == o->n)
		return false;
	memmove(&o->v[i], &o->v[i + 1], (o->n - i - 1) * sizeof(*o->v));
	o->n--;
	o->known = o->n;
	return true;
}

/* A filter over the changed set for the drop pass: a bit per address
 * hash, so most rows of a big order are kept on one bit test in L1, not a
 * probe of the set (at a million rows the probes were most of a refresh's
 * cost). Past FILTER_MAX changes it would say yes too often: not used. */
#define FILTER_BITS	4096
#define FILTER_MAX	(FILTER_BITS / 8)

static inline uint64_t ptr_mix(const void *p);

static inline size_t filter_bit(const void *p)
{
	/* Bits 16-27 of the mix: ptr_home takes bits 32 and up. */
	return (size_t)(ptr_mix(p) >> 16) & (FILTER_BITS - 1);
}

static bool filter_build(uint64_t *bits, const struct order_changes *c)
{
	if (c->n > FILTER_MAX)
		return false;
	memset(bits, 0, FILTER_BITS / 8);
	for (size_t i = 0; i < c->cap; i++)
		if (c->v[i])
			bits[filter_bit(c->v[i]) / 64] |=
				1ull << (filter_bit(c->v[i]) % 64);
	return true;
}

static inline bool filter_may_have(const uint64_t *bits, const void *p)
{
	size_t b = filter_bit(p);

	return bits[b / 64] >> (b % 64) & 1;
}

int order_update(struct order *o, const struct order_changes *c)
{
	const void **ins;
	size_t keep = 0, m = 0, hi, out;
	uint64_t bits[FILTER_BITS / 64];
	bool filtered;

	if (c->all)
		return -1;
	if (!c->n)
		return 0;
	order_finish(o);
	/* Changed records may sort anywhere now: drop them by address. */
	filtered = filter_build(bits, c);
	for (size_t i = 0; i < o->n; i++)
		if ((filtered && !filter_may_have(bits, o->v[i])) ||
		    !order_changes_has(c, o->v[i]))
			o->v[keep++] = o->v[i];
	o->n = keep;
	o->known = keep;
	ins = malloc(c->n * sizeof(*ins));
	if (!ins)
		return -1;
	for (size_t i = 0; i < c->cap; i++) {
		const struct table_rec *r = c->v[i];

		/* Removed and not reused: not put back. */
		if (r && table_rec_live(r) && rec_wanted(o, r))
			ins[m++] = r;
	}
	if (m && !order_grow(o, o->n + m)) {
		free(ins);
		return -1;
	}
	order_sort(&o->spec, o->tbl, ins, m);
	/* Merge from the back: rows below hi are still in place. */
	hi = o->n;
	out = o->n + m;
	for (size_t j = m; j-- > 0;) {
		size_t pos = order_upper(o, rec(ins[j]), hi);

		out -= hi - pos;
		memmove(&o->v[out], &o->v[pos], (hi - pos) * sizeof(*o->v));
		o->v[--out] = ins[j];
		hi = pos;
	}
	o->n += m;
	o->known = o->n;
	free(ins);
	return 0;
}

size_t order_count(const struct order *o)
{
	return o->n;
}

const struct table_rec *order_at(const struct order *o, size_t row)
{
	return row < o->known ? rec(o->v[row]) : NULL;
}

/* ---- the set of changed records ---- */

static inline uint64_t ptr_mix(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;

	x ^= x >> 29;
	return x * 0x9e3779b97f4a7c15ull;
}

static size_t ptr_home(const void *p, size_t cap)
{
	return (size_t)(ptr_mix(p) >> 32) & (cap - 1);
}

static void changes_put(struct order_changes *c, const struct table_rec *r)
{
	size_t i = ptr_home(r, c->cap);

	while (c->v[i]) {
		if (c->v[i] == r)
			return;
		i = (i + 1) & (c->cap - 1);
	}
	c->v[i] = r;
	c->n++;
}

static void changes_give_up(struct order_changes *c)
{
	c->all = true;
	if (c->n)
		memset(c->v, 0, c->cap * sizeof(*c->v));
	c->n = 0;
}

void order_changes_add(struct order_changes *c, const struct table_rec *r,
		       size_t total)
{
	if (c->all || order_changes_has(c, r))
		return;
	/* Past a point, patching the order costs more than rebuilding it. */
	if (c->n >= CHANGES_FLOOR && c->n > total / 8) {
		changes_give_up(c);
		return;
	}
	if ((c->n + 1) * 2 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : CHANGES_MIN;
		const struct table_rec **old = c->v;
		size_t ocap = c->cap;

		c->v = calloc(cap, sizeof(*c->v));
		if (!c->v) {
			c->v = old;
			changes_give_up(c);
			return;
		}
		c->cap = cap;
		c->n = 0;
		for (size_t i = 0; i < ocap; i++)
			if (old[i])
				changes_put(c, old[i]);
		free(old);
	}
	changes_put(c, r);
}

bool order_changes_has(const struct order_changes *c, const void *r)
{
	size_t i;

	if (!c->n)
		return false;
	for (i = ptr_home(r, c->cap); c->v[i]; i = (i + 1) & (c->cap - 1))
		if ((const void *)c->v[i] == r)
			return true;
	return false;
}

void order_changes_clear(struct order_changes *c)
{
	if (c->n)
		memset(c->v, 0, c->cap * sizeof(*c->v));
	c->n = 0;
	c->all = false;
}

void order_changes_free(struct order_changes *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}
