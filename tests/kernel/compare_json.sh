#!/usr/bin/env bash
# ctop -1 --format json holds exactly the flows conntrack -L lists, field by
# field: a namespace with every kind of entry (hand-made with conntrack -I)
# plus a few thousand from the loader.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

ns_new NS
fill_kinds "$NS"
fill_load "$NS" 3000 --proto mix --sources 200

# conntrack first, ctop right after: timeouts may differ by a second or two.
ct_dump "$NS" "$TMPD/ct"
"$CTOP" --netns "$NS" -1 --format json >"$TMPD/json" 2>"$TMPD/err" ||
	fail "ctop exited $?: $(cat "$TMPD/err")"
[ -s "$TMPD/err" ] && fail "ctop wrote to stderr: $(head -c 500 "$TMPD/err")"

n=$(wc -l <"$TMPD/ct")
[ "$n" -ge 3000 ] || fail "only $n entries in the namespace"
ok "$n entries in $NS"
jq -e . "$TMPD/json" >/dev/null || fail "ctop's output is not valid JSON"
assert_eq "table.count" "$(ct_count "$NS")" "$(jq .table.count "$TMPD/json")"
compare flows "$TMPD/ct" "$TMPD/json" ||
	fail "ctop's JSON differs from conntrack -L"

# And with the hand-made entries only, where every field is known.
ns_new NS2
fill_kinds "$NS2"
ct_dump "$NS2" "$TMPD/ct2"
"$CTOP" --netns "$NS2" -1 --format json >"$TMPD/json2" ||
	fail "ctop exited $? on $NS2"
compare flows "$TMPD/ct2" "$TMPD/json2" ||
	fail "ctop's JSON differs from conntrack -L (hand-made entries)"
assert_eq "flows" "$(wc -l <"$TMPD/ct2")" "$(jq '.flows | length' "$TMPD/json2")"

# Real traffic with accounting and timestamps on: counters and start times.
ns_new NS3
fill_traffic "$NS3"
fill_kinds "$NS3"
ct_dump "$NS3" "$TMPD/ct3"
grep -q 'packets=3 bytes=1285' "$TMPD/ct3" || fail "no counters in: $(cat "$TMPD/ct3")"
"$CTOP" --netns "$NS3" -1 --format json >"$TMPD/json3" || fail "ctop exited $? on $NS3"
compare flows "$TMPD/ct3" "$TMPD/json3" ||
	fail "ctop's JSON differs from conntrack -L (counters, start times)"
assert_eq "counters of the replied UDP flow" "3 1285 2 656" \
	"$(jq -r '.flows[] | select(.dport == 6000) | .counters | "\(.orig.packets) \(.orig.bytes) \(.reply.packets) \(.reply.bytes)"' "$TMPD/json3")"

# Spot checks that do not go through the comparer.
f=$(jq -c '.flows[] | select(.src == "10.1.4.1")' "$TMPD/json2")
assert_eq "both-NAT flow" '"both" 7 3 "10.9.9.9" 8080 6666' \
	"$(jq -r '[.nat, .mark, .zone, .reply.src, .reply.sport, .reply.dport] | map(tojson) | join(" ")' <<<"$f")"
assert_eq "icmp echo id 79" '13 0 79' \
	"$(jq -r '.flows[] | select(.icmp.id == 79) | "\(.icmp.type) \(.icmp.code) \(.icmp.id)"' "$TMPD/json2")"
assert_eq "gre keys" '256 512' \
	"$(jq -r '.flows[] | select(.src == "10.1.3.5") | "\(.gre.src_key) \(.gre.dst_key)"' "$TMPD/json2")"
exit 0
