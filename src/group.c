/* Aggregation of flows by a key, streaming: only the keys are kept.
 *
 * Storage is two arrays: the rows themselves, dense and grown by doubling,
 * and an open-addressing index (linear probing) of 32-bit row numbers kept
 * at most half full. Dense rows keep memory at about 64 bytes per key plus
 * 8 bytes of index, so 65,536 sources take under 5 MB however many flows
 * feed them, and group_rows() can sort the rows in place without a copy.
 * Sorting invalidates the index; the next group_add() rebuilds it.
 *
 * Keys per grouping (documented in ctop.8 too):
 *  - src, dst, pair: the original-direction addresses with their family;
 *  - sport, dport: protocol + port. Protocols without ports (icmp, gre,
 *    unknown ones) group under port 0 of their protocol and print as the
 *    bare protocol name ("icmp"), since an ICMP id or a GRE key is not a
 *    port;
 *  - proto: the protocol number;
 *  - state: protocol + state, printed "tcp ESTABLISHED" so that tcp and
 *    sctp states of the same name stay apart; flows whose protocol has no
 *    state (udp, icmp, ...) form one row per protocol printed "udp -";
 *  - mark: printed in hex ("0x10"); zone: decimal ("3", or "2/0" when
 *    the directions differ).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"
#include "group.h"

/* group_key.n for flows whose protocol has no state. */
#define GROUP_STATE_NONE UINT32_MAX

#define GROUP_MIN_ROWS 256u

struct grouper {
	enum group_by by;
	struct group_row *rows;
	size_t count, cap;	/* rows used / allocated */
	uint32_t *index;	/* 0 = empty slot, else row number + 1 */
	size_t icap;		/* slots, a power of two */
	uint64_t total;		/* flows added */
	int index_stale;	/* rows were reordered since the index was built */
	int sorted;		/* rows are in group_rows() order */
};

static void key_of(enum group_by by, const struct flow *f,
		   struct group_key *k)
{
	const char *state;

	memset(k, 0, sizeof(*k));
	switch (by) {
	case GROUP_SRC:
		k->a = f->orig.src;
		k->family = f->family;
		break;
	case GROUP_DST:
		k->a = f->orig.dst;
		k->family = f->family;
		break;
	case GROUP_PAIR:
		k->a = f->orig.src;
		k->b = f->orig.dst;
		k->family = f->family;
		break;
	case GROUP_SPORT:
	case GROUP_DPORT:
		k->protonum = f->protonum;
		if (flow_proto_has_ports(f->protonum))
			k->n = by == GROUP_SPORT ? f->orig.sport : f->orig.dport;
		break;
	case GROUP_PROTO:
		k->protonum = f->protonum;
		k->n = f->protonum;
		break;
	case GROUP_STATE:
		k->protonum = f->protonum;
		state = flow_state_name(f);
		k->n = state ? f->state : GROUP_STATE_NONE;
		break;
	case GROUP_MARK:
		k->n = f->mark;
		break;
	case GROUP_ZONE:
		/* Both directions' zones: "2/0" is not zone 2. */
		k->n = (uint32_t)f->orig.zone << 16 | f->reply.zone;
		break;
	case GROUP_NONE:
	default:
		break;
	}
}

/* Field by field: struct copies need not preserve padding bytes. */
static int key_equal(const struct group_key *x, const struct group_key *y)
{
	return x->n == y->n && x->family == y->family &&
	       x->protonum == y->protonum &&
	       !memcmp(x->a.b, y->a.b, sizeof(x->a.b)) &&
	       !memcmp(x->b.b, y->b.b, sizeof(x->b.b));
}

/* Ascending: family (IPv4 first), addresses numerically (they are in
 * network order), protocol, then the number. */
static int key_cmp(const struct group_key *x, const struct group_key *y)
{
	int c;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	c = memcmp(x->a.b, y->a.b, sizeof(x->a.b));
	if (c)
		return c;
	c = memcmp(x->b.b, y->b.b, sizeof(x->b.b));
	if (c)
		return c;
	if (x->protonum != y->protonum)
		return x->protonum < y->protonum ? -1 : 1;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return 0;
}

static inline uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t key_hash(const struct group_key *k)
{
	uint64_t h = ((uint64_t)k->family << 40) ^ ((uint64_t)k->protonum << 32) ^
		     k->n;
	int i;

	for (i = 0; i < 4; i++)
		h = mix64(h ^ ((uint64_t)k->a.w[i] << 32 | k->b.w[i]));
	return mix64(h);
}

static void index_insert(uint32_t *index, size_t icap, uint64_t hash,
			 uint32_t row)
{
	size_t mask = icap - 1, i = hash & mask;

	while (index[i])
		i = (i + 1) & mask;
	index[i] = row + 1;
}

/* (Re)build the index with icap slots from the rows. */
static int index_build(struct grouper *g, size_t icap)
{
	uint32_t *index = calloc(icap, sizeof(*index));
	size_t i;

	if (!index)
		return -1;
	for (i = 0; i < g->count; i++)
		index_insert(index, icap, key_hash(&g->rows[i].key), i);
	free(g->index);
	g->index = index;
	g->icap = icap;
	g->index_stale = 0;
	return 0;
}

struct grouper *group_new(enum group_by by)
{
	struct grouper *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->by = by;
	g->rows = malloc(GROUP_MIN_ROWS * sizeof(*g->rows));
	g->index = calloc(2 * GROUP_MIN_ROWS, sizeof(*g->index));
	if (!g->rows || !g->index) {
		group_free(g);
		return NULL;
	}
	g->cap = GROUP_MIN_ROWS;
	g->icap = 2 * GROUP_MIN_ROWS;
	g->sorted = 1;
	return g;
}

/* Room for one more row: rows double, the index stays at most half full. */
static int group_grow(struct grouper *g)
{
	if (g->count == g->cap) {
		size_t cap = g->cap * 2;
		struct group_row *rows;

		if (cap > UINT32_MAX - 1)
			return -1;
		rows = realloc(g->rows, cap * sizeof(*rows));
		if (!rows)
			return -1;
		g->rows = rows;
		g->cap = cap;
	}
	if ((g->count + 1) * 2 > g->icap)
		return index_build(g, g->icap * 2);
	return 0;
}

/* The row of key K, made empty when new; NULL when memory ran out. */
static struct group_row *row_of(struct grouper *g, const struct group_key *k)
{
	struct group_row *r;
	uint64_t hash;
	size_t mask, i;
	uint32_t slot;

	if (g->index_stale && index_build(g, g->icap))
		return NULL;
	hash = key_hash(k);
	mask = g->icap - 1;
	for (i = hash & mask; (slot = g->index[i]); i = (i + 1) & mask) {
		r = &g->rows[slot - 1];
		if (key_equal(&r->key, k))
			return r;
	}
	if (group_grow(g))
		return NULL;
	if (g->icap - 1 != mask) {
		/* The index was rebuilt larger: find the new empty slot. */
		mask = g->icap - 1;
		for (i = hash & mask; g->index[i]; i = (i + 1) & mask)
			;
	}
	g->index[i] = g->count + 1;
	r = &g->rows[g->count++];
	r->key = *k;
	r->flows = r->packets = r->bytes = 0;
	r->counted = false;
	return r;
}

void group_add(struct grouper *g, const struct flow *f)
{
	struct group_key k;
	struct group_row *r;

	g->total++;
	key_of(g->by, f, &k);
	/* If memory runs out the flow still counts in the total, so shares
	 * then visibly fall short of 100%. */
	r = row_of(g, &k);
	if (!r)
		return;
	r->flows++;
	if (f->has & FLOW_HAS_COUNTERS)
		r->counted = true;
	r->packets += f->orig_packets + f->reply_packets;
	r->bytes += f->orig_bytes + f->reply_bytes;
	g->sorted = 0;
}

void group_add_key(struct grouper *g, const struct group_key *k,
		   uint64_t flows)
{
	struct group_row *r;

	g->total += flows;
	r = row_of(g, k);
	if (!r)
		return;
	r->flows += flows;
	g->sorted = 0;
}

void group_add_flows(struct grouper *g, uint64_t flows)
{
	g->total += flows;
}

void group_key_of(enum group_by by, const struct flow *f,
		  struct group_key *k)
{
	key_of(by, f, k);
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct group_row *a = pa, *b = pb;

	if (a->flows != b->flows)
		return a->flows > b->flows ? -1 : 1;
	return key_cmp(&a->key, &b->key);
}

const struct group_row *group_rows(struct grouper *g, size_t *n)
{
	if (!g->sorted) {
		qsort(g->rows, g->count, sizeof(*g->rows), row_cmp);
		g->index_stale = 1;
		g->sorted = 1;
	}
	if (n)
		*n = g->count;
	return g->rows;
}

uint64_t group_total(const struct grouper *g)
{
	return g->total;
}

/* Keeps the memory: the next snapshot usually has about as many keys. */
void group_reset(struct grouper *g)
{
	g->count = 0;
	g->total = 0;
	memset(g->index, 0, g->icap * sizeof(*g->index));
	g->index_stale = 0;
	g->sorted = 1;
}

void group_free(struct grouper *g)
{
	if (!g)
		return;
	free(g->rows);
	free(g->index);
	free(g);
}

/* snprintf's return clamped to what was written, like format.h. */
static size_t clamp(int r, size_t len)
{
	if (r < 0 || !len)
		return 0;
	return (size_t)r < len ? (size_t)r : len - 1;
}

size_t group_key_format(char *buf, size_t len, enum group_by by,
			const struct group_key *key)
{
	char x[64], y[64], p[16];
	struct flow tmp;
	const char *state;

	if (!len)
		return 0;
	switch (by) {
	case GROUP_SRC:
	case GROUP_DST:
		return format_addr(buf, len, key->family, &key->a);
	case GROUP_PAIR:
		format_addr(x, sizeof(x), key->family, &key->a);
		format_addr(y, sizeof(y), key->family, &key->b);
		return clamp(snprintf(buf, len, "%s -> %s", x, y), len);
	case GROUP_SPORT:
	case GROUP_DPORT:
		format_proto(p, sizeof(p), key->protonum);
		if (!flow_proto_has_ports(key->protonum))
			return clamp(snprintf(buf, len, "%s", p), len);
		return clamp(snprintf(buf, len, "%s/%u", p, key->n), len);
	case GROUP_PROTO:
		return format_proto(buf, len, key->protonum);
	case GROUP_STATE:
		format_proto(p, sizeof(p), key->protonum);
		state = NULL;
		if (key->n != GROUP_STATE_NONE) {
			memset(&tmp, 0, sizeof(tmp));
			tmp.protonum = key->protonum;
			tmp.state = key->n;
			tmp.has = FLOW_HAS_STATE;
			state = flow_state_name(&tmp);
		}
		if (!state)
			state = "-";
		return clamp(snprintf(buf, len, "%s %s", p, state), len);
	case GROUP_MARK:
		return clamp(snprintf(buf, len, "0x%x", key->n), len);
	case GROUP_ZONE:
		return format_zone(buf, len, (uint16_t)(key->n >> 16),
				   (uint16_t)key->n);
	case GROUP_NONE:
	default:
		return clamp(snprintf(buf, len, "all"), len);
	}
}

int group_key_match(enum group_by by, const struct group_key *key,
		    const struct flow *f)
{
	struct group_key k;

	key_of(by, f, &k);
	return key_equal(&k, key);
}

static const struct {
	const char *name;
	enum group_by by;
} group_names[] = {
	{ "src", GROUP_SRC },
	{ "dst", GROUP_DST },
	{ "pair", GROUP_PAIR },
	{ "sport", GROUP_SPORT },
	{ "dport", GROUP_DPORT },
	{ "proto", GROUP_PROTO },
	{ "state", GROUP_STATE },
	{ "mark", GROUP_MARK },
	{ "zone", GROUP_ZONE },
	{ "none", GROUP_NONE },
	/* Accepted aliases; group_by_str never returns them. */
	{ "source", GROUP_SRC },
	{ "destination", GROUP_DST },
	{ "port", GROUP_DPORT },
	{ "protocol", GROUP_PROTO },
};

enum group_by group_by_name(const char *name, int *ok)
{
	size_t i;

	for (i = 0; name && i < sizeof(group_names) / sizeof(group_names[0]); i++) {
		if (!strcasecmp(name, group_names[i].name)) {
			if (ok)
				*ok = 1;
			return group_names[i].by;
		}
	}
	if (ok)
		*ok = 0;
	return GROUP_NONE;
}

const char *group_by_str(enum group_by by)
{
	size_t i;

	for (i = 0; i < sizeof(group_names) / sizeof(group_names[0]); i++)
		if (group_names[i].by == by)
			return group_names[i].name;
	return "none";
}
