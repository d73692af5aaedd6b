#!/usr/bin/env bash
# ctop --delete FILTER removes exactly the flows the filter matches (by
# tuple, zone and conntrack id), prints them, and leaves every other flow
# as it was; refused without a filter; nothing matched is not an error.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

ns_new NS
fill_kinds "$NS"
fill_load "$NS" 3000 --proto mix --sources 150
# The conntrack ids the kernel holds (the last id= of a line: ICMP flows
# have an id= of their own before it).
ids() { ct "$NS" -L -o id 2>/dev/null | sed -n 's/.* id=\([0-9]*\).*$/\1/p' | sort; }
ids >"$TMPD/before"
total=$(wc -l <"$TMPD/before")
want=$(ct "$NS" -L -p udp --dport 53 2>/dev/null | wc -l)
[ "$want" -gt 0 ] || fail "no UDP flow to port 53 to delete"

# Refused without a filter: exit 2, nothing deleted.
"$CTOP" --netns "$NS" --delete >/dev/null 2>"$TMPD/err"
assert_eq "--delete without a filter: exit status" 2 "$?"
grep -q -- '--delete needs a filter' "$TMPD/err" || fail "message: $(cat "$TMPD/err")"
assert_eq "entries after a refused delete" "$total" "$(ct_count "$NS")"

# The UDP flows to port 53, and only those.
"$CTOP" --netns "$NS" -D -o json udp and dport 53 >"$TMPD/out.json" 2>"$TMPD/err"
assert_eq "--delete exit status" 0 "$?"
grep -q "deleted $want of $want matching flows (0 already gone, 0 failed)" "$TMPD/err" ||
	fail "summary: $(cat "$TMPD/err")"
assert_eq "flows printed" "$want" "$(jq '.flows | length' "$TMPD/out.json")"
assert_eq "printed flows are udp to 53" "$want" \
	"$(jq '[.flows[] | select(.proto == "udp" and .dport == 53)] | length' "$TMPD/out.json")"
jq -r '.flows[].id' "$TMPD/out.json" | sort >"$TMPD/victims"
ids >"$TMPD/after"
# after = before - victims, id for id.
comm -23 "$TMPD/before" "$TMPD/victims" >"$TMPD/expected"
cmp -s "$TMPD/expected" "$TMPD/after" ||
	fail "the kernel holds other flows than before minus the deleted: $(diff "$TMPD/expected" "$TMPD/after" | head -5)"
assert_eq "kernel entries after" $((total - want)) "$(ct_count "$NS")"
assert_eq "udp to 53 left" 0 "$(ct "$NS" -L -p udp --dport 53 2>/dev/null | wc -l)"

# Nothing matches: exit 0, a text snapshot with no rows.
"$CTOP" --netns "$NS" -D udp and dport 53 >"$TMPD/out.txt" 2>"$TMPD/err"
assert_eq "second delete exit status" 0 "$?"
grep -q 'deleted 0 of 0 matching flows' "$TMPD/err" || fail "summary: $(cat "$TMPD/err")"
grep -q '^# 0 flows deleted' "$TMPD/out.txt" || fail "text footer: $(tail -1 "$TMPD/out.txt")"

# A bad filter is pointed at, and deletes nothing.
"$CTOP" --netns "$NS" -D tcp and dport http >/dev/null 2>"$TMPD/err"
assert_eq "bad filter exit status" 2 "$?"
grep -q 'column' "$TMPD/err" || fail "filter error: $(cat "$TMPD/err")"
assert_eq "entries after a bad filter" $((total - want)) "$(ct_count "$NS")"

# Every flow, by an explicit filter.
"$CTOP" --netns "$NS" -D ipv4 or ipv6 >/dev/null 2>"$TMPD/err" || fail "delete all: $(cat "$TMPD/err")"
assert_eq "entries after deleting every flow" 0 "$(ct_count "$NS")"
