#!/usr/bin/env bash
# ctop --self-check: a table kept from events through a burst of 300,000
# inserts and deletes over 100,000 flows equals a fresh kernel dump (no
# flow missing, no ghost); once with the default event buffer, once with
# a tiny one, where events are lost and resyncs must repair the table.
here=$(dirname "$0")
. "$here/../lib.sh"
[ -x "$CTLOAD" ] || skip "needs $CTLOAD (make build/tests/ctload)"

ns_new NS
# With the default (2, "auto") a flow created before the first listener
# never reports its end; that case is the periodic resync's (see
# ctop(8)). This test is about applying events, so every flow has them.
ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_events=1 ||
	skip "cannot set nf_conntrack_events in a namespace"

load() { "$CTLOAD" --netns "$NS" -q "$@" >/dev/null || fail "ctload $*"; }

# run WHAT SECONDS ARGS...: 100,000 tcp flows, ctop --self-check, and
# during it: 100,000 udp in, the 100,000 tcp out, 50,000 tcp/IPv6 in and
# out again; the table ends with the 100,000 udp flows.
run() {
	local what=$1 secs=$2 out="$TMPD/$1" pid rc i
	shift 2
	ip netns exec "$NS" conntrack -F >/dev/null 2>&1
	load -n 100000
	"$CTOP" --netns "$NS" --self-check "$secs" "$@" >"$out" 2>&1 &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q "first dump" "$out" 2>/dev/null && break
		sleep 0.1
	done
	grep -q "first dump 100000 flows" "$out" || fail "$what: no first dump: $(cat "$out")"
	load -n 100000 --proto udp
	load -n 100000 --delete
	load -n 50000 --ipv6
	load -n 50000 --ipv6 --delete
	# The follow ends when the burst is over, not after a fixed time: on a
	# loaded machine the burst can outlast any fixed window, and a
	# comparison dump taken mid-burst is no test of the events.
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	sed 's/^/    /' "$out"
	[ $rc = 0 ] || fail "$what: --self-check exited $rc"
	grep -q "table 100000 flows, kernel 100000 flows: 0 missing, 0 ghosts" "$out" ||
		fail "$what: table and kernel differ"
	grep -qE "300000 events \(150000 new, 0 update, 150000 destroy\)|[1-9][0-9]* overflows" "$out" ||
		fail "$what: events neither all applied nor reported lost"
	ok "$what"
}

run "default buffer" 600
# 16 KiB holds a few dozen events: the burst overflows it many times.
run "16K buffer" 600 --buffer-size 16K
grep -qE ": [1-9][0-9]* overflows, .* [1-9][0-9]* resyncs" "$TMPD/16K buffer" ||
	fail "16K buffer: expected overflows and resyncs"

# Events off: a warning, and the table is kept by dumps alone.
ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_events=0
"$CTOP" --netns "$NS" --self-check 1.5 >"$TMPD/off" 2>&1 ||
	fail "events off: exited $?: $(cat "$TMPD/off")"
grep -q "nf_conntrack_events is 0" "$TMPD/off" || fail "no warning for events off"
grep -q "0 missing, 0 ghosts" "$TMPD/off" || fail "events off: $(cat "$TMPD/off")"
ok "events off"

# Flows that end without an event (nf_conntrack_events=2, created before
# anyone listened) are no error of the events: counted apart and said.
ip netns exec "$NS" conntrack -F >/dev/null 2>&1
silent_load "$NS" -n 1000 --proto udp
"$CTOP" --netns "$NS" --self-check 5 >"$TMPD/silent" 2>&1 &
pid=$!
for ((i = 0; i < 100; i++)); do
	grep -q "first dump" "$TMPD/silent" 2>/dev/null && break
	sleep 0.1
done
grep -q "first dump 1000 flows" "$TMPD/silent" || fail "silent ends: no first dump: $(cat "$TMPD/silent")"
load -n 10 --proto udp --delete
wait "$pid"
rc=$?
sed 's/^/    /' "$TMPD/silent"
assert_eq "silent ends: exit status" 0 "$rc"
grep -q "table 1000 flows, kernel 990 flows: 0 missing, 0 ghosts" "$TMPD/silent" ||
	fail "silent ends counted as ghosts"
grep -q "10 more flows in the table ended without an event" "$TMPD/silent" ||
	fail "silent ends not said"
[ "$(grep -c '  silent end: udp' "$TMPD/silent")" = 5 ] || fail "no examples of silent ends"
ok "silent ends: reported apart, not a failure"
exit 0
