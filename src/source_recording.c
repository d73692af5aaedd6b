/* The --record file's header, and the conversion that lets a recording
 * made on one machine replay on another (see source_recording.h).
 *
 * Conntrack and expectation messages are converted. What is in host
 * order in a ctnetlink dump: the netlink message header,
 * every attribute header, the error code of NLMSG_DONE, and the label
 * bitmap (an array of longs: the layout depends on the byte order and on
 * the long size). Every other payload the parser reads is big-endian
 * already (addresses, ports, status, timeout, mark, zone, id, counters,
 * timestamps) and stays as it is. Which attributes are nests is known from
 * ctnetlink's schema, since kernels before 5.2 did not set NLA_F_NESTED.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "source_recording.h"

/* Nested deeper than this is not ctnetlink: refuse rather than recurse. */
#define MAX_DEPTH	8

struct layout {
	bool big;		/* big-endian */
	unsigned int lsize;	/* sizeof(long) */
};

struct conv {
	bool swap;		/* header fields in the other byte order */
	bool labels;		/* label bitmaps need another layout */
	struct layout from, to;
};

/* What the children of an attribute are. */
enum ctx {
	CTX_LEAF,		/* not a nest */
	CTX_TOP,		/* CTA_* */
	CTX_TUPLE,		/* CTA_TUPLE_* */
	CTX_NESTS,		/* every child a nest of leaves (protoinfo) */
	CTX_NAT,		/* CTA_NAT_* */
	CTX_LEAVES,		/* leaves, unless flagged nested */
	CTX_EXP_TOP,		/* CTA_EXPECT_* (expectation messages) */
	CTX_EXP_NAT,		/* CTA_EXPECT_NAT_* */
};

static struct layout host_layout(void)
{
	const uint16_t one = 1;
	struct layout l;

	l.big = *(const uint8_t *)&one == 0;
	l.lsize = (unsigned int)sizeof(long);
	return l;
}

int recording_write_header(FILE *fp)
{
	struct layout l = host_layout();
	unsigned char h[RECORDING_HEADER_SIZE] = { 0 };

	memcpy(h, RECORDING_MAGIC, 8);
	h[8] = RECORDING_VERSION;
	h[9] = l.big ? 'B' : 'L';
	h[10] = (unsigned char)l.lsize;
	return fwrite(h, sizeof(h), 1, fp) == 1 ? 0 : -1;
}

static uint16_t get16(const char *p, bool swap)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return swap ? (uint16_t)(v >> 8 | v << 8) : v;
}

static uint32_t get32(const char *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	if (swap)
		v = v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
	return v;
}

static void put16(char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

bool recording_has_header(const void *head, size_t n)
{
	return n && !memcmp(head, RECORDING_MAGIC, n < 8 ? n : 8);
}

bool recording_swapped_start(const void *head, size_t n)
{
	const char *p = head;
	uint32_t mlen;
	uint16_t type;

	if (n < sizeof(struct nlmsghdr))
		return false;
	mlen = get32(p, true);
	type = get16(p + 4, true);
	/* A whole conntrack message (or an empty dump's DONE) in the head. */
	if (mlen < sizeof(struct nlmsghdr) || mlen > n)
		return false;
	return NFNL_SUBSYS_ID(type) == NFNL_SUBSYS_CTNETLINK ||
	       type == NLMSG_DONE;
}

static void reverse_words(char *p, size_t len, unsigned int word)
{
	size_t i, j;
	char t;

	for (i = 0; i + word <= len; i += word) {
		for (j = 0; j < word / 2; j++) {
			t = p[i + j];
			p[i + j] = p[i + word - 1 - j];
			p[i + word - 1 - j] = t;
		}
	}
}

/* The writer's array of longs into the reader's: through the
 * little-endian layout, where bit n is bit n % 8 of byte n / 8 whatever
 * the long size. A length that is not whole longs is left alone. */
static void labels_convert(char *p, size_t len, const struct conv *c)
{
	if (len % c->from.lsize || len % c->to.lsize)
		return;
	if (c->from.big)
		reverse_words(p, len, c->from.lsize);
	if (c->to.big)
		reverse_words(p, len, c->to.lsize);
}

static enum ctx child_ctx(enum ctx ctx, int type, bool flagged)
{
	enum ctx other = flagged ? CTX_LEAVES : CTX_LEAF;

	switch (ctx) {
	case CTX_TOP:
		switch (type) {
		case CTA_TUPLE_ORIG:
		case CTA_TUPLE_REPLY:
		case CTA_TUPLE_MASTER:
			return CTX_TUPLE;
		case CTA_PROTOINFO:
			return CTX_NESTS;
		case CTA_NAT_SRC:
		case CTA_NAT_DST:
			return CTX_NAT;
		case CTA_HELP:
		case CTA_COUNTERS_ORIG:
		case CTA_COUNTERS_REPLY:
		case CTA_NAT_SEQ_ADJ_ORIG:
		case CTA_NAT_SEQ_ADJ_REPLY:
		case CTA_SECCTX:
		case CTA_TIMESTAMP:
		case CTA_SYNPROXY:
		case CTA_FILTER:
			return CTX_LEAVES;
		}
		return other;
	case CTX_TUPLE:
		if (type == CTA_TUPLE_IP || type == CTA_TUPLE_PROTO)
			return CTX_LEAVES;
		return other;
	case CTX_NESTS:
		return CTX_LEAVES;
	case CTX_NAT:
		if (type == CTA_NAT_PROTO)
			return CTX_LEAVES;
		return other;
	case CTX_EXP_TOP:
		if (type == CTA_EXPECT_MASTER || type == CTA_EXPECT_TUPLE ||
		    type == CTA_EXPECT_MASK)
			return CTX_TUPLE;
		if (type == CTA_EXPECT_NAT)
			return CTX_EXP_NAT;
		return other;
	case CTX_EXP_NAT:
		if (type == CTA_EXPECT_NAT_TUPLE)
			return CTX_TUPLE;
		return other;
	case CTX_LEAVES:
	case CTX_LEAF:
		break;
	}
	return other;
}

/* Convert the attributes in [p, p + len) in place. Trailing bytes too
 * few for a header are alignment padding. */
static int attrs_convert(char *p, size_t len, enum ctx ctx, int depth,
			 const struct conv *c)
{
	uint16_t alen, type;
	enum ctx child;
	size_t step;

	if (depth > MAX_DEPTH)
		return -1;
	while (len >= MNL_ATTR_HDRLEN) {
		alen = get16(p, c->swap);
		type = get16(p + 2, c->swap);
		if (alen < MNL_ATTR_HDRLEN || alen > len)
			return -1;
		put16(p, alen);
		put16(p + 2, type);
		child = child_ctx(ctx, type & NLA_TYPE_MASK,
				  type & NLA_F_NESTED);
		if (child != CTX_LEAF) {
			if (attrs_convert(p + MNL_ATTR_HDRLEN,
					  alen - MNL_ATTR_HDRLEN, child,
					  depth + 1, c))
				return -1;
		} else if (ctx == CTX_TOP && c->labels &&
			   ((type & NLA_TYPE_MASK) == CTA_LABELS ||
			    (type & NLA_TYPE_MASK) == CTA_LABELS_MASK)) {
			labels_convert(p + MNL_ATTR_HDRLEN,
				       alen - MNL_ATTR_HDRLEN, c);
		}
		step = MNL_ALIGN(alen);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

/* Convert every message; returns the offset of a bad one, or -1 when all
 * are well. */
static long msgs_convert(char *buf, size_t size, const struct conv *c)
{
	const size_t hdr = sizeof(struct nlmsghdr);
	const size_t extra = MNL_ALIGN(sizeof(struct nfgenmsg));
	size_t off = 0, step;
	uint32_t mlen;
	uint16_t type;
	char *p;

	while (size - off >= hdr) {
		p = buf + off;
		mlen = get32(p, c->swap);
		if (mlen < hdr || mlen > size - off)
			return (long)off;
		type = get16(p + 4, c->swap);
		put32(p, mlen);
		put16(p + 4, type);
		put16(p + 6, get16(p + 6, c->swap));
		put32(p + 8, get32(p + 8, c->swap));
		put32(p + 12, get32(p + 12, c->swap));
		if (type == NLMSG_DONE && mlen >= hdr + 4) {
			put32(p + hdr, get32(p + hdr, c->swap));
		} else if (type >= NLMSG_MIN_TYPE && mlen >= hdr + extra &&
			   (NFNL_SUBSYS_ID(type) == NFNL_SUBSYS_CTNETLINK ||
			    NFNL_SUBSYS_ID(type) == NFNL_SUBSYS_CTNETLINK_EXP)) {
			if (attrs_convert(p + hdr + extra, mlen - hdr - extra,
					  NFNL_SUBSYS_ID(type) == NFNL_SUBSYS_CTNETLINK ?
					  CTX_TOP : CTX_EXP_TOP, 0, c))
				return (long)off;
		}
		step = MNL_ALIGN(mlen);
		if (step >= size - off)
			break;
		off += step;
	}
	return -1;
}

/* A headerless file: the order in which the first message's length fits
 * the file. Returns 0 (host), 1 (other order) or -1 (neither). */
static int legacy_order(const char *buf, size_t size)
{
	const size_t hdr = sizeof(struct nlmsghdr);
	uint32_t mlen;

	mlen = get32(buf, false);
	if (mlen >= hdr && mlen <= size)
		return 0;
	mlen = get32(buf, true);
	if (mlen >= hdr && mlen <= size)
		return 1;
	return -1;
}

static int header_read(const unsigned char *h, size_t size, const char *path,
		       struct layout *from, struct ctop_err *err)
{
	size_t i;

	if (size < RECORDING_HEADER_SIZE)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "%s: truncated recording header", path);
	if (h[8] != RECORDING_VERSION)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "%s: recording format version %u; this ctop reads version %u",
			       path, h[8], RECORDING_VERSION);
	for (i = 11; i < RECORDING_HEADER_SIZE; i++)
		if (h[i])
			break;
	if ((h[9] != 'L' && h[9] != 'B') || (h[10] != 4 && h[10] != 8) ||
	    i < RECORDING_HEADER_SIZE)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "%s: corrupt recording header", path);
	from->big = h[9] == 'B';
	from->lsize = h[10];
	return 0;
}

int recording_load(char *buf, size_t size, const char *path, char **msgs,
		   size_t *len, struct ctop_err *err)
{
	size_t skip = 0;
	struct conv c;
	long bad;
	int order;

	c.to = host_layout();
	c.from = c.to;
	if (recording_has_header(buf, size)) {
		if (header_read((const unsigned char *)buf, size, path,
				&c.from, err))
			return -1;
		skip = RECORDING_HEADER_SIZE;
	} else if (size) {
		order = size >= sizeof(struct nlmsghdr) ?
			legacy_order(buf, size) : -1;
		if (order < 0)
			return err_set(err, CTOP_EXIT_RUNTIME,
				       "%s: not a ctop recording (no header, no netlink message)",
				       path);
		if (order)
			c.from.big = !c.to.big;
	}
	buf += skip;
	size -= skip;
	*msgs = buf;
	*len = size;
	c.swap = c.from.big != c.to.big;
	c.labels = (c.from.big || c.to.big) &&
		   (c.from.big != c.to.big || c.from.lsize != c.to.lsize);
	if (!c.swap && !c.labels)
		return 0;
	bad = msgs_convert(buf, size, &c);
	if (bad >= 0)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "%s: truncated or corrupt netlink record at byte %ld",
			       path, bad + (long)skip);
	return 0;
}
