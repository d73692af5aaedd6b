/* Asynchronous, cached reverse DNS for the screen. The caller never waits:
 * a lookup answers from the cache or queues the address for a worker
 * thread and says "not yet"; when answers arrive the worker writes a byte
 * to a file descriptor the caller polls. No curses, no netlink. */
#ifndef CTOP_RESOLVE_H
#define CTOP_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

struct resolver;

/* Start the worker. wake_fd (may be -1) gets one byte per batch of
 * answers; it should be non-blocking. rate is the most lookups per
 * second the worker makes (0 = the default, 20). NULL on failure. */
struct resolver *resolve_new(int wake_fd, unsigned rate);
/* Stop the worker without waiting for a lookup in progress. */
void resolve_free(struct resolver *r);

/* The name of address A, copied into buf: true if known. Otherwise the
 * address is queued (if the queue has room) and false is returned; the
 * caller shows the number meanwhile. Addresses without a name are
 * remembered too and keep returning false without a new query. */
bool resolve_lookup(struct resolver *r, uint8_t family,
		    const union flow_addr *a, char *buf, size_t len);

/* Bumps whenever an answer arrives, so views know to redraw. */
uint64_t resolve_version(struct resolver *r);

#endif
