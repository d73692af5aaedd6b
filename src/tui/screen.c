/* Terminal setup and teardown, and the palette.
 *
 * Colors keep the terminal's own background (use_default_colors), so the
 * screen reads on dark and light themes alike: text colors are the ones
 * legible on both (no yellow or white text), and bars are dark text on a
 * colored background. With NO_COLOR or --no-color every role maps to
 * plain, bold or reverse video instead.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <langinfo.h>
#include <unistd.h>
#include <string.h>
#include <wchar.h>
#include <curses.h>

#include "../layout.h"
#include "keycode.h"
#include "screen.h"

static bool screen_active;
static bool screen_color;

void screen_end(void)
{
	if (!screen_active)
		return;
	screen_active = false;
	endwin();
}

/* fg, bg per role; -1 is the terminal's default. */
static const short palette[ROLE_COUNT][2] = {
	[ROLE_NORMAL] = { -1, -1 },
	[ROLE_LABEL] = { COLOR_CYAN, -1 },
	[ROLE_TITLE] = { COLOR_BLACK, COLOR_GREEN },
	[ROLE_TITLE_SORT] = { COLOR_BLACK, COLOR_CYAN },
	[ROLE_SELECTED] = { COLOR_BLACK, COLOR_CYAN },
	[ROLE_TAGGED] = { COLOR_BLACK, COLOR_YELLOW },
	[ROLE_KEY] = { -1, -1 },
	[ROLE_KEYLABEL] = { COLOR_BLACK, COLOR_CYAN },
	[ROLE_METER_OK] = { COLOR_GREEN, -1 },
	[ROLE_METER_WARN] = { COLOR_YELLOW, -1 },
	[ROLE_METER_CRIT] = { COLOR_RED, -1 },
	[ROLE_ERROR] = { COLOR_RED, -1 },
	[ROLE_INFO] = { COLOR_GREEN, -1 },
	[ROLE_TCP] = { COLOR_CYAN, -1 },
	[ROLE_UDP] = { COLOR_GREEN, -1 },
	[ROLE_ICMP] = { COLOR_MAGENTA, -1 },
	[ROLE_OTHER_PROTO] = { COLOR_BLUE, -1 },
	[ROLE_ST_OPEN] = { COLOR_GREEN, -1 },
	[ROLE_ST_SETUP] = { COLOR_CYAN, -1 },
	[ROLE_ST_CLOSING] = { COLOR_MAGENTA, -1 },
	[ROLE_UNREPLIED] = { COLOR_RED, -1 },
	[ROLE_DIALOG] = { COLOR_BLACK, COLOR_WHITE },
	[ROLE_WARN] = { COLOR_BLACK, COLOR_YELLOW },
	[ROLE_CRIT] = { COLOR_WHITE, COLOR_RED },
};

/* Extra attributes per role, in color and in monochrome. */
static int role_extra(enum tui_role role, bool color)
{
	switch (role) {
	case ROLE_LABEL:
	case ROLE_KEY:
	case ROLE_ERROR:
	case ROLE_INFO:
		return A_BOLD;
	case ROLE_METER_OK:
	case ROLE_METER_WARN:
	case ROLE_METER_CRIT:
		return A_BOLD;
	case ROLE_TITLE:
	case ROLE_KEYLABEL:
	case ROLE_SELECTED:
	case ROLE_DIALOG:
		return color ? 0 : A_REVERSE;
	case ROLE_TITLE_SORT:
		return color ? 0 : A_REVERSE | A_BOLD | A_UNDERLINE;
	case ROLE_TAGGED:
		return color ? 0 : A_BOLD | A_UNDERLINE;
	case ROLE_WARN:
		return color ? 0 : A_REVERSE;
	case ROLE_CRIT:
		return color ? A_BOLD : A_REVERSE | A_BOLD;
	case ROLE_UNREPLIED:
		return color ? 0 : A_BOLD;
	default:
		return 0;
	}
}

int screen_attr(enum tui_role role)
{
	int a = role_extra(role, screen_color);

	if (screen_color && role != ROLE_NORMAL)
		a |= COLOR_PAIR(role);
	return a;
}

/* Where keys come from: standard input, or /dev/tty when the table is
 * read from standard input. */
static FILE *screen_in, *screen_tty;

int screen_input_fd(void)
{
	return screen_in ? fileno(screen_in) : STDIN_FILENO;
}

static void restore_at_exit(void)
{
	screen_end();
}

int screen_init(bool want_color)
{
	const char *nc = getenv("NO_COLOR");
	static bool hooked;

	/* The character set only, for ncursesw's wide characters: numbers
	 * typed at a prompt keep their '.' (strtod) whatever LC_NUMERIC
	 * says, and glibc maps no other locale data (bench/size). */
	setlocale(LC_CTYPE, "");
	/* With the table on standard input (conntrack -L | ctop -), keys
	 * come from the terminal itself, as less takes them. */
	screen_in = stdin;
	if (!isatty(STDIN_FILENO)) {
		if (!screen_tty)
			screen_tty = fopen("/dev/tty", "r");
		if (!screen_tty)
			return -1;
		screen_in = screen_tty;
	}
	if (!newterm(NULL, stdout, screen_in))
		return -1;
	screen_active = true;
	if (!hooked) {
		atexit(restore_at_exit);
		hooked = true;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED |
		  BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	screen_color = has_colors() && want_color && !(nc && *nc);
	if (screen_color) {
		start_color();
		use_default_colors();
		for (int r = 1; r < ROLE_COUNT; r++)
			init_pair(r, palette[r][0], palette[r][1]);
	}
	return 0;
}

int screen_cols(void)
{
	return COLS;
}

int screen_lines(void)
{
	return LINES;
}

int screen_key(void)
{
	wint_t wc;
	int r = get_wch(&wc);

	if (r == ERR)
		return -1;
	return r == KEY_CODE_YES ? K_FN((int)wc) : (int)wc;
}

void screen_begin(void)
{
	erase();
}

void screen_show(bool clear)
{
	if (clear)
		clearok(curscr, TRUE);
	refresh();
}

void screen_fill(int y, int x, int w, int attr)
{
	if (w <= 0)
		return;
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

bool screen_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

void screen_put_words(int y, int x, int w, const char *s, int attr)
{
	const char *marker = layout_marker(screen_utf8());
	char buf[512];
	size_t pos = 0, n;

	if (w < 3 || layout_cells(s) <= w) {
		screen_put(y, x, w, s, attr, false);
		return;
	}
	/* The words that fit before " ..."; a first word too long for
	 * the line carries the marker already. */
	layout_line(buf, sizeof(buf) - 8, s, &pos, w - 2, LAYOUT_NAME, marker);
	n = strlen(buf);
	if (!strstr(buf, marker))
		snprintf(buf + n, sizeof(buf) - n, " %s", marker);
	screen_put(y, x, w, buf, attr, false);
}

void screen_put(int y, int x, int w, const char *s, int attr, bool right)
{
	wchar_t wbuf[512];
	mbstate_t st;
	const char *p = s;
	size_t n;
	int cells = 0, pad;

	if (w <= 0 || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	memset(&st, 0, sizeof(st));
	n = mbsrtowcs(wbuf, &p, sizeof(wbuf) / sizeof(wbuf[0]) - 1, &st);
	if (n == (size_t)-1) {
		/* Not valid in this locale: show bytes as they are. */
		n = 0;
		for (; s[n] && n < sizeof(wbuf) / sizeof(wbuf[0]) - 1; n++)
			wbuf[n] = (unsigned char)s[n] < 0x80 ? s[n] : '?';
	}
	wbuf[n] = L'\0';
	/* Cut to w cells (names may hold wide characters). */
	for (n = 0; wbuf[n]; n++) {
		int cw = wcwidth(wbuf[n]);

		if (cw < 0)
			wbuf[n] = L'?', cw = 1;
		if (cells + cw > w)
			break;
		cells += cw;
	}
	/* Callers fit their text; should some still not fit, the cut is
	 * shown by the marker, never silent (blanks past the end are no
	 * loss). */
	if (wbuf[n] && wcsspn(wbuf + n, L" ") < wcslen(wbuf + n)) {
		while (n > 0 && cells + 1 > w)
			cells -= wcwidth(wbuf[--n]) > 0 ? wcwidth(wbuf[n]) : 1;
		wbuf[n++] = screen_utf8() ? L'\u2026' : L'~';
		cells++;
	}
	wbuf[n] = L'\0';
	pad = w - cells;
	attrset(attr);
	move(y, x);
	if (right && pad > 0) {
		hline(' ', pad);
		move(y, x + pad);
	}
	addnwstr(wbuf, (int)n);
	if (!right && pad > 0)
		hline(' ', pad);
	attrset(A_NORMAL);
}
