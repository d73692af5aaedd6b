/* ctop: choose batch or interactive, and map errors to exit statuses. */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch_run.h"
#include "cli.h"
#include "events_run.h"
#include "err.h"
#include "filter.h"
#include "flightrec_file.h"
#include "flightrec_run.h"
#include "recorder.h"
#include "report.h"
#include "source.h"
#include "tui/tui.h"

#ifndef CTOP_VERSION
#define CTOP_VERSION "0.1"
#endif

static int fail(const struct ctop_err *err)
{
	fprintf(stderr, "ctop: %s\n", err->msg);
	if (err->status == CTOP_EXIT_USAGE)
		fputs("Try 'ctop --help' for more information.\n", stderr);
	return err->status ? err->status : CTOP_EXIT_RUNTIME;
}

/* One line naming the column, what was expected, and the expression;
 * control characters in it are shown as '?' so they cannot play tricks
 * on the terminal. */
static void put_printable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
}

static int filter_fail(const char *expr, const struct filter_error *fe)
{
	fputs("ctop: filter: ", stderr);
	put_printable(fe->msg);
	fprintf(stderr, " at column %d: \"", fe->column);
	put_printable(expr);
	fputs("\"\n", stderr);
	return CTOP_EXIT_USAGE;
}

/* glibc raises its mmap threshold each time a large block is freed, up to
 * 32 MiB; after that, the sort keys and view arrays a resync of a big
 * table allocates come from the heap and stay resident once freed: 15 %
 * more memory per resync at a million flows (bench/screen). A fixed
 * threshold keeps them in mmap, given back on free. At glibc's own
 * starting value (128 KiB, musl's is about the same), not 256: a sort's
 * merge scratch of 16,384 flows is 254 KB, freed after every sort, and
 * below 256 KiB it left a resident hole in the heap (90 KB more on the
 * screen at 16k: bench/README, "Size and memory"). */
static void keep_large_blocks_in_mmap(void)
{
#ifdef M_MMAP_THRESHOLD
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

/* -R on a flight recording (ctop -w) in a file, in batch: flightrec_run
 * answers for any instant of it. Every other -R (text, --record dumps, a
 * recording on the screen or from a pipe) goes through source_read.
 * Returns 1 to take that path, 0 not, -1 with err when --at, --from or
 * --to name an instant in something that is no recording. */
static int flightrec_wanted(const struct cli *cli, struct ctop_err *err)
{
	bool times = cli->at || cli->from || cli->to;
	int kind;

	if (!cli->replay)
		return 0;
	kind = strcmp(cli->replay, "-") ? fr_file_sniff(cli->replay) : 0;
	if (kind == 1)
		return times || cli->batch || !isatty(STDOUT_FILENO);
	if (times)
		return err_set(err, CTOP_EXIT_USAGE,
			       "--at, --from and --to read a flight recording (ctop -w) from a file; %s is none",
			       cli->replay);
	return 0;
}

int main(int argc, char **argv)
{
	struct ctop_err err = { 0 };
	struct filter_error fe = { 0 };
	struct source *src = NULL;
	struct filter *flt;
	FILE *rec = NULL;
	struct cli cli;
	int status;

	keep_large_blocks_in_mmap();
	if (cli_parse(argc, argv, &cli, &err))
		return fail(&err);
	if (cli.help) {
		cli_usage(stdout);
		return CTOP_EXIT_OK;
	}
	if (cli.version) {
		printf("ctop %s\n", CTOP_VERSION);
		return CTOP_EXIT_OK;
	}
	flt = filter_compile(cli.filter, &fe);
	if (!flt) {
		status = filter_fail(cli.filter, &fe);
		cli_free(&cli);
		return status;
	}
	status = flightrec_wanted(&cli, &err);
	if (status) {
		if (status > 0)
			status = flightrec_run(&cli, flt, &err);
		else
			status = err.status;
		if (status)
			fail(&err);
		goto out;
	}
	if (report_wanted(&cli) && report_check(&cli, &err)) {
		status = fail(&err);
		filter_free(flt);
		cli_free(&cli);
		return status;
	}
	/* Scripts read ctop through pipes: a closed pipe is a write error
	 * to handle, not a signal that kills us mid-line. */
	signal(SIGPIPE, SIG_IGN);
	/* "ctop -" typed at a prompt would wait for a table to be typed
	 * in, and on the screen fight curses for the keys. */
	if (cli.replay && !strcmp(cli.replay, "-") && isatty(STDIN_FILENO)) {
		err_set(&err, CTOP_EXIT_RUNTIME, "standard input is a terminal: "
			"pipe a table in (conntrack -L | ctop -) or name a file "
			"with -R FILE");
		status = fail(&err);
		goto out;
	}
	if (cli_settle(&cli, isatty(STDOUT_FILENO), &err)) {
		status = fail(&err);
		goto out;
	}
	if (cli.events || cli.self_check > 0) {
		status = events_run(&cli, flt, &err);
		if (status)
			fail(&err);
		goto out;
	}
	if (!cli.replay) {
		if (source_enter_netns(cli.netns, &err) ||
		    !(src = source_open(&err))) {
			status = fail(&err);
			goto out;
		}
		if (cli.record) {
			rec = fopen(cli.record, "wb");
			if (!rec) {
				err_set(&err, CTOP_EXIT_RUNTIME, "cannot write %s: %m", cli.record);
				status = fail(&err);
				goto out;
			}
			source_record(src, rec);
		}
	}
	if (cli.write)
		status = recorder_run(&cli, src, flt, &err);
	else if (cli.delete)
		status = batch_delete(&cli, src, flt, &err);
	else if (report_wanted(&cli) && cli.batch)
		status = report_run(&cli, src, flt, &err);
	else if (cli.batch)
		status = batch_run(&cli, src, flt, &err);
	else if (src && source_stats(src, &(struct table_stats){ 0 }, &err))
		/* No CAP_NET_ADMIN (or no conntrack): say so before curses
		 * takes the terminal, as batch mode does. */
		status = err.status ? err.status : CTOP_EXIT_RUNTIME;
	else
		status = tui_run(&cli, src, flt, &err);
	if (status)
		fail(&err);
out:
	if (rec)
		fclose(rec);
	source_close(src);
	filter_free(flt);
	cli_free(&cli);
	return status;
}
