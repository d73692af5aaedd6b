#!/usr/bin/env bash
# One cell renderer: the screen's cells of a table read from a file equal
# ctop -1's for the same columns, row by row (ICMP STATE included:
# "echo id N" in both), and both sort alike.
. "$(dirname "$0")/../lib.sh"

data=$(cd "$(dirname "$0")/../data" && pwd)/dump-all.nl
cols=src,dst,state,flags,packets,bytes
# Whitespace-separated cells per row; text output keeps values whole.
"$CTOP" --replay "$data" -1 -H -c "$cols" -s src |
	grep -v '^#' | awk '{ $1 = $1; print }' >"$TMPD/batch"
[ -s "$TMPD/batch" ] || fail "no batch rows"
grep -q ' echo id ' "$TMPD/batch" || fail "batch: no ICMP echo row"

tmux_new sess 140 45 "$CTOP --replay $data -c $cols"
wait_screen "$sess" 'shown 24'
# The rows: after the title, up to the first blank line.
screen_of "$sess" | awk '/^ SOURCE/ { on = 1; next } on && NF == 0 { exit }
	on { $1 = $1; print }' >"$TMPD/screen"
assert_eq "rows" "$(wc -l <"$TMPD/batch")" "$(wc -l <"$TMPD/screen")"
diff "$TMPD/batch" "$TMPD/screen" >&2 || fail "screen cells differ from ctop -1"
ok "screen cells = ctop -1 cells ($(wc -l <"$TMPD/screen") rows)"
grep -c ' echo id ' "$TMPD/screen" | grep -qv '^0$' || fail "screen: no ICMP echo row"
tmux send-keys -t "$sess" q
