/* Reading a flight recording. The file is mapped, not read: opening a
 * day's recording only walks the record frames (and checks their crc),
 * and a jump touches the records it needs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flightrec_file.h"
#include "read_in.h"
#include "timeparse.h"

int fr_file_sniff(const char *path)
{
	uint8_t head[FR_HEADER_LEN];
	unsigned int version;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0)
		return -1;
	return fr_header_check(head, (size_t)n, &version) != 0;
}

static int push(struct fr_file *f, size_t *cap, const struct fr_entry *e)
{
	if (f->n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		struct fr_entry *v = realloc(f->rec, c * sizeof(*v));

		if (!v)
			return -1;
		f->rec = v;
		*cap = c;
	}
	f->rec[f->n++] = *e;
	return 0;
}

/* One pass over the frames; stops at the first record that is not
 * whole, saying why in f->warning. */
static int index_records(struct fr_file *f, const char *path)
{
	size_t off = FR_HEADER_LEN, cap = 0, reclen = 0;
	enum fr_rec r = FR_REC_OK;
	char when[32] = "the start";

	while (off < f->size) {
		struct fr_entry e = { .off = off };
		enum fr_type type;

		r = fr_record_check(f->map + off, f->size - off, &reclen);
		if (r != FR_REC_OK)
			break;
		if (fr_record_head(f->map + off, reclen, &type, &e.time_ns)) {
			r = FR_REC_BAD;
			break;
		}
		e.len = reclen;
		e.type = (uint8_t)type;
		if (type == FR_FULL && reclen > FR_FRAME_LEN + 9)
			e.kind = f->map[off + FR_FRAME_LEN + 9];
		if (push(f, &cap, &e))
			return -1;
		off += reclen;
	}
	f->good_end = off;
	if (off < f->size) {
		if (f->n)
			timeparse_format(when, sizeof(when),
				   f->rec[f->n - 1].time_ns);
		snprintf(f->warning, sizeof(f->warning),
			 "%s: %s after record %zu (%s): %zu bytes not read",
			 path, r == FR_REC_CUT ? "cut off mid-record" :
			 "a damaged record", f->n, when, f->size - off);
	}
	return 0;
}

/* The places of the records of TYPE, in time order. Records of a type
 * this reader does not know are indexed by their frame and never read. */
static int index_type(const struct fr_file *f, enum fr_type type,
		      size_t **idx, size_t *n)
{
	size_t k = 0;

	for (size_t i = 0; i < f->n; i++)
		k += f->rec[i].type == type;
	*idx = malloc((k ? k : 1) * sizeof(**idx));
	if (!*idx)
		return -1;
	*n = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->rec[i].type == type)
			(*idx)[(*n)++] = i;
	return 0;
}

static int index_summaries(struct fr_file *f)
{
	return index_type(f, FR_SUMMARY, &f->summ, &f->nsumm) ||
	       index_type(f, FR_TIMEOUTS, &f->tmo, &f->ntmo) ||
	       index_type(f, FR_EXPECT, &f->exp, &f->nexp);
}

/* Check the header and index the records of f->map. */
static int fr_file_parse(struct fr_file *f, const char *name,
			 struct ctop_err *err)
{
	unsigned int version = 0;
	int hc = fr_header_check(f->map, f->size, &version);

	if (hc <= 0) {
		fr_file_close(f);
		if (hc < 0)
			return err_set(err, CTOP_EXIT_RUNTIME,
				       "%s is a flight recording of version %u; this ctop reads versions 1 to %d",
				       name, version, FR_VERSION);
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "%s is not a ctop flight recording", name);
	}
	f->version = version;
	if (index_records(f, name) || index_summaries(f)) {
		fr_file_close(f);
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	}
	return 0;
}

int fr_file_open(struct fr_file *f, const char *path, struct ctop_err *err)
{
	struct stat st;
	void *map;
	int fd;

	memset(f, 0, sizeof(*f));
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		err_set(err, CTOP_EXIT_RUNTIME, "cannot read %s: %s", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_size < FR_HEADER_LEN) {
		close(fd);
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "%s is not a ctop flight recording (too short)", path);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return err_set(err, CTOP_EXIT_RUNTIME, "cannot read %s: %s",
			       path, strerror(errno));
	f->map = map;
	f->size = (size_t)st.st_size;
	return fr_file_parse(f, path, err);
}

int fr_file_open_mem(struct fr_file *f, uint8_t *buf, size_t len,
		     const char *name, struct ctop_err *err)
{
	memset(f, 0, sizeof(*f));
	f->map = buf;
	f->size = len;
	f->owned = true;
	return fr_file_parse(f, name, err);
}

void fr_file_close(struct fr_file *f)
{
	if (f->owned)
		free((void *)f->map);
	else if (f->map)
		munmap((void *)f->map, f->size);
	free(f->rec);
	free(f->summ);
	free(f->tmo);
	free(f->exp);
	memset(f, 0, sizeof(*f));
}

uint64_t fr_file_first_ns(const struct fr_file *f)
{
	return f->n ? f->rec[0].time_ns : 0;
}

uint64_t fr_file_last_ns(const struct fr_file *f)
{
	return f->n ? f->rec[f->n - 1].time_ns : 0;
}

/* In IDX (places in rec, in time order), the last one at or before T:
 * the first one later than T, then one back; -1 if none. */
static long last_at(const struct fr_file *f, const size_t *idx, size_t n,
		    uint64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->rec[idx[mid]].time_ns <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

long fr_file_summary_at(const struct fr_file *f, uint64_t t)
{
	return last_at(f, f->summ, f->nsumm, t);
}

int fr_file_timeouts_at(const struct fr_file *f, uint64_t t,
			struct fr_timeouts *out)
{
	long i = last_at(f, f->tmo, f->ntmo, t);
	const struct fr_entry *e;

	memset(out, 0, sizeof(*out));
	if (i < 0)
		return 0;
	e = &f->rec[f->tmo[i]];
	return fr_get_timeouts(f->map + e->off, e->len, out) ? -1 : 1;
}

int fr_file_summary(const struct fr_file *f, size_t i, struct fr_summary *s)
{
	const struct fr_entry *e = &f->rec[f->summ[i]];

	return fr_get_summary(f->map + e->off, e->len, s);
}

int fr_file_expect_at(const struct fr_file *f, uint64_t t,
		      struct expectation **e, size_t *n)
{
	long i = last_at(f, f->exp, f->nexp, t);
	const struct fr_entry *r;
	uint64_t rec_ns, age;

	*e = NULL;
	*n = 0;
	if (i < 0)
		return 0;
	r = &f->rec[f->exp[i]];
	if (fr_get_expect(f->map + r->off, r->len, &rec_ns, e, n))
		return -1;
	age = t > rec_ns ? (t - rec_ns) / 1000000000u : 0;
	for (size_t k = 0; k < *n; k++)
		(*e)[k].timeout = (*e)[k].timeout > age ?
				  (*e)[k].timeout - (uint32_t)age : 0;
	return 1;
}

/* ---- the table at an instant ---- */

/* Flows by key hash: open addressing over a dense array; a removed flow
 * is marked dead and its slot kept (a rebuild happens per jump). A slot
 * holds the flow's index and the high half of its hash, so a probe
 * touches one cache line, not two. Sized once from the records' item
 * counts (an upper bound: untouched pages of the arrays cost nothing). */
struct slot {
	uint32_t idx;		/* 0 empty, else index + 1 */
	uint32_t hi;		/* hash >> 32 */
};

struct rebuild {
	struct flow *flows;
	uint64_t *hash;
	bool *dead;
	size_t n, cap;
	struct slot *slot;
	size_t nslot;		/* a power of two, at most half full */
};

/* The home slot of hash h: FNV's low bits cluster for tuples that
 * differ in a byte or two, so they are mixed first. */
static size_t home(const struct rebuild *r, uint64_t h)
{
	return (size_t)((h * 0x9e3779b97f4a7c15ULL) >> 32) & (r->nslot - 1);
}

static void rebuild_insert(struct rebuild *r, size_t i)
{
	size_t k = home(r, r->hash[i]);

	while (r->slot[k].idx)
		k = (k + 1) & (r->nslot - 1);
	r->slot[k].idx = (uint32_t)(i + 1);
	r->slot[k].hi = (uint32_t)(r->hash[i] >> 32);
}

/* Room for at least WANT flows. */
static int rebuild_grow(struct rebuild *r, size_t want)
{
	size_t cap = r->cap ? r->cap : 4096, ns = 2;
	struct flow *fl;
	uint64_t *h;
	bool *d;

	while (cap < want)
		cap *= 2;
	if (cap == r->cap)
		cap *= 2;
	/* An index is 32 bits: a record holds fewer items than that. */
	if (cap > UINT32_MAX / 2)
		return -1;
	while (ns < cap * 2)
		ns *= 2;
	if (!(fl = realloc(r->flows, cap * sizeof(*fl))))
		return -1;
	r->flows = fl;
	if (!(h = realloc(r->hash, cap * sizeof(*h))))
		return -1;
	r->hash = h;
	if (!(d = realloc(r->dead, cap * sizeof(*d))))
		return -1;
	r->dead = d;
	r->cap = cap;
	free(r->slot);
	r->slot = calloc(ns, sizeof(*r->slot));
	if (!r->slot)
		return -1;
	r->nslot = ns;
	for (size_t i = 0; i < r->n; i++)
		rebuild_insert(r, i);
	return 0;
}

/* The slot of hash h: holding it, or the empty one where it would go. */
static size_t rebuild_find(const struct rebuild *r, uint64_t h)
{
	size_t k = home(r, h);
	uint32_t hi = (uint32_t)(h >> 32);

	while (r->slot[k].idx && (r->slot[k].hi != hi ||
				  r->hash[r->slot[k].idx - 1] != h))
		k = (k + 1) & (r->nslot - 1);
	return k;
}

static int rebuild_put(struct rebuild *r, const struct flow *f)
{
	uint64_t h = fr_key_hash(f);
	size_t k;

	if (r->n == r->cap && rebuild_grow(r, r->n + 1))
		return -1;
	k = rebuild_find(r, h);
	if (r->slot[k].idx) {
		r->flows[r->slot[k].idx - 1] = *f;
		r->dead[r->slot[k].idx - 1] = false;
		return 0;
	}
	r->flows[r->n] = *f;
	r->hash[r->n] = h;
	r->dead[r->n] = false;
	r->slot[k].idx = (uint32_t)(r->n + 1);
	r->slot[k].hi = (uint32_t)(h >> 32);
	r->n++;
	return 0;
}

static void rebuild_gone(struct rebuild *r, uint64_t h)
{
	size_t k;

	if (!r->nslot)
		return;
	k = rebuild_find(r, h);
	if (r->slot[k].idx)
		r->dead[r->slot[k].idx - 1] = true;
}

static void rebuild_free(struct rebuild *r)
{
	free(r->flows);
	free(r->hash);
	free(r->dead);
	free(r->slot);
}

/* Timeouts count down from the record that wrote each flow to the
 * table's instant. */
static int apply_full(struct rebuild *r, const struct fr_file *f, size_t i,
		      uint64_t table_ns, struct ctop_err *err)
{
	const struct fr_entry *e = &f->rec[i];
	struct fr_full_reader rd;
	uint64_t gone, age = (table_ns - e->time_ns) / 1000000000u;
	struct flow fl;
	int k;

	if (fr_full_open(&rd, f->map + e->off, e->len))
		return err_set(err, CTOP_EXIT_RUNTIME, "a damaged full record");
	while ((k = fr_full_next(&rd, &fl, &gone)) > 0) {
		if (k == 2) {
			rebuild_gone(r, gone);
			continue;
		}
		fl.timeout = fl.timeout > age ? fl.timeout - (uint32_t)age : 0;
		if (rebuild_put(r, &fl))
			return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	}
	if (k < 0)
		return err_set(err, CTOP_EXIT_RUNTIME, "a damaged full record");
	return 0;
}

/* The last key table at or before T and the last full record (key or
 * delta) after it and at or before T. */
static bool full_at(const struct fr_file *f, uint64_t t, size_t *key,
		    size_t *last)
{
	*key = *last = f->n;
	for (size_t i = 0; i < f->n && f->rec[i].time_ns <= t; i++) {
		if (f->rec[i].type != FR_FULL)
			continue;
		*last = i;
		if (f->rec[i].kind == FR_FULL_KEY)
			*key = i;
	}
	return *key < f->n;
}

bool fr_file_table_time(const struct fr_file *f, uint64_t t,
			uint64_t *table_ns)
{
	size_t key, last;

	if (!full_at(f, t, &key, &last))
		return false;
	*table_ns = f->rec[last].time_ns;
	return true;
}

int fr_file_table_at(const struct fr_file *f, uint64_t t, uint64_t *table_ns,
		     int (*fn)(const struct flow *f, void *data), void *data,
		     struct ctop_err *err)
{
	struct rebuild r = { 0 };
	size_t last, key, want = 0;
	int ret = 1;

	if (!full_at(f, t, &key, &last))
		return 0;
	*table_ns = f->rec[last].time_ns;
	/* Sized once: every item a flow at most. */
	for (size_t i = key; i <= last; i++) {
		struct fr_full_reader rd;

		/* An item takes 9 bytes at least, whatever a count says. */
		if (f->rec[i].type == FR_FULL &&
		    fr_full_open(&rd, f->map + f->rec[i].off, f->rec[i].len) == 0)
			want += rd.items < f->rec[i].len / 9 ?
				rd.items : f->rec[i].len / 9;
	}
	if (want && rebuild_grow(&r, want)) {
		rebuild_free(&r);
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	}
	for (size_t i = key; i <= last && ret == 1; i++)
		if (f->rec[i].type == FR_FULL &&
		    apply_full(&r, f, i, *table_ns, err))
			ret = -1;
	for (size_t i = 0; i < r.n && ret == 1; i++) {
		int stop;

		if (r.dead[i])
			continue;
		stop = fn(&r.flows[i], data);
		if (stop)
			ret = stop;
	}
	rebuild_free(&r);
	return ret;
}

int fr_path_table_at(const char *path, uint64_t t,
		     int (*fn)(const struct flow *f, void *data), void *data,
		     struct ctop_err *err)
{
	struct fr_file f;
	uint64_t table_ns;
	int r;

	if (fr_file_open(&f, path, err))
		return -1;
	r = fr_file_table_at(&f, t, &table_ns, fn, data, err);
	fr_file_close(&f);
	return r < 0 ? -1 : 0;
}

/* ---- as one of source_read's readers ---- */

bool fr_stream_detect(const char *head, size_t n)
{
	unsigned int version;

	return fr_header_check((const uint8_t *)head, n, &version) != 0;
}

struct counted {
	int (*fn)(const struct flow *f, void *data);
	void *data;
	uint64_t *flows;
};

static int count_flow(const struct flow *f, void *data)
{
	struct counted *c = data;

	(*c->flows)++;
	return c->fn(f, c->data);
}

int fr_stream_read(struct read_in *in, int (*fn)(const struct flow *f, void *data),
		   void *data, uint64_t *flows, struct ctop_err *err)
{
	struct counted c = { fn, data, flows };
	size_t len = 0, cap = 1 << 20, n;
	uint8_t *buf = malloc(cap), *p;
	uint64_t table_ns;
	struct fr_file f;
	int r;

	while (buf && (n = read_in_read(in, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			p = realloc(buf, cap * 2);
			if (!p) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (!buf)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	if (in->error) {
		free(buf);
		return err_set(err, CTOP_EXIT_RUNTIME, "cannot read %s: %s",
			       in->name, strerror(in->err_no));
	}
	if (fr_file_open_mem(&f, buf, len, in->name, err))
		return -1;
	if (f.warning[0])
		fprintf(stderr, "ctop: warning: %s\n", f.warning);
	r = fr_file_table_at(&f, UINT64_MAX, &table_ns, count_flow, &c, err);
	fr_file_close(&f);
	if (r == 0)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "%s is a flight recording without a full table "
			       "(recorded without --full-every): read it with "
			       "--at or --from in batch", in->name);
	return r < 0 ? -1 : 0;
}
