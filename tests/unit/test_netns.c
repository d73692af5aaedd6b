/* Unit tests for src/netns.c: a namespace is named by the entry of the
 * run directory that is the same file (device and inode), else "host" for
 * init's, else its inode. Plain files stand in for nsfs ones: the match
 * is the same. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "netns.h"

static char dir[64], run[96], self[96], init[96], path[160];

static void touch(const char *p)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ctop-netns-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(run, sizeof(run), "%s/run", dir);
	snprintf(self, sizeof(self), "%s/self", dir);
	snprintf(init, sizeof(init), "%s/init", dir);
	return mkdir(run, 0700);
}

static int teardown(void **state)
{
	const char *names[] = { "run/router", "run/other" };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	unlink(self);
	unlink(init);
	rmdir(run);
	rmdir(dir);
	return 0;
}

static void test_describe(void **state)
{
	char buf[64], want[64];
	struct stat st;

	(void)state;
	assert_string_equal(netns_describe(buf, sizeof(buf), self, run, init),
			    "unknown");
	touch(self);
	touch(init);
	snprintf(path, sizeof(path), "%s/other", run);
	touch(path);
	/* Not in the run directory, not init's: the inode. */
	assert_int_equal(stat(self, &st), 0);
	snprintf(want, sizeof(want), "inode %llu", (unsigned long long)st.st_ino);
	assert_string_equal(netns_describe(buf, sizeof(buf), self, run, init),
			    want);
	/* init's namespace. */
	assert_string_equal(netns_describe(buf, sizeof(buf), init, run, init),
			    "host");
	/* A name in the run directory wins. */
	snprintf(path, sizeof(path), "%s/router", run);
	assert_int_equal(link(self, path), 0);
	assert_string_equal(netns_describe(buf, sizeof(buf), self, run, init),
			    "router");
	/* A missing run directory is no error. */
	assert_string_equal(netns_describe(buf, sizeof(buf), init,
					   "/nonexistent/ctop", init), "host");
}

static void test_current(void **state)
{
	char buf[64];

	(void)state;
	/* Whatever this test runs in, the answer is never empty. */
	assert_true(strlen(netns_current(buf, sizeof(buf))) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_current),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
