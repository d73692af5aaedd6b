/* Setting a session's parts up and down (session.h). */
#include <stdio.h>
#include <string.h>

#include "../clock.h"
#include "../netns.h"
#include "../timeparse.h"
#include "session.h"

int session_init(struct tui *t, const struct cli *cli, struct source *src,
		 struct source *usrc, const struct filter *flt, int wake_fd)
{
	memset(t, 0, sizeof(*t));
	t->cli = cli;
	/* Entered already (main): named as ip-netns names it. */
	netns_current(t->netns, sizeof(t->netns));
	listview_init(&t->lv, cli, flt);
	if (model_init(&t->m) ||
	    sync_init(&t->sync, cli, src, usrc, &t->m, &t->st, wake_fd))
		return -1;
	if (cli->replay) {
		struct ctop_err err = { 0 };

		if (timeline_open(&t->tl, cli->replay, &err))
			status_set(&t->st, true, "%s", err.msg);
		else if (t->tl.on)
			sync_replay_at(&t->sync, t->tl.at_ns);
		session_summary_in(t);
	}
	/* Names that cannot be looked up are no reason not to start. */
	if (cli->resolve && cells_init(&t->cells, true, wake_fd))
		status_set(&t->st, true, "cannot start the name resolver");
	else if (!cli->resolve)
		cells_init(&t->cells, false, wake_fd);
	return 0;
}

void session_free(struct tui *t)
{
	sync_free(&t->sync);
	reports_free(&t->rep);
	cells_free(&t->cells);
	listview_free(&t->lv);
	delete_free(&t->del);
	model_free(&t->m);
	timeline_close(&t->tl);
}

void session_summary_in(struct tui *t)
{
	t->lv.summary = t->tl.on && !t->tl.has_table ? &t->tl.cur : NULL;
	t->lv.stale = true;
}

void session_instant_moved(struct tui *t)
{
	char when[32];

	session_summary_in(t);
	sync_replay_at(&t->sync, t->tl.at_ns);
	timeparse_format(when, sizeof(when), t->tl.at_ns);
	status_set(&t->st, false, "recording at %s", when);
}

uint64_t session_group_every(const struct tui *t)
{
	return (uint64_t)(t->sync.delay * 1000);
}

bool session_update(struct tui *t)
{
	return listview_update(&t->lv, &t->m, clock_monotonic_ms(),
			       session_group_every(t));
}

bool session_can_delete(const struct tui *t)
{
	return !t->cli->readonly && t->sync.usrc;
}
