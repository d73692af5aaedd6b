#!/usr/bin/env bash
# Helper names and connlabels in a flight recording: the router of
# tests/bed.sh (FTP sessions through a ct helper, UDP flows labelled by a
# rule) recorded with full tables; replayed, its flows carry the helper
# and labels the live table shows for the same tuples, in JSON and in the
# HELPER and LABELS columns.
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

"$CTOP" --netns "$R" -w "$REC" -d 0.5 -n 2 --full-every 1 2>"$TMPD/w.err" ||
	fail "ctop -w exited $?: $(cat "$TMPD/w.err")"
"$CTOP" --netns "$R" -1 -o json >"$TMPD/live.json" || fail "ctop -1 exited $?"
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
exit 0
