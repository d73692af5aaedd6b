#!/usr/bin/env bash
# The flight recorder: ctop -w records a namespace while its table is
# filled from one source at a known time and drained again; ctop -R at
# that time shows the source on top of the groups and of --stats, with the
# figures --stats printed live at that moment; the series shows the rise
# and fall; a recording cut mid-write is read up to the cut with a
# warning, and a recorder restarted on it cuts the torn record away.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

ns_new NS
fill_kinds "$NS"
REC=$TMPD/ct.rec
live_stats() {
	"$CTOP" --netns "$NS" -1 --stats -o json >"$TMPD/live.json" ||
		fail "live --stats exited $?"
}
# The established timeout is 1000 s before the flood and 2000 s from its
# peak on: the recording keeps both, each at its instant.
est=net.netfilter.nf_conntrack_tcp_timeout_established
ip netns exec "$NS" sysctl -qw "$est=1000" || fail "cannot set $est"
at_peak() {
	live_stats
	ip netns exec "$NS" sysctl -qw "$est=2000" || fail "cannot set $est"
}
record_flood "$NS" "$REC" 3000 2 at_peak

# The instant: the flood's source on top of the groups.
"$CTOP" -R "$REC" --at "@$t_full" -g src --top 3 -o json >"$TMPD/at.json" ||
	fail "-R --at -g src exited $?"
assert_eq "top source at the flood" 10.0.0.1 "$(jq -r '.groups[0].key' "$TMPD/at.json")"
assert_eq "its flows" 3000 "$(jq -r '.groups[0].flows' "$TMPD/at.json")"
"$CTOP" -R "$REC" --at "@$t_full" -g src --top 3 >"$TMPD/at.txt" || fail "text -g src exited $?"
awk 'NR == 2 { print $1, $2 }' "$TMPD/at.txt" | grep -qx '10.0.0.1 3000' ||
	fail "text groups: $(cat "$TMPD/at.txt")"
ok "replay at the flood: 10.0.0.1 tops the group view with 3000 flows"

# --stats at that instant: the figures --stats printed live then.
"$CTOP" -R "$REC" --at "@$t_full" --stats -o json >"$TMPD/rstats.json" ||
	fail "-R --at --stats exited $?"
for q in .table.count .table.max .flows .not_assured .stats.insert .stats.drop \
	.stats.early_drop '.sources[0].src' '.sources[0].flows' \
	'[.states[] | "\(.proto) \(.state) \(.flows)"] | join(",")'; do
	assert_eq "--stats $q live and replayed" "$(jq -r "$q" "$TMPD/live.json")" \
		"$(jq -r "$q" "$TMPD/rstats.json")"
done
"$CTOP" -R "$REC" --at "@$t_full" --stats | grep -q '^  10.0.0.1  *3000 ' ||
	fail "--stats text lacks the source"

# The timeouts (T, --timeouts) at an instant: the values set then, and
# the flows the table of that instant had under them.
tmo() { "$CTOP" -R "$REC" --at "$1" --timeouts -o json | jq -r "$2"; }
sel='.timeouts[] | select(.sysctl == "net.netfilter.nf_conntrack_tcp_timeout_established")'
assert_eq "established timeout before the flood" 1000 "$(tmo "@$t_before" "$sel | .seconds")"
assert_eq "established timeout at the end" 2000 "$(tmo now "$sel | .seconds")"
[ "$(tmo "@$t_full" .flows)" -ge 3000 ] || fail "--timeouts at the flood counted $(tmo "@$t_full" .flows) flows"
assert_eq "policy reference counts are not recorded" "" "$(tmo now '.policies[] | select(.use != null) | .name')"
"$CTOP" -R "$REC" --at now --timeouts | grep -qE '^tcp +ESTABLISHED +2000 ' ||
	fail "--timeouts text: $("$CTOP" -R "$REC" --at now --timeouts | head -5)"
# No helper here: the expectation table was recorded, empty.
"$CTOP" -R "$REC" --at now --expect >"$TMPD/o" 2>"$TMPD/e" || fail "--expect on a recording exited $?: $(cat "$TMPD/e")"
grep -qx '# no expectations' "$TMPD/o" || fail "--expect on a recording: $(cat "$TMPD/o")"
ok "--timeouts at two instants: 1000 s before, 2000 s after the change"

# The list at that instant, from the full table recorded at or before it.
"$CTOP" -R "$REC" --at "@$t_full" -o json src 10.0.0.1 >"$TMPD/list.json" 2>"$TMPD/list.err" ||
	fail "-R --at list exited $?: $(cat "$TMPD/list.err")"
assert_eq "flows of 10.0.0.1 in the recorded table" 3000 "$(jq -r .shown "$TMPD/list.json")"
assert_eq "a listed flow's tuple" 10.0.0.1 "$(jq -r '.flows[0].src' "$TMPD/list.json")"

# Before the flood and after the drain it is not there.
"$CTOP" -R "$REC" --at "@$t_before" -o json src 10.0.0.1 >"$TMPD/pre.json" 2>/dev/null ||
	fail "list before the flood exited $?"
assert_eq "flows of 10.0.0.1 before the flood" 0 "$(jq -r .shown "$TMPD/pre.json")"
"$CTOP" -R "$REC" --at now -g src -o json >"$TMPD/end.json" || fail "--at now exited $?"
[ "$(jq -r '.groups[0].key' "$TMPD/end.json")" = 10.0.0.1 ] && fail "10.0.0.1 still on top after the drain"
assert_eq "flows at the end" "$(ct_count "$NS")" "$(jq -r .total "$TMPD/end.json")"

# The series: count up by 3000, then down again.
"$CTOP" -R "$REC" --from "@$((t_before - 2))" -o csv >"$TMPD/series.csv" || fail "--from exited $?"
head -1 "$TMPD/series.csv" | grep -q '^time,count,max,fill_pct,added_per_s,removed_per_s' ||
	fail "series header: $(head -1 "$TMPD/series.csv")"
base=$(tail -n +2 "$TMPD/series.csv" | cut -d, -f2 | sort -n | head -1)
peak=$(tail -n +2 "$TMPD/series.csv" | cut -d, -f2 | sort -n | tail -1)
last=$(tail -1 "$TMPD/series.csv" | cut -d, -f2)
assert_eq "series peak over its low" 3000 $((peak - base))
assert_eq "series end back at the low" "$base" "$last"
tail -n +2 "$TMPD/series.csv" | awk -F, '$5 > 0' | grep -q . || fail "no interval with entries added"
tail -n +2 "$TMPD/series.csv" | awk -F, '$6 > 0' | grep -q . || fail "no interval with entries removed"
grep -q ',10.0.0.1,3000' "$TMPD/series.csv" || fail "series lacks the top source"

# Cut mid-record: read up to the cut, with a warning; exit 0.
size=$(stat -c %s "$REC")
head -c $((size - 7)) "$REC" >"$TMPD/cut.rec"
"$CTOP" -R "$TMPD/cut.rec" --at "@$t_full" -g src -o json >"$TMPD/cut.json" 2>"$TMPD/cut.err"
assert_eq "exit status on a cut recording" 0 "$?"
grep -q 'warning: .*cut off mid-record' "$TMPD/cut.err" || fail "no warning: $(cat "$TMPD/cut.err")"
assert_eq "top source read from the cut file" 10.0.0.1 "$(jq -r '.groups[0].key' "$TMPD/cut.json")"
n_all=$("$CTOP" -R "$REC" --from "@0" -o csv -H | wc -l)
n_cut=$("$CTOP" -R "$TMPD/cut.rec" --from "@0" -o csv -H 2>/dev/null | wc -l)
# The last record was a summary or a full table: one summary less, or none.
[ "$n_cut" -eq "$n_all" ] || [ "$n_cut" -eq $((n_all - 1)) ] ||
	fail "the cut file gave $n_cut summaries of $n_all"
ok "the cut file reads up to the cut ($n_cut of $n_all summaries)"

# A recorder restarted on the cut file cuts the torn record, then appends.
"$CTOP" --netns "$NS" -w "$TMPD/cut.rec" -n 1 2>"$TMPD/re.err" || fail "restart exited $?"
grep -q 'cutting it there to append' "$TMPD/re.err" || fail "restart said: $(cat "$TMPD/re.err")"
"$CTOP" -R "$TMPD/cut.rec" --from "@0" -o csv -H >"$TMPD/re.csv" 2>"$TMPD/re2.err"
[ -s "$TMPD/re2.err" ] && fail "the repaired file still warns: $(cat "$TMPD/re2.err")"
assert_eq "summaries after the restart" $((n_cut + 1)) "$(wc -l <"$TMPD/re.csv")"

# A recording of an older format version is moved away, not appended to.
cp "$REC" "$TMPD/v1.rec"
printf '\001' | dd of="$TMPD/v1.rec" bs=1 seek=9 conv=notrunc status=none
"$CTOP" -R "$TMPD/v1.rec" --at "@$t_full" -g src -o json | jq -r '.groups[0].key' | grep -qx 10.0.0.1 ||
	fail "a version 1 file does not read"
"$CTOP" --netns "$NS" -w "$TMPD/v1.rec" -n 1 2>"$TMPD/v.err" || fail "-w on a version 1 file exited $?"
grep -q "is a recording of format version 1: moved to $TMPD/v1.rec.1, a new one begins" "$TMPD/v.err" ||
	fail "-w on a version 1 file said: $(cat "$TMPD/v.err")"
[ "$(head -c 10 "$TMPD/v1.rec.1" | tail -c 1 | od -An -tu1 | tr -d ' ')" = 1 ] ||
	fail "the old file was not kept as FILE.1"
assert_eq "summaries in the new file" 1 "$("$CTOP" -R "$TMPD/v1.rec" --from @0 -o csv -H | wc -l)"

# Bad input: not a recording, a bad time, --at before the start.
echo hello >"$TMPD/junk"
"$CTOP" -R "$TMPD/junk" --at now >/dev/null 2>"$TMPD/e"
assert_eq "-R --at on a non-recording" 2 "$?"

# From a pipe (or on the screen) a recording reads as its last full
# table, through the same readers as any other -R input.
cat "$REC" | "$CTOP" - -g src -o json >"$TMPD/pipe.json" || fail "ctop - on a recording exited $?"
assert_eq "flows read from a piped recording" "$(ct_count "$NS")" "$(jq -r .total "$TMPD/pipe.json")"
"$CTOP" -R "$REC" --at 25:99 >/dev/null 2>&1
assert_eq "-R --at 25:99" 2 "$?"
"$CTOP" -R "$REC" --at "@$((t_before - 3600))" -g src >/dev/null 2>"$TMPD/e"
assert_eq "--at before the recording" 1 "$?"
grep -q 'the recording starts at' "$TMPD/e" || fail "message: $(cat "$TMPD/e")"

# Summaries only (no --full-every): what needs a full table says so and
# fails, what the summaries keep still answers, never an empty result.
"$CTOP" --netns "$NS" -w "$TMPD/summ.rec" -n 1 2>"$TMPD/e" || fail "-w -n 1 exited $?: $(cat "$TMPD/e")"
needs() {
	local what=$1; shift
	"$CTOP" -R "$TMPD/summ.rec" --at now "$@" >"$TMPD/o" 2>"$TMPD/e"
	assert_eq "$* without a full table: exit status" 1 "$?"
	[ -s "$TMPD/o" ] && fail "$* printed: $(cat "$TMPD/o")"
	grep -q "no full table recorded at or before .*: $what needs one (record with ctop -w --full-every N)" "$TMPD/e" ||
		fail "$* said: $(cat "$TMPD/e")"
}
needs '-g pair' -g pair
needs 'the flow list'
needs 'a filter' src 10.0.0.1
needs '-g src with a filter' -g src dport 22
"$CTOP" -R "$TMPD/summ.rec" --at now -g src -o json >"$TMPD/o" || fail "-g src on summaries exited $?"
assert_eq "-g src from the summary" "$(ct_count "$NS")" "$(jq -r .total "$TMPD/o")"
"$CTOP" -R "$TMPD/summ.rec" --at now --timeouts >"$TMPD/o" 2>"$TMPD/e" || fail "--timeouts on summaries exited $?"
grep -q 'flows not counted' "$TMPD/e" || fail "--timeouts without a table said: $(cat "$TMPD/e")"
grep -qE '^tcp +ESTABLISHED +2000 .* - +- ' "$TMPD/o" || fail "--timeouts without a table: $(head -5 "$TMPD/o")"
ok "summaries only: the list, -g pair and filters say they need a full table"
exit 0
