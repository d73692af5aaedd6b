/* Conntrack table text into struct flow: one line of `conntrack -L` (any
 * -o variant), `conntrack -E`, /proc/net/nf_conntrack or the old
 * /proc/net/ip_conntrack. Pure: no netlink, no I/O.
 *
 * The dialects share one grammar, so one parser reads them all:
 *
 *   [ [SEC.USEC]<tab> ] [ [NEW]|[UPDATE]|[DESTROY] ]    conntrack -E
 *   [ L3NAME L3NUM ]                   -o extended, /proc/net/nf_conntrack
 *   L4NAME L4NUM [TIMEOUT] [STATE]     ("unknown 33" in /proc: the number rules)
 *   src= dst= (sport= dport= | type= code= id= | srckey= dstkey=)
 *   [zone-orig=] [packets= bytes=] [[UNREPLIED]]
 *   src= dst= ... [zone-reply=] [packets= bytes=]
 *   [[ASSURED]|[OFFLOAD]|[HW_OFFLOAD]] [mark=] [secmark=] [secctx=] [zone=]
 *   [delta-time=] [[start=CTIME]] [[stop=CTIME]] [helper=] [use=] [id=]
 *   [labels=NAME,...]
 *
 * Other key=value words (GRE's "timeout=0, stream_timeout=0", events'
 * "[USERSPACE] portid= progname=") are skipped, so a newer tool's extra
 * field does not make a line unreadable. */
#ifndef CTOP_TEXT_TABLE_H
#define CTOP_TEXT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

enum text_event {
	TEXT_EV_NONE = 0,	/* a table line */
	TEXT_EV_NEW,
	TEXT_EV_UPDATE,
	TEXT_EV_DESTROY,
};

/* What one line carried beyond struct flow. */
struct text_line {
	struct flow f;
	enum text_event event;
	uint64_t event_ns;	/* conntrack -E -o timestamp; 0 if none */
	uint32_t use;		/* use=, the entry's reference count */
	bool has_use;
	bool has_l3;		/* "ipv4 2" came first (extended, /proc) */
};

/* How a line was read. */
enum text_kind {
	TEXT_BAD = -1,		/* none of the dialects */
	TEXT_QUIET = 0,		/* blank, or conntrack's own summary line */
	TEXT_FLOW = 1,		/* *out holds a flow */
};

/* Read one line (S, N bytes, no newline needed). NOW_NS is the time the
 * text was printed, as well as it is known: a delta-time= without a
 * [start=] becomes start_ns = NOW_NS - delta. [start=] is read as local
 * time (conntrack prints it with ctime()). */
enum text_kind text_table_line(const char *s, size_t n, uint64_t now_ns,
			       struct text_line *out);

/* conntrack -L's summary ("conntrack v1.4.7 (conntrack-tools): 0 flow
 * entries have been shown."): true if the line is one; *entries is the
 * figure it gives. An empty table prints only this line. (conntrack -E's
 * "flow events have been shown" is not one; text_table_line() calls
 * both quiet.) */
bool text_table_summary(const char *s, size_t n, unsigned long *entries);

/* Whether the first bytes of an input hold table text: a flow line or a
 * conntrack summary among them (a header or a stray line may come
 * first). */
bool text_table_detect(const char *head, size_t n);

/* Label names as conntrack prints them (labels=a,b) are read through
 * labelmap.h (connlabel.conf) or as bit numbers. */

#endif
