/* The binding table against the manual: the KEYS section of man/ctop.8
 * names every key that is bound, and no key that is not (the tags of
 * its .TP entries, in bold). The help screen lists every binding. Run
 * from the top of the tree (tests/run does), or with CTOP_MAN set. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/bindings.h"
#include "tui/help.h"

#define MAX_NAMES 128

struct names {
	char v[MAX_NAMES][24];
	size_t n;
};

static void names_add(struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return;
	assert_true(s->n < MAX_NAMES);
	snprintf(s->v[s->n++], sizeof(s->v[0]), "%s", name);
}

static bool names_has(const struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return true;
	return false;
}

/* roff escapes the man page uses in key names: \- and \e. */
static void unescape(char *s)
{
	char *o = s;

	for (const char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] == '-') {
			*o++ = '-';
			p++;
		} else if (p[0] == '\\' && p[1] == 'e') {
			*o++ = '\\';
			p++;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

/* The bold words of a ".B X" or ".BR a b c ..." line: arguments, quoted
 * or not; .BR alternates bold and roman, starting bold. */
static void tag_names(const char *line, struct names *out)
{
	bool alternate = !strncmp(line, ".BR ", 4);
	const char *p = line + (alternate ? 4 : 3);
	int arg = 0;

	while (*p) {
		char word[64];
		size_t n = 0;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			for (p++; *p && *p != '"' && n + 1 < sizeof(word); p++)
				word[n++] = *p;
			if (*p == '"')
				p++;
		} else {
			for (; *p && *p != ' ' && n + 1 < sizeof(word); p++)
				word[n++] = *p;
		}
		word[n] = '\0';
		if (!alternate || arg % 2 == 0) {
			unescape(word);
			names_add(out, word);
		}
		arg++;
	}
}

static void man_keys(struct names *out)
{
	const char *path = getenv("CTOP_MAN") ? getenv("CTOP_MAN") : "man/ctop.8";
	FILE *f = fopen(path, "r");
	char line[512];
	bool in_keys = false, tag_next = false;

	if (!f)
		fail_msg("cannot read %s (run from the top of the tree)", path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, ".SH ", 4)) {
			in_keys = !strcmp(line, ".SH KEYS");
			continue;
		}
		if (!in_keys)
			continue;
		if (!strcmp(line, ".TP")) {
			tag_next = true;
			continue;
		}
		if (tag_next && (!strncmp(line, ".B ", 3) ||
				 !strncmp(line, ".BR ", 4)))
			tag_names(line, out);
		tag_next = false;
	}
	fclose(f);
}

static void bound_keys(struct names *out)
{
	for (int bt = 0; bt < BT_COUNT; bt++) {
		size_t n;
		const struct binding *b = bindings_table(bt, &n);

		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < BINDING_KEYS && b[i].keys[k]; k++) {
				char buf[24];

				names_add(out, keycode_name(b[i].keys[k], buf,
							    sizeof(buf)));
			}
	}
}

static void test_man_names_every_binding(void **state)
{
	struct names man = { .n = 0 }, bound = { .n = 0 };

	(void)state;
	man_keys(&man);
	bound_keys(&bound);
	assert_true(man.n > 20);
	for (size_t i = 0; i < bound.n; i++)
		if (!names_has(&man, bound.v[i]))
			fail_msg("key %s is bound but not in the man page's KEYS",
				 bound.v[i]);
	for (size_t i = 0; i < man.n; i++)
		if (!names_has(&bound, man.v[i]))
			fail_msg("the man page's KEYS names %s, which is not bound",
				 man.v[i]);
}

/* Each binding is a line of the help, with its keys and its text. */
static void test_help_lists_every_binding(void **state)
{
	size_t total = 0, lines = 0;
	char buf[256], keys[96];

	(void)state;
	for (int bt = 0; bt < BT_COUNT; bt++) {
		size_t n;
		const struct binding *b = bindings_table(bt, &n);

		for (size_t i = 0; i < n; i++) {
			bool found = false;

			assert_non_null(b[i].help);
			binding_keys_text(&b[i], keys, sizeof(keys));
			for (size_t l = 0; help_line(l, buf, sizeof(buf)); l++)
				found |= strstr(buf, keys) && strstr(buf, b[i].help);
			if (!found)
				fail_msg("help lacks %s (%s)", keys, b[i].help);
			total++;
		}
	}
	while (help_line(lines, buf, sizeof(buf)))
		lines++;
	assert_int_equal(lines, total);
}

/* A key is bound once per table: the first binding would hide the next. */
static void test_no_key_bound_twice(void **state)
{
	(void)state;
	for (int bt = 0; bt < BT_COUNT; bt++) {
		size_t n;
		const struct binding *b = bindings_table(bt, &n);

		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < BINDING_KEYS && b[i].keys[k]; k++)
				for (size_t j = i + 1; j < n; j++)
					for (size_t l = 0; l < BINDING_KEYS &&
					     b[j].keys[l]; l++)
						assert_int_not_equal(b[i].keys[k],
								     b[j].keys[l]);
	}
}

static void test_key_names(void **state)
{
	char buf[24];

	(void)state;
	assert_string_equal(keycode_name(CTRL('r'), buf, sizeof(buf)), "Ctrl-R");
	assert_string_equal(keycode_name(K_ESC, buf, sizeof(buf)), "Esc");
	assert_string_equal(keycode_name('\r', buf, sizeof(buf)), "Enter");
	assert_string_equal(keycode_name('q', buf, sizeof(buf)), "q");
	assert_non_null(bindings_find(MODE_PRESSURE, 'j'));
	assert_non_null(bindings_find(MODE_TIMEOUTS, CTRL('r')));
	assert_null(bindings_find(MODE_PROMPT, 'q'));
	/* q is the list's quit, the views' way back. */
	assert_ptr_not_equal(bindings_find(MODE_LIST, 'q'),
			     bindings_find(MODE_EXPECT, 'q'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_man_names_every_binding),
		cmocka_unit_test(test_help_lists_every_binding),
		cmocka_unit_test(test_no_key_bound_twice),
		cmocka_unit_test(test_key_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
