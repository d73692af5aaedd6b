/* Column widths fitted to the content and the terminal, and cells
 * shortened visibly when they still do not fit. Pure: no curses, no
 * locale calls; the screen and the batch text writer both use it, so a
 * cut cell reads the same in both.
 *
 * Widths are counted in terminal cells, one per UTF-8 character (the
 * values ctop writes are ASCII; the ellipsis marker is one cell).
 */
#ifndef CTOP_LAYOUT_H
#define CTOP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most columns one layout holds (a view's columns, or a group row's). */
#define LAYOUT_MAX 40
/* A width kept after the content narrowed by fewer cells than this, so
 * widths do not jitter as rows scroll or refresh. */
#define LAYOUT_SLACK 4

enum layout_kind {
	LAYOUT_FIXED,		/* a short word (proto, state, ttl): whole */
	LAYOUT_NUMBER,		/* never cut: the column widens instead */
	LAYOUT_NAME,		/* may lose its end */
	LAYOUT_ADDR,		/* an address: may lose its middle */
	LAYOUT_ADDR_PORT,	/* address:port: its middle, the port whole */
	LAYOUT_PAIR,		/* "a -> b": each address its middle */
};

struct layout_col {
	enum layout_kind kind;
	int title;		/* cells of the column title */
	int longest;		/* cells of the longest value on screen */
	bool holds_data;	/* some row on screen has a value, not "-" */
};

/* Row geometry: width of the terminal, cells before the first column,
 * cells between two columns. */
struct layout_geom {
	int width;
	int margin;
	int gap;
};

/* Widths for n columns into width[] (0: the column is left out); returns
 * how many columns are shown. Fixed and number columns get what their
 * longest value needs; when the row is too wide, columns without data
 * leave first (right to left), then names and addresses give up cells
 * down to a minimum, widest first (so addresses share what is left),
 * then the rightmost columns leave; one left out that still fits beside
 * the others afterwards (a narrow one right of a wide one) comes back. */
size_t layout_fit(const struct layout_col *cols, size_t n,
		  const struct layout_geom *g, int *width);

/* layout_fit with memory: the previous widths are kept unless the
 * geometry or the columns changed, some column needs more room, or one
 * would narrow by LAYOUT_SLACK cells or more. */
struct layout_memo {
	bool valid;
	struct layout_geom g;
	size_t n;
	enum layout_kind kind[LAYOUT_MAX];
	int title[LAYOUT_MAX];
	int width[LAYOUT_MAX];
};

size_t layout_fit_steady(struct layout_memo *m, const struct layout_col *cols,
			 size_t n, const struct layout_geom *g, int *width);

/* The marker a shortened cell carries: "…" where the terminal takes
 * UTF-8, "~" elsewhere. */
const char *layout_marker(bool utf8);
/* Whether the locale the environment names is UTF-8 (LC_ALL, then
 * LC_CTYPE, then LANG, the first one set wins; NULL or "" for unset). */
bool layout_locale_utf8(const char *lc_all, const char *lc_ctype,
			const char *lang);

/* Cells of a NUL-terminated string. */
int layout_cells(const char *s);

/* Cell into buf (len bytes) in at most width cells. A cell that fits is
 * copied whole; one that does not carries the marker: an address loses
 * its middle and keeps a port whole ("[fd00:12…c::2]:443"), a name or a
 * word loses its end ("verylongna…"), a number is never cut and shows
 * the marker alone. Returns the bytes written. */
size_t layout_shorten(char *buf, size_t len, const char *cell, int width,
		      enum layout_kind kind, const char *marker);

/* A line of items two spaces apart ("d: delete  /: search  h: help") in
 * at most width cells, by whole items: the last item (the way to help)
 * stays, the ones before it that do not fit leave from the right, and no
 * item is ever cut. Returns the bytes written. */
size_t layout_items(char *buf, size_t len, const char *line, int width);

/* The first line of TEXT in at most WIDTH cells, broken between words:
 * returns its bytes (trailing blanks left out) and sets *next to where
 * the next line starts (blanks skipped; the end: strlen(TEXT)). A word
 * wider than WIDTH makes a line alone, for the caller to shorten with
 * the marker: a word is never split. */
size_t layout_wrap(const char *text, int width, size_t *next);

/* The line of TEXT that starts at *POS into BUF, in at most WIDTH
 * cells: whole words (layout_wrap); a word wider than the line shortened
 * as KIND with the marker. *POS moves to the next line: TEXT is done when
 * TEXT[*POS] is '\0'. */
void layout_line(char *buf, size_t len, const char *text, size_t *pos,
		 int width, enum layout_kind kind, const char *marker);

/* The first of N texts that fits WIDTH cells whole (a long form, then
 * shorter ones that leave items out); N - 1 when none does, for the
 * caller to shorten with the marker. */
size_t layout_first_fit(const char *const *texts, size_t n, int width);

#endif
