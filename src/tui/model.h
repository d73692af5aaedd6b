/* The screen's model: the flows it shows (a table kept by the sync), the
 * records changed since the list view last caught up, per-protocol
 * counts, and the list the first dump gathers as its flows come in.
 * Every change to the table goes through model_upsert/model_remove, so
 * the list view learns what moved. No curses, no netlink: unit-tested
 * alone (test_model). */
#ifndef CTOP_TUI_MODEL_H
#define CTOP_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../order.h"
#include "../table.h"

/* Index of model.nproto: tcp, udp, icmp, other. */
enum { PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO_OTHER, PROTO_SLOTS };

struct model {
	struct table *tbl;
	struct order_changes dirty;	/* records changed since the view caught up */
	size_t nproto[PROTO_SLOTS];
	bool complete;			/* the first full dump is in */
	bool acct_off;			/* nf_conntrack_acct=0: no counters */
	/* The first dump gathers the list as it goes (listview.c sets its
	 * order up, model_upsert offers each new record). */
	struct order collect;
	bool collecting, collect_failed;
	size_t collect_hint;		/* flows the kernel had at start */
};

int model_init(struct model *m);
void model_free(struct model *m);
/* Insert or update a flow. TRACK: a change in place is recorded for the
 * view (a dump's are not: its end rebuilds the view). */
struct table_rec *model_upsert(struct model *m, const struct flow *f,
			       uint64_t now_ms, bool track);
/* The same, saying what the read tells of the flow's events (table.h:
 * which flows may end without one). */
struct table_rec *model_upsert_ends(struct model *m, const struct flow *f,
				    uint64_t now_ms, bool track,
				    enum table_ends ends);
bool model_remove(struct model *m, const struct flow *key);
/* TTL of a flow at NOW: the stored one counted down since it was read
 * (R the record, F its flow). */
uint32_t model_ttl(const struct model *m, const struct table_rec *r,
		   const struct flow *f, uint64_t now_ms);
size_t model_proto_slot(uint8_t protonum);
/* Per-protocol counts, recounted by a pass over the table. */
void model_count_reset(struct model *m);
void model_count(struct model *m, const struct flow *f);
void model_dirty_clear(struct model *m);
/* The gathering of the first dump: m->collect set up by the caller
 * (order_set, order_begin_top), then started; dropped when the view's
 * settings change; taken by the view when the dump is complete. */
void model_collect_start(struct model *m);
void model_collect_drop(struct model *m);

#endif
