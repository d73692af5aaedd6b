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
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "columns.h"
#include "format.h"
#include "num.h"

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

/* ---- sort keys: 64-bit prefixes of the compares above and below ---- */

/* Address (and port) prefix: IPv4 before IPv6, numeric within a family.
 * Exact for IPv4, where address and port fit in 63 bits, and for IPv6
 * when the sort ranked the addresses (ctx->rank; WHICH: 0-3, the
 * address's place there). */
static uint64_t addr_key(const struct flow *f, const union flow_addr *a,
			 int port, int which, const struct column_ctx *ctx,
			 bool *exact)
{
	uint64_t p = port < 0 ? 0 : (uint64_t)port;

	*exact = true;
	if (f->family == FLOW_IPV6) {
		if (ctx && ctx->rank)
			return 1ULL << 63 | (uint64_t)ctx->rank[which] << 16 | p;
		*exact = false;
		return 1ULL << 63 | be_bits(a->b, 8) >> 1;
	}
	if (f->family != FLOW_IPV4) {
		*exact = false;
		return 0;
	}
	return be_bits(a->b, 4) << 16 | p;
}

static uint64_t endpoint_key(const struct flow *f, bool reply, int which,
			     const struct column_ctx *ctx, bool *exact)
{
	const struct flow_tuple *t = reply ? &f->reply : &f->orig;

	return addr_key(f, tuple_addr(t, which), tuple_port(f, t, which),
			2 * reply + which, ctx, exact);
}

/* A key that is the compared value itself. */
#define EXACT_KEY(name_, expr_) \
	static uint64_t name_##_key(const struct flow *f, \
				    const struct column_ctx *ctx, bool *exact) \
	{ \
		(void)ctx; \
		*exact = true; \
		return (expr_); \
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

EXACT_KEY(proto, f->protonum)

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

/* The endpoint's address and port, as cmp_endpoint orders them. */
#define ENDPOINT_KEY(name_, reply_, which_) \
	static uint64_t name_##_key(const struct flow *f, \
				    const struct column_ctx *ctx, bool *exact) \
	{ \
		return endpoint_key(f, reply_, which_, ctx, exact); \
	}

ENDPOINT_KEY(src, false, 0)
ENDPOINT_KEY(dst, false, 1)
ENDPOINT_KEY(rsrc, true, 0)
ENDPOINT_KEY(rdst, true, 1)

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

static uint64_t saddr_key(const struct flow *f, const struct column_ctx *ctx,
			  bool *exact)
{
	return addr_key(f, &f->orig.src, -1, 0, ctx, exact);
}

static uint64_t daddr_key(const struct flow *f, const struct column_ctx *ctx,
			  bool *exact)
{
	return addr_key(f, &f->orig.dst, -1, 1, ctx, exact);
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

EXACT_KEY(sport, tuple_port(f, &f->orig, 0))
EXACT_KEY(dport, tuple_port(f, &f->orig, 1))

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

/* ICMP flows have no state, and rows that differ only by the echo id
 * would look the same: the STATE cell shows the type and id instead,
 * on the screen and in batch text alike. */
static size_t icmp_fmt(char *buf, size_t len, const struct flow *f)
{
	const struct flow_tuple *o = &f->orig;
	int n;

	if ((f->protonum == FLOW_P_ICMP && o->icmp_type == 8) ||
	    (f->protonum == FLOW_P_ICMPV6 && o->icmp_type == 128))
		n = snprintf(buf, len, "echo id %u", o->sport);
	else
		n = snprintf(buf, len, "type %u/%u id %u", o->icmp_type,
			     o->icmp_code, o->sport);
	if (n < 0 || !len)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

static size_t state_fmt(char *buf, size_t len, const struct flow *f,
			const struct column_ctx *ctx)
{
	(void)ctx;
	if (flow_is_icmp(f->protonum) && !(f->has & FLOW_HAS_STATE))
		return icmp_fmt(buf, len, f);
	return put_str(buf, len, flow_state_name(f));
}

EXACT_KEY(state, (uint64_t)f->protonum << 16 |
	  (f->has & FLOW_HAS_STATE ? f->state + 1u : 0))

/* ttl */

static int ttl_cmp(const struct flow *a, const struct flow *b,
		   const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(a->timeout, b->timeout);
}

/* While a flowtable carries a flow its packets bypass conntrack: the
 * flowtable keeps pushing the timeout forward, so a countdown would be a
 * misleading number. The cell says who holds the flow instead; sorting
 * and JSON/CSV keep the kernel's figure. */
static size_t ttl_fmt(char *buf, size_t len, const struct flow *f,
		      const struct column_ctx *ctx)
{
	(void)ctx;
	if (f->status & FLOW_S_HW_OFFLOAD)
		return put_str(buf, len, "hw-offload");
	if (f->status & FLOW_S_OFFLOAD)
		return put_str(buf, len, "offload");
	return format_duration(buf, len, f->timeout);
}

EXACT_KEY(ttl, f->timeout)

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

EXACT_KEY(flags, f->status)

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
	if (no_counters(f) || (ctx && ctx->acct_off))
		return put_dash(buf, len);
	return format_count(buf, len, flow_packets(f));
}

EXACT_KEY(packets, flow_packets(f))

static int bytes_cmp(const struct flow *a, const struct flow *b,
		     const struct column_ctx *ctx)
{
	(void)ctx;
	return cmp_u64(flow_bytes(a), flow_bytes(b));
}

static size_t bytes_fmt(char *buf, size_t len, const struct flow *f,
			const struct column_ctx *ctx)
{
	if (no_counters(f) || (ctx && ctx->acct_off))
		return put_dash(buf, len);
	return format_bytes(buf, len, flow_bytes(f));
}

EXACT_KEY(bytes, flow_bytes(f))

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

EXACT_KEY(mark, f->mark)

/* zone, id */

/* The original direction's zone first, then the reply's (zone_key packs
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

EXACT_KEY(zone, (uint64_t)f->orig.zone << 16 | f->reply.zone)

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
	/* 0: no id known (table text without -o id). */
	return f->id ? format_u64(buf, len, f->id) : put_dash(buf, len);
}

EXACT_KEY(id, f->id)

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

/* Newest first, unknown last; one bit is lost, so not exact. */
static uint64_t age_key(const struct flow *f, const struct column_ctx *ctx,
			bool *exact)
{
	(void)ctx;
	*exact = false;
	return has_start(f) ? ~f->start_ns >> 1 : UINT64_MAX;
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

EXACT_KEY(nat, flow_nat(f))

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

EXACT_KEY(family, f->family)

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
	return format_label_names(buf, len, f);
}

/* rate: bytes per second between the last two readings, which only a
 * table kept across readings has (the screen's); "-" elsewhere, and
 * without accounting. Negative rates (a counter reset) read as 0. */

static double rate_of(const struct flow *f, const struct column_ctx *ctx)
{
	double r = ctx && ctx->rate ? ctx->rate(f) : 0;

	return r > 0 ? r : 0;
}

static int rate_cmp(const struct flow *a, const struct flow *b,
		    const struct column_ctx *ctx)
{
	double ra = rate_of(a, ctx), rb = rate_of(b, ctx);

	return (ra > rb) - (ra < rb);
}

/* A non-negative float's bits order as the float does. */
static uint64_t rate_key(const struct flow *f, const struct column_ctx *ctx,
			 bool *exact)
{
	float r = (float)rate_of(f, ctx);
	uint32_t bits;

	*exact = (double)r == rate_of(f, ctx);
	memcpy(&bits, &r, sizeof(bits));
	return bits;
}

static size_t rate_fmt(char *buf, size_t len, const struct flow *f,
		       const struct column_ctx *ctx)
{
	size_t n;

	if (!ctx || !ctx->rate || ctx->acct_off || no_counters(f))
		return put_dash(buf, len);
	n = format_bytes(buf, len, (uint64_t)rate_of(f, ctx));
	if (n + 2 < len) {
		memcpy(buf + n, "/s", 3);
		n += 2;
	}
	return n;
}

/* Widths fit the default view (proto, src, dst, state, ttl, flags) in 80
 * cells with one-cell gaps: 5 + 21 + 21 + 13 + 8 + 5 + 5 = 78. 21 is
 * "255.255.255.255:65535"; longer IPv6 endpoints push the row or are
 * fitted by the view. */
#define COL(id_, name_, alias_, title_, width_, right_, layout_, key_, fn_) \
	[id_] = { .id = id_, .name = name_, .alias = alias_, .title = title_, \
		  .width = width_, .min_width = width_, .max_width = width_, \
		  .right = right_, .layout = layout_, .compare = fn_##_cmp, \
		  .key = key_, .format = fn_##_fmt }
/* Addresses with or without a port: they give room down to 15 cells
 * (an IPv4 address) and take up to 47 (IPv6 with a port, host names). */
#define ADDR(id_, name_, alias_, title_, width_, layout_, fn_) \
	[id_] = { .id = id_, .name = name_, .alias = alias_, .title = title_, \
		  .width = width_, .min_width = 15, .max_width = 47, \
		  .right = false, .layout = layout_, .compare = fn_##_cmp, \
		  .key = fn_##_key, .format = fn_##_fmt }

static const struct column columns[COL_COUNT] = {
	COL(COL_PROTO, "proto", "protocol", "PROTO", 5, false, LAYOUT_FIXED,
	    proto_key, proto),
	ADDR(COL_SRC, "src", "source", "SOURCE", 21, LAYOUT_ADDR_PORT, src),
	ADDR(COL_DST, "dst", "destination", "DESTINATION", 21,
	     LAYOUT_ADDR_PORT, dst),
	ADDR(COL_SADDR, "saddr", NULL, "SADDR", 15, LAYOUT_ADDR, saddr),
	ADDR(COL_DADDR, "daddr", NULL, "DADDR", 15, LAYOUT_ADDR, daddr),
	COL(COL_SPORT, "sport", NULL, "SPORT", 5, true, LAYOUT_NUMBER,
	    sport_key, sport),
	COL(COL_DPORT, "dport", NULL, "DPORT", 5, true, LAYOUT_NUMBER,
	    dport_key, dport),
	/* 13: "echo id 65535" */
	COL(COL_STATE, "state", NULL, "STATE", 13, false, LAYOUT_FIXED,
	    state_key, state),
	COL(COL_TTL, "ttl", "timeout", "TTL", 8, true, LAYOUT_NUMBER,
	    ttl_key, ttl),
	COL(COL_FLAGS, "flags", NULL, "FLAGS", 5, false, LAYOUT_FIXED,
	    flags_key, flags),
	COL(COL_PACKETS, "packets", NULL, "PACKETS", 7, true, LAYOUT_NUMBER,
	    packets_key, packets),
	COL(COL_BYTES, "bytes", NULL, "BYTES", 6, true, LAYOUT_NUMBER,
	    bytes_key, bytes),
	COL(COL_MARK, "mark", NULL, "MARK", 10, true, LAYOUT_NUMBER,
	    mark_key, mark),
	COL(COL_ZONE, "zone", NULL, "ZONE", 5, true, LAYOUT_NUMBER,
	    zone_key, zone),
	COL(COL_ID, "id", NULL, "ID", 10, true, LAYOUT_NUMBER, id_key, id),
	COL(COL_HELPER, "helper", NULL, "HELPER", 8, false, LAYOUT_NAME,
	    NULL, helper),
	COL(COL_AGE, "age", NULL, "AGE", 8, true, LAYOUT_NUMBER, age_key, age),
	ADDR(COL_REPLY_SRC, "rsrc", "reply-src", "REPLY-SRC", 21,
	     LAYOUT_ADDR_PORT, rsrc),
	ADDR(COL_REPLY_DST, "rdst", "reply-dst", "REPLY-DST", 21,
	     LAYOUT_ADDR_PORT, rdst),
	COL(COL_NAT, "nat", NULL, "NAT", 4, false, LAYOUT_FIXED, nat_key, nat),
	COL(COL_FAMILY, "family", NULL, "FAMILY", 6, false, LAYOUT_FIXED,
	    family_key, family),
	COL(COL_LABELS, "labels", NULL, "LABELS", 8, false, LAYOUT_NAME,
	    NULL, labels),
	COL(COL_RATE, "rate", NULL, "RATE", 9, true, LAYOUT_NUMBER,
	    rate_key, rate),
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
	       "labels,rate";
}

enum layout_kind column_layout_kind(enum column_id id)
{
	const struct column *c = column_get(id);

	return c ? c->layout : LAYOUT_NUMBER;
}
