#!/usr/bin/env bash
# ctop -E: every NEW and DESTROY of a burst is printed, or overflow lines
# account for what was lost; -n, filters, text output and clean exits on
# SIGTERM.
here=$(dirname "$0")
. "$here/../lib.sh"
command -v jq >/dev/null || skip "needs jq"
[ -x "$CTLOAD" ] || skip "needs $CTLOAD (make build/tests/ctload)"

ns_new NS
# With nf_conntrack_events=2 (auto, the default) entries created while
# nobody listens never report events; section 5 updates such entries, so
# events are forced on in this namespace.
ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_events=1 ||
	skip "cannot set nf_conntrack_events in a namespace"

# wait_listening NS: until some netlink socket in NS listens to the
# conntrack groups (NEW, UPDATE, DESTROY: groups 1-3, mask 0x7).
wait_listening() {
	local i
	for ((i = 0; i < 100; i++)); do
		ip netns exec "$1" awk '$2 == 12 && $4 ~ /[7f]$/ { f = 1 } END { exit !f }' \
			/proc/net/netlink && return 0
		sleep 0.05
	done
	fail "ctop -E never subscribed"
}

# wait_stable FILE: until FILE stops growing for 2 s (ctop flushes a
# quiet stream within a second), at most 30 s.
wait_stable() {
	local i last=-1 n
	for ((i = 0; i < 60; i++)); do
		n=$(wc -l <"$1")
		[ "$n" = "$last" ] && [ $((i % 4)) = 3 ] && return 0
		[ $((i % 4)) = 3 ] && last=$n
		sleep 0.5
	done
}

# stream OUT ARGS...: start ctop -E in NS in the background (pid in $pid).
stream() {
	local out=$1
	shift
	"$CTOP" --netns "$NS" -E "$@" >"$out" 2>"$out.err" &
	pid=$!
	wait_listening "$NS"
}

# stop: SIGTERM must end the stream with status 0.
stop() {
	kill -TERM "$pid"
	wait "$pid"
	local rc=$?
	[ $rc = 0 ] || fail "ctop -E exited $rc on SIGTERM: $(cat "$1.err")"
}

count() {	# FILE EVENT (ctop writes compact JSON: grep is enough)
	grep -c "^{\"time\":[0-9.]*,\"event\":\"$2\"" "$1"
}

# 1. A small burst with a big buffer: every event, exactly once.
stream "$TMPD/small" -o json --buffer-size 64M
"$CTLOAD" --netns "$NS" -n 1000 -q || fail "ctload insert"
"$CTLOAD" --netns "$NS" -n 1000 --delete -q || fail "ctload delete"
wait_stable "$TMPD/small"
stop "$TMPD/small"
jq -e . "$TMPD/small" >/dev/null || fail "output is not JSON lines"
assert_eq "small burst: new" 1000 "$(count "$TMPD/small" new)"
assert_eq "small burst: destroy" 1000 "$(count "$TMPD/small" destroy)"
assert_eq "small burst: overflow" 0 "$(count "$TMPD/small" overflow)"
# Each flow once per kind: distinct source ports.
assert_eq "distinct new flows" 1000 \
	"$(jq -r 'select(.event=="new") | "\(.flow.src):\(.flow.sport)"' "$TMPD/small" | sort -u | wc -l)"
assert_eq "distinct destroyed flows" 1000 \
	"$(jq -r 'select(.event=="destroy") | "\(.flow.src):\(.flow.sport)"' "$TMPD/small" | sort -u | wc -l)"
jq -e 'select(.event=="new") | .time > 1000000000 and .flow.proto == "tcp" and .flow.state == "ESTABLISHED"' \
	"$TMPD/small" | grep -qv true && fail "a new event lacks time, proto or state"

# accounts FILE TOTAL WHAT: printed new + destroy + lost == TOTAL, or
# overflow lines with an unknown count are present.
accounts() {
	local f=$1 total=$2 what=$3 new destroy over lost unknown
	new=$(count "$f" new)
	destroy=$(count "$f" destroy)
	over=$(count "$f" overflow)
	grep '"event":"overflow"' "$f" >"$f.over"
	lost=$(jq -s '[.[] | .lost // 0] | add // 0' "$f.over")
	unknown=$(jq -s '[.[] | select(.lost == null)] | length' "$f.over")
	echo "$what: $new new, $destroy destroy printed, $over overflow lines, $lost lost ($unknown unknown)"
	if [ "$unknown" -gt 0 ]; then
		[ $((new + destroy + lost)) -le "$total" ] ||
			fail "$what: more events than happened"
	else
		assert_eq "$what: printed + lost" "$total" $((new + destroy + lost))
	fi
	[ "$over" -gt 0 ] || assert_eq "$what: printed without overflow" "$total" $((new + destroy))
}

# 2. 100,000 entries in and out with the default buffer.
stream "$TMPD/big" -o json
"$CTLOAD" --netns "$NS" -n 100000 -q || fail "ctload insert"
"$CTLOAD" --netns "$NS" -n 100000 --delete -q || fail "ctload delete"
wait_stable "$TMPD/big"
stop "$TMPD/big"
accounts "$TMPD/big" 200000 "100k burst"

# 3. The same with a tiny buffer: overflows are certain, and the stream
# goes on after them (the deletes come after the inserts' overflows).
stream "$TMPD/tiny" -o json --buffer-size 16K
"$CTLOAD" --netns "$NS" -n 100000 -q || fail "ctload insert"
"$CTLOAD" --netns "$NS" -n 100000 --delete -q || fail "ctload delete"
wait_stable "$TMPD/tiny"
stop "$TMPD/tiny"
accounts "$TMPD/tiny" 200000 "16K buffer"
[ "$(count "$TMPD/tiny" overflow)" -gt 0 ] || fail "no overflow with a 16K buffer"
first_over=$(grep -n '"event":"overflow"' "$TMPD/tiny" | head -n 1 | cut -d: -f1)
last_event=$(grep -n '"event":"destroy"' "$TMPD/tiny" | tail -n 1 | cut -d: -f1)
[ "${last_event:-0}" -gt "$first_over" ] ||
	fail "the stream did not go on after the first overflow"

# 4. -n stops after N printed events, a filter selects, text has a
# timestamp and the event in brackets.
"$CTOP" --netns "$NS" -E -n 5 udp >"$TMPD/text" 2>"$TMPD/text.err" &
pid=$!
wait_listening "$NS"
"$CTLOAD" --netns "$NS" -n 20 -q || fail "ctload tcp"
"$CTLOAD" --netns "$NS" -n 20 --proto udp -q || fail "ctload udp"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "-n 5 did not stop the stream"
wait "$pid" || fail "ctop -E -n 5 exited $?: $(cat "$TMPD/text.err")"
head -n 1 "$TMPD/text" | grep -q '^TIME  *EVENT  *PROTO' || fail "no text header: $(head -n 1 "$TMPD/text")"
assert_eq "-n 5 lines" 5 "$(tail -n +2 "$TMPD/text" | wc -l)"
tail -n +2 "$TMPD/text" | grep -vqE '^[0-9]{10}\.[0-9]{6} \[NEW\] +udp ' &&
	fail "unexpected text line: $(tail -n +2 "$TMPD/text" | head -n 2)"
ok "text lines: $(sed -n 2p "$TMPD/text")"

# 5. A changed mark is an UPDATE (IPCTNL_MSG_CT_NEW without CREATE|EXCL).
if command -v conntrack >/dev/null; then
	tuple() { echo "-p udp -s 10.9.0.$1 -d 10.9.1.1 --sport 5000 --dport 53"; }
	for i in 1 2 3 4 5; do
		# shellcheck disable=SC2046
		ct "$NS" -I $(tuple "$i") -t 300 >/dev/null 2>&1 || fail "conntrack -I"
	done
	stream "$TMPD/upd" -o json
	for i in 1 2 3 4 5; do
		# shellcheck disable=SC2046
		ct "$NS" -U $(tuple "$i") -m 7 >/dev/null 2>&1 || fail "conntrack -U"
	done
	wait_stable "$TMPD/upd"
	stop "$TMPD/upd"
	assert_eq "update events" 5 "$(count "$TMPD/upd" update)"
	assert_eq "updates with the new mark" 5 \
		"$(jq -r 'select(.event=="update") | .flow.mark' "$TMPD/upd" | grep -cx 7)"
	assert_eq "no new events for updates" 0 "$(count "$TMPD/upd" new)"
fi

# 6. With timestamps on, a DESTROY carries the kernel's stop time: after
# the flow's start, no later than the event's own time.
ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_timestamp=1 ||
	skip "cannot set nf_conntrack_timestamp in a namespace"
"$CTOP" --netns "$NS" -E -o json -n 2 'src 10.66.0.1' >"$TMPD/stop" 2>&1 &
pid=$!
wait_listening "$NS"
ct "$NS" -I -p tcp -s 10.66.0.1 -d 10.66.0.2 --sport 1 --dport 2 \
	--state ESTABLISHED -t 100 >/dev/null 2>&1 || fail "conntrack -I"
sleep 0.2
ct "$NS" -D -p tcp -s 10.66.0.1 >/dev/null 2>&1 || fail "conntrack -D"
wait "$pid" || fail "ctop -E -n 2 exited $?: $(cat "$TMPD/stop")"
jq -e 'select(.event == "destroy") | .stop != null and .stop >= .flow.start
	and .stop <= .time' "$TMPD/stop" >/dev/null ||
	fail "destroy without a sane stop time: $(cat "$TMPD/stop")"
[ "$(jq -c 'select(.event == "new") | has("stop")' "$TMPD/stop")" = false ] ||
	fail "a new event with a stop time"
ok "destroy events carry the kernel's stop time"
exit 0
