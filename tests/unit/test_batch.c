/* Batch writers: text alignment and summaries, JSON checked by jq, CSV. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "group.h"
#include "testflow.h"

#define T0 1700000000123456789ULL

static struct flow mkflow(uint8_t family, uint8_t proto, const char *src,
			  uint16_t sport, const char *dst, uint16_t dport)
{
	struct flow f = test_flow(family, proto, src, sport, dst, dport);

	f.status = FLOW_S_SEEN_REPLY | FLOW_S_CONFIRMED;
	f.has = FLOW_HAS_TIMEOUT;
	f.timeout = 30;
	return f;
}

/* The flows most tests write: tcp with counters, udp DNAT with a helper,
 * icmp echo, gre, and a tcp flow with labels. */
enum { NFLOWS = 5 };
static struct flow flows[NFLOWS];

static int setup_flows(void **state)
{
	static const uint8_t labels[2] = { 0x21, 0x00 };
	struct flow *f = flows;

	(void)state;
	f[0] = mkflow(FLOW_IPV4, FLOW_P_TCP, "10.0.0.7", 40000, "10.0.0.1", 443);
	f[0].id = 1234;
	f[0].status |= FLOW_S_ASSURED;
	f[0].has |= FLOW_HAS_STATE | FLOW_HAS_COUNTERS | FLOW_HAS_START;
	f[0].state = 3;
	f[0].timeout = 431999;
	f[0].orig_packets = 10;
	f[0].orig_bytes = 1000;
	f[0].reply_packets = 20;
	f[0].reply_bytes = 20000;
	f[0].start_ns = 1699999000500000000ULL;
	f[0].mark = 16;

	f[1] = mkflow(FLOW_IPV4, FLOW_P_UDP, "10.0.0.7", 5353, "192.0.2.1", 53);
	test_addr_set(&f[1].reply.src, FLOW_IPV4, "10.0.0.53");
	f[1].id = 2;
	f[1].status = FLOW_S_DST_NAT;
	f[1].helper = intern_helper("he\"lp,er\\");
	f[1].orig.zone = f[1].reply.zone = 3;

	f[2] = mkflow(FLOW_IPV4, FLOW_P_ICMP, "10.0.0.7", 77, "10.0.0.1", 0);
	f[2].reply.sport = 77;
	f[2].reply.dport = 0;
	f[2].orig.icmp_type = 8;
	f[2].reply.icmp_type = 0;
	f[2].id = 3;

	f[3] = mkflow(FLOW_IPV6, FLOW_P_GRE, "2001:db8::1", 0x1111, "2001:db8::2",
		      0x2222);
	f[3].id = 4;

	f[4] = mkflow(FLOW_IPV4, FLOW_P_TCP, "10.0.0.8", 40001, "10.0.0.1", 22);
	f[4].id = 5;
	f[4].labels = intern_labels(labels, sizeof(labels));
	f[4].has &= ~FLOW_HAS_TIMEOUT;
	return 0;
}

static struct table_stats stats = {
	.count = 5678, .max = 262144, .have_cpu = true, .cpus = 4,
	.found = 1, .invalid = 2, .insert = 3, .insert_failed = 4, .drop = 5,
	.early_drop = 6, .error = 7, .search_restart = 8, .clash_resolve = 9,
	.chaintoolong = 10,
};

static struct batch_snapshot snap(const char *netns, const char *filter,
				  const struct table_stats *st)
{
	struct batch_snapshot s = {
		.time_ns = T0, .netns = netns, .filter = filter, .stats = st,
		.have_stats = st != NULL,
	};

	return s;
}

/* ---- helpers ------------------------------------------------------- */

struct sink {
	char *buf;
	size_t len;
	FILE *f;
};

static void sink_open(struct sink *s)
{
	s->buf = NULL;
	s->len = 0;
	s->f = open_memstream(&s->buf, &s->len);
	assert_non_null(s->f);
}

static void sink_close(struct sink *s)
{
	fclose(s->f);
}

/* Line i (0-based) of text, copied into a static buffer. */
static const char *line(const char *text, int i)
{
	static char out[4096];
	const char *e;

	while (i-- > 0) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	e = strchr(text, '\n');
	assert_non_null(e);
	assert_true((size_t)(e - text) < sizeof(out));
	memcpy(out, text, e - text);
	out[e - text] = '\0';
	return out;
}

static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* Write text to a file and return its path (static). */
static const char *to_file(const char *text, size_t len)
{
	static char path[] = "/tmp/ctop-test-batch-XXXXXX";
	int fd;

	strcpy(path, "/tmp/ctop-test-batch-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Run jq -r EXPR on a file ("-s EXPR" slurps JSON Lines); the output
 * without its last newline. jq failing (invalid JSON) fails the test. */
static char *jq(const char *path, const char *expr)
{
	char cmd[1024], *out = NULL;
	size_t cap = 0, len = 0, n;
	char chunk[4096];
	FILE *p;

	if (!strncmp(expr, "-s ", 3))
		snprintf(cmd, sizeof(cmd), "jq -r -s '%s' %s", expr + 3, path);
	else
		snprintf(cmd, sizeof(cmd), "jq -r '%s' %s", expr, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		memcpy(out + len, chunk, n);
		len += n;
	}
	assert_int_equal(pclose(p), 0);
	if (!out)
		out = calloc(1, 1);
	out[len] = '\0';
	if (len && out[len - 1] == '\n')
		out[len - 1] = '\0';
	return out;
}

#define assert_jq(path, expr, want) do {			\
		char *got_ = jq(path, expr);			\
		if (strcmp(got_, want))				\
			print_error("jq %s\n", expr);		\
		assert_string_equal(got_, want);		\
		free(got_);					\
	} while (0)

/* One snapshot of the given flows in FORMAT; the caller frees. */
static char *write_snapshot(enum batch_format format, const struct flow *fl,
			    size_t n, const struct batch_snapshot *sn,
			    size_t *len)
{
	struct batch_opts opts = { .format = format, .header = true };
	struct sink s;
	struct batch *b;
	size_t i;

	sink_open(&s);
	b = batch_new(s.f, &opts);
	assert_non_null(b);
	batch_begin(b, sn);
	for (i = 0; i < n; i++)
		batch_flow(b, &fl[i]);
	batch_end(b, n, n + 1);
	assert_int_equal(batch_flush(b), 0);
	batch_free(b);
	sink_close(&s);
	*len = s.len;
	return s.buf;
}

/* ---- text ---------------------------------------------------------- */

/* The row the writer should produce, from the registry's own cells. */
static void expect_row(char *out, size_t outlen, const enum column_id *ids,
		       size_t n, const size_t *width, const struct flow *f,
		       bool header)
{
	struct column_ctx ctx = { .now_ns = T0 };
	size_t i, pos = 0;
	char cell[256];

	for (i = 0; i < n; i++) {
		const struct column *c = column_get(ids[i]);
		bool last = i + 1 == n;

		if (header)
			snprintf(cell, sizeof(cell), "%s", c->title);
		else
			c->format(cell, sizeof(cell), f, &ctx);
		pos += snprintf(out + pos, outlen - pos, "%s%*s%s",
				i ? "  " : "",
				c->right ? (int)width[i] : 0, c->right ? cell : "",
				c->right ? "" : cell);
		if (!c->right && !last)
			pos += snprintf(out + pos, outlen - pos, "%*s",
					(int)(width[i] - strlen(cell)), "");
	}
}

static void test_text_aligned(void **state)
{
	const enum column_id ids[] = { COL_PROTO, COL_SRC, COL_STATE, COL_ID };
	struct batch_opts opts = { .format = BATCH_TEXT, .header = true,
				   .cols = ids, .ncols = 4 };
	struct batch_snapshot sn = snap(NULL, "", &stats);
	size_t width[4], i;
	char want[512];
	struct sink s;
	struct batch *b;

	(void)state;
	for (i = 0; i < 4; i++) {
		width[i] = column_get(ids[i])->width;
		if (strlen(column_get(ids[i])->title) > width[i])
			width[i] = strlen(column_get(ids[i])->title);
	}
	sink_open(&s);
	b = batch_new(s.f, &opts);
	batch_begin(b, &sn);
	batch_flow(b, &flows[0]);
	batch_flow(b, &flows[1]);
	batch_end(b, 2, 2);
	batch_free(b);
	sink_close(&s);

	assert_int_equal(count_lines(s.buf), 4);
	expect_row(want, sizeof(want), ids, 4, width, NULL, true);
	assert_string_equal(line(s.buf, 0), want);
	expect_row(want, sizeof(want), ids, 4, width, &flows[0], false);
	assert_string_equal(line(s.buf, 1), want);
	expect_row(want, sizeof(want), ids, 4, width, &flows[1], false);
	assert_string_equal(line(s.buf, 2), want);
	/* The same, spelled out once. */
	assert_memory_equal(line(s.buf, 1), "tcp    10.0.0.7:40000", 21);
	assert_non_null(strstr(line(s.buf, 1), "  ESTABLISHED  "));
	assert_int_equal(strlen(line(s.buf, 0)), strlen(line(s.buf, 1)));
	assert_string_equal(line(s.buf, 3),
			    "# 2 flows shown, 5678 in table (max 262144, 2%)");
	free(s.buf);
}

/* No header, no trailing blanks after a left-aligned last column, and
 * the summary without kernel figures. */
static void test_text_plain(void **state)
{
	const enum column_id ids[] = { COL_PROTO, COL_SRC };
	struct batch_opts opts = { .format = BATCH_TEXT, .header = false,
				   .cols = ids, .ncols = 2 };
	struct batch_snapshot sn = snap(NULL, "", NULL);
	struct sink s;
	struct batch *b;

	(void)state;
	sink_open(&s);
	b = batch_new(s.f, &opts);
	batch_begin(b, &sn);
	batch_flow(b, &flows[0]);
	batch_end(b, 1, 7);
	batch_begin(b, &sn);
	batch_end(b, 0, 0);
	batch_free(b);
	sink_close(&s);
	assert_string_equal(s.buf, "tcp    10.0.0.7:40000\n"
				   "# 1 flow shown, 7 read\n"
				   "\n"
				   "# 0 flows shown, 0 read\n");
	free(s.buf);
}

/* Two flows through a text writer that fits its columns on them after
 * batch_begin (as sorted output does). */
static void write_fitted(struct sink *s, const struct batch_opts *opts,
			 const struct flow fl[2])
{
	struct batch_snapshot sn = snap(NULL, "", NULL);
	const struct flow *ptr[2] = { &fl[0], &fl[1] };
	struct batch *b;

	sink_open(s);
	b = batch_new(s->f, opts);
	batch_begin(b, &sn);
	batch_fit(b, ptr, 2);
	batch_flow(b, &fl[0]);
	batch_flow(b, &fl[1]);
	batch_end(b, 2, 2);
	batch_free(b);
	sink_close(s);
}

/* On a terminal (fit_width) rows fit its width: the counter column with
 * no data leaves, addresses lose their middle and keep their port. */
static void test_text_terminal(void **state)
{
	const enum column_id ids[] = { COL_PROTO, COL_SRC, COL_DST,
				       COL_PACKETS };
	struct batch_opts opts = { .format = BATCH_TEXT, .header = true,
				   .cols = ids, .ncols = 4, .fit_width = 50,
				   .marker = "~" };
	struct flow fl[2];
	struct sink s;

	(void)state;
	fl[0] = mkflow(FLOW_IPV6, FLOW_P_TCP, "fd00:1234:5678:9abc::2", 44321,
		       "fd00:1234:5678:9abc:def0:1234:5678:1", 3306);
	fl[1] = mkflow(FLOW_IPV4, FLOW_P_UDP, "10.0.0.1", 53000, "10.0.0.2", 53);
	fl[0].has &= ~FLOW_HAS_COUNTERS;
	fl[1].has &= ~FLOW_HAS_COUNTERS;
	write_fitted(&s, &opts, fl);

	assert_null(strstr(s.buf, "PACKETS"));
	for (int i = 0; i < 3; i++)
		assert_true(strlen(line(s.buf, i)) <= 50);
	assert_non_null(strstr(line(s.buf, 1), "]:44321"));
	assert_non_null(strstr(line(s.buf, 1), "~"));
	assert_string_equal(line(s.buf, 1) + strlen(line(s.buf, 1)) - 6,
			    "]:3306");
	/* What fits stays whole. */
	assert_non_null(strstr(line(s.buf, 2), "10.0.0.1:53000"));
	free(s.buf);
}

/* batch_fit widens a column for a long IPv6 endpoint, header included,
 * even when called after batch_begin (as sorted output does). */
static void test_text_fit(void **state)
{
	const enum column_id ids[] = { COL_PROTO, COL_SRC, COL_STATE };
	struct batch_opts opts = { .format = BATCH_TEXT, .header = true,
				   .cols = ids, .ncols = 3 };
	struct flow fl[2];
	const char *hdr;
	size_t col;
	struct sink s;
	int i;

	(void)state;
	fl[0] = flows[0];
	fl[1] = mkflow(FLOW_IPV6, FLOW_P_TCP, "2001:db8:1234:5678:9abc:def0:1234:5678",
		       40000, "2001:db8::2", 443);
	fl[1].has |= FLOW_HAS_STATE;
	fl[1].state = 3;
	write_fitted(&s, &opts, fl);

	hdr = strstr(s.buf, "STATE");
	assert_non_null(hdr);
	col = hdr - s.buf;
	/* Column of "STATE" in the header is where each row's state starts. */
	for (i = 1; i <= 2; i++) {
		const char *l = line(s.buf, i);

		assert_true(strlen(l) > col);
		assert_memory_equal(l + col, "ESTABLISHED", 11);
		assert_memory_equal(l + col - 2, "  ", 2);
	}
	/* The widest source sets the column: two blanks, no more. */
	assert_true(line(s.buf, 2)[col - 3] != ' ');
	assert_non_null(strstr(line(s.buf, 2),
			       "[2001:db8:1234:5678:9abc:def0:1234:5678]:40000  EST"));
	free(s.buf);
}

/* ---- JSON ---------------------------------------------------------- */

static void test_json_flows(void **state)
{
	struct batch_snapshot sn = snap(NULL, "dport 443 and src \"x\"", &stats);
	size_t len;
	char *out = write_snapshot(BATCH_JSON, flows, NFLOWS, &sn, &len);
	const char *p = to_file(out, len);

	(void)state;
	/* One snapshot, one line. */
	assert_int_equal(count_lines(out), 1);
	assert_int_equal(out[len - 1], '\n');

	assert_jq(p, ".time", "1700000000.123");
	assert_jq(p, ".netns", "null");
	assert_jq(p, ".filter", "dport 443 and src \"x\"");
	assert_jq(p, ".table.count", "5678");
	assert_jq(p, ".table.max", "262144");
	assert_jq(p, ".table.early_drop", "6");
	assert_jq(p, ".table.chaintoolong", "10");
	assert_jq(p, ".shown", "5");
	assert_jq(p, ".flows | length", "5");

	/* tcp */
	assert_jq(p, ".flows[0].id", "1234");
	assert_jq(p, ".flows[0].family", "ipv4");
	assert_jq(p, ".flows[0].proto", "tcp");
	assert_jq(p, ".flows[0].protonum", "6");
	assert_jq(p, ".flows[0].state", "ESTABLISHED");
	assert_jq(p, ".flows[0].timeout", "431999");
	assert_jq(p, ".flows[0].src", "10.0.0.7");
	assert_jq(p, ".flows[0].dport", "443");
	assert_jq(p, ".flows[0].reply.src", "10.0.0.1");
	assert_jq(p, ".flows[0].reply.sport", "443");
	assert_jq(p, ".flows[0].reply.dport", "40000");
	assert_jq(p, ".flows[0].flags | join(\",\")", "ASSURED,SEEN_REPLY,CONFIRMED");
	assert_jq(p, ".flows[0].mark", "16");
	assert_jq(p, ".flows[0].nat", "null");
	assert_jq(p, ".flows[0].counters.orig.packets", "10");
	assert_jq(p, ".flows[0].counters.reply.bytes", "20000");
	assert_jq(p, ".flows[0].start", "1699999000.5");
	assert_jq(p, ".flows[0] | has(\"helper\"), has(\"labels\"), has(\"icmp\")",
		  "false\nfalse\nfalse");

	/* udp, DNAT, helper with a quote, a comma and a backslash */
	assert_jq(p, ".flows[1].nat", "dnat");
	assert_jq(p, ".flows[1].state", "null");
	assert_jq(p, ".flows[1].reply.src", "10.0.0.53");
	/* The backslash is kept as "\\" (flow_escape). */
	assert_jq(p, ".flows[1].helper", "he\"lp,er\\\\");
	assert_jq(p, ".flows[1].flags | join(\",\")", "UNREPLIED,DST_NAT");
	assert_jq(p, ".flows[1].zone", "3");
	assert_jq(p, ".flows[1] | has(\"counters\"), has(\"start\")", "false\nfalse");

	/* icmp: no ports, the echo id under icmp */
	assert_jq(p, ".flows[2].sport, .flows[2].dport, .flows[2].reply.sport",
		  "null\nnull\nnull");
	assert_jq(p, ".flows[2].icmp | [.type, .code, .id] | join(\",\")", "8,0,77");
	assert_jq(p, ".flows[2].nat", "null");

	/* gre over IPv6: keys under gre, not ports */
	assert_jq(p, ".flows[3].family", "ipv6");
	assert_jq(p, ".flows[3].src", "2001:db8::1");
	assert_jq(p, ".flows[3].sport", "null");
	assert_jq(p, ".flows[3].gre.src_key, .flows[3].gre.dst_key", "4369\n8738");
	assert_jq(p, ".flows[3] | has(\"icmp\")", "false");

	/* labels; no timeout */
	assert_jq(p, ".flows[4].labels | map(tostring) | join(\",\")", "0,5");
	assert_jq(p, ".flows[4].timeout", "null");

	unlink(p);
	free(out);
}

static void test_json_tables(void **state)
{
	struct table_stats no_cpu = { .count = 10, .max = 100 };
	struct batch_snapshot a = snap("blue", "", &no_cpu);
	struct batch_snapshot c = snap(NULL, "", NULL);
	struct batch_opts opts = { .format = BATCH_JSON, .header = true };
	struct flow unknown = mkflow(FLOW_IPV4, 253, "1.1.1.1", 0, "2.2.2.2", 0);
	struct sink s;
	struct batch *b;
	const char *p;

	(void)state;
	sink_open(&s);
	b = batch_new(s.f, &opts);
	batch_begin(b, &a);
	batch_flow(b, &unknown);
	batch_end(b, 1, 1);
	batch_begin(b, &c);
	batch_end(b, 0, 0);
	batch_free(b);
	sink_close(&s);

	/* JSON Lines: two complete objects, one per line. */
	assert_int_equal(count_lines(s.buf), 2);
	p = to_file(s.buf, s.len);
	assert_jq(p, "-s length", "2");
	free(s.buf);
	assert_jq(p, "-s .[0].netns", "blue");
	assert_jq(p, "-s .[0].table | keys | join(\",\")", "count,max");
	assert_jq(p, "-s .[0].flows[0].proto", "253");
	assert_jq(p, "-s .[0].flows[0].proto | type", "string");
	assert_jq(p, "-s .[0].flows[0].sport", "null");
	assert_jq(p, "-s .[1].table", "null");
	assert_jq(p, "-s .[1].flows | length", "0");
	assert_jq(p, "-s .[1].shown", "0");
	unlink(p);
}

/* Many flows: the buffer is flushed many times and stays valid JSON. */
static void test_json_many(void **state)
{
	enum { N = 20000 };
	struct batch_snapshot sn = snap(NULL, "", &stats);
	struct flow *fl = calloc(N, sizeof(*fl));
	size_t len, i;
	char *out, want[32];
	const char *p;

	(void)state;
	assert_non_null(fl);
	for (i = 0; i < N; i++) {
		fl[i] = flows[i % NFLOWS];
		fl[i].id = i;
	}
	out = write_snapshot(BATCH_JSON, fl, N, &sn, &len);
	assert_true(len > 256 * 1024);
	p = to_file(out, len);
	snprintf(want, sizeof(want), "%d", N);
	assert_jq(p, ".flows | length", want);
	snprintf(want, sizeof(want), "%d", N - 1);
	assert_jq(p, ".flows[-1].id", want);
	unlink(p);
	free(out);
	free(fl);
}

/* ---- CSV ----------------------------------------------------------- */

static void join_flag(const char *name, void *data)
{
	char *s = data;

	if (*s)
		strcat(s, "|");
	strcat(s, name);
}

static void test_csv(void **state)
{
	struct batch_snapshot sn = snap(NULL, "", &stats);
	char flags[256] = "", want[512];
	size_t len;
	char *out = write_snapshot(BATCH_CSV, flows, NFLOWS, &sn, &len);

	(void)state;
	assert_int_equal(count_lines(out), 1 + NFLOWS);
	assert_string_equal(line(out, 0),
			    "id,family,proto,protonum,state,timeout,src,dst,"
			    "sport,dport,reply_src,reply_dst,reply_sport,"
			    "reply_dport,flags,mark,zone,zone_orig,"
			    "zone_reply,nat,icmp_type,"
			    "icmp_code,icmp_id,orig_packets,orig_bytes,"
			    "reply_packets,reply_bytes,start,helper,labels");
	assert_string_equal(line(out, 1),
			    "1234,ipv4,tcp,6,ESTABLISHED,431999,10.0.0.7,"
			    "10.0.0.1,40000,443,10.0.0.1,10.0.0.7,443,40000,"
			    "ASSURED|SEEN_REPLY|CONFIRMED,16,0,0,0,,,,,10,1000,20,"
			    "20000,1699999000.500,,");
	/* The helper holds a quote and a comma: RFC 4180 quoting. */
	flow_flag_names(&flows[1], join_flag, flags);
	snprintf(want, sizeof(want),
		 "2,ipv4,udp,17,,30,10.0.0.7,192.0.2.1,5353,53,10.0.0.53,"
		 "10.0.0.7,53,5353,%s,0,3,3,3,dnat,,,,,,,,,\"he\"\"lp,er\\\\\",",
		 flags);
	assert_string_equal(line(out, 2), want);
	assert_string_equal(line(out, 3),
			    "3,ipv4,icmp,1,,30,10.0.0.7,10.0.0.1,,,10.0.0.1,"
			    "10.0.0.7,,,SEEN_REPLY|CONFIRMED,0,0,0,0,,8,0,77,,,,,,,");
	/* Labels joined like flags; no timeout known. */
	assert_string_equal(line(out, 5),
			    "5,ipv4,tcp,6,,,10.0.0.8,10.0.0.1,40001,22,10.0.0.1,"
			    "10.0.0.8,22,40001,SEEN_REPLY|CONFIRMED,0,0,0,0,,,,,,,,,,,0|5");
	free(out);
}

/* A flow without a known id (table text without -o id) has id 0: JSON
 * says null and CSV leaves the cell empty, never a made-up 0. */
static void test_unknown_id(void **state)
{
	struct batch_snapshot sn = snap(NULL, "", NULL);
	struct flow f = flows[0];
	const char *p;
	size_t len;
	char *out;

	(void)state;
	f.id = 0;
	out = write_snapshot(BATCH_JSON, &f, 1, &sn, &len);
	p = to_file(out, len);
	assert_jq(p, ".flows[0].id", "null");
	assert_jq(p, ".flows[0].proto", "tcp");
	unlink(p);
	free(out);
	out = write_snapshot(BATCH_CSV, &f, 1, &sn, &len);
	assert_memory_equal(line(out, 1), ",ipv4,tcp,", 10);
	free(out);
}

/* The header once, however many snapshots; -H drops it. */
static void test_csv_snapshots(void **state)
{
	struct batch_snapshot sn = snap(NULL, "", NULL);
	struct batch_opts opts = { .format = BATCH_CSV, .header = true };
	struct sink s;
	struct batch *b;
	int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		opts.header = !k;
		sink_open(&s);
		b = batch_new(s.f, &opts);
		batch_begin(b, &sn);
		batch_flow(b, &flows[0]);
		batch_end(b, 1, 1);
		batch_begin(b, &sn);
		batch_flow(b, &flows[2]);
		batch_end(b, 1, 1);
		batch_free(b);
		sink_close(&s);
		assert_int_equal(count_lines(s.buf), k ? 2 : 3);
		assert_memory_equal(s.buf, k ? "1234," : "id,", k ? 5 : 3);
		assert_memory_equal(line(s.buf, k ? 1 : 2), "3,ipv4,icmp", 11);
		free(s.buf);
	}
}

/* 100,000 rows through the buffer, none lost or torn. */
static void test_csv_many(void **state)
{
	enum { N = 100000 };
	struct batch_opts opts = { .format = BATCH_CSV, .header = true };
	struct batch_snapshot sn = snap(NULL, "", NULL);
	struct flow f = flows[0];
	char *l = NULL;
	size_t cap = 0;
	long rows = 0, bad = 0;
	FILE *tmp = tmpfile();
	struct batch *b;
	uint32_t i;

	(void)state;
	assert_non_null(tmp);
	b = batch_new(tmp, &opts);
	batch_begin(b, &sn);
	for (i = 0; i < N; i++) {
		f.id = i;
		batch_flow(b, &f);
	}
	batch_end(b, N, N);
	assert_int_equal(batch_flush(b), 0);
	batch_free(b);
	rewind(tmp);
	assert_true(getline(&l, &cap, tmp) > 0);
	while (getline(&l, &cap, tmp) > 0) {
		if (strtoul(l, NULL, 10) != (unsigned long)rows ||
		    !strstr(l, ",ipv4,tcp,6,ESTABLISHED,"))
			bad++;
		rows++;
	}
	assert_int_equal(rows, N);
	assert_int_equal(bad, 0);
	free(l);
	fclose(tmp);
}

static void test_write_error(void **state)
{
	struct batch_opts opts = { .format = BATCH_CSV, .header = true };
	struct batch_snapshot sn = snap(NULL, "", NULL);
	FILE *full = fopen("/dev/full", "w");
	struct batch *b;

	(void)state;
	if (!full)
		skip();
	b = batch_new(full, &opts);
	batch_begin(b, &sn);
	batch_flow(b, &flows[0]);
	errno = 0;
	assert_int_equal(batch_flush(b), -1);
	assert_int_equal(errno, ENOSPC);
	batch_free(b);
	fclose(full);
}

/* ---- groups -------------------------------------------------------- */

/* 10.0.0.7 three times, 10.0.0.1 once; each flow 3 packets, 300 bytes. */
static struct grouper *grouped(void)
{
	struct grouper *g = group_new(GROUP_SRC);
	struct flow f = mkflow(FLOW_IPV4, FLOW_P_TCP, "10.0.0.7", 1, "10.0.0.9", 2);
	int i;

	f.has |= FLOW_HAS_COUNTERS;
	f.orig_packets = 1;
	f.reply_packets = 2;
	f.orig_bytes = 100;
	f.reply_bytes = 200;
	for (i = 0; i < 3; i++)
		group_add(g, &f);
	test_addr_set(&f.orig.src, FLOW_IPV4, "10.0.0.1");
	group_add(g, &f);
	return g;
}

static char *write_groups(enum batch_format format, bool header,
			  const struct batch_snapshot *sn, size_t *len)
{
	struct batch_opts opts = { .format = format, .header = header };
	struct grouper *g = grouped();
	const struct group_row *rows;
	struct sink s;
	struct batch *b;
	size_t n;

	rows = group_rows(g, &n);
	sink_open(&s);
	b = batch_new(s.f, &opts);
	batch_groups(b, sn, GROUP_SRC, rows, n, n, group_total(g));
	batch_groups(b, sn, GROUP_SRC, rows, n, n, group_total(g));
	assert_int_equal(batch_flush(b), 0);
	batch_free(b);
	sink_close(&s);
	group_free(g);
	*len = s.len;
	return s.buf;
}

static void test_groups_text(void **state)
{
	struct table_stats st = { .count = 10, .max = 100 };
	struct batch_snapshot sn = snap(NULL, "", &st);
	size_t len;
	char *out = write_groups(BATCH_TEXT, true, &sn, &len);

	(void)state;
	/* Shares are of the kernel's 10 entries, not of the 4 grouped. */
	assert_string_equal(line(out, 0), "SRC       FLOWS  PACKETS  BYTES  SHARE");
	assert_string_equal(line(out, 1), "10.0.0.7      3        9    900  30.0%");
	assert_string_equal(line(out, 2), "10.0.0.1      1        3    300  10.0%");
	assert_string_equal(line(out, 3),
			    "# 2 groups, 4 flows, 10 in table (max 100, 10%)");
	/* The second snapshot follows a blank line. */
	assert_string_equal(line(out, 4), "");
	assert_string_equal(line(out, 5), "SRC       FLOWS  PACKETS  BYTES  SHARE");
	assert_int_equal(count_lines(out), 9);
	free(out);
}

static void test_groups_json(void **state)
{
	struct batch_snapshot sn = snap("red", "proto tcp", &stats);
	size_t len;
	char *out = write_groups(BATCH_JSON, true, &sn, &len);
	const char *p = to_file(out, len);

	(void)state;
	assert_int_equal(count_lines(out), 2);
	assert_jq(p, "-s length", "2");
	assert_jq(p, "-s .[0].group", "src");
	assert_jq(p, "-s .[0].total", "4");
	assert_jq(p, "-s .[0].netns", "red");
	assert_jq(p, "-s .[0].filter", "proto tcp");
	assert_jq(p, "-s .[0].table.found", "1");
	assert_jq(p, "-s .[0].time", "1700000000.123");
	assert_jq(p, "-s .[0].groups | length", "2");
	assert_jq(p, "-s .[0].groups[0] | [.key, .flows, .packets, .bytes, .share] "
		     "| map(tostring) | join(\",\")", "10.0.0.7,3,9,900,0.0005");
	assert_jq(p, "-s .[1].groups[1].share", "0.0002");
	assert_jq(p, "-s .[0].ngroups", "2");
	unlink(p);
	free(out);
}

/* Without accounting the counters are unknown ("-", null, empty), and a
 * cut list says how many groups there were. */
static void test_groups_uncounted_top(void **state)
{
	struct batch_opts text = { .format = BATCH_TEXT, .header = false };
	struct batch_opts json = { .format = BATCH_JSON };
	struct batch_snapshot sn = snap(NULL, "", NULL);
	struct grouper *g = group_new(GROUP_SRC);
	struct flow f = mkflow(FLOW_IPV4, FLOW_P_TCP, "10.0.0.7", 1, "10.0.0.9", 2);
	const struct group_row *rows;
	struct sink s;
	struct batch *b;
	const char *p;
	size_t n;

	(void)state;
	f.has &= (uint8_t)~FLOW_HAS_COUNTERS;
	group_add(g, &f);
	group_add(g, &f);
	test_addr_set(&f.orig.src, FLOW_IPV4, "10.0.0.1");
	group_add(g, &f);
	rows = group_rows(g, &n);
	assert_int_equal(n, 2);

	sink_open(&s);
	b = batch_new(s.f, &text);
	batch_groups(b, &sn, GROUP_SRC, rows, 1, n, group_total(g));
	batch_free(b);
	sink_close(&s);
	assert_string_equal(line(s.buf, 0), "10.0.0.7      2        -      -  66.7%");
	assert_string_equal(line(s.buf, 1), "# 1 of 2 groups, 3 flows");
	free(s.buf);

	sink_open(&s);
	b = batch_new(s.f, &json);
	batch_groups(b, &sn, GROUP_SRC, rows, 1, n, group_total(g));
	batch_free(b);
	sink_close(&s);
	p = to_file(s.buf, s.len);
	assert_jq(p, ".groups[0].packets", "null");
	assert_jq(p, ".groups[0].bytes", "null");
	assert_jq(p, ".groups | length", "1");
	assert_jq(p, ".ngroups", "2");
	unlink(p);
	free(s.buf);
	group_free(g);
}

static void test_groups_csv(void **state)
{
	struct batch_snapshot sn = snap(NULL, "", NULL);
	size_t len;
	char *out = write_groups(BATCH_CSV, true, &sn, &len);
	char *text = write_groups(BATCH_TEXT, false, &sn, &len);

	(void)state;
	assert_string_equal(out, "key,flows,packets,bytes,share\n"
				 "10.0.0.7,3,9,900,0.7500\n"
				 "10.0.0.1,1,3,300,0.2500\n"
				 "10.0.0.7,3,9,900,0.7500\n"
				 "10.0.0.1,1,3,300,0.2500\n");
	/* Text without a header (same widths) nor the kernel's figures. */
	assert_string_equal(line(text, 0), "10.0.0.7      3        9    900  75.0%");
	assert_string_equal(line(text, 2), "# 2 groups, 4 flows");
	free(out);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_aligned),
		cmocka_unit_test(test_text_plain),
		cmocka_unit_test(test_text_fit),
		cmocka_unit_test(test_text_terminal),
		cmocka_unit_test(test_json_flows),
		cmocka_unit_test(test_unknown_id),
		cmocka_unit_test(test_json_tables),
		cmocka_unit_test(test_json_many),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_snapshots),
		cmocka_unit_test(test_csv_many),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_groups_text),
		cmocka_unit_test(test_groups_json),
		cmocka_unit_test(test_groups_csv),
		cmocka_unit_test(test_groups_uncounted_top),
	};

	return cmocka_run_group_tests_name("batch", tests, setup_flows, NULL);
}
