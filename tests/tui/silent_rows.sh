#!/usr/bin/env bash
# A row on screen whose flow ended without an event leaves the screen
# within a refresh or two, whatever the sweep for silent ends does: the
# rows on screen are read again every refresh (one batch of GETs), and a
# flow the kernel no longer has goes at once.
#
# The flows never report their end (silent_load, tests/lib.sh); the sweep
# gets a budget so small (--sweep-budget 0.01) that it cannot be what
# finds the end: the header's "resyncs 0  sweeps 0" says no dump ran.
. "$(dirname "$0")/../lib.sh"
trap '[ -s "$TMPD/stderr" ] && cat "$TMPD/stderr" >&2; _cleanup' EXIT

ns_new ns
# 3000 udp flows, one per source 10.0.S.S (S = 1 .. 3000).
silent_load "$ns" -n 3000 --proto udp --sources 3000 --timeout 3600

tmux_new sess 120 30 "$CTOP --netns $ns -d 1 --sweep-budget 0.01 2>$TMPD/stderr; echo \$? > $TMPD/rc"
wait_screen "$sess" 'listed 3000 '
wait_screen "$sess" 'resyncs 0  sweeps 0'
# The third flow row on screen (not the selected one): its source.
row_src() { screen_of "$sess" | grep -E '^ *udp ' | sed -n 3p |
	grep -oE '10\.0\.[0-9]+\.[0-9]+' | head -n 1; }
src=$(row_src)
[ -n "$src" ] || fail "no udp rows on screen: $(screen_of "$sess")"
ct "$ns" -D -p udp -s "$src" >/dev/null 2>&1 || fail "conntrack -D -s $src"
assert_eq "kernel after one silent end" 2999 "$(ct_count "$ns")"
# Its row goes; nothing else is deleted meanwhile, so the screen's count
# and the kernel's agree.
wait_screen "$sess" '2999/[0-9]+ +listed 2999 ' 20
scr=$(screen_of "$sess")
grep -qE "(^|[^0-9])${src//./\\.}:" <<<"$scr" &&
	fail "the row of $src is still on screen: $scr"
grep -q 'resyncs 0  sweeps 0' <<<"$scr" ||
	fail "a dump found it, not the row's read: $(sed -n 4p <<<"$scr")"
assert_eq "kernel unchanged by the screen" 2999 "$(ct_count "$ns")"
ok "a row whose flow ended silently leaves the screen without a sweep"

tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"
: >"$TMPD/stderr"
