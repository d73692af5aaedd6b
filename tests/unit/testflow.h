/* Flows for the unit tests (include after cmocka.h). */
#ifndef CTOP_TESTFLOW_H
#define CTOP_TESTFLOW_H

#include <arpa/inet.h>
#include <string.h>

#include "flow.h"

/* An address from its text, failing the test when it does not parse. */
static inline void test_addr_set(union flow_addr *a, uint8_t family,
				 const char *text)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(inet_pton(family == FLOW_IPV6 ? AF_INET6 : AF_INET,
				   text, a->b), 1);
}

/* A flow without NAT, addresses as text: the reply tuple mirrors the
 * original; nothing else set. */
static inline struct flow test_flow(uint8_t family, uint8_t proto,
				    const char *src, uint16_t sport,
				    const char *dst, uint16_t dport)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.family = family;
	f.protonum = proto;
	test_addr_set(&f.orig.src, family, src);
	test_addr_set(&f.orig.dst, family, dst);
	f.orig.sport = sport;
	f.orig.dport = dport;
	f.reply.src = f.orig.dst;
	f.reply.dst = f.orig.src;
	f.reply.sport = dport;
	f.reply.dport = sport;
	return f;
}

/* A plain IPv4 flow from addresses in network order as stored (e.g.
 * 0x0100000a is 10.0.0.1 on little-endian machines): reply tuple
 * mirrored, timeout 120 s. */
static inline struct flow test_flow4(uint32_t src, uint32_t dst,
				     uint16_t sport, uint16_t dport,
				     uint8_t proto, uint16_t zone, uint32_t id)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.family = FLOW_IPV4;
	f.protonum = proto;
	f.orig.zone = f.reply.zone = zone;
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
