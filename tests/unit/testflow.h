/* A plain IPv4 flow for the unit tests: reply tuple mirrored, timeout
 * 120 s. Addresses are in network order as stored (e.g. 0x0100000a is
 * 10.0.0.1 on little-endian machines). */
#ifndef CTOP_TESTFLOW_H
#define CTOP_TESTFLOW_H

#include <string.h>

#include "flow.h"

static inline struct flow test_flow4(uint32_t src, uint32_t dst,
				     uint16_t sport, uint16_t dport,
				     uint8_t proto, uint16_t zone, uint32_t id)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.family = FLOW_IPV4;
	f.protonum = proto;
	f.zone = zone;
	f.id = id;
	memcpy(f.orig.src.b, &src, 4);
	memcpy(f.orig.dst.b, &dst, 4);
	f.orig.sport = sport;
	f.orig.dport = dport;
	f.reply.src = f.orig.dst;
	f.reply.dst = f.orig.src;
	f.reply.sport = dport;
	f.reply.dport = sport;
	f.timeout = 120;
	return f;
}

#endif
