/* Cells of the flow list (cells.h). */
#include <stdio.h>
#include <string.h>

#include "../clock.h"
#include "../format.h"
#include "cells.h"

#define ADDR_MIN 15
#define ADDR_MAX 47
#define RATE_WIDTH 9
#define STATE_WIDTH 13		/* "echo id 65535" */

int cells_init(struct cells *c, bool names, int wake_fd)
{
	memset(c, 0, sizeof(*c));
	c->wake_fd = wake_fd;
	if (names)
		return cells_toggle_names(c);
	return 0;
}

void cells_free(struct cells *c)
{
	resolve_free(c->res);
	c->res = NULL;
}

int cells_toggle_names(struct cells *c)
{
	c->names = !c->names;
	if (c->names && !c->res)
		c->res = resolve_new(c->wake_fd, 0);
	if (c->names && !c->res) {
		c->names = false;
		return -1;
	}
	return 0;
}

uint64_t cells_version(const struct cells *c)
{
	return c->res ? resolve_version(c->res) : 0;
}

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

bool col_right(int col)
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

struct col_want col_want(int col)
{
	int pref = col_width(col);
	struct col_want w = { pref, pref, pref, col_flex(col) };

	if (w.flex) {
		w.min = ADDR_MIN;
		w.max = ADDR_MAX;
	}
	return w;
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
static bool named_cell(const struct cells *cl, int col, const struct flow *f,
		       char *buf, size_t len)
{
	const union flow_addr *a;
	char name[128];
	bool port;

	if (!cl->names || !cl->res || !(a = addr_of(col, f, &port)))
		return false;
	if (!resolve_lookup(cl->res, f->family, a, name, sizeof(name)))
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

static bool no_counters(const struct model *m, const struct flow *f)
{
	return m->acct_off || !(f->has & FLOW_HAS_COUNTERS);
}

void cell_text(const struct cells *cl, const struct model *m, int col,
	       const struct table_flow *tf, uint64_t now_ms, char *buf,
	       size_t len)
{
	const struct column *c;
	struct column_ctx ctx = { 0 };

	if (!len)
		return;
	if (col == VCOL_RATE) {
		if (no_counters(m, &tf->f)) {
			snprintf(buf, len, "-");
			return;
		}
		format_bytes(buf, len, (uint64_t)(tf->bps > 0 ? tf->bps : 0));
		strncat(buf, "/s", len - strlen(buf) - 1);
		return;
	}
	if ((col == COL_PACKETS || col == COL_BYTES) && m->acct_off) {
		snprintf(buf, len, "-");
		return;
	}
	if (named_cell(cl, col, &tf->f, buf, len))
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

		f.timeout = model_ttl(m, tf, now_ms);
		c->format(buf, len, &f, &ctx);
		return;
	}
	if (col == COL_AGE) {
		ctx.now_ns = clock_realtime_ns();
	}
	c->format(buf, len, &tf->f, &ctx);
}

