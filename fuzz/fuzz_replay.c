/* A whole --replay file through source_read(): the input is the file
 * (a run of netlink messages, as --record writes them; what is not one
 * goes to the text reader, as with ctop -R). It is written to
 * a memory file and replayed by its /proc/self/fd path, so the code under
 * test is exactly what ctop --replay FILE runs. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source.h"
#include "source_read.h"
#include "fuzz.h"

static int count(const struct flow *f, void *data)
{
	long *n = data;

	/* Touch what the parser filled, so a bad value shows under UBSan. */
	*n += f->family + f->protonum;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct ctop_err err = { 0 };
	long n = 0;

	if (fd < 0) {
		fd = memfd_create("ctop-fuzz-replay", 0);
		if (fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 ||
	    (size && pwrite(fd, data, size, 0) != (ssize_t)size)) {
		perror("memfd write");
		abort();
	}
	source_read(path, count, &n, NULL, &err);
	return 0;
}
