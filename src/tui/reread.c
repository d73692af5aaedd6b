/* Flows read again or probed in batches, the answers applied (see
 * reread.h). */
#include "reread.h"

struct answers {
	struct sync *s;
	uint64_t now;
	size_t gone;
};

static void on_answer(size_t i, const struct flow *key, const struct flow *f,
		      void *data)
{
	struct answers *a = data;

	(void)i;
	if (f) {
		model_upsert_ends(a->s->m, f, a->now, true,
				  follow_read_ends(&a->s->fs));
	} else {
		model_remove(a->s->m, key);	/* gone, unreported */
		a->gone++;
	}
}

long reread_flows(struct sync *s, const struct flow *keys, size_t n,
		  uint64_t now, size_t *gone, struct ctop_err *err)
{
	struct answers a = { .s = s, .now = now };
	long answered = n ? source_get_batch(s->usrc, keys, n, on_answer, &a,
					     err) : 0;

	*gone = a.gone;
	return answered;
}

static void on_probe(size_t i, const struct flow *key, bool present,
		     void *data)
{
	struct answers *a = data;

	(void)i;
	if (!present) {
		model_remove(a->s->m, key);	/* gone, unreported */
		a->gone++;
	}
}

long probe_flows(struct sync *s, const struct flow *keys, size_t n,
		 bool quiet, size_t *gone, struct ctop_err *err)
{
	struct answers a = { .s = s };
	long (*probe)(struct source *, const struct flow *, size_t,
		      source_probe_fn, void *, struct ctop_err *) =
		quiet ? source_probe_quiet_batch : source_probe_batch;
	long answered = n ? probe(s->usrc, keys, n, on_probe, &a, err) : 0;

	*gone = a.gone;
	return answered;
}
