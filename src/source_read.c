/* A table from a file or a pipe: which reader, by the input's first bytes
 * (source_read.h). No netlink header here: the recording reader lives with
 * the netlink parser in source.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "flightrec_file.h"
#include "read_unzip.h"
#include "source_read.h"

struct reader_ctx {
	source_flow_fn flow_fn;	/* tables */
	text_line_fn line_fn;	/* events */
	void *data;
	struct read_summary *sum;
	uint64_t now_ns;
	/* Lines of the other kind: events in a table, table lines in
	 * events; skipped, and the first one's line number. */
	uint64_t others, other_first;
	const struct text_read_stats *st;	/* text: lines so far */
};

/* One format: whether the head is one, and how to read it all. */
struct table_reader {
	const char *name;
	bool (*detect)(const char *head, size_t n);
	int (*read)(struct read_in *in, struct reader_ctx *rc,
		    struct ctop_err *err);
};

static bool recording_detect(const char *head, size_t n)
{
	return source_recording_detect(head, n);
}

static int recording_read(struct read_in *in, struct reader_ctx *rc,
			  struct ctop_err *err)
{
	if (!rc->flow_fn)
		return err_set(err, CTOP_EXIT_RUNTIME, "%s is a ctop recording of "
			       "a dump, not conntrack -E text", in->name);
	return source_replay_in(in, rc->flow_fn, rc->data, &rc->sum->flows, err);
}

static bool flightrec_detect(const char *head, size_t n)
{
	return fr_stream_detect(head, n);
}

static int flightrec_read(struct read_in *in, struct reader_ctx *rc,
			  struct ctop_err *err)
{
	if (!rc->flow_fn)
		return err_set(err, CTOP_EXIT_RUNTIME, "%s is a ctop flight "
			       "recording, not conntrack -E text", in->name);
	return fr_stream_read(in, rc->flow_fn, rc->data, &rc->sum->flows, err);
}

static bool xml_detect(const char *head, size_t n)
{
	while (n && (*head == ' ' || *head == '\n' || *head == '\t')) {
		head++;
		n--;
	}
	return (n >= 5 && !memcmp(head, "<?xml", 5)) ||
	       (n >= 10 && !memcmp(head, "<conntrack", 10));
}

/* conntrack -o xml carries what the line text carries, in a second
 * syntax that would need a second parser: not read, and said so. */
static int xml_read(struct read_in *in, struct reader_ctx *rc,
		    struct ctop_err *err)
{
	(void)rc;
	return err_set(err, CTOP_EXIT_RUNTIME, "%s is conntrack's XML, which "
		       "ctop does not read: print the table with "
		       "'conntrack -L -o extended,id' instead", in->name);
}

static int on_table_line(const struct text_line *tl, void *data)
{
	struct reader_ctx *rc = data;

	/* An event line is no table entry: a DESTROY is a flow gone. */
	if (tl->event != TEXT_EV_NONE) {
		if (!rc->others++)
			rc->other_first = rc->st->lines;
		return 0;
	}
	rc->sum->flows++;
	return rc->flow_fn(&tl->f, rc->data);
}

static int on_event_line(const struct text_line *tl, void *data)
{
	struct reader_ctx *rc = data;

	/* A table line in an event stream: no event to print. */
	if (tl->event == TEXT_EV_NONE) {
		if (!rc->others++)
			rc->other_first = rc->st->lines;
		return 0;
	}
	rc->sum->flows++;
	return rc->line_fn(tl, rc->data);
}

static int text_read_all(struct read_in *in, struct reader_ctx *rc,
			 struct ctop_err *err)
{
	struct text_read_stats st;
	struct read_summary *sum = rc->sum;
	int r;

	rc->st = &st;
	r = text_read(in, rc->now_ns, rc->flow_fn ? on_table_line : on_event_line,
		      rc, &st);
	if (r < 0)
		return err_set(err, CTOP_EXIT_RUNTIME, "cannot read %s: %s", in->name,
			       in->error ? strerror(in->err_no) : "out of memory");
	sum->lines = st.lines;
	sum->skipped = st.skipped + rc->others;
	sum->first_skipped = st.first_skipped;
	if (rc->others && (!st.skipped || rc->other_first < st.first_skipped))
		sum->first_skipped = rc->other_first;
	/* An empty table prints only conntrack's summary; an event stream
	 * may well be empty. */
	if (sum->flows || (rc->flow_fn && st.summary) ||
	    (!rc->flow_fn && !st.lines))
		return 0;
	if (rc->others && rc->flow_fn)
		return err_set(err, CTOP_EXIT_RUNTIME, "%s holds conntrack -E "
			       "events, not a table: read it with 'ctop -E -'",
			       in->name);
	if (rc->others)
		return err_set(err, CTOP_EXIT_RUNTIME, "%s holds a table, not "
			       "conntrack -E events: read it without -E",
			       in->name);
	if (!rc->flow_fn && !sum->skipped)
		return 0;	/* only conntrack's own lines */
	if (!st.lines)
		return err_set(err, CTOP_EXIT_RUNTIME, "%s is empty: no conntrack "
			       "table in it", in->name);
	return err_set(err, CTOP_EXIT_RUNTIME, "%s: no conntrack table in it "
		       "(none of its %" PRIu64 " line%s is conntrack -L, "
		       "/proc/net/nf_conntrack or conntrack -E text)", in->name,
		       st.lines, st.lines == 1 ? "" : "s");
}

/* Text holds no NUL byte; a head that does, and is no recording, is some
 * other binary (a core file, /dev/zero): said at once rather than read
 * to its end, which may never come. */
static bool binary_detect(const char *head, size_t n)
{
	return memchr(head, '\0', n) != NULL;
}

static int binary_read(struct read_in *in, struct reader_ctx *rc,
		       struct ctop_err *err)
{
	(void)rc;
	return err_set(err, CTOP_EXIT_RUNTIME, "%s is binary data: neither a "
		       "ctop recording (--record) nor conntrack text", in->name);
}

/* In the order they are tried; text comes last and also takes whatever
 * no other reader claims, so that a stray file gets the text reader's
 * message (no table line) rather than a vaguer one. */
static const struct table_reader readers[] = {
	{ "ctop recording", recording_detect, recording_read },
	{ "ctop flight recording", flightrec_detect, flightrec_read },
	{ "conntrack XML", xml_detect, xml_read },
	{ "binary data", binary_detect, binary_read },
	{ "conntrack table text", text_table_detect, text_read_all },
};

#define NREADERS (sizeof(readers) / sizeof(readers[0]))

const char *source_read_name(const char *path)
{
	return strcmp(path, "-") ? path : "standard input";
}

bool source_read_rereadable(const char *path)
{
	struct stat sb;

	return strcmp(path, "-") && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static const struct table_reader *choose(const struct read_in *in)
{
	for (size_t i = 0; i < NREADERS; i++)
		if (readers[i].detect(in->head, in->nhead))
			return &readers[i];
	return &readers[NREADERS - 1];
}

static int read_with(const struct table_reader *rd, struct read_in *in,
		     struct reader_ctx *rc, struct ctop_err *err)
{
	rc->sum->format = rd->name;
	return rd->read(in, rc, err);
}

static int read_started(struct read_in *in, struct reader_ctx *rc,
			bool may_unzip, struct ctop_err *err);

/* A compressed input: what its decompressor writes is read like any
 * input (but not decompressed again). The tool's failure (no such data,
 * cut short) is the error when it ended the output; a reader's own error
 * otherwise. */
static int read_compressed(struct read_in *in, const char *kind,
			   struct reader_ctx *rc, struct ctop_err *err)
{
	struct read_in *out = calloc(1, sizeof(*out));
	struct read_unzip *z;
	struct ctop_err tool_err;
	int r;

	if (!out)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	if (read_unzip_start(in, kind, &z, &out->fp, err) < 0) {
		free(out);
		return -1;
	}
	out->name = in->name;
	read_in_start(out);
	r = read_started(out, rc, false, err);
	if (read_unzip_finish(z, out->fp, feof(out->fp), &tool_err) < 0) {
		if (err)
			*err = tool_err;
		r = -1;
	}
	free(out);
	return r;
}

/* IN with its head read: by the reader its content calls for. */
static int read_started(struct read_in *in, struct reader_ctx *rc,
			bool may_unzip, struct ctop_err *err)
{
	const char *kind;

	if (in->error)
		return err_set(err, CTOP_EXIT_RUNTIME, "cannot read %s: %s",
			       in->name, strerror(in->err_no));
	if (may_unzip && (kind = read_unzip_kind(in->head, in->nhead)))
		return read_compressed(in, kind, rc, err);
	return read_with(choose(in), in, rc, err);
}

static int read_input(const char *path, struct reader_ctx *rc,
		      struct ctop_err *err)
{
	struct read_in *in = calloc(1, sizeof(*in));
	struct stat sb;
	int r;

	if (!in)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	in->name = source_read_name(path);
	in->fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!in->fp) {
		r = err_set(err, CTOP_EXIT_RUNTIME, "cannot open %s: %s", path,
			    strerror(errno));
		free(in);
		return r;
	}
	/* The moment the text was printed, for delta-time=: a file's
	 * modification time, a pipe's now. */
	rc->now_ns = clock_realtime_ns();
	if (fstat(fileno(in->fp), &sb) == 0 && S_ISREG(sb.st_mode))
		rc->now_ns = (uint64_t)sb.st_mtim.tv_sec * 1000000000u +
			     (uint64_t)sb.st_mtim.tv_nsec;
	read_in_start(in);
	r = read_started(in, rc, true, err);
	if (in->fp != stdin)
		fclose(in->fp);
	free(in);
	return r;
}

static int read_into(const char *path, struct reader_ctx *rc,
		     struct read_summary *sum, struct ctop_err *err)
{
	struct read_summary local;

	rc->sum = sum ? sum : &local;
	memset(rc->sum, 0, sizeof(*rc->sum));
	return read_input(path, rc, err);
}

int source_read(const char *path, source_flow_fn fn, void *data,
		struct read_summary *sum, struct ctop_err *err)
{
	struct reader_ctx rc = { .flow_fn = fn, .data = data };

	return read_into(path, &rc, sum, err);
}

int source_read_events(const char *path, text_line_fn fn, void *data,
		       struct read_summary *sum, struct ctop_err *err)
{
	struct reader_ctx rc = { .line_fn = fn, .data = data };

	return read_into(path, &rc, sum, err);
}

void source_read_report(FILE *out, const char *path,
			const struct read_summary *sum)
{
	if (!sum->skipped)
		return;
	fprintf(out, "ctop: %s: skipped %" PRIu64 " of %" PRIu64 " line%s that "
		"%s no table text (the first: line %" PRIu64 ")\n",
		source_read_name(path), sum->skipped, sum->lines,
		sum->lines == 1 ? "" : "s", sum->skipped == 1 ? "is" : "are",
		sum->first_skipped);
}
