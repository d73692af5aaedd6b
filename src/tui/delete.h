/* Deleting flows from the kernel, on the UI thread's own socket, a slice
 * per loop turn. */
#ifndef CTOP_TUI_DELETE_H
#define CTOP_TUI_DELETE_H

#include <stdbool.h>
#include <stddef.h>

#include "../flow.h"

struct deleter {
	struct flow *victims;		/* copied before the confirmation */
	size_t nvictims;
	size_t next, done, gone, failed;	/* gone: confirmed not there */
	bool running;
	char err[512];
};

struct tui;

/* Gather the flows a delete key acts on into t->del.victims. */
size_t delete_gather(struct tui *t);
/* Start deleting the victims; delete_step() does a slice per loop turn
 * (true when it did something). */
void delete_run(struct tui *t);
bool delete_step(struct tui *t);
void delete_cancel(struct tui *t);
/* Forget the victims (the dialog said no). */
void delete_drop(struct deleter *d);
void delete_free(struct deleter *d);

#endif
