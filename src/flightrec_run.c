/* ctop -R FILE on a flight recording, in batch: one instant (--at) as a
 * grouping, a --stats report or metrics, or the flow list; or a time
 * series of the figures and top sources (--from/--to).
 *
 * Groupings the summaries keep (src, dst, dport, state, zone) come from
 * the summary in force at the instant, exact for its top keys and the
 * rest as one count; other groupings, filters and the flow list need a
 * full table (--full-every) recorded at or before the instant. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "batch_run.h"
#include "flightrec_file.h"
#include "flightrec_run.h"
#include "format.h"
#include "pressure.h"
#include "report.h"
#include "sort.h"
#include "timeparse.h"

#define NS ((uint64_t)1000000000)
#define SERIES_TOP_DEFAULT 3

static int when(const char *s, uint64_t ref, uint64_t *out,
		struct ctop_err *err)
{
	char msg[200];

	if (timeparse(s, ref, out, msg, sizeof(msg)))
		return err_set(err, CTOP_EXIT_USAGE, "%s", msg);
	return 0;
}

/* The summary in force at t, or an error naming where the recording
 * starts. */
static int summary_at(const struct fr_file *f, uint64_t t, long *i,
		      struct fr_summary *s, struct ctop_err *err)
{
	char a[32], b[32];

	*i = fr_file_summary_at(f, t);
	if (*i < 0) {
		timeparse_format(a, sizeof(a), t);
		timeparse_format(b, sizeof(b), fr_file_first_ns(f));
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "nothing recorded at %s: the recording starts at %s",
			       a, b);
	}
	if (fr_file_summary(f, (size_t)*i, s))
		return err_set(err, CTOP_EXIT_RUNTIME, "a damaged summary record");
	return 0;
}

/* ---- --stats and metrics at an instant ---- */

static void fill_groupers(struct pressure_flows *pf, const struct fr_summary *s)
{
	const struct fr_dimension *st = &s->dim[FR_DIM_STATE];
	const struct fr_dimension *src = &s->dim[FR_DIM_SRC];

	pressure_flows_reset(pf);
	pf->flows = s->flows;
	pf->not_assured = s->not_assured;
	for (uint32_t i = 0; i < st->n; i++)
		group_add_key(pf->states, &st->top[i].key, st->top[i].flows);
	group_add_flows(pf->states, st->rest_flows);
	for (uint32_t i = 0; i < src->n; i++)
		group_add_key(pf->sources, &src->top[i].key, src->top[i].flows);
	group_add_flows(pf->sources, src->rest_flows);
}

/* Entries added and removed per second over the minute before summary i. */
static bool trend_of(const struct fr_file *f, long i, double *added,
		     double *removed)
{
	struct fr_summary *s = malloc(sizeof(*s));
	uint64_t end, add = 0, rem = 0, span = 0;
	long k;

	if (!s || fr_file_summary(f, (size_t)i, s)) {
		free(s);
		return false;
	}
	end = s->time_ns;
	for (k = i; k >= 0; k--) {
		if (fr_file_summary(f, (size_t)k, s) || !s->interval_ms ||
		    end - s->time_ns >= 60 * NS)
			break;
		add += s->added;
		rem += s->removed;
		span += s->interval_ms;
	}
	free(s);
	if (!span)
		return false;
	*added = (double)add * 1000.0 / (double)span;
	*removed = (double)rem * 1000.0 / (double)span;
	return true;
}

static int stats_at(const struct cli *cli, const struct fr_file *f,
		    uint64_t t, struct ctop_err *err)
{
	struct fr_summary *s = malloc(sizeof(*s)), *p = malloc(sizeof(*p));
	struct pressure_flows pf;
	struct report_pressure rp = { 0 };
	long i;
	int ret = -1;

	if (!s || !p || pressure_flows_init(&pf)) {
		free(s);
		free(p);
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	}
	if (summary_at(f, t, &i, s, err))
		goto out;
	fill_groupers(&pf, s);
	rp.time_ns = s->time_ns;
	rp.filter = "";
	rp.have_stats = s->have_stats;
	rp.st = s->st;
	rp.buckets = (long)s->buckets;
	rp.flows = &pf;
	rp.top_sources = cli->top ? (size_t)cli->top : REPORT_TOP_SOURCES;
	if (i > 0 && fr_file_summary(f, (size_t)i - 1, p) == 0 &&
	    p->have_stats && s->time_ns > p->time_ns) {
		rp.prev = &p->st;
		rp.interval = (double)(s->time_ns - p->time_ns) / 1e9;
	}
	rp.have_trend = trend_of(f, i, &rp.added, &rp.removed);
	if (cli->metrics)
		report_metrics(stdout, &rp, cli->metrics);
	else if (cli->format == BATCH_JSON)
		report_stats_json(stdout, &rp);
	else
		report_stats_text(stdout, &rp);
	ret = 0;
out:
	pressure_flows_free(&pf);
	free(s);
	free(p);
	return ret;
}

/* ---- groups and the list at an instant ---- */

static struct batch *writer(const struct cli *cli)
{
	struct batch_opts opts = {
		.format = cli->format,
		.header = cli->header,
		.cols = cli->cols,
		.ncols = cli->ncols,
	};

	return batch_new(stdout, &opts);
}

static void put_groups(const struct cli *cli, struct batch *out,
		       const struct batch_snapshot *snap, struct grouper *g,
		       size_t extra_keys)
{
	size_t n, ngroups;
	const struct group_row *rows = group_rows(g, &ngroups);

	n = ngroups;
	if (cli->top && (size_t)cli->top < n)
		n = (size_t)cli->top;
	batch_groups(out, snap, cli->group, rows, n, ngroups + extra_keys,
		     group_total(g));
}

static int groups_from_summary(const struct cli *cli, struct batch *out,
			       const struct fr_file *f, uint64_t t, int dim,
			       struct ctop_err *err)
{
	struct fr_summary *s = malloc(sizeof(*s));
	struct grouper *g = group_new(cli->group);
	struct batch_snapshot snap = { .filter = "" };
	const struct fr_dimension *dm;
	long i;
	int ret = -1;

	if (!s || !g) {
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		goto out;
	}
	if (summary_at(f, t, &i, s, err))
		goto out;
	dm = &s->dim[dim];
	for (uint32_t k = 0; k < dm->n; k++)
		group_add_key(g, &dm->top[k].key, dm->top[k].flows);
	group_add_flows(g, dm->rest_flows);
	snap.time_ns = s->time_ns;
	snap.stats = &s->st;
	snap.have_stats = s->have_stats;
	put_groups(cli, out, &snap, g, dm->rest_keys);
	ret = 0;
out:
	group_free(g);
	free(s);
	return ret;
}

struct collect {
	const struct filter *flt;
	struct grouper *g;		/* grouping, or NULL: keep the flows */
	struct timeouts *to;		/* --timeouts: count into it */
	struct flow *v;
	size_t n, cap;
	uint64_t seen;
	bool oom;
};

static int on_flow(const struct flow *f, void *data)
{
	struct collect *c = data;

	c->seen++;
	if (!filter_match(c->flt, f))
		return 0;
	if (c->g) {
		group_add(c->g, f);
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4096;
		struct flow *v = realloc(c->v, cap * sizeof(*v));

		if (!v) {
			c->oom = true;
			return -1;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *f;
	return 0;
}

static void put_list(const struct cli *cli, struct batch *out,
		     const struct batch_snapshot *snap, struct collect *c)
{
	const struct flow **order = malloc((c->n ? c->n : 1) * sizeof(*order));
	struct sort_spec spec = { .column = cli->sort, .reverse = cli->reverse };

	if (!order) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < c->n; i++)
		order[i] = &c->v[i];
	if (cli->sort_set) {
		spec.ctx.now_ns = snap->time_ns;
		sort_flows(order, c->n, &spec);
	}
	batch_fit(out, order, c->n);
	batch_begin(out, snap);
	for (size_t i = 0; i < c->n; i++)
		batch_flow(out, order[i]);
	batch_end(out, c->n, c->seen);
	free(order);
}

static int from_table(const struct cli *cli, struct batch *out,
		      const struct fr_file *f, uint64_t t,
		      const struct filter *flt, struct ctop_err *err)
{
	struct collect c = { .flt = flt };
	struct batch_snapshot snap = { .filter = filter_text(flt) };
	char a[32], b[32];
	uint64_t table_ns = 0;
	int r;

	if (cli->group != GROUP_NONE && !(c.g = group_new(cli->group)))
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	r = fr_file_table_at(f, t, &table_ns, on_flow, &c, err);
	if (r == 0) {
		bool filtered = filter_text(flt)[0] != '\0';
		char what[64];

		/* Never an empty answer that looks like an empty table. */
		if (cli->group != GROUP_NONE)
			snprintf(what, sizeof(what), "-g %s%s",
				 group_by_str(cli->group),
				 filtered ? " with a filter" : "");
		else
			snprintf(what, sizeof(what), "%s",
				 filtered ? "a filter" : "the flow list");
		timeparse_format(a, sizeof(a), t);
		err_set(err, CTOP_EXIT_RUNTIME,
			"no full table recorded at or before %s: %s needs one (record with ctop -w --full-every N)%s",
			a, what, cli->group != GROUP_NONE || filtered ?
			"; without a filter, -g src, dst, dport, state and zone read the summaries" : "");
	} else if (r > 0 && !c.oom) {
		timeparse_format(a, sizeof(a), table_ns);
		timeparse_format(b, sizeof(b), t);
		if (table_ns / NS != t / NS)
			fprintf(stderr, "ctop: the table as recorded at %s (the last full table at or before %s)\n",
				a, b);
		snap.time_ns = table_ns;
		if (c.g)
			put_groups(cli, out, &snap, c.g, 0);
		else
			put_list(cli, out, &snap, &c);
	}
	if (c.oom)
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	group_free(c.g);
	free(c.v);
	return r > 0 && !c.oom ? 0 : -1;
}

/* ---- --timeouts at an instant ---- */

static int count_timeout(const struct flow *f, void *data)
{
	struct collect *c = data;

	c->seen++;
	if (filter_match(c->flt, f))
		timeouts_add_flow(c->to, f);
	return 0;
}

/* The timeouts recorded last at or before t, with the flows each one
 * governed in the full table of that instant (when one was recorded). */
static int timeouts_at(const struct cli *cli, const struct fr_file *f,
		       uint64_t t, const struct filter *flt,
		       struct ctop_err *err)
{
	struct fr_timeouts *ft = calloc(1, sizeof(*ft));
	struct collect c = { .flt = flt };
	struct report_policies p = { 0 };
	uint64_t table_ns = 0;
	char a[32];
	int r;

	if (!ft)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	timeparse_format(a, sizeof(a), t);
	r = fr_file_timeouts_at(f, t, ft);
	if (r <= 0) {
		free(ft);
		if (r < 0)
			return err_set(err, CTOP_EXIT_RUNTIME, "a damaged timeouts record");
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "no timeouts recorded at or before %s (recorded by an older ctop, or the recording starts later)",
			       a);
	}
	c.to = &ft->to;
	r = fr_file_table_at(f, t, &table_ns, count_timeout, &c, err);
	if (r < 0)
		goto out;
	if (r == 0) {
		/* Values without counts: say so, never print zeros. */
		for (size_t i = 0; i < ft->to.n; i++)
			ft->to.rows[i].counted = false;
		fprintf(stderr, "ctop: no full table recorded at or before %s: flows not counted (record with --full-every N)\n",
			a);
	}
	p.v = ft->pol;
	p.n = ft->npol;
	if (!ft->have_policies)
		p.error = "not read when recorded";
	if (cli->format == BATCH_JSON)
		report_timeouts_json(stdout, ft->time_ns, NULL, &ft->to, &p);
	else
		report_timeouts_text(stdout, &ft->to, &p);
	r = 0;
out:
	fr_timeouts_free(ft);
	free(ft);
	return r;
}

/* ---- --expect at an instant ---- */

static int expect_at(const struct cli *cli, const struct fr_file *f,
		     uint64_t t, struct ctop_err *err)
{
	struct expectation *e;
	size_t n;
	char a[32];
	int r = fr_file_expect_at(f, t, &e, &n);

	if (r <= 0) {
		timeparse_format(a, sizeof(a), t);
		return r < 0 ? err_set(err, CTOP_EXIT_RUNTIME, "a damaged expectations record") :
		       err_set(err, CTOP_EXIT_RUNTIME,
			       "no expectations recorded at or before %s (recorded by an older ctop, the kernel refused the dump, or the recording starts later)",
			       a);
	}
	if (cli->format == BATCH_JSON)
		report_expect_json(stdout, t, NULL, e, n);
	else
		report_expect_text(stdout, e, n);
	free(e);
	return 0;
}

/* ---- a time series ---- */

static void series_head(const struct cli *cli, unsigned int top)
{
	const char *sep = cli->format == BATCH_CSV ? "," : " ";

	if (!cli->header || cli->format == BATCH_JSON)
		return;
	if (cli->format == BATCH_CSV)
		fputs("time,count,max,fill_pct,added_per_s,removed_per_s,drop,early_drop,insert_failed,not_assured", stdout);
	else
		printf("%-19s %8s %8s %6s %9s %9s %8s %10s %10s %10s",
		       "TIME", "COUNT", "MAX", "FILL%", "ADDED/S", "REMOVED/S",
		       "DROP", "EARLY_DROP", "INS_FAILED", "NOT_ASSURED");
	for (unsigned int k = 1; k <= top; k++)
		printf("%ssrc%u%sflows%u", sep, k, sep, k);
	putchar('\n');
}

static void series_row(const struct cli *cli, const struct fr_summary *s,
		       const struct fr_summary *prev, unsigned int top)
{
	const struct fr_dimension *dm = &s->dim[FR_DIM_SRC];
	double secs = s->interval_ms / 1000.0;
	double add = secs > 0 ? (double)s->added / secs : 0;
	double rem = secs > 0 ? (double)s->removed / secs : 0;
	uint64_t drop = prev ? s->st.drop - prev->st.drop : 0;
	uint64_t edrop = prev ? s->st.early_drop - prev->st.early_drop : 0;
	uint64_t ifail = prev ? s->st.insert_failed - prev->st.insert_failed : 0;
	char t[32], key[64];

	if (prev && (s->st.drop < prev->st.drop || s->st.early_drop < prev->st.early_drop ||
		     s->st.insert_failed < prev->st.insert_failed))
		drop = edrop = ifail = 0;	/* counters reset (reboot) */
	timeparse_format(t, sizeof(t), s->time_ns);
	if (cli->format == BATCH_JSON) {
		printf("{\"time\":%" PRIu64 ".%03" PRIu64 ",\"local\":\"%s\",\"count\":%" PRIu32
		       ",\"max\":%" PRIu32 ",\"fill_pct\":%.3f,\"added_per_s\":%.3f,\"removed_per_s\":%.3f"
		       ",\"drop\":%" PRIu64 ",\"early_drop\":%" PRIu64 ",\"insert_failed\":%" PRIu64
		       ",\"not_assured\":%" PRIu64 ",\"sources\":[",
		       s->time_ns / NS, s->time_ns / 1000000u % 1000u, t, s->st.count,
		       s->st.max, pressure_fill(&s->st), add, rem, drop, edrop, ifail,
		       s->not_assured);
		for (unsigned int k = 0; k < top && k < dm->n; k++) {
			group_key_format(key, sizeof(key), GROUP_SRC, &dm->top[k].key);
			printf("%s{\"src\":\"%s\",\"flows\":%" PRIu32 "}", k ? "," : "",
			       key, dm->top[k].flows);
		}
		fputs("]}\n", stdout);
		return;
	}
	if (cli->format == BATCH_CSV)
		printf("%s,%" PRIu32 ",%" PRIu32 ",%.2f,%.1f,%.1f,%" PRIu64 ",%" PRIu64
		       ",%" PRIu64 ",%" PRIu64, t, s->st.count, s->st.max,
		       pressure_fill(&s->st), add, rem, drop, edrop, ifail,
		       s->not_assured);
	else
		printf("%-19s %8" PRIu32 " %8" PRIu32 " %6.1f %9.1f %9.1f %8" PRIu64
		       " %10" PRIu64 " %10" PRIu64 " %10" PRIu64, t, s->st.count,
		       s->st.max, pressure_fill(&s->st), add, rem, drop, edrop,
		       ifail, s->not_assured);
	for (unsigned int k = 0; k < top; k++) {
		const char *sep = cli->format == BATCH_CSV ? "," : " ";

		if (k < dm->n) {
			group_key_format(key, sizeof(key), GROUP_SRC, &dm->top[k].key);
			printf("%s%s%s%" PRIu32, sep, key, sep, dm->top[k].flows);
		} else {
			printf("%s%s%s", sep, cli->format == BATCH_CSV ? "" : "-",
			       cli->format == BATCH_CSV ? ",0" : " 0");
		}
	}
	putchar('\n');
}

static int series(const struct cli *cli, const struct fr_file *f,
		  uint64_t from, uint64_t to, struct ctop_err *err)
{
	struct fr_summary *s = malloc(2 * sizeof(*s));
	unsigned int top = cli->top ? (unsigned int)cli->top : SERIES_TOP_DEFAULT;
	long i = fr_file_summary_at(f, from);
	bool have_prev = false;
	int cur = 0;

	if (!s)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	if (top > FR_TOP_MAX)
		top = FR_TOP_MAX;
	series_head(cli, top);
	/* The summary before FROM gives the first row its counter deltas. */
	if (i >= 0 && fr_file_summary(f, (size_t)i, &s[1]) == 0)
		have_prev = f->rec[f->summ[i]].time_ns < from;
	for (i = i < 0 ? 0 : i; (size_t)i < f->nsumm; i++) {
		uint64_t t = f->rec[f->summ[i]].time_ns;

		if (t > to)
			break;
		if (t < from)
			continue;
		if (fr_file_summary(f, (size_t)i, &s[cur])) {
			free(s);
			return err_set(err, CTOP_EXIT_RUNTIME, "a damaged summary record");
		}
		series_row(cli, &s[cur], have_prev ? &s[!cur] : NULL, top);
		have_prev = true;
		cur = !cur;
	}
	free(s);
	return 0;
}

/* ---- the entry ---- */

static int check(const struct cli *cli, const struct filter *flt,
		 struct ctop_err *err)
{
	bool filtered = filter_text(flt)[0] != '\0';

	if ((cli->from || cli->to) && (cli->group != GROUP_NONE || cli->stats ||
				       cli->metrics || cli->sort_set || filtered))
		return err_set(err, CTOP_EXIT_USAGE,
			       "--from/--to writes the figures and top sources per interval: -g, -s, --stats, metrics and filters do not apply");
	if ((cli->from || cli->to) && (cli->timeouts || cli->expect))
		return err_set(err, CTOP_EXIT_USAGE,
			       "--from/--to writes the figures per interval: --timeouts and --expect read one instant (--at)");
	if ((cli->timeouts || cli->expect) &&
	    (cli->group != GROUP_NONE || cli->sort_set || cli->stats ||
	     cli->metrics || cli->format == BATCH_CSV))
		return err_set(err, CTOP_EXIT_USAGE,
			       "--timeouts and --expect on a recording write text or json; -g, -s, --stats and metrics do not apply");
	if ((cli->stats || cli->metrics) && filtered)
		return err_set(err, CTOP_EXIT_USAGE,
			       "--stats on a recording reads its summaries, which no filter can narrow");
	return 0;
}

int flightrec_run(const struct cli *cli, const struct filter *flt,
		  struct ctop_err *err)
{
	struct fr_file f;
	struct batch *out = NULL;
	uint64_t t, from, to, ref;
	int dim, r = -1;

	if (check(cli, flt, err))
		return err->status;
	if (fr_file_open(&f, cli->replay, err))
		return err->status;
	if (f.warning[0])
		fprintf(stderr, "ctop: warning: %s\n", f.warning);
	if (!f.nsumm) {
		err_set(err, CTOP_EXIT_RUNTIME, "%s holds no whole record", cli->replay);
		goto out;
	}
	ref = fr_file_last_ns(&f);
	if (cli->from || cli->to) {
		from = fr_file_first_ns(&f);
		to = ref;
		if ((cli->from && when(cli->from, ref, &from, err)) ||
		    (cli->to && when(cli->to, ref, &to, err)))
			goto out;
		r = series(cli, &f, from, to, err);
		goto out;
	}
	t = ref;
	if (cli->at && when(cli->at, ref, &t, err))
		goto out;
	if (cli->stats || cli->metrics) {
		r = stats_at(cli, &f, t, err);
		goto out;
	}
	if (cli->timeouts) {
		r = timeouts_at(cli, &f, t, flt, err);
		goto out;
	}
	if (cli->expect) {
		r = expect_at(cli, &f, t, err);
		goto out;
	}
	if (!(out = writer(cli))) {
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		goto out;
	}
	dim = fr_group_dim(cli->group);
	if (cli->group != GROUP_NONE && dim >= 0 && !filter_text(flt)[0])
		r = groups_from_summary(cli, out, &f, t, dim, err);
	else
		r = from_table(cli, out, &f, t, flt, err);
out:
	if (out) {
		if (batch_flush(out) && !r)
			batch_output_ended(true, &r, err);
		batch_free(out);
	}
	if (!r && (fflush(stdout) || ferror(stdout)))
		batch_output_ended(true, &r, err);
	fr_file_close(&f);
	if (r && !err->status)
		err->status = CTOP_EXIT_RUNTIME;
	return r ? err->status : CTOP_EXIT_OK;
}
