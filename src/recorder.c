/* ctop -w FILE: the flight recorder's writing loop.
 *
 * The table is read once, then followed from conntrack events (follow.c),
 * so an interval costs a walk over the flows in memory and one statistics
 * request, not a dump: a dump of 100,000 flows is 0.3 s of CPU, 3 % of a
 * core every 10 s. A resync dump runs every hour and after lost events;
 * with nf_conntrack_events=0 every interval dumps.
 *
 * Each record goes out in one write(2) with O_APPEND. A kill between
 * records loses nothing; a kill (or a full disk) inside one leaves a cut
 * record that readers stop before, and that the next ctop -w on the same
 * file cuts away before appending.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "flightrec.h"
#include "flightrec_file.h"
#include "follow.h"
#include "recorder.h"
#include "report.h"
#include "stopsig.h"
#include "table.h"

#define RECORDER_DELAY_DEFAULT	10.0
#define RECORDER_RESYNC_S	3600.0

/* What the previous full record held: key and content hashes, sorted by
 * key, so a delta is a merge of two sorted lists. 16 bytes a flow. */
struct seen {
	uint64_t key, content;
};

struct recorder {
	const struct cli *cli;
	const struct filter *flt;
	struct table *t;
	struct follow *fw;
	struct source *src;
	int fd;
	uint64_t size;			/* bytes in the file */
	struct fr_buf buf;
	struct grouper *g[FR_DIMS];
	struct seen *prev, *cur;
	size_t nprev, ncur, capprev, capcur;
	bool have_prev;			/* the file holds a full record */
	uint64_t news, gone;		/* follow counters at the last summary */
	uint64_t last_ns;
	unsigned int top;
	struct timeouts to;
	struct report_items pol;
	uint8_t *tmo_last;		/* body of the timeouts last written */
	size_t tmo_len;			/* 0: none in this file yet */
	struct report_items exps;
	uint8_t *exp_last;		/* expectations last written, their */
	size_t exp_len;			/* timeouts zeroed; 0: none yet */
};

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int file_rotate(struct recorder *r, struct ctop_err *err);

/* Open FILE to append. An existing recording is checked and, if a kill
 * cut its last record, cut back to the last whole one first; one of an
 * older version is moved away (FILE.1), not mixed with this one's. */
static int file_open(struct recorder *r, const char *path, bool trunc,
		     struct ctop_err *err)
{
	struct fr_file old;
	struct stat st;

	r->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		     (trunc ? O_TRUNC : 0), 0644);
	if (r->fd < 0 || fstat(r->fd, &st))
		return err_set(err, CTOP_EXIT_RUNTIME, "cannot write %s: %s",
			       path, strerror(errno));
	r->size = (uint64_t)st.st_size;
	r->have_prev = false;
	r->nprev = 0;
	r->tmo_len = r->exp_len = 0;
	if (r->size == 0) {
		r->buf.len = 0;
		fr_put_header(&r->buf);
		if (r->buf.oom || write_all(r->fd, r->buf.p, r->buf.len))
			return err_set(err, CTOP_EXIT_RUNTIME,
				       "cannot write %s: %s", path,
				       strerror(errno));
		r->size = r->buf.len;
		r->buf.len = 0;
		return 0;
	}
	if (fr_file_open(&old, path, err))
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "%s; not appending to it", err->msg);
	if (old.version != FR_VERSION) {
		fprintf(stderr, "ctop: %s is a recording of format version %u: "
			"moved to %s.1, a new one begins\n", path, old.version,
			path);
		fr_file_close(&old);
		return file_rotate(r, err);
	}
	if (old.good_end < old.size) {
		fprintf(stderr, "ctop: %s; cutting it there to append\n",
			old.warning);
		if (ftruncate(r->fd, (off_t)old.good_end)) {
			fr_file_close(&old);
			return err_set(err, CTOP_EXIT_RUNTIME,
				       "cannot cut %s: %s", path,
				       strerror(errno));
		}
		r->size = old.good_end;
	}
	fr_file_close(&old);
	return 0;
}

/* Past --max-size: FILE becomes FILE.1 (replacing an older one) and a
 * new FILE starts, with a key table at its first full record. */
static int file_rotate(struct recorder *r, struct ctop_err *err)
{
	const char *path = r->cli->write;
	size_t len = strlen(path);
	char *old = malloc(len + 3);

	if (!old)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	memcpy(old, path, len);
	memcpy(old + len, ".1", 3);
	close(r->fd);
	r->fd = -1;
	if (rename(path, old)) {
		err_set(err, CTOP_EXIT_RUNTIME, "cannot rename %s to %s: %s",
			path, old, strerror(errno));
		free(old);
		return -1;
	}
	free(old);
	return file_open(r, path, true, err);
}

static int put_record(struct recorder *r, struct ctop_err *err)
{
	if (r->buf.oom)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	if (write_all(r->fd, r->buf.p, r->buf.len))
		return err_set(err, CTOP_EXIT_RUNTIME, "cannot write %s: %s",
			       r->cli->write, strerror(errno));
	r->size += r->buf.len;
	r->buf.len = 0;
	return 0;
}

/* ---- the summary ---- */

static void dimension_of(struct fr_dimension *dm, struct grouper *g,
			 unsigned int top)
{
	size_t n;
	const struct group_row *rows = group_rows(g, &n);
	uint64_t shown = 0;

	dm->n = (uint32_t)(n < top ? n : top);
	for (uint32_t i = 0; i < dm->n; i++) {
		dm->top[i].key = rows[i].key;
		dm->top[i].flows = (uint32_t)rows[i].flows;
		shown += rows[i].flows;
	}
	dm->rest_flows = group_total(g) - shown;
	dm->rest_keys = (uint32_t)(n - dm->n);
}

static int summarize(struct recorder *r, uint64_t now_ns, uint32_t interval_ms,
		     struct ctop_err *err)
{
	const struct follow_stats *fs = follow_stats(r->fw);
	struct fr_summary *s = calloc(1, sizeof(*s));
	struct table_rec *tr;
	struct table_flow tf;
	size_t cur = 0;

	if (!s)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	s->time_ns = now_ns;
	s->interval_ms = interval_ms;
	s->buckets = source_sysctl("nf_conntrack_buckets");
	if (source_stats(r->src, &s->st, err) == 0)
		s->have_stats = true;
	for (int d = 0; d < FR_DIMS; d++)
		group_reset(r->g[d]);
	while ((tr = table_next(r->t, &cur))) {
		table_view(r->t, tr, &tf);
		if (!filter_match(r->flt, &tf.f))
			continue;
		s->flows++;
		if (!(tf.f.status & FLOW_S_ASSURED))
			s->not_assured++;
		for (int d = 0; d < FR_DIMS; d++)
			group_add(r->g[d], &tf.f);
	}
	/* States are a few dozen at most: all of them, as --stats lists. */
	for (int d = 0; d < FR_DIMS; d++)
		dimension_of(&s->dim[d], r->g[d],
			     d == FR_DIM_STATE ? FR_TOP_MAX : r->top);
	/* As events told them; a resync's sweep removed the rest. */
	s->added = fs->news - r->news;
	s->removed = fs->destroys + fs->swept - r->gone;
	r->news = fs->news;
	r->gone = fs->destroys + fs->swept;
	fr_put_summary(&r->buf, s);
	free(s);
	return put_record(r, err);
}

/* ---- timeouts ---- */

/* The timeouts as the T view shows them, written when they differ from
 * the last ones in this file: about 35 sysctl reads and one policy dump
 * an interval, and a record only at the start and after a change. */
/* Whether the record just put in r->buf differs from the body kept in
 * *last (then kept instead): 1, 0 (the buffer emptied again), -1 out of
 * memory. */
static int record_changed(struct recorder *r, uint8_t **last, size_t *nlast)
{
	size_t body = fr_body_offset(&r->buf), len = r->buf.len - body;
	uint8_t *copy;

	if (r->buf.oom)
		return -1;
	if (*nlast == len && !memcmp(*last, r->buf.p + body, len)) {
		r->buf.len = r->buf.start;
		return 0;
	}
	if (!(copy = realloc(*last, len ? len : 1)))
		return -1;
	memcpy(copy, r->buf.p + body, len);
	*last = copy;
	*nlast = len;
	return 1;
}

static int timeouts_record(struct recorder *r, uint64_t now_ns,
			   struct ctop_err *err)
{
	struct ctop_err perr = { 0 };
	bool have_pol;
	int c;

	timeouts_read(&r->to, NULL);
	/* Without cttimeout (no module, no permission) the sysctls still
	 * count; the record says the policies were not read. */
	have_pol = report_read_policies(&r->pol, &perr) == 0 && !r->pol.oom;
	fr_put_timeouts(&r->buf, now_ns, &r->to, have_pol, r->pol.v,
			have_pol ? r->pol.n : 0);
	if ((c = record_changed(r, &r->tmo_last, &r->tmo_len)) < 0)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	return c ? put_record(r, err) : 0;
}

/* The expectation table, one dump an interval (helpers make a few at a
 * time); written when it changed other than its timeouts counting down.
 * A kernel that refuses the dump records none. */
static int expect_record(struct recorder *r, uint64_t now_ns,
			 struct ctop_err *err)
{
	struct ctop_err eerr = { 0 };
	int c;

	if (report_read_expectations(&r->exps, &eerr) || r->exps.oom)
		return 0;
	fr_put_expect(&r->buf, now_ns, r->exps.v, r->exps.n, true);
	if ((c = record_changed(r, &r->exp_last, &r->exp_len)) <= 0)
		return c < 0 ? err_set(err, CTOP_EXIT_RUNTIME, "out of memory") : 0;
	r->buf.len = r->buf.start;
	fr_put_expect(&r->buf, now_ns, r->exps.v, r->exps.n, false);
	return put_record(r, err);
}

/* ---- full records ---- */

static int seen_cmp(const void *pa, const void *pb)
{
	const struct seen *a = pa, *b = pb;

	return a->key < b->key ? -1 : a->key > b->key;
}

static const struct seen *seen_find(const struct seen *v, size_t n,
				    uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].key == key ? &v[lo] : NULL;
}

static int seen_push(struct recorder *r, uint64_t key, uint64_t content)
{
	if (r->ncur == r->capcur) {
		size_t cap = r->capcur ? r->capcur * 2 : 4096;
		struct seen *v = realloc(r->cur, cap * sizeof(*v));

		if (!v)
			return -1;
		r->cur = v;
		r->capcur = cap;
	}
	r->cur[r->ncur].key = key;
	r->cur[r->ncur++].content = content;
	return 0;
}

/* The whole table (a key table) or what changed since the file's last
 * full record (a delta): flows new or changed, then the keys gone. */
static int full_table(struct recorder *r, uint64_t now_ns,
		      struct ctop_err *err)
{
	uint64_t now_ms = clock_monotonic_ms();
	bool delta = r->have_prev;
	struct table_rec *tr;
	struct table_flow tf;
	size_t cur = 0, i, j;
	struct seen *swap;

	r->ncur = 0;
	fr_full_begin(&r->buf, now_ns, delta ? FR_FULL_DELTA : FR_FULL_KEY);
	while ((tr = table_next(r->t, &cur))) {
		struct flow f;
		uint64_t key, content, age;
		const struct seen *old;

		table_view(r->t, tr, &tf);
		f = tf.f;
		if (!filter_match(r->flt, &f))
			continue;
		/* The timeout as it is now, not when the flow was read. */
		age = (now_ms - table_written_ms(r->t, tr, now_ms)) / 1000;
		f.timeout = f.timeout > age ? f.timeout - (uint32_t)age : 0;
		key = fr_key_hash(&f);
		content = fr_content_hash(&f);
		if (seen_push(r, key, content))
			return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		old = delta ? seen_find(r->prev, r->nprev, key) : NULL;
		if (!old || old->content != content)
			fr_full_flow(&r->buf, &f);
	}
	qsort(r->cur, r->ncur, sizeof(*r->cur), seen_cmp);
	/* Gone: in the previous list, not in this one. */
	for (i = j = 0; delta && i < r->nprev; i++) {
		while (j < r->ncur && r->cur[j].key < r->prev[i].key)
			j++;
		if (j == r->ncur || r->cur[j].key != r->prev[i].key)
			fr_full_gone(&r->buf, r->prev[i].key);
	}
	fr_full_end(&r->buf);
	swap = r->prev;
	r->prev = r->cur;
	r->nprev = r->ncur;
	r->cur = swap;
	i = r->capprev;
	r->capprev = r->capcur;
	r->capcur = i;
	r->have_prev = true;
	return put_record(r, err);
}

/* ---- the loop ---- */

static int tick(struct recorder *r, long i, struct ctop_err *err)
{
	uint64_t now_ns = clock_realtime_ns();
	uint32_t interval_ms = r->last_ns ?
		(uint32_t)((now_ns - r->last_ns) / 1000000u) : 0;
	bool fresh = false;

	if (r->cli->max_size && r->size >= (uint64_t)r->cli->max_size) {
		if (file_rotate(r, err))
			return -1;
		fresh = true;
	}
	if (!follow_events_on(r->fw) && i && follow_resync(r->fw, err) < 0)
		return -1;
	if (summarize(r, now_ns, interval_ms, err) ||
	    timeouts_record(r, now_ns, err) || expect_record(r, now_ns, err))
		return -1;
	/* A new file gets a table at once, not only N intervals later. */
	if (r->cli->full_every && (i % r->cli->full_every == 0 || fresh) &&
	    full_table(r, now_ns, err))
		return -1;
	r->last_ns = now_ns;
	return 0;
}

static int record_loop(struct recorder *r, const sigset_t *mask,
		       struct ctop_err *err)
{
	double delay = r->cli->delay_set ? r->cli->delay : RECORDER_DELAY_DEFAULT;
	uint64_t step = (uint64_t)(delay * 1000.0), next = clock_monotonic_ms();

	for (long i = 0; !stopsig_caught(); i++) {
		uint64_t now;

		if (tick(r, i, err))
			return -1;
		if (r->cli->iterations > 0 && i + 1 >= r->cli->iterations)
			break;
		next += step;
		while (!stopsig_caught() && (now = clock_monotonic_ms()) < next) {
			stopsig_wait_fd(follow_fd(r->fw), (long)(next - now),
					mask);
			if (follow_poll(r->fw, err) < 0)
				return -1;
		}
		/* Asleep (suspend) or starved: start again from now. */
		if (clock_monotonic_ms() > next + step)
			next = clock_monotonic_ms();
	}
	return 0;
}

int recorder_run(const struct cli *cli, struct source *src,
		 const struct filter *flt, struct ctop_err *err)
{
	struct follow_opts opts = {
		.rcvbuf = (size_t)cli->buffer_size,
		.resync_s = RECORDER_RESYNC_S,
	};
	struct recorder r = {
		.cli = cli, .flt = flt, .src = src, .fd = -1,
		.top = cli->top ? (unsigned int)cli->top : FR_TOP_DEFAULT,
	};
	int status = CTOP_EXIT_RUNTIME;
	sigset_t mask;

	if (cli->top > FR_TOP_MAX)
		return err_set(err, CTOP_EXIT_USAGE,
			       "-w keeps at most --top %d keys per summary",
			       FR_TOP_MAX), CTOP_EXIT_USAGE;
	stopsig_setup(&mask);
	for (int d = 0; d < FR_DIMS; d++)
		if (!(r.g[d] = group_new(fr_dim_group((enum fr_dim)d)))) {
			err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
			goto out;
		}
	if (!(r.t = table_new())) {
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		goto out;
	}
	if (file_open(&r, cli->write, false, err))
		goto out;
	if (!(r.fw = follow_new(r.t, src, &opts, err)) ||
	    follow_start(r.fw, err) < 0)
		goto out;
	if (!follow_events_on(r.fw))
		fputs("ctop: warning: net.netfilter.nf_conntrack_events is 0: "
		      "every interval dumps the table\n", stderr);
	if (record_loop(&r, &mask, err) == 0)
		status = CTOP_EXIT_OK;
out:
	if (r.fd >= 0)
		close(r.fd);
	follow_free(r.fw);
	table_free(r.t);
	for (int d = 0; d < FR_DIMS; d++)
		group_free(r.g[d]);
	fr_buf_free(&r.buf);
	free(r.prev);
	free(r.cur);
	free(r.pol.v);
	free(r.tmo_last);
	free(r.exps.v);
	free(r.exp_last);
	return status;
}
