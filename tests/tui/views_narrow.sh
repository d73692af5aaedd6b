#!/usr/bin/env bash
# The screens besides the flow list, in an 80x24 SSH window and at 150
# columns, on the narrow table (narrow_fill.bash): no line wider than the
# terminal; the help broken between words and scrolled (every word of the
# wide help, in order, whole); the delete dialog showing a long IPv6
# tuple whole; and at 150 columns nothing that fits shortened.
# Nothing here depends on the clock or the namespace's name.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kernel/fill.bash"
. "$(dirname "$0")/narrow_fill.bash"
command -v tmux >/dev/null || skip "needs tmux"
ELL=$'\u2026'
widest() { LC_ALL=C.UTF-8 wc -L <"$1"; }	# in cells, not bytes
save() { [ -n "${NARROW_SAVE:-}" ] && cp "$1" "$NARROW_SAVE/$2"; return 0; }

ns_new NS
fill_narrow "$NS"
assert_eq "flows made" 21 "$(ct_count "$NS")"

# within FILE W NAME: no line of the capture wider than W cells.
within() {
	[ "$(widest "$1")" -le "$2" ] || { cat "$1" >&2; fail "$3: a line wider than $2"; }
}

# ---- the help ----
# help_text SESSION H OUT: the help's lines as "NUMBER<tab>TEXT", page by
# page (Space) until the bar says the last line is shown.
help_text() {
	local s=$1 h=$2 out=$3 bar from to total row
	tmux send-keys -t "$s" h
	wait_screen "$s" "^ *ctop: the conntrack table, live"
	: >"$out"
	for _ in $(seq 20); do
		screen_of "$s" >"$TMPD/page"
		bar=$(sed -n "${h}p" "$TMPD/page")
		if [[ $bar =~ lines\ ([0-9]+)-([0-9]+)\ of\ ([0-9]+) ]]; then
			from=${BASH_REMATCH[1]} to=${BASH_REMATCH[2]}
			total=${BASH_REMATCH[3]}
		else
			[[ $bar == *"Press any key to return"* ]] ||
				fail "help bar: '$bar'"
			from=1 to=$((h - 4)) total=0
		fi
		within "$TMPD/page" "$(tmux display -p -t "$s" '#{window_width}')" \
			"help page at line $from"
		for ((row = 4; row <= h - 1 && from <= to; row++, from++)); do
			printf '%d\t%s\n' "$from" "$(sed -n "${row}p" "$TMPD/page")" >>"$out"
		done
		[ "$total" -eq 0 ] || [ "$to" -ge "$total" ] && break
		tmux send-keys -t "$s" Space
		wait_screen "$s" "lines $((to + 1))-|lines [0-9]+-$total of $total"
	done
	sort -n -u -k1,1 "$out" -o "$out"
	# A help on one page: the rows under it are blank.
	awk -F '\t' '$2 ~ /[^ ]/ { last = NR } { l[NR] = $0 }
		END { for (i = 1; i <= last; i++) print l[i] }' "$out" >"$out.t"
	mv "$out.t" "$out"
}
words() { cut -f2- "$1" | tr -s ' ' '\n' | sed '/^$/d'; }

tmux_new SW 150 60 "env LANG=C.UTF-8 ip netns exec $NS $CTOP"
wait_screen "$SW" "shown 21"
help_text "$SW" 60 "$TMPD/help-150"
save "$TMPD/help-150" help-150
grep -q "F10  quit" "$TMPD/help-150" || fail "150x60: the help is not whole"
tmux_new S80 80 24 "env LANG=C.UTF-8 ip netns exec $NS $CTOP"
wait_screen "$S80" "shown 21"
help_text "$S80" 24 "$TMPD/help-80"
save "$TMPD/help-80" help-80
# Broken between words: the same words in the same order, none cut.
words "$TMPD/help-150" >"$TMPD/words-150"
words "$TMPD/help-80" >"$TMPD/words-80"
diff "$TMPD/words-150" "$TMPD/words-80" >&2 ||
	fail "80x24: the help's words differ from the wide help's"
[ "$(wc -l <"$TMPD/help-80")" -gt "$(wc -l <"$TMPD/help-150")" ] ||
	fail "80x24: no help line was broken"
grep -q "$ELL" "$TMPD/help-80" && fail "80x24: a help word was shortened"
ok "help at 80x24: $(wc -l <"$TMPD/words-80") words whole over $(wc -l <"$TMPD/help-80") lines, scrolled"
tmux send-keys -t "$S80" x
wait_screen "$S80" "shown 21"

# ---- the delete dialog: the longest tuple whole, nothing deleted ----
src6="[fd00:1234:5678:9abc:def0:1234:5678:9abc]:51000"
tmux send-keys -t "$S80" '\' "sport 51000" Enter
wait_screen "$S80" "shown 1( |$)"
tmux send-keys -t "$S80" d
wait_screen "$S80" "Delete this flow"
screen_of "$S80" >"$TMPD/delete-80"
save "$TMPD/delete-80" delete-80
within "$TMPD/delete-80" 80 "delete dialog"
grep -qF -- "$src6" "$TMPD/delete-80" || fail "delete dialog: the source is not whole"
grep -qF -- "[fd00:1::1]:8080" "$TMPD/delete-80" ||
	fail "delete dialog: the destination is not whole"
grep "│" "$TMPD/delete-80" | grep -q "$ELL" && fail "delete dialog: a value shortened"
tmux send-keys -t "$S80" n
wait_screen "$S80" "nothing deleted"
assert_eq "kept after n" 21 "$(ct_count "$NS")"
ok "delete dialog at 80x24: the tuple whole"
exit 0
