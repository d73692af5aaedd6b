/* Records: struct flow in 104 bytes (table_rec.h). */
#include <stddef.h>
#include <string.h>

#include "table_rec.h"

_Static_assert(sizeof(struct table_rec) == 104,
	       "a record is 104 bytes, no padding");

/* Where struct flow's last field ends: padding after it, if any. */
#define FLOW_END (offsetof(struct flow, has) + sizeof(((struct flow *)0)->has))

static void put64(uint32_t w[2], uint64_t v)
{
	w[0] = (uint32_t)v;
	w[1] = (uint32_t)(v >> 32);
}

static uint64_t get64(const uint32_t w[2])
{
	return (uint64_t)w[1] << 32 | w[0];
}

/* An IPv4 address whose bytes past the fourth are zero fits in 4 bytes;
 * anything else goes to the pool, so every flow comes back as it was. */
static bool flow_addrs_small(const struct flow *f)
{
	const union flow_addr *a[4] = {
		&f->orig.src, &f->orig.dst, &f->reply.src, &f->reply.dst,
	};

	if (f->family != FLOW_IPV4)
		return false;
	for (int i = 0; i < 4; i++)
		if (a[i]->w[1] || a[i]->w[2] || a[i]->w[3])
			return false;
	return true;
}

void rec_release(struct table_rec *r, struct addr_pool *p)
{
	if (!r->pooled)
		return;
	for (int i = 0; i < 4; i++)
		addr_pool_put(p, r->addr[i]);
	r->pooled = 0;
}

bool rec_store(struct table_rec *r, bool live, const struct flow *f,
	       struct addr_pool *p)
{
	const union flow_addr *a[4] = {
		&f->orig.src, &f->orig.dst, &f->reply.src, &f->reply.dst,
	};
	uint32_t addr[4];
	bool pooled = !flow_addrs_small(f);

	/* Take the new references before dropping the old ones: an
	 * address both hold stays in the pool. */
	for (int i = 0; i < 4; i++) {
		if (!pooled) {
			addr[i] = a[i]->w[0];
			continue;
		}
		addr[i] = addr_pool_get(p, a[i]->b);
		if (addr[i] == ADDR_POOL_NONE) {
			while (i--)
				addr_pool_put(p, addr[i]);
			return false;
		}
	}
	if (live)
		rec_release(r, p);
	memcpy(r->addr, addr, sizeof(addr));
	r->pooled = pooled;
	r->port[0] = f->orig.sport;
	r->port[1] = flow_tuple_dslot(&f->orig, f->protonum);
	r->port[2] = f->reply.sport;
	r->port[3] = flow_tuple_dslot(&f->reply, f->protonum);
	r->zone[0] = f->orig.zone;
	r->zone[1] = f->reply.zone;
	put64(&r->cnt[0], f->orig_packets);
	put64(&r->cnt[2], f->orig_bytes);
	put64(&r->cnt[4], f->reply_packets);
	put64(&r->cnt[6], f->reply_bytes);
	put64(r->start, f->start_ns);
	r->status = f->status;
	r->timeout = f->timeout;
	r->mark = f->mark;
	r->id = f->id;
	r->family = f->family;
	r->protonum = f->protonum;
	r->state = f->state;
	r->helper = f->helper;
	r->labels = f->labels;
	r->has = f->has;
	return true;
}

/* Undo flow_tuple_dslot: SLOT into T's dport or its ICMP type and code. */
static void dslot_load(uint16_t slot, uint8_t protonum, struct flow_tuple *t)
{
	if (flow_is_icmp(protonum)) {
		t->dport = 0;
		t->icmp_type = (uint8_t)slot;
		t->icmp_code = (uint8_t)(slot >> 8);
	} else {
		t->dport = slot;
		t->icmp_type = t->icmp_code = 0;
	}
}

static void addr_load(const struct table_rec *r, const struct addr_pool *p,
		      int i, union flow_addr *a)
{
	if (r->pooled) {
		memcpy(a->b, addr_pool_addr(p, r->addr[i]), 16);
	} else {
		a->w[0] = r->addr[i];
		a->w[1] = a->w[2] = a->w[3] = 0;
	}
}

/* The key fields: the original tuple, both zones, family, protocol. */
static void key_load(const struct table_rec *r, const struct addr_pool *p,
		     struct flow *f)
{
	addr_load(r, p, 0, &f->orig.src);
	addr_load(r, p, 1, &f->orig.dst);
	f->orig.sport = r->port[0];
	dslot_load(r->port[1], r->protonum, &f->orig);
	f->orig.zone = r->zone[0];
	f->reply.zone = r->zone[1];
	f->family = r->family;
	f->protonum = r->protonum;
}

void rec_load_key(const struct table_rec *r, const struct addr_pool *p,
		  struct flow *f)
{
	key_load(r, p, f);
	f->id = r->id;
}

void rec_load(const struct table_rec *r, const struct addr_pool *p,
	      struct flow *f)
{
	/* Every field is set below; only the padding at the end is not.
	 * A memset of all 144 bytes was 42 % of this function's samples in
	 * a full sort (perf, bench/order). */
	memset((char *)f + FLOW_END, 0, sizeof(*f) - FLOW_END);
	key_load(r, p, f);
	addr_load(r, p, 2, &f->reply.src);
	addr_load(r, p, 3, &f->reply.dst);
	f->reply.sport = r->port[2];
	dslot_load(r->port[3], r->protonum, &f->reply);
	f->orig_packets = get64(&r->cnt[0]);
	f->orig_bytes = get64(&r->cnt[2]);
	f->reply_packets = get64(&r->cnt[4]);
	f->reply_bytes = get64(&r->cnt[6]);
	f->start_ns = get64(r->start);
	f->status = r->status;
	f->timeout = r->timeout;
	f->mark = r->mark;
	f->id = r->id;
	f->state = r->state;
	f->helper = r->helper;
	f->labels = r->labels;
	f->has = r->has;
}

static bool addr_equal(const struct table_rec *r, const struct addr_pool *p,
		       int i, const union flow_addr *a)
{
	if (r->pooled)
		return !memcmp(addr_pool_addr(p, r->addr[i]), a->b, 16);
	return r->addr[i] == a->w[0] && !a->w[1] && !a->w[2] && !a->w[3];
}

bool rec_key_equal(const struct table_rec *r, const struct addr_pool *p,
		   const struct flow *key)
{
	return r->family == key->family && r->protonum == key->protonum &&
	       r->zone[0] == key->orig.zone && r->zone[1] == key->reply.zone &&
	       r->port[0] == key->orig.sport &&
	       r->port[1] == flow_tuple_dslot(&key->orig, key->protonum) &&
	       addr_equal(r, p, 0, &key->orig.src) &&
	       addr_equal(r, p, 1, &key->orig.dst);
}

uint64_t rec_key_hash(const struct table_rec *r, const struct addr_pool *p)
{
	struct flow k;

	/* flow_key_hash reads the key's fields alone, which key_load sets
	 * (a memset of the whole flow first was a third of this function's
	 * instructions; the index's growth hashes every record). */
	key_load(r, p, &k);
	return flow_key_hash(&k);
}
