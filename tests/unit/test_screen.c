/* Unit tests for the screen without a terminal: the model (changes,
 * protocol counts, the TTL countdown, the first dump's gathering), the
 * list view fed by it, and the actions the binding table maps keys to.
 * A session is set up as the screen sets it up (session.c), on no
 * kernel: flows go into the model as the sync would put them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "cli.h"
#include "testflow.h"
#include "tui/bindings.h"
#include "tui/keybar.h"
#include "tui/keys.h"
#include "tui/reports.h"
#include "tui/session.h"

struct fixture {
	struct cli cli;
	struct filter *flt;
	struct tui t;
};

static int open_session(void **state, int argc, char **argv)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct ctop_err err = { 0 };
	struct filter_error fe = { 0 };

	if (!fx || cli_parse(argc, argv, &fx->cli, &err))
		return -1;
	fx->flt = filter_compile(fx->cli.filter, &fe);
	if (!fx->flt || session_init(&fx->t, &fx->cli, NULL, NULL, fx->flt, -1))
		return -1;
	/* A terminal of 120 x 40, as the layout would find it. */
	geometry_frame(&fx->t.geo, 120, 40);
	*state = fx;
	return 0;
}

static int setup(void **state)
{
	char *argv[] = { "ctop", NULL };

	return open_session(state, 1, argv);
}

static int setup_readonly(void **state)
{
	char *argv[] = { "ctop", "--readonly", NULL };

	return open_session(state, 2, argv);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	session_free(&fx->t);
	filter_free(fx->flt);
	cli_free(&fx->cli);
	free(fx);
	return 0;
}

/* 10.0.0.N:1000+N -> 10.9.9.9:80, protocol P. */
static struct flow flow_n(unsigned n, uint8_t proto)
{
	char src[32];
	struct flow f;

	snprintf(src, sizeof(src), "10.0.0.%u", n);
	f = test_flow(FLOW_IPV4, proto, src, (uint16_t)(1000 + n), "10.9.9.9",
		      80);
	f.id = n;
	f.timeout = 100;
	f.has |= FLOW_HAS_TIMEOUT;
	return f;
}

/* The first dump: N flows, then complete. */
static void first_dump(struct tui *t, unsigned n)
{
	listview_collect_begin(&t->lv, &t->m);
	for (unsigned i = 1; i <= n; i++) {
		struct flow f = flow_n(i, i % 3 == 0 ? FLOW_P_UDP : FLOW_P_TCP);

		assert_non_null(model_upsert(&t->m, &f, 1000, false));
	}
	t->m.complete = true;
	session_update(t);
	listview_scroll(&t->lv, (size_t)t->geo.list_h);
}

/* The conntrack id of the flow at ROW. */
static unsigned row_id(const struct tui *t, size_t row)
{
	const struct table_rec *r = listview_rec(&t->lv, row);
	struct table_flow v;

	assert_non_null(r);
	table_view(t->m.tbl, r, &v);
	return v.f.id;
}

static unsigned sel_n(const struct tui *t)
{
	return row_id(t, t->lv.sel);
}

/* ---- the model ---- */

static void test_model_changes_and_counts(void **state)
{
	struct fixture *fx = *state;
	struct model *m = &fx->t.m;
	struct flow a = flow_n(1, FLOW_P_TCP), b = flow_n(2, FLOW_P_UDP);
	struct flow c = flow_n(3, FLOW_P_ICMP);

	model_upsert(m, &a, 0, true);
	model_upsert(m, &b, 0, true);
	model_upsert(m, &c, 0, true);
	assert_int_equal(m->nproto[PROTO_TCP], 1);
	assert_int_equal(m->nproto[PROTO_UDP], 1);
	assert_int_equal(m->nproto[PROTO_ICMP], 1);
	assert_int_equal(m->dirty.n, 3);
	model_dirty_clear(m);
	/* The same flow again changes nothing: no change recorded. */
	model_upsert(m, &a, 0, true);
	assert_int_equal(m->dirty.n, 0);
	/* A change in place: recorded when tracked (events), not when a
	 * dump brings it (its end rebuilds the view). */
	a.timeout = 50;
	model_upsert(m, &a, 0, false);
	assert_int_equal(m->dirty.n, 0);
	a.timeout = 40;
	model_upsert(m, &a, 0, true);
	assert_int_equal(m->dirty.n, 1);
	assert_true(model_remove(m, &b));
	assert_int_equal(m->nproto[PROTO_UDP], 0);
	assert_int_equal(m->dirty.n, 2);
	assert_false(model_remove(m, &b));
	assert_int_equal(table_count(m->tbl), 2);
}

static void test_model_ttl_counts_down(void **state)
{
	struct fixture *fx = *state;
	struct model *m = &fx->t.m;
	struct flow f = flow_n(1, FLOW_P_TCP);
	struct table_rec *r = model_upsert(m, &f, 5000, true);

	assert_non_null(r);
	assert_int_equal(model_ttl(m, r, &f, 5000), 100);
	assert_int_equal(model_ttl(m, r, &f, 5999), 100);
	assert_int_equal(model_ttl(m, r, &f, 35000), 70);
	assert_int_equal(model_ttl(m, r, &f, 500000), 0);
	/* Without a timeout there is nothing to count down. */
	f.has &= ~FLOW_HAS_TIMEOUT;
	f.timeout = 0;
	r = model_upsert(m, &f, 5000, true);
	assert_int_equal(model_ttl(m, r, &f, 99000), 0);
}

static void test_first_dump_gathered(void **state)
{
	struct fixture *fx = *state;
	struct tui *t = &fx->t;

	listview_collect_begin(&t->lv, &t->m);
	assert_true(t->m.collecting);
	for (unsigned i = 9; i >= 1; i--) {
		struct flow f = flow_n(i, FLOW_P_TCP);

		model_upsert(&t->m, &f, 0, false);
	}
	/* Not complete: the list says it is reading. */
	session_update(t);
	assert_int_equal(listview_rows(&t->lv), 0);
	t->m.complete = true;
	assert_true(session_update(t));
	/* The gathered list became the view, sorted by source. */
	assert_false(t->m.collecting);
	assert_int_equal(listview_rows(&t->lv), 9);
	for (size_t i = 0; i < 9; i++)
		assert_int_equal(row_id(t, i), i + 1);
	assert_int_equal(t->m.nproto[PROTO_TCP], 9);
}

static void test_view_follows_the_selection(void **state)
{
	struct fixture *fx = *state;
	struct tui *t = &fx->t;
	struct flow f;

	first_dump(t, 6);
	listview_select(&t->lv, 3);
	assert_int_equal(sel_n(t), 4);
	/* A flow sorting before it comes, one before it goes: the cursor
	 * stays on the same flow. */
	f = flow_n(0, FLOW_P_TCP);
	model_upsert(&t->m, &f, 0, true);
	f = flow_n(1, FLOW_P_TCP);
	model_remove(&t->m, &f);
	assert_true(session_update(t));
	assert_int_equal(sel_n(t), 4);
	assert_int_equal(listview_rows(&t->lv), 6);
	/* The selected flow goes: the cursor stays at its height. */
	f = flow_n(4, FLOW_P_TCP);
	model_remove(&t->m, &f);
	session_update(t);
	assert_int_equal(sel_n(t), 5);
}

/* ---- actions, through the binding table ---- */

static void test_keys_move_sort_invert(void **state)
{
	struct fixture *fx = *state;
	struct tui *t = &fx->t;

	first_dump(t, 8);
	assert_int_equal(keys_dispatch(t, K_FN(KEY_DOWN)), ACT_REDRAW);
	assert_int_equal(sel_n(t), 2);
	keys_dispatch(t, 'j');
	keys_dispatch(t, 'j');
	assert_int_equal(sel_n(t), 4);
	keys_dispatch(t, 'k');
	assert_int_equal(sel_n(t), 3);
	keys_dispatch(t, K_FN(KEY_END));
	assert_int_equal(sel_n(t), 8);
	keys_dispatch(t, K_FN(KEY_HOME));
	assert_int_equal(sel_n(t), 1);
	/* > : the next column of the view as the sort key; < back. */
	assert_int_equal(t->lv.sort_col, COL_SRC);
	keys_dispatch(t, '>');
	assert_int_equal(t->lv.sort_col, COL_DST);
	keys_dispatch(t, ',');
	assert_int_equal(t->lv.sort_col, COL_SRC);
	keys_dispatch(t, 'I');
	assert_true(t->lv.sort_rev);
	session_update(t);
	assert_int_equal(row_id(t, 0), 8);
}

static void test_keys_group_drill_tag(void **state)
{
	struct fixture *fx = *state;
	struct tui *t = &fx->t;

	first_dump(t, 4);
	keys_dispatch(t, 'g');
	assert_int_equal(t->lv.group, GROUP_SRC);
	session_update(t);
	assert_int_equal(listview_rows(&t->lv), 4);
	keys_dispatch(t, K_FN(KEY_DOWN));
	keys_dispatch(t, '\r');
	assert_true(t->lv.drill);
	assert_int_equal(t->lv.group, GROUP_NONE);
	session_update(t);
	assert_int_equal(listview_rows(&t->lv), 1);
	assert_int_equal(sel_n(t), 2);
	/* Space tags the flow; Esc goes back to the groups, on the same
	 * group. */
	keys_dispatch(t, ' ');
	assert_int_equal(t->lv.ntags, 1);
	keys_dispatch(t, K_ESC);
	assert_false(t->lv.drill);
	assert_int_equal(t->lv.group, GROUP_SRC);
	session_update(t);
	assert_int_equal(t->lv.sel, 1);
	keys_dispatch(t, 'U');
	assert_int_equal(t->lv.ntags, 0);
	assert_string_equal(t->st.text, "all tags cleared");
}

static void test_keys_views_pause_refresh_quit(void **state)
{
	struct fixture *fx = *state;
	struct tui *t = &fx->t;

	first_dump(t, 3);
	keys_dispatch(t, 'P');
	assert_int_equal(t->in.mode, MODE_PRESSURE);
	assert_true(t->rep.pf_ok);
	assert_int_equal(t->rep.pf.flows, 3);
	/* p pauses in every view, and resuming refreshes at once. */
	t->sync.next_refresh_ms = 12345;
	keys_dispatch(t, 'p');
	assert_true(t->sync.paused);
	keys_dispatch(t, 'Z');
	assert_false(t->sync.paused);
	assert_int_equal(t->sync.next_refresh_ms, 0);
	/* Ctrl-R too: a full re-read at the next turn. */
	t->sync.fs.need_resync = false;
	keys_dispatch(t, CTRL('r'));
	assert_true(t->sync.fs.need_resync);
	/* h opens the help over the view, any key goes back to it. */
	keys_dispatch(t, 'h');
	assert_int_equal(t->in.mode, MODE_HELP);
	keys_dispatch(t, 'x');
	assert_int_equal(t->in.mode, MODE_PRESSURE);
	/* q in a view goes back; q in the list quits; Ctrl-L redraws. */
	assert_int_equal(keys_dispatch(t, 'q'), ACT_REDRAW);
	assert_int_equal(t->in.mode, MODE_LIST);
	assert_int_equal(keys_dispatch(t, CTRL('l')), ACT_REDRAW | ACT_CLEAR);
	assert_int_equal(keys_dispatch(t, 'q'), ACT_QUIT);
	assert_int_equal(keys_dispatch(t, K_FN(KEY_F(10))), ACT_QUIT);
}

static void test_keys_prompt_filter(void **state)
{
	struct fixture *fx = *state;
	struct tui *t = &fx->t;
	const char *text = "udp";

	first_dump(t, 6);
	keys_dispatch(t, '\\');
	assert_int_equal(t->in.mode, MODE_PROMPT);
	for (const char *p = text; *p; p++)
		keys_dispatch(t, *p);
	keys_dispatch(t, '\r');
	assert_int_equal(t->in.mode, MODE_LIST);
	session_update(t);
	assert_int_equal(listview_rows(&t->lv), 2);
	assert_string_equal(filter_text(listview_filter(&t->lv)), "udp");
	/* A search selects the match. */
	keys_dispatch(t, '/');
	keys_dispatch(t, '6');
	keys_dispatch(t, '\r');
	assert_int_equal(sel_n(t), 6);
}

/* ---- what the binding table generates ---- */

static void test_keybar_and_hints(void **state)
{
	struct fixture *fx = *state;
	struct tui *t = &fx->t;
	char hints[512];

	keybar_layout(&t->geo, t);
	assert_int_equal(t->geo.nkb, 7);	/* no F9: no kernel to delete in */
	assert_string_equal(t->geo.kb[0].fkey, "F1");
	assert_string_equal(t->geo.kb[0].label, "Help");
	assert_string_equal(t->geo.kb[6].label, "Quit");
	assert_int_equal(geometry_key_at(&t->geo, t->geo.kb[2].x0),
			 K_FN(KEY_F(3)));
	keybar_hints(t, hints, sizeof(hints));
	assert_non_null(strstr(hints, "</>: sort"));
	assert_non_null(strstr(hints, "Space: tag"));
	assert_null(strstr(hints, "delete"));
	t->in.mode = MODE_PRESSURE;
	keybar_layout(&t->geo, t);
	assert_int_equal(t->geo.nkb, 2);
	keybar_hints(t, hints, sizeof(hints));
	assert_non_null(strstr(hints, "Esc: back to the flows"));
}

/* The live P graphs draw drops too: drop + early_drop per refresh. */
static void test_live_series_drops(void **state)
{
	struct reports r;
	struct table_stats st;
	double v[8];

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&st, 0, sizeof(st));
	pressure_trend_reset(&r.trend);
	st.count = 100;
	st.insert = 1000;
	pressure_trend_add(&r.trend, 0.0, &st);
	st.drop = 3;
	st.early_drop = 2;
	st.insert = 1010;
	st.count = 105;
	pressure_trend_add(&r.trend, 1.0, &st);
	st.drop = 3;
	st.early_drop = 2;
	st.insert = 1030;
	st.count = 110;
	pressure_trend_add(&r.trend, 3.0, &st);
	assert_int_equal(reports_live_series(&r, 200, TS_DROPS, v, 8), 2);
	assert_true(v[0] == 5.0);
	assert_true(v[1] == 0.0);
	assert_int_equal(reports_live_series(&r, 200, TS_ADDED, v, 8), 2);
	assert_true(v[0] == 10.0);
	assert_true(v[1] == 10.0);
	assert_int_equal(reports_live_series(&r, 200, TS_REMOVED, v, 8), 2);
	assert_true(v[0] == 5.0);
	assert_true(v[1] == 7.5);
	assert_int_equal(reports_live_series(&r, 200, TS_FILL, v, 8), 2);
	assert_true(v[1] == 55.0);
}

static void test_readonly_refuses_delete(void **state)
{
	struct fixture *fx = *state;
	struct tui *t = &fx->t;
	char hints[512];

	first_dump(t, 2);
	keys_dispatch(t, 'd');
	assert_int_equal(t->in.mode, MODE_LIST);
	assert_non_null(strstr(t->st.text, "deleting is disabled"));
	keybar_hints(t, hints, sizeof(hints));
	assert_non_null(strstr(hints, "(read-only)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_model_changes_and_counts, setup, teardown),
		cmocka_unit_test(test_live_series_drops),
		cmocka_unit_test_setup_teardown(test_model_ttl_counts_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_dump_gathered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_follows_the_selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_move_sort_invert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_group_drill_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_views_pause_refresh_quit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_prompt_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keybar_and_hints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_refuses_delete, setup_readonly, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
