/* Table text (conntrack -L, -E, /proc/net/nf_conntrack) through the text
 * reader: the whole input as one line, then as a file of lines read the
 * way ctop - reads standard input, each flow written as text and JSON so
 * a bad field shows under the sanitizers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "columns.h"
#include "fuzz.h"
#include "text_read.h"
#include "text_table.h"

struct sink {
	struct batch *out;
	long n;
};

static int on_line(const struct text_line *tl, void *data)
{
	struct sink *s = data;

	s->n += tl->event + tl->f.family;
	if (s->out)
		batch_flow(s->out, &tl->f);
	return 0;
}

static void write_flows(const uint8_t *data, size_t size, enum batch_format fmt)
{
	enum column_id cols[32];
	struct batch_opts opts = { .format = fmt, .header = true, .cols = cols };
	struct sink s = { 0 };
	struct text_read_stats st;
	struct read_in *in;
	FILE *devnull = fopen("/dev/null", "w");

	opts.ncols = columns_default(cols, 32);
	in = calloc(1, sizeof(*in));
	if (!in || !devnull)
		abort();
	in->name = "fuzz";
	in->fp = fmemopen((void *)data, size, "r");
	if (!in->fp)
		abort();
	s.out = batch_new(devnull, &opts);
	read_in_start(in);
	text_read(in, 1796160000ull * 1000000000ull, on_line, &s, &st);
	if (st.flows + st.skipped > st.lines)
		abort();	/* every counted line was read */
	batch_free(s.out);
	fclose(in->fp);
	free(in);
	fclose(devnull);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct text_line tl;
	char *copy;

	/* One line, in a buffer of exactly its size: a read past the end
	 * is reported. */
	copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	text_table_line(copy, size, 0, &tl);
	text_table_detect(copy, size);
	free(copy);
	if (size)	/* fmemopen wants a non-empty buffer */
		write_flows(data, size, size & 1 ? BATCH_JSON : BATCH_TEXT);
	return 0;
}
