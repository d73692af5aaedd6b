/* Cells of the flow list (cells.h). */
#include <stdio.h>
#include <string.h>

#include "../clock.h"
#include "../format.h"
#include "cells.h"

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
	const struct column *c = column_get((enum column_id)col);

	return c ? c->title : "?";
}

bool col_right(int col)
{
	const struct column *c = column_get((enum column_id)col);

	return c && c->right;
}

enum layout_kind col_kind(int col)
{
	return column_layout_kind((enum column_id)col);
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

void cell_text(const struct cells *cl, const struct model *m, int col,
	       const struct table_rec *r, const struct table_flow *tf,
	       uint64_t now_ms, char *buf, size_t len)
{
	const struct column *c = column_get((enum column_id)col);
	struct column_ctx ctx = {
		.rate = order_record_rate,	/* tf is a view of m's table */
		.acct_off = m->acct_off,
	};
	struct flow now;

	if (!len)
		return;
	buf[0] = '\0';
	if (!c || named_cell(cl, col, &tf->f, buf, len))
		return;
	if (col == COL_TTL) {
		/* Counted down since it was read: between reads a row's
		 * TTL still moves. */
		now = tf->f;
		now.timeout = model_ttl(m, r, &tf->f, now_ms);
		c->format(buf, len, &now, &ctx);
		return;
	}
	if (col == COL_AGE)
		ctx.now_ns = clock_realtime_ns();
	c->format(buf, len, &tf->f, &ctx);
}

void group_cells(const struct group_row *g, enum group_by by, bool acct_off,
		 uint64_t total, char cell[GROUP_CELLS][GROUP_CELL_LEN])
{
	group_key_format(cell[0], GROUP_CELL_LEN, by, &g->key);
	format_u64(cell[1], GROUP_CELL_LEN, g->flows);
	/* Unknown, not zero, as ctop -1 -g says: no flow of the group had
	 * counters, or accounting is off. */
	if (acct_off || !g->counted) {
		snprintf(cell[2], GROUP_CELL_LEN, "-");
		snprintf(cell[3], GROUP_CELL_LEN, "-");
	} else {
		format_count(cell[2], GROUP_CELL_LEN, g->packets);
		format_bytes(cell[3], GROUP_CELL_LEN, g->bytes);
	}
	snprintf(cell[4], GROUP_CELL_LEN, "%.1f%%",
		 total ? 100.0 * (double)g->flows / (double)total : 0.0);
}

enum layout_kind group_key_kind(enum group_by by)
{
	switch (by) {
	case GROUP_SRC:
	case GROUP_DST:
		return LAYOUT_ADDR;
	case GROUP_PAIR:
		return LAYOUT_PAIR;
	default:
		return LAYOUT_FIXED;
	}
}

void group_title(enum group_by by, int j, char *buf, size_t len)
{
	static const char *const titles[GROUP_CELLS] = {
		NULL, "FLOWS", "PACKETS", "BYTES", "SHARE",
	};

	snprintf(buf, len, "%s", j ? titles[j] : group_by_str(by));
	for (char *p = buf; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
}
