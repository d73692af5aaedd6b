/* Reading one integer setting from a /proc/sys style directory. */
#ifndef CTOP_SYSCTL_H
#define CTOP_SYSCTL_H

#define SYSCTL_NETFILTER "/proc/sys/net/netfilter"

/* The integer in DIR/NAME, or -1 when it is absent or not a number.
 * NAME may not contain '/'. /proc/sys/net shows the namespace of the
 * reading process. */
long sysctl_read(const char *dir, const char *name);

#endif
