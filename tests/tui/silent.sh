#!/usr/bin/env bash
# Flows that end without an event: the screen finds those ends itself,
# says how fresh its list is, and a delete of a flow that had already
# gone says so and removes the row.
#
# With nf_conntrack_events=2 a flow made before anyone listened has no
# event extension and never reports its end; the first flows here are
# made so (silent_load, tests/lib.sh) before ctop starts.
. "$(dirname "$0")/../lib.sh"
trap '[ -n "${listener:-}" ] && kill "$listener" 2>/dev/null; [ -s "$TMPD/stderr" ] && cat "$TMPD/stderr" >&2; _cleanup' EXIT

ns_new ns
load() { "$CTLOAD" --netns "$ns" -q "$@" >/dev/null || fail "ctload $*"; }
# 3000 udp flows, one per source 10.0.S.S (S = 1 .. 3000).
silent() { load --proto udp --sources 3000 --timeout 3600 "$@"; }
silent_load "$ns" -n 3000 --proto udp --sources 3000 --timeout 3600
# 1000 tcp flows that do send events: made under 2 while a listener is
# there, which hears their NEW. ctop cannot tell them from the silent
# ones in its first dump, so it probes them too: the listener must hear
# nothing more from that.
ip netns exec "$ns" stdbuf -oL conntrack -E -b 8388608 >"$TMPD/events" 2>/dev/null &
listener=$!
sleep 0.5
for i in $(seq 0 9); do	# in steps the listener keeps up with
	load -n 100 --first $((i * 100)) --proto tcp --sources 1000 --timeout 3600
	sleep 0.05
done
for _ in $(seq 50); do [ "$(wc -l <"$TMPD/events")" -ge 1000 ] && break; sleep 0.1; done
assert_eq "NEW events of the eventful flows" 1000 "$(grep -c 'NEW.*tcp' "$TMPD/events")"
# Header line 2: "KERNEL/MAX  listed OURS".
counts() { screen_of "$1" | sed -n 2p | grep -oE '[0-9]+/[0-9]+ +listed [0-9]+'; }

tmux_new sess 120 30 "$CTOP --netns $ns 2>$TMPD/stderr; echo \$? > $TMPD/rc"
wait_screen "$sess" 'listed 4000 '
wait_screen "$sess" 'events on, silent ends within [0-9]+ s'
ok "the header bounds how long a silent end stays listed"

# 500 of them end; no event says so. Every flow listed may be silent:
# probes find the 500 (or a dump, where the costs measured on a busy
# machine make one of 4000 flows look cheaper; the small set below must
# be probed).
silent -n 500 --delete
assert_eq "kernel after 500 silent ends" 3500 "$(ct_count "$ns")"
wait_screen "$sess" '3500/[0-9]+ +listed 3500 ' 30
wait_screen "$sess" 'resyncs 0  sweeps [0-9]' 5
ok "silent ends found when every flow listed may be silent"
# The probes changed nothing and made nothing: no event, no new entry
# for the 500 tuples asked about after they went.
# The listener does hear: one icmp flow made and deleted is its only two
# events.
sleep 1
load -n 1 --proto icmp --sources 1 --timeout 3600
load -n 1 --proto icmp --sources 1 --delete
for _ in $(seq 50); do [ "$(wc -l <"$TMPD/events")" -ge 1002 ] && break; sleep 0.1; done
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
assert_eq "events while probing" "NEW icmp DESTROY icmp" \
	"$(awk 'NR > 1000 { gsub(/[][]/, "", $1); printf "%s%s %s", (NR > 1001 ? " " : ""), $1, $2 }' "$TMPD/events")"
assert_eq "kernel after probing" 3500 "$(ct_count "$ns")"

# 20,000 flows born while ctop listens report their end; the silent set
# (3500) is now a small part of the table: its ends are found by
# probing those flows, with no dump.
load -n 20000 --proto udp --ipv6 --sources 20000 --timeout 3600
wait_screen "$sess" '23500/[0-9]+ +listed 23500 ' 30
sweeps=$(screen_of "$sess" | grep -oE 'sweeps [0-9]+')
silent -n 300 --first 500 --delete
assert_eq "kernel after 300 more silent ends" 23200 "$(ct_count "$ns")"
wait_screen "$sess" '23200/[0-9]+ +listed 23200 ' 60
scr=$(screen_of "$sess")
grep -q "$sweeps" <<<"$scr" || fail "a dump ran: $(sed -n 4p <<<"$scr") (was $sweeps)"
grep -q 'resyncs 0' <<<"$scr" || fail "a resync ran: $(sed -n 4p <<<"$scr")"
ok "silent ends found in a small set by probes"

# Events for the others still go at once.
load -n 1000 --proto udp --ipv6 --sources 20000 --delete
wait_screen "$sess" '22200/[0-9]+ +listed 22200 ' 10
tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"

# A delete of a flow that had already gone. No sweep (budget 0) and a
# slow refresh, so the row is still listed when the key is pressed; the
# flow is 10.0.11.184 (entry 2999).
rm -f "$TMPD/rc"
tmux_new sess2 120 30 "$CTOP --netns $ns --sweep-budget 0 -d 60 src 10.0.11.184 2>$TMPD/stderr; echo \$? > $TMPD/rc"
wait_screen "$sess2" 'shown 1( |$)'
wait_screen "$sess2" 'silent ends not looked for'
ct "$ns" -D -p udp -s 10.0.11.184 >/dev/null 2>&1 || fail "conntrack -D"
screen_of "$sess2" | grep -qE 'shown 1( |$)' || skip "the row went before the key"
tmux send-keys -t "$sess2" d
wait_screen "$sess2" 'Delete this flow from the kernel'
tmux send-keys -t "$sess2" Enter
wait_screen "$sess2" 'deleted 0 \(1 already gone\), failed 0'
wait_screen "$sess2" 'shown 0( |$)'
assert_eq "kernel unchanged by the delete" 22199 "$(ct_count "$ns")"
ok "deleting a flow that already went says so and drops its row"
tmux send-keys -t "$sess2" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"

# With nf_conntrack_events=1 every flow reports its end: no set, no
# bound in the header, and no whole-table re-read for ends, which come as
# events.
ns_new ns1
ip netns exec "$ns1" sysctl -qw net.netfilter.nf_conntrack_events=1 ||
	skip "cannot set nf_conntrack_events in a namespace"
"$CTLOAD" --netns "$ns1" -q -n 2000 --proto udp --sources 2000 --timeout 3600 >/dev/null ||
	fail "ctload"
rm -f "$TMPD/rc"
tmux_new sess3 120 30 "$CTOP --netns $ns1 2>$TMPD/stderr; echo \$? > $TMPD/rc"
wait_screen "$sess3" 'listed 2000 '
scr=$(screen_of "$sess3")
grep -q 'silent ends' <<<"$scr" && fail "events=1, yet: $(sed -n 1p <<<"$scr")"
"$CTLOAD" --netns "$ns1" -q -n 500 --proto udp --sources 2000 --delete >/dev/null ||
	fail "ctload --delete"
wait_screen "$sess3" '1500/[0-9]+ +listed 1500 ' 10
sleep 2
scr=$(screen_of "$sess3")
grep -q 'resyncs 0  sweeps 0' <<<"$scr" || fail "a re-read ran: $(sed -n 4p <<<"$scr")"
ok "events=1: ends come as events, no silent set and no re-read"
tmux send-keys -t "$sess3" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"

"$CTOP" --sweep-budget 200 >/dev/null 2>"$TMPD/err"
assert_eq "--sweep-budget 200 exit status" 2 "$?"
grep -q -- '--sweep-budget wants' "$TMPD/err" || fail "message: $(cat "$TMPD/err")"
: >"$TMPD/stderr"
ok "--sweep-budget checks its value"
