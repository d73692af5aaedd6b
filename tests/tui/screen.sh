#!/usr/bin/env bash
# The interactive screen against a namespace filled through conntrack -I:
# first screen, sorting (keys and title order), the filter prompt, resize
# and a clean quit.
. "$(dirname "$0")/../lib.sh"

ns_new ns
# Five TCP flows whose TTL falls as the source rises, one UDP, one ICMP.
for i in 1 2 3 4 5; do
	ct "$ns" -I -p tcp -s 10.0.0.$i -d 10.0.0.100 --sport $((1000 + i)) \
		--dport 80 --state ESTABLISHED -t $((3600 - i * 100)) \
		-u ASSURED >/dev/null 2>&1 || fail "conntrack -I tcp $i"
done
ct "$ns" -I -p udp -s 10.0.1.1 -d 10.0.0.53 --sport 5353 --dport 53 -t 300 \
	>/dev/null 2>&1 || fail "conntrack -I udp"
ct "$ns" -I -p icmp -s 10.0.2.1 -d 10.0.0.9 --icmp-type 8 --icmp-code 0 \
	--icmp-id 77 -t 30 >/dev/null 2>&1 || fail "conntrack -I icmp"
assert_eq "kernel entries" 7 "$(ct_count "$ns")"

tmux_new sess 120 40 "$CTOP --netns $ns; echo \$? > $TMPD/rc"
wait_screen "$sess" 'shown 7'

# Sources of the flow rows, top to bottom (column 2 after the margin).
sources() {
	screen_of "$sess" | awk '/^ PROTO /{on=1; next} on && $1 ~ /^(tcp|udp|icmp)$/ {print $2}' |
		sed 's/:.*//' | tr '\n' ' '
}

scr=$(screen_of "$sess")
grep -qE '^ Entries .* 7/[0-9]+' <<<"$scr" || fail "entry count: $scr"
grep -q 'tcp 5  udp 1  icmp 1' <<<"$scr" || fail "per-protocol counts"
grep -q 'netns ctop-t' <<<"$scr" || fail "namespace in the header"
for c in PROTO SOURCE DESTINATION STATE TTL FLAGS PACKETS BYTES RATE; do
	grep "^ PROTO" <<<"$scr" | grep -q "$c" || fail "column title $c"
done
grep -qE 'tcp +10\.0\.0\.3:1003 +10\.0\.0\.100:80 +ESTABLISHED' <<<"$scr" ||
	fail "row of 10.0.0.3"
grep -qE 'icmp +10\.0\.2\.1 +10\.0\.0\.9 ' <<<"$scr" || fail "icmp row"
grep -q 'F1Help' <<<"$scr" && grep -q 'F10Quit' <<<"$scr" || fail "key bar"
# A fresh namespace has accounting off: said once, counters shown as "-".
if [ "$(ip netns exec "$ns" sysctl -n net.netfilter.nf_conntrack_acct)" = 0 ]; then
	grep -q 'accounting off (nf_conntrack_acct=0)' <<<"$scr" || fail "accounting note"
	grep -qE '10\.0\.0\.3:1003 .* AU +- +- +-$' <<<"$scr" || fail "counters as -"
fi
ok "first screen"

# Default sort: source ascending.
assert_eq "sorted by source" \
	"10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.1.1 10.0.2.1 " \
	"$(sources)"
# '>' three times: src -> dst -> state -> ttl.
tmux send-keys -t "$sess" '>' '>' '>'
wait_screen "$sess" 'sort TTL ascending'
# Ascending TTL: icmp (30 s), udp (300 s), then the TCP flows by TTL.
assert_eq "sorted by ttl" \
	"10.0.2.1 10.0.1.1 10.0.0.5 10.0.0.4 10.0.0.3 10.0.0.2 10.0.0.1 " \
	"$(sources)"
# A TTL order needs every flow's TTL: the header says how often the
# whole table is re-read for it.
wait_screen "$sess" 'events on, re-read [0-9]+s \(TTL sort\)' 3
tmux send-keys -t "$sess" I
wait_screen "$sess" 'sort TTL descending'
assert_eq "ttl inverted" \
	"10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.1.1 10.0.2.1 " \
	"$(sources)"
# Back to the source column with '<' and check the order again.
tmux send-keys -t "$sess" '<' '<' '<' I
wait_screen "$sess" 'sort SOURCE ascending'
wait_screen "$sess" 'events on(, silent ends within [0-9]+ s)?( |$)' 3
assert_eq "back to source" \
	"10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.1.1 10.0.2.1 " \
	"$(sources)"

# Filter prompt: a bad expression is refused with its column, a good one
# narrows the rows, an empty one clears.
tmux send-keys -t "$sess" '\' C-u 'tcp and dport x'
wait_screen "$sess" '^Filter: tcp and dport x .*column 15: '
tmux send-keys -t "$sess" Enter
sleep 0.3
screen_of "$sess" | grep -q '^Filter: ' || fail "a bad filter closed the prompt"
ok "bad filter rejected with its column"
tmux send-keys -t "$sess" C-u 'tcp and src 10.0.0.0/30 and not src 10.0.0.1' Enter
wait_screen "$sess" 'shown 2'
assert_eq "filtered rows" "10.0.0.2 10.0.0.3 " "$(sources)"
screen_of "$sess" | grep -q 'filter tcp and src 10.0.0.0/30' || fail "filter in header"
tmux send-keys -t "$sess" '\' C-u Enter
wait_screen "$sess" 'shown 7'
ok "empty filter clears"

# Search selects a row; the help lists the keys; Esc-less close.
tmux send-keys -t "$sess" '/' '10.0.0.4' Enter
wait_screen "$sess" 'shown 7'
tmux send-keys -t "$sess" h
wait_screen "$sess" 'ctop: the conntrack table, live'
screen_of "$sess" | grep -q 'Space  tag/untag' || fail "help mentions Space"
tmux send-keys -t "$sess" x
wait_screen "$sess" '^ PROTO '

# Columns menu (F2): MARK is off, Space shows it at the end of the
# titles, and again hides it; C opens the same menu.
title() { screen_of "$sess" | grep -E ' SOURCE.* DESTINATION ' | head -1; }
title | grep -q ' MARK' && fail "MARK shown before asking: $(title)"
tmux send-keys -t "$sess" F2
wait_screen "$sess" 'Columns'
screen_of "$sess" | grep -q '\[x\] PROTO' || fail "menu marks PROTO shown"
screen_of "$sess" | grep -q '\[ \] MARK' || fail "menu marks MARK hidden"
for _ in $(seq 12); do tmux send-keys -t "$sess" Down; done
tmux send-keys -t "$sess" Space
wait_screen "$sess" '\[x\] MARK'
tmux send-keys -t "$sess" Escape
wait_screen "$sess" '^ PROTO .* MARK'
ok "columns menu adds MARK: $(title | tr -s ' ')"
tmux send-keys -t "$sess" C
wait_screen "$sess" 'Columns'
for _ in $(seq 12); do tmux send-keys -t "$sess" Down; done
tmux send-keys -t "$sess" Space
wait_screen "$sess" '\[ \] MARK'
tmux send-keys -t "$sess" q
wait_screen "$sess" '^ PROTO +SOURCE'
title | grep -q ' MARK' && fail "MARK still shown: $(title)"
ok "columns menu hides it again"

# Resize below the minimum and back.
tmux resize-window -t "$sess" -x 60 -y 8
wait_screen "$sess" 'terminal too small \(need 80x10\)'
tmux resize-window -t "$sess" -x 120 -y 40
wait_screen "$sess" 'shown 7'
ok "resize survives"

# Pause keeps the screen usable.
tmux send-keys -t "$sess" p
wait_screen "$sess" 'PAUSED'
tmux send-keys -t "$sess" g
wait_screen "$sess" 'group src'
tmux send-keys -t "$sess" g g g g g p
wait_screen "$sess" 'sort SOURCE'

tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status after q" 0 "$(cat "$TMPD/rc" 2>/dev/null)"
tmux has-session -t "$sess" 2>/dev/null && fail "pane still running after q"
ok "q leaves a clean shell"
