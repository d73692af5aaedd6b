/* The column registry: one entry per column, read by sorting, headers,
 * batch output, the screen and mouse clicks alike. A view is an array of
 * column ids; a new column is one entry in columns.c. */
#ifndef CTOP_COLUMNS_H
#define CTOP_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "layout.h"

enum column_id {
	COL_PROTO,
	COL_SRC,		/* original source addr:port */
	COL_DST,		/* original destination addr:port */
	COL_SADDR,		/* address only */
	COL_DADDR,
	COL_SPORT,
	COL_DPORT,
	COL_STATE,
	COL_TTL,
	COL_FLAGS,
	COL_PACKETS,		/* both directions */
	COL_BYTES,		/* both directions */
	COL_MARK,
	COL_ZONE,
	COL_ID,
	COL_HELPER,
	COL_AGE,		/* from start time (needs timestamps) */
	COL_REPLY_SRC,
	COL_REPLY_DST,
	COL_NAT,
	COL_FAMILY,
	COL_LABELS,
	COL_RATE,		/* bytes per second (needs two readings) */
	COL_COUNT
};

/* Context for formatting and comparing (values that are not in the flow). */
struct column_ctx {
	uint64_t now_ns;	/* CLOCK_REALTIME, for COL_AGE */
	/* Bytes per second of a flow (COL_RATE), or NULL: unknown ("-").
	 * The screen's flows are records of a table that has rates. */
	double (*rate)(const struct flow *f);
	bool acct_off;		/* nf_conntrack_acct=0: counters unknown */
	/* For sort keys only, or NULL: the ranks of an IPv6 flow's four
	 * addresses (orig src, dst, reply src, dst) among all the addresses
	 * sorted, in memcmp order (table_rec_ranks). With them the address
	 * columns' keys are exact for IPv6 too. */
	const uint32_t *rank;
};

struct column {
	enum column_id id;
	const char *name;	/* for --columns and --sort: "src", "ttl", ... */
	const char *alias;	/* second accepted name ("source"), or NULL */
	const char *title;	/* header text: "SOURCE", "TTL", ... */
	/* Widths on screen and in text: what the column prefers, the least
	 * it can do with and the most it takes when there is room (the
	 * address columns, for IPv6 and host names); min = max = width for
	 * the others. */
	int width, min_width, max_width;
	bool right;		/* right-aligned (numbers) */
	enum layout_kind layout;	/* how its cells may be shortened */
	/* <0, 0, >0 like strcmp; ascending natural order (addresses
	 * numerically, IPv4 before IPv6). */
	int (*compare)(const struct flow *a, const struct flow *b,
		       const struct column_ctx *ctx);
	/* The sort's 64-bit prefix of that order: key(a) < key(b) implies
	 * compare(a, b) < 0; *exact says equal keys mean equal compares.
	 * NULL: no prefix (names), the sort compares. */
	uint64_t (*key)(const struct flow *f, const struct column_ctx *ctx,
			bool *exact);
	/* The one cell text, for the screen and batch text alike. */
	size_t (*format)(char *buf, size_t len, const struct flow *f,
			 const struct column_ctx *ctx);
};

const struct column *column_get(enum column_id id);
/* By name or alias, case-insensitive; NULL if unknown. */
const struct column *column_by_name(const char *name);
/* Parse "proto,src,dst" (a leading '+' appends to *n existing ids).
 * Returns 0; -1 for an unknown name, -2 when more than max, with the
 * offending name copied to bad. */
int columns_parse(const char *list, enum column_id *ids, size_t *n,
		  size_t max, char *bad, size_t badlen);
/* The default view: proto, src, dst, state, ttl, flags. */
size_t columns_default(enum column_id *ids, size_t max);
/* How a column's cells may be shortened to fit a narrow terminal. */
enum layout_kind column_layout_kind(enum column_id id);
/* Comma-separated list of every column name, for messages and --help. */
const char *columns_names(void);

#endif
