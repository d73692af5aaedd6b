/* Stop signals, caught into a flag (see stopsig.h). */
#include <poll.h>
#include <string.h>
#include <time.h>

#include "stopsig.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

void stopsig_setup(sigset_t *wait_mask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
}

int stopsig_caught(void)
{
	return stop_signal;
}

void stopsig_wait_fd(int fd, long ms, const sigset_t *mask)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	ppoll(&p, 1, ms < 0 ? NULL : &ts, mask);
}
