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

struct expiry_scan {
	size_t cursor;		/* where the next slice starts */
};

/* Look at up to MAX_SCAN flows from where the last call stopped (going
 * round the table, each flow at most once per call) and copy the keys of
 * those due at NOW_MS into OUT, at most CAP of them; when OUT fills, the
 * next call goes on from there. Returns how many were copied. */
size_t expiry_due(struct table *t, struct expiry_scan *sc, uint64_t now_ms,
		  size_t max_scan, struct flow *out, size_t cap);

#endif
