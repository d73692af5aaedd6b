/* The interned helper and label tables (flow.c) when more distinct values
 * come than they hold: 300 label sets and 300 helper names. Before, the
 * 256th and later all got slot 255's value, and flows showed another
 * flow's labels; now they get INTERN_TOO_MANY, shown as such. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "format.h"

/* Label set I: I's bits in labels 0-15, and label 127 (all 300
 * distinct, none empty). */
static void label_set(int i, uint8_t bits[16])
{
	memset(bits, 0, 16);
	bits[0] = (uint8_t)i;
	bits[1] = (uint8_t)(i >> 8);
	bits[15] = 0x80;
}

static void test_labels_300(void **state)
{
	uint8_t idx[300], bits[16];
	const uint8_t *got;
	struct flow f;
	char buf[64];
	size_t len;

	(void)state;
	for (int i = 0; i < 300; i++) {
		label_set(i, bits);
		idx[i] = intern_labels(bits, sizeof(bits));
		assert_int_not_equal(idx[i], 0);
	}
	for (int i = 0; i < 300; i++) {
		memset(&f, 0, sizeof(f));
		f.labels = idx[i];
		format_labels(buf, sizeof(buf), &f);
		if (i >= 254) {
			/* No slot left: marked, never another set. */
			assert_int_equal(idx[i], INTERN_TOO_MANY);
			assert_string_equal(buf, "too-many");
			assert_null(intern_labels_bits(idx[i], &len));
			continue;
		}
		assert_int_not_equal(idx[i], INTERN_TOO_MANY);
		label_set(i, bits);
		got = intern_labels_bits(idx[i], &len);
		assert_non_null(got);
		/* Stored without trailing zero bytes. */
		assert_true(len >= 1 && len <= 16);
		assert_memory_equal(got, bits, len);
		for (size_t k = len; k < 16; k++)
			assert_int_equal(bits[k], 0);
	}
	/* A set interned before still finds its own slot. */
	label_set(0, bits);
	assert_int_equal(intern_labels(bits, sizeof(bits)), idx[0]);
}

static void test_helpers_300(void **state)
{
	uint8_t idx[300];
	char name[16];

	(void)state;
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		idx[i] = intern_helper(name);
	}
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		if (i < 254)
			assert_string_equal(intern_helper_name(idx[i]), name);
		else
			assert_string_equal(intern_helper_name(idx[i]),
					    "(too many helpers)");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_300),
		cmocka_unit_test(test_helpers_300),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
