/* A table from elsewhere: a file, or standard input ("-"), told apart by
 * what it holds. The readers are one table in source_read.c (a ctop
 * netlink recording, conntrack's XML refused with a hint, table text in
 * every dialect of text_table.h); a new format is one more entry there.
 * Whatever the reader, flows come out as struct flow, so filters, sorts,
 * groups and every output work on them as on a dump. */
#ifndef CTOP_SOURCE_READ_H
#define CTOP_SOURCE_READ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "source.h"
#include "text_read.h"

/* What one read found, for the summary on stderr (or the screen). */
struct read_summary {
	const char *format;	/* the reader's name */
	uint64_t flows;		/* flows handed out */
	uint64_t lines;		/* text: lines read */
	uint64_t skipped;	/* text: lines that are none of the dialects */
	uint64_t first_skipped;	/* text: the first of those, 1-based */
};

/* "standard input" for "-", else PATH. */
const char *source_read_name(const char *path);
/* Whether PATH can be read again for a fresh copy (a regular file, not
 * standard input or a pipe). */
bool source_read_rereadable(const char *path);

/* Read the table in PATH ("-": standard input), calling fn once per flow.
 * An input without a single table line is an error (status 1), with one
 * line saying what it holds instead. sum may be NULL. */
int source_read(const char *path, source_flow_fn fn, void *data,
		struct read_summary *sum, struct ctop_err *err);

/* conntrack -E text from PATH: fn gets each event line (tl->event set;
 * a table line comes as TEXT_EV_NONE). */
int source_read_events(const char *path, text_line_fn fn, void *data,
		       struct read_summary *sum, struct ctop_err *err);

/* "ctop: NAME: skipped N of M lines that are no table text (the first:
 * line L)" when lines were skipped; nothing otherwise. */
void source_read_report(FILE *out, const char *path,
			const struct read_summary *sum);

#endif
