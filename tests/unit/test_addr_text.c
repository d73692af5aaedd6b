/* The hand-written address parsers (addr_text.c) against the C library's
 * inet_pton(): every listed form, then generated ones (random addresses
 * in every way they can be written: full, zero runs folded at each place,
 * with a dotted quad, upper case) and mutations of them (a byte changed,
 * dropped or added), which must be accepted or refused exactly as
 * inet_pton() does, with the same bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "addr_text.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_rand(void)
{
	/* xorshift64*: reproducible on every libc. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ull) >> 32);
}

static unsigned checked;

typedef const char *parse_fn(const char *p, const char *e, uint8_t *out);

/* S must be accepted by both or by neither, with the same bytes. */
static void same_for(const char *s, int af, parse_fn *parse, size_t len)
{
	size_t n = strlen(s);
	uint8_t want[16], got[16];
	const char *end;
	int ok;

	memset(got, 0xa5, sizeof(got));
	ok = inet_pton(af, s, want) == 1;
	end = parse(s, s + n, got);
	if ((end == s + n) != ok)
		fail_msg("%s \"%s\": inet_pton %s, addr_text %s",
			 af == AF_INET ? "IPv4" : "IPv6", s,
			 ok ? "accepts" : "refuses",
			 end == s + n ? "accepts" : "refuses");
	if (ok)
		assert_memory_equal(got, want, len);
}

static const char *v4(const char *p, const char *e, uint8_t *out)
{
	return addr_text_v4(p, e, out);
}

static const char *v6(const char *p, const char *e, uint8_t *out)
{
	return addr_text_v6(p, e, out);
}

static void same_as_pton(const char *s)
{
	same_for(s, AF_INET, v4, 4);
	same_for(s, AF_INET6, v6, 16);
	checked++;
}

static void test_listed_forms(void **state)
{
	static const char *const forms[] = {
		"0.0.0.0", "1.2.3.4", "255.255.255.255", "10.0.1.114",
		"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04",
		"1.2.3.0", "1..3.4", ".1.2.3", "1.2.3.", "1234.1.1.1",
		"1.2.3.4 ", " 1.2.3.4", "", ".", "-1.2.3.4", "1.2.3.4x",
		"::", "::1", "1::", "fd00::181", "fd00:1::1",
		"fd00:0000:0000:0000:0000:0000:0000:0181",
		"FD00:0:0:0:0:0:0:1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
		"::2:3:4:5:6:7:8", "1::3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
		"1::2:3:4:5:6:7:8", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::",
		":::", "1:::2", "1::2::3", ":1", "1:", ":1::", "1:2:3:4:5:6:7",
		"12345::", "0000:0000::", "00000::", "g::", "::g",
		"::ffff:1.2.3.4", "::ffff:01.2.3.4", "::1.2.3.4",
		"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
		"1:2:3:4:5::1.2.3.4", "1:2:3:4:5:6::1.2.3.4",
		"::ffff:1.2.3", "::ffff:1.2.3.4.5", "::ffff:256.1.1.1",
		"::ffff:1.2.3.4:1", "1.2.3.4::", "::1.2.3.4::", "::.1.2.3",
		"1::.", "::ffff:a.2.3.4", "ffff1.2.3.4", "::1234.1.1.1",
		"fe80::1%eth0", "[::1]", "::1 ",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		same_as_pton(forms[i]);
}

/* An address written one of the ways IPv6 allows. */
static void write_v6(char *buf, size_t len, const uint8_t a[16])
{
	unsigned g[8], from = 8, run = 0, quad = next_rand() % 4 == 0;
	unsigned groups = quad ? 6 : 8, style = next_rand() % 3;
	size_t k = 0;

	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	/* Fold a random run of zero groups (there may be none). */
	for (unsigned s = next_rand() % groups; s < groups; s++) {
		unsigned r = 0;

		while (s + r < groups && !g[s + r])
			r++;
		if (r) {
			from = s;
			run = 1 + next_rand() % r;
			break;
		}
	}
	for (unsigned i = 0; i < groups; i++) {
		if (i == from) {
			k += (size_t)snprintf(buf + k, len - k, "%s", i ? ":" : "::");
			i += run - 1;
			if (i + 1 == groups && !quad)
				break;
			continue;
		}
		k += (size_t)snprintf(buf + k, len - k,
				      style == 0 ? "%04x" : style == 1 ? "%x" : "%X",
				      g[i]);
		if (i + 1 < groups || quad)
			k += (size_t)snprintf(buf + k, len - k, ":");
	}
	if (quad)
		snprintf(buf + k, len - k, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
	else if (k && buf[k - 1] == ':' && (k < 2 || buf[k - 2] != ':'))
		buf[k - 1] = '\0';
}

static void random_addr(uint8_t a[16])
{
	for (int i = 0; i < 16; i++) {
		/* Mostly zero groups, so that runs come. */
		a[i] = next_rand() % 3 ? 0 : (uint8_t)next_rand();
	}
}

/* BUF changed by one byte from the addresses' alphabet. */
static void mutate(char *buf, size_t len)
{
	static const char alphabet[] = "0123456789abcdefABCDEFg:.:. ";
	size_t n = strlen(buf), at = n ? next_rand() % (n + 1) : 0;
	char c = alphabet[next_rand() % (sizeof(alphabet) - 1)];

	switch (next_rand() % 3) {
	case 0:
		if (at < n)
			buf[at] = c;
		break;
	case 1:
		if (at < n)
			memmove(buf + at, buf + at + 1, n - at);
		break;
	default:
		if (n + 1 < len) {
			memmove(buf + at + 1, buf + at, n - at + 1);
			buf[at] = c;
		}
		break;
	}
}

static void test_generated_forms(void **state)
{
	char buf[96], text[INET6_ADDRSTRLEN];
	uint8_t a[16];

	(void)state;
	for (int i = 0; i < 40000; i++) {
		random_addr(a);
		write_v6(buf, sizeof(buf), a);
		same_as_pton(buf);
		for (int m = 0; m < 3; m++) {
			mutate(buf, sizeof(buf));
			same_as_pton(buf);
		}
		/* The C library's own shortest form. */
		assert_non_null(inet_ntop(AF_INET6, a, text, sizeof(text)));
		same_as_pton(text);
		/* Dotted quads, with and without leading zeros. */
		snprintf(buf, sizeof(buf), next_rand() % 4 ? "%u.%u.%u.%u"
							   : "%03u.%u.%02u.%u",
			 a[0] | (uint8_t)next_rand(), (uint8_t)next_rand(),
			 a[15], (uint8_t)next_rand());
		same_as_pton(buf);
		mutate(buf, sizeof(buf));
		same_as_pton(buf);
	}
	/* Short strings of the alphabet, at random. */
	for (int i = 0; i < 100000; i++) {
		static const char alphabet[] = "0123456789af:.";
		size_t n = next_rand() % 24;

		for (size_t k = 0; k < n; k++)
			buf[k] = alphabet[next_rand() % (sizeof(alphabet) - 1)];
		buf[n] = '\0';
		same_as_pton(buf);
	}
	assert_true(checked > 300000);
}

/* The parsers stop at the address's end and never read past E. */
static void test_stops_at_end(void **state)
{
	const char *s = "10.0.1.3 dst=fd00::1 x";
	uint8_t a[16];

	(void)state;
	assert_ptr_equal(addr_text_v4(s, s + strlen(s), a), s + 8);
	assert_memory_equal(a, "\x0a\x00\x01\x03", 4);
	/* "10.0.1.3" cut at "10.0.1": no address. */
	assert_null(addr_text_v4(s, s + 6, a));
	assert_ptr_equal(addr_text_v6(s + 13, s + strlen(s), a), s + 20);
	assert_int_equal(a[0], 0xfd);
	assert_int_equal(a[15], 1);
	/* "fd00::1" cut at "fd00:": refused, not read on. */
	assert_null(addr_text_v6(s + 13, s + 18, a));
	/* Cut at "fd00::": all of it is "fd00::". */
	assert_ptr_equal(addr_text_v6(s + 13, s + 19, a), s + 19);
	assert_int_equal(a[15], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listed_forms),
		cmocka_unit_test(test_generated_forms),
		cmocka_unit_test(test_stops_at_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
