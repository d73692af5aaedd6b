# The router test bed (sourced, not run): three network namespaces, a
# router between a client and a server, with real NAT, helpers, zones,
# marks and labels, and real traffic across it.
#
#   client (lan)                router                    server (wan)
#   c0 10.1.0.2/24  ---- r0 10.1.0.1/24   r1 203.0.113.1/24 ---- s0 203.0.113.2/24
#      fd01::2/64           fd01::1/64       2001:db8:2::1/64       2001:db8:2::2/64
#
# The router (nft table inet bed, see bed_rules):
#   - masquerades lan -> wan (SNAT, IPv4 and NAT66),
#   - forwards wan port 8080 to the client's port 80 (DNAT, both families),
#   - assigns the FTP helper to ports 21 and 2121 through a ct helper
#     object (2121 is a server that never opens a data connection, so an
#     active session's expectation stays pending),
#   - sets zones per interface: lan UDP to port 5050 gets original-
#     direction zone 1 (zone-orig=1), the port forward gets reply-direction
#     zone 2 on both of its interfaces (zone-reply=2), IPv6 UDP port 5060
#     gets zone 3 in both directions,
#   - marks the long-lived TCP flows (port 7001) 0x2a and labels UDP
#     port 5000 with bit 3,
#   - has accounting and timestamps on,
#   - offloads established TCP to a software flowtable where the kernel
#     has one (CONFIG_NF_FLOW_TABLE; BED_FLOWTABLE says whether it did).
# The server drops UDP port 5002 (unanswered, no error) and has nothing
# on 5001 (an ICMP port unreachable comes back, RELATED to that flow).
#
# Traffic (tests/bed_traffic.py), per family: 3 short TCP connections
# (TIME_WAIT), 1 long-lived one (ESTABLISHED, marked), UDP answered,
# unanswered and refused, UDP in zones, an ICMP echo, a passive and an
# active FTP download (their data connections are RELATED children), one
# passive and one active FTP session left with a pending expectation, and
# from the wan side a short and a long connection to the forwarded port.
#
# Use:
#   . tests/lib.sh; . tests/bed.sh
#   bed_up              namespaces, links, rules (BED_C, BED_R, BED_S)
#   bed_traffic [HOLD]  servers and the traffic above; the long-lived
#                       connections and pending expectations stay until
#                       bed_down or HOLD seconds (default 120)
#   bed_ct ARGS...      conntrack(8) in the router, with a label map
#   bed_down            stop everything, delete the namespaces (also run
#                       at exit, pass or fail)
# Namespace names carry the shell's pid, so two beds never meet. Nothing
# here touches the host's own namespace beyond creating and deleting ours.

BED_PY=/usr/bin/python3		# Debian's, which has pyftpdlib
# Sourced after tests/lib.sh: a test on the bed skips without its tools.
[ -x "$BED_PY" ] && "$BED_PY" -c 'import pyftpdlib' 2>/dev/null ||
	skip "needs python3-pyftpdlib (make deps)"
command -v nft >/dev/null || skip "needs nft (make deps)"
BED_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BED_C=ctop-bed$$-c
BED_R=ctop-bed$$-r
BED_S=ctop-bed$$-s
BED_LAN4=10.1.0.2 BED_LAN6=fd01::2
BED_RTR4=203.0.113.1 BED_RTR6=2001:db8:2::1
BED_SRV4=203.0.113.2 BED_SRV6=2001:db8:2::2
BED_FLOWTABLE=
BED_DIR=
_bed_pids=()
_bed_up=

_bed_fail() { echo "bed: $*" >&2; exit 1; }

# bed_down: kill what the bed started (by pid, and anything still inside
# its namespaces, which only the bed can have put there), then delete
# the namespaces.
bed_down() {
	local p ns
	[ -n "$_bed_up" ] || return 0
	for p in "${_bed_pids[@]}"; do kill "$p" 2>/dev/null; done
	for ns in "$BED_C" "$BED_S" "$BED_R"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null; done
	done
	for p in "${_bed_pids[@]}"; do wait "$p" 2>/dev/null; done
	for ns in "$BED_C" "$BED_S" "$BED_R"; do ip netns delete "$ns" 2>/dev/null; done
	[ -n "$BED_DIR" ] && rm -rf "$BED_DIR"
	_bed_pids=() _bed_up=
	return 0
}

# Run at exit even when the caller's own trap (tests/lib.sh) is set.
_bed_trap() {
	local old
	old=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
	case "$old" in *bed_down*) return ;; esac
	trap "bed_down; ${old:-:}" EXIT
}

bed_in() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

bed_up() {
	[ "$(id -u)" = 0 ] || _bed_fail "needs root"
	[ -x "$BED_PY" ] || _bed_fail "needs $BED_PY"
	command -v nft >/dev/null || _bed_fail "needs nft (make deps)"
	_bed_trap
	_bed_up=1
	BED_DIR=$(mktemp -d)
	for ns in "$BED_C" "$BED_R" "$BED_S"; do
		ip netns add "$ns" || _bed_fail "cannot create namespace $ns"
		bed_in "$ns" ip link set lo up
		bed_in "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	# Each pair is made inside the router and its peer put straight into
	# the other namespace: the host never holds either end.
	ip -n "$BED_R" link add r0 type veth peer name c0 netns "$BED_C" ||
		_bed_fail "cannot make the lan veth pair"
	ip -n "$BED_R" link add r1 type veth peer name s0 netns "$BED_S" ||
		_bed_fail "cannot make the wan veth pair"
	ip -n "$BED_C" addr add 10.1.0.2/24 dev c0
	ip -n "$BED_C" addr add fd01::2/64 dev c0 nodad
	ip -n "$BED_R" addr add 10.1.0.1/24 dev r0
	ip -n "$BED_R" addr add fd01::1/64 dev r0 nodad
	ip -n "$BED_R" addr add 203.0.113.1/24 dev r1
	ip -n "$BED_R" addr add 2001:db8:2::1/64 dev r1 nodad
	ip -n "$BED_S" addr add 203.0.113.2/24 dev s0
	ip -n "$BED_S" addr add 2001:db8:2::2/64 dev s0 nodad
	for l in "$BED_C c0" "$BED_R r0" "$BED_R r1" "$BED_S s0"; do
		set -- $l
		ip -n "$1" link set "$2" up
	done
	ip -n "$BED_C" route add default via 10.1.0.1
	ip -n "$BED_C" -6 route add default via fd01::1
	# The server has no route to the lan at all: only NAT makes replies
	# find their way (the router's wan address is on its link).
	bed_in "$BED_R" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 \
		net.netfilter.nf_conntrack_acct=1 \
		net.netfilter.nf_conntrack_timestamp=1 ||
		_bed_fail "cannot set the router's sysctls"
	bed_rules
	bed_in "$BED_S" nft -f - <<-'EOF' || _bed_fail "server ruleset refused"
	table inet bed_srv {
		chain in {
			type filter hook input priority 0; policy accept;
			udp dport 5002 drop
		}
	}
	EOF
	# A label map for conntrack(8), which prints labels only by name.
	mkdir -p "$BED_DIR/xtables"
	for i in $(seq 0 127); do echo "$i bit$i"; done >"$BED_DIR/xtables/connlabel.conf"
}

bed_rules() {
	bed_in "$BED_R" nft -f - <<-'EOF' || _bed_fail "router ruleset refused"
	table inet bed {
		ct helper ftp-standard {
			type "ftp" protocol tcp
			l3proto inet
		}
		chain raw {
			type filter hook prerouting priority raw; policy accept;
			iifname "r0" udp dport 5050 ct original zone set 1
			iifname "r1" tcp dport 8080 ct reply zone set 2
			iifname "r0" tcp sport 80 ct reply zone set 2
			iifname "r0" meta nfproto ipv6 udp dport 5060 ct zone set 3
			iifname "r1" meta nfproto ipv6 udp sport 5060 ct zone set 3
		}
		chain pre_nat {
			type nat hook prerouting priority dstnat; policy accept;
			iifname "r1" tcp dport 8080 meta nfproto ipv4 dnat ip to 10.1.0.2:80
			iifname "r1" tcp dport 8080 meta nfproto ipv6 dnat ip6 to [fd01::2]:80
		}
		chain forward {
			type filter hook forward priority filter; policy drop;
			tcp dport { 21, 2121 } ct helper set "ftp-standard"
			tcp dport 7001 ct mark set 0x2a
			udp dport 5000 ct label set 3
			ct state established,related accept
			iifname "r0" accept
			ct status dnat accept
		}
		chain post_nat {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "r1" masquerade
		}
	}
	EOF
	# Flowtable offload needs CONFIG_NF_FLOW_TABLE; without it nft
	# refuses the flowtable and the bed goes on without one.
	if bed_in "$BED_R" nft -f - 2>"$BED_DIR/flowtable.err" <<-'EOF'
	table inet bed {
		flowtable ft {
			hook ingress priority 0
			devices = { r0, r1 }
		}
		chain forward {
			meta l4proto tcp tcp dport 7001 flow add @ft
		}
	}
	EOF
	then
		BED_FLOWTABLE=1
	else
		BED_FLOWTABLE=
		echo "bed: no flowtable offload: this kernel refuses a flowtable" \
			"(CONFIG_NF_FLOW_TABLE): $(head -n 1 "$BED_DIR/flowtable.err")"
	fi
}

# bed_start NS OUT COMMAND...: run COMMAND in NS in the background with
# stdin from a pipe kept by the bed (closing it ends a client), wait for
# it to print "ready" into OUT.
bed_start() {
	local ns=$1 out=$2 i
	shift 2
	bed_in "$ns" "$@" >"$out" 2>&1 < <(sleep 600) &
	_bed_pids+=($!)
	for ((i = 0; i < 200; i++)); do
		grep -q '^ready' "$out" 2>/dev/null && return 0
		kill -0 "$!" 2>/dev/null || break
		sleep 0.1
	done
	cat "$out" >&2
	_bed_fail "$* did not get ready"
}

bed_traffic() {
	local hold=${1:-120}
	mkdir -p "$BED_DIR/ftp"
	head -c 20000 /dev/urandom >"$BED_DIR/ftp/data.bin"
	bed_start "$BED_S" "$BED_DIR/serve-wan.out" timeout 900 "$BED_PY" \
		"$BED_HERE/bed_traffic.py" serve wan "$BED_DIR/ftp" "$BED_SRV4" "$BED_SRV6"
	bed_start "$BED_C" "$BED_DIR/serve-lan.out" timeout 900 "$BED_PY" \
		"$BED_HERE/bed_traffic.py" serve lan - "$BED_LAN4" "$BED_LAN6"
	bed_start "$BED_C" "$BED_DIR/client-lan.out" timeout $((hold + 60)) "$BED_PY" \
		"$BED_HERE/bed_traffic.py" client lan "$hold" "$BED_SRV4" "$BED_SRV6"
	bed_start "$BED_S" "$BED_DIR/client-wan.out" timeout $((hold + 60)) "$BED_PY" \
		"$BED_HERE/bed_traffic.py" client wan "$hold" "$BED_RTR4" "$BED_RTR6"
}

# conntrack(8) in the router with the bed's label map: conntrack reads
# /etc/xtables/connlabel.conf, so it runs in a mount namespace of its own
# where /etc is an overlay holding that file (the host's /etc is neither
# changed nor seen changed by anyone else).
bed_ct() {
	local d=$BED_DIR/etc
	if [ ! -d "$d/up/xtables" ]; then
		mkdir -p "$d/up/xtables" "$d/work"
		cp "$BED_DIR/xtables/connlabel.conf" "$d/up/xtables/"
	fi
	unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$0/up,workdir=$0/work" /etc &&
		exec ip netns exec "$@"' "$d" "$BED_R" conntrack "$@"
}
