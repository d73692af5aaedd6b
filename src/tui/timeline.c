/* The clock of the screen on a flight recording (timeline.h). */
#include <string.h>

#include "timeline.h"

#define NS 1000000000ULL

static void load(struct timeline *tl, long i)
{
	if (i < 0)
		i = 0;
	if ((size_t)i >= tl->f.nsumm)
		i = (long)tl->f.nsumm - 1;
	tl->idx = i;
	tl->at_ns = tl->f.rec[tl->f.summ[i]].time_ns;
	if (fr_file_summary(&tl->f, (size_t)i, &tl->cur))
		memset(&tl->cur, 0, sizeof(tl->cur));
	tl->has_table = fr_file_table_time(&tl->f, tl->at_ns, &tl->table_ns);
}

int timeline_open(struct timeline *tl, const char *path, struct ctop_err *err)
{
	memset(tl, 0, sizeof(*tl));
	if (!path || !strcmp(path, "-") || fr_file_sniff(path) != 1)
		return 0;
	if (fr_file_open(&tl->f, path, err))
		return -1;
	if (!tl->f.nsumm) {
		fr_file_close(&tl->f);
		return err_set(err, CTOP_EXIT_RUNTIME, "%s holds no whole record",
			       path);
	}
	tl->on = true;
	load(tl, (long)tl->f.nsumm - 1);
	return 0;
}

void timeline_close(struct timeline *tl)
{
	if (tl->on)
		fr_file_close(&tl->f);
	tl->on = false;
}

bool timeline_step(struct timeline *tl, long steps, long seconds)
{
	long i = tl->idx;

	if (!tl->on)
		return false;
	if (seconds > 0) {
		uint64_t t = tl->at_ns + (uint64_t)seconds * NS;

		i = fr_file_summary_at(&tl->f, t);
		if (i <= tl->idx)
			i = tl->idx + 1;
	} else if (seconds < 0) {
		uint64_t back = (uint64_t)-seconds * NS;

		i = tl->at_ns > back ? fr_file_summary_at(&tl->f, tl->at_ns - back) : 0;
		if (i >= tl->idx)
			i = tl->idx - 1;
	} else {
		i += steps;
	}
	if (i < 0)
		i = 0;
	if ((size_t)i >= tl->f.nsumm)
		i = (long)tl->f.nsumm - 1;
	if (i == tl->idx)
		return false;
	load(tl, i);
	return true;
}

void timeline_jump(struct timeline *tl, uint64_t t)
{
	long i;

	if (!tl->on)
		return;
	i = fr_file_summary_at(&tl->f, t);
	load(tl, i < 0 ? 0 : i);
}

size_t timeline_now_col(size_t n)
{
	return n / 2;
}

static double value(const struct fr_summary *s, const struct fr_summary *prev,
		    enum timeline_series what)
{
	double secs = s->interval_ms / 1000.0;

	switch (what) {
	case TS_FILL:
		return s->st.max ? 100.0 * s->st.count / s->st.max : 0;
	case TS_ADDED:
		return secs > 0 ? (double)s->added / secs : 0;
	case TS_REMOVED:
		return secs > 0 ? (double)s->removed / secs : 0;
	case TS_DROPS:
		if (!prev || s->st.drop + s->st.early_drop <
			     prev->st.drop + prev->st.early_drop)
			return 0;
		return (double)(s->st.drop + s->st.early_drop -
				prev->st.drop - prev->st.early_drop);
	}
	return 0;
}

void timeline_series(const struct timeline *tl, enum timeline_series what,
		     double *v, size_t n, uint64_t span_s)
{
	struct fr_summary s, prev;
	uint64_t step = span_s * NS / (n ? n : 1);
	uint64_t start = tl->at_ns - (uint64_t)timeline_now_col(n) * step;

	if (tl->at_ns < (uint64_t)timeline_now_col(n) * step)
		start = 0;
	for (size_t c = 0; c < n; c++) {
		uint64_t end = start + (c + 1) * step - 1;
		long i = fr_file_summary_at(&tl->f, c == timeline_now_col(n) ?
					    tl->at_ns : end);

		v[c] = -1;
		if (i < 0 || fr_file_summary(&tl->f, (size_t)i, &s))
			continue;
		/* Only a summary inside the column's span counts. */
		if (s.time_ns + step < end && c != timeline_now_col(n))
			continue;
		if (s.time_ns > tl->f.rec[tl->f.summ[tl->f.nsumm - 1]].time_ns)
			continue;
		v[c] = value(&s, i > 0 && fr_file_summary(&tl->f, (size_t)i - 1,
							  &prev) == 0 ? &prev : NULL,
			     what);
	}
}
