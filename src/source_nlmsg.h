/* Walking a run of netlink messages whose lengths have not been checked:
 * a recording read from a file (perhaps another machine's, perhaps
 * damaged), a datagram, a fuzzer's input. libmnl 1.0.4's mnl_nlmsg_ok()
 * compares (int)nlmsg_len with the bytes left, so a length of 2^31 or
 * more passes as negative and mnl_nlmsg_next() then jumps gigabytes
 * ahead; here every length is checked as an unsigned size. For source*.c
 * only (netlink headers). */
#ifndef CTOP_SOURCE_NLMSG_H
#define CTOP_SOURCE_NLMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

/* The message at *off of buf[0..len) when a whole one is there: nlmsg_len
 * at least a header and at most the bytes left. *off then moves past it
 * and its alignment padding (never past len: the last message of a run
 * need not be padded). NULL at the end of the run; *bad is then set when
 * bytes were left over that are no whole message. BUF + *OFF must be
 * 4-byte aligned (malloc'd buffers and NLMSG_ALIGN steps are). */
static inline const struct nlmsghdr *nlmsg_run_next(const char *buf,
						    size_t len, size_t *off,
						    bool *bad)
{
	const struct nlmsghdr *nlh;
	size_t left, step;

	*bad = false;
	if (*off >= len)
		return NULL;
	left = len - *off;
	nlh = (const struct nlmsghdr *)(const void *)(buf + *off);
	if (left < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
	    nlh->nlmsg_len > left) {
		*bad = true;
		return NULL;
	}
	step = ((size_t)nlh->nlmsg_len + NLMSG_ALIGNTO - 1) &
	       ~(size_t)(NLMSG_ALIGNTO - 1);
	*off += step < left ? step : left;
	return nlh;
}

#endif
