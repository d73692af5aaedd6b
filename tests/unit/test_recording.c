/* The --record file format: header, byte order, label layout, old
 * headerless files, and the errors of files that are not recordings.
 *
 * tests/data/dump-all.nl is a headerless recording made on x86_64
 * (little-endian, 8-byte longs); tests/data/dump-all-s390x.nl is the same
 * dump written with a header on s390x (big-endian) by this test under
 * qemu (CTOP_WRITE_RECORDING=FILE, see tests/cross/run). Every host must
 * read the same flows from both, the label bit included.
 *
 * Environment: CTOP_TEST_DATA (fixtures, default tests/data),
 * CTOP_WRITE_RECORDING (write the fixture as this host records it),
 * CTOP_FOREIGN_RECORDING (also check this file, written elsewhere). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "source.h"
#include "source_read.h"
#include "source_recording.h"

#define MAX_FLOWS 64

struct flows {
	struct flow f[MAX_FLOWS];
	int n;
};

static const char *data_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("CTOP_TEST_DATA");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	return path;
}

static int collect(const struct flow *f, void *data)
{
	struct flows *fl = data;

	if (fl->n < MAX_FLOWS)
		memcpy(&fl->f[fl->n], f, sizeof(*f));
	fl->n++;
	return 0;
}

static struct flows *replay(const char *path)
{
	struct flows *fl = calloc(1, sizeof(*fl));
	struct ctop_err err = { 0 };

	assert_non_null(fl);
	if (source_read(path, collect, fl, NULL, &err) < 0)
		fail_msg("cannot replay %s: %s", path, err.msg);
	return fl;
}

static char *slurp(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	assert_non_null(fp);
	assert_non_null(buf);
	*size = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

static void spill(const char *path, const void *a, size_t alen,
		  const void *b, size_t blen)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(a, 1, alen, fp), alen);
	if (blen)
		assert_int_equal(fwrite(b, 1, blen, fp), blen);
	assert_int_equal(fclose(fp), 0);
}

/* Same flows in the same order, every field (the parser zeroes each flow
 * first, so padding compares equal too). */
static void assert_same_flows(const struct flows *a, const struct flows *b)
{
	int i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n && i < MAX_FLOWS; i++)
		if (memcmp(&a->f[i], &b->f[i], sizeof(a->f[i])))
			fail_msg("flow %d differs (id %u / %u)", i, a->f[i].id,
				 b->f[i].id);
}

/* The fixture's label bit 3 reads as bit 3, whatever wrote the file. */
static void assert_label(const struct flows *fl)
{
	char buf[32];
	int i, seen = 0;

	for (i = 0; i < fl->n && i < MAX_FLOWS; i++) {
		if (!(fl->f[i].has & FLOW_HAS_LABELS))
			continue;
		format_labels(buf, sizeof(buf), &fl->f[i]);
		assert_string_equal(buf, "3");
		seen++;
	}
	assert_int_equal(seen, 1);
}

static void header(unsigned char *h, char order, unsigned char lsize)
{
	memset(h, 0, RECORDING_HEADER_SIZE);
	memcpy(h, RECORDING_MAGIC, 8);
	h[8] = RECORDING_VERSION;
	h[9] = (unsigned char)order;
	h[10] = lsize;
}

static char tmp[64];

static int make_tmp(void **state)
{
	int fd;

	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/ctop-test-rec-XXXXXX");
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int drop_tmp(void **state)
{
	(void)state;
	unlink(tmp);
	return 0;
}

/* The old headerless little-endian file, and the same bytes behind a
 * header that says so, give the same 24 flows. */
static void test_header_and_legacy(void **state)
{
	unsigned char h[RECORDING_HEADER_SIZE];
	struct flows *old, *withh;
	size_t size;
	char *buf;

	(void)state;
	old = replay(data_path("dump-all.nl"));
	assert_int_equal(old->n, 24);
	assert_label(old);
	buf = slurp(data_path("dump-all.nl"), &size);
	header(h, 'L', 8);
	spill(tmp, h, sizeof(h), buf, size);
	withh = replay(tmp);
	assert_same_flows(old, withh);
	free(buf);
	free(old);
	free(withh);
}

/* Written on s390x, read here: the same flows as the x86 recording. */
static void check_foreign(const char *path)
{
	struct flows *le = replay(data_path("dump-all.nl"));
	struct flows *be = replay(path);

	assert_same_flows(le, be);
	assert_label(be);
	free(le);
	free(be);
}

static void test_big_endian_fixture(void **state)
{
	size_t size;
	char *buf = slurp(data_path("dump-all-s390x.nl"), &size);

	(void)state;
	/* It is what it says it is. */
	assert_true(size > RECORDING_HEADER_SIZE);
	assert_memory_equal(buf, RECORDING_MAGIC, 8);
	assert_int_equal(buf[9], 'B');
	assert_int_equal(buf[10], 8);
	free(buf);
	check_foreign(data_path("dump-all-s390x.nl"));
}

static void test_foreign_env(void **state)
{
	const char *path = getenv("CTOP_FOREIGN_RECORDING");

	(void)state;
	if (!path || !*path)
		skip();
	check_foreign(path);
}

/* The fixture as this host's ctop would record it: its header, then the
 * messages in this host's order. Read back, the same flows. */
static void test_write_native(void **state)
{
	const char *out = getenv("CTOP_WRITE_RECORDING");
	struct ctop_err err = { 0 };
	struct flows *a, *b;
	size_t size, len;
	char *buf, *msgs;
	FILE *fp;

	(void)state;
	if (!out || !*out)
		out = tmp;
	buf = slurp(data_path("dump-all.nl"), &size);
	assert_int_equal(recording_load(buf, size, "fixture", &msgs, &len, &err), 0);
	fp = fopen(out, "wb");
	assert_non_null(fp);
	assert_int_equal(recording_write_header(fp), 0);
	assert_int_equal(fwrite(msgs, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	a = replay(data_path("dump-all.nl"));
	b = replay(out);
	assert_same_flows(a, b);
	free(a);
	free(b);
	free(buf);
}

static void expect_error(const void *a, size_t alen, const void *b,
			 size_t blen, const char *words)
{
	struct ctop_err err = { 0 };
	struct flows *fl = calloc(1, sizeof(*fl));

	assert_non_null(fl);
	spill(tmp, a, alen, b, blen);
	assert_int_equal(source_read(tmp, collect, fl, NULL, &err), -1);
	assert_int_equal(err.status, CTOP_EXIT_RUNTIME);
	if (!strstr(err.msg, words) || !strstr(err.msg, tmp))
		fail_msg("message \"%s\" lacks \"%s\" or the path", err.msg, words);
	free(fl);
}

static void test_refused(void **state)
{
	unsigned char h[RECORDING_HEADER_SIZE];
	static const char text[] = "id,src,dst\n1,10.0.0.1,10.0.0.2\n";
	size_t size;
	char *buf = slurp(data_path("dump-all.nl"), &size);

	(void)state;
	header(h, 'L', 8);
	h[8] = 2;
	expect_error(h, sizeof(h), buf, size, "format version 2; this ctop reads version 1");
	header(h, 'X', 8);
	expect_error(h, sizeof(h), buf, size, "corrupt recording header");
	header(h, 'L', 5);
	expect_error(h, sizeof(h), buf, size, "corrupt recording header");
	header(h, 'L', 8);
	expect_error(h, 12, NULL, 0, "truncated recording header");
	/* Neither header nor netlink: the text reader's word on it. */
	expect_error(text, sizeof(text) - 1, NULL, 0, "no conntrack table");
	expect_error("abc", 3, NULL, 0, "no conntrack table");
	/* A cut header is still a recording's. */
	expect_error(RECORDING_MAGIC, 5, NULL, 0, "truncated recording header");
	/* Told big-endian, the little-endian messages do not fit: refused,
	 * not misread (converting, at the first message). */
	header(h, 'B', 8);
	expect_error(h, sizeof(h), buf, size, "corrupt netlink record");
	free(buf);
}

/* A foreign file cut short, or with one attribute length broken, is an
 * error naming where, never a read past the end (ASan). */
static void test_foreign_damaged(void **state)
{
	const uint16_t one = 1;
	struct ctop_err err = { 0 };
	struct flows *fl;
	size_t size, cut;
	char *buf = slurp(data_path("dump-all-s390x.nl"), &size);
	int r;

	(void)state;
	for (cut = RECORDING_HEADER_SIZE; cut < size; cut += 37) {
		fl = calloc(1, sizeof(*fl));
		assert_non_null(fl);
		spill(tmp, buf, cut, NULL, 0);
		memset(&err, 0, sizeof(err));
		r = source_read(tmp, collect, fl, NULL, &err);
		if (r < 0)
			assert_non_null(strstr(err.msg, "truncated"));
		else
			assert_true(fl->n < 24);
		free(fl);
	}
	/* The first attribute's length (big-endian at byte 16 + 16 + 4)
	 * made larger than its message: converting, that stops the replay;
	 * read on big-endian, as a kernel's message, it is refused or
	 * skipped. */
	buf[RECORDING_HEADER_SIZE + 20] = 0x7f;
	fl = calloc(1, sizeof(*fl));
	assert_non_null(fl);
	spill(tmp, buf, size, NULL, 0);
	r = source_read(tmp, collect, fl, NULL, &err);
	if (*(const uint8_t *)&one) {
		assert_int_equal(r, -1);
		assert_non_null(strstr(err.msg, "corrupt netlink record at byte 16"));
	} else if (r < 0) {
		assert_non_null(strstr(err.msg, "corrupt"));
	} else {
		assert_int_equal(fl->n, 23);
	}
	free(fl);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_header_and_legacy, make_tmp, drop_tmp),
		cmocka_unit_test(test_big_endian_fixture),
		cmocka_unit_test(test_foreign_env),
		cmocka_unit_test_setup_teardown(test_write_native, make_tmp, drop_tmp),
		cmocka_unit_test_setup_teardown(test_refused, make_tmp, drop_tmp),
		cmocka_unit_test_setup_teardown(test_foreign_damaged, make_tmp, drop_tmp),
	};

	return cmocka_run_group_tests_name("recording", tests, NULL, NULL);
}
