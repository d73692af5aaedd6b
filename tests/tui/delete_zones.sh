#!/usr/bin/env bash
# Deletes from the screen are exact and honest. A flow with a zone on
# its original direction only (conntrack -I --orig-zone 2) really leaves
# the kernel. A delete the kernel refuses with ENOENT while it still holds
# the tuple (here: the flow on screen was replaced by a new connection on
# the same tuple, with another conntrack id) is reported as failed on the
# status line, not as done, and the new connection stays.
. "$(dirname "$0")/../lib.sh"
trap '[ -s "$TMPD/stderr" ] && cat "$TMPD/stderr" >&2; _cleanup' EXIT

ns_new ns
add() {	# DST ZONE-OPTION...
	local dst=$1
	shift
	ct "$ns" -I -p udp -s 10.0.0.1 -d "$dst" --sport 1000 --dport 53 \
		-t 3600 "$@" >/dev/null 2>&1 || fail "conntrack -I $dst $*"
}
# No events in this namespace (set before any entry is made: an entry made
# with events on reports its end anyway) and a long delay: the screen
# keeps what it read first, so it can hold a flow the kernel replaced.
ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_events=0 ||
	skip "cannot turn conntrack events off in the namespace"
kid() { ct "$ns" -L -o id -d "$1" 2>/dev/null | sed -n 's/.* id=\([0-9]*\).*$/\1/p'; }
add 10.0.0.2 --orig-zone 2
add 10.0.0.3
add 10.0.0.4 --reply-zone 3

tmux_new sess 120 40 "$CTOP --netns $ns -d 600 --resync 600 -c +zone 2>$TMPD/stderr; echo \$? > $TMPD/rc"
wait_screen "$sess" 'shown 3'
screen_of "$sess" | grep -qE '10\.0\.0\.2:53 .* 2/0' || fail "zone 2/0 on screen: $(screen_of "$sess")"
screen_of "$sess" | grep -qE '10\.0\.0\.4:53 .* 0/3' || fail "zone 0/3 on screen"
ok "directional zones on screen"

# The --orig-zone flow: deleted in the kernel.
tmux send-keys -t "$sess" '/' '10.0.0.2' Enter d
wait_screen "$sess" 'Delete this flow from the kernel'
screen_of "$sess" | grep -q 'zone 2/0' || fail "dialog shows the zones: $(screen_of "$sess")"
tmux send-keys -t "$sess" Enter
wait_screen "$sess" 'deleted 1, failed 0'
assert_eq "10.0.0.2 in the kernel after the screen's delete" "" "$(kid 10.0.0.2)"

# The --reply-zone flow likewise.
tmux send-keys -t "$sess" '/' '10.0.0.4' Enter d
wait_screen "$sess" 'Delete this flow from the kernel'
tmux send-keys -t "$sess" Enter
wait_screen "$sess" 'deleted 1, failed 0'
assert_eq "10.0.0.4 in the kernel after the screen's delete" "" "$(kid 10.0.0.4)"

# 10.0.0.3 replaced behind the screen's back: same tuple, new id. The id
# hashes the entry's address, which the kernel may hand straight to the
# next entry: spacers take the freed memory first.
old=$(kid 10.0.0.3)
new=$old
for i in 1 2 3 4 5; do
	ct "$ns" -D -d 10.0.0.3 >/dev/null 2>&1 || fail "conntrack -D"
	add "10.0.1.$i"
	add 10.0.0.3
	new=$(kid 10.0.0.3)
	[ "$new" != "$old" ] && break
done
[ -n "$new" ] && [ "$new" != "$old" ] || fail "no new id ($old -> $new)"
tmux send-keys -t "$sess" '/' '10.0.0.3' Enter d
wait_screen "$sess" 'Delete this flow from the kernel'
tmux send-keys -t "$sess" Enter
wait_screen "$sess" "deleted 0, failed 1: .*conntrack id $new"
assert_eq "the new connection is still in the kernel" "$new" "$(kid 10.0.0.3)"

tmux send-keys -t "$sess" F10
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status after F10" 0 "$(cat "$TMPD/rc" 2>/dev/null)"
