/* ctop: choose batch or interactive, and map errors to exit statuses. */
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

/* One line naming the column, what was expected, and the expression. */
static int filter_fail(const char *expr, const struct filter_error *fe)
{
	fprintf(stderr, "ctop: filter: %s at column %d: \"%s\"\n", fe->msg,
		fe->column, expr);
	return CTOP_EXIT_USAGE;
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
	/* Reports are batch-only for now: alone they print one snapshot. */
	if (report_wanted(&cli)) {
		if (report_check(&cli, &err)) {
			status = fail(&err);
			filter_free(flt);
			cli_free(&cli);
			return status;
		}
		if (!cli.batch) {
			cli.batch = true;
			if (cli.iterations < 0)
				cli.iterations = 1;
		}
	}
	/* Scripts read ctop through pipes: a closed pipe is a write error
	 * to handle, not a signal that kills us mid-line. */
	signal(SIGPIPE, SIG_IGN);
	/* -E and --self-check are streams of their own: -n counts events. */
	if (cli.events || cli.self_check > 0) {
		status = events_run(&cli, flt, &err);
		if (status)
			fail(&err);
		goto out;
	}
	/* Output into a pipe or file means batch. Without -b or -n that is
	 * one snapshot (ctop | less); an explicit -b repeats like top -b. */
	if (!cli.batch && !isatty(STDOUT_FILENO)) {
		cli.batch = true;
		if (cli.iterations < 0)
			cli.iterations = 1;
	}
	if (cli.iterations < 0)
		cli.iterations = 0;
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
	if (report_wanted(&cli))
		status = report_run(&cli, src, flt, &err);
	else if (cli.batch)
		status = batch_run(&cli, src, flt, &err);
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
