#!/usr/bin/env bash
# ctop --stats: the table figures equal conntrack -C and -S, the early-drop
# candidates equal the entries without ASSURED in conntrack -L, the states
# and top sources match the kernel; rates between snapshots; the 90 % and
# 95 % warnings and the early_drop warning on a table filled to the brim.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

ns_new NS
fill_kinds "$NS"
fill_load "$NS" 2000 --proto mix --sources 150
fill_load "$NS" 500 --proto 136 --status none --sources 40

"$CTOP" --netns "$NS" -1 --stats -o json >"$TMPD/stats.json" ||
	fail "ctop --stats -o json exited $?"
ct_dump "$NS" "$TMPD/ct"
ct "$NS" -S >"$TMPD/ctS" 2>/dev/null || fail "conntrack -S failed"
ct_count "$NS" >"$TMPD/ctC" 2>/dev/null || fail "conntrack -C failed"
ip netns exec "$NS" cat /proc/sys/net/netfilter/nf_conntrack_max \
	/proc/sys/net/netfilter/nf_conntrack_buckets >"$TMPD/sysctl"

python3 - "$TMPD" <<'PY' || fail "--stats differs from the kernel"
import collections, json, sys
d = sys.argv[1]
j = json.load(open(d + "/stats.json"))
errs = []
def eq(what, want, got):
	if want != got:
		errs.append("%s: kernel %r, ctop %r" % (what, want, got))

count = int(open(d + "/ctC").read().split()[0])
mx, buckets = [int(x) for x in open(d + "/sysctl").read().split()]
eq("entries (conntrack -C)", count, j["table"]["count"])
eq("max", mx, j["table"]["max"])
eq("buckets", buckets, j["table"]["buckets"])
eq("fill_pct", round(100.0 * count / mx, 3), round(j["table"]["fill_pct"], 3))

# conntrack -S: one line per CPU, key=value; ctop sums them.
sums = collections.Counter()
cpus = 0
for line in open(d + "/ctS"):
	if not line.startswith("cpu="):
		continue
	cpus += 1
	for kv in line.split()[1:]:
		k, v = kv.split("=")
		sums[k] += int(v)
eq("cpus", cpus, j["stats"]["cpus"])
for k in ("found", "invalid", "insert", "insert_failed", "drop", "early_drop",
	  "error", "search_restart", "clash_resolve", "chaintoolong"):
	eq("stat " + k, sums[k], j["stats"][k])

# conntrack -L: states, ASSURED, sources.
lines = [l.split() for l in open(d + "/ct") if l.strip()]
eq("flows dumped", len(lines), j["flows"])
not_assured = sum(1 for t in lines if "[ASSURED]" not in t)
eq("not ASSURED", not_assured, j["not_assured"])
eq("not_assured_pct", round(100.0 * not_assured / len(lines), 3),
   round(j["not_assured_pct"], 3))
states = collections.Counter()
srcs = collections.Counter()
for t in lines:
	proto = t[2]
	state = t[5] if "=" not in t[5] and proto in ("tcp", "sctp") else None
	states[(proto, state)] += 1
	srcs[next(x for x in t if x.startswith("src="))[4:]] += 1
got = collections.Counter({(s["proto"], s["state"]): s["flows"] for s in j["states"]})
eq("states", dict(states), dict(got))
flows = [s["flows"] for s in j["states"]]
eq("states most first", sorted(flows, reverse=True), flows)
# Top 10 sources: ties make the names ambiguous, not the counts.
eq("top 10 source counts", sorted(srcs.values(), reverse=True)[:10],
   [s["flows"] for s in j["sources"]])
for s in j["sources"]:
	eq("flows of " + s["src"], srcs[s["src"]], s["flows"])
eq("warnings", [], j["warnings"])
eq("rates on one snapshot", None, j["rates"])
if errs:
	print("\n".join(errs))
	sys.exit(1)
PY
ok "--stats JSON equals conntrack -C, -S and -L"

# Text: the same figures in sentences.
"$CTOP" --netns "$NS" -1 --stats >"$TMPD/text" || fail "ctop --stats exited $?"
na=$(jq .not_assured "$TMPD/stats.json")
total=$(jq .flows "$TMPD/stats.json")
grep -q "^table: $(cat "$TMPD/ctC") of " "$TMPD/text" ||
	fail "text table line: $(grep '^table' "$TMPD/text")"
grep -q "^early-drop candidates: $na of $total entries not ASSURED" "$TMPD/text" ||
	fail "text early-drop line: $(grep '^early' "$TMPD/text")"
grep -q "^sources (top 10):" "$TMPD/text" || fail "no sources section"
assert_eq "text counters" 10 \
	"$(sed -n '/^statistics/,/^early/p' "$TMPD/text" | grep -cE '^  [a-z_]+ +[0-9]+ +-$')"
ok "--stats text"

# --top N changes how many sources are listed; a filter narrows the flows.
assert_eq "--top 3 sources" 3 \
	"$("$CTOP" --netns "$NS" -1 --stats -o json --top 3 | jq '.sources | length')"
assert_eq "filtered flows" "$(grep -c '^ipv4 .* udp ' "$TMPD/ct")" \
	"$("$CTOP" --netns "$NS" -1 --stats -o json udp and ipv4 | jq .flows)"

# Two snapshots: the second has rates per second.
"$CTOP" --netns "$NS" -b -n 2 -d 0.3 --stats -o json >"$TMPD/two" ||
	fail "ctop -b -n 2 --stats exited $?"
assert_eq "snapshots" 2 "$(wc -l <"$TMPD/two")"
assert_eq "first rates" null "$(head -n 1 "$TMPD/two" | jq -c .rates)"
tail -n 1 "$TMPD/two" | jq -e '.rates.interval >= 0.3 and .rates.drop == 0' >/dev/null ||
	fail "second snapshot rates: $(tail -n 1 "$TMPD/two" | jq -c .rates)"
ok "rates between snapshots"

# csv is refused with a reason.
"$CTOP" --netns "$NS" -1 --stats -o csv >/dev/null 2>"$TMPD/err"
assert_eq "--stats -o csv status" 2 "$?"
grep -q "not csv" "$TMPD/err" || fail "csv message: $(cat "$TMPD/err")"

# ---- a full table: warnings at 90 %, 95 %, and early drops ----
ns_new FULL
max=$(ip netns exec "$FULL" cat /proc/sys/net/netfilter/nf_conntrack_max)
[ "$max" -le 2000000 ] || { ok "nf_conntrack_max $max too large to fill; skipping the full-table part"; exit 0; }
n90=$(( (max * 905 + 999) / 1000 ))
fill_load "$FULL" "$n90" --proto udp --status none --sources 200
"$CTOP" --netns "$FULL" -1 --stats -o json >"$TMPD/f90" || fail "ctop at 90% exited $?"
assert_eq "warnings at 90.5%" '["fill_90"]' "$(jq -c .warnings "$TMPD/f90")"
"$CTOP" --netns "$FULL" -1 --stats | grep -q '^WARNING: table 90\.[0-9]% full (warning)' ||
	fail "no text warning at 90%"
fill_load "$FULL" $((max - n90)) --proto tcp --status none --sources 200
"$CTOP" --netns "$FULL" -1 --stats -o json >"$TMPD/f100" || fail "ctop at 100% exited $?"
assert_eq "warnings when full" '["fill_90","fill_95"]' "$(jq -c .warnings "$TMPD/f100")"
assert_eq "entries when full" "$max" "$(jq .table.count "$TMPD/f100")"

# Another insert must evict an unassured entry: early_drop moves between
# the two snapshots, and the second one says so.
"$CTOP" --netns "$FULL" -b -n 2 -d 3 --stats -o json >"$TMPD/drop" &
pid=$!
sleep 1.5
fill_load "$FULL" 5 --proto icmp --status none
wait "$pid" || fail "ctop -b -n 2 on the full table exited $?"
first=$(head -n 1 "$TMPD/drop" | jq .stats.early_drop)
second=$(tail -n 1 "$TMPD/drop" | jq .stats.early_drop)
[ "$second" -gt "$first" ] || fail "early_drop did not move: $first -> $second"
tail -n 1 "$TMPD/drop" | jq -e '.warnings | index("early_drop")' >/dev/null ||
	fail "no early_drop warning: $(tail -n 1 "$TMPD/drop" | jq -c .warnings)"
tail -n 1 "$TMPD/drop" | jq -e '.rates.early_drop > 0' >/dev/null ||
	fail "no early_drop rate"
tail -n 1 "$TMPD/drop" | jq -r .warning_text | grep -q "early_drop +$((second - first))" ||
	fail "warning text: $(tail -n 1 "$TMPD/drop" | jq -r .warning_text)"
assert_eq "early_drop equals conntrack -S" "$second" \
	"$(ct "$FULL" -S | grep -o 'early_drop=[0-9]*' | cut -d= -f2 | awk '{ s += $1 } END { print s }')"
ok "early_drop warning on a full table"
exit 0
