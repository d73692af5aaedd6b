/* Sparklines and share bars (spark.h). */
#include <string.h>

#include "spark.h"

static const char *const blocks[SPARK_LEVELS] = {
	"\u2581", "\u2582", "\u2583", "\u2584",
	"\u2585", "\u2586", "\u2587", "\u2588",
};
static const char ascii[SPARK_LEVELS + 1] = "_.-:=+*#";
/* Left eighths, one to seven, for a bar's last column. */
static const char *const eighths[8] = {
	"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a",
	"\u2589",
};

int spark_level(double v, double max)
{
	int l;

	if (v < 0)
		return -1;
	if (max <= 0 || v <= 0)
		return 0;
	l = (int)(v / max * SPARK_LEVELS);
	if (l >= SPARK_LEVELS)
		l = SPARK_LEVELS - 1;
	return l == 0 ? 1 : l;
}

/* Append S if it fits with the NUL. */
static bool put(char *buf, size_t len, size_t *off, const char *s)
{
	size_t n = strlen(s);

	if (*off + n + 1 > len)
		return false;
	memcpy(buf + *off, s, n + 1);
	*off += n;
	return true;
}

size_t spark_render(char *buf, size_t len, const double *v, size_t n,
		    double max, bool utf8)
{
	size_t off = 0, cols = 0;
	char one[2] = { 0, 0 };

	if (!len)
		return 0;
	buf[0] = '\0';
	if (max <= 0)
		for (size_t i = 0; i < n; i++)
			if (v[i] > max)
				max = v[i];
	for (size_t i = 0; i < n; i++) {
		int l = spark_level(v[i], max);
		const char *s;

		if (l < 0)
			s = " ";
		else if (utf8)
			s = blocks[l];
		else {
			one[0] = ascii[l];
			s = one;
		}
		if (!put(buf, len, &off, s))
			break;
		cols++;
	}
	return cols;
}

size_t spark_bar(char *buf, size_t len, double share, size_t width,
		 bool utf8)
{
	size_t off = 0, cols = 0, full, part;
	double units;

	if (!len)
		return 0;
	buf[0] = '\0';
	if (share < 0)
		share = 0;
	if (share > 1)
		share = 1;
	units = share * (double)width * 8.0 + 0.5;
	full = (size_t)units / 8;
	part = (size_t)units % 8;
	for (size_t i = 0; i < full && put(buf, len, &off, utf8 ? blocks[7] : "#"); i++)
		cols++;
	if (part && cols < width && utf8 && put(buf, len, &off, eighths[part]))
		cols++;
	return cols;
}
