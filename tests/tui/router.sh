#!/usr/bin/env bash
# The screen on a real router's table (tests/bed.sh): it shows the rows
# conntrack(8) lists, protocol, endpoints, state and packets, IPv4 and
# IPv6; deleting from the screen removes exactly the chosen entries (by
# conntrack id) and says so on the status line.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/../bed.sh"
trap '[ -s "$TMPD/stderr" ] && cat "$TMPD/stderr" >&2; bed_down; _cleanup' EXIT

bed_up
bed_traffic 120
R=$BED_R

# The rows as the screen draws them, from conntrack -L: "PROTO SRC DST
# STATE PACKETS", one per line, sorted. Endpoints as ctop writes them:
# a:p, [a6]:p, a bare address for ICMP; "-" for a protocol without state.
kernel_rows() {
	bed_ct -L -o extended,id 2>/dev/null | awk '
	function ep(a, p) { if (p == "") return a; return a ~ /:/ ? "[" a "]:" p : a ":" p }
	{
		proto = $3; state = "-"; src = dst = sport = dport = ""; pk = 0; n = 0
		if ($6 ~ /^[A-Z_]+$/) state = $6
		for (i = 6; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "src") n++
			if (n == 1 && kv[1] == "src") src = kv[2]
			if (n == 1 && kv[1] == "dst") dst = kv[2]
			if (n == 1 && kv[1] == "sport") sport = kv[2]
			if (n == 1 && kv[1] == "dport") dport = kv[2]
			if (kv[1] == "packets") pk += kv[2]
		}
		# Rows about to time out may leave between the two reads.
		if ($5 <= 5) { print proto, ep(src, sport), ep(dst, dport) > "/dev/stderr"; next }
		print proto, ep(src, sport), ep(dst, dport), state, pk
	}' 2>"$TMPD/expiring" | sort
}
screen_rows() {
	# A narrow PROTO column cuts icmpv6 (with a marker after "icmpv").
	screen_of "$1" | awk '$1 ~ /^(tcp|udp|icmp|icmpv)/ && $2 ~ /[.:]/ {
		if ($1 ~ /^icmpv/) $1 = "icmpv6"
		state = $4
		if (state == "echo") { state = "-"; pk = $9 } else pk = $7
		print $1, $2, $3, state, pk
	}' | sort
}

tmux_new sess 220 70 "$CTOP --netns $R -d 0.5 2>$TMPD/stderr; echo \$? > $TMPD/rc"
wait_screen "$sess" 'shown [0-9]+'
# Two refreshes, so the list has settled.
sleep 1.2
kernel_rows >"$TMPD/kernel.rows"
screen_rows "$sess" >"$TMPD/screen.rows"
n=$(wc -l <"$TMPD/kernel.rows")
[ "$n" -ge 30 ] || fail "the bed made only $n entries"
if [ -s "$TMPD/expiring" ]; then
	echo "left out: $(wc -l <"$TMPD/expiring") rows within 5 s of their timeout"
	grep -vF -f "$TMPD/expiring" "$TMPD/screen.rows" >"$TMPD/s" || true
	mv "$TMPD/s" "$TMPD/screen.rows"
fi
screen_of "$sess" >"$TMPD/screen.txt"
diff "$TMPD/kernel.rows" "$TMPD/screen.rows" >"$TMPD/diff" ||
	fail "screen and conntrack -L differ (< kernel, > screen):
$(cat "$TMPD/diff")
the screen:
$(cat "$TMPD/screen.txt")"
ok "the screen shows the rows conntrack -L lists: $(awk '{ n[$1]++; if ($2 ~ /\[|::/) v6++; else v4++ }
	END { printf "ipv4 %d, ipv6 %d;", v4, v6; for (p in n) printf " %s %d", p, n[p] }' "$TMPD/screen.rows")"

# ---- deletes from the screen ----
ids() { bed_ct -L -o id 2>/dev/null | grep -oE 'id=[0-9]+' | cut -d= -f2 | sort; }
idof() {	# REGEX over conntrack -L -o extended,id: the first match's id
	bed_ct -L -o extended,id 2>/dev/null | grep -E -- "$1" | head -n 1 |
		grep -oE 'id=[0-9]+' | cut -d= -f2
}
# delete_one LABEL SEARCH ID: select the row by search, delete it.
delete_one() {
	local before after gone
	before=$(ids)
	tmux send-keys -t "$sess" '/' "$2" Enter
	sleep 0.3
	tmux send-keys -t "$sess" d
	wait_screen "$sess" 'Delete this flow from the kernel'
	screen_of "$sess" | grep -qF -- "$2" || fail "$1: the dialog does not show $2"
	tmux send-keys -t "$sess" Enter
	wait_screen "$sess" 'deleted 1, failed 0'
	after=$(ids)
	gone=$(comm -23 <(echo "$before") <(echo "$after") | tr '\n' ' ')
	# Only the chosen id goes; UDP entries may time out meanwhile, so
	# anything else gone must have been at the end of its timeout.
	grep -qw "$3" <<<"$gone" || fail "$1: id $3 still in the kernel"
	for id in $gone; do
		[ "$id" = "$3" ] && continue
		ttl=$(awk -v id="id=$id" '$0 ~ id" |"id"$" { print $5 }' "$TMPD/before.ct")
		[ -n "$ttl" ] && [ "$ttl" -le 5 ] || fail "$1: entry $id went too"
	done
	ok "$1: deleted from the screen, exactly id $3"
}
bed_ct -L -o extended,id >"$TMPD/before.ct" 2>/dev/null
row() {	# REGEX: "src:sport" of the first conntrack entry matching
	grep -E -- "$1" "$TMPD/before.ct" | head -n 1 | awk '{
		for (i = 6; i <= NF; i++) { split($i, kv, "=")
			if (kv[1] == "src" && !s) s = kv[2]
			if (kv[1] == "sport" && !p) p = kv[2] }
		print (s ~ /:/ ? "[" s "]" : s) ":" p }'
}
long4=$(row '^ipv4 .*ESTABLISHED .*dport=7001 ')
delete_one "long-lived SNAT flow (ipv4, marked)" "$long4" "$(idof "^ipv4 .*ESTABLISHED .*sport=${long4##*:} dport=7001 ")"
fwd6=$(row '^ipv6 .*ESTABLISHED .*dport=8080 ')
delete_one "port-forward flow (ipv6, DNAT, zone-reply 2)" "$fwd6" \
	"$(idof "^ipv6 .*ESTABLISHED .*sport=${fwd6##*:} dport=8080 ")"
zo4=$(row '^ipv4 .*dport=5050 zone-orig=1')
delete_one "flow with an original-direction zone (ipv4)" "$zo4" \
	"$(idof "^ipv4 .*sport=${zo4##*:} dport=5050 zone-orig=1")"
ftp6=$(row '^ipv6 .*ESTABLISHED .*dport=21 .*helper=ftp')
delete_one "FTP control flow with a helper (ipv6)" "$ftp6" \
	"$(idof "^ipv6 .*ESTABLISHED .*sport=${ftp6##*:} dport=21 ")"

tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"
exit 0
