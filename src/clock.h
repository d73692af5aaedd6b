/* Clocks in the units the modules use, and an interruption-proof sleep. */
#ifndef CTOP_CLOCK_H
#define CTOP_CLOCK_H

#include <stdint.h>

uint64_t clock_realtime_ns(void);	/* wall clock, ns since the epoch */
uint64_t clock_monotonic_ns(void);
uint64_t clock_monotonic_ms(void);
/* Sleep for s seconds, resuming after signals. */
void clock_sleep(double s);

#endif
