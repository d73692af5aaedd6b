/* Which network namespace this process reads, in words a user can match
 * against `ip netns list`. */
#ifndef CTOP_NETNS_H
#define CTOP_NETNS_H

#include <stddef.h>

/* The name of the namespace at self as ip-netns knows it (an entry of
 * run_dir with the same device and inode), else "host" when it is the
 * namespace at init, else "inode N"; "unknown" when self cannot be read.
 * Returns buf. */
const char *netns_describe(char *buf, size_t len, const char *self,
			   const char *run_dir, const char *init);
/* The same for this process: /proc/self/ns/net, /run/netns and PID 1's
 * namespace. */
const char *netns_current(char *buf, size_t len);

#endif
