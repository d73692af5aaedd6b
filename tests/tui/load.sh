#!/usr/bin/env bash
# A larger table from ctload: counts on screen match the kernel, the
# per-protocol figures match a grouping by protocol, and keys answer at
# once while dumps run back to back (-d 0.1).
. "$(dirname "$0")/../lib.sh"
[ -x "$CTLOAD" ] || skip "ctload not built ($CTLOAD)"

N=50000
ns_new ns
"$CTLOAD" --netns "$ns" -n $N --proto mix --sources 20 --seed 7 --quiet \
	>/dev/null || fail "ctload"
assert_eq "kernel entries" $N "$(ct_count "$ns")"

tmux_new sess 120 40 "$CTOP -d 0.1 --netns $ns; echo \$? > $TMPD/rc"
wait_screen "$sess" "shown $N" 20
screen_of "$sess" | grep -qE "^ Entries .* $N/[0-9]+" || fail "entries $N"

# Header counts against the kernel's own.
tcp=$(ct "$ns" -L -p tcp 2>/dev/null | wc -l)
udp=$(ct "$ns" -L -p udp 2>/dev/null | wc -l)
screen_of "$sess" | grep -q "tcp $tcp  udp $udp  " ||
	fail "per-protocol counts (kernel tcp $tcp udp $udp): $(screen_of "$sess" | sed -n 3p)"
ok "header counts tcp $tcp udp $udp"

# Search runs in steps on a big view: a needle that matches nothing ends
# with "not found"; one that matches a single flow selects it, which the
# delete dialog then names.
tmux send-keys -t "$sess" '/' 'no-such-row'
wait_screen "$sess" 'not found' 10
tmux send-keys -t "$sess" Escape
line=$(ct "$ns" -L -f ipv4 -p udp 2>/dev/null | tail -1)
src=$(grep -o 'src=[0-9.]*' <<<"$line" | head -1 | cut -d= -f2)
sport=$(grep -o 'sport=[0-9]*' <<<"$line" | head -1 | cut -d= -f2)
[ -n "$src" ] && [ -n "$sport" ] || fail "no UDP flow to search for: $line"
tmux send-keys -t "$sess" '/' "udp $src:$sport " Enter
# A key stops a search under way: wait until it has ended.
sleep 0.3
for _ in $(seq 100); do
	screen_of "$sess" | grep -qE 'searching [0-9]+%' || break
	sleep 0.1
done
tmux send-keys -t "$sess" d
wait_screen "$sess" 'Delete this flow from the kernel' 10
screen_of "$sess" | grep -q "udp  $src:$sport -> " ||
	fail "search selected another flow: $(screen_of "$sess" | grep -A2 'Delete this')"
tmux send-keys -t "$sess" n
wait_screen "$sess" 'nothing deleted'
ok "search: not found, then $src:$sport selected"

# Group by protocol (g four times: src, dst, dport, proto).
tmux send-keys -t "$sess" g g g g
wait_screen "$sess" 'group proto'
screen_of "$sess" | grep -qE "^ tcp +$tcp " || fail "tcp group $tcp"
screen_of "$sess" | grep -qE "^ udp +$udp " || fail "udp group $udp"
ok "grouping by protocol matches the kernel"

# Latency of a key while dumps run: the help must show within 1 s.
for i in 1 2 3; do
	start=$(date +%s%N)
	tmux send-keys -t "$sess" h
	wait_screen "$sess" 'ctop: the conntrack table, live' 1
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	tmux send-keys -t "$sess" x
	wait_screen "$sess" 'group proto' 2
	ok "help shown after $ms ms"
done
tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"
