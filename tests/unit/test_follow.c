/* Unit tests for follow.c's rules: how events and dumps change a table,
 * whoever reads them (the screen and ctop --self-check share these). No
 * kernel: events and dumped flows are made here, in the orders that race
 * in real life. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "follow.h"
#include "testflow.h"

static struct flow mk(uint16_t sport, uint32_t id)
{
	return test_flow4(0x0100000a, 0x0200000a, sport, 80, FLOW_P_TCP, 0, id);
}

static struct source_event ev(enum source_event_type type, uint16_t sport,
			      uint32_t id)
{
	struct source_event e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.f = mk(sport, id);
	return e;
}

static struct source_event overflow(long long lost)
{
	struct source_event e;

	memset(&e, 0, sizeof(e));
	e.type = SOURCE_EV_OVERFLOW;
	e.lost = lost;
	return e;
}

struct fixture {
	struct table *t;
	struct follow_state s;
};

static int setup(void **state)
{
	static struct fixture fx;

	fx.t = table_new();
	if (!fx.t)
		return -1;
	follow_state_init(&fx.s, fx.t, NULL, NULL);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	table_free(fx->t);
	return 0;
}

static bool has(struct fixture *fx, uint16_t sport, uint32_t id)
{
	struct flow k = mk(sport, id);
	struct table_rec *r = table_find(fx->t, &k);
	struct table_flow v;

	if (!r)
		return false;
	table_view(fx->t, r, &v);
	return v.f.id == id;
}

static void test_new_update_destroy(void **state)
{
	struct fixture *fx = *state;
	struct source_event e = ev(SOURCE_EV_NEW, 1000, 7);

	assert_true(follow_apply(&fx->s, &e, 1));
	assert_true(has(fx, 1000, 7));
	e = ev(SOURCE_EV_UPDATE, 1000, 7);
	e.f.timeout = 60;
	assert_true(follow_apply(&fx->s, &e, 2));
	e = ev(SOURCE_EV_DESTROY, 1000, 7);
	assert_true(follow_apply(&fx->s, &e, 3));
	assert_false(has(fx, 1000, 7));
	assert_int_equal(table_count(fx->t), 0);
	/* A DESTROY of a flow we never had changes nothing. */
	assert_false(follow_apply(&fx->s, &e, 4));
	assert_int_equal(fx->s.st.events, 4);
	assert_int_equal(fx->s.st.news, 1);
	assert_int_equal(fx->s.st.updates, 1);
	assert_int_equal(fx->s.st.destroys, 2);
	assert_false(fx->s.need_resync);
}

/* The tuple was reused: the DESTROY of the old connection (id 1) arrives
 * after the new one (id 2) was stored. The new one stays. */
static void test_destroy_of_older_id_keeps_newer(void **state)
{
	struct fixture *fx = *state;
	struct source_event e = ev(SOURCE_EV_NEW, 2000, 2);

	follow_apply(&fx->s, &e, 1);
	e = ev(SOURCE_EV_DESTROY, 2000, 1);
	assert_false(follow_apply(&fx->s, &e, 2));
	assert_true(has(fx, 2000, 2));
	e = ev(SOURCE_EV_DESTROY, 2000, 2);
	assert_true(follow_apply(&fx->s, &e, 3));
	assert_false(has(fx, 2000, 2));
}

/* A dump read flow A, then A was destroyed and its DESTROY applied, then
 * the dump's copy of A is stored: A must stay gone. Flow B, which the
 * dump did not see, is swept. */
static void test_dump_copy_does_not_resurrect(void **state)
{
	struct fixture *fx = *state;
	struct source_event e = ev(SOURCE_EV_NEW, 3000, 30);
	struct flow a = mk(3000, 30), c = mk(3002, 32);

	follow_apply(&fx->s, &e, 1);
	e = ev(SOURCE_EV_NEW, 3001, 31);		/* B */
	follow_apply(&fx->s, &e, 1);

	follow_sweep_begin(&fx->s);
	e = ev(SOURCE_EV_DESTROY, 3000, 30);
	assert_true(follow_apply(&fx->s, &e, 2));
	assert_true(follow_dumped(&fx->s, &a, 2));	/* refused, no error */
	assert_true(follow_dumped(&fx->s, &c, 2));
	assert_int_equal(follow_sweep_end(&fx->s, false), 1);	/* B */

	assert_false(has(fx, 3000, 30));
	assert_false(has(fx, 3001, 31));
	assert_true(has(fx, 3002, 32));
	assert_int_equal(table_count(fx->t), 1);
	assert_int_equal(fx->s.st.dumps, 1);
	assert_int_equal(fx->s.st.resyncs, 0);
	assert_int_equal(fx->s.st.swept, 1);
	assert_false(fx->s.sweeping);
}

/* Events lost while no dump runs: one resync. Lost during the resync's
 * dump: the dump may have passed the flows concerned, so another. */
static void test_overflow_asks_for_resync(void **state)
{
	struct fixture *fx = *state;
	struct source_event o = overflow(12), u = overflow(-1);
	struct flow a = mk(4000, 40);

	assert_false(follow_apply(&fx->s, &o, 1));
	assert_true(fx->s.need_resync);
	assert_int_equal(fx->s.st.overflows, 1);
	assert_int_equal(fx->s.st.lost, 12);

	follow_sweep_begin(&fx->s);
	assert_false(fx->s.need_resync);
	follow_dumped(&fx->s, &a, 2);
	follow_apply(&fx->s, &u, 2);		/* an unknown count is 1 */
	follow_sweep_end(&fx->s, true);
	assert_true(fx->s.need_resync);
	assert_int_equal(fx->s.st.lost, 13);
	assert_int_equal(fx->s.st.resyncs, 1);

	follow_sweep_begin(&fx->s);
	follow_dumped(&fx->s, &a, 3);
	follow_sweep_end(&fx->s, true);
	assert_false(fx->s.need_resync);
	assert_true(has(fx, 4000, 40));
	assert_int_equal(fx->s.st.dumps, 2);
	assert_int_equal(fx->s.st.resyncs, 2);
}

/* With hooks, every change goes through them (the screen's view). */
struct calls {
	struct table *t;
	int upserts, removes;
};

static struct table_rec *count_upsert(void *ctx, const struct flow *f,
				      uint64_t now_ms, enum table_ends ends)
{
	struct calls *c = ctx;

	c->upserts++;
	return table_upsert_ends(c->t, f, now_ms, ends);
}

static bool count_remove(void *ctx, const struct flow *key)
{
	struct calls *c = ctx;

	c->removes++;
	return table_remove(c->t, key);
}

static void test_hooks_see_every_change(void **state)
{
	struct fixture *fx = *state;
	static const struct follow_hooks hooks = {
		.upsert = count_upsert,
		.remove = count_remove,
	};
	struct calls c = { .t = fx->t };
	struct source_event e = ev(SOURCE_EV_NEW, 5000, 50);
	struct flow d = mk(5001, 51);

	follow_state_init(&fx->s, fx->t, &hooks, &c);
	follow_apply(&fx->s, &e, 1);
	follow_sweep_begin(&fx->s);
	follow_dumped(&fx->s, &d, 2);
	e = ev(SOURCE_EV_DESTROY, 5000, 50);
	follow_apply(&fx->s, &e, 2);
	/* The older id's DESTROY never reaches the remove hook. */
	e = ev(SOURCE_EV_DESTROY, 5001, 49);
	follow_apply(&fx->s, &e, 2);
	follow_sweep_end(&fx->s, false);
	assert_int_equal(c.upserts, 2);
	assert_int_equal(c.removes, 1);
	assert_true(has(fx, 5001, 51));
	assert_int_equal(table_count(fx->t), 1);
}

/* Which flows may end without an event: those first read from a dump
 * (unless nf_conntrack_events is 1); an event of any kind proves the
 * extension, and the set shrinks as flows go. */
static void test_silent_set(void **state)
{
	struct fixture *fx = *state;
	struct source_event e = ev(SOURCE_EV_NEW, 6000, 60);
	struct flow a = mk(6001, 61), b = mk(6002, 62), c = mk(6003, 63);

	fx->s.st.events_sysctl = 2;
	follow_apply(&fx->s, &e, 1);
	follow_sweep_begin(&fx->s);
	assert_true(follow_dumped(&fx->s, &e.f, 2));
	assert_true(follow_dumped(&fx->s, &a, 2));
	assert_true(follow_dumped(&fx->s, &b, 2));
	follow_sweep_end(&fx->s, false);
	/* Born in an event: reports its end; read first: may not. */
	assert_false(table_is_silent(fx->t, &e.f));
	assert_true(table_is_silent(fx->t, &a));
	assert_true(table_is_silent(fx->t, &b));
	assert_int_equal(table_silent_count(fx->t), 2);
	/* An UPDATE of a dumped flow shows it has the extension. */
	e = ev(SOURCE_EV_UPDATE, 6001, 61);
	follow_apply(&fx->s, &e, 3);
	assert_false(table_is_silent(fx->t, &a));
	/* It went (found by a read elsewhere): the set shrinks. */
	table_remove(fx->t, &b);
	assert_int_equal(table_silent_count(fx->t), 0);
	/* With every flow eventful, a dump adds none to the set. */
	fx->s.st.events_sysctl = 1;
	assert_true(follow_dumped(&fx->s, &c, 4));
	assert_false(table_is_silent(fx->t, &c));
	assert_int_equal(follow_read_ends(&fx->s), TABLE_ENDS_KEEP);
	fx->s.st.events_sysctl = 0;
	assert_int_equal(follow_read_ends(&fx->s), TABLE_ENDS_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_update_destroy,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_destroy_of_older_id_keeps_newer, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_dump_copy_does_not_resurrect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow_asks_for_resync,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_see_every_change,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_set,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("follow", tests, NULL, NULL);
}
