/* Pure formatting into caller buffers, shared by the screen and batch
 * output. Every function writes a NUL-terminated string, never more than
 * len bytes (truncating), and returns the length written (without NUL). */
#ifndef CTOP_FORMAT_H
#define CTOP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/* "10.0.0.1", "2001:db8::1" (RFC 5952 form). */
size_t format_addr(char *buf, size_t len, uint8_t family,
		   const union flow_addr *a);
/* "10.0.0.1:443", "[2001:db8::1]:443"; without port for protocols that have
 * none (ICMP shows no port; GRE shows no key). */
size_t format_endpoint(char *buf, size_t len, const struct flow *f,
		       const struct flow_tuple *t, int which /* 0 src, 1 dst */);
/* TTL/duration: "59", "5:07", "1:02:03", "5d02h" (seconds in). */
size_t format_duration(char *buf, size_t len, uint64_t seconds);
/* Byte counts: "999", "1.5K", "12.0M", "3.2G" (powers of 1024). */
size_t format_bytes(char *buf, size_t len, uint64_t bytes);
/* Plain counts with SI suffix: "999", "1.5k", "12.0M". */
size_t format_count(char *buf, size_t len, uint64_t n);
/* Short flags as on screen: "A" ASSURED, "U" UNREPLIED, "N" NAT (both),
 * "S" SNAT, "D" DNAT, "O" OFFLOAD, "H" HW_OFFLOAD, "X" DYING, "E" EXPECTED.
 * "-" when none. */
size_t format_flags_short(char *buf, size_t len, const struct flow *f);
/* Long flags: "ASSURED,SEEN_REPLY,CONFIRMED" (flow_flag_names order). */
size_t format_flags_long(char *buf, size_t len, const struct flow *f);
/* Protocol: name, or the number for unknown protocols. */
size_t format_proto(char *buf, size_t len, uint8_t protonum);
/* Unsigned decimal, fast (no printf). */
size_t format_u64(char *buf, size_t len, uint64_t v);
/* Zones: "3" when both directions share zone 3 (or "0": none), else
 * "orig/reply", e.g. "2/0" for a zone on the original direction only. */
size_t format_zone(char *buf, size_t len, uint16_t orig, uint16_t reply);
/* Escape for JSON string content (no quotes added). */
size_t format_json_escape(char *buf, size_t len, const char *s);
/* Labels bitmap as "0,5,17" (bit numbers), "" when none. */
size_t format_labels(char *buf, size_t len, const struct flow *f);
/* The same with each bit's connlabel.conf name where it has one
 * ("vip,5,eth0-in"), as conntrack -o labels prints them. */
size_t format_label_names(char *buf, size_t len, const struct flow *f);

#endif
