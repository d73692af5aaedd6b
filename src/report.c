/* Reports: the writers for --stats, --timeouts, --expect and OpenMetrics,
 * and the batch loop that gathers their data. Output goes through stdio:
 * a report is a few hundred lines at most. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic_file.h"
#include "batch_run.h"
#include "clock.h"
#include "format.h"
#include "report.h"
#include "source_read.h"

/* ---- small helpers ---- */

static void json_str(FILE *out, const char *s)
{
	char buf[512];

	format_json_escape(buf, sizeof(buf), s ? s : "");
	fprintf(out, "\"%s\"", buf);
}

static void json_str_or_null(FILE *out, const char *s)
{
	if (s)
		json_str(out, s);
	else
		fputs("null", out);
}

static void json_time(FILE *out, uint64_t ns)
{
	fprintf(out, "%" PRIu64 ".%03" PRIu64, ns / 1000000000u,
		ns / 1000000u % 1000u);
}

/* The fields every report object starts with, after its '{'. */
static void json_head(FILE *out, uint64_t time_ns, const char *netns)
{
	fputs("\"time\":", out);
	json_time(out, time_ns);
	fputs(",\"netns\":", out);
	json_str_or_null(out, netns);
}

const char *report_family_name(unsigned int family, char *buf, size_t len)
{
	if (family == FLOW_IPV4)
		return "inet";
	if (family == FLOW_IPV6)
		return "inet6";
	snprintf(buf, len, "%u", family);
	return buf;
}

const char *report_row_state(const struct group_row *r, char *proto,
			     size_t len)
{
	struct flow tmp;

	format_proto(proto, len, r->key.protonum);
	if (r->key.n > UINT8_MAX)
		return NULL;
	memset(&tmp, 0, sizeof(tmp));
	tmp.protonum = r->key.protonum;
	tmp.state = (uint8_t)r->key.n;
	tmp.has = FLOW_HAS_STATE;
	return flow_state_name(&tmp);
}

static const struct group_row *source_rows(const struct report_pressure *rp,
					   size_t *n)
{
	const struct group_row *rows = group_rows(rp->flows->sources, n);

	if (rp->top_sources && *n > rp->top_sources)
		*n = rp->top_sources;
	return rows;
}

/* ---- --stats ---- */

static bool have_rates(const struct report_pressure *rp, double *rates)
{
	return rp->have_stats && rp->prev &&
	       pressure_rates(&rp->st, rp->prev, rp->interval, rates) == 0;
}

static void text_table(FILE *out, const struct report_pressure *rp)
{
	const struct table_stats *st = &rp->st;
	char warn[256];
	unsigned int w;

	if (!rp->have_stats) {
		fputs("table: figures not available (a table read from a file: count and maximum need the live kernel)\n", out);
		return;
	}
	fprintf(out, "table: %" PRIu32 " of %" PRIu32 " entries (%.1f%% full)",
		st->count, st->max, pressure_fill(st));
	if (rp->buckets > 0)
		fprintf(out, ", %ld buckets, %.2f entries per bucket",
			rp->buckets, (double)st->count / (double)rp->buckets);
	fputc('\n', out);
	w = pressure_warnings(st, rp->prev);
	if (w) {
		pressure_warning_text(warn, sizeof(warn), w, st, rp->prev);
		fprintf(out, "WARNING: %s\n", warn);
	}
}

static void text_counters(FILE *out, const struct report_pressure *rp)
{
	double rates[PC_COUNT];
	bool r = have_rates(rp, rates);

	if (!rp->have_stats || !rp->st.have_cpu) {
		fputs("statistics: not available\n", out);
		return;
	}
	fprintf(out, "statistics (%u CPUs summed)", rp->st.cpus);
	if (r)
		fprintf(out, ", rates over %.1f s", rp->interval);
	fprintf(out, ":\n  %-16s %20s %12s\n", "COUNTER", "TOTAL", "PER_SEC");
	for (int c = 0; c < PC_COUNT; c++) {
		fprintf(out, "  %-16s %20" PRIu64, pressure_counter_name(c),
			pressure_counter_value(&rp->st, c));
		if (r)
			fprintf(out, " %12.1f\n", rates[c]);
		else
			fprintf(out, " %12s\n", "-");
	}
	if (rp->have_trend)
		fprintf(out, "fill trend: %.1f entries/s added, %.1f/s removed (last minute)\n",
			rp->added, rp->removed);
}

static void text_flows(FILE *out, const struct report_pressure *rp)
{
	const struct pressure_flows *pf = rp->flows;
	const struct group_row *rows;
	char proto[16], key[128];
	const char *state;
	size_t n;

	if (rp->filter && *rp->filter)
		fprintf(out, "flows matching \"%s\": %" PRIu64 "\n", rp->filter,
			pf->flows);
	fprintf(out, "early-drop candidates: %" PRIu64 " of %" PRIu64
		" entries not ASSURED (%.1f%%)\n", pf->not_assured, pf->flows,
		pressure_share(pf->not_assured, pf->flows));

	rows = group_rows(pf->states, &n);
	fprintf(out, "states:\n  %-24s %12s %7s\n", "STATE", "FLOWS", "SHARE");
	for (size_t i = 0; i < n; i++) {
		state = report_row_state(&rows[i], proto, sizeof(proto));
		snprintf(key, sizeof(key), "%s %s", proto, state ? state : "-");
		fprintf(out, "  %-24s %12" PRIu64 " %6.1f%%\n", key,
			rows[i].flows, pressure_share(rows[i].flows, pf->flows));
	}

	rows = source_rows(rp, &n);
	fprintf(out, "sources (top %zu):\n  %-40s %12s %7s\n", rp->top_sources,
		"SOURCE", "FLOWS", "SHARE");
	for (size_t i = 0; i < n; i++) {
		group_key_format(key, sizeof(key), GROUP_SRC, &rows[i].key);
		fprintf(out, "  %-40s %12" PRIu64 " %6.1f%%\n", key,
			rows[i].flows, pressure_share(rows[i].flows, pf->flows));
	}
}

void report_stats_text(FILE *out, const struct report_pressure *rp)
{
	text_table(out, rp);
	text_counters(out, rp);
	text_flows(out, rp);
}

static void json_warnings(FILE *out, const struct report_pressure *rp)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ PW_FILL_WARN, "fill_90" },
		{ PW_FILL_CRIT, "fill_95" },
		{ PW_DROP, "drop" },
		{ PW_EARLY_DROP, "early_drop" },
	};
	unsigned int w = rp->have_stats ? pressure_warnings(&rp->st, rp->prev) : 0;
	char text[256];
	int k = 0;

	fputs(",\"warnings\":[", out);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(w & names[i].bit))
			continue;
		fprintf(out, "%s\"%s\"", k++ ? "," : "", names[i].name);
	}
	pressure_warning_text(text, sizeof(text), w, &rp->st, rp->prev);
	fputs("],\"warning_text\":", out);
	json_str(out, text);
}

static void json_stats_table(FILE *out, const struct report_pressure *rp)
{
	const struct table_stats *st = &rp->st;
	double rates[PC_COUNT];

	fputs(",\"table\":", out);
	if (!rp->have_stats) {
		fputs("null,\"stats\":null,\"rates\":null", out);
		return;
	}
	fprintf(out, "{\"count\":%" PRIu32 ",\"max\":%" PRIu32
		",\"fill_pct\":%.3f,\"buckets\":", st->count, st->max,
		pressure_fill(st));
	if (rp->buckets > 0)
		fprintf(out, "%ld}", rp->buckets);
	else
		fputs("null}", out);

	fputs(",\"stats\":", out);
	if (st->have_cpu) {
		fprintf(out, "{\"cpus\":%u", st->cpus);
		for (int c = 0; c < PC_COUNT; c++)
			fprintf(out, ",\"%s\":%" PRIu64, pressure_counter_name(c),
				pressure_counter_value(st, c));
		fputc('}', out);
	} else {
		fputs("null", out);
	}

	fputs(",\"rates\":", out);
	if (have_rates(rp, rates)) {
		fprintf(out, "{\"interval\":%.3f", rp->interval);
		for (int c = 0; c < PC_COUNT; c++)
			fprintf(out, ",\"%s\":%.3f", pressure_counter_name(c),
				rates[c]);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	fputs(",\"trend\":", out);
	if (rp->have_trend)
		fprintf(out, "{\"window\":60,\"added_per_s\":%.3f,\"removed_per_s\":%.3f}",
			rp->added, rp->removed);
	else
		fputs("null", out);
}

void report_stats_json(FILE *out, const struct report_pressure *rp)
{
	const struct pressure_flows *pf = rp->flows;
	const struct group_row *rows;
	char proto[16], key[128];
	size_t n;

	fputc('{', out);
	json_head(out, rp->time_ns, rp->netns);
	fputs(",\"filter\":", out);
	json_str(out, rp->filter ? rp->filter : "");
	json_stats_table(out, rp);
	fprintf(out, ",\"flows\":%" PRIu64 ",\"not_assured\":%" PRIu64
		",\"not_assured_pct\":%.3f", pf->flows, pf->not_assured,
		pressure_share(pf->not_assured, pf->flows));

	fputs(",\"states\":[", out);
	rows = group_rows(pf->states, &n);
	for (size_t i = 0; i < n; i++) {
		const char *state = report_row_state(&rows[i], proto,
							 sizeof(proto));

		fprintf(out, "%s{\"proto\":\"%s\",\"state\":", i ? "," : "",
			proto);
		json_str_or_null(out, state);
		fprintf(out, ",\"flows\":%" PRIu64 ",\"pct\":%.3f}",
			rows[i].flows, pressure_share(rows[i].flows, pf->flows));
	}
	fputs("],\"sources\":[", out);
	rows = source_rows(rp, &n);
	for (size_t i = 0; i < n; i++) {
		group_key_format(key, sizeof(key), GROUP_SRC, &rows[i].key);
		fprintf(out, "%s{\"src\":\"%s\",\"flows\":%" PRIu64
			",\"pct\":%.3f}", i ? "," : "", key, rows[i].flows,
			pressure_share(rows[i].flows, pf->flows));
	}
	fputc(']', out);
	json_warnings(out, rp);
	fputs("}\n", out);
}

/* ---- OpenMetrics and the Prometheus text format ---- */

/* Label values escape backslash, double quote and newline (both). */
static void om_label_value(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n') {
			fputs("\\n", out);
			continue;
		}
		fputc(*s, out);
	}
	fputc('"', out);
}

/* The TYPE and HELP lines of a family. OpenMetrics names a counter's
 * family without its "_total" sample suffix; the Prometheus text format
 * (0.0.4, what node_exporter's textfile collector reads) names the sample
 * itself, or the collector types it "untyped". So a counter's NAME comes
 * without "_total" here and each dialect writes what it expects. */
static void om_family(FILE *out, enum metrics_format m, const char *name,
		      const char *type, const char *help)
{
	const char *suffix = "";

	if (m == METRICS_PROMETHEUS) {
		if (!strcmp(type, "counter"))
			suffix = "_total";
		fprintf(out, "# HELP %s%s %s\n# TYPE %s%s %s\n", name, suffix,
			help, name, suffix, type);
		return;
	}
	fprintf(out, "# TYPE %s %s\n# HELP %s %s\n", name, type, name, help);
}

static void om_gauge(FILE *out, enum metrics_format m, const char *name,
		     const char *help, uint64_t v)
{
	om_family(out, m, name, "gauge", help);
	fprintf(out, "%s %" PRIu64 "\n", name, v);
}

void report_metrics(FILE *out, const struct report_pressure *rp,
		    enum metrics_format m)
{
	const struct pressure_flows *pf = rp->flows;
	const struct group_row *rows;
	char name[96], help[128], proto[16], key[128];
	size_t n;

	if (rp->have_stats) {
		om_gauge(out, m, "ctop_conntrack_entries",
			 "Entries in the conntrack table.", rp->st.count);
		om_gauge(out, m, "ctop_conntrack_max",
			 "Table size limit (nf_conntrack_max).", rp->st.max);
		if (rp->buckets > 0)
			om_gauge(out, m, "ctop_conntrack_buckets",
				 "Hash table buckets (nf_conntrack_buckets).",
				 (uint64_t)rp->buckets);
	}
	if (rp->have_stats && rp->st.have_cpu) {
		for (int c = 0; c < PC_COUNT; c++) {
			snprintf(name, sizeof(name), "ctop_conntrack_stat_%s",
				 pressure_counter_name(c));
			snprintf(help, sizeof(help),
				 "Conntrack statistic %s, summed over CPUs.",
				 pressure_counter_name(c));
			om_family(out, m, name, "counter", help);
			fprintf(out, "%s_total %" PRIu64 "\n", name,
				pressure_counter_value(&rp->st, c));
		}
	}
	om_gauge(out, m, "ctop_conntrack_not_assured",
		 "Entries without ASSURED (early-drop candidates).",
		 pf->not_assured);

	om_family(out, m, "ctop_conntrack_flows", "gauge",
		  "Entries per protocol and state.");
	rows = group_rows(pf->states, &n);
	for (size_t i = 0; i < n; i++) {
		const char *state = report_row_state(&rows[i], proto,
							 sizeof(proto));

		fputs("ctop_conntrack_flows{proto=", out);
		om_label_value(out, proto);
		fputs(",state=", out);
		om_label_value(out, state ? state : "");
		fprintf(out, "} %" PRIu64 "\n", rows[i].flows);
	}

	om_family(out, m, "ctop_conntrack_source_flows", "gauge",
		  "Entries per source address, the top sources only.");
	rows = source_rows(rp, &n);
	for (size_t i = 0; i < n; i++) {
		group_key_format(key, sizeof(key), GROUP_SRC, &rows[i].key);
		fputs("ctop_conntrack_source_flows{src=", out);
		om_label_value(out, key);
		fprintf(out, "} %" PRIu64 "\n", rows[i].flows);
	}
	if (m == METRICS_OPENMETRICS)
		fputs("# EOF\n", out);
}

/* ---- --timeouts ---- */

void report_timeouts_text(FILE *out, const struct timeouts *t,
			  const struct report_policies *p)
{
	char dur[32], line[160], fam[16], proto[16];

	fprintf(out, "%-8s %-18s %10s %9s %10s %8s  %s\n", "PROTO", "STATE",
		"TIMEOUT", "", "FLOWS", ">1H", "CHANGE WITH (not run)");
	for (size_t i = 0; i < t->n; i++) {
		const struct timeout_row *r = &t->rows[i];

		format_duration(dur, sizeof(dur), (uint64_t)r->seconds);
		timeouts_sysctl_line(line, sizeof(line), r);
		fprintf(out, "%-8s %-18s %10ld %9s ", r->proto, r->state,
			r->seconds, dur);
		if (r->counted)
			fprintf(out, "%10" PRIu64 " %8" PRIu64, r->flows,
				r->over_hour);
		else
			fprintf(out, "%10s %8s", "-", "-");
		fprintf(out, "  %s\n", line);
	}
	fprintf(out, "# %" PRIu64 " flows", t->flows);
	if (t->other)
		fprintf(out, ", %" PRIu64 " in states without a timeout sysctl",
			t->other);
	fputc('\n', out);

	if (p->error) {
		fprintf(out, "cttimeout policies: unavailable: %s\n", p->error);
		return;
	}
	if (!p->n) {
		fputs("cttimeout policies: none\n", out);
		return;
	}
	fputs("cttimeout policies:\n", out);
	for (size_t i = 0; i < p->n; i++) {
		const struct timeout_policy *tp = &p->v[i];

		format_proto(proto, sizeof(proto), tp->l4proto);
		fprintf(out, "  %s %s %s", tp->name,
			report_family_name(tp->l3proto, fam, sizeof(fam)),
			proto);
		/* A recording keeps no reference counts. */
		if (tp->use != POLICY_USE_UNKNOWN)
			fprintf(out, " (refs %" PRIu32 ")", tp->use);
		fputc(':', out);
		for (size_t k = 0; k < tp->n; k++)
			fprintf(out, " %s=%" PRIu32, tp->v[k].state,
				tp->v[k].seconds);
		fputc('\n', out);
	}
}

void report_timeouts_json(FILE *out, uint64_t time_ns, const char *netns,
			  const struct timeouts *t,
			  const struct report_policies *p)
{
	char line[160], fam[16], proto[16];

	fputc('{', out);
	json_head(out, time_ns, netns);
	fputs(",\"timeouts\":[", out);
	for (size_t i = 0; i < t->n; i++) {
		const struct timeout_row *r = &t->rows[i];

		timeouts_sysctl_line(line, sizeof(line), r);
		fprintf(out, "%s{\"proto\":\"%s\",\"state\":\"%s\","
			"\"sysctl\":\"net.netfilter.%s\",\"seconds\":%ld,",
			i ? "," : "", r->proto, r->state, r->sysctl, r->seconds);
		if (r->counted)
			fprintf(out, "\"flows\":%" PRIu64 ",\"over_1h\":%" PRIu64,
				r->flows, r->over_hour);
		else
			fputs("\"flows\":null,\"over_1h\":null", out);
		fputs(",\"command\":", out);
		json_str(out, line);
		fputc('}', out);
	}
	fprintf(out, "],\"flows\":%" PRIu64 ",\"other\":%" PRIu64
		",\"policies\":", t->flows, t->other);
	if (p->error) {
		fputs("null,\"policies_error\":", out);
		json_str(out, p->error);
		fputs("}\n", out);
		return;
	}
	fputc('[', out);
	for (size_t i = 0; i < p->n; i++) {
		const struct timeout_policy *tp = &p->v[i];

		format_proto(proto, sizeof(proto), tp->l4proto);
		fprintf(out, "%s{\"name\":", i ? "," : "");
		json_str(out, tp->name);
		fprintf(out, ",\"family\":\"%s\",\"l3proto\":%u,"
			"\"proto\":\"%s\",\"l4proto\":%u,\"use\":",
			report_family_name(tp->l3proto, fam, sizeof(fam)),
			tp->l3proto, proto, tp->l4proto);
		if (tp->use == POLICY_USE_UNKNOWN)
			fputs("null", out);
		else
			fprintf(out, "%" PRIu32, tp->use);
		fputs(",\"timeouts\":{", out);
		for (size_t k = 0; k < tp->n; k++)
			fprintf(out, "%s\"%s\":%" PRIu32, k ? "," : "",
				tp->v[k].state, tp->v[k].seconds);
		fputs("}}", out);
	}
	fputs("],\"policies_error\":null}\n", out);
}

/* ---- --expect ---- */

void report_tuple_text(char *buf, size_t len, uint8_t family,
		       uint8_t protonum, const struct flow_tuple *t)
{
	char a[80], b[80];
	struct flow tmp;

	memset(&tmp, 0, sizeof(tmp));
	tmp.family = family;
	tmp.protonum = protonum;
	format_endpoint(a, sizeof(a), &tmp, t, 0);
	format_endpoint(b, sizeof(b), &tmp, t, 1);
	snprintf(buf, len, "%s -> %s", a, b);
}

static void flag_names(char *buf, size_t len, uint32_t flags)
{
	snprintf(buf, len, "%s%s%s%s",
		 flags & EXPECT_F_PERMANENT ? "PERMANENT," : "",
		 flags & EXPECT_F_INACTIVE ? "INACTIVE," : "",
		 flags & EXPECT_F_USERSPACE ? "USERSPACE," : "",
		 flags ? "" : "-");
	if (flags && *buf)
		buf[strlen(buf) - 1] = '\0';
}

void report_expect_text(FILE *out, const struct expectation *e, size_t n)
{
	char m[200], t[200], k[200], proto[16], flags[64];

	if (!n) {
		fputs("# no expectations\n", out);
		return;
	}
	fprintf(out, "%-7s %-8s %-10s %-44s %-44s %-44s %s\n", "PROTO",
		"TIMEOUT", "HELPER", "MASTER", "EXPECTED", "MASK", "FLAGS");
	for (size_t i = 0; i < n; i++) {
		format_proto(proto, sizeof(proto), e[i].protonum);
		report_tuple_text(m, sizeof(m), e[i].master_family,
			   e[i].master_protonum, &e[i].master);
		report_tuple_text(t, sizeof(t), e[i].family, e[i].protonum,
			   &e[i].tuple);
		report_tuple_text(k, sizeof(k), e[i].family, e[i].protonum,
			   &e[i].mask);
		flag_names(flags, sizeof(flags), e[i].flags);
		fprintf(out, "%-7s %-8" PRIu32 " %-10s %-44s %-44s %-44s %s\n",
			proto, e[i].timeout, e[i].helper[0] ? e[i].helper : "-",
			m, t, k, flags);
	}
	fprintf(out, "# %zu expectation%s\n", n, n == 1 ? "" : "s");
}

static void json_tuple(FILE *out, const char *key, uint8_t family,
		       uint8_t protonum, const struct flow_tuple *t)
{
	char a[64], b[64], proto[16];

	format_addr(a, sizeof(a), family, &t->src);
	format_addr(b, sizeof(b), family, &t->dst);
	format_proto(proto, sizeof(proto), protonum);
	fprintf(out, "\"%s\":{\"family\":\"%s\",\"proto\":\"%s\","
		"\"src\":\"%s\",\"dst\":\"%s\",\"sport\":%u,\"dport\":%u}",
		key, family == FLOW_IPV6 ? "ipv6" : "ipv4", proto, a, b,
		t->sport, t->dport);
}

void report_expect_json(FILE *out, uint64_t time_ns, const char *netns,
			const struct expectation *e, size_t n)
{
	char flags[64];

	fputc('{', out);
	json_head(out, time_ns, netns);
	fputs(",\"expectations\":[", out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s{\"id\":%" PRIu32 ",", i ? "," : "", e[i].id);
		json_tuple(out, "master", e[i].master_family,
			   e[i].master_protonum, &e[i].master);
		fputc(',', out);
		json_tuple(out, "tuple", e[i].family, e[i].protonum,
			   &e[i].tuple);
		fputc(',', out);
		json_tuple(out, "mask", e[i].family, e[i].protonum, &e[i].mask);
		fputs(",\"helper\":", out);
		json_str_or_null(out, e[i].helper[0] ? e[i].helper : NULL);
		flag_names(flags, sizeof(flags), e[i].flags);
		fprintf(out, ",\"timeout\":%" PRIu32 ",\"zone\":%u,\"class\":%"
			PRIu32 ",\"flags\":\"%s\"}", e[i].timeout, e[i].zone,
			e[i].klass, e[i].flags ? flags : "");
	}
	fprintf(out, "],\"count\":%zu}\n", n);
}

/* ---- the batch loop ---- */

bool report_wanted(const struct cli *cli)
{
	return cli_wants_report(cli);
}

int report_check(const struct cli *cli, struct ctop_err *err)
{
	int modes = cli->stats + cli->timeouts + cli->expect;
	const char *mode = cli->stats ? "--stats" :
			   cli->timeouts ? "--timeouts" : "--expect";

	if (modes > 1)
		return err_set(err, CTOP_EXIT_USAGE,
			       "--stats, --timeouts and --expect are separate reports; choose one");
	const char *metrics = cli->metrics == METRICS_PROMETHEUS ?
			      "-o prometheus" : "-o openmetrics";

	if (cli->metrics && (cli->timeouts || cli->expect))
		return err_set(err, CTOP_EXIT_USAGE,
			       "%s writes the table snapshot (with or without --stats), not %s",
			       metrics, mode);
	if (modes && !cli->metrics && cli->format == BATCH_CSV)
		return err_set(err, CTOP_EXIT_USAGE,
			       "%s writes text or json (or openmetrics/prometheus for --stats), not csv",
			       mode);
	if (cli->group != GROUP_NONE || cli->sort_set)
		return err_set(err, CTOP_EXIT_USAGE,
			       "%s chooses its own grouping and order; -g and -s do not apply",
			       modes ? mode : metrics);
	if (cli->replay && (cli->timeouts || cli->expect))
		return err_set(err, CTOP_EXIT_USAGE,
			       "%s reads the kernel; it does not work on a table read with -R/--read",
			       mode);
	return 0;
}

struct gather {
	const struct filter *flt;
	struct pressure_flows *pf;
	struct timeouts *to;
};

static int on_flow(const struct flow *f, void *data)
{
	struct gather *g = data;

	if (!filter_match(g->flt, f))
		return 0;
	if (g->pf)
		pressure_flows_add(g->pf, f);
	if (g->to)
		timeouts_add_flow(g->to, f);
	return 0;
}

static int read_flows(const struct cli *cli, struct source *src,
		      struct gather *g, struct ctop_err *err)
{
	struct filter_pushdown pd;

	if (!src) {
		struct read_summary sum;
		int r = source_read(cli->replay, on_flow, g, &sum, err);

		if (!r)
			source_read_report(stderr, cli->replay, &sum);
		return r;
	}
	filter_pushdown(g->flt, &pd);
	return source_dump(src, &pd, on_flow, g, err);
}

/* ---- policies and expectations as arrays ---- */

static int items_push(struct report_items *it, const void *item)
{
	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 16;
		void *v = realloc(it->v, cap * it->size);

		if (!v) {
			it->oom = true;
			return 1;
		}
		it->v = v;
		it->cap = cap;
	}
	memcpy((char *)it->v + it->n++ * it->size, item, it->size);
	return 0;
}

static int on_policy(const struct timeout_policy *p, void *data)
{
	return items_push(data, p);
}

static int on_expect(const struct expectation *e, void *data)
{
	return items_push(data, e);
}

static void items_reset(struct report_items *it, size_t size)
{
	/* The capacity counts items: it means nothing for another kind. */
	if (it->size != size) {
		free(it->v);
		it->v = NULL;
		it->cap = 0;
		it->size = size;
	}
	it->n = 0;
	it->oom = false;
}

int report_read_policies(struct report_items *it, struct ctop_err *err)
{
	items_reset(it, sizeof(struct timeout_policy));
	return source_timeout_policies(on_policy, it, err);
}

int report_read_expectations(struct report_items *it, struct ctop_err *err)
{
	items_reset(it, sizeof(struct expectation));
	return source_expectations(on_expect, it, err);
}

struct report_state {
	struct pressure_flows pf;
	struct pressure_trend trend;
	struct table_stats prev;
	bool have_prev;
	uint64_t prev_mono;
	struct timeouts to;
	struct report_items items;
};

static int snap_stats(FILE *out, const struct cli *cli, struct source *src,
		      const struct filter *flt, struct report_state *s,
		      struct ctop_err *err)
{
	struct report_pressure rp = {
		.netns = cli->netns,
		.filter = filter_text(flt),
		.buckets = -1,
		.flows = &s->pf,
		.top_sources = cli->top ? (size_t)cli->top : REPORT_TOP_SOURCES,
	};
	struct gather g = { .flt = flt, .pf = &s->pf };
	uint64_t mono;

	if (src) {
		if (source_stats(src, &rp.st, err))
			return -1;
		rp.have_stats = true;
		rp.buckets = source_sysctl("nf_conntrack_buckets");
	}
	mono = clock_monotonic_ns();
	rp.time_ns = clock_realtime_ns();
	pressure_flows_reset(&s->pf);
	if (read_flows(cli, src, &g, err))
		return -1;
	if (rp.have_stats) {
		if (s->have_prev) {
			rp.prev = &s->prev;
			rp.interval = (double)(mono - s->prev_mono) / 1e9;
		}
		pressure_trend_add(&s->trend, (double)mono / 1e9, &rp.st);
		rp.have_trend = pressure_trend_rates(&s->trend, 60.0, &rp.added,
						     &rp.removed) == 0;
	}
	if (cli->metrics)
		report_metrics(out, &rp, cli->metrics);
	else if (cli->format == BATCH_JSON)
		report_stats_json(out, &rp);
	else
		report_stats_text(out, &rp);
	if (rp.have_stats) {
		s->prev = rp.st;
		s->prev_mono = mono;
		s->have_prev = true;
	}
	return 0;
}

static int snap_timeouts(FILE *out, const struct cli *cli, struct source *src,
			 const struct filter *flt, struct report_state *s,
			 struct ctop_err *err)
{
	struct gather g = { .flt = flt, .to = &s->to };
	struct report_policies p = { 0 };
	struct ctop_err perr = { 0 };
	uint64_t now = clock_realtime_ns();

	if (!timeouts_read(&s->to, NULL))
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "no conntrack timeout sysctls under %s", TIMEOUTS_DIR);
	if (read_flows(cli, src, &g, err))
		return -1;
	/* A kernel without cttimeout still has the sysctls: say so in the
	 * policy list rather than failing the whole report. */
	if (report_read_policies(&s->items, &perr))
		p.error = perr.msg;
	if (s->items.oom)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	p.v = s->items.v;
	p.n = s->items.n;
	if (cli->format == BATCH_JSON)
		report_timeouts_json(out, now, cli->netns, &s->to, &p);
	else
		report_timeouts_text(out, &s->to, &p);
	return 0;
}

static int snap_expect(FILE *out, const struct cli *cli,
		       struct report_state *s, struct ctop_err *err)
{
	uint64_t now = clock_realtime_ns();

	if (report_read_expectations(&s->items, err))
		return -1;
	if (s->items.oom)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	if (cli->format == BATCH_JSON)
		report_expect_json(out, now, cli->netns, s->items.v,
				   s->items.n);
	else
		report_expect_text(out, s->items.v, s->items.n);
	return 0;
}

static int snapshot(FILE *out, const struct cli *cli, struct source *src,
		    const struct filter *flt, struct report_state *s,
		    struct ctop_err *err)
{
	if (cli->timeouts)
		return snap_timeouts(out, cli, src, flt, s, err);
	if (cli->expect)
		return snap_expect(out, cli, s, err);
	return snap_stats(out, cli, src, flt, s, err);
}

/* One snapshot into --output: the whole file replaced, or left as it was
 * when the snapshot failed. */
static int snapshot_to_file(const struct cli *cli, struct source *src,
			    const struct filter *flt, struct report_state *s,
			    struct ctop_err *err)
{
	struct atomic_file af;
	FILE *out = atomic_file_begin(&af, cli->output, err);

	if (!out)
		return -1;
	if (snapshot(out, cli, src, flt, s, err)) {
		atomic_file_abort(&af);
		return -1;
	}
	return atomic_file_commit(&af, err);
}

int report_run(const struct cli *cli, struct source *src,
	       const struct filter *flt, struct ctop_err *err)
{
	struct report_state *s = calloc(1, sizeof(*s));
	int status = CTOP_EXIT_OK, r;
	long incomplete = 0;

	if (!s || pressure_flows_init(&s->pf)) {
		free(s);
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		return CTOP_EXIT_RUNTIME;
	}
	for (long i = 0; cli->iterations == 0 || i < cli->iterations; i++) {
		if (i) {
			clock_sleep(cli->delay);
			/* Text snapshots are set apart by a blank line. */
			if (!cli->output && !cli->metrics &&
			    cli->format != BATCH_JSON)
				putchar('\n');
		}
		if (cli->output)
			r = snapshot_to_file(cli, src, flt, s, err);
		else
			r = snapshot(stdout, cli, src, flt, s, err);
		if (r && !batch_going_on(cli, err, &incomplete)) {
			status = err->status ? err->status : CTOP_EXIT_RUNTIME;
			break;
		}
		if (!cli->output &&
		    batch_output_ended(fflush(stdout) || ferror(stdout),
				       &status, err))
			break;
		if (!src)
			break;	/* a recording holds one snapshot */
	}
	pressure_flows_free(&s->pf);
	free(s->items.v);
	free(s);
	return batch_run_status(status, incomplete, err);
}
