/* The kernel side: ctnetlink dump, delete and statistics, sysctl reads and
 * namespace entry. The only module that includes libmnl or netfilter
 * headers; everything it hands out is a plain struct flow. */
#ifndef CTOP_SOURCE_H
#define CTOP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "filter.h"
#include "flow.h"
#include "stats.h"

struct source;

/* Called once per flow of a dump. Return 0 to go on, nonzero to stop. */
typedef int (*source_flow_fn)(const struct flow *f, void *data);

/* Enter network namespace NETNS (a name under /run/netns or a path; NULL
 * stays) for the whole process, then open the netlink socket. Errors:
 * missing namespace, no conntrack in the kernel. */
int source_enter_netns(const char *netns, struct ctop_err *err);
struct source *source_open(struct ctop_err *err);
void source_close(struct source *src);

/* Dump the table (IPCTNL_MSG_CT_GET with NLM_F_DUMP), applying the
 * pushdown in the request where the kernel supports it. A flow that
 * vanishes mid-dump is not an error. Without CAP_NET_ADMIN the error says
 * so. */
int source_dump(struct source *src, const struct filter_pushdown *pd,
		source_flow_fn fn, void *data, struct ctop_err *err);
/* While rec is set, raw netlink bytes of each dump are appended to it
 * (a recorded dump replays through the same parser). */
void source_record(struct source *src, FILE *rec);
/* Replay a recorded dump file through the parser. */
int source_replay(const char *path, source_flow_fn fn, void *data,
		  struct ctop_err *err);

/* Entries, maximum, and the per-CPU statistics summed. */
int source_stats(struct source *src, struct table_stats *st,
		 struct ctop_err *err);

/* Delete one flow by original tuple, zone and conntrack id, so a newer
 * connection that reuses the tuple is left alone. Returns 1 deleted,
 * 0 already gone (ENOENT), -1 error. */
int source_delete(struct source *src, const struct flow *f,
		  struct ctop_err *err);

/* Read /proc/sys/net/netfilter/NAME of the current namespace as an
 * integer; -1 if absent. */
long source_sysctl(const char *name);

/* Parse one ctnetlink conntrack message (struct nlmsghdr *) into *f.
 * Returns 0, or -1 if it is not a conntrack message or is malformed.
 * Exposed for unit tests on recorded messages. */
int source_parse_flow(const void *nlh, struct flow *f);

#endif
