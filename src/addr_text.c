/* Text addresses by hand (addr_text.h). */
#include <string.h>

#include "addr_text.h"

/* A hex digit's value plus one; 0 for other bytes. */
static const uint8_t hex_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hex_value(char c)
{
	return hex_plus1[(unsigned char)c] - 1;
}

static unsigned digit(char c)
{
	return (unsigned)((unsigned char)c - '0');
}

const char *addr_text_v4(const char *p, const char *e, uint8_t out[4])
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++) {
		unsigned v, d;

		if (i) {
			if (p == e || *p != '.')
				return NULL;
			p++;
		}
		if (p == e || (v = digit(*p)) > 9)
			return NULL;
		p++;
		/* Up to three digits; "01" is refused, as inet_pton()
		 * does. */
		if (p < e && (d = digit(*p)) <= 9) {
			if (!v)
				return NULL;
			v = v * 10 + d;
			p++;
			if (p < e && (d = digit(*p)) <= 9) {
				v = v * 10 + d;
				p++;
				/* A fourth digit is where the address
				 * ends, which the caller refuses. */
				if (v > 255)
					return NULL;
			}
		}
		b[i] = (uint8_t)v;
	}
	memcpy(out, b, 4);
	return p;
}

const char *addr_text_v6(const char *p, const char *e, uint8_t out[16])
{
	uint8_t b[16];
	int n = 0;		/* bytes filled */
	int gap = -1;		/* where "::" stands, in bytes */

	if (p < e && *p == ':') {
		if (e - p < 2 || p[1] != ':')
			return NULL;
		p += 2;
		gap = 0;
		if (p == e || hex_value(*p) < 0)
			goto done;	/* "::" alone */
	}
	for (;;) {
		const char *start = p;
		unsigned v = 0;
		int digits = 0, d;

		while (p < e && (d = hex_value(*p)) >= 0) {
			if (digits == 4)
				return NULL;
			v = v << 4 | (unsigned)d;
			digits++;
			p++;
		}
		if (p < e && *p == '.') {
			/* The last 32 bits as a dotted quad. */
			if (n > 12 || !(p = addr_text_v4(start, e, b + n)))
				return NULL;
			n += 4;
			break;
		}
		if (!digits || n == 16)
			return NULL;
		b[n++] = (uint8_t)(v >> 8);
		b[n++] = (uint8_t)v;
		if (p == e || *p != ':')
			break;
		p++;
		if (p < e && *p == ':') {
			if (gap >= 0)
				return NULL;
			gap = n;
			p++;
			if (p == e || (hex_value(*p) < 0 && *p != '.'))
				break;
		}
	}
done:
	/* Without "::" all 16 bytes; with it, at least one group stood
	 * for. */
	if (gap < 0 ? n != 16 : n == 16)
		return NULL;
	if (gap >= 0) {
		memmove(b + 16 - (n - gap), b + gap, (size_t)(n - gap));
		memset(b + gap, 0, (size_t)(16 - n));
	}
	memcpy(out, b, 16);
	return p;
}
