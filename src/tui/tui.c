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

#include "../netns.h"
#include "tui.h"
#include "tui_int.h"

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

/* The default view adds traffic columns to the registry's default, unless
 * --columns chose the columns. */
static void columns_init(struct tui *t)
{
	enum column_id def[CLI_MAX_COLS];
	size_t ndef = columns_default(def, CLI_MAX_COLS);
	const struct cli *cli = t->cli;
	bool is_default = cli->ncols == ndef &&
			  !memcmp(def, cli->cols, ndef * sizeof(def[0]));

	t->ncols = 0;
	for (size_t i = 0; i < cli->ncols && i < CLI_MAX_COLS; i++)
		t->cols[t->ncols++] = cli->cols[i];
	if (is_default) {
		t->cols[t->ncols++] = COL_PACKETS;
		t->cols[t->ncols++] = COL_BYTES;
		t->cols[t->ncols++] = VCOL_RATE;
	}
	t->sort_col = cli->sort_set ? (int)cli->sort : COL_SRC;
	t->sort_rev = cli->reverse;
}

static void draw(struct tui *t)
{
	erase();
	if (screen_too_small()) {
		const char *msg = "terminal too small (need 80x10)";

		mvaddnstr(LINES / 2, COLS > (int)strlen(msg) ?
			  (COLS - (int)strlen(msg)) / 2 : 0, msg, COLS);
		refresh();
		return;
	}
	if (t->mode == MODE_HELP) {
		help_draw(t);
		refresh();
		return;
	}
	if (t->mode == MODE_PRESSURE || t->mode == MODE_TIMEOUTS ||
	    t->mode == MODE_EXPECT) {
		views_draw(t);
		refresh();
		return;
	}
	header_draw(t);
	list_draw(t);
	if (t->mode == MODE_PROMPT)
		prompt_draw(t);
	else
		status_draw(t);
	keybar_draw(t);
	if (t->mode == MODE_CONFIRM)
		confirm_draw(t);
	else if (t->mode == MODE_SORTMENU)
		sortmenu_draw(t);
	else if (t->mode == MODE_COLMENU)
		colmenu_draw(t);
	refresh();
}

/* Draw what changed. The first list after the first dump is drawn as
 * soon as its first page is sorted, and the rest sorted after. */
static void paint(struct tui *t)
{
	view_prepare(t);
	t->redraw = false;
	draw(t);
	view_settle(t);
}

static void dispatch(struct tui *t, int key, bool fkey)
{
	if (fkey && key == KEY_RESIZE) {
		t->redraw = true;
		return;
	}
	if (screen_too_small()) {
		/* Only quitting makes sense on a screen that shows nothing. */
		if ((!fkey && key == 'q') || (fkey && key == KEY_F(10)))
			t->quit = true;
		return;
	}
	switch (t->mode) {
	case MODE_HELP:
		if (!(fkey && key == KEY_MOUSE)) {
			t->mode = t->help_back;
			t->help_back = MODE_LIST;
		}
		t->redraw = true;
		break;
	case MODE_PROMPT:
		prompt_key(t, key, fkey);
		break;
	case MODE_CONFIRM:
		confirm_key(t, key, fkey);
		break;
	case MODE_SORTMENU:
		sortmenu_key(t, key, fkey);
		break;
	case MODE_COLMENU:
		colmenu_key(t, key, fkey);
		break;
	case MODE_PRESSURE:
	case MODE_TIMEOUTS:
	case MODE_EXPECT:
		views_key(t, key, fkey);
		break;
	default:
		keys_list(t, key, fkey);
		break;
	}
}

static void read_keys(struct tui *t)
{
	wint_t wc;
	int r;

	/* Bounded, so a paste cannot starve the rest of the loop. */
	for (int i = 0; i < 256 && !t->quit; i++) {
		r = get_wch(&wc);
		if (r == ERR)
			break;
		/* Keys act on the view: bring it up to date with the
		 * table first (a no-op when nothing changed). */
		if (!i)
			view_update(t);
		dispatch(t, (int)wc, r == KEY_CODE_YES);
	}
}

static int poll_timeout(struct tui *t, uint64_t now)
{
	struct timespec ts;
	uint64_t next;

	if (t->deleting)
		return 0;
	/* Wake at the next second for the clock. */
	clock_gettime(CLOCK_REALTIME, &ts);
	next = now + 1000 - (uint64_t)ts.tv_nsec / 1000000;
	if (sync_next_ms(t) < next)
		next = sync_next_ms(t);
	if (t->status[0] && t->status_until < next)
		next = t->status_until;
	return next > now ? (int)(next - now) : 0;
}

static void loop(struct tui *t)
{
	struct pollfd pfd[4] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = t->wake_rd, .events = POLLIN },
		{ .fd = t->sig_rd, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
	};
	time_t shown = 0;
	char msg[512];

	t->redraw = true;
	while (!t->quit) {
		uint64_t now = tui_now_ms();
		bool more;
		int r;

		more = sync_events(t);
		/* A long search goes on a step per turn, keys in between. */
		if (view_search_pending(t)) {
			view_search_step(t);
			more = true;
		}
		/* The first dump is in: show it before anything else (the
		 * statistics and the rows' targeted reads come after). */
		if (fetch_apply(t, msg, sizeof(msg)) && !t->view_built)
			paint(t);
		delete_step(t);
		sync_tick(t, now);
		if (t->res && resolve_version(t->res) != t->res_version) {
			t->res_version = resolve_version(t->res);
			t->redraw = true;
		}
		if (time(NULL) != shown) {
			shown = time(NULL);
			t->redraw = true;
		}
		/* Expire the message here, not in the drawing: help and
		 * prompts do not draw the status line. */
		if (t->status[0] && now >= t->status_until) {
			t->status[0] = '\0';
			t->redraw = true;
		}
		if (t->redraw)
			paint(t);
		pfd[3].fd = sync_fd(t);
		r = poll(pfd, 4, more ? 0 : poll_timeout(t, now));
		if (r < 0 && errno != EINTR)
			break;
		if (pfd[2].revents & POLLIN) {
			drain(t->sig_rd);
			t->quit = true;
			break;
		}
		if (pfd[1].revents & POLLIN)
			drain(t->wake_rd);
		/* After EINTR too: a SIGWINCH surfaces as KEY_RESIZE. */
		read_keys(t);
		if (pfd[0].revents & (POLLHUP | POLLERR))
			t->quit = true;
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

	if (t->usrc && !source_stats(t->usrc, &st, &err)) {
		table_reserve(t->tbl, (size_t)st.count + st.count / 32 + 1024);
		t->collect_hint = st.count;
	}
}

static void tui_free(struct tui *t)
{
	fetch_free(t->fetch);
	sync_close(t);
	views_free(t);
	dirty_free(t);
	resolve_free(t->res);
	if (t->grouper)
		group_free(t->grouper);
	table_free(t->tbl);
	order_free(&t->ord);
	order_free(&t->collect);
	table_free(t->tags);
	free(t->victims);
	filter_free(t->own_flt);
	source_close(t->usrc);
	if (t->wake_rd >= 0) {
		close(t->wake_rd);
		close(t->wake_wr);
	}
}

int tui_run(const struct cli *cli, struct source *src, struct filter *flt,
	    struct ctop_err *err)
{
	struct sigaction old[NHANDLED];
	struct tui t;
	int wake[2], sig[2], status = CTOP_EXIT_OK;

	memset(&t, 0, sizeof(t));
	order_init(&t.ord);
	t.cli = cli;
	t.src = src;
	t.base_flt = flt;
	t.wake_rd = t.wake_wr = -1;
	t.delay = cli->delay > 0 ? cli->delay : 1;
	t.group = cli->group;
	t.resolve_on = cli->resolve;
	/* Entered already (main): named as ip-netns names it. */
	netns_current(t.netns, sizeof(t.netns));
	columns_init(&t);
	if (!cli->replay && !(t.usrc = source_open(err)))
		return err->status ? err->status : CTOP_EXIT_RUNTIME;
	if (pipe_nb(wake)) {
		source_close(t.usrc);
		err_set(err, CTOP_EXIT_RUNTIME, "pipe: %m");
		return CTOP_EXIT_RUNTIME;
	}
	if (pipe_nb(sig)) {
		source_close(t.usrc);
		close(wake[0]);
		close(wake[1]);
		err_set(err, CTOP_EXIT_RUNTIME, "pipe: %m");
		return CTOP_EXIT_RUNTIME;
	}
	t.wake_rd = wake[0];
	t.wake_wr = wake[1];
	t.sig_rd = sig[0];
	sig_wr = sig[1];
	t.tbl = table_new();
	t.fetch = t.tbl ? fetch_new(src, cli->replay, t.wake_wr) : NULL;
	if (t.resolve_on)
		t.res = resolve_new(t.wake_wr, 0);
	if (!t.tbl || !t.fetch) {
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		status = CTOP_EXIT_RUNTIME;
		goto out;
	}
	table_presize(&t);
	sync_init(&t);
	if (!cli->replay) {
		t.acct_off = source_sysctl("nf_conntrack_acct") == 0;
		/* Subscribe before the first dump is asked for. */
		sync_open(&t);
	}
	sync_start(&t);
	signals_set(old);
	if (screen_init(&t)) {
		signals_restore(old);
		err_set(err, CTOP_EXIT_RUNTIME, "cannot use the terminal "
			"(TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
		status = CTOP_EXIT_RUNTIME;
		goto out;
	}
	/* ctop --stats, --timeouts or --expect on a terminal: that view. */
	if (cli->stats)
		views_open(&t, MODE_PRESSURE);
	else if (cli->timeouts)
		views_open(&t, MODE_TIMEOUTS);
	else if (cli->expect)
		views_open(&t, MODE_EXPECT);
	loop(&t);
	screen_end();
	signals_restore(old);
out:
	tui_free(&t);
	close(sig[0]);
	close(sig[1]);
	sig_wr = -1;
	return status;
}
