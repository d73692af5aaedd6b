#!/usr/bin/env bash
# The screen kept from conntrack events: bursts of inserts and deletes show
# up within seconds without a full dump (resyncs stay 0 with --resync 600),
# the selected flow stays selected while rows churn around it, flows that
# send no events (made before ctop listened, nf_conntrack_events=2) are
# caught by the entry-count check, --resync dumps on its interval, and
# with events off the header says so and the screen polls.
. "$(dirname "$0")/../lib.sh"
[ -x "$CTLOAD" ] || skip "ctload not built ($CTLOAD)"

ns_new ns
load() { "$CTLOAD" --netns "$ns" --quiet --sources 10 "$@" >/dev/null || fail "ctload $*"; }
kcount() { ct_count "$ns"; }
# shown N on the screen, within SECONDS.
shown() { wait_screen "$sess" "shown $1( |\$)" "${2:-5}"; }

# 20,000 TCP flows made before ctop listens: with the default
# nf_conntrack_events=2 these never report their end.
load -n 20000 --proto tcp
assert_eq "kernel entries" 20000 "$(kcount)"

tmux_new sess 120 40 "$CTOP --netns $ns --resync 600; echo \$? > $TMPD/rc"
shown 20000 20
screen_of "$sess" | grep -q 'events on' || fail "header: events on: $(screen_of "$sess" | head -1)"
screen_of "$sess" | grep -q 'overflows 0  resyncs 0' || fail "header: overflows and resyncs"
ok "first screen: 20000 flows, events on"

# Select one flow, then churn rows around it.
tmux send-keys -t "$sess" '/' '10.0.0.7:1500 ' Enter
sleep 0.5

# A small burst, applied from events alone.
load -n 3000 --proto udp
load -n 1500 --proto udp --delete
assert_eq "kernel after the small burst" 21500 "$(kcount)"
shown 21500 5
scr=$(screen_of "$sess")
grep -q 'overflows 0  resyncs 0' <<<"$scr" || fail "a dump was needed: $(sed -n 4p <<<"$scr")"
grep -q 'tcp 20000  udp 1500 ' <<<"$scr" || fail "per-protocol counts: $(sed -n 3p <<<"$scr")"
ok "3000 inserts and 1500 deletes shown from events, no dump"

# The cursor is still on 10.0.0.7:1500: the delete dialog names it.
tmux send-keys -t "$sess" d
wait_screen "$sess" 'Delete this flow from the kernel'
screen_of "$sess" | grep -q 'tcp  10.0.0.7:1500 -> ' || fail "selection moved: $(screen_of "$sess" | grep -A2 'Delete this')"
tmux send-keys -t "$sess" n
wait_screen "$sess" 'nothing deleted'
ok "the selected flow stayed selected"

# A big burst: events may overflow the socket; the count still matches.
load -n 60000 --proto udp --seed 3 --sources 1000
load -n 30000 --proto udp --seed 3 --sources 1000 --delete
k=$(kcount)
shown "$k" 15
ok "burst of 60000 inserts and 30000 deletes: shown $k = conntrack -C ($(screen_of "$sess" | sed -n 4p | sed 's/  */ /g'))"

# Flows made before ctop listened send no DESTROY when nothing listened
# anywhere at the time (nf_conntrack_events=2: the kernel's "has a
# listener" flag may be global): the entry count then differs, and the
# screen re-reads the table within seconds. Either way the count matches.
load -n 5000 --proto tcp --delete
k=$(kcount)
shown "$k" 15
ok "5000 deletes of flows older than ctop: shown $k ($(screen_of "$sess" | sed -n 4p | sed 's/  */ /g'))"

# --resync SECONDS: a second screen on the same table dumps every 2 s.
tmux_new sess2 120 30 "$CTOP --netns $ns --resync 2"
wait_screen "$sess2" 'resyncs [2-9]' 10
ok "--resync 2 resynchronizes on its interval"
tmux send-keys -t "$sess2" q
"$CTOP" --resync x >/dev/null 2>"$TMPD/err"
assert_eq "--resync x exit status" 2 "$?"
grep -q -- '--resync wants' "$TMPD/err" || fail "--resync message: $(cat "$TMPD/err")"

# Events off: the header says so and every refresh is a dump.
ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_events=0 ||
	skip "cannot set nf_conntrack_events in a namespace"
wait_screen "$sess" 'events off: polling' 5
load -n 700 --proto icmp
k=$(kcount)
shown "$k" 5
ok "events off: polling dumps show $k flows"

tmux send-keys -t "$sess" q
for _ in $(seq 50); do [ -s "$TMPD/rc" ] && break; sleep 0.1; done
assert_eq "exit status" 0 "$(cat "$TMPD/rc" 2>/dev/null)"
