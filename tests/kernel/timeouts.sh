#!/usr/bin/env bash
# ctop --timeouts: the sysctl values and their sysctl -w lines, flows per
# state (and over an hour left) equal to conntrack -L, cttimeout policies
# (none, then one made with nfct) in text and JSON. ctop --expect: empty,
# then a real FTP expectation made by the ftp helper on a fake server.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"
. "$here/ftp.bash"

command -v nfct >/dev/null || fail "nfct is not installed (make deps installs it)"

ns_new NS
fill_kinds "$NS"
# Parked flows: more than an hour left.
_ins "$NS" -p tcp -s 10.7.0.1 -d 10.7.0.2 --sport 1 --dport 80 --state ESTABLISHED -t 7200 -u ASSURED,SEEN_REPLY
_ins "$NS" -p tcp -s 10.7.0.1 -d 10.7.0.2 --sport 2 --dport 80 --state ESTABLISHED -t 432000 -u ASSURED,SEEN_REPLY
_ins "$NS" -p tcp -s 10.7.0.1 -d 10.7.0.2 --sport 3 --dport 80 --state TIME_WAIT -t 5000
_ins "$NS" -p udp -s 10.7.0.1 -d 10.7.0.2 --sport 4 --dport 53 -t 4000

# No policy yet: the list says so.
"$CTOP" --netns "$NS" -1 --timeouts >"$TMPD/text" || fail "ctop --timeouts exited $?"
grep -qx "cttimeout policies: none" "$TMPD/text" ||
	fail "empty policy list: $(grep cttimeout "$TMPD/text")"
assert_eq "no policies in JSON" "[]" \
	"$("$CTOP" --netns "$NS" -1 --timeouts -o json | jq -c .policies)"

ip netns exec "$NS" nfct add timeout ctop-slow inet tcp established 100 syn_sent 7 ||
	fail "nfct add timeout failed"
ip netns exec "$NS" nfct add timeout ctop-udp inet udp replied 45 ||
	fail "nfct add timeout (udp) failed"

"$CTOP" --netns "$NS" -1 --timeouts >"$TMPD/text" || fail "ctop --timeouts exited $?"
"$CTOP" --netns "$NS" -1 --timeouts -o json >"$TMPD/json" ||
	fail "ctop --timeouts -o json exited $?"
ct_dump "$NS" "$TMPD/ct"
for f in /proc/sys/net/netfilter/nf_conntrack_*timeout*; do
	printf '%s %s\n' "${f##*/}" "$(ip netns exec "$NS" cat "$f")"
done >"$TMPD/sysctls"

python3 - "$TMPD" <<'PY' || fail "--timeouts differs from the kernel"
import collections, json, sys
d = sys.argv[1]
j = json.load(open(d + "/json"))
errs = []
def eq(what, want, got):
	if want != got:
		errs.append("%s: kernel %r, ctop %r" % (what, want, got))

sysctls = dict(l.split() for l in open(d + "/sysctls"))
rows = {r["sysctl"][len("net.netfilter."):]: r for r in j["timeouts"]}
for name, value in sysctls.items():
	if name not in rows:
		if "frag" not in name:
			errs.append("sysctl %s not shown" % name)
		continue
	r = rows[name]
	eq(name, int(value), r["seconds"])
	eq(name + " command", "sysctl -w net.netfilter.%s=%s" % (name, value),
	   r["command"])

# Flows per state, and those with more than an hour left.
lines = [l.split() for l in open(d + "/ct") if l.strip()]
flows = collections.Counter()
parked = collections.Counter()
for t in lines:
	proto, timeout = t[2], int(t[4])
	if proto == "udplite":
		proto = "udp"
	if proto in ("tcp", "sctp"):
		key = "nf_conntrack_%s_timeout_%s" % (proto, t[5].lower())
	elif proto == "udp":
		key = "nf_conntrack_udp_timeout" + ("_stream" if "[ASSURED]" in t else "")
	elif proto == "gre":
		key = "nf_conntrack_gre_timeout" + ("" if "[UNREPLIED]" in t else "_stream")
	elif proto in ("icmp", "icmpv6"):
		key = "nf_conntrack_%s_timeout" % proto
	else:
		key = "nf_conntrack_generic_timeout"
	flows[key] += 1
	if timeout > 3600:
		parked[key] += 1
for name, r in rows.items():
	if r["flows"] is None:
		continue
	eq(name + " flows", flows[name], r["flows"])
	eq(name + " over_1h", parked[name], r["over_1h"])
eq("flows", len(lines), j["flows"])
eq("parked established", 2, rows["nf_conntrack_tcp_timeout_established"]["over_1h"])

pol = {p["name"]: p for p in j["policies"]}
eq("policies", ["ctop-slow", "ctop-udp"], sorted(pol))
p = pol.get("ctop-slow", {})
eq("policy family", "inet", p.get("family"))
eq("policy proto", "tcp", p.get("proto"))
eq("policy established", 100, p.get("timeouts", {}).get("ESTABLISHED"))
eq("policy syn_sent", 7, p.get("timeouts", {}).get("SYN_SENT"))
eq("udp policy replied", 45, pol.get("ctop-udp", {}).get("timeouts", {}).get("REPLIED"))
eq("policies_error", None, j["policies_error"])
if errs:
	print("\n".join(errs))
	sys.exit(1)
PY
ok "--timeouts JSON equals the sysctls, conntrack -L and nfct"

grep -qE "^  ctop-slow inet tcp .*: SYN_SENT=7 .*ESTABLISHED=100 " "$TMPD/text" ||
	fail "policy line: $(grep ctop-slow "$TMPD/text")"
grep -qE "^tcp +ESTABLISHED +[0-9]+ .* sysctl -w net\.netfilter\.nf_conntrack_tcp_timeout_established=[0-9]+$" "$TMPD/text" ||
	fail "text established row: $(grep ESTABLISHED "$TMPD/text" | head -n 1)"
est=$(jq '.timeouts[] | select(.state == "ESTABLISHED" and .proto == "tcp") | "\(.flows) \(.over_1h)"' -r "$TMPD/json")
grep -qE "^tcp +ESTABLISHED .* ${est% *} +${est#* }  sysctl" "$TMPD/text" ||
	fail "text flows/over_1h for ESTABLISHED ($est)"
ok "--timeouts text"

# Read-only: the values are as before.
for f in /proc/sys/net/netfilter/nf_conntrack_*timeout*; do
	printf '%s %s\n' "${f##*/}" "$(ip netns exec "$NS" cat "$f")"
done | cmp -s - "$TMPD/sysctls" || fail "a timeout sysctl changed"

# ---- expectations ----
"$CTOP" --netns "$NS" -1 --expect >"$TMPD/exp" || fail "ctop --expect exited $?"
assert_eq "no expectations" "# no expectations" "$(cat "$TMPD/exp")"
assert_eq "no expectations (JSON)" "0 []" \
	"$("$CTOP" --netns "$NS" -1 --expect -o json | jq -r '"\(.count) \(.expectations)"')"

# The ftp helper on the control connection, then a server that answers
# PASV: the kernel expects the data connection.
ns_new FTP
ftp_expect "$FTP" 127.0.0.1 60
ip netns exec "$FTP" conntrack -L expect >"$TMPD/ctexp" 2>/dev/null
"$CTOP" --netns "$FTP" -1 --expect >"$TMPD/exp"; r1=$?
"$CTOP" --netns "$FTP" -1 --expect -o json >"$TMPD/expj"; r2=$?
kill "$FTP_PID" 2>/dev/null
wait "$FTP_PID" 2>/dev/null
assert_eq "--expect status" "0 0" "$r1 $r2"
assert_eq "kernel expectations" 1 "$(wc -l <"$TMPD/ctexp")"
# 298 proto=6 src=127.0.0.1 dst=127.0.0.1 sport=0 dport=50000 mask-src=...
python3 - "$TMPD/ctexp" "$TMPD/expj" <<'PY' || fail "--expect differs from conntrack -L expect"
import json, sys
t = open(sys.argv[1]).read().split()
j = json.load(open(sys.argv[2]))
e = j["expectations"][0]
kv = {}
order = []
for x in t[1:]:
	if "=" in x:
		k, v = x.split("=", 1)
		order.append((k, v))
# Keys repeat (sport/dport for tuple, mask and master): walk in order.
tuple_, mask, master = order[1:5], order[5:9], order[9:13]
want = {
	"tuple": {"src": tuple_[0][1], "dst": tuple_[1][1], "sport": int(tuple_[2][1]), "dport": int(tuple_[3][1])},
	"mask": {"src": mask[0][1], "dst": mask[1][1], "sport": int(mask[2][1]), "dport": int(mask[3][1])},
	"master": {"src": master[0][1], "dst": master[1][1], "sport": int(master[2][1]), "dport": int(master[3][1])},
}
errs = []
for part, fields in want.items():
	for k, v in fields.items():
		if e[part][k] != v:
			errs.append("%s %s: kernel %r, ctop %r" % (part, k, v, e[part][k]))
helper = dict(order).get("helper")
if e["helper"] != helper:
	errs.append("helper: kernel %r, ctop %r" % (helper, e["helper"]))
if not (0 < e["timeout"] <= int(t[0]) + 1):
	errs.append("timeout: kernel %s, ctop %d" % (t[0], e["timeout"]))
if j["count"] != 1 or e["tuple"]["proto"] != "tcp" or e["master"]["dport"] != 21:
	errs.append("count/proto/master port: %r" % j)
if errs:
	print("\n".join(errs))
	sys.exit(1)
PY
grep -qE "^tcp +[0-9]+ +ftp +127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:21 +127\.0\.0\.1:0 -> 127\.0\.0\.1:50000 " "$TMPD/exp" ||
	fail "--expect text: $(cat "$TMPD/exp")"
grep -qx "# 1 expectation" "$TMPD/exp" || fail "--expect text summary"
ok "--expect shows the ftp helper's expectation as conntrack -L expect does"
exit 0
