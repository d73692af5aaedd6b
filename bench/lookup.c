/* What it costs the kernel and us to look at every flow of a table, per
 * flow, four ways: one dump, batched GETs (the flow sent back), batched
 * probes (is it there? source_probe_batch) and quiet probes (only the
 * gone answered: source_probe_quiet_batch). The screen's look for silent
 * ends (src/sweep.c) chooses between the last three and a dump by such
 * costs; this measures them apart, on a scratch namespace's table:
 *
 *   ip netns add lk && build/tests/ctload --netns lk -n 1000000 -q
 *   build/bench/lookup --netns lk [--rounds R]
 *
 * CPU is this process's user + system time (the kernel builds a dump's
 * and a GET's answers in our system calls). Every flow dumped must be
 * found by the GETs and the probes; a mismatch is an error (exit 1).
 * The namespace is required: a benchmark's scratch table, never the
 * host's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "err.h"
#include "flow.h"
#include "source.h"

struct keys {
	struct flow *v;
	size_t n, cap;
};

static int on_flow(const struct flow *f, void *data)
{
	struct keys *k = data;

	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 4096;
		struct flow *v = realloc(k->v, cap * sizeof(*v));

		if (!v)
			return -1;
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n++] = *f;
	return 0;
}

struct tally {
	size_t there, gone;
};

static void on_get(size_t i, const struct flow *key, const struct flow *f,
		   void *data)
{
	struct tally *t = data;

	(void)i;
	(void)key;
	if (f)
		t->there++;
	else
		t->gone++;
}

static void on_probe(size_t i, const struct flow *key, bool present,
		     void *data)
{
	struct tally *t = data;

	(void)i;
	(void)key;
	if (present)
		t->there++;
	else
		t->gone++;
}

static double cpu_s(double *sys)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	*sys = (double)r.ru_stime.tv_sec + (double)r.ru_stime.tv_usec / 1e6;
	return *sys + (double)r.ru_utime.tv_sec +
	       (double)r.ru_utime.tv_usec / 1e6;
}

static void report(const char *what, size_t n, double c0, double s0)
{
	double s1, c1 = cpu_s(&s1);

	printf("%-6s %zu flows: %.3f us/flow CPU (kernel %.3f)\n", what, n,
	       (c1 - c0) * 1e6 / (double)n, (s1 - s0) * 1e6 / (double)n);
}

int main(int argc, char **argv)
{
	struct ctop_err err = { 0 };
	struct keys k = { 0 };
	struct source *src;
	int rounds = 1;
	double c0, s0;

	if (argc >= 5 && !strcmp(argv[3], "--rounds"))
		rounds = atoi(argv[4]);
	if (argc < 3 || strcmp(argv[1], "--netns") || rounds < 1) {
		fprintf(stderr, "usage: lookup --netns NAME|PATH [--rounds R]\n");
		return 2;
	}
	if (source_enter_netns(argv[2], &err) || !(src = source_open(&err))) {
		fprintf(stderr, "lookup: %s\n", err.msg);
		return 1;
	}
	for (int r = 0; r < rounds; r++) {
		struct tally g = { 0 }, p = { 0 }, q = { 0 };

		k.n = 0;
		c0 = cpu_s(&s0);
		if (source_dump(src, NULL, on_flow, &k, &err)) {
			fprintf(stderr, "lookup: %s\n", err.msg);
			return 1;
		}
		report("dump", k.n, c0, s0);
		if (!k.n)
			break;
		c0 = cpu_s(&s0);
		if (source_get_batch(src, k.v, k.n, on_get, &g, &err) < 0) {
			fprintf(stderr, "lookup: %s\n", err.msg);
			return 1;
		}
		report("get", k.n, c0, s0);
		c0 = cpu_s(&s0);
		if (source_probe_batch(src, k.v, k.n, on_probe, &p, &err) < 0) {
			fprintf(stderr, "lookup: %s\n", err.msg);
			return 1;
		}
		report("probe", k.n, c0, s0);
		c0 = cpu_s(&s0);
		if (source_probe_quiet_batch(src, k.v, k.n, on_probe, &q,
					     &err) < 0) {
			fprintf(stderr, "lookup: %s\n", err.msg);
			return 1;
		}
		report("quiet", k.n, c0, s0);
		if (g.there != k.n || p.there != k.n || q.there != k.n) {
			fprintf(stderr, "lookup: of %zu dumped, GETs found %zu "
				"(%zu gone), probes %zu (%zu gone), quiet "
				"probes %zu (%zu gone)\n", k.n, g.there,
				g.gone, p.there, p.gone, q.there, q.gone);
			return 1;
		}
	}
	free(k.v);
	source_close(src);
	return 0;
}
