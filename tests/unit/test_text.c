/* Table text into struct flow: every dialect, the reader's counts, and
 * the same table as text and as netlink giving the same flows.
 *
 * Fixtures (tests/data): dump-all.txt is `conntrack -L -o extended,id` of
 * the table recorded in dump-all.nl (tests/data/make-fixtures);
 * proc-nf_conntrack.txt is a namespace's real /proc/net/nf_conntrack;
 * proc-ip_conntrack.txt is written by hand in the old
 * /proc/net/ip_conntrack format (Linux 2.6's nf_conntrack_l3proto_ipv4_
 * compat.c: no layer 3 columns, secmark=), since no kernel here has it;
 * proc-edge.txt is hand-written from nf_conntrack_standalone.c's
 * ct_seq_show() for what a test namespace cannot make: offloaded entries
 * (no timeout), directional zones, secctx. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "source_read.h"
#include "testflow.h"
#include "labelmap.h"
#include "text_table.h"

#define MAX_FLOWS 64
#define NOW_NS (1796160000ull * 1000000000ull)

struct flows {
	struct flow f[MAX_FLOWS];
	int n;
};

static const char *data_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("CTOP_TEST_DATA");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	return path;
}

static int collect(const struct flow *f, void *data)
{
	struct flows *fl = data;

	assert_true(fl->n < MAX_FLOWS);
	fl->f[fl->n++] = *f;
	return 0;
}

static enum text_kind line(const char *s, struct text_line *tl)
{
	return text_table_line(s, strlen(s), NOW_NS, tl);
}

static void assert_addr(const union flow_addr *a, uint8_t family,
			const char *text)
{
	union flow_addr want;

	test_addr_set(&want, family, text);
	assert_memory_equal(a, &want, sizeof(want));
}

/* ---- one line of each dialect ---- */

static void test_conntrack_default(void **state)
{
	struct text_line tl;
	struct flow *f = &tl.f;

	(void)state;
	assert_int_equal(line("tcp      6 599 ESTABLISHED src=10.1.0.1 dst=10.2.0.1 sport=1000 dport=80 packets=3 bytes=180 src=10.2.0.1 dst=10.1.0.1 sport=80 dport=1000 packets=2 bytes=120 [ASSURED] mark=7 zone=3 delta-time=60 use=1", &tl), TEXT_FLOW);
	assert_int_equal(f->family, FLOW_IPV4);
	assert_false(tl.has_l3);
	assert_int_equal(f->protonum, FLOW_P_TCP);
	assert_int_equal(f->timeout, 599);
	assert_string_equal(flow_state_name(f), "ESTABLISHED");
	assert_addr(&f->orig.src, FLOW_IPV4, "10.1.0.1");
	assert_addr(&f->orig.dst, FLOW_IPV4, "10.2.0.1");
	assert_addr(&f->reply.src, FLOW_IPV4, "10.2.0.1");
	assert_int_equal(f->orig.sport, 1000);
	assert_int_equal(f->orig.dport, 80);
	assert_int_equal(f->reply.sport, 80);
	assert_int_equal(f->orig_packets, 3);
	assert_int_equal(f->orig_bytes, 180);
	assert_int_equal(f->reply_packets, 2);
	assert_int_equal(f->reply_bytes, 120);
	assert_int_equal(f->status, FLOW_S_ASSURED | FLOW_S_SEEN_REPLY | FLOW_S_CONFIRMED);
	assert_int_equal(f->mark, 7);
	assert_int_equal(f->orig.zone, 3);
	assert_int_equal(f->reply.zone, 3);
	assert_int_equal(f->start_ns, NOW_NS - 60ull * 1000000000u);
	assert_true(tl.has_use);
	assert_int_equal(tl.use, 1);
	assert_int_equal(f->has, FLOW_HAS_STATE | FLOW_HAS_COUNTERS | FLOW_HAS_START |
			 FLOW_HAS_MARK | FLOW_HAS_ZONE | FLOW_HAS_TIMEOUT);
	assert_int_equal(tl.event, TEXT_EV_NONE);
}

static void test_extended_id_ipv6(void **state)
{
	struct text_line tl;
	struct flow *f = &tl.f;

	(void)state;
	assert_int_equal(line("ipv6     10 icmpv6   58 29 src=fd00::1 dst=fd00::2 type=128 code=0 id=80 packets=1 bytes=104 [UNREPLIED] src=fd00::2 dst=fd00::1 type=129 code=0 id=80 packets=0 bytes=0 mark=0 use=1 id=3431064591", &tl), TEXT_FLOW);
	assert_true(tl.has_l3);
	assert_int_equal(f->family, FLOW_IPV6);
	assert_int_equal(f->protonum, FLOW_P_ICMPV6);
	assert_addr(&f->orig.dst, FLOW_IPV6, "fd00::2");
	assert_int_equal(f->orig.icmp_type, 128);
	assert_int_equal(f->reply.icmp_type, 129);
	assert_int_equal(f->orig.sport, 80);	/* the echo id */
	assert_int_equal(f->id, 3431064591u);	/* the conntrack id */
	assert_int_equal(f->status, FLOW_S_CONFIRMED);	/* UNREPLIED */
	assert_false(f->has & FLOW_HAS_STATE);
}

static void test_proc_dialect(void **state)
{
	struct text_line tl;
	struct flow *f = &tl.f;

	(void)state;
	/* The kernel prints IPv6 in full and DCCP as "unknown 33" without
	 * ports: the number rules. GRE has its timeouts before the tuple. */
	assert_int_equal(line("ipv6     10 tcp      6 431 TIME_WAIT src=fd00:0000:0000:0000:0000:0000:0000:0001 dst=fd00:0000:0000:0000:0000:0000:0000:0010 sport=2000 dport=22 packets=0 bytes=0 src=fd00:0000:0000:0000:0000:0000:0000:0010 dst=fd00:0000:0000:0000:0000:0000:0000:0001 sport=22 dport=2000 packets=0 bytes=0 [ASSURED] mark=65541 zone=0 delta-time=3 use=2", &tl), TEXT_FLOW);
	assert_addr(&f->orig.dst, FLOW_IPV6, "fd00::10");
	assert_string_equal(flow_state_name(f), "TIME_WAIT");
	assert_int_equal(f->mark, 0x10005);
	assert_int_equal(line("ipv4     2 unknown  33 466 src=10.1.3.3 dst=10.2.3.2 packets=0 bytes=0 [UNREPLIED] src=10.2.3.2 dst=10.1.3.3 packets=0 bytes=0 mark=0 zone=0 delta-time=133 use=2", &tl), TEXT_FLOW);
	assert_int_equal(f->protonum, FLOW_P_DCCP);
	assert_int_equal(line("ipv4     2 gre      47 466 timeout=0, stream_timeout=0 src=10.1.3.5 dst=10.2.3.3 srckey=0x100 dstkey=0x200 packets=0 bytes=0 src=10.2.3.3 dst=10.1.3.5 srckey=0x200 dstkey=0x100 packets=0 bytes=0 mark=0 zone=0 delta-time=133 use=2", &tl), TEXT_FLOW);
	assert_int_equal(f->orig.sport, 0x100);
	assert_int_equal(f->orig.dport, 0x200);
	assert_int_equal(f->reply.sport, 0x200);
	assert_int_equal(f->timeout, 466);
}

static void test_edge_fixture(void **state)
{
	struct ctop_err err = { 0 };
	struct read_summary sum;
	struct flows fl = { .n = 0 };

	(void)state;
	assert_int_equal(source_read(data_path("proc-edge.txt"), collect, &fl, &sum, &err), 0);
	assert_int_equal(fl.n, 4);
	assert_int_equal(sum.skipped, 0);
	assert_string_equal(sum.format, "conntrack table text");
	/* Offloaded: no timeout printed, the state follows. */
	assert_false(fl.f[0].has & FLOW_HAS_TIMEOUT);
	assert_string_equal(flow_state_name(&fl.f[0]), "ESTABLISHED");
	assert_true(fl.f[0].status & FLOW_S_OFFLOAD);
	assert_int_equal(fl.f[0].orig_packets, 5);
	assert_int_equal(fl.f[1].status & (FLOW_S_OFFLOAD | FLOW_S_HW_OFFLOAD),
			 FLOW_S_OFFLOAD | FLOW_S_HW_OFFLOAD);
	assert_false(fl.f[1].has & FLOW_HAS_STATE);
	/* Directional zones. */
	assert_int_equal(fl.f[2].orig.zone, 5);
	assert_int_equal(fl.f[2].reply.zone, 0);
	assert_true(fl.f[2].has & FLOW_HAS_ZONE);
	assert_int_equal(fl.f[2].mark, 1);
	assert_int_equal(fl.f[3].orig.zone, 0);
	assert_int_equal(fl.f[3].reply.zone, 6);
}

static void test_ip_conntrack_fixture(void **state)
{
	struct ctop_err err = { 0 };
	struct flows fl = { .n = 0 };

	(void)state;
	assert_int_equal(source_read(data_path("proc-ip_conntrack.txt"), collect, &fl, NULL, &err), 0);
	assert_int_equal(fl.n, 7);
	assert_int_equal(fl.f[0].family, FLOW_IPV4);
	assert_int_equal(fl.f[0].timeout, 431999);
	assert_int_equal(fl.f[0].reply_bytes, 9001);
	assert_int_equal(flow_nat(&fl.f[0]), FLOW_NAT_SNAT);
	assert_true(flow_unreplied(&fl.f[1]));
	assert_string_equal(flow_state_name(&fl.f[1]), "SYN_SENT");
	assert_int_equal(fl.f[4].orig.sport, 512);
	assert_int_equal(fl.f[5].protonum, FLOW_P_GRE);
	assert_int_equal(fl.f[5].orig.dport, 0x4000);
	assert_int_equal(fl.f[5].mark, 3);
	assert_int_equal(fl.f[6].protonum, 41);
}

static void test_proc_fixture(void **state)
{
	struct ctop_err err = { 0 };
	struct flows fl = { .n = 0 };

	(void)state;
	assert_int_equal(source_read(data_path("proc-nf_conntrack.txt"), collect, &fl, NULL, &err), 0);
	assert_int_equal(fl.n, 8);
	for (int i = 0; i < fl.n; i++) {
		assert_true(fl.f[i].has & FLOW_HAS_ZONE);
		assert_true(fl.f[i].has & FLOW_HAS_START);
	}
}

static void test_ktimestamp(void **state)
{
	struct text_line tl;
	char buf[512];
	time_t t = 1796160878;
	struct tm tm;
	char when[64];

	(void)state;
	/* ctime() form in local time, whatever TZ is. */
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", &tm);
	snprintf(buf, sizeof(buf), "tcp      6 599 ESTABLISHED src=10.1.0.1 dst=10.2.0.1 sport=1000 dport=80 src=10.2.0.1 dst=10.1.0.1 sport=80 dport=1000 [ASSURED] mark=7 delta-time=1 [start=%s] use=1", when);
	assert_int_equal(line(buf, &tl), TEXT_FLOW);
	assert_int_equal(tl.f.start_ns, (uint64_t)t * 1000000000u);
	assert_true(tl.f.has & FLOW_HAS_START);
	/* A [stop=] is passed over. */
	snprintf(buf, sizeof(buf), "udp 17 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [start=%s] [stop=%s] use=1", when, when);
	assert_int_equal(line(buf, &tl), TEXT_FLOW);
	assert_int_equal(tl.f.start_ns, (uint64_t)t * 1000000000u);
	assert_int_equal(line("udp 17 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [start=Xyz Abc 99 99:99:99 2026] use=1", &tl), TEXT_BAD);
}

static void test_events(void **state)
{
	struct text_line tl;

	(void)state;
	assert_int_equal(line("[1796161009.565823]\t    [NEW] tcp      6 600 ESTABLISHED src=10.7.0.1 dst=10.2.0.1 sport=1000 dport=80 src=10.2.0.1 dst=10.7.0.1 sport=80 dport=1000 [ASSURED] mark=0 [USERSPACE] portid=22706 progname=conntrack", &tl), TEXT_FLOW);
	assert_int_equal(tl.event, TEXT_EV_NEW);
	assert_int_equal(tl.event_ns, 1796161009565823000ull);
	assert_int_equal(tl.f.timeout, 600);
	assert_int_equal(line(" [UPDATE] ipv4     2 tcp      6 599 ESTABLISHED src=10.7.0.1 dst=10.2.0.1 sport=1000 dport=80 src=10.2.0.1 dst=10.7.0.1 sport=80 dport=1000 [ASSURED] mark=9 id=659431613 [USERSPACE] portid=2874036242", &tl), TEXT_FLOW);
	assert_int_equal(tl.event, TEXT_EV_UPDATE);
	assert_int_equal(tl.event_ns, 0);
	assert_int_equal(tl.f.mark, 9);
	assert_int_equal(tl.f.id, 659431613);
	assert_int_equal(line("[DESTROY] tcp      6 599 ESTABLISHED src=10.7.0.1 dst=10.2.0.1 sport=1000 dport=80 packets=0 bytes=0 src=10.2.0.1 dst=10.7.0.1 sport=80 dport=1000 packets=0 bytes=0 [ASSURED] mark=9 delta-time=0", &tl), TEXT_FLOW);
	assert_int_equal(tl.event, TEXT_EV_DESTROY);
	assert_true(tl.f.status & FLOW_S_DYING);
	assert_int_equal(line("[1796161009.565823]\t[BOGUS] tcp 6 src=1.1.1.1 dst=1.1.1.2 src=1.1.1.2 dst=1.1.1.1", &tl), TEXT_BAD);
}

static void test_quiet_and_bad(void **state)
{
	static const char *const bad[] = {
		"hello world",
		"tcp",
		"tcp 6",
		"tcp 6 100 ESTABLISHED src=10.0.0.1",
		"tcp 6 100 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2",	/* no reply */
		"tcp 6 100 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1 src=1.2.3.4",
		"tcp 6 100 src=10.0.0.1 dst=fd00::1 src=10.0.0.2 dst=10.0.0.1",
		"tcp 6 100 src=10.0.0.256 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1",
		"tcp 6 100 src=10.0.0 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1",
		"tcp 6 100 src=10.0.0.1 dst=10.0.0.2 sport=65536 src=10.0.0.2 dst=10.0.0.1",
		"tcp 6 100 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1 mark=4294967296",
		"tcp 6 100 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1 packets=x",
		"tcp 256 100 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1",
		"ipv5 3 tcp 6 100 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1",
		"ipv6 10 tcp 6 100 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1",
		"tcp 6 99999999999 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1",
		"gre 47 src=10.0.0.1 dst=10.0.0.2 srckey=0x10000 src=10.0.0.2 dst=10.0.0.1",
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>",
	};
	struct text_line tl;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (line(bad[i], &tl) != TEXT_BAD)
			fail_msg("read as a flow: %s", bad[i]);
	}
	assert_int_equal(line("", &tl), TEXT_QUIET);
	assert_int_equal(line("   \t\r", &tl), TEXT_QUIET);
	assert_int_equal(line("conntrack v1.4.7 (conntrack-tools): 7 flow entries have been shown.", &tl), TEXT_QUIET);
	assert_int_equal(line("conntrack v1.4.7 (conntrack-tools): 3 flow events have been shown.", &tl), TEXT_QUIET);
	/* Unknown words are passed over, so a newer field does not lose
	 * the line; an unknown state name leaves the state unset. */
	assert_int_equal(line("tcp 6 100 WEIRD src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [FUTURE] newfield=3 secctx=x", &tl), TEXT_FLOW);
	assert_false(tl.f.has & FLOW_HAS_STATE);
}

/* The one-pass scanner: keys told by their first bytes up to the '=',
 * values read as they are scanned and ending at a blank, numbers to their
 * limits, addresses in every written form, each value cut short. */
static void test_scanner_edges(void **state)
{
#define T4 "src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1"
	static const char *const bad[] = {
		"tcp 6 100 src=10.0.0.1x dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1",
		"tcp 6 100 src=010.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1",
		"tcp 6 100 src= dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1",
		"tcp 6 100 " T4 " sport=80x",
		"tcp 6 100 " T4 " mark=",
		"tcp 6 100 " T4 " mark=-1",
		"tcp 6 100 " T4 " packets=18446744073709551616",
		"tcp 6 100 " T4 " packets=000000000000000000001",
		"tcp 6 100 " T4 " zone=65536",
		"icmp 1 29 src=10.0.0.1 dst=10.0.0.2 type=256 code=0 id=1 src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=1",
		"icmp 1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=65536 src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=1",
		"tcp 6 100 " T4 " id=4294967296",
		"tcp 6 100 src=fd00::1::2 dst=fd00::2 src=fd00::2 dst=fd00::1",
		"tcp 6 100 src=fd00:: dst=fd00: src=fd00::2 dst=fd00::1",
		"tcp 6 100 src=1:2:3:4:5:6:7:8:9 dst=fd00::2 src=fd00::2 dst=fd00::1",
		"tcp 6 100 " T4 " dst=10.0.0.3",
		"tcp 6 100 " T4 " helper=",
	};
	struct text_line tl;
	struct flow *f = &tl.f;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (line(bad[i], &tl) != TEXT_BAD)
			fail_msg("read as a flow: %s", bad[i]);
	}
	/* Words that only begin like a key are other words, skipped. */
	assert_int_equal(line("tcp 6 100 " T4 " srcx=1 sports=2 packets mark2=3 zone-other=4 usage=5 id", &tl), TEXT_FLOW);
	assert_int_equal(f->orig.sport, 0);
	assert_false(f->has & (FLOW_HAS_MARK | FLOW_HAS_ZONE | FLOW_HAS_COUNTERS));
	assert_false(tl.has_use);
	/* Numbers to their limits, tabs and runs of blanks between words. */
	assert_int_equal(line("tcp\t6 4294967295\tESTABLISHED  src=10.0.0.1\tdst=10.0.0.2 sport=65535 dport=0 packets=18446744073709551615 bytes=00007 src=10.0.0.2 dst=10.0.0.1 sport=0 dport=65535 mark=4294967295 zone=65535 use=4294967295 id=4294967295", &tl), TEXT_FLOW);
	assert_int_equal(f->timeout, 4294967295u);
	assert_int_equal(f->orig.sport, 65535);
	assert_int_equal(f->orig_packets, UINT64_MAX);
	assert_int_equal(f->orig_bytes, 7);
	assert_int_equal(f->reply.dport, 65535);
	assert_int_equal(f->mark, 4294967295u);
	assert_int_equal(f->orig.zone, 65535);
	assert_int_equal(tl.use, 4294967295u);
	assert_int_equal(f->id, 4294967295u);
	/* IPv6 as conntrack -L folds it, as /proc writes it in full, and
	 * with a dotted quad; the same bytes each way. */
	assert_int_equal(line("ipv6 10 udp 17 30 src=fd00::181 dst=::ffff:10.0.0.1 sport=1 dport=2 src=FD00:0:0:0:0:0:0:1 dst=fd00:0000:0000:0000:0000:0000:0000:0181 sport=2 dport=1", &tl), TEXT_FLOW);
	assert_addr(&f->orig.src, FLOW_IPV6, "fd00::181");
	assert_addr(&f->orig.dst, FLOW_IPV6, "::ffff:10.0.0.1");
	assert_addr(&f->reply.src, FLOW_IPV6, "fd00::1");
	assert_addr(&f->reply.dst, FLOW_IPV6, "fd00::181");
	/* A line that ends inside a value, at its '=' or mid-key. */
	assert_int_equal(line("tcp 6 100 " T4 " mark=5", &tl), TEXT_FLOW);
	assert_int_equal(f->mark, 5);
	assert_int_equal(line("tcp 6 100 " T4 " mar", &tl), TEXT_FLOW);
	assert_false(f->has & FLOW_HAS_MARK);
	assert_int_equal(text_table_line("tcp 6 100 " T4 " mark=5", strlen("tcp 6 100 " T4 " mark="), NOW_NS, &tl), TEXT_BAD);
	/* A bracket before the first tuple other than [UNREPLIED] is an
	 * event's word, passed over; one left open runs to the end. */
	assert_int_equal(line("tcp 6 100 [USERSPACE] " T4 " [ASSURED", &tl), TEXT_FLOW);
	assert_false(f->status & FLOW_S_ASSURED);
#undef T4
}

static void test_summary(void **state)
{
	unsigned long n = 0;

	(void)state;
	assert_true(text_table_summary("conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.", 68, &n));
	assert_int_equal(n, 0);
	assert_false(text_table_summary("conntrack v1.4.7 (conntrack-tools): 3 flow events have been shown.", 67, &n));
	assert_false(text_table_summary("conntrack", 9, &n));
}

static void test_dccp_names(void **state)
{
	struct text_line tl;

	(void)state;
	/* conntrack -L names DCCP states from libnetfilter_conntrack's
	 * SCTP table (OPEN, 4, prints as ESTABLISHED); /proc has the DCCP
	 * names. Both give the kernel's number. */
	assert_int_equal(line("dccp 33 100 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1", &tl), TEXT_FLOW);
	assert_int_equal(tl.f.state, 4);
	assert_int_equal(line("ipv4 2 unknown 33 100 OPEN src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1", &tl), TEXT_FLOW);
	assert_int_equal(tl.f.state, 4);
	assert_string_equal(flow_state_name(&tl.f), "OPEN");
}

static void test_labels_and_helper(void **state)
{
	struct text_line tl;
	const uint8_t *bits;
	size_t n = 0;

	(void)state;
	labelmap_set("# comment\n0 eth0-in\n5 vip\n");
	assert_int_equal(line("tcp 6 100 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=21 src=10.0.0.2 dst=10.0.0.1 sport=21 dport=1 [ASSURED] mark=0 helper=ftp use=1 labels=eth0-in,vip,17", &tl), TEXT_FLOW);
	assert_string_equal(intern_helper_name(tl.f.helper), "ftp");
	assert_true(tl.f.has & FLOW_HAS_LABELS);
	bits = intern_labels_bits(tl.f.labels, &n);
	assert_non_null(bits);
	assert_true(n >= 3);
	assert_int_equal(bits[0], 0x21);
	assert_int_equal(bits[2], 0x02);
	assert_int_equal(line("tcp 6 100 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1 labels=nosuch", &tl), TEXT_BAD);
	labelmap_set("");
}

/* ---- the same table as text and as netlink ---- */

static const struct flow *find_same(const struct flows *fl, const struct flow *f)
{
	for (int i = 0; i < fl->n; i++)
		if (flow_key_equal(&fl->f[i], f) &&
		    !memcmp(&fl->f[i].reply, &f->reply, sizeof(f->reply)))
			return &fl->f[i];
	return NULL;
}

static void test_same_as_netlink(void **state)
{
	const uint32_t text_bits = FLOW_S_ASSURED | FLOW_S_SEEN_REPLY |
				   FLOW_S_CONFIRMED | FLOW_S_OFFLOAD |
				   FLOW_S_HW_OFFLOAD;
	static struct flows nl, txt;
	struct ctop_err err = { 0 };

	(void)state;
	nl.n = txt.n = 0;
	assert_int_equal(source_read(data_path("dump-all.nl"), collect, &nl, NULL, &err), 0);
	assert_int_equal(source_read(data_path("dump-all.txt"), collect, &txt, NULL, &err), 0);
	assert_true(nl.n > 20);
	assert_int_equal(nl.n, txt.n);
	for (int i = 0; i < txt.n; i++) {
		const struct flow *t = &txt.f[i], *k = find_same(&nl, t);

		assert_non_null(k);
		assert_int_equal(t->id, k->id);
		assert_int_equal(t->family, k->family);
		assert_int_equal(t->status, k->status & text_bits);
		assert_int_equal(t->mark, k->mark);
		assert_int_equal(t->orig.zone, k->orig.zone);
		assert_int_equal(t->reply.zone, k->reply.zone);
		assert_int_equal(t->helper, k->helper);
		assert_int_equal(t->orig_packets, k->orig_packets);
		assert_int_equal(t->orig_bytes, k->orig_bytes);
		assert_int_equal(t->reply_packets, k->reply_packets);
		assert_int_equal(t->reply_bytes, k->reply_bytes);
		/* conntrack -L and the dump came a moment apart. */
		assert_true(t->timeout <= k->timeout + 1 && k->timeout <= t->timeout + 1);
		assert_int_equal(t->has & FLOW_HAS_STATE, k->has & FLOW_HAS_STATE);
		if (k->has & FLOW_HAS_STATE && k->protonum != FLOW_P_DCCP)
			assert_int_equal(t->state, k->state);
	}
}

/* ---- the reader ---- */

static char *write_temp(const char *text, size_t len)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/ctop-test-text-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_reader_counts(void **state)
{
	const char text[] =
		"garbage first\n"
		"tcp 6 100 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [ASSURED] use=1\n"
		"\n"
		"more garbage\n"
		"udp 17 30 src=10.0.0.3 dst=10.0.0.4 sport=5 dport=6 [UNREPLIED] src=10.0.0.4 dst=10.0.0.3 sport=6 dport=5 use=1";	/* no newline */
	struct ctop_err err = { 0 };
	struct read_summary sum;
	struct flows fl = { .n = 0 };
	char *path = write_temp(text, sizeof(text) - 1);
	char msg[256];
	FILE *fp;

	(void)state;
	assert_int_equal(source_read(path, collect, &fl, &sum, &err), 0);
	assert_int_equal(fl.n, 2);
	assert_int_equal(sum.flows, 2);
	assert_int_equal(sum.lines, 5);
	assert_int_equal(sum.skipped, 2);
	assert_int_equal(sum.first_skipped, 1);
	fp = fmemopen(msg, sizeof(msg), "w");
	source_read_report(fp, path, &sum);
	fclose(fp);
	assert_non_null(strstr(msg, "skipped 2 of 5 lines"));
	assert_non_null(strstr(msg, "line 1)"));
	assert_true(source_read_rereadable(path));
	assert_false(source_read_rereadable("-"));
	unlink(path);
}

static void test_reader_refusals(void **state)
{
	static const char events[] = " [UPDATE] tcp      6 599 ESTABLISHED src=10.7.0.1 dst=10.2.0.1 sport=1000 dport=80 src=10.2.0.1 dst=10.7.0.1 sport=80 dport=1000 [ASSURED] mark=9\n";
	static const char xml[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n</conntrack>\n";
	static const char junk[] = "no\ntable\nhere\n";
	static const char empty_table[] = "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n";
	struct ctop_err err;
	struct flows fl = { .n = 0 };
	char *path;

	(void)state;
	memset(&err, 0, sizeof(err));
	path = write_temp(junk, sizeof(junk) - 1);
	assert_int_equal(source_read(path, collect, &fl, NULL, &err), -1);
	assert_int_equal(err.status, CTOP_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "no conntrack table"));
	assert_non_null(strstr(err.msg, "3 lines"));
	unlink(path);

	path = write_temp("", 0);
	assert_int_equal(source_read(path, collect, &fl, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "empty"));
	unlink(path);

	path = write_temp(xml, sizeof(xml) - 1);
	assert_int_equal(source_read(path, collect, &fl, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "XML"));
	unlink(path);

	path = write_temp(events, sizeof(events) - 1);
	assert_int_equal(source_read(path, collect, &fl, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "ctop -E -"));
	unlink(path);

	path = write_temp(empty_table, sizeof(empty_table) - 1);
	assert_int_equal(source_read(path, collect, &fl, NULL, &err), 0);
	assert_int_equal(fl.n, 0);
	unlink(path);
}

static void test_long_line(void **state)
{
	const char good[] = "udp 17 30 src=10.0.0.3 dst=10.0.0.4 sport=5 dport=6 src=10.0.0.4 dst=10.0.0.3 sport=6 dport=5\n";
	size_t big = 3u << 20, n = 0;
	char *text = malloc(big + 2 * sizeof(good));
	struct ctop_err err = { 0 };
	struct read_summary sum;
	struct flows fl = { .n = 0 };
	char *path;

	(void)state;
	assert_non_null(text);
	memcpy(text, good, sizeof(good) - 1);
	n = sizeof(good) - 1;
	/* 3 MiB without a newline, more than the reader's buffer. */
	memset(text + n, 'x', big);
	n += big;
	text[n++] = '\n';
	memcpy(text + n, good, sizeof(good) - 1);
	n += sizeof(good) - 1;
	path = write_temp(text, n);
	free(text);
	assert_int_equal(source_read(path, collect, &fl, &sum, &err), 0);
	assert_int_equal(fl.n, 2);
	assert_int_equal(sum.skipped, 1);
	assert_int_equal(sum.first_skipped, 2);
	assert_int_equal(sum.lines, 3);
	unlink(path);
}

static int on_event(const struct text_line *tl, void *data)
{
	int *kinds = data;

	kinds[tl->event]++;
	return 0;
}

static void test_read_events(void **state)
{
	static const char text[] =
		"[1796161009.565823]\t    [NEW] tcp      6 600 ESTABLISHED src=10.7.0.1 dst=10.2.0.1 sport=1000 dport=80 src=10.2.0.1 dst=10.7.0.1 sport=80 dport=1000 [ASSURED] mark=0\n"
		"[1796161009.607497]\t [UPDATE] tcp      6 599 ESTABLISHED src=10.7.0.1 dst=10.2.0.1 sport=1000 dport=80 src=10.2.0.1 dst=10.7.0.1 sport=80 dport=1000 [ASSURED] mark=9\n"
		"[1796161009.658779]\t[DESTROY] tcp      6 599 ESTABLISHED src=10.7.0.1 dst=10.2.0.1 sport=1000 dport=80 packets=0 bytes=0 src=10.2.0.1 dst=10.7.0.1 sport=80 dport=1000 packets=0 bytes=0 [ASSURED] mark=9 delta-time=0\n"
		"conntrack v1.4.7 (conntrack-tools): 3 flow events have been shown.\n";
	struct ctop_err err = { 0 };
	struct read_summary sum;
	int kinds[4] = { 0 };
	char *path = write_temp(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(source_read_events(path, on_event, kinds, &sum, &err), 0);
	assert_int_equal(kinds[TEXT_EV_NEW], 1);
	assert_int_equal(kinds[TEXT_EV_UPDATE], 1);
	assert_int_equal(kinds[TEXT_EV_DESTROY], 1);
	assert_int_equal(sum.skipped, 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conntrack_default),
		cmocka_unit_test(test_extended_id_ipv6),
		cmocka_unit_test(test_proc_dialect),
		cmocka_unit_test(test_edge_fixture),
		cmocka_unit_test(test_ip_conntrack_fixture),
		cmocka_unit_test(test_proc_fixture),
		cmocka_unit_test(test_ktimestamp),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_quiet_and_bad),
		cmocka_unit_test(test_scanner_edges),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_dccp_names),
		cmocka_unit_test(test_labels_and_helper),
		cmocka_unit_test(test_same_as_netlink),
		cmocka_unit_test(test_reader_counts),
		cmocka_unit_test(test_reader_refusals),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_read_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
