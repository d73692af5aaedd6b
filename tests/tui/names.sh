#!/usr/bin/env bash
# 'l' shows host names without waiting: numbers first, the name when the
# background lookup answers (127.0.0.1 is in /etc/hosts, no DNS needed).
# With accounting on, the header has no accounting note.
. "$(dirname "$0")/../lib.sh"
getent hosts 127.0.0.1 >/dev/null || skip "127.0.0.1 has no name here"
name=$(getent hosts 127.0.0.1 | awk '{print $2}')

ns_new ns
ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_acct=1
ct "$ns" -I -p udp -s 127.0.0.1 -d 127.0.0.1 --sport 5000 --dport 9999 -t 300 \
	>/dev/null 2>&1 || fail "conntrack -I"

tmux_new sess 120 40 "$CTOP --netns $ns; echo \$? > $TMPD/rc"
wait_screen "$sess" 'shown 1'
screen_of "$sess" | grep -q 'accounting off' && fail "accounting note with acct=1"
screen_of "$sess" | grep -qE 'udp +127\.0\.0\.1:5000 +127\.0\.0\.1:9999' || fail "numeric row"
tmux send-keys -t "$sess" l
wait_screen "$sess" "udp +$name:5000 +$name:9999" 5
wait_screen "$sess" 'names on'
tmux send-keys -t "$sess" l
wait_screen "$sess" 'udp +127\.0\.0\.1:5000'
tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"
