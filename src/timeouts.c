/* Conntrack timeout sysctls and the flows each one governs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeouts.h"
#include "sysctl.h"

/* How a sysctl's flows are recognised. */
enum match {
	M_NONE,		/* a timer, not a state: no flows */
	M_STATE,	/* protocol and kernel state number */
	M_ALL,		/* every flow of the protocol */
	M_ASSURED,	/* UDP stream: ASSURED */
	M_NOT_ASSURED,	/* UDP otherwise */
	M_REPLIED,	/* GRE stream: SEEN_REPLY */
	M_UNREPLIED,	/* GRE otherwise */
	M_GENERIC,	/* protocols without their own timeouts */
};

struct timeout_def {
	const char *sysctl;
	const char *proto;
	const char *state;
	uint8_t protonum;
	uint8_t statenum;
	enum match match;
};

#define TCP(name, label, n) \
	{ "nf_conntrack_tcp_timeout_" name, "tcp", label, FLOW_P_TCP, n, M_STATE }
#define SCTP(name, label, n) \
	{ "nf_conntrack_sctp_timeout_" name, "sctp", label, FLOW_P_SCTP, n, M_STATE }
#define DCCP(name, label, n) \
	{ "nf_conntrack_dccp_timeout_" name, "dccp", label, FLOW_P_DCCP, n, M_STATE }

/* State numbers are the kernel's enums (see flow.c's name tables). */
static const struct timeout_def defs[] = {
	TCP("syn_sent", "SYN_SENT", 1),
	TCP("syn_recv", "SYN_RECV", 2),
	TCP("established", "ESTABLISHED", 3),
	TCP("fin_wait", "FIN_WAIT", 4),
	TCP("close_wait", "CLOSE_WAIT", 5),
	TCP("last_ack", "LAST_ACK", 6),
	TCP("time_wait", "TIME_WAIT", 7),
	TCP("close", "CLOSE", 8),
	{ "nf_conntrack_tcp_timeout_max_retrans", "tcp", "max_retrans",
	  FLOW_P_TCP, 0, M_NONE },
	{ "nf_conntrack_tcp_timeout_unacknowledged", "tcp", "unacknowledged",
	  FLOW_P_TCP, 0, M_NONE },
	{ "nf_conntrack_udp_timeout", "udp", "-", FLOW_P_UDP, 0, M_NOT_ASSURED },
	{ "nf_conntrack_udp_timeout_stream", "udp", "stream", FLOW_P_UDP, 0,
	  M_ASSURED },
	{ "nf_conntrack_icmp_timeout", "icmp", "-", FLOW_P_ICMP, 0, M_ALL },
	{ "nf_conntrack_icmpv6_timeout", "icmpv6", "-", FLOW_P_ICMPV6, 0, M_ALL },
	SCTP("closed", "CLOSED", 1),
	SCTP("cookie_wait", "COOKIE_WAIT", 2),
	SCTP("cookie_echoed", "COOKIE_ECHOED", 3),
	SCTP("established", "ESTABLISHED", 4),
	SCTP("shutdown_sent", "SHUTDOWN_SENT", 5),
	SCTP("shutdown_recd", "SHUTDOWN_RECD", 6),
	SCTP("shutdown_ack_sent", "SHUTDOWN_ACK_SENT", 7),
	SCTP("heartbeat_sent", "HEARTBEAT_SENT", 8),
	SCTP("heartbeat_acked", "HEARTBEAT_ACKED", 9),
	DCCP("request", "REQUEST", 1),
	DCCP("respond", "RESPOND", 2),
	DCCP("partopen", "PARTOPEN", 3),
	DCCP("open", "OPEN", 4),
	DCCP("closereq", "CLOSEREQ", 5),
	DCCP("closing", "CLOSING", 6),
	DCCP("timewait", "TIMEWAIT", 7),
	{ "nf_conntrack_gre_timeout", "gre", "-", FLOW_P_GRE, 0, M_UNREPLIED },
	{ "nf_conntrack_gre_timeout_stream", "gre", "stream", FLOW_P_GRE, 0,
	  M_REPLIED },
	{ "nf_conntrack_generic_timeout", "generic", "-", 0, 0, M_GENERIC },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

_Static_assert(NDEFS <= TIMEOUTS_MAX, "TIMEOUTS_MAX too small");

static long read_long(const char *dir, const char *name)
{
	long v = sysctl_read(dir, name);

	return v < 0 ? -1 : v;
}

/* The definition behind a row: rows point at their definition's strings,
 * so the public row stays plain data. */
static const struct timeout_def *def_of(const struct timeout_row *r)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (defs[i].sysctl == r->sysctl)
			return &defs[i];
	return NULL;
}

size_t timeouts_read(struct timeouts *t, const char *dir)
{
	memset(t, 0, sizeof(*t));
	if (!dir)
		dir = TIMEOUTS_DIR;
	for (size_t i = 0; i < NDEFS; i++) {
		long v = read_long(dir, defs[i].sysctl);
		struct timeout_row *r;

		if (v < 0)
			continue;
		r = &t->rows[t->n++];
		r->sysctl = defs[i].sysctl;
		r->proto = defs[i].proto;
		r->state = defs[i].state;
		r->seconds = v;
		r->counted = defs[i].match != M_NONE;
	}
	return t->n;
}

bool timeouts_add_row(struct timeouts *t, const char *name, size_t len,
		      long seconds)
{
	struct timeout_row *r;

	if (t->n >= TIMEOUTS_MAX)
		return false;
	for (size_t i = 0; i < NDEFS; i++) {
		if (strlen(defs[i].sysctl) != len ||
		    memcmp(defs[i].sysctl, name, len))
			continue;
		for (size_t k = 0; k < t->n; k++)
			if (t->rows[k].sysctl == defs[i].sysctl)
				return false;
		r = &t->rows[t->n++];
		memset(r, 0, sizeof(*r));
		r->sysctl = defs[i].sysctl;
		r->proto = defs[i].proto;
		r->state = defs[i].state;
		r->seconds = seconds;
		r->counted = defs[i].match != M_NONE;
		return true;
	}
	return false;
}

static bool proto_has_rows(const struct timeouts *t, uint8_t protonum)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct timeout_def *d = def_of(&t->rows[i]);

		if (d && d->match != M_GENERIC && d->protonum == protonum)
			return true;
	}
	return false;
}

static bool def_matches(const struct timeout_def *d, uint8_t proto,
			const struct flow *f)
{
	switch (d->match) {
	case M_NONE:
		return false;
	case M_STATE:
		return d->protonum == proto && (f->has & FLOW_HAS_STATE) &&
		       f->state == d->statenum;
	case M_ALL:
		return d->protonum == proto;
	case M_ASSURED:
		return d->protonum == proto && (f->status & FLOW_S_ASSURED);
	case M_NOT_ASSURED:
		return d->protonum == proto && !(f->status & FLOW_S_ASSURED);
	case M_REPLIED:
		return d->protonum == proto && !flow_unreplied(f);
	case M_UNREPLIED:
		return d->protonum == proto && flow_unreplied(f);
	case M_GENERIC:
		return proto == 0;
	}
	return false;
}

int timeouts_row_of(const struct timeouts *t, const struct flow *f)
{
	uint8_t proto = f->protonum;

	/* UDP-Lite runs on the UDP timeouts. */
	if (proto == FLOW_P_UDPLITE)
		proto = FLOW_P_UDP;
	/* Without its own timeouts the kernel tracks a protocol with the
	 * generic one; proto 0 stands for that here. */
	if (!proto_has_rows(t, proto))
		proto = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct timeout_def *d = def_of(&t->rows[i]);

		if (d && def_matches(d, proto, f))
			return (int)i;
	}
	return -1;
}

void timeouts_add_flow(struct timeouts *t, const struct flow *f)
{
	int i = timeouts_row_of(t, f);

	t->flows++;
	if (i < 0) {
		t->other++;
		return;
	}
	t->rows[i].flows++;
	if ((f->has & FLOW_HAS_TIMEOUT) && f->timeout > TIMEOUTS_LONG)
		t->rows[i].over_hour++;
}

void timeouts_clear_counts(struct timeouts *t)
{
	for (size_t i = 0; i < t->n; i++)
		t->rows[i].flows = t->rows[i].over_hour = 0;
	t->flows = t->other = 0;
}

size_t timeouts_sysctl_line(char *buf, size_t len, const struct timeout_row *r)
{
	int n;

	if (!len)
		return 0;
	n = snprintf(buf, len, "sysctl -w net.netfilter.%s=%ld", r->sysctl,
		     r->seconds);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n < len ? (size_t)n : len - 1;
}
