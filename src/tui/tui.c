/* The interactive session: one poll() loop on the UI thread.
 *
 * The loop waits on four descriptors: the terminal, the conntrack event
 * socket (sync.c), a wakeup pipe the dump worker and the name resolver
 * write to, and a self-pipe the signal handlers write to. It never blocks
 * on the kernel: dumps run in the worker (fetch.c), only short requests
 * (stats, reads of the rows on screen, deletes) run here. The screen is
 * redrawn on input, resize or a refresh, and once a second for the
 * clock; events only change the table, and the view catches up when it
 * is next drawn.
 *
 * Every way out (q, F10, SIGINT, SIGTERM, SIGHUP, an error) leaves the
 * loop and ends curses; an atexit hook (screen.c) covers exit() paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curses.h>

#include "../clock.h"
#include "actions.h"
#include "dialogs.h"
#include "fit.h"
#include "header.h"
#include "help.h"
#include "keybar.h"
#include "keys.h"
#include "list_draw.h"
#include "reports_draw.h"
#include "screen.h"
#include "session.h"
#include "tui.h"

static int sig_wr = -1;
static const int handled[] = { SIGINT, SIGTERM, SIGHUP };
#define NHANDLED (sizeof(handled) / sizeof(handled[0]))

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char c = (unsigned char)signo;

	if (sig_wr >= 0 && write(sig_wr, &c, 1) < 0) {
		/* Nothing to do in a handler. */
	}
	errno = saved;
}

static void signals_set(struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NHANDLED; i++)
		sigaction(handled[i], &sa, &old[i]);
}

static void signals_restore(const struct sigaction *old)
{
	for (size_t i = 0; i < NHANDLED; i++)
		sigaction(handled[i], &old[i], NULL);
}

static int pipe_nb(int fd[2])
{
	return pipe2(fd, O_NONBLOCK | O_CLOEXEC);
}

static void drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* ---- layout, then drawing, which only reads ---- */

/* Where everything goes, from the terminal's size and the state; the
 * cursors kept on their pages. */
static void layout(struct tui *t)
{
	struct geometry *g = &t->geo;
	int rv = input_report(t->in.mode);
	struct layout_col need[TUI_MAX_COLS];

	geometry_frame(g, screen_cols(), screen_lines());
	listview_scroll(&t->lv, (size_t)g->list_h);
	/* Widths fit the rows about to be drawn. */
	if (t->lv.group != GROUP_NONE) {
		fit_groups(need, &t->lv, &t->m, (size_t)g->list_h);
		geometry_groups(g, need);
	} else {
		fit_flows(need, &t->lv, &t->cells, &t->m, (size_t)g->list_h,
			  clock_monotonic_ms());
		geometry_columns(g, need, t->lv.ncols);
	}
	keybar_layout(g, t);
	if (rv >= 0)
		reports_scroll(&t->rep, (enum report_view)rv,
			       (size_t)reports_page(&t->rep, (enum report_view)rv,
						    g->lines));
}

static void draw(const struct tui *t)
{
	const char *msg = "terminal too small (need 80x10)";

	if (t->geo.too_small) {
		screen_put(t->geo.lines / 2, t->geo.cols > (int)strlen(msg) ?
			   (t->geo.cols - (int)strlen(msg)) / 2 : 0,
			   t->geo.cols, msg, A_NORMAL, false);
		return;
	}
	if (t->in.mode == MODE_HELP) {
		help_draw(t);
		return;
	}
	if (input_report(t->in.mode) >= 0) {
		reports_draw(t);
		return;
	}
	header_draw(t);
	list_draw(t);
	if (t->in.mode == MODE_PROMPT)
		prompt_draw(t);
	else
		status_draw(t);
	keybar_draw(t);
	if (t->in.mode == MODE_CONFIRM)
		confirm_draw(t);
	else if (t->in.mode == MODE_SORTMENU)
		sortmenu_draw(t);
	else if (t->in.mode == MODE_COLMENU)
		colmenu_draw(t);
}

/* The view brought up to date, the layout, then the drawing. The first
 * list after the first dump is drawn as soon as its first page is
 * sorted, and the rest sorted after. */
static void paint(struct tui *t, bool clear)
{
	listview_prepare(&t->lv, &t->m, clock_monotonic_ms(),
			 session_group_every(t));
	layout(t);
	screen_begin();
	draw(t);
	screen_show(clear);
	listview_settle(&t->lv, &t->m);
}

static unsigned read_keys(struct tui *t)
{
	unsigned act = ACT_NONE;
	int key;

	/* Bounded, so a paste cannot starve the rest of the loop. */
	for (int i = 0; i < 256 && !(act & ACT_QUIT); i++) {
		if ((key = screen_key()) < 0)
			break;
		/* Keys act on the view: bring it up to date with the
		 * model first (a no-op when nothing changed), and on the
		 * layout the screen shows. */
		if (!i) {
			session_update(t);
			layout(t);
		}
		act |= keys_dispatch(t, key);
	}
	return act;
}

/* A long search goes on a step per turn, keys in between. */
static unsigned search_turn(struct tui *t)
{
	unsigned pct = 0;

	if (!search_pending(&t->find))
		return ACT_NONE;
	/* Rows removed since the last step must not be matched. */
	session_update(t);
	return prompt_search_report(t, search_step(&t->find, &t->lv,
						   &t->cells, &t->m,
						   clock_monotonic_ms(), &pct),
				    pct);
}

/* The refresh: the sync's reads, then the rows on screen read again,
 * then the P/T/E figures. True when it ran. */
static bool refresh_turn(struct tui *t, uint64_t now)
{
	struct flow *keys;
	size_t n;

	if (!sync_tick(&t->sync, now, listview_volatile(&t->lv, t->m.acct_off)))
		return false;
	if (input_list_shown(t->in.mode) && sync_rows_wanted(&t->sync)) {
		session_update(t);
		if ((keys = listview_page_keys(&t->lv, &n))) {
			sync_reread(&t->sync, keys, n, now);
			free(keys);
		}
	}
	reports_refresh(&t->rep, &t->sync, input_report(t->in.mode), &t->m,
			listview_filter(&t->lv), &t->tl, now);
	return true;
}

static int poll_timeout(const struct tui *t, uint64_t now)
{
	struct timespec ts;
	uint64_t next;

	if (t->del.running)
		return 0;
	/* Wake at the next second for the clock. */
	clock_gettime(CLOCK_REALTIME, &ts);
	next = now + 1000 - (uint64_t)ts.tv_nsec / 1000000;
	if (sync_next_ms(&t->sync) < next)
		next = sync_next_ms(&t->sync);
	if (t->st.text[0] && t->st.until < next)
		next = t->st.until;
	return next > now ? (int)(next - now) : 0;
}

/* Whether the screen must be drawn again: what changed since the last
 * drawing that it shows. */
struct seen {
	time_t second;		/* the clock */
	unsigned status;	/* status_version */
	uint64_t names;		/* the resolver's answers */
};

static bool news(const struct tui *t, struct seen *s)
{
	bool changed = false;

	if (time(NULL) != s->second) {
		s->second = time(NULL);
		changed = true;
	}
	if (t->st.version != s->status) {
		s->status = t->st.version;
		changed = true;
	}
	if (cells_version(&t->cells) != s->names) {
		s->names = cells_version(&t->cells);
		changed = true;
	}
	return changed;
}

static void loop(struct tui *t, int wake_rd, int sig_rd)
{
	struct pollfd pfd[4] = {
		{ .fd = screen_input_fd(), .events = POLLIN },
		{ .fd = wake_rd, .events = POLLIN },
		{ .fd = sig_rd, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
	};
	struct seen seen = { 0 };
	unsigned act = ACT_REDRAW;

	while (!(act & ACT_QUIT)) {
		uint64_t now = clock_monotonic_ms();
		bool more;
		int r;

		more = sync_events(&t->sync);
		if (search_pending(&t->find)) {
			act |= search_turn(t);
			more = true;
		}
		/* The first dump is in: show it before anything else (the
		 * statistics and the rows' targeted reads come after). */
		r = sync_apply(&t->sync);
		/* On a recording a view follows the table of the instant
		 * (sync_tick has no refreshes there). */
		if (r > 0 && t->cli->replay && input_report(t->in.mode) >= 0) {
			session_update(t);
			reports_gather(&t->rep, (enum report_view)
				       input_report(t->in.mode), &t->m,
				       listview_filter(&t->lv), true, &t->tl,
				       now);
		}
		if (r && !t->lv.built) {
			paint(t, false);
			act &= ~ACT_REDRAW;
		} else if (r) {
			act |= ACT_REDRAW;
		}
		if (delete_step(t))
			act |= ACT_REDRAW;
		if (refresh_turn(t, now))
			act |= ACT_REDRAW;
		/* Expire the message here, not in the drawing: help and
		 * prompts do not draw the status line. */
		status_expire(&t->st, now);
		if (news(t, &seen))
			act |= ACT_REDRAW;
		if (act & ACT_REDRAW) {
			paint(t, act & ACT_CLEAR);
			news(t, &seen);
		}
		act = ACT_NONE;
		pfd[3].fd = sync_fd(&t->sync);
		r = poll(pfd, 4, more ? 0 : poll_timeout(t, now));
		if (r < 0 && errno != EINTR)
			break;
		if (pfd[2].revents & POLLIN) {
			drain(sig_rd);
			break;
		}
		if (pfd[1].revents & POLLIN)
			drain(wake_rd);
		/* After EINTR too: a SIGWINCH surfaces as KEY_RESIZE. */
		act = read_keys(t);
		if (pfd[0].revents & (POLLHUP | POLLERR))
			act |= ACT_QUIT;
	}
}

/* Size the table's index for the kernel's count before the first dump:
 * growing it on the way means rehashing up to 700,000 flows at a million,
 * on the thread that must keep up with the dump. A little room for what
 * comes meanwhile. Without statistics the index grows as it goes. */
static void table_presize(struct tui *t)
{
	struct ctop_err err = { 0 };
	struct table_stats st;

	if (t->sync.usrc && !source_stats(t->sync.usrc, &st, &err)) {
		table_reserve(t->m.tbl, (size_t)st.count + st.count / 32 + 1024);
		t->m.collect_hint = st.count;
	}
}

int tui_run(const struct cli *cli, struct source *src, struct filter *flt,
	    struct ctop_err *err)
{
	struct sigaction old[NHANDLED];
	struct source *usrc = NULL;
	struct tui t;
	int wake[2], sig[2], status = CTOP_EXIT_OK;

	if (!cli->replay && !(usrc = source_open(err)))
		return err->status ? err->status : CTOP_EXIT_RUNTIME;
	if (pipe_nb(wake)) {
		source_close(usrc);
		err_set(err, CTOP_EXIT_RUNTIME, "pipe: %m");
		return CTOP_EXIT_RUNTIME;
	}
	if (pipe_nb(sig)) {
		source_close(usrc);
		close(wake[0]);
		close(wake[1]);
		err_set(err, CTOP_EXIT_RUNTIME, "pipe: %m");
		return CTOP_EXIT_RUNTIME;
	}
	sig_wr = sig[1];
	if (session_init(&t, cli, src, usrc, flt, wake[1])) {
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		status = CTOP_EXIT_RUNTIME;
		goto out;
	}
	table_presize(&t);
	if (!cli->replay) {
		t.m.acct_off = source_sysctl("nf_conntrack_acct") == 0;
		/* Subscribe before the first dump is asked for. */
		sync_open(&t.sync);
	}
	/* The first dump gathers the list as it comes in. */
	listview_collect_begin(&t.lv, &t.m);
	sync_start(&t.sync);
	signals_set(old);
	if (screen_init(!cli->no_color)) {
		signals_restore(old);
		err_set(err, CTOP_EXIT_RUNTIME, "cannot use the terminal "
			"(TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
		status = CTOP_EXIT_RUNTIME;
		goto out;
	}
	/* ctop --stats, --timeouts or --expect on a terminal: that view. */
	if (cli->stats)
		actions_open_report(&t, MODE_PRESSURE);
	else if (cli->timeouts)
		actions_open_report(&t, MODE_TIMEOUTS);
	else if (cli->expect)
		actions_open_report(&t, MODE_EXPECT);
	loop(&t, wake[0], sig[0]);
	screen_end();
	signals_restore(old);
out:
	session_free(&t);
	source_close(usrc);
	close(wake[0]);
	close(wake[1]);
	close(sig[0]);
	close(sig[1]);
	sig_wr = -1;
	return status;
}
