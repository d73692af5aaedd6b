/* Unit tests for the table's compact records (table_rec.h) and its
 * address pool (addr_pool.h): every field of a flow comes back from a
 * record as it went in, IPv4 and IPv6, NAT'd flows whose reply tuple has
 * other addresses, zones, IPv4 addresses with stray bytes; through the
 * table too (upsert, find, update, remove), with the pool's references
 * counted so that an address lives exactly as long as a record uses it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "addr_pool.h"
#include "table.h"
#include "table_rec.h"
#include "../gen.h"

/* A flow with every field set to something other than 0, and values
 * past 32 bits where the field is 64 bits wide. */
static struct flow full(uint8_t family, uint32_t n)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.family = family;
	f.protonum = FLOW_P_TCP;
	if (family == FLOW_IPV4) {
		gen_addr4(&f.orig.src, 0x0a000000u + n);
		gen_addr4(&f.orig.dst, 0xc0a80001u);
		/* SNAT: the reply comes back to the router's address. */
		gen_addr4(&f.reply.src, 0xc0a80001u);
		gen_addr4(&f.reply.dst, 0x64400000u + n);
	} else {
		gen_addr6(&f.orig.src, 0xfd00, 0, n);
		gen_addr6(&f.orig.dst, 0x2001, 0, 0xdb8);
		gen_addr6(&f.reply.src, 0x2001, 0, 0xdb8);
		gen_addr6(&f.reply.dst, 0xfd01, 0, n);	/* NPTv6 */
	}
	f.orig.sport = (uint16_t)(40000 + n);
	f.orig.dport = 443;
	f.reply.sport = 8443;
	f.reply.dport = (uint16_t)(50000 + n);
	f.orig.zone = 3;
	f.reply.zone = 4;
	f.orig_packets = 0x100000001ull;
	f.orig_bytes = 0x123456789abull;
	f.reply_packets = 7;
	f.reply_bytes = 0xfedcba9876543210ull;
	f.start_ns = 1700000000123456789ull;
	f.status = FLOW_S_ASSURED | FLOW_S_SEEN_REPLY | FLOW_S_SRC_NAT |
		   0x80000000u;
	f.timeout = 431999;
	f.mark = 0xdeadbeef;
	f.id = 0x80000000u + n;
	f.state = 3;
	f.helper = 2;
	f.labels = 5;
	f.has = FLOW_HAS_STATE | FLOW_HAS_COUNTERS | FLOW_HAS_START |
		FLOW_HAS_MARK | FLOW_HAS_ZONE | FLOW_HAS_LABELS |
		FLOW_HAS_TIMEOUT;
	return f;
}

static void assert_tuple_equal(const struct flow_tuple *a,
			       const struct flow_tuple *b)
{
	assert_memory_equal(a->src.b, b->src.b, 16);
	assert_memory_equal(a->dst.b, b->dst.b, 16);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->icmp_type, b->icmp_type);
	assert_int_equal(a->icmp_code, b->icmp_code);
	assert_int_equal(a->zone, b->zone);
}

/* Field by field: struct flow has padding that need not match. */
static void assert_flow_equal(const struct flow *a, const struct flow *b)
{
	assert_tuple_equal(&a->orig, &b->orig);
	assert_tuple_equal(&a->reply, &b->reply);
	assert_true(a->orig_packets == b->orig_packets);
	assert_true(a->orig_bytes == b->orig_bytes);
	assert_true(a->reply_packets == b->reply_packets);
	assert_true(a->reply_bytes == b->reply_bytes);
	assert_true(a->start_ns == b->start_ns);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->timeout, b->timeout);
	assert_int_equal(a->mark, b->mark);
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->protonum, b->protonum);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->helper, b->helper);
	assert_int_equal(a->labels, b->labels);
	assert_int_equal(a->has, b->has);
}

static void round_trip(const struct flow *f, bool pooled)
{
	struct addr_pool p;
	struct table_rec r;
	struct flow back, ones;

	addr_pool_init(&p);
	memset(&r, 0, sizeof(r));
	assert_true(rec_store(&r, false, f, &p));
	assert_int_equal(r.pooled, pooled);
	rec_load(&r, &p, &back);
	assert_flow_equal(f, &back);
	/* rec_load writes every byte (fields one by one, padding zeroed):
	 * what the buffer held before does not show. */
	memset(&ones, 0xff, sizeof(ones));
	memset(&back, 0, sizeof(back));
	rec_load(&r, &p, &back);
	rec_load(&r, &p, &ones);
	assert_memory_equal(&back, &ones, sizeof(back));
	assert_true(rec_key_equal(&r, &p, f));
	assert_true(rec_key_hash(&r, &p) == flow_key_hash(f));
	assert_true(flow_key_equal(&back, f));
	rec_release(&r, &p);
	assert_int_equal(addr_pool_count(&p), 0);
	addr_pool_free(&p);
}

static void test_round_trip(void **state)
{
	struct flow f4 = full(FLOW_IPV4, 1), f6 = full(FLOW_IPV6, 1);
	struct flow junk = full(FLOW_IPV4, 2), odd = full(FLOW_IPV4, 3);
	struct flow icmp = full(FLOW_IPV4, 4);

	(void)state;
	assert_int_equal(sizeof(struct table_rec), 104);
	round_trip(&f4, false);
	round_trip(&f6, true);
	/* Bytes past an IPv4 address's fourth are part of the key
	 * (flow_key_equal compares all 16): kept, in the pool. */
	junk.reply.dst.b[9] = 1;
	round_trip(&junk, true);
	/* A family the model has no name for keeps its 16 bytes too. */
	odd.family = 7;
	round_trip(&odd, true);
	icmp.protonum = FLOW_P_ICMP;
	icmp.orig.sport = 77;
	icmp.orig.dport = 0;
	icmp.reply.dport = 0;
	icmp.orig.icmp_type = 8;
	icmp.reply.icmp_type = 0;
	icmp.reply.icmp_code = 9;
	round_trip(&icmp, false);
	icmp.protonum = FLOW_P_ICMPV6;
	icmp.orig.icmp_type = 128;
	icmp.orig.icmp_code = 255;
	icmp.reply.icmp_type = 129;
	icmp.reply.sport = 65535;
	round_trip(&icmp, false);
}

/* ICMP's type and code take the destination port's place in a record, as
 * in the kernel's tuple: a field the protocol does not have is not kept,
 * and is no part of the key. */
static void test_dslot(void **state)
{
	struct addr_pool p;
	struct table_rec r;
	struct flow icmp = full(FLOW_IPV4, 5), tcp = full(FLOW_IPV4, 6);
	struct flow back, same;

	(void)state;
	addr_pool_init(&p);
	icmp.protonum = FLOW_P_ICMP;
	icmp.orig.icmp_type = 8;
	icmp.orig.icmp_code = 1;
	icmp.orig.dport = 99;	/* not an ICMP field */
	assert_true(rec_store(&r, false, &icmp, &p));
	rec_load(&r, &p, &back);
	assert_int_equal(back.orig.dport, 0);
	assert_int_equal(back.orig.icmp_type, 8);
	assert_int_equal(back.orig.icmp_code, 1);
	same = icmp;
	same.orig.dport = 0;
	assert_true(flow_key_equal(&icmp, &same));
	assert_true(flow_key_hash(&icmp) == flow_key_hash(&same));
	assert_true(rec_key_equal(&r, &p, &same));
	assert_true(rec_key_hash(&r, &p) == flow_key_hash(&same));
	/* A different code is another flow. */
	same.orig.icmp_code = 2;
	assert_false(flow_key_equal(&icmp, &same));
	assert_false(rec_key_equal(&r, &p, &same));

	tcp.orig.icmp_type = 3;	/* not a TCP field */
	tcp.reply.icmp_code = 4;
	assert_true(rec_store(&r, false, &tcp, &p));
	rec_load(&r, &p, &back);
	assert_int_equal(back.orig.dport, tcp.orig.dport);
	assert_int_equal(back.reply.dport, tcp.reply.dport);
	assert_int_equal(back.orig.icmp_type, 0);
	assert_int_equal(back.reply.icmp_code, 0);
	assert_true(flow_key_equal(&tcp, &back));
	assert_true(rec_key_equal(&r, &p, &tcp));
	/* The same 16 bits as a port of TCP and as type and code of ICMP
	 * are two flows: the protocol is part of the key. */
	back.protonum = FLOW_P_ICMP;
	assert_false(rec_key_equal(&r, &p, &back));
	addr_pool_free(&p);
}

/* rec_key_equal agrees with flow_key_equal on flows that differ in one
 * key field (or in a field that is not part of the key). */
static void test_key_equal(void **state)
{
	struct addr_pool p;
	struct table_rec r4, r6;
	struct flow f4 = full(FLOW_IPV4, 1), f6 = full(FLOW_IPV6, 1);

	(void)state;
	addr_pool_init(&p);
	memset(&r4, 0, sizeof(r4));
	memset(&r6, 0, sizeof(r6));
	assert_true(rec_store(&r4, false, &f4, &p));
	assert_true(rec_store(&r6, false, &f6, &p));
	for (int field = 0; field < 10; field++) {
		const struct table_rec *rs[2] = { &r4, &r6 };
		const struct flow *fs[2] = { &f4, &f6 };

		for (int v = 0; v < 2; v++) {
			struct flow k = *fs[v];

			switch (field) {
			case 0: k.orig.src.b[3] ^= 1; break;
			case 1: k.orig.dst.b[15] ^= 1; break;
			case 2: k.orig.src.b[8] ^= 1; break;
			case 3: k.orig.sport++; break;
			case 4: k.orig.dport++; break;
			case 5: k.orig.zone++; break;
			case 6: k.reply.zone++; break;
			case 7: k.protonum = FLOW_P_UDP; break;
			case 8:
				/* Not a TCP field (test_dslot): not the key. */
				k.orig.icmp_code = 1;
				break;
			default:
				/* Not the key: the reply's addresses, id. */
				k.reply.src.b[2] ^= 1;
				k.id++;
				break;
			}
			assert_int_equal(rec_key_equal(rs[v], &p, &k),
					 flow_key_equal(fs[v], &k));
			assert_int_equal(rec_key_equal(rs[v], &p, &k),
					 field >= 8);
		}
	}
	/* An IPv4 key never matches an IPv6 record and back. */
	assert_false(rec_key_equal(&r4, &p, &f6));
	assert_false(rec_key_equal(&r6, &p, &f4));
	rec_release(&r4, &p);
	rec_release(&r6, &p);
	addr_pool_free(&p);
}

static void test_pool(void **state)
{
	struct addr_pool p;
	uint8_t a[16] = { 0xfd }, b[16] = { 0xfe };
	uint32_t na, nb, n;

	(void)state;
	addr_pool_init(&p);
	assert_int_equal(addr_pool_find(&p, a), ADDR_POOL_NONE);
	na = addr_pool_get(&p, a);
	assert_int_equal(addr_pool_get(&p, a), na);
	nb = addr_pool_get(&p, b);
	assert_true(na != nb);
	assert_int_equal(addr_pool_count(&p), 2);
	assert_memory_equal(addr_pool_addr(&p, nb), b, 16);
	addr_pool_put(&p, na);
	assert_int_equal(addr_pool_find(&p, a), na);	/* one left */
	addr_pool_put(&p, na);
	assert_int_equal(addr_pool_find(&p, a), ADDR_POOL_NONE);
	assert_int_equal(addr_pool_count(&p), 1);
	/* A freed number is reused. */
	b[15] = 1;
	assert_int_equal(addr_pool_get(&p, b), na);
	/* Many addresses: the index grows, deletions shift entries back,
	 * and every address is still found with its own number. */
	for (uint32_t i = 0; i < 5000; i++) {
		uint8_t x[16] = { 0x20, 0x01 };

		memcpy(x + 12, &i, sizeof(i));
		n = addr_pool_get(&p, x);
		assert_true(n != ADDR_POOL_NONE);
	}
	for (uint32_t i = 0; i < 5000; i += 2) {
		uint8_t x[16] = { 0x20, 0x01 };

		memcpy(x + 12, &i, sizeof(i));
		n = addr_pool_find(&p, x);
		assert_true(n != ADDR_POOL_NONE);
		assert_memory_equal(addr_pool_addr(&p, n), x, 16);
		addr_pool_put(&p, n);
	}
	for (uint32_t i = 0; i < 5000; i++) {
		uint8_t x[16] = { 0x20, 0x01 };

		memcpy(x + 12, &i, sizeof(i));
		n = addr_pool_find(&p, x);
		assert_int_equal(n == ADDR_POOL_NONE, i % 2 == 0);
		if (n != ADDR_POOL_NONE)
			assert_memory_equal(addr_pool_addr(&p, n), x, 16);
	}
	assert_int_equal(addr_pool_count(&p), 2 + 2500);
	addr_pool_free(&p);
}

static struct flow view_of(const struct table *t, const struct table_rec *r)
{
	struct table_flow v;

	assert_non_null(r);
	table_view(t, r, &v);
	return v.f;
}

/* Through the table: IPv6 flows that share addresses share them in the
 * pool; an update that changes the reply's addresses (NAT seen later)
 * moves the references; removing the flows empties the pool, and a
 * sweep that leaves few flows gives the pool's memory back. */
static void test_table_ipv6(void **state)
{
	struct table *t = table_new();
	struct flow f[64], got;
	struct table_rec *r;
	size_t mem_full;

	(void)state;
	assert_non_null(t);
	for (uint32_t i = 0; i < 64; i++) {
		f[i] = full(i % 2 ? FLOW_IPV6 : FLOW_IPV4, i / 4);
		f[i].orig.sport = (uint16_t)(1000 + i);
		assert_non_null(table_upsert(t, &f[i], 0));
	}
	assert_int_equal(table_count(t), 64);
	for (uint32_t i = 0; i < 64; i++) {
		got = view_of(t, table_find(t, &f[i]));
		assert_flow_equal(&got, &f[i]);
	}
	/* A reply tuple rewritten: the record follows, the key stays. */
	gen_addr6(&f[1].reply.dst, 0xfd02, 0, 99);
	f[1].reply.dport = 1;
	r = table_upsert(t, &f[1], 200);
	assert_ptr_equal(r, table_find(t, &f[1]));
	got = view_of(t, r);
	assert_flow_equal(&got, &f[1]);
	/* Every other flow unchanged by it (addresses they share with f[1]
	 * still there). */
	for (uint32_t i = 0; i < 64; i++) {
		got = view_of(t, table_find(t, &f[i]));
		assert_flow_equal(&got, &f[i]);
	}
	for (uint32_t i = 0; i < 64; i += 2)
		assert_true(table_remove(t, &f[i]));
	for (uint32_t i = 1; i < 64; i += 2) {
		got = view_of(t, table_find(t, &f[i]));
		assert_flow_equal(&got, &f[i]);
		assert_true(table_remove(t, &f[i]));
	}
	assert_int_equal(table_count(t), 0);

	/* Many IPv6 flows, each with addresses of its own, then a sweep
	 * that keeps one in a hundred: records and pool shrink. */
	for (uint32_t i = 0; i < 20000; i++) {
		struct flow g = full(FLOW_IPV6, i);

		assert_non_null(table_upsert(t, &g, 0));
	}
	mem_full = table_memory(t);
	table_sweep_begin(t);
	for (uint32_t i = 0; i < 20000; i += 100) {
		struct flow g = full(FLOW_IPV6, i);

		assert_non_null(table_upsert(t, &g, 1));
	}
	assert_int_equal(table_sweep_end(t), 20000 - 200);
	assert_true(table_memory(t) < mem_full / 20);
	for (uint32_t i = 0; i < 20000; i++) {
		struct flow g = full(FLOW_IPV6, i);

		r = table_find(t, &g);
		assert_int_equal(r != NULL, i % 100 == 0);
		if (r) {
			got = view_of(t, r);
			assert_flow_equal(&got, &g);
		}
	}
	table_free(t);
}

/* The index is sized to its load, not to the next power of two: for a
 * million flows, 1.5 x 2^20 entries rather than 2^21. */
static void test_index_size(void **state)
{
	struct table *t = table_new();
	size_t before, idx, floor = (size_t)(1000000 / 0.7) * 4;

	(void)state;
	assert_non_null(t);
	before = table_memory(t);
	assert_int_equal(table_reserve(t, 1000000), 0);
	idx = table_memory(t) - before;
	assert_true(idx >= floor);
	assert_true(idx <= floor + floor / 7);
	table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_dslot),
		cmocka_unit_test(test_key_equal),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_table_ipv6),
		cmocka_unit_test(test_index_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
