/* Flows whose timeout has run out since it was read (see expiry.h). */
#include "expiry.h"

static bool due(const struct table *t, const struct table_rec *r,
		const struct flow *f, uint64_t now_ms)
{
	if (!(f->has & FLOW_HAS_TIMEOUT))
		return false;
	return table_written_ms(t, r, now_ms) + (uint64_t)f->timeout * 1000 +
	       EXPIRY_GRACE_MS <= now_ms;
}

size_t expiry_due(struct table *t, struct expiry_scan *sc, uint64_t now_ms,
		  size_t max_scan, struct flow *out, size_t cap)
{
	size_t n = 0, seen = 0, start = sc->cursor;
	bool wrapped = false;
	struct table_rec *r;
	struct table_flow v;

	while (seen < max_scan && n < cap) {
		r = table_next(t, &sc->cursor);
		if (!r) {
			sc->cursor = 0;
			if (wrapped || start == 0)
				break;
			wrapped = true;
			continue;
		}
		if (wrapped && sc->cursor - 1 >= start) {
			sc->cursor--;	/* seen at the start of this call */
			break;
		}
		seen++;
		table_view(t, r, &v);
		if (due(t, r, &v.f, now_ms))
			out[n++] = v.f;
	}
	return n;
}

size_t expiry_slice(size_t flows, double refresh_s)
{
	double n = (double)flows * refresh_s / EXPIRY_CYCLE_S;

	if (!(n >= EXPIRY_SLICE_MIN))	/* NaN too */
		return EXPIRY_SLICE_MIN;
	return n > EXPIRY_SLICE_MAX ? EXPIRY_SLICE_MAX : (size_t)n + 1;
}
