/* The batch loop: read the table (kernel or recording), filter, then
 * stream, sort or group into the batch writers. */
#ifndef CTOP_BATCH_RUN_H
#define CTOP_BATCH_RUN_H

#include "cli.h"
#include "err.h"
#include "filter.h"
#include "source.h"

/* src is NULL when cli->replay names a recording. Returns an exit
 * status; err is filled when it is not 0. */
int batch_run(const struct cli *cli, struct source *src,
	      const struct filter *flt, struct ctop_err *err);

/* In a repeating run (-b, -n N > 1), a snapshot that failed for a
 * transient reason (a hash resize during its dump) is reported on stderr
 * and the run goes on: true then. *incomplete counts them. */
bool batch_going_on(const struct cli *cli, const struct ctop_err *err,
		    long *incomplete);
/* After a snapshot was flushed; FAILED: writing it failed (errno set).
 * True when the run stops: a closed pipe quietly, another error with
 * *status 1 and err filled. */
bool batch_output_ended(bool failed, int *status, struct ctop_err *err);
/* At the end of a run that went on past incomplete snapshots: status 1,
 * with err saying how many. STATUS otherwise. */
int batch_run_status(int status, long incomplete, struct ctop_err *err);

/* ctop --delete FILTER: delete every flow the filter matches (by tuple,
 * zone and conntrack id), write those deleted in the output format, and
 * a summary line on stderr. Exit status 1 when a delete failed. */
int batch_delete(const struct cli *cli, struct source *src,
		 const struct filter *flt, struct ctop_err *err);

#endif
