/* The screen's model without a kernel: N flows (default 1,000,000) in a
 * table, and the sorted list over them, timed and measured.
 *
 *   build/bench/order [N]
 *
 * The flows are made like ctload's mix: 88 % IPv4 (a tenth of them SNAT'd,
 * with other reply addresses), 12 % IPv6, N/50 sources, counters and
 * timeouts set. Printed: the table's bytes per flow (table_memory) and
 * the list's; the time to fill the table, to look every flow up, to sort
 * the whole list by source, TTL, bytes and rate (a full rebuild, best of
 * 3), to rebuild it with a filter, to bring it up to date after 200
 * flows changed (order_update, best of 3), and after a router's refresh
 * (100 flows gone, 100 new, 40 read again) sorted by source and by
 * bytes. Only the model's public API is used (order_changes_add_gone
 * since it came). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/clock.h"
#include "../src/filter.h"
#include "../src/order.h"
#include "../src/table.h"
#include "../tests/gen.h"

static void make_flow(size_t i, size_t n, struct flow *f)
{
	uint64_t r = gen_mix64(i);
	uint32_t src = (uint32_t)(i % (n / 50 + 1)) + 1;
	uint32_t j = (uint32_t)(i / (n / 50 + 1));
	bool v6 = r % 100 < 12;

	memset(f, 0, sizeof(*f));
	f->family = v6 ? FLOW_IPV6 : FLOW_IPV4;
	f->protonum = (r >> 8) % 3 ? FLOW_P_TCP : FLOW_P_UDP;
	if (v6) {
		gen_addr6(&f->orig.src, 0xfd00, 0, src);
		gen_addr6(&f->orig.dst, 0x2001, 0, j / 60000 + 1);
	} else {
		gen_addr4(&f->orig.src, 0x0a000000u | src);
		gen_addr4(&f->orig.dst, 0xac100001u + j / 60000);
	}
	f->orig.sport = (uint16_t)(1024 + j % 60000);
	f->orig.dport = (uint16_t)(r >> 16 & 1 ? 443 : 80);
	f->reply.src = f->orig.dst;
	f->reply.dst = f->orig.src;
	f->reply.sport = f->orig.dport;
	f->reply.dport = f->orig.sport;
	if (!v6 && (r >> 20) % 10 == 0)
		gen_addr4(&f->reply.dst, 0x64400000u + src);	/* SNAT */
	f->state = 3;
	f->status = FLOW_S_ASSURED | FLOW_S_SEEN_REPLY;
	f->timeout = (uint32_t)(r >> 24) % 432000;
	f->orig_packets = (r >> 32) % 1000;
	f->orig_bytes = f->orig_packets * 700;
	f->reply_packets = f->orig_packets / 2;
	f->reply_bytes = f->reply_packets * 60;
	f->id = (uint32_t)(r >> 40);
	f->has = FLOW_HAS_STATE | FLOW_HAS_COUNTERS | FLOW_HAS_TIMEOUT;
}

static double ms_since(uint64_t t0)
{
	return (double)(clock_monotonic_ns() - t0) / 1e6;
}

/* Best of 3 full rebuilds of O over T. */
static double rebuild_ms(struct order *o, struct table *t)
{
	double best = 0;

	for (int k = 0; k < 3; k++) {
		uint64_t t0 = clock_monotonic_ns();
		double ms;

		if (order_rebuild(o, t)) {
			fprintf(stderr, "order: out of memory\n");
			exit(1);
		}
		ms = ms_since(t0);
		if (!k || ms < best)
			best = ms;
	}
	return best;
}

/* The changes in CH applied, timed from T0 (round K of best of 3 into
 * *BEST), CH freed. */
static int timed_update(struct order *o, struct order_changes *ch,
			uint64_t t0, int k, double *best)
{
	double ms;

	if (order_update(o, ch)) {
		fprintf(stderr, "order: update failed\n");
		return -1;
	}
	ms = ms_since(t0);
	if (!k || ms < *best)
		*best = ms;
	order_changes_free(ch);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	static const struct { int col; const char *name; } cols[] = {
		{ COL_SRC, "src" }, { COL_TTL, "ttl" },
		{ COL_BYTES, "bytes" }, { COL_RATE, "rate" },
	};
	struct table *t = table_new();
	struct order_spec spec;
	struct order o;
	struct filter_error fe;
	struct filter *tcp = filter_compile("tcp", &fe);
	struct flow f;
	uint64_t t0;
	size_t found = 0;
	double best = 0;

	if (!t || !tcp || n < 1000) {
		fprintf(stderr, "usage: order [N >= 1000]\n");
		return 2;
	}
	t0 = clock_monotonic_ns();
	for (size_t i = 0; i < n; i++) {
		make_flow(i, n, &f);
		if (!table_upsert(t, &f, 1000)) {
			fprintf(stderr, "order: upsert failed at %zu\n", i);
			return 1;
		}
	}
	printf("flows                 %zu (%zu in the table)\n", n,
	       table_count(t));
	printf("fill                  %.0f ms\n", ms_since(t0));
	t0 = clock_monotonic_ns();
	for (size_t i = 0; i < n; i++) {
		make_flow(i, n, &f);
		found += table_find(t, &f) != NULL;
	}
	printf("find all              %.0f ms (%zu found)\n", ms_since(t0),
	       found);
	/* A second sample a second later, so that rates are not all 0. */
	for (size_t i = 0; i < n; i += 3) {
		make_flow(i, n, &f);
		f.orig_bytes += (i % 7) * 1000;
		table_upsert(t, &f, 2000);
	}
	printf("table                 %.1f bytes/flow\n",
	       (double)table_memory(t) / (double)table_count(t));

	order_init(&o);
	for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
		order_spec_init(&spec, cols[c].col, c == 3, clock_realtime_ns());
		order_set(&o, &spec, NULL, NULL, NULL);
		printf("sort by %-13s %.0f ms\n", cols[c].name, rebuild_ms(&o, t));
	}
	printf("list                  %.1f bytes/flow (%zu rows)\n",
	       (double)o.cap * sizeof(*o.v) / (double)table_count(t),
	       order_count(&o));
	order_spec_init(&spec, COL_SRC, false, clock_realtime_ns());
	order_set(&o, &spec, tcp, NULL, NULL);
	/* Rebuilt before the count is read: arguments have no order. */
	best = rebuild_ms(&o, t);
	printf("filter tcp, by src    %.0f ms (%zu rows)\n", best,
	       order_count(&o));
	order_set(&o, &spec, NULL, NULL, NULL);
	rebuild_ms(&o, t);
	for (int k = 0; k < 3; k++) {
		struct order_changes ch = { 0 };

		t0 = clock_monotonic_ns();
		for (size_t i = 0; i < 200; i++) {
			make_flow((i * 4999 + (size_t)k) % n, n, &f);
			f.timeout = 1 + (uint32_t)i;
			order_changes_add(&ch, table_upsert(t, &f, 3000 + k),
					  table_count(t));
		}
		if (timed_update(&o, &ch, t0, k, &best))
			return 1;
	}
	printf("200 changes, update   %.2f ms\n", best);
	/* A refresh on a router: 100 flows go (each told with its key, as
	 * the screen's model does), 100 come, 40 rows are read again; by
	 * source (the changes found by key) and by bytes (by a pass). */
	for (int c = 0; c < 2; c++) {
		order_spec_init(&spec, c ? COL_BYTES : COL_SRC, false,
				clock_realtime_ns());
		order_set(&o, &spec, NULL, NULL, NULL);
		rebuild_ms(&o, t);
		for (int k = 0; k < 3; k++) {
			struct order_changes ch = { 0 };
			size_t base = (size_t)(c * 3 + k) * 100;

			t0 = clock_monotonic_ns();
			for (size_t i = 0; i < 100; i++) {
				struct table_rec *r;
				struct table_flow v;

				make_flow((base + i) * 7919 % n, n, &f);
				if ((r = table_find(t, &f))) {
					table_view_key(t, r, &v);
					order_changes_add_gone(&ch, r, &v.f,
							       table_count(t));
					table_remove(t, &f);
				}
				make_flow(n + base + i, n, &f);
				order_changes_add(&ch, table_upsert(t, &f, 4000),
						  table_count(t));
			}
			for (size_t i = 0; i < 40; i++) {
				make_flow((base + i) * 104729 % n, n, &f);
				f.orig_bytes += 100000;
				order_changes_add(&ch, table_upsert(t, &f, 4000),
						  table_count(t));
			}
			if (timed_update(&o, &ch, t0, k, &best))
				return 1;
		}
		printf("router refresh, %-5s %.2f ms\n", c ? "bytes" : "src",
		       best);
	}
	order_free(&o);
	filter_free(tcp);
	table_free(t);
	return 0;
}
