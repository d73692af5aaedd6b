#!/usr/bin/env bash
# ctop -o prometheus --output FILE, as a node_exporter textfile collector
# service: the file is written atomically, Debian's real
# prometheus-node-exporter (textfile collector only, on the namespace's
# loopback) serves every ctop metric with ctop's TYPE and HELP, and
# promtool check metrics finds nothing to complain about.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

NE=/usr/bin/prometheus-node-exporter
command -v curl >/dev/null || skip "needs curl"
[ -x "$NE" ] || skip "needs prometheus-node-exporter"

ns_new NS
fill_kinds "$NS"
fill_load "$NS" 500 --proto mix --sources 20

mkdir -p "$TMPD/tf"
"$CTOP" --netns "$NS" -b -n 1 -o prometheus --stats --output "$TMPD/tf/ctop.prom" ||
	fail "ctop -o prometheus --output exited $?"
[ -s "$TMPD/tf/ctop.prom" ] || fail "--output wrote nothing"
assert_eq "files in the directory (no temporary left)" 1 "$(ls -A "$TMPD/tf" | wc -l)"
grep -q '^# EOF' "$TMPD/tf/ctop.prom" && fail "-o prometheus ends with # EOF"
grep -qx '# TYPE ctop_conntrack_stat_drop_total counter' "$TMPD/tf/ctop.prom" ||
	fail "no '# TYPE ctop_conntrack_stat_drop_total counter'"
ok "-o prometheus --output wrote the file"

# What ctop declared: family -> type and help.
awk '$1 == "#" && $2 == "TYPE" { print $3, $4 }' "$TMPD/tf/ctop.prom" | sort >"$TMPD/types"
[ "$(wc -l <"$TMPD/types")" -ge 15 ] || fail "only $(wc -l <"$TMPD/types") families"

# node_exporter inside the namespace: its loopback is ours alone.
port=19100
ip netns exec "$NS" "$NE" --web.listen-address="127.0.0.1:$port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$TMPD/tf" >"$TMPD/ne.log" 2>&1 &
ne=$!
trap 'kill $ne 2>/dev/null; wait $ne 2>/dev/null; _cleanup' EXIT
for _ in $(seq 50); do
	ip netns exec "$NS" curl -sf "http://127.0.0.1:$port/metrics" >"$TMPD/scrape" && break
	sleep 0.1
done
[ -s "$TMPD/scrape" ] || { cat "$TMPD/ne.log" >&2; fail "node_exporter did not answer"; }
grep -q '^node_textfile_scrape_error 0$' "$TMPD/scrape" ||
	fail "textfile collector reports an error: $(grep textfile "$TMPD/scrape")"
while read -r name type; do
	got=$(awk -v n="$name" '$1 == "#" && $2 == "TYPE" && $3 == n { print $4 }' "$TMPD/scrape")
	[ "$got" = "$type" ] || fail "$name arrives as '$got', ctop wrote '$type'"
	want=$(awk -v n="$name" '$1 == "#" && $2 == "HELP" && $3 == n { $1 = $2 = $3 = ""; print }' "$TMPD/tf/ctop.prom")
	help=$(awk -v n="$name" '$1 == "#" && $2 == "HELP" && $3 == n { $1 = $2 = $3 = ""; print }' "$TMPD/scrape")
	[ "$help" = "$want" ] || fail "$name arrives with help '$help', ctop wrote '$want'"
done <"$TMPD/types"
ok "node_exporter serves all $(wc -l <"$TMPD/types") ctop families with their TYPE and HELP"
grep -q '^ctop_conntrack_entries ' "$TMPD/scrape" || fail "no entries sample scraped"
assert_eq "entries scraped" "$(ct_count "$NS")" \
	"$(awk '$1 == "ctop_conntrack_entries" { print $2 }' "$TMPD/scrape")"

if command -v promtool >/dev/null; then
	promtool check metrics <"$TMPD/tf/ctop.prom" >"$TMPD/lint" 2>&1 ||
		fail "promtool check metrics: $(cat "$TMPD/lint")"
	[ -s "$TMPD/lint" ] && fail "promtool check metrics: $(cat "$TMPD/lint")"
	ok "promtool check metrics is clean"
else
	echo "promtool not installed: lint skipped"
fi

# Repeating: each snapshot replaces the file whole; the collector never
# sees a half-written one, and no temporary file stays behind.
"$CTOP" --netns "$NS" -b -n 5 -d 0.1 -o prometheus --stats --output "$TMPD/tf/ctop.prom" ||
	fail "-b -n 5 --output exited $?"
assert_eq "files after 5 snapshots" 1 "$(ls -A "$TMPD/tf" | wc -l)"
assert_eq "one exposition in the file" 1 "$(grep -c '^# TYPE ctop_conntrack_entries ' "$TMPD/tf/ctop.prom")"

# A directory that does not exist: status 1, one line.
"$CTOP" --netns "$NS" -1 -o prometheus --output "$TMPD/none/x.prom" 2>"$TMPD/err"
assert_eq "--output into a missing directory" 1 "$?"
grep -q "cannot write $TMPD/none/x.prom" "$TMPD/err" || fail "message: $(cat "$TMPD/err")"
# --output without a report is refused.
"$CTOP" --netns "$NS" -1 --output "$TMPD/tf/x" >/dev/null 2>&1
assert_eq "--output with the flow list" 2 "$?"
exit 0
