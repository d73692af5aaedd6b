/* The event side of ctnetlink: a socket subscribed to the conntrack NEW,
 * UPDATE and DESTROY groups, read without blocking from a poll() loop.
 *
 * Datagrams are taken many at a time with recvmmsg(): at a burst of a
 * hundred thousand events a second, one system call per event would be
 * most of the cost. Each message is parsed straight into struct flow by
 * source_parse_flow().
 *
 * Lost events: when the socket's buffer is full the kernel drops the
 * event, counts it in the socket's drop counter and makes the next read
 * fail with ENOBUFS. The error says nothing of how many; the counter does,
 * and /proc/net/netlink shows it (column Drops, found by the socket's
 * inode), so an overflow carries the exact number when that file can be
 * read. Drops that happen after the ENOBUFS was reported but before the
 * queue is next empty raise no second error, so the counter is read
 * again the first time the queue runs dry after an overflow.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include "source.h"
#include "source_nlmsg.h"

/* Datagrams per recvmmsg() and room for each. An event is one message of
 * a few hundred bytes; 16 KiB leaves room for helpers, labels and what
 * future kernels add. */
#define EV_VLEN		32
#define EV_MSG_BUF	(16 * 1024)

struct source_events {
	struct mnl_socket *nl;
	int fd;
	ino_t ino;			/* to find us in /proc/net/netlink */
	size_t rcvbuf;			/* asked for, bytes */
	uint64_t overflows, lost;
	unsigned long long drops;	/* drop counter at the last look */
	bool congested;			/* overflow seen, queue not yet empty */
	/* The batch of datagrams being handed out. */
	struct mmsghdr msgs[EV_VLEN];
	struct iovec iov[EV_VLEN];
	struct sockaddr_nl from[EV_VLEN];
	char *bufs;
	int nmsgs, cur;			/* received; the one being read */
	unsigned int off;		/* next message within msgs[cur] */
};

/* One socket of /proc/net/netlink (this namespace's netlink sockets). */
struct nl_sock_row {
	int proto;
	unsigned long groups;		/* the first 32 groups' bits */
	unsigned long long drops, ino;
};

/* Call FN for each socket listed until it returns true. Returns whether
 * one did, or -1 if the file cannot be read. */
static int nl_socks_scan(bool (*fn)(const struct nl_sock_row *row, void *data),
			 void *data)
{
	struct nl_sock_row row;
	char line[512];
	int hit = 0;
	FILE *fp;

	fp = fopen("/proc/net/netlink", "r");
	if (!fp)
		return -1;
	/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode (Groups in
	 * hex); the heading line does not scan. */
	while (!hit && fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%*s %d %*s %lx %*s %*s %*s %*s %llu %llu",
			   &row.proto, &row.groups, &row.drops, &row.ino) == 4)
			hit = fn(&row, data);
	}
	fclose(fp);
	return hit;
}

struct drops_look {
	ino_t ino;
	long long drops;
};

static bool drops_of(const struct nl_sock_row *row, void *data)
{
	struct drops_look *l = data;

	if (row->ino != (unsigned long long)l->ino)
		return false;
	l->drops = (long long)row->drops;
	return true;
}

/* The socket's drop counter, or -1 if /proc/net/netlink does not say
 * (no procfs, or a kernel that prints other columns). */
static long long drops_read(const struct source_events *ev)
{
	struct drops_look l = { .ino = ev->ino, .drops = -1 };

	nl_socks_scan(drops_of, &l);
	return l.drops;
}

struct listen_look {
	ino_t self;
	bool self_seen, others;
};

static bool update_listener(const struct nl_sock_row *row, void *data)
{
	const unsigned long update = 1ul << (NFNLGRP_CONNTRACK_UPDATE - 1);
	struct listen_look *l = data;

	if (row->proto != NETLINK_NETFILTER)
		return false;
	if (row->ino == (unsigned long long)l->self)
		l->self_seen = true;
	else if (row->groups & update)
		l->others = true;
	return false;	/* every socket is looked at */
}

int source_events_others_listen(const struct source_events *ev)
{
	struct listen_look l = { .self = ev->ino };

	if (nl_socks_scan(update_listener, &l) < 0 || !l.self_seen)
		return -1;
	return l.others;
}

/* Ask for SIZE bytes of receive buffer. FORCE ignores net.core.rmem_max
 * but needs CAP_NET_ADMIN; without it rmem_max caps the plain option. */
static void rcvbuf_set(struct source_events *ev, size_t size)
{
	/* The kernel doubles the value into an int: stay well below. */
	int v = size > ((size_t)1 << 30) ? 1 << 30 : (int)size;

	if (setsockopt(ev->fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(ev->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	ev->rcvbuf = (size_t)v;
}

size_t source_events_rcvbuf(const struct source_events *ev)
{
	socklen_t len = sizeof(int);
	int v = 0;

	/* The kernel doubles what it is given (for its bookkeeping) and
	 * reports the doubled figure. */
	if (getsockopt(ev->fd, SOL_SOCKET, SO_RCVBUF, &v, &len) < 0 || v <= 0)
		return ev->rcvbuf;
	return (size_t)v / 2;
}

static int subscribe(struct source_events *ev, struct ctop_err *err)
{
	static const int groups[] = {
		NFNLGRP_CONNTRACK_NEW,
		NFNLGRP_CONNTRACK_UPDATE,
		NFNLGRP_CONNTRACK_DESTROY,
	};

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (mnl_socket_setsockopt(ev->nl, NETLINK_ADD_MEMBERSHIP,
					  (void *)&groups[i], sizeof(int)) < 0) {
			if (errno == EPERM || errno == EACCES)
				return err_set(err, CTOP_EXIT_RUNTIME,
					       "listening to conntrack events needs CAP_NET_ADMIN (run as root)");
			return err_set(err, CTOP_EXIT_RUNTIME,
				       "cannot subscribe to conntrack events: %s",
				       strerror(errno));
		}
	}
	return 0;
}

struct source_events *source_events_open(size_t rcvbuf, struct ctop_err *err)
{
	struct source_events *ev = calloc(1, sizeof(*ev));
	struct stat st;
	int flags;

	if (!ev || !(ev->bufs = malloc((size_t)EV_VLEN * EV_MSG_BUF))) {
		free(ev);
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		return NULL;
	}
	ev->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!ev->nl) {
		err_set(err, CTOP_EXIT_RUNTIME,
			"cannot open a netfilter netlink socket: %s",
			strerror(errno));
		goto fail;
	}
	ev->fd = mnl_socket_get_fd(ev->nl);
	if (mnl_socket_bind(ev->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err_set(err, CTOP_EXIT_RUNTIME,
			"cannot bind the netlink event socket: %s",
			strerror(errno));
		goto fail;
	}
	/* The buffer first: events start queueing at the subscription. */
	rcvbuf_set(ev, rcvbuf ? rcvbuf : SOURCE_EVENTS_RCVBUF);
	if (subscribe(ev, err) < 0)
		goto fail;
	flags = fcntl(ev->fd, F_GETFL);
	if (flags < 0 || fcntl(ev->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		err_set(err, CTOP_EXIT_RUNTIME,
			"cannot make the event socket non-blocking: %s",
			strerror(errno));
		goto fail;
	}
	fcntl(ev->fd, F_SETFD, FD_CLOEXEC);
	if (fstat(ev->fd, &st) == 0)
		ev->ino = st.st_ino;
	return ev;
fail:
	source_events_close(ev);
	return NULL;
}

void source_events_close(struct source_events *ev)
{
	if (!ev)
		return;
	if (ev->nl)
		mnl_socket_close(ev->nl);
	free(ev->bufs);
	free(ev);
}

int source_events_fd(const struct source_events *ev)
{
	return ev->fd;
}

uint64_t source_events_overflows(const struct source_events *ev)
{
	return ev->overflows;
}

uint64_t source_events_lost(const struct source_events *ev)
{
	return ev->lost;
}

long source_events_sysctl(void)
{
	return source_sysctl("nf_conntrack_events");
}

/* Account for drops since the last look: the number lost, or -1 when the
 * counter cannot be read (then it counts as one, the least it can be). */
static long long lost_since(struct source_events *ev)
{
	long long now = drops_read(ev);
	long long n;

	if (now < 0) {
		ev->lost++;
		return -1;
	}
	n = (unsigned long long)now >= ev->drops ?
	    now - (long long)ev->drops : 0;
	ev->drops = (unsigned long long)now;
	ev->lost += (uint64_t)n;
	return n;
}

/* ENOBUFS: say so, and make room so the next burst fits better. */
static void overflow(struct source_events *ev, struct source_event *out,
		     long long lost)
{
	size_t cur = source_events_rcvbuf(ev);

	ev->overflows++;
	out->type = SOURCE_EV_OVERFLOW;
	out->lost = lost;
	if (cur < ev->rcvbuf)
		cur = ev->rcvbuf;
	/* Growth stops at the bound; a bigger --buffer-size is kept. */
	if (cur < SOURCE_EVENTS_RCVBUF_MAX)
		rcvbuf_set(ev, cur * 2 < SOURCE_EVENTS_RCVBUF_MAX ?
			   cur * 2 : SOURCE_EVENTS_RCVBUF_MAX);
}

/* Fill the batch. Returns datagrams received, 0 if none is queued, -1
 * with errno. */
static int batch_fill(struct source_events *ev)
{
	int n;

	for (int i = 0; i < EV_VLEN; i++) {
		ev->iov[i].iov_base = ev->bufs + (size_t)i * EV_MSG_BUF;
		ev->iov[i].iov_len = EV_MSG_BUF;
		memset(&ev->msgs[i].msg_hdr, 0, sizeof(ev->msgs[i].msg_hdr));
		ev->msgs[i].msg_hdr.msg_iov = &ev->iov[i];
		ev->msgs[i].msg_hdr.msg_iovlen = 1;
		ev->msgs[i].msg_hdr.msg_name = &ev->from[i];
		ev->msgs[i].msg_hdr.msg_namelen = sizeof(ev->from[i]);
	}
	do
		n = recvmmsg(ev->fd, ev->msgs, EV_VLEN, MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n < 0)
		return -1;
	ev->nmsgs = n;
	ev->cur = 0;
	ev->off = 0;
	return n;
}

static enum source_event_type event_type(const struct nlmsghdr *nlh)
{
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) == IPCTNL_MSG_CT_DELETE)
		return SOURCE_EV_DESTROY;
	if ((nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ==
	    (NLM_F_CREATE | NLM_F_EXCL))
		return SOURCE_EV_NEW;
	return SOURCE_EV_UPDATE;
}

/* The next conntrack message of the batch, or NULL when it is used up.
 * A datagram cut short (MSG_TRUNC) is an event lost: *trunc says so. */
static const struct nlmsghdr *batch_next(struct source_events *ev, bool *trunc)
{
	*trunc = false;
	while (ev->cur < ev->nmsgs) {
		struct mmsghdr *m = &ev->msgs[ev->cur];
		const char *buf = ev->bufs + (size_t)ev->cur * EV_MSG_BUF;
		const struct nlmsghdr *nlh;
		size_t off = ev->off;
		bool bad;

		/* Only the kernel sends to this socket. */
		if (ev->from[ev->cur].nl_pid != 0 || m->msg_len > EV_MSG_BUF) {
			ev->cur++;
			ev->off = 0;
			continue;
		}
		if (m->msg_hdr.msg_flags & MSG_TRUNC) {
			ev->cur++;
			ev->off = 0;
			*trunc = true;
			return NULL;
		}
		/* Lengths checked as sizes: see source_nlmsg.h. */
		nlh = nlmsg_run_next(buf, m->msg_len, &off, &bad);
		if (!nlh) {
			ev->cur++;
			ev->off = 0;
			continue;
		}
		ev->off = (unsigned int)off;
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE ||
		    NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
			continue;
		return nlh;
	}
	return NULL;
}

/* One event into *out. Returns 1, 0 when nothing is queued, -1 on error
 * (errno set). */
static int event_next(struct source_events *ev, struct source_event *out)
{
	const struct nlmsghdr *nlh;
	long long lost;
	bool trunc;
	int n;

	for (;;) {
		nlh = batch_next(ev, &trunc);
		if (trunc) {
			ev->lost++;
			ev->overflows++;
			out->type = SOURCE_EV_OVERFLOW;
			out->lost = 1;
			return 1;
		}
		if (nlh) {
			/* A flow we cannot parse (another family, a
			 * malformed message) is not an event to show. */
			if (source_parse_event(nlh, &out->f,
					       &out->stop_ns) < 0)
				continue;
			out->type = event_type(nlh);
			out->lost = 0;
			return 1;
		}
		n = batch_fill(ev);
		if (n > 0)
			continue;
		if (n == 0) {
			/* Queue empty: drops since the ENOBUFS went
			 * unreported; count them now. */
			if (!ev->congested)
				return 0;
			ev->congested = false;
			lost = drops_read(ev);
			if (lost < 0 || (unsigned long long)lost <= ev->drops)
				return 0;
			out->lost = lost - (long long)ev->drops;
			ev->drops = (unsigned long long)lost;
			ev->lost += (uint64_t)out->lost;
			ev->overflows++;
			out->type = SOURCE_EV_OVERFLOW;
			return 1;
		}
		if (errno == ENOBUFS) {
			ev->congested = true;
			overflow(ev, out, lost_since(ev));
			return 1;
		}
		return -1;
	}
}

long source_events_read(struct source_events *ev, long max_events,
			source_event_fn fn, void *data, struct ctop_err *err)
{
	struct source_event e;
	long n = 0;
	int r;

	while (max_events <= 0 || n < max_events) {
		r = event_next(ev, &e);
		if (r == 0)
			break;
		if (r < 0)
			return err_set(err, CTOP_EXIT_RUNTIME,
				       "reading conntrack events failed: %s",
				       strerror(errno));
		n++;
		if (fn(&e, data))
			break;
	}
	return n;
}
