/* Column widths fitted to the content, and visible shortening.
 *
 * A cell is never cut silently: "[fd00:1::1]:3306" cut to 15 cells
 * would read as port 330, so a cell that does not fit carries a marker
 * where it lost text, and a port or a number is never the part that is
 * lost. Width goes where the content is: a column is as wide as its
 * longest value on screen (or its title), columns with nothing to show
 * leave first when the row is too wide, and addresses share what is left.
 */
#include <string.h>
#include <strings.h>

#include "layout.h"

/* Narrowest an address or name column gets before columns leave: room
 * for a few characters each side of the marker, and a whole port. */
static int kind_min(enum layout_kind k)
{
	switch (k) {
	case LAYOUT_ADDR_PORT:
		return 16;	/* "[fd00:…::2]:443" */
	case LAYOUT_ADDR:
		return 12;
	case LAYOUT_PAIR:
		return 28;
	case LAYOUT_NAME:
		return 8;
	default:
		return 0;	/* fixed and numbers do not shrink */
	}
}

static int pref_width(const struct layout_col *c)
{
	return c->longest > c->title ? c->longest : c->title;
}

static int min_width(const struct layout_col *c)
{
	int p = pref_width(c), m = kind_min(c->kind);

	if (!m)
		return p;
	if (m < c->title)
		m = c->title;
	return m < p ? m : p;
}

static int row_width(const int *w, size_t n, const struct layout_geom *g)
{
	int total = g->margin, shown = 0;

	for (size_t i = 0; i < n; i++) {
		if (w[i] <= 0)
			continue;
		total += w[i] + (shown ? g->gap : 0);
		shown++;
	}
	return total;
}

/* Names give cells first, then addresses; the others never do. */
static bool gives(enum layout_kind k, bool addresses)
{
	if (addresses)
		return k == LAYOUT_ADDR || k == LAYOUT_ADDR_PORT ||
		       k == LAYOUT_PAIR;
	return k == LAYOUT_NAME;
}

/* Take cells from the widest column of these kinds that is above its
 * minimum, one at a time, until the row fits or none can give. */
static void shrink(const struct layout_col *cols, size_t n, int *w,
		   const struct layout_geom *g, bool addresses)
{
	int excess = row_width(w, n, g) - g->width;

	while (excess > 0) {
		size_t best = n;

		for (size_t i = 0; i < n; i++) {
			if (w[i] <= 0 || !gives(cols[i].kind, addresses) ||
			    w[i] <= min_width(&cols[i]))
				continue;
			if (best == n || w[i] > w[best])
				best = i;
		}
		if (best == n)
			return;
		w[best]--;
		excess--;
	}
}

static void set_preferred(const struct layout_col *cols, size_t n,
			  const bool *out, int *w)
{
	for (size_t i = 0; i < n; i++)
		w[i] = out[i] ? 0 : pref_width(&cols[i]);
}

/* The rightmost column still shown, preferring those without data. */
static size_t rightmost(const struct layout_col *cols, size_t n,
			const bool *out, bool empty_only)
{
	for (size_t i = n; i-- > 0;)
		if (!out[i] && (!empty_only || !cols[i].holds_data))
			return i;
	return n;
}

/* A column left out for a wider one to its left may still fit beside
 * what stays: back in, left to right, those with data first. */
static void refill(const struct layout_col *cols, size_t n,
		   const struct layout_geom *g, bool *out, int *width,
		   bool with_data)
{
	for (size_t i = 0; i < n; i++) {
		if (!out[i] || cols[i].holds_data != with_data)
			continue;
		width[i] = pref_width(&cols[i]);
		if (row_width(width, n, g) <= g->width)
			out[i] = false;
		else
			width[i] = 0;
	}
}

size_t layout_fit(const struct layout_col *cols, size_t n,
		  const struct layout_geom *g, int *width)
{
	bool out[LAYOUT_MAX] = { false };
	size_t shown = 0, i;

	if (n > LAYOUT_MAX)
		n = LAYOUT_MAX;
	set_preferred(cols, n, out, width);
	/* Columns with nothing to say give their room before any value
	 * is shortened. */
	while (row_width(width, n, g) > g->width &&
	       (i = rightmost(cols, n, out, true)) < n) {
		out[i] = true;
		width[i] = 0;
	}
	for (;;) {
		shrink(cols, n, width, g, false);
		shrink(cols, n, width, g, true);
		if (row_width(width, n, g) <= g->width)
			break;
		i = rightmost(cols, n, out, false);
		if (i == n || rightmost(cols, i, out, false) == i) {
			/* One column left: it takes the whole row. */
			if (i < n) {
				width[i] = g->width - g->margin;
				if (width[i] < 1)
					width[i] = 1;
			}
			break;
		}
		out[i] = true;
		set_preferred(cols, n, out, width);
	}
	refill(cols, n, g, out, width, true);
	refill(cols, n, g, out, width, false);
	for (i = 0; i < n; i++)
		shown += width[i] > 0;
	return shown;
}

static bool memo_matches(const struct layout_memo *m,
			 const struct layout_col *cols, size_t n,
			 const struct layout_geom *g)
{
	if (!m->valid || m->n != n || m->g.width != g->width ||
	    m->g.margin != g->margin || m->g.gap != g->gap)
		return false;
	for (size_t i = 0; i < n; i++)
		if (m->kind[i] != cols[i].kind || m->title[i] != cols[i].title)
			return false;
	return true;
}

/* Whether the fresh widths differ enough from the kept ones: a column
 * appears or leaves, a value would not fit whole where the fresh widths
 * fit it, or a width moves by LAYOUT_SLACK. A cell or two traded between
 * columns is not worth a jump of the whole row. */
static bool worth_change(const struct layout_memo *m,
			 const struct layout_col *cols, const int *cand,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int kept = m->width[i];

		if ((cand[i] == 0) != (kept == 0))
			return true;
		if (cand[i] > kept && cand[i] >= pref_width(&cols[i]))
			return true;
		if (cand[i] - kept >= LAYOUT_SLACK ||
		    kept - cand[i] >= LAYOUT_SLACK)
			return true;
	}
	return false;
}

size_t layout_fit_steady(struct layout_memo *m, const struct layout_col *cols,
			 size_t n, const struct layout_geom *g, int *width)
{
	int cand[LAYOUT_MAX];
	size_t shown = 0;

	if (n > LAYOUT_MAX)
		n = LAYOUT_MAX;
	layout_fit(cols, n, g, cand);
	if (!memo_matches(m, cols, n, g) || worth_change(m, cols, cand, n)) {
		m->valid = true;
		m->g = *g;
		m->n = n;
		for (size_t i = 0; i < n; i++) {
			m->kind[i] = cols[i].kind;
			m->title[i] = cols[i].title;
			m->width[i] = cand[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		width[i] = m->width[i];
		shown += width[i] > 0;
	}
	return shown;
}

const char *layout_marker(bool utf8)
{
	return utf8 ? "\xe2\x80\xa6" : "~";
}

bool layout_locale_utf8(const char *lc_all, const char *lc_ctype,
			const char *lang)
{
	const char *l = lc_all && *lc_all ? lc_all :
			lc_ctype && *lc_ctype ? lc_ctype : lang;

	if (!l)
		return false;
	return strcasestr(l, "utf-8") || strcasestr(l, "utf8");
}

static bool is_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

static int cells_n(const char *s, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += !is_cont(s[i]);
	return c;
}

int layout_cells(const char *s)
{
	return cells_n(s, strlen(s));
}

/* Bytes of the first k cells of s[0..n). */
static size_t head_bytes(const char *s, size_t n, int k)
{
	size_t i = 0;

	for (; i < n && k > 0; k--)
		for (i++; i < n && is_cont(s[i]); i++)
			;
	return i;
}

/* Offset where the last k cells of s[0..n) start. */
static size_t tail_start(const char *s, size_t n, int k)
{
	size_t i = n;

	while (i > 0 && k > 0) {
		i--;
		if (!is_cont(s[i]))
			k--;
	}
	return i;
}

/* An output buffer that never overflows and stays NUL-terminated. */
struct out {
	char *buf;
	size_t len, pos;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (!o->len)
		return;
	if (n > o->len - 1 - o->pos)
		n = o->len - 1 - o->pos;
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
	o->buf[o->pos] = '\0';
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* s[0..n) in w cells, losing its end. */
static void cut_end(struct out *o, const char *s, size_t n, int w,
		    const char *marker)
{
	if (cells_n(s, n) <= w) {
		put(o, s, n);
		return;
	}
	if (w < 1)
		return;
	put(o, s, head_bytes(s, n, w - 1));
	put_str(o, marker);
}

/* s[0..n) in w cells, losing its middle: more of the head is kept, as
 * "fd00:12…c::2" still shows the prefix and the host part. */
static void cut_middle(struct out *o, const char *s, size_t n, int w,
		       const char *marker)
{
	int keep = w - 1, head = keep * 2 / 3;
	size_t tail;

	if (cells_n(s, n) <= w) {
		put(o, s, n);
		return;
	}
	if (w < 1)
		return;
	put(o, s, head_bytes(s, n, head));
	put_str(o, marker);
	tail = tail_start(s, n, keep - head);
	put(o, s + tail, n - tail);
}

/* Only hex digits, dots and colons: an address, not a resolved name. */
static bool is_address(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr("0123456789abcdefABCDEF.:", s[i]))
			return false;
	return true;
}

static void cut_host(struct out *o, const char *s, size_t n, int w,
		     const char *marker)
{
	if (is_address(s, n))
		cut_middle(o, s, n, w, marker);
	else
		cut_end(o, s, n, w, marker);
}

/* "[v6]:port" or "v4-or-name:port": the host's bytes and where the kept
 * tail ("]:port" or ":port") starts. False without a port. */
static bool split_port(const char *s, size_t n, size_t *hb, size_t *he,
		       size_t *tail)
{
	const char *c;

	if (s[0] == '[') {
		c = strstr(s, "]:");
		if (!c)
			return false;
		*hb = 1;
		*he = *tail = (size_t)(c - s);
		return true;
	}
	c = strchr(s, ':');
	if (!c || strchr(c + 1, ':') || c + 1 == s + n)
		return false;
	*hb = 0;
	*he = *tail = (size_t)(c - s);
	return true;
}

static void cut_endpoint(struct out *o, const char *s, size_t n, int w,
			 const char *marker)
{
	size_t hb, he, tail;
	int room;

	if (!split_port(s, n, &hb, &he, &tail)) {
		cut_host(o, s, n, w, marker);
		return;
	}
	room = w - (int)hb - cells_n(s + tail, n - tail);
	if (room < 1) {
		put_str(o, marker);
		return;
	}
	put(o, s, hb);
	cut_host(o, s + hb, he - hb, room, marker);
	put(o, s + tail, n - tail);
}

/* One side of "a -> b": an address, or an endpoint whose port stays
 * whole (an expectation's tuple). */
static void cut_side(struct out *o, const char *s, size_t n, int w,
		     const char *marker)
{
	char side[128];
	size_t m = n < sizeof(side) - 1 ? n : sizeof(side) - 1;

	/* split_port reads to the end of the string: this side alone. */
	memcpy(side, s, m);
	side[m] = '\0';
	cut_endpoint(o, side, m, w, marker);
}

/* "a -> b": both sides shortened, the arrow kept. */
static void cut_pair(struct out *o, const char *s, size_t n, int w,
		     const char *marker)
{
	const char *arrow = strstr(s, " -> ");
	size_t la, lb;
	int room = w - 4, wa, wb, ca, cb;

	if (!arrow || room < 2) {
		cut_end(o, s, n, w, marker);
		return;
	}
	la = (size_t)(arrow - s);
	lb = n - la - 4;
	ca = cells_n(s, la);
	cb = cells_n(arrow + 4, lb);
	wa = room - room / 2;
	wb = room / 2;
	/* What one side does not need, the other may use. */
	if (ca < wa)
		wb += wa - ca, wa = ca;
	else if (cb < wb)
		wa += wb - cb, wb = cb;
	cut_side(o, s, la, wa, marker);
	put(o, arrow, 4);
	cut_side(o, arrow + 4, lb, wb, marker);
}

static void cut_by_kind(struct out *o, const char *cell, size_t n, int width,
			enum layout_kind kind, const char *marker)
{
	switch (kind) {
	case LAYOUT_NUMBER:
		/* Fewer digits would be another number. */
		put_str(o, marker);
		break;
	case LAYOUT_ADDR:
		cut_host(o, cell, n, width, marker);
		break;
	case LAYOUT_ADDR_PORT:
		cut_endpoint(o, cell, n, width, marker);
		break;
	case LAYOUT_PAIR:
		cut_pair(o, cell, n, width, marker);
		break;
	default:
		cut_end(o, cell, n, width, marker);
		break;
	}
}

size_t layout_shorten(char *buf, size_t len, const char *cell, int width,
		      enum layout_kind kind, const char *marker)
{
	struct out o = { buf, len, 0 };
	size_t n = strlen(cell);

	if (len)
		buf[0] = '\0';
	if (width <= 0)
		return 0;
	if (cells_n(cell, n) <= width)
		put(&o, cell, n);
	else
		cut_by_kind(&o, cell, n, width, kind, marker);
	return o.pos;
}

#define ITEM_SEP "  "

size_t layout_items(char *buf, size_t len, const char *line, int width)
{
	struct out o = { buf, len, 0 };
	const char *last = line, *p, *end;
	int used = 0, lastw;

	if (len)
		buf[0] = '\0';
	if (layout_cells(line) <= width) {
		put_str(&o, line);
		return o.pos;
	}
	while ((p = strstr(last, ITEM_SEP)))
		last = p + strlen(ITEM_SEP);
	lastw = layout_cells(last);
	if (lastw > width)
		return 0;
	for (p = line; p < last; p = end + strlen(ITEM_SEP)) {
		int w;

		end = strstr(p, ITEM_SEP);
		w = cells_n(p, (size_t)(end - p));
		if (used + w + 2 + lastw > width)
			break;
		put(&o, p, (size_t)(end - p));
		put_str(&o, ITEM_SEP);
		used += w + 2;
	}
	put_str(&o, last);
	return o.pos;
}

size_t layout_wrap(const char *text, int width, size_t *next)
{
	size_t i = 0, end = 0, n = strlen(text);
	int cells = 0;

	/* end: the bytes of the whole words that fit so far. */
	while (i < n) {
		size_t w0 = i, w1;
		int ww;

		while (i < n && text[i] != ' ')
			i++;
		w1 = i;
		ww = cells_n(text + w0, w1 - w0);
		if (end && cells + ww > width) {
			i = w0;
			break;
		}
		end = w1;
		cells += ww;
		while (i < n && text[i] == ' ')
			i++, cells++;
		if (cells >= width)
			break;
	}
	*next = i;
	return end;
}

void layout_line(char *buf, size_t len, const char *text, size_t *pos,
		 int width, enum layout_kind kind, const char *marker)
{
	size_t next, n = layout_wrap(text + *pos, width, &next);
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	if (cells_n(text + *pos, n) > width) {
		/* One word: layout_wrap ends it at a blank or the end. */
		char word[256];
		size_t m = n < sizeof(word) - 1 ? n : sizeof(word) - 1;

		memcpy(word, text + *pos, m);
		word[m] = '\0';
		layout_shorten(buf, len, word, width, kind, marker);
	} else {
		put(&o, text + *pos, n);
	}
	*pos += next;
}

size_t layout_first_fit(const char *const *texts, size_t n, int width)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (layout_cells(texts[i]) <= width)
			return i;
	return n ? n - 1 : 0;
}
