#!/usr/bin/env bash
# The screen on a flight recording: a namespace recorded while 500 flows
# from 10.0.0.1 come and go; the screen opens at the end, jumps (t) to the
# flood, steps ([ ] { } ( )) with the header's time following, the group
# view and P show that instant with their graphs (Unicode blocks, then
# ASCII under a C locale, no color), T shows the timeouts set at the
# instant (the established one changes at the flood's peak), and
# nothing touches the kernel.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/../kernel/fill.bash"

ns_new NS
fill_kinds "$NS"
REC=$TMPD/ct.rec
est=net.netfilter.nf_conntrack_tcp_timeout_established
ip netns exec "$NS" sysctl -qw "$est=1000" || fail "cannot set $est"
raise_timeout() { ip netns exec "$NS" sysctl -qw "$est=2000" || fail "cannot set $est"; }
record_flood "$NS" "$REC" 500 1 raise_timeout
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

# quit_view SESSION: back from a view (q), then quit (q).
quit_view() {
	tmux send-keys -t "$1" q
	sleep 0.3
	tmux send-keys -t "$1" q
}

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

# T at the flood: the timeout as set then (1000 s, changed to 2000 s just
# after), with the flows of that instant under the rows; ) to the end
# (an hour on) shows the new value. E shows the (empty) expectations.
tmux send-keys -t "$sess" T
wait_screen "$sess" 'Timeouts'
wait_screen "$sess" '^ tcp +ESTABLISHED +1000 +16:40 '
wait_screen "$sess" '^ [0-9]+ flows'
n=$(screen_of "$sess" | grep -oE '^ [0-9]+ flows' | grep -oE '[0-9]+')
[ "$n" -ge 500 ] || fail "T at the flood counts $n flows"
tmux send-keys -t "$sess" ')'
wait_screen "$sess" "at $end"
wait_screen "$sess" '^ tcp +ESTABLISHED +2000 +33:20 '
ok "T shows the recorded timeout at each instant: 1000 s at the flood, 2000 s at the end"
tmux send-keys -t "$sess" E
wait_screen "$sess" 'Expectations'
wait_screen "$sess" 'no expectations'
quit_view "$sess"
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
quit_view "$s2"
assert_eq "the kernel's table untouched" "$before" "$(ct_count "$NS")"

# A recording of summaries only: the list says it needs a full table.
"$CTOP" --netns "$NS" -w "$TMPD/summ.rec" -n 1 || fail "-w -n 1 exited $?"
tmux_new s4 130 30 "TZ=UTC LANG=C.UTF-8 $CTOP -R $TMPD/summ.rec"
wait_screen "$s4" 'no full table recorded at or before [0-9-]+ [0-9:]+: the list needs one \(ctop -w --full-every N\)'
# -g src from the summary: its top source as --at -g src gives it.
top=$("$CTOP" -R "$TMPD/summ.rec" -g src --top 1 -o json | jq -r '"\(.groups[0].key) \(.groups[0].flows)"')
tmux send-keys -t "$s4" g
wait_screen "$s4" '^ SRC +FLOWS'
wait_screen "$s4" "^ ${top% *} +${top#* } +- +- "
# -g proto is not in the summaries: it says so.
tmux send-keys -t "$s4" g g g
wait_screen "$s4" '^ PROTO +FLOWS'
wait_screen "$s4" 'no full table recorded at or before [0-9-]+ [0-9:]+: -g proto needs one'
tmux send-keys -t "$s4" g g
tmux send-keys -t "$s4" T
wait_screen "$s4" 'flows not counted: no full table recorded at or before'
wait_screen "$s4" '^ tcp +ESTABLISHED +2000 .* - +- *$'
ok "summaries only: -g src from the summary, the list and -g proto say they need a full table; T shows the values"
quit_view "$s4"

# Live, the header and P draw the last refreshes.
tmux_new s3 150 40 "LANG=C.UTF-8 $CTOP --netns $NS -d 0.2"
wait_screen "$s3" 'fill \(peak [0-9.e+-]+%\) [▁▂▃▄▅▆▇█]+'
tmux send-keys -t "$s3" P
wait_screen "$s3" '^ fill % +peak +[0-9.]+ +[▁▂▃▄▅▆▇█]'
wait_screen "$s3" 'the last refreshes, oldest on the left'
ok "live: the header's and P's graphs of the last refreshes"
quit_view "$s3"
exit 0
