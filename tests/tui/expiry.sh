#!/usr/bin/env bash
# Silent expiries: with nf_conntrack_events=2, flows made before ctop
# listened send no DESTROY when they time out. The screen reads again the
# flows whose timeout ran out since it read them, so they go without a
# full dump (resyncs stay 0), while flows whose timeout was refreshed
# behind its back (here by conntrack -U, which sends no event for them
# either) are kept with their new timeout.
. "$(dirname "$0")/../lib.sh"
[ -x "$CTLOAD" ] || skip "ctload not built ($CTLOAD)"

ns_new ns
ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_events=2 ||
	skip "cannot set nf_conntrack_events in a namespace"
load() { "$CTLOAD" --netns "$ns" --quiet --sources 10 "$@" >/dev/null || fail "ctload $*"; }

# Made before ctop listens: 300 UDP flows that time out in 6 s, 200 TCP
# flows that live an hour.
load -n 300 --proto udp --timeout 6
load -n 200 --proto tcp --timeout 3600 --seed 2
assert_eq "kernel entries" 500 "$(ct_count "$ns")"

tmux_new sess 120 30 "$CTOP --netns $ns --resync 600 -d 1"
wait_screen "$sess" 'shown 500( |$)' 10
wait_screen "$sess" 'overflows 0  resyncs 0' 2
ok "first screen: 500 flows, no resync"

# Refresh the timeouts of one source's UDP flows, as traffic would.
# conntrack -U may fail on some of them (it races the expiries, and
# v1.4.7 reports EPROTO at times): what counts is what the kernel holds.
src=$(ct "$ns" -L -p udp 2>/dev/null | sed -n 's/^[^=]* src=\([0-9.]*\) .*/\1/p' | head -1)
[ -n "$src" ] || fail "no UDP flow listed"
ct "$ns" -U -p udp -s "$src" --timeout 3600 >/dev/null 2>&1
kept=$(ct "$ns" -L -p udp 2>/dev/null | awk '$3 > 600' | wc -l)
[ "$kept" -gt 0 ] || fail "conntrack -U refreshed no flow from $src"
want=$((200 + kept))

# The kernel reaps the rest on its own schedule; ctop must match it
# within seconds of the timeouts running out, and without a dump.
wait_screen "$sess" "shown $want( |\$)" 15
assert_eq "kernel entries after the timeouts" "$want" "$(ct_count "$ns")"
scr=$(screen_of "$sess")
grep -q 'overflows 0  resyncs 0' <<<"$scr" ||
	fail "a dump was needed: $(sed -n 4p <<<"$scr")"
grep -q "tcp 200  udp $kept " <<<"$scr" ||
	fail "per-protocol counts: $(sed -n 3p <<<"$scr")"
ok "expired flows gone, $kept refreshed ones kept, no resync"

# A few seconds on, nothing has moved: the refreshed flows were read
# again and are not due for an hour.
sleep 3
scr=$(screen_of "$sess")
grep -qE "shown $want( |$)" <<<"$scr" || fail "count moved: $(sed -n 2p <<<"$scr")"
grep -q 'overflows 0  resyncs 0' <<<"$scr" || fail "resync: $(sed -n 4p <<<"$scr")"
tmux send-keys -t "$sess" q
ok "steady after the expiries"
