/* The flow table.
 *
 * Memory is the figure that matters at a million flows, so the layout is:
 *
 * - records: struct table_rec (table_rec.h: struct flow in 104 bytes,
 *   IPv4 addresses as they are, other addresses as numbers in the
 *   address pool below) in fixed-size chunks, addressed by a 32-bit slot
 *   number. Callers read a record through table_view(). Chunks never
 *   move, so a record's address stays valid until it is removed or, when
 *   a sweep leaves under a quarter of the slots live, until
 *   table_sweep_end compacts the records and frees the tail chunks.
 *   Freed records go on an intrusive free list, reused first. A chunk is
 *   mapped on its own (1024 records of 104 bytes are exactly 26 pages):
 *   no allocator header or rounding per chunk, and a freed chunk goes
 *   back to the system at once. It is populated when mapped (it fills up
 *   anyway): one call instead of 26 page faults.
 * - address pool: the records' IPv6 addresses, each stored once with a
 *   count of the records' references (addr_pool.h); rebuilt smaller
 *   when a sweep leaves it mostly free.
 * - sweep marks: one bit per slot, beside the records rather than in
 *   them (a 32-bit generation would cost 8 bytes a record in padding).
 *   A bit equal to the parity of the sweep generation means "seen by the
 *   current sweep"; opening a sweep flips the parity, which unmarks every
 *   record at once.
 * - silent bits: one bit per slot too, set for the flows whose end may
 *   come without an event (read from a dump of flows made before anyone
 *   listened), so a sweep can find them without a pass over the records.
 * - index: an open-addressing array of uint32_t (slot + 1, 0 = empty) with
 *   linear probing at load <= 0.7, 4 to 7 times a power of two long. Deletion shifts the following entries
 *   back, so there are no index tombstones and probe lengths do not decay
 *   under churn.
 * - tombstones: a small separate hash set of keys removed while a sweep is
 *   open, dropped at table_sweep_end.
 *
 * No allocation per flow; allocation failure makes table_upsert return
 * NULL with errno ENOMEM and leaves the table as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "table.h"
#include "table_rec.h"

#define CHUNK_SHIFT 10
#define CHUNK_SIZE (1u << CHUNK_SHIFT)
#define CHUNK_MASK (CHUNK_SIZE - 1)
#define CHUNK_BYTES (CHUNK_SIZE * sizeof(struct table_rec))
#define CHUNK_WORDS (CHUNK_SIZE / 64)		/* mark words per chunk */
#define MAX_SLOTS 0xfffffff0u		/* slot + 1 must fit in uint32_t */

#define IDX_MIN_CLASS 16		/* 64 entries */
#define IDX_MAX_CLASS 119		/* 7 << 29: under 2^32 entries */
#define TOMB_MIN_BITS 4
#define RATE_MIN_MS 100

/* A key removed during a sweep. Only the key fields and the id are kept;
 * family 0 marks an empty entry. */
struct table_tomb {
	uint64_t hash;
	struct flow_tuple orig;		/* with the original direction's zone */
	uint32_t id;
	uint16_t reply_zone;
	uint8_t family;
	uint8_t protonum;
};

struct table {
	struct table_rec **chunks;
	uint64_t *marks;		/* CHUNK_WORDS per chunk entry */
	uint64_t *silent;		/* the same, for table_silent_count */
	size_t nsilent;
	size_t nchunks;			/* chunks allocated */
	size_t chunks_cap;		/* entries in the chunks array */
	uint32_t nslots;		/* slots ever handed out */
	uint32_t free_head;		/* first free slot + 1, 0 = none */
	size_t count;

	uint32_t *idx;
	unsigned idx_class;		/* its size: idx_class_size() */

	struct addr_pool pool;		/* the records' IPv6 addresses */

	struct table_tomb *tombs;
	unsigned tomb_bits;		/* 0 while no tombstone array */
	size_t ntombs;

	uint64_t version;
	uint64_t frees;			/* table_frees */
	uint64_t epoch_ms;
	bool has_epoch;
	bool sweeping;
	uint32_t gen;
	size_t seen;			/* live records the sweep has seen */
};

/* A free record has family 0 (no real flow does) and keeps the next free
 * slot + 1 in id, which means nothing for a free record. */
static bool rec_live(const struct table_rec *r)
{
	return r->family != 0;
}

bool table_rec_live(const struct table_rec *r)
{
	return rec_live(r);
}

void table_view(const struct table *t, const struct table_rec *r,
		struct table_flow *v)
{
	rec_load(r, &t->pool, &v->f);
	v->sample_ms = r->sample_ms;
	v->bps = r->bps;
	v->pps = r->pps;
}

void table_view_key(const struct table *t, const struct table_rec *r,
		    struct table_flow *v)
{
	rec_load_key(r, &t->pool, &v->f);
}

uint32_t *table_addr_ranks(const struct table *t)
{
	return addr_pool_ranks(&t->pool);
}

size_t table_addr_count(const struct table *t)
{
	return addr_pool_count(&t->pool);
}

bool table_rec_ranks(const struct table_rec *r, const uint32_t *ranks,
		     uint32_t out[4])
{
	if (!r->pooled)
		return false;
	for (int i = 0; i < 4; i++)
		out[i] = ranks[r->addr[i]];
	return true;
}

static struct table_rec *slot_rec(const struct table *t, uint32_t slot)
{
	return &t->chunks[slot >> CHUNK_SHIFT][slot & CHUNK_MASK];
}

/* Sweep marks. */

static bool mark_get(const struct table *t, uint32_t slot)
{
	return t->marks[slot >> 6] >> (slot & 63) & 1;
}

static void mark_put(struct table *t, uint32_t slot, bool bit)
{
	uint64_t m = (uint64_t)1 << (slot & 63);

	if (bit)
		t->marks[slot >> 6] |= m;
	else
		t->marks[slot >> 6] &= ~m;
}

/* Silent bits: bit SLOT of t->silent, kept equal to the count. */

static bool silent_get(const struct table *t, uint32_t slot)
{
	return t->silent[slot >> 6] >> (slot & 63) & 1;
}

static void silent_put(struct table *t, uint32_t slot, bool bit)
{
	uint64_t m = (uint64_t)1 << (slot & 63);

	if (silent_get(t, slot) == bit)
		return;
	t->silent[slot >> 6] ^= m;
	if (bit)
		t->nsilent++;
	else
		t->nsilent--;
}

/* Whether the current sweep (or, between sweeps, the last one) saw the
 * record in SLOT. */
static bool slot_seen(const struct table *t, uint32_t slot)
{
	return mark_get(t, slot) == (t->gen & 1);
}

/* Mark SLOT as seen; counts it when a sweep is open and it was not. */
static void slot_see(struct table *t, uint32_t slot)
{
	if (t->sweeping && !slot_seen(t, slot))
		t->seen++;
	mark_put(t, slot, t->gen & 1);
}

/* Fibonacci hashing on top of flow_key_hash: takes the top bits, which
 * are the best mixed, and spreads any weakness in the low ones. */
static size_t hash_home(uint64_t h, unsigned bits)
{
	return (size_t)((h * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

/* Index sizes are 4, 5, 6 or 7 times a power of two, not powers of two
 * alone: at a million flows and a load of at most 0.7 a power of two
 * would be 2^21 entries (8.4 bytes a flow), this is 1.5 x 2^20 (6.3). */
static size_t idx_class_size(unsigned k)
{
	return (size_t)(4 + (k & 3)) << (k >> 2);
}

static size_t idx_cap(const struct table *t)
{
	return idx_class_size(t->idx_class);
}

/* Fibonacci hashing into any size below 2^32: the top 32 bits of the
 * product, scaled to the size by a multiply (no division, no modulo
 * bias worth the name). */
static size_t idx_home(const struct table *t, uint64_t h)
{
	uint64_t top = (h * 0x9e3779b97f4a7c15ull) >> 32;

	return (size_t)((top * (uint64_t)idx_cap(t)) >> 32);
}

static size_t idx_next(const struct table *t, size_t i)
{
	return i + 1 == idx_cap(t) ? 0 : i + 1;
}

/* How far J is past I, going round the index. */
static size_t idx_dist(const struct table *t, size_t i, size_t j)
{
	return j >= i ? j - i : j + idx_cap(t) - i;
}

static bool idx_alloc(struct table *t, unsigned k)
{
	uint32_t *idx;

	if (k > IDX_MAX_CLASS)
		return false;
	idx = calloc(idx_class_size(k), sizeof(*idx));
	if (!idx)
		return false;
	free(t->idx);
	t->idx = idx;
	t->idx_class = k;
	return true;
}

struct table *table_new(void)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (!idx_alloc(t, IDX_MIN_CLASS)) {
		free(t);
		return NULL;
	}
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nchunks; i++)
		munmap(t->chunks[i], CHUNK_BYTES);
	free(t->chunks);
	free(t->marks);
	free(t->silent);
	free(t->idx);
	free(t->tombs);
	addr_pool_free(&t->pool);
	free(t);
}

size_t table_count(const struct table *t)
{
	return t->count;
}

uint64_t table_version(const struct table *t)
{
	return t->version;
}

uint64_t table_frees(const struct table *t)
{
	return t->frees;
}

/* Find KEY in the index. Returns true and its position if present, else
 * false and the empty position where it would go. */
static bool idx_lookup(const struct table *t, const struct flow *key,
		       uint64_t h, size_t *pos)
{
	size_t i = idx_home(t, h);

	for (;;) {
		uint32_t e = t->idx[i];

		if (!e)
			break;
		if (rec_key_equal(slot_rec(t, e - 1), &t->pool, key)) {
			*pos = i;
			return true;
		}
		i = idx_next(t, i);
	}
	*pos = i;
	return false;
}

/* Place SLOT at the first empty position from its home: used when
 * rebuilding, where the key is known to be absent. */
static void idx_place(struct table *t, uint32_t slot)
{
	size_t i = idx_home(t, rec_key_hash(slot_rec(t, slot), &t->pool));

	while (t->idx[i])
		i = idx_next(t, i);
	t->idx[i] = slot + 1;
}

static bool idx_rebuild(struct table *t, unsigned k)
{
	if (!idx_alloc(t, k))
		return false;
	for (uint32_t s = 0; s < t->nslots; s++)
		if (rec_live(slot_rec(t, s)))
			idx_place(t, s);
	return true;
}

/* The index class, from K up, for N entries at a load of at most 0.7
 * (IDX_MAX_CLASS + 1 when none is big enough). */
static unsigned idx_class_for(size_t n, unsigned k)
{
	while (k <= IDX_MAX_CLASS && n * 10 > idx_class_size(k) * 7)
		k++;
	return k;
}

/* Keep the load at or below 0.7 with one more entry. Growing, room for
 * a quarter more: sizes step by 1.14-1.25, and every step rehashes. */
static bool idx_reserve(struct table *t)
{
	size_t n = t->count + 1;

	if (n * 10 <= idx_cap(t) * 7)
		return true;
	return idx_rebuild(t, idx_class_for(n + n / 4, t->idx_class));
}

int table_reserve(struct table *t, size_t n)
{
	unsigned k = idx_class_for(n, t->idx_class);

	if (k == t->idx_class)
		return 0;
	if (!idx_rebuild(t, k)) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Empty position POS and shift back the entries after it that would be
 * closer to their home there (backward-shift deletion). */
static void idx_delete(struct table *t, size_t pos)
{
	size_t j = pos;

	for (;;) {
		uint32_t e;
		size_t home;

		j = idx_next(t, j);
		e = t->idx[j];
		if (!e)
			break;
		home = idx_home(t, rec_key_hash(slot_rec(t, e - 1), &t->pool));
		/* Move it unless its home lies in (pos, j]. */
		if (idx_dist(t, home, j) >= idx_dist(t, pos, j)) {
			t->idx[pos] = e;
			pos = j;
		}
	}
	t->idx[pos] = 0;
}

static bool slot_grow(struct table *t)
{
	void *p;

	if (t->nslots >= MAX_SLOTS)
		return false;
	if (t->nchunks == t->chunks_cap) {
		size_t cap = t->chunks_cap ? t->chunks_cap * 2 : 16;
		struct table_rec **c = realloc(t->chunks, cap * sizeof(*c));
		uint64_t *m;

		if (!c)
			return false;
		t->chunks = c;
		m = realloc(t->marks, cap * CHUNK_WORDS * sizeof(*m));
		if (!m)
			return false;
		t->marks = m;
		m = realloc(t->silent, cap * CHUNK_WORDS * sizeof(*m));
		if (!m)
			return false;
		t->silent = m;
		t->chunks_cap = cap;
	}
	p = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return false;
	t->chunks[t->nchunks] = p;
	memset(&t->marks[t->nchunks * CHUNK_WORDS], 0,
	       CHUNK_WORDS * sizeof(*t->marks));
	memset(&t->silent[t->nchunks * CHUNK_WORDS], 0,
	       CHUNK_WORDS * sizeof(*t->silent));
	t->nchunks++;
	return true;
}

/* A free slot, from the free list first, or UINT32_MAX on failure. */
static uint32_t slot_alloc(struct table *t)
{
	uint32_t s;

	if (t->free_head) {
		s = t->free_head - 1;
		t->free_head = slot_rec(t, s)->id;
		return s;
	}
	if (t->nslots == t->nchunks * CHUNK_SIZE && !slot_grow(t))
		return UINT32_MAX;
	return t->nslots++;
}

static void slot_free(struct table *t, uint32_t s)
{
	struct table_rec *r = slot_rec(t, s);

	if (t->sweeping && slot_seen(t, s))
		t->seen--;
	silent_put(t, s, false);
	rec_release(r, &t->pool);
	r->family = 0;
	r->id = t->free_head;
	t->free_head = s + 1;
	t->frees++;
}

static void remove_at(struct table *t, size_t pos)
{
	uint32_t s = t->idx[pos] - 1;

	idx_delete(t, pos);
	slot_free(t, s);
	t->count--;
	t->version++;
}

/* Tombstones. */

static bool tomb_match(const struct table_tomb *tb, const struct flow *f,
		       uint64_t h)
{
	struct flow k;

	if (tb->hash != h)
		return false;
	/* Rebuild a key-only flow so equality stays flow_key_equal's. */
	memset(&k, 0, sizeof(k));
	k.orig = tb->orig;
	k.reply.zone = tb->reply_zone;
	k.family = tb->family;
	k.protonum = tb->protonum;
	return flow_key_equal(&k, f);
}

static struct table_tomb *tomb_find(struct table *t, const struct flow *f,
				    uint64_t h)
{
	size_t mask, i;

	if (!t->ntombs)
		return NULL;
	mask = ((size_t)1 << t->tomb_bits) - 1;
	for (i = hash_home(h, t->tomb_bits); t->tombs[i].family;
	     i = (i + 1) & mask)
		if (tomb_match(&t->tombs[i], f, h))
			return &t->tombs[i];
	return NULL;
}

static void tomb_put(struct table_tomb *tombs, unsigned bits,
		     const struct table_tomb *tb)
{
	size_t mask = ((size_t)1 << bits) - 1;
	size_t i = hash_home(tb->hash, bits);

	while (tombs[i].family)
		i = (i + 1) & mask;
	tombs[i] = *tb;
}

/* Keep the tombstone set at load <= 0.5 with one more entry. */
static bool tomb_reserve(struct table *t)
{
	unsigned bits = t->tomb_bits ? t->tomb_bits : TOMB_MIN_BITS;
	struct table_tomb *tombs;

	while ((t->ntombs + 1) * 2 > ((size_t)1 << bits))
		bits++;
	if (bits == t->tomb_bits)
		return true;
	tombs = calloc((size_t)1 << bits, sizeof(*tombs));
	if (!tombs)
		return false;
	for (size_t i = 0; t->tomb_bits && i < ((size_t)1 << t->tomb_bits); i++)
		if (t->tombs[i].family)
			tomb_put(tombs, bits, &t->tombs[i]);
	free(t->tombs);
	t->tombs = tombs;
	t->tomb_bits = bits;
	return true;
}

/* Remember KEY until the sweep ends. Without memory the tombstone is
 * lost: a stale dumped copy may then live until the next sweep, which is
 * better than failing the remove. */
static void tomb_add(struct table *t, const struct flow *key, uint64_t h)
{
	struct table_tomb *old = tomb_find(t, key, h);
	struct table_tomb tb;

	if (old) {
		old->id = key->id;
		return;
	}
	if (!tomb_reserve(t))
		return;
	memset(&tb, 0, sizeof(tb));
	tb.hash = h;
	tb.orig = key->orig;
	tb.id = key->id;
	tb.reply_zone = key->reply.zone;
	tb.family = key->family;
	tb.protonum = key->protonum;
	tomb_put(t->tombs, t->tomb_bits, &tb);
	t->ntombs++;
}

/* Backward-shift delete, as for the index. */
static void tomb_del(struct table *t, struct table_tomb *tb)
{
	size_t mask = ((size_t)1 << t->tomb_bits) - 1;
	size_t pos = (size_t)(tb - t->tombs);
	size_t j = pos;

	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!t->tombs[j].family)
			break;
		home = hash_home(t->tombs[j].hash, t->tomb_bits);
		if (((j - home) & mask) >= ((j - pos) & mask)) {
			t->tombs[pos] = t->tombs[j];
			pos = j;
		}
	}
	memset(&t->tombs[pos], 0, sizeof(t->tombs[pos]));
	t->ntombs--;
}

static void tomb_clear(struct table *t)
{
	free(t->tombs);
	t->tombs = NULL;
	t->tomb_bits = 0;
	t->ntombs = 0;
}

/* Records and rates. */

static bool tuple_same(const struct flow_tuple *a, const struct flow_tuple *b)
{
	return !memcmp(&a->src, &b->src, sizeof(a->src)) &&
	       !memcmp(&a->dst, &b->dst, sizeof(a->dst)) &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code &&
	       a->zone == b->zone;
}

/* Field by field rather than memcmp: callers need not zero the padding
 * of struct flow_tuple. */
static bool flow_same(const struct flow *a, const struct flow *b)
{
	return tuple_same(&a->orig, &b->orig) &&
	       tuple_same(&a->reply, &b->reply) &&
	       a->orig_packets == b->orig_packets &&
	       a->orig_bytes == b->orig_bytes &&
	       a->reply_packets == b->reply_packets &&
	       a->reply_bytes == b->reply_bytes &&
	       a->start_ns == b->start_ns && a->status == b->status &&
	       a->timeout == b->timeout && a->mark == b->mark &&
	       a->id == b->id &&
	       a->family == b->family && a->protonum == b->protonum &&
	       a->state == b->state && a->helper == b->helper &&
	       a->labels == b->labels && a->has == b->has;
}

static uint64_t flow_bytes(const struct flow *f)
{
	return f->orig_bytes + f->reply_bytes;
}

static uint64_t flow_packets(const struct flow *f)
{
	return f->orig_packets + f->reply_packets;
}

/* ms since the table's epoch, taken at the first upsert. */
static uint32_t table_now(struct table *t, uint64_t now_ms)
{
	if (!t->has_epoch) {
		t->epoch_ms = now_ms;
		t->has_epoch = true;
	}
	return now_ms > t->epoch_ms ? (uint32_t)(now_ms - t->epoch_ms) : 0;
}

static void rate_start(struct table_rec *r, uint32_t now)
{
	r->sample_ms = now;
	r->bps = 0;
	r->pps = 0;
}

/* Take a sample: OLD is the record's flow before the update, whose
 * counters are those of the last sample (every change of the counters
 * moves the sample), F the flow now. So no copy of the counters
 * is kept in the record. A new conntrack id or counters going backwards
 * mean the tuple was reused by a new connection: its rate starts again
 * from 0. Closer than RATE_MIN_MS to the last sample the rate would be
 * noise, and it is kept; if the counters moved meanwhile the sample
 * moves with them and the next rate covers the time since. */
static void rate_sample(struct table_rec *r, const struct flow *old,
			const struct flow *f, uint32_t now, bool reused)
{
	uint64_t bytes = flow_bytes(f), pkts = flow_packets(f);
	uint64_t obytes = flow_bytes(old), opkts = flow_packets(old);
	int32_t dt = (int32_t)(now - r->sample_ms);

	if (reused || bytes < obytes || pkts < opkts) {
		rate_start(r, now);
		return;
	}
	if (dt < RATE_MIN_MS) {
		if (bytes != obytes || pkts != opkts)
			r->sample_ms = now;
		return;
	}
	r->bps = (float)((double)(bytes - obytes) * 1000.0 / dt);
	r->pps = (float)((double)(pkts - opkts) * 1000.0 / dt);
	r->sample_ms = now;
}

/* Update R from F. Events other than DESTROY carry no counters or start
 * time: an update without them keeps the stored ones rather than zeroing
 * them (which would also make the next sample a huge rate). */
static bool rec_update(struct table *t, struct table_rec *r,
		       const struct flow *f, uint32_t now)
{
	struct flow nf = *f, old;
	float bps = r->bps, pps = r->pps;
	bool changed, reused;

	rec_load(r, &t->pool, &old);
	if (!(nf.has & FLOW_HAS_COUNTERS) && (old.has & FLOW_HAS_COUNTERS)) {
		nf.orig_packets = old.orig_packets;
		nf.orig_bytes = old.orig_bytes;
		nf.reply_packets = old.reply_packets;
		nf.reply_bytes = old.reply_bytes;
		nf.has |= FLOW_HAS_COUNTERS;
	}
	if (!(nf.has & FLOW_HAS_START) && (old.has & FLOW_HAS_START)) {
		nf.start_ns = old.start_ns;
		nf.has |= FLOW_HAS_START;
	}
	changed = !flow_same(&old, &nf);
	reused = nf.id != old.id;
	if (changed && !rec_store(r, true, &nf, &t->pool))
		return false;
	rate_sample(r, &old, &nf, now, reused);
	if (changed || r->bps != bps || r->pps != pps)
		t->version++;
	return true;
}

/* What an upsert says about how the flow's end will be known. */
static void ends_apply(struct table *t, uint32_t s, enum table_ends ends,
		       bool fresh)
{
	if (ends == TABLE_ENDS_REPORTED)
		silent_put(t, s, false);
	else if (ends == TABLE_ENDS_UNKNOWN && fresh)
		silent_put(t, s, true);
}

struct table_rec *table_upsert(struct table *t, const struct flow *f,
			       uint64_t now_ms)
{
	return table_upsert_ends(t, f, now_ms, TABLE_ENDS_KEEP);
}

struct table_rec *table_upsert_ends(struct table *t, const struct flow *f,
				    uint64_t now_ms, enum table_ends ends)
{
	uint64_t h = flow_key_hash(f);
	uint32_t now = table_now(t, now_ms);
	struct table_rec *r, nr;
	bool fresh;
	size_t pos;
	uint32_t s;

	if (!f->family) {	/* family 0 marks free records */
		errno = EINVAL;
		return NULL;
	}
	if (idx_lookup(t, f, h, &pos)) {
		s = t->idx[pos] - 1;
		r = slot_rec(t, s);
		/* Another id on the tuple is another connection: what was
		 * known of the old one's events says nothing of it. */
		fresh = r->id != f->id;
		if (!rec_update(t, r, f, now)) {
			errno = ENOMEM;
			return NULL;
		}
		ends_apply(t, s, ends, fresh);
		slot_see(t, s);
		return r;
	}
	if (t->sweeping) {
		struct table_tomb *tb = tomb_find(t, f, h);

		/* Same id: a stale copy of the destroyed flow. Another id:
		 * a new connection on the same tuple, which may live. */
		if (tb && tb->id == f->id) {
			errno = 0;
			return NULL;
		}
		if (tb)
			tomb_del(t, tb);
	}
	/* The record first: its addresses may need memory in the pool. */
	memset(&nr, 0, sizeof(nr));
	if (!rec_store(&nr, false, f, &t->pool)) {
		errno = ENOMEM;
		return NULL;
	}
	s = idx_reserve(t) ? slot_alloc(t) : UINT32_MAX;
	if (s == UINT32_MAX) {
		rec_release(&nr, &t->pool);
		errno = ENOMEM;
		return NULL;
	}
	/* The index may have been rebuilt: find the empty position again. */
	idx_lookup(t, f, h, &pos);
	t->idx[pos] = s + 1;
	r = slot_rec(t, s);
	*r = nr;
	/* A reused slot may carry the current mark: set it either way. */
	mark_put(t, s, !(t->gen & 1));
	slot_see(t, s);
	ends_apply(t, s, ends, true);
	rate_start(r, now);
	t->count++;
	t->version++;
	return r;
}

void table_prefetch(const struct table *t, const struct flow *f)
{
	__builtin_prefetch(&t->idx[idx_home(t, flow_key_hash(f))]);
}

struct table_rec *table_find(struct table *t, const struct flow *key)
{
	size_t pos;

	if (!key->family || !idx_lookup(t, key, flow_key_hash(key), &pos))
		return NULL;
	return slot_rec(t, t->idx[pos] - 1);
}

bool table_remove(struct table *t, const struct flow *key)
{
	uint64_t h = flow_key_hash(key);
	size_t pos;
	bool found;

	if (!key->family)
		return false;
	found = idx_lookup(t, key, h, &pos);
	if (found)
		remove_at(t, pos);
	if (t->sweeping)
		tomb_add(t, key, h);
	return found;
}

/* Move live records from the end into the free slots below them, so the
 * live ones are exactly [0, count), and free the chunks no longer used.
 * Records move: this is why pointers are only valid until a remove. The
 * caller must rebuild the index. */
static void slots_compact(struct table *t)
{
	uint32_t lo = 0, hi = t->nslots;
	size_t keep;

	for (;;) {
		while (lo < hi && rec_live(slot_rec(t, lo)))
			lo++;
		while (hi > lo && !rec_live(slot_rec(t, hi - 1)))
			hi--;
		if (lo >= hi)
			break;
		*slot_rec(t, lo) = *slot_rec(t, hi - 1);
		mark_put(t, lo, mark_get(t, hi - 1));
		silent_put(t, lo, silent_get(t, hi - 1));
		silent_put(t, hi - 1, false);
		slot_rec(t, hi - 1)->family = 0;
		lo++;
		hi--;
	}
	t->nslots = (uint32_t)t->count;
	t->free_head = 0;
	t->frees++;
	keep = (t->count + CHUNK_SIZE - 1) / CHUNK_SIZE;
	while (t->nchunks > keep)
		munmap(t->chunks[--t->nchunks], CHUNK_BYTES);
}

/* The pool's numbers never move, so after a flood of IPv6 flows ends a
 * pool of mostly free numbers is built again with the live addresses
 * only, and the records renumbered. Out of memory: the old one stays. */
static void pool_repack(struct table *t)
{
	struct addr_pool np;

	addr_pool_init(&np);
	for (uint32_t s = 0; s < t->nslots; s++) {
		struct table_rec *r = slot_rec(t, s);

		if (!rec_live(r) || !r->pooled)
			continue;
		for (int i = 0; i < 4; i++) {
			const uint8_t *a = addr_pool_addr(&t->pool, r->addr[i]);

			if (addr_pool_get(&np, a) == ADDR_POOL_NONE) {
				addr_pool_free(&np);
				return;
			}
		}
	}
	for (uint32_t s = 0; s < t->nslots; s++) {
		struct table_rec *r = slot_rec(t, s);

		if (!rec_live(r) || !r->pooled)
			continue;
		for (int i = 0; i < 4; i++)
			r->addr[i] = addr_pool_find(&np, addr_pool_addr(&t->pool,
								       r->addr[i]));
	}
	addr_pool_free(&t->pool);
	t->pool = np;
}

/* Re-place every live record in the current index, in place. */
static void idx_refill(struct table *t)
{
	memset(t->idx, 0, idx_cap(t) * sizeof(*t->idx));
	for (uint32_t s = 0; s < t->nslots; s++)
		if (rec_live(slot_rec(t, s)))
			idx_place(t, s);
}

void table_sweep_begin(struct table *t)
{
	bool again = t->sweeping;

	/* Flipping the parity unmarks every record. A sweep begun twice
	 * starts over: then every mark is set to "not seen". */
	t->gen++;
	if (again)
		memset(t->marks, t->gen & 1 ? 0 : 0xff,
		       t->nchunks * CHUNK_WORDS * sizeof(*t->marks));
	t->sweeping = true;
	t->seen = 0;
}

void table_sweep_cancel(struct table *t)
{
	tomb_clear(t);
	t->sweeping = false;
}

/* Remove every flow the sweep did not see. Then, if the table has shrunk
 * a lot, shrink the index too (never below its minimum). */
size_t table_sweep_end(struct table *t)
{
	size_t removed = 0;
	unsigned k;
	bool compacted;

	if (!t->sweeping)
		return 0;
	/* The dump saw every live record (a first load always): no pass
	 * over a million records to find none. */
	for (uint32_t s = 0; t->seen < t->count && s < t->nslots; s++) {
		struct table_rec *r = slot_rec(t, s);
		struct flow key;
		size_t pos;

		if (!rec_live(r) || slot_seen(t, s))
			continue;
		rec_load(r, &t->pool, &key);
		if (idx_lookup(t, &key, flow_key_hash(&key), &pos)) {
			remove_at(t, pos);
			removed++;
		}
	}
	tomb_clear(t);
	t->sweeping = false;

	/* After a flood ends, give the memory back. Under 1/4 of the slots
	 * live: move records down and free the tail chunks. */
	compacted = t->nslots > CHUNK_SIZE && t->count * 4 < t->nslots;
	if (compacted)
		slots_compact(t);
	if (addr_pool_capacity(&t->pool) > 1024 &&
	    addr_pool_count(&t->pool) * 4 < addr_pool_capacity(&t->pool))
		pool_repack(t);
	/* Index load under 1/8: shrink to the smallest size at load <= 0.35,
	 * so that growing again is not imminent. */
	k = t->idx_class;
	if (t->count * 8 < idx_cap(t)) {
		k = IDX_MIN_CLASS;
		while ((t->count + 1) * 20 > idx_class_size(k) * 7)
			k++;
	}
	if (k < t->idx_class && idx_rebuild(t, k))
		return removed;
	/* Not shrunk (or out of memory): the old index is still right
	 * unless the records moved, and refilling it cannot fail. */
	if (compacted)
		idx_refill(t);
	return removed;
}

uint64_t table_written_ms(const struct table *t, const struct table_rec *r,
			  uint64_t now_ms)
{
	uint32_t now = now_ms > t->epoch_ms ? (uint32_t)(now_ms - t->epoch_ms)
					    : 0;
	uint32_t age = now - r->sample_ms;	/* modulo 2^32 */

	return now_ms > age ? now_ms - age : 0;
}

size_t table_silent_count(const struct table *t)
{
	return t->nsilent;
}

bool table_is_silent(const struct table *t, const struct flow *key)
{
	size_t pos;

	if (!key->family || !idx_lookup(t, key, flow_key_hash(key), &pos))
		return false;
	return silent_get(t, t->idx[pos] - 1);
}

struct table_rec *table_next_silent(struct table *t, size_t *cursor)
{
	size_t s = *cursor;

	/* A word at a time: a set that shrank to a few flows among a
	 * million costs a pass over 16,000 words, not a million records. */
	while (s < t->nslots) {
		uint64_t w = t->silent[s >> 6] >> (s & 63);

		if (!w) {
			s = (s | 63) + 1;
			continue;
		}
		s += (size_t)__builtin_ctzll(w);
		if (s >= t->nslots)
			break;
		*cursor = s + 1;
		return slot_rec(t, (uint32_t)s);
	}
	*cursor = t->nslots;
	return NULL;
}

struct table_rec *table_next(struct table *t, size_t *cursor)
{
	for (size_t s = *cursor; s < t->nslots; s++) {
		struct table_rec *r = slot_rec(t, (uint32_t)s);

		if (rec_live(r)) {
			*cursor = s + 1;
			return r;
		}
	}
	*cursor = t->nslots;
	return NULL;
}

size_t table_memory(const struct table *t)
{
	return sizeof(*t) +
	       t->nchunks * CHUNK_BYTES +
	       t->chunks_cap * (sizeof(*t->chunks) +
				2 * CHUNK_WORDS * sizeof(*t->marks)) +
	       idx_cap(t) * sizeof(*t->idx) + addr_pool_memory(&t->pool) +
	       (t->tomb_bits ? ((size_t)1 << t->tomb_bits) : 0) *
	       sizeof(*t->tombs);
}
