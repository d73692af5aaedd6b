/* Pure formatting into caller buffers.
 *
 * These functions run once per visible cell and, in batch mode, once per
 * field of every flow in the table (a million flows on a busy router), so
 * none of them calls printf: digits and addresses are written by hand into
 * a small scratch buffer, then copied with truncation.
 *
 * Truncation contract (format.h): never more than len bytes including the
 * NUL, always NUL-terminated when len > 0, nothing written when len == 0;
 * the return value is the length actually written.
 */
#include <string.h>

#include "format.h"
#include "labelmap.h"

/* An output cursor that truncates silently. Every writer goes through it,
 * so the truncation rule lives in one place. */
struct out {
	char *buf;
	size_t len;	/* capacity including the NUL */
	size_t pos;	/* bytes written so far (without NUL) */
};

static inline void out_init(struct out *o, char *buf, size_t len)
{
	o->buf = buf;
	o->len = len;
	o->pos = 0;
	if (len)
		buf[0] = '\0';
}

static inline size_t out_room(const struct out *o)
{
	return o->len ? o->len - 1 - o->pos : 0;
}

static inline void out_mem(struct out *o, const char *s, size_t n)
{
	size_t room = out_room(o);

	if (n > room)
		n = room;
	if (!n)
		return;
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
	o->buf[o->pos] = '\0';
}

static inline void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static inline void out_chr(struct out *o, char c)
{
	out_mem(o, &c, 1);
}

static inline size_t out_done(const struct out *o)
{
	return o->pos;
}

/* Copy n bytes of s, truncated; the common tail of most formatters. */
static size_t copy_out(char *buf, size_t len, const char *s, size_t n)
{
	struct out o;

	out_init(&o, buf, len);
	out_mem(&o, s, n);
	return out_done(&o);
}

/* Decimal digits of v into tmp (at least 20 bytes, not terminated);
 * returns the number of digits. */
static size_t u64_digits(char *tmp, uint64_t v)
{
	char rev[20];
	size_t n = 0, i;

	do {
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		tmp[i] = rev[n - 1 - i];
	return n;
}

/* Two digits with a leading zero, for "5:07" and "1:02:03". */
static void two_digits(char *tmp, unsigned v)
{
	tmp[0] = (char)('0' + v / 10 % 10);
	tmp[1] = (char)('0' + v % 10);
}

size_t format_u64(char *buf, size_t len, uint64_t v)
{
	char tmp[20];

	return copy_out(buf, len, tmp, u64_digits(tmp, v));
}

/* "a.b.c.d" into tmp (at least 15 bytes); returns the length. */
static size_t ipv4_text(char *tmp, const uint8_t *b)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (i)
			tmp[n++] = '.';
		if (v >= 100)
			tmp[n++] = (char)('0' + v / 100);
		if (v >= 10)
			tmp[n++] = (char)('0' + v / 10 % 10);
		tmp[n++] = (char)('0' + v % 10);
	}
	return n;
}

/* One 16-bit group in lower-case hex without leading zeros. */
static size_t hex16(char *tmp, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	int shift = 12;

	while (shift > 0 && !(v >> shift & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		tmp[n++] = hex[v >> shift & 0xf];
	return n;
}

/* RFC 5952 text form into tmp (at least 46 bytes): lower case, no
 * leading zeros, the longest run of two or more zero groups (the first
 * one on a tie) replaced by "::", and IPv4-mapped addresses
 * (::ffff:0:0/96) in the mixed "::ffff:a.b.c.d" form the RFC recommends. */
static size_t ipv6_text(char *tmp, const uint8_t *b)
{
	unsigned g[8];
	int best = -1, bestlen = 0, cur = -1, curlen = 0;
	size_t n = 0;
	int i;

	for (i = 0; i < 8; i++)
		g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];

	if (!g[0] && !g[1] && !g[2] && !g[3] && !g[4] && g[5] == 0xffff) {
		memcpy(tmp, "::ffff:", 7);
		return 7 + ipv4_text(tmp + 7, b + 12);
	}

	for (i = 0; i < 8; i++) {
		if (g[i]) {
			cur = -1;
			continue;
		}
		if (cur < 0) {
			cur = i;
			curlen = 0;
		}
		if (++curlen > bestlen) {
			best = cur;
			bestlen = curlen;
		}
	}
	if (bestlen < 2) {
		best = -1;
		bestlen = 0;
	}

	for (i = 0; i < 8; i++) {
		if (i == best) {
			tmp[n++] = ':';
			tmp[n++] = ':';
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			tmp[n++] = ':';
		n += hex16(tmp + n, g[i]);
	}
	return n;
}

/* Address text into tmp (at least 46 bytes). */
static size_t addr_text(char *tmp, uint8_t family, const union flow_addr *a)
{
	if (family == FLOW_IPV6)
		return ipv6_text(tmp, a->b);
	if (family == FLOW_IPV4)
		return ipv4_text(tmp, a->b);
	tmp[0] = '?';
	return 1;
}

size_t format_addr(char *buf, size_t len, uint8_t family,
		   const union flow_addr *a)
{
	char tmp[48];

	return copy_out(buf, len, tmp, addr_text(tmp, family, a));
}

size_t format_endpoint(char *buf, size_t len, const struct flow *f,
		       const struct flow_tuple *t, int which)
{
	char tmp[64];
	const union flow_addr *a = which ? &t->dst : &t->src;
	bool port = flow_proto_has_ports(f->protonum);
	bool brackets = port && f->family == FLOW_IPV6;
	size_t n = 0;

	/* Brackets only where a port follows: a bare IPv6 address is
	 * unambiguous and reads better without them. */
	if (brackets)
		tmp[n++] = '[';
	n += addr_text(tmp + n, f->family, a);
	if (brackets)
		tmp[n++] = ']';
	if (port) {
		tmp[n++] = ':';
		n += u64_digits(tmp + n, which ? t->dport : t->sport);
	}
	return copy_out(buf, len, tmp, n);
}

/* Durations, chosen so a TTL column of 8 cells always fits:
 *   0 .. 59 s          "59"         seconds
 *   1 min .. < 1 h     "5:07"       minutes:seconds
 *   1 h .. < 1 day     "1:02:03"    hours:minutes:seconds
 *   1 day and more     "5d02h"      days and hours (minutes dropped,
 *                                   truncated, not rounded)
 * Truncating keeps a countdown monotonic: "1d00h" shows until a full day
 * is left, never "1d00h" for 23:59:59. */
size_t format_duration(char *buf, size_t len, uint64_t seconds)
{
	char tmp[32];
	size_t n;

	if (seconds < 60)
		return format_u64(buf, len, seconds);
	if (seconds < 3600) {
		n = u64_digits(tmp, seconds / 60);
		tmp[n++] = ':';
		two_digits(tmp + n, (unsigned)(seconds % 60));
		return copy_out(buf, len, tmp, n + 2);
	}
	if (seconds < 86400) {
		n = u64_digits(tmp, seconds / 3600);
		tmp[n++] = ':';
		two_digits(tmp + n, (unsigned)(seconds / 60 % 60));
		n += 2;
		tmp[n++] = ':';
		two_digits(tmp + n, (unsigned)(seconds % 60));
		return copy_out(buf, len, tmp, n + 2);
	}
	n = u64_digits(tmp, seconds / 86400);
	tmp[n++] = 'd';
	two_digits(tmp + n, (unsigned)(seconds / 3600 % 24));
	n += 2;
	tmp[n++] = 'h';
	return copy_out(buf, len, tmp, n);
}

/* Scaled numbers for a narrow column (at most 5 cells up to the exa unit):
 *   below base         the plain number ("999", "1023")
 *   below 100 units    one decimal, rounded half up ("1.5K", "12.0M")
 *   100 units and up   whole units, rounded ("512K")
 * A value that rounds up to a full base moves to the next unit, so
 * 1023.97K prints "1.0M", never "1024K". Integer arithmetic only: no
 * floating point rounding surprises at the boundaries. */
static size_t format_scaled(char *buf, size_t len, uint64_t v, unsigned base,
			    const char *units)
{
	char tmp[32];
	size_t nunits = strlen(units), k = 0, n;
	uint64_t d = 1, whole, rem, tenths;
	bool decimal = false;

	if (v < base)
		return format_u64(buf, len, v);
	while (k < nunits && v / d >= base) {
		d *= base;
		k++;
	}
	for (;;) {
		whole = v / d;
		rem = v % d;
		/* rem < d <= base^6 < 2^61, so rem * 10 cannot overflow. */
		tenths = whole * 10 + (rem * 10 + d / 2) / d;
		if (tenths < 1000) {
			decimal = true;
			break;
		}
		whole += rem >= d - rem;	/* rem / d >= 0.5 */
		if (whole < base || k == nunits)
			break;
		d *= base;
		k++;
	}
	if (decimal) {
		n = u64_digits(tmp, tenths / 10);
		tmp[n++] = '.';
		tmp[n++] = (char)('0' + tenths % 10);
	} else {
		n = u64_digits(tmp, whole);
	}
	tmp[n++] = units[k - 1];
	return copy_out(buf, len, tmp, n);
}

size_t format_bytes(char *buf, size_t len, uint64_t bytes)
{
	return format_scaled(buf, len, bytes, 1024, "KMGTPE");
}

size_t format_count(char *buf, size_t len, uint64_t n)
{
	return format_scaled(buf, len, n, 1000, "kMGTPE");
}

size_t format_flags_short(char *buf, size_t len, const struct flow *f)
{
	char tmp[16];
	size_t n = 0;

	if (f->status & FLOW_S_ASSURED)
		tmp[n++] = 'A';
	if (flow_unreplied(f))
		tmp[n++] = 'U';
	/* NAT as the tuples show it (flow_nat), the same definition the nat
	 * column and the filter use, so the three always agree. */
	switch (flow_nat(f)) {
	case FLOW_NAT_BOTH:
		tmp[n++] = 'N';
		break;
	case FLOW_NAT_SNAT:
		tmp[n++] = 'S';
		break;
	case FLOW_NAT_DNAT:
		tmp[n++] = 'D';
		break;
	case FLOW_NAT_NONE:
		break;
	}
	if (f->status & FLOW_S_OFFLOAD)
		tmp[n++] = 'O';
	if (f->status & FLOW_S_HW_OFFLOAD)
		tmp[n++] = 'H';
	if (f->status & FLOW_S_DYING)
		tmp[n++] = 'X';
	if (f->status & FLOW_S_EXPECTED)
		tmp[n++] = 'E';
	if (!n)
		tmp[n++] = '-';
	return copy_out(buf, len, tmp, n);
}

struct flag_out {
	struct out o;
	bool full;
};

/* Not split: a truncated list drops whole names, never shows half of one
 * that could read as another flag; and once a name is dropped, so are the
 * ones after it, so the list is always a prefix of the full one. */
static void flag_append(const char *name, void *data)
{
	struct flag_out *fo = data;
	size_t need = strlen(name) + (fo->o.pos ? 1 : 0);

	if (fo->full || need > out_room(&fo->o)) {
		fo->full = true;
		return;
	}
	if (fo->o.pos)
		out_chr(&fo->o, ',');
	out_str(&fo->o, name);
}

size_t format_flags_long(char *buf, size_t len, const struct flow *f)
{
	struct flag_out fo = { .full = false };

	out_init(&fo.o, buf, len);
	flow_flag_names(f, flag_append, &fo);
	return out_done(&fo.o);
}

size_t format_proto(char *buf, size_t len, uint8_t protonum)
{
	const char *name = flow_proto_name(protonum);

	if (!strcmp(name, "unknown"))
		return format_u64(buf, len, protonum);
	return copy_out(buf, len, name, strlen(name));
}

/* Control characters become \u00XX; quotes and backslashes are escaped.
 * An escape is written whole or not at all, so truncated output is still
 * valid JSON string content. Bytes >= 0x80 pass through (UTF-8). */
size_t format_zone(char *buf, size_t len, uint16_t orig, uint16_t reply)
{
	char tmp[24];
	size_t n;

	n = format_u64(tmp, sizeof(tmp), orig);
	if (orig != reply) {
		tmp[n++] = '/';
		n += format_u64(tmp + n, sizeof(tmp) - n, reply);
	}
	return copy_out(buf, len, tmp, n);
}

size_t format_json_escape(char *buf, size_t len, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	struct out o;
	char esc[6];
	size_t n;

	out_init(&o, buf, len);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			n = 2;
		} else if (c < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			n = 6;
		} else {
			esc[0] = (char)c;
			n = 1;
		}
		if (n > out_room(&o))
			break;
		out_mem(&o, esc, n);
	}
	return out_done(&o);
}

/* Bit n of the label bitmap is bit (n % 8) of byte n / 8: the parser
 * puts the kernel's array of longs in that layout on every host. NAMED
 * writes a bit's connlabel.conf name where it has one. */
static size_t labels_out(char *buf, size_t len, const struct flow *f,
			 bool named)
{
	const uint8_t *bits;
	size_t blen = 0;
	struct out o;
	char tmp[8];

	out_init(&o, buf, len);
	if (f->labels == INTERN_TOO_MANY)
		return copy_out(buf, len, "too-many", 8);
	bits = intern_labels_bits(f->labels, &blen);
	if (!bits)
		return 0;
	for (size_t i = 0; i < blen * 8; i++) {
		const char *name = named ? labelmap_name((unsigned)i) : NULL;
		size_t n;

		if (!(bits[i / 8] >> (i % 8) & 1))
			continue;
		n = name ? strlen(name) : u64_digits(tmp, i);
		/* Whole items only, as for flags. */
		if (n + (o.pos ? 1 : 0) > out_room(&o))
			break;
		if (o.pos)
			out_chr(&o, ',');
		out_mem(&o, name ? name : tmp, n);
	}
	return out_done(&o);
}

size_t format_labels(char *buf, size_t len, const struct flow *f)
{
	return labels_out(buf, len, f, false);
}

size_t format_label_names(char *buf, size_t len, const struct flow *f)
{
	return labels_out(buf, len, f, true);
}
