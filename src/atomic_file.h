/* A file replaced whole or not at all: written under a temporary name in
 * the same directory, then renamed over the target. Readers that poll the
 * file (node_exporter's textfile collector) never see half of it. */
#ifndef CTOP_ATOMIC_FILE_H
#define CTOP_ATOMIC_FILE_H

#include <stdio.h>

#include "err.h"

struct atomic_file {
	char *path;		/* the target */
	char *tmp;		/* PATH.XXXXXX while open */
	FILE *f;
};

/* Open a temporary file next to PATH for writing. Returns the stream, or
 * NULL with err filled (status 1). */
FILE *atomic_file_begin(struct atomic_file *af, const char *path,
			struct ctop_err *err);
/* Flush, give the file the mode a plain create would (0666 less the
 * umask), and rename it over the target. On failure the temporary file is
 * removed and the target left as it was: -1 with err filled. */
int atomic_file_commit(struct atomic_file *af, struct ctop_err *err);
/* Remove the temporary file, if any (an error on the way). */
void atomic_file_abort(struct atomic_file *af);

#endif
