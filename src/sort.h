/* Sorting flows by a column of the registry, ties broken by the flow key so
 * the order is stable from one refresh to the next. */
#ifndef CTOP_SORT_H
#define CTOP_SORT_H

#include <stdbool.h>
#include <stddef.h>

#include "columns.h"

struct sort_spec {
	enum column_id column;
	bool reverse;
	struct column_ctx ctx;
};

/* Total order on two flows for spec. */
int sort_compare(const struct sort_spec *spec, const struct flow *a,
		 const struct flow *b);
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
};
/* sort_flows for such items: the same order on the flows they hold. */
void sort_items(const void **items, size_t n, const struct sort_spec *spec,
		const struct sort_view *view);

#endif
