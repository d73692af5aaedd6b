#!/usr/bin/python3
"""Servers and clients of the router test bed (tests/bed.sh).

Run by bed.sh inside the bed's namespaces with Debian's /usr/bin/python3
(pyftpdlib is a Debian package):

  bed_traffic.py serve ROLE FTP_ROOT ADDR...
      ROLE "wan": TCP echo on 7000 (short) and 7001 (long), UDP echo on
      5000, 5050 and 5060, an anonymous FTP server on 21 (pyftpdlib),
      on every ADDR. ROLE "lan": a TCP service on 80 (the port-forward
      target). Prints "ready" once listening; runs until killed.
  bed_traffic.py client lan|wan HOLD_SECONDS ADDR...
      Sends the bed's traffic from the client side (lan: to the server's
      ADDRs) or from the far side (wan: to the router's forwarded port
      8080 on ADDRs), keeps the long-lived connections and the FTP
      sessions with pending expectations open, prints "ready", and exits
      after HOLD_SECONDS or when stdin closes. Every socket has a
      timeout, and the traffic is a fixed handful of packets.

What each piece makes on the router is listed in tests/bed.sh.
"""

import ftplib
import os
import select
import socket
import struct
import sys
import threading
import time

TIMEOUT = 5


def family(addr):
	return socket.AF_INET6 if ":" in addr else socket.AF_INET


# ---- servers ----

def tcp_server(addr, port, handle):
	"""Listen on addr:port; each connection runs handle(sock) in a
	thread of its own, then is closed."""
	s = socket.socket(family(addr), socket.SOCK_STREAM)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind((addr, port))
	s.listen(16)

	def conn(c):
		c.settimeout(300)
		try:
			handle(c)
		except OSError:
			pass
		c.close()

	def run():
		while True:
			c, _ = s.accept()
			threading.Thread(target=conn, args=(c,), daemon=True).start()

	threading.Thread(target=run, daemon=True).start()


def echo_all(c):
	while True:
		b = c.recv(4096)
		if not b:
			return
		c.sendall(b)


def echo_once(c):
	c.sendall(c.recv(4096))


def lazy_ftp(c):
	"""Greets and then ignores what it is sent: a PORT or EPRT given to
	it leaves the helper's expectation pending (pyftpdlib would connect
	at once and use it up)."""
	c.sendall(b"220 lazy\r\n")
	while c.recv(4096):
		pass


def udp_echo(addr, port):
	s = socket.socket(family(addr), socket.SOCK_DGRAM)
	s.bind((addr, port))

	def run():
		while True:
			b, peer = s.recvfrom(4096)
			s.sendto(b, peer)

	threading.Thread(target=run, daemon=True).start()


def ftp_server(root, addrs):
	from pyftpdlib.authorizers import DummyAuthorizer
	from pyftpdlib.handlers import FTPHandler
	from pyftpdlib.ioloop import IOLoop
	from pyftpdlib.servers import FTPServer
	import logging

	logging.disable(logging.CRITICAL)
	auth = DummyAuthorizer()
	auth.add_anonymous(root)
	for addr in addrs:
		handler = type("Handler", (FTPHandler,), {})
		handler.authorizer = auth
		handler.permit_foreign_addresses = True	# PORT to the router
		# One event loop per server: the default one is shared.
		srv = FTPServer((addr, 21), handler, ioloop=IOLoop())
		threading.Thread(target=srv.serve_forever,
				 kwargs={"timeout": 1}, daemon=True).start()


def serve(role, root, addrs):
	for a in addrs:
		if role == "wan":
			tcp_server(a, 7000, echo_once)
			tcp_server(a, 7001, echo_all)
			for p in (5000, 5050, 5060):
				udp_echo(a, p)
			tcp_server(a, 2121, lazy_ftp)
		else:
			tcp_server(a, 80, echo_all)
	if role == "wan":
		ftp_server(root, addrs)
	print("ready", flush=True)
	while True:
		time.sleep(3600)


# ---- clients ----

def tcp_short(addr, port):
	c = socket.create_connection((addr, port), timeout=TIMEOUT)
	c.sendall(b"short\n")
	c.recv(100)
	c.close()


def tcp_long(addr, port, keep):
	c = socket.create_connection((addr, port), timeout=TIMEOUT)
	c.sendall(b"long\n")
	c.recv(100)
	keep.append(c)


def udp(addr, port, answered):
	s = socket.socket(family(addr), socket.SOCK_DGRAM)
	s.settimeout(1 if answered else 0.2)
	for _ in range(2):
		s.sendto(b"ping", (addr, port))
		try:
			s.recvfrom(100)
		except OSError:
			pass
	s.close()


def csum(b):
	if len(b) % 2:
		b += b"\0"
	s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	s = (s >> 16) + (s & 0xffff)
	return ~(s + (s >> 16)) & 0xffff


def echo(addr, ident):
	"""One ICMP or ICMPv6 echo request and its reply (raw socket)."""
	if family(addr) == socket.AF_INET:
		r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
		pkt = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"ctop-bed"
		pkt = pkt[:2] + struct.pack("!H", csum(pkt)) + pkt[4:]
	else:
		# The kernel fills in the ICMPv6 checksum.
		r = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
				  socket.IPPROTO_ICMPV6)
		pkt = struct.pack("!BBHHH", 128, 0, 0, ident, 1) + b"ctop-bed"
	r.settimeout(TIMEOUT)
	r.sendto(pkt, (addr, 0))
	try:
		r.recv(200)
	except OSError:
		pass
	r.close()


def ftp_session(addr, passive):
	f = ftplib.FTP(timeout=TIMEOUT)
	f.connect(addr, 21)
	f.login()
	f.set_pasv(passive)
	return f


def ftp_transfer(addr, passive):
	"""A whole download: the data connection is a RELATED child."""
	f = ftp_session(addr, passive)
	got = []
	f.retrbinary("RETR data.bin", got.append)
	f.quit()
	return sum(len(b) for b in got)


def ftp_pending_passive(addr, keep):
	"""PASV/EPSV with no transfer: the helper's expectation stays in
	the table while the session is open."""
	f = ftp_session(addr, True)
	f.sendcmd("EPSV" if family(addr) == socket.AF_INET6 else "PASV")
	keep.append(f)


def ftp_pending_active(addr, keep):
	"""PORT/EPRT for a port the client listens on, to the lazy server
	(port 2121, which has the helper too): the expectation for the
	server's data connection stays pending."""
	c = socket.create_connection((addr, 2121), timeout=TIMEOUT)
	c.recv(100)
	# The helper reads a command only after a line it has seen end (its
	# sequence tracking), so one line goes first, in a packet of its own.
	c.sendall(b"USER anonymous\r\n")
	time.sleep(0.2)
	lst = socket.socket(family(addr), socket.SOCK_STREAM)
	lst.bind((c.getsockname()[0], 0))
	lst.listen(1)
	host, port = lst.getsockname()[:2]
	if family(addr) == socket.AF_INET:
		cmd = "PORT %s,%d,%d\r\n" % (host.replace(".", ","), port >> 8,
					     port & 0xff)
	else:
		cmd = "EPRT |2|%s|%d|\r\n" % (host, port)
	c.sendall(cmd.encode())
	keep += [c, lst]


def client_lan(addrs, keep):
	# TCP and FTP first: UDP and ICMP entries live 30 s, so they come
	# last, when the tests read the table soon after.
	for a in addrs:
		for _ in range(3):
			tcp_short(a, 7000)
		tcp_long(a, 7001, keep)
		n = ftp_transfer(a, True)
		m = ftp_transfer(a, False)
		if n != m or n == 0:
			raise SystemExit("ftp transfers from %s: %d and %d bytes"
					 % (a, n, m))
		ftp_pending_passive(a, keep)
		ftp_pending_active(a, keep)
	for i, a in enumerate(addrs):
		udp(a, 5000, True)		# answered, label
		udp(a, 5002, False)		# dropped by the server: unreplied
		udp(a, 5001, False)		# closed port: ICMP port unreachable
		udp(a, 5050, True)		# original-direction zone
		udp(a, 5060, True)		# zone in both directions
		echo(a, 0x4200 + i)


def client_wan(addrs, keep):
	for a in addrs:
		tcp_short(a, 8080)
		tcp_long(a, 8080, keep)


def client(side, hold, addrs):
	keep = []
	(client_lan if side == "lan" else client_wan)(addrs, keep)
	print("ready", flush=True)
	select.select([sys.stdin], [], [], float(hold))
	for k in keep:
		try:
			k.close()
		except Exception:
			pass


def main():
	if len(sys.argv) >= 4 and sys.argv[1] == "serve":
		serve(sys.argv[2], sys.argv[3], sys.argv[4:])
	elif len(sys.argv) >= 5 and sys.argv[1] == "client":
		client(sys.argv[2], sys.argv[3], sys.argv[4:])
	else:
		sys.exit(__doc__)


if __name__ == "__main__":
	main()
