/* Unit tests for the incrementally repaired order (order.h): after random
 * rounds of inserts, updates that move a flow (TTL, bytes, rate, source)
 * and removes, told to the order as a batch of changes or one record at
 * a time, the order must hold exactly the rows a fresh full sort of the
 * table gives, in the same sequence, and order_find must agree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "order.h"
#include "sort.h"
#include "table.h"

#define NFLOWS		3000
#define ROUNDS		24
#define MAX_OPS		160

/* ---- a small deterministic generator (xorshift64*) ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32) % n;
}

/* Few distinct values per field, so every column has many ties and the
 * tie-break by key carries real weight. */
static void rand_values(struct flow *f)
{
	static const uint32_t ttls[] = { 0, 10, 30, 120, 432000 };
	uint64_t b = (uint64_t)rnd(6) * 1000;

	f->timeout = ttls[rnd(5)];
	f->has = FLOW_HAS_TIMEOUT | FLOW_HAS_COUNTERS;
	f->orig_bytes = b;
	f->reply_bytes = rnd(3) ? 0 : b / 2;
	f->orig_packets = b / 100;
	f->reply_packets = 0;
	if (f->protonum == FLOW_P_TCP) {
		f->has |= FLOW_HAS_STATE;
		f->state = (uint8_t)(1 + rnd(4));
	}
	f->status = rnd(2) ? FLOW_S_ASSURED | FLOW_S_SEEN_REPLY : 0;
	if (rnd(2)) {
		f->has |= FLOW_HAS_START;
		f->start_ns = 1700000000000000000ull + rnd(4) * 1000000000ull;
	}
}

static void rand_src(struct flow *f)
{
	memset(&f->orig.src, 0, sizeof(f->orig.src));
	if (f->family == FLOW_IPV4) {
		f->orig.src.b[0] = 10;
		f->orig.src.b[2] = (uint8_t)rnd(4);
		f->orig.src.b[3] = (uint8_t)rnd(16);
	} else {
		f->orig.src.b[0] = 0x20;
		f->orig.src.b[1] = 0x01;
		f->orig.src.b[14] = (uint8_t)rnd(2);
		f->orig.src.b[15] = (uint8_t)rnd(16);
	}
	f->reply.dst = f->orig.src;
}

static void rand_flow(struct flow *f)
{
	static const uint8_t protos[] = { FLOW_P_TCP, FLOW_P_UDP, FLOW_P_ICMP };
	static const uint16_t dports[] = { 22, 53, 80, 443 };

	memset(f, 0, sizeof(*f));
	f->family = rnd(10) ? FLOW_IPV4 : FLOW_IPV6;
	f->protonum = protos[rnd(3)];
	if (f->family == FLOW_IPV6 && f->protonum == FLOW_P_ICMP)
		f->protonum = FLOW_P_ICMPV6;
	f->orig.zone = f->reply.zone = rnd(8) ? 0 : 1;
	f->id = rnd(0xffffffffu);
	rand_src(f);
	if (f->family == FLOW_IPV4) {
		f->orig.dst.b[0] = 192;
		f->orig.dst.b[1] = 168;
		f->orig.dst.b[3] = (uint8_t)rnd(8);
	} else {
		f->orig.dst.b[0] = 0xfe;
		f->orig.dst.b[1] = 0x80;
		f->orig.dst.b[15] = (uint8_t)rnd(8);
	}
	f->orig.sport = (uint16_t)(1024 + rnd(64));
	f->orig.dport = flow_is_icmp(f->protonum) ? 0 : dports[rnd(4)];
	if (flow_is_icmp(f->protonum))
		f->orig.icmp_type = 8;
	f->reply.src = f->orig.dst;
	f->reply.dst = f->orig.src;
	f->reply.sport = f->orig.dport;
	f->reply.dport = f->orig.sport;
	rand_values(f);
}

/* ---- the reference: a fresh full sort, written apart from order.c ---- */

struct ref_ctx {
	int column;
	bool reverse;
	struct sort_spec sort;
	const struct table *tbl;
};

static int ref_cmp(const void *pa, const void *pb, void *arg)
{
	const struct ref_ctx *rc = arg;
	struct table_flow a, b;

	table_view(rc->tbl, *(const struct table_rec *const *)pa, &a);
	table_view(rc->tbl, *(const struct table_rec *const *)pb, &b);
	/* The rate: negative (a counter reset) as 0; equal rates by key. */
	if (rc->column == COL_RATE) {
		float ra = a.bps > 0 ? a.bps : 0, rb = b.bps > 0 ? b.bps : 0;
		int c = (ra > rb) - (ra < rb);

		if (c)
			return rc->reverse ? -c : c;
	}
	return sort_compare(&rc->sort, &a.f, &b.f);
}

struct fixture {
	struct table *tbl;
	struct filter *flt;
	order_keep_fn keep;
	struct ref_ctx ref;
	struct flow *keys;	/* keys of the live flows */
	size_t nkeys;
	uint64_t now_ms;
	const struct table_rec **exp;
	size_t cap;
};

/* The flow of record R, by value. */
static struct flow fx_flow(const struct fixture *fx, const struct table_rec *r)
{
	struct table_flow v;

	table_view(fx->tbl, r, &v);
	return v.f;
}

static bool keep_zone0(const struct flow *f, void *arg)
{
	(void)arg;
	return f->orig.zone == 0;
}

static bool fx_wants(const struct fixture *fx, const struct table_rec *r)
{
	struct flow f = fx_flow(fx, r);

	if (fx->flt && !filter_match(fx->flt, &f))
		return false;
	return !fx->keep || fx->keep(&f, NULL);
}

/* The expected rows: every wanted flow of the table, fully sorted. */
static size_t expected(struct fixture *fx)
{
	struct table_rec *r;
	size_t cur = 0, n = 0;

	if (fx->cap < table_count(fx->tbl) + 1) {
		fx->cap = table_count(fx->tbl) + 1;
		fx->exp = realloc(fx->exp, fx->cap * sizeof(*fx->exp));
		assert_non_null(fx->exp);
	}
	while ((r = table_next(fx->tbl, &cur)))
		if (fx_wants(fx, r))
			fx->exp[n++] = r;
	qsort_r(fx->exp, n, sizeof(*fx->exp), ref_cmp, &fx->ref);
	return n;
}

static void check_order(struct fixture *fx, const struct order *o)
{
	size_t n = expected(fx);
	struct table_rec *r;
	size_t cur = 0, absent = 0;

	assert_int_equal(order_count(o), n);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(order_at(o, i), fx->exp[i]);
		assert_int_equal(order_find(o, fx->exp[i]), i);
	}
	assert_null(order_at(o, n));
	/* Flows left out are not found either (a few: each costs a scan). */
	while ((r = table_next(fx->tbl, &cur)) && absent < 16)
		if (!fx_wants(fx, r)) {
			assert_int_equal(order_find(o, r), n);
			absent++;
		}
}

static void fx_init(struct fixture *fx, int column, bool reverse,
		    const char *expr, order_keep_fn keep)
{
	struct filter_error fe;

	memset(fx, 0, sizeof(*fx));
	fx->tbl = table_new();
	assert_non_null(fx->tbl);
	fx->ref.tbl = fx->tbl;
	if (expr) {
		fx->flt = filter_compile(expr, &fe);
		assert_non_null(fx->flt);
	}
	fx->keep = keep;
	fx->ref.column = column;
	fx->ref.reverse = reverse;
	/* For the rate, sort_compare sees no rates: it breaks ties. */
	fx->ref.sort.column = (enum column_id)column;
	fx->ref.sort.reverse = reverse;
	fx->ref.sort.ctx.now_ns = 1700000000000000000ull;
	fx->keys = calloc(4 * NFLOWS, sizeof(*fx->keys));
	assert_non_null(fx->keys);
	fx->now_ms = 1000;
}

static void fx_free(struct fixture *fx)
{
	table_free(fx->tbl);
	filter_free(fx->flt);
	free(fx->keys);
	free(fx->exp);
}

static void order_for(struct fixture *fx, struct order *o)
{
	struct order_spec spec;

	order_init(o);
	order_spec_init(&spec, fx->ref.column, fx->ref.reverse,
			fx->ref.sort.ctx.now_ns);
	order_set(o, &spec, fx->flt, fx->keep, NULL);
}

/* ---- changes, told the two ways ---- */

enum tell { TELL_BATCH, TELL_ONE };

struct teller {
	enum tell how;
	bool keys;	/* TELL_BATCH: every removal told with its key */
	struct order *o;
	struct order_changes ch;
};

/* Before a record changes or goes. */
static void tell_before(struct teller *tl, struct fixture *fx,
			const struct table_rec *r)
{
	if (tl->how == TELL_BATCH)
		order_changes_add(&tl->ch, r, table_count(fx->tbl));
	else
		order_remove(tl->o, r);
}

/* After a record came or changed. */
static void tell_after(struct teller *tl, struct fixture *fx,
		       const struct table_rec *r)
{
	if (tl->how == TELL_BATCH)
		order_changes_add(&tl->ch, r, table_count(fx->tbl));
	else
		assert_true(order_insert(tl->o, r) >= 0);
}

static void op_insert(struct fixture *fx, struct teller *tl)
{
	struct flow f;
	struct table_rec *r;

	rand_flow(&f);
	if ((r = table_find(fx->tbl, &f))) {
		/* The same key again: an update of that flow. */
		tell_before(tl, fx, r);
	} else {
		fx->keys[fx->nkeys++] = f;
	}
	r = table_upsert(fx->tbl, &f, fx->now_ms);
	assert_non_null(r);
	tell_after(tl, fx, r);
}

/* Before a record goes: in a batch, told with its key or not, at random
 * (told, order_update may find the changes by key; untold, its pass). */
static void tell_gone(struct teller *tl, struct fixture *fx,
		      const struct table_rec *r)
{
	struct table_flow v;

	if (tl->how != TELL_BATCH || (!tl->keys && rnd(4) == 0)) {
		tell_before(tl, fx, r);
		return;
	}
	table_view_key(fx->tbl, r, &v);
	order_changes_add_gone(&tl->ch, r, &v.f, table_count(fx->tbl));
}

static void op_remove_at(struct fixture *fx, struct teller *tl, size_t k)
{
	struct table_rec *r = table_find(fx->tbl, &fx->keys[k]);

	assert_non_null(r);
	tell_gone(tl, fx, r);
	assert_true(table_remove(fx->tbl, &fx->keys[k]));
	fx->keys[k] = fx->keys[--fx->nkeys];
}

/* A new TTL, new counters (so a new rate), or a new source address
 * (a new key: the old flow goes, the new one comes). */
static void op_update(struct fixture *fx, struct teller *tl)
{
	size_t k = rnd((uint32_t)fx->nkeys);
	struct table_rec *r = table_find(fx->tbl, &fx->keys[k]);
	struct flow f;

	assert_non_null(r);
	f = fx_flow(fx, r);
	switch (rnd(3)) {
	case 0:
		f.timeout = rnd(2) ? 0 : rnd(200);
		break;
	case 1:
		f.orig_bytes += (uint64_t)rnd(4) * 5000;
		f.orig_packets += 3;
		break;
	default:
		rand_src(&f);
		if (table_find(fx->tbl, &f))
			return;
		op_remove_at(fx, tl, k);
		fx->keys[fx->nkeys++] = f;
		r = table_upsert(fx->tbl, &f, fx->now_ms);
		assert_non_null(r);
		tell_after(tl, fx, r);
		return;
	}
	tell_before(tl, fx, r);
	assert_ptr_equal(table_upsert(fx->tbl, &f, fx->now_ms), r);
	tell_after(tl, fx, r);
}

static void fill(struct fixture *fx, size_t n)
{
	while (table_count(fx->tbl) < n) {
		struct flow f;

		rand_flow(&f);
		if (table_find(fx->tbl, &f))
			continue;
		assert_non_null(table_upsert(fx->tbl, &f, fx->now_ms));
		fx->keys[fx->nkeys++] = f;
	}
}

/* A table of n random flows and an order built on it. */
static void fx_start(struct fixture *fx, struct order *o, int column,
		     bool reverse, const char *expr, order_keep_fn keep,
		     size_t n)
{
	fx_init(fx, column, reverse, expr, keep);
	fill(fx, n);
	order_for(fx, o);
	assert_int_equal(order_rebuild(o, fx->tbl), 0);
	check_order(fx, o);
}

static unsigned long run_config(int column, bool reverse, const char *expr,
				order_keep_fn keep, enum tell how,
				unsigned rounds)
{
	struct fixture fx;
	struct teller tl = { .how = how };
	struct order o;
	unsigned long ops = 0;

	fx_start(&fx, &o, column, reverse, expr, keep, NFLOWS);
	tl.o = &o;
	for (unsigned round = 0; round < rounds; round++) {
		size_t nops = 1 + rnd(MAX_OPS);

		/* Past the table's rate step, so updates move rates. */
		fx.now_ms += 150;
		for (size_t i = 0; i < nops; i++, ops++) {
			uint32_t what = rnd(10);

			if (what < 3 || fx.nkeys < 2)
				op_insert(&fx, &tl);
			else if (what < 5)
				op_remove_at(&fx, &tl,
					     rnd((uint32_t)fx.nkeys));
			else
				op_update(&fx, &tl);
		}
		if (how == TELL_BATCH) {
			assert_false(tl.ch.all);
			assert_int_equal(order_update(&o, &tl.ch), 0);
			order_changes_clear(&tl.ch);
		}
		check_order(&fx, &o);
	}
	order_changes_free(&tl.ch);
	order_free(&o);
	fx_free(&fx);
	return ops;
}

static const int columns[] = {
	COL_TTL, COL_BYTES, COL_SRC, COL_STATE, COL_AGE, COL_DPORT,
	COL_RATE,
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static const char *const filters[] = {
	NULL, "tcp or udp and dport 53", "ttl > 20",
};
#define NFILTERS (sizeof(filters) / sizeof(filters[0]))

static void run_matrix(enum tell how, unsigned rounds)
{
	unsigned long ops = 0, configs = 0;

	rng_state = how == TELL_BATCH ? 0x1234567887654321ull :
					0x0badc0ffee15900dull;
	for (size_t c = 0; c < NCOLUMNS; c++)
		for (int rev = 0; rev < 2; rev++) {
			for (size_t fl = 0; fl < NFILTERS; fl++, configs++)
				ops += run_config(columns[c], rev, filters[fl],
						  NULL, how, rounds);
			/* A condition beside the filter (the screen's
			 * drill-down into a group). */
			ops += run_config(columns[c], rev, "ipv4 or ipv6",
					  keep_zone0, how, rounds);
			configs++;
		}
	print_message("%lu configurations, %lu rounds, %lu operations\n",
		      configs, configs * rounds, ops);
}

static void test_random_batch(void **state)
{
	(void)state;
	run_matrix(TELL_BATCH, ROUNDS);
}

static void test_random_one_at_a_time(void **state)
{
	(void)state;
	run_matrix(TELL_ONE, ROUNDS / 2);
}

/* ---- a first dump: rows gathered while the table changes ---- */

/* The rows a preview has in place: the first `known` of the full sort,
 * nothing past them, and then, finished, the full sort itself. */
static void check_top(struct fixture *fx, struct order *o, size_t known)
{
	size_t n = expected(fx);

	assert_int_equal(order_count(o), n);
	assert_int_equal(order_pending(o), known < n);
	for (size_t i = 0; i < known; i++) {
		assert_ptr_equal(order_at(o, i), fx->exp[i]);
		assert_int_equal(order_find(o, fx->exp[i]), i);
	}
	if (known < n) {
		assert_null(order_at(o, known));
		/* Rows past the known ones are not found yet. */
		assert_int_equal(order_find(o, fx->exp[n - 1]), n);
	}
	order_finish(o);
	assert_false(order_pending(o));
	check_order(fx, o);
}

/* As the screen's first dump does it: each new record is offered as it
 * is inserted; records changed in place or removed meanwhile go to the
 * set of changes; removed slots are reused by later inserts. */
static void collect_round(struct fixture *fx, struct order *o,
			  struct order_changes *ch, size_t nops,
			  unsigned churn)
{
	for (size_t i = 0; i < nops; i++) {
		uint32_t what = rnd(100);
		struct table_rec *r;
		struct flow f;
		size_t k;

		if (what >= churn || fx->nkeys < 2) {
			rand_flow(&f);
			if ((r = table_find(fx->tbl, &f))) {
				/* Seen again (an event, then the dump): told
				 * after the change, as the screen does. */
				assert_ptr_equal(table_upsert(fx->tbl, &f,
							      fx->now_ms), r);
				order_changes_add(ch, r, table_count(fx->tbl));
				order_top_forget(o, r);
				continue;
			}
			fx->keys[fx->nkeys++] = f;
			r = table_upsert(fx->tbl, &f, fx->now_ms);
			assert_non_null(r);
			order_offer(o, r);
			continue;
		}
		k = rnd((uint32_t)fx->nkeys);
		r = table_find(fx->tbl, &fx->keys[k]);
		assert_non_null(r);
		order_changes_add(ch, r, table_count(fx->tbl));
		order_top_forget(o, r);
		if (what < churn / 2) {
			assert_true(table_remove(fx->tbl, &fx->keys[k]));
			fx->keys[k] = fx->keys[--fx->nkeys];
			continue;
		}
		/* In place: a new TTL, or counters (so a new rate). */
		f = fx_flow(fx, r);
		if (rnd(2)) {
			f.timeout = rnd(2) ? 0 : rnd(200000);
		} else {
			f.orig_bytes += (uint64_t)rnd(4) * 5000;
			f.orig_packets += 3;
		}
		assert_ptr_equal(table_upsert(fx->tbl, &f, fx->now_ms), r);
	}
}

static unsigned long run_collect(int column, bool reverse, const char *expr,
				 order_keep_fn keep, size_t k, unsigned churn)
{
	struct fixture fx;
	struct order_changes ch = { 0 };
	struct order o;
	size_t kept;

	fx_init(&fx, column, reverse, expr, keep);
	order_for(&fx, &o);
	order_begin_top(&o, fx.tbl, 0, k);
	for (int round = 0; round < 4; round++) {
		fx.now_ms += 150;
		collect_round(&fx, &o, &ch, NFLOWS / 4, churn);
	}
	assert_false(ch.all);
	assert_int_equal(order_top_fix(&o, &ch), 0);
	kept = order_top_count(&o);
	assert_true(kept <= k);
	/* Without changes every row of the best k is there. */
	if (!ch.n)
		assert_int_equal(kept, k < expected(&fx) ? k : expected(&fx));
	order_finish_top(&o);
	check_top(&fx, &o, kept);
	order_changes_free(&ch);
	order_free(&o);
	fx_free(&fx);
	return kept;
}

static void test_collect(void **state)
{
	static const size_t ks[] = { 1, 7, 64, 512 };
	static const unsigned churns[] = { 0, 2, 30 };
	unsigned long kept = 0, runs = 0;

	(void)state;
	rng_state = 0x5eed5eed12345678ull;
	for (size_t c = 0; c < NCOLUMNS; c++)
		for (int rev = 0; rev < 2; rev++)
			for (size_t i = 0; i < 4; i++, runs++)
				kept += run_collect(columns[c], rev,
						    filters[i % NFILTERS],
						    i == 3 ? keep_zone0 : NULL,
						    ks[i], churns[(c + i) % 3]);
	print_message("%lu collections, %lu rows kept in front\n", runs, kept);
}

/* A preview (order_begin_top ... order_finish_top on a plain pass) has
 * its first k rows in place; every change finishes the sort first. */
static void test_preview_then_change(void **state)
{
	struct fixture fx;
	struct teller tl = { .how = TELL_ONE };
	struct table_rec *r;
	size_t cur = 0;
	struct order o;

	(void)state;
	rng_state = 77;
	fx_init(&fx, COL_TTL, true, "tcp or udp", NULL);
	fill(&fx, 2000);
	order_for(&fx, &o);
	order_begin_top(&o, fx.tbl, table_count(fx.tbl), 40);
	while ((r = table_next(fx.tbl, &cur)))
		order_offer(&o, r);
	assert_int_equal(order_top_count(&o), 40);
	order_finish_top(&o);
	assert_true(order_pending(&o));
	expected(&fx);
	for (size_t i = 0; i < 40; i++)
		assert_ptr_equal(order_at(&o, i), fx.exp[i]);
	assert_null(order_at(&o, 40));
	/* One change told while pending: the order is whole after it. */
	tl.o = &o;
	op_update(&fx, &tl);
	assert_false(order_pending(&o));
	check_order(&fx, &o);
	order_free(&o);
	fx_free(&fx);
}

/* A batch told with keys while the sort of most rows is pending, under
 * a key column, each removed slot reused at once by a new flow: the rows
 * still to sort are sorted by the new flows, so the keys the set has do
 * not find them (order_update must make its pass). Then a churn that
 * reuses the same few slots: the told keys stop growing with it. */
static void test_pending_batch_with_reuse(void **state)
{
	struct fixture fx;
	struct teller tl = { .how = TELL_BATCH, .keys = true };
	struct table_rec *r;
	size_t cur = 0;
	struct order o;

	(void)state;
	rng_state = 91;
	fx_init(&fx, COL_SRC, false, NULL, NULL);
	fill(&fx, 2000);
	order_for(&fx, &o);
	order_begin_top(&o, fx.tbl, table_count(fx.tbl), 40);
	while ((r = table_next(fx.tbl, &cur)))
		order_offer(&o, r);
	order_finish_top(&o);
	assert_true(order_pending(&o));
	tl.o = &o;
	for (int i = 0; i < 50; i++) {
		op_remove_at(&fx, &tl, rnd((uint32_t)fx.nkeys));
		op_insert(&fx, &tl);
	}
	assert_int_equal(order_update(&o, &tl.ch), 0);
	order_changes_clear(&tl.ch);
	check_order(&fx, &o);
	for (int i = 0; i < 3 * 4096; i++) {
		op_remove_at(&fx, &tl, rnd((uint32_t)fx.nkeys));
		op_insert(&fx, &tl);
	}
	assert_true(tl.ch.ngone <= tl.ch.n + 4097);
	assert_int_equal(order_update(&o, &tl.ch), 0);
	check_order(&fx, &o);
	order_changes_free(&tl.ch);
	order_free(&o);
	fx_free(&fx);
}

/* ---- edge cases ---- */

static void test_empty(void **state)
{
	struct fixture fx;
	struct order_changes ch = { 0 };
	struct order o;
	struct table_rec *r;
	struct flow f;

	(void)state;
	rng_state = 42;
	fx_init(&fx, COL_TTL, false, NULL, NULL);
	order_for(&fx, &o);
	assert_int_equal(order_rebuild(&o, fx.tbl), 0);
	assert_int_equal(order_count(&o), 0);
	assert_null(order_at(&o, 0));
	/* Nothing changed: nothing to do. */
	assert_int_equal(order_update(&o, &ch), 0);
	assert_int_equal(order_count(&o), 0);

	rand_flow(&f);
	r = table_upsert(fx.tbl, &f, fx.now_ms);
	assert_non_null(r);
	assert_int_equal(order_find(&o, r), 0);	/* == count: absent */
	assert_false(order_remove(&o, r));
	assert_int_equal(order_insert(&o, r), 1);
	/* A second insert of the same record is not a second row. */
	assert_int_equal(order_insert(&o, r), 1);
	assert_int_equal(order_count(&o), 1);
	assert_int_equal(order_find(&o, r), 0);
	assert_ptr_equal(order_at(&o, 0), r);
	assert_true(order_remove(&o, r));
	assert_int_equal(order_count(&o), 0);
	order_free(&o);
	fx_free(&fx);
}

static void test_all_removed(void **state)
{
	struct fixture fx;
	struct teller tl = { .how = TELL_BATCH };
	struct order o;

	(void)state;
	rng_state = 7;
	fx_start(&fx, &o, COL_BYTES, true, NULL, NULL, 1000);
	assert_int_equal(order_count(&o), 1000);
	tl.o = &o;
	while (fx.nkeys)
		op_remove_at(&fx, &tl, rnd((uint32_t)fx.nkeys));
	assert_int_equal(table_count(fx.tbl), 0);
	assert_false(tl.ch.all);
	assert_int_equal(order_update(&o, &tl.ch), 0);
	order_changes_clear(&tl.ch);
	assert_int_equal(order_count(&o), 0);
	check_order(&fx, &o);
	/* The freed records come back as new flows: the order follows. */
	for (int i = 0; i < 300; i++)
		op_insert(&fx, &tl);
	assert_int_equal(order_update(&o, &tl.ch), 0);
	check_order(&fx, &o);
	assert_int_equal(order_count(&o), table_count(fx.tbl));
	order_changes_free(&tl.ch);
	order_free(&o);
	fx_free(&fx);
}

/* Rows equal in the column stay in key order, whichever the direction:
 * the tie-break is not reversed. */
static void test_ties_by_key(void **state)
{
	static const int cols[] = { COL_TTL, COL_BYTES, COL_RATE };
	struct table *tbl;

	(void)state;
	for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
		for (int rev = 0; rev < 2; rev++) {
			struct order_spec spec;
			struct order o;
			uint32_t prev = 0;

			tbl = table_new();
			assert_non_null(tbl);
			/* Same TTL, bytes and rate; sources inserted in a
			 * scrambled order. */
			for (uint32_t i = 0; i < 1000; i++) {
				uint32_t a = (i * 7919) % 1000 + 1;
				struct flow f;

				memset(&f, 0, sizeof(f));
				f.family = FLOW_IPV4;
				f.protonum = FLOW_P_TCP;
				f.orig.src.b[0] = 10;
				f.orig.src.b[1] = (uint8_t)(a >> 16);
				f.orig.src.b[2] = (uint8_t)(a >> 8);
				f.orig.src.b[3] = (uint8_t)a;
				f.orig.dst.b[0] = 192;
				f.orig.sport = 1000;
				f.orig.dport = 80;
				f.timeout = 60;
				f.orig_bytes = 500;
				f.id = 1000 - i;
				assert_non_null(table_upsert(tbl, &f, 5));
			}
			order_init(&o);
			order_spec_init(&spec, cols[c], rev, 0);
			order_set(&o, &spec, NULL, NULL, NULL);
			assert_int_equal(order_rebuild(&o, tbl), 0);
			assert_int_equal(order_count(&o), 1000);
			for (size_t i = 0; i < 1000; i++) {
				const struct table_rec *r = order_at(&o, i);
				struct table_flow v;
				const uint8_t *b = v.f.orig.src.b;
				uint32_t a;

				table_view(tbl, r, &v);
				a = (uint32_t)b[1] << 16 |
				    (uint32_t)b[2] << 8 | b[3];

				assert_true(a > prev);
				prev = a;
				assert_int_equal(order_find(&o, r), i);
			}
			order_free(&o);
			table_free(tbl);
		}
}

/* ---- ranked sort keys against the views ---- */

/* Flows of every shape the ranks must keep in order: IPv4 and IPv6 (few
 * addresses, sharing /64s and differing in any byte), NAT (other reply
 * addresses and ports, NPTv6), split zones, ICMP types and codes, IPv4
 * with bytes past its fourth (kept in the pool, not ranked). */
static void rank_flow(struct flow *f)
{
	static const uint8_t protos[] = {
		FLOW_P_TCP, FLOW_P_UDP, FLOW_P_ICMP, FLOW_P_GRE,
	};
	union flow_addr *a[4] = {
		&f->orig.src, &f->orig.dst, &f->reply.src, &f->reply.dst,
	};

	memset(f, 0, sizeof(*f));
	f->family = rnd(3) ? FLOW_IPV4 : FLOW_IPV6;
	f->protonum = protos[rnd(4)];
	if (f->family == FLOW_IPV6 && f->protonum == FLOW_P_ICMP)
		f->protonum = FLOW_P_ICMPV6;
	for (int i = 0; i < 4; i++) {
		if (f->family == FLOW_IPV4) {
			a[i]->b[0] = (uint8_t)(10 + rnd(2));
			a[i]->b[3] = (uint8_t)rnd(6);
			continue;
		}
		a[i]->b[0] = rnd(2) ? 0xfd : 0x20;
		a[i]->b[7] = (uint8_t)rnd(2);	/* the /64 */
		a[i]->b[1 + rnd(15)] ^= (uint8_t)(1u << rnd(8));
		a[i]->b[15] = (uint8_t)rnd(4);
	}
	if (f->family == FLOW_IPV4 && !rnd(30))
		a[rnd(4)]->b[4 + rnd(12)] = 1;	/* pooled IPv4 */
	if (rnd(2)) {			/* no NAT */
		f->reply.src = f->orig.dst;
		f->reply.dst = f->orig.src;
	}
	f->orig.sport = (uint16_t)(1000 + rnd(4));
	f->orig.dport = (uint16_t)rnd(3);
	f->reply.sport = rnd(2) ? f->orig.dport : (uint16_t)rnd(3);
	f->reply.dport = rnd(2) ? f->orig.sport : (uint16_t)(2000 + rnd(2));
	if (flow_is_icmp(f->protonum)) {
		f->orig.icmp_type = (uint8_t)rnd(3);
		f->orig.icmp_code = (uint8_t)rnd(2);
	}
	f->orig.zone = (uint16_t)rnd(2);
	f->reply.zone = rnd(4) ? f->orig.zone : (uint16_t)rnd(3);
	f->id = rnd(4);
	rand_values(f);
	f->mark = rnd(3);
	f->status |= rnd(2) ? FLOW_S_SRC_NAT : 0;
}

struct rank_ref {
	struct order_spec spec;
	const struct table *t;
};

static int rank_ref_cmp(const void *pa, const void *pb, void *arg)
{
	const struct rank_ref *rr = arg;

	return order_compare(&rr->spec, rr->t,
			     *(const struct table_rec *const *)pa,
			     *(const struct table_rec *const *)pb);
}

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

/* A sort of many records ranks the table's IPv6 addresses (its pool):
 * the ranks order as the addresses' bytes, and the sort with ranked keys
 * gives what order_compare, on whole views, gives, for every column and
 * direction. */
static void test_ranked_sort(void **state)
{
	const size_t n = 3000;
	struct table *t = table_new();
	const void **v = calloc(n, sizeof(*v));
	const void **ref = calloc(n, sizeof(*ref));
	uint32_t *ranks;
	size_t cur = 0, m = 0, v6 = 0;
	struct table_rec *r;

	(void)state;
	assert_non_null(t);
	assert_non_null(v);
	assert_non_null(ref);
	rng_state = 0x5eed0fa11ab1e5ull;
	/* Two readings, for rates; some flows gone, so the pool has free
	 * numbers among the ranked ones. */
	while (table_count(t) < n + 200) {
		struct flow f;

		rank_flow(&f);
		if (!table_find(t, &f))
			assert_non_null(table_upsert(t, &f, 1000));
	}
	while ((r = table_next(t, &cur))) {
		struct table_flow tf;

		table_view(t, r, &tf);
		tf.f.orig_bytes += rnd(3) * 1000;
		assert_ptr_equal(table_upsert(t, &tf.f, 1500), r);
	}
	for (size_t i = 0; table_count(t) > n; i++) {
		struct table_flow tf;

		cur = i * 7;
		r = table_next(t, &cur);
		assert_non_null(r);
		table_view(t, r, &tf);
		assert_true(table_remove(t, &tf.f));
	}
	cur = 0;
	while ((r = table_next(t, &cur)))
		v[m++] = r;
	assert_int_equal(m, n);

	/* The ranks: order_sort uses them here (n >= 1024 rows, fewer
	 * addresses than rows). */
	assert_true(table_addr_count(t) <= n);
	ranks = table_addr_ranks(t);
	assert_non_null(ranks);
	for (size_t i = 0; i < n; i++) {
		struct table_flow a, b;
		uint32_t ra[4], rb[4];
		const struct table_rec *x = v[i], *y = v[rnd((uint32_t)n)];

		table_view(t, x, &a);
		table_view(t, y, &b);
		if (a.f.family != FLOW_IPV6 || b.f.family != FLOW_IPV6)
			continue;
		v6++;
		assert_true(table_rec_ranks(x, ranks, ra));
		assert_true(table_rec_ranks(y, ranks, rb));
		assert_int_equal(sign(memcmp(a.f.orig.src.b, b.f.reply.dst.b,
					     16)),
				 (ra[0] > rb[3]) - (ra[0] < rb[3]));
		assert_int_equal(sign(memcmp(a.f.orig.dst.b, b.f.reply.src.b,
					     16)),
				 (ra[1] > rb[2]) - (ra[1] < rb[2]));
	}
	assert_true(v6 > 100);
	free(ranks);

	for (int col = 0; col < COL_COUNT; col++)
		for (int rev = 0; rev < 2; rev++) {
			struct rank_ref rr = { .t = t };

			order_spec_init(&rr.spec, col, rev,
					1700000002000000000ull);
			memcpy(ref, v, n * sizeof(*v));
			qsort_r(ref, n, sizeof(*ref), rank_ref_cmp, &rr);
			/* From a scrambled start, and from the sorted one. */
			for (size_t i = n; i > 1; i--) {
				size_t j = rnd((uint32_t)i);
				const void *x = v[i - 1];

				v[i - 1] = v[j];
				v[j] = x;
			}
			order_sort(&rr.spec, t, v, n);
			for (size_t i = 0; i < n; i++)
				assert_ptr_equal(v[i], ref[i]);
			order_sort(&rr.spec, t, v, n);
			for (size_t i = 0; i < n; i++)
				assert_ptr_equal(v[i], ref[i]);
		}
	free(ref);
	free(v);
	table_free(t);
}

/* Two records of one key (two tables, or a tuple reused by a newer
 * connection) differ by their conntrack id: still a total order. On
 * their views, as order_compare compares them. */
static void test_same_key_by_id(void **state)
{
	struct table_flow a, b;
	struct order_spec spec;
	int cols[] = { COL_TTL, COL_SRC, COL_RATE };

	(void)state;
	memset(&a, 0, sizeof(a));
	a.f.family = FLOW_IPV4;
	a.f.protonum = FLOW_P_UDP;
	a.f.orig.src.b[0] = 10;
	a.f.orig.sport = 5353;
	a.f.id = 5;
	b = a;
	b.f.id = 9;
	for (size_t c = 0; c < 3; c++)
		for (int rev = 0; rev < 2; rev++) {
			order_spec_init(&spec, cols[c], rev, 0);
			assert_true(sort_compare(&spec.sort, &a.f, &b.f) < 0);
			assert_true(sort_compare(&spec.sort, &b.f, &a.f) > 0);
			assert_int_equal(sort_compare(&spec.sort, &a.f, &a.f), 0);
		}
	/* The rate decides first, in the direction asked. */
	b.bps = 10;
	order_spec_init(&spec, COL_RATE, true, 0);
	assert_true(sort_compare(&spec.sort, &b.f, &a.f) < 0);
	order_spec_init(&spec, COL_RATE, false, 0);
	assert_true(sort_compare(&spec.sort, &b.f, &a.f) > 0);
}

/* A record changed in place without being told is still found (by the
 * scan), so it can be taken out and put back. */
static void test_find_after_untold_change(void **state)
{
	struct fixture fx;
	struct order o;
	const struct table_rec *r;
	struct flow f;

	(void)state;
	rng_state = 99;
	fx_start(&fx, &o, COL_TTL, false, NULL, NULL, 500);
	r = order_at(&o, 0);
	f = fx_flow(&fx, r);
	f.timeout = 999999;	/* from first to last */
	assert_ptr_equal(table_upsert(fx.tbl, &f, fx.now_ms), r);
	assert_int_equal(order_find(&o, r), 0);
	assert_true(order_remove(&o, r));
	assert_int_equal(order_insert(&o, r), 1);
	assert_int_equal(order_find(&o, r), order_count(&o) - 1);
	check_order(&fx, &o);
	order_free(&o);
	fx_free(&fx);
}

static void test_insert_unwanted(void **state)
{
	struct fixture fx;
	struct order o;
	struct table_rec *r;
	struct flow f;

	(void)state;
	rng_state = 5;
	fx_start(&fx, &o, COL_SRC, false, "udp", NULL, 300);
	do
		rand_flow(&f);
	while (f.protonum != FLOW_P_TCP || table_find(fx.tbl, &f));
	r = table_upsert(fx.tbl, &f, fx.now_ms);
	assert_non_null(r);
	assert_int_equal(order_insert(&o, r), 0);
	assert_int_equal(order_find(&o, r), order_count(&o));
	check_order(&fx, &o);
	order_free(&o);
	fx_free(&fx);
}

/* The set of changes: one entry per record, and past its bound it gives
 * up, which order_update reports so the caller rebuilds. */
static void test_changes_bound(void **state)
{
	/* Addresses only: the set never reads a record. */
	char *mem = calloc(20000, 8);
	static const struct table_rec *recs[20000];
	struct order_changes ch = { 0 };
	struct order o;
	size_t i;

	(void)state;
	assert_non_null(mem);
	for (i = 0; i < 20000; i++)
		recs[i] = (const struct table_rec *)(mem + 8 * i);
	order_changes_add(&ch, recs[0], 1000000);
	order_changes_add(&ch, recs[0], 1000000);
	assert_int_equal(ch.n, 1);
	assert_true(order_changes_has(&ch, recs[0]));
	assert_false(order_changes_has(&ch, recs[1]));
	/* A big table: 10000 changes are fewer than 1/8, still patched. */
	for (i = 0; i < 10000; i++)
		order_changes_add(&ch, recs[i], 1000000);
	assert_false(ch.all);
	assert_int_equal(ch.n, 10000);
	for (i = 0; i < 10000; i++)
		assert_true(order_changes_has(&ch, recs[i]));
	assert_false(order_changes_has(&ch, recs[10000]));
	order_changes_clear(&ch);
	assert_int_equal(ch.n, 0);
	assert_false(order_changes_has(&ch, recs[5]));
	/* A table of 20000: past 4096 changes and 1/8, a rebuild is
	 * cheaper. */
	for (i = 0; i < 20000 && !ch.all; i++)
		order_changes_add(&ch, recs[i], 20000);
	assert_true(ch.all);
	assert_int_equal(i, 4097);
	order_init(&o);
	assert_int_equal(order_update(&o, &ch), -1);
	order_changes_clear(&ch);
	assert_false(ch.all);
	assert_int_equal(order_update(&o, &ch), 0);
	order_free(&o);
	order_changes_free(&ch);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_all_removed),
		cmocka_unit_test(test_ties_by_key),
		cmocka_unit_test(test_ranked_sort),
		cmocka_unit_test(test_same_key_by_id),
		cmocka_unit_test(test_find_after_untold_change),
		cmocka_unit_test(test_insert_unwanted),
		cmocka_unit_test(test_changes_bound),
		cmocka_unit_test(test_random_batch),
		cmocka_unit_test(test_random_one_at_a_time),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_preview_then_change),
		cmocka_unit_test(test_pending_batch_with_reuse),
	};

	return cmocka_run_group_tests_name("order", tests, NULL, NULL);
}
