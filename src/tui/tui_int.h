/* State shared by the parts of the interactive session. Only the files in src/tui
 * include this; the rest of the program sees tui.h. */
#ifndef CTOP_TUI_INT_H
#define CTOP_TUI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cli.h"
#include "../columns.h"
#include "../expiry.h"
#include "../filter.h"
#include "../follow.h"
#include "../group.h"
#include "../order.h"
#include "../resolve.h"
#include "../pressure.h"
#include "../sort.h"
#include "../source.h"
#include "../source_policy.h"
#include "../stats.h"
#include "../table.h"
#include "../timeouts.h"

/* The one column the screen adds to the registry: bytes per second. */
#define VCOL_RATE ORDER_COL_RATE
#define TUI_MAX_COLS (CLI_MAX_COLS + 1)

/* Layout: header lines on top, then the title row, the list, one
 * status/prompt line and the key bar. */
#define TUI_HEADER_LINES 4
#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 10

enum tui_mode {
	MODE_LIST,
	MODE_HELP,
	MODE_PROMPT,
	MODE_CONFIRM,
	MODE_SORTMENU,
	MODE_COLMENU,		/* F2 or C: columns shown */
	MODE_PRESSURE,		/* P */
	MODE_TIMEOUTS,		/* T */
	MODE_EXPECT,		/* E */
};

enum prompt_kind { PROMPT_SEARCH, PROMPT_FILTER, PROMPT_DELAY };

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

struct fetch;

/* Data of the pressure, timeouts and expectations views (views.c). */
struct views {
	bool open;			/* data gathered for the current mode */
	struct pressure_flows pf;
	bool pf_ok;
	struct pressure_trend trend;
	struct table_stats prev;	/* statistics one refresh earlier */
	bool have_prev;
	double interval;		/* seconds between prev and now */
	long buckets;
	struct timeouts to;
	struct timeout_policy *pol;
	size_t npol;
	char pol_err[512];
	struct expectation *exp;
	size_t nexp;
	char exp_err[512];
	size_t sel, top;		/* selected row of T and E */
	uint64_t next_gather_ms;	/* a pass over a big table, not too often */
};

struct tui {
	const struct cli *cli;
	struct source *src;		/* the worker's (may be NULL: replay) */
	struct source *usrc;		/* the UI thread's: deletes, stats */
	struct filter *base_flt;	/* from the command line, main's */
	struct filter *own_flt;		/* from the filter prompt, ours */
	struct table *tbl;
	struct fetch *fetch;
	struct source_events *ev;	/* the event socket; NULL: none */
	struct resolver *res;
	bool resolve_on;
	int wake_rd, wake_wr;		/* worker and resolver -> UI */
	int sig_rd;			/* signal self-pipe */
	char netns[64];

	/* refresh */
	double delay;
	bool paused;
	bool fetch_error;
	uint64_t next_refresh_ms;
	uint64_t refresh_asked_ms;	/* when the last dump ended */
	uint64_t dump_started_ms;
	struct table_stats stats;
	struct table_stats prev_stats;	/* one tick earlier, for warnings */
	bool have_stats, have_prev_stats;
	uint64_t stats_ms, prev_stats_ms;
	bool acct_off;
	uint64_t res_version;

	/* event-driven table (sync.c) */
	long events_sysctl;		/* nf_conntrack_events, -1 unknown */
	bool events_on;			/* subscribed and the kernel sends */
	bool polling;			/* full dump every interval */
	const char *poll_why;		/* why, for the header */
	const char *volatile_why;	/* the order needs every flow fresh */
	bool dumped_once;		/* the first dump is in */
	struct follow_state fs;		/* events and dumps: follow.c's rules */
	bool dump_is_resync;
	uint64_t last_dump_ms;		/* when the last dump ended */
	uint64_t last_dump_took_ms;
	struct expiry_scan expiry;	/* where the expiry pass goes on */
	struct order_changes dirty;	/* records changed since view_update */
	uint64_t ev_now_ms;		/* clock of the events being applied */
	unsigned drift_ticks;		/* refreshes the kernel's count differed */
	uint64_t next_drift_ms;		/* earliest resync for a drift */
	uint64_t next_group_ms;		/* groups are rebuilt at most this often */
	bool groups_stale;

	/* deletes under way (delete.c), a slice per loop turn */
	size_t del_next, del_done, del_failed;
	bool deleting;
	char del_err[512];

	/* columns of the flow list */
	int cols[TUI_MAX_COLS];
	size_t ncols, nvis;		/* nvis: how many fit the width */
	int colw[TUI_MAX_COLS], colx[TUI_MAX_COLS];

	/* sort */
	int sort_col;			/* column id or VCOL_RATE */
	bool sort_rev;

	/* the view: filtered, sorted records (order.h), or group rows */
	struct order ord;
	uint64_t view_version;
	uint64_t view_res_version;
	bool view_dirty;
	bool view_built;		/* the list was built once */
	struct order collect;		/* the list gathered by the first dump */
	bool collecting, collect_failed;
	size_t collect_hint;		/* flows the kernel had at start */
	size_t nproto[4];		/* tcp, udp, icmp, other */
	enum group_by group;
	struct grouper *grouper;
	const struct group_row *grows;
	size_t ngrows;
	uint64_t gtotal;
	bool drill;
	enum group_by drill_by;
	struct group_key drill_key;
	char drill_text[96];

	/* selection */
	size_t sel, top;
	struct flow sel_key;
	bool sel_valid;
	struct group_key sel_gkey;
	bool sel_gvalid;

	/* tags: flow keys in a table of their own (a hash by key) */
	struct table *tags;
	size_t ntags;

	/* search, prompt */
	char search[512];
	struct {
		char needle[512];
		size_t next, left;	/* row to look at, rows to go */
		bool active, live;
	} finding;			/* a search under way (view.c) */
	enum prompt_kind pkind;
	char pbuf[512];
	size_t plen, pcur;
	char perr[240];
	size_t psaved_sel;

	/* confirm dialog: the flows to delete */
	struct flow *victims;
	size_t nvictims;

	size_t menu_sel;		/* sort or columns menu */
	struct views vw;		/* P, T, E */

	char status[256];
	bool status_err;
	uint64_t status_until;

	enum tui_mode mode;
	enum tui_mode help_back;	/* where the help returns (a view) */
	bool redraw, quit;
	bool color;
	int list_y, list_h;		/* rows of the list on screen */
	int title_y;
	struct { int x0, x1, key; } kb[10];
	int nkb;
};

/* The record on a row of the flow list (NULL past the end). */
#define VREC(t, i) order_at(&(t)->ord, (i))

/* time */
uint64_t tui_now_ms(void);

/* screen.c */
int screen_init(struct tui *t);
void screen_end(void);
int tui_attr(const struct tui *t, enum tui_role role);
void screen_fill(int y, int x, int w, int attr);
/* Print at most w cells of s at (y, x), then pad with spaces to w. */
void screen_put(int y, int x, int w, const char *s, int attr, bool right);
bool screen_too_small(void);

/* fetch.c: the dump worker */
struct fetch *fetch_new(struct source *src, const char *replay, int wake_fd);
void fetch_free(struct fetch *f);
/* Ask for a dump; false if one is under way or nothing is left to read
 * (a replay reads once). */
bool fetch_request(struct fetch *f);
bool fetch_busy(struct fetch *f);
/* Apply what the worker has gathered to the table. Returns 1 when a
 * dump completed (sweep closed), -1 when it failed (msg filled), 0 when
 * it is still under way or nothing happened. */
int fetch_apply(struct tui *t, char *msg, size_t len);

/* sync.c: the table kept from events, dumps to resynchronize, targeted
 * reads of the rows on screen. Every change to t->tbl goes through
 * tui_upsert/tui_remove so the view knows what moved. */
/* The rules of follow.c, applied to t->tbl (once the table exists). */
void sync_init(struct tui *t);
int sync_open(struct tui *t);
void sync_close(struct tui *t);
int sync_fd(const struct tui *t);	/* -1 when not listening */
/* Apply queued events within a time budget; true if more are queued. */
bool sync_events(struct tui *t);
/* Ask for the first dump now, before the terminal is set up: the screen
 * waits for it, and it runs meanwhile. */
void sync_start(struct tui *t);
/* Start dumps and refresh what is on screen when due. */
void sync_tick(struct tui *t, uint64_t now);
/* When sync_tick has something to do next (for poll()). */
uint64_t sync_next_ms(const struct tui *t);
/* The interval of periodic resyncs in ms: --resync as given, else the
 * longer of its default and 100 times the last full dump (0: none). */
uint64_t sync_resync_ms(const struct tui *t);
/* The interval of full dumps while the order or filter needs every flow's
 * counters or TTL (t->volatile_why), in ms. */
uint64_t sync_volatile_ms(const struct tui *t);
/* A full dump now (r key, opening T). */
void sync_resync(struct tui *t);
/* Called by fetch_apply when a dump ended (r as fetch_apply's), after
 * its sweep removed REMOVED flows. */
void sync_dump_done(struct tui *t, int r, const char *msg, size_t removed);
/* TTL of a flow now: the stored one counted down since it was read. */
uint32_t sync_ttl(const struct tui *t, const struct table_flow *tf);
/* Whether the view's order or filter needs every flow's counters or
 * TTL fresh (then the screen polls with full dumps). */
const char *sync_volatile(const struct tui *t);
struct table_flow *tui_upsert(struct tui *t, const struct flow *f,
			      uint64_t now, bool track);
bool tui_remove(struct tui *t, const struct flow *key);
void dirty_add(struct tui *t, const struct table_flow *r);
void dirty_clear(struct tui *t);
void dirty_free(struct tui *t);

/* views.c: P, T and E */
void views_open(struct tui *t, enum tui_mode mode);
/* Shared by the flow list and the P/T/E views (keys.c). */
/* Row sel moved by delta, kept within n rows. */
size_t keys_moved(size_t sel, long delta, size_t n);
/* The move a navigation key asks for (Home and End as moves past either
 * end, which keys_moved clamps); false for other keys. */
bool keys_nav_delta(int key, long page, long *delta);
/* P, T and E open their views; false for other keys. */
bool keys_open_view(struct tui *t, int key);
void views_refresh(struct tui *t);
void views_key(struct tui *t, int key, bool fkey);
void views_draw(struct tui *t);
void views_free(struct tui *t);

/* view.c */
const struct filter *tui_filter(const struct tui *t);
/* Index in t->nproto: tcp, udp, icmp, other. */
size_t view_proto_slot(uint8_t protonum);
void view_invalidate(struct tui *t);
/* Bring the view up to date with the table. */
void view_update(struct tui *t);
/* The same for a draw: the first list after the first dump may leave the
 * sort of the rows past the first page pending (order.h) ... */
void view_prepare(struct tui *t);
/* ... until this, right after the draw. */
void view_settle(struct tui *t);
/* The first dump gathers the list as its flows come in (view.c): begin
 * when it is asked for, then each record inserted (tui_upsert), and each
 * record changed in place or about to be removed meanwhile. */
void view_collect_begin(struct tui *t);
void view_collect(struct tui *t, const struct table_flow *r);
void view_collect_changed(struct tui *t, const struct table_flow *r);
size_t view_rows(const struct tui *t);
void view_select(struct tui *t, size_t row);
void view_remember(struct tui *t);
bool view_is_tagged(const struct tui *t, const struct flow *f);
void view_tag_toggle(struct tui *t, const struct flow *f);
void view_untag(struct tui *t, const struct flow *f);
void view_untag_all(struct tui *t);
void view_set_sort(struct tui *t, int col, bool reverse);
void view_cycle_group(struct tui *t);
void view_enter_group(struct tui *t);
bool view_leave_group(struct tui *t);
/* Text of a row for search (cells joined by spaces). */
void view_row_text(struct tui *t, size_t row, char *buf, size_t len);
/* Search the rows' text from row FROM on, going round once. A search
 * runs in steps of a few milliseconds, so a million rows never hold up
 * the keys: view_search starts one and takes a first step; the loop
 * calls view_search_step while view_search_pending. A match is selected;
 * "not found" goes to the prompt (LIVE, while it is open) or the status
 * line. */
void view_search(struct tui *t, const char *needle, size_t from, bool live);
bool view_search_pending(const struct tui *t);
void view_search_step(struct tui *t);
void view_search_stop(struct tui *t);

/* list.c */
const char *col_title(int col);
void list_layout(struct tui *t);
void cell_text(struct tui *t, int col, const struct table_flow *tf,
	       char *buf, size_t len);
void list_draw(struct tui *t);
/* Column under screen x of the title row, or -1. */
int list_col_at(const struct tui *t, int x);

/* header.c */
void header_draw(struct tui *t);
/* The first two lines (clock, events, meter, warnings), for every view. */
void header_top(struct tui *t);
/* Line 2 of a view: its title, and the warning or a hint on the right. */
void header_view_title(struct tui *t, const char *title, const char *hint);
/* Warning bits (PW_*) of the last two statistics readings. */
unsigned int header_warnings(const struct tui *t);

/* keybar.c */
void keybar_draw(struct tui *t);
int keybar_key_at(const struct tui *t, int x);
void status_set(struct tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void status_draw(struct tui *t);

/* keys.c */
void keys_list(struct tui *t, int key, bool fkey);
void keys_mouse(struct tui *t);
void tui_refresh_now(struct tui *t);

/* prompt.c */
void prompt_open(struct tui *t, enum prompt_kind kind);
void prompt_key(struct tui *t, int key, bool fkey);
void prompt_draw(struct tui *t);

/* help.c */
void help_draw(struct tui *t);

/* dialogs.c */
void confirm_open(struct tui *t);
void confirm_key(struct tui *t, int key, bool fkey);
void confirm_draw(struct tui *t);
void sortmenu_open(struct tui *t);
void sortmenu_key(struct tui *t, int key, bool fkey);
void sortmenu_draw(struct tui *t);
void colmenu_open(struct tui *t);
void colmenu_key(struct tui *t, int key, bool fkey);
void colmenu_draw(struct tui *t);

/* delete.c */
/* Gather the flows a delete key acts on into t->victims. */
size_t delete_gather(struct tui *t);
/* Start deleting t->victims; delete_step() does a slice per loop turn. */
void delete_run(struct tui *t);
void delete_step(struct tui *t);
void delete_cancel(struct tui *t);

#endif
