/* ctop -w FILE: the flight recorder (format in flightrec.h). */
#ifndef CTOP_RECORDER_H
#define CTOP_RECORDER_H

#include "cli.h"
#include "err.h"
#include "filter.h"
#include "source.h"

/* Record until SIGINT/SIGTERM or -n intervals. Returns an exit status;
 * err is filled when it is not 0. */
int recorder_run(const struct cli *cli, struct source *src,
		 const struct filter *flt, struct ctop_err *err);

#endif
