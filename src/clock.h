/* Clocks in the units the modules use, and an interruption-proof sleep. */
#ifndef CTOP_CLOCK_H
#define CTOP_CLOCK_H

#include <stdint.h>

uint64_t clock_realtime_ns(void);	/* wall clock, ns since the epoch */
uint64_t clock_monotonic_ns(void);
uint64_t clock_monotonic_ms(void);
/* CPU time used so far, in microseconds: by the calling thread (what a
 * netlink request costs, the kernel's part included, as the kernel handles
 * it inside the call), and by the whole process (a dump on a worker). */
double clock_thread_cpu_us(void);
double clock_process_cpu_us(void);
/* Sleep for s seconds, resuming after signals. */
void clock_sleep(double s);

#endif
