/* Inputs that are not the kernel's, from issue 9 and the fuzzers: a
 * recording whose nlmsg_len is 2^31 or more (libmnl's mnl_nlmsg_ok()
 * takes it for negative and lets it pass: a crash, or a read past the
 * buffer), /dev/zero given as a recording, an expectation whose last
 * attribute runs into the alignment padding of an unaligned message.
 * Each must be refused with a clear message and status 1, reading
 * nothing past its bytes (the ASan build checks that part). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "source_policy.h"
#include "source_read.h"

static int count(const struct flow *f, void *data)
{
	(void)f;
	++*(int *)data;
	return 0;
}

static void write_file(char *path, const void *bytes, size_t n)
{
	int fd = mkstemp(path);
	FILE *fp;

	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(bytes, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* The 65,535-byte recording of issue 9: a conntrack header claiming
 * nlmsg_len 2^31, then "0400ff0f" attributes to the end. Before, ASan
 * saw attr_ok() read 2 bytes past the buffer, and the plain build
 * printed an empty table with exit 0. */
static void test_issue9_attr_overread(void **state)
{
	static const uint8_t head[20] = {
		0x00, 0x00, 0x00, 0x80, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00,
	};
	/* The header and attribute fields in this host's byte order (the
	 * bytes above are x86's), so it reads the same on big-endian. */
	const uint32_t mlen = 0x80000000u;
	const uint16_t mtype = 0x0100, alen = 4, atype = 0x0fff;
	uint8_t attr[4];
	char path[] = "/tmp/ctop-test-bad-XXXXXX";
	struct ctop_err err = { 0 };
	uint8_t *file = malloc(65535);
	size_t i;
	int n = 0;

	(void)state;
	assert_non_null(file);
	memcpy(file, head, sizeof(head));
	memcpy(file, &mlen, 4);
	memcpy(file + 4, &mtype, 2);
	memcpy(attr, &alen, 2);
	memcpy(attr + 2, &atype, 2);
	for (i = sizeof(head); i < 65535; i++)
		file[i] = attr[(i - sizeof(head)) % 4];
	write_file(path, file, 65535);
	free(file);
	assert_int_equal(source_read(path, count, &n, NULL, &err), -1);
	assert_int_equal(err.status, CTOP_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "corrupt"));
	assert_int_equal(n, 0);
	unlink(path);
}

/* The 16 bytes of issue 9 (nlmsg_len 0xfffffff0): a SIGSEGV before, as
 * mnl_nlmsg_next() jumped 4 GiB ahead. Given to the recording reader
 * itself (the way the fuzzer does), and to ctop's reader, which tells it
 * is no recording at all. */
static void test_issue9_nlmsg_len_2g(void **state)
{
	static const uint8_t file[16] = {
		0xf0, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	char path[] = "/tmp/ctop-test-bad-XXXXXX";
	struct ctop_err err = { 0 };
	struct read_in in = { 0 };
	int n = 0;

	(void)state;
	write_file(path, file, sizeof(file));
	in.name = path;
	in.fp = fopen(path, "rb");
	assert_non_null(in.fp);
	read_in_start(&in);
	assert_int_equal(source_replay_in(&in, count, &n, NULL, &err), -1);
	assert_int_equal(err.status, CTOP_EXIT_RUNTIME);
	assert_true(strstr(err.msg, "corrupt") || strstr(err.msg, "not a ctop recording"));
	fclose(in.fp);

	memset(&err, 0, sizeof(err));
	assert_int_equal(source_read(path, count, &n, NULL, &err), -1);
	assert_int_equal(err.status, CTOP_EXIT_RUNTIME);
	assert_int_equal(n, 0);
	unlink(path);
}

/* A long recording: the fixture over and over gives every flow each
 * time, and a cut in its last message says "truncated". */
static void test_long_recording(void **state)
{
	const char *dir = getenv("CTOP_TEST_DATA");
	char fixture[4096], path[] = "/tmp/ctop-test-bad-XXXXXX";
	struct ctop_err err = { 0 };
	static char one[65536];
	size_t len, reps = 0;
	FILE *fp;
	int fd, n = 0, n1 = 0;

	(void)state;
	snprintf(fixture, sizeof(fixture), "%s/dump-all.nl", dir ? dir : "tests/data");
	assert_int_equal(source_read(fixture, count, &n1, NULL, &err), 0);
	fp = fopen(fixture, "rb");
	assert_non_null(fp);
	len = fread(one, 1, sizeof(one), fp);
	fclose(fp);
	assert_true(len > 0 && len < sizeof(one));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	while (reps * len < (3u << 20) + 12345) {
		assert_int_equal(fwrite(one, 1, len, fp), len);
		reps++;
	}
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(source_read(path, count, &n, NULL, &err), 0);
	assert_int_equal(n, (int)reps * n1);

	/* Cut inside its last message (the dump's DONE): truncated, every
	 * flow before it still read. */
	assert_int_equal(truncate(path, (off_t)(reps * len - 7)), 0);
	n = 0;
	assert_int_equal(source_read(path, count, &n, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "truncated"));
	assert_int_equal(n, (int)reps * n1);
	unlink(path);
}

/* /dev/zero as a recording: no table, said at once (before, the whole
 * input was read into memory until malloc failed). */
static void test_dev_zero(void **state)
{
	struct ctop_err err = { 0 };
	int n = 0;

	(void)state;
	assert_int_equal(source_read("/dev/zero", count, &n, NULL, &err), -1);
	assert_int_equal(err.status, CTOP_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "binary"));
	assert_int_equal(n, 0);
}

/* An expectation whose nlmsg_len is not a multiple of 4, with a helper
 * name attribute that ends 2 bytes past it (inside what would be the
 * padding). libmnl's walk stops at the aligned end and took the name,
 * reading past the message; it is not part of the message. */
static void test_expect_unaligned_last(void **state)
{
	char buf[512] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct nlattr *t, *ip, *pr, *name;
	struct expectation e;
	uint8_t *msg;
	const int nests[] = { CTA_EXPECT_MASTER, CTA_EXPECT_TUPLE, CTA_EXPECT_MASK };

	(void)state;
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK_EXP << 8) | IPCTNL_MSG_EXP_NEW;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	for (size_t i = 0; i < 3; i++) {
		t = mnl_attr_nest_start(nlh, (uint16_t)nests[i]);
		ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
		mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(0x0a000001));
		mnl_attr_put_u32(nlh, CTA_IP_V4_DST, htonl(0x0a000002));
		mnl_attr_nest_end(nlh, ip);
		pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
		mnl_attr_put_u8(nlh, CTA_PROTO_NUM, 6);
		mnl_attr_nest_end(nlh, pr);
		mnl_attr_nest_end(nlh, t);
	}
	name = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
	mnl_attr_put_strz(nlh, CTA_EXPECT_HELP_NAME, "ftp");	/* 8 bytes */
	assert_int_equal(name->nla_len, 8);
	/* The message ends 2 bytes before the name does. */
	nlh->nlmsg_len -= 2;
	msg = malloc(nlh->nlmsg_len);
	assert_non_null(msg);
	memcpy(msg, nlh, nlh->nlmsg_len);
	assert_int_equal(source_parse_expect(msg, &e), 0);
	assert_string_equal(e.helper, "");
	free(msg);

	/* Whole, the name is read. */
	nlh->nlmsg_len += 2;
	assert_int_equal(source_parse_expect(nlh, &e), 0);
	assert_string_equal(e.helper, "ftp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue9_attr_overread),
		cmocka_unit_test(test_issue9_nlmsg_len_2g),
		cmocka_unit_test(test_long_recording),
		cmocka_unit_test(test_dev_zero),
		cmocka_unit_test(test_expect_unaligned_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
