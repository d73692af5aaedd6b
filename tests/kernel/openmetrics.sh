#!/usr/bin/env bash
# ctop -o openmetrics (plain and with --stats): the exposition follows the
# OpenMetrics text grammar (checked here line by line, and by the
# prometheus_client parser when python3-prometheus-client is installed),
# and its values equal conntrack -C, -S and -L.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

ns_new NS
fill_kinds "$NS"
fill_load "$NS" 1500 --proto mix --sources 60

"$CTOP" --netns "$NS" -o openmetrics >"$TMPD/om" || fail "ctop -o openmetrics exited $?"
"$CTOP" --netns "$NS" -1 --stats -o openmetrics >"$TMPD/om2" ||
	fail "ctop --stats -o openmetrics exited $?"
ct_dump "$NS" "$TMPD/ct"
ct "$NS" -S >"$TMPD/ctS" 2>/dev/null || fail "conntrack -S failed"
ct_count "$NS" >"$TMPD/ctC"

cat >"$TMPD/check.py" <<'PY'
"""OpenMetrics text grammar (the parts ctop uses) and ctop's values."""
import collections, re, sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{%s(?:,%s)*\})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)$"
		    % (NAME, LABEL, LABEL))
TYPES = {"counter", "gauge", "info", "stateset", "unknown", "histogram",
	 "gaugehistogram", "summary"}

def parse(text):
	errs = []
	if not text.endswith("# EOF\n"):
		errs.append("does not end with '# EOF' and a newline")
	lines = text.split("\n")[:-1]
	if lines.count("# EOF") != 1:
		errs.append("'# EOF' appears %d times" % lines.count("# EOF"))
	families, samples, done = {}, [], set()
	cur = None
	for n, line in enumerate(lines[:-1], 1):
		if line.startswith("# TYPE "):
			parts = line.split(" ")
			if len(parts) != 4 or not re.fullmatch(NAME, parts[2]) or parts[3] not in TYPES:
				errs.append("line %d: bad TYPE: %s" % (n, line))
				continue
			name = parts[2]
			if name in families:
				errs.append("line %d: family %s declared twice" % (n, name))
			if cur:
				done.add(cur)
			cur = name
			families[name] = parts[3]
		elif line.startswith("# HELP "):
			parts = line.split(" ", 3)
			if len(parts) < 4 or parts[2] != cur:
				errs.append("line %d: HELP not for the current family: %s" % (n, line))
		elif line.startswith("#"):
			errs.append("line %d: unknown comment: %s" % (n, line))
		else:
			m = SAMPLE.match(line)
			if not m:
				errs.append("line %d: bad sample: %s" % (n, line))
				continue
			name = m.group(1)
			want = cur + "_total" if families.get(cur) == "counter" else cur
			if name != want:
				errs.append("line %d: sample %s outside its family %s" % (n, name, cur))
			labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"',
						 m.group(2) or ""))
			samples.append((name, tuple(sorted(labels.items())), float(m.group(3))))
	seen = collections.Counter((s[0], s[1]) for s in samples)
	for k, c in seen.items():
		if c > 1:
			errs.append("duplicate sample %s%s" % k)
	return families, samples, errs

text = open(sys.argv[1]).read()
families, samples, errs = parse(text)

# Independent check with the reference parser, when installed.
try:
	from prometheus_client.openmetrics.parser import text_string_to_metric_families
	try:
		n = sum(len(f.samples) for f in text_string_to_metric_families(text))
		if n != len(samples):
			errs.append("prometheus_client read %d samples, we %d" % (n, len(samples)))
		print("prometheus_client parser: %d samples" % n)
	except Exception as e:
		errs.append("prometheus_client parser: %s" % e)
except ImportError:
	print("prometheus_client not installed; grammar checked by this script only")

# Values against the kernel.
d = sys.argv[2]
val = {(s[0], s[1]): s[2] for s in samples}
def eq(what, want, got):
	if want != got:
		errs.append("%s: kernel %r, ctop %r" % (what, want, got))
count = int(open(d + "/ctC").read().split()[0])
eq("entries", count, val.get(("ctop_conntrack_entries", ())))
mx = int(open("/proc/sys/net/netfilter/nf_conntrack_max").read())
eq("max", mx, val.get(("ctop_conntrack_max", ())))
sums = collections.Counter()
for line in open(d + "/ctS"):
	for kv in line.split()[1:]:
		k, v = kv.split("=")
		sums[k] += int(v)
for k in ("found", "invalid", "insert", "insert_failed", "drop", "early_drop",
	  "error", "search_restart", "clash_resolve", "chaintoolong"):
	eq("stat " + k, sums[k], val.get(("ctop_conntrack_stat_%s_total" % k, ())))
	eq("type of stat " + k, "counter", families.get("ctop_conntrack_stat_" + k))
lines = [l.split() for l in open(d + "/ct") if l.strip()]
eq("not assured", sum(1 for t in lines if "[ASSURED]" not in t),
   val.get(("ctop_conntrack_not_assured", ())))
states = collections.Counter()
srcs = collections.Counter()
for t in lines:
	st = t[5] if "=" not in t[5] and t[2] in ("tcp", "sctp") else ""
	states[(("proto", t[2]), ("state", st))] += 1
	srcs[next(x for x in t if x.startswith("src="))[4:]] += 1
got = {s[1]: s[2] for s in samples if s[0] == "ctop_conntrack_flows"}
eq("per-state flows", dict(states), got)
top = [s for s in samples if s[0] == "ctop_conntrack_source_flows"]
eq("top sources", 10, len(top))
for s in top:
	eq("source " + s[1][0][1], srcs[s[1][0][1]], s[2])
if errs:
	print("\n".join(errs))
	sys.exit(1)
PY

python3 "$TMPD/check.py" "$TMPD/om" "$TMPD" || fail "-o openmetrics output"
ok "-o openmetrics parses and equals the kernel's figures"
python3 "$TMPD/check.py" "$TMPD/om2" "$TMPD" || fail "--stats -o openmetrics output"
ok "--stats -o openmetrics parses and equals the kernel's figures"
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null; then
	/usr/bin/python3 "$TMPD/check.py" "$TMPD/om" "$TMPD" | grep -q '^prometheus_client parser' ||
		fail "prometheus_client did not read the output"
	ok "prometheus_client's OpenMetrics parser reads it"
fi

# Every snapshot of -b -n N is a complete exposition.
"$CTOP" --netns "$NS" -b -n 2 -d 0.1 -o openmetrics >"$TMPD/om3" || fail "-b -n 2 exited $?"
assert_eq "# EOF per snapshot" 2 "$(grep -cx '# EOF' "$TMPD/om3")"

# Options that do not fit are refused with status 2.
"$CTOP" --netns "$NS" -o openmetrics --timeouts >/dev/null 2>&1
assert_eq "openmetrics with --timeouts" 2 "$?"
"$CTOP" --netns "$NS" -o openmetrics -g src >/dev/null 2>&1
assert_eq "openmetrics with -g" 2 "$?"
exit 0
