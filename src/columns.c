/* The column registry: what each column is called, how wide it is, how it
 * sorts and how it prints. Everything that shows or orders flows by column
 * (headers, batch text, the screen, sorting, mouse clicks) reads this one
 * table, so adding a column means adding one entry here.
 *
 * Compare functions give an ascending "natural" order: numbers
 * numerically, addresses numerically within a family with IPv4 before
 * IPv6, names alphabetically. They return -1, 0 or 1 so callers may negate
 * the result safely. Ties are left to the caller (sort.c breaks them by
 * the flow key).
 */
#include <string.h>
#include <strings.h>

#include "columns.h"
#include "format.h"

static inline int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/* Counters may be near 2^64 after years on a busy box; saturate rather
 * than wrap so the sum still sorts sensibly. */
static inline uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t flow_packets(const struct flow *f)
{
	return add_sat(f->orig_packets, f->reply_packets);
}

static uint64_t flow_bytes(const struct flow *f)
{
	return add_sat(f->orig_bytes, f->reply_bytes);
}

/* Family first (FLOW_IPV4 < FLOW_IPV6), then the bytes in network order,
 * which is numeric order. */
static int cmp_addr(const struct flow *a, const union flow_addr *aa,
		    const struct flow *b, const union flow_addr *ba)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(aa->b, ba->b, flow_addr_len(a->family));
	return (c > 0) - (c < 0);
}

/* The port a column shows: none (0) for protocols without ports, so ICMP
 * ids and GRE keys do not sort among real ports. */
static uint16_t tuple_port(const struct flow *f, const struct flow_tuple *t,
			   int which)
{
	if (!flow_proto_has_ports(f->protonum))
		return 0;
	return which ? t->dport : t->sport;
}

static const union flow_addr *tuple_addr(const struct flow_tuple *t, int which)
{
	return which ? &t->dst : &t->src;
}

static int cmp_endpoint(const struct flow *a, const struct flow *b,
			bool reply, int which)
{
	const struct flow_tuple *ta = reply ? &a->reply : &a->orig;
	const struct flow_tuple *tb = reply ? &b->reply : &b->orig;
	int c = cmp_addr(a, tuple_addr(ta, which), b, tuple_addr(tb, which));

	if (c)
		return c;
	return cmp_u64(tuple_port(a, ta, which), tuple_port(b, tb, which));
}

/* "-" for a value the flow does not have, so a cell is never blank. */
static size_t put_dash(char *buf, size_t len)
{
	if (!len)
		return 0;
	if (len == 1) {
		buf[0] = '\0';
		return 0;
	}
	buf[0] = '-';
	buf[1] = '\0';
	return 1;
}

static size_t put_str(char *buf, size_t len, const char *s)
{
	size_t n;

	if (!s)
		return put_dash(buf, len);
	if (!len)
		return 0;
	n = strlen(s);
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return n;
}

/* proto */

static int proto_cmp(const struct flow *a, const struct flow *b,
		     const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(a->protonum, b->protonum);
}

static size_t proto_fmt(char *buf, size_t len, const struct flow *f,
			const struct column_ctx *ctx)
{
	(void)ctx;
	return format_proto(buf, len, f->protonum);
}

/* endpoints: src, dst, rsrc, rdst */

static int src_cmp(const struct flow *a, const struct flow *b,
		   const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_endpoint(a, b, false, 0);
}

static int dst_cmp(const struct flow *a, const struct flow *b,
		   const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_endpoint(a, b, false, 1);
}

static int rsrc_cmp(const struct flow *a, const struct flow *b,
		    const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_endpoint(a, b, true, 0);
}

static int rdst_cmp(const struct flow *a, const struct flow *b,
		    const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_endpoint(a, b, true, 1);
}

static size_t src_fmt(char *buf, size_t len, const struct flow *f,
		      const struct column_ctx *ctx)
{
	(void)ctx;
	return format_endpoint(buf, len, f, &f->orig, 0);
}

static size_t dst_fmt(char *buf, size_t len, const struct flow *f,
		      const struct column_ctx *ctx)
{
	(void)ctx;
	return format_endpoint(buf, len, f, &f->orig, 1);
}

static size_t rsrc_fmt(char *buf, size_t len, const struct flow *f,
		       const struct column_ctx *ctx)
{
	(void)ctx;
	return format_endpoint(buf, len, f, &f->reply, 0);
}

static size_t rdst_fmt(char *buf, size_t len, const struct flow *f,
		       const struct column_ctx *ctx)
{
	(void)ctx;
	return format_endpoint(buf, len, f, &f->reply, 1);
}

/* saddr, daddr */

static int saddr_cmp(const struct flow *a, const struct flow *b,
		     const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_addr(a, &a->orig.src, b, &b->orig.src);
}

static int daddr_cmp(const struct flow *a, const struct flow *b,
		     const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_addr(a, &a->orig.dst, b, &b->orig.dst);
}

static size_t saddr_fmt(char *buf, size_t len, const struct flow *f,
			const struct column_ctx *ctx)
{
	(void)ctx;
	return format_addr(buf, len, f->family, &f->orig.src);
}

static size_t daddr_fmt(char *buf, size_t len, const struct flow *f,
			const struct column_ctx *ctx)
{
	(void)ctx;
	return format_addr(buf, len, f->family, &f->orig.dst);
}

/* sport, dport */

static int sport_cmp(const struct flow *a, const struct flow *b,
		     const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(tuple_port(a, &a->orig, 0), tuple_port(b, &b->orig, 0));
}

static int dport_cmp(const struct flow *a, const struct flow *b,
		     const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(tuple_port(a, &a->orig, 1), tuple_port(b, &b->orig, 1));
}

static size_t port_fmt(char *buf, size_t len, const struct flow *f, int which)
{
	if (!flow_proto_has_ports(f->protonum))
		return put_dash(buf, len);
	return format_u64(buf, len, tuple_port(f, &f->orig, which));
}

static size_t sport_fmt(char *buf, size_t len, const struct flow *f,
			const struct column_ctx *ctx)
{
	(void)ctx;
	return port_fmt(buf, len, f, 0);
}

static size_t dport_fmt(char *buf, size_t len, const struct flow *f,
			const struct column_ctx *ctx)
{
	(void)ctx;
	return port_fmt(buf, len, f, 1);
}

/* state: grouped by protocol, since state numbers mean different things
 * per protocol; flows without a state first within their protocol. */

static int state_cmp(const struct flow *a, const struct flow *b,
		     const struct column_ctx *ctx)
{
	unsigned sa = a->has & FLOW_HAS_STATE ? a->state + 1u : 0;
	unsigned sb = b->has & FLOW_HAS_STATE ? b->state + 1u : 0;

	(void)ctx;
	if (a->protonum != b->protonum)
		return a->protonum < b->protonum ? -1 : 1;
	return cmp_u64(sa, sb);
}

static size_t state_fmt(char *buf, size_t len, const struct flow *f,
			const struct column_ctx *ctx)
{
	(void)ctx;
	return put_str(buf, len, flow_state_name(f));
}

/* ttl */

static int ttl_cmp(const struct flow *a, const struct flow *b,
		   const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(a->timeout, b->timeout);
}

static size_t ttl_fmt(char *buf, size_t len, const struct flow *f,
		      const struct column_ctx *ctx)
{
	(void)ctx;
	return format_duration(buf, len, f->timeout);
}

/* flags */

static int flags_cmp(const struct flow *a, const struct flow *b,
		     const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(a->status, b->status);
}

static size_t flags_fmt(char *buf, size_t len, const struct flow *f,
			const struct column_ctx *ctx)
{
	(void)ctx;
	return format_flags_short(buf, len, f);
}

/* packets, bytes: both directions. Without accounting the kernel sends
 * no counters; show "-" rather than a misleading 0. */

static bool no_counters(const struct flow *f)
{
	return !(f->has & FLOW_HAS_COUNTERS) && !f->orig_packets &&
	       !f->reply_packets && !f->orig_bytes && !f->reply_bytes;
}

static int packets_cmp(const struct flow *a, const struct flow *b,
		       const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(flow_packets(a), flow_packets(b));
}

static size_t packets_fmt(char *buf, size_t len, const struct flow *f,
			  const struct column_ctx *ctx)
{
	(void)ctx;
	if (no_counters(f))
		return put_dash(buf, len);
	return format_count(buf, len, flow_packets(f));
}

static int bytes_cmp(const struct flow *a, const struct flow *b,
		     const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(flow_bytes(a), flow_bytes(b));
}

static size_t bytes_fmt(char *buf, size_t len, const struct flow *f,
			const struct column_ctx *ctx)
{
	(void)ctx;
	if (no_counters(f))
		return put_dash(buf, len);
	return format_bytes(buf, len, flow_bytes(f));
}

/* mark: hex, as marks are bit masks in nft and iptables rules ("0" for
 * none, to keep the common case short). */

static int mark_cmp(const struct flow *a, const struct flow *b,
		    const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(a->mark, b->mark);
}

static size_t mark_fmt(char *buf, size_t len, const struct flow *f,
		       const struct column_ctx *ctx)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[12];
	size_t n = 0;
	int shift = 28;

	(void)ctx;
	if (!f->mark)
		return format_u64(buf, len, 0);
	tmp[n++] = '0';
	tmp[n++] = 'x';
	while (!(f->mark >> shift & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		tmp[n++] = hex[f->mark >> shift & 0xf];
	tmp[n] = '\0';
	return put_str(buf, len, tmp);
}

/* zone, id */

/* The original direction's zone first, then the reply's (sort.c packs
 * the same order). */
static int zone_cmp(const struct flow *a, const struct flow *b,
		    const struct column_ctx *ctx)
{
	(void)ctx;
	if (a->orig.zone != b->orig.zone)
		return cmp_u64(a->orig.zone, b->orig.zone);
	return cmp_u64(a->reply.zone, b->reply.zone);
}

static size_t zone_fmt(char *buf, size_t len, const struct flow *f,
		       const struct column_ctx *ctx)
{
	(void)ctx;
	return format_zone(buf, len, f->orig.zone, f->reply.zone);
}

static int id_cmp(const struct flow *a, const struct flow *b,
		  const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(a->id, b->id);
}

static size_t id_fmt(char *buf, size_t len, const struct flow *f,
		     const struct column_ctx *ctx)
{
	(void)ctx;
	return format_u64(buf, len, f->id);
}

/* helper: by name, flows without a helper first. */

static int helper_cmp(const struct flow *a, const struct flow *b,
		      const struct column_ctx *ctx)
{
	const char *ha = intern_helper_name(a->helper);
	const char *hb = intern_helper_name(b->helper);
	int c;

	(void)ctx;
	if (!ha || !hb)
		return (ha != NULL) - (hb != NULL);
	c = strcmp(ha, hb);
	return (c > 0) - (c < 0);
}

static size_t helper_fmt(char *buf, size_t len, const struct flow *f,
			 const struct column_ctx *ctx)
{
	(void)ctx;
	return put_str(buf, len, intern_helper_name(f->helper));
}

/* age: time since the flow started, which needs nf_conntrack_timestamp.
 * Ascending age is descending start time; flows without a start time
 * (unknown age) sort after all others. */

static bool has_start(const struct flow *f)
{
	return (f->has & FLOW_HAS_START) && f->start_ns;
}

static int age_cmp(const struct flow *a, const struct flow *b,
		   const struct column_ctx *ctx)
{
	bool ka = has_start(a), kb = has_start(b);

	(void)ctx;
	if (!ka || !kb)
		return (int)kb - (int)ka;
	return cmp_u64(b->start_ns, a->start_ns);
}

static size_t age_fmt(char *buf, size_t len, const struct flow *f,
		      const struct column_ctx *ctx)
{
	uint64_t now = ctx ? ctx->now_ns : 0;

	if (!has_start(f))
		return put_dash(buf, len);
	/* A clock step may put the start in the future: show 0, not 584
	 * years. */
	return format_duration(buf, len,
			       now > f->start_ns ?
			       (now - f->start_ns) / 1000000000u : 0);
}

/* nat */

static int nat_cmp(const struct flow *a, const struct flow *b,
		   const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(flow_nat(a), flow_nat(b));
}

static size_t nat_fmt(char *buf, size_t len, const struct flow *f,
		      const struct column_ctx *ctx)
{
	(void)ctx;
	return put_str(buf, len, flow_nat_name(flow_nat(f)));
}

/* family */

static int family_cmp(const struct flow *a, const struct flow *b,
		      const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(a->family, b->family);
}

static size_t family_fmt(char *buf, size_t len, const struct flow *f,
			 const struct column_ctx *ctx)
{
	(void)ctx;
	switch (f->family) {
	case FLOW_IPV4:
		return put_str(buf, len, "ipv4");
	case FLOW_IPV6:
		return put_str(buf, len, "ipv6");
	}
	return format_u64(buf, len, f->family);
}

/* labels: by lowest set bit first, as the text reads ("0,5" < "1"); flows
 * without labels first. */

static int labels_cmp(const struct flow *a, const struct flow *b,
		      const struct column_ctx *ctx)
{
	size_t la = 0, lb = 0, i;
	const uint8_t *ba, *bb;

	(void)ctx;
	if (a->labels == b->labels)
		return 0;
	ba = intern_labels_bits(a->labels, &la);
	bb = intern_labels_bits(b->labels, &lb);
	if (!ba || !bb)
		return (ba != NULL) - (bb != NULL);
	for (i = 0; i < la * 8 || i < lb * 8; i++) {
		int xa = i < la * 8 && (ba[i / 8] >> (i % 8) & 1);
		int xb = i < lb * 8 && (bb[i / 8] >> (i % 8) & 1);

		/* The first bit where they differ: whoever has it set
		 * lists the smaller number there. */
		if (xa != xb)
			return xa ? -1 : 1;
	}
	return 0;
}

static size_t labels_fmt(char *buf, size_t len, const struct flow *f,
			 const struct column_ctx *ctx)
{
	(void)ctx;
	if (!f->labels)
		return put_dash(buf, len);
	return format_labels(buf, len, f);
}

/* Widths fit the default view (proto, src, dst, state, ttl, flags) in 80
 * cells with one-cell gaps: 5 + 21 + 21 + 11 + 8 + 5 + 5 = 76. 21 is
 * "255.255.255.255:65535"; longer IPv6 endpoints push the row or are
 * fitted by the view. */
#define COL(id_, name_, alias_, title_, width_, right_, fn_) \
	[id_] = { .id = id_, .name = name_, .alias = alias_, .title = title_, \
		  .width = width_, .right = right_, .compare = fn_##_cmp, \
		  .format = fn_##_fmt }

static const struct column columns[COL_COUNT] = {
	COL(COL_PROTO, "proto", "protocol", "PROTO", 5, false, proto),
	COL(COL_SRC, "src", "source", "SOURCE", 21, false, src),
	COL(COL_DST, "dst", "destination", "DESTINATION", 21, false, dst),
	COL(COL_SADDR, "saddr", NULL, "SADDR", 15, false, saddr),
	COL(COL_DADDR, "daddr", NULL, "DADDR", 15, false, daddr),
	COL(COL_SPORT, "sport", NULL, "SPORT", 5, true, sport),
	COL(COL_DPORT, "dport", NULL, "DPORT", 5, true, dport),
	COL(COL_STATE, "state", NULL, "STATE", 11, false, state),
	COL(COL_TTL, "ttl", "timeout", "TTL", 8, true, ttl),
	COL(COL_FLAGS, "flags", NULL, "FLAGS", 5, false, flags),
	COL(COL_PACKETS, "packets", NULL, "PACKETS", 7, true, packets),
	COL(COL_BYTES, "bytes", NULL, "BYTES", 6, true, bytes),
	COL(COL_MARK, "mark", NULL, "MARK", 10, true, mark),
	COL(COL_ZONE, "zone", NULL, "ZONE", 5, true, zone),
	COL(COL_ID, "id", NULL, "ID", 10, true, id),
	COL(COL_HELPER, "helper", NULL, "HELPER", 8, false, helper),
	COL(COL_AGE, "age", NULL, "AGE", 8, true, age),
	COL(COL_REPLY_SRC, "rsrc", "reply-src", "REPLY-SRC", 21, false, rsrc),
	COL(COL_REPLY_DST, "rdst", "reply-dst", "REPLY-DST", 21, false, rdst),
	COL(COL_NAT, "nat", NULL, "NAT", 4, false, nat),
	COL(COL_FAMILY, "family", NULL, "FAMILY", 6, false, family),
	COL(COL_LABELS, "labels", NULL, "LABELS", 8, false, labels),
};

const struct column *column_get(enum column_id id)
{
	if ((unsigned)id >= COL_COUNT)
		return NULL;
	return &columns[id];
}

/* By name or alias; n bytes of name (not NUL-terminated when parsing a
 * list). */
static const struct column *column_by_name_n(const char *name, size_t n)
{
	for (size_t i = 0; i < COL_COUNT; i++) {
		const struct column *c = &columns[i];

		if (strlen(c->name) == n && !strncasecmp(c->name, name, n))
			return c;
		if (c->alias && strlen(c->alias) == n &&
		    !strncasecmp(c->alias, name, n))
			return c;
	}
	return NULL;
}

const struct column *column_by_name(const char *name)
{
	if (!name)
		return NULL;
	return column_by_name_n(name, strlen(name));
}

static void copy_bad(char *bad, size_t badlen, const char *s, size_t n)
{
	if (!bad || !badlen)
		return;
	if (n >= badlen)
		n = badlen - 1;
	memcpy(bad, s, n);
	bad[n] = '\0';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Visit the names of a comma-separated list, blanks around names
 * trimmed. Validation runs as a first pass over the whole list and the
 * ids are written in a second one, so a bad list leaves ids and *n as
 * they were (the screen keeps its view when the user mistypes). */
static int columns_walk(const char *s, enum column_id *ids, size_t *count,
			size_t max, char *bad, size_t badlen)
{
	for (;;) {
		const char *end = strchr(s, ',');
		const char *b = s, *e = end ? end : s + strlen(s);
		const struct column *c;

		while (b < e && is_blank(*b))
			b++;
		while (e > b && is_blank(e[-1]))
			e--;
		c = column_by_name_n(b, (size_t)(e - b));
		if (!c || *count >= max) {
			copy_bad(bad, badlen, b, (size_t)(e - b));
			return c ? -2 : -1;
		}
		if (ids)
			ids[*count] = c->id;
		(*count)++;
		if (!end)
			return 0;
		s = end + 1;
	}
}

int columns_parse(const char *list, enum column_id *ids, size_t *n,
		  size_t max, char *bad, size_t badlen)
{
	size_t count = 0;

	copy_bad(bad, badlen, "", 0);
	if (!list)
		return -1;
	while (is_blank(*list))
		list++;
	if (*list == '+') {
		list++;
		count = *n;
	}
	int r = columns_walk(list, NULL, &(size_t){ count }, max, bad, badlen);

	if (r)
		return r;
	columns_walk(list, ids, &count, max, NULL, 0);
	*n = count;
	return 0;
}

size_t columns_default(enum column_id *ids, size_t max)
{
	static const enum column_id def[] = {
		COL_PROTO, COL_SRC, COL_DST, COL_STATE, COL_TTL, COL_FLAGS,
	};
	size_t n = sizeof(def) / sizeof(def[0]);

	if (n > max)
		n = max;
	memcpy(ids, def, n * sizeof(def[0]));
	return n;
}

const char *columns_names(void)
{
	/* Kept in registry order; test_columns checks it matches. */
	return "proto,src,dst,saddr,daddr,sport,dport,state,ttl,flags,"
	       "packets,bytes,mark,zone,id,helper,age,rsrc,rdst,nat,family,"
	       "labels";
}

enum layout_kind column_layout_kind(enum column_id id)
{
	switch (id) {
	case COL_SRC:
	case COL_DST:
	case COL_REPLY_SRC:
	case COL_REPLY_DST:
		return LAYOUT_ADDR_PORT;
	case COL_SADDR:
	case COL_DADDR:
		return LAYOUT_ADDR;
	case COL_HELPER:
	case COL_LABELS:
		return LAYOUT_NAME;
	case COL_PROTO:
	case COL_STATE:
	case COL_FLAGS:
	case COL_NAT:
	case COL_FAMILY:
		return LAYOUT_FIXED;
	default:
		/* Ports, counters, ids, marks, zones, and durations:
		 * "1:02:0" would read as another time. */
		return LAYOUT_NUMBER;
	}
}
