/* Table pressure, timeouts, the policy/expectation parsers and the report
 * writers, without a kernel. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_cttimeout.h>

#include "pressure.h"
#include "atomic_file.h"
#include "report.h"
#include "source_policy.h"
#include "timeouts.h"

static struct table_stats stats(uint32_t count, uint32_t max)
{
	struct table_stats st;

	memset(&st, 0, sizeof(st));
	st.count = count;
	st.max = max;
	st.have_cpu = true;
	st.cpus = 2;
	return st;
}

static void test_fill_and_thresholds(void **state)
{
	struct table_stats st = stats(899, 1000);

	(void)state;
	assert_true(fabs(pressure_fill(&st) - 89.9) < 1e-9);
	assert_int_equal(pressure_warnings(&st, NULL), 0);
	st.count = 900;
	assert_int_equal(pressure_warnings(&st, NULL), PW_FILL_WARN);
	st.count = 949;
	assert_int_equal(pressure_warnings(&st, NULL), PW_FILL_WARN);
	st.count = 950;
	assert_int_equal(pressure_warnings(&st, NULL),
			 PW_FILL_WARN | PW_FILL_CRIT);
	/* An unknown maximum is no warning, not a division by zero. */
	st.max = 0;
	assert_true(pressure_fill(&st) == 0.0);
	assert_int_equal(pressure_warnings(&st, NULL), 0);
}

static void test_drop_moved(void **state)
{
	struct table_stats prev = stats(10, 1000), cur = prev;
	char text[128];

	(void)state;
	prev.drop = 5;
	prev.early_drop = 7;
	cur.drop = 5;
	cur.early_drop = 7;
	assert_int_equal(pressure_warnings(&cur, &prev), 0);
	cur.drop = 8;
	assert_int_equal(pressure_warnings(&cur, &prev), PW_DROP);
	cur.early_drop = 9;
	assert_int_equal(pressure_warnings(&cur, &prev),
			 PW_DROP | PW_EARLY_DROP);
	pressure_warning_text(text, sizeof(text),
			      pressure_warnings(&cur, &prev), &cur, &prev);
	assert_string_equal(text, "drop +3; early_drop +2");
	/* A counter that went down was reset, not moved. */
	cur.drop = 1;
	cur.early_drop = 7;
	assert_int_equal(pressure_warnings(&cur, &prev), 0);
	/* Without the per-CPU figures nothing can have moved. */
	cur.drop = 100;
	cur.have_cpu = false;
	assert_int_equal(pressure_warnings(&cur, &prev), 0);
}

static void test_warning_text(void **state)
{
	struct table_stats st = stats(961, 1000), prev = st;
	char text[128];
	unsigned int w;

	(void)state;
	prev.drop = 1;
	st.drop = 2;
	w = pressure_warnings(&st, &prev);
	pressure_warning_text(text, sizeof(text), w, &st, &prev);
	assert_string_equal(text, "table 96.1% full (critical); drop +1");
	st.count = 920;
	st.drop = 1;
	w = pressure_warnings(&st, &prev);
	assert_int_equal(pressure_warning_text(text, sizeof(text), w, &st, &prev),
			 strlen("table 92.0% full (warning)"));
	assert_string_equal(text, "table 92.0% full (warning)");
	/* Truncation keeps the string terminated. */
	pressure_warning_text(text, 8, w, &st, &prev);
	assert_string_equal(text, "table 9");
	assert_int_equal(pressure_warning_text(text, sizeof(text), 0, &st, &prev), 0);
	assert_string_equal(text, "");
}

static void test_counters_and_rates(void **state)
{
	struct table_stats prev = stats(0, 10), cur = prev;
	double r[PC_COUNT];

	(void)state;
	assert_string_equal(pressure_counter_name(PC_INSERT_FAILED), "insert_failed");
	assert_string_equal(pressure_counter_name(PC_CHAINTOOLONG), "chaintoolong");
	prev.found = 100;
	cur.found = 300;
	prev.insert = 10;
	cur.insert = 40;
	cur.chaintoolong = 4;
	prev.search_restart = 50;
	cur.search_restart = 20;	/* reset */
	assert_int_equal(pressure_counter_value(&cur, PC_FOUND), 300);
	assert_int_equal(pressure_counter_value(&cur, PC_CHAINTOOLONG), 4);
	assert_int_equal(pressure_rates(&cur, &prev, 2.0, r), 0);
	assert_true(r[PC_FOUND] == 100.0);
	assert_true(r[PC_INSERT] == 15.0);
	assert_true(r[PC_CHAINTOOLONG] == 2.0);
	assert_true(r[PC_SEARCH_RESTART] == 0.0);
	assert_true(r[PC_DROP] == 0.0);
	assert_int_equal(pressure_rates(&cur, &prev, 0.0, r), -1);
	prev.have_cpu = false;
	assert_int_equal(pressure_rates(&cur, &prev, 1.0, r), -1);
}

static void test_trend(void **state)
{
	struct pressure_trend t;
	struct table_stats st = stats(100, 1000);
	double added, removed;

	(void)state;
	pressure_trend_reset(&t);
	pressure_trend_add(&t, 0.0, &st);
	assert_int_equal(pressure_trend_rates(&t, 60, &added, &removed), -1);
	/* 10 s later: 50 inserted, count grew by 30, so 20 went away. */
	st.insert = 50;
	st.count = 130;
	pressure_trend_add(&t, 10.0, &st);
	assert_int_equal(pressure_trend_rates(&t, 60, &added, &removed), 0);
	assert_true(fabs(added - 5.0) < 1e-9);
	assert_true(fabs(removed - 2.0) < 1e-9);
	/* 100 s later: the first sample is out of the window. */
	st.insert = 150;
	st.count = 80;
	pressure_trend_add(&t, 100.0, &st);
	assert_int_equal(pressure_trend_rates(&t, 60, &added, &removed), -1);
	st.insert = 160;
	st.count = 80;
	pressure_trend_add(&t, 110.0, &st);
	assert_int_equal(pressure_trend_rates(&t, 60, &added, &removed), 0);
	assert_true(fabs(added - 1.0) < 1e-9);
	assert_true(fabs(removed - 1.0) < 1e-9);
	/* The ring keeps the newest samples when full. */
	for (int i = 0; i < PRESSURE_TREND_SAMPLES * 2; i++) {
		st.insert += 2;
		pressure_trend_add(&t, 200.0 + i, &st);
	}
	assert_int_equal(t.n, PRESSURE_TREND_SAMPLES);
	assert_int_equal(pressure_trend_rates(&t, 60, &added, &removed), 0);
	assert_true(fabs(added - 2.0) < 1e-9);
	assert_true(fabs(removed - 2.0) < 1e-9);
}

static struct flow mkflow(uint8_t proto, int state, uint32_t status,
			  uint8_t src_last, uint32_t timeout)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.family = FLOW_IPV4;
	f.protonum = proto;
	if (state >= 0) {
		f.state = (uint8_t)state;
		f.has |= FLOW_HAS_STATE;
	}
	f.status = status;
	f.orig.src.b[0] = 10;
	f.orig.src.b[3] = src_last;
	f.timeout = timeout;
	f.has |= FLOW_HAS_TIMEOUT;
	return f;
}

static void test_pressure_flows(void **state)
{
	struct pressure_flows pf;
	const struct group_row *rows;
	struct flow f;
	char key[64];
	size_t n;

	(void)state;
	assert_int_equal(pressure_flows_init(&pf), 0);
	for (int i = 0; i < 5; i++) {
		f = mkflow(FLOW_P_TCP, 3, FLOW_S_ASSURED | FLOW_S_SEEN_REPLY, 1, 100);
		pressure_flows_add(&pf, &f);
	}
	for (int i = 0; i < 3; i++) {
		f = mkflow(FLOW_P_TCP, 1, 0, 2, 100);
		pressure_flows_add(&pf, &f);
	}
	f = mkflow(FLOW_P_UDP, -1, FLOW_S_SEEN_REPLY, 2, 100);
	pressure_flows_add(&pf, &f);
	assert_int_equal(pf.flows, 9);
	assert_int_equal(pf.not_assured, 4);
	assert_true(fabs(pressure_share(pf.not_assured, pf.flows) - 400.0 / 9) < 1e-9);

	rows = group_rows(pf.states, &n);
	assert_int_equal(n, 3);
	group_key_format(key, sizeof(key), GROUP_STATE, &rows[0].key);
	assert_string_equal(key, "tcp ESTABLISHED");
	assert_int_equal(rows[0].flows, 5);
	group_key_format(key, sizeof(key), GROUP_STATE, &rows[1].key);
	assert_string_equal(key, "tcp SYN_SENT");
	rows = group_rows(pf.sources, &n);
	assert_int_equal(n, 2);
	group_key_format(key, sizeof(key), GROUP_SRC, &rows[0].key);
	assert_string_equal(key, "10.0.0.1");
	assert_int_equal(rows[0].flows, 5);
	assert_int_equal(rows[1].flows, 4);

	pressure_flows_reset(&pf);
	assert_int_equal(pf.flows, 0);
	assert_int_equal(pf.not_assured, 0);
	group_rows(pf.states, &n);
	assert_int_equal(n, 0);
	pressure_flows_free(&pf);
	assert_true(fabs(pressure_share(1, 0)) < 1e-12);
}

/* ---- timeouts over a fake /proc/sys/net/netfilter ---- */

static void put(const char *dir, const char *name, const char *value)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(value, fp);
	fclose(fp);
}

static char tmpdir[64];

static void make_sysctls(void)
{
	strcpy(tmpdir, "/tmp/ctop-tp-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	put(tmpdir, "nf_conntrack_tcp_timeout_established", "432000\n");
	put(tmpdir, "nf_conntrack_tcp_timeout_syn_sent", "120\n");
	put(tmpdir, "nf_conntrack_tcp_timeout_max_retrans", "300\n");
	put(tmpdir, "nf_conntrack_udp_timeout", "30\n");
	put(tmpdir, "nf_conntrack_udp_timeout_stream", "120\n");
	put(tmpdir, "nf_conntrack_gre_timeout", "30\n");
	put(tmpdir, "nf_conntrack_gre_timeout_stream", "180\n");
	put(tmpdir, "nf_conntrack_generic_timeout", "600\n");
	put(tmpdir, "nf_conntrack_icmp_timeout", "garbage\n");
	put(tmpdir, "nf_conntrack_max", "1000\n");	/* not a timeout */
}

static void remove_sysctls(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static const struct timeout_row *row_named(const struct timeouts *t,
					   const char *sysctl)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].sysctl, sysctl))
			return &t->rows[i];
	return NULL;
}

static void test_timeouts_read(void **state)
{
	struct timeouts t;
	char line[160];
	const struct timeout_row *r;

	(void)state;
	make_sysctls();
	/* Eight valid timeout files; garbage and non-timeouts are skipped. */
	assert_int_equal(timeouts_read(&t, tmpdir), 8);
	assert_string_equal(t.rows[0].sysctl, "nf_conntrack_tcp_timeout_syn_sent");
	r = row_named(&t, "nf_conntrack_tcp_timeout_established");
	assert_non_null(r);
	assert_string_equal(r->proto, "tcp");
	assert_string_equal(r->state, "ESTABLISHED");
	assert_int_equal(r->seconds, 432000);
	assert_true(r->counted);
	assert_false(row_named(&t, "nf_conntrack_tcp_timeout_max_retrans")->counted);
	assert_null(row_named(&t, "nf_conntrack_icmp_timeout"));
	timeouts_sysctl_line(line, sizeof(line), r);
	assert_string_equal(line, "sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=432000");
	assert_int_equal(timeouts_sysctl_line(line, 10, r), 9);
	assert_string_equal(line, "sysctl -w");
	remove_sysctls();
	assert_int_equal(timeouts_read(&t, "/nonexistent-ctop"), 0);
}

static uint64_t flows_of(const struct timeouts *t, const char *sysctl)
{
	const struct timeout_row *r = row_named(t, sysctl);

	assert_non_null(r);
	return r->flows;
}

static void test_timeouts_count(void **state)
{
	struct timeouts t;
	struct flow f;

	(void)state;
	make_sysctls();
	assert_int_equal(timeouts_read(&t, tmpdir), 8);
	remove_sysctls();

	f = mkflow(FLOW_P_TCP, 3, FLOW_S_ASSURED, 1, 400000);	/* parked */
	timeouts_add_flow(&t, &f);
	f = mkflow(FLOW_P_TCP, 3, FLOW_S_ASSURED, 1, 3600);	/* not over */
	timeouts_add_flow(&t, &f);
	f = mkflow(FLOW_P_TCP, 1, 0, 1, 100);
	timeouts_add_flow(&t, &f);
	f = mkflow(FLOW_P_TCP, 9, 0, 1, 100);	/* SYN_SENT2: no sysctl */
	timeouts_add_flow(&t, &f);
	f = mkflow(FLOW_P_UDP, -1, FLOW_S_SEEN_REPLY, 1, 10);
	timeouts_add_flow(&t, &f);
	f = mkflow(FLOW_P_UDPLITE, -1, FLOW_S_ASSURED | FLOW_S_SEEN_REPLY, 1, 10);
	timeouts_add_flow(&t, &f);
	f = mkflow(FLOW_P_GRE, -1, FLOW_S_SEEN_REPLY, 1, 10);
	timeouts_add_flow(&t, &f);
	f = mkflow(FLOW_P_GRE, -1, 0, 1, 10);
	timeouts_add_flow(&t, &f);
	f = mkflow(50, -1, 0, 1, 10);			/* esp: generic */
	timeouts_add_flow(&t, &f);
	f = mkflow(FLOW_P_ICMP, -1, 0, 1, 10);	/* no icmp row read */
	timeouts_add_flow(&t, &f);
	f = mkflow(FLOW_P_SCTP, 4, 0, 1, 10);	/* no sctp rows: generic */
	timeouts_add_flow(&t, &f);

	assert_int_equal(flows_of(&t, "nf_conntrack_tcp_timeout_established"), 2);
	assert_int_equal(row_named(&t, "nf_conntrack_tcp_timeout_established")->over_hour, 1);
	assert_int_equal(flows_of(&t, "nf_conntrack_tcp_timeout_syn_sent"), 1);
	assert_int_equal(flows_of(&t, "nf_conntrack_tcp_timeout_max_retrans"), 0);
	assert_int_equal(flows_of(&t, "nf_conntrack_udp_timeout"), 1);
	assert_int_equal(flows_of(&t, "nf_conntrack_udp_timeout_stream"), 1);
	assert_int_equal(flows_of(&t, "nf_conntrack_gre_timeout"), 1);
	assert_int_equal(flows_of(&t, "nf_conntrack_gre_timeout_stream"), 1);
	assert_int_equal(flows_of(&t, "nf_conntrack_generic_timeout"), 3);
	assert_int_equal(t.flows, 11);
	assert_int_equal(t.other, 1);

	timeouts_clear_counts(&t);
	assert_int_equal(t.flows, 0);
	assert_int_equal(flows_of(&t, "nf_conntrack_generic_timeout"), 0);
}

/* ---- netlink parsers on hand-built messages ---- */

static struct nlmsghdr *msg_begin(char *buf, uint16_t type)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	return nlh;
}

static void test_parse_policy(void **state)
{
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	struct timeout_policy p;
	struct nlmsghdr *nlh;
	struct nlattr *data;

	(void)state;
	nlh = msg_begin(buf, (NFNL_SUBSYS_CTNETLINK_TIMEOUT << 8) |
			IPCTNL_MSG_TIMEOUT_NEW);
	mnl_attr_put_strz(nlh, CTA_TIMEOUT_NAME, "slowweb");
	mnl_attr_put_u16(nlh, CTA_TIMEOUT_L3PROTO, htons(AF_INET6));
	mnl_attr_put_u8(nlh, CTA_TIMEOUT_L4PROTO, FLOW_P_TCP);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT_USE, htonl(3));
	data = mnl_attr_nest_start(nlh, CTA_TIMEOUT_DATA);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT_TCP_SYN_SENT, htonl(5));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT_TCP_ESTABLISHED, htonl(100));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT_TCP_UNACK, htonl(7));
	mnl_attr_put_u32(nlh, 40, htonl(1));	/* a newer kernel's state */
	mnl_attr_nest_end(nlh, data);

	assert_int_equal(source_parse_policy(nlh, &p), 0);
	assert_string_equal(p.name, "slowweb");
	assert_int_equal(p.l3proto, AF_INET6);
	assert_int_equal(p.l4proto, FLOW_P_TCP);
	assert_int_equal(p.use, 3);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.v[0].state, "SYN_SENT");
	assert_int_equal(p.v[0].seconds, 5);
	assert_string_equal(p.v[1].state, "ESTABLISHED");
	assert_int_equal(p.v[1].seconds, 100);
	assert_string_equal(p.v[2].state, "UNACKNOWLEDGED");

	/* UDP names its two timeouts differently. */
	nlh = msg_begin(buf, (NFNL_SUBSYS_CTNETLINK_TIMEOUT << 8));
	mnl_attr_put_strz(nlh, CTA_TIMEOUT_NAME, "u");
	mnl_attr_put_u16(nlh, CTA_TIMEOUT_L3PROTO, htons(AF_INET));
	mnl_attr_put_u8(nlh, CTA_TIMEOUT_L4PROTO, FLOW_P_UDP);
	data = mnl_attr_nest_start(nlh, CTA_TIMEOUT_DATA);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT_UDP_REPLIED, htonl(90));
	mnl_attr_nest_end(nlh, data);
	assert_int_equal(source_parse_policy(nlh, &p), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.v[0].state, "REPLIED");
	assert_int_equal(p.v[0].seconds, 90);

	/* Without the protocols it is not a policy. */
	nlh = msg_begin(buf, (NFNL_SUBSYS_CTNETLINK_TIMEOUT << 8));
	mnl_attr_put_strz(nlh, CTA_TIMEOUT_NAME, "x");
	assert_int_equal(source_parse_policy(nlh, &p), -1);
	free(buf);
}

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, const char *src,
		      const char *dst, uint16_t sport, uint16_t dport)
{
	struct nlattr *t, *ip, *pr;
	struct in_addr a;

	t = mnl_attr_nest_start(nlh, type);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	inet_pton(AF_INET, src, &a);
	mnl_attr_put(nlh, CTA_IP_V4_SRC, 4, &a);
	inet_pton(AF_INET, dst, &a);
	mnl_attr_put(nlh, CTA_IP_V4_DST, 4, &a);
	mnl_attr_nest_end(nlh, ip);
	pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, FLOW_P_TCP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, pr);
	mnl_attr_nest_end(nlh, t);
}

static void test_parse_expect(void **state)
{
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	struct expectation e;
	struct nlmsghdr *nlh;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	nlh = msg_begin(buf, (NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_EXP_NEW);
	put_tuple(nlh, CTA_EXPECT_MASTER, "10.0.0.1", "10.0.0.2", 40000, 21);
	put_tuple(nlh, CTA_EXPECT_TUPLE, "10.0.0.1", "10.0.0.2", 0, 50000);
	put_tuple(nlh, CTA_EXPECT_MASK, "255.255.255.255", "255.255.255.255", 0, 65535);
	mnl_attr_put_u32(nlh, CTA_EXPECT_TIMEOUT, htonl(299));
	mnl_attr_put_u32(nlh, CTA_EXPECT_ID, htonl(1234));
	mnl_attr_put_u32(nlh, CTA_EXPECT_FLAGS, htonl(EXPECT_F_PERMANENT | EXPECT_F_USERSPACE));
	mnl_attr_put_u16(nlh, CTA_EXPECT_ZONE, htons(7));
	mnl_attr_put_strz(nlh, CTA_EXPECT_HELP_NAME, "ftp");

	assert_int_equal(source_parse_expect(nlh, &e), 0);
	assert_int_equal(e.family, FLOW_IPV4);
	assert_int_equal(e.protonum, FLOW_P_TCP);
	assert_int_equal(e.master.sport, 40000);
	assert_int_equal(e.master.dport, 21);
	assert_int_equal(e.tuple.dport, 50000);
	assert_int_equal(e.mask.dport, 65535);
	assert_int_equal(e.timeout, 299);
	assert_int_equal(e.id, 1234);
	assert_int_equal(e.zone, 7);
	assert_string_equal(e.helper, "ftp");

	out = open_memstream(&text, &len);
	report_expect_text(out, &e, 1);
	fclose(out);
	assert_non_null(strstr(text, "10.0.0.1:40000 -> 10.0.0.2:21"));
	assert_non_null(strstr(text, "10.0.0.1:0 -> 10.0.0.2:50000"));
	assert_non_null(strstr(text, "PERMANENT,USERSPACE"));
	assert_non_null(strstr(text, "# 1 expectation\n"));
	free(text);

	out = open_memstream(&text, &len);
	report_expect_text(out, NULL, 0);
	fclose(out);
	assert_string_equal(text, "# no expectations\n");
	free(text);

	/* No mask: malformed. */
	nlh = msg_begin(buf, (NFNL_SUBSYS_CTNETLINK_EXP << 8));
	put_tuple(nlh, CTA_EXPECT_MASTER, "10.0.0.1", "10.0.0.2", 40000, 21);
	put_tuple(nlh, CTA_EXPECT_TUPLE, "10.0.0.1", "10.0.0.2", 0, 50000);
	assert_int_equal(source_parse_expect(nlh, &e), -1);
	free(buf);
}

/* ---- OpenMetrics and Prometheus ---- */

/* Sample lines in an exposition, and those with the prefix PFX. */
static int count_samples(const char *text, const char *pfx, int *with_pfx)
{
	int samples = 0;

	*with_pfx = 0;
	for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
		if (line[0] != '#')
			samples++;
		if (!strncmp(line, pfx, strlen(pfx)))
			(*with_pfx)++;
		if (!strchr(line, '\n'))
			break;
	}
	return samples;
}

static char *metrics_text(const struct report_pressure *rp,
			  enum metrics_format m, size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);

	report_metrics(out, rp, m);
	fclose(out);
	return text;
}

static void test_openmetrics(void **state)
{
	struct pressure_flows pf;
	struct report_pressure rp;
	struct flow f;
	char *text;
	size_t len = 0;
	int sources;

	(void)state;
	assert_int_equal(pressure_flows_init(&pf), 0);
	f = mkflow(FLOW_P_TCP, 3, FLOW_S_ASSURED, 1, 10);
	pressure_flows_add(&pf, &f);
	f = mkflow(FLOW_P_UDP, -1, 0, 2, 10);
	pressure_flows_add(&pf, &f);
	memset(&rp, 0, sizeof(rp));
	rp.have_stats = true;
	rp.st = stats(2, 100);
	rp.st.drop = 9;
	rp.buckets = 64;
	rp.flows = &pf;
	rp.top_sources = 1;

	text = metrics_text(&rp, METRICS_OPENMETRICS, &len);
	assert_true(len > 6);
	assert_string_equal(text + len - 6, "# EOF\n");
	assert_non_null(strstr(text, "\nctop_conntrack_entries 2\n"));
	assert_non_null(strstr(text, "\nctop_conntrack_max 100\n"));
	assert_non_null(strstr(text, "\nctop_conntrack_buckets 64\n"));
	assert_non_null(strstr(text, "# TYPE ctop_conntrack_stat_drop counter\n"));
	assert_non_null(strstr(text, "\nctop_conntrack_stat_drop_total 9\n"));
	assert_non_null(strstr(text, "\nctop_conntrack_not_assured 1\n"));
	assert_non_null(strstr(text, "\nctop_conntrack_flows{proto=\"tcp\",state=\"ESTABLISHED\"} 1\n"));
	assert_non_null(strstr(text, "\nctop_conntrack_flows{proto=\"udp\",state=\"\"} 1\n"));
	/* --top 1: one source line only. */
	assert_non_null(strstr(text, "ctop_conntrack_source_flows{src=\"10.0.0."));
	/* 3 table gauges, 10 counters, not_assured, 2 states, 1 source. */
	assert_int_equal(count_samples(text, "ctop_conntrack_source_flows{",
				       &sources), 17);
	assert_int_equal(sources, 1);
	free(text);

	/* From a recording: no table figures at all, still well-ended. */
	rp.have_stats = false;
	rp.top_sources = 10;
	text = metrics_text(&rp, METRICS_OPENMETRICS, &len);
	assert_null(strstr(text, "ctop_conntrack_entries"));
	assert_null(strstr(text, "_total"));
	assert_string_equal(text + len - 6, "# EOF\n");
	free(text);

	/* The Prometheus text format: a counter's HELP and TYPE name the
	 * "_total" sample, as node_exporter's textfile collector expects;
	 * no "# EOF", which that parser would not take. */
	rp.have_stats = true;
	rp.top_sources = 1;
	text = metrics_text(&rp, METRICS_PROMETHEUS, &len);
	assert_null(strstr(text, "# EOF"));
	assert_null(strstr(text, "# TYPE ctop_conntrack_stat_drop counter"));
	assert_non_null(strstr(text,
		"# HELP ctop_conntrack_stat_drop_total Conntrack statistic drop, summed over CPUs.\n"
		"# TYPE ctop_conntrack_stat_drop_total counter\n"
		"ctop_conntrack_stat_drop_total 9\n"));
	assert_non_null(strstr(text,
		"# HELP ctop_conntrack_entries Entries in the conntrack table.\n"
		"# TYPE ctop_conntrack_entries gauge\n"
		"ctop_conntrack_entries 2\n"));
	assert_non_null(strstr(text, "\nctop_conntrack_flows{proto=\"tcp\",state=\"ESTABLISHED\"} 1\n"));
	assert_int_equal(count_samples(text, "# TYPE", &sources), 17);
	assert_int_equal(sources, 16);
	free(text);
	pressure_flows_free(&pf);
}

/* --output: the target is replaced whole, readable by others, and no
 * temporary file is left behind, on success or abort. */
static void test_atomic_file(void **state)
{
	char dir[] = "/tmp/ctop-atomic-XXXXXX", path[64], buf[64];
	struct ctop_err err = { 0 };
	struct atomic_file af;
	struct stat st;
	FILE *f;
	DIR *d;
	struct dirent *de;
	int n = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	umask(022);	/* mkstemp's 0600 becomes what a plain create gives */
	snprintf(path, sizeof(path), "%s/ctop.prom", dir);
	f = atomic_file_begin(&af, path, &err);
	assert_non_null(f);
	fputs("one\n", f);
	/* Not there until committed. */
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(atomic_file_commit(&af, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);

	f = atomic_file_begin(&af, path, &err);
	assert_non_null(f);
	fputs("two, never committed\n", f);
	atomic_file_abort(&af);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "one\n");

	d = opendir(dir);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	assert_int_equal(n, 1);

	/* A directory that does not exist: a clear error, status 1. */
	snprintf(buf, sizeof(buf), "%s/no/such.prom", dir);
	assert_null(atomic_file_begin(&af, buf, &err));
	assert_int_equal(err.status, CTOP_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "no/such.prom"));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_and_thresholds),
		cmocka_unit_test(test_drop_moved),
		cmocka_unit_test(test_warning_text),
		cmocka_unit_test(test_counters_and_rates),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_pressure_flows),
		cmocka_unit_test(test_timeouts_read),
		cmocka_unit_test(test_timeouts_count),
		cmocka_unit_test(test_parse_policy),
		cmocka_unit_test(test_parse_expect),
		cmocka_unit_test(test_openmetrics),
		cmocka_unit_test(test_atomic_file),
	};

	return cmocka_run_group_tests_name("pressure", tests, NULL, NULL);
}
