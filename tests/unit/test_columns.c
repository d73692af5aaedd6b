/* Unit tests for src/columns.c (the registry, parsing, per-column compare
 * and format) and src/sort.c (total, stable order). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "columns.h"
#include "format.h"
#include "sort.h"

static const struct column_ctx no_ctx = { 0 };

static void set_addr(union flow_addr *a, uint8_t family, const char *text)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(inet_pton(family == FLOW_IPV6 ? AF_INET6 : AF_INET,
				   text, a->b), 1);
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
	f->reply.src = f->orig.dst;
	f->reply.dst = f->orig.src;
	f->reply.sport = dport;
	f->reply.dport = sport;
	f->status = FLOW_S_SEEN_REPLY | FLOW_S_CONFIRMED;
}

static const char *fmt_col(enum column_id id, const struct flow *f,
			   const struct column_ctx *ctx)
{
	static char buf[128];
	const struct column *c = column_get(id);
	size_t n;

	assert_non_null(c);
	n = c->format(buf, sizeof(buf), f, ctx);
	assert_int_equal(n, strlen(buf));
	return buf;
}

static int cmp_col(enum column_id id, const struct flow *a,
		   const struct flow *b)
{
	const struct column *c = column_get(id);
	int ab = c->compare(a, b, &no_ctx), ba = c->compare(b, a, &no_ctx);

	/* Antisymmetry holds for every column. */
	assert_int_equal(ab > 0, ba < 0);
	assert_int_equal(ab == 0, ba == 0);
	return ab;
}

static void test_registry(void **state)
{
	(void)state;
	for (int i = 0; i < COL_COUNT; i++) {
		const struct column *c = column_get((enum column_id)i);

		assert_non_null(c);
		assert_int_equal(c->id, i);
		assert_non_null(c->name);
		assert_non_null(c->title);
		assert_non_null(c->compare);
		assert_non_null(c->format);
		/* A header never overflows its column. */
		assert_true(c->width >= (int)strlen(c->title));
		for (int j = 0; j < i; j++) {
			const struct column *d = column_get((enum column_id)j);

			assert_true(strcasecmp(c->name, d->name));
			if (c->alias)
				assert_true(strcasecmp(c->alias, d->name));
			if (d->alias)
				assert_true(strcasecmp(c->name, d->alias));
			if (c->alias && d->alias)
				assert_true(strcasecmp(c->alias, d->alias));
		}
		/* Every name and alias finds its own entry. */
		assert_ptr_equal(column_by_name(c->name), c);
		if (c->alias)
			assert_ptr_equal(column_by_name(c->alias), c);
	}
	assert_null(column_get(COL_COUNT));
	assert_null(column_get((enum column_id)-1));
}

/* Every column formats and compares every kind of flow without crashing,
 * NUL-terminates, and respects small buffers. */
static void test_registry_all_flows(void **state)
{
	struct flow fl[4];
	struct column_ctx ctx = { .now_ns = 2000000000ULL * 1000000000ULL };
	char buf[64];

	(void)state;
	make_flow(&fl[0], FLOW_IPV4, FLOW_P_TCP, "10.0.0.1", 1, "10.0.0.2", 2);
	make_flow(&fl[1], FLOW_IPV6, FLOW_P_UDP, "2001:db8::1", 1, "::1", 2);
	make_flow(&fl[2], FLOW_IPV4, FLOW_P_ICMP, "10.0.0.1", 9, "10.0.0.2", 0);
	make_flow(&fl[3], FLOW_IPV4, 200, "1.1.1.1", 0, "2.2.2.2", 0);
	for (int i = 0; i < COL_COUNT; i++) {
		const struct column *c = column_get((enum column_id)i);

		for (int k = 0; k < 4; k++) {
			memset(buf, 'Z', sizeof(buf));
			size_t n = c->format(buf, sizeof(buf), &fl[k], &ctx);

			assert_true(n > 0);
			assert_int_equal(n, strlen(buf));
			assert_int_equal(c->format(buf, 0, &fl[k], &ctx), 0);
			n = c->format(buf, 2, &fl[k], &ctx);
			assert_int_equal(n, strlen(buf));
			assert_int_equal(n, 1);
			assert_int_equal(c->compare(&fl[k], &fl[k], &ctx), 0);
		}
	}
}

static void test_by_name(void **state)
{
	(void)state;
	assert_int_equal(column_by_name("proto")->id, COL_PROTO);
	assert_int_equal(column_by_name("protocol")->id, COL_PROTO);
	assert_int_equal(column_by_name("PROTO")->id, COL_PROTO);
	assert_int_equal(column_by_name("Source")->id, COL_SRC);
	assert_int_equal(column_by_name("destination")->id, COL_DST);
	assert_int_equal(column_by_name("timeout")->id, COL_TTL);
	assert_int_equal(column_by_name("TTL")->id, COL_TTL);
	assert_int_equal(column_by_name("reply-src")->id, COL_REPLY_SRC);
	assert_int_equal(column_by_name("REPLY-DST")->id, COL_REPLY_DST);
	assert_int_equal(column_by_name("rdst")->id, COL_REPLY_DST);
	assert_int_equal(column_by_name("labels")->id, COL_LABELS);
	assert_null(column_by_name(""));
	assert_null(column_by_name("sr"));
	assert_null(column_by_name("srcx"));
	assert_null(column_by_name("src "));
	assert_null(column_by_name(NULL));
}

static void test_names(void **state)
{
	char want[512] = "";

	(void)state;
	for (int i = 0; i < COL_COUNT; i++) {
		if (i)
			strcat(want, ",");
		strcat(want, column_get((enum column_id)i)->name);
	}
	assert_string_equal(columns_names(), want);
}

static void test_default(void **state)
{
	enum column_id ids[16];
	const enum column_id want[] = {
		COL_PROTO, COL_SRC, COL_DST, COL_STATE, COL_TTL, COL_FLAGS,
	};
	int width = 0;

	(void)state;
	assert_int_equal(columns_default(ids, 16), 6);
	assert_memory_equal(ids, want, sizeof(want));
	/* The default view fits 80 columns with one-cell gaps. */
	for (size_t i = 0; i < 6; i++)
		width += column_get(ids[i])->width + (i ? 1 : 0);
	assert_true(width <= 80);
	assert_int_equal(column_get(COL_PROTO)->width, 5);
	assert_int_equal(column_get(COL_SRC)->width, 21);
	assert_int_equal(column_get(COL_STATE)->width, 13);	/* echo id 65535 */
	assert_int_equal(column_get(COL_TTL)->width, 8);
	assert_int_equal(column_get(COL_FLAGS)->width, 5);
	/* Truncated to max. */
	ids[2] = COL_LABELS;
	assert_int_equal(columns_default(ids, 2), 2);
	assert_int_equal(ids[1], COL_SRC);
	assert_int_equal(ids[2], COL_LABELS);
}

/* The one cell text of the screen and of ctop -1: an ICMP row's STATE
 * names the type and id; RATE reads the table's rate, "-" without one
 * or without accounting; and the rate orders as its key says. */
static double fixed_rate(const struct flow *f)
{
	return f->id == 1 ? 2048.0 : f->id == 2 ? -5.0 : 10.0;
}

static void test_icmp_state_and_rate(void **state)
{
	struct flow f, g;
	struct column_ctx none = { 0 }, ctx = { .rate = fixed_rate };
	const struct column *rate = column_get(COL_RATE);
	bool exact;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.family = FLOW_IPV4;
	f.protonum = FLOW_P_ICMP;
	f.orig.icmp_type = 8;
	f.orig.sport = 1027;
	assert_string_equal(fmt_col(COL_STATE, &f, &none), "echo id 1027");
	f.orig.icmp_type = 3;
	f.orig.icmp_code = 1;
	assert_string_equal(fmt_col(COL_STATE, &f, &none), "type 3/1 id 1027");
	f.protonum = FLOW_P_ICMPV6;
	f.orig.icmp_type = 128;
	assert_string_equal(fmt_col(COL_STATE, &f, &none), "echo id 1027");
	assert_true(strlen("echo id 65535") <= (size_t)column_get(COL_STATE)->width);

	f.protonum = FLOW_P_TCP;
	f.has = FLOW_HAS_COUNTERS;
	f.id = 1;
	assert_string_equal(fmt_col(COL_RATE, &f, &none), "-");
	assert_string_equal(fmt_col(COL_RATE, &f, &ctx), "2.0K/s");
	ctx.acct_off = true;
	assert_string_equal(fmt_col(COL_RATE, &f, &ctx), "-");
	ctx.acct_off = false;
	assert_ptr_equal(column_by_name("rate"), rate);
	/* A counter reset (negative) reads and sorts as 0. */
	g = f;
	g.id = 2;
	assert_string_equal(fmt_col(COL_RATE, &g, &ctx), "0/s");
	assert_true(rate->compare(&g, &f, &ctx) < 0);
	assert_true(rate->key(&g, &ctx, &exact) < rate->key(&f, &ctx, &exact));
	assert_true(exact);
}

static void test_parse(void **state)
{
	enum column_id ids[8];
	size_t n = 0;
	char bad[32];

	(void)state;
	assert_int_equal(columns_parse("proto,src,dst", ids, &n, 8, bad,
				       sizeof(bad)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], COL_PROTO);
	assert_int_equal(ids[1], COL_SRC);
	assert_int_equal(ids[2], COL_DST);

	/* Aliases, case and blanks. */
	assert_int_equal(columns_parse(" Source , timeout,BYTES", ids, &n, 8,
				       bad, sizeof(bad)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], COL_SRC);
	assert_int_equal(ids[1], COL_TTL);
	assert_int_equal(ids[2], COL_BYTES);

	/* Append. */
	assert_int_equal(columns_parse("+mark,zone", ids, &n, 8, bad,
				       sizeof(bad)), 0);
	assert_int_equal(n, 5);
	assert_int_equal(ids[0], COL_SRC);
	assert_int_equal(ids[2], COL_BYTES);
	assert_int_equal(ids[3], COL_MARK);
	assert_int_equal(ids[4], COL_ZONE);

	/* A single name. */
	assert_int_equal(columns_parse("age", ids, &n, 8, bad, sizeof(bad)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], COL_AGE);
}

static void test_parse_bad(void **state)
{
	enum column_id ids[4] = { COL_ID, COL_ID, COL_ID, COL_ID };
	size_t n = 2;
	char bad[8];

	(void)state;
	/* The bad name is reported, and the view is left as it was. */
	assert_int_equal(columns_parse("proto,nosuch,dst", ids, &n, 4, bad,
				       sizeof(bad)), -1);
	assert_string_equal(bad, "nosuch");
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], COL_ID);
	assert_int_equal(ids[1], COL_ID);

	assert_int_equal(columns_parse("+src,bogus", ids, &n, 4, bad,
				       sizeof(bad)), -1);
	assert_string_equal(bad, "bogus");
	assert_int_equal(n, 2);
	assert_int_equal(ids[2], COL_ID);

	/* Long bad names are truncated into bad. */
	assert_int_equal(columns_parse("verylongname", ids, &n, 4, bad,
				       sizeof(bad)), -1);
	assert_string_equal(bad, "verylon");

	/* Empty names. */
	assert_int_equal(columns_parse("", ids, &n, 4, bad, sizeof(bad)), -1);
	assert_string_equal(bad, "");
	assert_int_equal(columns_parse("src,,dst", ids, &n, 4, bad,
				       sizeof(bad)), -1);
	assert_int_equal(columns_parse("src,", ids, &n, 4, bad,
				       sizeof(bad)), -1);

	/* More names than room (-2): the first that does not fit is
	 * reported. */
	assert_int_equal(columns_parse("src,dst,ttl,id,zone", ids, &n, 4, bad,
				       sizeof(bad)), -2);
	assert_string_equal(bad, "zone");
	assert_int_equal(n, 2);
	assert_int_equal(columns_parse("+src,dst,ttl", ids, &n, 4, bad,
				       sizeof(bad)), -2);
	assert_string_equal(bad, "ttl");
	assert_int_equal(columns_parse("+src,dst", ids, &n, 4, bad,
				       sizeof(bad)), 0);
	assert_int_equal(n, 4);

	/* bad may be NULL. */
	assert_int_equal(columns_parse("x", ids, &n, 4, NULL, 0), -1);
}

static void test_format_cells(void **state)
{
	struct flow f;
	struct column_ctx ctx = { .now_ns = 1700000000ULL * 1000000000ULL };

	(void)state;
	make_flow(&f, FLOW_IPV4, FLOW_P_TCP, "10.0.0.1", 40000, "10.0.0.2", 443);
	f.status |= FLOW_S_ASSURED;
	f.has = FLOW_HAS_STATE | FLOW_HAS_COUNTERS | FLOW_HAS_START;
	f.state = 3;
	f.timeout = 431999;
	f.orig_packets = 1000;
	f.reply_packets = 500;
	f.orig_bytes = 1024;
	f.reply_bytes = 512;
	f.mark = 0x10;
	f.orig.zone = f.reply.zone = 3;
	f.id = 4000000000u;
	f.start_ns = ctx.now_ns - 61ULL * 1000000000ULL - 5;

	assert_string_equal(fmt_col(COL_PROTO, &f, &ctx), "tcp");
	assert_string_equal(fmt_col(COL_SRC, &f, &ctx), "10.0.0.1:40000");
	assert_string_equal(fmt_col(COL_DST, &f, &ctx), "10.0.0.2:443");
	assert_string_equal(fmt_col(COL_SADDR, &f, &ctx), "10.0.0.1");
	assert_string_equal(fmt_col(COL_DADDR, &f, &ctx), "10.0.0.2");
	assert_string_equal(fmt_col(COL_SPORT, &f, &ctx), "40000");
	assert_string_equal(fmt_col(COL_DPORT, &f, &ctx), "443");
	assert_string_equal(fmt_col(COL_STATE, &f, &ctx), "ESTABLISHED");
	assert_string_equal(fmt_col(COL_TTL, &f, &ctx), "4d23h");
	assert_string_equal(fmt_col(COL_FLAGS, &f, &ctx), "A");
	assert_string_equal(fmt_col(COL_PACKETS, &f, &ctx), "1.5k");
	assert_string_equal(fmt_col(COL_BYTES, &f, &ctx), "1.5K");
	assert_string_equal(fmt_col(COL_MARK, &f, &ctx), "0x10");
	assert_string_equal(fmt_col(COL_ZONE, &f, &ctx), "3");
	assert_string_equal(fmt_col(COL_ID, &f, &ctx), "4000000000");
	assert_string_equal(fmt_col(COL_HELPER, &f, &ctx), "-");
	assert_string_equal(fmt_col(COL_AGE, &f, &ctx), "1:01");
	/* Offloaded: the TTL cell names the flowtable, not a countdown. */
	f.status |= FLOW_S_OFFLOAD;
	assert_string_equal(fmt_col(COL_TTL, &f, &ctx), "offload");
	f.status |= FLOW_S_HW_OFFLOAD;
	assert_string_equal(fmt_col(COL_TTL, &f, &ctx), "hw-offload");
	f.status &= ~(uint32_t)(FLOW_S_OFFLOAD | FLOW_S_HW_OFFLOAD);
	assert_string_equal(fmt_col(COL_REPLY_SRC, &f, &ctx), "10.0.0.2:443");
	assert_string_equal(fmt_col(COL_REPLY_DST, &f, &ctx), "10.0.0.1:40000");
	assert_string_equal(fmt_col(COL_NAT, &f, &ctx), "-");
	assert_string_equal(fmt_col(COL_FAMILY, &f, &ctx), "ipv4");
	assert_string_equal(fmt_col(COL_LABELS, &f, &ctx), "-");

	/* SNAT to 192.0.2.1:1024, a helper, labels, a big mark. */
	set_addr(&f.reply.dst, FLOW_IPV4, "192.0.2.1");
	f.reply.dport = 1024;
	f.helper = intern_helper("ftp");
	f.labels = intern_labels((const uint8_t[]){ 0x06 }, 1);
	f.mark = 0xdeadbeef;
	assert_string_equal(fmt_col(COL_NAT, &f, &ctx), "snat");
	assert_string_equal(fmt_col(COL_FLAGS, &f, &ctx), "AS");
	assert_string_equal(fmt_col(COL_REPLY_DST, &f, &ctx), "192.0.2.1:1024");
	assert_string_equal(fmt_col(COL_HELPER, &f, &ctx), "ftp");
	assert_string_equal(fmt_col(COL_LABELS, &f, &ctx), "1,2");
	assert_string_equal(fmt_col(COL_MARK, &f, &ctx), "0xdeadbeef");

	/* No accounting, no timestamps, no state. */
	f.has = 0;
	f.orig_packets = f.reply_packets = f.orig_bytes = f.reply_bytes = 0;
	assert_string_equal(fmt_col(COL_PACKETS, &f, &ctx), "-");
	assert_string_equal(fmt_col(COL_BYTES, &f, &ctx), "-");
	assert_string_equal(fmt_col(COL_AGE, &f, &ctx), "-");
	assert_string_equal(fmt_col(COL_STATE, &f, &ctx), "-");
	/* Accounting on but nothing counted yet. */
	f.has = FLOW_HAS_COUNTERS;
	assert_string_equal(fmt_col(COL_BYTES, &f, &ctx), "0");
	/* A start in the future (clock step) is age 0. */
	f.has = FLOW_HAS_START;
	f.start_ns = ctx.now_ns + 5000000000ULL;
	assert_string_equal(fmt_col(COL_AGE, &f, &ctx), "0");

	/* Ports only where the protocol has them. */
	make_flow(&f, FLOW_IPV6, FLOW_P_ICMPV6, "fe80::1", 77, "ff02::2", 0);
	assert_string_equal(fmt_col(COL_SRC, &f, &ctx), "fe80::1");
	assert_string_equal(fmt_col(COL_SPORT, &f, &ctx), "-");
	assert_string_equal(fmt_col(COL_DPORT, &f, &ctx), "-");
	assert_string_equal(fmt_col(COL_FAMILY, &f, &ctx), "ipv6");
	assert_string_equal(fmt_col(COL_PROTO, &f, &ctx), "icmpv6");
	assert_string_equal(fmt_col(COL_MARK, &f, &ctx), "0");
}

static void test_compare(void **state)
{
	struct flow a, b;

	(void)state;
	/* Addresses numerically, not as text: 10.0.0.9 < 10.0.0.10. */
	make_flow(&a, FLOW_IPV4, FLOW_P_TCP, "10.0.0.9", 5, "10.0.0.1", 80);
	make_flow(&b, FLOW_IPV4, FLOW_P_TCP, "10.0.0.10", 1, "9.0.0.1", 80);
	assert_true(cmp_col(COL_SRC, &a, &b) < 0);
	assert_true(cmp_col(COL_SADDR, &a, &b) < 0);
	assert_true(cmp_col(COL_DST, &a, &b) > 0);
	assert_true(cmp_col(COL_DADDR, &a, &b) > 0);
	assert_true(cmp_col(COL_SPORT, &a, &b) > 0);
	assert_int_equal(cmp_col(COL_DPORT, &a, &b), 0);
	assert_int_equal(cmp_col(COL_PROTO, &a, &b), 0);
	assert_true(cmp_col(COL_REPLY_SRC, &a, &b) > 0);

	/* Endpoints: address first, then port. */
	make_flow(&b, FLOW_IPV4, FLOW_P_TCP, "10.0.0.9", 6, "10.0.0.1", 79);
	assert_true(cmp_col(COL_SRC, &a, &b) < 0);
	assert_true(cmp_col(COL_DST, &a, &b) > 0);
	assert_int_equal(cmp_col(COL_SADDR, &a, &b), 0);

	/* IPv4 before IPv6, whatever the bytes. */
	make_flow(&a, FLOW_IPV4, FLOW_P_TCP, "255.255.255.255", 1, "1.1.1.1", 1);
	make_flow(&b, FLOW_IPV6, FLOW_P_TCP, "::", 1, "::", 1);
	assert_true(cmp_col(COL_SRC, &a, &b) < 0);
	assert_true(cmp_col(COL_DADDR, &a, &b) < 0);
	assert_true(cmp_col(COL_FAMILY, &a, &b) < 0);
	make_flow(&a, FLOW_IPV6, FLOW_P_TCP, "2001:db8::2", 1, "::", 1);
	make_flow(&b, FLOW_IPV6, FLOW_P_TCP, "2001:db8::10", 1, "::", 1);
	assert_true(cmp_col(COL_SRC, &a, &b) < 0);

	/* State: protocol first, then the state number. */
	make_flow(&a, FLOW_IPV4, FLOW_P_TCP, "1.1.1.1", 1, "2.2.2.2", 2);
	make_flow(&b, FLOW_IPV4, FLOW_P_SCTP, "1.1.1.1", 1, "2.2.2.2", 2);
	a.has = b.has = FLOW_HAS_STATE;
	a.state = 7;
	b.state = 1;
	assert_true(cmp_col(COL_STATE, &a, &b) < 0);
	b.protonum = FLOW_P_TCP;
	assert_true(cmp_col(COL_STATE, &a, &b) > 0);
	b.state = 7;
	assert_int_equal(cmp_col(COL_STATE, &a, &b), 0);
	b.has = 0;
	assert_true(cmp_col(COL_STATE, &a, &b) > 0);

	/* Counters: the sum of both directions. */
	a.orig_packets = 10;
	a.reply_packets = 1;
	b.orig_packets = 1;
	b.reply_packets = 11;
	a.orig_bytes = 100;
	b.reply_bytes = 99;
	assert_true(cmp_col(COL_PACKETS, &a, &b) < 0);
	assert_true(cmp_col(COL_BYTES, &a, &b) > 0);
	/* Saturated, not wrapped. */
	a.orig_bytes = UINT64_MAX;
	a.reply_bytes = 2;
	assert_true(cmp_col(COL_BYTES, &a, &b) > 0);

	/* Flags by status, ttl, mark, zone, id numerically. */
	a.status = FLOW_S_ASSURED;
	b.status = FLOW_S_SEEN_REPLY;
	assert_true(cmp_col(COL_FLAGS, &a, &b) > 0);
	a.timeout = 59;
	b.timeout = 3600;
	assert_true(cmp_col(COL_TTL, &a, &b) < 0);
	a.mark = 0x80000000u;
	b.mark = 1;
	assert_true(cmp_col(COL_MARK, &a, &b) > 0);
	a.id = 1;
	b.id = 0xffffffffu;
	assert_true(cmp_col(COL_ID, &a, &b) < 0);

	/* Age: newer start is the smaller age; unknown ages last. */
	a.has = b.has = FLOW_HAS_START;
	a.start_ns = 2000;
	b.start_ns = 1000;
	assert_true(cmp_col(COL_AGE, &a, &b) < 0);
	a.has = 0;
	assert_true(cmp_col(COL_AGE, &a, &b) > 0);

	/* Helper by name, none first. */
	a.helper = 0;
	b.helper = intern_helper("sip");
	assert_true(cmp_col(COL_HELPER, &a, &b) < 0);
	a.helper = intern_helper("ftp");
	assert_true(cmp_col(COL_HELPER, &a, &b) < 0);

	/* Labels: none first, then as the text reads. */
	a.labels = 0;
	b.labels = intern_labels((const uint8_t[]){ 0x02 }, 1);
	assert_true(cmp_col(COL_LABELS, &a, &b) < 0);
	a.labels = intern_labels((const uint8_t[]){ 0x01, 0x80 }, 2);
	assert_true(cmp_col(COL_LABELS, &a, &b) < 0);	/* "0,15" < "1" */

	/* NAT: none < snat < dnat < both. */
	make_flow(&a, FLOW_IPV4, FLOW_P_UDP, "1.1.1.1", 1, "2.2.2.2", 2);
	b = a;
	b.reply.sport = 99;
	assert_true(cmp_col(COL_NAT, &a, &b) < 0);
}

/* Sorting */

#define NFLOWS 6

static void sample_flows(struct flow *fl)
{
	make_flow(&fl[0], FLOW_IPV6, FLOW_P_TCP, "2001:db8::1", 1000, "::1", 22);
	make_flow(&fl[1], FLOW_IPV4, FLOW_P_TCP, "10.0.0.10", 1000, "10.0.0.1", 80);
	make_flow(&fl[2], FLOW_IPV4, FLOW_P_UDP, "10.0.0.9", 53, "10.0.0.1", 53);
	make_flow(&fl[3], FLOW_IPV4, FLOW_P_TCP, "10.0.0.9", 2000, "10.0.0.1", 443);
	make_flow(&fl[4], FLOW_IPV6, FLOW_P_UDP, "::1", 5, "::2", 6);
	make_flow(&fl[5], FLOW_IPV4, FLOW_P_ICMP, "192.168.0.1", 7, "10.0.0.1", 0);
	fl[0].timeout = 100;
	fl[1].timeout = 30;
	fl[2].timeout = 100;
	fl[3].timeout = 5;
	fl[4].timeout = 30;
	fl[5].timeout = 100;
}

/* Sort pointers to fl and check the resulting order of indexes. */
static void check_sort(struct flow *fl, enum column_id col, bool reverse,
		       const int *want)
{
	const struct flow *p[NFLOWS];
	struct sort_spec spec = { .column = col, .reverse = reverse };

	/* Start from two different permutations: the result must not
	 * depend on the input order. */
	for (int perm = 0; perm < 2; perm++) {
		for (int i = 0; i < NFLOWS; i++)
			p[i] = &fl[perm ? NFLOWS - 1 - i : (i * 5) % NFLOWS];
		sort_flows(p, NFLOWS, &spec);
		for (int i = 0; i < NFLOWS; i++)
			if (p[i] != &fl[want[i]])
				fail_msg("column %s%s: position %d is flow %d, want %d",
					 column_get(col)->name,
					 reverse ? " reversed" : "", i,
					 (int)(p[i] - fl), want[i]);
	}
}

static void test_sort_columns(void **state)
{
	struct flow fl[NFLOWS];

	(void)state;
	sample_flows(fl);
	/* Sources: IPv4 numerically (10.0.0.9:53 udp, 10.0.0.9:2000,
	 * 10.0.0.10, 192.168.0.1), then IPv6 (::1, 2001:db8::1). */
	check_sort(fl, COL_SRC, false, (const int[]){ 2, 3, 1, 5, 4, 0 });
	check_sort(fl, COL_SRC, true, (const int[]){ 0, 4, 5, 1, 3, 2 });
	/* Ties on ttl 100 (0, 2, 5) and 30 (1, 4) are in key order:
	 * family, then protocol (icmp 1 < tcp 6 < udp 17). */
	check_sort(fl, COL_TTL, false, (const int[]){ 3, 1, 4, 5, 2, 0 });
	/* Reversed, ties keep the same key order. */
	check_sort(fl, COL_TTL, true, (const int[]){ 5, 2, 0, 1, 4, 3 });
	/* Protocol: icmp, tcp (v4 by source, then v6), udp. */
	check_sort(fl, COL_PROTO, false, (const int[]){ 5, 3, 1, 0, 2, 4 });
	/* Destination ports: icmp has none (0), then 22, 53, 80, 443, 6. */
	check_sort(fl, COL_DPORT, false, (const int[]){ 5, 4, 0, 2, 1, 3 });
	/* Family: all IPv4 first. */
	check_sort(fl, COL_FAMILY, false, (const int[]){ 5, 3, 1, 2, 0, 4 });
}

static void test_sort_compare(void **state)
{
	struct flow a, b;
	struct sort_spec spec = { .column = COL_TTL };

	(void)state;
	make_flow(&a, FLOW_IPV4, FLOW_P_TCP, "10.0.0.1", 1, "10.0.0.2", 2);
	b = a;
	/* Same key, same everything: equal. */
	assert_int_equal(sort_compare(&spec, &a, &b), 0);
	/* The conntrack id is the last tie-break. */
	b.id = 7;
	assert_true(sort_compare(&spec, &a, &b) < 0);
	assert_true(sort_compare(&spec, &b, &a) > 0);
	/* Zone is part of the key. */
	b.id = 0;
	b.orig.zone = b.reply.zone = 1;
	assert_true(sort_compare(&spec, &a, &b) < 0);
	spec.reverse = true;
	assert_true(sort_compare(&spec, &a, &b) < 0);
	/* Reverse flips the column, not the tie-break. */
	a.timeout = 10;
	assert_true(sort_compare(&spec, &a, &b) < 0);
	spec.reverse = false;
	assert_true(sort_compare(&spec, &a, &b) > 0);
}

/* The same flows, refreshed with new timeouts on the tied ones, keep
 * their relative order; a large random set sorts into a total order. */
static void test_sort_large(void **state)
{
	const size_t n = 200000;
	struct flow *fl = calloc(n, sizeof(*fl));
	const struct flow **p = calloc(n, sizeof(*p));
	struct sort_spec spec = { .column = COL_STATE };
	unsigned seed = 1;

	(void)state;
	assert_non_null(fl);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		struct flow *f = &fl[i];

		seed = seed * 1103515245u + 12345u;
		f->family = seed >> 30 ? FLOW_IPV4 : FLOW_IPV6;
		f->protonum = seed >> 29 & 1 ? FLOW_P_TCP : FLOW_P_UDP;
		f->has = FLOW_HAS_STATE;
		f->state = (uint8_t)(seed >> 8 & 7);
		f->orig.src.w[0] = (uint32_t)i * 2654435761u;
		f->orig.sport = (uint16_t)(seed >> 12);
		p[n - 1 - i] = f;
	}
	sort_flows(p, n, &spec);
	for (size_t i = 1; i < n; i++)
		assert_true(sort_compare(&spec, p[i - 1], p[i]) < 0);
	spec.reverse = true;
	sort_flows(p, n, &spec);
	for (size_t i = 1; i < n; i++)
		assert_true(sort_compare(&spec, p[i - 1], p[i]) < 0);
	free(p);
	free(fl);
}

static int plain_cmp(const void *pa, const void *pb, void *arg)
{
	const struct flow *const *a = pa, *const *b = pb;

	return sort_compare(arg, *a, *b);
}

/* Random flows with few distinct values per field, so every column has
 * many ties and the tie-break is exercised. */
static void random_flows(struct flow *fl, size_t n, unsigned seed)
{
	static const uint8_t protos[] = {
		FLOW_P_TCP, FLOW_P_UDP, FLOW_P_ICMP, FLOW_P_GRE, FLOW_P_SCTP,
	};
	uint8_t lab1[] = { 0x01 }, lab2[] = { 0x00, 0x01 }, lab3[] = { 0x06 };
	uint8_t labels[4] = {
		0, intern_labels(lab1, 1), intern_labels(lab2, 2),
		intern_labels(lab3, 1),
	};
	uint8_t helpers[3] = { 0, intern_helper("ftp"), intern_helper("sip") };

	memset(fl, 0, n * sizeof(*fl));
	for (size_t i = 0; i < n; i++) {
		struct flow *f = &fl[i];
		unsigned r[4];

		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			r[k] = seed >> 8;
		}
		f->family = r[0] & 1 ? FLOW_IPV6 : FLOW_IPV4;
		f->protonum = protos[(r[0] >> 1) % sizeof(protos)];
		f->orig.zone = f->reply.zone = (uint16_t)(r[0] >> 4 & 1);
		/* Addresses that differ late (IPv6 low bytes) and early. */
		f->orig.src.b[0] = (uint8_t)(r[1] & 1 ? 10 : 192);
		f->orig.src.b[f->family == FLOW_IPV6 ? 15 : 3] = (uint8_t)(r[1] >> 1 & 3);
		if (f->family == FLOW_IPV6) {
			/* Bytes on each side of the 64-bit prefix boundaries. */
			f->orig.src.b[4 + (r[3] >> 20 & 7)] = (uint8_t)(r[3] >> 23 & 1 ? 0x80 : 1);
			f->orig.dst.b[7] = (uint8_t)(r[3] >> 24 & 1);
		}
		f->orig.dst.b[0] = (uint8_t)(r[1] >> 3 & 1 ? 10 : 172);
		f->orig.dst.b[f->family == FLOW_IPV6 ? 9 : 2] = (uint8_t)(r[1] >> 4 & 3);
		/* Few values, spread over the whole 16 bits. */
		f->orig.sport = (uint16_t)((r[2] & 7) * 9361);
		f->orig.dport = (uint16_t)((r[2] >> 3 & 3) * 21845);
		f->reply.src = f->orig.dst;
		f->reply.dst = r[2] >> 5 & 1 ? f->orig.src : f->orig.dst;
		f->reply.sport = f->orig.dport;
		f->reply.dport = (uint16_t)(r[2] >> 6 & 1 ? f->orig.sport : 9);
		f->has = (uint8_t)(r[3] & 0x7f);
		f->state = (uint8_t)(r[3] >> 7 & 3);
		f->timeout = r[3] >> 9 & 3;
		f->status = r[3] >> 11 & 7;
		f->orig_packets = r[2] >> 7 & 3;
		f->reply_bytes = r[2] >> 9 & 3;
		f->mark = r[3] >> 14 & 1;
		f->id = r[3] >> 15 & 3;
		f->start_ns = r[0] >> 5 & 1 ? 0 : (uint64_t)(r[0] >> 6 & 3) << 62 | 1;
		f->helper = helpers[(r[1] >> 6) % 3];
		f->labels = labels[r[1] >> 8 & 3];
		/* IPv4 bytes past the fourth should be zero; a few are not,
		 * to check the order stays total and the fast path agrees. */
		if (f->family == FLOW_IPV4 && (r[1] >> 10 & 15) == 0)
			f->orig.src.b[4 + (r[1] >> 14 & 7)] = 1;
	}
}

/* The fast decorated sort gives exactly the order of sort_compare. */
static void test_sort_matches_compare(void **state)
{
	const size_t n = 3000;
	struct flow *fl = calloc(n, sizeof(*fl));
	const struct flow **p = calloc(n, sizeof(*p));
	const struct flow **q = calloc(n, sizeof(*q));

	(void)state;
	assert_non_null(fl);
	assert_non_null(p);
	assert_non_null(q);
	random_flows(fl, n, 42);
	for (int col = 0; col < COL_COUNT; col++) {
		for (int rev = 0; rev < 2; rev++) {
			struct sort_spec spec = {
				.column = (enum column_id)col, .reverse = rev,
				.ctx.now_ns = 1ULL << 63,
			};

			for (size_t i = 0; i < n; i++)
				p[i] = q[i] = &fl[(i * 7919) % n];
			sort_flows(p, n, &spec);
			qsort_r(q, n, sizeof(*q), plain_cmp, &spec);
			/* Flows that compare equal (same key and id) may come
			 * in either order; nothing else may differ. */
			for (size_t i = 0; i < n; i++)
				if (p[i] != q[i] && sort_compare(&spec, p[i], q[i]))
					fail_msg("column %s%s: differs at %zu",
						 column_get(spec.column)->name,
						 rev ? " reversed" : "", i);
			for (size_t i = 1; i < n; i++)
				assert_true(sort_compare(&spec, p[i - 1], p[i]) <= 0);
		}
	}
	/* A family other than IPv4/IPv6 takes the plain path, same order. */
	fl[5].family = 0;
	for (size_t i = 0; i < n; i++)
		p[i] = q[i] = &fl[n - 1 - i];
	struct sort_spec spec = { .column = COL_SRC };
	sort_flows(p, n, &spec);
	qsort_r(q, n, sizeof(*q), plain_cmp, &spec);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sort_compare(&spec, p[i], q[i]), 0);
	assert_ptr_equal(p[0], &fl[5]);
	free(q);
	free(p);
	free(fl);
}

/* A million pointers with many ties sort into a total order. Speed is
 * measured in bench/, not asserted here. */
static void test_sort_million(void **state)
{
	const size_t n = 1000000;
	struct flow *fl = calloc(n, sizeof(*fl));
	const struct flow **p = calloc(n, sizeof(*p));
	struct sort_spec spec = { .column = COL_SRC };
	unsigned seed = 7;

	(void)state;
	assert_non_null(fl);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		fl[i].family = FLOW_IPV4;
		fl[i].protonum = FLOW_P_TCP;
		fl[i].orig.src.w[0] = seed & 0x00ffffff;	/* many ties */
		fl[i].orig.sport = (uint16_t)i;
		fl[i].orig.dport = (uint16_t)(i >> 16);
		p[i] = &fl[i];
	}
	sort_flows(p, n, &spec);
	for (size_t i = 1; i < n; i++)
		assert_true(sort_compare(&spec, p[i - 1], p[i]) < 0);
	free(p);
	free(fl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_registry_all_flows),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_format_cells),
		cmocka_unit_test(test_icmp_state_and_rate),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_sort_columns),
		cmocka_unit_test(test_sort_compare),
		cmocka_unit_test(test_sort_large),
		cmocka_unit_test(test_sort_matches_compare),
		cmocka_unit_test(test_sort_million),
	};

	return cmocka_run_group_tests_name("columns", tests, NULL, NULL);
}
