/* Unit tests for the filter language: matching against hand-built flows,
 * syntax errors with their column and message, and what may be pushed
 * down to the kernel.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "testflow.h"

/* ---- flow builders ---- */

static void flow_set_state(struct flow *f, uint8_t state)
{
	f->has |= FLOW_HAS_STATE;
	f->state = state;
}

/* tcp 10.0.0.1:40000 -> 192.168.1.10:80 ESTABLISHED, assured, mark 0x12 */
static struct flow flow_tcp4(void)
{
	struct flow f = test_flow(FLOW_IPV4, FLOW_P_TCP, "10.0.0.1", 40000,
				  "192.168.1.10", 80);

	flow_set_state(&f, 3);	/* ESTABLISHED */
	f.status = FLOW_S_SEEN_REPLY | FLOW_S_ASSURED | FLOW_S_CONFIRMED;
	f.mark = 0x12;
	f.has |= FLOW_HAS_MARK | FLOW_HAS_TIMEOUT;
	f.timeout = 300;
	f.id = 1234;
	return f;
}

/* udp 10.0.0.2:5353 -> 8.8.8.8:53, unreplied, zone 5 */
static struct flow flow_udp4(void)
{
	struct flow f = test_flow(FLOW_IPV4, FLOW_P_UDP, "10.0.0.2", 5353,
				  "8.8.8.8", 53);

	f.status = FLOW_S_CONFIRMED;
	f.orig.zone = f.reply.zone = 5;
	f.has |= FLOW_HAS_ZONE | FLOW_HAS_TIMEOUT;
	f.timeout = 25;
	return f;
}

/* tcp [2001:db8::1]:1234 -> [2001:db8::ff]:443 SYN_SENT */
static struct flow flow_tcp6(void)
{
	struct flow f = test_flow(FLOW_IPV6, FLOW_P_TCP, "2001:db8::1", 1234,
				  "2001:db8::ff", 443);

	flow_set_state(&f, 1);	/* SYN_SENT */
	f.status = FLOW_S_CONFIRMED;
	return f;
}

/* icmp echo 10.0.0.1 -> 10.0.0.254, id 77 in sport */
static struct flow flow_icmp4(void)
{
	struct flow f = test_flow(FLOW_IPV4, FLOW_P_ICMP, "10.0.0.1", 77,
				  "10.0.0.254", 0);

	f.reply.sport = 77;
	f.reply.dport = 0;
	f.orig.icmp_type = 8;
	f.reply.icmp_type = 0;
	f.status = FLOW_S_SEEN_REPLY;
	return f;
}

/* ---- helpers ---- */

static struct filter *compile_ok(const char *expr)
{
	struct filter_error err = { 0, "" };
	struct filter *flt = filter_compile(expr, &err);

	if (!flt)
		fail_msg("'%s' failed at column %d: %s", expr, err.column,
			 err.msg);
	return flt;
}

static bool matches(const char *expr, const struct flow *f)
{
	struct filter *flt = compile_ok(expr);
	bool r = filter_match(flt, f);

	filter_free(flt);
	return r;
}

#define assert_match(expr, f) \
	do { if (!matches(expr, f)) fail_msg("'%s' should match", expr); } while (0)
#define assert_no_match(expr, f) \
	do { if (matches(expr, f)) fail_msg("'%s' should not match", expr); } while (0)

static void check_error(const char *expr, int column, const char *msg)
{
	struct filter_error err = { 0, "" };
	struct filter *flt = filter_compile(expr, &err);

	if (flt) {
		filter_free(flt);
		fail_msg("'%s' compiled but should fail", expr);
	}
	if (err.column != column || strcmp(err.msg, msg) != 0)
		fail_msg("'%s': got column %d '%s', want column %d '%s'",
			 expr, err.column, err.msg, column, msg);
}

/* ---- matching ---- */

static void test_protocols(void **state)
{
	struct flow tcp = flow_tcp4(), udp = flow_udp4(), icmp = flow_icmp4();
	struct flow icmp6 = test_flow(FLOW_IPV6, FLOW_P_ICMPV6, "::1", 5,
				      "::2", 0);
	struct flow gre = test_flow(FLOW_IPV4, FLOW_P_GRE, "1.1.1.1", 0,
				    "2.2.2.2", 0);

	(void)state;
	assert_match("tcp", &tcp);
	assert_no_match("tcp", &udp);
	assert_match("udp", &udp);
	assert_match("TCP", &tcp);
	assert_match("icmp", &icmp);
	assert_no_match("icmp", &icmp6);
	assert_match("icmpv6", &icmp6);
	assert_match("ipv6-icmp", &icmp6);
	assert_match("gre", &gre);
	assert_no_match("sctp or dccp or udplite", &tcp);
	assert_match("proto 6", &tcp);
	assert_match("proto 0x11", &udp);
	assert_no_match("proto 17", &tcp);
	assert_match("proto gre", &gre);
	assert_match("proto 0", &(struct flow){ .family = FLOW_IPV4 });
	assert_match("ipv4", &tcp);
	assert_no_match("ipv6", &tcp);
	assert_match("ipv6", &icmp6);
	assert_match("IPv6", &icmp6);
}

static void test_addresses_v4(void **state)
{
	struct flow f = flow_tcp4();
	struct flow v6 = flow_tcp6();

	(void)state;
	assert_match("src 10.0.0.1", &f);
	assert_match("src 10.0.0.1/32", &f);
	assert_no_match("src 10.0.0.2/32", &f);
	assert_match("src 10.0.0.0/8", &f);
	assert_match("src 10.0.0.0/31", &f);
	assert_no_match("src 10.0.0.2/31", &f);
	assert_match("src 10.0.0.0/30", &f);
	assert_match("src 10.9.9.9/8", &f);	/* host bits are ignored */
	assert_no_match("src 11.0.0.0/8", &f);
	assert_match("src 0.0.0.0/0", &f);
	assert_no_match("src 0.0.0.0/0", &v6);	/* a v4 prefix never matches v6 */
	assert_match("dst 192.168.1.0/24", &f);
	assert_match("dst 192.168.0.0/23", &f);
	assert_no_match("dst 192.168.2.0/23", &f);
	assert_no_match("dst 10.0.0.1", &f);
	assert_no_match("src 192.168.1.10", &f);
	assert_match("host 192.168.1.10", &f);
	assert_match("host 10.0.0.1", &f);
	assert_no_match("host 10.0.0.3", &f);
}

static void test_addresses_v6(void **state)
{
	struct flow f = flow_tcp6();
	struct flow v4 = flow_tcp4();

	(void)state;
	assert_match("src 2001:db8::1", &f);
	assert_match("src 2001:db8::1/128", &f);
	assert_no_match("src 2001:db8::2/128", &f);
	assert_match("src 2001:db8::/127", &f);		/* ::0 and ::1 */
	assert_no_match("src 2001:db8::2/127", &f);	/* ::2 and ::3 */
	assert_match("src 2001:DB8::/32", &f);
	assert_no_match("src 2001:db9::/32", &f);
	assert_match("src ::/0", &f);
	assert_no_match("src ::/0", &v4);
	assert_match("dst 2001:db8::ff", &f);
	assert_match("dst 2001:db8::80/121", &f);
	assert_no_match("dst 2001:db8::/121", &f);
	assert_match("host 2001:db8::ff", &f);
	assert_no_match("host ::1", &f);
	/* a v4-mapped address is still a v6 prefix */
	assert_no_match("src ::ffff:10.0.0.1", &v4);
}

static void test_ports(void **state)
{
	struct flow tcp = flow_tcp4(), udp = flow_udp4(), icmp = flow_icmp4();
	struct flow gre = test_flow(FLOW_IPV4, FLOW_P_GRE, "1.1.1.1", 80,
				    "2.2.2.2", 80);

	(void)state;
	assert_match("dport 80", &tcp);
	assert_match("dport 0x50", &tcp);
	assert_no_match("dport 81", &tcp);
	assert_match("dport 79-81", &tcp);
	assert_match("dport 80-80", &tcp);
	assert_no_match("dport 81-90", &tcp);
	assert_no_match("dport 70-79", &tcp);
	assert_match("sport 40000", &tcp);
	assert_match("sport 1024-65535", &tcp);
	assert_no_match("sport 80", &tcp);
	assert_match("port 80", &tcp);
	assert_match("port 40000", &tcp);
	assert_no_match("port 443", &tcp);
	assert_match("port 53", &udp);
	assert_match("port 0-65535", &udp);
	/* ICMP ids and GRE keys are not ports */
	assert_no_match("port 0-65535", &icmp);
	assert_no_match("sport 77", &icmp);
	assert_no_match("port 80", &gre);
}

static void test_states(void **state)
{
	struct flow tcp = flow_tcp4(), syn = flow_tcp6(), udp = flow_udp4();
	struct flow sctp = test_flow(FLOW_IPV4, FLOW_P_SCTP, "1.1.1.1", 1,
				     "2.2.2.2", 2);
	struct flow dccp = test_flow(FLOW_IPV4, FLOW_P_DCCP, "1.1.1.1", 1,
				     "2.2.2.2", 2);
	struct flow nostate = flow_tcp4();

	(void)state;
	flow_set_state(&sctp, 4);	/* sctp ESTABLISHED */
	flow_set_state(&dccp, 7);	/* dccp TIMEWAIT */
	nostate.has &= (uint8_t)~FLOW_HAS_STATE;

	assert_match("state established", &tcp);
	assert_match("state ESTABLISHED", &tcp);
	assert_match("state EstabLished", &tcp);
	assert_no_match("state established", &syn);
	assert_match("state syn_sent", &syn);
	assert_match("state established", &sctp);
	assert_no_match("state established", &udp);
	assert_no_match("state established", &nostate);
	assert_match("state timewait", &dccp);
	assert_no_match("state time_wait", &dccp);
	assert_no_match("state timewait", &tcp);
	assert_match("state established or state syn_sent", &syn);
	assert_match("tcp and not state syn_sent", &tcp);
}

static void test_status(void **state)
{
	struct flow tcp = flow_tcp4(), udp = flow_udp4();

	(void)state;
	assert_match("assured", &tcp);
	assert_no_match("assured", &udp);
	assert_match("unreplied", &udp);
	assert_no_match("unreplied", &tcp);
	assert_match("seen_reply", &tcp);
	assert_no_match("seen_reply", &udp);
	assert_match("ASSURED and seen_reply", &tcp);
}

static void test_nat(void **state)
{
	struct flow none = flow_tcp4();
	struct flow snat = none, dnat = none, both = none;

	(void)state;
	/* masquerade: the reply comes back to the router's address */
	test_addr_set(&snat.reply.dst, FLOW_IPV4, "203.0.113.1");
	snat.reply.dport = 61000;
	/* port forward: the reply comes from the inside server */
	test_addr_set(&dnat.reply.src, FLOW_IPV4, "172.16.0.5");
	dnat.reply.sport = 8080;
	both.reply.dst = snat.reply.dst;
	both.reply.src = dnat.reply.src;

	assert_no_match("snat", &none);
	assert_no_match("dnat", &none);
	assert_no_match("nat", &none);
	assert_match("snat", &snat);
	assert_no_match("dnat", &snat);
	assert_match("nat", &snat);
	assert_match("dnat", &dnat);
	assert_no_match("snat", &dnat);
	assert_match("nat", &dnat);
	assert_match("snat", &both);
	assert_match("dnat", &both);
	assert_match("nat", &both);
	assert_match("not nat", &none);
}

static void test_reply_prefix(void **state)
{
	struct flow f = flow_tcp4();

	(void)state;
	test_addr_set(&f.reply.dst, FLOW_IPV4, "203.0.113.1");
	f.reply.dport = 61000;

	assert_match("reply dst 203.0.113.1", &f);
	assert_no_match("dst 203.0.113.1", &f);
	assert_match("reply dst 203.0.113.0/24", &f);
	assert_match("reply src 192.168.1.10", &f);
	assert_match("reply host 203.0.113.1", &f);
	assert_no_match("reply host 10.0.0.1", &f);
	assert_match("host 10.0.0.1", &f);
	assert_match("reply sport 80", &f);
	assert_match("reply dport 61000", &f);
	assert_no_match("reply dport 40000", &f);
	assert_match("reply port 60000-62000", &f);
	assert_match("REPLY DPORT 61000", &f);
	assert_match("not reply dport 40000", &f);
}

static void test_operators(void **state)
{
	struct flow tcp = flow_tcp4(), udp = flow_udp4();

	(void)state;
	/* and binds tighter than or */
	assert_match("udp or tcp and dport 443", &udp);
	assert_no_match("udp or tcp and dport 443", &tcp);
	assert_match("tcp and dport 443 or udp", &udp);
	assert_match("(udp or tcp) and dport 80", &tcp);
	assert_no_match("(udp or tcp) and dport 80", &udp);
	assert_no_match("udp and (tcp or dport 80)", &tcp);
	/* not binds tighter than and */
	assert_no_match("not tcp and udp", &tcp);
	assert_match("not tcp and udp", &udp);
	assert_match("not (tcp and udp)", &tcp);
	assert_match("not udp", &tcp);
	assert_no_match("not tcp", &tcp);
	assert_match("!udp", &tcp);
	assert_match("! udp", &tcp);
	assert_match("not not tcp", &tcp);
	assert_match("!!tcp", &tcp);
	/* implicit and */
	assert_match("tcp dport 80", &tcp);
	assert_no_match("tcp dport 443", &tcp);
	assert_match("tcp dport 443 or udp", &udp);
	assert_no_match("udp dport 53 or tcp dport 443", &tcp);
	assert_match("tcp (dport 80)", &tcp);
	/* symbolic forms, with and without spaces */
	assert_match("tcp && dport 80 || udp", &udp);
	assert_match("tcp&&dport 80||udp", &tcp);
	assert_no_match("tcp&&dport 81", &tcp);
	assert_match("(((tcp)))", &tcp);
	assert_match("TCP AND DPORT 80 OR UDP", &tcp);
	assert_match("  tcp   and\tdport 80  ", &tcp);
}

static void test_mark_zone_ttl_id(void **state)
{
	struct flow tcp = flow_tcp4(), udp = flow_udp4();

	(void)state;
	assert_match("mark 0x12", &tcp);
	assert_match("mark 18", &tcp);
	assert_no_match("mark 0x13", &tcp);
	assert_match("mark 0x2/0xf", &tcp);
	assert_no_match("mark 0x3/0xf", &tcp);
	assert_match("mark 0x10/0xf0", &tcp);
	assert_match("mark 0x1f/0xf0", &tcp);	/* N is masked too */
	assert_match("mark 0/0", &udp);
	assert_match("mark 0", &udp);
	assert_no_match("mark 0", &tcp);
	assert_match("mark 0xffffffff/0", &tcp);

	assert_match("zone 5", &udp);
	assert_no_match("zone 5", &tcp);
	assert_match("zone 0", &tcp);

	assert_match("ttl < 301", &tcp);
	assert_no_match("ttl < 300", &tcp);
	assert_match("ttl<=300", &tcp);
	assert_no_match("ttl <= 299", &tcp);
	assert_match("ttl>299", &tcp);
	assert_no_match("ttl > 300", &tcp);
	assert_match("ttl >= 300", &tcp);
	assert_no_match("ttl>=301", &tcp);
	assert_match("ttl=300", &tcp);
	assert_match("ttl == 300", &tcp);
	assert_no_match("ttl = 30", &tcp);
	assert_match("ttl<60", &udp);
	assert_match("tcp or ttl<60", &udp);

	assert_match("id 1234", &tcp);
	assert_match("id 0x4D2", &tcp);
	assert_no_match("id 1235", &tcp);
	assert_match("id 4294967295 or tcp", &tcp);
}

static void test_empty_and_text(void **state)
{
	struct flow tcp = flow_tcp4();
	struct filter *flt;

	(void)state;
	flt = compile_ok("");
	assert_true(filter_is_empty(flt));
	assert_string_equal(filter_text(flt), "");
	assert_true(filter_match(flt, &tcp));
	filter_free(flt);

	flt = compile_ok(" \t ");
	assert_true(filter_is_empty(flt));
	assert_string_equal(filter_text(flt), "");
	filter_free(flt);

	flt = compile_ok("tcp  and dport 80");
	assert_false(filter_is_empty(flt));
	assert_string_equal(filter_text(flt), "tcp  and dport 80");
	filter_free(flt);

	flt = compile_ok("tcp dport 80");
	assert_string_equal(filter_text(flt), "tcp dport 80");
	assert_true(filter_match(flt, &tcp));
	filter_free(flt);
}

/* ---- errors ---- */

static void test_errors(void **state)
{
	(void)state;
	check_error("tcp and dport http", 15, "expected a port number");
	check_error("port", 5, "expected a port number");
	check_error("port 70000", 6, "port out of range (0-65535)");
	check_error("port 65536", 6, "port out of range (0-65535)");
	check_error("port 90-80", 9, "port range ends before it starts");
	check_error("port 80-", 9, "expected a port number");
	check_error("port 80-x", 9, "expected a port number");
	check_error("sport 1-70000", 9, "port out of range (0-65535)");
	check_error("(tcp or udp", 12, "expected ')'");
	check_error("((tcp) or udp", 14, "expected ')'");
	check_error("tcp or udp)", 11, "unexpected ')'");
	check_error("()", 2, "expected a filter term");
	check_error("tcp and", 8, "expected a filter term");
	check_error("tcp or", 7, "expected a filter term");
	check_error("tcp &&", 7, "expected a filter term");
	check_error("tcp and or udp", 9, "expected a filter term");
	check_error("not", 4, "expected a filter term");
	check_error("or tcp", 1, "expected a filter term");
	check_error("foo", 1, "unexpected 'foo'");
	check_error("tcp and foo", 9, "unexpected 'foo'");
	check_error("tcp foo", 5, "unexpected 'foo'");
	check_error("tcp & udp", 5, "unexpected '&'");
	check_error("tcp $ udp", 5, "unexpected '$'");
	check_error("tcp < 5", 5, "unexpected '<'");
	check_error("src 10.0.0.0/33", 14, "prefix length out of range (0-32)");
	check_error("src ::1/129", 9, "prefix length out of range (0-128)");
	check_error("src 10.0.0.0/", 14, "expected a prefix length");
	check_error("src 10.0.0.300", 5, "expected an address or CIDR");
	check_error("src example.com", 5, "expected an address or CIDR");
	check_error("host", 5, "expected an address or CIDR");
	check_error("dst (", 5, "expected an address or CIDR");
	check_error("state foo", 7,
		    "expected a state name (established, syn_sent, time_wait, ...)");
	check_error("state", 6,
		    "expected a state name (established, syn_sent, time_wait, ...)");
	check_error("mark abc", 6, "expected a mark number");
	check_error("mark 1/x", 8, "expected a mark mask");
	check_error("mark 0x100000000", 6, "expected a mark number");
	check_error("ttl 60", 5, "expected a comparison (<, <=, >, >=, =)");
	check_error("ttl <", 6, "expected a number of seconds");
	check_error("proto 256", 7, "protocol number out of range (0-255)");
	check_error("proto x", 7, "expected a protocol number");
	check_error("zone 65536", 6, "zone number out of range (0-65535)");
	check_error("id -1", 4, "expected a conntrack id");
	check_error("reply tcp", 7,
		    "expected src, dst, host, sport, dport, port or zone after 'reply'");
	check_error("reply", 6,
		    "expected src, dst, host, sport, dport, port or zone after 'reply'");
	check_error("dport 1x", 7, "expected a port number");
}

/* The words ctop joins from its arguments (cli.c) give these columns. */
static void test_errors_argv(void **state)
{
	struct filter_error err = { 0, "" };

	(void)state;
	assert_null(filter_compile("tcp and dport http", &err));
	assert_int_equal(err.column, 15);
	assert_string_equal(err.msg, "expected a port number");
	assert_null(filter_compile("(tcp or udp", &err));
	assert_int_equal(err.column, 12);
	assert_string_equal(err.msg, "expected ')'");
}

static void test_errors_limits(void **state)
{
	struct filter_error err = { 0, "" };
	size_t n = 1000, i;
	char *s = malloc(n * 2 + 8);
	struct filter *flt;

	(void)state;
	assert_non_null(s);
	/* deep nesting is refused, not a stack overflow */
	for (i = 0; i < n; i++)
		s[i] = '(';
	strcpy(s + n, "tcp");
	assert_null(filter_compile(s, &err));
	assert_string_equal(err.msg, "expression nested too deeply");
	/* an error message quotes a long token shortened */
	memset(s, 'x', n);
	s[n] = '\0';
	assert_null(filter_compile(s, &err));
	assert_int_equal(err.column, 1);
	assert_true(strlen(err.msg) < sizeof(err.msg));
	assert_non_null(strstr(err.msg, "unexpected 'xxxx"));
	/* moderate nesting is fine */
	strcpy(s, "((((((((((tcp))))))))))");
	flt = compile_ok(s);
	filter_free(flt);
	free(s);
}

/* ---- pushdown ---- */

static struct filter_pushdown pushdown_of(const char *expr)
{
	struct filter_pushdown pd;
	struct filter *flt = compile_ok(expr);

	filter_pushdown(flt, &pd);
	filter_free(flt);
	return pd;
}

static void assert_pushdown_none(const char *expr)
{
	struct filter_pushdown pd = pushdown_of(expr);

	if (pd.family || pd.has_mark || pd.status_mask || pd.status ||
	    pd.protonum != -1 || pd.zone != -1)
		fail_msg("'%s' should push nothing down", expr);
}

static void test_pushdown(void **state)
{
	struct filter_pushdown pd;

	(void)state;
	pd = pushdown_of("tcp and mark 0x1f/0xf0 and assured and zone 3 and src 10.0.0.0/8");
	assert_int_equal(pd.protonum, FLOW_P_TCP);
	assert_true(pd.has_mark);
	assert_int_equal(pd.mark, 0x10);
	assert_int_equal(pd.mark_mask, 0xf0);
	assert_int_equal(pd.status, FLOW_S_ASSURED);
	assert_int_equal(pd.status_mask, FLOW_S_ASSURED);
	assert_int_equal(pd.zone, 3);
	assert_int_equal(pd.family, FLOW_IPV4);

	pd = pushdown_of("ipv6 unreplied dport 22");
	assert_int_equal(pd.family, FLOW_IPV6);
	assert_int_equal(pd.status, 0);
	assert_int_equal(pd.status_mask, FLOW_S_SEEN_REPLY);
	assert_int_equal(pd.protonum, -1);
	assert_false(pd.has_mark);

	pd = pushdown_of("seen_reply && assured && proto 17");
	assert_int_equal(pd.status, FLOW_S_SEEN_REPLY | FLOW_S_ASSURED);
	assert_int_equal(pd.status_mask, FLOW_S_SEEN_REPLY | FLOW_S_ASSURED);
	assert_int_equal(pd.protonum, FLOW_P_UDP);

	pd = pushdown_of("reply host 2001:db8::1");
	assert_int_equal(pd.family, FLOW_IPV6);

	pd = pushdown_of("mark 7");
	assert_true(pd.has_mark);
	assert_int_equal(pd.mark, 7);
	assert_int_equal(pd.mark_mask, 0xffffffff);

	/* a parenthesised conjunction is still a top-level conjunct */
	pd = pushdown_of("(tcp and zone 1) and (assured)");
	assert_int_equal(pd.protonum, FLOW_P_TCP);
	assert_int_equal(pd.zone, 1);
	assert_int_equal(pd.status_mask, FLOW_S_ASSURED);

	/* only the top-level conjuncts, never under or/not */
	pd = pushdown_of("(tcp or udp) and zone 2");
	assert_int_equal(pd.protonum, -1);
	assert_int_equal(pd.zone, 2);
	pd = pushdown_of("tcp and (mark 1 or mark 2)");
	assert_int_equal(pd.protonum, FLOW_P_TCP);
	assert_false(pd.has_mark);
	assert_pushdown_none("");
	assert_pushdown_none("tcp or udp");
	assert_pushdown_none("not tcp");
	assert_pushdown_none("not assured");
	assert_pushdown_none("!unreplied");
	assert_pushdown_none("(tcp and mark 1) or zone 2");
	assert_pushdown_none("not (ipv4 and zone 1)");
	assert_pushdown_none("state established port 80 snat ttl<5 id 3");

	/* a conflict keeps the first conjunct; filter_match decides */
	pd = pushdown_of("tcp and udp");
	assert_int_equal(pd.protonum, FLOW_P_TCP);
	pd = pushdown_of("ipv4 and src ::1 and zone 1 and zone 2");
	assert_int_equal(pd.family, FLOW_IPV4);
	assert_int_equal(pd.zone, 1);
	pd = pushdown_of("assured and not assured and unreplied and seen_reply");
	assert_int_equal(pd.status, FLOW_S_ASSURED);
	assert_int_equal(pd.status_mask, FLOW_S_ASSURED | FLOW_S_SEEN_REPLY);
}

/* Whatever is pushed down must hold for every flow the filter matches,
 * or the kernel would drop flows the user asked for. */
static bool pushdown_admits(const struct filter_pushdown *pd,
			    const struct flow *f)
{
	if (pd->family && pd->family != f->family)
		return false;
	if (pd->protonum >= 0 && pd->protonum != f->protonum)
		return false;
	/* The kernel's zone filter: the flow's zone id in either direction
	 * (0 is never sent: it means no filter). */
	if (pd->zone > 0 && pd->zone != f->orig.zone &&
	    pd->zone != f->reply.zone)
		return false;
	if (pd->has_mark && (f->mark & pd->mark_mask) != pd->mark)
		return false;
	return (f->status & pd->status_mask) == pd->status;
}

static void test_pushdown_sound(void **state)
{
	static const char *const exprs[] = {
		"tcp and assured", "udp unreplied zone 5", "ipv6 tcp",
		"src 10.0.0.0/8 and mark 0x2/0xf", "tcp or udp", "not tcp",
		"(tcp and mark 0x12) or udp", "ipv4 and (zone 5 or assured)",
		"host 2001:db8::1 and not seen_reply", "icmp and seen_reply",
	};
	struct flow flows[] = { flow_tcp4(), flow_udp4(), flow_tcp6(),
				flow_icmp4() };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		struct filter *flt = compile_ok(exprs[i]);
		struct filter_pushdown pd;
		int matched = 0;

		filter_pushdown(flt, &pd);
		for (j = 0; j < sizeof(flows) / sizeof(flows[0]); j++) {
			if (!filter_match(flt, &flows[j]))
				continue;
			matched++;
			if (!pushdown_admits(&pd, &flows[j]))
				fail_msg("'%s': pushdown drops flow %zu",
					 exprs[i], j);
		}
		/* every expression here matches something, so the check
		 * above is not vacuous */
		if (!matched)
			fail_msg("'%s' matches none of the flows", exprs[i]);
		filter_free(flt);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_addresses_v4),
		cmocka_unit_test(test_addresses_v6),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_nat),
		cmocka_unit_test(test_reply_prefix),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_mark_zone_ttl_id),
		cmocka_unit_test(test_empty_and_text),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_errors_argv),
		cmocka_unit_test(test_errors_limits),
		cmocka_unit_test(test_pushdown),
		cmocka_unit_test(test_pushdown_sound),
	};

	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
