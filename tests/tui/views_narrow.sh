#!/usr/bin/env bash
# The screens besides the flow list, in an 80x24 SSH window and at 150
# columns, on the narrow table (narrow_fill.bash) with two expectations
# (IPv4, and IPv6 with long addresses): no line wider than the terminal;
# the help broken between words and scrolled (every word of the wide
# help, in order, whole); the delete dialog showing a long IPv6 tuple
# whole; P's top sources, E's tuples whole or marked (tests/tui/cells.py);
# T's rows each a whole row of ctop -1 --timeouts and its sysctl command
# whole; and at 150 columns nothing that fits shortened.
# Nothing here depends on the clock or the namespace's name.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../kernel/fill.bash"
. "$(dirname "$0")/narrow_fill.bash"
. "$(dirname "$0")/../kernel/ftp.bash"
command -v tmux >/dev/null || skip "needs tmux"
command -v nft >/dev/null || skip "needs nft (make deps installs it)"
cells() { "$PYTHON3" "$(dirname "$0")/cells.py" "$@"; }
ELL=$'\u2026'
widest() { LC_ALL=C.UTF-8 wc -L <"$1"; }	# in cells, not bytes
save() { [ -n "${NARROW_SAVE:-}" ] && cp "$1" "$NARROW_SAVE/$2"; return 0; }

ns_new NS
fill_narrow "$NS"
assert_eq "flows made" 21 "$(ct_count "$NS")"
# Whole values: ctop -1 into a pipe.
ip netns exec "$NS" "$CTOP" -1 -H -g src | awk '{ print $1 }' >"$TMPD/sources"
ip netns exec "$NS" "$CTOP" -1 --timeouts >"$TMPD/timeouts"
awk '$3 ~ /^[0-9]+$/ { print $1, $2, $3 }' "$TMPD/timeouts" >"$TMPD/to-rows"
[ -s "$TMPD/to-rows" ] || fail "ctop -1 --timeouts: no rows"

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
tmux send-keys -t "$S80" '\' C-u Enter
wait_screen "$S80" "shown 21"

# ---- P: the top sources ----
# p_keys CAPTURE OUT: the keys of the TOP SOURCES rows.
p_keys() {
	LC_ALL=C.UTF-8 awk '/TOP SOURCES/ { x = index($0, "TOP SOURCES"); next }
		x && /%$/ { k = substr($0, x); sub(/ +[0-9]+ +[0-9.]+%$/, "", k)
			sub(/ +$/, "", k); print k }
		x && !/%$/ { exit }' "$1" >"$2"
}
check_p() {	# SESSION W NAME [MARKER]
	local m=${4:-$ELL}
	tmux send-keys -t "$1" P
	wait_screen "$1" "TOP SOURCES"
	wait_screen "$1" " 10\.1\.0\.1 +1 "
	screen_of "$1" >"$TMPD/$3"
	save "$TMPD/$3" "$3"
	within "$TMPD/$3" "$2" "$3"
	p_keys "$TMPD/$3" "$TMPD/$3.keys"
	checked=$(cells cells "$TMPD/$3.keys" "$TMPD/sources" "$m" \
		"$(wc -l <"$TMPD/$3.keys")") ||
		{ cat "$TMPD/$3" >&2; fail "$3: $checked"; }
	[ "$(wc -l <"$TMPD/$3.keys")" -ge 5 ] || fail "$3: too few sources"
	ok "$3: top sources $checked"
}
check_p "$S80" 80 pressure-80x24
grep -q "$ELL" "$TMPD/pressure-80x24.keys" ||
	fail "80x24: no source shortened (fd00:1234:5678:9abc:1:2:3:4 is wider)"

# In the C locale the marker is "~".
tmux_new SC 80 24 "env LANG=C LC_ALL=C ip netns exec $NS $CTOP"
wait_screen "$SC" "shown 21"
check_p "$SC" 80 pressure-80x24-C "~"
grep -q "~" "$TMPD/pressure-80x24-C.keys" || fail "C locale: no source marked '~'"

# ---- T: each row a row of ctop -1 --timeouts, the command whole ----
check_t() {	# SESSION W NAME
	tmux send-keys -t "$1" T
	wait_screen "$1" "^ Timeouts"
	tmux send-keys -t "$1" End
	wait_screen "$1" "change with: .*generic_timeout|^ sysctl -w .*generic_timeout"
	screen_of "$1" >"$TMPD/$3"
	save "$TMPD/$3" "$3"
	within "$TMPD/$3" "$2" "$3"
	# Each row's TIMEOUT ends under its title: no state runs into it.
	awk '/^ PROTO +STATE/ { on = 1; end = index($0, "TIMEOUT") + 6; next }
		on && / flows/ { exit }
		on && NF { match($0, /^ *[^ ]+ +[^ ]+ +[0-9]+/)
			print $1, $2, $3 (RLENGTH == end ? "" : " misaligned") }' \
		"$TMPD/$3" >"$TMPD/$3.rows"
	[ "$(wc -l <"$TMPD/$3.rows")" -ge 5 ] || fail "$3: too few rows"
	while read -r row; do
		grep -qxF -- "$row" "$TMPD/to-rows" ||
			{ cat "$TMPD/$3" >&2; fail "$3: row '$row' is no row of ctop -1 --timeouts"; }
	done <"$TMPD/$3.rows"
	cmd=$(grep -o "sysctl -w net.netfilter.nf_conntrack_generic_timeout=[0-9]*" \
		"$TMPD/timeouts")
	line=$(grep -F -- "$cmd" "$TMPD/$3" | sed 's/^ *//; s/ *$//')
	case $line in
	"change with: $cmd  (ctop does not run it)" | "change with: $cmd" | "$cmd") ;;
	*) fail "$3: the sysctl line is '$line'" ;;
	esac
	ok "$3: $(wc -l <"$TMPD/$3.rows") rows whole; $line"
	tmux send-keys -t "$1" Escape
	wait_screen "$1" "^ PROTO "
}
check_t "$S80" 80 timeouts-80x24

# ---- E: two expectations, one IPv6 with long addresses ----
long6=fd00:1234:5678:9abc:def0:1234:5678:9abc
ftp_expect "$NS" 127.0.0.1 120
ftp4=$FTP_PID
ftp_expect "$NS" "$long6" 120
ftp6=$FTP_PID
ip netns exec "$NS" "$CTOP" -1 --expect | grep -oE '[^ ]+ -> [^ ]+' >"$TMPD/tuples"
[ "$(wc -l <"$TMPD/tuples")" = 6 ] || fail "ctop -1 --expect: $(cat "$TMPD/tuples")"
check_e() {	# SESSION W NAME
	tmux send-keys -t "$1" E
	wait_screen "$1" "^ 2 expectations"
	screen_of "$1" >"$TMPD/$3"
	save "$TMPD/$3" "$3"
	within "$TMPD/$3" "$2" "$3"
	grep -oE '[^ ]+ -> [^ ]+' "$TMPD/$3" >"$TMPD/$3.cells"
	checked=$(cells cells "$TMPD/$3.cells" "$TMPD/tuples" "$ELL" \
		"$(wc -l <"$TMPD/$3.cells")") ||
		{ cat "$TMPD/$3" >&2; fail "$3: $checked"; }
	ok "$3: $(wc -l <"$TMPD/$3.cells") tuples, $checked"
}
check_e "$S80" 80 expect-80x24
grep -q "$ELL" "$TMPD/expect-80x24.cells" || fail "80x24: no tuple shortened"
[ "$(wc -l <"$TMPD/expect-80x24.cells")" -ge 4 ] || fail "80x24: E shows too few tuples"

# ---- a status-line error: whole words, then the marker ----
timeout 3 ip netns exec "$NS" "$CTOP" -w "$TMPD/rec" -d 1 >/dev/null 2>&1
[ -s "$TMPD/rec" ] || fail "ctop -w wrote no recording"
whole=$("$CTOP" -R "$TMPD/rec" --at garbage-time -1 2>&1 | head -n 1)
whole=${whole#ctop: }
tmux_new SR 80 24 "env LANG=C.UTF-8 $CTOP -R $TMPD/rec"
wait_screen "$SR" "recording "
tmux send-keys -t "$SR" t
wait_screen "$SR" "^Jump to \("
tmux send-keys -t "$SR" garbage-time Enter
wait_screen "$SR" "^Jump to.*cannot read"
line=$(screen_of "$SR" | sed -n 23p)
[ "$(LC_ALL=C.UTF-8 wc -L <<<"$line")" -le 80 ] || fail "jump prompt wider than 80"
err=$(sed -E 's/^Jump to[^:]*: +garbage-time +//' <<<"$line")
err=${err%"${err##*[! ]}"}
if [[ $err == *" $ELL" ]]; then
	[[ $whole == "${err% "$ELL"} "* ]] || fail "jump error cut mid-word: '$line'"
else
	[ "$err" = "$whole" ] || fail "jump error: '$err', not '$whole'"
fi
ok "jump prompt at 80: '$line'"

# ---- 150 columns: nothing that fits is shortened ----
tmux send-keys -t "$SW" x
wait_screen "$SW" "shown 23"
# The ftp connections are sources too now.
ip netns exec "$NS" "$CTOP" -1 -H -g src | awk '{ print $1 }' >"$TMPD/sources"
check_p "$SW" 150 pressure-150
grep -q "$ELL" "$TMPD/pressure-150" && fail "150: a P line shortened"
check_t "$SW" 150 timeouts-150
grep -qF "(ctop does not run it)" "$TMPD/timeouts-150" ||
	fail "150: the sysctl line lost its note"
check_e "$SW" 150 expect-150
for tp in "127.0.0.1:0 -> 127.0.0.1:50000" "255.255.255.255:0 -> 255.255.255.255:65535"; do
	grep -qxF -- "$tp" "$TMPD/expect-150.cells" || fail "150: '$tp' not whole"
done
ok "150 columns: the IPv4 expectation whole, MASK shown"
kill "$ftp4" "$ftp6" 2>/dev/null
wait "$ftp4" "$ftp6" 2>/dev/null
exit 0
