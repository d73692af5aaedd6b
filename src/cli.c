/* Command-line parsing: options into struct cli, nothing else. */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "sweep.h"

enum {
	OPT_FORMAT = 0x100,
	OPT_TOP,
	OPT_NETNS,
	OPT_READONLY,
	OPT_NO_COLOR,
	OPT_RECORD,
	OPT_REPLAY,
	OPT_BUFFER_SIZE,
	OPT_SELF_CHECK,
	OPT_STATS,
	OPT_TIMEOUTS,
	OPT_EXPECT,
	OPT_RESYNC,
	OPT_SWEEP_BUDGET,
	OPT_OUTPUT,
	OPT_FULL_EVERY,
	OPT_MAX_SIZE,
	OPT_AT,
	OPT_FROM,
	OPT_TO,
};

static const struct option long_opts[] = {
	{ "once", no_argument, NULL, '1' },
	{ "batch", no_argument, NULL, 'b' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "delay", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'o' },
	{ "no-header", no_argument, NULL, 'H' },
	{ "columns", required_argument, NULL, 'c' },
	{ "sort", required_argument, NULL, 's' },
	{ "reverse", no_argument, NULL, 'r' },
	{ "group", required_argument, NULL, 'g' },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "readonly", no_argument, NULL, OPT_READONLY },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "lookup", no_argument, NULL, 'l' },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "read", required_argument, NULL, 'R' },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "timeouts", no_argument, NULL, OPT_TIMEOUTS },
	{ "expect", no_argument, NULL, OPT_EXPECT },
	{ "events", no_argument, NULL, 'E' },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER_SIZE },
	{ "self-check", required_argument, NULL, OPT_SELF_CHECK },
	{ "resync", required_argument, NULL, OPT_RESYNC },
	{ "sweep-budget", required_argument, NULL, OPT_SWEEP_BUDGET },
	{ "delete", no_argument, NULL, 'D' },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "write", required_argument, NULL, 'w' },
	{ "full-every", required_argument, NULL, OPT_FULL_EVERY },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "at", required_argument, NULL, OPT_AT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void cli_usage(FILE *out)
{
	fputs(
"Usage: ctop [OPTION]... [FILTER]\n"
"Show the netfilter connection-tracking table: an interactive screen on a\n"
"terminal, text/JSON/CSV snapshots for scripts.\n"
"\n"
"Modes:\n"
"  -1, --once              print one snapshot and exit (same as -b -n 1)\n"
"  -b, --batch             batch mode: print snapshots, no screen (also chosen\n"
"                          when standard output is not a terminal)\n"
"  -n, --iterations N      number of snapshots in batch mode (0 = until killed)\n"
"  -d, --delay SECONDS     seconds between refreshes/snapshots (default 1)\n"
"\n"
"Output:\n"
"  -o, --format FORMAT     text, json, csv, openmetrics or prometheus (batch\n"
"                          mode; default text); openmetrics and prometheus\n"
"                          (text format 0.0.4, for node_exporter's textfile\n"
"                          collector) write table figures, counters,\n"
"                          per-state counts and top sources\n"
"      --output FILE       reports: each snapshot replaces FILE atomically\n"
"                          (a temporary file in its directory, renamed)\n"
"  -H, --no-header         no header row in text and csv\n"
"  -c, --columns LIST      columns to show, comma-separated; a leading '+'\n"
"                          adds to the default (proto,src,dst,state,ttl,flags)\n"
"  -s, --sort COLUMN       sort by a column (src, dst, sport, dport, proto,\n"
"                          state, ttl, bytes, packets, mark, zone, id, ...)\n"
"  -r, --reverse           reverse the sort order\n"
"  -g, --group KEY         one row per src, dst, pair, sport, dport, proto,\n"
"                          state, mark or zone, with flows, packets, bytes\n"
"      --top N             keep only the first N rows of a grouping\n"
"\n"
"Reports (text or json, --stats also openmetrics/prometheus; on a terminal\n"
"without -1/-b they open the screen on the matching view: P, T or E):\n"
"      --stats             table pressure: fill, buckets, statistics (rates\n"
"                          per second with -b -n N), early-drop candidates,\n"
"                          top states and sources, warnings\n"
"      --timeouts          timeout sysctls with flows per state and the\n"
"                          sysctl -w line for each; cttimeout policies\n"
"                          (-R on a -w recording: as recorded at --at)\n"
"      --expect            the expectation table (ftp, sip, ... helpers;\n"
"                          -R on a -w recording: as recorded at --at)\n"
"\n"
"Source:\n"
"      --netns NAME|PATH   read the table of another network namespace\n"
"      --record FILE       also save the raw netlink dump to FILE\n"
"  -R, --read FILE         read the table from FILE instead of the kernel,\n"
"                          told by its content: conntrack -L text (any -o),\n"
"                          /proc/net/nf_conntrack or ip_conntrack, a\n"
"                          --record file or a -w recording; '-' (also\n"
"                          alone, as 'ctop -')\n"
"                          reads standard input; with -E, conntrack -E text;\n"
"                          gzip, xz or zstd compressed, through the tool\n"
"      --replay FILE       the same as --read\n"
"\n"
"Flight recorder:\n"
"  -w, --write FILE        record the table every -d seconds (default 10) into\n"
"                          FILE, appending: figures, statistics, added and\n"
"                          removed, early-drop candidates, top --top (10)\n"
"                          sources, destinations, ports, states, zones\n"
"      --full-every N      also the whole table every N intervals\n"
"      --max-size BYTES    start a new FILE past BYTES (K, M, G), the old one\n"
"                          kept as FILE.1\n"
"      --at TIME           -R on a -w recording: that instant (-g and --stats\n"
"                          from its summary, the list from the last full\n"
"                          table); default the end\n"
"      --from T1 --to T2   -R on a -w recording: a time series of the figures\n"
"                          and top sources (text, csv, json)\n"
"                          TIME: 2026-12-01T03:12, 03:12, -1h, @SECONDS, now\n"
"                          On the screen, [ ] { } ( ) step an interval, a\n"
"                          minute, an hour through a -w recording; t jumps\n"
"\n"
"Events:\n"
"  -E, --events            print conntrack events (new, update, destroy) as\n"
"                          they happen, one line each, until interrupted or\n"
"                          -n events; -o json for JSON lines; lost events\n"
"                          print an overflow line\n"
"      --buffer-size BYTES event socket buffer (K, M, G suffixes; default\n"
"                          8M; grows on overflow up to 64M)\n"
"      --self-check SECONDS  keep a table from events for SECONDS, then\n"
"                          compare it with a fresh dump (exit 1 if differs;\n"
"                          flows that ended without an event are said apart)\n"
"\n"
"Deleting:\n"
"  -D, --delete            delete every flow FILTER matches (a filter is\n"
"                          required), by tuple, zone and conntrack id; the\n"
"                          flows deleted are printed, a summary on stderr\n"
"\n"
"Screen:\n"
"      --readonly          disable every delete key\n"
"      --no-color          no colors (so does NO_COLOR in the environment)\n"
"  -l, --lookup            show host names (reverse DNS, never blocking)\n"
"      --resync SECONDS    the screen follows conntrack events; also re-read\n"
"                          the whole table every SECONDS (default 0: only\n"
"                          after lost events or a count drift)\n"
"      --sweep-budget PERCENT  CPU, as % of one core, the screen may spend\n"
"                          finding flows that end without an event\n"
"                          (default 2; 0 = never)\n"
"\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n"
"\n"
"FILTER is an expression, as with tcpdump, e.g.\n"
"  ctop -1 tcp and dport 443 and not src 10.0.0.0/8\n"
"Terms: tcp udp udplite icmp icmpv6 sctp dccp gre esp ah, proto N, ipv4, ipv6,\n"
"  src|dst|host ADDR[/LEN], sport|dport|port N[-M], state NAME, assured,\n"
"  unreplied, seen_reply, snat, dnat, nat, mark N[/MASK], zone N, id N,\n"
"  ttl <|<=|>|>=|= N, 'reply' before src/dst/host/ports for the reply tuple,\n"
"  'orig zone N' / 'reply zone N' for one direction's zone (zone N: either),\n"
"  and, or, not, ( ).\n"
"\n"
"Exit status: 0 success, 1 runtime failure (kernel, namespace, privileges,\n"
"a delete the kernel did not carry out),\n"
"2 bad usage (option or filter). Reading the table needs CAP_NET_ADMIN.\n",
	out);
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Bytes with an optional K, M or G suffix (powers of 1024). */
static int parse_size(const char *s, long min, long max, long *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': v *= 1024; end++; break;
	case 'm': case 'M': v *= 1024 * 1024; end++; break;
	case 'g': case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || !(v >= min) || v > max)
		return -1;
	*out = (long)v;
	return 0;
}

static int parse_format(const char *s, enum batch_format *f)
{
	if (!strcasecmp(s, "text"))
		*f = BATCH_TEXT;
	else if (!strcasecmp(s, "json"))
		*f = BATCH_JSON;
	else if (!strcasecmp(s, "csv"))
		*f = BATCH_CSV;
	else
		return -1;
	return 0;
}

/* Join the trailing arguments with single spaces, as tcpdump does. */
static char *join_args(int argc, char **argv)
{
	size_t len = 1, off = 0;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (i)
			s[off++] = ' ';
		memcpy(s + off, argv[i], n);
		off += n;
	}
	s[off] = '\0';
	return s;
}

static int usage_error(struct ctop_err *err, const char *fmt, const char *arg)
{
	return err_set(err, CTOP_EXIT_USAGE, fmt, arg);
}

/* The first option given that --delete does not take, or NULL. It is a
 * mode of its own: one dump, the deletes, the flows deleted written. */
static const char *delete_conflict(const struct cli *cli, bool once)
{
	if (once || cli->batch || cli->iterations >= 0)
		return "-1, -b or -n";
	if (cli->group != GROUP_NONE || cli->top)
		return "-g or --top";
	if (cli->sort_set || cli->reverse)
		return "-s or -r";
	if (cli->events || cli->self_check > 0)
		return "-E or --self-check";
	if (cli->stats || cli->timeouts || cli->expect || cli->metrics ||
	    cli->output)
		return "--stats, --timeouts, --expect, -o openmetrics/prometheus or --output";
	if (cli->replay || cli->record)
		return "-R/--read, --replay or --record (deletes need the live kernel)";
	if (cli->readonly || cli->no_color || cli->resolve || cli->resync_set)
		return "--readonly, --no-color, -l or --resync";
	if (cli->sweep_budget_set)
		return "--sweep-budget";
	if (cli->delay_set || cli->buffer_size)
		return "-d or --buffer-size";
	return NULL;
}

/* Options that would be silently ignored together are refused, so a
 * script never gets something other than what it asked for. */
static int cli_conflicts(const struct cli *cli, bool once,
			 struct ctop_err *err)
{
	const char *with;

	if (cli->delete && (with = delete_conflict(cli, once)))
		return usage_error(err, "--delete does not go with %s", with);
	if (once && cli->iterations != 1)
		return usage_error(err, "%s", "-1 prints one snapshot: drop -1 or -n");
	if (cli->top && cli->group == GROUP_NONE && !cli->stats && !cli->write &&
	    !cli->replay)
		return usage_error(err, "%s", "--top applies to -g/--group (and --stats)");
	if (cli->group != GROUP_NONE && cli->sort_set)
		return usage_error(err, "%s", "-g orders groups by flows: --sort does not apply");
	if (cli->output && !(cli->stats || cli->timeouts || cli->expect ||
			     cli->metrics))
		return usage_error(err, "%s", "--output writes reports: --stats, --timeouts, --expect, -o openmetrics or -o prometheus");
	if ((cli->full_every || cli->max_size) && !cli->write)
		return usage_error(err, "%s", "--full-every and --max-size go with -w/--write");
	if ((cli->at || cli->from || cli->to) && !cli->replay)
		return usage_error(err, "%s", "--at, --from and --to go with -R/--read");
	if (cli->at && (cli->from || cli->to))
		return usage_error(err, "%s", "--at is one instant, --from/--to a series: choose one");
	if (cli->write && (cli->replay || cli->record || cli->delete ||
			   cli->events || cli->self_check > 0 || cli->stats ||
			   cli->timeouts || cli->expect || cli->metrics ||
			   cli->group != GROUP_NONE || cli->sort_set || once))
		return usage_error(err, "%s", "-w records on its own: it takes a filter, -d, -n, --top, --full-every, --max-size, --netns");
	if (cli->replay && cli->netns)
		return usage_error(err, "%s", "-R/--read reads a file: --netns does not apply");
	if (cli->replay && cli->record)
		return usage_error(err, "%s", "-R/--read and --record do not go together");
	return 0;
}

/* Seconds as a decimal number within [min, max]; ZERO_OK also takes 0. */
static int parse_seconds(const char *s, double min, double max, bool zero_ok,
			 double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v > max ||
	    !(v >= min || (zero_ok && v == 0)))
		return -1;
	*out = v;
	return 0;
}

static int parse_sort(const char *name, struct cli *cli, struct ctop_err *err)
{
	const struct column *col = column_by_name(name);

	if (!col)
		return err_set(err, CTOP_EXIT_USAGE,
			       "unknown sort column '%s' (columns: %s)",
			       name, columns_names());
	cli->sort = col->id;
	cli->sort_set = true;
	return 0;
}

static int parse_columns(const char *list, struct cli *cli,
			 struct ctop_err *err)
{
	char bad[64];
	int r = columns_parse(list, cli->cols, &cli->ncols, CLI_MAX_COLS, bad,
			      sizeof(bad));

	if (r == -2)
		return err_set(err, CTOP_EXIT_USAGE,
			       "too many columns (at most %d)", CLI_MAX_COLS);
	if (r)
		return err_set(err, CTOP_EXIT_USAGE,
			       "unknown column '%s' (columns: %s)", bad,
			       columns_names());
	return 0;
}

/* Options of the output: format, columns, order, grouping. Returns 0,
 * -1 with err filled, or 1 when C is not one of them. */
static int output_option(int c, const char *arg, struct cli *cli,
			 struct ctop_err *err)
{
	long v;
	int ok;

	switch (c) {
	case 'o':
		/* The metrics are a report (report.c), not a flow writer:
		 * they leave format as it was. */
		cli->metrics = !strcasecmp(arg, "openmetrics") ? METRICS_OPENMETRICS :
			       !strcasecmp(arg, "prometheus") ? METRICS_PROMETHEUS :
			       METRICS_NONE;
		if (!cli->metrics && parse_format(arg, &cli->format))
			return usage_error(err, "unknown format '%s' (text, json, csv, openmetrics, prometheus)", arg);
		return 0;
	case 'H':
		cli->header = false;
		return 0;
	case 'c':
		return parse_columns(arg, cli, err);
	case 's':
		return parse_sort(arg, cli, err);
	case 'r':
		cli->reverse = true;
		return 0;
	case 'g':
		cli->group = group_by_name(arg, &ok);
		if (!ok || cli->group == GROUP_NONE)
			return usage_error(err, "unknown group '%s' (src, dst, pair, sport, dport, proto, state, mark, zone)", arg);
		return 0;
	case OPT_TOP:
		if (parse_long(arg, 1, 1000000000L, &v))
			return usage_error(err, "--top wants a positive count, not '%s'", arg);
		cli->top = v;
		return 0;
	default:
		return 1;
	}
}

/* Every other option. Returns 0, -1 with err filled, or 1 when C is not
 * an option at all. */
static int mode_option(int c, const char *arg, struct cli *cli, bool *once,
		       struct ctop_err *err)
{
	long v;

	switch (c) {
	case '1':
		cli->batch = true;
		*once = true;
		if (cli->iterations < 0)
			cli->iterations = 1;
		return 0;
	case 'b':
		cli->batch = true;
		return 0;
	case 'n':
		if (parse_long(arg, 0, 1000000000L, &v))
			return usage_error(err, "-n wants a count, not '%s'", arg);
		cli->iterations = v;
		return 0;
	case 'd':
		if (parse_seconds(arg, 0.05, 86400, false, &cli->delay))
			return usage_error(err, "-d wants seconds between 0.05 and 86400, not '%s'", arg);
		cli->delay_set = true;
		return 0;
	case OPT_NETNS:
		if (!*arg)
			return usage_error(err, "--netns wants a name or path%s", "");
		cli->netns = arg;
		return 0;
	case OPT_READONLY:
		cli->readonly = true;
		return 0;
	case OPT_NO_COLOR:
		cli->no_color = true;
		return 0;
	case 'l':
		cli->resolve = true;
		return 0;
	case OPT_RECORD:
		cli->record = arg;
		return 0;
	case OPT_REPLAY:
	case 'R':
		if (cli->replay)
			return usage_error(err, "%s", "one input only: -R/--read or --replay once");
		cli->replay = arg;
		return 0;
	case OPT_STATS:
		cli->stats = true;
		return 0;
	case OPT_TIMEOUTS:
		cli->timeouts = true;
		return 0;
	case OPT_EXPECT:
		cli->expect = true;
		return 0;
	case 'E':
		cli->events = true;
		return 0;
	case 'D':
		cli->delete = true;
		return 0;
	case OPT_BUFFER_SIZE:
		if (parse_size(arg, 4096, 1L << 30, &v))
			return usage_error(err, "--buffer-size wants bytes between 4K and 1G, not '%s'", arg);
		cli->buffer_size = v;
		return 0;
	case OPT_SELF_CHECK:
		if (parse_seconds(arg, 0.1, 86400, false, &cli->self_check))
			return usage_error(err, "--self-check wants seconds between 0.1 and 86400, not '%s'", arg);
		return 0;
	case 'w':
		cli->write = arg;
		return 0;
	case OPT_FULL_EVERY:
		if (parse_long(arg, 1, 1000000L, &v))
			return usage_error(err, "--full-every wants a count of intervals, not '%s'", arg);
		cli->full_every = v;
		return 0;
	case OPT_MAX_SIZE:
		if (parse_size(arg, 65536, LONG_MAX, &v))
			return usage_error(err, "--max-size wants bytes, at least 64K, not '%s'", arg);
		cli->max_size = v;
		return 0;
	case OPT_AT:
		cli->at = arg;
		return 0;
	case OPT_FROM:
		cli->from = arg;
		return 0;
	case OPT_TO:
		cli->to = arg;
		return 0;
	case OPT_OUTPUT:
		if (!*arg)
			return usage_error(err, "--output wants a file name%s", "");
		cli->output = arg;
		return 0;
	case OPT_RESYNC:
		cli->resync_set = true;
		if (parse_seconds(arg, 1, 86400, true, &cli->resync))
			return usage_error(err, "--resync wants 0 or seconds between 1 and 86400, not '%s'", arg);
		return 0;
	case OPT_SWEEP_BUDGET:
		cli->sweep_budget_set = true;
		if (parse_seconds(arg, 0, 100, true, &cli->sweep_budget))
			return usage_error(err, "--sweep-budget wants a percentage from 0 to 100, not '%s'", arg);
		return 0;
	case 'h':
		cli->help = true;
		return 0;
	case 'V':
		cli->version = true;
		return 0;
	default:
		return 1;
	}
}

static int bad_option(int c, char **argv, struct ctop_err *err)
{
	if (c == ':')
		return usage_error(err, "option '%s' needs a value", argv[optind - 1]);
	if (optopt)
		return err_set(err, CTOP_EXIT_USAGE, "unknown option '-%c'", optopt);
	return err_set(err, CTOP_EXIT_USAGE, "unknown option '%s'", argv[optind - 1]);
}

int cli_parse(int argc, char **argv, struct cli *cli, struct ctop_err *err)
{
	bool once = false;
	int c, r;

	memset(cli, 0, sizeof(*cli));
	cli->delay = 1.0;
	cli->resync = 0;
	cli->sweep_budget = SWEEP_BUDGET_DEFAULT;
	cli->iterations = -1;
	cli->header = true;
	cli->ncols = columns_default(cli->cols, CLI_MAX_COLS);

	/* 0, not 1: a full reset (glibc and musl both take 0 so), or a
	 * second call would resume the previous call's option cluster
	 * ("-1Zb" left "b" pending) from its argv. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":1bn:d:o:Hc:s:rg:lhVEDw:R:", long_opts,
				NULL)) != -1) {
		r = output_option(c, optarg, cli, err);
		if (r == 1)
			r = mode_option(c, optarg, cli, &once, err);
		if (r == 1)
			return bad_option(c, argv, err);
		if (r)
			return -1;
		if (cli->help || cli->version)
			return 0;
	}
	/* "ctop -": the table on standard input, as with cat and less. A
	 * filter never begins with "-". */
	if (optind < argc && !strcmp(argv[optind], "-")) {
		if (cli->replay)
			return usage_error(err, "%s", "one input only: '-' or -R/--read");
		cli->replay = "-";
		optind++;
	}
	if (cli_conflicts(cli, once, err))
		return -1;
	cli->filter = join_args(argc - optind, argv + optind);
	if (!cli->filter)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	/* An empty filter matches every flow: too easy to type by mistake. */
	if (cli->delete && !cli->filter[strspn(cli->filter, " \t")]) {
		cli_free(cli);
		return usage_error(err, "%s", "--delete needs a filter (every flow: 'ipv4 or ipv6')");
	}
	return 0;
}

void cli_free(struct cli *cli)
{
	free(cli->filter);
	cli->filter = NULL;
}

bool cli_wants_report(const struct cli *cli)
{
	return cli->stats || cli->timeouts || cli->expect || cli->metrics;
}

/* Batch, and one snapshot unless -n said how many. */
static void to_batch(struct cli *cli)
{
	cli->batch = true;
	if (cli->iterations < 0)
		cli->iterations = 1;
}

int cli_settle(struct cli *cli, bool out_tty, struct ctop_err *err)
{
	bool report = cli_wants_report(cli);

	/* Reports: --stats, --timeouts and --expect on a terminal open the
	 * screen on the matching view (P, T, E); with -1, -b, -n or a pipe
	 * they print, alone one snapshot. Metrics are always batch. */
	if (report && !cli->batch &&
	    (cli->metrics || cli->iterations >= 0 || !out_tty))
		to_batch(cli);
	/* -E and --self-check are streams of their own: -n counts events. */
	if (cli->events || cli->self_check > 0)
		return 0;
	/* The recorder runs until stopped (or -n intervals), whatever its
	 * standard output is. */
	if (cli->write && cli->iterations < 0)
		cli->iterations = 0;
	/* Output into a pipe or file means batch. Without -b or -n that is
	 * one snapshot (ctop | less); an explicit -b repeats like top -b. */
	if (!cli->batch && !out_tty)
		to_batch(cli);
	if (cli->iterations < 0)
		cli->iterations = 0;
	/* Batch output streams in the kernel's order unless sorted, so a
	 * lone -r would be silently ignored. */
	if (cli->batch && cli->reverse && !cli->sort_set && !report)
		return err_set(err, CTOP_EXIT_USAGE,
			       "-r/--reverse needs -s/--sort in batch mode");
	return 0;
}
