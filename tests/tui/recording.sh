#!/usr/bin/env bash
# The screen on a flight recording: a namespace recorded while 500 flows
# from 10.0.0.1 come and go; the screen opens at the end, jumps (t) to the
# flood, steps ([ ] { } ( )) with the header's time following, the group
# view and P show that instant with their graphs (Unicode blocks, then
# ASCII under a C locale, no color), and nothing touches the kernel.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/../kernel/fill.bash"

ns_new NS
fill_kinds "$NS"
REC=$TMPD/ct.rec
record_flood "$NS" "$REC" 500 1
before=$(ct_count "$NS")
# The summaries' own times, as the batch reader gives them.
stamp() { "$CTOP" -R "$REC" --at "$1" --stats -o json | jq -r '.time | floor'; }
human() { TZ=UTC date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
s_full=$(stamp "@$t_full")
at_full=$(human "$s_full")
# The summary before it: the one-interval step back lands there.
s_prev=$("$CTOP" -R "$REC" --from @0 -o json | jq -r '.time' |
	awk -v t="$t_full" '$1 <= t { p = q; q = $1 } END { printf "%d", p }')

tmux_new sess 130 40 "TZ=UTC LANG=C.UTF-8 $CTOP -R $REC; echo \$? > $TMPD/rc"
wait_screen "$sess" 'recording ct\.rec +at [0-9-]+ [0-9:]+'
wait_screen "$sess" "fill 6h \(peak [0-9.]+%\) "
screen_of "$sess" | head -1 | grep -q '[▁▂▃▄▅▆▇█]' || fail "no sparkline in the header: $(screen_of "$sess" | head -1)"
end=$(screen_of "$sess" | head -1 | grep -oE 'at [0-9-]+ [0-9:]+' | cut -c4-)

# jump_to_flood: t, the flood's time, Enter; the header follows.
jump_to_flood() {
	tmux send-keys -t "$sess" t
	wait_screen "$sess" 'Jump to'
	tmux send-keys -t "$sess" "@$t_full" Enter
	wait_screen "$sess" "at $at_full"
}

# Jump to the flood: groups by source put 10.0.0.1 on top with 500, and
# the entries meter gives the kernel's count as recorded then.
jump_to_flood
wait_screen "$sess" '\] 5[0-9][0-9]/[0-9]+ '
tmux send-keys -t "$sess" g
wait_screen "$sess" '^ SRC +FLOWS'
wait_screen "$sess" '^ 10\.0\.0\.1 +500 '
screen_of "$sess" | grep -E '^ 10\.0\.0\.1 +500 ' | grep -q '[█▉▊▋▌▍▎▏]' ||
	fail "no share bar on the group row: $(screen_of "$sess" | grep '10.0.0.1')"
ok "jumped to $at_full: 10.0.0.1 on top with 500 flows and a share bar"

# Step back one interval, on one, and by a minute (to the start).
tmux send-keys -t "$sess" '['
wait_screen "$sess" "at $(human "$s_prev")"
tmux send-keys -t "$sess" ']'
wait_screen "$sess" "at $at_full"
ok "[ and ] step one interval"
tmux send-keys -t "$sess" '{'
wait_screen "$sess" 'recording starts there|at '
tmux send-keys -t "$sess" '{'
wait_screen "$sess" 'the recording starts there'
# gone SESSION REGEX: until the screen no longer matches (the re-read is
# in the background).
gone() {
	for _ in $(seq 50); do
		screen_of "$1" | grep -qE -- "$2" || return 0
		sleep 0.1
	done
	return 1
}
gone "$sess" '^ 10\.0\.0\.1 +500 ' || fail "the flood is shown before it began"
ok "{ goes back to the start, before the flood"
tmux send-keys -t "$sess" ')'
wait_screen "$sess" "at $end"
gone "$sess" '^ 10\.0\.0\.1 +500 ' || fail "the flood is shown after the drain"
ok ") goes an hour on: to the end"

# P at the flood: recorded figures and the four graphs.
jump_to_flood
tmux send-keys -t "$sess" P
wait_screen "$sess" 'Table pressure'
wait_screen "$sess" '^ entries 5[0-9][0-9] of '
for g in 'fill %' 'added/s' 'removed/s' 'drops'; do
	screen_of "$sess" | grep -E "^ $g +peak" | grep -q '[▁▂▃▄▅▆▇█]' || fail "no $g graph"
done
wait_screen "$sess" "\^ $at_full, 6 hours across"
ok "P shows the instant's figures and four graphs"
tmux send-keys -t "$sess" q
sleep 0.3
tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"

# ASCII where the locale is not UTF-8, readable without color.
rm -f "$TMPD/rc"
tmux_new s2 130 40 "TZ=UTC LANG=C LC_ALL=C NO_COLOR=1 $CTOP -R $REC --stats; echo \$? > $TMPD/rc"
wait_screen "$s2" 'Table pressure'
# The graph starts after its 27-column label.
screen_of "$s2" | grep -E '^ fill % +peak' | cut -c29- | grep -qE '^ *[_.:=+*#-]' ||
	fail "no ASCII graph: $(screen_of "$s2" | grep 'fill %')"
screen_of "$s2" | grep -q '[▁▂▃▄▅▆▇█]' && fail "Unicode blocks under LANG=C"
ok "ASCII graphs under LANG=C with NO_COLOR"
tmux send-keys -t "$s2" q
sleep 0.3
tmux send-keys -t "$s2" q
assert_eq "the kernel's table untouched" "$before" "$(ct_count "$NS")"

# Live, the header and P draw the last refreshes.
tmux_new s3 150 40 "LANG=C.UTF-8 $CTOP --netns $NS -d 0.2"
wait_screen "$s3" 'fill \(peak [0-9.e+-]+%\) [▁▂▃▄▅▆▇█]+'
tmux send-keys -t "$s3" P
wait_screen "$s3" '^ fill % +peak +[0-9.]+ +[▁▂▃▄▅▆▇█]'
wait_screen "$s3" 'the last refreshes, oldest on the left'
ok "live: the header's and P's graphs of the last refreshes"
tmux send-keys -t "$s3" q
sleep 0.3
tmux send-keys -t "$s3" q
exit 0
