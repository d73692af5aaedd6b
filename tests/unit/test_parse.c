/* The ctnetlink parser, on a dump recorded from a real kernel
 * (tests/data/dump-all.nl, made by tests/data/make-fixtures; the entries
 * are listed there) and on hand-built and damaged messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "source.h"
#include "source_read.h"
#include "source_recording.h"

#define MAX_FLOWS 64

struct flows {
	struct flow f[MAX_FLOWS];
	int n;
};

static const char *fixture(void)
{
	static char path[4096];
	const char *dir = getenv("CTOP_TEST_DATA");

	snprintf(path, sizeof(path), "%s/dump-all.nl", dir ? dir : "tests/data");
	return path;
}

static int collect(const struct flow *f, void *data)
{
	struct flows *fl = data;

	if (fl->n < MAX_FLOWS)
		fl->f[fl->n] = *f;
	fl->n++;
	return 0;
}

static int load(void **state)
{
	struct flows *fl = calloc(1, sizeof(*fl));
	struct ctop_err err = { 0 };

	assert_non_null(fl);
	if (source_read(fixture(), collect, fl, NULL, &err) < 0) {
		fprintf(stderr, "cannot replay %s: %s\n", fixture(), err.msg);
		free(fl);
		return -1;
	}
	*state = fl;
	return 0;
}

static int unload(void **state)
{
	free(*state);
	return 0;
}

static uint32_t ip4(const char *s)
{
	uint32_t a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void assert_addr(const union flow_addr *a, uint8_t family, const char *s)
{
	union flow_addr want;

	memset(&want, 0, sizeof(want));
	assert_int_equal(inet_pton(family, s, want.b), 1);
	assert_memory_equal(a->b, want.b, 16);
}

/* The flow with this protocol and original source port (or ICMP id). */
static const struct flow *find(const struct flows *fl, uint8_t proto,
			       uint16_t sport)
{
	int i;

	for (i = 0; i < fl->n && i < MAX_FLOWS; i++)
		if (fl->f[i].protonum == proto && fl->f[i].orig.sport == sport)
			return &fl->f[i];
	fail_msg("no flow proto %u sport %u in the fixture", proto, sport);
	return NULL;
}

static const struct flow *find_dport(const struct flows *fl, uint8_t proto,
				     uint16_t dport, uint8_t state)
{
	int i;

	for (i = 0; i < fl->n && i < MAX_FLOWS; i++)
		if (fl->f[i].protonum == proto && fl->f[i].orig.dport == dport &&
		    fl->f[i].state == state)
			return &fl->f[i];
	fail_msg("no flow proto %u dport %u in the fixture", proto, dport);
	return NULL;
}

/* ---- the recorded dump ---- */

static void test_count_and_common(void **state)
{
	const struct flows *fl = *state;
	int i;

	assert_int_equal(fl->n, 24);
	for (i = 0; i < fl->n; i++) {
		const struct flow *f = &fl->f[i];

		assert_true(f->family == FLOW_IPV4 || f->family == FLOW_IPV6);
		assert_int_not_equal(f->id, 0);
		assert_true(f->status & FLOW_S_CONFIRMED);
		/* acct and timestamps were on in the namespace */
		assert_true(f->has & FLOW_HAS_COUNTERS);
		assert_true(f->has & FLOW_HAS_START);
		assert_true(f->has & FLOW_HAS_TIMEOUT);
		assert_true(f->has & FLOW_HAS_MARK);
		/* a time after 2020 and before 2100, in ns */
		assert_true(f->start_ns > 1577836800ull * 1000000000ull);
		assert_true(f->start_ns < 4102444800ull * 1000000000ull);
		assert_true(f->timeout <= 432000);
	}
}

static void test_tcp_states(void **state)
{
	const struct flows *fl = *state;
	const struct flow *f;

	f = find(fl, FLOW_P_TCP, 40001);
	assert_int_equal(f->family, FLOW_IPV4);
	assert_int_equal(f->orig.src.w[0], ip4("192.0.2.1"));
	assert_int_equal(f->orig.dst.w[0], ip4("198.51.100.1"));
	assert_int_equal(f->orig.dport, 80);
	assert_int_equal(f->reply.src.w[0], ip4("198.51.100.1"));
	assert_int_equal(f->reply.dst.w[0], ip4("192.0.2.1"));
	assert_int_equal(f->reply.sport, 80);
	assert_int_equal(f->reply.dport, 40001);
	assert_true(f->has & FLOW_HAS_STATE);
	assert_string_equal(flow_state_name(f), "ESTABLISHED");
	assert_true(f->status & FLOW_S_ASSURED);
	assert_true(f->status & FLOW_S_SEEN_REPLY);
	assert_int_equal(flow_nat(f), FLOW_NAT_NONE);
	assert_int_equal(f->orig.zone, 0);
	assert_false(f->has & FLOW_HAS_ZONE);
	assert_int_equal(f->mark, 0);
	assert_int_equal(f->helper, 0);
	assert_true(f->timeout > 3000 && f->timeout <= 3600);
	assert_int_equal(f->orig_packets, 0);

	f = find(fl, FLOW_P_TCP, 40002);
	assert_string_equal(flow_state_name(f), "SYN_SENT");
	assert_true(flow_unreplied(f));
	assert_false(f->status & FLOW_S_ASSURED);

	f = find(fl, FLOW_P_TCP, 40003);
	assert_string_equal(flow_state_name(f), "TIME_WAIT");

	f = find(fl, FLOW_P_TCP, 40004);
	assert_string_equal(flow_state_name(f), "CLOSE_WAIT");
	assert_true(f->status & FLOW_S_SEEN_REPLY);
	assert_false(f->status & FLOW_S_ASSURED);
}

static void test_udp(void **state)
{
	const struct flows *fl = *state;
	const struct flow *f;

	f = find(fl, FLOW_P_UDP, 5353);
	assert_int_equal(f->orig.dport, 53);
	assert_int_equal(f->orig.dst.w[0], ip4("198.51.100.53"));
	assert_false(flow_unreplied(f));
	assert_false(f->has & FLOW_HAS_STATE);
	assert_null(flow_state_name(f));

	f = find(fl, FLOW_P_UDP, 5354);
	assert_true(flow_unreplied(f));

	f = find(fl, FLOW_P_UDPLITE, 1000);
	assert_int_equal(f->orig.dport, 2000);
	assert_int_equal(f->reply.sport, 2000);
	assert_int_equal(f->reply.dport, 1000);
}

static void test_icmp(void **state)
{
	const struct flows *fl = *state;
	const struct flow *f;

	f = find(fl, FLOW_P_ICMP, 4242);
	assert_int_equal(f->family, FLOW_IPV4);
	assert_int_equal(f->orig.icmp_type, 8);
	assert_int_equal(f->orig.icmp_code, 0);
	assert_int_equal(f->orig.dport, 0);
	assert_int_equal(f->reply.icmp_type, 0);
	assert_int_equal(f->reply.sport, 4242);
	assert_int_equal(f->orig.src.w[0], ip4("192.0.2.4"));
	assert_int_equal(flow_nat(f), FLOW_NAT_NONE);

	f = find(fl, FLOW_P_ICMPV6, 4343);
	assert_int_equal(f->family, FLOW_IPV6);
	assert_int_equal(f->orig.icmp_type, 128);
	assert_int_equal(f->reply.icmp_type, 129);
	assert_addr(&f->orig.src, AF_INET6, "2001:db8::4");
	assert_addr(&f->orig.dst, AF_INET6, "2001:db8:1::4");
	assert_addr(&f->reply.src, AF_INET6, "2001:db8:1::4");
}

static void test_sctp_gre_unknown(void **state)
{
	const struct flows *fl = *state;
	const struct flow *f;
	int i, n99 = 0;

	f = find(fl, FLOW_P_SCTP, 3868);
	assert_int_equal(f->orig.dport, 3868);
	assert_true(f->has & FLOW_HAS_STATE);
	assert_string_equal(flow_state_name(f), "ESTABLISHED");

	/* GRE keys arrive as the port attributes. */
	f = find(fl, FLOW_P_GRE, 0x100);
	assert_int_equal(f->orig.dport, 0x200);
	assert_int_equal(f->reply.sport, 0x200);
	assert_int_equal(f->reply.dport, 0x100);
	assert_false(f->has & FLOW_HAS_STATE);

	for (i = 0; i < fl->n; i++) {
		if (fl->f[i].protonum != 99)
			continue;
		n99++;
		assert_int_equal(fl->f[i].orig.sport, 0);
		assert_int_equal(fl->f[i].orig.dport, 0);
		assert_int_equal(fl->f[i].orig.src.w[0], ip4("10.0.0.1"));
	}
	assert_int_equal(n99, 2);
}

static void test_ipv6_tcp(void **state)
{
	const struct flows *fl = *state;
	const struct flow *f = find(fl, FLOW_P_TCP, 40005);

	assert_int_equal(f->family, FLOW_IPV6);
	assert_addr(&f->orig.src, AF_INET6, "2001:db8::1");
	assert_addr(&f->orig.dst, AF_INET6, "2001:db8:1::1");
	assert_addr(&f->reply.dst, AF_INET6, "2001:db8::1");
	assert_int_equal(f->orig.dport, 443);
	assert_string_equal(flow_state_name(f), "ESTABLISHED");
}

static void test_nat_mark_zone(void **state)
{
	const struct flows *fl = *state;
	const struct flow *f;

	f = find(fl, FLOW_P_TCP, 40006);
	assert_int_equal(flow_nat(f), FLOW_NAT_SNAT);
	assert_int_equal(f->reply.dst.w[0], ip4("203.0.113.1"));

	f = find(fl, FLOW_P_TCP, 40007);
	assert_int_equal(flow_nat(f), FLOW_NAT_DNAT);
	assert_int_equal(f->reply.src.w[0], ip4("10.2.2.2"));
	assert_int_equal(f->reply.sport, 8080);

	f = find(fl, FLOW_P_TCP, 40008);
	assert_true(f->has & FLOW_HAS_MARK);
	assert_int_equal(f->mark, 42);

	f = find(fl, FLOW_P_UDP, 40009);
	assert_true(f->has & FLOW_HAS_ZONE);
	assert_int_equal(f->orig.zone, 7);
}

static void test_real_traffic(void **state)
{
	const struct flows *fl = *state;
	const struct flow *f;
	const uint8_t *bits;
	size_t len = 0;

	/* ping 127.0.0.1: one packet each way, id 0x1234 */
	f = find(fl, FLOW_P_ICMP, 0x1234);
	assert_int_equal(f->orig_packets, 1);
	assert_int_equal(f->reply_packets, 1);
	assert_true(f->orig_bytes > 0);
	assert_int_equal(f->orig.src.w[0], ip4("127.0.0.1"));

	/* the ftp helper on port 21 */
	f = find_dport(fl, FLOW_P_TCP, 21, 3);
	assert_string_equal(intern_helper_name(f->helper), "ftp");
	assert_true(f->status & FLOW_S_HELPER);
	assert_true(f->orig_packets >= 3);
	assert_true(f->reply_packets >= 2);
	assert_true(f->reply_bytes > 0);
	assert_false(f->has & FLOW_HAS_LABELS);

	/* label bit 3 on port 7777 */
	f = find_dport(fl, FLOW_P_TCP, 7777, 3);
	assert_true(f->has & FLOW_HAS_LABELS);
	bits = intern_labels_bits(f->labels, &len);
	assert_non_null(bits);
	assert_true(len >= 1);
	assert_int_equal(bits[0], 1u << 3);
	assert_int_equal(f->helper, 0);

	/* the connection the client closed */
	f = find_dport(fl, FLOW_P_TCP, 9999, 5);
	assert_string_equal(flow_state_name(f), "CLOSE_WAIT");
	assert_true(f->orig_packets > 3);
}

static int stop_after_three(const struct flow *f, void *data)
{
	int *n = data;

	(void)f;
	return ++*n == 3;
}

static int count_all(const struct flow *f, void *data)
{
	(void)f;
	++*(int *)data;
	return 0;
}

static void test_replay_stop_and_errors(void **state)
{
	struct ctop_err err = { 0 };
	char path[] = "/tmp/ctop-test-parse-XXXXXX";
	char buf[8192];
	FILE *in, *out;
	size_t n;
	int calls = 0, fd;

	(void)state;
	assert_int_equal(source_read(fixture(), stop_after_three, &calls, NULL, &err), 0);
	assert_int_equal(calls, 3);

	assert_int_equal(source_read("/nonexistent/dump.nl", stop_after_three,
				     &calls, NULL, &err), -1);
	assert_int_equal(err.status, CTOP_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "/nonexistent/dump.nl"));

	/* A file cut in the middle of a message: an error, not a crash. */
	in = fopen(fixture(), "rb");
	assert_non_null(in);
	n = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	assert_true(n > 1000);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	out = fdopen(fd, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(buf, 1, 1000, out), 1000);
	fclose(out);
	memset(&err, 0, sizeof(err));
	assert_int_equal(source_read(path, count_all, &calls, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "truncated"));
	unlink(path);
}

/* ---- damaged messages ---- */

/* Whether a message cut to LEN bytes ends strictly inside one of its
 * top-level attributes (the padding after an attribute does not count). */
static bool cut_inside(const struct nlmsghdr *nlh, uint32_t len)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		uint32_t start = (uint32_t)((const char *)a - (const char *)nlh);

		if (len > start && len < start + a->nla_len)
			return true;
	}
	return false;
}

/* Every message of the fixture, cut at every length, in a buffer of
 * exactly that size (ASan catches any read past it). A cut inside an
 * attribute must be refused; a cut between attributes may parse. */
static void test_truncated(void **state)
{
	static char file[65536];
	const struct nlmsghdr *nlh;
	uint32_t len, first_attr;
	struct ctop_err err = { 0 };
	struct flow f;
	char *msgs_at;
	size_t size;
	FILE *in;
	int rest, msgs = 0;

	(void)state;
	in = fopen(fixture(), "rb");
	assert_non_null(in);
	size = fread(file, 1, sizeof(file), in);
	fclose(in);
	/* In this host's byte order (the fixture was recorded on x86). */
	assert_int_equal(recording_load(file, size, fixture(), &msgs_at, &size,
					&err), 0);
	rest = (int)size;
	for (nlh = (const struct nlmsghdr *)msgs_at; mnl_nlmsg_ok(nlh, rest);
	     nlh = mnl_nlmsg_next(nlh, &rest)) {
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		msgs++;
		assert_int_equal(source_parse_flow(nlh, &f), 0);
		first_attr = MNL_ALIGN(NLMSG_HDRLEN + sizeof(struct nfgenmsg));
		for (len = 0; len < nlh->nlmsg_len; len++) {
			size_t size = len < sizeof(struct nlmsghdr) ?
				sizeof(struct nlmsghdr) : len;
			struct nlmsghdr *cut = calloc(1, size);
			int r;

			assert_non_null(cut);
			memcpy(cut, nlh, size);
			cut->nlmsg_len = len;
			r = source_parse_flow(cut, &f);
			if (len <= first_attr || cut_inside(nlh, len))
				assert_int_equal(r, -1);
			free(cut);
		}
	}
	assert_int_equal(msgs, 24);
}

/* A hand-built message: a DCCP flow with old 32-bit counters. */
static struct nlmsghdr *build(char *buf, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nlattr *t, *ip, *pr, *pi, *d, *c;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, ip4("192.0.2.77"));
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, ip4("198.51.100.77"));
	mnl_attr_nest_end(nlh, ip);
	pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, FLOW_P_DCCP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(5004));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(5005));
	mnl_attr_nest_end(nlh, pr);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(FLOW_S_CONFIRMED | FLOW_S_SEEN_REPLY));
	pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	d = mnl_attr_nest_start(nlh, CTA_PROTOINFO_DCCP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_DCCP_STATE, 4);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_DCCP_ROLE, 1);
	mnl_attr_nest_end(nlh, d);
	mnl_attr_nest_end(nlh, pi);
	c = mnl_attr_nest_start(nlh, CTA_COUNTERS_ORIG);
	mnl_attr_put_u32(nlh, CTA_COUNTERS32_PACKETS, htonl(7));
	mnl_attr_put_u32(nlh, CTA_COUNTERS32_BYTES, htonl(700));
	mnl_attr_nest_end(nlh, c);
	c = mnl_attr_nest_start(nlh, CTA_COUNTERS_REPLY);
	mnl_attr_put_u64(nlh, CTA_COUNTERS_PACKETS, htobe64(5000000000ull));
	mnl_attr_put_u64(nlh, CTA_COUNTERS_BYTES, htobe64(6000000000ull));
	mnl_attr_nest_end(nlh, c);
	mnl_attr_put_u32(nlh, CTA_ID, htonl(0xdeadbeef));
	mnl_attr_put_u16(nlh, CTA_ZONE, htons(3));
	mnl_attr_put_u32(nlh, 200, 0);	/* from a future kernel: ignored */
	return nlh;
}

static void test_built_message(void **state)
{
	char buf[1024] = { 0 };
	struct nlmsghdr *nlh = build(buf, AF_INET);
	struct flow f;

	(void)state;
	assert_int_equal(source_parse_flow(nlh, &f), 0);
	assert_int_equal(f.protonum, FLOW_P_DCCP);
	assert_int_equal(f.orig.sport, 5004);
	assert_int_equal(f.orig.dport, 5005);
	assert_true(f.has & FLOW_HAS_STATE);
	assert_int_equal(f.state, 4);
	assert_true(f.has & FLOW_HAS_COUNTERS);
	assert_int_equal(f.orig_packets, 7);
	assert_int_equal(f.orig_bytes, 700);
	assert_int_equal(f.reply_packets, 5000000000ull);
	assert_int_equal(f.reply_bytes, 6000000000ull);
	assert_int_equal(f.id, 0xdeadbeef);
	assert_int_equal(f.orig.zone, 3);
	assert_false(f.has & (FLOW_HAS_TIMEOUT | FLOW_HAS_START | FLOW_HAS_MARK));
	/* no reply tuple sent: left zero */
	assert_int_equal(f.reply.src.w[0], 0);
}

static struct nlattr *find_attr(struct nlmsghdr *nlh, int type)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static void test_malformed(void **state)
{
	char buf[1024];
	struct nlmsghdr *nlh;
	struct nlattr *a, *inner;
	struct flow f;

	(void)state;
	/* Not conntrack at all. */
	memset(buf, 0, sizeof(buf));
	nlh = build(buf, AF_INET);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(source_parse_flow(nlh, &f), -1);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_CT_NEW;
	assert_int_equal(source_parse_flow(nlh, &f), -1);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET_STATS;
	assert_int_equal(source_parse_flow(nlh, &f), -1);
	assert_int_equal(source_parse_flow(NULL, &f), -1);

	/* Unknown family. */
	memset(buf, 0, sizeof(buf));
	nlh = build(buf, 7);
	assert_int_equal(source_parse_flow(nlh, &f), -1);

	/* A nested length running past its parent. */
	memset(buf, 0, sizeof(buf));
	nlh = build(buf, AF_INET);
	a = find_attr(nlh, CTA_TUPLE_ORIG);
	assert_non_null(a);
	inner = mnl_attr_get_payload(a);	/* CTA_TUPLE_IP */
	inner->nla_len = a->nla_len + 8;
	assert_int_equal(source_parse_flow(nlh, &f), -1);

	/* An address attribute too short for its type. */
	memset(buf, 0, sizeof(buf));
	nlh = build(buf, AF_INET);
	a = find_attr(nlh, CTA_TUPLE_ORIG);
	inner = mnl_attr_get_payload(a);
	inner = mnl_attr_get_payload(inner);	/* CTA_IP_V4_SRC */
	inner->nla_len = 6;
	assert_int_equal(source_parse_flow(nlh, &f), -1);

	/* A top-level attribute too short for its type. */
	memset(buf, 0, sizeof(buf));
	nlh = build(buf, AF_INET);
	a = find_attr(nlh, CTA_STATUS);
	assert_non_null(a);
	a->nla_len = 6;
	assert_int_equal(source_parse_flow(nlh, &f), -1);

	/* An attribute length below the header size. */
	memset(buf, 0, sizeof(buf));
	nlh = build(buf, AF_INET);
	a = find_attr(nlh, CTA_ID);
	assert_non_null(a);
	a->nla_len = 2;
	assert_int_equal(source_parse_flow(nlh, &f), -1);

	/* No original tuple. */
	memset(buf, 0, sizeof(buf));
	nlh = build(buf, AF_INET);
	a = find_attr(nlh, CTA_TUPLE_ORIG);
	a->nla_type = 99;
	assert_int_equal(source_parse_flow(nlh, &f), -1);
}

int main(void)
{
	const struct CMUnitTest fixture_tests[] = {
		cmocka_unit_test(test_count_and_common),
		cmocka_unit_test(test_tcp_states),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_sctp_gre_unknown),
		cmocka_unit_test(test_ipv6_tcp),
		cmocka_unit_test(test_nat_mark_zone),
		cmocka_unit_test(test_real_traffic),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_stop_and_errors),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_built_message),
		cmocka_unit_test(test_malformed),
	};
	int r;

	r = cmocka_run_group_tests_name("parse_fixture", fixture_tests, load,
					unload);
	r += cmocka_run_group_tests_name("parse", tests, NULL, NULL);
	return r;
}
