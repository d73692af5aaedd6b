/* Runs a harness without libFuzzer: each file named on the command line,
 * or with no arguments every file of the seed corpus fuzz/corpus/NAME/
 * and of the regression inputs tests/data/fuzz/NAME/ (crashes the
 * fuzzers found), goes once through LLVMFuzzerTestOneInput(). Built into
 * BUILD/tests/test_fuzz_NAME, so tests/run replays them in the plain and
 * the ASan/UBSan build; a crash or a sanitizer report fails the test.
 * Run from the top of the tree (tests/run does). */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "build with -DFUZZ_NAME=\"name\""
#endif

static int run_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	size_t n;
	FILE *fp;

	fp = fopen(path, "rb");
	if (!fp || fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: %s\n", path, fp ? "not a file" : strerror(errno));
		if (fp)
			fclose(fp);
		return -1;
	}
	/* One extra byte so an empty file still has a buffer. */
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? fread(buf, 1, (size_t)st.st_size, fp) : 0;
	fclose(fp);
	if (!buf || n != (size_t)st.st_size) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of DIR, in name order. Returns how many ran, or -1. */
static long run_dir(const char *dir, bool must_exist)
{
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	struct dirent *d;
	long ran = 0;
	DIR *dp;

	dp = opendir(dir);
	if (!dp) {
		if (!must_exist && errno == ENOENT)
			return 0;
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*p));

			if (!p)
				break;
			names = p;
		}
		names[n] = strdup(d->d_name);
		if (names[n])
			n++;
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (run_file(path) == 0)
			ran++;
		else
			ran = -1 - (long)n;	/* stays negative: a failure */
		free(names[i]);
	}
	free(names);
	return ran < 0 ? -1 : ran;
}

int main(int argc, char **argv)
{
	long seeds, regress;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (run_file(argv[i]) < 0)
				return 1;
		printf("%s: %d inputs ran\n", FUZZ_NAME, argc - 1);
		return 0;
	}
	seeds = run_dir("fuzz/corpus/" FUZZ_NAME, true);
	regress = run_dir("tests/data/fuzz/" FUZZ_NAME, false);
	if (seeds < 0 || regress < 0)
		return 1;
	if (seeds == 0) {
		fprintf(stderr, "fuzz/corpus/%s: no seeds\n", FUZZ_NAME);
		return 1;
	}
	printf("%s: %ld seeds and %ld regression inputs ran\n", FUZZ_NAME,
	       seeds, regress);
	return 0;
}
