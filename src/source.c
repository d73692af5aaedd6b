/* The kernel side: the ctnetlink socket, table dumps with kernel-side
 * filtering, statistics, deletes, sysctls and namespace entry.
 *
 * libmnl is used directly: the messages are walked by hand and parsed
 * straight into struct flow (source_parse.c), so a dump of a million
 * entries costs little more than the kernel's own time to build them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "source.h"
#include "source_nlmsg.h"
#include "source_recording.h"
#include "sysctl.h"

/* A netlink dump never puts more than 32 KiB in one datagram; twice that
 * leaves room for whatever a future kernel does. */
#define RECV_BUF_SIZE	(64 * 1024)
/* Socket receive buffer: a dump is paced by the reader, so this mostly
 * matters for error bursts, but a large one costs nothing. */
#define SOCK_RCVBUF	(8 * 1024 * 1024)

/* The kernel's tuple filter flags (net/netfilter/nf_internals.h); not in
 * the UAPI headers, stable since Linux 5.8. */
#define CT_FILTER_PROTO_NUM	(1u << 3)

/* Parts of the pushdown, so a kernel that rejects one can be asked again
 * without it (and is not asked with it again). */
enum {
	PD_MARK = 1u << 0,
	PD_STATUS = 1u << 1,
	PD_ZONE = 1u << 2,
	PD_PROTO = 1u << 3,
};

struct source {
	struct mnl_socket *nl;
	unsigned int portid;
	uint32_t seq;
	unsigned int pd_rejected;	/* PD_* the kernel refused */
	FILE *rec;
	char *buf;			/* RECV_BUF_SIZE */
	char *gbuf, *abuf;		/* source_get_batch: requests, answers */
};

static const char NO_CONNTRACK[] =
	"this kernel has no connection tracking (nf_conntrack is not loaded)";
static const char NEED_NET_ADMIN[] =
	"reading the conntrack table needs CAP_NET_ADMIN (run as root)";

/* ---- namespaces ---- */

int source_enter_netns(const char *netns, struct ctop_err *err)
{
	char path[4096];
	int fd;

	if (!netns)
		return 0;
	if (strchr(netns, '/'))
		snprintf(path, sizeof(path), "%s", netns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", netns);

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(err, CTOP_EXIT_RUNTIME,
				       "network namespace \"%s\" not found (%s)",
				       netns, path);
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "cannot open network namespace %s: %s",
			       path, strerror(errno));
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;

		close(fd);
		if (e == EPERM)
			return err_set(err, CTOP_EXIT_RUNTIME,
				       "entering network namespace \"%s\" needs CAP_SYS_ADMIN (run as root)",
				       netns);
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "cannot enter network namespace \"%s\": %s",
			       netns, e == EINVAL ? "not a network namespace" :
			       strerror(e));
	}
	close(fd);
	return 0;
}

/* ---- socket ---- */

static void sock_grow_rcvbuf(struct mnl_socket *nl)
{
	int fd = mnl_socket_get_fd(nl);
	int size = SOCK_RCVBUF;

	/* FORCE ignores rmem_max but needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static struct nlmsghdr *msg_start(char *buf, uint16_t type, uint16_t flags,
				  uint32_t seq, uint8_t family)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	/* libmnl leaves attribute padding as it finds it. */
	memset(buf, 0, 512);
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

static int sock_send(struct source *src, const struct nlmsghdr *nlh)
{
	ssize_t n;

	do
		n = mnl_socket_sendto(src->nl, nlh, nlh->nlmsg_len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

static ssize_t sock_recv(struct source *src)
{
	ssize_t n;

	do
		n = mnl_socket_recvfrom(src->nl, src->buf, RECV_BUF_SIZE);
	while (n < 0 && errno == EINTR);
	return n;
}

/* What to do with one received message. */
enum msg_kind { MSG_DATA, MSG_DONE, MSG_ERROR, MSG_SKIP };

/* Classifies a message of our request; *error gets the errno of an
 * NLMSG_ERROR (0 for an ACK) or of a failed NLMSG_DONE. */
static enum msg_kind msg_classify(const struct source *src,
				  const struct nlmsghdr *nlh, uint32_t seq,
				  int *error)
{
	const int *code;

	/* Leftovers of an earlier request are not ours. */
	if (nlh->nlmsg_seq != seq ||
	    (nlh->nlmsg_pid && nlh->nlmsg_pid != src->portid))
		return MSG_SKIP;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		return MSG_SKIP;
	case NLMSG_ERROR:
		*error = 0;
		if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
			code = mnl_nlmsg_get_payload(nlh);
			*error = -*code;
		} else {
			*error = EPROTO;
		}
		return MSG_ERROR;
	case NLMSG_DONE:
		*error = 0;
		if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
			code = mnl_nlmsg_get_payload(nlh);
			if (*code < 0)
				*error = -*code;
		}
		return MSG_DONE;
	}
	return MSG_DATA;
}

/* Ask the kernel once, so that a kernel whose ctnetlink is a module loads
 * it, and tell whether conntrack is there at all. */
static bool conntrack_present(struct source *src)
{
	char *buf = src->buf;
	struct nlmsghdr *nlh;
	uint32_t seq = ++src->seq;
	ssize_t n;
	int len, error = 0;

	if (access("/proc/sys/net/netfilter/nf_conntrack_count", F_OK) == 0)
		return true;
	nlh = msg_start(buf, IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK, seq, AF_UNSPEC);
	if (sock_send(src, nlh) < 0)
		return errno != EOPNOTSUPP && errno != EPROTONOSUPPORT;
	for (;;) {
		n = sock_recv(src);
		if (n <= 0)
			return true;
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (msg_classify(src, nlh, seq, &error) == MSG_ERROR)
				return error != EOPNOTSUPP &&
				       error != EPROTONOSUPPORT;
		}
	}
}

struct source *source_open(struct ctop_err *err)
{
	struct source *src = calloc(1, sizeof(*src));

	if (!src || !(src->buf = malloc(RECV_BUF_SIZE))) {
		free(src);
		err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		return NULL;
	}
	src->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!src->nl) {
		int e = errno;

		free(src->buf);
		free(src);
		/* Refused by the socket call itself, this says nothing
		 * about conntrack: the kernel lacks nfnetlink, or an
		 * emulator (qemu-user) does not pass the protocol on. */
		err_set(err, CTOP_EXIT_RUNTIME,
			"cannot open a NETLINK_NETFILTER socket: %s%s",
			strerror(e), e == EPROTONOSUPPORT || e == EAFNOSUPPORT ?
			" (no nfnetlink in this kernel, or an emulator such as qemu-user that does not pass it on)" : "");
		return NULL;
	}
	if (mnl_socket_bind(src->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err_set(err, CTOP_EXIT_RUNTIME,
			"cannot bind the netlink socket: %s", strerror(errno));
		source_close(src);
		return NULL;
	}
	src->portid = mnl_socket_get_portid(src->nl);
	src->seq = (uint32_t)time(NULL);
	sock_grow_rcvbuf(src->nl);
	/* Errors and acks without a copy of the request: nothing here reads
	 * it, and a probe's answer is then a fraction of its size. Kernels
	 * before 4.3 ignore it. */
	setsockopt(mnl_socket_get_fd(src->nl), SOL_NETLINK, NETLINK_CAP_ACK,
		   &(int){ 1 }, sizeof(int));
	if (!conntrack_present(src)) {
		err_set(err, CTOP_EXIT_RUNTIME, "%s", NO_CONNTRACK);
		source_close(src);
		return NULL;
	}
	return src;
}

void source_close(struct source *src)
{
	if (!src)
		return;
	if (src->nl)
		mnl_socket_close(src->nl);
	free(src->buf);
	free(src->gbuf);
	free(src->abuf);
	free(src);
}

void source_record(struct source *src, FILE *rec)
{
	src->rec = rec;
}

static int errno_message(int e, const char *what, struct ctop_err *err)
{
	if (e == EPERM || e == EACCES)
		return err_set(err, CTOP_EXIT_RUNTIME, "%s", NEED_NET_ADMIN);
	if (e == EOPNOTSUPP || e == EPROTONOSUPPORT)
		return err_set(err, CTOP_EXIT_RUNTIME, "%s", NO_CONNTRACK);
	return err_set(err, CTOP_EXIT_RUNTIME, "%s: %s", what, strerror(e));
}

/* ---- dump ---- */

/* The request for one dump. Only what is in PARTS goes in. */
static struct nlmsghdr *dump_request(char *buf, uint32_t seq, uint8_t family,
				     const struct filter_pushdown *pd,
				     unsigned int parts)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest, *tuple, *proto;

	nlh = msg_start(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, seq, family);
	if (!pd)
		return nlh;
	if (parts & PD_MARK) {
		/* Bits outside the mask can only make the kernel drop
		 * more than the filter would; leave them out. */
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(pd->mark & pd->mark_mask));
		mnl_attr_put_u32(nlh, CTA_MARK_MASK, htonl(pd->mark_mask));
	}
	if (parts & PD_STATUS) {
		mnl_attr_put_u32(nlh, CTA_STATUS,
				 htonl(pd->status & pd->status_mask));
		mnl_attr_put_u32(nlh, CTA_STATUS_MASK, htonl(pd->status_mask));
	}
	/* The zone and the protocol both ride on CTA_FILTER; the zone alone
	 * needs no tuple flag. */
	if (parts & (PD_ZONE | PD_PROTO)) {
		if (parts & PD_ZONE)
			mnl_attr_put_u16(nlh, CTA_ZONE, htons((uint16_t)pd->zone));
		nest = mnl_attr_nest_start(nlh, CTA_FILTER);
		mnl_attr_put_u32(nlh, CTA_FILTER_ORIG_FLAGS,
				 (parts & PD_PROTO) ? CT_FILTER_PROTO_NUM : 0);
		mnl_attr_put_u32(nlh, CTA_FILTER_REPLY_FLAGS, 0);
		mnl_attr_nest_end(nlh, nest);
		if (parts & PD_PROTO) {
			tuple = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
			proto = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
			mnl_attr_put_u8(nlh, CTA_PROTO_NUM, (uint8_t)pd->protonum);
			mnl_attr_nest_end(nlh, proto);
			mnl_attr_nest_end(nlh, tuple);
		}
	}
	return nlh;
}

/* Which parts of PD are worth sending at all. */
static unsigned int dump_parts(const struct filter_pushdown *pd)
{
	unsigned int parts = 0;

	if (!pd)
		return 0;
	if (pd->has_mark && pd->mark_mask)
		parts |= PD_MARK;
	/* A zero mask means "no condition"; the kernel refuses it. */
	if (pd->status_mask)
		parts |= PD_STATUS;
	/* Zone 0 is the kernel's "no zone filter". */
	if (pd->zone > 0 && pd->zone <= 0xffff)
		parts |= PD_ZONE;
	if (pd->protonum >= 0 && pd->protonum <= 255)
		parts |= PD_PROTO;
	return parts;
}

/* Read the rest of a dump we stopped early, so the socket is clean for
 * the next request (one dump at a time per socket). */
static void dump_drain(struct source *src, uint32_t seq)
{
	struct nlmsghdr *nlh;
	ssize_t n;
	int len, error;

	for (;;) {
		n = sock_recv(src);
		if (n <= 0)
			return;
		len = (int)n;
		for (nlh = (struct nlmsghdr *)src->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			enum msg_kind k = msg_classify(src, nlh, seq, &error);

			if (k == MSG_DONE || k == MSG_ERROR)
				return;
		}
	}
}

/* Result of one dump attempt: 0 done, 1 stopped by the callback, -1 with
 * *error set (*delivered says whether flows had gone out already). */
static int dump_once(struct source *src, uint8_t family,
		     const struct filter_pushdown *pd, unsigned int parts,
		     source_flow_fn fn, void *data, int *error,
		     bool *delivered)
{
	uint32_t seq = ++src->seq;
	struct nlmsghdr *nlh;
	struct flow f;
	ssize_t n;
	int len;

	*delivered = false;
	nlh = dump_request(src->buf, seq, family, pd, parts);
	if (sock_send(src, nlh) < 0) {
		*error = errno;
		return -1;
	}
	for (;;) {
		n = sock_recv(src);
		if (n < 0) {
			*error = errno;
			return -1;
		}
		if (n == 0) {
			*error = EPIPE;
			return -1;
		}
		if (src->rec)
			fwrite(src->buf, 1, (size_t)n, src->rec);
		len = (int)n;
		for (nlh = (struct nlmsghdr *)src->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			switch (msg_classify(src, nlh, seq, error)) {
			case MSG_SKIP:
				continue;
			case MSG_DONE:
				if (*error)
					return -1;
				return 0;
			case MSG_ERROR:
				return -1;
			case MSG_DATA:
				break;
			}
			/* A message we cannot parse (a newer kernel's idea,
			 * or a flow gone while dumped) is skipped. */
			if (source_parse_flow(nlh, &f) < 0)
				continue;
			*delivered = true;
			if (fn(&f, data)) {
				dump_drain(src, seq);
				return 1;
			}
		}
	}
}

/* Drop the part most likely to be refused, in the order they appeared in
 * kernels: the tuple filter (5.8), the status filter (6.x), the zone. */
static unsigned int dump_drop_part(unsigned int parts)
{
	static const unsigned int order[] = { PD_PROTO, PD_STATUS, PD_ZONE, PD_MARK };
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (parts & order[i])
			return order[i];
	return 0;
}

/* Dump one family (AF_UNSPEC for all). Returns 0 done, 1 stopped by the
 * callback, 2 when SPLIT is set and the kernel refused the protocol
 * filter (the caller then asks for all families at once), -1 error. */
static int dump_family(struct source *src, uint8_t family,
		       const struct filter_pushdown *pd, unsigned int parts,
		       bool split, source_flow_fn fn, void *data,
		       struct ctop_err *err)
{
	bool delivered;
	int error = 0, r, restarts = 0;

	for (;;) {
		unsigned int drop;

		r = dump_once(src, family, pd, parts & ~src->pd_rejected, fn,
			      data, &error, &delivered);
		if (r >= 0)
			return r;
		/* A refused filter fails the request before any data. */
		drop = dump_drop_part(parts & ~src->pd_rejected);
		if (!delivered && drop &&
		    (error == EINVAL || error == EOPNOTSUPP)) {
			src->pd_rejected |= drop;
			if (split && drop == PD_PROTO)
				return 2;
			continue;
		}
		/* The dump was interrupted by a table resize or the like:
		 * start over unless flows were handed out already. */
		if (!delivered && (error == EINTR || error == EBUSY) &&
		    ++restarts < 5)
			continue;
		return errno_message(error, "conntrack dump failed", err);
	}
}

static int dump_table(struct source *src, const struct filter_pushdown *pd,
		      source_flow_fn fn, void *data, struct ctop_err *err)
{
	unsigned int parts;
	uint8_t family;
	int r;

	/* A recording holds exactly the last dump of the whole table, so it
	 * replays with any filter: start the file afresh, and ask the
	 * kernel for everything. */
	if (src->rec) {
		fflush(src->rec);
		if (ftruncate(fileno(src->rec), 0) == 0)
			rewind(src->rec);
		recording_write_header(src->rec);
		pd = NULL;
	}
	parts = dump_parts(pd);
	family = pd ? pd->family : 0;
	if (family != FLOW_IPV4 && family != FLOW_IPV6)
		family = AF_UNSPEC;
	/* The kernel filters on a protocol only within one family: without
	 * one, ask for each family in turn (still far less to copy than the
	 * whole table). */
	if ((parts & PD_PROTO) && !(src->pd_rejected & PD_PROTO) &&
	    family == AF_UNSPEC) {
		r = dump_family(src, AF_INET, pd, parts, true, fn, data, err);
		if (r == 0)
			r = dump_family(src, AF_INET6, pd, parts, false, fn,
					data, err);
		if (r != 2)
			return r < 0 ? -1 : 0;
		/* Refused on the first pass, before any flow: one dump of
		 * every family without it. */
	}
	r = dump_family(src, family, pd, parts, false, fn, data, err);
	return r < 0 ? -1 : 0;
}

/* The kernel walks its hash table a bucket at a time across the messages
 * of a dump. When the table is resized meanwhile (nf_conntrack_buckets
 * written, by hand or by another tool), the walk goes on in the new table
 * and skips or repeats flows without any error: measured here, dumps of
 * 200,000 flows returned 168,977 and 206,176 while it was resized. The
 * bucket count (global) before and after tells; the dump is then
 * reported as failed, so no caller takes it for the whole table. */
int source_dump(struct source *src, const struct filter_pushdown *pd,
		source_flow_fn fn, void *data, struct ctop_err *err)
{
	long before = source_sysctl("nf_conntrack_buckets"), after;

	if (dump_table(src, pd, fn, data, err))
		return -1;
	after = source_sysctl("nf_conntrack_buckets");
	if (before > 0 && after > 0 && after != before) {
		err_set(err, CTOP_EXIT_RUNTIME,
			"the conntrack hash table was resized during the dump "
			"(nf_conntrack_buckets %ld -> %ld): flows may be "
			"missing or repeated", before, after);
		if (err)
			err->transient = true;
		return -1;
	}
	return 0;
}

/* ---- replay ---- */

bool source_recording_detect(const void *head, size_t n)
{
	const struct nlmsghdr *nlh = head;
	int len = (int)(n < 65536 ? n : 65536);

	/* A recording is raw ctnetlink messages back to back: the first
	 * is a whole, well-formed header of the conntrack subsystem (or
	 * the DONE of an empty dump). */
	if (recording_has_header(head, n))
		return true;
	if (n < sizeof(struct nlmsghdr))
		return false;
	if (!mnl_nlmsg_ok(nlh, len))
		/* A headerless one from a host of the other byte order. */
		return recording_swapped_start(head, n);
	return (nlh->nlmsg_type >> 8) == NFNL_SUBSYS_CTNETLINK ||
	       nlh->nlmsg_type == NLMSG_DONE;
}

/* The whole input into one buffer: netlink messages are parsed in place
 * (and turned to this host's byte order first). Bounded: a recording of
 * a million flows is a few hundred MB. */
#define REPLAY_MAX	((size_t)1 << 30)

static int read_all(struct read_in *in, char **buf, size_t *len,
		    struct ctop_err *err)
{
	size_t cap = 1 << 16, n = 0, got;
	struct stat sb;
	char *p, *q;

	/* A file's size is known before it is read: one too large is said
	 * at once (a pipe's is read up to the bound). */
	if (in->fp && fstat(fileno(in->fp), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (uint64_t)sb.st_size > REPLAY_MAX)
		return err_set(err, CTOP_EXIT_RUNTIME, "%s is too large (%llu bytes, "
			       "more than %llu)", in->name,
			       (unsigned long long)sb.st_size,
			       (unsigned long long)REPLAY_MAX);
	p = malloc(cap);
	while (p) {
		got = read_in_read(in, p + n, cap - n);
		n += got;
		if (!got)
			break;
		if (n < cap)
			continue;
		if (cap >= REPLAY_MAX) {
			free(p);
			return err_set(err, CTOP_EXIT_RUNTIME, "%s is too large", in->name);
		}
		cap *= 2;
		q = realloc(p, cap);
		if (!q)
			free(p);
		p = q;
	}
	if (!p || in->error) {
		free(p);
		return err_set(err, CTOP_EXIT_RUNTIME, "cannot read %s%s%s", in->name,
			       in->error ? ": " : "", in->error ? strerror(in->err_no) : "");
	}
	*buf = p;
	*len = n;
	return 0;
}

/* A conntrack message of a recording that does not parse: the kernel
 * writes none, so the file is damaged. */
static bool replay_bad_flow(const struct nlmsghdr *nlh)
{
	uint8_t type = nlh->nlmsg_type & 0xff;

	return (nlh->nlmsg_type >> 8) == NFNL_SUBSYS_CTNETLINK &&
	       (type == IPCTNL_MSG_CT_NEW || type == IPCTNL_MSG_CT_DELETE);
}

int source_replay_in(struct read_in *in, source_flow_fn fn, void *data,
		     uint64_t *flows, struct ctop_err *err)
{
	const struct nlmsghdr *nlh;
	struct flow f;
	size_t size = 0, off = 0, first_bad = 0;
	uint64_t nbad = 0;
	char *buf = NULL, *msgs;
	bool bad = false;
	int r = 0;

	if (read_all(in, &buf, &size, err) < 0)
		return -1;
	/* The header off, in this host's byte order. */
	if (recording_load(buf, size, in->name, &msgs, &size, err) < 0) {
		free(buf);
		return -1;
	}
	/* Messages are aligned within each datagram, and datagrams are
	 * concatenated, so the file is one run of messages; each length is
	 * checked as a size (source_nlmsg.h). */
	while ((nlh = nlmsg_run_next(msgs, size, &off, &bad))) {
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		if (source_parse_flow(nlh, &f) < 0) {
			if (replay_bad_flow(nlh) && !nbad++)
				first_bad = (size_t)((const char *)nlh - msgs);
			continue;
		}
		if (flows)
			(*flows)++;
		if (fn(&f, data))
			break;
	}
	if (bad)
		r = err_set(err, CTOP_EXIT_RUNTIME,
			    "%s: truncated or corrupt netlink record (a message "
			    "length that does not fit, at byte %zu of %zu)",
			    in->name, off, size);
	else if (nbad)
		r = err_set(err, CTOP_EXIT_RUNTIME,
			    "%s: corrupt netlink record (%" PRIu64 " conntrack "
			    "message%s that do%s not parse, the first at byte %zu)",
			    in->name, nbad, nbad == 1 ? "" : "s",
			    nbad == 1 ? "es" : "", first_bad);
	free(buf);
	return r;
}

/* ---- statistics ---- */

static void stats_cpu_add(const struct nlmsghdr *nlh, struct table_stats *st)
{
	const struct nlattr *a;
	uint64_t *field;
	uint32_t v;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_payload_len(a) < 4)
			continue;
		switch (mnl_attr_get_type(a)) {
		case CTA_STATS_FOUND: field = &st->found; break;
		case CTA_STATS_INVALID: field = &st->invalid; break;
		case CTA_STATS_INSERT: field = &st->insert; break;
		case CTA_STATS_INSERT_FAILED: field = &st->insert_failed; break;
		case CTA_STATS_DROP: field = &st->drop; break;
		case CTA_STATS_EARLY_DROP: field = &st->early_drop; break;
		case CTA_STATS_ERROR: field = &st->error; break;
		case CTA_STATS_SEARCH_RESTART: field = &st->search_restart; break;
		case CTA_STATS_CLASH_RESOLVE: field = &st->clash_resolve; break;
		case CTA_STATS_CHAIN_TOOLONG: field = &st->chaintoolong; break;
		default: continue;
		}
		v = ntohl(mnl_attr_get_u32(a));
		*field += v;
	}
}

static void stats_global(const struct nlmsghdr *nlh, struct table_stats *st)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_payload_len(a) < 4)
			continue;
		if (mnl_attr_get_type(a) == CTA_STATS_GLOBAL_ENTRIES)
			st->count = ntohl(mnl_attr_get_u32(a));
		else if (mnl_attr_get_type(a) == CTA_STATS_GLOBAL_MAX_ENTRIES)
			st->max = ntohl(mnl_attr_get_u32(a));
	}
}

/* One request, every answer through HANDLE. Returns 0 or an errno. */
static int request(struct source *src, uint16_t type, uint16_t flags,
		   void (*handle)(const struct nlmsghdr *, struct table_stats *),
		   struct table_stats *st, unsigned int *msgs)
{
	uint32_t seq = ++src->seq;
	struct nlmsghdr *nlh;
	ssize_t n;
	int len, error = 0;

	nlh = msg_start(src->buf, type, flags | NLM_F_ACK, seq, AF_UNSPEC);
	if (sock_send(src, nlh) < 0)
		return errno;
	for (;;) {
		n = sock_recv(src);
		if (n <= 0)
			return n < 0 ? errno : EPIPE;
		len = (int)n;
		for (nlh = (struct nlmsghdr *)src->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			switch (msg_classify(src, nlh, seq, &error)) {
			case MSG_SKIP:
				continue;
			case MSG_DONE:
			case MSG_ERROR:
				/* A dump ends with DONE, a plain request
				 * with its ACK; either way we are done. */
				if (error || (flags & NLM_F_DUMP) ||
				    nlh->nlmsg_type == NLMSG_ERROR)
					return error;
				continue;
			case MSG_DATA:
				handle(nlh, st);
				if (msgs)
					(*msgs)++;
				break;
			}
		}
	}
}

int source_stats(struct source *src, struct table_stats *st,
		 struct ctop_err *err)
{
	unsigned int cpus = 0;
	long v;
	int e;

	memset(st, 0, sizeof(*st));
	e = request(src, IPCTNL_MSG_CT_GET_STATS, 0, stats_global, st, NULL);
	if (e) {
		if (e == EPERM)
			return errno_message(e, "", err);
		/* Older kernels: the same figures from /proc. */
		v = source_sysctl("nf_conntrack_count");
		if (v < 0)
			return errno_message(e, "conntrack statistics", err);
		st->count = (uint32_t)v;
		v = source_sysctl("nf_conntrack_max");
		st->max = v < 0 ? 0 : (uint32_t)v;
	}
	e = request(src, IPCTNL_MSG_CT_GET_STATS_CPU, NLM_F_DUMP, stats_cpu_add,
		    st, &cpus);
	if (e == 0) {
		st->have_cpu = true;
		st->cpus = cpus;
	} else if (e == EPERM) {
		return errno_message(e, "", err);
	}
	return 0;
}

/* ---- delete ---- */

void source_put_tuple(void *msg, unsigned int attr, const struct flow *f,
		      const struct flow_tuple *t)
{
	struct nlmsghdr *nlh = msg;
	struct nlattr *tuple, *ip, *proto;

	tuple = mnl_attr_nest_start(nlh, (uint16_t)attr);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	if (f->family == FLOW_IPV6) {
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, t->src.b);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, t->dst.b);
	} else {
		mnl_attr_put(nlh, CTA_IP_V4_SRC, 4, t->src.b);
		mnl_attr_put(nlh, CTA_IP_V4_DST, 4, t->dst.b);
	}
	mnl_attr_nest_end(nlh, ip);
	proto = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, f->protonum);
	if (f->protonum == FLOW_P_ICMP) {
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID, htons(t->sport));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_TYPE, t->icmp_type);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMP_CODE, t->icmp_code);
	} else if (f->protonum == FLOW_P_ICMPV6) {
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMPV6_ID, htons(t->sport));
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_TYPE, t->icmp_type);
		mnl_attr_put_u8(nlh, CTA_PROTO_ICMPV6_CODE, t->icmp_code);
	} else if (flow_proto_has_ports(f->protonum) ||
		   f->protonum == FLOW_P_GRE) {
		/* GRE keys travel as the port attributes. */
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(t->sport));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(t->dport));
	}
	mnl_attr_nest_end(nlh, proto);
	/* A zone of this direction only: the kernel then looks the tuple up
	 * in that zone (a request's tuple zone overrides its CTA_ZONE). A
	 * zone of both directions goes as CTA_ZONE (source_put_zone), the
	 * way the kernel sends them; 0 is the default and goes nowhere, so
	 * a kernel without zone support is never asked about one. */
	if (flow_zone_split(f) && t->zone)
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons(t->zone));
	mnl_attr_nest_end(nlh, tuple);
}

void source_put_zone(void *msg, const struct flow *f)
{
	if (!flow_zone_split(f) && f->orig.zone)
		mnl_attr_put_u16(msg, CTA_ZONE, htons(f->orig.zone));
}

/* A request about one flow in BUF (512 bytes at least): its original
 * tuple and zones, and with_id its conntrack id. */
static struct nlmsghdr *tuple_put(char *buf, uint16_t type, uint16_t flags,
				  uint32_t seq, const struct flow *f,
				  bool with_id)
{
	struct nlmsghdr *nlh;

	nlh = msg_start(buf, type, flags, seq, f->family);
	source_put_tuple(nlh, CTA_TUPLE_ORIG, f, &f->orig);
	source_put_zone(nlh, f);
	if (with_id)
		mnl_attr_put_u32(nlh, CTA_ID, htonl(f->id));
	return nlh;
}

/* The same, acknowledged, in the socket's buffer. */
static struct nlmsghdr *tuple_request(struct source *src, uint16_t type,
				      uint32_t seq, const struct flow *f,
				      bool with_id)
{
	return tuple_put(src->buf, type, NLM_F_ACK, seq, f, with_id);
}

/* Send a one-flow request and read until its acknowledgement. Returns
 * the kernel's answer (0 or an errno value such as ENOENT), with *out
 * filled and *found set when a flow came back; -1 with err filled when
 * the socket itself failed. */
static int tuple_exchange(struct source *src, uint16_t type,
			  const struct flow *f, bool with_id,
			  struct flow *out, bool *found, const char *what,
			  struct ctop_err *err)
{
	uint32_t seq = ++src->seq;
	struct nlmsghdr *nlh;
	ssize_t n;
	int len, error = 0;

	nlh = tuple_request(src, type, seq, f, with_id);
	if (sock_send(src, nlh) < 0)
		return errno_message(errno, what, err);
	for (;;) {
		n = sock_recv(src);
		if (n <= 0)
			return errno_message(n < 0 ? errno : EPIPE, what, err);
		len = (int)n;
		for (nlh = (struct nlmsghdr *)src->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			switch (msg_classify(src, nlh, seq, &error)) {
			case MSG_SKIP:
				continue;
			case MSG_DATA:
				if (out && source_parse_flow(nlh, out) == 0)
					*found = true;
				continue;
			case MSG_DONE:
			case MSG_ERROR:
				return error;
			}
		}
	}
}

/* The kernel answered ENOENT to a delete. That is "already gone" only if
 * it has no entry for the tuple and zones either: a request that missed
 * (a zone left out, a wrong id) must not pass for a success. Returns 0
 * when the lookup finds nothing, -1 with the reason otherwise. */
static int delete_confirm_gone(struct source *src, const struct flow *f,
			       struct ctop_err *err)
{
	struct flow held;
	int r = source_get(src, f, &held, err);

	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	if (held.id != f->id)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "not deleted: the tuple is held by conntrack id %" PRIu32
			       " now, not %" PRIu32, held.id, f->id);
	return err_set(err, CTOP_EXIT_RUNTIME,
		       "not deleted: the kernel answered \"no such entry\" but still holds conntrack id %" PRIu32,
		       f->id);
}

int source_delete(struct source *src, const struct flow *f,
		  struct ctop_err *err)
{
	const char *what = "conntrack delete failed";
	int r;

	/* With the id, a newer connection on the same tuple survives. */
	r = tuple_exchange(src, IPCTNL_MSG_CT_DELETE, f, true, NULL, NULL,
			   what, err);
	if (r <= 0)
		return r < 0 ? -1 : 1;
	if (r == ENOENT)
		return delete_confirm_gone(src, f, err);
	if (r == EPERM)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "deleting conntrack entries needs CAP_NET_ADMIN (run as root)");
	return errno_message(r, what, err);
}

/* ---- get one ---- */

int source_get(struct source *src, const struct flow *key, struct flow *out,
	       struct ctop_err *err)
{
	const char *what = "conntrack get failed";
	bool found = false;
	int r;

	/* The answer is the flow, then the ACK (or only an error). */
	r = tuple_exchange(src, IPCTNL_MSG_CT_GET, key, false, out, &found,
			   what, err);
	if (r < 0)
		return -1;
	if (r == 0)
		return found ? 1 : 0;
	if (r == ENOENT)
		return 0;
	return errno_message(r, what, err);
}

/* ---- get many, probe many ----
 *
 * Checking a hundred thousand flows one request at a time costs two
 * system calls each. The kernel handles every message of one sendmsg in
 * order, inside that call, and queues one answer per request (no ACK is
 * asked: a flow found is its own answer, a missing one an error), so a
 * batch costs one sendmsg and, with recvmmsg, a few receives. Each request
 * carries its own sequence number, which maps the answer back to its key.
 * The answers of one batch must fit the socket's receive buffer (the
 * kernel drops what does not, and says so with ENOBUFS): a batch is kept
 * to BATCH_MAX requests, well under it.
 *
 * A probe asks only whether the flow is there. It is IPCTNL_MSG_CT_NEW
 * with NLM_F_EXCL and without NLM_F_CREATE: the kernel looks the tuple up
 * and answers EEXIST (there: with EXCL it changes nothing and reports no
 * event) or ENOENT (gone: without CREATE it makes nothing). It skips
 * what a GET costs most, the kernel writing the whole flow out, and the
 * parse of it here.
 *
 * A quiet probe drops NLM_F_EXCL too: to the kernel that is an update
 * with nothing to change, which succeeds, and a success without NLM_F_ACK
 * sends nothing back. Only the gone answer (ENOENT), so the acknowledge
 * the kernel builds and queues and the receive here are saved for every
 * flow still there: about 1.2 us a flow against 2.1 at 1M (bench/README).
 * The last request of a batch asks for its acknowledgement: answers come
 * in order, so when it has come, every request before it was answered
 * or succeeded. The price: the kernel reports an update of the flow to
 * the UPDATE group when the flow carries the event extension (one that
 * ends with a DESTROY anyway), so the caller uses it only while nobody
 * else listens to that group (source_events_others_listen). */

#define BATCH_MAX	128	/* requests per sendmsg */
#define GET_REQ_MAX	512	/* room for one request (msg_start clears it) */
/* Room for one answer: a flow (about 500 bytes with every attribute) or
 * an error. One that does not fit (a long security context) is read
 * again alone, with room for anything. tests/lookup_cut is built with
 * less room, so that every answer takes that way. */
#ifndef GET_ANS_MAX
#define GET_ANS_MAX	1024
#endif
_Static_assert(BATCH_MAX <= 256, "batch_once keeps key indexes in bytes");

enum batch_kind { BATCH_GET, BATCH_PROBE, BATCH_QUIET };

struct batch_call {
	enum batch_kind kind;
	const struct flow *keys;
	size_t n;
	uint32_t base;		/* sequence number of keys[0] */
	source_get_fn get;
	source_probe_fn probe;
	void *data;
	int refused;		/* an error no key was answered with */
	/* Which keys had an answer, whether the last one's came (for
	 * BATCH_QUIET: its acknowledgement), whether some was dropped. */
	bool replied[BATCH_MAX];
	bool acked, dropped;
};

/* Where answer SEQ goes among the call's keys; n when it is not ours. */
static size_t batch_index(const struct source *src, const struct nlmsghdr *nlh,
			  const struct batch_call *c)
{
	uint32_t i = nlh->nlmsg_seq - c->base;	/* modulo 2^32 */

	if (nlh->nlmsg_pid && nlh->nlmsg_pid != src->portid)
		return c->n;
	return i < c->n ? i : c->n;
}

/* One answer message. Returns 1 when it answered a key, 0 if not. */
static int batch_answer(struct source *src, const struct nlmsghdr *nlh,
			struct batch_call *c)
{
	size_t i = batch_index(src, nlh, c);
	int there = c->kind == BATCH_PROBE ? -EEXIST : 0;
	struct flow f;
	int code;

	if (i == c->n || nlh->nlmsg_type == NLMSG_NOOP ||
	    nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_OVERRUN)
		return 0;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
			return 0;
		memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(code));
		c->replied[i] = true;
		/* ENOENT says the flow is gone, and that it is there EEXIST
		 * to a probe, the acknowledgement (0) to a quiet one;
		 * anything else (the kernel short of memory) leaves the key
		 * unanswered. */
		if (c->kind != BATCH_GET &&
		    (code == -ENOENT || code == there)) {
			if (i == c->n - 1)
				c->acked = true;
			c->probe(i, &c->keys[i], code == there, c->data);
			return 1;
		}
		if (c->kind == BATCH_GET && code == -ENOENT) {
			c->get(i, &c->keys[i], NULL, c->data);
			return 1;
		}
		if (code < 0)
			c->refused = -code;
		return 0;
	}
	if (c->kind != BATCH_GET || source_parse_flow(nlh, &f) < 0)
		return 0;
	c->get(i, &c->keys[i], &f, c->data);
	return 1;
}

/* Send the requests of the call's keys (n <= BATCH_MAX) in one sendmsg
 * and read their answers. Returns how many keys were answered, or -1
 * with errno when the socket failed. */
static long batch_once(struct source *src, struct batch_call *c)
{
	struct mmsghdr msgs[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	uint16_t type = c->kind == BATCH_GET ? IPCTNL_MSG_CT_GET :
					       IPCTNL_MSG_CT_NEW;
	uint16_t flags = c->kind == BATCH_PROBE ? NLM_F_EXCL : 0;
	size_t off = 0, answered = 0, nretry = 0;
	uint8_t retry[BATCH_MAX];	/* keys whose answer was cut */
	int fd = mnl_socket_get_fd(src->nl);
	ssize_t sent;

	c->base = src->seq + 1;
	c->acked = c->dropped = false;
	memset(c->replied, 0, sizeof(c->replied));
	for (size_t i = 0; i < c->n; i++) {
		bool last = c->kind == BATCH_QUIET && i == c->n - 1;
		struct nlmsghdr *nlh = tuple_put(src->gbuf + off, type,
						 last ? NLM_F_ACK : flags,
						 c->base + (uint32_t)i,
						 &c->keys[i], false);

		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	src->seq += (uint32_t)c->n;
	do
		sent = mnl_socket_sendto(src->nl, src->gbuf, off);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -1;
	/* Every answer was queued inside sendmsg: read without waiting,
	 * until all came or the queue is empty (some were dropped). */
	while (answered < c->n) {
		unsigned int want = (unsigned int)(c->n - answered);
		int got;

		for (unsigned int k = 0; k < want; k++) {
			iov[k].iov_base = src->abuf + (size_t)k * GET_ANS_MAX;
			iov[k].iov_len = GET_ANS_MAX;
			memset(&msgs[k].msg_hdr, 0, sizeof(msgs[k].msg_hdr));
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
		}
		got = recvmmsg(fd, msgs, want, MSG_DONTWAIT, NULL);
		if (got < 0) {
			if (errno == ENOBUFS)
				c->dropped = true;
			if (errno == EINTR || errno == ENOBUFS)
				continue;	/* ENOBUFS: some were dropped */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		if (got == 0)
			break;
		for (int k = 0; k < got; k++) {
			const struct nlmsghdr *nlh = iov[k].iov_base;
			int len = (int)msgs[k].msg_len;

			/* A GET's answer cut short is asked for again; its
			 * header, with the sequence number, is whole. */
			if (msgs[k].msg_hdr.msg_flags & MSG_TRUNC) {
				size_t i = len >= (int)NLMSG_HDRLEN ?
					   batch_index(src, nlh, c) : c->n;

				if (i < c->n && c->kind == BATCH_GET &&
				    nretry < BATCH_MAX)
					retry[nretry++] = (uint8_t)i;
				continue;
			}
			for (; mnl_nlmsg_ok(nlh, len);
			     nlh = mnl_nlmsg_next(nlh, &len))
				answered += (size_t)batch_answer(src, nlh, c);
		}
	}
	/* Quiet: with the last acknowledged and nothing dropped, a key
	 * without an answer is a flow the kernel still holds. */
	if (c->kind == BATCH_QUIET && c->acked && !c->dropped) {
		for (size_t i = 0; i < c->n; i++) {
			if (!c->replied[i]) {
				c->probe(i, &c->keys[i], true, c->data);
				answered++;
			}
		}
	}
	for (size_t k = 0; k < nretry; k++) {
		const struct flow *key = &c->keys[retry[k]];
		struct ctop_err err = { 0 };
		struct flow f;
		int r = source_get(src, key, &f, &err);

		if (r >= 0) {
			c->get(retry[k], key, r ? &f : NULL, c->data);
			answered++;
		}
	}
	return (long)answered;
}

static long batch_run(struct source *src, struct batch_call *c,
		      struct ctop_err *err)
{
	const struct flow *keys = c->keys;
	size_t n = c->n, done = 0;
	long answered = 0, r;

	if (!src->gbuf) {
		src->gbuf = malloc((size_t)BATCH_MAX * GET_REQ_MAX);
		src->abuf = malloc((size_t)BATCH_MAX * GET_ANS_MAX);
		if (!src->gbuf || !src->abuf) {
			free(src->gbuf);
			free(src->abuf);
			src->gbuf = src->abuf = NULL;
			return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
		}
	}
	while (done < n) {
		c->keys = keys + done;
		c->n = n - done < BATCH_MAX ? n - done : BATCH_MAX;
		r = batch_once(src, c);
		if (r < 0)
			return errno_message(errno, c->kind == BATCH_GET ?
					     "conntrack get failed" :
					     "conntrack lookup failed", err);
		answered += r;
		done += c->n;
	}
	return answered;
}

long source_get_batch(struct source *src, const struct flow *keys, size_t n,
		      source_get_fn fn, void *data, struct ctop_err *err)
{
	struct batch_call c = { .kind = BATCH_GET, .keys = keys, .n = n,
				.get = fn, .data = data };

	return batch_run(src, &c, err);
}

static long probe_run(struct source *src, enum batch_kind kind,
		      const struct flow *keys, size_t n, source_probe_fn fn,
		      void *data, struct ctop_err *err)
{
	struct batch_call c = { .kind = kind, .keys = keys, .n = n,
				.probe = fn, .data = data };
	long answered = batch_run(src, &c, err);

	/* A kernel or a security module that refuses the request itself
	 * (EPERM, EACCES, EOPNOTSUPP: a CT_NEW is a write to some) answers
	 * none: say so, so the caller reads the flows instead. */
	if (answered == 0 && n && c.refused && c.refused != ENOMEM &&
	    c.refused != ENOBUFS)
		return errno_message(c.refused, "conntrack lookup refused", err);
	return answered;
}

long source_probe_batch(struct source *src, const struct flow *keys, size_t n,
			source_probe_fn fn, void *data, struct ctop_err *err)
{
	return probe_run(src, BATCH_PROBE, keys, n, fn, data, err);
}

long source_probe_quiet_batch(struct source *src, const struct flow *keys,
			      size_t n, source_probe_fn fn, void *data,
			      struct ctop_err *err)
{
	return probe_run(src, BATCH_QUIET, keys, n, fn, data, err);
}

/* ---- sysctl ---- */

long source_sysctl(const char *name)
{
	return sysctl_read(SYSCTL_NETFILTER, name);
}
