/* Table text line by line (text_read.h). One buffer, refilled in large
 * reads; lines are parsed where they lie. */
#include <stdlib.h>
#include <string.h>

#include "text_read.h"

#define BUF_SIZE (1u << 20)

struct line_reader {
	uint64_t now_ns;
	text_line_fn fn;
	void *data;
	struct text_read_stats *st;
};

static void skipped(struct text_read_stats *st)
{
	if (!st->skipped++)
		st->first_skipped = st->lines;
}

/* One line; nonzero stops. */
static int one_line(struct line_reader *lr, const char *s, size_t n)
{
	struct text_read_stats *st = lr->st;
	struct text_line tl;

	st->lines++;
	switch (text_table_line(s, n, lr->now_ns, &tl)) {
	case TEXT_FLOW:
		st->flows++;
		return lr->fn(&tl, lr->data);
	case TEXT_BAD:
		skipped(st);
		return 0;
	case TEXT_QUIET:
		if (text_table_summary(s, n, &(unsigned long){ 0 }))
			st->summary = true;
		return 0;
	}
	return 0;
}

int text_read(struct read_in *in, uint64_t now_ns, text_line_fn fn,
	      void *data, struct text_read_stats *st)
{
	struct line_reader lr = { now_ns, fn, data, st };
	char *buf = malloc(BUF_SIZE);
	size_t len = 0, got;
	bool too_long = false;	/* dropping the rest of a long line */
	int stop = 0;

	memset(st, 0, sizeof(*st));
	if (!buf)
		return -1;
	for (;;) {
		char *p = buf, *end, *nl;

		got = read_in_read(in, buf + len, BUF_SIZE - len);
		end = buf + len + got;
		while (!stop && (nl = memchr(p, '\n', (size_t)(end - p)))) {
			if (too_long)
				too_long = false;	/* its end, counted */
			else if ((size_t)(nl - p) > TEXT_LINE_MAX) {
				st->lines++;
				skipped(st);
			} else
				stop = one_line(&lr, p, (size_t)(nl - p));
			p = nl + 1;
		}
		if (stop)
			break;
		len = (size_t)(end - p);
		if (!got) {
			/* The last line may lack its newline. */
			if (len && !too_long)
				one_line(&lr, p, len);
			break;
		}
		if (len > TEXT_LINE_MAX) {
			if (!too_long) {
				st->lines++;
				skipped(st);
			}
			too_long = true;
			len = 0;
			continue;
		}
		memmove(buf, p, len);
	}
	free(buf);
	return in->error ? -1 : 0;
}
