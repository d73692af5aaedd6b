#!/usr/bin/env bash
# The terminal is restored whichever way the session ends: SIGTERM,
# SIGINT (Ctrl-C), SIGHUP. The shell after ctop must be back in cooked
# mode with echo, and ctop must be gone.
. "$(dirname "$0")/../lib.sh"

ns_new ns
ct "$ns" -I -p udp -s 10.0.0.1 -d 10.0.0.2 --sport 53 --dport 53 -t 300 \
	>/dev/null 2>&1 || fail "conntrack -I"

for sig in TERM INT HUP; do
	out=$TMPD/stty.$sig
	tmux_new sess 100 30 "$CTOP --netns $ns; echo rc=\$? > $out; stty -a >> $out; sleep 5"
	wait_screen "$sess" 'shown 1'
	pid=$(pgrep -P "$(tmux display-message -p -t "$sess" '#{pane_pid}')" -x ctop)
	[ -n "$pid" ] || fail "no ctop process in the pane"
	if [ "$sig" = INT ]; then
		tmux send-keys -t "$sess" C-c
	else
		kill -s "$sig" "$pid"
	fi
	for _ in $(seq 50); do [ -s "$out" ] && grep -q echo "$out" && break; sleep 0.1; done
	[ -s "$out" ] || fail "ctop did not end on SIG$sig"
	kill -0 "$pid" 2>/dev/null && fail "ctop still running after SIG$sig"
	grep -qw -- '-icanon' "$out" && fail "terminal left raw after SIG$sig"
	grep -qw -- '-echo' "$out" && fail "echo left off after SIG$sig"
	ok "SIG$sig restores the terminal ($(head -n 1 "$out"))"
	tmux kill-session -t "$sess"
done
