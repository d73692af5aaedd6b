/* What ctop prints of a flow from outside: one ctnetlink message (as in
 * fuzz_flow) through the text writer with every column, CSV and JSON,
 * and an oracle on the bytes written, since helper names and labels come
 * from the kernel or another machine's file:
 *   - text and CSV carry no control character (C0, DEL or C1, which a
 *     terminal may obey: ESC [2J, 0x9b) and no invalid UTF-8, only the
 *     newline that ends each line;
 *   - JSON is one valid JSON document (RFC 8259: structure, escapes,
 *     UTF-8), what json.loads and jq accept.
 * A violation aborts, so libFuzzer keeps the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "batch.h"
#include "columns.h"
#include "source.h"
#include "fuzz.h"

/* Length of the UTF-8 sequence at s (at most n bytes), 0 if invalid:
 * overlong forms, surrogates and code points past U+10FFFF are invalid.
 * *cp gets the code point. */
static size_t utf8_len(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len;
	unsigned long c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, c = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, c = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Text and CSV: printable UTF-8 and newlines only. */
static void check_plain(const unsigned char *s, size_t n, const char *what)
{
	unsigned long cp;
	size_t k;

	for (size_t i = 0; i < n; i += k) {
		k = utf8_len(s + i, n - i, &cp);
		if (!k || (cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp < 0xa0)) {
			fprintf(stderr, "%s: byte 0x%02x at %zu of %zu is not printable\n",
				what, s[i], i, n);
			abort();
		}
	}
}

/* ---- a strict JSON reader, enough to say yes or no ---- */

struct json {
	const unsigned char *s;
	size_t n, i;
	int depth;
};

static void json_fail(const struct json *j, const char *why)
{
	fprintf(stderr, "JSON: %s at byte %zu of %zu: %.*s\n", why, j->i, j->n,
		(int)j->n, (const char *)j->s);
	abort();
}

static void json_ws(struct json *j)
{
	while (j->i < j->n && strchr(" \t\r\n", j->s[j->i]) && j->s[j->i])
		j->i++;
}

static void json_value(struct json *j);

static void json_string(struct json *j)
{
	unsigned long cp;
	size_t k;

	j->i++;		/* the opening quote */
	while (j->i < j->n && j->s[j->i] != '"') {
		if (j->s[j->i] == '\\') {
			j->i++;
			if (j->i >= j->n)
				json_fail(j, "cut escape");
			if (j->s[j->i] == 'u') {
				for (int d = 1; d <= 4; d++)
					if (j->i + d >= j->n ||
					    !strchr("0123456789abcdefABCDEF", j->s[j->i + d]) ||
					    !j->s[j->i + d])
						json_fail(j, "bad \\u escape");
				j->i += 5;
			} else if (j->s[j->i] && strchr("\"\\/bfnrt", j->s[j->i])) {
				j->i++;
			} else {
				json_fail(j, "bad escape");
			}
			continue;
		}
		k = utf8_len(j->s + j->i, j->n - j->i, &cp);
		if (!k)
			json_fail(j, "invalid UTF-8 in a string");
		if (cp < 0x20)
			json_fail(j, "raw control character in a string");
		j->i += k;
	}
	if (j->i >= j->n)
		json_fail(j, "unterminated string");
	j->i++;
}

static void json_number(struct json *j)
{
	size_t start = j->i;

	if (j->s[j->i] == '-')
		j->i++;
	if (j->i < j->n && j->s[j->i] == '0')
		j->i++;
	else if (j->i < j->n && j->s[j->i] >= '1' && j->s[j->i] <= '9')
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
	else
		json_fail(j, "bad number");
	if (j->i < j->n && j->s[j->i] == '.') {
		j->i++;
		if (j->i >= j->n || j->s[j->i] < '0' || j->s[j->i] > '9')
			json_fail(j, "bad fraction");
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (j->i >= j->n || j->s[j->i] < '0' || j->s[j->i] > '9')
			json_fail(j, "bad exponent");
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
	}
	if (j->i == start)
		json_fail(j, "empty number");
}

static void json_word(struct json *j, const char *w)
{
	size_t len = strlen(w);

	if (j->n - j->i < len || memcmp(j->s + j->i, w, len))
		json_fail(j, "bad literal");
	j->i += len;
}

static void json_items(struct json *j, char close, bool keyed)
{
	j->i++;
	json_ws(j);
	if (j->i < j->n && j->s[j->i] == close) {
		j->i++;
		return;
	}
	for (;;) {
		json_ws(j);
		if (keyed) {
			if (j->i >= j->n || j->s[j->i] != '"')
				json_fail(j, "expected a key");
			json_string(j);
			json_ws(j);
			if (j->i >= j->n || j->s[j->i] != ':')
				json_fail(j, "expected ':'");
			j->i++;
		}
		json_value(j);
		json_ws(j);
		if (j->i < j->n && j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->n && j->s[j->i] == close) {
			j->i++;
			return;
		}
		json_fail(j, "expected ',' or the end");
	}
}

static void json_value(struct json *j)
{
	json_ws(j);
	if (j->i >= j->n)
		json_fail(j, "expected a value");
	if (++j->depth > 64)
		json_fail(j, "nested too deep");
	switch (j->s[j->i]) {
	case '{':
		json_items(j, '}', true);
		break;
	case '[':
		json_items(j, ']', false);
		break;
	case '"':
		json_string(j);
		break;
	case 't':
		json_word(j, "true");
		break;
	case 'f':
		json_word(j, "false");
		break;
	case 'n':
		json_word(j, "null");
		break;
	default:
		json_number(j);
	}
	j->depth--;
}

static void check_json(const unsigned char *s, size_t n)
{
	struct json j = { .s = s, .n = n };

	json_value(&j);
	json_ws(&j);
	if (j.i != n)
		json_fail(&j, "text after the document");
}

/* ---- the harness ---- */

static void print(const struct flow *f, enum batch_format format)
{
	static enum column_id cols[128];
	static size_t ncols;
	struct batch_opts opts = { .format = format, .header = true };
	struct batch_snapshot snap = { .time_ns = 1700000000000000000ull,
				       .filter = "" };
	struct batch *b;
	char *out = NULL, bad[64];
	size_t len = 0;
	FILE *mem;

	if (!ncols && columns_parse(columns_names(), cols, &ncols, 128, bad,
				    sizeof(bad)) != 0)
		abort();	/* every column's name must parse */
	mem = open_memstream(&out, &len);
	if (!mem)
		abort();
	opts.cols = cols;
	opts.ncols = ncols;
	b = batch_new(mem, &opts);
	if (!b)
		abort();
	batch_fit(b, &f, 1);
	batch_begin(b, &snap);
	batch_flow(b, f);
	batch_end(b, 1, 1);
	batch_free(b);
	fclose(mem);
	if (format == BATCH_JSON)
		check_json((const unsigned char *)out, len);
	else
		check_plain((const unsigned char *)out, len,
			    format == BATCH_CSV ? "CSV" : "text");
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow f;
	uint8_t *msg = fuzz_first_message(data, size);

	if (!msg)
		return 0;
	if (source_parse_flow(msg, &f) == 0) {
		print(&f, BATCH_TEXT);
		print(&f, BATCH_CSV);
		print(&f, BATCH_JSON);
	}
	free(msg);
	return 0;
}
