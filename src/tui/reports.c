/* The data of the P, T and E views (reports.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../clock.h"
#include "../num.h"
#include "../report.h"
#include "../source.h"
#include "../timeparse.h"
#include "reports.h"

/* ---- gathering ---- */

/* The flow of R with its TTL as of now, for counting. */
static const struct flow *flow_now(const struct model *m,
				   const struct table_rec *r,
				   uint64_t now_ms, struct flow *tmp)
{
	uint32_t ttl = model_ttl(m, r, tmp, now_ms);

	tmp->timeout = ttl;
	return tmp;
}

static void gather_pressure(struct reports *v, const struct model *m,
			    const struct filter *flt)
{
	struct table_rec *r;
	struct table_flow tf;
	size_t cur = 0;

	if (!v->pf_ok) {
		if (pressure_flows_init(&v->pf))
			return;
		v->pf_ok = true;
	}
	pressure_flows_reset(&v->pf);
	while ((r = table_next(m->tbl, &cur))) {
		table_view(m->tbl, r, &tf);
		if (filter_match(flt, &tf.f))
			pressure_flows_add(&v->pf, &tf.f);
	}
	v->buckets = source_sysctl("nf_conntrack_buckets");
}

/* The table's flows that FLT matches, counted in v->to with their TTL
 * as of now. */
static void count_timeouts(struct reports *v, const struct model *m,
			   const struct filter *flt, uint64_t now_ms)
{
	struct table_rec *r;
	struct table_flow tf;
	size_t cur = 0;

	while ((r = table_next(m->tbl, &cur))) {
		table_view(m->tbl, r, &tf);
		if (filter_match(flt, &tf.f))
			timeouts_add_flow(&v->to,
					  flow_now(m, r, now_ms, &tf.f));
	}
}

static void gather_timeouts(struct reports *v, const struct model *m,
			    const struct filter *flt, uint64_t now_ms)
{
	struct ctop_err err = { 0 };
	struct report_items it = { 0 };

	timeouts_read(&v->to, NULL);
	count_timeouts(v, m, flt, now_ms);
	/* The capacity of the old array is not kept: start afresh. */
	free(v->pol);
	v->pol_err[0] = '\0';
	if (report_read_policies(&it, &err))
		snprintf(v->pol_err, sizeof(v->pol_err), "%s", err.msg);
	v->pol = it.v;
	v->npol = it.n;
}

static void gather_expect(struct reports *v)
{
	struct ctop_err err = { 0 };
	struct report_items it = { 0 };

	free(v->exp);
	v->exp_err[0] = '\0';
	if (report_read_expectations(&it, &err))
		snprintf(v->exp_err, sizeof(v->exp_err), "%s", err.msg);
	v->exp = it.v;
	v->nexp = it.n;
}

/* T on a flight recording: the timeouts recorded last at or before the
 * instant, with the flows of the table rebuilt there (none without a
 * full table: the counts then show "-"). */
static void gather_recorded_timeouts(struct reports *v, const struct model *m,
				     const struct filter *flt,
				     const struct timeline *tl, uint64_t now_ms)
{
	char when[32];
	int r;

	fr_timeouts_free(&v->rec);
	free(v->pol);
	v->pol = NULL;
	v->npol = 0;
	v->pol_err[0] = v->note[0] = '\0';
	memset(&v->to, 0, sizeof(v->to));
	timeparse_format(when, sizeof(when), tl->at_ns);
	r = fr_file_timeouts_at(&tl->f, tl->at_ns, &v->rec);
	if (r <= 0) {
		snprintf(v->note, sizeof(v->note), r < 0 ?
			 "a damaged timeouts record before %s" :
			 "no timeouts recorded at or before %s (an older ctop "
			 "made this recording)", when);
		return;
	}
	v->to = v->rec.to;
	if (tl->has_table) {
		count_timeouts(v, m, flt, now_ms);
	} else {
		for (size_t i = 0; i < v->to.n; i++)
			v->to.rows[i].counted = false;
		snprintf(v->note, sizeof(v->note), "flows not counted: no full "
			 "table recorded at or before %s", when);
	}
	if (!v->rec.have_policies)
		snprintf(v->pol_err, sizeof(v->pol_err), "not read when recorded");
	v->pol = malloc((v->rec.npol ? v->rec.npol : 1) * sizeof(*v->pol));
	if (v->pol) {
		memcpy(v->pol, v->rec.pol, v->rec.npol * sizeof(*v->pol));
		v->npol = v->rec.npol;
	}
}

/* E on a flight recording: the expectations recorded last at or before
 * the instant, their timeouts counted down to it. */
static void gather_recorded_expect(struct reports *v, const struct timeline *tl)
{
	struct expectation *e;
	size_t n;
	char when[32];
	int r = fr_file_expect_at(&tl->f, tl->at_ns, &e, &n);

	free(v->exp);
	v->exp = NULL;
	v->nexp = 0;
	v->exp_err[0] = '\0';
	if (r <= 0) {
		timeparse_format(when, sizeof(when), tl->at_ns);
		snprintf(v->exp_err, sizeof(v->exp_err), r < 0 ?
			 "a damaged expectations record before %s" :
			 "none recorded at or before %s (an older ctop, or the "
			 "kernel refused the dump)", when);
		return;
	}
	v->exp = e;
	v->nexp = n;
}

void reports_gather(struct reports *r, enum report_view v,
		    const struct model *m, const struct filter *flt,
		    bool replay, const struct timeline *tl, uint64_t now_ms)
{
	uint64_t took;

	if (replay && tl && tl->on && v != REPORT_PRESSURE) {
		if (v == REPORT_TIMEOUTS)
			gather_recorded_timeouts(r, m, flt, tl, now_ms);
		else
			gather_recorded_expect(r, tl);
		r->next_gather_ms = now_ms + 200;
		return;
	}
	/* A table from a file has flows, but no kernel to ask the rest. */
	if (replay && v != REPORT_PRESSURE)
		return;
	switch (v) {
	case REPORT_PRESSURE:
		gather_pressure(r, m, flt);
		break;
	case REPORT_TIMEOUTS:
		r->note[0] = '\0';
		gather_timeouts(r, m, flt, now_ms);
		break;
	case REPORT_EXPECT:
		gather_expect(r);
		break;
	}
	/* At a million flows a pass takes a while: at most a tenth of the
	 * time goes to it. */
	took = clock_monotonic_ms() - now_ms;
	r->next_gather_ms = now_ms + 10 * took;
}

void reports_refresh(struct reports *r, const struct sync *s, int v,
		     const struct model *m, const struct filter *flt,
		     const struct timeline *tl, uint64_t now_ms)
{
	/* The fill trend needs a minute of history, whatever the mode. */
	if (s->have_stats && s->stats_ms != 0) {
		pressure_trend_add(&r->trend, (double)s->stats_ms / 1000.0,
				   &s->stats);
		r->have_prev = s->have_prev_stats;
		r->prev = s->prev_stats;
		r->interval = (double)(s->stats_ms - s->prev_stats_ms) / 1000.0;
	}
	if (v >= 0 && now_ms >= r->next_gather_ms)
		reports_gather(r, (enum report_view)v, m, flt,
			       s->cli->replay != NULL, tl, now_ms);
}

size_t reports_rows(const struct reports *r, enum report_view v)
{
	if (v == REPORT_TIMEOUTS)
		return r->to.n;
	if (v == REPORT_EXPECT)
		return r->nexp;
	return 0;
}

void reports_move(struct reports *r, enum report_view v, long delta)
{
	size_t n = reports_rows(r, v);

	if (n)
		r->sel = index_step(r->sel, delta, n);
}

void reports_scroll(struct reports *r, enum report_view v, size_t rows)
{
	size_t n = reports_rows(r, v);

	if (r->sel >= n)
		r->sel = n ? n - 1 : 0;
	if (r->sel < r->top)
		r->top = r->sel;
	if (rows && r->sel >= r->top + rows)
		r->top = r->sel - rows + 1;
}

void reports_free(struct reports *r)
{
	if (r->pf_ok)
		pressure_flows_free(&r->pf);
	free(r->pol);
	free(r->exp);
	fr_timeouts_free(&r->rec);
	memset(r, 0, sizeof(*r));
}

size_t reports_live_series(const struct reports *r, uint32_t max,
			   enum timeline_series what, double *v, size_t n)
{
	const struct pressure_trend *tr = &r->trend;
	size_t k = 0, first = tr->n > n + 1 ? tr->n - n - 1 : 0;

	for (size_t i = first + 1; i < tr->n && k < n; i++) {
		const struct pressure_sample *a =
			&tr->s[(tr->head + i - 1) % PRESSURE_TREND_SAMPLES];
		const struct pressure_sample *b =
			&tr->s[(tr->head + i) % PRESSURE_TREND_SAMPLES];
		double dt = b->t - a->t;
		double added = dt > 0 && b->insert >= a->insert ?
			       (double)(b->insert - a->insert) / dt : 0;
		double grew = dt > 0 ? ((double)b->count - (double)a->count) / dt : 0;

		if (what == TS_FILL)
			v[k++] = max ? 100.0 * b->count / max : 0;
		else if (what == TS_ADDED)
			v[k++] = added;
		else if (what == TS_REMOVED)
			v[k++] = added - grew > 0 ? added - grew : 0;
		else	/* drops per refresh, as a recording's per interval */
			v[k++] = b->drops >= a->drops ?
				 (double)(b->drops - a->drops) : 0;
	}
	return k;
}
