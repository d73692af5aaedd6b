/* The event stream reader: datagrams as recvmmsg() would have returned
 * them, through batch_next() and event_next() of src/source_events.c
 * (included here, so its static reader runs unchanged on memory) into
 * source_events_read()'s callback.
 *
 * Input: up to EV_VLEN records, each a 2-byte little-endian length, a
 * flags byte (bit 0: MSG_TRUNC, bit 1: sent by a process, not the
 * kernel) and that many bytes of datagram. The bytes of each datagram's
 * slot past its length are poisoned under ASan. */
#include "../src/source_events.c"

#include <stdio.h>

#include "fuzz.h"

static int seen(const struct source_event *e, void *data)
{
	long *n = data;

	if (e->type < SOURCE_EV_NEW || e->type > SOURCE_EV_OVERFLOW)
		abort();
	*n += e->type == SOURCE_EV_OVERFLOW ? 1 : e->f.family;
	return 0;
}

static struct source_events *fake_open(void)
{
	struct source_events *ev = calloc(1, sizeof(*ev));
	int sv[2];

	/* An empty non-blocking socket: when the fed batch is used up the
	 * reader's recvmmsg() finds nothing queued and it returns. */
	if (!ev || !(ev->bufs = malloc((size_t)EV_VLEN * EV_MSG_BUF)) ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) < 0) {
		perror("fuzz_events setup");
		abort();
	}
	ev->fd = sv[0];
	return ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct source_events *ev;
	struct ctop_err err = { 0 };
	size_t pos = 0;
	long n = 0;
	int k = 0;

	if (!ev)
		ev = fake_open();
	fuzz_unpoison(ev->bufs, (size_t)EV_VLEN * EV_MSG_BUF);
	while (k < EV_VLEN && pos + 3 <= size) {
		size_t len = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
		uint8_t flags = data[pos + 2];
		char *slot = ev->bufs + (size_t)k * EV_MSG_BUF;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		if (len > EV_MSG_BUF)
			len = EV_MSG_BUF;
		memcpy(slot, data + pos, len);
		pos += len;
		memset(&ev->msgs[k], 0, sizeof(ev->msgs[k]));
		ev->msgs[k].msg_len = (unsigned int)len;
		ev->msgs[k].msg_hdr.msg_flags = (flags & 1) ? MSG_TRUNC : 0;
		memset(&ev->from[k], 0, sizeof(ev->from[k]));
		ev->from[k].nl_family = AF_NETLINK;
		ev->from[k].nl_pid = (flags & 2) ? 4242 : 0;
		fuzz_poison(slot + len, EV_MSG_BUF - len);
		k++;
	}
	ev->nmsgs = k;
	ev->cur = 0;
	ev->off = 0;
	ev->congested = false;
	if (source_events_read(ev, 0, seen, &n, &err) < 0)
		abort();	/* only a socket error can fail, and there is none */
	return 0;
}
