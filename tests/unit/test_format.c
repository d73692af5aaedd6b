/* Unit tests for src/format.c: every formatter at its edges, and
 * truncation into small buffers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "labelmap.h"

typedef size_t (*u64_fn)(char *, size_t, uint64_t);

/* Format v into a roomy buffer and check text and returned length. */
static void check_u64_fn(u64_fn fn, uint64_t v, const char *want)
{
	char buf[64];
	size_t n;

	memset(buf, 'Z', sizeof(buf));
	n = fn(buf, sizeof(buf), v);
	if (strcmp(buf, want))
		fail_msg("value %llu: got \"%s\", want \"%s\"",
			 (unsigned long long)v, buf, want);
	assert_int_equal(n, strlen(want));
}

static void set_addr(union flow_addr *a, uint8_t family, const char *text)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(inet_pton(family == FLOW_IPV6 ? AF_INET6 : AF_INET,
				   text, a->b), 1);
}

static void check_addr(uint8_t family, const char *in, const char *want)
{
	union flow_addr a;
	char buf[64];
	size_t n;

	set_addr(&a, family, in);
	n = format_addr(buf, sizeof(buf), family, &a);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void make_flow(struct flow *f, uint8_t family, uint8_t proto,
		      const char *src, uint16_t sport,
		      const char *dst, uint16_t dport)
{
	memset(f, 0, sizeof(*f));
	f->family = family;
	f->protonum = proto;
	set_addr(&f->orig.src, family, src);
	set_addr(&f->orig.dst, family, dst);
	f->orig.sport = sport;
	f->orig.dport = dport;
	/* An un-NATed reply mirrors the original. */
	f->reply.src = f->orig.dst;
	f->reply.dst = f->orig.src;
	f->reply.sport = dport;
	f->reply.dport = sport;
	if (proto == FLOW_P_ICMP || proto == FLOW_P_ICMPV6)
		f->reply.sport = sport, f->reply.dport = 0;
}

static void test_u64(void **state)
{
	(void)state;
	check_u64_fn(format_u64, 0, "0");
	check_u64_fn(format_u64, 9, "9");
	check_u64_fn(format_u64, 10, "10");
	check_u64_fn(format_u64, 4294967296ULL, "4294967296");
	check_u64_fn(format_u64, UINT64_MAX, "18446744073709551615");
}

static void test_u64_matches_printf(void **state)
{
	char want[32], got[32];
	uint64_t v = 1;

	(void)state;
	/* Every power of ten and its neighbours. */
	for (int i = 0; i < 20; i++, v *= 10) {
		for (int d = -1; d <= 1; d++) {
			uint64_t x = v + (uint64_t)(int64_t)d;

			snprintf(want, sizeof(want), "%llu", (unsigned long long)x);
			assert_int_equal(format_u64(got, sizeof(got), x), strlen(want));
			assert_string_equal(got, want);
		}
	}
}

static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	/* len 0 writes nothing at all. */
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(format_u64(buf, 0, 12345), 0);
	assert_int_equal(buf[0], 'Z');
	assert_int_equal(format_duration(buf, 0, 3600), 0);
	assert_int_equal(format_bytes(buf, 0, 5000), 0);
	assert_int_equal(format_json_escape(buf, 0, "abc"), 0);
	assert_int_equal(buf[0], 'Z');

	/* len 1 holds only the NUL. */
	assert_int_equal(format_u64(buf, 1, 12345), 0);
	assert_string_equal(buf, "");

	assert_int_equal(format_u64(buf, 4, 12345), 3);
	assert_string_equal(buf, "123");
	assert_int_equal(buf[3], '\0');
	assert_int_equal(buf[4], 'Z');

	/* Exactly fitting, and one short. */
	assert_int_equal(format_u64(buf, 6, 12345), 5);
	assert_string_equal(buf, "12345");
	assert_int_equal(format_u64(buf, 5, 12345), 4);
	assert_string_equal(buf, "1234");

	assert_int_equal(format_duration(buf, 4, 3723), 3);
	assert_string_equal(buf, "1:0");
	assert_int_equal(format_bytes(buf, 3, 1536), 2);
	assert_string_equal(buf, "1.");
	assert_int_equal(format_proto(buf, 3, FLOW_P_UDPLITE), 2);
	assert_string_equal(buf, "ud");
}

static void test_addr_v4(void **state)
{
	(void)state;
	check_addr(FLOW_IPV4, "0.0.0.0", "0.0.0.0");
	check_addr(FLOW_IPV4, "10.0.0.1", "10.0.0.1");
	check_addr(FLOW_IPV4, "192.168.100.9", "192.168.100.9");
	check_addr(FLOW_IPV4, "255.255.255.255", "255.255.255.255");
	check_addr(FLOW_IPV4, "1.10.100.200", "1.10.100.200");
}

static void test_addr_v4_truncated(void **state)
{
	union flow_addr a;
	char buf[8];

	(void)state;
	set_addr(&a, FLOW_IPV4, "192.168.100.200");
	assert_int_equal(format_addr(buf, sizeof(buf), FLOW_IPV4, &a), 7);
	assert_string_equal(buf, "192.168");
}

static void test_addr_v6(void **state)
{
	(void)state;
	check_addr(FLOW_IPV6, "::", "::");
	check_addr(FLOW_IPV6, "::1", "::1");
	check_addr(FLOW_IPV6, "1::", "1::");
	check_addr(FLOW_IPV6, "2001:0DB8:0000:0000:0000:0000:0000:0001",
		   "2001:db8::1");
	/* A single zero group is not compressed (RFC 5952 4.2.2). */
	check_addr(FLOW_IPV6, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	/* The longest run wins (4.2.3)... */
	check_addr(FLOW_IPV6, "2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
	/* ...and the first of two equal runs. */
	check_addr(FLOW_IPV6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	check_addr(FLOW_IPV6, "fe80::abcd:ef01:2345:6789",
		   "fe80::abcd:ef01:2345:6789");
	check_addr(FLOW_IPV6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	/* IPv4-mapped in mixed notation (5). */
	check_addr(FLOW_IPV6, "::ffff:10.1.2.3", "::ffff:10.1.2.3");
	check_addr(FLOW_IPV6, "::ffff:0:0", "::ffff:0.0.0.0");
	/* Not mapped: ffff in another place. */
	check_addr(FLOW_IPV6, "::ffff:0:0:1", "::ffff:0:0:1");
}

/* RFC 5952 as the RFC words it, written differently from format.c so the
 * two check each other: of the spellings that replace one run of two or
 * more zero groups by "::", the one replacing the longest run (4.2.3),
 * the first of equals; IPv4-mapped addresses in mixed notation (5).
 * The C library is no reference: glibc writes "::1.2.3.4" when the first
 * 96 bits are zero, musl compresses another run than the RFC. */
static void rfc5952_reference(const union flow_addr *a, char *out, size_t size)
{
	unsigned int grp[8];
	char best[64], cand[64];
	int i, start, len, n, best_len = 0;

	for (i = 0; i < 8; i++)
		grp[i] = (unsigned int)a->b[2 * i] << 8 | a->b[2 * i + 1];
	if (!grp[0] && !grp[1] && !grp[2] && !grp[3] && !grp[4] &&
	    grp[5] == 0xffff) {
		snprintf(out, size, "::ffff:%u.%u.%u.%u", a->b[12], a->b[13],
			 a->b[14], a->b[15]);
		return;
	}
	n = 0;
	for (i = 0; i < 8; i++)
		n += snprintf(best + n, sizeof(best) - (size_t)n, "%s%x",
			      i ? ":" : "", grp[i]);
	for (start = 0; start < 8; start++) {
		for (len = 2; !grp[start] && start + len <= 8; len++) {
			if (grp[start + len - 1])
				break;
			n = 0;
			for (i = 0; i < start; i++)
				n += snprintf(cand + n, sizeof(cand) - (size_t)n,
					      "%x:", grp[i]);
			if (!start)
				n += snprintf(cand + n, sizeof(cand) - (size_t)n, ":");
			for (i = start + len; i < 8; i++)
				n += snprintf(cand + n, sizeof(cand) - (size_t)n,
					      ":%x", grp[i]);
			if (start + len == 8)
				n += snprintf(cand + n, sizeof(cand) - (size_t)n, ":");
			if (len > best_len) {
				best_len = len;
				memcpy(best, cand, strlen(cand) + 1);
			}
		}
	}
	snprintf(out, size, "%s", best);
}

/* The reference itself, on the RFC's own examples. */
static void test_addr_v6_reference(void **state)
{
	static const char *const cases[][2] = {
		{ "2001:db8:0:0:0:0:2:1", "2001:db8::2:1" },
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		{ "0:0:0:0:0:0:0:0", "::" },
		{ "0:0:0:0:0:0:0:1", "::1" },
		{ "1:0:0:0:0:0:0:0", "1::" },
		{ "0:0:1:0:0:0:1:0", "0:0:1::1:0" },
		{ "0:0:1:0:1:0:0:1", "::1:0:1:0:0:1" },
		{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
	};
	union flow_addr a;
	char got[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_addr(&a, FLOW_IPV6, cases[i][0]);
		rfc5952_reference(&a, got, sizeof(got));
		assert_string_equal(got, cases[i][1]);
	}
}

/* Differential check against the reference on addresses dense in zero
 * groups, where the compression rules matter. */
static void test_addr_v6_vs_reference(void **state)
{
	union flow_addr a;
	char want[64], got[64];
	unsigned seed = 12345;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		memset(&a, 0, sizeof(a));
		for (int g = 0; g < 8; g++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 3 == 0)
				continue;	/* leave the group zero */
			a.b[2 * g] = (uint8_t)(seed >> 8);
			a.b[2 * g + 1] = (uint8_t)(seed >> 20);
			if ((seed >> 28) % 2)
				a.b[2 * g] = 0;	/* short groups */
		}
		rfc5952_reference(&a, want, sizeof(want));
		format_addr(got, sizeof(got), FLOW_IPV6, &a);
		if (strcmp(got, want))
			fail_msg("got %s, RFC 5952 says %s", got, want);
	}
}

static void test_endpoint(void **state)
{
	struct flow f;
	char buf[64];

	(void)state;
	make_flow(&f, FLOW_IPV4, FLOW_P_TCP, "10.0.0.1", 51000, "10.0.0.2", 443);
	assert_int_equal(format_endpoint(buf, sizeof(buf), &f, &f.orig, 0), 14);
	assert_string_equal(buf, "10.0.0.1:51000");
	format_endpoint(buf, sizeof(buf), &f, &f.orig, 1);
	assert_string_equal(buf, "10.0.0.2:443");
	format_endpoint(buf, sizeof(buf), &f, &f.reply, 0);
	assert_string_equal(buf, "10.0.0.2:443");

	make_flow(&f, FLOW_IPV6, FLOW_P_UDP, "2001:db8::1", 53, "2001:db8::2", 0);
	format_endpoint(buf, sizeof(buf), &f, &f.orig, 0);
	assert_string_equal(buf, "[2001:db8::1]:53");
	format_endpoint(buf, sizeof(buf), &f, &f.orig, 1);
	assert_string_equal(buf, "[2001:db8::2]:0");

	/* ICMP ids and GRE keys are not ports. */
	make_flow(&f, FLOW_IPV4, FLOW_P_ICMP, "10.0.0.1", 1234, "10.0.0.2", 0);
	format_endpoint(buf, sizeof(buf), &f, &f.orig, 0);
	assert_string_equal(buf, "10.0.0.1");
	make_flow(&f, FLOW_IPV6, FLOW_P_ICMPV6, "fe80::1", 7, "ff02::1", 0);
	format_endpoint(buf, sizeof(buf), &f, &f.orig, 1);
	assert_string_equal(buf, "ff02::1");
	make_flow(&f, FLOW_IPV4, FLOW_P_GRE, "10.0.0.1", 77, "10.0.0.2", 88);
	format_endpoint(buf, sizeof(buf), &f, &f.orig, 1);
	assert_string_equal(buf, "10.0.0.2");

	/* The widest IPv4 endpoint is 21 cells, the column's width. */
	make_flow(&f, FLOW_IPV4, FLOW_P_SCTP, "255.255.255.255", 65535,
		  "1.2.3.4", 1);
	assert_int_equal(format_endpoint(buf, sizeof(buf), &f, &f.orig, 0), 21);
	assert_string_equal(buf, "255.255.255.255:65535");
	assert_int_equal(format_endpoint(buf, 10, &f, &f.orig, 0), 9);
	assert_string_equal(buf, "255.255.2");
}

static void test_duration(void **state)
{
	(void)state;
	check_u64_fn(format_duration, 0, "0");
	check_u64_fn(format_duration, 1, "1");
	check_u64_fn(format_duration, 59, "59");
	check_u64_fn(format_duration, 60, "1:00");
	check_u64_fn(format_duration, 61, "1:01");
	check_u64_fn(format_duration, 307, "5:07");
	check_u64_fn(format_duration, 600, "10:00");
	check_u64_fn(format_duration, 3599, "59:59");
	check_u64_fn(format_duration, 3600, "1:00:00");
	check_u64_fn(format_duration, 3723, "1:02:03");
	check_u64_fn(format_duration, 86399, "23:59:59");
	check_u64_fn(format_duration, 86400, "1d00h");
	/* Truncated, not rounded: a day and 59 minutes is still 1d00h. */
	check_u64_fn(format_duration, 86400 + 3599, "1d00h");
	check_u64_fn(format_duration, 5 * 86400 + 2 * 3600 + 1234, "5d02h");
	check_u64_fn(format_duration, 432000 * 100ULL, "500d00h");
	/* The default tcp established timeout. */
	check_u64_fn(format_duration, 432000, "5d00h");
	check_u64_fn(format_duration, UINT64_MAX, "213503982334601d07h");
}

static void test_bytes(void **state)
{
	(void)state;
	check_u64_fn(format_bytes, 0, "0");
	check_u64_fn(format_bytes, 999, "999");
	check_u64_fn(format_bytes, 1023, "1023");
	check_u64_fn(format_bytes, 1024, "1.0K");
	check_u64_fn(format_bytes, 1536, "1.5K");
	/* 1.04999K rounds down, 1.05K up. */
	check_u64_fn(format_bytes, 1075, "1.0K");
	check_u64_fn(format_bytes, 1076, "1.1K");
	check_u64_fn(format_bytes, 99 * 1024 + 972, "99.9K");
	/* 99.95K and more: whole units. */
	check_u64_fn(format_bytes, 99 * 1024 + 973, "100K");
	check_u64_fn(format_bytes, 512 * 1024, "512K");
	check_u64_fn(format_bytes, 1023 * 1024 + 511, "1023K");
	/* Rounds to a full 1024K: the next unit instead. */
	check_u64_fn(format_bytes, 1023 * 1024 + 512, "1.0M");
	check_u64_fn(format_bytes, 1024 * 1024 - 1, "1.0M");
	check_u64_fn(format_bytes, 1024 * 1024, "1.0M");
	check_u64_fn(format_bytes, 12 * 1024 * 1024, "12.0M");
	check_u64_fn(format_bytes, 3435973837ULL, "3.2G");
	check_u64_fn(format_bytes, 1ULL << 40, "1.0T");
	check_u64_fn(format_bytes, 1ULL << 50, "1.0P");
	check_u64_fn(format_bytes, 1ULL << 60, "1.0E");
	check_u64_fn(format_bytes, UINT64_MAX, "16.0E");
}

static void test_count(void **state)
{
	(void)state;
	check_u64_fn(format_count, 0, "0");
	check_u64_fn(format_count, 999, "999");
	check_u64_fn(format_count, 1000, "1.0k");
	check_u64_fn(format_count, 1500, "1.5k");
	check_u64_fn(format_count, 1949, "1.9k");
	check_u64_fn(format_count, 1950, "2.0k");
	check_u64_fn(format_count, 99949, "99.9k");
	check_u64_fn(format_count, 99950, "100k");
	check_u64_fn(format_count, 999499, "999k");
	check_u64_fn(format_count, 999500, "1.0M");
	check_u64_fn(format_count, 12000000, "12.0M");
	check_u64_fn(format_count, 1000000000, "1.0G");
	check_u64_fn(format_count, UINT64_MAX, "18.4E");
}

/* Scaled numbers stay narrow for any value: at most 5 cells. */
static void test_scaled_width(void **state)
{
	char buf[32];
	uint64_t v = 1;

	(void)state;
	/* Around every power of two and of ten, and 1.5 times them. */
	for (int i = 0; i < 64; i++, v <<= 1) {
		uint64_t p10 = 1;

		for (int j = 0; j < 20; j++, p10 *= 10) {
			uint64_t xs[] = { v - 1, v, v + 1, v / 2 * 3, p10 - 1,
					  p10, p10 / 2 * 3, UINT64_MAX - p10 };

			for (size_t k = 0; k < sizeof(xs) / sizeof(xs[0]); k++) {
				assert_in_range(format_bytes(buf, sizeof(buf), xs[k]), 1, 5);
				assert_in_range(format_count(buf, sizeof(buf), xs[k]), 1, 5);
			}
		}
	}
}

static void test_flags_short(void **state)
{
	struct flow f;
	char buf[32];

	(void)state;
	make_flow(&f, FLOW_IPV4, FLOW_P_TCP, "10.0.0.1", 1000, "10.0.0.2", 80);
	f.status = FLOW_S_SEEN_REPLY | FLOW_S_CONFIRMED;
	assert_int_equal(format_flags_short(buf, sizeof(buf), &f), 1);
	assert_string_equal(buf, "-");

	f.status = FLOW_S_CONFIRMED;
	format_flags_short(buf, sizeof(buf), &f);
	assert_string_equal(buf, "U");

	f.status = FLOW_S_SEEN_REPLY | FLOW_S_ASSURED | FLOW_S_CONFIRMED;
	format_flags_short(buf, sizeof(buf), &f);
	assert_string_equal(buf, "A");

	/* SNAT: the reply goes to another address than the original source. */
	set_addr(&f.reply.dst, FLOW_IPV4, "192.0.2.1");
	format_flags_short(buf, sizeof(buf), &f);
	assert_string_equal(buf, "AS");

	/* Both. */
	f.reply.sport = 8080;
	format_flags_short(buf, sizeof(buf), &f);
	assert_string_equal(buf, "AN");

	/* DNAT only. */
	f.reply.dst = f.orig.src;
	format_flags_short(buf, sizeof(buf), &f);
	assert_string_equal(buf, "AD");

	f.reply.sport = 80;
	f.status = FLOW_S_SEEN_REPLY | FLOW_S_ASSURED | FLOW_S_OFFLOAD |
		   FLOW_S_HW_OFFLOAD | FLOW_S_DYING | FLOW_S_EXPECTED;
	format_flags_short(buf, sizeof(buf), &f);
	assert_string_equal(buf, "AOHXE");

	f.status = FLOW_S_DYING | FLOW_S_EXPECTED;
	format_flags_short(buf, sizeof(buf), &f);
	assert_string_equal(buf, "UXE");
	assert_int_equal(format_flags_short(buf, 3, &f), 2);
	assert_string_equal(buf, "UX");
}

static void test_flags_long(void **state)
{
	struct flow f;
	char buf[128];

	(void)state;
	make_flow(&f, FLOW_IPV4, FLOW_P_TCP, "10.0.0.1", 1000, "10.0.0.2", 80);
	f.status = FLOW_S_SEEN_REPLY | FLOW_S_ASSURED | FLOW_S_CONFIRMED;
	assert_int_equal(format_flags_long(buf, sizeof(buf), &f),
			 strlen("ASSURED,SEEN_REPLY,CONFIRMED"));
	assert_string_equal(buf, "ASSURED,SEEN_REPLY,CONFIRMED");

	f.status = 0;
	format_flags_long(buf, sizeof(buf), &f);
	assert_string_equal(buf, "UNREPLIED");

	f.status = FLOW_S_CONFIRMED | FLOW_S_SRC_NAT | FLOW_S_SRC_NAT_DONE;
	format_flags_long(buf, sizeof(buf), &f);
	assert_string_equal(buf, "UNREPLIED,CONFIRMED,SRC_NAT,SRC_NAT_DONE");

	/* Truncation drops whole names: "UNREPLIED,CONFIRMED" is 19. */
	assert_int_equal(format_flags_long(buf, 20, &f), 19);
	assert_string_equal(buf, "UNREPLIED,CONFIRMED");
	assert_int_equal(format_flags_long(buf, 27, &f), 19);
	assert_string_equal(buf, "UNREPLIED,CONFIRMED");
	assert_int_equal(format_flags_long(buf, 5, &f), 0);
	assert_string_equal(buf, "");
	assert_int_equal(format_flags_long(buf, 0, &f), 0);
}

static void test_proto(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(format_proto(buf, sizeof(buf), FLOW_P_TCP), 3);
	assert_string_equal(buf, "tcp");
	format_proto(buf, sizeof(buf), FLOW_P_ICMPV6);
	assert_string_equal(buf, "icmpv6");
	format_proto(buf, sizeof(buf), FLOW_P_GRE);
	assert_string_equal(buf, "gre");
	assert_int_equal(format_proto(buf, sizeof(buf), 253), 3);
	assert_string_equal(buf, "253");
	format_proto(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0");
}

static void test_json_escape(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(format_json_escape(buf, sizeof(buf), ""), 0);
	assert_string_equal(buf, "");
	format_json_escape(buf, sizeof(buf), "plain text");
	assert_string_equal(buf, "plain text");
	assert_int_equal(format_json_escape(buf, sizeof(buf), "a\"b\\c"), 7);
	assert_string_equal(buf, "a\\\"b\\\\c");
	format_json_escape(buf, sizeof(buf), "x\ny\t\x01\x1f");
	assert_string_equal(buf, "x\\u000ay\\u0009\\u0001\\u001f");
	/* UTF-8 and DEL pass through. */
	format_json_escape(buf, sizeof(buf), "caf\xc3\xa9\x7f");
	assert_string_equal(buf, "caf\xc3\xa9\x7f");
	/* Escapes are never cut in half. */
	assert_int_equal(format_json_escape(buf, 8, "ab\ncd"), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal(format_json_escape(buf, 9, "ab\ncd"), 8);
	assert_string_equal(buf, "ab\\u000a");
	assert_int_equal(format_json_escape(buf, 3, "a\"b"), 1);
	assert_string_equal(buf, "a");
}

static void test_labels(void **state)
{
	uint8_t bits[16] = { 0 };
	struct flow f;
	char buf[64];

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(format_labels(buf, sizeof(buf), &f), 0);
	assert_string_equal(buf, "");

	bits[0] = 0x21;		/* bits 0 and 5 */
	bits[2] = 0x02;		/* bit 17 */
	bits[15] = 0x80;	/* bit 127 */
	f.labels = intern_labels(bits, sizeof(bits));
	f.has = FLOW_HAS_LABELS;
	assert_int_equal(format_labels(buf, sizeof(buf), &f), 10);
	assert_string_equal(buf, "0,5,17,127");
	/* Whole numbers only. */
	assert_int_equal(format_labels(buf, 6, &f), 3);
	assert_string_equal(buf, "0,5");
	assert_int_equal(format_labels(buf, 7, &f), 6);
	assert_string_equal(buf, "0,5,17");

	/* Names from connlabel.conf where a bit has one; a name that is no
	 * plain word (here with a comma and with ESC) is not taken, so the
	 * list stays parseable and no control byte is printed. */
	labelmap_set("# connlabel.conf\n0 eth0-in\n5 bad,name\n17 \033[2J\n"
		     "127 vip\n127 other\n");
	assert_int_equal(format_label_names(buf, sizeof(buf), &f), 16);
	assert_string_equal(buf, "eth0-in,5,17,vip");
	assert_string_equal(labelmap_name(0), "eth0-in");
	assert_null(labelmap_name(5));
	assert_int_equal(labelmap_bit("vip", 3), 127);
	assert_int_equal(labelmap_bit("other", 5), -1);
	/* JSON keeps the numbers. */
	assert_int_equal(format_labels(buf, sizeof(buf), &f), 10);
	assert_string_equal(buf, "0,5,17,127");
	labelmap_set("");
	assert_int_equal(format_label_names(buf, sizeof(buf), &f), 10);
	assert_string_equal(buf, "0,5,17,127");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_u64_matches_printf),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_addr_v4),
		cmocka_unit_test(test_addr_v4_truncated),
		cmocka_unit_test(test_addr_v6),
		cmocka_unit_test(test_addr_v6_reference),
		cmocka_unit_test(test_addr_v6_vs_reference),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_scaled_width),
		cmocka_unit_test(test_flags_short),
		cmocka_unit_test(test_flags_long),
		cmocka_unit_test(test_proto),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_labels),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
