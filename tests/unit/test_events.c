/* ctop -E lines (batch_event): JSON objects, text with time and tag,
 * CSV rows as wide as the header, overflow markers in each format. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

#define T0 1700000000123456789ULL

static struct flow tcp_flow(void)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	f.family = FLOW_IPV4;
	f.protonum = FLOW_P_TCP;
	inet_pton(AF_INET, "10.0.0.7", f.orig.src.b);
	inet_pton(AF_INET, "10.0.0.1", f.orig.dst.b);
	f.orig.sport = 40000;
	f.orig.dport = 443;
	f.reply.src = f.orig.dst;
	f.reply.dst = f.orig.src;
	f.reply.sport = 443;
	f.reply.dport = 40000;
	f.status = FLOW_S_SEEN_REPLY | FLOW_S_ASSURED | FLOW_S_CONFIRMED;
	f.state = 3;	/* ESTABLISHED */
	f.has = FLOW_HAS_TIMEOUT | FLOW_HAS_STATE;
	f.timeout = 120;
	f.id = 77;
	return f;
}

/* Write events with the given format into a string (caller frees). */
static char *render(enum batch_format format, bool header)
{
	struct batch_opts opts = { .format = format, .header = header };
	struct flow f = tcp_flow();
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct batch *b;

	assert_non_null(fp);
	b = batch_new(fp, &opts);
	assert_non_null(b);
	batch_event(b, T0, "new", &f, 0, 0);
	batch_event(b, T0 + 1000, "overflow", NULL, 42, 0);
	batch_event(b, T0 + 2000, "overflow", NULL, -1, 0);
	f.timeout = 0;
	batch_event(b, T0 + 3000, "destroy", &f, 0, T0 + 2500);
	assert_int_equal(batch_flush(b), 0);
	batch_free(b);
	fclose(fp);
	return text;
}

static char *line(char *text, int n)
{
	char *p = text, *nl;

	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	assert_non_null(p);
	nl = strchr(p, '\n');
	assert_non_null(nl);
	*nl = '\0';
	return p;
}

static void test_json(void **state)
{
	char *text = render(BATCH_JSON, true);
	char *copy = strdup(text);
	int lines = 0;

	(void)state;
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 4);
	/* Microsecond times, the event, the flow object as in snapshots. */
	assert_true(strncmp(line(copy, 0),
			    "{\"time\":1700000000.123456,\"event\":\"new\",\"flow\":{\"id\":77,\"family\":\"ipv4\",\"proto\":\"tcp\"",
			    80) == 0);
	free(copy);
	copy = strdup(text);
	assert_string_equal(line(copy, 1),
			    "{\"time\":1700000000.123457,\"event\":\"overflow\",\"lost\":42}");
	free(copy);
	copy = strdup(text);
	assert_string_equal(line(copy, 2),
			    "{\"time\":1700000000.123458,\"event\":\"overflow\",\"lost\":null}");
	free(copy);
	copy = strdup(text);
	/* A destroy with the kernel's stop time carries it. */
	assert_non_null(strstr(line(copy, 3), "\"event\":\"destroy\",\"stop\":1700000000.123459,\"flow\":{\"id\":77,"));
	assert_non_null(strstr(line(strcpy(copy, text), 0), "\"state\":\"ESTABLISHED\""));
	free(copy);
	free(text);
}

static void test_text(void **state)
{
	char *text = render(BATCH_TEXT, true);
	char *copy = strdup(text);

	(void)state;
	assert_true(strncmp(line(copy, 0), "TIME              EVENT      PROTO", 34) == 0);
	strcpy(copy, text);
	assert_true(strncmp(line(copy, 1), "1700000000.123456 [NEW]      tcp    10.0.0.7:40000", 50) == 0);
	strcpy(copy, text);
	assert_string_equal(line(copy, 2), "# overflow: 42 events lost (1700000000.123457)");
	strcpy(copy, text);
	assert_string_equal(line(copy, 3), "# overflow: events lost, number unknown (1700000000.123458)");
	strcpy(copy, text);
	assert_true(strncmp(line(copy, 4), "1700000000.123459 [DESTROY]  tcp", 32) == 0);
	free(copy);
	free(text);

	/* -H: no header row. */
	text = render(BATCH_TEXT, false);
	assert_true(strncmp(text, "1700000000.123456 [NEW]", 23) == 0);
	free(text);
}

static int fields(const char *s)
{
	int n = 1;

	for (; *s; s++)
		n += *s == ',';
	return n;
}

static void test_csv(void **state)
{
	char *text = render(BATCH_CSV, true);
	char *copy = strdup(text);
	int width;

	(void)state;
	width = fields(line(copy, 0));
	strcpy(copy, text);
	assert_true(strncmp(copy, "time,event,lost,id,family,proto,", 32) == 0);
	for (int i = 1; i <= 4; i++) {
		strcpy(copy, text);
		assert_int_equal(fields(line(copy, i)), width);
	}
	strcpy(copy, text);
	assert_true(strncmp(line(copy, 1), "1700000000.123456,new,,77,ipv4,tcp,", 35) == 0);
	strcpy(copy, text);
	assert_true(strncmp(line(copy, 2), "1700000000.123457,overflow,42,,", 31) == 0);
	strcpy(copy, text);
	assert_true(strncmp(line(copy, 3), "1700000000.123458,overflow,,,", 29) == 0);
	free(copy);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
