/* Sparklines: a row of values as one line of block characters (Unicode
 * "▁▂▃▄▅▆▇█") or, where the terminal's locale is not UTF-8, ASCII
 * ("_.-:=+*#"). Pure: the screen's header and pressure view draw them;
 * they read the same without color. */
#ifndef CTOP_SPARK_H
#define CTOP_SPARK_H

#include <stdbool.h>
#include <stddef.h>

#define SPARK_LEVELS 8

/* The level (0..7) of V on a scale from 0 to MAX; -1 for a gap (V < 0,
 * nothing recorded there). A non-zero value never draws as level 0, so a
 * single drop shows. */
int spark_level(double v, double max);
/* N values into BUF (NUL-terminated, at most LEN bytes); a gap is a
 * space. MAX <= 0: the largest value. Returns the columns drawn. */
size_t spark_render(char *buf, size_t len, const double *v, size_t n,
		    double max, bool utf8);
/* A share as a bar of WIDTH columns, eighths in UTF-8 ("█████▍"), '#'
 * in ASCII. Returns the columns drawn. */
size_t spark_bar(char *buf, size_t len, double share, size_t width,
		 bool utf8);

#endif
