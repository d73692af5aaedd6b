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
#include "read_in.h"
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
/* A recorded dump (raw netlink, from --record) through the parser: the
 * input's first bytes look like one (source_recording_detect), then the
 * whole input is read (source_replay_in, *flows counted if not NULL).
 * Files and pipes go through source_read() (source_read.h), which tells
 * a recording from table text. */
bool source_recording_detect(const void *head, size_t n);
int source_replay_in(struct read_in *in, source_flow_fn fn, void *data,
		     uint64_t *flows, struct ctop_err *err);

/* Entries, maximum, and the per-CPU statistics summed. */
int source_stats(struct source *src, struct table_stats *st,
		 struct ctop_err *err);

/* Delete one flow by original tuple, zones and conntrack id, so a newer
 * connection that reuses the tuple is left alone. Returns 1 deleted,
 * 0 already gone (ENOENT, and a GET by tuple and zones finds nothing
 * either), -1 error: the socket, or the kernel still holding the tuple
 * (under this id or another), with the reason in err. */
int source_delete(struct source *src, const struct flow *f,
		  struct ctop_err *err);

/* Read one flow by original tuple and zones (IPCTNL_MSG_CT_GET without
 * NLM_F_DUMP): fresh counters and timeout for a flow on screen. Returns 1
 * with *out filled, 0 when the kernel has no such flow (ENOENT), -1 on
 * error. */
int source_get(struct source *src, const struct flow *key, struct flow *out,
	       struct ctop_err *err);

/* Called by source_get_batch for each key answered: F is the flow read,
 * or NULL when the kernel has no such flow (ENOENT). I is the key's
 * index. */
typedef void (*source_get_fn)(size_t i, const struct flow *key,
			      const struct flow *f, void *data);
/* Read many flows by original tuple and zone, as source_get, several
 * requests per sendmsg and the answers through recvmmsg: the cheap way to
 * check a large set of flows without a dump. Calls FN once per key the
 * kernel answered (found or gone), in order. A key left unanswered (the
 * kernel refused it for another reason than ENOENT, or dropped the
 * answer) is neither found nor gone: ask again later. Returns how many
 * were answered, or -1 with err when the socket failed. */
long source_get_batch(struct source *src, const struct flow *keys, size_t n,
		      source_get_fn fn, void *data, struct ctop_err *err);

/* Called by source_probe_batch for each key answered: PRESENT says
 * whether the kernel still holds a flow of that tuple and zone. */
typedef void (*source_probe_fn)(size_t i, const struct flow *key,
				bool present, void *data);
/* Ask only whether each key's flow is still there, as source_get_batch
 * but without reading it (IPCTNL_MSG_CT_NEW with NLM_F_EXCL and no
 * NLM_F_CREATE: a lookup that changes nothing and makes nothing, answered
 * EEXIST or ENOENT), several times cheaper than a GET. It matches by
 * tuple and zone, not id: a newer flow that reuses the tuple answers
 * "there". Calls FN once per key answered; returns how many were
 * answered, or -1 with err when the socket failed or the kernel refused
 * every probe (EPERM, EACCES...: read the flows with GETs instead). */
long source_probe_batch(struct source *src, const struct flow *keys, size_t n,
			source_probe_fn fn, void *data, struct ctop_err *err);
/* The same, about half the cost: only the gone flows are answered (an
 * update with nothing to change, which succeeds silently). A flow that
 * carries the event extension reports an update to the UPDATE group for
 * it: use it only while source_events_others_listen says nobody else
 * listens there. */
long source_probe_quiet_batch(struct source *src, const struct flow *keys,
			      size_t n, source_probe_fn fn, void *data,
			      struct ctop_err *err);

/* Append tuple t of f as the nested attribute ATTR (CTA_TUPLE_ORIG or
 * CTA_TUPLE_REPLY) to the netlink message MSG (a struct nlmsghdr * with
 * room), as delete and get requests carry it, with CTA_TUPLE_ZONE inside
 * when f's directions are in different zones; tools that build conntrack
 * messages (tests/ctload) use it too. */
void source_put_tuple(void *msg, unsigned int attr, const struct flow *f,
		      const struct flow_tuple *t);
/* Append CTA_ZONE when both directions of f share a zone other than 0.
 * With source_put_tuple, a request names exactly f's zones. */
void source_put_zone(void *msg, const struct flow *f);

/* Read /proc/sys/net/netfilter/NAME of the current namespace as an
 * integer; -1 if absent. */
long source_sysctl(const char *name);

/* Parse one ctnetlink conntrack message (struct nlmsghdr *) into *f.
 * Returns 0, or -1 if it is not a conntrack message or is malformed.
 * Exposed for unit tests on recorded messages. */
int source_parse_flow(const void *nlh, struct flow *f);
/* The same for an event message, also giving CTA_TIMESTAMP_STOP (the
 * end of a destroyed flow, ns since the epoch; 0 when not sent) in
 * *stop_ns when that is not NULL. */
int source_parse_event(const void *nlh, struct flow *f, uint64_t *stop_ns);

/* ---- events (source_events.c) ----
 * A second ctnetlink socket subscribed to the NEW, UPDATE and DESTROY
 * groups of the current namespace, non-blocking, for a poll() loop. The
 * kernel drops events when the socket's buffer is full and says so with
 * ENOBUFS; that comes out as an OVERFLOW event, never silently, and the
 * buffer is grown. NETLINK_BROADCAST_ERROR is not set on purpose: it
 * makes the kernel hold entries for a slow reader. */
enum source_event_type {
	SOURCE_EV_NEW = 1,	/* IPCTNL_MSG_CT_NEW with NLM_F_CREATE|EXCL */
	SOURCE_EV_UPDATE,	/* IPCTNL_MSG_CT_NEW otherwise */
	SOURCE_EV_DESTROY,	/* IPCTNL_MSG_CT_DELETE */
	SOURCE_EV_OVERFLOW,	/* events were lost (ENOBUFS) */
};

struct source_event {
	enum source_event_type type;
	long long lost;		/* OVERFLOW: events lost, -1 if unknown */
	uint64_t stop_ns;	/* DESTROY with timestamps on: when it ended */
	struct flow f;		/* all but OVERFLOW */
};

/* Return 0 to go on, nonzero to stop reading (the rest stays queued). */
typedef int (*source_event_fn)(const struct source_event *ev, void *data);

struct source_events;

/* Default and largest receive buffer of the event socket, in bytes. */
#define SOURCE_EVENTS_RCVBUF	(8u << 20)
#define SOURCE_EVENTS_RCVBUF_MAX	(64u << 20)	/* growth bound */

/* Subscribe in the current namespace; rcvbuf 0 means the default. */
struct source_events *source_events_open(size_t rcvbuf, struct ctop_err *err);
void source_events_close(struct source_events *ev);
/* For poll(): readable when events are queued or an overflow is due. */
int source_events_fd(const struct source_events *ev);
/* Read what is queued, without blocking, calling fn once per event (at
 * most about max_events, 0 = until the socket is empty). Returns the
 * number of events delivered (0: nothing queued), or -1 with err. */
long source_events_read(struct source_events *ev, long max_events,
			source_event_fn fn, void *data, struct ctop_err *err);
/* Overflows seen, events known lost, buffer size the kernel applied. */
uint64_t source_events_overflows(const struct source_events *ev);
uint64_t source_events_lost(const struct source_events *ev);
size_t source_events_rcvbuf(const struct source_events *ev);
/* Whether a netlink socket other than EV in this namespace listens to
 * conntrack UPDATE events (/proc/net/netlink's groups): 1 yes, 0 no, -1
 * unknown (the file cannot be read, or EV is not found in it). */
int source_events_others_listen(const struct source_events *ev);
/* net.netfilter.nf_conntrack_events: 0 off, 1 on, 2 auto; -1 unknown. */
long source_events_sysctl(void);

#endif
