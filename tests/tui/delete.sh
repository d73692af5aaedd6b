#!/usr/bin/env bash
# Grouping counts and every way of deleting from the screen: a group, the
# selected flow, tagged flows. Each delete must remove exactly its flows
# from the kernel and leave the rest.
. "$(dirname "$0")/../lib.sh"
trap '[ -s "$TMPD/stderr" ] && cat "$TMPD/stderr" >&2; _cleanup' EXIT

ns_new ns
add() {	# SRC SPORT
	ct "$ns" -I -p tcp -s "$1" -d 10.9.9.9 --sport "$2" --dport 443 \
		--state ESTABLISHED -t 3600 -u ASSURED >/dev/null 2>&1 ||
		fail "conntrack -I $1:$2"
}
for p in 2001 2002 2003 2004; do add 10.0.0.7 $p; done
for p in 3001 3002; do add 10.0.0.8 $p; done
add 10.0.0.9 4001
assert_eq "kernel entries" 7 "$(ct_count "$ns")"

# Kernel flows as "src:sport", sorted, on one line.
kflows() {
	ct "$ns" -L 2>/dev/null |
		awk '$1 == "tcp" { sub("src=", "", $5); sub("sport=", "", $7); print $5 ":" $7 }' |
		sort | tr '\n' ' '
}

tmux_new sess 120 40 "$CTOP --netns $ns 2>$TMPD/stderr; echo \$? > $TMPD/rc"
wait_screen "$sess" 'shown 7'

# Group by source: 4, 2 and 1 flows.
tmux send-keys -t "$sess" g
wait_screen "$sess" 'group src'
scr=$(screen_of "$sess")
grep -qE '^ 10\.0\.0\.7 +4 .* 57\.1%' <<<"$scr" || fail "group 10.0.0.7: $scr"
grep -qE '^ 10\.0\.0\.8 +2 .* 28\.6%' <<<"$scr" || fail "group 10.0.0.8"
grep -qE '^ 10\.0\.0\.9 +1 .* 14\.3%' <<<"$scr" || fail "group 10.0.0.9"
grep -q 'groups 3' <<<"$scr" || fail "group count in header"
ok "grouping by source"

# Enter opens a group, Esc goes back.
tmux send-keys -t "$sess" '/' '10.0.0.8' Enter Enter
wait_screen "$sess" 'in group src 10.0.0.8'
wait_screen "$sess" 'shown 2'
tmux send-keys -t "$sess" Escape
wait_screen "$sess" 'groups 3'

# Delete the group 10.0.0.8 (still selected after coming back).
tmux send-keys -t "$sess" d
wait_screen "$sess" 'Delete 2 flows from the kernel'
tmux send-keys -t "$sess" n
wait_screen "$sess" 'nothing deleted'
assert_eq "n keeps the flows" 7 "$(ct_count "$ns")"
tmux send-keys -t "$sess" d
wait_screen "$sess" 'Delete 2 flows from the kernel'
tmux send-keys -t "$sess" y
wait_screen "$sess" 'deleted 2, failed 0'
assert_eq "after deleting group 10.0.0.8" \
	"10.0.0.7:2001 10.0.0.7:2002 10.0.0.7:2003 10.0.0.7:2004 10.0.0.9:4001 " \
	"$(kflows)"

# Back to the flow list, select one flow by search, delete it.
tmux send-keys -t "$sess" g g g g g
wait_screen "$sess" 'sort SOURCE'
wait_screen "$sess" 'shown 5'
tmux send-keys -t "$sess" '/' '10.0.0.7:2003' Enter d
wait_screen "$sess" 'Delete this flow from the kernel'
screen_of "$sess" | grep -q 'tcp  10.0.0.7:2003 -> 10.9.9.9:443' ||
	fail "dialog shows the flow"
tmux send-keys -t "$sess" Enter
wait_screen "$sess" 'deleted 1, failed 0'
assert_eq "after deleting the selected flow" \
	"10.0.0.7:2001 10.0.0.7:2002 10.0.0.7:2004 10.0.0.9:4001 " "$(kflows)"

# Tag two flows (Space tags and moves down), delete them together.
tmux send-keys -t "$sess" '/' '10.0.0.7:2001' Enter ' ' ' '
wait_screen "$sess" 'tagged 2'
tmux send-keys -t "$sess" x
wait_screen "$sess" 'Delete 2 flows from the kernel'
tmux send-keys -t "$sess" y
wait_screen "$sess" 'deleted 2, failed 0'
assert_eq "after deleting the tagged flows" \
	"10.0.0.7:2004 10.0.0.9:4001 " "$(kflows)"
wait_screen "$sess" 'shown 2'

# ICMP has no ports: two echo flows differ by their id alone, and the
# dialog names it. Only the chosen one goes.
for id in 1501 1502; do
	ct "$ns" -I -p icmp -s 10.0.0.5 -d 10.9.9.9 --icmp-type 8 --icmp-code 0 \
		--icmp-id $id -t 3600 >/dev/null 2>&1 || fail "conntrack -I icmp id $id"
done
wait_screen "$sess" 'shown 4'
tmux send-keys -t "$sess" '/' 'id 1502' Enter d
wait_screen "$sess" 'Delete this flow from the kernel'
screen_of "$sess" | grep -q 'icmp  10.0.0.5 -> 10.9.9.9  type 8 code 0 id 1502' ||
	fail "dialog shows the icmp flow: $(screen_of "$sess")"
tmux send-keys -t "$sess" y
wait_screen "$sess" 'deleted 1, failed 0'
assert_eq "after deleting icmp id 1502" "1501" \
	"$(ct "$ns" -L -p icmp 2>/dev/null | sed -n 's/.* id=\([0-9]*\) .*/\1/p')"

tmux send-keys -t "$sess" F10
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status after F10" 0 "$(cat "$TMPD/rc" 2>/dev/null)"
