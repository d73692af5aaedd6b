/* The list: the column title row and the visible rows, flows or groups.
 *
 * Widths come from the column registry; address columns stretch into
 * spare width (IPv6 and host names need it) and shrink first when the
 * terminal is narrow. Column 0 of the screen is a margin that shows '*'
 * on tagged rows, so tags read without color too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curses.h>

#include "../format.h"
#include "tui_int.h"

#define ADDR_MIN 15
#define ADDR_MAX 47
#define RATE_WIDTH 9
#define STATE_WIDTH 13		/* "echo id 65535" */

const char *col_title(int col)
{
	const struct column *c;

	if (col == VCOL_RATE)
		return "RATE";
	c = column_get((enum column_id)col);
	return c ? c->title : "?";
}

static int col_width(int col)
{
	const struct column *c;

	if (col == VCOL_RATE)
		return RATE_WIDTH;
	c = column_get((enum column_id)col);
	if (col == COL_STATE && c && c->width < STATE_WIDTH)
		return STATE_WIDTH;
	return c ? c->width : 8;
}

static bool col_right(int col)
{
	const struct column *c;

	if (col == VCOL_RATE)
		return true;
	c = column_get((enum column_id)col);
	return c && c->right;
}

static bool col_flex(int col)
{
	return col == COL_SRC || col == COL_DST || col == COL_SADDR ||
	       col == COL_DADDR || col == COL_REPLY_SRC ||
	       col == COL_REPLY_DST;
}

void list_layout(struct tui *t)
{
	int total = 1, nflex = 0, x = 1;

	for (size_t c = 0; c < t->ncols; c++) {
		t->colw[c] = col_width(t->cols[c]);
		total += t->colw[c] + 1;
		nflex += col_flex(t->cols[c]);
	}
	/* Share out spare room, or take it back, one cell at a time so
	 * the address columns stay equal. */
	while (nflex && total != COLS) {
		bool moved = false;

		for (size_t c = 0; c < t->ncols && total != COLS; c++) {
			if (!col_flex(t->cols[c]))
				continue;
			if (total < COLS && t->colw[c] < ADDR_MAX) {
				t->colw[c]++;
				total++;
				moved = true;
			} else if (total > COLS && t->colw[c] > ADDR_MIN) {
				t->colw[c]--;
				total--;
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	/* Columns that do not fit whole are left out rather than cut: a
	 * byte count missing its last digits would mislead. */
	t->nvis = 0;
	for (size_t c = 0; c < t->ncols; c++) {
		t->colx[c] = x;
		x += t->colw[c] + 1;
		if (x - 1 <= COLS)
			t->nvis = c + 1;
	}
}

int list_col_at(const struct tui *t, int x)
{
	for (size_t c = 0; c < t->nvis; c++)
		if (x >= t->colx[c] && x <= t->colx[c] + t->colw[c])
			return t->cols[c];
	return -1;
}

/* Address columns: which tuple end, and whether a port follows. */
static const union flow_addr *addr_of(int col, const struct flow *f,
				      bool *port)
{
	*port = flow_proto_has_ports(f->protonum);
	switch (col) {
	case COL_SRC:
		return &f->orig.src;
	case COL_DST:
		return &f->orig.dst;
	case COL_REPLY_SRC:
		return &f->reply.src;
	case COL_REPLY_DST:
		return &f->reply.dst;
	case COL_SADDR:
		*port = false;
		return &f->orig.src;
	case COL_DADDR:
		*port = false;
		return &f->orig.dst;
	default:
		return NULL;
	}
}

static uint16_t port_of(int col, const struct flow *f)
{
	switch (col) {
	case COL_SRC:
		return f->orig.sport;
	case COL_DST:
		return f->orig.dport;
	case COL_REPLY_SRC:
		return f->reply.sport;
	default:
		return f->reply.dport;
	}
}

/* "name:port" when the resolver knows the name; false otherwise. */
static bool named_cell(struct tui *t, int col, const struct flow *f,
		       char *buf, size_t len)
{
	const union flow_addr *a;
	char name[128];
	bool port;

	if (!t->resolve_on || !t->res || !(a = addr_of(col, f, &port)))
		return false;
	if (!resolve_lookup(t->res, f->family, a, name, sizeof(name)))
		return false;
	if (port)
		snprintf(buf, len, "%s:%u", name, port_of(col, f));
	else
		snprintf(buf, len, "%s", name);
	return true;
}

/* ICMP flows have no state, and rows that differ only by the echo id
 * would look the same: the STATE cell shows the type and id instead. */
static bool icmp_cell(const struct flow *f, char *buf, size_t len)
{
	const struct flow_tuple *o = &f->orig;

	if (!flow_is_icmp(f->protonum))
		return false;
	if ((f->protonum == FLOW_P_ICMP && o->icmp_type == 8) ||
	    (f->protonum == FLOW_P_ICMPV6 && o->icmp_type == 128))
		snprintf(buf, len, "echo id %u", o->sport);
	else
		snprintf(buf, len, "type %u/%u id %u", o->icmp_type,
			 o->icmp_code, o->sport);
	return true;
}

static bool no_counters(const struct tui *t, const struct flow *f)
{
	return t->acct_off || !(f->has & FLOW_HAS_COUNTERS);
}

void cell_text(struct tui *t, int col, const struct table_flow *tf,
	       char *buf, size_t len)
{
	const struct column *c;
	struct column_ctx ctx = { 0 };
	struct timespec ts;

	if (!len)
		return;
	if (col == VCOL_RATE) {
		if (no_counters(t, &tf->f)) {
			snprintf(buf, len, "-");
			return;
		}
		format_bytes(buf, len, (uint64_t)(tf->bps > 0 ? tf->bps : 0));
		strncat(buf, "/s", len - strlen(buf) - 1);
		return;
	}
	if ((col == COL_PACKETS || col == COL_BYTES) && t->acct_off) {
		snprintf(buf, len, "-");
		return;
	}
	if (named_cell(t, col, &tf->f, buf, len))
		return;
	if (col == COL_STATE && icmp_cell(&tf->f, buf, len))
		return;
	c = column_get((enum column_id)col);
	if (!c) {
		buf[0] = '\0';
		return;
	}
	if (col == COL_TTL) {
		/* Counted down since it was read: between reads a row's
		 * TTL still moves. */
		struct flow f = tf->f;

		f.timeout = sync_ttl(t, tf);
		c->format(buf, len, &f, &ctx);
		return;
	}
	if (col == COL_AGE) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ctx.now_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	}
	c->format(buf, len, &tf->f, &ctx);
}

static enum tui_role proto_role(uint8_t p)
{
	switch (p) {
	case FLOW_P_TCP:
		return ROLE_TCP;
	case FLOW_P_UDP:
	case FLOW_P_UDPLITE:
		return ROLE_UDP;
	case FLOW_P_ICMP:
	case FLOW_P_ICMPV6:
		return ROLE_ICMP;
	default:
		return ROLE_OTHER_PROTO;
	}
}

static enum tui_role state_role(const struct flow *f)
{
	static const char *const setup[] = {
		"SYN", "COOKIE", "REQUEST", "RESPOND", "PARTOPEN",
	};
	const char *s = flow_state_name(f);

	if (!s || !strcmp(s, "NONE"))
		return ROLE_NORMAL;
	if (!strcmp(s, "ESTABLISHED") || !strcmp(s, "OPEN"))
		return ROLE_ST_OPEN;
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
		if (!strncmp(s, setup[i], strlen(setup[i])))
			return ROLE_ST_SETUP;
	return ROLE_ST_CLOSING;
}

static enum tui_role cell_role(int col, const struct flow *f)
{
	switch (col) {
	case COL_PROTO:
		return proto_role(f->protonum);
	case COL_STATE:
		return state_role(f);
	case COL_FLAGS:
		return flow_unreplied(f) ? ROLE_UNREPLIED : ROLE_NORMAL;
	default:
		return ROLE_NORMAL;
	}
}

static void title_put(struct tui *t, int y, int x, int w, const char *title,
		      bool sorted, bool rev, bool right)
{
	char buf[64];
	const char *mark = "";

	if (sorted)
		mark = MB_CUR_MAX > 1 ? (rev ? "\u25bc" : "\u25b2")
				      : (rev ? "-" : "+");
	snprintf(buf, sizeof(buf), "%s%s", title, mark);
	screen_put(y, x, w, buf,
		   tui_attr(t, sorted ? ROLE_TITLE_SORT : ROLE_TITLE), right);
}

static void titles_flows(struct tui *t, int y)
{
	screen_fill(y, 0, COLS, tui_attr(t, ROLE_TITLE));
	for (size_t c = 0; c < t->nvis; c++) {
		int w = t->colw[c];
		bool sorted = t->cols[c] == t->sort_col;

		if (t->colx[c] + w > COLS)
			w = COLS - t->colx[c];
		title_put(t, y, t->colx[c], w, col_title(t->cols[c]), sorted,
			  t->sort_rev, col_right(t->cols[c]));
	}
}

static void row_flow(struct tui *t, int y, size_t i)
{
	const struct table_flow *tf = VREC(t, i);
	bool sel, tag;
	int base;
	char cell[160];

	/* Past the rows a first-screen preview sorted (view_prepare): a
	 * terminal that grew meanwhile. The next draw has them. */
	if (!tf)
		return;
	sel = i == t->sel;
	tag = view_is_tagged(t, &tf->f);
	base = tui_attr(t, sel ? ROLE_SELECTED : tag ? ROLE_TAGGED : ROLE_NORMAL);
	screen_fill(y, 0, COLS, base);
	screen_put(y, 0, 1, tag ? "*" : " ", base, false);
	for (size_t c = 0; c < t->nvis; c++) {
		int col = t->cols[c], attr = base;

		cell_text(t, col, tf, cell, sizeof(cell));
		if (!sel && !tag)
			attr = tui_attr(t, cell_role(col, &tf->f));
		screen_put(y, t->colx[c], t->colw[c], cell, attr,
			   col_right(col));
	}
}

/* Group rows: KEY FLOWS PACKETS BYTES SHARE. */
static const struct {
	const char *title;
	int width;
} gcols[] = {
	{ "FLOWS", 9 }, { "PACKETS", 9 }, { "BYTES", 8 }, { "SHARE", 7 },
};

static int group_key_width(void)
{
	int w = COLS - 2;

	for (size_t i = 0; i < sizeof(gcols) / sizeof(gcols[0]); i++)
		w -= gcols[i].width + 1;
	return w > 60 ? 60 : w;
}

static void titles_groups(struct tui *t, int y)
{
	char title[64];
	int x = 1, kw = group_key_width();

	screen_fill(y, 0, COLS, tui_attr(t, ROLE_TITLE));
	snprintf(title, sizeof(title), "%s", group_by_str(t->group));
	for (char *p = title; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	screen_put(y, x, kw, title, tui_attr(t, ROLE_TITLE), false);
	x += kw + 1;
	for (size_t i = 0; i < sizeof(gcols) / sizeof(gcols[0]); i++) {
		title_put(t, y, x, gcols[i].width, gcols[i].title, i == 0,
			  true, true);
		x += gcols[i].width + 1;
	}
}

static void row_group(struct tui *t, int y, size_t i)
{
	const struct group_row *g = &t->grows[i];
	bool sel = i == t->sel;
	int attr = tui_attr(t, sel ? ROLE_SELECTED : ROLE_NORMAL);
	int x = 1, kw = group_key_width();
	char buf[5][96];

	group_key_format(buf[0], sizeof(buf[0]), t->group, &g->key);
	format_u64(buf[1], sizeof(buf[1]), g->flows);
	if (t->acct_off) {
		snprintf(buf[2], sizeof(buf[2]), "-");
		snprintf(buf[3], sizeof(buf[3]), "-");
	} else {
		format_count(buf[2], sizeof(buf[2]), g->packets);
		format_bytes(buf[3], sizeof(buf[3]), g->bytes);
	}
	snprintf(buf[4], sizeof(buf[4]), "%.1f%%",
		 t->gtotal ? 100.0 * (double)g->flows / (double)t->gtotal : 0.0);
	screen_fill(y, 0, COLS, attr);
	screen_put(y, x, kw, buf[0], attr, false);
	x += kw + 1;
	for (size_t c = 0; c < 4; c++) {
		screen_put(y, x, gcols[c].width, buf[c + 1], attr, true);
		x += gcols[c].width + 1;
	}
}

static void list_empty(struct tui *t)
{
	const char *msg;
	int y = t->list_y + t->list_h / 2;

	if (!t->dumped_once && !t->fetch_error)
		msg = t->cli->replay ? "reading the recording..."
				     : "reading the conntrack table...";
	else if (table_count(t->tbl) == 0)
		msg = "the conntrack table is empty";
	else
		msg = "no flows match the filter";
	screen_put(y, 0, COLS, "", A_NORMAL, false);
	mvaddstr(y, (COLS - (int)strlen(msg)) / 2, msg);
}

void list_draw(struct tui *t)
{
	size_t n = view_rows(t);
	int h;

	t->title_y = TUI_HEADER_LINES;
	t->list_y = t->title_y + 1;
	t->list_h = h = LINES - t->list_y - 2;
	list_layout(t);
	if (t->group != GROUP_NONE)
		titles_groups(t, t->title_y);
	else
		titles_flows(t, t->title_y);
	if (t->sel >= n)
		t->sel = n ? n - 1 : 0;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + (size_t)h)
		t->top = t->sel - (size_t)h + 1;
	if (t->top + (size_t)h > n)
		t->top = n > (size_t)h ? n - (size_t)h : 0;
	if (!n) {
		list_empty(t);
		return;
	}
	for (int r = 0; r < h && t->top + (size_t)r < n; r++) {
		if (t->group != GROUP_NONE)
			row_group(t, t->list_y + r, t->top + r);
		else
			row_flow(t, t->list_y + r, t->top + r);
	}
}
