/* Names and identities of flows: protocol and state names, NAT kind,
 * flag names, the flow key, and interned strings. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flow.h"

struct proto_name {
	uint8_t num;
	const char *name;
};

static const struct proto_name proto_names[] = {
	{ FLOW_P_TCP, "tcp" },
	{ FLOW_P_UDP, "udp" },
	{ FLOW_P_ICMP, "icmp" },
	{ FLOW_P_ICMPV6, "icmpv6" },
	{ FLOW_P_UDPLITE, "udplite" },
	{ FLOW_P_SCTP, "sctp" },
	{ FLOW_P_DCCP, "dccp" },
	{ FLOW_P_GRE, "gre" },
	{ 50, "esp" },
	{ 51, "ah" },
};

const char *flow_proto_name(uint8_t protonum)
{
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].num == protonum)
			return proto_names[i].name;
	return "unknown";
}

int flow_proto_by_name(const char *name)
{
	if (!strcasecmp(name, "ipv6-icmp") || !strcasecmp(name, "icmp6"))
		return FLOW_P_ICMPV6;
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (!strcasecmp(proto_names[i].name, name))
			return proto_names[i].num;
	return -1;
}

bool flow_proto_has_ports(uint8_t protonum)
{
	switch (protonum) {
	case FLOW_P_TCP:
	case FLOW_P_UDP:
	case FLOW_P_UDPLITE:
	case FLOW_P_SCTP:
	case FLOW_P_DCCP:
		return true;
	}
	return false;
}

/* Indexed by the kernel's enum tcp_conntrack (9 is SYN_SENT2 today). */
static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

/* enum sctp_conntrack */
static const char *const sctp_states[] = {
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};

/* enum ct_dccp_states */
static const char *const dccp_states[] = {
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ",
	"CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
};

#define NSTATES(a) (sizeof(a) / sizeof((a)[0]))

const char *flow_state_name(const struct flow *f)
{
	if (!(f->has & FLOW_HAS_STATE))
		return NULL;
	switch (f->protonum) {
	case FLOW_P_TCP:
		return f->state < NSTATES(tcp_states) ? tcp_states[f->state] : "UNKNOWN";
	case FLOW_P_SCTP:
		return f->state < NSTATES(sctp_states) ? sctp_states[f->state] : "UNKNOWN";
	case FLOW_P_DCCP:
		return f->state < NSTATES(dccp_states) ? dccp_states[f->state] : "UNKNOWN";
	}
	return NULL;
}

static bool name_in(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(names[i], name))
			return true;
	return false;
}

bool flow_state_name_known(const char *name)
{
	return name_in(name, tcp_states, NSTATES(tcp_states)) ||
	       name_in(name, sctp_states, NSTATES(sctp_states)) ||
	       name_in(name, dccp_states, NSTATES(dccp_states));
}

static int index_in(const char *name, size_t len, const char *const *names,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncasecmp(names[i], name, len))
			return (int)i;
	return -1;
}

int flow_state_by_name(uint8_t protonum, const char *name, size_t len)
{
	int i;

	switch (protonum) {
	case FLOW_P_TCP:
		return index_in(name, len, tcp_states, NSTATES(tcp_states));
	case FLOW_P_SCTP:
		return index_in(name, len, sctp_states, NSTATES(sctp_states));
	case FLOW_P_DCCP:
		/* libnetfilter_conntrack prints DCCP states from its SCTP
		 * table (OPEN, 4, comes out as ESTABLISHED); the kernel's
		 * /proc text has the DCCP names. The index is the state. */
		i = index_in(name, len, dccp_states, NSTATES(dccp_states));
		return i >= 0 ? i : index_in(name, len, sctp_states, NSTATES(sctp_states));
	}
	return -1;
}

size_t flow_addr_len(uint8_t family)
{
	return family == FLOW_IPV6 ? 16 : 4;
}

static bool addr_equal(const union flow_addr *a, const union flow_addr *b)
{
	return a->w[0] == b->w[0] && a->w[1] == b->w[1] &&
	       a->w[2] == b->w[2] && a->w[3] == b->w[3];
}

enum flow_nat flow_nat(const struct flow *f)
{
	bool icmp = flow_is_icmp(f->protonum);
	bool snat, dnat;

	/* The reply tuple mirrors the original unless NAT rewrote it. ICMP
	 * replies carry another type, so only the id is compared. */
	snat = !addr_equal(&f->reply.dst, &f->orig.src);
	dnat = !addr_equal(&f->reply.src, &f->orig.dst);
	if (icmp) {
		if (f->reply.sport != f->orig.sport)
			snat = true;
	} else {
		if (f->reply.dport != f->orig.sport)
			snat = true;
		if (f->reply.sport != f->orig.dport)
			dnat = true;
	}
	if (snat && dnat)
		return FLOW_NAT_BOTH;
	if (snat)
		return FLOW_NAT_SNAT;
	if (dnat)
		return FLOW_NAT_DNAT;
	return FLOW_NAT_NONE;
}

const char *flow_nat_name(enum flow_nat nat)
{
	switch (nat) {
	case FLOW_NAT_SNAT:
		return "snat";
	case FLOW_NAT_DNAT:
		return "dnat";
	case FLOW_NAT_BOTH:
		return "both";
	case FLOW_NAT_NONE:
		break;
	}
	return NULL;
}

/* Bits printed after ASSURED and SEEN_REPLY/UNREPLIED, in this order. */
static const struct {
	uint32_t bit;
	const char *name;
} other_flags[] = {
	{ FLOW_S_CONFIRMED, "CONFIRMED" },
	{ FLOW_S_DYING, "DYING" },
	{ FLOW_S_OFFLOAD, "OFFLOAD" },
	{ FLOW_S_HW_OFFLOAD, "HW_OFFLOAD" },
	{ FLOW_S_SRC_NAT, "SRC_NAT" },
	{ FLOW_S_DST_NAT, "DST_NAT" },
	{ FLOW_S_SRC_NAT_DONE, "SRC_NAT_DONE" },
	{ FLOW_S_DST_NAT_DONE, "DST_NAT_DONE" },
	{ FLOW_S_EXPECTED, "EXPECTED" },
	{ FLOW_S_SEQ_ADJUST, "SEQ_ADJUST" },
	{ FLOW_S_HELPER, "HELPER" },
	{ FLOW_S_FIXED_TIMEOUT, "FIXED_TIMEOUT" },
	{ FLOW_S_TEMPLATE, "TEMPLATE" },
	{ FLOW_S_UNTRACKED, "UNTRACKED" },
};

void flow_flag_names(const struct flow *f,
		     void (*fn)(const char *name, void *data), void *data)
{
	if (f->status & FLOW_S_ASSURED)
		fn("ASSURED", data);
	fn(flow_unreplied(f) ? "UNREPLIED" : "SEEN_REPLY", data);
	for (size_t i = 0; i < sizeof(other_flags) / sizeof(other_flags[0]); i++)
		if (f->status & other_flags[i].bit)
			fn(other_flags[i].name, data);
}

/* 64-bit mixing (splitmix64 finaliser) over the key words. */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

uint64_t flow_key_hash(const struct flow *f)
{
	const struct flow_tuple *t = &f->orig;
	uint64_t h = (uint64_t)f->family << 40 | (uint64_t)f->protonum << 32 |
		     (uint64_t)f->orig.zone << 16 | f->reply.zone;

	h = mix(h, (uint64_t)t->src.w[0] << 32 | t->dst.w[0]);
	if (f->family == FLOW_IPV6) {
		h = mix(h, (uint64_t)t->src.w[1] << 32 | t->src.w[2]);
		h = mix(h, (uint64_t)t->src.w[3] << 32 | t->dst.w[1]);
		h = mix(h, (uint64_t)t->dst.w[2] << 32 | t->dst.w[3]);
	}
	h = mix(h, (uint64_t)t->sport << 16 |
		   flow_tuple_dslot(t, f->protonum));
	return h;
}

bool flow_key_equal(const struct flow *a, const struct flow *b)
{
	return a->family == b->family && a->protonum == b->protonum &&
	       a->orig.zone == b->orig.zone && a->reply.zone == b->reply.zone &&
	       addr_equal(&a->orig.src, &b->orig.src) &&
	       addr_equal(&a->orig.dst, &b->orig.dst) &&
	       a->orig.sport == b->orig.sport &&
	       flow_tuple_dslot(&a->orig, a->protonum) ==
		       flow_tuple_dslot(&b->orig, b->protonum);
}

size_t flow_escape(char *dst, size_t len, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i, k;
	char e[4];

	if (!len)
		return 0;
	for (i = 0; i < n && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '\\') {
			e[0] = e[1] = '\\';
			k = 2;
		} else if (c >= 0x20 && c < 0x7f) {
			e[0] = (char)c;
			k = 1;
		} else {
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex[c >> 4];
			e[3] = hex[c & 0xf];
			k = 4;
		}
		if (o + k >= len)
			break;
		memcpy(dst + o, e, k);
		o += k;
	}
	dst[o] = '\0';
	return o;
}

/* Interned strings. Few distinct helpers and label sets exist on any
 * system, so a linear search over a small table is enough, and a one-byte
 * index keeps struct flow small. Index 0 is "none"; when the table is full
 * new values get INTERN_TOO_MANY, shown as such (before, they shared the
 * last slot, and a flow showed another flow's labels). Entries are never freed or changed once
 * published, so readers on other threads need no lock; writers (parsers
 * on a fetch thread and on the screen's thread) take one. */
#define INTERN_MAX (INTERN_TOO_MANY - 1)
#define LABELS_MAX 16

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static char *helpers[INTERN_MAX + 1];	/* [1..nhelpers] */
static unsigned nhelpers;

uint8_t intern_helper(const char *raw)
{
	char name[4 * 32 + 1];	/* a kernel name is at most 16 bytes */
	unsigned i;
	char *copy;

	if (!raw || !*raw)
		return 0;
	flow_escape(name, sizeof(name), raw, sizeof(name));
	pthread_mutex_lock(&intern_lock);
	for (i = 1; i <= nhelpers; i++)
		if (!strcmp(helpers[i], name))
			goto out;
	if (nhelpers == INTERN_MAX) {
		i = INTERN_TOO_MANY;
		goto out;
	}
	copy = strdup(name);
	if (!copy) {
		i = 0;
		goto out;
	}
	helpers[nhelpers + 1] = copy;
	i = ++nhelpers;
out:
	pthread_mutex_unlock(&intern_lock);
	return i;
}

const char *intern_helper_name(uint8_t idx)
{
	if (idx == INTERN_TOO_MANY)
		return "(too many helpers)";
	return idx && idx <= nhelpers ? helpers[idx] : NULL;
}

static struct {
	uint8_t bits[LABELS_MAX];
	size_t len;
} labels[INTERN_MAX + 1];
static unsigned nlabels;

uint8_t intern_labels(const uint8_t *bits, size_t len)
{
	unsigned i;
	size_t used = len;

	if (len > LABELS_MAX)
		len = used = LABELS_MAX;
	/* Trailing zero bytes carry nothing; an all-zero set is "none". */
	while (used && !bits[used - 1])
		used--;
	if (!used)
		return 0;
	pthread_mutex_lock(&intern_lock);
	for (i = 1; i <= nlabels; i++)
		if (labels[i].len == used && !memcmp(labels[i].bits, bits, used))
			goto out;
	if (nlabels == INTERN_MAX) {
		i = INTERN_TOO_MANY;
		goto out;
	}
	i = nlabels + 1;
	memcpy(labels[i].bits, bits, used);
	labels[i].len = used;
	nlabels = i;
out:
	pthread_mutex_unlock(&intern_lock);
	return i;
}

const uint8_t *intern_labels_bits(uint8_t idx, size_t *len)
{
	if (!idx || idx > nlabels)
		return NULL;
	*len = labels[idx].len;
	return labels[idx].bits;
}
