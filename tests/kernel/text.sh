#!/usr/bin/env bash
# A table read as text gives what a dump gives: a namespace with every kind
# of entry is printed by conntrack -L in each -o variant and by
# /proc/net/nf_conntrack, read back with `ctop -`, and its JSON agrees
# field for field (where the text carries the field) with
# `ctop -1 -o json` on the live table.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

text_compare() { "$PYTHON3" "$here/text_compare.py" "$@"; }

ns_new NS
# The traffic's UDP entries must outlive the test (30 s by default).
ip netns exec "$NS" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600 \
	net.netfilter.nf_conntrack_udp_timeout_stream=600 || fail "cannot set UDP timeouts"
fill_traffic "$NS"
fill_kinds "$NS"
fill_load "$NS" 2000 --proto mix --sources 100
"$CTOP" --netns "$NS" -1 -o json >"$TMPD/live" || fail "ctop -1 exited $?"
n=$(jq '.flows | length' "$TMPD/live")
[ "$n" -ge 2000 ] || fail "only $n flows in $NS"

# read_as NAME CARRIES COMMAND...: COMMAND's text through ctop -.
read_as() {
	local name=$1 carries=$2
	shift 2
	# The live table right before the text: timeouts tick meanwhile, by
	# as many seconds as the two reads take.
	local t0=$EPOCHSECONDS
	"$CTOP" --netns "$NS" -1 -o json >"$TMPD/live" || fail "ctop -1 exited $?"
	ip netns exec "$NS" "$@" >"$TMPD/$name.txt" 2>/dev/null ||
		fail "$* failed"
	local apart=$((EPOCHSECONDS - t0))
	"$CTOP" - -o json <"$TMPD/$name.txt" >"$TMPD/$name.json" 2>"$TMPD/$name.err" ||
		fail "ctop - on $name exited $?: $(cat "$TMPD/$name.err")"
	[ -s "$TMPD/$name.err" ] && fail "ctop - on $name wrote: $(head -c 300 "$TMPD/$name.err")"
	text_compare "$TMPD/live" "$TMPD/$name.json" "$carries" "$apart" >"$TMPD/$name.cmp" ||
		fail "$name differs from the live table: $(cat "$TMPD/$name.cmp")"
	ok "$name: $(tail -1 "$TMPD/$name.cmp")"
}

read_as default counters,delta conntrack -L
assert_eq "counters of the replied UDP flow, from text" "3 1285 2 656" \
	"$(jq -r '.flows[] | select(.dport == 6000) | .counters | "\(.orig.packets) \(.orig.bytes) \(.reply.packets) \(.reply.bytes)"' "$TMPD/default.json")"
read_as extended counters,delta conntrack -L -o extended
read_as id id,counters,delta conntrack -L -o id
read_as timestamp counters,delta conntrack -L -o timestamp
read_as labels counters,delta conntrack -L -o labels
read_as ktimestamp counters,start conntrack -L -o ktimestamp
read_as all id,counters,start conntrack -L -o extended,id,timestamp,labels,ktimestamp
if ip netns exec "$NS" test -r /proc/net/nf_conntrack; then
	read_as proc counters,delta cat /proc/net/nf_conntrack
else
	echo "note: no /proc/net/nf_conntrack (NF_CONNTRACK_PROCFS off); tests/data fixtures cover it"
fi

# The same grouping from text as from the kernel.
ip netns exec "$NS" conntrack -L 2>/dev/null | "$CTOP" - -g src -o json >"$TMPD/g-text" ||
	fail "ctop - -g src exited $?"
"$CTOP" --netns "$NS" -1 -g src -o json >"$TMPD/g-live" || fail "ctop -g src exited $?"
[ "$(jq '.groups | length' "$TMPD/g-live")" -gt 100 ] || fail "too few groups"
assert_eq "groups by source (digest)" "$(jq -c '.groups' "$TMPD/g-live" | md5sum)" \
	"$(jq -c '.groups' "$TMPD/g-text" | md5sum)"
# --stats from text: what text can know (counts, states, early-drop
# candidates, top sources) as from the kernel.
stats_view='[.flows, .not_assured, (.states | sort_by(.proto, .state)), (.sources | sort_by(.src))] | tojson'
"$CTOP" --netns "$NS" -1 --stats --top 1000 -o json | jq -r "$stats_view" >"$TMPD/s-live" ||
	fail "ctop --stats exited $?"
"$CTOP" -R "$TMPD/extended.txt" --stats --top 1000 -o json | jq -r "$stats_view" >"$TMPD/s-text" ||
	fail "ctop -R --stats exited $?"
[ "$(wc -c <"$TMPD/s-live")" -gt 1000 ] || fail "--stats JSON too small: $(head -c 300 "$TMPD/s-live")"
assert_eq "--stats from text (digest)" "$(md5sum <"$TMPD/s-live")" "$(md5sum <"$TMPD/s-text")"
# A filter on text.
assert_eq "tcp and dport 443 from text" \
	"$(jq '[.flows[] | select(.proto == "tcp" and .dport == 443)] | length' "$TMPD/live")" \
	"$("$CTOP" -R "$TMPD/extended.txt" -o json tcp and dport 443 | jq '.flows | length')"
# A recording is still read by -R and by --replay.
"$CTOP" --netns "$NS" -1 --record "$TMPD/rec" >/dev/null || fail "--record failed"
assert_eq "-R on a recording" "$n" "$("$CTOP" -R "$TMPD/rec" -o json | jq '.flows | length')"
assert_eq "--replay on a recording" "$n" "$("$CTOP" --replay "$TMPD/rec" -o json | jq '.flows | length')"
assert_eq "a recording on stdin" "$n" "$("$CTOP" - -o json <"$TMPD/rec" | jq '.flows | length')"
# Compressed, told by the magic bytes: the same groups as the plain text.
"$CTOP" -R "$TMPD/extended.txt" -g src -o json | jq -c .groups | md5sum >"$TMPD/g-plain"
gzip -c "$TMPD/extended.txt" >"$TMPD/ext.any"
assert_eq "gzip file, groups (digest)" "$(cat "$TMPD/g-plain")" \
	"$("$CTOP" -R "$TMPD/ext.any" -g src -o json | jq -c .groups | md5sum)"
assert_eq "zstd on stdin, groups (digest)" "$(cat "$TMPD/g-plain")" \
	"$(zstd -qc "$TMPD/extended.txt" | "$CTOP" - -g src -o json | jq -c .groups | md5sum)"
exit 0
