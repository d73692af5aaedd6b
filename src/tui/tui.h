/* The interactive session. */
#ifndef CTOP_TUI_H
#define CTOP_TUI_H

#include "../cli.h"
#include "../err.h"
#include "../filter.h"
#include "../source.h"

/* Run the screen until the user quits or a signal ends it. The terminal
 * is restored on every path. Returns an exit status (CTOP_EXIT_*), with
 * err filled when it is not 0. */
int tui_run(const struct cli *cli, struct source *src, struct filter *flt,
	    struct ctop_err *err);

#endif
