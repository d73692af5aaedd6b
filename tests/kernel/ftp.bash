# ftp_expect NS ADDR SECONDS (sourced): the ftp helper on port 21 in NS
# and a fake server on ADDR (IPv4: PASV; IPv6: EPSV, ADDR put on lo) that
# a client asks for a data connection: the kernel then holds one
# expectation, for about SECONDS (the server's life). Sets FTP_PID (kill
# it when done; the test's cleanup does too); fails the test if the
# reply never came.
ftp_expect() {
	local ns=$1 addr=$2 secs=$3
	# Once per namespace, for every server in it.
	ip netns exec "$ns" nft list table inet ctop_ftp >/dev/null 2>&1 ||
		ip netns exec "$ns" nft -f - <<'NFT' || fail "nft ftp helper rules"
table inet ctop_ftp {
	ct helper ftp_std {
		type "ftp" protocol tcp
	}
	chain out {
		type filter hook output priority filter; policy accept;
		tcp dport 21 ct helper set "ftp_std"
	}
}
NFT
	case $addr in
	*:*) ip netns exec "$ns" ip -6 addr add "$addr/128" dev lo nodad ||
		fail "cannot add $addr" ;;
	esac
	cat >"$TMPD/ftp.py" <<'PY'
import socket, sys, threading, time
addr, ready, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
v6 = ":" in addr
fam = socket.AF_INET6 if v6 else socket.AF_INET
# Passive mode on port 50000 (195 * 256 + 80).
reply = b"229 Entering Extended Passive Mode (|||50000|)\r\n" if v6 else \
	b"227 Entering Passive Mode (127,0,0,1,195,80).\r\n"
srv = socket.socket(fam)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, 21))
srv.listen(1)
def serve():
	c, _ = srv.accept()
	c.sendall(b"220 ctop test\r\n")
	c.recv(100)
	c.sendall(reply)
	time.sleep(secs)
threading.Thread(target=serve, daemon=True).start()
cl = socket.create_connection((addr, 21))
cl.recv(100)
cl.sendall(b"EPSV\r\n" if v6 else b"PASV\r\n")
cl.recv(100)
open(ready, "w").write("ready\n")
time.sleep(secs)
PY
	rm -f "$TMPD/ftp-ready"
	ip netns exec "$ns" "$PYTHON3" "$TMPD/ftp.py" "$addr" "$TMPD/ftp-ready" \
		"$secs" </dev/null >/dev/null 2>&1 &
	FTP_PID=$!
	_pids+=("$FTP_PID")
	for _ in $(seq 50); do [ -s "$TMPD/ftp-ready" ] && break; sleep 0.1; done
	[ -s "$TMPD/ftp-ready" ] ||
		{ kill "$FTP_PID"; fail "fake ftp never got its passive reply"; }
}
