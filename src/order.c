/* The sorted, filtered list of table records, repaired incrementally.
 *
 * A full sort of a million rows costs a good part of a second; one
 * refresh usually changes a few hundred. So the records that changed are
 * found in one linear pass that only reads (a bit test each, no
 * comparison); those still between their neighbours stay, the others go
 * out, moving each run of rows once; they are sorted among themselves and
 * merged back from the end, each at the place a binary search finds: the
 * moves stay linear, the comparisons grow with what changed only. Every path uses the same total
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

/* A record's view for comparisons: the key alone where the column reads
 * no more. */
static void spec_view(const struct order_spec *spec, const struct table *t,
		      const struct table_rec *r, struct table_flow *v)
{
	if (sort_column_reads_key(spec->sort.column))
		table_view_key(t, r, v);
	else
		table_view(t, r, v);
}

static void view_for(const struct order *o, const struct table_rec *r,
		     struct table_flow *v)
{
	spec_view(&o->spec, o->tbl, r, v);
}

int order_compare(const struct order_spec *spec, const struct table *t,
		  const struct table_rec *a, const struct table_rec *b)
{
	struct table_flow va, vb;

	if (a == b)
		return 0;
	spec_view(spec, t, a, &va);
	spec_view(spec, t, b, &vb);
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
	o->frees = table_frees(t);
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
	o->frees = table_frees(o->tbl);
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

static size_t changes_slot(const struct order_changes *c, const void *r);

/* The key record M was placed by, while C's changes are not applied:
 * the one it had when it went, if it did (its slot may hold another flow
 * now), else its own (a column that reads the key alone: a live record's
 * key does not change). */
static const struct flow *placed_key(const struct order *o,
				     const struct order_changes *c,
				     const uint32_t *first_gone,
				     const struct table_rec *m,
				     struct table_flow *scratch)
{
	size_t slot = changes_slot(c, m);

	if (slot != SIZE_MAX && first_gone[slot])
		return &c->gone[first_gone[slot] - 1].key;
	table_view_key(o->tbl, m, scratch);
	return &scratch->f;
}

/* First row in [0, n) whose record sorts after the flow K of record R
 * (UPPER), or does not sort before it. The rows' records as they are,
 * or, with FIRST_GONE, as they were placed while C is not applied
 * (placed_key). R's view is taken once: one view per step, not two. */
static size_t row_search(const struct order *o, const struct table_rec *r,
			 const struct flow *k, size_t n, bool upper,
			 const struct order_changes *c,
			 const uint32_t *first_gone)
{
	struct table_flow mv;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct table_rec *m = rec(o->v[mid]);
		const struct flow *mk = &mv.f;
		int cmp = 0;

		if (m != r) {
			if (first_gone)
				mk = placed_key(o, c, first_gone, m, &mv);
			else
				view_for(o, m, &mv);
			cmp = sort_compare(&o->spec.sort, mk, k);
		}
		if (upper ? cmp <= 0 : cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t order_find(const struct order *o, const struct table_rec *r)
{
	struct table_flow rv;
	size_t lo;

	view_for(o, r, &rv);
	lo = row_search(o, r, &rv.f, o->known, false, NULL, NULL);
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
	struct table_flow rv;
	size_t pos;

	if (!rec_wanted(o, r))
		return 0;
	order_finish(o);
	view_for(o, r, &rv);
	pos = row_search(o, r, &rv.f, o->n, true, NULL, NULL);
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

static int row_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* A binary search costs about this many times a row of the pass; up to
 * LOCATE_ALWAYS rows either is cheap. */
#define LOCATE_COST	32
#define LOCATE_ALWAYS	4096

/* R's row, if it was placed by key K, onto ROWS. */
static void locate_one(const struct order *o, const struct order_changes *c,
		       const uint32_t *first_gone, const struct table_rec *r,
		       const struct flow *k, size_t *rows, size_t *n)
{
	size_t row = row_search(o, r, k, o->n, false, c, first_gone);

	if (row < o->n && o->v[row] == r)
		rows[(*n)++] = row;
}

/* The rows of the changed records, found by their keys, ascending and
 * once each, into ROWS: true when that is sure to find them all. It is
 * only under a column that reads the flow key alone (a live record's key
 * never changes; the conntrack id, which can, is not such a column
 * here): a record not found where its key sorts is then surely not in
 * the order. And only while every record freed since the order was last
 * made or brought up to date was told with its key (a freed record has
 * none, and its slot may hold another flow by now), and while the
 * searches cost less than the pass. */
static bool locate(const struct order *o, const struct order_changes *c,
		   size_t *rows, size_t *nrows)
{
	size_t depth = 1, n = 0, k = 0;
	uint32_t *first_gone;

	if (!o->tbl || !sort_column_reads_key(o->spec.sort.column) ||
	    o->spec.sort.column == COL_ID ||
	    table_frees(o->tbl) - o->frees != c->ngone)
		return false;
	for (size_t x = o->n; x > 1; x /= 2)
		depth++;
	if (o->n > LOCATE_ALWAYS &&
	    (c->n + c->ngone) * depth * LOCATE_COST > o->n)
		return false;
	/* For each record of the set, the first time it went: the key it
	 * was placed by, if it was (index + 1). */
	if (!(first_gone = calloc(c->cap, sizeof(*first_gone))))
		return false;
	for (size_t g = c->ngone; g-- > 0;)
		first_gone[changes_slot(c, c->gone[g].r)] = (uint32_t)g + 1;
	/* The rows of the flows that went, by the keys they had; then
	 * those of the records live now that were placed as they are. */
	for (size_t g = 0; g < c->ngone; g++)
		locate_one(o, c, first_gone, c->gone[g].r, &c->gone[g].key,
			   rows, &n);
	for (size_t i = 0; i < c->cap; i++) {
		const struct table_rec *r = c->v[i];
		struct table_flow rv;

		if (!r || !table_rec_live(r) || first_gone[i])
			continue;
		table_view_key(o->tbl, r, &rv);
		locate_one(o, c, first_gone, r, &rv.f, rows, &n);
	}
	free(first_gone);
	qsort(rows, n, sizeof(*rows), row_cmp);
	for (size_t i = 0; i < n; i++)
		if (!k || rows[i] != rows[k - 1])
			rows[k++] = rows[i];
	*nrows = k;
	return true;
}

/* Whether the changed record at row I, still live and wanted, can stay
 * there: its neighbours did not change (PREV_CHANGED, NEXT_CHANGED: they
 * did) and it still sorts strictly between them, so the rows that did
 * not change are in order around it. An update that leaves the column's
 * value alone (a counter under a sort by source) moves nothing. */
static bool stays(const struct order *o, size_t i, bool prev_changed,
		  bool next_changed)
{
	const struct table_rec *r = rec(o->v[i]);
	struct table_flow rv, nv;

	if (!table_rec_live(r) || !rec_wanted(o, r) ||
	    (i > 0 && prev_changed) || (i + 1 < o->n && next_changed))
		return false;
	view_for(o, r, &rv);
	if (i > 0) {
		view_for(o, rec(o->v[i - 1]), &nv);
		if (sort_compare(&o->spec.sort, &nv.f, &rv.f) >= 0)
			return false;
	}
	if (i + 1 < o->n) {
		view_for(o, rec(o->v[i + 1]), &nv);
		if (sort_compare(&o->spec.sort, &rv.f, &nv.f) >= 0)
			return false;
	}
	return true;
}

int order_update(struct order *o, const struct order_changes *c)
{
	const void **ins = NULL;
	size_t *rows = NULL;
	uint8_t *stay = NULL;
	size_t nrows = 0, m = 0, hi, out, gone = 0;
	uint64_t bits[FILTER_BITS / 64];
	bool filtered, pending;
	int ret = -1;

	if (c->all)
		return -1;
	if (!c->n)
		return 0;
	/* Rows still to sort are sorted by what their records hold now,
	 * a reused slot by its new flow: not by the keys the set has. */
	pending = order_pending(o);
	order_finish(o);
	rows = malloc((c->n + c->ngone) * sizeof(*rows));
	stay = calloc(c->cap, 1);
	ins = malloc(c->n * sizeof(*ins));
	if (!rows || !stay || !ins)
		goto out;
	/* Where the changed records are: by their keys where that is sure
	 * (locate), else one pass that only reads (at a million rows it is
	 * bound by memory, and writing every row back doubled it), a bit
	 * test each and a probe of the set for the few the filter lets
	 * through: only their addresses find them then. */
	if (pending || !locate(o, c, rows, &nrows)) {
		nrows = 0;
		filtered = filter_build(bits, c);
		for (size_t i = 0; i < o->n; i++) {
			if ((filtered && !filter_may_have(bits, o->v[i])) ||
			    !order_changes_has(c, o->v[i]))
				continue;
			/* A record is in an order once: more rows than
			 * changes means it was not kept right: rebuild. */
			if (nrows == c->n)
				goto out;
			rows[nrows++] = i;
		}
	}
	/* Those that may stay where they are, and the others out, moving
	 * each run of rows between two of them once. */
	out = nrows ? rows[0] : o->n;
	for (size_t k = 0; k < nrows; k++) {
		size_t i = rows[k];
		size_t next = k + 1 < nrows ? rows[k + 1] : o->n;
		bool pc = k > 0 && rows[k - 1] == i - 1;
		bool nc = next == i + 1;

		if (stays(o, i, pc, nc)) {
			stay[changes_slot(c, o->v[i])] = 1;
			o->v[out++] = o->v[i];
		} else {
			gone++;
		}
		if (out != i + 1)
			memmove(&o->v[out], &o->v[i + 1],
				(next - i - 1) * sizeof(*o->v));
		out += next - i - 1;
	}
	o->n -= gone;
	o->known = o->n;
	for (size_t i = 0; i < c->cap; i++) {
		const struct table_rec *r = c->v[i];

		/* Removed and not reused: not put back. */
		if (r && !stay[i] && table_rec_live(r) && rec_wanted(o, r))
			ins[m++] = r;
	}
	if (m && !order_grow(o, o->n + m))
		goto out;
	order_sort(&o->spec, o->tbl, ins, m);
	/* Merge from the back: rows below hi are still in place. */
	hi = o->n;
	out = o->n + m;
	for (size_t j = m; j-- > 0;) {
		struct table_flow rv;
		size_t pos;

		view_for(o, rec(ins[j]), &rv);
		pos = row_search(o, rec(ins[j]), &rv.f, hi, true, NULL, NULL);
		out -= hi - pos;
		memmove(&o->v[out], &o->v[pos], (hi - pos) * sizeof(*o->v));
		o->v[--out] = ins[j];
		hi = pos;
	}
	o->n += m;
	o->known = o->n;
	o->frees = table_frees(o->tbl);
	ret = 0;
out:
	free(rows);
	free(stay);
	free(ins);
	return ret;
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
	c->ngone = 0;
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

/* R's slot in the set, or SIZE_MAX. */
static size_t changes_slot(const struct order_changes *c, const void *r)
{
	size_t i;

	if (!c->n)
		return SIZE_MAX;
	for (i = ptr_home(r, c->cap); c->v[i]; i = (i + 1) & (c->cap - 1))
		if ((const void *)c->v[i] == r)
			return i;
	return SIZE_MAX;
}

void order_changes_add_gone(struct order_changes *c,
			    const struct table_rec *r, const struct flow *key,
			    size_t total)
{
	order_changes_add(c, r, total);
	/* Slots are reused last freed first: a churn can tell the same few
	 * records again and again while the set stays small. Past what a
	 * search would be worth (locate), stop: the frees then no longer
	 * match, and order_update makes its pass. */
	if (c->all || c->ngone > c->n + CHANGES_FLOOR)
		return;
	if (c->ngone == c->gone_cap) {
		size_t cap = c->gone_cap ? c->gone_cap * 2 : CHANGES_MIN;
		struct order_gone *g = realloc(c->gone, cap * sizeof(*g));

		/* Untold, it only costs order_update its pass. */
		if (!g)
			return;
		c->gone = g;
		c->gone_cap = cap;
	}
	c->gone[c->ngone].r = r;
	c->gone[c->ngone++].key = *key;
}

bool order_changes_has(const struct order_changes *c, const void *r)
{
	return changes_slot(c, r) != SIZE_MAX;
}

void order_changes_clear(struct order_changes *c)
{
	if (c->n)
		memset(c->v, 0, c->cap * sizeof(*c->v));
	c->n = 0;
	c->ngone = 0;
	c->all = false;
}

void order_changes_free(struct order_changes *c)
{
	free(c->v);
	free(c->gone);
	memset(c, 0, sizeof(*c));
}
