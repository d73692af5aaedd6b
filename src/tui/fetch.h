/* The dump worker: full dumps (or a replay) on a thread of their own,
 * handed over in batches. It knows nothing of the screen: the sync
 * (sync.c) takes the batches and applies them. */
#ifndef CTOP_TUI_FETCH_H
#define CTOP_TUI_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../err.h"
#include "../flow.h"
#include "../source.h"

/* Batches queued at most: a worker that runs ahead waits. */
#define FETCH_QUEUE_MAX 16

struct fetch_batch {
	struct fetch_batch *next;
	size_t n;
	bool last;		/* the dump ended after these flows */
	bool failed;
	char msg[sizeof(((struct ctop_err *)0)->msg)];
	struct flow v[];
};

struct fetch;

struct fetch *fetch_new(struct source *src, const char *replay, int wake_fd);
void fetch_free(struct fetch *f);
/* Ask for a dump; false if one is under way or nothing is left to read
 * (a replay reads once). */
bool fetch_request(struct fetch *f);
/* A file read once may be read again (r on a table from a file): the
 * next fetch_request() reads it anew. False while a read is under way. */
bool fetch_reread(struct fetch *f);
bool fetch_busy(struct fetch *f);
/* A flight recording: read the table at AT_NS from now on, and allow one
 * more read (the next fetch_request). */
void fetch_replay_at(struct fetch *f, uint64_t at_ns);
/* The next batch the worker filled, or NULL; give it back with
 * fetch_done once applied. */
struct fetch_batch *fetch_take(struct fetch *f);
void fetch_done(struct fetch *f, struct fetch_batch *b);

#endif
