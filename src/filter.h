/* The filter language: compiled once, shared by the screen, batch output
 * and delete-by-filter. Grammar (tcpdump-like):
 *
 *   expr    := or
 *   or      := and ("or" and)*
 *   and     := unary (["and"] unary)*     -- "and" may be omitted
 *   unary   := "not" unary | "!" unary | "(" expr ")" | term
 *   term    := PROTO | "proto" N | "ipv4" | "ipv6"
 *            | ["reply"] ("src"|"dst"|"host") ADDR["/"LEN]
 *            | ["reply"] ("sport"|"dport"|"port") N["-"M]
 *            | "state" NAME | "assured" | "unreplied" | "seen_reply"
 *            | "snat" | "dnat" | "nat" | "mark" N["/"MASK] | "zone" N
 *            | "ttl" ("<"|"<="|">"|">="|"="|"==") N | "id" N
 *   PROTO   := tcp udp udplite icmp icmpv6 sctp dccp gre
 *
 * Keywords are case-insensitive; "&&", "||" are accepted for and/or.
 * N is decimal or 0x hex. "reply" applies the term to the reply tuple.
 */
#ifndef CTOP_FILTER_H
#define CTOP_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"

struct filter;

struct filter_error {
	int column;		/* 1-based column in the expression */
	char msg[200];		/* what was expected, e.g. "expected a port number" */
};

/* What part of a filter the kernel can apply in the dump request: only
 * conjuncts at the top level (a flow failing them fails the filter), so
 * the result is the same whether or not the kernel applies them. */
struct filter_pushdown {
	uint8_t family;		/* 0 = any, FLOW_IPV4, FLOW_IPV6 */
	bool has_mark;
	uint32_t mark, mark_mask;
	uint32_t status, status_mask;	/* (status & mask) == status */
	int protonum;		/* -1 = any */
	int zone;		/* -1 = any */
};

/* Compile an expression; an empty or all-blank expression matches every
 * flow. Returns NULL and fills *err on a syntax error. */
struct filter *filter_compile(const char *expr, struct filter_error *err);
bool filter_match(const struct filter *flt, const struct flow *f);
/* The expression as given (for headers), "" for match-all. */
const char *filter_text(const struct filter *flt);
bool filter_is_empty(const struct filter *flt);
void filter_pushdown(const struct filter *flt, struct filter_pushdown *pd);
void filter_free(struct filter *flt);

#endif
