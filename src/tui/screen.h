/* The terminal: setup and teardown, the palette, and the two ways to put
 * text on it. The only file besides the drawing ones that calls curses. */
#ifndef CTOP_TUI_SCREEN_H
#define CTOP_TUI_SCREEN_H

#include <stdbool.h>

/* Screen roles, mapped to colors or to monochrome attributes. */
enum tui_role {
	ROLE_NORMAL,
	ROLE_LABEL,		/* header labels */
	ROLE_TITLE,		/* column title bar */
	ROLE_TITLE_SORT,	/* the sort column's title */
	ROLE_SELECTED,
	ROLE_TAGGED,
	ROLE_KEY,		/* "F1" in the key bar */
	ROLE_KEYLABEL,		/* "Help" in the key bar */
	ROLE_METER_OK,
	ROLE_METER_WARN,
	ROLE_METER_CRIT,
	ROLE_ERROR,
	ROLE_INFO,
	ROLE_TCP,
	ROLE_UDP,
	ROLE_ICMP,
	ROLE_OTHER_PROTO,
	ROLE_ST_OPEN,		/* ESTABLISHED */
	ROLE_ST_SETUP,		/* SYN_SENT, SYN_RECV, COOKIE_* ... */
	ROLE_ST_CLOSING,	/* FIN_WAIT, TIME_WAIT, CLOSE ... */
	ROLE_UNREPLIED,
	ROLE_DIALOG,
	ROLE_WARN,		/* header warning: table filling */
	ROLE_CRIT,		/* header warning: critical, drops */
	ROLE_COUNT
};

/* Colors unless NO_COLOR or WANT_COLOR false. -1: no terminal. */
int screen_init(bool want_color);
void screen_end(void);
/* The descriptor keys arrive on, for poll(): standard input, or the
 * terminal opened when standard input holds the table. */
int screen_input_fd(void);
/* The terminal's size now. */
int screen_cols(void);
int screen_lines(void);
int screen_attr(enum tui_role role);
void screen_fill(int y, int x, int w, int attr);
/* Print at most w cells of s at (y, x), then pad with spaces to w. */
void screen_put(int y, int x, int w, const char *s, int attr, bool right);
/* A message in at most w cells at (y, x): whole, or cut between words
 * with the marker at its end. */
void screen_put_words(int y, int x, int w, const char *s, int attr);
/* Whether the locale's characters are UTF-8: the graphs draw Unicode
 * blocks then, ASCII otherwise. */
bool screen_utf8(void);
/* A key from the terminal (K_FN for function keys), or -1: none. */
int screen_key(void);
/* Start the next frame; show it. */
void screen_begin(void);
void screen_show(bool clear);

#endif
