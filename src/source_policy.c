/* cttimeout policies and expectations over libmnl. Neither table is large
 * (policies are made by hand, expectations live for seconds), so this
 * uses libmnl's callbacks and attribute parser rather than the hand-walked
 * fast path of the flow dump. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_cttimeout.h>

#include "source_nlmsg.h"
#include "source_policy.h"

/* ---- timeout policies ---- */

/* State names per protocol, indexed by the CTA_TIMEOUT_<PROTO>_* type. */
static const char *const tcp_names[] = {
	NULL, "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2", "RETRANS",
	"UNACKNOWLEDGED",
};
static const char *const udp_names[] = { NULL, "UNREPLIED", "REPLIED" };
static const char *const one_name[] = { NULL, "TIMEOUT" };
static const char *const sctp_names[] = {
	NULL, "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};
static const char *const dccp_names[] = {
	NULL, "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING",
	"TIMEWAIT",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *policy_state_name(uint8_t l4proto, unsigned int type)
{
	const char *const *names = one_name;
	size_t n = N(one_name);

	switch (l4proto) {
	case FLOW_P_TCP:
		names = tcp_names, n = N(tcp_names);
		break;
	case FLOW_P_UDP:
	case FLOW_P_UDPLITE:
	case FLOW_P_GRE:
		names = udp_names, n = N(udp_names);
		break;
	case FLOW_P_SCTP:
		names = sctp_names, n = N(sctp_names);
		break;
	case FLOW_P_DCCP:
		names = dccp_names, n = N(dccp_names);
		break;
	}
	return type < n ? names[type] : NULL;
}

/* Parse the attributes after the nfgenmsg header into tb[0..max]. */
static int parse_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
		       unsigned int max)
{
	const struct nlattr *a;

	const char *end = (const char *)nlh + nlh->nlmsg_len;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	/* Bounded by nlmsg_len itself: mnl_attr_for_each() stops at the
	 * aligned end, and an unaligned last message (a fuzzer's, a
	 * file's) would let an attribute run up to 3 bytes past it. */
	for (a = (const struct nlattr *)((const char *)nlh + NLMSG_HDRLEN +
					 MNL_ALIGN(sizeof(struct nfgenmsg)));
	     end - (const char *)a >= (long)sizeof(*a) &&
	     mnl_attr_ok(a, (int)(end - (const char *)a));
	     a = mnl_attr_next(a)) {
		/* Newer attributes than we know are skipped. */
		if (mnl_attr_get_type(a) <= max)
			tb[mnl_attr_get_type(a)] = a;
	}
	return 0;
}

static int parse_nest(const struct nlattr *nest, const struct nlattr **tb,
		      unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each_nested(a, nest) {
		/* Newer attributes than we know are skipped. */
		if (mnl_attr_get_type(a) <= max)
			tb[mnl_attr_get_type(a)] = a;
	}
	return 0;
}

static bool attr_u32_ok(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 4;
}

static bool attr_u16_ok(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 2;
}

static bool attr_u8_ok(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 1;
}

/* The kernel's strings carry their NUL (flow_escape stops at it); made
 * safe for every output (flow.h). */
static void copy_str(char *dst, size_t len, const struct nlattr *a)
{
	flow_escape(dst, len, mnl_attr_get_payload(a),
		    mnl_attr_get_payload_len(a));
}

int source_parse_policy(const void *msg, struct timeout_policy *p)
{
	const struct nlmsghdr *nlh = msg;
	const struct nlattr *tb[CTA_TIMEOUT_MAX + 1];
	const struct nlattr *a;

	memset(p, 0, sizeof(*p));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct nfgenmsg))
		return -1;
	parse_attrs(nlh, tb, CTA_TIMEOUT_MAX);
	if (!tb[CTA_TIMEOUT_NAME] || !attr_u16_ok(tb[CTA_TIMEOUT_L3PROTO]) ||
	    !attr_u8_ok(tb[CTA_TIMEOUT_L4PROTO]))
		return -1;
	copy_str(p->name, sizeof(p->name), tb[CTA_TIMEOUT_NAME]);
	p->l3proto = ntohs(mnl_attr_get_u16(tb[CTA_TIMEOUT_L3PROTO]));
	p->l4proto = mnl_attr_get_u8(tb[CTA_TIMEOUT_L4PROTO]);
	if (attr_u32_ok(tb[CTA_TIMEOUT_USE]))
		p->use = ntohl(mnl_attr_get_u32(tb[CTA_TIMEOUT_USE]));
	if (!tb[CTA_TIMEOUT_DATA])
		return 0;
	/* The nest holds one be32 per state, in state order. */
	mnl_attr_for_each_nested(a, tb[CTA_TIMEOUT_DATA]) {
		const char *name = policy_state_name(p->l4proto,
						     mnl_attr_get_type(a));

		if (!name || !attr_u32_ok(a) || p->n == POLICY_STATES_MAX)
			continue;
		p->v[p->n].state = name;
		p->v[p->n].seconds = ntohl(mnl_attr_get_u32(a));
		p->n++;
	}
	return 0;
}

/* ---- expectations ---- */

static int parse_tuple(const struct nlattr *nest, struct flow_tuple *t,
		       uint8_t *family, uint8_t *protonum)
{
	const struct nlattr *tb[CTA_TUPLE_MAX + 1];
	const struct nlattr *ip[CTA_IP_MAX + 1];
	const struct nlattr *pr[CTA_PROTO_MAX + 1];

	memset(t, 0, sizeof(*t));
	parse_nest(nest, tb, CTA_TUPLE_MAX);
	if (!tb[CTA_TUPLE_IP] || !tb[CTA_TUPLE_PROTO])
		return -1;
	parse_nest(tb[CTA_TUPLE_IP], ip, CTA_IP_MAX);
	if (ip[CTA_IP_V4_SRC] && ip[CTA_IP_V4_DST] &&
	    mnl_attr_get_payload_len(ip[CTA_IP_V4_SRC]) >= 4 &&
	    mnl_attr_get_payload_len(ip[CTA_IP_V4_DST]) >= 4) {
		*family = FLOW_IPV4;
		memcpy(t->src.b, mnl_attr_get_payload(ip[CTA_IP_V4_SRC]), 4);
		memcpy(t->dst.b, mnl_attr_get_payload(ip[CTA_IP_V4_DST]), 4);
	} else if (ip[CTA_IP_V6_SRC] && ip[CTA_IP_V6_DST] &&
		   mnl_attr_get_payload_len(ip[CTA_IP_V6_SRC]) >= 16 &&
		   mnl_attr_get_payload_len(ip[CTA_IP_V6_DST]) >= 16) {
		*family = FLOW_IPV6;
		memcpy(t->src.b, mnl_attr_get_payload(ip[CTA_IP_V6_SRC]), 16);
		memcpy(t->dst.b, mnl_attr_get_payload(ip[CTA_IP_V6_DST]), 16);
	} else {
		return -1;
	}
	parse_nest(tb[CTA_TUPLE_PROTO], pr, CTA_PROTO_MAX);
	if (!attr_u8_ok(pr[CTA_PROTO_NUM]))
		return -1;
	*protonum = mnl_attr_get_u8(pr[CTA_PROTO_NUM]);
	if (attr_u16_ok(pr[CTA_PROTO_SRC_PORT]))
		t->sport = ntohs(mnl_attr_get_u16(pr[CTA_PROTO_SRC_PORT]));
	if (attr_u16_ok(pr[CTA_PROTO_DST_PORT]))
		t->dport = ntohs(mnl_attr_get_u16(pr[CTA_PROTO_DST_PORT]));
	/* ICMP: the id goes where flow.h puts it, in sport. */
	if (attr_u16_ok(pr[CTA_PROTO_ICMP_ID]))
		t->sport = ntohs(mnl_attr_get_u16(pr[CTA_PROTO_ICMP_ID]));
	if (attr_u16_ok(pr[CTA_PROTO_ICMPV6_ID]))
		t->sport = ntohs(mnl_attr_get_u16(pr[CTA_PROTO_ICMPV6_ID]));
	if (attr_u8_ok(pr[CTA_PROTO_ICMP_TYPE]))
		t->icmp_type = mnl_attr_get_u8(pr[CTA_PROTO_ICMP_TYPE]);
	if (attr_u8_ok(pr[CTA_PROTO_ICMPV6_TYPE]))
		t->icmp_type = mnl_attr_get_u8(pr[CTA_PROTO_ICMPV6_TYPE]);
	if (attr_u8_ok(pr[CTA_PROTO_ICMP_CODE]))
		t->icmp_code = mnl_attr_get_u8(pr[CTA_PROTO_ICMP_CODE]);
	if (attr_u8_ok(pr[CTA_PROTO_ICMPV6_CODE]))
		t->icmp_code = mnl_attr_get_u8(pr[CTA_PROTO_ICMPV6_CODE]);
	return 0;
}

int source_parse_expect(const void *msg, struct expectation *e)
{
	const struct nlmsghdr *nlh = msg;
	const struct nlattr *tb[CTA_EXPECT_MAX + 1];
	uint8_t fam, proto;

	memset(e, 0, sizeof(*e));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct nfgenmsg))
		return -1;
	parse_attrs(nlh, tb, CTA_EXPECT_MAX);
	if (!tb[CTA_EXPECT_MASTER] || !tb[CTA_EXPECT_TUPLE] ||
	    !tb[CTA_EXPECT_MASK])
		return -1;
	if (parse_tuple(tb[CTA_EXPECT_MASTER], &e->master, &e->master_family,
			&e->master_protonum) ||
	    parse_tuple(tb[CTA_EXPECT_TUPLE], &e->tuple, &e->family,
			&e->protonum) ||
	    parse_tuple(tb[CTA_EXPECT_MASK], &e->mask, &fam, &proto))
		return -1;
	if (attr_u32_ok(tb[CTA_EXPECT_TIMEOUT]))
		e->timeout = ntohl(mnl_attr_get_u32(tb[CTA_EXPECT_TIMEOUT]));
	if (attr_u32_ok(tb[CTA_EXPECT_ID]))
		e->id = ntohl(mnl_attr_get_u32(tb[CTA_EXPECT_ID]));
	if (attr_u32_ok(tb[CTA_EXPECT_FLAGS]))
		e->flags = ntohl(mnl_attr_get_u32(tb[CTA_EXPECT_FLAGS]));
	if (attr_u32_ok(tb[CTA_EXPECT_CLASS]))
		e->klass = ntohl(mnl_attr_get_u32(tb[CTA_EXPECT_CLASS]));
	if (attr_u16_ok(tb[CTA_EXPECT_ZONE]))
		e->zone = ntohs(mnl_attr_get_u16(tb[CTA_EXPECT_ZONE]));
	if (tb[CTA_EXPECT_HELP_NAME])
		copy_str(e->helper, sizeof(e->helper), tb[CTA_EXPECT_HELP_NAME]);
	if (tb[CTA_EXPECT_FN])
		copy_str(e->fn, sizeof(e->fn), tb[CTA_EXPECT_FN]);
	return 0;
}

/* ---- the dump ---- */

struct dump_ctx {
	policy_fn pfn;
	expect_fn efn;
	void *data;
	bool stopped, bad;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *c = data;
	struct timeout_policy p;
	struct expectation e;
	int r;

	if (c->pfn) {
		if (source_parse_policy(nlh, &p)) {
			c->bad = true;
			return MNL_CB_OK;
		}
		r = c->pfn(&p, c->data);
	} else {
		if (source_parse_expect(nlh, &e)) {
			c->bad = true;
			return MNL_CB_OK;
		}
		r = c->efn(&e, c->data);
	}
	if (r) {
		c->stopped = true;
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

static int dump_error(int e, const char *what, struct ctop_err *err)
{
	if (e == EPERM || e == EACCES)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "reading %s needs CAP_NET_ADMIN (run as root)",
			       what);
	if (e == EOPNOTSUPP || e == ENOENT || e == EINVAL || e == EPROTONOSUPPORT)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "this kernel has no %s support (%s)", what,
			       strerror(e));
	return err_set(err, CTOP_EXIT_RUNTIME, "reading %s: %s", what,
		       strerror(e));
}

/* Whether a datagram is whole messages only, each length checked as a
 * size before mnl_cb_run() trusts it (source_nlmsg.h says why). */
static bool run_whole(const char *buf, size_t len)
{
	size_t off = 0;
	bool bad = false;

	while (nlmsg_run_next(buf, len, &off, &bad))
		;
	return !bad;
}

static int dump(uint8_t subsys, uint8_t type, struct dump_ctx *c,
		const char *what, struct ctop_err *err)
{
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE * 4);
	struct mnl_socket *nl = NULL;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	unsigned int portid;
	uint32_t seq = (uint32_t)time(NULL);
	ssize_t n;
	int r = 0, e = 0;

	if (!buf)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		e = errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);

	memset(buf, 0, 256);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)((subsys << 8) | type);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;	/* every family */
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		e = errno;
		goto out;
	}
	for (;;) {
		do
			n = mnl_socket_recvfrom(nl, buf, MNL_SOCKET_BUFFER_SIZE * 4);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			e = errno;
			break;
		}
		if (!run_whole(buf, (size_t)n)) {
			c->bad = true;
			break;
		}
		r = mnl_cb_run(buf, (size_t)n, seq, portid, dump_cb, c);
		if (r < 0) {
			e = errno;
			break;
		}
		/* Done, or the caller stopped (the socket is closed on the
		 * rest of the dump). */
		if (r == MNL_CB_STOP)
			break;
	}
out:
	if (nl)
		mnl_socket_close(nl);
	free(buf);
	if (e)
		return dump_error(e, what, err);
	if (c->bad)
		return err_set(err, CTOP_EXIT_RUNTIME,
			       "malformed %s message from the kernel", what);
	return 0;
}

int source_timeout_policies(policy_fn fn, void *data, struct ctop_err *err)
{
	struct dump_ctx c = { .pfn = fn, .data = data };

	return dump(NFNL_SUBSYS_CTNETLINK_TIMEOUT, IPCTNL_MSG_TIMEOUT_GET, &c,
		    "cttimeout policies", err);
}

int source_expectations(expect_fn fn, void *data, struct ctop_err *err)
{
	struct dump_ctx c = { .efn = fn, .data = data };

	return dump(NFNL_SUBSYS_CTNETLINK_EXP, IPCTNL_MSG_EXP_GET, &c,
		    "conntrack expectations", err);
}
