/* Unit tests for the flow table: keys, churn, sweeps, tombstones, rates,
 * versions and the memory figure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "table_rec.h"

/* The flow (and rate) of record R of table T, by value. */
static struct table_flow view(const struct table *t, const struct table_rec *r)
{
	struct table_flow v;

	assert_non_null(r);
	table_view(t, r, &v);
	return v;
}
#include "testflow.h"

static struct flow mk4(uint32_t src, uint32_t dst, uint16_t sport,
		       uint16_t dport, uint8_t proto, uint16_t zone, uint32_t id)
{
	return test_flow4(src, dst, sport, dport, proto, zone, id);
}

/* IPv6 flows that differ only in the last address word, so the whole
 * address must be part of the key. */
static struct flow mk6(uint32_t last, uint16_t sport, uint16_t zone,
		       uint32_t id)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.family = FLOW_IPV6;
	f.protonum = FLOW_P_TCP;
	f.orig.zone = f.reply.zone = zone;
	f.id = id;
	f.orig.src.b[0] = 0x20;
	f.orig.src.b[1] = 0x01;
	f.orig.src.w[3] = last;
	f.orig.dst.b[0] = 0xfe;
	f.orig.dst.b[1] = 0x80;
	f.orig.dst.b[15] = 1;
	f.orig.sport = sport;
	f.orig.dport = 443;
	f.reply.src = f.orig.dst;
	f.reply.dst = f.orig.src;
	return f;
}

static void set_counters(struct flow *f, uint64_t bytes, uint64_t packets)
{
	f->has |= FLOW_HAS_COUNTERS;
	f->orig_bytes = bytes / 2;
	f->reply_bytes = bytes - bytes / 2;
	f->orig_packets = packets / 2;
	f->reply_packets = packets - packets / 2;
}

static void test_ipv4_basic(void **state)
{
	struct table *t = table_new();
	struct flow a = mk4(0x0100000a, 0x0200000a, 1000, 80, FLOW_P_TCP, 0, 1);
	struct flow b = mk4(0x0100000a, 0x0200000a, 1001, 80, FLOW_P_TCP, 0, 2);
	struct flow udp = mk4(0x0100000a, 0x0200000a, 1000, 80, FLOW_P_UDP, 0, 3);
	struct table_rec *ra, *r;

	(void)state;
	assert_non_null(t);
	assert_int_equal(table_count(t), 0);
	assert_null(table_find(t, &a));

	ra = table_upsert(t, &a, 1000);
	assert_non_null(ra);
	assert_non_null(table_upsert(t, &b, 1000));
	assert_non_null(table_upsert(t, &udp, 1000));
	assert_int_equal(table_count(t), 3);
	assert_ptr_equal(table_find(t, &a), ra);
	assert_int_equal(view(t, table_find(t, &b)).f.orig.sport, 1001);
	assert_int_equal(view(t, table_find(t, &udp)).f.protonum, FLOW_P_UDP);

	/* Update in place. */
	a.timeout = 5;
	a.status = FLOW_S_ASSURED;
	r = table_upsert(t, &a, 1000);
	assert_ptr_equal(r, ra);
	assert_int_equal(table_count(t), 3);
	assert_int_equal(view(t, table_find(t, &a)).f.timeout, 5);
	assert_int_equal(view(t, table_find(t, &a)).f.status, FLOW_S_ASSURED);

	assert_true(table_remove(t, &a));
	assert_null(table_find(t, &a));
	assert_false(table_remove(t, &a));
	assert_int_equal(table_count(t), 2);
	assert_non_null(table_find(t, &b));
	assert_non_null(table_find(t, &udp));
	table_free(t);
}

static void test_ipv6_basic(void **state)
{
	struct table *t = table_new();
	struct flow a = mk6(1, 5000, 0, 10);
	struct flow b = mk6(2, 5000, 0, 11);
	struct flow v4 = mk4(0, 0, 5000, 443, FLOW_P_TCP, 0, 12);

	(void)state;
	/* A v4 flow whose address bytes equal a's first word. */
	memcpy(v4.orig.src.b, a.orig.src.b, 4);
	memcpy(v4.orig.dst.b, a.orig.dst.b, 4);

	assert_non_null(table_upsert(t, &a, 0));
	assert_null(table_find(t, &b));
	assert_null(table_find(t, &v4));
	assert_non_null(table_upsert(t, &b, 0));
	assert_non_null(table_upsert(t, &v4, 0));
	assert_int_equal(table_count(t), 3);
	assert_int_equal(view(t, table_find(t, &a)).f.id, 10);
	assert_int_equal(view(t, table_find(t, &b)).f.id, 11);
	assert_int_equal(view(t, table_find(t, &v4)).f.id, 12);
	assert_int_equal(view(t, table_find(t, &b)).f.family, FLOW_IPV6);

	assert_true(table_remove(t, &a));
	assert_null(table_find(t, &a));
	assert_non_null(table_find(t, &b));
	assert_non_null(table_find(t, &v4));
	assert_int_equal(table_count(t), 2);
	table_free(t);
}

static void test_zones_and_ids(void **state)
{
	struct table *t = table_new();
	struct flow z0 = mk4(0x0100000a, 0x0200000a, 53, 53, FLOW_P_UDP, 0, 1);
	struct flow z1 = z0;
	struct flow again = z0;
	struct flow v6z0 = mk6(9, 1, 0, 1), v6z7 = mk6(9, 1, 7, 1);

	(void)state;
	z1.orig.zone = z1.reply.zone = 1;
	z1.id = 2;
	assert_non_null(table_upsert(t, &z0, 0));
	assert_non_null(table_upsert(t, &z1, 0));
	assert_non_null(table_upsert(t, &v6z0, 0));
	assert_non_null(table_upsert(t, &v6z7, 0));
	assert_int_equal(table_count(t), 4);
	assert_int_equal(view(t, table_find(t, &z1)).f.orig.zone, 1);
	assert_int_equal(view(t, table_find(t, &z0)).f.orig.zone, 0);
	assert_int_equal(view(t, table_find(t, &v6z7)).f.orig.zone, 7);

	/* Same tuple and zone, another conntrack id: the same flow. */
	again.id = 99;
	again.timeout = 7;
	assert_non_null(table_upsert(t, &again, 0));
	assert_int_equal(table_count(t), 4);
	assert_int_equal(view(t, table_find(t, &z0)).f.id, 99);
	assert_int_equal(view(t, table_find(t, &z0)).f.timeout, 7);
	assert_int_equal(view(t, table_find(t, &z1)).f.id, 2);

	assert_true(table_remove(t, &z1));
	assert_non_null(table_find(t, &z0));
	assert_null(table_find(t, &z1));
	assert_true(table_remove(t, &v6z0));
	assert_non_null(table_find(t, &v6z7));
	table_free(t);
}

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so failures reproduce. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Key I is unique: its index is in the source address and port; the rest
 * is random so the keys do not come in hash-friendly order. */
static struct flow key_n(uint32_t i)
{
	uint64_t r = rng();
	struct flow f;

	if (i % 3 == 0) {
		f = mk6(i, (uint16_t)r, (uint16_t)(r >> 16) & 3, (uint32_t)(r >> 32));
		f.orig.dst.w[1] = (uint32_t)(r >> 20);
	} else {
		f = mk4(i, (uint32_t)(r >> 32), (uint16_t)r, 443,
			(r >> 18) & 1 ? FLOW_P_TCP : FLOW_P_UDP,
			(uint16_t)(r >> 16) & 1, (uint32_t)(r >> 24));
	}
	f.mark = i;
	return f;
}

#define RANDOM_N 200000

static void test_random_half_removed(void **state)
{
	struct table *t = table_new();
	struct flow *keys = malloc(RANDOM_N * sizeof(*keys));
	unsigned char *seen = calloc(RANDOM_N, 1);
	struct table_rec *r;
	size_t cursor = 0, n = 0;

	(void)state;
	assert_non_null(keys);
	assert_non_null(seen);
	for (uint32_t i = 0; i < RANDOM_N; i++) {
		keys[i] = key_n(i);
		assert_non_null(table_upsert(t, &keys[i], i));
	}
	assert_int_equal(table_count(t), RANDOM_N);

	for (uint32_t i = 0; i < RANDOM_N; i += 2)
		assert_true(table_remove(t, &keys[i]));
	assert_int_equal(table_count(t), RANDOM_N / 2);

	for (uint32_t i = 0; i < RANDOM_N; i++) {
		r = table_find(t, &keys[i]);
		if (i % 2) {
			assert_non_null(r);
			assert_int_equal(view(t, r).f.mark, i);
		} else {
			assert_null(r);
		}
	}

	/* Iteration sees each live flow exactly once. */
	while ((r = table_next(t, &cursor))) {
		assert_true(view(t, r).f.mark % 2 == 1);
		assert_false(seen[view(t, r).f.mark]);
		seen[view(t, r).f.mark] = 1;
		n++;
	}
	assert_int_equal(n, RANDOM_N / 2);
	assert_null(table_next(t, &cursor));

	/* Removed slots are reused: no growth when refilling. */
	size_t mem = table_memory(t);
	for (uint32_t i = 0; i < RANDOM_N; i += 2)
		assert_non_null(table_upsert(t, &keys[i], 0));
	assert_int_equal(table_memory(t), mem);
	for (uint32_t i = 0; i < RANDOM_N; i++)
		assert_int_equal(view(t, table_find(t, &keys[i])).f.mark, i);

	free(seen);
	free(keys);
	table_free(t);
}

/* Random inserts and removes against a reference array: exercises the
 * backward-shift deletion over long probe runs and many resizes. */
static void test_churn_model(void **state)
{
	enum { N = 4000, OPS = 300000 };
	struct table *t = table_new();
	struct flow *keys = malloc(N * sizeof(*keys));
	bool *in = calloc(N, sizeof(*in));
	size_t count = 0;

	(void)state;
	for (uint32_t i = 0; i < N; i++)
		keys[i] = key_n(i);
	for (uint32_t op = 0; op < OPS; op++) {
		uint32_t i = (uint32_t)(rng() % N);
		/* Drift between mostly-inserting and mostly-removing phases
		 * so the index grows and shrinks. */
		bool grow = (op / 20000) % 2 == 0;
		bool insert = rng() % 4 != 0 ? grow : !grow;

		if (insert) {
			assert_non_null(table_upsert(t, &keys[i], op));
			count += !in[i];
			in[i] = true;
		} else {
			assert_int_equal(table_remove(t, &keys[i]), in[i]);
			count -= in[i];
			in[i] = false;
		}
		assert_int_equal(table_count(t), count);
		/* Now and then a dump that misses a third of the flows. */
		if (op % 25000 == 24999) {
			size_t gone = 0;

			table_sweep_begin(t);
			for (uint32_t k = 0; k < N; k++) {
				if (in[k] && k % 3 != op % 3)
					assert_non_null(table_upsert(t, &keys[k], op));
				else if (in[k])
					gone++;
				in[k] = in[k] && k % 3 != op % 3;
			}
			assert_int_equal(table_sweep_end(t), gone);
			count -= gone;
			assert_int_equal(table_count(t), count);
		}
		if (op % 10000 == 0 || op == OPS - 1) {
			for (uint32_t k = 0; k < N; k++) {
				struct table_rec *r = table_find(t, &keys[k]);

				assert_int_equal(r != NULL, in[k]);
				if (r)
					assert_int_equal(view(t, r).f.mark, k);
			}
		}
	}
	free(in);
	free(keys);
	table_free(t);
}

static void test_sweep(void **state)
{
	struct table *t = table_new();
	struct flow f[6];

	(void)state;
	for (uint32_t i = 0; i < 6; i++) {
		f[i] = mk4(0x0a000000 + i, 0x08080808, 4000 + i, 53,
			   FLOW_P_UDP, 0, i + 1);
		if (i < 5)
			assert_non_null(table_upsert(t, &f[i], 0));
	}
	/* A sweep with nothing open removes nothing. */
	assert_int_equal(table_sweep_end(t), 0);
	assert_int_equal(table_count(t), 5);

	/* The dump holds 0, 2 and the new 5; 4 comes from an event. */
	table_sweep_begin(t);
	assert_non_null(table_upsert(t, &f[0], 10));
	assert_non_null(table_upsert(t, &f[2], 10));
	assert_non_null(table_upsert(t, &f[5], 10));
	f[4].timeout = 1;
	assert_non_null(table_upsert(t, &f[4], 10));
	assert_int_equal(table_sweep_end(t), 2);
	assert_int_equal(table_count(t), 4);
	assert_null(table_find(t, &f[1]));
	assert_null(table_find(t, &f[3]));
	assert_non_null(table_find(t, &f[0]));
	assert_non_null(table_find(t, &f[2]));
	assert_non_null(table_find(t, &f[4]));
	assert_non_null(table_find(t, &f[5]));

	/* Flows inserted between sweeps are old at the next one. */
	assert_non_null(table_upsert(t, &f[1], 20));
	table_sweep_begin(t);
	assert_non_null(table_upsert(t, &f[5], 30));
	assert_int_equal(table_sweep_end(t), 4);
	assert_int_equal(table_count(t), 1);
	assert_non_null(table_find(t, &f[5]));

	/* An empty dump empties the table. */
	table_sweep_begin(t);
	assert_int_equal(table_sweep_end(t), 1);
	assert_int_equal(table_count(t), 0);
	assert_null(table_next(t, &(size_t){ 0 }));
	table_free(t);
}

static void test_sweep_large(void **state)
{
	enum { N = 50000 };
	struct table *t = table_new();
	struct flow *keys = malloc(N * sizeof(*keys));
	struct table_rec *r;
	size_t mem_full, cursor = 0, n;

	(void)state;
	for (uint32_t i = 0; i < N; i++) {
		keys[i] = key_n(i);
		assert_non_null(table_upsert(t, &keys[i], 0));
	}
	mem_full = table_memory(t);
	table_sweep_begin(t);
	for (uint32_t i = 0; i < N; i += 100)
		assert_non_null(table_upsert(t, &keys[i], 1));
	assert_int_equal(table_sweep_end(t), N - N / 100);
	assert_int_equal(table_count(t), N / 100);
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(table_find(t, &keys[i]) != NULL, i % 100 == 0);
	/* The records were compacted and the index shrank with them. */
	assert_true(table_memory(t) < mem_full / 20);
	n = 0;
	while ((r = table_next(t, &cursor))) {
		assert_int_equal(view(t, r).f.mark % 100, 0);
		struct flow k = view(t, r).f;

		assert_ptr_equal(table_find(t, &k), r);
		n++;
	}
	assert_int_equal(n, N / 100);
	/* And the table still works after it. */
	for (uint32_t i = 0; i < N; i++)
		assert_non_null(table_upsert(t, &keys[i], 2));
	assert_int_equal(table_count(t), N);
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(view(t, table_find(t, &keys[i])).f.mark, i);
	free(keys);
	table_free(t);
}

/* Sweeps against a model, with what happens while a dump is under way:
 * flows removed (by events) before or after the dump saw them, their
 * slots reused by new flows, sweeps begun twice (a dump asked again),
 * and dumps that see everything (their end has nothing to remove). */
static void test_sweep_model(void **state)
{
	enum { N = 3000, SWEEPS = 120 };
	struct table *t = table_new();
	struct flow *keys = malloc(N * sizeof(*keys));
	bool *in = calloc(N, sizeof(*in)), *seen = calloc(N, sizeof(*seen));
	size_t count = 0;

	(void)state;
	for (uint32_t i = 0; i < N; i++)
		keys[i] = key_n(i);
	for (uint32_t i = 0; i < N; i += 2) {
		assert_non_null(table_upsert(t, &keys[i], 0));
		in[i] = true;
		count++;
	}
	for (uint32_t sw = 0; sw < SWEEPS; sw++) {
		/* Every fourth dump sees the whole table. */
		unsigned miss = sw % 4 == 0 ? 0 : 1 + (unsigned)(rng() % 5);
		size_t gone = 0;

		table_sweep_begin(t);
		if (sw % 7 == 3) {
			/* Asked again before it ended: starts over. */
			assert_non_null(table_upsert(t, &keys[0], sw));
			count += !in[0];
			in[0] = true;
			table_sweep_begin(t);
		}
		memset(seen, 0, N * sizeof(*seen));
		for (uint32_t op = 0; op < 4 * N; op++) {
			uint32_t i = (uint32_t)(rng() % N);

			switch (rng() % 8) {
			case 0:	/* DESTROY event: removed, whoever saw it */
				assert_int_equal(table_remove(t, &keys[i]),
						 in[i]);
				count -= in[i];
				in[i] = seen[i] = false;
				break;
			case 1:	/* NEW event: a new connection id */
				keys[i].id++;
				count += !in[i];
				in[i] = seen[i] = true;
				assert_non_null(table_upsert(t, &keys[i], sw));
				break;
			default:	/* the dump: only what it holds */
				if (!in[i] || (miss && i % 5 < miss))
					break;
				assert_non_null(table_upsert(t, &keys[i], sw));
				seen[i] = true;
				break;
			}
		}
		for (uint32_t i = 0; i < N; i++) {
			if (in[i] && !seen[i] && (!miss || i % 5 >= miss)) {
				/* The dump reaches the rest of its part. */
				assert_non_null(table_upsert(t, &keys[i], sw));
				seen[i] = true;
			}
			gone += in[i] && !seen[i];
		}
		assert_int_equal(table_sweep_end(t), gone);
		if (!miss)
			assert_int_equal(gone, 0);
		for (uint32_t i = 0; i < N; i++) {
			in[i] = in[i] && seen[i];
			assert_int_equal(table_find(t, &keys[i]) != NULL, in[i]);
		}
		count -= gone;
		assert_int_equal(table_count(t), count);
		/* Between sweeps, refill: freed slots are reused. */
		for (uint32_t i = sw % 3; i < N; i += 3)
			if (!in[i]) {
				assert_non_null(table_upsert(t, &keys[i], sw));
				in[i] = true;
				count++;
			}
		assert_int_equal(table_count(t), count);
	}
	free(seen);
	free(in);
	free(keys);
	table_free(t);
}

/* Sizing the index ahead changes nothing but the memory. */
static void test_reserve(void **state)
{
	enum { N = 40000 };
	struct table *t = table_new();
	struct flow *keys = malloc(N * sizeof(*keys));
	size_t before;

	(void)state;
	for (uint32_t i = 0; i < N; i++)
		keys[i] = key_n(i);
	for (uint32_t i = 0; i < 100; i++)
		assert_non_null(table_upsert(t, &keys[i], 0));
	before = table_memory(t);
	assert_int_equal(table_reserve(t, N), 0);
	/* At least N index entries of 4 bytes, at a load of at most 0.7. */
	assert_true(table_memory(t) >= before + N * 4 * 10 / 7 - 64 * 4);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(view(t, table_find(t, &keys[i])).f.mark, i);
	before = table_memory(t);
	for (uint32_t i = 100; i < N; i++)
		assert_non_null(table_upsert(t, &keys[i], 0));
	/* Only records (and their bits beside them) and the IPv6 flows'
	 * addresses were added: the index did not grow. A third of the
	 * flows are IPv6 with two addresses of their own, each 20 bytes in
	 * the pool (which grows by half) and 4 in its index (load 1/8 to
	 * 1/2). */
	assert_true(table_memory(t) - before <=
		    (size_t)N * (sizeof(struct table_rec) + 1) +
		    (size_t)(N / 3 + 1) * 2 * (20 * 3 / 2 + 4 * 8));
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(view(t, table_find(t, &keys[i])).f.mark, i);
	/* It never shrinks. */
	before = table_memory(t);
	assert_int_equal(table_reserve(t, 10), 0);
	assert_int_equal(table_memory(t), before);
	free(keys);
	table_free(t);
}

static void test_tombstone(void **state)
{
	struct table *t = table_new();
	struct flow a = mk4(0x0100000a, 0x0200000a, 1234, 22, FLOW_P_TCP, 0, 7);
	struct flow b = mk6(5, 777, 3, 70);
	struct flow a_new = a;

	(void)state;
	assert_non_null(table_upsert(t, &a, 0));

	table_sweep_begin(t);
	/* DESTROY during the dump, then the dump's stale copy arrives. */
	assert_true(table_remove(t, &a));
	assert_null(table_upsert(t, &a, 1));
	assert_null(table_find(t, &a));
	assert_int_equal(table_count(t), 0);
	assert_null(table_upsert(t, &a, 2));	/* still blocked */

	/* A flow created and destroyed during the dump (never stored). */
	assert_false(table_remove(t, &b));
	assert_null(table_upsert(t, &b, 3));
	assert_null(table_find(t, &b));

	/* A new connection on the same tuple (another id) may live. */
	a_new.id = 8;
	assert_non_null(table_upsert(t, &a_new, 4));
	assert_int_equal(view(t, table_find(t, &a)).f.id, 8);
	assert_int_equal(table_sweep_end(t), 0);
	assert_int_equal(view(t, table_find(t, &a)).f.id, 8);
	assert_null(table_find(t, &b));

	/* After the sweep the tombstones are gone. */
	assert_non_null(table_upsert(t, &b, 5));
	assert_non_null(table_find(t, &b));
	assert_true(table_remove(t, &a));
	assert_non_null(table_upsert(t, &a, 6));	/* no sweep open */
	assert_int_equal(view(t, table_find(t, &a)).f.id, 7);
	table_free(t);
}

static void test_tombstone_many(void **state)
{
	enum { N = 3000 };
	struct table *t = table_new();
	struct flow *keys = malloc(N * sizeof(*keys));

	(void)state;
	for (uint32_t i = 0; i < N; i++) {
		keys[i] = key_n(i);
		assert_non_null(table_upsert(t, &keys[i], 0));
	}
	table_sweep_begin(t);
	for (uint32_t i = 0; i < N; i += 2)
		assert_true(table_remove(t, &keys[i]));
	/* Clear every fourth tombstone with a new id. */
	for (uint32_t i = 0; i < N; i += 4) {
		struct flow n = keys[i];

		n.id++;
		assert_non_null(table_upsert(t, &n, 1));
	}
	for (uint32_t i = 0; i < N; i++) {
		struct table_rec *r = table_upsert(t, &keys[i], 2);

		if (i % 2 == 0 && i % 4 != 0)
			assert_null(r);
		else
			assert_non_null(r);
	}
	assert_int_equal(table_sweep_end(t), 0);
	assert_int_equal(table_count(t), N - N / 4);
	free(keys);
	table_free(t);
}

static void test_rates(void **state)
{
	struct table *t = table_new();
	struct flow f = mk4(0x0100000a, 0x0200000a, 40000, 443, FLOW_P_TCP, 0, 1);
	struct flow nocnt;
	struct table_rec *r;
	const uint64_t t0 = 5000000000ull;	/* far from 0: epoch matters */

	(void)state;
	set_counters(&f, 1000, 10);
	r = table_upsert(t, &f, t0);
	assert_int_equal(view(t, r).sample_ms, 0);
	assert_true(view(t, r).bps == 0 && view(t, r).pps == 0);

	/* Too close to the last sample: no rate yet; the counters moved,
	 * so the sample moves with them. */
	set_counters(&f, 1500, 15);
	r = table_upsert(t, &f, t0 + 50);
	assert_true(view(t, r).bps == 0 && view(t, r).pps == 0);
	assert_int_equal(view(t, r).sample_ms, 50);

	/* Too close, counters unchanged: the sample stays. */
	r = table_upsert(t, &f, t0 + 120);
	assert_true(view(t, r).bps == 0 && view(t, r).pps == 0);
	assert_int_equal(view(t, r).sample_ms, 50);

	set_counters(&f, 3000, 30);	/* +1500 B, +15 pkt in 150 ms */
	r = table_upsert(t, &f, t0 + 200);
	assert_int_equal(view(t, r).sample_ms, 200);
	assert_float_equal(view(t, r).bps, 10000.0, 0.01);
	assert_float_equal(view(t, r).pps, 100.0, 0.01);

	set_counters(&f, 4000, 35);	/* +1000 B, +5 pkt in 500 ms */
	r = table_upsert(t, &f, t0 + 700);
	assert_float_equal(view(t, r).bps, 2000.0, 0.01);
	assert_float_equal(view(t, r).pps, 10.0, 0.01);

	/* An event without counters keeps them and the rate. */
	nocnt = f;
	nocnt.has &= ~FLOW_HAS_COUNTERS;
	nocnt.orig_bytes = nocnt.reply_bytes = 0;
	nocnt.orig_packets = nocnt.reply_packets = 0;
	nocnt.timeout = 3;
	r = table_upsert(t, &nocnt, t0 + 750);
	assert_int_equal(view(t, r).f.orig_bytes + view(t, r).f.reply_bytes, 4000);
	assert_true(view(t, r).f.has & FLOW_HAS_COUNTERS);
	assert_int_equal(view(t, r).f.timeout, 3);
	assert_float_equal(view(t, r).bps, 2000.0, 0.01);

	/* Counters going backwards: a reused tuple, rate 0. */
	set_counters(&f, 100, 1);
	r = table_upsert(t, &f, t0 + 1000);
	assert_true(view(t, r).bps == 0 && view(t, r).pps == 0);
	assert_int_equal(view(t, r).sample_ms, 1000);

	set_counters(&f, 600, 6);	/* +500 B, +5 pkt in 100 ms */
	r = table_upsert(t, &f, t0 + 1100);
	assert_float_equal(view(t, r).bps, 5000.0, 0.01);
	assert_float_equal(view(t, r).pps, 50.0, 0.01);

	/* Idle for a second: the rate falls to 0. */
	r = table_upsert(t, &f, t0 + 2100);
	assert_true(view(t, r).bps == 0 && view(t, r).pps == 0);

	/* A new id with larger counters is also a new connection. */
	set_counters(&f, 1000000, 1000);
	f.id = 2;
	r = table_upsert(t, &f, t0 + 2300);
	assert_true(view(t, r).bps == 0 && view(t, r).pps == 0);
	assert_int_equal(view(t, r).sample_ms, 2300);

	/* Packets past 2^32 in a delta still count (64-bit counters). */
	set_counters(&f, 2000000, 1000 + 0x100000000ull);
	r = table_upsert(t, &f, t0 + 3300);
	assert_float_equal(view(t, r).bps, 1000000.0, 0.01);
	assert_float_equal(view(t, r).pps, 4294967296.0, 1000.0);
	table_free(t);
}

static void test_version(void **state)
{
	struct table *t = table_new();
	struct flow a = mk4(0x0100000a, 0x0200000a, 1000, 80, FLOW_P_TCP, 0, 1);
	struct flow b = mk4(0x0300000a, 0x0200000a, 1000, 80, FLOW_P_TCP, 0, 2);
	struct flow same;
	uint64_t v;
	unsigned char *pad;

	(void)state;
	v = table_version(t);
	assert_non_null(table_upsert(t, &a, 0));
	assert_true(table_version(t) > v);

	v = table_version(t);
	assert_non_null(table_upsert(t, &a, 0));
	assert_int_equal(table_version(t), v);

	/* Identical but for the padding at the end of the record: still no
	 * change. */
	memcpy(&same, &a, sizeof(same));
	pad = (unsigned char *)&same;
	for (size_t i = offsetof(struct flow, has) + 1; i < sizeof(struct flow);
	     i++)
		pad[i] = 0x5a;
	assert_non_null(table_upsert(t, &same, 0));
	assert_int_equal(table_version(t), v);

	a.timeout = 1;
	assert_non_null(table_upsert(t, &a, 0));
	assert_true(table_version(t) > v);

	v = table_version(t);
	assert_null(table_find(t, &b));
	assert_false(table_remove(t, &b));
	assert_int_equal(table_version(t), v);

	assert_true(table_remove(t, &a));
	assert_true(table_version(t) > v);

	/* A rate falling to 0 with unchanged counters is a change. */
	set_counters(&b, 1000, 10);
	assert_non_null(table_upsert(t, &b, 0));
	set_counters(&b, 2000, 20);
	assert_non_null(table_upsert(t, &b, 100));
	v = table_version(t);
	assert_non_null(table_upsert(t, &b, 150));	/* too soon: same */
	assert_int_equal(table_version(t), v);
	assert_non_null(table_upsert(t, &b, 1000));
	assert_true(table_find(t, &b)->bps == 0);
	assert_true(table_version(t) > v);

	/* Sweep removals count too. */
	v = table_version(t);
	table_sweep_begin(t);
	assert_int_equal(table_sweep_end(t), 1);
	assert_true(table_version(t) > v);
	table_free(t);
}

static void test_bad_family(void **state)
{
	struct table *t = table_new();
	struct flow f = mk4(1, 2, 3, 4, FLOW_P_UDP, 0, 1);

	(void)state;
	f.family = 0;
	assert_null(table_upsert(t, &f, 0));
	assert_int_equal(table_count(t), 0);
	assert_false(table_remove(t, &f));
	assert_null(table_find(t, &f));
	table_free(t);
}

/* Silent bits: set by reads of flows not seen in an event, cleared by an
 * event, set again for a new conntrack id on the tuple, dropped with the
 * record, kept through a compaction; the iteration finds exactly them. */
static void test_silent(void **state)
{
	enum { N = 3000 };
	struct table *t = table_new();
	struct flow *k = malloc((N + 2) * sizeof(*k));
	size_t cur = 0, n = 0;
	struct table_rec *r;
	struct flow f;

	(void)state;
	for (uint32_t i = 0; i < N + 2; i++)
		k[i] = key_n(i);
	/* Flows read from a dump, more than a chunk of them. */
	for (uint32_t i = 0; i < N; i++)
		assert_non_null(table_upsert_ends(t, &k[i], 0,
						  TABLE_ENDS_UNKNOWN));
	assert_int_equal(table_silent_count(t), N);
	/* A flow born in an event, and a plain upsert: not silent. */
	assert_non_null(table_upsert_ends(t, &k[N], 0, TABLE_ENDS_REPORTED));
	assert_non_null(table_upsert(t, &k[N + 1], 0));
	assert_false(table_is_silent(t, &k[N]));
	assert_false(table_is_silent(t, &k[N + 1]));
	assert_int_equal(table_silent_count(t), N);

	/* Events for every odd one: they will report their end. */
	for (uint32_t i = 1; i < N; i += 2)
		assert_non_null(table_upsert_ends(t, &k[i], 1,
						  TABLE_ENDS_REPORTED));
	assert_int_equal(table_silent_count(t), N / 2);
	/* A read again keeps what an event taught... */
	assert_non_null(table_upsert_ends(t, &k[1], 2, TABLE_ENDS_UNKNOWN));
	assert_false(table_is_silent(t, &k[1]));
	/* ... unless the tuple now holds another connection. */
	f = k[1];
	f.id += 77;
	assert_non_null(table_upsert_ends(t, &f, 2, TABLE_ENDS_UNKNOWN));
	assert_true(table_is_silent(t, &f));
	assert_int_equal(table_silent_count(t), N / 2 + 1);
	/* A plain upsert keeps it too. */
	assert_non_null(table_upsert(t, &f, 3));
	assert_true(table_is_silent(t, &f));

	while ((r = table_next_silent(t, &cur))) {
		struct flow k = view(t, r).f;

		assert_true(table_is_silent(t, &k));
		assert_true(view(t, r).f.mark % 2 == 0 || view(t, r).f.mark == 1);
		n++;
	}
	assert_int_equal(n, N / 2 + 1);

	/* Removing shrinks the set; the turned-over table has none left. */
	for (uint32_t i = 0; i < N; i++)
		assert_true(table_remove(t, &k[i]));
	assert_int_equal(table_silent_count(t), 0);
	cur = 0;
	assert_null(table_next_silent(t, &cur));
	assert_int_equal(table_count(t), 2);
	free(k);
	table_free(t);
}

/* A sweep that leaves under a quarter of the slots live moves records
 * down: their silent bits go with them. */
static void test_silent_compact(void **state)
{
	enum { N = 8192, KEEP = 1000 };
	struct table *t = table_new();
	struct flow *k = malloc(N * sizeof(*k));
	size_t cur = 0, n = 0;
	struct table_rec *r;

	(void)state;
	for (uint32_t i = 0; i < N; i++) {
		k[i] = key_n(i);
		assert_non_null(table_upsert_ends(t, &k[i], 0,
			i % 3 ? TABLE_ENDS_REPORTED : TABLE_ENDS_UNKNOWN));
	}
	/* Keep the last ones (slots at the top, so they move). */
	table_sweep_begin(t);
	for (uint32_t i = N - KEEP; i < N; i++)
		assert_non_null(table_upsert(t, &k[i], 1));
	assert_int_equal(table_sweep_end(t), N - KEEP);
	assert_int_equal(table_count(t), KEEP);
	for (uint32_t i = N - KEEP; i < N; i++) {
		assert_int_equal(table_is_silent(t, &k[i]), i % 3 == 0);
		n += i % 3 == 0;
	}
	assert_int_equal(table_silent_count(t), n);
	while ((r = table_next_silent(t, &cur))) {
		assert_true(view(t, r).f.mark % 3 == 0);
		n--;
	}
	assert_int_equal(n, 0);
	free(k);
	table_free(t);
}

#define MILLION 1000000

static void test_memory_million(void **state)
{
	struct table *t = table_new();
	size_t mem, cursor = 0, n = 0;
	double per_flow;

	(void)state;
	for (uint32_t i = 0; i < MILLION; i++) {
		struct flow f = key_n(i);

		assert_non_null(table_upsert(t, &f, i / 1000));
	}
	assert_int_equal(table_count(t), MILLION);
	while (table_next(t, &cursor))
		n++;
	assert_int_equal(n, MILLION);

	mem = table_memory(t);
	per_flow = (double)mem / (double)table_count(t);
	printf("table: %zu flows, %zu bytes, %.1f bytes/flow "
	       "(struct table_rec %zu)\n",
	       table_count(t), mem, per_flow, sizeof(struct table_rec));
	/* The records alone are the floor; the index must stay small. */
	assert_true(mem >= MILLION * sizeof(struct table_rec));
	/* A third are IPv6 flows, each with addresses of its own in the
	 * pool: the worst case for it. */
	assert_true(per_flow < 150.0);
	/* A record is the flow with small addresses and its rate state, no
	 * padding: the sweep marks live beside the records. */
	assert_int_equal(sizeof(struct table_rec), 104);
	table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_basic),
		cmocka_unit_test(test_ipv6_basic),
		cmocka_unit_test(test_zones_and_ids),
		cmocka_unit_test(test_random_half_removed),
		cmocka_unit_test(test_churn_model),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_sweep_large),
		cmocka_unit_test(test_sweep_model),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_tombstone),
		cmocka_unit_test(test_tombstone_many),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_bad_family),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_silent_compact),
		cmocka_unit_test(test_memory_million),
	};

	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
