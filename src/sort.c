/* Sorting flows by a registry column.
 *
 * The order must be total: with only the column's compare, flows that tie
 * (the same state, the same TTL second) would swap places from one refresh
 * to the next and the screen would flicker. Ties are therefore broken by
 * the flow key (family, protocol, zone, original tuple), which is unique
 * in a table, then by the conntrack id. The tie-break is not reversed:
 * "reverse" flips the column's order only, so equal rows keep the same
 * relative order whichever way the column sorts.
 */
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "sort.h"

static int mem_cmp(const void *a, const void *b, size_t n)
{
	int c = n ? memcmp(a, b, n) : 0;

	return (c > 0) - (c < 0);
}

/* The key in the order the prefixes of sort_flows pack it. Bytes of an
 * IPv4 address past the fourth should be zero; if they are not, they
 * still count, but last, so the packed prefixes stay true prefixes. */
static int key_compare(const struct flow *a, const struct flow *b)
{
	const struct flow_tuple *ta = &a->orig, *tb = &b->orig;
	size_t alen;
	int c;

	if (a->family != b->family)
		return cmp_u64(a->family, b->family);
	if (a->protonum != b->protonum)
		return cmp_u64(a->protonum, b->protonum);
	if (a->orig.zone != b->orig.zone)
		return cmp_u64(a->orig.zone, b->orig.zone);
	alen = flow_addr_len(a->family);
	if ((c = mem_cmp(ta->src.b, tb->src.b, alen)))
		return c;
	if ((c = mem_cmp(ta->dst.b, tb->dst.b, alen)))
		return c;
	if (ta->sport != tb->sport)
		return cmp_u64(ta->sport, tb->sport);
	if (ta->dport != tb->dport)
		return cmp_u64(ta->dport, tb->dport);
	if (ta->icmp_type != tb->icmp_type)
		return cmp_u64(ta->icmp_type, tb->icmp_type);
	if (ta->icmp_code != tb->icmp_code)
		return cmp_u64(ta->icmp_code, tb->icmp_code);
	if ((c = mem_cmp(ta->src.b + alen, tb->src.b + alen, 16 - alen)))
		return c;
	if ((c = mem_cmp(ta->dst.b + alen, tb->dst.b + alen, 16 - alen)))
		return c;
	if (a->reply.zone != b->reply.zone)
		return cmp_u64(a->reply.zone, b->reply.zone);
	return cmp_u64(a->id, b->id);
}

int sort_compare(const struct sort_spec *spec, const struct flow *a,
		 const struct flow *b)
{
	const struct column *col = column_get(spec->column);
	int c = 0;

	if (col) {
		c = col->compare(a, b, &spec->ctx);
		/* Normalise before negating: -INT_MIN overflows. */
		c = (c > 0) - (c < 0);
		if (spec->reverse)
			c = -c;
	}
	return c ? c : key_compare(a, b);
}

/* Decorated sort. With a million flows, following two pointers per
 * comparison costs a cache miss each time and dominates everything else.
 * So one pass reads each flow once and stores, next to its pointer,
 * 64-bit prefixes of its order:
 *
 *   k1      the column's value (bit-inverted when reversed). Always
 *           monotone: k1(a) < k1(b) implies the column puts a first. For
 *           most columns it is exact (equal k1 means the column compares
 *           equal); where it cannot be (IPv6 addresses, helper names,
 *           labels, age) the entry says so, and equal k1 falls back to
 *           the column's compare.
 *   k2, k3  a 127-bit prefix of the key order (tie_key), shifted left
 *           once; the low bit of k2 holds k1's exactness. For IPv4 it
 *           holds the whole key but the ICMP type and code; for IPv6
 *           family, protocol, zone and 102 bits of the source address,
 *           or, when the view ranks the addresses (sort_view.ranks), the
 *           same as IPv4 with the ranks in place of the addresses.
 *
 * Ranks are what make a sort of table records as fast as one of flows:
 * a record's IPv6 addresses are numbers in the table's address pool, and
 * without ranks every tie between two IPv6 records (a shared /64, equal
 * TTLs or byte counts) reads both records and the pool for a view.
 *
 * Most comparisons are then integer compares in a sequential array; flows
 * are touched only when all prefixes tie. The price is 32 bytes per flow
 * plus half as much again for the merge, for the duration of the sort. */
struct sort_ent {
	uint64_t k1, k2, k3;
	const void *item;
};

/* What a comparison needs: the spec, and how to read two items. Views
 * of the last two items compared are kept: a merge compares one item
 * with several in a row, and a view costs a copy of the record. */
struct sort_run {
	const struct sort_spec *spec;
	const struct sort_view *view;
	void *s[2];			/* scratch for the two items compared */
	const void *item[2];		/* whose view s[i] holds, or NULL */
	const struct flow *f[2];
	bool whole[2];			/* s[i] has every field, not the key */
	bool col_key;			/* the column reads only key fields */
};

bool sort_column_reads_key(enum column_id col)
{
	switch (col) {
	case COL_PROTO:
	case COL_SRC:
	case COL_DST:
	case COL_SADDR:
	case COL_DADDR:
	case COL_SPORT:
	case COL_DPORT:
	case COL_FAMILY:
	case COL_ID:
		return true;
	default:
		return false;
	}
}

static const struct flow *run_flow(const struct sort_run *run,
				   const void *item, void *scratch)
{
	return run->view ? run->view->fn(item, scratch, run->view->arg) : item;
}

/* The flow of ITEM for a comparison, in scratch slot SLOT unless a kept
 * view has it; WHOLE: every field, else the key and the id suffice. */
static const struct flow *run_cmp_flow(struct sort_run *run, const void *item,
				       int slot, bool whole)
{
	const struct sort_view *v = run->view;

	if (!v)
		return item;
	for (int i = 0; i < 2; i++)
		if (run->item[i] == item && (run->whole[i] || !whole))
			return run->f[i];
	whole = whole || !v->key_fn;
	run->f[slot] = (whole ? v->fn : v->key_fn)(item, run->s[slot], v->arg);
	run->item[slot] = item;
	run->whole[slot] = whole;
	return run->f[slot];
}

/* Views of A and B, never in the same slot. */
static void run_cmp_flows(struct sort_run *run, const void *a, const void *b,
			  bool whole, const struct flow **fa,
			  const struct flow **fb)
{
	int sa = run->item[1] == a || run->item[0] == b;

	*fa = run_cmp_flow(run, a, sa, whole);
	*fb = run_cmp_flow(run, b, !sa, whole);
}

/* The column's prefix, from the registry (columns.h: compare and key
 * agree there; test_columns checks the decorated sort against plain
 * sort_compare for each column). */
static uint64_t column_key(const struct column *col, const struct flow *f,
			   const struct column_ctx *ctx, bool *exact)
{
	if (!col || !col->key) {
		*exact = false;
		return 0;
	}
	return col->key(f, ctx, exact);
}

/* The key order's prefix in 127 bits: family (IPv4 first), protonum,
 * zone (25 bits), then the tuple's bytes in memcmp order. IPv4 packs
 * src, dst, sport, dport, and so does IPv6 with RANK (its addresses'
 * ranks); else IPv6 has room for the first 102 bits of src.
 * *k2 gets the first 63 bits, *k3 the next 64. Only for IPv4 and IPv6
 * flows (sort_flows checks). */
static void tie_key(const struct flow *f, const uint32_t *rank,
		    uint64_t *k2, uint64_t *k3)
{
	uint64_t head = (uint64_t)(f->family == FLOW_IPV6) << 24 |
			(uint64_t)f->protonum << 16 | f->orig.zone;
	const struct flow_tuple *t = &f->orig;

	if (f->family == FLOW_IPV4 || rank) {
		/* 25 + 32 + 6 bits, then 26 + 16 + 16 + 6 (zero) bits;
		 * ranks order IPv6 addresses as their bytes do. */
		uint64_t src = rank ? rank[0] : be_bits(t->src.b, 4);
		uint64_t dst = rank ? rank[1] : be_bits(t->dst.b, 4);

		*k2 = head << 38 | src << 6 | dst >> 26;
		*k3 = dst << 38 |
		      (uint64_t)t->sport << 22 | (uint64_t)t->dport << 6;
	} else {
		uint64_t hi = be_bits(t->src.b, 8), lo = be_bits(t->src.b + 8, 8);

		*k2 = head << 38 | hi >> 26;
		*k3 = hi << 38 | lo >> 26;
	}
}

/* ent_cmp when the prefixes do not decide: the column's compare on views
 * where k1 is not exact, the key's where all prefixes tie. Out of line,
 * so that the merge keeps the prefix compares inlined. */
static __attribute__((noinline)) int
ent_cmp_items(const struct sort_ent *a, const struct sort_ent *b,
	      struct sort_run *run)
{
	const struct sort_spec *spec = run->spec;
	const struct flow *fa = NULL, *fb = NULL;
	int c;

	if (a->k1 != b->k1)
		return a->k1 < b->k1 ? -1 : 1;
	if (!(a->k2 & b->k2 & 1)) {
		const struct column *col = column_get(spec->column);

		run_cmp_flows(run, a->item, b->item, !run->col_key, &fa, &fb);
		c = col ? col->compare(fa, fb, &spec->ctx) : 0;
		c = (c > 0) - (c < 0);
		if (c)
			return spec->reverse ? -c : c;
	}
	if (a->k2 >> 1 != b->k2 >> 1)
		return a->k2 >> 1 < b->k2 >> 1 ? -1 : 1;
	if (a->k3 != b->k3)
		return a->k3 < b->k3 ? -1 : 1;
	if (!fa)
		run_cmp_flows(run, a->item, b->item, false, &fa, &fb);
	return key_compare(fa, fb);
}

static inline int ent_cmp(const struct sort_ent *a, const struct sort_ent *b,
			  struct sort_run *run)
{
	if (a->k1 != b->k1)
		return a->k1 < b->k1 ? -1 : 1;
	if (a->k2 & b->k2 & 1) {
		if (a->k2 != b->k2)
			return a->k2 < b->k2 ? -1 : 1;
		if (a->k3 != b->k3)
			return a->k3 < b->k3 ? -1 : 1;
	}
	return ent_cmp_items(a, b, run);
}

static void ent_isort(struct sort_ent *a, size_t n, struct sort_run *run)
{
	for (size_t i = 1; i < n; i++) {
		struct sort_ent x = a[i];
		size_t j = i;

		while (j && ent_cmp(&x, &a[j - 1], run) < 0) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = x;
	}
}

/* Top-down merge sort of a[0..n); tmp holds n / 2 + 1 entries: the left
 * half is moved out, then merged back from the front, which never
 * overtakes the unread part of the right half. */
static void ent_msort(struct sort_ent *a, struct sort_ent *tmp, size_t n,
		      struct sort_run *run)
{
	size_t h = n / 2, i = 0, j = h, k = 0;

	if (n <= 16) {
		ent_isort(a, n, run);
		return;
	}
	ent_msort(a, tmp, h, run);
	ent_msort(a + h, tmp, n - h, run);
	if (ent_cmp(&a[h - 1], &a[h], run) <= 0)
		return;		/* already in order: common on refresh */
	memcpy(tmp, a, h * sizeof(*a));
	while (i < h && j < n)
		a[k++] = ent_cmp(&a[j], &tmp[i], run) < 0 ? a[j++] : tmp[i++];
	while (i < h)
		a[k++] = tmp[i++];
}

static int sort_cmp_r(const void *pa, const void *pb, void *arg)
{
	struct sort_run *run = arg;
	const void *const *a = pa;
	const void *const *b = pb;
	const struct flow *fa, *fb;

	run_cmp_flows(run, *a, *b, true, &fa, &fb);
	return sort_compare(run->spec, fa, fb);
}

/* Sort ITEMS (flows when VIEW is NULL). */
static void sort_run(const void **items, size_t n,
		     const struct sort_spec *spec, const struct sort_view *view)
{
	const struct column *col = column_get(spec->column);
	struct sort_run run = {
		.spec = spec, .view = view,
		.col_key = sort_column_reads_key(spec->column),
	};
	struct sort_ent *ent = NULL, *tmp = NULL;
	void *scratch = NULL;

	if (n < 2)
		return;
	if (view) {
		scratch = malloc(3 * view->size);
		if (!scratch) {
			/* Sorting needs the scratch either way: leave the
			 * order as it is rather than fail. */
			return;
		}
		run.s[0] = scratch;
		run.s[1] = (char *)scratch + view->size;
	}
	ent = malloc(n * sizeof(*ent));
	tmp = malloc((n / 2 + 1) * sizeof(*tmp));
	if (!ent || !tmp)
		goto plain;
	for (size_t i = 0; i < n; i++) {
		void *own = view ? (char *)scratch + 2 * view->size : NULL;
		const struct flow *f = run_flow(&run, items[i], own);
		struct column_ctx ctx = spec->ctx;
		uint32_t rank[4];
		bool exact;
		uint64_t k1, k2, k3;

		if (f->family != FLOW_IPV4 && f->family != FLOW_IPV6) {
			/* No prefix keys for a family that never occurs. */
			goto plain;
		}
		ctx.rank = NULL;
		if (f->family == FLOW_IPV6 && view && view->ranks) {
			/* Ranked prefixes and byte prefixes do not mix. */
			if (!view->ranks(items[i], rank, view->arg))
				goto plain;
			ctx.rank = rank;
		}
		k1 = column_key(col, f, &ctx, &exact);
		tie_key(f, ctx.rank, &k2, &k3);
		ent[i].k1 = spec->reverse ? ~k1 : k1;
		ent[i].k2 = k2 << 1 | exact;
		ent[i].k3 = k3;
		ent[i].item = items[i];
	}
	ent_msort(ent, tmp, n, &run);
	for (size_t i = 0; i < n; i++)
		items[i] = ent[i].item;
	free(tmp);
	free(ent);
	free(scratch);
	return;
plain:
	/* The plain sort gives the same order, only slower. */
	free(ent);
	free(tmp);
	qsort_r(items, n, sizeof(*items), sort_cmp_r, &run);
	free(scratch);
}

void sort_items(const void **items, size_t n, const struct sort_spec *spec,
		const struct sort_view *view)
{
	sort_run(items, n, spec, view);
}

void sort_flows(const struct flow **flows, size_t n,
		const struct sort_spec *spec)
{
	const void **items;

	if (n < 2)
		return;
	/* The same pointers as items: copied, since a struct flow ** is
	 * not a const void ** to the compiler's aliasing rules. */
	items = malloc(n * sizeof(*items));
	if (!items) {
		struct sort_run run = { .spec = spec };

		qsort_r(flows, n, sizeof(*flows), sort_cmp_r, &run);
		return;
	}
	for (size_t i = 0; i < n; i++)
		items[i] = flows[i];
	sort_run(items, n, spec, NULL);
	for (size_t i = 0; i < n; i++)
		flows[i] = items[i];
	free(items);
}
