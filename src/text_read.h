/* Table text, line by line, from an input into a callback: flows stream
 * through without being kept, so a grouping of a million lines holds only
 * its groups. Lines that are none of the dialects are counted. */
#ifndef CTOP_TEXT_READ_H
#define CTOP_TEXT_READ_H

#include <stdint.h>

#include "read_in.h"
#include "text_table.h"

struct text_read_stats {
	uint64_t lines;		/* lines read */
	uint64_t flows;		/* flow lines handed out */
	uint64_t skipped;	/* lines that are no table text */
	uint64_t first_skipped;	/* line number of the first, 1-based */
	bool summary;		/* a conntrack summary line was seen */
};

/* Return 0 to go on, nonzero to stop. */
typedef int (*text_line_fn)(const struct text_line *tl, void *data);

/* Lines longer than this are not table text (the longest real one, IPv6
 * in /proc with every field, is under 600 bytes). */
#define TEXT_LINE_MAX 8192

/* Read IN to its end (or until fn stops), NOW_NS as in
 * text_table_line(). Returns 0, or -1 when reading failed (in->error)
 * or memory ran out. */
int text_read(struct read_in *in, uint64_t now_ns, text_line_fn fn,
	      void *data, struct text_read_stats *st);

#endif
