/* Conntrack table text into struct flow (see text_table.h for the
 * grammar). Written for speed: one pass over the line, no allocation, no
 * sscanf; a /proc/net/nf_conntrack line costs well under a microsecond. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr_text.h"
#include "labelmap.h"
#include "text_table.h"

/* Bytes that end a word. */
static const unsigned char blank_byte[256] = {
	[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1,
};

static bool is_blank(char c)
{
	return blank_byte[(unsigned char)c];
}

/* Whether a value ended where it should: at a blank or the line's end. */
static bool at_sep(const char *p, const char *e)
{
	return p == e || is_blank(*p);
}

static const char *skip_blanks(const char *p, const char *e)
{
	while (p < e && is_blank(*p))
		p++;
	return p;
}

static const char *word_end(const char *p, const char *e)
{
	while (p < e && !is_blank(*p))
		p++;
	return p;
}

/* A word of the header (the few before the key=value part). */
struct tok {
	const char *s;
	size_t n;
};

/* The next word from *P; a word opening with '[' runs to its ']' (a
 * ctime in "[start=Tue Dec  1 21:34:39 2026]" holds blanks). */
static bool next_tok(const char **p, const char *e, struct tok *t)
{
	const char *q = skip_blanks(*p, e), *r;

	if (q == e)
		return false;
	t->s = q;
	if (*q == '[') {
		r = memchr(q, ']', (size_t)(e - q));
		q = r ? r + 1 : e;
	} else {
		q = word_end(q, e);
	}
	t->n = (size_t)(q - t->s);
	*p = q;
	return true;
}

static bool tok_is(const struct tok *t, const char *lit)
{
	size_t n = strlen(lit);

	return t->n == n && !memcmp(t->s, lit, n);
}

/* Decimal digits at P into *V; returns where they end, NULL when there
 * are none or they overflow 64 bits (or run past twenty). Nineteen digits
 * cannot overflow: only a twentieth is checked. */
static inline const char *scan_u64(const char *p, const char *e, uint64_t *v)
{
	const char *s = p, *lim = e - p > 19 ? p + 19 : e;
	uint64_t x = 0;
	unsigned d;

	*v = 0;
	while (p < lim && (d = (unsigned)((unsigned char)*p - '0')) <= 9) {
		x = x * 10 + d;
		p++;
	}
	if (p == s)
		return NULL;
	if (p == lim && p < e &&
	    (d = (unsigned)((unsigned char)*p - '0')) <= 9) {
		if (x > (UINT64_MAX - d) / 10)
			return NULL;
		x = x * 10 + d;
		if (++p < e && (unsigned)((unsigned char)*p - '0') <= 9)
			return NULL;
	}
	*v = x;
	return p;
}

/* A number at P no bigger than MAX, and ending at a separator. */
static inline const char *scan_max(const char *p, const char *e, uint64_t max,
			    uint64_t *v)
{
	p = scan_u64(p, e, v);
	return p && *v <= max && at_sep(p, e) ? p : NULL;
}

static bool parse_u64(const char *s, size_t n, uint64_t *v)
{
	const char *e = s + n;

	return scan_u64(s, e, v) == e;
}

static bool parse_u32(const char *s, size_t n, uint32_t *v)
{
	uint64_t x;

	if (!parse_u64(s, n, &x) || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

static bool parse_u16(const char *s, size_t n, uint16_t *v)
{
	uint64_t x;

	if (!parse_u64(s, n, &x) || x > UINT16_MAX)
		return false;
	*v = (uint16_t)x;
	return true;
}

/* GRE keys: "0x100" (conntrack and the kernel print hex), or decimal. */
static bool parse_key(const char *s, size_t n, uint16_t *v)
{
	uint32_t x = 0;

	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return parse_u16(s, n, v);
	if (n > 6)
		return false;
	for (size_t i = 2; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (unsigned)((c | 0x20) - 'a' + 10);
		else
			return false;
		x = x * 16 + d;
	}
	*v = (uint16_t)x;
	return true;
}

static bool is_number(const struct tok *t)
{
	uint64_t v;

	/* Most header words are names: their first byte says so. */
	return t->n && (unsigned)((unsigned char)t->s[0] - '0') <= 9 &&
	       parse_u64(t->s, t->n, &v);
}

/* A bare word: no '=', no bracket, not a number. */
static bool is_word(const struct tok *t)
{
	return t->n && t->s[0] != '[' && !memchr(t->s, '=', t->n) &&
	       !is_number(t);
}

/* An address at P ending at a separator: its family, 0 if it is none. */
static int scan_addr(const char *p, const char *e, union flow_addr *a,
		     const char **end)
{
	const char *q;

	memset(a, 0, sizeof(*a));
	if ((q = addr_text_v4(p, e, a->b)) && at_sep(q, e)) {
		*end = q;
		return FLOW_IPV4;
	}
	if ((q = addr_text_v6(p, e, a->b)) && at_sep(q, e)) {
		*end = q;
		return FLOW_IPV6;
	}
	return 0;
}

/* ---- labels ---- */

#define LABEL_BITS LABELMAP_BITS

/* A name from connlabel.conf, or a bit number. */
static int label_bit(const char *s, size_t n)
{
	uint32_t bit;
	int found = labelmap_bit(s, n);

	if (found < 0 && parse_u32(s, n, &bit) && bit < LABEL_BITS)
		found = (int)bit;
	return found;
}

static bool parse_labels(const char *s, size_t n, struct flow *f)
{
	uint8_t bits[LABEL_BITS / 8] = { 0 };
	const char *e = s + n;

	while (s < e) {
		const char *comma = memchr(s, ',', (size_t)(e - s));
		const char *end = comma ? comma : e;
		int bit = label_bit(s, (size_t)(end - s));

		if (bit < 0)
			return false;
		bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
		s = comma ? comma + 1 : e;
	}
	f->labels = intern_labels(bits, sizeof(bits));
	if (f->labels)
		f->has |= FLOW_HAS_LABELS;
	return true;
}

/* ---- times ---- */

/* "Tue Dec  1 21:34:39 2026", ctime()'s form, as local time. */
static bool parse_ctime(const char *s, size_t n, uint64_t *ns)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char buf[64], mon[4];
	struct tm tm;
	int mday, hh, mm, ss, year;
	const char *m;
	time_t t;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (sscanf(buf, "%*3s %3s %d %d:%d:%d %d", mon, &mday, &hh, &mm, &ss,
		   &year) != 6 || strlen(mon) != 3)
		return false;
	m = strstr(months, mon);
	if (!m || (m - months) % 3 || mday < 1 || mday > 31 || hh > 23 ||
	    mm > 59 || ss > 60 || year < 1970 || year > 9999 || hh < 0 ||
	    mm < 0 || ss < 0)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = (int)((m - months) / 3);
	tm.tm_mday = mday;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 || t < 0)
		return false;
	*ns = (uint64_t)t * 1000000000u;
	return true;
}

/* "[1796161009.565823]": conntrack -E -o timestamp. */
static bool parse_event_time(const struct tok *t, uint64_t *ns)
{
	const char *dot;
	uint64_t sec, usec;
	size_t ulen;

	if (t->n < 3 || t->s[t->n - 1] != ']')
		return false;
	dot = memchr(t->s, '.', t->n);
	if (!dot || !parse_u64(t->s + 1, (size_t)(dot - t->s - 1), &sec) ||
	    sec > UINT64_MAX / 1000000000u - 1)
		return false;
	ulen = (size_t)(t->s + t->n - 1 - dot - 1);
	if (ulen > 9 || !parse_u64(dot + 1, ulen, &usec))
		return false;
	for (size_t i = ulen; i < 9; i++)
		usec *= 10;
	*ns = sec * 1000000000u + usec;
	return true;
}

/* ---- the line ---- */

struct line_state {
	struct text_line *out;
	int dir;		/* 0 before the first src=, 1 orig, 2 reply */
	bool dst_seen[2];
	bool unreplied, icmp_id_next, have_start;
	int addr_family;
	uint64_t delta;
	bool have_delta;
};

static struct flow_tuple *tuple_of(struct line_state *st)
{
	return st->dir == 1 ? &st->out->f.orig : &st->out->f.reply;
}

enum key {
	K_OTHER = 0,
	K_SRC,
	K_DST,
	K_PACKETS,
	K_BYTES,
	K_SPORT,
	K_DPORT,
	K_TYPE,
	K_CODE,
	K_ID,
	K_SRCKEY,
	K_DSTKEY,
	K_MARK,
	K_ZONE,
	K_ZONE_ORIG,
	K_ZONE_REPLY,
	K_DELTA_TIME,
	K_USE,
	K_HELPER,
	K_LABELS,
};

/* The key of the word at P, told by its first byte and then its bytes
 * up to the '=' (*len: the key and its '='): no scan for the '=', no
 * copy. Everything else (secmark=, secctx=, GRE's timeout=, events'
 * portid=, a bare word) is K_OTHER. */
static enum key key_at(const char *p, const char *e, size_t *len)
{
	size_t room = (size_t)(e - p);

#define IS(lit, k)                                                    \
	do {                                                          \
		if (room >= sizeof(lit) - 1 &&                        \
		    !memcmp(p, lit, sizeof(lit) - 1)) {               \
			*len = sizeof(lit) - 1;                       \
			return k;                                     \
		}                                                     \
	} while (0)
	switch (*p) {
	case 's':
		IS("src=", K_SRC);
		IS("sport=", K_SPORT);
		IS("srckey=", K_SRCKEY);
		break;
	case 'd':
		IS("dst=", K_DST);
		IS("dport=", K_DPORT);
		IS("dstkey=", K_DSTKEY);
		IS("delta-time=", K_DELTA_TIME);
		break;
	case 'p':
		IS("packets=", K_PACKETS);
		break;
	case 'b':
		IS("bytes=", K_BYTES);
		break;
	case 't':
		IS("type=", K_TYPE);
		break;
	case 'c':
		IS("code=", K_CODE);
		break;
	case 'i':
		IS("id=", K_ID);
		break;
	case 'm':
		IS("mark=", K_MARK);
		break;
	case 'z':
		IS("zone=", K_ZONE);
		IS("zone-orig=", K_ZONE_ORIG);
		IS("zone-reply=", K_ZONE_REPLY);
		break;
	case 'u':
		IS("use=", K_USE);
		break;
	case 'h':
		IS("helper=", K_HELPER);
		break;
	case 'l':
		IS("labels=", K_LABELS);
		break;
	}
#undef IS
	return K_OTHER;
}

/* The value of KEY at P, read as it is scanned. Returns where it ends
 * (at a separator), NULL when it is malformed. */
static const char *apply_value(struct line_state *st, enum key key,
			       const char *p, const char *e)
{
	struct flow *f = &st->out->f;
	bool icmp_id = st->icmp_id_next;
	const char *q;
	char name[64];
	uint64_t x;

	st->icmp_id_next = false;
	switch (key) {
	case K_SRC:
	case K_DST: {
		union flow_addr a;
		int fam;

		if (key == K_SRC) {
			if (++st->dir > 2)
				return NULL;
		} else if (!st->dir || st->dst_seen[st->dir - 1]) {
			return NULL;
		}
		fam = scan_addr(p, e, &a, &q);
		if (!fam || (st->addr_family && fam != st->addr_family))
			return NULL;
		st->addr_family = fam;
		if (key == K_SRC) {
			tuple_of(st)->src = a;
		} else {
			tuple_of(st)->dst = a;
			st->dst_seen[st->dir - 1] = true;
		}
		return q;
	}
	case K_PACKETS:
	case K_BYTES:
		if (!st->dir || !(q = scan_max(p, e, UINT64_MAX, &x)))
			return NULL;
		if (key == K_PACKETS)
			*(st->dir == 1 ? &f->orig_packets : &f->reply_packets) = x;
		else
			*(st->dir == 1 ? &f->orig_bytes : &f->reply_bytes) = x;
		f->has |= FLOW_HAS_COUNTERS;
		return q;
	case K_SPORT:
	case K_DPORT:
		if (!st->dir || !(q = scan_max(p, e, UINT16_MAX, &x)))
			return NULL;
		if (key == K_SPORT)
			tuple_of(st)->sport = (uint16_t)x;
		else
			tuple_of(st)->dport = (uint16_t)x;
		return q;
	case K_TYPE:
	case K_CODE:
		if (!st->dir || !(q = scan_max(p, e, 255, &x)))
			return NULL;
		if (key == K_TYPE)
			tuple_of(st)->icmp_type = (uint8_t)x;
		else
			tuple_of(st)->icmp_code = (uint8_t)x;
		st->icmp_id_next = key == K_CODE;
		return q;
	case K_ID:
		/* Right after code= it is the ICMP echo id, else the
		 * conntrack id. */
		if (icmp_id && st->dir) {
			if ((q = scan_max(p, e, UINT16_MAX, &x)))
				tuple_of(st)->sport = (uint16_t)x;
			return q;
		}
		if ((q = scan_max(p, e, UINT32_MAX, &x)))
			f->id = (uint32_t)x;
		return q;
	case K_SRCKEY:
	case K_DSTKEY:
		q = word_end(p, e);
		if (!st->dir ||
		    !parse_key(p, (size_t)(q - p), key == K_SRCKEY
						   ? &tuple_of(st)->sport
						   : &tuple_of(st)->dport))
			return NULL;
		return q;
	case K_MARK:
		f->has |= FLOW_HAS_MARK;
		if ((q = scan_max(p, e, UINT32_MAX, &x)))
			f->mark = (uint32_t)x;
		return q;
	/* zone= applies to both directions, zone-orig= / zone-reply= to one
	 * (the kernel's CTA_ZONE and CTA_TUPLE_ZONE). */
	case K_ZONE:
	case K_ZONE_ORIG:
	case K_ZONE_REPLY:
		f->has |= FLOW_HAS_ZONE;
		if (!(q = scan_max(p, e, UINT16_MAX, &x)))
			return NULL;
		if (key != K_ZONE_REPLY)
			f->orig.zone = (uint16_t)x;
		if (key != K_ZONE_ORIG)
			f->reply.zone = (uint16_t)x;
		return q;
	case K_DELTA_TIME:
		st->have_delta = (q = scan_max(p, e, UINT64_MAX, &st->delta));
		return q;
	case K_USE:
		if ((q = scan_max(p, e, UINT32_MAX, &x))) {
			st->out->use = (uint32_t)x;
			st->out->has_use = true;
		}
		return q;
	case K_HELPER:
		q = word_end(p, e);
		if (q == p || (size_t)(q - p) >= sizeof(name))
			return NULL;
		memcpy(name, p, (size_t)(q - p));
		name[q - p] = '\0';
		f->helper = intern_helper(name);
		return q;
	case K_LABELS:
		q = word_end(p, e);
		return parse_labels(p, (size_t)(q - p), f) ? q : NULL;
	case K_OTHER:
		break;
	}
	return word_end(p, e);
}

/* [UNREPLIED], [ASSURED], [start=...]: a bracketed word after the
 * header. */
static bool apply_bracket(struct line_state *st, const struct tok *t)
{
	struct flow *f = &st->out->f;

	st->icmp_id_next = false;
	if (tok_is(t, "[UNREPLIED]"))
		st->unreplied = true;
	else if (tok_is(t, "[ASSURED]"))
		f->status |= FLOW_S_ASSURED;
	else if (tok_is(t, "[OFFLOAD]"))
		f->status |= FLOW_S_OFFLOAD;
	else if (tok_is(t, "[HW_OFFLOAD]"))
		f->status |= FLOW_S_OFFLOAD | FLOW_S_HW_OFFLOAD;
	else if (t->n > 8 && !memcmp(t->s, "[start=", 7)) {
		if (t->s[t->n - 1] != ']' ||
		    !parse_ctime(t->s + 7, t->n - 8, &f->start_ns))
			return false;
		st->have_start = true;
	}
	/* [stop=...], [USERSPACE], and newer words: nothing to keep. */
	return true;
}

/* The key=value part, from P to E, in one pass: each key is told by its
 * first bytes and its value read as it is scanned. */
static bool read_pairs(struct line_state *st, const char *p, const char *e)
{
	for (;;) {
		enum key key;
		size_t kn;

		p = skip_blanks(p, e);
		if (p == e)
			return true;
		if (*p == '[') {
			struct tok t;

			next_tok(&p, e, &t);
			/* Before the first tuple only [UNREPLIED] counts
			 * (an event's [USERSPACE] does not). */
			if ((st->dir || tok_is(&t, "[UNREPLIED]")) &&
			    !apply_bracket(st, &t))
				return false;
			continue;
		}
		key = key_at(p, e, &kn);
		/* Before the first tuple only GRE's timeouts come: skip
		 * what is not src=. */
		if (key == K_OTHER || (!st->dir && key != K_SRC)) {
			if (st->dir)
				st->icmp_id_next = false;
			p = word_end(p, e);
			continue;
		}
		p = apply_value(st, key, p + kn, e);
		if (!p || !at_sep(p, e))
			return false;
	}
}

/* "[NEW]" and its kin, and the timestamp before them. */
static bool read_event_prefix(const char **p, const char *e, struct tok *t,
			      struct text_line *out)
{
	if (t->n > 2 && t->s[0] == '[' && t->s[1] >= '0' && t->s[1] <= '9') {
		if (!parse_event_time(t, &out->event_ns) || !next_tok(p, e, t))
			return false;
	}
	if (tok_is(t, "[NEW]"))
		out->event = TEXT_EV_NEW;
	else if (tok_is(t, "[UPDATE]"))
		out->event = TEXT_EV_UPDATE;
	else if (tok_is(t, "[DESTROY]"))
		out->event = TEXT_EV_DESTROY;
	else
		return out->event_ns == 0;	/* a time alone is no event */
	return next_tok(p, e, t);
}

/* "ipv4 2 tcp 6" or "tcp 6": a name and a number, once or twice. The
 * first pair is the layer 3 one when another name-and-number pair
 * follows it. *T becomes the word after them. */
static bool read_header(const char **p, const char *e, struct tok *t,
			struct text_line *out)
{
	struct tok num, name2, num2;
	const char *save;
	uint64_t l3, l4;

	if (!is_word(t) || !next_tok(p, e, &num) ||
	    !parse_u64(num.s, num.n, &l4) || l4 > 255)
		return false;
	save = *p;
	if (next_tok(p, e, &name2) && is_word(&name2) &&
	    next_tok(p, e, &num2) && parse_u64(num2.s, num2.n, &l3)) {
		/* l4 was the layer 3 number. */
		if (l4 != FLOW_IPV4 && l4 != FLOW_IPV6)
			return false;
		out->f.family = (uint8_t)l4;
		out->has_l3 = true;
		if (l3 > 255)
			return false;
		out->f.protonum = (uint8_t)l3;
		return next_tok(p, e, t);
	}
	*p = save;
	out->f.protonum = (uint8_t)l4;
	return next_tok(p, e, t);
}

static bool finish(struct line_state *st, uint64_t now_ns)
{
	struct flow *f = &st->out->f;

	if (st->dir != 2 || !st->dst_seen[0] || !st->dst_seen[1])
		return false;
	if (f->family && f->family != st->addr_family)
		return false;
	f->family = (uint8_t)st->addr_family;
	/* Every entry a table lists is confirmed; events of entries too. */
	f->status |= FLOW_S_CONFIRMED;
	if (!st->unreplied)
		f->status |= FLOW_S_SEEN_REPLY;
	/* The kernel reports an entry's end once it is dying. */
	if (st->out->event == TEXT_EV_DESTROY)
		f->status |= FLOW_S_DYING;
	/* An event's delta-time counts to the event (its stop time). */
	if (st->out->event_ns)
		now_ns = st->out->event_ns;
	if (!st->have_start && st->have_delta &&
	    st->delta <= now_ns / 1000000000u)
		f->start_ns = now_ns - st->delta * 1000000000u;
	if (st->have_start || (st->have_delta && f->start_ns))
		f->has |= FLOW_HAS_START;
	return true;
}

enum text_kind text_table_line(const char *s, size_t n, uint64_t now_ns,
			       struct text_line *out)
{
	struct line_state st = { .out = out };
	const char *p = s, *e;
	struct tok t;
	int64_t state;

	memset(out, 0, sizeof(*out));
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	e = s + n;
	if (!next_tok(&p, e, &t))
		return TEXT_QUIET;
	/* conntrack's own messages ("conntrack v1.4.7 (conntrack-tools):
	 * 7 flow entries have been shown.") reach us with 2>&1. */
	if (tok_is(&t, "conntrack")) {
		const char *q = p;
		struct tok v;

		if (next_tok(&q, e, &v) && v.n > 1 && v.s[0] == 'v' &&
		    v.s[1] >= '0' && v.s[1] <= '9')
			return TEXT_QUIET;
	}
	if (!read_event_prefix(&p, e, &t, out) || !read_header(&p, e, &t, out))
		return TEXT_BAD;
	/* TIMEOUT, then STATE: both optional (no timeout when offloaded,
	 * no state for udp). */
	if (is_number(&t)) {
		uint64_t to;

		if (!parse_u64(t.s, t.n, &to) || to > UINT32_MAX)
			return TEXT_BAD;
		out->f.timeout = (uint32_t)to;
		out->f.has |= FLOW_HAS_TIMEOUT;
		if (!next_tok(&p, e, &t))
			return TEXT_BAD;
	}
	if (is_word(&t)) {
		state = flow_state_by_name(out->f.protonum, t.s, t.n);
		if (state >= 0) {
			out->f.state = (uint8_t)state;
			out->f.has |= FLOW_HAS_STATE;
		}
		if (!next_tok(&p, e, &t))
			return TEXT_BAD;
	}
	if (!read_pairs(&st, t.s, e))
		return TEXT_BAD;
	return finish(&st, now_ns) ? TEXT_FLOW : TEXT_BAD;
}

bool text_table_summary(const char *s, size_t n, unsigned long *entries)
{
	static const char pfx[] = "conntrack v";
	const char *p, *e = s + n;
	uint64_t v = 0;

	s = skip_blanks(s, e);
	if ((size_t)(e - s) < sizeof(pfx) - 1 || memcmp(s, pfx, sizeof(pfx) - 1))
		return false;
	p = s;
	while (p + 2 < e && !(p[0] == ')' && p[1] == ':' && p[2] == ' '))
		p++;
	if (p + 2 >= e)
		return false;
	p += 3;
	s = p;
	while (p < e && *p >= '0' && *p <= '9')
		p++;
	/* "flow entries have been shown": a table; "flow events" is
	 * conntrack -E's, which a table reader must not take for one. */
	if (p == s || !parse_u64(s, (size_t)(p - s), &v) ||
	    (size_t)(e - p) < 14 || memcmp(p, " flow entries ", 14))
		return false;
	*entries = (unsigned long)v;
	return true;
}

bool text_table_detect(const char *head, size_t n)
{
	const char *p = head, *e = head + n;
	struct text_line tl;
	unsigned long entries;

	/* Whole lines only, but a head that ends without a newline may be
	 * the whole input. */
	while (p < e) {
		const char *eol = memchr(p, '\n', (size_t)(e - p));
		size_t len = (size_t)((eol ? eol : e) - p);

		if (text_table_line(p, len, 0, &tl) == TEXT_FLOW ||
		    text_table_summary(p, len, &entries))
			return true;
		if (!eol)
			break;
		p = eol + 1;
	}
	return false;
}
