/* Directional zones: a zone on one direction only (CTA_TUPLE_ZONE inside
 * that tuple's nest, as `conntrack -I --orig-zone 2` makes) is read,
 * keyed, shown, filtered on, and sent back in requests exactly as the
 * kernel sent it. Before, the parser ignored CTA_TUPLE_ZONE: such flows
 * showed zone 0 and their deletes missed (ENOENT). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "filter.h"
#include "format.h"
#include "source.h"
#include "testflow.h"

/* Which zone attributes a built message carries. */
struct zones_msg {
	int orig, reply, both;	/* -1: attribute absent */
};

static void put_tuple(struct nlmsghdr *nlh, int type, const char *src,
		      const char *dst, uint16_t sport, uint16_t dport, int zone)
{
	struct nlattr *t, *ip, *pr;
	uint32_t a;

	t = mnl_attr_nest_start(nlh, (uint16_t)type);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	assert_int_equal(inet_pton(AF_INET, src, &a), 1);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, a);
	assert_int_equal(inet_pton(AF_INET, dst, &a), 1);
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, a);
	mnl_attr_nest_end(nlh, ip);
	pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, FLOW_P_UDP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, pr);
	if (zone >= 0)
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons((uint16_t)zone));
	mnl_attr_nest_end(nlh, t);
}

/* A udp flow 10.0.0.1:1000 -> 10.0.0.3:53 as the kernel dumps it. */
static struct nlmsghdr *build(char *buf, struct zones_msg z)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	put_tuple(nlh, CTA_TUPLE_ORIG, "10.0.0.1", "10.0.0.3", 1000, 53, z.orig);
	put_tuple(nlh, CTA_TUPLE_REPLY, "10.0.0.3", "10.0.0.1", 53, 1000, z.reply);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(FLOW_S_CONFIRMED));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(1702099518));
	if (z.both >= 0)
		mnl_attr_put_u16(nlh, CTA_ZONE, htons((uint16_t)z.both));
	return nlh;
}

static struct flow parsed(struct zones_msg z)
{
	char buf[1024] = { 0 };
	struct flow f;

	assert_int_equal(source_parse_flow(build(buf, z), &f), 0);
	return f;
}

static void assert_zone_text(const struct flow *f, const char *want)
{
	char buf[16];

	format_zone(buf, sizeof(buf), f->orig.zone, f->reply.zone);
	assert_string_equal(buf, want);
}

static void test_parse(void **state)
{
	struct flow f;

	(void)state;
	/* --orig-zone 2: CTA_TUPLE_ZONE in the original tuple only. */
	f = parsed((struct zones_msg){ 2, -1, -1 });
	assert_int_equal(f.orig.zone, 2);
	assert_int_equal(f.reply.zone, 0);
	assert_true(f.has & FLOW_HAS_ZONE);
	assert_true(flow_zone_split(&f));
	assert_zone_text(&f, "2/0");

	/* --reply-zone 3 */
	f = parsed((struct zones_msg){ -1, 3, -1 });
	assert_int_equal(f.orig.zone, 0);
	assert_int_equal(f.reply.zone, 3);
	assert_zone_text(&f, "0/3");

	/* --zone 5: CTA_ZONE, both directions. */
	f = parsed((struct zones_msg){ -1, -1, 5 });
	assert_int_equal(f.orig.zone, 5);
	assert_int_equal(f.reply.zone, 5);
	assert_false(flow_zone_split(&f));
	assert_zone_text(&f, "5");

	/* None at all. */
	f = parsed((struct zones_msg){ -1, -1, -1 });
	assert_false(f.has & FLOW_HAS_ZONE);
	assert_zone_text(&f, "0");

	/* Both kinds (the kernel never sends that): a tuple's own zone wins
	 * for its direction, as in the kernel's request parsing. */
	f = parsed((struct zones_msg){ 4, -1, 6 });
	assert_int_equal(f.orig.zone, 4);
	assert_int_equal(f.reply.zone, 6);
}

/* Flows that differ only in a direction's zone are different flows. */
static void test_key(void **state)
{
	struct flow o = parsed((struct zones_msg){ 2, -1, -1 });
	struct flow r = parsed((struct zones_msg){ -1, 2, -1 });
	struct flow b = parsed((struct zones_msg){ -1, -1, 2 });
	struct flow n = parsed((struct zones_msg){ -1, -1, -1 });

	(void)state;
	assert_false(flow_key_equal(&o, &r));
	assert_false(flow_key_equal(&o, &b));
	assert_false(flow_key_equal(&r, &b));
	assert_false(flow_key_equal(&n, &r));
	assert_true(flow_key_hash(&o) != flow_key_hash(&r));
	assert_true(flow_key_hash(&o) != flow_key_hash(&b));
	assert_true(flow_key_equal(&o, &o));
}

static bool matches(const char *expr, const struct flow *f)
{
	struct filter_error err;
	struct filter *flt = filter_compile(expr, &err);
	bool r;

	if (!flt)
		fail_msg("'%s': %s at %d", expr, err.msg, err.column);
	r = filter_match(flt, f);
	filter_free(flt);
	return r;
}

static void test_filter(void **state)
{
	struct flow o = parsed((struct zones_msg){ 2, -1, -1 });
	struct flow r = parsed((struct zones_msg){ -1, 3, -1 });
	struct flow b = parsed((struct zones_msg){ -1, -1, 5 });
	struct filter_pushdown pd;
	struct filter_error err;
	struct filter *flt;

	(void)state;
	/* "zone N": either direction. */
	assert_true(matches("zone 2", &o));
	assert_true(matches("zone 3", &r));
	assert_true(matches("zone 5", &b));
	assert_false(matches("zone 3", &o));
	/* One direction named. */
	assert_true(matches("orig zone 2", &o));
	assert_false(matches("reply zone 2", &o));
	assert_true(matches("reply zone 0", &o));
	assert_true(matches("reply zone 3", &r));
	assert_false(matches("orig zone 3", &r));
	assert_true(matches("orig zone 5 and reply zone 5", &b));
	assert_true(matches("not reply zone 3", &o));
	/* "orig" also names the original tuple's terms, as bare ones do. */
	assert_true(matches("orig dport 53 and reply sport 53", &o));

	/* The kernel's zone filter takes a zone id in either direction, so
	 * "reply zone 3" may go down as zone 3. */
	flt = filter_compile("reply zone 3", &err);
	assert_non_null(flt);
	filter_pushdown(flt, &pd);
	assert_int_equal(pd.zone, 3);
	filter_free(flt);

	flt = filter_compile("orig zone x", &err);
	assert_null(flt);
	assert_string_equal(err.msg, "expected a zone number");
	flt = filter_compile("orig tcp", &err);
	assert_null(flt);
	assert_string_equal(err.msg,
			    "expected src, dst, host, sport, dport, port or zone after 'orig'");
}

/* Zone attributes of a request built by source_put_tuple/_zone:
 * CTA_TUPLE_ZONE in the ATTR nest, CTA_ZONE at the top. */
static int nest_zone(const struct nlmsghdr *nlh, int attr)
{
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) != attr)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == CTA_TUPLE_ZONE)
				return ntohs(mnl_attr_get_u16(b));
	}
	return -1;
}

static int top_zone(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == CTA_ZONE)
			return ntohs(mnl_attr_get_u16(a));
	return -1;
}

static struct nlmsghdr *request(char *buf, const struct flow *f)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	source_put_tuple(nlh, CTA_TUPLE_ORIG, f, &f->orig);
	source_put_tuple(nlh, CTA_TUPLE_REPLY, f, &f->reply);
	source_put_zone(nlh, f);
	return nlh;
}

/* Requests name the zones the kernel sent, the way it sent them, and
 * read back into the same flow. */
static void test_request(void **state)
{
	static const struct zones_msg cases[] = {
		{ 2, -1, -1 }, { -1, 3, -1 }, { -1, -1, 5 }, { -1, -1, -1 },
	};
	char buf[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct flow f = parsed(cases[i]), back;
		struct nlmsghdr *nlh;

		memset(buf, 0, sizeof(buf));
		nlh = request(buf, &f);
		assert_int_equal(nest_zone(nlh, CTA_TUPLE_ORIG), cases[i].orig);
		assert_int_equal(nest_zone(nlh, CTA_TUPLE_REPLY), cases[i].reply);
		assert_int_equal(top_zone(nlh), cases[i].both);
		assert_int_equal(source_parse_flow(nlh, &back), 0);
		assert_int_equal(back.orig.zone, f.orig.zone);
		assert_int_equal(back.reply.zone, f.reply.zone);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
