/* Conntrack table text into struct flow (see text_table.h for the
 * grammar). Written for speed: one pass over the line, no allocation, no
 * sscanf; a /proc/net/nf_conntrack line costs well under a microsecond. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labelmap.h"
#include "text_table.h"

struct tok {
	const char *s;
	size_t n;
	const char *eq;		/* the first '=' in it, or NULL */
};

struct cursor {
	const char *p, *e;
	bool tabs;		/* the line has a tab (rare): scan byte by byte */
};

/* Byte classes for the slow scanner. */
enum { C_WORD = 0, C_SPACE = 1, C_EQ = 2 };
static const unsigned char byte_class[256] = {
	[' '] = C_SPACE, ['\t'] = C_SPACE, ['\r'] = C_SPACE, ['\n'] = C_SPACE,
	['='] = C_EQ,
};

static bool is_space(char c)
{
	return byte_class[(unsigned char)c] == C_SPACE;
}

/* Where the '=' of a word is: keys are short, so the first few bytes
 * almost always hold it. */
static const char *find_eq(const char *p, size_t n)
{
	size_t head = n < 16 ? n : 16;

	for (size_t i = 0; i < head; i++)
		if (p[i] == '=')
			return p + i;
	return n > head ? memchr(p + head, '=', n - head) : NULL;
}

/* The next word; a word opening with '[' runs to its ']' (a ctime in
 * "[start=Tue Dec  1 21:34:39 2026]" holds blanks). Words are split at
 * blanks; without a tab on the line, at single spaces found by memchr,
 * which is most of the time spent on a line otherwise. */
static bool next_tok(struct cursor *c, struct tok *t)
{
	const char *p = c->p, *e = c->e, *q;

	while (p < e && is_space(*p))
		p++;
	if (p == e)
		return false;
	t->s = p;
	if (*p == '[') {
		q = memchr(p, ']', (size_t)(e - p));
		p = q ? q + 1 : e;
	} else if (!c->tabs) {
		q = memchr(p, ' ', (size_t)(e - p));
		p = q ? q : e;
	} else {
		while (p < e && !is_space(*p))
			p++;
	}
	t->n = (size_t)(p - t->s);
	t->eq = t->s[0] == '[' ? NULL : find_eq(t->s, t->n);
	c->p = p;
	return true;
}

static bool tok_is(const struct tok *t, const char *lit)
{
	size_t n = strlen(lit);

	return t->n == n && !memcmp(t->s, lit, n);
}

static bool parse_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (!n || n > 20)
		return false;
	/* Nineteen digits cannot overflow: check only the twentieth. */
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || (i == 19 && x > (UINT64_MAX - d) / 10))
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
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

	return parse_u64(t->s, t->n, &v);
}

/* A bare word: no '=', no bracket, not a number. */
static bool is_word(const struct tok *t)
{
	return t->n && t->s[0] != '[' && !t->eq && !is_number(t);
}

/* A dotted quad, by hand (the common case, and fast). */
static bool parse_v4(const char *s, size_t n, union flow_addr *a)
{
	unsigned part = 0, dots = 0, digits = 0;

	if (n > 15)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (!digits || dots == 3)
				return false;
			a->b[dots++] = (uint8_t)part;
			part = digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9' && digits < 3) {
			part = part * 10 + (unsigned)(s[i] - '0');
			digits++;
			if (part > 255)
				return false;
		} else {
			return false;
		}
	}
	if (dots != 3 || !digits)
		return false;
	a->b[3] = (uint8_t)part;
	return true;
}

/* An address: the family, 0 if it is none. */
static int parse_addr(const char *s, size_t n, union flow_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 1];

	memset(a, 0, sizeof(*a));
	if (parse_v4(s, n, a))
		return FLOW_IPV4;
	memset(a, 0, sizeof(*a));
	if (n < 2 || n >= sizeof(buf) || !memchr(s, ':', n))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, a->b) == 1 ? FLOW_IPV6 : 0;
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

/* The key of a key=value word, by its length first: a line has a dozen
 * of them, so this is on the hot path. */
static enum key key_of(const char *k, size_t kn)
{
#define IS(lit) (!memcmp(k, lit, sizeof(lit) - 1))
	switch (kn) {
	case 2:
		if (IS("id"))
			return K_ID;
		break;
	case 3:
		if (IS("src"))
			return K_SRC;
		if (IS("dst"))
			return K_DST;
		if (IS("use"))
			return K_USE;
		break;
	case 4:
		if (IS("type"))
			return K_TYPE;
		if (IS("code"))
			return K_CODE;
		if (IS("mark"))
			return K_MARK;
		if (IS("zone"))
			return K_ZONE;
		break;
	case 5:
		if (IS("bytes"))
			return K_BYTES;
		if (IS("sport"))
			return K_SPORT;
		if (IS("dport"))
			return K_DPORT;
		break;
	case 6:
		if (IS("srckey"))
			return K_SRCKEY;
		if (IS("dstkey"))
			return K_DSTKEY;
		if (IS("helper"))
			return K_HELPER;
		if (IS("labels"))
			return K_LABELS;
		break;
	case 7:
		if (IS("packets"))
			return K_PACKETS;
		break;
	case 9:
		if (IS("zone-orig"))
			return K_ZONE_ORIG;
		break;
	case 10:
		if (IS("zone-reply"))
			return K_ZONE_REPLY;
		if (IS("delta-time"))
			return K_DELTA_TIME;
		break;
	}
#undef IS
	return K_OTHER;
}

/* One key=value word after the header. False: the line is malformed. */
static bool apply_pair(struct line_state *st, const char *k, size_t kn,
		       const char *v, size_t vn)
{
	struct flow *f = &st->out->f;
	bool icmp_id = st->icmp_id_next;
	char name[64];
	uint64_t x;
	int fam;

	enum key key = key_of(k, kn);

	st->icmp_id_next = false;
#define KEY(lit) (key == lit)
	if (KEY(K_SRC) || KEY(K_DST)) {
		union flow_addr a;

		if (k[0] == 's') {
			if (++st->dir > 2)
				return false;
		} else if (!st->dir || st->dst_seen[st->dir - 1]) {
			return false;
		}
		fam = parse_addr(v, vn, &a);
		if (!fam || (st->addr_family && fam != st->addr_family))
			return false;
		st->addr_family = fam;
		if (k[0] == 's') {
			tuple_of(st)->src = a;
		} else {
			tuple_of(st)->dst = a;
			st->dst_seen[st->dir - 1] = true;
		}
		return true;
	}
	if (KEY(K_PACKETS) || KEY(K_BYTES)) {
		uint64_t *c;

		if (!st->dir || !parse_u64(v, vn, &x))
			return false;
		if (k[0] == 'p')
			c = st->dir == 1 ? &f->orig_packets : &f->reply_packets;
		else
			c = st->dir == 1 ? &f->orig_bytes : &f->reply_bytes;
		*c = x;
		f->has |= FLOW_HAS_COUNTERS;
		return true;
	}
	if (KEY(K_SPORT) || KEY(K_DPORT)) {
		uint16_t port;

		if (!st->dir || !parse_u16(v, vn, &port))
			return false;
		if (k[0] == 's')
			tuple_of(st)->sport = port;
		else
			tuple_of(st)->dport = port;
		return true;
	}
	if (KEY(K_TYPE) || KEY(K_CODE)) {
		if (!st->dir || !parse_u64(v, vn, &x) || x > 255)
			return false;
		if (k[0] == 't')
			tuple_of(st)->icmp_type = (uint8_t)x;
		else
			tuple_of(st)->icmp_code = (uint8_t)x;
		st->icmp_id_next = k[0] == 'c';
		return true;
	}
	if (KEY(K_ID)) {
		if (icmp_id && st->dir)
			return parse_u16(v, vn, &tuple_of(st)->sport);
		return parse_u32(v, vn, &f->id);
	}
	if (KEY(K_SRCKEY) || KEY(K_DSTKEY)) {
		if (!st->dir)
			return false;
		return parse_key(v, vn, k[0] == 's' ? &tuple_of(st)->sport
						    : &tuple_of(st)->dport);
	}
	if (KEY(K_MARK)) {
		f->has |= FLOW_HAS_MARK;
		return parse_u32(v, vn, &f->mark);
	}
	/* zone= applies to both directions, zone-orig= / zone-reply= to one
	 * (the kernel's CTA_ZONE and CTA_TUPLE_ZONE). */
	if (KEY(K_ZONE) || KEY(K_ZONE_ORIG) || KEY(K_ZONE_REPLY)) {
		uint16_t z;

		f->has |= FLOW_HAS_ZONE;
		if (!parse_u16(v, vn, &z))
			return false;
		if (key != K_ZONE_REPLY)
			f->orig.zone = z;
		if (key != K_ZONE_ORIG)
			f->reply.zone = z;
		return true;
	}
	if (KEY(K_DELTA_TIME)) {
		st->have_delta = parse_u64(v, vn, &st->delta);
		return st->have_delta;
	}
	if (KEY(K_USE)) {
		st->out->has_use = true;
		return parse_u32(v, vn, &st->out->use);
	}
	if (KEY(K_HELPER)) {
		if (!vn || vn >= sizeof(name))
			return false;
		memcpy(name, v, vn);
		name[vn] = '\0';
		f->helper = intern_helper(name);
		return true;
	}
	if (KEY(K_LABELS))
		return parse_labels(v, vn, f);
#undef KEY
	/* secmark=, secctx=, portid=, progname=, and what comes next. */
	return true;
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

/* "[NEW]" and its kin, and the timestamp before them. */
static bool read_event_prefix(struct cursor *c, struct tok *t,
			      struct text_line *out)
{
	if (t->n > 2 && t->s[0] == '[' && t->s[1] >= '0' && t->s[1] <= '9') {
		if (!parse_event_time(t, &out->event_ns) || !next_tok(c, t))
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
	return next_tok(c, t);
}

/* "ipv4 2 tcp 6" or "tcp 6": a name and a number, once or twice. The
 * first pair is the layer 3 one when another name-and-number pair
 * follows it. */
static bool read_header(struct cursor *c, struct tok *t, struct text_line *out,
			struct tok *rest)
{
	struct tok num, name2, num2;
	struct cursor save;
	uint64_t l3, l4;

	if (!is_word(t) || !next_tok(c, &num) || !parse_u64(num.s, num.n, &l4) ||
	    l4 > 255)
		return false;
	save = *c;
	if (next_tok(c, &name2) && is_word(&name2) && next_tok(c, &num2) &&
	    parse_u64(num2.s, num2.n, &l3)) {
		/* l4 was the layer 3 number. */
		if (l4 != FLOW_IPV4 && l4 != FLOW_IPV6)
			return false;
		out->f.family = (uint8_t)l4;
		out->has_l3 = true;
		if (l3 > 255)
			return false;
		out->f.protonum = (uint8_t)l3;
		return next_tok(c, rest);
	}
	*c = save;
	out->f.protonum = (uint8_t)l4;
	return next_tok(c, rest);
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
	struct cursor c;
	struct line_state st = { .out = out };
	struct tok t;
	int64_t state;

	memset(out, 0, sizeof(*out));
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	c.p = s;
	c.e = s + n;
	c.tabs = memchr(s, '\t', n) != NULL;
	if (!next_tok(&c, &t))
		return TEXT_QUIET;
	/* conntrack's own messages ("conntrack v1.4.7 (conntrack-tools):
	 * 7 flow entries have been shown.") reach us with 2>&1. */
	if (tok_is(&t, "conntrack") && next_tok(&c, &t) &&
	    t.n > 1 && t.s[0] == 'v' && t.s[1] >= '0' && t.s[1] <= '9')
		return TEXT_QUIET;
	c.p = s;
	next_tok(&c, &t);
	if (!read_event_prefix(&c, &t, out) || !read_header(&c, &t, out, &t))
		return TEXT_BAD;
	/* TIMEOUT, then STATE: both optional (no timeout when offloaded,
	 * no state for udp). */
	if (is_number(&t)) {
		uint64_t to;

		if (!parse_u64(t.s, t.n, &to) || to > UINT32_MAX)
			return TEXT_BAD;
		out->f.timeout = (uint32_t)to;
		out->f.has |= FLOW_HAS_TIMEOUT;
		if (!next_tok(&c, &t))
			return TEXT_BAD;
	}
	if (is_word(&t)) {
		state = flow_state_by_name(out->f.protonum, t.s, t.n);
		if (state >= 0) {
			out->f.state = (uint8_t)state;
			out->f.has |= FLOW_HAS_STATE;
		}
		if (!next_tok(&c, &t))
			return TEXT_BAD;
	}
	do {
		const char *eq;

		if (t.s[0] == '[') {
			if (!st.dir && !tok_is(&t, "[UNREPLIED]"))
				continue;
			if (!apply_bracket(&st, &t))
				return TEXT_BAD;
			continue;
		}
		eq = t.eq;
		if (!eq)
			continue;	/* "timeout=0, stream_timeout=0" */
		/* Before the first tuple only GRE's timeouts come; skip
		 * what is not src=. */
		if (!st.dir && !(eq - t.s == 3 && !memcmp(t.s, "src", 3)))
			continue;
		if (!apply_pair(&st, t.s, (size_t)(eq - t.s), eq + 1,
				(size_t)(t.s + t.n - eq - 1)))
			return TEXT_BAD;
	} while (next_tok(&c, &t));
	return finish(&st, now_ns) ? TEXT_FLOW : TEXT_BAD;
}

bool text_table_summary(const char *s, size_t n, unsigned long *entries)
{
	static const char pfx[] = "conntrack v";
	const char *p, *e = s + n;
	uint64_t v = 0;

	while (s < e && is_space(*s))
		s++;
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
