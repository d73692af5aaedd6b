/* The kernel side of the policy views: cttimeout timeout policies
 * (NFNL_SUBSYS_CTNETLINK_TIMEOUT) and the expectation table
 * (NFNL_SUBSYS_CTNETLINK_EXP), dumped over libmnl into plain structs.
 * Each call opens its own short-lived netlink socket in the current
 * namespace (source_enter_netns() has already moved the process). */
#ifndef CTOP_SOURCE_POLICY_H
#define CTOP_SOURCE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "flow.h"

#define POLICY_NAME_MAX		32	/* CTNL_TIMEOUT_NAME_MAX */
#define POLICY_STATES_MAX	16
#define POLICY_USE_UNKNOWN	UINT32_MAX

struct policy_timeout {
	const char *state;	/* "ESTABLISHED", "UNREPLIED", "TIMEOUT", ... */
	uint32_t seconds;
};

/* One cttimeout policy (nfct add timeout NAME FAMILY PROTO STATE N ...). */
struct timeout_policy {
	char name[POLICY_NAME_MAX + 1];
	uint16_t l3proto;	/* address family as stored: 2 inet, 10 inet6 */
	uint8_t l4proto;	/* IP protocol number */
	uint32_t use;		/* references held by rules and flows,
				 * or POLICY_USE_UNKNOWN (a recording) */
	size_t n;
	struct policy_timeout v[POLICY_STATES_MAX];
};

/* Expectation flags (NF_CT_EXPECT_*). */
enum {
	EXPECT_F_PERMANENT = 1u << 0,
	EXPECT_F_INACTIVE = 1u << 1,
	EXPECT_F_USERSPACE = 1u << 2,
};

/* One expectation: a connection a helper (ftp, sip, ...) announced. The
 * tuples' families and protocols are carried beside them; addresses of
 * the mask are bit masks, not addresses. */
struct expectation {
	struct flow_tuple master, tuple, mask;
	uint8_t master_family, master_protonum;
	uint8_t family, protonum;	/* of the expected tuple */
	uint32_t timeout;		/* seconds left */
	uint32_t id, flags, klass;
	uint16_t zone;
	char helper[32];		/* "" if the kernel sent none */
	char fn[32];			/* expectfn name, "" if none */
};

typedef int (*policy_fn)(const struct timeout_policy *p, void *data);
typedef int (*expect_fn)(const struct expectation *e, void *data);

/* Dump every timeout policy / expectation, calling fn for each (nonzero
 * stops). Return 0, or -1 with err filled (status 1). */
int source_timeout_policies(policy_fn fn, void *data, struct ctop_err *err);
int source_expectations(expect_fn fn, void *data, struct ctop_err *err);

/* Parse one message (struct nlmsghdr *); 0 or -1 if malformed. Exposed
 * for unit tests on hand-built messages. */
int source_parse_policy(const void *nlh, struct timeout_policy *p);
int source_parse_expect(const void *nlh, struct expectation *e);

#endif
