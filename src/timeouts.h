/* The kernel's conntrack timeouts (/proc/sys/net/netfilter/nf_conntrack_*
 * timeout sysctls) next to how many flows each one governs right now.
 * Plain file reads and counting; shared by ctop --timeouts and the
 * screen's timeouts view. Read-only: ctop shows the sysctl line that would
 * change a value, it never writes one. */
#ifndef CTOP_TIMEOUTS_H
#define CTOP_TIMEOUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

#define TIMEOUTS_DIR		"/proc/sys/net/netfilter"
#define TIMEOUTS_MAX		48
/* A flow with more than this many seconds left is "parked". */
#define TIMEOUTS_LONG		3600

struct timeout_row {
	const char *sysctl;	/* "nf_conntrack_tcp_timeout_established" */
	const char *proto;	/* "tcp", "udp", "icmp", "generic", ... */
	const char *state;	/* "ESTABLISHED", "stream", "-", ... */
	long seconds;		/* the kernel's value */
	bool counted;		/* flows are attributed to this row (timers
				 * like max_retrans are not states) */
	uint64_t flows;		/* flows in this state now */
	uint64_t over_hour;	/* of those, more than TIMEOUTS_LONG left */
};

struct timeouts {
	struct timeout_row rows[TIMEOUTS_MAX];
	size_t n;
	uint64_t flows;		/* flows counted */
	uint64_t other;		/* flows no row governs (e.g. SYN_SENT2) */
};

/* Read every known timeout sysctl present under DIR (NULL for
 * TIMEOUTS_DIR) in a fixed order, with zero counts. Returns the number of
 * rows read; 0 means no conntrack sysctls at all. */
size_t timeouts_read(struct timeouts *t, const char *dir);
/* Add the row of the sysctl NAME (LEN bytes, as in a row's sysctl) with
 * SECONDS, as timeouts_read would: a flight recording's rows. False, and
 * nothing added, for a name this ctop does not know, one already there,
 * or a full table. */
bool timeouts_add_row(struct timeouts *t, const char *name, size_t len,
		      long seconds);
/* The row that governs flow f, or -1. The UDP stream timeout applies to
 * ASSURED UDP flows, the GRE stream timeout to replied GRE flows,
 * protocols without a tracker use the generic timeout. */
int timeouts_row_of(const struct timeouts *t, const struct flow *f);
void timeouts_add_flow(struct timeouts *t, const struct flow *f);
void timeouts_clear_counts(struct timeouts *t);
/* "sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=432000" */
size_t timeouts_sysctl_line(char *buf, size_t len, const struct timeout_row *r);

#endif
