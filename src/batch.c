/* Batch writers: text, JSON and CSV.
 *
 * A dump of a million flows goes through batch_flow() once per flow, so
 * output is assembled in a private buffer with the format_* functions and
 * handed to stdio in large chunks; printf is kept to once-per-snapshot
 * lines. The first write error is remembered and reported by batch_flush.
 *
 * Text: a header of column titles, one aligned row per flow (columns two
 * spaces apart, numbers right-aligned, no trailing blanks), then a summary
 * line starting with '#'. Snapshots are separated by a blank line.
 * JSON: one object per snapshot on one line (JSON Lines when repeated).
 * CSV: RFC 4180 quoting, lines end in "\n"; the header is written once,
 * before the first snapshot, so repeated snapshots stay one valid table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "format.h"

/* Output is written in pieces this large: a few writes per snapshot even
 * at a million flows, and little resident memory on a router. */
#define BATCH_BUF (64 * 1024)
/* Largest single piece reserved at once (one formatted field). */
#define BATCH_FIELD 512

struct batch {
	FILE *out;
	enum batch_format format;
	bool header;
	const char *rows_verb;		/* "shown", "deleted" */
	const struct column **cols;
	size_t *width;
	size_t ncols;
	struct column_ctx ctx;
	char *buf;
	size_t len;
	int err;			/* errno of the first failed write */
	unsigned long snapshots;	/* snapshots begun so far */
	uint64_t nflows;		/* flows in the current snapshot */
	struct table_stats stats;
	bool have_stats;
	bool header_due;		/* text header not written yet */
	int fit_width;			/* opts.fit_width */
	const char *marker;
	bool fitted;			/* widths fitted: cells are shortened */
};

/* ---- output buffer ------------------------------------------------- */

static void out_write(struct batch *b, const char *s, size_t n)
{
	if (b->err || !n)
		return;
	errno = 0;
	if (fwrite(s, 1, n, b->out) != n)
		b->err = errno ? errno : EIO;
}

static void out_flush(struct batch *b)
{
	out_write(b, b->buf, b->len);
	b->len = 0;
}

/* Room for n bytes (n <= BATCH_BUF) at the end of the buffer. */
static inline char *out_reserve(struct batch *b, size_t n)
{
	if (BATCH_BUF - b->len < n)
		out_flush(b);
	return b->buf + b->len;
}

static inline void out_mem(struct batch *b, const char *s, size_t n)
{
	if (n > BATCH_BUF / 2) {
		out_flush(b);
		out_write(b, s, n);
		return;
	}
	memcpy(out_reserve(b, n), s, n);
	b->len += n;
}

static inline void out_str(struct batch *b, const char *s)
{
	out_mem(b, s, strlen(s));
}

/* A string literal, without strlen. */
#define out_lit(b, s) out_mem(b, "" s "", sizeof(s) - 1)

static inline void out_chr(struct batch *b, char c)
{
	*out_reserve(b, 1) = c;
	b->len++;
}

static inline void out_u64(struct batch *b, uint64_t v)
{
	char *p = out_reserve(b, 24);

	b->len += format_u64(p, 24, v);
}

static void out_spaces(struct batch *b, size_t n)
{
	while (n) {
		size_t k = n < BATCH_FIELD ? n : BATCH_FIELD;

		memset(out_reserve(b, k), ' ', k);
		b->len += k;
		n -= k;
	}
}

/* Unix seconds with DIGITS decimals (3: ms, "1700000000.123"; 6: us). */
static void out_time(struct batch *b, uint64_t ns, int digits)
{
	uint64_t frac = ns % 1000000000;
	char *p;

	for (int i = digits; i < 9; i++)
		frac /= 10;
	out_u64(b, ns / 1000000000);
	p = out_reserve(b, (size_t)digits + 1);
	p[0] = '.';
	for (int i = digits; i >= 1; i--) {
		p[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	b->len += (size_t)digits + 1;
}

/* Text cell: s padded to width, separated from the previous cell. */
static void out_cell(struct batch *b, size_t i, const char *s, size_t n,
		     bool right)
{
	size_t w = b->width[i], cells = n;
	size_t pad;

	/* A shortened cell's marker is several bytes and one cell. */
	for (size_t k = 0; b->fitted && k < n; k++)
		cells -= ((unsigned char)s[k] & 0xc0) == 0x80;
	pad = cells < w ? w - cells : 0;

	if (i)
		out_mem(b, "  ", 2);
	if (right)
		out_spaces(b, pad);
	out_mem(b, s, n);
	if (!right && i + 1 < b->ncols)
		out_spaces(b, pad);
}

/* ---- JSON pieces --------------------------------------------------- */

/* A quoted, escaped JSON string. */
static void json_str(struct batch *b, const char *s)
{
	size_t n = strlen(s), need = 6 * n + 1;
	char stack[1024], *t = stack;

	if (need > sizeof(stack)) {
		t = malloc(need);
		if (!t) {
			out_lit(b, "\"\"");
			return;
		}
	}
	n = format_json_escape(t, need, s);
	out_chr(b, '"');
	out_mem(b, t, n);
	out_chr(b, '"');
	if (t != stack)
		free(t);
}

static void json_str_or_null(struct batch *b, const char *s)
{
	if (s)
		json_str(b, s);
	else
		out_lit(b, "null");
}

/* Our own names (states, NAT kinds): plain ASCII, nothing to escape. */
static void json_name_or_null(struct batch *b, const char *s)
{
	if (!s) {
		out_lit(b, "null");
		return;
	}
	out_chr(b, '"');
	out_str(b, s);
	out_chr(b, '"');
}

static void json_key(struct batch *b, const char *key)
{
	out_chr(b, '"');
	out_str(b, key);
	out_lit(b, "\":");
}

/* ,"key":v */
static void json_u64(struct batch *b, const char *key, uint64_t v)
{
	out_chr(b, ',');
	json_key(b, key);
	out_u64(b, v);
}

static void json_addr(struct batch *b, const char *key, uint8_t family,
		      const union flow_addr *a)
{
	char *p;

	out_chr(b, ',');
	json_key(b, key);
	p = out_reserve(b, 64);
	*p = '"';
	b->len += 1 + format_addr(p + 1, 62, family, a);
	out_chr(b, '"');
}

static void json_port(struct batch *b, const char *key, bool ports,
		      uint16_t port)
{
	out_chr(b, ',');
	json_key(b, key);
	if (ports)
		out_u64(b, port);
	else
		out_lit(b, "null");
}

/* "table": the kernel's figures, or null when they were not read. */
static void json_table(struct batch *b)
{
	const struct table_stats *s = &b->stats;

	json_key(b, "table");
	if (!b->have_stats) {
		out_lit(b, "null");
		return;
	}
	out_lit(b, "{\"count\":");
	out_u64(b, s->count);
	json_u64(b, "max", s->max);
	if (s->have_cpu) {
		json_u64(b, "found", s->found);
		json_u64(b, "invalid", s->invalid);
		json_u64(b, "insert", s->insert);
		json_u64(b, "insert_failed", s->insert_failed);
		json_u64(b, "drop", s->drop);
		json_u64(b, "early_drop", s->early_drop);
		json_u64(b, "error", s->error);
		json_u64(b, "search_restart", s->search_restart);
		json_u64(b, "clash_resolve", s->clash_resolve);
		json_u64(b, "chaintoolong", s->chaintoolong);
	}
	out_chr(b, '}');
}

/* The fields every snapshot object starts with, after its '{'. */
static void json_snapshot(struct batch *b, const struct batch_snapshot *snap)
{
	json_key(b, "time");
	out_time(b, snap->time_ns, 3);
	out_chr(b, ',');
	json_key(b, "netns");
	json_str_or_null(b, snap->netns);
	out_chr(b, ',');
	json_key(b, "filter");
	json_str(b, snap->filter ? snap->filter : "");
	out_chr(b, ',');
	json_table(b);
}

struct names_ctx {
	struct batch *b;
	const char *sep;	/* between names */
	bool quote;
	int n;
};

static void out_name(const char *name, void *data)
{
	struct names_ctx *c = data;

	if (c->n++)
		out_str(c->b, c->sep);
	if (c->quote)
		out_chr(c->b, '"');
	out_str(c->b, name);
	if (c->quote)
		out_chr(c->b, '"');
}

/* "src" .. "dport" of the original tuple, then the reply tuple as an
 * object. */
static void json_tuples(struct batch *b, const struct flow *f)
{
	bool ports = flow_proto_has_ports(f->protonum);
	char *p;

	json_addr(b, "src", f->family, &f->orig.src);
	json_addr(b, "dst", f->family, &f->orig.dst);
	json_port(b, "sport", ports, f->orig.sport);
	json_port(b, "dport", ports, f->orig.dport);
	out_lit(b, ",\"reply\":{\"src\":\"");
	p = out_reserve(b, 64);
	b->len += format_addr(p, 64, f->family, &f->reply.src);
	out_chr(b, '"');
	json_addr(b, "dst", f->family, &f->reply.dst);
	json_port(b, "sport", ports, f->reply.sport);
	json_port(b, "dport", ports, f->reply.dport);
	out_chr(b, '}');
}

/* What only ICMP and GRE flows have. */
static void json_proto_fields(struct batch *b, const struct flow *f)
{
	if (flow_is_icmp(f->protonum)) {
		out_lit(b, ",\"icmp\":{\"type\":");
		out_u64(b, f->orig.icmp_type);
		json_u64(b, "code", f->orig.icmp_code);
		json_u64(b, "id", f->orig.sport);
		out_chr(b, '}');
	} else if (f->protonum == FLOW_P_GRE) {
		out_lit(b, ",\"gre\":{\"src_key\":");
		out_u64(b, f->orig.sport);
		json_u64(b, "dst_key", f->orig.dport);
		out_chr(b, '}');
	}
}

/* Fields the kernel sends only when enabled or set: counters (with
 * accounting), start (with timestamps), helper, labels. */
static void json_optional_fields(struct batch *b, const struct flow *f)
{
	const char *s;
	size_t nbits;
	char *p;

	if (f->has & FLOW_HAS_COUNTERS) {
		out_lit(b, ",\"counters\":{\"orig\":{\"packets\":");
		out_u64(b, f->orig_packets);
		json_u64(b, "bytes", f->orig_bytes);
		out_lit(b, "},\"reply\":{\"packets\":");
		out_u64(b, f->reply_packets);
		json_u64(b, "bytes", f->reply_bytes);
		out_lit(b, "}}");
	}
	if (f->has & FLOW_HAS_START) {
		out_lit(b, ",\"start\":");
		out_time(b, f->start_ns, 3);
	}
	s = intern_helper_name(f->helper);
	if (f->helper && s) {
		out_lit(b, ",\"helper\":");
		json_str(b, s);
	}
	if (f->labels == INTERN_TOO_MANY)
		out_lit(b, ",\"labels\":\"too many label sets\"");
	else if (f->labels && intern_labels_bits(f->labels, &nbits)) {
		/* format_labels writes "0,5,17": the array's content. */
		out_lit(b, ",\"labels\":[");
		p = out_reserve(b, BATCH_FIELD);
		b->len += format_labels(p, BATCH_FIELD, f);
		out_chr(b, ']');
	}
}

/* "zone" is the zone both directions share (CTA_ZONE; 0 when they
 * differ, as conntrack -L prints zone= only then); "zone_orig" and
 * "zone_reply" are each direction's. */
static void json_zones(struct batch *b, const struct flow *f)
{
	json_u64(b, "zone", flow_zone_split(f) ? 0 : f->orig.zone);
	json_u64(b, "zone_orig", f->orig.zone);
	json_u64(b, "zone_reply", f->reply.zone);
}

static void json_flow(struct batch *b, const struct flow *f)
{
	struct names_ctx names = { b, ",", true, 0 };
	char *p;

	if (b->nflows)
		out_chr(b, ',');
	out_lit(b, "{\"id\":");
	/* 0: no id known (table text without -o id). */
	if (f->id)
		out_u64(b, f->id);
	else
		out_lit(b, "null");
	out_str(b, f->family == FLOW_IPV6 ? ",\"family\":\"ipv6\"" :
					    ",\"family\":\"ipv4\"");
	out_lit(b, ",\"proto\":\"");
	p = out_reserve(b, 16);
	b->len += format_proto(p, 16, f->protonum);
	out_chr(b, '"');
	json_u64(b, "protonum", f->protonum);
	out_lit(b, ",\"state\":");
	json_name_or_null(b, flow_state_name(f));
	out_lit(b, ",\"timeout\":");
	if (f->has & FLOW_HAS_TIMEOUT)
		out_u64(b, f->timeout);
	else
		out_lit(b, "null");
	json_tuples(b, f);
	out_lit(b, ",\"flags\":[");
	flow_flag_names(f, out_name, &names);
	out_chr(b, ']');
	json_u64(b, "mark", f->mark);
	json_zones(b, f);
	out_lit(b, ",\"nat\":");
	json_name_or_null(b, flow_nat_name(flow_nat(f)));
	json_proto_fields(b, f);
	json_optional_fields(b, f);
	out_chr(b, '}');
}

/* ---- CSV pieces ---------------------------------------------------- */

static const char csv_flow_header[] =
	"id,family,proto,protonum,state,timeout,src,dst,sport,dport,"
	"reply_src,reply_dst,reply_sport,reply_dport,flags,mark,zone,"
	"zone_orig,zone_reply,nat,"
	"icmp_type,icmp_code,icmp_id,orig_packets,orig_bytes,reply_packets,"
	"reply_bytes,start,helper,labels\n";

/* One field, quoted only when it holds a comma, quote or line break. */
static void csv_field(struct batch *b, const char *s)
{
	const char *q;

	if (!strpbrk(s, ",\"\r\n")) {
		out_str(b, s);
		return;
	}
	out_chr(b, '"');
	while ((q = strchr(s, '"'))) {
		out_mem(b, s, q - s + 1);
		out_chr(b, '"');
		s = q + 1;
	}
	out_str(b, s);
	out_chr(b, '"');
}

static void csv_addr(struct batch *b, uint8_t family, const union flow_addr *a)
{
	char *p = out_reserve(b, 64);

	b->len += format_addr(p, 64, family, a);
	out_chr(b, ',');
}

static void csv_u64(struct batch *b, bool known, uint64_t v)
{
	if (known)
		out_u64(b, v);
	out_chr(b, ',');
}

static void csv_flow(struct batch *b, const struct flow *f)
{
	bool ports = flow_proto_has_ports(f->protonum);
	bool icmp = flow_is_icmp(f->protonum);
	bool counters = f->has & FLOW_HAS_COUNTERS;
	struct names_ctx names = { b, "|", false, 0 };
	const char *s;
	char *p;
	size_t i, n;

	if (f->id)
		out_u64(b, f->id);
	out_str(b, f->family == FLOW_IPV6 ? ",ipv6," : ",ipv4,");
	p = out_reserve(b, 16);
	b->len += format_proto(p, 16, f->protonum);
	out_chr(b, ',');
	csv_u64(b, true, f->protonum);
	s = flow_state_name(f);
	if (s)
		out_str(b, s);
	out_chr(b, ',');
	csv_u64(b, f->has & FLOW_HAS_TIMEOUT, f->timeout);
	csv_addr(b, f->family, &f->orig.src);
	csv_addr(b, f->family, &f->orig.dst);
	csv_u64(b, ports, f->orig.sport);
	csv_u64(b, ports, f->orig.dport);
	csv_addr(b, f->family, &f->reply.src);
	csv_addr(b, f->family, &f->reply.dst);
	csv_u64(b, ports, f->reply.sport);
	csv_u64(b, ports, f->reply.dport);
	flow_flag_names(f, out_name, &names);
	out_chr(b, ',');
	csv_u64(b, true, f->mark);
	csv_u64(b, true, flow_zone_split(f) ? 0 : f->orig.zone);
	csv_u64(b, true, f->orig.zone);
	csv_u64(b, true, f->reply.zone);
	s = flow_nat_name(flow_nat(f));
	if (s)
		out_str(b, s);
	out_chr(b, ',');
	csv_u64(b, icmp, f->orig.icmp_type);
	csv_u64(b, icmp, f->orig.icmp_code);
	csv_u64(b, icmp, f->orig.sport);
	csv_u64(b, counters, f->orig_packets);
	csv_u64(b, counters, f->orig_bytes);
	csv_u64(b, counters, f->reply_packets);
	csv_u64(b, counters, f->reply_bytes);
	if (f->has & FLOW_HAS_START)
		out_time(b, f->start_ns, 3);
	out_chr(b, ',');
	s = intern_helper_name(f->helper);
	if (f->helper && s)
		csv_field(b, s);
	out_chr(b, ',');
	if (f->labels) {
		/* Names (or bit numbers) joined with '|' like the flags;
		 * labelmap keeps only plain words, so no quoting is due. */
		p = out_reserve(b, BATCH_FIELD);
		n = format_label_names(p, BATCH_FIELD, f);
		for (i = 0; i < n; i++)
			if (p[i] == ',')
				p[i] = '|';
		b->len += n;
	}
	out_chr(b, '\n');
}

/* ---- text pieces --------------------------------------------------- */

static void text_header(struct batch *b)
{
	size_t i;

	b->header_due = false;
	for (i = 0; i < b->ncols; i++)
		out_cell(b, i, b->cols[i]->title, strlen(b->cols[i]->title),
			 b->cols[i]->right);
	out_chr(b, '\n');
}

/* A cell longer than its fitted width, shortened in place. */
static size_t fitted_cell(const struct batch *b, size_t i, char *cell,
			  size_t len)
{
	char whole[BATCH_FIELD];

	snprintf(whole, sizeof(whole), "%s", cell);
	return layout_shorten(cell, len, whole, (int)b->width[i],
			      column_layout_kind(b->cols[i]->id), b->marker);
}

static void text_flow(struct batch *b, const struct flow *f)
{
	char tmp[BATCH_FIELD];
	size_t i, n;

	if (b->header_due)
		text_header(b);

	for (i = 0; i < b->ncols; i++) {
		n = b->cols[i]->format(tmp, sizeof(tmp), f, &b->ctx);
		if (b->fitted && n > b->width[i])
			n = fitted_cell(b, i, tmp, sizeof(tmp));
		out_cell(b, i, tmp, n, b->cols[i]->right);
	}
	out_chr(b, '\n');
}

/* ", 5678 in table (max 262144, 2%)" when the kernel's figures are known. */
static void text_table(struct batch *b, uint64_t seen)
{
	char line[128];

	if (!b->have_stats) {
		out_lit(b, ", ");
		out_u64(b, seen);
		out_lit(b, " read");
		return;
	}
	if (b->stats.max)
		snprintf(line, sizeof(line), ", %u in table (max %u, %u%%)",
			 b->stats.count, b->stats.max,
			 (unsigned)((uint64_t)b->stats.count * 100 / b->stats.max));
	else
		snprintf(line, sizeof(line), ", %u in table", b->stats.count);
	out_str(b, line);
}

/* ---- public -------------------------------------------------------- */

struct batch *batch_new(FILE *out, const struct batch_opts *opts)
{
	enum column_id def[COL_COUNT];
	const enum column_id *ids = opts->cols;
	size_t n = opts->ncols, i;
	struct batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	if (!ids || !n) {
		n = columns_default(def, COL_COUNT);
		ids = def;
	}
	b->out = out;
	b->format = opts->format;
	b->rows_verb = opts->rows_verb ? opts->rows_verb : "shown";
	b->fit_width = opts->format == BATCH_TEXT ? opts->fit_width : 0;
	b->marker = opts->marker ? opts->marker : "~";
	b->header = opts->header;
	b->buf = malloc(BATCH_BUF);
	b->cols = calloc(n ? n : 1, sizeof(*b->cols));
	b->width = calloc(n ? n : 1, sizeof(*b->width));
	if (!b->buf || !b->cols || !b->width) {
		batch_free(b);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const struct column *c = column_get(ids[i]);
		size_t w;

		if (!c)
			continue;
		w = strlen(c->title);
		if (c->width > 0 && (size_t)c->width > w)
			w = c->width;
		b->cols[b->ncols] = c;
		b->width[b->ncols++] = w;
	}
	return b;
}

/* Widths fitted to the terminal (layout.h), on the values themselves
 * rather than the registry's widths; columns left out are dropped. */
static void fit_terminal(struct batch *b, const struct flow *const *flows,
			 size_t n, const struct column_ctx *ctx)
{
	const struct layout_geom g = { b->fit_width, 0, 2 };
	struct layout_col lc[LAYOUT_MAX];
	int w[LAYOUT_MAX];
	char tmp[BATCH_FIELD];
	size_t i, j, k = 0;

	if (b->ncols > LAYOUT_MAX)
		return;
	for (j = 0; j < b->ncols; j++) {
		lc[j] = (struct layout_col){
			.kind = column_layout_kind(b->cols[j]->id),
			.title = layout_cells(b->cols[j]->title),
		};
		for (i = 0; i < n; i++) {
			int c = (int)b->cols[j]->format(tmp, sizeof(tmp),
							flows[i], ctx);

			if (c > lc[j].longest)
				lc[j].longest = c;
			if (strcmp(tmp, "-"))
				lc[j].holds_data = true;
		}
	}
	layout_fit(lc, b->ncols, &g, w);
	for (j = 0; j < b->ncols; j++) {
		if (w[j] <= 0)
			continue;
		b->cols[k] = b->cols[j];
		b->width[k++] = (size_t)w[j];
	}
	b->ncols = k;
	b->fitted = true;
}

void batch_fit(struct batch *b, const struct flow *const *flows, size_t n)
{
	struct column_ctx ctx = b->ctx;
	struct timespec ts;
	char tmp[BATCH_FIELD];
	size_t i, j, w;

	/* Usually called before batch_begin: ages are measured from now. */
	if (!ctx.now_ns && !clock_gettime(CLOCK_REALTIME, &ts))
		ctx.now_ns = (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	for (j = 0; j < b->ncols; j++) {
		for (i = 0; i < n; i++) {
			w = b->cols[j]->format(tmp, sizeof(tmp), flows[i], &ctx);
			if (w > b->width[j])
				b->width[j] = w;
		}
	}
	if (b->fit_width > 0 && !b->fitted)
		fit_terminal(b, flows, n, &ctx);
}

static void snapshot_begin(struct batch *b, const struct batch_snapshot *snap)
{
	b->ctx.now_ns = snap->time_ns;
	b->have_stats = snap->have_stats && snap->stats;
	if (b->have_stats)
		b->stats = *snap->stats;
	b->nflows = 0;
	if (b->format == BATCH_TEXT && b->snapshots)
		out_chr(b, '\n');
	b->snapshots++;
}

void batch_begin(struct batch *b, const struct batch_snapshot *snap)
{
	bool first = !b->snapshots;

	snapshot_begin(b, snap);
	switch (b->format) {
	case BATCH_TEXT:
		/* Written with the first row, so that a batch_fit() after
		 * batch_begin() still aligns the titles. */
		b->header_due = b->header;
		break;
	case BATCH_JSON:
		out_chr(b, '{');
		json_snapshot(b, snap);
		out_lit(b, ",\"flows\":[");
		break;
	case BATCH_CSV:
		if (b->header && first)
			out_str(b, csv_flow_header);
		break;
	}
}

void batch_flow(struct batch *b, const struct flow *f)
{
	switch (b->format) {
	case BATCH_TEXT:
		text_flow(b, f);
		break;
	case BATCH_JSON:
		json_flow(b, f);
		break;
	case BATCH_CSV:
		csv_flow(b, f);
		break;
	}
	b->nflows++;
}

void batch_end(struct batch *b, uint64_t shown, uint64_t seen)
{
	switch (b->format) {
	case BATCH_TEXT:
		if (b->header_due)
			text_header(b);
		out_lit(b, "# ");
		out_u64(b, shown);
		out_str(b, shown == 1 ? " flow " : " flows ");
		out_str(b, b->rows_verb);
		text_table(b, seen);
		out_chr(b, '\n');
		break;
	case BATCH_JSON:
		/* Counts come last: flows are streamed before they are known. */
		out_lit(b, "],\"shown\":");
		out_u64(b, shown);
		json_u64(b, "seen", seen);
		out_lit(b, "}\n");
		break;
	case BATCH_CSV:
		break;
	}
	/* Each snapshot reaches the reader as soon as it is complete. */
	batch_flush(b);
}

static double share_of(uint64_t flows, uint64_t total)
{
	return total ? (double)flows / (double)total : 0.0;
}

/* The text cells of one group row: key, flows, packets, bytes, share.
 * Without accounting the counters are unknown, not zero: "-". */
static void group_cells(char cell[5][BATCH_FIELD], size_t len[5],
			enum group_by by, const struct group_row *r,
			uint64_t total)
{
	int k;

	len[0] = group_key_format(cell[0], BATCH_FIELD, by, &r->key);
	len[1] = format_u64(cell[1], BATCH_FIELD, r->flows);
	if (r->counted) {
		len[2] = format_count(cell[2], BATCH_FIELD, r->packets);
		len[3] = format_bytes(cell[3], BATCH_FIELD, r->bytes);
	} else {
		len[2] = len[3] = 1;
		strcpy(cell[2], "-");
		strcpy(cell[3], "-");
	}
	k = snprintf(cell[4], BATCH_FIELD, "%.1f%%",
		     100.0 * share_of(r->flows, total));
	len[4] = k > 0 ? (size_t)k : 0;
}

/* On a terminal the key gives way to the numbers, which are never cut. */
static void group_key_fit(const struct batch *b, size_t w[5])
{
	size_t rest = 0, room;

	if (b->fit_width <= 0)
		return;
	for (int j = 1; j < 5; j++)
		rest += 2 + w[j];
	room = (size_t)b->fit_width > rest + 12 ? (size_t)b->fit_width - rest : 12;
	if (w[0] > room)
		w[0] = room;
}

static size_t group_key_cut(const struct batch *b, enum group_by by,
			    char *key, size_t n, size_t w)
{
	char whole[BATCH_FIELD];
	enum layout_kind kind = by == GROUP_PAIR ? LAYOUT_PAIR :
				by == GROUP_SRC || by == GROUP_DST ?
				LAYOUT_ADDR : LAYOUT_FIXED;

	if (n <= w)
		return n;
	snprintf(whole, sizeof(whole), "%s", key);
	return layout_shorten(key, BATCH_FIELD, whole, (int)w, kind, b->marker);
}

static void groups_text(struct batch *b, enum group_by by,
			const struct group_row *rows, size_t n, size_t ngroups,
			uint64_t total, uint64_t base)
{
	static const char *const titles[] = { NULL, "FLOWS", "PACKETS",
					      "BYTES", "SHARE" };
	char cell[5][BATCH_FIELD], title[16];
	size_t w[5], len[5], i, j;
	const char *name = group_by_str(by);

	for (j = 0; name[j] && j + 1 < sizeof(title); j++)
		title[j] = name[j] >= 'a' && name[j] <= 'z' ?
			   name[j] - 'a' + 'A' : name[j];
	title[j] = '\0';
	w[0] = strlen(title);
	for (j = 1; j < 5; j++)
		w[j] = strlen(titles[j]);
	/* Widths first: every row is at hand. */
	for (i = 0; i < n; i++) {
		group_cells(cell, len, by, &rows[i], base);
		for (j = 0; j < 5; j++)
			if (len[j] > w[j])
				w[j] = len[j];
	}
	group_key_fit(b, w);
	if (b->header) {
		/* Key title left-aligned, number titles right-aligned. */
		out_str(b, title);
		out_spaces(b, w[0] - strlen(title));
		for (j = 1; j < 5; j++) {
			out_spaces(b, 2 + w[j] - strlen(titles[j]));
			out_str(b, titles[j]);
		}
		out_chr(b, '\n');
	}
	for (i = 0; i < n; i++) {
		group_cells(cell, len, by, &rows[i], base);
		len[0] = group_key_cut(b, by, cell[0], len[0], w[0]);
		out_mem(b, cell[0], len[0]);
		out_spaces(b, w[0] - (size_t)layout_cells(cell[0]));
		for (j = 1; j < 5; j++) {
			out_spaces(b, 2 + w[j] - len[j]);
			out_mem(b, cell[j], len[j]);
		}
		out_chr(b, '\n');
	}
	out_lit(b, "# ");
	out_u64(b, n);
	if (n < ngroups) {
		out_str(b, " of ");
		out_u64(b, ngroups);
	}
	out_str(b, ngroups == 1 ? " group, " : " groups, ");
	out_u64(b, total);
	out_str(b, total == 1 ? " flow" : " flows");
	/* Without the kernel's figures there is nothing more to say. */
	if (b->have_stats)
		text_table(b, total);
	out_chr(b, '\n');
}

/* Counters as numbers, or null where accounting was off. */
static void json_counter(struct batch *b, const char *key, bool known,
			 uint64_t v)
{
	if (known) {
		json_u64(b, key, v);
		return;
	}
	out_lit(b, ",\"");
	out_str(b, key);
	out_lit(b, "\":null");
}

static void groups_json(struct batch *b, const struct batch_snapshot *snap,
			enum group_by by, const struct group_row *rows,
			size_t n, size_t ngroups, uint64_t total, uint64_t base)
{
	char key[BATCH_FIELD], share[32];
	size_t i;

	out_chr(b, '{');
	json_snapshot(b, snap);
	out_lit(b, ",\"group\":");
	json_str(b, group_by_str(by));
	json_u64(b, "total", total);
	json_u64(b, "ngroups", ngroups);
	out_lit(b, ",\"groups\":[");
	for (i = 0; i < n; i++) {
		group_key_format(key, sizeof(key), by, &rows[i].key);
		snprintf(share, sizeof(share), "%.4f",
			 share_of(rows[i].flows, base));
		out_str(b, i ? ",{\"key\":" : "{\"key\":");
		json_str(b, key);
		json_u64(b, "flows", rows[i].flows);
		json_counter(b, "packets", rows[i].counted, rows[i].packets);
		json_counter(b, "bytes", rows[i].counted, rows[i].bytes);
		out_lit(b, ",\"share\":");
		out_str(b, share);
		out_chr(b, '}');
	}
	out_lit(b, "]}\n");
}

static void groups_csv(struct batch *b, bool first,
		       enum group_by by, const struct group_row *rows,
		       size_t n, uint64_t base)
{
	char key[BATCH_FIELD], share[32];
	size_t i;

	if (b->header && first)
		out_lit(b, "key,flows,packets,bytes,share\n");
	for (i = 0; i < n; i++) {
		group_key_format(key, sizeof(key), by, &rows[i].key);
		snprintf(share, sizeof(share), "%.4f",
			 share_of(rows[i].flows, base));
		csv_field(b, key);
		out_chr(b, ',');
		out_u64(b, rows[i].flows);
		out_chr(b, ',');
		if (rows[i].counted)
			out_u64(b, rows[i].packets);
		out_chr(b, ',');
		if (rows[i].counted)
			out_u64(b, rows[i].bytes);
		out_chr(b, ',');
		out_str(b, share);
		out_chr(b, '\n');
	}
}

void batch_groups(struct batch *b, const struct batch_snapshot *snap,
		  enum group_by by, const struct group_row *rows, size_t n,
		  size_t ngroups, uint64_t total)
{
	bool first = !b->snapshots;
	uint64_t base = total;

	/* "Who fills my table": shares are of the whole table, also when a
	 * filter narrowed the flows grouped. */
	if (snap->have_stats && snap->stats && snap->stats->count > base)
		base = snap->stats->count;

	snapshot_begin(b, snap);
	switch (b->format) {
	case BATCH_TEXT:
		groups_text(b, by, rows, n, ngroups, total, base);
		break;
	case BATCH_JSON:
		groups_json(b, snap, by, rows, n, ngroups, total, base);
		break;
	case BATCH_CSV:
		groups_csv(b, first, by, rows, n, base);
		break;
	}
	batch_flush(b);
}

bool batch_failed(const struct batch *b)
{
	return b->err != 0;
}

int batch_flush(struct batch *b)
{
	out_flush(b);
	errno = 0;
	if (!b->err && fflush(b->out))
		b->err = errno ? errno : EIO;
	if (b->err) {
		errno = b->err;
		return -1;
	}
	return 0;
}

void batch_free(struct batch *b)
{
	if (!b)
		return;
	if (b->buf)
		out_flush(b);
	free(b->buf);
	free(b->cols);
	free(b->width);
	free(b);
}

/* ---- event stream (ctop -E) ---------------------------------------- */

/* Text: TIME (17), EVENT (9), then the columns. */
#define EV_TIME_W 17
#define EV_TAG_W 9

static void event_text(struct batch *b, uint64_t time_ns, const char *event,
		       const struct flow *f, long long lost)
{
	char tmp[BATCH_FIELD];
	size_t i, n;

	if (b->header_due) {
		out_lit(b, "TIME");
		out_spaces(b, EV_TIME_W - 4 + 1);
		out_lit(b, "EVENT");
		out_spaces(b, EV_TAG_W - 5 + 2);
		text_header(b);
	}
	if (!f) {
		out_lit(b, "# overflow: ");
		if (lost >= 0) {
			out_u64(b, (uint64_t)lost);
			out_str(b, lost == 1 ? " event lost (" : " events lost (");
		} else {
			out_lit(b, "events lost, number unknown (");
		}
		out_time(b, time_ns, 6);
		out_lit(b, ")\n");
		return;
	}
	out_time(b, time_ns, 6);
	out_chr(b, ' ');
	n = 0;
	out_chr(b, '[');
	for (; event[n] && n < EV_TAG_W - 2; n++)
		out_chr(b, event[n] >= 'a' && event[n] <= 'z' ?
			   (char)(event[n] - 'a' + 'A') : event[n]);
	out_chr(b, ']');
	out_spaces(b, EV_TAG_W - n - 2 + 2);
	for (i = 0; i < b->ncols; i++) {
		n = b->cols[i]->format(tmp, sizeof(tmp), f, &b->ctx);
		out_cell(b, i, tmp, n, b->cols[i]->right);
	}
	out_chr(b, '\n');
}

static void event_csv(struct batch *b, uint64_t time_ns, const char *event,
		      const struct flow *f, long long lost)
{
	if (b->header_due) {
		out_lit(b, "time,event,lost,");
		out_str(b, csv_flow_header);
	}
	out_time(b, time_ns, 6);
	out_chr(b, ',');
	out_str(b, event);
	out_chr(b, ',');
	if (f) {
		out_chr(b, ',');
		csv_flow(b, f);
		return;
	}
	if (lost >= 0)
		out_u64(b, (uint64_t)lost);
	/* Empty flow fields keep the row as wide as the header. */
	out_chr(b, ',');
	for (const char *p = csv_flow_header; *p; p++)
		if (*p == ',' || *p == '\n')
			out_chr(b, *p);
}

void batch_event(struct batch *b, uint64_t time_ns, const char *event,
		 const struct flow *f, long long lost, uint64_t stop_ns)
{
	if (!b->snapshots++)
		b->header_due = b->header;
	b->ctx.now_ns = time_ns;
	switch (b->format) {
	case BATCH_TEXT:
		event_text(b, time_ns, event, f, lost);
		break;
	case BATCH_JSON:
		out_lit(b, "{\"time\":");
		out_time(b, time_ns, 6);
		out_lit(b, ",\"event\":");
		json_str(b, event);
		if (f) {
			if (stop_ns) {
				out_lit(b, ",\"stop\":");
				out_time(b, stop_ns, 6);
			}
			out_lit(b, ",\"flow\":");
			b->nflows = 0;
			json_flow(b, f);
		} else {
			out_lit(b, ",\"lost\":");
			if (lost >= 0)
				out_u64(b, (uint64_t)lost);
			else
				out_lit(b, "null");
		}
		out_lit(b, "}\n");
		break;
	case BATCH_CSV:
		event_csv(b, time_ns, event, f, lost);
		break;
	}
	b->header_due = false;
}
