/* ctop -R FILE on a flight recording, in batch (--at, --from/--to). */
#ifndef CTOP_FLIGHTREC_RUN_H
#define CTOP_FLIGHTREC_RUN_H

#include "cli.h"
#include "err.h"
#include "filter.h"

/* Returns an exit status; err is filled when it is not 0. */
int flightrec_run(const struct cli *cli, const struct filter *flt,
		  struct ctop_err *err);

#endif
