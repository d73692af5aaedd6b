/* Flows whose timeout, as last read, has run out.
 *
 * The kernel reports neither a timeout refreshed by a packet nor, with
 * nf_conntrack_events=2, the end of a flow created before anyone listened.
 * A flow whose timeout has run out since it was read is either gone or was
 * refreshed by traffic: one targeted read (IPCTNL_MSG_CT_GET) tells which.
 * expiry_due finds such flows a bounded slice of the table at a time, so
 * a million flows cost a short pass per refresh instead of a dump. */
#ifndef CTOP_EXPIRY_H
#define CTOP_EXPIRY_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "table.h"

/* A flow is due this long after its timeout ran out: the kernel reports
 * whole seconds, rounded down. */
#define EXPIRY_GRACE_MS 1000

/* A pass over the whole table takes about EXPIRY_CYCLE_S: a flow whose
 * timeout ran out is read again within that (plus the grace), whatever
 * the table's size; each refresh looks at between EXPIRY_SLICE_MIN (small
 * tables: all of them every refresh) and EXPIRY_SLICE_MAX flows. Looking
 * costs a pass over the records (168 bytes each): at a million flows a
 * slice of 65536 every second was a third of the screen's idle CPU. */
#define EXPIRY_CYCLE_S		30
#define EXPIRY_SLICE_MIN	4096
#define EXPIRY_SLICE_MAX	65536

struct expiry_scan {
	size_t cursor;		/* where the next slice starts */
};

/* Look at up to MAX_SCAN flows from where the last call stopped (going
 * round the table, each flow at most once per call) and copy the keys of
 * those due at NOW_MS into OUT, at most CAP of them; when OUT fills, the
 * next call goes on from there. Returns how many were copied. */
size_t expiry_due(struct table *t, struct expiry_scan *sc, uint64_t now_ms,
		  size_t max_scan, struct flow *out, size_t cap);
/* How many flows a refresh every REFRESH_S looks at, of FLOWS listed. */
size_t expiry_slice(size_t flows, double refresh_s);

#endif
