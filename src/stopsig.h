/* SIGINT and SIGTERM as a request to stop, for the batch loops that wait
 * in poll (-E, --self-check, -w): the signals stay blocked except while
 * waiting, so one can end a wait but never cut a line or a record. */
#ifndef CTOP_STOPSIG_H
#define CTOP_STOPSIG_H

#include <signal.h>

/* Catch SIGINT/SIGTERM, block them; *wait_mask is the mask to wait with. */
void stopsig_setup(sigset_t *wait_mask);
/* The signal that asked to stop, 0 while none did. */
int stopsig_caught(void);
/* Wait for fd to be readable, at most ms (-1: no limit) or until a
 * stop signal. */
void stopsig_wait_fd(int fd, long ms, const sigset_t *mask);

#endif
