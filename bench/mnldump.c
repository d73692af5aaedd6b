/* The floor for a conntrack dump: one IPCTNL_MSG_CT_GET dump over a bare
 * libmnl socket, counting messages and looking at nothing but their
 * headers. ctop's own dump is measured against this.
 *
 *   mnldump [--netns NAME|PATH]
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

static void die(const char *what)
{
	fprintf(stderr, "mnldump: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void enter_netns(const char *name)
{
	char path[4096];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	if (setns(fd, CLONE_NEWNET) < 0)
		die("setns");
	close(fd);
}

int main(int argc, char **argv)
{
	static char buf[64 * 1024];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	unsigned long count = 0;
	uint32_t seq = (uint32_t)time(NULL);
	int size = 8 << 20;
	ssize_t n;
	int len;

	if (argc == 3 && strcmp(argv[1], "--netns") == 0) {
		enter_netns(argv[2]);
	} else if (argc != 1) {
		fprintf(stderr, "usage: mnldump [--netns NAME]\n");
		return 2;
	}

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl)
		die("mnl_socket_open");
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("mnl_socket_bind");
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		   sizeof(size));

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("sendto");

	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("recv");
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				goto done;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const int *e = mnl_nlmsg_get_payload(nlh);

				errno = -*e;
				die("dump");
			}
			count++;
		}
	}
done:
	mnl_socket_close(nl);
	printf("%lu\n", count);
	return 0;
}
