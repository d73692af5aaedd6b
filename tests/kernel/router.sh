#!/usr/bin/env bash
# A real router's table (tests/bed.sh: NAT from rules, FTP helper
# children and expectations, zones per interface, marks, labels,
# accounting and timestamps, IPv4 and IPv6) read by ctop and by
# conntrack(8): the flows agree field by field, the expectations agree,
# and `-D` removes exactly the entries chosen, by id, nothing else.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/../bed.sh"
compare() { python3 "$here/compare.py" "$@"; }

bed_up
bed_traffic 120
R=$BED_R

snapshot() {	# NAME: conntrack's and ctop's view of the router, now
	bed_ct -L -o extended,id,labels >"$TMPD/$1.ct" 2>/dev/null ||
		fail "conntrack -L"
	"$CTOP" --netns "$R" -1 -o json >"$TMPD/$1.json" || fail "ctop -1 exited $?"
}
ids() { awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^id=/) print substr($i, 4) }' "$1" | sort; }

# ---- flows, field by field ----
snapshot before
bed_ct -L -u EXPECTED -o extended,id >"$TMPD/children.ct" 2>/dev/null ||
	fail "conntrack -L -u EXPECTED"
compare flows "$TMPD/before.ct" "$TMPD/before.json" --kinds \
	--expected-ids "$TMPD/children.ct" \
	--require ipv4,ipv6,tcp,udp,icmp,icmpv6,snat,dnat,helper,related,zone,zone-orig,zone-reply,mark,labels,unreplied,counters,timestamp ||
	fail "ctop and conntrack -L differ"

# ---- expectations ----
bed_ct -L expect -f ipv4 >"$TMPD/exp4.ct" 2>/dev/null || fail "conntrack -L expect"
bed_ct -L expect -f ipv6 >"$TMPD/exp6.ct" 2>/dev/null || fail "conntrack -L expect -f ipv6"
"$CTOP" --netns "$R" -1 --expect -o json >"$TMPD/exp.json" ||
	fail "ctop --expect exited $?"
compare expect "$TMPD/exp.json" ipv4="$TMPD/exp4.ct" ipv6="$TMPD/exp6.ct" \
	--require ipv4,ipv6,nat,"no nat" || fail "expectations differ"

# ---- deletes with -D ----
# One entry of each hard kind, by its conntrack line in the snapshot.
pick() {	# REGEX: the id of the first entry whose line matches
	grep -E -- "$1" "$TMPD/before.ct" | head -n 1 |
		grep -oE 'id=[0-9]+' | cut -d= -f2
}
declare -A chosen=(
	[snat-marked-v4]=$(pick '^ipv4 .* ESTABLISHED .*dport=7001 .*mark=42')
	[related-child-v4]=$(grep -oE 'id=[0-9]+' "$TMPD/children.ct" | head -n 1 | cut -d= -f2)
	[zone-both-v6]=$(pick '^ipv6 .*udp .*zone=3 ')
	[dnat-zone-reply-v6]=$(pick '^ipv6 .* ESTABLISHED .*dport=8080 .*zone-reply=2')
	[zone-orig-v4]=$(pick '^ipv4 .*udp .*dport=5050 zone-orig=1')
	[helper-master-v6]=$(pick '^ipv6 .* ESTABLISHED .*dport=21 .*helper=ftp')
)
for k in "${!chosen[@]}"; do
	[ -n "${chosen[$k]}" ] || fail "the bed made no entry for $k"
done
t0=$(date +%s)
for k in "${!chosen[@]}"; do
	id=${chosen[$k]}
	out=$("$CTOP" --netns "$R" -D "id $id" 2>&1)
	rc=$?
	[ $rc -eq 0 ] || fail "-D 'id $id' ($k) exited $rc: $out"
	grep -q 'deleted 1 of 1' <<<"$out" || fail "-D 'id $id' ($k): $out"
done
snapshot after
elapsed=$(($(date +%s) - t0 + 2))
gone=$(comm -23 <(ids "$TMPD/before.ct") <(ids "$TMPD/after.ct"))
for k in "${!chosen[@]}"; do
	grep -qx "${chosen[$k]}" <<<"$gone" || fail "-D left $k (id ${chosen[$k]}) in the kernel"
done
# Whatever else went must have timed out meanwhile (its timeout was
# shorter than the time since the snapshot).
for id in $gone; do
	printf '%s\n' "${chosen[@]}" | grep -qx "$id" && continue
	line=$(grep -E "id=$id( |$)" "$TMPD/before.ct")
	ttl=$(awk '{ print $5 }' <<<"$line")
	[ "$ttl" -le "$elapsed" ] || fail "-D removed an entry not chosen: $line"
done
ok "-D removed exactly ${#chosen[@]} chosen entries (${!chosen[*]})"
compare flows "$TMPD/after.ct" "$TMPD/after.json" >/dev/null ||
	fail "ctop and conntrack -L differ after the deletes"
exit 0
