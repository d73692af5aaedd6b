/* Reports: ctop --stats (table pressure), --timeouts, --expect and
 * -o openmetrics. The writers take plain data, so the screen's views and
 * the unit tests can use them without a kernel; report_run() is the batch
 * loop that gathers the data. */
#ifndef CTOP_REPORT_H
#define CTOP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "err.h"
#include "filter.h"
#include "group.h"
#include "pressure.h"
#include "source.h"
#include "source_policy.h"
#include "stats.h"
#include "timeouts.h"

/* Sources listed by --stats and -o openmetrics unless --top says. */
#define REPORT_TOP_SOURCES	10

/* One pressure snapshot. */
struct report_pressure {
	uint64_t time_ns;		/* CLOCK_REALTIME */
	const char *netns;		/* NULL: the current namespace */
	const char *filter;		/* "" for none */
	bool have_stats;
	struct table_stats st;
	const struct table_stats *prev;	/* previous snapshot, NULL first */
	double interval;		/* seconds since prev */
	long buckets;			/* nf_conntrack_buckets, -1 unknown */
	bool have_trend;		/* added/removed over the last minute */
	double added, removed;
	struct pressure_flows *flows;	/* what the entries are */
	size_t top_sources;
};

struct report_policies {
	const struct timeout_policy *v;
	size_t n;
	const char *error;		/* non-NULL: the dump failed */
};

void report_stats_text(FILE *out, const struct report_pressure *rp);
void report_stats_json(FILE *out, const struct report_pressure *rp);
/* The figures as metrics: OpenMetrics text (ending with "# EOF") or the
 * Prometheus text format 0.0.4 (node_exporter's textfile collector). */
void report_metrics(FILE *out, const struct report_pressure *rp,
		    enum metrics_format m);

void report_timeouts_text(FILE *out, const struct timeouts *t,
			  const struct report_policies *p);
void report_timeouts_json(FILE *out, uint64_t time_ns, const char *netns,
			  const struct timeouts *t,
			  const struct report_policies *p);

void report_expect_text(FILE *out, const struct expectation *e, size_t n);
void report_expect_json(FILE *out, uint64_t time_ns, const char *netns,
			const struct expectation *e, size_t n);

/* The kernel's timeout policies and expectations as arrays, for the
 * reports and the screen's views alike. */
struct report_items {
	void *v;		/* struct timeout_policy or struct expectation */
	size_t n, cap, size;
	bool oom;		/* some did not fit: the array is short */
};

/* Empty *it (keeping its memory for the same kind) and read into it.
 * Returns 0, or -1 with err filled when the kernel refused; out of memory
 * is it->oom, for the caller to judge. Free it->v when done. */
int report_read_policies(struct report_items *it, struct ctop_err *err);
int report_read_expectations(struct report_items *it, struct ctop_err *err);

/* Protocol name (into proto) and state name of a GROUP_STATE row; the
 * state is NULL for protocols without states. */
const char *report_row_state(const struct group_row *r, char *proto,
			     size_t len);

/* "inet", "inet6", or the number. */
const char *report_family_name(unsigned int family, char *buf, size_t len);
/* "src -> dst" of an expectation's tuple, with ports where the protocol
 * has them (the text report and the E view). */
void report_tuple_text(char *buf, size_t len, uint8_t family,
		       uint8_t protonum, const struct flow_tuple *t);

/* Whether the options ask for a report instead of the flow list. */
bool report_wanted(const struct cli *cli);
/* Combinations a report cannot honour: -1 with err (status 2). */
int report_check(const struct cli *cli, struct ctop_err *err);
/* The batch loop for reports; returns an exit status, err filled when it
 * is not 0. src is NULL when reading a recording (--stats only). */
int report_run(const struct cli *cli, struct source *src,
	       const struct filter *flt, struct ctop_err *err);

#endif
