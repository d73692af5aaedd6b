/* Grouping: keys, counts, order, formatting, matching and growth. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "group.h"
#include "testflow.h"

/* mallinfo2() is glibc's (2.33 on); elsewhere (musl) the memory figure
 * cannot be read and test_memory skips. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HAVE_MALLINFO2 1
#endif

/* A flow with the reply tuple mirrored, packets 1+2 and bytes 100+200. */
static struct flow mkflow(uint8_t family, uint8_t proto, const char *src,
			  uint16_t sport, const char *dst, uint16_t dport)
{
	struct flow f = test_flow(family, proto, src, sport, dst, dport);

	f.orig_packets = 1;
	f.reply_packets = 2;
	f.orig_bytes = 100;
	f.reply_bytes = 200;
	f.status = FLOW_S_SEEN_REPLY;
	f.has = FLOW_HAS_COUNTERS;
	return f;
}

static struct flow v4(const char *src, const char *dst)
{
	return mkflow(FLOW_IPV4, FLOW_P_TCP, src, 40000, dst, 443);
}

static const char *keystr(enum group_by by, const struct group_row *r)
{
	static char buf[128];

	group_key_format(buf, sizeof(buf), by, &r->key);
	return buf;
}

/* Formatted keys and flow counts of every row, "key=flows;...". */
static const char *rows_str(struct grouper *g, enum group_by by)
{
	static char out[1024];
	const struct group_row *r;
	size_t n, i, pos = 0;

	r = group_rows(g, &n);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		pos += snprintf(out + pos, sizeof(out) - pos, "%s=%llu;",
				keystr(by, &r[i]),
				(unsigned long long)r[i].flows);
	return out;
}

static void test_src(void **state)
{
	struct grouper *g = group_new(GROUP_SRC);
	struct flow f;
	const struct group_row *r;
	size_t n;
	int i;

	(void)state;
	assert_non_null(g);
	for (i = 0; i < 3; i++) {
		f = v4("10.0.0.9", "10.0.0.1");
		group_add(g, &f);
		f = v4("10.0.0.7", "192.168.1.1");
		f.orig_bytes = 1000 + i;
		group_add(g, &f);
	}
	f = v4("10.0.0.1", "10.0.0.9");
	group_add(g, &f);
	f = mkflow(FLOW_IPV6, FLOW_P_UDP, "2001:db8::1", 1, "2001:db8::2", 53);
	group_add(g, &f);
	/* a00:1:: has the same bytes as 10.0.0.1: the family keeps the
	 * two keys apart. */
	f = mkflow(FLOW_IPV6, FLOW_P_UDP, "a00:1::", 1, "2001:db8::2", 53);
	group_add(g, &f);

	assert_int_equal(group_total(g), 9);
	/* Ties on flows are broken by key: 10.0.0.7 before 10.0.0.9; IPv4
	 * before IPv6. */
	assert_string_equal(rows_str(g, GROUP_SRC),
			    "10.0.0.7=3;10.0.0.9=3;10.0.0.1=1;"
			    "a00:1::=1;2001:db8::1=1;");
	r = group_rows(g, &n);
	assert_int_equal(n, 5);
	assert_int_equal(r[0].packets, 9);
	assert_int_equal(r[0].bytes, 1000 + 1001 + 1002 + 3 * 200);
	assert_int_equal(r[1].bytes, 3 * 300);
	assert_int_equal(r[3].key.family, FLOW_IPV6);
	group_free(g);
}

static void test_dst_pair(void **state)
{
	struct grouper *d = group_new(GROUP_DST), *p = group_new(GROUP_PAIR);
	struct flow fl[] = {
		v4("10.0.0.7", "10.0.0.1"),
		v4("10.0.0.7", "10.0.0.1"),
		v4("10.0.0.8", "10.0.0.1"),
		v4("10.0.0.7", "10.0.0.2"),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		group_add(d, &fl[i]);
		group_add(p, &fl[i]);
	}
	assert_string_equal(rows_str(d, GROUP_DST), "10.0.0.1=3;10.0.0.2=1;");
	assert_string_equal(rows_str(p, GROUP_PAIR),
			    "10.0.0.7 -> 10.0.0.1=2;10.0.0.7 -> 10.0.0.2=1;"
			    "10.0.0.8 -> 10.0.0.1=1;");
	group_free(d);
	group_free(p);
}

static void test_ports(void **state)
{
	struct grouper *dp = group_new(GROUP_DPORT), *sp = group_new(GROUP_SPORT);
	struct flow fl[6];
	size_t i;

	(void)state;
	fl[0] = mkflow(FLOW_IPV4, FLOW_P_TCP, "1.1.1.1", 1000, "2.2.2.2", 443);
	fl[1] = mkflow(FLOW_IPV4, FLOW_P_TCP, "1.1.1.2", 1000, "2.2.2.3", 443);
	fl[2] = mkflow(FLOW_IPV4, FLOW_P_UDP, "1.1.1.1", 1000, "2.2.2.2", 443);
	fl[3] = mkflow(FLOW_IPV4, FLOW_P_UDP, "1.1.1.1", 2000, "2.2.2.2", 53);
	/* ICMP ids live in sport: not a port, so both land in "icmp". */
	fl[4] = mkflow(FLOW_IPV4, FLOW_P_ICMP, "1.1.1.1", 77, "2.2.2.2", 0);
	fl[5] = mkflow(FLOW_IPV4, FLOW_P_ICMP, "1.1.1.1", 78, "2.2.2.2", 0);
	for (i = 0; i < 6; i++) {
		group_add(dp, &fl[i]);
		group_add(sp, &fl[i]);
	}
	/* Key order: protocol number, then port. */
	assert_string_equal(rows_str(dp, GROUP_DPORT),
			    "icmp=2;tcp/443=2;udp/53=1;udp/443=1;");
	assert_string_equal(rows_str(sp, GROUP_SPORT),
			    "icmp=2;tcp/1000=2;udp/1000=1;udp/2000=1;");
	group_free(dp);
	group_free(sp);
}

static void test_proto(void **state)
{
	struct grouper *g = group_new(GROUP_PROTO);
	struct flow f;

	(void)state;
	f = mkflow(FLOW_IPV4, FLOW_P_UDP, "1.1.1.1", 1, "2.2.2.2", 2);
	group_add(g, &f);
	f = mkflow(FLOW_IPV6, FLOW_P_UDP, "::1", 1, "::2", 2);
	group_add(g, &f);
	f = mkflow(FLOW_IPV4, 253, "1.1.1.1", 0, "2.2.2.2", 0);
	group_add(g, &f);
	f = mkflow(FLOW_IPV4, FLOW_P_TCP, "1.1.1.1", 1, "2.2.2.2", 2);
	group_add(g, &f);
	assert_string_equal(rows_str(g, GROUP_PROTO), "udp=2;tcp=1;253=1;");
	group_free(g);
}

static void test_state(void **state)
{
	struct grouper *g = group_new(GROUP_STATE);
	struct flow f;

	(void)state;
	f = v4("1.1.1.1", "2.2.2.2");
	f.has |= FLOW_HAS_STATE;
	f.state = 3;		/* ESTABLISHED */
	group_add(g, &f);
	group_add(g, &f);
	f.state = 7;		/* TIME_WAIT */
	group_add(g, &f);
	f.has &= ~FLOW_HAS_STATE;	/* tcp without protoinfo */
	group_add(g, &f);
	f = mkflow(FLOW_IPV4, FLOW_P_UDP, "1.1.1.1", 1, "2.2.2.2", 2);
	group_add(g, &f);
	group_add(g, &f);
	group_add(g, &f);
	f = mkflow(FLOW_IPV4, FLOW_P_SCTP, "1.1.1.1", 1, "2.2.2.2", 2);
	f.has |= FLOW_HAS_STATE;
	f.state = 4;		/* sctp ESTABLISHED: not tcp's */
	group_add(g, &f);
	assert_string_equal(rows_str(g, GROUP_STATE),
			    "udp -=3;tcp ESTABLISHED=2;tcp TIME_WAIT=1;"
			    "tcp -=1;sctp ESTABLISHED=1;");
	group_free(g);
}

static void test_mark_zone(void **state)
{
	struct grouper *m = group_new(GROUP_MARK), *z = group_new(GROUP_ZONE);
	struct flow f = v4("1.1.1.1", "2.2.2.2");

	(void)state;
	f.mark = 0x10;
	f.orig.zone = f.reply.zone = 3;
	group_add(m, &f);
	group_add(z, &f);
	group_add(m, &f);
	f.mark = 0;
	f.orig.zone = f.reply.zone = 0;
	group_add(m, &f);
	group_add(z, &f);
	group_add(z, &f);
	assert_string_equal(rows_str(m, GROUP_MARK), "0x10=2;0x0=1;");
	assert_string_equal(rows_str(z, GROUP_ZONE), "0=2;3=1;");
	group_free(m);
	group_free(z);
}

static void test_key_match(void **state)
{
	static const enum group_by all[] = {
		GROUP_SRC, GROUP_DST, GROUP_PAIR, GROUP_SPORT, GROUP_DPORT,
		GROUP_PROTO, GROUP_STATE, GROUP_MARK, GROUP_ZONE,
	};
	struct flow a = v4("10.0.0.7", "10.0.0.1"), b;
	const struct group_row *r;
	size_t i, n;

	(void)state;
	a.has |= FLOW_HAS_STATE | FLOW_HAS_MARK;
	a.state = 3;
	a.mark = 0x10;
	a.orig.zone = a.reply.zone = 3;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct grouper *g = group_new(all[i]);

		group_add(g, &a);
		r = group_rows(g, &n);
		assert_int_equal(n, 1);
		assert_true(group_key_match(all[i], &r->key, &a));
		/* A flow differing in exactly what this grouping keys on. */
		b = a;
		switch (all[i]) {
		case GROUP_SRC:
			test_addr_set(&b.orig.src, FLOW_IPV4, "10.0.0.8");
			break;
		case GROUP_DST:
		case GROUP_PAIR:
			test_addr_set(&b.orig.dst, FLOW_IPV4, "10.0.0.2");
			break;
		case GROUP_SPORT:
			b.orig.sport++;
			break;
		case GROUP_DPORT:
			b.protonum = FLOW_P_UDP;
			break;
		case GROUP_PROTO:
			b.protonum = FLOW_P_SCTP;
			break;
		case GROUP_STATE:
			b.has &= ~FLOW_HAS_STATE;
			break;
		case GROUP_MARK:
			b.mark = 0x11;
			break;
		default:
			b.orig.zone = b.reply.zone = 4;
			break;
		}
		assert_false(group_key_match(all[i], &r->key, &b));
		/* ... and one differing only elsewhere still matches. */
		b = a;
		b.orig_bytes = 12345;
		b.id = 99;
		if (all[i] != GROUP_SPORT && all[i] != GROUP_PAIR &&
		    all[i] != GROUP_SRC)
			test_addr_set(&b.orig.src, FLOW_IPV4, "192.0.2.1");
		assert_true(group_key_match(all[i], &r->key, &b));
		group_free(g);
	}
}

static void test_key_format_ipv6(void **state)
{
	struct grouper *g = group_new(GROUP_PAIR);
	struct flow f = mkflow(FLOW_IPV6, FLOW_P_TCP, "2001:db8::1", 1,
			       "2001:db8:0:0:1::2", 2);
	const struct group_row *r;
	char small[8];
	size_t n;

	(void)state;
	group_add(g, &f);
	r = group_rows(g, &n);
	assert_string_equal(keystr(GROUP_PAIR, r), "2001:db8::1 -> 2001:db8::1:0:0:2");
	/* Truncation keeps the NUL and reports what was written. */
	n = group_key_format(small, sizeof(small), GROUP_PAIR, &r->key);
	assert_int_equal(n, 7);
	assert_string_equal(small, "2001:db");
	group_free(g);
}

static void test_names(void **state)
{
	static const enum group_by all[] = {
		GROUP_NONE, GROUP_SRC, GROUP_DST, GROUP_PAIR, GROUP_SPORT,
		GROUP_DPORT, GROUP_PROTO, GROUP_STATE, GROUP_MARK, GROUP_ZONE,
	};
	size_t i;
	int ok;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		ok = -1;
		assert_int_equal(group_by_name(group_by_str(all[i]), &ok), all[i]);
		assert_int_equal(ok, 1);
	}
	assert_string_equal(group_by_str(GROUP_DPORT), "dport");
	assert_int_equal(group_by_name("SRC", &ok), GROUP_SRC);
	assert_int_equal(ok, 1);
	assert_int_equal(group_by_name("bogus", &ok), GROUP_NONE);
	assert_int_equal(ok, 0);
	assert_int_equal(group_by_name("", &ok), GROUP_NONE);
	assert_int_equal(ok, 0);
}

static void src_n(struct flow *f, uint32_t i)
{
	uint32_t a = htonl(0x0a000000u + i);

	memcpy(f->orig.src.b, &a, 4);
}

/* Far past the initial capacity, with adds after a group_rows() that
 * reordered the rows under the index. */
static void test_growth(void **state)
{
	enum { N = 100000 };
	struct grouper *g = group_new(GROUP_SRC);
	struct flow f = v4("10.0.0.0", "10.255.255.255");
	const struct group_row *r;
	size_t n, i;
	uint32_t k;

	(void)state;
	for (k = 0; k < N; k++) {
		src_n(&f, k);
		group_add(g, &f);
	}
	r = group_rows(g, &n);
	assert_int_equal(n, N);
	for (i = 0; i < n; i++)
		assert_int_equal(r[i].flows, 1);
	/* Key k gets k % 4 more flows, after the sort. */
	for (k = 0; k < N; k++) {
		src_n(&f, k);
		for (i = 0; i < k % 4; i++)
			group_add(g, &f);
	}
	r = group_rows(g, &n);
	assert_int_equal(n, N);
	assert_int_equal(group_total(g), N + (N / 4) * (0 + 1 + 2 + 3));
	for (i = 1; i < n; i++) {
		assert_true(r[i - 1].flows >= r[i].flows);
		if (r[i - 1].flows == r[i].flows)
			assert_true(memcmp(r[i - 1].key.a.b, r[i].key.a.b, 4) < 0);
	}
	assert_int_equal(r[0].flows, 4);
	assert_string_equal(keystr(GROUP_SRC, &r[0]), "10.0.0.3");
	assert_int_equal(r[n - 1].flows, 1);
	assert_string_equal(keystr(GROUP_SRC, &r[n - 1]), "10.1.134.156");
	assert_int_equal(r[0].packets, 4 * 3);

	group_reset(g);
	assert_int_equal(group_total(g), 0);
	group_rows(g, &n);
	assert_int_equal(n, 0);
	group_add(g, &f);
	r = group_rows(g, &n);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].flows, 1);
	group_free(g);
}

/* A million flows from 65,536 sources: the grouper holds a few MB. */
static void test_memory(void **state)
{
#if defined(__SANITIZE_ADDRESS__) || !defined(HAVE_MALLINFO2)
	(void)state;
	skip();
#else
	struct grouper *g;
	struct mallinfo2 before, after;
	struct flow f = v4("10.0.0.0", "10.255.255.255");
	size_t used, n;
	uint32_t k;

	(void)state;
	before = mallinfo2();
	g = group_new(GROUP_SRC);
	for (k = 0; k < 1000000; k++) {
		src_n(&f, k % 65536);
		group_add(g, &f);
	}
	group_rows(g, &n);
	after = mallinfo2();
	assert_int_equal(n, 65536);
	assert_int_equal(group_total(g), 1000000);
	used = (after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd);
	print_message("grouper: %zu bytes for 65536 keys\n", used);
	assert_true(used < 6u * 1024 * 1024);
	group_free(g);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_src),
		cmocka_unit_test(test_dst_pair),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_proto),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_mark_zone),
		cmocka_unit_test(test_key_match),
		cmocka_unit_test(test_key_format_ipv6),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_memory),
	};

	return cmocka_run_group_tests_name("group", tests, NULL, NULL);
}
