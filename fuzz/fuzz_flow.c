/* One ctnetlink conntrack message into struct flow (source_parse_flow),
 * then through every batch writer, as ctop -1 would print it.
 *
 * The input is one message. Like every caller (the dump, the event
 * reader, --replay) the harness hands the parser only a message whose
 * nlmsg_len fits what was received; the bytes are copied into a buffer
 * of exactly that length so a read past the message is an ASan report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "batch.h"
#include "columns.h"
#include "source.h"
#include "fuzz.h"

static FILE *devnull;

static void print(const struct flow *f, enum batch_format format)
{
	enum column_id cols[64];
	struct batch_opts opts = { .format = format, .header = true };
	struct batch_snapshot snap = { .time_ns = 1700000000000000000ull,
				       .filter = "" };
	struct batch *b;

	opts.ncols = columns_default(cols, 64);
	opts.cols = cols;
	b = batch_new(devnull, &opts);
	if (!b)
		return;
	batch_fit(b, &f, 1);
	batch_begin(b, &snap);
	batch_flow(b, f);
	batch_end(b, 1, 1);
	batch_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow f;
	uint8_t *msg = fuzz_first_message(data, size);

	if (!msg)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (source_parse_flow(msg, &f) == 0 && devnull) {
		print(&f, BATCH_TEXT);
		print(&f, BATCH_JSON);
		print(&f, BATCH_CSV);
	}
	free(msg);
	return 0;
}
