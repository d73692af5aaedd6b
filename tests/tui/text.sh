#!/usr/bin/env bash
# The screen on another machine's table: `conntrack -L | ctop -` shows the
# rows, sorts, groups and filters them with keys read from the terminal
# (standard input holds the table), refuses a delete and says why, and the
# kernel's table is untouched; `r` re-reads a file but not a pipe.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/../kernel/fill.bash"

ns_new ns
for i in 1 2 3 4 5; do
	_ins "$ns" -p tcp -s 10.0.0.$i -d 10.0.0.100 --sport $((1000 + i)) \
		--dport 22 --state ESTABLISHED -t 3600 -u ASSURED,SEEN_REPLY
done
_ins "$ns" -p udp -s 10.0.1.1 -d 10.0.0.100 --sport 5000 --dport 53 -t 3600
_ins "$ns" -p udp -s 10.0.0.1 -d 10.0.0.101 --sport 5001 --dport 53 -t 3600
before=$(ct_count "$ns")
assert_eq "entries made" 7 "$before"

# sources: the SOURCE column of the rows on screen, in order.
sources() {
	screen_of "$sess" | awk '$1 ~ /^(tcp|udp)$/ && $2 ~ /\./ { sub(/:.*/, "", $2); printf "%s ", $2 }'
}

tmux_new sess 120 30 "ip netns exec $ns conntrack -L 2>/dev/null | $CTOP -; echo \$? > $TMPD/rc"
wait_screen "$sess" 'shown 7'
scr=$(screen_of "$sess")
grep -q 'table from standard input' <<<"$scr" || fail "the header names the source"
grep -q 'read-only' <<<"$scr" || fail "the header says read-only"
grep -q 'netns' <<<"$scr" && fail "a namespace in the header of a table from a pipe"
grep -qE 'tcp +10\.0\.0\.3:1003 +10\.0\.0\.100:22 +ESTABLISHED' <<<"$scr" || fail "a row"
ok "rows of the piped table"
assert_eq "sorted by source" "10.0.0.1 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.1.1 " "$(sources)"

# Keys come from the terminal: sort by destination, then back.
tmux send-keys -t "$sess" '>'
wait_screen "$sess" 'sort DESTINATION ascending'
assert_eq "sorted by destination (last)" "10.0.0.1" "$(sources | awk '{ print $NF }')"
tmux send-keys -t "$sess" '<'
wait_screen "$sess" 'sort SOURCE ascending'

# Filter.
tmux send-keys -t "$sess" '\' C-u 'udp' Enter
wait_screen "$sess" 'shown 2'
assert_eq "filtered rows" "10.0.0.1 10.0.1.1 " "$(sources)"
tmux send-keys -t "$sess" '\' C-u Enter
wait_screen "$sess" 'shown 7'

# Group by source: 10.0.0.1 holds two flows.
tmux send-keys -t "$sess" g
wait_screen "$sess" 'group src'
screen_of "$sess" | grep -qE '^ *10\.0\.0\.1 +2 ' || fail "group row of 10.0.0.1 with 2 flows: $(screen_of "$sess")"
ok "grouped by source"
tmux send-keys -t "$sess" g g g g g g g g g
sleep 0.3

# A delete is refused with the reason; the kernel keeps every entry.
tmux send-keys -t "$sess" Escape
tmux send-keys -t "$sess" F9
wait_screen "$sess" 'a table read from a file: deletes need the live kernel'
tmux send-keys -t "$sess" d
wait_screen "$sess" 'deletes need the live kernel'
assert_eq "entries after the refused deletes" "$before" "$(ct_count "$ns")"
# r: a pipe is read once.
tmux send-keys -t "$sess" r
wait_screen "$sess" 'standard input is read once'
tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status after q" 0 "$(cat "$TMPD/rc" 2>/dev/null)"

# A file is read again on r: an entry gone from it goes from the screen.
ip netns exec "$ns" conntrack -L >"$TMPD/table" 2>/dev/null
tmux_new sess2 120 30 "$CTOP -R $TMPD/table; echo \$? > $TMPD/rc2"
sess=$sess2
wait_screen "$sess" 'shown 7'
grep -v 'src=10.0.1.1 ' "$TMPD/table" >"$TMPD/table.new" && mv "$TMPD/table.new" "$TMPD/table"
tmux send-keys -t "$sess" r
wait_screen "$sess" 'shown 6'
screen_of "$sess" | grep -q "table from $TMPD/table" || fail "the header names the file"
tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc2" ] && break; sleep 0.1; done
assert_eq "exit status after q (file)" 0 "$(cat "$TMPD/rc2" 2>/dev/null)"

# "ctop -" with the terminal as standard input: refused with the reason.
tmux_new sess3 120 30 "$CTOP - 2>$TMPD/err3; echo \$? > $TMPD/rc3"
for _ in $(seq 50); do [ -s "$TMPD/rc3" ] && break; sleep 0.1; done
assert_eq "exit status of ctop - on a terminal" 1 "$(cat "$TMPD/rc3" 2>/dev/null)"
grep -q 'standard input is a terminal' "$TMPD/err3" || fail "no reason given: $(cat "$TMPD/err3")"
