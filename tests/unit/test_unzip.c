/* Compressed input (read_unzip.c): gzip, xz and zstd told by their magic
 * bytes whatever the name, read through the tool as a pipe, from a file
 * and from standard input, giving the flows the plain text gives; a
 * missing tool, bad data and a cut-short file each fail with one line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "read_unzip.h"
#include "source_read.h"

#define COPIES 3000	/* of the fixture's lines: well past the head and a pipe's buffer */

struct digest {
	uint64_t n, sum;
};

static int count(const struct flow *f, void *data)
{
	struct digest *d = data;
	struct flow g = *f;
	const uint8_t *p = (const uint8_t *)&g;

	/* A start from delta-time= counts from the file's modification
	 * time (standard input: now), which differs between the files. */
	g.start_ns = 0;
	d->n++;
	for (size_t i = 0; i < sizeof(g); i++)
		d->sum = d->sum * 31 + p[i];
	return 0;
}

static char dir[64];

static const char *tmp_path(const char *name)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	return p;
}

static const char *data_dir(void)
{
	static char abs[4096];
	const char *d = getenv("CTOP_TEST_DATA");

	if (!realpath(d ? d : "tests/data", abs))
		return "tests/data";
	return abs;
}

static int setup(void **state)
{
	char cmd[8400], line[4096];
	FILE *in, *out;
	size_t n;

	(void)state;
	strcpy(dir, "/tmp/ctop-test-unzip-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* The plain text, then each compressed; the names say nothing. */
	snprintf(cmd, sizeof(cmd), "%s/proc-nf_conntrack.txt", data_dir());
	in = fopen(cmd, "rb");
	out = fopen(tmp_path("plain"), "wb");
	if (!in || !out || (n = fread(line, 1, sizeof(line), in)) == 0)
		return -1;
	for (int i = 0; i < COPIES; i++)
		fwrite(line, 1, n, out);
	fclose(in);
	if (fclose(out))
		return -1;
	snprintf(cmd, sizeof(cmd), "cd %s && gzip -c plain >g.txt && xz -c plain >x.txt && "
		 "zstd -qc plain >z.txt && head -c 3000 g.txt >cut.txt && "
		 "printf '\\037\\213not gzip' >bad.txt && gzip -c %s/dump-all.nl >rec.txt",
		 dir, data_dir());
	return system(cmd) ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

static struct digest read_ok(const char *path)
{
	struct ctop_err err = { 0 };
	struct read_summary sum;
	struct digest d = { 0, 0 };

	if (source_read(path, count, &d, &sum, &err))
		fail_msg("%s: %s", path, err.msg);
	assert_int_equal(sum.flows, d.n);
	return d;
}

static void test_kinds(void **state)
{
	(void)state;
	assert_string_equal(read_unzip_kind("\x1f\x8b\x08", 3), "gzip");
	assert_string_equal(read_unzip_kind("\xfd" "7zXZ\0\0", 7), "xz");
	assert_string_equal(read_unzip_kind("\x28\xb5\x2f\xfd", 4), "zstd");
	assert_null(read_unzip_kind("\x1f", 1));
	assert_null(read_unzip_kind("\xfd" "7zXZ", 5));
	assert_null(read_unzip_kind("ipv4     2 tcp", 14));
}

static void test_same_flows(void **state)
{
	struct digest plain = read_ok(tmp_path("plain")), d;
	static const char *const names[] = { "g.txt", "x.txt", "z.txt" };

	(void)state;
	assert_true(plain.n >= COPIES);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		d = read_ok(tmp_path(names[i]));
		assert_int_equal(d.n, plain.n);
		assert_int_equal(d.sum, plain.sum);
	}
}

/* Standard input: the head already taken is fed to the tool first. */
static void test_stdin(void **state)
{
	struct digest plain = read_ok(tmp_path("plain")), d;

	(void)state;
	assert_non_null(freopen(tmp_path("x.txt"), "rb", stdin));
	d = read_ok("-");
	assert_int_equal(d.n, plain.n);
	assert_int_equal(d.sum, plain.sum);
}

/* A compressed recording is a recording. */
static void test_recording(void **state)
{
	struct digest plain, d;
	char path[4200];

	(void)state;
	snprintf(path, sizeof(path), "%s/dump-all.nl", data_dir());
	plain = read_ok(path);
	d = read_ok(tmp_path("rec.txt"));
	assert_true(plain.n > 0);
	assert_int_equal(d.n, plain.n);
	assert_int_equal(d.sum, plain.sum);
}

static int stop_at_first(const struct flow *f, void *data)
{
	(void)f;
	++*(int *)data;
	return 1;
}

/* A reader that stops at its first flow ends the tool and the feeder:
 * no child is left, nothing hangs. */
static void test_stop_early(void **state)
{
	struct ctop_err err = { 0 };
	int seen = 0;

	(void)state;
	assert_int_equal(source_read(tmp_path("g.txt"), stop_at_first, &seen, NULL, &err), 0);
	assert_int_equal(seen, 1);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void read_fails(const char *path, const char *says)
{
	struct ctop_err err = { 0 };
	struct digest d = { 0, 0 };

	assert_int_equal(source_read(path, count, &d, NULL, &err), -1);
	assert_int_equal(err.status, CTOP_EXIT_RUNTIME);
	if (!strstr(err.msg, says))
		fail_msg("%s: \"%s\" does not say \"%s\"", path, err.msg, says);
}

static void test_failures(void **state)
{
	char *old = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");

	(void)state;
	read_fails(tmp_path("cut.txt"), "'gzip -dc' failed");
	read_fails(tmp_path("bad.txt"), "not gzip data");
	/* No tool on PATH: said before anything runs. */
	assert_int_equal(setenv("PATH", dir, 1), 0);
	read_fails(tmp_path("z.txt"), "zstd-compressed: ctop reads it through 'zstd -dc', which is not installed");
	assert_int_equal(setenv("PATH", old, 1), 0);
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_same_flows),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_recording),
		cmocka_unit_test(test_stop_early),
		cmocka_unit_test(test_failures),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
