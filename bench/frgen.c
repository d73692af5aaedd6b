/* bench/frgen: flight recordings for bench/recorder.
 *
 *   frgen day FILE [FLOWS] [CHANGED]   a synthetic day: a summary every
 *       10 s (8640), a key table of FLOWS flows (default 100000) at the
 *       start and a delta every 10 minutes with CHANGED flows new and as
 *       many gone (default 1000), written with the recorder's encoder.
 *   frgen stat FILE   records and bytes per kind (summary, key, delta,
 *       timeouts, expect), as TSV lines: kind records bytes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flightrec.h"
#include "flightrec_file.h"

#define SEC 1000000000ULL
#define T0 1764547200000000000ULL	/* 2025-12-01 00:00:00 UTC */

static struct flow flow_n(uint32_t i)
{
	struct flow f;
	uint32_t src = 0x0a000000u | (i % 2000u + 1);

	memset(&f, 0, sizeof(f));
	f.family = FLOW_IPV4;
	f.protonum = i % 3 ? FLOW_P_TCP : FLOW_P_UDP;
	for (int k = 0; k < 4; k++) {
		f.orig.src.b[k] = (uint8_t)(src >> (24 - 8 * k));
		f.orig.dst.b[k] = (uint8_t)((0xac100001u + i % 50) >> (24 - 8 * k));
	}
	f.orig.sport = (uint16_t)(1024 + i / 2000);
	f.orig.dport = (uint16_t)(i % 7 ? 443 : 53);
	f.reply.src = f.orig.dst;
	f.reply.dst = f.orig.src;
	f.reply.sport = f.orig.dport;
	f.reply.dport = f.orig.sport;
	f.status = FLOW_S_SEEN_REPLY | FLOW_S_ASSURED | FLOW_S_CONFIRMED;
	f.has = FLOW_HAS_TIMEOUT | FLOW_HAS_MARK;
	if (f.protonum == FLOW_P_TCP) {
		f.has |= FLOW_HAS_STATE;
		f.state = 3;
	}
	f.timeout = 3600;
	f.id = i * 2654435761u;
	return f;
}

static void summary_n(struct fr_summary *s, uint64_t t, uint32_t flows)
{
	memset(s, 0, sizeof(*s));
	s->time_ns = t;
	s->interval_ms = 10000;
	s->have_stats = true;
	s->st.count = flows;
	s->st.max = 262144;
	s->st.have_cpu = true;
	s->st.cpus = 2;
	s->st.insert = t / SEC;
	s->buckets = 262144;
	s->flows = flows;
	s->not_assured = flows / 10;
	s->added = s->removed = 100;
	for (int d = 0; d < FR_DIMS; d++) {
		struct fr_dimension *dm = &s->dim[d];

		dm->n = d == FR_DIM_STATE ? 12 : 10;
		for (uint32_t k = 0; k < dm->n; k++) {
			struct group_key *key = &dm->top[k].key;

			if (d == FR_DIM_SRC || d == FR_DIM_DST) {
				key->family = FLOW_IPV4;
				key->a.b[0] = 10;
				key->a.b[3] = (uint8_t)(k + 1);
			} else {
				key->protonum = FLOW_P_TCP;
				key->n = k;
			}
			dm->top[k].flows = flows / 100 - k;
		}
		dm->rest_flows = flows / 2;
		dm->rest_keys = 1990;
	}
}

static int flush(FILE *out, struct fr_buf *b)
{
	if (b->oom || fwrite(b->p, 1, b->len, out) != b->len)
		return -1;
	b->len = 0;
	return 0;
}

static int day(const char *path, uint32_t flows, uint32_t changed)
{
	struct fr_summary *s = malloc(sizeof(*s));
	struct fr_buf b = { 0 };
	FILE *out = fopen(path, "wb");
	uint32_t next = flows;	/* the next flow number to be born */
	uint32_t oldest = 0;	/* the oldest alive */

	if (!s || !out)
		return 1;
	fr_put_header(&b);
	for (uint32_t i = 0; i < 8640; i++) {
		uint64_t t = T0 + (uint64_t)i * 10 * SEC;

		summary_n(s, t, flows);
		fr_put_summary(&b, s);
		if (i == 0) {
			fr_full_begin(&b, t, FR_FULL_KEY);
			for (uint32_t k = 0; k < flows; k++) {
				struct flow f = flow_n(k);

				fr_full_flow(&b, &f);
			}
			fr_full_end(&b);
		} else if (i % 60 == 0) {
			fr_full_begin(&b, t, FR_FULL_DELTA);
			for (uint32_t k = 0; k < changed; k++) {
				struct flow f = flow_n(next++);

				fr_full_flow(&b, &f);
				f = flow_n(oldest++);
				fr_full_gone(&b, fr_key_hash(&f));
			}
			fr_full_end(&b);
		}
		if (flush(out, &b))
			return 1;
	}
	fr_buf_free(&b);
	free(s);
	return fclose(out) ? 1 : 0;
}

static int stat_file(const char *path)
{
	struct ctop_err err = { 0 };
	uint64_t n[5] = { 0 }, bytes[5] = { 0 };
	static const char *names[5] = { "summary", "key", "delta", "timeouts",
					"expect" };
	struct fr_file f;

	if (fr_file_open(&f, path, &err)) {
		fprintf(stderr, "frgen: %s\n", err.msg);
		return 1;
	}
	for (size_t i = 0; i < f.n; i++) {
		int k = f.rec[i].type == FR_SUMMARY ? 0 :
			f.rec[i].type == FR_TIMEOUTS ? 3 :
			f.rec[i].type == FR_EXPECT ? 4 :
			f.rec[i].type != FR_FULL ? -1 :
			f.rec[i].kind == FR_FULL_KEY ? 1 : 2;

		if (k < 0)
			continue;
		n[k]++;
		bytes[k] += f.rec[i].len;
	}
	for (int k = 0; k < 5; k++)
		printf("%s\t%llu\t%llu\n", names[k], (unsigned long long)n[k],
		       (unsigned long long)bytes[k]);
	printf("span_s\t%llu\n", (unsigned long long)
	       ((fr_file_last_ns(&f) - fr_file_first_ns(&f)) / SEC));
	fr_file_close(&f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "day"))
		return day(argv[2], argc > 3 ? (uint32_t)atol(argv[3]) : 100000,
			   argc > 4 ? (uint32_t)atol(argv[4]) : 1000);
	if (argc == 3 && !strcmp(argv[1], "stat"))
		return stat_file(argv[2]);
	fputs("usage: frgen day FILE [FLOWS] [CHANGED] | frgen stat FILE\n", stderr);
	return 2;
}
