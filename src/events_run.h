/* ctop -E (the event stream) and ctop --self-check (the event-driven
 * table compared with the kernel's). */
#ifndef CTOP_EVENTS_RUN_H
#define CTOP_EVENTS_RUN_H

#include "cli.h"
#include "err.h"
#include "filter.h"

/* Enters cli->netns itself. Returns an exit status; err is filled when
 * it is not 0 (except a failed self-check, which has printed why). */
int events_run(const struct cli *cli, const struct filter *flt,
	       struct ctop_err *err);

#endif
