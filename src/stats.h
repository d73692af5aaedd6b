/* Table-wide figures: count and maximum, and the per-CPU statistics summed
 * (the kernel's CTA_STATS_* attributes, as conntrack -S prints them). */
#ifndef CTOP_STATS_H
#define CTOP_STATS_H

#include <stdbool.h>
#include <stdint.h>

struct table_stats {
	uint32_t count;		/* CTA_STATS_GLOBAL_ENTRIES */
	uint32_t max;		/* CTA_STATS_GLOBAL_MAX_ENTRIES */
	bool have_cpu;		/* the per-CPU figures below were read */
	unsigned cpus;
	uint64_t found, invalid, insert, insert_failed, drop, early_drop,
		 error, search_restart, clash_resolve, chaintoolong;
};

#endif
