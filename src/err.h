/* Errors travel as values up to main(), which prints one line and exits. */
#ifndef CTOP_ERR_H
#define CTOP_ERR_H

#include <stdbool.h>

/* Exit statuses, documented in man/ctop.8. */
enum {
	CTOP_EXIT_OK = 0,
	CTOP_EXIT_RUNTIME = 1,	/* kernel, namespace, privileges, I/O */
	CTOP_EXIT_USAGE = 2,	/* bad option or filter */
};

struct ctop_err {
	int status;		/* one of CTOP_EXIT_* */
	char msg[512];		/* one line, no "ctop: " prefix, no newline */
	bool transient;		/* the same request may well succeed again */
};

/* Fill *err (if not NULL) and return -1, so callers can write
 * "return err_set(err, ...);". */
int err_set(struct ctop_err *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
