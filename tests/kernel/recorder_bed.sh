#!/usr/bin/env bash
# Helper names, connlabels and expectations in a flight recording: the
# router of tests/bed.sh (FTP sessions through a ct helper with pending
# expectations, UDP flows labelled by a rule) recorded with full tables;
# replayed, its flows carry the helper and labels the live table shows
# for the same tuples, in JSON and in the HELPER and LABELS columns, and
# --expect gives the expectations the kernel had.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/../bed.sh"

bed_up
bed_traffic 60
R=$BED_R
REC=$TMPD/bed.rec
# "key helper labels" of the flows that have a helper or labels.
marked() {
	jq -r '.flows[] | select(.helper or .labels) |
		"\(.proto) \(.src) \(.sport) \(.dst) \(.dport) \(.helper // "-") \(.labels // [] | map(tostring) | join(","))"' "$1" | sort
}

# The bed's long-lived FTP sessions and labelled UDP flows are there.
for _ in $(seq 100); do
	"$CTOP" --netns "$R" -1 -o json >"$TMPD/live0.json" || fail "ctop -1 exited $?"
	jq -e '[.flows[] | select(.helper == "ftp")] | length > 0' "$TMPD/live0.json" >/dev/null &&
		jq -e '[.flows[] | select(.labels)] | length > 0' "$TMPD/live0.json" >/dev/null && break
	sleep 0.2
done
marked "$TMPD/live0.json" | grep -q ' ftp ' || fail "the bed made no flow with the ftp helper"

# expects OUT: the expectations, one JSON line each, without timeouts.
expects() { jq -c '.expectations[] | del(.timeout)' | sort >"$1"; }
"$CTOP" --netns "$R" -1 --expect -o json | expects "$TMPD/exp0" || fail "--expect exited $?"
"$CTOP" --netns "$R" -w "$REC" -d 0.5 -n 2 --full-every 1 2>"$TMPD/w.err" ||
	fail "ctop -w exited $?: $(cat "$TMPD/w.err")"
"$CTOP" --netns "$R" -1 -o json >"$TMPD/live.json" || fail "ctop -1 exited $?"
"$CTOP" --netns "$R" -1 --expect -o json | expects "$TMPD/exp1" || fail "--expect exited $?"
"$CTOP" -R "$REC" --at now -o json >"$TMPD/rec.json" || fail "ctop -R --at now exited $?"
marked "$TMPD/rec.json" >"$TMPD/rec.marked"
marked "$TMPD/live0.json" >"$TMPD/live0.marked"
marked "$TMPD/live.json" >"$TMPD/live.marked"
grep -q ' ftp ' "$TMPD/rec.marked" || fail "no helper in the recording: $(head -3 "$TMPD/rec.marked")"
awk '$7 != ""' "$TMPD/rec.marked" | grep -q . || fail "no labels in the recording"
# Every marked flow replayed is marked the same in a live table taken
# just before or just after the recording (short flows may have come and
# gone in between, none may differ); what both live tables show, the
# recording has.
sort -u "$TMPD/live0.marked" "$TMPD/live.marked" >"$TMPD/either.marked"
comm -12 "$TMPD/live0.marked" "$TMPD/live.marked" >"$TMPD/both.marked"
extra=$(comm -23 "$TMPD/rec.marked" "$TMPD/either.marked")
[ -z "$extra" ] || fail "replayed, not live: $extra"
missing=$(comm -13 "$TMPD/rec.marked" "$TMPD/both.marked")
[ -z "$missing" ] || fail "live, not replayed: $missing"
n=$(wc -l <"$TMPD/rec.marked")
ok "$n flows with helper or labels replayed as live"

# The columns on a replay, as live.
"$CTOP" -R "$REC" --at now -c proto,dport,helper,labels >"$TMPD/rec.txt" || fail "text exited $?"
grep -qE '^tcp +21 +ftp ' "$TMPD/rec.txt" || fail "no HELPER column value: $(head -5 "$TMPD/rec.txt")"
head -1 "$TMPD/rec.txt" | grep -qE 'HELPER +LABELS' || fail "header: $(head -1 "$TMPD/rec.txt")"
awk 'NR > 1 && $4 != "-" && $4 != ""' "$TMPD/rec.txt" | grep -q . || fail "no LABELS column value"
ok "HELPER and LABELS columns on the replay"

# The expectations as recorded: each one the kernel had just before or
# after, all those it had both times; timeouts counted down.
"$CTOP" -R "$REC" --at now --expect -o json >"$TMPD/rexp.json" || fail "-R --expect exited $?"
expects "$TMPD/rexp" <"$TMPD/rexp.json"
[ -s "$TMPD/rexp" ] || fail "no expectations recorded"
extra=$(comm -23 "$TMPD/rexp" <(sort -u "$TMPD/exp0" "$TMPD/exp1"))
[ -z "$extra" ] || fail "replayed, not live: $extra"
missing=$(comm -13 "$TMPD/rexp" <(comm -12 "$TMPD/exp0" "$TMPD/exp1"))
[ -z "$missing" ] || fail "live, not replayed: $missing"
jq -e '[.expectations[] | select(.timeout > 0 and .timeout <= 300)] | length > 0' "$TMPD/rexp.json" >/dev/null ||
	fail "replayed timeouts: $(jq -c '[.expectations[].timeout]' "$TMPD/rexp.json")"
"$CTOP" -R "$REC" --at now --expect | grep -qE '^tcp +[0-9]+ +ftp ' || fail "--expect text on the replay"
ok "$(wc -l <"$TMPD/rexp") expectations replayed as live"
exit 0
