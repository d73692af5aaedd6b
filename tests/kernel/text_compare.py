#!/usr/bin/env python3
"""Compare ctop's JSON of a table read as text with its JSON of the live table.

  text_compare.py LIVE_JSON TEXT_JSON CARRIES [SECONDS]

CARRIES is a comma-separated list of what the text dialect holds beyond
the tuples, state, timeout, flags, mark and zone: "id", "counters",
"start" (exact to the second, [start=]) or "delta" (delta-time=, start
known to a second or two); without "id" the text's ids must be null. Each flow of one side must be in the other,
matched by its tuples and zone, and agree on every field the text
carries. Timeouts may differ by the SECONDS the two reads were apart
(default 3) and a second more. Exit 0 when equal, 1 with the
differences.
"""

import json
import sys

# Flags a text line says (or implies: every listed entry is confirmed).
TEXT_FLAGS = {"ASSURED", "SEEN_REPLY", "UNREPLIED", "CONFIRMED", "OFFLOAD",
	      "HW_OFFLOAD"}
SLACK = 3	# seconds between the two reads, unless given


def key(f):
	r = f["reply"]
	return (f["family"], f["protonum"], f["src"], f["dst"], f.get("sport"),
		f.get("dport"), r["src"], r["dst"], r.get("sport"), r.get("dport"),
		json.dumps(f.get("icmp"), sort_keys=True),
		json.dumps(f.get("gre"), sort_keys=True), f.get("zone"))


def main():
	live = json.load(open(sys.argv[1]))["flows"]
	text = json.load(open(sys.argv[2]))["flows"]
	carries = set(filter(None, sys.argv[3].split(",")))
	global SLACK
	if len(sys.argv) > 4:
		SLACK = int(float(sys.argv[4])) + 2
	bad = []
	lk = {key(f): f for f in live}
	tk = {key(f): f for f in text}
	if len(lk) != len(live) or len(tk) != len(text):
		bad.append("duplicate keys: %d/%d live, %d/%d text" %
			   (len(lk), len(live), len(tk), len(text)))
	for k in lk.keys() - tk.keys():
		bad.append("missing from text: %s" % (k,))
	for k in tk.keys() - lk.keys():
		bad.append("only in text: %s" % (k,))
	for k in lk.keys() & tk.keys():
		a, b = lk[k], tk[k]
		for field in ("state", "mark", "nat", "proto", "helper", "labels"):
			if a.get(field) != b.get(field):
				bad.append("%s: %s live %r text %r" %
					   (k, field, a.get(field), b.get(field)))
		fa = sorted(set(a["flags"]) & TEXT_FLAGS)
		fb = sorted(b["flags"])
		if fa != fb:
			bad.append("%s: flags live %s text %s" % (k, fa, fb))
		if abs(a["timeout"] - b["timeout"]) > SLACK:
			bad.append("%s: timeout live %s text %s" %
				   (k, a["timeout"], b["timeout"]))
		# Text without an id= has none: null, never a made-up 0.
		want_id = a["id"] if "id" in carries else None
		if b["id"] != want_id or a["id"] is None:
			bad.append("%s: id live %s text %s" % (k, a["id"], b["id"]))
		if "counters" in carries and a.get("counters") != b.get("counters"):
			bad.append("%s: counters live %s text %s" %
				   (k, a.get("counters"), b.get("counters")))
		if "start" in carries or "delta" in carries:
			sa, sb = a.get("start"), b.get("start")
			# [start=] is exact to the second; delta-time= counts
			# from a print instant that is only known as the
			# file's last write, a few seconds late on a loaded
			# machine.
			slack = 1.0 if "start" in carries else 2 * SLACK
			if sa is None or sb is None or abs(sa - sb) > slack:
				bad.append("%s: start live %s text %s" % (k, sa, sb))
	for line in sorted(bad)[:40]:
		print(line)
	if bad:
		print("%d differences" % len(bad))
		return 1
	print("%d flows agree" % len(live))
	return 0


sys.exit(main())
