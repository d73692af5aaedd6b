# Fill a namespace with conntrack entries of every kind (sourced by the
# kernel tests after tests/lib.sh). Every entry is made with conntrack -I,
# so the kernel holds exactly what is listed here; timeouts are long enough
# that nothing expires during a test.

# The system's Python 3 when there is one: a version-manager shim in PATH
# can cost more than the comparison itself.
if [ -z "${PYTHON3:-}" ]; then
	PYTHON3=python3
	[ -x /usr/bin/python3 ] && PYTHON3=/usr/bin/python3
fi
command -v "$PYTHON3" >/dev/null || skip "needs python3 for the comparer"
command -v jq >/dev/null || skip "needs jq"
command -v conntrack >/dev/null || skip "needs conntrack(8)"
# compare ARGS...: tests/kernel/compare.py.
compare() { "$PYTHON3" "$(dirname "${BASH_SOURCE[0]}")/compare.py" "$@"; }

_ins() {	# NS ARGS...: one conntrack -I, failing the test if refused
	local ns=$1
	shift
	ip netns exec "$ns" conntrack -I "$@" >/dev/null 2>"$TMPD/ins.err" ||
		fail "conntrack -I $*: $(cat "$TMPD/ins.err")"
}

# fill_kinds NS: about forty hand-made entries. $t, $ok and $as hold
# several words on purpose.
# shellcheck disable=SC2086
fill_kinds() {
	local ns=$1 t="-t 600" ok="-u SEEN_REPLY" as="-u ASSURED,SEEN_REPLY"

	# TCP in several states, replied or not, assured or not.
	_ins "$ns" -p tcp -s 10.1.0.1 -d 10.2.0.1 --sport 1000 --dport 80 --state ESTABLISHED $t $as
	_ins "$ns" -p tcp -s 10.1.0.2 -d 10.2.0.1 --sport 1001 --dport 443 --state ESTABLISHED $t $as
	_ins "$ns" -p tcp -s 10.1.0.3 -d 10.2.0.1 --sport 1002 --dport 85 --state SYN_SENT $t
	_ins "$ns" -p tcp -s 10.1.0.4 -d 10.2.0.1 --sport 1003 --dport 90 --state SYN_RECV $t $ok
	_ins "$ns" -p tcp -s 10.1.0.5 -d 10.2.0.2 --sport 1004 --dport 443 --state TIME_WAIT $t $as
	_ins "$ns" -p tcp -s 10.1.0.6 -d 10.2.0.2 --sport 1005 --dport 8080 --state TIME_WAIT $t
	_ins "$ns" -p tcp -s 10.1.0.7 -d 10.2.0.2 --sport 1006 --dport 22 --state FIN_WAIT $t $as
	_ins "$ns" -p tcp -s 10.1.0.8 -d 10.2.0.2 --sport 1007 --dport 25 --state CLOSE_WAIT $t $ok
	_ins "$ns" -p tcp -s 10.1.0.9 -d 10.2.0.2 --sport 1008 --dport 79 --state LAST_ACK $t $as
	_ins "$ns" -p tcp -s 10.3.0.1 -d 10.2.0.3 --sport 1009 --dport 91 --state CLOSE $t
	_ins "$ns" -p tcp -s 10.3.0.2 -d 10.2.0.3 --sport 1010 --dport 80 --state ESTABLISHED $t $as
	# UDP replied and not, UDP-Lite.
	_ins "$ns" -p udp -s 10.1.1.1 -d 10.2.1.1 --sport 53000 --dport 53 $t
	_ins "$ns" -p udp -s 10.1.1.2 -d 10.2.1.1 --sport 53001 --dport 53 $t $ok
	_ins "$ns" -p udp -s 10.1.1.3 -d 10.2.1.2 --sport 4500 --dport 4500 $t $as
	_ins "$ns" -p udp -s 10.4.1.4 -d 10.2.1.2 --sport 5353 --dport 85 $t
	_ins "$ns" -p udplite -s 10.1.1.5 -d 10.2.1.3 --sport 5000 --dport 5001 $t
	# ICMP, ICMPv6.
	_ins "$ns" -p icmp -s 10.1.2.1 -d 10.2.2.1 --icmp-type 8 --icmp-code 0 --icmp-id 77 $t
	_ins "$ns" -p icmp -s 10.1.2.2 -d 10.2.2.1 --icmp-type 8 --icmp-code 0 --icmp-id 78 $t $ok
	_ins "$ns" -p icmp -s 10.1.2.2 -d 10.2.2.1 --icmp-type 13 --icmp-code 0 --icmp-id 79 $t
	_ins "$ns" -p icmpv6 -s fd00::1 -d fd00::2 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 80 $t
	_ins "$ns" -p icmpv6 -s fd00::1 -d fd00::3 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 81 $t $ok
	# SCTP, DCCP, GRE.
	_ins "$ns" -p sctp -s 10.1.3.1 -d 10.2.3.1 --sport 3000 --dport 3001 --state ESTABLISHED --orig-vtag 1 --reply-vtag 2 $t $as
	_ins "$ns" -p sctp -s 10.1.3.2 -d 10.2.3.1 --sport 3002 --dport 80 --state COOKIE_WAIT --orig-vtag 3 --reply-vtag 4 $t
	_ins "$ns" -p dccp -s 10.1.3.3 -d 10.2.3.2 --sport 4000 --dport 4001 --state OPEN --role client $t
	_ins "$ns" -p gre -s 10.1.3.4 -d 10.2.3.3 --srckey 5 --dstkey 6 $t
	_ins "$ns" -p gre -s 10.1.3.5 -d 10.2.3.3 --srckey 0x100 --dstkey 0x200 $t $ok
	# IPv6 TCP and UDP.
	_ins "$ns" -p tcp -s fd00::1 -d fd00::10 --sport 2000 --dport 22 --state ESTABLISHED $t $as
	_ins "$ns" -p tcp -s fd00::2 -d fd00::10 --sport 2001 --dport 80 --state TIME_WAIT $t $as
	_ins "$ns" -p tcp -s 2001:db8::5 -d fd00::10 --sport 2002 --dport 443 --state SYN_SENT $t
	_ins "$ns" -p udp -s fd00::1 -d fd00::11 --sport 2003 --dport 123 $t
	_ins "$ns" -p udp -s fd00::3 -d fd00::11 --sport 2004 --dport 53 $t $ok
	# NAT: the reply tuple is not the mirror of the original.
	# SNAT (masquerade to 203.0.113.1).
	_ins "$ns" -p tcp -s 192.168.1.5 -d 8.8.8.8 --sport 40000 --dport 443 --state ESTABLISHED $t $as \
		-r 8.8.8.8 -q 203.0.113.1 --reply-port-src 443 --reply-port-dst 40000
	_ins "$ns" -p udp -s 192.168.1.6 -d 8.8.4.4 --sport 40001 --dport 53 $t $ok \
		-r 8.8.4.4 -q 203.0.113.1 --reply-port-src 53 --reply-port-dst 61001
	# DNAT (port forward to 10.9.9.9:8080).
	_ins "$ns" -p tcp -s 198.51.100.1 -d 203.0.113.1 --sport 40002 --dport 80 --state ESTABLISHED $t $as \
		-r 10.9.9.9 -q 198.51.100.1 --reply-port-src 8080 --reply-port-dst 40002
	_ins "$ns" -p tcp -s 198.51.100.2 -d 203.0.113.1 --sport 40003 --dport 443 --state SYN_SENT $t \
		-r 10.9.9.9 -q 198.51.100.2 --reply-port-src 443 --reply-port-dst 40003
	# Both, with a mark and a zone.
	_ins "$ns" -p tcp -s 10.1.4.1 -d 10.2.4.1 --sport 5555 --dport 80 --state ESTABLISHED $t $as \
		-r 10.9.9.9 -q 172.16.0.1 --reply-port-src 8080 --reply-port-dst 6666 -m 7 -w 3
	# IPv6 DNAT.
	_ins "$ns" -p tcp -s 2001:db8::9 -d fd00::80 --sport 40004 --dport 80 --state ESTABLISHED $t $as \
		-r fd00::8080 -q 2001:db8::9 --reply-port-src 8080 --reply-port-dst 40004
	# Marks and zones; the same tuple in two zones is two entries.
	_ins "$ns" -p tcp -s 10.1.5.1 -d 10.2.5.1 --sport 1100 --dport 80 --state ESTABLISHED $t $as -m 5
	_ins "$ns" -p udp -s 10.1.5.2 -d 10.2.5.1 --sport 1101 --dport 53 $t -m 5
	_ins "$ns" -p tcp -s 10.1.5.3 -d 10.2.5.1 --sport 1102 --dport 80 --state ESTABLISHED $t -m 0x10005
	_ins "$ns" -p tcp -s 10.1.5.1 -d 10.2.5.1 --sport 1100 --dport 80 --state ESTABLISHED $t $as -w 3
	_ins "$ns" -p udp -s 10.1.5.4 -d 10.2.5.1 --sport 1103 --dport 443 $t -w 3 -m 5
	_ins "$ns" -p icmp -s 10.1.2.1 -d 10.2.2.1 --icmp-type 8 --icmp-code 0 --icmp-id 77 $t -w 7
	_ins "$ns" -p tcp -s 10.1.5.5 -d 10.2.5.2 --sport 1104 --dport 443 --state TIME_WAIT $t -w 65535
}

# fill_traffic NS: accounting and timestamps on, then real traffic on the
# loopback: one replied UDP flow 127.0.0.1:40000 -> 127.0.0.2:6000 (3
# datagrams, 1285 bytes out; 2, 656 bytes back) and two unreplied ones
# (to ports 5000 and 5001).
fill_traffic() {
	local ns=$1

	ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_acct=1 \
		net.netfilter.nf_conntrack_timestamp=1 || fail "cannot turn on accounting"
	ip netns exec "$ns" nft -f - <<'RULES' || fail "cannot load an nft ruleset"
table inet t {
	chain o { type filter hook output priority 0; ct state new counter; }
}
RULES
	ip netns exec "$ns" "$PYTHON3" - <<'PY' || fail "cannot send UDP datagrams"
import socket
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.2", 6000))
cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
cli.bind(("127.0.0.1", 40000))
for n in (1000, 200, 1):
	cli.sendto(b"x" * n, ("127.0.0.2", 6000))
	d, a = srv.recvfrom(2048)
	if n > 1:
		srv.sendto(d[:n // 2], a)
		cli.recvfrom(2048)
for port in (5000, 5001):
	socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(
		b"hello", ("127.0.0.1", port))
PY
}

# fill_load NS COUNT [ARGS...]: COUNT entries from the loader, long-lived.
fill_load() {
	local ns=$1 n=$2
	shift 2
	[ -x "$CTLOAD" ] || fail "no loader at $CTLOAD (make build/tests/ctload)"
	"$CTLOAD" --netns "$ns" -n "$n" --timeout 600 --quiet "$@" ||
		fail "ctload --netns $ns -n $n $* failed"
}

# ct_dump NS FILE: conntrack -L -o extended,id into FILE.
ct_dump() {
	# FILE.start marks when the dump began: compare.py allows timeouts to
	# drift by the time from there to ctop's output.
	# A dump walks the host's one hash table: if another namespace's
	# load resizes it meanwhile (nf_conntrack_buckets), the walk can miss
	# entries and neither tool is told. A dump whose length is not the
	# table's count is taken again (a table that really changes keeps
	# the last one).
	local try n
	for try in 1 2 3 4; do
		: >"$2.start"
		ip netns exec "$1" conntrack -L -o extended,id >"$2" 2>/dev/null ||
			fail "conntrack -L in $1 failed"
		n=$(ip netns exec "$1" cat /proc/sys/net/netfilter/nf_conntrack_count)
		[ "$(wc -l <"$2")" -eq "$n" ] && return 0
		sleep 0.2
	done
	return 0
}

# record_flood NS REC COUNT FULL_EVERY [AT_PEAK]: record NS into REC
# (ctop -w -d 1 --full-every FULL_EVERY) while COUNT tcp entries from
# 10.0.0.1 come and go: 2.5 s before, the flood, 2.5 s, AT_PEAK (a
# command, run at the peak), 2.5 s, the drain, 2.5 s. Sets t_before (just
# before the flood) and t_full (the peak), in Unix seconds.
record_flood() {
	local ns=$1 rec=$2 n=$3 every=$4 at_peak=${5:-true}
	"$CTOP" --netns "$ns" -w "$rec" -d 1 --full-every "$every" 2>"$TMPD/w.err" &
	_flood_pid=$!
	local wpid=$_flood_pid
	# A test that fails on the way does not leave the recorder running.
	trap 'kill $_flood_pid 2>/dev/null; wait $_flood_pid 2>/dev/null; _cleanup' EXIT
	sleep 2.5
	t_before=$(date +%s)
	fill_load "$ns" "$n" --proto tcp --status none --sources 1
	sleep 2.5
	t_full=$(date +%s)
	$at_peak
	sleep 2.5
	"$CTLOAD" --netns "$ns" -n "$n" --proto tcp --status none --sources 1 \
		--delete --quiet >/dev/null || { kill $wpid; fail "ctload --delete failed"; }
	sleep 2.5
	kill -TERM $wpid
	wait $wpid || fail "ctop -w exited $? after SIGTERM"
	trap _cleanup EXIT
	[ -s "$TMPD/w.err" ] && fail "ctop -w wrote to stderr: $(cat "$TMPD/w.err")"
	ok "recorded: $n flows from 10.0.0.1 at $t_full"
}
