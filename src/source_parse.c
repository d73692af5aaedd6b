/* ctnetlink message -> struct flow.
 *
 * This is the hot path of every refresh: a dump of a million entries calls
 * it a million times, so it walks the attributes once, by hand, and copies
 * what it needs straight into the flow. No libnetfilter_conntrack objects,
 * no allocation. Every attribute length is checked before it is read, so
 * a truncated or hostile message makes it return -1, never read past the
 * end of the message.
 *
 * What the kernel sends that ctop does not keep, and why (also in the
 * man page, IGNORED ATTRIBUTES):
 *   CTA_TUPLE_MASTER      the parent of a RELATED flow (helpers): not in
 *                         the record, to keep it small
 *   CTA_USE               the reference count: changes by the microsecond,
 *                         means nothing to a reader
 *   CTA_SECMARK, CTA_SECCTX   SELinux/secmark context: not modelled yet
 *   CTA_TIMESTAMP_STOP    kept only for events (source_parse_event):
 *                         a stopped flow is gone, no record keeps it
 *   CTA_SEQ_ADJ_ORIG/REPLY  TCP sequence adjustment of NAT helpers:
 *                         kernel bookkeeping
 *   CTA_SYNPROXY          synproxy's sequence offsets: kernel bookkeeping
 *   CTA_PROTOINFO_TCP_WSCALE_*, _FLAGS_*  TCP window tracking state
 *   CTA_PROTOINFO_SCTP_VTAG_*, CTA_PROTOINFO_DCCP_ROLE/_HANDSHAKE_SEQ
 *                         protocol internals; only the state is shown
 *   CTA_HELP_INFO         a helper's private data
 *   CTA_NAT_SRC/DST, CTA_MARK_MASK, CTA_LABELS_MASK, CTA_FILTER
 *                         request-only attributes, never in a dump
 *   unknown types         a newer kernel's: skipped, the rest is read
 */
#include <endian.h>
#include <string.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "source.h"

/* Inline versions of libmnl's attribute accessors: the library's are
 * out-of-line calls, and at several per attribute they showed up as a
 * third of the parser's time. Same checks as mnl_attr_ok(). */
static inline bool attr_ok(const struct nlattr *a, long len)
{
	return len >= (long)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       (long)a->nla_len <= len;
}

static inline const struct nlattr *attr_next(const struct nlattr *a)
{
	return (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len));
}

static inline int attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
}

static inline int attr_len(const struct nlattr *a)
{
	return (int)a->nla_len - MNL_ATTR_HDRLEN;
}

/* Walk the attributes in [start, end). The loop stops at the first
 * attribute that does not fit; attrs_clean() then tells a clean end
 * (nothing or only alignment padding left) from a malformed one. */
#define attrs_for_each(a, start, end)					\
	for ((a) = (const struct nlattr *)(start);			\
	     attr_ok((a), (const char *)(end) - (const char *)(a));	\
	     (a) = attr_next(a))

static bool attrs_clean(const struct nlattr *a, const void *end)
{
	return (const char *)end - (const char *)a <= 0;
}

static const void *nest_end(const struct nlattr *nest)
{
	return (const char *)nest + nest->nla_len;
}

static const void *nest_start(const struct nlattr *nest)
{
	return attr_data(nest);
}

/* Readers that refuse an attribute shorter than its type. */
static int get_u8(const struct nlattr *a, uint8_t *v)
{
	if (attr_len(a) < 1)
		return -1;
	*v = *(const uint8_t *)attr_data(a);
	return 0;
}

static int get_be16(const struct nlattr *a, uint16_t *v)
{
	uint16_t x;

	if (attr_len(a) < 2)
		return -1;
	memcpy(&x, attr_data(a), 2);
	*v = ntohs(x);
	return 0;
}

static int get_be32(const struct nlattr *a, uint32_t *v)
{
	uint32_t x;

	if (attr_len(a) < 4)
		return -1;
	memcpy(&x, attr_data(a), 4);
	*v = ntohl(x);
	return 0;
}

static int get_be64(const struct nlattr *a, uint64_t *v)
{
	uint64_t x;

	if (attr_len(a) < 8)
		return -1;
	memcpy(&x, attr_data(a), 8);
	*v = be64toh(x);
	return 0;
}

static int get_addr(const struct nlattr *a, union flow_addr *addr, int len)
{
	if (attr_len(a) < len)
		return -1;
	memcpy(addr->b, attr_data(a), (size_t)len);
	return 0;
}

static int parse_tuple_ip(const struct nlattr *nest, struct flow_tuple *t)
{
	const struct nlattr *a;
	int r = 0;

	attrs_for_each(a, nest_start(nest), nest_end(nest)) {
		switch (attr_type(a)) {
		case CTA_IP_V4_SRC:
			r = get_addr(a, &t->src, 4);
			break;
		case CTA_IP_V4_DST:
			r = get_addr(a, &t->dst, 4);
			break;
		case CTA_IP_V6_SRC:
			r = get_addr(a, &t->src, 16);
			break;
		case CTA_IP_V6_DST:
			r = get_addr(a, &t->dst, 16);
			break;
		}
		if (r)
			return -1;
	}
	return attrs_clean(a, nest_end(nest)) ? 0 : -1;
}

static int parse_tuple_proto(const struct nlattr *nest, struct flow_tuple *t,
			     uint8_t *protonum)
{
	const struct nlattr *a;
	int r = 0;

	attrs_for_each(a, nest_start(nest), nest_end(nest)) {
		switch (attr_type(a)) {
		case CTA_PROTO_NUM:
			r = get_u8(a, protonum);
			break;
		case CTA_PROTO_SRC_PORT:
			r = get_be16(a, &t->sport);
			break;
		case CTA_PROTO_DST_PORT:
			r = get_be16(a, &t->dport);
			break;
		case CTA_PROTO_ICMP_ID:
		case CTA_PROTO_ICMPV6_ID:
			r = get_be16(a, &t->sport);
			break;
		case CTA_PROTO_ICMP_TYPE:
		case CTA_PROTO_ICMPV6_TYPE:
			r = get_u8(a, &t->icmp_type);
			break;
		case CTA_PROTO_ICMP_CODE:
		case CTA_PROTO_ICMPV6_CODE:
			r = get_u8(a, &t->icmp_code);
			break;
		}
		if (r)
			return -1;
	}
	return attrs_clean(a, nest_end(nest)) ? 0 : -1;
}

/* CTA_TUPLE_ORIG / CTA_TUPLE_REPLY. A zone that applies to this direction
 * only comes as CTA_TUPLE_ZONE inside the nest; *zoned says one came. */
static int parse_tuple(const struct nlattr *nest, struct flow_tuple *t,
		       uint8_t *protonum, bool *zoned)
{
	const struct nlattr *a;
	int r = 0;

	attrs_for_each(a, nest_start(nest), nest_end(nest)) {
		switch (attr_type(a)) {
		case CTA_TUPLE_IP:
			r = parse_tuple_ip(a, t);
			break;
		case CTA_TUPLE_PROTO:
			r = parse_tuple_proto(a, t, protonum);
			break;
		case CTA_TUPLE_ZONE:
			r = get_be16(a, &t->zone);
			*zoned = true;
			break;
		}
		if (r)
			return -1;
	}
	return attrs_clean(a, nest_end(nest)) ? 0 : -1;
}

/* The state is the first attribute of each protocol's nest (TCP, DCCP and
 * SCTP all number it 1). */
static int parse_protoinfo(const struct nlattr *nest, struct flow *f)
{
	const struct nlattr *a, *b;

	attrs_for_each(a, nest_start(nest), nest_end(nest)) {
		int type = attr_type(a);

		if (type != CTA_PROTOINFO_TCP && type != CTA_PROTOINFO_DCCP &&
		    type != CTA_PROTOINFO_SCTP)
			continue;
		attrs_for_each(b, nest_start(a), nest_end(a)) {
			if (attr_type(b) != CTA_PROTOINFO_TCP_STATE)
				continue;
			if (get_u8(b, &f->state))
				return -1;
			f->has |= FLOW_HAS_STATE;
		}
		if (!attrs_clean(b, nest_end(a)))
			return -1;
	}
	return attrs_clean(a, nest_end(nest)) ? 0 : -1;
}

static int parse_counters(const struct nlattr *nest, uint64_t *packets,
			  uint64_t *bytes)
{
	const struct nlattr *a;
	uint32_t v32 = 0;
	int r = 0;

	attrs_for_each(a, nest_start(nest), nest_end(nest)) {
		switch (attr_type(a)) {
		case CTA_COUNTERS_PACKETS:
			r = get_be64(a, packets);
			break;
		case CTA_COUNTERS_BYTES:
			r = get_be64(a, bytes);
			break;
		case CTA_COUNTERS32_PACKETS:
			r = get_be32(a, &v32);
			*packets = v32;
			break;
		case CTA_COUNTERS32_BYTES:
			r = get_be32(a, &v32);
			*bytes = v32;
			break;
		}
		if (r)
			return -1;
	}
	return attrs_clean(a, nest_end(nest)) ? 0 : -1;
}

/* START goes in the record; STOP (DESTROY events only) is handed to the
 * event reader, not kept per flow: a flow that stopped is gone. */
static int parse_timestamp(const struct nlattr *nest, struct flow *f,
			   uint64_t *stop_ns)
{
	const struct nlattr *a;

	attrs_for_each(a, nest_start(nest), nest_end(nest)) {
		if (attr_type(a) == CTA_TIMESTAMP_STOP) {
			if (get_be64(a, stop_ns))
				return -1;
			continue;
		}
		if (attr_type(a) != CTA_TIMESTAMP_START)
			continue;
		if (get_be64(a, &f->start_ns))
			return -1;
		f->has |= FLOW_HAS_START;
	}
	return attrs_clean(a, nest_end(nest)) ? 0 : -1;
}

static int parse_help(const struct nlattr *nest, struct flow *f)
{
	const struct nlattr *a;
	char name[32];
	int len;

	attrs_for_each(a, nest_start(nest), nest_end(nest)) {
		if (attr_type(a) != CTA_HELP_NAME)
			continue;
		/* The kernel sends a NUL-terminated string; copy at most
		 * what fits and terminate it ourselves. */
		len = attr_len(a);
		if (len >= (int)sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, attr_data(a), (size_t)len);
		name[len] = '\0';
		if (name[0])
			f->helper = intern_helper(name);
	}
	return attrs_clean(a, nest_end(nest)) ? 0 : -1;
}

/* The kernel sends its label bitmap, an array of longs, in host order;
 * flows keep bit n as bit n % 8 of byte n / 8 (the little-endian layout)
 * on every host. */
static void parse_labels(const struct nlattr *a, struct flow *f)
{
	const uint16_t one = 1;
	uint8_t bits[16], t;
	int len = attr_len(a);
	int i, j, w = (int)sizeof(long);

	if (len > 16)
		len = 16;
	memcpy(bits, attr_data(a), (size_t)len);
	if (*(const uint8_t *)&one == 0 && len % w == 0) {
		for (i = 0; i < len; i += w) {
			for (j = 0; j < w / 2; j++) {
				t = bits[i + j];
				bits[i + j] = bits[i + w - 1 - j];
				bits[i + w - 1 - j] = t;
			}
		}
	}
	for (i = 0; i < len; i++) {
		if (bits[i]) {
			f->labels = intern_labels(bits, (size_t)len);
			f->has |= FLOW_HAS_LABELS;
			return;
		}
	}
}

/* What one message said beyond the flow's own fields. */
struct parse_seen {
	bool orig;		/* CTA_TUPLE_ORIG came: a flow, not a stub */
	bool orig_zone, reply_zone;	/* CTA_TUPLE_ZONE in that tuple */
	bool zone;		/* CTA_ZONE came, with this value: */
	uint16_t zone_both;
	uint64_t stop_ns;	/* CTA_TIMESTAMP_STOP, 0 if not sent */
};

static int parse_attr(const struct nlattr *a, struct flow *f,
		      struct parse_seen *seen)
{
	uint8_t dummy;

	switch (attr_type(a)) {
	case CTA_TUPLE_ORIG:
		seen->orig = true;
		return parse_tuple(a, &f->orig, &f->protonum, &seen->orig_zone);
	case CTA_TUPLE_REPLY:
		return parse_tuple(a, &f->reply, &dummy, &seen->reply_zone);
	case CTA_STATUS:
		return get_be32(a, &f->status);
	case CTA_PROTOINFO:
		return parse_protoinfo(a, f);
	case CTA_HELP:
		return parse_help(a, f);
	case CTA_TIMEOUT:
		f->has |= FLOW_HAS_TIMEOUT;
		return get_be32(a, &f->timeout);
	case CTA_MARK:
		f->has |= FLOW_HAS_MARK;
		return get_be32(a, &f->mark);
	case CTA_COUNTERS_ORIG:
		f->has |= FLOW_HAS_COUNTERS;
		return parse_counters(a, &f->orig_packets, &f->orig_bytes);
	case CTA_COUNTERS_REPLY:
		f->has |= FLOW_HAS_COUNTERS;
		return parse_counters(a, &f->reply_packets, &f->reply_bytes);
	case CTA_ID:
		return get_be32(a, &f->id);
	case CTA_ZONE:
		seen->zone = true;
		return get_be16(a, &seen->zone_both);
	case CTA_TIMESTAMP:
		return parse_timestamp(a, f, &seen->stop_ns);
	case CTA_LABELS:
		parse_labels(a, f);
		return 0;
	}
	return 0;
}

/* The kernel keeps one zone id with the directions it applies to, and
 * sends it either as CTA_ZONE (both) or as CTA_TUPLE_ZONE in one tuple.
 * Should a message carry both, a tuple's own zone wins for its
 * direction, as it does when the kernel parses a request. */
static void apply_zones(struct flow *f, const struct parse_seen *seen)
{
	if (seen->zone) {
		if (!seen->orig_zone)
			f->orig.zone = seen->zone_both;
		if (!seen->reply_zone)
			f->reply.zone = seen->zone_both;
	}
	if (seen->zone || seen->orig_zone || seen->reply_zone)
		f->has |= FLOW_HAS_ZONE;
}

int source_parse_flow(const void *msg, struct flow *f)
{
	return source_parse_event(msg, f, NULL);
}

int source_parse_event(const void *msg, struct flow *f, uint64_t *stop_ns)
{
	const struct nlmsghdr *nlh = msg;
	const struct nfgenmsg *nfg;
	const struct nlattr *a;
	const char *end;
	struct parse_seen seen = { 0 };
	uint8_t type;

	if (!nlh || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*nfg))
		return -1;
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
		return -1;
	/* Dumps answer with NEW; DELETE is what events of dead flows use. */
	type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	if (type != IPCTNL_MSG_CT_NEW && type != IPCTNL_MSG_CT_DELETE)
		return -1;

	memset(f, 0, sizeof(*f));
	nfg = mnl_nlmsg_get_payload(nlh);
	f->family = nfg->nfgen_family;
	if (f->family != FLOW_IPV4 && f->family != FLOW_IPV6)
		return -1;

	end = (const char *)nlh + nlh->nlmsg_len;
	attrs_for_each(a, (const char *)nfg + MNL_ALIGN(sizeof(*nfg)), end) {
		if (parse_attr(a, f, &seen))
			return -1;
	}
	if (!attrs_clean(a, end) || !seen.orig)
		return -1;
	apply_zones(f, &seen);
	if (stop_ns)
		*stop_ns = seen.stop_ns;
	return 0;
}
