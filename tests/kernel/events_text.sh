#!/usr/bin/env bash
# ctop -E - reads conntrack -E text: the same events, captured at once by
# conntrack -E (plain, -o timestamp, -o extended,id) and by ctop -E on the
# live namespace, come out as the same JSON lines (event, tuple, state,
# mark, flags; the id with -o id; the time with -o timestamp).
here=$(dirname "$0")
. "$here/../lib.sh"
command -v jq >/dev/null || skip "needs jq"
command -v conntrack >/dev/null || skip "needs conntrack(8)"

ns_new NS
ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_events=1 ||
	skip "cannot set nf_conntrack_events in a namespace"

# Listeners: until NS has as many event sockets as we started.
wait_listeners() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(ip netns exec "$NS" awk '$2 == 12 && $4 ~ /[7f]$/' /proc/net/netlink | wc -l)" -ge "$1" ] &&
			return 0
		sleep 0.05
	done
	fail "the event listeners never subscribed"
}

"$CTOP" --netns "$NS" -E -o json >"$TMPD/live" 2>"$TMPD/live.err" &
pids=($!)
for o in plain timestamp extended,id; do
	opt=(-o "$o")
	[ "$o" = plain ] && opt=()
	ip netns exec "$NS" conntrack -E "${opt[@]}" >"$TMPD/ct-$o" 2>/dev/null &
	pids+=($!)
done
wait_listeners 4
for i in 1 2 3 4 5; do
	ip netns exec "$NS" conntrack -I -p tcp -s 10.9.0.$i -d 10.2.0.1 --sport $((1000 + i)) \
		--dport 80 --state ESTABLISHED -t 600 -u ASSURED,SEEN_REPLY >/dev/null 2>&1 ||
		fail "conntrack -I failed"
done
ip netns exec "$NS" conntrack -I -p udp -s fd00::9 -d fd00::1 --sport 53000 --dport 53 -t 60 >/dev/null 2>&1 ||
	fail "conntrack -I udp failed"
ip netns exec "$NS" conntrack -U -s 10.9.0.2 -m 9 >/dev/null 2>&1 || fail "conntrack -U failed"
ip netns exec "$NS" conntrack -D -s 10.9.0.3 >/dev/null 2>&1 || fail "conntrack -D failed"
sleep 1.5	# ctop flushes a quiet stream within a second
kill -TERM "${pids[@]}"
wait "${pids[@]}" 2>/dev/null

want=8	# 6 new, 1 update, 1 destroy
assert_eq "events seen live" "$want" "$(wc -l <"$TMPD/live")"
# What the text carries, as one line per event.
view='[.event, .flow.family, .flow.proto, .flow.src, .flow.dst, .flow.sport, .flow.dport,
	.flow.reply.src, .flow.state, .flow.mark, (.flow.flags | sort | join("|"))] | @tsv'
jq -r "$view" "$TMPD/live" >"$TMPD/live.tsv"
for o in plain timestamp extended,id; do
	"$CTOP" -E - -o json <"$TMPD/ct-$o" >"$TMPD/text-$o" 2>"$TMPD/text-$o.err" ||
		fail "ctop -E - on -o $o exited $?: $(cat "$TMPD/text-$o.err")"
	[ -s "$TMPD/text-$o.err" ] && fail "ctop -E - on -o $o wrote: $(cat "$TMPD/text-$o.err")"
	jq -r "$view" "$TMPD/text-$o" >"$TMPD/text-$o.tsv"
	diff "$TMPD/live.tsv" "$TMPD/text-$o.tsv" >&2 || fail "-o $o: events differ from the live stream"
	ok "-o $o: $want events as ctop -E saw them"
done
assert_eq "ids with -o id" "$(jq -r .flow.id "$TMPD/live" | tr '\n' ' ')" \
	"$(jq -r .flow.id "$TMPD/text-extended,id" | tr '\n' ' ')"
# conntrack stamps an event when it reads it, ctop when it does: close.
jq -s -e '[.[0][], .[1][]] | length == 16' <(jq -s . "$TMPD/live") <(jq -s . "$TMPD/text-timestamp") >/dev/null ||
	fail "event counts for the time check"
paste <(jq .time "$TMPD/live") <(jq .time "$TMPD/text-timestamp") |
	awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1) bad++ } END { exit bad > 0 }' ||
	fail "-o timestamp times are more than a second from ctop's"
ok "-o timestamp gives the event times"
# A filter and -n apply to text events as to live ones.
assert_eq "a filter on text events: mark 9" 1 "$("$CTOP" -E - -o json mark 9 <"$TMPD/ct-plain" | wc -l)"
assert_eq "-n 2" 2 "$("$CTOP" -E - -n 2 -o json <"$TMPD/ct-plain" | wc -l)"
exit 0
