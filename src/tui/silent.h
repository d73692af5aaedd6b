/* The screen's look for the ends no event reports (the model is
 * ../sweep.h): batched reads of the flows that may end silently, or a
 * dump asked of sync.c, within --sweep-budget. It changes the model and
 * reads the sync's state; it calls nothing of sync.c. */
#ifndef CTOP_TUI_SILENT_H
#define CTOP_TUI_SILENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sync.h"

void silent_init(struct sync *s);
/* The kernel's count was read (s->stats): GAP is the flows listed minus
 * it, 0 when it lies between ours before and after it (sync.c): tell the
 * model. */
void silent_count(struct sync *s, long gap);
/* A step of reads, or a dump asked for (s->sweep_dump_wanted), when due. */
void silent_step(struct sync *s, uint64_t now);
uint64_t silent_next_ms(const struct sync *s, uint64_t now);
/* A dump of FLOWS ended after WALL_US, costing CPU_US; FOR_SWEEP: one
 * silent_step asked for. */
void silent_dump_done(struct sync *s, size_t flows, double cpu_us,
		      double wall_us, bool for_sweep);
/* Whether a count drift is the sweep's to resolve (not a dump's). */
bool silent_drift_is_ours(const struct sync *s);
/* How long a silent end can stay listed, in s (sweep_bound_s): 0 when
 * none can, negative when none is looked for. */
double silent_bound_s(const struct sync *s);

#endif
