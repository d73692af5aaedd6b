/* The dump worker.
 *
 * A full dump of a million entries takes seconds in the kernel, so it runs
 * in its own thread on its own netlink socket while the screen stays live.
 * The worker hands flows over in batches through a short queue; the UI
 * thread applies each batch to the table as it arrives (an open sweep, so
 * flows the dump did not see go away at its end). With events on, dumps
 * only resynchronize (sync.c says when, and applies what comes). The
 * queue is bounded:
 * a worker that runs ahead waits, so memory stays at a few batches
 * however large the table is.
 *
 * Batches are mapped, not allocated: freed by another thread than the one
 * that allocated them, malloc'd batches would leave megabytes resident in
 * the worker's arena after the dump. Applied batches go back to a spare
 * list for the worker's next ones, and the spares are unmapped when the
 * dump is over.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "../source_read.h"
#include "../flightrec_file.h"
#include "fetch.h"

/* Small batches: the UI thread applies each as it comes, while the
 * kernel fills the next, so when the dump ends only the last one is left
 * between it and the first screen. At most 32768 flows (4.7 MB) queued. */
#define BATCH_FLOWS 2048
#define QUEUE_MAX FETCH_QUEUE_MAX
#define BATCH_BYTES (sizeof(struct fetch_batch) + BATCH_FLOWS * sizeof(struct flow))

struct fetch {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	struct source *src;
	const char *replay;
	int wake_fd;
	bool stop, want, busy, replayed;
	bool timed;			/* a flight recording, read at at_ns */
	uint64_t at_ns;
	struct fetch_batch *head, *tail;
	size_t queued;
	struct fetch_batch *spare;	/* applied batches, for reuse */
	struct fetch_batch *cur;	/* the batch being filled (worker only) */
};

static void fbatch_unmap(struct fetch_batch *b)
{
	if (b)
		munmap(b, BATCH_BYTES);
}

static void wake(struct fetch *f)
{
	if (f->wake_fd >= 0 && write(f->wake_fd, "f", 1) < 0) {
		/* A full pipe is already a wakeup. */
	}
}

/* Queue the current batch; waits while the queue is full. Returns -1 on
 * stop. Called with the lock held. */
static int push(struct fetch *f, struct fetch_batch *b)
{
	while (!f->stop && f->queued >= QUEUE_MAX)
		pthread_cond_wait(&f->cond, &f->lock);
	if (f->stop) {
		fbatch_unmap(b);
		return -1;
	}
	b->next = NULL;
	if (f->tail)
		f->tail->next = b;
	else
		f->head = b;
	f->tail = b;
	f->queued++;
	wake(f);
	return 0;
}

/* A batch to fill: a spare one, or a new mapping. */
static struct fetch_batch *fbatch_new(struct fetch *f)
{
	struct fetch_batch *b;

	pthread_mutex_lock(&f->lock);
	b = f->spare;
	if (b)
		f->spare = b->next;
	pthread_mutex_unlock(&f->lock);
	if (!b) {
		b = mmap(NULL, BATCH_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (b == MAP_FAILED)
			return NULL;
	}
	b->n = 0;
	b->last = b->failed = false;
	b->msg[0] = '\0';
	return b;
}

/* An applied batch goes back to the spares; the last one of a dump
 * unmaps them all, as the worker needs none until the next dump. */
void fetch_done(struct fetch *f, struct fetch_batch *b)
{
	struct fetch_batch *list = NULL;

	pthread_mutex_lock(&f->lock);
	if (b->last) {
		list = f->spare;
		f->spare = NULL;
	} else {
		b->next = f->spare;
		f->spare = b;
		b = NULL;
	}
	pthread_mutex_unlock(&f->lock);
	fbatch_unmap(b);
	while (list) {
		b = list;
		list = b->next;
		fbatch_unmap(b);
	}
}

static int on_flow(const struct flow *fl, void *data)
{
	struct fetch *f = data;
	int r = 0;

	if (!f->cur && !(f->cur = fbatch_new(f)))
		return 1;
	f->cur->v[f->cur->n++] = *fl;
	if (f->cur->n == BATCH_FLOWS) {
		pthread_mutex_lock(&f->lock);
		r = push(f, f->cur);
		pthread_mutex_unlock(&f->lock);
		f->cur = NULL;
	}
	return r ? 1 : 0;
}

static void dump_one(struct fetch *f)
{
	struct ctop_err err = { 0 };
	struct fetch_batch *b;
	uint64_t at;
	bool timed;
	int r;

	f->cur = NULL;
	pthread_mutex_lock(&f->lock);
	timed = f->timed;
	at = f->at_ns;
	pthread_mutex_unlock(&f->lock);
	if (timed)
		r = fr_path_table_at(f->replay, at, on_flow, f, &err);
	else if (f->replay)
		r = source_read(f->replay, on_flow, f, NULL, &err);
	else
		r = source_dump(f->src, NULL, on_flow, f, &err);
	b = f->cur ? f->cur : fbatch_new(f);
	f->cur = NULL;
	pthread_mutex_lock(&f->lock);
	if (!b) {
		/* Out of memory: the UI still has to close its sweep. */
		f->busy = false;
		pthread_mutex_unlock(&f->lock);
		return;
	}
	b->last = true;
	if (r) {
		b->failed = true;
		snprintf(b->msg, sizeof(b->msg), "%s",
			 err.msg[0] ? err.msg : "dump failed");
	}
	push(f, b);
	f->busy = false;
	pthread_mutex_unlock(&f->lock);
}

static void *worker(void *arg)
{
	struct fetch *f = arg;

	pthread_mutex_lock(&f->lock);
	for (;;) {
		while (!f->stop && !f->want)
			pthread_cond_wait(&f->cond, &f->lock);
		if (f->stop)
			break;
		f->want = false;
		pthread_mutex_unlock(&f->lock);
		dump_one(f);
		pthread_mutex_lock(&f->lock);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

struct fetch *fetch_new(struct source *src, const char *replay, int wake_fd)
{
	struct fetch *f = calloc(1, sizeof(*f));
	sigset_t all, old;
	int rc;

	if (!f)
		return NULL;
	f->src = src;
	f->replay = replay;
	f->wake_fd = wake_fd;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	/* Signals go to the UI thread, which owns the self-pipe. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&f->thread, NULL, worker, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		pthread_mutex_destroy(&f->lock);
		pthread_cond_destroy(&f->cond);
		free(f);
		return NULL;
	}
	return f;
}

void fetch_free(struct fetch *f)
{
	struct fetch_batch *b;

	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	/* A dump in progress notices stop at its next batch. */
	pthread_join(f->thread, NULL);
	while ((b = f->head)) {
		f->head = b->next;
		fbatch_unmap(b);
	}
	while ((b = f->spare)) {
		f->spare = b->next;
		fbatch_unmap(b);
	}
	fbatch_unmap(f->cur);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	free(f);
}

bool fetch_request(struct fetch *f)
{
	bool ok = false;

	pthread_mutex_lock(&f->lock);
	if (!f->busy && !f->want && !f->head && !(f->replay && f->replayed)) {
		f->want = f->busy = true;
		f->replayed = true;
		pthread_cond_signal(&f->cond);
		ok = true;
	}
	pthread_mutex_unlock(&f->lock);
	return ok;
}

bool fetch_reread(struct fetch *f)
{
	bool ok;

	pthread_mutex_lock(&f->lock);
	ok = f->replay && !f->busy && !f->want && !f->head;
	if (ok)
		f->replayed = false;
	pthread_mutex_unlock(&f->lock);
	return ok;
}

void fetch_replay_at(struct fetch *f, uint64_t at_ns)
{
	pthread_mutex_lock(&f->lock);
	f->timed = true;
	f->at_ns = at_ns;
	f->replayed = false;
	pthread_mutex_unlock(&f->lock);
}

bool fetch_busy(struct fetch *f)
{
	bool busy;

	pthread_mutex_lock(&f->lock);
	busy = f->busy || f->head;
	pthread_mutex_unlock(&f->lock);
	return busy;
}

struct fetch_batch *fetch_take(struct fetch *f)
{
	struct fetch_batch *b;

	pthread_mutex_lock(&f->lock);
	b = f->head;
	if (b) {
		f->head = b->next;
		if (!f->head)
			f->tail = NULL;
		f->queued--;
		pthread_cond_broadcast(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
	return b;
}
