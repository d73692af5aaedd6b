/* The status line's message and how long it stays. */
#include <stdarg.h>
#include <stdio.h>

#include "../clock.h"
#include "status.h"

#define STATUS_MS 6000

void status_set(struct status *s, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->text, sizeof(s->text), fmt, ap);
	va_end(ap);
	s->err = error;
	s->until = clock_monotonic_ms() + STATUS_MS;
	s->version++;
}

void status_clear(struct status *s)
{
	if (!s->text[0])
		return;
	s->text[0] = '\0';
	s->version++;
}

bool status_expire(struct status *s, uint64_t now_ms)
{
	if (!s->text[0] || now_ms < s->until)
		return false;
	status_clear(s);
	return true;
}
