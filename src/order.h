/* An order: the table's flows that pass a filter, as an array of records
 * in one total order (a registry column, the rate included), kept in order as
 * flows change by taking out and putting back only those that changed,
 * each at the place a binary search finds, instead of sorting a million
 * rows again. This is the screen's flow list without the screen: pure,
 * no curses, no netlink, so test_order checks it against a full sort.
 *
 * Entries are the records of a struct table, so the order is only as
 * valid as they are: every record inserted, updated or removed since the
 * order was last brought up to date must be told (order_changes_add, or
 * order_remove before and order_insert after), and after a sweep that
 * compacted the table the order must be rebuilt.
 */
#ifndef CTOP_ORDER_H
#define CTOP_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "sort.h"
#include "table.h"

struct order_spec {
	struct sort_spec sort;	/* the column, and the records' rates */
};

/* The rate of a flow that is a table view's (struct table_flow's first
 * member, as table_view fills it): what COL_RATE reads in an order. */
double order_record_rate(const struct flow *f);
/* Column id, direction, and the time for COL_AGE. */
void order_spec_init(struct order_spec *spec, int column, bool reverse,
		     uint64_t now_ns);
/* The total order: <0, 0 (the same record), >0. Ties of the column are
 * broken by the flow key, then the conntrack id (sort.h). */
int order_compare(const struct order_spec *spec, const struct table *t,
		  const struct table_rec *a, const struct table_rec *b);
/* Sort records of table T (each a const struct table_rec *) by spec. */
void order_sort(const struct order_spec *spec, const struct table *t,
		const void **v, size_t n);

/* Which flows an order holds: those flt matches (NULL: all) for which
 * keep (NULL: none) also says yes. */
typedef bool (*order_keep_fn)(const struct flow *f, void *arg);

struct order {
	const void **v;		/* each a const struct table_rec * */
	const struct table *tbl;	/* whose records: order_begin */
	size_t n, cap;
	size_t known;		/* rows in place: n, or fewer while pending */
	size_t ktop;		/* order_begin_top: best rows kept in front */
	uint64_t frees;		/* table_frees when last made or brought up
				 * to date */
	size_t nheap;		/* ... how many are kept now */
	struct order_spec spec;
	const struct filter *flt;
	order_keep_fn keep;
	void *keep_arg;
};

/* Records changed since an order was last brought up to date: a small
 * open-addressing set of record addresses. Past a bound patching costs
 * more than a rebuild, and the set gives up (all). */
struct order_gone {
	const struct table_rec *r;
	struct flow key;	/* its key when it went (table_view_key) */
};
struct order_changes {
	const struct table_rec **v;
	size_t cap, n;
	bool all;		/* gave up: rebuild */
	/* Records told with order_changes_add_gone, in that order. */
	struct order_gone *gone;
	size_t ngone, gone_cap;
};

void order_init(struct order *o);
void order_free(struct order *o);
/* Settings for the next rebuild (they do not reorder anything). */
void order_set(struct order *o, const struct order_spec *spec,
	       const struct filter *flt, order_keep_fn keep, void *arg);
bool order_wants(const struct order *o, const struct flow *f);
/* Empty the order (settings kept). */
void order_clear(struct order *o);

/* A full rebuild from the table. -1 when out of memory: the order then
 * holds what fitted, sorted. */
int order_rebuild(struct order *o, struct table *t);
/* The same in steps, for a caller that passes over the table for other
 * reasons too: begin (size hint), offer every record (kept if wanted;
 * false when not taken), finish (sort). */
void order_begin(struct order *o, const struct table *t, size_t hint);
bool order_offer(struct order *o, const struct table_rec *r);
/* The same for a caller that has R's flow F at hand (table_view). */
bool order_offer_flow(struct order *o, const struct table_rec *r,
		      const struct flow *f);
void order_finish(struct order *o);

/* A first screen needs its first page of rows, not a million sorted ones.
 * order_begin_top(o, hint, k) begins like order_begin but keeps the best k
 * rows offered so far at the front (a heap: one comparison per record
 * offered, on a record the caller has just read). order_finish_top then
 * sorts only those: rows [0, k) are in place and the sort of the rest is
 * pending (order_pending) until order_finish, which sorts only the rest.
 * While pending, order_count is the full count, order_at gives NULL past
 * the known rows and order_find finds only those; order_insert,
 * order_remove and order_update finish the sort first. */
void order_begin_top(struct order *o, const struct table *t, size_t hint,
		     size_t k);
void order_finish_top(struct order *o);
bool order_pending(const struct order *o);
/* An order begun with order_begin_top can be filled while the records
 * still change (a dump under way, events): offer each new record as it
 * is inserted, and collect the records changed or removed meanwhile in
 * a set (order_changes_add) and tell order_top_forget, before the next
 * offer; before order_finish_top, order_top_fix drops those and offers
 * the live ones again. The best rows kept may then be fewer than k
 * (order_top_count): rows taken from the front are not replaced from the
 * rest. -1 when the set gave up or memory ran out: rebuild then. */
void order_top_forget(struct order *o, const struct table_rec *r);
int order_top_fix(struct order *o, const struct order_changes *c);
size_t order_top_count(const struct order *o);

/* Bring the order up to date with a batch of changed records: those
 * still live, wanted and between their neighbours stay, the others are
 * dropped, then the live ones still wanted put back, each at its place. Returns
 * 0, or -1 when the set gave up or memory ran out: rebuild then (the
 * order is unusable until then). The set is not cleared. */
int order_update(struct order *o, const struct order_changes *c);
/* One record at a time. Insert puts r at its place if wanted: 1, 0 not
 * wanted, -1 out of memory. Remove takes r out (found by binary search
 * when its sort key is what it was when placed, else by a scan): true
 * if it was there. So, to change a record in place: remove, change,
 * insert. */
int order_insert(struct order *o, const struct table_rec *r);
bool order_remove(struct order *o, const struct table_rec *r);

/* The row of r, or order_count() when it is not in the order (or, while
 * the sort is pending, not among the known rows). */
size_t order_find(const struct order *o, const struct table_rec *r);
size_t order_count(const struct order *o);
/* The record at row, or NULL past the end (or past the known rows). */
const struct table_rec *order_at(const struct order *o, size_t row);

/* total: the table's size, for the bound (see struct order_changes).
 * A removed record (!table_rec_live) is a change like any other. */
void order_changes_add(struct order_changes *c, const struct table_rec *r,
		       size_t total);
/* The same for a record about to be removed from the table, with KEY its
 * flow's key as the table holds it (table_view_key): its slot may hold
 * another flow by the time of order_update. While every record freed
 * since the order was last brought up to date was told so, and the
 * column reads the key alone, order_update finds the changed records by
 * binary search instead of a pass over the whole order. */
void order_changes_add_gone(struct order_changes *c,
			    const struct table_rec *r, const struct flow *key,
			    size_t total);
bool order_changes_has(const struct order_changes *c, const void *r);
void order_changes_clear(struct order_changes *c);
void order_changes_free(struct order_changes *c);

#endif
