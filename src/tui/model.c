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

void model_count(struct model *m, const struct table_flow *tf)
{
	m->nproto[model_proto_slot(tf->f.protonum)]++;
}

static void dirty_add(struct model *m, const struct table_flow *r)
{
	order_changes_add(&m->dirty, r, table_count(m->tbl));
}

void model_dirty_clear(struct model *m)
{
	order_changes_clear(&m->dirty);
}

/* A record inserted while the first dump gathers the list. */
static void collect_offer(struct model *m, const struct table_flow *r)
{
	if (!order_offer(&m->collect, r) && order_wants(&m->collect, &r->f))
		m->collect_failed = true;	/* out of memory */
}

/* A record changed in place or about to go meanwhile: the gathering
 * puts it right at its end (order_top_fix). */
static void collect_changed(struct model *m, const struct table_flow *r)
{
	dirty_add(m, r);
	order_top_forget(&m->collect, r);
}

struct table_flow *model_upsert(struct model *m, const struct flow *f,
				uint64_t now_ms, bool track)
{
	return model_upsert_ends(m, f, now_ms, track, TABLE_ENDS_KEEP);
}

struct table_flow *model_upsert_ends(struct model *m, const struct flow *f,
				     uint64_t now_ms, bool track,
				     enum table_ends ends)
{
	size_t before = table_count(m->tbl);
	uint64_t v = table_version(m->tbl);
	struct table_flow *r;

	r = table_upsert_ends(m->tbl, f, now_ms, ends);
	if (!r)
		return NULL;
	if (table_count(m->tbl) != before) {
		model_count(m, r);
		if (m->collecting)
			collect_offer(m, r);
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
	struct table_flow *r = table_find(m->tbl, key);
	size_t slot;

	if (r) {
		if (m->collecting)
			collect_changed(m, r);
		else
			dirty_add(m, r);
		slot = model_proto_slot(r->f.protonum);
		if (m->nproto[slot])
			m->nproto[slot]--;
	}
	return table_remove(m->tbl, key);
}

uint32_t model_ttl(const struct model *m, const struct table_flow *tf,
		   uint64_t now_ms)
{
	uint64_t read, gone;

	if (!(tf->f.has & FLOW_HAS_TIMEOUT))
		return tf->f.timeout;
	read = table_written_ms(m->tbl, tf, now_ms);
	gone = now_ms > read ? (now_ms - read) / 1000 : 0;
	return gone >= tf->f.timeout ? 0 : tf->f.timeout - (uint32_t)gone;
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
