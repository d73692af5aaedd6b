#!/usr/bin/env bash
# Narrow terminals (an 80x24 SSH window): on IPv6 flows with long
# addresses, 4- and 5-digit ports and every protocol, each cell of the
# screen and of `ctop -1` on a terminal is whole (as ctop -1 writes it
# into a pipe) or carries the marker with its port whole (tests/tui/
# cells.py); the hint line keeps whole items; the header names the
# namespace as ip-netns does. At 80x24, 100x30, after a resize, in the
# C locale (marker "~"), on group rows, and ctop -1 at 80 columns (flows)
# and 60 (groups).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kernel/fill.bash"
. "$(dirname "$0")/narrow_fill.bash"
command -v tmux >/dev/null || skip "needs tmux"
cells() { "$PYTHON3" "$(dirname "$0")/cells.py" "$@"; }
ELL=$'\u2026'
widest() { LC_ALL=C.UTF-8 wc -L <"$1"; }	# in cells, not bytes

ns_new NS
fill_narrow "$NS"
assert_eq "flows made" 21 "$(ct_count "$NS")"
acct=$(ip netns exec "$NS" sysctl -n net.netfilter.nf_conntrack_acct)
# Whole values: ctop -1 into a pipe.
ip netns exec "$NS" "$CTOP" -1 -H -c proto,src,dst,state >"$TMPD/whole" ||
	fail "ctop -1"
ip netns exec "$NS" "$CTOP" -1 -H -g pair >"$TMPD/pairs" || fail "ctop -1 -g pair"
grep -q "fd00:1234:5678:9abc:def0:1234:5678:9abc\]:51000" "$TMPD/whole" ||
	fail "a pipe gets whole values: $(cat "$TMPD/whole")"
# What a save directory asks for: the screens, to read them.
save() { [ -n "${NARROW_SAVE:-}" ] && cp "$1" "$NARROW_SAVE/$2"; return 0; }

# check_screen SESSION W H MARKER NAME: the list's cells, the hint line, the
# header of the screen in SESSION.
check_screen() {
	local s=$1 w=$2 h=$3 m=$4 name=$5 rows hint item checked
	screen_of "$s" >"$TMPD/$name"
	save "$TMPD/$name" "$name"
	rows=$((h - 7))
	[ $rows -gt 21 ] && rows=21
	checked=$(cells flows "$TMPD/$name" "$TMPD/whole" "$m" $rows) ||
		{ cat "$TMPD/$name" >&2; fail "$name: $checked"; }
	ok "$name: $checked"
	[ "$(widest "$TMPD/$name")" -le "$w" ] || fail "$name: a line wider than $w"
	grep -q "netns $NS " "$TMPD/$name" || fail "$name: header does not name $NS"
	# The hint line: whole items of the wide line's, help last.
	hint=$(sed -n "$((h - 1))p" "$TMPD/$name")
	[[ $hint == *"h: help" ]] || fail "$name: hint line '$hint'"
	while read -r item; do
		grep -qxF -- "$item" "$TMPD/hint-items" ||
			fail "$name: hint '$item' is not a whole item"
	done < <(sed 's/  /\n/g' <<<"$hint")
	ok "$name: hint line whole items, $(LC_ALL=C.UTF-8 wc -L <<<"$hint") cells"
}

# A wide screen first: its hint line is the list of whole items.
tmux_new S150 150 30 "env LANG=C.UTF-8 ip netns exec $NS $CTOP"
wait_screen "$S150" "shown 21"
sleep 1.5
screen_of "$S150" >"$TMPD/screen-150x30"
save "$TMPD/screen-150x30" screen-150x30
sed -n 29p "$TMPD/screen-150x30" | sed 's/  /\n/g' >"$TMPD/hint-items"
grep -qx "h: help" "$TMPD/hint-items" || fail "no hints at 150: $(cat "$TMPD/hint-items")"
check_screen "$S150" 150 30 "$ELL" screen-150x30
grep -q "fd00:1234:5678:9abc:def0:1234:5678:9abc\]:51000" "$TMPD/screen-150x30" ||
	fail "150 columns: the longest source should be whole"

tmux_new S80 80 24 "env LANG=C.UTF-8 ip netns exec $NS $CTOP"
wait_screen "$S80" "shown 21"
sleep 1.5
check_screen "$S80" 80 24 "$ELL" screen-80x24
grep -q "$ELL" "$TMPD/screen-80x24" || fail "80 columns: nothing shortened?"
if [ "$acct" = 0 ]; then
	# Counters with accounting off hold nothing: their width went to
	# the addresses.
	sed -n 5p "$TMPD/screen-80x24" | grep -q PACKETS &&
		fail "80 columns: PACKETS kept its width with accounting off"
	ok "80 columns: empty counters left"
fi

# Paused: the header says so, whole, within 80 cells.
tmux send-keys -t "$S80" p
wait_screen "$S80" "^ ctop .* PAUSED"
screen_of "$S80" | head -n 4 >"$TMPD/header-80"
[ "$(widest "$TMPD/header-80")" -le 80 ] || fail "80 columns: header wider than 80"
grep -q "events on" "$TMPD/header-80" || fail "80 columns: paused header lost the events item"
ok "80 columns: PAUSED in the header"

# The width at which the running header is exactly full (the events
# item ends in the last column, which depends on the namespace's name):
# PAUSED must still show, in the room of an item left out for it.
full=$(sed -n 1p "$TMPD/screen-150x30" |
	LC_ALL=C.UTF-8 grep -o '^.*silent ends within [0-9]* s' | LC_ALL=C.UTF-8 wc -L)
if [ "$full" -ge 80 ] && [ "$full" -le 150 ]; then
	tmux_new SF "$full" 24 "env LANG=C.UTF-8 ip netns exec $NS $CTOP"
	wait_screen "$SF" "shown 21"
	tmux send-keys -t "$SF" p
	wait_screen "$SF" "^ ctop .* PAUSED"
	screen_of "$SF" | head -n 1 >"$TMPD/header-full"
	[ "$(widest "$TMPD/header-full")" -le "$full" ] ||
		fail "$full columns: header wider than the screen"
	ok "$full columns (header exactly full): PAUSED shows: $(cat "$TMPD/header-full")"
fi

tmux_new S100 100 30 "env LANG=C.UTF-8 ip netns exec $NS $CTOP"
wait_screen "$S100" "shown 21"
sleep 1.5
check_screen "$S100" 100 30 "$ELL" screen-100x30
# A resize is a fresh fit.
tmux resize-window -t "$S100" -x 80 -y 24
sleep 1.5
check_screen "$S100" 80 24 "$ELL" resized-80x24

tmux_new SC 80 24 "env LANG=C LC_ALL=C ip netns exec $NS $CTOP"
wait_screen "$SC" "shown 21"
sleep 1.5
check_screen "$SC" 80 24 "~" screen-80x24-C
grep -q "~" "$TMPD/screen-80x24-C" || fail "C locale: no '~' marker"

# Group rows: "a -> b" keys, each side whole or marked.
tmux_new SG 80 24 "env LANG=C.UTF-8 ip netns exec $NS $CTOP -g pair"
wait_screen "$SG" "groups [0-9]"
sleep 1.5
screen_of "$SG" >"$TMPD/groups-80x24"
save "$TMPD/groups-80x24" groups-80x24
n=$(wc -l <"$TMPD/pairs")
[ "$n" -gt 17 ] && n=17
checked=$(cells groups "$TMPD/groups-80x24" "$TMPD/pairs" "$ELL" "$n") ||
	{ cat "$TMPD/groups-80x24" >&2; fail "group rows: $checked"; }
ok "group rows: $checked"

# ctop -1 on an 80-column terminal: the same rules, every row.
tmux_new SB 80 40 "env LANG=C.UTF-8 ip netns exec $NS $CTOP -1 -c proto,src,dst,state,packets,bytes; sleep 600"
wait_screen "$SB" "flows shown"
screen_of "$SB" >"$TMPD/batch-80"
save "$TMPD/batch-80" batch-80
checked=$(cells flows "$TMPD/batch-80" "$TMPD/whole" "$ELL" 21) ||
	{ cat "$TMPD/batch-80" >&2; fail "ctop -1 at 80: $checked"; }
ok "ctop -1 at 80: $checked"
[ "$(widest "$TMPD/batch-80")" -le 80 ] || fail "ctop -1 at 80: a row wider than 80"
if [ "$acct" = 0 ]; then
	grep -q PACKETS "$TMPD/batch-80" && fail "ctop -1 at 80: PACKETS kept with no data"
	ok "ctop -1 at 80: empty counters left"
fi
# ctop -1 -g on a 60-column terminal: the keys give way, the counts do not.
tmux_new SBG 60 40 "env LANG=C.UTF-8 ip netns exec $NS $CTOP -1 -g pair; sleep 600"
wait_screen "$SBG" "groups, 21 flows"
screen_of "$SBG" >"$TMPD/batch-groups-60"
save "$TMPD/batch-groups-60" batch-groups-60
checked=$(cells groups "$TMPD/batch-groups-60" "$TMPD/pairs" "$ELL" 21) ||
	{ cat "$TMPD/batch-groups-60" >&2; fail "ctop -1 -g at 60: $checked"; }
grep -q "$ELL" "$TMPD/batch-groups-60" || fail "ctop -1 -g at 60: nothing shortened?"
[ "$(widest "$TMPD/batch-groups-60")" -le 60 ] || fail "ctop -1 -g at 60: a row wider than 60"
ok "ctop -1 -g at 60: $checked"
exit 0
