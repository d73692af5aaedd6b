#!/usr/bin/env bash
# Filters select what conntrack -L's own filters (or the comparer's Python
# predicates over conntrack -L) select; bad filters, bad options, a missing
# namespace and missing privileges fail with the documented status.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

ns_new NS
fill_kinds "$NS"
fill_load "$NS" 2000 --proto mix --sources 100
ct_dump "$NS" "$TMPD/ct"
cmp_count() { compare count "$TMPD/ct" --filter "$1"; }

# The comparer's predicates agree with conntrack's own filters, so the
# checks below do not just test Python against itself.
ctf() { ip netns exec "$NS" conntrack -L "$@" 2>/dev/null | wc -l; }
assert_eq "conntrack -p tcp = predicate tcp" "$(ctf -p tcp)" "$(cmp_count tcp)"
assert_eq "conntrack -m 5 = predicate" "$(ctf -m 5)" "$(cmp_count 'mark 5')"
assert_eq "conntrack -w 3 = predicate" "$(ctf -w 3)" "$(cmp_count 'zone 3')"
assert_eq "conntrack -f ipv6 = predicate" "$(ctf -f ipv6)" "$(cmp_count ipv6)"
assert_eq "conntrack -s 10.1.0.0/16 = predicate" "$(ctf -s 10.1.0.0/16)" \
	"$(cmp_count 'src 10.1.0.0/16')"
assert_eq "conntrack --state TIME_WAIT = predicate" \
	"$(ctf -p tcp --state TIME_WAIT)" "$(cmp_count 'state time_wait')"

filters=(
	"tcp"
	"udp and unreplied"
	"not assured"
	"src 10.1.0.0/16"
	"dst fd00::/64"
	"dport 80-90"
	"mark 5"
	"zone 3"
	"state time_wait"
	"ipv6"
	"nat"
	"snat"
	"dnat"
	"tcp and (dport 80 or dport 443)"
	"reply src 10.9.9.9"
	"icmp or icmpv6"
	"gre or sctp or dccp"
)
for expr in "${filters[@]}"; do
	ct_dump "$NS" "$TMPD/ct"	# fresh, for the timeouts
	"$CTOP" --netns "$NS" -1 --format json "$expr" >"$TMPD/json" ||
		fail "ctop -1 -o json '$expr' exited $?"
	# Same flows as the predicate over conntrack -L, shown = their number.
	compare flows "$TMPD/ct" "$TMPD/json" --filter "$expr" ||
		fail "filter '$expr' differs from conntrack -L"
	want=$(jq .shown "$TMPD/json")
	[ "$want" -gt 0 ] || fail "filter '$expr' selects nothing: a weak test"
	# The filter as several words, like tcpdump.
	# shellcheck disable=SC2086
	n=$(set -f; "$CTOP" --netns "$NS" -1 -H $expr | grep -vc '^#')
	assert_eq "text rows for '$expr'" "$want" "$n"
done

# A filter that matches nothing prints an empty list, not an error.
"$CTOP" --netns "$NS" -1 -o json "src 192.0.2.77" >"$TMPD/json" ||
	fail "an empty result is not an error"
assert_eq "empty result" "0 0" "$(jq -r '"\(.shown) \(.flows | length)"' "$TMPD/json")"

# Bad filters: exit 2, one message with the column.
bad_filter() {	# EXPR COLUMN
	local rc
	"$CTOP" --netns "$NS" -1 "$1" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	assert_eq "exit status of bad filter '$1'" 2 "$rc"
	[ -s "$TMPD/out" ] && fail "bad filter '$1' printed output"
	head -n 1 "$TMPD/err" | grep -q "^ctop: filter: .*column $2\b" ||
		fail "message for '$1' does not name column $2: $(cat "$TMPD/err")"
	# One message (a caret line under the expression may follow).
	[ "$(wc -l <"$TMPD/err")" -le 3 ] || fail "message for '$1' is too long"
}
bad_filter "tcp and dport http" 15
bad_filter "tcp and" 8
bad_filter "frobnicate" 1
bad_filter "src 10.0.0.300" 5
bad_filter "(tcp or udp" 12
bad_filter "dport 90-80" 10
bad_filter "tcp udp )" 9

# Bad options: exit 2.
for opt in "--format xml" "-n abc" "--bogus" "-g nothing" "-s nocolumn" \
	   "--top 0" "-d 0" "-c proto,nocolumn" "--netns"; do
	# shellcheck disable=SC2086
	ip netns exec "$NS" "$CTOP" -1 $opt >/dev/null 2>"$TMPD/err"
	assert_eq "exit status of 'ctop -1 $opt'" 2 "$?"
	[ -s "$TMPD/err" ] || fail "'ctop -1 $opt' gave no message"
done

# A missing namespace: exit 1, and the message names it. (Run from inside
# the test namespace, so a wrong success reads only that.)
ip netns exec "$NS" "$CTOP" --netns ctop-no-such-ns-$$ -1 >/dev/null 2>"$TMPD/err"
assert_eq "exit status for a missing namespace" 1 "$?"
grep -q "ctop-no-such-ns-$$" "$TMPD/err" ||
	fail "message does not name the namespace: $(cat "$TMPD/err")"
ip netns exec "$NS" "$CTOP" --netns /nonexistent/ns-$$ -1 >/dev/null 2>"$TMPD/err"
assert_eq "exit status for a missing namespace path" 1 "$?"
grep -q "/nonexistent/ns-$$" "$TMPD/err" ||
	fail "message does not name the path: $(cat "$TMPD/err")"

# Without CAP_NET_ADMIN (inside the test namespace, never the host's table):
# exit 1 with the documented message.
unpriv() {	# WHAT COMMAND...
	local what=$1 rc
	shift
	ip netns exec "$NS" "$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	if [ $rc = 126 ] || [ $rc = 127 ]; then
		echo "note: $what could not run ctop (exit $rc), not checked"
		return
	fi
	assert_eq "exit status $what" 1 "$rc"
	grep -q CAP_NET_ADMIN "$TMPD/err" ||
		fail "$what: no CAP_NET_ADMIN in: $(cat "$TMPD/err")"
}
unpriv "as nobody" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all -- "$CTOP" -1
unpriv "without cap_net_admin" capsh --drop=cap_net_admin -- -c "exec '$CTOP' -1"
exit 0
