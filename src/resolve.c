/* Asynchronous reverse DNS.
 *
 * getnameinfo() can block for seconds on an unreachable server, so it runs
 * in one worker thread, never in the caller's. The caller's lookup only
 * touches the cache under a mutex: a hit copies the name, a miss puts the
 * address in a bounded ring (dropped when full: the screen asks again on
 * its next draw) and marks it pending so it is queued once.
 *
 * The worker makes at most `rate` queries a second, so a screen full of
 * fresh addresses does not flood the resolver. The cache is open
 * addressing with linear probing; when it gets half full it is emptied
 * rather than evicted entry by entry (names are cheap to ask again, and
 * a screen shows a few dozen addresses at a time).
 *
 * Shutdown must not wait for a query stuck in the resolver (quitting the
 * screen would hang for the DNS timeout), so resolve_free() detaches a
 * busy worker and the worker frees the shared state when its query ends.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "resolve.h"

#define RESOLVE_SLOTS 8192u	/* power of two */
#define RESOLVE_MAX_USED (RESOLVE_SLOTS / 2)
#define RESOLVE_QUEUE 256u
#define RESOLVE_NAME 96

enum slot_state { SLOT_EMPTY = 0, SLOT_PENDING, SLOT_DONE, SLOT_NONAME };

struct slot {
	union flow_addr addr;
	uint8_t family;
	uint8_t state;
	char name[RESOLVE_NAME];
};

struct qitem {
	union flow_addr addr;
	uint8_t family;
};

struct resolver {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	struct slot *slots;
	size_t used;
	struct qitem queue[RESOLVE_QUEUE];
	size_t qhead, qlen;
	uint64_t version;
	unsigned rate;
	int wake_fd;
	bool stop, busy, detached;
};

static uint32_t addr_hash(uint8_t family, const union flow_addr *a)
{
	uint32_t h = 2166136261u ^ family;

	for (size_t i = 0; i < sizeof(a->b); i++)
		h = (h ^ a->b[i]) * 16777619u;
	return h;
}

/* The slot holding A, or the empty slot where it would go. */
static struct slot *slot_find(struct resolver *r, uint8_t family,
			      const union flow_addr *a)
{
	uint32_t i = addr_hash(family, a) & (RESOLVE_SLOTS - 1);

	for (;;) {
		struct slot *s = &r->slots[i];

		if (s->state == SLOT_EMPTY ||
		    (s->family == family && !memcmp(&s->addr, a, sizeof(*a))))
			return s;
		i = (i + 1) & (RESOLVE_SLOTS - 1);
	}
}

static void cache_clear(struct resolver *r)
{
	memset(r->slots, 0, RESOLVE_SLOTS * sizeof(*r->slots));
	r->used = 0;
}

/* Store an answer; the slot may have been cleared meanwhile. */
static void cache_store(struct resolver *r, const struct qitem *q,
			const char *name)
{
	struct slot *s = slot_find(r, q->family, &q->addr);

	if (s->state == SLOT_EMPTY) {
		if (r->used >= RESOLVE_MAX_USED)
			cache_clear(r);
		s = slot_find(r, q->family, &q->addr);
		s->family = q->family;
		s->addr = q->addr;
		r->used++;
	}
	if (name) {
		size_t n = strnlen(name, RESOLVE_NAME - 1);

		memcpy(s->name, name, n);
		s->name[n] = '\0';
		s->state = SLOT_DONE;
	} else {
		s->state = SLOT_NONAME;
	}
}

/* One query; NULL when the address has no name. */
static const char *query(const struct qitem *q, char *host, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	memset(&ss, 0, sizeof(ss));
	if (q->family == FLOW_IPV4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, q->addr.b, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, q->addr.b, 16);
		sl = sizeof(*sin6);
	}
	if (getnameinfo((struct sockaddr *)&ss, sl, host, len, NULL, 0,
			NI_NAMEREQD))
		return NULL;
	return host;
}

static void resolver_destroy(struct resolver *r)
{
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	free(r->slots);
	free(r);
}

static void pace(struct resolver *r, struct timespec *next)
{
	/* Wait until the next query is allowed, waking early on stop. */
	while (!r->stop &&
	       pthread_cond_timedwait(&r->cond, &r->lock, next) != ETIMEDOUT)
		;
}

static void *worker(void *arg)
{
	struct resolver *r = arg;
	struct timespec next;
	char host[NI_MAXHOST];

	clock_gettime(CLOCK_REALTIME, &next);
	pthread_mutex_lock(&r->lock);
	for (;;) {
		struct qitem q;
		const char *name;
		long step = 1000000000L / r->rate;

		while (!r->stop && !r->qlen)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->stop)
			break;
		pace(r, &next);
		if (r->stop)
			break;
		q = r->queue[r->qhead];
		r->qhead = (r->qhead + 1) % RESOLVE_QUEUE;
		r->qlen--;
		r->busy = true;
		pthread_mutex_unlock(&r->lock);

		name = query(&q, host, sizeof(host));

		pthread_mutex_lock(&r->lock);
		r->busy = false;
		if (r->stop)
			break;
		cache_store(r, &q, name);
		r->version++;
		if (r->wake_fd >= 0 && write(r->wake_fd, "r", 1) < 0) {
			/* A full pipe already says "wake up". */
		}
		clock_gettime(CLOCK_REALTIME, &next);
		next.tv_nsec += step;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
	}
	if (r->detached) {
		pthread_mutex_unlock(&r->lock);
		resolver_destroy(r);
		return NULL;
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct resolver *resolve_new(int wake_fd, unsigned rate)
{
	struct resolver *r = calloc(1, sizeof(*r));
	sigset_t all, old;
	int rc;

	if (!r)
		return NULL;
	r->slots = calloc(RESOLVE_SLOTS, sizeof(*r->slots));
	if (!r->slots) {
		free(r);
		return NULL;
	}
	r->wake_fd = wake_fd;
	r->rate = rate ? rate : 20;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	/* Signals belong to the caller's thread (its self-pipe and
	 * curses' SIGWINCH handling), so the worker blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&r->thread, NULL, worker, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		resolver_destroy(r);
		return NULL;
	}
	return r;
}

void resolve_free(struct resolver *r)
{
	bool busy;

	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	r->wake_fd = -1;
	busy = r->busy;
	if (busy)
		r->detached = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	if (busy) {
		pthread_detach(r->thread);
		return;
	}
	pthread_join(r->thread, NULL);
	resolver_destroy(r);
}

bool resolve_lookup(struct resolver *r, uint8_t family,
		    const union flow_addr *a, char *buf, size_t len)
{
	struct slot *s;
	bool found = false;

	if (!r || (family != FLOW_IPV4 && family != FLOW_IPV6))
		return false;
	pthread_mutex_lock(&r->lock);
	s = slot_find(r, family, a);
	if (s->state == SLOT_DONE) {
		if (len) {
			size_t n = strnlen(s->name, len - 1);

			memcpy(buf, s->name, n);
			buf[n] = '\0';
		}
		found = true;
	} else if (s->state == SLOT_EMPTY && r->qlen < RESOLVE_QUEUE) {
		struct qitem *q;

		if (r->used >= RESOLVE_MAX_USED) {
			cache_clear(r);
			s = slot_find(r, family, a);
		}
		s->family = family;
		s->addr = *a;
		s->state = SLOT_PENDING;
		r->used++;
		q = &r->queue[(r->qhead + r->qlen) % RESOLVE_QUEUE];
		q->family = family;
		q->addr = *a;
		r->qlen++;
		pthread_cond_signal(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return found;
}

uint64_t resolve_version(struct resolver *r)
{
	uint64_t v;

	if (!r)
		return 0;
	pthread_mutex_lock(&r->lock);
	v = r->version;
	pthread_mutex_unlock(&r->lock);
	return v;
}
