#!/usr/bin/env bash
# --record keeps exactly the last dump of the whole table (not only the
# filtered flows, not every snapshot appended), and --replay reads it back
# through the same parser with any filter and no kernel.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

ns_new NS
fill_kinds "$NS"
fill_load "$NS" 1500 --proto mix --sources 30
total=$(ct_count "$NS")
rec="$TMPD/dump.nl"

# A filtered snapshot still records the whole table.
"$CTOP" --netns "$NS" -1 -o json --record "$rec" icmp >"$TMPD/icmp.json" ||
	fail "ctop --record exited $?"
assert_eq "replayed flows" "$total" "$("$CTOP" --replay "$rec" -1 -o json | jq .shown)"
assert_eq "replayed icmp = live icmp" "$(jq .shown "$TMPD/icmp.json")" \
	"$("$CTOP" --replay "$rec" -1 -o json icmp | jq .shown)"
"$CTOP" --replay "$rec" -1 -o json >"$TMPD/replay.json"
"$CTOP" --netns "$NS" -1 -o json >"$TMPD/live.json"
assert_eq "same flow ids" \
	"$(jq -c '[.flows[].id] | sort' "$TMPD/live.json" | md5sum)" \
	"$(jq -c '[.flows[].id] | sort' "$TMPD/replay.json" | md5sum)"

# Several snapshots: the file holds the last one, not their sum.
"$CTOP" --netns "$NS" -b -n 3 -d 0.1 -o json --record "$rec" >/dev/null ||
	fail "ctop -b -n 3 --record exited $?"
assert_eq "after 3 snapshots" "$total" "$("$CTOP" --replay "$rec" -1 -o json | jq .shown)"

# --replay needs no privileges and no namespace, and refuses --netns.
"$CTOP" --replay "$rec" --netns "$NS" -1 >/dev/null 2>"$TMPD/err"
assert_eq "--replay with --netns exit" 2 $?
grep -q -- "--netns does not apply" "$TMPD/err" || fail "no message: $(cat "$TMPD/err")"
exit 0
