/* libnetfilter_conntrack as the oracle for ctop's hand-written parsers.
 *
 * Every message of every recorded fixture (the .nl files in tests/data:
 * the loader's dump-all.nl, the router test bed's router.nl and
 * router-expect.nl, the crafted offload.nl, and any recorded later) is
 * parsed twice: by ctop
 * (source_parse_flow(), source_parse_expect()) and by the library
 * (nfct_nlmsg_parse(), nfexp_nlmsg_parse()). Every attribute the library
 * sets must either agree with ctop's record or be in the exception table
 * below, with the reason ctop leaves it out; an attribute in neither
 * fails the test, so a new kernel or library attribute cannot pass
 * unseen. ctop's optional parts (counters, mark, zone, timestamps,
 * labels, helper, state) must be present exactly when the library has
 * them.
 *
 * Only well-formed input is compared: on malformed messages the library
 * is no oracle (it exits on an attribute that fails validation and reads
 * an unterminated helper name past the buffer); those are the fuzzers'
 * (fuzz/). The library is linked into this test only: ctop itself does
 * not need it (the dump path is the fast parser; delete and GET requests
 * are built with libmnl in src/source.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "source.h"
#include "source_policy.h"
#include "source_recording.h"

/* ---- what the library knows and ctop does not model ---- */

struct exception {
	int attr;
	const char *name;
	const char *why;
};

static const struct exception flow_exceptions[] = {
	{ ATTR_SECCTX, "secctx", "SELinux context: not shown" },
	{ ATTR_SECMARK, "secmark", "security mark: not shown" },
	{ ATTR_USE, "use", "reference count: kernel-internal" },
	{ ATTR_TIMESTAMP_STOP, "timestamp stop", "only in destroy events" },
	{ ATTR_SYNPROXY_ISN, "synproxy", "synproxy state: kernel-internal" },
	{ ATTR_SYNPROXY_ITS, "synproxy", "synproxy state: kernel-internal" },
	{ ATTR_SYNPROXY_TSOFF, "synproxy", "synproxy state: kernel-internal" },
	{ ATTR_ORIG_NAT_SEQ_CORRECTION_POS, "seqadj", "NAT sequence adjustment" },
	{ ATTR_ORIG_NAT_SEQ_OFFSET_BEFORE, "seqadj", "NAT sequence adjustment" },
	{ ATTR_ORIG_NAT_SEQ_OFFSET_AFTER, "seqadj", "NAT sequence adjustment" },
	{ ATTR_REPL_NAT_SEQ_CORRECTION_POS, "seqadj", "NAT sequence adjustment" },
	{ ATTR_REPL_NAT_SEQ_OFFSET_BEFORE, "seqadj", "NAT sequence adjustment" },
	{ ATTR_REPL_NAT_SEQ_OFFSET_AFTER, "seqadj", "NAT sequence adjustment" },
	{ ATTR_TCP_FLAGS_ORIG, "tcp flags", "TCP window tracking flags" },
	{ ATTR_TCP_FLAGS_REPL, "tcp flags", "TCP window tracking flags" },
	{ ATTR_TCP_MASK_ORIG, "tcp flags", "TCP window tracking flags" },
	{ ATTR_TCP_MASK_REPL, "tcp flags", "TCP window tracking flags" },
	{ ATTR_TCP_WSCALE_ORIG, "tcp wscale", "TCP window scale" },
	{ ATTR_TCP_WSCALE_REPL, "tcp wscale", "TCP window scale" },
	{ ATTR_SCTP_VTAG_ORIG, "sctp vtag", "SCTP verification tags" },
	{ ATTR_SCTP_VTAG_REPL, "sctp vtag", "SCTP verification tags" },
	{ ATTR_DCCP_ROLE, "dccp role", "DCCP role" },
	{ ATTR_DCCP_HANDSHAKE_SEQ, "dccp handshake", "DCCP handshake sequence" },
	{ ATTR_MASTER_IPV4_SRC, "master tuple", "a RELATED child's master: shown by its EXPECTED flag only" },
	{ ATTR_MASTER_IPV4_DST, "master tuple", "a RELATED child's master: shown by its EXPECTED flag only" },
	{ ATTR_MASTER_IPV6_SRC, "master tuple", "a RELATED child's master: shown by its EXPECTED flag only" },
	{ ATTR_MASTER_IPV6_DST, "master tuple", "a RELATED child's master: shown by its EXPECTED flag only" },
	{ ATTR_MASTER_PORT_SRC, "master tuple", "a RELATED child's master: shown by its EXPECTED flag only" },
	{ ATTR_MASTER_PORT_DST, "master tuple", "a RELATED child's master: shown by its EXPECTED flag only" },
	{ ATTR_MASTER_L3PROTO, "master tuple", "a RELATED child's master: shown by its EXPECTED flag only" },
	{ ATTR_MASTER_L4PROTO, "master tuple", "a RELATED child's master: shown by its EXPECTED flag only" },
	{ ATTR_HELPER_INFO, "helper info", "a helper's private data" },
	{ ATTR_CONNLABELS_MASK, "labels mask", "only in requests" },
	{ ATTR_SNAT_IPV4, "nat request", "only in requests" },
	{ ATTR_DNAT_IPV4, "nat request", "only in requests" },
	{ ATTR_SNAT_IPV6, "nat request", "only in requests" },
	{ ATTR_DNAT_IPV6, "nat request", "only in requests" },
	{ ATTR_SNAT_PORT, "nat request", "only in requests" },
	{ ATTR_DNAT_PORT, "nat request", "only in requests" },
};

static const struct exception expect_exceptions[] = {
	{ ATTR_EXP_NAT_TUPLE, "nat tuple", "the NAT helper's saved tuple: not shown" },
	{ ATTR_EXP_NAT_DIR, "nat dir", "the NAT helper's direction: not shown" },
};

static const struct exception *exception_of(const struct exception *t, size_t n,
					    int attr)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].attr == attr)
			return &t[i];
	return NULL;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- counts, for the log ---- */

struct tally {
	long messages, flows, expects, skipped;
	long agreed[ATTR_MAX], excepted[ATTR_MAX];
	long exp_agreed[ATTR_EXP_MAX], exp_excepted[ATTR_EXP_MAX];
	int failures;
};

static void bad(struct tally *t, const char *file, long msg, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: message %ld: ", file, msg);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	t->failures++;
}

/* ---- flows ---- */

static bool same_addr(const struct nf_conntrack *ct, int a4, int a6,
		      uint8_t family, const union flow_addr *a)
{
	if (family == FLOW_IPV4)
		return nfct_attr_is_set(ct, a4) &&
		       memcmp(nfct_get_attr(ct, a4), a->b, 4) == 0;
	return nfct_attr_is_set(ct, a6) &&
	       memcmp(nfct_get_attr(ct, a6), a->b, 16) == 0;
}

/* Label bit i as ctop shows it (format_labels(): byte i / 8, bit i % 8)
 * against the library's bitmask of the same bytes. */
static bool same_labels(const struct nf_conntrack *ct, const struct flow *f)
{
	const struct nfct_bitmask *bm = nfct_get_attr(ct, ATTR_CONNLABELS);
	const uint16_t one = 1;
	const uint8_t *bits;
	unsigned int flip = 0;
	size_t len = 0;

	/* The kernel sends longs, the library reads 32-bit words: on a
	 * 64-bit big-endian host its bit i is the kernel's bit i ^ 32. */
	if (*(const uint8_t *)&one == 0 && sizeof(long) == 8)
		flip = 32;
	if (!(f->has & FLOW_HAS_LABELS) || !(bits = intern_labels_bits(f->labels, &len)))
		return false;
	for (unsigned int i = 0; i <= nfct_bitmask_maxbit(bm); i++) {
		unsigned int k = i ^ flip;
		bool ours = k / 8 < len && (bits[k / 8] >> (k % 8) & 1);

		if (ours != (nfct_bitmask_test_bit(bm, i) != 0))
			return false;
	}
	return true;
}

/* Whether attribute A of ct agrees with f; -1 if ctop does not compare
 * it (then it must be an exception). */
static int flow_attr_agrees(int a, const struct nf_conntrack *ct,
			    const struct flow *f)
{
	const char *helper;

	switch (a) {
	case ATTR_ORIG_L3PROTO:
	case ATTR_REPL_L3PROTO:
		return nfct_get_attr_u8(ct, a) == f->family;
	case ATTR_ORIG_L4PROTO:
	case ATTR_REPL_L4PROTO:
		return nfct_get_attr_u8(ct, a) == f->protonum;
	case ATTR_ORIG_IPV4_SRC:
	case ATTR_ORIG_IPV6_SRC:
		return same_addr(ct, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC, f->family, &f->orig.src);
	case ATTR_ORIG_IPV4_DST:
	case ATTR_ORIG_IPV6_DST:
		return same_addr(ct, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST, f->family, &f->orig.dst);
	case ATTR_REPL_IPV4_SRC:
	case ATTR_REPL_IPV6_SRC:
		return same_addr(ct, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC, f->family, &f->reply.src);
	case ATTR_REPL_IPV4_DST:
	case ATTR_REPL_IPV6_DST:
		return same_addr(ct, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST, f->family, &f->reply.dst);
	case ATTR_ORIG_PORT_SRC:
		return ntohs(nfct_get_attr_u16(ct, a)) == f->orig.sport;
	case ATTR_ORIG_PORT_DST:
		return ntohs(nfct_get_attr_u16(ct, a)) == f->orig.dport;
	case ATTR_REPL_PORT_SRC:
		return ntohs(nfct_get_attr_u16(ct, a)) == f->reply.sport;
	case ATTR_REPL_PORT_DST:
		return ntohs(nfct_get_attr_u16(ct, a)) == f->reply.dport;
	/* The library keeps one ICMP type, code and id: the original
	 * tuple's. */
	case ATTR_ICMP_TYPE:
		return nfct_get_attr_u8(ct, a) == f->orig.icmp_type;
	case ATTR_ICMP_CODE:
		return nfct_get_attr_u8(ct, a) == f->orig.icmp_code;
	case ATTR_ICMP_ID:
		return ntohs(nfct_get_attr_u16(ct, a)) == f->orig.sport;
	case ATTR_TCP_STATE:
	case ATTR_SCTP_STATE:
	case ATTR_DCCP_STATE:
		return (f->has & FLOW_HAS_STATE) && nfct_get_attr_u8(ct, a) == f->state;
	case ATTR_STATUS:
		return nfct_get_attr_u32(ct, a) == f->status;
	case ATTR_TIMEOUT:
		return (f->has & FLOW_HAS_TIMEOUT) && nfct_get_attr_u32(ct, a) == f->timeout;
	case ATTR_MARK:
		return (f->has & FLOW_HAS_MARK) && nfct_get_attr_u32(ct, a) == f->mark;
	case ATTR_ID:
		return nfct_get_attr_u32(ct, a) == f->id;
	/* CTA_ZONE is both directions' zone, unless a tuple has its own. */
	case ATTR_ZONE:
		return (f->has & FLOW_HAS_ZONE) &&
		       (nfct_attr_is_set(ct, ATTR_ORIG_ZONE) ||
			nfct_get_attr_u16(ct, a) == f->orig.zone) &&
		       (nfct_attr_is_set(ct, ATTR_REPL_ZONE) ||
			nfct_get_attr_u16(ct, a) == f->reply.zone);
	case ATTR_ORIG_ZONE:
		return (f->has & FLOW_HAS_ZONE) && nfct_get_attr_u16(ct, a) == f->orig.zone;
	case ATTR_REPL_ZONE:
		return (f->has & FLOW_HAS_ZONE) && nfct_get_attr_u16(ct, a) == f->reply.zone;
	case ATTR_ORIG_COUNTER_PACKETS:
		return (f->has & FLOW_HAS_COUNTERS) && nfct_get_attr_u64(ct, a) == f->orig_packets;
	case ATTR_ORIG_COUNTER_BYTES:
		return (f->has & FLOW_HAS_COUNTERS) && nfct_get_attr_u64(ct, a) == f->orig_bytes;
	case ATTR_REPL_COUNTER_PACKETS:
		return (f->has & FLOW_HAS_COUNTERS) && nfct_get_attr_u64(ct, a) == f->reply_packets;
	case ATTR_REPL_COUNTER_BYTES:
		return (f->has & FLOW_HAS_COUNTERS) && nfct_get_attr_u64(ct, a) == f->reply_bytes;
	case ATTR_TIMESTAMP_START:
		return (f->has & FLOW_HAS_START) && nfct_get_attr_u64(ct, a) == f->start_ns;
	case ATTR_HELPER_NAME:
		helper = intern_helper_name(f->helper);
		return helper && strcmp(helper, nfct_get_attr(ct, a)) == 0;
	case ATTR_CONNLABELS:
		return same_labels(ct, f);
	}
	return -1;
}

/* Names of the attributes compared, for messages and the counts. */
static const char *const attr_names[ATTR_MAX] = {
	[ATTR_ORIG_IPV4_SRC] = "orig ipv4 src", [ATTR_ORIG_IPV4_DST] = "orig ipv4 dst",
	[ATTR_REPL_IPV4_SRC] = "reply ipv4 src", [ATTR_REPL_IPV4_DST] = "reply ipv4 dst",
	[ATTR_ORIG_IPV6_SRC] = "orig ipv6 src", [ATTR_ORIG_IPV6_DST] = "orig ipv6 dst",
	[ATTR_REPL_IPV6_SRC] = "reply ipv6 src", [ATTR_REPL_IPV6_DST] = "reply ipv6 dst",
	[ATTR_ORIG_PORT_SRC] = "orig sport", [ATTR_ORIG_PORT_DST] = "orig dport",
	[ATTR_REPL_PORT_SRC] = "reply sport", [ATTR_REPL_PORT_DST] = "reply dport",
	[ATTR_ICMP_TYPE] = "icmp type", [ATTR_ICMP_CODE] = "icmp code",
	[ATTR_ICMP_ID] = "icmp id", [ATTR_ORIG_L3PROTO] = "orig family",
	[ATTR_REPL_L3PROTO] = "reply family", [ATTR_ORIG_L4PROTO] = "orig proto",
	[ATTR_REPL_L4PROTO] = "reply proto", [ATTR_TCP_STATE] = "tcp state",
	[ATTR_SCTP_STATE] = "sctp state", [ATTR_DCCP_STATE] = "dccp state",
	[ATTR_TIMEOUT] = "timeout", [ATTR_MARK] = "mark",
	[ATTR_ORIG_COUNTER_PACKETS] = "orig packets",
	[ATTR_REPL_COUNTER_PACKETS] = "reply packets",
	[ATTR_ORIG_COUNTER_BYTES] = "orig bytes",
	[ATTR_REPL_COUNTER_BYTES] = "reply bytes", [ATTR_ID] = "id",
	[ATTR_STATUS] = "status", [ATTR_HELPER_NAME] = "helper", [ATTR_ZONE] = "zone",
	[ATTR_ORIG_ZONE] = "orig zone", [ATTR_REPL_ZONE] = "reply zone",
	[ATTR_TIMESTAMP_START] = "start", [ATTR_CONNLABELS] = "labels",
};

static const char *attr_name(int a)
{
	static char buf[32];

	if (a >= 0 && a < ATTR_MAX && attr_names[a])
		return attr_names[a];
	snprintf(buf, sizeof(buf), "attribute %d", a);
	return buf;
}

static const char *const exp_names[ATTR_EXP_MAX] = {
	[ATTR_EXP_MASTER] = "master", [ATTR_EXP_EXPECTED] = "tuple",
	[ATTR_EXP_MASK] = "mask", [ATTR_EXP_TIMEOUT] = "timeout",
	[ATTR_EXP_ZONE] = "zone", [ATTR_EXP_FLAGS] = "flags",
	[ATTR_EXP_HELPER_NAME] = "helper", [ATTR_EXP_CLASS] = "class",
	[ATTR_EXP_NAT_TUPLE] = "nat tuple", [ATTR_EXP_NAT_DIR] = "nat dir",
	[ATTR_EXP_FN] = "fn",
};

/* What ctop has, the library must have too (and agree on, above). */
static void flow_parts(struct tally *t, const char *file, long msg,
		       const struct nf_conntrack *ct, const struct flow *f)
{
	static const struct { unsigned int has; int attr; const char *what; } parts[] = {
		{ FLOW_HAS_COUNTERS, ATTR_ORIG_COUNTER_PACKETS, "counters" },
		{ FLOW_HAS_START, ATTR_TIMESTAMP_START, "start timestamp" },
		{ FLOW_HAS_MARK, ATTR_MARK, "mark" },
		{ FLOW_HAS_LABELS, ATTR_CONNLABELS, "labels" },
		{ FLOW_HAS_TIMEOUT, ATTR_TIMEOUT, "timeout" },
	};

	for (size_t i = 0; i < N(parts); i++)
		if ((f->has & parts[i].has) && !nfct_attr_is_set(ct, parts[i].attr))
			bad(t, file, msg, "ctop has %s, the library none", parts[i].what);
	if (!nfct_attr_is_set(ct, ATTR_ZONE) && !nfct_attr_is_set(ct, ATTR_ORIG_ZONE) &&
	    !nfct_attr_is_set(ct, ATTR_REPL_ZONE) &&
	    ((f->has & FLOW_HAS_ZONE) || f->orig.zone || f->reply.zone))
		bad(t, file, msg, "ctop has zones %u/%u, the library none",
		    f->orig.zone, f->reply.zone);
	if ((f->has & FLOW_HAS_STATE) && !nfct_attr_is_set(ct, ATTR_TCP_STATE) &&
	    !nfct_attr_is_set(ct, ATTR_SCTP_STATE) && !nfct_attr_is_set(ct, ATTR_DCCP_STATE))
		bad(t, file, msg, "ctop has a state, the library none");
	if (f->helper && !nfct_attr_is_set(ct, ATTR_HELPER_NAME))
		bad(t, file, msg, "ctop has helper %s, the library none",
		    intern_helper_name(f->helper));
}

static void compare_flow(struct tally *t, const char *file, long msg,
			 const struct nlmsghdr *nlh)
{
	struct nf_conntrack *ct = nfct_new();
	struct flow f;
	int ours, theirs;

	assert_non_null(ct);
	ours = source_parse_flow(nlh, &f);
	theirs = nfct_nlmsg_parse(nlh, ct);
	if (ours != 0 || theirs != 0) {
		bad(t, file, msg, "parsed by ctop %d, by the library %d", ours, theirs);
		nfct_destroy(ct);
		return;
	}
	t->flows++;
	for (int a = 0; a < ATTR_MAX; a++) {
		const struct exception *e;
		int r;

		if (!nfct_attr_is_set(ct, a))
			continue;
		r = flow_attr_agrees(a, ct, &f);
		if (r == 1) {
			t->agreed[a]++;
			continue;
		}
		if (r == 0) {
			bad(t, file, msg, "%s (id %u) differs", attr_name(a), f.id);
			continue;
		}
		e = exception_of(flow_exceptions, N(flow_exceptions), a);
		if (e)
			t->excepted[a]++;
		else
			bad(t, file, msg, "%s: neither compared nor an exception", attr_name(a));
	}
	flow_parts(t, file, msg, ct, &f);
	nfct_destroy(ct);
}

/* ---- expectations ---- */

static bool same_tuple(const struct nf_conntrack *ct, uint8_t family,
		       uint8_t protonum, const struct flow_tuple *tp)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.family = family;
	f.protonum = protonum;
	f.orig = *tp;
	for (int a = ATTR_ORIG_IPV4_SRC; a <= ATTR_ICMP_ID; a++) {
		if (a >= ATTR_REPL_IPV4_SRC && a <= ATTR_REPL_IPV6_DST)
			continue;
		if (a == ATTR_REPL_PORT_SRC || a == ATTR_REPL_PORT_DST)
			continue;
		if (nfct_attr_is_set(ct, a) && flow_attr_agrees(a, ct, &f) != 1)
			return false;
	}
	return nfct_attr_is_set(ct, ATTR_ORIG_L4PROTO) &&
	       nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO) == protonum;
}

static int expect_attr_agrees(int a, const struct nf_expect *x,
			      const struct expectation *e)
{
	const void *v = nfexp_get_attr(x, a);

	switch (a) {
	case ATTR_EXP_MASTER:
		return same_tuple(v, e->master_family, e->master_protonum, &e->master);
	case ATTR_EXP_EXPECTED:
		return same_tuple(v, e->family, e->protonum, &e->tuple);
	case ATTR_EXP_MASK:
		/* The mask's protocol number is all ones. */
		return same_tuple(v, e->family,
				  nfct_get_attr_u8(v, ATTR_ORIG_L4PROTO), &e->mask);
	case ATTR_EXP_TIMEOUT:
		return nfexp_get_attr_u32(x, a) == e->timeout;
	case ATTR_EXP_ZONE:
		return nfexp_get_attr_u16(x, a) == e->zone;
	case ATTR_EXP_FLAGS:
		return nfexp_get_attr_u32(x, a) == e->flags;
	case ATTR_EXP_CLASS:
		return nfexp_get_attr_u32(x, a) == e->klass;
	case ATTR_EXP_HELPER_NAME:
		return strcmp(v, e->helper) == 0;
	case ATTR_EXP_FN:
		return strcmp(v, e->fn) == 0;
	}
	return -1;
}

static void compare_expect(struct tally *t, const char *file, long msg,
			   const struct nlmsghdr *nlh)
{
	struct nf_expect *x = nfexp_new();
	struct expectation e;
	int ours, theirs;

	assert_non_null(x);
	ours = source_parse_expect(nlh, &e);
	theirs = nfexp_nlmsg_parse(nlh, x);
	if (ours != 0 || theirs != 0) {
		bad(t, file, msg, "expectation parsed by ctop %d, by the library %d",
		    ours, theirs);
		nfexp_destroy(x);
		return;
	}
	t->expects++;
	for (int a = 0; a < ATTR_EXP_MAX; a++) {
		int r;

		if (!nfexp_attr_is_set(x, a))
			continue;
		r = expect_attr_agrees(a, x, &e);
		if (r == 1)
			t->exp_agreed[a]++;
		else if (r == 0)
			bad(t, file, msg, "expectation %s (id %u) differs", exp_names[a], e.id);
		else if (exception_of(expect_exceptions, N(expect_exceptions), a))
			t->exp_excepted[a]++;
		else
			bad(t, file, msg, "expectation attribute %d: neither compared nor an exception", a);
	}
	nfexp_destroy(x);
}

/* ---- the fixtures ---- */

static const char *data_dir(void)
{
	const char *dir = getenv("CTOP_TEST_DATA");

	return dir ? dir : "tests/data";
}

static void compare_file(struct tally *t, const char *path, const char *name)
{
	FILE *fp = fopen(path, "rb");
	size_t len = 0, cap = 1 << 16, off = 0;
	char *buf = malloc(cap), *msgs;
	struct ctop_err err = { 0 };
	long msg = 0;
	size_t got;

	assert_non_null(fp);
	assert_non_null(buf);
	while ((got = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += got;
		if (len == cap) {
			buf = realloc(buf, cap *= 2);
			assert_non_null(buf);
		}
	}
	fclose(fp);
	/* Past the recording header, in this host's byte order (fixtures
	 * come from hosts of either order). */
	if (recording_load(buf, len, name, &msgs, &len, &err) < 0) {
		bad(t, name, msg, "%s", err.msg);
		free(buf);
		return;
	}
	/* Messages as the kernel wrote them: each must fit, or the fixture
	 * is damaged (not input for an oracle). */
	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(msgs + off);

		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len - off) {
			bad(t, name, msg, "nlmsg_len %u does not fit", nlh->nlmsg_len);
			break;
		}
		t->messages++;
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			t->skipped++;
		else if (NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_CTNETLINK)
			compare_flow(t, name, msg, nlh);
		else if (NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_CTNETLINK_EXP)
			compare_expect(t, name, msg, nlh);
		else
			t->skipped++;
		msg++;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	free(buf);
}

static void print_tally(const struct tally *t)
{
	printf("# %ld messages: %ld flows and %ld expectations compared, %ld others\n",
	       t->messages, t->flows, t->expects, t->skipped);
	printf("# flow attributes agreed:");
	for (int a = 0; a < ATTR_MAX; a++)
		if (t->agreed[a])
			printf(" %s %ld,", attr_name(a), t->agreed[a]);
	printf("\n# expectation attributes agreed:");
	for (int a = 0; a < ATTR_EXP_MAX; a++)
		if (t->exp_agreed[a])
			printf(" %s %ld,", exp_names[a], t->exp_agreed[a]);
	printf("\n# exceptions met:");
	for (size_t i = 0; i < N(flow_exceptions); i++)
		if (t->excepted[flow_exceptions[i].attr])
			printf(" %s (%d) %ld,", flow_exceptions[i].name,
			       flow_exceptions[i].attr, t->excepted[flow_exceptions[i].attr]);
	for (size_t i = 0; i < N(expect_exceptions); i++)
		if (t->exp_excepted[expect_exceptions[i].attr])
			printf(" expectation %s %ld,", expect_exceptions[i].name,
			       t->exp_excepted[expect_exceptions[i].attr]);
	printf("\n");
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_recording(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 3 && strcmp(d->d_name + n - 3, ".nl") == 0;
}

static void test_fixtures_agree(void **state)
{
	struct tally *t = calloc(1, sizeof(*t));
	struct dirent **names;
	char path[4096];
	int n;

	(void)state;
	assert_non_null(t);
	n = scandir(data_dir(), &names, is_recording, by_name);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", data_dir(), names[i]->d_name);
		compare_file(t, path, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	print_tally(t);
	/* The fixtures hold flows and expectations of every kind the bed
	 * makes: nothing compared would be a test that cannot fail. */
	assert_true(t->flows >= 60);
	assert_true(t->expects >= 4);
	assert_int_equal(t->failures, 0);
	free(t);
}

/* The exception table is about attributes, not typos: each entry names
 * an attribute the comparison does not already cover. */
static void test_exceptions_are_not_compared(void **state)
{
	struct nf_conntrack *ct = nfct_new();
	struct flow f;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (size_t i = 0; i < N(flow_exceptions); i++)
		assert_int_equal(flow_attr_agrees(flow_exceptions[i].attr, ct, &f), -1);
	nfct_destroy(ct);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_agree),
		cmocka_unit_test(test_exceptions_are_not_compared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
