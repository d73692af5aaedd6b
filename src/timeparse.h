/* Times as users write them for a recording (--at, --from, --to, the
 * screen's jump prompt), into ns since the epoch. Pure: the reference
 * instant and the local time zone are the only inputs. */
#ifndef CTOP_TIMEPARSE_H
#define CTOP_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Accepted forms (local time, as date(1) prints it):
 *   2026-12-01T03:12[:05]   2026-12-01 03:12[:05]   2026-12-01
 *   03:12[:05]   the last such time at or before REF (so "03:12" the
 *                morning after is last night's)
 *   -1h, -90s, -1h30m, -2d   before REF (units s, m, h, d)
 *   +10m         after REF
 *   @1764558720  Unix seconds
 *   now, end     REF itself
 * REF is the end of the recording for batch replay. Returns 0 with *out,
 * or -1 with a message in msg. */
int timeparse(const char *s, uint64_t ref_ns, uint64_t *out, char *msg,
	      size_t msglen);

/* "2026-12-01 03:12:05" in local time. */
void timeparse_format(char *buf, size_t len, uint64_t ns);

#endif
