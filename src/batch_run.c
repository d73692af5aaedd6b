/* The batch loop. Three shapes, chosen by the options, so that memory
 * stays as small as the output allows:
 *  - plain: each flow is written as it arrives from the kernel (text
 *    first holds back FIT_ROWS flows to size its columns on them);
 *  - sorted: matching flows are kept in one array, then sorted;
 *  - grouped: only the group keys are kept (a few MB at a million flows).
 * And ctop --delete FILTER, which keeps the matching flows like the sorted
 * shape, deletes them one by one and writes those it deleted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "clock.h"
#include "batch_run.h"
#include "batch.h"
#include "group.h"
#include "layout.h"
#include "sort.h"
#include "source_read.h"

/* Rows text output sizes its columns on before it streams the rest: a
 * sample large enough for the widths, and what a batch run keeps resident
 * (1024 flows are 150 KB; bench/size). */
#define FIT_ROWS 1024

struct run {
	const struct filter *flt;
	struct batch *out;
	bool fitting;			/* text: still holding rows back */
	struct grouper *grouper;
	struct flow *kept;		/* sorted mode */
	size_t nkept, cap;
	uint64_t seen, shown;
	bool oom;
	struct read_summary sum;	/* a table read from a file */
	/* A file's snapshot begins with its first flow: an input that is
	 * no table fails with nothing written. */
	const struct batch_snapshot *begin_due;
};

static int keep_flow(struct run *r, const struct flow *f)
{
	if (r->nkept == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4096;
		struct flow *k = realloc(r->kept, cap * sizeof(*k));

		if (!k) {
			r->oom = true;
			return 1;
		}
		r->kept = k;
		r->cap = cap;
	}
	r->kept[r->nkept++] = *f;
	return 0;
}

/* Write the held-back rows with columns sized on them. */
static void release_kept(struct run *r)
{
	const struct flow *order[FIT_ROWS];

	for (size_t i = 0; i < r->nkept; i++)
		order[i] = &r->kept[i];
	batch_fit(r->out, order, r->nkept);
	for (size_t i = 0; i < r->nkept; i++)
		batch_flow(r->out, order[i]);
	r->nkept = 0;
	r->fitting = false;
}

static int on_flow_stream(const struct flow *f, void *data)
{
	struct run *r = data;

	if (r->begin_due) {
		batch_begin(r->out, r->begin_due);
		r->begin_due = NULL;
	}
	r->seen++;
	if (!filter_match(r->flt, f))
		return 0;
	r->shown++;
	if (r->fitting) {
		if (keep_flow(r, f))
			return 1;
		if (r->nkept == FIT_ROWS)
			release_kept(r);
		return 0;
	}
	batch_flow(r->out, f);
	/* Nobody reads any more (ctop -1 | head): stop the dump. */
	return batch_failed(r->out);
}

static int on_flow_group(const struct flow *f, void *data)
{
	struct run *r = data;

	r->seen++;
	if (filter_match(r->flt, f))
		group_add(r->grouper, f);
	return 0;
}

static int on_flow_keep(const struct flow *f, void *data)
{
	struct run *r = data;

	r->seen++;
	if (!filter_match(r->flt, f))
		return 0;
	return keep_flow(r, f);
}

static int read_flows(const struct cli *cli, struct source *src,
		      const struct filter *flt, source_flow_fn fn,
		      struct run *r, struct ctop_err *err)
{
	struct filter_pushdown pd;

	if (!src)
		return source_read(cli->replay, fn, r, &r->sum, err);
	filter_pushdown(flt, &pd);
	return source_dump(src, &pd, fn, r, err);
}

static int write_sorted(const struct cli *cli, struct run *r)
{
	const struct flow **order;
	struct sort_spec spec = {
		.column = cli->sort,
		.reverse = cli->reverse,
	};

	spec.ctx.now_ns = clock_realtime_ns();
	order = malloc((r->nkept ? r->nkept : 1) * sizeof(*order));
	if (!order)
		return -1;
	for (size_t i = 0; i < r->nkept; i++)
		order[i] = &r->kept[i];
	sort_flows(order, r->nkept, &spec);
	batch_fit(r->out, order, r->nkept);
	for (size_t i = 0; i < r->nkept; i++)
		batch_flow(r->out, order[i]);
	r->shown = r->nkept;
	free(order);
	return 0;
}

static int snapshot(const struct cli *cli, struct source *src,
		    const struct filter *flt, struct run *r,
		    struct ctop_err *err)
{
	struct table_stats st;
	struct batch_snapshot snap = {
		.netns = cli->netns,
		.filter = filter_text(flt),
	};

	memset(&st, 0, sizeof(st));
	if (src && source_stats(src, &st, err) == 0) {
		snap.stats = &st;
		snap.have_stats = true;
	}
	snap.time_ns = clock_realtime_ns();
	r->seen = r->shown = r->nkept = 0;

	if (cli->group != GROUP_NONE) {
		const struct group_row *rows;
		size_t n, ngroups;

		group_reset(r->grouper);
		if (read_flows(cli, src, flt, on_flow_group, r, err))
			return -1;
		rows = group_rows(r->grouper, &ngroups);
		n = ngroups;
		if (cli->top && (size_t)cli->top < n)
			n = cli->top;
		batch_groups(r->out, &snap, cli->group, rows, n, ngroups,
			     group_total(r->grouper));
		return 0;
	}

	if (cli->sort_set) {
		if (read_flows(cli, src, flt, on_flow_keep, r, err))
			return -1;
		if (r->oom)
			return err_set(err, CTOP_EXIT_RUNTIME, "out of memory keeping %zu flows", r->nkept);
		batch_begin(r->out, &snap);
		if (write_sorted(cli, r))
			return err_set(err, CTOP_EXIT_RUNTIME, "out of memory sorting");
	} else {
		int failed;

		if (src)
			batch_begin(r->out, &snap);
		else
			r->begin_due = &snap;
		r->fitting = cli->format == BATCH_TEXT;
		failed = read_flows(cli, src, flt, on_flow_stream, r, err);
		if (r->begin_due) {
			r->begin_due = NULL;
			if (failed)
				return -1;
			batch_begin(r->out, &snap);
		}
		if (r->fitting)
			release_kept(r);
		if (r->oom)
			return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		/* On failure the snapshot is still closed, so what was
		 * written stays well-formed (JSON); the status says it
		 * failed. */
		batch_end(r->out, r->shown, r->seen);
		return failed ? -1 : 0;
	}
	batch_end(r->out, r->shown, r->seen);
	return 0;
}

bool batch_going_on(const struct cli *cli, const struct ctop_err *err,
		    long *incomplete)
{
	if (!err->transient || cli->iterations == 1)
		return false;
	fprintf(stderr, "ctop: %s; that snapshot is incomplete, going on\n",
		err->msg);
	(*incomplete)++;
	return true;
}

bool batch_output_ended(bool failed, int *status, struct ctop_err *err)
{
	if (!failed)
		return false;
	/* A closed pipe (ctop -b | head) ends quietly. */
	if (errno != EPIPE) {
		err_set(err, CTOP_EXIT_RUNTIME, "writing output: %s",
			strerror(errno));
		*status = CTOP_EXIT_RUNTIME;
	}
	return true;
}

int batch_run_status(int status, long incomplete, struct ctop_err *err)
{
	if (status || !incomplete)
		return status;
	err_set(err, CTOP_EXIT_RUNTIME, "%ld snapshot%s incomplete (the hash "
		"table was resized during a dump)", incomplete,
		incomplete == 1 ? " was" : "s were");
	return CTOP_EXIT_RUNTIME;
}

/* Text read on a terminal is fitted to its width; into a pipe or a
 * file every value stays whole. */
static int terminal_width(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	if (env && atoi(env) > 0)
		return atoi(env);
	return 80;
}

/* The writer on stdout, as the options ask. */
static struct batch *output_new(const struct cli *cli)
{
	struct batch_opts opts = {
		.format = cli->format,
		.header = cli->header,
		.cols = cli->cols,
		.ncols = cli->ncols,
		.rows_verb = cli->delete ? "deleted" : NULL,
		.fit_width = terminal_width(),
		.marker = layout_marker(layout_locale_utf8(getenv("LC_ALL"),
							   getenv("LC_CTYPE"),
							   getenv("LANG"))),
	};

	return batch_new(stdout, &opts);
}

int batch_run(const struct cli *cli, struct source *src,
	      const struct filter *flt, struct ctop_err *err)
{
	struct run r = { .flt = flt };
	int status = CTOP_EXIT_OK;
	long incomplete = 0;

	r.out = output_new(cli);
	if (cli->group != GROUP_NONE)
		r.grouper = group_new(cli->group);
	if (!r.out || (cli->group != GROUP_NONE && !r.grouper)) {
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		status = CTOP_EXIT_RUNTIME;
		goto out;
	}
	for (long i = 0; cli->iterations == 0 || i < cli->iterations; i++) {
		if (i)
			clock_sleep(cli->delay);
		if (snapshot(cli, src, flt, &r, err) &&
		    !batch_going_on(cli, err, &incomplete)) {
			status = err->status;
			break;
		}
		if (batch_output_ended(batch_flush(r.out) != 0, &status, err))
			break;
		if (!src)
			break;	/* a file holds one snapshot */
	}
	if (!src && !status)
		source_read_report(stderr, cli->replay, &r.sum);
out:
	group_free(r.grouper);
	if (r.out)
		batch_free(r.out);
	free(r.kept);
	return batch_run_status(status, incomplete, err);
}

/* Delete the kept flows by tuple, zone and conntrack id (a connection
 * that reused a tuple since the dump is left alone), writing each one
 * deleted. */
static void delete_kept(struct source *src, struct run *r, size_t *gone,
			size_t *failed, struct ctop_err *first)
{
	struct ctop_err e;

	for (size_t i = 0; i < r->nkept; i++) {
		memset(&e, 0, sizeof(e));
		switch (source_delete(src, &r->kept[i], &e)) {
		case 1:
			r->shown++;
			batch_flow(r->out, &r->kept[i]);
			break;
		case 0:
			(*gone)++;	/* went by itself meanwhile */
			break;
		default:
			if (!(*failed)++)
				*first = e;
			break;
		}
	}
}

int batch_delete(const struct cli *cli, struct source *src,
		 const struct filter *flt, struct ctop_err *err)
{
	struct batch_snapshot snap = {
		.netns = cli->netns,
		.filter = filter_text(flt),
	};
	struct run r = { .flt = flt };
	struct ctop_err first = { 0 };
	const struct flow **order = NULL;
	size_t gone = 0, failed = 0;
	int status = CTOP_EXIT_OK;

	if (!(r.out = output_new(cli))) {
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		status = CTOP_EXIT_RUNTIME;
		goto out;
	}
	snap.time_ns = clock_realtime_ns();
	if (read_flows(cli, src, flt, on_flow_keep, &r, err)) {
		status = err->status;
		goto out;
	}
	order = malloc((r.nkept ? r.nkept : 1) * sizeof(*order));
	if (r.oom || !order) {
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory keeping %zu flows", r.nkept);
		status = CTOP_EXIT_RUNTIME;
		goto out;
	}
	/* Text columns sized on every flow that may go. */
	for (size_t i = 0; i < r.nkept; i++)
		order[i] = &r.kept[i];
	batch_fit(r.out, order, r.nkept);
	batch_begin(r.out, &snap);
	delete_kept(src, &r, &gone, &failed, &first);
	batch_end(r.out, r.shown, r.seen);
	if (batch_flush(r.out) && errno != EPIPE) {
		err_set(err, CTOP_EXIT_RUNTIME, "writing output: %s", strerror(errno));
		status = CTOP_EXIT_RUNTIME;
	}
	fprintf(stderr, "ctop: deleted %" PRIu64 " of %zu matching flows (%zu already gone, %zu failed)\n",
		r.shown, r.nkept, gone, failed);
	if (failed && !status) {
		err_set(err, CTOP_EXIT_RUNTIME, "%zu of %zu deletes failed: %s",
			failed, r.nkept, first.msg);
		status = CTOP_EXIT_RUNTIME;
	}
out:
	free(order);
	if (r.out)
		batch_free(r.out);
	free(r.kept);
	return status;
}
