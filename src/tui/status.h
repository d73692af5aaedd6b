/* The status line's message: set by whatever has news, drawn by keybar.c,
 * expired by the loop. The version tells the loop a message changed. */
#ifndef CTOP_TUI_STATUS_H
#define CTOP_TUI_STATUS_H

#include <stdbool.h>
#include <stdint.h>

struct status {
	char text[256];
	bool err;
	uint64_t until;		/* monotonic ms */
	unsigned version;	/* bumped by every change */
};

void status_set(struct status *s, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void status_clear(struct status *s);
/* Drop the message once its time is up; true if it went. */
bool status_expire(struct status *s, uint64_t now_ms);

#endif
