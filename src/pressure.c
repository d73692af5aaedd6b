/* Table pressure: fill, warnings, counter rates, fill trend and the
 * make-up of the table. See pressure.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pressure.h"

static const char *const counter_names[PC_COUNT] = {
	[PC_FOUND] = "found",
	[PC_INVALID] = "invalid",
	[PC_INSERT] = "insert",
	[PC_INSERT_FAILED] = "insert_failed",
	[PC_DROP] = "drop",
	[PC_EARLY_DROP] = "early_drop",
	[PC_ERROR] = "error",
	[PC_SEARCH_RESTART] = "search_restart",
	[PC_CLASH_RESOLVE] = "clash_resolve",
	[PC_CHAINTOOLONG] = "chaintoolong",
};

const char *pressure_counter_name(enum pressure_counter c)
{
	return (unsigned int)c < PC_COUNT ? counter_names[c] : "unknown";
}

uint64_t pressure_counter_value(const struct table_stats *st,
				enum pressure_counter c)
{
	switch (c) {
	case PC_FOUND: return st->found;
	case PC_INVALID: return st->invalid;
	case PC_INSERT: return st->insert;
	case PC_INSERT_FAILED: return st->insert_failed;
	case PC_DROP: return st->drop;
	case PC_EARLY_DROP: return st->early_drop;
	case PC_ERROR: return st->error;
	case PC_SEARCH_RESTART: return st->search_restart;
	case PC_CLASH_RESOLVE: return st->clash_resolve;
	case PC_CHAINTOOLONG: return st->chaintoolong;
	case PC_COUNT: break;
	}
	return 0;
}

double pressure_fill(const struct table_stats *st)
{
	if (!st->max)
		return 0.0;
	return 100.0 * (double)st->count / (double)st->max;
}

/* A counter "moved" only when it grew: a smaller value is a reset, not
 * a drop. */
static bool moved(const struct table_stats *cur, const struct table_stats *prev,
		  enum pressure_counter c)
{
	if (!prev || !cur->have_cpu || !prev->have_cpu)
		return false;
	return pressure_counter_value(cur, c) > pressure_counter_value(prev, c);
}

unsigned int pressure_warnings(const struct table_stats *cur,
			       const struct table_stats *prev)
{
	double fill = pressure_fill(cur);
	unsigned int w = 0;

	if (fill >= PRESSURE_FILL_WARN)
		w |= PW_FILL_WARN;
	if (fill >= PRESSURE_FILL_CRIT)
		w |= PW_FILL_CRIT;
	if (moved(cur, prev, PC_DROP))
		w |= PW_DROP;
	if (moved(cur, prev, PC_EARLY_DROP))
		w |= PW_EARLY_DROP;
	return w;
}

/* Append to buf at *pos, never past len; keeps the string terminated. */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*pos += (size_t)n < len - *pos ? (size_t)n : len - *pos - 1;
}

size_t pressure_warning_text(char *buf, size_t len, unsigned int warn,
			     const struct table_stats *cur,
			     const struct table_stats *prev)
{
	size_t pos = 0;

	if (!len)
		return 0;
	buf[0] = '\0';
	if (warn & PW_FILL_WARN)
		append(buf, len, &pos, "table %.1f%% full (%s)",
		       pressure_fill(cur),
		       warn & PW_FILL_CRIT ? "critical" : "warning");
	if ((warn & PW_DROP) && prev)
		append(buf, len, &pos, "%sdrop +%llu", pos ? "; " : "",
		       (unsigned long long)(cur->drop - prev->drop));
	if ((warn & PW_EARLY_DROP) && prev)
		append(buf, len, &pos, "%searly_drop +%llu", pos ? "; " : "",
		       (unsigned long long)(cur->early_drop - prev->early_drop));
	return pos;
}

int pressure_rates(const struct table_stats *cur,
		   const struct table_stats *prev, double seconds,
		   double out[PC_COUNT])
{
	if (!(seconds > 0) || !cur->have_cpu || !prev->have_cpu)
		return -1;
	for (int c = 0; c < PC_COUNT; c++) {
		uint64_t a = pressure_counter_value(prev, c);
		uint64_t b = pressure_counter_value(cur, c);

		out[c] = b > a ? (double)(b - a) / seconds : 0.0;
	}
	return 0;
}

/* ---- fill trend ---- */

void pressure_trend_reset(struct pressure_trend *t)
{
	t->head = 0;
	t->n = 0;
}

void pressure_trend_add(struct pressure_trend *t, double now,
			const struct table_stats *st)
{
	struct pressure_sample *s;

	if (t->n == PRESSURE_TREND_SAMPLES) {
		t->head = (t->head + 1) % PRESSURE_TREND_SAMPLES;
		t->n--;
	}
	s = &t->s[(t->head + t->n) % PRESSURE_TREND_SAMPLES];
	s->t = now;
	s->count = st->count;
	s->insert = st->insert;
	s->drops = st->drop + st->early_drop;
	t->n++;
}

static const struct pressure_sample *trend_at(const struct pressure_trend *t,
					      size_t i)
{
	return &t->s[(t->head + i) % PRESSURE_TREND_SAMPLES];
}

int pressure_trend_rates(const struct pressure_trend *t, double window,
			 double *added, double *removed)
{
	const struct pressure_sample *last, *first = NULL;
	double dt, ins, grew;

	if (t->n < 2)
		return -1;
	last = trend_at(t, t->n - 1);
	/* The oldest sample still inside the window. */
	for (size_t i = 0; i + 1 < t->n; i++) {
		if (last->t - trend_at(t, i)->t <= window) {
			first = trend_at(t, i);
			break;
		}
	}
	if (!first)
		return -1;
	dt = last->t - first->t;
	if (!(dt > 0))
		return -1;
	ins = last->insert >= first->insert ?
	      (double)(last->insert - first->insert) : 0.0;
	grew = (double)last->count - (double)first->count;
	*added = ins / dt;
	/* Entries that came and went between samples are in both. */
	*removed = ins - grew > 0 ? (ins - grew) / dt : 0.0;
	return 0;
}

/* ---- what the entries are ---- */

int pressure_flows_init(struct pressure_flows *pf)
{
	memset(pf, 0, sizeof(*pf));
	pf->states = group_new(GROUP_STATE);
	pf->sources = group_new(GROUP_SRC);
	if (!pf->states || !pf->sources) {
		pressure_flows_free(pf);
		return -1;
	}
	return 0;
}

void pressure_flows_add(struct pressure_flows *pf, const struct flow *f)
{
	pf->flows++;
	/* The kernel's early drop only evicts entries without ASSURED. */
	if (!(f->status & FLOW_S_ASSURED))
		pf->not_assured++;
	group_add(pf->states, f);
	group_add(pf->sources, f);
}

void pressure_flows_reset(struct pressure_flows *pf)
{
	pf->flows = 0;
	pf->not_assured = 0;
	group_reset(pf->states);
	group_reset(pf->sources);
}

void pressure_flows_free(struct pressure_flows *pf)
{
	group_free(pf->states);
	group_free(pf->sources);
	pf->states = pf->sources = NULL;
}

double pressure_share(uint64_t part, uint64_t total)
{
	return total ? 100.0 * (double)part / (double)total : 0.0;
}
