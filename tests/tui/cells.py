#!/usr/bin/env python3
"""Check that every row of a captured screen (or ctop -1 on a terminal)
shows each cell either whole, as ctop -1 writes it into a pipe, or
shortened visibly: one marker, what is left is the start and the end of
the whole value, and an endpoint keeps its port whole.

  cells.py flows SCREEN WHOLE MARKER ROWS   (WHOLE: proto src dst state)
  cells.py groups SCREEN WHOLE MARKER ROWS  (WHOLE: ctop -1 -g ... -H)
  cells.py cells CELLS WHOLE MARKER N       (one cell, one whole value a line)

ROWS is how many rows the screen must show. Prints how many cells were
whole and how many shortened; exits 1 on the first row that fails.
"""
import re
import sys


def port_of(whole):
    """The port of "[v6]:p" or "v4:p", or None."""
    m = re.fullmatch(r"\[[^]]*\]:(\d+)", whole) or \
        re.fullmatch(r"[^:]*:(\d+)", whole)
    return m.group(1) if m else None


def shortened(cell, whole, marker):
    """Whether cell is whole, or whole shortened visibly."""
    if cell == whole:
        return True
    if cell.count(marker) != 1 or len(cell) >= len(whole):
        return False
    head, tail = cell.split(marker)
    if not whole.startswith(head) or not whole.endswith(tail):
        return False
    port = port_of(whole)
    return port is None or cell.endswith(":" + port)


def pair_shortened(cell, whole, marker):
    """A group key "a -> b": each side whole or shortened."""
    if cell == whole:
        return True
    if " -> " not in cell or " -> " not in whole:
        return False
    ca, cb = cell.split(" -> ", 1)
    wa, wb = whole.split(" -> ", 1)
    return shortened(ca, wa, marker) and shortened(cb, wb, marker)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check_flows(lines, whole, marker):
    flows = [l.split() for l in whole
             if l.strip() and not l.startswith("#")]
    protos = {f[0] for f in flows}
    hdr = next((i for i, l in enumerate(lines)
                if "PROTO" in l and "SOURCE" in l), None)
    if hdr is None:
        fail("no title row")
    xs = [lines[hdr].index(t) for t in ("PROTO", "SOURCE", "DESTINATION")]
    xstate = lines[hdr].find("STATE")
    rows = []
    for l in lines[hdr + 1:]:
        tok = l[xs[0]:].split()
        if not tok or tok[0] not in protos:
            break
        rows.append(l)
    cut = whole_cells = 0
    for l in rows:
        p, s, d = (l[x:].split()[0] for x in xs)
        st = l[xstate:].split()[0] if xstate >= 0 else None
        match = [f for f in flows if f[0] == p and
                 shortened(s, f[1], marker) and shortened(d, f[2], marker)
                 and (st is None or p.startswith("icmp") or st == f[3])]
        if not match:
            fail("row is no flow's cells, whole or marked: %r" % l)
        for c, w in ((s, match[0][1]), (d, match[0][2])):
            if c == w:
                whole_cells += 1
            else:
                cut += 1
    return rows, whole_cells, cut


def check_groups(lines, whole, marker):
    keys = [re.split(r"  +", l.strip())[0] for l in whole
            if l.strip() and not l.startswith("#")]
    hdr = next((i for i, l in enumerate(lines) if "FLOWS" in l), None)
    if hdr is None:
        fail("no title row")
    rows = []
    for l in lines[hdr + 1:]:
        if not l.strip() or "help" in l or l.startswith("#"):
            break
        rows.append(l)
    cut = whole_cells = 0
    for l in rows:
        key = re.split(r"  +", l.strip())[0]
        match = [k for k in keys if pair_shortened(key, k, marker)]
        if not match:
            fail("group key is no key, whole or marked: %r" % l)
        if key == match[0]:
            whole_cells += 1
        else:
            cut += 1
    return rows, whole_cells, cut


def check_cells(cells, whole, marker):
    """Cells cut from a screen (a P view's keys, an E view's tuples)."""
    cut = whole_cells = 0
    for c in cells:
        match = [w for w in whole if shortened(c, w, marker) or
                 pair_shortened(c, w, marker)]
        if not match:
            fail("cell is no value, whole or marked: %r" % c)
        if c in whole:
            whole_cells += 1
        else:
            cut += 1
    return cells, whole_cells, cut


def main():
    mode, screen, whole, marker, want = sys.argv[1:6]
    with open(screen, encoding="utf-8") as f:
        lines = f.read().splitlines()
    with open(whole, encoding="utf-8") as f:
        wl = f.read().splitlines()
    check = {"flows": check_flows, "groups": check_groups,
             "cells": check_cells}[mode]
    rows, w, c = check(lines, wl, marker)
    if len(rows) != int(want):
        fail("%d rows checked, the screen should show %s" % (len(rows), want))
    print("%d rows: %d cells whole, %d shortened with %r" %
          (len(rows), w, c, marker))


main()
