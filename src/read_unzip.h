/* A compressed input (gzip, xz, zstd), told by its magic bytes, read
 * through the decompressor as a pipe: "gzip -dc" and its kin run as a
 * child process, so ctop links no compression library. The head already
 * read and the rest of the input are fed to it by a thread; what it
 * writes is a new input, told apart and read like any other. */
#ifndef CTOP_READ_UNZIP_H
#define CTOP_READ_UNZIP_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "read_in.h"

/* The compression the head shows: "gzip", "xz", "zstd", or NULL. */
const char *read_unzip_kind(const char *head, size_t n);

struct read_unzip;

/* Start the decompressor for KIND on IN (its head read): *out is its
 * output. Fails (status 1, one line) when the tool is not installed. */
int read_unzip_start(struct read_in *in, const char *kind,
		     struct read_unzip **z, FILE **out, struct ctop_err *err);

/* Close its output, wait for it and the feeder. COMPLETE: the output was
 * read to its end, so a failure of the tool is reported (the data is not
 * KIND, or truncated); a reader that stopped early closed the pipe on
 * purpose. Returns 0, or -1 with the error set. */
int read_unzip_finish(struct read_unzip *z, FILE *out, bool complete,
		      struct ctop_err *err);

#endif
