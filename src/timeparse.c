/* Time parsing for replay. mktime() does the local-time arithmetic, so
 * daylight saving changes and time zones are the C library's business. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeparse.h"

#define NS ((uint64_t)1000000000)

static int bad(char *msg, size_t len, const char *s)
{
	snprintf(msg, len, "cannot read the time '%s' (forms: 2026-12-01T03:12, 03:12, -1h, @SECONDS, now)", s);
	return -1;
}

/* -1h30m, +90s: a sum of numbers with units. */
static int relative(const char *s, uint64_t ref, uint64_t *out)
{
	int sign = *s++ == '-' ? -1 : 1;
	uint64_t total = 0;

	if (!*s)
		return -1;
	while (*s) {
		char *end;
		unsigned long long v;
		uint64_t unit;

		if (!isdigit((unsigned char)*s))
			return -1;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno || v > 100000000ULL)
			return -1;
		switch (*end) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		default: return -1;
		}
		total += v * unit;
		s = end + 1;
	}
	if (sign < 0 && total * NS > ref)
		return -1;
	*out = sign < 0 ? ref - total * NS : ref + total * NS;
	return 0;
}

/* HH:MM[:SS] with nothing after; fields range-checked. */
static int clock_of(const char *s, int *h, int *m, int *sec)
{
	int n = 0;

	*sec = 0;
	if (sscanf(s, "%2d:%2d%n", h, m, &n) != 2)
		return -1;
	s += n;
	if (*s == ':') {
		if (sscanf(s, ":%2d%n", sec, &n) != 1)
			return -1;
		s += n;
	}
	if (*s || *h < 0 || *h > 23 || *m < 0 || *m > 59 || *sec < 0 ||
	    *sec > 60)
		return -1;
	return 0;
}

static int local_ns(struct tm *tm, uint64_t *out)
{
	time_t t;

	tm->tm_isdst = -1;
	t = mktime(tm);
	if (t == (time_t)-1 || t < 0)
		return -1;
	*out = (uint64_t)t * NS;
	return 0;
}

static int date_time(const char *s, uint64_t *out)
{
	struct tm tm;
	int y, mo, d, n = 0, h = 0, mi = 0, sec = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	s += n;
	if (*s == 'T' || *s == ' ') {
		if (clock_of(s + 1, &h, &mi, &sec))
			return -1;
	} else if (*s) {
		return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (local_ns(&tm, out))
		return -1;
	/* mktime normalizes 2026-02-31 into March: refuse instead. */
	return tm.tm_mday == d && tm.tm_mon == mo - 1 ? 0 : -1;
}

/* The last HH:MM:SS at or before ref, on ref's local day or the one
 * before. */
static int clock_before(const char *s, uint64_t ref, uint64_t *out)
{
	time_t r = (time_t)(ref / NS);
	struct tm tm;
	int h, m, sec;

	if (clock_of(s, &h, &m, &sec))
		return -1;
	localtime_r(&r, &tm);
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	if (local_ns(&tm, out))
		return -1;
	if (*out > ref) {
		localtime_r(&r, &tm);
		tm.tm_mday -= 1;
		tm.tm_hour = h;
		tm.tm_min = m;
		tm.tm_sec = sec;
		if (local_ns(&tm, out))
			return -1;
	}
	return 0;
}

int timeparse(const char *s, uint64_t ref_ns, uint64_t *out, char *msg,
	      size_t msglen)
{
	int r;

	if (!strcmp(s, "now") || !strcmp(s, "end")) {
		*out = ref_ns;
		return 0;
	}
	if (*s == '-' || *s == '+')
		r = relative(s, ref_ns, out);
	else if (*s == '@') {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(s + 1, &end, 10);
		r = errno || end == s + 1 || *end || v > 1ULL << 40 ? -1 : 0;
		*out = v * NS;
	} else if (strchr(s, '-'))
		r = date_time(s, out);
	else
		r = clock_before(s, ref_ns, out);
	return r ? bad(msg, msglen, s) : 0;
}

void timeparse_format(char *buf, size_t len, uint64_t ns)
{
	time_t t = (time_t)(ns / NS);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}
