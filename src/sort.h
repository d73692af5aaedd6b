/* Sorting flows by a column of the registry, ties broken by the flow key so
 * the order is stable from one refresh to the next. */
#ifndef CTOP_SORT_H
#define CTOP_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "columns.h"

struct sort_spec {
	enum column_id column;
	bool reverse;
	struct column_ctx ctx;
};

/* Total order on two flows for spec. */
int sort_compare(const struct sort_spec *spec, const struct flow *a,
		 const struct flow *b);
/* Whether spec's column compares only the key and the id (the original
 * tuple, zones, family, protocol), as the tie-break does: a compare of
 * two flows filled with those fields alone gives the full order. */
bool sort_column_reads_key(enum column_id col);
/* Sort an array of pointers in place. */
void sort_flows(const struct flow **flows, size_t n,
		const struct sort_spec *spec);

/* Items that are not flows but hold one (the table's records): FN
 * writes the flow of ITEM into SCRATCH, a buffer of SIZE bytes, and
 * returns it (or returns a flow of its own). */
struct sort_view {
	const struct flow *(*fn)(const void *item, void *scratch,
				 const void *arg);
	/* The same with only the key and the id set (NULL: fn). */
	const struct flow *(*key_fn)(const void *item, void *scratch,
				     const void *arg);
	const void *arg;
	size_t size;
	/* Optional (NULL: none): the ranks of an IPv6 item's four addresses
	 * (orig src, dst, reply src, dst) in the memcmp order of all the
	 * addresses the items hold, equal only for equal addresses. With
	 * them every sort prefix of an IPv6 flow is as exact as an IPv4
	 * flow's, and its ties seldom need a view. False: no ranks for this
	 * item (the sort then gives the same order without any). */
	bool (*ranks)(const void *item, uint32_t rank[4], const void *arg);
};
/* sort_flows for such items: the same order on the flows they hold. */
void sort_items(const void **items, size_t n, const struct sort_spec *spec,
		const struct sort_view *view);

#endif
