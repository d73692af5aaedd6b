/* The --record file: a 16-byte header, then the netlink messages of one
 * dump exactly as the kernel sent them (datagrams concatenated), in the
 * writer's byte order. The header says that order and the writer's long
 * size, so a reader on another machine turns the messages into what its
 * own kernel would have sent before they reach the parser.
 *
 *   bytes 0-7   magic "ctoprec\n"
 *   byte  8     format version (1)
 *   byte  9     'L' or 'B': the writer's byte order
 *   byte  10    the writer's sizeof(long) (4 or 8): label bitmaps are
 *               arrays of longs in host order
 *   bytes 11-15 zero
 *
 * Files without the header (written before it existed) are read too: the
 * byte order is told by the first message's length, the long size is
 * taken to be the reader's. Only src/source*.c include netlink headers,
 * hence the file name. */
#ifndef CTOP_SOURCE_RECORDING_H
#define CTOP_SOURCE_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

#define RECORDING_MAGIC		"ctoprec\n"
#define RECORDING_VERSION	1
#define RECORDING_HEADER_SIZE	16

/* Whether the first N bytes of an input start a recording: the header
 * (or the start of its magic, so a cut header is reported as such), or
 * a headerless one's first message in the other byte order (the host's
 * order is source_recording_detect's to tell). */
bool recording_has_header(const void *head, size_t n);
bool recording_swapped_start(const void *head, size_t n);

/* Write the header of this host to fp. Returns 0 or -1 (errno set). */
int recording_write_header(FILE *fp);

/* Make the contents of a recording file (buf, size; modified in place)
 * ready for the parser: check the header, convert the messages to this
 * host's byte order and label layout, and point *msgs, *len at them.
 * Returns 0, or -1 with err naming PATH (unknown version, not a
 * recording, corrupt message while converting). */
int recording_load(char *buf, size_t size, const char *path, char **msgs,
		   size_t *len, struct ctop_err *err);

#endif
