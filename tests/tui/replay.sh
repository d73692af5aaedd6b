#!/usr/bin/env bash
# A recorded dump replays on the screen: the rows are there, the kernel's
# later changes are not seen (r reads the file again, not the kernel) and
# deleting is refused.
. "$(dirname "$0")/../lib.sh"

ns_new ns
for i in 1 2; do
	ct "$ns" -I -p tcp -s 10.0.0.$i -d 10.0.0.100 --sport $((1000 + i)) \
		--dport 22 --state ESTABLISHED -t 3600 -u ASSURED \
		>/dev/null 2>&1 || fail "conntrack -I $i"
done
"$CTOP" --netns "$ns" --record "$TMPD/rec" -1 >/dev/null || fail "record"
[ -s "$TMPD/rec" ] || fail "empty recording"
# The kernel side changes afterwards; the replay must not see it.
ct "$ns" -D -s 10.0.0.1 >/dev/null 2>&1

tmux_new sess 120 40 "$CTOP --replay $TMPD/rec; echo \$? > $TMPD/rc"
wait_screen "$sess" 'shown 2'
screen_of "$sess" | grep -qE 'tcp +10\.0\.0\.1:1001 +10\.0\.0\.100:22 +ESTABLISHED' ||
	fail "replayed row"
screen_of "$sess" | grep -q 'F9Delete' && fail "F9Delete on a recording"
tmux send-keys -t "$sess" d
wait_screen "$sess" 'a table read from a file: deletes need the live kernel'
tmux send-keys -t "$sess" r
wait_screen "$sess" 're-reading '
sleep 1.5
screen_of "$sess" | grep -q 'shown 2' || fail "replay changed"
tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"
