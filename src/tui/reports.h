/* The data of the full-screen views beside the flow list: table pressure
 * (P), the timeouts (T) and the expectation table (E). The figures come
 * from the same functions as ctop --stats, --timeouts and --expect
 * (pressure.h, timeouts.h, source_policy.h); the flows they count are
 * the screen's own model, so opening a view costs one pass over the
 * table and no dump. Drawn by reports_draw.c. */
#ifndef CTOP_TUI_REPORTS_H
#define CTOP_TUI_REPORTS_H

#include "timeline.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../filter.h"
#include "../pressure.h"
#include "../source_policy.h"
#include "../stats.h"
#include "../timeouts.h"
#include "model.h"
#include "sync.h"

enum report_view { REPORT_PRESSURE, REPORT_TIMEOUTS, REPORT_EXPECT };

struct reports {
	struct pressure_flows pf;
	bool pf_ok;
	struct pressure_trend trend;
	struct table_stats prev;	/* statistics one refresh earlier */
	bool have_prev;
	double interval;		/* seconds between prev and now */
	long buckets;
	struct timeouts to;
	struct timeout_policy *pol;
	size_t npol;
	char pol_err[512];
	struct expectation *exp;
	size_t nexp;
	char exp_err[512];
	struct fr_timeouts rec;		/* T on a recording: the recorded */
	char note[160];			/* T: why there are no rows */
	size_t sel, top;		/* selected row of T and E */
	uint64_t next_gather_ms;	/* a pass over a big table, not too often */
};

/* The live graphs: the last N refreshes of the fill trend (oldest first)
 * as fill % (of MAX), entries added or removed per second, and drops
 * (drop + early_drop) per refresh. Returns how many values. */
size_t reports_live_series(const struct reports *r, uint32_t max,
			   enum timeline_series what, double *v, size_t n);

/* Gather the figures of a view now (opening it). On a table read from a
 * file (REPLAY) only P has figures, and T too on a flight recording (TL
 * on): the timeouts recorded at or before its instant. */
void reports_gather(struct reports *r, enum report_view v,
		    const struct model *m, const struct filter *flt,
		    bool replay, const struct timeline *tl, uint64_t now_ms);
/* Every refresh: the fill trend (whatever is shown), and the figures of
 * the view shown (V < 0: none) when a pass is due. */
void reports_refresh(struct reports *r, const struct sync *s, int v,
		     const struct model *m, const struct filter *flt,
		     const struct timeline *tl, uint64_t now_ms);
/* Rows of the view V (T and E move a cursor over them). */
size_t reports_rows(const struct reports *r, enum report_view v);
void reports_move(struct reports *r, enum report_view v, long delta);
/* Keep the cursor of T and E on a page of ROWS rows (the layout). */
void reports_scroll(struct reports *r, enum report_view v, size_t rows);
void reports_free(struct reports *r);

#endif
