/* The flow record: one conntrack entry as plain data.
 *
 * This header is the model's vocabulary. It includes no netlink or curses
 * header, so everything built on it (filter, sort, group, format, batch,
 * table) can be tested without a kernel or a terminal. The numeric values of
 * status bits and protocol states are the kernel's (linux/netfilter/
 * nf_conntrack_common.h, nf_conntrack_tcp.h, ...), so the netlink parser
 * copies them unchanged.
 */
#ifndef CTOP_FLOW_H
#define CTOP_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Address families, the values of AF_INET / AF_INET6. */
enum { FLOW_IPV4 = 2, FLOW_IPV6 = 10 };

/* IP protocol numbers the model knows by name. */
enum {
	FLOW_P_ICMP = 1,
	FLOW_P_TCP = 6,
	FLOW_P_UDP = 17,
	FLOW_P_DCCP = 33,
	FLOW_P_GRE = 47,
	FLOW_P_ICMPV6 = 58,
	FLOW_P_SCTP = 132,
	FLOW_P_UDPLITE = 136,
};

/* Status bits: same values as enum ip_conntrack_status. */
enum {
	FLOW_S_EXPECTED = 1u << 0,
	FLOW_S_SEEN_REPLY = 1u << 1,
	FLOW_S_ASSURED = 1u << 2,
	FLOW_S_CONFIRMED = 1u << 3,
	FLOW_S_SRC_NAT = 1u << 4,
	FLOW_S_DST_NAT = 1u << 5,
	FLOW_S_SEQ_ADJUST = 1u << 6,
	FLOW_S_SRC_NAT_DONE = 1u << 7,
	FLOW_S_DST_NAT_DONE = 1u << 8,
	FLOW_S_DYING = 1u << 9,
	FLOW_S_FIXED_TIMEOUT = 1u << 10,
	FLOW_S_TEMPLATE = 1u << 11,
	FLOW_S_UNTRACKED = 1u << 12,
	FLOW_S_HELPER = 1u << 13,
	FLOW_S_OFFLOAD = 1u << 14,
	FLOW_S_HW_OFFLOAD = 1u << 15,
};

/* Which optional parts of a flow the kernel sent (struct flow.has). */
enum {
	FLOW_HAS_STATE = 1u << 0,	/* tcp, sctp, dccp protoinfo */
	FLOW_HAS_COUNTERS = 1u << 1,	/* nf_conntrack_acct on */
	FLOW_HAS_START = 1u << 2,	/* nf_conntrack_timestamp on */
	FLOW_HAS_MARK = 1u << 3,
	FLOW_HAS_ZONE = 1u << 4,	/* CTA_ZONE or a CTA_TUPLE_ZONE came */
	FLOW_HAS_LABELS = 1u << 5,
	FLOW_HAS_TIMEOUT = 1u << 6,
};

enum flow_nat { FLOW_NAT_NONE = 0, FLOW_NAT_SNAT, FLOW_NAT_DNAT, FLOW_NAT_BOTH };

/* An address in network byte order; IPv4 uses b[0..3], the rest is zero. */
union flow_addr {
	uint8_t b[16];
	uint32_t w[4];
};

/* One direction of a connection. Ports are in host byte order. ICMP and
 * ICMPv6 put the echo id in sport and leave dport 0; GRE puts its keys in
 * sport/dport (the kernel does the same); protocols without ports leave
 * both 0. icmp_type and icmp_code are 0 but for ICMP and ICMPv6. The
 * kernel's tuple keeps type and code where the destination port is (its
 * dst.u union), so a tuple has one or the other: flow_tuple_dslot. */
struct flow_tuple {
	union flow_addr src, dst;
	uint16_t sport, dport;
	uint8_t icmp_type, icmp_code;
	/* The conntrack zone this direction's lookups use: the kernel's
	 * zone applies to the original direction, the reply direction or
	 * both (CTA_TUPLE_ZONE in the tuple's nest, or CTA_ZONE for both);
	 * 0 where it does not apply. Fills what was padding. */
	uint16_t zone;
};

/* Kept compact on purpose: memory per flow is a product figure. Strings
 * (helper name, labels) are interned and referenced by a small index. */
struct flow {
	struct flow_tuple orig, reply;
	uint64_t orig_packets, orig_bytes;
	uint64_t reply_packets, reply_bytes;
	uint64_t start_ns;	/* CLOCK_REALTIME ns since the epoch */
	uint32_t status;	/* FLOW_S_* */
	uint32_t timeout;	/* seconds left when read */
	uint32_t mark;
	uint32_t id;		/* conntrack id: a 32-bit hash, not unique */
	uint8_t family;		/* FLOW_IPV4 or FLOW_IPV6 */
	uint8_t protonum;
	uint8_t state;		/* kernel's per-protocol state, if FLOW_HAS_STATE */
	uint8_t helper;		/* intern_helper() index, 0 = none */
	uint8_t labels;		/* intern_labels() index, 0 = none */
	uint8_t has;		/* FLOW_HAS_* */
};

/* Protocol name for a number ("tcp", "udp", ..., "unknown" for others;
 * callers print the number for those). */
const char *flow_proto_name(uint8_t protonum);
/* Inverse of flow_proto_name, also accepting "ipv6-icmp"; -1 if unknown. */
int flow_proto_by_name(const char *name);
/* True for protocols whose tuples carry ports (tcp, udp, udplite, sctp,
 * dccp). GRE keys and ICMP ids are not ports. */
bool flow_proto_has_ports(uint8_t protonum);
static inline bool flow_is_icmp(uint8_t protonum)
{
	return protonum == FLOW_P_ICMP || protonum == FLOW_P_ICMPV6;
}

/* The destination's 16 bits of T, a tuple of protocol PROTONUM: ICMP's
 * type (low byte) and code, or the destination port. What the key and
 * the table's records hold; a field the protocol does not have (an ICMP
 * dport, another protocol's type) is not part of the flow. */
static inline uint16_t flow_tuple_dslot(const struct flow_tuple *t,
					uint8_t protonum)
{
	if (flow_is_icmp(protonum))
		return (uint16_t)(t->icmp_type | t->icmp_code << 8);
	return t->dport;
}

/* Upper-case state name as conntrack -L prints it ("ESTABLISHED",
 * "TIME_WAIT", "COOKIE_WAIT", ...), or NULL when the flow has no state
 * (udp, icmp, gre, ...). */
const char *flow_state_name(const struct flow *f);
/* The state number of NAME (LEN bytes, any case) for PROTONUM, as the
 * kernel numbers it; -1 when the protocol has no such state. */
int flow_state_by_name(uint8_t protonum, const char *name, size_t len);
/* Whether NAME (any case) is a state name of some protocol. */
bool flow_state_name_known(const char *name);

/* NAT as seen in the tuples: SNAT when the reply's destination is not the
 * original source, DNAT when the reply's source is not the original
 * destination (addresses and ports, or the ICMP id). */
enum flow_nat flow_nat(const struct flow *f);
const char *flow_nat_name(enum flow_nat nat);	/* NULL, "snat", "dnat", "both" */

/* UNREPLIED is not a kernel bit: it is the absence of SEEN_REPLY. */
static inline bool flow_unreplied(const struct flow *f)
{
	return !(f->status & FLOW_S_SEEN_REPLY);
}

/* Flag names for output, in a fixed order: ASSURED, SEEN_REPLY or UNREPLIED,
 * then each other set bit (CONFIRMED, DYING, OFFLOAD, HW_OFFLOAD, SRC_NAT,
 * DST_NAT, EXPECTED, HELPER, FIXED_TIMEOUT, ...). Calls fn once per name. */
void flow_flag_names(const struct flow *f,
		     void (*fn)(const char *name, void *data), void *data);

/* Both directions in one zone (CTA_ZONE, or no zone at all), or each in
 * its own (CTA_TUPLE_ZONE: shown as "orig/reply"). */
static inline bool flow_zone_split(const struct flow *f)
{
	return f->orig.zone != f->reply.zone;
}

/* The key of a flow is its original tuple, protocol, family and the zones
 * of both directions; the conntrack id is kept for safe deletes, not as
 * the key. */
uint64_t flow_key_hash(const struct flow *f);
bool flow_key_equal(const struct flow *a, const struct flow *b);

size_t flow_addr_len(uint8_t family);	/* 4 or 16 */

/* A string from outside (the kernel's, a file's: helper names, expectfn
 * names, policy names) made safe for every output at once: printable
 * ASCII (0x20-0x7e) is kept, a backslash becomes "\\", every other byte
 * (control bytes, ESC, DEL, bytes >= 0x80 whether UTF-8 or not) becomes
 * "\xHH". So JSON stays valid, and text, CSV and the screen never get a
 * raw control byte. Reads N bytes of SRC at most (stopping at a NUL),
 * writes at most LEN bytes with the NUL, never splitting an escape;
 * returns the length written. */
size_t flow_escape(char *dst, size_t len, const char *src, size_t n);

/* Interned strings: a process-wide table of at most 254 entries each.
 * Index 0 means none. When a table is full, a new value gets
 * INTERN_TOO_MANY, which every output shows as such: never another
 * flow's value. */
#define INTERN_TOO_MANY 255
uint8_t intern_helper(const char *name);	/* stored flow_escape()d */
/* NULL for 0; "(too many helpers)" for INTERN_TOO_MANY. */
const char *intern_helper_name(uint8_t idx);
/* Labels are a bitmap of up to 128 bits, stored as given by the kernel. */
uint8_t intern_labels(const uint8_t *bits, size_t len);
/* Returns the bitmap and its length, or NULL for 0 and INTERN_TOO_MANY
 * (format_labels writes "too-many" for that one). */
const uint8_t *intern_labels_bits(uint8_t idx, size_t *len);

#endif
