#!/usr/bin/python3
"""Write a raw netlink dump of a netfilter table of the current namespace.

  bed_nldump.py expect|timeout FILE

Sends one dump request (IPCTNL_MSG_EXP_GET of ctnetlink_exp, or
IPCTNL_MSG_TIMEOUT_GET of cttimeout) and writes every datagram of the
answer, up to and including NLMSG_DONE, to FILE: the same layout as
ctop --record writes for the flow table, so the recordings of
expectations and timeout policies can be parsed by the unit tests and
seed the fuzzers. ctop records only the flow table; this is the bed's
tool for the other two (tests/data/make-router-fixtures).
"""

import os
import socket
import struct
import sys

NETLINK_NETFILTER = 12
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
TABLES = {
	"expect": (2 << 8) | 1,		# NFNL_SUBSYS_CTNETLINK_EXP, EXP_GET
	"timeout": (8 << 8) | 1,	# NFNL_SUBSYS_CTNETLINK_TIMEOUT, GET
}


def main():
	if len(sys.argv) != 3 or sys.argv[1] not in TABLES:
		sys.exit(__doc__)
	s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
	s.settimeout(5)
	s.bind((0, 0))
	seq = 1
	# nlmsghdr, then nfgenmsg: every family, version 0, res_id 0.
	req = struct.pack("=IHHII", 20, TABLES[sys.argv[1]],
			  NLM_F_REQUEST | NLM_F_DUMP, seq, 0)
	req += struct.pack("=BBH", socket.AF_UNSPEC, 0, 0)
	s.send(req)
	out = bytearray()
	done = False
	while not done:
		d = s.recv(1 << 16)
		out += d
		off = 0
		while off + 16 <= len(d):
			n, t = struct.unpack_from("=IH", d, off)
			if t == NLMSG_ERROR:
				err = struct.unpack_from("=i", d, off + 16)[0]
				if err:
					sys.exit("dump refused: %s" % os.strerror(-err))
			if t == NLMSG_DONE or n < 16:
				done = True
				break
			off += (n + 3) & ~3
	with open(sys.argv[2], "wb") as f:
		f.write(out)


if __name__ == "__main__":
	main()
