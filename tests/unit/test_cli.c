/* Command-line parsing: options into struct cli, errors with status 2. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "cli.h"

#define ARGV(...) ((char *[]){ "ctop", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "ctop", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(cli, err, ...) cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), cli, err)

static void test_defaults(void **state)
{
	struct ctop_err err = { 0 };
	struct cli cli;
	char *argv[] = { "ctop", NULL };

	(void)state;
	assert_int_equal(cli_parse(1, argv, &cli, &err), 0);
	assert_false(cli.batch);
	assert_int_equal(cli.iterations, -1);
	assert_true(cli.header);
	assert_int_equal(cli.format, BATCH_TEXT);
	assert_int_equal(cli.group, GROUP_NONE);
	assert_int_equal(cli.ncols, 6);
	assert_int_equal(cli.cols[0], COL_PROTO);
	assert_int_equal(cli.cols[5], COL_FLAGS);
	assert_string_equal(cli.filter, "");
	assert_true(cli.delay > 0.99 && cli.delay < 1.01);
	cli_free(&cli);
}

/* A call that stops inside an option cluster ("-1Zb": Z is unknown) must
 * not leave the rest of it ("b") to the next call. With optind = 1 glibc
 * resumed there, and the second parse below came out in batch mode. */
static void test_second_call_fresh(void **state)
{
	struct ctop_err err = { 0 };
	struct cli cli;

	(void)state;
	assert_int_equal(PARSE(&cli, &err, "-1Zb"), -1);
	assert_int_equal(err.status, CTOP_EXIT_USAGE);
	cli_free(&cli);
	memset(&err, 0, sizeof(err));
	assert_int_equal(PARSE(&cli, &err, "-H"), 0);
	assert_false(cli.batch);
	assert_false(cli.header);
	cli_free(&cli);
}

/* The mode once the terminal is known (cli_settle). */
static void test_settle(void **state)
{
	struct ctop_err err = { 0 };
	struct cli cli;

	(void)state;
	/* A terminal: the screen; a pipe: one snapshot. */
	assert_int_equal(PARSE(&cli, &err, "tcp"), 0);
	assert_int_equal(cli_settle(&cli, true, &err), 0);
	assert_false(cli.batch);
	assert_int_equal(cli.iterations, 0);
	cli_free(&cli);
	assert_int_equal(PARSE(&cli, &err, "tcp"), 0);
	assert_int_equal(cli_settle(&cli, false, &err), 0);
	assert_true(cli.batch);
	assert_int_equal(cli.iterations, 1);
	cli_free(&cli);
	/* -b repeats until killed; -n says how often. */
	assert_int_equal(PARSE(&cli, &err, "-b"), 0);
	assert_int_equal(cli_settle(&cli, false, &err), 0);
	assert_int_equal(cli.iterations, 0);
	cli_free(&cli);
	/* --stats on a terminal opens the P view; with -n it prints. */
	assert_int_equal(PARSE(&cli, &err, "--stats"), 0);
	assert_int_equal(cli_settle(&cli, true, &err), 0);
	assert_false(cli.batch);
	cli_free(&cli);
	assert_int_equal(PARSE(&cli, &err, "--stats", "-n", "2"), 0);
	assert_int_equal(cli_settle(&cli, true, &err), 0);
	assert_true(cli.batch);
	assert_int_equal(cli.iterations, 2);
	cli_free(&cli);
	/* Events count with -n, not snapshots. */
	assert_int_equal(PARSE(&cli, &err, "-E"), 0);
	assert_int_equal(cli_settle(&cli, false, &err), 0);
	assert_int_equal(cli.iterations, -1);
	cli_free(&cli);
	/* A lone -r in batch would be ignored: refused. */
	assert_int_equal(PARSE(&cli, &err, "-1", "-r"), 0);
	assert_int_equal(cli_settle(&cli, true, &err), -1);
	assert_int_equal(err.status, 2);
	cli_free(&cli);
}

static void test_batch_options(void **state)
{
	struct ctop_err err = { 0 };
	struct cli cli;

	(void)state;
	assert_int_equal(PARSE(&cli, &err, "-1", "-o", "json", "-s", "ttl", "-r",
			       "--netns", "r1", "-H"), 0);
	assert_true(cli.batch);
	assert_int_equal(cli.iterations, 1);
	assert_int_equal(cli.format, BATCH_JSON);
	assert_true(cli.sort_set);
	assert_int_equal(cli.sort, COL_TTL);
	assert_true(cli.reverse);
	assert_false(cli.header);
	assert_string_equal(cli.netns, "r1");
	cli_free(&cli);

	assert_int_equal(PARSE(&cli, &err, "-b", "-n", "3", "-d", "0.5",
			       "--format=csv", "-g", "src", "--top", "20"), 0);
	assert_true(cli.batch);
	assert_int_equal(cli.iterations, 3);
	assert_true(cli.delay > 0.49 && cli.delay < 0.51);
	assert_int_equal(cli.format, BATCH_CSV);
	assert_int_equal(cli.group, GROUP_SRC);
	assert_int_equal(cli.top, 20);
	cli_free(&cli);
}

static void test_filter_joined(void **state)
{
	struct ctop_err err = { 0 };
	struct cli cli;

	(void)state;
	/* Options may follow the filter words, as with GNU tools. */
	assert_int_equal(PARSE(&cli, &err, "tcp", "and", "dport", "443", "-1"), 0);
	assert_string_equal(cli.filter, "tcp and dport 443");
	assert_int_equal(cli.iterations, 1);
	cli_free(&cli);
}

static void test_columns(void **state)
{
	struct ctop_err err = { 0 };
	struct cli cli;

	(void)state;
	assert_int_equal(PARSE(&cli, &err, "-c", "src,dst,bytes"), 0);
	assert_int_equal(cli.ncols, 3);
	assert_int_equal(cli.cols[2], COL_BYTES);
	cli_free(&cli);
	assert_int_equal(PARSE(&cli, &err, "-c", "+mark,zone"), 0);
	assert_int_equal(cli.ncols, 8);
	assert_int_equal(cli.cols[6], COL_MARK);
	assert_int_equal(cli.cols[7], COL_ZONE);
	cli_free(&cli);
}

/* Each bad command line fails with status 2 and a message naming it. */
static void expect_usage_error(int argc, char **argv, const char *needle)
{
	struct ctop_err err = { 0 };
	struct cli cli;

	assert_int_equal(cli_parse(argc, argv, &cli, &err), -1);
	assert_int_equal(err.status, CTOP_EXIT_USAGE);
	if (!strstr(err.msg, needle))
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void test_errors(void **state)
{
	(void)state;
	expect_usage_error(ARGC("--bogus"), ARGV("--bogus"), "unknown option '--bogus'");
	expect_usage_error(ARGC("-q"), ARGV("-q"), "unknown option '-q'");
	expect_usage_error(ARGC("-n", "x"), ARGV("-n", "x"), "-n wants a count");
	expect_usage_error(ARGC("-d", "0"), ARGV("-d", "0"), "-d wants seconds");
	expect_usage_error(ARGC("-o", "xml"), ARGV("-o", "xml"), "unknown format 'xml'");
	expect_usage_error(ARGC("-s", "colour"), ARGV("-s", "colour"), "unknown sort column 'colour'");
	expect_usage_error(ARGC("-c", "src,nope"), ARGV("-c", "src,nope"), "unknown column 'nope'");
	expect_usage_error(ARGC("-g", "planet"), ARGV("-g", "planet"), "unknown group 'planet'");
	expect_usage_error(ARGC("--top", "0"), ARGV("--top", "0"), "--top wants a positive count");
	expect_usage_error(ARGC("-n"), ARGV("-n"), "needs a value");
	expect_usage_error(ARGC("-c", "src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src"),
			   ARGV("-c", "src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src,src"),
			   "too many columns (at most 32)");
}

/* Event and screen options: values, defaults, and which were given. */
static void test_event_options(void **state)
{
	struct ctop_err err = { 0 };
	struct cli cli;

	(void)state;
	assert_int_equal(PARSE(&cli, &err, "-1"), 0);
	assert_false(cli.resync_set);
	assert_true(cli.resync == 0);	/* no timed re-read by default */
	assert_false(cli.sweep_budget_set);
	assert_true(cli.sweep_budget > 1.99 && cli.sweep_budget < 2.01);
	assert_false(cli.events);
	cli_free(&cli);
	assert_int_equal(PARSE(&cli, &err, "--sweep-budget", "0.5"), 0);
	assert_true(cli.sweep_budget_set);
	assert_true(cli.sweep_budget > 0.49 && cli.sweep_budget < 0.51);
	cli_free(&cli);
	assert_int_equal(PARSE(&cli, &err, "--sweep-budget", "0"), 0);
	assert_true(cli.sweep_budget == 0);
	cli_free(&cli);
	assert_int_equal(PARSE(&cli, &err, "--resync", "300", "--readonly",
			       "--no-color", "-l"), 0);
	assert_true(cli.resync_set);
	assert_true(cli.resync > 299.9 && cli.resync < 300.1);
	assert_true(cli.readonly);
	assert_true(cli.no_color);
	assert_true(cli.resolve);
	cli_free(&cli);
	assert_int_equal(PARSE(&cli, &err, "-E", "-o", "json", "udp"), 0);
	assert_true(cli.events);
	assert_int_equal(cli.format, BATCH_JSON);
	assert_string_equal(cli.filter, "udp");
	cli_free(&cli);
	expect_usage_error(ARGC("--resync", "0.5"), ARGV("--resync", "0.5"), "--resync wants");
	expect_usage_error(ARGC("--sweep-budget", "101"), ARGV("--sweep-budget", "101"), "--sweep-budget wants");
	expect_usage_error(ARGC("--sweep-budget", "-1"), ARGV("--sweep-budget", "-1"), "--sweep-budget wants");
	expect_usage_error(ARGC("-D", "--sweep-budget", "1", "tcp"), ARGV("-D", "--sweep-budget", "1", "tcp"), "--sweep-budget");
}

/* Options that would be silently ignored together are refused. */
static void test_conflicts(void **state)
{
	struct ctop_err err = { 0 };
	struct cli cli;

	(void)state;
	expect_usage_error(ARGC("-1", "-n", "5"), ARGV("-1", "-n", "5"), "-1 prints one snapshot");
	expect_usage_error(ARGC("-n", "5", "-1"), ARGV("-n", "5", "-1"), "-1 prints one snapshot");
	expect_usage_error(ARGC("-1", "--top", "3"), ARGV("-1", "--top", "3"), "--top applies to -g");
	expect_usage_error(ARGC("-g", "src", "-s", "ttl"), ARGV("-g", "src", "-s", "ttl"), "--sort does not apply");
	expect_usage_error(ARGC("--replay", "f", "--netns", "x"), ARGV("--replay", "f", "--netns", "x"), "--netns does not apply");
	/* The same options alone are fine. */
	assert_int_equal(PARSE(&cli, &err, "-1", "-n", "1", "-g", "src", "--top", "3"), 0);
	cli_free(&cli);
}

/* --delete is a mode of its own and wants a filter. */
static void test_delete(void **state)
{
	struct ctop_err err = { 0 };
	struct cli cli;

	(void)state;
	expect_usage_error(ARGC("-D"), ARGV("-D"), "--delete needs a filter");
	expect_usage_error(ARGC("-D", " "), ARGV("-D", " "), "--delete needs a filter");
	expect_usage_error(ARGC("-D", "-1", "tcp"), ARGV("-D", "-1", "tcp"), "does not go with -1, -b or -n");
	expect_usage_error(ARGC("-D", "-g", "src", "tcp"), ARGV("-D", "-g", "src", "tcp"), "does not go with -g");
	expect_usage_error(ARGC("-D", "-s", "ttl", "tcp"), ARGV("-D", "-s", "ttl", "tcp"), "does not go with -s");
	expect_usage_error(ARGC("-D", "-E", "tcp"), ARGV("-D", "-E", "tcp"), "does not go with -E");
	expect_usage_error(ARGC("--stats", "-D", "tcp"), ARGV("--stats", "-D", "tcp"), "does not go with --stats");
	expect_usage_error(ARGC("--readonly", "--delete", "tcp"), ARGV("--readonly", "--delete", "tcp"), "does not go with --readonly");
	expect_usage_error(ARGC("-D", "-l", "tcp"), ARGV("-D", "-l", "tcp"), "-l or --resync");
	expect_usage_error(ARGC("-D", "--resync", "5", "tcp"), ARGV("-D", "--resync", "5", "tcp"), "-l or --resync");
	expect_usage_error(ARGC("-D", "-d", "2", "tcp"), ARGV("-D", "-d", "2", "tcp"), "-d or --buffer-size");
	expect_usage_error(ARGC("-D", "--buffer-size", "1M", "tcp"), ARGV("-D", "--buffer-size", "1M", "tcp"), "-d or --buffer-size");
	assert_int_equal(PARSE(&cli, &err, "--netns", "r1", "-o", "json", "-D", "udp", "and", "dport", "53"), 0);
	assert_true(cli.delete);
	assert_string_equal(cli.filter, "udp and dport 53");
	assert_false(cli.batch);
	cli_free(&cli);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_settle),
		cmocka_unit_test(test_batch_options),
		cmocka_unit_test(test_filter_joined),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_second_call_fresh),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_event_options),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
