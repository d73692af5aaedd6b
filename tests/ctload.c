/* ctload: fill (or empty) a conntrack table with a deterministic set of
 * entries, fast, for kernel tests, the demo and benchmarks.
 *
 * Entries go in as IPCTNL_MSG_CT_NEW messages, hundreds per sendto. Only
 * the last message of each batch asks for an ACK: the kernel handles a
 * batch in order inside sendto and reports every failure anyway, so one
 * ACK per batch both paces us and tells when all reports are in.
 *
 * Entry I of a run depends only on I, the seed and the options, so a test
 * knows exactly what was inserted, and --delete removes the same set;
 * --first I makes (or deletes) entries I .. I + COUNT - 1 of it.
 *
 *   ctload [--netns NAME] [-n COUNT] [--proto tcp|udp|icmp|mix|NUMBER]
 *          [--sources K] [--timeout SECONDS] [--status assured|seen_reply|none]
 *          [--ipv6] [--seed N] [--first I] [--delete] [--quiet]
 *   ctload [--netns NAME] --record FILE     (dump the table to FILE raw)
 *
 * Address plan (S = I mod K + 1, J = I / K, D = J / 60000):
 *   source 10.S.S.S (S as 24 bits) or fd00::S, source port / ICMP id
 *   1024 + J mod 60000, destination 172.16.0.1 + D or fd00:1::D+1.
 *   SNAT replies go to 100.64.0.0 + S; DNAT replies come from
 *   192.168.0.1 + D port 8080.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "source.h"
#include "gen.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define BATCH_BYTES	(192 * 1024)
#define PROTO_MIX	(-1)

enum status_mode { ST_DEFAULT, ST_ASSURED, ST_SEEN_REPLY, ST_NONE };

struct opts {
	const char *netns;
	const char *record;
	unsigned long count;
	unsigned long first;	/* index of the first entry */
	int proto;		/* protocol number or PROTO_MIX */
	unsigned long sources;
	uint32_t timeout;
	enum status_mode status;
	bool ipv6;
	uint64_t seed;
	bool delete;
	bool quiet;
};

/* The entry: a flow (for tuples, status, state, mark, zone) plus its
 * timeout. */
struct entry {
	struct flow f;
};

/* Reply tuple of an un-NATed flow. */
static void tuple_invert(struct flow *f)
{
	f->reply.src = f->orig.dst;
	f->reply.dst = f->orig.src;
	f->reply.sport = f->orig.dport;
	f->reply.dport = f->orig.sport;
	if (f->protonum == FLOW_P_ICMP) {
		f->reply.sport = f->orig.sport;
		f->reply.icmp_type = 0;		/* echo reply */
	} else if (f->protonum == FLOW_P_ICMPV6) {
		f->reply.sport = f->orig.sport;
		f->reply.icmp_type = 129;	/* echo reply */
	}
}

static uint32_t status_bits(enum status_mode m)
{
	switch (m) {
	case ST_ASSURED:
	case ST_DEFAULT:
		return FLOW_S_SEEN_REPLY | FLOW_S_ASSURED;
	case ST_SEEN_REPLY:
		return FLOW_S_SEEN_REPLY;
	case ST_NONE:
		return 0;
	}
	return 0;
}

static const uint16_t dports[] = { 80, 443, 22, 53, 8080, 3306, 5432, 25 };

/* Shape of entry I in a mix: protocol, family, state, NAT, mark, zone. */
static void entry_mix(uint64_t r, struct flow *f, int *nat)
{
	static const uint8_t tcp_states[] = {
		TCP_CONNTRACK_ESTABLISHED, TCP_CONNTRACK_ESTABLISHED,
		TCP_CONNTRACK_ESTABLISHED, TCP_CONNTRACK_ESTABLISHED,
		TCP_CONNTRACK_SYN_SENT, TCP_CONNTRACK_SYN_RECV,
		TCP_CONNTRACK_FIN_WAIT, TCP_CONNTRACK_CLOSE_WAIT,
		TCP_CONNTRACK_LAST_ACK, TCP_CONNTRACK_TIME_WAIT,
		TCP_CONNTRACK_CLOSE,
	};
	unsigned int pick = (unsigned int)(r % 100);
	uint64_t r2 = r >> 8;

	f->family = FLOW_IPV4;
	if (pick < 35) {
		f->protonum = FLOW_P_TCP;
		f->state = tcp_states[r2 % sizeof(tcp_states)];
	} else if (pick < 60) {
		f->protonum = FLOW_P_UDP;
		f->status = (r2 & 1) ? FLOW_S_SEEN_REPLY : 0;
		if ((r2 & 3) == 3)
			f->status |= FLOW_S_ASSURED;
	} else if (pick < 70) {
		f->protonum = FLOW_P_ICMP;
		f->status = (r2 & 1) ? FLOW_S_SEEN_REPLY : 0;
	} else if (pick < 78) {
		f->family = FLOW_IPV6;
		f->protonum = FLOW_P_TCP;
		f->state = TCP_CONNTRACK_ESTABLISHED;
	} else if (pick < 82) {
		f->family = FLOW_IPV6;
		f->protonum = (r2 & 1) ? FLOW_P_UDP : FLOW_P_ICMPV6;
		f->status = FLOW_S_SEEN_REPLY;
	} else if (pick < 88) {
		f->protonum = FLOW_P_TCP;
		f->state = TCP_CONNTRACK_ESTABLISHED;
		*nat = 1;	/* SNAT */
	} else if (pick < 92) {
		f->protonum = FLOW_P_TCP;
		f->state = TCP_CONNTRACK_ESTABLISHED;
		*nat = 2;	/* DNAT */
	} else if (pick < 96) {
		f->protonum = FLOW_P_UDP;
		f->status = FLOW_S_SEEN_REPLY;
		f->mark = 1 + (uint32_t)(r2 % 4);
	} else {
		f->protonum = FLOW_P_TCP;
		f->state = TCP_CONNTRACK_ESTABLISHED;
		f->orig.zone = f->reply.zone = 1 + (uint16_t)(r2 % 3);
	}
	if (f->protonum == FLOW_P_TCP) {
		f->status = FLOW_S_SEEN_REPLY | FLOW_S_ASSURED;
		if (f->state == TCP_CONNTRACK_SYN_SENT)
			f->status = 0;
		else if (f->state == TCP_CONNTRACK_SYN_RECV)
			f->status = FLOW_S_SEEN_REPLY;
	}
}

static void entry_make(const struct opts *o, unsigned long i, struct flow *f)
{
	uint64_t r = gen_mix64(o->seed * 0x100000001b3ull + i);
	uint32_t s = (uint32_t)(i % o->sources) + 1;
	uint32_t j = (uint32_t)(i / o->sources);
	uint32_t d = j / 60000;
	int nat = 0;

	memset(f, 0, sizeof(*f));
	if (o->proto == PROTO_MIX) {
		entry_mix(r, f, &nat);
	} else {
		f->family = o->ipv6 ? FLOW_IPV6 : FLOW_IPV4;
		f->protonum = (uint8_t)o->proto;
		if (f->protonum == FLOW_P_ICMP && o->ipv6)
			f->protonum = FLOW_P_ICMPV6;
		f->status = status_bits(o->status);
		if (f->protonum == FLOW_P_TCP)
			f->state = (f->status & FLOW_S_SEEN_REPLY) ?
				TCP_CONNTRACK_ESTABLISHED :
				TCP_CONNTRACK_SYN_SENT;
	}
	if (o->status != ST_DEFAULT)
		f->status = status_bits(o->status);
	if (o->ipv6)
		f->family = FLOW_IPV6;
	if (f->family == FLOW_IPV6 && f->protonum == FLOW_P_ICMP)
		f->protonum = FLOW_P_ICMPV6;
	if (f->family == FLOW_IPV6)
		nat = 0;	/* keep the NAT plan to IPv4 */

	if (f->family == FLOW_IPV4) {
		gen_addr4(&f->orig.src, 0x0a000000u | (s & 0xffffff));
		gen_addr4(&f->orig.dst, 0xac100001u + d);
	} else {
		gen_addr6(&f->orig.src, 0xfd00, 0, s);
		gen_addr6(&f->orig.dst, 0xfd00, 1, d + 1);
	}
	f->orig.sport = (uint16_t)(1024 + j % 60000);
	if (flow_is_icmp(f->protonum)) {
		f->orig.icmp_type = f->protonum == FLOW_P_ICMP ? 8 : 128;
	} else if (flow_proto_has_ports(f->protonum)) {
		f->orig.dport = dports[(r >> 32) % (sizeof(dports) / sizeof(dports[0]))];
	} else {
		f->orig.sport = 0;	/* no ports: J lives in the address */
		if (f->family == FLOW_IPV4)
			gen_addr4(&f->orig.dst, 0xac100001u + j);
		else
			gen_addr6(&f->orig.dst, 0xfd00, 1, j + 1);
	}
	f->timeout = o->timeout;
	tuple_invert(f);
	if (nat == 1) {
		gen_addr4(&f->reply.dst, 0x64400000u + s);
	} else if (nat == 2) {
		gen_addr4(&f->reply.src, 0xc0a80001u + d);
		f->reply.sport = 8080;
	}
}

/* ---- messages ---- */

static void put_message(struct nlmsghdr *nlh, const struct opts *o,
			const struct flow *f, uint32_t seq, bool ack)
{
	struct nfgenmsg *nfg;
	struct nlattr *pi, *tcp;

	nlh = mnl_nlmsg_put_header(nlh);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) |
		(o->delete ? IPCTNL_MSG_CT_DELETE : IPCTNL_MSG_CT_NEW);
	nlh->nlmsg_flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0);
	if (!o->delete)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = f->family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;

	source_put_tuple(nlh, CTA_TUPLE_ORIG, f, &f->orig);
	source_put_zone(nlh, f);
	if (o->delete)
		return;
	source_put_tuple(nlh, CTA_TUPLE_REPLY, f, &f->reply);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(f->timeout));
	/* The kernel marks a new entry CONFIRMED before applying CTA_STATUS
	 * and refuses (EBUSY) a status that would clear it. */
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(f->status | FLOW_S_CONFIRMED));
	if (f->mark)
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(f->mark));
	if (f->protonum == FLOW_P_TCP) {
		pi = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, f->state);
		mnl_attr_nest_end(nlh, tcp);
		mnl_attr_nest_end(nlh, pi);
	}
}

/* ---- the loader ---- */

struct load {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned long done, failed, missing;
	int first_error;
	char *buf;
};

static void load_error(struct load *l, const struct opts *o, int error)
{
	if (o->delete && error == ENOENT) {
		l->missing++;
		return;
	}
	l->failed++;
	if (!l->first_error)
		l->first_error = error;
}

/* Read the reports of one batch up to the ACK of its last message. */
static int load_collect(struct load *l, const struct opts *o, uint32_t last_seq)
{
	static char rbuf[256 * 1024];
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	for (;;) {
		n = mnl_socket_recvfrom(l->nl, rbuf, sizeof(rbuf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				fprintf(stderr, "ctload: some error reports were lost\n");
				continue;
			}
			return -1;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error)
				load_error(l, o, -e->error);
			if (nlh->nlmsg_seq == last_seq)
				return 0;
		}
	}
}

static int load_run(struct load *l, const struct opts *o)
{
	struct mnl_nlmsg_batch *b;
	unsigned long i = 0, in_batch;
	uint32_t seq = 1;
	struct flow f;

	b = mnl_nlmsg_batch_start(l->buf, BATCH_BYTES);
	while (i < o->count) {
		in_batch = 0;
		/* Leave room for one more message: at most ~200 bytes. */
		while (i < o->count &&
		       mnl_nlmsg_batch_size(b) + 512 < BATCH_BYTES) {
			entry_make(o, o->first + i, &f);
			i++;
			put_message(mnl_nlmsg_batch_current(b), o, &f, seq++,
				    i == o->count ||
				    mnl_nlmsg_batch_size(b) + 1024 >= BATCH_BYTES);
			mnl_nlmsg_batch_next(b);
			in_batch++;
		}
		/* Make sure the last message asks for the ACK we wait on. */
		{
			char *head = mnl_nlmsg_batch_head(b);
			size_t size = mnl_nlmsg_batch_size(b);
			struct nlmsghdr *last = NULL, *nlh;
			int len = (int)size;

			for (nlh = (struct nlmsghdr *)head; mnl_nlmsg_ok(nlh, len);
			     nlh = mnl_nlmsg_next(nlh, &len))
				last = nlh;
			last->nlmsg_flags |= NLM_F_ACK;
			if (mnl_socket_sendto(l->nl, head, size) < 0) {
				perror("ctload: sendto");
				return -1;
			}
			if (load_collect(l, o, last->nlmsg_seq) < 0) {
				perror("ctload: recv");
				return -1;
			}
		}
		l->done += in_batch;
		mnl_nlmsg_batch_reset(b);
	}
	mnl_nlmsg_batch_stop(b);
	return 0;
}

static int load_open(struct load *l)
{
	int one = 1, size = 16 << 20;

	l->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!l->nl || mnl_socket_bind(l->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("ctload: netlink");
		return -1;
	}
	l->portid = mnl_socket_get_portid(l->nl);
	/* Error reports without a copy of the failed message. */
	setsockopt(mnl_socket_get_fd(l->nl), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET, SO_RCVBUF,
			   &size, sizeof(size));
	size = 4 << 20;
	if (setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET, SO_SNDBUFFORCE,
		       &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(l->nl), SOL_SOCKET, SO_SNDBUF,
			   &size, sizeof(size));
	l->buf = malloc(BATCH_BYTES * 2);
	return l->buf ? 0 : -1;
}

/* ---- --record ---- */

static int count_flow(const struct flow *f, void *data)
{
	(void)f;
	(*(unsigned long *)data)++;
	return 0;
}

static int record(const char *path)
{
	struct ctop_err err = { 0 };
	struct source *src;
	unsigned long n = 0;
	FILE *fp;

	src = source_open(&err);
	if (!src) {
		fprintf(stderr, "ctload: %s\n", err.msg);
		return 1;
	}
	fp = fopen(path, "wb");
	if (!fp) {
		perror(path);
		source_close(src);
		return 1;
	}
	source_record(src, fp);
	if (source_dump(src, NULL, count_flow, &n, &err) < 0) {
		fprintf(stderr, "ctload: %s\n", err.msg);
		fclose(fp);
		source_close(src);
		return 1;
	}
	source_close(src);
	if (fclose(fp) != 0) {
		perror(path);
		return 1;
	}
	printf("recorded %lu flows to %s\n", n, path);
	return 0;
}

/* ---- options ---- */

static void usage(void)
{
	fprintf(stderr,
		"usage: ctload [--netns NAME] [-n COUNT] [--proto tcp|udp|icmp|mix|NUMBER]\n"
		"              [--sources K] [--timeout SECONDS]\n"
		"              [--status assured|seen_reply|none] [--ipv6] [--seed N]\n"
		"              [--first I] [--delete] [--quiet]\n"
		"       ctload [--netns NAME] --record FILE\n");
	exit(2);
}

static unsigned long parse_num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "ctload: bad %s \"%s\"\n", what, s);
		exit(2);
	}
	return v;
}

static int parse_proto(const char *s)
{
	int p;

	if (strcmp(s, "mix") == 0)
		return PROTO_MIX;
	p = flow_proto_by_name(s);
	if (p >= 0)
		return p;
	return (int)(parse_num(s, "protocol") & 0xff);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "netns", required_argument, NULL, 'N' },
		{ "count", required_argument, NULL, 'n' },
		{ "proto", required_argument, NULL, 'p' },
		{ "sources", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "status", required_argument, NULL, 's' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "seed", required_argument, NULL, 'S' },
		{ "delete", no_argument, NULL, 'D' },
		{ "first", required_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "record", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .count = 1000, .proto = FLOW_P_TCP, .sources = 1,
			    .timeout = 3600, .seed = 1 };
	while ((c = getopt_long(argc, argv, "n:q6", lo, NULL)) != -1) {
		switch (c) {
		case 'N': o->netns = optarg; break;
		case 'n': o->count = parse_num(optarg, "count"); break;
		case 'p': o->proto = parse_proto(optarg); break;
		case 'k': o->sources = parse_num(optarg, "source count"); break;
		case 't': o->timeout = (uint32_t)parse_num(optarg, "timeout"); break;
		case '6': o->ipv6 = true; break;
		case 'S': o->seed = parse_num(optarg, "seed"); break;
		case 'D': o->delete = true; break;
		case 'F': o->first = parse_num(optarg, "first entry"); break;
		case 'q': o->quiet = true; break;
		case 'R': o->record = optarg; break;
		case 's':
			if (strcmp(optarg, "assured") == 0)
				o->status = ST_ASSURED;
			else if (strcmp(optarg, "seen_reply") == 0)
				o->status = ST_SEEN_REPLY;
			else if (strcmp(optarg, "none") == 0)
				o->status = ST_NONE;
			else
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || o->sources == 0 || o->sources > 0xffffff)
		usage();
}

int main(int argc, char **argv)
{
	struct ctop_err err = { 0 };
	struct load l = { 0 };
	struct timespec t0, t1;
	struct opts o;
	double secs;

	parse_opts(argc, argv, &o);
	if (source_enter_netns(o.netns, &err) < 0) {
		fprintf(stderr, "ctload: %s\n", err.msg);
		return 1;
	}
	if (o.record)
		return record(o.record);
	if (load_open(&l) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (load_run(&l, &o) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	mnl_socket_close(l.nl);
	free(l.buf);

	if (o.delete)
		printf("deleted %lu, missing %lu, failed %lu",
		       l.done - l.failed - l.missing, l.missing, l.failed);
	else
		printf("inserted %lu, failed %lu", l.done - l.failed, l.failed);
	if (!o.quiet)
		printf(" (%.2f s, %.0f/s)", secs, secs > 0 ? l.done / secs : 0.0);
	if (l.first_error)
		printf(" first error: %s", strerror(l.first_error));
	printf("\n");
	return l.failed ? 1 : 0;
}
