/* The flight recorder's format: records round-trip field for field, the
 * bytes are big-endian whatever the host, a cut or damaged file is read
 * up to its last whole record, a table rebuilds from a key table and
 * deltas, and times parse as documented. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flightrec.h"
#include "flightrec_file.h"
#include "testflow.h"
#include "timeparse.h"

#define T0 1764558720000000000ULL	/* 2025-12-01 03:12:00 UTC */
#define SEC 1000000000ULL

static struct fr_summary *summary(uint64_t t, uint32_t count)
{
	struct fr_summary *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->time_ns = t;
	s->interval_ms = 10000;
	s->have_stats = true;
	s->st.count = count;
	s->st.max = 262144;
	s->st.have_cpu = true;
	s->st.cpus = 2;
	s->st.insert = 5000000000ULL;	/* above 32 bits */
	s->st.drop = 7;
	s->st.early_drop = 3;
	s->buckets = 65536;
	s->flows = count;
	s->not_assured = count / 3;
	s->added = 120;
	s->removed = 80;
	s->dim[FR_DIM_SRC].n = 2;
	test_addr_set(&s->dim[FR_DIM_SRC].top[0].key.a, FLOW_IPV4, "10.0.0.7");
	s->dim[FR_DIM_SRC].top[0].key.family = FLOW_IPV4;
	s->dim[FR_DIM_SRC].top[0].flows = count / 2;
	test_addr_set(&s->dim[FR_DIM_SRC].top[1].key.a, FLOW_IPV6, "2001:db8::1");
	s->dim[FR_DIM_SRC].top[1].key.family = FLOW_IPV6;
	s->dim[FR_DIM_SRC].top[1].flows = 10;
	s->dim[FR_DIM_SRC].rest_flows = count - count / 2 - 10;
	s->dim[FR_DIM_SRC].rest_keys = 33;
	s->dim[FR_DIM_DPORT].n = 1;
	s->dim[FR_DIM_DPORT].top[0].key.protonum = FLOW_P_TCP;
	s->dim[FR_DIM_DPORT].top[0].key.n = 443;
	s->dim[FR_DIM_DPORT].top[0].flows = count;
	return s;
}

static void test_summary_roundtrip(void **state)
{
	struct fr_summary *s = summary(T0, 1000), *back = calloc(1, sizeof(*back));
	struct fr_buf b = { 0 };
	enum fr_type type;
	uint64_t t;
	size_t len;

	(void)state;
	fr_put_summary(&b, s);
	assert_false(b.oom);
	assert_int_equal(fr_record_check(b.p, b.len, &len), FR_REC_OK);
	assert_int_equal(len, b.len);
	assert_int_equal(fr_record_head(b.p, len, &type, &t), 0);
	assert_int_equal(type, FR_SUMMARY);
	assert_true(t == T0);
	/* Big-endian on every host: the length's high byte comes first and
	 * the time follows the type byte most significant first. */
	assert_int_equal(b.p[0], 0);
	assert_int_equal(b.p[8], FR_SUMMARY);
	assert_int_equal(b.p[9], (uint8_t)(T0 >> 56));
	assert_int_equal(b.p[16], (uint8_t)T0);

	assert_int_equal(fr_get_summary(b.p, len, back), 0);
	assert_true(back->time_ns == T0);
	assert_int_equal(back->st.count, 1000);
	assert_true(back->st.insert == 5000000000ULL);
	assert_int_equal(back->st.drop, 7);
	assert_int_equal(back->st.cpus, 2);
	assert_true(back->buckets == 65536);
	assert_int_equal(back->not_assured, 333);
	assert_int_equal(back->added, 120);
	assert_int_equal(back->removed, 80);
	assert_int_equal(back->dim[FR_DIM_SRC].n, 2);
	assert_memory_equal(&back->dim[FR_DIM_SRC].top[1].key,
			    &s->dim[FR_DIM_SRC].top[1].key, sizeof(struct group_key));
	assert_int_equal(back->dim[FR_DIM_SRC].rest_keys, 33);
	assert_int_equal(back->dim[FR_DIM_DPORT].top[0].key.n, 443);
	assert_int_equal(back->dim[FR_DIM_ZONE].n, 0);

	/* One bit changed anywhere: the crc says so. */
	b.p[40] ^= 1;
	assert_int_equal(fr_record_check(b.p, b.len, &len), FR_REC_BAD);
	b.p[40] ^= 1;
	/* Cut anywhere: incomplete, never read. */
	for (size_t cut = 0; cut < b.len; cut += 7)
		assert_int_equal(fr_record_check(b.p, cut, &len), FR_REC_CUT);
	fr_buf_free(&b);
	free(s);
	free(back);
}

/* The first CUT bytes of the record at P framed anew (length and crc
 * right), so a decoder meets a short body rather than a bad frame. */
static uint8_t *reframed(const uint8_t *p, size_t cut)
{
	uint32_t plen = (uint32_t)(cut - FR_FRAME_LEN), crc;
	uint8_t *q = malloc(cut);

	assert_non_null(q);
	memcpy(q, p, cut);
	crc = fr_crc32(q + FR_FRAME_LEN, plen);
	for (int i = 0; i < 4; i++) {
		q[i] = (uint8_t)(plen >> (24 - 8 * i));
		q[4 + i] = (uint8_t)(crc >> (24 - 8 * i));
	}
	return q;
}

static struct flow nat_flow(void)
{
	struct flow f = test_flow(FLOW_IPV4, FLOW_P_TCP, "10.0.0.7", 40000,
				  "192.0.2.1", 443);

	test_addr_set(&f.reply.src, FLOW_IPV4, "10.9.9.9");
	f.status = FLOW_S_ASSURED | FLOW_S_SEEN_REPLY | FLOW_S_DST_NAT;
	f.has = FLOW_HAS_STATE | FLOW_HAS_MARK | FLOW_HAS_ZONE |
		FLOW_HAS_COUNTERS | FLOW_HAS_START | FLOW_HAS_TIMEOUT;
	f.state = 3;
	f.mark = 0xdeadbeef;
	f.orig.zone = 7;
	f.reply.zone = 8;	/* directional zones */
	f.id = 4000000000u;
	f.timeout = 431999;
	f.orig_packets = 10;
	f.orig_bytes = 1ULL << 40;
	f.reply_packets = 20;
	f.reply_bytes = 2000;
	f.start_ns = T0 - 5 * SEC;
	return f;
}

static void test_full_roundtrip(void **state)
{
	struct flow in[3], out;
	struct fr_buf b = { 0 };
	struct fr_full_reader r;
	uint64_t gone = 0;
	size_t len;

	(void)state;
	in[0] = nat_flow();
	in[1] = test_flow(FLOW_IPV6, FLOW_P_UDP, "2001:db8::1", 5353,
			  "2001:db8::2", 53);
	in[1].has = FLOW_HAS_TIMEOUT;
	in[1].timeout = 30;
	in[2] = test_flow(FLOW_IPV4, FLOW_P_ICMP, "10.0.0.1", 77, "10.0.0.2", 0);
	in[2].orig.icmp_type = 8;
	in[2].reply.icmp_type = 0;

	fr_full_begin(&b, T0, FR_FULL_DELTA);
	for (int i = 0; i < 3; i++)
		fr_full_flow(&b, &in[i]);
	fr_full_gone(&b, 0x0123456789abcdefULL);
	fr_full_end(&b);
	assert_int_equal(fr_record_check(b.p, b.len, &len), FR_REC_OK);
	assert_int_equal(fr_full_open(&r, b.p, len), 0);
	assert_int_equal(r.kind, FR_FULL_DELTA);
	assert_int_equal(r.items, 4);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fr_full_next(&r, &out, &gone), 1);
		assert_memory_equal(&out, &in[i], sizeof(out));
	}
	assert_int_equal(fr_full_next(&r, &out, &gone), 2);
	assert_true(gone == 0x0123456789abcdefULL);
	assert_int_equal(fr_full_next(&r, &out, &gone), 0);

	/* The hashes are of canonical bytes: this value holds on every host. */
	assert_true(fr_key_hash(&in[0]) != fr_key_hash(&in[2]));
	out = in[0];
	out.timeout = 5;
	out.orig_bytes = 1;
	assert_true(fr_content_hash(&out) == fr_content_hash(&in[0]));
	out.state = 7;
	assert_true(fr_content_hash(&out) != fr_content_hash(&in[0]));
	assert_true(fr_key_hash(&out) == fr_key_hash(&in[0]));
	fr_buf_free(&b);
}

/* Version 2: a flow's helper name and labels travel with it, as bytes
 * (the name unescaped, the bitmap as the flow keeps it), and come back
 * as the same interned values; a changed label is a change to a delta. */
static void test_full_helper_labels(void **state)
{
	static const uint8_t bits[] = { 0x08, 0, 0, 0, 0, 0, 0, 0, 0x01 };
	struct flow in[2], out;
	struct fr_buf b = { 0 };
	struct fr_full_reader r;
	uint64_t gone = 0;
	size_t len, n;
	const uint8_t *tail;

	(void)state;
	in[0] = nat_flow();
	in[0].helper = intern_helper("ftp");
	in[0].labels = intern_labels(bits, sizeof(bits));
	in[0].has |= FLOW_HAS_LABELS;
	in[1] = test_flow(FLOW_IPV4, FLOW_P_UDP, "10.0.0.1", 5060, "10.0.0.2", 5060);
	/* A name with a control byte: escaped in memory, raw in the file. */
	in[1].helper = intern_helper("s\x01p");
	in[1].has = FLOW_HAS_TIMEOUT;
	fr_full_begin(&b, T0, FR_FULL_KEY);
	for (int i = 0; i < 2; i++)
		fr_full_flow(&b, &in[i]);
	fr_full_end(&b);
	/* The second flow ends with its name: u8 3, "s", 0x01, "p". */
	tail = b.p + b.len - 4;
	assert_int_equal(tail[0], 3);
	assert_int_equal(tail[1], 's');
	assert_int_equal(tail[2], 0x01);
	assert_int_equal(tail[3], 'p');
	assert_int_equal(fr_record_check(b.p, b.len, &len), FR_REC_OK);
	assert_int_equal(fr_full_open(&r, b.p, len), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(fr_full_next(&r, &out, &gone), 1);
		assert_memory_equal(&out, &in[i], sizeof(out));
	}
	assert_string_equal(intern_helper_name(out.helper), "s\\x01p");
	assert_non_null(intern_labels_bits(in[0].labels, &n));
	assert_int_equal(n, sizeof(bits));
	assert_int_equal(fr_full_next(&r, &out, &gone), 0);

	/* Cut anywhere inside the items (the crc made right): bad, never a
	 * read past the end. */
	for (size_t cut = FR_FRAME_LEN + 15; cut < b.len; cut++) {
		uint8_t *q = reframed(b.p, cut);
		int k = 0;

		assert_int_equal(fr_full_open(&r, q, cut), 0);
		while ((k = fr_full_next(&r, &out, &gone)) > 0)
			;
		assert_int_equal(k, -1);
		free(q);
	}

	out = in[0];
	out.labels = 0;
	assert_true(fr_content_hash(&out) != fr_content_hash(&in[0]));
	out = in[0];
	out.helper = 0;
	assert_true(fr_content_hash(&out) != fr_content_hash(&in[0]));
	fr_buf_free(&b);
}

/* A file: header, summaries at T0 + 10 s * i, a key table at i = 0 and a
 * delta at i = 2. */
static char path[64];

static void write_file(struct fr_buf *b)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b->p, 1, b->len, f), b->len);
	fclose(f);
}

static void build(struct fr_buf *b, struct flow *a, struct flow *c,
		  struct flow *d)
{
	struct fr_summary *s;

	fr_put_header(b);
	for (int i = 0; i < 4; i++) {
		s = summary(T0 + (uint64_t)i * 10 * SEC, 1000 + (uint32_t)i);
		fr_put_summary(b, s);
		free(s);
		if (i == 0) {
			fr_full_begin(b, T0, FR_FULL_KEY);
			fr_full_flow(b, a);
			fr_full_flow(b, c);
			fr_full_flow(b, d);
			fr_full_end(b);
		}
		if (i == 2) {
			struct flow changed = *a;

			changed.state = 7;	/* TIME_WAIT now */
			fr_full_begin(b, T0 + 20 * SEC, FR_FULL_DELTA);
			fr_full_flow(b, &changed);
			fr_full_gone(b, fr_key_hash(c));
			fr_full_end(b);
		}
	}
}

struct seen_flows {
	struct flow v[4];
	int n;
};

static int keep(const struct flow *f, void *data)
{
	struct seen_flows *s = data;

	if (s->n < 4)
		s->v[s->n] = *f;
	s->n++;
	return 0;
}

static void test_file_jump_and_rebuild(void **state)
{
	struct flow a = nat_flow(), c = test_flow(FLOW_IPV4, FLOW_P_UDP,
						  "10.0.0.8", 1, "10.0.0.9", 2);
	struct flow d = test_flow(FLOW_IPV4, FLOW_P_UDP, "10.0.0.8", 3,
				  "10.0.0.9", 4);
	struct fr_buf b = { 0 };
	struct ctop_err err = { 0 };
	struct seen_flows sf = { 0 };
	struct fr_summary *s = malloc(sizeof(*s));
	struct fr_file f;
	uint64_t tt = 0;

	(void)state;
	c.timeout = 100;
	d.timeout = 100;
	build(&b, &a, &c, &d);
	write_file(&b);
	assert_int_equal(fr_file_open(&f, path, &err), 0);
	assert_string_equal(f.warning, "");
	assert_int_equal(f.nsumm, 4);
	assert_int_equal(f.n, 6);
	assert_true(fr_file_first_ns(&f) == T0);
	/* Jumps: before the start, between records, at one, after the end. */
	assert_int_equal(fr_file_summary_at(&f, T0 - 1), -1);
	assert_int_equal(fr_file_summary_at(&f, T0), 0);
	assert_int_equal(fr_file_summary_at(&f, T0 + 15 * SEC), 1);
	assert_int_equal(fr_file_summary_at(&f, T0 + 999 * SEC), 3);
	assert_int_equal(fr_file_summary(&f, 1, s), 0);
	assert_int_equal(s->st.count, 1001);

	/* At 15 s: the key table, timeouts counted down to its instant. */
	assert_int_equal(fr_file_table_at(&f, T0 + 15 * SEC, &tt, keep, &sf, &err), 1);
	assert_true(tt == T0);
	assert_int_equal(sf.n, 3);
	/* At 25 s: the delta applied: a changed, c gone. */
	sf.n = 0;
	assert_int_equal(fr_file_table_at(&f, T0 + 25 * SEC, &tt, keep, &sf, &err), 1);
	assert_true(tt == T0 + 20 * SEC);
	assert_int_equal(sf.n, 2);
	assert_int_equal(sf.v[0].state, 7);
	assert_int_equal(sf.v[0].timeout, a.timeout);	/* written at 20 s */
	assert_int_equal(sf.v[1].orig.sport, 3);
	assert_int_equal(sf.v[1].timeout, 100 - 20);	/* written at 0 s */
	/* Before any full table. */
	assert_int_equal(fr_file_table_at(&f, T0 - 1, &tt, keep, &sf, &err), 0);
	fr_file_close(&f);

	/* Cut in the middle of the last record: the rest is read, with a
	 * warning naming the cut. */
	b.len -= 5;
	write_file(&b);
	assert_int_equal(fr_file_open(&f, path, &err), 0);
	assert_int_equal(f.nsumm, 3);
	assert_non_null(strstr(f.warning, "cut off mid-record after record 5"));
	fr_file_close(&f);

	/* Not a recording, and another version. */
	memcpy(b.p, "NOTOURS!", 8);
	write_file(&b);
	assert_int_equal(fr_file_open(&f, path, &err), -1);
	assert_non_null(strstr(err.msg, "not a ctop flight recording"));
	memcpy(b.p, FR_MAGIC, 8);
	/* Version 1 (no helper names or labels yet) reads as before. */
	assert_int_equal(b.p[9], 2);
	b.p[9] = 1;
	write_file(&b);
	assert_int_equal(fr_file_open(&f, path, &err), 0);
	assert_int_equal(f.version, 1);
	assert_int_equal(f.nsumm, 3);
	fr_file_close(&f);
	b.p[9] = 9;
	write_file(&b);
	assert_int_equal(fr_file_sniff(path), 1);
	assert_int_equal(fr_file_open(&f, path, &err), -1);
	assert_non_null(strstr(err.msg, "version 9; this ctop reads versions 1 to 2"));
	unlink(path);
	fr_buf_free(&b);
	free(s);
}

/* ---- the timeouts record ---- */

static void sample_timeouts(struct timeouts *to, struct timeout_policy *pol)
{
	memset(to, 0, sizeof(*to));
	assert_true(timeouts_add_row(to, "nf_conntrack_tcp_timeout_established",
				     36, 432000));
	assert_true(timeouts_add_row(to, "nf_conntrack_udp_timeout", 24, 30));
	/* Unknown names and repeats add nothing. */
	assert_false(timeouts_add_row(to, "nf_conntrack_tcp_timeout_bogus", 30, 1));
	assert_false(timeouts_add_row(to, "nf_conntrack_udp_timeout", 24, 31));
	assert_int_equal(to->n, 2);
	memset(pol, 0, sizeof(*pol));
	strcpy(pol->name, "short-tcp");
	pol->l3proto = 2;
	pol->l4proto = FLOW_P_TCP;
	pol->use = 7;
	pol->n = 2;
	pol->v[0].state = "ESTABLISHED";
	pol->v[0].seconds = 300;
	pol->v[1].state = "TIME_WAIT";
	pol->v[1].seconds = 0x01020304;
}

static void test_timeouts_roundtrip(void **state)
{
	static const uint8_t expect_head[] = {
		FR_TIMEOUTS,
		0x18, 0x7c, 0xf8, 0xce, 0x8a, 0xeb, 0x00, 0x00,	/* T0 */
		1,			/* the policies were read */
		2,			/* two sysctls */
		36, 'n', 'f',
	};
	struct timeouts to;
	struct timeout_policy pol;
	struct fr_timeouts ft;
	struct fr_buf b = { 0 };
	size_t reclen = 0;
	const uint8_t *tail;

	(void)state;
	sample_timeouts(&to, &pol);
	fr_put_timeouts(&b, T0, &to, true, &pol, 1);
	assert_false(b.oom);
	assert_int_equal(fr_record_check(b.p, b.len, &reclen), FR_REC_OK);
	assert_int_equal(reclen, b.len);
	/* Big-endian on every host: the type, the time, then the body. */
	assert_memory_equal(b.p + FR_FRAME_LEN, expect_head, sizeof(expect_head));
	/* 432000 = 0x00069780 after the first name. */
	tail = b.p + FR_FRAME_LEN + 12 + 36;
	assert_int_equal(tail[0], 0x00);
	assert_int_equal(tail[1], 0x06);
	assert_int_equal(tail[2], 0x97);
	assert_int_equal(tail[3], 0x80);
	/* The last state's seconds end the record, most significant first. */
	assert_int_equal(b.p[b.len - 4], 0x01);
	assert_int_equal(b.p[b.len - 1], 0x04);
	assert_int_equal(fr_body_offset(&b), FR_FRAME_LEN + 9);

	assert_int_equal(fr_get_timeouts(b.p, reclen, &ft), 0);
	assert_true(ft.time_ns == T0);
	assert_true(ft.have_policies);
	assert_int_equal(ft.to.n, 2);
	assert_string_equal(ft.to.rows[0].sysctl, "nf_conntrack_tcp_timeout_established");
	assert_string_equal(ft.to.rows[0].proto, "tcp");
	assert_string_equal(ft.to.rows[0].state, "ESTABLISHED");
	assert_int_equal(ft.to.rows[0].seconds, 432000);
	assert_true(ft.to.rows[0].counted);
	assert_int_equal(ft.to.rows[1].seconds, 30);
	assert_int_equal(ft.npol, 1);
	assert_string_equal(ft.pol[0].name, "short-tcp");
	assert_int_equal(ft.pol[0].l3proto, 2);
	assert_int_equal(ft.pol[0].l4proto, FLOW_P_TCP);
	/* Reference counts are not recorded. */
	assert_true(ft.pol[0].use == POLICY_USE_UNKNOWN);
	assert_int_equal(ft.pol[0].n, 2);
	assert_string_equal(ft.pol[0].v[1].state, "TIME_WAIT");
	assert_int_equal(ft.pol[0].v[1].seconds, 0x01020304);
	fr_timeouts_free(&ft);

	/* Cut anywhere inside the body: malformed, never a read past it.
	 * (Framed again, so the crc is right and only the length is short.) */
	for (size_t cut = FR_FRAME_LEN + 1; cut < b.len; cut++) {
		uint8_t *q = reframed(b.p, cut);

		assert_int_equal(fr_get_timeouts(q, cut, &ft), -1);
		assert_int_equal(ft.npol, 0);
		assert_null(ft.pol);
		free(q);
	}

	/* Without cttimeout: the flag off, no policies. */
	b.len = 0;
	fr_put_timeouts(&b, T0, &to, false, &pol, 1);
	assert_int_equal(fr_get_timeouts(b.p, b.len, &ft), 0);
	assert_false(ft.have_policies);
	assert_int_equal(ft.npol, 0);
	fr_timeouts_free(&ft);
	fr_buf_free(&b);
}

/* A file with a record of a type this reader does not know between the
 * others: skipped by its length; the timeouts in force follow time. */
static void test_file_timeouts_and_unknown(void **state)
{
	struct timeouts to;
	struct timeout_policy pol;
	struct fr_timeouts ft;
	struct fr_summary *s;
	struct fr_buf b = { 0 };
	struct ctop_err err = { 0 };
	struct fr_file f;
	size_t start;

	(void)state;
	sample_timeouts(&to, &pol);
	fr_put_header(&b);
	s = summary(T0, 10);
	fr_put_summary(&b, s);
	free(s);
	fr_put_timeouts(&b, T0, &to, true, &pol, 1);
	/* Type 200, from some later writer: a frame like any other. */
	start = b.len;
	fr_put_timeouts(&b, T0 + 5 * SEC, &to, false, NULL, 0);
	b.p[start + FR_FRAME_LEN] = 200;
	{
		uint32_t plen = (uint32_t)(b.len - start - FR_FRAME_LEN);
		uint32_t crc = fr_crc32(b.p + start + FR_FRAME_LEN, plen);

		for (int i = 0; i < 4; i++)
			b.p[start + 4 + i] = (uint8_t)(crc >> (24 - 8 * i));
	}
	s = summary(T0 + 10 * SEC, 11);
	fr_put_summary(&b, s);
	free(s);
	s = summary(T0 + 20 * SEC, 12);
	fr_put_summary(&b, s);
	free(s);
	to.rows[0].seconds = 1234;
	fr_put_timeouts(&b, T0 + 20 * SEC, &to, true, &pol, 1);
	write_file(&b);

	assert_int_equal(fr_file_open(&f, path, &err), 0);
	assert_string_equal(f.warning, "");
	assert_int_equal(f.n, 6);
	assert_int_equal(f.nsumm, 3);
	assert_int_equal(f.ntmo, 2);
	assert_int_equal(fr_file_timeouts_at(&f, T0 - 1, &ft), 0);
	assert_int_equal(fr_file_timeouts_at(&f, T0 + 9 * SEC, &ft), 1);
	assert_int_equal(ft.to.rows[0].seconds, 432000);
	fr_timeouts_free(&ft);
	assert_int_equal(fr_file_timeouts_at(&f, T0 + 19 * SEC, &ft), 1);
	assert_int_equal(ft.to.rows[0].seconds, 432000);
	fr_timeouts_free(&ft);
	assert_int_equal(fr_file_timeouts_at(&f, T0 + 20 * SEC, &ft), 1);
	assert_int_equal(ft.to.rows[0].seconds, 1234);
	fr_timeouts_free(&ft);
	assert_int_equal(fr_file_timeouts_at(&f, UINT64_MAX, &ft), 1);
	assert_int_equal(ft.to.rows[0].seconds, 1234);
	fr_timeouts_free(&ft);
	/* The summaries around the unknown record read as ever. */
	assert_int_equal(fr_file_summary_at(&f, T0 + 10 * SEC), 1);
	fr_file_close(&f);

	/* Cut inside the last timeouts record: the earlier one is in force. */
	b.len -= 5;
	write_file(&b);
	assert_int_equal(fr_file_open(&f, path, &err), 0);
	assert_non_null(strstr(f.warning, "cut off mid-record"));
	assert_int_equal(f.ntmo, 1);
	assert_int_equal(fr_file_timeouts_at(&f, UINT64_MAX, &ft), 1);
	assert_int_equal(ft.to.rows[0].seconds, 432000);
	fr_timeouts_free(&ft);
	fr_file_close(&f);
	unlink(path);
	fr_buf_free(&b);
}

/* The expectations record: round trip (timeouts written or zeroed),
 * every cut refused, and in a file counted down to the instant. */
static void test_expect_roundtrip(void **state)
{
	struct expectation in[2], *out = NULL;
	struct fr_buf b = { 0 };
	struct ctop_err err = { 0 };
	struct fr_file f;
	uint64_t t = 0;
	size_t n = 9;

	(void)state;
	memset(in, 0, sizeof(in));
	in[0].master_family = in[0].family = FLOW_IPV4;
	in[0].master_protonum = in[0].protonum = FLOW_P_TCP;
	test_addr_set(&in[0].master.src, FLOW_IPV4, "10.1.0.2");
	test_addr_set(&in[0].master.dst, FLOW_IPV4, "203.0.113.2");
	in[0].master.sport = 40000;
	in[0].master.dport = 21;
	test_addr_set(&in[0].tuple.dst, FLOW_IPV4, "203.0.113.2");
	in[0].tuple.dport = 50123;
	memset(in[0].mask.src.b, 0xff, 4);
	in[0].mask.dport = 0xffff;
	in[0].timeout = 300;
	in[0].id = 4000000001u;
	in[0].flags = EXPECT_F_INACTIVE;
	in[0].klass = 1;
	in[0].zone = 7;
	strcpy(in[0].helper, "ftp");
	in[1].master_family = in[1].family = FLOW_IPV6;
	in[1].master_protonum = in[1].protonum = FLOW_P_UDP;
	test_addr_set(&in[1].master.src, FLOW_IPV6, "fd01::2");
	in[1].timeout = 20;
	strcpy(in[1].helper, "sip");
	strcpy(in[1].fn, "nat-sip");

	fr_put_expect(&b, T0, in, 2, false);
	assert_int_equal(fr_get_expect(b.p, b.len, &t, &out, &n), 0);
	assert_true(t == T0);
	assert_int_equal(n, 2);
	assert_memory_equal(&out[0], &in[0], sizeof(in[0]));
	assert_memory_equal(&out[1], &in[1], sizeof(in[1]));
	free(out);
	/* The id's bytes, big-endian, after the timeout: 0xee6b2801. */
	assert_non_null(memmem(b.p, b.len, "\x00\x00\x01\x2c\xee\x6b\x28\x01", 8));
	for (size_t cut = FR_FRAME_LEN + 1; cut < b.len; cut++) {
		uint8_t *q = reframed(b.p, cut);

		assert_int_equal(fr_get_expect(q, cut, &t, &out, &n), -1);
		assert_null(out);
		assert_int_equal(n, 0);
		free(q);
	}
	b.len = 0;
	fr_put_expect(&b, T0, in, 2, true);
	assert_int_equal(fr_get_expect(b.p, b.len, &t, &out, &n), 0);
	assert_int_equal(out[0].timeout, 0);
	free(out);

	/* In a file: 100 s later the timeouts are 100 s shorter (20 is 0). */
	b.len = 0;
	fr_put_header(&b);
	{
		struct fr_summary *s = summary(T0, 1);

		fr_put_summary(&b, s);
		free(s);
	}
	fr_put_expect(&b, T0, in, 2, false);
	write_file(&b);
	assert_int_equal(fr_file_open(&f, path, &err), 0);
	assert_int_equal(f.nexp, 1);
	assert_int_equal(fr_file_expect_at(&f, T0 - 1, &out, &n), 0);
	assert_int_equal(fr_file_expect_at(&f, T0 + 100 * SEC, &out, &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].timeout, 200);
	assert_int_equal(out[1].timeout, 0);
	free(out);
	fr_file_close(&f);
	unlink(path);
	fr_buf_free(&b);
}

/* The CRC-32 of zlib and gzip, for every length and alignment: the known
 * check values, and a bit-by-bit reference on random bytes. */
static uint32_t crc_bitwise(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;

	while (len--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

static void test_crc32(void **state)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";
	uint8_t buf[300];
	uint32_t seed = 12345;

	(void)state;
	assert_int_equal(fr_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
	assert_int_equal(fr_crc32((const uint8_t *)fox, sizeof(fox) - 1),
			 0x414fa339u);
	assert_int_equal(fr_crc32(buf, 0), 0);
	for (size_t i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(seed >> 16);
	}
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; off + len <= sizeof(buf); len += 7)
			assert_int_equal(fr_crc32(buf + off, len),
					 crc_bitwise(buf + off, len));
}

static void test_timeparse(void **state)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 11, .tm_mday = 2,
			 .tm_hour = 8, .tm_min = 30, .tm_isdst = -1 };
	uint64_t ref, out;
	char msg[200], buf[32];

	(void)state;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	ref = (uint64_t)mktime(&tm) * SEC;	/* 2026-12-02 08:30 local */

	assert_int_equal(timeparse("-1h30m", ref, &out, msg, sizeof(msg)), 0);
	assert_true(out == ref - 5400 * SEC);
	assert_int_equal(timeparse("+90s", ref, &out, msg, sizeof(msg)), 0);
	assert_true(out == ref + 90 * SEC);
	assert_int_equal(timeparse("now", ref, &out, msg, sizeof(msg)), 0);
	assert_true(out == ref);
	assert_int_equal(timeparse("@1764558720", ref, &out, msg, sizeof(msg)), 0);
	assert_true(out == 1764558720ULL * SEC);

	/* 03:12 the morning after: this morning's. 09:00: yesterday's. */
	assert_int_equal(timeparse("03:12", ref, &out, msg, sizeof(msg)), 0);
	timeparse_format(buf, sizeof(buf), out);
	assert_string_equal(buf, "2026-12-02 03:12:00");
	assert_int_equal(timeparse("09:00:05", ref, &out, msg, sizeof(msg)), 0);
	timeparse_format(buf, sizeof(buf), out);
	assert_string_equal(buf, "2026-12-01 09:00:05");

	assert_int_equal(timeparse("2026-12-01T03:12", ref, &out, msg, sizeof(msg)), 0);
	timeparse_format(buf, sizeof(buf), out);
	assert_string_equal(buf, "2026-12-01 03:12:00");
	assert_int_equal(timeparse("2026-07-01 12:00:00", ref, &out, msg, sizeof(msg)), 0);
	assert_true(out == 1782900000ULL * SEC);	/* summer time: UTC+2 */
	assert_int_equal(timeparse("2026-12-01", ref, &out, msg, sizeof(msg)), 0);
	timeparse_format(buf, sizeof(buf), out);
	assert_string_equal(buf, "2026-12-01 00:00:00");

	/* Refused, with the forms named. */
	const char *bad[] = { "", "-", "-1", "-1x", "25:00", "03:60", "3",
			      "2026-02-31", "2026-13-01", "2026-12-01T", "@",
			      "@12x", "yesterday", "03:12 ", "-1h-" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg[0] = '\0';
		assert_int_equal(timeparse(bad[i], ref, &out, msg, sizeof(msg)), -1);
		assert_non_null(strstr(msg, "03:12"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_roundtrip),
		cmocka_unit_test(test_full_roundtrip),
		cmocka_unit_test(test_full_helper_labels),
		cmocka_unit_test(test_file_jump_and_rebuild),
		cmocka_unit_test(test_timeouts_roundtrip),
		cmocka_unit_test(test_file_timeouts_and_unknown),
		cmocka_unit_test(test_expect_roundtrip),
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_timeparse),
	};

	snprintf(path, sizeof(path), "/tmp/ctop-fr-test-%ld", (long)getpid());
	return cmocka_run_group_tests_name("flightrec", tests, NULL, NULL);
}
