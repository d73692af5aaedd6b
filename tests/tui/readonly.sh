#!/usr/bin/env bash
# --readonly: every delete key is refused, the kernel keeps every flow,
# the key bar has no F9 and the help says why.
. "$(dirname "$0")/../lib.sh"

ns_new ns
for i in 1 2 3; do
	ct "$ns" -I -p tcp -s 10.0.0.$i -d 10.0.0.100 --sport $((1000 + i)) \
		--dport 80 --state ESTABLISHED -t 3600 -u ASSURED \
		>/dev/null 2>&1 || fail "conntrack -I $i"
done

# NO_COLOR too: the screen must carry no color, only attributes.
tmux_new sess 120 40 "NO_COLOR=1 $CTOP --readonly --netns $ns; echo \$? > $TMPD/rc"
wait_screen "$sess" 'shown 3'
tmux capture-pane -e -p -t "$sess" | grep -qE $'\e\\[(3|4)[0-7]m' &&
	fail "colors with NO_COLOR set"
tmux capture-pane -e -p -t "$sess" | grep -q $'\e\\[7m' ||
	fail "no reverse video for bars without colors"
ok "NO_COLOR: monochrome"
screen_of "$sess" | grep -q 'F9Delete' && fail "F9Delete shown in read-only mode"
screen_of "$sess" | grep -q 'read-only' || fail "header says read-only"

for k in d x F9 DC; do
	tmux send-keys -t "$sess" "$k"
	wait_screen "$sess" 'deleting is disabled'
	# A confirmation must never appear.
	screen_of "$sess" | grep -q 'from the kernel?' && fail "dialog after $k"
	tmux send-keys -t "$sess" y
done
# Also on a group row and with tags.
tmux send-keys -t "$sess" ' ' ' ' d y g d y
sleep 0.5
assert_eq "kernel entries after delete keys" 3 "$(ct_count "$ns")"

tmux send-keys -t "$sess" g g g g g '?'
wait_screen "$sess" 'read-only \(--readonly\): the delete keys are disabled'
tmux send-keys -t "$sess" q q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"
