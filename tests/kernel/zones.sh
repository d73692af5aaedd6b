#!/usr/bin/env bash
# Directional zones, as `conntrack -I --orig-zone / --reply-zone` make
# them (CTA_TUPLE_ZONE in one tuple) and `--zone` (CTA_ZONE, both): the
# right zone in text, JSON and CSV, matched by `zone N`, `orig zone N` and
# `reply zone N`, and deleted for real by `ctop -D 'id N'` (checked with
# conntrack -L afterwards). Before, such flows showed zone 0 and their
# deletes missed while ctop reported them "already gone" with exit 0.
here=$(dirname "$0")
. "$here/../lib.sh"

ns_new NS
ins() {	# DST PROTO ZONE-OPTION...
	local dst=$1 proto=$2
	shift 2
	ct "$NS" -I -p "$proto" -s 10.0.0.1 -d "$dst" --sport 1000 --dport 53 \
		-t 300 "$@" >/dev/null 2>&1 || fail "conntrack -I $dst $*"
}
ins 10.0.0.2 udp --orig-zone 2
ins 10.0.0.3 udp --reply-zone 3
ins 10.0.0.4 udp --zone 5
ins 10.0.0.5 udp
assert_eq "kernel entries" 4 "$(ct_count "$NS")"
ct "$NS" -L 2>/dev/null | grep -q 'dst=10.0.0.2 .*zone-orig=2' ||
	fail "conntrack -L shows no zone-orig=2: $(ct "$NS" -L 2>&1)"

# Each flow read back one by one, by GET and by probe (is it there?), in
# its own zones: bench/lookup fails when one is not found.
"$(dirname "$CTOP")/bench/lookup" --netns "$NS" >"$TMPD/lookup" 2>&1 ||
	fail "lookup: $(cat "$TMPD/lookup")"
ok "GETs and probes find every flow in its zones"
# The same with each batched answer cut short (no room for a flow): every
# one read again alone.
"$(dirname "$CTOP")/tests/lookup_cut" --netns "$NS" >"$TMPD/lookup" 2>&1 ||
	fail "lookup_cut: $(cat "$TMPD/lookup")"
ok "answers cut short are read again"

# id of the flow to DST, as the kernel says.
kid() { ct "$NS" -L -o id -d "$1" 2>/dev/null | sed -n 's/.* id=\([0-9]*\).*$/\1/p'; }

# Text: the ZONE column.
"$CTOP" --netns "$NS" -1 -c dst,zone -s dst >"$TMPD/out.txt" 2>"$TMPD/err" ||
	fail "text: $(cat "$TMPD/err")"
zones=$(awk '$1 ~ /^10\.0\.0\./ { printf "%s=%s ", $1, $2 }' "$TMPD/out.txt")
assert_eq "text zones" "10.0.0.2:53=2/0 10.0.0.3:53=0/3 10.0.0.4:53=5 10.0.0.5:53=0 " "$zones"

# JSON: zone (both directions' shared zone), zone_orig, zone_reply.
"$CTOP" --netns "$NS" -1 -o json >"$TMPD/out.json" 2>"$TMPD/err" ||
	fail "json: $(cat "$TMPD/err")"
j=$(jq -r '[.flows[] | "\(.dst)=\(.zone),\(.zone_orig),\(.zone_reply)"] | sort | join(" ")' "$TMPD/out.json")
assert_eq "json zones" "10.0.0.2=0,2,0 10.0.0.3=0,0,3 10.0.0.4=5,5,5 10.0.0.5=0,0,0" "$j"

# CSV: the same three fields, by header name.
"$CTOP" --netns "$NS" -1 -o csv >"$TMPD/out.csv" 2>"$TMPD/err" ||
	fail "csv: $(cat "$TMPD/err")"
c=$(python3 - "$TMPD/out.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(" ".join(sorted("%s=%s,%s,%s" % (r["dst"], r["zone"], r["zone_orig"], r["zone_reply"]) for r in rows)))
EOF
)
assert_eq "csv zones" "10.0.0.2=0,2,0 10.0.0.3=0,0,3 10.0.0.4=5,5,5 10.0.0.5=0,0,0" "$c"

# Filters (the kernel filters "zone N" on either direction too).
match() { "$CTOP" --netns "$NS" -1 -o json "$@" 2>/dev/null | jq -r '[.flows[].dst] | sort | join(" ")'; }
assert_eq "zone 2" "10.0.0.2" "$(match zone 2)"
assert_eq "zone 3" "10.0.0.3" "$(match zone 3)"
assert_eq "orig zone 2" "10.0.0.2" "$(match orig zone 2)"
assert_eq "reply zone 2" "" "$(match reply zone 2)"
assert_eq "reply zone 3" "10.0.0.3" "$(match reply zone 3)"
assert_eq "orig zone 5 and reply zone 5" "10.0.0.4" "$(match orig zone 5 and reply zone 5)"
assert_eq "orig zone 0" "10.0.0.3 10.0.0.5" "$(match orig zone 0)"

# Deletes by id: each really leaves the kernel, nothing else does.
n=4
for dst in 10.0.0.2 10.0.0.3 10.0.0.4; do
	id=$(kid "$dst")
	[ -n "$id" ] || fail "no id for $dst"
	"$CTOP" --netns "$NS" -D "id $id" >/dev/null 2>"$TMPD/err"
	assert_eq "ctop -D 'id $id' ($dst) exit status" 0 "$?"
	grep -q "deleted 1 of 1 matching flows (0 already gone, 0 failed)" "$TMPD/err" ||
		fail "summary for $dst: $(cat "$TMPD/err")"
	n=$((n - 1))
	assert_eq "kernel entries after deleting $dst" "$n" "$(ct_count "$NS")"
	assert_eq "conntrack -L -d $dst after the delete" "" "$(kid "$dst")"
done
assert_eq "the flow left" "10.0.0.5" "$(match)"
