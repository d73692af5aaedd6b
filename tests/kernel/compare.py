#!/usr/bin/env python3
"""Compare ctop's JSON output with `conntrack -L -o extended,id`.

The kernel tests dump one namespace twice, once with conntrack(8) and once
with ctop, and hand both files to this script:

  compare.py flows CT_FILE JSON_FILE [--filter EXPR] [--tolerance SECONDS]
      The JSON holds exactly the flows of CT_FILE (or those that EXPR
      selects, EXPR being one of the filters this script knows), and each
      flow agrees field by field.
  compare.py groups KEY CT_FILE JSON_FILE [--top N]
      ctop's --group KEY output has the per-key counts of CT_FILE.
  compare.py count CT_FILE [--filter EXPR]
      Print how many flows of CT_FILE EXPR selects.
  compare.py expect JSON_FILE ipv4=CT_FILE ipv6=CT_FILE
      ctop --expect -o json holds exactly the expectations of the
      `conntrack -L expect -f FAMILY` outputs, field by field.

With --kinds, `flows` prints how many entries of each kind it compared
(families, protocols, NAT, zones, marks, labels, helpers, RELATED
children, ...); --require KIND,... fails when one of them is missing, so
a bed whose traffic stopped making some kind cannot pass unnoticed.
Labels are compared when the conntrack output has them (-o labels with
a map naming bit N "bitN").

Exit 0 when everything matches, 1 with a list of differences otherwise.
"""

import argparse
import ipaddress
import json
import math
import os
import sys

PORT_PROTOS = {6, 17, 33, 132, 136}	# tcp udp dccp sctp udplite
ICMP_PROTOS = {1, 58}
GRE = 47

# Trailer fields: once one is seen the tuples are over.
TRAILER = {"mark", "use", "secctx", "zone", "labels", "helper"}

# Differences between ctop and conntrack(8) that are known and not yet
# fixed, by name: each is reported with its count when it is met, never
# passed silently. Remove an entry once the fix has landed.
KNOWN = {}


def norm_addr(s):
	return str(ipaddress.ip_address(s))


def num(s):
	return int(s, 16) if s.lower().startswith("0x") else int(s)


class Flow:
	"""One line of conntrack -L -o extended,id."""

	def __init__(self, line):
		tok = line.split()
		self.line = line.rstrip("\n")
		self.family = tok[0]
		self.proto = tok[2]
		self.protonum = int(tok[3])
		self.timeout = int(tok[4])
		self.state = None
		self.flags = set()
		self.mark = 0
		self.zone = 0
		self.id = None
		self.delta = None	# seconds since start (timestamps on)
		self.labels = None	# bit numbers; None: not printed
		self.helper = None
		tuples = [{}, {}]
		side = -1
		trailer = False
		for t in tok[5:]:
			if t.startswith("[") and t.endswith("]"):
				if "=" not in t:
					self.flags.add(t[1:-1])
				continue
			if "=" not in t:
				if side < 0:
					self.state = t
				continue
			k, v = t.split("=", 1)
			if k == "src" and not trailer:
				side += 1
			if not trailer and k in TRAILER:
				trailer = True
			if trailer:
				if k == "mark":
					self.mark = int(v)
				elif k == "zone":
					self.zone = int(v)
				elif k == "id":
					self.id = int(v)
				elif k == "delta-time":
					self.delta = int(v)
				elif k == "labels":
					self.labels = sorted(
						int(n[3:]) for n in v.split(",")
						if n.startswith("bit"))
				elif k == "helper":
					self.helper = v
				continue
			if 0 <= side <= 1:
				tuples[side][k] = v
		if side != 1:
			raise ValueError("not two tuples: " + self.line)
		# CTA_ZONE (zone=) is both directions' zone; a zone of one
		# direction only is printed inside its tuple.
		self.zone_orig = int(tuples[0].get("zone-orig", self.zone))
		self.zone_reply = int(tuples[1].get("zone-reply", self.zone))
		self.orig = self.tuple_of(tuples[0])
		self.reply = self.tuple_of(tuples[1])
		# Counters are printed inside each tuple when accounting is on.
		self.counters = None
		if "packets" in tuples[0]:
			self.counters = tuple((int(t["packets"]), int(t["bytes"]))
					      for t in tuples)

	def tuple_of(self, t):
		"""(src, dst, p1, p2, type, code): p1/p2 are the ports, the ICMP
		id (p2 = 0) or the GRE keys; 0 where absent."""
		src = norm_addr(t["src"])
		dst = norm_addr(t["dst"])
		typ = code = None
		if self.protonum in PORT_PROTOS:
			p1, p2 = int(t["sport"]), int(t["dport"])
		elif self.protonum in ICMP_PROTOS:
			p1, p2 = int(t.get("id", 0)), 0
			typ, code = int(t["type"]), int(t["code"])
		elif self.protonum == GRE:
			p1, p2 = num(t.get("srckey", "0")), num(t.get("dstkey", "0"))
		else:
			p1 = p2 = 0
		return (src, dst, p1, p2, typ, code)

	def key(self):
		o = self.orig
		return (self.protonum, o[0], o[1], o[2], o[3], o[4], o[5],
			self.zone_orig, self.zone_reply)

	# Derived properties, as ctop documents them (flow.h).
	def assured(self):
		return "ASSURED" in self.flags

	def unreplied(self):
		return "UNREPLIED" in self.flags

	def nat(self):
		o, r = self.orig, self.reply
		snat = r[1] != o[0]
		dnat = r[0] != o[1]
		if self.protonum in ICMP_PROTOS:
			snat = snat or r[2] != o[2]
		else:
			snat = snat or r[3] != o[2]
			dnat = dnat or r[2] != o[3]
		if snat and dnat:
			return "both"
		if snat:
			return "snat"
		if dnat:
			return "dnat"
		return None

	def has_ports(self):
		return self.protonum in PORT_PROTOS


def load_ct(path):
	flows = []
	with open(path) as f:
		for line in f:
			if not line.strip() or line.startswith("conntrack v"):
				continue
			flows.append(Flow(line))
	return flows


def load_json(path):
	with open(path) as f:
		text = f.read()
	docs = [json.loads(l) for l in text.splitlines() if l.strip()]
	if len(docs) != 1:
		raise ValueError("expected one JSON object, got %d" % len(docs))
	return docs[0]


def json_key(j):
	"""The same key as Flow.key() from one of ctop's JSON flows."""
	p = j["protonum"]
	typ = code = None
	if p in PORT_PROTOS:
		p1, p2 = j["sport"], j["dport"]
	elif p in ICMP_PROTOS:
		p1, p2 = j["icmp"]["id"], 0
		typ, code = j["icmp"]["type"], j["icmp"]["code"]
	elif p == GRE:
		p1, p2 = j["gre"]["src_key"], j["gre"]["dst_key"]
	else:
		p1 = p2 = 0
	return (p, norm_addr(j["src"]), norm_addr(j["dst"]), p1, p2, typ, code,
		j["zone_orig"], j["zone_reply"])


def in_net(addr, net):
	a = ipaddress.ip_address(addr)
	n = ipaddress.ip_network(net, strict=False)
	return a.version == n.version and a in n


# The filters the kernel tests use, as Python predicates over conntrack -L.
FILTERS = {
	"": lambda f: True,
	"tcp": lambda f: f.protonum == 6,
	"udp": lambda f: f.protonum == 17,
	"udp and unreplied": lambda f: f.protonum == 17 and f.unreplied(),
	"not assured": lambda f: not f.assured(),
	"assured": lambda f: f.assured(),
	"src 10.1.0.0/16": lambda f: in_net(f.orig[0], "10.1.0.0/16"),
	"dst fd00::/64": lambda f: in_net(f.orig[1], "fd00::/64"),
	"dport 80-90": lambda f: f.has_ports() and 80 <= f.orig[3] <= 90,
	"mark 5": lambda f: f.mark == 5,
	"zone 3": lambda f: f.zone == 3,
	"state time_wait": lambda f: (f.state or "").upper() == "TIME_WAIT",
	"ipv6": lambda f: f.family == "ipv6",
	"nat": lambda f: f.nat() is not None,
	"snat": lambda f: f.nat() in ("snat", "both"),
	"dnat": lambda f: f.nat() in ("dnat", "both"),
	"tcp and (dport 80 or dport 443)":
		lambda f: f.protonum == 6 and f.orig[3] in (80, 443),
	"reply src 10.9.9.9": lambda f: f.reply[0] == "10.9.9.9",
	"icmp or icmpv6": lambda f: f.protonum in ICMP_PROTOS,
	"gre or sctp or dccp": lambda f: f.protonum in (47, 132, 33),
}


def select(flows, expr):
	if expr not in FILTERS:
		raise SystemExit("compare.py: no Python predicate for filter %r"
				 % expr)
	return [f for f in flows if FILTERS[expr](f)]


def check_flow(c, j, tol, errs, dumped_at):
	"""Field-by-field comparison of one conntrack line with one JSON flow."""
	def bad(what, want, got):
		errs.append("%s: %s: conntrack %r, ctop %r"
			    % (c.line, what, want, got))

	if j["id"] != c.id:
		bad("id", c.id, j["id"])
	if j["family"] != c.family:
		bad("family", c.family, j["family"])
	# conntrack prints "unknown" for protocols it has no tracker for;
	# ctop names a few of those (esp, ah) and prints others' numbers.
	named = {50: "esp", 51: "ah"}
	want_proto = c.proto
	if c.proto == "unknown":
		want_proto = named.get(c.protonum, str(c.protonum))
	if j["proto"] not in (c.proto, want_proto):
		bad("proto", want_proto, j["proto"])
	st = j["state"].upper() if j["state"] is not None else None
	want = c.state.upper() if c.state else None
	# conntrack(8) prints no DCCP state (and this kernel may track DCCP
	# as a generic protocol); compare only what it shows.
	if st != want and not (c.protonum == 33 and want is None):
		bad("state", want, j["state"])
	if j["timeout"] is None or abs(j["timeout"] - c.timeout) > tol:
		bad("timeout", c.timeout, j["timeout"])
	r = j["reply"]
	if norm_addr(r["src"]) != c.reply[0] or norm_addr(r["dst"]) != c.reply[1]:
		bad("reply addresses", c.reply[:2], (r["src"], r["dst"]))
	if c.has_ports():
		if (r["sport"], r["dport"]) != c.reply[2:4]:
			bad("reply ports", c.reply[2:4], (r["sport"], r["dport"]))
	else:
		if j["sport"] is not None or j["dport"] is not None:
			bad("ports of a portless protocol", None,
			    (j["sport"], j["dport"]))
	flags = set(j["flags"])
	for name in ("ASSURED", "UNREPLIED", "OFFLOAD", "HW_OFFLOAD"):
		if (name in c.flags) != (name in flags):
			bad("flag " + name, name in c.flags, sorted(flags))
	if ("SEEN_REPLY" in flags) == c.unreplied():
		bad("SEEN_REPLY", not c.unreplied(), sorted(flags))
	if j["mark"] != c.mark:
		bad("mark", c.mark, j["mark"])
	if j["zone"] != c.zone:
		bad("zone", c.zone, j["zone"])
	if (j["zone_orig"], j["zone_reply"]) != (c.zone_orig, c.zone_reply):
		bad("zone_orig/zone_reply", (c.zone_orig, c.zone_reply),
		    (j["zone_orig"], j["zone_reply"]))
	if c.labels is not None and sorted(j.get("labels") or []) != c.labels:
		bad("labels", c.labels, j.get("labels"))
	if j.get("helper") != c.helper:
		bad("helper", c.helper, j.get("helper"))
	if j["nat"] != c.nat():
		bad("nat", c.nat(), j["nat"])
	if c.protonum in ICMP_PROTOS:
		ic = j.get("icmp")
		want = (c.orig[4], c.orig[5], c.orig[2])
		got = (ic["type"], ic["code"], ic["id"]) if ic else None
		if got != want:
			bad("icmp type/code/id", want, got)
	if c.counters is not None:
		k = j.get("counters")
		got = None
		if k:
			got = ((k["orig"]["packets"], k["orig"]["bytes"]),
			       (k["reply"]["packets"], k["reply"]["bytes"]))
		if got != c.counters:
			bad("counters", c.counters, got)
	if c.delta is not None and dumped_at:
		want = dumped_at - c.delta
		if j.get("start") is None or abs(j["start"] - want) > tol + 1:
			bad("start", want, j.get("start"))
	if c.protonum == GRE:
		g = j.get("gre")
		got = (g["src_key"], g["dst_key"]) if g else None
		if got != c.orig[2:4]:
			bad("gre keys", c.orig[2:4], got)


def kinds(c, j):
	"""The kinds of entry a compared pair is, for the counts."""
	k = [c.family, c.proto]
	if c.state:
		k.append(c.proto + " " + c.state.upper())
	if c.unreplied():
		k.append("unreplied")
	if c.assured():
		k.append("assured")
	nat = c.nat()
	if nat:
		k.append(nat)
	if c.zone:
		k.append("zone")
	if c.zone_orig != c.zone:
		k.append("zone-orig")
	if c.zone_reply != c.zone:
		k.append("zone-reply")
	if c.mark:
		k.append("mark")
	if c.labels:
		k.append("labels")
	if c.helper:
		k.append("helper")
	if c.counters is not None:
		k.append("counters")
	if c.delta is not None:
		k.append("timestamp")
	if "EXPECTED" in j["flags"]:
		k.append("related")
	return k


def cmd_flows(a):
	ct = select(load_ct(a.ct), a.filter)
	doc = load_json(a.json)
	js = doc["flows"]
	errs = []
	for name, why in KNOWN.items():
		print("KNOWN: %s: %s" % (name, why))
	if doc.get("shown") != len(js):
		errs.append("JSON shown %r but %d flows listed"
			    % (doc.get("shown"), len(js)))
	if len(js) != len(ct):
		errs.append("count: conntrack %d, ctop %d" % (len(ct), len(js)))
	cmap = {}
	for c in ct:
		if c.key() in cmap:
			errs.append("duplicate conntrack key %r" % (c.key(),))
		cmap[c.key()] = c
	jmap = {}
	for j in js:
		k = json_key(j)
		if k in jmap:
			errs.append("duplicate ctop flow %r" % (k,))
		jmap[k] = j
	missing = set(cmap) - set(jmap)
	extra = set(jmap) - set(cmap)
	for k in sorted(missing, key=repr)[:10]:
		errs.append("missing in ctop: " + cmap[k].line)
	for k in sorted(extra, key=repr)[:10]:
		errs.append("not in conntrack: " + json.dumps(jmap[k]))
	if len(missing) > 10 or len(extra) > 10:
		errs.append("(%d missing, %d extra in all)"
			    % (len(missing), len(extra)))
	counts = {}
	tol = drift_tolerance(a)
	for k in set(cmap) & set(jmap):
		check_flow(cmap[k], jmap[k], tol, errs,
			   os.path.getmtime(a.ct))
		for kind in kinds(cmap[k], jmap[k]):
			counts[kind] = counts.get(kind, 0) + 1
	if a.expected_ids:
		# conntrack -L -u EXPECTED: the RELATED children, by id.
		want = {c.id for c in load_ct(a.expected_ids)}
		got = {j["id"] for j in js if "EXPECTED" in j["flags"]}
		if want != got:
			errs.append("RELATED children: conntrack ids %s, ctop %s"
				    % (sorted(want), sorted(got)))
	if a.kinds:
		print("compared: " + ", ".join("%s %d" % (k, counts[k])
					       for k in sorted(counts)))
	for k in (a.require.split(",") if a.require else []):
		if not counts.get(k):
			errs.append("no entry of kind %r was compared" % k)
	return report(errs, "%d flows match (filter %r)" % (len(ct), a.filter))


def group_key(by, f):
	o = f.orig
	if by == "src":
		return o[0]
	if by == "dst":
		return o[1]
	if by == "pair":
		return "%s -> %s" % (o[0], o[1])
	if by in ("sport", "dport"):
		if not f.has_ports():
			return f.proto
		return "%s/%d" % (f.proto, o[2] if by == "sport" else o[3])
	if by == "proto":
		return f.proto
	if by == "state":
		return "%s %s" % (f.proto, f.state.upper() if f.state else "-")
	if by == "mark":
		return "0x%x" % f.mark
	if by == "zone":
		return str(f.zone)
	raise SystemExit("compare.py: unknown group " + by)


def expected_groups(by, flows):
	counts = {}
	for f in flows:
		k = group_key(by, f)
		counts[k] = counts.get(k, 0) + 1
	return counts


def cmd_groups(a):
	every = load_ct(a.ct)
	flows = select(every, a.filter)
	want = expected_groups(a.key, flows)
	doc = load_json(a.json)
	errs = []
	if doc.get("group") != a.key:
		errs.append("group %r, expected %r" % (doc.get("group"), a.key))
	if doc.get("total") != len(flows):
		errs.append("total: conntrack %d, ctop %r"
			    % (len(flows), doc.get("total")))
	rows = doc["groups"]
	got = {}
	for r in rows:
		k = r["key"]
		if a.key in ("src", "dst"):
			k = norm_addr(k)
		if k in got:
			errs.append("duplicate group row %r" % k)
		got[k] = r["flows"]
	counts = [r["flows"] for r in rows]
	if counts != sorted(counts, reverse=True):
		errs.append("rows not sorted by flows: %r" % counts[:20])
	if a.top:
		top = sorted(want.values(), reverse=True)[:a.top]
		if counts != top:
			errs.append("--top %d counts %r, expected %r"
				    % (a.top, counts, top))
		for k, n in got.items():
			if want.get(k) != n:
				errs.append("group %r: conntrack %r, ctop %d"
					    % (k, want.get(k), n))
	else:
		for k in sorted(set(want) | set(got)):
			if want.get(k) != got.get(k):
				errs.append("group %r: conntrack %r, ctop %r"
					    % (k, want.get(k), got.get(k)))
	# Shares are of the whole table (ctop's "who fills my table"), also
	# when a filter narrowed the flows grouped.
	total = max(len(every), sum(want.values()))
	if doc.get("ngroups") != len(want):
		errs.append("ngroups: conntrack %d, ctop %r"
			    % (len(want), doc.get("ngroups")))
	for r in rows:
		share = r["share"]
		if total and abs(share - r["flows"] / total) > 0.001 and \
		   abs(share - 100.0 * r["flows"] / total) > 0.1:
			errs.append("group %r: share %r for %d of %d"
				    % (r["key"], share, r["flows"], total))
	return report(errs, "%d %s groups match" % (len(rows), a.key))


class Expect:
	"""One line of conntrack -L expect."""

	def __init__(self, line, fam):
		self.line = line.rstrip("\n")
		tok = self.line.split()
		self.family = fam
		self.timeout = int(tok[0])
		self.fields = {}
		self.zone = 0
		self.cls = None
		self.helper = None
		self.flags = set()
		groups = {"": [], "mask-": [], "master-": []}
		cur = None
		for t in tok[1:]:
			if "=" not in t:
				self.flags.update(t.split(","))
				continue
			k, v = t.split("=", 1)
			if k == "proto":
				self.protonum = int(v)
			elif k in ("src", "mask-src", "master-src"):
				cur = groups[k[:-3]]
				cur.append(norm_addr(v))
			elif k in ("dst", "mask-dst", "master-dst"):
				cur.append(norm_addr(v))
			elif k in ("sport", "dport"):
				cur.append(int(v))
			elif k == "class":
				self.cls = int(v)
			elif k == "helper":
				self.helper = v
			elif k == "zone":
				self.zone = int(v)
			else:
				self.fields[k] = v
		self.tuple = tuple(groups[""])
		self.mask = tuple(groups["mask-"])
		self.master = tuple(groups["master-"])

	def key(self):
		return (self.family, self.protonum, self.master, self.tuple)


def json_tuple4(t):
	return (norm_addr(t["src"]), norm_addr(t["dst"]), t["sport"], t["dport"])


def cmd_expect(a):
	ct = []
	for arg in a.ct:
		fam, path = arg.split("=", 1)
		with open(path) as f:
			for line in f:
				if line.strip() and not line.startswith("conntrack v"):
					ct.append(Expect(line, fam))
	doc = load_json(a.json)
	js = doc["expectations"]
	errs = []
	if doc.get("count") != len(js):
		errs.append("count %r but %d listed" % (doc.get("count"), len(js)))
	if len(js) != len(ct):
		errs.append("count: conntrack %d, ctop %d" % (len(ct), len(js)))
	cmap = {e.key(): e for e in ct}
	jmap = {}
	for j in js:
		t = j["tuple"]
		k = (t["family"], flow_protonum(t["proto"]),
		     json_tuple4(j["master"]), json_tuple4(t))
		jmap[k] = j
	for k in set(cmap) - set(jmap):
		errs.append("missing in ctop: " + cmap[k].line)
	for k in set(jmap) - set(cmap):
		errs.append("not in conntrack: " + json.dumps(jmap[k]))
	counts = {}
	for k in set(cmap) & set(jmap):
		c, j = cmap[k], jmap[k]

		def bad(what, want, got):
			errs.append("%s: %s: conntrack %r, ctop %r"
				    % (c.line, what, want, got))
		if abs(j["timeout"] - c.timeout) > drift_tolerance(a):
			bad("timeout", c.timeout, j["timeout"])
		if json_tuple4(j["mask"]) != c.mask:
			bad("mask", c.mask, json_tuple4(j["mask"]))
		if j["helper"] != c.helper:
			bad("helper", c.helper, j["helper"])
		if c.cls is not None and j["class"] != c.cls:
			bad("class", c.cls, j["class"])
		if j["zone"] != c.zone:
			bad("zone", c.zone, j["zone"])
		want = {f for f in c.flags if f in ("PERMANENT", "INACTIVE", "USERSPACE")}
		got = set(filter(None, j["flags"].split(",")))
		if want != got:
			bad("flags", sorted(want), sorted(got))
		for kind in (c.family, "%s %s" % (j["tuple"]["proto"], c.helper),
			     "nat" if c.master[1] != c.tuple[1] or
			     c.master[0] != c.tuple[0] else "no nat"):
			counts[kind] = counts.get(kind, 0) + 1
	print("compared expectations: " + ", ".join(
		"%s %d" % (k, counts[k]) for k in sorted(counts)))
	for k in (a.require.split(",") if a.require else []):
		if not counts.get(k):
			errs.append("no expectation of kind %r was compared" % k)
	return report(errs, "%d expectations match" % len(ct))


def flow_protonum(name):
	return {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "sctp": 132,
		"dccp": 33, "udplite": 136, "gre": 47}.get(name) or int(name)


def cmd_count(a):
	print(len(select(load_ct(a.ct), a.filter)))
	return 0


def report(errs, okmsg):
	if errs:
		for e in errs[:40]:
			print("MISMATCH:", e)
		if len(errs) > 40:
			print("... %d mismatches in all" % len(errs))
		return 1
	print("ok:", okmsg)
	return 0


def drift_tolerance(a):
	"""Seconds two timeouts of one entry may differ: the given slack plus
	the time between the two snapshots (their files' mtimes, and when a
	dump began), since a timeout counts down in between; on a loaded
	machine that gap can exceed any fixed slack."""
	files = [a.json] + (a.ct if isinstance(a.ct, list) else [a.ct])
	files = [f if os.path.exists(f) else f.split("=", 1)[-1] for f in files]
	# A dump made by fill.bash's ct_dump leaves FILE.start: when it began,
	# which matters when the dump itself took seconds.
	files += [f + ".start" for f in files if os.path.exists(f + ".start")]
	times = [os.path.getmtime(f) for f in files if os.path.exists(f)]
	gap = max(times) - min(times) if times else 0
	return a.tolerance + int(math.ceil(gap))


def main():
	p = argparse.ArgumentParser()
	sub = p.add_subparsers(dest="cmd", required=True)
	f = sub.add_parser("flows")
	f.add_argument("ct")
	f.add_argument("json")
	f.add_argument("--filter", default="")
	f.add_argument("--tolerance", type=int, default=3)
	f.add_argument("--kinds", action="store_true")
	f.add_argument("--require", default="")
	f.add_argument("--expected-ids", default="")
	e = sub.add_parser("expect")
	e.add_argument("json")
	e.add_argument("ct", nargs="+")
	e.add_argument("--tolerance", type=int, default=3)
	e.add_argument("--require", default="")
	g = sub.add_parser("groups")
	g.add_argument("key")
	g.add_argument("ct")
	g.add_argument("json")
	g.add_argument("--top", type=int, default=0)
	g.add_argument("--filter", default="")
	c = sub.add_parser("count")
	c.add_argument("ct")
	c.add_argument("--filter", default="")
	a = p.parse_args()
	return {"flows": cmd_flows, "groups": cmd_groups, "expect": cmd_expect,
		"count": cmd_count}[a.cmd](a)


if __name__ == "__main__":
	sys.exit(main())
