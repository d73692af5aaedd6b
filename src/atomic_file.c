/* Atomic replacement of a file by rename(2), which POSIX makes atomic
 * within a file system: hence the temporary file in the same directory.
 * No fsync: the file is rewritten every few seconds, and on a router's
 * flash a sync per snapshot costs more than losing one after a crash. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

static void af_clear(struct atomic_file *af)
{
	free(af->path);
	free(af->tmp);
	af->path = af->tmp = NULL;
	af->f = NULL;
}

FILE *atomic_file_begin(struct atomic_file *af, const char *path,
			struct ctop_err *err)
{
	size_t len = strlen(path);
	int fd;

	memset(af, 0, sizeof(*af));
	af->path = strdup(path);
	af->tmp = malloc(len + sizeof(".XXXXXX"));
	if (!af->path || !af->tmp) {
		af_clear(af);
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		return NULL;
	}
	/* The suffix keeps the temporary file out of the collector's
	 * "*.prom" glob. */
	memcpy(af->tmp, path, len);
	memcpy(af->tmp + len, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkstemp(af->tmp);
	if (fd < 0) {
		err_set(err, CTOP_EXIT_RUNTIME, "cannot write %s: %s", path,
			strerror(errno));
		af_clear(af);
		return NULL;
	}
	af->f = fdopen(fd, "w");
	if (!af->f) {
		err_set(err, CTOP_EXIT_RUNTIME, "cannot write %s: %s", path,
			strerror(errno));
		close(fd);
		unlink(af->tmp);
		af_clear(af);
		return NULL;
	}
	return af->f;
}

int atomic_file_commit(struct atomic_file *af, struct ctop_err *err)
{
	mode_t mask = umask(0);
	int e = 0;

	umask(mask);
	errno = 0;
	if (fflush(af->f) || ferror(af->f))
		e = errno ? errno : EIO;
	else if (fchmod(fileno(af->f), 0666 & ~mask))
		e = errno;
	if (fclose(af->f) && !e)
		e = errno;
	af->f = NULL;
	if (!e && rename(af->tmp, af->path))
		e = errno;
	if (e)
		unlink(af->tmp);
	if (e)
		err_set(err, CTOP_EXIT_RUNTIME, "cannot write %s: %s",
			af->path, strerror(e));
	af_clear(af);
	return e ? -1 : 0;
}

void atomic_file_abort(struct atomic_file *af)
{
	if (af->f)
		fclose(af->f);
	if (af->tmp)
		unlink(af->tmp);
	af_clear(af);
}
