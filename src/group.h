/* Aggregation: one row per key (source, destination, pair, port, ...) with
 * flows, packets and bytes. Streams: a grouper keeps only the keys, never
 * the flows, so a million-entry table groups in a few MB. */
#ifndef CTOP_GROUP_H
#define CTOP_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

enum group_by {
	GROUP_NONE = 0,
	GROUP_SRC,
	GROUP_DST,
	GROUP_PAIR,
	GROUP_SPORT,
	GROUP_DPORT,
	GROUP_PROTO,
	GROUP_STATE,
	GROUP_MARK,
	GROUP_ZONE,
};

struct group_key {
	union flow_addr a, b;	/* SRC/DST: a; PAIR: a = src, b = dst */
	uint32_t n;		/* port, protonum, mark, zone, or state */
	uint8_t family;		/* for addresses; 0 otherwise */
	uint8_t protonum;	/* GROUP_STATE and ports: protocol of the key */
};

struct group_row {
	struct group_key key;
	uint64_t flows, packets, bytes;
	bool counted;		/* some flow had counters (accounting on) */
};

struct grouper;

struct grouper *group_new(enum group_by by);
void group_add(struct grouper *g, const struct flow *f);
/* A row from a summary (a flight recording): FLOWS flows under key K,
 * without packets or bytes. */
void group_add_key(struct grouper *g, const struct group_key *k,
		   uint64_t flows);
/* Flows counted in the total but in no row (a summary's "the rest"). */
void group_add_flows(struct grouper *g, uint64_t flows);
/* The key flow F has in a grouping BY. */
void group_key_of(enum group_by by, const struct flow *f,
		  struct group_key *k);
/* Rows sorted by flows (most first), then by key; valid until the next
 * group_add or group_free. *total is the number of flows added. */
const struct group_row *group_rows(struct grouper *g, size_t *n);
uint64_t group_total(const struct grouper *g);
void group_reset(struct grouper *g);
void group_free(struct grouper *g);

/* "10.0.0.7", "10.0.0.7 -> 10.0.0.1", "tcp/443", "tcp", "ESTABLISHED",
 * "0x10", "3". */
size_t group_key_format(char *buf, size_t len, enum group_by by,
			const struct group_key *key);
/* Does flow f belong to the group key (the group as a filter)? */
int group_key_match(enum group_by by, const struct group_key *key,
		    const struct flow *f);
/* "src", "dst", "pair", "sport", "dport", "proto", "state", "mark", "zone";
 * GROUP_NONE for unknown names (and "none"). */
enum group_by group_by_name(const char *name, int *ok);
const char *group_by_str(enum group_by by);

#endif
