/* Flight recording records: big-endian fields written and read byte by
 * byte, so the same file reads the same on any machine (32/64 bit, either
 * byte order). Decoding checks every length against the record's end: a
 * file is input, and input may be anything. */
#include <stdlib.h>
#include <string.h>

#include "flightrec.h"

static const enum group_by dim_groups[FR_DIMS] = {
	[FR_DIM_SRC] = GROUP_SRC,
	[FR_DIM_DST] = GROUP_DST,
	[FR_DIM_DPORT] = GROUP_DPORT,
	[FR_DIM_STATE] = GROUP_STATE,
	[FR_DIM_ZONE] = GROUP_ZONE,
};

enum group_by fr_dim_group(enum fr_dim d)
{
	return d < FR_DIMS ? dim_groups[d] : GROUP_NONE;
}

int fr_group_dim(enum group_by by)
{
	for (int d = 0; d < FR_DIMS; d++)
		if (dim_groups[d] == by)
			return d;
	return -1;
}

/* ---- crc32 (IEEE, reflected, as zlib and gzip) ---- */

/* Eight bytes a step ("slicing by 8"): opening a day's recording checks
 * every byte of it, and this is about four times the byte-wise loop. */
static uint32_t crc_table[8][256];
static bool crc_ready;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = crc_table[0][crc_table[t - 1][i] & 0xff] ^
					  (crc_table[t - 1][i] >> 8);
	crc_ready = true;
}

uint32_t fr_crc32(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;

	if (!crc_ready)
		crc_init();
	/* Bytes are combined one by one, so the result is the same on
	 * either byte order. */
	while (len >= 8) {
		uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				   (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);

		c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		    crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		    crc_table[3][p[4]] ^ crc_table[2][p[5]] ^
		    crc_table[1][p[6]] ^ crc_table[0][p[7]];
		p += 8;
		len -= 8;
	}
	while (len--)
		c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* ---- output ---- */

void fr_buf_free(struct fr_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static uint8_t *room(struct fr_buf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	b->len += n;
	return b->p + b->len - n;
}

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static void put(struct fr_buf *b, uint64_t v, int bytes)
{
	uint8_t *p = room(b, (size_t)bytes);

	if (p)
		put_be(p, v, bytes);
}

static void put_bytes(struct fr_buf *b, const void *src, size_t n)
{
	uint8_t *p = room(b, n);

	if (p)
		memcpy(p, src, n);
}

void fr_put_header(struct fr_buf *b)
{
	put_bytes(b, FR_MAGIC, 8);
	put(b, FR_VERSION, 2);
	put(b, 0, 2);
	put(b, 0, 4);
}

/* Open a record: the frame is filled in by record_end. */
static void record_begin(struct fr_buf *b, enum fr_type type, uint64_t t)
{
	b->start = b->len;
	put(b, 0, 4);
	put(b, 0, 4);
	put(b, type, 1);
	put(b, t, 8);
}

static void record_end(struct fr_buf *b)
{
	size_t plen;

	if (b->oom)
		return;
	plen = b->len - b->start - FR_FRAME_LEN;
	put_be(b->p + b->start, plen, 4);
	put_be(b->p + b->start + 4,
	       fr_crc32(b->p + b->start + FR_FRAME_LEN, plen), 4);
}

static void put_key(struct fr_buf *b, const struct group_key *k)
{
	size_t alen = k->family ? flow_addr_len(k->family) : 0;

	put(b, k->family, 1);
	put(b, k->protonum, 1);
	put(b, k->n, 4);
	put_bytes(b, k->a.b, alen);
}

static void put_stats(struct fr_buf *b, const struct table_stats *st)
{
	const uint64_t c[] = { st->found, st->invalid, st->insert,
			       st->insert_failed, st->drop, st->early_drop,
			       st->error, st->search_restart,
			       st->clash_resolve, st->chaintoolong };

	put(b, st->count, 4);
	put(b, st->max, 4);
	put(b, st->have_cpu, 1);
	put(b, st->cpus, 2);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		put(b, c[i], 8);
}

void fr_put_summary(struct fr_buf *b, const struct fr_summary *s)
{
	record_begin(b, FR_SUMMARY, s->time_ns);
	put(b, s->interval_ms, 4);
	put(b, s->have_stats, 1);
	put_stats(b, &s->st);
	put(b, (uint64_t)s->buckets, 8);
	put(b, s->flows, 8);
	put(b, s->not_assured, 8);
	put(b, s->added, 8);
	put(b, s->removed, 8);
	put(b, FR_DIMS, 1);
	for (int d = 0; d < FR_DIMS; d++) {
		const struct fr_dimension *dm = &s->dim[d];
		uint32_t n = dm->n > FR_TOP_MAX ? FR_TOP_MAX : dm->n;

		put(b, n, 1);
		for (uint32_t i = 0; i < n; i++) {
			put_key(b, &dm->top[i].key);
			put(b, dm->top[i].flows, 4);
		}
		put(b, dm->rest_flows, 8);
		put(b, dm->rest_keys, 4);
	}
	record_end(b);
}

/* ---- timeouts ---- */

enum { FT_POLICIES = 1 << 0 };	/* the cttimeout policies were read */

static void put_name(struct fr_buf *b, const char *name)
{
	size_t n = strlen(name);

	if (n > 255)
		n = 255;
	put(b, n, 1);
	put_bytes(b, name, n);
}

void fr_put_timeouts(struct fr_buf *b, uint64_t time_ns,
		     const struct timeouts *to, bool have_policies,
		     const struct timeout_policy *pol, size_t npol)
{
	size_t n = to->n > 255 ? 255 : to->n;

	if (!have_policies || npol > 65535)
		npol = have_policies ? 65535 : 0;
	record_begin(b, FR_TIMEOUTS, time_ns);
	put(b, have_policies ? FT_POLICIES : 0, 1);
	put(b, n, 1);
	for (size_t i = 0; i < n; i++) {
		put_name(b, to->rows[i].sysctl);
		put(b, (uint64_t)to->rows[i].seconds, 4);
	}
	put(b, npol, 2);
	for (size_t i = 0; i < npol; i++) {
		const struct timeout_policy *p = &pol[i];
		size_t ns = p->n > POLICY_STATES_MAX ? POLICY_STATES_MAX : p->n;

		put_name(b, p->name);
		put(b, p->l3proto, 2);
		put(b, p->l4proto, 1);
		put(b, ns, 1);
		for (size_t k = 0; k < ns; k++) {
			put_name(b, p->v[k].state ? p->v[k].state : "");
			put(b, p->v[k].seconds, 4);
		}
	}
	record_end(b);
}

/* ---- expectations ---- */

static void put_tuple(struct fr_buf *b, const struct flow_tuple *t,
		      size_t alen);

/* A family the tuples can hold, or 0 (no address bytes follow). */
static uint8_t tuple_family(uint8_t family)
{
	return family == FLOW_IPV4 || family == FLOW_IPV6 ? family : 0;
}

static void put_expect_tuple(struct fr_buf *b, uint8_t family,
			     const struct flow_tuple *t)
{
	put_tuple(b, t, family ? flow_addr_len(family) : 0);
}

void fr_put_expect(struct fr_buf *b, uint64_t time_ns,
		   const struct expectation *e, size_t n, bool no_timeouts)
{
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	record_begin(b, FR_EXPECT, time_ns);
	put(b, n, 4);
	for (size_t i = 0; i < n; i++) {
		const struct expectation *x = &e[i];
		uint8_t mf = tuple_family(x->master_family);
		uint8_t f = tuple_family(x->family);

		put(b, mf, 1);
		put(b, x->master_protonum, 1);
		put_expect_tuple(b, mf, &x->master);
		put(b, f, 1);
		put(b, x->protonum, 1);
		put_expect_tuple(b, f, &x->tuple);
		put_expect_tuple(b, f, &x->mask);
		put(b, no_timeouts ? 0 : x->timeout, 4);
		put(b, x->id, 4);
		put(b, x->flags, 4);
		put(b, x->klass, 4);
		put(b, x->zone, 2);
		put_name(b, x->helper);
		put_name(b, x->fn);
	}
	record_end(b);
}

size_t fr_body_offset(const struct fr_buf *b)
{
	/* frame (8), type (1), time (8) */
	return b->start + FR_FRAME_LEN + 9;
}

/* ---- full records ---- */

enum { ITEM_FLOW = 1, ITEM_GONE = 2 };
enum {
	FF_MIRROR = 1 << 0,	/* the reply tuple is the original swapped */
	FF_HELPER = 1 << 1,	/* a helper name follows (version 2) */
};

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The helper's name as the kernel gave it: intern_helper() keeps it
 * escaped for output (flow_escape), the file holds the bytes. */
static size_t helper_raw(uint8_t idx, char *dst, size_t len)
{
	const char *s = idx == INTERN_TOO_MANY ? NULL : intern_helper_name(idx);
	size_t n = 0;

	while (s && *s && n < len) {
		unsigned int v;

		if (s[0] == '\\' && s[1] == '\\') {
			dst[n++] = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && hex(s[2]) >= 0 &&
			   hex(s[3]) >= 0) {
			v = (unsigned int)(hex(s[2]) << 4 | hex(s[3]));
			dst[n++] = (char)v;
			s += 4;
		} else {
			dst[n++] = *s++;
		}
	}
	return n;
}

void fr_full_begin(struct fr_buf *b, uint64_t time_ns, enum fr_full_kind kind)
{
	record_begin(b, FR_FULL, time_ns);
	put(b, kind, 1);
	put(b, 0, 4);		/* items, filled by fr_full_end */
	b->items = 0;
}

static void put_tuple(struct fr_buf *b, const struct flow_tuple *t,
		      size_t alen)
{
	put_bytes(b, t->src.b, alen);
	put_bytes(b, t->dst.b, alen);
	put(b, t->sport, 2);
	put(b, t->dport, 2);
	put(b, t->icmp_type, 1);
	put(b, t->icmp_code, 1);
}

static bool mirrored(const struct flow *f)
{
	return !memcmp(&f->reply.src, &f->orig.dst, sizeof(f->reply.src)) &&
	       !memcmp(&f->reply.dst, &f->orig.src, sizeof(f->reply.dst)) &&
	       f->reply.sport == f->orig.dport &&
	       f->reply.dport == f->orig.sport &&
	       !f->reply.icmp_type && !f->reply.icmp_code &&
	       !f->orig.icmp_type && !f->orig.icmp_code;
}

void fr_full_flow(struct fr_buf *b, const struct flow *f)
{
	size_t alen = flow_addr_len(f->family), nlabels = 0, nhelper;
	const uint8_t *labels = NULL;
	uint8_t has = f->has & ~FLOW_HAS_LABELS;
	bool mirror = mirrored(f);
	char helper[64];

	/* A value lost to a full intern table is left out, never another
	 * flow's. */
	if ((f->has & FLOW_HAS_LABELS) &&
	    (labels = intern_labels_bits(f->labels, &nlabels)) && nlabels)
		has |= FLOW_HAS_LABELS;
	nhelper = f->helper ? helper_raw(f->helper, helper, sizeof(helper)) : 0;
	put(b, ITEM_FLOW, 1);
	put(b, f->family, 1);
	put(b, f->protonum, 1);
	put(b, has, 1);
	put(b, (mirror ? FF_MIRROR : 0) | (nhelper ? FF_HELPER : 0), 1);
	put_tuple(b, &f->orig, alen);
	if (!mirror)
		put_tuple(b, &f->reply, alen);
	put(b, f->status, 4);
	put(b, f->timeout, 4);
	put(b, f->id, 4);
	if (f->has & FLOW_HAS_STATE)
		put(b, f->state, 1);
	if (f->has & FLOW_HAS_MARK)
		put(b, f->mark, 4);
	if (f->has & FLOW_HAS_ZONE) {
		put(b, f->orig.zone, 2);
		put(b, f->reply.zone, 2);
	}
	if (f->has & FLOW_HAS_COUNTERS) {
		put(b, f->orig_packets, 8);
		put(b, f->orig_bytes, 8);
		put(b, f->reply_packets, 8);
		put(b, f->reply_bytes, 8);
	}
	if (f->has & FLOW_HAS_START)
		put(b, f->start_ns, 8);
	if (nhelper) {
		put(b, nhelper, 1);
		put_bytes(b, helper, nhelper);
	}
	if (has & FLOW_HAS_LABELS) {
		put(b, nlabels, 1);
		put_bytes(b, labels, nlabels);
	}
	b->items++;
}

void fr_full_gone(struct fr_buf *b, uint64_t key_hash)
{
	put(b, ITEM_GONE, 1);
	put(b, key_hash, 8);
	b->items++;
}

void fr_full_end(struct fr_buf *b)
{
	/* frame (8), type (1), time (8), kind (1), then the item count */
	if (!b->oom)
		put_be(b->p + b->start + FR_FRAME_LEN + 10, b->items, 4);
	record_end(b);
}

/* ---- hashes, on canonical bytes so that every machine agrees ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *s = p;

	while (n--) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t fnv_be(uint64_t h, uint64_t v, int bytes)
{
	uint8_t tmp[8];

	put_be(tmp, v, bytes);
	return fnv(h, tmp, (size_t)bytes);
}

uint64_t fr_key_hash(const struct flow *f)
{
	size_t alen = flow_addr_len(f->family);
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv_be(h, f->family, 1);
	h = fnv_be(h, f->protonum, 1);
	h = fnv_be(h, f->orig.zone, 2);
	h = fnv_be(h, f->reply.zone, 2);
	h = fnv(h, f->orig.src.b, alen);
	h = fnv(h, f->orig.dst.b, alen);
	h = fnv_be(h, f->orig.sport, 2);
	h = fnv_be(h, f->orig.dport, 2);
	h = fnv_be(h, f->orig.icmp_type, 1);
	h = fnv_be(h, f->orig.icmp_code, 1);
	return h;
}

uint64_t fr_content_hash(const struct flow *f)
{
	size_t alen = flow_addr_len(f->family);
	uint64_t h = fr_key_hash(f);

	h = fnv(h, f->reply.src.b, alen);
	h = fnv(h, f->reply.dst.b, alen);
	h = fnv_be(h, (uint64_t)f->reply.sport << 16 | f->reply.dport, 4);
	h = fnv_be(h, f->status, 4);
	h = fnv_be(h, f->has & FLOW_HAS_STATE ? f->state : 0xffu, 2);
	h = fnv_be(h, f->mark, 4);
	h = fnv_be(h, f->id, 4);
	/* Interned indexes: the same value has the same index in one
	 * process, and this hash never leaves the writer. */
	h = fnv_be(h, (uint64_t)f->helper << 8 | f->labels, 2);
	return h;
}

/* ---- input ---- */

struct in {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t get(struct in *in, int bytes)
{
	uint64_t v = 0;

	if (in->bad || in->end - in->p < bytes) {
		in->bad = true;
		return 0;
	}
	for (int i = 0; i < bytes; i++)
		v = v << 8 | *in->p++;
	return v;
}

static void get_bytes(struct in *in, void *dst, size_t n)
{
	if (in->bad || (size_t)(in->end - in->p) < n) {
		in->bad = true;
		return;
	}
	memcpy(dst, in->p, n);
	in->p += n;
}

int fr_header_check(const uint8_t *p, size_t len, unsigned int *version)
{
	if (len < FR_HEADER_LEN || memcmp(p, FR_MAGIC, 8))
		return 0;
	*version = (unsigned int)p[8] << 8 | p[9];
	return *version >= 1 && *version <= FR_VERSION ? 1 : -1;
}

enum fr_rec fr_record_check(const uint8_t *p, size_t avail, size_t *reclen)
{
	struct in in = { p, p + avail, false };
	uint32_t len, crc;

	len = (uint32_t)get(&in, 4);
	crc = (uint32_t)get(&in, 4);
	if (in.bad)
		return FR_REC_CUT;
	if (len < 9 || len > FR_RECORD_MAX)
		return FR_REC_BAD;
	if (avail - FR_FRAME_LEN < len)
		return FR_REC_CUT;
	if (fr_crc32(p + FR_FRAME_LEN, len) != crc)
		return FR_REC_BAD;
	*reclen = FR_FRAME_LEN + len;
	return FR_REC_OK;
}

int fr_record_head(const uint8_t *p, size_t reclen, enum fr_type *type,
		   uint64_t *time_ns)
{
	struct in in = { p + FR_FRAME_LEN, p + reclen, false };

	*type = (enum fr_type)get(&in, 1);
	*time_ns = get(&in, 8);
	return in.bad ? -1 : 0;
}

static void get_key(struct in *in, struct group_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)get(in, 1);
	k->protonum = (uint8_t)get(in, 1);
	k->n = (uint32_t)get(in, 4);
	if (k->family == FLOW_IPV4 || k->family == FLOW_IPV6)
		get_bytes(in, k->a.b, flow_addr_len(k->family));
	else if (k->family)
		in->bad = true;
}

static void get_stats(struct in *in, struct table_stats *st)
{
	uint64_t *c[] = { &st->found, &st->invalid, &st->insert,
			  &st->insert_failed, &st->drop, &st->early_drop,
			  &st->error, &st->search_restart,
			  &st->clash_resolve, &st->chaintoolong };

	st->count = (uint32_t)get(in, 4);
	st->max = (uint32_t)get(in, 4);
	st->have_cpu = get(in, 1) != 0;
	st->cpus = (unsigned)get(in, 2);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		*c[i] = get(in, 8);
}

int fr_get_summary(const uint8_t *p, size_t reclen, struct fr_summary *s)
{
	struct in in = { p + FR_FRAME_LEN, p + reclen, false };
	unsigned int dims;

	memset(s, 0, sizeof(*s));
	if (get(&in, 1) != FR_SUMMARY)
		return -1;
	s->time_ns = get(&in, 8);
	s->interval_ms = (uint32_t)get(&in, 4);
	s->have_stats = get(&in, 1) != 0;
	get_stats(&in, &s->st);
	s->buckets = (int64_t)get(&in, 8);
	s->flows = get(&in, 8);
	s->not_assured = get(&in, 8);
	s->added = get(&in, 8);
	s->removed = get(&in, 8);
	dims = (unsigned int)get(&in, 1);
	/* A later version may add dimensions: those it knows come first. */
	for (unsigned int d = 0; d < dims && !in.bad; d++) {
		struct fr_dimension tmp, *dm = d < FR_DIMS ? &s->dim[d] : &tmp;

		dm->n = (uint32_t)get(&in, 1);
		if (dm->n > FR_TOP_MAX)
			return -1;
		for (uint32_t i = 0; i < dm->n; i++) {
			get_key(&in, &dm->top[i].key);
			dm->top[i].flows = (uint32_t)get(&in, 4);
		}
		dm->rest_flows = get(&in, 8);
		dm->rest_keys = (uint32_t)get(&in, 4);
	}
	return in.bad ? -1 : 0;
}

/* A name of at most MAX bytes into DST (MAX + 1 bytes with the NUL). */
static void get_name(struct in *in, char *dst, size_t max)
{
	size_t n = (size_t)get(in, 1);

	if (n > max) {
		in->bad = true;
		return;
	}
	get_bytes(in, dst, n);
	dst[in->bad ? 0 : n] = '\0';
}

void fr_timeouts_free(struct fr_timeouts *t)
{
	free(t->pol);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

static void get_policy(struct in *in, struct timeout_policy *p, char **pool)
{
	memset(p, 0, sizeof(*p));
	get_name(in, p->name, POLICY_NAME_MAX);
	p->l3proto = (uint16_t)get(in, 2);
	p->l4proto = (uint8_t)get(in, 1);
	p->use = POLICY_USE_UNKNOWN;
	p->n = (size_t)get(in, 1);
	if (p->n > POLICY_STATES_MAX) {
		in->bad = true;
		return;
	}
	for (size_t k = 0; k < p->n && !in->bad; k++) {
		/* A name's bytes are in the record: the pool, as long as
		 * the record, holds every name with its NUL. */
		get_name(in, *pool, 255);
		p->v[k].state = *pool;
		*pool += strlen(*pool) + 1;
		p->v[k].seconds = (uint32_t)get(in, 4);
	}
}

int fr_get_timeouts(const uint8_t *p, size_t reclen, struct fr_timeouts *t)
{
	struct in in = { p + FR_FRAME_LEN, p + reclen, false };
	char name[256], *pool;
	size_t rows;

	memset(t, 0, sizeof(*t));
	if (get(&in, 1) != FR_TIMEOUTS)
		return -1;
	t->time_ns = get(&in, 8);
	t->have_policies = (get(&in, 1) & FT_POLICIES) != 0;
	rows = (size_t)get(&in, 1);
	for (size_t i = 0; i < rows && !in.bad; i++) {
		long seconds;

		get_name(&in, name, 255);
		seconds = (long)get(&in, 4);
		/* A sysctl this ctop does not know (a newer kernel's, a
		 * newer writer's) is passed over. */
		if (!in.bad)
			timeouts_add_row(&t->to, name, strlen(name), seconds);
	}
	t->npol = (size_t)get(&in, 2);
	/* Each policy takes at least 5 bytes: a count past what is left
	 * is corruption, not a reason to allocate. */
	if (in.bad || t->npol > (size_t)(in.end - in.p) / 5) {
		fr_timeouts_free(t);
		return -1;
	}
	t->pol = calloc(t->npol ? t->npol : 1, sizeof(*t->pol));
	t->names = pool = malloc(reclen);
	if (!t->pol || !t->names) {
		fr_timeouts_free(t);
		return -1;
	}
	for (size_t i = 0; i < t->npol && !in.bad; i++)
		get_policy(&in, &t->pol[i], &pool);
	if (in.bad) {
		fr_timeouts_free(t);
		return -1;
	}
	return 0;
}

static void get_tuple(struct in *in, struct flow_tuple *t, size_t alen);

/* An address length for a family a tuple may carry: 0 for none. */
static size_t expect_alen(struct in *in, uint8_t family)
{
	if (family && family != FLOW_IPV4 && family != FLOW_IPV6)
		in->bad = true;
	return family == FLOW_IPV4 || family == FLOW_IPV6 ?
	       flow_addr_len(family) : 0;
}

int fr_get_expect(const uint8_t *p, size_t reclen, uint64_t *time_ns,
		  struct expectation **e, size_t *n)
{
	struct in in = { p + FR_FRAME_LEN, p + reclen, false };
	struct expectation *v;
	size_t count;

	*e = NULL;
	*n = 0;
	if (get(&in, 1) != FR_EXPECT)
		return -1;
	*time_ns = get(&in, 8);
	count = (size_t)get(&in, 4);
	/* Each takes 40 bytes at least: a count past that is corruption. */
	if (in.bad || count > (size_t)(in.end - in.p) / 40)
		return -1;
	if (!(v = calloc(count ? count : 1, sizeof(*v))))
		return -1;
	for (size_t i = 0; i < count && !in.bad; i++) {
		struct expectation *x = &v[i];

		size_t alen;

		x->master_family = (uint8_t)get(&in, 1);
		x->master_protonum = (uint8_t)get(&in, 1);
		get_tuple(&in, &x->master, expect_alen(&in, x->master_family));
		x->family = (uint8_t)get(&in, 1);
		x->protonum = (uint8_t)get(&in, 1);
		alen = expect_alen(&in, x->family);
		get_tuple(&in, &x->tuple, alen);
		get_tuple(&in, &x->mask, alen);
		x->timeout = (uint32_t)get(&in, 4);
		x->id = (uint32_t)get(&in, 4);
		x->flags = (uint32_t)get(&in, 4);
		x->klass = (uint32_t)get(&in, 4);
		x->zone = (uint16_t)get(&in, 2);
		get_name(&in, x->helper, sizeof(x->helper) - 1);
		get_name(&in, x->fn, sizeof(x->fn) - 1);
	}
	if (in.bad) {
		free(v);
		return -1;
	}
	*e = v;
	*n = count;
	return 0;
}

int fr_full_open(struct fr_full_reader *r, const uint8_t *p, size_t reclen)
{
	struct in in = { p + FR_FRAME_LEN, p + reclen, false };

	memset(r, 0, sizeof(*r));
	if (get(&in, 1) != FR_FULL)
		return -1;
	r->time_ns = get(&in, 8);
	r->kind = (enum fr_full_kind)get(&in, 1);
	r->items = r->left = (uint32_t)get(&in, 4);
	if (in.bad || (r->kind != FR_FULL_KEY && r->kind != FR_FULL_DELTA))
		return -1;
	r->p = in.p;
	r->end = in.end;
	return 0;
}

static void get_tuple(struct in *in, struct flow_tuple *t, size_t alen)
{
	get_bytes(in, t->src.b, alen);
	get_bytes(in, t->dst.b, alen);
	t->sport = (uint16_t)get(in, 2);
	t->dport = (uint16_t)get(in, 2);
	t->icmp_type = (uint8_t)get(in, 1);
	t->icmp_code = (uint8_t)get(in, 1);
}

static void get_flow(struct in *in, struct flow *f)
{
	unsigned int flags;
	size_t alen;

	memset(f, 0, sizeof(*f));
	f->family = (uint8_t)get(in, 1);
	f->protonum = (uint8_t)get(in, 1);
	f->has = (uint8_t)get(in, 1);
	flags = (unsigned int)get(in, 1);
	if (f->family != FLOW_IPV4 && f->family != FLOW_IPV6) {
		in->bad = true;
		return;
	}
	alen = flow_addr_len(f->family);
	get_tuple(in, &f->orig, alen);
	if (flags & FF_MIRROR) {
		f->reply.src = f->orig.dst;
		f->reply.dst = f->orig.src;
		f->reply.sport = f->orig.dport;
		f->reply.dport = f->orig.sport;
	} else {
		get_tuple(in, &f->reply, alen);
	}
	f->status = (uint32_t)get(in, 4);
	f->timeout = (uint32_t)get(in, 4);
	f->id = (uint32_t)get(in, 4);
	if (f->has & FLOW_HAS_STATE)
		f->state = (uint8_t)get(in, 1);
	if (f->has & FLOW_HAS_MARK)
		f->mark = (uint32_t)get(in, 4);
	if (f->has & FLOW_HAS_ZONE) {
		f->orig.zone = (uint16_t)get(in, 2);
		f->reply.zone = (uint16_t)get(in, 2);
	}
	if (f->has & FLOW_HAS_COUNTERS) {
		f->orig_packets = get(in, 8);
		f->orig_bytes = get(in, 8);
		f->reply_packets = get(in, 8);
		f->reply_bytes = get(in, 8);
	}
	if (f->has & FLOW_HAS_START)
		f->start_ns = get(in, 8);
	if (flags & FF_HELPER) {
		char name[256];

		get_name(in, name, 255);
		if (!in->bad)
			f->helper = intern_helper(name);
	}
	if (f->has & FLOW_HAS_LABELS) {
		uint8_t bits[256];
		size_t n = (size_t)get(in, 1);

		get_bytes(in, bits, n);
		if (!in->bad)
			f->labels = intern_labels(bits, n);
		if (!f->labels)
			f->has &= ~FLOW_HAS_LABELS;
	}
}

int fr_full_next(struct fr_full_reader *r, struct flow *f, uint64_t *gone)
{
	struct in in = { r->p, r->end, false };
	int item, ret;

	if (!r->left)
		return 0;
	item = (int)get(&in, 1);
	if (item == ITEM_FLOW) {
		get_flow(&in, f);
		ret = 1;
	} else if (item == ITEM_GONE) {
		*gone = get(&in, 8);
		ret = 2;
	} else {
		return -1;
	}
	if (in.bad)
		return -1;
	r->p = in.p;
	r->left--;
	return ret;
}
