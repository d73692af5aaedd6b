#!/usr/bin/env bash
# --group counts equal counts computed from conntrack -L; --top; JSON, CSV
# and text output shapes.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

ns_new NS
fill_kinds "$NS"
fill_load "$NS" 3000 --proto mix --sources 150
ct_dump "$NS" "$TMPD/ct"
total=$(wc -l <"$TMPD/ct")

for key in src dst pair dport sport proto state mark zone; do
	"$CTOP" --netns "$NS" -1 -o json -g "$key" >"$TMPD/json" ||
		fail "ctop -1 -o json -g $key exited $?"
	compare groups "$key" "$TMPD/ct" "$TMPD/json" ||
		fail "-g $key counts differ from conntrack -L"
done

# A grouping of a filtered table.
"$CTOP" --netns "$NS" -1 -o json -g dport tcp >"$TMPD/json" ||
	fail "ctop -g dport tcp exited $?"
compare groups dport "$TMPD/ct" "$TMPD/json" --filter tcp ||
	fail "-g dport tcp differs"

# --top N keeps the N biggest groups.
"$CTOP" --netns "$NS" -1 -o json -g src --top 5 >"$TMPD/json" ||
	fail "ctop -g src --top 5 exited $?"
assert_eq "--top 5 rows" 5 "$(jq '.groups | length' "$TMPD/json")"
compare groups src "$TMPD/ct" "$TMPD/json" --top 5 ||
	fail "-g src --top 5 differs"
assert_eq "--top text rows" 5 \
	"$("$CTOP" --netns "$NS" -1 -H -g proto --top 5 | grep -vc '^#')"

# CSV: a header and one row per flow; with -H no header.
"$CTOP" --netns "$NS" -1 -o csv >"$TMPD/csv" || fail "ctop -o csv exited $?"
head -n 1 "$TMPD/csv" | grep -q '^id,family,proto,' ||
	fail "CSV header: $(head -n 1 "$TMPD/csv")"
assert_eq "CSV rows" "$(ct_count "$NS")" "$(($(wc -l <"$TMPD/csv") - 1))"
assert_eq "CSV rows with -H" "$total" \
	"$("$CTOP" --netns "$NS" -1 -o csv -H | wc -l)"
"$PYTHON3" - "$TMPD/csv" "$total" <<'PY' || fail "CSV does not parse"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == int(sys.argv[2]), len(rows)
assert all(r["proto"] and r["src"] and r["dst"] for r in rows)
PY
ok "CSV parses with the csv module"
"$CTOP" --netns "$NS" -1 -o csv -g state >"$TMPD/csv" || fail "csv -g exited $?"
head -n 1 "$TMPD/csv" | grep -q '^key,flows' || fail "CSV group header"
assert_eq "CSV group flows sum" "$total" \
	"$(tail -n +2 "$TMPD/csv" | awk -F, '{ s += $(NF - 3) } END { print s }')"

# Text: a header row, one row per flow, a summary line starting with '#'.
"$CTOP" --netns "$NS" -1 >"$TMPD/text" || fail "ctop -1 exited $?"
head -n 1 "$TMPD/text" | grep -qi 'proto' || fail "no header: $(head -n 1 "$TMPD/text")"
tail -n 1 "$TMPD/text" | grep -q "^# .*$total" ||
	fail "no summary with $total: $(tail -n 1 "$TMPD/text")"
assert_eq "text rows" "$total" "$(($(grep -vc '^#' "$TMPD/text") - 1))"
"$CTOP" --netns "$NS" -1 -g src >"$TMPD/text" || fail "ctop -1 -g src exited $?"
head -n 1 "$TMPD/text" | grep -q 'FLOWS' || fail "no group header: $(head -n 1 "$TMPD/text")"
tail -n 1 "$TMPD/text" | grep -q "^# .*$total" ||
	fail "no group summary with $total: $(tail -n 1 "$TMPD/text")"
exit 0
