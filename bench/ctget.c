/* Which flows of a list the kernel no longer has: bench/screen reads the
 * rows ctop draws back from the kernel with it. One line a flow on stdin,
 * as the screen shows it:
 *
 *   tcp 10.0.0.1:1039 172.16.0.1:8080	(also udp; [v6]:port)
 *   icmp 10.0.0.1 172.16.0.1 1030		(the echo id)
 *
 * Each is read by original tuple (IPCTNL_MSG_CT_GET) in zones 0 to 3, as
 * tests/ctload makes them (the screen does not show the zone); a line no
 * zone holds is printed. Then "checked N" (lines read back; lines of
 * another shape are skipped).
 *
 *   ctget --netns NAME|PATH < rows
 *
 * The namespace is required: a benchmark's scratch table, never the
 * host's.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "flow.h"
#include "source.h"

#define ZONES 4

/* "a:p", "[a6]:p" (PORT non-NULL) or a bare "a" into the tuple's side. */
static int endpoint(const char *s, union flow_addr *a, uint16_t *port,
		    uint8_t *family)
{
	char buf[64];
	const char *colon;
	size_t len;

	if (port) {
		if (*s == '[') {
			s++;
			colon = strstr(s, "]:");
			len = colon ? (size_t)(colon - s) : 0;
			colon = colon ? colon + 1 : NULL;
		} else {
			colon = strrchr(s, ':');
			len = colon ? (size_t)(colon - s) : 0;
		}
		if (!colon || !len || len >= sizeof(buf))
			return -1;
		*port = (uint16_t)strtoul(colon + 1, NULL, 10);
	} else {
		len = strlen(s);
		if (len >= sizeof(buf))
			return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, a->b) == 1) {
		*family = FLOW_IPV4;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a->b) == 1) {
		*family = FLOW_IPV6;
		return 0;
	}
	return -1;
}

/* The key of one line; -1 for a line of another shape. */
static int key_of(const char *line, struct flow *f)
{
	char proto[16], src[64], dst[64];
	unsigned long id = 0;
	uint8_t fam2 = 0;
	int n = sscanf(line, "%15s %63s %63s %lu", proto, src, dst, &id);
	bool icmp = !strcmp(proto, "icmp");

	memset(f, 0, sizeof(*f));
	if (n < 3 || (icmp && n != 4) ||
	    (!icmp && strcmp(proto, "tcp") && strcmp(proto, "udp")))
		return -1;
	f->protonum = (uint8_t)flow_proto_by_name(proto);
	if (endpoint(src, &f->orig.src, icmp ? NULL : &f->orig.sport,
		     &f->family) ||
	    endpoint(dst, &f->orig.dst, icmp ? NULL : &f->orig.dport, &fam2) ||
	    fam2 != f->family)
		return -1;
	if (icmp) {
		f->orig.sport = (uint16_t)id;	/* the echo id */
		f->orig.icmp_type = 8;		/* echo request */
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctop_err err = { 0 };
	struct source *src;
	struct flow key, out;
	char line[256];
	unsigned long checked = 0;
	int r = 0;

	if (argc != 3 || strcmp(argv[1], "--netns")) {
		fprintf(stderr, "usage: ctget --netns NAME|PATH < rows\n");
		return 2;
	}
	if (source_enter_netns(argv[2], &err))
		goto fail;
	if (!(src = source_open(&err)))
		goto fail;
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (key_of(line, &key))
			continue;
		checked++;
		for (uint16_t z = 0; z < ZONES; z++) {
			key.orig.zone = key.reply.zone = z;
			if ((r = source_get(src, &key, &out, &err)) != 0)
				break;
		}
		if (r < 0)
			goto fail;
		if (r == 0)
			printf("%s\n", line);
	}
	printf("checked %lu\n", checked);
	source_close(src);
	return 0;
fail:
	fprintf(stderr, "ctget: %s\n", err.msg);
	return 1;
}
