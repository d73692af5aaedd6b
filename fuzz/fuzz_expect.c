/* The expectation and timeout-policy parsers (src/source_policy.c) on a
 * run of netlink messages, as a dump of either table delivers them.
 *
 * Each message whose nlmsg_len fits the input (the check libmnl's
 * mnl_cb_run() makes before its callback) is copied into a buffer of
 * exactly nlmsg_len bytes and given to both parsers, so any read past
 * the message is an ASan report. */
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "source_policy.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timeout_policy p;
	struct expectation e;
	struct nlmsghdr hdr;
	size_t pos = 0;

	while (size - pos >= sizeof(hdr)) {
		uint8_t *msg;

		memcpy(&hdr, data + pos, sizeof(hdr));
		if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > size - pos)
			break;
		msg = malloc(hdr.nlmsg_len);
		if (!msg)
			break;
		memcpy(msg, data + pos, hdr.nlmsg_len);
		if (source_parse_expect(msg, &e) == 0 &&
		    (strnlen(e.helper, sizeof(e.helper)) == sizeof(e.helper) ||
		     strnlen(e.fn, sizeof(e.fn)) == sizeof(e.fn)))
			abort();	/* an unterminated name */
		if (source_parse_policy(msg, &p) == 0 &&
		    (strnlen(p.name, sizeof(p.name)) == sizeof(p.name) ||
		     p.n > POLICY_STATES_MAX))
			abort();
		free(msg);
		pos += NLMSG_ALIGN(hdr.nlmsg_len);
		if (pos > size)
			break;
	}
	return 0;
}
