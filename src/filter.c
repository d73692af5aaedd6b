/* The filter language: a hand-written tokenizer and recursive-descent
 * parser that compile an expression into a small tree of nodes held in one
 * array. Everything that needs strings or lookups (protocol and state
 * names, CIDR masks, which protocols carry ports) is resolved at compile
 * time, so filter_match() is a walk over plain integers: it runs once per
 * flow of dumps with a million entries.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter.h"

/* Nesting limit for "(" and "not": keeps recursion (in the parser and in
 * filter_match) bounded whatever the user types. */
#define FILTER_MAX_DEPTH	256
/* "a and b and ..." builds a chain as deep as it is long; cap the terms
 * so no typed or generated expression can exhaust the stack in
 * filter_match(). */
#define FILTER_MAX_NODES	4096

enum node_kind {
	N_AND,
	N_OR,
	N_NOT,
	N_PROTO,	/* u.num = protocol number */
	N_FAMILY,	/* family */
	N_ADDR,		/* side, reply, family, u.net */
	N_PORT,		/* side, reply, u.ports */
	N_STATE,	/* u.states: slice of flt->states */
	N_STATUS,	/* (status & u.bits.mask) == u.bits.value */
	N_NAT,		/* u.nat_set: bit per enum flow_nat */
	N_MARK,		/* (mark & u.bits.mask) == u.bits.value */
	N_ZONE,		/* side (enum zone_dir), u.num */
	N_TTL,		/* op, u.num */
	N_ID,		/* u.num */
};

enum side { SIDE_SRC, SIDE_DST, SIDE_EITHER };

/* Which direction's zone "zone N" looks at: "zone" either, "orig zone"
 * and "reply zone" one. */
enum zone_dir { ZONE_ANY, ZONE_ORIG, ZONE_REPLY };

enum ttl_op { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ };

struct node {
	uint8_t kind;
	uint8_t side;
	uint8_t reply;
	uint8_t family;
	uint8_t op;
	union {
		struct {
			int32_t a, b;
		} kids;
		struct {
			union flow_addr addr, mask;
		} net;
		struct {
			uint16_t lo, hi;
		} ports;
		struct {
			uint32_t value, mask;
		} bits;
		struct {
			uint32_t first, count;
		} states;
		uint32_t num;
		uint8_t nat_set;
	} u;
};

struct state_pair {
	uint8_t protonum;
	uint8_t state;
};

struct filter {
	char *text;
	struct node *nodes;
	size_t nnodes;
	int root;			/* -1: match everything */
	struct state_pair *states;
	size_t nstates;
	bool has_ports[256];		/* flow_proto_has_ports(), cached */
};

enum tok_kind {
	T_END,
	T_WORD,
	T_LPAREN,
	T_RPAREN,
	T_BANG,
	T_AND,		/* "&&" (the word "and" stays a T_WORD) */
	T_OR,		/* "||" */
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_EQ,		/* "=" or "==" */
	T_BAD,		/* a character that starts no token */
};

struct token {
	enum tok_kind kind;
	size_t pos;		/* offset in the expression */
	size_t len;
};

struct parser {
	const char *s;
	size_t slen;
	struct token tok;	/* the current (lookahead) token */
	struct filter *flt;
	size_t cap_nodes, cap_states;
	int depth;
	bool failed;
	struct filter_error *err;
};

/* ---- errors ---- */

static void parse_fail_at(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Only the first error counts: it is the left-most one. */
static void parse_fail_at(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	if (!p->err)
		return;
	p->err->column = (int)pos + 1;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

/* "unexpected 'xyz'" quoting the current token (shortened if long). */
static void parse_fail_unexpected(struct parser *p)
{
	const struct token *t = &p->tok;
	int len = t->len > 40 ? 40 : (int)t->len;

	parse_fail_at(p, t->pos, "unexpected '%.*s%s'", len, p->s + t->pos,
		      t->len > 40 ? "..." : "");
}

/* ---- tokenizer ---- */

/* Characters of words: keywords, numbers, port ranges, addresses with
 * their prefix length (IPv6 included) and "ipv6-icmp". */
static bool lex_is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == ':' ||
	       c == '/' || c == '-';
}

static void lex_next(struct parser *p)
{
	const char *s = p->s;
	size_t i = p->tok.pos + p->tok.len;
	struct token *t = &p->tok;

	while (i < p->slen && isspace((unsigned char)s[i]))
		i++;
	t->pos = i;
	t->len = 1;
	if (i >= p->slen) {
		t->kind = T_END;
		t->len = 0;
		return;
	}
	switch (s[i]) {
	case '(':
		t->kind = T_LPAREN;
		return;
	case ')':
		t->kind = T_RPAREN;
		return;
	case '!':
		t->kind = T_BANG;
		return;
	case '&':
	case '|':
		if (s[i + 1] == s[i]) {
			t->kind = s[i] == '&' ? T_AND : T_OR;
			t->len = 2;
		} else {
			t->kind = T_BAD;
		}
		return;
	case '<':
	case '>':
		if (s[i + 1] == '=') {
			t->kind = s[i] == '<' ? T_LE : T_GE;
			t->len = 2;
		} else {
			t->kind = s[i] == '<' ? T_LT : T_GT;
		}
		return;
	case '=':
		t->kind = T_EQ;
		if (s[i + 1] == '=')
			t->len = 2;
		return;
	}
	if (!lex_is_word_char(s[i])) {
		t->kind = T_BAD;
		return;
	}
	t->kind = T_WORD;
	while (i + t->len < p->slen && lex_is_word_char(s[i + t->len]))
		t->len++;
}

/* Consume the current token; a character that starts no token is an
 * error right where it stands. */
static void parse_advance(struct parser *p)
{
	lex_next(p);
	if (p->tok.kind == T_BAD)
		parse_fail_unexpected(p);
}

static bool tok_is_word(const struct parser *p, const char *word)
{
	size_t n = strlen(word);

	return p->tok.kind == T_WORD && p->tok.len == n &&
	       strncasecmp(p->s + p->tok.pos, word, n) == 0;
}

/* Copy the current word, lower-cased, for the name lookups; false when it
 * does not fit (no name is that long). */
static bool tok_copy_lower(const struct parser *p, char *buf, size_t size)
{
	size_t i;

	if (p->tok.kind != T_WORD || p->tok.len >= size)
		return false;
	for (i = 0; i < p->tok.len; i++)
		buf[i] = (char)tolower((unsigned char)p->s[p->tok.pos + i]);
	buf[i] = '\0';
	return true;
}

/* ---- numbers ---- */

/* Decimal or 0x hex, the whole of s[0..len), at most max. */
static bool num_parse(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i >= len)
		return false;
	for (; i < len; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && isxdigit((unsigned char)c))
			d = (unsigned)(tolower((unsigned char)c) - 'a' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/* Whether s[0..len) looks like a number at all (so an out-of-range value
 * gets a range message rather than "expected a number"). */
static bool num_looks_numeric(const char *s, size_t len)
{
	bool hex = false;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		hex = true;
		i = 2;
	}
	if (i >= len)
		return false;
	for (; i < len; i++)
		if (!(hex ? isxdigit((unsigned char)s[i])
			  : isdigit((unsigned char)s[i])))
			return false;
	return true;
}

/* Parse the current word as a number in [0, max] and consume it. */
static bool parse_number(struct parser *p, uint64_t max, const char *what,
			 uint64_t *out)
{
	const char *s = p->s + p->tok.pos;
	size_t len = p->tok.len;

	if (p->tok.kind != T_WORD || !num_looks_numeric(s, len)) {
		parse_fail_at(p, p->tok.pos, "expected %s", what);
		return false;
	}
	if (!num_parse(s, len, max, out)) {
		parse_fail_at(p, p->tok.pos, "%s out of range (0-%llu)",
			      what + (strncmp(what, "a ", 2) ? 0 : 2),
			      (unsigned long long)max);
		return false;
	}
	parse_advance(p);
	return true;
}

/* ---- node building ---- */

static int node_add(struct parser *p, const struct node *n)
{
	struct filter *flt = p->flt;

	if (flt->nnodes >= FILTER_MAX_NODES) {
		parse_fail_at(p, p->tok.pos, "expression too long");
		return -1;
	}
	if (flt->nnodes == p->cap_nodes) {
		size_t cap = p->cap_nodes ? p->cap_nodes * 2 : 16;
		struct node *nodes = realloc(flt->nodes, cap * sizeof(*nodes));

		if (!nodes) {
			parse_fail_at(p, p->tok.pos, "out of memory");
			return -1;
		}
		flt->nodes = nodes;
		p->cap_nodes = cap;
	}
	flt->nodes[flt->nnodes] = *n;
	return (int)flt->nnodes++;
}

static int node_binary(struct parser *p, enum node_kind kind, int a, int b)
{
	struct node n = { .kind = kind, .u.kids = { a, b } };

	return node_add(p, &n);
}

static bool state_add(struct parser *p, uint8_t protonum, uint8_t state)
{
	struct filter *flt = p->flt;

	if (flt->nstates == p->cap_states) {
		size_t cap = p->cap_states ? p->cap_states * 2 : 8;
		struct state_pair *st = realloc(flt->states, cap * sizeof(*st));

		if (!st) {
			parse_fail_at(p, p->tok.pos, "out of memory");
			return false;
		}
		flt->states = st;
		p->cap_states = cap;
	}
	flt->states[flt->nstates].protonum = protonum;
	flt->states[flt->nstates].state = state;
	flt->nstates++;
	return true;
}

/* ---- terms ---- */

static int parse_state(struct parser *p)
{
	struct node n = { .kind = N_STATE };
	struct flow probe;
	char name[32];
	unsigned proto, st;

	if (!tok_copy_lower(p, name, sizeof(name)) ||
	    !flow_state_name_known(name)) {
		parse_fail_at(p, p->tok.pos,
			      "expected a state name (established, syn_sent, time_wait, ...)");
		return -1;
	}
	/* The names are the kernel's per-protocol tables; ask flow.c about
	 * every (protocol, state) once so matching compares two bytes. */
	n.u.states.first = (uint32_t)p->flt->nstates;
	memset(&probe, 0, sizeof(probe));
	probe.family = FLOW_IPV4;
	probe.has = FLOW_HAS_STATE;
	for (proto = 0; proto < 256; proto++) {
		probe.protonum = (uint8_t)proto;
		for (st = 0; st < 256; st++) {
			const char *sn;

			probe.state = (uint8_t)st;
			sn = flow_state_name(&probe);
			if (sn && strcasecmp(sn, name) == 0 &&
			    !state_add(p, (uint8_t)proto, (uint8_t)st))
				return -1;
		}
	}
	n.u.states.count = (uint32_t)p->flt->nstates - n.u.states.first;
	parse_advance(p);
	return node_add(p, &n);
}

/* ADDR["/"LEN], IPv4 or IPv6; the address is stored already masked. */
static int parse_addr(struct parser *p, enum side side, bool reply)
{
	struct node n = { .kind = N_ADDR, .side = side, .reply = reply };
	const char *s = p->s + p->tok.pos;
	const char *slash;
	char buf[INET6_ADDRSTRLEN + 8];
	size_t alen, maxlen;
	uint64_t plen;
	unsigned i;

	if (p->tok.kind != T_WORD)
		goto bad_addr;
	slash = memchr(s, '/', p->tok.len);
	alen = slash ? (size_t)(slash - s) : p->tok.len;
	if (alen == 0 || alen >= sizeof(buf))
		goto bad_addr;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (memchr(buf, ':', alen)) {
		n.family = FLOW_IPV6;
		maxlen = 128;
		if (inet_pton(AF_INET6, buf, n.u.net.addr.b) != 1)
			goto bad_addr;
	} else {
		n.family = FLOW_IPV4;
		maxlen = 32;
		if (inet_pton(AF_INET, buf, n.u.net.addr.b) != 1)
			goto bad_addr;
	}
	plen = maxlen;
	if (slash) {
		size_t lpos = p->tok.pos + alen + 1;
		size_t llen = p->tok.len - alen - 1;

		if (!num_looks_numeric(p->s + lpos, llen)) {
			parse_fail_at(p, lpos, "expected a prefix length");
			return -1;
		}
		if (!num_parse(p->s + lpos, llen, maxlen, &plen)) {
			parse_fail_at(p, lpos,
				      "prefix length out of range (0-%zu)",
				      maxlen);
			return -1;
		}
	}
	for (i = 0; i < maxlen / 8; i++) {
		unsigned bits = plen > i * 8 ? (unsigned)(plen - i * 8) : 0;

		n.u.net.mask.b[i] = bits >= 8 ? 0xff :
				    (uint8_t)(0xff00 >> bits);
		n.u.net.addr.b[i] &= n.u.net.mask.b[i];
	}
	parse_advance(p);
	return node_add(p, &n);

bad_addr:
	parse_fail_at(p, p->tok.pos, "expected an address or CIDR");
	return -1;
}

/* N["-"M] */
static int parse_ports(struct parser *p, enum side side, bool reply)
{
	struct node n = { .kind = N_PORT, .side = side, .reply = reply };
	const char *s = p->s + p->tok.pos;
	const char *dash = NULL;
	size_t len1, pos2 = 0, len2 = 0;
	uint64_t lo, hi;

	if (p->tok.kind == T_WORD)
		dash = memchr(s, '-', p->tok.len);
	len1 = dash ? (size_t)(dash - s) : p->tok.len;
	if (p->tok.kind != T_WORD || !num_looks_numeric(s, len1)) {
		parse_fail_at(p, p->tok.pos, "expected a port number");
		return -1;
	}
	if (!num_parse(s, len1, 65535, &lo)) {
		parse_fail_at(p, p->tok.pos, "port out of range (0-65535)");
		return -1;
	}
	hi = lo;
	if (dash) {
		pos2 = p->tok.pos + len1 + 1;
		len2 = p->tok.len - len1 - 1;
		if (!num_looks_numeric(p->s + pos2, len2)) {
			parse_fail_at(p, pos2, "expected a port number");
			return -1;
		}
		if (!num_parse(p->s + pos2, len2, 65535, &hi)) {
			parse_fail_at(p, pos2, "port out of range (0-65535)");
			return -1;
		}
		if (hi < lo) {
			parse_fail_at(p, pos2,
				      "port range ends before it starts");
			return -1;
		}
	}
	n.u.ports.lo = (uint16_t)lo;
	n.u.ports.hi = (uint16_t)hi;
	parse_advance(p);
	return node_add(p, &n);
}

/* N["/"MASK] */
static int parse_mark(struct parser *p)
{
	struct node n = { .kind = N_MARK };
	const char *s = p->s + p->tok.pos;
	const char *slash = NULL;
	size_t len1;
	uint64_t mark, mask = UINT32_MAX;

	if (p->tok.kind == T_WORD)
		slash = memchr(s, '/', p->tok.len);
	len1 = slash ? (size_t)(slash - s) : p->tok.len;
	if (p->tok.kind != T_WORD || !num_parse(s, len1, UINT32_MAX, &mark)) {
		parse_fail_at(p, p->tok.pos,
			      "expected a mark number");
		return -1;
	}
	if (slash) {
		size_t pos2 = p->tok.pos + len1 + 1;

		if (!num_parse(p->s + pos2, p->tok.len - len1 - 1, UINT32_MAX,
			       &mask)) {
			parse_fail_at(p, pos2, "expected a mark mask");
			return -1;
		}
	}
	n.u.bits.mask = (uint32_t)mask;
	n.u.bits.value = (uint32_t)(mark & mask);
	parse_advance(p);
	return node_add(p, &n);
}

static int parse_ttl(struct parser *p)
{
	struct node n = { .kind = N_TTL };
	uint64_t v;

	switch (p->tok.kind) {
	case T_LT:
		n.op = OP_LT;
		break;
	case T_LE:
		n.op = OP_LE;
		break;
	case T_GT:
		n.op = OP_GT;
		break;
	case T_GE:
		n.op = OP_GE;
		break;
	case T_EQ:
		n.op = OP_EQ;
		break;
	default:
		parse_fail_at(p, p->tok.pos,
			      "expected a comparison (<, <=, >, >=, =)");
		return -1;
	}
	parse_advance(p);
	if (p->failed || !parse_number(p, UINT32_MAX, "a number of seconds", &v))
		return -1;
	n.u.num = (uint32_t)v;
	return node_add(p, &n);
}

/* "proto N", also taking a name ("proto tcp") since that costs nothing. */
static int parse_proto_num(struct parser *p)
{
	struct node n = { .kind = N_PROTO };
	char name[16];
	uint64_t v;
	int proto;

	if (tok_copy_lower(p, name, sizeof(name)) &&
	    (proto = flow_proto_by_name(name)) >= 0) {
		n.u.num = (uint32_t)proto;
		parse_advance(p);
		return node_add(p, &n);
	}
	if (!parse_number(p, 255, "a protocol number", &v))
		return -1;
	n.u.num = (uint32_t)v;
	return node_add(p, &n);
}

static int parse_simple_num(struct parser *p, enum node_kind kind,
			    uint64_t max, const char *what)
{
	struct node n = { .kind = kind };
	uint64_t v;

	if (!parse_number(p, max, what, &v))
		return -1;
	n.u.num = (uint32_t)v;
	return node_add(p, &n);
}

static int parse_status(struct parser *p, uint32_t mask, uint32_t value)
{
	struct node n = { .kind = N_STATUS, .u.bits = { value, mask } };

	parse_advance(p);
	return node_add(p, &n);
}

static int parse_nat(struct parser *p, uint8_t set)
{
	struct node n = { .kind = N_NAT, .u.nat_set = set };

	parse_advance(p);
	return node_add(p, &n);
}

static int parse_zone(struct parser *p, enum zone_dir dir)
{
	struct node n = { .kind = N_ZONE, .side = (uint8_t)dir };
	uint64_t v;

	if (!parse_number(p, 65535, "a zone number", &v))
		return -1;
	n.u.num = (uint32_t)v;
	return node_add(p, &n);
}

/* The terms that take a tuple side: src dst host sport dport port. */
static int parse_tuple_term(struct parser *p, bool reply)
{
	static const struct {
		const char *word;
		enum side side;
		bool port;
	} kw[] = {
		{ "src", SIDE_SRC, false },
		{ "dst", SIDE_DST, false },
		{ "host", SIDE_EITHER, false },
		{ "sport", SIDE_SRC, true },
		{ "dport", SIDE_DST, true },
		{ "port", SIDE_EITHER, true },
	};
	size_t i;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		if (!tok_is_word(p, kw[i].word))
			continue;
		parse_advance(p);
		if (p->failed)
			return -1;
		return kw[i].port ? parse_ports(p, kw[i].side, reply)
				  : parse_addr(p, kw[i].side, reply);
	}
	return -2;	/* not one of them */
}

/* Keywords followed by an argument; parse_advance() has not been called. */
static int parse_term_with_arg(struct parser *p)
{
	static const struct {
		const char *word;
		int which;
	} kw[] = {
		{ "proto", 0 }, { "state", 1 }, { "mark", 2 },
		{ "zone", 3 }, { "ttl", 4 }, { "id", 5 },
	};
	size_t i;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		if (!tok_is_word(p, kw[i].word))
			continue;
		parse_advance(p);
		if (p->failed)
			return -1;
		switch (kw[i].which) {
		case 0:
			return parse_proto_num(p);
		case 1:
			return parse_state(p);
		case 2:
			return parse_mark(p);
		case 3:
			return parse_zone(p, ZONE_ANY);
		case 4:
			return parse_ttl(p);
		default:
			return parse_simple_num(p, N_ID, UINT32_MAX,
						"a conntrack id");
		}
	}
	return -2;
}

/* "orig" or "reply", then a tuple term or "zone": that direction's
 * tuple or zone. "orig" says what a bare term means already, except for
 * "zone", which bare matches either direction. */
static int parse_direction_term(struct parser *p)
{
	bool reply = tok_is_word(p, "reply");
	int r;

	parse_advance(p);
	if (p->failed)
		return -1;
	if (tok_is_word(p, "zone")) {
		parse_advance(p);
		if (p->failed)
			return -1;
		return parse_zone(p, reply ? ZONE_REPLY : ZONE_ORIG);
	}
	r = parse_tuple_term(p, reply);
	if (r == -2)
		parse_fail_at(p, p->tok.pos,
			      "expected src, dst, host, sport, dport, port or zone after '%s'",
			      reply ? "reply" : "orig");
	return r;
}

static int parse_term(struct parser *p)
{
	char name[16];
	int r, proto;

	if (p->tok.kind != T_WORD || tok_is_word(p, "and") ||
	    tok_is_word(p, "or")) {
		parse_fail_at(p, p->tok.pos, "expected a filter term");
		return -1;
	}
	if (tok_is_word(p, "reply") || tok_is_word(p, "orig"))
		return parse_direction_term(p);
	r = parse_tuple_term(p, false);
	if (r != -2)
		return r;
	r = parse_term_with_arg(p);
	if (r != -2)
		return r;

	if (tok_is_word(p, "ipv4") || tok_is_word(p, "ipv6")) {
		struct node n = { .kind = N_FAMILY };

		n.family = tok_is_word(p, "ipv4") ? FLOW_IPV4 : FLOW_IPV6;
		parse_advance(p);
		return node_add(p, &n);
	}
	if (tok_is_word(p, "assured"))
		return parse_status(p, FLOW_S_ASSURED, FLOW_S_ASSURED);
	if (tok_is_word(p, "unreplied"))
		return parse_status(p, FLOW_S_SEEN_REPLY, 0);
	if (tok_is_word(p, "seen_reply"))
		return parse_status(p, FLOW_S_SEEN_REPLY, FLOW_S_SEEN_REPLY);
	if (tok_is_word(p, "snat"))
		return parse_nat(p, 1u << FLOW_NAT_SNAT | 1u << FLOW_NAT_BOTH);
	if (tok_is_word(p, "dnat"))
		return parse_nat(p, 1u << FLOW_NAT_DNAT | 1u << FLOW_NAT_BOTH);
	if (tok_is_word(p, "nat"))
		return parse_nat(p, 1u << FLOW_NAT_SNAT | 1u << FLOW_NAT_DNAT |
				    1u << FLOW_NAT_BOTH);
	if (tok_copy_lower(p, name, sizeof(name)) &&
	    (proto = flow_proto_by_name(name)) >= 0) {
		struct node n = { .kind = N_PROTO, .u.num = (uint32_t)proto };

		parse_advance(p);
		return node_add(p, &n);
	}
	parse_fail_unexpected(p);
	return -1;
}

/* ---- expressions ---- */

static int parse_or(struct parser *p);

static bool tok_is_and(const struct parser *p)
{
	return p->tok.kind == T_AND || tok_is_word(p, "and");
}

static bool tok_is_or(const struct parser *p)
{
	return p->tok.kind == T_OR || tok_is_word(p, "or");
}

/* Whether the current token can start a unary: implicit "and". */
static bool tok_starts_unary(const struct parser *p)
{
	if (p->tok.kind == T_LPAREN || p->tok.kind == T_BANG)
		return true;
	return p->tok.kind == T_WORD && !tok_is_and(p) && !tok_is_or(p);
}

static int parse_unary(struct parser *p)
{
	int r;

	if (p->failed)
		return -1;
	if (++p->depth > FILTER_MAX_DEPTH) {
		parse_fail_at(p, p->tok.pos, "expression nested too deeply");
		return -1;
	}
	if (p->tok.kind == T_BANG || tok_is_word(p, "not")) {
		parse_advance(p);
		r = parse_unary(p);
		if (r >= 0)
			r = node_binary(p, N_NOT, r, -1);
	} else if (p->tok.kind == T_LPAREN) {
		parse_advance(p);
		r = parse_or(p);
		if (r >= 0 && p->tok.kind != T_RPAREN) {
			parse_fail_at(p, p->tok.pos, "expected ')'");
			r = -1;
		}
		if (r >= 0)
			parse_advance(p);
	} else {
		r = parse_term(p);
	}
	p->depth--;
	return p->failed ? -1 : r;
}

static int parse_and(struct parser *p)
{
	int left = parse_unary(p);

	while (left >= 0 && (tok_is_and(p) || tok_starts_unary(p))) {
		int right;

		if (tok_is_and(p))
			parse_advance(p);
		right = parse_unary(p);
		if (right < 0)
			return -1;
		left = node_binary(p, N_AND, left, right);
	}
	return left;
}

static int parse_or(struct parser *p)
{
	int left = parse_and(p);

	while (left >= 0 && tok_is_or(p)) {
		int right;

		parse_advance(p);
		right = parse_and(p);
		if (right < 0)
			return -1;
		left = node_binary(p, N_OR, left, right);
	}
	return left;
}

/* ---- public API ---- */

static bool expr_is_blank(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

struct filter *filter_compile(const char *expr, struct filter_error *err)
{
	struct parser p = { 0 };
	struct filter *flt;
	unsigned i;

	if (err) {
		err->column = 0;
		err->msg[0] = '\0';
	}
	if (!expr)
		expr = "";
	flt = calloc(1, sizeof(*flt));
	if (!flt)
		goto oom;
	flt->root = -1;
	flt->text = strdup(expr_is_blank(expr) ? "" : expr);
	if (!flt->text)
		goto oom;
	for (i = 0; i < 256; i++)
		flt->has_ports[i] = flow_proto_has_ports((uint8_t)i);
	if (!*flt->text)
		return flt;

	p.s = flt->text;
	p.slen = strlen(flt->text);
	p.flt = flt;
	p.err = err;
	parse_advance(&p);
	flt->root = parse_or(&p);
	if (!p.failed && p.tok.kind != T_END)
		parse_fail_unexpected(&p);
	if (p.failed) {
		filter_free(flt);
		return NULL;
	}
	return flt;

oom:
	if (err) {
		err->column = 1;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	}
	filter_free(flt);
	return NULL;
}

static bool match_addr(const struct node *n, const union flow_addr *a)
{
	return (a->w[0] & n->u.net.mask.w[0]) == n->u.net.addr.w[0] &&
	       (a->w[1] & n->u.net.mask.w[1]) == n->u.net.addr.w[1] &&
	       (a->w[2] & n->u.net.mask.w[2]) == n->u.net.addr.w[2] &&
	       (a->w[3] & n->u.net.mask.w[3]) == n->u.net.addr.w[3];
}

static bool match_port(const struct node *n, uint16_t port)
{
	return port >= n->u.ports.lo && port <= n->u.ports.hi;
}

static bool match_state(const struct filter *flt, const struct node *n,
			const struct flow *f)
{
	const struct state_pair *sp = flt->states + n->u.states.first;
	uint32_t i;

	if (!(f->has & FLOW_HAS_STATE))
		return false;
	for (i = 0; i < n->u.states.count; i++)
		if (sp[i].protonum == f->protonum && sp[i].state == f->state)
			return true;
	return false;
}

static bool match_ttl(const struct node *n, uint32_t t)
{
	switch (n->op) {
	case OP_LT:
		return t < n->u.num;
	case OP_LE:
		return t <= n->u.num;
	case OP_GT:
		return t > n->u.num;
	case OP_GE:
		return t >= n->u.num;
	default:
		return t == n->u.num;
	}
}

static bool match_node(const struct filter *flt, int idx,
		       const struct flow *f)
{
	const struct node *n = &flt->nodes[idx];
	const struct flow_tuple *t;

	switch (n->kind) {
	case N_AND:
		return match_node(flt, n->u.kids.a, f) &&
		       match_node(flt, n->u.kids.b, f);
	case N_OR:
		return match_node(flt, n->u.kids.a, f) ||
		       match_node(flt, n->u.kids.b, f);
	case N_NOT:
		return !match_node(flt, n->u.kids.a, f);
	case N_PROTO:
		return f->protonum == n->u.num;
	case N_FAMILY:
		return f->family == n->family;
	case N_ADDR:
		if (f->family != n->family)
			return false;
		t = n->reply ? &f->reply : &f->orig;
		return (n->side != SIDE_DST && match_addr(n, &t->src)) ||
		       (n->side != SIDE_SRC && match_addr(n, &t->dst));
	case N_PORT:
		if (!flt->has_ports[f->protonum])
			return false;
		t = n->reply ? &f->reply : &f->orig;
		return (n->side != SIDE_DST && match_port(n, t->sport)) ||
		       (n->side != SIDE_SRC && match_port(n, t->dport));
	case N_STATE:
		return match_state(flt, n, f);
	case N_STATUS:
	case N_MARK:
		return ((n->kind == N_MARK ? f->mark : f->status) &
			n->u.bits.mask) == n->u.bits.value;
	case N_NAT:
		return (n->u.nat_set >> flow_nat(f)) & 1;
	case N_ZONE:
		return (n->side != ZONE_REPLY && f->orig.zone == n->u.num) ||
		       (n->side != ZONE_ORIG && f->reply.zone == n->u.num);
	case N_TTL:
		return match_ttl(n, f->timeout);
	case N_ID:
		return f->id == n->u.num;
	}
	return false;
}

bool filter_match(const struct filter *flt, const struct flow *f)
{
	if (!flt || flt->root < 0)
		return true;
	return match_node(flt, flt->root, f);
}

const char *filter_text(const struct filter *flt)
{
	return flt && flt->text ? flt->text : "";
}

bool filter_is_empty(const struct filter *flt)
{
	return !flt || flt->root < 0;
}

/* One top-level conjunct. On a conflict the first one wins: the kernel
 * then returns a superset and filter_match() decides. */
static void pushdown_term(const struct node *n, struct filter_pushdown *pd)
{
	uint32_t fresh;

	switch (n->kind) {
	case N_FAMILY:
	case N_ADDR:
		if (!pd->family)
			pd->family = n->family;
		break;
	case N_PROTO:
		if (pd->protonum < 0)
			pd->protonum = (int)n->u.num;
		break;
	case N_MARK:
		if (!pd->has_mark) {
			pd->has_mark = true;
			pd->mark = n->u.bits.value;
			pd->mark_mask = n->u.bits.mask;
		}
		break;
	case N_STATUS:
		fresh = n->u.bits.mask & ~pd->status_mask;
		pd->status_mask |= fresh;
		pd->status |= n->u.bits.value & fresh;
		break;
	case N_ZONE:
		/* The kernel's zone filter takes a flow whose zone id is N
		 * in either direction: a superset of one direction's. */
		if (pd->zone < 0)
			pd->zone = (int)n->u.num;
		break;
	default:
		break;
	}
}

static void pushdown_walk(const struct filter *flt, int idx,
			  struct filter_pushdown *pd)
{
	const struct node *n = &flt->nodes[idx];

	if (n->kind == N_AND) {
		pushdown_walk(flt, n->u.kids.a, pd);
		pushdown_walk(flt, n->u.kids.b, pd);
	} else {
		pushdown_term(n, pd);
	}
}

void filter_pushdown(const struct filter *flt, struct filter_pushdown *pd)
{
	memset(pd, 0, sizeof(*pd));
	pd->protonum = -1;
	pd->zone = -1;
	if (flt && flt->root >= 0)
		pushdown_walk(flt, flt->root, pd);
}

void filter_free(struct filter *flt)
{
	if (!flt)
		return;
	free(flt->text);
	free(flt->nodes);
	free(flt->states);
	free(flt);
}
