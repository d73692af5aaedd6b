/* Flows of the table read again from the kernel in batches (one sendmsg
 * of GETs, the answers through recvmmsg: source_get_batch), the answers
 * applied to the model: a flow found is updated, a flow the kernel no
 * longer has goes at once. Used for the rows on screen and the expired
 * flows each refresh (sync.c). The silent set (silent.c) is only probed
 * (source_probe_batch: is it there?), which costs less than a GET. */
#ifndef CTOP_TUI_REREAD_H
#define CTOP_TUI_REREAD_H

#include <stddef.h>
#include <stdint.h>

#include "../err.h"
#include "sync.h"

/* Read KEYS[0..n) again at NOW. Returns how many the kernel answered
 * (found or gone; *GONE gets how many went), or -1 with ERR when the
 * socket failed. */
long reread_flows(struct sync *s, const struct flow *keys, size_t n,
		  uint64_t now, size_t *gone, struct ctop_err *err);

/* Ask whether KEYS[0..n) are still there; those gone leave the model.
 * QUIET: by source_probe_quiet_batch (nobody else listens to updates).
 * Returns how many the kernel answered (*GONE: how many went), or -1
 * with ERR when the socket failed. */
long probe_flows(struct sync *s, const struct flow *keys, size_t n,
		 bool quiet, size_t *gone, struct ctop_err *err);

#endif
