/* The screen's model: the table, what changed in it, protocol counts and
 * the first dump's gathering (model.h). */
#include <string.h>

#include "../flow.h"
#include "model.h"

int model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
	order_init(&m->collect);
	m->tbl = table_new();
	return m->tbl ? 0 : -1;
}

void model_free(struct model *m)
{
	order_changes_free(&m->dirty);
	order_free(&m->collect);
	table_free(m->tbl);
	m->tbl = NULL;
}

size_t model_proto_slot(uint8_t protonum)
{
	switch (protonum) {
	case FLOW_P_TCP:
		return PROTO_TCP;
	case FLOW_P_UDP:
	case FLOW_P_UDPLITE:
		return PROTO_UDP;
	case FLOW_P_ICMP:
	case FLOW_P_ICMPV6:
		return PROTO_ICMP;
	default:
		return PROTO_OTHER;
	}
}

void model_count_reset(struct model *m)
{
	memset(m->nproto, 0, sizeof(m->nproto));
}

void model_count(struct model *m, const struct flow *f)
{
	m->nproto[model_proto_slot(f->protonum)]++;
}

static void dirty_add(struct model *m, const struct table_rec *r)
{
	order_changes_add(&m->dirty, r, table_count(m->tbl));
}

void model_dirty_clear(struct model *m)
{
	order_changes_clear(&m->dirty);
}

/* A record inserted while the first dump gathers the list (its flow F,
 * as given). */
static void collect_offer(struct model *m, const struct table_rec *r,
			  const struct flow *f)
{
	if (!order_offer_flow(&m->collect, r, f) &&
	    order_wants(&m->collect, f))
		m->collect_failed = true;	/* out of memory */
}

/* A record changed in place or about to go meanwhile: the gathering
 * puts it right at its end (order_top_fix). */
static void collect_changed(struct model *m, const struct table_rec *r)
{
	dirty_add(m, r);
	order_top_forget(&m->collect, r);
}

struct table_rec *model_upsert(struct model *m, const struct flow *f,
			       uint64_t now_ms, bool track)
{
	return model_upsert_ends(m, f, now_ms, track, TABLE_ENDS_KEEP);
}

struct table_rec *model_upsert_ends(struct model *m, const struct flow *f,
				    uint64_t now_ms, bool track,
				    enum table_ends ends)
{
	size_t before = table_count(m->tbl);
	uint64_t v = table_version(m->tbl);
	struct table_rec *r;

	r = table_upsert_ends(m->tbl, f, now_ms, ends);
	if (!r)
		return NULL;
	if (table_count(m->tbl) != before) {
		model_count(m, f);
		if (m->collecting)
			collect_offer(m, r, f);
		else
			dirty_add(m, r);
	} else if (table_version(m->tbl) == v) {
		/* Nothing changed. */
	} else if (m->collecting) {
		/* A first dump's changes in place are tracked too: the list
		 * it gathers is not rebuilt at its end. */
		collect_changed(m, r);
	} else if (track) {
		dirty_add(m, r);
	}
	return r;
}

bool model_remove(struct model *m, const struct flow *key)
{
	struct table_rec *r = table_find(m->tbl, key);
	struct table_flow v;
	size_t slot;

	if (r) {
		/* With its key as placed: the list can then find where it
		 * was without a pass over a million rows (order.h). */
		table_view_key(m->tbl, r, &v);
		if (m->collecting)
			order_top_forget(&m->collect, r);
		order_changes_add_gone(&m->dirty, r, &v.f, table_count(m->tbl));
		/* The key's protocol is the record's: part of the key. */
		slot = model_proto_slot(key->protonum);
		if (m->nproto[slot])
			m->nproto[slot]--;
	}
	return table_remove(m->tbl, key);
}

uint32_t model_ttl(const struct model *m, const struct table_rec *r,
		   const struct flow *f, uint64_t now_ms)
{
	uint64_t read, gone;

	if (!(f->has & FLOW_HAS_TIMEOUT))
		return f->timeout;
	read = table_written_ms(m->tbl, r, now_ms);
	gone = now_ms > read ? (now_ms - read) / 1000 : 0;
	return gone >= f->timeout ? 0 : f->timeout - (uint32_t)gone;
}

void model_collect_start(struct model *m)
{
	model_dirty_clear(m);
	m->collecting = true;
	m->collect_failed = false;
}

void model_collect_drop(struct model *m)
{
	m->collecting = false;
	order_free(&m->collect);
}
